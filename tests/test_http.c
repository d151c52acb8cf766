/* test_http.c - the collect building blocks against hand-written answers:
 * Link/Retry-After/rate-limit header parsing, backoff (closed form), the
 * URL policy, request URLs, page parsing with date filters, checkpoints
 * and target lists. The network loop is tested by tests/cli/collect_*.sh
 * against a local replay server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "fetch/checkpoint.h"
#include "fetch/fetch.h"
#include "fetch/http.h"
#include "tests/testdir.h"

static void test_link_next(void **state)
{
	static const struct {
		const char *hdr, *want; /* want NULL: no next link */
	} cases[] = {
		{ "<https://m.example/api/v1/timelines/public?max_id=7>; "
		  "rel=\"next\", <https://m.example/x?min_id=9>; rel=\"prev\"",
		  "https://m.example/api/v1/timelines/public?max_id=7" },
		{ "<https://a/p>; rel=\"prev\", <https://a/n>; rel=\"next\"",
		  "https://a/n" },
		{ "<https://a/p>; rel=\"prev\"", NULL },
		{ "<u1>; rel=next", "u1" },
		{ "<u1>; rel=\"prev next\"", "u1" },
		{ "<u1>;REL=\"NEXT\"", "u1" },
		{ "<u,1>; rel=\"next\"", "u,1" },
		{ "<u1>; title=\"a, b\"; rel=\"next\"", "u1" },
		{ "<u1>; rel=\"nextpage\"", NULL },
		{ "<u1>; rel=\"next", "u1" },
		{ "garbage; rel=\"next\"", NULL },
		{ "<unterminated; rel=\"next\"", NULL },
		{ "", NULL },
		{ "<>; rel=\"next\"", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *url = NULL;
		int r = fetch_link_next(cases[i].hdr, strlen(cases[i].hdr), &url);

		if (cases[i].want) {
			assert_int_equal(r, 1);
			assert_string_equal(url, cases[i].want);
		} else {
			assert_int_equal(r, 0);
			assert_null(url);
		}
		free(url);
	}
}

static void test_retry_after(void **state)
{
	/* 2015-10-21 07:28:00 UTC is 1445412480 (date -u -d ... +%s) */
	static const struct {
		const char *v;
		int64_t now, want; /* want -1: unparsable */
	} cases[] = {
		{ "120", 0, 120 },
		{ "0", 0, 0 },
		{ "1.5", 0, 2 },
		{ "Wed, 21 Oct 2015 07:28:00 GMT", 1445412420, 60 },
		{ "Wed, 21 Oct 2015 07:28:00 GMT", 1445412490, 0 },
		{ "soon", 0, -1 },
		{ "", 0, -1 },
		{ "-5", 0, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t s = -99;
		int r = fetch_retry_after(cases[i].v, strlen(cases[i].v),
					  cases[i].now, &s);

		if (cases[i].want < 0) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(s, cases[i].want);
		}
	}
}

static void test_rate_wait(void **state)
{
	/* now = 1700000000 = 2023-11-14T22:13:20Z; absolute resets get one
	 * second of clock-skew margin, Reddit's relative reset none */
	static const struct {
		enum platform p;
		const char *hdr;
		int force, want_r;
		int64_t want_s;
	} cases[] = {
		{ PLATFORM_X, "x-rate-limit-remaining: 0\r\n"
			      "x-rate-limit-reset: 1700000100\r\n", 0, 1, 101 },
		{ PLATFORM_X, "x-rate-limit-remaining: 5\r\n"
			      "x-rate-limit-reset: 1700000100\r\n", 0, 0, 0 },
		{ PLATFORM_X, "x-rate-limit-remaining: 5\r\n"
			      "x-rate-limit-reset: 1700000100\r\n", 1, 1, 101 },
		{ PLATFORM_X, "x-rate-limit-remaining: 0\r\n"
			      "x-rate-limit-reset: 1600000000\r\n", 0, 1, 1 },
		{ PLATFORM_BLUESKY, "RateLimit-Remaining: 0\r\n"
				    "RateLimit-Reset: 1700000030\r\n", 0, 1, 31 },
		{ PLATFORM_MASTODON, "X-RateLimit-Remaining: 0\r\n"
				     "X-RateLimit-Reset: 2023-11-14T22:15:00.000Z\r\n",
		  0, 1, 101 },
		{ PLATFORM_REDDIT, "X-Ratelimit-Remaining: 0.0\r\n"
				   "X-Ratelimit-Reset: 42\r\n", 0, 1, 42 },
		{ PLATFORM_REDDIT, "X-Ratelimit-Remaining: 3.0\r\n"
				   "X-Ratelimit-Reset: 42\r\n", 0, 0, 0 },
		{ PLATFORM_REDDIT, "X-Ratelimit-Remaining: 0\r\n", 0, 0, 0 },
		{ PLATFORM_X, "x-rate-limit-remaining: 0\r\n"
			      "x-rate-limit-reset: tomorrow\r\n", 0, 0, 0 },
		/* Bluesky's headers are not X's */
		{ PLATFORM_BLUESKY, "x-rate-limit-remaining: 0\r\n"
				    "x-rate-limit-reset: 1700000100\r\n", 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t s = -1;
		int r = fetch_rate_wait(cases[i].p, cases[i].hdr,
					strlen(cases[i].hdr), 1700000000,
					cases[i].force, &s);

		assert_int_equal(r, cases[i].want_r);
		if (r)
			assert_int_equal(s, cases[i].want_s);
	}
}

static void test_backoff(void **state)
{
	/* c = min(max, base * 2^attempt); delay = c/2 + u * c/2 */
	static const struct {
		double base, max;
		int attempt;
		double u, want;
	} cases[] = {
		{ 1, 60, 0, 0, 0.5 },     { 1, 60, 0, 0.5, 0.75 },
		{ 1, 60, 3, 0.5, 6 },     { 1, 60, 10, 0, 30 },
		{ 1, 60, 10, 1, 60 },     { 0.05, 60, 2, 1, 0.2 },
		{ 2, 5, 1, 0, 2 },        { 2, 5, 2, 0, 2.5 },
		{ 1, 60, 1000, 0.25, 37.5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double d = fetch_backoff(cases[i].base, cases[i].max,
					 cases[i].attempt, cases[i].u);

		assert_true(d > cases[i].want - 1e-9 && d < cases[i].want + 1e-9);
	}
}

static void test_url_policy(void **state)
{
	static const struct {
		const char *url;
		int ok;
	} cases[] = {
		{ "https://api.x.com", 1 },
		{ "https://mastodon.social/api/v1", 1 },
		{ "http://127.0.0.1:8080/x", 1 },
		{ "http://127.1.2.3/", 1 },
		{ "http://localhost:9/", 1 },
		{ "http://[::1]:80/", 1 },
		{ "HTTPS://API.X.COM/", 1 },
		{ "http://127.0.0.1.evil.example/", 0 },
		{ "http://localhost.evil.example/", 0 },
		{ "http://10.0.0.1/", 0 },
		{ "http://api.x.com/", 0 },
		{ "ftp://127.0.0.1/", 0 },
		{ "file:///etc/passwd", 0 },
		{ "not a url", 0 },
		{ "", 0 },
	};
	char host[256], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum cib_err e = http_url_check(cases[i].url, host, sizeof(host),
						err, sizeof(err));

		if (cases[i].ok)
			assert_int_equal(e, CIB_OK);
		else
			assert_int_equal(e, CIB_EUSAGE);
	}
	assert_int_equal(http_url_check("http://127.0.0.1:5/a", host,
					sizeof(host), err, sizeof(err)),
			 CIB_OK);
	assert_string_equal(host, "127.0.0.1");
}

static void test_header_find(void **state)
{
	static const char h[] = "HTTP/1.1 200 OK\r\nLink: <a>; rel=\"next\"\r\n"
				"X-RateLimit-Remaining:  5 \r\n"
				"x-ratelimit-remaining: 7\r\nEmpty:\r\n\r\n";
	const char *v;
	size_t n;

	(void)state;
	assert_int_equal(http_header_find(h, strlen(h), "link", &v, &n), 1);
	assert_int_equal(n, strlen("<a>; rel=\"next\""));
	assert_memory_equal(v, "<a>; rel=\"next\"", n);
	/* the last occurrence wins, trimmed */
	assert_int_equal(http_header_find(h, strlen(h), "X-RATELIMIT-REMAINING",
					  &v, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(v[0], '7');
	assert_int_equal(http_header_find(h, strlen(h), "x-ratelimit-remain", &v,
					  &n), 0);
	assert_int_equal(http_header_find(h, strlen(h), "empty", &v, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(http_header_find(h, strlen(h), "retry-after", &v, &n),
			 0);
}

static void test_escape(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a b/c?d=e&f", "a%20b%2Fc%3Fd%3De%26f" },
		{ "\xe4\xb8\xad", "%E4%B8%AD" },
		{ "-._~AZaz09", "-._~AZaz09" },
		{ "#tag", "%23tag" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = http_escape(cases[i].in);

		assert_non_null(e);
		assert_string_equal(e, cases[i].want);
		free(e);
	}
}

static void test_build_url(void **state)
{
	struct fetch_opts o;
	char *u = NULL;

	(void)state;
	fetch_opts_init(&o);
	o.platform = PLATFORM_BLUESKY;
	o.mode = FETCH_ACCOUNT;
	o.base_url = "https://h/";
	assert_int_equal(fetch_build_url(&o, "alice.bsky.social",
					 "2024-03-05T13:30:00.000Z", 100, &u),
			 CIB_OK);
	assert_string_equal(u, "https://h/xrpc/app.bsky.feed.getAuthorFeed?"
			       "actor=alice.bsky.social&limit=100&cursor="
			       "2024-03-05T13%3A30%3A00.000Z");
	free(u);

	o.platform = PLATFORM_REDDIT;
	o.mode = FETCH_SUBREDDIT;
	o.base_url = "https://oauth.reddit.com";
	assert_int_equal(fetch_build_url(&o, "worldnews", "t3_x", 30, &u),
			 CIB_OK);
	assert_string_equal(u, "https://oauth.reddit.com/r/worldnews/new?"
			       "limit=30&raw_json=1&after=t3_x");
	free(u);
	o.mode = FETCH_ACCOUNT;
	assert_int_equal(fetch_build_url(&o, "a b", NULL, 500, &u), CIB_OK);
	assert_string_equal(u, "https://oauth.reddit.com/user/a%20b/overview?"
			       "sort=new&limit=100&raw_json=1");
	free(u);

	/* X: page size clamped to the endpoint's minimum; the two endpoints
	 * name the cursor differently */
	o.platform = PLATFORM_X;
	o.mode = FETCH_QUERY;
	o.base_url = "https://api.x.com";
	o.since = 1709251200; /* 2024-03-01T00:00:00Z */
	assert_int_equal(fetch_build_url(&o, "#\xe4\xb8\xad -is:retweet", "abc",
					 3, &u),
			 CIB_OK);
	assert_true(strncmp(u, "https://api.x.com/2/tweets/search/recent?query="
			       "%23%E4%B8%AD%20-is%3Aretweet&max_results=10&",
			    strlen("https://api.x.com/2/tweets/search/recent?"
				   "query=%23%E4%B8%AD%20-is%3Aretweet&"
				   "max_results=10&")) == 0);
	assert_non_null(strstr(u, "&start_time=2024-03-01T00:00:00Z"));
	assert_null(strstr(u, "end_time"));
	assert_true(strlen(u) > 12 &&
		    strcmp(u + strlen(u) - 15, "&next_token=abc") == 0);
	free(u);
	o.mode = FETCH_ACCOUNT;
	assert_int_equal(fetch_build_url(&o, "42", "abc", 100, &u), CIB_OK);
	assert_true(strncmp(u, "https://api.x.com/2/users/42/tweets?"
			       "max_results=100&", 52) == 0);
	assert_non_null(strstr(u, "&pagination_token=abc"));
	free(u);

	o.platform = PLATFORM_MASTODON;
	o.mode = FETCH_TAG;
	o.base_url = "https://m.example";
	o.since = TIME_NONE;
	assert_int_equal(fetch_build_url(&o, "news", NULL, 100, &u), CIB_OK);
	assert_string_equal(u, "https://m.example/api/v1/timelines/tag/news?"
			       "limit=40");
	free(u);
	/* a Mastodon cursor is the server's next link itself */
	assert_int_equal(fetch_build_url(&o, "news", "https://m.example/n?x=1",
					 100, &u),
			 CIB_OK);
	assert_string_equal(u, "https://m.example/n?x=1");
	free(u);
	/* a mode the platform has not */
	o.mode = FETCH_QUERY;
	assert_int_equal(fetch_build_url(&o, "q", NULL, 100, &u), CIB_EUSAGE);
	assert_null(u);
}

/* X page: three tweets 03-05, 03-04, 03-03 (12:00 UTC) */
static const char x_page[] =
	"{\"data\": [\n"
	"  {\"id\": \"3\", \"created_at\": \"2024-03-05T12:00:00.000Z\"},\n"
	"  {\"id\": \"2\", \"created_at\": \"2024-03-04T12:00:00.000Z\"},\n"
	"  {\"id\": \"1\", \"created_at\": \"2024-03-03T12:00:00.000Z\"}\r\n"
	"], \"meta\": {\"result_count\": 3, \"next_token\": \"nt\"}}";

static const char x_err[] = "{\"errors\":[{\"title\":\"Not Found Error\","
			    "\"detail\":\"no\\nuser\"}]}";

static void test_parse_x(void **state)
{
	struct fetch_opts o;
	struct fetch_page pg;
	char err[256];
	cJSON *j, *d;

	(void)state;
	fetch_opts_init(&o);
	o.platform = PLATFORM_X;
	o.mode = FETCH_ACCOUNT;
	/* no filter: the page's own bytes, line breaks as spaces */
	assert_int_equal(fetch_parse_page(&o, x_page, strlen(x_page), NULL, 0,
					  &pg, err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.n_items, 3);
	assert_int_equal(pg.n_kept, 3);
	assert_string_equal(pg.next, "nt");
	assert_int_equal(pg.past_since, 0);
	assert_int_equal(pg.oldest, 1709467200); /* 2024-03-03T12:00:00Z */
	assert_int_equal(pg.out_len, strlen(x_page) + 1);
	for (size_t i = 0; i < strlen(x_page); i++)
		assert_int_equal(pg.out[i], x_page[i] == '\n' || x_page[i] == '\r'
						    ? ' '
						    : x_page[i]);
	assert_int_equal(pg.out[pg.out_len - 1], '\n');
	fetch_page_release(&pg);

	/* --since 2024-03-04 --until 2024-03-05: only tweet 2 stays */
	o.since = 1709510400;
	o.until = 1709596800;
	assert_int_equal(fetch_parse_page(&o, x_page, strlen(x_page), NULL, 0,
					  &pg, err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.n_items, 3);
	assert_int_equal(pg.n_kept, 1);
	assert_int_equal(pg.past_since, 1);
	assert_non_null(memchr(pg.out, '\n', pg.out_len));
	assert_int_equal((char *)memchr(pg.out, '\n', pg.out_len) - pg.out,
			 (long)pg.out_len - 1);
	j = cJSON_ParseWithLength(pg.out, pg.out_len);
	d = cJSON_GetObjectItem(j, "data");
	assert_int_equal(cJSON_GetArraySize(d), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "id")
				    ->valuestring,
			    "2");
	/* the rest of the page is kept */
	assert_non_null(cJSON_GetObjectItem(j, "meta"));
	cJSON_Delete(j);
	fetch_page_release(&pg);

	/* rate limit in the body; an empty last page; malformed JSON */
	o.since = o.until = TIME_NONE;
	assert_int_equal(fetch_parse_page(&o, "{\"errors\":[{\"code\":88}]}", 24,
					  NULL, 0, &pg, err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.rate_limited, 1);
	fetch_page_release(&pg);
	assert_int_equal(fetch_parse_page(&o, "{\"meta\":{\"result_count\":0}}",
					  27, NULL, 0, &pg, err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.n_items, 0);
	assert_null(pg.next);
	assert_int_equal(pg.out_len, 0);
	fetch_page_release(&pg);
	/* a control character in the detail is not echoed to the terminal */
	assert_int_equal(fetch_parse_page(&o, x_err, strlen(x_err), NULL, 0, &pg,
					  err, sizeof(err)),
			 CIB_OK);
	assert_string_equal(pg.api_error, "Not Found Error: no user");
	assert_int_equal(pg.n_items, 0);
	fetch_page_release(&pg);
	assert_int_equal(fetch_parse_page(&o, "{\"data\":[{\"id\":", 15, NULL, 0,
					  &pg, err, sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "malformed JSON at byte"));
	assert_int_equal(fetch_parse_page(&o, "{\"data\":{}}", 11, NULL, 0, &pg,
					  err, sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "'data'"));
}

static void test_parse_mastodon_bluesky_reddit(void **state)
{
	static const char m[] =
		"[{\"id\":\"2\",\"created_at\":\"2024-03-05T00:00:00Z\",\"n\":1},\n"
		" {\"id\":\"1\",\"created_at\":\"2024-03-04T00:00:00Z\"}]";
	static const char mh[] = "HTTP/1.1 200 OK\r\nLink: <https://m/a?max_id=1>;"
				 " rel=\"next\"\r\n\r\n";
	/* the repost sorts by reason.indexedAt (03-06), the post by the
	 * earlier of createdAt and indexedAt (03-02) */
	static const char b[] =
		"{\"feed\":[{\"post\":{\"record\":{\"createdAt\":"
		"\"2024-03-01T00:00:00Z\"},\"indexedAt\":\"2024-03-07T00:00:00Z\"},"
		"\"reason\":{\"indexedAt\":\"2024-03-06T00:00:00Z\"}},"
		"{\"post\":{\"record\":{\"createdAt\":\"2024-03-02T00:00:00Z\"},"
		"\"indexedAt\":\"2024-03-03T00:00:00Z\"}}],\"cursor\":\"c1\"}";
	static const char r[] =
		"{\"kind\":\"Listing\",\"data\":{\"after\":null,\"children\":["
		"{\"kind\":\"t3\",\"data\":{\"created_utc\":1709600000.0}},"
		"{\"kind\":\"t1\",\"data\":{\"created_utc\":1709500000}}]}}";
	struct fetch_opts o;
	struct fetch_page pg;
	char err[256];

	(void)state;
	fetch_opts_init(&o);
	o.platform = PLATFORM_MASTODON;
	o.mode = FETCH_ACCOUNT;
	assert_int_equal(fetch_parse_page(&o, m, strlen(m), mh, strlen(mh), &pg,
					  err, sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.n_kept, 2);
	assert_string_equal(pg.next, "https://m/a?max_id=1");
	assert_string_equal(pg.out, "{\"id\":\"2\",\"created_at\":"
				    "\"2024-03-05T00:00:00Z\",\"n\":1}\n"
				    "{\"id\":\"1\",\"created_at\":"
				    "\"2024-03-04T00:00:00Z\"}\n");
	fetch_page_release(&pg);
	assert_int_equal(fetch_parse_page(&o, "{}", 2, NULL, 0, &pg, err,
					  sizeof(err)),
			 CIB_EPARSE);

	o.platform = PLATFORM_BLUESKY;
	assert_int_equal(fetch_parse_page(&o, b, strlen(b), NULL, 0, &pg, err,
					  sizeof(err)),
			 CIB_OK);
	assert_string_equal(pg.next, "c1");
	assert_int_equal(pg.oldest, 1709337600); /* 2024-03-02T00:00:00Z */
	fetch_page_release(&pg);
	o.since = 1709683200; /* 2024-03-06T00:00:00Z: keeps the repost only */
	assert_int_equal(fetch_parse_page(&o, b, strlen(b), NULL, 0, &pg, err,
					  sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.n_kept, 1);
	assert_int_equal(pg.past_since, 1);
	fetch_page_release(&pg);
	o.mode = FETCH_QUERY; /* searchPosts pages hold "posts" */
	assert_int_equal(fetch_parse_page(&o, b, strlen(b), NULL, 0, &pg, err,
					  sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "'posts'"));

	o.platform = PLATFORM_REDDIT;
	o.mode = FETCH_SUBREDDIT;
	o.since = TIME_NONE;
	o.until = 1709550000;
	assert_int_equal(fetch_parse_page(&o, r, strlen(r), NULL, 0, &pg, err,
					  sizeof(err)),
			 CIB_OK);
	assert_int_equal(pg.n_items, 2);
	assert_int_equal(pg.n_kept, 1);
	assert_null(pg.next); /* "after": null ends the listing */
	assert_int_equal(pg.oldest, 1709500000);
	fetch_page_release(&pg);
}

static void test_checkpoint(void **state)
{
	struct checkpoint c, d;
	char path[] = "/tmp/cibscan-test-ckpt-XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	static const struct {
		const char *text;
		const char *field; /* expected in the error */
	} bad[] = {
		{ "[]", "not a JSON object" },
		{ "{\"version\":2}", "version" },
		{ "{\"version\":1,\"query\":\"zz\"}", "query" },
		{ "{\"version\":1,\"query\":\"1\",\"target\":\"-1\"}", "target" },
		{ "{\"version\":1,\"query\":\"1\",\"target\":\"0\",\"pages\":"
		  "\"0\",\"items\":\"0\",\"bytes\":7}", "bytes" },
		{ "{\"version\":1,\"query\":\"1\",\"target\":\"0\",\"pages\":"
		  "\"0\",\"items\":\"0\",\"bytes\":\"7\",\"cursor\":5}", "cursor" },
		{ "{\"version\":1,\"query\":\"1\",\"target\":\"0\",\"pages\":"
		  "\"0\",\"items\":\"0\",\"bytes\":\"7\",\"cursor\":null}", "done" },
	};

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	checkpoint_init(&c);
	c.query = 0xfedcba9876543210ULL;
	c.target = 3;
	c.pages = 12;
	c.items = 1200;
	c.bytes = 1152921504606846976ULL; /* 2^60: past a double's precision */
	assert_int_equal(checkpoint_set_cursor(&c, "tok \"q\" \xe4\xb8\xad"),
			 CIB_OK);
	assert_int_equal(checkpoint_save(&c, path, err, sizeof(err)), CIB_OK);
	assert_int_equal(checkpoint_load(&d, path, err, sizeof(err)), CIB_OK);
	assert_true(d.query == c.query);
	assert_int_equal(d.target, 3);
	assert_int_equal(d.pages, 12);
	assert_int_equal(d.items, 1200);
	assert_true(d.bytes == 1152921504606846976ULL);
	assert_string_equal(d.cursor, c.cursor);
	assert_int_equal(d.done, 0);
	checkpoint_release(&d);
	checkpoint_release(&c);
	remove(path);
	assert_int_equal(checkpoint_load(&d, path, err, sizeof(err)),
			 CIB_ENOTFOUND);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(checkpoint_parse(&d, bad[i].text,
						  strlen(bad[i].text), err,
						  sizeof(err)),
				 CIB_EPARSE);
		assert_non_null(strstr(err, bad[i].field));
		assert_null(d.cursor);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_targets(void **state)
{
	char path[] = "/tmp/cibscan-test-targets-XXXXXX";
	char err[256], big[1200];
	char **t;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "# suspicious\n111\r\n\n  222  \n111\n333");
	assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n, err,
					    sizeof(err)),
			 CIB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(t[0], "111");
	assert_string_equal(t[1], "222");
	assert_string_equal(t[2], "333");
	fetch_targets_free(t, n);

	/* 'cibscan flag' CSV: quoted fields with commas and line breaks;
	 * rows of other platforms skipped; Reddit takes the handle */
	write_file(path, "account_id,platform,handle,score,cluster_id,reasons\n"
			 "t2_a,reddit,alice,0.9,1,\"a, b\nc\"\n"
			 "9,x,bob,0.8,1,r\n"
			 "t2_c,reddit,carol,0.7,2,\"q\"\"q\"\n");
	assert_int_equal(fetch_targets_load(path, PLATFORM_REDDIT, &t, &n, err,
					    sizeof(err)),
			 CIB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(t[0], "alice");
	assert_string_equal(t[1], "carol");
	fetch_targets_free(t, n);
	assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n, err,
					    sizeof(err)),
			 CIB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(t[0], "9");
	fetch_targets_free(t, n);
	assert_int_equal(fetch_targets_load(path, PLATFORM_MASTODON, &t, &n, err,
					    sizeof(err)),
			 CIB_ENOTFOUND);

	/* a flag CSV read by core/csvrec: blanks around a platform do not
	 * count; a quote still open at the end is an error naming the line
	 * the row starts on, not a silently kept field */
	write_file(path, "account_id,platform,handle\n"
			 "7, x ,h7\n"
			 "8,reddit,h8\n"
			 "9,x,\"h9\n");
	assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n, err,
					    sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "line 4: quote still open"));
	write_file(path, "account_id,platform,handle\n"
			 "7, x ,h7\n"
			 "8,reddit,h8\n");
	assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n, err,
					    sizeof(err)),
			 CIB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(t[0], "7");
	fetch_targets_free(t, n);

	/* a flag CSV row past 1 MiB (libcsv would grow without bound) */
	{
		size_t n2 = (size_t)2 << 20;
		char *huge = malloc(n2 + 200);
		int len;

		assert_non_null(huge);
		len = snprintf(huge, 200, "account_id,platform,handle,score,"
				 "cluster_id,reasons\n1,x,a,1,1,\"");
		memset(huge + len, 'r', n2);
		memcpy(huge + len + n2, "\"\n", 3);
		write_file(path, huge);
		free(huge);
		assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n,
						    err, sizeof(err)),
				 CIB_ETOOBIG);
		assert_non_null(strstr(err, "line 2"));
	}

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(path, big);
	assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n, err,
					    sizeof(err)),
			 CIB_ETOOBIG);
	assert_non_null(strstr(err, "line 1"));
	remove(path);
	assert_int_equal(fetch_targets_load(path, PLATFORM_X, &t, &n, err,
					    sizeof(err)),
			 CIB_ENOTFOUND);
}

static void test_fingerprint(void **state)
{
	struct fetch_opts o;
	const char *a[] = { "1", "2" }, *b[] = { "1", "3" }, *c[] = { "12" };
	uint64_t h;

	(void)state;
	fetch_opts_init(&o);
	o.platform = PLATFORM_X;
	o.base_url = "https://api.x.com";
	h = fetch_fingerprint(&o, a, 2);
	assert_true(h == fetch_fingerprint(&o, a, 2));
	assert_true(h != fetch_fingerprint(&o, b, 2));
	/* ("1","2") and ("12") must not collide by concatenation */
	assert_true(h != fetch_fingerprint(&o, c, 1));
	o.since = 0;
	assert_true(h != fetch_fingerprint(&o, a, 2));
}

/* What checkpoint_save does to what is at its path: a link planted at the
 * temporary name it once used (NAME.tmp.PID) is never followed; a link to
 * a regular file has the file replaced and stays a link; a FIFO is refused
 * at once (opening it would have waited for a reader), not replaced. */
static void test_checkpoint_targets(void **state)
{
	char dir[] = "/tmp/cibscan-ckpt-XXXXXX";
	char path[512], planted[600], victim[600], real[600], fifo[600];
	char err[512], buf[64];
	struct checkpoint c, d;
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.jsonl.ckpt", dir);
	snprintf(planted, sizeof(planted), "%s.tmp.%ld", path, (long)getpid());
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	assert_non_null(f);
	fputs("keep me\n", f);
	fclose(f);
	assert_int_equal(symlink(victim, planted), 0);
	checkpoint_init(&c);
	c.query = 42;
	c.pages = 3;
	assert_int_equal(checkpoint_save(&c, path, err, sizeof(err)), CIB_OK);
	f = fopen(victim, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "keep me\n");
	assert_int_equal(checkpoint_load(&d, path, err, sizeof(err)), CIB_OK);
	assert_int_equal(d.pages, 3);
	checkpoint_release(&d);
	/* out.jsonl.ckpt, victim, the planted link: nothing else */
	assert_int_equal(testdir_entries(dir), 3);
	unlink(planted);
	unlink(path);
	/* a link to a regular file: the file replaced, the link kept */
	snprintf(real, sizeof(real), "%s/real.ckpt", dir);
	f = fopen(real, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(symlink("real.ckpt", path), 0);
	c.pages = 4;
	assert_int_equal(checkpoint_save(&c, path, err, sizeof(err)), CIB_OK);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(checkpoint_load(&d, real, err, sizeof(err)), CIB_OK);
	assert_int_equal(d.pages, 4);
	checkpoint_release(&d);
	assert_int_equal(testdir_entries(dir), 3);
	/* a FIFO: refused, left as it was */
	snprintf(fifo, sizeof(fifo), "%s/fifo.ckpt", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(checkpoint_save(&c, fifo, err, sizeof(err)),
			 CIB_EUSAGE);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(testdir_entries(dir), 4);
	checkpoint_release(&c);
	unlink(fifo);
	unlink(path);
	unlink(real);
	unlink(victim);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_next),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_rate_wait),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_header_find),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_build_url),
		cmocka_unit_test(test_parse_x),
		cmocka_unit_test(test_parse_mastodon_bluesky_reddit),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_checkpoint_targets),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_fingerprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
