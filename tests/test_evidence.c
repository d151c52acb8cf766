/* test_evidence.c - the review app's evidence: gathered from a small
 * dataset whose rhythm, copies and shared objects are counted by hand
 * (report/gather.c), stored with its caps (review/evidence.c), and the
 * schema 2 -> 4 upgrade of an existing store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/dataset.h"
#include "report/gather.h"
#include "review/evidence.h"
#include "review/store.h"

static char dir[256];

/* 2024-01-01 00:00 UTC, a Monday */
#define MON 1704067200LL
#define H 3600LL
#define D 86400LL

static void add_acc(struct dataset *ds, const char *id, int64_t created)
{
	struct account_rec r;
	uint32_t idx;

	account_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.handle = id;
	r.created = created;
	assert_int_equal(dataset_add_account(ds, &r, &idx), CIB_OK);
}

static void add_post(struct dataset *ds, const char *id, const char *acc,
		     int64_t t, const char *text)
{
	struct post_rec r;
	int added;

	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = acc;
	r.time = t;
	r.text = text;
	assert_int_equal(dataset_add_post(ds, &r, &added), CIB_OK);
	assert_int_equal(added, 1);
}

/* a post whose link is also given as a URL entity: counted once */
static void add_post_links(struct dataset *ds, const char *id, const char *acc,
			   int64_t t, const char *text, const char *url)
{
	struct post_rec r;
	const char *es[1] = { url };
	const enum entity_type et[1] = { ENT_URL };
	int added;

	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = acc;
	r.time = t;
	r.text = text;
	r.ent_str = es;
	r.ent_type = et;
	r.n_ent = 1;
	assert_int_equal(dataset_add_post(ds, &r, &added), CIB_OK);
	assert_int_equal(added, 1);
}

static const struct review_ev_account *find(const struct gather *g,
					    const char *id)
{
	for (size_t i = 0; i < g->ev.n_acc; i++)
		if (!strcmp(g->ev.acc[i].account, id))
			return &g->ev.acc[i];
	return NULL;
}

/* a, b in cluster C1, c alone; d is not wanted but its copy counts */
static void test_gather(void **state)
{
	struct dataset ds;
	struct gather g;
	char s[9][3] = { "x", "x", "x", "a", "b", "c", "C1", "C1", "" };
	char *plat[3] = { s[0], s[1], s[2] }, *acc[3] = { s[3], s[4], s[5] },
	     *cl[3] = { s[6], s[7], s[8] };
	struct review_ev_want w = { 3, plat, acc, cl };
	const struct review_ev_account *a, *b, *c;
	size_t texts = 0, urls = 0, domains = 0;

	(void)state;
	dataset_init(&ds);
	add_acc(&ds, "a", MON - 10 * D);
	add_acc(&ds, "b", MON - 10 * D + 5 * H); /* the same UTC day */
	add_post(&ds, "1", "a", MON + 9 * H + 30 * 60, "Hello, world!");
	add_post(&ds, "2", "a", MON + D + 23 * H + 600, "hello   WORLD");
	add_post(&ds, "3", "a", MON + 6 * D + 300,
		 "see https://Example.com/x?utm_source=a");
	add_post(&ds, "4", "b", MON + 10 * H, "hello world");
	add_post_links(&ds, "5", "b", MON + 2 * D + 4 * H,
		       "look https://example.com/x", "https://example.com/x");
	add_post(&ds, "6", "c", MON + 3 * H, "hello world.");
	add_post(&ds, "7", "d", MON + 3 * H, "Hello World");
	add_post(&ds, "8", "c", MON + 4 * H, "only mine");
	assert_int_equal(gather_evidence(&ds, &w, 7, &g), CIB_OK);
	assert_int_equal(g.ev.run_id, 7);
	assert_int_equal(g.ev.n_acc, 3);
	a = find(&g, "a");
	b = find(&g, "b");
	c = find(&g, "c");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	/* rhythm: Monday 09h = slot 9, Tuesday 23h = 47, Sunday 00h = 144 */
	assert_int_equal(a->n_posts, 3);
	for (int i = 0; i < REVIEW_RHYTHM_SLOTS; i++)
		assert_int_equal(a->rhythm[i], i == 9 || i == 47 || i == 144);
	assert_int_equal(b->rhythm[10], 1);
	assert_int_equal(b->rhythm[2 * 24 + 4], 1);
	assert_int_equal(a->created, MON - 10 * D);
	/* a's "hello world" posts: b, c and d posted it too -> 3 copies,
	 * first; the URL post has none */
	assert_int_equal(a->n_sample, 3);
	assert_int_equal(a->posts[0].copies, 3);
	assert_int_equal(a->posts[1].copies, 3);
	assert_int_equal(a->posts[2].copies, 0);
	/* most copies first, then the latest first */
	assert_string_equal(a->posts[0].text, "hello   WORLD");
	assert_int_equal(a->posts[0].n_copy_ids, 3);
	assert_string_equal(a->posts[0].copy_ids[0], "x:b");
	assert_string_equal(a->posts[0].copy_ids[1], "x:c");
	assert_string_equal(a->posts[0].copy_ids[2], "x:d");
	assert_int_equal(a->posts[2].n_copy_ids, 0);
	assert_int_equal(c->posts[0].copies, 3);
	assert_int_equal(c->posts[1].copies, 0);
	/* C1's shared objects: the text (a twice, b once: 2 members, 3
	 * posts), the canonical URL (utm_ dropped; b's post gives it both as
	 * an entity and in its text, one post) and its domain; c is not in
	 * C1, so nothing else */
	for (size_t i = 0; i < g.ev.n_shared; i++) {
		const struct review_ev_shared *h = &g.ev.shared[i];

		assert_string_equal(h->cluster_id, "C1");
		assert_int_equal(h->members, 2);
		if (!strcmp(h->kind, "text")) {
			texts++;
			assert_int_equal(h->posts, 3);
			/* the earliest post's own words */
			assert_string_equal(h->value, "Hello, world!");
		} else if (!strcmp(h->kind, "url")) {
			urls++;
			assert_int_equal(h->posts, 2);
			assert_string_equal(h->value, "example.com/x");
		} else {
			domains++;
			assert_string_equal(h->kind, "domain");
			assert_string_equal(h->value, "example.com");
		}
	}
	assert_int_equal(texts, 1);
	assert_int_equal(urls, 1);
	assert_int_equal(domains, 1);
	gather_release(&g);
	dataset_release(&ds);
}

static int64_t count(struct review *r, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(r->db, sql, -1, &s, NULL),
			 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void make_run(struct review *r, const char *db)
{
	char acc[512];
	struct review_import_opts io;
	struct review_import_stats st;
	FILE *f;

	snprintf(acc, sizeof(acc), "%s/acc.csv", dir);
	f = fopen(acc, "w");
	assert_non_null(f);
	fputs("account_id,platform,handle,score,flagged,cluster_id,"
	      "cluster_size,cluster_score,reasons\n"
	      "a,x,ha,0.9,1,C1,2,0.9,r\nb,x,hb,0.8,1,C1,2,0.9,r\n",
	      f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(review_open(r, db), CIB_OK);
	review_import_opts_init(&io);
	io.accounts = acc;
	assert_int_equal(review_import(r, &io, &st), CIB_OK);
	assert_int_equal(st.run_id, 1);
}

/* the caps hold whatever the producer sends; a second store replaces */
static void test_store_caps(void **state)
{
	struct review r;
	char db[512], big[3000];
	static struct review_ev_post posts[60];
	static struct review_ev_shared sh[25];
	const char *ids[15];
	struct review_ev_account acc[2];
	struct review_evidence ev;
	struct review_ev_want w;

	(void)state;
	snprintf(db, sizeof(db), "%s/caps.sqlite", dir);
	make_run(&r, db);
	assert_int_equal(review_evidence_wanted(&r, 1, &w), CIB_OK);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.cluster[0], "C1");
	review_ev_want_release(&w);
	/* 999 ASCII bytes then a 3-byte character: cut before it */
	memset(big, 'a', 999);
	for (size_t i = 999; i + 3 < sizeof(big); i += 3)
		memcpy(big + i, "\xE4\xB8\x80", 3);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 15; i++)
		ids[i] = "x:someone";
	for (int i = 0; i < 60; i++) {
		posts[i].at = MON + i;
		posts[i].text = i ? "t" : big;
		posts[i].copies = 15;
		posts[i].copy_ids = ids;
		posts[i].n_copy_ids = 15;
	}
	memset(acc, 0, sizeof(acc));
	acc[0].platform = "x";
	acc[0].account = "a";
	acc[0].created = INT64_MIN;
	acc[0].n_posts = 60;
	acc[0].rhythm[167] = 60;
	acc[0].posts = posts;
	acc[0].n_sample = 60;
	acc[1] = acc[0];
	acc[1].account = "b";
	acc[1].created = MON;
	acc[1].n_sample = 2;
	for (int i = 0; i < 25; i++) {
		sh[i].cluster_id = "C1";
		sh[i].kind = i < 22 ? "text" : "url";
		sh[i].value = "v";
		sh[i].members = 2;
		sh[i].posts = 2;
	}
	memset(&ev, 0, sizeof(ev));
	ev.run_id = 1;
	ev.acc = acc;
	ev.n_acc = 2;
	ev.shared = sh;
	ev.n_shared = 25;
	assert_int_equal(review_evidence_has(&r, 1), 0);
	for (int twice = 0; twice < 2; twice++) {
		assert_int_equal(review_evidence_store(&r, &ev), CIB_OK);
		assert_int_equal(review_evidence_has(&r, 1), 1);
		assert_int_equal(count(&r, "SELECT count(*) FROM acc_evidence"), 2);
		assert_int_equal(count(&r, "SELECT count(*) FROM acc_posts WHERE"
					   " account = 'a'"),
				 REVIEW_MAX_SAMPLE);
		assert_int_equal(count(&r, "SELECT count(*) FROM acc_posts WHERE"
					   " account = 'b'"),
				 2);
		/* 10 ids: 10 x 9 bytes + 9 newlines */
		assert_int_equal(count(&r, "SELECT max(length(CAST(copy_ids AS"
					   " BLOB))) FROM acc_posts"),
				 REVIEW_MAX_COPY_IDS * 9 + 9);
		assert_int_equal(count(&r, "SELECT length(CAST(text AS BLOB)) FROM"
					   " acc_posts WHERE account = 'a' AND"
					   " n = 0"),
				 999);
		assert_int_equal(count(&r, "SELECT count(*) FROM cl_shared WHERE"
					   " kind = 'text'"),
				 REVIEW_MAX_SHARED);
		assert_int_equal(count(&r, "SELECT count(*) FROM cl_shared WHERE"
					   " kind = 'url'"),
				 3);
		assert_int_equal(count(&r, "SELECT count(*) FROM acc_evidence"
					   " WHERE created IS NULL"),
				 1);
		assert_int_equal(count(&r, "SELECT count(*) FROM acc_evidence"
					   " WHERE created = '2024-01-01T00:00:00Z'"),
				 1);
	}
	ev.run_id = 99;
	assert_int_equal(review_evidence_store(&r, &ev), CIB_ENOTFOUND);
	assert_int_equal(count(&r, "SELECT count(*) FROM acc_evidence"), 2);
	review_close(&r);
}

/* a store written by schema 2 is upgraded in place, rows kept */
static void test_upgrade_v2(void **state)
{
	struct review r;
	char db[512];

	(void)state;
	snprintf(db, sizeof(db), "%s/v2.sqlite", dir);
	make_run(&r, db);
	assert_int_equal(sqlite3_exec(r.db,
				      "DROP TABLE acc_evidence; DROP TABLE"
				      " acc_posts; DROP TABLE cl_shared;"
				      " ALTER TABLE items DROP COLUMN"
				      " reason_codes; ALTER TABLE items DROP"
				      " COLUMN d_reason_codes;"
				      " UPDATE meta SET v = '2' WHERE k ="
				      " 'schema_version';",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	review_close(&r);
	assert_int_equal(review_open_existing(&r, db), CIB_OK);
	assert_int_equal(count(&r, "SELECT v FROM meta WHERE k ="
				   " 'schema_version'"),
			 4);
	/* schema 4's columns, empty on the rows from before */
	assert_int_equal(count(&r, "SELECT count(reason_codes) +"
				   " count(d_reason_codes) FROM items"),
			 0);
	assert_int_equal(count(&r, "SELECT count(*) FROM items WHERE kind ="
				   " 'account'"),
			 2);
	assert_int_equal(count(&r, "SELECT count(*) FROM acc_evidence"), 0);
	review_close(&r);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/cib-evXXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gather),
		cmocka_unit_test(test_store_caps),
		cmocka_unit_test(test_upgrade_v2),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
