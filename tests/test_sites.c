/* test_sites.c - page extraction (features/htmlpage) and site-network
 * detection (model/sites).
 *
 * Expected values are read off the hand-written HTML below by eye; the
 * statistical checks compare with closed forms computed independently
 * (stated beside each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "features/htmlpage.h"
#include "model/sites.h"

/* ---- ids ------------------------------------------------------------- */

struct ids_found {
	char s[8][64];
	int kind[8];
	int n;
};

static void on_id(int kind, const char *id, size_t len, void *ctx)
{
	struct ids_found *f = ctx;

	if (f->n < 8) {
		snprintf(f->s[f->n], 64, "%.*s", (int)len, id);
		f->kind[f->n++] = kind;
	}
}

struct id_case {
	const char *text;
	const char *want; /* first id found, NULL for none */
	int kind;
};

static const struct id_case id_cases[] = {
	{ "ga('create', 'UA-1234567-2', 'auto');", "UA-1234567-2",
	  HP_ANALYTICS },
	{ "gtag('config', 'G-ABCDEF1234');", "G-ABCDEF1234", HP_ANALYTICS },
	{ "googletagmanager.com/gtm.js?id=GTM-K9X2QPL", "GTM-K9X2QPL",
	  HP_ANALYTICS },
	{ "data-ad-client=\"ca-pub-1234567890123456\"",
	  "ca-pub-1234567890123456", HP_ADPUB },
	{ "hm.baidu.com/hm.js?0123456789abcdef0123456789abcdef",
	  "baidu:0123456789abcdef0123456789abcdef", HP_TRACKER },
	{ "fbq('init', '1234567890123');", "fb:1234567890123", HP_TRACKER },
	{ "ym(87654321, \"init\")", "ym:87654321", HP_TRACKER },
	{ "s.cnzz.com/z_stat.php?id=1280000001&web_id=1", "cnzz:1280000001",
	  HP_TRACKER },
	/* no property suffix, a word before the prefix, too short */
	{ "UA-1234567 and UA-12", NULL, 0 },
	{ "BIG-ABCDEF1234 and XG-ABCDEFGH12", NULL, 0 },
	{ "G-ABC", NULL, 0 },
	{ "ca-pub-123", NULL, 0 },
	{ "UA-1234567-", NULL, 0 },
	{ "", NULL, 0 },
};

static void test_scan_ids(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(id_cases) / sizeof(id_cases[0]); i++) {
		const struct id_case *c = &id_cases[i];
		struct ids_found f;

		memset(&f, 0, sizeof(f));
		htmlpage_scan_ids(c->text, strlen(c->text), on_id, &f);
		if (!c->want) {
			if (f.n)
				fail_msg("'%s': found '%s'", c->text, f.s[0]);
			continue;
		}
		if (f.n < 1 || strcmp(f.s[0], c->want) || f.kind[0] != c->kind)
			fail_msg("'%s': got %d '%s'", c->text, f.n, f.s[0]);
	}
}

struct host_case {
	const char *url;
	const char *want;
};

static const struct host_case host_cases[] = {
	{ "http://www.Example.COM/a/b", "example.com" },
	{ "https://news.example.it:8443/x", "news.example.it" },
	{ "//cdn.example.net/lib.js", "cdn.example.net" },
	{ "/relative/path", "" },
	{ "mailto:a@b.c", "" },
	{ "javascript:void(0)", "" },
	{ "http://user@evil.example/", "" },
	{ "http:///nohost", "" },
	{ "ftp://files.example/", "" },
};

static void test_host(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]);
	     i++) {
		char out[HTMLPAGE_MAX_HOST + 1] = "";
		size_t n = htmlpage_host(host_cases[i].url,
					 strlen(host_cases[i].url), out,
					 sizeof(out));

		if (n == 0)
			out[0] = '\0';
		assert_string_equal(out, host_cases[i].want);
	}
}

static int has_item(const struct htmlpage *pg, int kind, const char *s)
{
	for (size_t i = 0; i < pg->n_items; i++)
		if (pg->items[i].kind == kind &&
		    pg->items[i].len == strlen(s) &&
		    memcmp(htmlpage_item_str(pg, i), s, strlen(s)) == 0)
			return 1;
	return 0;
}

static const char PAGE[] =
	"<!DOCTYPE html><html lang=\"it-IT\"><head>"
	"<title>Cronaca di Roma</title>"
	"<meta name=\"generator\" content=\"WordPress 6.4\">"
	"<link rel=\"stylesheet\" href=\"/wp-content/themes/xinwen/style.css?ver=2\">"
	"<script src=\"https://cdn.example.net/js/app.js\"></script>"
	"<script>gtag('config', 'G-ABCDEF1234');</script>"
	"</head><body>"
	"<!-- 新闻列表 开始 -->"
	"<nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"https://www.sister.example/\">Sister</a></nav>"
	"<div class=\"content\"><h1>Titolo</h1>"
	"<p>Primo paragrafo dell'articolo con abbastanza testo.</p>"
	"<p>Secondo paragrafo, anche questo nel corpo.</p></div>"
	"<footer><p>Copyright</p></footer>"
	"<ins data-ad-client=\"ca-pub-9876543210987654\"></ins>"
	"</body></html>";

static void test_page(void **state)
{
	struct htmlpage pg;
	const char *url = "https://www.roma-cronaca.example/news/1";

	(void)state;
	htmlpage_init(&pg);
	assert_int_equal(htmlpage_parse(&pg, PAGE, sizeof(PAGE) - 1, url,
					 strlen(url)),
			 CIB_OK);
	assert_string_equal(pg.host, "roma-cronaca.example");
	assert_int_equal(pg.title_len, strlen("Cronaca di Roma"));
	assert_memory_equal(pg.str + pg.title_off, "Cronaca di Roma",
			    pg.title_len);
	assert_string_equal(pg.lang_declared, "it");
	assert_int_equal(pg.n_paragraphs, 2);
	assert_string_equal(pg.str + pg.article_off,
			    "Primo paragrafo dell'articolo con abbastanza "
			    "testo.\nSecondo paragrafo, anche questo nel "
			    "corpo.");
	assert_true(pg.boiler_len > 0);
	assert_int_equal(pg.n_han_comments, 1);
	assert_true(has_item(&pg, HP_ANALYTICS, "G-ABCDEF1234"));
	assert_true(has_item(&pg, HP_ADPUB, "ca-pub-9876543210987654"));
	assert_true(has_item(&pg, HP_GENERATOR, "WordPress 6.4"));
	assert_true(has_item(&pg, HP_ASSET, "/wp-content/themes/xinwen/style.css"));
	assert_true(has_item(&pg, HP_ASSET, "cdn.example.net/js/app.js"));
	assert_true(has_item(&pg, HP_LINK, "sister.example"));
	assert_true(has_item(&pg, HP_COMMENT, "新闻列表 开始"));
	assert_true(pg.n_shingles > 5);

	/* the same skeleton with other text shares every shingle */
	{
		uint64_t first[HTMLPAGE_MAX_SHINGLES];
		size_t nf = pg.n_shingles;
		char other[sizeof(PAGE) + 64];
		const char *a = strstr(PAGE, "Primo");
		size_t pre = (size_t)(a - PAGE);

		memcpy(first, pg.shingles, nf * sizeof(*first));
		snprintf(other, sizeof(other), "%.*sAltro testo, tutt'altro.%s",
			 (int)pre, PAGE, a + strlen("Primo paragrafo dell'articolo con abbastanza testo."));
		assert_int_equal(htmlpage_parse(&pg, other, strlen(other), url,
						strlen(url)),
				 CIB_OK);
		assert_int_equal(pg.n_shingles, nf);
		assert_memory_equal(pg.shingles, first, nf * sizeof(*first));
	}
	/* hostile nesting is cut at HTMLPAGE_MAX_DEPTH (gumbo's cost grows
	 * with depth); what is kept still parses */
	{
		size_t depth = 200000, n = depth * 5;
		char *deep = malloc(n);

		assert_non_null(deep);
		for (size_t i = 0; i < depth; i++)
			memcpy(deep + i * 5, "<div>", 5);
		assert_int_equal(htmlpage_parse(&pg, deep, n, url, strlen(url)),
				 CIB_OK);
		assert_int_equal(pg.input_cut, 1);
		assert_true(pg.n_elements >= HTMLPAGE_MAX_DEPTH);
		assert_true(pg.n_elements < HTMLPAGE_MAX_DEPTH + 8);
		free(deep);
	}
	htmlpage_release(&pg);
	htmlpage_release(NULL);
}

/* declared language from og:locale; skeleton runs without any class are
 * not template evidence (every site has <ul><li><a>) */
static void test_page_small(void **state)
{
	static const char a[] = "<html><head><meta property=\"og:locale\" "
				"content=\"zh_CN\"></head><body><ul><li><a>x</a>"
				"</li><li><a>y</a></li></ul><p>z</p></body></html>";
	static const char b[] = "<html><body><ul class=\"nav\"><li><a>x</a>"
				"</li></ul></body></html>";
	struct htmlpage pg;

	(void)state;
	htmlpage_init(&pg);
	assert_int_equal(htmlpage_parse(&pg, a, sizeof(a) - 1, "http://a.b/", 11),
			 CIB_OK);
	assert_string_equal(pg.lang_declared, "zh");
	assert_int_equal(pg.n_shingles, 0);
	assert_int_equal(pg.n_paragraphs, 1);
	/* one class among the elements: html head body ul.nav li a -> 3
	 * windows of 4, all holding ul.nav */
	assert_int_equal(htmlpage_parse(&pg, b, sizeof(b) - 1, "http://a.b/", 11),
			 CIB_OK);
	assert_int_equal(pg.n_shingles, 3);
	/* empty and NULL input */
	assert_int_equal(htmlpage_parse(&pg, NULL, 0, "", 0), CIB_OK);
	assert_int_equal(pg.article_len, 0);
	assert_string_equal(pg.host, "");
	htmlpage_release(&pg);
}

/* ---- statistics ------------------------------------------------------ */

static void near(double got, double want, double rel)
{
	if (!(fabs(got - want) <= rel * fabs(want) + 1e-300))
		fail_msg("got %.17g want %.17g", got, want);
}

static void test_binom(void **state)
{
	(void)state;
	/* closed forms: P(X >= n) = p^n; P(X >= 1) = 1 - (1-p)^n */
	near(sites_binom_sf(10, 10, 0.3), pow(0.3, 10), 1e-9);
	near(sites_binom_sf(1, 7, 0.2), 1 - pow(0.8, 7), 1e-12);
	/* P(Bin(5, 0.5) >= 3) = (10 + 5 + 1) / 32 */
	near(sites_binom_sf(3, 5, 0.5), 16.0 / 32, 1e-12);
	assert_true(sites_binom_sf(0, 5, 0.1) == 1.0);
	assert_true(sites_binom_sf(6, 5, 0.1) == 0.0);
	/* a tail far below 1e-100 keeps its relative precision */
	near(sites_binom_sf(40, 40, 1e-3), 1e-120, 1e-6);
}

static void test_adjust(void **state)
{
	double p[5] = { 0.01, 0.04, 0.03, 0.2, 0.005 }, q[5];
	/* by hand: sorted 0.005 0.01 0.03 0.04 0.2
	 * Holm: 5*.005=.025, 4*.01=.04, 3*.03=.09, 2*.04=.08->.09, .2
	 * BH:   .025, .025, .05, .05, .2 */
	const double holm[5] = { 0.04, 0.09, 0.09, 0.2, 0.025 };
	const double bh[5] = { 0.025, 0.05, 0.05, 0.2, 0.025 };
	double pk[5] = { 1e-9, 1e-3, 0.2, 1, 1e-6 };

	(void)state;
	assert_int_equal(sites_holm(p, 5, q), CIB_OK);
	for (int i = 0; i < 5; i++)
		near(q[i], holm[i], 1e-12);
	assert_int_equal(sites_bh(p, 5, q), CIB_OK);
	for (int i = 0; i < 5; i++)
		near(q[i], bh[i], 1e-12);
	/* at least 3 of 5: (5 - 3 + 1) * third smallest = 3 * 1e-3 */
	near(sites_partial_conjunction(pk, 5, 3), 3e-3, 1e-12);
	/* at least 1 of 5: Bonferroni, 5 * 1e-9 */
	near(sites_partial_conjunction(pk, 5, 1), 5e-9, 1e-12);
	assert_true(sites_partial_conjunction(pk, 5, 5) == 1.0);
}

struct block_case {
	const char *ip, *want;
};

static const struct block_case block_cases[] = {
	{ "203.0.113.77", "203.0.113.0/24" },
	{ "2001:db8:abcd:12::1", "2001:db8:abcd::/48" },
	{ "::ffff:1.2.3.4", "0:0:0::/48" },
	{ "not an ip", "" },
	{ "1.2.3", "" },
	{ "", "" },
};

static void test_block(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(block_cases) / sizeof(block_cases[0]);
	     i++) {
		char out[64] = "";
		size_t n = sites_block(block_cases[i].ip,
				       strlen(block_cases[i].ip), out,
				       sizeof(out));

		if (!n)
			out[0] = '\0';
		assert_string_equal(out, block_cases[i].want);
	}
}

/* Sites built page by page through the API: a network of 6 sharing
 * template, ids, hosting, links and one article among 64 unrelated sites;
 * a media group of 4 sharing only ids and links; and a group of 5 sharing
 * template, ids, hosting and links but no content, flagged only when
 * content is not required. */
static void page_for_text(struct htmlpage *pg, struct sites *s,
			  const char *host, const char *tpl, const char *ids,
			  const char *links, const char *ip, const char *text)
{
	char html[8192], url[128];
	int n;

	n = snprintf(html, sizeof(html),
		     "<html lang=\"en\"><head><title>%s</title>"
		     "<link rel=\"stylesheet\" href=\"/static/%s/main.css\">"
		     "<script>%s</script></head><body>"
		     "<div class=\"wrap-%s\"><div class=\"head-%s\">x</div>"
		     "<div class=\"main-%s\"><p>%s text one</p><p>two</p>"
		     "<p>%s</p><p>%s</p></div>"
		     "<div class=\"side-%s\">%s</div></div></body></html>",
		     host, tpl, ids, tpl, tpl, tpl, host, text, text, tpl,
		     links);
	snprintf(url, sizeof(url), "https://%s/", host);
	assert_int_equal(htmlpage_parse(pg, html, (size_t)n, url, strlen(url)),
			 CIB_OK);
	assert_int_equal(sites_add_page(s, pg, ip, strlen(ip), "nginx", 5, 0,
					NULL),
			 CIB_OK);
}

static void page_for(struct htmlpage *pg, struct sites *s, const char *host,
		     const char *tpl, const char *ids, const char *links,
		     const char *ip)
{
	page_for_text(pg, s, host, tpl, ids, links, ip, "");
}

static const char ARTICLE[] =
	"The council voted on Tuesday to approve the new harbour plan after "
	"a long debate about the costs of dredging the old channel and the "
	"future of the fishing fleet that has worked from the quay for more "
	"than a century, while residents asked for more time to read the "
	"report and the mayor promised a second hearing in the spring.";

static void detect_api(int require_content)
{
	struct sites s;
	struct sites_opts so;
	struct htmlpage pg;
	char host[64], links[512], ip[32], tpl[16], ids[128];

	sites_opts_init(&so);
	so.require_content = require_content;
	sites_init(&s, &so);
	htmlpage_init(&pg);
	for (int i = 0; i < 75; i++) {
		size_t k = 0;

		snprintf(host, sizeof(host), "site%d.example", i);
		links[0] = '\0';
		if (i < 6) { /* the network */
			snprintf(tpl, sizeof(tpl), "net");
			snprintf(ids, sizeof(ids), "gtag('config','G-NETWORK123');");
			snprintf(ip, sizeof(ip), "198.51.100.%d", 10 + i);
			for (int j = 0; j < 6; j++)
				if (j != i)
					k += (size_t)snprintf(links + k, sizeof(links) - k,
							      "<a href=\"https://site%d.example/\">s</a>", j);
		} else if (i < 10) { /* media group: ids and links only */
			snprintf(tpl, sizeof(tpl), "t%d", i);
			snprintf(ids, sizeof(ids), "ga('create','UA-7777777-1');");
			snprintf(ip, sizeof(ip), "192.0.%d.5", i);
			for (int j = 6; j < 10; j++)
				if (j != i)
					k += (size_t)snprintf(links + k, sizeof(links) - k,
							      "<a href=\"https://site%d.example/\">s</a>", j);
		} else if (i >= 70) { /* shared infrastructure, no content */
			snprintf(tpl, sizeof(tpl), "infra");
			snprintf(ids, sizeof(ids), "gtag('config','G-INFRA1234');");
			snprintf(ip, sizeof(ip), "198.51.101.%d", i);
			for (int j = 70; j < 75; j++)
				if (j != i)
					k += (size_t)snprintf(links + k, sizeof(links) - k,
							      "<a href=\"https://site%d.example/\">s</a>", j);
		} else {
			snprintf(tpl, sizeof(tpl), "t%d", i);
			snprintf(ids, sizeof(ids), "gtag('config','G-OWN%07d');", i);
			snprintf(ip, sizeof(ip), "10.%d.%d.1", i, i);
		}
		page_for_text(&pg, &s, host, tpl, ids, links, ip,
			      i < 6 ? ARTICLE : "");
	}
	assert_int_equal(sites_detect(&s), CIB_OK);
	assert_int_equal(s.n_sites, 75);
	for (size_t i = 0; i < s.n_sites; i++) {
		const struct site *st = &s.site[i];
		const char *h = strpool_get(&s.hosts, st->host);
		long idx = strtol(h + 4, NULL, 10);

		if (idx < 6) {
			if (!st->flagged || st->cluster != 1 || st->cluster_size != 6)
				fail_msg("%s: flagged %d cluster %d size %u (%s)", h,
					 st->flagged, st->cluster, st->cluster_size,
					 st->reasons);
		} else if (idx >= 70) {
			if (st->flagged != !require_content)
				fail_msg("%s: flagged %d, require_content %d (%s)",
					 h, st->flagged, require_content,
					 st->reasons);
		} else if (st->flagged) {
			fail_msg("%s flagged: %s", h, st->reasons);
		}
	}
	assert_int_equal(s.n_groups, require_content ? 1 : 2);
	htmlpage_release(&pg);
	sites_release(&s);
	sites_release(NULL);
}

static void test_detect_api(void **state)
{
	(void)state;
	detect_api(1);
	detect_api(0);
}

/* www.x and x are one site, named by its earliest page (docs/sites.md) */
static void test_site_www(void **state)
{
	struct sites s;
	struct htmlpage pg;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	sites_init(&s, NULL);
	htmlpage_init(&pg);
	page_for(&pg, &s, "www.dup.example", "a", "", "", "192.0.2.1");
	page_for(&pg, &s, "dup.example", "a", "", "", "192.0.2.1");
	page_for(&pg, &s, "other.example", "b", "",
		 "<a href=\"http://WWW.dup.example/x\">d</a>", "192.0.2.9");
	assert_int_equal(sites_detect(&s), CIB_OK);
	assert_int_equal(s.n_sites, 2);
	assert_int_equal(s.site[0].n_pages, 2);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(sites_write_csv(&s, f), CIB_OK);
	fclose(f);
	/* named by its earliest page; these have no time, so by the
	 * smaller name: the same whichever was read first */
	assert_non_null(strstr(buf, "\ndup.example,"));
	assert_null(strstr(buf, "\nwww.dup.example,"));
	free(buf);
	htmlpage_release(&pg);
	sites_release(&s);
}

/* Calibration under the null: sites whose template, ids, hosting block
 * and links are drawn independently (popular values common, Zipf-like)
 * share traits by chance only. Holm's adjustment controls the chance of
 * any flag in a crawl at alpha = 0.05, so over 20 crawls more than 3 with
 * a flag would happen with probability 0.016 (binomial tail) if the test
 * were calibrated: the test fails then. */
static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return *x >> 33;
}

static unsigned zipf(uint64_t *x, unsigned n)
{
	/* the product of two uniforms: value k has density ~ -log(k/n) */
	double u = (double)(lcg(x) % 1000000) / 1e6,
	       v = (double)(lcg(x) % 1000000) / 1e6;

	return (unsigned)(u * v * n);
}

static void test_null_calibration(void **state)
{
	int crawls_with_flags = 0;
	uint64_t x = 12345;

	(void)state;
	for (int rep = 0; rep < 20; rep++) {
		struct sites s;
		struct sites_opts so;
		struct htmlpage pg;
		int any = 0;

		/* content not required: the four drawn kinds alone are tested */
		sites_opts_init(&so);
		so.require_content = 0;
		sites_init(&s, &so);
		htmlpage_init(&pg);
		for (int i = 0; i < 150; i++) {
			char host[64], tpl[16], ids[96], ip[32], links[512];
			size_t k = 0;

			snprintf(host, sizeof(host), "n%d.example", i);
			snprintf(tpl, sizeof(tpl), "z%u", zipf(&x, 40));
			if (lcg(&x) % 4)
				snprintf(ids, sizeof(ids), "ga('create','UA-%u-1');",
					 1000000 + zipf(&x, 60));
			else
				ids[0] = '\0';
			snprintf(ip, sizeof(ip), "10.0.%u.%u", zipf(&x, 40),
				 (unsigned)(lcg(&x) % 250));
			links[0] = '\0';
			for (int l = (int)(lcg(&x) % 4); l > 0; l--)
				k += (size_t)snprintf(links + k, sizeof(links) - k,
						      "<a href=\"https://n%u.example/\">s</a>",
						      (unsigned)(lcg(&x) % 150));
			page_for(&pg, &s, host, tpl, ids, links, ip);
		}
		assert_int_equal(sites_detect(&s), CIB_OK);
		for (size_t i = 0; i < s.n_sites; i++)
			any |= s.site[i].flagged;
		crawls_with_flags += any;
		htmlpage_release(&pg);
		sites_release(&s);
	}
	if (crawls_with_flags > 3)
		fail_msg("%d of 20 null crawls had a flag", crawls_with_flags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_ids),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_page_small),
		cmocka_unit_test(test_binom),
		cmocka_unit_test(test_adjust),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_detect_api),
		cmocka_unit_test(test_null_calibration),
		cmocka_unit_test(test_site_www),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
