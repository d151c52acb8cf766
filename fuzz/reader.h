/* reader.h - the body every reader's libFuzzer target shares: any bytes,
 * read with the format forced (so the reader, not the sniffer, sees them)
 * and small caps so the size limits are exercised too, then once more
 * through detection, which runs every sniffer. Must never crash, leak or
 * hang; malformed input is a counted skip or a fatal error. */
#ifndef CIB_FUZZ_READER_H
#define CIB_FUZZ_READER_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/ingest.h"
#include "collectors/source.h"
#include "core/dataset.h"
#include "core/diag.h"

static inline int fuzz_reader(const uint8_t *data, size_t size,
			      enum cib_format format)
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
		(void)ingest_source(&in, &src, format);
	source_close(&src);
	(void)ingest_detect((const char *)data, size);
	ingest_release(&in);
	dataset_release(&ds);
	return 0;
}

#endif
