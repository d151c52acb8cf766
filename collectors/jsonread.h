/* jsonread.h - the JSON plumbing every JSON collector shares.
 *
 * Reading: jsonread_values() hands each top-level JSON value of a source
 * to a callback, whether the source is JSONL (one value per line, each line
 * capped by opts.max_record) or one document, pretty-printed or not (capped
 * by opts.max_document). Bad lines are reported with their line number and
 * skipped; a bad document is a fatal error naming line and column.
 *
 * Fields: the jr_* accessors read one field of an object. null and absent
 * are the same ("unknown"); a present field of the wrong type marks the
 * record bad (first error kept in the context, with its JSON path) so the
 * collector skips it with one ingest_bad() call instead of storing a half
 * record. Strings returned point into the cJSON tree or into the context's
 * scratch, both valid until jr_ctx_reset().
 *
 * Also: a sniffing helper that finds `"key":` in the first bytes, and a
 * bounded HTML-to-text converter (Mastodon content, X v1.1 source).
 */
#ifndef CIB_JSONREAD_H
#define CIB_JSONREAD_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest.h"

/* Most entities (URLs + hashtags + mentions) one post may carry; more is a
 * malformed record, not a reason to grow without bound. */
#define JR_MAX_ENTITIES 4096

/* Called once per top-level value. `line` is the 1-based line of a JSONL
 * value, 0 for a whole document. Return CIB_OK to go on; any error stops
 * reading (and is returned by jsonread_values). */
typedef enum cib_err (*jsonread_fn)(struct ingest *in, const cJSON *v,
				    uint64_t line, void *ctx);

/* Calls fn(ctx, item, path) on v, or on each element of v when v is an
 * array (a file that is one JSON array of records), with the path "[i]";
 * stops at the first error and returns it. */
typedef enum cib_err (*jr_item_fn)(void *ctx, const cJSON *item,
				   const char *path);
enum cib_err jr_each_item(const cJSON *v, jr_item_fn fn, void *ctx);

/* Repairs applied to a whole document before parsing. */
#define JR_REPAIR_XESCAPES 0x1 /* "\xNN" (invalid JSON) -> "\u00NN" */

/* Reads `src` as JSONL or as one JSON document, decided from the first
 * lines (docs/formats.md): a first line that is a complete value, longer
 * than the peek window or alone in the input means JSONL; a lone "[" or
 * "{" means a document; a broken first line followed by a complete one
 * means JSONL whose first record is bad; anything else a document. With
 * in->jsonl_lines set, lines without that decision (a part of an input
 * found to be lines). */
enum cib_err jsonread_values(struct ingest *in, struct source *src,
			     jsonread_fn fn, void *ctx);

/* Whether jsonread_values reads an input whose first bytes are head[0..n)
 * (SOURCE_PEEK of them, or the whole input when it is shorter) as JSONL
 * lines (1) or as one document (0). An input that is lines can be cut at
 * any newline and each part read as lines (in->jsonl_lines). */
int jsonread_head_is_lines(const char *head, size_t n);

/* Reads `src` as one JSON document (after `repairs`) and calls fn once. */
enum cib_err jsonread_document(struct ingest *in, struct source *src,
			       unsigned repairs, jsonread_fn fn, void *ctx);

/* Rewrites every "\xNN" escape inside JSON strings of buf[0..len) as
 * "\u00NN" (the byte read as Latin-1). Returns a new NUL-terminated buffer
 * (caller frees) in *out, or NULL in *out when nothing needed repair.
 * *n_fixed counts repairs. CIB_ETOOBIG when the result would exceed `cap`. */
enum cib_err jsonread_repair_xescapes(const char *buf, size_t len, size_t cap,
				      char **out, size_t *out_len,
				      size_t *n_fixed);

/* Whether buf[0..n) is valid UTF-8 (no overlongs, no surrogates); the
 * offset of the first bad byte in *bad when not. */
int jsonread_utf8_valid(const char *buf, size_t n, size_t *bad);

/* Per-record field reading state. */
struct jr_ctx {
	struct ingest *in;
	uint64_t line;     /* JSONL line, 0 in a document */
	char path[96];     /* JSON path of the record, e.g. "data[3]" */
	int bad;           /* a field was malformed */
	char where[128];   /* its path */
	char why[160];     /* what was wrong */
	char **scratch;    /* strings made for this record */
	size_t n_scratch, cap_scratch;
	/* entity lists of the record being built */
	const char **ent_str;
	enum entity_type *ent_type;
	uint32_t *ent_hash; /* for the duplicate check */
	size_t n_ent, cap_ent;
};

void jr_ctx_init(struct jr_ctx *c, struct ingest *in, uint64_t line);
/* Frees scratch and clears entities and the error, keeping buffers. */
void jr_ctx_reset(struct jr_ctx *c);
void jr_ctx_release(struct jr_ctx *c);
/* Sets the record path (printf-style). */
void jr_path(struct jr_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Marks the record bad at field `key` (relative to the record path) unless
 * it already is. printf-style reason. */
void jr_fail(struct jr_ctx *c, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Reports the record through ingest_bad() (its error, or `why` when the
 * record is not marked bad) and resets the error. */
enum cib_err jr_report(struct jr_ctx *c, const char *key, const char *why);

/* Member `key` of object `o`, NULL when o is not an object, the key is
 * absent, or its value is null. */
const cJSON *jr_get(const cJSON *o, const char *key);
/* String member; NULL when absent/null; wrong type marks the record bad.
 * `key` may be a dotted path relative to o ("user.id_str") for messages
 * only: lookup uses jr_get on o. */
const char *jr_str(struct jr_ctx *c, const cJSON *o, const char *key);
/* An id given as a string or an integral number (kept exactly up to 2^53);
 * NULL when absent. */
const char *jr_id(struct jr_ctx *c, const cJSON *o, const char *key);
/* A non-negative count as a number or numeric string; COUNT_NONE when
 * absent or negative. */
int64_t jr_count(struct jr_ctx *c, const cJSON *o, const char *key);
/* Object / array members; NULL when absent; wrong type marks bad. */
const cJSON *jr_obj(struct jr_ctx *c, const cJSON *o, const char *key);
const cJSON *jr_arr(struct jr_ctx *c, const cJSON *o, const char *key);
/* `v` when it is an array, else NULL (for cJSON_ArrayForEach, which would
 * walk an object's members too). */
const cJSON *jr_items(const cJSON *v);
/* Boolean (true/false); -1 when absent. */
int jr_bool(struct jr_ctx *c, const cJSON *o, const char *key);

/* Time forms for jr_time. */
enum jr_timefmt { JR_TIME_ISO, JR_TIME_TWITTER, JR_TIME_UNIX };
/* Parses a time member with core/timefmt.h; JR_TIME_UNIX also takes
 * a JSON number; JR_TIME_TWITTER falls back to ISO 8601 (some archivers
 * rewrite v1.1 dates). TIME_NONE when absent; unparsable marks bad. */
int64_t jr_time(struct jr_ctx *c, const cJSON *o, const char *key,
		enum jr_timefmt form, int *minutes_only);

/* A copy of s[0..n) (or a formatted string) owned by the context. NULL on
 * out of memory (the record is then marked bad). */
const char *jr_dup(struct jr_ctx *c, const char *s, size_t n);
const char *jr_fmt(struct jr_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Appends an entity (ignored when s is NULL or ""); marks the record bad
 * past JR_MAX_ENTITIES. Duplicates within a post are kept once. */
void jr_ent(struct jr_ctx *c, enum entity_type t, const char *s);
/* Points the post's entity fields at the context's lists. */
void jr_ents_to_post(const struct jr_ctx *c, struct post_rec *r);

/* Adds the post being built: reports it instead (and returns what
 * ingest_bad returns) when the record is marked bad or lacks id, author or
 * time (named by the keys given); attaches the context's entities. A string
 * too big for the pool is a bad record; out of memory is fatal. */
enum cib_err jr_add_post(struct jr_ctx *c, struct post_rec *r,
			 const char *id_key, const char *author_key,
			 const char *time_key);
/* Adds an account (nothing when r->id is NULL); same error handling. */
enum cib_err jr_add_account(struct jr_ctx *c, const struct account_rec *r);

/* Plain text of an HTML fragment: tags removed, <br> and </p> become
 * newlines (a trailing one dropped), character references decoded.
 * Hrefs of <a> elements whose class does not mention "mention" or
 * "hashtag" are appended to the context's URL entities when `links`.
 * The result is owned by the context (never longer than the input). */
const char *jr_html_text(struct jr_ctx *c, const char *html, int links);

/* Sniffing: whether `"key"` followed by optional blanks and ':' occurs in
 * head[0..n). */
int jr_has_key(const char *head, size_t n, const char *key);
/* Whether the bytes `s` occur in head[0..n). */
int jr_has(const char *head, size_t n, const char *s);
/* First non-blank byte of head (0 when none); skips a UTF-8 BOM. */
int jr_first_char(const char *head, size_t n);

#endif
