/* test_cluster.c - Leiden clusters, cluster_attach, cluster_merge and
 * cluster_grow on hand-made graphs. */
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
 * the given candidate pairs, rate 0.001 (zero: n zeros for the other
 * per-account arrays). Borrows every array. */
static void repost_graph(struct coord_graph *g, struct coord_pair *pairs,
			 size_t n_pairs, uint32_t *krep, uint32_t *zero,
			 size_t n)
{
	memset(g, 0, sizeof(*g));
	g->n_accounts = n;
	g->n_active = n;
	g->pairs = pairs;
	g->n_pairs = n_pairs;
	for (int t = 0; t < COORD__COUNT; t++)
		g->k[t] = zero;
	g->k[COORD_REPOST] = krep;
	g->s_amp = zero;
	g->rate[COORD_REPOST] = 0.001;
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

/* Account 3 co-acted twice with member 0 and once with member 1 of the
 * cluster {0, 1, 2}; k_repost = 10 for members and 3 for account 3, rate
 * 0.001: lambda = 3 * 30 * 0.001 = 0.09 and
 * P(X >= 3 | 0.09) = 1 - e^-0.09 (1 + 0.09 + 0.09^2/2) = 1.1359e-4,
 * below the BH cutoff 0.01 * 1 / (5 accounts x 1 cluster) = 0.002: it
 * joins. Account 4 has one co-action: never enough. */
static void test_attach(void **state)
{
	struct coord_graph g;
	struct cluster_result r;
	struct coord_pair pairs[3] = { { 0, 3, 2 }, { 1, 3, 1 }, { 2, 4, 1 } };
	uint32_t krep[5] = { 10, 10, 10, 3, 3 };
	uint32_t zero[5] = { 0 };
	int32_t mem[5] = { 0, 0, 0, CLUSTER_NONE, CLUSTER_NONE };
	uint32_t size[1] = { 3 };
	size_t added;

	(void)state;
	repost_graph(&g, pairs, 3, krep, zero, 5);
	clusters_of(&r, mem, 5, size, 1);
	assert_true(fabs(coord_log10_poisson_tail(3, 0.09) - log10(1.1359e-4)) <
		    1e-3);
	assert_int_equal(cluster_attach(&r, &g, 0.01, &added), CIB_OK);
	assert_int_equal(added, 1);
	assert_int_equal(r.membership[3], 0);
	assert_int_equal(r.membership[4], CLUSTER_NONE);
	assert_int_equal(r.size[0], 4);
	/* at fdr 1e-5 the cutoff 2e-6 is below 1.14e-4: it stays out */
	memcpy(r.membership, mem, sizeof(mem));
	r.size[0] = 3;
	assert_int_equal(cluster_attach(&r, &g, 1e-5, &added), CIB_OK);
	assert_int_equal(added, 0);
	cluster_result_release(&r);
}

/* Two clusters A = {0, 1, 2} and B = {3, 4, 5}, every account k_repost =
 * 10, rate 0.001, and account 6 in no cluster. Inside each, three pairs of
 * 5 co-actions: 15 against lambda_in = 30 * 30 * 0.001 / 2 = 0.45, a
 * density of 33.3 times chance. Between them lambda = 30 * 30 * 0.001 =
 * 0.9. With 20 co-actions across (22.2 times chance, above half of 33.3)
 * and P(X >= 20 | 0.9) ~ 1e-21 under the BH cutoff 0.01 (one pair of
 * clusters), they merge. With 6 across, P(X >= 6 | 0.9) = 3.435e-4 would
 * pass the test, but 6 / 0.9 = 6.7 times chance is under half the
 * clusters' own density: two busy groups, not one network; no merge. */
static void test_merge(void **state)
{
	struct coord_graph g;
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
	repost_graph(&g, pairs, 8, krep, zero, 7);
	assert_true(fabs(coord_log10_poisson_tail(6, 0.9) -
			 log10(3.435e-4)) < 1e-3);
	clusters_of(&r, mem, 7, size, 2);
	assert_int_equal(cluster_merge(&r, &g, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 1);
	assert_int_equal(r.n_clusters, 1);
	assert_int_equal(r.size[0], 6);
	for (int a = 0; a < 6; a++)
		assert_int_equal(r.membership[a], 0);
	assert_int_equal(r.membership[6], CLUSTER_NONE);
	/* 6 co-actions across: significant, but not dense enough */
	pairs[6].x = 3;
	pairs[7].x = 3;
	r.n_clusters = 2;
	memcpy(r.membership, mem, sizeof(mem));
	memcpy(r.size, size, sizeof(size));
	assert_int_equal(cluster_merge(&r, &g, 0.01, &merged), CIB_OK);
	assert_int_equal(merged, 0);
	assert_int_equal(r.n_clusters, 2);
	assert_int_equal(r.membership[0], 1);
	cluster_result_release(&r);
}

/* Growth in rounds: account 7 co-acts only with account 6, which co-acts
 * with the cluster {0, 1, 2}. Round one attaches 6 (as in test_attach:
 * lambda 0.09, X = 3, p = 1.14e-4); only then can 7 join, through 6: X =
 * 3 against lambda = 3 * 33 * 0.001 = 0.099 (the members' K is now 10 +
 * 10 + 10 + 3), P(X >= 3 | 0.099) = 1.51e-4, under the cutoff
 * 0.01 / (8 x 1) = 1.25e-3. */
static void test_grow(void **state)
{
	struct coord_graph g;
	struct cluster_result r;
	struct coord_pair pairs[5] = { { 0, 1, 5 }, { 1, 2, 5 }, { 0, 6, 2 },
				       { 1, 6, 1 }, { 6, 7, 3 } };
	uint32_t krep[8] = { 10, 10, 10, 0, 0, 0, 3, 3 };
	uint32_t zero[8] = { 0 };
	int32_t mem[8] = { 0, 0, 0, CLUSTER_NONE, CLUSTER_NONE, CLUSTER_NONE,
			   CLUSTER_NONE, CLUSTER_NONE };
	uint32_t size[1] = { 3 };
	size_t att, mer;

	(void)state;
	repost_graph(&g, pairs, 5, krep, zero, 8);
	assert_true(fabs(coord_log10_poisson_tail(3, 0.099) -
			 log10(1.51e-4)) < 0.01);
	clusters_of(&r, mem, 8, size, 1);
	/* one round alone takes 6, not 7 */
	assert_int_equal(cluster_attach(&r, &g, 0.01, &att), CIB_OK);
	assert_int_equal(att, 1);
	assert_int_equal(r.membership[6], 0);
	assert_int_equal(r.membership[7], CLUSTER_NONE);
	memcpy(r.membership, mem, sizeof(mem));
	r.size[0] = 3;
	assert_int_equal(cluster_grow(&r, &g, 0.01, &att, &mer), CIB_OK);
	assert_int_equal(att, 2);
	assert_int_equal(mer, 0);
	assert_int_equal(r.membership[7], 0);
	assert_int_equal(r.size[0], 5);
	cluster_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_cliques),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_grow),
	};

	igraph_set_error_handler(igraph_error_handler_printignore);
	gsl_set_error_handler_off();
	return cmocka_run_group_tests_name("cluster", tests, NULL, NULL);
}
