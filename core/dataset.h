/* dataset.h - the one in-memory data model every stage reads.
 *
 * Columns, not structs: account i's handle is `ds->acc.handle[i]`, post j's
 * time is `ds->post.time[j]`. Strings are ids into `ds->strings`, the posts'
 * texts ids into `ds->texts` (ds_text). Entities
 * (URLs, hashtags, mentions) are a CSR list: post j's entities are
 * `ent.str[k]`, `ent.type[k]` for k in [post.ent_off[j], post.ent_off[j+1]).
 *
 * Ownership: the dataset owns everything it points to; callers own the
 * `struct dataset` itself (dataset_init/dataset_release).
 *
 * Identity: an account is (platform, platform id); a post is (platform,
 * platform post id). Adding a post whose key exists is reported as a
 * duplicate and not stored twice, so several overlapping exports merge.
 */
#ifndef CIB_DATASET_H
#define CIB_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strpool.h"

struct strlayer;

#define TIME_NONE INT64_MIN
#define COUNT_NONE (-1)

#define CIB_PLATFORM_MAP(M)      \
	M(UNKNOWN, "unknown")    \
	M(X, "x")                \
	M(MASTODON, "mastodon")  \
	M(BLUESKY, "bluesky")    \
	M(REDDIT, "reddit")      \
	M(TELEGRAM, "telegram")  \
	M(FACEBOOK, "facebook")  \
	M(INSTAGRAM, "instagram") \
	M(YOUTUBE, "youtube")    \
	M(OTHER, "other")

enum platform {
#define CIB_PLAT_ENUM(name, str) PLATFORM_##name,
	CIB_PLATFORM_MAP(CIB_PLAT_ENUM)
#undef CIB_PLAT_ENUM
	PLATFORM__COUNT
};

/* "x", "mastodon", ...; never NULL. */
const char *platform_name(enum platform p);
/* PLATFORM_UNKNOWN when `name` is not one of platform_name()'s strings
 * ("twitter" is accepted for x). */
enum platform platform_from_name(const char *name);

enum post_kind {
	POST_ORIGINAL = 0,
	POST_REPOST = 1,
	POST_REPLY = 2,
	POST_QUOTE = 3,
	POST_KIND__COUNT
};

const char *post_kind_name(enum post_kind k);
/* Returns -1 for an unknown name. */
int post_kind_from_name(const char *name);

/* ENT_URL: a URL, or an opaque id standing for one (anonymised exports);
 * ENT_DOMAIN: a domain a post linked to (a name, or an opaque id), given
 * apart from any URL; ENT_IMAGE: an image the post carried, as a
 * perceptual hash or id. docs/formats.md ("Tables") says how the model uses
 * each. */
enum entity_type { ENT_URL = 0, ENT_HASHTAG = 1, ENT_MENTION = 2,
		   ENT_DOMAIN = 3, ENT_IMAGE = 4, ENT__COUNT };

/* "url", "hashtag", "mention", "domain", "image"; "" past the end. */
const char *entity_type_name(enum entity_type t);

/* post.flags bits */
#define POST_TIME_MINUTES 0x01 /* source gives minutes only (IO archive) */

/* The account fields collectors fill; STR_NONE / TIME_NONE / COUNT_NONE for
 * "unknown". Strings are raw bytes, not interned yet. */
struct account_rec {
	enum platform platform;
	const char *id; /* required */
	const char *handle, *name, *description, *location, *lang;
	int64_t created;
	int64_t followers, following;
	int64_t seen_at; /* when these fields were observed, or TIME_NONE */
};

/* The post fields collectors fill. */
struct post_rec {
	enum platform platform;
	const char *id;         /* required */
	const char *account_id; /* required: the author's platform id */
	int64_t time;           /* UTC seconds; required */
	const char *text, *lang, *client;
	enum post_kind kind;
	const char *ref_post;    /* reposted / replied-to / quoted post id */
	const char *ref_account; /* that post's author id */
	int64_t likes, reposts, replies, quotes;
	unsigned flags;
	/* entities: parallel arrays of n_ent strings and types */
	const char *const *ent_str;
	const enum entity_type *ent_type;
	size_t n_ent;
};

/* A change of an account field seen between records (handle renamed etc.). */
enum acc_field { ACC_FIELD_HANDLE, ACC_FIELD_NAME, ACC_FIELD_DESCRIPTION,
		 ACC_FIELD_LOCATION, ACC_FIELD_LANG };

struct dataset {
	struct strpool strings;
	/* the posts' texts, a pool of their own: post.text[j] is an id in
	 * `texts`, never in `strings` (ds_text). Apart so that every other
	 * string's id is the same whether or not this process holds the
	 * texts (score --mpi keeps them on the accounts' owners,
	 * docs/scale.md 5.3) and so that a feature's string layer never
	 * resolves to a text. */
	struct strpool texts;

	struct {
		size_t n, cap;
		uint8_t *platform;
		uint32_t *id, *handle, *name, *description, *location, *lang;
		int64_t *created, *followers, *following;
		uint32_t *n_changes; /* how many field changes were recorded */
	} acc;

	struct {
		size_t n, cap;
		uint32_t *id;
		uint32_t *account; /* account index */
		int64_t *time;
		uint32_t *text, *lang, *client;
		uint8_t *kind, *flags;
		uint32_t *ref_post, *ref_account; /* string ids */
		int32_t *likes, *reposts, *replies, *quotes; /* COUNT_NONE */
		uint64_t *ent_off; /* n + 1 entries once n > 0 */
		/* NULL, or where each post's record was read when its text
		 * is kept elsewhere (score --mpi: mpi/mpi_texts.h); set once
		 * every post is stored, permuted with the posts */
		uint64_t *origin;
	} post;

	struct {
		size_t n, cap;
		uint32_t *str;
		uint8_t *type;
	} ent;

	struct {
		size_t n, cap;
		uint32_t *account;
		uint8_t *field;
		uint32_t *old_value, *new_value;
		int64_t *time; /* TIME_NONE when unknown */
	} change;

	size_t n_duplicate_posts; /* posts skipped because their key existed */

	/* private: (platform, id) -> account index hash table; a slot is
	 * (id << 32 | platform << 28 | row + 1), 0 when empty (dataset.c,
	 * aslot) */
	uint64_t *acc_slots;
	size_t acc_nslots;
	/* private: posts by id string, post_row[s] = row + 1 of the post
	 * whose id is string s (0: none), for the strings interned so far;
	 * a post of another platform reusing an id string already taken goes
	 * to the overflow table (slots as above, post_over_n rows in it) */
	uint32_t *post_row;
	size_t post_row_cap;
	uint64_t *post_slots;
	size_t post_nslots, post_over_n;
	int lookups_dropped; /* dataset_drop_lookups was called */
	int post_keys_dropped; /* dataset_drop_post_keys was called */
	int post_strings_dropped; /* dataset_drop_post_strings was called */
	int post_columns_dropped; /* dataset_drop_post_columns was called */
	int post_refs_dropped; /* dataset_drop_post_refs was called */
	/* dataset_canonical_order_bare left the key tables unmade (1) and
	 * the string table too (2) for dataset_drop_post_ids to make */
	int tables_pending;
	/* private: when the entities are freed before the post ids'
	 * strings (dataset_drop_entities), a bit per string the entities
	 * named, so that dataset_drop_post_strings keeps those strings as
	 * it did with the entities there (an object's name is read by its
	 * id past them: a share table's opaque ids often equal post ids) */
	uint64_t *ent_named;
	size_t ent_marked; /* private: the entities marked in it so far */
	/* set before the first post: the engagement counts are kept
	 * elsewhere (score --mpi's rank 0: on the accounts' owners, read by
	 * the features alone, mpi/mpi_texts.h); post.likes, .reposts,
	 * .replies and .quotes stay NULL */
	int post_counts_apart;
	/* set before the first post: the texts are kept elsewhere too
	 * (score --mpi's rank 0 again); post.text stays NULL, every post
	 * reading as one without a text, until dataset_texts_column makes
	 * it for the texts fetched back (at 10M posts 40 MB not held) */
	int post_texts_apart;
};

/* A record's engagement count as the dataset stores it: COUNT_NONE when
 * unknown (negative), at most INT32_MAX. */
static inline int32_t dataset_count32(int64_t v)
{
	if (v < 0)
		return COUNT_NONE;
	return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

void dataset_init(struct dataset *ds);
void dataset_release(struct dataset *ds);

/* Adds or updates an account. When the account exists, unknown fields are
 * filled in and differing known fields are recorded as changes. The index
 * is stored in *idx (may be NULL). */
enum cib_err dataset_add_account(struct dataset *ds,
				 const struct account_rec *rec, uint32_t *idx);

/* Adds a post, creating a bare account for its author when needed. When a
 * post with the same (platform, id) exists, *added is 0 and nothing changes.
 * `added` may be NULL. */
enum cib_err dataset_add_post(struct dataset *ds, const struct post_rec *rec,
			      int *added);

/* Account index of (platform, id string id), or UINT32_MAX. */
uint32_t dataset_find_account(const struct dataset *ds, enum platform p,
			      uint32_t id);
/* dataset_add_post that also stores in *at (may be NULL) the post's row:
 * the new one, or the existing post's when the key was taken (then
 * counted in n_duplicate_posts as ever; a reader merging rows of one post
 * takes the count back). UINT32_MAX on error. */
enum cib_err dataset_add_post_at(struct dataset *ds,
				 const struct post_rec *rec, int *added,
				 uint32_t *at);

/* dataset_add_post_at for a reader that computed the pool hashes
 * (strpool_hash) of rec->id, rec->account_id and rec->ref_post already
 * (hash[0..2]; any value for an absent string), to prefetch their slots:
 * they are not computed again. */
enum cib_err dataset_add_post_hashed(struct dataset *ds,
				     const struct post_rec *rec,
				     const uint64_t hash[3], int *added,
				     uint32_t *at);

/* dataset_add_post for a post no one will look up by its key: rec->id is
 * not read and not interned (post.id is STR_NONE), and it is never taken
 * for a duplicate. For a shard of posts told apart where they were read
 * (score --mpi's owners), which would otherwise hold a string and a key
 * slot per post it never reads. *at (may be NULL) as dataset_add_post_at;
 * the post is always added. */
enum cib_err dataset_add_post_unkeyed(struct dataset *ds,
				      const struct post_rec *rec, uint32_t *at);

/* Puts the rows in an order that depends on the dataset's contents alone,
 * not on the order its records were read in: accounts by (platform, id
 * bytes), posts by (account, time, id bytes). Every column, the entities,
 * the change log (each account's changes keep the order they were seen
 * in) and the key tables follow (they and the string and text lookup
 * tables are freed while the rows move and made again at the end: the
 * step holds the dataset plus its orders, not the tables as well);
 * string ids are unchanged. *moved (may be
 * NULL) is 1 when any row moved. Why: docs/model.md, "Input order". On
 * CIB_ENOMEM the dataset may be half permuted and must be released. */
enum cib_err dataset_canonical_order(struct dataset *ds, int *moved);

/* dataset_canonical_order leaving the account and post key tables and
 * the string table unmade (the texts' is made): for a caller whose next
 * step on the dataset is dataset_drop_post_ids, which makes them for the
 * strings it leaves (score: at 10M posts the tables for 12M strings
 * were made there and made again for 2M a step later). Finding or adding
 * a string, post or account before is a programming error (asserted). */
enum cib_err dataset_canonical_order_bare(struct dataset *ds, int *moved);

/* dataset_canonical_order_bare for posts stored without their ids
 * (dataset_add_post_unkeyed; score --mpi, mpi/mpi_ids.h): posts of one
 * account at one time go by tie[row] (the rank of their ids' bytes,
 * computed where the ids are) instead of by their ids, which post.id no
 * longer holds (or holds for some only). */
enum cib_err dataset_canonical_order_ties(struct dataset *ds,
					  const uint32_t *tie, int *moved);

/* Frees the rows of posts read twice: the posts whose bit is set in dead
 * (bits.h, one a post) go, and so do the accounts no post left names
 * unless their bit is set in keep_acc (an account record made or touched
 * them; NULL: none), as if those records had never been stored. Rows
 * keep their order; *n_dead gets how many posts went, added to
 * n_duplicate_posts. Before the canonical order, with no key table made
 * (the rows move). The strings only those rows used stay, used by none.
 * On CIB_ENOMEM the dataset may be half moved and must be released. */
enum cib_err dataset_drop_rows(struct dataset *ds, const uint64_t *dead,
			       const uint64_t *keep_acc, size_t *n_dead);

/* Rebuilds the account and post key tables from the columns (for
 * dataset_canonical_order, after it moved rows). */
enum cib_err dataset_rebuild_keys(struct dataset *ds);

/* Frees what finds a string or a post by its bytes (the string table,
 * the posts' key tables: at 10M posts about 0.4 GB) for a caller done with
 * reading and with dataset_find_post: strings and rows stay readable by
 * id and accounts findable (dataset_find_account). Adding posts or
 * finding one afterwards is a programming error (asserted). */
void dataset_drop_lookups(struct dataset *ds);

/* Frees the posts' key tables (what dataset_find_post reads: 4 bytes per
 * interned string and the overflow table, 67 MB at 10M posts) for a
 * caller done with finding posts and adding them (score, once the post
 * events are built); strings, rows and accounts stay findable. Adding a
 * post or finding one afterwards is a programming error (asserted). It
 * touches nothing else of ds, so another thread may read the rest
 * meanwhile. */
void dataset_drop_post_keys(struct dataset *ds);

/* The same tables freed without marking them dropped: for a caller that
 * makes them again with dataset_rebuild_keys (dataset_canonical_order,
 * while its rows move). */
void dataset_free_post_keys(struct dataset *ds);

/* Frees the bytes of every post id no other column names (a post another
 * post reposted or replied to keeps its id, as in
 * dataset_drop_post_strings) and builds the string table again without
 * them, smaller (at 10M posts the ids are most of the strings: 0.19 GB
 * of bytes, and the table falls from 128 to 32 MB). For a caller whose
 * posts are in their final order (dataset_canonical_order reads the ids'
 * bytes) and that never reads or looks up a post id's bytes again: score
 * calls it before its features, which look up URLs and language codes
 * only. The freed ids then leave the id space (strpool_compact): the
 * strings kept are numbered 0 .. n-1 again in their old order, every
 * string column follows, a post whose id was freed has post.id STR_NONE,
 * and the key tables are built again (the post_row table shrinks with
 * the ids: at 10M posts the id array falls from 96 to 16 MB and the
 * post_row table from 64 to 8). So an id held from before the call is
 * stale; rows are unchanged and so is the ids' order, which is all an
 * output may depend on. *freed gets the bytes freed. CIB_ENOMEM: some
 * or none freed, and the table may be missing (the caller must stop). */
enum cib_err dataset_drop_post_ids(struct dataset *ds, size_t *freed);

/* The columns holding ids of ds->strings (accounts' and posts' fields,
 * the entities, the change log), at most DS_STRING_COLUMNS: col[k] has
 * len[k] ids (STR_NONE: none). Columns already freed are left out.
 * Returns how many. For whoever renumbers the strings. */
#define DS_STRING_COLUMNS 14
size_t dataset_string_columns(struct dataset *ds, uint32_t **col,
			      size_t *len);

/* Frees the bytes of the posts' own strings no later reader shows: every
 * post's id, and its text unless post j's bit is set in shown (bits.h;
 * score: the posts whose texts its scored run quotes, reuse_quoted_bits;
 * NULL: none). A post id some other
 * column names too (a post another post reposted or replied to, a
 * handle equal to it) stays, and so does one that a layer of
 * layers[0..n_layers) handed out (a canonical URL or a language code a
 * feature holds by id). The ids stay in post.id and post.text; a freed
 * string reads as "" and strpool_dropped() says so. For a caller past
 * every reader of them (score, once its features and events are built:
 * a post's text and id are most of its bytes in a real export). Implies
 * dataset_drop_lookups. *freed (may be NULL) gets the bytes freed;
 * CIB_ENOMEM leaves every string it would keep readable (of those it
 * would free, some or none freed). */
enum cib_err dataset_drop_post_strings(struct dataset *ds,
				       const uint64_t *shown,
				       const struct strlayer *const *layers,
				       size_t n_layers, size_t *freed);

/* Frees the post columns only the per-account features read: the four
 * engagement counts, the platform's language and the client (24 bytes a
 * post, 0.24 GB at 10M). They are NULL afterwards: for a caller past the
 * features that reads none of them again (score, with its post strings;
 * nothing else reads them past the features). Returns the bytes freed. */
size_t dataset_drop_post_columns(struct dataset *ds);

/* Frees the posts' ids, what they repost or reply to (post.ref_post;
 * ref_account stays) and, unless keep_entities, their entities (ent_off,
 * the entity columns; ent.n becomes 0): 16 bytes a post and 5 an entity,
 * 0.23 GB at 10M posts. They are NULL afterwards: for a caller past every
 * reader of them (score: the ids and references once the post events
 * are built, the entities once the features' events are: past there the
 * pipeline, the scored run and score's outputs read none of them, and
 * the crawl analysis only the entities). Called again it frees what it
 * kept before. Returns the bytes freed. */
size_t dataset_drop_post_refs(struct dataset *ds, int keep_entities);

/* Frees the posts' entities alone (ent_off, the entity columns; ent.n
 * becomes 0; 8 bytes a post and 5 an entity): for a caller past every
 * reader of them but the post events, which read the ids and references
 * (score: once the features' events are built). The strings they named
 * stay: dataset_drop_post_strings, later, keeps them as it would have
 * with the entities there (a bit per string is kept for it; without the
 * memory for it the entities stay). Returns the bytes freed. */
size_t dataset_drop_entities(struct dataset *ds);

/* Gives back to the system the pages holding only posts [0, upto)'s
 * entities (ent_off and the entity columns; bigmem_discard): for a
 * caller that frees them with dataset_drop_entities next and reads none
 * of those before (score, while it builds the features' events in post
 * order: at 10M posts their 0.15 GB go as the events grow). What
 * dataset_drop_entities reads of them first (the strings they name) is
 * read here before. Those bytes read as zero after. Returns the bytes of
 * the pages given back, those of earlier calls included. */
size_t dataset_discard_entities(struct dataset *ds, size_t upto);

/* Frees every post column but the texts (post.n, post.text and the
 * texts pool stay; the accounts, the strings and the changes too) and
 * the entities: account, time, kind, flags, ref_account, origin, ent_off
 * and whatever dataset_drop_post_refs and _columns left (18 bytes a post,
 * 26 with origins, and 5 an entity; 0.18 GB at 10M posts in score). For a caller past every reader
 * of them: score once the pipeline and a crawl's analysis are done, as
 * the scored run reads the posts' texts alone (through the post index,
 * which it holds apart). They are NULL afterwards. Returns the bytes
 * freed. */
size_t dataset_drop_post_rows(struct dataset *ds);

/* Frees all but the posts' kinds and texts (post.n, post.kind, post.text
 * and the texts pool stay; the accounts, every other column, the strings,
 * the entities, the changes and the lookup tables go): for a reader of
 * the texts alone past everything else (score --mpi's owner ranks sign
 * their texts once their rows are sent). */
void dataset_keep_texts(struct dataset *ds);

/* With post_texts_apart, makes post.text (every post without a text)
 * for the texts fetched back to be put in; nothing when it exists. */
enum cib_err dataset_texts_column(struct dataset *ds);

/* Hints for a reader that batches records (collectors/table.c): start
 * reading what looking up account (p, id string id) will touch: step 0
 * its table slot, which holds the whole key, so step 1 (kept for callers
 * written when the slot led on to the account's row) does nothing.
 * Nothing changes. */
void dataset_prefetch_account(const struct dataset *ds, enum platform p,
			      uint32_t id, int step);

/* Adds n more entities to posts already stored: entity k goes to post
 * post[k] (a row index), string str[k] (a pool id), type type[k]. Each post
 * keeps its entities contiguous, its earlier ones first, then the new ones
 * in the order given; one equal (same type and string) to an entity the
 * post already has is not added twice. *added (may be NULL) counts the
 * entities stored. One pass over the entities of every post from the
 * first one named on (the posts of the input being read, for a reader):
 * call it once for a batch, not once per entity. */
enum cib_err dataset_merge_entities(struct dataset *ds, size_t n,
				    const uint32_t *post, const uint32_t *str,
				    const uint8_t *type, size_t *added);

/* Makes room for `posts` posts and `strings` interned strings in all, for
 * a reader that can estimate its input's size: the columns and the string
 * table are then sized once instead of grown step by step (each step of
 * the string table rehashes it and touches fresh pages). Only a hint:
 * adding past it grows as ever. Column room never written costs no
 * memory (the kernel backs pages on first touch); the string table is
 * probed all over, so `strings` should not be much above the real count. */
enum cib_err dataset_reserve(struct dataset *ds, size_t posts,
			     size_t strings);

/* Post index of (platform, id string id), or UINT32_MAX. */
uint32_t dataset_find_post(const struct dataset *ds, enum platform p,
			   uint32_t id);

/* Convenience: intern a NUL-terminated string, or STR_NONE for NULL/"". */
enum cib_err dataset_intern(struct dataset *ds, const char *s, uint32_t *id);

static inline const char *ds_str(const struct dataset *ds, uint32_t id)
{
	return strpool_get(&ds->strings, id);
}

/* Post j's text id in ds->texts: STR_NONE when it has none, or when
 * the texts are kept elsewhere and post.text is not made (yet). */
static inline uint32_t ds_text_id(const struct dataset *ds, size_t j)
{
	return ds->post.text ? ds->post.text[j] : STR_NONE;
}

/* Post j's text ("" when it has none) and its length. */
static inline const char *ds_text(const struct dataset *ds, size_t j)
{
	return strpool_get(&ds->texts, ds_text_id(ds, j));
}

static inline uint32_t ds_text_len(const struct dataset *ds, size_t j)
{
	return strpool_len(&ds->texts, ds_text_id(ds, j));
}

/* Convenience: intern a NUL-terminated text into ds->texts, or STR_NONE
 * for NULL/"". */
enum cib_err dataset_intern_text(struct dataset *ds, const char *s,
				 uint32_t *id);

void account_rec_init(struct account_rec *r);
void post_rec_init(struct post_rec *r);

#endif
