/* ingest.c - format detection and dispatch to the collectors.
 *
 * Each collector scores the first bytes of an input; the highest score wins
 * (ties go to the earlier table row). A zip archive is opened once and
 * its members read in one pass, each detected on its own; members that are
 * not data (a README, a nested archive) are noted and passed over. An
 * error raised by the source itself (cut gzip, damaged zip, a size guard)
 * is reported with the source's message. Per-input statistics are kept for
 * `inspect`.
 */
#include "ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bluesky.h"
#include "crowdtangle.h"
#include "ioarchive.h"
#include "jsonl.h"
#include "mastodon.h"
#include "reddit.h"
#include "table.h"
#include "telegram.h"
#include "warc.h"
#include "xapi.h"

/* A web crawl holds no posts or accounts: it is recognised so that a run
 * given an export and a crawl together does not fail, and its records are
 * left to the sites analysis, which reads the file itself (cli/pipeopts.c,
 * docs/sites.md). The source has decompressed a .warc.gz already, so the
 * head starts "WARC/1.". */
static int warc_head_sniff(const char *head, size_t n)
{
	return warc_sniff(head, n) ? 100 : 0;
}

static enum cib_err warc_pass(struct ingest *in, struct source *src)
{
	(void)in;
	(void)src;
	return CIB_OK;
}

struct format_entry {
	enum cib_format format;
	int (*sniff)(const char *head, size_t n);
	enum cib_err (*read)(struct ingest *in, struct source *src);
};

static const struct format_entry table[] = {
	{ FORMAT_JSONL, jsonl_sniff, jsonl_read },
	{ FORMAT_IOARCHIVE_TWEETS, ioarchive_sniff_tweets, ioarchive_read_tweets },
	{ FORMAT_IOARCHIVE_USERS, ioarchive_sniff_users, ioarchive_read_users },
	{ FORMAT_CROWDTANGLE, crowdtangle_sniff, crowdtangle_read },
	{ FORMAT_XAPI, xapi_sniff, xapi_read },
	{ FORMAT_MASTODON, mastodon_sniff, mastodon_read },
	{ FORMAT_BLUESKY, bluesky_sniff, bluesky_read },
	{ FORMAT_REDDIT, reddit_sniff, reddit_read },
	{ FORMAT_TELEGRAM, telegram_sniff, telegram_read },
	{ FORMAT_TABLE, table_sniff, table_read },
	{ FORMAT_WARC, warc_head_sniff, warc_pass },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

static const char *const fmt_names[] = {
#define CIB_FMT_NAME(e, name, desc) name,
	CIB_FORMAT_MAP(CIB_FMT_NAME)
#undef CIB_FMT_NAME
};

static const char *const fmt_descs[] = {
#define CIB_FMT_DESC(e, name, desc) desc,
	CIB_FORMAT_MAP(CIB_FMT_DESC)
#undef CIB_FMT_DESC
};

const char *format_name(enum cib_format f)
{
	return (unsigned)f < FORMAT__COUNT ? fmt_names[f] : "unknown";
}

const char *format_description(enum cib_format f)
{
	return (unsigned)f < FORMAT__COUNT ? fmt_descs[f] : "";
}

int format_from_name(const char *name)
{
	for (int i = 0; i < FORMAT__COUNT; i++)
		if (strcmp(name, fmt_names[i]) == 0)
			return i;
	return -1;
}

void ingest_opts_init(struct ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_record = INGEST_MAX_RECORD_DEFAULT;
	o->max_document = INGEST_MAX_DOCUMENT_DEFAULT;
	o->max_ratio = INGEST_MAX_RATIO_DEFAULT;
}

void ingest_init(struct ingest *in, struct dataset *ds, struct diag *diag,
		 const struct ingest_opts *opts)
{
	memset(in, 0, sizeof(*in));
	in->ds = ds;
	in->diag = diag;
	if (opts)
		in->opts = *opts;
	else
		ingest_opts_init(&in->opts);
	if (diag)
		diag->strict = in->opts.strict;
}

void ingest_release(struct ingest *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n_files; i++)
		free(in->files[i].name);
	free(in->files);
	in->files = NULL;
	in->n_files = in->cap_files = 0;
	in->cur = NULL;
}

enum cib_format ingest_detect(const char *head, size_t n)
{
	int best = 0;
	enum cib_format fmt = FORMAT_AUTO;

	for (size_t i = 0; i < NTABLE; i++) {
		int s = table[i].sniff(head, n);

		if (s > best) {
			best = s;
			fmt = table[i].format;
		}
	}
	return fmt;
}

static const struct format_entry *entry_for(enum cib_format f)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].format == f)
			return &table[i];
	return NULL;
}

void ingest_fail(struct ingest *in, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(in->errmsg, sizeof(in->errmsg), "%s: %s",
		 in->cur && in->cur->name ? in->cur->name : "input", msg);
}

enum cib_err ingest_bad(struct ingest *in, uint64_t line, const char *where,
			const char *fmt, ...)
{
	char msg[DIAG_MSG];
	va_list ap;
	enum cib_err err;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (in->cur)
		in->cur->bad++;
	if (!in->diag)
		return in->opts.strict ? CIB_EPARSE : CIB_OK;
	err = diag_record(in->diag, in->cur ? in->cur->name : "input", line,
			  where, "%s", msg);
	if (err) {
		char buf[DIAG_MSG * 2 + 160];
		const struct diag_entry *e =
			&in->diag->kept[in->diag->n_kept ? in->diag->n_kept - 1 : 0];

		diag_format(e, buf, sizeof(buf));
		snprintf(in->errmsg, sizeof(in->errmsg), "%s", buf);
	}
	return err;
}

enum cib_err ingest_add_post(struct ingest *in, const struct post_rec *r)
{
	int added = 0;
	enum cib_err err;

	if (in->sink) {
		/* the checks dataset_add_post makes before storing */
		if (!r->id || !*r->id || !r->account_id || !*r->account_id ||
		    r->time == TIME_NONE)
			return CIB_EPARSE;
		err = in->sink(in->sink_ctx, 0, r);
		if (!err && in->cur)
			in->cur->records++;
		return err;
	}
	err = dataset_add_post(in->ds, r, &added);

	if (!err && in->cur) {
		in->cur->records++;
		in->cur->posts += (uint64_t)added;
	}
	return err;
}

enum cib_err ingest_add_account(struct ingest *in, const struct account_rec *r)
{
	enum cib_err err;

	if (in->sink) {
		if (!r->id || !*r->id)
			return CIB_EPARSE;
		err = in->sink(in->sink_ctx, 1, r);
		if (!err && in->cur)
			in->cur->accounts++;
		return err;
	}
	err = dataset_add_account(in->ds, r, NULL);

	if (!err && in->cur)
		in->cur->accounts++;
	return err;
}

enum cib_err ingest_slurp(struct ingest *in, struct source *src, char **buf,
			  size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	enum cib_err err;

	*buf = NULL;
	*len = 0;
	if (!b)
		return CIB_ENOMEM;
	source_guard(src, in->opts.max_document, in->opts.max_ratio);
	for (;;) {
		size_t got;

		if (n == cap) {
			size_t nc = cap * 2;
			char *nb;

			if (cap >= in->opts.max_document) {
				free(b);
				ingest_fail(in, "document larger than %zu bytes "
						"(--max-document)",
					    in->opts.max_document);
				return CIB_ETOOBIG;
			}
			if (nc > in->opts.max_document)
				nc = in->opts.max_document;
			nb = realloc(b, nc + 1);
			if (!nb) {
				free(b);
				return CIB_ENOMEM;
			}
			b = nb;
			cap = nc;
		}
		err = source_read(src, b + n, cap - n, &got);
		if (err) {
			free(b);
			if (err == CIB_ETOOBIG &&
			    src->bytes_read > in->opts.max_document)
				ingest_fail(in, "document larger than %zu bytes "
						"(--max-document)",
					    in->opts.max_document);
			else
				ingest_fail(in, "%s", src->errmsg[0]
							      ? src->errmsg
							      : cib_strerror(err));
			return err;
		}
		if (got == 0)
			break;
		n += got;
		if (n > in->opts.max_document) {
			free(b);
			ingest_fail(in, "document larger than %zu bytes "
					"(--max-document)",
				    in->opts.max_document);
			return CIB_ETOOBIG;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return CIB_OK;
}

static enum cib_err push_file(struct ingest *in, const char *name)
{
	struct ingest_file_stats *f;

	if (in->n_files == in->cap_files) {
		size_t nc = in->cap_files ? in->cap_files * 2 : 8;
		struct ingest_file_stats *nf =
			realloc(in->files, nc * sizeof(*nf));

		if (!nf)
			return CIB_ENOMEM;
		in->files = nf;
		in->cap_files = nc;
	}
	f = &in->files[in->n_files++];
	memset(f, 0, sizeof(*f));
	f->name = malloc(strlen(name) + 1);
	if (!f->name)
		return CIB_ENOMEM;
	memcpy(f->name, name, strlen(name) + 1);
	f->threads = 1;
	in->cur = f;
	return CIB_OK;
}

/* Why a zip member with these first bytes is not read, or NULL. */
static const char *member_skip(const struct ingest *in, const char *head,
			       size_t n, enum cib_format fmt)
{
	if (n == 0)
		return "empty member";
	if (source_archive_magic(head, n))
		return "nested archive or compressed member (unpack it and "
		       "give its files)";
	if ((fmt == FORMAT_AUTO || fmt == FORMAT_WARC) &&
	    warc_head_sniff(head, n))
		return "web crawl inside an archive (give the .warc or "
		       ".warc.gz file itself to the sites analysis)";
	if (fmt == FORMAT_AUTO && ingest_detect(head, n) == FORMAT_AUTO &&
	    !(in->opts.table_map &&
	      table_map_matches(in->opts.table_map, head, n)))
		return "not a recognised format (a README or other "
		       "document?)";
	return NULL;
}

static enum cib_err read_source(struct ingest *in, struct source *src,
				enum cib_format fmt, int member)
{
	const struct format_entry *e;
	enum cib_err err = push_file(in, src->name);

	if (err)
		return err;
	if (fmt == FORMAT_AUTO || member) {
		const char *head;
		size_t n;

		err = source_peek(src, &head, &n);
		if (err) {
			ingest_fail(in, "%s", src->errmsg[0] ? src->errmsg
							     : cib_strerror(err));
			return err;
		}
		if (member && (in->cur->skipped = member_skip(in, head, n, fmt)))
			return CIB_OK;
		if (n == 0) {
			ingest_fail(in, "%s", "empty input");
			return CIB_EFORMAT;
		}
		if (fmt == FORMAT_AUTO) {
			fmt = ingest_detect(head, n);
			/* --map: a table whose header has every mapped
			 * column */
			if (in->opts.table_map &&
			    table_map_matches(in->opts.table_map, head, n))
				fmt = FORMAT_TABLE;
		}
		if (fmt == FORMAT_AUTO) {
			ingest_fail(in, "%s",
				    "unrecognised format (try --format)");
			return CIB_EFORMAT;
		}
	}
	in->cur->format = fmt;
	/* a share table merges rows into the dataset's posts and a crawl
	 * is read later from its file: neither passes through a sink, where
	 * it would be lost (score --mpi reads them on rank 0) */
	if (in->sink && (fmt == FORMAT_TABLE || fmt == FORMAT_WARC)) {
		ingest_fail(in, "a %s cannot be read where the records go "
				"elsewhere",
			    fmt == FORMAT_TABLE ? "share table" : "crawl");
		return CIB_EINTERNAL;
	}
	e = entry_for(fmt);
	if (!e) {
		ingest_fail(in, "%s", "no reader for this format");
		return CIB_EFORMAT;
	}
	err = e->read(in, src);
	in->cur->bytes = src->bytes_read;
	/* the source's own failure (cut gzip, damaged zip member) is the
	 * cause, whatever the reader made of the short read */
	if (err && src->failed && !(err == CIB_ETOOBIG && in->errmsg[0]))
		ingest_fail(in, "%s", src->errmsg);
	else if (err && !in->errmsg[0])
		ingest_fail(in, "%s", cib_strerror(err));
	return err;
}

enum cib_err ingest_source(struct ingest *in, struct source *src,
			   enum cib_format fmt)
{
	in->errmsg[0] = '\0';
	return read_source(in, src, fmt, 0);
}

/* Every member of the archive behind `arch`, in one pass. */
static enum cib_err read_zip(struct ingest *in, struct source *arch,
			     enum cib_format fmt)
{
	struct source_zip z;
	struct source m;
	enum cib_err err = source_zip_open(&z, arch, in->opts.max_document);

	if (err) {
		snprintf(in->errmsg, sizeof(in->errmsg), "%s: %s", arch->name,
			 z.errmsg);
		source_zip_close(&z);
		return err;
	}
	for (;;) {
		err = source_zip_next(&z, &m);
		if (err == CIB_ENOTFOUND) {
			err = CIB_OK;
			break;
		}
		if (err) {
			snprintf(in->errmsg, sizeof(in->errmsg), "%s: %s",
				 m.name ? m.name : arch->name, m.errmsg);
			break;
		}
		err = read_source(in, &m, fmt, 1);
		source_close(&m);
		if (err)
			break;
	}
	source_close(&m);
	source_zip_close(&z);
	return err;
}

enum cib_err ingest_file(struct ingest *in, const char *path,
			 enum cib_format fmt)
{
	struct source src;
	enum cib_err err;

	in->errmsg[0] = '\0';
	err = source_open(&src, path);
	if (err) {
		snprintf(in->errmsg, sizeof(in->errmsg), "%s: %s", path,
			 src.errmsg[0] ? src.errmsg : cib_strerror(err));
		source_close(&src);
		return err;
	}
	if (src.kind == SOURCE_ZIP)
		err = read_zip(in, &src, fmt);
	else
		err = read_source(in, &src, fmt, 0);
	source_close(&src);
	return err;
}
