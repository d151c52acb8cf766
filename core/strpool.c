/* strpool.c - string interning with an arena and an open-addressing table.
 *
 * Invariants: slots[] has a power-of-two size and is at most 3/4 full (see
 * dataset.c for why not 1/2);
 * each slot packs the 32 low bits of its string's hash above its id + 1
 * (0 = empty), so a probe step is one load and rarely touches string
 * bytes; arena blocks are never reallocated, so ptr[id] is stable. The table and the id arrays are
 * bigmem blocks: at tens of millions of strings they are probed at random,
 * and huge pages keep those probes from missing the TLB every time.
 */
#include "strpool.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "bigmem.h"

#define BLOCK_MIN ((size_t)1 << 20)
#define BLOCK_MAX ((size_t)64 << 20)

void strpool_init(struct strpool *p)
{
	memset(p, 0, sizeof(*p));
}

void strpool_release(struct strpool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	free(p->fill);
	free((void *)p->ptr);
	free(p->slots);
	memset(p, 0, sizeof(*p));
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	return XXH3_64bits(s, len);
}

/* A slot holds id + 1 in its low half, so an all-zero slot is empty and a
 * new table comes zeroed from the kernel with no fill pass. */
#define SLOT_EMPTY UINT64_C(0)
#define SLOT_ID(v) ((uint32_t)(v) - 1)
#define SLOT_H32(v) ((uint32_t)((v) >> 32))

/* The strings whose bytes are held (strpool_drop frees the others): what
 * the lookup table holds and is sized for. */
static size_t live(const struct strpool *p)
{
	return (size_t)p->n - p->n_dropped;
}

/* Rehashes into a table of n slots (a power of two, > 4/3 * live(p)); a
 * dropped table (strpool_drop_table) is built again from the strings. */
static enum cib_err resize_table(struct strpool *p, size_t n)
{
	uint64_t *slots = bigmem_calloc(n, sizeof(*slots));

	if (!slots)
		return CIB_ENOMEM;
	for (uint32_t id = 0; p->nslots == 0 && id < p->n; id++) {
		uint32_t h32;
		size_t j;

		if (strpool_dropped(p, id))
			continue;
		h32 = (uint32_t)hash_bytes(p->ptr[id], strpool_len(p, id));
		j = h32 & (n - 1);
		while (slots[j] != SLOT_EMPTY)
			j = (j + 1) & (n - 1);
		slots[j] = (uint64_t)h32 << 32 | (id + 1);
	}
	for (size_t i = 0; i < p->nslots; i++) {
		uint64_t v = p->slots[i];
		size_t j;

		if (v == SLOT_EMPTY)
			continue;
		j = SLOT_H32(v) & (n - 1);
		while (slots[j] != SLOT_EMPTY)
			j = (j + 1) & (n - 1);
		slots[j] = v;
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = n;
	return CIB_OK;
}

static enum cib_err grow_ids(struct strpool *p, size_t want)
{
	uint32_t nc;
	const char **np;

	if (want <= p->cap)
		return CIB_OK;
	nc = want > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)want;
	np = bigmem_realloc((void *)p->ptr, (size_t)nc * sizeof(*np));
	if (!np)
		return CIB_ENOMEM;
	p->ptr = np;
	p->cap = nc;
	return CIB_OK;
}

static char *arena_alloc(struct strpool *p, size_t len)
{
	char *b;

	if (p->nblocks == 0 || p->block_used + len > p->block_size) {
		size_t size = p->block_size ? p->block_size * 2 : BLOCK_MIN;

		if (size > BLOCK_MAX)
			size = BLOCK_MAX;
		if (size < len)
			size = len;
		if (p->nblocks == p->capblocks) {
			size_t nc = p->capblocks ? p->capblocks * 2 : 16;
			char **nb = realloc(p->blocks, nc * sizeof(*nb));
			size_t *nf;

			if (!nb)
				return NULL;
			p->blocks = nb;
			nf = realloc(p->fill, nc * sizeof(*nf));
			if (!nf)
				return NULL;
			p->fill = nf;
			p->capblocks = nc;
		}
		b = bigmem_malloc(size);
		if (!b)
			return NULL;
		if (p->nblocks)
			p->fill[p->nblocks - 1] = p->block_used;
		p->blocks[p->nblocks++] = b;
		p->block_size = size;
		p->block_used = 0;
	}
	b = p->blocks[p->nblocks - 1] + p->block_used;
	p->block_used += len;
	return b;
}

static size_t probe(const struct strpool *p, const char *s, size_t len,
		    uint32_t h32)
{
	size_t mask = p->nslots - 1;
	size_t j = h32 & mask;

	for (;;) {
		uint64_t v = p->slots[j];
		uint32_t id = SLOT_ID(v);

		if (v == SLOT_EMPTY)
			return j;
		if (SLOT_H32(v) == h32 && strpool_len(p, id) == len &&
		    memcmp(p->ptr[id], s, len) == 0)
			return j;
		j = (j + 1) & mask;
	}
}

void strpool_find(const struct strpool *p, const char *s, size_t len,
		  uint32_t *id)
{
	uint64_t v;

	*id = STR_NONE;
	/* a dropped table is the caller's promise not to look up */
	assert(p->nslots != 0 || p->n == 0);
	if (p->nslots == 0)
		return;
	v = p->slots[probe(p, s, len, (uint32_t)hash_bytes(s, len))];
	*id = v == SLOT_EMPTY ? STR_NONE : SLOT_ID(v);
}

/* What a dropped string's ptr points at: a zero length, then "". */
static const char dropped_entry[sizeof(uint32_t) + 1];
#define DROPPED (dropped_entry + sizeof(uint32_t))

int strpool_dropped(const struct strpool *p, uint32_t id)
{
	return id != STR_NONE && p->ptr[id] == DROPPED;
}

/* While strpool_drop walks the blocks, an entry's length header holds its
 * id and ptr[id] its length (the walk reaches the entry by its place). */
_Static_assert(sizeof(uintptr_t) == sizeof(const char *),
	       "ptr[] holds a length during strpool_drop");

static void park_len(struct strpool *p, uint32_t id, uint32_t len)
{
	uintptr_t v = len;

	memcpy((void *)&p->ptr[id], &v, sizeof(v));
}

static uint32_t parked_len(const struct strpool *p, uint32_t id)
{
	uintptr_t v;

	memcpy(&v, (const void *)&p->ptr[id], sizeof(v));
	return (uint32_t)v;
}

/* strpool_drop's walk: the mask, the old blocks' count and the last
 * one's fill, how many new blocks it may take (SIZE_MAX: any; a test
 * sets CIBSCAN_TEST_STRPOOL_DROP_BLOCKS to fail the one after), the
 * bytes freed */
struct drop_walk {
	const uint8_t *drop;
	size_t nold, last_fill, last_size, lim, freed;
};

static size_t old_end(const struct strpool *p, const struct drop_walk *w,
		      size_t b)
{
	return b + 1 == w->nold ? w->last_fill : p->fill[b];
}

static char *new_entry(struct strpool *p, const struct drop_walk *w,
		       size_t len)
{
	if (p->block_used + len > p->block_size &&
	    p->nblocks - w->nold >= w->lim)
		return NULL;
	return arena_alloc(p, len);
}

/* After a failed walk: old block b's entries from offset at on are put
 * back (header and ptr), moved to the block's front so that what the walk
 * moved or dropped before `at` is not walked again; the block's end
 * follows. */
static void restore_block(struct strpool *p, struct drop_walk *w, size_t b,
			  size_t at)
{
	size_t end = old_end(p, w, b), to = 0;
	char *blk = p->blocks[b];

	while (at < end) {
		uint32_t id, len;

		memcpy(&id, blk + at, sizeof(id));
		len = parked_len(p, id);
		memmove(blk + to + sizeof(len), blk + at + sizeof(len),
			(size_t)len + 1);
		memcpy(blk + to, &len, sizeof(len));
		p->ptr[id] = blk + to + sizeof(len);
		at += sizeof(len) + (size_t)len + 1;
		to += sizeof(len) + (size_t)len + 1;
	}
	if (b + 1 == w->nold)
		w->last_fill = to;
	else
		p->fill[b] = to;
}

/* Walks old block b from offset at: each kept entry is copied to a new
 * block appended to p's list and each dropped one freed. Returns the
 * offset reached: the block's end when done, less when no new block
 * could be had. */
static size_t walk_block(struct strpool *p, struct drop_walk *w, size_t b,
			 size_t at)
{
	size_t end = old_end(p, w, b);

	while (at < end) {
		char *blk = p->blocks[b], *dst;
		uint32_t id, len;

		memcpy(&id, blk + at, sizeof(id));
		len = parked_len(p, id);
		if (w->drop[id]) {
			p->ptr[id] = DROPPED;
			p->n_dropped++;
			w->freed += len;
		} else {
			/* may grow p->blocks: blk is read again after */
			dst = new_entry(p, w, sizeof(len) + len + 1);
			if (!dst)
				return at;
			blk = p->blocks[b];
			memcpy(dst, &len, sizeof(len));
			memcpy(dst + sizeof(len), blk + at + sizeof(len),
			       (size_t)len + 1);
			p->ptr[id] = dst + sizeof(len);
		}
		at += sizeof(len) + (size_t)len + 1;
	}
	return at;
}

/* The freed old blocks out of the list; the last block's room. */
static void close_list(struct strpool *p, const struct drop_walk *w)
{
	size_t k = 0, nnew = p->nblocks - w->nold;

	if (nnew)
		p->fill[w->nold - 1] = w->last_fill;
	for (size_t i = 0; i < p->nblocks; i++)
		if (p->blocks[i]) {
			p->fill[k] = p->fill[i];
			p->blocks[k++] = p->blocks[i];
		}
	p->nblocks = k;
	if (!k) /* everything dropped */
		p->block_used = p->block_size = 0;
	else if (!nnew) { /* the last old block is last again */
		p->block_used = w->last_fill;
		p->block_size = w->last_size;
	}
}

/* Does drop mark a string whose bytes are still held? (score drops the
 * post ids before its features and the post strings after them: the
 * second finds no post id left to free) */
static int marks_any(const struct strpool *p, const uint8_t *drop)
{
	for (uint32_t id = 0; id < p->n; id++)
		if (drop[id] && !strpool_dropped(p, id))
			return 1;
	return 0;
}

enum cib_err strpool_drop(struct strpool *p, const uint8_t *drop,
			  size_t *freed)
{
	struct drop_walk w = { drop, p->nblocks, p->block_used, p->block_size,
			       SIZE_MAX, 0 };
	const char *lim = getenv("CIBSCAN_TEST_STRPOOL_DROP_BLOCKS");
	size_t b, at = 0;
	int failed = 0;

	*freed = 0;
	strpool_drop_table(p);
	if (!w.nold || !marks_any(p, drop))
		return CIB_OK; /* nothing to free: nothing moves */
	if (lim && *lim)
		w.lim = (size_t)strtoull(lim, NULL, 10);
	for (uint32_t id = 0; id < p->n; id++) {
		uint32_t len = strpool_len(p, id);

		if (strpool_dropped(p, id))
			continue;
		memcpy((char *)p->ptr[id] - sizeof(id), &id, sizeof(id));
		park_len(p, id, len);
	}
	/* the kept entries go to new blocks after the old ones, sized from
	 * the smallest up as the pool's first were */
	p->block_used = p->block_size = 0;
	for (b = 0; b < w.nold; b++) {
		at = walk_block(p, &w, b, 0);
		if (at < old_end(p, &w, b)) {
			failed = 1;
			break;
		}
		free(p->blocks[b]);
		p->blocks[b] = NULL;
	}
	for (size_t r = b; failed && r < w.nold; r++) /* the rest back */
		restore_block(p, &w, r, r == b ? at : 0);
	close_list(p, &w);
	p->bytes -= w.freed;
	*freed = w.freed;
	return failed ? CIB_ENOMEM : CIB_OK;
}

void strpool_compact(struct strpool *p, uint32_t *newid)
{
	uint32_t next = 0;

	strpool_drop_table(p);
	for (uint32_t id = 0; id < p->n; id++) {
		if (strpool_dropped(p, id)) {
			newid[id] = STR_NONE;
			continue;
		}
		newid[id] = next;
		p->ptr[next++] = p->ptr[id]; /* next <= id: read before */
	}
	p->n = next;
	p->n_dropped = 0;
	strpool_trim(p);
}

enum cib_err strpool_build_table(struct strpool *p)
{
	size_t ns = 1024;

	if (p->nslots)
		return CIB_OK;
	while ((live(p) + 1) * 4 > ns * 3)
		ns *= 2;
	return resize_table(p, ns);
}

void strpool_trim(struct strpool *p)
{
	const char **np;

	if (p->cap == p->n || !p->n)
		return;
	np = bigmem_realloc((void *)p->ptr, (size_t)p->n * sizeof(*np));
	if (np) { /* else the spare room stays */
		p->ptr = np;
		p->cap = p->n;
	}
}

void strpool_drop_table(struct strpool *p)
{
	free(p->slots);
	p->slots = NULL;
	p->nslots = 0;
}

uint64_t strpool_hash(const char *s, size_t len)
{
	return hash_bytes(s, len);
}

void strpool_prefetch(const struct strpool *p, uint64_t h)
{
#if defined(__GNUC__)
	if (p->nslots)
		__builtin_prefetch(&p->slots[(uint32_t)h & (p->nslots - 1)]);
#else
	(void)p;
	(void)h;
#endif
}

/* How far from its first slot first_candidate looks: at the table's load
 * (3/8 to 3/4) a string often sits a slot or more past its first one
 * (linear probing), and the next slots are mostly in the cache line
 * already read. */
#define CANDIDATE_REACH 8

/* The id in the first slot from h's own on (up to CANDIDATE_REACH of
 * them, stopping at an empty one) whose hash bits match h, else
 * UINT32_MAX. */
static uint32_t first_candidate(const struct strpool *p, uint64_t h)
{
	size_t mask = p->nslots - 1, j = (uint32_t)h & mask;

	if (!p->nslots)
		return UINT32_MAX;
	for (int k = 0; k < CANDIDATE_REACH; k++, j = (j + 1) & mask) {
		uint64_t v = p->slots[j];

		if (v == SLOT_EMPTY)
			return UINT32_MAX;
		if (SLOT_H32(v) == (uint32_t)h)
			return SLOT_ID(v) < p->n ? SLOT_ID(v) : UINT32_MAX;
	}
	return UINT32_MAX;
}

uint32_t strpool_candidate(const struct strpool *p, uint64_t h)
{
	uint32_t id = first_candidate(p, h);

	return id == UINT32_MAX ? STR_NONE : id;
}

void strpool_prefetch_candidate(const struct strpool *p, uint64_t h)
{
	uint32_t id = first_candidate(p, h);

#if defined(__GNUC__)
	if (id != UINT32_MAX)
		__builtin_prefetch(&p->ptr[id]);
#else
	(void)id;
#endif
}

void strpool_prefetch_bytes(const struct strpool *p, uint64_t h)
{
	uint32_t id = first_candidate(p, h);

#if defined(__GNUC__)
	if (id != UINT32_MAX)
		__builtin_prefetch(p->ptr[id] - sizeof(uint32_t));
#else
	(void)id;
#endif
}

enum cib_err strpool_reserve(struct strpool *p, size_t n)
{
	size_t ns = p->nslots ? p->nslots : 1024;
	enum cib_err err;

	if (n > UINT32_MAX - 1)
		n = UINT32_MAX - 1;
	while (n * 4 > ns * 3 || live(p) * 4 > ns * 3)
		ns *= 2;
	if (ns > p->nslots) {
		err = resize_table(p, ns);
		if (err)
			return err;
	}
	return grow_ids(p, n);
}

enum cib_err strpool_intern(struct strpool *p, const char *s, size_t len,
			    uint32_t *id)
{
	return strpool_intern_hashed(p, s, len, hash_bytes(s, len), id);
}

enum cib_err strpool_intern_hashed(struct strpool *p, const char *s,
				   size_t len, uint64_t h, uint32_t *id)
{
	uint32_t h32 = (uint32_t)h, len32;
	size_t j;
	char *dst;

	*id = STR_NONE;
	if (len > STRPOOL_MAX_LEN)
		return CIB_ETOOBIG;
	if ((live(p) + 1) * 4 > p->nslots * 3) {
		size_t ns = p->nslots ? p->nslots * 2 : 1024;
		enum cib_err err;

		while ((live(p) + 1) * 4 > ns * 3)
			ns *= 2; /* a dropped table's strings */
		err = resize_table(p, ns);
		if (err)
			return err;
	}
	j = probe(p, s, len, h32);
	if (p->slots[j] != SLOT_EMPTY) {
		*id = SLOT_ID(p->slots[j]);
		return CIB_OK;
	}
	if (p->n >= UINT32_MAX - 1)
		return CIB_ETOOBIG;
	if (p->n == p->cap) {
		enum cib_err err = grow_ids(p, p->cap ? (size_t)p->cap * 2
						      : 1024);

		if (err)
			return err;
	}
	dst = arena_alloc(p, sizeof(uint32_t) + len + 1);
	if (!dst)
		return CIB_ENOMEM;
	len32 = (uint32_t)len;
	memcpy(dst, &len32, sizeof(len32));
	dst += sizeof(len32);
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
	p->ptr[p->n] = dst;
	p->slots[j] = (uint64_t)h32 << 32 | (p->n + 1);
	p->bytes += len;
	*id = p->n++;
	return CIB_OK;
}

enum cib_err strpool_renumber(struct strpool *p, const uint32_t *newid)
{
	const char **np;

	if (p->n == 0)
		return CIB_OK;
	np = malloc((size_t)p->n * sizeof(*np));
	if (!np)
		return CIB_ENOMEM;
	for (uint32_t i = 0; i < p->n; i++)
		np[newid[i]] = p->ptr[i];
	memcpy((void *)p->ptr, np, (size_t)p->n * sizeof(*np));
	free(np);
	for (size_t i = 0; i < p->nslots; i++) {
		uint64_t v = p->slots[i];

		if (v != SLOT_EMPTY)
			p->slots[i] = (v & ~UINT64_C(0xffffffff)) |
				      ((uint64_t)newid[SLOT_ID(v)] + 1);
	}
	return CIB_OK;
}
