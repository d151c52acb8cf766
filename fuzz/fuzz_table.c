/* fuzz_table.c - libFuzzer target for the share-table reader.
 *
 * The input is the file itself, so fixtures are seeds as they are; the
 * input size picks strict mode, a small --max-record (so the record-size
 * cap is reachable), one of a few --map values (none, a map over the
 * CooRTweet names that also exercises every entity field, a map over
 * other names with a platform literal) and the --object-kind. The format is
 * forced, then the input goes once more through detection with the map
 * (which runs every sniffer and table_map_matches). Any crash, leak, hang
 * or sanitizer report is a bug; malformed input must only ever be
 * counted.
 */
#include <stddef.h>
#include <stdint.h>

#include "collectors/ingest.h"
#include "collectors/table.h"
#include "core/dataset.h"
#include "core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const maps[] = {
	NULL,
	"account=account_id,post=content_id,time=timestamp_share,"
	"object=object_id,url=object_id,hashtag=account_id,domain=content_id,"
	"image=object_id,mention=account_id,text=object_id,kind=object_id,"
	"lang=account_id,handle=account_id,name=content_id",
	"account=who,post=id,time=at,repost=what,reply=to,quote=q,"
	"ref_account=whom,platform=@x",
	"account=u,post=p,time=t,platform=pl,url=l,url=l2",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct ingest_opts o;
	struct source src;

	ingest_opts_init(&o);
	o.strict = (size & 1) != 0;
	o.max_record = (size & 2) ? 256 : 4096;
	o.table_map = maps[(size >> 2) & 3];
	o.table_object = (int)((size >> 4) % TABLE_OBJECT__COUNT);
	dataset_init(&ds);
	diag_init(&dg, o.strict);
	ingest_init(&in, &ds, &dg, &o);
	if (source_open_mem(&src, "fuzz.csv", (const char *)data, size) ==
	    CIB_OK)
		(void)ingest_source(&in, &src, FORMAT_TABLE);
	source_close(&src);
	if (source_open_mem(&src, "fuzz2.csv", (const char *)data, size) ==
	    CIB_OK)
		(void)ingest_source(&in, &src, FORMAT_AUTO);
	source_close(&src);
	ingest_release(&in);
	dataset_release(&ds);
	return 0;
}
