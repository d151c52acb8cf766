/* profile.c - creation batches, default handles, follower shape,
 * engagement.
 *
 * Creation batches: accounts are keyed by UTC day of creation, sorted, and
 * run-length counted; each day's expected count comes from its
 * neighbourhood (prefix sums over the sorted days plus two binary
 * searches), so the whole pass is O(A log A) in accounts. Engagement is
 * one pass over each account's posts. Nothing is O(n^2).
 */
#include "profile.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#define DAY 86400

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int profile_default_handle(const char *h)
{
	size_t n, i, digits = 0, alt = 0, letters = 0;
	int prev = 0; /* 1 letter, 2 digit */

	if (!h)
		return 0;
	if (*h == '@')
		h++;
	n = strlen(h);
	if (n == 0 || n >= PROFILE_HASHED_HANDLE_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		int cls = isdigit(c) ? 2 : (isalpha(c) ? 1 : 0);

		letters += cls == 1;
		if (cls && prev && cls != prev)
			alt++;
		if (cls)
			prev = cls;
	}
	while (digits < n && isdigit((unsigned char)h[n - 1 - digits]))
		digits++;
	if (digits == n)
		return n >= PROFILE_DEFAULT_DIGITS;
	if (digits >= PROFILE_DEFAULT_DIGITS && letters > 0)
		return 1;
	return alt >= PROFILE_DEFAULT_ALTERNATIONS;
}

double profile_poisson_upper(int64_t k, double mu)
{
	if (k <= 0)
		return 1.0;
	if (!(mu > 0))
		return 0.0;
	/* P(X >= k) = P(X > k - 1) */
	return gsl_cdf_poisson_Q((unsigned)(k > 0x7fffffff ? 0x7fffffff : k - 1),
				 mu);
}

void profile_result_release(struct profile_result *r)
{
	if (!r)
		return;
	free(r->creation_z);
	free(r->creation_p);
	free(r->creation_lambda);
	free(r->created_same_day);
	free(r->default_handle);
	free(r->follow_ratio);
	free(r->engagement_per_post);
	free(r->engagement_per_follower);
	free(r->n_original);
	memset(r, 0, sizeof(*r));
}

/* First index i in days[0..u) with days[i] >= v. */
static size_t lower_bound(const int64_t *days, size_t u, int64_t v)
{
	size_t lo = 0, hi = u;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (days[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

enum cib_err profile_days_of(const struct dataset *ds, int64_t **day_out,
			     uint64_t **cnt_out, size_t *u_out)
{
	size_t na = ds->acc.n, m = 0, u = 0;
	int64_t *v = malloc((na ? na : 1) * sizeof(*v));
	uint64_t *cnt = malloc((na ? na : 1) * sizeof(*cnt));

	*day_out = NULL;
	*cnt_out = NULL;
	*u_out = 0;
	if (!v || !cnt) {
		free(v);
		free(cnt);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < na; a++)
		if (ds->acc.created[a] != TIME_NONE)
			v[m++] = floor_div(ds->acc.created[a], DAY);
	qsort(v, m, sizeof(*v), cmp_i64);
	for (size_t i = 0; i < m; i++) {
		if (u == 0 || v[u - 1] != v[i]) {
			v[u] = v[i];
			cnt[u++] = 0;
		}
		cnt[u - 1] += 1;
	}
	*day_out = v;
	*cnt_out = cnt;
	*u_out = u;
	return CIB_OK;
}

/* Creation-batch statistics. The null for one day: creations arrive as a
 * Poisson process whose rate is the local one, the mean over the other
 * days within PROFILE_WINDOW_DAYS (clipped to the dataset's span of
 * creation days), plus one pseudo-day at the dataset-wide mean so that a
 * day with empty neighbours does not get rate 0. The days are the data's
 * (hist), or ds's own when hist is NULL; every account of ds with a known
 * creation day must be counted in them. */
static enum cib_err creation(const struct dataset *ds,
			     const struct profile_days *hist,
			     struct profile_result *r)
{
	size_t na = ds->acc.n, u;
	int64_t *own_day = NULL;
	uint64_t *own_cnt = NULL, *pre = NULL;
	const int64_t *days;
	const uint64_t *cnt;
	double g;

	for (size_t a = 0; a < na; a++) {
		r->creation_z[a] = r->creation_p[a] = NAN;
		r->creation_lambda[a] = NAN;
		r->created_same_day[a] = 0;
	}
	if (!hist) {
		if (profile_days_of(ds, &own_day, &own_cnt, &u))
			return CIB_ENOMEM;
		days = own_day;
		cnt = own_cnt;
	} else {
		days = hist->day;
		cnt = hist->cnt;
		u = hist->n;
	}
	pre = malloc((u + 1) * sizeof(*pre));
	if (!pre) {
		free(own_day);
		free(own_cnt);
		return CIB_ENOMEM;
	}
	pre[0] = 0;
	for (size_t i = 0; i < u; i++)
		pre[i + 1] = pre[i] + cnt[i];
	g = u ? (double)pre[u] / (double)(days[u - 1] - days[0] + 1) : 0;
	for (size_t acc = 0; u && acc < na; acc++) {
		int64_t d, lo, hi;
		size_t i, a, b;
		double others, span, lambda;
		uint64_t c;

		if (ds->acc.created[acc] == TIME_NONE)
			continue;
		d = floor_div(ds->acc.created[acc], DAY);
		i = lower_bound(days, u, d);
		if (i == u || days[i] != d)
			continue; /* not in the days given: unknown */
		c = cnt[i];
		lo = d - PROFILE_WINDOW_DAYS;
		hi = d + PROFILE_WINDOW_DAYS;
		if (lo < days[0])
			lo = days[0];
		if (hi > days[u - 1])
			hi = days[u - 1];
		a = lower_bound(days, u, lo);
		b = lower_bound(days, u, hi + 1);
		others = (double)(pre[b] - pre[a] - c);
		span = (double)(hi - lo); /* days in the window but this one */
		lambda = (others + g) / (span + 1);
		r->created_same_day[acc] =
			c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
		r->creation_lambda[acc] = lambda;
		r->creation_p[acc] =
			profile_poisson_upper((int64_t)c - 1, lambda);
		r->creation_z[acc] = ((double)c - 1 - lambda) / sqrt(lambda);
	}
	free(own_day);
	free(own_cnt);
	free(pre);
	return CIB_OK;
}

enum cib_err profile_result_alloc(struct profile_result *r, size_t n)
{
	size_t m = n ? n : 1;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->creation_z = malloc(m * sizeof(double));
	r->creation_p = malloc(m * sizeof(double));
	r->creation_lambda = malloc(m * sizeof(double));
	r->created_same_day = malloc(m * sizeof(uint32_t));
	r->default_handle = malloc(m);
	r->follow_ratio = malloc(m * sizeof(double));
	r->engagement_per_post = malloc(m * sizeof(double));
	r->engagement_per_follower = malloc(m * sizeof(double));
	r->n_original = malloc(m * sizeof(uint32_t));
	if (!r->creation_z || !r->creation_p || !r->creation_lambda ||
	    !r->created_same_day || !r->default_handle || !r->follow_ratio ||
	    !r->engagement_per_post || !r->engagement_per_follower ||
	    !r->n_original) {
		profile_result_release(r);
		return CIB_ENOMEM;
	}
	return CIB_OK;
}

enum cib_err profile_compute(const struct dataset *ds,
			     const struct postindex *pi,
			     struct profile_result *r)
{
	return profile_compute_days(ds, pi, NULL, r);
}

enum cib_err profile_compute_days(const struct dataset *ds,
				  const struct postindex *pi,
				  const struct profile_days *days,
				  struct profile_result *r)
{
	size_t na;
	enum cib_err err;

	if (!ds || !pi || !r || pi->n_accounts != ds->acc.n)
		return CIB_EUSAGE;
	na = ds->acc.n;
	err = profile_result_alloc(r, na);
	if (err)
		return err;
	err = creation(ds, days, r);
	if (err) {
		profile_result_release(r);
		return err;
	}
	for (size_t a = 0; a < na; a++) {
		int64_t fo = ds->acc.followers[a], fg = ds->acc.following[a];
		uint64_t o = pi->off[a];
		size_t n = postindex_count(pi, a);
		double eng = 0;
		uint32_t orig = 0;

		r->default_handle[a] =
			(uint8_t)profile_default_handle(ds_str(ds, ds->acc.handle[a]));
		r->follow_ratio[a] =
			fo >= 0 && fg >= 0
				? log10(((double)fo + 1) / ((double)fg + 1))
				: NAN;
		/* reposts carry the reposted post's counts on most platforms,
		 * so only the account's own originals measure its reach */
		for (size_t i = 0; i < n; i++) {
			uint32_t p = postindex_at(pi, o + i);
			const int32_t c[4] = { ds->post.likes[p],
					       ds->post.reposts[p],
					       ds->post.replies[p],
					       ds->post.quotes[p] };
			int known = 0;

			if (ds->post.kind[p] != POST_ORIGINAL)
				continue;
			for (int k = 0; k < 4; k++)
				if (c[k] >= 0) {
					eng += c[k];
					known = 1;
				}
			orig += (uint32_t)known;
		}
		r->n_original[a] = orig;
		r->engagement_per_post[a] = orig ? eng / orig : NAN;
		r->engagement_per_follower[a] =
			orig && fo >= 0 ? r->engagement_per_post[a] /
						  ((double)fo + 1)
					: NAN;
	}
	return CIB_OK;
}
