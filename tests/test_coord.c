/* test_coord.c - the coordination graph against hand-computed values.
 * Expected numbers were computed independently with Python's math module
 * (factorials and exp), not with this code. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

/* A small deterministic generator for the randomised tests (xorshift). */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct tev {
	uint64_t obj;
	int64_t time;
	uint32_t acc;
	uint8_t minutes;
	size_t idx; /* input position: ties keep it */
};

static int cmp_tev(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->acc != y->acc)
		return x->acc < y->acc ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* coord_build sorts each type's events by (obj, time, acc), equal ones in
 * input order: checked against qsort on a table with the input position
 * as the last key, over 64-bit objects, negative times and ties. */
static void test_events_sorted_like_qsort(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 7, 1000, 70000 };
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15u;
	for (size_t c = 0; c < sizeof(sizes) / sizeof(sizes[0]); c++) {
		size_t n = sizes[c];
		struct tev *want = malloc((n + 1) * sizeof(*want));

		assert_non_null(want);
		for (int t = 0; t < COORD__COUNT; t++)
			coord_events_init(&ev[t]);
		for (size_t i = 0; i < n; i++) {
			uint64_t r = rng();

			/* few distinct values so ties are common; hashes span
			 * all 64 bits */
			want[i].obj = (c % 2) ? rng() % 50 : rng() | 1ull << 63;
			want[i].time = (int64_t)(r % 4000) - 2000;
			want[i].acc = (uint32_t)(rng() % 300);
			want[i].minutes = (uint8_t)(rng() % 2);
			want[i].idx = i;
			assert_int_equal(coord_events_add(&ev[COORD_TEXT],
							  want[i].obj,
							  want[i].time,
							  want[i].acc,
							  want[i].minutes),
					 CIB_OK);
		}
		qsort(want, n, sizeof(*want), cmp_tev);
		coord_opts_init(&o);
		assert_int_equal(coord_build(ev, 300, &o, &g), CIB_OK);
		for (size_t i = 0; i < n; i++) {
			assert_true(ev[COORD_TEXT].obj[i] == want[i].obj);
			assert_true(ev[COORD_TEXT].time[i] == want[i].time);
			assert_int_equal(ev[COORD_TEXT].acc[i], want[i].acc);
			assert_int_equal(ev[COORD_TEXT].minutes[i],
					 want[i].minutes);
		}
		coord_graph_release(&g);
		for (int t = 0; t < COORD__COUNT; t++)
			coord_events_release(&ev[t]);
		free(want);
	}
}

static int cmp_i64v(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The window estimate is the median first-to-second-actor delay: checked
 * against a full sort of the delays, over many random objects. */
static void test_window_estimate_random(void **state)
{
	struct coord_events e;
	int64_t *d = malloc(5001 * sizeof(*d));
	size_t nd = 0;

	(void)state;
	assert_non_null(d);
	rng_state = 12345;
	coord_events_init(&e);
	for (uint64_t obj = 0; obj < 5001; obj++) {
		int64_t delay = (int64_t)(rng() % 2000); /* many ties */

		coord_events_add(&e, obj, 10, 1, 0);
		coord_events_add(&e, obj, 10 + delay, 2, 0);
		d[nd++] = delay;
	}
	qsort(d, nd, sizeof(*d), cmp_i64v);
	assert_int_equal(coord_estimate_window(&e, 0, 1 << 30), d[nd / 2]);
	coord_events_release(&e);
	free(d);
}

/* Brute force over one type's sorted events: the same rules as coord.h
 * states them (bursts collapse per window, viral objects skipped), by
 * comparing every kept pair of events; adds each object's distinct pairs
 * to cnt[a * na + b], its distinct accounts to k[], and returns T. */
static double brute_type(const struct tev *v, size_t n, size_t na,
			 int64_t w, uint32_t max_actors, uint32_t *cnt,
			 uint32_t *k)
{
	uint8_t *seen = calloc(na * na, 1), *acted = calloc(na, 1);
	int64_t *last = malloc(na * sizeof(*last));
	size_t *kept = malloc((n + 1) * sizeof(*kept));
	double T = 0;

	assert_non_null(seen);
	assert_non_null(acted);
	assert_non_null(last);
	assert_non_null(kept);
	for (size_t i = 0; i < n;) {
		size_t e = i, nk = 0, nd = 0;

		while (e < n && v[e].obj == v[i].obj)
			e++;
		memset(acted, 0, na);
		for (size_t j = i; j < e; j++)
			if (!acted[v[j].acc]) {
				acted[v[j].acc] = 1;
				nd++;
			}
		if (nd > max_actors) {
			i = e;
			continue;
		}
		for (size_t a = 0; a < na; a++) {
			k[a] += acted[a];
			last[a] = INT64_MIN;
		}
		for (size_t j = i; j < e; j++) {
			uint32_t a = v[j].acc;

			if (last[a] != INT64_MIN && v[j].time - last[a] <= w)
				continue;
			last[a] = v[j].time;
			kept[nk++] = j;
		}
		memset(seen, 0, na * na);
		for (size_t x = 0; x < nk; x++)
			for (size_t y = x + 1; y < nk; y++) {
				uint32_t a = v[kept[x]].acc, b = v[kept[y]].acc;

				if (a == b ||
				    v[kept[y]].time - v[kept[x]].time > w)
					continue;
				if (a > b) {
					uint32_t t = a;

					a = b;
					b = t;
				}
				if (!seen[a * na + b]) {
					seen[a * na + b] = 1;
					cnt[a * na + b]++;
					T++;
				}
			}
		i = e;
	}
	free(seen);
	free(acted);
	free(last);
	free(kept);
	return T;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The whole graph against a brute force: random reposts and texts by
 * 150 accounts, a planted group of 8 that reposts together, bursts and
 * viral objects; big enough for several scan jobs and sort buckets. Checks
 * k, T, every candidate pair's count, and the Benjamini-Hochberg edge set
 * with p-values from coord_log10_poisson_tail (tested above). */
static void test_build_against_brute_force(void **state)
{
	enum { NA = 150 };
	const int types[2] = { COORD_REPOST, COORD_TEXT };
	const int64_t win = 600;
	struct coord_opts o;
	struct coord_graph g;
	uint32_t *cnt[2], *k[2];
	double T[2], M[2], rate[2];
	double *lp = malloc(NA * NA * sizeof(*lp)), *sorted;
	size_t npairs = 0, nlp = 0, n_active = 0, keep = 0;

	(void)state;
	assert_non_null(lp);
	rng_state = 777;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	for (int h = 0; h < 2; h++) {
		size_t n_obj = h == 0 ? 6000 : 1500;

		for (uint64_t obj = 0; obj < n_obj; obj++) {
			int64_t t0 = (int64_t)(rng() % 1000000);
			size_t n = 1 + rng() % (obj % 97 == 0 ? 120 : 12);

			for (size_t j = 0; j < n; j++)
				add(types[h], obj, t0 + (int64_t)(rng() % 3000),
				    (uint32_t)(rng() % NA));
			if (h == 0 && obj % 5 == 0) /* the planted group */
				for (uint32_t a = 0; a < 8; a++)
					add(types[h], obj, t0 + 30 * a,
					    140 + a);
		}
	}
	coord_opts_init(&o);
	for (int t = 0; t < COORD__COUNT; t++)
		o.window[t] = win;
	o.max_actors = 60;
	assert_int_equal(coord_build(ev, NA, &o, &g), CIB_OK);
	for (int h = 0; h < 2; h++) {
		const struct coord_events *e = &ev[types[h]];
		struct tev *v = malloc((e->n + 1) * sizeof(*v));

		assert_non_null(v);
		for (size_t i = 0; i < e->n; i++) {
			v[i].obj = e->obj[i];
			v[i].time = e->time[i];
			v[i].acc = e->acc[i];
			v[i].minutes = 0;
			v[i].idx = i;
		}
		qsort(v, e->n, sizeof(*v), cmp_tev);
		cnt[h] = calloc(NA * NA, sizeof(*cnt[h]));
		k[h] = calloc(NA, sizeof(*k[h]));
		assert_non_null(cnt[h]);
		assert_non_null(k[h]);
		T[h] = brute_type(v, e->n, NA, win, o.max_actors, cnt[h], k[h]);
		M[h] = 0;
		for (size_t a = 0; a < NA; a++) {
			assert_int_equal(g.k[types[h]][a], k[h][a]);
			M[h] += k[h][a];
		}
		assert_true(g.stats[types[h]].pairs_total == T[h]);
		assert_true(g.stats[types[h]].actions == M[h]);
		rate[h] = 2 * T[h] / (M[h] * M[h]);
		free(v);
	}
	for (size_t a = 0; a < NA; a++)
		n_active += k[0][a] || k[1][a];
	assert_int_equal(g.n_active, n_active);
	/* candidate pairs in (a, b) order, with pooled counts */
	for (uint32_t a = 0; a < NA; a++)
		for (uint32_t b = a + 1; b < NA; b++) {
			uint32_t x = cnt[0][a * NA + b] + cnt[1][a * NA + b];
			double lam;

			if (!x)
				continue;
			assert_true(npairs < g.n_pairs);
			assert_int_equal(g.pairs[npairs].a, a);
			assert_int_equal(g.pairs[npairs].b, b);
			assert_int_equal(g.pairs[npairs].x, x);
			npairs++;
			lam = (double)k[0][a] * k[0][b] * rate[0] +
			      (double)k[1][a] * k[1][b] * rate[1];
			lp[a * NA + b] =
				x < o.min_coactions
					? 0.0
					: coord_log10_poisson_tail(x, lam);
		}
	assert_int_equal(g.n_pairs, npairs);
	assert_int_equal(g.n_candidates, npairs);
	/* Benjamini-Hochberg by hand over the n(n-1)/2 family */
	sorted = malloc((npairs + 1) * sizeof(*sorted));
	assert_non_null(sorted);
	for (uint32_t a = 0; a < NA; a++)
		for (uint32_t b = a + 1; b < NA; b++)
			if (cnt[0][a * NA + b] + cnt[1][a * NA + b])
				sorted[nlp++] = lp[a * NA + b];
	qsort(sorted, nlp, sizeof(*sorted), cmp_dbl);
	for (size_t r = 0; r < nlp; r++)
		if (sorted[r] <=
		    log10(o.fdr * (double)(r + 1) / g.n_tests))
			keep = r + 1;
	assert_true(keep >= 28); /* the planted group's 8 * 7 / 2 pairs */
	assert_int_equal(g.n_edges, keep);
	for (size_t i = 0; i < g.n_edges; i++) {
		const struct coord_edge *ed = &g.edges[i];

		assert_true(ed->log10p == lp[ed->a * NA + ed->b]);
		assert_true(ed->log10p <= sorted[keep - 1]);
		assert_int_equal(ed->x[COORD_REPOST],
				 cnt[0][ed->a * NA + ed->b]);
		if (i > 0)
			assert_true(ed->a > ed[-1].a ||
				    (ed->a == ed[-1].a && ed->b > ed[-1].b));
	}
	free(sorted);
	free(lp);
	for (int h = 0; h < 2; h++) {
		free(cnt[h]);
		free(k[h]);
	}
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poisson_tail),
		cmocka_unit_test(test_build_small),
		cmocka_unit_test(test_viral_object_not_enumerated),
		cmocka_unit_test(test_minute_precision_window),
		cmocka_unit_test(test_window_estimate),
		cmocka_unit_test(test_events_sorted_like_qsort),
		cmocka_unit_test(test_window_estimate_random),
		cmocka_unit_test(test_build_against_brute_force),
	};

	return cmocka_run_group_tests_name("coord", tests, NULL, NULL);
}
