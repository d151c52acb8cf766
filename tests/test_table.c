/* test_table.c - the share-table reader (collectors/table.c) on small
 * tables written here, one case per row of a table: times as integer,
 * fractional and ISO 8601, NA and empty cells, rows of one post merged
 * (adjacent or not), conflicts and bad times reported with their line and
 * column, --strict, TSV, the layouts known from the header, --map and
 * --object-kind; dataset_merge_entities on its own; and the coordination
 * events the model makes of domain, image and anonymised URL entities.
 *
 * Expected Unix times were computed outside cibscan with Python's
 * calendar.timegm (2021-06-16T22:05:00Z = 1623881100).
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
#include "collectors/table.h"
#include "core/dataset.h"
#include "core/diag.h"
#include "model/pipeline.h"

struct fx {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	enum cib_err err;
};

static void fx_read(struct fx *f, const char *text, const char *map,
		    int object, int strict, enum cib_format fmt)
{
	struct ingest_opts o;
	struct source src;

	ingest_opts_init(&o);
	o.strict = strict;
	o.table_map = map;
	o.table_object = object;
	dataset_init(&f->ds);
	diag_init(&f->dg, strict);
	ingest_init(&f->in, &f->ds, &f->dg, &o);
	assert_int_equal(source_open_mem(&src, "t.csv", text, strlen(text)),
			 CIB_OK);
	f->err = ingest_source(&f->in, &src, fmt);
	source_close(&src);
}

static void fx_close(struct fx *f)
{
	ingest_release(&f->in);
	dataset_release(&f->ds);
}

static uint32_t post_of(const struct dataset *ds, enum platform p,
			const char *id)
{
	uint32_t s;

	strpool_find(&ds->strings, id, strlen(id), &s);
	if (s == STR_NONE)
		return UINT32_MAX;
	return dataset_find_post(ds, p, s);
}

/* "url:a hashtag:b" for post j's entities in order. */
static void ents_of(const struct dataset *ds, uint32_t j, char *buf,
		    size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
	     k++) {
		int w = snprintf(buf + used, len - used, "%s%s:%s",
				 used ? " " : "",
				 entity_type_name((enum entity_type)
							  ds->ent.type[k]),
				 ds_str(ds, ds->ent.str[k]));

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

#define CT "object_id,account_id,content_id,timestamp_share\n"
#define GE "account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"

struct tcase {
	const char *name;
	const char *text;
	const char *map;
	int object;
	int strict;
	/* expected */
	enum cib_err err;
	size_t posts, accounts;
	uint64_t bad, merged, unkept;
	/* one post to look at (platform, id), or NULL */
	enum platform plat;
	const char *post;
	int64_t time;
	int kind;
	const char *ref;  /* NULL: none */
	const char *text_of; /* NULL: none */
	const char *ents; /* ents_of() */
	/* the first bad record: line and column, or 0 */
	uint64_t bad_line;
	const char *bad_where;
};

static const struct tcase cases[] = {
	{ "epoch integer", CT "o1,a1,c1,1623881100\n", NULL, 0, 0, CIB_OK, 1,
	  1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100, POST_REPOST, "o1",
	  NULL, "", 0, NULL },
	{ "epoch fractional, floored", CT "o1,a1,c1,1623881100.999\n", NULL, 0,
	  0, CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100,
	  POST_REPOST, "o1", NULL, "", 0, NULL },
	{ "ISO with Z", CT "o1,a1,c1,2021-06-16T22:05:00Z\n", NULL, 0, 0,
	  CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100, POST_REPOST,
	  "o1", NULL, "", 0, NULL },
	{ "ISO with offset", CT "o1,a1,c1,2021-06-17 00:05:00+02:00\n", NULL, 0,
	  0, CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100,
	  POST_REPOST, "o1", NULL, "", 0, NULL },
	{ "blanks around a time", CT "o1,a1,c1, 1623881100 \n", NULL, 0, 0,
	  CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100, POST_REPOST,
	  "o1", NULL, "", 0, NULL },
	{ "NA object: original", CT "NA,a1,c1,1623881100\n", NULL, 0, 0, CIB_OK,
	  1, 1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100, POST_ORIGINAL, NULL,
	  NULL, "", 0, NULL },
	{ "empty object: original", CT ",a1,c1,1623881100\n", NULL, 0, 0,
	  CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1", 1623881100,
	  POST_ORIGINAL, NULL, NULL, "", 0, NULL },
	{ "bad time: line and column", CT "o1,a1,c1,1623881100\no2,a2,c2,soon\n",
	  NULL, 0, 0, CIB_OK, 1, 1, 1, 0, 0, PLATFORM_OTHER, "c1", 1623881100,
	  POST_REPOST, "o1", NULL, "", 3, "timestamp_share" },
	{ "milliseconds are no seconds", CT "o1,a1,c1,1623881100000\n", NULL, 0,
	  0, CIB_OK, 0, 0, 1, 0, 0, PLATFORM_OTHER, NULL, 0, 0, NULL, NULL,
	  NULL, 2, "timestamp_share" },
	{ "NA time is missing", CT "o1,a1,c1,NA\n", NULL, 0, 0, CIB_OK, 0, 0, 1,
	  0, 0, PLATFORM_OTHER, NULL, 0, 0, NULL, NULL, NULL, 2,
	  "timestamp_share" },
	{ "empty account", CT "o1,,c1,1623881100\n", NULL, 0, 0, CIB_OK, 0, 0, 1,
	  0, 0, PLATFORM_OTHER, NULL, 0, 0, NULL, NULL, NULL, 2, "account_id" },
	{ "strict stops at the first bad row",
	  CT "o1,a1,c1,1623881100\no2,a2,c2,soon\no3,a3,c3,1623881100\n", NULL,
	  0, 1, CIB_EPARSE, 1, 1, 1, 0, 0, PLATFORM_OTHER, "c1", 1623881100,
	  POST_REPOST, "o1", NULL, "", 3, "timestamp_share" },
	{ "second target: merged, counted",
	  CT "o1,a1,c1,1623881100\no9,a2,c2,1623881100\no2,a1,c1,1623881100\n",
	  NULL, 0, 0, CIB_OK, 2, 2, 0, 1, 1, PLATFORM_OTHER, "c1", 1623881100,
	  POST_REPOST, "o1", NULL, "", 0, NULL },
	{ "second target: the smaller kept, whichever row came first",
	  CT "o5,a1,c1,1623881100\no2,a1,c1,1623881100\n",
	  NULL, 0, 0, CIB_OK, 1, 1, 0, 1, 1, PLATFORM_OTHER, "c1", 1623881100,
	  POST_REPOST, "o2", NULL, "", 0, NULL },
	{ "same target twice: nothing unkept",
	  CT "o1,a1,c1,1623881100\no1,a1,c1,1623881100\n", NULL, 0, 0, CIB_OK,
	  1, 1, 0, 1, 0, PLATFORM_OTHER, "c1", 1623881100, POST_REPOST, "o1",
	  NULL, "", 0, NULL },
	{ "another author: conflict",
	  CT "o1,a1,c1,1623881100\no1,a2,c1,1623881100\n", NULL, 0, 0, CIB_OK,
	  1, 1, 1, 0, 0, PLATFORM_OTHER, "c1", 1623881100, POST_REPOST, "o1",
	  NULL, "", 3, "account_id" },
	{ "another time: conflict",
	  CT "o1,a1,c1,1623881100\no1,a1,c1,1623881101\n", NULL, 0, 0, CIB_OK,
	  1, 1, 1, 0, 0, PLATFORM_OTHER, "c1", 1623881100, POST_REPOST, "o1",
	  NULL, "", 3, "timestamp_share" },
	{ "object as url", CT "https://e.com/a,a1,c1,1623881100\n", NULL,
	  TABLE_OBJECT_URL, 0, CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1",
	  1623881100, POST_ORIGINAL, NULL, NULL, "url:https://e.com/a", 0,
	  NULL },
	{ "object as text", CT "\"hello, world \",a1,c1,1623881100\n", NULL,
	  TABLE_OBJECT_TEXT, 0, CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1",
	  1623881100, POST_ORIGINAL, NULL, "hello, world ", "", 0, NULL },
	{ "object as hashtag", CT "vote,a1,c1,1623881100\n", NULL,
	  TABLE_OBJECT_HASHTAG, 0, CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "c1",
	  1623881100, POST_ORIGINAL, NULL, NULL, "hashtag:vote", 0, NULL },
	/* German layout: platform from the prefix, rows of a post merged
	 * even when another post's row lies between, duplicates dropped,
	 * the merged post's entities by kind, then bytes */
	{ "german rows merged",
	  GE "fb_1,10,u1,,d1,,1623881100\n"
	     "tw_2,11,,h1,,,1623881101\n"
	     "fb_1,10,u1,h2,d1,,1623881100\n"
	     "fb_1,10,,h3,,i7,1623881100\n",
	  NULL, 0, 0, CIB_OK, 2, 2, 0, 2, 0, PLATFORM_FACEBOOK, "10",
	  1623881100, POST_ORIGINAL, NULL, NULL,
	  "url:u1 hashtag:h2 hashtag:h3 domain:d1 image:i7", 0, NULL },
	{ "german twitter post", GE "tw_2,11,,h1,,,1623881101\n", NULL, 0, 0,
	  CIB_OK, 1, 1, 0, 0, 0, PLATFORM_X, "11", 1623881101, POST_ORIGINAL,
	  NULL, NULL, "hashtag:h1", 0, NULL },
	{ "german row without post id",
	  GE "fb_45,,,,,,1632141427\nfb_45,,,,,,1632141427\n", NULL, 0, 0,
	  CIB_OK, 1, 1, 0, 1, 0, PLATFORM_FACEBOOK, "fb_45@1632141427",
	  1632141427, POST_ORIGINAL, NULL, NULL, "", 0, NULL },
	/* --map over another header, TSV, kind and target columns */
	{ "map", "who,what,id,at\nalice,t1,m1,1623881100\n",
	  "account=who,post=id,time=at,object=what", 0, 0, CIB_OK, 1, 1, 0, 0,
	  0, PLATFORM_OTHER, "m1", 1623881100, POST_REPOST, "t1", NULL, "", 0,
	  NULL },
	{ "map tsv with platform literal",
	  "who\tid\tat\tlink\nalice\tm1\t1623881100\thttps://e.com/a\n",
	  "account=who,post=id,time=at,url=link,platform=@mastodon", 0, 0,
	  CIB_OK, 1, 1, 0, 0, 0, PLATFORM_MASTODON, "m1", 1623881100,
	  POST_ORIGINAL, NULL, NULL, "url:https://e.com/a", 0, NULL },
	{ "map kind and reply columns",
	  "u,id,t,k,to\nalice,m1,1623881100,reply,m0\n",
	  "account=u,post=id,time=t,kind=k,reply=to", 0, 0, CIB_OK, 1, 1, 0, 0,
	  0, PLATFORM_OTHER, "m1", 1623881100, POST_REPLY, "m0", NULL, "", 0,
	  NULL },
	{ "map bad kind", "u,id,t,k\nalice,m1,1623881100,video\n",
	  "account=u,post=id,time=t,kind=k", 0, 0, CIB_OK, 0, 0, 1, 0, 0,
	  PLATFORM_OTHER, NULL, 0, 0, NULL, NULL, NULL, 2, "k" },
	{ "map platform column",
	  "u,id,t,p\nalice,m1,1623881100,Twitter\n",
	  "account=u,post=id,time=t,platform=p", 0, 0, CIB_OK, 1, 1, 0, 0, 0,
	  PLATFORM_X, "m1", 1623881100, POST_ORIGINAL, NULL, NULL, "", 0, NULL },
	/* a padded cell read for several fields is trimmed once */
	{ "one padded column, several fields",
	  "u,id,t,c\nalice,m1,1623881100,\"  x y  \"\n",
	  "account=u,post=id,time=t,url=c,hashtag=c,domain=c,image=c,"
	  "mention=c,object=c",
	  TABLE_OBJECT_URL, 0, CIB_OK, 1, 1, 0, 0, 0, PLATFORM_OTHER, "m1",
	  1623881100, POST_ORIGINAL, NULL, NULL,
	  "url:x y hashtag:x y mention:x y domain:x y image:x y", 0,
	  NULL },
	{ "map column missing from the header", "u,id,t\nalice,m1,1623881100\n",
	  "account=u,post=id,time=when", 0, 0, CIB_EFORMAT, 0, 0, 0, 0, 0,
	  PLATFORM_OTHER, NULL, 0, 0, NULL, NULL, NULL, 0, NULL },
	{ "no layout and no map", "u,id,t\nalice,m1,1623881100\n", NULL, 0, 0,
	  CIB_EFORMAT, 0, 0, 0, 0, 0, PLATFORM_OTHER, NULL, 0, 0, NULL, NULL,
	  NULL, 0, NULL },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct fx f;
		char buf[512];

		print_message("case: %s\n", c->name);
		fx_read(&f, c->text, c->map, c->object, c->strict,
			FORMAT_TABLE);
		assert_int_equal(f.err, c->err);
		assert_int_equal(f.ds.post.n, c->posts);
		assert_int_equal(f.ds.acc.n, c->accounts);
		assert_int_equal(f.dg.n_bad, c->bad);
		if (f.in.n_files) {
			assert_int_equal(f.in.files[0].rows_merged, c->merged);
			assert_int_equal(f.in.files[0].values_unkept,
					 c->unkept);
		}
		if (c->post) {
			uint32_t j = post_of(&f.ds, c->plat, c->post);

			assert_int_not_equal(j, UINT32_MAX);
			assert_int_equal(f.ds.post.time[j], c->time);
			assert_int_equal(f.ds.post.kind[j], c->kind);
			assert_string_equal(ds_str(&f.ds, f.ds.post.ref_post[j]),
					    c->ref ? c->ref : "");
			assert_string_equal(ds_text(&f.ds, j),
					    c->text_of ? c->text_of : "");
			ents_of(&f.ds, j, buf, sizeof(buf));
			assert_string_equal(buf, c->ents);
		}
		if (c->bad_line) {
			assert_true(f.dg.n_kept >= 1);
			assert_int_equal(f.dg.kept[0].line, c->bad_line);
			assert_string_equal(f.dg.kept[0].where, c->bad_where);
		}
		fx_close(&f);
	}
}

/* Detection picks the table reader for the three known layouts and for a
 * --map whose columns the header has, and for nothing else. */
static void test_detect(void **state)
{
	static const char *const yes[] = {
		CT "o,a,c,1\n",
		GE,
		"id,platform,date,account.url,expanded,message\n",
		"object_id\taccount_id\tcontent_id\ttimestamp_share\n",
	};
	static const char *const no[] = {
		"object_id,account_id,timestamp_share\n",
		"account_id,post_id,timestamp\n",
		"tweetid,userid,tweet_time\n",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(ingest_detect(yes[i], strlen(yes[i])),
				 FORMAT_TABLE);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_not_equal(ingest_detect(no[i], strlen(no[i])),
				     FORMAT_TABLE);
	assert_true(table_map_matches("account=a,post=b,time=c",
				      "x,a,b,c\n", 8));
	assert_false(table_map_matches("account=a,post=b,time=d",
				       "x,a,b,c\n", 8));
	assert_false(table_map_matches("account=a,time=c,platform=@x",
				       "a\tc\n", 4));
	assert_true(table_map_matches("account=a,post=b,time=c,platform=@x",
				      "a\tb\tc\n", 6));
	/* a partial map matches a known layout only */
	assert_false(table_map_matches("platform=@x", "{\"id\":1}\n", 9));
	assert_true(table_map_matches("platform=@x", CT, strlen(CT)));
}

static void test_map_check(void **state)
{
	static const char *const good[] = {
		"account=a", "account=a,post=b,time=c,url=u1,url=u2",
		"platform=@x", "image=phash,domain=d",
	};
	static const char *const bad[] = {
		"", "account", "account=", "=a", "colour=a", "account=@x",
		"platform=@myspace", "account=a,,post=b",
	};
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(table_map_check(good[i], err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(table_map_check(bad[i], err, sizeof(err)), -1);
	assert_int_equal(table_object_from_name("url"), TABLE_OBJECT_URL);
	assert_int_equal(table_object_from_name("video"), -1);
}

/* A post id of an earlier input is a duplicate, not a merge. */
static void test_across_inputs(void **state)
{
	static const char a[] = CT "o1,a1,c1,1623881100\n";
	static const char b[] = CT "o2,a1,c1,1623881100\n";
	struct fx f;
	struct source src;

	(void)state;
	fx_read(&f, a, NULL, 0, 0, FORMAT_AUTO);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(source_open_mem(&src, "b.csv", b, strlen(b)), CIB_OK);
	assert_int_equal(ingest_source(&f.in, &src, FORMAT_AUTO), CIB_OK);
	source_close(&src);
	assert_int_equal(f.ds.post.n, 1);
	assert_int_equal(f.ds.n_duplicate_posts, 1);
	assert_int_equal(f.in.files[1].rows_merged, 0);
	assert_string_equal(ds_str(&f.ds, f.ds.post.ref_post[0]), "o1");
	fx_close(&f);
}

/* A table read from a file is sized from the file's size before its
 * first row, and its string table once 1/32 of its rows are stored
 * (table.c, reserve_for and size_strings: only past ~1M rows); read from
 * memory, the same bytes are not sized at all. Both must give the same
 * dataset: every string, post and account, in the same order, and the
 * same merged rows. */
static void test_sized_read(void **state)
{
	const int rows = 1200000;
	size_t cap = (size_t)rows * 48 + 64, len = 0;
	char *text = malloc(cap);
	char dir[] = "/tmp/test_table_XXXXXX", path[64];
	struct fx a, b;
	struct ingest_opts o;
	FILE *fp;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text, cap, "%s", CT);
	for (int i = 0; i < rows; i++) {
		/* every 997th row is a second row of the post before it */
		int c = i % 997 == 996 ? i - 1 : i;

		len += (size_t)snprintf(text + len, cap - len,
					"o%u,a%u,c%d,%d\n",
					(unsigned)i * 7919u % 50000u,
					(unsigned)c * 31u % 300000u, c,
					1610870193 + c);
	}
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.csv", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);

	ingest_opts_init(&o);
	dataset_init(&a.ds);
	diag_init(&a.dg, 0);
	ingest_init(&a.in, &a.ds, &a.dg, &o);
	assert_int_equal(ingest_file(&a.in, path, FORMAT_AUTO), CIB_OK);
	/* the file's post columns were sized before its first row */
	assert_true(a.ds.post.cap >= (size_t)rows * 9 / 10);
	fx_read(&b, text, NULL, 0, 0, FORMAT_AUTO);
	assert_int_equal(b.err, CIB_OK);

	assert_int_equal(a.ds.post.n, rows - rows / 997);
	assert_int_equal(a.ds.post.n, b.ds.post.n);
	assert_int_equal(a.ds.acc.n, b.ds.acc.n);
	assert_int_equal(a.ds.strings.n, b.ds.strings.n);
	assert_int_equal(a.in.files[0].rows_merged, rows / 997);
	assert_int_equal(a.in.files[0].rows_merged, b.in.files[0].rows_merged);
	assert_int_equal(a.in.files[0].values_unkept,
			 b.in.files[0].values_unkept);
	for (uint32_t s = 0; s < a.ds.strings.n; s++)
		assert_string_equal(ds_str(&a.ds, s), ds_str(&b.ds, s));
	assert_memory_equal(a.ds.post.id, b.ds.post.id,
			    a.ds.post.n * sizeof(uint32_t));
	assert_memory_equal(a.ds.post.account, b.ds.post.account,
			    a.ds.post.n * sizeof(uint32_t));
	assert_memory_equal(a.ds.post.ref_post, b.ds.post.ref_post,
			    a.ds.post.n * sizeof(uint32_t));
	assert_memory_equal(a.ds.post.time, b.ds.post.time,
			    a.ds.post.n * sizeof(int64_t));
	assert_memory_equal(a.ds.acc.id, b.ds.acc.id,
			    a.ds.acc.n * sizeof(uint32_t));
	for (uint32_t r = 0; r < a.ds.acc.n; r++)
		assert_int_equal(dataset_find_account(&a.ds, PLATFORM_OTHER,
						      a.ds.acc.id[r]),
				 r);
	fx_close(&a);
	fx_close(&b);
	remove(path);
	remove(dir);
	free(text);
}

/* dataset_merge_entities: order kept, duplicates of the post's own or of
 * each other dropped, other posts untouched, posts can still be added. */
static void test_merge_entities(void **state)
{
	struct dataset ds;
	struct post_rec r;
	const char *e1[] = { "a", "b" };
	enum entity_type t1[] = { ENT_URL, ENT_HASHTAG };
	uint32_t sa, sb, sc;
	uint32_t post[4];
	uint32_t str[4];
	uint8_t type[4];
	size_t added;
	char buf[256];

	(void)state;
	dataset_init(&ds);
	post_rec_init(&r);
	r.id = "p0";
	r.account_id = "x";
	r.time = 1;
	r.ent_str = e1;
	r.ent_type = t1;
	r.n_ent = 2;
	assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	r.id = "p1";
	r.n_ent = 0;
	assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	assert_int_equal(dataset_intern(&ds, "a", &sa), CIB_OK);
	assert_int_equal(dataset_intern(&ds, "b", &sb), CIB_OK);
	assert_int_equal(dataset_intern(&ds, "c", &sc), CIB_OK);
	post[0] = 1; str[0] = sc; type[0] = ENT_URL;
	post[1] = 0; str[1] = sa; type[1] = ENT_URL;     /* has it */
	post[2] = 0; str[2] = sa; type[2] = ENT_DOMAIN;  /* another kind */
	post[3] = 1; str[3] = sc; type[3] = ENT_URL;     /* twice */
	assert_int_equal(dataset_merge_entities(&ds, 4, post, str, type,
						&added),
			 CIB_OK);
	assert_int_equal(added, 2);
	ents_of(&ds, 0, buf, sizeof(buf));
	assert_string_equal(buf, "url:a hashtag:b domain:a");
	ents_of(&ds, 1, buf, sizeof(buf));
	assert_string_equal(buf, "url:c");
	post[0] = 2;
	assert_int_equal(dataset_merge_entities(&ds, 1, post, str, type, NULL),
			 CIB_ERANGE);
	/* a merge into the last post only: the earlier spans stay put */
	post[0] = 1; str[0] = sb; type[0] = ENT_HASHTAG;
	assert_int_equal(dataset_merge_entities(&ds, 1, post, str, type,
						&added),
			 CIB_OK);
	assert_int_equal(added, 1);
	ents_of(&ds, 0, buf, sizeof(buf));
	assert_string_equal(buf, "url:a hashtag:b domain:a");
	ents_of(&ds, 1, buf, sizeof(buf));
	assert_string_equal(buf, "url:c hashtag:b");
	assert_int_equal(ds.ent.n, 5);
	r.id = "p2";
	r.ent_str = e1;
	r.n_ent = 1;
	assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	ents_of(&ds, 2, buf, sizeof(buf));
	assert_string_equal(buf, "url:a");
	ents_of(&ds, 1, buf, sizeof(buf));
	assert_string_equal(buf, "url:c hashtag:b");
	dataset_release(&ds);
}

/* What the model makes of the new entity kinds (model/pipeline.c,
 * entity_events): an opaque URL id and an image are co_link objects, the
 * image in a key space of its own (the url "i1" and the image "i1" are two
 * objects); a domain entity is a co_domain object, the same as a URL's
 * domain of that name and not counted twice with it. Counted by hand:
 * co_link events u1 x2, image i1 x2, example.com/a, example.com/b, url i1
 * = 7 on 5 objects; co_domain d1 x2, d2, example.com x2 (p4's entity
 * equals its URL's domain) = 5 on 3 objects. */
static void test_model_events(void **state)
{
	static const char text[] =
		"u,id,t,url,dom,img\n"
		"a1,p1,1623881100,u1,d1,i1\n"
		"a2,p2,1623881110,u1,d1,i1\n"
		"a3,p3,1623881120,,d2,\n"
		"a4,p4,1623881130,https://example.com/a,example.com,\n"
		"a5,p5,1623881140,https://example.com/b,,\n"
		"a6,p6,1623881150,i1,,\n";
	struct fx f;
	struct pipeline p;
	struct pipeline_opts po;

	(void)state;
	fx_read(&f, text, "account=u,post=id,time=t,url=url,domain=dom,image=img",
		0, 0, FORMAT_TABLE);
	assert_int_equal(f.err, CIB_OK);
	assert_int_equal(f.ds.post.n, 6);
	pipeline_opts_init(&po);
	assert_int_equal(pipeline_run(&p, &f.ds, &po), CIB_OK);
	assert_int_equal(p.g.stats[COORD_LINK].events, 7);
	assert_int_equal(p.g.stats[COORD_LINK].objects, 5);
	assert_int_equal(p.g.stats[COORD_DOMAIN].events, 5);
	assert_int_equal(p.g.stats[COORD_DOMAIN].objects, 3);
	pipeline_release(&p);
	fx_close(&f);
}

/* The two kinds of events (model/pipeline.c: the post events - reposts,
 * replies, amplification - and the features' events - texts, links,
 * domains, hashtags) are of different types, so the order the pipeline
 * builds them in (after the features: the features' events first, then
 * the post events; events_after_features 0: the post events beside the
 * features) changes nothing: every type's events and objects, every edge
 * and every score are the same. On the bundled sample, which has every
 * kind. */
static void test_model_event_orders(void **state)
{
	static const char *const files[] = { "fixtures/sample/tweets.csv.gz",
					     "fixtures/sample/users.csv.gz" };
	struct fx f;
	struct ingest_opts o;
	struct pipeline p[2];
	struct pipeline_opts po;

	(void)state;
	ingest_opts_init(&o);
	dataset_init(&f.ds);
	diag_init(&f.dg, 0);
	ingest_init(&f.in, &f.ds, &f.dg, &o);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(ingest_file(&f.in, files[i], FORMAT_AUTO),
				 CIB_OK);
	assert_int_equal(dataset_canonical_order(&f.ds, NULL), CIB_OK);
	for (int k = 0; k < 2; k++) {
		pipeline_opts_init(&po);
		po.events_after_features = k == 0;
		assert_int_equal(pipeline_run(&p[k], &f.ds, &po), CIB_OK);
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		assert_int_equal(p[0].g.stats[t].events, p[1].g.stats[t].events);
		assert_int_equal(p[0].g.stats[t].objects,
				 p[1].g.stats[t].objects);
	}
	/* the sample has events of each kind */
	assert_true(p[0].g.stats[COORD_REPOST].events > 0);
	assert_true(p[0].g.stats[COORD_TEXT].events > 0);
	assert_true(p[0].g.stats[COORD_HASHTAGS].events > 0);
	assert_true(p[0].g.n_edges > 0);
	assert_int_equal(p[0].g.n_edges, p[1].g.n_edges);
	for (size_t i = 0; i < p[0].g.n_edges; i++) {
		const struct coord_edge *a = &p[0].g.edges[i],
					*b = &p[1].g.edges[i];

		assert_int_equal(a->a, b->a);
		assert_int_equal(a->b, b->b);
		assert_memory_equal(a->x, b->x, sizeof(a->x));
		assert_true(a->log10p == b->log10p);
	}
	for (size_t a = 0; a < f.ds.acc.n; a++) {
		assert_true(p[0].score[a] == p[1].score[a]);
		assert_int_equal(p[0].flagged[a], p[1].flagged[a]);
	}
	pipeline_release(&p[0]);
	pipeline_release(&p[1]);
	fx_close(&f);
}

static enum cib_err count_sink(void *ctx, int kind, const void *rec)
{
	(void)kind;
	(void)rec;
	++*(size_t *)ctx;
	return CIB_OK;
}

/* A reader whose records go to a sink (score --mpi's parsing ranks)
 * refuses a share table and a crawl, which write to the dataset or are
 * read later from their file: their rows would be lost. The same
 * reader without the sink reads them. */
static void test_no_table_through_sink(void **state)
{
	static const char *const texts[] = {
		CT "o1,a1,c1,1623881100\n",
		"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n"
		"\r\n\r\n\r\n",
	};
	static const enum cib_format fmts[] = { FORMAT_TABLE, FORMAT_WARC };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct ingest_opts o;
		struct source src;
		struct fx f;
		size_t n = 0;

		ingest_opts_init(&o);
		dataset_init(&f.ds);
		diag_init(&f.dg, 0);
		ingest_init(&f.in, &f.ds, &f.dg, &o);
		f.in.sink = count_sink;
		f.in.sink_ctx = &n;
		assert_int_equal(source_open_mem(&src, "t", texts[i],
						 strlen(texts[i])),
				 CIB_OK);
		assert_int_equal(ingest_source(&f.in, &src, FORMAT_AUTO),
				 CIB_EINTERNAL);
		assert_int_equal(f.in.files[0].format, fmts[i]);
		assert_non_null(strstr(f.in.errmsg, i ? "crawl" : "table"));
		assert_int_equal(n, 0);
		assert_int_equal(f.ds.post.n, 0);
		source_close(&src);
		fx_close(&f);
	}
	/* without the sink: read */
	{
		struct fx f;

		fx_read(&f, texts[0], NULL, 0, 0, FORMAT_AUTO);
		assert_int_equal(f.err, CIB_OK);
		assert_int_equal(f.ds.post.n, 1);
		fx_close(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_map_check),
		cmocka_unit_test(test_across_inputs),
		cmocka_unit_test(test_sized_read),
		cmocka_unit_test(test_merge_entities),
		cmocka_unit_test(test_model_events),
		cmocka_unit_test(test_model_event_orders),
		cmocka_unit_test(test_no_table_through_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
