/* cluster.h - clusters of accounts on the significant coordination edges.
 *
 * Leiden (igraph) maximising modularity on edges weighted by significance
 * (-log10 p, capped), run inside each connected component; deterministic
 * for a given seed. Clusters are numbered 0.. by decreasing size, ties by
 * their smallest account index, so ids are stable across runs.
 */
#ifndef CIB_CLUSTER_H
#define CIB_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "coord.h"

#define CLUSTER_NONE (-1)

struct cluster_result {
	size_t n_accounts;
	int32_t *membership; /* per account: cluster id or CLUSTER_NONE */
	size_t n_clusters;
	uint32_t *size;      /* per cluster */
	double quality;      /* modularity of the partition */
	char errmsg[256];
};

/* Clusters of at least min_size accounts; smaller groups are CLUSTER_NONE.
 * On CIB_ELIB errmsg holds igraph's message. */
enum cib_err cluster_detect(const struct coord_graph *g, uint64_t seed,
			    size_t min_size, struct cluster_result *r);
void cluster_result_release(struct cluster_result *r);

/* Second pass for accounts in no cluster: an account whose pairwise edges
 * were too weak alone (a member with a handful of posts) is tested against
 * each cluster as a whole: its co-actions with all members, X, against
 * lambda = sum_t k_a,t K_c,t rate_t (K_c,t: the members' summed activity),
 * Poisson upper tail, Benjamini-Hochberg at `fdr` over active accounts x
 * clusters. It joins the cluster with the smallest p that passes. Sizes are
 * updated; *n_attached (may be NULL) counts them. */
enum cib_err cluster_attach(struct cluster_result *r,
			    const struct coord_graph *g, double fdr,
			    size_t *n_attached);

/* cluster_attach's effect-size floor: an account joins a cluster only if
 * it co-acted with the members at least this many times as often as
 * chance (and significantly so). */
#define ATTACH_MIN_RATIO 2.0

/* Third pass: two clusters whose members co-act with each other more than
 * chance allows are one network that Leiden split (its communities are
 * chosen to have few ties between them, so this test is if anything
 * conservative). X = co-actions between the clusters' members, lambda =
 * sum_t K_c1,t K_c2,t rate_t (+ amplification), Poisson upper tail,
 * Benjamini-Hochberg at `fdr` over all pairs of clusters; passing pairs
 * are merged (transitively) and clusters renumbered as cluster_detect
 * numbers them. *n_merged (may be NULL) counts the merges. */
enum cib_err cluster_merge(struct cluster_result *r,
			   const struct coord_graph *g, double fdr,
			   size_t *n_merged);

/* Most attach rounds in a row (each scans every candidate pair once). */
#define CLUSTER_GROW_ROUNDS 4

/* Grows the clusters: cluster_attach repeated until a round attaches
 * nobody (at most CLUSTER_GROW_ROUNDS), since each attached member makes
 * its cluster's K larger and a member too sparse to pass against the seed
 * cluster can pass against the grown one; then cluster_merge, and when it
 * merged anything another run of attach rounds. Each round's tests are
 * exact given the clusters of that round. */
enum cib_err cluster_grow(struct cluster_result *r,
			  const struct coord_graph *g, double fdr,
			  size_t *n_attached, size_t *n_merged);

/* Edge weight used for clustering: significance -log10 p, capped at 50 so
 * a handful of overwhelming pairs do not swamp the modularity. */
double cluster_edge_weight(const struct coord_edge *e);

#endif
