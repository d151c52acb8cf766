/* report.c - the self-contained HTML evidence report.
 *
 * Invariants: the page loads nothing from outside (inline CSS, SVG and one
 * inline script, pinned by its SHA-256 in a Content-Security-Policy whose
 * default-src is 'none'); every data string goes through svg_escape();
 * work is linear in posts plus sorts (members, reuse groups, URLs and
 * edges are bucketed by cluster once, never scanned per cluster); every
 * list grown from the data is capped (docs/report.md gives the caps).
 */
#include "report/report.h"
#include "report/reasons.h"

#include <nettle/base64.h>
#include <nettle/sha2.h>

#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "features/holidays.h"
#include "features/tzconv.h"
#include "report/output.h"
#include "report/report_sites.h"
#include "report/svg.h"
#include "core/sortu64.h"

/* The page's script is data/report.js, embedded at build time; the
 * Content-Security-Policy pins it by its SHA-256 (base64), computed here
 * from the embedded bytes so the two can never disagree
 * (tests/cli/report_xss.sh recomputes it from the page). */
extern const char data_report_js[];
extern const size_t data_report_js_len;

const char *report_script(void)
{
	return data_report_js;
}

static void script_sha256_b64(char out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&h);
	sha256_update(&h, data_report_js_len, (const uint8_t *)data_report_js);
	sha256_digest(&h, sizeof d, d);
	base64_encode_raw((char *)out, sizeof d, d);
	out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
}


#define TIMELINE_MAX_DAYS 3660 /* ten years of daily bars at most */
#define TOP_TEXTS 25
#define TOP_URLS 20
#define TOP_DOMAINS 10
#define TOP_DAYS 10
#define TEXT_CAP 600 /* bytes of a shared text shown */
#define TABLE_REASONS_CAP 280 /* bytes of reasons in a table row */

/* One colour per edge type (the tab10 palette), the table built from the
 * types' own X-macro: a type added to COORD_TYPE_MAP without a
 * TYPE_COLOR_<type> here does not compile (the amplification edges once
 * drew stroke="(null)" from a table one entry short). */
#define TYPE_COLOR_REPOST "#1f77b4"
#define TYPE_COLOR_TEXT "#d62728"
#define TYPE_COLOR_LINK "#2ca02c"
#define TYPE_COLOR_DOMAIN "#9467bd"
#define TYPE_COLOR_HASHTAGS "#ff7f0e"
#define TYPE_COLOR_REPLY_POST "#8c564b"
#define TYPE_COLOR_REPLY_ACCOUNT "#e377c2"
#define TYPE_COLOR_AMPLIFY "#17becf"
#define TYPE_COLOR(e, name, desc) [COORD_##e] = TYPE_COLOR_##e,
static const char *const type_colors[] = { COORD_TYPE_MAP(TYPE_COLOR) };
#undef TYPE_COLOR
_Static_assert(sizeof(type_colors) / sizeof(type_colors[0]) == COORD__COUNT,
	       "one colour per coordination edge type");

_Static_assert(sizeof(type_colors) / sizeof(type_colors[0]) == COORD__COUNT,
	       "a colour per co-action type");

void report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	/* the page's size budget (docs/report.md "Caps"): every list that
	 * grows with the data is capped, so the page is bounded by a constant
	 * plus these caps times a bounded size per item */
	o->max_account_sections = 250;
	o->max_graph_edges = 3000;
	o->max_members_listed = 200;
	o->max_cluster_sections = 100;
	o->max_table_rows = 2000;
}

struct ctx {
	const struct pipeline *p;
	const struct dataset *ds;
	const struct feature_set *fs;
	const struct report_opts *o;
	FILE *f;
	const struct review_decision **dec; /* sorted */
	size_t n_dec;
	uint32_t *order;     /* accounts by score desc */
	uint32_t *rank;      /* account -> position in order */
	size_t *m_off;       /* cluster -> members CSR (by score order) */
	uint32_t *m_acc;
	size_t *e_off;       /* cluster -> internal edges CSR */
	uint32_t *e_idx;
	uint8_t *has_section; /* account has a detail section */
	uint8_t *has_csec;    /* cluster has a section */
	char *errmsg;
	size_t errlen;
};

/* ---- small helpers ---------------------------------------------------- */

/* the words of reasons_cluster_verdict, for the pipeline's cluster (the
 * run numbers clusters as the pipeline does) */
static const char *cluster_verdict(const struct cluster_evidence *ce)
{
	return ce->inauthentic ? "coordinated and inauthentic"
			       : "coordinated; no evidence of inauthenticity";
}

/* The highest score among cluster k's members. */
static double best_member(const struct ctx *c, size_t k)
{
	double best = 0;

	for (size_t m = c->m_off[k]; m < c->m_off[k + 1]; m++)
		if (c->p->score[c->m_acc[m]] > best)
			best = c->p->score[c->m_acc[m]];
	return best;
}

/* Why an unflagged cluster is not flagged, before the threshold: no
 * evidence of inauthenticity, or evidence without a member over the bar. */
static const char *why_not_lead(const struct cluster_evidence *ce)
{
	return ce->inauthentic ? "inauthentic as a group by its tests, but "
			       : "its members act together but show no "
				 "evidence of inauthenticity, so ";
}

static void esc(struct ctx *c, const char *s)
{
	svg_escape(c->f, s, 0);
}

static void put_num(FILE *f, double v, int dec)
{
	if (isfinite(v))
		fprintf(f, "%.*f", dec, v);
	else
		fputs("&ndash;", f);
}

/* A p-value. Below 1e-300 (the double's range ends near 1e-308, and
 * anything there has underflowed) it is "< 1e-300", never "0.0e+00". */
static void put_p(FILE *f, double pval)
{
	if (!isfinite(pval))
		fputs("&ndash;", f);
	else if (pval < 1e-300)
		fputs("&lt; 1e-300", f);
	else if (pval < 1e-3)
		fprintf(f, "%.1e", pval);
	else
		fprintf(f, "%.3f", pval);
}

/* "p = 3.1e-12", "p &le; 0.004", or "p &lt; 1e-300". */
static void put_p_rel(FILE *f, const char *rel, double pval)
{
	if (isfinite(pval) && pval < 1e-300) {
		fputs("p &lt; 1e-300", f);
		return;
	}
	fprintf(f, "p %s ", rel);
	put_p(f, pval);
}

static void put_time(FILE *f, int64_t t)
{
	char b[32];

	if (t == TIME_NONE) {
		fputs("&ndash;", f);
		return;
	}
	timefmt_format_utc(t, b);
	fprintf(f, "%.10s %.5s", b, b + 11);
}

static void put_date(FILE *f, int64_t t)
{
	char b[32];

	if (t == TIME_NONE) {
		fputs("&ndash;", f);
		return;
	}
	timefmt_format_utc(t, b);
	fprintf(f, "%.10s", b);
}

static void put_hm(FILE *f, double h)
{
	int m;

	if (!isfinite(h)) {
		fputs("&ndash;", f);
		return;
	}
	m = (int)lround(h * 60);
	m = ((m % 1440) + 1440) % 1440;
	fprintf(f, "%02d:%02d", m / 60, m % 60);
}

static void put_offset(FILE *f, int32_t off)
{
	if (off == INT32_MIN) {
		fputs("&ndash;", f);
		return;
	}
	fprintf(f, "UTC%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60,
		abs(off) % 60);
}

static int cmp_dec(const struct review_decision *a,
		   const struct review_decision *b)
{
	int r;

	if (a->is_cluster != b->is_cluster)
		return a->is_cluster - b->is_cluster;
	r = strcmp(a->key ? a->key : "", b->key ? b->key : "");
	if (r)
		return r;
	return strcmp(a->platform ? a->platform : "",
		      b->platform ? b->platform : "");
}

static int cmp_decp(const void *x, const void *y)
{
	return cmp_dec(*(const struct review_decision *const *)x,
		       *(const struct review_decision *const *)y);
}

static const struct review_decision *find_dec(const struct ctx *c,
					      int is_cluster,
					      const char *platform,
					      const char *key)
{
	struct review_decision k = { is_cluster, platform, key, NULL, NULL,
				     NULL, NULL };
	size_t lo = 0, hi = c->n_dec;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_dec(c->dec[mid], &k);

		if (r == 0)
			return c->dec[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void put_decision(struct ctx *c, const struct review_decision *d)
{
	if (!d) {
		fputs("<span class=\"dec none\">not in store</span>", c->f);
		return;
	}
	fputs("<span class=\"dec ", c->f);
	esc(c, d->status);
	fputs("\">", c->f);
	esc(c, d->status);
	fputs("</span>", c->f);
	if (d->reviewer && d->reviewer[0]) {
		fputs(" by ", c->f);
		esc(c, d->reviewer);
	}
	if (d->at && d->at[0]) {
		fputs(" (", c->f);
		esc(c, d->at);
		fputs(")", c->f);
	}
	if (d->note && d->note[0]) {
		fputs(": <q>", c->f);
		svg_escape(c->f, d->note, 1000);
		fputs("</q>", c->f);
	}
}

static const struct review_decision *acc_dec(const struct ctx *c, uint32_t a)
{
	if (!c->n_dec)
		return NULL;
	return find_dec(c, 0,
			platform_name((enum platform)c->ds->acc.platform[a]),
			ds_str(c->ds, c->ds->acc.id[a]));
}

static void acc_link(struct ctx *c, uint32_t a)
{
	const char *h = ds_str(c->ds, c->ds->acc.handle[a]);

	if (c->has_section[a])
		fprintf(c->f, "<a href=\"#acc-%u\">", a);
	esc(c, h[0] ? h : ds_str(c->ds, c->ds->acc.id[a]));
	if (c->has_section[a])
		fputs("</a>", c->f);
}

/* "C3", a link to its section when it has one (the page caps sections) */
static void cl_link(struct ctx *c, size_t k)
{
	if (c->has_csec[k])
		fprintf(c->f, "<a href=\"#cluster-C%zu\">C%zu</a>", k + 1,
			k + 1);
	else
		fprintf(c->f, "C%zu", k + 1);
}

/* ---- indexes ---------------------------------------------------------- */

static enum cib_err build_index(struct ctx *c)
{
	const struct pipeline *p = c->p;
	size_t na = c->ds->acc.n, nc = p->cl.n_clusters, nsec = 0;
	size_t *cur = NULL;

	/* the run's rank (one order for every output) */
	c->order = malloc((na + 1) * sizeof(*c->order));
	if (c->order && c->o->run && c->o->run->ds_index &&
	    c->o->run->n_accounts == na)
		memcpy(c->order, c->o->run->ds_index, na * sizeof(*c->order));
	else {
		free(c->order);
		c->order = NULL;
	}
	c->rank = malloc((na + 1) * sizeof(*c->rank));
	c->m_off = calloc(nc + 2, sizeof(*c->m_off));
	c->e_off = calloc(nc + 2, sizeof(*c->e_off));
	c->m_acc = malloc((na + 1) * sizeof(*c->m_acc));
	c->e_idx = malloc((p->g.n_edges + 1) * sizeof(*c->e_idx));
	c->has_section = calloc(na + 1, 1);
	cur = malloc((nc + 2) * sizeof(*cur));
	if (!c->order || !c->rank || !c->m_off || !c->e_off || !c->m_acc ||
	    !c->e_idx || !c->has_section || !cur) {
		free(cur);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < na; i++) {
		uint32_t a = c->order[i];

		c->rank[a] = (uint32_t)i;
		if (p->flagged[a] && nsec < c->o->max_account_sections) {
			c->has_section[a] = 1;
			nsec++;
		}
		if (p->cl.membership[a] >= 0)
			c->m_off[p->cl.membership[a] + 1]++;
	}
	for (size_t k = 0; k < nc; k++)
		c->m_off[k + 1] += c->m_off[k];
	memcpy(cur, c->m_off, (nc + 1) * sizeof(*cur));
	/* members in score order, since order[] is */
	for (size_t i = 0; i < na; i++) {
		uint32_t a = c->order[i];

		if (p->cl.membership[a] >= 0)
			c->m_acc[cur[p->cl.membership[a]]++] = a;
	}
	for (size_t k = 0; k < p->g.n_edges; k++) {
		int32_t ca = p->cl.membership[p->g.edges[k].a];

		if (ca >= 0 && p->cl.membership[p->g.edges[k].b] == ca)
			c->e_off[ca + 1]++;
	}
	for (size_t k = 0; k < nc; k++)
		c->e_off[k + 1] += c->e_off[k];
	memcpy(cur, c->e_off, (nc + 1) * sizeof(*cur));
	for (size_t k = 0; k < p->g.n_edges; k++) {
		int32_t ca = p->cl.membership[p->g.edges[k].a];

		if (ca >= 0 && p->cl.membership[p->g.edges[k].b] == ca)
			c->e_idx[cur[ca]++] = (uint32_t)k;
	}
	free(cur);
	return CIB_OK;
}

/* ---- the first screen -------------------------------------------------- */

/* Clusters for the reader: flagged ones (a flagged member) first, then by
 * mean score, highest first; ties by id. */
static const struct pipeline *sort_p;

static int cmp_cluster_rank(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	const struct cluster_evidence *ca = &sort_p->ce[a], *cb = &sort_p->ce[b];

	if ((ca->n_flagged > 0) != (cb->n_flagged > 0))
		return ca->n_flagged > 0 ? -1 : 1;
	if (ca->score != cb->score)
		return ca->score > cb->score ? -1 : 1;
	return a < b ? -1 : a > b;
}

static size_t *cluster_rank(const struct pipeline *p)
{
	size_t *v = malloc((p->cl.n_clusters + 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t k = 0; k < p->cl.n_clusters; k++)
		v[k] = k;
	sort_p = p;
	if (p->cl.n_clusters)
		qsort(v, p->cl.n_clusters, sizeof(*v), cmp_cluster_rank);
	return v;
}

/* What makes a flagged cluster stand out, in plain words (the numbers
 * behind each are in the cluster's section). */
static void cluster_facts(struct ctx *c, const struct cluster_evidence *ce)
{
	FILE *f = c->f;
	int any = 0;

	if (isfinite(ce->reuse_share) && ce->reuse_share >= 0.05) {
		fprintf(f, "%.0f%% of its texts copied", 100 * ce->reuse_share);
		any = 1;
	}
	if (ce->p_office < 0.05 && isfinite(ce->timing.shift_llr)) {
		/* the breaks named are those whose own dip test rejects, as
		 * in the cluster's reasons */
		int lunch = ce->timing.lunch_dip_p <= 1e-3;
		int supper = ce->timing.supper_dip_p <= 1e-3;

		fprintf(f, "%sits posts follow office hours on ", any ? "; " : "");
		esc(c, features_tz_label(c->fs));
		fprintf(f, " time%s%s%s", lunch || supper ? ", with a " : "",
			lunch ? "lunch break" : "",
			supper ? (lunch ? " and a supper break" : "supper break")
			       : "");
		any = 1;
	}
	if (ce->p_batch < 0.05 && isfinite(ce->batch_share)) {
		fprintf(f, "%s%.0f%% created in batches", any ? "; " : "",
			100 * ce->batch_share);
		any = 1;
	}
	if (isfinite(ce->inside_engagement) && ce->inside_engagement >= 0.5) {
		fprintf(f, "%s%.0f%% of the engagement it received came from "
			   "inside",
			any ? "; " : "", 100 * ce->inside_engagement);
		any = 1;
	}
	if (!any)
		fprintf(f, "%u significant co-action edges inside",
			ce->n_edges);
}

static void platform_mix(FILE *f, const struct cluster_evidence *ce)
{
	int n = 0;

	for (int k = 0; k < 32; k++)
		if (ce->platforms & (1u << k))
			fprintf(f, "%s%s", n++ ? ", " : "",
				platform_name((enum platform)k));
}

/* "Read N accounts and M posts from ..., posted FROM - TO UTC." */
static void glance_read(struct ctx *c)
{
	const struct dataset *ds = c->ds;
	FILE *f = c->f;
	int64_t tmin = INT64_MAX, tmax = INT64_MIN;

	for (size_t j = 0; j < ds->post.n; j++) {
		if (ds->post.time[j] == TIME_NONE)
			continue;
		if (ds->post.time[j] < tmin)
			tmin = ds->post.time[j];
		if (ds->post.time[j] > tmax)
			tmax = ds->post.time[j];
	}
	fputs("<section id=\"glance\"><h2>At a glance</h2><p id=\"glance-read\">"
	      "Read ",
	      f);
	fprintf(f, "%zu accounts and %zu posts", ds->acc.n, ds->post.n);
	if (c->o->n_inputs) {
		fputs(" from ", f);
		for (size_t i = 0; i < c->o->n_inputs && i < 5; i++) {
			if (i)
				fputs(", ", f);
			esc(c, c->o->inputs[i]);
		}
		if (c->o->n_inputs > 5)
			fprintf(f, " and %zu more", c->o->n_inputs - 5);
	}
	if (tmin <= tmax) {
		fputs(", posted ", f);
		put_time(f, tmin);
		fputs(" &ndash; ", f);
		put_time(f, tmax);
		fputs(" UTC", f);
	}
}

/* the flagged clusters (ranked first), one verdict line each */
static void glance_verdicts(struct ctx *c, const size_t *rank)
{
	const struct pipeline *p = c->p;
	FILE *f = c->f;

	fputs("<ol id=\"glance-verdicts\">", f);
	for (size_t i = 0; i < p->cl.n_clusters; i++) {
		const struct cluster_evidence *ce = &p->ce[rank[i]];

		if (!ce->n_flagged)
			break; /* flagged ones come first */
		fputs("<li class=\"flagged\">", f);
		cl_link(c, rank[i]);
		fprintf(f, ": <strong>%s</strong> &mdash; %u accounts (%u "
			"flagged), mean score %.3f, on ",
			cluster_verdict(ce), ce->size,
			ce->n_flagged, ce->score);
		platform_mix(f, ce);
		fputs(": ", f);
		cluster_facts(c, ce);
		fputs(".</li>", f);
	}
	fputs("</ol>", f);
}

/* the overview map: every cluster by score (x) and size (y, log) */
static void overview_map(struct ctx *c)
{
	const struct pipeline *p = c->p;
	FILE *f = c->f;
	size_t nc = p->cl.n_clusters;
	const int w = 640, h = 240;
	const double ml = 52, mr = 12, mt = 12, mb = 44;
	double pw = w - ml - mr, ph = h - mt - mb, lmax = 1;

	for (size_t k = 0; k < nc; k++)
		if (p->ce[k].size > 0 && log10(p->ce[k].size) > lmax)
			lmax = log10(p->ce[k].size);
	lmax = ceil(lmax);
	fprintf(f, "<svg class=\"chart\" id=\"overview-map\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
		   "<title>every cluster by mean score and size; "
		   "flagged clusters in red</title>",
		w, h, w, h);
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
		   "stroke=\"#333\"/><line x1=\"%.0f\" y1=\"%.0f\" "
		   "x2=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>",
		ml, mt + ph, ml + pw, mt + ph, ml, mt, ml, mt + ph);
	for (int t = 0; t <= 4; t++)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
			   "text-anchor=\"middle\">%.2f</text>",
			ml + pw * t / 4.0, mt + ph + 11, t / 4.0);
	for (int t = 0; t <= (int)lmax; t++)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
			   "text-anchor=\"end\">%.0f</text>",
			ml - 4, mt + ph - ph * t / lmax + 3, pow(10, t));
	fprintf(f, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" "
		   "font-size=\"10\" text-anchor=\"middle\">mean member "
		   "score (0&ndash;1)</text><text class=\"axis-title\" "
		   "transform=\"rotate(-90)\" x=\"%.1f\" y=\"12\" "
		   "font-size=\"10\" text-anchor=\"middle\">accounts "
		   "(log scale)</text>",
		ml + pw / 2, mt + ph + 24, -(mt + ph / 2));
	for (size_t k = 0; k < nc; k++) {
		const struct cluster_evidence *ce = &p->ce[k];
		double x = ml + pw * (isfinite(ce->score) ? ce->score : 0);
		double y = mt + ph - ph * (ce->size ? log10(ce->size) : 0) / lmax;

		if (c->has_csec[k])
			fprintf(f, "<a href=\"#cluster-C%zu\">", k + 1);
		fprintf(f, "<circle cx=\"%.1f\" "
			   "cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
			   "fill-opacity=\"0.6\" stroke=\"#333\"><title>C%zu: "
			   "%u accounts, %u flagged, score %.3f; ",
			x, y, 3 + 2 * sqrt(log10(1 + ce->size)),
			ce->n_flagged ? "#c0392b" : "#9aa",
			k + 1, ce->size, ce->n_flagged, ce->score);
		platform_mix(f, ce);
		fputs("</title></circle>", f);
		if (c->has_csec[k])
			fputs("</a>", f);
	}
	fprintf(f, "<rect x=\"%.0f\" y=\"%d\" width=\"8\" height=\"8\" "
		   "fill=\"#c0392b\"/><text x=\"%.0f\" y=\"%d\" "
		   "font-size=\"10\">flagged cluster</text><rect "
		   "x=\"%.0f\" y=\"%d\" width=\"8\" height=\"8\" "
		   "fill=\"#9aa\"/><text x=\"%.0f\" y=\"%d\" "
		   "font-size=\"10\">not flagged</text></svg>",
		ml, h - 10, ml + 11, h - 2, ml + 120, h - 10, ml + 131,
		h - 2);
}

/* every unflagged cluster (ranked after the nfc flagged ones, up to 200)
 * says why not */
static void glance_unflagged(struct ctx *c, const size_t *rank, size_t nfc)
{
	const struct pipeline *p = c->p;
	FILE *f = c->f;
	size_t nc = p->cl.n_clusters, shown = 0;

	fprintf(f, "<details id=\"glance-unflagged\"><summary>%zu "
		   "cluster%s not flagged, and why</summary><ul>",
		nc - nfc, nc - nfc == 1 ? "" : "s");
	for (size_t i = nfc; i < nc && shown < 200; i++, shown++) {
		const struct cluster_evidence *ce = &p->ce[rank[i]];

		fputs("<li class=\"unflagged\">", f);
		cl_link(c, rank[i]);
		fprintf(f, " (%u accounts): not flagged &mdash; %s"
			"no member reached the flagging threshold %.3f (its "
			"highest member score is %.3f).</li>",
			ce->size, why_not_lead(ce), p->threshold_used,
			best_member(c, rank[i]));
	}
	if (nc - nfc > shown)
		fprintf(f, "<li>and %zu more (see the clusters table)"
			   "</li>",
			nc - nfc - shown);
	fputs("</ul></details>", f);
}

/* the "At a glance" section: what was read, what was flagged, the
 * overview map and why the other clusters were not flagged */
static void glance(struct ctx *c, const size_t *rank)
{
	const struct pipeline *p = c->p;
	const struct dataset *ds = c->ds;
	FILE *f = c->f;
	size_t nc = p->cl.n_clusters, nfc = 0, nflag_in_cl = 0;

	for (size_t k = 0; k < nc; k++)
		nfc += p->ce[k].n_flagged > 0;
	for (size_t a = 0; a < ds->acc.n; a++)
		if (p->flagged[a] && p->cl.membership[a] >= 0)
			nflag_in_cl++;
	glance_read(c);
	fprintf(f, ".</p><p id=\"glance-flagged\"><strong>%zu account%s flagged</strong>"
		   ", %zu of them in %zu flagged cluster%s (of %zu clusters "
		   "found)%s</p>",
		p->n_flagged, p->n_flagged == 1 ? "" : "s", nflag_in_cl, nfc,
		nfc == 1 ? "" : "s", nc,
		p->n_flagged > nflag_in_cl ? "; the others act alone" : "");
	if (nfc)
		glance_verdicts(c, rank);
	if (nc)
		overview_map(c);
	if (nc > nfc)
		glance_unflagged(c, rank, nfc);
	fputs("</section>\n", f);
}

/* ---- page frame and summary ------------------------------------------- */

static const char css[] =
	"body{font:13px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Noto Sans','Noto Sans CJK SC','Noto Sans CJK JP','PingFang SC',"
	"'Hiragino Sans','Microsoft YaHei','Malgun Gothic',sans-serif;"
	"margin:16px 24px;color:#222}"
	"tr.flagged td:first-child{border-left:4px solid #c0392b}"
	"li.flagged{margin:3px 0}#glance{font-size:14px}"
	"h1{font-size:20px}h2{font-size:17px;border-bottom:1px solid #ccc;"
	"margin-top:28px}h3{font-size:14px;margin:14px 0 4px}"
	"table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid "
	"#ddd;padding:2px 6px;vertical-align:top;text-align:left}"
	"th{background:#f3f3f3}table.sortable th{cursor:pointer}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.txt{min-width:380px;max-width:760px;white-space:pre-wrap;"
	"word-break:break-word;font-size:12px}td.id{max-width:170px;"
	"word-break:break-all}"
	"dl.kv{display:grid;grid-template-columns:max-content auto;gap:1px 12px}"
	"dl.kv dt{color:#555}dl.kv dd{margin:0}"
	"section.cluster,section.account{border-top:3px solid #4878a8;"
	"margin-top:24px;content-visibility:auto;contain-intrinsic-size:"
	"auto 1200px}.dec{padding:0 4px;border-radius:3px}"
	".dec.confirm{background:#f8c0c0}.dec.dismiss{background:#cfe8cf}"
	".dec.escalate{background:#ffe0a0}.dec.queued{background:#e0e0f0}"
	".note{color:#666;font-size:12px}svg.chart{display:block;margin:4px 0}"
	"#js-status{color:#999;font-size:11px}#js-error{background:#c00;"
	"color:#fff;padding:4px}input.filter{margin:4px 0;width:300px}"
	".pager button{margin:0 4px}.pager span{margin:0 6px}";

static void page_head(struct ctx *c)
{
	FILE *f = c->f;
	char sha[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];

	script_sha256_b64(sha);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
		"script-src 'sha256-%s'\">"
		"<meta name=\"generator\" content=\"cibscan report\"><title>",
		sha);
	esc(c, c->o->title ? c->o->title : "cibscan evidence report");
	fprintf(f, "</title><style>%s</style></head>\n<body>\n<h1>", css);
	esc(c, c->o->title ? c->o->title : "cibscan evidence report");
	/* how to use the tables; the script replaces it (and sets
	 * data-state="ok", which the browser tests check) */
	fputs("</h1><div id=\"js-status\" data-state=\"none\">Tables: "
	      "static (sorting and filtering need the page's script, which "
	      "did not run).</div>\n",
	      f);
}

static void summary(struct ctx *c)
{
	const struct pipeline *p = c->p;
	const struct dataset *ds = c->ds;
	FILE *f = c->f;
	int64_t tmin = INT64_MAX, tmax = INT64_MIN;
	size_t nflag_in_cl = 0;

	for (size_t j = 0; j < ds->post.n; j++) {
		if (ds->post.time[j] == TIME_NONE)
			continue;
		if (ds->post.time[j] < tmin)
			tmin = ds->post.time[j];
		if (ds->post.time[j] > tmax)
			tmax = ds->post.time[j];
	}
	for (size_t a = 0; a < ds->acc.n; a++)
		if (p->flagged[a] && p->cl.membership[a] >= 0)
			nflag_in_cl++;
	fputs("<section id=\"summary\"><h2>Run details</h2><dl class=\"kv\">", f);
	fputs("<dt>Input</dt><dd>", f);
	for (size_t i = 0; i < c->o->n_inputs; i++) {
		if (i)
			fputs(", ", f);
		esc(c, c->o->inputs[i]);
	}
	if (!c->o->n_inputs)
		fputs("&ndash;", f);
	fprintf(f,
		"</dd><dt>Accounts</dt><dd id=\"n-accounts\">%zu</dd>"
		"<dt>Posts</dt><dd id=\"n-posts\">%zu</dd>"
		"<dt>Malformed records skipped</dt><dd>%llu</dd>"
		"<dt>Duplicate posts merged</dt><dd>%zu</dd><dt>Time span</dt><dd>",
		ds->acc.n, ds->post.n, (unsigned long long)c->o->n_bad,
		ds->n_duplicate_posts);
	if (tmin <= tmax) {
		put_time(f, tmin);
		fputs(" &ndash; ", f);
		put_time(f, tmax);
		fputs(" UTC", f);
	} else {
		fputs("&ndash;", f);
	}
	fprintf(f,
		"</dd><dt>Coordination edges</dt><dd>%zu significant of %llu "
		"candidate pairs</dd>"
		"<dt>Clusters found</dt><dd id=\"n-clusters\">%zu</dd>"
		"<dt>Accounts flagged</dt><dd id=\"n-flagged\">%zu (%zu in "
		"clusters; score threshold %.3f)</dd>"
		"<dt>Reference time zone</dt><dd>",
		p->g.n_edges, (unsigned long long)p->g.n_candidates,
		p->cl.n_clusters, p->n_flagged, nflag_in_cl, p->threshold_used);
	esc(c, c->fs->tz);
	fputs("</dd><dt>Settings</dt><dd>", f);
	esc(c, c->o->settings ? c->o->settings : "defaults");
	fprintf(f, "; layout seed %llu</dd>", (unsigned long long)c->o->seed);
	if (c->o->store) {
		fputs("<dt>Review store</dt><dd>", f);
		esc(c, c->o->store);
		fprintf(f,
			" (%zu decisions and queue entries; cluster decisions "
			"are those of the store's latest run, whose cluster ids "
			"match this page only when it was scored from the same "
			"input with the same settings)</dd>",
			c->n_dec);
	}
	fputs("<dt>Windows (s)</dt><dd>", f);
	for (int t = 0; t < COORD__COUNT; t++)
		fprintf(f, "%s%s %lld%s", t ? ", " : "",
			coord_type_name((enum coord_type)t),
			(long long)p->g.stats[t].window,
			p->g.stats[t].window_estimated ? " (estimated)" : "");
	if (p->n_flagged > c->o->max_account_sections)
		fprintf(f,
			"</dd><dt>Note</dt><dd>only the %zu highest-scoring "
			"flagged accounts have a detail section",
			c->o->max_account_sections);
	fputs("</dd></dl></section>\n", f);
}

static void clusters_table(struct ctx *c, const size_t *rank)
{
	const struct pipeline *p = c->p;
	FILE *f = c->f;

	fputs("<section id=\"clusters\"><h2>Clusters</h2>"
	      "<input class=\"filter\" data-table=\"t-clusters\" "
	      "placeholder=\"filter clusters\" aria-label=\"filter clusters\">"
	      "<table id=\"t-clusters\" class=\"sortable paged\"><thead><tr>"
	      "<th>cluster</th><th>size</th><th>flagged</th><th>score</th>"
	      "<th>posts</th>"
	      "<th title=\"log-likelihood ratio of office shifts on Beijing "
	      "time against an ordinary day, members' posts pooled; above 0 "
	      "leans to office hours\">office-hours fit</th>"
	      "<th title=\"p-value of the dip in posting at lunch time; small: "
	      "the members stop for lunch together\">lunch break (p)</th>"
	      "<th title=\"share of the members' texts that other accounts "
	      "posted too\">copied texts</th>"
	      "<th title=\"share of members created on a day at least three "
	      "members share\">created in batches</th>"
	      "<th title=\"share of members whose language changed at a "
	      "significant change point\">switched persona</th>"
	      "<th title=\"share of the engagement the members received that "
	      "came from other members\">engagement from inside</th>"
	      "<th title=\"pairs of members linked more often than chance "
	      "allows\">significant links</th>",
	      f);
	if (c->o->store)
		fputs("<th>decision</th>", f);
	fputs("</tr></thead><tbody>", f);
	/* flagged clusters first, highest score first */
	for (size_t i = 0; i < p->cl.n_clusters; i++) {
		size_t k = rank[i];
		const struct cluster_evidence *ce = &p->ce[k];
		char id[24];

		snprintf(id, sizeof(id), "C%zu", k + 1);
		if (i >= c->o->max_table_rows)
			break;
		fprintf(f, "<tr%s><td>",
			ce->n_flagged ? " class=\"flagged\"" : "");
		cl_link(c, k);
		fprintf(f,
			"</td>"
			"<td class=\"n\">%u</td><td class=\"n\">%u</td>"
			"<td class=\"n\">%.3f</td><td class=\"n\">%llu</td>"
			"<td class=\"n\">",
			ce->size, ce->n_flagged, ce->score,
			(unsigned long long)ce->n_posts);
		put_num(f, ce->timing.shift_llr, 1);
		fputs("</td><td class=\"n\">", f);
		put_p(f, ce->timing.lunch_dip_p);
		fputs("</td><td class=\"n\">", f);
		put_num(f, ce->reuse_share, 2);
		fputs("</td><td class=\"n\">", f);
		put_num(f, ce->batch_share, 2);
		fputs("</td><td class=\"n\">", f);
		put_num(f, ce->switch_share, 2);
		fputs("</td><td class=\"n\">", f);
		put_num(f, ce->inside_engagement, 2);
		fprintf(f, "</td><td class=\"n\">%u</td>", ce->n_edges);
		if (c->o->store) {
			fputs("<td>", f);
			put_decision(c, find_dec(c, 1, "", id));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>", f);
	if (p->cl.n_clusters > c->o->max_table_rows)
		fprintf(f, "<tfoot><tr><td colspan=\"12\" class=\"note\">%zu "
			   "more clusters not listed (cibscan score --clusters "
			   "FILE lists them all)</td></tr></tfoot>",
			p->cl.n_clusters - c->o->max_table_rows);
	fputs("</table>", f);
	if (!p->cl.n_clusters)
		fputs("<p>No cluster of coordinated accounts was found.</p>", f);
	fputs("</section>\n", f);
}

static void account_row(struct ctx *c, uint32_t a, int with_cluster)
{
	const struct dataset *ds = c->ds;
	const struct pipeline *p = c->p;
	FILE *f = c->f;
	char reasons[4096], headline[REASONS_HEADLINE_MAX + 1];

	fputs("<tr><td class=\"id\">", f);
	esc(c, ds_str(ds, ds->acc.id[a]));
	fputs("</td><td class=\"id\">", f);
	acc_link(c, a);
	fputs("</td><td>", f);
	esc(c, platform_name((enum platform)ds->acc.platform[a]));
	fprintf(f, "</td><td class=\"n\" data-v=\"%.6f\">%.3f</td>",
		p->score[a], p->score[a]);
	if (with_cluster) {
		if (p->cl.membership[a] >= 0) {
			fputs("<td>", f);
			cl_link(c, (size_t)p->cl.membership[a]);
			fputs("</td>", f);
		} else
			fputs("<td></td>", f);
	} else {
		fprintf(f, "<td>%s</td>", p->flagged[a] ? "yes" : "no");
	}
	/* the headline in the cell, linked to the account's own section
	 * (its reasons in full) when it has one, else with a prefix of the
	 * reasons on hover (the accounts file has them all): a page of
	 * thousands of flagged accounts stays light */
	reasons_account_details(c->o->run, c->rank[a], reasons,
				sizeof(reasons));
	reasons_account_headline(c->o->run, c->rank[a], headline,
				 sizeof(headline));
	if (c->has_section[a]) {
		fprintf(f, "<td class=\"txt\"><a href=\"#acc-%u\">", a);
		svg_escape(f, headline[0] ? headline : reasons,
			   TABLE_REASONS_CAP);
		fputs("</a></td>", f);
	} else {
		fputs("<td class=\"txt\" title=\"", f);
		svg_escape(f, reasons, TABLE_REASONS_CAP);
		fputs("\">", f);
		svg_escape(f, headline[0] ? headline : reasons,
			   TABLE_REASONS_CAP);
		fputs("</td>", f);
	}
	if (c->o->store) {
		fputs("<td>", f);
		put_decision(c, acc_dec(c, a));
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void accounts_table(struct ctx *c)
{
	const struct pipeline *p = c->p;
	FILE *f = c->f;

	fputs("<section id=\"accounts\"><h2>Flagged accounts</h2>"
	      "<input class=\"filter\" data-table=\"t-accounts\" "
	      "placeholder=\"filter accounts\" aria-label=\"filter accounts\">"
	      "<table id=\"t-accounts\" class=\"sortable paged\"><thead><tr>"
	      "<th>account id</th><th>handle</th><th>platform</th>"
	      "<th>score</th><th>cluster</th><th>headline</th>",
	      f);
	if (c->o->store)
		fputs("<th>decision</th>", f);
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0, rows = 0; i < c->ds->acc.n; i++) {
		if (!p->flagged[c->order[i]])
			continue;
		if (rows++ == c->o->max_table_rows)
			break;
		account_row(c, c->order[i], 1);
	}
	fputs("</tbody>", f);
	/* in the footer, so sorting and paging leave it last */
	if (p->n_flagged > c->o->max_table_rows)
		fprintf(f, "<tfoot><tr><td colspan=\"7\" class=\"note\">%zu "
			   "more flagged accounts not listed (the accounts "
			   "file of cibscan score lists them all)</td></tr>"
			   "</tfoot>",
			p->n_flagged - c->o->max_table_rows);
	fputs("</table></section>\n", f);
}

/* ---- charts ------------------------------------------------------------ */

/* Piecewise-constant levels of the office-shift template placed at the
 * fitted breaks: morning (6 slots) before lunch, lunch, afternoon up to
 * supper (10 slots when there is no supper break), supper, evening (6
 * slots), off duty the rest; each level is the mean count per slot of its
 * segment (the maximum-likelihood level of a Poisson segment). */
int report_shift_overlay(const double *tot, const struct timing_fit *tf,
			 double *out)
{
	int seg[TIMING_SLOTS], ls, le, ss = -1, se = -1, k = 0;
	double sum[6] = { 0 }, cnt[6] = { 0 };

	if (!(tf->n > 0) || !isfinite(tf->lunch_start_h) ||
	    !isfinite(tf->lunch_end_h))
		return 0;
	ls = (int)lround(tf->lunch_start_h * 2);
	le = (int)lround(tf->lunch_end_h * 2);
	if (isfinite(tf->supper_start_h) && isfinite(tf->supper_end_h)) {
		ss = (int)lround(tf->supper_start_h * 2);
		se = (int)lround(tf->supper_end_h * 2);
	}
	for (int s = 0; s < TIMING_SLOTS; s++)
		seg[s] = 5; /* off duty */
#define MARK(from, len, id)                                                 \
	for (k = 0; k < (len); k++)                                         \
		seg[(((from) + k) % TIMING_SLOTS + TIMING_SLOTS) %          \
		    TIMING_SLOTS] = (id)
	MARK(ls - 6, 6, 0);
	MARK(ls, ((le - ls) % TIMING_SLOTS + TIMING_SLOTS) % TIMING_SLOTS, 1);
	if (ss >= 0) {
		MARK(le, ((ss - le) % TIMING_SLOTS + TIMING_SLOTS) % TIMING_SLOTS,
		     2);
		MARK(ss, ((se - ss) % TIMING_SLOTS + TIMING_SLOTS) % TIMING_SLOTS,
		     3);
		MARK(se, 6, 4);
	} else {
		MARK(le, 10, 2);
	}
#undef MARK
	for (int s = 0; s < TIMING_SLOTS; s++) {
		sum[seg[s]] += tot[s];
		cnt[seg[s]] += 1;
	}
	for (int s = 0; s < TIMING_SLOTS; s++)
		out[s] = cnt[seg[s]] > 0 ? sum[seg[s]] / cnt[seg[s]] : 0;
	return 1;
}

/* The day's rhythm; with_breaks = 0 draws no fitted break bands and no
 * office-shift model (an unflagged cluster has no breaks to show). */
static void rhythm_chart(struct ctx *c, const struct timing_profile *pr,
			 const struct timing_fit *tf, const char *title,
			 int width, int with_breaks)
{
	char xl[96];
	double w[TIMING_SLOTS], o[TIMING_SLOTS], tot[TIMING_SLOTS],
	       model[TIMING_SLOTS];
	struct svg_band bands[2];
	struct svg_bars b;
	size_t nb = 0;

	for (int s = 0; s < TIMING_SLOTS; s++) {
		w[s] = pr->workday[s];
		o[s] = pr->offday[s];
		tot[s] = w[s] + o[s];
	}
	if (with_breaks && isfinite(tf->lunch_start_h) &&
	    isfinite(tf->lunch_end_h)) {
		bands[nb].from = tf->lunch_start_h;
		bands[nb].to = tf->lunch_end_h;
		bands[nb++].label = "lunch break";
	}
	if (with_breaks && isfinite(tf->supper_start_h) &&
	    isfinite(tf->supper_end_h)) {
		bands[nb].from = tf->supper_start_h;
		bands[nb].to = tf->supper_end_h;
		bands[nb++].label = "supper break";
	}
	memset(&b, 0, sizeof(b));
	b.title = title;
	b.v = w;
	b.v2 = o;
	b.n = TIMING_SLOTS;
	b.x0 = 0;
	b.dx = 0.5;
	b.tick = 3;
	b.overlay = with_breaks && report_shift_overlay(tot, tf, model)
			    ? model
			    : NULL;
	snprintf(xl, sizeof(xl), "hour of day (%s time)",
		 features_tz_label(c->fs));
	b.xlabel = xl;
	b.ylabel = "posts per half hour";
	b.bands = bands;
	b.n_bands = nb;
	b.series[0] = "working days";
	b.series[1] = "weekends and holidays";
	b.series[2] = b.overlay ? "office-shift model (fitted breaks)" : NULL;
	b.width = width;
	b.height = width > 500 ? 200 : 150;
	svg_bars_draw(c->f, &b);
}

static int64_t local_day(const struct ctx *c, int64_t t)
{
	int64_t l = c->fs->have_tctx ? tzconv_local(&c->fs->tctx.tz, t)
				     : t + 8 * 3600;

	return l >= 0 ? l / 86400 : -((-l + 86399) / 86400);
}

struct runk {
	uint32_t key, nacc, nposts;
};

static int cmp_runk(const void *a, const void *b)
{
	const struct runk *x = a, *y = b;

	if (x->nacc != y->nacc)
		return x->nacc > y->nacc ? -1 : 1;
	if (x->nposts != y->nposts)
		return x->nposts > y->nposts ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* (key << 32 | account) pairs, sorted, into runs: per key the number of
 * pairs and of distinct accounts, sorted by accounts desc. Returns the
 * number of runs (written into *out, caller frees) or SIZE_MAX. */
static size_t pair_runs(uint64_t *v, size_t n, struct runk **out)
{
	struct runk *r;
	size_t nr = 0;

	sortu64(v, n);
	r = malloc((n + 1) * sizeof(*r));
	if (!r)
		return SIZE_MAX;
	for (size_t i = 0; i < n;) {
		size_t e = i;
		uint32_t nacc = 0;

		while (e < n && v[e] >> 32 == v[i] >> 32) {
			if (e == i || v[e] != v[e - 1])
				nacc++;
			e++;
		}
		r[nr].key = (uint32_t)(v[i] >> 32);
		r[nr].nacc = nacc;
		r[nr].nposts = (uint32_t)(e - i);
		nr++;
		i = e;
	}
	qsort(r, nr, sizeof(*r), cmp_runk);
	*out = r;
	return nr;
}

static enum cib_err shared_texts(struct ctx *c, size_t k)
{
	const struct pipeline *p = c->p;
	const struct dataset *ds = c->ds;
	const struct reuse_result *ru = &c->fs->reuse;
	uint64_t *v;
	size_t n = 0, cap = 0, nr;
	struct runk *r;
	FILE *f = c->f;

	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++)
		cap += postindex_count(&p->pi, c->m_acc[i]);
	v = malloc((cap + 1) * sizeof(*v));
	if (!v)
		return CIB_ENOMEM;
	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++) {
		uint32_t a = c->m_acc[i];

		for (uint64_t q = p->pi.off[a]; q < p->pi.off[a + 1]; q++) {
			uint32_t j = postindex_at(&p->pi, q);

			if (ru->post_group && ru->post_group[j] != UINT32_MAX)
				v[n++] = (uint64_t)ru->post_group[j] << 32 | a;
		}
	}
	nr = pair_runs(v, n, &r);
	free(v);
	if (nr == SIZE_MAX)
		return CIB_ENOMEM;
	fputs("<h3>Shared texts</h3>", f);
	if (!nr) {
		fputs("<p>No near-duplicate texts among the members.</p>", f);
		free(r);
		return CIB_OK;
	}
	fprintf(f,
		"<p class=\"note\">%zu groups of identical or near-identical "
		"texts posted by members; the %d shared by most members:</p>"
		"<table class=\"texts\"><thead><tr><th>text (earliest post)</th>"
		"<th>members</th><th>member posts</th><th>accounts (all)</th>"
		"<th>posts (all)</th><th>variants</th><th>first</th>"
		"<th>last</th></tr></thead><tbody>",
		nr, nr < TOP_TEXTS ? (int)nr : TOP_TEXTS);
	for (size_t i = 0; i < nr && i < TOP_TEXTS; i++) {
		uint32_t g = r[i].key;

		fputs("<tr><td class=\"txt\">", f);
		svg_escape(f, ds_text(ds, ru->group_rep[g]),
			   TEXT_CAP);
		fprintf(f,
			"</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
			"<td class=\"n\">%u</td><td class=\"n\">%u</td>"
			"<td class=\"n\">%u</td><td>",
			r[i].nacc, r[i].nposts, ru->group_accounts[g],
			ru->group_posts[g], ru->group_variants[g]);
		put_time(f, ru->group_first[g]);
		fputs("</td><td>", f);
		put_time(f, ru->group_last[g]);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>", f);
	free(r);
	return CIB_OK;
}

static enum cib_err shared_urls(struct ctx *c, size_t k)
{
	const struct pipeline *p = c->p;
	const struct reuse_result *ru = &c->fs->reuse;
	uint64_t *vu, *vd;
	size_t n = 0, cap = 0, nu, nd;
	struct runk *ru_r = NULL, *rd = NULL;
	FILE *f = c->f;

	if (!ru->url_off)
		return CIB_OK;
	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++) {
		uint32_t a = c->m_acc[i];

		for (uint64_t q = p->pi.off[a]; q < p->pi.off[a + 1]; q++) {
			uint32_t j = postindex_at(&p->pi, q);

			cap += ru->url_off[j + 1] - ru->url_off[j];
		}
	}
	vu = malloc((cap + 1) * sizeof(*vu));
	vd = malloc((cap + 1) * sizeof(*vd));
	if (!vu || !vd) {
		free(vu);
		free(vd);
		return CIB_ENOMEM;
	}
	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++) {
		uint32_t a = c->m_acc[i];

		for (uint64_t q = p->pi.off[a]; q < p->pi.off[a + 1]; q++) {
			uint32_t j = postindex_at(&p->pi, q);

			for (uint64_t u = ru->url_off[j]; u < ru->url_off[j + 1];
			     u++) {
				vu[n] = (uint64_t)ru->url_str[u] << 32 | a;
				vd[n++] = (uint64_t)ru->url_domain[u] << 32 | a;
			}
		}
	}
	nu = pair_runs(vu, n, &ru_r);
	nd = pair_runs(vd, n, &rd);
	free(vu);
	free(vd);
	if (nu == SIZE_MAX || nd == SIZE_MAX) {
		free(ru_r);
		free(rd);
		return CIB_ENOMEM;
	}
	fputs("<h3>Shared URLs and domains</h3>", f);
	if (!n) {
		fputs("<p>The members posted no links.</p>", f);
	} else {
		fputs("<table class=\"urls\"><thead><tr><th>URL (canonical)</th>"
		      "<th>members</th><th>posts</th></tr></thead><tbody>",
		      f);
		for (size_t i = 0; i < nu && i < TOP_URLS; i++) {
			fputs("<tr><td class=\"txt\">", f);
			svg_escape(f, reuse_str(ru, ru_r[i].key), 300);
			fprintf(f,
				"</td><td class=\"n\">%u</td><td class=\"n\">"
				"%u</td></tr>",
				ru_r[i].nacc, ru_r[i].nposts);
		}
		fputs("</tbody></table><table class=\"domains\"><thead><tr>"
		      "<th>domain</th><th>members</th><th>links</th></tr>"
		      "</thead><tbody>",
		      f);
		for (size_t i = 0; i < nd && i < TOP_DOMAINS; i++) {
			fputs("<tr><td>", f);
			svg_escape(f, reuse_str(ru, rd[i].key), 300);
			fprintf(f,
				"</td><td class=\"n\">%u</td><td class=\"n\">"
				"%u</td></tr>",
				rd[i].nacc, rd[i].nposts);
		}
		fputs("</tbody></table>", f);
	}
	free(ru_r);
	free(rd);
	return CIB_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static enum cib_err creation_dates(struct ctx *c, size_t k)
{
	size_t n = 0, nm = c->m_off[k + 1] - c->m_off[k], nr = 0;
	int64_t *d = malloc((nm + 1) * sizeof(*d));
	struct runk *r = malloc((nm + 1) * sizeof(*r));
	FILE *f = c->f;

	if (!d || !r) {
		free(d);
		free(r);
		return CIB_ENOMEM;
	}
	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++) {
		int64_t t = c->ds->acc.created[c->m_acc[i]];

		if (t != TIME_NONE)
			d[n++] = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	}
	qsort(d, n, sizeof(*d), cmp_i64);
	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n && d[e] == d[i])
			e++;
		/* key: day relative to the first, so it fits 32 bits */
		r[nr].key = (uint32_t)(d[i] - d[0]);
		r[nr].nacc = (uint32_t)(e - i);
		r[nr].nposts = 0;
		nr++;
		i = e;
	}
	qsort(r, nr, sizeof(*r), cmp_runk);
	fprintf(f,
		"<h3>Creation dates</h3><p class=\"note\">%zu of %zu members "
		"have a known creation date",
		n, nm);
	if (n)
		fprintf(f, "; %zu distinct days", nr);
	fputs(".</p>", f);
	if (nr) {
		fputs("<table class=\"created\"><thead><tr><th>created (UTC "
		      "day)</th><th>members</th></tr></thead><tbody>",
		      f);
		for (size_t i = 0; i < nr && i < TOP_DAYS; i++) {
			fputs("<tr><td>", f);
			put_date(f, (d[0] + r[i].key) * 86400);
			fprintf(f, "</td><td class=\"n\">%u%s</td></tr>",
				r[i].nacc, r[i].nacc >= 3 ? " (batch)" : "");
		}
		fputs("</tbody></table>", f);
	}
	free(d);
	free(r);
	return CIB_OK;
}

static void persona_switches(struct ctx *c, size_t k)
{
	const struct persona_result *pr = &c->fs->persona;
	FILE *f = c->f;
	size_t shown = 0, total = 0;

	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++)
		if (features_switch_significant(c->fs, c->m_acc[i]))
			total++;
	fprintf(f, "<h3>Persona switches</h3><p class=\"note\">%zu members "
		   "with a significant switch (permutation p &lt; 0.001).</p>",
		total);
	if (!total || !pr->cp_p)
		return;
	fputs("<table class=\"switches\"><thead><tr><th>account</th>"
	      "<th>language before</th><th>after</th><th>topic shift (JS, "
	      "bits)</th><th>switch</th><th>longest silence</th>"
	      "<th>silence ended</th><th>p</th></tr></thead><tbody>",
	      f);
	for (size_t i = c->m_off[k]; i < c->m_off[k + 1] && shown < 200; i++) {
		uint32_t a = c->m_acc[i];

		if (!(features_switch_significant(c->fs, a)))
			continue;
		shown++;
		fputs("<tr><td>", f);
		acc_link(c, a);
		fputs("</td><td>", f);
		esc(c, langdetect_str(&c->fs->ld, pr->lang_before[a]));
		fputs("</td><td>", f);
		esc(c, langdetect_str(&c->fs->ld, pr->lang_after[a]));
		fputs("</td><td class=\"n\">", f);
		put_num(f, pr->topic_shift[a], 2);
		fputs("</td><td>", f);
		put_date(f, pr->cp_time[a]);
		fprintf(f, "</td><td class=\"n\">%.0f days</td><td>",
			(double)pr->longest_gap[a] / 86400.0);
		put_date(f, pr->gap_end[a]);
		fputs("</td><td class=\"n\">", f);
		put_p(f, pr->cp_p[a]);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table>", f);
}

static int cmp_edge_strength(const void *a, const void *b, void *ctx)
{
	const struct coord_edge *e = ctx;
	double x = e[*(const uint32_t *)a].log10p,
	       y = e[*(const uint32_t *)b].log10p;

	if (x != y)
		return x < y ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* the drawing's edges of cluster k: the strongest nd of its ne (all
 * when they fit), as local node numbers ea-eb with their most frequent
 * co-action type et; numbers the members in local */
static void graph_edges(struct ctx *c, size_t k, uint32_t *local,
			uint32_t *eidx, size_t ne, size_t nd, uint32_t *ea,
			uint32_t *eb, uint8_t *et)
{
	const struct pipeline *p = c->p;
	size_t nm = c->m_off[k + 1] - c->m_off[k];

	memcpy(eidx, c->e_idx + c->e_off[k], ne * sizeof(*eidx));
	if (nd < ne)
		qsort_r(eidx, ne, sizeof(*eidx), cmp_edge_strength,
			(void *)p->g.edges);
	for (size_t i = 0; i < nm; i++)
		local[c->m_acc[c->m_off[k] + i]] = (uint32_t)i;
	for (size_t i = 0; i < nd; i++) {
		const struct coord_edge *e = &p->g.edges[eidx[i]];
		int best = 0;

		ea[i] = local[e->a];
		eb[i] = local[e->b];
		for (int t = 1; t < COORD__COUNT; t++)
			if (e->x[t] > e->x[best])
				best = t;
		et[i] = (uint8_t)best;
	}
}

/* Fruchterman-Reingold layout (seeded by the run's seed and k) of nm
 * nodes and nd edges ea-eb into xy (x, y per node) */
static enum cib_err graph_layout(struct ctx *c, size_t k, size_t nm,
				 size_t nd, const uint32_t *ea,
				 const uint32_t *eb, double *xy)
{
	igraph_vector_int_t ev;
	igraph_matrix_t res;
	igraph_t g;
	enum cib_err err = CIB_ENOMEM;
	int have_g = 0, have_m = 0;
	igraph_error_t ie;

	if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * nd)))
		return CIB_ENOMEM;
	for (size_t i = 0; i < nd; i++) {
		VECTOR(ev)[2 * i] = ea[i];
		VECTOR(ev)[2 * i + 1] = eb[i];
	}
	err = CIB_ELIB;
	ie = igraph_create(&g, &ev, (igraph_integer_t)nm, IGRAPH_UNDIRECTED);
	if (ie)
		goto lib;
	have_g = 1;
	ie = igraph_matrix_init(&res, 0, 0);
	if (ie)
		goto lib;
	have_m = 1;
	igraph_rng_seed(igraph_rng_default(),
			(igraph_uint_t)(c->o->seed + k));
	ie = igraph_layout_fruchterman_reingold(
		&g, &res, 0, 300, sqrt((double)nm) / 2 + 1,
		IGRAPH_LAYOUT_AUTOGRID, NULL, NULL, NULL, NULL, NULL);
	if (ie)
		goto lib;
	for (size_t i = 0; i < nm; i++) {
		xy[2 * i] = MATRIX(res, i, 0);
		xy[2 * i + 1] = MATRIX(res, i, 1);
	}
	err = CIB_OK;
	goto out;
lib:
	snprintf(c->errmsg, c->errlen, "graph layout: %s", igraph_strerror(ie));
out:
	if (have_m)
		igraph_matrix_destroy(&res);
	if (have_g)
		igraph_destroy(&g);
	igraph_vector_int_destroy(&ev);
	return err;
}

/* cluster k's members' scores (val) and labels ("handle score S
 * [flagged]", malloc'd into labbuf, pointed to by lab) */
static enum cib_err graph_labels(struct ctx *c, size_t k, double *val,
				 const char **lab, char **labbuf)
{
	const struct pipeline *p = c->p;
	size_t nm = c->m_off[k + 1] - c->m_off[k];

	for (size_t i = 0; i < nm; i++) {
		uint32_t a = c->m_acc[c->m_off[k] + i];
		const char *h = ds_str(c->ds, c->ds->acc.handle[a]);
		size_t len = strlen(h) + 64;

		val[i] = p->score[a];
		labbuf[i] = malloc(len);
		if (!labbuf[i])
			return CIB_ENOMEM;
		snprintf(labbuf[i], len, "%s score %.3f%s", h[0] ? h : "(no handle)",
			 p->score[a], p->flagged[a] ? " flagged" : "");
		lab[i] = labbuf[i];
	}
	return CIB_OK;
}

/* cluster k's coordination graph: the strongest edges (up to
 * max_graph_edges), laid out and drawn as SVG with a note */
static enum cib_err graph_drawing(struct ctx *c, size_t k, uint32_t *local)
{
	size_t nm = c->m_off[k + 1] - c->m_off[k];
	size_t ne = c->e_off[k + 1] - c->e_off[k];
	size_t nd = ne < c->o->max_graph_edges ? ne : c->o->max_graph_edges;
	uint32_t *eidx = NULL, *ea = NULL, *eb = NULL;
	uint8_t *et = NULL;
	double *xy = NULL, *val = NULL;
	const char **lab = NULL;
	char **labbuf = NULL;
	const char *tnames[COORD__COUNT];
	struct svg_graph sg;
	char title[128];
	enum cib_err err = CIB_ENOMEM;

	eidx = malloc((ne + 1) * sizeof(*eidx));
	ea = malloc((nd + 1) * sizeof(*ea));
	eb = malloc((nd + 1) * sizeof(*eb));
	et = malloc(nd + 1);
	xy = malloc((2 * nm + 2) * sizeof(*xy));
	val = malloc((nm + 1) * sizeof(*val));
	lab = malloc((nm + 1) * sizeof(*lab));
	labbuf = calloc(nm + 1, sizeof(*labbuf));
	if (!eidx || !ea || !eb || !et || !xy || !val || !lab || !labbuf)
		goto out;
	graph_edges(c, k, local, eidx, ne, nd, ea, eb, et);
	err = graph_layout(c, k, nm, nd, ea, eb, xy);
	if (!err)
		err = graph_labels(c, k, val, lab, labbuf);
	if (err)
		goto out;
	for (int t = 0; t < COORD__COUNT; t++)
		tnames[t] = coord_type_name((enum coord_type)t);
	snprintf(title, sizeof(title),
		 "coordination graph of cluster C%zu: %zu accounts, %zu "
		 "of %zu edges drawn",
		 k + 1, nm, nd, ne);
	memset(&sg, 0, sizeof(sg));
	sg.title = title;
	sg.n_nodes = nm;
	sg.xy = xy;
	sg.node_label = lab;
	sg.node_value = val;
	sg.n_edges = nd;
	sg.ea = ea;
	sg.eb = eb;
	sg.etype = et;
	sg.n_types = COORD__COUNT;
	sg.type_name = tnames;
	sg.type_color = type_colors;
	sg.value_name = "account score:";
	sg.width = 760;
	sg.height = nm > 100 ? 640 : 460;
	fprintf(c->f,
		"<h3>Coordination graph</h3><p class=\"note\">%zu "
		"significant edges inside the cluster%s; edge colour is "
		"the edge's most frequent co-action type, node colour "
		"the account's score (pale low, red high); layout "
		"Fruchterman-Reingold, seed %llu.</p>",
		ne, nd < ne ? " (the strongest drawn)" : "",
		(unsigned long long)(c->o->seed + k));
	svg_graph_draw(c->f, &sg);
	err = CIB_OK;
out:
	if (labbuf)
		for (size_t i = 0; i < nm; i++)
			free(labbuf[i]);
	for (size_t i = 0; i < nm && c->m_acc; i++)
		local[c->m_acc[c->m_off[k] + i]] = UINT32_MAX;
	free(labbuf);
	free(lab);
	free(val);
	free(xy);
	free(et);
	free(eb);
	free(ea);
	free(eidx);
	return err;
}

/* Members' posts by hour in each member's claimed time zone (the offset
 * of its stated location), for members whose location resolved. */
static void claimed_zone_chart(struct ctx *c, size_t k)
{
	const struct pipeline *p = c->p;
	double v[TIMING_SLOTS] = { 0 };
	size_t nwith = 0, nm = c->m_off[k + 1] - c->m_off[k];
	struct svg_bars b;
	char title[160];

	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++) {
		uint32_t a = c->m_acc[i];
		int32_t off;

		if (!c->fs->loc_offset || c->fs->loc_offset[a] == INT32_MIN)
			continue;
		off = c->fs->loc_offset[a];
		nwith++;
		for (uint64_t q = p->pi.off[a]; q < p->pi.off[a + 1]; q++) {
			int64_t t = c->ds->post.time[postindex_at(&p->pi, q)] +
				    (int64_t)off * 60;
			int64_t s = ((t % 86400) + 86400) % 86400 / 1800;

			v[s] += 1;
		}
	}
	fprintf(c->f,
		"<p class=\"note\">In the members' claimed time zones: %zu of "
		"%zu members state a location that resolves to a zone.</p>",
		nwith, nm);
	if (!nwith)
		return;
	snprintf(title, sizeof(title),
		 "cluster C%zu: posts by half hour in each member's claimed "
		 "time zone",
		 k + 1);
	memset(&b, 0, sizeof(b));
	b.title = title;
	b.v = v;
	b.n = TIMING_SLOTS;
	b.dx = 0.5;
	b.tick = 3;
	b.series[0] = "posts, claimed local time";
	b.xlabel = "hour of day (each member's claimed local time)";
	b.ylabel = "posts per half hour";
	b.width = 760;
	b.height = 184;
	svg_bars_draw(c->f, &b);
}

static enum cib_err timeline(struct ctx *c, size_t k)
{
	const struct pipeline *p = c->p;
	const struct timing_profile *pr = &p->ce[k].profile;
	int64_t d0 = pr->first_day, d1 = pr->last_day;
	size_t n, nhol = 0;
	uint32_t *cnt;
	uint8_t *mk;
	char title[160];

	if (d0 > d1)
		return CIB_OK;
	if (d1 - d0 + 1 > TIMELINE_MAX_DAYS)
		d0 = d1 - TIMELINE_MAX_DAYS + 1;
	n = (size_t)(d1 - d0 + 1);
	cnt = calloc(n, sizeof(*cnt));
	mk = calloc(n, 1);
	if (!cnt || !mk) {
		free(cnt);
		free(mk);
		return CIB_ENOMEM;
	}
	for (size_t i = c->m_off[k]; i < c->m_off[k + 1]; i++) {
		uint32_t a = c->m_acc[i];

		for (uint64_t q = p->pi.off[a]; q < p->pi.off[a + 1]; q++) {
			int64_t t = c->ds->post.time[postindex_at(&p->pi, q)];
			int64_t d;

			if (t == TIME_NONE)
				continue;
			d = local_day(c, t);
			if (d >= d0 && d <= d1 && cnt[d - d0] < UINT32_MAX)
				cnt[d - d0]++;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (holidays_day_kind(d0 + (int64_t)i) == DAY_HOLIDAY) {
			mk[i] = 1;
			nhol++;
		}
	snprintf(title, sizeof(title),
		 "cluster C%zu: posts per day (%s dates), %zu Chinese "
		 "public-holiday days marked",
		 k + 1, features_tz_label(c->fs), nhol);
	fputs("<h3>Timeline</h3>", c->f);
	if (pr->last_day - pr->first_day + 1 > TIMELINE_MAX_DAYS)
		fprintf(c->f, "<p class=\"note\">The last %d days are shown.</p>",
			TIMELINE_MAX_DAYS);
	{
		char xl[96];

		snprintf(xl, sizeof(xl), "date (%s)", features_tz_label(c->fs));
		svg_timeline_draw(c->f, title, d0, cnt, mk, n,
				  "Chinese public holiday", xl, 900);
	}
	free(cnt);
	free(mk);
	return CIB_OK;
}

static void timing_dl(struct ctx *c, const struct timing_fit *tf)
{
	FILE *f = c->f;

	/* the comparison in words first, then its statistic: the log of how
	 * many times likelier the posting times are under an office-shift
	 * day than under an organic one */
	fprintf(f, "<dt>Posts timed</dt><dd>%u</dd><dt>Office-shift day</dt>"
		   "<dd>%s than an organic day (log-likelihood ratio ",
		tf->n,
		tf->shift_llr > 0 ? "fits the posting times better"
				  : "fits the posting times no better");
	put_num(f, tf->shift_llr, 1);
	fputs(", ", f);
	put_p_rel(f, "&le;", tf->shift_p);
	fputs("), best offset ", f);
	put_offset(f, tf->shift_offset_min);
	fputs("</dd><dt>Lunch break</dt><dd>", f);
	put_hm(f, tf->lunch_start_h);
	fputs("&ndash;", f);
	put_hm(f, tf->lunch_end_h);
	fputs("; dip 12:00&ndash;13:30 ", f);
	put_p_rel(f, "=", tf->lunch_dip_p);
	fputs(", rate ratio ", f);
	put_num(f, tf->lunch_ratio, 2);
	fputs("</dd><dt>Supper break</dt><dd>", f);
	put_hm(f, tf->supper_start_h);
	fputs("&ndash;", f);
	put_hm(f, tf->supper_end_h);
	fputs("; dip 17:30&ndash;19:00 ", f);
	put_p_rel(f, "=", tf->supper_dip_p);
	fputs(", rate ratio ", f);
	put_num(f, tf->supper_ratio, 2);
	fputs("</dd><dt>Weekend / workday rate</dt><dd>", f);
	put_num(f, tf->weekend_ratio, 2);
	fputs("</dd><dt>Holiday / workday rate</dt><dd>", f);
	put_num(f, tf->holiday_ratio, 2);
	fputs("</dd><dt>Sleep-gap offset</dt><dd>", f);
	put_offset(f, tf->inferred_offset_min);
	fputs(" (confidence ", f);
	put_num(f, tf->sleep_gap_conf, 2);
	fputs(")</dd>", f);
}

static const char *const day_names[7] = { "Mon", "Tue", "Wed", "Thu",
					  "Fri", "Sat", "Sun" };

/* An unflagged cluster's section says why first (why_not_lead). */
static void why_not(struct ctx *c, size_t k)
{
	fprintf(c->f, "<p class=\"why-not\">Not flagged: %sno member "
		      "reached the flagging threshold %.3f (its highest "
		      "member score is %.3f); its charts show no fitted "
		      "breaks.</p>",
		why_not_lead(&c->p->ce[k]), c->p->threshold_used,
		best_member(c, k));
}

static enum cib_err cluster_section(struct ctx *c, size_t k, uint32_t *local)
{
	const struct pipeline *p = c->p;
	const struct cluster_evidence *ce = &p->ce[k];
	FILE *f = c->f;
	char id[24], title[200];
	size_t nm = c->m_off[k + 1] - c->m_off[k];
	enum cib_err err;

	snprintf(id, sizeof(id), "C%zu", k + 1);
	fprintf(f,
		"<section class=\"cluster\" id=\"cluster-%s\"><h2>Cluster %s: "
		"%u accounts, %u flagged, mean score %.3f</h2>"
		"<p class=\"verdict\">Verdict: %s</p>",
		id, id, ce->size, ce->n_flagged, ce->score,
		cluster_verdict(ce));
	if (!ce->n_flagged)
		why_not(c, k);
	if (c->o->store) {
		fputs("<p>Decision: ", f);
		put_decision(c, find_dec(c, 1, "", id));
		fputs("</p>", f);
	}
	fprintf(f,
		"<dl class=\"kv\"><dt>Posts</dt><dd>%llu</dd>"
		"<dt>Significant edges inside</dt><dd>%u (strongest ",
		(unsigned long long)ce->n_posts, ce->n_edges);
	put_p_rel(f, "=", pow(10, ce->best_log10p));
	fputs(")</dd>", f);
	timing_dl(c, &ce->timing);
	fputs("<dt>Copied-text share</dt><dd>", f);
	put_num(f, ce->reuse_share, 3);
	fputs("</dd><dt>Created in batches</dt><dd>", f);
	put_num(f, ce->batch_share, 3);
	fputs("</dd><dt>Persona-switch share</dt><dd>", f);
	put_num(f, ce->switch_share, 3);
	fprintf(f, "</dd><dt>Engagement received</dt><dd>%llu, of which "
		   "from members ",
		(unsigned long long)ce->engagement_received);
	put_num(f, ce->inside_engagement, 3);
	fputs("; mean log10(1 + engagement per post) ", f);
	put_num(f, ce->engagement_log, 2);
	fputs("</dd><dt>Inferred zones</dt><dd>modal ", f);
	put_offset(f, ce->modal_offset_min);
	fputs(", share more than 90 min away ", f);
	put_num(f, ce->tz_spread, 3);
	fputs("</dd></dl>", f);

	fprintf(f, "<h3>Posting rhythm</h3>");
	snprintf(title, sizeof(title),
		 "cluster %s: posts by half hour, %s time (working days and "
		 "off days stacked)",
		 id, features_tz_label(c->fs));
	rhythm_chart(c, &ce->profile, &ce->timing, title, 760,
		     ce->n_flagged > 0);
	claimed_zone_chart(c, k);
	snprintf(title, sizeof(title),
		 "cluster %s: weekday by half hour, %s time", id,
		 features_tz_label(c->fs));
	{
		char xl[96];

		snprintf(xl, sizeof(xl), "hour of day (%s time)",
			 features_tz_label(c->fs));
		svg_heatmap_draw(f, title, &ce->profile.local[0][0], 7,
				 TIMING_SLOTS, day_names, 6, 0.5, xl, 760);
	}
	err = timeline(c, k);
	if (!err)
		err = shared_texts(c, k);
	if (!err)
		err = shared_urls(c, k);
	if (!err)
		err = creation_dates(c, k);
	if (err)
		return err;
	persona_switches(c, k);
	if (nm >= 2) {
		err = graph_drawing(c, k, local);
		if (err)
			return err;
	}
	/* a long member list starts folded: its rows are not laid out until
	 * opened, which keeps the first screen of a big report fast */
	fprintf(f, "<h3>Members</h3><details class=\"members\"%s><summary>%zu "
		   "members%s</summary>",
		nm <= 20 ? " open" : "", nm,
		nm > c->o->max_members_listed ? ", the highest-scoring listed"
					      : "");
	fprintf(f,
		"<input class=\"filter\" data-table=\"t-%s\" "
		"placeholder=\"filter members\" aria-label=\"filter members\">"
		"<table id=\"t-%s\" class=\"sortable members\"><thead><tr>"
		"<th>account id</th><th>handle</th><th>platform</th>"
		"<th>score</th><th>flagged</th><th>headline</th>%s</tr></thead>"
		"<tbody>",
		id, id, c->o->store ? "<th>decision</th>" : "");
	for (size_t i = 0; i < nm && i < c->o->max_members_listed; i++)
		account_row(c, c->m_acc[c->m_off[k] + i], 0);
	fputs("</tbody></table>", f);
	if (nm > c->o->max_members_listed)
		fprintf(f, "<p class=\"note\">%zu more members not listed "
			   "(the accounts file of cibscan score lists them "
			   "all).</p>",
			nm - c->o->max_members_listed);
	fputs("</details></section>\n", f);
	return CIB_OK;
}

/* The "; " that ends the reason starting at r, outside parentheses (a
 * reason's own "(12 co-actions; strongest link ...)" stays whole), or
 * NULL for the last one. */
static const char *reason_end(const char *r)
{
	int depth = 0;

	for (; *r; r++) {
		if (*r == '(')
			depth++;
		else if (*r == ')' && depth > 0)
			depth--;
		else if (depth == 0 && r[0] == ';' && r[1] == ' ')
			return r;
	}
	return NULL;
}

static enum cib_err account_section(struct ctx *c, uint32_t a)
{
	const struct pipeline *p = c->p;
	const struct dataset *ds = c->ds;
	const struct feature_set *fs = c->fs;
	const struct edge_summary *es = &p->es[a];
	struct timing_profile pr;
	FILE *f = c->f;
	char reasons[4096], title[200], sw[256];
	const char *r, *h = ds_str(ds, ds->acc.handle[a]);

	timing_profile_init(&pr);
	if (fs->have_tctx)
		for (uint64_t q = p->pi.off[a]; q < p->pi.off[a + 1]; q++) {
			uint32_t j = postindex_at(&p->pi, q);

			timing_profile_add_post(&pr, &fs->tctx,
						ds->post.time[j],
						ds->post.flags[j]);
		}
	fprintf(f, "<section class=\"account\" id=\"acc-%u\"><h2>", a);
	esc(c, h[0] ? h : "(no handle)");
	fputs(" <span class=\"note\">", f);
	esc(c, platform_name((enum platform)ds->acc.platform[a]));
	fputs(" id ", f);
	esc(c, ds_str(ds, ds->acc.id[a]));
	fprintf(f, "</span> score %.3f", p->score[a]);
	if (p->cl.membership[a] >= 0) {
		fputs(", cluster ", f);
		cl_link(c, (size_t)p->cl.membership[a]);
	}
	fputs("</h2>", f);
	if (c->o->store) {
		fputs("<p>Decision: ", f);
		put_decision(c, acc_dec(c, a));
		fputs("</p>", f);
	}
	reasons_account_details(c->o->run, c->rank[a], reasons,
				sizeof(reasons));
	fputs("<h3>Reasons</h3><ul class=\"reasons\">", f);
	for (r = reasons; *r;) {
		const char *e = reason_end(r);
		size_t len = e ? (size_t)(e - r) : strlen(r);
		char one[1024];

		snprintf(one, sizeof(one), "%.*s", (int)len, r);
		fputs("<li>", f);
		esc(c, one);
		fputs("</li>", f);
		r += len;
		if (e)
			r += 2;
	}
	fputs("</ul><h3>Evidence</h3><dl class=\"kv\"><dt>Display name</dt><dd>",
	      f);
	esc(c, ds_str(ds, ds->acc.name[a]));
	fputs("</dd><dt>Claimed location</dt><dd>", f);
	esc(c, ds_str(ds, ds->acc.location[a]));
	fputs(" (", f);
	put_offset(f, fs->loc_offset ? fs->loc_offset[a] : INT32_MIN);
	fputs(")</dd><dt>Description</dt><dd class=\"txt\">", f);
	svg_escape(f, ds_str(ds, ds->acc.description[a]), 500);
	fputs("</dd><dt>Created</dt><dd>", f);
	put_date(f, ds->acc.created[a]);
	fprintf(f, " (accounts created that day: %u; ",
		features_created_same_day(fs, a));
	put_p_rel(f, "=", features_creation_p(fs, a));
	fprintf(f, ")</dd><dt>Followers / following</dt><dd>%lld / %lld</dd>",
		(long long)ds->acc.followers[a],
		(long long)ds->acc.following[a]);
	timing_dl(c, &fs->timing[a]);
	fputs("<dt>Texts copied</dt><dd>", f);
	put_num(f, features_n_texts(fs, a) * features_share_copied(fs, a), 0);
	fputs(" of ", f);
	put_num(f, features_n_texts(fs, a), 0);
	fputs(" texts, shared with ", f);
	put_num(f, features_co_accounts(fs, a), 0);
	fputs(" other accounts</dd><dt>Engagement per post</dt><dd>", f);
	put_num(f, features_engagement_per_post(fs, a), 2);
	fputs("</dd><dt>Persona</dt><dd>", f);
	features_switch_describe(fs, a, sw, sizeof(sw));
	esc(c, sw[0] ? sw : "no switch");
	fputs("</dd><dt>Coordination</dt><dd>", f);
	for (int t = 0, any = 0; t < COORD__COUNT; t++) {
		if (!es->partners[t])
			continue;
		fprintf(f, "%s%s: %u partners, %u co-actions", any ? "; " : "",
			coord_type_name((enum coord_type)t), es->partners[t],
			es->shared[t]);
		any = 1;
	}
	fprintf(f, " (%u partners in all, strongest ", es->n_partners);
	put_p_rel(f, "=", pow(10, es->best_log10p));
	fputs(")</dd></dl>", f);
	snprintf(title, sizeof(title),
		 "account posts by half hour, %s time",
		 features_tz_label(fs));
	rhythm_chart(c, &pr, &fs->timing[a], title, 480, c->p->flagged[a]);
	fputs("</section>\n", f);
	return CIB_OK;
}

enum cib_err report_write(const struct pipeline *p,
			  const struct report_opts *o, FILE *f, char *errmsg,
			  size_t errlen)
{
	struct ctx c;
	uint32_t *local = NULL;
	size_t *rank = NULL;
	enum cib_err err = CIB_ENOMEM;
	char dummy[8];

	if (!o->run || !o->run->ds_index || o->run->n_accounts != p->ds->acc.n) {
		snprintf(errmsg, errlen, "the report needs the run built from "
					 "this pipeline");
		return CIB_EINTERNAL;
	}
	/* the report labels the pipeline's clusters; the run numbers them
	 * the same way (run.h), and a difference would mislabel them */
	for (size_t i = 0; i < o->run->n_accounts; i++)
		if (o->run->acc[i].cluster !=
		    p->cl.membership[o->run->ds_index[i]]) {
			snprintf(errmsg, errlen, "the run's cluster numbers "
						 "differ from the pipeline's");
			return CIB_EINTERNAL;
		}
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.ds = p->ds;
	c.fs = &p->fs;
	c.o = o;
	c.f = f;
	c.errmsg = errmsg ? errmsg : dummy;
	c.errlen = errmsg ? errlen : sizeof(dummy);
	if (c.errlen)
		c.errmsg[0] = '\0';
	if (o->n_decisions) {
		c.dec = malloc(o->n_decisions * sizeof(*c.dec));
		if (!c.dec)
			goto out;
		for (size_t i = 0; i < o->n_decisions; i++)
			c.dec[i] = &o->decisions[i];
		qsort(c.dec, o->n_decisions, sizeof(*c.dec), cmp_decp);
		c.n_dec = o->n_decisions;
	}
	local = malloc((c.ds->acc.n + 1) * sizeof(*local));
	if (!local)
		goto out;
	for (size_t i = 0; i < c.ds->acc.n; i++)
		local[i] = UINT32_MAX;
	err = build_index(&c);
	if (err)
		goto out;
	rank = cluster_rank(p);
	if (!rank) {
		err = CIB_ENOMEM;
		goto out;
	}
	c.has_csec = calloc(p->cl.n_clusters + 1, 1);
	if (!c.has_csec) {
		err = CIB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->cl.n_clusters && i < o->max_cluster_sections;
	     i++)
		c.has_csec[rank[i]] = 1;
	page_head(&c);
	glance(&c, rank);
	clusters_table(&c, rank);
	accounts_table(&c);
	for (size_t i = 0; i < p->cl.n_clusters; i++) {
		if (!c.has_csec[rank[i]])
			continue;
		err = cluster_section(&c, rank[i], local);
		if (err)
			goto out;
	}
	if (p->cl.n_clusters > o->max_cluster_sections)
		fprintf(f, "<p class=\"note\" id=\"clusters-not-drawn\">%zu "
			   "more clusters (the lowest-scoring unflagged ones) "
			   "have no section of their own; the clusters table "
			   "lists them.</p>\n",
			p->cl.n_clusters - o->max_cluster_sections);
	err = report_sites_write(f, p->sa); /* a crawl given with the export */
	if (err)
		goto out;
	summary(&c); /* the run's settings last: readers want results first */
	for (size_t i = 0; i < c.ds->acc.n; i++) {
		uint32_t a = c.order[i];

		if (c.has_section[a]) {
			err = account_section(&c, a);
			if (err)
				goto out;
		}
	}
	fprintf(f, "<script>%s</script>\n</body></html>\n", report_script());
	err = ferror(f) ? CIB_EIO : CIB_OK;
out:
	free(local);
	free(rank);
	free(c.dec);
	free(c.order);
	free(c.rank);
	free(c.m_off);
	free(c.m_acc);
	free(c.e_off);
	free(c.e_idx);
	free(c.has_section);
	free(c.has_csec);
	return err;
}
