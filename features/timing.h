/* timing.h - when accounts post: shift-pattern and diurnal features.
 *
 * A timing_profile holds the counts one account (or a cluster, by merging)
 * accumulates: 30-minute slots by weekday in the reference zone (--tz,
 * default Asia/Shanghai, DST-correct) and in UTC, workday/off-day slots
 * (off days = weekends and Chinese public holidays, make-up working days
 * count as workdays), and the second-of-minute histogram. timing_fit_profile
 * turns counts into the features of struct timing_fit; every definition,
 * constant and its reason is in docs/features-timing.md.
 *
 * Ownership: callers own every struct; timing_ctx_release frees what
 * timing_ctx_init allocated. A built timing_ctx is read-only and may be
 * shared by threads.
 */
#ifndef CIB_TIMING_H
#define CIB_TIMING_H

#include <stddef.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/error.h"
#include "core/postindex.h"
#include "features/tzconv.h"

#define TIMING_SLOTS 48 /* 30-minute bins of a day */
#define TIMING_DEFAULT_TZ "Asia/Shanghai"

struct timing_profile {
	uint32_t workday[TIMING_SLOTS]; /* reference-zone slot, CN working days */
	uint32_t offday[TIMING_SLOTS];  /* weekends + CN public holidays */
	uint32_t local[7][TIMING_SLOTS];    /* reference zone, Monday = 0 */
	uint32_t utc_hour[7][TIMING_SLOTS]; /* UTC weekday x UTC slot */
	uint32_t weekday[7];                /* reference zone, Monday = 0 */
	uint32_t n;          /* posts counted */
	uint32_t n_holiday;  /* on CN public-holiday days */
	uint32_t n_workday;  /* on working days (incl. make-up workdays) */
	uint32_t n_weekend;  /* on ordinary Saturdays and Sundays */
	uint32_t sec_hist[60]; /* UTC second of minute, posts with seconds */
	uint32_t n_sec;
	int64_t first_day, last_day; /* reference-zone civil days; INT64_MAX /
					INT64_MIN while empty */
	int32_t ref_offset_min; /* standard offset of the reference zone;
				   INT32_MIN while empty */
};

struct timing_ctx {
	struct tzconv tz;       /* the reference zone over the data's span */
	int32_t std_offset_min; /* its smallest offset over the span */
	int64_t t_min, t_max;   /* the data's span (UTC seconds) */
};

struct timing_fit {
	uint32_t n;
	double shift_llr;     /* penalised log-likelihood ratio, office-shift vs
				 organic diurnal, each at its best offset; > 0
				 favours shift (nats) */
	double shift_p;       /* bound on P(ratio this large | organic); 1 = no
				 evidence */
	int shift_offset_min; /* best offset of the shift model (UTC+8 -> 480) */
	double lunch_start_h, lunch_end_h;   /* fitted breaks, reference-zone */
	double supper_start_h, supper_end_h; /* local hours; NAN when none */
	double lunch_dip_p, supper_dip_p;    /* one-sided binomial tests */
	double lunch_ratio;   /* rate in lunch window / rate in adjacent hours */
	double supper_ratio;  /* same for supper */
	int inferred_offset_min; /* from the sleep gap; INT32_MIN if unknown */
	double sleep_gap_conf;   /* 0..1, how sharp the sleep gap is */
	double weekend_ratio;    /* per weekend day / per workday */
	double holiday_ratio;    /* per CN holiday day / per workday; NAN when
				    no holiday in the active span */
	double seconds_chi2_p;   /* NAN if < 30 posts with seconds */
	double ll_shift, ll_organic; /* the two maximised log-likelihoods */
};

/* Builds the reference zone's table over ds's post times (clamped to
 * 1900-2100), from tz database directory zonedir (NULL: the system's,
 * tzconv.h). tz NULL means TIMING_DEFAULT_TZ. CIB_ENOTFOUND for an
 * unknown zone, CIB_EPARSE when the embedded holiday table is bad. */
enum cib_err timing_ctx_init(struct timing_ctx *c, const struct dataset *ds,
			     const char *zonedir, const char *tz);
/* Same, for an explicit span (tests, streaming use). */
enum cib_err timing_ctx_init_span(struct timing_ctx *c, const char *zonedir,
				  const char *tz, int64_t t_min, int64_t t_max);
void timing_ctx_release(struct timing_ctx *c);

void timing_profile_init(struct timing_profile *p);
/* Counts one post at UTC second `utc` with post.flags `post_flags`
 * (POST_TIME_MINUTES: no seconds, kept out of sec_hist). TIME_NONE and
 * times beyond +-2^50 s (not real times) are ignored. */
void timing_profile_add_post(struct timing_profile *p,
			     const struct timing_ctx *c, int64_t utc,
			     unsigned post_flags);
/* dst += src (counts saturate at UINT32_MAX). */
void timing_profile_merge(struct timing_profile *dst,
			  const struct timing_profile *src);

/* Fits both models and computes every feature. An empty profile gives
 * n = 0, LLR 0, p-values 1 and NAN ratios. */
enum cib_err timing_fit_profile(const struct timing_profile *p,
				struct timing_fit *out);

/* Every account of ds: out[a] for a < ds->acc.n (caller allocates). Uses two
 * threads. CIB_EUSAGE when pi does not match ds. */
enum cib_err timing_compute(const struct dataset *ds,
			    const struct postindex *pi,
			    const struct timing_ctx *c, struct timing_fit *out);

#endif
