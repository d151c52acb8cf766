/* cluster.h - clusters of accounts on the significant coordination edges.
 *
 * Leiden (igraph) maximising modularity on edges weighted by significance
 * (-log10 p, capped), run on each connected component of the significant
 * graph with that component's own resolution and the same seed, so a
 * component's clusters depend on nothing outside it. The attach and merge
 * tests (and their Benjamini-Hochberg families) are per component of the
 * co-action graph (groups.h). Clusters are numbered 0.. by decreasing
 * size, ties by their smallest account index, so ids are stable across
 * runs.
 */
#ifndef CIB_CLUSTER_H
#define CIB_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "coord.h"
#include "groups.h"

#define CLUSTER_NONE (-1)

struct cluster_result {
	size_t n_accounts;
	int32_t *membership; /* per account: cluster id or CLUSTER_NONE */
	size_t n_clusters;
	uint32_t *size;      /* per cluster */
	double quality;      /* the components' modularities, weighted by
				their total edge weight */
	char errmsg[256];
};

/* Clusters of at least min_size accounts; smaller groups are CLUSTER_NONE.
 * On CIB_ELIB errmsg holds igraph's message. */
enum cib_err cluster_detect(const struct coord_graph *g, uint64_t seed,
			    size_t min_size, struct cluster_result *r);
void cluster_result_release(struct cluster_result *r);

/* A weighted edge for cluster_leiden. */
struct cluster_wedge {
	uint32_t a, b;
	double w;
};

/* Leiden (modularity, resolution 1/(2 W_c)) on each connected component
 * of the graph e[0..ne) over n_accounts accounts, with igraph's RNG
 * seeded with `seed` before each component; vertices in account order,
 * edges in the given order. mem[] gets community ids 0..*nc-1 (by
 * decreasing size, ties by smallest account) for communities of at least
 * min_size, CLUSTER_NONE otherwise. */
enum cib_err cluster_leiden(size_t n_accounts, const struct cluster_wedge *e,
			    size_t ne, uint64_t seed, size_t min_size,
			    int32_t *mem, size_t *nc, double *quality,
			    char *errmsg, size_t errlen);

/* Second pass for accounts in no cluster: an account whose pairwise edges
 * were too weak alone (a member with a handful of posts) is tested against
 * each cluster as a whole by the DISTINCT objects it co-acted on with
 * members (groups_member_tests: each object's chance of a member among
 * its co-actors, given the object's popularity), Poisson upper tail,
 * Benjamini-Hochberg at `fdr` over the component's active accounts x its
 * clusters. It needs at least two distinct objects, and joins the cluster
 * with the smallest p that passes. Sizes are updated (ids are not
 * renumbered); *n_attached (may be NULL) counts them. */
enum cib_err cluster_attach(struct cluster_result *r,
			    const struct coord_graph *g,
			    const struct groups_index *ix, double fdr,
			    size_t *n_attached);

/* cluster_attach's tests reweighed: the log10 of a factor on the p of the
 * test of account acc against cluster group (NAN: that test is left out).
 */
typedef double (*cluster_attach_adjust)(void *ctx, uint32_t acc,
					int32_t group);

/* cluster_attach for the accounts with only[a] != 0 (NULL: every account
 * in no cluster), each test's log10 p moved by adjust (NULL: none); the
 * Benjamini-Hochberg family is cluster_attach's whatever only[] holds
 * (the component's active accounts in no cluster x its clusters). */
enum cib_err cluster_attach_only(struct cluster_result *r,
				 const struct coord_graph *g,
				 const struct groups_index *ix, double fdr,
				 const uint8_t *only,
				 cluster_attach_adjust adjust, void *ctx,
				 size_t *n_attached);

/* cluster_attach's effect-size floor: an account joins a cluster only if
 * it co-acted with the members on at least this many times as many
 * distinct objects as chance gives (and significantly so). */
#define ATTACH_MIN_RATIO 2.0

/* Third pass: two clusters whose members co-act with each other more than
 * chance allows are one network that Leiden split (its communities are
 * chosen to have few ties between them, so this test is if anything
 * conservative). X = co-actions between the clusters' members, lambda =
 * sum_t K_c1,t K_c2,t rate_t (+ amplification), Poisson upper tail. A
 * pair merges when it passes Benjamini-Hochberg at `fdr` over the pairs
 * of clusters of its component in one of two families: the dense pairs
 * (X / lambda at least MERGE_DENSITY times the geometric mean of the two
 * clusters' inside densities), or the pairs at least MERGE_MIN_RATIO
 * times chance (by the ratio's lower confidence bound) that are not
 * dense. A cluster's strongest partner is the passing pair with the
 * smallest p (then the higher bound): a dense pair merges when it is the
 * strongest partner of one of its two clusters, any other passing pair
 * only when each cluster is the other's strongest (the inside density of
 * a small Leiden community is inflated by its selection, so the
 * fragments of a sparse network are never as dense across as inside;
 * a pair that is neither's strongest tie is tested again next round;
 * docs/model.md 5.3). Either way the pair needs at least two
 * co-actions per member of the smaller cluster (the member tests' count
 * guard, summed). Passing pairs are merged (transitively)
 * and clusters renumbered as cluster_detect numbers them. *n_merged
 * (may be NULL) counts the merges. */
enum cib_err cluster_merge(struct cluster_result *r,
			   const struct coord_graph *g,
			   const struct groups_index *ix, double fdr,
			   size_t *n_merged);

/* Drops empty clusters and numbers the rest by decreasing size, ties by
 * the smallest member (as cluster_detect numbers them). */
enum cib_err cluster_renumber(struct cluster_result *r);

/* Most attach rounds in a row (each scans every candidate pair once). */
#define CLUSTER_GROW_ROUNDS 4

/* cluster_attach repeated until a round attaches nobody, at most
 * CLUSTER_GROW_ROUNDS times; *n_attached is increased by the accounts
 * attached. */
enum cib_err cluster_attach_rounds(struct cluster_result *r,
				   const struct coord_graph *g,
				   const struct groups_index *ix, double fdr,
				   size_t *n_attached);

/* Settles the members of the new clusters (is_new[c] != 0: those group
 * discovery added that did not merge) with the older ones: each member is
 * tested against the older clusters as cluster_attach tests an account in
 * no cluster (BH at fdr over the component's older clusters x new members)
 * and moves to its best passing one if that test's p is below its own
 * leave-one-out test against its new cluster; a new cluster left under
 * min_size dissolves. Ids are renumbered when anything moved.
 * docs/model.md 5.4. */
enum cib_err cluster_settle(struct cluster_result *r,
			    const struct coord_graph *g,
			    const struct groups_index *ix, double fdr,
			    const uint8_t *is_new, size_t min_size,
			    size_t *n_moved);

/* Most merge rounds in a row (each a scan of the significant pairs). */
#define CLUSTER_MERGE_ROUNDS 16

/* Grows the clusters: cluster_attach repeated until a round attaches
 * nobody (at most CLUSTER_GROW_ROUNDS), since each attached member makes
 * its cluster's K larger and a member too sparse to pass against the seed
 * cluster can pass against the grown one; then cluster_merge until a
 * round merges nothing (at most CLUSTER_MERGE_ROUNDS: a merged cluster
 * has new strongest partners), and when it merged anything another run of
 * attach rounds. Each round's tests are
 * exact given the clusters of that round. Ids are renumbered by size at
 * the end. */
enum cib_err cluster_grow(struct cluster_result *r,
			  const struct coord_graph *g,
			  const struct groups_index *ix, double fdr,
			  size_t *n_attached, size_t *n_merged);

/* Edge weight used for clustering: significance -log10 p, capped at 50 so
 * a handful of overwhelming pairs do not swamp the modularity. */
double cluster_edge_weight(const struct coord_edge *e);

#endif
