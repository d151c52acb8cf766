/* jsonl.c - cibscan's own normalised JSONL (docs/formats.md).
 * STUB: not implemented yet; rejects every input. */
#include "jsonl.h"

int jsonl_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err jsonl_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
