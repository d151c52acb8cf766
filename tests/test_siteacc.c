/* test_siteacc.c - the statistics linking accounts to site networks
 * (model/siteacc): the other accounts' rate with add-one and the
 * Bonferroni-adjusted binomial tail, against closed forms and a brute-force
 * sum of the binomial probabilities; the site rule's test of coordination
 * beyond links on hand-made edges. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/siteacc.h"

static void test_rate(void **state)
{
	(void)state;
	/* 10 of 100 links overall, 4 of the account's 20: (6 + 1) / 81 */
	assert_true(fabs(siteacc_rate(10, 100, 4, 20) - 7.0 / 81) < 1e-15);
	/* nobody else links it: still a rate, 1 / (N - n + 1) */
	assert_true(fabs(siteacc_rate(5, 50, 5, 10) - 1.0 / 41) < 1e-15);
	/* every other link goes there: capped at 1 */
	assert_true(siteacc_rate(60, 60, 10, 10) == 1.0);
	/* the account holds every link: 1 / 1, capped */
	assert_true(siteacc_rate(3, 3, 3, 3) == 1.0);
}

/* P(X >= k), X ~ Bin(n, q), by summing the pmf term by term */
static double brute_sf(unsigned k, unsigned n, double q)
{
	double s = 0;

	for (unsigned x = k; x <= n; x++) {
		double c = 1;

		for (unsigned i = 0; i < x; i++)
			c = c * (n - i) / (i + 1);
		s += c * pow(q, x) * pow(1 - q, n - x);
	}
	return s;
}

static void test_p(void **state)
{
	(void)state;
	/* all 3 of 3 at q = 0.1, two networks: 2 * 0.001 */
	assert_true(fabs(siteacc_p(3, 3, 0.1, 2) - 0.002) < 1e-15);
	/* P(Bin(4, 1/2) >= 2) = 11/16 */
	assert_true(fabs(siteacc_p(2, 4, 0.5, 1) - 11.0 / 16) < 1e-12);
	/* m = 0 counts as one test; k = 0 is certain; capped at 1 */
	assert_true(fabs(siteacc_p(2, 4, 0.5, 0) - 11.0 / 16) < 1e-12);
	assert_true(siteacc_p(0, 5, 0.3, 10) == 1.0);
	assert_true(siteacc_p(2, 4, 0.5, 3) == 1.0);
	for (unsigned n = 1; n <= 30; n += 7)
		for (unsigned k = 0; k <= n; k++) {
			double q = 0.9 * (k + 1) / (n + 2);
			double want = brute_sf(k, n, q) * 5;
			double got = siteacc_p(k, n, q, 5);

			if (want > 1)
				want = 1;
			if (fabs(got - want) > 1e-9 * (want > 1e-300 ? want : 1))
				fail_msg("n=%u k=%u q=%g: %g, want %g", n, k, q,
					 got, want);
		}
}

static void test_nonlink(void **state)
{
	uint32_t x[COORD__COUNT] = { 0 };

	(void)state;
	/* only shared domains and URLs: not coordination beyond links */
	x[COORD_DOMAIN] = 30;
	x[COORD_LINK] = 2;
	assert_false(siteacc_edge_nonlink(x, 32));
	/* reposts are a minority of the tested count: still not */
	x[COORD_REPOST] = 15;
	assert_false(siteacc_edge_nonlink(x, 47));
	/* exactly half: yes; more than half: yes */
	x[COORD_REPOST] = 32;
	assert_true(siteacc_edge_nonlink(x, 64));
	x[COORD_DOMAIN] = 0;
	x[COORD_LINK] = 0;
	x[COORD_TEXT] = 1;
	assert_true(siteacc_edge_nonlink(x, 33));
	/* nothing at all */
	memset(x, 0, sizeof(x));
	assert_false(siteacc_edge_nonlink(x, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_p),
		cmocka_unit_test(test_nonlink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
