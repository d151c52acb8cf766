/* rhythm.c - office shifts on Beijing time, personal days in local time
 * and schedulers (rhythm.h).
 *
 * The Chinese working-day calendar is data/holidays_cn.csv (embedded at
 * build time, owned by features/holidays.c): it is parsed here once into a
 * small sorted table, because the generator must not depend on the feature
 * code it is used to test. Outside the table's years weekends are the only
 * days off. Invariant: every function returns a time in [t0, t1) when
 * t1 > t0.
 */
#include "rhythm.h"

#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"

extern const char data_holidays_cn_csv[];
extern const size_t data_holidays_cn_csv_len;

#define MAX_HOL 2048

static int64_t hol_day[MAX_HOL];
static signed char hol_kind[MAX_HOL]; /* 1 holiday, 2 make-up workday */
static int n_hol = -1;

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Parses "YYYY-MM-DD,kind,..." lines; anything else is skipped. Not
 * thread-safe on first use; the generator runs on one thread. */
static void hol_load(void)
{
	const char *p = data_holidays_cn_csv,
		   *end = p + data_holidays_cn_csv_len;
	int64_t pack[MAX_HOL];
	int n = 0;

	while (p < end && n < MAX_HOL) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int64_t t;
		int mo;

		if (len > 12 && p[4] == '-' && p[10] == ',' &&
		    !timefmt_parse_iso(p, 10, &t, &mo)) {
			int k = strncmp(p + 11, "holiday", 7) == 0   ? 1
				: strncmp(p + 11, "workday", 7) == 0 ? 2
								     : 0;

			if (k)
				pack[n++] = (t / 86400) * 4 + k;
		}
		p += len + 1;
	}
	qsort(pack, (size_t)n, sizeof(*pack), cmp_i64);
	for (int i = 0; i < n; i++) {
		hol_day[i] = pack[i] / 4;
		hol_kind[i] = (signed char)(pack[i] % 4);
	}
	n_hol = n;
}

int rhythm_cn_workday(int64_t day)
{
	int lo = 0, hi;
	int64_t w = ((day + 4) % 7 + 7) % 7; /* 0 Sunday */

	if (n_hol < 0)
		hol_load();
	hi = n_hol;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (hol_day[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n_hol && hol_day[lo] == day)
		return hol_kind[lo] == 2;
	return w != 0 && w != 6;
}

void rhythm_shift_draw(struct srng *r, struct shift *s, double p_evening)
{
	s->start = (int)srng_range(r, 8 * 60, 9 * 60 + 30);
	s->lunch0 = (int)srng_range(r, 11 * 60 + 50, 12 * 60 + 10);
	s->lunch1 = (int)srng_range(r, 13 * 60 + 20, 13 * 60 + 40);
	s->supper0 = (int)srng_range(r, 17 * 60 + 20, 17 * 60 + 50);
	s->supper1 = (int)srng_range(r, 18 * 60 + 40, 19 * 60 + 10);
	s->evening = srng_coin(r, p_evening);
	s->end = (int)srng_range(r, 21 * 60, 22 * 60 + 30);
	s->saturday = srng_coin(r, 0.15);
}

/* A working minute of the shift, uniform over its segments. */
static int shift_minute(struct srng *r, const struct shift *s)
{
	int a = s->lunch0 - s->start, b = s->supper0 - s->lunch1,
	    c = s->evening ? s->end - s->supper1 : 0;
	int x = (int)srng_below(r, (uint64_t)(a + b + c));

	if (x < a)
		return s->start + x;
	x -= a;
	if (x < b)
		return s->lunch1 + x;
	return s->supper1 + x - b;
}

int64_t rhythm_office(struct srng *r, const struct shift *s, int64_t t0,
		      int64_t t1)
{
	const int64_t off = 8 * 3600;

	if (t1 <= t0)
		return t0;
	for (int tries = 0; tries < 64; tries++) {
		int64_t lt = t0 + off + (int64_t)srng_below(r, (uint64_t)(t1 - t0));
		int64_t day = lt >= 0 ? lt / 86400 : (lt - 86399) / 86400;
		int64_t w = ((day + 4) % 7 + 7) % 7;
		int64_t t;

		if (!rhythm_cn_workday(day) && !(s->saturday && w == 6))
			continue;
		t = day * 86400 + (int64_t)shift_minute(r, s) * 60;
		t += (int64_t)srng_below(r, 60) - off;
		if (t >= t0 && t < t1)
			return t;
	}
	/* a short or holiday-only interval: any shift minute near it */
	{
		int64_t day = (t0 + off) / 86400,
			t = day * 86400 + (int64_t)shift_minute(r, s) * 60 - off;

		return t >= t0 && t < t1 ? t : t0 + (int64_t)srng_below(r, (uint64_t)(t1 - t0));
	}
}

/* Weekday activity per local hour (public diurnal curves of Twitter: a
 * trough 02-06, a lunchtime bump, the peak 19-23). */
static const double day_curve[24] = {
	3.0, 1.8, 1.0, 0.6, 0.5, 0.6, 1.2, 2.4, 3.4, 3.8, 4.0, 4.2,
	5.8, 5.4, 3.9, 4.0, 4.4, 4.9, 5.6, 6.2, 6.8, 7.0, 6.2, 4.6,
};

int64_t rhythm_local(struct srng *r, int tz, int64_t t0, int64_t t1)
{
	int64_t t = t0;

	if (t1 <= t0)
		return t0;
	for (int tries = 0; tries < 64; tries++) {
		int64_t lt, h, w;
		double acc;

		t = t0 + (int64_t)srng_below(r, (uint64_t)(t1 - t0));
		lt = t + (int64_t)tz * 60;
		h = ((lt % 86400) + 86400) % 86400 / 3600;
		w = (((lt >= 0 ? lt / 86400 : (lt - 86399) / 86400) + 4) % 7 + 7) % 7;
		acc = day_curve[h] / 7.0;
		if ((w == 0 || w == 6) && h >= 9 && h <= 18)
			acc *= 1.2;
		if (srng_unif(r) < acc)
			return t;
	}
	return t;
}

int64_t rhythm_any(struct srng *r, int64_t t0, int64_t t1)
{
	if (t1 <= t0)
		return t0;
	return t0 + (int64_t)srng_below(r, (uint64_t)(t1 - t0));
}
