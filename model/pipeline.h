/* pipeline.h - the main job: features, coordination graph, clusters,
 * cluster-level tests, account scores and flags (run.h turns the result
 * into the scored run every output reads).
 *
 * Ownership: pipeline_run() fills a caller-owned struct pipeline that
 * borrows the dataset, read only (the strings the features make, canonical
 * URLs and detected languages, live in their own layers over its pool:
 * reuse_str(), langdetect_str()), and owns everything else;
 * pipeline_release() frees.
 */
#ifndef CIB_PIPELINE_H
#define CIB_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/postindex.h"
#include "features/features.h"
#include "cluster.h"
#include "coord.h"
#include "groups.h"
#include "logit.h"

/* The model's account-level inputs, in model-file order, with the sign
 * constraint of each coefficient (docs/model.md, section 7). Every input is
 * evidence: 0 means none, larger means more, and every coefficient is held
 * >= 0, so more evidence of any kind never lowers a score. */
#define SCORE_FEATURE_MAP(M)                                                 \
	M(OWN_SHIFT, "own_shift_z", 1)                                       \
	M(OWN_LUNCH, "own_lunch_dip", 1)                                     \
	M(OWN_TZ_MISMATCH, "own_location_mismatch", 1)                       \
	M(REUSE_SHARE, "reuse_share", 1)                                     \
	M(REUSE_ACCOUNTS, "reuse_accounts_log", 1)                           \
	M(DEFAULT_HANDLE, "default_handle", 1)                               \
	M(CREATION_BATCH, "creation_batch", 1)                               \
	M(PERSONA, "persona_switch", 1)                                      \
	M(EDGE_STRENGTH, "edge_strength_log", 1)                             \
	M(CL_SIZE, "cluster_size_log", 1)                                    \
	M(CL_COORD, "cluster_coordination", 1)                               \
	M(CL_REUSE, "cluster_reuse", 1)                                      \
	M(CL_OFFICE, "cluster_office_rhythm", 1)                             \
	M(CL_SUPPER, "cluster_supper_dip", 1)                                \
	M(CL_OFFDAYS, "cluster_offday_quiet", 1)                             \
	M(CL_BATCH, "cluster_creation_batch", 1)                             \
	M(CL_SWITCH, "cluster_persona_switch", 1)                            \
	M(CL_LOCATION, "cluster_location_mismatch", 1)                       \
	M(CL_ECHO, "cluster_echo_chamber", 1)                                \
	M(CL_PLATFORMS, "cluster_platforms", 1)                              \
	M(CL_TIE, "inauthentic_cluster_tie", 1)                              \
	M(CL_SHARE, "inauthentic_cluster_share", 1)

enum score_feature {
#define SF_ENUM(e, name, sign) SF_##e,
	SCORE_FEATURE_MAP(SF_ENUM)
#undef SF_ENUM
	SF__COUNT
};

extern const char *const score_feature_names[SF__COUNT];
extern const int score_feature_signs[SF__COUNT];

/* Whether a row of inputs has coordination evidence (a significant edge or
 * a cluster): the prior-shift stratum E (docs/model.md, section 8). */
int pipeline_row_has_evidence(const double *x);

/* The flag rule's cap on one account's local false-discovery rate
 * (1 - score): Efron's customary 0.2, so that no account is flagged on a
 * near coin-flip posterior carried by a crowd of certain ones. */
#define PIPELINE_LFDR_MAX 0.2

/* The flag rule (docs/model.md, section 8): ord[0..n) lists the accounts
 * by decreasing score; among those with eligible[a], the largest top set
 * whose mean (1 - score) is at most fdr and whose every 1 - score is at
 * most PIPELINE_LFDR_MAX gets flagged[a] = 1 (others untouched). Returns
 * the lowest flagged score (1 when none). */
double pipeline_flag_fdr(const double *score, const uint8_t *eligible,
			 const uint32_t *ord, size_t n, double fdr,
			 uint8_t *flagged);

/* Level of the Benjamini-Hochberg rule over clusters for collective
 * inauthenticity evidence (docs/model.md, section 6). */
#define INAUTH_FDR 0.01
/* Number of routes to collective inauthenticity per cluster (Bonferroni):
 * creation batches, persona switches, office rhythm together with a
 * claimed-location mismatch or an echo chamber (pipeline_inauth_p). */
#define INAUTH_TESTS 3

struct pipeline;

struct pipeline_opts {
	const char *tz;          /* reference zone (default Asia/Shanghai) */
	uint64_t seed;
	struct coord_opts coord;
	struct feature_opts features;
	size_t min_cluster;      /* smallest reported cluster (default 3) */
	double fdr;              /* flag rule: Bayesian FDR level (default 0.05) */
	double threshold;        /* flag rule: score threshold; NAN = use fdr */
	const struct logit_model *model; /* NULL: the built-in default */
	int prior_shift;         /* re-estimate the positive share of this
				    input (logit_adjust_prior); default 1 */
	/* Stage timings: called on the caller's thread with one line of
	 * text (no newline, no program name) after each stage and for each
	 * stage's breakdown; NULL for none. The library never prints. */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
	/* Called once the pipeline has looked up the last string of the
	 * dataset by its bytes and read the last whole text or post id (the
	 * features and every event are built; the graph and the clusters
	 * read strings by id only, the scored
	 * run only the texts p->fs.reuse.post_group puts in a group): a
	 * caller that owns the dataset may free its string table, the post
	 * ids and the other texts there (dataset_drop_post_strings), and
	 * a caller whose dataset came without texts may put the shown ones
	 * in (score --mpi). *freed gets the bytes freed, for --progress;
	 * an error ends the run (p->errmsg says which step). NULL: not
	 * called. */
	enum cib_err (*strings_done)(void *ctx, struct pipeline *p,
				     size_t *freed);
	void *strings_ctx;
	/* Called once the pipeline has found the last post by its key (the
	 * post events are built), on the thread that built them (while the
	 * features run, unless events_after_features): a caller that owns the dataset may free the posts'
	 * key tables there (dataset_drop_post_keys, which touches nothing
	 * the features read). Called with strings_ctx. NULL: not called. */
	void (*posts_found)(void *ctx);
	/* Called once the features' events are built, with strings_ctx:
	 * no later stage of the pipeline nor the scored run reads the
	 * entities or the reuse features' per-post URLs
	 * (p->fs.reuse.url_off and its columns), so a caller that does
	 * not read them after the run either may free them there (score:
	 * dataset_drop_entities, unless a crawl is among its inputs, and
	 * reuse_drop_urls). The post events may not be built yet (they
	 * follow, with events_after_features) and read the post ids and
	 * post.ref_post: those go in strings_done.
	 * *freed gets the bytes freed, for --progress. NULL: not called. */
	void (*events_done)(void *ctx, struct pipeline *p, size_t *freed);
	/* Called while the features' events are built, with strings_ctx:
	 * they have read the entities and per-post URLs of posts [0, upto)
	 * and will not read them again, so a caller that frees them in
	 * events_done may give back those posts' pages as the events grow
	 * (score: dataset_discard_entities, reuse_discard_urls). Returns
	 * the bytes given back in all, this call's included (--progress
	 * prints the last). NULL: not called. */
	size_t (*events_read)(void *ctx, struct pipeline *p, size_t upto);
	/* The post events (reposts, replies, amplification: read from
	 * the dataset alone) are built after the features and the
	 * features' events (1, the default; events_done comes between the
	 * two), or on a thread of their own while the features run (0). After: the
	 * features' peak is without them (at 10M posts the single process's
	 * peak fell from 2.96 to 2.78 GB, score --mpi's rank 0's features
	 * from 1.31 to 1.08 GB), and on the 2 cores measured the run was no
	 * slower, the features' own threads taking the cores
	 * (docs/bench.md, session 20). */
	int events_after_features;
};

void pipeline_opts_init(struct pipeline_opts *o);

struct cluster_evidence {
	uint32_t size;
	uint64_t n_posts;
	struct timing_profile profile;
	struct timing_fit timing;
	double reuse_share;      /* texts-weighted share of copied texts */
	double batch_share;      /* members created on a day >= 3 members share */
	double switch_share;     /* members with a significant persona switch */
	double inside_engagement; /* reposts/replies/quotes received from members
				     over all received; NAN if none */
	uint64_t engagement_received;
	double tz_spread;        /* members whose inferred offset is > 90 min
				    from the cluster's modal offset */
	int32_t modal_offset_min;
	double engagement_log;   /* mean log10(1 + engagement per post) */
	/* collective inauthenticity tests (docs/model.md, section 6); each a
	 * p-value, 1 when there is nothing to test */
	double p_office;   /* pooled office rhythm at the reference zone
			      (pipeline_office_p) */
	double p_batch;    /* creation days: scan over days, Bonferroni */
	double p_switch;   /* persona switches against the data's rate */
	double p_location; /* claimed-location mismatch against the data's */
	double p_echo;     /* engagement from members against their share */
	double p_inauth;   /* pipeline_inauth_p of the five */
	int inauthentic;   /* p_inauth passed BH over clusters */
	double inauth_cut; /* the BH critical value INAUTH_FDR k / m (0 when
			      no cluster passed) */
	uint32_t n_dated, batch_members, batch_days;
	int batch_year_lo, batch_year_hi;
	uint32_t n_switch, n_loc_known, n_loc_mismatch;
	uint64_t engagement_made; /* engagement actions by members */
	double echo_null_share;   /* members' share of all such actions */
	uint32_t platforms;       /* bit mask of members' platforms */
	uint32_t n_edges;        /* significant edges inside */
	double best_log10p;
	double score;            /* mean member score */
	uint32_t n_flagged;
};

/* Per account, a summary of its significant edges by type. */
struct edge_summary {
	uint32_t partners[COORD__COUNT]; /* distinct partners with x_t > 0 */
	uint32_t shared[COORD__COUNT];   /* co-actions summed over partners */
	uint32_t n_partners;
	double strength;                 /* sum of -log10 p */
	double strength_in;              /* the same over edges inside its
					    own cluster */
	double best_log10p;
};

struct siteacc;

struct pipeline {
	const struct dataset *ds; /* borrowed */
	const struct siteacc *sa; /* borrowed; set by the caller when a crawl
				     was read too (model/siteacc.h), else
				     NULL */
	struct postindex pi;
	struct feature_set fs;
	struct coord_graph g;
	struct cluster_result cl;
	size_t n_attached;           /* accounts joined by cluster_attach */
	size_t n_merged;             /* merges of clusters (cluster_merge) */
	size_t n_discovered;         /* groups found by groups_discover */
	size_t n_split;              /* accounts in clusters split off a crowd
					without evidence (split_crowds) */
	struct groups_result gr;     /* per cluster: group-level coordination
					evidence (groups.h); per account:
					membership strength */
	struct cluster_evidence *ce; /* cl.n_clusters */
	struct edge_summary *es;     /* per account */
	double *x;                   /* n_accounts x SF__COUNT */
	double *score;
	uint8_t *flagged;
	uint8_t *eligible;           /* in a cluster with inauthenticity
					evidence: the only accounts the flag
					rule may flag */
	size_t n_flagged;
	size_t n_inauthentic;        /* clusters with that evidence */
	double prior_e;              /* estimated share in stratum E */
	double threshold_used;
	double prior_used;           /* positive share the scores assume */
	struct logit_model model;
	double stage_seconds[8];
	const char *stage_names[8];
	size_t n_stages;
	char errmsg[512];
};

/* Runs everything. On error p->errmsg says what failed. */
enum cib_err pipeline_run(struct pipeline *p, const struct dataset *ds,
			  const struct pipeline_opts *o);
void pipeline_release(struct pipeline *p);

/* Fills the feature matrix only (features, graph, clusters, evidence): what
 * `train` needs before a model exists. */
enum cib_err pipeline_prepare(struct pipeline *p, const struct dataset *ds,
			      const struct pipeline_opts *o);

/* P(X >= k) for X ~ Binomial(n, r) (GSL); 1 when k == 0. */
double pipeline_binom_upper(uint64_t k, double r, uint64_t n);

/* One-sided Fisher exact test that a part of a cluster is poorer in a
 * trait than the rest: x carriers among its n members, y among the rest's
 * m. P(X <= x) for X hypergeometric (n draws from n + m holding x + y
 * carriers); 1 when either side is empty. */
double pipeline_poorer_p(unsigned x, unsigned n, unsigned y, unsigned m);

/* Creation-batch test (docs/model.md, section 6). A cluster's n members
 * with a known creation day; X = n - (distinct days among them), the
 * members created on a day an earlier member was. Null: members' days are
 * independent draws from the data's creation-day distribution f. Given
 * the first i-1 draws, member i repeats a day with probability at most
 * pi_i = min(1, sum of the i-1 largest f), so X is stochastically below a
 * sum of independent Bernoulli(pi_i) and p = P(that sum >= X) is a valid
 * (conservative) p-value: exact Poisson-binomial by dynamic programming up
 * to 4096 members, the Chernoff bound beyond. top[0..ntop) are the data's
 * day counts in decreasing order, nall their sum. mdays[0..n) are the
 * members' days, sorted; members and days describe the batches: members on
 * days holding >= 3 of them, and those days. */
struct batch_test {
	double p;
	uint32_t repeats;       /* X */
	uint32_t members, days; /* members on days with >= 3; the days */
	int year_lo, year_hi;   /* years of those days */
};
/* The data's dated accounts: their distinct creation days ascending and
 * how many accounts were created on each. */
struct batch_bg {
	const int64_t *day;
	const uint64_t *cnt;
	size_t n;
};
/* The creation-batch test (model/batch.c) of members' days mdays[0..n),
 * ascending, members included in bg. */
void pipeline_batch_test(const int64_t *mdays, size_t n,
			 const struct batch_bg *bg, struct batch_test *out);
/* P(sum over ns strata of the chain's repeats >= x): stratum s has m[s]
 * members and S[s][k] (k = 0 .. nd[s]) the sum of its k largest day
 * probabilities; model/batch.c says why this bounds the null. */
double pipeline_batch_chain_tail(size_t ns, const size_t *m,
				 const double *const *S, const size_t *nd,
				 size_t x);

/* Benjamini-Hochberg at level alpha over pv[0..n): the critical value
 * alpha k / n (k the largest i with p_(i) <= alpha i / n), so the rejected
 * p-values are those <= it; 0 when none is rejected. */
double pipeline_bh_critical(const double *pv, size_t n, double alpha);

/* The office-rhythm test of a pooled timing fit at the reference zone
 * (standard offset ref, minutes; docs/model.md, section 6): 1 unless the
 * fitted shift lies within an hour of ref; else the Bonferroni pair
 * 2 min(max(shift_p, lunch_dip_p), max(lunch_dip_p, supper_dip_p)), the
 * second route only when the shift model is preferred (shift_llr > 0). */
double pipeline_office_p(const struct timing_fit *t, int32_t ref);

/* A cluster's collective inauthenticity p-value from its tests' p-values:
 * INAUTH_TESTS x min(batch, sw, max(office, 2 min(location, echo))),
 * capped at 1 (1 when any is NaN). */
double pipeline_inauth_p(double office, double batch, double sw,
			 double location, double echo);

/* The built-in model (fitted on `cibscan synth` output; docs/model.md). */
enum cib_err pipeline_default_model(struct logit_model *m, char *errmsg,
				    size_t errlen);

#endif
