/* test_crowdtangle.c - the CrowdTangle reader (Pages, Groups, Instagram)
 * and the shared CSV count parser against hand-made fixtures.
 *
 * Expected times are Unix seconds computed outside cibscan (Python's
 * calendar.timegm after converting the zone by hand: EST = UTC-5, EDT =
 * UTC-4, HKT = UTC+8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/crowdtangle.h"
#include "collectors/csvread.h"
#include "collectors/ingest.h"
#include "core/dataset.h"
#include "core/diag.h"

struct fx {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	enum cib_err err;
};

static void fx_open(struct fx *f, int strict)
{
	struct ingest_opts o;

	ingest_opts_init(&o);
	o.strict = strict;
	dataset_init(&f->ds);
	diag_init(&f->dg, strict);
	ingest_init(&f->in, &f->ds, &f->dg, &o);
}

static void fx_file(struct fx *f, const char *path)
{
	fx_open(f, 0);
	f->err = ingest_file(&f->in, path, FORMAT_AUTO);
}

static void fx_mem(struct fx *f, const char *buf, size_t n)
{
	struct source src;

	fx_open(f, 0);
	assert_int_equal(source_open_mem(&src, "mem.csv", buf, n), CIB_OK);
	f->err = ingest_source(&f->in, &src, FORMAT_CROWDTANGLE);
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

static uint32_t post_of(const struct dataset *ds, enum platform p,
			const char *id)
{
	uint32_t s = sid(ds, id), j;

	assert_int_not_equal(s, STR_NONE);
	j = dataset_find_post(ds, p, s);
	assert_int_not_equal(j, UINT32_MAX);
	return j;
}

static uint32_t acc_of(const struct dataset *ds, enum platform p,
		       const char *id)
{
	uint32_t s = sid(ds, id), a;

	assert_int_not_equal(s, STR_NONE);
	a = dataset_find_account(ds, p, s);
	assert_int_not_equal(a, UINT32_MAX);
	return a;
}

static void urls(const struct dataset *ds, uint32_t j, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
	     k++) {
		int w = snprintf(buf + used, n - used, "%s%s%s",
				 used ? "|" : "",
				 ds->ent.type[k] == ENT_URL ? "U:" : "?:",
				 ds_str(ds, ds->ent.str[k]));

		assert_true(w > 0 && (size_t)w < n - used);
		used += (size_t)w;
	}
}

static void test_pages(void **state)
{
	struct fx f;
	struct dataset *ds = &f.ds;
	uint32_t j, a;
	char buf[512];

	(void)state;
	fx_file(&f, "fixtures/crowdtangle/pages.csv");
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.in.files[0].format, FORMAT_CROWDTANGLE);
	assert_int_equal(ds->post.n, 2);
	assert_int_equal(ds->acc.n, 1);
	assert_int_equal(f.in.files[0].bad, 2);

	j = post_of(ds, PLATFORM_FACEBOOK,
		    "facebook.com/chinadailyfans/posts/4012345678901234");
	assert_int_equal(ds->post.time[j], 1614620096); /* 12:34:56 EST */
	assert_int_equal(ds->post.kind[j], POST_ORIGINAL);
	assert_string_equal(ds_text(ds, j),
			    "Xinjiang cotton is clean\nsee \"the facts\"");
	assert_int_equal(ds->post.likes[j], 1024);
	assert_int_equal(ds->post.replies[j], 12);
	assert_int_equal(ds->post.reposts[j], 3);
	assert_int_equal(ds->post.quotes[j], COUNT_NONE);
	urls(ds, j, buf, sizeof(buf));
	assert_string_equal(buf, "U:https://bit.ly/abc|"
				 "U:https://www.chinadaily.com.cn/a/x.html");

	/* trailing '/' dropped from the id; Final Link == Link kept once */
	j = post_of(ds, PLATFORM_FACEBOOK,
		    "facebook.com/chinadailyfans/posts/4012345678909999");
	assert_int_equal(ds->post.time[j], 1615726800); /* 09:00 EDT */
	assert_int_equal(ds->post.text[j], STR_NONE);
	assert_int_equal(ds->post.likes[j], 7);
	assert_int_equal(ds->post.replies[j], COUNT_NONE);
	assert_int_equal(ds->post.reposts[j], 0);
	urls(ds, j, buf, sizeof(buf));
	assert_string_equal(buf, "U:https://bit.ly/abc");

	a = acc_of(ds, PLATFORM_FACEBOOK, "100064000000001");
	assert_int_equal(ds->post.account[j], a);
	assert_string_equal(ds_str(ds, ds->acc.handle[a]), "chinadailyfans");
	assert_string_equal(ds_str(ds, ds->acc.name[a]),
			    "China Daily Fans Club");
	assert_string_equal(ds_str(ds, ds->acc.description[a]),
			    "Daily news, every day");
	assert_string_equal(ds_str(ds, ds->acc.location[a]), "CN");
	assert_int_equal(ds->acc.created[a], 1332355222);
	/* second row had no followers: its page likes are the audience */
	assert_int_equal(ds->acc.followers[a], 1234567);
	assert_int_equal(ds->change.n, 1);
	assert_int_equal(ds->change.field[0], ACC_FIELD_NAME);
	assert_int_equal(ds->change.time[0], 1615726800);
	assert_string_equal(ds_str(ds, ds->change.old_value[0]),
			    "China Daily Fans");

	assert_int_equal(f.dg.n_kept, 2);
	assert_int_equal(f.dg.kept[0].line, 5);
	assert_string_equal(f.dg.kept[0].where, "Likes");
	assert_string_equal(f.dg.kept[0].reason, "bad Likes: '12x'");
	assert_int_equal(f.dg.kept[1].line, 6);
	assert_string_equal(f.dg.kept[1].where, "Post Created");
	assert_string_equal(f.dg.kept[1].reason,
			    "bad Post Created: '2021-02-30 10:00:00 EST'");
	fx_close(&f);
}

static void test_groups(void **state)
{
	struct fx f;
	struct dataset *ds = &f.ds;
	uint32_t j, a;

	(void)state;
	fx_file(&f, "fixtures/crowdtangle/groups.csv");
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.in.files[0].format, FORMAT_CROWDTANGLE);
	assert_int_equal(ds->post.n, 1);
	j = post_of(ds, PLATFORM_FACEBOOK,
		    "facebook.com/groups/200300400/permalink/555666777");
	assert_int_equal(ds->post.time[j], 1565615100); /* 21:05 HKT */
	assert_int_equal(ds->post.likes[j], 2001);
	assert_int_equal(ds->post.reposts[j], 1500);
	assert_int_equal(ds->post.replies[j], 40);
	assert_string_equal(ds_text(ds, j), "Support the police!");
	assert_int_equal(ds->post.ent_off[j + 1] - ds->post.ent_off[j], 0);
	a = acc_of(ds, PLATFORM_FACEBOOK, "200300400");
	assert_string_equal(ds_str(ds, ds->acc.name[a]),
			    "Friends of Hong Kong Police");
	assert_int_equal(ds->acc.handle[a], STR_NONE);
	assert_int_equal(ds->acc.followers[a], 25000);
	assert_int_equal(ds->acc.created[a], 1561968000);
	fx_close(&f);
}

static void test_instagram(void **state)
{
	struct fx f;
	struct dataset *ds = &f.ds;
	uint32_t j, a;
	char buf[256];

	(void)state;
	fx_file(&f, "fixtures/crowdtangle/instagram.csv");
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.in.files[0].format, FORMAT_CROWDTANGLE);
	assert_int_equal(ds->post.n, 1);
	j = post_of(ds, PLATFORM_INSTAGRAM, "instagram.com/p/COabc123XYZ");
	assert_int_equal(ds->post.time[j], 1619940600);
	assert_string_equal(ds_text(ds, j),
			    "Cute panda #panda #china");
	assert_int_equal(ds->post.likes[j], 5120);
	assert_int_equal(ds->post.replies[j], 33);
	assert_int_equal(ds->post.reposts[j], COUNT_NONE);
	urls(ds, j, buf, sizeof(buf));
	assert_string_equal(buf, "U:https://www.instagram.com/p/COabc123XYZ/");
	a = acc_of(ds, PLATFORM_INSTAGRAM, "pandadaily");
	assert_int_equal(ds->acc.platform[a], PLATFORM_INSTAGRAM);
	assert_string_equal(ds_str(ds, ds->acc.name[a]), "Panda Daily");
	assert_int_equal(ds->acc.followers[a], 88000);
	fx_close(&f);
}

static void test_split_date_and_errors(void **state)
{
	static const char split[] =
		"User Name,Facebook Id,Post Created Date,Post Created Time,URL\n"
		"p,1,2021-01-02,03:04:05,https://facebook.com/1/posts/2\n"
		"p,1,2021-01-02,,https://facebook.com/1/posts/3\n"
		"p,,,,https://facebook.com/1/posts/4\n"
		",,2021-01-02,03:04:05,https://facebook.com/1/posts/5\n"
		"p,1,2021-01-02,03:04:05,not a url\n";
	static const char nourl[] = "User Name,Facebook Id,Post Created\n"
				    "p,1,2021-01-02 03:04:05 EST\n";
	struct fx f;

	(void)state;
	fx_mem(&f, split, sizeof(split) - 1);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.ds.post.n, 2);
	/* 2021-01-02 03:04:05 UTC and 2021-01-02 00:00 UTC */
	assert_int_equal(f.ds.post.time[post_of(&f.ds, PLATFORM_FACEBOOK,
						"facebook.com/1/posts/2")],
			 1609556645);
	assert_int_equal(f.ds.post.time[post_of(&f.ds, PLATFORM_FACEBOOK,
						"facebook.com/1/posts/3")],
			 1609545600);
	/* row 4 falls back to User Name "p": a different account than "1" */
	assert_int_equal(f.dg.n_bad, 3);
	assert_int_equal(f.dg.kept[0].line, 4);
	assert_string_equal(f.dg.reasons[0].reason, "missing Post Created");
	assert_int_equal(f.dg.kept[1].line, 5);
	assert_string_equal(f.dg.reasons[1].reason, "missing account id");
	assert_int_equal(f.dg.kept[2].line, 6);
	assert_string_equal(f.dg.kept[2].reason, "bad URL: 'not a url'");
	fx_close(&f);

	fx_mem(&f, nourl, sizeof(nourl) - 1);
	assert_int_equal(f.err, CIB_EFORMAT);
	assert_non_null(strstr(f.in.errmsg, "'URL'"));
	fx_close(&f);
}

static void test_parse_count(void **state)
{
	static const struct {
		const char *s;
		int ok;
		int64_t v;
	} cases[] = {
		{ "0", 1, 0 },
		{ "1,234", 1, 1234 },
		{ "1,234,567", 1, 1234567 },
		{ "12.0", 1, 12 },
		{ "7.00", 1, 7 },
		{ "", 1, COUNT_NONE },
		{ " 5 ", 1, 5 },
		{ "1,23", 0, 0 },
		{ "12,3456", 0, 0 },
		{ ",123", 0, 0 },
		{ "-3", 0, 0 },
		{ "1.5", 0, 0 },
		{ "abc", 0, 0 },
		{ "12x", 0, 0 },
		{ ".0", 0, 0 },
		{ "99999999999999999999", 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -42;
		int r = csvread_parse_count(cases[i].s, strlen(cases[i].s), &v);

		if ((r == 0) != cases[i].ok || (r == 0 && v != cases[i].v))
			fail_msg("'%s': r=%d v=%lld", cases[i].s, r,
				 (long long)v);
	}
}

static void test_sniff(void **state)
{
	static const char pages[] =
		"Page Name,User Name,Facebook Id,Likes at Posting,"
		"Followers at Posting,Post Created,Type,Likes,URL,Message\n";
	static const char insta[] = "\xEF\xBB\xBF"
				    "Account,User Name,Followers at Posting,"
				    "Created,Type,Likes,Comments,URL\n";
	static const char tweets[] = "tweetid,userid,tweet_time\n";

	(void)state;
	assert_true(crowdtangle_sniff(pages, sizeof(pages) - 1) >= 60);
	assert_true(crowdtangle_sniff(insta, sizeof(insta) - 1) >= 60);
	assert_int_equal(crowdtangle_sniff(tweets, sizeof(tweets) - 1), 0);
	assert_int_equal(ingest_detect(pages, sizeof(pages) - 1),
			 FORMAT_CROWDTANGLE);
	assert_int_equal(ingest_detect(insta, sizeof(insta) - 1),
			 FORMAT_CROWDTANGLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_instagram),
		cmocka_unit_test(test_split_date_and_errors),
		cmocka_unit_test(test_parse_count),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
