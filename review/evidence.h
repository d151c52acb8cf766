/* evidence.h - the evidence the review app shows beside a run's items:
 * per account its posting rhythm (posts per hour of the week, UTC), its
 * creation time, a bounded sample of its posts with the accounts that
 * posted the same text, and per cluster the texts, URLs and domains its
 * members shared most. Stored in the review store (schema 3, tables
 * acc_evidence, acc_posts, cl_shared; docs/review.md).
 *
 * One narrow entry point writes it, review_evidence_store(), from a plain
 * struct: whatever produces the evidence (the run's input files today,
 * report/evidence.c; a saved scored run later) fills a struct
 * review_evidence and hands it over. Every list is capped here, whatever
 * the producer sends, so the store's size per account is bounded.
 *
 * Ownership: strings in the structs are borrowed from the caller;
 * review_ev_want_release() frees what review_evidence_wanted() filled.
 * Messages go to r->errmsg; nothing prints.
 */
#ifndef CIB_REVIEW_EVIDENCE_H
#define CIB_REVIEW_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "review/store.h"

#define REVIEW_RHYTHM_SLOTS 168 /* hour of the week, UTC, Monday 00h first */
#define REVIEW_MAX_SAMPLE 50    /* posts kept per account */
#define REVIEW_MAX_COPY_IDS 10  /* ids kept of the accounts that posted
				   the same text */
#define REVIEW_MAX_SHARED 20    /* texts, URLs, domains kept per cluster
				   and kind */
#define REVIEW_MAX_TEXT 1000    /* bytes kept of a text or value (cut on
				   a UTF-8 character boundary) */

struct review_ev_post {
	int64_t at;            /* UTC seconds, or INT64_MIN when unknown */
	const char *text;
	uint32_t copies;       /* other accounts that posted the same
				  normalised text */
	const char *const *copy_ids; /* "platform:id" of some of them */
	size_t n_copy_ids;
};

struct review_ev_account {
	const char *platform, *account;
	int64_t created;       /* UTC seconds, or INT64_MIN */
	uint64_t n_posts;
	uint32_t rhythm[REVIEW_RHYTHM_SLOTS];
	const struct review_ev_post *posts; /* most-copied first */
	size_t n_sample;
};

struct review_ev_shared {
	const char *cluster_id;
	const char *kind;      /* "text", "url" or "domain" */
	const char *value;
	uint32_t members;      /* members that posted it */
	uint64_t posts;        /* members' posts with it */
};

struct review_evidence {
	int64_t run_id;
	const struct review_ev_account *acc;
	size_t n_acc;
	const struct review_ev_shared *shared; /* ranked within a cluster and
						  kind: the first kept */
	size_t n_shared;
};

/* The accounts of a run whose evidence is wanted: its flagged accounts
 * and every member of its clusters (cluster "" when in none). */
struct review_ev_want {
	size_t n;
	char **platform, **account, **cluster;
};

enum cib_err review_evidence_wanted(struct review *r, int64_t run_id,
				    struct review_ev_want *w);
void review_ev_want_release(struct review_ev_want *w);

/* 1 when run_id has evidence stored, 0 when not, -1 on error. */
int review_evidence_has(struct review *r, int64_t run_id);

/* Stores ev for ev->run_id in one IMMEDIATE transaction, replacing what
 * that run had (all or nothing), capped as above. CIB_ENOTFOUND when the run
 * is not in the store. */
enum cib_err review_evidence_store(struct review *r,
				   const struct review_evidence *ev);

#endif
