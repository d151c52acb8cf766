/* test_cluster.c - Leiden clusters and cluster_merge on hand-made graphs
 * (cluster_attach and cluster_grow: tests/test_groups.c, on events). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <igraph.h>

#include "model/cluster.h"

/* A graph of repost co-actions only: n accounts with k_repost krep[],
 * the given candidate pairs, one component with rate 0.001 at the set
 * tests' level (zero: n zeros for the other per-account arrays), and the
 * matching minimal group index (components only). Borrows every array. */
static struct coord_comp comp1;
static uint32_t comp0[32];

static void repost_graph(struct coord_graph *g, struct groups_index *ix,
			 struct coord_pair *pairs, size_t n_pairs,
			 uint32_t *krep, uint32_t *zero, size_t n)
{
	memset(g, 0, sizeof(*g));
	memset(&comp1, 0, sizeof(comp1));
	memset(comp0, 0, sizeof(comp0));
	g->n_accounts = n;
	g->n_active = n;
	g->pairs = pairs;
	g->n_pairs = n_pairs;
	for (int t = 0; t < COORD__COUNT; t++)
		g->k[t] = zero;
	g->k[COORD_REPOST] = krep;
	g->s_amp = zero;
	g->comp = comp0;
	g->comps = &comp1;
	g->n_comps = 1;
	comp1.n_accounts = (uint32_t)n;
	comp1.rate[COORD_REPOST][COORD_PAIR_LEVEL] = 0.001;
	groups_index_init(ix);
	ix->n_accounts = n;
	ix->comp = comp0;
	ix->n_comp = 1;
}

/* A cluster result over n accounts with memberships mem[] and nc clusters
 * of sizes size[] (copied; released with cluster_result_release). */
static void clusters_of(struct cluster_result *r, const int32_t *mem,
			size_t n, const uint32_t *size, size_t nc)
{
	memset(r, 0, sizeof(*r));
	r->n_accounts = n;
	r->n_clusters = nc;
	r->membership = malloc(n * sizeof(*mem));
	r->size = malloc(nc * sizeof(*size));
	assert_non_null(r->membership);
	assert_non_null(r->size);
	memcpy(r->membership, mem, n * sizeof(*mem));
	memcpy(r->size, size, nc * sizeof(*size));
}

static struct coord_edge edge(uint32_t a, uint32_t b, double log10p)
{
	struct coord_edge e;

	memset(&e, 0, sizeof(e));
	e.a = a;
	e.b = b;
	e.log10p = log10p;
	e.x[COORD_REPOST] = 5;
	return e;
}

/* Two 4-cliques joined by one weak edge, and a lone pair: Leiden must
 * return the two cliques as clusters (ids by size, then smallest member),
 * and the pair is below min_size 3. */
static void test_two_cliques(void **state)
{
	struct coord_edge edges[16];
	struct coord_graph g;
	struct cluster_result r;
	size_t n = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	for (uint32_t a = 0; a < 4; a++)
		for (uint32_t b = a + 1; b < 4; b++)
			edges[n++] = edge(a, b, -20);
	for (uint32_t a = 4; a < 8; a++)
		for (uint32_t b = a + 1; b < 8; b++)
			edges[n++] = edge(a, b, -20);
	edges[n++] = edge(3, 4, -1);
	edges[n++] = edge(8, 9, -30);
	g.n_accounts = 11;
	g.edges = edges;
	g.n_edges = n;
	assert_int_equal(cluster_detect(&g, 1, 3, &r), CIB_OK);
	assert_int_equal(r.n_clusters, 2);
	for (int a = 0; a < 4; a++)
		assert_int_equal(r.membership[a], 0);
	for (int a = 4; a < 8; a++)
		assert_int_equal(r.membership[a], 1);
	assert_int_equal(r.membership[8], CLUSTER_NONE);
	assert_int_equal(r.membership[10], CLUSTER_NONE);
	assert_int_equal(r.size[0], 4);
	cluster_result_release(&r);
}

/* Two clusters A = {0, 1, 2} and B = {3, 4, 5}, every account k_repost =
 * 10, rate 0.001, and account 6 in no cluster. Inside each, three pairs of
 * 5 co-actions: 15 against lambda_in = 30 * 30 * 0.001 / 2 = 0.45, a
 * density of 33.3 times chance. Between them lambda = 30 * 30 * 0.001 =
 * 0.9. With 20 co-actions across (22.2 times chance, above half of 33.3)
 * and P(X >= 20 | 0.9) ~ 1e-21 under the BH cutoff 0.01 (one pair of
 * clusters), they merge. With 6 across, P(X >= 6 | 0.9) = 3.435e-4
 * passes the test but 6 / 0.9 = 6.7 times chance is under half the
 * clusters' own density; each is the other's only partner, but the lower
 * 0.01 confidence bound of the ratio (the mean 1.7853 whose tail at 6 is
 * 0.01, over 0.9: 1.98) is under MERGE_MIN_RATIO (2): two busy groups,
 * not one network; no merge (test_merge_mutual has the merges). */
static double pois_tail(unsigned x, double lambda);

static void test_merge(void **state)
{
	struct coord_graph g;
	struct groups_index ix;
	struct cluster_result r;
	struct coord_pair pairs[8] = { { 0, 1, 5 }, { 0, 2, 5 }, { 1, 2, 5 },
				       { 3, 4, 5 }, { 3, 5, 5 }, { 4, 5, 5 },
				       { 0, 3, 10 }, { 1, 4, 10 } };
	uint32_t krep[7] = { 10, 10, 10, 10, 10, 10, 10 };
	uint32_t zero[7] = { 0 };
	int32_t mem[7] = { 1, 1, 1, 0, 0, 0, CLUSTER_NONE };
	uint32_t size[2] = { 3, 3 };
	size_t merged;

	(void)state;
	repost_graph(&g, &ix, pairs, 8, krep, zero, 7);
	assert_true(fabs(coord_log10_poisson_tail(6, 0.9) -
			 log10(3.435e-4)) < 1e-3);
	clusters_of(&r, mem, 7, size, 2);
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 1);
	assert_int_equal(r.n_clusters, 1);
	assert_int_equal(r.size[0], 6);
	for (int a = 0; a < 6; a++)
		assert_int_equal(r.membership[a], 0);
	assert_int_equal(r.membership[6], CLUSTER_NONE);
	/* 6 co-actions across: significant, not dense enough, and the
	 * ratio's lower bound 1.98 under 2 */
	pairs[6].x = 3;
	pairs[7].x = 3;
	r.n_clusters = 2;
	memcpy(r.membership, mem, sizeof(mem));
	memcpy(r.size, size, sizeof(size));
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 0);
	assert_int_equal(r.n_clusters, 2);
	assert_int_equal(r.membership[0], 1);
	cluster_result_release(&r);
}

/* P(Poisson(lambda) >= x) summed directly (independent of coord's
 * tail and of the chi-square quantile cluster_merge bounds with). */
static double pois_tail(unsigned x, double lambda)
{
	double term = exp(-lambda), cdf = 0;

	for (unsigned k = 0; k < x; k++) {
		cdf += term;
		term *= lambda / (k + 1);
	}
	return 1 - cdf;
}

/* The mutual-partner rule. Three clusters A = {0, 1, 2}, B = {3, 4, 5},
 * C = {6, 7, 8}, every account k_repost = 10, rate 0.001: inside each,
 * 15 co-actions against 0.45 (33.3 times chance); between two clusters
 * lambda = 0.9. A-C: 8 co-actions (8.89 times chance, p = P(X >= 8 |
 * 0.9) = 4.8e-6), A-B: 6 (p = 3.4e-4), B-C: none; none is half as dense
 * as inside. Both pass BH at 0.01 over the 3 pairs of clusters (R = 2),
 * so the ratios are bounded at the false-coverage level 0.01 * 2 / 3:
 * A-C, the mean 2.7033 whose tail at 8 is 0.00667, over 0.9: 3.00; A-B:
 * 1.82, under 2. A and C are each other's densest partner: they merge;
 * B stays. Then the floor: two clusters of accounts with k = 100 (lambda
 * across 90, inside 45 with 1500 co-actions, 33.3 times), 170 across is
 * significant (P(X >= 170 | 90) ~ 1e-13) but its bound (R = m = 1, level
 * 0.01) is 1.57 times chance: no merge; 240 across (bound 2.28)
 * merges. */
static void test_merge_mutual(void **state)
{
	struct coord_graph g;
	struct groups_index ix;
	struct cluster_result r;
	struct coord_pair pairs[13] = {
		{ 0, 1, 5 }, { 0, 2, 5 }, { 1, 2, 5 }, { 3, 4, 5 },
		{ 3, 5, 5 }, { 4, 5, 5 }, { 6, 7, 5 }, { 6, 8, 5 },
		{ 7, 8, 5 }, { 0, 3, 3 }, { 1, 4, 3 }, { 0, 6, 4 },
		{ 1, 7, 4 }
	};
	uint32_t krep[9] = { 10, 10, 10, 10, 10, 10, 10, 10, 10 };
	uint32_t zero[9] = { 0 };
	int32_t mem[9] = { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
	uint32_t size[3] = { 3, 3, 3 };
	size_t merged;

	(void)state;
	assert_true(fabs(pois_tail(6, 0.9) - 3.435e-4) < 1e-6);
	assert_true(pois_tail(8, 0.9) < 0.01 / 3);
	/* the bounds: tails of 0.01 (two clusters) and 0.00667 (A-C) at
	 * the bound's mean */
	assert_true(fabs(pois_tail(8, 2.70325) - 0.01 * 2 / 3) < 1e-5);
	assert_true(fabs(pois_tail(6, 1.98365 * 0.9) - 0.01) < 1e-5);
	repost_graph(&g, &ix, pairs, 13, krep, zero, 9);
	clusters_of(&r, mem, 9, size, 3);
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 1);
	assert_int_equal(r.n_clusters, 2);
	for (int a = 0; a < 9; a++)
		assert_int_equal(r.membership[a] == r.membership[0],
				 a < 3 || a >= 6);
	assert_int_equal(r.size[r.membership[0]], 6);
	cluster_result_release(&r);

	/* the floor: significant, bound 1.57 times chance */
	for (int a = 0; a < 6; a++)
		krep[a] = 100;
	for (int i = 0; i < 6; i++)
		pairs[i].x = 500;
	pairs[6] = (struct coord_pair){ 0, 3, 85 };
	pairs[7] = (struct coord_pair){ 1, 4, 85 };
	assert_true(pois_tail(170, 90) < 1e-9);
	repost_graph(&g, &ix, pairs, 8, krep, zero, 6);
	clusters_of(&r, mem, 6, size, 2);
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 0);
	assert_int_equal(r.n_clusters, 2);
	/* 240 across, bound 2.28: they merge */
	assert_true(fabs(pois_tail(240, 2.2826 * 90) - 0.01) < 1e-3);
	pairs[6].x = 120;
	pairs[7].x = 120;
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 1);
	cluster_result_release(&r);
}

/* The count guard: two clusters of 3 (k_repost = 10, rate 0.001), each
 * with three pairs of 1 co-action inside (3 against 0.45: 6.67 times
 * chance). 5 across against 0.9 is 5.56 times chance, over half the
 * inside density (dense), P(X >= 5 | 0.9) = 0.00234 passes BH at 0.01
 * (one pair of clusters), but 5 co-actions are under two per member of
 * the smaller cluster (6): no merge. 6 across (p = 3.4e-4) merge. */
static void test_merge_guard(void **state)
{
	struct coord_graph g;
	struct groups_index ix;
	struct cluster_result r;
	struct coord_pair pairs[8] = { { 0, 1, 1 }, { 0, 2, 1 }, { 1, 2, 1 },
				       { 3, 4, 1 }, { 3, 5, 1 }, { 4, 5, 1 },
				       { 0, 3, 3 }, { 1, 4, 2 } };
	uint32_t krep[6] = { 10, 10, 10, 10, 10, 10 };
	uint32_t zero[6] = { 0 };
	int32_t mem[6] = { 0, 0, 0, 1, 1, 1 };
	uint32_t size[2] = { 3, 3 };
	size_t merged;

	(void)state;
	assert_true(fabs(pois_tail(5, 0.9) - 0.00234) < 1e-5);
	repost_graph(&g, &ix, pairs, 8, krep, zero, 6);
	clusters_of(&r, mem, 6, size, 2);
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 0);
	assert_int_equal(r.n_clusters, 2);
	pairs[7].x = 3;
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 1);
	assert_int_equal(r.n_clusters, 1);
	cluster_result_release(&r);
}

/* log10 P(Poisson(lambda) >= x), the pmf summed term by term in log space
 * (independent of coord's tail; for tails far below a double's range). */
static double log10_tail_direct(unsigned x, double lambda)
{
	double lt0 = x * log(lambda) - lambda - lgamma(x + 1.0), s = 0;
	double lt = lt0;

	for (unsigned k = x; k < x + 5000; k++) {
		s += exp(lt - lt0);
		lt += log(lambda) - log(k + 1.0);
	}
	return (lt0 + log(s)) / log(10);
}

/* A cluster's strongest partner is the one with the strongest evidence,
 * not the highest ratio, and a dense pair merges only as the strongest
 * tie of one of its clusters. Four clusters of accounts with k_repost =
 * 100 (rate 0.001): A = {0..5} and B = {12..17} (K = 600, 7,200
 * co-actions inside against 180: 40 times chance), S = {6, 7, 8} and
 * T = {9, 10, 11} (K = 300, 360 inside against 45: 8 times). A-S and
 * B-T: 630 co-actions against 180 (3.5 times, not dense: half of
 * sqrt(40 * 8) is 8.9), log10 p = -148.98; S-T: 400 against 90 (4.4 times,
 * dense: at least half of 8), log10 p = -126.09. Ranked by the ratio's
 * bound (S-T 3.9, A-S 3.2) S and T were each other's partner and merged
 * as dense, and A and B stayed alone. Ranked by evidence, A-S and B-T are
 * each other's strongest (mutual: merge), and S-T is neither's strongest:
 * it waits. Two merges: {A, S}, {B, T}. */
static void test_merge_strongest(void **state)
{
	struct coord_graph g;
	struct groups_index ix;
	struct cluster_result r;
	struct coord_pair pairs[48];
	uint32_t krep[18], zero[18] = { 0 };
	int32_t mem[18];
	uint32_t size[4] = { 6, 3, 3, 6 };
	size_t n = 0, merged;

	(void)state;
	for (int a = 0; a < 18; a++) {
		krep[a] = 100;
		mem[a] = a < 6 ? 0 : a < 9 ? 1 : a < 12 ? 2 : 3;
	}
	for (uint32_t a = 0; a < 6; a++)
		for (uint32_t b = a + 1; b < 6; b++) {
			pairs[n++] = (struct coord_pair){ a, b, 480 };
			pairs[n++] = (struct coord_pair){ a + 12, b + 12, 480 };
		}
	for (uint32_t a = 0; a < 3; a++)
		for (uint32_t b = a + 1; b < 3; b++) {
			pairs[n++] = (struct coord_pair){ a + 6, b + 6, 120 };
			pairs[n++] = (struct coord_pair){ a + 9, b + 9, 120 };
		}
	for (uint32_t a = 0; a < 3; a++) {
		pairs[n++] = (struct coord_pair){ a, a + 6, 210 };
		pairs[n++] = (struct coord_pair){ a + 9, a + 12, 210 };
	}
	pairs[n++] = (struct coord_pair){ 6, 9, 200 };
	pairs[n++] = (struct coord_pair){ 7, 10, 200 };
	assert_true(n <= 48);
	/* the tails, summed directly, and coord's */
	assert_true(fabs(log10_tail_direct(630, 180) + 148.98) < 0.01);
	assert_true(fabs(log10_tail_direct(400, 90) + 126.09) < 0.01);
	assert_true(fabs(coord_log10_poisson_tail(630, 180) -
			 log10_tail_direct(630, 180)) < 0.01);
	assert_true(fabs(coord_log10_poisson_tail(400, 90) -
			 log10_tail_direct(400, 90)) < 0.01);
	repost_graph(&g, &ix, pairs, n, krep, zero, 18);
	clusters_of(&r, mem, 18, size, 4);
	assert_int_equal(cluster_merge(&r, &g, &ix, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 2);
	assert_int_equal(r.n_clusters, 2);
	for (int a = 0; a < 18; a++)
		assert_int_equal(r.membership[a] == r.membership[0],
				 a < 9);
	assert_int_equal(r.size[0], 9);
	assert_int_equal(r.size[1], 9);
	cluster_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_cliques),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_mutual),
		cmocka_unit_test(test_merge_guard),
		cmocka_unit_test(test_merge_strongest),
	};

	igraph_set_error_handler(igraph_error_handler_printignore);
	gsl_set_error_handler_off();
	return cmocka_run_group_tests_name("cluster", tests, NULL, NULL);
}
