/* bluesky.h - Bluesky app.bsky.feed getAuthorFeed / searchPosts pages.
 *
 * sniff: given up to SOURCE_PEEK first bytes (possibly cut mid-record),
 * returns 0 (not this format) to 100 (certain).
 * read: reads the whole source into in->ds through ingest_add_post /
 * ingest_add_account, reporting bad records with ingest_bad().
 */
#ifndef CIB_BLUESKY_H
#define CIB_BLUESKY_H

#include <stddef.h>

#include "ingest.h"

int bluesky_sniff(const char *head, size_t n);
enum cib_err bluesky_read(struct ingest *in, struct source *src);

#endif
