/* strlayer.h - strings a computation derives from a dataset, interned
 * beside the dataset's pool instead of into it.
 *
 * The dataset is read-only once loaded; the features still make strings of
 * their own (canonical URLs, their domains, language codes). A layer keeps
 * them in its own pool and numbers them after the base pool's ids, and
 * interning a string the base already holds gives the base's id, so ids
 * from the base and from the layer compare equal exactly when the strings
 * do: a domain from a post's own domain entity and one derived from its URL
 * meet as the same id, as they would in one pool.
 *
 * Invariants: the base pool does not change while the layer lives (its
 * string count is taken at init); ids below base_n are the base's, ids from
 * base_n on are the layer's own, in the order they were first interned.
 * Ownership: the caller owns the struct; the layer borrows the base.
 */
#ifndef CIB_STRLAYER_H
#define CIB_STRLAYER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strpool.h"

struct strlayer {
	const struct strpool *base;
	uint32_t base_n;     /* base->n at init */
	struct strpool own;  /* id base_n + k is own's id k */
	uint64_t *handed;    /* a bit per base id strlayer_intern gave out
				(NULL until the first): the base's owner must
				keep those strings (dataset_drop_post_strings) */
};

/* base may be NULL (an empty base). */
void strlayer_init(struct strlayer *l, const struct strpool *base);
/* Accepts NULL and a zeroed layer. */
void strlayer_release(struct strlayer *l);

/* The id of s[0..len): the base's when it holds the string, else the
 * layer's own (interned on first use). CIB_ETOOBIG past STRPOOL_MAX_LEN or
 * when the ids would reach STR_NONE, CIB_ENOMEM. */
enum cib_err strlayer_intern(struct strlayer *l, const char *s, size_t len,
			     uint32_t *id);

/* Did strlayer_intern give out base id `id` (a string of the base the
 * layer's users hold by id)? */
int strlayer_handed(const struct strlayer *l, uint32_t id);

/* Ids in use: every id below this is valid. */
static inline uint32_t strlayer_n(const struct strlayer *l)
{
	return l->base_n + l->own.n;
}

/* The string for `id` (base or own), "" for STR_NONE. */
static inline const char *strlayer_get(const struct strlayer *l, uint32_t id)
{
	if (id == STR_NONE)
		return "";
	return id < l->base_n ? strpool_get(l->base, id)
			      : strpool_get(&l->own, id - l->base_n);
}

static inline uint32_t strlayer_len(const struct strlayer *l, uint32_t id)
{
	if (id == STR_NONE)
		return 0;
	return id < l->base_n ? strpool_len(l->base, id)
			      : strpool_len(&l->own, id - l->base_n);
}

#endif
