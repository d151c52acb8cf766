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

struct dacc {
	int64_t day;
	uint32_t acc;
};

static int cmp_dacc(const void *a, const void *b)
{
	const struct dacc *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->acc < y->acc ? -1 : x->acc > y->acc;
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

/* Creation-batch statistics. The null for one day: creations arrive as a
 * Poisson process whose rate is the local one, the mean over the other
 * days within PROFILE_WINDOW_DAYS (clipped to the dataset's span of
 * creation days), plus one pseudo-day at the dataset-wide mean so that a
 * day with empty neighbours does not get rate 0. */
static enum cib_err creation(const struct dataset *ds, struct profile_result *r)
{
	size_t na = ds->acc.n, m = 0, u = 0;
	struct dacc *v = malloc((na ? na : 1) * sizeof(*v));
	int64_t *days = NULL;
	uint64_t *cnt = NULL, *pre = NULL;
	double g;

	for (size_t a = 0; a < na; a++) {
		r->creation_z[a] = r->creation_p[a] = NAN;
		r->creation_lambda[a] = NAN;
		r->created_same_day[a] = 0;
	}
	if (!v)
		return CIB_ENOMEM;
	for (size_t a = 0; a < na; a++)
		if (ds->acc.created[a] != TIME_NONE) {
			v[m].day = floor_div(ds->acc.created[a], DAY);
			v[m].acc = (uint32_t)a;
			m++;
		}
	if (m == 0) {
		free(v);
		return CIB_OK;
	}
	qsort(v, m, sizeof(*v), cmp_dacc);
	days = malloc(m * sizeof(*days));
	cnt = malloc(m * sizeof(*cnt));
	pre = malloc((m + 1) * sizeof(*pre));
	if (!days || !cnt || !pre) {
		free(v);
		free(days);
		free(cnt);
		free(pre);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < m; i++) {
		if (u == 0 || days[u - 1] != v[i].day) {
			days[u] = v[i].day;
			cnt[u++] = 0;
		}
		cnt[u - 1] += 1;
	}
	pre[0] = 0;
	for (size_t i = 0; i < u; i++)
		pre[i + 1] = pre[i] + cnt[i];
	g = (double)m / (double)(days[u - 1] - days[0] + 1);
	for (size_t i = 0, j = 0; i < u; i++) {
		int64_t lo = days[i] - PROFILE_WINDOW_DAYS,
			hi = days[i] + PROFILE_WINDOW_DAYS;
		size_t a, b;
		double others, span, lambda;
		uint64_t c = cnt[i];

		if (lo < days[0])
			lo = days[0];
		if (hi > days[u - 1])
			hi = days[u - 1];
		a = lower_bound(days, u, lo);
		b = lower_bound(days, u, hi + 1);
		others = (double)(pre[b] - pre[a] - c);
		span = (double)(hi - lo); /* days in the window but this one */
		lambda = (others + g) / (span + 1);
		for (; j < m && v[j].day == days[i]; j++) {
			uint32_t acc = v[j].acc;

			r->created_same_day[acc] =
				c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
			r->creation_lambda[acc] = lambda;
			r->creation_p[acc] =
				profile_poisson_upper((int64_t)c - 1, lambda);
			r->creation_z[acc] =
				((double)c - 1 - lambda) / sqrt(lambda);
		}
	}
	free(v);
	free(days);
	free(cnt);
	free(pre);
	return CIB_OK;
}

enum cib_err profile_compute(const struct dataset *ds,
			     const struct postindex *pi,
			     struct profile_result *r)
{
	size_t na, m;
	enum cib_err err;

	if (!ds || !pi || !r || pi->n_accounts != ds->acc.n)
		return CIB_EUSAGE;
	na = ds->acc.n;
	m = na ? na : 1;
	memset(r, 0, sizeof(*r));
	r->n = na;
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
	err = creation(ds, r);
	if (err) {
		profile_result_release(r);
		return err;
	}
	for (size_t a = 0; a < na; a++) {
		int64_t fo = ds->acc.followers[a], fg = ds->acc.following[a];
		const uint32_t *idx = pi->idx + pi->off[a];
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
			uint32_t p = idx[i];
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
