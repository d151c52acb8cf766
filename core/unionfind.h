/* unionfind.h - the root of an element in a union-find forest.
 *
 * The forest is an array of parents (up[x] == x at a root). Every pass
 * that joins elements (components of the co-action graph, text groups,
 * cluster merges, site networks) keeps its own union rule - which root
 * survives decides the numbering each documents - and shares this find.
 * Path halving: every node on the way points to its grandparent after,
 * so a chain of n takes O(log n) amortised; the root found is the same
 * as with full compression or none.
 */
#ifndef CIB_UNIONFIND_H
#define CIB_UNIONFIND_H

#include <stdint.h>

static inline uint32_t uf_find(uint32_t *up, uint32_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

#endif
