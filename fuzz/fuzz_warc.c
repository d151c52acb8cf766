/* fuzz_warc.c - libFuzzer target for the WARC reader: any bytes, plain or
 * gzip, read with small caps so every limit is reached, in lenient and
 * strict mode. Must never crash, leak or hang; every record's slices must
 * lie inside the reader's buffers and respect the caps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/warc.h"
#include "core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int strict = 0; strict < 2; strict++) {
		struct warc_opts o;
		struct warc_reader r;
		struct warc_record rec;
		struct diag dg;
		int got;
		uint64_t n = 0;

		warc_opts_init(&o);
		o.max_header = 512;
		o.max_record = 8192;
		o.max_body = 4096;
		diag_init(&dg, strict);
		if (warc_open_mem(&r, "fuzz", data, size, &o, &dg) == CIB_OK) {
			while (warc_next(&r, &rec, &got) == CIB_OK && got) {
				if (rec.block.n != rec.content_length ||
				    rec.block.n > o.max_record ||
				    rec.body.n > o.max_body)
					abort();
				/* touch every byte: ASan checks the slices */
				for (size_t i = 0; i < rec.body.n; i++)
					n += (unsigned char)rec.body.p[i];
				for (size_t i = 0; i < rec.target_uri.n; i++)
					n += (unsigned char)rec.target_uri.p[i];
				(void)warc_parse_date(rec.date.p, rec.date.n);
			}
		}
		warc_close(&r);
		(void)warc_sniff(data, size);
		if (n == 1)
			return 0;
	}
	return 0;
}
