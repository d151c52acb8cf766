/* test_logit.c - the logistic fit against closed forms. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/logit.h"

/* One binary feature: x = 0 has 10 positives and 30 negatives, x = 1 has
 * 30 positives and 10 negatives. Without a penalty the maximum-likelihood
 * fit reproduces the cell frequencies: P(y|x=0) = 0.25, P(y|x=1) = 0.75,
 * and the slope on the raw scale is log 3 - log(1/3) = 2 log 3. With
 * standardisation (mean 0.5, sd 0.5) the stored coefficient is log 3 and
 * the intercept 0. */
static void test_closed_form(void **state)
{
	double X[80];
	int y[80];
	size_t n = 0;
	struct logit_model m;
	char msg[128];
	double x0 = 0, x1 = 1;

	(void)state;
	for (int i = 0; i < 40; i++) {
		X[n] = 0;
		y[n++] = i < 10;
	}
	for (int i = 0; i < 40; i++) {
		X[n] = 1;
		y[n++] = i < 30;
	}
	memset(&m, 0, sizeof(m));
	m.p = 1;
	snprintf(m.names[0], sizeof(m.names[0]), "x");
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 0.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(fabs(logit_predict(&m, &x0) - 0.25) < 1e-6);
	assert_true(fabs(logit_predict(&m, &x1) - 0.75) < 1e-6);
	assert_true(fabs(m.coef[0] - log(3.0)) < 1e-6);
	assert_true(fabs(m.intercept) < 1e-6);
	/* a ridge penalty shrinks the slope toward 0 */
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 10.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(m.coef[0] < log(3.0) - 0.01);
	assert_true(m.coef[0] > 0);
}

static void test_one_class_refused(void **state)
{
	double X[4] = { 0, 1, 2, 3 };
	int y[4] = { 1, 1, 1, 1 };
	struct logit_model m;
	char msg[128];

	(void)state;
	memset(&m, 0, sizeof(m));
	m.p = 1;
	assert_int_equal(logit_fit(&m, X, y, NULL, 4, 1.0, msg, sizeof(msg)),
			 CIB_ERANGE);
}

static void test_threshold_calibration(void **state)
{
	/* 10 negatives scoring 0.0 .. 0.9 and 5 positives at 0.95: at FPR 0.1
	 * exactly one negative (0.9) may be at or above the threshold, so
	 * the threshold is just above the second-highest negative, 0.8 */
	double s[15];
	int y[15];
	struct logit_model m;

	(void)state;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < 10; i++) {
		s[i] = i / 10.0;
		y[i] = 0;
	}
	for (int i = 10; i < 15; i++) {
		s[i] = 0.95;
		y[i] = 1;
	}
	m.prior = 0;
	logit_calibrate_threshold(&m, s, y, 15, 0.1);
	assert_true(m.threshold > 0.8 && m.threshold < 0.8 + 1e-9);
}

static void test_save_load_roundtrip(void **state)
{
	struct logit_model m, back;
	const char *names[2] = { "a", "b" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	char msg[128];
	double x[2] = { 1.5, -2 };

	(void)state;
	memset(&m, 0, sizeof(m));
	m.p = 2;
	snprintf(m.names[0], 48, "a");
	snprintf(m.names[1], 48, "b");
	m.mean[0] = 1;
	m.mean[1] = 2;
	m.sd[0] = 0.5;
	m.sd[1] = 3;
	m.coef[0] = 0.7;
	m.coef[1] = -0.2;
	m.sign[0] = 1;
	m.sign[1] = -1;
	m.prior_e = 0.3;
	m.prior_n = 0.01;
	m.intercept = -1;
	m.threshold = 0.6;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(logit_save(&m, f), CIB_OK);
	fclose(f);
	assert_int_equal(logit_load(&back, buf, len, names, 2, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(fabs(logit_predict(&back, x) - logit_predict(&m, x)) < 1e-12);
	assert_int_equal(back.sign[0], 1);
	assert_int_equal(back.sign[1], -1);
	assert_true(back.prior_e == 0.3 && back.prior_n == 0.01);
	/* names must match */
	names[1] = "c";
	assert_int_equal(logit_load(&back, buf, len, names, 2, msg, sizeof(msg)),
			 CIB_EPARSE);
	free(buf);
}

/* Prior shift by EM against the closed form: with two groups of scores
 * (n0 at s0, n1 at s1) from a model fitted at prior t, the likelihood of
 * the new prior q is maximised where n0 d0 / (1 + q d0) + n1 d1 / (1 + q d1)
 * = 0, d = (s / (1 - s)) / (t / (1 - t)) - 1, so q = -(n0 d0 + n1 d1) /
 * (d0 d1 (n0 + n1)). Values computed in Python from that formula:
 * t = 0.2, s0 = 0.05, s1 = 0.9, n0 = 900, n1 = 100 gives q = 0.100952...,
 * and the posteriors move to 0.023094 and 0.801681. */
static void test_adjust_prior(void **state)
{
	double s[1000], q;

	(void)state;
	for (int i = 0; i < 1000; i++)
		s[i] = i < 900 ? 0.05 : 0.9;
	q = logit_adjust_prior(s, 1000, 0.2);
	assert_true(fabs(q - 0.10095238095238096) < 1e-8);
	assert_true(fabs(s[0] - 0.023093681917211333) < 1e-8);
	assert_true(fabs(s[999] - 0.8016806722689076) < 1e-8);
	/* data with no positive-looking account: the prior goes to its floor
	 * and every posterior with it */
	for (int i = 0; i < 1000; i++)
		s[i] = 0.1;
	q = logit_adjust_prior(s, 1000, 0.2);
	assert_true(q <= 2 * LOGIT_PRIOR_MIN);
	assert_true(s[0] < 1e-5);
	/* scores at the training prior's own mix stay put */
	for (int i = 0; i < 1000; i++)
		s[i] = i < 800 ? 0.0 : 1.0;
	q = logit_adjust_prior(s, 1000, 0.2);
	assert_true(fabs(q - 0.2) < 1e-9);
	assert_true(s[999] == 1.0 && s[0] == 0.0);
	/* a bad training prior changes nothing */
	s[0] = 0.3;
	assert_true(logit_adjust_prior(s, 1, 0) == 0);
	assert_true(s[0] == 0.3);
}

/* Sign constraints against closed forms. One binary feature whose effect
 * is negative (x = 0: 30 of 40 positive, x = 1: 10 of 40): unconstrained
 * the slope is -log 3; held >= 0 it is exactly 0 and the intercept is the
 * pooled log-odds, log(40/40) = 0. */
static void test_sign_constraint_one(void **state)
{
	double X[80];
	int y[80];
	size_t n = 0;
	struct logit_model m;
	char msg[128];

	(void)state;
	for (int i = 0; i < 40; i++) {
		X[n] = 0;
		y[n++] = i < 30;
	}
	for (int i = 0; i < 40; i++) {
		X[n] = 1;
		y[n++] = i < 10;
	}
	memset(&m, 0, sizeof(m));
	m.p = 1;
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 0.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(fabs(m.coef[0] + log(3.0)) < 1e-6);
	m.sign[0] = 1;
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 0.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(m.coef[0] == 0.0);
	assert_true(fabs(m.intercept) < 1e-8);
	/* a <= 0 constraint leaves the negative slope alone */
	m.sign[0] = -1;
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 0.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(fabs(m.coef[0] + log(3.0)) < 1e-6);
}

/* Two binary features. x1 as in test_closed_form (25% vs 75% positive);
 * inside each x1 cell half the rows have x2 = 1, and those are less often
 * positive (x1 = 0: 8 of 20 vs 2 of 20; x1 = 1: 18 of 20 vs 12 of 20).
 * Held >= 0, coef2 is 0 (its gradient at the x1-only fit is 14 - 20 < 0),
 * and the fit is the x1-only one: predictions 0.25 and 0.75 whatever x2
 * (the KKT point of a concave problem, so the optimum). */
static void test_sign_constraint_two(void **state)
{
	double X[160];
	int y[80];
	size_t n = 0;
	struct logit_model m;
	char msg[128];
	static const int pos[2][2] = { { 8, 2 }, { 18, 12 } };

	(void)state;
	for (int x1 = 0; x1 < 2; x1++)
		for (int x2 = 0; x2 < 2; x2++)
			for (int i = 0; i < 20; i++) {
				X[2 * n] = x1;
				X[2 * n + 1] = x2;
				y[n++] = i < pos[x1][x2];
			}
	memset(&m, 0, sizeof(m));
	m.p = 2;
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 0.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(m.coef[1] < -0.1); /* unconstrained: negative */
	m.sign[0] = m.sign[1] = 1;
	assert_int_equal(logit_fit(&m, X, y, NULL, n, 0.0, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(m.coef[1] == 0.0);
	for (int x1 = 0; x1 < 2; x1++)
		for (int x2 = 0; x2 < 2; x2++) {
			double r[2] = { x1, x2 };

			assert_true(fabs(logit_predict(&m, r) -
					 (x1 ? 0.75 : 0.25)) < 1e-6);
		}
}

/* Property: with every coefficient held >= 0, raising any input never
 * lowers the score. Fitted on random data in which half the features
 * push the other way, then probed at random points and steps. */
static void test_monotone_property(void **state)
{
	enum { N = 2000, P = 6 };
	static double X[N * P];
	static int y[N];
	struct logit_model m;
	char msg[128];
	uint64_t r = 12345;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		double z = -0.5;

		for (size_t j = 0; j < P; j++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			X[i * P + j] = (double)(r >> 11) / 9007199254740992.0 * 3;
			z += (j % 2 ? -1.0 : 1.0) * X[i * P + j];
		}
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		y[i] = (double)(r >> 11) / 9007199254740992.0 <
		       1 / (1 + exp(-z));
	}
	memset(&m, 0, sizeof(m));
	m.p = P;
	for (size_t j = 0; j < P; j++)
		m.sign[j] = 1;
	assert_int_equal(logit_fit(&m, X, y, NULL, N, 1.0, msg, sizeof(msg)),
			 CIB_OK);
	for (size_t j = 0; j < P; j++) {
		assert_true(m.coef[j] >= 0);
		if (j % 2)
			assert_true(m.coef[j] == 0.0);
		else
			assert_true(m.coef[j] > 0.1);
	}
	for (int t = 0; t < 1000; t++) {
		double x[P], before, after;
		size_t j;

		for (size_t k = 0; k < P; k++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			x[k] = (double)(r >> 11) / 9007199254740992.0 * 5;
		}
		j = (size_t)(r >> 60) % P;
		before = logit_predict(&m, x);
		x[j] += 0.01 + (double)(r & 0xff) / 16;
		after = logit_predict(&m, x);
		assert_true(after >= before);
	}
}

/* The prior shift in two strata against the closed form. Stratum E is
 * test_adjust_prior's data (900 at 0.05, 100 at 0.9, t_e = 0.2), so q_e
 * is the same 0.100952...; the odds factor rho = odds(q_e)/odds(0.2) =
 * 0.449153; 50000 no-evidence accounts at 0.01 (t_n = 0.02) get odds
 * multiplied by rho: 0.0045164. They do not move q_e (the plain EM over
 * all 51000 would). When the E stratum calls for a higher share (500 and
 * 500: q_e = 0.619048, rho = 6.5), stratum N stays as fitted. Values
 * computed in Python from the formulas. */
static void test_adjust_prior_strata(void **state)
{
	enum { NE = 1000, NN = 50000 };
	static double s[NE + NN];
	static unsigned char ev[NE + NN];
	double qe = 0, mean;

	(void)state;
	for (int i = 0; i < NE + NN; i++) {
		ev[i] = i < NE;
		s[i] = i < 900 ? 0.05 : i < NE ? 0.9 : 0.01;
	}
	mean = logit_adjust_prior_strata(s, ev, NE + NN, 0.2, 0.02, &qe);
	assert_true(fabs(qe - 0.10095238095238096) < 1e-8);
	assert_true(fabs(s[0] - 0.023093681917211333) < 1e-8);
	assert_true(fabs(s[999] - 0.8016806722689076) < 1e-8);
	assert_true(fabs(s[NE] - 0.004516403919897743) < 1e-9);
	assert_true(fabs(mean - 0.00640730543033859) < 1e-9);
	for (int i = 0; i < NE + NN; i++)
		s[i] = i < 500 ? 0.05 : i < NE ? 0.9 : 0.01;
	logit_adjust_prior_strata(s, ev, NE + NN, 0.2, 0.02, &qe);
	assert_true(fabs(qe - 0.6190476190476191) < 1e-8);
	assert_true(s[NE] == 0.01 && s[NE + NN - 1] == 0.01);
	/* no account with evidence: nothing moves */
	for (int i = 0; i < NE + NN; i++) {
		ev[i] = 0;
		s[i] = 0.3;
	}
	logit_adjust_prior_strata(s, ev, NE + NN, 0.2, 0.02, &qe);
	assert_true(s[0] == 0.3 && qe == 0.2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_form),
		cmocka_unit_test(test_one_class_refused),
		cmocka_unit_test(test_threshold_calibration),
		cmocka_unit_test(test_save_load_roundtrip),
		cmocka_unit_test(test_adjust_prior),
		cmocka_unit_test(test_sign_constraint_one),
		cmocka_unit_test(test_sign_constraint_two),
		cmocka_unit_test(test_monotone_property),
		cmocka_unit_test(test_adjust_prior_strata),
	};

	return cmocka_run_group_tests_name("logit", tests, NULL, NULL);
}
