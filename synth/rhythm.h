/* rhythm.h - when the accounts of the synth modes post.
 *
 * Three clocks: an office shift on Beijing time (weekdays that are
 * working days in China, with a lunch and a supper break whose edges each
 * operator sets), a person's day in their own zone (the diurnal curve of
 * public Twitter studies, with weekends), and a scheduler that fires at
 * any hour of any day. All times are Unix seconds (UTC).
 */
#ifndef CIB_RHYTHM_H
#define CIB_RHYTHM_H

#include <stdint.h>

#include "srng.h"

/* One operator's office day, minutes after local midnight (UTC+8). */
struct shift {
	int start, lunch0, lunch1, supper0, supper1, end; /* end > supper1
							     or evening off */
	int evening; /* works 19:00-`end` after supper */
	int saturday; /* also works (part of) Saturdays */
};

/* Draws an operator's shift: start 08:00-09:30, lunch from 11:50-12:10 to
 * 13:20-13:40, supper from 17:20-17:50 to 18:40-19:10, evening to
 * 21:00-22:30 with probability p_evening. */
void rhythm_shift_draw(struct srng *r, struct shift *s, double p_evening);
/* 1 when `day` (days since 1970-01-01) is a working day in China
 * (weekday and not a public holiday, or a make-up workday). */
int rhythm_cn_workday(int64_t day);
/* A time in [t0, t1) inside the shift on a Chinese working day; falls
 * back to any office minute of the nearest workday when none is inside.
 * Returns t0 when t1 <= t0. */
int64_t rhythm_office(struct srng *r, const struct shift *s, int64_t t0,
		      int64_t t1);
/* A time in [t0, t1) of a person living at `tz` minutes east of UTC
 * (diurnal curve; weekends a little busier in the day). */
int64_t rhythm_local(struct srng *r, int tz, int64_t t0, int64_t t1);
/* Uniform in [t0, t1): a scheduler or a bot, any hour. */
int64_t rhythm_any(struct srng *r, int64_t t0, int64_t t1);

#endif
