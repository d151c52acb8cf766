/* evidence.c - stores and lists the review app's evidence per run (the
 * tables of schema 3, review/evidence.h). Writes are one IMMEDIATE
 * transaction that replaces the run's rows; every list is capped here
 * (REVIEW_MAX_*), so what a producer sends cannot grow the store past
 * about 60 KB per account. Strings are stored as given, cut on a UTF-8
 * boundary at REVIEW_MAX_TEXT bytes; the app escapes them when shown.
 */
#include "review/evidence.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum cib_err ev_err(struct review *r, const char *what)
{
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: %s", what,
		 sqlite3_errmsg(r->db));
	return CIB_ELIB;
}

static const char *ctext(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* s cut to at most REVIEW_MAX_TEXT bytes on a character boundary */
static int cut_len(const char *s)
{
	size_t n = strlen(s);

	if (n <= REVIEW_MAX_TEXT)
		return (int)n;
	n = REVIEW_MAX_TEXT;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static void iso_time(int64_t t, char buf[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	buf[0] = '\0';
	if (t == INT64_MIN || !gmtime_r(&tt, &tm))
		return;
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void review_ev_want_release(struct review_ev_want *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->platform[i]);
		free(w->account[i]);
		free(w->cluster[i]);
	}
	free(w->platform);
	free(w->account);
	free(w->cluster);
	memset(w, 0, sizeof(*w));
}

enum cib_err review_evidence_wanted(struct review *r, int64_t run_id,
				    struct review_ev_want *w)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	if (sqlite3_prepare_v2(
		    r->db,
		    "SELECT platform, account, cluster_id FROM members WHERE"
		    " run_id = ?1 UNION SELECT platform, key, '' FROM items i"
		    " WHERE kind = 'account' AND run_id = ?1 AND NOT EXISTS"
		    " (SELECT 1 FROM members m WHERE m.run_id = ?1 AND"
		    " m.platform = i.platform AND m.account = i.key)",
		    -1, &s, NULL) != SQLITE_OK)
		return ev_err(r, "evidence: accounts of the run");
	sqlite3_bind_int64(s, 1, run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (w->n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			char **a = realloc(w->platform, nc * sizeof(*a));

			if (a)
				w->platform = a;
			a = a ? realloc(w->account, nc * sizeof(*a)) : NULL;
			if (a)
				w->account = a;
			a = a ? realloc(w->cluster, nc * sizeof(*a)) : NULL;
			if (!a)
				goto nomem;
			w->cluster = a;
			cap = nc;
		}
		w->platform[w->n] = strdup(ctext(s, 0));
		w->account[w->n] = strdup(ctext(s, 1));
		w->cluster[w->n] = strdup(ctext(s, 2));
		w->n++;
		if (!w->platform[w->n - 1] || !w->account[w->n - 1] ||
		    !w->cluster[w->n - 1])
			goto nomem;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		review_ev_want_release(w);
		return ev_err(r, "evidence: accounts of the run");
	}
	return CIB_OK;
nomem:
	sqlite3_finalize(s);
	review_ev_want_release(w);
	return CIB_ENOMEM;
}

int review_evidence_has(struct review *r, int64_t run_id)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT 1 FROM acc_evidence WHERE run_id = ?1"
			       " UNION ALL SELECT 1 FROM cl_shared WHERE"
			       " run_id = ?1 LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, run_id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int put_account(sqlite3_stmt *sa, sqlite3_stmt *sp,
		       int64_t run, const struct review_ev_account *a)
{
	char rh[REVIEW_RHYTHM_SLOTS * 11 + 1], when[32];
	size_t o = 0;

	for (int i = 0; i < REVIEW_RHYTHM_SLOTS; i++)
		o += (size_t)snprintf(rh + o, sizeof(rh) - o, "%s%u",
				      i ? "," : "", a->rhythm[i]);
	iso_time(a->created, when);
	sqlite3_reset(sa);
	sqlite3_bind_int64(sa, 1, run);
	sqlite3_bind_text(sa, 2, a->platform, cut_len(a->platform),
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(sa, 3, a->account, cut_len(a->account),
			  SQLITE_TRANSIENT);
	if (when[0])
		sqlite3_bind_text(sa, 4, when, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(sa, 4);
	sqlite3_bind_int64(sa, 5, (sqlite3_int64)a->n_posts);
	sqlite3_bind_text(sa, 6, rh, (int)o, SQLITE_TRANSIENT);
	if (sqlite3_step(sa) != SQLITE_DONE)
		return -1;
	for (size_t k = 0; k < a->n_sample && k < REVIEW_MAX_SAMPLE; k++) {
		const struct review_ev_post *p = &a->posts[k];
		char ids[REVIEW_MAX_COPY_IDS * (REVIEW_MAX_TEXT + 1) + 1];
		size_t io = 0;

		for (size_t j = 0; j < p->n_copy_ids && j < REVIEW_MAX_COPY_IDS;
		     j++) {
			int l = cut_len(p->copy_ids[j]);

			if (j)
				ids[io++] = '\n';
			memcpy(ids + io, p->copy_ids[j], (size_t)l);
			io += (size_t)l;
		}
		ids[io] = '\0';
		iso_time(p->at, when);
		sqlite3_reset(sp);
		sqlite3_bind_int64(sp, 1, run);
		sqlite3_bind_text(sp, 2, a->platform, cut_len(a->platform),
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(sp, 3, a->account, cut_len(a->account),
				  SQLITE_TRANSIENT);
		sqlite3_bind_int64(sp, 4, (sqlite3_int64)k);
		if (when[0])
			sqlite3_bind_text(sp, 5, when, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(sp, 5);
		sqlite3_bind_text(sp, 6, p->text ? p->text : "",
				  p->text ? cut_len(p->text) : 0,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int64(sp, 7, p->copies);
		sqlite3_bind_text(sp, 8, ids, (int)io, SQLITE_TRANSIENT);
		if (sqlite3_step(sp) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

enum cib_err review_evidence_store(struct review *r,
				   const struct review_evidence *ev)
{
	sqlite3_stmt *s = NULL, *sa = NULL, *sp = NULL, *ss = NULL;
	enum cib_err err = CIB_ELIB;
	int found;

	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL))
		return ev_err(r, "evidence: begin");
	if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM runs WHERE run_id = ?1",
			       -1, &s, NULL) != SQLITE_OK)
		goto db;
	sqlite3_bind_int64(s, 1, ev->run_id);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	s = NULL;
	if (!found) {
		snprintf(r->errmsg, sizeof(r->errmsg),
			 "evidence: no run %lld in the store",
			 (long long)ev->run_id);
		err = CIB_ENOTFOUND;
		goto out;
	}
	if (sqlite3_prepare_v2(r->db,
			       "DELETE FROM acc_evidence WHERE run_id = ?1;",
			       -1, &s, NULL) != SQLITE_OK)
		goto db;
	sqlite3_bind_int64(s, 1, ev->run_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto db;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db, "DELETE FROM acc_posts WHERE run_id = ?1;",
			       -1, &s, NULL) != SQLITE_OK)
		goto db;
	sqlite3_bind_int64(s, 1, ev->run_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto db;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db, "DELETE FROM cl_shared WHERE run_id = ?1;",
			       -1, &s, NULL) != SQLITE_OK)
		goto db;
	sqlite3_bind_int64(s, 1, ev->run_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto db;
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(r->db,
			       "INSERT OR REPLACE INTO acc_evidence VALUES"
			       "(?1, ?2, ?3, ?4, ?5, ?6)",
			       -1, &sa, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
			       "INSERT OR REPLACE INTO acc_posts VALUES"
			       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			       -1, &sp, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
			       "INSERT OR REPLACE INTO cl_shared VALUES"
			       "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &ss, NULL) != SQLITE_OK)
		goto db;
	for (size_t i = 0; i < ev->n_acc; i++)
		if (put_account(sa, sp, ev->run_id, &ev->acc[i]))
			goto db;
	{
		/* the first REVIEW_MAX_SHARED of each (cluster, kind), in the
		 * order given; n counts within a run of equal (cluster, kind) */
		size_t n = 0;

		for (size_t i = 0; i < ev->n_shared; i++) {
			const struct review_ev_shared *h = &ev->shared[i];

			if (i && !strcmp(h->cluster_id,
					 ev->shared[i - 1].cluster_id) &&
			    !strcmp(h->kind, ev->shared[i - 1].kind))
				n++;
			else
				n = 0;
			if (n >= REVIEW_MAX_SHARED)
				continue;
			sqlite3_reset(ss);
			sqlite3_bind_int64(ss, 1, ev->run_id);
			sqlite3_bind_text(ss, 2, h->cluster_id,
					  cut_len(h->cluster_id),
					  SQLITE_TRANSIENT);
			sqlite3_bind_text(ss, 3, h->kind, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ss, 4, (sqlite3_int64)n);
			sqlite3_bind_text(ss, 5, h->value, cut_len(h->value),
					  SQLITE_TRANSIENT);
			sqlite3_bind_int64(ss, 6, h->members);
			sqlite3_bind_int64(ss, 7, (sqlite3_int64)h->posts);
			if (sqlite3_step(ss) != SQLITE_DONE)
				goto db;
		}
	}
	if (sqlite3_exec(r->db, "COMMIT;", NULL, NULL, NULL))
		goto db;
	err = CIB_OK;
	goto done;
db:
	ev_err(r, "evidence: store");
out:
	sqlite3_exec(r->db, "ROLLBACK;", NULL, NULL, NULL);
done:
	sqlite3_finalize(s);
	sqlite3_finalize(sa);
	sqlite3_finalize(sp);
	sqlite3_finalize(ss);
	return err;
}
