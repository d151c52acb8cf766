/* test_cluster.c - Leiden clusters and cluster_attach on hand-made graphs. */
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
	memset(&g, 0, sizeof(g));
	g.n_accounts = 5;
	g.n_active = 5;
	g.pairs = pairs;
	g.n_pairs = 3;
	for (int t = 0; t < COORD__COUNT; t++)
		g.k[t] = zero;
	g.k[COORD_REPOST] = krep;
	g.s_amp = zero;
	g.rate[COORD_REPOST] = 0.001;
	memset(&r, 0, sizeof(r));
	r.n_accounts = 5;
	r.n_clusters = 1;
	r.membership = malloc(sizeof(mem));
	r.size = malloc(sizeof(size));
	memcpy(r.membership, mem, sizeof(mem));
	memcpy(r.size, size, sizeof(size));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_cliques),
		cmocka_unit_test(test_attach),
	};

	igraph_set_error_handler(igraph_error_handler_printignore);
	gsl_set_error_handler_off();
	return cmocka_run_group_tests_name("cluster", tests, NULL, NULL);
}
