/* fuzz_csvread.c - differential libFuzzer target for the CSV layer: the
 * fast path must read any bytes exactly as libcsv alone does.
 *
 * The first input byte picks the read size (0: the default 1 MiB; else
 * 1-255 bytes, so records cross reads and long ones fall back to libcsv),
 * the second the record cap, strict mode and the separator (comma or
 * tab); the rest is the CSV. Both
 * reads are dumped (tests/csvdump.h: headers, records, lines, reports,
 * counters, errors) and must be equal byte for byte; a difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/csvdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk, cap, lref = 0, lfast = 0;
	int strict;
	char delim, *ref, *fast;

	if (size < 2)
		return 0;
	chunk = data[0];
	cap = (data[1] & 3) == 0 ? 0 : (size_t)16 << (data[1] & 3);
	strict = (data[1] & 4) != 0;
	delim = (data[1] & 8) ? '\t' : ',';
	data += 2;
	size -= 2;
	ref = csvdump_read_delim((const char *)data, size, 1, 0, cap, strict,
				 delim, &lref);
	fast = csvdump_read_delim((const char *)data, size, 0, chunk, cap,
				  strict, delim, &lfast);
	if (ref && fast && (lref != lfast || memcmp(ref, fast, lref) != 0))
		abort();
	free(ref);
	free(fast);
	return 0;
}
