/* strpool.h - interned, immutable strings addressed by 32-bit ids.
 *
 * Every string the dataset holds (ids, handles, texts, URLs) lives once in a
 * pool; columns store the uint32_t id. Equal strings get equal ids, so joins
 * and exact-duplicate checks compare integers. Strings are NUL-terminated and
 * never move once interned, so pointers from strpool_get() stay valid until
 * strpool_release().
 */
#ifndef CIB_STRPOOL_H
#define CIB_STRPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error.h"

/* The id meaning "no string". */
#define STR_NONE UINT32_MAX

/* Longest single string the pool accepts (64 MiB): a larger field is a data
 * error, not a reason to exhaust memory. */
#define STRPOOL_MAX_LEN ((size_t)64 << 20)

struct strpool {
	/* id -> string; each string's length is stored as 4 bytes just
	 * before it in the arena, so checking a candidate in the table reads
	 * one place, not a separate length array as well */
	const char **ptr;
	uint32_t n, cap;
	/* open-addressing table: each slot is (32 hash bits << 32 | id + 1),
	 * 0 when empty; one 8-byte load per probe step */
	uint64_t *slots;
	size_t nslots;
	/* arena blocks holding the bytes */
	char **blocks;
	size_t *fill; /* per block: bytes used (the last one's: block_used) */
	size_t nblocks, capblocks;
	size_t block_used, block_size;
	size_t bytes; /* total bytes interned, for reporting */
	size_t n_dropped; /* strings whose bytes strpool_drop freed */
};

void strpool_init(struct strpool *p);
void strpool_release(struct strpool *p);

/* Interns `s[0..len)` (need not be NUL-terminated; may contain no NUL) and
 * stores its id in *id. CIB_ETOOBIG past STRPOOL_MAX_LEN or 2^32-2 strings. */
enum cib_err strpool_intern(struct strpool *p, const char *s, size_t len,
			    uint32_t *id);

/* The table's hash of s[0..len), for the two calls below: a reader that
 * interns several strings per record hashes them all first and prefetches
 * their slots, so the cache misses of a table far larger than the cache
 * overlap instead of following one another. */
uint64_t strpool_hash(const char *s, size_t len);
void strpool_prefetch(const struct strpool *p, uint64_t h);
/* Deeper hints for a reader that batches records and walks the batch
 * several times: once strpool_prefetch(h) has landed,
 * strpool_prefetch_candidate(h) prefetches where the candidate string
 * lives (its pointer): the string of the first slot from h's own on whose
 * hash bits match h (a few slots at most, in the lines just read, up to an
 * empty one: linear probing often puts a string a slot or two past its
 * own); once that has landed, strpool_prefetch_bytes(h) the string's
 * bytes. A hit then costs no wait on memory. Hints only: nothing changes, and a wrong guess costs
 * a wasted prefetch. */
void strpool_prefetch_candidate(const struct strpool *p, uint64_t h);
void strpool_prefetch_bytes(const struct strpool *p, uint64_t h);
/* The candidate's id as above (most likely the string's id, for
 * prefetching what the id leads to), else STR_NONE. A guess, never a
 * lookup. */
uint32_t strpool_candidate(const struct strpool *p, uint64_t h);

/* strpool_intern with h = strpool_hash(s, len) already computed. */
enum cib_err strpool_intern_hashed(struct strpool *p, const char *s,
				   size_t len, uint64_t h, uint32_t *id);

/* Makes room for n strings in all (the table and the id array), so a
 * reader that can estimate its input's strings does not grow them by
 * doubling (each doubling rehashes the table and touches fresh pages).
 * Only a hint: interning past n still grows; CIB_ENOMEM when the room
 * cannot be had (nothing is lost then). */
enum cib_err strpool_reserve(struct strpool *p, size_t n);

/* Frees the lookup table (8 bytes a slot, 11-21 bytes a string): every
 * string stays readable by its id, the next strpool_intern or
 * strpool_reserve builds the table again from the strings, and
 * strpool_find must not be called before that. For a caller done with
 * looking strings up by their bytes (score, once its events are built). */
void strpool_drop_table(struct strpool *p);

/* Frees the bytes of every string i with drop[i] != 0 (drop has p->n
 * entries): the others keep their ids and bytes (they move to fresh
 * blocks, so pointers from strpool_get() taken before are stale; when
 * drop marks no string still held, nothing moves), a
 * dropped id reads as "" of length 0 and strpool_dropped() says so, and
 * the lookup table is dropped (strpool_drop_table) and built again
 * without the dropped strings when next needed: interning a dropped
 * string's bytes again gives a new id. The pool is walked one block at a
 * time, each old block freed once its kept strings are copied, so the
 * extra memory is one block (64 MiB at most) and the ids' lengths are
 * held in ptr[] meanwhile. Returns the bytes freed (their strings'
 * lengths); CIB_ENOMEM (no new block) leaves every string not marked
 * readable, at its new place or its old one, and some of the marked
 * ones freed. */
enum cib_err strpool_drop(struct strpool *p, const uint8_t *drop,
			  size_t *freed);

/* Builds the lookup table again when it was dropped (strpool_drop,
 * strpool_drop_table), sized for the strings still held, so that
 * strpool_find works again: for a caller that freed strings it is sure
 * nobody looks up (score frees the post ids once the posts are in
 * order, and its features still look URLs and language codes up). A
 * freed string is not found. CIB_ENOMEM leaves the table dropped. */
enum cib_err strpool_build_table(struct strpool *p);

/* Gives back the id array's spare room (it grows by doubling: up to 8
 * bytes a string); the next intern grows it again. */
void strpool_trim(struct strpool *p);

/* Was string id's bytes freed by strpool_drop? */
int strpool_dropped(const struct strpool *p, uint32_t id);

/* Like strpool_intern but only looks up; *id is STR_NONE when absent. */
void strpool_find(const struct strpool *p, const char *s, size_t len,
		  uint32_t *id);

/* Gives string i the id newid[i] (a permutation of 0 .. n-1): the table
 * and the id array follow; the bytes do not move. Columns holding ids are
 * the caller's to map. CIB_ENOMEM leaves the pool as it was. */
enum cib_err strpool_renumber(struct strpool *p, const uint32_t *newid);

/* Takes the dropped ids (strpool_drop) out of the id space: the strings
 * still held are numbered 0 .. n-1 again in their old order, so that the
 * id array holds only them. Fills newid[0..old n) with each old id's new
 * one (STR_NONE for a dropped id); the columns holding ids are the
 * caller's to map. The lookup table is dropped (strpool_build_table
 * builds it again). Cannot fail. */
void strpool_compact(struct strpool *p, uint32_t *newid);

/* The string for `id` (owned by the pool), or "" for STR_NONE. */
static inline const char *strpool_get(const struct strpool *p, uint32_t id)
{
	return id == STR_NONE ? "" : p->ptr[id];
}

static inline uint32_t strpool_len(const struct strpool *p, uint32_t id)
{
	uint32_t n;

	if (id == STR_NONE)
		return 0;
	memcpy(&n, p->ptr[id] - sizeof(n), sizeof(n));
	return n;
}

#endif
