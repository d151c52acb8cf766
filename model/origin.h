/* origin.h - clusters of one operation joined by their accounts' creation
 * days (docs/model.md, section 6, "One origin").
 *
 * A sparse network's members act together too rarely for Leiden to keep
 * them in one community: it comes out as fragments of 6-25 accounts, each
 * with a creation-batch test too weak to pass alone, while the network was
 * created in a few batches that every fragment shares. Two clusters of one
 * coordination component are one origin when one's members were created on
 * the other's creation days more often than chance allows:
 *
 *   X(B|A) = members of B created on a day some member of A was created,
 *   under the null each of B's n_B dated members draws its day from the
 *   data's own creation days (q_d: the share of all dated accounts created
 *   on day d), so X(B|A) ~ Binomial(n_B, Q_A), Q_A = sum of q_d over A's
 *   distinct days;
 *
 * p = min(1, 2 min(P(X(B|A) >= x), P(X(A|B) >= x'))) (both directions,
 * Bonferroni). Pairs pass by Benjamini-Hochberg at fdr over every pair of
 * clusters of their component (the family: k (k - 1) / 2 for k clusters;
 * per component, so data beside it cannot move the level); passing pairs
 * are merged (union-find). The shares q_d are the data's, so disjoint
 * copies of the data beside it leave every test as it was.
 *
 * Bounds: pairs are enumerated per (component, day) among the clusters
 * with members created that day; a (component, day) with more than
 * ORIGIN_MAX_PER_DAY clusters is skipped (no pair is counted on it: such a
 * day is common to many clusters and is weak evidence of anything), so the
 * work is at most ORIGIN_MAX_PER_DAY pairs per dated member.
 */
#ifndef CIB_ORIGIN_H
#define CIB_ORIGIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/cluster.h"

#define ORIGIN_MAX_PER_DAY 256
/* A day unknown (day[] of an account without a creation time). */
#define ORIGIN_NO_DAY INT64_MIN

/* The pair's p-value from x_ab (members of B on A's days), q_a (A's days'
 * share of the data), n_b (B's dated members) and the converse. */
double origin_pair_p(uint64_t x_ab, double q_a, uint64_t n_b, uint64_t x_ba,
		     double q_b, uint64_t n_a);

/* Merges the clusters of cl that are one origin (above): comp[a] the
 * coordination component of account a, day[a] its creation day
 * (ORIGIN_NO_DAY: none). Merged clusters take the smallest id among them,
 * then cl is renumbered (cluster_renumber). *merges counts the merges. */
enum cib_err origin_merge(struct cluster_result *cl, const uint32_t *comp,
			  const int64_t *day, double fdr, size_t *merges);

/* A cluster's batch day: a day at least this many of its members were
 * created on (the collective batch test's days, docs/model.md 6). */
#define ORIGIN_BATCH_MIN 3

/* A (cluster, day) key: the cluster in the high half, the day (offset to
 * stay positive) in the low; sorted keys run by cluster, then day. */
static inline uint64_t origin_key(int32_t c, int64_t day)
{
	return ((uint64_t)(uint32_t)c << 32) |
	       (uint32_t)(day + ((int64_t)1 << 31));
}

/* The (cluster, day) keys of the days at least min accounts of a cluster
 * (mem[a] >= 0) were created on (day[a], ORIGIN_NO_DAY: none), sorted and
 * distinct, in *out (caller frees; *nout keys). */
enum cib_err origin_batch_days(const int32_t *mem, const int64_t *day,
			       size_t na, size_t min, uint64_t **out,
			       size_t *nout);

struct coord_graph;
struct groups_index;

/* Accounts in no cluster created on a cluster's batch day, attached to it
 * on a weaker tie than cluster_attach asks (docs/model.md, section 6,
 * "Born with a network"): the account's test against the cluster
 * (cluster_attach's) has p_tie; an account unrelated to the cluster draws
 * its creation day from the data's days independently of its co-actions,
 * so P(p_tie <= t and created on one of the cluster's batch days) <= t Q,
 * Q the share of the dated accounts of its component (comp[]: the
 * coordination component, UINT32_MAX none) created on those days: the
 * test's p is p_tie Q, held to cluster_attach's Benjamini-Hochberg family
 * at fdr (the component's active accounts in no cluster x its clusters).
 * One round; *attached counts the accounts attached, and when there are
 * any cl is renumbered (cluster_renumber: ids by size). */
enum cib_err origin_attach(struct cluster_result *cl,
			   const struct coord_graph *g,
			   const struct groups_index *ix, const uint32_t *comp,
			   const int64_t *day, double fdr, size_t *attached);

#endif
