/* pipeline.h - the main job: features, coordination graph, clusters,
 * cluster-level tests, account scores, flags and reasons.
 *
 * Ownership: pipeline_run() fills a caller-owned struct pipeline that
 * borrows the dataset (it interns a few strings into it: canonical URLs,
 * detected languages) and owns everything else; pipeline_release() frees.
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

/* The model's account-level inputs, in model-file order. */
#define SCORE_FEATURE_MAP(M)                                                 \
	M(OWN_SHIFT, "own_shift_z")                                          \
	M(OWN_LUNCH, "own_lunch_dip")                                        \
	M(OWN_TZ_MISMATCH, "own_location_mismatch")                          \
	M(REUSE_SHARE, "reuse_share")                                        \
	M(REUSE_ACCOUNTS, "reuse_accounts_log")                              \
	M(DEFAULT_HANDLE, "default_handle")                                  \
	M(CREATION_BATCH, "creation_batch")                                  \
	M(PERSONA, "persona_switch")                                         \
	M(ENGAGEMENT, "engagement_log")                                      \
	M(EDGE_STRENGTH, "edge_strength_log")                                \
	M(CL_SIZE, "cluster_size_log")                                       \
	M(CL_SHIFT, "cluster_shift_z")                                       \
	M(CL_LUNCH, "cluster_lunch_dip")                                     \
	M(CL_INSIDE, "cluster_inside_engagement")                            \
	M(CL_TZ_SPREAD, "cluster_tz_spread")                                 \
	M(CL_REUSE, "cluster_reuse")                                         \
	M(CL_BATCH, "cluster_creation_batch")                                \
	M(CL_SWITCH, "cluster_persona_share")                                \
	M(CL_WEEKEND, "cluster_weekend_ratio")                               \
	M(CL_ENGAGEMENT, "cluster_engagement_log")

enum score_feature {
#define SF_ENUM(e, name) SF_##e,
	SCORE_FEATURE_MAP(SF_ENUM)
#undef SF_ENUM
	SF__COUNT
};

extern const char *const score_feature_names[SF__COUNT];

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
	int progress;            /* stage messages on stderr */
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
	double best_log10p;
};

struct pipeline {
	struct dataset *ds; /* borrowed */
	struct postindex pi;
	struct feature_set fs;
	struct coord_graph g;
	struct cluster_result cl;
	size_t n_attached;           /* accounts joined by cluster_attach */
	size_t n_merged;             /* merges of clusters (cluster_merge) */
	size_t n_discovered;         /* groups found by groups_discover */
	struct groups_result gr;     /* per cluster: group-level coordination
					evidence (groups.h); per account:
					membership strength */
	struct cluster_evidence *ce; /* cl.n_clusters */
	struct edge_summary *es;     /* per account */
	double *x;                   /* n_accounts x SF__COUNT */
	double *score;
	uint8_t *flagged;
	size_t n_flagged;
	double threshold_used;
	double prior_used;           /* positive share the scores assume */
	struct logit_model model;
	double stage_seconds[8];
	const char *stage_names[8];
	size_t n_stages;
	char errmsg[512];
};

/* Runs everything. On error p->errmsg says what failed. */
enum cib_err pipeline_run(struct pipeline *p, struct dataset *ds,
			  const struct pipeline_opts *o);
void pipeline_release(struct pipeline *p);

/* Fills the feature matrix only (features, graph, clusters, evidence): what
 * `train` needs before a model exists. */
enum cib_err pipeline_prepare(struct pipeline *p, struct dataset *ds,
			      const struct pipeline_opts *o);

/* The account's reasons in words, "; "-separated, into buf. Returns the
 * number of reasons written. */
size_t pipeline_reasons(const struct pipeline *p, uint32_t acc, char *buf,
			size_t cap);

/* The built-in model (fitted on `cibscan synth` output; docs/model.md). */
enum cib_err pipeline_default_model(struct logit_model *m, char *errmsg,
				    size_t errlen);

#endif
