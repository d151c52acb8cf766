/* civil.h - proleptic Gregorian calendar arithmetic on day numbers (days
 * since 1970-01-01), shared by the collectors' timestamp parsing and the
 * features' holiday calendar, so it lives once, here. */
#ifndef CIB_CIVIL_H
#define CIB_CIVIL_H

#include <stdint.h>

/* The one range of instants cibscan accepts from any input, in UTC
 * seconds: 1900-01-01T00:00:00Z to 2200-12-31T23:59:59Z, both included.
 * Every reader refuses a time outside it as a malformed record with
 * TIMEFMT_RANGE_MSG (core/timefmt.h), whatever the form it was
 * written in, and every instant inside it is written by convert as a
 * four-digit-year ISO time that the JSONL reader takes back, so a round
 * trip never loses a post. Why these bounds: docs/formats.md. */
#define CIVIL_TIME_MIN INT64_C(-2208988800)
#define CIVIL_TIME_MAX INT64_C(7289654399)

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31); exact for any year. */
int64_t civil_days_from_date(int64_t y, unsigned m, unsigned d);
/* Inverse of civil_days_from_date. */
void civil_date_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
