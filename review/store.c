/* store.c - the SQLite batch-review store.
 *
 * Invariants: every change is one BEGIN IMMEDIATE ... COMMIT (a failure or
 * a kill before COMMIT leaves nothing behind); every status change writes
 * an audit row with the previous value in the same transaction; the audit
 * table rejects UPDATE and DELETE by trigger; an item's evidence at the
 * time of its last decision (d_score, d_reasons, d_cluster_size) is kept
 * so a later run is compared with what the reviewer saw, not with the
 * previous run (evidence cannot creep up unnoticed in small steps).
 */
#include "review/store.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "core/csvout.h"
#include "core/csvrec.h"
#include "core/textsafe.h"

#define SCHEMA_VERSION "4"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);"
	"INSERT OR IGNORE INTO meta VALUES('schema_version', '1');"
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

/* Schema 1 -> 2: versions and leases on items, decision numbers, undo and
 * supersede links on audit rows, a content hash per run, cluster members
 * and edges per run, a stable identity per cluster. Run inside the
 * caller's IMMEDIATE transaction; ALTER TABLE ADD COLUMN leaves existing
 * rows (and the audit triggers) as they are. */
static const char upgrade_v2[] =
	"ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN claimed_by TEXT;"
	"ALTER TABLE items ADD COLUMN claim_until TEXT;"
	"ALTER TABLE items ADD COLUMN claim_version INTEGER;"
	"ALTER TABLE items ADD COLUMN uid TEXT;"
	"ALTER TABLE audit ADD COLUMN batch INTEGER;"
	"ALTER TABLE audit ADD COLUMN reverses INTEGER;"
	"ALTER TABLE audit ADD COLUMN supersedes INTEGER;"
	"ALTER TABLE audit ADD COLUMN version INTEGER;"
	"ALTER TABLE audit ADD COLUMN via TEXT;"
	"ALTER TABLE runs ADD COLUMN content_hash TEXT;"
	"ALTER TABLE runs ADD COLUMN edges_file TEXT;"
	"CREATE UNIQUE INDEX runs_content ON runs(content_hash);"
	"CREATE INDEX audit_batch ON audit(batch);"
	"CREATE INDEX audit_item2 ON audit(kind, scope, platform, key, seq);"
	"CREATE INDEX items_handle ON items(handle COLLATE NOCASE);"
	"CREATE TABLE members(run_id INTEGER NOT NULL, cluster_id TEXT NOT"
	" NULL, platform TEXT NOT NULL, account TEXT NOT NULL,"
	" PRIMARY KEY(run_id, cluster_id, platform, account)) WITHOUT ROWID;"
	"CREATE INDEX members_acc ON members(platform, account, run_id);"
	"CREATE TABLE edges(run_id INTEGER NOT NULL, a TEXT NOT NULL,"
	" b TEXT NOT NULL, log10p REAL, observed INTEGER, kinds TEXT);"
	"CREATE INDEX edges_a ON edges(run_id, a);"
	"CREATE INDEX edges_b ON edges(run_id, b);"
	"UPDATE items SET uid = 'R' || scope || ':' || key WHERE kind ="
	" 'cluster';"
	"UPDATE meta SET v = '2' WHERE k = 'schema_version';";

/* Schema 2 -> 3: the evidence the review app shows beside a run's items,
 * stored when the run is imported with its inputs (review_store_evidence):
 * per account its hour-of-week rhythm, creation time and post count; a
 * bounded sample of its posts, each with how many other accounts posted the
 * same normalised text and some of their ids; per cluster the texts, URLs
 * and domains most shared by its members. New tables only: nothing existing
 * changes. */
static const char upgrade_v3[] =
	"CREATE TABLE IF NOT EXISTS acc_evidence(run_id INTEGER NOT NULL,"
	" platform TEXT NOT NULL, account TEXT NOT NULL, created TEXT,"
	" n_posts INTEGER NOT NULL, rhythm TEXT NOT NULL,"
	" PRIMARY KEY(run_id, platform, account)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS acc_posts(run_id INTEGER NOT NULL,"
	" platform TEXT NOT NULL, account TEXT NOT NULL, n INTEGER NOT NULL,"
	" at TEXT, text TEXT NOT NULL, copies INTEGER NOT NULL,"
	" copy_ids TEXT NOT NULL,"
	" PRIMARY KEY(run_id, platform, account, n)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS cl_shared(run_id INTEGER NOT NULL,"
	" cluster_id TEXT NOT NULL, kind TEXT NOT NULL CHECK(kind IN"
	" ('text','url','domain')), n INTEGER NOT NULL, value TEXT NOT NULL,"
	" members INTEGER NOT NULL, posts INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, cluster_id, kind, n)) WITHOUT ROWID;"
	"UPDATE meta SET v = '3' WHERE k = 'schema_version';";

/* Schema 3 -> 4: per account item the reason codes of the run it came from
 * (a run imported with --run: "copied_texts coacted:co_post ...") and
 * those at its last decision, so "the evidence grew" is decided on codes
 * rather than on the reasons' English; NULL for rows from CSV files, which
 * keep the text comparison. */
static const char upgrade_v4[] =
	"ALTER TABLE items ADD COLUMN reason_codes TEXT;"
	"ALTER TABLE items ADD COLUMN d_reason_codes TEXT;"
	"UPDATE meta SET v = '4' WHERE k = 'schema_version';";

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

/* Brings a schema-1, -2 or -3 store to schema 4; inside an IMMEDIATE
 * transaction. */
static int upgrade(struct review *r, char **msg)
{
	sqlite3_stmt *s = NULL;
	int v = 4, rc;

	rc = sqlite3_prepare_v2(r->db,
				"SELECT v FROM meta WHERE k = 'schema_version'",
				-1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = !strcmp(col_text(s, 0), "1")   ? 1
		    : !strcmp(col_text(s, 0), "2") ? 2
		    : !strcmp(col_text(s, 0), "3") ? 3
						   : 4;
	sqlite3_finalize(s);
	if (v < 2 && (rc = sqlite3_exec(r->db, upgrade_v2, NULL, NULL, msg)))
		return rc;
	if (v < 3 && (rc = sqlite3_exec(r->db, upgrade_v3, NULL, NULL, msg)))
		return rc;
	if (v < 4 && (rc = sqlite3_exec(r->db, upgrade_v4, NULL, NULL, msg)))
		return rc;
	/* the claim's indexes (added after schema 2 was first written) */
	return sqlite3_exec(r->db,
			    "CREATE INDEX IF NOT EXISTS items_next ON"
			    " items(status, kind, score DESC, key);"
			    "CREATE INDEX IF NOT EXISTS items_claim ON"
			    " items(claimed_by) WHERE claimed_by IS NOT NULL;",
			    NULL, NULL, msg);
}

/* A store is a SQLite database file: a FIFO would block SQLite's first
 * read and a device be written through, so anything at path that is not
 * a regular file (or a link to one) is refused before SQLite opens it. */
static int not_a_file(struct review *r, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return 0;
	set_err(r, "'%s' is not a regular file: a review store is a SQLite "
		   "database file",
		path);
	return 1;
}

enum cib_err review_open(struct review *r, const char *path)
{
	char *msg = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (not_a_file(r, path))
		return CIB_EUSAGE;
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
		rc = upgrade(r, &msg);
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
	if (not_a_file(r, path))
		return CIB_EUSAGE;
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
	if (strcmp(col_text(s, 0), SCHEMA_VERSION) &&
	    strcmp(col_text(s, 0), "1") && strcmp(col_text(s, 0), "2") &&
	    strcmp(col_text(s, 0), "3")) {
		set_err(r, "'%s' is a review store of schema '%s'; this cibscan "
			   "reads schemas 1 to " SCHEMA_VERSION,
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
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(r->db, "BEGIN IMMEDIATE;", NULL, NULL, &msg);
	if (rc == SQLITE_OK) {
		rc = upgrade(r, &msg);
		rc = sqlite3_exec(r->db, rc == SQLITE_OK ? "COMMIT;"
							 : "ROLLBACK;",
				  NULL, NULL, rc == SQLITE_OK ? &msg : NULL) ==
				     SQLITE_OK && rc == SQLITE_OK
			     ? SQLITE_OK
			     : SQLITE_ERROR;
	}
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

/* one space-separated code of s at *i, its length in *n; 0 at the end */
static int next_code(const char *s, size_t *i, size_t *n)
{
	while (s[*i] == ' ')
		(*i)++;
	if (!s[*i])
		return 0;
	*n = 0;
	while (s[*i + *n] && s[*i + *n] != ' ')
		(*n)++;
	return 1;
}

static int has_code(const char *s, size_t end, const char *c, size_t n)
{
	size_t i = 0, m;

	while (i < end && next_code(s, &i, &m) && i < end) {
		if (m == n && !memcmp(s + i, c, n))
			return 1;
		i += m;
	}
	return 0;
}

size_t review_new_reason_codes(const char *before, const char *now)
{
	size_t i = 0, n, fresh = 0;

	if (!before)
		before = "";
	if (!now)
		return 0;
	while (next_code(now, &i, &n)) {
		/* counted once: not in before, nor earlier in now */
		if (!has_code(before, strlen(before), now + i, n) &&
		    !has_code(now, i, now + i, n))
			fresh++;
		i += n;
	}
	return fresh;
}

static int cmp_code_key(const void *k, const void *e)
{
	return strcmp(k, ((const struct review_code *)e)->key);
}

/* The codes of account (plat, id) in o->codes, or NULL. */
static const char *codes_of(const struct review_import_opts *o,
			    const char *plat, const char *id)
{
	char key[1200];
	const struct review_code *c;

	if (!o->codes || !o->n_codes)
		return NULL;
	if ((size_t)snprintf(key, sizeof(key), "%s\t%s", plat, id) >=
	    sizeof(key))
		return NULL;
	c = bsearch(key, o->codes, o->n_codes, sizeof(*o->codes),
		    cmp_code_key);
	return c ? c->codes : NULL;
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
	   C_CSIZE, C_CSCORE, C_REASONS, C_SIZE, C_SOURCE, C_TARGET, C_LOG10P,
	   C_OBSERVED, C_K0, C_K1, C_K2, C_K3, C_K4, C_K5, C_K6, C_K7,
	   C__COUNT };

/* what a file is: the accounts table, the clusters table, the edges */
enum { F_ACCOUNTS, F_CLUSTERS, F_EDGES };

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
	const char *row_bad; /* why the row is malformed, or NULL */
	char row_bad_buf[64];
	FILE *f;             /* the file being read */
	int read_failed;     /* errno of a read error, or 0 */
	const struct csvrec_reader *rd;
	/* header: column of each enum col, or -1 */
	int col[C__COUNT];
	int have_header;
	enum cib_err err;
	uint64_t done_rows;
	char now[32];
	sqlite3_stmt *sel, *ins, *upd, *rq, *aud, *cl, *mem, *edg;
};

static const char *const col_names[] = {
	"account_id", "platform", "handle", "score", "flagged", "cluster_id",
	"cluster_size", "cluster_score", "reasons", "size", "source", "target",
	"log10p", "observed", "co_repost", "co_post", "co_link", "co_domain",
	"co_hashtags", "co_reply", "co_reply_account", "amplify"
};
_Static_assert(sizeof(col_names) / sizeof(col_names[0]) == C__COUNT,
	       "one header name per column");

static void free_row(struct importer *im)
{
	for (size_t i = 0; i < im->nfield; i++)
		free(im->field[i]);
	im->nfield = 0;
	im->row_bad = NULL;
}

/* Keeps one field of the row, blanks around it trimmed (as the header's
 * names are); 0 or -1 when out of memory. */
static int keep_field(struct importer *im, const char *s, size_t len)
{
	char *c;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	c = malloc(len + 1);
	if (!c) {
		im->err = CIB_ENOMEM;
		return -1;
	}
	memcpy(c, s, len);
	c[len] = '\0';
	im->field[im->nfield++] = c;
	return 0;
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
	case C_SOURCE:
	case C_TARGET:
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
	step_done(im, s, "queue cluster");
}

/* an account row's fields, checked */
struct acc_row {
	const char *id, *plat, *reasons, *cid, *codes;
	double score, cscore;
	long long csize;
	int have_csize, flagged;
};

/* checks and parses an account row's fields into a; counts a bad row and
 * returns -1 on the first bad field */
static int account_fields(struct importer *im, struct acc_row *a)
{
	const char *fl = fld(im, C_FLAGGED);

	a->id = fld(im, C_ID);
	a->plat = fld(im, C_PLATFORM);
	a->reasons = fld(im, C_REASONS);
	a->cid = fld(im, C_CLUSTER);
	a->codes = NULL;
	a->cscore = NAN;
	a->csize = 0;
	if (!*a->id) {
		bad_row(im, C_ID, "empty");
		return -1;
	}
	if (!*a->plat) {
		bad_row(im, C_PLATFORM, "empty");
		return -1;
	}
	if (parse_unit(fld(im, C_SCORE), &a->score) != 1) {
		bad_row(im, C_SCORE, "not a number in [0, 1]");
		return -1;
	}
	if (!strcmp(fl, "1") || !strcmp(fl, "true"))
		a->flagged = 1;
	else if (!strcmp(fl, "0") || !strcmp(fl, "false"))
		a->flagged = 0;
	else {
		bad_row(im, C_FLAGGED, "not 0 or 1");
		return -1;
	}
	a->have_csize = parse_int(fld(im, C_CSIZE), &a->csize);
	if (a->have_csize < 0 || (a->have_csize == 1 && a->csize < 1)) {
		bad_row(im, C_CSIZE, "not a count in [1, " REVIEW_MAX_COUNT_S
				     "]");
		return -1;
	}
	if (parse_unit(fld(im, C_CSCORE), &a->cscore) < 0) {
		bad_row(im, C_CSCORE, "not a number in [0, 1]");
		return -1;
	}
	return 0;
}

/* why a dismissed account is re-queued into why (empty: it stays
 * dismissed): its score rose by the margin, new kinds of reason, or its
 * cluster grew. Returns the length written */
static size_t requeue_why(const struct importer *im, const struct acc_row *a,
			  double dscore, const char *dreasons,
			  const char *dcodes, int have_dsize, long long dsize,
			  char *why, size_t size)
{
	size_t nnew, wl = 0;

	if (isfinite(dscore) && a->score >= dscore + im->o->score_margin - 1e-12)
		wl += (size_t)snprintf(why + wl, size - wl,
				       "%sscore rose from %.3f to %.3f "
				       "(margin %.2f)",
				       wl ? "; " : "", dscore, a->score,
				       im->o->score_margin);
	/* codes when both decisions have them (runs imported with --run),
	 * else the reasons' words */
	nnew = a->codes && dcodes
		       ? review_new_reason_codes(dcodes, a->codes)
		       : review_new_reason_kinds(dreasons, a->reasons);
	if (nnew && wl < size)
		wl += (size_t)snprintf(why + wl, size - wl,
				       "%s%zu new kind%s of reason",
				       wl ? "; " : "", nnew,
				       nnew == 1 ? "" : "s");
	if (have_dsize && a->have_csize == 1 && a->csize > dsize && wl < size)
		wl += (size_t)snprintf(why + wl, size - wl,
				       "%scluster grew from %lld to %lld "
				       "accounts",
				       wl ? "; " : "", dsize, a->csize);
	return wl;
}

/* the statement storing a flagged account, by the item as it stands:
 * insert when new, re-queue (audited) a dismissed one with new evidence,
 * else update; NULL on an error (in im->err) */
static sqlite3_stmt *account_stmt(struct importer *im, const struct acc_row *a)
{
	sqlite3_stmt *s = im->sel;
	char status[16], why[512] = "", *dreasons, *dcodes;
	double dscore;
	int have_dsize, rc;
	long long dsize;
	const unsigned char *dr, *dc;

	sqlite3_bind_text(s, 1, a->plat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, a->id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return im->ins;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		db_err(im->r, "read item");
		im->err = CIB_ELIB;
		return NULL;
	}
	dscore = sqlite3_column_type(s, 1) == SQLITE_NULL
			 ? NAN
			 : sqlite3_column_double(s, 1);
	have_dsize = sqlite3_column_type(s, 3) != SQLITE_NULL;
	dsize = sqlite3_column_int64(s, 3);
	dr = sqlite3_column_text(s, 2);
	snprintf(status, sizeof(status), "%s",
		 (const char *)sqlite3_column_text(s, 0));
	dc = sqlite3_column_text(s, 4);
	dreasons = strdup(dr ? (const char *)dr : "");
	dcodes = dc ? strdup((const char *)dc) : NULL;
	sqlite3_reset(s);
	if (!dreasons || (dc && !dcodes)) {
		free(dreasons);
		free(dcodes);
		im->err = CIB_ENOMEM;
		return NULL;
	}
	s = im->upd;
	if (!strcmp(status, "confirm")) {
		im->st->kept_confirmed++;
	} else if (!strcmp(status, "dismiss")) {
		if (requeue_why(im, a, dscore, dreasons, dcodes, have_dsize,
				dsize, why, sizeof(why))) {
			s = im->rq;
			im->st->requeued++;
		} else {
			im->st->kept_dismissed++;
		}
	} else {
		im->st->still_open++;
	}
	free(dreasons);
	free(dcodes);
	if (s == im->rq) {
		sqlite3_bind_text(s, 10, why, -1, SQLITE_TRANSIENT);
		if (audit(im, "account", 0, a->plat, a->id, "requeued",
			  "dismiss", "queued", why))
			return NULL;
	}
	return s;
}

/* one row of the accounts file: every member recorded for matching
 * clusters across runs; a flagged account inserted, updated or
 * re-queued, its cluster's item made when there is no clusters file */
static void account_row(struct importer *im)
{
	struct acc_row a;
	sqlite3_stmt *s;

	if (account_fields(im, &a))
		return;
	im->st->rows++;
	if (*a.cid) { /* every member, for matching clusters across runs */
		sqlite3_bind_int64(im->mem, 1, im->st->run_id);
		sqlite3_bind_text(im->mem, 2, a.cid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(im->mem, 3, a.plat, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(im->mem, 4, a.id, -1, SQLITE_TRANSIENT);
		if (step_done(im, im->mem, "store member"))
			return;
	}
	if (!a.flagged)
		return;
	im->st->flagged++;
	a.codes = codes_of(im->o, a.plat, a.id);
	if (*a.cid && !im->o->clusters)
		cluster_item(im, a.cid, a.cscore, a.csize, a.have_csize == 1,
			     NULL);
	if (im->err)
		return;
	/* the item as it stands */
	s = account_stmt(im, &a);
	if (!s)
		return;
	sqlite3_bind_text(s, 1, a.plat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, a.id, -1, SQLITE_TRANSIENT);
	bind_text(s, 3, fld(im, C_HANDLE));
	sqlite3_bind_double(s, 4, a.score);
	bind_text(s, 5, a.cid);
	if (a.have_csize == 1)
		sqlite3_bind_int64(s, 6, a.csize);
	else
		sqlite3_bind_null(s, 6);
	if (isfinite(a.cscore))
		sqlite3_bind_double(s, 7, a.cscore);
	else
		sqlite3_bind_null(s, 7);
	bind_text(s, 8, a.reasons);
	sqlite3_bind_int64(s, 9, im->st->run_id);
	bind_text(s, 11, a.codes);
	if (step_done(im, s, "store account"))
		return;
	if (s == im->ins) {
		im->st->queued_new++;
		audit(im, "account", 0, a.plat, a.id, "queued", NULL, "queued",
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

static void edge_row(struct importer *im)
{
	const char *a = fld(im, C_SOURCE), *b = fld(im, C_TARGET);
	double lp = NAN, obs = NAN;
	char kinds[512];
	size_t kl = 0;

	if (!*a) {
		bad_row(im, C_SOURCE, "empty");
		return;
	}
	if (!*b) {
		bad_row(im, C_TARGET, "empty");
		return;
	}
	if (parse_num(fld(im, C_LOG10P), &lp) < 0 || (isfinite(lp) && lp > 0)) {
		bad_row(im, C_LOG10P, "not a number <= 0");
		return;
	}
	if (parse_num(fld(im, C_OBSERVED), &obs) < 0 ||
	    (isfinite(obs) && (obs < 0 || obs > (double)REVIEW_MAX_COUNT))) {
		bad_row(im, C_OBSERVED, "not a count");
		return;
	}
	kinds[0] = '\0';
	for (int k = C_K0; k <= C_K7; k++) {
		double v = 0;

		if (im->col[k] < 0 || parse_num(fld(im, (enum col)k), &v) != 1 ||
		    !(v > 0) || v > (double)REVIEW_MAX_COUNT)
			continue;
		if (kl < sizeof(kinds))
			kl += (size_t)snprintf(kinds + kl, sizeof(kinds) - kl,
					       "%s%s %.0f", kl ? ", " : "",
					       col_names[k], v);
	}
	im->st->rows++;
	im->st->edges++;
	sqlite3_bind_int64(im->edg, 1, im->st->run_id);
	sqlite3_bind_text(im->edg, 2, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->edg, 3, b, -1, SQLITE_TRANSIENT);
	if (isfinite(lp))
		sqlite3_bind_double(im->edg, 4, lp);
	else
		sqlite3_bind_null(im->edg, 4);
	if (isfinite(obs))
		sqlite3_bind_int64(im->edg, 5, (sqlite3_int64)obs);
	else
		sqlite3_bind_null(im->edg, 5);
	bind_text(im->edg, 6, kinds);
	step_done(im, im->edg, "store edge");
}

/* One row collected in im->field (the header first): the header mapped
 * to columns, a data row checked and stored. */
static void row_end(struct importer *im)
{
	if (im->err)
		goto done;
	if (im->row_bad) {
		if (!im->have_header) {
			set_err(im->r, "%s:%llu: header has %s", im->path,
				(unsigned long long)im->line, im->row_bad);
			im->err = CIB_EPARSE;
		} else {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s:%llu: %s", im->path,
				 (unsigned long long)im->line, im->row_bad);
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
		static const enum col need_ed[] = { C_SOURCE, C_TARGET };
		const enum col *need = im->is_clusters == F_CLUSTERS ? need_cl
				       : im->is_clusters == F_EDGES  ? need_ed
								     : need_acc;
		int n_need = im->is_clusters == F_EDGES ? 2 : 4;

		for (int k = 0; k < C__COUNT; k++) {
			im->col[k] = -1;
			for (size_t i = 0; i < im->nfield; i++)
				if (!strcmp(im->field[i], col_names[k]))
					im->col[k] = (int)i;
		}
		for (int k = 0; k < n_need; k++)
			if (im->col[need[k]] < 0) {
				set_err(im->r,
					"%s:%llu: no '%s' column (is this %s?)",
					im->path, (unsigned long long)im->line,
					col_names[need[k]],
					im->is_clusters == F_CLUSTERS
						? "a 'score --clusters' file"
					: im->is_clusters == F_EDGES
						? "a 'score --edges' file"
						: "a 'cibscan score' accounts "
						  "file");
				im->err = CIB_EPARSE;
				goto done;
			}
		im->have_header = 1;
		goto done;
	}
	if (im->is_clusters == F_CLUSTERS)
		cluster_row(im);
	else if (im->is_clusters == F_EDGES)
		edge_row(im);
	else
		account_row(im);
	im->done_rows++;
	if (im->o->row_done)
		im->o->row_done(im->o->row_done_ctx, im->done_rows);
done:
	free_row(im);
}

static enum cib_err import_read(void *ctx, char *buf, size_t cap,
				size_t *got, const char **errmsg)
{
	struct importer *im = ctx;

	*got = fread(buf, 1, cap, im->f);
	if (*got == 0 && ferror(im->f)) {
		im->read_failed = errno ? errno : EIO;
		*errmsg = strerror(im->read_failed);
		return CIB_EIO;
	}
	return CIB_OK;
}

/* One record from core/csvrec: its fields into im->field, what is wrong
 * with it into im->row_bad, then row_end. */
static enum cib_err import_event(void *ctx, const struct csvrec_event *ev)
{
	struct importer *im = ctx;
	const struct csvrec_reader *rd = im->rd;

	im->line = ev->line;
	if (ev->kind == CSVREC_HEADER) {
		if (rd->n_cols > MAX_COLS)
			im->row_bad = "too many columns";
		for (size_t i = 0; i < rd->n_cols && !im->row_bad; i++) {
			const char *name = csvrec_colname(rd, (int)i);
			size_t len = strlen(name);

			if (len > REVIEW_MAX_FIELD)
				im->row_bad = "a field too long";
			else if (keep_field(im, name, len))
				return im->err;
		}
	} else if (ev->kind == CSVREC_UNTERMINATED) {
		im->row_bad = "a quote still open at the end of the file";
	} else if (ev->too_big) {
		set_err(im->r, "%s:%llu: record longer than %zu bytes",
			im->path, (unsigned long long)ev->line,
			REVIEW_MAX_LINE);
		im->err = CIB_ETOOBIG;
		return im->err;
	} else if (ev->nf > MAX_COLS) {
		im->row_bad = "more than 64 fields";
	} else if (ev->nul_col) {
		snprintf(im->row_bad_buf, sizeof(im->row_bad_buf),
			 "a NUL byte in field %zu", ev->nul_col);
		im->row_bad = im->row_bad_buf;
	} else {
		for (size_t i = 0; i < ev->rec.n && !im->row_bad; i++) {
			if (ev->rec.len[i] > REVIEW_MAX_FIELD)
				im->row_bad = "a field longer than 1 MiB";
			else if (keep_field(im, ev->rec.f[i], ev->rec.len[i]))
				return im->err;
		}
	}
	row_end(im);
	return im->err;
}

/* Reads one CSV export through core/csvrec. Physical lines name the rows
 * (where a record starts); a record over REVIEW_MAX_LINE stops the
 * import, a malformed one is counted (an error with --strict). */
static enum cib_err read_csv(struct importer *im, const char *path,
			     int is_clusters)
{
	struct csvrec_reader rd;
	enum cib_err err;

	im->f = fopen(path, "rb");
	if (!im->f) {
		set_err(im->r, "cannot open '%s': %s", path, strerror(errno));
		return CIB_EIO;
	}
	csvrec_init(&rd);
	rd.max_record = REVIEW_MAX_LINE;
	rd.threads = 1;
	im->rd = &rd;
	im->path = path;
	im->is_clusters = is_clusters;
	im->have_header = 0;
	im->line = 0;
	im->read_failed = 0;
	err = csvrec_run(&rd, import_read, im, import_event, im);
	free_row(im);
	if (err && !im->err) {
		if (im->read_failed) {
			set_err(im->r, "cannot read '%s': %s", path,
				strerror(im->read_failed));
			im->err = CIB_EIO;
		} else if (!im->have_header && rd.n_cols == 0 &&
			   err == CIB_EFORMAT &&
			   strcmp(rd.errmsg, "no header row") == 0) {
			set_err(im->r, "%s: empty file (no header)", path);
			im->err = CIB_EPARSE;
		} else if (rd.errmsg[0]) {
			set_err(im->r, "%s: %s", path, rd.errmsg);
			im->err = err == CIB_ENOMEM ? err : CIB_EPARSE;
		} else {
			im->err = err;
		}
	}
	csvrec_release(&rd);
	im->rd = NULL;
	fclose(im->f);
	im->f = NULL;
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

/* The run's identity: XXH3-128 over the bytes of its accounts, clusters
 * and edges files, each prefixed by its length and role, so the same
 * content is the same run whatever the files are called. */
static int hash_run(const struct review_import_opts *o, char out[33])
{
	XXH3_state_t *st = XXH3_createState();
	const char *files[3] = { o->accounts, o->clusters, o->edges };
	char buf[65536];
	int ok = st && XXH3_128bits_reset(st) != XXH_ERROR;

	for (int i = 0; ok && i < 3; i++) {
		FILE *f;
		size_t n;
		unsigned char role = (unsigned char)('A' + i);

		if (!files[i])
			continue;
		f = fopen(files[i], "rb");
		if (!f) {
			ok = 0;
			break;
		}
		XXH3_128bits_update(st, &role, 1);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			XXH3_128bits_update(st, buf, n);
		ok = !ferror(f);
		fclose(f);
		XXH3_128bits_update(st, &role, 1);
	}
	if (ok) {
		XXH128_hash_t h = XXH3_128bits_digest(st);

		snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
			 (unsigned long long)h.low64);
	}
	XXH3_freeState(st);
	return ok;
}

struct cand {
	char *nc, *oc;   /* the new run's cluster, the previous run's */
	double j;
	long long inter;
};

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int c;

	if (a->j != b->j)
		return a->j > b->j ? -1 : 1;
	c = strcmp(a->nc, b->nc);
	return c ? c : strcmp(a->oc, b->oc);
}

static int in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* candidate pairs of a run's clusters with the previous run's */
struct cands {
	struct cand *c;
	size_t n, cap;
};

/* the latest run before run with cluster items into *prev (0: none) */
static enum cib_err previous_run(struct review *r, int64_t run, int64_t *prev)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT max(scope) FROM items WHERE kind ="
			       " 'cluster' AND scope < ?1",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "previous run");
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) == SQLITE_ROW)
		*prev = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return CIB_OK;
}

/* the pairs (cluster of run, cluster of prev) overlapping by Jaccard >=
 * REVIEW_CLUSTER_JACCARD into cs, best first; overlap counts by a join on
 * the member index, not pairwise */
static enum cib_err match_candidates(struct review *r, int64_t run,
				     int64_t prev, struct cands *cs)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(
		    r->db,
		    "WITH nk AS (SELECT cluster_id c, count(*) k FROM"
		    " members WHERE run_id = ?1 GROUP BY cluster_id),"
		    " ok AS (SELECT cluster_id c, count(*) k FROM members"
		    " WHERE run_id = ?2 GROUP BY cluster_id),"
		    " x AS (SELECT a.cluster_id nc, b.cluster_id oc,"
		    " count(*) i FROM members a JOIN members b ON"
		    " b.platform = a.platform AND b.account = a.account"
		    " AND b.run_id = ?2 WHERE a.run_id = ?1 GROUP BY"
		    " a.cluster_id, b.cluster_id)"
		    " SELECT x.nc, x.oc, x.i, nk.k, ok.k FROM x JOIN nk"
		    " ON nk.c = x.nc JOIN ok ON ok.c = x.oc WHERE x.nc IN"
		    " (SELECT key FROM items WHERE kind = 'cluster' AND"
		    " scope = ?1) AND x.oc IN (SELECT key FROM items"
		    " WHERE kind = 'cluster' AND scope = ?2)",
		    -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "match clusters");
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_int64(s, 2, prev);
	while (sqlite3_step(s) == SQLITE_ROW) {
		long long i = sqlite3_column_int64(s, 2);
		long long un = sqlite3_column_int64(s, 3) +
			       sqlite3_column_int64(s, 4) - i;
		double j = un > 0 ? (double)i / (double)un : 0;
		struct cand *c;

		if (j < REVIEW_CLUSTER_JACCARD)
			continue;
		if (cs->n == cs->cap) {
			size_t nc = cs->cap ? cs->cap * 2 : 64;
			struct cand *nv = realloc(cs->c, nc * sizeof(*nv));

			if (!nv)
				goto nomem;
			cs->c = nv;
			cs->cap = nc;
		}
		c = &cs->c[cs->n++];
		c->nc = strdup(col_text(s, 0));
		c->oc = strdup(col_text(s, 1));
		c->j = j;
		c->inter = i;
		if (!c->nc || !c->oc)
			goto nomem;
	}
	sqlite3_finalize(s);
	if (cs->n)
		qsort(cs->c, cs->n, sizeof(*cs->c), cmp_cand);
	return CIB_OK;
nomem:
	sqlite3_finalize(s);
	return CIB_ENOMEM;
}

/* matched pair c: the new cluster takes the old one's identity and
 * decision (a dismissed cluster that grew is re-queued instead) */
static enum cib_err carry_match(struct importer *im, int64_t run, int64_t prev,
				const struct cand *c)
{
	struct review *r = im->r;
	sqlite3_stmt *s = NULL, *u = NULL;
	char status[16], note[256], why[128] = "";
	long long dsize = -1, size = -1;
	const char *carry;

	if (sqlite3_prepare_v2(
		    r->db,
		    "SELECT o.status, o.d_cluster_size, n.cluster_size"
		    " FROM items o, items n WHERE o.kind = 'cluster' AND"
		    " o.scope = ?2 AND o.key = ?4 AND n.kind ="
		    " 'cluster' AND n.scope = ?1 AND n.key = ?3",
		    -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_int64(s, 2, prev);
	sqlite3_bind_text(s, 3, c->nc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, c->oc, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto dberr;
	snprintf(status, sizeof(status), "%s", col_text(s, 0));
	if (sqlite3_column_type(s, 1) != SQLITE_NULL)
		dsize = sqlite3_column_int64(s, 1);
	if (sqlite3_column_type(s, 2) != SQLITE_NULL)
		size = sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	s = NULL;
	carry = status;
	if (!strcmp(status, "dismiss") && dsize > 0 && size > dsize) {
		snprintf(why, sizeof(why),
			 "cluster grew from %lld to %lld accounts", dsize,
			 size);
		carry = "queued";
	}
	snprintf(note, sizeof(note),
		 "run %lld's %s (Jaccard %.2f, %lld shared members)%s%s",
		 (long long)prev, c->oc, c->j, c->inter,
		 *why ? "; re-queued: " : "", why);
	if (sqlite3_prepare_v2(
		    r->db,
		    "UPDATE items SET (uid, status, reviewer, note,"
		    " decided_at, d_score, d_reasons, d_cluster_size,"
		    " requeue_reason) = (SELECT o.uid, ?5, CASE WHEN ?5"
		    " = 'queued' THEN NULL ELSE o.reviewer END, CASE"
		    " WHEN ?5 = 'queued' THEN NULL ELSE o.note END,"
		    " CASE WHEN ?5 = 'queued' THEN NULL ELSE"
		    " o.decided_at END, o.d_score, o.d_reasons,"
		    " o.d_cluster_size, ?6 FROM items o WHERE o.kind ="
		    " 'cluster' AND o.scope = ?2 AND o.key = ?4)"
		    " WHERE kind = 'cluster' AND scope = ?1 AND key = ?3",
		    -1, &u, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(u, 1, run);
	sqlite3_bind_int64(u, 2, prev);
	sqlite3_bind_text(u, 3, c->nc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(u, 4, c->oc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(u, 5, carry, -1, SQLITE_TRANSIENT);
	bind_text(u, 6, why);
	if (sqlite3_step(u) != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(u);
	if (audit(im, "cluster", run, "", c->nc, "carried", NULL, carry, note))
		return CIB_ELIB;
	im->st->clusters_carried++;
	return CIB_OK;
dberr:
	db_err(r, "match clusters");
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return CIB_ELIB;
}

/* the run's clusters left without an identity: new identities, queued */
static enum cib_err queue_new_clusters(struct importer *im, int64_t run)
{
	struct review *r = im->r;
	sqlite3_stmt *s = NULL, *u = NULL;
	enum cib_err err = CIB_ELIB;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT key FROM items WHERE kind = 'cluster' AND"
			       " scope = ?1 AND uid IS NULL ORDER BY key",
			       -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
			       "UPDATE items SET uid = 'R' || scope || ':' ||"
			       " key WHERE kind = 'cluster' AND scope = ?1 AND"
			       " key = ?2",
			       -1, &u, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(s, 1, run);
	while (sqlite3_step(s) == SQLITE_ROW) {
		sqlite3_bind_int64(u, 1, run);
		sqlite3_bind_text(u, 2, col_text(s, 0), -1, SQLITE_TRANSIENT);
		if (sqlite3_step(u) != SQLITE_DONE)
			goto dberr;
		sqlite3_reset(u);
		if (audit(im, "cluster", run, "", col_text(s, 0), "queued",
			  NULL, "queued", NULL))
			goto out;
		im->st->clusters++;
	}
	err = CIB_OK;
	goto out;
dberr:
	db_err(r, "match clusters");
out:
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return err;
}

/* After a run's rows are in: gives each of its cluster items an identity.
 * A cluster whose members overlap a cluster item of the previous run
 * with clusters by Jaccard >= REVIEW_CLUSTER_JACCARD (best pairs first,
 * each cluster matched once) is that cluster: it takes its identity and
 * its decision (a dismissed cluster that grew is re-queued instead);
 * any other is a new identity, queued. */
static enum cib_err match_clusters(struct importer *im)
{
	struct review *r = im->r;
	int64_t run = im->st->run_id, prev = 0;
	struct cands cs = { 0 };
	char **used_n = NULL, **used_o = NULL;
	size_t n_used = 0;
	enum cib_err err;

	err = previous_run(r, run, &prev);
	if (err)
		return err;
	if (prev > 0) {
		err = match_candidates(r, run, prev, &cs);
		if (err == CIB_OK) {
			used_n = calloc(cs.n + 1, sizeof(*used_n));
			used_o = calloc(cs.n + 1, sizeof(*used_o));
			if (!used_n || !used_o)
				err = CIB_ENOMEM;
		}
	}
	/* matched pairs, each cluster once: carry the identity and the
	 * decision */
	for (size_t k = 0; k < cs.n && !err; k++) {
		const struct cand *c = &cs.c[k];

		if (in_list(used_n, n_used, c->nc) ||
		    in_list(used_o, n_used, c->oc))
			continue;
		used_n[n_used] = c->nc;
		used_o[n_used++] = c->oc;
		err = carry_match(im, run, prev, c);
	}
	if (!err)
		err = queue_new_clusters(im, run);
	if (im->err && !err)
		err = im->err;
	for (size_t k = 0; k < cs.n; k++) {
		free(cs.c[k].nc);
		free(cs.c[k].oc);
	}
	free(cs.c);
	free(used_n);
	free(used_o);
	return err;
}

static void finalize_all(struct importer *im)
{
	sqlite3_stmt **v[] = { &im->sel, &im->ins, &im->upd, &im->rq,
			       &im->aud, &im->cl,  &im->mem, &im->edg };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sqlite3_finalize(*v[i]);
		*v[i] = NULL;
	}
}

/* the checksums recorded with a run into *out (malloc'd, NULL when
 * there are no inputs): o->record_checksums when given, else
 * "FILE xxh3:HEX; ..." over the accounts, clusters, edges and inputs */
static enum cib_err input_checksums(struct review *r,
				    const struct review_import_opts *o,
				    char **out)
{
	char *checks = NULL;
	size_t clen = 0, ccap = 0;

	*out = NULL;
	if (o->record_checksums) {
		*out = strdup(o->record_checksums);
		return *out ? CIB_OK : CIB_ENOMEM;
	}
	for (size_t i = 0; i < o->n_inputs + 3; i++) {
		const char *p = i == 0 ? o->accounts
				: i == 1 ? o->clusters
				: i == 2 ? o->edges
					 : o->inputs[i - 3];
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
	*out = checks;
	return CIB_OK;
}

/* the same content again is the same run: 1 (with st->duplicate_of and
 * duplicate_at set) when a run of this content hash is in the store, 0
 * when not, -1 on a database error */
static int find_duplicate(struct review *r, const char *content,
			  struct review_import_stats *st)
{
	sqlite3_stmt *dup = NULL;
	int found;

	if (prep(r, &dup,
		 "SELECT run_id, imported_at FROM runs WHERE content_hash = ?1"))
		return -1;
	sqlite3_bind_text(dup, 1, content, -1, SQLITE_STATIC);
	found = sqlite3_step(dup) == SQLITE_ROW;
	if (found) {
		st->duplicate_of = sqlite3_column_int64(dup, 0);
		snprintf(st->duplicate_at, sizeof(st->duplicate_at), "%s",
			 col_text(dup, 1));
	}
	sqlite3_finalize(dup);
	return found;
}

/* the importer's statements (items, audit, clusters, members, edges) */
static int importer_prepare(struct review *r, struct importer *im)
{
	return prep(r, &im->sel,
		    "SELECT status, d_score, d_reasons, d_cluster_size,"
		    " d_reason_codes FROM items"
		    " WHERE kind = 'account' AND scope = 0 AND platform = ?1 AND"
		    " key = ?2") ||
	       prep(r, &im->ins,
		    "INSERT INTO items(kind, scope, platform, key, handle, score,"
		    " cluster_id, cluster_size, cluster_score, reasons, run_id,"
		    " status, reason_codes) VALUES('account', 0, ?1, ?2, ?3, ?4,"
		    " ?5, ?6, ?7, ?8, ?9, 'queued', ?11)") ||
	       prep(r, &im->upd,
		    "UPDATE items SET handle = ?3, score = ?4, cluster_id = ?5,"
		    " cluster_size = ?6, cluster_score = ?7, reasons = ?8,"
		    " run_id = ?9, reason_codes = ?11 WHERE kind = 'account' AND"
		    " scope = 0 AND platform = ?1 AND key = ?2") ||
	       prep(r, &im->rq,
		    "UPDATE items SET handle = ?3, score = ?4, cluster_id = ?5,"
		    " cluster_size = ?6, cluster_score = ?7, reasons = ?8,"
		    " run_id = ?9, status = 'queued', requeue_reason = ?10,"
		    " reason_codes = ?11, version = version + 1"
		    " WHERE kind = 'account' AND scope = 0 AND platform = ?1 AND"
		    " key = ?2") ||
	       prep(r, &im->aud,
		    "INSERT INTO audit(at, reviewer, kind, scope, platform, key,"
		    " action, previous, value, note, run_id, version) VALUES(?1,"
		    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, (SELECT version"
		    " FROM items WHERE kind = ?3 AND scope = ?4 AND platform = ?5"
		    " AND key = ?6))") ||
	       prep(r, &im->cl,
		    "INSERT INTO items(kind, scope, platform, key, score,"
		    " cluster_size, run_id, status, reasons) VALUES('cluster', ?1,"
		    " '', ?2, ?3, ?4, ?1, 'queued', ?5) ON CONFLICT DO NOTHING") ||
	       prep(r, &im->mem,
		    "INSERT OR IGNORE INTO members(run_id, cluster_id, platform,"
		    " account) VALUES(?1, ?2, ?3, ?4)") ||
	       prep(r, &im->edg,
		    "INSERT INTO edges(run_id, a, b, log10p, observed, kinds)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
}

/* the run's rows: clusters, accounts, edges, then the clusters'
 * identities */
static enum cib_err import_rows(struct importer *im)
{
	const struct review_import_opts *o = im->o;
	enum cib_err err;

	if (o->clusters) {
		err = read_csv(im, o->clusters, F_CLUSTERS);
		if (err)
			return err;
	}
	err = read_csv(im, o->accounts, F_ACCOUNTS);
	if (err)
		return err;
	if (o->edges) {
		uint64_t rows = im->st->rows;

		err = read_csv(im, o->edges, F_EDGES);
		im->st->rows = rows; /* rows count accounts and clusters */
		if (err)
			return err;
	}
	return match_clusters(im);
}

enum cib_err review_import(struct review *r,
			   const struct review_import_opts *o,
			   struct review_import_stats *st)
{
	struct importer im;
	char *checks = NULL, content[33];
	sqlite3_stmt *run = NULL, *fin = NULL;
	enum cib_err err;
	int dup;

	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.r = r;
	im.o = o;
	im.st = st;
	now_utc(im.now);
	/* checksums first: they read files, outside the transaction */
	err = input_checksums(r, o, &checks);
	if (err)
		return err;
	if (!hash_run(o, content)) {
		set_err(r, "cannot read the run's files: %s", strerror(errno));
		free(checks);
		return CIB_EIO;
	}
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err) {
		free(checks);
		return err;
	}
	err = CIB_ELIB;
	dup = find_duplicate(r, content, st);
	if (dup < 0)
		goto fail;
	if (dup) {
		free(checks);
		rollback(r);
		return CIB_OK;
	}
	if (prep(r, &run,
		 "INSERT INTO runs(imported_at, settings, accounts_file,"
		 " clusters_file, checksums, content_hash, edges_file)"
		 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)") ||
	    importer_prepare(r, &im) ||
	    prep(r, &fin,
		 "UPDATE runs SET n_rows = ?2, n_flagged = ?3, n_bad = ?4"
		 " WHERE run_id = ?1"))
		goto fail;
	sqlite3_bind_text(run, 1, im.now, -1, SQLITE_TRANSIENT);
	bind_text(run, 2, o->settings);
	bind_text(run, 3, o->record_source ? o->record_source : o->accounts);
	bind_text(run, 4, o->record_source ? NULL : o->clusters);
	bind_text(run, 5, checks);
	sqlite3_bind_text(run, 6, content, -1, SQLITE_STATIC);
	bind_text(run, 7, o->record_source ? NULL : o->edges);
	if (sqlite3_step(run) != SQLITE_DONE) {
		db_err(r, "record run");
		goto fail;
	}
	st->run_id = sqlite3_last_insert_rowid(r->db);
	err = import_rows(&im);
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
	finalize_all(&im);
	free(checks);
	return exec(r, "COMMIT;");
fail:
	sqlite3_finalize(run);
	sqlite3_finalize(fin);
	finalize_all(&im);
	free(checks);
	rollback(r);
	return err;
}

/* ---- targets and decisions -------------------------------------------- */

static int64_t latest_run(struct review *r);
static enum cib_err resolve(struct review *r, const char *t,
			    struct review_ref *out);

static const char *kind_of(const struct review_ref *t)
{
	return t->is_cluster ? "cluster" : "account";
}

/* Binds kind, scope, platform, key of t to parameters i..i+3. */
static void bind_ref(sqlite3_stmt *s, int i, const struct review_ref *t)
{
	sqlite3_bind_text(s, i, kind_of(t), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, i + 1, t->scope);
	sqlite3_bind_text(s, i + 2, t->platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, i + 3, t->key, -1, SQLITE_TRANSIENT);
}

#define WHERE_REF " kind = ?1 AND scope = ?2 AND platform = ?3 AND key = ?4"

static enum cib_err item_version(struct review *r, struct review_ref *t)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT version FROM items WHERE" WHERE_REF, -1,
			       &s, NULL) != SQLITE_OK)
		return db_err(r, "read item");
	bind_ref(s, 1, t);
	rc = sqlite3_step(s);
	t->version = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		set_err(r, "no %s '%s' in the store", kind_of(t), t->key);
		return CIB_ENOTFOUND;
	}
	return CIB_OK;
}

/* "account x:123" / "cluster C3" (run 2's: "cluster R2:C3") */
static void ref_name(const struct review_ref *t, int64_t latest, char *buf,
		     size_t cap)
{
	if (!t->is_cluster)
		snprintf(buf, cap, "account %s:%s", t->platform, t->key);
	else if (t->scope == latest)
		snprintf(buf, cap, "cluster %s", t->key);
	else
		snprintf(buf, cap, "cluster R%lld:%s", (long long)t->scope,
			 t->key);
}

static void later_iso(char buf[32], int seconds)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static const char *const decisions[] = { "confirm", "dismiss", "escalate",
					 "queued" };

void review_outcome_release(struct review_outcome *o)
{
	if (!o)
		return;
	free(o->conflicts);
	memset(o, 0, sizeof(*o));
}

static enum cib_err add_conflict(struct review_outcome *o,
				 const struct review_conflict *c)
{
	struct review_conflict *nv;

	if (o->n_conflicts >= 1000) /* enough to show; the count is kept */
		return CIB_OK;
	nv = realloc(o->conflicts, (o->n_conflicts + 1) * sizeof(*nv));
	if (!nv)
		return CIB_ENOMEM;
	o->conflicts = nv;
	o->conflicts[o->n_conflicts++] = *c;
	return CIB_OK;
}

/* One item of a decision being made. */
struct pending {
	struct review_ref ref;
	int64_t seen;     /* -1: not known */
	char via[512];    /* the cluster it is decided through, or "" */
};

static int cmp_pending(const void *x, const void *y)
{
	const struct pending *a = x, *b = y;
	int c;

	if (a->ref.is_cluster != b->ref.is_cluster)
		return a->ref.is_cluster - b->ref.is_cluster;
	if (a->ref.scope != b->ref.scope)
		return a->ref.scope < b->ref.scope ? -1 : 1;
	c = strcmp(a->ref.platform, b->ref.platform);
	if (c)
		return c;
	c = strcmp(a->ref.key, b->ref.key);
	if (c)
		return c;
	/* a named target (seen known, not via a cluster) wins a duplicate */
	if (!a->via[0] != !b->via[0])
		return a->via[0] ? 1 : -1;
	return (a->seen < 0) - (b->seen < 0);
}

struct plist {
	struct pending *v;
	size_t n, cap;
};

static struct pending *plist_add(struct plist *l)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct pending *nv = realloc(l->v, nc * sizeof(*nv));

		if (!nv)
			return NULL;
		l->v = nv;
		l->cap = nc;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* The last change to an item (audit row): who, what, when, its decision
 * number. */
static void last_change(struct review *r, const struct review_ref *t,
			struct review_conflict *c, int64_t *seq)
{
	sqlite3_stmt *s;

	*seq = 0;
	if (sqlite3_prepare_v2(r->db,
			       "SELECT reviewer, value, at, coalesce(batch, 0),"
			       " seq FROM audit WHERE" WHERE_REF
			       " ORDER BY seq DESC LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	bind_ref(s, 1, t);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(c->by, sizeof(c->by), "%s", col_text(s, 0));
		snprintf(c->what, sizeof(c->what), "%s", col_text(s, 1));
		snprintf(c->at, sizeof(c->at), "%s", col_text(s, 2));
		c->decision = sqlite3_column_int64(s, 3);
		*seq = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
}

/* Whether deciding p now would replace something the reviewer did not
 * see (docs/review.md, "Conflicts"): fills c and returns 1 if so.
 * *last_seq gets the item's latest audit row (what a supersede
 * replaces). */
static int check_conflict(struct review *r, const struct pending *p,
			  const char *reviewer, const char *now,
			  int64_t latest, struct review_conflict *c,
			  int64_t *last_seq, enum cib_err *err)
{
	sqlite3_stmt *s;
	int conflict = 0;
	int64_t version, claim_version = -1;
	char status[16], by[128], holder[128], until[32];

	memset(c, 0, sizeof(*c));
	*err = CIB_OK;
	*last_seq = 0;
	if (sqlite3_prepare_v2(r->db,
			       "SELECT status, version, coalesce(reviewer, ''),"
			       " coalesce(claimed_by, ''), coalesce(claim_until,"
			       " ''), claim_version FROM items WHERE" WHERE_REF,
			       -1, &s, NULL) != SQLITE_OK) {
		*err = db_err(r, "read item");
		return 0;
	}
	bind_ref(s, 1, &p->ref);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		set_err(r, "no %s '%s' in the store", kind_of(&p->ref),
			p->ref.key);
		*err = CIB_ENOTFOUND;
		return 0;
	}
	snprintf(status, sizeof(status), "%s", col_text(s, 0));
	version = sqlite3_column_int64(s, 1);
	snprintf(by, sizeof(by), "%s", col_text(s, 2));
	snprintf(holder, sizeof(holder), "%s", col_text(s, 3));
	snprintf(until, sizeof(until), "%s", col_text(s, 4));
	if (sqlite3_column_type(s, 5) != SQLITE_NULL)
		claim_version = sqlite3_column_int64(s, 5);
	sqlite3_finalize(s);
	ref_name(&p->ref, latest, c->item, sizeof(c->item));
	c->version = version;
	last_change(r, &p->ref, c, last_seq);
	if (*holder && strcmp(holder, reviewer) && strcmp(until, now) > 0) {
		/* another reviewer holds it */
		snprintf(c->by, sizeof(c->by), "%s", holder);
		snprintf(c->what, sizeof(c->what), "claimed");
		snprintf(c->at, sizeof(c->at), "%s", until);
		c->decision = 0;
		return 1;
	}
	if (p->seen >= 0)
		conflict = version != p->seen;
	else if (*holder && !strcmp(holder, reviewer) && claim_version >= 0)
		conflict = version != claim_version;
	else /* not known what was seen: another's decision stands */
		conflict = strcmp(status, "queued") && *by &&
			   strcmp(by, reviewer);
	return conflict;
}

/* Writes one item's new state and its audit row (inside the caller's
 * transaction). restore != NULL: an undo, reviewer/note/time restored
 * from that audit row's values. */
static enum cib_err write_item(struct review *r, const struct pending *p,
			       const char *decision, const char *reviewer,
			       const char *note, const char *now,
			       int64_t batch, const char *action,
			       int64_t supersedes, int64_t reverses,
			       const char *r_reviewer, const char *r_note,
			       const char *r_at)
{
	sqlite3_stmt *s = NULL;
	char prev[16] = "";
	int64_t run = 0, version = 0;
	int is_undo = reverses > 0;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT status, run_id, version FROM items WHERE"
			       WHERE_REF,
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "read item");
	bind_ref(s, 1, &p->ref);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		set_err(r, "no %s '%s' in the store", kind_of(&p->ref),
			p->ref.key);
		return CIB_ENOTFOUND;
	}
	snprintf(prev, sizeof(prev), "%s", col_text(s, 0));
	run = sqlite3_column_int64(s, 1);
	version = sqlite3_column_int64(s, 2) + 1;
	sqlite3_finalize(s);
	/* a decision: the evidence the reviewer saw becomes the baseline for
	 * later runs; an undo restores the earlier decision's who/why/when */
	if (sqlite3_prepare_v2(
		    r->db,
		    is_undo ? "UPDATE items SET status = ?5, reviewer = ?6,"
			      " note = ?7, decided_at = ?8, version = ?9,"
			      " claimed_by = NULL, claim_until = NULL,"
			      " claim_version = NULL WHERE" WHERE_REF
			    : "UPDATE items SET status = ?5, reviewer = ?6,"
			      " note = ?7, decided_at = ?8, version = ?9,"
			      " d_score = score, d_reasons = reasons,"
			      " d_reason_codes = reason_codes,"
			      " d_cluster_size = cluster_size,"
			      " requeue_reason = NULL, claimed_by = NULL,"
			      " claim_until = NULL, claim_version = NULL"
			      " WHERE" WHERE_REF,
		    -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "update item");
	bind_ref(s, 1, &p->ref);
	sqlite3_bind_text(s, 5, decision, -1, SQLITE_TRANSIENT);
	if (is_undo) {
		bind_text(s, 6, r_reviewer);
		bind_text(s, 7, r_note);
		bind_text(s, 8, r_at);
	} else {
		sqlite3_bind_text(s, 6, reviewer, -1, SQLITE_TRANSIENT);
		bind_text(s, 7, note);
		sqlite3_bind_text(s, 8, now, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(s, 9, version);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return db_err(r, "record decision");
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->db,
			       "INSERT INTO audit(at, reviewer, kind, scope,"
			       " platform, key, action, previous, value, note,"
			       " run_id, batch, version, supersedes, reverses,"
			       " via) VALUES(?5, ?6, ?1, ?2, ?3, ?4, ?7, ?8, ?9,"
			       " ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "audit");
	bind_ref(s, 1, &p->ref);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, reviewer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, prev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 9, decision, -1, SQLITE_TRANSIENT);
	bind_text(s, 10, note);
	bind_text(s, 16, p->via);
	sqlite3_bind_int64(s, 11, run);
	sqlite3_bind_int64(s, 12, batch);
	sqlite3_bind_int64(s, 13, version);
	if (supersedes > 0)
		sqlite3_bind_int64(s, 14, supersedes);
	else
		sqlite3_bind_null(s, 14);
	if (reverses > 0)
		sqlite3_bind_int64(s, 15, reverses);
	else
		sqlite3_bind_null(s, 15);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return db_err(r, "record decision");
	}
	sqlite3_finalize(s);
	return CIB_OK;
}

static int64_t next_batch(struct review *r)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT coalesce(max(batch), 0) + 1 FROM audit",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Adds a cluster's member accounts of its run to l. */
static enum cib_err add_members(struct review *r, const struct review_ref *c,
				struct plist *l)
{
	sqlite3_stmt *s;
	enum cib_err err = CIB_OK;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT platform, key FROM items WHERE"
			       " kind = 'account' AND run_id = ?1 AND"
			       " cluster_id = ?2 ORDER BY key",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "cluster members");
	sqlite3_bind_int64(s, 1, c->scope);
	sqlite3_bind_text(s, 2, c->key, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct pending *m = plist_add(l);

		if (!m) {
			err = CIB_ENOMEM;
			break;
		}
		snprintf(m->ref.platform, sizeof(m->ref.platform), "%s",
			 col_text(s, 0));
		snprintf(m->ref.key, sizeof(m->ref.key), "%s", col_text(s, 1));
		m->seen = -1;
		snprintf(m->via, sizeof(m->via), "%s", c->key);
	}
	sqlite3_finalize(s);
	return err;
}

/* the request's decision, checked (static storage), or NULL with the
 * error set when the decision, reviewer or number of items is wrong */
static const char *decide_check(struct review *r,
				const struct review_decide_req *q)
{
	size_t k;

	for (k = 0; k < sizeof(decisions) / sizeof(decisions[0]); k++)
		if (q->decision && !strcmp(q->decision, decisions[k]))
			break;
	if (k == sizeof(decisions) / sizeof(decisions[0])) {
		set_err(r, "decision '%s' is not confirm, dismiss, escalate or "
			   "queued", q->decision ? q->decision : "");
		return NULL;
	}
	if (!q->reviewer || !*q->reviewer) {
		set_err(r, "a decision needs a reviewer name");
		return NULL;
	}
	if (!strcmp(q->reviewer, "import")) {
		set_err(r, "'import' is the tool's name in the audit log, not "
			   "a reviewer's");
		return NULL;
	}
	if (!q->n || q->n > REVIEW_MAX_TARGETS) {
		set_err(r, "a decision names 1 to %d items, not %zu",
			REVIEW_MAX_TARGETS, q->n);
		return NULL;
	}
	return decisions[k];
}

/* the request's targets resolved into l, with a cluster's members when
 * the request asks for them */
static enum cib_err decide_targets(struct review *r,
				   const struct review_decide_req *q,
				   struct plist *l)
{
	enum cib_err err;

	for (size_t i = 0; i < q->n; i++) {
		struct pending *p = plist_add(l);

		if (!p)
			return CIB_ENOMEM;
		err = resolve(r, q->targets[i], &p->ref);
		if (err)
			return err;
		p->seen = q->seen ? q->seen[i] : -1;
		if (p->ref.is_cluster && q->members) {
			struct review_ref c = p->ref;

			err = add_members(r, &c, l);
			if (err)
				return err;
		}
	}
	return CIB_OK;
}

/* one write per item: a member named twice, or named and reached
 * through its cluster, is decided once */
static void pending_unique(struct plist *l)
{
	size_t k, w;

	qsort(l->v, l->n, sizeof(*l->v), cmp_pending);
	for (k = w = 0; k < l->n; k++) {
		if (w && !cmp_pending(&l->v[w - 1], &l->v[k]))
			continue;
		if (w && l->v[w - 1].ref.is_cluster == l->v[k].ref.is_cluster &&
		    l->v[w - 1].ref.scope == l->v[k].ref.scope &&
		    !strcmp(l->v[w - 1].ref.platform, l->v[k].ref.platform) &&
		    !strcmp(l->v[w - 1].ref.key, l->v[k].ref.key))
			continue;
		l->v[w++] = l->v[k];
	}
	l->n = w;
}

enum cib_err review_decide_many(struct review *r,
				const struct review_decide_req *q,
				struct review_outcome *out)
{
	struct plist l = { 0 };
	char now[32];
	enum cib_err err;
	size_t k;
	int64_t batch, latest;
	const char *decision;
	int64_t *sup = NULL;

	memset(out, 0, sizeof(*out));
	decision = decide_check(r, q);
	if (!decision)
		return CIB_EUSAGE;
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err)
		return err;
	now_utc(now);
	latest = latest_run(r);
	err = decide_targets(r, q, &l);
	if (err)
		goto fail;
	pending_unique(&l);
	sup = calloc(l.n ? l.n : 1, sizeof(*sup));
	if (!sup) {
		err = CIB_ENOMEM;
		goto fail;
	}
	for (k = 0; k < l.n; k++) {
		struct review_conflict c;
		int64_t last = 0;

		if (check_conflict(r, &l.v[k], q->reviewer, now, latest, &c,
				   &last, &err)) {
			if (!q->supersede && (err = add_conflict(out, &c)))
				goto fail;
			sup[k] = last;
		}
		if (err)
			goto fail;
	}
	if (out->n_conflicts) {
		err = CIB_ECONFLICT;
		set_err(r, "%s was %s by %s at %s since it was seen; nothing "
			   "was recorded",
			out->conflicts[0].item, out->conflicts[0].what,
			out->conflicts[0].by, out->conflicts[0].at);
		goto fail;
	}
	batch = next_batch(r);
	if (batch < 0) {
		err = db_err(r, "decision number");
		goto fail;
	}
	for (k = 0; k < l.n; k++) {
		err = write_item(r, &l.v[k], decision, q->reviewer, q->note,
				 now, batch,
				 sup[k] ? "supersede" : "decide", sup[k], 0,
				 NULL, NULL, NULL);
		if (err)
			goto fail;
	}
	err = exec(r, "COMMIT;");
	if (err)
		goto fail;
	out->decision = batch;
	out->n_changed = l.n;
	free(l.v);
	free(sup);
	return CIB_OK;
fail:
	rollback(r);
	free(l.v);
	free(sup);
	return err;
}

enum cib_err review_decide(struct review *r, const char *target,
			   const char *decision, const char *reviewer,
			   const char *note, int apply_members,
			   size_t *n_changed)
{
	struct review_decide_req q;
	struct review_outcome o;
	enum cib_err err;

	memset(&q, 0, sizeof(q));
	q.targets = &target;
	q.n = 1;
	q.decision = decision;
	q.reviewer = reviewer;
	q.note = note;
	q.members = apply_members;
	err = review_decide_many(r, &q, &o);
	if (n_changed)
		*n_changed = o.n_changed;
	review_outcome_release(&o);
	return err;
}

/* one item of a decision being undone: its audit row and what it goes
 * back to */
struct undo_row {
	int64_t seq, version, sup;
	char prev[16];
	char rrev[128], rat[32];
	char *rnote;
};

/* the items decision changed, from the audit log, into l and *rows */
static enum cib_err undo_read(struct review *r, int64_t decision,
			      struct plist *l, struct undo_row **rows)
{
	sqlite3_stmt *s = NULL;
	struct undo_row *ri = NULL;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT kind, scope, platform, key,"
			       " coalesce(previous, 'queued'), version, seq"
			       " FROM audit WHERE batch = ?1 ORDER BY seq",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "undo");
	sqlite3_bind_int64(s, 1, decision);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct pending *p = plist_add(l);
		struct undo_row *nr = realloc(ri, l->n * sizeof(*nr));

		if (!p || !nr) {
			free(nr ? nr : ri);
			*rows = NULL;
			sqlite3_finalize(s);
			return CIB_ENOMEM;
		}
		ri = nr;
		memset(&ri[l->n - 1], 0, sizeof(*ri));
		p->ref.is_cluster = !strcmp(col_text(s, 0), "cluster");
		p->ref.scope = sqlite3_column_int64(s, 1);
		snprintf(p->ref.platform, sizeof(p->ref.platform), "%s",
			 col_text(s, 2));
		snprintf(p->ref.key, sizeof(p->ref.key), "%s", col_text(s, 3));
		snprintf(ri[l->n - 1].prev, sizeof(ri[0].prev), "%s",
			 col_text(s, 4));
		p->seen = ri[l->n - 1].version = sqlite3_column_int64(s, 5);
		ri[l->n - 1].seq = sqlite3_column_int64(s, 6);
	}
	sqlite3_finalize(s);
	*rows = ri;
	return CIB_OK;
}

/* puts each item back as it was before the reversed audit row (with
 * that row's reviewer, note and time unless it was queued or imported),
 * as decision batch */
static enum cib_err undo_restore(struct review *r, struct plist *l,
				 struct undo_row *ri, const char *reviewer,
				 const char *note, const char *now,
				 int64_t batch, sqlite3_stmt *pr)
{
	enum cib_err err;

	for (size_t k = 0; k < l->n; k++) {
		const char *rv = NULL, *rn = NULL, *ra = NULL;
		char *keep_note = NULL;

		bind_ref(pr, 1, &l->v[k].ref);
		sqlite3_bind_int64(pr, 5, ri[k].seq);
		if (sqlite3_step(pr) == SQLITE_ROW &&
		    strcmp(ri[k].prev, "queued") &&
		    strcmp(col_text(pr, 0), "import")) {
			snprintf(ri[k].rrev, sizeof(ri[k].rrev), "%s",
				 col_text(pr, 0));
			snprintf(ri[k].rat, sizeof(ri[k].rat), "%s",
				 col_text(pr, 2));
			keep_note = strdup(col_text(pr, 1));
			rv = ri[k].rrev;
			ra = ri[k].rat;
			rn = keep_note;
		}
		sqlite3_reset(pr);
		l->v[k].via[0] = '\0';
		err = write_item(r, &l->v[k], ri[k].prev, reviewer, note, now,
				 batch, "undo", ri[k].sup, ri[k].seq, rv, rn,
				 ra);
		free(keep_note);
		if (err)
			return err;
	}
	return CIB_OK;
}

enum cib_err review_undo(struct review *r, int64_t decision,
			 const char *reviewer, const char *note, int supersede,
			 struct review_outcome *out)
{
	sqlite3_stmt *pr = NULL;
	struct plist l = { 0 };
	struct undo_row *ri = NULL;
	char now[32];
	int64_t batch, latest;
	enum cib_err err;
	size_t k;

	memset(out, 0, sizeof(*out));
	if (!reviewer || !*reviewer || !strcmp(reviewer, "import")) {
		set_err(r, "an undo needs a reviewer name (not 'import')");
		return CIB_EUSAGE;
	}
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err)
		return err;
	now_utc(now);
	latest = latest_run(r);
	err = undo_read(r, decision, &l, &ri);
	if (err)
		goto fail;
	if (!l.n) {
		set_err(r, "no decision %lld in the store",
			(long long)decision);
		err = CIB_ENOTFOUND;
		goto fail;
	}
	/* each item must still be as that decision left it */
	for (k = 0; k < l.n; k++) {
		struct review_conflict c;
		int64_t last = 0;

		if (check_conflict(r, &l.v[k], reviewer, now, latest, &c,
				   &last, &err)) {
			if (!supersede && (err = add_conflict(out, &c)))
				goto fail;
			ri[k].sup = last;
		}
		if (err)
			goto fail;
	}
	if (out->n_conflicts) {
		err = CIB_ECONFLICT;
		set_err(r, "%s was %s by %s at %s after decision %lld; nothing "
			   "was undone",
			out->conflicts[0].item, out->conflicts[0].what,
			out->conflicts[0].by, out->conflicts[0].at,
			(long long)decision);
		goto fail;
	}
	/* what each item was before: the audit row before the reversed one */
	if (sqlite3_prepare_v2(r->db,
			       "SELECT reviewer, note, at FROM audit WHERE"
			       WHERE_REF " AND seq < ?5 ORDER BY seq DESC"
			       " LIMIT 1",
			       -1, &pr, NULL) != SQLITE_OK) {
		err = db_err(r, "undo");
		goto fail;
	}
	batch = next_batch(r);
	err = undo_restore(r, &l, ri, reviewer, note, now, batch, pr);
	if (err)
		goto fail;
	sqlite3_finalize(pr);
	pr = NULL;
	err = exec(r, "COMMIT;");
	if (err)
		goto fail;
	out->decision = batch;
	out->n_changed = l.n;
	free(l.v);
	free(ri);
	return CIB_OK;
fail:
	sqlite3_finalize(pr);
	rollback(r);
	free(l.v);
	free(ri);
	return err;
}

/* ---- claims ------------------------------------------------------------ */

static enum cib_err lease_check(const char *reviewer, int lease_s,
				struct review *r)
{
	if (!reviewer || !*reviewer || !strcmp(reviewer, "import")) {
		set_err(r, "a claim needs a reviewer name (not 'import')");
		return CIB_EUSAGE;
	}
	if (lease_s < 1 || lease_s > REVIEW_MAX_LEASE_SECONDS) {
		set_err(r, "a lease is 1 s to %d s, not %d",
			REVIEW_MAX_LEASE_SECONDS, lease_s);
		return CIB_EUSAGE;
	}
	return CIB_OK;
}

static enum cib_err take(struct review *r, struct review_ref *t,
			 const char *reviewer, const char *until)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "UPDATE items SET claimed_by = ?5, claim_until ="
			       " ?6, claim_version = version WHERE" WHERE_REF,
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "claim");
	bind_ref(s, 1, t);
	sqlite3_bind_text(s, 5, reviewer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, until, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_err(r, "claim");
	snprintf(t->until, sizeof(t->until), "%s", until);
	return item_version(r, t);
}

/* The filters of review_filter, parameters ?3..?7. */
#define FILTERS                                                          \
	" AND (kind = 'account' OR scope = (SELECT max(run_id) FROM runs))" \
	" AND (?3 IS NULL OR platform = ?3 OR kind = 'cluster')"            \
	" AND (?4 IS NULL OR (kind = 'account' AND cluster_id = ?4 AND"     \
	" run_id = (SELECT max(run_id) FROM runs)) OR (kind = 'cluster'"    \
	" AND key = ?4))"                                                   \
	" AND (?5 IS NULL OR instr(reasons, ?5) > 0)"                      \
	" AND coalesce(score, 0) >= ?6"                                     \
	" AND (?7 = 0 OR (?7 = 1) = (kind = 'account'))"

enum cib_err review_claim(struct review *r, const char *reviewer, int lease_s,
			  const struct review_filter *flt,
			  struct review_ref *out, int *found)
{
	static const struct review_filter none;
	sqlite3_stmt *s = NULL;
	char now[32], until[32];
	enum cib_err err;
	int rc;

	*found = 0;
	memset(out, 0, sizeof(*out));
	if (!flt)
		flt = &none;
	err = lease_check(reviewer, lease_s, r);
	if (err)
		return err;
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err)
		return err;
	now_utc(now);
	later_iso(until, lease_s);
	/* the reviewer's own live claim first, then what nobody holds, the
	 * preferred kind before the other; clusters only of the latest run
	 * (older ids name other groupings). The last two passes walk the
	 * items_next index in score order, so a claim costs no scan of the
	 * whole queue. */
	for (int pass = 0; pass < 3 && !err; pass++) {
		const char *kind = (pass == 1) == !flt->clusters_first
					   ? "account"
					   : "cluster";

		if (pass && flt->kind && (flt->kind == 1) != !strcmp(kind, "account"))
			continue;
		if (sqlite3_prepare_v2(
			    r->db,
			    pass == 0
				    ? "SELECT kind, scope, platform, key FROM items"
				      " WHERE claimed_by = ?1 AND claim_until > ?2"
				      " AND status = 'queued' AND ?9 IS NOT NULL"
				      FILTERS " ORDER BY score DESC, key LIMIT 1"
				    : "SELECT kind, scope, platform, key FROM items"
				      " WHERE status = 'queued' AND kind = ?9 AND"
				      " (claimed_by IS NULL OR claim_until <= ?2 OR"
				      " claimed_by = ?1)" FILTERS
				      " ORDER BY score DESC, key LIMIT 1",
			    -1, &s, NULL) != SQLITE_OK) {
			err = db_err(r, "next");
			goto fail;
		}
		sqlite3_bind_text(s, 1, reviewer, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
		bind_text(s, 3, flt->platform);
		bind_text(s, 4, flt->cluster);
		bind_text(s, 5, flt->reason);
		sqlite3_bind_double(s, 6, flt->min_score);
		sqlite3_bind_int(s, 7, flt->kind);
		sqlite3_bind_text(s, 9, kind, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			out->is_cluster = !strcmp(col_text(s, 0), "cluster");
			out->scope = sqlite3_column_int64(s, 1);
			snprintf(out->platform, sizeof(out->platform), "%s",
				 col_text(s, 2));
			snprintf(out->key, sizeof(out->key), "%s",
				 col_text(s, 3));
		}
		sqlite3_finalize(s);
		if (rc == SQLITE_ROW)
			break;
		if (rc != SQLITE_DONE) {
			err = db_err(r, "next");
			goto fail;
		}
	}
	if (rc == SQLITE_ROW) {
		err = take(r, out, reviewer, until);
		if (err)
			goto fail;
		*found = 1;
	} else if (rc != SQLITE_DONE) {
		err = db_err(r, "next");
		goto fail;
	}
	return exec(r, "COMMIT;");
fail:
	rollback(r);
	return err;
}

enum cib_err review_claim_item(struct review *r, const char *target,
			       const char *reviewer, int lease_s,
			       int supersede, struct review_ref *out)
{
	sqlite3_stmt *s = NULL;
	char now[32], until[32], holder[128] = "", hold_until[32] = "";
	enum cib_err err;

	memset(out, 0, sizeof(*out));
	err = lease_check(reviewer, lease_s, r);
	if (err)
		return err;
	err = exec(r, "BEGIN IMMEDIATE;");
	if (err)
		return err;
	now_utc(now);
	later_iso(until, lease_s);
	err = resolve(r, target, out);
	if (err)
		goto fail;
	if (sqlite3_prepare_v2(r->db,
			       "SELECT coalesce(claimed_by, ''),"
			       " coalesce(claim_until, '') FROM items WHERE"
			       WHERE_REF,
			       -1, &s, NULL) != SQLITE_OK) {
		err = db_err(r, "claim");
		goto fail;
	}
	bind_ref(s, 1, out);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(holder, sizeof(holder), "%s", col_text(s, 0));
		snprintf(hold_until, sizeof(hold_until), "%s", col_text(s, 1));
	}
	sqlite3_finalize(s);
	if (*holder && strcmp(holder, reviewer) &&
	    strcmp(hold_until, now) > 0 && !supersede) {
		set_err(r, "%s is claimed by %s until %s", target, holder,
			hold_until);
		err = CIB_ECONFLICT;
		goto fail;
	}
	err = take(r, out, reviewer, until);
	if (err)
		goto fail;
	return exec(r, "COMMIT;");
fail:
	rollback(r);
	return err;
}

/* ---- JSON -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0; /* overlong, surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

void review_json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	fputc('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		if (n == 3 && s[0] == 0xE2 && s[1] == 0x80 &&
		    (s[2] == 0xA8 || s[2] == 0xA9)) {
			fprintf(f, "\\u%04x", s[2] == 0xA8 ? 0x2028 : 0x2029);
		} else if (n > 1) {
			fwrite(s, 1, n, f);
		} else if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s, f);
		} else if (*s < 0x20 || *s == 0x7F || *s == '<' || *s == '>' ||
			   *s == '&' || *s == '\'') {
			fprintf(f, "\\u%04x", *s);
		} else {
			fputc(*s, f);
		}
		s += n;
	}
	fputc('"', f);
}

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
static enum cib_err resolve(struct review *r, const char *t,
			    struct review_ref *out)
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
		set_err(r, "'%.64s...' is too long for an id", t);
		return CIB_EUSAGE;
	}
	if (t[0] == '@' && want_cluster != 1) {
		/* a handle: handles are case-insensitive on the platforms */
		if (sqlite3_prepare_v2(r->db,
				       "SELECT platform, key FROM items WHERE"
				       " kind = 'account' AND handle = ?1"
				       " COLLATE NOCASE LIMIT 3",
				       -1, &s, NULL) != SQLITE_OK)
			return db_err(r, "find handle");
		sqlite3_bind_text(s, 1, t + 1, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(s) == SQLITE_ROW) {
			n++;
			snprintf(out->platform, sizeof(out->platform), "%s",
				 col_text(s, 0));
			snprintf(out->key, sizeof(out->key), "%s",
				 col_text(s, 1));
		}
		sqlite3_finalize(s);
		if (n == 1)
			return item_version(r, out);
		if (n > 1) {
			set_err(r, "handle '%s' names several accounts: use "
				   "their ids", t);
			return CIB_EUSAGE;
		}
		/* no such handle: perhaps an id that starts with '@' */
	}
	if (want_cluster != 0) {
		const char *c = t;
		int64_t scope = latest_run(r);

		if (t[0] == 'R' && (colon = strchr(t, ':')) != NULL) {
			char *end;

			scope = strtoll(t + 1, &end, 10);
			c = end == colon ? colon + 1 : "";
		}
		if (is_cluster_id(c) || (want_cluster == 1 && *c)) {
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
				return item_version(r, out);
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
		set_err(r, "no account or cluster '%s' in the store",
			t);
		return CIB_ENOTFOUND;
	}
	if (n > 1) {
		set_err(r, "'%s' is on several platforms: write PLATFORM:%s",
			t, t);
		return CIB_EUSAGE;
	}
	return item_version(r, out);
}

enum cib_err review_resolve(struct review *r, const char *target,
			    struct review_ref *out)
{
	return resolve(r, target, out);
}

/* ---- reading ----------------------------------------------------------- */

/* A stored value on a terminal: control characters shown as \xNN. */
static void put(FILE *f, const char *v)
{
	textsafe_fputs(f, v, TEXTSAFE_TERM);
}

static enum cib_err show_target(struct review *r, const struct review_ref *t,
				FILE *f)
{
	sqlite3_stmt *s = NULL;
	const char *kind = kind_of(t);
	static const char *const names[] = {
		"platform", "id", "handle", "score", "cluster", "cluster size",
		"cluster score", "reasons", "run", "status", "reviewer", "note",
		"decided at", "requeued because", "version", "claimed by",
		"claimed until", "identity", "reason codes"
	};
	enum { N_SHOWN = sizeof(names) / sizeof(names[0]) };

	if (sqlite3_prepare_v2(r->db,
			       "SELECT platform, key, handle, score, cluster_id,"
			       " cluster_size, cluster_score, reasons, run_id,"
			       " status, reviewer, note, decided_at,"
			       " requeue_reason, version, claimed_by,"
			       " claim_until, uid, reason_codes FROM items"
			       " WHERE" WHERE_REF,
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "show");
	bind_ref(s, 1, t);
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
	for (int i = 0; i < N_SHOWN; i++) {
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
			       " value, note, run_id, coalesce(batch, ''),"
			       " coalesce(reverses, ''), coalesce(supersedes,"
			       " ''), coalesce(via, '') FROM audit WHERE"
			       WHERE_REF
			       " ORDER BY seq",
			       -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "history");
	bind_ref(s, 1, t);
	fputs("  history:\n", f);
	while (sqlite3_step(s) == SQLITE_ROW) {
		fprintf(f, "    #%s %s ", col_text(s, 0), col_text(s, 1));
		put(f, col_text(s, 2));
		fprintf(f, " %s %s -> %s (run %s", col_text(s, 3),
			*col_text(s, 4) ? col_text(s, 4) : "-", col_text(s, 5),
			col_text(s, 7));
		if (*col_text(s, 8))
			fprintf(f, ", decision %s", col_text(s, 8));
		if (*col_text(s, 9))
			fprintf(f, ", reverses #%s", col_text(s, 9));
		if (*col_text(s, 10))
			fprintf(f, ", supersedes #%s", col_text(s, 10));
		if (*col_text(s, 11)) {
			fputs(", via cluster ", f);
			put(f, col_text(s, 11));
		}
		fputc(')', f);
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
	struct review_ref t;
	enum cib_err err = resolve(r, target, &t);

	return err ? err : show_target(r, &t, f);
}

enum cib_err review_show_ref(struct review *r, const struct review_ref *t,
			     FILE *f)
{
	return show_target(r, t, f);
}

enum cib_err review_export(struct review *r, FILE *f, enum review_format fmt,
			   const char *decision, int csv_raw, size_t *n)
{
	static const char *const hdr[] = {
		"account_id", "platform",    "handle", "decision",
		"reviewer",   "decided_at",  "note",   "decision_id",
		"score",      "cluster_id",  "reasons", "run_id"
	};
	enum { NCOL = 12 };
	sqlite3_stmt *s;
	size_t rows = 0;
	int rc;

	if (sqlite3_prepare_v2(
		    r->db,
		    "SELECT i.key, i.platform, i.handle, i.status, i.reviewer,"
		    " i.decided_at, i.note, (SELECT batch FROM audit a WHERE"
		    " a.kind = 'account' AND a.scope = 0 AND a.platform ="
		    " i.platform AND a.key = i.key ORDER BY a.seq DESC LIMIT 1),"
		    " i.score, i.cluster_id, i.reasons, i.run_id FROM items i"
		    " WHERE i.kind = 'account' AND i.status != 'queued' AND"
		    " (?1 IS NULL OR i.status = ?1) ORDER BY i.score DESC,"
		    " i.platform, i.key",
		    -1, &s, NULL) != SQLITE_OK)
		return db_err(r, "export");
	bind_text(s, 1, decision);
	if (fmt == REVIEW_CSV)
		csvout_header(f, hdr, NCOL);
	else
		fputs("{\"decisions\":[", f);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fmt == REVIEW_JSON)
			fputs(rows ? ",\n{" : "\n{", f);
		for (int i = 0; i < NCOL; i++) {
			int num = i == 7 || i == 8 || i == 11;
			int null = sqlite3_column_type(s, i) == SQLITE_NULL;

			if (fmt == REVIEW_JSON)
				fprintf(f, "%s\"%s\":", i ? "," : "", hdr[i]);
			else if (i)
				fputc(',', f);
			if (num && null) {
				if (fmt == REVIEW_JSON)
					fputs("null", f);
			} else if (i == 8) {
				fprintf(f, "%.6f", sqlite3_column_double(s, i));
			} else if (num) {
				fprintf(f, "%lld",
					(long long)sqlite3_column_int64(s, i));
			} else if (fmt == REVIEW_JSON) {
				if (null)
					fputs("null", f);
				else
					review_json_str(f, col_text(s, i));
			} else {
				csvout_text(f, col_text(s, i), csv_raw);
			}
		}
		fputs(fmt == REVIEW_JSON ? "}" : "\n", f);
		rows++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_err(r, "export");
	if (fmt == REVIEW_JSON)
		fprintf(f, "\n],\"count\":%zu}\n", rows);
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
		struct review_decision *d;

		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct review_decision *nd =
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
