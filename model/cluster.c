/* cluster.c - Leiden communities on the coordination graph via igraph.
 *
 * Only accounts with at least one significant edge become vertices. igraph
 * errors are turned into CIB_ELIB with igraph's message; the caller has set
 * igraph's error handler to return instead of abort (cli/main.c).
 */
#include "cluster.h"

#include <gsl/gsl_cdf.h>
#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/unionfind.h"

double cluster_edge_weight(const struct coord_edge *e)
{
	double w = -e->log10p;

	if (w > 50)
		w = 50;
	if (w < 0.1)
		w = 0.1;
	return w;
}

void cluster_result_release(struct cluster_result *r)
{
	if (!r)
		return;
	free(r->membership);
	free(r->size);
	r->membership = NULL;
	r->size = NULL;
	r->n_clusters = 0;
}

struct cl_order {
	uint32_t size;
	uint32_t min_acc;
	int32_t raw;
};

static int cmp_order(const void *a, const void *b)
{
	const struct cl_order *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->min_acc < y->min_acc ? -1 : x->min_acc > y->min_acc;
}


/* ---- Leiden on each connected component ------------------------------ */

#define IG(call)                                                        \
	do {                                                            \
		igraph_error_t ig_rc_ = (call);                         \
		if (ig_rc_ != IGRAPH_SUCCESS) {                         \
			if (errmsg && errlen)                           \
				snprintf(errmsg, errlen, "igraph: %s",  \
					 igraph_strerror(ig_rc_));      \
			err = ig_rc_ == IGRAPH_ENOMEM ? CIB_ENOMEM : CIB_ELIB; \
			goto out;                                       \
		}                                                       \
	} while (0)

/* Leiden on one component: nv vertices (accounts vacc[], ascending), ne
 * edges (local ends el[2i], el[2i+1], weights w[]); communities of at
 * least min_size get raw ids from *next on, written to mem[]. */
static enum cib_err leiden_one(size_t nv, const uint32_t *vacc, size_t ne,
			       const int32_t *el, const double *w,
			       uint64_t seed, size_t min_size, int32_t *mem,
			       int32_t *next, double *qsum, char *errmsg,
			       size_t errlen)
{
	igraph_t graph;
	igraph_vector_int_t edges, membership;
	igraph_vector_t weights, strength;
	igraph_integer_t nb = 0;
	igraph_real_t quality = 0, total = 0;
	uint32_t *csize = NULL;
	int32_t *raw = NULL;
	int have_graph = 0;
	enum cib_err err = CIB_OK;

	if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * ne)))
		return CIB_ENOMEM;
	if (igraph_vector_int_init(&membership, 0)) {
		igraph_vector_int_destroy(&edges);
		return CIB_ENOMEM;
	}
	if (igraph_vector_init(&weights, (igraph_integer_t)ne)) {
		igraph_vector_int_destroy(&edges);
		igraph_vector_int_destroy(&membership);
		return CIB_ENOMEM;
	}
	if (igraph_vector_init(&strength, (igraph_integer_t)nv)) {
		igraph_vector_int_destroy(&edges);
		igraph_vector_int_destroy(&membership);
		igraph_vector_destroy(&weights);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < ne; i++) {
		VECTOR(edges)[2 * i] = el[2 * i];
		VECTOR(edges)[2 * i + 1] = el[2 * i + 1];
		VECTOR(weights)[i] = w[i];
		VECTOR(strength)[el[2 * i]] += w[i];
		VECTOR(strength)[el[2 * i + 1]] += w[i];
		total += w[i];
	}
	IG(igraph_create(&graph, &edges, (igraph_integer_t)nv,
			 IGRAPH_UNDIRECTED));
	have_graph = 1;
	/* the same seed for every component: a component's partition
	 * depends on nothing outside it */
	igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
	/* modularity of this component: node weights = strengths,
	 * resolution 1 / (2 W_component) */
	IG(igraph_community_leiden(&graph, &weights, &strength,
				   1.0 / (2.0 * total), 0.01, 0, -1,
				   &membership, &nb, &quality));
	*qsum += quality * total;
	csize = calloc((size_t)nb + 1, sizeof(*csize));
	raw = malloc(((size_t)nb + 1) * sizeof(*raw));
	if (!csize || !raw) {
		err = CIB_ENOMEM;
		goto out;
	}
	for (size_t v = 0; v < nv; v++)
		csize[VECTOR(membership)[v]]++;
	for (igraph_integer_t c = 0; c < nb; c++)
		raw[c] = csize[c] >= min_size ? (*next)++ : CLUSTER_NONE;
	for (size_t v = 0; v < nv; v++)
		mem[vacc[v]] = raw[VECTOR(membership)[v]];
out:
	if (have_graph)
		igraph_destroy(&graph);
	igraph_vector_int_destroy(&edges);
	igraph_vector_int_destroy(&membership);
	igraph_vector_destroy(&weights);
	igraph_vector_destroy(&strength);
	free(csize);
	free(raw);
	return err;
}

static enum cib_err renumber(struct cluster_result *r);

/* The connected components of the edges e[0..ne): up[] the union-find
 * forest, vid[a] 0 for an account with an edge and -1 otherwise,
 * root_of[a] the component number of a root (numbered by their smallest
 * account), UINT32_MAX elsewhere. Returns the number of components. */
static size_t edge_components(size_t n_accounts, const struct cluster_wedge *e,
			      size_t ne, uint32_t *up, int32_t *vid,
			      uint32_t *root_of)
{
	size_t ncomp = 0;

	for (size_t a = 0; a < n_accounts; a++) {
		up[a] = (uint32_t)a;
		vid[a] = -1;
	}
	for (size_t i = 0; i < ne; i++) {
		uint32_t x = uf_find(up, e[i].a), y = uf_find(up, e[i].b);

		vid[e[i].a] = vid[e[i].b] = 0;
		if (x != y) {
			if (x < y)
				up[y] = x;
			else
				up[x] = y;
		}
	}
	for (size_t a = 0; a < n_accounts; a++) {
		root_of[a] = UINT32_MAX;
		if (vid[a] < 0)
			continue;
		if (uf_find(up, (uint32_t)a) == (uint32_t)a)
			root_of[a] = (uint32_t)ncomp++;
	}
	return ncomp;
}

enum cib_err cluster_leiden(size_t n_accounts, const struct cluster_wedge *e,
			    size_t ne, uint64_t seed, size_t min_size,
			    int32_t *mem, size_t *nc, double *quality,
			    char *errmsg, size_t errlen)
{
	uint32_t *up = NULL, *cnt = NULL, *vacc = NULL, *ecnt = NULL;
	uint32_t *eorder = NULL, *root_of = NULL;
	int32_t *el = NULL, *vid = NULL, next = 0;
	double *w = NULL, qsum = 0, wsum = 0;
	size_t ncomp = 0;
	enum cib_err err = CIB_ENOMEM;
	struct cluster_result r;

	*nc = 0;
	if (quality)
		*quality = 0;
	for (size_t a = 0; a < n_accounts; a++)
		mem[a] = CLUSTER_NONE;
	if (ne == 0)
		return CIB_OK;
	up = malloc((n_accounts + 1) * sizeof(*up));
	vid = malloc((n_accounts + 1) * sizeof(*vid));
	root_of = malloc((n_accounts + 1) * sizeof(*root_of));
	if (!up || !vid || !root_of)
		goto out;
	ncomp = edge_components(n_accounts, e, ne, up, vid, root_of);
	/* vertices in account order and edges in input order inside each
	 * component (a counting sort) */
	cnt = calloc(ncomp + 2, sizeof(*cnt));
	ecnt = calloc(ncomp + 2, sizeof(*ecnt));
	vacc = malloc((n_accounts + 1) * sizeof(*vacc));
	eorder = malloc((ne + 1) * sizeof(*eorder));
	el = malloc((2 * ne + 1) * sizeof(*el));
	w = malloc((ne + 1) * sizeof(*w));
	if (!cnt || !ecnt || !vacc || !eorder || !el || !w)
		goto out;
	for (size_t a = 0; a < n_accounts; a++)
		if (vid[a] >= 0)
			cnt[root_of[uf_find(up, (uint32_t)a)] + 2]++;
	for (size_t i = 0; i < ne; i++)
		ecnt[root_of[uf_find(up, e[i].a)] + 2]++;
	for (size_t c = 0; c < ncomp; c++) {
		cnt[c + 2] += cnt[c + 1];
		ecnt[c + 2] += ecnt[c + 1];
	}
	for (size_t a = 0; a < n_accounts; a++) {
		uint32_t c;

		if (vid[a] < 0)
			continue;
		c = root_of[uf_find(up, (uint32_t)a)];
		vacc[cnt[c + 1]++] = (uint32_t)a;
	}
	/* cnt[c] .. cnt[c + 1] now spans component c */
	for (size_t i = 0; i < ne; i++)
		eorder[ecnt[root_of[uf_find(up, e[i].a)] + 1]++] = (uint32_t)i;
	for (size_t c = 0; c < ncomp; c++) {
		size_t v0 = cnt[c], v1 = cnt[c + 1];
		size_t e0 = ecnt[c], e1 = ecnt[c + 1];

		if (v1 - v0 < min_size || v1 - v0 < 2)
			continue;
		for (size_t v = v0; v < v1; v++)
			vid[vacc[v]] = (int32_t)(v - v0);
		for (size_t k = e0; k < e1; k++) {
			const struct cluster_wedge *x = &e[eorder[k]];

			el[2 * (k - e0)] = vid[x->a];
			el[2 * (k - e0) + 1] = vid[x->b];
			w[k - e0] = x->w;
			wsum += x->w;
		}
		err = leiden_one(v1 - v0, vacc + v0, e1 - e0, el, w, seed,
				 min_size, mem, &next, &qsum, errmsg, errlen);
		if (err)
			goto out;
	}
	/* ids by decreasing size, ties by smallest member */
	memset(&r, 0, sizeof(r));
	r.n_accounts = n_accounts;
	r.membership = mem;
	r.n_clusters = (size_t)next;
	r.size = calloc((size_t)next + 1, sizeof(*r.size));
	if (!r.size)
		goto out;
	err = renumber(&r);
	free(r.size);
	if (err)
		goto out;
	*nc = r.n_clusters;
	if (quality)
		*quality = wsum > 0 ? qsum / wsum : 0;
	err = CIB_OK;
out:
	free(up);
	free(vid);
	free(root_of);
	free(cnt);
	free(ecnt);
	free(vacc);
	free(eorder);
	free(el);
	free(w);
	return err;
}

enum cib_err cluster_detect(const struct coord_graph *g, uint64_t seed,
			    size_t min_size, struct cluster_result *r)
{
	struct cluster_wedge *e;
	enum cib_err err;

	memset(r, 0, sizeof(*r));
	r->n_accounts = g->n_accounts;
	r->membership = malloc((g->n_accounts + 1) * sizeof(*r->membership));
	e = malloc((g->n_edges + 1) * sizeof(*e));
	if (!r->membership || !e) {
		free(e);
		cluster_result_release(r);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		e[i].a = g->edges[i].a;
		e[i].b = g->edges[i].b;
		e[i].w = cluster_edge_weight(&g->edges[i]);
	}
	err = cluster_leiden(g->n_accounts, e, g->n_edges, seed, min_size,
			     r->membership, &r->n_clusters, &r->quality,
			     r->errmsg, sizeof(r->errmsg));
	free(e);
	if (!err) {
		r->size = calloc(r->n_clusters + 1, sizeof(*r->size));
		if (!r->size)
			err = CIB_ENOMEM;
	}
	if (err) {
		cluster_result_release(r);
		return err;
	}
	for (size_t a = 0; a < r->n_accounts; a++)
		if (r->membership[a] >= 0)
			r->size[r->membership[a]]++;
	return CIB_OK;
}

/* Each cluster's summed per-type activity K[c * COORD__COUNT + t] and
 * quick reposts received S[c] (the caller frees both). */
static int cluster_sums(const struct cluster_result *r,
			const struct coord_graph *g, double **Kp, double **Sp)
{
	size_t nc = r->n_clusters;
	double *K = calloc(nc * COORD__COUNT + 1, sizeof(*K));
	double *S = calloc(nc + 1, sizeof(*S));

	if (!K || !S) {
		free(K);
		free(S);
		return -1;
	}
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (r->membership[a] < 0)
			continue;
		for (int t = 0; t < COORD__COUNT; t++)
			K[(size_t)r->membership[a] * COORD__COUNT + t] +=
				g->k[t][a];
		S[r->membership[a]] += g->s_amp[a];
	}
	*Kp = K;
	*Sp = S;
	return 0;
}

/* BH inside each component: tests sorted by (comp, log10p); fam[comp] is
 * the component's family size. Sets pass[i] for the kept tests. */
static void bh_by_comp(const struct groups_member_test *e, size_t n,
		       const double *fam, double fdr, uint8_t *pass)
{
	for (size_t i = 0; i < n;) {
		size_t j = i, keep = 0;
		double m = fam[e[i].comp] > 0 ? fam[e[i].comp] : 1;

		while (j < n && e[j].comp == e[i].comp)
			j++;
		for (size_t k = i; k < j; k++)
			if (e[k].log10p <= log10(fdr * (double)(k - i + 1) / m))
				keep = k - i + 1;
		for (size_t k = i; k < j; k++)
			pass[k] = k - i < keep;
		i = j;
	}
}

static int cmp_test_p(const void *a, const void *b)
{
	const struct groups_member_test *x = a, *y = b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	if (x->acc != y->acc)
		return x->acc < y->acc ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

/* Clusters per component (each cluster lies in one: its members are joined
 * by co-actions). */
static double *clusters_per_comp(const struct cluster_result *r,
				 const struct groups_index *ix)
{
	double *nc = calloc(ix->n_comp + 1, sizeof(*nc));
	uint8_t *seen = calloc(r->n_clusters + 1, 1);

	if (!nc || !seen) {
		free(nc);
		free(seen);
		return NULL;
	}
	for (size_t a = 0; a < r->n_accounts; a++) {
		int32_t c = r->membership[a];

		if (c >= 0 && !seen[c]) {
			seen[c] = 1;
			nc[ix->comp[a]] += 1;
		}
	}
	free(seen);
	return nc;
}

enum cib_err cluster_attach(struct cluster_result *r,
			    const struct coord_graph *g,
			    const struct groups_index *ix, double fdr,
			    size_t *n_attached)
{
	return cluster_attach_only(r, g, ix, fdr, NULL, NULL, NULL,
				   n_attached);
}

enum cib_err cluster_attach_only(struct cluster_result *r,
				 const struct coord_graph *g,
				 const struct groups_index *ix, double fdr,
				 const uint8_t *only,
				 cluster_attach_adjust adjust, void *ctx,
				 size_t *n_attached)
{
	struct groups_member_test *e = NULL;
	size_t ne = 0, ns = 0, added = 0;
	double *fam = NULL, *out_act = NULL;
	uint8_t *pass = NULL;
	int32_t *best = NULL;
	enum cib_err err;

	if (n_attached)
		*n_attached = 0;
	if (r->n_clusters == 0)
		return CIB_OK;
	if (only)
		err = groups_member_tests_of(ix, g, r->membership,
					     r->n_clusters, only, 0, &e, &ne);
	else
		err = groups_member_tests_passable(ix, g, r->membership,
						   r->n_clusters, 0, -1, &e,
						   &ne);
	if (err)
		return err;
	err = CIB_ENOMEM;
	/* the family: the component's active accounts in no cluster x its
	 * clusters */
	fam = clusters_per_comp(r, ix);
	pass = malloc(ne + 1);
	best = malloc((r->n_accounts + 1) * sizeof(*best));
	if (!fam || !pass || !best)
		goto out;
	/* the accounts tested: active and in no cluster */
	err = groups_outside_active(ix, g, r->membership, &out_act);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	for (size_t c = 0; c < ix->n_comp; c++)
		fam[c] *= out_act[c];
	/* only tests that meet their guards have p < 1 (groups.h): at least
	 * two distinct objects and ATTACH_MIN_RATIO times chance as well as
	 * significant: one object, however popular with the cluster, is not
	 * coordination, and the null is overdispersed (with many objects a
	 * busy account's 1.2 times chance against a big cluster would pass) */
	for (size_t i = 0; i < ne; i++) {
		if (!(e[i].log10p < 0))
			continue;
		if (adjust) {
			double f = adjust(ctx, e[i].acc, e[i].group);

			if (isnan(f))
				continue;
			e[i].log10p = fmin(0, e[i].log10p + f);
			if (!(e[i].log10p < 0))
				continue;
		}
		e[ns++] = e[i];
	}
	qsort(e, ns, sizeof(*e), cmp_test_p);
	bh_by_comp(e, ns, fam, fdr, pass);
	for (size_t a = 0; a < r->n_accounts; a++)
		best[a] = CLUSTER_NONE;
	/* sorted by p within the component: an account's first passing test
	 * is its best */
	for (size_t i = 0; i < ns; i++)
		if (pass[i] && best[e[i].acc] == CLUSTER_NONE)
			best[e[i].acc] = e[i].group;
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (best[a] != CLUSTER_NONE) {
			r->membership[a] = best[a];
			r->size[best[a]]++;
			added++;
		}
	}
	if (n_attached)
		*n_attached = added;
	err = CIB_OK;
out:
	free(e);
	free(fam);
	free(pass);
	free(out_act);
	free(best);
	return err;
}

/* ---- growing the clusters ------------------------------------------- */

/* Two clusters merge only when the ties between them are at least this
 * share as dense, over chance, as the clusters' ties inside (the
 * geometric mean of the two densities: the halves of one split network
 * are tied across about as densely as inside; measured against the
 * looser one alone, a loose crowd of look-alikes absorbed every network
 * it met; docs/model.md 5.3). */
#define MERGE_DENSITY 0.5

/* The effect-size floor of the mutual-partner rule (cluster_merge): two
 * clusters that are each other's strongest passing partner merge when
 * tied at least this many times as often as chance gives, whatever
 * their inside density (the floor of the member tests, groups.h). */
#define MERGE_MIN_RATIO GROUPS_MIN_RATIO

struct merge_entry {
	uint32_t comp;   /* the clusters' component */
	uint32_t c1, c2; /* c1 < c2 */
	uint32_t x;
	double log10p;   /* the p of the family being tested (merge_bh) */
	double tail;     /* log10 P(Poisson(lambda) >= x); 0 when x < 2 */
	double ratio;    /* x / lambda */
	double lam;      /* the null's expected co-actions */
	uint32_t nmin;   /* the smaller cluster's size */
	double low;      /* the lower confidence bound of the ratio (the
			    mutual-partner family's selected pairs only,
			    merge_bh) */
	int dense;       /* as dense across as MERGE_DENSITY of inside */
	int pass;        /* bit 1: passes in the dense family; bit 2: in the
			    mutual-partner family */
};

/* The lower confidence bound of x / lambda at level q: the mean mu with
 * P(Poisson(mu) >= x) = q, mu = chi-square(2x) quantile q, halved (the
 * exact Poisson bound, Garwood 1936), over lambda. What the mutual-partner
 * rule ranks and floors, at the level that holds for the pairs BH
 * selected (merge_bh): a small cluster's few co-actions against a tiny
 * lambda give a large but noisy ratio (a friend group of 14 tied to a
 * network by 10 co-actions against 2.06, 4.8 times chance). */
static double merge_low(uint32_t x, double lambda, double q)
{
	if (x == 0 || lambda <= 0)
		return 0;
	return gsl_cdf_chisq_Pinv(q, 2.0 * x) / 2.0 / lambda;
}

/* Whether entry e is a better partner than the one at best (-1: none)
 * for a cluster, among the pairs that passed (each significant and at
 * least MERGE_MIN_RATIO times chance by its bound, or dense): the
 * stronger evidence (the smaller Poisson tail), then the higher lower
 * bound of the ratio over chance, then more co-actions, then the smaller
 * other cluster id (so the choice is order-free). Evidence, not the
 * ratio: a network's seeders (who post, never repost) are tied to their
 * own amplifiers by 1,514 quick reposts against 436 expected (3.5 times
 * chance, p = 2e-352), to another network's seeders by 44 co-uses of
 * the same campaign hashtags in the same office hours against 4.9 (9
 * times, p = 1e-26); ranked by the ratio, the seeders of three networks
 * became one cluster (docs/model.md 5.3). */
static int merge_better(const struct merge_entry *v, size_t e, int64_t best,
			uint32_t self)
{
	const struct merge_entry *a = &v[e], *b;
	uint32_t oa, ob;

	if (best < 0)
		return 1;
	b = &v[best];
	if (a->tail != b->tail)
		return a->tail < b->tail;
	if (a->low != b->low)
		return a->low > b->low;
	if (a->x != b->x)
		return a->x > b->x;
	oa = a->c1 == self ? a->c2 : a->c1;
	ob = b->c1 == self ? b->c2 : b->c1;
	return oa < ob;
}

static int cmp_merge(const void *a, const void *b)
{
	const struct merge_entry *x = a, *y = b;

	if (x->c1 != y->c1)
		return x->c1 < y->c1 ? -1 : 1;
	return x->c2 < y->c2 ? -1 : x->c2 > y->c2;
}

static int cmp_merge_p(const void *a, const void *b)
{
	const struct merge_entry *x = a, *y = b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	return cmp_merge(a, b);
}

/* Benjamini-Hochberg at fdr inside each component (fam[comp] pairs of
 * clusters) over one family: fam_bit 1, the dense pairs; 2, the pairs
 * that are not dense, of which a selected one is kept only when the
 * lower confidence bound of its ratio at the false-coverage-adjusted
 * level (merge_low at fdr R / m) is at least MERGE_MIN_RATIO. The
 * others count p = 1. Sets fam_bit in pass of the kept entries; leaves
 * e sorted by (component, that family's p). */
static void merge_bh(struct merge_entry *e, size_t nu, const double *fam,
		     double fdr, int fam_bit)
{
	for (size_t i = 0; i < nu; i++) {
		int in = fam_bit == 1 ? e[i].dense : !e[i].dense;

		e[i].log10p = in ? e[i].tail : 0;
	}
	qsort(e, nu, sizeof(*e), cmp_merge_p);
	for (size_t i = 0; i < nu;) {
		size_t keep = 0, k;
		double m = fam[e[i].comp] > 0 ? fam[e[i].comp] : 1;

		for (k = i; k < nu && e[k].comp == e[i].comp; k++)
			if (e[k].log10p < 0 &&
			    e[k].log10p <= log10(fdr * (double)(k - i + 1) / m))
				keep = k - i + 1;
		for (size_t j = i; j < i + keep; j++) {
			/* the member tests' count guard (two objects an
			 * account), summed over the smaller cluster: merging
			 * it is attaching each of its members */
			if (e[j].log10p >= 0 ||
			    e[j].x < 2 * (uint64_t)e[j].nmin)
				continue;
			if (fam_bit == 1) {
				e[j].pass |= fam_bit;
				continue;
			}
			/* the selected pairs' ratios, bounded at the
			 * false-coverage-adjusted level fdr R / m (R pairs
			 * selected of m; Benjamini & Yekutieli 2005) */
			e[j].low = merge_low(e[j].x, e[j].lam,
					     fdr * (double)keep / m);
			if (e[j].low >= MERGE_MIN_RATIO)
				e[j].pass |= fam_bit;
		}
		i = k;
	}
}

/* Renumbers clusters by decreasing size, ties by smallest member index
 * (cluster_detect's order), and recounts sizes. */
static enum cib_err renumber(struct cluster_result *r)
{
	size_t nc = r->n_clusters, n = 0;
	struct cl_order *order = calloc(nc + 1, sizeof(*order));
	int32_t *remap = malloc((nc + 1) * sizeof(*remap));

	if (!order || !remap) {
		free(order);
		free(remap);
		return CIB_ENOMEM;
	}
	for (size_t c = 0; c < nc; c++) {
		order[c].raw = (int32_t)c;
		order[c].min_acc = UINT32_MAX;
	}
	for (size_t a = 0; a < r->n_accounts; a++) {
		int32_t c = r->membership[a];

		if (c < 0)
			continue;
		order[c].size++;
		if ((uint32_t)a < order[c].min_acc)
			order[c].min_acc = (uint32_t)a;
	}
	qsort(order, nc, sizeof(*order), cmp_order);
	for (size_t c = 0; c < nc; c++) {
		if (order[c].size == 0) {
			remap[order[c].raw] = CLUSTER_NONE;
			continue;
		}
		remap[order[c].raw] = (int32_t)n;
		r->size[n++] = order[c].size;
	}
	for (size_t a = 0; a < r->n_accounts; a++)
		if (r->membership[a] >= 0)
			r->membership[a] = remap[r->membership[a]];
	r->n_clusters = n;
	free(order);
	free(remap);
	return CIB_OK;
}

/* cluster_settle's tests of the new clusters' members against the older
 * clusters: those members taken out (t), every passing
 * test (BH over the component's older clusters x its new members) with
 * p below the member's own leave-one-out p moves it. Returns the moves
 * in to[] (CLUSTER_NONE: stays). */
static enum cib_err settle_moves(const struct cluster_result *r,
				 const struct coord_graph *g,
				 const struct groups_index *ix, double fdr,
				 const uint8_t *is_new, const double *own,
				 int32_t *to)
{
	struct cluster_result t = *r;
	struct groups_member_test *e = NULL;
	size_t ne = 0, ns = 0;
	double *fam = NULL, *nnew = calloc(ix->n_comp + 1, sizeof(*nnew));
	uint8_t *pass = NULL, *only = calloc(r->n_accounts + 1, 1);
	enum cib_err err = CIB_ENOMEM;

	t.membership = malloc((r->n_accounts + 1) * sizeof(*t.membership));
	if (!t.membership || !nnew || !only)
		goto out;
	for (size_t a = 0; a < r->n_accounts; a++) {
		int32_t c = r->membership[a];

		to[a] = CLUSTER_NONE;
		only[a] = c >= 0 && is_new[c];
		t.membership[a] = only[a] ? CLUSTER_NONE : c;
		if (only[a])
			nnew[ix->comp[a]] += 1;
	}
	err = groups_member_tests_of(ix, g, t.membership, r->n_clusters, only,
				     0, &e, &ne);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	fam = clusters_per_comp(&t, ix);
	pass = malloc(ne + 1);
	if (!fam || !pass)
		goto out;
	for (size_t c = 0; c < ix->n_comp; c++)
		fam[c] *= nnew[c];
	for (size_t i = 0; i < ne; i++) /* only[] accounts were tested */
		if (e[i].log10p < 0)
			e[ns++] = e[i];
	qsort(e, ns, sizeof(*e), cmp_test_p);
	bh_by_comp(e, ns, fam, fdr, pass);
	/* sorted by p within the component: a member's first passing test
	 * is its best */
	for (size_t i = 0; i < ns; i++)
		if (pass[i] && to[e[i].acc] == CLUSTER_NONE &&
		    e[i].log10p < own[e[i].acc])
			to[e[i].acc] = e[i].group;
	err = CIB_OK;
out:
	free(t.membership);
	free(e);
	free(fam);
	free(nnew);
	free(pass);
	free(only);
	return err;
}

enum cib_err cluster_settle(struct cluster_result *r,
			    const struct coord_graph *g,
			    const struct groups_index *ix, double fdr,
			    const uint8_t *is_new, size_t min_size,
			    size_t *n_moved)
{
	struct groups_member_test *e = NULL;
	size_t ne = 0, moved = 0;
	double *own = NULL;
	int32_t *to = NULL;
	enum cib_err err = CIB_OK;

	if (n_moved)
		*n_moved = 0;
	if (r->n_clusters < 2)
		return CIB_OK;
	err = CIB_ENOMEM;
	own = malloc((r->n_accounts + 1) * sizeof(*own));
	to = malloc((r->n_accounts + 1) * sizeof(*to));
	if (!own || !to)
		goto out;
	/* the new members' leave-one-out tests: a test against one's own
	 * group depends on that group alone, so the others are not made */
	for (size_t a = 0; a < r->n_accounts; a++) {
		int32_t c = r->membership[a];

		to[a] = c >= 0 && is_new[c] ? c : CLUSTER_NONE;
	}
	err = groups_member_tests(ix, g, to, r->n_clusters, 1, -1, &e, &ne);
	if (err)
		goto out;
	for (size_t a = 0; a < r->n_accounts; a++)
		own[a] = 0;
	for (size_t i = 0; i < ne; i++)
		own[e[i].acc] = e[i].log10p;
	err = settle_moves(r, g, ix, fdr, is_new, own, to);
	if (err)
		goto out;
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (to[a] == CLUSTER_NONE)
			continue;
		r->size[r->membership[a]]--;
		r->membership[a] = to[a];
		r->size[to[a]]++;
		moved++;
	}
	/* a new cluster left below min_size is no group: its rest is free
	 * for the attach rounds that follow */
	for (size_t a = 0; a < r->n_accounts; a++) {
		int32_t c = r->membership[a];

		if (c >= 0 && is_new[c] && r->size[c] < min_size)
			r->membership[a] = CLUSTER_NONE;
	}
	for (size_t c = 0; c < r->n_clusters; c++)
		if (is_new[c] && r->size[c] < min_size)
			r->size[c] = 0;
	if (n_moved)
		*n_moved = moved;
	err = moved ? renumber(r) : CIB_OK;
out:
	free(e);
	free(own);
	free(to);
	return err;
}

enum cib_err cluster_renumber(struct cluster_result *r)
{
	return renumber(r);
}

/* cluster_merge's working arrays, one pass. */
struct merge_work {
	size_t nc;          /* clusters */
	size_t ne;          /* candidate pairs that cross two clusters */
	size_t nu;          /* distinct pairs of clusters met (entries) */
	double *K, *S;      /* cluster_sums */
	double *xin;        /* co-actions inside, then over their chance */
	double *fam;        /* per component: its pairs of clusters */
	uint32_t *ccomp;    /* per cluster: its component in ix */
	uint32_t *cc;       /* per cluster: its component in g */
	uint64_t *off;      /* ties by the lower cluster id (CSR) */
	uint32_t *nb, *nx;  /* each tie's other cluster and co-actions */
	uint32_t *seen, *up;
	int64_t *best;      /* per cluster: its strongest passing entry */
	struct merge_entry *e;
};

static void merge_work_release(struct merge_work *w)
{
	free(w->K);
	free(w->S);
	free(w->ccomp);
	free(w->fam);
	free(w->xin);
	free(w->off);
	free(w->nb);
	free(w->nx);
	free(w->e);
	free(w->seen);
	free(w->up);
	free(w->cc);
	free(w->best);
}

/* The ties between clusters, by the lower id (a counting sort into
 * off/nb/nx), and each cluster's co-actions inside (xin); allocates the
 * per-entry arrays. 0, or -1 out of memory. */
static int merge_ties(struct merge_work *w, const struct cluster_result *r,
		      const struct coord_graph *g)
{
	size_t nc = w->nc, np = 0;
	struct coord_pair *pv = NULL;

	/* each cluster's component (its members share one: edges and
	 * candidate pairs never cross components) */
	for (size_t c = 0; c < nc; c++)
		w->cc[c] = COORD_NO_COMP;
	for (size_t a = r->n_accounts; a-- > 0;)
		if (r->membership[a] >= 0)
			w->cc[r->membership[a]] = g->comp[a];
	/* the candidate pairs inside the clusters, wherever they are held */
	if (coord_pairs_among(g, r->membership, &pv, &np))
		return -1;
	for (size_t i = 0; i < np; i++) {
		int32_t ca = r->membership[pv[i].a],
			cb = r->membership[pv[i].b];

		if (ca == cb)
			w->xin[ca] += pv[i].x;
		else
			w->off[(ca < cb ? ca : cb) + 2]++;
	}
	for (size_t c = 0; c < nc; c++)
		w->off[c + 2] += w->off[c + 1];
	w->ne = w->off[nc + 1];
	w->nb = malloc((w->ne + 1) * sizeof(*w->nb));
	w->nx = malloc((w->ne + 1) * sizeof(*w->nx));
	w->e = malloc((w->ne + 1) * sizeof(*w->e));
	w->seen = malloc((nc + 1) * sizeof(*w->seen));
	w->best = malloc((nc + 1) * sizeof(*w->best));
	if (!w->nb || !w->nx || !w->e || !w->seen || !w->best) {
		free(pv);
		return -1;
	}
	for (size_t i = 0; i < np; i++) {
		int32_t ca = r->membership[pv[i].a],
			cb = r->membership[pv[i].b];
		uint64_t k;

		if (ca == cb)
			continue;
		k = w->off[(ca < cb ? ca : cb) + 1]++;
		w->nb[k] = (uint32_t)(ca < cb ? cb : ca);
		w->nx[k] = pv[i].x;
	}
	free(pv);
	return 0;
}

/* One entry per pair of clusters that met, with its co-actions, null,
 * ratio, density test and tail; xin becomes each cluster's density over
 * chance. */
static void merge_entries(struct merge_work *w, const struct cluster_result *r,
			  const struct coord_graph *g)
{
	size_t nc = w->nc;
	struct merge_entry *e = w->e;

	/* each cluster's internal co-actions over chance: the yardstick for
	 * the ties between two clusters */
	for (size_t c = 0; c < nc; c++) {
		double lin = coord_lambda_sets(g, w->cc[c],
					       w->K + c * COORD__COUNT, w->S[c],
					       w->K + c * COORD__COUNT,
					       w->S[c]) /
			     2;

		w->xin[c] = lin > 0 ? w->xin[c] / lin : 0;
	}
	for (size_t c = 0; c < nc; c++)
		w->seen[c] = UINT32_MAX;
	w->nu = 0;
	for (size_t c1 = 0; c1 < nc; c1++) {
		size_t first = w->nu;

		for (uint64_t k = w->off[c1]; k < w->off[c1 + 1]; k++) {
			uint32_t c2 = w->nb[k];

			if (w->seen[c2] == UINT32_MAX) {
				w->seen[c2] = (uint32_t)w->nu;
				e[w->nu++] = (struct merge_entry){
					0, (uint32_t)c1, c2, 0, 0, 0,
					0, 0, 0, 0, 0, 0 };
			}
			e[w->seen[c2]].x += w->nx[k];
		}
		for (size_t i = first; i < w->nu; i++)
			w->seen[e[i].c2] = UINT32_MAX;
	}
	for (size_t i = 0; i < w->nu; i++) {
		uint32_t c1 = e[i].c1, c2 = e[i].c2, x = e[i].x;
		double lam = coord_lambda_sets(g, w->cc[c1],
					       w->K + (size_t)c1 * COORD__COUNT,
					       w->S[c1],
					       w->K + (size_t)c2 * COORD__COUNT,
					       w->S[c2]);
		double inside = sqrt(w->xin[c1] * w->xin[c2]);

		/* significant, and either at least MERGE_DENSITY as dense
		 * (over chance) as the two clusters are inside (the
		 * geometric mean of their densities): with thousands of
		 * co-actions a Poisson test finds the null's small misfit
		 * between any two busy groups significant, but only one
		 * network split in two is tied that closely; or at least
		 * MERGE_MIN_RATIO times chance by its lower confidence bound
		 * (merge_bh), for the mutual-partner rule below */
		e[i].ratio = lam > 0 ? (double)x / lam : 0;
		e[i].lam = lam;
		e[i].nmin = r->size[c1] < r->size[c2] ? r->size[c1]
						      : r->size[c2];
		e[i].low = 0;
		e[i].dense = e[i].ratio >= MERGE_DENSITY * inside;
		e[i].tail = x < 2 || lam <= 0 ? 0.0
					      : coord_log10_poisson_tail(x, lam);
		e[i].pass = 0;
	}
}

/* The two BH families over each component's pairs of clusters, then each
 * cluster's strongest passing partner (best[]). */
static void merge_select(struct merge_work *w, const struct cluster_result *r,
			 const struct groups_index *ix, double fdr)
{
	struct merge_entry *e = w->e;

	/* the family is every pair of clusters of the component, not only
	 * those that met (two clusters of different components never do) */
	for (size_t a = 0; a < r->n_accounts; a++)
		if (r->membership[a] >= 0)
			w->ccomp[r->membership[a]] = ix->comp[a];
	for (size_t c = 0; c < ix->n_comp; c++)
		w->fam[c] = w->fam[c] * (w->fam[c] - 1) / 2;
	for (size_t i = 0; i < w->nu; i++)
		e[i].comp = w->ccomp[e[i].c1];
	/* two families, each Benjamini-Hochberg at fdr over the component's
	 * pairs of clusters: the dense pairs (the rule as it always was,
	 * its family unchanged by the other) and the pairs that are not
	 * dense, kept when at least MERGE_MIN_RATIO times chance by the
	 * lower bound (candidates of the mutual-partner rule) */
	merge_bh(e, w->nu, w->fam, fdr, 1);
	merge_bh(e, w->nu, w->fam, fdr, 2);
	for (size_t c = 0; c < w->nc; c++) {
		w->up[c] = (uint32_t)c;
		w->best[c] = -1;
	}
	/* each cluster's strongest passing partner (merge_better) */
	for (size_t k = 0; k < w->nu; k++) {
		if (!e[k].pass)
			continue;
		if (merge_better(e, k, w->best[e[k].c1], e[k].c1))
			w->best[e[k].c1] = (int64_t)k;
		if (merge_better(e, k, w->best[e[k].c2], e[k].c2))
			w->best[e[k].c2] = (int64_t)k;
	}
}

/* Joins the selected pairs (union-find, the smaller id surviving) and
 * returns how many merges were made; memberships point at the survivors
 * (not renumbered). */
static size_t merge_apply(struct merge_work *w, struct cluster_result *r)
{
	const struct merge_entry *e = w->e;
	size_t merged = 0;

	for (size_t k = 0; k < w->nu; k++) {
		uint32_t a, b;
		int b1 = w->best[e[k].c1] == (int64_t)k;
		int b2 = w->best[e[k].c2] == (int64_t)k;

		/* dense enough and the strongest tie of one of the two, or
		 * each the other's strongest: a dense pair that is neither
		 * cluster's strongest tie waits for the next round, when
		 * the stronger merges are made and it is tested again */
		if (!((e[k].pass & 1) && (b1 || b2)) &&
		    !((e[k].pass & 2) && b1 && b2))
			continue;
		a = uf_find(w->up, e[k].c1);
		b = uf_find(w->up, e[k].c2);
		if (a == b)
			continue;
		/* the smaller id survives, so the result is order-free */
		if (a < b)
			w->up[b] = a;
		else
			w->up[a] = b;
		merged++;
	}
	if (merged)
		for (size_t a = 0; a < r->n_accounts; a++)
			if (r->membership[a] >= 0)
				r->membership[a] = (int32_t)uf_find(
					w->up, (uint32_t)r->membership[a]);
	return merged;
}

enum cib_err cluster_merge(struct cluster_result *r,
			   const struct coord_graph *g,
			   const struct groups_index *ix, double fdr,
			   size_t *n_merged)
{
	struct merge_work w;
	size_t nc = r->n_clusters, merged;
	enum cib_err err = CIB_ENOMEM;

	if (n_merged)
		*n_merged = 0;
	if (nc < 2 || (g->pair_shard ? g->n_candidates : g->n_pairs) == 0)
		return CIB_OK;
	memset(&w, 0, sizeof(w));
	w.nc = nc;
	w.off = calloc(nc + 2, sizeof(*w.off));
	w.xin = calloc(nc, sizeof(*w.xin));
	w.up = malloc(nc * sizeof(*w.up));
	w.ccomp = malloc(nc * sizeof(*w.ccomp));
	w.fam = clusters_per_comp(r, ix);
	w.cc = malloc((nc + 1) * sizeof(*w.cc));
	if (!w.off || !w.xin || !w.up || !w.ccomp || !w.fam ||
	    !w.cc || cluster_sums(r, g, &w.K, &w.S) || merge_ties(&w, r, g))
		goto out;
	merge_entries(&w, r, g);
	merge_select(&w, r, ix, fdr);
	merged = merge_apply(&w, r);
	err = merged ? renumber(r) : CIB_OK;
	if (n_merged && !err)
		*n_merged = merged;
out:
	merge_work_release(&w);
	return err;
}

/* Attach rounds until one attaches nobody, at most CLUSTER_GROW_ROUNDS. */
enum cib_err cluster_attach_rounds(struct cluster_result *r,
				   const struct coord_graph *g,
				   const struct groups_index *ix, double fdr,
				   size_t *n_attached)
{
	for (int round = 0; round < CLUSTER_GROW_ROUNDS; round++) {
		size_t a = 0;
		enum cib_err err = cluster_attach(r, g, ix, fdr, &a);

		if (err)
			return err;
		*n_attached += a;
		if (a == 0)
			break;
	}
	return CIB_OK;
}

enum cib_err cluster_grow(struct cluster_result *r,
			  const struct coord_graph *g,
			  const struct groups_index *ix, double fdr,
			  size_t *n_attached, size_t *n_merged)
{
	size_t att = 0, mer = 0;
	enum cib_err err;

	err = cluster_attach_rounds(r, g, ix, fdr, &att);
	/* merges repeat: a merged cluster has new strongest partners (the
	 * fragments of one network join pair by pair) */
	for (int round = 0; !err && round < CLUSTER_MERGE_ROUNDS; round++) {
		size_t m = 0;

		err = cluster_merge(r, g, ix, fdr, &m);
		mer += m;
		if (m == 0)
			break;
	}
	/* a merged cluster is a larger yardstick: another few rounds */
	if (!err && mer)
		err = cluster_attach_rounds(r, g, ix, fdr, &att);
	/* attached members change sizes: ids by size again */
	if (!err)
		err = renumber(r);
	if (n_attached)
		*n_attached = att;
	if (n_merged)
		*n_merged = mer;
	return err;
}
