/* store.h - the batch-review store: a SQLite database (WAL mode) a team
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

/* One decision of the review store, as the report shows it. Strings are
 * borrowed from the caller. */
struct review_decision {
	int is_cluster;        /* 0: an account, 1: a cluster ("C3") */
	const char *platform;  /* account's platform name; "" for clusters */
	const char *key;       /* account id, or cluster id "C3" */
	const char *status;    /* queued, confirm, dismiss, escalate */
	const char *reviewer, *note, *at; /* may be NULL */
};

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

/* An account's reason codes, from a saved run: key "PLATFORM\tID" (the
 * platform's name and the account id as the accounts file writes them),
 * codes the distinct reason code names of its reasons separated by
 * spaces, a coordination reason with its edge types
 * ("copied_texts coacted:co_post coacted:co_link cluster_member"). */
struct review_code {
	const char *key;
	const char *codes;
};

struct review_import_opts {
	const char *accounts;        /* `cibscan score` accounts.csv */
	const char *clusters;        /* its --clusters file, or NULL */
	const char *edges;           /* its --edges file, or NULL */
	const char *settings;        /* the run's settings in words, or NULL */
	const char *const *inputs;   /* the run's input files, checksummed */
	size_t n_inputs;
	double score_margin;         /* REVIEW_SCORE_MARGIN by default */
	int strict;                  /* fail on the first malformed row */
	int csv_raw;                 /* the files were written --csv-raw:
				      * text fields are taken as they are,
				      * not unguarded (core/csvout.h) */
	/* Test hook, NULL outside tests: called after each imported row,
	 * inside the transaction, with the rows done so far. The crash test
	 * kills its process from here to show an interrupted import leaves
	 * the store as it was. */
	void (*row_done)(void *ctx, uint64_t rows);
	void *row_done_ctx;
	const struct review_code *codes; /* per account its reason codes
					    (an import from a saved run),
					    sorted by key; NULL: none */
	size_t n_codes;
	const char *record_source;   /* recorded as the run's file instead
					of accounts/clusters/edges (a saved
					run whose tables were written to
					temporary files), or NULL */
	const char *record_checksums; /* recorded as the run's inputs and
					 their checksums instead of the
					 files' (then inputs[] is not
					 read), or NULL */
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
	uint64_t clusters_carried; /* matched a previous run's cluster */
	uint64_t edges;
	int64_t duplicate_of;    /* > 0: this content was imported as that
				  * run already; nothing was written */
	char duplicate_at[32];
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

/* Records a decision on `target` (see review_decide_many; no version
 * seen, no supersede). Kept for callers deciding one item. */
enum cib_err review_decide(struct review *r, const char *target,
			   const char *decision, const char *reviewer,
			   const char *note, int apply_members,
			   size_t *n_changed);

/* How long `next` holds an item for its reviewer by default. */
#define REVIEW_LEASE_SECONDS (15 * 60)
#define REVIEW_MAX_LEASE_SECONDS (24 * 3600)

/* Most items one decision may name (ids, handles, clusters); a cluster's
 * members are added on top. */
#define REVIEW_MAX_TARGETS 10000

/* Clusters of two runs are the same cluster when the Jaccard index of
 * their member sets is at least this (docs/review.md). */
#define REVIEW_CLUSTER_JACCARD 0.5

/* One item: an account (scope 0) or a run's cluster (scope = run). */
struct review_ref {
	int is_cluster;
	int64_t scope;
	char platform[64];
	char key[512];
	int64_t version;   /* bumped by every decision, undo, re-queue */
	char until[32];    /* review_claim: the lease's end (UTC) */
};

/* Which queued items `next` may claim; zero/NULL fields do not filter. */
struct review_filter {
	const char *platform;
	const char *cluster;   /* the latest run's cluster id, "C3" */
	const char *reason;    /* a substring of the reasons */
	double min_score;      /* 0 = any */
	int kind;              /* 0 any, 1 accounts only, 2 clusters only */
	int clusters_first;
};

/* Claims the next queued item for `reviewer` with a lease of lease_s
 * seconds: the reviewer's own live claim first (renewed), else the
 * highest-scoring queued item nobody else holds a live lease on. Two
 * reviewers never hold the same item while a lease is live. *found = 0
 * when nothing is left. f (may be NULL) gets the item as review_show
 * writes it. */
enum cib_err review_claim(struct review *r, const char *reviewer, int lease_s,
			  const struct review_filter *flt,
			  struct review_ref *out, int *found);

/* Claims one named item; CIB_ECONFLICT (errmsg says who holds it until
 * when) when another reviewer's lease is live, unless supersede. */
enum cib_err review_claim_item(struct review *r, const char *target,
			       const char *reviewer, int lease_s,
			       int supersede, struct review_ref *out);

/* Resolves "ID", "PLATFORM:ID", "@handle", "C3", "cluster:R2:C3". */
enum cib_err review_resolve(struct review *r, const char *target,
			    struct review_ref *out);

/* Why a decision was refused for one item: what happened since. */
struct review_conflict {
	char item[600];     /* "account x:123" or "cluster C3" */
	char by[128];       /* who changed it (or holds its lease) */
	char what[32];      /* confirm, dismiss, ..., or "claimed" */
	char at[32];        /* when (UTC), or the lease's end */
	int64_t decision;   /* the decision that changed it, 0 if none */
	int64_t version;    /* the item's version now */
};

struct review_decide_req {
	const char *const *targets; /* see review_resolve */
	const int64_t *seen;        /* version each target was seen at; NULL
				     * or -1: not known (see docs) */
	size_t n;
	const char *decision, *reviewer, *note;
	int members;   /* a cluster target also decides its members */
	int supersede; /* replace what changed since, on purpose */
};

struct review_outcome {
	int64_t decision;  /* the new decision's number */
	size_t n_changed;  /* items written */
	struct review_conflict *conflicts; /* refused items, owned */
	size_t n_conflicts;
};

void review_outcome_release(struct review_outcome *o);

/* Records one decision on every target (and a cluster target's members
 * with q->members) in one transaction. An item someone else decided (or
 * holds a live lease on) since the reviewer saw it is a conflict: then
 * nothing is written, every conflict is listed in out and the result is
 * CIB_ECONFLICT, unless q->supersede. CIB_ENOTFOUND for an unknown
 * target, CIB_EUSAGE for a bad decision, ambiguous target or empty
 * reviewer. */
enum cib_err review_decide_many(struct review *r,
				const struct review_decide_req *q,
				struct review_outcome *out);

/* Undoes decision `decision`: a new decision that restores each of its
 * items to what it was before and points at the rows it reverses.
 * CIB_ECONFLICT when an item changed since, unless supersede. */
enum cib_err review_undo(struct review *r, int64_t decision,
			 const char *reviewer, const char *note, int supersede,
			 struct review_outcome *out);

/* Writes a JSON string (quotes included) for s: control characters, '<',
 * '>', '&', U+2028/9 as \u escapes, invalid UTF-8 bytes as U+FFFD. */
void review_json_str(FILE *f, const char *s);


/* Writes the item, its evidence and its audit history to f. */
enum cib_err review_show(struct review *r, const char *target, FILE *f);
enum cib_err review_show_ref(struct review *r, const struct review_ref *t,
			     FILE *f);

enum review_format { REVIEW_CSV, REVIEW_JSON };

/* Every decided account (confirm, dismiss, escalate; or only `decision`
 * when not NULL), highest score first: account_id, platform, handle,
 * decision, reviewer, decided_at, note, decision_id, score, cluster_id,
 * reasons, run_id. CSV text cells are guarded against spreadsheet
 * formulas unless csv_raw. *n (may be NULL) = rows. */
enum cib_err review_export(struct review *r, FILE *f, enum review_format fmt,
			   const char *decision, int csv_raw, size_t *n);

/* Queue counts by status, one "status count" line each, then runs. */
enum cib_err review_status(struct review *r, FILE *f);

/* Every item's current state, for the report. */
struct review_list {
	struct review_decision *d;
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
/* The same on reason codes (struct review_code's form): how many distinct
 * codes of now are not in before. */
size_t review_new_reason_codes(const char *before, const char *now);

#endif
