/* timing.c - per-account timing profiles and the shift-vs-organic fit.
 *
 * Counting: each post adds 1 to a handful of cells of a fixed-size profile;
 * no per-post allocation, so an account's profile is O(posts) to build and
 * a cluster's is a merge of its members'.
 *
 * Fitting: both models are step densities over the 48 daily slots (placed
 * by a rotation j: candidate zone = reference standard offset + 30 j min)
 * times a per-day rate for off days. For a fixed shape the maximum
 * (pseudo-count regularised) likelihood of a step density has a closed form
 * (segment count / segment length, pooled where an order constraint binds),
 * and every log is of an integer, read from a table, so one candidate costs
 * a few table reads. The grid is searched in two stages: each model's
 * default shape at the 24 whole-hour rotations, then coordinate ascent over
 * the rotation and the shape parameters from the best one.
 * docs/features-timing.md gives the formulas and the reason for every
 * constant.
 */
#include "features/timing.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/forkjoin.h"
#include "features/holidays.h"

#define S TIMING_SLOTS
#define LOGTAB 65536
#define LUNCH_ANCHOR 24 /* shift template: lunch break starts 12:00 local */
#define WAKE_ANCHOR 14  /* organic template: night ends 07:00 local */
#define LAMBDA_SPLIT 0.5 /* off-day / workday daily rate: shift <= it < organic */
#define MIN_SLEEP_POSTS 10
#define CP_MAX_N 100000 /* exact Clopper-Pearson up to this many posts */
#define MIN_SEC_POSTS 30
#define GAP_SLOTS 12 /* 6-hour sleep window */
#define GAP_CENTER_LOCAL 8 /* its centre at 04:00 local (slot 8) */
#define GAP_UNIFORM_SHARE 0.25 /* 12 / 48 */
#define MAX_SPAN_DAYS ((int64_t)1 << 30) /* beyond: not a real span */
#define TIME_LIMIT ((int64_t)1 << 50) /* |t| beyond: not a time, ignored */
#define SPAN_FLOOR ((int64_t)-2208988800) /* 1900-01-01 */
#define SPAN_CEIL ((int64_t)4102444800)   /* 2100-01-01 */
/* continuous parameters: 6 segment levels less the normalisation, plus the
 * off-day rate, in both models (the shift model without an evening block
 * has fewer; counting 6 is conservative for it) */
#define K_SHIFT 6
#define K_ORG 6

/* ---- log table: log(i) for small integers ---- */

static double logtab[LOGTAB];
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static double log_grid_shift, log_grid_org; /* log of the grid sizes */

static int shift_grid_size(void);
static int org_grid_size(void);

static void log_init(void)
{
	log_grid_shift = log((double)shift_grid_size() * TIMING_SLOTS);
	log_grid_org = log((double)org_grid_size());
	logtab[0] = 0; /* only ever multiplied by a zero count */
	for (int i = 1; i < LOGTAB; i++)
		logtab[i] = log((double)i);
}

static inline double lg(uint64_t i)
{
	return i < LOGTAB ? logtab[i] : log((double)i);
}

/* ---- context ---- */

enum cib_err timing_ctx_init_span(struct timing_ctx *c, const char *zonedir,
				  const char *tz, int64_t t_min, int64_t t_max)
{
	enum cib_err err;

	memset(c, 0, sizeof(*c));
	pthread_once(&log_once, log_init);
	err = holidays_init();
	if (err)
		return err;
	/* the table covers at most 1900-2100: a stray far-off timestamp must
	 * not fail the run; such posts get the offset at the nearer end */
	t_min = t_min < SPAN_FLOOR ? SPAN_FLOOR : t_min > SPAN_CEIL ? SPAN_CEIL : t_min;
	t_max = t_max < SPAN_FLOOR ? SPAN_FLOOR : t_max > SPAN_CEIL ? SPAN_CEIL : t_max;
	if (t_min > t_max)
		t_min = t_max = 0;
	err = tzconv_init(&c->tz, zonedir, tz ? tz : TIMING_DEFAULT_TZ, t_min,
			  t_max);
	if (err)
		return err;
	c->std_offset_min = c->tz.min_off;
	c->t_min = t_min;
	c->t_max = t_max;
	return CIB_OK;
}

enum cib_err timing_ctx_init(struct timing_ctx *c, const struct dataset *ds,
			     const char *zonedir, const char *tz)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t i = 0; ds && i < ds->post.n; i++) {
		int64_t t = ds->post.time[i];

		if (t == TIME_NONE)
			continue;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	if (lo > hi)
		lo = hi = 0;
	return timing_ctx_init_span(c, zonedir, tz, lo, hi);
}

void timing_ctx_release(struct timing_ctx *c)
{
	if (c)
		tzconv_release(&c->tz);
}

/* ---- profile ---- */

void timing_profile_init(struct timing_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->first_day = INT64_MAX;
	p->last_day = INT64_MIN;
	p->ref_offset_min = INT32_MIN;
}

static inline int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static inline void inc(uint32_t *v)
{
	if (*v != UINT32_MAX)
		(*v)++;
}

void timing_profile_add_post(struct timing_profile *p,
			     const struct timing_ctx *c, int64_t utc,
			     unsigned post_flags)
{
	int64_t local, day, uday;
	int slot, uslot, wd, uwd;
	enum day_kind k;

	if (utc == TIME_NONE || utc < -TIME_LIMIT || utc > TIME_LIMIT)
		return;
	local = tzconv_local(&c->tz, utc);
	day = floor_div(local, 86400);
	slot = (int)((local - day * 86400) / 1800);
	wd = holidays_weekday(day);
	uday = floor_div(utc, 86400);
	uslot = (int)((utc - uday * 86400) / 1800);
	uwd = holidays_weekday(uday);
	k = holidays_day_kind(day);

	inc(&p->n);
	inc(&p->local[wd][slot]);
	inc(&p->utc_hour[uwd][uslot]);
	inc(&p->weekday[wd]);
	if (k == DAY_WORKDAY || k == DAY_ADJUSTED) {
		inc(&p->workday[slot]);
		inc(&p->n_workday);
	} else {
		inc(&p->offday[slot]);
		inc(k == DAY_HOLIDAY ? &p->n_holiday : &p->n_weekend);
	}
	if (!(post_flags & POST_TIME_MINUTES)) {
		inc(&p->sec_hist[utc - floor_div(utc, 60) * 60]);
		inc(&p->n_sec);
	}
	if (day < p->first_day)
		p->first_day = day;
	if (day > p->last_day)
		p->last_day = day;
	if (p->ref_offset_min == INT32_MIN)
		p->ref_offset_min = c->std_offset_min;
}

static void add_sat(uint32_t *d, const uint32_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i] > UINT32_MAX - d[i] ? UINT32_MAX : d[i] + s[i];
}

void timing_profile_merge(struct timing_profile *dst,
			  const struct timing_profile *src)
{
	add_sat(dst->workday, src->workday, S);
	add_sat(dst->offday, src->offday, S);
	add_sat(&dst->local[0][0], &src->local[0][0], 7 * S);
	add_sat(&dst->utc_hour[0][0], &src->utc_hour[0][0], 7 * S);
	add_sat(dst->weekday, src->weekday, 7);
	add_sat(&dst->n, &src->n, 1);
	add_sat(&dst->n_holiday, &src->n_holiday, 1);
	add_sat(&dst->n_workday, &src->n_workday, 1);
	add_sat(&dst->n_weekend, &src->n_weekend, 1);
	add_sat(dst->sec_hist, src->sec_hist, 60);
	add_sat(&dst->n_sec, &src->n_sec, 1);
	if (src->first_day < dst->first_day)
		dst->first_day = src->first_day;
	if (src->last_day > dst->last_day)
		dst->last_day = src->last_day;
	if (dst->ref_offset_min == INT32_MIN)
		dst->ref_offset_min = src->ref_offset_min;
}

/* ---- step-density likelihood ---- */

/* Circular slot counts with a prefix table: count of schedule-local slots
 * [a, a+len) at rotation j, i.e. reference slots [a-j, a-j+len). */
struct slots {
	uint64_t pre[2 * S + 1];
	uint64_t n;
};

static void slots_build(struct slots *sl, const uint64_t *c)
{
	sl->pre[0] = 0;
	for (int i = 0; i < 2 * S; i++)
		sl->pre[i + 1] = sl->pre[i] + c[i % S];
	sl->n = sl->pre[S];
}

static inline uint64_t seg(const struct slots *sl, int a, int len, int j)
{
	int s = ((a - j) % S + S) % S;

	return sl->pre[s + len] - sl->pre[s];
}

/* cnt * log of the segment's regularised per-slot rate, less the common
 * -cnt log(2n + 48) term */
static inline double seg_ll(uint64_t cnt, int len)
{
	return len > 0 ? (double)cnt * (lg(2 * cnt + (uint64_t)len) -
					lg((uint64_t)len))
		       : 0;
}

#define CHAIN_MAX 5

/* Maximised log-likelihood of k consecutive segments whose levels obey
 * dir[i] * (v[i+1] - v[i]) >= 0. Adjacent blocks that violate their
 * constraint are pooled until none is left (pool-adjacent-violators; exact
 * for a monotone chain, a close approximation for these short zigzag
 * chains). Rates are compared by cross-multiplying integers: no division. */
static double chain_ll(const uint64_t *cnt, const int *len, const int8_t *dir,
		       int k)
{
	uint64_t bc[CHAIN_MAX];
	int bl[CHAIN_MAX], first[CHAIN_MAX], nb = k, b = 0;
	double ll = 0;

	for (int i = 0; i < k; i++) {
		bc[i] = cnt[i];
		bl[i] = len[i];
		first[i] = i;
	}
	while (b + 1 < nb) {
		/* sign of the difference of the regularised per-slot rates
		 * (2 cnt + len) / len of blocks b+1 and b */
		int64_t l = (int64_t)(2 * bc[b + 1] + (uint64_t)bl[b + 1]) * bl[b];
		int64_t r = (int64_t)(2 * bc[b] + (uint64_t)bl[b]) * bl[b + 1];
		int viol = dir[first[b + 1] - 1] > 0 ? l < r : l > r;

		if (!viol) {
			b++;
			continue;
		}
		bc[b] += bc[b + 1];
		bl[b] += bl[b + 1];
		for (int i = b + 1; i + 1 < nb; i++) {
			bc[i] = bc[i + 1];
			bl[i] = bl[i + 1];
			first[i] = first[i + 1];
		}
		nb--;
		if (b > 0)
			b--; /* the pooled block may now violate its left edge */
	}
	for (b = 0; b < nb; b++)
		ll += seg_ll(bc[b], bl[b]);
	return ll;
}

/* shift shape: morning m, lunch L, afternoon a, supper s, evening e slots */
struct shift_shape {
	int8_t m, L, a, s, e;
};

static const int SH_M[] = { 5, 6, 7 };
static const int SH_L[] = { 2, 3, 4 };
static const int SH_A[] = { 8, 9, 10, 11 };
static const int SH_S[] = { 2, 3, 4 };
static const int SH_E[] = { 0, 4, 6 };
static const struct shift_shape SH_DEFAULT = { 6, 3, 10, 3, 6 };

/* organic shape: night T slots ending at the wake anchor; lunch peak
 * [ls, ls+ll); evening peak [es, es+el) */
struct org_shape {
	int8_t T, ls, ll, es, el;
};

static const int OR_T[] = { 12, 14, 16, 18 };
static const int OR_LS[] = { 22, 23, 24, 25 };
static const int OR_LL[] = { 2, 4 };
static const int OR_ES[] = { 36, 38, 40 };
static const int OR_EL[] = { 6, 8 };
static const struct org_shape OR_DEFAULT = { 16, 24, 2, 38, 8 };

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Work blocks and breaks form the chain morning >= lunch <= afternoon
 * (>= supper <= evening when there is an evening block), each with its own
 * level; the off-duty rest is a free level. */
static double shift_ll(const struct slots *sl, struct shift_shape h, int j)
{
	static const int8_t dir[4] = { -1, +1, -1, +1 };
	uint64_t c[5], used = 0;
	int len[5] = { h.m, h.L, h.a, h.s, h.e }, k = h.e > 0 ? 5 : 3;
	int t = LUNCH_ANCHOR - h.m, used_len = 0;

	for (int i = 0; i < k; i++) {
		c[i] = seg(sl, t, len[i], j);
		t += len[i];
		used += c[i];
		used_len += len[i];
	}
	return seg_ll(sl->n - used, S - used_len) + chain_ll(c, len, dir, k);
}

static int org_valid(struct org_shape h)
{
	return h.es + h.el <= S + WAKE_ANCHOR - h.T;
}


/* The organic day is the chain morning <= lunch >= afternoon <= evening
 * (peaks at lunch and in the evening); night and late evening are free. */
static double org_ll(const struct slots *sl, struct org_shape h, int j)
{
	static const int8_t dir[3] = { +1, -1, +1 };
	uint64_t c[4];
	int len[4];
	int night0 = WAKE_ANCHOR - h.T, night_end = S + night0;
	uint64_t nt = seg(sl, night0, h.T, j), late;

	len[0] = h.ls - WAKE_ANCHOR;
	c[0] = seg(sl, WAKE_ANCHOR, len[0], j);
	len[1] = h.ll;
	c[1] = seg(sl, h.ls, h.ll, j);
	len[2] = h.es - h.ls - h.ll;
	c[2] = seg(sl, h.ls + h.ll, len[2], j);
	len[3] = h.el;
	c[3] = seg(sl, h.es, h.el, j);
	late = sl->n - nt - c[0] - c[1] - c[2] - c[3];
	/* night and late evening (evening end .. night) are free levels */
	return seg_ll(nt, h.T) + seg_ll(late, night_end - h.es - h.el) +
	       chain_ll(c, len, dir, 4);
}

static int shift_grid_size(void)
{
	/* e = 0 makes the supper length irrelevant: one shape, not N_OF(SH_S) */
	return N_OF(SH_M) * N_OF(SH_L) * N_OF(SH_A) *
	       (N_OF(SH_S) * (N_OF(SH_E) - 1) + 1);
}

static int org_grid_size(void)
{
	int n = 0;

	for (int a = 0; a < N_OF(OR_T); a++)
		for (int b = 0; b < N_OF(OR_LS); b++)
			for (int c = 0; c < N_OF(OR_LL); c++)
				for (int d = 0; d < N_OF(OR_ES); d++)
					for (int e = 0; e < N_OF(OR_EL); e++)
						n += org_valid((struct org_shape){
							(int8_t)OR_T[a], (int8_t)OR_LS[b],
							(int8_t)OR_LL[c], (int8_t)OR_ES[d],
							(int8_t)OR_EL[e] });
	return n * S;
}

static int norm_rot(int j)
{
	return ((j % S) + S) % S;
}

static int in_set(int v, const int *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == v)
			return 1;
	return 0;
}

/* Moves the boundary after segment bnd (1: lunch|afternoon, 2: afternoon|
 * supper, 3: supper|evening; 0, morning|lunch, is the anchor and moves
 * with the rotation) by d slots; 0 when a length would leave its grid. */
static int shift_move(struct shift_shape *h, int bnd, int d)
{
	int8_t *f[5] = { &h->m, &h->L, &h->a, &h->s, &h->e };
	static const int *sets[5] = { SH_M, SH_L, SH_A, SH_S, SH_E };
	static const int nset[5] = { N_OF(SH_M), N_OF(SH_L), N_OF(SH_A),
				     N_OF(SH_S), N_OF(SH_E) };
	int x = *f[bnd] + d, y = *f[bnd + 1] - d;

	if (!in_set(x, sets[bnd], nset[bnd]) ||
	    !in_set(y, sets[bnd + 1], nset[bnd + 1]))
		return 0;
	*f[bnd] = (int8_t)x;
	*f[bnd + 1] = (int8_t)y;
	return 1;
}

/* The search: the default shape at the 24 whole-hour rotations, then coordinate
 * ascent from the best one over the rotation (best +- 1) and each shape
 * parameter in turn, until a full pass changes nothing (at most
 * ASCENT_PASSES passes). The full grid would cost 50 times more for
 * essentially the same optimum (docs/features-timing.md). */
#define ASCENT_PASSES 4
#define STAGE1_STEP 2 /* whole hours; the ascent's rotation moves refine */

static double fit_shift(const struct slots *sl, int *best_j,
			struct shift_shape *best_h)
{
	double best = -INFINITY;
	int j0 = 0;
	struct shift_shape h = SH_DEFAULT;

	for (int j = 0; j < S; j += STAGE1_STEP) {
		double ll = shift_ll(sl, SH_DEFAULT, j);

		if (ll > best) {
			best = ll;
			j0 = j;
		}
	}
	for (int pass = 0; pass < ASCENT_PASSES; pass++) {
		int changed = 0;

		for (int dj = -1; dj <= 1; dj += 2) {
			int j = norm_rot(j0 + dj);
			double ll = shift_ll(sl, h, j);

			if (ll > best) {
				best = ll;
				j0 = j;
				changed = 1;
			}
		}
#define SH_COORD(field, vals)                                             \
	for (int i = 0; i < N_OF(vals); i++) {                            \
		struct shift_shape t = h;                                 \
		double ll;                                                \
		t.field = (int8_t)vals[i];                                \
		if (t.field == h.field)                                   \
			continue;                                         \
		ll = shift_ll(sl, t, j0);                                 \
		if (ll > best) {                                          \
			best = ll;                                        \
			h = t;                                            \
			changed = 1;                                      \
		}                                                         \
	}
		SH_COORD(m, SH_M)
		SH_COORD(L, SH_L)
		SH_COORD(a, SH_A)
		SH_COORD(e, SH_E)
		if (h.e > 0)
			SH_COORD(s, SH_S)
		/* move the lunch start alone: rotate by d and compensate the
		 * morning and lunch lengths, so every other boundary keeps its
		 * place in reference time */
		for (int d = -2; d <= 2; d++) {
			struct shift_shape t = h;
			double ll;

			t.L = (int8_t)(h.L + d);
			t.m = (int8_t)(h.m - d);
			if (d == 0 || !in_set(t.L, SH_L, N_OF(SH_L)) ||
			    !in_set(t.m, SH_M, N_OF(SH_M)))
				continue;
			ll = shift_ll(sl, t, norm_rot(j0 + d));
			if (ll > best) {
				best = ll;
				h = t;
				j0 = norm_rot(j0 + d);
				changed = 1;
			}
		}
		/* move one inner boundary, keeping the others in place */
		for (int bnd = 1; bnd < (h.e > 0 ? 4 : 2); bnd++)
			for (int d = -2; d <= 2; d++) {
				struct shift_shape t = h;
				double ll;

				if (d == 0 || !shift_move(&t, bnd, d))
					continue;
				ll = shift_ll(sl, t, j0);
				if (ll > best) {
					best = ll;
					h = t;
					changed = 1;
				}
			}
#undef SH_COORD
		if (!changed)
			break;
	}
	*best_j = j0;
	*best_h = h;
	return best;
}

static double fit_org(const struct slots *sl)
{
	double best = -INFINITY;
	int j0 = 0;
	struct org_shape h = OR_DEFAULT;

	for (int j = 0; j < S; j += STAGE1_STEP) {
		double ll = org_ll(sl, OR_DEFAULT, j);

		if (ll > best) {
			best = ll;
			j0 = j;
		}
	}
	for (int pass = 0; pass < ASCENT_PASSES; pass++) {
		int changed = 0;

		for (int dj = -1; dj <= 1; dj += 2) {
			int j = norm_rot(j0 + dj);
			double ll = org_ll(sl, h, j);

			if (ll > best) {
				best = ll;
				j0 = j;
				changed = 1;
			}
		}
#define OR_COORD(field, vals)                                             \
	for (int i = 0; i < N_OF(vals); i++) {                            \
		struct org_shape t = h;                                   \
		double ll;                                                \
		t.field = (int8_t)vals[i];                                \
		if (t.field == h.field || !org_valid(t))                  \
			continue;                                         \
		ll = org_ll(sl, t, j0);                                   \
		if (ll > best) {                                          \
			best = ll;                                        \
			h = t;                                            \
			changed = 1;                                      \
		}                                                         \
	}
		OR_COORD(T, OR_T)
		OR_COORD(ls, OR_LS)
		OR_COORD(ll, OR_LL)
		OR_COORD(es, OR_ES)
		OR_COORD(el, OR_EL)
#undef OR_COORD
		if (!changed)
			break;
	}
	return best;
}

/* Log-likelihood of the workday/off-day split with off-day daily rate
 * lambda times the workday rate, lambda restricted to [lo, hi]. */
static double daytype_ll(double nw, double no, double dw, double dof,
			 double lo, double hi)
{
	double lam = ((no + 0.5) / dof) / ((nw + 0.5) / dw), pw, po;

	lam = lam < lo ? lo : lam > hi ? hi : lam;
	pw = dw / (dw + lam * dof);
	po = 1 - pw;
	return nw * log(pw) + (no > 0 ? no * log(po) : 0);
}

/* ---- the other features ---- */

static double hours_of(int slot)
{
	return (double)norm_rot(slot) / 2.0;
}

/* one-sided binomial test: x posts in a window of w slots, y in adjacent
 * windows of v slots; small p = fewer in the window than a flat rate
 * predicts */
static void dip_test(const uint32_t *c, int w0, int w, int v, double *p,
		     double *ratio)
{
	uint64_t x = 0, y = 0;

	for (int i = 0; i < w; i++)
		x += c[norm_rot(w0 + i)];
	for (int i = 1; i <= v / 2; i++)
		y += c[norm_rot(w0 - i)] + c[norm_rot(w0 + w - 1 + i)];
	while (x + y > UINT32_MAX) { /* keep gsl's unsigned arguments exact */
		x /= 2;
		y /= 2;
	}
	if (x + y == 0) {
		*p = 1.0;
		*ratio = NAN;
		return;
	}
	*p = gsl_cdf_binomial_P((unsigned)x, (double)w / (w + v),
				(unsigned)(x + y));
	if (*p > 1)
		*p = 1;
	*ratio = y ? ((double)x / w) / ((double)y / v) : NAN;
}

static void sleep_gap(const struct timing_profile *p, struct timing_fit *f)
{
	uint64_t u[S], wl[S], n = 0, best, tol;
	int bs = 0, lo = 0, hi = 0, centre, off;
	double pu;

	f->inferred_offset_min = INT32_MIN;
	f->sleep_gap_conf = 0;
	for (int s = 0; s < S; s++) {
		u[s] = 0;
		for (int d = 0; d < 7; d++)
			u[s] += p->utc_hour[d][s];
		n += u[s];
	}
	if (n < MIN_SLEEP_POSTS)
		return;
	/* wl[s]: posts in the 6 hours of UTC slots [s, s + 12) */
	for (int s = 0; s < S; s++) {
		wl[s] = 0;
		for (int k = 0; k < GAP_SLOTS; k++)
			wl[s] += u[(s + k) % S];
		if (wl[s] < wl[bs])
			bs = s;
	}
	best = wl[bs];
	/* a flat trough has many near-minimal windows: take the middle of the
	 * run of windows within 1 + sqrt(least) (a Poisson s.d.) of the least */
	tol = best + 1 + (uint64_t)sqrt((double)best);
	while (lo < S / 2 && wl[norm_rot(bs - lo - 1)] <= tol)
		lo++;
	while (hi < S / 2 && wl[norm_rot(bs + hi + 1)] <= tol)
		hi++;
	/* centre of that window (a UTC slot) placed at 04:00 local */
	centre = bs + (hi - lo) / 2 + GAP_SLOTS / 2;
	off = norm_rot(GAP_CENTER_LOCAL - centre) * 30;
	f->inferred_offset_min = off >= 840 ? off - 1440 : off;
	/* 95% one-sided upper bound of the gap's share: exact Clopper-Pearson
	 * up to CP_MAX_N posts; beyond, gsl's inverse beta is slow or does not
	 * converge, and Wilson's bound is as good at that size */
	pu = 1.0;
	if (best < n && n <= CP_MAX_N)
		pu = gsl_cdf_beta_Pinv(0.95, (double)best + 1, (double)(n - best));
	if (best < n && (n > CP_MAX_N || !(pu >= 0 && pu <= 1))) {
		double z = 1.6448536, ph = (double)best / (double)n, nn = (double)n;

		pu = (ph + z * z / (2 * nn) +
		      z * sqrt(ph * (1 - ph) / nn + z * z / (4 * nn * nn))) /
		     (1 + z * z / nn);
	}
	if (!(pu >= 0 && pu <= 1))
		pu = 1.0;
	f->sleep_gap_conf = pu >= GAP_UNIFORM_SHARE ? 0 : 1 - pu / GAP_UNIFORM_SHARE;
}

static double seconds_p(const struct timing_profile *p)
{
	double e, chi2 = 0;

	if (p->n_sec < MIN_SEC_POSTS)
		return NAN;
	e = p->n_sec / 60.0;
	for (int i = 0; i < 60; i++) {
		double d = p->sec_hist[i] - e;

		chi2 += d * d / e;
	}
	return gsl_cdf_chisq_Q(chi2, 59);
}

enum cib_err timing_fit_profile(const struct timing_profile *p,
				struct timing_fit *out)
{
	struct slots sl;
	uint64_t tot[S];
	uint32_t days[DAY__COUNT];
	struct shift_shape h;
	int j;
	double ll_s, ll_o, dw = 0, dof = 0, dh, n, pen_s, pen_o;

	if (!p || !out)
		return CIB_EUSAGE;
	pthread_once(&log_once, log_init);
	memset(out, 0, sizeof(*out));
	out->n = p->n;
	out->shift_p = 1;
	out->lunch_dip_p = out->supper_dip_p = 1;
	out->lunch_start_h = out->lunch_end_h = NAN;
	out->supper_start_h = out->supper_end_h = NAN;
	out->lunch_ratio = out->supper_ratio = NAN;
	out->weekend_ratio = out->holiday_ratio = NAN;
	out->seconds_chi2_p = NAN;
	out->inferred_offset_min = INT32_MIN;
	out->shift_offset_min = INT32_MIN;
	if (p->n == 0)
		return CIB_OK;

	for (int s = 0; s < S; s++)
		tot[s] = (uint64_t)p->workday[s] + p->offday[s];
	slots_build(&sl, tot);
	/* the slot counts are the data (p->n agrees unless counters
	 * saturated or the profile was filled by hand) */
	n = (double)sl.n;
	if (sl.n == 0)
		return CIB_OK;
	ll_s = fit_shift(&sl, &j, &h);
	ll_o = fit_org(&sl);

	memset(days, 0, sizeof(days));
	if (p->first_day <= p->last_day && p->first_day > -MAX_SPAN_DAYS &&
	    p->last_day < MAX_SPAN_DAYS && p->last_day - p->first_day < MAX_SPAN_DAYS)
		holidays_count_days(p->first_day, p->last_day, days, NULL);
	dw = days[DAY_WORKDAY] + days[DAY_ADJUSTED];
	dof = days[DAY_WEEKEND] + days[DAY_HOLIDAY];
	if (dw > 0 && dof > 0) {
		double nw = p->n_workday, no = p->n_weekend + p->n_holiday;

		ll_s += daytype_ll(nw, no, dw, dof, 0, LAMBDA_SPLIT);
		ll_o += daytype_ll(nw, no, dw, dof, LAMBDA_SPLIT, INFINITY);
	}
	/* common normalising term of the slot densities */
	ll_s -= n * lg(2 * sl.n + S);
	ll_o -= n * lg(2 * sl.n + S);
	out->ll_shift = ll_s;
	out->ll_organic = ll_o;

	/* penalties: log grid size for the discrete choices (offset, shape),
	 * BIC's (k/2) log n for the continuous ones (levels, lambda) */
	pen_s = log_grid_shift + 0.5 * K_SHIFT * log(n);
	pen_o = log_grid_org + 0.5 * K_ORG * log(n);
	out->shift_llr = (ll_s - pen_s) - (ll_o - pen_o);
	out->shift_p = exp(-((ll_s - ll_o) - pen_s));
	if (!(out->shift_p <= 1))
		out->shift_p = 1;

	{
		int64_t off = ((int64_t)p->ref_offset_min + 30 * j) % 1440;

		off = off < -720 ? off + 1440 : off >= 840 ? off - 1440 : off;
		if (p->ref_offset_min != INT32_MIN)
			out->shift_offset_min = (int)off;
	}
	out->lunch_start_h = hours_of(LUNCH_ANCHOR - j);
	out->lunch_end_h = hours_of(LUNCH_ANCHOR + h.L - j);
	if (h.e > 0) {
		out->supper_start_h = hours_of(LUNCH_ANCHOR + h.L + h.a - j);
		out->supper_end_h = hours_of(LUNCH_ANCHOR + h.L + h.a + h.s - j);
	}

	/* fixed windows: lunch 12:00-13:30, supper 17:30-19:00, each against
	 * the 1.5 hours on either side, on working days */
	dip_test(p->workday, 24, 3, 6, &out->lunch_dip_p, &out->lunch_ratio);
	dip_test(p->workday, 35, 3, 6, &out->supper_dip_p, &out->supper_ratio);

	sleep_gap(p, out);

	if (dw > 0 && p->n_workday > 0) {
		double per_w = p->n_workday / dw;

		if (days[DAY_WEEKEND] > 0)
			out->weekend_ratio = (p->n_weekend / (double)days[DAY_WEEKEND]) / per_w;
		dh = days[DAY_HOLIDAY];
		if (dh > 0)
			out->holiday_ratio = (p->n_holiday / dh) / per_w;
	}
	out->seconds_chi2_p = seconds_p(p);
	return CIB_OK;
}

/* ---- all accounts ---- */

struct job {
	const struct dataset *ds;
	const struct postindex *pi;
	const struct timing_ctx *c;
	struct timing_fit *out;
	size_t a0, a1;
	enum cib_err err;
};

/* Share t (core/forkjoin.h): the fits of job t's accounts. */
static void run_job(void *arg, unsigned t)
{
	struct job *jb = (struct job *)arg + t;
	struct timing_profile p;

	for (size_t a = jb->a0; a < jb->a1 && !jb->err; a++) {
		timing_profile_init(&p);
		for (uint64_t k = jb->pi->off[a]; k < jb->pi->off[a + 1]; k++) {
			uint32_t i = postindex_at(jb->pi, k);

			timing_profile_add_post(&p, jb->c, jb->ds->post.time[i],
						jb->ds->post.flags[i]);
		}
		jb->err = timing_fit_profile(&p, &jb->out[a]);
	}
}

enum cib_err timing_compute(const struct dataset *ds,
			    const struct postindex *pi,
			    const struct timing_ctx *c, struct timing_fit *out)
{
	struct job jb[2];
	size_t na, lo, hi;
	uint64_t half;

	if (!ds || !pi || !c || !out || pi->n_accounts != ds->acc.n)
		return CIB_EUSAGE;
	na = ds->acc.n;
	if (na == 0)
		return CIB_OK;
	if (pi->off[na] != ds->post.n)
		return CIB_EUSAGE;
	pthread_once(&log_once, log_init);
	/* split where half the posts (plus half the accounts' fits) are done */
	half = (pi->off[na] + na) / 2;
	lo = 0;
	hi = na;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (pi->off[m] + m < half)
			lo = m + 1;
		else
			hi = m;
	}
	for (int t = 0; t < 2; t++)
		jb[t] = (struct job){ ds, pi, c, out, t ? lo : 0, t ? na : lo,
				      CIB_OK };
	forkjoin_run(2, run_job, jb);
	return jb[0].err ? jb[0].err : jb[1].err;
}
