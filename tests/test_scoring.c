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

/* The data's day counts (largest first) and their sum. */
static const uint64_t top[] = { 6, 4, 3, 2, 2, 1, 1, 1 };
#define NTOP (sizeof(top) / sizeof(top[0]))

/* P(sum of Bernoulli(pi_i) >= x) by enumerating every subset, pi_i as
 * pipeline_batch_test defines them. */
static double poisson_binomial_brute(size_t n, size_t x)
{
	double pi[16], tot = 0, cum = 0, nall = 0;

	for (size_t d = 0; d < NTOP; d++)
		nall += (double)top[d];
	for (size_t i = 1; i < n; i++) {
		cum += i - 1 < NTOP ? (double)top[i - 1] : 0;
		pi[i - 1] = fmin(1, cum / nall);
	}
	for (unsigned mask = 0; mask < (1u << (n - 1)); mask++) {
		double pr = 1;
		size_t k = 0;

		for (size_t i = 0; i + 1 < n; i++) {
			int on = (mask >> i) & 1;

			pr *= on ? pi[i] : 1 - pi[i];
			k += (size_t)on;
		}
		if (k >= x)
			tot += pr;
	}
	return tot;
}

/* Exact null P(n - distinct days >= x) when n members draw their days
 * independently from the day distribution top[]/sum, by enumerating all
 * NTOP^n assignments. */
static double repeats_null_brute(size_t n, size_t x)
{
	size_t total = 1;
	double nall = 0, tot = 0;

	for (size_t d = 0; d < NTOP; d++)
		nall += (double)top[d];
	for (size_t i = 0; i < n; i++)
		total *= NTOP;
	for (size_t code = 0; code < total; code++) {
		size_t c = code, distinct = 0;
		unsigned seen = 0;
		double pr = 1;

		for (size_t i = 0; i < n; i++) {
			size_t d = c % NTOP;

			c /= NTOP;
			pr *= (double)top[d] / nall;
			if (!((seen >> d) & 1))
				distinct++;
			seen |= 1u << d;
		}
		if (n - distinct >= x)
			tot += pr;
	}
	return tot;
}

static void test_batch_dp_and_validity(void **state)
{
	(void)state;
	for (size_t n = 2; n <= 6; n++)
		for (size_t x = 1; x < n; x++) {
			int64_t days[8];
			struct batch_test bt;
			double exact;

			/* x repeats: the first x + 1 members on one day, the
			 * rest on distinct days */
			for (size_t i = 0; i < n; i++)
				days[i] = i <= x ? 18000 : 18000 + (int64_t)i;
			pipeline_batch_test(days, n, top, NTOP, 20, &bt);
			assert_int_equal(bt.repeats, x);
			assert_true(fabs(bt.p - poisson_binomial_brute(n, x)) <
				    1e-12);
			/* a valid p-value: never below the exact null tail */
			exact = repeats_null_brute(n, x);
			assert_true(bt.p >= exact - 1e-12);
		}
}

static void test_batch_description(void **state)
{
	/* 2019-02-28 is day 17955; 2020-01-01 is 18262 */
	int64_t days[] = { 17955, 17955, 17955, 17955, 18000, 18262, 18262,
			   18262, 18263 };
	struct batch_test bt;

	(void)state;
	pipeline_batch_test(days, 9, top, NTOP, 20, &bt);
	assert_int_equal(bt.repeats, 9 - 4);
	assert_int_equal(bt.members, 7);
	assert_int_equal(bt.days, 2);
	assert_int_equal(bt.year_lo, 2019);
	assert_int_equal(bt.year_hi, 2020);
	/* no repeat, no evidence */
	pipeline_batch_test(days + 3, 3, top, NTOP, 20, &bt);
	assert_true(bt.p == 1);
}

/* Above 4096 members the Chernoff bound replaces the exact sum: it must
 * stay above it. The exact tail is computed here by the same recursion
 * without truncation. */
static void test_batch_chernoff(void **state)
{
	enum { N = 5000 };
	static int64_t days[N];
	static uint64_t big[100000];
	static double dp[N + 1];
	struct batch_test bt;
	double cum = 0, nall = 0, exact = 0;
	size_t x;

	(void)state;
	for (size_t d = 0; d < 100000; d++) {
		big[d] = 10; /* a flat history of 100000 days x 10 */
		nall += 10;
	}
	/* members: 300 repeats (about 125 expected by the bound) */
	for (size_t i = 0; i < N; i++)
		days[i] = (int64_t)(i < 301 ? 0 : i);
	pipeline_batch_test(days, N, big, 100000, (uint64_t)nall, &bt);
	x = bt.repeats;
	assert_int_equal(x, 300);
	dp[0] = 1;
	for (size_t i = 1; i < N; i++) {
		double pi;

		cum += (double)big[i - 1];
		pi = fmin(1, cum / nall);
		for (size_t k = i; k > 0; k--)
			dp[k] = dp[k] * (1 - pi) + dp[k - 1] * pi;
		dp[0] *= 1 - pi;
	}
	for (size_t k = x; k <= N; k++)
		exact += dp[k];
	assert_true(bt.p >= exact);
	assert_true(bt.p < 1);
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
		cmocka_unit_test(test_batch_dp_and_validity),
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
