/* table.h - share tables: any CSV or TSV whose columns are mapped by name
 * to the data model.
 *
 * Three layouts are known from their header and need no mapping:
 * CooRTweet's four columns (object_id, account_id, content_id,
 * timestamp_share), the German election export of the CooRTweet package
 * (account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp)
 * and CooRnet's shares table (id, account.url, expanded, date, ...). Any
 * other table reads with a map, "field=column,..." (--map); a map given
 * with a known layout replaces that layout's column for each field it
 * names. Several rows of one post (same platform and post id) become one
 * post holding every row's entities. docs/formats.md ("Tables") has the
 * fields, the rules and why.
 */
#ifndef CIB_TABLE_H
#define CIB_TABLE_H

#include <stddef.h>

#include "ingest.h"

/* What a CooRTweet object_id (or a mapped `object` column) holds. */
enum table_object {
	TABLE_OBJECT_REPOST = 0, /* the post this post reposts (default) */
	TABLE_OBJECT_URL,
	TABLE_OBJECT_TEXT,
	TABLE_OBJECT_HASHTAG,
	TABLE_OBJECT_DOMAIN,
	TABLE_OBJECT_IMAGE,
	TABLE_OBJECT__COUNT
};

/* "repost", "url", "text", "hashtag", "domain", "image" -> the value, or
 * -1 for another name. */
int table_object_from_name(const char *name);

/* Checks a --map argument; 0 when it is well formed, else -1 with the
 * reason in err. Fields: account, post, time, object, kind, text, lang,
 * url, domain, hashtag, mention, image, platform, repost, reply, quote,
 * ref_account, handle, name. `platform=@NAME` sets one platform for every
 * row instead of naming a column. */
int table_map_check(const char *spec, char *err, size_t errlen);

/* Whether the first line of head[0..n) has every column `spec` maps (a
 * CSV or TSV header) and, unless the map names the account, post and time
 * columns, is a known layout; 0 for a malformed spec. */
int table_map_matches(const char *spec, const char *head, size_t n);

/* 0..100: how sure head[0..n) is one of the known layouts. */
int table_sniff(const char *head, size_t n);

/* Reads a table into in->ds with in->opts.table_map and table_object. */
enum cib_err table_read(struct ingest *in, struct source *src);

#endif
