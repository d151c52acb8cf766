/* test_review.c - the review store: reason kinds, import, decisions across
 * runs (the re-queue rules), the append-only audit log, export. Expected
 * values are written out by hand from the rules in docs/review.md. */
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

#include "review/store.h"

static char dir[256];

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static void write_file(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	path_in(p, sizeof(p), name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_reason_kind(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "12 of its 30 posts near-duplicated by 5 other accounts",
		  "# of its # posts near-duplicated by # other accounts" },
		{ "strongest link p = 1e-35)", "strongest link p = #)" },
		{ "strongest link p = 0.0034)", "strongest link p = #)" },
		{ "posts stop 12:00-13:30 (p = 1e-4)",
		  "posts stop #:#-#:# (p = #)" },
		{ "claims 'New York, USA' (UTC-4.0) but its day follows UTC+8.5",
		  "claims ? (UTC-#) but its day follows UTC+#" },
		{ "default-looking handle 'u123'", "default-looking handle ?" },
		{ "created on 2019-02-23 with 4 other accounts",
		  "created on #-#-# with # other accounts" },
		{ "", "" },
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		review_reason_kind(cases[i].in, strlen(cases[i].in), out,
				   sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
	/* a tiny buffer truncates, never overflows */
	review_reason_kind("abcdef", 6, out, 4);
	assert_string_equal(out, "abc");
}

static void test_new_reason_kinds(void **state)
{
	(void)state;
	assert_int_equal(review_new_reason_kinds("a 1; b 2", "a 5; b 7"), 0);
	assert_int_equal(review_new_reason_kinds("a 1", "a 5; c 3"), 1);
	assert_int_equal(review_new_reason_kinds("", "x; y; y"), 2);
	assert_int_equal(review_new_reason_kinds("x; y", ""), 0);
	assert_int_equal(review_new_reason_kinds(NULL, "z"), 1);
	/* "; " inside parentheses does not split a reason */
	assert_int_equal(review_new_reason_kinds("a (1 x; y 2)", "a (3 x; y 4)"),
			 0);
	assert_int_equal(review_new_reason_kinds("a (1 x; y 2)", "a (3 x; z 4)"),
			 1);
}


static int64_t q_int(struct review *r, const char *sql)
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

static const char *status_of(struct review *r, const char *key, char *buf)
{
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(r->db,
					    "SELECT status FROM items WHERE"
					    " kind='account' AND key=?1",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	snprintf(buf, 16, "absent");
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(buf, 16, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return buf;
}

static void import(struct review *r, const char *name,
		   struct review_import_stats *st)
{
	struct review_import_opts o;
	char p[512];

	path_in(p, sizeof(p), name);
	review_import_opts_init(&o);
	o.accounts = p;
	o.settings = "test";
	assert_int_equal(review_import(r, &o, st), CIB_OK);
}

static void test_runs_keep_decisions(void **state)
{
	struct review r;
	struct review_import_stats st;
	char db[512], b[16];
	size_t n;

	(void)state;
	path_in(db, sizeof(db), "runs.sqlite");
	unlink(db);
	/* run 1: a..f flagged, g not flagged */
	write_file("run1.csv",
		   "account_id,platform,handle,score,flagged,cluster_id,"
		   "cluster_size,cluster_score,reasons\n"
		   "a,x,ha,0.50,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "b,x,hb,0.50,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "c,x,hc,0.50,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "d,x,hd,0.50,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "e,x,he,0.90,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "f,x,hf,0.80,1,,,,\"created on 2019-01-01 with 3 others\"\n"
		   "g,x,hg,0.10,0,,,,\n");
	assert_int_equal(review_open(&r, db), CIB_OK);
	import(&r, "run1.csv", &st);
	assert_int_equal(st.rows, 7);
	assert_int_equal(st.flagged, 6);
	assert_int_equal(st.queued_new, 6);
	assert_int_equal(st.clusters, 1);
	assert_string_equal(status_of(&r, "g", b), "absent");
	for (const char *k = "abcd"; *k; k++) {
		char key[2] = { *k, 0 };

		assert_int_equal(review_decide(&r, key, "dismiss", "ann",
					       "organic", 0, &n),
				 CIB_OK);
		assert_int_equal(n, 1);
	}
	assert_int_equal(review_decide(&r, "e", "confirm", "bob", "shift",
				       0, NULL),
			 CIB_OK);
	assert_int_equal(review_decide(&r, "e", "maybe", "bob", NULL, 0, NULL),
			 CIB_EUSAGE);
	assert_int_equal(review_decide(&r, "zz", "confirm", "bob", NULL, 0,
				       NULL),
			 CIB_ENOTFOUND);
	assert_int_equal(review_decide(&r, "e", "confirm", "", NULL, 0, NULL),
			 CIB_EUSAGE);
	/* run 2: a +0.09 (below the 0.10 margin): stays dismissed; b +0.10:
	 * re-queued; c same score, a new kind of reason: re-queued; d same
	 * score, cluster 5 -> 6: re-queued; e confirmed: stays; h new */
	write_file("run2.csv",
		   "account_id,platform,handle,score,flagged,cluster_id,"
		   "cluster_size,cluster_score,reasons\n"
		   "a,x,ha,0.59,1,C1,5,0.6,\"14 of its 33 posts copied\"\n"
		   "b,x,hb,0.60,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "c,x,hc,0.50,1,C1,5,0.6,\"12 of its 30 posts copied; "
		   "claims 'Ohio' (UTC-5.0) but its day follows UTC+8.0\"\n"
		   "d,x,hd,0.50,1,C2,6,0.6,\"12 of its 30 posts copied\"\n"
		   "e,x,he,0.95,1,C1,5,0.6,\"12 of its 30 posts copied\"\n"
		   "h,x,hh,0.70,1,,,,\"x\"\n");
	import(&r, "run2.csv", &st);
	assert_int_equal(st.run_id, 2);
	assert_int_equal(st.queued_new, 1);
	assert_int_equal(st.requeued, 3);
	assert_int_equal(st.kept_dismissed, 1);
	assert_int_equal(st.kept_confirmed, 1);
	assert_string_equal(status_of(&r, "a", b), "dismiss");
	assert_string_equal(status_of(&r, "b", b), "queued");
	assert_string_equal(status_of(&r, "c", b), "queued");
	assert_string_equal(status_of(&r, "d", b), "queued");
	assert_string_equal(status_of(&r, "e", b), "confirm");
	assert_string_equal(status_of(&r, "h", b), "queued");
	/* f was not in run 2: untouched */
	assert_string_equal(status_of(&r, "f", b), "queued");
	assert_int_equal(q_int(&r, "SELECT count(*) FROM audit WHERE"
				   " action='requeued'"),
			 3);
	/* the baseline stays what the reviewer saw: a rises 0.09 again in
	 * run 3 (0.68 total over 0.50) and is re-queued then */
	write_file("run3.csv",
		   "account_id,platform,handle,score,flagged,cluster_id,"
		   "cluster_size,cluster_score,reasons\n"
		   "a,x,ha,0.68,1,C1,5,0.6,\"14 of its 33 posts copied\"\n");
	import(&r, "run3.csv", &st);
	assert_int_equal(st.requeued, 1);
	assert_string_equal(status_of(&r, "a", b), "queued");
	review_close(&r);
}

static void test_new_reason_codes(void **state)
{
	(void)state;
	assert_int_equal(review_new_reason_codes("a b", "b a"), 0);
	assert_int_equal(review_new_reason_codes("a", "a c c"), 1);
	assert_int_equal(review_new_reason_codes(NULL, " x  y "), 2);
	assert_int_equal(review_new_reason_codes("x y", NULL), 0);
	/* a code is whole: a prefix of another is not it */
	assert_int_equal(review_new_reason_codes("coacted:co_reply_account",
						 "coacted:co_reply"),
			 1);
	assert_int_equal(review_new_reason_codes("coacted:co_reply",
						 "coacted:co_reply_account"),
			 1);
}

/* Accounts imported with reason codes (from a saved run) are compared on
 * codes: reworded reasons (a plural, a new number) are no new evidence,
 * a new code is; rows without codes keep the text comparison. */
static void test_codes_decide_requeue(void **state)
{
	static const char hdr[] = "account_id,platform,handle,score,flagged,"
				  "cluster_id,cluster_size,cluster_score,"
				  "reasons\n";
	struct review r;
	struct review_import_stats st;
	struct review_import_opts o;
	char db[512], p[512], b[16];
	struct review_code c1[] = { { "x\ta", "copied_texts coacted:co_post" },
				    { "x\tb", "copied_texts" } };
	struct review_code c2[] = { { "x\ta", "coacted:co_post copied_texts" },
				    { "x\tb", "copied_texts created_batch" } };
	char text[1024];

	(void)state;
	path_in(db, sizeof(db), "codes.sqlite");
	unlink(db);
	snprintf(text, sizeof(text),
		 "%sa,x,ha,0.50,1,,,,\"posted near-duplicate texts as 1 of "
		 "them (1 time)\"\nb,x,hb,0.50,1,,,,\"copied\"\n"
		 "c,x,hc,0.50,1,,,,\"copied\"\n",
		 hdr);
	write_file("codes1.csv", text);
	assert_int_equal(review_open(&r, db), CIB_OK);
	path_in(p, sizeof(p), "codes1.csv");
	review_import_opts_init(&o);
	o.accounts = p;
	o.codes = c1;
	o.n_codes = 2;
	assert_int_equal(review_import(&r, &o, &st), CIB_OK);
	assert_int_equal(st.queued_new, 3);
	assert_int_equal(q_int(&r, "SELECT count(reason_codes) FROM items"
				   " WHERE kind='account'"),
			 2);
	for (const char *k = "abc"; *k; k++) {
		char key[2] = { *k, 0 };

		assert_int_equal(review_decide(&r, key, "dismiss", "ann", NULL,
					       0, NULL),
				 CIB_OK);
	}
	assert_int_equal(q_int(&r, "SELECT count(d_reason_codes) FROM items"
				   " WHERE kind='account'"),
			 2);
	/* a: reworded ("2 of them (3 times)": a new kind to the text rule),
	 * the same codes: stays dismissed; b: a new code: re-queued; c: no
	 * codes, a new kind of reason in words: re-queued by the text rule */
	snprintf(text, sizeof(text),
		 "%sa,x,ha,0.50,1,,,,\"posted near-duplicate texts as 2 of "
		 "them (3 times)\"\nb,x,hb,0.50,1,,,,\"copied\"\n"
		 "c,x,hc,0.50,1,,,,\"copied; created in a batch\"\n",
		 hdr);
	assert_int_equal(review_new_reason_kinds(
				 "posted near-duplicate texts as 1 of them (1 "
				 "time)",
				 "posted near-duplicate texts as 2 of them (3 "
				 "times)"),
			 1);
	write_file("codes2.csv", text);
	path_in(p, sizeof(p), "codes2.csv");
	o.accounts = p;
	o.codes = c2;
	assert_int_equal(review_import(&r, &o, &st), CIB_OK);
	assert_int_equal(st.requeued, 2);
	assert_int_equal(st.kept_dismissed, 1);
	assert_string_equal(status_of(&r, "a", b), "dismiss");
	assert_string_equal(status_of(&r, "b", b), "queued");
	assert_string_equal(status_of(&r, "c", b), "queued");
	review_close(&r);
}

static void test_audit_append_only(void **state)
{
	struct review r;
	struct review_import_stats st;
	char db[512];
	FILE *f;
	char *buf = NULL;
	size_t len = 0, n = 0;

	(void)state;
	path_in(db, sizeof(db), "audit.sqlite");
	unlink(db);
	write_file("one.csv", "account_id,platform,handle,score,flagged,"
			      "cluster_id,cluster_size,cluster_score,reasons\n"
			      "q1,x,\"=cmd\",0.9,1,C1,3,0.9,\"r, with comma\"\n"
			      "q2,x,h2,0.8,1,C1,3,0.9,r2\n"
			      "q3,x,h3,0.7,1,C1,3,0.9,r3\n");
	assert_int_equal(review_open(&r, db), CIB_OK);
	import(&r, "one.csv", &st);
	/* a cluster decision applied to its members */
	assert_int_equal(review_decide(&r, "C1", "confirm", "cy", "net", 1, &n),
			 CIB_OK);
	assert_int_equal(n, 4);
	/* dee did not see cy's decision: refused, then replaced on purpose */
	assert_int_equal(review_decide(&r, "q3", "dismiss", "dee", "real", 0,
				       NULL),
			 CIB_ECONFLICT);
	{
		const char *t = "q3";
		struct review_decide_req q = { .targets = &t, .n = 1,
					       .decision = "dismiss",
					       .reviewer = "dee",
					       .note = "real",
					       .supersede = 1 };
		struct review_outcome o;

		assert_int_equal(review_decide_many(&r, &q, &o), CIB_OK);
		assert_int_equal(o.n_changed, 1);
		assert_int_equal(o.decision, 2);
		review_outcome_release(&o);
	}
	/* the log: 3 account + 1 cluster queued, 4 decisions, 1 more */
	assert_int_equal(q_int(&r, "SELECT count(*) FROM audit"), 9);
	assert_int_equal(q_int(&r, "SELECT count(*) FROM audit WHERE"
				   " key='q3' AND previous='confirm' AND"
				   " value='dismiss' AND reviewer='dee'"),
			 1);
	assert_int_not_equal(sqlite3_exec(r.db, "UPDATE audit SET note='x'",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(r.db, "DELETE FROM audit", NULL,
					  NULL, NULL),
			     SQLITE_OK);
	assert_int_equal(q_int(&r, "SELECT count(*) FROM audit"), 9);
	/* export: q1, q2 confirmed (q3 dismissed), note and reasons kept,
	 * reasons with a comma quoted */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(review_export(&r, f, REVIEW_CSV, NULL, 0, &n), CIB_OK);
	fclose(f);
	assert_int_equal(n, 3); /* every decided account, q3 too */
	{
		static const char hdr[] =
			"account_id,platform,handle,decision,reviewer,"
			"decided_at,note,decision_id,score,cluster_id,reasons,"
			"run_id\n";

		assert_int_equal(strncmp(buf, hdr, sizeof(hdr) - 1), 0);
	}
	/* the handle "=cmd" is guarded against spreadsheet formulas */
	assert_non_null(strstr(buf, "q1,x,'=cmd,confirm,cy,"));
	assert_non_null(strstr(buf, ",net,1,0.900000,C1,\"r, with comma\",1\n"));
	assert_non_null(strstr(buf, "q2,x,h2,confirm,cy,"));
	assert_non_null(strstr(buf, "q3,x,h3,dismiss,dee,"));
	assert_non_null(strstr(buf, ",real,2,0.700000,C1,r3,1\n"));
	free(buf);
	review_close(&r);
}

static void test_bad_rows(void **state)
{
	struct review r;
	struct review_import_stats st;
	struct review_import_opts o;
	char db[512], p[512];

	(void)state;
	path_in(db, sizeof(db), "bad.sqlite");
	unlink(db);
	write_file("bad.csv", "account_id,platform,handle,score,flagged,"
			      "cluster_id,cluster_size,cluster_score,reasons\n"
			      "k1,x,h,0.9,1,,,,r\n"
			      "k2,x,h,high,1,,,,r\n"
			      "k3,x,h,0.9,yes,,,,r\n"
			      ",x,h,0.9,1,,,,r\n");
	write_file("nohdr.csv", "a,b,c\n1,2,3\n");
	assert_int_equal(review_open(&r, db), CIB_OK);
	path_in(p, sizeof(p), "bad.csv");
	review_import_opts_init(&o);
	o.accounts = p;
	assert_int_equal(review_import(&r, &o, &st), CIB_OK);
	assert_int_equal(st.rows, 1);
	assert_int_equal(st.bad, 3);
	assert_int_equal(st.n_warnings, 3);
	assert_non_null(strstr(st.warnings[0], "bad.csv:3: field 'score'"));
	assert_non_null(strstr(st.warnings[1], "bad.csv:4: field 'flagged'"));
	assert_non_null(
		strstr(st.warnings[2], "bad.csv:5: field 'account_id'"));
	/* strict: the first bad row fails the import, which leaves nothing
	 * (another file: the same content again would be a no-op) */
	write_file("bad2.csv", "account_id,platform,handle,score,flagged,"
			       "cluster_id,cluster_size,cluster_score,reasons\n"
			       "k1,x,h,0.9,1,,,,r\n"
			       "k2,x,h,high,1,,,,r\n");
	path_in(p, sizeof(p), "bad2.csv");
	o.accounts = p;
	o.strict = 1;
	assert_int_equal(review_import(&r, &o, &st), CIB_EPARSE);
	assert_non_null(strstr(r.errmsg, "bad2.csv:3: field 'score'"));
	assert_int_equal(q_int(&r, "SELECT count(*) FROM runs"), 1);
	path_in(p, sizeof(p), "nohdr.csv");
	o.accounts = p;
	assert_int_equal(review_import(&r, &o, &st), CIB_EPARSE);
	assert_non_null(strstr(r.errmsg, "no 'account_id' column"));
	path_in(p, sizeof(p), "missing.csv");
	o.accounts = p;
	assert_int_equal(review_import(&r, &o, &st), CIB_EIO);
	review_close(&r);
	review_close(&r); /* twice is fine */
}

/* The CSV's shape, as core/csvrec reads it: a byte-order mark and blanks
 * around fields are not part of the values, a NUL byte or a quote still
 * open at the end of the file is a malformed row (never a silently cut
 * value), rows are named by the line they start on, a row with fewer
 * fields than the header leaves the rest empty, and a file with no row at
 * all has no header. */
static void test_import_csv_shape(void **state)
{
	static const char csv[] =
		"\xEF\xBB\xBF" "account_id,platform,score,flagged,reasons\n"
		" k1 ,x, 0.9 ,1,\"two\nlines\"\n"
		"k2,x\0y,0.9,1,r\n"
		"k3,x,0.8,1\n"
		"k4,x,0.7,1,\"open\n";
	struct review r;
	struct review_import_stats st;
	struct review_import_opts o;
	char db[512], p[512];
	FILE *f;

	(void)state;
	path_in(db, sizeof(db), "shape.sqlite");
	unlink(db);
	path_in(p, sizeof(p), "shape.csv");
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(csv, 1, sizeof(csv) - 1, f), sizeof(csv) - 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(review_open(&r, db), CIB_OK);
	review_import_opts_init(&o);
	o.accounts = p;
	assert_int_equal(review_import(&r, &o, &st), CIB_OK);
	assert_int_equal(st.rows, 2);
	assert_int_equal(st.bad, 2);
	assert_int_equal(st.n_warnings, 2);
	assert_non_null(strstr(st.warnings[0], "shape.csv:4: a NUL byte in "
					       "field 2"));
	assert_non_null(strstr(st.warnings[1], "shape.csv:6: a quote still "
					       "open"));
	assert_int_equal(q_int(&r, "SELECT count(*) FROM items WHERE "
				   "key IN ('k1', 'k3') AND platform = 'x'"),
			 2);
	o.strict = 1;
	path_in(p, sizeof(p), "shape2.csv");
	write_file("shape2.csv", "account_id,platform,score,flagged\n"
				 "k5,x,0.9,1\n"
				 "k6,x,0.9,1,\"open\n");
	o.accounts = p;
	assert_int_equal(review_import(&r, &o, &st), CIB_EPARSE);
	assert_non_null(strstr(r.errmsg, "shape2.csv:3: a quote still open"));
	write_file("empty.csv", "");
	path_in(p, sizeof(p), "empty.csv");
	o.accounts = p;
	assert_int_equal(review_import(&r, &o, &st), CIB_EPARSE);
	assert_non_null(strstr(r.errmsg, "empty.csv: empty file (no header)"));
	review_close(&r);
}

/* Every imported number is range-checked: a score of 1e308 or -0.5, a
 * cluster size beyond REVIEW_MAX_COUNT, a cluster's flagged count above
 * its size are malformed rows naming the file, line and field. */
static void test_import_ranges(void **state)
{
	static const struct {
		const char *row, *field;
	} acc[] = {
		{ "a1,x,h,1e308,1,,,,r", "score" },
		{ "a2,x,h,-0.5,1,,,,r", "score" },
		{ "a3,x,h,1.0000001,1,,,,r", "score" },
		{ "a4,x,h,inf,1,,,,r", "score" },
		{ "a5,x,h,0.9,1,C1,1e3,0.9,r", "cluster_size" },
		{ "a6,x,h,0.9,1,C1,99999999999,0.9,r", "cluster_size" },
		{ "a7,x,h,0.9,1,C1,0,0.9,r", "cluster_size" },
		{ "a8,x,h,0.9,1,C1,3,1e308,r", "cluster_score" },
		{ "a9,x,h,0.9,1,C1,3,-1,r", "cluster_score" },
	};
	static const struct {
		const char *row, *field;
	} cl[] = {
		{ "C1,3,0.9,1e308", "flagged" },
		{ "C2,3,0.9,4", "flagged" },
		{ "C3,3,0.9,-1", "flagged" },
		{ "C4,3,0.9,1.5", "flagged" },
		{ "C5,3,7,1", "score" },
		{ "C6,1e9999,0.9,1", "size" },
	};
	struct review r;
	struct review_import_stats st;
	struct review_import_opts o;
	char db[512], p[512], pc[512], text[4096];
	size_t len;

	(void)state;
	path_in(db, sizeof(db), "ranges.sqlite");
	unlink(db);
	assert_int_equal(review_open(&r, db), CIB_OK);
	review_import_opts_init(&o);
	/* each bad row alone, strict: the error names file, line 2, field */
	for (size_t i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		char want[128];

		snprintf(text, sizeof(text),
			 "account_id,platform,handle,score,flagged,cluster_id,"
			 "cluster_size,cluster_score,reasons\n%s\n",
			 acc[i].row);
		write_file("r.csv", text);
		path_in(p, sizeof(p), "r.csv");
		o.accounts = p;
		o.clusters = NULL;
		o.strict = 1;
		assert_int_equal(review_import(&r, &o, &st), CIB_EPARSE);
		snprintf(want, sizeof(want), "r.csv:2: field '%s'",
			 acc[i].field);
		if (!strstr(r.errmsg, want))
			fail_msg("row %zu: [%s] lacks [%s]", i, r.errmsg, want);
	}
	for (size_t i = 0; i < sizeof(cl) / sizeof(cl[0]); i++) {
		char want[128];

		snprintf(text, sizeof(text),
			 "cluster_id,size,score,flagged\n%s\n", cl[i].row);
		write_file("c.csv", text);
		write_file("ok.csv", "account_id,platform,score,flagged\n"
				     "k,x,0.5,0\n");
		path_in(pc, sizeof(pc), "c.csv");
		path_in(p, sizeof(p), "ok.csv");
		o.accounts = p;
		o.clusters = pc;
		assert_int_equal(review_import(&r, &o, &st), CIB_EPARSE);
		snprintf(want, sizeof(want), "c.csv:2: field '%s'",
			 cl[i].field);
		if (!strstr(r.errmsg, want))
			fail_msg("cluster row %zu: [%s] lacks [%s]", i,
				 r.errmsg, want);
	}
	assert_int_equal(q_int(&r, "SELECT count(*) FROM runs"), 0);
	/* lenient: all skipped and counted, the good rows kept, and the
	 * edges of the ranges accepted */
	len = (size_t)snprintf(text, sizeof(text),
			       "account_id,platform,handle,score,flagged,"
			       "cluster_id,cluster_size,cluster_score,"
			       "reasons\n");
	for (size_t i = 0; i < sizeof(acc) / sizeof(acc[0]); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n",
					acc[i].row);
	snprintf(text + len, sizeof(text) - len,
		 "g1,x,h,0,1,C1,1,0,r\ng2,x,h,1,1,C1,1000000000,1,r\n");
	write_file("r.csv", text);
	path_in(p, sizeof(p), "r.csv");
	o.accounts = p;
	o.clusters = NULL;
	o.strict = 0;
	assert_int_equal(review_import(&r, &o, &st), CIB_OK);
	assert_int_equal(st.bad, sizeof(acc) / sizeof(acc[0]));
	assert_int_equal(st.rows, 2);
	assert_int_equal(q_int(&r, "SELECT count(*) FROM items WHERE kind ="
				   " 'account'"),
			 2);
	review_close(&r);
}


/* Writes one run: clusters given as "C1=a,b,c;C2=d,e" (every member
 * flagged, score 0.9). */
static void write_run(const char *name, const char *spec)
{
	char buf[8192];
	size_t w = 0;
	const char *s = spec;

	w += (size_t)snprintf(buf + w, sizeof(buf) - w,
			      "account_id,platform,handle,score,flagged,"
			      "cluster_id,cluster_size,cluster_score,"
			      "reasons\n");
	while (*s) {
		char cid[16];
		const char *eq = strchr(s, '='), *end = strchr(s, ';');
		size_t size = 1;

		if (!end)
			end = s + strlen(s);
		snprintf(cid, sizeof(cid), "%.*s", (int)(eq - s), s);
		for (const char *q = eq + 1; q < end; q++)
			size += *q == ',';
		for (const char *q = eq + 1; q < end;) {
			const char *c = memchr(q, ',', (size_t)(end - q));

			if (!c)
				c = end;
			w += (size_t)snprintf(buf + w, sizeof(buf) - w,
					      "%.*s,x,h,0.9,1,%s,%zu,0.9,r\n",
					      (int)(c - q), q, cid, size);
			q = c + 1;
		}
		s = *end ? end + 1 : end;
	}
	write_file(name, buf);
}

static void cluster_state(struct review *r, int64_t run, const char *key,
			  char *uid, char *status)
{
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(r->db,
					    "SELECT uid, status FROM items"
					    " WHERE kind='cluster' AND scope=?1"
					    " AND key=?2",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(uid, 32, "%s", (const char *)sqlite3_column_text(s, 0));
	snprintf(status, 16, "%s", (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
}

/* Cluster identity across runs at the Jaccard threshold's edges, with
 * the index computed by hand: |A∩B| / |A∪B|. */
static void test_cluster_identity(void **state)
{
	struct review r;
	struct review_import_stats st;
	char db[512], uid[32], status[16];

	(void)state;
	path_in(db, sizeof(db), "ident.sqlite");
	unlink(db);
	/* run 1: C1 = {a1..a4}, C2 = {b1..b5}, C3 = {c1..c3} */
	write_run("id1.csv", "C1=a1,a2,a3,a4;C2=b1,b2,b3,b4,b5;"
			     "C3=c1,c2,c3");
	assert_int_equal(review_open(&r, db), CIB_OK);
	import(&r, "id1.csv", &st);
	assert_int_equal(st.clusters, 3);
	assert_int_equal(review_decide(&r, "C1", "confirm", "ann", NULL, 0,
				       NULL),
			 CIB_OK);
	assert_int_equal(review_decide(&r, "C2", "confirm", "ann", NULL, 0,
				       NULL),
			 CIB_OK);
	assert_int_equal(review_decide(&r, "C3", "dismiss", "ann", NULL, 0,
				       NULL),
			 CIB_OK);
	/* run 2, renumbered:
	 * C9 = {a1..a4, n1..n4}: 4 / 8 = 0.5 exactly -> run 1's C1
	 * C8 = {b1..b4, m1..m6}: 4 / 11 = 0.36 -> new
	 * C7 = {c1, c2, c3}: 3 / 3 = 1 -> run 1's C3 (dismissed, same size:
	 * stays dismissed) */
	write_run("id2.csv", "C9=a1,a2,a3,a4,n1,n2,n3,n4;"
			     "C8=b1,b2,b3,b4,m1,m2,m3,m4,m5,m6;C7=c1,c2,c3");
	import(&r, "id2.csv", &st);
	assert_int_equal(st.clusters_carried, 2);
	assert_int_equal(st.clusters, 1);
	cluster_state(&r, 2, "C9", uid, status);
	assert_string_equal(uid, "R1:C1");
	assert_string_equal(status, "confirm");
	cluster_state(&r, 2, "C8", uid, status);
	assert_string_equal(uid, "R2:C8");
	assert_string_equal(status, "queued");
	cluster_state(&r, 2, "C7", uid, status);
	assert_string_equal(uid, "R1:C3");
	assert_string_equal(status, "dismiss");
	/* run 3: C5 = {c1..c4}: 3 / 4 = 0.75 with run 2's C7 (identity
	 * R1:C3), grew from 3 to 4 -> re-queued; C4 = {a1, a2, a3, n1, x1,
	 * x2, x3, x4, x5}: with C9 4 / 13 = 0.31 -> new */
	write_run("id3.csv", "C5=c1,c2,c3,c4;C4=a1,a2,a3,n1,x1,x2,x3,x4,x5");
	import(&r, "id3.csv", &st);
	cluster_state(&r, 3, "C5", uid, status);
	assert_string_equal(uid, "R1:C3");
	assert_string_equal(status, "queued");
	cluster_state(&r, 3, "C4", uid, status);
	assert_string_equal(uid, "R3:C4");
	assert_string_equal(status, "queued");
	review_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_kind),
		cmocka_unit_test(test_new_reason_kinds),
		cmocka_unit_test(test_runs_keep_decisions),
		cmocka_unit_test(test_audit_append_only),
		cmocka_unit_test(test_new_reason_codes),
		cmocka_unit_test(test_codes_decide_requeue),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_import_csv_shape),
		cmocka_unit_test(test_import_ranges),
		cmocka_unit_test(test_cluster_identity),
	};
	char tmpl[] = "/tmp/test_review.XXXXXX";
	int rc;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(dir, sizeof(dir), "%s", tmpl);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
