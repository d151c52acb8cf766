/* batch.c - the creation-batch test of a cluster (pipeline.h,
 * pipeline_batch_test; docs/model.md section 6, "Creation batches").
 *
 * X = members with a creation day minus the distinct days among them. The
 * null: each member's day is a draw from the data's creation days within
 * the member's own calendar month (the other accounts', plus one per day:
 * a month nobody else was created in is flat), independently. Within a
 * month, given the members drawn so far, the next repeats a day with
 * probability at most S(k), the sum of the k largest day probabilities,
 * k the distinct days so far; so X is stochastically below the chain that
 * repeats with probability exactly S(k) (a coupling: while the two agree
 * on the repeats so far the member's chance is at most the chain's; when
 * the chain is ahead it stays at least level). The chain's law is computed
 * per month by dynamic programming and the months are convolved; above
 * BATCH_WORK_MAX steps a Chernoff bound on independent Bernoulli(S(i - 1))
 * replaces it (each step's chance is at most that, whatever came before).
 */
#include "pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"

/* DP steps (members x repeats kept) past which the bound takes over */
#define BATCH_WORK_MAX ((size_t)1 << 26)

static void civil_month(int64_t day, int64_t *first, size_t *ndays)
{
	int64_t y;
	unsigned m, d;

	civil_date_from_days(day, &y, &m, &d);
	*first = civil_days_from_date(y, m, 1);
	*ndays = (size_t)(m == 12 ? civil_days_from_date(y + 1, 1, 1)
				  : civil_days_from_date(y, m + 1, 1)) -
		 (size_t)*first;
}

/* S[k] = the k largest of the month's day probabilities summed (S[0] = 0,
 * S[nd] = 1): the others' counts on each day of the month starting at
 * `first`, plus one. mcnt[] is the members' count on each of those days. */
static void month_prefix(const struct batch_bg *bg, int64_t first, size_t nd,
			 const uint64_t *mcnt, double *S)
{
	double w[32], tot = 0;
	size_t lo = 0, hi = bg->n;

	while (lo < hi) { /* the first background day >= first */
		size_t mid = lo + (hi - lo) / 2;

		if (bg->day[mid] < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = 0; k < nd; k++) {
		uint64_t c = 0;

		if (lo < bg->n && bg->day[lo] == first + (int64_t)k)
			c = bg->cnt[lo++];
		c = c > mcnt[k] ? c - mcnt[k] : 0;
		w[k] = (double)c + 1;
		tot += w[k];
	}
	for (size_t i = 1; i < nd; i++) { /* largest first */
		double v = w[i];
		size_t j = i;

		for (; j > 0 && w[j - 1] < v; j--)
			w[j] = w[j - 1];
		w[j] = v;
	}
	S[0] = 0;
	for (size_t k = 0; k < nd; k++)
		S[k + 1] = S[k] + w[k] / tot;
	S[nd] = 1;
}

/* The law of one stratum's chain: m members, S[0..nd]; out[r] = P(r
 * repeats) for r < x, out[x] = P(at least x). */
static void chain_law(size_t m, const double *S, size_t nd, size_t x,
		      double *out)
{
	memset(out, 0, (x + 1) * sizeof(*out));
	out[0] = 1;
	for (size_t i = 1; i < m; i++) { /* member i + 1; i drawn before */
		size_t top = i < x ? i : x; /* out[x] is at least x: it stays */

		for (size_t r = top; r-- > 0;) {
			size_t distinct = i - r;
			double p = S[distinct < nd ? distinct : nd];

			out[r + 1] += out[r] * p;
			out[r] *= 1 - p;
		}
	}
}

double pipeline_batch_chain_tail(size_t ns, const size_t *m,
				 const double *const *S, const size_t *nd,
				 size_t x)
{
	double *tot, *law, *nt, p;
	size_t work = 0;

	if (x == 0)
		return 1;
	for (size_t s = 0; s < ns; s++)
		work += m[s] * (m[s] < x + 1 ? m[s] : x + 1);
	if (work > BATCH_WORK_MAX) {
		/* Chernoff: P(sum >= x) <= exp(-mu) (e mu / x)^x, x > mu */
		double mu = 0;

		for (size_t s = 0; s < ns; s++)
			for (size_t i = 1; i < m[s]; i++)
				mu += S[s][i < nd[s] ? i : nd[s]];
		if ((double)x <= mu)
			return 1;
		return fmin(1, exp(-mu + (double)x * (1 + log(mu / (double)x))));
	}
	tot = calloc(x + 1, sizeof(*tot));
	law = calloc(x + 1, sizeof(*law));
	nt = calloc(x + 1, sizeof(*nt));
	if (!tot || !law || !nt) {
		free(tot);
		free(law);
		free(nt);
		return 1; /* no memory: no evidence claimed */
	}
	tot[0] = 1;
	for (size_t s = 0; s < ns; s++) {
		size_t hi = m[s] ? (m[s] - 1 < x ? m[s] - 1 : x) : 0;

		if (m[s] < 2)
			continue;
		chain_law(m[s], S[s], nd[s], x, law);
		memset(nt, 0, (x + 1) * sizeof(*nt));
		for (size_t a = 0; a <= x; a++) {
			if (tot[a] == 0)
				continue;
			for (size_t b = 0; b <= hi; b++) {
				size_t k = a + b < x ? a + b : x;

				nt[k] += tot[a] * law[b];
			}
		}
		memcpy(tot, nt, (x + 1) * sizeof(*tot));
	}
	p = fmin(1, tot[x]);
	free(tot);
	free(law);
	free(nt);
	return p;
}

/* The members' days (sorted) as strata: one per calendar month holding
 * two members or more. */
struct strata {
	size_t n, *m, *nd;
	double **S;
};

static void strata_release(struct strata *st)
{
	for (size_t s = 0; s < st->n; s++)
		free(st->S[s]);
	free(st->m);
	free(st->nd);
	free(st->S);
}

static int strata_build(const int64_t *mdays, size_t n,
			const struct batch_bg *bg, struct strata *st)
{
	memset(st, 0, sizeof(*st));
	st->m = calloc(n + 1, sizeof(*st->m));
	st->nd = calloc(n + 1, sizeof(*st->nd));
	st->S = calloc(n + 1, sizeof(*st->S));
	if (!st->m || !st->nd || !st->S)
		return -1;
	for (size_t i = 0; i < n;) {
		int64_t first;
		size_t nd, e = i;
		uint64_t mcnt[32] = { 0 };

		civil_month(mdays[i], &first, &nd);
		while (e < n && mdays[e] < first + (int64_t)nd) {
			mcnt[mdays[e] - first]++;
			e++;
		}
		if (e - i >= 2) {
			double *S = malloc((nd + 1) * sizeof(*S));

			if (!S)
				return -1;
			month_prefix(bg, first, nd, mcnt, S);
			st->m[st->n] = e - i;
			st->nd[st->n] = nd;
			st->S[st->n++] = S;
		}
		i = e;
	}
	return 0;
}

void pipeline_batch_test(const int64_t *mdays, size_t n,
			 const struct batch_bg *bg, struct batch_test *out)
{
	struct strata st;
	size_t x = 0;

	memset(out, 0, sizeof(*out));
	out->p = 1;
	out->year_lo = INT32_MAX;
	out->year_hi = INT32_MIN;
	if (n == 0)
		return;
	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n && mdays[e] == mdays[i])
			e++;
		x += e - i - 1;
		if (e - i >= 3) {
			int64_t y;
			unsigned mo, d;

			civil_date_from_days(mdays[i], &y, &mo, &d);
			out->members += (uint32_t)(e - i);
			out->days++;
			if (y < out->year_lo)
				out->year_lo = (int)y;
			if (y > out->year_hi)
				out->year_hi = (int)y;
		}
		i = e;
	}
	out->repeats = (uint32_t)x;
	if (x == 0)
		return;
	if (strata_build(mdays, n, bg, &st) == 0)
		out->p = pipeline_batch_chain_tail(
			st.n, st.m, (const double *const *)st.S, st.nd, x);
	strata_release(&st);
}
