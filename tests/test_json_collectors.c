/* test_json_collectors.c - the JSON collectors, the normalised JSONL round
 * trip and the shared JSON plumbing, against hand-made fixtures whose
 * expected values were worked out by hand from the fixture text (times
 * with python3's datetime, independently of timefmt.c) and against the
 * real X API samples (counts checked with python3's json module). */
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
#include "core/dataset.h"
#include "core/diag.h"

struct loaded {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	enum cib_err err;
};

static void load_opts(struct loaded *l, const char *path, enum cib_format f,
		      const struct ingest_opts *o)
{
	dataset_init(&l->ds);
	diag_init(&l->dg, o ? o->strict : 0);
	ingest_init(&l->in, &l->ds, &l->dg, o);
	l->err = ingest_file(&l->in, path, f);
}

static void load(struct loaded *l, const char *path, enum cib_format f)
{
	load_opts(l, path, f, NULL);
}

/* load_mem, the input read as JSON lines when `lines` (ingest's
 * jsonl_lines: a part of an input found to be lines) */
static void load_mem_lines(struct loaded *l, const char *buf, size_t n,
			   enum cib_format f, const struct ingest_opts *o,
			   int lines)
{
	struct source src;

	dataset_init(&l->ds);
	diag_init(&l->dg, o ? o->strict : 0);
	ingest_init(&l->in, &l->ds, &l->dg, o);
	l->in.jsonl_lines = lines;
	assert_int_equal(source_open_mem(&src, "mem", buf, n), CIB_OK);
	l->err = ingest_source(&l->in, &src, f);
	source_close(&src);
}

static void load_mem(struct loaded *l, const char *buf, size_t n,
		     enum cib_format f, const struct ingest_opts *o)
{
	load_mem_lines(l, buf, n, f, o, 0);
}

static void unload(struct loaded *l)
{
	ingest_release(&l->in);
	dataset_release(&l->ds);
}

static uint32_t post_of(const struct dataset *ds, enum platform p,
			const char *id)
{
	uint32_t sid = STR_NONE;

	strpool_find(&ds->strings, id, strlen(id), &sid);
	if (sid == STR_NONE)
		fail_msg("no string '%s'", id);
	if (dataset_find_post(ds, p, sid) == UINT32_MAX)
		fail_msg("no post '%s'", id);
	return dataset_find_post(ds, p, sid);
}

static uint32_t acc_of(const struct dataset *ds, enum platform p,
		       const char *id)
{
	uint32_t sid = STR_NONE;

	strpool_find(&ds->strings, id, strlen(id), &sid);
	if (sid == STR_NONE || dataset_find_account(ds, p, sid) == UINT32_MAX)
		fail_msg("no account '%s'", id);
	return dataset_find_account(ds, p, sid);
}

static int has_post(const struct dataset *ds, enum platform p, const char *id)
{
	uint32_t sid = STR_NONE;

	strpool_find(&ds->strings, id, strlen(id), &sid);
	return sid != STR_NONE && dataset_find_post(ds, p, sid) != UINT32_MAX;
}

/* Entities of one type joined with '|'. */
static const char *ents(const struct dataset *ds, uint32_t j,
			enum entity_type t)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1]; k++) {
		if (ds->ent.type[k] != t)
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      n ? "|" : "", ds_str(ds, ds->ent.str[k]));
	}
	return buf;
}

#define S(id) ds_str(ds, (id))

static uint64_t count_kind(const struct dataset *ds, enum post_kind k)
{
	uint64_t n = 0;

	for (size_t j = 0; j < ds->post.n; j++)
		n += ds->post.kind[j] == k;
	return n;
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

/* ---- X ---- */

static void test_xapi_v2_page(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j, a;

	(void)state;
	load(&l, "fixtures/xapi/v2_page.json", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_XAPI);
	/* 1001 1002 1003 1004 1006 from data, 900 from includes */
	assert_int_equal(ds->post.n, 6);
	assert_int_equal(ds->acc.n, 4); /* 11 12 13, and 14 from 900 */
	assert_int_equal(ds->n_duplicate_posts, 1); /* 1001 in includes */
	assert_int_equal(l.dg.n_bad, 3);
	assert_true(diag_has(&l.dg, "includes.users[3].id", "missing user id"));
	assert_true(diag_has(&l.dg, "data[4].created_at", "unparsable time"));
	assert_true(diag_has(&l.dg, "data[6].author_id", "missing author id"));
	assert_false(has_post(ds, PLATFORM_X, "999"));

	j = post_of(ds, PLATFORM_X, "1001");
	assert_int_equal(ds->post.time[j], 1677634200);
	assert_int_equal(ds->post.kind[j], POST_ORIGINAL);
	assert_string_equal(S(ds->post.lang[j]), "en");
	assert_string_equal(S(ds->post.client[j]), "Twitter Web App");
	assert_string_equal(ents(ds, j, ENT_URL), "https://example.com/story");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "Hello");
	assert_string_equal(ents(ds, j, ENT_MENTION), "bob");
	assert_int_equal(ds->post.likes[j], 10);
	assert_int_equal(ds->post.reposts[j], 5);
	assert_int_equal(ds->post.replies[j], 2);
	assert_int_equal(ds->post.quotes[j], 1);

	j = post_of(ds, PLATFORM_X, "1002");
	assert_int_equal(ds->post.time[j], 1677633330); /* +08:00 -> UTC */
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(S(ds->post.ref_post[j]), "1001");
	assert_string_equal(S(ds->post.ref_account[j]), "11");

	j = post_of(ds, PLATFORM_X, "1003"); /* replied_to beats quoted */
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_string_equal(S(ds->post.ref_post[j]), "1001");
	assert_string_equal(S(ds->post.ref_account[j]), "11");
	assert_int_equal(ds->post.likes[j], COUNT_NONE);

	j = post_of(ds, PLATFORM_X, "1004");
	assert_int_equal(ds->post.kind[j], POST_QUOTE);
	assert_string_equal(S(ds->post.ref_account[j]), "14");

	j = post_of(ds, PLATFORM_X, "1006"); /* numeric author id accepted */
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]), "13");
	j = post_of(ds, PLATFORM_X, "900");
	assert_int_equal(ds->post.time[j], 1677625200);

	a = acc_of(ds, PLATFORM_X, "11");
	assert_string_equal(S(ds->acc.handle[a]), "alice");
	assert_string_equal(S(ds->acc.name[a]), "Alice A");
	assert_string_equal(S(ds->acc.description[a]), "news");
	assert_string_equal(S(ds->acc.location[a]), "Ohio, USA");
	assert_int_equal(ds->acc.created[a], 1577934245);
	assert_int_equal(ds->acc.followers[a], 100);
	assert_int_equal(ds->acc.following[a], 50);
	unload(&l);
}

static void test_xapi_v2_lines(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;

	(void)state;
	load(&l, "fixtures/xapi/v2_pages.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_XAPI);
	assert_int_equal(ds->post.n, 3); /* 2001 2002 2004 */
	assert_int_equal(ds->acc.n, 2);
	/* line 4 truncated; line 6 an array of three non-pages */
	assert_int_equal(l.dg.n_bad, 4);
	assert_int_equal(l.dg.kept[0].line, 4);
	assert_int_equal(l.dg.kept[1].line, 6);
	assert_string_equal(l.dg.kept[1].where, "[0]");
	assert_string_equal(ds_text(ds, post_of(ds, PLATFORM_X, "2002")),
			    "page two \xe4\xbd\xa0\xe5\xa5\xbd");
	unload(&l);

	/* strict: stops at the first bad line */
	{
		struct ingest_opts o;

		ingest_opts_init(&o);
		o.strict = 1;
		load_opts(&l, "fixtures/xapi/v2_pages.jsonl", FORMAT_XAPI, &o);
		assert_int_equal(l.err, CIB_EPARSE);
		assert_int_equal(l.ds.post.n, 2);
		assert_non_null(strstr(l.in.errmsg, "v2_pages.jsonl:4"));
		unload(&l);
	}
}

static void test_xapi_v1(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j, a;

	(void)state;
	load(&l, "fixtures/xapi/v1_tweets.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_XAPI);
	assert_int_equal(ds->post.n, 5);
	assert_int_equal(ds->acc.n, 4);
	assert_int_equal(ds->n_duplicate_posts, 1); /* the retweeted source */
	assert_int_equal(l.dg.n_bad, 2);
	assert_true(diag_has(&l.dg, "id", "numeric id not an exact integer"));
	assert_true(diag_has(&l.dg, "user", "missing user"));
	assert_int_equal(ds->change.n, 1); /* replier -> replier_renamed */

	j = post_of(ds, PLATFORM_X, "1050118621198921728");
	assert_int_equal(ds->post.time[j], 1539202764);
	assert_string_equal(ds_text(ds, j),
			    "Full text of a v1.1 tweet #Tag1 https://t.co/x");
	assert_string_equal(S(ds->post.client[j]), "Twitter for Android");
	assert_string_equal(ents(ds, j, ENT_URL), "https://dev.twitter.com/");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "Tag1");
	assert_int_equal(ds->post.likes[j], 7);
	assert_int_equal(ds->post.reposts[j], 3);

	j = post_of(ds, PLATFORM_X, "1050300000000000001");
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(S(ds->post.ref_post[j]), "1050118621198921728");
	assert_string_equal(S(ds->post.ref_account[j]), "6253282");

	j = post_of(ds, PLATFORM_X, "1050300000000000002");
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_string_equal(ds_text(ds, j),
			    "@TwitterAPI this is the long extended text");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "Ext");
	assert_string_equal(ents(ds, j, ENT_MENTION), "TwitterAPI");
	assert_string_equal(S(ds->post.ref_account[j]), "6253282");

	j = post_of(ds, PLATFORM_X, "1050300000000000003");
	assert_int_equal(ds->post.kind[j], POST_QUOTE);
	assert_string_equal(S(ds->post.ref_post[j]), "1040000000000000000");
	assert_string_equal(S(ds->post.ref_account[j]), "779");
	assert_true(has_post(ds, PLATFORM_X, "1040000000000000000"));

	a = acc_of(ds, PLATFORM_X, "6253282");
	assert_string_equal(S(ds->acc.handle[a]), "TwitterAPI");
	assert_int_equal(ds->acc.created[a], 1179900073);
	assert_int_equal(ds->acc.followers[a], 6133636);
	assert_int_equal(ds->acc.following[a], 12);
	assert_string_equal(S(ds->acc.lang[a]), "en");
	a = acc_of(ds, PLATFORM_X, "778");
	assert_string_equal(S(ds->acc.handle[a]), "replier_renamed");
	unload(&l);
}

static void test_xapi_flat(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j;

	(void)state;
	load(&l, "fixtures/xapi/v2_flat.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(ds->post.n, 2);
	assert_int_equal(ds->acc.n, 2);
	j = post_of(ds, PLATFORM_X, "3001");
	assert_int_equal(ds->post.time[j], 1682942400);
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(S(ds->post.ref_account[j]), "30");
	assert_int_equal(ds->acc.followers[acc_of(ds, PLATFORM_X, "31")], 3);
	assert_string_equal(S(ds->acc.handle[acc_of(ds, PLATFORM_X, "30")]),
			    "src");
	unload(&l);
}

/* Counts checked with python3: kpop has 100 data tweets and 23 included
 * tweets, 121 distinct (78 retweets, 43 others), 112 users, all authors
 * among them; two_tweets has 1 retweet + its included source, 2 users. */
static void test_xapi_real_samples(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;

	(void)state;
	load(&l, "../shared/real-samples/xapi_v2_kpop.jsonl", FORMAT_AUTO);
	if (l.err == CIB_EIO) {
		unload(&l);
		skip();
	}
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_XAPI);
	assert_int_equal(ds->post.n, 121);
	assert_int_equal(ds->acc.n, 112);
	assert_int_equal(count_kind(ds, POST_REPOST), 78);
	assert_int_equal(l.dg.n_bad, 0);
	unload(&l);

	load(&l, "../shared/real-samples/xapi_v2_two_tweets.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(ds->post.n, 2);
	assert_int_equal(ds->acc.n, 2);
	{
		uint32_t j = post_of(ds, PLATFORM_X, "1394735776701816833");

		assert_int_equal(ds->post.kind[j], POST_REPOST);
		assert_string_equal(S(ds->post.ref_post[j]),
				    "1391677057810288641");
		assert_string_equal(S(ds->post.ref_account[j]),
				    "1380086327023169540");
		assert_string_equal(ents(ds, j, ENT_HASHTAG), "POIUYTREWQ");
		assert_string_equal(ents(ds, j, ENT_MENTION), "bibaigna96");
	}
	unload(&l);
}

/* ---- Mastodon ---- */

static void test_mastodon(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j, a;

	(void)state;
	load(&l, "fixtures/mastodon/statuses.json", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_MASTODON);
	assert_int_equal(ds->post.n, 3);
	assert_int_equal(ds->acc.n, 3);
	assert_int_equal(ds->n_duplicate_posts, 1);
	assert_int_equal(l.dg.n_bad, 3);
	assert_true(diag_has(&l.dg, "[3].created_at", "unparsable time"));
	assert_true(diag_has(&l.dg, "[4].account", "missing account"));
	assert_true(diag_has(&l.dg, "[5].content", "expected a string"));

	j = post_of(ds, PLATFORM_MASTODON, "109000000000000001");
	assert_int_equal(ds->post.time[j], 1668939330);
	assert_string_equal(ds_text(ds, j),
			    "Hello & welcome to #Fediverse!\n"
			    "Read https://example.org/news\n"
			    "<second> \xe2\x80\x9cpara\xe2\x80\x9d");
	assert_string_equal(ents(ds, j, ENT_URL), "https://example.org/news");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "fediverse");
	assert_string_equal(S(ds->post.client[j]), "Web");
	assert_int_equal(ds->post.likes[j], 3);
	assert_int_equal(ds->post.reposts[j], 2);
	assert_int_equal(ds->post.replies[j], 1);
	assert_int_equal(ds->post.quotes[j], COUNT_NONE);
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]),
			    "alice@mastodon.social");

	j = post_of(ds, PLATFORM_MASTODON, "109000000000000002");
	assert_int_equal(ds->post.time[j], 1668939330);
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_string_equal(ds_text(ds, j), "@alice Danke");
	assert_string_equal(ents(ds, j, ENT_URL), "");
	assert_string_equal(ents(ds, j, ENT_MENTION), "alice@mastodon.social");
	assert_string_equal(S(ds->post.ref_account[j]), "alice@mastodon.social");
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]),
			    "bob@chaos.social");

	j = post_of(ds, PLATFORM_MASTODON, "109000000000000003");
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(S(ds->post.ref_post[j]), "109000000000000001");
	assert_string_equal(S(ds->post.ref_account[j]), "alice@mastodon.social");
	assert_int_equal(ds->post.text[j], STR_NONE);

	a = acc_of(ds, PLATFORM_MASTODON, "alice@mastodon.social");
	assert_string_equal(S(ds->acc.handle[a]), "alice");
	assert_string_equal(S(ds->acc.description[a]), "I post things");
	assert_int_equal(ds->acc.created[a], 1551657600);
	assert_int_equal(ds->acc.followers[a], 10);
	unload(&l);

	load(&l, "fixtures/mastodon/statuses.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_MASTODON);
	assert_int_equal(ds->post.n, 3);
	j = post_of(ds, PLATFORM_MASTODON, "200");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "a|b");
	assert_string_equal(ents(ds, j, ENT_MENTION), "amy@other.org");
	/* reply to an account that is not mentioned: author unknown */
	j = post_of(ds, PLATFORM_MASTODON, "201");
	assert_int_equal(ds->post.ref_account[j], STR_NONE);
	/* no url, no domain: the bare local id */
	j = post_of(ds, PLATFORM_MASTODON, "202");
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]), "11");
	unload(&l);
}

/* ---- Bluesky ---- */

static void test_bluesky(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j, a;

	(void)state;
	load(&l, "fixtures/bluesky/author_feed.json", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_BLUESKY);
	assert_int_equal(ds->post.n, 7);
	assert_int_equal(ds->acc.n, 3);
	assert_int_equal(l.dg.n_bad, 2);
	assert_true(diag_has(&l.dg, "feed[5].post.author.did",
			     "missing author id"));
	assert_true(diag_has(&l.dg, "feed[6]", "expected a feed item"));
	assert_int_equal(count_kind(ds, POST_ORIGINAL), 4);
	assert_int_equal(count_kind(ds, POST_REPOST), 1);
	assert_int_equal(count_kind(ds, POST_REPLY), 1);
	assert_int_equal(count_kind(ds, POST_QUOTE), 1);

	j = post_of(ds, PLATFORM_BLUESKY,
		    "at://did:plc:alice111/app.bsky.feed.post/3k1");
	assert_int_equal(ds->post.time[j], 1704164645);
	assert_string_equal(S(ds->post.lang[j]), "en");
	assert_string_equal(ents(ds, j, ENT_URL), "https://example.com");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "bsky");
	assert_string_equal(ents(ds, j, ENT_MENTION), "did:plc:bob222");
	assert_int_equal(ds->post.likes[j], 3);
	assert_int_equal(ds->post.reposts[j], 2);
	assert_int_equal(ds->post.replies[j], 1);
	assert_int_equal(ds->post.quotes[j], 4);

	j = post_of(ds, PLATFORM_BLUESKY,
		    "did:plc:alice111/repost/"
		    "at://did:plc:carol333/app.bsky.feed.post/3k2");
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_int_equal(ds->post.time[j], 1704240000);
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]),
			    "did:plc:alice111");
	assert_string_equal(S(ds->post.ref_account[j]), "did:plc:carol333");

	j = post_of(ds, PLATFORM_BLUESKY,
		    "at://did:plc:carol333/app.bsky.feed.post/3k2");
	assert_string_equal(ents(ds, j, ENT_URL), "https://news.example/a");

	j = post_of(ds, PLATFORM_BLUESKY,
		    "at://did:plc:alice111/app.bsky.feed.post/3k3");
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_int_equal(ds->post.time[j], 1704294000); /* +09:00 */
	assert_string_equal(S(ds->post.ref_account[j]), "did:plc:erin555");
	assert_true(has_post(ds, PLATFORM_BLUESKY,
			     "at://did:plc:dave444/app.bsky.feed.post/r0"));

	j = post_of(ds, PLATFORM_BLUESKY,
		    "at://did:plc:alice111/app.bsky.feed.post/3k4");
	assert_int_equal(ds->post.kind[j], POST_QUOTE);
	assert_string_equal(S(ds->post.ref_post[j]),
			    "at://did:plc:carol333/app.bsky.feed.post/3k2");
	j = post_of(ds, PLATFORM_BLUESKY,
		    "at://did:plc:alice111/app.bsky.feed.post/3k5");
	assert_int_equal(ds->post.time[j], 1704499200); /* indexedAt */

	a = acc_of(ds, PLATFORM_BLUESKY, "did:plc:alice111");
	assert_string_equal(S(ds->acc.handle[a]), "alice.bsky.social");
	assert_string_equal(S(ds->acc.name[a]), "Alice");
	unload(&l);

	load(&l, "fixtures/bluesky/search.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_BLUESKY);
	assert_int_equal(ds->post.n, 2);
	assert_int_equal(l.dg.n_bad, 0);
	j = post_of(ds, PLATFORM_BLUESKY, "at://did:plc:s2/app.bsky.feed.post/b");
	assert_int_equal(ds->post.kind[j], POST_QUOTE);
	assert_string_equal(S(ds->post.ref_account[j]), "did:plc:s1");
	unload(&l);
}

/* ---- Reddit ---- */

static void test_reddit(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j;

	(void)state;
	load(&l, "fixtures/reddit/comments.json", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_REDDIT);
	assert_int_equal(ds->post.n, 4);
	assert_int_equal(ds->acc.n, 3);
	assert_int_equal(l.dg.n_bad, 3);
	assert_true(diag_has(&l.dg, "[1].data.children[1].data.author",
			     "deleted author"));
	assert_true(diag_has(&l.dg, "[1].data.children[3].data.created_utc",
			     "unparsable time"));
	assert_true(diag_has(&l.dg, "[1].data.children[4].kind",
			     "unsupported kind"));

	j = post_of(ds, PLATFORM_REDDIT, "t3_abc123");
	assert_int_equal(ds->post.time[j], 1700000000);
	assert_string_equal(ds_text(ds, j), "Big news");
	assert_string_equal(ents(ds, j, ENT_URL),
			    "https://news.example.com/story");
	assert_int_equal(ds->post.likes[j], 42);
	assert_int_equal(ds->post.replies[j], 3);

	j = post_of(ds, PLATFORM_REDDIT, "t1_c1");
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_string_equal(S(ds->post.ref_post[j]), "t3_abc123");
	assert_string_equal(ds_text(ds, j), "First & comment");

	j = post_of(ds, PLATFORM_REDDIT, "t1_c2"); /* nested replies */
	assert_int_equal(ds->post.time[j], 1700000200);
	assert_string_equal(S(ds->post.ref_post[j]), "t1_c1");
	assert_int_equal(ds->post.likes[j], COUNT_NONE); /* score -1 */
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]), "poster1");
	assert_true(has_post(ds, PLATFORM_REDDIT, "t1_c4")); /* from id */
	unload(&l);

	load(&l, "fixtures/reddit/listing.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_REDDIT);
	j = post_of(ds, PLATFORM_REDDIT, "t3_s1");
	assert_string_equal(ds_text(ds, j), "Title here\n\nBody here");
	assert_string_equal(ents(ds, j, ENT_URL), ""); /* self post */
	j = post_of(ds, PLATFORM_REDDIT, "t3_x2");
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(S(ds->post.ref_post[j]), "t3_s1");
	unload(&l);
}

/* ---- Telegram ---- */

static void test_telegram(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j;

	(void)state;
	load(&l, "fixtures/telegram/chat.json", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_TELEGRAM);
	assert_int_equal(ds->post.n, 4); /* the service message is not one */
	assert_int_equal(ds->acc.n, 2);
	assert_int_equal(l.dg.n_bad, 1);
	assert_true(diag_has(&l.dg, "messages[5].date_unixtime",
			     "unparsable time"));

	j = post_of(ds, PLATFORM_TELEGRAM, "1234567890:2");
	assert_int_equal(ds->post.time[j], 1672563600);
	assert_string_equal(ds_text(ds, j),
			    "Breaking: big story read https://example.net/x "
			    "#news here @someone");
	assert_string_equal(ents(ds, j, ENT_URL),
			    "https://example.net/x|https://example.net/y");
	assert_string_equal(ents(ds, j, ENT_HASHTAG), "news");
	assert_string_equal(ents(ds, j, ENT_MENTION), "someone");
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]),
			    "channel1234567890");

	j = post_of(ds, PLATFORM_TELEGRAM, "1234567890:3"); /* date only */
	assert_int_equal(ds->post.time[j], 1672567200);
	assert_string_equal(S(ds->acc.id[ds->post.account[j]]),
			    "channel1234567890");
	j = post_of(ds, PLATFORM_TELEGRAM, "1234567890:4");
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	j = post_of(ds, PLATFORM_TELEGRAM, "1234567890:5");
	assert_int_equal(ds->post.kind[j], POST_REPLY);
	assert_string_equal(S(ds->post.ref_post[j]), "1234567890:2");
	assert_string_equal(S(ds->post.ref_account[j]), "channel1234567890");
	assert_string_equal(ents(ds, j, ENT_MENTION), "user777");
	assert_string_equal(
		S(ds->acc.name[acc_of(ds, PLATFORM_TELEGRAM, "user42")]),
		"Some User");
	unload(&l);

	/* full export with an invalid \xe9 escape, repaired */
	load(&l, "fixtures/telegram/full_export.json", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_TELEGRAM);
	assert_int_equal(ds->post.n, 3);
	assert_int_equal(ds->acc.n, 2);
	assert_string_equal(ds_text(ds, post_of(ds, PLATFORM_TELEGRAM,
						    "111:1")),
			    "caf\xc3\xa9 bad escape");
	j = post_of(ds, PLATFORM_TELEGRAM, "111:2");
	assert_string_equal(ds_text(ds, j), "back\\\\slash ok");
	assert_string_equal(S(ds->post.ref_account[j]), "user1");
	assert_true(has_post(ds, PLATFORM_TELEGRAM, "333:1"));
	unload(&l);
}

/* ---- normalised JSONL ---- */

static void test_jsonl_fixture(void **state)
{
	struct loaded l;
	const struct dataset *ds = &l.ds;
	uint32_t j, a;

	(void)state;
	load(&l, "fixtures/jsonl/sample.jsonl", FORMAT_AUTO);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.in.files[0].format, FORMAT_JSONL);
	assert_int_equal(ds->acc.n, 2);
	assert_int_equal(ds->post.n, 2);
	assert_int_equal(l.dg.n_bad, 3);
	assert_true(diag_has(&l.dg, "kind", "unknown kind"));
	assert_true(diag_has(&l.dg, "platform", "unknown platform"));
	assert_true(diag_has(&l.dg, "type", "unknown record type"));
	a = acc_of(ds, PLATFORM_X, "1");
	assert_string_equal(S(ds->acc.location[a]), "Beijing");
	assert_int_equal(ds->acc.created[a], 1577934245);
	assert_int_equal(ds->acc.followers[a], 5);
	j = post_of(ds, PLATFORM_X, "p1");
	assert_int_equal(ds->post.time[j], 1677634200);
	assert_int_equal(ds->post.flags[j] & POST_TIME_MINUTES,
			 POST_TIME_MINUTES);
	assert_string_equal(ents(ds, j, ENT_URL), "https://a.example|https://b.example");
	assert_string_equal(ds_text(ds, j), "line1\nline2 \"q\" \xe4\xbd\xa0");
	j = post_of(ds, PLATFORM_X, "p2");
	assert_int_equal(ds->post.kind[j], POST_REPOST);
	assert_string_equal(S(ds->post.ref_post[j]), "p1");
	assert_int_equal(ds->post.flags[j] & POST_TIME_MINUTES, 0);
	unload(&l);

	/* a newer version is refused, not misread */
	{
		static const char v2[] = "{\"type\":\"cibscan\",\"version\":2}\n";

		load_mem(&l, v2, sizeof(v2) - 1, FORMAT_JSONL, NULL);
		assert_int_equal(l.err, CIB_EFORMAT);
		assert_non_null(strstr(l.in.errmsg, "version"));
		unload(&l);
	}
}

/* Writes ds as JSONL into memory. */
static char *write_mem(const struct dataset *ds, size_t *n)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);

	assert_non_null(f);
	assert_int_equal(jsonl_write(ds, f), CIB_OK);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_same_str(const struct dataset *a, uint32_t x,
			    const struct dataset *b, uint32_t y)
{
	assert_string_equal(ds_str(a, x), ds_str(b, y));
}

/* Every fixture: read, write JSONL, read it back, compare everything. */
static void test_jsonl_round_trip(void **state)
{
	static const char *const files[] = {
		"fixtures/xapi/v2_page.json",	 "fixtures/xapi/v2_pages.jsonl",
		"fixtures/xapi/v1_tweets.jsonl", "fixtures/xapi/v2_flat.jsonl",
		"fixtures/mastodon/statuses.json",
		"fixtures/mastodon/statuses.jsonl",
		"fixtures/bluesky/author_feed.json",
		"fixtures/bluesky/search.jsonl", "fixtures/reddit/comments.json",
		"fixtures/reddit/listing.jsonl", "fixtures/telegram/chat.json",
		"fixtures/telegram/full_export.json",
		"fixtures/jsonl/sample.jsonl",
	};
	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct loaded a, b;
		size_t n;
		char *buf;

		load(&a, files[f], FORMAT_AUTO);
		assert_int_equal(a.err, CIB_OK);
		buf = write_mem(&a.ds, &n);
		load_mem(&b, buf, n, FORMAT_AUTO, NULL);
		assert_int_equal(b.err, CIB_OK);
		assert_int_equal(b.in.files[0].format, FORMAT_JSONL);
		assert_int_equal(b.dg.n_bad, 0);
		assert_int_equal(a.ds.acc.n, b.ds.acc.n);
		assert_int_equal(a.ds.post.n, b.ds.post.n);
		assert_int_equal(a.ds.change.n, b.ds.change.n);
		for (size_t i = 0; i < a.ds.acc.n; i++) {
			assert_int_equal(a.ds.acc.platform[i], b.ds.acc.platform[i]);
			assert_same_str(&a.ds, a.ds.acc.id[i], &b.ds, b.ds.acc.id[i]);
			assert_same_str(&a.ds, a.ds.acc.handle[i], &b.ds,
					b.ds.acc.handle[i]);
			assert_same_str(&a.ds, a.ds.acc.name[i], &b.ds,
					b.ds.acc.name[i]);
			assert_same_str(&a.ds, a.ds.acc.description[i], &b.ds,
					b.ds.acc.description[i]);
			assert_same_str(&a.ds, a.ds.acc.location[i], &b.ds,
					b.ds.acc.location[i]);
			assert_same_str(&a.ds, a.ds.acc.lang[i], &b.ds,
					b.ds.acc.lang[i]);
			assert_int_equal(a.ds.acc.created[i], b.ds.acc.created[i]);
			assert_int_equal(a.ds.acc.followers[i],
					 b.ds.acc.followers[i]);
			assert_int_equal(a.ds.acc.following[i],
					 b.ds.acc.following[i]);
			assert_int_equal(a.ds.acc.n_changes[i],
					 b.ds.acc.n_changes[i]);
		}
		for (size_t k = 0; k < a.ds.change.n; k++) {
			assert_int_equal(a.ds.change.account[k],
					 b.ds.change.account[k]);
			assert_int_equal(a.ds.change.field[k], b.ds.change.field[k]);
			assert_same_str(&a.ds, a.ds.change.old_value[k], &b.ds,
					b.ds.change.old_value[k]);
			assert_same_str(&a.ds, a.ds.change.new_value[k], &b.ds,
					b.ds.change.new_value[k]);
		}
		for (size_t j = 0; j < a.ds.post.n; j++) {
			assert_same_str(&a.ds, a.ds.post.id[j], &b.ds, b.ds.post.id[j]);
			assert_int_equal(a.ds.post.account[j], b.ds.post.account[j]);
			assert_int_equal(a.ds.post.time[j], b.ds.post.time[j]);
			assert_string_equal(ds_text(&a.ds, j),
					    ds_text(&b.ds, j));
			assert_same_str(&a.ds, a.ds.post.lang[j], &b.ds,
					b.ds.post.lang[j]);
			assert_same_str(&a.ds, a.ds.post.client[j], &b.ds,
					b.ds.post.client[j]);
			assert_same_str(&a.ds, a.ds.post.ref_post[j], &b.ds,
					b.ds.post.ref_post[j]);
			assert_same_str(&a.ds, a.ds.post.ref_account[j], &b.ds,
					b.ds.post.ref_account[j]);
			assert_int_equal(a.ds.post.kind[j], b.ds.post.kind[j]);
			assert_int_equal(a.ds.post.flags[j], b.ds.post.flags[j]);
			assert_int_equal(a.ds.post.likes[j], b.ds.post.likes[j]);
			assert_int_equal(a.ds.post.reposts[j], b.ds.post.reposts[j]);
			assert_int_equal(a.ds.post.replies[j], b.ds.post.replies[j]);
			assert_int_equal(a.ds.post.quotes[j], b.ds.post.quotes[j]);
			for (int t = 0; t < 3; t++) {
				char ea[1024];

				snprintf(ea, sizeof(ea), "%s",
					 ents(&a.ds, (uint32_t)j, (enum entity_type)t));
				assert_string_equal(ea, ents(&b.ds, (uint32_t)j,
							     (enum entity_type)t));
			}
		}
		free(buf);
		unload(&a);
		unload(&b);
	}
}

/* ---- bad input ---- */

static void test_bad_lines(void **state)
{
	/* a NUL byte, invalid UTF-8, an overlong encoding, a line past
	 * --max-record, 1200 nested arrays, then a good line: each bad one is
	 * a counted skip with its line number, and reading resyncs */
	struct ingest_opts o;
	struct loaded l;
	char *buf;
	size_t n = 0, cap = 16384;
	static const char good[] =
		"{\"type\":\"post\",\"platform\":\"x\",\"id\":\"ok\","
		"\"account_id\":\"1\",\"time\":\"2023-01-01T00:00:00Z\"}\n";

	(void)state;
	buf = malloc(cap);
	assert_non_null(buf);
	n += (size_t)snprintf(buf + n, cap - n, "%s", "{\"type\":\"cibscan\",\"version\":1}\n");
	memcpy(buf + n, "{\"type\":\"po\0st\"}\n", 17);
	n += 17;
	n += (size_t)snprintf(buf + n, cap - n, "%s", "{\"type\":\"post\",\"text\":\"\xff\"}\n");
	n += (size_t)snprintf(buf + n, cap - n, "%s", "{\"type\":\"post\",\"text\":\"\xc0\xaf\"}\n");
	buf[n++] = '{';
	memset(buf + n, 'x', 5000); /* longer than max_record 4096 */
	n += 5000;
	buf[n++] = '\n';
	memset(buf + n, '[', 1200);
	n += 1200;
	memset(buf + n, ']', 1200);
	n += 1200;
	buf[n++] = '\n';
	n += (size_t)snprintf(buf + n, cap - n, "%s", good);
	assert_true(n < cap);

	ingest_opts_init(&o);
	o.max_record = 4096;
	load_mem(&l, buf, n, FORMAT_JSONL, &o);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.ds.post.n, 1);
	assert_int_equal(l.dg.n_bad, 5);
	assert_int_equal(l.dg.kept[0].line, 2);
	assert_true(diag_has(&l.dg, NULL, "NUL byte"));
	assert_int_equal(l.dg.kept[1].line, 3);
	assert_true(diag_has(&l.dg, NULL, "invalid UTF-8"));
	assert_int_equal(l.dg.kept[2].line, 4);
	assert_int_equal(l.dg.kept[3].line, 5);
	assert_true(diag_has(&l.dg, NULL, "line longer than 4096"));
	assert_int_equal(l.dg.kept[4].line, 6);
	assert_true(diag_has(&l.dg, NULL, "invalid JSON"));
	unload(&l);
	free(buf);
}

static void test_bad_documents(void **state)
{
	struct ingest_opts o;
	struct loaded l;
	static const char trunc[] = "[\n {\"id\": \"1\",\n  \"content\": \"x";
	char *big;
	size_t nbig = 100000;

	(void)state;
	/* truncated pretty-printed document: fatal, with line and column */
	load_mem(&l, trunc, sizeof(trunc) - 1, FORMAT_MASTODON, NULL);
	assert_int_equal(l.err, CIB_EPARSE);
	assert_non_null(strstr(l.in.errmsg, "mem: line 3"));
	unload(&l);

	/* a document over --max-document */
	/* (ingest_slurp checks the cap when its 64 KiB first buffer fills,
	 * so the document is larger than that) */
	big = malloc(nbig);
	assert_non_null(big);
	memset(big, ' ', nbig);
	big[0] = '{';
	big[1] = '\n';
	big[nbig - 1] = '}';
	ingest_opts_init(&o);
	o.max_document = 1024;
	load_mem(&l, big, nbig, FORMAT_TELEGRAM, &o);
	assert_int_equal(l.err, CIB_ETOOBIG);
	assert_non_null(strstr(l.in.errmsg, "max-document"));
	unload(&l);
	free(big);

	/* wrong top-level shape for Telegram */
	load_mem(&l, "[1,2]", 5, FORMAT_TELEGRAM, NULL);
	assert_int_equal(l.err, CIB_EFORMAT);
	unload(&l);
}

/* JSONL or one document: decided from the first lines
 * (jsonread_head_is_lines), or lines when the caller says so */
static void test_lines_or_document(void **state)
{
#define ST(id) "{\"id\":\"" id "\",\"created_at\":\"2023-01-01T00:00:00Z\"," \
	       "\"account\":{\"id\":\"1\",\"acct\":\"a@b.c\"}}"
	static const struct {
		const char *in;
		size_t posts, bad;
		uint64_t bad_line;
		int lines;
	} cases[] = {
		/* a broken first line does not turn JSONL into a document */
		{ "{\"id\": \"x\n" ST("1") "\n\n" ST("2") "\n", 2, 1, 1, 1 },
		/* pretty-printed array, one element a line */
		{ "[\n" ST("1") "\n]\n", 1, 0, 0, 0 },
		{ "[\n  " ST("1") ",\n  " ST("2") "\n]", 2, 0, 0, 0 },
		/* one line, no newline */
		{ ST("1"), 1, 0, 0, 1 },
		/* CRLF JSONL */
		{ ST("1") "\r\n" ST("2") "\r\n", 2, 0, 0, 1 },
		/* BOM */
		{ "\xef\xbb\xbf" ST("1") "\n", 1, 0, 0, 1 },
	};
	/* a part of a JSONL input cut at a newline (score --mpi's ranges):
	 * a blank first line, then a broken one */
	static const char part[] = "\r\n{\"id\": \"x\n" ST("1") "\n" ST("2") "\n";
#undef ST
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loaded l;

		assert_int_equal(jsonread_head_is_lines(cases[i].in,
							strlen(cases[i].in)),
				 cases[i].lines);
		load_mem(&l, cases[i].in, strlen(cases[i].in), FORMAT_MASTODON,
			 NULL);
		assert_int_equal(l.err, CIB_OK);
		assert_int_equal(l.ds.post.n, cases[i].posts);
		assert_int_equal(l.dg.n_bad, cases[i].bad);
		if (cases[i].bad)
			assert_int_equal(l.dg.kept[0].line, cases[i].bad_line);
		unload(&l);
	}
	/* alone, the part looks like a document (and fails to parse as
	 * one); read as lines, it is two posts and a bad line 2 */
	assert_int_equal(jsonread_head_is_lines(part, strlen(part)), 0);
	{
		struct loaded l;

		load_mem_lines(&l, part, strlen(part), FORMAT_MASTODON, NULL,
			       1);
		assert_int_equal(l.err, CIB_OK);
		assert_int_equal(l.ds.post.n, 2);
		assert_int_equal(l.dg.n_bad, 1);
		assert_int_equal(l.dg.kept[0].line, 2);
		unload(&l);
	}
}

/* ---- shared plumbing ---- */

static void test_html_text(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "<p>a</p><p>b</p>", "a\nb" },
		{ "x<br>y<br/>z<BR />w", "x\ny\nz\nw" },
		{ "&amp;&lt;&gt;&quot;&#39;&apos;", "&<>\"''" },
		{ "&#x4F60;&#22909;", "\xe4\xbd\xa0\xe5\xa5\xbd" },
		{ "&#0; &#xD800; &#1114112;",
		  "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd" },
		{ "a < b & c", "a < b & c" },
		{ "<a href=\"u\">unterminated", "unterminated" },
		{ "tail <", "tail <" },
		{ "&nbsp;", "\xc2\xa0" },
		{ "", "" },
	};
	struct jr_ctx c;

	(void)state;
	jr_ctx_init(&c, NULL, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(jr_html_text(&c, cases[i].in, 0),
				    cases[i].out);
	jr_ctx_release(&c);
}

static void test_repair_xescapes(void **state)
{
	static const char in[] = "{\"a\":\"\\xe9\\\\x41\\x4\"}";
	char *out = NULL;
	size_t len = 0, fixed = 0;

	(void)state;
	assert_int_equal(jsonread_repair_xescapes(in, sizeof(in) - 1, 1 << 20,
						  &out, &len, &fixed),
			 CIB_OK);
	assert_int_equal(fixed, 1);
	assert_non_null(out);
	/* only the complete escape changes; "\\x41" is an escaped backslash */
	assert_string_equal(out, "{\"a\":\"\\u00e9\\\\x41\\x4\"}");
	assert_int_equal(len, strlen(out));
	free(out);
	assert_int_equal(jsonread_repair_xescapes("{}", 2, 10, &out, &len,
						  &fixed),
			 CIB_OK);
	assert_null(out);
	assert_int_equal(jsonread_repair_xescapes(in, sizeof(in) - 1, 10, &out,
						  &len, &fixed),
			 CIB_ETOOBIG);
}

static void test_utf8(void **state)
{
	static const struct {
		const char *s;
		int ok;
		size_t bad;
	} cases[] = {
		{ "plain", 1, 0 },
		{ "\xe4\xbd\xa0", 1, 0 },
		{ "\xf0\x9f\x98\x80", 1, 0 },
		{ "a\xc0\xaf", 0, 1 },	       /* overlong '/' */
		{ "ab\xed\xa0\x80", 0, 2 },    /* surrogate */
		{ "\xf4\x90\x80\x80", 0, 0 },  /* > U+10FFFF */
		{ "xyz\xe4\xbd", 0, 3 },       /* cut short */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t bad = 99;

		assert_int_equal(jsonread_utf8_valid(cases[i].s,
						     strlen(cases[i].s), &bad),
				 cases[i].ok);
		if (!cases[i].ok)
			assert_int_equal(bad, cases[i].bad);
	}
}

static void test_sniff(void **state)
{
	static const struct {
		const char *head;
		enum cib_format f;
	} cases[] = {
		{ "{\"type\":\"cibscan\",\"version\":1}\n", FORMAT_JSONL },
		{ "{\n  \"data\" : [ {\"author_id\": \"1\"", FORMAT_XAPI },
		{ "{\"id_str\":\"1\",\"user\":{\"screen_name\":\"a\"", FORMAT_XAPI },
		{ "[\n {\"id\":\"1\",\"content\":\"<p>\",\"account\":{\"acct\":\"a\"",
		  FORMAT_MASTODON },
		{ "{\"feed\":[{\"post\":{\"uri\":\"at://did:plc:x/app.bsky.feed.post/1\"",
		  FORMAT_BLUESKY },
		{ "{\"kind\": \"Listing\", \"data\": {\"children\": [{\"kind\": \"t3\", "
		  "\"data\": {\"subreddit\": \"x\"",
		  FORMAT_REDDIT },
		{ "{\n \"name\": \"c\",\n \"type\": \"personal_chat\",\n \"id\": 1,\n"
		  " \"messages\": [\n  {\"id\": 1, \"date_unixtime\": \"1\"",
		  FORMAT_TELEGRAM },
		{ "hello, world", FORMAT_AUTO },
		{ "{\"a\": 1}", FORMAT_AUTO },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(ingest_detect(cases[i].head,
					       strlen(cases[i].head)),
				 cases[i].f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xapi_v2_page),
		cmocka_unit_test(test_xapi_v2_lines),
		cmocka_unit_test(test_xapi_v1),
		cmocka_unit_test(test_xapi_flat),
		cmocka_unit_test(test_xapi_real_samples),
		cmocka_unit_test(test_mastodon),
		cmocka_unit_test(test_bluesky),
		cmocka_unit_test(test_reddit),
		cmocka_unit_test(test_telegram),
		cmocka_unit_test(test_jsonl_fixture),
		cmocka_unit_test(test_jsonl_round_trip),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_lines_or_document),
		cmocka_unit_test(test_html_text),
		cmocka_unit_test(test_repair_xescapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_sniff),
	};
	return cmocka_run_group_tests_name("json_collectors", tests, NULL,
					   NULL);
}
