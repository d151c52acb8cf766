/* cluster.c - Leiden communities on the coordination graph via igraph.
 *
 * Only accounts with at least one significant edge become vertices. igraph
 * errors are turned into CIB_ELIB with igraph's message; the caller has set
 * igraph's error handler to return instead of abort (cli/main.c).
 */
#include "cluster.h"

#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define IG(call)                                                        \
	do {                                                            \
		igraph_error_t ig_rc_ = (call);                         \
		if (ig_rc_ != IGRAPH_SUCCESS) {                         \
			snprintf(r->errmsg, sizeof(r->errmsg), "igraph: %s", \
				 igraph_strerror(ig_rc_));              \
			err = ig_rc_ == IGRAPH_ENOMEM ? CIB_ENOMEM : CIB_ELIB; \
			goto out;                                       \
		}                                                       \
	} while (0)

enum cib_err cluster_detect(const struct coord_graph *g, uint64_t seed,
			    size_t min_size, struct cluster_result *r)
{
	igraph_t graph;
	igraph_vector_int_t edges, membership;
	igraph_vector_t weights, strength;
	igraph_integer_t nb = 0;
	igraph_real_t quality = 0, total = 0;
	int32_t *vid = NULL;
	uint32_t *vacc = NULL;
	struct cl_order *order = NULL;
	int32_t *remap = NULL;
	size_t nv = 0;
	int have_graph = 0, have_vecs = 0;
	enum cib_err err = CIB_OK;

	memset(r, 0, sizeof(*r));
	r->n_accounts = g->n_accounts;
	r->membership = malloc((g->n_accounts + 1) * sizeof(*r->membership));
	vid = malloc((g->n_accounts + 1) * sizeof(*vid));
	vacc = malloc((g->n_accounts + 1) * sizeof(*vacc));
	if (!r->membership || !vid || !vacc) {
		err = CIB_ENOMEM;
		goto out_nograph;
	}
	for (size_t a = 0; a < g->n_accounts; a++) {
		r->membership[a] = CLUSTER_NONE;
		vid[a] = -1;
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		uint32_t ab[2] = { g->edges[i].a, g->edges[i].b };

		for (int k = 0; k < 2; k++) {
			if (vid[ab[k]] < 0) {
				vid[ab[k]] = (int32_t)nv;
				vacc[nv++] = ab[k];
			}
		}
	}
	if (nv == 0)
		goto out_nograph;
	igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
	if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * g->n_edges)) ||
	    igraph_vector_int_init(&membership, 0) ||
	    igraph_vector_init(&weights, (igraph_integer_t)g->n_edges) ||
	    igraph_vector_init(&strength, (igraph_integer_t)nv)) {
		err = CIB_ENOMEM;
		goto out_nograph;
	}
	have_vecs = 1;
	for (size_t i = 0; i < g->n_edges; i++) {
		double w = cluster_edge_weight(&g->edges[i]);

		VECTOR(edges)[2 * i] = vid[g->edges[i].a];
		VECTOR(edges)[2 * i + 1] = vid[g->edges[i].b];
		VECTOR(weights)[i] = w;
		VECTOR(strength)[vid[g->edges[i].a]] += w;
		VECTOR(strength)[vid[g->edges[i].b]] += w;
		total += w;
	}
	IG(igraph_create(&graph, &edges, (igraph_integer_t)nv, IGRAPH_UNDIRECTED));
	have_graph = 1;
	/* modularity via Leiden: node weights = strengths, resolution
	 * 1 / (2 W), as igraph's documentation prescribes */
	IG(igraph_community_leiden(&graph, &weights, &strength,
				   1.0 / (2.0 * total), 0.01, 0, -1,
				   &membership, &nb, &quality));
	r->quality = quality;
	/* renumber: by size desc, then smallest account index */
	order = calloc((size_t)nb + 1, sizeof(*order));
	remap = malloc(((size_t)nb + 1) * sizeof(*remap));
	if (!order || !remap) {
		err = CIB_ENOMEM;
		goto out;
	}
	for (igraph_integer_t c = 0; c < nb; c++) {
		order[c].raw = (int32_t)c;
		order[c].min_acc = UINT32_MAX;
	}
	for (size_t v = 0; v < nv; v++) {
		igraph_integer_t c = VECTOR(membership)[v];

		order[c].size++;
		if (vacc[v] < order[c].min_acc)
			order[c].min_acc = vacc[v];
	}
	qsort(order, (size_t)nb, sizeof(*order), cmp_order);
	r->size = calloc((size_t)nb + 1, sizeof(*r->size));
	if (!r->size) {
		err = CIB_ENOMEM;
		goto out;
	}
	for (igraph_integer_t c = 0; c < nb; c++) {
		if (order[c].size >= min_size) {
			remap[order[c].raw] = (int32_t)r->n_clusters;
			r->size[r->n_clusters++] = order[c].size;
		} else {
			remap[order[c].raw] = CLUSTER_NONE;
		}
	}
	for (size_t v = 0; v < nv; v++)
		r->membership[vacc[v]] = remap[VECTOR(membership)[v]];
out:
	if (have_graph)
		igraph_destroy(&graph);
out_nograph:
	if (have_vecs) {
		igraph_vector_int_destroy(&edges);
		igraph_vector_int_destroy(&membership);
		igraph_vector_destroy(&weights);
		igraph_vector_destroy(&strength);
	}
	free(vid);
	free(vacc);
	free(order);
	free(remap);
	if (err)
		cluster_result_release(r);
	return err;
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

struct attach_entry {
	uint32_t acc;
	int32_t c;
	uint32_t x;
	double log10p;
};

static int cmp_attach(const void *a, const void *b)
{
	const struct attach_entry *x = a, *y = b;

	if (x->acc != y->acc)
		return x->acc < y->acc ? -1 : 1;
	return x->c < y->c ? -1 : x->c > y->c;
}

static int cmp_attach_p(const void *a, const void *b)
{
	const struct attach_entry *x = a, *y = b;

	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	return cmp_attach(a, b);
}

enum cib_err cluster_attach(struct cluster_result *r,
			    const struct coord_graph *g, double fdr,
			    size_t *n_attached)
{
	size_t nc = r->n_clusters, na = r->n_accounts, ne = 0, nu = 0, ns = 0;
	size_t keep = 0, added = 0;
	double *K = NULL, *S = NULL, m, cut;
	struct attach_entry *e = NULL;
	uint64_t *off = NULL;
	uint32_t *nb = NULL, *nx = NULL, *seen = NULL;
	uint8_t *in = NULL;
	int32_t *best = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (n_attached)
		*n_attached = 0;
	if (nc == 0 || g->n_pairs == 0)
		return CIB_OK;
	/* the pairs with one clustered end, by their unclustered end
	 * (a counting sort: linear, where a comparison sort of tens of
	 * millions of pairs would dominate the stage) */
	off = calloc(na + 2, sizeof(*off));
	in = malloc(na + 1);
	if (!off || !in || cluster_sums(r, g, &K, &S))
		goto out;
	/* one byte an account, so the scans' random reads stay in cache */
	for (size_t a = 0; a < na; a++)
		in[a] = r->membership[a] >= 0;
	for (size_t i = 0; i < g->n_pairs; i++) {
		const struct coord_pair *p = &g->pairs[i];

		if (in[p->a] != in[p->b])
			off[(in[p->a] ? p->b : p->a) + 2]++;
	}
	for (size_t a = 0; a < na; a++)
		off[a + 2] += off[a + 1];
	ne = off[na + 1];
	nb = malloc((ne + 1) * sizeof(*nb));
	nx = malloc((ne + 1) * sizeof(*nx));
	if (!nb || !nx)
		goto out;
	for (size_t i = 0; i < g->n_pairs; i++) {
		const struct coord_pair *p = &g->pairs[i];
		uint32_t u, v;
		uint64_t k;

		if (in[p->a] == in[p->b])
			continue;
		u = in[p->a] ? p->b : p->a; /* the unclustered end */
		v = in[p->a] ? p->a : p->b;
		k = off[u + 1]++;
		nb[k] = (uint32_t)r->membership[v];
		nx[k] = p->x;
	}
	/* per account, its co-actions with each cluster it met (the sort by
	 * p below breaks ties by account and cluster, so the order here does
	 * not matter) */
	e = malloc((ne + 1) * sizeof(*e));
	seen = malloc((nc + 1) * sizeof(*seen));
	if (!e || !seen)
		goto out;
	for (size_t c = 0; c < nc; c++)
		seen[c] = UINT32_MAX;
	for (size_t a = 0; a < na; a++) {
		size_t first = nu;

		for (uint64_t k = off[a]; k < off[a + 1]; k++) {
			uint32_t c = nb[k];

			if (seen[c] == UINT32_MAX) {
				seen[c] = (uint32_t)nu;
				e[nu++] = (struct attach_entry){ (uint32_t)a,
								 (int32_t)c,
								 0, 0 };
			}
			e[seen[c]].x += nx[k];
		}
		for (size_t i = first; i < nu; i++)
			seen[e[i].c] = UINT32_MAX;
	}
	/* only a test that can pass is kept for the sort: p is at least the
	 * point mass P(X = x), and no BH cutoff exceeds fdr * nu / m */
	m = (double)(g->n_active ? g->n_active : 1) * (double)nc;
	cut = log10(fdr * (double)(nu ? nu : 1) / m);
	for (size_t i = 0; i < nu; i++) {
		double lam = coord_lambda_with(g, e[i].acc,
					       K + (size_t)e[i].c * COORD__COUNT,
					       S[e[i].c]);
		double x = (double)e[i].x;

		/* at least ATTACH_MIN_RATIO times chance as well as
		 * significant: the null is overdispersed, and with thousands
		 * of co-actions between a busy account and a big cluster the
		 * test finds that misfit significant at 1.2 times chance */
		if (e[i].x < 2 || lam <= 0 || x < ATTACH_MIN_RATIO * lam ||
		    (x * log(lam) - lam - lgamma(x + 1)) / M_LN10 > cut)
			continue;
		e[ns] = e[i];
		e[ns++].log10p = coord_log10_poisson_tail(e[i].x, lam);
	}
	qsort(e, ns, sizeof(*e), cmp_attach_p);
	for (size_t i = 0; i < ns; i++)
		if (e[i].log10p <= log10(fdr * (double)(i + 1) / m))
			keep = i + 1;
	best = malloc((na + 1) * sizeof(*best));
	if (!best)
		goto out;
	for (size_t a = 0; a < na; a++)
		best[a] = CLUSTER_NONE;
	/* sorted by p: the first passing test of an account is its best */
	for (size_t i = 0; i < keep; i++)
		if (best[e[i].acc] == CLUSTER_NONE)
			best[e[i].acc] = e[i].c;
	for (size_t a = 0; a < na; a++) {
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
	free(S);
	free(K);
	free(off);
	free(nb);
	free(nx);
	free(e);
	free(seen);
	free(in);
	free(best);
	return err;
}

/* ---- growing the clusters ------------------------------------------- */

/* Two clusters merge only when the ties between them are at least this
 * share as dense, over chance, as the looser cluster's ties inside. */
#define MERGE_DENSITY 0.5

struct merge_entry {
	uint32_t c1, c2; /* c1 < c2 */
	uint32_t x;
	double log10p;
};

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

	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	return cmp_merge(a, b);
}

static uint32_t uf_find(uint32_t *up, uint32_t c)
{
	while (up[c] != c) {
		up[c] = up[up[c]];
		c = up[c];
	}
	return c;
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

enum cib_err cluster_merge(struct cluster_result *r,
			   const struct coord_graph *g, double fdr,
			   size_t *n_merged)
{
	size_t nc = r->n_clusters, ne, nu = 0, keep = 0, merged = 0;
	double *K = NULL, *S = NULL, *xin = NULL, m;
	struct merge_entry *e = NULL;
	uint64_t *off = NULL;
	uint32_t *nb = NULL, *nx = NULL, *seen = NULL, *up = NULL, *cc = NULL;
	uint8_t *in = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (n_merged)
		*n_merged = 0;
	if (nc < 2 || g->n_pairs == 0)
		return CIB_OK;
	off = calloc(nc + 2, sizeof(*off));
	xin = calloc(nc, sizeof(*xin));
	up = malloc(nc * sizeof(*up));
	in = malloc(r->n_accounts + 1);
	cc = malloc((nc + 1) * sizeof(*cc));
	if (!off || !xin || !up || !in || !cc || cluster_sums(r, g, &K, &S))
		goto out;
	/* each cluster's component (its members share one: edges and
	 * candidate pairs never cross components) */
	for (size_t c = 0; c < nc; c++)
		cc[c] = COORD_NO_COMP;
	for (size_t a = r->n_accounts; a-- > 0;)
		if (r->membership[a] >= 0)
			cc[r->membership[a]] = g->comp[a];
	/* ties between clusters, by the lower id (a counting sort), and
	 * each cluster's ties inside */
	for (size_t a = 0; a < r->n_accounts; a++)
		in[a] = r->membership[a] >= 0;
	for (size_t i = 0; i < g->n_pairs; i++) {
		const struct coord_pair *p = &g->pairs[i];
		int32_t ca, cb;

		if (!in[p->a] || !in[p->b])
			continue;
		ca = r->membership[p->a];
		cb = r->membership[p->b];
		if (ca == cb)
			xin[ca] += p->x;
		else
			off[(ca < cb ? ca : cb) + 2]++;
	}
	for (size_t c = 0; c < nc; c++)
		off[c + 2] += off[c + 1];
	ne = off[nc + 1];
	nb = malloc((ne + 1) * sizeof(*nb));
	nx = malloc((ne + 1) * sizeof(*nx));
	e = malloc((ne + 1) * sizeof(*e));
	seen = malloc((nc + 1) * sizeof(*seen));
	if (!nb || !nx || !e || !seen)
		goto out;
	for (size_t i = 0; i < g->n_pairs; i++) {
		const struct coord_pair *p = &g->pairs[i];
		int32_t ca, cb;
		uint64_t k;

		if (!in[p->a] || !in[p->b])
			continue;
		ca = r->membership[p->a];
		cb = r->membership[p->b];
		if (ca == cb)
			continue;
		k = off[(ca < cb ? ca : cb) + 1]++;
		nb[k] = (uint32_t)(ca < cb ? cb : ca);
		nx[k] = p->x;
	}
	/* each cluster's internal co-actions over chance: the yardstick for
	 * the ties between two clusters */
	for (size_t c = 0; c < nc; c++) {
		double lin = coord_lambda_sets(g, cc[c], K + c * COORD__COUNT,
					       S[c],
					       K + c * COORD__COUNT, S[c]) /
			     2;

		xin[c] = lin > 0 ? xin[c] / lin : 0;
	}
	for (size_t c = 0; c < nc; c++)
		seen[c] = UINT32_MAX;
	for (size_t c1 = 0; c1 < nc; c1++) {
		size_t first = nu;

		for (uint64_t k = off[c1]; k < off[c1 + 1]; k++) {
			uint32_t c2 = nb[k];

			if (seen[c2] == UINT32_MAX) {
				seen[c2] = (uint32_t)nu;
				e[nu++] = (struct merge_entry){ (uint32_t)c1, c2,
								0, 0 };
			}
			e[seen[c2]].x += nx[k];
		}
		for (size_t i = first; i < nu; i++)
			seen[e[i].c2] = UINT32_MAX;
	}
	for (size_t i = 0; i < nu; i++) {
		uint32_t c1 = e[i].c1, c2 = e[i].c2, x = e[i].x;
		double lam = coord_lambda_sets(g, cc[c1],
					       K + (size_t)c1 * COORD__COUNT,
					       S[c1],
					       K + (size_t)c2 * COORD__COUNT,
					       S[c2]);
		double weaker = xin[c1] < xin[c2] ? xin[c1] : xin[c2];

		/* significant, and at least MERGE_DENSITY as dense (over
		 * chance) as the looser of the two clusters is inside: with
		 * thousands of co-actions a Poisson test finds the null's
		 * small misfit between any two busy groups significant, but
		 * only one network split in two is tied that closely */
		e[i].log10p = x < 2 || lam <= 0 ||
					      (double)x / lam < MERGE_DENSITY * weaker
				      ? 0.0
				      : coord_log10_poisson_tail(x, lam);
	}
	/* the family is every pair of clusters, not only those that met */
	m = (double)nc * (double)(nc - 1) / 2;
	qsort(e, nu, sizeof(*e), cmp_merge_p);
	for (size_t i = 0; i < nu; i++)
		if (e[i].log10p <= log10(fdr * (double)(i + 1) / m))
			keep = i + 1;
	for (size_t c = 0; c < nc; c++)
		up[c] = (uint32_t)c;
	for (size_t i = 0; i < keep; i++) {
		uint32_t a = uf_find(up, e[i].c1), b = uf_find(up, e[i].c2);

		if (a == b)
			continue;
		/* the smaller id survives, so the result is order-free */
		if (a < b)
			up[b] = a;
		else
			up[a] = b;
		merged++;
	}
	err = CIB_OK;
	if (merged) {
		for (size_t a = 0; a < r->n_accounts; a++)
			if (r->membership[a] >= 0)
				r->membership[a] = (int32_t)uf_find(
					up, (uint32_t)r->membership[a]);
		err = renumber(r);
	}
	if (n_merged && !err)
		*n_merged = merged;
out:
	free(K);
	free(S);
	free(xin);
	free(off);
	free(nb);
	free(nx);
	free(e);
	free(seen);
	free(up);
	free(in);
	free(cc);
	return err;
}

/* Attach rounds until one attaches nobody, at most CLUSTER_GROW_ROUNDS. */
static enum cib_err attach_rounds(struct cluster_result *r,
				  const struct coord_graph *g, double fdr,
				  size_t *n_attached)
{
	for (int round = 0; round < CLUSTER_GROW_ROUNDS; round++) {
		size_t a = 0;
		enum cib_err err = cluster_attach(r, g, fdr, &a);

		if (err)
			return err;
		*n_attached += a;
		if (a == 0)
			break;
	}
	return CIB_OK;
}

enum cib_err cluster_grow(struct cluster_result *r,
			  const struct coord_graph *g, double fdr,
			  size_t *n_attached, size_t *n_merged)
{
	size_t att = 0, mer = 0;
	enum cib_err err;

	err = attach_rounds(r, g, fdr, &att);
	if (!err)
		err = cluster_merge(r, g, fdr, &mer);
	/* a merged cluster is a larger yardstick: another few rounds */
	if (!err && mer)
		err = attach_rounds(r, g, fdr, &att);
	if (n_attached)
		*n_attached = att;
	if (n_merged)
		*n_merged = mer;
	return err;
}
