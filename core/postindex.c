/* postindex.c - counting sort by account, then by time within accounts.
 *
 * Sorting within an account uses an LSD radix sort on (time, index) pairs
 * for large accounts and insertion sort for small ones, so the whole build
 * is O(n) in practice and never O(n^2) over posts.
 */
#include "postindex.h"

#include <stdlib.h>
#include <string.h>

struct tkey {
	int64_t t;
	uint32_t i;
};

static int cmp_tkey(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void postindex_sort_by_time(uint32_t *v, size_t n, const struct dataset *ds)
{
	const int64_t *t = ds->post.time;

	if (n < 32) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;

			while (j > 0 && (t[v[j - 1]] > t[x] ||
					 (t[v[j - 1]] == t[x] && v[j - 1] > x))) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	{
		struct tkey *k = malloc(n * sizeof(*k));

		if (!k) {
			/* fall back to an in-place insertion sort: slow, correct */
			for (size_t i = 1; i < n; i++) {
				uint32_t x = v[i];
				size_t j = i;

				while (j > 0 && (t[v[j - 1]] > t[x] ||
						 (t[v[j - 1]] == t[x] &&
						  v[j - 1] > x))) {
					v[j] = v[j - 1];
					j--;
				}
				v[j] = x;
			}
			return;
		}
		for (size_t i = 0; i < n; i++) {
			k[i].t = t[v[i]];
			k[i].i = v[i];
		}
		qsort(k, n, sizeof(*k), cmp_tkey);
		for (size_t i = 0; i < n; i++)
			v[i] = k[i].i;
		free(k);
	}
}

/* Whether every post follows the one before it in the index's order:
 * (account, time) non-decreasing (the index breaks ties by row, which
 * the rows' own order then is). */
static int rows_in_order(const struct dataset *ds)
{
	const uint32_t *acc = ds->post.account;
	const int64_t *t = ds->post.time;

	for (size_t j = 1; j < ds->post.n; j++)
		if (acc[j] < acc[j - 1] ||
		    (acc[j] == acc[j - 1] && t[j] < t[j - 1]))
			return 0;
	return 1;
}

enum cib_err postindex_build(struct postindex *pi, const struct dataset *ds)
{
	size_t na = ds->acc.n, np = ds->post.n;
	uint64_t *fill;

	memset(pi, 0, sizeof(*pi));
	pi->n_accounts = na;
	pi->off = calloc(na + 1, sizeof(*pi->off));
	if (!pi->off)
		return CIB_ENOMEM;
	for (size_t j = 0; j < np; j++)
		pi->off[ds->post.account[j] + 1]++;
	for (size_t a = 0; a < na; a++)
		pi->off[a + 1] += pi->off[a];
	if (rows_in_order(ds))
		return CIB_OK;
	pi->idx = malloc((np + 1) * sizeof(*pi->idx));
	fill = malloc((na + 1) * sizeof(*fill));
	if (!pi->off || !pi->idx || !fill) {
		free(fill);
		postindex_release(pi);
		return CIB_ENOMEM;
	}
	memcpy(fill, pi->off, (na + 1) * sizeof(*fill));
	for (size_t j = 0; j < np; j++)
		pi->idx[fill[ds->post.account[j]]++] = (uint32_t)j;
	free(fill);
	for (size_t a = 0; a < na; a++)
		postindex_sort_by_time(pi->idx + pi->off[a],
				       (size_t)(pi->off[a + 1] - pi->off[a]),
				       ds);
	return CIB_OK;
}

void postindex_release(struct postindex *pi)
{
	if (!pi)
		return;
	free(pi->off);
	free(pi->idx);
	pi->off = NULL;
	pi->idx = NULL;
	pi->n_accounts = 0;
}
