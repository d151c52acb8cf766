/* test_urlnorm.c - canonical URLs and registrable domains, table-driven,
 * expectations written from the rules in docs/features-reuse.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "features/urlnorm.h"

struct ucase {
	const char *in, *canon, *domain;
};

static const struct ucase cases[] = {
	/* scheme, www., host case, trailing slash, fragment, utm_* */
	{ "https://www.Example.COM/a/?utm_source=x&id=3#top", "example.com/a?id=3",
	  "example.com" },
	{ "http://example.com/a", "example.com/a", "example.com" },
	/* default ports go, others stay */
	{ "http://example.com:80/a", "example.com/a", "example.com" },
	{ "https://example.com:443", "example.com", "example.com" },
	{ "http://Example.com:8080/a/", "example.com:8080/a", "example.com" },
	/* path case is kept */
	{ "https://example.com/AbC", "example.com/AbC", "example.com" },
	/* twitter.com is x.com; ?s= and ?t= are share-client tags there */
	{ "https://twitter.com/user/status/1?s=20&t=abc",
	  "x.com/user/status/1", "x.com" },
	{ "https://mobile.twitter.com/u", "x.com/u", "x.com" },
	/* youtu.be is youtube.com/watch?v=; si= is a share id */
	{ "https://youtu.be/abc123?si=xx", "youtube.com/watch?v=abc123",
	  "youtube.com" },
	{ "https://m.youtube.com/watch?v=abc123&feature=share",
	  "youtube.com/watch?v=abc123", "youtube.com" },
	/* user info dropped, fbclid dropped, other params kept in order */
	{ "https://u:p@M.Facebook.com/story.php?story_fbid=1&fbclid=zz&id=2",
	  "facebook.com/story.php?story_fbid=1&id=2", "facebook.com" },
	/* ccTLD second levels and hosting platforms */
	{ "https://news.bbc.co.uk/x", "news.bbc.co.uk/x", "bbc.co.uk" },
	{ "http://www.sina.com.cn", "sina.com.cn", "sina.com.cn" },
	{ "https://foo.blogspot.com/2020/01/p.html",
	  "foo.blogspot.com/2020/01/p.html", "foo.blogspot.com" },
	{ "https://a.b.example.co.jp/", "a.b.example.co.jp", "example.co.jp" },
	{ "https://t.co/AbC", "t.co/AbC", "t.co" },
	/* IPv4 host is its own domain */
	{ "http://1.2.3.4/x", "1.2.3.4/x", "1.2.3.4" },
	/* trailing dot of a fully qualified host */
	{ "https://example.com./p", "example.com/p", "example.com" },
	/* not http(s) or no plausible host: rejected */
	{ "ftp://example.com/x", "", "" },
	{ "https://localhost/x", "", "" },
	{ "https:///x", "", "" },
	{ "mailto:a@b.com", "", "" },
	{ "https://exa mple.com", "", "" },
	{ "https://example.com:8o/x", "", "" },
	/* control bytes or spaces in the path: rejected */
	{ "https://example.com/a b", "", "" },
	{ "https://example.com/a\tb", "", "" },
};

static void test_canonical_table(void **state)
{
	char c[URLNORM_MAX + 1], d[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ucase *u = &cases[i];
		size_t n = urlnorm_canonical(u->in, strlen(u->in), c, sizeof(c));
		size_t m = urlnorm_domain(u->in, strlen(u->in), d, sizeof(d));

		if (strcmp(c, u->canon) || strcmp(d, u->domain))
			print_error("case %zu: %s -> '%s' '%s'\n", i, u->in, c, d);
		assert_string_equal(c, u->canon);
		assert_int_equal(n, strlen(u->canon));
		assert_string_equal(d, u->domain);
		assert_int_equal(m, strlen(u->domain));
	}
}

static void test_domain_of_bare_host(void **state)
{
	char d[64];

	(void)state;
	assert_int_equal(urlnorm_domain("News.BBC.co.uk", 14, d, sizeof(d)), 9);
	assert_string_equal(d, "bbc.co.uk");
	assert_int_equal(urlnorm_domain("example.com/x", 13, d, sizeof(d)), 11);
	assert_string_equal(d, "example.com");
	assert_int_equal(urlnorm_domain("nodot", 5, d, sizeof(d)), 0);
	/* does not fit: failure, not truncation */
	assert_int_equal(urlnorm_domain("example.com", 11, d, 5), 0);
	assert_string_equal(d, "");
}

static void test_canonical_cap(void **state)
{
	char c[8];

	(void)state;
	/* "a.io/xy" is 7 bytes: fits in 8 with its NUL; 9 bytes does not */
	assert_int_equal(urlnorm_canonical("http://a.io/xy", 14, c, sizeof(c)), 7);
	assert_int_equal(urlnorm_canonical("http://a.io/xyz", 15, c, sizeof(c)), 0);
	assert_string_equal(c, "");
	assert_int_equal(urlnorm_canonical(NULL, 0, c, sizeof(c)), 0);
	/* an embedded NUL is never copied into the output */
	assert_int_equal(urlnorm_canonical("http://a.io/\0x", 15, c, sizeof(c)),
			 0);
}

static void test_find_in_text(void **state)
{
	const char *t = "see https://t.co/x). and (www.a.org, ok; xhttp://no.pe";
	size_t off = 0, len;

	(void)state;
	assert_true(urlnorm_next(t, strlen(t), &off, &len));
	assert_int_equal(off, 4);
	assert_int_equal(len, 14); /* "https://t.co/x" without ")." */
	off += len;
	assert_true(urlnorm_next(t, strlen(t), &off, &len));
	assert_int_equal(len, 9); /* "www.a.org" */
	assert_memory_equal(t + off, "www.a.org", 9);
	off += len;
	/* "xhttp://" is glued to a letter: not a URL start */
	assert_false(urlnorm_next(t, strlen(t), &off, &len));
	assert_int_equal(urlnorm_span("www.", 4, 0), 0);
	assert_int_equal(urlnorm_span("http://", 7, 0), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_table),
		cmocka_unit_test(test_domain_of_bare_host),
		cmocka_unit_test(test_canonical_cap),
		cmocka_unit_test(test_find_in_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
