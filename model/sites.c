/* sites.c - site summaries from pages, then networks by a group test over
 * independent kinds of shared traits.
 *
 * Traits are interned labels "k:value" whose first byte gives the kind;
 * an entry (label, site) says the site shows the trait. Entries are kept
 * deduplicated (sorted and compacted whenever the array doubles), so a
 * site costs its distinct traits, not its pages.
 *
 * Detection (docs/sites.md has the reasons for each choice):
 *   df(label) = number of sites showing it;
 *   candidate pair = two sites sharing labels of >= min_kinds - 1 kinds
 *     (labels held by at most df_max sites; a link counts as the links
 *     kind);
 *   for each kind k, groups H = components of the candidate pairs that
 *     share >= min_kinds - 1 kinds other than k; in each H (h sites, N in
 *     the crawl) every kind-k label held by c >= 2 members is tested:
 *     P(Bin(h-1, q) >= c-1), q = (df - c + 1) / (N - h + 1), its rate
 *     outside H (add-one); a member gets M times the smallest tail among
 *     the labels it holds (M = labels tested in H); links: the L links
 *     inside H against the crawl's density outside it;
 *   site p = partial conjunction (Bonferroni form) that >= min_kinds of
 *     its kinds are non-null; Holm over the sites; clusters = flagged
 *     sites joined by candidate pairs.
 * Everything is deterministic: no random draws, ties broken by index.
 */
#include "sites.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/csvout.h"
#include "../features/textnorm.h"
#include "core/sortu64.h"
#include "core/unionfind.h"

#define MINHASH 16
#define BANDS 4
#define ROWS (MINHASH / BANDS)
#define ARTICLE_NORM_MAX ((size_t)64 << 10)
#define ARTICLE_SHINGLES 4096
#define MIN_COMMENT 10
#define SITES_LANG_PAGES 3

static const char kind_char[] = {
#define SK_TAG(e, tag, name, words) tag,
	SITES_KIND_MAP(SK_TAG)
#undef SK_TAG
};
static const char *const kind_names[] = {
#define SK_NAME(e, tag, name, words) name,
	SITES_KIND_MAP(SK_NAME)
#undef SK_NAME
};

void sites_opts_init(struct sites_opts *o)
{
	o->alpha = 0.05;
	o->min_kinds = 3;
	o->df_max = 256;
	o->max_pages = 50;
	o->min_article = 200;
	o->require_content = 0;
}

void sites_init(struct sites *s, const struct sites_opts *o)
{
	memset(s, 0, sizeof(*s));
	if (o)
		s->o = *o;
	else
		sites_opts_init(&s->o);
	strpool_init(&s->hosts);
	strpool_init(&s->labels);
}

void sites_release(struct sites *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_sites; i++) {
		free(s->site[i].reasons);
		for (uint32_t k = 0; k < s->site[i].n_samples; k++)
			free(s->site[i].sample_text[k]);
	}
	for (size_t i = 0; i < s->n_groups; i++)
		free(s->group[i].members);
	free(s->group);
	free(s->site);
	free(s->ent);
	free(s->links);
	free(s->host_site);
	free(s->label_kind);
	free(s->norm);
	free(s->sh);
	strpool_release(&s->hosts);
	strpool_release(&s->labels);
	memset(s, 0, sizeof(*s));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *q;

	if (*cap >= need)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	q = realloc(*p, nc * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

/* ---- statistics ------------------------------------------------------- */

double sites_binom_sf(uint64_t k, uint64_t n, double p)
{
	double v;

	if (k == 0)
		return 1.0;
	if (k > n || p <= 0.0)
		return 0.0;
	if (p >= 1.0)
		return 1.0;
	v = gsl_cdf_binomial_Q((unsigned)(k - 1), p, (unsigned)n);
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double sites_partial_conjunction(const double *p, int k, int r)
{
	double s[SK__COUNT + 8], v;

	if (k <= 0 || r < 1 || r > k || k > SK__COUNT + 8)
		return 1.0;
	memcpy(s, p, (size_t)k * sizeof(*s));
	qsort(s, (size_t)k, sizeof(*s), cmp_double);
	v = (double)(k - r + 1) * s[r - 1];
	return v > 1 ? 1 : v;
}

struct idx_p {
	double p;
	size_t i;
};

static int cmp_idx_p(const void *a, const void *b)
{
	const struct idx_p *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

enum cib_err sites_bh(const double *p, size_t n, double *q)
{
	struct idx_p *v;
	double run = 1.0;

	if (n == 0)
		return CIB_OK;
	v = malloc(n * sizeof(*v));
	if (!v)
		return CIB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].p = p[i];
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), cmp_idx_p);
	for (size_t k = n; k-- > 0;) {
		double a = v[k].p * (double)n / (double)(k + 1);

		if (a < run)
			run = a;
		q[v[k].i] = run > 1 ? 1 : run;
	}
	free(v);
	return CIB_OK;
}

enum cib_err sites_holm(const double *p, size_t n, double *q)
{
	struct idx_p *v;
	double run = 0;

	if (n == 0)
		return CIB_OK;
	v = malloc(n * sizeof(*v));
	if (!v)
		return CIB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].p = p[i];
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), cmp_idx_p);
	for (size_t k = 0; k < n; k++) {
		double a = v[k].p * (double)(n - k);

		if (a > run)
			run = a;
		q[v[k].i] = run > 1 ? 1 : run;
	}
	free(v);
	return CIB_OK;
}

size_t sites_block(const char *ip, size_t n, char *out, size_t cap)
{
	char buf[64];
	unsigned char a[16];
	int k;

	if (!ip || n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, ip, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1) {
		k = snprintf(out, cap, "%u.%u.%u.0/24", a[0], a[1], a[2]);
	} else if (inet_pton(AF_INET6, buf, a) == 1) {
		k = snprintf(out, cap, "%x:%x:%x::/48", a[0] << 8 | a[1],
			     a[2] << 8 | a[3], a[4] << 8 | a[5]);
	} else {
		return 0;
	}
	return k > 0 && (size_t)k < cap ? (size_t)k : 0;
}

/* ---- folding pages in ------------------------------------------------- */

static enum cib_err label_add(struct sites *s, int kind, const char *v,
			      size_t n, uint32_t *id)
{
	char buf[HTMLPAGE_MAX_ITEM + 8];
	enum cib_err err;
	int k;

	k = snprintf(buf, sizeof(buf), "%c:%.*s",
		     kind >= 0 ? kind_char[kind] : '_', (int)n, v);
	if (k < 0)
		return CIB_EINTERNAL;
	if ((size_t)k >= sizeof(buf))
		k = (int)sizeof(buf) - 1;
	err = strpool_intern(&s->labels, buf, (size_t)k, id);
	if (err)
		return err;
	if (grow((void **)&s->label_kind, &s->label_kind_cap, *id + 1, 1))
		return CIB_ENOMEM;
	s->label_kind[*id] = kind >= 0 ? (uint8_t)kind : 255;
	return CIB_OK;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct sites_entry *x = a, *y = b;

	if (x->label != y->label)
		return x->label < y->label ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

static size_t dedupe(struct sites_entry *e, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(e, n, sizeof(*e), cmp_ent);
	for (size_t i = 0; i < n; i++)
		if (!k || e[k - 1].label != e[i].label ||
		    e[k - 1].site != e[i].site)
			e[k++] = e[i];
	return k;
}

static enum cib_err trait(struct sites *s, uint32_t site, int kind,
			  const char *v, size_t n)
{
	uint32_t id;
	enum cib_err err = label_add(s, kind, v, n, &id);

	if (err)
		return err;
	if (s->n_ent == s->ent_cap && s->n_ent >= 2 * s->ent_sorted + 4096) {
		s->n_ent = dedupe(s->ent, s->n_ent);
		s->ent_sorted = s->n_ent;
	}
	if (grow((void **)&s->ent, &s->ent_cap, s->n_ent + 1, sizeof(*s->ent)))
		return CIB_ENOMEM;
	s->ent[s->n_ent].label = id;
	s->ent[s->n_ent].site = site;
	s->n_ent++;
	return CIB_OK;
}

/* MinHash over 64-bit feature hashes: value i is the minimum of a
 * multiply-xorshift remix of each hash with the i-th odd constant. */
static void minhash(const uint64_t *x, size_t n, uint64_t *out)
{
	for (int i = 0; i < MINHASH; i++)
		out[i] = UINT64_MAX;
	for (size_t j = 0; j < n; j++)
		for (int i = 0; i < MINHASH; i++) {
			uint64_t h = (x[j] ^ (0x9E3779B97F4A7C15ull * (uint64_t)(i + 1))) *
				     0xD6E8FEB86659FD93ull;

			h ^= h >> 32;
			if (h < out[i])
				out[i] = h;
		}
}

static uint64_t band_hash(const uint64_t *sig, int b)
{
	return XXH3_64bits_withSeed(sig + b * ROWS, ROWS * sizeof(*sig),
				    (uint64_t)b);
}

static enum cib_err band_traits(struct sites *s, uint32_t site, int kind,
				const uint64_t *sig)
{
	for (int b = 0; b < BANDS; b++) {
		char buf[32];
		uint64_t h = band_hash(sig, b);
		int k = snprintf(buf, sizeof(buf), "%d%016llx", b,
				 (unsigned long long)h);
		enum cib_err err = trait(s, site, kind, buf, (size_t)k);

		if (err)
			return err;
	}
	return CIB_OK;
}

/* The opening of an article (cut at a UTF-8 boundary) and its bands. */
static enum cib_err keep_sample(struct site *st, const uint64_t *sig,
				const char *t, size_t n)
{
	size_t k = n < SITES_SAMPLE_BYTES ? n : SITES_SAMPLE_BYTES;
	char *c;

	while (k < n && k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80)
		k--;
	c = malloc(k + 1);
	if (!c)
		return CIB_ENOMEM;
	memcpy(c, t, k);
	c[k] = '\0';
	for (int b = 0; b < BANDS && b < 4; b++)
		st->sample_band[st->n_samples][b] = band_hash(sig, b);
	st->sample_text[st->n_samples++] = c;
	return CIB_OK;
}

static void vote(uint32_t votes[4], char codes[4][8], const char *code)
{
	int min = 0;

	if (!code[0])
		return;
	for (int i = 0; i < 4; i++)
		if (codes[i][0] && strcmp(codes[i], code) == 0) {
			votes[i]++;
			return;
		}
	for (int i = 1; i < 4; i++)
		if (votes[i] < votes[min])
			min = i;
	snprintf(codes[min], 8, "%s", code);
	votes[min] = 1;
}

static const char *top_vote(const uint32_t votes[4], char codes[4][8])
{
	int best = -1;

	for (int i = 0; i < 4; i++)
		if (codes[i][0] && (best < 0 || votes[i] > votes[best]))
			best = i;
	return best < 0 ? "" : codes[best];
}

/* Word 3-gram hashes of a normalised text; unspaced scripts (few spaces)
 * fall back to textnorm's character bigrams. */
static size_t article_shingles(const char *t, size_t n, uint64_t *out,
			       size_t cap)
{
	size_t w[3] = { 0, 0, 0 }, nw = 0, k = 0, start = 0, spaces = 0;

	for (size_t i = 0; i < n; i++)
		spaces += t[i] == ' ';
	if (spaces * 40 < n)
		return textnorm_shingles(t, n, 0x51735, out, cap);
	for (size_t i = 0; i <= n && k < cap; i++) {
		if (i < n && t[i] != ' ')
			continue;
		/* word [start, i) */
		w[0] = w[1];
		w[1] = w[2];
		w[2] = start;
		nw++;
		if (nw >= 3)
			out[k++] = XXH3_64bits(t + w[0], i - w[0]);
		start = i + 1;
	}
	return k;
}

/* The site of a host, created (first seen at crawl_time) on its first
 * page: *sip is its index. */
static enum cib_err sites_site_of(struct sites *s, const char *host,
				  int64_t crawl_time, uint32_t *sip)
{
	uint32_t hid, si;
	struct site *st;
	enum cib_err err;

	err = strpool_intern(&s->hosts, host, strlen(host), &hid);
	if (err)
		return err;
	if (hid >= s->host_site_cap) {
		size_t old = s->host_site_cap;

		if (grow((void **)&s->host_site, &s->host_site_cap, hid + 1,
			 sizeof(*s->host_site)))
			return CIB_ENOMEM;
		for (size_t i = old; i < s->host_site_cap; i++)
			s->host_site[i] = UINT32_MAX;
	}
	si = s->host_site[hid];
	if (si == UINT32_MAX) {
		if (grow((void **)&s->site, &s->sites_cap, s->n_sites + 1,
			 sizeof(*s->site)))
			return CIB_ENOMEM;
		si = (uint32_t)s->n_sites++;
		st = &s->site[si];
		memset(st, 0, sizeof(*st));
		st->host = hid;
		st->title = st->server = STR_NONE;
		st->name = STR_NONE;
		st->first_seen = crawl_time;
		st->cluster = -1;
		s->host_site[hid] = si;
	}
	*sip = si;
	return CIB_OK;
}

static const char *label_value(const struct sites *s, uint32_t id);

/* Whether a value seen at time t (0 or less: unknown, the latest of all)
 * takes the place of the one kept from time *kt: an earlier page wins, and
 * at the same time the smaller value; *kt becomes t when it does. */
static int label_wins(int64_t *kt, int64_t t, const char *cur, size_t cur_n,
		      const char *v, size_t n)
{
	if (t <= 0)
		t = INT64_MAX;
	if (cur && t > *kt)
		return 0;
	if (cur && t == *kt) {
		int c = memcmp(v, cur, n < cur_n ? n : cur_n);

		if (c > 0 || (c == 0 && n >= cur_n))
			return 0;
	}
	*kt = t;
	return 1;
}

/* One label of the site (name, title or server: id *field) from this
 * page, when label_wins says so. */
static enum cib_err site_label(struct sites *s, uint32_t *field, int64_t *kt,
			       int64_t t, const char *v, size_t n)
{
	const char *cur = *field == STR_NONE ? NULL : label_value(s, *field);

	if (!n || !label_wins(kt, t, cur, cur ? strlen(cur) : 0, v, n))
		return CIB_OK;
	return label_add(s, -1, v, n, field);
}

/* The site's labels - name, title, server and address - each from the
 * earliest page that has it (label_wins). */
static enum cib_err sites_site_labels(struct sites *s, struct site *st,
				      const struct htmlpage *pg, const char *ip,
				      size_t ip_n, const char *server,
				      size_t server_n, int64_t t)
{
	enum cib_err err;

	if ((err = site_label(s, &st->name, &st->label_time[0], t,
			      pg->host_full, strlen(pg->host_full))) ||
	    (err = site_label(s, &st->title, &st->label_time[1], t,
			      pg->str + pg->title_off, pg->title_len)) ||
	    (err = site_label(s, &st->server, &st->label_time[2], t, server,
			      server ? server_n : 0)))
		return err;
	if (ip && ip_n && ip_n < sizeof(st->ip) &&
	    label_wins(&st->label_time[3], t, st->ip[0] ? st->ip : NULL,
		       strlen(st->ip), ip, ip_n)) {
		memcpy(st->ip, ip, ip_n);
		st->ip[ip_n] = '\0';
	}
	return CIB_OK;
}

/* The page's items as traits (ids, template) and its links to other
 * hosts. */
static enum cib_err sites_page_items(struct sites *s, uint32_t si,
				     const struct htmlpage *pg)
{
	enum cib_err err;

	for (size_t i = 0; i < pg->n_items; i++) {
		const struct htmlpage_item *it = &pg->items[i];
		const char *v = htmlpage_item_str(pg, i);
		int kind = -1;

		switch (it->kind) {
		case HP_ANALYTICS: case HP_ADPUB: case HP_TRACKER:
			kind = SK_IDS;
			break;
		case HP_GENERATOR:
			kind = SK_TEMPLATE;
			break;
		case HP_ASSET:
			/* the site's own paths only: a vendor's loader
			 * (adsbygoogle.js, a CDN's jquery) is on every site
			 * using the vendor and says nothing of a template */
			if (it->len && v[0] == '/')
				kind = SK_TEMPLATE;
			break;
		case HP_COMMENT:
			if (it->len >= MIN_COMMENT)
				kind = SK_TEMPLATE;
			break;
		case HP_LINK: {
			uint32_t th;

			err = strpool_intern(&s->hosts, v, it->len, &th);
			if (err)
				return err;
			if (grow((void **)&s->links, &s->links_cap,
				 s->n_links + 1, sizeof(*s->links)))
				return CIB_ENOMEM;
			s->links[s->n_links].label = th;
			s->links[s->n_links].site = si;
			s->n_links++;
			break;
		}
		default:
			break;
		}
		if (kind >= 0 && (err = trait(s, si, kind, v, it->len)))
			return err;
	}
	return CIB_OK;
}

/* The page's article: its language (from the first few) and its
 * shingles' MinHash bands as the articles trait, with a sample kept
 * when asked. */
static enum cib_err sites_page_article(struct sites *s, uint32_t si,
				       const struct htmlpage *pg,
				       struct langdetect *ld)
{
	struct site *st = &s->site[si];
	char *norm, code[LANGDETECT_CODE_MAX + 1];
	uint64_t *sh, sig[MINHASH];
	size_t nn, k;
	enum cib_err err;

	if (!s->norm && !(s->norm = malloc(ARTICLE_NORM_MAX)))
		return CIB_ENOMEM;
	if (!s->sh && !(s->sh = malloc(ARTICLE_SHINGLES * sizeof(*s->sh))))
		return CIB_ENOMEM;
	norm = s->norm;
	sh = s->sh;
	nn = textnorm_normalise(pg->str + pg->article_off, pg->article_len,
				norm, ARTICLE_NORM_MAX);
	/* a site's language is settled by a few articles; textcat is the
	 * costliest step per page */
	if (ld && st->n_lang_detected++ < SITES_LANG_PAGES &&
	    langdetect_text(ld, pg->str + pg->article_off, pg->article_len,
			    code, sizeof(code)))
		vote(st->lang_votes_t, st->lang_t_codes, code);
	if (nn < s->o.min_article)
		return CIB_OK;
	k = article_shingles(norm, nn, sh, ARTICLE_SHINGLES);
	if (!k)
		return CIB_OK;
	st->n_articles++;
	minhash(sh, k, sig);
	if ((err = band_traits(s, si, SK_ARTICLES, sig)))
		return err;
	if (s->o.keep_articles && st->n_samples < SITES_SAMPLES)
		return keep_sample(st, sig, pg->str + pg->article_off,
				   pg->article_len);
	return CIB_OK;
}

enum cib_err sites_add_page(struct sites *s, const struct htmlpage *pg,
			    const char *ip, size_t ip_n, const char *server,
			    size_t server_n, int64_t crawl_time,
			    struct langdetect *ld)
{
	uint32_t si;
	struct site *st;
	enum cib_err err;
	uint64_t sig[MINHASH];
	char block[64];
	size_t bl;

	s->n_pages_seen++;
	if (!pg->host[0]) {
		s->n_pages_skipped++;
		return CIB_OK;
	}
	err = sites_site_of(s, pg->host, crawl_time, &si);
	if (err)
		return err;
	st = &s->site[si];
	st->n_pages++;
	if (st->n_used >= s->o.max_pages) {
		s->n_pages_skipped++;
		return CIB_OK;
	}
	st->n_used++;
	if (crawl_time > 0 && (st->first_seen <= 0 || crawl_time < st->first_seen))
		st->first_seen = crawl_time;
	err = sites_site_labels(s, st, pg, ip, ip_n, server, server_n,
				crawl_time);
	if (err)
		return err;
	if (ip && (bl = sites_block(ip, ip_n, block, sizeof(block)))) {
		err = trait(s, si, SK_HOSTING, block, bl);
		if (err)
			return err;
	}
	err = sites_page_items(s, si, pg);
	if (err)
		return err;
	if (pg->n_shingles) {
		minhash(pg->shingles, pg->n_shingles, sig);
		if ((err = band_traits(s, si, SK_TEMPLATE, sig)))
			return err;
	}
	/* language evidence */
	vote(st->lang_votes_d, st->lang_d_codes, pg->lang_declared);
	if (strcmp(pg->lang_declared, "zh") == 0)
		st->n_zh_declared_pages++;
	if (pg->n_han_comments)
		st->n_han_comment_pages++;
	if (pg->article_len)
		return sites_page_article(s, si, pg, ld);
	return CIB_OK;
}

/* ---- detection -------------------------------------------------------- */

struct pair_kind {
	uint64_t pair;
	uint32_t kind;
};

static int cmp_pk(const void *a, const void *b)
{
	const struct pair_kind *x = a, *y = b;

	if (x->pair != y->pair)
		return x->pair < y->pair ? -1 : 1;
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}

static int cmp_ent_site(const void *a, const void *b)
{
	const struct sites_entry *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->label < y->label ? -1 : x->label > y->label;
}

struct cpair {
	uint32_t a, b;
	unsigned bits;
};

struct detect_ctx {
	uint32_t *df;        /* label -> sites */
	size_t *lab_start;   /* ent range per label */
	struct sites_entry *by_site;
	size_t *site_start;  /* by_site range per site */
	uint64_t *edges;     /* distinct directed site links (src << 32 | tgt) */
	uint64_t *redges;    /* the same reversed (tgt << 32 | src), sorted */
	size_t n_edges;
	struct cpair *cp;    /* site pairs sharing >= min_kinds - 1 kinds */
	size_t n_cp;
	uint8_t *max_kinds;  /* per site: most kinds shared with one site */
	uint32_t *stamp;     /* per site: last visit (membership, outside) */
	uint32_t *cmark;     /* per site: counted as sharing */
	uint32_t tick;
	uint32_t *par;
	uint32_t *members;
};

static size_t range_from(const uint64_t *e, size_t n, uint32_t src,
			 size_t *end)
{
	size_t a = sortu64_lower(e, n, (uint64_t)src << 32);

	*end = a;
	while (*end < n && (e[*end] >> 32) == src)
		(*end)++;
	return a;
}

/* Kind k on the set H = mem[0..h) (formed without kind k): every kind-k
 * trait x held by c >= 2 members is tested for over-representation in H
 * against its rate among the sites outside H, conditioning on the first
 * holder: P(Bin(h - 1, q) >= c - 1), q = (outside holders + 1) /
 * (N - h + 1). With M distinct such tests, a member's p-value is M times
 * the smallest tail among the traits it holds (1 if it holds none). Links:
 * the L links between members against the crawl's link density outside
 * H, P(Bin(h(h - 1), rho) >= L), for the members with a link inside. */
static enum cib_err kind_test(struct sites *s, struct detect_ctx *c, int k,
			      const uint32_t *mem, uint32_t h)
{
	uint32_t in_tick = ++c->tick;
	double N = (double)s->n_sites, *best;
	uint64_t M = 0, *sigs = NULL;
	size_t n_sig = 0, sig_cap = 0;

	best = malloc(h * sizeof(*best));
	if (!best)
		return CIB_ENOMEM;
	for (uint32_t i = 0; i < h; i++) {
		c->stamp[mem[i]] = in_tick;
		best[i] = 1.0;
	}
	if (k == SK_LINKS) {
		uint64_t L = 0;
		double poss = (double)h * (h - 1), rho, p;

		for (uint32_t i = 0; i < h; i++) {
			size_t end, a = range_from(c->edges, c->n_edges, mem[i],
						   &end);

			for (; a < end; a++)
				if (c->stamp[(uint32_t)c->edges[a]] == in_tick) {
					L++;
					best[i] = 0; /* marks "links inside" */
				}
			a = range_from(c->redges, c->n_edges, mem[i], &end);
			for (; a < end; a++)
				if (c->stamp[(uint32_t)c->redges[a]] == in_tick)
					best[i] = 0;
		}
		rho = ((double)c->n_edges - (double)L + 1) /
		      (N * (N - 1) - poss + 1);
		p = sites_binom_sf(L, (uint64_t)poss, rho > 1 ? 1 : rho);
		for (uint32_t i = 0; i < h; i++)
			if (s->site[mem[i]].p_kind[k] > (best[i] == 0 ? p : 1.0))
				s->site[mem[i]].p_kind[k] = best[i] == 0 ? p : 1.0;
		free(best);
		return CIB_OK;
	}
	/* each member's traits of kind k; the Bonferroni count is over the
	 * distinct tests: traits with the same holders inside H and the same
	 * number outside (a template's assets and skeleton bands, an
	 * article's four bands) are one test, not several */
	for (uint32_t i = 0; i < h; i++) {
		uint32_t m = mem[i];

		for (size_t e = c->site_start[m]; e < c->site_start[m + 1]; e++) {
			uint32_t lab = c->by_site[e].label;
			size_t a = c->lab_start[lab], b = c->lab_start[lab + 1];
			uint32_t inside = 0, first = UINT32_MAX;
			uint64_t sig = 0;
			double q, tail;

			if (s->label_kind[lab] != k || b - a < 2 ||
			    b - a > s->o.df_max)
				continue;
			for (size_t x = a; x < b; x++)
				if (c->stamp[s->ent[x].site] == in_tick) {
					uint64_t v = s->ent[x].site + 1;

					inside++;
					if (first == UINT32_MAX)
						first = s->ent[x].site;
					v *= 0x9E3779B97F4A7C15ull;
					sig += v ^ (v >> 29);
				}
			if (inside < 2)
				continue;
			q = ((double)(b - a) - inside + 1) / (N - h + 1);
			tail = sites_binom_sf(inside - 1, h - 1, q);
			if (first == m) {
				/* count each trait once, by its signature */
				if (n_sig == sig_cap &&
				    grow((void **)&sigs, &sig_cap, n_sig + 1,
					 sizeof(*sigs))) {
					free(best);
					free(sigs);
					return CIB_ENOMEM;
				}
				sigs[n_sig++] = sig * 1000003u + (b - a - inside);
			}
			if (tail < best[i])
				best[i] = tail;
		}
	}
	if (n_sig) {
		sortu64(sigs, n_sig);
		for (size_t x = 0; x < n_sig; x++)
			M += !x || sigs[x] != sigs[x - 1];
	}
	free(sigs);
	for (uint32_t i = 0; i < h; i++) {
		double p = best[i] < 1 ? best[i] * (double)M : 1.0;

		if (p > 1)
			p = 1;
		if (p < s->site[mem[i]].p_kind[k])
			s->site[mem[i]].p_kind[k] = p;
	}
	free(best);
	return CIB_OK;
}

static const char *label_value(const struct sites *s, uint32_t id)
{
	const char *v = strpool_get(&s->labels, id);

	return v[0] && v[1] == ':' ? v + 2 : v;
}

static int locale_artifact(const struct site *st)
{
	const char *t = st->lang_detected;

	return (st->n_han_comment_pages || st->n_zh_declared_pages) && t[0] &&
	       strcmp(t, "zh") != 0 && strcmp(t, "ja") != 0;
}

static enum cib_err set_reasons(struct sites *s, struct site *st,
				const struct sites_group *g)
{
	char buf[2048];
	size_t k = 0;
	int nk = 0;

#define ADD(...)                                                            \
	do {                                                                \
		int w_ = snprintf(buf + k, sizeof(buf) - k, __VA_ARGS__);   \
		if (w_ > 0)                                                 \
			k += (size_t)w_ < sizeof(buf) - k ? (size_t)w_      \
							  : sizeof(buf) - k - 1; \
	} while (0)
	buf[0] = '\0';
	if (g) {
		ADD("network of %u sites (q=%.2g)", g->n, st->q);
	}
	for (int kd = 0; kd < SK__COUNT; kd++) {
		if (st->p_kind[kd] > 0.01)
			continue;
		nk++;
		ADD("%s%s p=%.2g", k ? "; " : "", kind_names[kd],
		    st->p_kind[kd]);
		if (g && kd == SK_LINKS)
			ADD(" (%u links inside)", g->links);
		else if (g && (kd == SK_IDS || kd == SK_HOSTING) &&
			 g->best_label[kd] != STR_NONE)
			ADD(" (%s on %u)", label_value(s, g->best_label[kd]),
			    g->best_cover[kd]);
	}
	if (!g && nk)
		ADD(" - fewer than %d independent kinds or not significant "
		    "(q=%.2g)",
		    s->o.min_kinds, st->q);
	if (locale_artifact(st))
		ADD("%stemplate artifacts contradict the locale (%s%s, content "
		    "in %s)",
		    k ? "; " : "",
		    st->n_han_comment_pages ? "Chinese comments" : "",
		    st->n_zh_declared_pages ? " zh declared" : "",
		    st->lang_detected);
#undef ADD
	free(st->reasons);
	st->reasons = strdup(buf);
	return st->reasons ? CIB_OK : CIB_ENOMEM;
}

static int cmp_group_size(const void *a, const void *b)
{
	const struct sites_group *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static const char *site_name(const struct sites *s, const struct site *st);

static uint32_t *sites_in_order(const struct sites *s, int by_score);

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Each group's members in name order, and its first member's rank: the
 * groups' order and ids then depend on the sites, not on the order the
 * crawl met them. */
static enum cib_err order_groups(struct sites *s)
{
	uint32_t *order = sites_in_order(s, 0), *rank;

	if (!order)
		return CIB_ENOMEM;
	rank = malloc((s->n_sites + 1) * sizeof(*rank));
	if (!rank) {
		free(order);
		return CIB_ENOMEM;
	}
	for (size_t k = 0; k < s->n_sites; k++)
		rank[order[k]] = (uint32_t)k;
	for (size_t i = 0; i < s->n_groups; i++) {
		struct sites_group *g = &s->group[i];

		for (uint32_t m = 0; m < g->n; m++)
			g->members[m] = rank[g->members[m]];
		qsort(g->members, g->n, sizeof(*g->members), cmp_u32);
		g->first = g->n ? g->members[0] : UINT32_MAX;
		for (uint32_t m = 0; m < g->n; m++)
			g->members[m] = order[g->members[m]];
	}
	free(rank);
	free(order);
	return CIB_OK;
}

/* Union-find over the candidate pairs accepted by `keep`; then calls fn
 * on every component of two or more sites. */
static enum cib_err components(struct sites *s, struct detect_ctx *c,
			       int drop_kind, int need, const uint8_t *only,
			       enum cib_err (*fn)(struct sites *,
						  struct detect_ctx *, int,
						  uint32_t *, uint32_t),
			       int arg)
{
	size_t N = s->n_sites;
	uint32_t *cnt, *start;
	enum cib_err err = CIB_OK;

	for (size_t i = 0; i < N; i++)
		c->par[i] = (uint32_t)i;
	for (size_t i = 0; i < c->n_cp; i++) {
		unsigned bits = c->cp[i].bits;
		uint32_t ra, rb;

		if (drop_kind >= 0)
			bits &= ~(1u << drop_kind);
		if (__builtin_popcount(bits) < need)
			continue;
		if (only && (!only[c->cp[i].a] || !only[c->cp[i].b]))
			continue;
		ra = uf_find(c->par, c->cp[i].a);
		rb = uf_find(c->par, c->cp[i].b);
		if (ra != rb)
			c->par[ra < rb ? rb : ra] = ra < rb ? ra : rb;
	}
	cnt = calloc(N + 1, sizeof(*cnt));
	start = calloc(N + 2, sizeof(*start));
	if (!cnt || !start) {
		free(cnt);
		free(start);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < N; i++)
		cnt[uf_find(c->par, (uint32_t)i)]++;
	for (size_t i = 0; i < N; i++)
		start[i + 1] = start[i] + cnt[i];
	for (size_t i = 0; i < N; i++) {
		uint32_t r = uf_find(c->par, (uint32_t)i);

		c->members[start[r]++] = (uint32_t)i;
	}
	/* start[r] now ends component r */
	for (size_t r = 0; r < N && !err; r++)
		if (cnt[r] >= 2 && (!only || only[r]))
			err = fn(s, c, arg, c->members + start[r] - cnt[r],
				 cnt[r]);
	free(cnt);
	free(start);
	return err;
}

static enum cib_err on_kind_component(struct sites *s, struct detect_ctx *c,
				      int k, uint32_t *mem, uint32_t h)
{
	return kind_test(s, c, k, mem, h);
}

static enum cib_err on_cluster(struct sites *s, struct detect_ctx *c, int k,
			       uint32_t *mem, uint32_t h)
{
	struct sites_group *g;
	uint32_t in_tick = ++c->tick;

	(void)k;
	g = &s->group[s->n_groups++];
	memset(g, 0, sizeof(*g));
	g->members = malloc(h * sizeof(*g->members));
	if (!g->members)
		return CIB_ENOMEM;
	memcpy(g->members, mem, h * sizeof(*mem));
	g->n = h;
	g->p = g->q = 1;
	g->flagged = 1;
	for (uint32_t i = 0; i < h; i++)
		c->stamp[mem[i]] = in_tick;
	for (int kd = 0; kd < SK__COUNT; kd++) {
		g->best_label[kd] = STR_NONE;
		g->p_kind[kd] = 0;
	}
	for (uint32_t i = 0; i < h; i++) {
		const struct site *st = &s->site[mem[i]];
		size_t end, a;

		if (st->p < g->p)
			g->p = st->p;
		if (st->q < g->q)
			g->q = st->q;
		for (int kd = 0; kd < SK__COUNT; kd++)
			if (st->p_kind[kd] > g->p_kind[kd])
				g->p_kind[kd] = st->p_kind[kd];
		a = range_from(c->edges, c->n_edges, mem[i], &end);
		for (; a < end; a++)
			g->links += c->stamp[(uint32_t)c->edges[a]] == in_tick;
		/* the ids and hosting label held by most members */
		for (size_t e = c->site_start[mem[i]];
		     e < c->site_start[mem[i] + 1]; e++) {
			uint32_t lab = c->by_site[e].label, cover = 0;
			int kd = s->label_kind[lab];

			if (kd != SK_IDS && kd != SK_HOSTING)
				continue;
			for (size_t x = c->lab_start[lab];
			     x < c->lab_start[lab + 1]; x++)
				cover += c->stamp[s->ent[x].site] == in_tick;
			if (cover > g->best_cover[kd]) {
				g->best_cover[kd] = cover;
				g->best_label[kd] = lab;
			}
		}
	}
	return CIB_OK;
}

/* Each label's sites (s->ent is sorted by label) and each site's labels
 * (c->by_site), with their document frequencies. */
static void sites_index_labels(const struct sites *s, struct detect_ctx *c)
{
	size_t i, N = s->n_sites, nl = s->labels.n;

	for (i = 0; i < s->n_ent; i++) {
		c->df[s->ent[i].label]++;
		c->lab_start[s->ent[i].label + 1]++;
	}
	for (i = 0; i < nl; i++)
		c->lab_start[i + 1] += c->lab_start[i];
	if (s->n_ent)
		memcpy(c->by_site, s->ent, s->n_ent * sizeof(*c->by_site));
	qsort(c->by_site, s->n_ent, sizeof(*c->by_site), cmp_ent_site);
	for (i = 0; i < s->n_ent; i++)
		c->site_start[c->by_site[i].site + 1]++;
	for (i = 0; i < N; i++)
		c->site_start[i + 1] += c->site_start[i];
}

/* Directed links between sites of the crawl, distinct, and reversed
 * (c->redges) for lookups by target. */
static enum cib_err sites_link_edges(const struct sites *s,
				     struct detect_ctx *c)
{
	size_t i, j;

	c->edges = malloc((s->n_links + 1) * sizeof(*c->edges));
	c->redges = malloc((s->n_links + 1) * sizeof(*c->redges));
	if (!c->edges || !c->redges)
		return CIB_ENOMEM;
	for (i = 0; i < s->n_links; i++) {
		uint32_t th = s->links[i].label, src = s->links[i].site;
		uint32_t tgt = th < s->host_site_cap ? s->host_site[th]
						     : UINT32_MAX;

		if (tgt != UINT32_MAX && tgt != src)
			c->edges[c->n_edges++] = (uint64_t)src << 32 | tgt;
	}
	sortu64(c->edges, c->n_edges);
	for (i = j = 0; i < c->n_edges; i++)
		if (!j || c->edges[j - 1] != c->edges[i])
			c->edges[j++] = c->edges[i];
	c->n_edges = j;
	for (i = 0; i < c->n_edges; i++)
		c->redges[i] = c->edges[i] << 32 | c->edges[i] >> 32;
	sortu64(c->redges, c->n_edges);
	return CIB_OK;
}

/* Site pairs: one (pair, kind) per shared label or link; the pairs
 * sharing at least need kinds are the candidates (c->cp), and each
 * site's most kinds shared with one other site is kept. */
static enum cib_err sites_candidate_pairs(struct sites *s,
					  struct detect_ctx *c, int need)
{
	struct pair_kind *pk = NULL;
	size_t n_pk = 0, pk_cap = 0, i, j;

	for (i = 0; i < s->n_ent; i = j) {
		int kind = s->label_kind[s->ent[i].label];

		for (j = i; j < s->n_ent && s->ent[j].label == s->ent[i].label;
		     j++)
			;
		if (kind >= SK__COUNT || j - i < 2 || j - i > s->o.df_max)
			continue;
		if (grow((void **)&pk, &pk_cap, n_pk + (j - i) * (j - i - 1) / 2,
			 sizeof(*pk)))
			goto nomem;
		for (size_t a = i; a < j; a++)
			for (size_t b = a + 1; b < j; b++) {
				pk[n_pk].pair = (uint64_t)s->ent[a].site << 32 |
						s->ent[b].site;
				pk[n_pk++].kind = (uint32_t)kind;
			}
	}
	if (grow((void **)&pk, &pk_cap, n_pk + c->n_edges + 1, sizeof(*pk)))
		goto nomem;
	for (i = 0; i < c->n_edges; i++) {
		uint32_t a = (uint32_t)(c->edges[i] >> 32), b = (uint32_t)c->edges[i];

		pk[n_pk].pair = a < b ? (uint64_t)a << 32 | b
				      : (uint64_t)b << 32 | a;
		pk[n_pk++].kind = SK_LINKS;
	}
	qsort(pk, n_pk, sizeof(*pk), cmp_pk);
	c->cp = malloc((n_pk + 1) * sizeof(*c->cp));
	if (!c->cp)
		goto nomem;
	s->n_candidate_pairs = 0;
	for (i = 0; i < n_pk; i = j) {
		unsigned bits = 0;
		int nk;
		uint32_t a = (uint32_t)(pk[i].pair >> 32), b = (uint32_t)pk[i].pair;

		for (j = i; j < n_pk && pk[j].pair == pk[i].pair; j++)
			bits |= 1u << pk[j].kind;
		nk = __builtin_popcount(bits);
		if (nk > c->max_kinds[a])
			c->max_kinds[a] = (uint8_t)nk;
		if (nk > c->max_kinds[b])
			c->max_kinds[b] = (uint8_t)nk;
		if (nk < need)
			continue;
		c->cp[c->n_cp].a = a;
		c->cp[c->n_cp].b = b;
		c->cp[c->n_cp].bits = bits;
		c->n_cp++;
	}
	s->n_candidate_pairs = c->n_cp;
	free(pk);
	return CIB_OK;
nomem:
	free(pk);
	return CIB_ENOMEM;
}

/* Scores and reasons: below 0.5 for every site by its evidence, from
 * 0.5 for the members of a flagged network by their Holm level. */
static enum cib_err sites_score(struct sites *s, const struct detect_ctx *c)
{
	size_t i, j, N = s->n_sites;
	enum cib_err err;

	for (i = 0; i < N; i++) {
		struct site *st = &s->site[i];
		double lp = -log10(st->p > 1e-300 ? st->p : 1e-300);

		st->score = 0.4 * (lp > 10 ? 1 : lp / 10) +
			    0.02 * c->max_kinds[i];
		if (st->score > 0.49)
			st->score = 0.49;
		if ((err = set_reasons(s, st, NULL)))
			return err;
	}
	for (i = 0; i < s->n_groups; i++) {
		struct sites_group *g = &s->group[i];

		g->id = (int)i + 1;
		for (j = 0; j < g->n; j++) {
			struct site *st = &s->site[g->members[j]];
			double lq = -log10(st->q > 1e-300 ? st->q : 1e-300);

			st->flagged = 1;
			st->cluster = g->id;
			st->cluster_size = g->n;
			st->score = 0.5 + 0.5 * (lq > 30 ? 1 : lq / 30);
			if ((err = set_reasons(s, st, g)))
				return err;
		}
	}
	return CIB_OK;
}

/* Each site's p-value: each kind tested on the groups the other kinds
 * form, combined by partial conjunction, Holm-adjusted into q; flag[i]
 * marks the sites at or below alpha. */
static enum cib_err sites_test(struct sites *s, struct detect_ctx *c,
			       int need, double *ps, double *qs, uint8_t *flag)
{
	size_t i, N = s->n_sites;
	enum cib_err err;

	/* each kind tested on the groups the other kinds form */
	for (i = 0; i < N; i++)
		for (int k = 0; k < SK__COUNT; k++)
			s->site[i].p_kind[k] = 1.0;
	for (int k = 0; k < SK__COUNT && c->n_cp; k++)
		if ((err = components(s, c, k, need, NULL, on_kind_component,
				      k)))
			return err;
	for (i = 0; i < N; i++) {
		struct site *st = &s->site[i];

		st->p = sites_partial_conjunction(st->p_kind, SK__COUNT,
						  s->o.min_kinds);
		/* intersection-union: the content kind must be non-null
		 * too (shared infrastructure alone is common ownership) */
		if (s->o.require_content && st->p_kind[SK_ARTICLES] > st->p)
			st->p = st->p_kind[SK_ARTICLES];
		ps[i] = st->p;
	}
	if ((err = sites_holm(ps, N, qs)))
		return err;
	for (i = 0; i < N; i++) {
		struct site *st = &s->site[i];

		snprintf(st->lang_declared, sizeof(st->lang_declared), "%s",
			 top_vote(st->lang_votes_d, st->lang_d_codes));
		snprintf(st->lang_detected, sizeof(st->lang_detected), "%s",
			 top_vote(st->lang_votes_t, st->lang_t_codes));
		st->q = qs[i];
		flag[i] = st->q <= s->o.alpha;
		st->flagged = 0;
		st->cluster = -1;
		st->cluster_size = 0;
	}
	return CIB_OK;
}

enum cib_err sites_detect(struct sites *s)
{
	struct detect_ctx c;
	size_t i;
	double *ps = NULL, *qs = NULL;
	uint8_t *flag = NULL;
	enum cib_err err = CIB_ENOMEM;
	size_t N = s->n_sites, nl = s->labels.n;
	int need = s->o.min_kinds - 1 > 0 ? s->o.min_kinds - 1 : 1;

	memset(&c, 0, sizeof(c));
	s->n_ent = dedupe(s->ent, s->n_ent);
	s->ent_sorted = s->n_ent;
	for (i = 0; i < s->n_groups; i++)
		free(s->group[i].members);
	free(s->group);
	s->group = NULL;
	s->n_groups = 0;
	c.df = calloc(nl + 1, sizeof(*c.df));
	c.lab_start = calloc(nl + 2, sizeof(*c.lab_start));
	c.by_site = malloc((s->n_ent + 1) * sizeof(*c.by_site));
	c.site_start = calloc(N + 2, sizeof(*c.site_start));
	c.max_kinds = calloc(N + 1, 1);
	c.stamp = calloc(N + 1, sizeof(*c.stamp));
	c.cmark = calloc(N + 1, sizeof(*c.cmark));
	c.par = malloc((N + 1) * sizeof(*c.par));
	c.members = malloc((N + 1) * sizeof(*c.members));
	flag = calloc(N + 1, 1);
	ps = calloc(N + 1, sizeof(*ps));
	qs = calloc(N + 1, sizeof(*qs));
	if (!c.df || !c.lab_start || !c.by_site || !c.site_start ||
	    !c.max_kinds || !c.stamp || !c.cmark || !c.par || !c.members ||
	    !flag || !ps || !qs)
		goto out;
	sites_index_labels(s, &c);
	if ((err = sites_link_edges(s, &c)))
		goto out;
	if ((err = sites_candidate_pairs(s, &c, need)))
		goto out;
	if ((err = sites_test(s, &c, need, ps, qs, flag)))
		goto out;
	/* clusters: flagged sites joined by candidate pairs */
	s->group = calloc(N / 2 + 2, sizeof(*s->group));
	if (!s->group) {
		err = CIB_ENOMEM;
		goto out;
	}
	err = CIB_OK;
	if (c.n_cp)
		err = components(s, &c, -1, need, flag, on_cluster, 0);
	if (err)
		goto out;
	if ((err = order_groups(s)))
		goto out;
	qsort(s->group, s->n_groups, sizeof(*s->group), cmp_group_size);
	if ((err = sites_score(s, &c)))
		goto out;
	err = CIB_OK;
out:
	free(c.cp);
	free(ps);
	free(qs);
	free(flag);
	free(c.df);
	free(c.lab_start);
	free(c.by_site);
	free(c.site_start);
	free(c.edges);
	free(c.redges);
	free(c.max_kinds);
	free(c.stamp);
	free(c.cmark);
	free(c.par);
	free(c.members);
	return err;
}

/* ---- output ----------------------------------------------------------- */

/* The host as the crawl first wrote it (with its www. if it had one):
 * sites are keyed without www. so both forms make one site. */
static const char *site_name(const struct sites *s, const struct site *st)
{
	return st->name == STR_NONE ? strpool_get(&s->hosts, st->host)
				    : label_value(s, st->name);
}

const char *sites_name(const struct sites *s, const struct site *st)
{
	return site_name(s, st);
}

const char *sites_label(const struct sites *s, uint32_t id)
{
	return id == STR_NONE ? "" : label_value(s, id);
}

struct score_key {
	double score;
	const char *name;
	uint32_t site;
};

static int cmp_score_key(const void *a, const void *b)
{
	const struct score_key *x = a, *y = b;
	int c;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	c = strcmp(x->name, y->name);
	return c ? c : (x->site < y->site ? -1 : x->site > y->site);
}

/* The sites in name order, or (by_score) highest score first and then
 * by name, as the accounts table: order[k] = the k-th site; NULL when
 * out of memory. */
static uint32_t *sites_in_order(const struct sites *s, int by_score)
{
	struct score_key *k = malloc((s->n_sites + 1) * sizeof(*k));
	uint32_t *order = malloc((s->n_sites + 1) * sizeof(*order));

	if (!k || !order) {
		free(k);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < s->n_sites; i++) {
		k[i].score = by_score ? s->site[i].score : 0;
		k[i].name = site_name(s, &s->site[i]);
		k[i].site = (uint32_t)i;
	}
	qsort(k, s->n_sites, sizeof(*k), cmp_score_key);
	for (size_t i = 0; i < s->n_sites; i++)
		order[i] = k[i].site;
	free(k);
	return order;
}

enum cib_err sites_write_csv(const struct sites *s, FILE *f)
{
	static const char *const h[] = { "site", "score", "flagged",
					 "cluster_id", "cluster_size", "pages",
					 "ip", "server", "lang_declared",
					 "lang_detected", "reasons" };
	uint32_t *order = sites_in_order(s, 1);

	if (!order)
		return CIB_ENOMEM;
	csvout_header(f, h, (int)(sizeof(h) / sizeof(h[0])));
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct site *st = &s->site[order[i]];

		csvout_field(f, site_name(s, st));
		fprintf(f, ",%.6f,%d,", st->score, st->flagged);
		if (st->cluster > 0)
			fprintf(f, "%d", st->cluster);
		fprintf(f, ",%u,%u,", st->cluster_size, st->n_pages);
		csvout_field(f, st->ip);
		fputc(',', f);
		csvout_field(f, st->server == STR_NONE
					? ""
					: label_value(s, st->server));
		fputc(',', f);
		csvout_field(f, st->lang_declared);
		fputc(',', f);
		csvout_field(f, st->lang_detected);
		fputc(',', f);
		csvout_field(f, st->reasons);
		fputc('\n', f);
	}
	free(order);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err sites_write_clusters(const struct sites *s, FILE *f)
{
	fprintf(f, "cluster_id,size,p,q,p_ids,p_template,p_hosting,"
		   "p_articles,p_links,shared_id,hosting_block,internal_links,"
		   "members\n");
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct sites_group *g = &s->group[i];

		if (!g->flagged)
			continue;
		fprintf(f, "%d,%u,%.4g,%.4g", g->id, g->n, g->p, g->q);
		for (int k = 0; k < SK__COUNT; k++)
			fprintf(f, ",%.4g", g->p_kind[k]);
		fputc(',', f);
		csvout_field(f, g->best_label[SK_IDS] == STR_NONE
					? ""
					: label_value(s, g->best_label[SK_IDS]));
		fputc(',', f);
		csvout_field(f, g->best_label[SK_HOSTING] == STR_NONE
					? ""
					: label_value(s, g->best_label[SK_HOSTING]));
		fprintf(f, ",%u,", g->links);
		for (uint32_t m = 0; m < g->n; m++)
			fprintf(f, "%s%s", m ? " " : "",
				site_name(s, &s->site[g->members[m]]));
		fputc('\n', f);
	}
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err sites_write_json(const struct sites *s, FILE *f)
{
	cJSON *root = cJSON_CreateObject(), *arr, *carr;
	char *txt;
	uint32_t *order = sites_in_order(s, 1);
	int ok = root != NULL && order != NULL;

	arr = cJSON_AddArrayToObject(root, "sites");
	carr = cJSON_AddArrayToObject(root, "clusters");
	ok = ok && arr && carr;
	for (size_t i = 0; ok && i < s->n_sites; i++) {
		const struct site *st = &s->site[order[i]];
		cJSON *o = cJSON_CreateObject();

		ok = o && cJSON_AddItemToArray(arr, o) &&
		     cJSON_AddStringToObject(o, "site", site_name(s, st)) &&
		     cJSON_AddNumberToObject(o, "score", st->score) &&
		     cJSON_AddBoolToObject(o, "flagged", st->flagged) &&
		     cJSON_AddNumberToObject(o, "cluster_id",
					     st->cluster > 0 ? st->cluster : 0) &&
		     cJSON_AddNumberToObject(o, "cluster_size",
					     st->cluster_size) &&
		     cJSON_AddNumberToObject(o, "pages", st->n_pages) &&
		     cJSON_AddNumberToObject(o, "first_seen",
					     (double)st->first_seen) &&
		     cJSON_AddStringToObject(
			     o, "server",
			     st->server == STR_NONE
				     ? ""
				     : label_value(s, st->server)) &&
		     cJSON_AddStringToObject(o, "ip", st->ip) &&
		     cJSON_AddStringToObject(
			     o, "title",
			     st->title == STR_NONE ? ""
						   : label_value(s, st->title)) &&
		     cJSON_AddStringToObject(o, "lang_declared",
					     st->lang_declared) &&
		     cJSON_AddStringToObject(o, "lang_detected",
					     st->lang_detected) &&
		     cJSON_AddStringToObject(o, "reasons",
					     st->reasons ? st->reasons : "");
	}
	for (size_t i = 0; ok && i < s->n_groups; i++) {
		const struct sites_group *g = &s->group[i];
		cJSON *o, *m, *pk;

		if (!g->flagged)
			continue;
		o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(carr, o) &&
		     cJSON_AddNumberToObject(o, "cluster_id", g->id) &&
		     cJSON_AddNumberToObject(o, "size", g->n) &&
		     cJSON_AddNumberToObject(o, "p", g->p) &&
		     cJSON_AddNumberToObject(o, "q", g->q) &&
		     cJSON_AddNumberToObject(o, "internal_links", g->links);
		pk = ok ? cJSON_AddObjectToObject(o, "p_kind") : NULL;
		m = ok ? cJSON_AddArrayToObject(o, "members") : NULL;
		ok = ok && pk && m;
		for (int k = 0; ok && k < SK__COUNT; k++)
			ok = cJSON_AddNumberToObject(pk, kind_names[k],
						     g->p_kind[k]) != NULL;
		for (uint32_t x = 0; ok && x < g->n; x++) {
			cJSON *sv = cJSON_CreateString(
				site_name(s, &s->site[g->members[x]]));

			ok = sv && cJSON_AddItemToArray(m, sv);
		}
	}
	txt = ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	free(order);
	if (!txt)
		return CIB_ENOMEM;
	fputs(txt, f);
	fputc('\n', f);
	free(txt);
	return ferror(f) ? CIB_EIO : CIB_OK;
}
