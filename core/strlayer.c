/* strlayer.c - a string pool layered over a read-only one (strlayer.h).
 *
 * Invariant: a string is in the layer's own pool only when the base did not
 * hold it, so every string has exactly one id across base and layer. */
#include "strlayer.h"

#include <stdlib.h>

#include "bits.h"

void strlayer_init(struct strlayer *l, const struct strpool *base)
{
	l->base = base;
	l->base_n = base ? base->n : 0;
	l->handed = NULL;
	strpool_init(&l->own);
}

void strlayer_release(struct strlayer *l)
{
	if (!l)
		return;
	strpool_release(&l->own);
	free(l->handed);
	l->handed = NULL;
	l->base = NULL;
	l->base_n = 0;
}

int strlayer_handed(const struct strlayer *l, uint32_t id)
{
	return l->handed && id < l->base_n &&
	       bits_get(l->handed, id);
}

enum cib_err strlayer_intern(struct strlayer *l, const char *s, size_t len,
			     uint32_t *id)
{
	uint32_t k = STR_NONE;
	enum cib_err err;

	if (l->base)
		strpool_find(l->base, s, len, &k);
	if (k != STR_NONE) {
		if (!l->handed &&
		    !(l->handed = calloc(bits_words(l->base_n),
					 sizeof(*l->handed))))
			return CIB_ENOMEM;
		bits_set(l->handed, k);
		*id = k;
		return CIB_OK;
	}
	if (l->own.n >= STR_NONE - 1 - l->base_n)
		return CIB_ETOOBIG;
	err = strpool_intern(&l->own, s, len, &k);
	if (err)
		return err;
	*id = l->base_n + k;
	return CIB_OK;
}
