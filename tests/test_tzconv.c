/* test_tzconv.c - zone offsets and claimed locations against `TZ=zone date`.
 *
 * Every expected offset below was produced on Debian 12 (tzdata) by
 *   t=$(date -u -d "2019-03-10 07:00:00 UTC" +%s); TZ=America/New_York date -d @$t +%z
 * and pasted in; DST edges are checked one second either side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "features/location.h"
#include "features/tzconv.h"

struct off_case {
	const char *zone;
	int64_t t;
	int32_t off; /* minutes, from `date +%z` */
};

static const struct off_case off_cases[] = {
	/* US spring forward 2019-03-10 07:00 UTC, fall back 2019-11-03 06:00 */
	{ "America/New_York", 1552201199, -300 },
	{ "America/New_York", 1552201200, -240 },
	{ "America/New_York", 1572760799, -240 },
	{ "America/New_York", 1572760800, -300 },
	{ "America/New_York", 1561982400, -240 },
	/* EU spring forward 2019-03-31 01:00 UTC */
	{ "Europe/London", 1553993999, 0 },
	{ "Europe/London", 1553994000, 60 },
	{ "Europe/London", 1561982400, 60 },
	{ "Europe/Berlin", 1553993999, 60 },
	{ "Europe/Berlin", 1553994000, 120 },
	/* southern hemisphere: Sydney ends DST 2019-04-06 16:00 UTC */
	{ "Australia/Sydney", 1554566399, 660 },
	{ "Australia/Sydney", 1554566400, 600 },
	{ "Australia/Sydney", 1561982400, 600 },
	/* Sao Paulo began DST 2018-11-04 03:00 UTC (abolished from 2019) */
	{ "America/Sao_Paulo", 1541300399, -180 },
	{ "America/Sao_Paulo", 1541300400, -120 },
	{ "America/Sao_Paulo", 1561982400, -180 },
	/* no DST now; China had DST 1986-1991 */
	{ "Asia/Shanghai", 1561982400, 480 },
	{ "Asia/Shanghai", 583718400, 540 },
	{ "Asia/Shanghai", 596937600, 480 },
	{ "Asia/Kolkata", 1561982400, 330 },
	{ "UTC", 1561982400, 0 },
};

static void test_offsets_match_date(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(off_cases) / sizeof(off_cases[0]); i++) {
		const struct off_case *c = &off_cases[i];
		struct tzconv z;

		assert_int_equal(tzconv_init(&z, NULL, c->zone, c->t - 86400 * 400,
					     c->t + 86400 * 400),
				 CIB_OK);
		if (tzconv_offset(&z, c->t) != c->off)
			fail_msg("%s at %lld: got %d, want %d", c->zone,
				 (long long)c->t, tzconv_offset(&z, c->t), c->off);
		assert_int_equal(tzconv_local(&z, c->t), c->t + c->off * 60);
		tzconv_release(&z);
	}
}

static void test_transitions_exact(void **state)
{
	struct tzconv z;

	(void)state;
	/* one year of New York has exactly two transitions */
	assert_int_equal(tzconv_init(&z, NULL, "America/New_York", 1546300800,
				     1577836799),
			 CIB_OK);
	assert_int_equal(z.n, 3);
	assert_int_equal(z.start[1], 1552201200);
	assert_int_equal(z.start[2], 1572760800);
	assert_int_equal(z.min_off, -300);
	assert_int_equal(z.max_off, -240);
	/* outside the span: the nearer end's offset */
	assert_int_equal(tzconv_offset(&z, 0), -300);
	tzconv_release(&z);
	tzconv_release(NULL);
	/* the process's TZ is neither read nor changed */
	assert_int_equal(setenv("TZ", "Europe/Paris", 1), 0);
	assert_int_equal(tzconv_init(&z, NULL, "Asia/Tokyo", 0, 1000), CIB_OK);
	assert_string_equal(getenv("TZ"), "Europe/Paris");
	assert_int_equal(tzconv_offset(&z, 500), 540);
	tzconv_release(&z);
	unsetenv("TZ");
}

/* glibc's offset at t for the zone TZ is set to */
static int32_t glibc_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return INT32_MIN;
	return (int32_t)(tm.tm_gmtoff / 60);
}

/* One zone's table against glibc's localtime_r() with TZ set to the zone
 * (what the tables were built from before the TZif file was read
 * directly): one second either side of every transition, and every 5 days
 * plus a few hours from 1900 to 2100, which crosses every DST period. */
static void check_zone_against_glibc(const char *zone)
{
	const int64_t lo = -2208988800LL, hi = 4102444800LL; /* 1900, 2100 */
	struct tzconv z;

	if (tzconv_init(&z, NULL, zone, lo, hi) != CIB_OK)
		fail_msg("zone %s: cannot build", zone);
	assert_int_equal(setenv("TZ", zone, 1), 0);
	tzset();
	for (size_t i = 1; i < z.n; i++)
		for (int64_t d = -1; d <= 0; d++) {
			int64_t t = z.start[i] + d;

			if (tzconv_offset(&z, t) != glibc_offset(t))
				fail_msg("%s at %lld: %d, glibc %d", zone,
					 (long long)t, tzconv_offset(&z, t),
					 glibc_offset(t));
		}
	for (int64_t t = lo; t <= hi; t += 5 * 86400 + 3 * 3600 + 17)
		if (tzconv_offset(&z, t) != glibc_offset(t))
			fail_msg("%s at %lld: %d, glibc %d", zone, (long long)t,
				 tzconv_offset(&z, t), glibc_offset(t));
	tzconv_release(&z);
}

/* Every zone of the tz database (the Z lines of tzdata.zi), and the
 * POSIX-rule names, agree with glibc. */
static void test_all_zones_match_glibc(void **state)
{
	static const char *extra[] = { "UTC", "EST5EDT", "Etc/GMT+5",
				       "Asia/Shanghai", "America/Sao_Paulo" };
	FILE *f = fopen(TZCONV_DEFAULT_DIR "/tzdata.zi", "r");
	char line[256];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		check_zone_against_glibc(extra[i]);
	while (f && fgets(line, sizeof(line), f)) {
		char *e;

		if (line[0] != 'Z' || line[1] != ' ')
			continue;
		e = strchr(line + 2, ' ');
		if (!e)
			continue;
		*e = '\0';
		check_zone_against_glibc(line + 2);
		n++;
	}
	if (f)
		fclose(f);
	unsetenv("TZ");
	tzset();
	/* Debian's tzdata ships tzdata.zi: without it only the few above */
	if (f && n < 300)
		fail_msg("only %zu zones in tzdata.zi", n);
}

/* A zone directory other than the system's is honoured. */
static void test_zone_dir(void **state)
{
	struct tzconv z;

	(void)state;
	assert_int_equal(tzconv_init(&z, "/nonexistent", "UTC", 0, 1),
			 CIB_ENOTFOUND);
	assert_int_equal(tzconv_zone_exists("/nonexistent", "UTC"), 0);
	assert_int_equal(tzconv_zone_exists(NULL, "UTC"), 1);
	assert_int_equal(tzconv_init(&z, TZCONV_DEFAULT_DIR "/Europe", "Paris",
				     0, 1),
			 CIB_OK);
	assert_int_equal(tzconv_offset(&z, 0), 60);
	tzconv_release(&z);
}

/* the weekly scan finds the same transitions as the 6-hourly one */
static void test_coarse_equals_fine(void **state)
{
	static const char *zones[] = { "America/New_York", "Europe/London",
				       "Australia/Sydney", "America/Sao_Paulo",
				       "Africa/Casablanca", "Asia/Tehran" };

	(void)state;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct tzconv a, b;

		assert_int_equal(tzconv_init(&a, NULL, zones[i], 1262304000, 1609459200),
				 CIB_OK);
		assert_int_equal(tzconv_init_coarse(&b, NULL, zones[i], 1262304000,
						    1609459200),
				 CIB_OK);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.start, b.start, a.n * sizeof(a.start[0]));
		assert_memory_equal(a.off, b.off, a.n * sizeof(a.off[0]));
		tzconv_release(&a);
		tzconv_release(&b);
	}
}

static void test_bad_zones(void **state)
{
	static const char *bad[] = { "Mars/Olympus", "", "../etc/passwd",
				     "/etc/localtime", "Asia/Shanghai ",
				     "zone.tab", "Europe" };
	struct tzconv z;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tzconv_init(&z, NULL, bad[i], 0, 1), CIB_ENOTFOUND);
	assert_int_equal(tzconv_init(&z, NULL, NULL, 0, 1), CIB_ENOTFOUND);
	assert_int_equal(tzconv_init(&z, NULL, "UTC", 10, 1), CIB_EUSAGE);
	assert_int_equal(tzconv_init(&z, NULL, "UTC", 0, TZCONV_MAX_SPAN + 1),
			 CIB_ERANGE);
}

struct loc_case {
	const char *text;
	const char *zone; /* NULL: unknown */
};

static const struct loc_case loc_cases[] = {
	{ "New York, NY", "America/New_York" },
	{ "Austin, TX", "America/Chicago" },
	{ "los angeles", "America/Los_Angeles" },
	{ "LA", "America/Los_Angeles" },
	{ "Paris, Texas", "America/Chicago" },   /* state beats city */
	{ "Paris, France", "Europe/Paris" },
	{ "Perth, Scotland", "Europe/London" },  /* country beats city */
	{ "Perth, Australia", "Australia/Perth" }, /* city beats multi-zone */
	{ "London, Ontario", "America/Toronto" },
	{ "USA", "America/New_York" },
	{ "U.S.A.", "America/New_York" },
	{ "Washington, D.C.", "America/New_York" },
	{ "Seattle | WA", "America/Los_Angeles" },
	{ "living in SAN FRANCISCO bay area", "America/Los_Angeles" },
	{ "M\xc3\xa9xico", "America/Mexico_City" },
	{ "MEXICO", "America/Mexico_City" },
	{ "\xe5\x8c\x97\xe4\xba\xac", "Asia/Shanghai" },   /* Beijing in hanzi */
	{ "\xe6\x9d\xb1\xe4\xba\xac", "Asia/Tokyo" },      /* Tokyo in kanji */
	{ "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "Europe/Moscow" },
	{ "Hong Kong", "Asia/Hong_Kong" },
	{ "Earth", NULL },
	{ "", NULL },
	{ "in my head", NULL }, /* "in" is Indiana only as a whole part */
	{ "\xff\xfe", NULL },   /* invalid UTF-8 */
};

static void test_locations(void **state)
{
	(void)state;
	assert_int_equal(location_init(), CIB_OK);
	for (size_t i = 0; i < sizeof(loc_cases) / sizeof(loc_cases[0]); i++) {
		const char *z = NULL;
		int r = location_zone(loc_cases[i].text, &z);

		if (!loc_cases[i].zone) {
			if (r != -1)
				fail_msg("'%s': want unknown, got %s",
					 loc_cases[i].text, z);
		} else if (r != 0 || strcmp(z, loc_cases[i].zone) != 0) {
			fail_msg("'%s': want %s, got %s", loc_cases[i].text,
				 loc_cases[i].zone, r ? "unknown" : z);
		}
	}
	assert_int_equal(location_zone(NULL, NULL), -1);
}

static void test_location_offsets(void **state)
{
	int32_t off = 0;
	char big[4096];

	(void)state;
	/* DST follows the claimed place: New York winter vs summer */
	assert_int_equal(location_offset("Brooklyn, NY", 1552201199, &off), 0);
	assert_int_equal(off, -300);
	assert_int_equal(location_offset("Brooklyn, NY", 1552201200, &off), 0);
	assert_int_equal(off, -240);
	assert_int_equal(location_offset("Beijing, China", 1561982400, &off), 0);
	assert_int_equal(off, 480);
	assert_int_equal(location_offset("Mumbai", 1561982400, &off), 0);
	assert_int_equal(off, 330);
	assert_int_equal(location_offset("nowhere land", 0, &off), -1);
	/* a huge field is cut, not overflowed */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "Tokyo, ", 7);
	assert_int_equal(location_offset(big, 1561982400, &off), 0);
	assert_int_equal(off, 540);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_match_date),
		cmocka_unit_test(test_transitions_exact),
		cmocka_unit_test(test_coarse_equals_fine),
		cmocka_unit_test(test_all_zones_match_glibc),
		cmocka_unit_test(test_zone_dir),
		cmocka_unit_test(test_bad_zones),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_location_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
