/* origin.c - clusters of one operation joined by their accounts' creation
 * days (origin.h says the test and its bounds). */
#include "origin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sortu64.h"
#include "core/unionfind.h"
#include "model/pipeline.h"

double origin_pair_p(uint64_t x_ab, double q_a, uint64_t n_b, uint64_t x_ba,
		     double q_b, uint64_t n_a)
{
	double p = fmin(pipeline_binom_upper(x_ab, q_a, n_b),
			pipeline_binom_upper(x_ba, q_b, n_a));

	return fmin(1, 2 * p);
}

/* One cluster's members created on one day. */
struct oday {
	uint32_t comp;
	int32_t c;
	int64_t day;
	uint32_t n;
};

/* Two clusters' members on one of their common days. */
struct opair {
	int32_t a, b;     /* a < b */
	uint32_t na, nb;  /* a's and b's members created that day */
};

/* The pairs' sums, one entry per pair of clusters. */
struct otest {
	uint32_t comp;
	int32_t a, b;
	double p;
};

static int cmp_oday_cd(const void *x, const void *y)
{
	const struct oday *p = x, *q = y;

	if (p->c != q->c)
		return p->c < q->c ? -1 : 1;
	return (p->day > q->day) - (p->day < q->day);
}

static int cmp_oday_comp(const void *x, const void *y)
{
	const struct oday *p = x, *q = y;

	if (p->comp != q->comp)
		return p->comp < q->comp ? -1 : 1;
	if (p->day != q->day)
		return p->day < q->day ? -1 : 1;
	return (p->c > q->c) - (p->c < q->c);
}

static int cmp_opair(const void *x, const void *y)
{
	const struct opair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static int cmp_otest(const void *x, const void *y)
{
	const struct otest *p = x, *q = y;

	if (p->comp != q->comp)
		return p->comp < q->comp ? -1 : 1;
	if (p->p != q->p)
		return p->p < q->p ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static uint64_t day_key(int64_t d)
{
	return (uint64_t)d ^ ((uint64_t)1 << 63);
}

/* The share of dated accounts created on day d: all[0..nall) sorted. */
static double day_share(const uint64_t *all, size_t nall, int64_t d)
{
	uint64_t k = day_key(d);
	size_t lo = sortu64_lower(all, nall, k), hi = lo;

	while (hi < nall && all[hi] == k)
		hi++;
	return nall ? (double)(hi - lo) / (double)nall : 0;
}

/* Per cluster: its component, dated members and Q (its days' share);
 * d[0..nd) its (cluster, day) counts, sorted by cluster then day. */
struct ocl {
	uint32_t comp, n;
	double q;
	size_t k; /* clusters of its component */
};

static enum cib_err cluster_days(const struct cluster_result *cl,
				 const uint32_t *comp, const int64_t *day,
				 struct oday **out, size_t *nout,
				 struct ocl *oc)
{
	size_t na = cl->n_accounts, n = 0, m = 0;
	struct oday *d = malloc((na + 1) * sizeof(*d));

	*out = d;
	if (!d)
		return CIB_ENOMEM;
	for (size_t a = 0; a < na; a++) {
		int32_t c = cl->membership[a];

		if (c < 0)
			continue;
		if (oc[c].comp == UINT32_MAX)
			oc[c].comp = comp[a];
		/* a cluster sharing nothing (no component) has no pair */
		if (day[a] == ORIGIN_NO_DAY || oc[c].comp == UINT32_MAX)
			continue;
		d[n++] = (struct oday){ oc[c].comp, c, day[a], 1 };
	}
	qsort(d, n, sizeof(*d), cmp_oday_cd);
	for (size_t i = 0; i < n; i++) {
		if (m && d[m - 1].c == d[i].c && d[m - 1].day == d[i].day) {
			d[m - 1].n++;
		} else {
			d[m++] = d[i];
			oc[d[i].c].n++; /* its distinct days */
		}
	}
	*nout = m;
	return CIB_OK;
}

/* The pairs of clusters met on each (component, day) of d[0..nd) (sorted
 * so), summed by pair into tests t[] with their p-values. */
static enum cib_err pair_tests(const struct oday *d, size_t nd,
			       const struct ocl *oc, struct otest **out,
			       size_t *nout)
{
	size_t np = 0, cap = 0, nt = 0;
	struct opair *pr = NULL;
	struct otest *t;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0, j; i < nd; i = j) {
		for (j = i; j < nd && d[j].comp == d[i].comp &&
			    d[j].day == d[i].day;
		     j++)
			;
		if (j - i < 2 || j - i > ORIGIN_MAX_PER_DAY)
			continue;
		for (size_t x = i; x < j; x++) {
			for (size_t y = x + 1; y < j; y++) {
				if (np == cap) {
					size_t nc = cap ? 2 * cap : 1024;
					struct opair *q =
						realloc(pr, nc * sizeof(*q));

					if (!q) {
						free(pr);
						return CIB_ENOMEM;
					}
					pr = q;
					cap = nc;
				}
				pr[np++] = (struct opair){ d[x].c, d[y].c,
							   d[x].n, d[y].n };
			}
		}
	}
	if (np)
		qsort(pr, np, sizeof(*pr), cmp_opair);
	t = malloc((np + 1) * sizeof(*t));
	if (!t) {
		free(pr);
		return CIB_ENOMEM;
	}
	for (size_t i = 0, j; i < np; i = j) {
		uint64_t y = 0;
		int32_t a = pr[i].a, b = pr[i].b;

		for (j = i; j < np && pr[j].a == a && pr[j].b == b; j++)
			y++; /* a day both have */
		t[nt++] = (struct otest){
			oc[a].comp, a, b,
			origin_pair_p(y, oc[a].q, oc[b].n, y, oc[b].q, oc[a].n)
		};
	}
	free(pr);
	*out = t;
	*nout = nt;
	return CIB_OK;
}

/* Benjamini-Hochberg per component over t[0..n) (sorted by component,
 * then p), the family every pair of its oc[].k clusters: the passing
 * pairs' clusters joined in up[]. */
static size_t join_passing(const struct otest *t, size_t n,
			   const struct ocl *oc, double fdr, uint32_t *up)
{
	size_t merges = 0;

	for (size_t i = 0, j; i < n; i = j) {
		double k = (double)oc[t[i].a].k, m = k * (k - 1) / 2;
		size_t pass = 0;

		for (j = i; j < n && t[j].comp == t[i].comp; j++)
			if (t[j].p <= fdr * (double)(j - i + 1) / m)
				pass = j - i + 1;
		for (size_t q = i; q < i + pass; q++) {
			uint32_t x = uf_find(up, (uint32_t)t[q].a);
			uint32_t y = uf_find(up, (uint32_t)t[q].b);

			if (x == y)
				continue;
			if (x < y)
				up[y] = x;
			else
				up[x] = y;
			merges++;
		}
	}
	return merges;
}

/* Q per cluster (its distinct days' shares of the data) and k per
 * cluster (the clusters of its component). */
static enum cib_err cluster_q(const struct cluster_result *cl,
			      const int64_t *day, const struct oday *d,
			      size_t nd, struct ocl *oc)
{
	size_t na = cl->n_accounts, nall = 0, nc = cl->n_clusters;
	uint64_t *all = malloc((na + 1) * sizeof(*all));
	uint64_t *ck = NULL;

	if (!all)
		return CIB_ENOMEM;
	for (size_t a = 0; a < na; a++)
		if (day[a] != ORIGIN_NO_DAY)
			all[nall++] = day_key(day[a]);
	sortu64(all, nall);
	for (size_t i = 0; i < nd; i++)
		oc[d[i].c].q += day_share(all, nall, d[i].day);
	free(all);
	/* clusters per component: their components sorted, then counted */
	ck = malloc((nc + 1) * sizeof(*ck));
	if (!ck)
		return CIB_ENOMEM;
	for (size_t c = 0; c < nc; c++)
		ck[c] = oc[c].comp;
	sortu64(ck, nc);
	for (size_t c = 0; c < nc; c++) {
		size_t lo = sortu64_lower(ck, nc, oc[c].comp), hi = lo;

		while (hi < nc && ck[hi] == oc[c].comp)
			hi++;
		oc[c].k = hi - lo;
	}
	free(ck);
	return CIB_OK;
}

enum cib_err origin_merge(struct cluster_result *cl, const uint32_t *comp,
			  const int64_t *day, double fdr, size_t *merges)
{
	size_t nc = cl->n_clusters, nd = 0, nt = 0;
	struct ocl *oc = NULL;
	struct oday *d = NULL;
	struct otest *t = NULL;
	uint32_t *up = NULL;
	enum cib_err err = CIB_ENOMEM;

	*merges = 0;
	if (nc < 2)
		return CIB_OK;
	oc = calloc(nc + 1, sizeof(*oc));
	up = malloc((nc + 1) * sizeof(*up));
	if (!oc || !up)
		goto out;
	for (size_t c = 0; c < nc; c++) {
		oc[c].comp = UINT32_MAX;
		up[c] = (uint32_t)c;
	}
	err = cluster_days(cl, comp, day, &d, &nd, oc);
	if (!err)
		err = cluster_q(cl, day, d, nd, oc);
	if (err)
		goto out;
	qsort(d, nd, sizeof(*d), cmp_oday_comp);
	err = pair_tests(d, nd, oc, &t, &nt);
	if (err)
		goto out;
	qsort(t, nt, sizeof(*t), cmp_otest);
	*merges = join_passing(t, nt, oc, fdr, up);
	if (*merges) {
		for (size_t a = 0; a < cl->n_accounts; a++)
			if (cl->membership[a] >= 0)
				cl->membership[a] = (int32_t)uf_find(
					up, (uint32_t)cl->membership[a]);
		err = cluster_renumber(cl);
	}
out:
	free(oc);
	free(d);
	free(t);
	free(up);
	return err;
}

/* origin_attach's context: the (cluster, day) keys of the clusters' batch
 * days, sorted, and each cluster's log10 Q (its batch days' share). */
struct obatch {
	const uint64_t *key;
	size_t n;
	const double *lq;
	const int64_t *day;
};

static double batch_adjust(void *ctx, uint32_t acc, int32_t group)
{
	const struct obatch *b = ctx;
	uint64_t k;
	size_t i;

	if (b->day[acc] == ORIGIN_NO_DAY)
		return NAN;
	k = origin_key(group, b->day[acc]);
	i = sortu64_lower(b->key, b->n, k);
	return i < b->n && b->key[i] == k ? b->lq[group] : NAN;
}

/* The share of the dated accounts of component comp created on day d:
 * all[0..n) their (component, day) keys, sorted. */
static double comp_day_share(const uint64_t *all, size_t n, uint32_t comp,
			     int64_t d)
{
	uint64_t k = origin_key((int32_t)comp, d);
	size_t c0 = sortu64_lower(all, n, (uint64_t)comp << 32);
	size_t c1 = sortu64_lower(all, n, ((uint64_t)comp + 1) << 32);
	size_t lo = sortu64_lower(all, n, k), hi = lo;

	while (hi < n && all[hi] == k)
		hi++;
	return c1 > c0 ? (double)(hi - lo) / (double)(c1 - c0) : 1;
}

enum cib_err origin_batch_days(const int32_t *mem, const int64_t *day,
			       size_t na, size_t min, uint64_t **out,
			       size_t *nout)
{
	size_t n = 0, m = 0;
	uint64_t *k = malloc((na + 1) * sizeof(*k));

	*out = k;
	*nout = 0;
	if (!k)
		return CIB_ENOMEM;
	for (size_t a = 0; a < na; a++)
		if (mem[a] >= 0 && day[a] != ORIGIN_NO_DAY)
			k[n++] = origin_key(mem[a], day[a]);
	sortu64(k, n);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && k[j] == k[i]; j++)
			;
		if (j - i >= min)
			k[m++] = k[i];
	}
	*nout = m;
	return CIB_OK;
}

/* The day of a (cluster, day) key. */
static int64_t key_day(uint64_t k)
{
	return (int64_t)(uint32_t)k - ((int64_t)1 << 31);
}

/* For origin_attach, from the clusters' batch days k[0..nk): days[] those
 * days (sorted, distinct; *ndays), lq[c] log10 of the share of the dated
 * accounts of c's component created on c's batch days. */
static enum cib_err batch_shares(const struct cluster_result *cl,
				 const uint32_t *comp, const int64_t *day,
				 const uint64_t *k, size_t nk, uint64_t *days,
				 size_t *ndays, double *lq)
{
	size_t na = cl->n_accounts, nall = 0;
	uint64_t *all = malloc((na + 1) * sizeof(*all));
	uint32_t *ccomp = malloc((cl->n_clusters + 1) * sizeof(*ccomp));

	if (!all || !ccomp) {
		free(all);
		free(ccomp);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < na; a++) {
		if (cl->membership[a] >= 0)
			ccomp[cl->membership[a]] = comp[a]; /* it lies in one */
		if (day[a] != ORIGIN_NO_DAY && comp[a] != UINT32_MAX)
			all[nall++] = origin_key((int32_t)comp[a], day[a]);
	}
	sortu64(all, nall);
	for (size_t c = 0; c < cl->n_clusters; c++)
		lq[c] = 0;
	for (size_t i = 0; i < nk; i++) {
		int32_t c = (int32_t)(k[i] >> 32);

		days[i] = day_key(key_day(k[i]));
		lq[c] += comp_day_share(all, nall, ccomp[c], key_day(k[i]));
	}
	free(all);
	free(ccomp);
	for (size_t c = 0; c < cl->n_clusters; c++)
		lq[c] = lq[c] > 0 ? log10(fmin(1, lq[c])) : 0;
	sortu64(days, nk);
	*ndays = sortu64_unique(days, nk);
	return CIB_OK;
}

enum cib_err origin_attach(struct cluster_result *cl,
			   const struct coord_graph *g,
			   const struct groups_index *ix, const uint32_t *comp,
			   const int64_t *day, double fdr, size_t *attached)
{
	size_t na = cl->n_accounts, nk = 0, nd = 0, cand = 0;
	uint64_t *k = NULL;
	uint64_t *days = malloc((na + 1) * sizeof(*days));
	double *lq = malloc((cl->n_clusters + 1) * sizeof(*lq));
	uint8_t *only = calloc(na + 1, 1);
	struct obatch b;
	enum cib_err err = CIB_ENOMEM;

	*attached = 0;
	if (!days || !lq || !only)
		goto out;
	err = origin_batch_days(cl->membership, day, na, ORIGIN_BATCH_MIN, &k,
				&nk);
	if (!err && nk)
		err = batch_shares(cl, comp, day, k, nk, days, &nd, lq);
	if (err || nk == 0)
		goto out;
	/* the accounts in no cluster created on some cluster's batch day */
	for (size_t a = 0; a < na; a++) {
		size_t i;

		if (cl->membership[a] >= 0 || day[a] == ORIGIN_NO_DAY)
			continue;
		i = sortu64_lower(days, nd, day_key(day[a]));
		if (i < nd && days[i] == day_key(day[a])) {
			only[a] = 1;
			cand++;
		}
	}
	b = (struct obatch){ k, nk, lq, day };
	if (cand)
		err = cluster_attach_only(cl, g, ix, fdr, only, batch_adjust,
					  &b, attached);
	/* attached members change sizes: ids by size again (what the run
	 * and the report number clusters by) */
	if (!err && *attached)
		err = cluster_renumber(cl);
out:
	free(k);
	free(days);
	free(lq);
	free(only);
	return err;
}
