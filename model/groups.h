/* groups.h - group-level coordination: the co-action index, accounts
 * tested against whole groups by the distinct objects they co-acted on,
 * groups tested collectively, groups discovered where no single pair of
 * members is significant, and the evidence handed to scoring
 * (docs/model.md, section 5).
 *
 * Every statistic here lives inside one *component* of the account-object
 * graph (coord_graph.comp): a group, its members' co-actors, its null and
 * its multiple-testing family never reach outside it, so adding disjoint
 * data to a run leaves every test of the original component exactly as it
 * was.
 *
 * Two nulls, both degree- and popularity-preserving:
 * - sharing (the outsider null): the group's actions are held where they
 *   are and the tested account's distinct objects of type t are drawn as
 *   the group's outsiders draw theirs, each on one of the group's objects
 *   with probability S_G,t / U_t: S the outsider actors (distinct
 *   accounts not in G, the tested one included) of the objects G acted
 *   on, U all outsider actors of type t in the component (the
 *   account-object configuration model with G's edges fixed and the
 *   others rewired). The objects' popularity is their popularity among
 *   outsiders: a network that fills its own copied texts does not make
 *   them look popular, and an object the crowd shares (a viral post, a
 *   campaign hashtag) is as likely as the crowd makes it.
 * - synchrony: who acted on what is kept; times are drawn from each
 *   object's own smoothed time profile, read from the ring of delays just
 *   outside the synchrony window (a scan statistic's background rate).
 */
#ifndef CIB_GROUPS_H
#define CIB_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "coord.h"

struct cluster_result;
struct cluster_wedge;

/* One entry of an account's co-actor histogram: n of its objects of type t
 * had exactly d co-actors within the window. */
struct groups_hist {
	uint32_t d;
	uint32_t n;
	uint8_t t;
	uint8_t half; /* groups_object_half of those objects */
};

/* One entry of a component's within-window pair histogram: n objects of
 * type t had exactly pairs within-window pairs of distinct accounts in
 * this component. */
struct groups_thist {
	uint32_t pairs;
	uint32_t n;
	uint8_t t;
	uint8_t half;
};

#define GROUPS_NO_BURSTS (-2)

/* Which half of the objects (0 or 1) an object is in: a hash of its type,
 * first and last action times, actions m and distinct accounts d, so the
 * halves are a fixed random split that depends on the object's own
 * actions only (not on ids, which unrelated data in the same run would
 * change). groups_discover finds candidates on half 0 and tests them on
 * half 1. */
int groups_object_half(int type, int64_t first, int64_t last, uint64_t m,
		       uint64_t d);

/* The synchrony null's ring: an object's time profile is read from its
 * pairs between w and W = min(its window, GROUPS_SMOOTH * w) apart, for a
 * synchrony window w. */
#define GROUPS_SMOOTH 10.0

/* The synchrony window's clamps, seconds: seconds to an hour (at least
 * 60 s for a type with minute-precision times). The ring that estimates
 * the background reaches GROUPS_SMOOTH times further, so a wider window
 * would test the day's rhythm (people post in daytime), not
 * coordination. */
#define GROUPS_SYNC_MIN 10
#define GROUPS_SYNC_MAX 3600

/* Built once from the sorted event lists coord_build() leaves behind; owns
 * copies of what it keeps (the kept events of shared, non-viral objects).
 * An object's window is the one coord_build gives it: its whole span when
 * all its pairs fit the pair budget (a rare object is co-shared whenever
 * two accounts share it), else the largest window whose pairs fit (a
 * popular object's co-actors are those closest in time). Dense objects
 * (even simultaneous actions exceed the budget) are left out. */
struct groups_index {
	size_t n_accounts;
	uint32_t *comp;        /* per account: component id */
	size_t n_comp;
	double *M;             /* per component x COORD__COUNT: sum of k */
	uint32_t *n_active;    /* per component: accounts that acted */
	/* objects with at least one within-window pair, all types; their
	 * kept events (an account's burst collapsed as coord does) lie at
	 * ev_*[obj_off[o] .. obj_off[o+1]) in time order */
	size_t n_obj;
	uint64_t *obj_off;
	uint64_t *obj_key;     /* the event list's object key */
	uint32_t *obj_d;       /* distinct accounts that acted on it */
	uint8_t *obj_type;
	int64_t *obj_win;      /* its window (coord_build's rule), seconds */
	double *obj_f;         /* the synchrony null: P(two of its actions
				  within tight[type]) from its own smoothed
				  time profile */
	uint8_t *obj_half;     /* groups_object_half */
	uint8_t *obj_burst;    /* 1: its window is shorter than the
				  synchrony window (its pairs in sync exceed
				  the budget): a burst, its audience listed
				  with the dense objects' */
	int64_t tight[COORD__COUNT]; /* synchrony window per type: the
				  median delay to a second account, clamped
				  to GROUPS_SYNC_MIN .. GROUPS_SYNC_MAX */
	uint32_t *ev_acc;
	int64_t *ev_time;      /* floored to the minute when imprecise */
	/* objects too dense to enumerate (even their simultaneous actions
	 * exceed the pair budget) and bursts (obj_burst): each one's
	 * distinct accounts at dense_acc[dense_off[d] .. dense_off[d+1]) */
	size_t n_dense;
	uint64_t *dense_off;
	uint32_t *dense_acc;
	int64_t *dense_time;   /* the account's first action on it */
	/* the outsider null of the sharing test (groups_member_test):
	 * per account x COORD__COUNT, the distinct non-viral objects of
	 * the type it acted on (shared or not); per component x
	 * COORD__COUNT, their sum over its accounts */
	uint32_t *n_objs;
	double *U;
	/* shared non-viral objects that are not in the object list (dense,
	 * or without a pair of distinct accounts in their window): each
	 * one's type, half and distinct accounts at
	 * rest_acc[rest_off[r] .. rest_off[r+1]), for the null only */
	size_t n_rest;
	uint64_t *rest_off;
	uint32_t *rest_acc;
	uint8_t *rest_type;
	uint8_t *rest_half;
	/* per account (CSR): its co-actor histogram */
	uint64_t *h_off;
	struct groups_hist *h;
	/* per component (CSR): its within-window pair histogram */
	uint64_t *th_off;
	struct groups_thist *th;
};

void groups_index_init(struct groups_index *ix);
/* ev[] as coord_build() left them (sorted by object, time, account) with
 * the options it was given; objects with more than o->max_actors accounts
 * are left out, as in the graph. Reads g's components and k. With
 * consume, each type's events are released (coord_events_release) once
 * read, so that the index does not grow beside every event (the kept
 * events are about the events' size: score's graph stage held both);
 * ev[] is then empty whatever the result. */
enum cib_err groups_index_build(struct groups_index *ix,
				struct coord_events *ev,
				const struct coord_graph *g,
				const struct coord_opts *o, int consume);
void groups_index_release(struct groups_index *ix);

/* The index in parts (score --mpi, docs/scale.md 5.1c): each rank that
 * scans a set of whole objects builds their part where their events
 * are, and the parts of disjoint object sets, concatenated, assemble
 * into the index one pass over all events builds. Objects, dense
 * audiences and the rest each in (type, object) order within a part;
 * an object's kept events (obj_n of them), a dense one's accounts
 * (dense_n) and a rest entry's accounts (rest_n) follow one another in
 * that order, so a concatenation of parts stays a part. n_objs
 * (n_accounts x COORD__COUNT) and U ((n_comps + 1) x COORD__COUNT) are
 * counts that parts add; hc and tc the histograms' keys (unsorted).
 * dense_type, dense_key and rest_key are kept only when the part was
 * built keyed (they order the entries of several parts). */
struct groups_index_part {
	int64_t tight[COORD__COUNT];
	size_t n_obj, n_ev;
	uint64_t *obj_key;
	uint32_t *obj_n, *obj_d;
	uint8_t *obj_type, *obj_half, *obj_burst;
	int64_t *obj_win;
	double *obj_f;
	uint32_t *ev_acc;
	int64_t *ev_time;
	size_t n_dense, n_dense_acc;
	uint64_t *dense_key;
	uint8_t *dense_type;
	uint32_t *dense_n, *dense_acc;
	int64_t *dense_time;
	size_t n_rest, n_rest_acc;
	uint64_t *rest_key;
	uint8_t *rest_type, *rest_half;
	uint32_t *rest_n, *rest_acc;
	size_t n_hc, n_tc;
	uint64_t *hc, *tc;
	uint32_t *n_objs;
	double *U;
};

/* The synchrony window of one type's sorted events (groups_index.tight):
 * the median delay to a second account, clamped (GROUPS_SYNC_MIN/MAX).
 * A whole-data statistic: a part is given it. */
int64_t groups_index_tight(const struct coord_events *e);

/* The part of the whole objects in ev[] (sorted as coord_build sorts
 * them), against the graph's components comp[n_accounts] (COORD_NO_COMP
 * for none; n_comps of them). tight[COORD__COUNT] as groups_index_tight
 * gives it on all events, or NULL to estimate it on ev (all events).
 * consume and the rules are groups_index_build's; keyed keeps the keys
 * that order several parts' dense and rest entries. */
enum cib_err groups_index_part(struct groups_index_part *pt,
			       struct coord_events *ev, size_t n_accounts,
			       const uint32_t *comp, size_t n_comps,
			       const int64_t *tight,
			       const struct coord_opts *o, int consume,
			       int keyed);
/* The index from pt, the concatenation of the parts of disjoint object
 * sets with n_objs and U summed over them (one part as built works too),
 * and the graph's components and k. pt is released whatever the result. */
enum cib_err groups_index_assemble(struct groups_index *ix,
				   struct groups_index_part *pt,
				   const struct coord_graph *g);
void groups_index_part_release(struct groups_index_part *pt);

/* One account tested against one group, on its objects of every type
 * (pooled over types as the pair test pools them: a shared URL is also a
 * shared domain, so coarse types count only what they add). Two tests:
 *
 * Sharing (the outsider null above):
 * - objects: the DISTINCT objects on which it co-acted with at least one
 *   member within the object's window; objects_expected: sum over types
 *   of n_t S_G,t / U_t (n_t its distinct objects of type t, shared or
 *   not; groups_outsider_expected), pooled over types as the pair test
 *   pools them. objects is at most its draws that land on the group's
 *   objects, a sum of Bernoullis whose Poisson tail with the same mean
 *   bounds its own from above where objects >= objects_expected + 1
 *   (Anderson & Samuels 1967; Hoeffding 1956): conservative where used.
 * - log10p_share (groups_share_log10p): the pooled count's Poisson
 *   tail, the rarity-weighted statistic (each hit weighed by how rarely
 *   its type lands on the group's objects) and each type's Poisson
 *   tail, each only where its guards hold (at least two objects,
 *   GROUPS_MIN_RATIO times and one more than expected: one object,
 *   however popular with the group, is not coordination), weighted
 *   Bonferroni (pooled x 3, weighted x 3, a type x 3 n_types), the
 *   smallest. Weighted, because a rare type's evidence (6 copied texts
 *   against 0.26 expected, one URL where 0.0004 was expected) drowns in
 *   a popular one's (7 campaign hashtags against 4.2) when counted.
 * - x: its co-actions with members (summed over its objects, the
 *   distinct members other than itself among its co-actors) and lambda
 *   = sum of d pi, pi = (K_G,t - k_a,t [a in G]) / (M_comp,t - k_a,t)
 *   (the co-actor null: each of the d co-actors a member in proportion
 *   to activity): reported, not tested. Tested, x recovered the sparse
 *   members of a network but attached organic accounts through shared
 *   popular posts (the null is overdispersed there). The co-actor null
 *   also used to give objects_expected (sum of 1 - (1 - pi)^d); it
 *   saturates where a network fills its own copied texts (pi near 1,
 *   objects_expected near objects), which is why the outsider null
 *   replaced it.
 *
 * Synchrony (who shared what is fixed; times drawn from each object's own
 * smoothed time profile):
 * - sync: the distinct objects on which a member acted within the
 *   synchrony window (tight[type]) of its action; sync_expected: sum over
 *   its objects that members acted on of 1 - (1 - f_o)^(n e), f_o the
 *   object's chance of two actions within the window, n the members
 *   acting there, e its own actions; log10p_sync its Poisson tail.
 *
 * log10p: the two tests (each p = 1 unless its guards hold) combined by
 * Bonferroni (2 min) and by Fisher (groups_fisher2_log10), the smaller
 * times two; 0 when neither holds. Fisher's combination is valid because
 * the synchrony null draws times given who acted on what, all that the
 * sharing null randomises: p_sync is (nearly) uniform given the placement
 * (only popular objects' windows depend on times). */
struct groups_member_test {
	uint32_t acc;
	int32_t group;
	uint32_t comp;
	uint32_t x;
	double lambda;
	uint32_t objects;
	double objects_expected;
	uint32_t sync;
	double sync_expected;
	double log10p_share;
	double log10p_sync;
	double log10p;
};

/* Tests against groups given by mem[] (group id or negative, ng groups).
 * inside = 0: every account in no group against each group whose members
 * acted on its objects; inside = 1: every member against its own group,
 * itself left out (leave one out). half = 0 or 1: only objects of that
 * half (groups_object_half), -1: all, GROUPS_NO_BURSTS: all but bursts
 * (their share of lambda is kept: conservative). *out (caller frees) gets one test
 * per (account, group) met, sorted by (acc, group). */
enum cib_err groups_member_tests(const struct groups_index *ix,
				 const struct coord_graph *g,
				 const int32_t *mem, size_t ng, int inside,
				 int half, struct groups_member_test **out,
				 size_t *n_out);

/* The same, keeping only the tests that can pass: at least two objects
 * or two synchronous objects (the count guards of both tests); every test
 * left out has log10p = 0. What cluster_attach and discovery's pruning
 * use: the others' nulls are never summed. */
enum cib_err groups_member_tests_passable(const struct groups_index *ix,
					  const struct coord_graph *g,
					  const int32_t *mem, size_t ng,
					  int inside, int half,
					  struct groups_member_test **out,
					  size_t *n_out);

/* groups_member_tests_passable on all objects for the accounts with
 * only[a] != 0 alone (the others are not tested; every test made is the
 * one groups_member_tests_passable makes). What cluster_settle uses. */
enum cib_err groups_member_tests_of(const struct groups_index *ix,
				    const struct coord_graph *g,
				    const int32_t *mem, size_t ng,
				    const uint8_t *only, int inside,
				    struct groups_member_test **out,
				    size_t *n_out);

/* Per component (*out, n_comp entries, caller frees): the accounts that
 * acted (some k > 0) and are in no group of mem[], the accounts an attach
 * round tests; times the component's groups, its BH family. */
enum cib_err groups_outside_active(const struct groups_index *ix,
				   const struct coord_graph *g,
				   const int32_t *mem, double **out);

/* The outsider null's expectation of an account's distinct objects on
 * a group's objects: n draws, each on one of the group's objects with
 * probability min(1, S / U) (S the outsider actors of the group's
 * objects, U all outsider actors of the type in the component, the tested
 * account among them); 0 when n or S is 0. Exposed for the tests. */
double groups_outsider_expected(double n, double S, double U);

/* The sharing test's log10 p from per-type counts x[t] (distinct objects
 * of type t shared with the group), their null expectations e[t] and the
 * tested account's draws n[t] (its distinct objects of the type; e[t] =
 * n[t] pi_t). Three statistics, each only where its guards hold (at least
 * two, GROUPS_MIN_RATIO times and one more than expected; the first two
 * on the pooled count, coarse types counting only what they add, as the
 * pair test pools): the pooled count's Poisson tail, the rarity-weighted
 * statistic (groups_weighted_log10p) and each type's Poisson tail (types
 * with e > 0); weighted Bonferroni: the pooled p times 3, the weighted
 * one times 3, a type's times 3 n_types, the smallest; 0 (p = 1) when no
 * guard holds. */
double groups_share_log10p(const double *x, const double *e,
			   const double *n);

/* The rarity-weighted sharing statistic: T = sum over types of x_t w_t,
 * w_t = log((1 - pi_t) / pi_t), pi_t = e_t / n_t the chance that one of
 * the account's n_t draws of the type lands on the group's objects
 * (types with pi_t >= 1/2 left out; coarse types count the hits they add
 * to their fine type). T is the Neyman-Pearson statistic of "a member,
 * whose draws land on the group's objects at rate 1/2" against the
 * outsider null: a hit on a type the group's outsiders rarely touch (its
 * URLs, its copied texts) weighs more than one on its popular hashtags.
 * log10 p is the Chernoff bound inf_th exp(K(th) - th T), K the log
 * moment generating function of T under independent Binomial(n_t, pi_t)
 * counts, so a valid upper bound of P(T >= t); 0 when T is at most its
 * mean. */
double groups_weighted_log10p(const double *x, const double *e,
			      const double *n);

/* log10 of the Chernoff bound inf_{th >= 0} exp(sum_i n_i log(1 - pi_i +
 * pi_i e^(th w_i)) - th T) of P(sum_i w_i X_i >= T), X_i independent
 * Binomial(n_i, pi_i), k terms (0 < pi_i < 1, w_i > 0); 0 when T is at
 * most the mean. Exposed for the tests. */
double groups_chernoff_log10(int k, const double *n, const double *pi,
			     const double *w, double T);

/* log10 of Fisher's combination of two independent p-values given as
 * log10: P(chi-square(4) >= -2 ln(p1 p2)) = p1 p2 (1 - ln(p1 p2)). */
double groups_fisher2_log10(double la, double lb);

/* log10 of P(some member of a group among d co-actors) = 1-(1-pi)^d,
 * exposed for the tests. */
double groups_p_any(double pi, uint32_t d);

/* Number of objects kept in evidence as the group's top shared objects. */
#define GROUPS_TOP 5

/* The group-level coordination evidence of one cluster, for scoring,
 * reasons and reports. Whether the group is *inauthentic* (rhythm,
 * creation batches, persona switches, location mismatch, inside
 * engagement) is judged by the pipeline's cluster evidence; this says how
 * strongly its members acted *together*:
 *
 * - sharing: objects, distinct objects on which at least two members
 *   co-acted within the object's window; objects_expected, the
 *   configuration null's expectation of that count, sum over the
 *   component's objects of min(1, T_o q_t^2) (T_o the object's pairs in
 *   its window, q_t = K_G,t / M_comp,t the chance that one action is a
 *   member's; the union bound, so conservative); log10p_share =
 *   log10 P(Poisson(objects_expected) >= objects);
 * - synchrony: sync, the members' actions with another member's action
 *   within the synchrony window; sync_expected, sum over the objects
 *   members acted on of e_o (1 - (1 - f_o)^(e_o - 1)) (e_o member actions
 *   there, f_o the object's smoothed chance of two actions that close);
 *   both halved (a close pair makes two hits: quasi-Poisson with
 *   dispersion 2); log10p_sync;
 * - log10p: the smaller of the two (each only when it is at least two,
 *   GROUPS_MIN_RATIO times and one more than expected), Bonferroni x2;
 * - coactions / coactions_expected: within-group co-action pairs (the
 *   pair test's pooled counts summed over member pairs) and the pair
 *   null summed the same way;
 * - top[]: the objects most members acted on (type, the event list's
 *   object key: (platform << 32 | string id) for posts, URLs, domains and
 *   replied accounts, the text group for co_post, a hash for hashtag
 *   sequences), with how many members acted on each;
 * - n_platforms: distinct platforms among the members;
 * - mean_strength: the members' mean share of co-acted objects shared
 *   with the group (groups_result.strength). */
struct groups_evidence {
	uint32_t size;
	uint32_t objects;
	double objects_expected;
	double log10p_share;
	uint32_t sync;
	double sync_expected;
	double log10p_sync;
	double log10p;      /* the smaller of the two tests' that meet the
			       guards, times two; 0 (p = 1) when neither */
	uint64_t coactions;
	double coactions_expected;
	uint32_t n_top;
	struct {
		uint8_t type;
		uint64_t key;
		uint32_t members;
	} top[GROUPS_TOP];
	uint32_t n_platforms;
	double mean_strength;
	int discovered; /* 1: no pair of its members is a significant edge:
			   only the group-level tests hold it together */
};

/* Per-cluster evidence and per-account membership strength. */
struct groups_result {
	size_t n_groups;
	struct groups_evidence *ev;  /* per cluster */
	size_t n_accounts;
	double *strength;   /* per account: share of its co-acted objects
			       (within the window) that it shared with its
			       own cluster; NAN outside clusters */
	double *member_log10p; /* per account: its leave-one-out test
				  against its own cluster; 0 outside */
};

void groups_result_release(struct groups_result *r);

/* Evidence for the ng groups of mem[]; platform[] (per account, may be
 * NULL) counts platforms; half as in groups_member_tests (-1: all
 * objects). */
enum cib_err groups_evidence_build(const struct groups_index *ix,
				   const struct coord_graph *g,
				   const int32_t *mem, size_t ng,
				   const uint8_t *platform, int half,
				   struct groups_result *r);

/* Group discovery where no pair is significant. Candidates: Leiden on
 * each component (its own resolution) of a rarity- and synchrony-weighted
 * graph of the accounts in no cluster, built from the objects of half 0
 * (groups_object_half; see candidate_graph in groups.c for the weights).
 * Validation, on the objects of half 1 only, so that it is independent of
 * how the candidates were chosen: each member tested leave-one-out
 * against the rest (groups_member_tests, BH at fdr over the component's
 * candidate members), pruned until stable; the survivors' group test
 * (groups_evidence.log10p) passes BH at fdr over the component's
 * candidate groups. Then the audiences of dense objects (joined when they
 * share one) are candidates too, validated the same way on all the other
 * objects (the dense object chose them and is in none of the tests).
 * Passing groups of at least min_size become new clusters of cl (ids after the existing ones, not
 * renumbered; sizes updated); *n_found counts them. On CIB_ELIB errmsg
 * holds igraph's message. */
enum cib_err groups_discover(const struct groups_index *ix,
			     const struct coord_graph *g, uint64_t seed,
			     size_t min_size, double fdr,
			     struct cluster_result *cl, size_t *n_found,
			     char *errmsg, size_t errlen);

/* Discovery's candidate graph enumerates the sharing pairs of objects of
 * at most this many accounts only (a popular object ties only the pairs
 * it saw act in sync). */
#define GROUPS_RARE_ACTORS 16

/* On a popular object the candidate graph ties a pair in sync only when
 * fewer than this many of the object's actions fall strictly between its
 * two times (each action's nearest successors in time, so at most about
 * this many pairs an action, not all those inside the window). */
#define GROUPS_SYNC_NEAR 16

/* A pair tied by a single co-action gets a candidate edge only if the
 * co-action's object expects at most this many chance partners in sync
 * for each of its actions ((m - 1) f): the weight's own bar of a factor
 * of ten (an edge weighs at least 1 = -log10 0.1), applied to the
 * coincidence after counting the partners it could have met. Pairs that
 * co-acted twice or more are weighed as before. docs/model.md 5.4. */
#define GROUPS_LONE_PARTNERS 0.1

/* What building the candidate graph enumerated (records: co-actions)
 * and held at once (those of the pairs its filter could not drop). */
struct groups_cg_counts {
	uint64_t records, held;
};

/* Discovery's candidate graph (exposed for tests): the accounts with
 * mem[a] < 0, tied as docs/model.md 5.4 says, on the objects of half 0;
 * *out (malloc'd, n_out edges, a < b, sorted by (a, b)) weighs each pair
 * by the sum of its co-actions' weights, capped at 50. counts may be
 * NULL. */
enum cib_err groups_candidate_graph(const struct groups_index *ix,
				    const int32_t *mem,
				    struct cluster_wedge **out, size_t *n_out,
				    struct groups_cg_counts *counts);

/* Effect-size floor of the member and group tests: the Poisson null is
 * overdispersed, and with many co-actions a misfit of 1.2 times chance is
 * "significant". */
#define GROUPS_MIN_RATIO 2.0

#endif
