/* gather.h - gathers the review app's evidence (review/evidence.h) for a
 * run's accounts from the run's loaded input: per account its posts per
 * hour of the week (UTC), creation time, post count and its most-copied
 * posts (at most REVIEW_MAX_SAMPLE) with the accounts that posted the same
 * normalised text (features/textnorm); per cluster the normalised texts,
 * canonical URLs and domains (features/urlnorm) posted by two or more of
 * its members, most members first.
 *
 * Linear in posts plus sorts: (text hash, account) pairs are sorted once
 * and each sampled post finds its copies by binary search; a cluster's
 * shared objects are (cluster, object, account) triples sorted once.
 *
 * Ownership: struct gather owns everything g->ev points to, except post
 * texts, which are borrowed from the dataset (keep it until the evidence is
 * stored); gather_release() frees it.
 */
#ifndef CIB_GATHER_H
#define CIB_GATHER_H

#include "core/dataset.h"
#include "core/error.h"
#include "review/evidence.h"

struct gather {
	struct review_evidence ev;
	struct review_ev_account *acc;
	struct review_ev_post *posts;
	const char **ids;   /* copy ids of the sampled posts */
	char *arena;        /* every string made here, NUL-separated */
	size_t arena_len, arena_cap;
	size_t *id_off;     /* offsets into arena, resolved at the end */
	struct review_ev_shared *shared;
};

/* Fills g (initialised here) with the evidence of the wanted accounts of
 * run_id found in ds; accounts not in ds are skipped. */
enum cib_err gather_evidence(const struct dataset *ds,
			     const struct review_ev_want *w, int64_t run_id,
			     struct gather *g);
void gather_release(struct gather *g);

#endif
