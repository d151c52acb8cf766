/* test_groups.c - the group-level tests (model/groups.c) against values
 * computed by hand from the events: member tests (sharing and synchrony),
 * a group's evidence, discovery of a planted group no pair of which is
 * significant, and the invariance of all of it to a disjoint copy of the
 * data. Events go through coord_build, as in the pipeline. */
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
#include "model/groups.h"
#include "model/origin.h"

struct world {
	struct coord_events ev[COORD__COUNT];
	struct coord_graph g;
	struct groups_index ix;
	size_t n_accounts;
};

static void world_init(struct world *w, size_t n_accounts)
{
	memset(w, 0, sizeof(*w));
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&w->ev[t]);
	w->n_accounts = n_accounts;
}

/* account a reposted object obj at time t */
static void act(struct world *w, uint64_t obj, int64_t t, uint32_t a)
{
	assert_int_equal(coord_events_add(&w->ev[COORD_REPOST], obj, t, a, 0),
			 CIB_OK);
}

static void world_build(struct world *w)
{
	struct coord_opts o;

	coord_opts_init(&o);
	assert_int_equal(coord_build(w->ev, w->n_accounts, &o, &w->g), CIB_OK);
	assert_int_equal(groups_index_build(&w->ix, w->ev, &w->g, &o, 0),
			 CIB_OK);
}

static void world_release(struct world *w)
{
	groups_index_release(&w->ix);
	coord_graph_release(&w->g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&w->ev[t]);
}

/* log10 P(X >= x), X ~ Poisson(lam): the upper terms summed directly
 * (lam < 1 here, so 200 terms are far past double precision) */
static double log10_tail(unsigned x, double lam)
{
	double term = exp(-lam), s = 0;

	for (unsigned k = 1; k <= x; k++)
		term *= lam / k;
	for (unsigned k = x; k < x + 200; k++) {
		s += term;
		term *= lam / (k + 1);
	}
	return log10(s);
}

/* P(Binomial(n, p) >= x), summed term by term from the binomial
 * coefficients (independent of the library's lgamma route). */
static double binom_tail(unsigned n, double p, unsigned x)
{
	double s = 0;

	for (unsigned j = x; j <= n; j++) {
		double c = 1;

		for (unsigned i = 0; i < j; i++)
			c = c * (double)(n - i) / (double)(i + 1);
		s += c * pow(p, j) * pow(1 - p, n - j);
	}
	return s;
}

static const struct groups_member_test *
find_test(const struct groups_member_test *t, size_t n, uint32_t acc,
	  int32_t grp)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].acc == acc && t[i].group == grp)
			return &t[i];
	return NULL;
}

static void test_p_any(void **state)
{
	(void)state;
	assert_true(fabs(groups_p_any(0.1, 3) - 0.271) < 1e-12);
	/* no cancellation for tiny pi: 1 - (1 - 1e-12)^2 = 2e-12 - 1e-24 */
	assert_true(fabs(groups_p_any(1e-12, 2) / 2e-12 - 1) < 1e-9);
	assert_true(groups_p_any(0, 5) == 0);
	assert_true(groups_p_any(1, 5) == 1);
	assert_true(groups_p_any(0.5, 0) == 0);
}

/* Members 0, 1, 2 (group 0); account 3 reposts four objects that a
 * member also reposts (ten seconds apart), plus one with account 4;
 * account 5 reposts one object together with all three members; fillers
 * 6..NW-1 each repost two objects of a chain (i, i+1) far apart in time,
 * so that everybody is in one component and M is known.
 *
 * k (actions on non-viral objects) and M are counted below from the
 * design, independently of the code.
 *
 * Every object has at most four actions, so its window is its whole span
 * (all pairs fit the pair budget) and a co-actor is anyone who reposted it
 * at all. The synchrony window is the median delay to a second account,
 * clamped to at least 60 s. */
#define NW 206 /* accounts of the attach world */

static void build_attach_world(struct world *w)
{
	world_init(w, NW);
	/* account 3 with one member each on objects 1..4 */
	act(w, 1, 0, 0);
	act(w, 1, 10, 3);
	act(w, 2, 100000, 1);
	act(w, 2, 100010, 3);
	act(w, 3, 200000, 2);
	act(w, 3, 200010, 3);
	act(w, 4, 300000, 0);
	act(w, 4, 300010, 3);
	/* account 3 with account 4 */
	act(w, 5, 400000, 3);
	act(w, 5, 400010, 4);
	/* account 5 with all three members at once, on one object */
	act(w, 6, 500000, 0);
	act(w, 6, 500005, 1);
	act(w, 6, 500010, 2);
	act(w, 6, 500015, 5);
	/* fillers: a chain 4 - 6 - 7 - ... - NW-1, one object per link,
	 * each link's two reposts a day apart */
	act(w, 100, 600000, 4);
	act(w, 100, 686400, 6);
	for (uint32_t i = 6; i < NW - 1; i++) {
		act(w, 101 + i, 700000 + 1000 * i, i);
		act(w, 101 + i, 786400 + 1000 * i, i + 1);
	}
	world_build(w);
}

/* groups_member_tests_passable keeps exactly the tests that meet a count
 * guard (two objects or two synchronous ones), field for field as
 * groups_member_tests computes them, and drops only tests with p = 1:
 * account 5 shares one object with all three members (dropped), account 3
 * four objects (kept). Outside and inside (leave one out). */
static void test_passable(void **state)
{
	struct world w;
	int32_t mem[NW];

	(void)state;
	build_attach_world(&w);
	for (int a = 0; a < NW; a++)
		mem[a] = a < 3 ? 0 : a == 4 || a == 6 || a == 7 ? 1 : -1;
	for (int inside = 0; inside < 2; inside++) {
		struct groups_member_test *t = NULL, *q = NULL;
		size_t n = 0, nq = 0, k = 0, dropped = 0;

		assert_int_equal(groups_member_tests(&w.ix, &w.g, mem, 2, inside,
						     -1, &t, &n),
				 CIB_OK);
		assert_int_equal(groups_member_tests_passable(&w.ix, &w.g, mem, 2,
							      inside, -1, &q,
							      &nq),
				 CIB_OK);
		for (size_t i = 0; i < n; i++) {
			if (t[i].objects >= 2 || t[i].sync >= 2) {
				assert_true(k < nq);
				assert_int_equal(t[i].acc, q[k].acc);
				assert_int_equal(t[i].group, q[k].group);
				assert_int_equal(t[i].comp, q[k].comp);
				assert_int_equal(t[i].x, q[k].x);
				assert_int_equal(t[i].objects, q[k].objects);
				assert_int_equal(t[i].sync, q[k].sync);
				assert_true(t[i].lambda == q[k].lambda);
				assert_true(t[i].objects_expected ==
					    q[k].objects_expected);
				assert_true(t[i].sync_expected == q[k].sync_expected);
				assert_true(t[i].log10p == q[k].log10p);
				k++;
			} else {
				assert_true(t[i].log10p == 0);
				dropped++;
			}
		}
		assert_int_equal(k, nq);
		if (!inside) {
			assert_non_null(find_test(q, nq, 3, 0));
			assert_null(find_test(q, nq, 5, 0));
			assert_non_null(find_test(t, n, 5, 0));
			assert_true(dropped > 0);
		}
		free(t);
		free(q);
	}
	world_release(&w);
}

/* The member tests take each (account, group)'s records in the order one
 * stable sort of all the records by key gives, however the records are
 * cut into sorted runs and merged (CIBSCAN_TEST_KEY_RUN: runs of 1, 2
 * and 3 records, against the default of one run per worker here): every
 * test field for field, in the same order. */
static void assert_same_tests(const struct groups_member_test *q, size_t nq,
			      const struct groups_member_test *t, size_t n)
{
	assert_int_equal(nq, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(q[i].acc, t[i].acc);
		assert_int_equal(q[i].group, t[i].group);
		assert_int_equal(q[i].x, t[i].x);
		assert_int_equal(q[i].objects, t[i].objects);
		assert_int_equal(q[i].sync, t[i].sync);
		assert_memory_equal(&q[i].lambda, &t[i].lambda, sizeof(double));
		assert_memory_equal(&q[i].sync_expected, &t[i].sync_expected,
				    sizeof(double));
		assert_memory_equal(&q[i].objects_expected,
				    &t[i].objects_expected, sizeof(double));
		assert_memory_equal(&q[i].log10p, &t[i].log10p, sizeof(double));
	}
}

/* The member tests of one call: 0 all, 1 passable, 2 of the accounts in
 * only. */
static void member_call(struct world *w, const int32_t *mem, int kind,
			int inside, const uint8_t *only,
			struct groups_member_test **t, size_t *n)
{
	enum cib_err err =
		kind == 0 ? groups_member_tests(&w->ix, &w->g, mem, 2, inside,
						-1, t, n)
		: kind == 1 ? groups_member_tests_passable(&w->ix, &w->g, mem,
							   2, inside, -1, t, n)
			    : groups_member_tests_of(&w->ix, &w->g, mem, 2, only,
						     inside, t, n);

	assert_int_equal(err, CIB_OK);
}

/* The member tests sort their records in runs (CIBSCAN_TEST_KEY_RUN
 * records each) and hold the records of ranges of accounts in passes
 * (CIBSCAN_TEST_MT_PASS records each): any lengths give the tests of one
 * sort of every record, field for field. */
static void test_member_runs(void **state)
{
	static const char *const lens[] = { "1", "2", "3" };
	static const char *const pass[] = { "1", "2", "5", "1000" };
	struct world w;
	int32_t mem[NW];
	uint8_t only[NW];

	(void)state;
	build_attach_world(&w);
	for (int a = 0; a < NW; a++) {
		mem[a] = a < 3 ? 0 : a == 4 || a == 6 || a == 7 ? 1 : -1;
		only[a] = a % 2 == 1;
	}
	for (int kind = 0; kind < 3; kind++)
		for (int inside = 0; inside < 2; inside++) {
			struct groups_member_test *t = NULL;
			size_t n = 0;

			unsetenv("CIBSCAN_TEST_KEY_RUN");
			unsetenv("CIBSCAN_TEST_MT_PASS");
			member_call(&w, mem, kind, inside, only, &t, &n);
			if (kind == 0)
				assert_true(n > 3);
			for (size_t l = 0; l < sizeof(lens) / sizeof(*lens); l++)
				for (size_t p = 0; p < sizeof(pass) / sizeof(*pass); p++) {
					struct groups_member_test *q = NULL;
					size_t nq = 0;

					setenv("CIBSCAN_TEST_KEY_RUN", lens[l], 1);
					setenv("CIBSCAN_TEST_MT_PASS", pass[p], 1);
					member_call(&w, mem, kind, inside, only,
						    &q, &nq);
					assert_same_tests(q, nq, t, n);
					free(q);
				}
			unsetenv("CIBSCAN_TEST_KEY_RUN");
			unsetenv("CIBSCAN_TEST_MT_PASS");
			free(t);
		}
	world_release(&w);
}

/* The sharing test's outsider null on the attach world, by hand. Every
 * account acts once per object here, so its distinct objects are its
 * actions: the component's outsider draws are U = M - 7 (the members'
 * 3 + 2 + 2 left out); the group's objects are 1, 2, 3, 4 and 6, with one
 * outsider actor each (3 on objects 1-4, 5 on object 6): S = 5. */
static void test_member_sharing(void **state)
{
	struct world w;
	int32_t mem[NW];
	struct groups_member_test *t = NULL;
	const struct groups_member_test *r;
	size_t n = 0;
	/* k by design: 0: objects 1, 4, 6 -> 3; 1: 2, 6 -> 2; 2: 3, 6 -> 2;
	 * 3: 1..5 -> 5; 4: 5, 100 -> 2; 5: 6 -> 1; 6: 100, 107 -> 2;
	 * 7..NW-2: two links each -> 2; NW-1: one link -> 1 */
	double K = 3 + 2 + 2,
	       M = 3 + 2 + 2 + 5 + 2 + 1 + 2 + (NW - 8) * 2.0 + 1;
	double pi3 = K / (M - 5);
	double lam3 = 4 * pi3 + pi3; /* five objects with one co-actor each */
	double e3 = 5 * 5 / (M - 7), e5 = 1 * 5 / (M - 7);

	(void)state;
	build_attach_world(&w);
	for (int a = 0; a < NW; a++)
		mem[a] = a < 3 ? 0 : -1;
	assert_int_equal(w.g.n_comps, 1);
	assert_int_equal(groups_member_tests(&w.ix, &w.g, mem, 1, 0, -1, &t, &n),
			 CIB_OK);
	r = find_test(t, n, 3, 0);
	assert_non_null(r);
	/* four distinct objects with a member among its co-actors; one
	 * member each; x against the co-actor null (description) */
	assert_int_equal(r->objects, 4);
	assert_int_equal(r->x, 4);
	assert_true(fabs(r->lambda - lam3) < 1e-9);
	/* five draws, each on the group's objects with probability S / U */
	assert_true(fabs(r->objects_expected - e3) < 1e-9);
	/* one type: the pooled count and the type's are the same Poisson
	 * tail; the rarity-weighted statistic is 4 w, four hits of one
	 * weight, whose exact law is the binomial's: P(Bin(5, e3 / 5) >= 4),
	 * below the Poisson tail; each p times 3 (weighted Bonferroni,
	 * groups_share_log10p) */
	assert_true(log10(binom_tail(5, e3 / 5, 4)) < log10_tail(4, e3));
	assert_true(fabs(r->log10p_share -
			 (log10(binom_tail(5, e3 / 5, 4)) + log10(3))) < 1e-6);
	/* synchrony: the synchrony window is the median delay to a second
	 * account over the objects (the chain's day-long links are most
	 * of them), clamped to 3600 s; a two-action object 10 s long has
	 * f = 1 (its only pair is within the window): 4 expected for 4
	 * observed, no evidence */
	assert_int_equal(w.ix.tight[COORD_REPOST], 3600);
	assert_int_equal(r->sync, 4);
	assert_true(fabs(r->sync_expected - 4) < 1e-9);
	/* only the sharing test holds its guards: Bonferroni's 2 p beats
	 * Fisher's p (1 - ln p) with the other p = 1, and the smaller of the
	 * two combinations counts twice: p = 12 P(Bin(5, e3 / 5) >= 4) */
	assert_true(fabs(r->log10p -
			 (log10(binom_tail(5, e3 / 5, 4)) + log10(12))) < 1e-6);
	/* account 5: three members, but on one object only; the co-action
	 * count is 3 (a single object, however popular with the group) and
	 * the test does not count */
	r = find_test(t, n, 5, 0);
	assert_non_null(r);
	assert_int_equal(r->objects, 1);
	assert_int_equal(r->x, 3);
	assert_true(fabs(r->objects_expected - e5) < 1e-9);
	assert_true(r->log10p == 0);
	free(t);
	/* leave one out: member 0 against the rest {1, 2}. Their objects
	 * are 2, 3 and 6; outsiders there, 0 itself among them: 3, 3 and
	 * {0, 5}: S = 4; U = M - (7 - 3) (0's three draws back among the
	 * outsiders'); its three draws give 3 S / U. It co-acted with the
	 * rest on object 6 only. */
	assert_int_equal(groups_member_tests(&w.ix, &w.g, mem, 1, 1, -1, &t, &n),
			 CIB_OK);
	r = find_test(t, n, 0, 0);
	assert_non_null(r);
	assert_int_equal(r->objects, 1);
	assert_true(fabs(r->objects_expected - 3 * 4 / (M - 4)) < 1e-9);
	free(t);
	world_release(&w);
}

/* groups_outsider_expected: n draws at S / U, capped at probability 1,
 * nothing without draws or outsider actors on the group's objects. */
static void test_outsider_expected(void **state)
{
	(void)state;
	assert_true(fabs(groups_outsider_expected(5, 5, 400) - 0.0625) < 1e-15);
	assert_true(groups_outsider_expected(3, 10, 4) == 3);
	assert_true(groups_outsider_expected(0, 10, 40) == 0);
	assert_true(groups_outsider_expected(3, 0, 40) == 0);
}

/* The sharing test over types, by hand: 3 copied texts against 0.1
 * expected and 5 hashtags against 3 (under GROUPS_MIN_RATIO times: that
 * type's test does not count); pooled 8 against 3.1. Two types with a
 * null: the pooled p times 3, the weighted statistic's times 3, the text
 * test's times 3 x 2; the smallest. With many draws (the chances tiny)
 * the weighted statistic is no stronger than the text test here. A
 * count under every guard gives p = 1. */
static void test_share_types(void **state)
{
	double x[COORD__COUNT] = { 0 }, e[COORD__COUNT] = { 0 };
	double n[COORD__COUNT] = { 0 };
	double pooled = log10_tail(8, 3.1) + log10(3);
	double text = log10_tail(3, 0.1) + log10(6);

	(void)state;
	x[COORD_TEXT] = 3;
	e[COORD_TEXT] = 0.1;
	n[COORD_TEXT] = 1000;
	x[COORD_HASHTAGS] = 5;
	e[COORD_HASHTAGS] = 3;
	n[COORD_HASHTAGS] = 1000;
	assert_true(text < pooled);
	assert_true(groups_weighted_log10p(x, e, n) + log10(3) > text);
	assert_true(fabs(groups_share_log10p(x, e, n) - text) < 1e-6);
	/* the rare type alone at its chance rate: the pooled count or the
	 * hashtags' */
	e[COORD_TEXT] = 1.6;
	x[COORD_HASHTAGS] = 9;
	assert_true(fabs(groups_share_log10p(x, e, n) -
			 fmin(fmin(log10_tail(12, 4.6) + log10(3),
				   log10_tail(9, 3) + log10(6)),
			      groups_weighted_log10p(x, e, n) + log10(3))) <
		    1e-6);
	x[COORD_TEXT] = 1;
	x[COORD_HASHTAGS] = 1;
	assert_true(groups_share_log10p(x, e, n) == 0);
}

/* P(sum_t w_t X_t >= T), X_t ~ Binomial(n_t, pi_t) independent, by
 * enumerating every joint value (three terms). */
static double weighted_brute(const unsigned *n, const double *pi,
			     const double *w, double T)
{
	double s = 0;

	for (unsigned a = 0; a <= n[0]; a++)
		for (unsigned b = 0; b <= n[1]; b++)
			for (unsigned c = 0; c <= n[2]; c++) {
				double p = (binom_tail(n[0], pi[0], a) -
					    (a < n[0] ? binom_tail(n[0], pi[0], a + 1) : 0)) *
					   (binom_tail(n[1], pi[1], b) -
					    (b < n[1] ? binom_tail(n[1], pi[1], b + 1) : 0)) *
					   (binom_tail(n[2], pi[2], c) -
					    (c < n[2] ? binom_tail(n[2], pi[2], c + 1) : 0));

				if (a * w[0] + b * w[1] + c * w[2] >= T * (1 - 1e-12))
					s += p;
			}
	return s;
}

/* The rarity-weighted sharing statistic (groups_weighted_log10p): a
 * sparse member's one copied text, one URL and one hashtag sequence, all
 * of them the group's, against chances 0.04, 0.0005 and 0.1 per draw,
 * with 1, 1 and 2 draws. T = sum of the weights log((1 - pi) / pi) of the
 * hits; its p is the brute-force sum over every joint value of the three
 * binomial counts. The pooled count (3 against 0.2405) is far weaker:
 * the hit on a URL the group's outsiders hardly touch is what counts.
 * The Chernoff bound holds above the exact tail, and on one term equals
 * the closed form exp(-n KL(x / n || pi)). */
static void test_weighted(void **state)
{
	double x[COORD__COUNT] = { 0 }, e[COORD__COUNT] = { 0 };
	double n[COORD__COUNT] = { 0 };
	unsigned bn[3] = { 1, 1, 2 };
	double pi[3] = { 0.04, 0.0005, 0.1 }, w[3], T = 0, exact, bnd;
	double cn[3] = { 1, 1, 2 };

	(void)state;
	for (int i = 0; i < 3; i++)
		w[i] = log((1 - pi[i]) / pi[i]);
	x[COORD_TEXT] = 1;
	e[COORD_TEXT] = 0.04;
	n[COORD_TEXT] = 1;
	x[COORD_LINK] = 1;
	e[COORD_LINK] = 0.0005;
	n[COORD_LINK] = 1;
	/* the URL's domain is a hit too, but adds nothing to the link's; its
	 * chance 0.6 is over 1/2: no weight either way */
	x[COORD_DOMAIN] = 1;
	e[COORD_DOMAIN] = 0.6;
	n[COORD_DOMAIN] = 1;
	x[COORD_HASHTAGS] = 1;
	e[COORD_HASHTAGS] = 0.2;
	n[COORD_HASHTAGS] = 2;
	T = w[0] + w[1] + w[2];
	exact = weighted_brute(bn, pi, w, T);
	assert_true(fabs(groups_weighted_log10p(x, e, n) - log10(exact)) < 1e-9);
	assert_true(log10(exact) < log10_tail(3, 0.2405) - 2);
	bnd = groups_chernoff_log10(3, cn, pi, w, T);
	assert_true(bnd >= log10(exact));
	assert_true(bnd < log10_tail(3, 0.2405));
	/* the share test: the weighted p times 3 */
	assert_true(fabs(groups_share_log10p(x, e, n) -
			 (log10(exact) + log10(3))) < 1e-9);
	/* at or below its mean, no evidence */
	assert_true(groups_chernoff_log10(3, cn, pi, w,
					  0.04 * w[0] + 0.0005 * w[1] +
						  0.2 * w[2]) == 0);
	/* one term: inf_th (1 - p + p e^(th w))^n e^(-th k w) =
	 * exp(-n KL(k / n || p)) */
	{
		double nn = 20, p = 0.05, ww = log((1 - p) / p), k = 6;
		double q = k / nn;
		double kl = q * log(q / p) + (1 - q) * log((1 - q) / (1 - p));

		assert_true(fabs(groups_chernoff_log10(1, &nn, &p, &ww, k * ww) -
				 (-nn * kl * M_LOG10E)) < 1e-9);
		assert_true(groups_chernoff_log10(1, &nn, &p, &ww, k * ww) >
			    log10(binom_tail(20, 0.05, 6)));
	}
	/* every draw a hit: the bound comes down to P(all hit) = p^n */
	{
		double nn = 3, p = 0.01, ww = log(99);

		assert_true(fabs(groups_chernoff_log10(1, &nn, &p, &ww, 3 * ww) -
				 3 * log10(0.01)) < 1e-6);
	}
	/* many draws: the Chernoff route (no enumeration) still bounds the
	 * exact tail of one binomial from above */
	memset(x, 0, sizeof(x));
	memset(e, 0, sizeof(e));
	memset(n, 0, sizeof(n));
	x[COORD_TEXT] = 9;
	n[COORD_TEXT] = 60;
	e[COORD_TEXT] = 60 * 0.05;
	x[COORD_REPOST] = 9;
	n[COORD_REPOST] = 80;
	e[COORD_REPOST] = 80 * 0.05;
	x[COORD_HASHTAGS] = 2;
	n[COORD_HASHTAGS] = 90;
	e[COORD_HASHTAGS] = 90 * 0.05;
	/* equal weights: T / w is the pooled binomial count, Bin(230, 0.05)
	 * at 20 */
	assert_true(groups_weighted_log10p(x, e, n) >=
		    log10(binom_tail(230, 0.05, 20)));
	assert_true(groups_weighted_log10p(x, e, n) <
		    log10(binom_tail(230, 0.05, 20)) + 1.5);
}

/* Fisher's combination of two p-values against a brute force: the
 * probability, over a fine grid of independent uniforms (u1, u2), that
 * u1 u2 <= p1 p2, which is the chi-square(4) tail of -2 ln(p1 p2). */
static void test_fisher2(void **state)
{
	const double ps[][2] = { { 0.01, 0.02 }, { 0.3, 0.5 }, { 1e-3, 1 },
				 { 0.05, 0.05 } };

	(void)state;
	for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		double prod = ps[k][0] * ps[k][1], sum = 0;
		int G = 20000;

		/* P(U1 U2 <= c) = integral over u1 of min(1, c / u1) */
		for (int i = 0; i < G; i++) {
			double u = (i + 0.5) / G;

			sum += fmin(1, prod / u) / G;
		}
		assert_true(fabs(pow(10, groups_fisher2_log10(log10(ps[k][0]),
								 log10(ps[k][1]))) -
				 sum) < 2e-3 * sum + 1e-6);
	}
	assert_true(groups_fisher2_log10(0, 0) == 0);
}

/* The attach world's one cluster: accounts 0-2. */
static void attach_result(struct cluster_result *r)
{
	memset(r, 0, sizeof(*r));
	r->n_accounts = NW;
	r->n_clusters = 1;
	r->membership = malloc(NW * sizeof(*r->membership));
	r->size = malloc(sizeof(*r->size));
	assert_non_null(r->membership);
	assert_non_null(r->size);
	for (int a = 0; a < NW; a++)
		r->membership[a] = a < 3 ? 0 : -1;
	r->size[0] = 3;
}

/* cluster_attach on the same world: account 3 passes (p = 8 P(X >= 4 |
 * 5 S / U), test_member_sharing) against the BH cutoff fdr / (NW active
 * accounts x 1 cluster); account 5 (one object) never does. */
static void test_attach(void **state)
{
	struct world w;
	struct cluster_result r;
	size_t added = 0;
	double M = 2.0 * NW + 2, e3 = 5 * 5 / (M - 7);
	double lp = log10_tail(4, e3) + log10(8);

	(void)state;
	build_attach_world(&w);
	attach_result(&r);
	assert_int_equal(w.ix.n_active[0], NW);
	/* the closed form is below the cutoff at fdr 0.01 and above it at
	 * fdr 1e-5: both decisions are checked */
	assert_true(lp < log10(0.01 / NW));
	assert_true(lp > log10(1e-5 / NW));
	assert_int_equal(cluster_attach(&r, &w.g, &w.ix, 0.01, &added), CIB_OK);
	assert_int_equal(added, 1);
	assert_int_equal(r.membership[3], 0);
	assert_int_equal(r.membership[5], -1);
	assert_int_equal(r.size[0], 4);
	r.membership[3] = -1;
	r.size[0] = 3;
	assert_int_equal(cluster_attach(&r, &w.g, &w.ix, 1e-5, &added), CIB_OK);
	assert_int_equal(added, 0);
	cluster_result_release(&r);
	world_release(&w);
}

/* origin_attach on the same world (model/origin.h): members 0-2 created
 * on day 100 (a batch day: ORIGIN_BATCH_MIN of them), every other account
 * on a day of its own. Account 3's tie (log10 p = lp, above) fails
 * cluster_attach at fdr 1e-4 (lp > log10(1e-4 / NW)); created on day 100
 * too, its p is p_tie Q with Q = 4 / NW (the component's dated accounts
 * created that day, itself included), which passes. Created on a day of
 * its own, or with only two members on day 100, it stays out; the day
 * alone (account 5: one object, no test) attaches nobody. */
static void test_origin_attach(void **state)
{
	struct world w;
	struct cluster_result r;
	int64_t day[NW];
	size_t added = 0;
	double M = 2.0 * NW + 2, e3 = 5 * 5 / (M - 7);
	double lp = log10_tail(4, e3) + log10(8);

	(void)state;
	build_attach_world(&w);
	assert_int_equal(w.g.n_comps, 1);
	attach_result(&r);
	assert_true(lp > log10(1e-4 / NW));
	assert_true(lp + log10(4.0 / NW) < log10(1e-4 / NW));
	for (int k = 0; k < 4; k++) {
		for (int a = 0; a < NW; a++) {
			r.membership[a] = a < 3 ? 0 : -1;
			day[a] = a < 3 ? 100 : 1000 + a;
		}
		r.size[0] = 3;
		if (k == 0 || k == 3)
			day[3] = 100; /* account 3 born with the members */
		if (k == 2)
			day[5] = 100; /* account 5: the day, no tie */
		if (k == 3)
			day[2] = ORIGIN_NO_DAY; /* two members that day */
		assert_int_equal(cluster_attach(&r, &w.g, &w.ix, 1e-4, &added),
				 CIB_OK);
		assert_int_equal(added, 0);
		assert_int_equal(origin_attach(&r, &w.g, &w.ix, w.g.comp, day,
					       1e-4, &added),
				 CIB_OK);
		assert_int_equal(added, k == 0);
		assert_int_equal(r.membership[3], k == 0 ? 0 : -1);
		assert_int_equal(r.membership[5], -1);
		assert_int_equal(r.size[0], k == 0 ? 4 : 3);
	}
	cluster_result_release(&r);
	world_release(&w);
}

/* Synchrony: member 0 and account 1 repost three objects 30 s apart, and
 * each object is reposted again by three other accounts a day apart
 * (100000 s, 200000 s, 300000 s after). Per object m = 5 actions over a
 * span of 300000 s, all C(5,2) = 10 pairs fit the budget, so its window
 * is the span; the synchrony window is the median delay to a second
 * account, 30 s (within the clamps); the background is read from the
 * ring of delays (30, W = 10 * 30 = 300], where no pair lies, plus one
 * pseudo-pair: f = 30 / 270 * (0 + 1) / 10 = 1/90. Account 1 has a
 * member within 30 s on all three: sync = 3 against 3 * (1 - (1 -
 * 1/90)^1). */
static void test_member_sync(void **state)
{
	struct world w;
	int32_t mem[12];
	struct groups_member_test *t = NULL;
	const struct groups_member_test *r;
	size_t n = 0;
	double f = 1.0 / 90, lam = 3 * f;

	(void)state;
	world_init(&w, 12);
	for (uint32_t o = 0; o < 3; o++) {
		int64_t t0 = 1000000 * (int64_t)o;

		act(&w, o + 1, t0, 0);
		act(&w, o + 1, t0 + 30, 1);
		act(&w, o + 1, t0 + 100000, 2 + 3 * o);
		act(&w, o + 1, t0 + 200000, 3 + 3 * o);
		act(&w, o + 1, t0 + 300000, 4 + 3 * o);
	}
	world_build(&w);
	for (int a = 0; a < 12; a++)
		mem[a] = a == 0 ? 0 : -1;
	assert_int_equal(groups_member_tests(&w.ix, &w.g, mem, 1, 0, -1, &t, &n),
			 CIB_OK);
	r = find_test(t, n, 1, 0);
	assert_non_null(r);
	assert_int_equal(w.ix.tight[COORD_REPOST], 30);
	assert_int_equal(r->sync, 3);
	assert_true(fabs(r->sync_expected - lam) < 1e-12);
	assert_true(fabs(r->log10p_sync - log10_tail(3, lam)) < 1e-6);
	/* account 2 reposted object 1 a day after the member: a co-actor in
	 * the object's window (sharing) but not synchronous */
	r = find_test(t, n, 2, 0);
	assert_non_null(r);
	assert_int_equal(r->sync, 0);
	assert_int_equal(r->objects, 1);
	assert_true(r->log10p == 0);
	free(t);
	world_release(&w);
}

/* A group's evidence: members 0..3 repost objects 1..6 within 5 s of
 * each other (two members an object), organic accounts 4..9 repost them
 * again hours later. Objects with two members in the window: 6; top
 * object members 2; platforms 1 (all accounts on one platform). */
static void test_evidence(void **state)
{
	struct world w;
	int32_t mem[10];
	uint8_t plat[10] = { 1, 1, 1, 2, 1, 1, 1, 1, 1, 1 };
	struct groups_result gr;

	(void)state;
	world_init(&w, 10);
	for (uint32_t o = 0; o < 6; o++) {
		int64_t t0 = 100000 * (int64_t)o;

		act(&w, o + 1, t0, o % 4);
		act(&w, o + 1, t0 + 5, (o + 1) % 4);
		act(&w, o + 1, t0 + 20000, 4 + o);
	}
	world_build(&w);
	for (int a = 0; a < 10; a++)
		mem[a] = a < 4 ? 0 : -1;
	assert_int_equal(groups_evidence_build(&w.ix, &w.g, mem, 1, plat, -1,
					       &gr),
			 CIB_OK);
	assert_int_equal(gr.ev[0].size, 4);
	assert_int_equal(gr.ev[0].objects, 6);
	assert_int_equal(gr.ev[0].sync, 6);
	assert_int_equal(gr.ev[0].n_top, GROUPS_TOP);
	assert_int_equal(gr.ev[0].top[0].members, 2);
	assert_int_equal(gr.ev[0].n_platforms, 2);
	/* synchrony null: the synchrony window is the median delay 5 s
	 * raised to the 10 s clamp; per object m = 3 over 20000 s, the ring
	 * (10, 100] holds no pair: f = 10 / 90 * (0 + 1) / 3 = 1/27; two
	 * members there: min(1, 1 * f) each, six objects */
	assert_int_equal(w.ix.tight[COORD_REPOST], GROUPS_SYNC_MIN);
	assert_true(fabs(gr.ev[0].sync_expected - 6.0 / 27) < 1e-12);
	assert_true(fabs(gr.ev[0].log10p_sync - log10_tail(6, 6.0 / 27)) <
		    1e-6);
	assert_true(gr.ev[0].log10p < -5);
	/* no pair edge: held together by the group tests only */
	assert_int_equal(gr.ev[0].discovered, w.g.n_edges == 0);
	for (int a = 0; a < 4; a++)
		assert_true(gr.strength[a] > 0 && gr.strength[a] <= 1);
	assert_true(isnan(gr.strength[5]));
	groups_result_release(&gr);
	world_release(&w);
}

/* The candidate graph against a brute force over every pair of actions of
 * every object of half 0 (docs/model.md 5.4): weights summed per pair,
 * kept at >= 1, and a pair with one co-action kept only where that
 * object expects at most GROUPS_LONE_PARTNERS chance partners in sync for
 * an action. Busy objects (400 actions in a day) and quiet ones (3 to 6
 * accounts over four days), with pairs placed in sync on both; the brute
 * force must see all three cases (an edge of two co-actions or more, a
 * lone co-action kept, a lone co-action of weight >= 1 dropped) or the
 * test says nothing. */
struct bf_pair {
	uint64_t key;
	float w;
	unsigned n;
	int alone;
};

static int cmp_bf(const void *x, const void *y)
{
	const struct bf_pair *a = x, *b = y;

	return a->key < b->key ? -1 : a->key > b->key;
}

static size_t brute_candidates(const struct groups_index *ix,
			       const int32_t *mem, struct bf_pair *p,
			       size_t cap)
{
	size_t n = 0;

	for (size_t o = 0; o < ix->n_obj; o++) {
		uint64_t s = ix->obj_off[o], en = ix->obj_off[o + 1];
		int t = ix->obj_type[o];
		int64_t D = ix->obj_win[o];
		int64_t w = ix->tight[t] < D ? ix->tight[t] : D;
		int rare = ix->obj_d[o] <= GROUPS_RARE_ACTORS;
		float wr = (float)(1.0 / log2(1.0 + ix->obj_d[o]));
		double f = ix->obj_f[o];
		float ws = f > 0 ? (float)fmin(10.0, -log10(f)) : 10.0f;
		int alone = f * (double)(en - s - 1) <= GROUPS_LONE_PARTNERS;

		if (ix->obj_half[o] != 0)
			continue;
		for (uint64_t i = s; i < en; i++) {
			for (uint64_t j = i + 1; j < en; j++) {
				uint32_t a = ix->ev_acc[i], b = ix->ev_acc[j];
				int64_t dt = ix->ev_time[j] - ix->ev_time[i];
				unsigned between = 0;
				float x = 0;

				if (a == b || mem[a] >= 0 || mem[b] >= 0 ||
				    dt > (rare ? D : w))
					continue;
				for (uint64_t k = s; k < en; k++)
					between += ix->ev_time[k] > ix->ev_time[i] &&
						   ix->ev_time[k] < ix->ev_time[j];
				if (!rare && dt > 0 && between >= GROUPS_SYNC_NEAR)
					continue;
				if (rare && dt <= D)
					x += wr;
				if (dt <= w)
					x += ws;
				if (x <= 0)
					continue;
				assert_true(n < cap);
				p[n].key = a < b ? (uint64_t)a << 32 | b
						 : (uint64_t)b << 32 | a;
				p[n].w = x;
				p[n].n = 1;
				p[n++].alone = alone;
			}
		}
	}
	return n;
}

static void test_candidate_graph(void **state)
{
	enum { NA = 600, CAP = 400000 };
	struct world w;
	struct bf_pair *p = malloc(CAP * sizeof(*p));
	struct cluster_wedge *e = NULL;
	struct groups_cg_counts cnt;
	int32_t *mem = malloc(NA * sizeof(*mem));
	size_t np, ne = 0, k = 0, multi = 0, lone = 0, dropped = 0;
	uint64_t s = 99;

	(void)state;
	assert_non_null(p);
	assert_non_null(mem);
	world_init(&w, NA);
	for (uint64_t o = 1; o <= 8; o++) { /* busy */
		for (int i = 0; i < 400; i++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			act(&w, o, (int64_t)(s >> 33) % 86400,
			    200 + (uint32_t)((s >> 12) % 400));
		}
		for (int i = 0; i < 6; i++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			act(&w, o, (int64_t)(s >> 33) % 86400, (uint32_t)i);
			act(&w, o, (int64_t)(s >> 33) % 86400 + 2,
			    (uint32_t)i + 1);
		}
	}
	for (uint64_t o = 100; o < 160; o++) { /* quiet */
		int m = 3 + (int)(o % 4);

		for (int i = 0; i < m; i++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			act(&w, o, (int64_t)(s >> 33) % 345600,
			    200 + (uint32_t)((s >> 12) % 400));
		}
		act(&w, o, (int64_t)(o * 997) % 345600,
		    20 + 2 * (uint32_t)(o - 100));
		act(&w, o, (int64_t)(o * 997) % 345600 + 3,
		    21 + 2 * (uint32_t)(o - 100));
	}
	world_build(&w);
	for (int a = 0; a < NA; a++)
		mem[a] = a == 3 ? 0 : -1; /* one clustered account */
	np = brute_candidates(&w.ix, mem, p, CAP);
	qsort(p, np, sizeof(*p), cmp_bf);
	for (size_t i = 0; i < np;) {
		size_t j = i;
		double x = 0;

		for (; j < np && p[j].key == p[i].key; j++)
			x += p[j].w;
		if (x >= 1 && j - i > 1)
			multi++;
		else if (x >= 1 && p[i].alone)
			lone++;
		else if (x >= 1)
			dropped++;
		if (x >= 1 && (j - i > 1 || p[i].alone))
			p[k++] = (struct bf_pair){ p[i].key,
						   (float)fmin(x, 50), 0, 0 };
		i = j;
	}
	assert_true(multi > 0 && lone > 0 && dropped > 0);
	assert_int_equal(groups_candidate_graph(&w.ix, mem, &e, &ne, &cnt),
			 CIB_OK);
	assert_int_equal(ne, k);
	/* every co-action enumerated was counted; the filter held the
	 * records of every pair that made an edge (each at least one) and
	 * dropped most of the rest (the brute force's single co-actions
	 * that could not make one) */
	assert_int_equal(cnt.records, np);
	assert_true(cnt.held >= ne);
	assert_true(cnt.held < np / 2);
	for (size_t i = 0; i < ne; i++) {
		assert_int_equal((uint64_t)e[i].a << 32 | e[i].b, p[i].key);
		assert_true(fabs(e[i].w - p[i].w) < 1e-4);
	}
	/* the co-actions merged from sorted runs of any length give the
	 * weights of one sort, bit for bit */
	for (int len = 1; len <= 7; len += 3) {
		struct cluster_wedge *q = NULL;
		size_t nq = 0;
		char b[8];

		snprintf(b, sizeof(b), "%d", len);
		setenv("CIBSCAN_TEST_KEY_RUN", b, 1);
		assert_int_equal(groups_candidate_graph(&w.ix, mem, &q, &nq,
							NULL),
				 CIB_OK);
		unsetenv("CIBSCAN_TEST_KEY_RUN");
		assert_int_equal(nq, ne);
		assert_memory_equal(q, e, ne * sizeof(*e));
		free(q);
	}
	/* a filter of a few words holds more records (it takes pairs seen
	 * once for seen twice) and gives the same graph, bit for bit */
	for (int words = 1; words <= 64; words *= 8) {
		struct cluster_wedge *q = NULL;
		struct groups_cg_counts c2;
		size_t nq = 0;
		char b[8];

		snprintf(b, sizeof(b), "%d", words);
		setenv("CIBSCAN_TEST_CG_WORDS", b, 1);
		assert_int_equal(groups_candidate_graph(&w.ix, mem, &q, &nq,
							&c2),
				 CIB_OK);
		unsetenv("CIBSCAN_TEST_CG_WORDS");
		assert_true(c2.held > cnt.held);
		assert_int_equal(nq, ne);
		assert_memory_equal(q, e, ne * sizeof(*e));
		free(q);
	}
	free(e);
	free(p);
	free(mem);
	world_release(&w);
}

/* groups_index_build with consume frees each type's events as it goes
 * and builds the same index: two types, objects of every kind (shared,
 * alone, viral past max_actors), every array compared. */
static void test_index_consume(void **state)
{
	enum { NA = 300 };
	struct world w[2];
	struct coord_opts o;
	uint64_t s = 7;

	(void)state;
	coord_opts_init(&o);
	o.max_actors = 40;
	for (int k = 0; k < 2; k++)
		world_init(&w[k], NA);
	for (int i = 0; i < 6000; i++) {
		uint64_t obj;
		int64_t t;
		uint32_t a;
		int type;

		s = s * 6364136223846793005u + 1442695040888963407u;
		obj = (s >> 40) % 400;
		t = (int64_t)((s >> 20) % 86400);
		a = (uint32_t)((s >> 8) % (obj < 20 ? NA : 60));
		type = (s >> 60) % 2 ? COORD_REPOST : COORD_LINK;
		for (int k = 0; k < 2; k++)
			assert_int_equal(coord_events_add(&w[k].ev[type], obj,
							  t, a, 0),
					 CIB_OK);
	}
	for (int k = 0; k < 2; k++) {
		assert_int_equal(coord_build(w[k].ev, NA, &o, &w[k].g),
				 CIB_OK);
		assert_int_equal(groups_index_build(&w[k].ix, w[k].ev,
						    &w[k].g, &o, k),
				 CIB_OK);
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		assert_int_equal(w[1].ev[t].n, 0);
		assert_null(w[1].ev[t].obj);
	}
	assert_true(w[0].ev[COORD_REPOST].n > 0 && w[0].ev[COORD_LINK].n > 0);
	{
		const struct groups_index *x = &w[0].ix, *y = &w[1].ix;
		uint64_t ne = x->obj_off[x->n_obj];

		assert_true(x->n_obj > 0);
		assert_int_equal(x->n_obj, y->n_obj);
		assert_memory_equal(x->obj_off, y->obj_off,
				    (x->n_obj + 1) * sizeof(*x->obj_off));
		assert_memory_equal(x->obj_key, y->obj_key,
				    x->n_obj * sizeof(*x->obj_key));
		assert_memory_equal(x->obj_type, y->obj_type, x->n_obj);
		assert_memory_equal(x->obj_win, y->obj_win,
				    x->n_obj * sizeof(*x->obj_win));
		assert_memory_equal(x->obj_f, y->obj_f,
				    x->n_obj * sizeof(*x->obj_f));
		assert_memory_equal(x->ev_acc, y->ev_acc,
				    ne * sizeof(*x->ev_acc));
		assert_memory_equal(x->ev_time, y->ev_time,
				    ne * sizeof(*x->ev_time));
		assert_int_equal(x->n_rest, y->n_rest);
		assert_memory_equal(x->rest_off, y->rest_off,
				    (x->n_rest + 1) * sizeof(*x->rest_off));
		assert_memory_equal(x->rest_acc, y->rest_acc,
				    x->rest_off[x->n_rest] *
					    sizeof(*x->rest_acc));
		assert_memory_equal(x->h_off, y->h_off,
				    (NA + 1) * sizeof(*x->h_off));
		for (uint64_t k = 0; k < x->h_off[NA]; k++) {
			assert_int_equal(x->h[k].d, y->h[k].d);
			assert_int_equal(x->h[k].n, y->h[k].n);
			assert_int_equal(x->h[k].t, y->h[k].t);
			assert_int_equal(x->h[k].half, y->h[k].half);
		}
		assert_memory_equal(x->n_objs, y->n_objs,
				    NA * COORD__COUNT * sizeof(*x->n_objs));
		assert_memory_equal(x->tight, y->tight, sizeof(x->tight));
	}
	for (int k = 0; k < 2; k++)
		world_release(&w[k]);
}

/* ---- the index in parts (score --mpi) ---- */

#define PARTS_NA 300

static uint64_t parts_lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return *s;
}

static void parts_add(struct coord_events *ev, int type, uint64_t obj,
		      int64_t t, uint32_t a, int minutes)
{
	assert_int_equal(coord_events_add(&ev[type], obj, t, a, minutes),
			 CIB_OK);
}

/* The events of test_index_parts on three types: random ones on 400
 * objects, each object's within 10 min (reposts), 67 min (links) or
 * 90 s (hashtags, half of them to the minute only) of its own start,
 * now and then an account's burst; viral objects (60 accounts), popular
 * ones (200 actions of 40 accounts over a day), dense ones (30 accounts
 * 10 times each in one second), bursts (40 accounts 8 times each over
 * 20 seconds: 16 actions a second, only simultaneous pairs fit the
 * budget) and pairs of accounts 200..279 alone on their objects
 * (components of two). */
static void parts_events(struct coord_events *ev)
{
	static const int ty[3] = { COORD_REPOST, COORD_LINK, COORD_HASHTAGS };
	static const uint64_t spread[3] = { 600, 4000, 90 };
	uint64_t s = 11;

	for (int i = 0; i < 9000; i++) {
		uint64_t r = parts_lcg(&s), obj = (r >> 40) % 400;
		int k = (int)((r >> 61) % 3), type = ty[k];
		int64_t t = (int64_t)(obj * 7919 % 86400 +
				      (r >> 20) % spread[k]);
		uint32_t a = (uint32_t)((r >> 8) % 200);
		int mn = type == COORD_HASHTAGS && ((r >> 4) & 1);

		parts_add(ev, type, obj, t, a, mn);
		if ((r >> 56) % 8 == 0) {
			parts_add(ev, type, obj, t + 1 + (int64_t)(r >> 50) % 4,
				  a, mn);
			parts_add(ev, type, obj, t + 5, a, mn);
		}
	}
	for (int k = 0; k < 3; k++) {
		for (uint64_t x = 0; x < 4; x++) {
			int64_t t0 = 100000 + (int64_t)x * 7200 + 13 * k;

			for (uint32_t a = 0; a < 60; a++)
				parts_add(ev, ty[k], 2000 + x,
					  (int64_t)(parts_lcg(&s) >> 47), a, 0);
			for (int j = 0; j < 200; j++) {
				uint64_t r = parts_lcg(&s);

				parts_add(ev, ty[k], 3000 + x,
					  (int64_t)((r >> 20) % 86400),
					  100 + (uint32_t)((r >> 8) % 40), 0);
			}
			for (uint32_t a = 0; a < 300; a++)
				parts_add(ev, ty[k], 4000 + x, t0,
					  (uint32_t)(x * 37 + a % 30 * 5) % 200,
					  0);
			for (uint32_t e = 0; e < 320; e++)
				parts_add(ev, ty[k], 4100 + x,
					  t0 + 50000 + (int64_t)(e % 20),
					  (uint32_t)(x * 11 + e / 8 * 3) % 200,
					  0);
		}
	}
	for (uint32_t p = 0; p < 40; p++) {
		parts_add(ev, COORD_LINK, 5000 + p, 1000 * p, 200 + 2 * p, 0);
		parts_add(ev, COORD_LINK, 5000 + p, 1000 * p + 30, 201 + 2 * p,
			  0);
	}
}

/* Appends the columns of src to those of dst (n_old entries there). */
static void parts_col(void **dst, size_t n_old, const void *src, size_t n,
		      size_t w)
{
	char *p;

	if (!n)
		return;
	p = realloc(*dst, (n_old + n) * w);
	assert_non_null(p);
	memcpy(p + n_old * w, src, n * w);
	*dst = p;
}

/* dst (zeroed, or a concatenation) followed by src: what the ranks'
 * gather makes of their parts; n_objs and U summed. */
static void parts_cat(struct groups_index_part *dst,
		      const struct groups_index_part *src, size_t na,
		      size_t n_comps)
{
	size_t nu = (n_comps + 1) * COORD__COUNT;

#define CAT(f, nd, ns) \
	parts_col((void **)&dst->f, nd, src->f, ns, sizeof(*src->f))
	CAT(obj_key, dst->n_obj, src->n_obj);
	CAT(obj_n, dst->n_obj, src->n_obj);
	CAT(obj_d, dst->n_obj, src->n_obj);
	CAT(obj_type, dst->n_obj, src->n_obj);
	CAT(obj_half, dst->n_obj, src->n_obj);
	CAT(obj_burst, dst->n_obj, src->n_obj);
	CAT(obj_win, dst->n_obj, src->n_obj);
	CAT(obj_f, dst->n_obj, src->n_obj);
	CAT(ev_acc, dst->n_ev, src->n_ev);
	CAT(ev_time, dst->n_ev, src->n_ev);
	CAT(dense_key, dst->n_dense, src->n_dense);
	CAT(dense_type, dst->n_dense, src->n_dense);
	CAT(dense_n, dst->n_dense, src->n_dense);
	CAT(dense_acc, dst->n_dense_acc, src->n_dense_acc);
	CAT(dense_time, dst->n_dense_acc, src->n_dense_acc);
	CAT(rest_key, dst->n_rest, src->n_rest);
	CAT(rest_type, dst->n_rest, src->n_rest);
	CAT(rest_half, dst->n_rest, src->n_rest);
	CAT(rest_n, dst->n_rest, src->n_rest);
	CAT(rest_acc, dst->n_rest_acc, src->n_rest_acc);
	CAT(hc, dst->n_hc, src->n_hc);
	CAT(tc, dst->n_tc, src->n_tc);
#undef CAT
	dst->n_obj += src->n_obj;
	dst->n_ev += src->n_ev;
	dst->n_dense += src->n_dense;
	dst->n_dense_acc += src->n_dense_acc;
	dst->n_rest += src->n_rest;
	dst->n_rest_acc += src->n_rest_acc;
	dst->n_hc += src->n_hc;
	dst->n_tc += src->n_tc;
	if (!dst->n_objs) {
		dst->n_objs = calloc(na * COORD__COUNT + 1,
				     sizeof(*dst->n_objs));
		dst->U = calloc(nu + 1, sizeof(*dst->U));
		assert_non_null(dst->n_objs);
		assert_non_null(dst->U);
	}
	for (size_t i = 0; i < na * COORD__COUNT; i++)
		dst->n_objs[i] += src->n_objs[i];
	for (size_t i = 0; i < nu; i++)
		dst->U[i] += src->U[i];
	memcpy(dst->tight, src->tight, sizeof(dst->tight));
}

/* Every field of two indexes, byte for byte (the histograms' entries
 * field by field: their padding is not theirs to compare). */
static void parts_same_index(const struct groups_index *x,
			     const struct groups_index *y)
{
	size_t na = x->n_accounts, no = x->n_obj, nc = x->n_comp;
	uint64_t ne;

#define SAME(f, n) assert_memory_equal(x->f, y->f, (n) * sizeof(*x->f))
	assert_int_equal(y->n_accounts, na);
	assert_int_equal(y->n_obj, no);
	SAME(obj_off, no + 1);
	ne = x->obj_off[no];
	SAME(obj_key, no);
	SAME(obj_d, no);
	SAME(obj_type, no);
	SAME(obj_win, no);
	SAME(obj_f, no);
	SAME(obj_half, no);
	SAME(obj_burst, no);
	SAME(ev_acc, ne);
	SAME(ev_time, ne);
	assert_memory_equal(x->tight, y->tight, sizeof(x->tight));
	SAME(comp, na);
	assert_int_equal(y->n_comp, nc);
	SAME(M, nc * COORD__COUNT);
	SAME(n_active, nc);
	assert_int_equal(y->n_dense, x->n_dense);
	SAME(dense_off, x->n_dense + 1);
	SAME(dense_acc, x->dense_off[x->n_dense]);
	SAME(dense_time, x->dense_off[x->n_dense]);
	SAME(n_objs, na * COORD__COUNT);
	SAME(U, nc * COORD__COUNT);
	assert_int_equal(y->n_rest, x->n_rest);
	SAME(rest_off, x->n_rest + 1);
	SAME(rest_acc, x->rest_off[x->n_rest]);
	SAME(rest_type, x->n_rest);
	SAME(rest_half, x->n_rest);
	SAME(h_off, na + 1);
	SAME(th_off, nc + 1);
#undef SAME
	for (uint64_t k = 0; k < x->h_off[na]; k++) {
		assert_int_equal(x->h[k].d, y->h[k].d);
		assert_int_equal(x->h[k].n, y->h[k].n);
		assert_int_equal(x->h[k].t, y->h[k].t);
		assert_int_equal(x->h[k].half, y->h[k].half);
	}
	for (uint64_t k = 0; k < x->th_off[nc]; k++) {
		assert_int_equal(x->th[k].pairs, y->th[k].pairs);
		assert_int_equal(x->th[k].n, y->th[k].n);
		assert_int_equal(x->th[k].t, y->th[k].t);
		assert_int_equal(x->th[k].half, y->th[k].half);
	}
}

/* The shard of an object among K: its (type, key) mixed (splitmix64's
 * finaliser), so that the shards' objects interleave. */
static unsigned parts_shard(int type, uint64_t obj, unsigned K)
{
	uint64_t z = obj * 0x9e3779b97f4a7c15u ^ (uint64_t)(type + 1) << 56;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (unsigned)((z ^ (z >> 31)) % K);
}

/* The index of ev assembled from K parts, each built keyed where its
 * objects' events are, concatenated in reverse shard order into *ix.
 * *busy: the shards whose part has objects. */
static void parts_index(struct coord_events *ev, const struct coord_graph *g,
			const struct coord_opts *o, const int64_t *tight,
			unsigned K, struct groups_index *ix, unsigned *busy)
{
	struct coord_events sh[4][COORD__COUNT];
	struct groups_index_part pt[4], cat;

	memset(&cat, 0, sizeof(cat));
	*busy = 0;
	for (unsigned k = 0; k < K; k++)
		for (int t = 0; t < COORD__COUNT; t++)
			coord_events_init(&sh[k][t]);
	for (int t = 0; t < COORD__COUNT; t++) {
		const struct coord_events *e = &ev[t];

		for (size_t j = 0; t != COORD_AMPLIFY && j < e->n; j++) {
			unsigned k = parts_shard(t, e->obj[j], K);

			assert_int_equal(coord_events_add_post(
						 &sh[k][t], e->obj[j],
						 e->time[j], e->acc[j],
						 e->minutes[j] &
							 COORD_EV_MINUTES,
						 e->post[j],
						 (e->minutes[j] &
						  COORD_EV_MULTI) != 0),
					 CIB_OK);
		}
	}
	for (unsigned k = 0; k < K; k++) {
		assert_int_equal(groups_index_part(&pt[k], sh[k], g->n_accounts,
						   g->comp, g->n_comps, tight,
						   o, 1, 1),
				 CIB_OK);
		for (int t = 0; t < COORD__COUNT; t++)
			assert_int_equal(sh[k][t].n, 0);
		*busy += pt[k].n_obj > 0;
	}
	for (unsigned k = K; k-- > 0;) {
		parts_cat(&cat, &pt[k], g->n_accounts, g->n_comps);
		groups_index_part_release(&pt[k]);
	}
	assert_int_equal(groups_index_assemble(ix, &cat, g), CIB_OK);
}

/* groups_index_part and groups_index_assemble: the events split by
 * whole objects (a hash of type and object) into 1..4 shards, each
 * shard's part built keyed with the whole data's synchrony windows, the
 * parts concatenated in reverse order and assembled, give the index
 * groups_index_build gives on all events, every field byte for byte:
 * three types, shared, viral, popular, dense and burst objects, minute
 * precision, accounts' bursts, several components. */
static void test_index_parts(void **state)
{
	struct coord_events ev[COORD__COUNT];
	struct coord_graph g;
	struct coord_opts o;
	struct groups_index whole, ix;
	int64_t tight[COORD__COUNT];
	int burst = 0;

	(void)state;
	coord_opts_init(&o);
	o.max_actors = 40;
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_init(&ev[t]);
	parts_events(ev);
	assert_int_equal(coord_build(ev, PARTS_NA, &o, &g), CIB_OK);
	assert_int_equal(groups_index_build(&whole, ev, &g, &o, 0), CIB_OK);
	assert_true(g.n_comps > 2);
	assert_true(whole.n_obj > 0);
	assert_true(whole.n_dense > 0);
	assert_true(whole.n_rest > 0);
	for (size_t j = 0; j < whole.n_obj; j++)
		burst |= whole.obj_burst[j];
	assert_true(burst);
	for (int t = 0; t < COORD__COUNT; t++)
		tight[t] = t != COORD_AMPLIFY && ev[t].n
				   ? groups_index_tight(&ev[t])
				   : 0;
	assert_memory_equal(tight, whole.tight, sizeof(tight));
	for (unsigned K = 1; K <= 4; K++) {
		unsigned busy = 0;

		parts_index(ev, &g, &o, tight, K, &ix, &busy);
		assert_true(busy >= (K >= 2 ? 2u : 1u));
		parts_same_index(&whole, &ix);
		groups_index_release(&ix);
	}
	groups_index_release(&whole);
	coord_graph_release(&g);
	for (int t = 0; t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
}

/* cluster_settle: an older cluster A (accounts 0..5) and a cluster B
 * (6..8) that discovery added. Account 6 reposts with A's members within
 * 5 s on 30 objects and with 7 and 8 on one; 7 and 8 repost together on
 * 10 objects; 3 of 80 background accounts repost every object at random
 * times over four days. 6's test against A (30 objects) beats its
 * leave-one-out test against B (one object, no test), so it moves, and
 * B, left with 2 accounts under min_size 3, dissolves. With B marked as
 * old nothing is tested and nothing moves. */
static void settle_world(struct world *w)
{
	uint64_t s = 5, o = 1;

	world_init(w, 80);
	for (int k = 0; k < 30; k++, o++) {
		int64_t t0;

		s = s * 6364136223846793005u + 1442695040888963407u;
		t0 = (int64_t)(s >> 33) % 345600;
		act(w, o, t0, 6);
		for (uint32_t j = 0; j < 3; j++)
			act(w, o, t0 + 1 + (int64_t)j,
			    (uint32_t)((s >> (8 + 3 * j)) % 6));
		for (int j = 0; j < 3; j++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			act(w, o, (int64_t)(s >> 33) % 345600,
			    9 + (uint32_t)((s >> 12) % 71));
		}
	}
	for (int k = 0; k < 10; k++, o++) {
		int64_t t0;

		s = s * 6364136223846793005u + 1442695040888963407u;
		t0 = (int64_t)(s >> 33) % 345600;
		act(w, o, t0, 7);
		act(w, o, t0 + 2, 8);
		if (k == 0)
			act(w, o, t0 + 3, 6);
		for (int j = 0; j < 3; j++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			act(w, o, (int64_t)(s >> 33) % 345600,
			    9 + (uint32_t)((s >> 12) % 71));
		}
	}
	world_build(w);
}

static void settle_in(const uint8_t *is_new, int32_t *out, size_t *moved)
{
	struct world w;
	struct cluster_result r;

	settle_world(&w);
	memset(&r, 0, sizeof(r));
	r.n_accounts = 80;
	r.n_clusters = 2;
	r.membership = malloc(80 * sizeof(*r.membership));
	r.size = calloc(2, sizeof(*r.size));
	assert_non_null(r.membership);
	assert_non_null(r.size);
	for (int a = 0; a < 80; a++) {
		r.membership[a] = a < 6 ? 0 : a < 9 ? 1 : -1;
		if (a < 9)
			r.size[r.membership[a]]++;
	}
	assert_int_equal(cluster_settle(&r, &w.g, &w.ix, 0.01, is_new, 3,
					moved),
			 CIB_OK);
	memcpy(out, r.membership, 80 * sizeof(*out));
	cluster_result_release(&r);
	world_release(&w);
}

static void test_settle(void **state)
{
	static const uint8_t b_new[2] = { 0, 1 }, none_new[2] = { 0, 0 };
	int32_t m[80];
	size_t moved = 0;

	(void)state;
	settle_in(b_new, m, &moved);
	assert_int_equal(moved, 1);
	for (int a = 0; a < 7; a++)
		assert_int_equal(m[a], 0);
	assert_int_equal(m[7], -1);
	assert_int_equal(m[8], -1);
	for (int a = 9; a < 80; a++)
		assert_int_equal(m[a], -1);
	settle_in(none_new, m, &moved);
	assert_int_equal(moved, 0);
	for (int a = 0; a < 9; a++)
		assert_int_equal(m[a], a < 6 ? 0 : 1);
}

/* A planted group of 12 among 80 accounts: every pair of members reposts
 * two objects within 5 s of each other (never the same two), each object
 * also reposted by background accounts at random times over four days;
 * background accounts repost random objects. No member pair is
 * significant alone; discovery must return the 12, and nothing else.
 * A disjoint copy of the data (accounts 80..159, other objects) must not
 * change the originals' group. */
static void plant(struct world *w, uint32_t base, uint64_t obase,
		  uint64_t seed)
{
	uint64_t s = seed, o = obase;

	for (uint32_t a = 0; a < 12; a++) {
		for (uint32_t b = a + 1; b < 12; b++) {
			for (int k = 0; k < 2; k++) {
				int64_t t0;

				s = s * 6364136223846793005u + 1442695040888963407u;
				t0 = (int64_t)(s >> 33) % 345600;
				act(w, o, t0, base + a);
				act(w, o, t0 + 1 + (int64_t)((s >> 20) % 5),
				    base + b);
				for (int j = 0; j < 3; j++) {
					s = s * 6364136223846793005u +
					    1442695040888963407u;
					act(w, o, (int64_t)(s >> 33) % 345600,
					    base + 12 + (uint32_t)((s >> 12) % 68));
				}
				o++;
			}
		}
	}
	for (uint32_t a = 12; a < 80; a++) {
		for (int k = 0; k < 6; k++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			act(w, obase + (s >> 40) % (o - obase),
			    (int64_t)(s >> 33) % 345600, base + a);
		}
	}
}

static void discover_in(size_t n, int copy, int32_t *out)
{
	struct world w;
	struct cluster_result cl;
	size_t found = 0;
	char err[256];

	world_init(&w, n);
	plant(&w, 0, 1, 7);
	if (copy)
		plant(&w, 80, 100000, 7);
	world_build(&w);
	assert_int_equal(cluster_detect(&w.g, 1, 3, &cl), CIB_OK);
	assert_int_equal(cl.n_clusters, 0);
	assert_int_equal(groups_discover(&w.ix, &w.g, 1, 3, 0.01, &cl, &found,
					 err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(cluster_grow(&cl, &w.g, &w.ix, 0.01, NULL, NULL),
			 CIB_OK);
	memcpy(out, cl.membership, n * sizeof(*out));
	cluster_result_release(&cl);
	world_release(&w);
}

static void test_discover(void **state)
{
	int32_t one[80], two[160];

	(void)state;
	discover_in(80, 0, one);
	for (int a = 0; a < 12; a++)
		assert_int_equal(one[a], one[0]);
	assert_true(one[0] >= 0);
	for (int a = 12; a < 80; a++)
		assert_int_equal(one[a], -1);
	discover_in(160, 1, two);
	for (int a = 0; a < 80; a++) {
		/* same partition of the originals and of the copy */
		assert_int_equal(two[a] >= 0, one[a] >= 0);
		assert_int_equal(two[80 + a] >= 0, one[a] >= 0);
		if (one[a] >= 0) {
			assert_int_equal(two[a], two[0]);
			assert_int_equal(two[80 + a], two[80]);
		}
	}
	assert_true(two[0] != two[80]);
}

/* Dense objects: accounts 0..199 all repost object D1 in the same second
 * and 200..399 object D2 (C(200, 2) simultaneous pairs exceed the pair
 * budget 8 * 200 + 2048: neither is enumerated). Accounts 0..11 are also
 * the planted group of test_discover, 12..79 its background. A dense
 * object alone makes no group: only the planted 12 are clustered, none of
 * the other 388 accounts of the two audiences. */
static void test_dense(void **state)
{
	struct world w;
	struct cluster_result cl;
	size_t found = 0;
	char err[256];

	(void)state;
	world_init(&w, 400);
	plant(&w, 0, 1, 7);
	for (uint32_t a = 0; a < 200; a++) {
		act(&w, 900000, 500000, a);
		act(&w, 900001, 600000, 200 + a);
	}
	world_build(&w);
	assert_int_equal(w.ix.n_dense, 2);
	assert_int_equal(w.ix.dense_off[1], 200);
	assert_int_equal(w.ix.dense_off[2], 400);
	assert_int_equal(cluster_detect(&w.g, 1, 3, &cl), CIB_OK);
	assert_int_equal(groups_discover(&w.ix, &w.g, 1, 3, 0.01, &cl, &found,
					 err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(cluster_grow(&cl, &w.g, &w.ix, 0.01, NULL, NULL),
			 CIB_OK);
	for (int a = 0; a < 12; a++)
		assert_int_equal(cl.membership[a], cl.membership[0]);
	assert_true(cl.membership[0] >= 0);
	for (int a = 12; a < 400; a++)
		assert_int_equal(cl.membership[a], -1);
	cluster_result_release(&cl);
	world_release(&w);
}

/* Co-presence across bursts, by closed form. Members 0..99 repost each
 * of nd objects at one second (C(100, 2) simultaneous pairs exceed the
 * budget 8 * 100 + 2048: dense); member i also reposts a personal object
 * that 20 background accounts repost on other days (so all 2100 accounts
 * are one component and the null has room). k = nd + 1 for a member, 1
 * for the background: M = 100 (nd + 1) + 2000, and a member is in the
 * audience of a dense object of 100 accounts with probability
 * P = 1 - (1 - (nd + 1) / M)^100; lambda = nd P, X = nd (distinct times).
 * nd = 5: M = 2600, P = 0.2063, lambda = 1.031, p = P(X >= 5) = 0.00416,
 * every member's the same, under the BH cutoff 0.01 for the 100
 * candidates: one cluster of 100. nd = 3: M = 2400, lambda = 0.461,
 * p = 0.0116 > 0.01: nobody passes, no cluster. (Values from the closed
 * form in Python, independently of the code.) */
static void burst_world(int nd, int32_t *mem_out, size_t *nc_out)
{
	struct world w;
	struct cluster_result cl;
	size_t found = 0;
	char err[256];

	world_init(&w, 2100);
	for (int o = 0; o < nd; o++)
		for (uint32_t a = 0; a < 100; a++)
			act(&w, 500000 + (uint64_t)o, 1000000 + 86400 * o, a);
	for (uint32_t a = 0; a < 100; a++) {
		act(&w, 600000 + a, 5000000 + 1000 * (int64_t)a, a);
		for (uint32_t b = 0; b < 20; b++)
			act(&w, 600000 + a, 5000000 + 1000 * (int64_t)a +
						     86400 * (b + 1),
			    100 + 20 * a + b);
	}
	world_build(&w);
	assert_int_equal(w.g.n_comps, 1);
	assert_int_equal(w.ix.n_dense, (size_t)nd);
	assert_int_equal(cluster_detect(&w.g, 1, 3, &cl), CIB_OK);
	assert_int_equal(groups_discover(&w.ix, &w.g, 1, 3, 0.01, &cl, &found,
					 err, sizeof(err)),
			 CIB_OK);
	memcpy(mem_out, cl.membership, 2100 * sizeof(*mem_out));
	*nc_out = cl.n_clusters;
	cluster_result_release(&cl);
	world_release(&w);
}

static double burst_log10p(int nd)
{
	double M = 100.0 * (nd + 1) + 2000;
	double P = 1 - pow(1 - (nd + 1) / M, 100);

	return log10_tail((unsigned)nd, nd * P);
}

static void test_bursts(void **state)
{
	static int32_t mem[2100];
	size_t nc = 0;

	(void)state;
	/* the closed forms on either side of the cutoff */
	assert_true(burst_log10p(5) < log10(0.01));
	assert_true(fabs(pow(10, burst_log10p(5)) - 0.00416) < 0.00001);
	assert_true(fabs(pow(10, burst_log10p(3)) - 0.01160) < 0.00001);
	assert_true(burst_log10p(3) > log10(0.01));
	burst_world(5, mem, &nc);
	assert_int_equal(nc, 1);
	for (int a = 0; a < 100; a++)
		assert_int_equal(mem[a], 0);
	for (int a = 100; a < 2100; a++)
		assert_int_equal(mem[a], -1);
	burst_world(3, mem, &nc);
	assert_int_equal(nc, 0);
}

/* cluster_leiden: the same partition of a component alone and beside a
 * disjoint copy (its vertices after the original's), ids by decreasing
 * size, ties by the smallest member. */
static void test_leiden_components(void **state)
{
	struct cluster_wedge e[64];
	int32_t m1[40], m2[40];
	size_t n = 0, nc1 = 0, nc2 = 0;

	(void)state;
	/* a 5-clique and a 4-clique joined by one weak edge, accounts 0..8 */
	for (uint32_t a = 0; a < 5; a++)
		for (uint32_t b = a + 1; b < 5; b++)
			e[n++] = (struct cluster_wedge){ a, b, 10 };
	for (uint32_t a = 5; a < 9; a++)
		for (uint32_t b = a + 1; b < 9; b++)
			e[n++] = (struct cluster_wedge){ a, b, 10 };
	e[n++] = (struct cluster_wedge){ 4, 5, 0.5 };
	assert_int_equal(cluster_leiden(20, e, n, 3, 3, m1, &nc1, NULL, NULL, 0),
			 CIB_OK);
	assert_int_equal(nc1, 2);
	for (int a = 0; a < 5; a++)
		assert_int_equal(m1[a], 0);
	for (int a = 5; a < 9; a++)
		assert_int_equal(m1[a], 1);
	/* the copy on accounts 20..28 */
	for (size_t i = 0, k = n; i < k; i++)
		e[n++] = (struct cluster_wedge){ e[i].a + 20, e[i].b + 20,
						 e[i].w };
	assert_int_equal(cluster_leiden(40, e, n, 3, 3, m2, &nc2, NULL, NULL, 0),
			 CIB_OK);
	assert_int_equal(nc2, 4);
	for (int a = 0; a < 9; a++) {
		assert_int_equal(m2[a] == m2[0], m1[a] == m1[0]);
		assert_int_equal(m2[20 + a] == m2[20], m1[a] == m1[0]);
	}
	/* sizes 5, 5, 4, 4: ties by smallest member */
	assert_int_equal(m2[0], 0);
	assert_int_equal(m2[20], 1);
	assert_int_equal(m2[5], 2);
	assert_int_equal(m2[25], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p_any),
		cmocka_unit_test(test_member_sharing),
		cmocka_unit_test(test_outsider_expected),
		cmocka_unit_test(test_fisher2),
		cmocka_unit_test(test_share_types),
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_passable),
		cmocka_unit_test(test_member_runs),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_origin_attach),
		cmocka_unit_test(test_member_sync),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_candidate_graph),
		cmocka_unit_test(test_index_consume),
		cmocka_unit_test(test_index_parts),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_discover),
		cmocka_unit_test(test_dense),
		cmocka_unit_test(test_bursts),
		cmocka_unit_test(test_leiden_components),
	};

	igraph_set_error_handler(igraph_error_handler_printignore);
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
