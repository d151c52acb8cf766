/* sortu64.h - the small-array sort the radix sorts of reuse, persona and
 * coord fall back to. */
#ifndef CIB_SORTU64_H
#define CIB_SORTU64_H

#include <stddef.h>
#include <stdint.h>

/* Sorts a[0..n) ascending by insertion: for the short runs (a bucket, a
 * handful of hashes) where a radix pass costs more than it saves. */
static inline void sortu64_insertion(uint64_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = a[i];
		size_t j = i;

		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

#endif
