/* fromrun.c - rebuilds the parts of a struct pipeline the report draws
 * from a saved run and the dataset it was scored from (fromrun.h).
 *
 * What is recomputed is only what depends on the dataset alone and is
 * deterministic: the post index, the features (with the run's reference
 * zone, seed and reuse cap, as pipeline_prepare sets them), each cluster's
 * pooled timing profile and its fit, and the members' mean engagement.
 * Everything the model decided comes from the run: cluster membership,
 * the significant edges (back in the graph's (a, b) order), the cluster
 * tests, scores and flags. No coordination graph is built, no group is
 * tested and nothing is scored here.
 *
 * Invariants: on success r->ds_index is a bijection between the run's
 * accounts and ds's rows, and p->cl.membership[r->ds_index[i]] ==
 * r->acc[i].cluster for every i (report_write checks it again).
 */
#include "fromrun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strpool.h"

void report_run_feature_opts(const struct scored_run *r,
			     struct feature_opts *fo)
{
	const char *tz = run_str(r, r->meta.tz);

	feature_opts_init(fo);
	fo->tz = tz[0] ? tz : NULL;
	fo->seed = r->meta.seed;
	fo->reuse.max_accounts = r->meta.max_actors;
}

static enum cib_err map_accounts(struct dataset *ds, struct scored_run *r,
				 char *errmsg, size_t errlen)
{
	size_t na = ds->acc.n;
	uint8_t *seen;

	if (r->n_accounts != na) {
		snprintf(errmsg, errlen,
			 "the inputs hold %zu accounts, the run %zu: not the "
			 "inputs it was scored from",
			 na, r->n_accounts);
		return CIB_EPARSE;
	}
	free(r->ds_index);
	r->ds_index = malloc((na + 1) * sizeof(*r->ds_index));
	seen = calloc(na + 1, 1);
	if (!r->ds_index || !seen) {
		free(seen);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < na; i++) {
		const char *id = run_str(r, r->acc[i].id);
		uint32_t sid, a = UINT32_MAX;

		strpool_find(&ds->strings, id, strlen(id), &sid);
		if (sid != STR_NONE)
			a = dataset_find_account(
				ds, (enum platform)r->acc[i].platform, sid);
		if (a == UINT32_MAX || a >= na || seen[a]) {
			snprintf(errmsg, errlen,
				 "account %s (rank %zu of the run) is not in "
				 "the inputs: not the inputs it was scored "
				 "from",
				 id, i + 1);
			free(seen);
			return CIB_EPARSE;
		}
		seen[a] = 1;
		r->ds_index[i] = a;
	}
	free(seen);
	return CIB_OK;
}

static int cmp_edge_ab(const void *x, const void *y)
{
	const struct coord_edge *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static enum cib_err graph_from_run(struct pipeline *p,
				   const struct scored_run *r)
{
	const struct run_meta *m = &r->meta;
	struct coord_graph *g = &p->g;

	g->n_accounts = r->n_accounts;
	g->edges = calloc(r->n_edges + 1, sizeof(*g->edges));
	if (!g->edges)
		return CIB_ENOMEM;
	for (size_t i = 0; i < r->n_edges; i++) {
		const struct run_edge *s = &r->edges[i];
		struct coord_edge *e = &g->edges[i];
		uint32_t a = r->ds_index[s->a], b = r->ds_index[s->b];

		e->a = a < b ? a : b;
		e->b = a < b ? b : a;
		e->observed = s->observed;
		e->lambda = s->lambda;
		e->log10p = s->log10p;
		for (int t = 0; t < COORD__COUNT; t++)
			e->x[t] = s->x[t];
	}
	qsort(g->edges, r->n_edges, sizeof(*g->edges), cmp_edge_ab);
	g->n_edges = r->n_edges;
	g->n_candidates = m->n_candidates;
	g->n_comps = (size_t)m->n_components;
	g->n_dense = (size_t)m->n_dense;
	g->n_tests = m->n_tests;
	g->log10_cutoff = m->log10_cutoff;
	for (int t = 0; t < COORD__COUNT; t++) {
		const struct run_type_stats *s = &m->types[t];
		struct coord_type_stats *d = &g->stats[t];

		d->window = s->window;
		d->window_estimated = (int)s->window_estimated;
		d->events = s->events;
		d->objects = s->objects;
		d->shared_objects = s->shared_objects;
		d->viral_objects = s->viral_objects;
		d->dense_objects = s->dense_objects;
		d->pairs_total = s->pairs_total;
		d->actions = s->actions;
		d->candidate_pairs = s->candidate_pairs;
	}
	return CIB_OK;
}

/* Per account its edges by type, as pipeline.c's summary does (strength
 * inside its own cluster included). */
static void edges_summarise(struct pipeline *p)
{
	const int32_t *mem = p->cl.membership;

	for (size_t i = 0; i < p->g.n_edges; i++) {
		const struct coord_edge *e = &p->g.edges[i];
		uint32_t ab[2] = { e->a, e->b };
		int inside = mem[e->a] >= 0 && mem[e->a] == mem[e->b];

		for (int s = 0; s < 2; s++) {
			struct edge_summary *es = &p->es[ab[s]];

			es->n_partners++;
			es->strength += -e->log10p;
			if (inside)
				es->strength_in += -e->log10p;
			if (e->log10p < es->best_log10p)
				es->best_log10p = e->log10p;
			for (int t = 0; t < COORD__COUNT; t++)
				if (e->x[t]) {
					es->partners[t]++;
					es->shared[t] += e->x[t];
				}
		}
	}
}

static void cluster_from_run(struct cluster_evidence *ce,
			     const struct run_cluster *k)
{
	ce->size = k->size;
	ce->n_posts = 0; /* counted again with the profile */
	ce->reuse_share = k->reuse_share;
	ce->batch_share = k->batch_share;
	ce->switch_share = k->switch_share;
	ce->inside_engagement = k->inside_engagement;
	ce->engagement_received = k->engagement_received;
	ce->tz_spread = k->tz_spread;
	ce->modal_offset_min = k->modal_offset_min;
	ce->p_office = k->p_office;
	ce->p_batch = k->p_batch;
	ce->p_switch = k->p_switch;
	ce->p_location = k->p_location;
	ce->p_echo = k->p_echo;
	ce->p_inauth = k->p_inauth;
	ce->inauthentic = (int)k->inauthentic;
	ce->inauth_cut = k->inauth_cut;
	ce->n_dated = k->n_dated;
	ce->batch_members = k->batch_members;
	ce->batch_days = k->batch_days;
	ce->n_switch = k->n_switch;
	ce->n_loc_known = k->n_loc_known;
	ce->n_loc_mismatch = k->n_loc_mismatch;
	ce->platforms = k->platforms;
	ce->n_edges = k->n_edges;
	ce->best_log10p = k->best_log10p;
	ce->score = k->score;
	ce->n_flagged = k->n_flagged;
}

/* The clusters' evidence: the run's tests, the pooled profiles and fits
 * and mean engagement recomputed from the posts and features. */
static enum cib_err clusters_from_run(struct pipeline *p,
				      const struct scored_run *r)
{
	const struct dataset *ds = p->ds;
	size_t nc = r->n_clusters, na = ds->acc.n;
	double *eng = NULL;
	enum cib_err err = CIB_ENOMEM;

	p->ce = calloc(nc + 1, sizeof(*p->ce));
	eng = calloc(nc + 1, sizeof(*eng));
	if (!p->ce || !eng)
		goto out;
	for (size_t c = 0; c < nc; c++) {
		timing_profile_init(&p->ce[c].profile);
		cluster_from_run(&p->ce[c], &r->cl[c]);
	}
	for (size_t j = 0; j < ds->post.n; j++) {
		int32_t c = p->cl.membership[ds->post.account[j]];

		if (c >= 0) {
			timing_profile_add_post(&p->ce[c].profile,
						&p->fs.tctx, ds->post.time[j],
						ds->post.flags[j]);
			p->ce[c].n_posts++;
		}
	}
	for (size_t a = 0; a < na; a++) {
		int32_t c = p->cl.membership[a];

		if (c >= 0)
			eng[c] += log10(1 + fmax(0, features_engagement_per_post(
							    &p->fs, (uint32_t)a)));
	}
	for (size_t c = 0; c < nc; c++) {
		struct cluster_evidence *ce = &p->ce[c];

		err = timing_fit_profile(&ce->profile, &ce->timing);
		if (err)
			goto out;
		ce->engagement_log = ce->size ? eng[c] / (double)ce->size : 0;
	}
	err = CIB_OK;
out:
	free(eng);
	return err;
}

enum cib_err report_view_from_run(struct pipeline *p, struct dataset *ds,
				  struct scored_run *r, char *errmsg,
				  size_t errlen)
{
	size_t na = ds->acc.n, nc = r->n_clusters;
	struct feature_opts fo;
	enum cib_err err;

	memset(p, 0, sizeof(*p));
	p->ds = ds;
	err = map_accounts(ds, r, errmsg, errlen);
	if (err)
		return err;
	err = postindex_build(&p->pi, ds);
	if (err)
		return err;
	report_run_feature_opts(r, &fo);
	err = features_compute(&p->fs, ds, &p->pi, &fo, errmsg, errlen);
	if (err)
		return err;
	p->cl.n_accounts = na;
	p->cl.membership = malloc((na + 1) * sizeof(*p->cl.membership));
	p->cl.size = calloc(nc + 1, sizeof(*p->cl.size));
	p->score = malloc((na + 1) * sizeof(*p->score));
	p->flagged = calloc(na + 1, 1);
	p->eligible = calloc(na + 1, 1);
	p->es = calloc(na + 1, sizeof(*p->es));
	if (!p->cl.membership || !p->cl.size || !p->score || !p->flagged ||
	    !p->eligible || !p->es)
		return CIB_ENOMEM;
	p->cl.n_clusters = nc;
	for (size_t c = 0; c < nc; c++)
		p->cl.size[c] = r->cl[c].size;
	for (size_t i = 0; i < na; i++) {
		uint32_t a = r->ds_index[i];
		const struct run_account *ra = &r->acc[i];

		p->cl.membership[a] = ra->cluster < 0 ? CLUSTER_NONE
						      : ra->cluster;
		p->score[a] = ra->score;
		p->flagged[a] = (uint8_t)(ra->flagged != 0);
		p->eligible[a] = (uint8_t)(ra->cluster >= 0 &&
					   r->cl[ra->cluster].inauthentic);
		p->n_flagged += p->flagged[a];
	}
	p->n_inauthentic = r->meta.n_inauthentic;
	p->threshold_used = r->meta.threshold_used;
	p->prior_used = r->meta.prior_used;
	p->prior_e = r->meta.prior_e;
	err = graph_from_run(p, r);
	if (err)
		return err;
	edges_summarise(p);
	return clusters_from_run(p, r);
}
