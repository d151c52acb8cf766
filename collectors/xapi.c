/* xapi.c - X API v2 pages and v1.1 tweet lines, JSON or JSONL.
 * STUB: not implemented yet; rejects every input. */
#include "xapi.h"

int xapi_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err xapi_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
