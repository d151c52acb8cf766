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
	uint32_t post;
	uint8_t minutes; /* the flags: COORD_EV_MINUTES, COORD_EV_MULTI */
	size_t idx;      /* input position: ties keep it */
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
 * as the last key, over 64-bit objects, negative times, times at both
 * ends of the range inputs may give (the sort packs a time's offset with
 * the flags), both flags and ties; every field follows its event. */
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
			int multi = (int)(rng() % 2);

			want[i].obj = (c % 2) ? rng() % 50 : rng() | 1ull << 63;
			want[i].time = (int64_t)(r % 4000) - 2000;
			if (c >= 4 && (r >> 20) % 3 == 0)
				want[i].time = (r >> 22) % 2
						       ? INT64_C(-2208988800) +
								 (int64_t)(r % 4)
						       : INT64_C(7289654399) -
								 (int64_t)(r % 4);
			want[i].acc = (uint32_t)(rng() % 300);
			want[i].post = rng() % 5 ? (uint32_t)(rng() % 1000)
						 : COORD_NO_POST;
			want[i].minutes = (uint8_t)(rng() % 2);
			assert_int_equal(coord_events_add_post(
						 &ev[COORD_TEXT], want[i].obj,
						 want[i].time, want[i].acc,
						 want[i].minutes, want[i].post,
						 multi),
					 CIB_OK);
			if (multi && want[i].post != COORD_NO_POST)
				want[i].minutes |= COORD_EV_MULTI;
			want[i].idx = i;
		}
		qsort(want, n, sizeof(*want), cmp_tev);
		coord_opts_init(&o);
		assert_int_equal(coord_build(ev, 300, &o, &g), CIB_OK);
		for (size_t i = 0; i < n; i++) {
			assert_true(ev[COORD_TEXT].obj[i] == want[i].obj);
			assert_true(ev[COORD_TEXT].time[i] == want[i].time);
			assert_int_equal(ev[COORD_TEXT].acc[i], want[i].acc);
			assert_int_equal(ev[COORD_TEXT].post[i], want[i].post);
			assert_int_equal(ev[COORD_TEXT].minutes[i],
					 want[i].minutes);
		}
		coord_graph_release(&g);
		for (int t = 0; t < COORD__COUNT; t++)
			coord_events_release(&ev[t]);
		free(want);
	}
	/* times 2^62 s apart or more (no input's: a caller's error) are
	 * refused, not sorted wrong */
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	assert_int_equal(coord_events_add(&ev[COORD_TEXT], 1, INT64_MIN / 2,
					  0, 0),
			 CIB_OK);
	assert_int_equal(coord_events_add(&ev[COORD_TEXT], 1, INT64_MAX / 2,
					  1, 0),
			 CIB_OK);
	coord_opts_init(&o);
	assert_int_equal(coord_build(ev, 300, &o, &g), CIB_EUSAGE);
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
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

/* Brute force of coord_build's rules (docs/model.md 2-4), from the
 * definitions, by comparing every pair of events of every object: the
 * components by union-find over objects, each object's pair budget (the
 * largest delay whose pairs of actions fit), upper ranks by delay, the
 * rank thresholds' R, each account pair's greedy matching (tightest first,
 * each action once), and the per-level Poisson tests with Bonferroni over
 * the distinct lambdas, Benjamini-Hochberg per component. */
static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define BF_NA 150
#define BF_TYPES 2

struct bf {
	uint32_t k[BF_TYPES][BF_NA];
	uint64_t R[BF_TYPES][COORD_LEVELS];
	uint32_t x[BF_NA][BF_NA][BF_TYPES][COORD_LEVELS];
	uint32_t parent[BF_NA];
	uint64_t pairs_total[BF_TYPES];
};

static uint32_t bf_find(struct bf *b, uint32_t a)
{
	while (b->parent[a] != a)
		a = b->parent[a];
	return a;
}

struct bpair {
	int64_t d;
	uint32_t l, j, rank;
};

/* tightest first, ties by the later action, then the earlier */
static int cmp_bpair(const void *a, const void *b)
{
	const struct bpair *x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->j != y->j)
		return x->j < y->j ? -1 : 1;
	return x->l < y->l ? -1 : x->l > y->l;
}

static void bf_object(struct bf *b, int h, const struct tev *v, size_t m,
		      const struct coord_opts *o)
{
	uint8_t acted[BF_NA] = { 0 };
	size_t nd = 0, np = 0, P = 0, all = m * (m - 1) / 2;
	struct bpair *pp = malloc((all + 1) * sizeof(*pp));
	int64_t D;
	uint64_t budget = (uint64_t)o->pairs_per_event * m + o->pairs_base;
	uint8_t *used = calloc(m, 1);

	assert_non_null(pp);
	assert_non_null(used);
	for (size_t q = 0; q < m; q++)
		if (!acted[v[q].acc]++)
			nd++;
	if (nd > o->max_actors) {
		free(pp);
		free(used);
		return;
	}
	for (size_t q = 0; q < m; q++)
		b->k[h][v[q].acc]++;
	if (nd >= 2)
		for (size_t q = 1; q < m; q++) {
			uint32_t r1 = bf_find(b, v[0].acc), r2 = bf_find(b, v[q].acc);

			if (r1 != r2)
				b->parent[r1 > r2 ? r1 : r2] = r1 < r2 ? r1 : r2;
		}
	if (nd < 2) {
		free(pp);
		free(used);
		return;
	}
	/* the window: every pair when they fit, else the largest delay
	 * whose pairs (of any accounts) fit */
	{
		int64_t *d = malloc((all + 1) * sizeof(*d));
		size_t nd2 = 0;

		assert_non_null(d);
		for (size_t l = 0; l < m; l++)
			for (size_t j = l + 1; j < m; j++)
				d[nd2++] = v[j].time - v[l].time;
		qsort(d, nd2, sizeof(*d), cmp_i64v);
		if (nd2 <= budget) {
			D = INT64_MAX;
		} else {
			D = -1;
			for (size_t q = 0; q < nd2; q++)
				if (q + 1 <= budget &&
				    (q + 1 == nd2 || d[q + 1] != d[q]))
					D = d[q];
		}
		free(d);
	}
	for (size_t l = 0; l < m; l++)
		for (size_t j = l + 1; j < m; j++) {
			if (v[l].acc == v[j].acc)
				continue;
			P++;
			if (v[j].time - v[l].time > D)
				continue;
			pp[np].d = v[j].time - v[l].time;
			pp[np].l = (uint32_t)l;
			pp[np].j = (uint32_t)j;
			np++;
		}
	for (size_t q = 0; q < np; q++) {
		pp[q].rank = 0;
		for (size_t z = 0; z < np; z++)
			pp[q].rank += pp[z].d <= pp[q].d;
	}
	for (int j = 0; j < COORD_LEVELS; j++) {
		uint64_t th = coord_level_rank(j), nj = 0;

		if (j == COORD_LEVELS - 1) {
			nj = np;
		} else if (th < np) {
			for (size_t q = 0; q < np; q++)
				nj += pp[q].rank <= th;
		} else {
			nj = P < th ? P : th;
			nj = nj < np ? np : nj;
		}
		b->R[h][j] += nj;
	}
	b->pairs_total[h] += np;
	qsort(pp, np, sizeof(*pp), cmp_bpair);
	for (uint32_t a = 0; a < BF_NA; a++)
		for (uint32_t c = a + 1; c < BF_NA; c++) {
			memset(used, 0, m);
			for (size_t q = 0; q < np; q++) {
				uint32_t x1 = v[pp[q].l].acc, x2 = v[pp[q].j].acc;

				if (!((x1 == a && x2 == c) || (x1 == c && x2 == a)))
					continue;
				if (used[pp[q].l] || used[pp[q].j])
					continue;
				used[pp[q].l] = used[pp[q].j] = 1;
				b->x[a][c][h][coord_rank_level(pp[q].rank)]++;
			}
		}
	free(pp);
	free(used);
}

/* The brute force's events: random objects of both types, one in four
 * repost objects also carrying a planted group of 8 accounts within
 * seconds of each other. */
static void bf_plant(const int *types)
{
	rng_state = 777;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	for (int h = 0; h < BF_TYPES; h++) {
		size_t n_obj = h == 0 ? 1500 : 600;

		for (uint64_t obj = 0; obj < n_obj; obj++) {
			int64_t t0 = (int64_t)(rng() % 1000000);
			size_t n = 1 + rng() % (obj % 97 == 0 ? 90 : 10);

			for (size_t j = 0; j < n; j++)
				add(types[h], obj, t0 + (int64_t)(rng() % 30000),
				    (uint32_t)(rng() % (BF_NA - 10)));
			if (h == 0 && obj % 4 == 0) /* the planted group */
				for (uint32_t a = 0; a < 8; a++)
					add(types[h], obj,
					    t0 + 5 * a + (int64_t)(rng() % 3),
					    BF_NA - 10 + a);
		}
	}
}

/* Each type's objects through bf_object; the degrees and pair totals
 * checked against the graph's, M[h] the type's total degree. */
static void bf_types(struct bf *b, const int *types,
		     const struct coord_opts *o, const struct coord_graph *g,
		     double *M)
{
	for (uint32_t a = 0; a < BF_NA; a++)
		b->parent[a] = a;
	for (int h = 0; h < BF_TYPES; h++) {
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
		for (size_t i = 0; i < e->n;) {
			size_t z = i;

			while (z < e->n && v[z].obj == v[i].obj)
				z++;
			bf_object(b, h, v + i, z - i, o);
			i = z;
		}
		free(v);
		M[h] = 0;
		for (size_t a = 0; a < BF_NA; a++) {
			assert_int_equal(g->k[types[h]][a], b->k[h][a]);
			M[h] += b->k[h][a];
		}
		assert_true(g->stats[types[h]].pairs_total ==
			    (double)b->pairs_total[h]);
	}
}

/* The brute-force log10 p of pair (a, c) (0 when untested), its pair-level
 * count checked against the graph's next pair (*npairs advances). */
static double bf_pair_log10p(const struct bf *b, const struct coord_opts *o,
			     const struct coord_graph *g, const double *M,
			     uint32_t a, uint32_t c, size_t *npairs)
{
	uint32_t xj[COORD_LEVELS] = { 0 }, xp;
	double lam[COORD_LEVELS], srt[COORD_LEVELS], best = 0;
	int distinct = 0, found = 0;

	for (int j = 0; j < COORD_LEVELS; j++) {
		lam[j] = 0;
		for (int h = 0; h < BF_TYPES; h++) {
			for (int q = 0; q <= j; q++)
				xj[j] += b->x[a][c][h][q];
			lam[j] += (double)b->k[h][a] * b->k[h][c] *
				  (2.0 * (double)b->R[h][j] / (M[h] * M[h]));
		}
		srt[j] = lam[j];
	}
	if (!xj[COORD_LEVELS - 1])
		return 0.0;
	xp = xj[COORD_PAIR_LEVEL];
	assert_true(*npairs < g->n_pairs);
	assert_int_equal(g->pairs[*npairs].a, a);
	assert_int_equal(g->pairs[*npairs].b, c);
	assert_int_equal(g->pairs[*npairs].x, xp);
	(*npairs)++;
	qsort(srt, COORD_LEVELS, sizeof(*srt), cmp_dbl);
	for (int j = 0; j < COORD_LEVELS; j++)
		distinct += j == 0 || srt[j] != srt[j - 1];
	for (int j = 0; j < COORD_LEVELS; j++) {
		double p;

		if (xj[j] < o->min_coactions || !(lam[j] > 0))
			continue;
		p = coord_log10_poisson_tail(xj[j], lam[j]);
		if (!found || p < best)
			best = p;
		found = 1;
	}
	best += log10((double)distinct);
	return found && best < 0 ? best : 0.0;
}

/* Benjamini-Hochberg by hand over the pairs that co-acted at all: the
 * number kept; sorted[] gets their sorted log10 p. */
static size_t bf_bh_keep(const struct bf *b, const double *lp, double fdr,
			 double n_tests, double *sorted)
{
	size_t nlp = 0, keep = 0;

	for (uint32_t a = 0; a < BF_NA; a++)
		for (uint32_t c = a + 1; c < BF_NA; c++) {
			uint32_t any = 0;

			for (int h = 0; h < BF_TYPES; h++)
				for (int j = 0; j < COORD_LEVELS; j++)
					any += b->x[a][c][h][j];
			if (any)
				sorted[nlp++] = lp[a * BF_NA + c];
		}
	qsort(sorted, nlp, sizeof(*sorted), cmp_dbl);
	for (size_t r = 0; r < nlp; r++)
		if (sorted[r] <= log10(fdr * (double)(r + 1) / n_tests))
			keep = r + 1;
	return keep;
}

static void test_build_against_brute_force(void **state)
{
	const int types[BF_TYPES] = { COORD_REPOST, COORD_TEXT };
	struct coord_opts o;
	struct coord_graph g;
	struct bf *b = calloc(1, sizeof(*b));
	double M[BF_TYPES], *lp = malloc(BF_NA * BF_NA * sizeof(*lp)), *sorted;
	size_t npairs = 0, n_comp = 0, keep;

	(void)state;
	assert_non_null(b);
	assert_non_null(lp);
	bf_plant(types);
	coord_opts_init(&o);
	o.max_actors = 60;
	o.pairs_per_event = 3; /* small, so the budget binds often */
	o.pairs_base = 40;
	assert_int_equal(coord_build(ev, BF_NA, &o, &g), CIB_OK);
	bf_types(b, types, &o, &g, M);
	/* one component holds every account that shares a non-viral object */
	for (uint32_t a = 0; a < BF_NA; a++)
		if (bf_find(b, a) != a || a == 0)
			n_comp += 1;
	assert_int_equal(g.n_comps, 1);
	assert_int_equal(g.comps[0].n_accounts, n_comp);
	for (int h = 0; h < BF_TYPES; h++) {
		assert_true((double)g.comps[0].M[types[h]] == M[h]);
		for (int j = 0; j < COORD_LEVELS; j++)
			assert_true(g.comps[0].R[types[h]][j] == b->R[h][j]);
	}
	for (uint32_t a = 0; a < BF_NA; a++)
		for (uint32_t c = a + 1; c < BF_NA; c++)
			lp[a * BF_NA + c] = bf_pair_log10p(b, &o, &g, M,
							   a, c, &npairs);
	assert_int_equal(g.n_pairs, npairs);
	sorted = malloc((npairs + 1) * sizeof(*sorted));
	assert_non_null(sorted);
	keep = bf_bh_keep(b, lp, o.fdr, g.comps[0].n_tests, sorted);
	assert_true(keep >= 20); /* most of the planted group's 28 pairs */
	assert_int_equal(g.n_edges, keep);
	for (size_t i = 0; i < g.n_edges; i++) {
		const struct coord_edge *ed = &g.edges[i];

		assert_true(fabs(ed->log10p - lp[ed->a * BF_NA + ed->b]) <
			    1e-9);
		assert_true(ed->log10p <= sorted[keep - 1] + 1e-9);
		if (i > 0)
			assert_true(ed->a > ed[-1].a ||
				    (ed->a == ed[-1].a && ed->b > ed[-1].b));
	}
	free(sorted);
	free(lp);
	free(b);
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

static void test_levels(void **state)
{
	(void)state;
	assert_true(coord_level_rank(0) == 1);
	assert_true(coord_level_rank(1) == 4);
	assert_true(coord_level_rank(6) == 4096);
	assert_true(coord_level_rank(7) == UINT64_MAX);
	assert_int_equal(coord_rank_level(1), 0);
	assert_int_equal(coord_rank_level(2), 1);
	assert_int_equal(coord_rank_level(4), 1);
	assert_int_equal(coord_rank_level(5), 2);
	assert_int_equal(coord_rank_level(4096), 6);
	assert_int_equal(coord_rank_level(4097), 7);
}

/* One object, accounts 0..4 at 0, 1, 3, 6, 10 s: the ten delays sorted
 * are 1 2 3 3 4 5 6 7 9 10, upper ranks 1 2 4 4 5 6 7 8 9 10. Every pair
 * fits the default budget: R_0 = 1 (rank <= 1), R_1 = 4 (rank <= 4), and
 * 10 from 16 on. With a budget of 5 pairs (1 per action, base 0) the
 * window is 4 s: five pairs enumerated, R_1 = 4 still, R_2 bounded by
 * min(16, all 10 pairs) = 10, the last level 5. */
static void test_rank_closed_form(void **state)
{
	static const int64_t t[5] = { 0, 1, 3, 6, 10 };
	static const uint64_t want[2][COORD_LEVELS] = {
		{ 1, 4, 10, 10, 10, 10, 10, 10 },
		{ 1, 4, 10, 10, 10, 10, 10, 5 },
	};
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	for (int c = 0; c < 2; c++) {
		for (int k = 0; k < COORD__COUNT; k++)
			coord_events_init(&ev[k]);
		for (uint32_t a = 0; a < 5; a++)
			add(COORD_REPOST, 1, 1000 + t[a], a);
		coord_opts_init(&o);
		if (c == 1) {
			o.pairs_per_event = 1;
			o.pairs_base = 0;
		}
		assert_int_equal(coord_build(ev, 5, &o, &g), CIB_OK);
		assert_int_equal(g.n_comps, 1);
		assert_int_equal(g.comps[0].n_accounts, 5);
		assert_true(g.comps[0].M[COORD_REPOST] == 5);
		for (int j = 0; j < COORD_LEVELS; j++)
			assert_true(g.comps[0].R[COORD_REPOST][j] == want[c][j]);
		assert_true(fabs(g.stats[COORD_REPOST].pairs_total -
				 (c ? 5 : 10)) < EPS);
		assert_int_equal(g.stats[COORD_REPOST].window, c ? 4 : 10);
		/* rate 2 R / M^2 */
		assert_true(fabs(g.comps[0].rate[COORD_REPOST][1] -
				 2.0 * 4 / 25) < EPS);
		coord_graph_release(&g);
		for (int k = 0; k < COORD__COUNT; k++)
			coord_events_release(&ev[k]);
	}
}

/* Co-actions are a matching of two accounts' actions: a burst by one
 * account co-acts once with one action of the other; repeated occasions
 * on one object each count; the tightest pair of actions is the one
 * matched (A at 0 and 50, B at 100, window 60: the pair 50 s apart). */
static void test_matching(void **state)
{
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	for (int k = 0; k < COORD__COUNT; k++)
		coord_events_init(&ev[k]);
	/* object 1: a burst of 0 (4 actions) and one of 1 */
	for (int q = 0; q < 4; q++)
		add(COORD_LINK, 1, 100 + q, 0);
	add(COORD_LINK, 1, 102, 1);
	/* object 2: 2 and 3 on three occasions, an hour apart */
	for (int q = 0; q < 3; q++) {
		add(COORD_LINK, 2, 10000 + 3600 * q, 2);
		add(COORD_LINK, 2, 10005 + 3600 * q, 3);
	}
	/* object 3: 4 at 0 and 50, 5 at 100; window capped at 60 */
	add(COORD_LINK, 3, 50000, 4);
	add(COORD_LINK, 3, 50050, 4);
	add(COORD_LINK, 3, 50100, 5);
	coord_opts_init(&o);
	o.window[COORD_LINK] = 60;
	assert_int_equal(coord_build(ev, 6, &o, &g), CIB_OK);
	assert_int_equal(g.n_pairs, 3);
	assert_int_equal(g.pairs[0].a, 0);
	assert_int_equal(g.pairs[0].x, 1);
	assert_int_equal(g.pairs[1].a, 2);
	assert_int_equal(g.pairs[1].x, 3);
	assert_int_equal(g.pairs[2].a, 4);
	assert_int_equal(g.pairs[2].x, 1);
	/* three components, each on its own */
	assert_int_equal(g.n_comps, 3);
	assert_int_equal(g.comp[2], g.comp[3]);
	assert_true(g.comp[0] != g.comp[2]);
	coord_graph_release(&g);
	for (int k = 0; k < COORD__COUNT; k++)
		coord_events_release(&ev[k]);
}

/* Two posts that each gave several events of one type (two links) are
 * one co-action of that type, whatever they share; other types of the
 * same two posts count on their own (a text), and a coarse type only adds
 * what its fine type does not (a domain beside its link adds nothing). */
static void test_post_pair_once(void **state)
{
	struct coord_opts o;
	struct coord_graph g;

	(void)state;
	for (int k = 0; k < COORD__COUNT; k++)
		coord_events_init(&ev[k]);
	for (uint32_t a = 0; a < 2; a++) {
		uint32_t post = 10 + a;

		assert_int_equal(coord_events_add_post(&ev[COORD_LINK], 1,
						       100 + a, a, 0, post, 1),
				 CIB_OK);
		assert_int_equal(coord_events_add_post(&ev[COORD_LINK], 2,
						       100 + a, a, 0, post, 1),
				 CIB_OK);
		assert_int_equal(coord_events_add_post(&ev[COORD_DOMAIN], 3,
						       100 + a, a, 0, post, 0),
				 CIB_OK);
		assert_int_equal(coord_events_add_post(&ev[COORD_TEXT], 4,
						       100 + a, a, 0, post, 0),
				 CIB_OK);
	}
	coord_opts_init(&o);
	assert_int_equal(coord_build(ev, 2, &o, &g), CIB_OK);
	assert_int_equal(g.n_pairs, 1);
	/* link 1 (not 2) + text 1 + max(0, domain 1 - link 1) */
	assert_int_equal(g.pairs[0].x, 2);
	assert_true(fabs(g.stats[COORD_LINK].candidate_pairs - 1.0) < EPS);
	coord_graph_release(&g);
	for (int k = 0; k < COORD__COUNT; k++)
		coord_events_release(&ev[k]);
	/* a second pair of posts sharing one link only: a co-action more */
	for (int k = 0; k < COORD__COUNT; k++)
		coord_events_init(&ev[k]);
	for (uint32_t a = 0; a < 2; a++) {
		assert_int_equal(coord_events_add_post(&ev[COORD_LINK], 1,
						       100 + a, a, 0, 10 + a, 1),
				 CIB_OK);
		assert_int_equal(coord_events_add_post(&ev[COORD_LINK], 2,
						       100 + a, a, 0, 10 + a, 1),
				 CIB_OK);
		assert_int_equal(coord_events_add_post(&ev[COORD_LINK], 5,
						       900 + a, a, 0, 20 + a, 0),
				 CIB_OK);
	}
	assert_int_equal(coord_build(ev, 2, &o, &g), CIB_OK);
	assert_int_equal(g.pairs[0].x, 2);
	coord_graph_release(&g);
	for (int k = 0; k < COORD__COUNT; k++)
		coord_events_release(&ev[k]);
}

/* Invariance: the same events beside a disjoint copy (other accounts,
 * other objects, same times) give the original accounts the same edges,
 * bit for bit, and their component the same statistics. */
static void test_invariance_disjoint_copy(void **state)
{
	enum { NA = 120 };
	struct coord_opts o;
	struct coord_graph g1, g2;
	size_t n2 = 0;

	(void)state;
	coord_opts_init(&o);
	for (int copies = 0; copies < 2; copies++) {
		rng_state = 4242;
		for (int k = 0; k < COORD__COUNT; k++)
			coord_events_init(&ev[k]);
		for (int c = 0; c <= copies; c++) {
			rng_state = 4242;
			for (uint64_t obj = 0; obj < 900; obj++) {
				int64_t t0 = (int64_t)(rng() % 2000000);
				size_t n = 1 + rng() % 8;
				int t = obj % 3 == 0 ? COORD_TEXT : COORD_REPOST;

				for (size_t j = 0; j < n; j++)
					add(t, obj + 100000 * (uint64_t)c,
					    t0 + (int64_t)(rng() % 20000),
					    (uint32_t)(rng() % (NA - 6)) +
						    NA * (uint32_t)c);
				if (obj % 6 == 0)
					for (uint32_t a = 0; a < 6; a++)
						add(t, obj + 100000 * (uint64_t)c,
						    t0 + 7 * a,
						    NA - 6 + a + NA * (uint32_t)c);
			}
		}
		assert_int_equal(coord_build(ev, NA * (copies + 1), &o,
					     copies ? &g2 : &g1),
				 CIB_OK);
		for (int k = 0; k < COORD__COUNT; k++)
			coord_events_release(&ev[k]);
	}
	assert_true(g1.n_edges >= 15);
	assert_int_equal(g2.n_edges, 2 * g1.n_edges);
	for (size_t i = 0; i < g2.n_edges; i++)
		n2 += g2.edges[i].a < NA;
	assert_int_equal(n2, g1.n_edges);
	for (size_t i = 0; i < g1.n_edges; i++) {
		const struct coord_edge *x = &g1.edges[i], *y = &g2.edges[i];
		const struct coord_edge *z = &g2.edges[i + g1.n_edges];

		assert_int_equal(x->a, y->a);
		assert_int_equal(x->b, y->b);
		assert_int_equal(x->observed, y->observed);
		assert_int_equal(x->level, y->level);
		assert_memory_equal(x->x, y->x, sizeof(x->x));
		assert_true(x->lambda == y->lambda);
		assert_true(x->log10p == y->log10p);
		/* the copy's own edges are the original's, renamed */
		assert_int_equal(z->a, x->a + NA);
		assert_true(z->log10p == x->log10p);
	}
	assert_memory_equal(g1.comps[0].R, g2.comps[0].R, sizeof(g1.comps[0].R));
	assert_memory_equal(g1.comps[0].M, g2.comps[0].M, sizeof(g1.comps[0].M));
	coord_graph_release(&g1);
	coord_graph_release(&g2);
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
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_rank_closed_form),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_post_pair_once),
		cmocka_unit_test(test_invariance_disjoint_copy),
	};

	return cmocka_run_group_tests_name("coord", tests, NULL, NULL);
}
