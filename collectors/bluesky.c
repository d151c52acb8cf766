/* bluesky.c - Bluesky app.bsky.feed getAuthorFeed / searchPosts pages.
 * STUB: not implemented yet; rejects every input. */
#include "bluesky.h"

int bluesky_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err bluesky_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
