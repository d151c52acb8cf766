/* sortu64.c - the sorts of sortu64.h.
 *
 * Invariant: each function leaves a[0..n) a non-decreasing permutation of
 * its input; scratch is only ever the caller's tmp or a buffer freed
 * before returning. */
#include "sortu64.h"

#include <stdlib.h>
#include <string.h>

static void sift_down(uint64_t *a, size_t i, size_t end)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;
		uint64_t t;

		if (c < end && a[c] > a[m])
			m = c;
		if (c + 1 < end && a[c + 1] > a[m])
			m = c + 1;
		if (m == i)
			return;
		t = a[i];
		a[i] = a[m];
		a[m] = t;
		i = m;
	}
}

void sortu64_heap(uint64_t *a, size_t n)
{
	if (n <= 32) {
		sortu64_insertion(a, n);
		return;
	}
	for (size_t k = n / 2; k-- > 0;)
		sift_down(a, k, n);
	for (size_t end = n; end-- > 1;) {
		uint64_t t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

/* Keys from which the first byte is split off (MSD) before the rest is
 * sorted bucket by bucket: past this, the LSD passes over the whole array
 * run from memory; a bucket of n / 256 keys stays in the cache for all of
 * its passes. */
#define MSD_MIN ((size_t)1 << 16)

/* Sorts a[0..n) by bytes [0, top) (the bytes above are equal in every
 * key), leaving the result in a; tmp has room for n keys. LSD below
 * MSD_MIN keys or with one byte left; otherwise one MSD pass on the
 * highest byte that differs, into tmp, then each bucket the same way with
 * a as its scratch, and the whole copied back. */
static void radix_low(uint64_t *a, uint64_t *tmp, size_t n, int top)
{
	size_t cnt[8][256];
	uint64_t *src = a, *dst = tmp;
	int hi = -1;

	if (n < 48) {
		sortu64_insertion(a, n);
		return;
	}
	memset(cnt, 0, sizeof(cnt[0]) * (size_t)top);
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < top; d++)
			cnt[d][(a[i] >> (8 * d)) & 0xFF]++;
	for (int d = top - 1; d >= 0 && hi < 0; d--)
		if (cnt[d][(a[0] >> (8 * d)) & 0xFF] != n)
			hi = d;
	if (hi < 0)
		return; /* all keys equal */
	if (n >= MSD_MIN && hi >= 1) {
		size_t off[257];

		off[0] = 0;
		for (int b = 0; b < 256; b++)
			off[b + 1] = off[b] + cnt[hi][b];
		memcpy(cnt[hi], off, sizeof(cnt[hi]));
		for (size_t i = 0; i < n; i++)
			tmp[cnt[hi][(a[i] >> (8 * hi)) & 0xFF]++] = a[i];
		for (int b = 0; b < 256; b++)
			if (off[b + 1] - off[b] > 1)
				radix_low(tmp + off[b], a + off[b],
					  off[b + 1] - off[b], hi);
		memcpy(a, tmp, n * sizeof(*a));
		return;
	}
	for (int d = 0; d <= hi; d++) {
		size_t sum = 0;
		uint64_t *t;

		if (cnt[d][(src[0] >> (8 * d)) & 0xFF] == n)
			continue; /* every key has this byte: nothing moves */
		for (int b = 0; b < 256; b++) {
			size_t c = cnt[d][b];

			cnt[d][b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[d][(src[i] >> (8 * d)) & 0xFF]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

void sortu64_radix(uint64_t *a, uint64_t *tmp, size_t n)
{
	radix_low(a, tmp, n, 8);
}

void sortu64(uint64_t *a, size_t n)
{
	uint64_t *tmp;

	if (n < 48) {
		sortu64_insertion(a, n);
		return;
	}
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		sortu64_heap(a, n);
		return;
	}
	sortu64_radix(a, tmp, n);
	free(tmp);
}
