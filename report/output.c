/* output.c - CSV, JSON and GraphML writers for a scored run.
 *
 * Rows follow the run's rank; clusters its C1.. numbering. Reasons come
 * in words from report/reasons.c, never recomputed here. JSON is written
 * as it goes (one account at a time), so its memory is that of one row.
 */
#include "report/output.h"

#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/csvout.h"
#include "core/textsafe.h"
#include "report/reasons.h"

/* "platform:id" when platforms mix (an id alone is ambiguous there) */
static const char *qualified_id(const struct scored_run *r, size_t a, int mix,
				char *buf, size_t cap)
{
	if (!mix)
		return run_str(r, r->acc[a].id);
	snprintf(buf, cap, "%s:%s",
		 platform_name((enum platform)r->acc[a].platform),
		 run_str(r, r->acc[a].id));
	return buf;
}

/* The last two columns of an account row, headline and reasons, and the
 * row's end; reasons is a REASONS_CAP scratch buffer. */
static void put_words(const struct scored_run *r, size_t a, FILE *f,
		      char *reasons, int csv_raw)
{
	char head[REASONS_HEADLINE_MAX + 8];

	reasons_account_headline(r, a, head, sizeof(head));
	csvout_text(f, head, csv_raw);
	fputc(',', f);
	reasons_account_details(r, a, reasons, REASONS_CAP);
	csvout_text(f, reasons, csv_raw);
	fputc('\n', f);
}

enum cib_err output_accounts_csv(const struct scored_run *r, FILE *f,
				 int csv_raw)
{
	static const char *const hdr[] = {
		"account_id",	"platform",	 "handle",   "score",
		"flagged",	"cluster_id",	 "cluster_size", "cluster_score",
		"headline",	"reasons"
	};
	char *reasons = malloc(REASONS_CAP);
	char cl[32];

	if (!reasons)
		return CIB_ENOMEM;
	csvout_header(f, hdr, (int)(sizeof(hdr) / sizeof(hdr[0])));
	for (size_t a = 0; a < r->n_accounts; a++) {
		const struct run_account *A = &r->acc[a];

		csvout_text(f, run_str(r, A->id), csv_raw);
		fputc(',', f);
		csvout_field(f, platform_name((enum platform)A->platform));
		fputc(',', f);
		csvout_text(f, run_str(r, A->handle), csv_raw);
		fprintf(f, ",%.6f,%d,", A->score, A->flagged ? 1 : 0);
		run_cluster_label(r, a, cl, sizeof(cl));
		fputs(cl, f);
		if (A->cluster >= 0)
			fprintf(f, ",%u,%.6f,", r->cl[A->cluster].size,
				r->cl[A->cluster].score);
		else
			fputs(",,,", f);
		put_words(r, a, f, reasons, csv_raw);
	}
	free(reasons);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_flagged_csv(const struct scored_run *r, FILE *f,
				int csv_raw)
{
	static const char *const hdr[] = { "account_id", "platform", "handle",
					   "score",	 "cluster_id", "headline",
					   "reasons" };
	char *reasons = malloc(REASONS_CAP);
	char cl[32];

	if (!reasons)
		return CIB_ENOMEM;
	csvout_header(f, hdr, (int)(sizeof(hdr) / sizeof(hdr[0])));
	for (size_t a = 0; a < r->n_accounts; a++) {
		const struct run_account *A = &r->acc[a];

		if (!A->flagged)
			continue;
		csvout_text(f, run_str(r, A->id), csv_raw);
		fputc(',', f);
		csvout_field(f, platform_name((enum platform)A->platform));
		fputc(',', f);
		csvout_text(f, run_str(r, A->handle), csv_raw);
		fprintf(f, ",%.6f,", A->score);
		run_cluster_label(r, a, cl, sizeof(cl));
		fputs(cl, f);
		fputc(',', f);
		put_words(r, a, f, reasons, csv_raw);
	}
	free(reasons);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_flagged_ids(const struct scored_run *r, FILE *f)
{
	int mix = run_platforms_mix(r);
	char id[1024];

	for (size_t a = 0; a < r->n_accounts; a++)
		if (r->acc[a].flagged)
			fprintf(f, "%s\n", qualified_id(r, a, mix, id, sizeof(id)));
	return ferror(f) ? CIB_EIO : CIB_OK;
}

/* members listed per cluster in clusters.csv */
#define CL_MEMBERS_SHOWN 50

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.6g", v);
	else
		fputs(",", f);
}

enum cib_err output_clusters_csv(const struct scored_run *r, FILE *f,
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
		"headline", "reasons", "members"
	};
	size_t nc = r->n_clusters;
	int mix = run_platforms_mix(r);
	/* each cluster's first CL_MEMBERS_SHOWN members by rank, in one
	 * pass: nc x CL_MEMBERS_SHOWN indices, whatever the input's size */
	uint32_t *shown = calloc(nc + 1, sizeof(*shown));
	uint32_t *top = malloc((nc + 1) * CL_MEMBERS_SHOWN * sizeof(*top));
	char *reasons = malloc(REASONS_CAP);
	char head[REASONS_HEADLINE_MAX + 8], id[1024], members[2048];

	if (!shown || !top || !reasons) {
		free(shown);
		free(top);
		free(reasons);
		return CIB_ENOMEM;
	}
	for (size_t a = 0; a < r->n_accounts; a++) {
		int32_t c = r->acc[a].cluster;

		if (c >= 0 && shown[c] < CL_MEMBERS_SHOWN)
			top[(size_t)c * CL_MEMBERS_SHOWN + shown[c]++] =
				(uint32_t)a;
	}
	csvout_header(f, hdr, (int)(sizeof(hdr) / sizeof(hdr[0])));
	for (size_t c = 0; c < nc; c++) {
		const struct run_cluster *C = &r->cl[c];

		fprintf(f, "C%zu,%u,%.6f,%u,%llu", c + 1, C->size, C->score,
			C->n_flagged, (unsigned long long)C->n_posts);
		put_num(f, C->shift_llr);
		fprintf(f, ",%d", C->shift_offset_min);
		put_num(f, C->lunch_start_h);
		put_num(f, C->lunch_end_h);
		put_num(f, C->supper_start_h);
		put_num(f, C->supper_end_h);
		put_num(f, C->lunch_dip_p);
		put_num(f, C->supper_dip_p);
		put_num(f, C->weekend_ratio);
		put_num(f, C->holiday_ratio);
		put_num(f, C->reuse_share);
		put_num(f, C->batch_share);
		put_num(f, C->switch_share);
		put_num(f, C->inside_engagement);
		fprintf(f, ",%llu", (unsigned long long)C->engagement_received);
		put_num(f, C->tz_spread);
		if (C->modal_offset_min == INT32_MIN)
			fputs(",", f);
		else
			fprintf(f, ",%d", C->modal_offset_min);
		fprintf(f, ",%u", C->n_edges);
		put_num(f, C->best_log10p);
		put_num(f, C->p_office);
		put_num(f, C->p_batch);
		put_num(f, C->p_switch);
		put_num(f, C->p_location);
		put_num(f, C->p_echo);
		put_num(f, C->p_inauth);
		/* group-level coordination (model/groups.h) */
		if (C->has_group) {
			put_num(f, C->coord_log10p);
			fprintf(f, ",%u", C->objects);
			put_num(f, C->objects_expected);
			fprintf(f, ",%u", C->sync);
			put_num(f, C->sync_expected);
			fprintf(f, ",%u", C->discovered);
		} else {
			fputs(",,,,,,", f);
		}
		fprintf(f, ",%s,", reasons_cluster_verdict(r, c));
		for (unsigned b = 0, first = 1; b < 32; b++)
			if ((C->platforms >> b) & 1) {
				fprintf(f, "%s%s", first ? "" : " ",
					platform_name((enum platform)b));
				first = 0;
			}
		fputc(',', f);
		reasons_cluster_headline(r, c, head, sizeof(head));
		csvout_text(f, head, csv_raw);
		fputc(',', f);
		reasons_cluster_details(r, c, reasons, REASONS_CAP);
		csvout_text(f, reasons, csv_raw);
		fputc(',', f);
		/* space separated, cut before the id that would pass 2 KiB */
		members[0] = '\0';
		for (size_t i = 0, len = 0; i < shown[c]; i++) {
			const char *q = qualified_id(
				r, top[c * CL_MEMBERS_SHOWN + i], mix, id,
				sizeof(id));
			int k = snprintf(members + len, sizeof(members) - len,
					 "%s%s", i ? " " : "", q);

			if (k < 0 || (size_t)k >= sizeof(members) - len) {
				members[len] = '\0';
				break;
			}
			len += (size_t)k;
		}
		csvout_text(f, members, csv_raw);
		fputc('\n', f);
	}
	free(shown);
	free(top);
	free(reasons);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_edges_csv(const struct scored_run *r, FILE *f,
			      int csv_raw)
{
	int mix = run_platforms_mix(r);
	char id[1024];

	fputs("source,target,log10p,expected,observed", f);
	for (int t = 0; t < COORD__COUNT; t++)
		fprintf(f, ",%s", coord_type_name((enum coord_type)t));
	fputs(",source_cluster,target_cluster\n", f);
	for (size_t i = 0; i < r->n_edges; i++) {
		const struct run_edge *e = &r->edges[i];
		char ca[32], cb[32];

		csvout_text(f, qualified_id(r, e->a, mix, id, sizeof(id)),
			    csv_raw);
		fputc(',', f);
		csvout_text(f, qualified_id(r, e->b, mix, id, sizeof(id)),
			    csv_raw);
		/* the pooled count that was tested, not the raw type sum */
		fprintf(f, ",%.4f,%.6g,%u", e->log10p, e->lambda, e->observed);
		for (int t = 0; t < COORD__COUNT; t++)
			fprintf(f, ",%u", e->x[t]);
		run_cluster_label(r, e->a, ca, sizeof(ca));
		run_cluster_label(r, e->b, cb, sizeof(cb));
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

/* the clustering's weight (cluster_edge_weight): -log10 p in [0.1, 50] */
static double edge_weight(const struct run_edge *e)
{
	double w = -e->log10p;

	return w > 50 ? 50 : w < 0.1 ? 0.1 : w;
}

/* a layout, so Gephi opens the file ready to read: Fruchterman-
 * Reingold (grid-accelerated above 1000 nodes; fewer iterations on
 * large graphs), a fixed seed so the same input gives the same file;
 * written as the node attributes x and y Gephi's importer reads */
static igraph_error_t graphml_layout(igraph_t *g, size_t nv)
{
	igraph_matrix_t xy;
	igraph_error_t rc = igraph_matrix_init(&xy, 0, 0);

	if (rc)
		return rc;
	igraph_rng_seed(igraph_rng_default(), 1);
	rc = igraph_layout_fruchterman_reingold(
		g, &xy, 0, nv > 20000 ? 60 : nv > 2000 ? 150 : 300,
		sqrt((double)nv) / 2 + 1, IGRAPH_LAYOUT_AUTOGRID, NULL, NULL,
		NULL, NULL, NULL);
	for (size_t v = 0; v < nv && !rc; v++) {
		rc = igraph_cattribute_VAN_set(g, "x", (igraph_integer_t)v,
					       round(MATRIX(xy, v, 0) * 1000) /
						       100);
		if (!rc)
			rc = igraph_cattribute_VAN_set(
				g, "y", (igraph_integer_t)v,
				round(MATRIX(xy, v, 1) * 1000) / 100);
	}
	igraph_matrix_destroy(&xy);
	return rc;
}

/* node v's attributes (account a): label, id, handle, platform,
 * cluster, score, flagged */
static igraph_error_t graphml_node(const struct scored_run *r, igraph_t *g,
				   size_t v, uint32_t a)
{
	char cl[32];
	const char *h = run_str(r, r->acc[a].handle);
	const char *id = run_str(r, r->acc[a].id);
	igraph_error_t rc;

	run_cluster_label(r, a, cl, sizeof(cl));
	/* Gephi shows the attribute "label": the handle, else the id */
	rc = set_xml_string(g, "label", v, *h ? h : id);
	if (rc)
		return rc;
	rc = set_xml_string(g, "account_id", v, id);
	if (!rc)
		rc = set_xml_string(g, "handle", v, h);
	if (!rc)
		rc = igraph_cattribute_VAS_set(
			g, "platform", (igraph_integer_t)v,
			platform_name((enum platform)r->acc[a].platform));
	if (!rc)
		rc = igraph_cattribute_VAS_set(g, "cluster",
					       (igraph_integer_t)v, cl);
	if (!rc)
		rc = igraph_cattribute_VAN_set(g, "score", (igraph_integer_t)v,
					       r->acc[a].score);
	if (!rc)
		rc = igraph_cattribute_VAN_set(g, "flagged",
					       (igraph_integer_t)v,
					       r->acc[a].flagged);
	return rc;
}

/* the run's edges' attributes: the clustering's weight and the count of
 * each co-action type */
static igraph_error_t graphml_edges(const struct scored_run *r, igraph_t *g)
{
	igraph_error_t rc = IGRAPH_SUCCESS;

	for (size_t i = 0; i < r->n_edges && !rc; i++) {
		const struct run_edge *e = &r->edges[i];

		rc = igraph_cattribute_EAN_set(g, "weight", (igraph_integer_t)i,
					       edge_weight(e));
		for (int t = 0; t < COORD__COUNT && !rc; t++)
			rc = igraph_cattribute_EAN_set(
				g, coord_type_name((enum coord_type)t),
				(igraph_integer_t)i, e->x[t]);
	}
	return rc;
}

enum cib_err output_graphml(const struct scored_run *r, FILE *f, char *errmsg,
			    size_t errlen)
{
	igraph_t g;
	igraph_vector_int_t edges;
	int32_t *vid = NULL;
	uint32_t *vacc = NULL;
	size_t nv = 0;
	igraph_error_t rc;
	igraph_attribute_table_t *prev_table;
	enum cib_err err = CIB_OK;

	vid = malloc((r->n_accounts + 1) * sizeof(*vid));
	vacc = malloc((r->n_accounts + 1) * sizeof(*vacc));
	if (!vid || !vacc) {
		free(vid);
		free(vacc);
		return CIB_ENOMEM;
	}
	/* the nodes: the accounts with an edge, in order of first edge */
	for (size_t a = 0; a < r->n_accounts; a++)
		vid[a] = -1;
	for (size_t i = 0; i < r->n_edges; i++) {
		uint32_t ab[2] = { r->edges[i].a, r->edges[i].b };

		for (int k = 0; k < 2; k++)
			if (vid[ab[k]] < 0) {
				vid[ab[k]] = (int32_t)nv;
				vacc[nv++] = ab[k];
			}
	}
	if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * r->n_edges))) {
		free(vid);
		free(vacc);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < r->n_edges; i++) {
		VECTOR(edges)[2 * i] = vid[r->edges[i].a];
		VECTOR(edges)[2 * i + 1] = vid[r->edges[i].b];
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
	if (nv)
		rc = graphml_layout(&g, nv);
	for (size_t v = 0; v < nv && !rc; v++)
		rc = graphml_node(r, &g, v, vacc[v]);
	if (!rc)
		rc = graphml_edges(r, &g);
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

/* ---- JSON, streamed ----------------------------------------------------- */

void output_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (ch < 0x20)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

void output_json_number(FILE *f, double v)
{
	char b[64];

	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	/* the shortest of 15 or 17 digits that reads back the same value */
	snprintf(b, sizeof(b), "%.15g", v);
	if (strtod(b, NULL) != v)
		snprintf(b, sizeof(b), "%.17g", v);
	fputs(b, f);
}

static void jkey(FILE *f, int *first, const char *k)
{
	if (!*first)
		fputc(',', f);
	*first = 0;
	output_json_string(f, k);
	fputc(':', f);
}

static void jnum(FILE *f, int *first, const char *k, double v)
{
	jkey(f, first, k);
	output_json_number(f, v);
}

static void jstr(FILE *f, int *first, const char *k, const char *v)
{
	jkey(f, first, k);
	output_json_string(f, v);
}

void output_json_reasons(const struct scored_run *r,
			 const struct run_reason *x, size_t n, FILE *f)
{
	char *text = malloc(REASONS_CAP);

	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		int first = 1;

		if (i)
			fputc(',', f);
		fputc('{', f);
		jstr(f, &first, "code",
		     reason_code_name((enum reason_code)x[i].code));
		jkey(f, &first, "below_bar");
		fputs(x[i].flags & RUN_REASON_BELOW_BAR ? "true" : "false", f);
		jkey(f, &first, "values");
		fputc('[', f);
		for (int k = 0;
		     k < reason_code_nv((enum reason_code)x[i].code); k++) {
			if (k)
				fputc(',', f);
			output_json_number(f, x[i].v[k]);
		}
		fputs("]", f);
		jkey(f, &first, "strings");
		fputc('[', f);
		for (int k = 0; k < 2; k++) {
			if (k)
				fputc(',', f);
			if (x[i].s[k] == RUN_NOSTR)
				fputs("null", f);
			else
				output_json_string(f, run_str(r, x[i].s[k]));
		}
		fputc(']', f);
		if (text) {
			reasons_one(r, &x[i], text, REASONS_CAP);
			jstr(f, &first, "text", text);
		}
		fputc('}', f);
	}
	fputc(']', f);
	free(text);
}

static void json_cluster(const struct scored_run *r, size_t c, FILE *f,
			 char *text)
{
	const struct run_cluster *C = &r->cl[c];
	char cl[32];
	int first = 1;

	fputc('{', f);
	snprintf(cl, sizeof(cl), "C%zu", c + 1);
	jstr(f, &first, "cluster_id", cl);
	jnum(f, &first, "size", C->size);
	jnum(f, &first, "score", C->score);
	jnum(f, &first, "flagged", C->n_flagged);
	jnum(f, &first, "posts", (double)C->n_posts);
	jnum(f, &first, "shift_llr", C->shift_llr);
	jnum(f, &first, "lunch_dip_p", C->lunch_dip_p);
	jnum(f, &first, "supper_dip_p", C->supper_dip_p);
	jnum(f, &first, "reuse_share", C->reuse_share);
	jnum(f, &first, "inside_engagement", C->inside_engagement);
	jnum(f, &first, "tz_spread", C->tz_spread);
	jnum(f, &first, "creation_batch_share", C->batch_share);
	jnum(f, &first, "persona_switch_share", C->switch_share);
	jnum(f, &first, "office_p", C->p_office);
	jnum(f, &first, "batch_p", C->p_batch);
	jnum(f, &first, "persona_switch_p", C->p_switch);
	jnum(f, &first, "location_p", C->p_location);
	jnum(f, &first, "echo_p", C->p_echo);
	jnum(f, &first, "inauthenticity_p", C->p_inauth);
	if (C->has_group) {
		jnum(f, &first, "coordination_log10p", C->coord_log10p);
		jnum(f, &first, "shared_objects", C->objects);
		jnum(f, &first, "shared_expected", C->objects_expected);
		jnum(f, &first, "sync_objects", C->sync);
		jnum(f, &first, "sync_expected", C->sync_expected);
		jkey(f, &first, "group_only");
		fputs(C->discovered ? "true" : "false", f);
	}
	jstr(f, &first, "verdict", reasons_cluster_verdict(r, c));
	jkey(f, &first, "platforms");
	fputc('[', f);
	for (unsigned b = 0, n = 0; b < 32; b++)
		if ((C->platforms >> b) & 1) {
			if (n++)
				fputc(',', f);
			output_json_string(f, platform_name((enum platform)b));
		}
	fputc(']', f);
	reasons_cluster_headline(r, c, text, REASONS_CAP);
	jstr(f, &first, "headline", text);
	reasons_cluster_details(r, c, text, REASONS_CAP);
	jstr(f, &first, "reasons", text);
	jkey(f, &first, "reason_codes");
	output_json_reasons(r, r->reasons + C->reason_off, C->n_reasons, f);
	fputc('}', f);
}

static void json_account(const struct scored_run *r, size_t a, FILE *f,
			 char *text, int features)
{
	const struct run_account *A = &r->acc[a];
	char cl[32];
	int first = 1;

	fputc('{', f);
	jstr(f, &first, "account_id", run_str(r, A->id));
	jstr(f, &first, "platform", platform_name((enum platform)A->platform));
	jstr(f, &first, "handle", run_str(r, A->handle));
	jnum(f, &first, "score", A->score);
	jkey(f, &first, "flagged");
	fputs(A->flagged ? "true" : "false", f);
	jkey(f, &first, "cluster_id");
	if (A->cluster >= 0) {
		snprintf(cl, sizeof(cl), "C%d", A->cluster + 1);
		output_json_string(f, cl);
	} else {
		fputs("null", f);
	}
	reasons_account_headline(r, a, text, REASONS_CAP);
	jstr(f, &first, "headline", text);
	reasons_account_details(r, a, text, REASONS_CAP);
	jstr(f, &first, "reasons", text);
	jkey(f, &first, "reason_codes");
	output_json_reasons(r, r->reasons + A->reason_off, A->n_reasons, f);
	if (features) {
		int ff = 1;

		jkey(f, &first, "features");
		fputc('{', f);
		for (int k = 0; k < SF__COUNT; k++)
			jnum(f, &ff, score_feature_names[k],
			     r->x[a * SF__COUNT + k]);
		fputc('}', f);
	}
	fputc('}', f);
}

enum cib_err output_json(const struct scored_run *r, FILE *f,
			 const char *settings)
{
	const struct run_meta *m = &r->meta;
	char *text = malloc(REASONS_CAP);
	int first = 1, g = 1;

	if (!text)
		return CIB_ENOMEM;
	fputc('{', f);
	jstr(f, &first, "tool", "cibscan");
	if (settings)
		jstr(f, &first, "settings", settings);
	jnum(f, &first, "accounts_read", (double)r->n_accounts);
	jnum(f, &first, "posts_read", (double)m->n_posts_read);
	jnum(f, &first, "flagged", m->n_flagged);
	jnum(f, &first, "threshold", m->threshold_used);
	jnum(f, &first, "prior", m->prior_used);
	jkey(f, &first, "graph");
	fputc('{', f);
	jnum(f, &g, "edges", (double)r->n_edges);
	jnum(f, &g, "candidate_pairs", (double)m->n_candidates);
	jnum(f, &g, "tests", m->n_tests);
	jnum(f, &g, "log10_cutoff", m->log10_cutoff);
	jnum(f, &g, "components", (double)m->n_components);
	jnum(f, &g, "dense_objects", (double)m->n_dense);
	jkey(f, &g, "types");
	fputc('{', f);
	for (int t = 0, tf = 1; t < COORD__COUNT; t++) {
		const struct run_type_stats *st = &m->types[t];
		int y = 1;

		jkey(f, &tf, coord_type_name((enum coord_type)t));
		fputc('{', f);
		jnum(f, &y, "window_seconds", (double)st->window);
		jkey(f, &y, "window_estimated");
		fputs(st->window_estimated ? "true" : "false", f);
		jnum(f, &y, "events", (double)st->events);
		jnum(f, &y, "objects", (double)st->objects);
		jnum(f, &y, "shared_objects", (double)st->shared_objects);
		jnum(f, &y, "viral_objects", (double)st->viral_objects);
		jnum(f, &y, "dense_objects", (double)st->dense_objects);
		jnum(f, &y, "actions", st->actions);
		jnum(f, &y, "pairs_in_window", st->pairs_total);
		jnum(f, &y, "candidate_pairs", (double)st->candidate_pairs);
		fputc('}', f);
	}
	fputs("}}", f);
	jkey(f, &first, "clusters");
	fputc('[', f);
	for (size_t c = 0; c < r->n_clusters; c++) {
		if (c)
			fputc(',', f);
		json_cluster(r, c, f, text);
	}
	fputc(']', f);
	jkey(f, &first, "accounts");
	fputc('[', f);
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (a)
			fputc(',', f);
		json_account(r, a, f, text, 1);
	}
	fputs("]}\n", f);
	free(text);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err output_flagged_json(const struct scored_run *r, FILE *f)
{
	char *text = malloc(REASONS_CAP);
	size_t n = 0;
	int first = 1;

	if (!text)
		return CIB_ENOMEM;
	fputc('{', f);
	jstr(f, &first, "tool", "cibscan");
	jnum(f, &first, "flagged", r->meta.n_flagged);
	jnum(f, &first, "threshold", r->meta.threshold_used);
	jkey(f, &first, "accounts");
	fputc('[', f);
	for (size_t a = 0; a < r->n_accounts; a++) {
		if (!r->acc[a].flagged)
			continue;
		if (n++)
			fputc(',', f);
		json_account(r, a, f, text, 0);
	}
	fputs("]}\n", f);
	free(text);
	return ferror(f) ? CIB_EIO : CIB_OK;
}
