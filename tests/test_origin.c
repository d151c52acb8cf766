/* test_origin.c - clusters of one origin (model/origin.h): the pair's
 * p-value against a brute-force binomial sum, and the merge on small
 * constructed data: fragments of one batch-created network joined, a
 * cluster on ordinary days and a cluster of another component left
 * alone, and the same answer beside a disjoint copy. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/origin.h"

/* P(Bin(n, r) >= k) by summing the terms, in logs. */
static double binom_upper_brute(unsigned k, double r, unsigned n)
{
	double s = 0;

	for (unsigned i = k; i <= n; i++)
		s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) -
			 lgamma(n - i + 1.0) + i * log(r) +
			 (n - i) * log1p(-r));
	return k == 0 ? 1 : s;
}

static void test_pair_p(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 25; n += 3)
		for (unsigned k = 0; k <= n; k++)
			for (double r = 0.01; r < 0.9; r *= 3) {
				double want = fmin(1, 2 * fmin(
					binom_upper_brute(k, r, n),
					binom_upper_brute(k, 0.5 * r, n + 2)));
				double got = origin_pair_p(k, r, n, k, 0.5 * r,
							   n + 2);

				assert_true(fabs(got - want) <=
					    1e-9 * want + 1e-13);
			}
	/* five shared batch days, each 0.0074 of the data, of eight */
	assert_true(origin_pair_p(5, 0.0376, 8, 5, 0.0376, 8) < 1e-5);
	/* a large cluster's days (0.3 of the data) meeting four of a
	 * fragment's eight days is chance */
	assert_true(origin_pair_p(4, 0.3, 8, 4, 0.03, 300) > 0.05);
	assert_true(origin_pair_p(0, 0.5, 10, 0, 0.5, 10) == 1);
}

/* The scene: `base` background accounts on ordinary days (in no cluster),
 * then clusters of ten: 0 and 1 (component comp0) created on the batch
 * days 9000-9002 (and one ordinary day each), 2 (comp0) on ordinary days,
 * 3 (component comp0 + 1) on the batch days too. Accounts from `off`. */
#define BASE 1000
#define PER 10

static void scene(int32_t *mem, uint32_t *comp, int64_t *day, size_t off,
		  int32_t c0, uint32_t comp0)
{
	for (size_t i = 0; i < BASE; i++) {
		mem[off + i] = -1;
		comp[off + i] = comp0;
		day[off + i] = (int64_t)((i * 7919) % 2000);
	}
	for (int c = 0; c < 4; c++) {
		for (size_t j = 0; j < PER; j++) {
			size_t a = off + BASE + (size_t)c * PER + j;

			mem[a] = c0 + c;
			comp[a] = comp0 + (c == 3);
			if (c == 2)
				day[a] = (int64_t)(2500 + 37 * j);
			else if (j == PER - 1)
				day[a] = 3000 + c;
			else
				day[a] = 9000 + (int64_t)(j % 3);
		}
	}
	day[off + 5] = ORIGIN_NO_DAY;
}

static void sizes(struct cluster_result *cl)
{
	memset(cl->size, 0, cl->n_clusters * sizeof(*cl->size));
	for (size_t a = 0; a < cl->n_accounts; a++)
		if (cl->membership[a] >= 0)
			cl->size[cl->membership[a]]++;
}

static void test_merge(void **state)
{
	size_t n1 = BASE + 4 * PER, merges = 0;
	int32_t mem[2 * (BASE + 4 * PER)];
	uint32_t comp[2 * (BASE + 4 * PER)], size[8];
	int64_t day[2 * (BASE + 4 * PER)];
	struct cluster_result cl = { 0 };

	(void)state;
	scene(mem, comp, day, 0, 0, 0);
	cl.n_accounts = n1;
	cl.membership = mem;
	cl.n_clusters = 4;
	cl.size = size;
	sizes(&cl);
	assert_int_equal(origin_merge(&cl, comp, day, 0.05, &merges), CIB_OK);
	assert_int_equal(merges, 1);
	assert_int_equal(cl.n_clusters, 3);
	/* 0 and 1 are one cluster of twenty, the others untouched */
	assert_int_equal(mem[BASE], mem[BASE + PER]);
	assert_int_equal(cl.size[mem[BASE]], 2 * PER);
	assert_true(mem[BASE + 2 * PER] != mem[BASE]);
	assert_true(mem[BASE + 3 * PER] != mem[BASE]);
	assert_true(mem[BASE + 2 * PER] != mem[BASE + 3 * PER]);

	/* beside a disjoint copy (components 2 and 3, the same days): the
	 * same merge in each */
	scene(mem, comp, day, 0, 0, 0);
	scene(mem, comp, day, n1, 4, 2);
	cl.n_accounts = 2 * n1;
	cl.n_clusters = 8;
	sizes(&cl);
	assert_int_equal(origin_merge(&cl, comp, day, 0.05, &merges), CIB_OK);
	assert_int_equal(merges, 2);
	assert_int_equal(cl.n_clusters, 6);
	for (size_t o = 0; o <= n1; o += n1) {
		assert_int_equal(mem[o + BASE], mem[o + BASE + PER]);
		assert_int_equal(cl.size[mem[o + BASE]], 2 * PER);
		assert_true(mem[o + BASE + 2 * PER] != mem[o + BASE]);
		assert_true(mem[o + BASE + 3 * PER] != mem[o + BASE]);
	}
	assert_true(mem[BASE] != mem[n1 + BASE]);
}

/* No pair is counted on a (component, day) of more than
 * ORIGIN_MAX_PER_DAY clusters: the bound on the pairs enumerated. Here
 * each pair's one shared day (0.8 % of the data: 100,000 accounts in no
 * cluster on other days) gives p = 0.015, which BH over the 32,896 pairs
 * would pass for all of them, had they been counted. */
static void test_crowded_day(void **state)
{
	size_t nc = ORIGIN_MAX_PER_DAY + 1, na = 3 * nc + 100000, merges = 5;
	int32_t *mem = malloc(na * sizeof(*mem));
	uint32_t *comp = calloc(na, sizeof(*comp));
	uint32_t *size = malloc(nc * sizeof(*size));
	int64_t *day = malloc(na * sizeof(*day));
	struct cluster_result cl = { 0 };

	(void)state;
	assert_non_null(mem);
	assert_non_null(comp);
	assert_non_null(size);
	assert_non_null(day);
	for (size_t a = 0; a < na; a++) {
		mem[a] = a < 3 * nc ? (int32_t)(a / 3) : -1;
		day[a] = a < 3 * nc ? 100 : (int64_t)(1000 + a % 5000);
	}
	cl.n_accounts = na;
	cl.membership = mem;
	cl.n_clusters = nc;
	cl.size = size;
	sizes(&cl);
	assert_int_equal(origin_merge(&cl, comp, day, 0.05, &merges), CIB_OK);
	assert_int_equal(merges, 0);
	assert_int_equal(cl.n_clusters, nc);
	free(mem);
	free(comp);
	free(size);
	free(day);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_p),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_crowded_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
