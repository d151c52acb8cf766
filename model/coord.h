/* coord.h - the coordination graph: accounts linked by acting on the same
 * object closer in time than chance allows, weighted by how unlikely that is.
 *
 * Callers fill one event list per coordination type (an event is: this
 * account acted on this object at this time); coord_build() sorts each list
 * by (object, time), splits the accounts into the connected components of
 * the account-object graph, and tests each pair of accounts of a component
 * against a null conditioned on that component alone (docs/model.md 3-4):
 *
 *   lambda_ab,j = sum over types t of k_a,t * k_b,t * 2 R_c,t,j / M_c,t^2
 *
 * k_a,t: a's actions of type t (on non-viral objects); M_c,t: their sum over
 * the component c; R_c,t,j: the component's account pairs whose co-action
 * was at least as tight as the j-th rank threshold on its object (the object's
 * own pairs ranked by delay, so a pair on a rare object or seconds apart on a
 * popular one ranks first). Each pair is tested at every threshold; its
 * p-value is the smallest, times the number of distinct thresholds
 * (Bonferroni); edges are those that survive Benjamini-Hochberg over all
 * pairs of the pair's component. Nothing a pair's test uses depends on
 * accounts outside its component, so adding unrelated data to a run leaves
 * every edge bit for bit as it was.
 */
#ifndef CIB_COORD_H
#define CIB_COORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct coord_shard;
struct groups_index;
struct coord_pairs_in;
struct coord_pairs_res;
struct coord_graph;

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
 * its null is the configuration model of who reposts whom within the
 * component: lambda_ab = (r_a s_b + r_b s_a) / R_c with r quick reposts
 * made, s received, R_c all quick reposts of the component. */
struct coord_events {
	size_t n, cap;
	uint64_t *obj;
	int64_t *time;
	uint32_t *acc;
	uint32_t *post;   /* the post the event came from (COORD_NO_POST when
			     the caller gave none) */
	uint8_t *minutes; /* bit 0: the time has minute precision only;
			     bit 1: the post has other events of this type
			     (see coord_events_add_post) */
	/* NULL, or (coord_events_of_posts) the posts' accounts and times:
	 * then acc and time are NULL and an event's are its post's, until
	 * coord_build's sort makes them columns (13 bytes an event held
	 * instead of 25 until then; for good with
	 * coord_shard.sorted_as_posts) */
	const uint32_t *post_acc;
	const int64_t *post_time;
};

#define COORD_NO_POST UINT32_MAX
#define COORD_EV_MINUTES 1u
#define COORD_EV_MULTI 2u

void coord_events_init(struct coord_events *e);
/* e (empty) keeps only each event's object, post and flags: every event
 * added names its post j, acting account acc[j] at time time[j] (both
 * arrays outlive e's sort in coord_build). */
void coord_events_of_posts(struct coord_events *e, const uint32_t *acc,
			   const int64_t *time);

/* Event i's account and time, whether stored or its post's. */
static inline uint32_t coord_ev_acc(const struct coord_events *e, size_t i)
{
	return e->post_acc ? e->post_acc[e->post[i]] : e->acc[i];
}

static inline int64_t coord_ev_time(const struct coord_events *e, size_t i)
{
	return e->post_time ? e->post_time[e->post[i]] : e->time[i];
}
void coord_events_release(struct coord_events *e);

/* Gives back e's spare capacity (the columns grow by doubling): for events
 * complete until their sort. Out of memory it keeps what it has. */
void coord_events_shrink(struct coord_events *e);
enum cib_err coord_events_add(struct coord_events *e, uint64_t obj,
			      int64_t time, uint32_t acc, int minutes);
/* The same, naming the post; multi = 1 when that post gives other events
 * of the same type (two links; a hashtag sequence and its tags): a pair
 * of such posts is then one co-action of the type however many objects
 * they share (the one at the tightest rank counts). Posts are indices in
 * one numbering shared by all types. */
enum cib_err coord_events_add_post(struct coord_events *e, uint64_t obj,
				   int64_t time, uint32_t acc, int minutes,
				   uint32_t post, int multi);

struct coord_opts {
	int64_t window[COORD__COUNT];     /* seconds; > 0 caps every object's
					     window; 0 = no cap (default) */
	int64_t window_min[COORD__COUNT]; /* clamps of the amplification */
	int64_t window_max[COORD__COUNT]; /* window's estimate */
	double fdr;           /* Benjamini-Hochberg level over pairs */
	uint32_t max_actors;  /* objects with more distinct accounts are viral:
				 never enumerated, out of the null */
	uint32_t min_coactions; /* fewer co-actions at a threshold: p = 1 */
	/* per object at most pairs_per_event * events + pairs_base pairs of
	 * events are enumerated: the tightest ones (docs/model.md 3) */
	uint32_t pairs_per_event;
	uint32_t pairs_base;
	/* bytes the pair codes may take (0: no limit); past it the build
	 * stops with CIB_ETOOBIG instead of exhausting the machine */
	uint64_t max_memory;
	int use_type[COORD__COUNT];
	/* NULL (default): the build scans every object itself. Otherwise
	 * the objects of every type but COORD_AMPLIFY are scanned through
	 * shard->scan (score --mpi: on the objects' owner ranks) */
	const struct coord_shard *shard;
};

void coord_opts_init(struct coord_opts *o);

/* Rank thresholds: level j < COORD_LEVELS - 1 holds co-actions whose pair
 * ranks at most 4^j on its object (1, 4, 16, ... 4096); the last level
 * holds every enumerated co-action. */
#define COORD_LEVELS 8
/* The rank threshold of level j (UINT64_MAX for the last). */
uint64_t coord_level_rank(int j);
/* The level of a rank: the smallest j with rank <= 4^j. */
int coord_rank_level(uint64_t rank);

struct coord_edge {
	uint32_t a, b; /* account indices, a < b */
	uint32_t x[COORD__COUNT]; /* co-actions per type at the tested level */
	uint32_t observed; /* the pooled count that was tested */
	uint8_t level;  /* the threshold that gave the smallest p */
	double lambda;  /* expected pooled co-actions at that level */
	double log10p;  /* log10 of min_j P(X_j >= x_j) times the number of
			   distinct thresholds */
};

struct coord_type_stats {
	int64_t window;         /* median of the objects' windows, seconds
				   (descriptive; the amplification window
				   of the largest component for AMPLIFY) */
	int window_estimated;   /* 1 when estimated from the data */
	uint64_t events, objects, shared_objects, viral_objects;
	uint64_t dense_objects; /* objects whose tightest ties alone pass the
				   pair budget: listed in coord_graph.dense */
	double pairs_total;     /* enumerated pairs (sum of R at the top) */
	double actions;         /* M_t over all components */
	uint64_t candidate_pairs; /* co-action codes emitted */
};

/* The level that pairs[] and the set tests (coord_lambda_with/sets) use:
 * rank <= 16, so one object gives at most 16 co-actions to a whole
 * component (a popular object cannot carry a group), and they are its
 * tightest. */
#define COORD_PAIR_LEVEL 2

/* Every pair that co-acted at least once (at any level), significant or
 * not, with its pooled co-action count at COORD_PAIR_LEVEL (may be 0):
 * what cluster_attach() needs to test an account against a whole cluster.
 * Pairs are always within one component. */
struct coord_pair {
	uint32_t a, b, x;
};

/* One connected component of the account-object graph (accounts joined by
 * a non-viral object of any type, or by a repost of each other): the null
 * of every pair inside it is fitted on it alone. */
struct coord_comp {
	uint32_t n_accounts;  /* its accounts: the BH family is all pairs */
	uint32_t first;       /* its smallest account index */
	uint64_t n_candidates; /* its pairs that co-acted at least once */
	double n_tests;       /* n_accounts (n_accounts - 1) / 2 */
	double log10_cutoff;  /* its BH p-value cutoff, log10 */
	uint64_t M[COORD__COUNT];                /* actions per type */
	uint64_t R[COORD__COUNT][COORD_LEVELS];  /* pairs per threshold */
	double rate[COORD__COUNT][COORD_LEVELS]; /* 2 R / M^2 (AMPLIFY: 1/R) */
	int64_t amp_window;   /* quick-repost window, seconds */
};

#define COORD_NO_COMP UINT32_MAX

/* An object too dense to enumerate: even its tightest pairs of actions
 * (all at the smallest delay) are more than the pair budget. Its accounts
 * are best tested as a group (they are events of `type` on `obj`). */
struct coord_dense {
	uint64_t obj;
	uint32_t comp, actors;
	uint8_t type;
};

struct coord_graph {
	size_t n_accounts;
	/* the candidate pairs, by (a, b): all of them, or this process's
	 * share when pair_shard is set (coord_pairs_among reads them all) */
	struct coord_pair *pairs;
	size_t n_pairs;
	const struct coord_shard *pair_shard;
	struct coord_edge *edges; /* significant edges, by (a, b) */
	size_t n_edges;
	uint64_t n_candidates;    /* pairs with at least one co-action */
	double n_tests;           /* the BH families' total size */
	double log10_cutoff;      /* the loosest component's BH cutoff */
	uint64_t n_active;        /* accounts in a component of two or more */
	struct coord_type_stats stats[COORD__COUNT];
	uint32_t *k[COORD__COUNT]; /* per account actions per type on
				      non-viral objects (AMPLIFY: quick
				      reposts made) */
	uint32_t *s_amp;           /* per account: quick reposts received */
	uint32_t *comp;            /* per account: component, or
				      COORD_NO_COMP when it shares nothing */
	struct coord_comp *comps;  /* numbered by smallest member */
	size_t n_comps;
	struct coord_dense *dense; /* by (type, obj) */
	size_t n_dense;
	uint64_t code_bytes;       /* memory the pair codes took */
};

/* Builds the graph over n_accounts accounts from ev[COORD__COUNT]. The
 * event lists are sorted in place. Release with coord_graph_release().
 * CIB_ETOOBIG: more pairs than o->max_memory allows. */
enum cib_err coord_build(struct coord_events *ev, size_t n_accounts,
			 const struct coord_opts *o, struct coord_graph *g);
void coord_graph_release(struct coord_graph *g);

/* A co-action between two posts that each gave several events of the
 * type (COORD_EV_MULTI): counted once per pair of posts by the build. */
struct coord_side {
	uint64_t code;
	uint32_t pa, pb;
};

/* What the per-object scan found on a subset of whole objects: the pair
 * codes of its co-actions, side co-actions, dense objects, the objects'
 * windows, the types' counts (events and window unset), per account k
 * (n_accounts each, NULL for a type not scanned) and per component R
 * (n_comps x COORD__COUNT x COORD_LEVELS). Everything but the windows'
 * order and the codes' order is a sum, so parts of disjoint object sets
 * add up to the scan of their union; the build sorts codes and windows
 * by value before reading them. */
struct coord_part {
	uint64_t *codes;
	size_t n_codes;
	struct coord_side *side;
	size_t n_side;
	struct coord_dense *dense;
	size_t n_dense;
	int64_t *wins[COORD__COUNT];
	size_t n_wins[COORD__COUNT];
	struct coord_type_stats st[COORD__COUNT];
	uint32_t *k[COORD__COUNT];
	uint64_t *R;
};

void coord_part_release(struct coord_part *p);

/* Scans the objects of ev (every used type but COORD_AMPLIFY; each list
 * sorted as coord_build sorts it and holding whole objects) with the
 * per-object code of coord_build, against the components comp[n_accounts]
 * (n_comps of them) the build found on all events. ev is not changed. */
enum cib_err coord_scan_part(struct coord_events *ev,
			     size_t n_accounts, const struct coord_opts *o,
			     const uint32_t *comp, size_t n_comps,
			     struct coord_part *out);

/* The scan of every type but COORD_AMPLIFY done elsewhere: called by
 * coord_build once the events are sorted and the components known; fills
 * out with the sum of the parts (as coord_scan_part over all objects). */
struct coord_shard {
	void *ctx;
	enum cib_err (*scan)(void *ctx, struct coord_events *ev,
			     size_t n_accounts, const struct coord_opts *o,
			     const uint32_t *comp, size_t n_comps,
			     struct coord_part *out);
	/* NULL: the pair phase runs in this process. Otherwise the codes
	 * stay where the scan made them and the pair phase runs on the
	 * pairs' owners (coord_pairs_count/test): called after the scan
	 * with this process's own codes and side co-actions (the
	 * amplification scan's; the callee may free them), it fills res.
	 * Then coord_pairs_among reaches the owners' pairs through among. */
	enum cib_err (*pairs)(void *ctx, const struct coord_pairs_in *in,
			      uint64_t *codes, size_t n_codes,
			      struct coord_side *side, size_t n_side,
			      struct coord_pairs_res *res);
	enum cib_err (*among)(void *ctx, const struct coord_graph *g,
			      const int32_t *mem, struct coord_pair **out,
			      size_t *n_out);
	/* NULL: the caller builds the group index from the events
	 * (groups_index_build). Otherwise every rank that scans objects
	 * builds their part of the index beside the scan
	 * (groups_index_part), scan may release the events of every type
	 * it was handed (all but COORD_AMPLIFY) once they are sent, and
	 * index assembles the parts against the built graph
	 * (groups_index_assemble) in their place. */
	enum cib_err (*index)(void *ctx, const struct coord_graph *g,
			      struct groups_index *ix);
	/* 0: the sort makes every list's accounts and times columns. 1: a
	 * list kept as its posts (coord_events_of_posts) stays so, sorted:
	 * for a scan that reads the events through coord_ev_acc and
	 * coord_ev_time only and scans no type but COORD_AMPLIFY here (at
	 * 10M posts 0.14 GB not held while the events are sent) */
	int sorted_as_posts;
};

/* The pair phase on a share of the pairs (docs/scale.md 5.1b): a pair
 * owner holds every code and side co-action of its pairs, counts them
 * into pairs (coord_pairs_count), and once the components' counts of
 * distinct pairs are summed over the owners (BH's bound needs them)
 * tests each pair (coord_pairs_test). What every owner needs is in: the
 * same on every owner. */
struct coord_pairs_in {
	size_t n_accounts, n_comps;
	const uint32_t *comp;           /* per account */
	const struct coord_comp *comps; /* rates and n_tests set */
	uint32_t *k[COORD__COUNT];      /* per account, as the graph's */
	const uint32_t *s_amp;
	const struct coord_opts *o;
};

/* What the pair phase gives the build: this process's pairs (by (a,
 * b)), every owner's candidates that can pass BH (any order), each
 * component's distinct pairs and, per type, side co-actions that
 * repeated a pair of posts (taken off candidate_pairs). */
struct coord_pairs_res {
	struct coord_pair *pairs;
	size_t n_pairs;
	struct coord_edge *cand;
	size_t n_cand;
	uint64_t *n_candidates; /* n_comps */
	uint64_t dup[COORD__COUNT];
};

struct coord_pairs_part;

/* Counts one owner's codes and side co-actions into pairs: *out holds
 * them until coord_pairs_test; counts[n_comps] (this owner's distinct
 * pairs per component) and dup are added to. The pages of codes[] are
 * given back to the system as they are read (bigmem_discard): the
 * caller only frees it after (the count holds its own copy, so the
 * received array and the copy are not both whole at once). */
enum cib_err coord_pairs_count(const struct coord_pairs_in *in,
			       uint64_t *codes, size_t n_codes,
			       const struct coord_side *side, size_t n_side,
			       uint64_t *counts, uint64_t *dup,
			       struct coord_pairs_part **out);
/* Tests the owner's pairs against the BH bounds of the components'
 * summed counts: *pairs (by (a, b)) and *cand, malloc'd. */
enum cib_err coord_pairs_test(struct coord_pairs_part *pp,
			      const uint64_t *n_candidates,
			      struct coord_pair **pairs, size_t *n_pairs,
			      struct coord_edge **cand, size_t *n_cand);
void coord_pairs_free(struct coord_pairs_part *pp);

/* Which owner holds pair (a, b) among n: a function of the pair alone. */
int coord_pair_owner(uint64_t code, int n);

/* The candidate pairs both of whose accounts have mem[] >= 0, by (a, b),
 * malloc'd: from g->pairs, or from the owners when the pairs were
 * sharded. */
enum cib_err coord_pairs_among(const struct coord_graph *g,
			       const int32_t *mem, struct coord_pair **out,
			       size_t *n_out);
/* From a share of pairs: those with both mem[] >= 0 appended to *out. */
enum cib_err coord_pairs_filter(const struct coord_pair *p, size_t n,
				const int32_t *mem, struct coord_pair **out,
				size_t *n_out);

/* The pooled co-action count of per-type counts x[COORD__COUNT]: fine
 * types plus what the coarse ones (domain, replied-to account) add. */
uint32_t coord_pooled_count(const uint32_t *x);

/* Expected co-actions (at COORD_PAIR_LEVEL, as pairs[].x counts) of account a
 * with a set of accounts of a's component whose summed per-type activity
 * is K[t] (and reposts received S): sum_t k_a,t K[t] rate_c,t,
 * amplification by the configuration null. 0 when a is in no component. */
double coord_lambda_with(const struct coord_graph *g, uint32_t a,
			 const double *K, double S);

/* The same between two disjoint sets of accounts of component comp, each
 * given by its summed per-type activity (Ka, Kb) and reposts received
 * (Sa, Sb). */
double coord_lambda_sets(const struct coord_graph *g, uint32_t comp,
			 const double *Ka, double Sa, const double *Kb,
			 double Sb);

/* log10 P(X >= x) for X ~ Poisson(lambda), accurate far into the tail
 * (where the plain upper tail underflows a double). */
double coord_log10_poisson_tail(uint32_t x, double lambda);

/* Event i's time as the build compares it: a minute-precision time floored
 * to its minute (an archive that floors times cannot tell 10 s from 50 s,
 * so two actions it put in one minute are 0 apart, adjacent minutes 60). */
int64_t coord_event_time(const struct coord_events *ev, size_t i);

/* Pairs of events (of any accounts) at most D apart among m times te,
 * sorted ascending: the count the per-object pair budget is held to. */
uint64_t coord_pairs_within(const int64_t *te, size_t m, int64_t D);

/* Estimates a window from objects' first-to-second-actor delays: the
 * median, clamped to [lo, hi]. ev must be sorted by (obj, time). */
int64_t coord_estimate_window(const struct coord_events *ev, int64_t lo,
			      int64_t hi);

#endif
