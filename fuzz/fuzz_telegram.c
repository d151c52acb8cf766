/* fuzz_telegram.c - libFuzzer target for the telegram reader: any bytes, read with
 * the format forced (so the reader, not the sniffer, sees them) and small
 * caps so the size limits are exercised too. Must never crash, leak or
 * hang; malformed input is a counted skip or a fatal error. */
#include <stddef.h>
#include <stdint.h>

#include "collectors/ingest.h"
#include "collectors/source.h"
#include "core/dataset.h"
#include "core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct ingest_opts o;
	struct source src;

	dataset_init(&ds);
	diag_init(&dg, 0);
	ingest_opts_init(&o);
	o.max_record = 4096;
	o.max_document = 1 << 20;
	ingest_init(&in, &ds, &dg, &o);
	if (source_open_mem(&src, "fuzz", (const char *)data, size) == CIB_OK)
		(void)ingest_source(&in, &src, FORMAT_TELEGRAM);
	source_close(&src);
	/* and through detection, which runs every sniffer */
	(void)ingest_detect((const char *)data, size);
	ingest_release(&in);
	dataset_release(&ds);
	return 0;
}
