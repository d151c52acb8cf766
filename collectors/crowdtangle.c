/* crowdtangle.c - Meta CrowdTangle CSV exports (Pages and Groups).
 * STUB: not implemented yet; rejects every input. */
#include "crowdtangle.h"

int crowdtangle_sniff(const char *head, size_t n)
{
	(void)head;
	(void)n;
	return 0;
}

enum cib_err crowdtangle_read(struct ingest *in, struct source *src)
{
	(void)src;
	ingest_fail(in, "%s", "format not implemented yet");
	return CIB_EFORMAT;
}
