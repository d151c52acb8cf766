/* reasons.h - a scored run's reasons in words (docs/outputs.md).
 *
 * The run (model/run.h) holds reasons as codes with numbers; this is the
 * only place that turns them into English. Two forms:
 * - a headline: one plain sentence of at most REASONS_HEADLINE_MAX bytes,
 *   no p-values, correct plurals ("Posts copied by 39 accounts of one
 *   network; works Beijing office hours with a lunch break"); for an
 *   account that was not flagged it says why not and accuses nothing;
 * - the details: every reason with its numbers, "; "-separated; on an
 *   account that was not flagged the signals are labelled as below the
 *   bar. A cluster's own sentence is on the cluster, not on its members.
 * Every function writes a NUL-terminated string into buf[0..cap) (cut
 * there when longer) and returns its length.
 */
#ifndef CIB_REASONS_H
#define CIB_REASONS_H

#include <stddef.h>

#include "model/run.h"

#define REASONS_HEADLINE_MAX 120
#define REASONS_CAP 4096

size_t reasons_account_headline(const struct scored_run *r, size_t a,
				char *buf, size_t cap);
size_t reasons_account_details(const struct scored_run *r, size_t a,
			       char *buf, size_t cap);
/* One sentence: why account a was not flagged ("" when it was). */
size_t reasons_why_not(const struct scored_run *r, size_t a, char *buf,
		       size_t cap);
size_t reasons_cluster_headline(const struct scored_run *r, size_t k,
				char *buf, size_t cap);
size_t reasons_cluster_details(const struct scored_run *r, size_t k,
			       char *buf, size_t cap);
/* "coordinated and inauthentic" or "coordinated; no evidence of
 * inauthenticity" (docs/model.md, section 8). */
const char *reasons_cluster_verdict(const struct scored_run *r, size_t k);
/* One reason alone, in words (for explain's list). */
size_t reasons_one(const struct scored_run *r, const struct run_reason *x,
		   char *buf, size_t cap);

#endif
