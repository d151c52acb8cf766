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

void sortu64_radix(uint64_t *a, uint64_t *tmp, size_t n)
{
	size_t cnt[8][256];
	uint64_t *src = a, *dst = tmp;

	if (n < 48) {
		sortu64_insertion(a, n);
		return;
	}
	memset(cnt, 0, sizeof(cnt));
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < 8; d++)
			cnt[d][(a[i] >> (8 * d)) & 0xFF]++;
	for (int d = 0; d < 8; d++) {
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
