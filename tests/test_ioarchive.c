/* test_ioarchive.c - the IO archive readers against hand-made fixtures.
 *
 * Expected times are Unix seconds computed outside cibscan (Python's
 * calendar.timegm on the UTC fields), line numbers and values are read off
 * the fixture files by eye; nothing here is the code's own output replayed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/ingest.h"
#include "collectors/ioarchive.h"
#include "core/dataset.h"
#include "core/diag.h"

#define H "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE="

struct fx {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	enum cib_err err;
};

static void fx_open(struct fx *f, int strict, size_t max_record)
{
	struct ingest_opts o;

	ingest_opts_init(&o);
	o.strict = strict;
	if (max_record)
		o.max_record = max_record;
	dataset_init(&f->ds);
	diag_init(&f->dg, strict);
	ingest_init(&f->in, &f->ds, &f->dg, &o);
}

static void fx_file(struct fx *f, const char *path, enum cib_format fmt,
		    int strict)
{
	fx_open(f, strict, 0);
	f->err = ingest_file(&f->in, path, fmt);
}

static void fx_mem_threads(struct fx *f, const char *buf, size_t n,
			   enum cib_format fmt, int strict, size_t max_record,
			   int threads)
{
	struct source src;
	struct ingest_opts o;

	ingest_opts_init(&o);
	o.strict = strict;
	o.threads = threads;
	if (max_record)
		o.max_record = max_record;
	dataset_init(&f->ds);
	diag_init(&f->dg, strict);
	ingest_init(&f->in, &f->ds, &f->dg, &o);
	assert_int_equal(source_open_mem(&src, "mem.csv", buf, n), CIB_OK);
	f->err = ingest_source(&f->in, &src, fmt);
	source_close(&src);
}

static void fx_mem(struct fx *f, const char *buf, size_t n,
		   enum cib_format fmt, int strict, size_t max_record)
{
	struct source src;

	fx_open(f, strict, max_record);
	assert_int_equal(source_open_mem(&src, "mem.csv", buf, n), CIB_OK);
	f->err = ingest_source(&f->in, &src, fmt);
	source_close(&src);
}

static void fx_close(struct fx *f)
{
	ingest_release(&f->in);
	dataset_release(&f->ds);
}

static uint32_t sid(const struct dataset *ds, const char *s)
{
	uint32_t id;

	strpool_find(&ds->strings, s, strlen(s), &id);
	return id;
}

static uint32_t post_of(const struct dataset *ds, const char *id)
{
	uint32_t s = sid(ds, id);
	uint32_t j;

	assert_int_not_equal(s, STR_NONE);
	j = dataset_find_post(ds, PLATFORM_X, s);
	assert_int_not_equal(j, UINT32_MAX);
	return j;
}

static uint32_t acc_of(const struct dataset *ds, const char *id)
{
	uint32_t s = sid(ds, id);
	uint32_t a;

	assert_int_not_equal(s, STR_NONE);
	a = dataset_find_account(ds, PLATFORM_X, s);
	assert_int_not_equal(a, UINT32_MAX);
	return a;
}

/* Entities of post j as "T:value|T:value" (T = U, H, M). */
static void ents(const struct dataset *ds, uint32_t j, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	if (!ds->post.ent_off)
		return;
	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
	     k++) {
		const char *t = ds->ent.type[k] == ENT_URL       ? "U"
				: ds->ent.type[k] == ENT_HASHTAG ? "H"
								 : "M";
		int w = snprintf(buf + used, n - used, "%s%s:%s",
				 used ? "|" : "", t, ds_str(ds, ds->ent.str[k]));

		assert_true(w > 0 && (size_t)w < n - used);
		used += (size_t)w;
	}
}

static void test_tweets_basic(void **state)
{
	struct fx f;
	struct dataset *ds = &f.ds;
	uint32_t j, a;
	char buf[512];
	int handle_change = 0, loc_change = 0;

	(void)state;
	fx_file(&f, "fixtures/ioarchive/tweets_basic.csv", FORMAT_AUTO, 0);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.in.n_files, 1);
	assert_int_equal(f.in.files[0].format, FORMAT_IOARCHIVE_TWEETS);
	assert_int_equal(f.in.files[0].records, 4);
	assert_int_equal(f.in.files[0].posts, 4);
	assert_int_equal(f.in.files[0].bad, 0);
	assert_int_equal(ds->post.n, 4);
	assert_int_equal(ds->acc.n, 2);

	/* 1: original, minutes only, both list styles, comma inside quotes */
	j = post_of(ds, "1135477370000000001");
	assert_int_equal(ds->post.time[j], 1559553300);
	assert_true(ds->post.flags[j] & POST_TIME_MINUTES);
	assert_int_equal(ds->post.kind[j], POST_ORIGINAL);
	assert_string_equal(ds_text(ds, j),
			    "Hong Kong rioters must stop");
	assert_string_equal(ds_str(ds, ds->post.lang[j]), "en");
	assert_string_equal(ds_str(ds, ds->post.client[j]),
			    "Twitter Web Client");
	assert_int_equal(ds->post.ref_post[j], STR_NONE);
	assert_int_equal(ds->post.likes[j], 2);
	assert_int_equal(ds->post.reposts[j], 3);
	assert_int_equal(ds->post.replies[j], 1);
	assert_int_equal(ds->post.quotes[j], 0);
	ents(ds, j, buf, sizeof(buf));
	assert_string_equal(buf, "H:HongKong|H:China|U:https://example.com/a,b|"
				 "U:http://t.co/x|M:1234|M:" H);

	/* 2: retweet by a hashed account, seconds given, "True", no counts */
	j = post_of(ds, "1135477370000000002");
	assert_int_equal(ds->post.time[j], 1559553390);
	assert_false(ds->post.flags[j] & POST_TIME_MINUTES);
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(ds_str(ds, ds->post.ref_post[j]),
			    "1135477370000000001");
	assert_string_equal(ds_str(ds, ds->post.ref_account[j]),
			    "884689848401047552");
	assert_string_equal(ds_str(ds, ds->post.lang[j]), "en");
	assert_int_equal(ds->post.likes[j], COUNT_NONE);
	assert_int_equal(ds->post.reposts[j], COUNT_NONE);
	assert_int_equal(ds->post.replies[j], COUNT_NONE);
	assert_int_equal(ds->post.quotes[j], COUNT_NONE);
	assert_int_equal(ds->acc.id[ds->post.account[j]], sid(ds, H));
	ents(ds, j, buf, sizeof(buf));
	assert_string_equal(buf, "");

	/* 3: reply; text with a newline and doubled quotes */
	j = post_of(ds, "1135477370000000003");
	assert_int_equal(ds->post.time[j], 1559570340);
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_string_equal(ds_str(ds, ds->post.ref_post[j]),
			    "1135477370000000002");
	assert_string_equal(ds_str(ds, ds->post.ref_account[j]), H);
	assert_string_equal(ds_text(ds, j),
			    "line one\nsaid \"hello\", then left");
	assert_int_equal(ds->post.likes[j], COUNT_NONE);

	/* 4: quote; "1,234" and "7.0" counts; Python-repr escapes */
	j = post_of(ds, "1135477370000000004");
	assert_int_equal(ds->post.time[j], 1559613600);
	assert_int_equal(ds->post.kind[j], POST_QUOTE);
	assert_string_equal(ds_str(ds, ds->post.ref_post[j]),
			    "1135477370000000001");
	assert_int_equal(ds->post.ref_account[j], STR_NONE);
	assert_int_equal(ds->post.likes[j], 1234);
	assert_int_equal(ds->post.reposts[j], 7);
	ents(ds, j, buf, sizeof(buf));
	assert_string_equal(buf, "H:a b|H:it's");

	/* the renamed, moved account: latest values and two changes */
	a = acc_of(ds, "884689848401047552");
	assert_string_equal(ds_str(ds, ds->acc.handle[a]), "liwei_news");
	assert_string_equal(ds_str(ds, ds->acc.name[a]), "Li Wei");
	assert_string_equal(ds_str(ds, ds->acc.location[a]), "Beijing");
	assert_string_equal(ds_str(ds, ds->acc.description[a]), "news fan");
	assert_string_equal(ds_str(ds, ds->acc.lang[a]), "zh-cn");
	assert_int_equal(ds->acc.created[a], 1504051200);
	assert_int_equal(ds->acc.followers[a], 12);
	assert_int_equal(ds->acc.following[a], 340);
	assert_int_equal(ds->change.n, 2);
	for (size_t k = 0; k < ds->change.n; k++) {
		assert_int_equal(ds->change.account[k], a);
		assert_int_equal(ds->change.time[k], 1559613600);
		if (ds->change.field[k] == ACC_FIELD_HANDLE) {
			handle_change++;
			assert_string_equal(
				ds_str(ds, ds->change.old_value[k]), "liwei88");
			assert_string_equal(
				ds_str(ds, ds->change.new_value[k]),
				"liwei_news");
		} else if (ds->change.field[k] == ACC_FIELD_LOCATION) {
			loc_change++;
			assert_string_equal(
				ds_str(ds, ds->change.old_value[k]),
				"New York, USA");
		}
	}
	assert_int_equal(handle_change, 1);
	assert_int_equal(loc_change, 1);
	a = acc_of(ds, H);
	assert_string_equal(ds_str(ds, ds->acc.lang[a]), "en");
	fx_close(&f);
}

static void test_tweets_bad_lenient(void **state)
{
	static const struct {
		uint64_t line;
		const char *where, *reason;
	} want[] = {
		{ 3, "tweet_time", "bad tweet_time: '2019-13-01 10:00'" },
		{ 4, "tweetid", "missing tweetid: empty field" },
		{ 5, "record", "wrong field count: 29 fields, header has 31" },
		{ 8, "is_retweet", "bad is_retweet: 'maybe'" },
		{ 10, "like_count", "bad like_count: 'abc'" },
		{ 13, "record", "unterminated quoted field: quote still open "
				"at end of input" },
	};
	struct fx f;
	uint32_t j;

	(void)state;
	fx_file(&f, "fixtures/ioarchive/tweets_bad.csv", FORMAT_AUTO, 0);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.ds.post.n, 4);
	assert_int_equal(f.in.files[0].bad, 6);
	assert_int_equal(f.dg.n_bad, 6);
	assert_int_equal(f.dg.n_kept, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(f.dg.kept[i].line, want[i].line);
		assert_string_equal(f.dg.kept[i].where, want[i].where);
		assert_string_equal(f.dg.kept[i].reason, want[i].reason);
		assert_string_equal(f.dg.kept[i].file,
				    "fixtures/ioarchive/tweets_bad.csv");
	}
	/* the counted reason is the text before ':' */
	assert_string_equal(f.dg.reasons[0].reason, "bad tweet_time");
	/* good rows around the bad ones all arrived */
	j = post_of(&f.ds, "2005");
	assert_string_equal(ds_text(&f.ds, j), "two\nlines");
	j = post_of(&f.ds, "2007");
	/* invalid UTF-8 is repaired to U+FFFD, not dropped */
	assert_string_equal(ds_text(&f.ds, j), "bad\xEF\xBF\xBD");
	post_of(&f.ds, "2001");
	post_of(&f.ds, "2009");
	fx_close(&f);
}

static void test_tweets_bad_strict(void **state)
{
	struct fx f;

	(void)state;
	fx_file(&f, "fixtures/ioarchive/tweets_bad.csv", FORMAT_AUTO, 1);
	assert_int_equal(f.err, CIB_EPARSE);
	assert_non_null(strstr(f.in.errmsg, "tweets_bad.csv:3"));
	assert_non_null(strstr(f.in.errmsg, "tweet_time"));
	assert_int_equal(f.ds.post.n, 1); /* line 2 only */
	fx_close(&f);
}

static void test_missing_column(void **state)
{
	static const char csv[] = "tweetid,userid,tweet_text\n1,2,hi\n";
	struct fx f;

	(void)state;
	fx_mem(&f, csv, sizeof(csv) - 1, FORMAT_IOARCHIVE_TWEETS, 0, 0);
	assert_int_equal(f.err, CIB_EFORMAT);
	assert_non_null(strstr(f.in.errmsg, "'tweet_time'"));
	assert_non_null(strstr(f.in.errmsg, "mem.csv"));
	fx_close(&f);

	fx_mem(&f, "name\nx\n", 7, FORMAT_IOARCHIVE_USERS, 0, 0);
	assert_int_equal(f.err, CIB_EFORMAT);
	assert_non_null(strstr(f.in.errmsg, "'userid'"));
	fx_close(&f);
}

static void test_list_cells(void **state)
{
	static const struct {
		const char *cell; /* CSV-quoted */
		const char *want;
	} cases[] = {
		{ "\"\"", "" },
		{ "\"[]\"", "" },
		{ "\"[a]\"", "H:a" },
		{ "\"['a', 'b']\"", "H:a|H:b" },
		{ "\"[\"\"x, y\"\", z]\"", "H:x, y|H:z" },
		{ "\"['it\\'s', 'back\\\\slash']\"", "H:it's|H:back\\slash" },
		{ "\"a, b\"", "H:a|H:b" },
		{ "\"[ spaced , out ]\"", "H:spaced|H:out" },
		{ "solo", "H:solo" },
		{ "\"['', x]\"", "H:x" },
		{ "\"['unclosed\"", "H:unclosed" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char csv[256];
		char buf[256];
		struct fx f;
		int n = snprintf(csv, sizeof(csv),
				 "tweetid,userid,tweet_time,hashtags\n"
				 "1,2,2020-01-01 00:00,%s\n",
				 cases[i].cell);

		fx_mem(&f, csv, (size_t)n, FORMAT_IOARCHIVE_TWEETS, 0, 0);
		assert_int_equal(f.err, CIB_OK);
		assert_int_equal(f.ds.post.n, 1);
		ents(&f.ds, 0, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu: cell %s gave '%s', want '%s'", i,
				 cases[i].cell, buf, cases[i].want);
		fx_close(&f);
	}
}

static void test_kinds_and_bools(void **state)
{
	static const struct {
		const char *row; /* is_retweet,retweet_tweetid,reply,quoted */
		int kind;        /* -1: bad record */
		const char *ref;
	} cases[] = {
		{ "True,9,,", POST_REPOST, "9" },
		{ "true,9,8,7", POST_REPOST, "9" },
		{ "TRUE,9,,", POST_REPOST, "9" },
		{ "1,9,,", POST_REPOST, "9" },
		{ "false,,8,7", POST_REPLY, "8" },
		{ "False,,,7", POST_QUOTE, "7" },
		{ "0,,,", POST_ORIGINAL, NULL },
		{ ",,,", POST_ORIGINAL, NULL },
		{ "yes,9,,", -1, NULL },
		{ "false,,8 8,", -1, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char csv[256];
		struct fx f;
		int n = snprintf(csv, sizeof(csv),
				 "tweetid,userid,tweet_time,is_retweet,"
				 "retweet_tweetid,in_reply_to_tweetid,"
				 "quoted_tweet_tweetid\n"
				 "1,2,2020-01-01 00:00:00,%s\n",
				 cases[i].row);

		fx_mem(&f, csv, (size_t)n, FORMAT_AUTO, 0, 0);
		assert_int_equal(f.err, CIB_OK);
		if (cases[i].kind < 0) {
			assert_int_equal(f.ds.post.n, 0);
			assert_int_equal(f.dg.n_bad, 1);
		} else {
			assert_int_equal(f.ds.post.n, 1);
			if (f.ds.post.kind[0] != cases[i].kind)
				fail_msg("case %zu: kind %d, want %d", i,
					 f.ds.post.kind[0], cases[i].kind);
			if (cases[i].ref)
				assert_string_equal(
					ds_str(&f.ds, f.ds.post.ref_post[0]),
					cases[i].ref);
			else
				assert_int_equal(f.ds.post.ref_post[0],
						 STR_NONE);
		}
		fx_close(&f);
	}
}

static void test_record_too_big(void **state)
{
	char csv[4096];
	int n;
	char big[1500];
	struct fx f;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* the big record spans lines 3-4 (a newline inside); line 5 is good */
	n = snprintf(csv, sizeof(csv),
		     "tweetid,userid,tweet_time,tweet_text\n"
		     "1,2,2020-01-01 00:00,ok\n"
		     "2,2,2020-01-01 00:01,\"%s\n%s\"\n"
		     "3,2,2020-01-01 00:02,ok\n",
		     big, big);
	fx_mem(&f, csv, (size_t)n, FORMAT_AUTO, 0, 1000);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.ds.post.n, 2);
	assert_int_equal(f.dg.n_bad, 1);
	assert_int_equal(f.dg.kept[0].line, 3);
	assert_string_equal(f.dg.reasons[0].reason, "record too large");
	fx_close(&f);

	/* an unterminated quote swallowing the rest stays bounded and is one
	 * bad record */
	n = snprintf(csv, sizeof(csv),
		     "tweetid,userid,tweet_time,tweet_text\n"
		     "1,2,2020-01-01 00:00,\"%s\n%s\n",
		     big, big);
	fx_mem(&f, csv, (size_t)n, FORMAT_AUTO, 0, 1000);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.ds.post.n, 0);
	assert_int_equal(f.dg.n_bad, 1);
	assert_int_equal(f.dg.kept[0].line, 2);
	fx_close(&f);
}

static void test_nul_and_crlf_lines(void **state)
{
	static const char csv[] =
		"userid,account_creation_date\r\n"
		"1,2019-01-01\r\n"
		"\r\n"
		"x y,2019-01-01\r\n"
		"\"3\r\nstill 3\",2019-01-01\r\n"
		"4,2019-01-0\0\r\n"
		"5,2019-02-31\r\n"
		"6,2019-01-01";
	struct fx f;

	(void)state;
	fx_mem(&f, csv, sizeof(csv) - 1, FORMAT_AUTO, 0, 0);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.in.files[0].format, FORMAT_IOARCHIVE_USERS);
	assert_int_equal(f.ds.acc.n, 2); /* 1 and 6 */
	assert_int_equal(f.dg.n_bad, 4);
	assert_int_equal(f.dg.kept[0].line, 4);
	assert_string_equal(f.dg.kept[0].reason, "bad userid: 'x y'");
	assert_int_equal(f.dg.kept[1].line, 5);
	assert_int_equal(f.dg.kept[2].line, 7);
	assert_string_equal(f.dg.kept[2].where, "account_creation_date");
	assert_string_equal(f.dg.kept[2].reason, "NUL byte: in field 2");
	assert_int_equal(f.dg.kept[3].line, 8);
	assert_string_equal(f.dg.kept[3].reason,
			    "bad account_creation_date: '2019-02-31'");
	fx_close(&f);
}

/* A row of 100,000 empty fields under a 3-column header is one bad record
 * whose message gives the true count. */
static void test_wide_row(void **state)
{
	static const char head[] = "userid,account_creation_date,x\n1,";
	size_t n = sizeof(head) - 1 + 100000 + 1;
	char *csv = malloc(n);
	struct fx f;

	(void)state;
	assert_non_null(csv);
	memcpy(csv, head, sizeof(head) - 1);
	memset(csv + sizeof(head) - 1, ',', 100000);
	csv[n - 1] = '\n';
	fx_mem(&f, csv, n, FORMAT_IOARCHIVE_USERS, 0, 0);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.dg.n_bad, 1);
	assert_string_equal(f.dg.kept[0].reason,
			    "wrong field count: 100002 fields, header has 3");
	fx_close(&f);
	free(csv);
}

static void test_users_basic(void **state)
{
	struct fx f;
	struct dataset *ds = &f.ds;
	uint32_t a;

	(void)state;
	fx_file(&f, "fixtures/ioarchive/users_basic.csv", FORMAT_AUTO, 0);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.in.files[0].format, FORMAT_IOARCHIVE_USERS);
	assert_int_equal(f.in.files[0].records, 2);
	assert_int_equal(ds->acc.n, 2);
	assert_int_equal(ds->post.n, 0);
	a = acc_of(ds, "4057984825");
	assert_string_equal(ds_str(ds, ds->acc.name[a]),
			    "\xE5\x89\x8D\xE5\xB0\x98\xE5\xBE\x80\xE4\xBA\x8B");
	assert_string_equal(ds_str(ds, ds->acc.handle[a]), "baillopud5");
	assert_string_equal(ds_str(ds, ds->acc.location[a]), "California, USA");
	assert_string_equal(ds_str(ds, ds->acc.description[a]),
			    "cool\r\nsecond line");
	assert_string_equal(ds_str(ds, ds->acc.lang[a]), "zh-tw");
	assert_int_equal(ds->acc.created[a], 1446076800);
	assert_int_equal(ds->acc.followers[a], 17116);
	assert_int_equal(ds->acc.following[a], 76);
	a = acc_of(ds, H);
	assert_int_equal(ds->acc.followers[a], COUNT_NONE);
	assert_int_equal(ds->acc.following[a], 0);
	assert_int_equal(ds->acc.created[a], 1504065900);
	assert_int_equal(ds->acc.lang[a], STR_NONE);
	assert_int_equal(ds->acc.location[a], STR_NONE);
	fx_close(&f);
}

/* Every prefix of a valid file: never a crash, never a hang, and the rows
 * fully inside the prefix are all read. */
static void test_truncated_prefixes(void **state)
{
	FILE *fp = fopen("fixtures/ioarchive/tweets_basic.csv", "rb");
	char buf[8192];
	size_t n;

	(void)state;
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_true(n > 100 && n < sizeof(buf));
	for (size_t k = 0; k <= n; k++) {
		struct fx f;

		fx_mem(&f, buf, k, FORMAT_IOARCHIVE_TWEETS, 0, 0);
		assert_true(f.err == CIB_OK || f.err == CIB_EFORMAT);
		assert_true(f.ds.post.n + f.dg.n_bad <= 4);
		if (k == n)
			assert_int_equal(f.ds.post.n, 4);
		fx_close(&f);
	}
}

static void test_sniff(void **state)
{
	static const char tw[] = "\"tweetid\",\"userid\",\"user_display_name\","
				 "\"tweet_text\",\"tweet_time\",\"is_retweet\"\n";
	static const char us[] = "\xEF\xBB\xBF\"userid\",\"user_display_name\","
				 "\"user_screen_name\",\"account_creation_date\""
				 ",\"account_language\"\r\n";
	static const char other[] = "id,text,created_at\n1,x,y\n";

	(void)state;
	assert_true(ioarchive_sniff_tweets(tw, sizeof(tw) - 1) >= 60);
	assert_int_equal(ioarchive_sniff_users(tw, sizeof(tw) - 1), 0);
	assert_true(ioarchive_sniff_users(us, sizeof(us) - 1) >= 60);
	assert_int_equal(ioarchive_sniff_tweets(us, sizeof(us) - 1), 0);
	assert_int_equal(ioarchive_sniff_tweets(other, sizeof(other) - 1), 0);
	assert_int_equal(ioarchive_sniff_users(other, sizeof(other) - 1), 0);
	/* a head cut inside the header never reads past n */
	assert_int_equal(ioarchive_sniff_tweets(tw, 10), 0);
	assert_int_equal(ingest_detect(tw, sizeof(tw) - 1),
			 FORMAT_IOARCHIVE_TWEETS);
	assert_int_equal(ingest_detect(us, sizeof(us) - 1),
			 FORMAT_IOARCHIVE_USERS);
}


/* ---- the two-thread reader gives what the one-thread reader gives ---- */

#define BIG_ROWS 40000

static const char big_header[] =
	"tweetid,userid,user_display_name,user_screen_name,"
	"user_reported_location,user_profile_description,user_profile_url,"
	"follower_count,following_count,account_creation_date,"
	"account_language,tweet_language,tweet_text,tweet_time,"
	"tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,"
	"quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,"
	"latitude,longitude,quote_count,reply_count,like_count,"
	"retweet_count,hashtags,urls,user_mentions,poll_choices\n";

/* Several MB of rows (so several read chunks and batches), a known set of
 * them bad in known ways, and an unterminated quote at the end. Returns
 * the buffer; *n_bad gets how many records are bad. */
static char *big_csv(size_t *len, size_t *n_bad, size_t header_pad)
{
	size_t cap = (size_t)BIG_ROWS * 400 + 8192 + header_pad, n = 0;
	char *b = malloc(cap);

	assert_non_null(b);
	*n_bad = 0;
	memcpy(b, big_header, sizeof(big_header) - 2);
	n = sizeof(big_header) - 2;
	for (size_t k = 0; k < header_pad; k++)
		b[n++] = ' '; /* a blank-padded last column name */
	b[n++] = '\n';
	for (size_t i = 0; i < BIG_ROWS; i++) {
		const char *time = i % 997 == 5 ? "2019-13-01 10:00"
						 : "2019-06-03 09:15";
		char text[64];
		int w;

		if (i % 2503 == 7) /* a quoted newline: one record, two lines */
			snprintf(text, sizeof(text), "\"two\nlines, %zu\"", i);
		else
			snprintf(text, sizeof(text), "plain text %zu", i);

		if (i % 1601 == 3) { /* 29 fields */
			w = snprintf(b + n, cap - n,
				     "%zu,u%zu,,,,,,,,,,,,,,,,,,,,,,,,,,,\n",
				     i + 1, i % 50);
			(*n_bad)++;
		} else {
			w = snprintf(b + n, cap - n,
				     "%zu,u%zu,Name %zu,h%zu,Beijing,bio,,"
				     "10,20,2019-01-01,en,en,%s,%s,"
				     "Twitter Web App,,,,false,,,absent,absent,"
				     "0,0,%zu,0,\"[tag%zu]\",[],[],\n",
				     i + 1, i % 50, i % 50, i % 50, text, time,
				     i % 7, i % 13);
			*n_bad += i % 997 == 5;
		}
		assert_true(w > 0 && (size_t)w < cap - n);
		n += (size_t)w;
		if (i % 3001 == 11)
			b[n - 3] = '\0'; /* a NUL inside poll_choices' row */
		*n_bad += i % 3001 == 11 && i % 1601 != 3;
	}
	n += (size_t)snprintf(b + n, cap - n, "%d,u1,\"open quote", 999999);
	(*n_bad)++;
	*len = n;
	return b;
}

static void assert_same_read(const struct fx *a, const struct fx *b)
{
	assert_int_equal(a->err, b->err);
	assert_string_equal(a->in.errmsg, b->in.errmsg);
	assert_int_equal(a->ds.post.n, b->ds.post.n);
	assert_int_equal(a->ds.acc.n, b->ds.acc.n);
	assert_int_equal(a->ds.strings.n, b->ds.strings.n);
	for (size_t j = 0; j < a->ds.post.n; j++) {
		assert_int_equal(a->ds.post.time[j], b->ds.post.time[j]);
		assert_string_equal(ds_str(&a->ds, a->ds.post.id[j]),
				    ds_str(&b->ds, b->ds.post.id[j]));
		assert_string_equal(ds_text(&a->ds, j),
				    ds_text(&b->ds, j));
	}
	assert_int_equal(a->dg.n_bad, b->dg.n_bad);
	assert_int_equal(a->dg.n_kept, b->dg.n_kept);
	for (size_t i = 0; i < a->dg.n_kept; i++) {
		assert_int_equal(a->dg.kept[i].line, b->dg.kept[i].line);
		assert_string_equal(a->dg.kept[i].where, b->dg.kept[i].where);
		assert_string_equal(a->dg.kept[i].reason, b->dg.kept[i].reason);
	}
	if (a->in.n_files && b->in.n_files) {
		assert_int_equal(a->in.files[0].records, b->in.files[0].records);
		assert_int_equal(a->in.files[0].bad, b->in.files[0].bad);
		assert_int_equal(a->in.files[0].posts, b->in.files[0].posts);
	}
}

static void test_threads_same(void **state)
{
	size_t len, n_bad;
	char *buf = big_csv(&len, &n_bad, 0);
	struct fx one, two;

	(void)state;
	assert_true(len > ((size_t)2 << 20)); /* more than one read chunk */
	/* lenient: every record, every bad one, in the same order */
	fx_mem_threads(&one, buf, len, FORMAT_AUTO, 0, 0, 1);
	fx_mem_threads(&two, buf, len, FORMAT_AUTO, 0, 0, 2);
	assert_int_equal(one.err, CIB_OK);
	assert_int_equal(one.in.files[0].threads, 1);
	assert_int_equal(two.in.files[0].threads, 2); /* really piped */
	assert_int_equal(one.dg.n_bad, n_bad);
	assert_int_equal(one.ds.post.n, BIG_ROWS - (n_bad - 1));
	assert_int_equal(one.in.files[0].posts, BIG_ROWS - (n_bad - 1));
	/* the last bad record is the open quote at the end */
	assert_same_read(&one, &two);
	fx_close(&one);
	fx_close(&two);
	/* strict: both stop at the first bad record (row 6, line 7) */
	fx_mem_threads(&one, buf, len, FORMAT_AUTO, 1, 0, 1);
	fx_mem_threads(&two, buf, len, FORMAT_AUTO, 1, 0, 2);
	assert_int_equal(one.err, CIB_EPARSE);
	assert_non_null(strstr(one.in.errmsg, "mem.csv:5"));
	assert_int_equal(one.ds.post.n, 3);
	assert_same_read(&one, &two);
	fx_close(&one);
	fx_close(&two);
	free(buf);
	/* a fatal header error is reported the same way */
	buf = big_csv(&len, &n_bad, 2000);
	fx_mem_threads(&one, buf, len, FORMAT_AUTO, 0, 1024, 1);
	fx_mem_threads(&two, buf, len, FORMAT_AUTO, 0, 1024, 2);
	assert_int_equal(one.err, CIB_ETOOBIG);
	assert_non_null(strstr(one.in.errmsg, "header row longer"));
	assert_same_read(&one, &two);
	fx_close(&one);
	fx_close(&two);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tweets_basic),
		cmocka_unit_test(test_tweets_bad_lenient),
		cmocka_unit_test(test_tweets_bad_strict),
		cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_list_cells),
		cmocka_unit_test(test_kinds_and_bools),
		cmocka_unit_test(test_record_too_big),
		cmocka_unit_test(test_nul_and_crlf_lines),
		cmocka_unit_test(test_wide_row),
		cmocka_unit_test(test_users_basic),
		cmocka_unit_test(test_truncated_prefixes),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_threads_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
