/* tzconv.h - UTC -> local offset for one IANA time zone, DST-correct.
 *
 * tzconv_init() builds a table of the zone's offset transitions over
 * [t_min, t_max] once; tzconv_offset() is then a binary search over it,
 * read-only and safe to call from any number of threads.
 *
 * How the table is built: the zone's TZif file is read from the zone
 * directory the caller names (NULL: TZCONV_DEFAULT_DIR; the command line
 * passes $TZDIR, as the C library would use it) and asked for the offset
 * glibc's localtime_r() would give, stepping through the span (6 hours; a
 * week for the coarse variant) and bisecting each change of offset to the
 * exact second. Nothing reads or sets the environment (TZ), so tables may
 * be built while other threads run. Times outside [t_min, t_max] get the
 * offset at the nearer end.
 */
#ifndef CIB_TZCONV_H
#define CIB_TZCONV_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Widest span one table may cover (400 years): a bound on the table's size
 * whatever the caller passes. */
#define TZCONV_MAX_SPAN ((int64_t)400 * 366 * 86400)
#define TZCONV_NAME_MAX 128
/* The tz database when the caller names none. */
#define TZCONV_DEFAULT_DIR "/usr/share/zoneinfo"

struct tzconv {
	char name[TZCONV_NAME_MAX];
	size_t n;       /* transitions, >= 1 once initialised */
	int64_t *start; /* start[i]: first UTC second of off[i]; start[0] is the span start */
	int32_t *off;   /* minutes east of UTC */
	int32_t min_off, max_off; /* over the table */
};

/* Builds the table for IANA zone `iana` ("Asia/Shanghai", "UTC") over
 * [t_min, t_max] (UTC seconds), reading the zone from tz database
 * directory `dir` (NULL or "": TZCONV_DEFAULT_DIR). CIB_ENOTFOUND when the
 * zone is not in the tz database (or the name is not a plain zone path,
 * or its file is not a well-formed TZif file), CIB_EUSAGE when
 * t_min > t_max, CIB_ERANGE past TZCONV_MAX_SPAN, CIB_ENOMEM. The caller owns
 * `z` and frees its table with tzconv_release(). */
enum cib_err tzconv_init(struct tzconv *z, const char *dir, const char *iana,
			 int64_t t_min, int64_t t_max);

/* Same, sampling weekly instead of every 6 hours: 30 times faster, for
 * long spans where a pair of transitions less than a week apart may be
 * missed (location.c's 1990-2040 tables). */
enum cib_err tzconv_init_coarse(struct tzconv *z, const char *dir,
				const char *iana, int64_t t_min, int64_t t_max);

/* Offset of local time from UTC at `utc`, in minutes east (Beijing: 480). */
int32_t tzconv_offset(const struct tzconv *z, int64_t utc);

/* Local seconds (utc + offset) at `utc`. */
int64_t tzconv_local(const struct tzconv *z, int64_t utc);

/* Accepts NULL. */
void tzconv_release(struct tzconv *z);

/* 1 when `iana` names a zone in tz database directory `dir` (NULL:
 * TZCONV_DEFAULT_DIR), else 0. */
int tzconv_zone_exists(const char *dir, const char *iana);

#endif
