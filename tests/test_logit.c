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
	m.intercept = -1;
	m.threshold = 0.6;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(logit_save(&m, f), CIB_OK);
	fclose(f);
	assert_int_equal(logit_load(&back, buf, len, names, 2, msg, sizeof(msg)),
			 CIB_OK);
	assert_true(fabs(logit_predict(&back, x) - logit_predict(&m, x)) < 1e-12);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_form),
		cmocka_unit_test(test_one_class_refused),
		cmocka_unit_test(test_threshold_calibration),
		cmocka_unit_test(test_save_load_roundtrip),
		cmocka_unit_test(test_adjust_prior),
	};

	return cmocka_run_group_tests_name("logit", tests, NULL, NULL);
}
