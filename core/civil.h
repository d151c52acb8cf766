/* civil.h - proleptic Gregorian calendar arithmetic on day numbers (days
 * since 1970-01-01), shared by the collectors' timestamp parsing and the
 * features' holiday calendar, so it lives once, here. */
#ifndef CIB_CIVIL_H
#define CIB_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31); exact for any year. */
int64_t civil_days_from_date(int64_t y, unsigned m, unsigned d);
/* Inverse of civil_days_from_date. */
void civil_date_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
