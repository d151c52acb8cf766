/* fuzz_run.c - the run-file loader (explain/flag --run, docs/run.md): any
 * bytes must be refused cleanly or give a run every renderer can read
 * (each account's headline, reasons and why-not, each cluster's sentence,
 * the flagged JSON), which saves back to the same bytes it loads from.
 * The checksums would stop almost every mutation at the door, so each
 * input is tried twice: as it is, and with its section and table
 * checksums recomputed, so the mutations reach the checks behind them.
 * A run that loads is also drawn as `report --run` draws it
 * (report/fromrun.c, report_write) over a dataset made of its own accounts
 * with a few posts each, so a run whose numbers disagree with each other
 * cannot crash the report either.
 * Seeds: the runs in fixtures/run/ (seeds-fuzz_run.txt). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/dataset.h"
#include "model/run.h"
#include "report/fromrun.h"
#include "report/output.h"
#include "report/report.h"
#include "report/reasons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* recompute what run_save would have written as checksums and size */
static void fix_checksums(unsigned char *b, size_t n)
{
	uint32_t ns;

	if (n < 64)
		return;
	wr64(b + 24, n);
	ns = rd32(b + 16);
	if (ns == 0 || ns > 64 || 64 + (size_t)ns * 32 > n)
		return;
	for (uint32_t i = 0; i < ns; i++) {
		unsigned char *e = b + 64 + (size_t)i * 32;
		uint64_t size = rd32(e + 4), count = rd64(e + 8),
			 off = rd64(e + 16);

		if (size && count <= n / size && off <= n &&
		    count * size <= n - off)
			wr64(e + 24, XXH3_64bits(b + off, (size_t)(count * size)));
	}
	wr64(b + 32, XXH3_64bits(b + 64, (size_t)ns * 32));
}

/* The run's accounts as a dataset (posts at fixed times, one text shared
 * by all), then report_view_from_run and the report. Runs of more than 64
 * accounts are skipped (the layouts would slow the fuzzer down). */
static void draw_report(struct scored_run *r)
{
	struct dataset ds;
	struct pipeline p;
	struct report_opts ro;
	char err[512], pid[64];
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (r->n_accounts > 64)
		return;
	dataset_init(&ds);
	for (size_t i = 0; i < r->n_accounts; i++) {
		struct account_rec a;
		struct post_rec q;

		account_rec_init(&a);
		a.platform = (enum platform)r->acc[i].platform;
		a.id = run_str(r, r->acc[i].id);
		a.handle = run_str(r, r->acc[i].handle);
		if (!a.id[0] || dataset_add_account(&ds, &a, NULL) != CIB_OK)
			goto out;
		for (int k = 0; k < 3; k++) {
			post_rec_init(&q);
			snprintf(pid, sizeof(pid), "p%zu.%d", i, k);
			q.platform = a.platform;
			q.id = pid;
			q.account_id = a.id;
			q.time = 1560000000 + 3600 * (int64_t)(i + 7 * k);
			q.text = k ? "the same words" : "own words";
			if (dataset_add_post(&ds, &q, NULL) != CIB_OK)
				goto out;
		}
	}
	if (report_view_from_run(&p, &ds, r, err, sizeof(err)) == CIB_OK) {
		report_opts_init(&ro);
		ro.run = r;
		ro.seed = r->meta.seed;
		f = open_memstream(&out, &len);
		if (f) {
			enum cib_err e = report_write(&p, &ro, f, err,
						      sizeof(err));

			/* only the graph layout may fail (igraph) */
			if (e != CIB_OK && e != CIB_ELIB && e != CIB_ENOMEM)
				abort();
			fclose(f);
			free(out);
		}
	}
	pipeline_release(&p);
out:
	dataset_release(&ds);
}

static void exercise(const unsigned char *buf, size_t size)
{
	struct scored_run r, back;
	char err[256], text[REASONS_CAP];
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (run_load(&r, buf, size, err, sizeof(err)) != CIB_OK)
		return;
	for (size_t a = 0; a < r.n_accounts; a++) {
		if (reasons_account_headline(&r, a, text, sizeof(text)) >
		    REASONS_HEADLINE_MAX)
			abort();
		reasons_account_details(&r, a, text, sizeof(text));
		reasons_why_not(&r, a, text, sizeof(text));
	}
	for (size_t k = 0; k < r.n_clusters; k++) {
		reasons_cluster_headline(&r, k, text, sizeof(text));
		reasons_cluster_details(&r, k, text, sizeof(text));
	}
	f = open_memstream(&out, &len);
	if (f) {
		if (output_flagged_json(&r, f) != CIB_OK)
			abort();
		fclose(f);
		free(out);
	}
	out = NULL;
	len = 0;
	f = open_memstream(&out, &len);
	if (f) {
		if (run_save(&r, f) != CIB_OK)
			abort();
		fclose(f);
		/* what loaded saves back to what loads again, the same */
		if (run_load(&back, (unsigned char *)out, len, err,
			     sizeof(err)) != CIB_OK)
			abort();
		if (back.n_accounts != r.n_accounts ||
		    back.n_reasons != r.n_reasons)
			abort();
		run_release(&back);
		free(out);
	}
	draw_report(&r);
	run_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;

	exercise(data, size);
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_checksums(copy, size);
	exercise(copy, size);
	free(copy);
	return 0;
}
