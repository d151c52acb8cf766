/* cluster.c - Leiden communities on the coordination graph via igraph.
 *
 * Only accounts with at least one significant edge become vertices. igraph
 * errors are turned into CIB_ELIB with igraph's message; the caller has set
 * igraph's error handler to return instead of abort (cli/main.c).
 */
#include "cluster.h"

#include <igraph.h>
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
	size_t nc = r->n_clusters, ne = 0, nu = 0, keep = 0, added = 0;
	double *K = NULL, *S = NULL, m;
	struct attach_entry *e = NULL;
	int32_t *best = NULL;
	double *bestp = NULL;

	if (n_attached)
		*n_attached = 0;
	if (nc == 0 || g->n_pairs == 0)
		return CIB_OK;
	K = calloc(nc * COORD__COUNT, sizeof(*K));
	S = calloc(nc, sizeof(*S));
	e = malloc(g->n_pairs * sizeof(*e));
	if (!K || !S || !e) {
		free(K);
		free(S);
		free(e);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (r->membership[a] < 0)
			continue;
		for (int t = 0; t < COORD__COUNT; t++)
			K[(size_t)r->membership[a] * COORD__COUNT + t] +=
				g->k[t][a];
		S[r->membership[a]] += g->s_amp[a];
	}
	for (size_t i = 0; i < g->n_pairs; i++) {
		const struct coord_pair *p = &g->pairs[i];
		int32_t ca = r->membership[p->a], cb = r->membership[p->b];

		if (ca >= 0 && cb < 0)
			e[ne++] = (struct attach_entry){ p->b, ca, p->x, 0 };
		else if (cb >= 0 && ca < 0)
			e[ne++] = (struct attach_entry){ p->a, cb, p->x, 0 };
	}
	qsort(e, ne, sizeof(*e), cmp_attach);
	for (size_t i = 0; i < ne;) {
		size_t j = i;
		uint32_t x = 0;

		while (j < ne && e[j].acc == e[i].acc && e[j].c == e[i].c)
			x += e[j++].x;
		e[nu] = e[i];
		e[nu].x = x;
		e[nu].log10p = x < 2 ? 0.0
				     : coord_log10_poisson_tail(
					       x, coord_lambda_with(
							  g, e[i].acc,
							  K + (size_t)e[i].c *
								      COORD__COUNT,
							  S[e[i].c]));
		nu++;
		i = j;
	}
	m = (double)(g->n_active ? g->n_active : 1) * (double)nc;
	qsort(e, nu, sizeof(*e), cmp_attach_p);
	for (size_t i = 0; i < nu; i++)
		if (e[i].log10p <= log10(fdr * (double)(i + 1) / m))
			keep = i + 1;
	best = malloc((r->n_accounts + 1) * sizeof(*best));
	bestp = malloc((r->n_accounts + 1) * sizeof(*bestp));
	if (!best || !bestp) {
		free(S);
		free(K);
		free(e);
		free(best);
		free(bestp);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < r->n_accounts; a++) {
		best[a] = CLUSTER_NONE;
		bestp[a] = 1;
	}
	/* sorted by p: the first passing test of an account is its best */
	for (size_t i = 0; i < keep; i++)
		if (best[e[i].acc] == CLUSTER_NONE) {
			best[e[i].acc] = e[i].c;
			bestp[e[i].acc] = e[i].log10p;
		}
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (best[a] != CLUSTER_NONE) {
			r->membership[a] = best[a];
			r->size[best[a]]++;
			added++;
		}
	}
	if (n_attached)
		*n_attached = added;
	free(S);
	free(K);
	free(e);
	free(best);
	free(bestp);
	return CIB_OK;
}
