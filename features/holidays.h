/* holidays.h - the Chinese public-holiday calendar, as data.
 *
 * data/holidays_cn.csv (embedded in the binary) lists, for 2010-2026, every
 * day off of each statutory holiday block and every adjusted working day
 * (a Saturday or Sunday worked in exchange, 调休). Day numbers are local
 * civil dates as days since 1970-01-01. Outside the covered years only the
 * weekday is known: such days are DAY_WORKDAY or DAY_WEEKEND, never
 * DAY_HOLIDAY, and holidays_covered() says so.
 *
 * Thread-safe: the table is built once (pthread_once) and read-only after.
 */
#ifndef CIB_HOLIDAYS_H
#define CIB_HOLIDAYS_H

#include <stdint.h>

#include "core/error.h"

enum day_kind {
	DAY_WORKDAY = 0,  /* ordinary Monday-Friday */
	DAY_WEEKEND = 1,  /* ordinary Saturday or Sunday */
	DAY_HOLIDAY = 2,  /* a day off of a public-holiday block */
	DAY_ADJUSTED = 3, /* a weekend day that is a make-up working day */
	DAY__COUNT
};

/* Parses the embedded table (once). CIB_EPARSE if the embedded data is
 * malformed (a build error, caught by the tests). Calling it is optional:
 * the lookups below call it themselves. */
enum cib_err holidays_init(void);

/* Kind of local civil day `day` (days since 1970-01-01). */
enum day_kind holidays_day_kind(int64_t day);

/* 1 when day is a working day in China: DAY_WORKDAY or DAY_ADJUSTED. */
int holidays_is_workday(int64_t day);

/* 1 when `day` lies within the years the table covers. */
int holidays_covered(int64_t day);

/* Monday = 0 .. Sunday = 6. */
int holidays_weekday(int64_t day);

/* counts[k] = number of days of kind k in [first, last] (inclusive; zero
 * everywhere when first > last). O(1) with prefix sums. *n_covered (may be
 * NULL) = how many of those days the holiday table covers. Days beyond
 * +-2^40 are clamped. */
void holidays_count_days(int64_t first, int64_t last,
			 uint32_t counts[DAY__COUNT], uint32_t *n_covered);

/* Days since 1970-01-01 of the proleptic Gregorian date. */
int64_t holidays_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
