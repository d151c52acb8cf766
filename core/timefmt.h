/* timefmt.h - the one place timestamps from platform exports become UTC
 * seconds. Every collector uses these; none carries its own parser.
 *
 * All functions take a byte range (need not be NUL-terminated), return 0 on
 * success, -1 when the text is not a valid time of that form and
 * TIMEFMT_OUT_OF_RANGE when it is one but the instant lies outside
 * CIVIL_TIME_MIN..CIVIL_TIME_MAX (core/civil.h), and never read past
 * s[n-1].
 */
#ifndef CIB_TIMEFMT_H
#define CIB_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"

#define TIMEFMT_OUT_OF_RANGE (-2)
/* The message every reader gives for a time outside the range (no ':' in
 * it: diag groups reasons by the text before the first one). */
#define TIMEFMT_RANGE_MSG "time outside 1900-01-01 to 2200-12-31 UTC"

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d. */
int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Inverse of timefmt_days_from_civil. */
void timefmt_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* ISO 8601 / RFC 3339 and the archive form:
 *   YYYY-MM-DD[( |T)HH:MM[:SS[.frac]]][Z|UTC|(+|-)HH[:]MM]
 * No zone means UTC. *minutes_only is set to 1 when no seconds were given
 * (may be NULL). Fractions are truncated. */
int timefmt_parse_iso(const char *s, size_t n, int64_t *t, int *minutes_only);

/* Twitter v1.1: "Wed Oct 10 20:19:24 +0000 2018". */
int timefmt_parse_twitter(const char *s, size_t n, int64_t *t);

/* Unix seconds, integer or decimal ("1546300800", "1546300800.0",
 * "1.5463008E9"). */
int timefmt_parse_unix(const char *s, size_t n, int64_t *t);

/* "YYYY-MM-DD HH:MM:SS ZZZ" with a zone abbreviation (CrowdTangle):
 * EST, EDT, CST, CDT, MST, MDT, PST, PDT, AKST, AKDT, HST, UTC, GMT, BST,
 * CET, CEST, EET, EEST, IST, JST, KST, HKT, SGT, AEST, AEDT. */
int timefmt_parse_zoned(const char *s, size_t n, int64_t *t);

/* Offset east of UTC in seconds for a zone abbreviation; -1 if unknown. */
int timefmt_zone_offset(const char *abbr, size_t n, int *offset);

/* Tries every form above in turn. */
int timefmt_parse_any(const char *s, size_t n, int64_t *t, int *minutes_only);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL) into buf. */
void timefmt_format_utc(int64_t t, char buf[32]);

#endif
