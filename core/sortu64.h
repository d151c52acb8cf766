/* sortu64.h - sorting unsigned 64-bit keys, once for the whole tree.
 *
 * Plain keys have no identity beyond their value, so every correct sort
 * gives the same array: callers pick by cost only. sortu64_insertion for a
 * handful of keys, sortu64_heap where nothing may be allocated (a post's
 * shingles), sortu64_radix with a caller's scratch (the hot loops that keep
 * one), sortu64() for the rest (the qsort calls this replaced). Records
 * with a key inside (model/groups.c's DEFINE_RADIX, coord's pair codes)
 * keep their own stable sorts.
 */
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

/* Sorts a[0..n) ascending in place, allocating nothing: insertion up to
 * 32 keys, heapsort beyond (O(n log n) whatever the input). */
void sortu64_heap(uint64_t *a, size_t n);

/* Sorts a[0..n) ascending; tmp has room for n keys (its contents are
 * lost). Radix on bytes, every histogram in one read, digits all keys
 * share skipped; insertion below 48 keys. Large arrays are first split on
 * their highest differing byte, so each bucket's LSD passes run in the
 * cache rather than over the whole array in memory. */
void sortu64_radix(uint64_t *a, uint64_t *tmp, size_t n);

/* Sorts a[0..n) ascending: sortu64_radix with scratch of its own, or
 * sortu64_heap when none can be had. Never fails. */
void sortu64(uint64_t *a, size_t n);

/* Drops the repeats of sorted a[0..n) in place; returns the count kept. */
static inline size_t sortu64_unique(uint64_t *a, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (a[i] != a[k])
			a[++k] = a[i];
	return k + 1;
}

/* The first index i of sorted a[0..n) with a[i] >= v (n when none). */
static inline size_t sortu64_lower(const uint64_t *a, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif
