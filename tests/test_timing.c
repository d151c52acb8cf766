/* test_timing.c - timing profiles and the shift/organic fit.
 *
 * Hand cases: expected values are worked out in the comments (binomial
 * tail, Clopper-Pearson bound, closed-form likelihoods of a uniform
 * profile), never taken from the code's own output. Simulated cases draw
 * posts with GSL (fixed seed) from a known office schedule and a known
 * organic diurnal curve and assert the ordering of scores with margin.
 * Set CIB_BENCH_TIMING=1 to also time timing_compute on 10M posts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "core/dataset.h"
#include "core/postindex.h"
#include "features/holidays.h"
#include "features/timing.h"

#define T0 1500000000 /* 2017-07-14 */
#define T1 1600000000 /* 2020-09-13 */

static void near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.10g, want %.10g (tol %g)", what, got, want, tol);
}

static int64_t utc_of(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
	return holidays_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static void test_profile_counts(void **state)
{
	struct timing_ctx c;
	struct timing_profile p, a, b;

	(void)state;
	assert_int_equal(timing_ctx_init_span(&c, NULL, NULL, T0, T1), CIB_OK);
	assert_int_equal(c.std_offset_min, 480);
	timing_profile_init(&p);
	/* 2019-10-01 02:15:30 UTC = Tue 10:15:30 Beijing, National Day */
	timing_profile_add_post(&p, &c, utc_of(2019, 10, 1, 2, 15, 30), 0);
	/* 2019-10-12 01:00:00 UTC = Sat 09:00 Beijing, a make-up workday;
	 * minutes-only source: no second-of-minute */
	timing_profile_add_post(&p, &c, utc_of(2019, 10, 12, 1, 0, 0),
				POST_TIME_MINUTES);
	/* 2019-10-13 16:30:59 UTC (Sunday) = Mon 2019-10-14 00:30 Beijing */
	timing_profile_add_post(&p, &c, utc_of(2019, 10, 13, 16, 30, 59), 0);
	timing_profile_add_post(&p, &c, TIME_NONE, 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.offday[20], 1);
	assert_int_equal(p.n_holiday, 1);
	assert_int_equal(p.local[1][20], 1);
	assert_int_equal(p.utc_hour[1][4], 1);
	assert_int_equal(p.workday[18], 1);
	assert_int_equal(p.local[5][18], 1);
	assert_int_equal(p.workday[1], 1);
	assert_int_equal(p.local[0][1], 1);
	assert_int_equal(p.utc_hour[6][33], 1);
	assert_int_equal(p.n_workday, 2);
	assert_int_equal(p.n_weekend, 0);
	assert_int_equal(p.weekday[0] + p.weekday[1] + p.weekday[5], 3);
	assert_int_equal(p.n_sec, 2);
	assert_int_equal(p.sec_hist[30], 1);
	assert_int_equal(p.sec_hist[59], 1);
	assert_int_equal(p.first_day, holidays_days_from_civil(2019, 10, 1));
	assert_int_equal(p.last_day, holidays_days_from_civil(2019, 10, 14));
	/* merging two halves gives the whole */
	timing_profile_init(&a);
	timing_profile_init(&b);
	timing_profile_add_post(&a, &c, utc_of(2019, 10, 1, 2, 15, 30), 0);
	timing_profile_add_post(&b, &c, utc_of(2019, 10, 12, 1, 0, 0),
				POST_TIME_MINUTES);
	timing_profile_add_post(&b, &c, utc_of(2019, 10, 13, 16, 30, 59), 0);
	timing_profile_merge(&a, &b);
	assert_memory_equal(&a, &p, sizeof(p));
	timing_ctx_release(&c);
	timing_ctx_release(NULL);
}

static void test_reference_zone_dst(void **state)
{
	struct timing_ctx c;
	struct timing_profile p;

	(void)state;
	assert_int_equal(timing_ctx_init_span(&c, NULL, "America/New_York", T0, T1),
			 CIB_OK);
	assert_int_equal(c.std_offset_min, -300);
	timing_profile_init(&p);
	/* 2019-03-10 06:59:59 UTC = 01:59:59 EST; 07:00:00 UTC = 03:00 EDT */
	timing_profile_add_post(&p, &c, 1552201199, 0);
	timing_profile_add_post(&p, &c, 1552201200, 0);
	assert_int_equal(p.offday[3], 1);
	assert_int_equal(p.offday[6], 1);
	timing_ctx_release(&c);
	assert_int_equal(timing_ctx_init_span(&c, NULL, "Nowhere/City", T0, T1),
			 CIB_ENOTFOUND);
	/* a stray timestamp far in the future does not fail the run */
	assert_int_equal(timing_ctx_init_span(&c, NULL, NULL, T0, INT64_MAX / 2),
			 CIB_OK);
	timing_ctx_release(&c);
}

/* A profile uniform over the 48 slots (2 posts each, all on the 5
 * workdays of 2019-06-10..16, a week with no holiday) is fitted perfectly
 * by both models: each slot-level log-likelihood is
 *   sum_slot 2 * log((2*2 + 1) / (2*96 + 48)) = -96 log 48.
 * Off days: n_W = 96, n_O = 0, D_W = 5, D_O = 2. Shift: lambda = (0.5/2) /
 * (96.5/5) = 0.0129534 inside [0, 0.5], LL = 96 log(5 / (5 + 2 lambda))
 * = -0.4961251. Organic: lambda clamped to 0.5, LL = 96 log(5/6) =
 * -17.5028695. Grids: 252 shift shapes x 48 offsets = 12096; organic
 * shapes 20 (T, evening) x 4 x 2 = 160 x 48 = 7680; the continuous
 * penalties are equal, so
 *   llr = 17.0067443 + log(7680 / 12096) = 16.5524890. */
static void test_fit_uniform_closed_form(void **state)
{
	struct timing_profile p;
	struct timing_fit f;

	(void)state;
	timing_profile_init(&p);
	for (int s = 0; s < TIMING_SLOTS; s++)
		p.workday[s] = 2;
	p.n = p.n_workday = 96;
	p.first_day = holidays_days_from_civil(2019, 6, 10);
	p.last_day = holidays_days_from_civil(2019, 6, 16);
	p.ref_offset_min = 480;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	near(f.ll_shift, -96 * log(48.0) - 0.4961251352, 1e-6, "ll_shift");
	near(f.ll_organic, -96 * log(48.0) - 17.5028694522, 1e-6, "ll_organic");
	near(f.shift_llr, 16.5524890447, 1e-6, "llr");
	/* weekend posts 0 per day over 2 weekend days: ratio 0 */
	near(f.weekend_ratio, 0, 1e-12, "weekend_ratio");
	assert_true(isnan(f.holiday_ratio));
	/* the same profile with a single-day span: no day-type term, and
	 * llr is the grid term alone, log(7680/12096) */
	p.last_day = p.first_day;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	near(f.shift_llr, -0.4542552723, 1e-6, "llr no days");
	near(f.ll_shift, f.ll_organic, 1e-9, "equal fits");
	near(f.shift_p, 1.0, 0, "p");
}

static void test_empty_profile(void **state)
{
	struct timing_profile p;
	struct timing_fit f;

	(void)state;
	timing_profile_init(&p);
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_int_equal(f.n, 0);
	near(f.shift_p, 1, 0, "p");
	assert_int_equal(f.inferred_offset_min, INT32_MIN);
	assert_true(isnan(f.seconds_chi2_p));
	assert_int_equal(timing_fit_profile(NULL, &f), CIB_EUSAGE);
}

/* Lunch window 12:00-13:30 (slots 24-26) holds x = 1 post, the 1.5 hours
 * either side (slots 21-23, 27-29) hold 11. Under a flat rate a post in
 * these 9 slots falls in the window with probability 3/9, so
 *   P(X <= 1 | N = 12, 1/3) = (2/3)^12 + 12 (1/3) (2/3)^11
 *                           = 28672 / 531441 = 0.0539514264
 * and the rate ratio is (1/3) / (11/6) = 2/11. */
static void test_dip_binomial(void **state)
{
	struct timing_profile p;
	struct timing_fit f;
	const int adj[6] = { 21, 22, 23, 27, 28, 29 };
	const uint32_t cnt[6] = { 2, 2, 2, 2, 2, 1 };

	(void)state;
	timing_profile_init(&p);
	p.workday[25] = 1;
	for (int i = 0; i < 6; i++)
		p.workday[adj[i]] = cnt[i];
	p.n = p.n_workday = 12;
	p.first_day = p.last_day = holidays_days_from_civil(2019, 6, 10);
	p.ref_offset_min = 480;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	near(f.lunch_dip_p, 28672.0 / 531441.0, 1e-9, "lunch_dip_p");
	near(f.lunch_ratio, 2.0 / 11.0, 1e-12, "lunch_ratio");
	/* nothing around supper: no evidence, p = 1 */
	near(f.supper_dip_p, 1.0, 0, "supper_dip_p");
	assert_true(isnan(f.supper_ratio));
}

/* UTC slots 36-47 (18:00-24:00 UTC) empty, 5 posts in each other slot:
 * the unique quietest 6 hours are centred on 21:00 UTC; placed at 04:00
 * local this is UTC+7 (420 min). With 0 of n = 180 posts in the gap the
 * 95% Clopper-Pearson upper bound is 1 - 0.05^(1/180) = 0.0165052, and
 * conf = 1 - 0.0165052 / 0.25 = 0.9339791. */
static void test_sleep_gap(void **state)
{
	struct timing_profile p;
	struct timing_fit f;

	(void)state;
	timing_profile_init(&p);
	for (int s = 0; s < 36; s++) {
		p.utc_hour[2][s] = 5;
		p.workday[s] = 5;
	}
	p.n = p.n_workday = 180;
	p.first_day = p.last_day = holidays_days_from_civil(2019, 6, 12);
	p.ref_offset_min = 480;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_int_equal(f.inferred_offset_min, 420);
	near(f.sleep_gap_conf, 0.9339790872, 1e-6, "sleep_gap_conf");
	/* 36 x 50000 = 1.8M posts: Wilson's bound with x = 0 is z^2 / (n + z^2),
	 * z = 1.6448536: 2.7055434 / 1800002.7055 = 1.5030774e-6, conf =
	 * 1 - 4 * that = 0.9999939877 */
	for (int s = 0; s < 36; s++)
		p.utc_hour[2][s] = 50000;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_int_equal(f.inferred_offset_min, 420);
	near(f.sleep_gap_conf, 0.9999939877, 1e-9, "sleep_gap_conf wilson");
	/* 9 posts: too few to place a gap */
	timing_profile_init(&p);
	p.utc_hour[0][0] = 9;
	p.workday[0] = 9;
	p.n = p.n_workday = 9;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_int_equal(f.inferred_offset_min, INT32_MIN);
	near(f.sleep_gap_conf, 0, 0, "conf small");
}

/* second of minute: 2 posts at each second -> chi^2 = 0 -> p = 1;
 * 60 posts all at :00 -> chi^2 = 59^2 + 59 = 3540 on 59 df -> p ~ 0;
 * 29 posts -> too few -> NAN. */
static void test_seconds_chi2(void **state)
{
	struct timing_profile p;
	struct timing_fit f;

	(void)state;
	timing_profile_init(&p);
	for (int i = 0; i < 60; i++)
		p.sec_hist[i] = 2;
	p.n = p.n_sec = p.n_workday = 120;
	p.workday[20] = 120;
	p.ref_offset_min = 480;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	near(f.seconds_chi2_p, 1.0, 1e-12, "uniform");
	memset(p.sec_hist, 0, sizeof(p.sec_hist));
	p.sec_hist[0] = 60;
	p.n_sec = 60;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_true(f.seconds_chi2_p < 1e-100);
	p.sec_hist[0] = 29;
	p.n_sec = 29;
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_true(isnan(f.seconds_chi2_p));
}

/* Days 2019-09-28..10-13: 5 workdays + 2 make-up workdays, 2 weekend
 * days, 7 holiday days. 2 posts per working day, 1 per weekend day, none
 * on holidays: weekend_ratio = (2/2) / (14/7) = 0.5, holiday_ratio = 0. */
static void test_weekend_holiday_ratio(void **state)
{
	struct timing_ctx c;
	struct timing_profile p;
	struct timing_fit f;
	int64_t d0 = holidays_days_from_civil(2019, 9, 28);

	(void)state;
	assert_int_equal(timing_ctx_init_span(&c, NULL, NULL, T0, T1), CIB_OK);
	timing_profile_init(&p);
	for (int64_t d = d0; d < d0 + 16; d++) {
		enum day_kind k = holidays_day_kind(d);
		int n = k == DAY_HOLIDAY ? 0 : k == DAY_WEEKEND ? 1 : 2;

		for (int i = 0; i < n; i++) /* 10:00 Beijing = 02:00 UTC */
			timing_profile_add_post(&p, &c, d * 86400 + 7200 + i, 0);
	}
	/* the holidays must lie inside the active span: one post on the
	 * first day and one on the last exist already */
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_int_equal(p.n_workday, 14);
	near(f.weekend_ratio, 0.5, 1e-12, "weekend_ratio");
	near(f.holiday_ratio, 0.0, 1e-12, "holiday_ratio");
	timing_ctx_release(&c);
}

/* ---- simulation ---- */

/* office schedule, Beijing: 09:00-12:00, 13:30-17:30, 19:00-22:00, with
 * a 3% leak, weekdays only */
static double office_w(int s)
{
	double h = s / 2.0;

	return ((h >= 9 && h < 12) || (h >= 13.5 && h < 17.5) ||
		(h >= 19 && h < 22)) ? 1.0 : 0.03;
}

/* company account: 09:00-12:00 and 13:30-18:00 only */
static double company_w(int s)
{
	double h = s / 2.0;

	return ((h >= 9 && h < 12) || (h >= 13.5 && h < 18)) ? 1.0 : 0.02;
}

/* organic: asleep 01-07, activity rising through the day, peaks at lunch
 * and in the evening (the shape of published Twitter diurnal curves) */
static double organic_w(int s)
{
	double h = s / 2.0 + 0.25, b;

	if (h < 1 || h >= 7)
		b = 0.4 + 0.6 * ((h < 7 ? h + 24 : h) - 7) / 18;
	else
		b = 0.05;
	return b + 0.6 * exp(-0.5 * pow((h - 12.5) / 0.6, 2)) +
	       0.6 * exp(-0.5 * pow((h - 21.5) / 1.2, 2));
}

static void draw(struct timing_profile *p, const struct timing_ctx *c,
		 gsl_rng *r, double (*w)(int), int off_min, int n,
		 int workdays_only)
{
	double cum[TIMING_SLOTS], t = 0;
	int64_t d0 = holidays_days_from_civil(2019, 1, 1);

	for (int s = 0; s < TIMING_SLOTS; s++) {
		t += w(s);
		cum[s] = t;
	}
	for (int i = 0; i < n; i++) {
		int64_t day;
		double u;
		int s = 0;

		do
			day = d0 + (int64_t)gsl_rng_uniform_int(r, 365);
		while (workdays_only && !holidays_is_workday(day));
		u = gsl_rng_uniform(r) * t;
		while (s < TIMING_SLOTS - 1 && cum[s] < u)
			s++;
		timing_profile_add_post(p, c,
					day * 86400 + s * 1800 +
						(int64_t)gsl_rng_uniform_int(r, 1800) -
						off_min * 60,
					0);
	}
}

static void test_small_account_not_confident(void **state)
{
	struct timing_ctx c;
	struct timing_profile p;
	struct timing_fit f;
	/* 5 posts on Beijing workdays at 09:30, 10:30, 11:00, 14:30, 16:00 */
	static const int hm[5][2] = { { 9, 30 }, { 10, 30 }, { 11, 0 },
				      { 14, 30 }, { 16, 0 } };

	(void)state;
	assert_int_equal(timing_ctx_init_span(&c, NULL, NULL, T0, T1), CIB_OK);
	timing_profile_init(&p);
	for (int i = 0; i < 5; i++)
		timing_profile_add_post(&p, &c,
					utc_of(2019, 6, 10 + (unsigned)i, hm[i][0] - 8,
					       hm[i][1], 7 * i),
					0);
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_true(f.shift_p > 0.5);
	assert_true(f.lunch_dip_p > 0.05);
	assert_true(f.sleep_gap_conf == 0);
	timing_ctx_release(&c);
}

static void test_simulated_ordering(void **state)
{
	struct timing_ctx c;
	struct timing_profile p;
	struct timing_fit f;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	static const int zones[] = { 480, 0, -300, 330, 60, -480, 540, 600 };
	double min_shift_llr = INFINITY, max_org_llr = -INFINITY;
	int org_sig = 0, n_org = 0;

	(void)state;
	assert_non_null(r);
	gsl_rng_set(r, 20190801);
	assert_int_equal(timing_ctx_init_span(&c, NULL, NULL, T0, T1), CIB_OK);
	for (int rep = 0; rep < 8; rep++) {
		/* office shift in Beijing, 150 posts */
		timing_profile_init(&p);
		draw(&p, &c, r, office_w, 480, 150, 1);
		assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
		min_shift_llr = fmin(min_shift_llr, f.shift_llr);
		assert_true(f.shift_p < 1e-6);
		assert_true(abs(f.shift_offset_min - 480) <= 60);
		if (!(f.lunch_start_h >= 11.5 && f.lunch_start_h <= 12.5))
			fail_msg("lunch %g-%g supper %g-%g off %d llr %g",
				 f.lunch_start_h, f.lunch_end_h, f.supper_start_h,
				 f.supper_end_h, f.shift_offset_min, f.shift_llr);
		assert_true(f.lunch_dip_p < 0.01);
		assert_true(f.lunch_ratio < 0.3);
		assert_true(f.weekend_ratio < 0.05);
		assert_true(abs(f.inferred_offset_min - 480) <= 120);

		/* ordinary people in eight zones, UTC+8 included, 150 posts */
		for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
			timing_profile_init(&p);
			draw(&p, &c, r, organic_w, zones[z], 150, 0);
			assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
			max_org_llr = fmax(max_org_llr, f.shift_llr);
			org_sig += f.shift_p < 0.05;
			n_org++;
			if (zones[z] == 480) {
				/* organic people post MORE at lunch */
				assert_true(f.lunch_ratio > 1.0);
				assert_true(f.lunch_dip_p > 0.5);
			}
			if (abs(f.inferred_offset_min - zones[z]) > 90)
				fail_msg("zone %d: inferred %d", zones[z],
					 f.inferred_offset_min);
		}
	}
	/* a wide margin between the two populations */
	if (!(min_shift_llr > 20 && max_org_llr < 0 &&
	      min_shift_llr - max_org_llr > 30))
		fail_msg("shift min %g, organic max %g", min_shift_llr,
			 max_org_llr);
	/* the p-value is a bound: no organic account of 64 reaches 0.05 */
	assert_int_equal(org_sig, 0);
	assert_int_equal(n_org, 64);

	/* an office-hours company account in UTC+8 shows its rhythm */
	timing_profile_init(&p);
	draw(&p, &c, r, company_w, 480, 300, 1);
	assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
	assert_true(f.shift_llr > 10);
	assert_true(f.lunch_dip_p < 0.01);
	gsl_rng_free(r);
	timing_ctx_release(&c);
}

/* ---- the whole dataset ---- */

static enum cib_err add(struct dataset *ds, const char *acc, int i,
			int64_t t, unsigned flags)
{
	struct post_rec r;
	char id[32];

	post_rec_init(&r);
	snprintf(id, sizeof(id), "%s-%d", acc, i);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = acc;
	r.time = t;
	r.flags = flags;
	return dataset_add_post(ds, &r, NULL);
}

static void test_compute_matches_profiles(void **state)
{
	struct dataset ds;
	struct postindex pi;
	struct timing_ctx c;
	struct timing_fit *out;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const int nacc = 40;

	(void)state;
	gsl_rng_set(r, 7);
	dataset_init(&ds);
	for (int a = 0; a < nacc; a++) {
		char acc[16];
		int n = (int)gsl_rng_uniform_int(r, 60);

		snprintf(acc, sizeof(acc), "a%d", a);
		for (int i = 0; i < n; i++)
			assert_int_equal(add(&ds, acc, i,
					     T0 + (int64_t)gsl_rng_uniform_int(r, 90000000),
					     i % 3 ? 0 : POST_TIME_MINUTES),
					 CIB_OK);
	}
	assert_int_equal(postindex_build(&pi, &ds), CIB_OK);
	assert_int_equal(timing_ctx_init(&c, &ds, NULL, NULL), CIB_OK);
	out = calloc(ds.acc.n, sizeof(*out));
	assert_non_null(out);
	assert_int_equal(timing_compute(&ds, &pi, &c, out), CIB_OK);
	for (size_t a = 0; a < ds.acc.n; a++) {
		struct timing_profile p;
		struct timing_fit f;

		timing_profile_init(&p);
		for (size_t i = 0; i < ds.post.n; i++)
			if (ds.post.account[i] == a)
				timing_profile_add_post(&p, &c, ds.post.time[i],
							ds.post.flags[i]);
		assert_int_equal(timing_fit_profile(&p, &f), CIB_OK);
		assert_int_equal(out[a].n, f.n);
		assert_int_equal(out[a].n, postindex_count(&pi, a));
		near(out[a].shift_llr, f.shift_llr, 0, "llr");
	}
	/* a postindex of another dataset is refused */
	pi.n_accounts--;
	assert_int_equal(timing_compute(&ds, &pi, &c, out), CIB_EUSAGE);
	pi.n_accounts++;
	free(out);
	timing_ctx_release(&c);
	postindex_release(&pi);
	dataset_release(&ds);
	gsl_rng_free(r);
}

/* CIB_BENCH_TIMING=1: 10M posts over 500k accounts, timed. */
static void test_bench(void **state)
{
	struct dataset ds;
	struct postindex pi;
	struct timing_ctx c;
	struct timing_fit *out;
	struct timespec t0, t1, c0, c1;
	const size_t nacc = 500000, npost = 10000000;
	uint64_t x = 88172645463325252ull;

	(void)state;
	if (!getenv("CIB_BENCH_TIMING"))
		skip();
	/* build the columns directly: dataset_add_post's hashing is not
	 * what is measured */
	memset(&ds, 0, sizeof(ds));
	ds.acc.n = nacc;
	ds.post.n = npost;
	ds.post.account = malloc(npost * sizeof(uint32_t));
	ds.post.time = malloc(npost * sizeof(int64_t));
	ds.post.flags = calloc(npost, 1);
	assert_non_null(ds.post.account);
	assert_non_null(ds.post.time);
	assert_non_null(ds.post.flags);
	for (size_t i = 0; i < npost; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ds.post.account[i] = (uint32_t)(x % nacc);
		ds.post.time[i] = T0 + (int64_t)((x >> 20) % 90000000);
	}
	pi.n_accounts = nacc;
	pi.off = calloc(nacc + 1, sizeof(uint64_t));
	pi.idx = malloc(npost * sizeof(uint32_t));
	assert_non_null(pi.off);
	assert_non_null(pi.idx);
	for (size_t i = 0; i < npost; i++)
		pi.off[ds.post.account[i] + 1]++;
	for (size_t a = 0; a < nacc; a++)
		pi.off[a + 1] += pi.off[a];
	{
		uint64_t *pos = malloc(nacc * sizeof(uint64_t));

		assert_non_null(pos);
		memcpy(pos, pi.off, nacc * sizeof(uint64_t));
		for (size_t i = 0; i < npost; i++)
			pi.idx[pos[ds.post.account[i]]++] = (uint32_t)i;
		free(pos);
	}
	assert_int_equal(timing_ctx_init_span(&c, NULL, NULL, T0, T0 + 90000000), CIB_OK);
	out = malloc(nacc * sizeof(*out));
	assert_non_null(out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	assert_int_equal(timing_compute(&ds, &pi, &c, out), CIB_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	printf("timing_compute: %zu posts, %zu accounts: %.2f s wall, %.2f s cpu\n",
	       npost, nacc,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9);
	free(out);
	timing_ctx_release(&c);
	free(pi.off);
	free(pi.idx);
	free(ds.post.account);
	free(ds.post.time);
	free(ds.post.flags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_counts),
		cmocka_unit_test(test_reference_zone_dst),
		cmocka_unit_test(test_fit_uniform_closed_form),
		cmocka_unit_test(test_empty_profile),
		cmocka_unit_test(test_dip_binomial),
		cmocka_unit_test(test_sleep_gap),
		cmocka_unit_test(test_seconds_chi2),
		cmocka_unit_test(test_weekend_holiday_ratio),
		cmocka_unit_test(test_small_account_not_confident),
		cmocka_unit_test(test_simulated_ordering),
		cmocka_unit_test(test_compute_matches_profiles),
		cmocka_unit_test(test_bench),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
