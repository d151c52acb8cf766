/* fuzz_ioarchive.c - libFuzzer target for the IO archive readers.
 *
 * The input is the file itself, so fixtures are seeds as they are. A
 * users header goes to the users reader, anything else to the tweets
 * reader; the input size picks strict mode and a small --max-record (so
 * the record-size cap is reachable). Any crash, leak, hang or sanitizer report is a
 * bug; malformed input must only ever be counted.
 */
#include <stddef.h>
#include <stdint.h>

#include "collectors/ingest.h"
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
	enum cib_format fmt;

	fmt = ingest_detect((const char *)data, size) == FORMAT_IOARCHIVE_USERS
		      ? FORMAT_IOARCHIVE_USERS
		      : FORMAT_IOARCHIVE_TWEETS;
	ingest_opts_init(&o);
	o.strict = (size & 1) != 0;
	o.max_record = (size & 2) ? 256 : 4096;
	dataset_init(&ds);
	diag_init(&dg, o.strict);
	ingest_init(&in, &ds, &dg, &o);
	if (source_open_mem(&src, "fuzz.csv", (const char *)data, size) ==
	    CIB_OK)
		(void)ingest_source(&in, &src, fmt);
	source_close(&src);
	ingest_release(&in);
	dataset_release(&ds);
	return 0;
}
