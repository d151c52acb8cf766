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

/* Edge weight used for clustering: significance -log10 p, capped at 50 so
 * a handful of overwhelming pairs do not swamp the modularity. */
double cluster_edge_weight(const struct coord_edge *e);

#endif
