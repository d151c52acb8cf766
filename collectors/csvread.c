/* csvread.c - CSV (or TSV) records from a struct source for the
 * collectors: core/csvrec splits the bytes (quoting, line numbers, the
 * record-size cap, the header's names, invalid UTF-8 repaired); this file
 * reads the source for it and turns the records that fail a structural
 * check into ingest_bad() reports, so a collector only ever sees records
 * with exactly the header's count of fields and no NUL byte. Fatal errors
 * of the splitter (a bad header, a read error) go to ingest_fail(). Also
 * the header sniffing and small field parsers the CSV collectors share.
 */
#include "csvread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csvread_init(struct csvread *r, struct ingest *in, struct source *src)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->src = src;
	csvrec_init(&r->rd);
}

void csvread_release(struct csvread *r)
{
	if (!r)
		return;
	csvrec_release(&r->rd);
	r->hdr_buf = NULL;
	r->hdr_off = NULL;
	r->n_cols = 0;
}

int csvread_col(const struct csvread *r, const char *name)
{
	return csvrec_col(&r->rd, name);
}

const char *csvread_colname(const struct csvread *r, int i)
{
	return csvrec_colname(&r->rd, i);
}

static enum cib_err src_read(void *ctx, char *buf, size_t cap, size_t *got,
			     const char **errmsg)
{
	struct source *src = ctx;
	enum cib_err err = source_read(src, buf, cap, got);

	if (err)
		*errmsg = src->errmsg;
	return err;
}

/* The structural checks, then the collector's callbacks. */
static enum cib_err on_event(void *ctx, const struct csvrec_event *ev)
{
	struct csvread *r = ctx;

	r->n_repaired = r->rd.n_repaired;
	r->n_fast = r->rd.n_fast;
	switch (ev->kind) {
	case CSVREC_HEADER:
		r->hdr_buf = r->rd.hdr_buf;
		r->hdr_off = r->rd.hdr_off;
		r->n_cols = r->rd.n_cols;
		r->header_line = r->rd.header_line;
		return r->on_header(r->ctx, r);
	case CSVREC_UNTERMINATED:
		r->n_records++;
		return ingest_bad(r->in, ev->line, "record",
				  "unterminated quoted field: quote still "
				  "open at end of input");
	case CSVREC_RECORD:
		break;
	}
	r->n_records++;
	if (ev->too_big)
		return ingest_bad(r->in, ev->line, "record",
				  "record too large: over %zu bytes "
				  "(--max-record)",
				  r->rd.max_record);
	if (ev->nul_col)
		return ingest_bad(r->in, ev->line,
				  csvread_colname(r, (int)ev->nul_col - 1),
				  "NUL byte: in field %zu", ev->nul_col);
	if (ev->nf != r->n_cols)
		return ingest_bad(r->in, ev->line, "record",
				  "wrong field count: %zu fields, header has "
				  "%zu",
				  ev->nf, r->n_cols);
	return r->on_record(r->ctx, &ev->rec);
}

enum cib_err csvread_run(struct csvread *r, csvread_header_fn on_header,
			 csvread_fn on_record, void *ctx)
{
	enum cib_err err;

	r->on_header = on_header;
	r->on_record = on_record;
	r->ctx = ctx;
	r->rd.delim = r->delim;
	r->rd.max_record = r->in->opts.max_record
				   ? r->in->opts.max_record
				   : INGEST_MAX_RECORD_DEFAULT;
	r->rd.chunk_size = r->chunk_size;
	r->rd.libcsv_only = r->libcsv_only;
	r->rd.threads = r->in->opts.threads == 1 ? 1 : 0;
	r->rd.cap_hint = " (--max-record)";
	err = csvrec_run(&r->rd, src_read, r->src, on_event, r);
	r->n_repaired = r->rd.n_repaired;
	r->n_fast = r->rd.n_fast;
	if (r->rd.piped && r->in->cur)
		r->in->cur->threads = 2;
	if (err && r->rd.errmsg[0])
		ingest_fail(r->in, "%s", r->rd.errmsg);
	return err;
}

int csvread_head_has(const char *head, size_t n, const char *name,
		     char delim)
{
	size_t i = 0, nl = strlen(name);

	if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && head[i] != '\n' && head[i] != '\r') {
		size_t s, e;

		while (i < n && head[i] != delim &&
		       (head[i] == ' ' || head[i] == '\t'))
			i++;
		if (i < n && head[i] == '"') {
			s = ++i;
			while (i < n && head[i] != '"')
				i++;
			e = i;
			if (i < n)
				i++;
		} else {
			s = i;
			while (i < n && head[i] != delim && head[i] != '\n' &&
			       head[i] != '\r')
				i++;
			e = i;
		}
		while (e > s && head[e - 1] != delim &&
		       (head[e - 1] == ' ' || head[e - 1] == '\t'))
			e--;
		if (e - s == nl && memcmp(head + s, name, nl) == 0)
			return 1;
		while (i < n && head[i] != delim && head[i] != '\n' &&
		       head[i] != '\r')
			i++;
		if (i < n && head[i] == delim)
			i++;
	}
	return 0;
}

int csvread_sniff(const char *head, size_t n, const char *const *required,
		  const char *const *typical, const char *const *forbidden)
{
	size_t have = 0, total = 0;

	for (size_t i = 0; required[i]; i++)
		if (!csvread_head_has(head, n, required[i], ','))
			return 0;
	for (size_t i = 0; forbidden && forbidden[i]; i++)
		if (csvread_head_has(head, n, forbidden[i], ','))
			return 0;
	for (size_t i = 0; typical && typical[i]; i++) {
		total++;
		have += (size_t)csvread_head_has(head, n, typical[i], ',');
	}
	return 60 + (total ? (int)(40 * have / total) : 40);
}

int csvread_parse_count(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	int64_t v = 0;
	int digits = 0;

	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	if (i == n) {
		*out = COUNT_NONE;
		return 0;
	}
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (s[i] - '0');
			digits++;
		} else if (s[i] == ',' && digits) {
			/* a thousands separator is followed by exactly three
			 * digits */
			size_t k = i + 1;

			while (k < n && s[k] >= '0' && s[k] <= '9')
				k++;
			if (k - i - 1 != 3)
				return -1;
		} else if (s[i] == '.' && digits) {
			for (i++; i < n; i++)
				if (s[i] != '0')
					return -1;
			break;
		} else {
			return -1;
		}
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

void csvread_lower(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}
