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

/* Reads data[0..n) with csvread and returns the dump (caller frees), or
 * NULL when out of memory. */
static inline char *csvdump_read(const char *data, size_t n, int libcsv_only,
				 size_t chunk_size, size_t max_record,
				 int strict, size_t *dump_len)
{
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct ingest_opts o;
	struct source src;
	struct csvread r;
	struct csvdump d = { 0 };
	enum cib_err err = CIB_OK;

	dataset_init(&ds);
	diag_init(&dg, strict);
	ingest_opts_init(&o);
	o.strict = strict;
	o.threads = 1;
	if (max_record)
		o.max_record = max_record;
	ingest_init(&in, &ds, &dg, &o);
	if (source_open_mem(&src, "mem.csv", data, n) != CIB_OK) {
		ingest_release(&in);
		dataset_release(&ds);
		return NULL;
	}
	csvread_init(&r, &in, &src);
	r.libcsv_only = libcsv_only;
	r.chunk_size = chunk_size;
	err = csvread_run(&r, csvdump_header, csvdump_record, &d);
	csvdump_add(&d, "E", 1);
	csvdump_u64(&d, (uint64_t)err);
	csvdump_u64(&d, r.n_records);
	csvdump_u64(&d, r.n_repaired);
	csvdump_add(&d, in.errmsg, strlen(in.errmsg));
	csvdump_u64(&d, dg.n_bad);
	for (size_t i = 0; i < dg.n_kept; i++) {
		csvdump_u64(&d, dg.kept[i].line);
		csvdump_add(&d, dg.kept[i].where, strlen(dg.kept[i].where));
		csvdump_add(&d, dg.kept[i].reason, strlen(dg.kept[i].reason));
	}
	csvread_release(&r);
	source_close(&src);
	ingest_release(&in);
	dataset_release(&ds);
	if (d.oom) {
		free(d.buf);
		return NULL;
	}
	*dump_len = d.len;
	return d.buf;
}

#endif
