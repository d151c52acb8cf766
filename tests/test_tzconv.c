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
#include <stdlib.h>
#include <string.h>

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

		assert_int_equal(tzconv_init(&z, c->zone, c->t - 86400 * 400,
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
	assert_int_equal(tzconv_init(&z, "America/New_York", 1546300800,
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
	/* TZ is restored */
	assert_int_equal(setenv("TZ", "Europe/Paris", 1), 0);
	assert_int_equal(tzconv_init(&z, "Asia/Tokyo", 0, 1000), CIB_OK);
	assert_string_equal(getenv("TZ"), "Europe/Paris");
	assert_int_equal(tzconv_offset(&z, 500), 540);
	tzconv_release(&z);
	unsetenv("TZ");
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

		assert_int_equal(tzconv_init(&a, zones[i], 1262304000, 1609459200),
				 CIB_OK);
		assert_int_equal(tzconv_init_coarse(&b, zones[i], 1262304000,
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
		assert_int_equal(tzconv_init(&z, bad[i], 0, 1), CIB_ENOTFOUND);
	assert_int_equal(tzconv_init(&z, NULL, 0, 1), CIB_ENOTFOUND);
	assert_int_equal(tzconv_init(&z, "UTC", 10, 1), CIB_EUSAGE);
	assert_int_equal(tzconv_init(&z, "UTC", 0, TZCONV_MAX_SPAN + 1),
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
		cmocka_unit_test(test_bad_zones),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_location_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
