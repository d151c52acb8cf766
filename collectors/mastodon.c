/* mastodon.c - Mastodon statuses, JSON array or JSONL.
 * STUB: not implemented yet; rejects every input. */
#include "mastodon.h"

int mastodon_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err mastodon_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
