/* dataset.c - columnar accounts and posts with (platform, id) indexes.
 *
 * Invariants: every column of a table has `cap` elements allocated and `n`
 * used; post.ent_off[j+1] - post.ent_off[j] is post j's entity count; the
 * hash tables map (platform, string id) to a row and are at most 3/4 full
 * (linear probing stays within a cache line or two at that load, and a
 * table of a big input costs half the page faults it would at 1/2).
 *
 * Posts are found by their id string's pool id: post_row[] is indexed by
 * it, so adding a post (whose id string was interned a moment before, at
 * the end of the pool) touches the array's tail, not a random table slot,
 * and a lookup is one load. post_row covers every string interned before
 * the last post was added; an id string shared by posts of two platforms
 * (rare: numeric ids) sends the second to a small overflow table.
 */
#include "dataset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "bits.h"
#include "splitmix.h"
#include "strlayer.h"

static const char *const platform_names[] = {
#define CIB_PLAT_NAME(name, str) str,
	CIB_PLATFORM_MAP(CIB_PLAT_NAME)
#undef CIB_PLAT_NAME
};

static const char *const kind_names[] = { "original", "repost", "reply",
					  "quote" };
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == POST_KIND__COUNT,
	       "one name per post kind");

const char *platform_name(enum platform p)
{
	if ((unsigned)p >= PLATFORM__COUNT)
		return "unknown";
	return platform_names[p];
}

enum platform platform_from_name(const char *name)
{
	if (!name)
		return PLATFORM_UNKNOWN;
	if (strcmp(name, "twitter") == 0)
		return PLATFORM_X;
	for (int i = 0; i < PLATFORM__COUNT; i++)
		if (strcmp(name, platform_names[i]) == 0)
			return (enum platform)i;
	return PLATFORM_UNKNOWN;
}

const char *entity_type_name(enum entity_type t)
{
	static const char *const names[] = { "url", "hashtag", "mention",
					     "domain", "image" };
	_Static_assert(sizeof(names) / sizeof(names[0]) == ENT__COUNT,
		       "one name per entity type");

	return (unsigned)t < ENT__COUNT ? names[t] : "";
}

const char *post_kind_name(enum post_kind k)
{
	if ((unsigned)k >= POST_KIND__COUNT)
		return "original";
	return kind_names[k];
}

int post_kind_from_name(const char *name)
{
	for (int i = 0; i < POST_KIND__COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

void account_rec_init(struct account_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->created = TIME_NONE;
	r->followers = COUNT_NONE;
	r->following = COUNT_NONE;
	r->seen_at = TIME_NONE;
}

void post_rec_init(struct post_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->time = TIME_NONE;
	r->likes = r->reposts = r->replies = r->quotes = COUNT_NONE;
}

void dataset_init(struct dataset *ds)
{
	memset(ds, 0, sizeof(*ds));
	strpool_init(&ds->strings);
	strpool_init(&ds->texts);
}

void dataset_release(struct dataset *ds)
{
	if (!ds)
		return;
	strpool_release(&ds->strings);
	strpool_release(&ds->texts);
	free(ds->post.origin);
	free(ds->ent_named);
	free(ds->acc.platform);
	free(ds->acc.id);
	free(ds->acc.handle);
	free(ds->acc.name);
	free(ds->acc.description);
	free(ds->acc.location);
	free(ds->acc.lang);
	free(ds->acc.created);
	free(ds->acc.followers);
	free(ds->acc.following);
	free(ds->acc.n_changes);
	free(ds->post.id);
	free(ds->post.account);
	free(ds->post.time);
	free(ds->post.text);
	free(ds->post.lang);
	free(ds->post.client);
	free(ds->post.kind);
	free(ds->post.flags);
	free(ds->post.ref_post);
	free(ds->post.ref_account);
	free(ds->post.likes);
	free(ds->post.reposts);
	free(ds->post.replies);
	free(ds->post.quotes);
	free(ds->post.ent_off);
	free(ds->ent.str);
	free(ds->ent.type);
	free(ds->change.account);
	free(ds->change.field);
	free(ds->change.old_value);
	free(ds->change.new_value);
	free(ds->change.time);
	free(ds->acc_slots);
	free(ds->post_row);
	free(ds->post_slots);
	memset(ds, 0, sizeof(*ds));
}

/* Reallocates each column in `cols` (pointers to the column pointers) to
 * `ncap` elements of the matching size, as bigmem blocks when `huge` (see
 * grow_posts_to for why not always). On failure the columns that did
 * grow keep their larger size, which is harmless: cap is only raised when
 * all succeed. */
static int grow_columns(void **const *cols, const size_t *sizes, size_t ncols,
			size_t ncap, int huge)
{
	for (size_t i = 0; i < ncols; i++) {
		void *p = huge ? bigmem_realloc(*cols[i], ncap * sizes[i])
			       : realloc(*cols[i], ncap * sizes[i]);

		if (!p)
			return -1;
		*cols[i] = p;
	}
	return 0;
}

static size_t next_cap(size_t cap)
{
	return cap ? cap + cap / 2 + 1024 : 1024;
}

/* An account table slot holds the whole key and the row: the id string
 * in the high 32 bits, the platform in the next 4, row + 1 in the low 28
 * (0 = empty). A probe so compares slots alone and never reads the
 * account columns; the price is at most ASLOT_MAX_ACCOUNTS accounts. */
#define ASLOT_ROW_BITS 28
#define ASLOT_MAX_ACCOUNTS (((size_t)1 << ASLOT_ROW_BITS) - 2)
_Static_assert(PLATFORM__COUNT <= 16, "a platform fits the slot's 4 bits");

static uint64_t aslot_key(enum platform p, uint32_t id)
{
	return (uint64_t)id << 4 | ((uint64_t)p & 0xF);
}

static uint64_t aslot(enum platform p, uint32_t id, uint32_t row)
{
	return aslot_key(p, id) << ASLOT_ROW_BITS | ((uint64_t)row + 1);
}

#define ASLOT_ROW(v) \
	((uint32_t)((v) & (((uint64_t)1 << ASLOT_ROW_BITS) - 1)) - 1)
#define ASLOT_KEY(v) ((v) >> ASLOT_ROW_BITS)

static enum cib_err grow_accounts(struct dataset *ds)
{
	void **const cols[] = {
		(void **)&ds->acc.platform,    (void **)&ds->acc.id,
		(void **)&ds->acc.handle,      (void **)&ds->acc.name,
		(void **)&ds->acc.description, (void **)&ds->acc.location,
		(void **)&ds->acc.lang,	       (void **)&ds->acc.created,
		(void **)&ds->acc.followers,   (void **)&ds->acc.following,
		(void **)&ds->acc.n_changes,
	};
	const size_t sizes[] = { 1, 4, 4, 4, 4, 4, 4, 8, 8, 8, 4 };
	size_t ncap = next_cap(ds->acc.cap);

	if (ds->acc.cap >= ASLOT_MAX_ACCOUNTS)
		return CIB_ETOOBIG;
	if (ncap > ASLOT_MAX_ACCOUNTS)
		ncap = ASLOT_MAX_ACCOUNTS;
	if (grow_columns(cols, sizes, sizeof(sizes) / sizeof(sizes[0]), ncap,
			 1))
		return CIB_ENOMEM;
	ds->acc.cap = ncap;
	return CIB_OK;
}

static enum cib_err grow_posts_to(struct dataset *ds, size_t ncap);

static enum cib_err grow_posts(struct dataset *ds)
{
	return grow_posts_to(ds, next_cap(ds->post.cap));
}

static enum cib_err grow_posts_to(struct dataset *ds, size_t ncap)
{
	void **const cols[] = {
		(void **)&ds->post.id,	    (void **)&ds->post.account,
		(void **)&ds->post.time,    (void **)&ds->post.text,
		(void **)&ds->post.lang,    (void **)&ds->post.client,
		(void **)&ds->post.kind,    (void **)&ds->post.flags,
		(void **)&ds->post.ref_post, (void **)&ds->post.ref_account,
		(void **)&ds->post.likes,   (void **)&ds->post.reposts,
		(void **)&ds->post.replies, (void **)&ds->post.quotes,
	};
	const size_t sizes[] = { 4, 4, 8, 4, 4, 4, 1, 1, 4, 4, 4, 4, 4, 4 };
	/* the counts are the last four: left out when kept elsewhere */
	size_t ncols = sizeof(sizes) / sizeof(sizes[0]) -
		       (ds->post_counts_apart ? 4 : 0);
	void **kept[sizeof(cols) / sizeof(cols[0])];
	size_t ksizes[sizeof(cols) / sizeof(cols[0])], nk = 0;
	uint64_t *off;

	if (ncap > UINT32_MAX - 1)
		return CIB_ETOOBIG;
	/* and the texts' ids, when the texts are */
	for (size_t c = 0; c < ncols; c++)
		if (cols[c] != (void **)&ds->post.text ||
		    !ds->post_texts_apart) {
			kept[nk] = cols[c];
			ksizes[nk++] = sizes[c];
		}
	/* Post columns are written once, in order, as posts are added: no
	 * huge-page hint. Faulting huge pages in cost several times what 4 KiB
	 * ones did on the VMs measured (docs/bench.md, "Share tables"), the
	 * TLB gains nothing on a column filled in order, and the stages after
	 * reading took the same user time either way at 10M posts. */
	if (grow_columns(kept, ksizes, nk, ncap, 0))
		return CIB_ENOMEM;
	off = realloc(ds->post.ent_off, (ncap + 1) * sizeof(*off));
	if (!off)
		return CIB_ENOMEM;
	if (ds->post.cap == 0)
		off[0] = 0;
	ds->post.ent_off = off;
	ds->post.cap = ncap;
	return CIB_OK;
}

static enum cib_err grow_entities(struct dataset *ds, size_t need)
{
	size_t ncap = ds->ent.cap;
	uint32_t *s;
	uint8_t *t;

	while (ncap < need)
		ncap = next_cap(ncap);
	s = bigmem_realloc(ds->ent.str, ncap * sizeof(*s));
	if (!s)
		return CIB_ENOMEM;
	ds->ent.str = s;
	t = bigmem_realloc(ds->ent.type, ncap * sizeof(*t));
	if (!t)
		return CIB_ENOMEM;
	ds->ent.type = t;
	ds->ent.cap = ncap;
	return CIB_OK;
}

static uint64_t key_hash(enum platform p, uint32_t id)
{
	/* the splitmix64 finaliser: cheap and well mixed */
	return splitmix_mix(((uint64_t)p << 32) | id);
}

/* row + 1 in the low half, so a zero slot is empty and a new table needs
 * no fill pass (calloc memory comes zeroed from the kernel) */
#define KSLOT_EMPTY UINT64_C(0)
#define KSLOT_ROW(v) ((uint32_t)(v) - 1)
#define KSLOT_CHECK(v) ((uint32_t)((v) >> 32))

static uint64_t kslot(uint64_t h, uint32_t row)
{
	return (h >> 32) << 32 | ((uint64_t)row + 1);
}

/* Finds the slot of account (p, id): empty or matching. The key kept in
 * each slot (aslot) decides without touching the columns. */
static size_t acc_probe(const struct dataset *ds, enum platform p, uint32_t id)
{
	size_t mask = ds->acc_nslots - 1;
	uint64_t key = aslot_key(p, id);
	size_t j = key_hash(p, id) & mask;

	for (;;) {
		uint64_t v = ds->acc_slots[j];

		if (v == KSLOT_EMPTY || ASLOT_KEY(v) == key)
			return j;
		j = (j + 1) & mask;
	}
}

void dataset_prefetch_account(const struct dataset *ds, enum platform p,
			      uint32_t id, int step)
{
#if defined(__GNUC__)
	const uint64_t *slot;

	if (!ds->acc_nslots || id == STR_NONE)
		return;
	slot = &ds->acc_slots[key_hash(p, id) & (ds->acc_nslots - 1)];
	/* the slot decides a lookup alone (aslot): step 1 has nothing to do */
	if (step == 0)
		__builtin_prefetch(slot);
#else
	(void)ds;
	(void)p;
	(void)id;
	(void)step;
#endif
}

/* The overflow table's slot for post (p, id). Posts store their platform
 * through their account, so probing compares the account's platform. */
static size_t post_probe(const struct dataset *ds, enum platform p, uint32_t id)
{
	size_t mask = ds->post_nslots - 1;
	uint64_t h = key_hash(p, id);
	size_t j = h & mask;

	for (;;) {
		uint64_t v = ds->post_slots[j];
		uint32_t row = KSLOT_ROW(v);

		if (v == KSLOT_EMPTY)
			return j;
		if (KSLOT_CHECK(v) == (uint32_t)(h >> 32) &&
		    ds->post.id[row] == id &&
		    ds->acc.platform[ds->post.account[row]] == (uint8_t)p)
			return j;
		j = (j + 1) & mask;
	}
}

/* Doubles the account table (or creates it with 4096 slots), rehashing
 * every account from its key columns, without reading any string. */
static enum cib_err acc_table_grow(struct dataset *ds)
{
	size_t n = ds->acc_nslots ? ds->acc_nslots * 2 : 4096;
	uint64_t *s = bigmem_calloc(n, sizeof(*s));

	if (!s)
		return CIB_ENOMEM;
	for (size_t r = 0; r < ds->acc.n; r++) {
		uint64_t h = key_hash((enum platform)ds->acc.platform[r],
				      ds->acc.id[r]);
		size_t j = h & (n - 1);

		while (s[j] != KSLOT_EMPTY)
			j = (j + 1) & (n - 1);
		s[j] = aslot((enum platform)ds->acc.platform[r], ds->acc.id[r],
			     (uint32_t)r);
	}
	free(ds->acc_slots);
	ds->acc_slots = s;
	ds->acc_nslots = n;
	return CIB_OK;
}

uint32_t dataset_find_account(const struct dataset *ds, enum platform p,
			      uint32_t id)
{
	uint64_t v;

	assert(!ds->tables_pending);
	if (ds->acc_nslots == 0 || id == STR_NONE)
		return UINT32_MAX;
	v = ds->acc_slots[acc_probe(ds, p, id)];
	return v == KSLOT_EMPTY ? UINT32_MAX : ASLOT_ROW(v);
}

/* Rebuilds the overflow table at twice its size from its own slots. */
static enum cib_err overflow_grow(struct dataset *ds)
{
	size_t n = ds->post_nslots ? ds->post_nslots * 2 : 64;
	uint64_t *s = bigmem_calloc(n, sizeof(*s));

	if (!s)
		return CIB_ENOMEM;
	for (size_t i = 0; i < ds->post_nslots; i++) {
		uint64_t v = ds->post_slots[i];
		uint32_t row = KSLOT_ROW(v);
		size_t j;

		if (v == KSLOT_EMPTY)
			continue;
		j = key_hash((enum platform)ds->acc.platform[ds->post.account[row]],
			     ds->post.id[row]) &
		    (n - 1);
		while (s[j] != KSLOT_EMPTY)
			j = (j + 1) & (n - 1);
		s[j] = v;
	}
	free(ds->post_slots);
	ds->post_slots = s;
	ds->post_nslots = n;
	return CIB_OK;
}

/* The row of post (p, id string) or UINT32_MAX. */
static uint32_t post_lookup(const struct dataset *ds, enum platform p,
			    uint32_t id)
{
	uint32_t r;
	uint64_t v;

	if (id == STR_NONE || id >= ds->post_row_cap || !ds->post_row[id])
		return UINT32_MAX;
	r = ds->post_row[id] - 1;
	if (ds->acc.platform[ds->post.account[r]] == (uint8_t)p)
		return r;
	if (ds->post_nslots == 0)
		return UINT32_MAX;
	v = ds->post_slots[post_probe(ds, p, id)];
	return v == KSLOT_EMPTY ? UINT32_MAX : KSLOT_ROW(v);
}

enum cib_err dataset_rebuild_keys(struct dataset *ds)
{
	for (size_t i = 0; i < ds->acc_nslots; i++)
		ds->acc_slots[i] = KSLOT_EMPTY;
	for (size_t r = 0; r < ds->acc.n; r++) {
		enum platform p = (enum platform)ds->acc.platform[r];

		ds->acc_slots[acc_probe(ds, p, ds->acc.id[r])] =
			aslot(p, ds->acc.id[r], (uint32_t)r);
	}
	if (ds->post_keys_dropped)
		return CIB_OK;
	if (ds->post.n && ds->post_row_cap != ds->strings.n) {
		/* string ids may have been renumbered past the old cover, or
		 * compacted below it (dataset_drop_post_ids) */
		uint32_t *pr = bigmem_realloc(ds->post_row, ds->strings.n *
							    sizeof(*pr));

		if (!pr && ds->post_row_cap < ds->strings.n)
			return CIB_ENOMEM;
		if (pr) {
			ds->post_row = pr;
			ds->post_row_cap = ds->strings.n;
		}
	}
	if (ds->post_row)
		memset(ds->post_row, 0,
		       ds->post_row_cap * sizeof(*ds->post_row));
	for (size_t i = 0; i < ds->post_nslots; i++)
		ds->post_slots[i] = KSLOT_EMPTY;
	ds->post_over_n = 0;
	for (size_t j = 0; j < ds->post.n; j++) {
		uint32_t id = ds->post.id[j];
		enum platform p =
			(enum platform)ds->acc.platform[ds->post.account[j]];

		if (id == STR_NONE) /* unkeyed, or its id freed */
			continue;
		if (!ds->post_row[id]) {
			ds->post_row[id] = (uint32_t)j + 1;
			continue;
		}
		/* as many posts share an id string as before, so the table
		 * has room; grown anyway should that ever not hold */
		if ((ds->post_over_n + 1) * 4 > ds->post_nslots * 3 &&
		    overflow_grow(ds))
			return CIB_ENOMEM;
		ds->post_slots[post_probe(ds, p, id)] =
			kslot(key_hash(p, id), (uint32_t)j);
		ds->post_over_n++;
	}
	return CIB_OK;
}

enum cib_err dataset_reserve(struct dataset *ds, size_t posts,
			     size_t strings)
{
	enum cib_err err;

	if (posts > UINT32_MAX - 2)
		posts = UINT32_MAX - 2;
	if (posts > ds->post.cap) {
		err = grow_posts_to(ds, posts);
		if (err)
			return err;
	}
	return strpool_reserve(&ds->strings, strings);
}

uint32_t dataset_find_post(const struct dataset *ds, enum platform p,
			   uint32_t id)
{
	assert(!ds->lookups_dropped && !ds->post_keys_dropped &&
	       !ds->tables_pending);
	return post_lookup(ds, p, id);
}

void dataset_free_post_keys(struct dataset *ds)
{
	free(ds->post_row);
	free(ds->post_slots);
	ds->post_row = NULL;
	ds->post_slots = NULL;
	ds->post_row_cap = ds->post_nslots = ds->post_over_n = 0;
}

void dataset_drop_post_keys(struct dataset *ds)
{
	dataset_free_post_keys(ds);
	ds->post_keys_dropped = 1;
}

void dataset_drop_lookups(struct dataset *ds)
{
	strpool_drop_table(&ds->strings);
	strpool_drop_table(&ds->texts);
	dataset_drop_post_keys(ds);
	ds->lookups_dropped = 1;
}

/* drop[s] = 0 for every string column[0..n) names */
static void keep_named(uint8_t *drop, const uint32_t *column, size_t n)
{
	for (size_t i = 0; column && i < n; i++)
		if (column[i] != STR_NONE)
			drop[column[i]] = 0;
}

/* The post ids no other column names and no layer of layers[0..n) handed
 * out, marked in a new array of ds->strings.n bytes (NULL: no memory). */
static uint8_t *post_id_mask(const struct dataset *ds,
			     const struct strlayer *const *layers,
			     size_t n_layers)
{
	const uint32_t *const acc_cols[] = {
		ds->acc.id, ds->acc.handle, ds->acc.name,
		ds->acc.description, ds->acc.location, ds->acc.lang,
	};
	const uint32_t *const post_cols[] = {
		ds->post.lang, ds->post.client, ds->post.ref_post,
		ds->post.ref_account,
	};
	uint8_t *drop = calloc(ds->strings.n, 1);

	if (!drop)
		return NULL;
	for (size_t j = 0; j < ds->post.n; j++)
		if (ds->post.id[j] != STR_NONE)
			drop[ds->post.id[j]] = 1;
	for (size_t c = 0; c < sizeof(acc_cols) / sizeof(*acc_cols); c++)
		keep_named(drop, acc_cols[c], ds->acc.n);
	for (size_t c = 0; c < sizeof(post_cols) / sizeof(*post_cols); c++)
		keep_named(drop, post_cols[c], ds->post.n);
	keep_named(drop, ds->ent.str, ds->ent.n);
	for (uint32_t id = 0; ds->ent_named && id < ds->strings.n; id++)
		if (drop[id] && bits_get(ds->ent_named, id))
			drop[id] = 0;
	keep_named(drop, ds->change.old_value, ds->change.n);
	keep_named(drop, ds->change.new_value, ds->change.n);
	for (size_t l = 0; l < n_layers; l++)
		for (uint32_t id = 0; id < ds->strings.n; id++)
			if (drop[id] && strlayer_handed(layers[l], id))
				drop[id] = 0;
	return drop;
}

/* The tables dataset_canonical_order_bare left unmade, made. */
static enum cib_err tables_again(struct dataset *ds)
{
	enum cib_err err = CIB_OK;

	if (!ds->tables_pending)
		return CIB_OK;
	err = dataset_rebuild_keys(ds);
	if (!err && ds->tables_pending > 1)
		err = strpool_build_table(&ds->strings);
	if (!err)
		ds->tables_pending = 0;
	return err;
}

enum cib_err dataset_drop_post_ids(struct dataset *ds, size_t *freed)
{
	enum cib_err err, terr;
	uint8_t *drop;
	uint32_t *newid, *col[DS_STRING_COLUMNS];
	size_t len[DS_STRING_COLUMNS], ncol, n_old;

	*freed = 0;
	if (!ds->strings.n || !ds->post.id)
		return tables_again(ds);
	drop = post_id_mask(ds, NULL, 0);
	if (!drop)
		return CIB_ENOMEM;
	err = strpool_drop(&ds->strings, drop, freed);
	free(drop);
	/* the freed ids out of the id space (most of it at 10M posts: the
	 * id array falls from 96 to 16 MB and the post_row table with it);
	 * every string keeps its place in the ids' order */
	newid = malloc(((size_t)ds->strings.n + 1) * sizeof(*newid));
	if (!newid)
		return err ? err : CIB_ENOMEM;
	n_old = ds->strings.n;
	strpool_compact(&ds->strings, newid);
	ncol = dataset_string_columns(ds, col, len);
	for (size_t c = 0; c < ncol; c++)
		for (size_t i = 0; i < len[c]; i++)
			if (col[c][i] != STR_NONE)
				col[c][i] = newid[col[c][i]];
	/* the freed entities' strings, which the mask kept: their marks
	 * moved to the new ids, in place (ids only fall, so a mark never
	 * lands on one still to be moved) */
	for (size_t id = 0; ds->ent_named && id < n_old; id++)
		if (bits_get(ds->ent_named, id)) {
			ds->ent_named[id / 64] &= ~(UINT64_C(1) << (id % 64));
			if (newid[id] != STR_NONE)
				bits_set(ds->ent_named, newid[id]);
		}
	free(newid);
	terr = dataset_rebuild_keys(ds);
	if (!terr && !ds->lookups_dropped)
		/* the table again, without them: the features look URLs
		 * and language codes up */
		terr = strpool_build_table(&ds->strings);
	if (!terr)
		ds->tables_pending = 0;
	return err ? err : terr;
}

size_t dataset_string_columns(struct dataset *ds, uint32_t **col,
			      size_t *len)
{
	uint32_t *const c[DS_STRING_COLUMNS] = {
		ds->acc.id, ds->acc.handle, ds->acc.name,
		ds->acc.description, ds->acc.location, ds->acc.lang,
		ds->post.id, ds->post.lang, ds->post.client,
		ds->post.ref_post, ds->post.ref_account, ds->ent.str,
		ds->change.old_value, ds->change.new_value,
	};
	const size_t l[DS_STRING_COLUMNS] = {
		ds->acc.n, ds->acc.n, ds->acc.n, ds->acc.n,
		ds->acc.n, ds->acc.n, ds->post.n, ds->post.n,
		ds->post.n, ds->post.n, ds->post.n, ds->ent.n,
		ds->change.n, ds->change.n,
	};
	size_t k = 0;

	for (size_t i = 0; i < DS_STRING_COLUMNS; i++)
		if (c[i]) { /* a freed column names nothing */
			col[k] = c[i];
			len[k++] = l[i];
		}
	return k;
}

enum cib_err dataset_drop_post_strings(struct dataset *ds,
				       const uint64_t *shown,
				       const struct strlayer *const *layers,
				       size_t n_layers, size_t *freed)
{
	size_t nfreed = 0, tfreed = 0;
	uint8_t *drop;
	enum cib_err err = CIB_OK;

	dataset_drop_lookups(ds);
	if (freed)
		*freed = 0;
	if (ds->texts.n && ds->post.text) {
		/* a text stays when a shown post has it */
		drop = calloc(ds->texts.n, 1);
		if (!drop)
			return CIB_ENOMEM;
		for (size_t j = 0; j < ds->post.n; j++)
			if (ds->post.text[j] != STR_NONE &&
			    (!shown || !bits_get(shown, j)))
				drop[ds->post.text[j]] = 1;
		for (size_t j = 0; shown && j < ds->post.n; j++)
			if (ds->post.text[j] != STR_NONE && bits_get(shown, j))
				drop[ds->post.text[j]] = 0;
		err = strpool_drop(&ds->texts, drop, &tfreed);
		free(drop);
	}
	if (!err && ds->strings.n && ds->post.id) {
		drop = post_id_mask(ds, layers, n_layers);
		if (!drop)
			return CIB_ENOMEM;
		err = strpool_drop(&ds->strings, drop, &nfreed);
		free(drop);
	}
	free(ds->ent_named);
	ds->ent_named = NULL;
	ds->post_strings_dropped = 1;
	if (freed)
		*freed = nfreed + tfreed;
	return err;
}

size_t dataset_drop_post_columns(struct dataset *ds)
{
	void **const cols[] = {
		(void **)&ds->post.likes,   (void **)&ds->post.reposts,
		(void **)&ds->post.replies, (void **)&ds->post.quotes,
		(void **)&ds->post.lang,    (void **)&ds->post.client,
	};
	size_t freed = 0;

	for (size_t c = 0; c < sizeof(cols) / sizeof(*cols); c++) {
		if (*cols[c])
			freed += ds->post.n * 4;
		free(*cols[c]);
		*cols[c] = NULL;
	}
	ds->post_columns_dropped = 1;
	return freed;
}

size_t dataset_drop_post_rows(struct dataset *ds)
{
	void **const cols[] = {
		(void **)&ds->post.account, (void **)&ds->post.time,
		(void **)&ds->post.kind,    (void **)&ds->post.flags,
		(void **)&ds->post.ref_account, (void **)&ds->post.origin,
	};
	const size_t width[] = { sizeof(*ds->post.account),
				 sizeof(*ds->post.time),
				 sizeof(*ds->post.kind),
				 sizeof(*ds->post.flags),
				 sizeof(*ds->post.ref_account),
				 sizeof(*ds->post.origin) };
	size_t freed = dataset_drop_post_refs(ds, 0) +
		       dataset_drop_post_columns(ds);

	for (size_t c = 0; c < sizeof(cols) / sizeof(*cols); c++) {
		if (*cols[c])
			freed += ds->post.n * width[c];
		free(*cols[c]);
		*cols[c] = NULL;
	}
	return freed;
}

size_t dataset_drop_post_refs(struct dataset *ds, int keep_entities)
{
	size_t freed = 0;

	if (ds->post.id)
		freed += ds->post.n * sizeof(*ds->post.id);
	if (ds->post.ref_post)
		freed += ds->post.n * sizeof(*ds->post.ref_post);
	free(ds->post.id);
	free(ds->post.ref_post);
	ds->post.id = ds->post.ref_post = NULL;
	if (!keep_entities)
		freed += dataset_drop_entities(ds);
	ds->post_refs_dropped = 1;
	return freed;
}

/* The post ids' strings not dropped yet: the strings of the entities
 * below k1 marked (ent_named, for post_id_mask) before the entities go.
 * 0 without the memory for the marks. */
static int mark_named(struct dataset *ds, size_t k1)
{
	if (!ds->ent.n || !ds->post.id || ds->post_strings_dropped)
		return 1;
	if (!ds->ent_named) {
		ds->ent_named = calloc(bits_words(ds->strings.n + 1),
				       sizeof(*ds->ent_named));
		if (!ds->ent_named)
			return 0;
	}
	for (size_t k = ds->ent_marked; k < k1; k++)
		if (ds->ent.str[k] != STR_NONE)
			bits_set(ds->ent_named, ds->ent.str[k]);
	if (k1 > ds->ent_marked)
		ds->ent_marked = k1;
	return 1;
}

size_t dataset_discard_entities(struct dataset *ds, size_t upto)
{
	size_t k1;

	if (!ds->post.ent_off || upto == 0 || upto > ds->post.n)
		return 0;
	k1 = ds->post.ent_off[upto];
	if (!mark_named(ds, k1))
		return 0; /* they stay, as dataset_drop_entities keeps them */
	return bigmem_discard(ds->post.ent_off,
			      upto * sizeof(*ds->post.ent_off)) +
	       bigmem_discard(ds->ent.str, k1 * sizeof(*ds->ent.str)) +
	       bigmem_discard(ds->ent.type, k1 * sizeof(*ds->ent.type));
}

size_t dataset_drop_entities(struct dataset *ds)
{
	size_t freed = 0;

	if (!mark_named(ds, ds->ent.n))
		return 0;
	if (ds->post.ent_off)
		freed += (ds->post.n + 1) * sizeof(*ds->post.ent_off);
	freed += ds->ent.cap * (sizeof(*ds->ent.str) + sizeof(*ds->ent.type));
	free(ds->post.ent_off);
	free(ds->ent.str);
	free(ds->ent.type);
	ds->post.ent_off = NULL;
	ds->ent.str = NULL;
	ds->ent.type = NULL;
	ds->ent.n = ds->ent.cap = 0;
	ds->ent_marked = 0;
	return freed;
}

enum cib_err dataset_texts_column(struct dataset *ds)
{
	if (ds->post.text || !ds->post.n)
		return CIB_OK;
	ds->post.text = malloc(ds->post.n * sizeof(*ds->post.text));
	if (!ds->post.text)
		return CIB_ENOMEM;
	for (size_t j = 0; j < ds->post.n; j++)
		ds->post.text[j] = STR_NONE;
	return CIB_OK;
}

void dataset_keep_texts(struct dataset *ds)
{
	struct dataset k;

	dataset_init(&k);
	strpool_release(&k.texts);
	k.texts = ds->texts;
	strpool_init(&ds->texts);
	k.post.n = ds->post.n;
	k.post.cap = ds->post.cap;
	k.post.text = ds->post.text;
	k.post.kind = ds->post.kind;
	ds->post.text = NULL;
	ds->post.kind = NULL;
	dataset_release(ds);
	*ds = k;
	ds->lookups_dropped = 1;
	ds->post_strings_dropped = 1;
	ds->post_columns_dropped = 1;
}

enum cib_err dataset_intern(struct dataset *ds, const char *s, uint32_t *id)
{
	if (!s || !*s) {
		*id = STR_NONE;
		return CIB_OK;
	}
	return strpool_intern(&ds->strings, s, strlen(s), id);
}

enum cib_err dataset_intern_text(struct dataset *ds, const char *s,
				 uint32_t *id)
{
	if (!s || !*s) {
		*id = STR_NONE;
		return CIB_OK;
	}
	return strpool_intern(&ds->texts, s, strlen(s), id);
}

static enum cib_err record_change(struct dataset *ds, uint32_t acc,
				  enum acc_field field, uint32_t old_value,
				  uint32_t new_value, int64_t when)
{
	if (ds->change.n == ds->change.cap) {
		size_t ncap = next_cap(ds->change.cap);
		void **const cols[] = {
			(void **)&ds->change.account, (void **)&ds->change.field,
			(void **)&ds->change.old_value,
			(void **)&ds->change.new_value, (void **)&ds->change.time,
		};
		const size_t sizes[] = { 4, 1, 4, 4, 8 };

		if (grow_columns(cols, sizes, 5, ncap, 1))
			return CIB_ENOMEM;
		ds->change.cap = ncap;
	}
	ds->change.account[ds->change.n] = acc;
	ds->change.field[ds->change.n] = (uint8_t)field;
	ds->change.old_value[ds->change.n] = old_value;
	ds->change.new_value[ds->change.n] = new_value;
	ds->change.time[ds->change.n] = when;
	ds->change.n++;
	ds->acc.n_changes[acc]++;
	return CIB_OK;
}

/* Merges a string field: fills an unknown value, records a differing one. */
static enum cib_err merge_str(struct dataset *ds, uint32_t acc, uint32_t *col,
			      enum acc_field field, const char *value,
			      int64_t when)
{
	uint32_t id;
	enum cib_err err = dataset_intern(ds, value, &id);

	if (err || id == STR_NONE)
		return err;
	if (col[acc] == STR_NONE) {
		col[acc] = id;
		return CIB_OK;
	}
	if (col[acc] != id) {
		err = record_change(ds, acc, field, col[acc], id, when);
		col[acc] = id;
	}
	return err;
}

static enum cib_err account_lookup_or_add(struct dataset *ds, enum platform p,
					  uint32_t id, uint32_t *idx, int *fresh)
{
	size_t j;
	uint32_t row;
	enum cib_err err;

	*fresh = 0;
	if ((unsigned)p >= PLATFORM__COUNT)
		return CIB_ERANGE;
	if ((ds->acc.n + 1) * 4 > ds->acc_nslots * 3) {
		err = acc_table_grow(ds);
		if (err)
			return err;
	}
	j = acc_probe(ds, p, id);
	if (ds->acc_slots[j] != KSLOT_EMPTY) {
		*idx = ASLOT_ROW(ds->acc_slots[j]);
		return CIB_OK;
	}
	if (ds->acc.n == ds->acc.cap) {
		err = grow_accounts(ds);
		if (err)
			return err;
	}
	row = (uint32_t)ds->acc.n++;
	ds->acc.platform[row] = (uint8_t)p;
	ds->acc.id[row] = id;
	ds->acc.handle[row] = ds->acc.name[row] = STR_NONE;
	ds->acc.description[row] = ds->acc.location[row] = STR_NONE;
	ds->acc.lang[row] = STR_NONE;
	ds->acc.created[row] = TIME_NONE;
	ds->acc.followers[row] = ds->acc.following[row] = COUNT_NONE;
	ds->acc.n_changes[row] = 0;
	ds->acc_slots[j] = aslot(p, id, row);
	*idx = row;
	*fresh = 1;
	return CIB_OK;
}

enum cib_err dataset_add_account(struct dataset *ds,
				 const struct account_rec *rec, uint32_t *idx)
{
	uint32_t id, row;
	int fresh;
	enum cib_err err;

	if (!rec->id || !*rec->id)
		return CIB_EPARSE;
	err = dataset_intern(ds, rec->id, &id);
	if (err)
		return err;
	err = account_lookup_or_add(ds, rec->platform, id, &row, &fresh);
	if (err)
		return err;
	if ((err = merge_str(ds, row, ds->acc.handle, ACC_FIELD_HANDLE,
			     rec->handle, rec->seen_at)) ||
	    (err = merge_str(ds, row, ds->acc.name, ACC_FIELD_NAME, rec->name,
			     rec->seen_at)) ||
	    (err = merge_str(ds, row, ds->acc.description,
			     ACC_FIELD_DESCRIPTION, rec->description,
			     rec->seen_at)) ||
	    (err = merge_str(ds, row, ds->acc.location, ACC_FIELD_LOCATION,
			     rec->location, rec->seen_at)) ||
	    (err = merge_str(ds, row, ds->acc.lang, ACC_FIELD_LANG, rec->lang,
			     rec->seen_at)))
		return err;
	if (rec->created != TIME_NONE)
		ds->acc.created[row] = rec->created;
	/* counts grow over time: keep the latest observation we are given */
	if (rec->followers != COUNT_NONE)
		ds->acc.followers[row] = rec->followers;
	if (rec->following != COUNT_NONE)
		ds->acc.following[row] = rec->following;
	if (idx)
		*idx = row;
	return CIB_OK;
}


/* Strings of one post record with their pool hashes, computed (and their
 * table slots prefetched) before any is interned. */
#define PF_ENT 16
enum { PF_ID, PF_ACC, PF_TEXT, PF_LANG, PF_CLIENT, PF_REF_POST, PF_REF_ACC,
       PF__COUNT };

struct pfstr {
	const char *s;
	size_t len;
	uint64_t h;
};

static void pf_set(const struct strpool *sp, struct pfstr *f, const char *s)
{
	f->s = s;
	f->len = s ? strlen(s) : 0;
	f->h = 0;
	if (f->len) {
		f->h = strpool_hash(s, f->len);
		strpool_prefetch(sp, f->h);
	}
}

/* pf_set with the hash given (h == strpool_hash(s), the caller's
 * prefetching done), or computed when hs is NULL. */
static void pf_set_h(const struct strpool *sp, struct pfstr *f, const char *s,
		     const uint64_t *hs, int k)
{
	if (!hs) {
		pf_set(sp, f, s);
		return;
	}
	f->s = s;
	f->len = s ? strlen(s) : 0;
	f->h = f->len ? hs[k] : 0;
}

/* dataset_intern for a prefetched string, into pool sp. */
static enum cib_err pf_intern_in(struct strpool *sp, const struct pfstr *f,
				 uint32_t *id)
{
	if (!f->len) {
		*id = STR_NONE;
		return CIB_OK;
	}
	return strpool_intern_hashed(sp, f->s, f->len, f->h, id);
}

static enum cib_err pf_intern(struct dataset *ds, const struct pfstr *f,
			      uint32_t *id)
{
	return pf_intern_in(&ds->strings, f, id);
}

/* Post row's text: none held when the texts are kept elsewhere, where a
 * text given is a caller's mistake, not one to drop quietly. */
static enum cib_err put_text(struct dataset *ds, const struct pfstr *f,
			     uint32_t row)
{
	if (ds->post_texts_apart)
		return f->len ? CIB_EINTERNAL : CIB_OK;
	return pf_intern_in(&ds->texts, f, &ds->post.text[row]);
}

static enum cib_err add_post(struct dataset *ds, const struct post_rec *rec,
			     const uint64_t *hs, int *added, uint32_t *at,
			     int keyed);

enum cib_err dataset_add_post(struct dataset *ds, const struct post_rec *rec,
			      int *added)
{
	return add_post(ds, rec, NULL, added, NULL, 1);
}

enum cib_err dataset_add_post_at(struct dataset *ds,
				 const struct post_rec *rec, int *added,
				 uint32_t *at)
{
	return add_post(ds, rec, NULL, added, at, 1);
}

enum cib_err dataset_add_post_hashed(struct dataset *ds,
				     const struct post_rec *rec,
				     const uint64_t hash[3], int *added,
				     uint32_t *at)
{
	return add_post(ds, rec, hash, added, at, 1);
}

enum cib_err dataset_add_post_unkeyed(struct dataset *ds,
				      const struct post_rec *rec, uint32_t *at)
{
	return add_post(ds, rec, NULL, NULL, at, 0);
}

/* hs: NULL, or the pool hashes of rec's id, account_id and ref_post;
 * keyed 0: rec->id is neither read nor interned, the post is found by no
 * key (post.id STR_NONE) and never a duplicate */
static enum cib_err add_post(struct dataset *ds, const struct post_rec *rec,
			     const uint64_t *hs, int *added, uint32_t *at,
			     int keyed)
{
	struct pfstr f[PF__COUNT], fe[PF_ENT];
	uint32_t id = STR_NONE, acc_id, acc, row;
	size_t nfe = rec->n_ent < PF_ENT ? rec->n_ent : PF_ENT;
	int fresh, over = 0;
	enum cib_err err;

	assert(!ds->lookups_dropped && !ds->post_keys_dropped &&
	       !ds->tables_pending);
	assert(!ds->post.origin); /* set once every post is stored */
	assert(!ds->post_columns_dropped && !ds->post_refs_dropped);
	if (added)
		*added = 0;
	if (at)
		*at = UINT32_MAX;
	if ((keyed && (!rec->id || !*rec->id)) || !rec->account_id ||
	    !*rec->account_id || rec->time == TIME_NONE)
		return CIB_EPARSE;
	pf_set_h(&ds->strings, &f[PF_ID], keyed ? rec->id : NULL, hs, 0);
	pf_set_h(&ds->strings, &f[PF_ACC], rec->account_id, hs, 1);
	pf_set(&ds->texts, &f[PF_TEXT], rec->text);
	pf_set(&ds->strings, &f[PF_LANG], rec->lang);
	pf_set(&ds->strings, &f[PF_CLIENT], rec->client);
	pf_set_h(&ds->strings, &f[PF_REF_POST], rec->ref_post, hs, 2);
	pf_set(&ds->strings, &f[PF_REF_ACC], rec->ref_account);
	for (size_t k = 0; k < nfe; k++)
		pf_set(&ds->strings, &fe[k], rec->ent_str[k]);
	if ((err = pf_intern(ds, &f[PF_ID], &id)) ||
	    (err = pf_intern(ds, &f[PF_ACC], &acc_id)))
		return err;
	/* a duplicate changes nothing, not even its author's account */
	row = keyed ? post_lookup(ds, rec->platform, id) : UINT32_MAX;
	if (row != UINT32_MAX) {
		ds->n_duplicate_posts++;
		if (at)
			*at = row;
		return CIB_OK;
	}
	err = account_lookup_or_add(ds, rec->platform, acc_id, &acc, &fresh);
	if (err)
		return err;
	if (keyed && id >= ds->post_row_cap) {
		/* cover every string interned so far */
		size_t ncap = ds->strings.cap;
		uint32_t *pr = bigmem_realloc(ds->post_row,
					      ncap * sizeof(*pr));

		if (!pr)
			return CIB_ENOMEM;
		memset(pr + ds->post_row_cap, 0,
		       (ncap - ds->post_row_cap) * sizeof(*pr));
		ds->post_row = pr;
		ds->post_row_cap = ncap;
	}
	/* taken by another platform's post */
	over = keyed && ds->post_row[id] != 0;
	if (over && (ds->post_over_n + 1) * 4 > ds->post_nslots * 3) {
		err = overflow_grow(ds);
		if (err)
			return err;
	}
	if (ds->post.n == ds->post.cap) {
		err = grow_posts(ds);
		if (err)
			return err;
	}
	if (ds->ent.n + rec->n_ent > ds->ent.cap) {
		err = grow_entities(ds, ds->ent.n + rec->n_ent);
		if (err)
			return err;
	}
	row = (uint32_t)ds->post.n;
	ds->post.id[row] = id;
	ds->post.account[row] = acc;
	ds->post.time[row] = rec->time;
	if ((err = put_text(ds, &f[PF_TEXT], row)) ||
	    (err = pf_intern(ds, &f[PF_LANG], &ds->post.lang[row])) ||
	    (err = pf_intern(ds, &f[PF_CLIENT], &ds->post.client[row])) ||
	    (err = pf_intern(ds, &f[PF_REF_POST], &ds->post.ref_post[row])) ||
	    (err = pf_intern(ds, &f[PF_REF_ACC], &ds->post.ref_account[row])))
		return err;
	ds->post.kind[row] = (uint8_t)rec->kind;
	ds->post.flags[row] = (uint8_t)rec->flags;
	if (!ds->post_counts_apart) {
		ds->post.likes[row] = dataset_count32(rec->likes);
		ds->post.reposts[row] = dataset_count32(rec->reposts);
		ds->post.replies[row] = dataset_count32(rec->replies);
		ds->post.quotes[row] = dataset_count32(rec->quotes);
	}
	for (size_t k = 0; k < rec->n_ent; k++) {
		uint32_t s;

		err = k < nfe ? pf_intern(ds, &fe[k], &s)
			      : dataset_intern(ds, rec->ent_str[k], &s);
		if (err)
			return err;
		if (s == STR_NONE)
			continue;
		ds->ent.str[ds->ent.n] = s;
		ds->ent.type[ds->ent.n] = (uint8_t)rec->ent_type[k];
		ds->ent.n++;
	}
	ds->post.ent_off[row + 1] = ds->ent.n;
	if (over) {
		size_t j = post_probe(ds, rec->platform, id);

		ds->post_slots[j] = kslot(key_hash(rec->platform, id), row);
		ds->post_over_n++;
	} else if (keyed) {
		ds->post_row[id] = row + 1;
	}
	ds->post.n++;
	if (added)
		*added = 1;
	if (at)
		*at = row;
	return CIB_OK;
}

/* A merged post's entities by (type, bytes): rows of one post may come
 * in any order, so the order they brought their entities in means
 * nothing (an insertion sort: readers cap a post's entities). */
static void sort_entities(const struct dataset *ds, uint32_t *str,
			  uint8_t *type, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t s = str[i];
		uint8_t t = type[i];
		size_t j = i;

		while (j > 0 &&
		       (type[j - 1] > t ||
			(type[j - 1] == t &&
			 strcmp(ds_str(ds, str[j - 1]), ds_str(ds, s)) > 0))) {
			str[j] = str[j - 1];
			type[j] = type[j - 1];
			j--;
		}
		str[j] = s;
		type[j] = t;
	}
}

/* Entities merged into stored posts. Posts' entities lie in post order,
 * so only the span from the first post named (lo) onward moves: a counting
 * pass groups the new entities by post, then the posts from lo on are laid
 * out again (their old entities, then their new ones minus those they
 * already have) into a side buffer copied back over the tail. A reader
 * merging the rows of its own input (the last posts) so pays for that
 * input, not for everything read before it. The duplicate check scans the
 * post's span, so its cost is the square of one post's entity count:
 * readers cap that count. */
enum cib_err dataset_merge_entities(struct dataset *ds, size_t n,
				    const uint32_t *post, const uint32_t *str,
				    const uint8_t *type, size_t *added)
{
	size_t np = ds->post.n, lo = SIZE_MAX, span, base, tail, out = 0;
	uint64_t *cnt;
	size_t *order;
	uint32_t *ns;
	uint8_t *nt;
	enum cib_err err;

	if (added)
		*added = 0;
	if (n == 0 || np == 0)
		return CIB_OK;
	for (size_t k = 0; k < n; k++) {
		if (post[k] >= np)
			return CIB_ERANGE;
		if (post[k] < lo)
			lo = post[k];
	}
	span = np - lo;
	base = ds->post.ent_off[lo];
	tail = ds->ent.n - base;
	cnt = calloc(span + 1, sizeof(*cnt));
	order = malloc(n * sizeof(*order));
	ns = bigmem_malloc((tail + n) * sizeof(*ns));
	nt = bigmem_malloc(tail + n);
	if (!cnt || !order || !ns || !nt) {
		err = CIB_ENOMEM;
		goto out;
	}
	/* room first: nothing may fail once offsets are rewritten */
	if (base + tail + n > ds->ent.cap) {
		err = grow_entities(ds, base + tail + n);
		if (err)
			goto out;
	}
	/* the new entities by post, keeping their order (counting sort) */
	for (size_t k = 0; k < n; k++)
		cnt[post[k] - lo + 1]++;
	for (size_t j = 0; j < span; j++)
		cnt[j + 1] += cnt[j];
	for (size_t k = 0; k < n; k++)
		order[cnt[post[k] - lo]++] = k;
	/* cnt[j] is now the end of post lo+j's new entities in order[] */
	for (size_t j = 0, o = 0; j < span; j++) {
		uint64_t b = ds->post.ent_off[lo + j] - base;
		uint64_t e = ds->post.ent_off[lo + j + 1] - base;
		size_t start = out, o0 = o;

		memcpy(ns + out, ds->ent.str + base + b, (e - b) * sizeof(*ns));
		memcpy(nt + out, ds->ent.type + base + b, e - b);
		out += e - b;
		/* post lo+j's old offset is read above before it is set */
		ds->post.ent_off[lo + j] = base + start;
		for (; o < cnt[j]; o++) {
			size_t k = order[o];
			int dup = 0;

			if (str[k] == STR_NONE)
				continue;
			for (size_t i = start; i < out && !dup; i++)
				dup = ns[i] == str[k] && nt[i] == type[k];
			if (dup)
				continue;
			ns[out] = str[k];
			nt[out] = type[k];
			out++;
		}
		if (o > o0) /* rows merged: their order is the input's */
			sort_entities(ds, ns + start, nt + start, out - start);
	}
	memcpy(ds->ent.str + base, ns, out * sizeof(*ns));
	memcpy(ds->ent.type + base, nt, out);
	ds->post.ent_off[np] = base + out;
	if (added)
		*added = out - tail;
	ds->ent.n = base + out;
	err = CIB_OK;
out:
	free(cnt);
	free(order);
	free(ns);
	free(nt);
	return err;
}
