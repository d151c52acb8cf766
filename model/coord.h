/* coord.h - the coordination graph: accounts linked by acting on the same
 * object within a time window, weighted by how unlikely that is by chance.
 *
 * Callers fill one event list per coordination type (an event is: this
 * account acted on this object at this time); coord_build() sorts each list
 * by (object, time), scans every object's events with a sliding window
 * (never all pairs of accounts), counts co-actions per account pair, and
 * tests each pair against a degree-corrected Poisson null (docs/model.md):
 *
 *   lambda_ab = sum over types t of k_a,t * k_b,t * 2 T_t / M_t^2
 *
 * where k_a,t is how many distinct objects of type t account a acted on,
 * M_t = sum_a k_a,t, and T_t is the number of within-window account pairs
 * type t produced in total. Co-actions are spread over pairs in proportion to
 * their activity, so prolific accounts are not linked for being prolific and
 * objects everybody acts on (viral posts) raise T_t for every pair instead
 * of linking anyone strongly. Edges kept are those whose Poisson upper-tail
 * p-value survives Benjamini-Hochberg at level `fdr` over all n(n-1)/2
 * possible pairs of active accounts.
 */
#ifndef CIB_COORD_H
#define CIB_COORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define COORD_TYPE_MAP(M)                                                  \
	M(REPOST, "co_repost", "reposted the same posts as")                   \
	M(TEXT, "co_post", "posted near-duplicate texts as")                   \
	M(LINK, "co_link", "shared the same URLs as")                          \
	M(DOMAIN, "co_domain", "linked to the same domains as")          \
	M(HASHTAGS, "co_hashtags", "used the same hashtag sequences as")       \
	M(REPLY_POST, "co_reply", "replied to the same posts as")              \
	M(REPLY_ACCOUNT, "co_reply_account", "replied to the same accounts as") \
	M(AMPLIFY, "amplify", "reposted, or was reposted by,")

enum coord_type {
#define COORD_ENUM(e, name, desc) COORD_##e,
	COORD_TYPE_MAP(COORD_ENUM)
#undef COORD_ENUM
	COORD__COUNT
};

const char *coord_type_name(enum coord_type t);
const char *coord_type_description(enum coord_type t);

/* For COORD_AMPLIFY the events are direct: obj is the reposted account's
 * index, acc the reposter, time the repost's delay after the source post
 * (seconds), one event per reposted post. The pair is (reposter, author);
 * its null is the configuration model of who reposts whom:
 * lambda_ab = (r_a s_b + r_b s_a) / R with r reposts made, s received, R
 * all quick reposts. */
struct coord_events {
	size_t n, cap;
	uint64_t *obj;
	int64_t *time;
	uint32_t *acc;
	uint8_t *minutes; /* 1 when the time has minute precision only */
};

void coord_events_init(struct coord_events *e);
void coord_events_release(struct coord_events *e);
enum cib_err coord_events_add(struct coord_events *e, uint64_t obj,
			      int64_t time, uint32_t acc, int minutes);

struct coord_opts {
	int64_t window[COORD__COUNT];     /* seconds; 0 = estimate from data */
	int64_t window_min[COORD__COUNT]; /* clamps for the estimate */
	int64_t window_max[COORD__COUNT];
	double fdr;           /* Benjamini-Hochberg level over pairs */
	uint32_t max_actors;  /* objects with more distinct accounts are viral:
				 counted in the null, not enumerated */
	uint32_t min_coactions; /* fewer pooled co-actions: never an edge */
	int use_type[COORD__COUNT];
};

void coord_opts_init(struct coord_opts *o);

struct coord_edge {
	uint32_t a, b; /* account indices, a < b */
	uint32_t x[COORD__COUNT];
	double lambda;  /* expected co-actions under the null */
	double log10p;  /* log10 of P(X >= sum x) under Poisson(lambda) */
};

struct coord_type_stats {
	int64_t window;         /* seconds used */
	int window_estimated;   /* 1 when estimated from the data */
	uint64_t events, objects, shared_objects, viral_objects;
	double pairs_total;     /* T_t */
	double actions;         /* M_t */
	uint64_t candidate_pairs;
};

/* Every pair that co-acted at least once, significant or not, with its
 * total co-action count: what cluster_attach() needs to test an account
 * against a whole cluster. */
struct coord_pair {
	uint32_t a, b, x;
};

struct coord_graph {
	size_t n_accounts;
	struct coord_pair *pairs; /* all candidate pairs, by (a, b) */
	size_t n_pairs;
	double rate[COORD__COUNT]; /* 2 T_t / M_t^2 */
	struct coord_edge *edges; /* significant edges, by (a, b) */
	size_t n_edges;
	uint64_t n_candidates;    /* pairs with at least one co-action */
	double n_tests;           /* the BH family size */
	double log10_cutoff;      /* BH p-value cutoff, log10 */
	uint64_t n_active;
	struct coord_type_stats stats[COORD__COUNT];
	uint32_t *k[COORD__COUNT]; /* per account distinct objects per type
				      (for AMPLIFY: quick reposts made) */
	uint32_t *s_amp;           /* per account: quick reposts received */
};

/* Builds the graph over n_accounts accounts from ev[COORD__COUNT]. The
 * event lists are sorted in place. Release with coord_graph_release(). */
enum cib_err coord_build(struct coord_events *ev, size_t n_accounts,
			 const struct coord_opts *o, struct coord_graph *g);
void coord_graph_release(struct coord_graph *g);

/* The pooled co-action count of per-type counts x[COORD__COUNT]: fine
 * types plus what the coarse ones (domain, replied-to account) add. */
uint32_t coord_pooled_count(const uint32_t *x);

/* Expected co-actions of account a with a set of accounts whose summed
 * per-type activity is K[t] (and reposts received S): sum_t k_a,t K[t]
 * rate_t, amplification by the configuration null. */
double coord_lambda_with(const struct coord_graph *g, uint32_t a,
			 const double *K, double S);

/* The same between two disjoint sets of accounts, each given by its summed
 * per-type activity (Ka, Kb) and reposts received (Sa, Sb). */
double coord_lambda_sets(const struct coord_graph *g, const double *Ka,
			 double Sa, const double *Kb, double Sb);

/* log10 P(X >= x) for X ~ Poisson(lambda), accurate far into the tail
 * (where the plain upper tail underflows a double). */
double coord_log10_poisson_tail(uint32_t x, double lambda);

/* Estimates a window from objects' first-to-second-actor delays: the
 * median, clamped to [lo, hi]. ev must be sorted by (obj, time). */
int64_t coord_estimate_window(const struct coord_events *ev, int64_t lo,
			      int64_t hi);

#endif
