/* fuzz_review_import.c - the review store's CSV import (review/store.c) on
 * arbitrary bytes: written to a temporary file (the importer reads files)
 * and imported into an in-memory store, once as an accounts table, once
 * as a clusters table and once as an edges table. Must never crash, leak or overrun; malformed rows
 * are counted or rejected with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "review/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct review r;
	struct review_import_opts o;
	struct review_import_stats st;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz_review_%d.csv",
			 (int)getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	if (review_open(&r, ":memory:"))
		return 0;
	review_import_opts_init(&o);
	o.accounts = path;
	(void)review_import(&r, &o, &st);
	o.clusters = path; /* the same bytes as a clusters table */
	(void)review_import(&r, &o, &st);
	o.clusters = NULL; /* and as an edges table */
	o.edges = path;
	(void)review_import(&r, &o, &st);
	review_close(&r);
	unlink(path);
	return 0;
}
