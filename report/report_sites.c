/* report_sites.c - the site networks of a crawl scored with an export, in
 * the HTML report (docs/report.md, docs/sites.md): one section per flagged
 * network with its shared id, template trait and hosting block, the
 * accounts clusters promoting it, two of its near-identical articles side
 * by side, its members and the graph of links between them.
 *
 * Invariant: every string that came from the crawl or the export (hosts,
 * titles, ids, article text, servers, reasons) goes through svg_escape;
 * nothing from the input is written raw. Sizes are capped (members listed,
 * nodes drawn) so a huge network stays a readable page.
 */
#include "report/report_sites.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg.h"
#include "core/sortu64.h"

#define RS_MAX_MEMBERS 200 /* rows of the members table and nodes drawn */

static const char *const kind_name[] = {
#define SK_WORDS(e, tag, name, words) words,
	SITES_KIND_MAP(SK_WORDS)
#undef SK_WORDS
};

static void put_pv(FILE *f, double p)
{
	if (!(p >= 1e-300))
		fputs("&lt; 1e-300", f);
	else
		fprintf(f, "%.2g", p);
}

/* (group, label, site) of a trait held by a member of a flagged network */
struct gls {
	uint32_t g, label, site;
};

static int cmp_gls(const void *x, const void *y)
{
	const struct gls *a = x, *b = y;

	if (a->g != b->g)
		return a->g < b->g ? -1 : 1;
	if (a->label != b->label)
		return a->label < b->label ? -1 : 1;
	return a->site < b->site ? -1 : a->site > b->site;
}

struct lc {
	uint32_t label, count;
};

static int cmp_lc(const void *x, const void *y)
{
	const struct lc *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->label < b->label ? -1 : a->label > b->label;
}

/* The id and template traits of the members of every flagged network,
 * sorted by network then label, one entry per (label, site). */
static enum cib_err network_traits(const struct sites *s, struct gls **out,
				   size_t *n_out)
{
	struct gls *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < s->n_ent; i++) {
		uint32_t si = s->ent[i].site, lab = s->ent[i].label;
		int kd;

		if (si >= s->n_sites || !s->site[si].flagged ||
		    s->site[si].cluster <= 0 || lab >= s->label_kind_cap)
			continue;
		kd = s->label_kind[lab];
		if (kd != SK_IDS && kd != SK_TEMPLATE)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct gls *nv = realloc(v, nc * sizeof(*nv));

			if (!nv) {
				free(v);
				return CIB_ENOMEM;
			}
			v = nv;
			cap = nc;
		}
		v[n].g = (uint32_t)s->site[si].cluster;
		v[n].label = lab;
		v[n].site = si;
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_gls);
	{
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (!k || cmp_gls(&v[i], &v[k - 1]))
				v[k++] = v[i];
		n = k;
	}
	*out = v;
	*n_out = n;
	return CIB_OK;
}

/* A skeleton band label: a band digit and 16 hex digits. */
static int is_band(const char *v)
{
	size_t n = strlen(v);

	if (n != 17 || v[0] < '0' || v[0] > '9')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return 0;
	return 1;
}

/* The traits of one kind most members share (held by 2 or more), at most
 * 8, with how many members hold each. */
static enum cib_err shared_list(FILE *f, const struct sites *s,
				const struct gls *v, size_t n, int kind)
{
	struct lc *l = malloc((n ? n : 1) * sizeof(*l));
	size_t nl = 0, shown = 0, bands = 0;

	if (!l)
		return CIB_ENOMEM;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].label == v[i].label; j++)
			;
		if (s->label_kind[v[i].label] != kind || j - i < 2)
			continue;
		l[nl].label = v[i].label;
		l[nl].count = (uint32_t)(j - i);
		nl++;
	}
	qsort(l, nl, sizeof(*l), cmp_lc);
	for (size_t i = 0; i < nl; i++) {
		const char *val = sites_label(s, l[i].label);

		if (kind == SK_TEMPLATE && is_band(val)) {
			bands++;
			continue;
		}
		if (shown == 8)
			continue;
		fputs(shown ? ", <code>" : "<br>shared: <code>", f);
		svg_escape(f, val, 200);
		fprintf(f, "</code> on %u", l[i].count);
		shown++;
	}
	if (bands)
		fprintf(f, "<br>%zu DOM-skeleton bands shared by 2 or more of "
			   "its sites",
			bands);
	free(l);
	return CIB_OK;
}

/* Two members holding a near-identical article (a shared band), or 0. */
static int article_pair(const struct sites *s, const struct sites_group *g,
			uint32_t *a, uint32_t *ka, uint32_t *b, uint32_t *kb)
{
	uint32_t n = g->n < RS_MAX_MEMBERS ? g->n : RS_MAX_MEMBERS;

	for (uint32_t i = 0; i < n; i++) {
		const struct site *x = &s->site[g->members[i]];

		for (uint32_t j = i + 1; j < n; j++) {
			const struct site *y = &s->site[g->members[j]];

			for (uint32_t u = 0; u < x->n_samples; u++)
				for (uint32_t v = 0; v < y->n_samples; v++)
					for (int band = 0; band < 4; band++)
						if (x->sample_band[u][band] ==
						    y->sample_band[v][band]) {
							*a = g->members[i];
							*ka = u;
							*b = g->members[j];
							*kb = v;
							return 1;
						}
		}
	}
	return 0;
}

static enum cib_err link_graph(FILE *f, const struct sites *s,
			       const struct sites_group *g)
{
	uint32_t n = g->n < RS_MAX_MEMBERS ? g->n : RS_MAX_MEMBERS;
	uint32_t *local = malloc((s->n_sites + 1) * sizeof(*local));
	double *xy = malloc((2 * (size_t)n + 2) * sizeof(*xy));
	double *val = malloc(((size_t)n + 1) * sizeof(*val));
	const char **lab = malloc(((size_t)n + 1) * sizeof(*lab));
	uint32_t *ea = NULL, *eb = NULL;
	uint8_t *et = NULL;
	size_t ne = 0, cap = 0;
	enum cib_err err = CIB_ENOMEM;
	static const char *const tname[] = { "link" };
	static const char *const tcolor[] = { "#555555" };

	if (!local || !xy || !val || !lab)
		goto out;
	for (size_t i = 0; i < s->n_sites; i++)
		local[i] = UINT32_MAX;
	for (uint32_t i = 0; i < n; i++) {
		const struct site *st = &s->site[g->members[i]];
		double t = 2 * M_PI * i / (n ? n : 1);

		local[g->members[i]] = i;
		/* a circle: every node visible, the same drawing every run */
		xy[2 * i] = cos(t);
		xy[2 * i + 1] = sin(t);
		val[i] = st->score;
		lab[i] = sites_name(s, st);
	}
	for (size_t i = 0; i < s->n_links; i++) {
		uint32_t th = s->links[i].label, src = s->links[i].site, tgt;

		tgt = th < s->host_site_cap ? s->host_site[th] : UINT32_MAX;
		if (tgt == UINT32_MAX || tgt == src || src >= s->n_sites ||
		    local[src] == UINT32_MAX || local[tgt] == UINT32_MAX)
			continue;
		if (ne == cap) {
			size_t nc = cap ? cap * 2 : 64;
			uint32_t *na = realloc(ea, nc * sizeof(*na));
			uint32_t *nb;
			uint8_t *nt;

			if (!na)
				goto out;
			ea = na;
			nb = realloc(eb, nc * sizeof(*nb));
			if (!nb)
				goto out;
			eb = nb;
			nt = realloc(et, nc);
			if (!nt)
				goto out;
			et = nt;
			cap = nc;
		}
		ea[ne] = local[src];
		eb[ne] = local[tgt];
		et[ne] = 0;
		ne++;
	}
	/* one line per linked pair of sites, however many pages link */
	if (ne) {
		uint64_t *pk = malloc(ne * sizeof(*pk));
		size_t k = 0;

		if (!pk)
			goto out;
		for (size_t i = 0; i < ne; i++)
			pk[i] = (uint64_t)ea[i] << 32 | eb[i];
		sortu64(pk, ne);
		for (size_t i = 0; i < ne; i++)
			if (!i || pk[i] != pk[i - 1]) {
				ea[k] = (uint32_t)(pk[i] >> 32);
				eb[k] = (uint32_t)pk[i];
				k++;
			}
		ne = k;
		free(pk);
	}
	{
		struct svg_graph sg;
		char title[160];

		snprintf(title, sizeof(title),
			 "links between the sites of network %d: %u sites "
			 "drawn, %zu links",
			 g->id, n, ne);
		memset(&sg, 0, sizeof(sg));
		sg.title = title;
		sg.n_nodes = n;
		sg.xy = xy;
		sg.node_label = lab;
		sg.node_value = val;
		sg.n_edges = ne;
		sg.ea = ea;
		sg.eb = eb;
		sg.etype = et;
		sg.n_types = 1;
		sg.type_name = tname;
		sg.type_color = tcolor;
		sg.width = 520;
		sg.height = 420;
		svg_graph_draw(f, &sg);
	}
	err = CIB_OK;
out:
	free(local);
	free(xy);
	free(val);
	free(lab);
	free(ea);
	free(eb);
	free(et);
	return err;
}

static void article_cell(FILE *f, const struct sites *s, uint32_t si,
			 uint32_t k)
{
	const struct site *st = &s->site[si];

	fputs("<td><b>", f);
	svg_escape(f, sites_name(s, st), 256);
	fputs("</b><br>", f);
	svg_escape(f, st->sample_text[k], 0);
	fputs("&hellip;</td>", f);
}

static enum cib_err network_section(FILE *f, const struct sites *s,
				    const struct siteacc *sa,
				    const struct sites_group *g,
				    const struct gls *tv, size_t tn)
{
	uint32_t a, ka, b, kb, n;
	const struct siteacc_site *pr = NULL;
	size_t t0 = 0, t1;

	fprintf(f,
		"<section class=\"sitenet\" id=\"sites-%d\"><h3>Site network "
		"%d: %u sites (q = ",
		g->id, g->id, g->n);
	put_pv(f, g->q);
	fputs(")</h3><dl class=\"kv\">", f);
	for (int k = 0; k < SK__COUNT; k++) {
		fprintf(f, "<dt>%s</dt><dd>p = ", kind_name[k]);
		put_pv(f, g->p_kind[k]);
		if (k == SK_LINKS)
			fprintf(f, ", %u links inside", g->links);
		else if (g->best_label[k] != STR_NONE && k != SK_IDS &&
			 k != SK_TEMPLATE) {
			fputs(", shared: <code>", f);
			svg_escape(f, sites_label(s, g->best_label[k]), 200);
			fprintf(f, "</code> on %u sites", g->best_cover[k]);
		}
		if (k == SK_IDS || k == SK_TEMPLATE) {
			enum cib_err err;

			while (t0 < tn && tv[t0].g < (uint32_t)g->id)
				t0++;
			for (t1 = t0; t1 < tn && tv[t1].g == (uint32_t)g->id;
			     t1++)
				;
			err = shared_list(f, s, tv + t0, t1 - t0, k);
			if (err)
				return err;
		}
		fputs("</dd>", f);
	}
	if (sa && g->n && g->members[0] < sa->n_sites &&
	    sa->site[g->members[0]].evidence)
		pr = &sa->site[g->members[0]];
	fputs("<dt>Promoted by accounts</dt><dd>", f);
	if (pr) {
		fprintf(f,
			"cluster <a href=\"#cluster-C%d\">C%d</a>: %u of its %u "
			"flagged accounts link to the network (%u links), "
			"against %.2g%% of the other accounts (p = ",
			pr->acc_cluster + 1, pr->acc_cluster + 1, pr->m, pr->n_c,
			pr->links, 100 * pr->rate);
		put_pv(f, pr->p);
		fputs(")", f);
	} else {
		fputs("no flagged account cluster links to it more than the "
		      "other accounts do",
		      f);
	}
	fputs("</dd></dl>", f);
	if (article_pair(s, g, &a, &ka, &b, &kb)) {
		fputs("<h4>Near-identical articles</h4><table class=\"side\">"
		      "<tr>",
		      f);
		article_cell(f, s, a, ka);
		article_cell(f, s, b, kb);
		fputs("</tr></table>", f);
	}
	n = g->n < RS_MAX_MEMBERS ? g->n : RS_MAX_MEMBERS;
	fputs("<h4>Sites</h4><table><tr><th>site</th><th>title</th>"
	      "<th>address</th><th>server</th><th>language</th><th>pages</th>"
	      "<th>reasons</th></tr>",
	      f);
	for (uint32_t i = 0; i < n; i++) {
		const struct site *st = &s->site[g->members[i]];

		fputs("<tr><td>", f);
		svg_escape(f, sites_name(s, st), 256);
		fputs("</td><td>", f);
		svg_escape(f, sites_label(s, st->title), 200);
		fputs("</td><td>", f);
		svg_escape(f, st->ip, 0);
		fputs("</td><td>", f);
		svg_escape(f, sites_label(s, st->server), 100);
		fputs("</td><td>", f);
		svg_escape(f, st->lang_declared, 0);
		fputs(" / ", f);
		svg_escape(f, st->lang_detected, 0);
		fprintf(f, "</td><td>%u</td><td>", st->n_pages);
		svg_escape(f, st->reasons, 2000);
		fputs("</td></tr>", f);
	}
	fputs("</table>", f);
	if (n < g->n)
		fprintf(f, "<p>%u more sites not listed.</p>", g->n - n);
	fputs("<h4>Links between its sites</h4>", f);
	{
		enum cib_err err = link_graph(f, s, g);

		if (err)
			return err;
	}
	fputs("</section>\n", f);
	return CIB_OK;
}

enum cib_err report_sites_write(FILE *f, const struct siteacc *sa)
{
	const struct sites *s = sa ? sa->s : NULL;
	size_t nflag = 0;

	if (!s)
		return CIB_OK;
	for (size_t i = 0; i < s->n_sites; i++)
		nflag += s->site[i].flagged;
	fprintf(f,
		"<section class=\"sites\" id=\"sites\"><h2>Site networks</h2>"
		"<p>The crawl given with the export: %zu sites, %zu networks, "
		"%zu sites flagged (docs/sites.md). %zu accounts keep linking "
		"to a flagged network (%zu flagged by the site rule); %zu "
		"sites are promoted by a flagged account cluster.</p>\n",
		s->n_sites, s->n_groups, nflag, sa->n_evidence, sa->n_raised,
		sa->n_sites_promoted);
	{
		struct gls *tv = NULL;
		size_t tn = 0;
		enum cib_err err = network_traits(s, &tv, &tn);

		for (size_t i = 0; !err && i < s->n_groups; i++)
			err = network_section(f, s, sa, &s->group[i], tv, tn);
		free(tv);
		if (err)
			return err;
	}
	fputs("</section>\n", f);
	return ferror(f) ? CIB_EIO : CIB_OK;
}
