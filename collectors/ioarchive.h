/* ioarchive.h - X/Twitter information-operations archive CSV (tweets and users files).
 *
 * sniff: given up to SOURCE_PEEK first bytes (possibly cut mid-record),
 * returns 0 (not this format) to 100 (certain).
 * read: reads the whole source into in->ds through ingest_add_post /
 * ingest_add_account, reporting bad records with ingest_bad().
 *
 * Columns are mapped by header name; a missing required column (tweetid,
 * userid, tweet_time; users: userid) is CIB_EFORMAT with in->errmsg naming
 * it. Field rules, kinds and list cells: docs/formats-csv.md.
 */
#ifndef CIB_IOARCHIVE_H
#define CIB_IOARCHIVE_H

#include <stddef.h>

#include "ingest.h"

int ioarchive_sniff_tweets(const char *head, size_t n);
enum cib_err ioarchive_read_tweets(struct ingest *in, struct source *src);
int ioarchive_sniff_users(const char *head, size_t n);
enum cib_err ioarchive_read_users(struct ingest *in, struct source *src);

#endif
