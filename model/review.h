/* review.h - the batch-review store: a SQLite database (WAL mode) a team
 * shares to queue a run's flagged accounts and clusters, record decisions
 * with an append-only audit log, carry decisions across runs, and export
 * the confirmed list. Schema, rules and their reasons: docs/review.md.
 *
 * Every write is one IMMEDIATE transaction, so concurrent reviewers are
 * serialised by SQLite's lock (with a busy timeout) and a process killed
 * mid-import leaves the store as it was. The audit table has triggers that
 * reject UPDATE and DELETE.
 *
 * Ownership: the caller owns struct review (review_open/review_close) and
 * struct review_list (review_list_release). Messages go to r->errmsg; the
 * module never prints.
 */
#ifndef CIB_REVIEW_H
#define CIB_REVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "report.h"

struct sqlite3;

/* Dismissed accounts are re-queued when their score rises by at least
 * this much over the score they had when dismissed. */
#define REVIEW_SCORE_MARGIN 0.10

/* Longest CSV field accepted on import (a reasons list is a few KB). */
#define REVIEW_MAX_FIELD ((size_t)1 << 20)
/* Largest count accepted on import (cluster sizes, flagged members):
 * more accounts than any export holds, far below int64 overflow. Scores
 * are probabilities in [0, 1]. */
#define REVIEW_MAX_COUNT 1000000000LL
#define REVIEW_MAX_COUNT_S "1000000000"

/* Longest CSV line accepted on import. */
#define REVIEW_MAX_LINE ((size_t)16 << 20)

/* Test hook: when set to N > 0, an import kills its own process (SIGKILL)
 * after N rows, inside the transaction. */
#define REVIEW_ABORT_ENV "CIBSCAN_REVIEW_ABORT_AFTER"

struct review {
	struct sqlite3 *db;
	char errmsg[1024];
};

/* Opens (creating when absent) the store at path: WAL journal, 30 s busy
 * timeout, schema created or checked. For tests and review_create(); the
 * commands use the two below, so a mistyped path is never a new store. */
enum cib_err review_open(struct review *r, const char *path);

/* Opens the store at path, which must exist and be a review store (its
 * meta table names this schema version): CIB_ENOTFOUND "no review store
 * 'PATH' ..." when there is no file, CIB_EFORMAT when the file is not a
 * review store (a text file, an empty file, another program's database),
 * which is left untouched. */
enum cib_err review_open_existing(struct review *r, const char *path);

/* 'review init' and 'review import': opens the store at path, creating
 * it only when nothing is there (*created = 1); an existing file must be
 * a review store, as for review_open_existing(). */
enum cib_err review_create(struct review *r, const char *path, int *created);
/* Closes; accepts a never-opened or already-closed store. */
void review_close(struct review *r);

struct review_import_opts {
	const char *accounts;        /* `cibscan score` accounts.csv */
	const char *clusters;        /* its --clusters file, or NULL */
	const char *settings;        /* the run's settings in words, or NULL */
	const char *const *inputs;   /* the run's input files, checksummed */
	size_t n_inputs;
	double score_margin;         /* REVIEW_SCORE_MARGIN by default */
	int strict;                  /* fail on the first malformed row */
	int csv_raw;                 /* the files were written --csv-raw:
				      * text fields are taken as they are,
				      * not unguarded (core/csvout.h) */
};

void review_import_opts_init(struct review_import_opts *o);

#define REVIEW_KEEP_WARNINGS 5

struct review_import_stats {
	int64_t run_id;
	uint64_t rows, flagged, bad;
	uint64_t queued_new;     /* flagged accounts never seen before */
	uint64_t requeued;       /* dismissed, but the evidence grew */
	uint64_t kept_dismissed; /* dismissed, evidence did not grow */
	uint64_t kept_confirmed; /* confirmed: not re-queued */
	uint64_t still_open;     /* already queued or escalated */
	uint64_t clusters;       /* cluster items queued */
	char warnings[REVIEW_KEEP_WARNINGS][256]; /* first malformed rows */
	size_t n_warnings;
};

/* Imports one run in one transaction (all or nothing). CIB_EPARSE with
 * errmsg "FILE:LINE: field 'F': ..." on a malformed header, or on a
 * malformed row in strict mode (other malformed rows are skipped and
 * counted); CIB_EIO when a file cannot be read; CIB_ELIB for SQLite. */
enum cib_err review_import(struct review *r,
			   const struct review_import_opts *o,
			   struct review_import_stats *st);

/* Records a decision on `target`: "C3" or "cluster:C3" (the latest run's
 * cluster; "cluster:R2:C3" for run 2), an account id, or "PLATFORM:ID"
 * when an id exists on several platforms. decision is confirm, dismiss,
 * escalate or queued (reopen). With apply_members a cluster decision is
 * also recorded on each member account of that run. *n_changed (may be
 * NULL) counts the items written. CIB_ENOTFOUND for an unknown target,
 * CIB_EUSAGE for a bad decision, ambiguous target or empty reviewer. */
enum cib_err review_decide(struct review *r, const char *target,
			   const char *decision, const char *reviewer,
			   const char *note, int apply_members,
			   size_t *n_changed);

/* Writes the next item to review (queued, highest score first; accounts
 * before clusters unless clusters_first) like review_show. *found = 0 when
 * the queue is empty. */
enum cib_err review_next(struct review *r, int clusters_first, FILE *f,
			 int *found);

/* Writes the item, its evidence and its audit history to f. */
enum cib_err review_show(struct review *r, const char *target, FILE *f);

/* The final list: confirmed accounts with the run's reasons and the
 * reviewer's note, as CSV (account_id,platform,handle,score,cluster_id,
 * reasons,reviewer,note,decided_at,run_id), text cells guarded against
 * spreadsheet formulas unless csv_raw. *n (may be NULL) = rows. */
enum cib_err review_export(struct review *r, FILE *f, int csv_raw,
			   size_t *n);

/* Queue counts by status, one "status count" line each, then runs. */
enum cib_err review_status(struct review *r, FILE *f);

/* Every item's current state, for the report. */
struct review_list {
	struct report_decision *d;
	size_t n;
	char **strings; /* owned copies the entries point into */
	size_t n_strings;
};

enum cib_err review_list_load(struct review *r, struct review_list *l);
void review_list_release(struct review_list *l);

/* The kind of a reason, for comparing runs: numbers and quoted strings
 * masked ("12 of its 30 posts" and "4 of its 9 posts" are one kind).
 * Writes at most cap bytes (NUL included) to out. Public for tests. */
void review_reason_kind(const char *reason, size_t len, char *out,
			size_t cap);

/* Number of "; "-separated reason kinds in `now` that are not among the
 * kinds in `before`. Public for tests. */
size_t review_new_reason_kinds(const char *before, const char *now);

#endif
