/* test_scoring.c - the collective inauthenticity tests and the built-in
 * model's monotonicity, against brute force. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/civil.h"
#include "model/pipeline.h"

/* P(X >= k), X ~ Binomial(n, r), summed from the pmf in logs. */
static double binom_upper_brute(unsigned k, double r, unsigned n)
{
	double s = 0;

	for (unsigned j = k; j <= n; j++)
		s += exp(lgamma(n + 1.0) - lgamma(j + 1.0) - lgamma(n - j + 1.0) +
			 j * log(r) + (n - j) * log1p(-r));
	return s;
}

static void test_binom_upper(void **state)
{
	static const double rs[] = { 0.001, 0.03, 0.2, 0.5, 0.9 };

	(void)state;
	for (unsigned n = 1; n <= 60; n += 7)
		for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
			for (unsigned k = 1; k <= n; k++) {
				double a = pipeline_binom_upper(k, rs[i], n);
				double b = binom_upper_brute(k, rs[i], n);

				assert_true(fabs(a - b) <= 1e-9 * b + 1e-300);
			}
	assert_true(pipeline_binom_upper(0, 0.3, 10) == 1);
	assert_true(pipeline_binom_upper(11, 0.3, 10) == 0);
	assert_true(pipeline_binom_upper(3, 0, 10) == 0);
}

/* P(X <= x), X the carriers among n members drawn from n + m holding
 * K = x + y: every draw counted by exact binomial coefficients. */
static double poorer_brute(unsigned x, unsigned n, unsigned y, unsigned m)
{
	unsigned K = x + y, N = n + m;
	double tot = 0, low = 0;

	for (unsigned j = 0; j <= n && j <= K; j++) {
		double w;

		if (n - j > N - K)
			continue;
		w = exp(lgamma(K + 1.0) - lgamma(j + 1.0) - lgamma(K - j + 1.0) +
			lgamma(N - K + 1.0) - lgamma(n - j + 1.0) -
			lgamma(N - K - (n - j) + 1.0));
		tot += w;
		if (j <= x)
			low += w;
	}
	return low / tot;
}

static void test_poorer_p(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 30; n += 4)
		for (unsigned m = 1; m <= 40; m += 6)
			for (unsigned x = 0; x <= n; x++)
				for (unsigned y = 0; y <= m; y += 3) {
					double a = pipeline_poorer_p(x, n, y, m);
					double b = poorer_brute(x, n, y, m);

					assert_true(fabs(a - b) <= 1e-9 * b + 1e-12);
				}
	/* a crowd of 80 with no carrier beside a network of 146 with 90 */
	assert_true(pipeline_poorer_p(0, 80, 90, 146) < 1e-15);
	/* a part as rich as the rest is not poorer */
	assert_true(pipeline_poorer_p(12, 20, 60, 100) > 0.3);
	assert_true(pipeline_poorer_p(0, 0, 5, 10) == 1);
	assert_true(pipeline_poorer_p(3, 5, 0, 0) == 1);
}

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Two strata for the creation-batch tests: day probabilities, largest
 * first, and their prefix sums S[k]. */
static const double f0[] = { 0.5, 0.3, 0.2 };
static const double f1[] = { 0.4, 0.3, 0.2, 0.1 };

static void prefix(const double *f, size_t nd, double *S)
{
	S[0] = 0;
	for (size_t k = 0; k < nd; k++)
		S[k + 1] = S[k] + f[k];
	S[nd] = 1;
}

/* The chain of model/batch.c by brute force: every path of repeat / new
 * day of m members in a stratum, the path's chance the product of S at
 * each step's distinct days; P(repeats = r) in law[r]. */
static void chain_brute(size_t m, const double *S, size_t nd, double *law)
{
	for (size_t r = 0; r < m; r++)
		law[r] = 0;
	if (m < 2) {
		law[0] = 1;
		return;
	}
	for (unsigned mask = 0; mask < (1u << (m - 1)); mask++) {
		double pr = 1;
		size_t distinct = 1, r = 0;

		for (size_t i = 0; i + 1 < m; i++) {
			double p = S[distinct < nd ? distinct : nd];

			if ((mask >> i) & 1) {
				pr *= p;
				r++;
			} else {
				pr *= 1 - p;
				distinct++;
			}
		}
		law[r] += pr;
	}
}

/* The exact null: m members draw days independently from f[0..nd);
 * P(repeats = r) by enumerating all nd^m assignments. */
static void null_brute(size_t m, const double *f, size_t nd, double *law)
{
	size_t total = 1;

	for (size_t r = 0; r < m + 1; r++)
		law[r] = 0;
	for (size_t i = 0; i < m; i++)
		total *= nd;
	for (size_t code = 0; code < total; code++) {
		size_t c = code, distinct = 0;
		unsigned seen = 0;
		double pr = 1;

		for (size_t i = 0; i < m; i++) {
			size_t d = c % nd;

			c /= nd;
			pr *= f[d];
			distinct += !((seen >> d) & 1);
			seen |= 1u << d;
		}
		law[m ? m - distinct : 0] += pr;
	}
}

/* pipeline_batch_chain_tail against brute force on two strata: equal to
 * the chain's tail (paths enumerated, the strata convolved here), and a
 * valid p-value: never below the exact null's tail (assignments
 * enumerated); and for one stratum the exact null's tail is strictly
 * below it somewhere (the bound is not the null itself). */
static void test_batch_chain(void **state)
{
	double S0[4], S1[5];
	const double *S[2] = { S0, S1 };
	size_t nd[2] = { 3, 4 };
	int loose = 0;

	(void)state;
	prefix(f0, 3, S0);
	prefix(f1, 4, S1);
	for (size_t m0 = 1; m0 <= 5; m0++)
		for (size_t m1 = 0; m1 <= 5; m1++) {
			double c0[8], c1[8], n0[8], n1[8];
			size_t m[2] = { m0, m1 };

			chain_brute(m0, S0, 3, c0);
			chain_brute(m1 ? m1 : 1, S1, 4, c1);
			null_brute(m0, f0, 3, n0);
			null_brute(m1, f1, 4, n1);
			for (size_t x = 1; x + 1 < m0 + m1 + 1; x++) {
				double chain = 0, null = 0;
				double t = pipeline_batch_chain_tail(2, m, S, nd, x);

				for (size_t a = 0; a < m0; a++)
					for (size_t b = 0; b < (m1 ? m1 : 1); b++)
						if (a + b >= x)
							chain += c0[a] * c1[b];
				for (size_t a = 0; a <= m0; a++)
					for (size_t b = 0; b <= m1; b++)
						if (a + b >= x)
							null += n0[a] * n1[b];
				assert_true(fabs(t - chain) < 1e-12);
				assert_true(t >= null - 1e-12);
				loose |= t > null + 1e-6;
			}
		}
	assert_true(loose);
	assert_true(pipeline_batch_chain_tail(2, (size_t[]){ 3, 2 }, S, nd, 0) == 1);
}

/* One calendar month and nobody else created in it: the days are flat
 * (1/30 each in April), and m members on one day repeat at every step
 * with probability 1/30, so p = 30^-(m - 1) exactly. */
static void test_batch_closed_form(void **state)
{
	/* 2021-04-01 is day 18718 */
	int64_t days[6], bd[1] = { 0 };
	uint64_t bc[1] = { 5 };
	struct batch_bg bg = { bd, bc, 1 }; /* 1970: outside the month */
	struct batch_test bt;

	(void)state;
	for (size_t m = 2; m <= 6; m++) {
		for (size_t i = 0; i < m; i++)
			days[i] = 18718 + 9;
		pipeline_batch_test(days, m, &bg, &bt);
		assert_int_equal(bt.repeats, m - 1);
		assert_true(fabs(bt.p / pow(30, -(double)(m - 1)) - 1) < 1e-9);
	}
	/* the members themselves are left out of the background: the same
	 * five counted in it change nothing */
	bd[0] = 18718 + 9;
	pipeline_batch_test(days, 5, &bg, &bt);
	assert_true(fabs(bt.p / pow(30, -4.0) - 1) < 1e-9);
	/* two members in different months never repeat: no stratum */
	days[0] = 18718;
	days[1] = 18718 + 30;
	pipeline_batch_test(days, 2, &bg, &bt);
	assert_int_equal(bt.repeats, 0);
	assert_true(bt.p == 1);
}

/* Members spread over an era repeat a day now and then by chance; a batch
 * on one day does not. 240 members, 5 a month over four years, two of
 * them sharing a day in every other month (24 repeats; about 15.5
 * expected on 30-day months), against a flat background: no evidence at
 * 1 %; 20 members on two days of one month: overwhelming. */
static void test_batch_era(void **state)
{
	static int64_t days[300], bd[4000];
	static uint64_t bc[4000];
	struct batch_bg bg = { bd, bc, 0 };
	struct batch_test bt;
	size_t n = 0;

	(void)state;
	for (int64_t d = 14000; d < 16000; d++) { /* 50 a day, 2008-2013 */
		bd[bg.n] = d;
		bc[bg.n++] = 50;
	}
	for (int k = 0; k < 48; k++) {
		int64_t d0, first;
		unsigned mo, dd;
		int64_t y;

		civil_date_from_days(14000 + 31 * k, &y, &mo, &dd);
		first = civil_days_from_date(y, mo, 1);
		for (int j = 0; j < 5; j++) {
			d0 = first + 3 * j;
			days[n++] = j == 1 && k % 2 ? first : d0;
		}
	}
	qsort(days, n, sizeof(days[0]), cmp_day);
	pipeline_batch_test(days, n, &bg, &bt);
	assert_int_equal(bt.repeats, 24);
	assert_true(bt.p > 0.01);
	n = 0;
	for (int k = 0; k < 20; k++)
		days[n++] = 15000 + 3 + (k % 2); /* two days of one month */
	qsort(days, n, sizeof(days[0]), cmp_day);
	pipeline_batch_test(days, n, &bg, &bt);
	assert_int_equal(bt.repeats, 18);
	assert_true(bt.p < 1e-15);
}

static void test_batch_description(void **state)
{
	/* 2019-02-28 is day 17955; 2020-01-01 is 18262 */
	int64_t days[] = { 17955, 17955, 17955, 17955, 18000, 18262, 18262,
			   18262, 18263 };
	int64_t bd[] = { 17955, 18262 };
	uint64_t bc[] = { 10, 10 };
	struct batch_bg bg = { bd, bc, 2 };
	struct batch_test bt;

	(void)state;
	pipeline_batch_test(days, 9, &bg, &bt);
	assert_int_equal(bt.repeats, 9 - 4);
	assert_int_equal(bt.members, 7);
	assert_int_equal(bt.days, 2);
	assert_int_equal(bt.year_lo, 2019);
	assert_int_equal(bt.year_hi, 2020);
	assert_true(bt.p < 0.01);
	/* no repeat, no evidence */
	pipeline_batch_test(days + 3, 3, &bg, &bt);
	assert_true(bt.p == 1);
}

/* Past the work cap the Chernoff bound replaces the chain's law: it must
 * stay above it. 9000 members in one 30-day month, nobody else: the
 * chain's law computed here by its distinct days (at most 30), the
 * repeats being 9000 - distinct. */
static void test_batch_chernoff(void **state)
{
	enum { N = 9000, D = 30 };
	static int64_t days[N];
	static double law[D + 1], nl[D + 1];
	int64_t bd[1] = { 0 };
	uint64_t bc[1] = { 1 };
	struct batch_bg bg = { bd, bc, 1 };
	struct batch_test bt;
	double exact = 0;

	(void)state;
	for (size_t i = 0; i < N; i++) /* April 2021, on 25 of its days */
		days[i] = 18718 + (int64_t)(i * 25 / N);
	pipeline_batch_test(days, N, &bg, &bt);
	assert_int_equal(bt.repeats, N - 25);
	law[1] = 1;
	for (size_t i = 1; i < N; i++) { /* member i + 1 */
		memset(nl, 0, sizeof(nl));
		for (size_t k = 1; k <= D; k++) {
			double p = (double)k / D; /* flat: S(k) = k / 30 */

			nl[k] += law[k] * p;
			if (k < D)
				nl[k + 1] += law[k] * (1 - p);
		}
		memcpy(law, nl, sizeof(law));
	}
	for (size_t k = 1; k <= 25; k++) /* repeats >= N - 25 */
		exact += law[k];
	assert_true(bt.p >= exact);
	assert_true(bt.p <= 1);
}

/* The built-in model: every coefficient held >= 0, so raising any input
 * never lowers a score; checked at random points. */
static void test_default_model_monotone(void **state)
{
	struct logit_model m;
	char msg[256];
	uint64_t r = 99;

	(void)state;
	assert_int_equal(pipeline_default_model(&m, msg, sizeof(msg)), CIB_OK);
	for (size_t j = 0; j < m.p; j++) {
		assert_int_equal(m.sign[j], 1);
		assert_true(m.coef[j] >= 0);
	}
	assert_true(m.prior_e > 0 && m.prior_e < 1);
	assert_true(m.prior_n > 0 && m.prior_n < 1);
	for (int t = 0; t < 2000; t++) {
		double x[SF__COUNT], before, after;
		size_t j;

		for (size_t k = 0; k < SF__COUNT; k++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			x[k] = (r >> 40) % 2 ? 0
					     : (double)(r >> 11) /
						       9007199254740992.0 * 20;
		}
		j = (size_t)(r >> 59) % SF__COUNT;
		before = logit_predict(&m, x);
		x[j] += 0.5;
		after = logit_predict(&m, x);
		assert_true(after >= before);
		/* no input at all is the floor */
		assert_true(before >= logit_predict(&m, (double[SF__COUNT]){ 0 }));
	}
}

/* Benjamini-Hochberg against the step-up rule written out: p-values
 * 0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205 at 0.05 (m = 8):
 * thresholds 0.00625 i; the largest i with p_(i) <= 0.00625 i is 2
 * (0.008 <= 0.0125; 0.039 > 0.01875, 0.041 > 0.025, 0.042 > 0.03125,
 * 0.06 > 0.0375, 0.074 > 0.04375, 0.205 > 0.05), so the critical value
 * is 0.0125. Order does not matter. */
static void test_bh(void **state)
{
	double p[8] = { 0.205, 0.041, 0.001, 0.074, 0.039, 0.008, 0.06, 0.042 };
	double q[3] = { 0.5, 0.7, 0.9 };

	(void)state;
	assert_true(fabs(pipeline_bh_critical(p, 8, 0.05) - 0.0125) < 1e-15);
	assert_true(pipeline_bh_critical(q, 3, 0.05) == 0);
	assert_true(pipeline_bh_critical(q, 0, 0.05) == 0);
	/* all below their thresholds: k = m */
	q[0] = 0.001;
	q[1] = 0.002;
	q[2] = 0.003;
	assert_true(fabs(pipeline_bh_critical(q, 3, 0.05) - 0.05) < 1e-15);
}

/* The office test's two routes, by hand: Bonferroni x2 over
 * max(shift_p, lunch) and (only with shift_llr > 0) max(lunch, supper);
 * 1 at another offset. */
/* The three routes, by hand: an office rhythm alone (a newsroom's or a
 * company's staff) never carries the decision; with a location mismatch
 * or an echo chamber it does, at the larger p of the two parts. */
static void test_inauth_p(void **state)
{
	(void)state;
	assert_true(pipeline_inauth_p(1e-30, 1, 1, 1, 1) == 1);
	assert_true(pipeline_inauth_p(1e-30, 1, 1, 0.6, 0.8) == 1);
	assert_true(fabs(pipeline_inauth_p(1e-8, 1, 1, 1e-6, 1) - 6e-6) <
		    1e-18);
	assert_true(fabs(pipeline_inauth_p(1e-4, 1, 1, 1, 1e-9) - 3e-4) <
		    1e-16);
	assert_true(fabs(pipeline_inauth_p(1, 1e-5, 1, 1, 1) - 3e-5) < 1e-17);
	assert_true(fabs(pipeline_inauth_p(1, 1, 2e-7, 1e-9, 1e-9) - 6e-7) <
		    1e-19);
	assert_true(pipeline_inauth_p(1e-8, 1, 1, 1e-12, 1) ==
		    INAUTH_TESTS * 1e-8);
	assert_true(pipeline_inauth_p(NAN, 1, 1, 1, 1) == 1);
	assert_true(pipeline_inauth_p(1, 0.5, 1, 1, 1) == 1);
}

static void test_office_p(void **state)
{
	struct timing_fit t;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.n = 500;
	t.shift_offset_min = 480;
	t.shift_p = 1e-6;
	t.lunch_dip_p = 1e-4;
	t.supper_dip_p = 1e-3;
	t.shift_llr = 12;
	/* min(max(1e-6, 1e-4), max(1e-4, 1e-3)) = 1e-4, times 2 */
	assert_true(fabs(pipeline_office_p(&t, 480) - 2e-4) < 1e-15);
	/* the conservative shift bound at 1: the dips carry it */
	t.shift_p = 1;
	assert_true(fabs(pipeline_office_p(&t, 480) - 2e-3) < 1e-15);
	/* ... but only when the shift model is preferred */
	t.shift_llr = -3;
	assert_true(pipeline_office_p(&t, 480) == 1);
	/* another clock: no evidence of a Beijing office */
	t.shift_llr = 12;
	t.shift_p = 1e-9;
	t.shift_offset_min = 60;
	assert_true(pipeline_office_p(&t, 480) == 1);
	t.shift_offset_min = 540; /* within the hour */
	assert_true(fabs(pipeline_office_p(&t, 480) - 2e-4) < 1e-15);
	t.n = 0;
	assert_true(pipeline_office_p(&t, 480) == 1);
}

/* The flag rule by hand. Scores (already in decreasing order) 0.99,
 * 0.98 (not eligible), 0.97, 0.90, 0.85, 0.79, 0.60: among the eligible,
 * running means of 1 - score are 0.01, 0.02, 0.0467, 0.0725 (> 0.05), and
 * 0.79 has a local fdr of 0.21 > 0.2, so the scan stops there: the top
 * three eligible (0.99, 0.97, 0.90) are flagged, threshold 0.90. With
 * fdr 0.1 the fourth (0.85) joins, never 0.79 or 0.60 (mean 0.084 and
 * 0.127 aside, their own lfdr exceeds 0.2). */
static void test_flag_fdr(void **state)
{
	double s[7] = { 0.99, 0.98, 0.97, 0.90, 0.85, 0.79, 0.60 };
	uint8_t el[7] = { 1, 0, 1, 1, 1, 1, 1 }, fl[7];
	uint32_t ord[7] = { 0, 1, 2, 3, 4, 5, 6 };
	double thr;

	(void)state;
	memset(fl, 0, sizeof(fl));
	thr = pipeline_flag_fdr(s, el, ord, 7, 0.05, fl);
	assert_true(thr == 0.90);
	assert_true(fl[0] && !fl[1] && fl[2] && fl[3] && !fl[4] && !fl[5] &&
		    !fl[6]);
	memset(fl, 0, sizeof(fl));
	thr = pipeline_flag_fdr(s, el, ord, 7, 0.1, fl);
	assert_true(thr == 0.85);
	assert_true(fl[4] && !fl[5] && !fl[6]);
	/* nothing eligible: nothing flagged */
	memset(el, 0, sizeof(el));
	memset(fl, 0, sizeof(fl));
	assert_true(pipeline_flag_fdr(s, el, ord, 7, 0.05, fl) == 1.0);
	for (int i = 0; i < 7; i++)
		assert_false(fl[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binom_upper),
		cmocka_unit_test(test_poorer_p),
		cmocka_unit_test(test_batch_chain),
		cmocka_unit_test(test_batch_closed_form),
		cmocka_unit_test(test_batch_era),
		cmocka_unit_test(test_batch_description),
		cmocka_unit_test(test_batch_chernoff),
		cmocka_unit_test(test_default_model_monotone),
		cmocka_unit_test(test_bh),
		cmocka_unit_test(test_office_p),
		cmocka_unit_test(test_inauth_p),
		cmocka_unit_test(test_flag_fdr),
	};

	return cmocka_run_group_tests_name("scoring", tests, NULL, NULL);
}
