/* output.c - CSV, JSON and GraphML writers for a scored pipeline. */
#include "report/output.h"

#include <cjson/cJSON.h>
#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/csvout.h"
#include "core/textsafe.h"

#define REASONS_CAP 4096

static int cmp_order(const void *a, const void *b, void *ctx)
{
	const struct pipeline *p = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c;

	if (p->score[x] != p->score[y])
		return p->score[x] > p->score[y] ? -1 : 1;
	c = strcmp(ds_str(p->ds, p->ds->acc.id[x]),
		   ds_str(p->ds, p->ds->acc.id[y]));
	if (c)
		return c;
	return p->ds->acc.platform[x] < p->ds->acc.platform[y] ? -1 : 1;
}

uint32_t *output_order(const struct pipeline *p)
{
	size_t n = p->ds->acc.n;
	uint32_t *o = malloc((n + 1) * sizeof(*o));

	if (!o)
		return NULL;
	for (size_t a = 0; a < n; a++)
		o[a] = (uint32_t)a;
	qsort_r(o, n, sizeof(*o), cmp_order, (void *)p);
	return o;
}

static void cluster_label(const struct pipeline *p, uint32_t a, char *buf,
			  size_t n)
{
	int32_t c = p->cl.membership[a];

	if (c < 0)
		buf[0] = '\0';
	else
		snprintf(buf, n, "C%d", c + 1);
}

enum cib_err output_accounts_csv(const struct pipeline *p, FILE *f,
				 int csv_raw)
{
	static const char *const hdr[] = { "account_id", "platform", "handle",
					   "score",	 "flagged",  "cluster_id",
					   "cluster_size", "cluster_score",
					   "reasons" };
	const struct dataset *ds = p->ds;
	uint32_t *o = output_order(p);
	char *reasons = malloc(REASONS_CAP);
	char cl[32];

	if (!o || !reasons) {
		free(o);
		free(reasons);
		return CIB_ENOMEM;
	}
	csvout_header(f, hdr, 9);
	for (size_t i = 0; i < ds->acc.n; i++) {
		uint32_t a = o[i];
		int32_t c = p->cl.membership[a];

		csvout_text(f, ds_str(ds, ds->acc.id[a]), csv_raw);
		fputc(',', f);
		csvout_field(f, platform_name((enum platform)ds->acc.platform[a]));
		fputc(',', f);
		csvout_text(f, ds_str(ds, ds->acc.handle[a]), csv_raw);
		fprintf(f, ",%.6f,%d,", p->score[a], p->flagged[a] ? 1 : 0);
		cluster_label(p, a, cl, sizeof(cl));
		fputs(cl, f);
		if (c >= 0)
			fprintf(f, ",%u,%.6f,", p->ce[c].size, p->ce[c].score);
		else
			fputs(",,,", f);
		pipeline_reasons(p, a, reasons, REASONS_CAP);
		csvout_text(f, reasons, csv_raw);
		fputc('\n', f);
	}
	free(o);
	free(reasons);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_flagged_csv(const struct pipeline *p, FILE *f,
				int csv_raw)
{
	static const char *const hdr[] = { "account_id", "platform", "handle",
					   "score",	 "cluster_id", "reasons" };
	const struct dataset *ds = p->ds;
	uint32_t *o = output_order(p);
	char *reasons = malloc(REASONS_CAP);
	char cl[32];

	if (!o || !reasons) {
		free(o);
		free(reasons);
		return CIB_ENOMEM;
	}
	csvout_header(f, hdr, 6);
	for (size_t i = 0; i < ds->acc.n; i++) {
		uint32_t a = o[i];

		if (!p->flagged[a])
			continue;
		csvout_text(f, ds_str(ds, ds->acc.id[a]), csv_raw);
		fputc(',', f);
		csvout_field(f, platform_name((enum platform)ds->acc.platform[a]));
		fputc(',', f);
		csvout_text(f, ds_str(ds, ds->acc.handle[a]), csv_raw);
		fprintf(f, ",%.6f,", p->score[a]);
		cluster_label(p, a, cl, sizeof(cl));
		fputs(cl, f);
		fputc(',', f);
		pipeline_reasons(p, a, reasons, REASONS_CAP);
		csvout_text(f, reasons, csv_raw);
		fputc('\n', f);
	}
	free(o);
	free(reasons);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_flagged_ids(const struct pipeline *p, FILE *f)
{
	uint32_t *o = output_order(p);

	if (!o)
		return CIB_ENOMEM;
	for (size_t i = 0; i < p->ds->acc.n; i++)
		if (p->flagged[o[i]])
			fprintf(f, "%s\n", ds_str(p->ds, p->ds->acc.id[o[i]]));
	free(o);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.6g", v);
	else
		fputs(",", f);
}

enum cib_err output_clusters_csv(const struct pipeline *p, FILE *f,
				 int csv_raw)
{
	static const char *const hdr[] = {
		"cluster_id", "size", "score", "flagged", "posts",
		"shift_llr", "shift_offset_min", "lunch_start", "lunch_end",
		"supper_start", "supper_end", "lunch_dip_p", "supper_dip_p",
		"weekend_ratio", "holiday_ratio", "reuse_share",
		"creation_batch_share", "persona_switch_share",
		"inside_engagement", "engagement_received", "tz_spread",
		"modal_offset_min", "internal_edges", "best_edge_log10p",
		"office_p", "batch_p", "persona_switch_p", "location_p",
		"echo_p", "inauthenticity_p", "coordination_log10p",
		"shared_objects", "shared_expected", "sync_objects",
		"sync_expected", "group_only", "verdict", "platforms",
		"members"
	};
	const struct dataset *ds = p->ds;
	size_t nc = p->cl.n_clusters;
	uint32_t *o = output_order(p);

	if (!o)
		return CIB_ENOMEM;
	csvout_header(f, hdr, (int)(sizeof(hdr) / sizeof(hdr[0])));
	for (size_t c = 0; c < nc; c++) {
		const struct cluster_evidence *ce = &p->ce[c];
		const struct timing_fit *t = &ce->timing;
		size_t shown = 0, len = 0;
		char members[2048];

		fprintf(f, "C%zu,%u,%.6f,%u,%llu", c + 1, ce->size, ce->score,
			ce->n_flagged, (unsigned long long)ce->n_posts);
		put_num(f, t->shift_llr);
		fprintf(f, ",%d", t->shift_offset_min);
		put_num(f, t->lunch_start_h);
		put_num(f, t->lunch_end_h);
		put_num(f, t->supper_start_h);
		put_num(f, t->supper_end_h);
		put_num(f, t->lunch_dip_p);
		put_num(f, t->supper_dip_p);
		put_num(f, t->weekend_ratio);
		put_num(f, t->holiday_ratio);
		put_num(f, ce->reuse_share);
		put_num(f, ce->batch_share);
		put_num(f, ce->switch_share);
		put_num(f, ce->inside_engagement);
		fprintf(f, ",%llu", (unsigned long long)ce->engagement_received);
		put_num(f, ce->tz_spread);
		if (ce->modal_offset_min == INT32_MIN)
			fputs(",", f);
		else
			fprintf(f, ",%d", ce->modal_offset_min);
		fprintf(f, ",%u", ce->n_edges);
		put_num(f, ce->best_log10p);
		put_num(f, ce->p_office);
		put_num(f, ce->p_batch);
		put_num(f, ce->p_switch);
		put_num(f, ce->p_location);
		put_num(f, ce->p_echo);
		put_num(f, ce->p_inauth);
		/* group-level coordination (model/groups.h) */
		if (p->gr.ev && c < p->gr.n_groups) {
			const struct groups_evidence *ge = &p->gr.ev[c];

			put_num(f, ge->log10p);
			fprintf(f, ",%u", ge->objects);
			put_num(f, ge->objects_expected);
			fprintf(f, ",%u", ge->sync);
			put_num(f, ge->sync_expected);
			fprintf(f, ",%d", ge->discovered);
		} else {
			fputs(",,,,,,", f);
		}
		fprintf(f, ",%s,", pipeline_cluster_verdict(ce));
		for (unsigned b = 0, first = 1; b < 32; b++)
			if ((ce->platforms >> b) & 1) {
				fprintf(f, "%s%s", first ? "" : " ",
					platform_name((enum platform)b));
				first = 0;
			}
		fputc(',', f);
		/* members by score, space separated (first 50) */
		members[0] = '\0';
		for (size_t i = 0; i < ds->acc.n && shown < 50; i++) {
			uint32_t a = o[i];
			int k;

			if (p->cl.membership[a] != (int32_t)c)
				continue;
			k = snprintf(members + len, sizeof(members) - len, "%s%s",
				     shown ? " " : "", ds_str(ds, ds->acc.id[a]));
			if (k < 0 || (size_t)k >= sizeof(members) - len)
				break;
			len += (size_t)k;
			shown++;
		}
		csvout_text(f, members, csv_raw);
		fputc('\n', f);
	}
	free(o);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_edges_csv(const struct pipeline *p, FILE *f,
			      int csv_raw)
{
	const struct dataset *ds = p->ds;

	fputs("source,target,log10p,expected,observed", f);
	for (int t = 0; t < COORD__COUNT; t++)
		fprintf(f, ",%s", coord_type_name((enum coord_type)t));
	fputs(",source_cluster,target_cluster\n", f);
	for (size_t i = 0; i < p->g.n_edges; i++) {
		const struct coord_edge *e = &p->g.edges[i];
		/* the pooled count that was tested, not the raw type sum */
		uint32_t tot = e->observed;
		char ca[32], cb[32];

		csvout_text(f, ds_str(ds, ds->acc.id[e->a]), csv_raw);
		fputc(',', f);
		csvout_text(f, ds_str(ds, ds->acc.id[e->b]), csv_raw);
		fprintf(f, ",%.4f,%.6g,%u", e->log10p, e->lambda, tot);
		for (int t = 0; t < COORD__COUNT; t++)
			fprintf(f, ",%u", e->x[t]);
		cluster_label(p, e->a, ca, sizeof(ca));
		cluster_label(p, e->b, cb, sizeof(cb));
		fprintf(f, ",%s,%s\n", ca, cb);
	}
	return ferror(f) ? CIB_EIO : CIB_OK;
}

/* A vertex string attribute, with what XML 1.0 cannot hold (control
 * characters, bytes that are not UTF-8) written as "\xNN" text: igraph
 * refuses such strings, and a parser would reject the file. */
static igraph_error_t set_xml_string(igraph_t *g, const char *name, size_t v,
				     const char *s)
{
	igraph_error_t rc;
	char *clean;

	if (textsafe_is_clean(s, TEXTSAFE_XML))
		return igraph_cattribute_VAS_set(g, name, (igraph_integer_t)v,
						 s);
	clean = textsafe_dup(s, TEXTSAFE_XML);
	if (!clean)
		return IGRAPH_ENOMEM;
	rc = igraph_cattribute_VAS_set(g, name, (igraph_integer_t)v, clean);
	free(clean);
	return rc;
}

enum cib_err output_graphml(const struct pipeline *p, FILE *f, char *errmsg,
			    size_t errlen)
{
	const struct dataset *ds = p->ds;
	igraph_t g;
	igraph_vector_int_t edges;
	int32_t *vid = NULL;
	uint32_t *vacc = NULL;
	size_t nv = 0;
	igraph_error_t rc;
	igraph_attribute_table_t *prev_table;
	enum cib_err err = CIB_OK;

	vid = malloc((ds->acc.n + 1) * sizeof(*vid));
	vacc = malloc((ds->acc.n + 1) * sizeof(*vacc));
	if (!vid || !vacc) {
		free(vid);
		free(vacc);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < ds->acc.n; a++)
		vid[a] = -1;
	for (size_t i = 0; i < p->g.n_edges; i++) {
		uint32_t ab[2] = { p->g.edges[i].a, p->g.edges[i].b };

		for (int k = 0; k < 2; k++)
			if (vid[ab[k]] < 0) {
				vid[ab[k]] = (int32_t)nv;
				vacc[nv++] = ab[k];
			}
	}
	if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * p->g.n_edges))) {
		free(vid);
		free(vacc);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < p->g.n_edges; i++) {
		VECTOR(edges)[2 * i] = vid[p->g.edges[i].a];
		VECTOR(edges)[2 * i + 1] = vid[p->g.edges[i].b];
	}
	/* attributes need igraph's C attribute handler while this graph
	 * lives; the previous handler is restored below */
	prev_table = igraph_set_attribute_table(&igraph_cattribute_table);
	rc = igraph_create(&g, &edges, (igraph_integer_t)nv, IGRAPH_UNDIRECTED);
	igraph_vector_int_destroy(&edges);
	if (rc) {
		igraph_set_attribute_table(prev_table);
		snprintf(errmsg, errlen, "igraph: %s", igraph_strerror(rc));
		free(vid);
		free(vacc);
		return CIB_ELIB;
	}
	/* a layout, so Gephi opens the file ready to read: Fruchterman-
	 * Reingold (grid-accelerated above 1000 nodes; fewer iterations on
	 * large graphs), a fixed seed so the same input gives the same file;
	 * written as the node attributes x and y Gephi's importer reads */
	if (!rc && nv) {
		igraph_matrix_t xy;

		rc = igraph_matrix_init(&xy, 0, 0);
		if (!rc) {
			igraph_rng_seed(igraph_rng_default(), 1);
			rc = igraph_layout_fruchterman_reingold(
				&g, &xy, 0, nv > 20000 ? 60 : nv > 2000 ? 150 : 300,
				sqrt((double)nv) / 2 + 1, IGRAPH_LAYOUT_AUTOGRID,
				NULL, NULL, NULL, NULL, NULL);
			for (size_t v = 0; v < nv && !rc; v++) {
				rc = igraph_cattribute_VAN_set(
					&g, "x", (igraph_integer_t)v,
					round(MATRIX(xy, v, 0) * 1000) / 100);
				if (!rc)
					rc = igraph_cattribute_VAN_set(
						&g, "y", (igraph_integer_t)v,
						round(MATRIX(xy, v, 1) * 1000) / 100);
			}
			igraph_matrix_destroy(&xy);
		}
	}
	for (size_t v = 0; v < nv && !rc; v++) {
		uint32_t a = vacc[v];
		char cl[32];
		const char *h = ds_str(ds, ds->acc.handle[a]);

		cluster_label(p, a, cl, sizeof(cl));
		/* Gephi shows the attribute "label": the handle, else the id */
		rc = set_xml_string(&g, "label", v,
				    *h ? h : ds_str(ds, ds->acc.id[a]));
		if (rc)
			break;
		rc = set_xml_string(&g, "account_id", v,
				    ds_str(ds, ds->acc.id[a]));
		if (!rc)
			rc = set_xml_string(&g, "handle", v,
					    ds_str(ds, ds->acc.handle[a]));
		if (!rc)
			rc = igraph_cattribute_VAS_set(&g, "cluster",
						       (igraph_integer_t)v, cl);
		if (!rc)
			rc = igraph_cattribute_VAN_set(&g, "score",
						       (igraph_integer_t)v,
						       p->score ? p->score[a] : 0);
		if (!rc)
			rc = igraph_cattribute_VAN_set(&g, "flagged",
						       (igraph_integer_t)v,
						       p->flagged ? p->flagged[a] : 0);
	}
	for (size_t i = 0; i < p->g.n_edges && !rc; i++) {
		const struct coord_edge *e = &p->g.edges[i];

		rc = igraph_cattribute_EAN_set(&g, "weight", (igraph_integer_t)i,
					       cluster_edge_weight(e));
		for (int t = 0; t < COORD__COUNT && !rc; t++)
			rc = igraph_cattribute_EAN_set(
				&g, coord_type_name((enum coord_type)t),
				(igraph_integer_t)i, e->x[t]);
	}
	if (!rc)
		rc = igraph_write_graph_graphml(&g, f, 1);
	if (rc) {
		snprintf(errmsg, errlen, "igraph: %s", igraph_strerror(rc));
		err = CIB_ELIB;
	}
	igraph_destroy(&g);
	igraph_set_attribute_table(prev_table);
	free(vid);
	free(vacc);
	return err;
}

static cJSON *num_or_null(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

enum cib_err output_json(const struct pipeline *p, FILE *f,
			 const char *settings)
{
	const struct dataset *ds = p->ds;
	cJSON *root = cJSON_CreateObject(), *arr, *o, *x;
	uint32_t *ord = output_order(p);
	char *reasons = malloc(REASONS_CAP);
	char *s;
	char cl[32];

	if (!root || !ord || !reasons) {
		cJSON_Delete(root);
		free(ord);
		free(reasons);
		return CIB_ENOMEM;
	}
	cJSON_AddStringToObject(root, "tool", "cibscan");
	if (settings)
		cJSON_AddStringToObject(root, "settings", settings);
	cJSON_AddNumberToObject(root, "accounts_read", (double)ds->acc.n);
	cJSON_AddNumberToObject(root, "posts_read", (double)ds->post.n);
	cJSON_AddNumberToObject(root, "flagged", (double)p->n_flagged);
	cJSON_AddNumberToObject(root, "threshold", p->threshold_used);
	cJSON_AddNumberToObject(root, "prior", p->prior_used);
	x = cJSON_AddObjectToObject(root, "graph");
	if (x) {
		cJSON_AddNumberToObject(x, "edges", (double)p->g.n_edges);
		cJSON_AddNumberToObject(x, "candidate_pairs",
					(double)p->g.n_candidates);
		cJSON_AddNumberToObject(x, "tests", p->g.n_tests);
		cJSON_AddNumberToObject(x, "log10_cutoff", p->g.log10_cutoff);
		cJSON_AddNumberToObject(x, "components", (double)p->g.n_comps);
		cJSON_AddNumberToObject(x, "dense_objects", (double)p->g.n_dense);
		o = cJSON_AddObjectToObject(x, "types");
		for (int t = 0; o && t < COORD__COUNT; t++) {
			const struct coord_type_stats *st = &p->g.stats[t];
			cJSON *y = cJSON_AddObjectToObject(
				o, coord_type_name((enum coord_type)t));

			if (!y)
				break;
			cJSON_AddNumberToObject(y, "window_seconds",
						(double)st->window);
			cJSON_AddBoolToObject(y, "window_estimated",
					      st->window_estimated);
			cJSON_AddNumberToObject(y, "events", (double)st->events);
			cJSON_AddNumberToObject(y, "objects", (double)st->objects);
			cJSON_AddNumberToObject(y, "shared_objects",
						(double)st->shared_objects);
			cJSON_AddNumberToObject(y, "viral_objects",
						(double)st->viral_objects);
			cJSON_AddNumberToObject(y, "dense_objects",
						(double)st->dense_objects);
			cJSON_AddNumberToObject(y, "actions", st->actions);
			cJSON_AddNumberToObject(y, "pairs_in_window",
						st->pairs_total);
			cJSON_AddNumberToObject(y, "candidate_pairs",
						(double)st->candidate_pairs);
		}
	}
	arr = cJSON_AddArrayToObject(root, "clusters");
	for (size_t c = 0; arr && c < p->cl.n_clusters; c++) {
		const struct cluster_evidence *ce = &p->ce[c];

		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		snprintf(cl, sizeof(cl), "C%zu", c + 1);
		cJSON_AddStringToObject(o, "cluster_id", cl);
		cJSON_AddNumberToObject(o, "size", ce->size);
		cJSON_AddNumberToObject(o, "score", ce->score);
		cJSON_AddNumberToObject(o, "flagged", ce->n_flagged);
		cJSON_AddNumberToObject(o, "posts", (double)ce->n_posts);
		cJSON_AddItemToObject(o, "shift_llr", num_or_null(ce->timing.shift_llr));
		cJSON_AddItemToObject(o, "lunch_dip_p", num_or_null(ce->timing.lunch_dip_p));
		cJSON_AddItemToObject(o, "supper_dip_p", num_or_null(ce->timing.supper_dip_p));
		cJSON_AddItemToObject(o, "reuse_share", num_or_null(ce->reuse_share));
		cJSON_AddItemToObject(o, "inside_engagement", num_or_null(ce->inside_engagement));
		cJSON_AddItemToObject(o, "tz_spread", num_or_null(ce->tz_spread));
		cJSON_AddItemToObject(o, "creation_batch_share", num_or_null(ce->batch_share));
		cJSON_AddItemToObject(o, "persona_switch_share", num_or_null(ce->switch_share));
		cJSON_AddItemToObject(o, "office_p", num_or_null(ce->p_office));
		cJSON_AddItemToObject(o, "batch_p", num_or_null(ce->p_batch));
		cJSON_AddItemToObject(o, "persona_switch_p", num_or_null(ce->p_switch));
		cJSON_AddItemToObject(o, "location_p", num_or_null(ce->p_location));
		cJSON_AddItemToObject(o, "echo_p", num_or_null(ce->p_echo));
		cJSON_AddItemToObject(o, "inauthenticity_p", num_or_null(ce->p_inauth));
		if (p->gr.ev && c < p->gr.n_groups) {
			const struct groups_evidence *ge = &p->gr.ev[c];

			cJSON_AddNumberToObject(o, "coordination_log10p",
						ge->log10p);
			cJSON_AddNumberToObject(o, "shared_objects", ge->objects);
			cJSON_AddItemToObject(o, "shared_expected",
					      num_or_null(ge->objects_expected));
			cJSON_AddNumberToObject(o, "sync_objects", ge->sync);
			cJSON_AddItemToObject(o, "sync_expected",
					      num_or_null(ge->sync_expected));
			cJSON_AddBoolToObject(o, "group_only", ge->discovered);
		}
		cJSON_AddStringToObject(o, "verdict", pipeline_cluster_verdict(ce));
		{
			cJSON *pls = cJSON_AddArrayToObject(o, "platforms");

			for (unsigned b = 0; pls && b < 32; b++)
				if ((ce->platforms >> b) & 1)
					cJSON_AddItemToArray(
						pls, cJSON_CreateString(platform_name(
							     (enum platform)b)));
		}
	}
	arr = cJSON_AddArrayToObject(root, "accounts");
	for (size_t i = 0; arr && i < ds->acc.n; i++) {
		uint32_t a = ord[i];
		int32_t c = p->cl.membership[a];

		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "account_id", ds_str(ds, ds->acc.id[a]));
		cJSON_AddStringToObject(o, "platform",
					platform_name((enum platform)ds->acc.platform[a]));
		cJSON_AddStringToObject(o, "handle", ds_str(ds, ds->acc.handle[a]));
		cJSON_AddNumberToObject(o, "score", p->score[a]);
		cJSON_AddBoolToObject(o, "flagged", p->flagged[a]);
		if (c >= 0) {
			snprintf(cl, sizeof(cl), "C%d", c + 1);
			cJSON_AddStringToObject(o, "cluster_id", cl);
		} else {
			cJSON_AddNullToObject(o, "cluster_id");
		}
		pipeline_reasons(p, a, reasons, REASONS_CAP);
		cJSON_AddStringToObject(o, "reasons", reasons);
		x = cJSON_AddObjectToObject(o, "features");
		for (int k = 0; x && k < SF__COUNT; k++)
			cJSON_AddItemToObject(x, score_feature_names[k],
					      num_or_null(p->x[a * SF__COUNT + k]));
	}
	free(ord);
	free(reasons);
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		return CIB_ENOMEM;
	fputs(s, f);
	fputc('\n', f);
	free(s);
	return ferror(f) ? CIB_EIO : CIB_OK;
}
