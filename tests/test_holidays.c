/* test_holidays.c - the embedded Chinese holiday calendar against dates
 * looked up in the State Council notices (e.g. 国办发明电〔2018〕15号 for
 * 2019: National Day 10-01..10-07, make-up workdays Sun 09-29 and Sat
 * 10-12), and day counting against hand counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "features/holidays.h"

struct day_case {
	int y;
	unsigned m, d;
	enum day_kind kind;
};

static const struct day_case day_cases[] = {
	{ 2019, 9, 28, DAY_WEEKEND },  /* Saturday */
	{ 2019, 9, 29, DAY_ADJUSTED }, /* Sunday worked */
	{ 2019, 9, 30, DAY_WORKDAY },
	{ 2019, 10, 1, DAY_HOLIDAY },
	{ 2019, 10, 4, DAY_HOLIDAY },
	{ 2019, 10, 5, DAY_HOLIDAY }, /* a Saturday inside the block */
	{ 2019, 10, 7, DAY_HOLIDAY },
	{ 2019, 10, 8, DAY_WORKDAY },
	{ 2019, 10, 12, DAY_ADJUSTED }, /* Saturday worked */
	{ 2019, 10, 13, DAY_WEEKEND },
	/* Spring Festival 2020, extended for COVID-19 to 2020-02-02 */
	{ 2020, 1, 19, DAY_ADJUSTED },
	{ 2020, 1, 24, DAY_HOLIDAY },
	{ 2020, 2, 2, DAY_HOLIDAY },
	{ 2020, 2, 3, DAY_WORKDAY },
	/* 2015-09-03, the one-off 70th anniversary holiday */
	{ 2015, 9, 3, DAY_HOLIDAY },
	{ 2015, 9, 6, DAY_ADJUSTED },
	{ 2010, 1, 1, DAY_HOLIDAY },
	{ 2026, 10, 10, DAY_ADJUSTED },
	/* outside 2010-2026: weekday only */
	{ 2009, 10, 1, DAY_WORKDAY }, /* Thursday, a holiday in fact */
	{ 2009, 10, 3, DAY_WEEKEND },
	{ 2027, 1, 1, DAY_WORKDAY },  /* Friday */
};

static void test_day_kinds(void **state)
{
	(void)state;
	assert_int_equal(holidays_init(), CIB_OK);
	for (size_t i = 0; i < sizeof(day_cases) / sizeof(day_cases[0]); i++) {
		const struct day_case *c = &day_cases[i];
		int64_t day = holidays_days_from_civil(c->y, c->m, c->d);

		if (holidays_day_kind(day) != c->kind)
			fail_msg("%d-%02u-%02u: got %d, want %d", c->y, c->m, c->d,
				 holidays_day_kind(day), c->kind);
	}
	assert_true(holidays_is_workday(holidays_days_from_civil(2019, 10, 12)));
	assert_false(holidays_is_workday(holidays_days_from_civil(2019, 10, 2)));
	assert_true(holidays_covered(holidays_days_from_civil(2010, 1, 1)));
	assert_true(holidays_covered(holidays_days_from_civil(2026, 12, 31)));
	assert_false(holidays_covered(holidays_days_from_civil(2009, 12, 31)));
	assert_false(holidays_covered(holidays_days_from_civil(2027, 1, 1)));
}

static void test_civil_and_weekday(void **state)
{
	(void)state;
	assert_int_equal(holidays_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(holidays_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(holidays_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(holidays_weekday(0), 3);  /* Thursday */
	assert_int_equal(holidays_weekday(-1), 2); /* Wednesday */
	assert_int_equal(holidays_weekday(holidays_days_from_civil(2019, 10, 1)), 1);
}

static void test_count_days(void **state)
{
	uint32_t c[DAY__COUNT], cov;

	(void)state;
	/* 2019-09-28 .. 2019-10-13 by hand: workdays 09-30 and 10-08..11 (5),
	 * weekend 09-28, 10-13 (2), holiday 10-01..07 (7), adjusted 2 */
	holidays_count_days(holidays_days_from_civil(2019, 9, 28),
			    holidays_days_from_civil(2019, 10, 13), c, &cov);
	assert_int_equal(c[DAY_WORKDAY], 5);
	assert_int_equal(c[DAY_WEEKEND], 2);
	assert_int_equal(c[DAY_HOLIDAY], 7);
	assert_int_equal(c[DAY_ADJUSTED], 2);
	assert_int_equal(cov, 16);
	/* across the start of coverage: 2009-12-28..31 Mon-Thu, then the
	 * 2010 New Year block 01-01..03 */
	holidays_count_days(holidays_days_from_civil(2009, 12, 28),
			    holidays_days_from_civil(2010, 1, 3), c, &cov);
	assert_int_equal(c[DAY_WORKDAY], 4);
	assert_int_equal(c[DAY_HOLIDAY], 3);
	assert_int_equal(c[DAY_WEEKEND], 0);
	assert_int_equal(cov, 3);
	/* year 2000 (uncovered): 366 days from a Saturday: 52 weeks give
	 * 104 weekend days, plus Sat 12-30 and Sun 12-31 */
	holidays_count_days(holidays_days_from_civil(2000, 1, 1),
			    holidays_days_from_civil(2000, 12, 31), c, &cov);
	assert_int_equal(c[DAY_WEEKEND], 106);
	assert_int_equal(c[DAY_WORKDAY], 260);
	assert_int_equal(c[DAY_HOLIDAY], 0);
	assert_int_equal(cov, 0);
	/* every holiday and workday line of the CSV is in the table:
	 * grep -c ',holiday,' = 469, ',workday,' = 112 */
	holidays_count_days(holidays_days_from_civil(2010, 1, 1),
			    holidays_days_from_civil(2026, 12, 31), c, &cov);
	assert_int_equal(c[DAY_HOLIDAY], 469);
	assert_int_equal(c[DAY_ADJUSTED], 112);
	assert_int_equal(c[0] + c[1] + c[2] + c[3], cov);
	/* empty range */
	holidays_count_days(10, 9, c, &cov);
	assert_int_equal(c[0] + c[1] + c[2] + c[3], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_kinds),
		cmocka_unit_test(test_civil_and_weekday),
		cmocka_unit_test(test_count_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
