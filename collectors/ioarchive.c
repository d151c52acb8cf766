/* ioarchive.c - X/Twitter information-operations archive CSV (tweets and users files).
 * STUB: not implemented yet; rejects every input. */
#include "ioarchive.h"

int ioarchive_sniff_tweets(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err ioarchive_read_tweets(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}

int ioarchive_sniff_users(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err ioarchive_read_users(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
