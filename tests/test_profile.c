/* test_profile.c - creation batches against closed-form Poisson values,
 * the default-handle table, follower shape and engagement. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/dataset.h"
#include "core/postindex.h"
#include "features/profile.h"

#define NEAR(a, b, tol)                                                      \
	do {                                                                 \
		double a_ = (a), b_ = (b);                                   \
		if (!(fabs(a_ - b_) <= (tol)))                               \
			fail_msg("%s = %.12g, want %.12g (+-%g)", #a, a_, b_, \
				 (double)(tol));                             \
	} while (0)

static void test_default_handle_table(void **state)
{
	static const struct { const char *h; int want; } cases[] = {
		{ "john83746251", 1 },	 /* name + 8 digits: X's suggestion */
		{ "@JohnSmi83746251", 1 }, /* leading @ ignored */
		{ "mary_jones_123456", 1 },
		{ "8373625161", 1 },	 /* digits only */
		{ "a8f3k2j9", 1 },	 /* 7 letter/digit alternations */
		{ "x7y2z9w4q", 1 },
		{ "john_smith", 0 },
		{ "john1985", 0 },	 /* a year is 4 digits */
		{ "user12345", 0 },	 /* 5 digits: below the rule */
		{ "wuming11xia", 0 },	 /* real archive handle: 2 alternations */
		{ "ailaiyi5", 0 },
		{ "BTS_twt", 0 },
		{ "12345", 0 },		 /* too short to say */
		{ "b2b4life2020", 0 },	 /* 5 alternations */
		{ "", 0 },
		/* IO archives hash small accounts' handles: not judged */
		{ "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE=", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (profile_default_handle(cases[i].h) != cases[i].want)
			fail_msg("default_handle('%s') != %d", cases[i].h,
				 cases[i].want);
	assert_int_equal(profile_default_handle(NULL), 0);
}

/* P(X >= k) for X ~ Poisson(mu) summed directly. */
static double pois_upper_direct(int k, double mu)
{
	double term = exp(-mu), cdf = 0;

	for (int j = 0; j < k; j++) {
		cdf += term;
		term *= mu / (j + 1);
	}
	return 1 - cdf;
}

static void test_poisson_upper(void **state)
{
	(void)state;
	/* P(X >= 2 | 1) = 1 - e^-1 (1 + 1) = 1 - 2/e */
	NEAR(profile_poisson_upper(2, 1.0), 1 - 2 / exp(1.0), 1e-12);
	NEAR(profile_poisson_upper(0, 3.0), 1.0, 0);
	NEAR(profile_poisson_upper(1, 0.5), 1 - exp(-0.5), 1e-12);
	NEAR(profile_poisson_upper(10, 1.0), pois_upper_direct(10, 1.0), 1e-15);
}

static void add_acc(struct dataset *ds, const char *id, int64_t created,
		    int64_t fo, int64_t fg, const char *handle)
{
	struct account_rec r;

	account_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.handle = handle;
	r.created = created;
	r.followers = fo;
	r.following = fg;
	assert_int_equal(dataset_add_account(ds, &r, NULL), CIB_OK);
}

/* Days 0..100 get one account each, day 50 gets 11 (10 extra), and one
 * account has no creation date: 111 dated accounts over a span of 101
 * days, g = 111/101 per day.
 * Day 50: window 20..80 holds 60 other days with 1 each; lambda = (60 +
 * 111/101) / 61 = 1.0016231; c = 11, so the others number 10:
 * p = P(Poisson(1.0016231) >= 10) ~ 1.14e-7, z = (10 - lambda)/sqrt(lambda)
 * = 8.998377 / 1.000811 = 8.99108.
 * Day 10: window clipped to 0..40: 40 other days; lambda = (40 + 111/101)
 * / 41 = 1.0024149; c = 1: p = 1, z = -sqrt(lambda). */
static void test_creation_batch(void **state)
{
	struct dataset ds;
	struct postindex pi;
	struct profile_result r;
	char id[32];
	int64_t t0 = 1500000000 / 86400 * 86400; /* a UTC midnight */
	double g = 111.0 / 101, l50 = (60 + g) / 61, l10 = (40 + g) / 41;
	uint32_t batch_acc = 0, day10_acc = 0, nodate;

	(void)state;
	dataset_init(&ds);
	for (int d = 0; d <= 100; d++) {
		int k = d == 50 ? 11 : 1;

		for (int j = 0; j < k; j++) {
			snprintf(id, sizeof(id), "d%d-%d", d, j);
			/* spread over the day: the UTC day is what counts */
			add_acc(&ds, id, t0 + 86400LL * d + 3000 * j + 7, 10, 10,
				"someone");
			if (d == 50 && j == 3)
				batch_acc = (uint32_t)(ds.acc.n - 1);
			if (d == 10)
				day10_acc = (uint32_t)(ds.acc.n - 1);
		}
	}
	add_acc(&ds, "nodate", TIME_NONE, COUNT_NONE, 5, "x");
	nodate = (uint32_t)(ds.acc.n - 1);
	assert_int_equal(postindex_build(&pi, &ds), CIB_OK);
	assert_int_equal(profile_compute(&ds, &pi, &r), CIB_OK);
	assert_int_equal(r.created_same_day[batch_acc], 11);
	NEAR(r.creation_lambda[batch_acc], 1.0016231, 1e-7);
	NEAR(r.creation_lambda[batch_acc], l50, 1e-12);
	NEAR(r.creation_p[batch_acc], pois_upper_direct(10, l50),
	     1e-6 * pois_upper_direct(10, l50));
	NEAR(r.creation_p[batch_acc], 1.14e-7, 0.01e-7);
	NEAR(r.creation_z[batch_acc], (10 - l50) / sqrt(l50), 1e-9);
	NEAR(r.creation_z[batch_acc], 8.99108, 1e-5);
	assert_int_equal(r.created_same_day[day10_acc], 1);
	NEAR(r.creation_lambda[day10_acc], l10, 1e-12);
	NEAR(r.creation_p[day10_acc], 1.0, 0);
	NEAR(r.creation_z[day10_acc], -sqrt(l10), 1e-12);
	assert_true(isnan(r.creation_p[nodate]));
	assert_true(isnan(r.creation_z[nodate]));
	assert_int_equal(r.created_same_day[nodate], 0);
	assert_true(isnan(r.follow_ratio[nodate])); /* followers unknown */
	NEAR(r.follow_ratio[0], 0.0, 1e-12);
	profile_result_release(&r);
	profile_result_release(NULL);
	postindex_release(&pi);
	dataset_release(&ds);
}

static void add_post(struct dataset *ds, const char *acc, const char *id,
		     enum post_kind kind, int64_t likes, int64_t reposts,
		     int64_t replies, int64_t quotes)
{
	struct post_rec r;

	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = acc;
	r.time = 1000;
	r.kind = kind;
	r.likes = likes;
	r.reposts = reposts;
	r.replies = replies;
	r.quotes = quotes;
	if (kind != POST_ORIGINAL)
		r.ref_post = "orig";
	assert_int_equal(dataset_add_post(ds, &r, NULL), CIB_OK);
}

/* Account a: 999 followers, following 9: log10(1000/10) = 2. Originals
 * with 3+1+0 and 5+1 (two counts unknown) = 10 over 2 posts = 5 per post;
 * per follower 5/1000. The repost's 5000 likes belong to someone else.
 * Account b: only a repost: no original, NAN. */
static void test_follow_and_engagement(void **state)
{
	struct dataset ds;
	struct postindex pi;
	struct profile_result r;

	(void)state;
	dataset_init(&ds);
	add_acc(&ds, "a", TIME_NONE, 999, 9, "a_handle");
	add_acc(&ds, "b", TIME_NONE, 0, 4999, "b_handle");
	add_post(&ds, "a", "p1", POST_ORIGINAL, 3, 1, 0, COUNT_NONE);
	add_post(&ds, "a", "p2", POST_ORIGINAL, 5, 1, COUNT_NONE, COUNT_NONE);
	add_post(&ds, "a", "p3", POST_REPOST, 5000, 900, 10, 1);
	add_post(&ds, "a", "p4", POST_ORIGINAL, COUNT_NONE, COUNT_NONE,
		 COUNT_NONE, COUNT_NONE); /* no counts: not in the mean */
	add_post(&ds, "b", "p5", POST_REPOST, 7, 7, 7, 7);
	assert_int_equal(postindex_build(&pi, &ds), CIB_OK);
	assert_int_equal(profile_compute(&ds, &pi, &r), CIB_OK);
	NEAR(r.follow_ratio[0], 2.0, 1e-12);
	NEAR(r.follow_ratio[1], -log10(5000.0), 1e-12);
	assert_int_equal(r.n_original[0], 2);
	NEAR(r.engagement_per_post[0], 5.0, 1e-12);
	NEAR(r.engagement_per_follower[0], 5.0 / 1000, 1e-15);
	assert_true(isnan(r.engagement_per_post[1]));
	assert_true(isnan(r.engagement_per_follower[1]));
	assert_int_equal(r.default_handle[0], 0);
	profile_result_release(&r);
	postindex_release(&pi);
	dataset_release(&ds);
}

/* The creation test on shards: accounts dealt to 3 datasets, each
 * shard's creation days summed (as score --mpi all-reduces them), and
 * profile_compute_days on every shard gives each account the whole
 * dataset's statistics, bit for bit. Random days with clumps, unknown
 * dates, and days only one shard has. */
static void test_creation_shards(void **state)
{
	struct dataset whole, part[3];
	struct postindex pw, pp[3];
	struct profile_result rw, rp[3];
	int64_t *d[3];
	uint64_t *c[3];
	size_t n[3], nm = 0;
	int64_t md[600];
	uint64_t mc[600];
	uint64_t x = 12345;
	(void)state;

	dataset_init(&whole);
	for (int k = 0; k < 3; k++)
		dataset_init(&part[k]);
	for (int a = 0; a < 500; a++) {
		char id[16];
		int64_t created;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		snprintf(id, sizeof(id), "a%d", a);
		/* a clump on day 200, a spread over 400 days, 1 in 10 unknown */
		if ((x >> 33) % 10 == 0)
			created = TIME_NONE;
		else if ((x >> 40) % 4 == 0)
			created = 200 * 86400 + (int64_t)((x >> 20) % 86400);
		else
			created = (int64_t)((x >> 24) % 400) * 86400 - 86400 * 30 +
				  (int64_t)((x >> 13) % 86400);
		add_acc(&whole, id, created, -1, -1, "h");
		add_acc(&part[a % 3 == 0 ? 0 : (a % 7 == 1 ? 1 : 2)], id,
			created, -1, -1, "h");
	}
	assert_int_equal(postindex_build(&pw, &whole), CIB_OK);
	assert_int_equal(profile_compute(&whole, &pw, &rw), CIB_OK);
	/* the shards' days, merged: sums of counts per day */
	for (int k = 0; k < 3; k++)
		assert_int_equal(profile_days_of(&part[k], &d[k], &c[k], &n[k]),
				 CIB_OK);
	for (int64_t day = -40; day < 420; day++) {
		uint64_t sum = 0;

		for (int k = 0; k < 3; k++)
			for (size_t i = 0; i < n[k]; i++)
				sum += d[k][i] == day ? c[k][i] : 0;
		if (sum) {
			md[nm] = day;
			mc[nm++] = sum;
		}
	}
	for (int k = 0; k < 3; k++) {
		struct profile_days pd = { nm, md, mc };

		assert_int_equal(postindex_build(&pp[k], &part[k]), CIB_OK);
		assert_int_equal(profile_compute_days(&part[k], &pp[k], &pd,
						      &rp[k]),
				 CIB_OK);
		for (size_t a = 0; a < part[k].acc.n; a++) {
			const char *ida = ds_str(&part[k], part[k].acc.id[a]);
			uint32_t idw, w;

			assert_int_equal(dataset_intern(&whole, ida, &idw),
					 CIB_OK);
			w = dataset_find_account(&whole, PLATFORM_X, idw);
			assert_true(w != UINT32_MAX);
			assert_memory_equal(&rp[k].creation_p[a],
					    &rw.creation_p[w], sizeof(double));
			assert_memory_equal(&rp[k].creation_z[a],
					    &rw.creation_z[w], sizeof(double));
			assert_memory_equal(&rp[k].creation_lambda[a],
					    &rw.creation_lambda[w],
					    sizeof(double));
			assert_int_equal(rp[k].created_same_day[a],
					 rw.created_same_day[w]);
		}
		profile_result_release(&rp[k]);
		postindex_release(&pp[k]);
		free(d[k]);
		free(c[k]);
		dataset_release(&part[k]);
	}
	/* the clump was found */
	{
		size_t big = 0;

		for (size_t a = 0; a < whole.acc.n; a++)
			big += rw.created_same_day[a] > 20;
		assert_true(big > 20);
	}
	profile_result_release(&rw);
	postindex_release(&pw);
	dataset_release(&whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_handle_table),
		cmocka_unit_test(test_poisson_upper),
		cmocka_unit_test(test_creation_batch),
		cmocka_unit_test(test_follow_and_engagement),
		cmocka_unit_test(test_creation_shards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
