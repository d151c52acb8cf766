/* bits.h - a bit per element in an array of 64-bit words.
 *
 * For the flags a pass keeps per post, string or slot where a byte each
 * would cost 8 times the memory (10M posts: 1.25 MB against 10 MB). The
 * caller allocates bits_words(n) zeroed words for elements 0..n-1.
 */
#ifndef CIB_BITS_H
#define CIB_BITS_H

#include <stddef.h>
#include <stdint.h>

/* Words for n elements. */
static inline size_t bits_words(size_t n)
{
	return n / 64 + 1;
}

static inline int bits_get(const uint64_t *w, size_t i)
{
	return (int)(w[i / 64] >> (i % 64) & 1);
}

static inline void bits_set(uint64_t *w, size_t i)
{
	w[i / 64] |= UINT64_C(1) << (i % 64);
}

#endif
