/* csvdump.h - csvread's output as one byte string, for comparing its fast
 * path with libcsv alone (tests/test_csvread.c, fuzz/fuzz_csvread.c).
 *
 * Everything a collector can observe goes in: the header names, each
 * record's line and fields (lengths and bytes), every bad-record report
 * (line, field, reason), the counters, the return code and the fatal
 * message. Two reads agree exactly when their dumps are equal.
 */
#ifndef CIB_TESTS_CSVDUMP_H
#define CIB_TESTS_CSVDUMP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/csvread.h"
#include "collectors/ingest.h"
#include "collectors/source.h"
#include "core/dataset.h"
#include "core/diag.h"

struct csvdump {
	char *buf;
	size_t len, cap;
	int oom;
};

static inline void csvdump_add(struct csvdump *d, const void *s, size_t n)
{
	if (d->oom)
		return;
	if (d->len + n > d->cap) {
		size_t c = d->cap ? d->cap : 256;
		char *nb;

		while (c < d->len + n)
			c *= 2;
		nb = realloc(d->buf, c);
		if (!nb) {
			d->oom = 1;
			return;
		}
		d->buf = nb;
		d->cap = c;
	}
	memcpy(d->buf + d->len, s, n);
	d->len += n;
}

static inline void csvdump_u64(struct csvdump *d, uint64_t v)
{
	char t[32];
	int k = snprintf(t, sizeof(t), "%llu;", (unsigned long long)v);

	csvdump_add(d, t, (size_t)k);
}

static inline enum cib_err csvdump_header(void *ctx, struct csvread *r)
{
	struct csvdump *d = ctx;

	csvdump_add(d, "H", 1);
	csvdump_u64(d, r->header_line);
	csvdump_u64(d, r->n_cols);
	for (size_t i = 0; i < r->n_cols; i++) {
		const char *s = csvread_colname(r, (int)i);

		csvdump_u64(d, strlen(s));
		csvdump_add(d, s, strlen(s));
	}
	return CIB_OK;
}

static inline enum cib_err csvdump_record(void *ctx, const struct csvrec *rec)
{
	struct csvdump *d = ctx;

	csvdump_add(d, "R", 1);
	csvdump_u64(d, rec->line);
	csvdump_u64(d, rec->n);
	for (size_t i = 0; i < rec->n; i++) {
		csvdump_u64(d, rec->len[i]);
		csvdump_add(d, rec->f[i], rec->len[i] + 1); /* with its NUL */
	}
	return CIB_OK;
}

/* Everything one csvread run over a memory buffer needs. */
struct csvdump_run {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct source src;
	struct csvread r;
};

/* Sets up csvread over data[0..n) on one thread with the given knobs
 * (0 = default); nonzero when the source cannot be opened. */
static inline int csvdump_open(struct csvdump_run *x, const char *data,
			       size_t n, int libcsv_only, size_t chunk_size,
			       size_t max_record, int strict)
{
	struct ingest_opts o;

	dataset_init(&x->ds);
	diag_init(&x->dg, strict);
	ingest_opts_init(&o);
	o.strict = strict;
	o.threads = 1;
	if (max_record)
		o.max_record = max_record;
	ingest_init(&x->in, &x->ds, &x->dg, &o);
	if (source_open_mem(&x->src, "mem.csv", data, n) != CIB_OK) {
		ingest_release(&x->in);
		dataset_release(&x->ds);
		return -1;
	}
	csvread_init(&x->r, &x->in, &x->src);
	x->r.libcsv_only = libcsv_only;
	x->r.chunk_size = chunk_size;
	return 0;
}

static inline void csvdump_close(struct csvdump_run *x)
{
	csvread_release(&x->r);
	source_close(&x->src);
	ingest_release(&x->in);
	dataset_release(&x->ds);
}

/* csvdump_read with field separator `delim` (',' or '\t'). */
static inline char *csvdump_read_delim(const char *data, size_t n,
				       int libcsv_only, size_t chunk_size,
				       size_t max_record, int strict,
				       char delim, size_t *dump_len)
{
	struct csvdump_run x;
	struct csvdump d = { 0 };
	enum cib_err err;

	if (csvdump_open(&x, data, n, libcsv_only, chunk_size, max_record,
			 strict))
		return NULL;
	x.r.delim = delim;
	err = csvread_run(&x.r, csvdump_header, csvdump_record, &d);
	csvdump_add(&d, "E", 1);
	csvdump_u64(&d, (uint64_t)err);
	csvdump_u64(&d, x.r.n_records);
	csvdump_u64(&d, x.r.n_repaired);
	csvdump_add(&d, x.in.errmsg, strlen(x.in.errmsg));
	csvdump_u64(&d, x.dg.n_bad);
	for (size_t i = 0; i < x.dg.n_kept; i++) {
		const struct diag_entry *k = &x.dg.kept[i];

		csvdump_u64(&d, k->line);
		csvdump_add(&d, k->where, strlen(k->where));
		csvdump_add(&d, k->reason, strlen(k->reason));
	}
	csvdump_close(&x);
	if (d.oom) {
		free(d.buf);
		return NULL;
	}
	*dump_len = d.len;
	return d.buf;
}

/* Reads data[0..n) with csvread and returns the dump (caller frees), or
 * NULL when out of memory. */
static inline char *csvdump_read(const char *data, size_t n, int libcsv_only,
				 size_t chunk_size, size_t max_record,
				 int strict, size_t *dump_len)
{
	return csvdump_read_delim(data, n, libcsv_only, chunk_size, max_record,
				  strict, ',', dump_len);
}

#endif
