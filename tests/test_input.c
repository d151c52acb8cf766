/* test_input.c - input hardening: an escaped NUL in JSON is a malformed
 * record like a raw one (never a cut string that merges two ids), a
 * Telegram export without messages reads cleanly (no qsort on NULL), and
 * every reader accepts and refuses times by the one range of core/civil.h,
 * so what convert writes the JSONL reader reads back; a saved model loads
 * back to the same doubles. Expected values are
 * worked out by hand from the inputs written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/ingest.h"
#include "collectors/jsonl.h"
#include "collectors/jsonread.h"
#include "collectors/source.h"
#include "core/timefmt.h"
#include "core/civil.h"
#include "core/dataset.h"
#include "core/diag.h"
#include "model/logit.h"

struct loaded {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	enum cib_err err;
};

static void load_mem(struct loaded *l, const char *buf, enum cib_format f)
{
	struct source src;

	dataset_init(&l->ds);
	diag_init(&l->dg, 0);
	ingest_init(&l->in, &l->ds, &l->dg, NULL);
	assert_int_equal(source_open_mem(&src, "mem", buf, strlen(buf)),
			 CIB_OK);
	l->err = ingest_source(&l->in, &src, f);
	source_close(&src);
}

/* Whether some kept diag entry has this `where` and reason prefix. */
static int diag_has(const struct diag *d, const char *where,
		    const char *reason)
{
	for (size_t i = 0; i < d->n_kept; i++)
		if ((!where || strcmp(d->kept[i].where, where) == 0) &&
		    strncmp(d->kept[i].reason, reason, strlen(reason)) == 0)
			return 1;
	return 0;
}

static void unload(struct loaded *l)
{
	ingest_release(&l->in);
	dataset_release(&l->ds);
}

/* ---- \u0000 ---- */

#define JHEAD "{\"type\":\"cibscan\",\"version\":1}\n"
#define JPOST(acc, id)                                                  \
	"{\"type\":\"post\",\"platform\":\"x\",\"id\":\"" id              \
	"\",\"account_id\":\"" acc "\",\"time\":\"2023-03-01T01:30:00Z\"}\n"

static void test_escaped_nul_jsonl(void **state)
{
	struct loaded l;

	(void)state;
	/* "7\u0000evil" must not become account "7" */
	load_mem(&l, JHEAD JPOST("7", "p1") JPOST("7\\u0000evil", "p2"),
		 FORMAT_JSONL);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.ds.post.n, 1);
	assert_int_equal(l.ds.acc.n, 1);
	assert_int_equal(l.dg.n_bad, 1);
	assert_true(diag_has(&l.dg, NULL, "NUL"));
	unload(&l);
	/* in the post id, in the text and in a key */
	load_mem(&l, JHEAD JPOST("7", "p1\\u0000")
		     "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p3\","
		     "\"account_id\":\"8\",\"time\":\"2023-03-01T01:30:00Z\","
		     "\"text\":\"a\\u0000b\"}\n"
		     "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p4\","
		     "\"account_id\":\"8\",\"time\":\"2023-03-01T01:30:00Z\","
		     "\"te\\u0000xt\":\"x\"}\n",
		 FORMAT_JSONL);
	assert_int_equal(l.ds.post.n, 0);
	assert_int_equal(l.dg.n_bad, 3);
	unload(&l);
	/* an escaped backslash before "u0000" is text, not a NUL */
	load_mem(&l, JHEAD "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p5\","
		     "\"account_id\":\"8\",\"time\":\"2023-03-01T01:30:00Z\","
		     "\"text\":\"a\\\\u0000b\"}\n",
		 FORMAT_JSONL);
	assert_int_equal(l.dg.n_bad, 0);
	assert_int_equal(l.ds.post.n, 1);
	unload(&l);
}

static void test_escaped_nul_document(void **state)
{
	struct loaded l;

	(void)state;
	/* a whole document: fatal, with line and column, like a raw NUL */
	load_mem(&l, "{\n\"data\": [{\"id\": \"1\", \"text\": \"x\", "
		     "\"author_id\": \"7\\u0000evil\", "
		     "\"created_at\": \"2023-03-01T01:30:00.000Z\"}]}\n",
		 FORMAT_XAPI);
	assert_int_equal(l.err, CIB_EPARSE);
	assert_non_null(strstr(l.in.errmsg, "line 2"));
	assert_non_null(strstr(l.in.errmsg, "NUL"));
	assert_int_equal(l.ds.post.n, 0);
	unload(&l);
	/* Telegram's \x00, repaired to \u0000, is refused the same way */
	load_mem(&l, "{\n \"name\": \"c\", \"type\": \"public_channel\", "
		     "\"id\": 5,\n \"messages\": [{\"id\": 1, \"type\": "
		     "\"message\", \"date\": \"2023-01-01T10:00:00\", "
		     "\"date_unixtime\": \"1672567200\", \"from\": \"c\", "
		     "\"from_id\": \"channel5\", \"text\": \"a\\x00b\"}]}\n",
		 FORMAT_TELEGRAM);
	assert_int_equal(l.err, CIB_EPARSE);
	assert_non_null(strstr(l.in.errmsg, "NUL"));
	unload(&l);
}

static void test_telegram_no_messages(void **state)
{
	struct loaded l;

	(void)state;
	load_mem(&l, "{\n \"name\": \"c\", \"type\": \"public_channel\", "
		     "\"id\": 5,\n \"messages\": []}\n",
		 FORMAT_TELEGRAM);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.ds.post.n, 0);
	unload(&l);
}

/* ---- one time range for every reader ---- */

struct edge {
	int64_t t;         /* UTC seconds (python3's datetime) */
	const char *iso;   /* the same instant as ISO 8601 */
	const char *tw;    /* as X v1.1 writes it; NULL: not expressible */
	int ok;            /* inside CIVIL_TIME_MIN..CIVIL_TIME_MAX */
	int offset;        /* iso carries a zone offset */
};

static const struct edge edges[] = {
	{ INT64_C(-2208988800), "1900-01-01T00:00:00Z",
	  "Mon Jan 01 00:00:00 +0000 1900", 1, 0 },
	{ INT64_C(-2208988801), "1899-12-31T23:59:59Z",
	  "Sun Dec 31 23:59:59 +0000 1899", 0, 0 },
	{ INT64_C(7289654399), "2200-12-31T23:59:59Z",
	  "Wed Dec 31 23:59:59 +0000 2200", 1, 0 },
	{ INT64_C(7289654400), "2201-01-01T00:00:00Z",
	  "Thu Jan 01 00:00:00 +0000 2201", 0, 0 },
	{ 0, "1970-01-01T00:00:00Z", "Thu Jan 01 00:00:00 +0000 1970", 1, 0 },
	{ INT64_C(-62135596800), "0001-01-01T00:00:00Z",
	  "Mon Jan 01 00:00:00 +0000 0001", 0, 0 },
	/* the range is on the instant, not on the year as written */
	{ INT64_C(-2208987000), "1899-12-31T23:30:00-01:00", NULL, 1, 1 },
	{ INT64_C(-2208990600), "1900-01-01T00:30:00+01:00", NULL, 0, 1 },
	{ INT64_C(7289656200), "2200-12-31T23:30:00-01:00", NULL, 0, 1 },
	/* Unix seconds only: Telegram's old upper bound, year 33658 */
	{ INT64_C(999999999999), NULL, NULL, 0, 0 },
};

#define NEDGES (sizeof(edges) / sizeof(edges[0]))

enum tform { T_ISO, T_ISO_NOZONE, T_TWITTER, T_UNIX_NUM, T_UNIX_STR,
	     T_CSV, T_CT };

struct reader_case {
	const char *what;
	enum cib_format fmt;
	enum tform form;
	const char *tmpl; /* printf template with one %s for the time */
};

static const struct reader_case readers[] = {
	{ "xapi v2", FORMAT_XAPI, T_ISO,
	  "{\"data\":[{\"id\":\"1\",\"text\":\"t\",\"author_id\":\"7\","
	  "\"created_at\":\"%s\"}]}\n" },
	{ "xapi v1.1", FORMAT_XAPI, T_TWITTER,
	  "{\"id_str\":\"1\",\"text\":\"t\",\"user\":{\"id_str\":\"7\","
	  "\"screen_name\":\"s\"},\"created_at\":\"%s\"}\n" },
	{ "mastodon", FORMAT_MASTODON, T_ISO,
	  "{\"id\":\"1\",\"created_at\":\"%s\",\"content\":\"x\","
	  "\"account\":{\"id\":\"9\",\"username\":\"z\"}}\n" },
	{ "bluesky", FORMAT_BLUESKY, T_ISO,
	  "{\"posts\":[{\"uri\":\"at://did:plc:s1/app.bsky.feed.post/a\","
	  "\"author\":{\"did\":\"did:plc:s1\",\"handle\":\"s1.bsky.social\"},"
	  "\"record\":{\"text\":\"x\",\"createdAt\":\"%s\"}}]}\n" },
	{ "reddit", FORMAT_REDDIT, T_UNIX_NUM,
	  "{\"kind\":\"t3\",\"data\":{\"id\":\"s1\",\"name\":\"t3_s1\","
	  "\"author\":\"a\",\"created_utc\":%s,\"subreddit\":\"r\","
	  "\"title\":\"T\",\"selftext\":\"B\"}}\n" },
	{ "telegram unixtime", FORMAT_TELEGRAM, T_UNIX_STR,
	  "{\"name\":\"c\",\"type\":\"public_channel\",\"id\":5,\"messages\":"
	  "[{\"id\":1,\"type\":\"message\",\"date_unixtime\":\"%s\","
	  "\"from\":\"c\",\"from_id\":\"channel5\",\"text\":\"x\"}]}\n" },
	{ "telegram date", FORMAT_TELEGRAM, T_ISO_NOZONE,
	  "{\"name\":\"c\",\"type\":\"public_channel\",\"id\":5,\"messages\":"
	  "[{\"id\":1,\"type\":\"message\",\"date\":\"%s\","
	  "\"from\":\"c\",\"from_id\":\"channel5\",\"text\":\"x\"}]}\n" },
	{ "jsonl", FORMAT_JSONL, T_ISO,
	  JHEAD "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p1\","
	  "\"account_id\":\"7\",\"time\":\"%s\"}\n" },
	{ "ioarchive", FORMAT_IOARCHIVE_TWEETS, T_CSV,
	  "tweetid,userid,tweet_time,tweet_text\n1,7,%s,hi\n" },
	{ "crowdtangle", FORMAT_CROWDTANGLE, T_CT,
	  "Page Name,User Name,Facebook Id,Post Created,Message,URL\n"
	  "P,u,100,%s,hi,https://www.facebook.com/u/posts/1\n" },
};

/* The edge as this reader writes times, in buf; 0 if it cannot. */
static int edge_text(const struct edge *e, enum tform form, char *buf,
		     size_t n)
{
	switch (form) {
	case T_ISO:
		if (!e->iso)
			return 0;
		snprintf(buf, n, "%s", e->iso);
		return 1;
	case T_ISO_NOZONE: /* "YYYY-MM-DDTHH:MM:SS", read as UTC */
	case T_CSV:        /* "YYYY-MM-DD HH:MM:SS" */
	case T_CT:         /* "YYYY-MM-DD HH:MM:SS UTC" */
		if (!e->iso || e->offset)
			return 0;
		snprintf(buf, n, "%.10s%c%.8s%s", e->iso,
			 form == T_ISO_NOZONE ? 'T' : ' ', e->iso + 11,
			 form == T_CT ? " UTC" : "");
		return 1;
	case T_TWITTER:
		if (!e->tw)
			return 0;
		snprintf(buf, n, "%s", e->tw);
		return 1;
	case T_UNIX_NUM:
	case T_UNIX_STR:
		snprintf(buf, n, "%lld", (long long)e->t);
		return 1;
	}
	return 0;
}

/* Reads back what convert writes for l's dataset. */
static void round_trip(const struct loaded *l, struct loaded *back)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(jsonl_write(&l->ds, f), CIB_OK);
	fclose(f);
	load_mem(back, buf, FORMAT_JSONL);
	free(buf);
}

static void test_time_range_every_reader(void **state)
{
	char tbuf[64], doc[1024];
	size_t tried = 0;

	(void)state;
	/* the range is what the constants say, and the message names it */
	timefmt_format_utc(CIVIL_TIME_MIN, tbuf);
	assert_string_equal(tbuf, "1900-01-01T00:00:00Z");
	tbuf[10] = '\0';
	assert_non_null(strstr(TIMEFMT_RANGE_MSG, tbuf));
	timefmt_format_utc(CIVIL_TIME_MAX, tbuf);
	assert_string_equal(tbuf, "2200-12-31T23:59:59Z");
	tbuf[10] = '\0';
	assert_non_null(strstr(TIMEFMT_RANGE_MSG, tbuf));
	assert_null(strchr(TIMEFMT_RANGE_MSG, ':'));
	for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
		for (size_t k = 0; k < NEDGES; k++) {
			const struct edge *e = &edges[k];
			struct loaded l, back;

			if (!edge_text(e, readers[r].form, tbuf, sizeof(tbuf)))
				continue;
			tried++;
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
			snprintf(doc, sizeof(doc), readers[r].tmpl, tbuf);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
			load_mem(&l, doc, readers[r].fmt);
			if (l.err != CIB_OK || l.ds.post.n != (size_t)e->ok)
				fail_msg("%s, %s: err %d, %zu posts, want %d",
					 readers[r].what, tbuf, l.err,
					 l.ds.post.n, e->ok);
			if (e->ok) {
				assert_true(l.ds.post.time[0] == e->t);
				round_trip(&l, &back);
				if (back.ds.post.n != 1 || back.dg.n_bad != 0 ||
				    back.ds.post.time[0] != e->t)
					fail_msg("%s, %s: lost in the round "
						 "trip",
						 readers[r].what, tbuf);
				unload(&back);
			} else if (!diag_has(&l.dg, NULL, "time outside")) {
				fail_msg("%s, %s: refused without the range "
					 "message (%s)",
					 readers[r].what, tbuf,
					 l.dg.n_kept ? l.dg.kept[0].reason
						     : "no message");
			}
			unload(&l);
		}
	}
	assert_true(tried >= 50);
}

/* The parsers on their own: the same range for every form. */
static void test_time_range_parsers(void **state)
{
	int64_t t;

	(void)state;
	for (size_t k = 0; k < NEDGES; k++) {
		const struct edge *e = &edges[k];
		char num[32];

		if (e->iso) {
			assert_int_equal(timefmt_parse_iso(e->iso,
							   strlen(e->iso), &t,
							   NULL),
					 e->ok ? 0 : TIMEFMT_OUT_OF_RANGE);
			assert_int_equal(timefmt_parse_any(e->iso,
							   strlen(e->iso), &t,
							   NULL),
					 e->ok ? 0 : TIMEFMT_OUT_OF_RANGE);
		}
		if (e->tw)
			assert_int_equal(timefmt_parse_twitter(e->tw,
							       strlen(e->tw),
							       &t),
					 e->ok ? 0 : TIMEFMT_OUT_OF_RANGE);
		snprintf(num, sizeof(num), "%lld", (long long)e->t);
		assert_int_equal(timefmt_parse_unix(num, strlen(num), &t),
				 e->ok ? 0 : TIMEFMT_OUT_OF_RANGE);
		if (e->ok)
			assert_true(t == e->t);
	}
	/* zones move the instant across the bounds */
	assert_int_equal(timefmt_parse_zoned("2200-12-31 20:00:00 EST", 23, &t),
			 TIMEFMT_OUT_OF_RANGE);
	assert_int_equal(timefmt_parse_zoned("1899-12-31 23:00:00 EST", 23, &t),
			 0);
	assert_true(t == INT64_C(-2208974400));
	assert_int_equal(timefmt_parse_unix("99999999999999999999", 20, &t),
			 TIMEFMT_OUT_OF_RANGE);
	assert_int_equal(timefmt_parse_unix("1e15", 4, &t),
			 TIMEFMT_OUT_OF_RANGE);
	assert_int_equal(timefmt_parse_unix("12x", 3, &t), -1);
}

/* ---- a model file is an input too ---- */

static void test_model_round_trip(void **state)
{
	static const char *const names[] = { "a", "b", "c" };
	/* 0.1 + 0.2 and friends: 15 digits read back within an epsilon but
	 * not to the same double */
	const double v[] = { 0.1 + 0.2, 0.7 * 3, -1.2000000000000002,
			     1e-300, 6.02214076e23 };
	struct logit_model m, back;
	char *buf = NULL, msg[256];
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.p = 3;
	for (size_t j = 0; j < 3; j++) {
		snprintf(m.names[j], sizeof(m.names[j]), "%s", names[j]);
		m.mean[j] = v[j];
		m.sd[j] = v[j + 1] > 0 ? v[j + 1] : 1.1000000000000001;
		m.coef[j] = v[(j + 2) % 5];
	}
	m.intercept = v[4] / 7;
	m.threshold = 1.0 / 3;
	m.prior = 2.0 / 3;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(logit_save(&m, f), CIB_OK);
	fclose(f);
	assert_int_equal(logit_load(&back, buf, len, names, 3, msg,
				    sizeof(msg)),
			 CIB_OK);
	free(buf);
	assert_true(back.intercept == m.intercept);
	assert_true(back.threshold == m.threshold);
	assert_true(back.prior == m.prior);
	for (size_t j = 0; j < 3; j++) {
		assert_true(back.mean[j] == m.mean[j]);
		assert_true(back.sd[j] == m.sd[j]);
		assert_true(back.coef[j] == m.coef[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaped_nul_jsonl),
		cmocka_unit_test(test_escaped_nul_document),
		cmocka_unit_test(test_telegram_no_messages),
		cmocka_unit_test(test_model_round_trip),
		cmocka_unit_test(test_time_range_parsers),
		cmocka_unit_test(test_time_range_every_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
