/* crowdtangle.h - Meta CrowdTangle CSV exports (Pages and Groups).
 *
 * sniff: given up to SOURCE_PEEK first bytes (possibly cut mid-record),
 * returns 0 (not this format) to 100 (certain).
 * read: reads the whole source into in->ds through ingest_add_post /
 * ingest_add_account, reporting bad records with ingest_bad().
 *
 * Post ids come from the URL, accounts from Facebook Id (else User Name);
 * Instagram URLs give PLATFORM_INSTAGRAM. Column synonyms and rules:
 * docs/formats-csv.md.
 */
#ifndef CIB_CROWDTANGLE_H
#define CIB_CROWDTANGLE_H

#include <stddef.h>

#include "ingest.h"

int crowdtangle_sniff(const char *head, size_t n);
enum cib_err crowdtangle_read(struct ingest *in, struct source *src);

#endif
