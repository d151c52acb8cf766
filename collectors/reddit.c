/* reddit.c - Reddit listings of t1 comments and t3 links.
 * STUB: not implemented yet; rejects every input. */
#include "reddit.h"

int reddit_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err reddit_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
