/* test_coord.c - the coordination graph against hand-computed values.
 * Expected numbers were computed independently with Python's math module
 * (factorials and exp), not with this code. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/coord.h"

#define EPS 1e-6

static void test_poisson_tail(void **state)
{
	(void)state;
	/* P(X>=1) = 1 - e^-lambda */
	assert_true(fabs(coord_log10_poisson_tail(1, 0.3) -
			 log10(1 - exp(-0.3))) < EPS);
	/* P(X>=2 | 0.5) = 1 - e^-0.5 (1 + 0.5) = 0.0902040104 */
	assert_true(fabs(coord_log10_poisson_tail(2, 0.5) - (-1.0447741535)) <
		    EPS);
	/* far tail where 1 - cdf underflows: x = 50, lambda = 1e-3:
	 * log10 pmf = 50 log10(1e-3) - 1e-3/ln 10 - log10(50!), plus the
	 * geometric tail factor: -214.48350065 */
	assert_true(fabs(coord_log10_poisson_tail(50, 1e-3) - (-214.48350065)) <
		    1e-4);
	assert_true(coord_log10_poisson_tail(0, 2.0) == 0.0);
}

static struct coord_events ev[COORD__COUNT];

static void add(int t, uint64_t obj, int64_t time, uint32_t acc)
{
	assert_int_equal(coord_events_add(&ev[t], obj, time, acc, 0), CIB_OK);
}

static void test_build_small(void **state)
{
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	/* accounts 0 and 1 repost objects 1..8 ten seconds apart; account 2
	 * reposts objects 101..108 alone and account 0 reposts those too,
	 * two hours later (outside the window) */
	for (int i = 1; i <= 8; i++) {
		add(COORD_REPOST, (uint64_t)i, 1000 * i, 0);
		add(COORD_REPOST, (uint64_t)i, 1000 * i + 10, 1);
		add(COORD_REPOST, (uint64_t)(100 + i), 50000 + 1000 * i, 2);
		add(COORD_REPOST, (uint64_t)(100 + i), 50000 + 1000 * i + 7200, 0);
	}
	coord_opts_init(&o);
	for (int t = 0; t < COORD__COUNT; t++)
		o.window[t] = 60;
	o.fdr = 0.01;
	assert_int_equal(coord_build(ev, 3, &o, &g), CIB_OK);
	/* k = 16, 8, 8; M = 32; T = 8; rate = 2T/M^2 = 1/64;
	 * lambda_01 = 16 * 8 / 64 = 2; P(X >= 8 | 2) = 0.00109671897;
	 * BH with 3 tests at 0.01: cutoff 0.01/3 -> significant */
	assert_int_equal(g.n_active, 3);
	assert_true(fabs(g.n_tests - 3.0) < EPS);
	assert_int_equal(g.n_candidates, 1);
	assert_int_equal(g.n_edges, 1);
	assert_int_equal(g.edges[0].a, 0);
	assert_int_equal(g.edges[0].b, 1);
	assert_int_equal(g.edges[0].x[COORD_REPOST], 8);
	assert_true(fabs(g.edges[0].lambda - 2.0) < EPS);
	assert_true(fabs(g.edges[0].log10p - log10(0.0010967189678585676)) <
		    1e-6);
	assert_true(fabs(g.stats[COORD_REPOST].pairs_total - 8) < EPS);
	coord_graph_release(&g);
	/* at fdr 0.001 the same pair fails (cutoff 0.000333 < 0.0011) */
	o.fdr = 0.001;
	assert_int_equal(coord_build(ev, 3, &o, &g), CIB_OK);
	assert_int_equal(g.n_edges, 0);
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

static void test_viral_object_not_enumerated(void **state)
{
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	/* 50 accounts repost one post within a minute: with max_actors 20 it
	 * is viral: no candidate pair, and it adds nothing to k, M or T */
	for (uint32_t a = 0; a < 50; a++)
		add(COORD_REPOST, 7, 100 + a, a);
	coord_opts_init(&o);
	o.window[COORD_REPOST] = 3600;
	o.max_actors = 20;
	assert_int_equal(coord_build(ev, 50, &o, &g), CIB_OK);
	assert_int_equal(g.n_candidates, 0);
	assert_int_equal(g.stats[COORD_REPOST].viral_objects, 1);
	assert_true(fabs(g.stats[COORD_REPOST].pairs_total) < EPS);
	assert_true(fabs(g.stats[COORD_REPOST].actions) < EPS);
	assert_int_equal(g.k[COORD_REPOST][7], 0);
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

static void test_minute_precision_window(void **state)
{
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	/* minute-floored times 60 s apart may be 1 s apart in reality: a
	 * 60 s window accepts adjacent minutes, not two minutes apart */
	assert_int_equal(coord_events_add(&ev[0], 1, 600, 0, 1), CIB_OK);
	assert_int_equal(coord_events_add(&ev[0], 1, 660, 1, 1), CIB_OK);
	assert_int_equal(coord_events_add(&ev[0], 2, 600, 0, 1), CIB_OK);
	assert_int_equal(coord_events_add(&ev[0], 2, 720, 1, 1), CIB_OK);
	coord_opts_init(&o);
	o.window[0] = 60;
	o.fdr = 1.0;
	assert_int_equal(coord_build(ev, 2, &o, &g), CIB_OK);
	assert_int_equal(g.n_candidates, 1);
	assert_true(fabs(g.stats[0].pairs_total - 1) < EPS);
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

static void test_window_estimate(void **state)
{
	struct coord_events e;

	(void)state;
	coord_events_init(&e);
	/* first-to-second delays 30, 100, 500 -> median 100 */
	coord_events_add(&e, 1, 0, 0, 0);
	coord_events_add(&e, 1, 30, 1, 0);
	coord_events_add(&e, 2, 0, 0, 0);
	coord_events_add(&e, 2, 5, 0, 0); /* same account: not the second */
	coord_events_add(&e, 2, 100, 2, 0);
	coord_events_add(&e, 3, 0, 0, 0);
	coord_events_add(&e, 3, 500, 1, 0);
	assert_int_equal(coord_estimate_window(&e, 1, 10000), 100);
	assert_int_equal(coord_estimate_window(&e, 200, 10000), 200);
	assert_int_equal(coord_estimate_window(&e, 1, 50), 50);
	coord_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poisson_tail),
		cmocka_unit_test(test_build_small),
		cmocka_unit_test(test_viral_object_not_enumerated),
		cmocka_unit_test(test_minute_precision_window),
		cmocka_unit_test(test_window_estimate),
	};

	return cmocka_run_group_tests_name("coord", tests, NULL, NULL);
}
