/* telegram.c - Telegram Desktop result.json exports.
 * STUB: not implemented yet; rejects every input. */
#include "telegram.h"

int telegram_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err telegram_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
