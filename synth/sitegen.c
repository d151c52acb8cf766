/* sitegen.c - synthetic crawl with site networks (see sitegen.h).
 *
 * Plan first, then pages: every site, template, id, address, network and
 * look-alike group is drawn from one gsl_rng (mt19937, --seed); a page's
 * text is drawn from its own generator seeded by (seed, site, page), so a
 * network page can copy an organic outlet's article by regenerating it
 * instead of keeping every article in memory. Pages are written in a
 * shuffled order (crawlers interleave sites), each WARC record its own
 * gzip member.
 */
#include "sitegen.h"

#include <gsl/gsl_rng.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sout.h"

enum role {
	R_ORGANIC = 0,
	R_HAIXUN,
	R_HAIMAI,
	R_WIRE,
	R_THEME,
	R_CDN,
	R_MEDIA,
};

static const char *const role_names[] = { "organic", "network_haixun",
					  "network_haimai", "lookalike_wire",
					  "lookalike_theme", "lookalike_cdn",
					  "lookalike_media" };

#define NLANG 5
static const char *const lang_code[NLANG] = { "en", "it", "de", "fr", "es" };
static const char *const words[NLANG][48] = {
	{ "the", "of", "and", "to", "in", "is", "that", "for", "it", "was",
	  "on", "with", "as", "his", "they", "be", "at", "one", "have", "this",
	  "from", "by", "hot", "word", "but", "what", "some", "we", "can",
	  "out", "other", "were", "all", "there", "when", "up", "use", "your",
	  "how", "said", "each", "she", "which", "do", "their", "time", "city",
	  "council" },
	{ "il", "di", "che", "e", "la", "per", "un", "in", "non", "sono",
	  "mi", "ho", "lo", "ma", "ha", "le", "si", "ti", "i", "con", "cosa",
	  "se", "io", "come", "da", "questo", "qui", "hai", "bene", "sei",
	  "del", "tu", "anche", "della", "nel", "alla", "comune", "sindaco",
	  "cittadini", "ancora", "sempre", "molto", "tutti", "quando", "dove",
	  "perché", "oggi", "strada" },
	{ "der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich",
	  "des", "auf", "für", "ist", "im", "dem", "nicht", "ein", "eine",
	  "als", "auch", "es", "an", "werden", "aus", "er", "hat", "dass",
	  "sie", "nach", "wird", "bei", "einer", "um", "am", "sind", "noch",
	  "wie", "einem", "über", "einen", "so", "zum", "war", "haben", "nur",
	  "Stadt", "Bürger" },
	{ "le", "de", "un", "être", "et", "à", "il", "avoir", "ne", "je",
	  "son", "que", "se", "qui", "ce", "dans", "en", "du", "elle", "au",
	  "pour", "pas", "vous", "par", "sur", "faire", "plus", "dire", "me",
	  "on", "mon", "lui", "nous", "comme", "mais", "pouvoir", "avec",
	  "tout", "y", "aller", "voir", "bien", "où", "sans", "tu", "ou",
	  "ville", "maire" },
	{ "de", "la", "que", "el", "en", "y", "a", "los", "se", "del", "las",
	  "un", "por", "con", "no", "una", "su", "para", "es", "al", "lo",
	  "como", "más", "pero", "sus", "le", "ya", "o", "fue", "este", "ha",
	  "sí", "porque", "esta", "son", "entre", "cuando", "muy", "sin",
	  "sobre", "ser", "también", "me", "hasta", "hay", "donde", "ciudad",
	  "alcalde" },
};
static const char *const cities[NLANG][8] = {
	{ "boston", "leeds", "denver", "bristol", "austin", "dublin", "perth",
	  "ottawa" },
	{ "roma", "milano", "torino", "napoli", "bologna", "firenze", "genova",
	  "palermo" },
	{ "berlin", "hamburg", "koeln", "muenchen", "dresden", "bremen",
	  "leipzig", "bonn" },
	{ "paris", "lyon", "lille", "nantes", "nice", "rennes", "toulouse",
	  "bordeaux" },
	{ "madrid", "sevilla", "valencia", "bilbao", "malaga", "murcia",
	  "zaragoza", "granada" },
};
static const char *const outlet_words[] = { "daily", "times", "post",
					    "herald", "news", "gazette",
					    "courier", "tribune", "journal",
					    "chronicle", "observer", "press" };
static const char *const class_vocab[] = {
	"wrap", "container", "row", "col", "main", "content", "inner", "box",
	"header", "top", "nav", "menu", "logo", "brand", "article", "post",
	"entry", "body", "text", "story", "side", "widget", "footer", "bottom",
	"list", "item", "meta", "date", "title", "head", "panel", "section"
};
static const char *const zh_comments[] = {
	"头部开始", "导航栏", "新闻列表", "文章内容", "侧边栏", "底部版权",
	"广告位", "友情链接"
};
static const char *const en_comments[] = {
	"header start", "main navigation", "article body", "sidebar widgets",
	"footer", "ad slot", "end wrapper", "related posts"
};

#define NCLS 12

struct tpl {
	char cls[NCLS][24];
	char comment[2][64];
	char css[2][96];
	char js[96];
	char gen[48];
	int extra_divs; /* wrappers around the article */
	int side_first;
};

struct gsite {
	char host[96];
	char name[96];
	int lang;
	char ip[48];
	int tpl;
	unsigned var; /* template variation bits (haimai) */
	char ids[4][64];
	int n_ids;
	int role;
	int group; /* index into groups, -1 */
	int npages;
	int links[8];
	int nlinks;
	int zh_lang; /* html lang=zh-CN */
};

struct ggroup {
	int role;
	char name[24];
	int first, n;     /* sites [first, first+n) */
	int n_shared;     /* shared articles (political, press releases, wire) */
	double share;     /* fraction of shared articles each site carries */
	uint64_t text_key;
};

struct gen {
	gsl_rng *r;
	const struct sitegen_opts *o;
	struct gsite *s;
	int ns, cap;
	struct tpl *t;
	int nt, tcap;
	struct ggroup g[64];
	int ng;
	int theme_tpl;
	char *buf; /* page HTML */
	size_t len, bcap;
	char *rec; /* record */
	size_t rlen, rcap;
	unsigned char *zb;
	size_t zcap;
	struct sout out; /* crawl.warc.gz */
	struct sitegen_stats *st;
	int64_t t0;
	int oom;
};

static unsigned uni(gsl_rng *r, unsigned n)
{
	return n ? (unsigned)gsl_rng_uniform_int(r, n) : 0;
}

static int range(gsl_rng *r, int a, int b)
{
	return a + (int)uni(r, (unsigned)(b - a + 1));
}

static double unif(gsl_rng *r)
{
	return gsl_rng_uniform(r);
}

void sitegen_opts_init(struct sitegen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->haixun = -1;
	o->haimai = -1;
	o->gzip_level = 6;
}

/* ---- buffers ---------------------------------------------------------- */

static void put(struct gen *G, const char *s, size_t n)
{
	if (G->len + n + 1 > G->bcap) {
		size_t nc = G->bcap ? G->bcap : 65536;
		char *b;

		while (nc < G->len + n + 1)
			nc *= 2;
		b = realloc(G->buf, nc);
		if (!b) {
			G->oom = 1;
			return;
		}
		G->buf = b;
		G->bcap = nc;
	}
	memcpy(G->buf + G->len, s, n);
	G->len += n;
	G->buf[G->len] = '\0';
}

static void putf(struct gen *G, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void putf(struct gen *G, const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (k > 0)
		put(G, tmp, (size_t)k < sizeof(tmp) ? (size_t)k : sizeof(tmp) - 1);
}

static void rand_alnum(gsl_rng *r, char *out, int n, int upper_only)
{
	static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < n; i++)
		out[i] = upper_only ? up[uni(r, 36)] : hex[uni(r, 16)];
	out[n] = '\0';
}

static void id_ga(gsl_rng *r, char *out)
{
	char a[16];

	if (unif(r) < 0.5) {
		rand_alnum(r, a, 10, 1);
		snprintf(out, 64, "G-%s", a);
	} else {
		unsigned prop = 1 + uni(r, 3);

		snprintf(out, 64, "UA-%u-%u", 1000000 + uni(r, 89999999),
			 prop);
	}
}

static void id_pub(gsl_rng *r, char *out)
{
	unsigned lo = 10000000 + uni(r, 89999999);

	snprintf(out, 64, "ca-pub-%08u%08u", 10000000 + uni(r, 89999999), lo);
}

static void id_baidu(gsl_rng *r, char *out)
{
	char h[40];

	rand_alnum(r, h, 32, 0);
	snprintf(out, 64, "baidu:%s", h);
}

/* ---- plan ------------------------------------------------------------- */

static int new_tpl(struct gen *G, int zh)
{
	struct tpl *t;
	char tag[8];

	if (G->nt == G->tcap) {
		int nc = G->tcap ? G->tcap * 2 : 256;
		struct tpl *p = realloc(G->t, (size_t)nc * sizeof(*p));

		if (!p) {
			G->oom = 1;
			return 0;
		}
		G->t = p;
		G->tcap = nc;
	}
	t = &G->t[G->nt];
	rand_alnum(G->r, tag, 3, 0);
	/* draws in separate statements: the order of evaluation of a call's
	 * arguments is unspecified, and gcc and clang differ (the crawl must
	 * not depend on the compiler); the order kept is gcc's, last first */
	for (int i = 0; i < NCLS; i++) {
		unsigned serial = uni(G->r, 100);
		unsigned word = uni(G->r, 32);

		snprintf(t->cls[i], sizeof(t->cls[i]), "%s-%s%u",
			 class_vocab[word], tag, serial);
	}
	for (int i = 0; i < 2; i++)
		snprintf(t->comment[i], sizeof(t->comment[i]), "%s %s",
			 zh ? zh_comments[uni(G->r, 8)] : en_comments[uni(G->r, 8)],
			 tag);
	snprintf(t->css[0], sizeof(t->css[0]), "/static/%s/css/main.css", tag);
	snprintf(t->css[1], sizeof(t->css[1]), "/static/%s/css/theme-%u.css",
		 tag, uni(G->r, 9));
	snprintf(t->js, sizeof(t->js), "/static/%s/js/app.js", tag);
	t->gen[0] = '\0';
	t->extra_divs = range(G->r, 0, 3);
	t->side_first = (int)uni(G->r, 2);
	return G->nt++;
}

static struct gsite *new_site(struct gen *G, int role, int group, int lang)
{
	struct gsite *s;

	if (G->ns == G->cap) {
		int nc = G->cap ? G->cap * 2 : 512;
		struct gsite *p = realloc(G->s, (size_t)nc * sizeof(*p));

		if (!p) {
			G->oom = 1;
			return NULL;
		}
		G->s = p;
		G->cap = nc;
	}
	s = &G->s[G->ns++];
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->group = group;
	s->lang = lang;
	s->npages = G->o->pages ? (int)G->o->pages : range(G->r, 3, 8);
	/* unique outlet name: city + outlet word + serial */
	{
		unsigned w = uni(G->r, 12), c = uni(G->r, 8);

		snprintf(s->name, sizeof(s->name), "%s %s", cities[lang][c],
			 outlet_words[w]);
		w = uni(G->r, 12);
		c = uni(G->r, 8);
		snprintf(s->host, sizeof(s->host), "%.40s-%.20s%d.example",
			 cities[lang][c], outlet_words[w], G->ns);
	}
	return s;
}

/* organic addresses: 40 hosting-provider /24s with Zipf-like popularity */
static void organic_ip(struct gen *G, char *out)
{
	double u1 = unif(G->r), u2 = unif(G->r);
	unsigned b = (unsigned)(40.0 * u1 * u2);

	if (unif(G->r) < 0.08) {
		unsigned host = 1 + uni(G->r, 4000);

		snprintf(out, 48, "2a01:4f8:%x:%x::%x", 0x100 + b,
			 uni(G->r, 4096), host);
	}
	else
		snprintf(out, 48, "%u.%u.%u.%u", 5 + b * 3, 10 + b, 20 + b,
			 2 + uni(G->r, 250));
}

/* The planners below add sites and groups to G, drawing from G->r in a
 * fixed order; each returns 0 when the site table is full. */

/* Organic sites, some on the popular theme, some behind the CDN. */
static int plan_organic(struct gen *G, int n_org, int cdn_a, double p_theme,
			double p_cdn)
{
	gsl_rng *r = G->r;

	for (int i = 0; i < n_org; i++) {
		struct gsite *s = new_site(G, R_ORGANIC, -1, (int)uni(r, NLANG));

		if (!s)
			return 0;
		if (unif(r) < p_theme) {
			s->tpl = G->theme_tpl;
			s->role = R_THEME;
		} else {
			s->tpl = new_tpl(G, 0);
		}
		if (unif(r) < p_cdn) {
			unsigned host = 1 + uni(r, 250), net = uni(r, 4);

			snprintf(s->ip, sizeof(s->ip), "104.%d.%u.%u", cdn_a,
				 net, host);
			if (s->role == R_ORGANIC)
				s->role = R_CDN;
		} else {
			organic_ip(G, s->ip);
		}
		if (unif(r) < 0.75)
			id_ga(r, s->ids[s->n_ids++]);
		if (unif(r) < 0.3)
			id_pub(r, s->ids[s->n_ids++]);
		for (int k = range(r, 0, 3); k > 0; k--)
			s->links[s->nlinks++] = (int)uni(r, (unsigned)n_org);
	}
	return 1;
}

/* Wire outlets: organic sites that republish one agency's articles. */
static void plan_wires(struct gen *G, int n_org)
{
	gsl_rng *r = G->r;

	for (int w = range(r, 1, 2); w > 0 && G->ng < 60; w--) {
		struct ggroup *g = &G->g[G->ng];
		int n = range(r, 5, 12);

		g->role = R_WIRE;
		snprintf(g->name, sizeof(g->name), "wire%d", G->ng);
		g->n_shared = range(r, 6, 16);
		g->share = 0.6 + 0.35 * unif(r);
		g->text_key = gsl_rng_get(r);
		g->first = -1;
		for (int k = 0; k < n; k++) {
			struct gsite *s = &G->s[uni(r, (unsigned)n_org)];

			if (s->group >= 0)
				continue;
			s->group = G->ng;
			s->role = R_WIRE;
			s->lang = 0;
		}
		G->ng++;
	}
}

/* A media group: sister papers, one owner's analytics id, interlinked. */
static int plan_media(struct gen *G)
{
	gsl_rng *r = G->r;
	struct ggroup *g = &G->g[G->ng];
	char owner[64];
	int lang = (int)uni(r, NLANG);

	g->role = R_MEDIA;
	snprintf(g->name, sizeof(g->name), "media%d", G->ng);
	g->first = G->ns;
	g->n = range(r, 4, 8);
	snprintf(owner, sizeof(owner), "UA-%u-1", 1000000 + uni(r, 8999999));
	for (int k = 0; k < g->n; k++) {
		struct gsite *s = new_site(G, R_MEDIA, G->ng, lang);

		if (!s)
			return 0;
		s->tpl = new_tpl(G, 0);
		organic_ip(G, s->ip);
		snprintf(s->ids[s->n_ids++], 64, "%s", owner);
	}
	for (int k = 0; k < g->n; k++) {
		struct gsite *s = &G->s[g->first + k];

		for (int m = 0; m < g->n && s->nlinks < 8; m++)
			if (m != k)
				s->links[s->nlinks++] = g->first + m;
	}
	G->ng++;
	return 1;
}

/* Haixun-like network h (0-based): one template, shared ids, one hosting
 * block, interlinked. */
static int plan_haixun(struct gen *G, int h)
{
	gsl_rng *r = G->r;
	struct ggroup *g = &G->g[G->ng];
	int tpl = new_tpl(G, 1), zh = unif(r) < 0.5;
	char ga[64], bd[64], pub[64];
	int b1 = range(r, 1, 250), b2 = range(r, 1, 250);

	id_ga(r, ga);
	id_baidu(r, bd);
	id_pub(r, pub);
	g->role = R_HAIXUN;
	snprintf(g->name, sizeof(g->name), "haixun%d", h + 1);
	g->first = G->ns;
	g->n = range(r, 8, 40);
	g->n_shared = range(r, 5, 15);
	g->share = 0.5 + 0.4 * unif(r);
	g->text_key = gsl_rng_get(r);
	for (int k = 0; k < g->n; k++) {
		struct gsite *s = new_site(G, R_HAIXUN, G->ng,
					   (int)uni(r, NLANG));

		if (!s)
			return 0;
		s->tpl = tpl;
		s->zh_lang = zh;
		snprintf(s->ip, sizeof(s->ip), "47.%d.%d.%u", b1, b2,
			 1 + uni(r, 250));
		snprintf(s->ids[s->n_ids++], 64, "%s", ga);
		snprintf(s->ids[s->n_ids++], 64, "%s", bd);
		if (unif(r) < 0.5)
			snprintf(s->ids[s->n_ids++], 64, "%s", pub);
	}
	for (int k = 0; k < g->n; k++) {
		struct gsite *s = &G->s[g->first + k];

		for (int m = range(r, 2, 6); m > 0 && s->nlinks < 8; m--) {
			int t = g->first + (int)uni(r, (unsigned)g->n);

			if (t != g->first + k)
				s->links[s->nlinks++] = t;
		}
	}
	G->ng++;
	return 1;
}

/* Haimai-like network h (0-based): a template with variants, a few
 * hosting blocks, a shared cnzz id on most sites. */
static int plan_haimai(struct gen *G, int h)
{
	gsl_rng *r = G->r;
	struct ggroup *g = &G->g[G->ng];
	int tpl = new_tpl(G, 0), nb = range(r, 2, 3);
	int ba[3], bb[3];
	char cnzz[64];
	double p_cnzz = 0.6 + 0.4 * unif(r);

	for (int b = 0; b < nb; b++) {
		ba[b] = range(r, 1, 250);
		bb[b] = range(r, 1, 250);
	}
	snprintf(cnzz, sizeof(cnzz), "cnzz:%u", 1270000000u + uni(r, 9999999));
	g->role = R_HAIMAI;
	snprintf(g->name, sizeof(g->name), "haimai%d", h + 1);
	g->first = G->ns;
	g->n = range(r, 10, 40);
	g->n_shared = range(r, 5, 12);
	g->share = 0.6 + 0.3 * unif(r);
	g->text_key = gsl_rng_get(r);
	for (int k = 0; k < g->n; k++) {
		struct gsite *s = new_site(G, R_HAIMAI, G->ng,
					   (int)uni(r, NLANG));
		int b = (int)uni(r, (unsigned)nb);

		if (!s)
			return 0;
		s->tpl = tpl;
		s->var = (unsigned)gsl_rng_get(r);
		snprintf(s->ip, sizeof(s->ip), "103.%d.%d.%u", ba[b], bb[b],
			 1 + uni(r, 250));
		if (unif(r) < 0.5)
			id_ga(r, s->ids[s->n_ids++]);
		if (unif(r) < p_cnzz)
			snprintf(s->ids[s->n_ids++], 64, "%s", cnzz);
	}
	G->ng++;
	return 1;
}

static void plan(struct gen *G)
{
	gsl_rng *r = G->r;
	int n_org = G->o->organic ? (int)G->o->organic : range(r, 180, 320);
	int nhx = G->o->haixun >= 0 ? G->o->haixun : range(r, 1, 2);
	int nhm = G->o->haimai >= 0 ? G->o->haimai : range(r, 1, 2);
	int cdn_a = range(r, 100, 200);
	double p_theme = 0.15 + 0.2 * unif(r), p_cdn = 0.1 + 0.15 * unif(r);

	G->theme_tpl = new_tpl(G, 0);
	snprintf(G->t[G->theme_tpl].gen, sizeof(G->t[0].gen), "WordPress 6.%d",
		 range(r, 1, 5));
	snprintf(G->t[G->theme_tpl].css[0], sizeof(G->t[0].css[0]),
		 "/wp-content/themes/newsup/style.css");
	if (!plan_organic(G, n_org, cdn_a, p_theme, p_cdn))
		return;
	plan_wires(G, n_org);
	if (!plan_media(G))
		return;
	for (int h = 0; h < nhx; h++)
		if (!plan_haixun(G, h))
			return;
	for (int h = 0; h < nhm; h++)
		if (!plan_haimai(G, h))
			return;
}

/* ---- text ------------------------------------------------------------- */

/* An article's paragraphs from its own generator: same key, same text. */
static void article(struct gen *G, uint64_t key, int lang, int para_tag,
		    const char *pcls)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int np;

	if (!r) {
		G->oom = 1;
		return;
	}
	gsl_rng_set(r, (unsigned long)(key ^ (key >> 32)) * 2654435761u + 1);
	np = G->o->paragraphs ? (int)G->o->paragraphs : range(r, 4, 10);
	for (int p = 0; p < np; p++) {
		int nw = range(r, 30, 70);

		if (para_tag)
			putf(G, "<p class=\"%s\">", pcls);
		for (int w = 0; w < nw; w++) {
			const char *wd = words[lang][uni(r, 48)];

			if (w == 0) {
				char cap[32];

				snprintf(cap, sizeof(cap), "%s", wd);
				if (cap[0] >= 'a' && cap[0] <= 'z')
					cap[0] = (char)(cap[0] - 32);
				putf(G, "%s", cap);
			} else {
				putf(G, " %s", wd);
			}
		}
		put(G, ".", 1);
		if (para_tag)
			put(G, "</p>\n", 5);
	}
	gsl_rng_free(r);
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);

	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 29);
}

/* Which article page p of site s shows: returns its key and language. */
static void page_article(struct gen *G, int si, int p, uint64_t *key,
			 int *lang)
{
	const struct gsite *s = &G->s[si];
	uint64_t h = mix(G->o->seed, (uint64_t)si * 1000 + (uint64_t)p);
	double u = (double)(h >> 11) / 9007199254740992.0;

	*key = h;
	*lang = s->lang;
	if (p == 0 || s->group < 0)
		return;
	{
		const struct ggroup *g = &G->g[s->group];

		if ((g->role == R_HAIXUN || g->role == R_HAIMAI ||
		     g->role == R_WIRE) &&
		    u < g->share) {
			/* one of the group's shared articles */
			*key = mix(g->text_key, mix(h, 7) % (uint64_t)g->n_shared);
			*lang = 0; /* political articles, wire copy and press
				    * releases are in English */
			return;
		}
		if (g->role == R_HAIMAI && u < g->share + (1 - g->share) * 0.7) {
			/* local news copied word for word from a real outlet
			 * of the crawl writing in this site's language */
			int tries = 0;

			for (;;) {
				int o = (int)(mix(h, (uint64_t)tries) % (uint64_t)G->ns);

				if ((G->s[o].role == R_ORGANIC ||
				     G->s[o].role == R_THEME ||
				     G->s[o].role == R_CDN) &&
				    G->s[o].lang == s->lang) {
					int op = 1 + (int)(mix(h, 99) % (uint64_t)(G->s[o].npages > 1 ? G->s[o].npages - 1 : 1));

					page_article(G, o, op, key, lang);
					return;
				}
				if (++tries > 200)
					return;
			}
		}
	}
}

/* ---- HTML ------------------------------------------------------------- */

static const char *cls(const struct gen *G, const struct gsite *s, int i)
{
	static char buf[NCLS][32];
	const struct tpl *t = &G->t[s->tpl];

	/* haimai sites change one or two class names of the template */
	if (s->var && ((s->var >> (i * 2)) & 7) == 0) {
		snprintf(buf[i], sizeof(buf[i]), "%s-v%u", t->cls[i],
			 (s->var >> 24) & 15);
		return buf[i];
	}
	return t->cls[i];
}

static void render(struct gen *G, int si, int p)
{
	const struct gsite *s = &G->s[si];
	const struct tpl *t = &G->t[s->tpl];
	uint64_t key;
	int lang;

	G->len = 0;
	page_article(G, si, p, &key, &lang);
	putf(G, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta "
		"charset=\"utf-8\">\n<title>%s - %s</title>\n",
	     s->zh_lang ? "zh-CN" : lang_code[s->lang], s->name,
	     p ? "news" : "home");
	if (t->gen[0])
		putf(G, "<meta name=\"generator\" content=\"%s\">\n", t->gen);
	putf(G, "<link rel=\"stylesheet\" href=\"%s?ver=%u\">\n<link "
		"rel=\"stylesheet\" href=\"%s\">\n<script src=\"%s\"></script>\n",
	     t->css[0], (unsigned)(key % 9), t->css[1], t->js);
	for (int i = 0; i < s->n_ids; i++) {
		const char *id = s->ids[i];

		if (strncmp(id, "baidu:", 6) == 0)
			putf(G, "<script>var _hmt=_hmt||[];(function(){var "
				"hm=document.createElement(\"script\");hm.src=\"https:"
				"//hm.baidu.com/hm.js?%s\";})();</script>\n",
			     id + 6);
		else if (strncmp(id, "cnzz:", 5) == 0)
			putf(G, "<script src=\"https://s9.cnzz.com/z_stat.php?"
				"id=%s&web_id=%s\"></script>\n",
			     id + 5, id + 5);
		else if (strncmp(id, "ca-pub-", 7) == 0)
			putf(G, "<script async src=\"https://pagead2."
				"googlesyndication.com/pagead/js/adsbygoogle.js?"
				"client=%s\"></script>\n",
			     id);
		else
			putf(G, "<script>window.dataLayer=window.dataLayer||[];"
				"gtag('config', '%s');</script>\n",
			     id);
	}
	putf(G, "</head>\n<body>\n<!-- %s -->\n<div class=\"%s\">\n<header "
		"class=\"%s\"><div class=\"%s\"><a href=\"/\">%s</a></div>\n"
		"<nav class=\"%s\"><ul>",
	     t->comment[0], cls(G, s, 0), cls(G, s, 1), cls(G, s, 2), s->name,
	     cls(G, s, 3));
	for (int i = 0; i < 6; i++)
		putf(G, "<li><a href=\"/section/%d\">%s</a></li>", i,
		     words[s->lang][(i * 7) % 48]);
	putf(G, "</ul></nav></header>\n<div class=\"%s\">\n", cls(G, s, 4));
	for (int i = 0; i < t->extra_divs; i++)
		putf(G, "<div class=\"%s-%d\">", cls(G, s, 5), i);
	putf(G, "<main class=\"%s\"><article class=\"%s\">\n<h1 class=\"%s\">%s "
		"%s</h1><div class=\"%s\">2024-03-0%d</div>\n<div class=\"%s\">\n",
	     cls(G, s, 5), cls(G, s, 6), cls(G, s, 7), words[lang][key % 48],
	     words[lang][(key >> 8) % 48], cls(G, s, 8), 1 + (int)(key % 9),
	     cls(G, s, 9));
	article(G, key, lang, 1, cls(G, s, 9));
	put(G, "</div></article></main>", 23);
	for (int i = 0; i < t->extra_divs; i++)
		put(G, "</div>", 6);
	putf(G, "\n<aside class=\"%s\"><h3>%s</h3><ul>", cls(G, s, 10),
	     words[s->lang][3]);
	for (int i = 0; i < s->nlinks; i++)
		putf(G, "<li><a href=\"https://%s/\">%s</a></li>",
		     G->s[s->links[i]].host, G->s[s->links[i]].name);
	putf(G, "<li><a href=\"https://www.facebook.com/%s\">fb</a></li>"
		"</ul></aside>\n</div>\n<!-- %s -->\n<footer class=\"%s\"><p>"
		"&copy; 2024 %s</p></footer>\n</div>\n</body>\n</html>\n",
	     s->host, t->comment[1], cls(G, s, 11), s->name);
}

/* ---- WARC ------------------------------------------------------------- */

static int emit(struct gen *G, const char *data, size_t n)
{
	z_stream zs;
	size_t bound;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, G->o->gzip_level, Z_DEFLATED, 31, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&zs, (uLong)n) + 64;
	if (bound > G->zcap) {
		unsigned char *z = realloc(G->zb, bound);

		if (!z) {
			deflateEnd(&zs);
			return -1;
		}
		G->zb = z;
		G->zcap = bound;
	}
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)n;
	zs.next_out = G->zb;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		return -1;
	}
	n = bound - zs.avail_out;
	deflateEnd(&zs);
	sout_put(&G->out, (const char *)G->zb, n);
	if (G->out.err)
		return -1;
	G->st->bytes_out += n;
	G->st->records++;
	return 0;
}

static void rec_put(struct gen *G, const char *s, size_t n)
{
	if (G->rlen + n + 1 > G->rcap) {
		size_t nc = G->rcap ? G->rcap : 131072;
		char *b;

		while (nc < G->rlen + n + 1)
			nc *= 2;
		b = realloc(G->rec, nc);
		if (!b) {
			G->oom = 1;
			return;
		}
		G->rec = b;
		G->rcap = nc;
	}
	memcpy(G->rec + G->rlen, s, n);
	G->rlen += n;
}

static int warc_record(struct gen *G, const char *type, const char *uri,
		       const char *ip, int64_t t, const char *ctype,
		       const char *block, size_t bn)
{
	char h[1024], date[32], uuid[40];
	int64_t d = t / 86400, sec = t % 86400;
	int k;

	/* civil date from days since 1970 (Howard Hinnant's algorithm) */
	{
		int64_t z = d + 719468, era = z / 146097;
		unsigned doe = (unsigned)(z - era * 146097);
		unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		int64_t y = (int64_t)yoe + era * 400;
		unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		unsigned mp = (5 * doy + 2) / 153;
		unsigned dd = doy - (153 * mp + 2) / 5 + 1;
		unsigned mm = mp < 10 ? mp + 3 : mp - 9;

		snprintf(date, sizeof(date), "%04lld-%02u-%02uT%02d:%02d:%02dZ",
			 (long long)(y + (mm <= 2)), mm, dd, (int)(sec / 3600),
			 (int)(sec / 60 % 60), (int)(sec % 60));
	}
	rand_alnum(G->r, uuid, 32, 0);
	k = snprintf(h, sizeof(h),
		     "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: "
		     "<urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s>\r\nWARC-Date: %s\r\n"
		     "%s%s%s%s%s%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
		     type, uuid, uuid + 8, uuid + 12, uuid + 16, uuid + 20, date,
		     uri ? "WARC-Target-URI: " : "", uri ? uri : "",
		     uri ? "\r\n" : "", ip ? "WARC-IP-Address: " : "",
		     ip ? ip : "", ip ? "\r\n" : "", ctype, bn);
	G->rlen = 0;
	rec_put(G, h, (size_t)k);
	rec_put(G, block, bn);
	rec_put(G, "\r\n\r\n", 4);
	if (G->oom)
		return -1;
	return emit(G, G->rec, G->rlen);
}

static int write_page(struct gen *G, int si, int p)
{
	const struct gsite *s = &G->s[si];
	char uri[256], hdr[512], req[512];
	char *block = NULL;
	size_t bn = 0, hl;
	int64_t t = G->t0 + (int64_t)uni(G->r, 5 * 86400);
	unsigned how = uni(G->r, 100);
	int k, rc = -1;

	if (p == 0)
		snprintf(uri, sizeof(uri), "https://%s/", s->host);
	else
		snprintf(uri, sizeof(uri), "https://%s/news/%d.html", s->host, p);
	render(G, si, p);
	if (G->oom)
		return -1;
	k = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/5.0 "
		     "(compatible; crawler)\r\nAccept: text/html\r\n\r\n",
		     p ? strchr(uri + 8, '/') : "/", s->host);
	if (warc_record(G, "request", uri, NULL, t,
			"application/http; msgtype=request", req, (size_t)k))
		return -1;
	if (how < 15) {
		/* gzip Content-Encoding */
		uLongf zn = compressBound((uLong)G->len) + 32;
		z_stream zs;

		block = malloc(512 + zn);
		if (!block)
			return -1;
		hl = (size_t)snprintf(block, 512,
				      "HTTP/1.1 200 OK\r\nServer: %s\r\n"
				      "Content-Type: text/html; charset=utf-8\r\n"
				      "Content-Encoding: gzip\r\n\r\n",
				      s->role == R_HAIXUN ? "Tengine" : "nginx");
		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 1, Z_DEFLATED, 31, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			goto out;
		zs.next_in = (Bytef *)G->buf;
		zs.avail_in = (uInt)G->len;
		zs.next_out = (Bytef *)block + hl;
		zs.avail_out = (uInt)zn;
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
			deflateEnd(&zs);
			goto out;
		}
		bn = hl + (zn - zs.avail_out);
		deflateEnd(&zs);
	} else if (how < 30) {
		/* chunked in pieces of 4 KiB */
		block = malloc(512 + G->len + (G->len / 4096 + 2) * 16);
		if (!block)
			return -1;
		bn = (size_t)snprintf(block, 512,
				      "HTTP/1.1 200 OK\r\nServer: Apache\r\n"
				      "Content-Type: text/html\r\n"
				      "Transfer-Encoding: chunked\r\n\r\n");
		for (size_t o = 0; o < G->len; o += 4096) {
			size_t c = G->len - o < 4096 ? G->len - o : 4096;

			bn += (size_t)snprintf(block + bn, 16, "%zx\r\n", c);
			memcpy(block + bn, G->buf + o, c);
			bn += c;
			memcpy(block + bn, "\r\n", 2);
			bn += 2;
		}
		memcpy(block + bn, "0\r\n\r\n", 5);
		bn += 5;
	} else {
		k = snprintf(hdr, sizeof(hdr),
			     "HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Type: "
			     "text/html; charset=UTF-8\r\nContent-Length: %zu\r\n\r\n",
			     how < 60 ? "cloudflare" : "nginx", G->len);
		block = malloc((size_t)k + G->len);
		if (!block)
			return -1;
		memcpy(block, hdr, (size_t)k);
		memcpy(block + k, G->buf, G->len);
		bn = (size_t)k + G->len;
	}
	if (warc_record(G, "response", uri, s->ip, t,
			"application/http; msgtype=response", block, bn))
		goto out;
	G->st->pages++;
	rc = 0;
out:
	free(block);
	return rc;
}

static enum cib_err write_truth(struct gen *G, const char *dir,
				char *errmsg, size_t errlen)
{
	struct sout w;
	enum cib_err err = sout_open(&w, dir, "truth.csv", errmsg, errlen);

	if (err)
		return err;
	sout_puts(&w, "site,role,group_id\n");
	for (int i = 0; i < G->ns; i++)
		sout_printf(&w, "%s,%s,%s\n", G->s[i].host,
			    role_names[G->s[i].role],
			    G->s[i].group >= 0 ? G->g[G->s[i].group].name : "");
	return sout_close(&w, errmsg, errlen);
}

enum cib_err sitegen_write(const struct sitegen_opts *o, const char *dir,
			   struct sitegen_stats *st, char *errmsg,
			   size_t errlen)
{
	struct gen G;
	uint64_t *order = NULL;
	size_t n_order = 0;
	enum cib_err err = CIB_ENOMEM;
	static const char info[] = "software: cibscan synth-sites\r\n"
				   "format: WARC File Format 1.1\r\n";

	memset(&G, 0, sizeof(G));
	memset(st, 0, sizeof(*st));
	G.o = o;
	G.st = st;
	G.t0 = 1709251200; /* 2024-03-01 */
	G.r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!G.r)
		goto out;
	gsl_rng_set(G.r, (unsigned long)o->seed);
	plan(&G);
	if (G.oom)
		goto out;
	for (int i = 0; i < G.ns; i++)
		n_order += (size_t)G.s[i].npages;
	order = malloc((n_order + 1) * sizeof(*order));
	if (!order)
		goto out;
	n_order = 0;
	for (int i = 0; i < G.ns; i++)
		for (int p = 0; p < G.s[i].npages; p++)
			order[n_order++] = (uint64_t)i << 32 | (uint32_t)p;
	for (size_t i = n_order; i > 1; i--) {
		size_t j = gsl_rng_uniform_int(G.r, i);
		uint64_t x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	err = sout_open(&G.out, dir, "crawl.warc.gz", errmsg, errlen);
	if (err)
		goto out;
	err = CIB_EIO;
	if (warc_record(&G, "warcinfo", NULL, NULL, G.t0,
			"application/warc-fields", info, sizeof(info) - 1))
		goto failed;
	for (size_t i = 0; i < n_order; i++)
		if (write_page(&G, (int)(order[i] >> 32), (int)(uint32_t)order[i]))
			goto failed;
	err = sout_close(&G.out, errmsg, errlen);
	if (!err)
		err = write_truth(&G, dir, errmsg, errlen);
	if (err)
		goto out;
	st->sites = (size_t)G.ns;
	errmsg[0] = '\0';
	goto out;
failed:
	/* a write's own error says why; otherwise (zlib, memory) name the
	 * file the records were for */
	err = G.oom ? CIB_ENOMEM : CIB_EIO;
	if (G.out.err)
		(void)sout_close(&G.out, errmsg, errlen);
	else
		snprintf(errmsg, errlen, "cannot write '%s': %s", G.out.name,
			 G.oom ? "out of memory" : "compression failed");
out:
	sout_abort(&G.out);
	if (G.oom)
		err = CIB_ENOMEM;
	free(order);
	free(G.s);
	free(G.t);
	free(G.buf);
	free(G.rec);
	free(G.zb);
	if (G.r)
		gsl_rng_free(G.r);
	return err;
}
