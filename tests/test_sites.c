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

#include <cmocka.h>

#include "features/htmlpage.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_ids),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
