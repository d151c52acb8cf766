/* review.c - the SQLite batch-review store.
 *
 * Invariants: every change is one BEGIN IMMEDIATE ... COMMIT (a failure or
 * a kill before COMMIT leaves nothing behind); every status change writes
 * an audit row with the previous value in the same transaction; the audit
 * table rejects UPDATE and DELETE by trigger; an item's evidence at the
 * time of its last decision (d_score, d_reasons, d_cluster_size) is kept
 * so a later run is compared with what the reviewer saw, not with the
 * previous run (evidence cannot creep up unnoticed in small steps).
 */
#include "model/review.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "core/csvout.h"
#include "core/textsafe.h"

#define SCHEMA_VERSION "1"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);"
	"INSERT OR IGNORE INTO meta VALUES('schema_version', '" SCHEMA_VERSION
	"');"
	"CREATE TABLE IF NOT EXISTS runs("
	" run_id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" imported_at TEXT NOT NULL, settings TEXT, accounts_file TEXT,"
	" clusters_file TEXT, checksums TEXT, n_rows INTEGER,"
	" n_flagged INTEGER, n_bad INTEGER);"
	"CREATE TABLE IF NOT EXISTS items("
	" kind TEXT NOT NULL CHECK(kind IN ('account','cluster')),"
	" scope INTEGER NOT NULL," /* 0 for accounts, the run for clusters */
	" platform TEXT NOT NULL, key TEXT NOT NULL,"
	" handle TEXT, score REAL, cluster_id TEXT, cluster_size INTEGER,"
	" cluster_score REAL, reasons TEXT, run_id INTEGER NOT NULL,"
	" status TEXT NOT NULL CHECK(status IN"
	"  ('queued','confirm','dismiss','escalate')),"
	" reviewer TEXT, note TEXT, decided_at TEXT,"
	" d_score REAL, d_reasons TEXT, d_cluster_size INTEGER,"
	" requeue_reason TEXT,"
	" PRIMARY KEY(kind, scope, platform, key));"
	"CREATE INDEX IF NOT EXISTS items_queue ON items(status, kind, score);"
	"CREATE INDEX IF NOT EXISTS items_cluster ON items(run_id, cluster_id);"
	"CREATE TABLE IF NOT EXISTS audit("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,"
	" reviewer TEXT NOT NULL, kind TEXT NOT NULL, scope INTEGER NOT NULL,"
	" platform TEXT NOT NULL, key TEXT NOT NULL, action TEXT NOT NULL,"
	" previous TEXT, value TEXT, note TEXT, run_id INTEGER);"
	"CREATE INDEX IF NOT EXISTS audit_item ON audit(kind, key);"
	"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

static void set_err(struct review *r, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void set_err(struct review *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
}

static enum cib_err db_err(struct review *r, const char *what)
{
	set_err(r, "%s: %s", what, r->db ? sqlite3_errmsg(r->db) : "no store");
	return CIB_ELIB;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static void now_utc(char buf[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

enum cib_err review_open(struct review *r, const char *path)
{
	char *msg = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = sqlite3_open_v2(path, &r->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		set_err(r, "cannot open '%s': %s", path,
			r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc));
		review_close(r);
		return CIB_EIO;
	}
	sqlite3_busy_timeout(r->db, 30000);
	rc = sqlite3_exec(r->db,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			  "PRAGMA foreign_keys=ON;",
			  NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(r->db,
				  "BEGIN IMMEDIATE;", NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(r->db, schema, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(r->db, "COMMIT;", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		set_err(r, "'%s' is not a usable review store: %s", path,
			msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		review_close(r);
		return CIB_ELIB;
	}
	return CIB_OK;
}

enum cib_err review_open_existing(struct review *r, const char *path)
{
	sqlite3_stmt *s = NULL;
	struct stat st;
	char *msg = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			set_err(r, "no review store '%s' (make one with "
				   "'cibscan review init --db %s', or import "
				   "a run into it)",
				path, path);
			return CIB_ENOTFOUND;
		}
		set_err(r, "cannot open '%s': %s", path, strerror(errno));
		return CIB_EIO;
	}
	rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		set_err(r, "cannot open '%s': %s", path,
			r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc));
		review_close(r);
		return CIB_EIO;
	}
	sqlite3_busy_timeout(r->db, 30000);
	/* ours when it has the meta table with a schema version: an empty
	 * file, a text file or another program's database is not */
	rc = sqlite3_prepare_v2(r->db,
				"SELECT v FROM meta WHERE k = 'schema_version'",
				-1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		set_err(r, "'%s' is not a review store (%s)", path,
			rc == SQLITE_DONE ? "no schema version"
					  : sqlite3_errmsg(r->db));
		sqlite3_finalize(s);
		review_close(r);
		return CIB_EFORMAT;
	}
	if (strcmp(col_text(s, 0), SCHEMA_VERSION)) {
		set_err(r, "'%s' is a review store of schema '%s'; this cibscan "
			   "reads schema " SCHEMA_VERSION,
			path, col_text(s, 0));
		sqlite3_finalize(s);
		review_close(r);
		return CIB_EFORMAT;
	}
	sqlite3_finalize(s);
	rc = sqlite3_exec(r->db,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			  "PRAGMA foreign_keys=ON;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		set_err(r, "'%s': %s", path, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		review_close(r);
		return CIB_ELIB;
	}
	return CIB_OK;
}

enum cib_err review_create(struct review *r, const char *path, int *created)
{
	struct stat st;

	*created = 0;
	if (stat(path, &st) == 0 || errno != ENOENT)
		return review_open_existing(r, path);
	*created = 1;
	return review_open(r, path);
}

void review_close(struct review *r)
{
	if (!r)
		return;
	if (r->db)
		sqlite3_close(r->db);
	r->db = NULL;
}

void review_import_opts_init(struct review_import_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->score_margin = REVIEW_SCORE_MARGIN;
}

static enum cib_err exec(struct review *r, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(r, "%s", msg ? msg : sqlite3_errmsg(r->db));
		sqlite3_free(msg);
		return CIB_ELIB;
	}
	return CIB_OK;
}

static void rollback(struct review *r)
{
	sqlite3_exec(r->db, "ROLLBACK;", NULL, NULL, NULL);
}

/* ---- reasons ---------------------------------------------------------- */

void review_reason_kind(const char *s, size_t len, char *out, size_t cap)
{
	size_t o = 0, i = 0;

	if (!cap)
		return;
	while (i < len && o + 1 < cap) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\'') { /* a quoted value: handle, location */
			size_t e = i + 1;

			while (e < len && s[e] != '\'')
				e++;
			out[o++] = '?';
			i = e < len ? e + 1 : len;
			continue;
		}
		if (ch >= '0' && ch <= '9') {
			/* a number: digits, '.', and an exponent like e-4 */
			while (i < len &&
			       ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
				((s[i] == 'e' || s[i] == 'E') && i + 1 < len &&
				 (s[i + 1] == '-' || s[i + 1] == '+' ||
				  (s[i + 1] >= '0' && s[i + 1] <= '9'))) ||
				((s[i] == '-' || s[i] == '+') && i > 0 &&
				 (s[i - 1] == 'e' || s[i - 1] == 'E'))))
				i++;
			out[o++] = '#';
			continue;
		}
		out[o++] = (char)ch;
		i++;
	}
	out[o] = '\0';
}

/* Reason kinds of a "; "-separated list, NUL-separated into buf; returns
 * the count. */
static size_t kinds_of(const char *list, char *buf, size_t cap,
		       const char **ptr, size_t maxk)
{
	size_t n = 0, used = 0;
	const char *s = list ? list : "";

	while (*s && n < maxk && used + 2 < cap) {
		const char *e = NULL;
		int depth = 0;

		/* the "; " outside parentheses ends a reason */
		for (const char *q = s; *q && !e; q++) {
			if (*q == '(')
				depth++;
			else if (*q == ')' && depth > 0)
				depth--;
			else if (!depth && q[0] == ';' && q[1] == ' ')
				e = q;
		}
		size_t len = e ? (size_t)(e - s) : strlen(s);

		review_reason_kind(s, len, buf + used, cap - used);
		ptr[n++] = buf + used;
		used += strlen(buf + used) + 1;
		s += len;
		if (e)
			s += 2;
	}
	return n;
}

size_t review_new_reason_kinds(const char *before, const char *now)
{
	static const size_t cap = 16384, maxk = 64;
	char *b1 = malloc(cap), *b2 = malloc(cap);
	const char *k1[64], *k2[64];
	size_t n1, n2, fresh = 0;

	if (!b1 || !b2) {
		free(b1);
		free(b2);
		return 0;
	}
	n1 = kinds_of(before, b1, cap, k1, maxk);
	n2 = kinds_of(now, b2, cap, k2, maxk);
	for (size_t i = 0; i < n2; i++) {
		int seen = 0;

		for (size_t j = 0; j < n1 && !seen; j++)
			seen = strcmp(k2[i], k1[j]) == 0;
		for (size_t j = 0; j < i && !seen; j++) /* count a kind once */
			seen = strcmp(k2[i], k2[j]) == 0;
		if (!seen)
			fresh++;
	}
	free(b1);
	free(b2);
	return fresh;
}

/* ---- import ------------------------------------------------------------ */

static int checksum_file(const char *path, char out[17])
{
	XXH3_state_t *st = XXH3_createState();
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int ok = 0;

	if (st && f && XXH3_64bits_reset(st) != XXH_ERROR) {
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			XXH3_64bits_update(st, buf, n);
		if (!ferror(f)) {
			snprintf(out, 17, "%016llx",
				 (unsigned long long)XXH3_64bits_digest(st));
			ok = 1;
		}
	}
	if (f)
		fclose(f);
	XXH3_freeState(st);
	return ok;
}

#define MAX_COLS 64

enum col { C_ID, C_PLATFORM, C_HANDLE, C_SCORE, C_FLAGGED, C_CLUSTER,
	   C_CSIZE, C_CSCORE, C_REASONS, C_SIZE, C__COUNT };

struct importer {
	struct review *r;
	const struct review_import_opts *o;
	struct review_import_stats *st;
	const char *path;
	int is_clusters;
	uint64_t line;
	/* the row being collected */
	char *field[MAX_COLS];
	size_t nfield;
	int too_many, too_long;
	/* header: column of each enum col, or -1 */
	int col[C__COUNT];
	int have_header;
	enum cib_err err;
	uint64_t abort_after, done_rows;
	char now[32];
	sqlite3_stmt *sel, *ins, *upd, *rq, *aud, *cl;
};

static const char *const col_names[C__COUNT] = {
	"account_id", "platform", "handle", "score", "flagged", "cluster_id",
	"cluster_size", "cluster_score", "reasons", "size"
};

static void free_row(struct importer *im)
{
	for (size_t i = 0; i < im->nfield; i++)
		free(im->field[i]);
	im->nfield = 0;
	im->too_many = im->too_long = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;
	char *c;

	if (im->nfield >= MAX_COLS) {
		im->too_many = 1;
		return;
	}
	if (len > REVIEW_MAX_FIELD) {
		im->too_long = 1;
		len = 0;
	}
	c = malloc(len + 1);
	if (!c) {
		im->err = CIB_ENOMEM;
		return;
	}
	memcpy(c, s, len);
	c[len] = '\0';
	im->field[im->nfield++] = c;
}

/* Field k of the row; text fields lose the spreadsheet-formula guard
 * `cibscan score` put on them (core/csvout.h) unless the file is raw. */
static const char *fld(const struct importer *im, enum col k)
{
	int i = im->col[k];
	const char *v = i >= 0 && (size_t)i < im->nfield ? im->field[i] : "";

	switch (k) {
	case C_ID:
	case C_PLATFORM:
	case C_HANDLE:
	case C_CLUSTER:
	case C_REASONS:
		return im->o->csv_raw ? v : csvout_unguard(v);
	default:
		return v;
	}
}

/* A malformed row: an error in strict mode, else counted and skipped. */
static void bad_row(struct importer *im, enum col k, const char *why)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s:%llu: field '%s': %s", im->path,
		 (unsigned long long)im->line, col_names[k], why);
	im->st->bad++;
	if (im->o->strict) {
		set_err(im->r, "%s", msg);
		im->err = CIB_EPARSE;
		return;
	}
	if (im->st->n_warnings < REVIEW_KEEP_WARNINGS)
		snprintf(im->st->warnings[im->st->n_warnings++], 256, "%s",
			 msg);
}

static int parse_num(const char *s, double *v)
{
	char *end;

	if (!*s)
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	return *end == '\0' && errno == 0 && isfinite(*v) ? 1 : -1;
}

/* A count: decimal digits only, 0..REVIEW_MAX_COUNT. 0 when empty, -1
 * when malformed or out of range. */
static int parse_int(const char *s, long long *v)
{
	char *end;

	if (!*s)
		return 0;
	if (*s < '0' || *s > '9') /* no sign, no space */
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return *end == '\0' && errno == 0 && *v >= 0 &&
			       *v <= REVIEW_MAX_COUNT
		       ? 1
		       : -1;
}

/* A probability (a score): a finite number in [0, 1]; 0 when empty. */
static int parse_unit(const char *s, double *v)
{
	int rc = parse_num(s, v);

	return rc == 1 && !(*v >= 0 && *v <= 1) ? -1 : rc;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static int step_done(struct importer *im, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		db_err(im->r, what);
		im->err = CIB_ELIB;
		return -1;
	}
	return 0;
}

static int audit(struct importer *im, const char *kind, int64_t scope,
		 const char *platform, const char *key, const char *action,
		 const char *prev, const char *val, const char *note)
{
	sqlite3_stmt *s = im->aud;

	sqlite3_bind_text(s, 1, im->now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, "import", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, scope);
	sqlite3_bind_text(s, 5, platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, action, -1, SQLITE_STATIC);
	bind_text(s, 8, prev);
	bind_text(s, 9, val);
	bind_text(s, 10, note);
	sqlite3_bind_int64(s, 11, im->st->run_id);
	return step_done(im, s, "audit");
}

static void cluster_item(struct importer *im, const char *cid, double score,
			 long long size, int have_size, const char *summary)
{
	sqlite3_stmt *s = im->cl;

	sqlite3_bind_int64(s, 1, im->st->run_id);
	sqlite3_bind_text(s, 2, cid, -1, SQLITE_TRANSIENT);
	if (isfinite(score))
		sqlite3_bind_double(s, 3, score);
	else
		sqlite3_bind_null(s, 3);
	if (have_size)
		sqlite3_bind_int64(s, 4, size);
	else
		sqlite3_bind_null(s, 4);
	bind_text(s, 5, summary);
	if (step_done(im, s, "queue cluster"))
		return;
	if (sqlite3_changes(im->r->db) > 0) {
		im->st->clusters++;
		audit(im, "cluster", im->st->run_id, "", cid, "queued", NULL,
		      "queued", NULL);
	}
}

static void account_row(struct importer *im)
{
	const char *id = fld(im, C_ID), *plat = fld(im, C_PLATFORM);
	const char *reasons = fld(im, C_REASONS), *cid = fld(im, C_CLUSTER);
	double score, cscore = NAN;
	long long csize = 0;
	int have_csize, rc, flagged;
	const char *fl = fld(im, C_FLAGGED);
	sqlite3_stmt *s;

	if (!*id) {
		bad_row(im, C_ID, "empty");
		return;
	}
	if (!*plat) {
		bad_row(im, C_PLATFORM, "empty");
		return;
	}
	if (parse_unit(fld(im, C_SCORE), &score) != 1) {
		bad_row(im, C_SCORE, "not a number in [0, 1]");
		return;
	}
	if (!strcmp(fl, "1") || !strcmp(fl, "true"))
		flagged = 1;
	else if (!strcmp(fl, "0") || !strcmp(fl, "false"))
		flagged = 0;
	else {
		bad_row(im, C_FLAGGED, "not 0 or 1");
		return;
	}
	have_csize = parse_int(fld(im, C_CSIZE), &csize);
	if (have_csize < 0 || (have_csize == 1 && csize < 1)) {
		bad_row(im, C_CSIZE, "not a count in [1, " REVIEW_MAX_COUNT_S
				     "]");
		return;
	}
	if (parse_unit(fld(im, C_CSCORE), &cscore) < 0) {
		bad_row(im, C_CSCORE, "not a number in [0, 1]");
		return;
	}
	im->st->rows++;
	if (!flagged)
		return;
	im->st->flagged++;
	if (*cid && !im->o->clusters)
		cluster_item(im, cid, cscore, csize, have_csize == 1, NULL);
	if (im->err)
		return;

	/* the item as it stands */
	s = im->sel;
	sqlite3_bind_text(s, 1, plat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		s = im->ins;
	} else if (rc == SQLITE_ROW) {
		char status[16], why[512] = "", *dreasons;
		double dscore = sqlite3_column_type(s, 1) == SQLITE_NULL
					? NAN
					: sqlite3_column_double(s, 1);
		int have_dsize = sqlite3_column_type(s, 3) != SQLITE_NULL;
		long long dsize = sqlite3_column_int64(s, 3);
		size_t nnew, wl = 0;
		const unsigned char *dr = sqlite3_column_text(s, 2);

		snprintf(status, sizeof(status), "%s",
			 (const char *)sqlite3_column_text(s, 0));
		dreasons = strdup(dr ? (const char *)dr : "");
		sqlite3_reset(s);
		if (!dreasons) {
			im->err = CIB_ENOMEM;
			return;
		}
		s = im->upd;
		if (!strcmp(status, "confirm")) {
			im->st->kept_confirmed++;
		} else if (!strcmp(status, "dismiss")) {
			if (isfinite(dscore) &&
			    score >= dscore + im->o->score_margin - 1e-12)
				wl += (size_t)snprintf(
					why + wl, sizeof(why) - wl,
					"%sscore rose from %.3f to %.3f "
					"(margin %.2f)",
					wl ? "; " : "", dscore, score,
					im->o->score_margin);
			nnew = review_new_reason_kinds(dreasons, reasons);
			if (nnew && wl < sizeof(why))
				wl += (size_t)snprintf(
					why + wl, sizeof(why) - wl,
					"%s%zu new kind%s of reason", wl ? "; " : "",
					nnew, nnew == 1 ? "" : "s");
			if (have_dsize && have_csize == 1 && csize > dsize &&
			    wl < sizeof(why))
				wl += (size_t)snprintf(
					why + wl, sizeof(why) - wl,
					"%scluster grew from %lld to %lld "
					"accounts",
					wl ? "; " : "", dsize, csize);
			if (wl) {
				s = im->rq;
				im->st->requeued++;
			} else {
				im->st->kept_dismissed++;
			}
		} else {
			im->st->still_open++;
		}
		free(dreasons);
		if (s == im->rq) {
			sqlite3_bind_text(s, 10, why, -1, SQLITE_TRANSIENT);
			if (audit(im, "account", 0, plat, id, "requeued",
				  "dismiss", "queued", why))
				return;
		}
	} else {
		sqlite3_reset(s);
		db_err(im->r, "read item");
		im->err = CIB_ELIB;
		return;
	}
	sqlite3_bind_text(s, 1, plat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
	bind_text(s, 3, fld(im, C_HANDLE));
	sqlite3_bind_double(s, 4, score);
	bind_text(s, 5, cid);
	if (have_csize == 1)
		sqlite3_bind_int64(s, 6, csize);
	else
		sqlite3_bind_null(s, 6);
	if (isfinite(cscore))
		sqlite3_bind_double(s, 7, cscore);
	else
		sqlite3_bind_null(s, 7);
	bind_text(s, 8, reasons);
	sqlite3_bind_int64(s, 9, im->st->run_id);
	if (step_done(im, s, "store account"))
		return;
	if (s == im->ins) {
		im->st->queued_new++;
		audit(im, "account", 0, plat, id, "queued", NULL, "queued",
		      NULL);
	}
}

static void cluster_row(struct importer *im)
{
	const char *cid = fld(im, C_CLUSTER);
	double score = NAN;
	long long size = 0, fl = 0;
	int hs, hf;

	if (!*cid) {
		bad_row(im, C_CLUSTER, "empty");
		return;
	}
	hs = parse_int(fld(im, C_SIZE), &size);
	if (hs < 0 || (hs == 1 && size < 1)) {
		bad_row(im, C_SIZE, "not a count in [1, " REVIEW_MAX_COUNT_S
				    "]");
		return;
	}
	if (parse_unit(fld(im, C_SCORE), &score) < 0) {
		bad_row(im, C_SCORE, "not a number in [0, 1]");
		return;
	}
	hf = parse_int(fld(im, C_FLAGGED), &fl);
	if (hf < 0 || (hs == 1 && fl > size)) {
		bad_row(im, C_FLAGGED, hf < 0 ? "not a count"
					      : "more than the cluster's size");
		return;
	}
	im->st->rows++;
	if (fl > 0) {
		char summary[64];

		snprintf(summary, sizeof(summary), "%lld flagged members", fl);
		cluster_item(im, cid, score, size, hs == 1, summary);
	}
}

static void on_row(int term, void *data)
{
	struct importer *im = data;

	(void)term;
	if (im->err)
		goto done;
	if (im->too_long || im->too_many) {
		if (!im->have_header) {
			set_err(im->r, "%s:%llu: header has %s", im->path,
				(unsigned long long)im->line,
				im->too_many ? "too many columns"
					     : "a field too long");
			im->err = CIB_EPARSE;
		} else {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s:%llu: %s", im->path,
				 (unsigned long long)im->line,
				 im->too_many ? "more than 64 fields"
					      : "a field longer than 1 MiB");
			im->st->bad++;
			if (im->o->strict) {
				set_err(im->r, "%s", msg);
				im->err = CIB_EPARSE;
			} else if (im->st->n_warnings < REVIEW_KEEP_WARNINGS) {
				snprintf(im->st->warnings[im->st->n_warnings++],
					 256, "%s", msg);
			}
		}
		goto done;
	}
	if (!im->have_header) {
		static const enum col need_acc[] = { C_ID, C_PLATFORM, C_SCORE,
						     C_FLAGGED };
		static const enum col need_cl[] = { C_CLUSTER, C_SIZE, C_SCORE,
						    C_FLAGGED };
		const enum col *need = im->is_clusters ? need_cl : need_acc;

		for (int k = 0; k < C__COUNT; k++) {
			im->col[k] = -1;
			for (size_t i = 0; i < im->nfield; i++)
				if (!strcmp(im->field[i], col_names[k]))
					im->col[k] = (int)i;
		}
		for (int k = 0; k < 4; k++)
			if (im->col[need[k]] < 0) {
				set_err(im->r,
					"%s:%llu: no '%s' column (is this %s?)",
					im->path, (unsigned long long)im->line,
					col_names[need[k]],
					im->is_clusters
						? "a 'score --clusters' file"
						: "a 'cibscan score' accounts "
						  "file");
				im->err = CIB_EPARSE;
				goto done;
			}
		im->have_header = 1;
		goto done;
	}
	if (im->is_clusters)
		cluster_row(im);
	else
		account_row(im);
	im->done_rows++;
	if (im->abort_after && im->done_rows >= im->abort_after)
		raise(SIGKILL); /* test hook: a crash mid-import */
done:
	free_row(im);
}

static enum cib_err read_csv(struct importer *im, const char *path,
			     int is_clusters)
{
	struct csv_parser cp;
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		set_err(im->r, "cannot open '%s': %s", path, strerror(errno));
		return CIB_EIO;
	}
	if (csv_init(&cp, CSV_APPEND_NULL) != 0) {
		fclose(f);
		return CIB_ENOMEM;
	}
	im->path = path;
	im->is_clusters = is_clusters;
	im->have_header = 0;
	im->line = 0;
	while (!im->err && (n = getline(&line, &cap, f)) > 0) {
		im->line++;
		if ((size_t)n > REVIEW_MAX_LINE) {
			set_err(im->r, "%s:%llu: line longer than %zu bytes",
				path, (unsigned long long)im->line,
				REVIEW_MAX_LINE);
			im->err = CIB_ETOOBIG;
			break;
		}
		if (csv_parse(&cp, line, (size_t)n, on_field, on_row, im) !=
		    (size_t)n) {
			set_err(im->r, "%s:%llu: %s", path,
				(unsigned long long)im->line,
				csv_strerror(csv_error(&cp)));
			im->err = CIB_EPARSE;
		}
	}
	if (!im->err && ferror(f)) {
		set_err(im->r, "cannot read '%s': %s", path, strerror(errno));
		im->err = CIB_EIO;
	}
	if (!im->err)
		csv_fini(&cp, on_field, on_row, im);
	free_row(im);
	if (!im->err && !im->have_header) {
		set_err(im->r, "%s: empty file (no header)", path);
		im->err = CIB_EPARSE;
	}
	csv_free(&cp);
	free(line);
	fclose(f);
	return im->err;
}

static int prep(struct review *r, sqlite3_stmt **s, const char *sql)
{
	if (sqlite3_prepare_v2(r->db, sql, -1, s, NULL) != SQLITE_OK) {
		db_err(r, "prepare");
		return -1;
	}
	return 0;
}

enum cib_err review_import(struct review *r,
			   const struct review_import_opts *o,
			   struct review_import_stats *st)
{
	struct importer im;
	char *checks = NULL;
	size_t clen = 0, ccap = 0;
	const char *ab = getenv(REVIEW_ABORT_ENV);
	sqlite3_stmt *run = NULL, *fin = NULL;
	enum cib_err err;

	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.r = r;
	im.o = o;
	im.st = st;
	if (ab && *ab) {
		char *end;
		unsigned long long v = strtoull(ab, &end, 10);

		if (*end == '\0')
			im.abort_after = v;
	}
	now_utc(im.now);
	/* checksums first: they read files, outside the transaction */
	for (size_t i = 0; i < o->n_inputs + 2; i++) {
		const char *p = i == 0 ? o->accounts
				: i == 1 ? o->clusters
					 : o->inputs[i - 2];
		char hex[17];
		size_t need;

		if (!p)
			continue;
		if (!checksum_file(p, hex)) {
			set_err(r, "cannot read '%s': %s", p, strerror(errno));
			free(checks);
			return CIB_EIO;
		}
		need = clen + strlen(p) + 32;
		if (need > ccap) {
			char *nb = realloc(checks, need * 2);

			if (!nb) {
				free(checks);
				return CIB_ENOMEM;
			}
			checks = nb;
			ccap = need * 2;
		}
		clen += (size_t)snprintf(checks + clen, ccap - clen,
					 "%s%s xxh3:%s", clen ? "; " : "", p,
					 hex);
	}
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err) {
		free(checks);
		return err;
	}
	err = CIB_ELIB;
	if (prep(r, &run,
		 "INSERT INTO runs(imported_at, settings, accounts_file,"
		 " clusters_file, checksums) VALUES(?1, ?2, ?3, ?4, ?5)") ||
	    prep(r, &im.sel,
		 "SELECT status, d_score, d_reasons, d_cluster_size FROM items"
		 " WHERE kind = 'account' AND scope = 0 AND platform = ?1 AND"
		 " key = ?2") ||
	    prep(r, &im.ins,
		 "INSERT INTO items(kind, scope, platform, key, handle, score,"
		 " cluster_id, cluster_size, cluster_score, reasons, run_id,"
		 " status) VALUES('account', 0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		 " ?9, 'queued')") ||
	    prep(r, &im.upd,
		 "UPDATE items SET handle = ?3, score = ?4, cluster_id = ?5,"
		 " cluster_size = ?6, cluster_score = ?7, reasons = ?8,"
		 " run_id = ?9 WHERE kind = 'account' AND scope = 0 AND"
		 " platform = ?1 AND key = ?2") ||
	    prep(r, &im.rq,
		 "UPDATE items SET handle = ?3, score = ?4, cluster_id = ?5,"
		 " cluster_size = ?6, cluster_score = ?7, reasons = ?8,"
		 " run_id = ?9, status = 'queued', requeue_reason = ?10"
		 " WHERE kind = 'account' AND scope = 0 AND platform = ?1 AND"
		 " key = ?2") ||
	    prep(r, &im.aud,
		 "INSERT INTO audit(at, reviewer, kind, scope, platform, key,"
		 " action, previous, value, note, run_id) VALUES(?1, ?2, ?3,"
		 " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)") ||
	    prep(r, &im.cl,
		 "INSERT INTO items(kind, scope, platform, key, score,"
		 " cluster_size, run_id, status, reasons) VALUES('cluster', ?1,"
		 " '', ?2, ?3, ?4, ?1, 'queued', ?5) ON CONFLICT DO NOTHING") ||
	    prep(r, &fin,
		 "UPDATE runs SET n_rows = ?2, n_flagged = ?3, n_bad = ?4"
		 " WHERE run_id = ?1"))
		goto fail;
	sqlite3_bind_text(run, 1, im.now, -1, SQLITE_TRANSIENT);
	bind_text(run, 2, o->settings);
	bind_text(run, 3, o->accounts);
	bind_text(run, 4, o->clusters);
	bind_text(run, 5, checks);
	if (sqlite3_step(run) != SQLITE_DONE) {
		db_err(r, "record run");
		goto fail;
	}
	st->run_id = sqlite3_last_insert_rowid(r->db);
	if (o->clusters) {
		err = read_csv(&im, o->clusters, 1);
		if (err)
			goto fail;
	}
	err = read_csv(&im, o->accounts, 0);
	if (err)
		goto fail;
	err = CIB_ELIB;
	sqlite3_bind_int64(fin, 1, st->run_id);
	sqlite3_bind_int64(fin, 2, (sqlite3_int64)st->rows);
	sqlite3_bind_int64(fin, 3, (sqlite3_int64)st->flagged);
	sqlite3_bind_int64(fin, 4, (sqlite3_int64)st->bad);
	if (sqlite3_step(fin) != SQLITE_DONE) {
		db_err(r, "record run");
		goto fail;
	}
	sqlite3_finalize(run);
	sqlite3_finalize(fin);
	sqlite3_finalize(im.sel);
	sqlite3_finalize(im.ins);
	sqlite3_finalize(im.upd);
	sqlite3_finalize(im.rq);
	sqlite3_finalize(im.aud);
	sqlite3_finalize(im.cl);
	free(checks);
	return exec(r, "COMMIT;");
fail:
	sqlite3_finalize(run);
	sqlite3_finalize(fin);
	sqlite3_finalize(im.sel);
	sqlite3_finalize(im.ins);
	sqlite3_finalize(im.upd);
	sqlite3_finalize(im.rq);
	sqlite3_finalize(im.aud);
	sqlite3_finalize(im.cl);
	free(checks);
	rollback(r);
	return err;
}

/* ---- targets and decisions -------------------------------------------- */

struct target {
	int is_cluster;
	int64_t scope;
	char platform[64];
	char key[512];
};

static int64_t latest_run(struct review *r)
{
	sqlite3_stmt *s;
	int64_t v = 0;

	if (sqlite3_prepare_v2(r->db, "SELECT max(run_id) FROM runs", -1, &s,
			       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int is_cluster_id(const char *s)
{
	if (s[0] != 'C' || !s[1])
		return 0;
	for (s++; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Resolves `t` to one item. CIB_ENOTFOUND / CIB_EUSAGE with errmsg. */
static enum cib_err resolve(struct review *r, const char *t, struct target *out)
{
	sqlite3_stmt *s = NULL;
	const char *colon = strchr(t, ':');
	int n = 0, want_cluster = -1;

	memset(out, 0, sizeof(*out));
	if (!strncmp(t, "cluster:", 8)) {
		want_cluster = 1;
		t += 8;
	} else if (!strncmp(t, "account:", 8)) {
		want_cluster = 0;
		t += 8;
	}
	if (strlen(t) >= sizeof(out->key)) {
		set_err(r, "'%s' is too long for an id", t);
		return CIB_EUSAGE;
	}
	if (want_cluster != 0) {
		const char *c = t;
		int64_t scope = latest_run(r);

		if (t[0] == 'R' && (colon = strchr(t, ':')) != NULL) {
			char *end;

			scope = strtoll(t + 1, &end, 10);
			c = end == colon ? colon + 1 : "";
		}
		if (is_cluster_id(c)) {
			if (sqlite3_prepare_v2(r->db,
					       "SELECT 1 FROM items WHERE kind ="
					       " 'cluster' AND scope = ?1 AND"
					       " key = ?2",
					       -1, &s, NULL) != SQLITE_OK)
				return db_err(r, "find cluster");
			sqlite3_bind_int64(s, 1, scope);
			sqlite3_bind_text(s, 2, c, -1, SQLITE_TRANSIENT);
			n = sqlite3_step(s) == SQLITE_ROW;
			sqlite3_finalize(s);
			if (n) {
				out->is_cluster = 1;
				out->scope = scope;
				snprintf(out->key, sizeof(out->key), "%s", c);
				return CIB_OK;
			}
		}
		if (want_cluster == 1) {
			set_err(r, "no cluster '%s' in the store (run %lld)",
				c, (long long)scope);
			return CIB_ENOTFOUND;
		}
	}
	/* an account: "ID" or "PLATFORM:ID" */
	if (sqlite3_prepare_v2(r->db,
			       "SELECT platform, key FROM items WHERE kind ="
			       " 'account' AND ((key = ?1) OR (platform || ':'"
			       " || key = ?1)) LIMIT 3",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "find account");
	sqlite3_bind_text(s, 1, t, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		snprintf(out->platform, sizeof(out->platform), "%s",
			 (const char *)sqlite3_column_text(s, 0));
		snprintf(out->key, sizeof(out->key), "%s",
			 (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (n == 0) {
		set_err(r, "no account or cluster '%s' in the store", t);
		return CIB_ENOTFOUND;
	}
	if (n > 1) {
		set_err(r, "'%s' is on several platforms: write PLATFORM:%s",
			t, t);
		return CIB_EUSAGE;
	}
	return CIB_OK;
}

static const char *const decisions[] = { "confirm", "dismiss", "escalate",
					 "queued" };

/* Sets one item's status inside the caller's transaction and audits it. */
static enum cib_err set_status(struct review *r, const struct target *t,
			       const char *decision, const char *reviewer,
			       const char *note, const char *now,
			       const char *via)
{
	sqlite3_stmt *s = NULL;
	char prev[16] = "";
	int64_t run = 0;
	enum cib_err err = CIB_ELIB;
	const char *kind = t->is_cluster ? "cluster" : "account";
	char fullnote[1200];

	if (sqlite3_prepare_v2(r->db,
			       "SELECT status, run_id FROM items WHERE kind = ?1"
			       " AND scope = ?2 AND platform = ?3 AND key = ?4",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "read item");
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, t->scope);
	sqlite3_bind_text(s, 3, t->platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, t->key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		set_err(r, "no %s '%s' in the store", kind, t->key);
		return CIB_ENOTFOUND;
	}
	snprintf(prev, sizeof(prev), "%s",
		 (const char *)sqlite3_column_text(s, 0));
	run = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	/* the evidence the reviewer saw becomes the baseline for later runs */
	if (sqlite3_prepare_v2(r->db,
			       "UPDATE items SET status = ?5, reviewer = ?6,"
			       " note = ?7, decided_at = ?8, d_score = score,"
			       " d_reasons = reasons, d_cluster_size ="
			       " cluster_size, requeue_reason = NULL"
			       " WHERE kind = ?1 AND scope = ?2 AND"
			       " platform = ?3 AND key = ?4",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "update item");
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, t->scope);
	sqlite3_bind_text(s, 3, t->platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, t->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, reviewer, -1, SQLITE_TRANSIENT);
	bind_text(s, 7, note);
	sqlite3_bind_text(s, 8, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (via)
		snprintf(fullnote, sizeof(fullnote), "%s (via cluster %s)",
			 note ? note : "", via);
	if (sqlite3_prepare_v2(r->db,
			       "INSERT INTO audit(at, reviewer, kind, scope,"
			       " platform, key, action, previous, value, note,"
			       " run_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
			       " 'decide', ?7, ?8, ?9, ?10)",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "audit");
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, reviewer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, t->scope);
	sqlite3_bind_text(s, 5, t->platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, t->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, prev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, decision, -1, SQLITE_STATIC);
	bind_text(s, 9, via ? fullnote : note);
	sqlite3_bind_int64(s, 10, run);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	err = CIB_OK;
out:
	if (err)
		db_err(r, "record decision");
	sqlite3_finalize(s);
	return err;
}

enum cib_err review_decide(struct review *r, const char *target,
			   const char *decision, const char *reviewer,
			   const char *note, int apply_members,
			   size_t *n_changed)
{
	struct target t;
	char now[32];
	enum cib_err err;
	size_t n = 0, k;

	if (n_changed)
		*n_changed = 0;
	for (k = 0; k < sizeof(decisions) / sizeof(decisions[0]); k++)
		if (!strcmp(decision, decisions[k]))
			break;
	if (k == sizeof(decisions) / sizeof(decisions[0])) {
		set_err(r, "decision '%s' is not confirm, dismiss, escalate or "
			   "queued", decision);
		return CIB_EUSAGE;
	}
	decision = decisions[k]; /* static storage */
	if (!reviewer || !*reviewer) {
		set_err(r, "a decision needs a reviewer name");
		return CIB_EUSAGE;
	}
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err)
		return err;
	err = resolve(r, target, &t);
	if (err)
		goto fail;
	now_utc(now);
	err = set_status(r, &t, decision, reviewer, note, now, NULL);
	if (err)
		goto fail;
	n++;
	if (t.is_cluster && apply_members) {
		sqlite3_stmt *s;
		struct target m;

		if (sqlite3_prepare_v2(r->db,
				       "SELECT platform, key FROM items WHERE"
				       " kind = 'account' AND run_id = ?1 AND"
				       " cluster_id = ?2 ORDER BY key",
				       -1, &s, NULL) != SQLITE_OK) {
			err = db_err(r, "cluster members");
			goto fail;
		}
		sqlite3_bind_int64(s, 1, t.scope);
		sqlite3_bind_text(s, 2, t.key, -1, SQLITE_TRANSIENT);
		while (!err && sqlite3_step(s) == SQLITE_ROW) {
			memset(&m, 0, sizeof(m));
			snprintf(m.platform, sizeof(m.platform), "%s",
				 (const char *)sqlite3_column_text(s, 0));
			snprintf(m.key, sizeof(m.key), "%s",
				 (const char *)sqlite3_column_text(s, 1));
			err = set_status(r, &m, decision, reviewer, note, now,
					 t.key);
			if (!err)
				n++;
		}
		sqlite3_finalize(s);
		if (err)
			goto fail;
	}
	err = exec(r, "COMMIT;");
	if (err)
		goto fail;
	if (n_changed)
		*n_changed = n;
	return CIB_OK;
fail:
	rollback(r);
	return err;
}

/* ---- reading ----------------------------------------------------------- */

/* A stored value on a terminal: control characters shown as \xNN. */
static void put(FILE *f, const char *v)
{
	textsafe_fputs(f, v, TEXTSAFE_TERM);
}

static enum cib_err show_target(struct review *r, const struct target *t,
				FILE *f)
{
	sqlite3_stmt *s = NULL;
	const char *kind = t->is_cluster ? "cluster" : "account";
	static const char *const names[] = {
		"platform", "id", "handle", "score", "cluster", "cluster size",
		"cluster score", "reasons", "run", "status", "reviewer", "note",
		"decided at", "requeued because"
	};

	if (sqlite3_prepare_v2(r->db,
			       "SELECT platform, key, handle, score, cluster_id,"
			       " cluster_size, cluster_score, reasons, run_id,"
			       " status, reviewer, note, decided_at,"
			       " requeue_reason FROM items WHERE kind = ?1 AND"
			       " scope = ?2 AND platform = ?3 AND key = ?4",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "show");
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, t->scope);
	sqlite3_bind_text(s, 3, t->platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, t->key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		set_err(r, "no %s '%s' in the store", kind, t->key);
		return CIB_ENOTFOUND;
	}
	/* values come from data and reviewers: shown escaped */
	fprintf(f, "%s ", kind);
	if (!t->is_cluster) {
		put(f, t->platform);
		fputc(':', f);
	}
	put(f, t->key);
	fputc('\n', f);
	for (int i = 0; i < 14; i++) {
		const char *v = col_text(s, i);

		if (*v) {
			fprintf(f, "  %-17s ", names[i]);
			put(f, v);
			fputc('\n', f);
		}
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db,
			       "SELECT seq, at, reviewer, action, previous,"
			       " value, note, run_id FROM audit WHERE kind = ?1"
			       " AND scope = ?2 AND platform = ?3 AND key = ?4"
			       " ORDER BY seq",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "history");
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, t->scope);
	sqlite3_bind_text(s, 3, t->platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, t->key, -1, SQLITE_TRANSIENT);
	fputs("  history:\n", f);
	while (sqlite3_step(s) == SQLITE_ROW) {
		fprintf(f, "    #%s %s ", col_text(s, 0), col_text(s, 1));
		put(f, col_text(s, 2));
		fprintf(f, " %s %s -> %s (run %s)", col_text(s, 3),
			*col_text(s, 4) ? col_text(s, 4) : "-", col_text(s, 5),
			col_text(s, 7));
		if (*col_text(s, 6)) {
			fputs(": ", f);
			put(f, col_text(s, 6));
		}
		fputc('\n', f);
	}
	sqlite3_finalize(s);
	return CIB_OK;
}

enum cib_err review_show(struct review *r, const char *target, FILE *f)
{
	struct target t;
	enum cib_err err = resolve(r, target, &t);

	return err ? err : show_target(r, &t, f);
}

enum cib_err review_next(struct review *r, int clusters_first, FILE *f,
			 int *found)
{
	sqlite3_stmt *s;
	struct target t;

	*found = 0;
	/* clusters only from the latest run: older cluster ids name other
	 * groupings */
	if (sqlite3_prepare_v2(
		    r->db,
		    "SELECT kind, scope, platform, key FROM items WHERE status ="
		    " 'queued' AND (kind = 'account' OR scope = (SELECT"
		    " max(run_id) FROM runs)) ORDER BY (kind = ?1) DESC,"
		    " score DESC, key LIMIT 1",
		    -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "next");
	sqlite3_bind_text(s, 1, clusters_first ? "cluster" : "account", -1,
			  SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return CIB_OK;
	}
	memset(&t, 0, sizeof(t));
	t.is_cluster = !strcmp(col_text(s, 0), "cluster");
	t.scope = sqlite3_column_int64(s, 1);
	snprintf(t.platform, sizeof(t.platform), "%s", col_text(s, 2));
	snprintf(t.key, sizeof(t.key), "%s", col_text(s, 3));
	sqlite3_finalize(s);
	*found = 1;
	return show_target(r, &t, f);
}

enum cib_err review_export(struct review *r, FILE *f, int csv_raw, size_t *n)
{
	static const char *const hdr[] = { "account_id", "platform", "handle",
					   "score", "cluster_id", "reasons",
					   "reviewer", "note", "decided_at",
					   "run_id" };
	sqlite3_stmt *s;
	size_t rows = 0;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT key, platform, handle, score, cluster_id,"
			       " reasons, reviewer, note, decided_at, run_id"
			       " FROM items WHERE kind = 'account' AND status ="
			       " 'confirm' ORDER BY score DESC, platform, key",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "export");
	csvout_header(f, hdr, 10);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char sc[32];

		for (int i = 0; i < 10; i++) {
			if (i)
				fputc(',', f);
			if (i == 3) {
				snprintf(sc, sizeof(sc), "%.6f",
					 sqlite3_column_double(s, 3));
				fputs(sc, f);
			} else {
				csvout_text(f, col_text(s, i), csv_raw);
			}
		}
		fputc('\n', f);
		rows++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_err(r, "export");
	if (n)
		*n = rows;
	return ferror(f) ? CIB_EIO : CIB_OK;
}

enum cib_err review_status(struct review *r, FILE *f)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT kind, status, count(*) FROM items GROUP"
			       " BY kind, status ORDER BY kind, status",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "status");
	while (sqlite3_step(s) == SQLITE_ROW)
		fprintf(f, "%s %s %s\n", col_text(s, 0), col_text(s, 1),
			col_text(s, 2));
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db,
			       "SELECT run_id, imported_at, n_rows, n_flagged,"
			       " n_bad, settings, checksums FROM runs ORDER BY"
			       " run_id",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "status");
	while (sqlite3_step(s) == SQLITE_ROW) {
		fprintf(f, "run %s imported %s: %s rows, %s flagged, %s bad; "
			   "settings: ",
			col_text(s, 0), col_text(s, 1), col_text(s, 2),
			col_text(s, 3), col_text(s, 4));
		put(f, *col_text(s, 5) ? col_text(s, 5) : "-");
		fputs("; ", f);
		put(f, col_text(s, 6));
		fputc('\n', f);
	}
	sqlite3_finalize(s);
	return ferror(f) ? CIB_EIO : CIB_OK;
}

static const char *keep(struct review_list *l, const char *s, size_t *cap)
{
	char *c;

	if (l->n_strings == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		char **ns = realloc(l->strings, nc * sizeof(*ns));

		if (!ns)
			return NULL;
		l->strings = ns;
		*cap = nc;
	}
	c = strdup(s);
	if (!c)
		return NULL;
	l->strings[l->n_strings++] = c;
	return c;
}

enum cib_err review_list_load(struct review *r, struct review_list *l)
{
	sqlite3_stmt *s;
	size_t cap = 0, scap = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	/* accounts, and the latest run's clusters (the ids the report uses
	 * when it is made from that run's input) */
	if (sqlite3_prepare_v2(r->db,
			       "SELECT kind, platform, key, status, reviewer,"
			       " note, decided_at FROM items WHERE kind ="
			       " 'account' OR scope = (SELECT max(run_id) FROM"
			       " runs)",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "load decisions");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct report_decision *d;

		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct report_decision *nd =
				realloc(l->d, nc * sizeof(*nd));

			if (!nd)
				goto nomem;
			l->d = nd;
			cap = nc;
		}
		d = &l->d[l->n];
		d->is_cluster = !strcmp(col_text(s, 0), "cluster");
		if (!(d->platform = keep(l, col_text(s, 1), &scap)) ||
		    !(d->key = keep(l, col_text(s, 2), &scap)) ||
		    !(d->status = keep(l, col_text(s, 3), &scap)) ||
		    !(d->reviewer = keep(l, col_text(s, 4), &scap)) ||
		    !(d->note = keep(l, col_text(s, 5), &scap)) ||
		    !(d->at = keep(l, col_text(s, 6), &scap)))
			goto nomem;
		l->n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		review_list_release(l);
		return db_err(r, "load decisions");
	}
	return CIB_OK;
nomem:
	sqlite3_finalize(s);
	review_list_release(l);
	return CIB_ENOMEM;
}

void review_list_release(struct review_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_strings; i++)
		free(l->strings[i]);
	free(l->strings);
	free(l->d);
	memset(l, 0, sizeof(*l));
}
