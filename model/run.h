/* run.h - the scored run: the one finished, read-only result of scoring.
 *
 * run_build() turns a scored pipeline (and, when a crawl was read, its
 * site evidence) into a self-contained struct scored_run: the accounts
 * ranked once (score descending, then platform, then id bytes), their
 * flags and model inputs, the clusters numbered C1.. by decreasing size
 * (ties by their smallest member's input index: cluster.c's own order,
 * so the pipeline's cluster k is the run's C<k+1>) with their
 * tests, the significant edges, copied-text samples, and the reasons as
 * codes with numbers. There is no English here: words are made only by
 * report/reasons.c. Every writer, the report, `explain`, `flag` and the
 * review import read a run, never the pipeline; run_save()/run_load()
 * keep one on disk (docs/run.md) so they can answer without re-scoring.
 *
 * Invariants a run keeps (run_load checks every one on a file): accounts
 * are in rank order and account index = rank; every cluster index is
 * < n_clusters and every cluster's size is its members' count; every
 * string reference is a NUL-terminated string inside the string table;
 * every reason range and text range lies inside its array; edge
 * endpoints are account indices.
 *
 * Ownership: the caller owns the struct; run_build/run_load fill it and
 * run_release frees what they allocated. A run borrows nothing.
 */
#ifndef CIB_RUN_H
#define CIB_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "coord.h"
#include "pipeline.h"

#define RUN_NOSTR UINT32_MAX
#define RUN_NOCLUSTER (-1)
/* numbers a reason carries at most: COACTED's partners and times per
 * edge type, plus its two totals */
#define RUN_REASON_NV (2 + 2 * COORD__COUNT)

/* The reasons, in the order a row lists them. Each: code, its stable
 * name (JSON), how many of v[] it uses, and the meaning of v[] and s[] in
 * order (documentation). Account reasons first, then
 * the cluster's own. NOT_FLAGGED says why an account was not flagged:
 * v[0] a run_notflag value. */
#define REASON_LIST(X)                                                        \
	X(COPIED_TEXTS, "copied_texts", 3,                                    \
	  "v: copied posts, posts, other accounts posting them")              \
	X(COACTED, "coacted", RUN_REASON_NV,                                  \
	  "v: partners, strongest log10 p, then partners per edge type, "     \
	  "then co-actions per edge type (coord type order)")                 \
	X(CLUSTER_MEMBER, "cluster_member", 4,                                \
	  "v: cluster number (1-based), its size, edges inside it, "          \
	  "inauthentic (0/1)")                                                \
	X(GROUP_TIE, "group_tie", 3,                                          \
	  "v: cluster number, leave-one-out membership log10 p, share of "    \
	  "its co-acted objects shared with the group")                       \
	X(OWN_RHYTHM, "own_rhythm", 3,                                        \
	  "v: office-shift p, supper-dip p (NaN: not shown), posts; "         \
	  "s: zone label")                                                    \
	X(CREATED_BATCH, "created_batch", 3,                                  \
	  "v: creation time (Unix s), other accounts that day, p")            \
	X(PERSONA_SWITCH, "persona_switch", 5,                                \
	  "v: change time, days silent before it (0 none), change-point "     \
	  "p, vocabulary shift, language changed (0/1); s: language "         \
	  "before, after")                                                    \
	X(LOCATION_MISMATCH, "location_mismatch", 2,                          \
	  "v: claimed offset min, inferred offset min; s: location")          \
	X(DEFAULT_HANDLE, "default_handle", 0, "s: handle")                   \
	X(SITE_NETWORK, "site_network", 7,                                    \
	  "v: site network, its sites, links to it, links, others' rate, "    \
	  "p, flagged by the site rule (0/1); s: its first host")             \
	X(NOT_FLAGGED, "not_flagged", 4,                                      \
	  "v: why (enum run_notflag), score, the bar (lowest flagged "        \
	  "score or threshold), cluster number (0 none)")                     \
	X(CL_SYNC, "cluster_sync", 5,                                         \
	  "v: size, synchronised actions, expected, log10 p, platform mask")  \
	X(CL_SHARED, "cluster_shared", 5,                                     \
	  "v: size, shared objects, expected, log10 p, platform mask")        \
	X(CL_EDGES, "cluster_edges", 4,                                       \
	  "v: size, significant edges inside, strongest log10 p, platform "   \
	  "mask")                                                             \
	X(CL_GROUP, "cluster_group", 2, "v: size, platform mask")             \
	X(CL_TOP_OBJECT, "cluster_top_object", 2,                             \
	  "v: edge type, members acting on it; s: the object")                \
	X(CL_COPIED, "cluster_copied", 2,                                     \
	  "v: share of the members' texts copied, members")                   \
	X(CL_BATCH, "cluster_batch", 5,                                       \
	  "v: members, days, first year, last year, p")                       \
	X(CL_OFFICE, "cluster_office", 3,                                     \
	  "v: office p, supper-dip p (NaN: not shown), posts; s: zone")       \
	X(CL_SWITCH, "cluster_switch", 2, "v: members who switched, p")       \
	X(CL_LOCATION, "cluster_location", 3,                                 \
	  "v: mismatched, checkable, p")                                      \
	X(CL_ECHO, "cluster_echo", 4,                                         \
	  "v: share from members, engagement received, chance share, p")      \
	X(CL_NO_INAUTH, "cluster_no_inauthenticity", 0, "")

enum reason_code {
#define RC_ENUM(e, name, nv, doc) REASON_##e,
	REASON_LIST(RC_ENUM)
#undef RC_ENUM
	REASON__COUNT
};

/* Why an account was not flagged (NOT_FLAGGED v[0]). */
enum run_notflag {
	RUN_NF_NO_COORDINATION = 1, /* no significant edge, no cluster */
	RUN_NF_NO_CLUSTER = 2,      /* edges, but in no cluster */
	RUN_NF_CLUSTER_ORGANIC = 3, /* its cluster has no inauthenticity
				       evidence */
	RUN_NF_BELOW_BAR = 4        /* eligible, score under the bar */
};

/* reason flags */
#define RUN_REASON_BELOW_BAR 1u /* on an account that was not flagged */

const char *reason_code_name(enum reason_code c);
/* How many of a reason's numbers the code uses (v[0..n)). */
int reason_code_nv(enum reason_code c);

/* One reason: a code and its numbers. Fixed size, no padding (the saved
 * file stores these records as they are). */
struct run_reason {
	uint32_t code;  /* enum reason_code */
	uint32_t flags; /* RUN_REASON_* */
	uint32_t s[2];  /* strings (RUN_NOSTR: none) */
	double v[RUN_REASON_NV];
};

struct run_account {
	double score;
	uint32_t id, handle; /* strings */
	uint32_t platform;   /* enum platform */
	int32_t cluster;     /* cluster index or RUN_NOCLUSTER */
	uint32_t flagged;
	uint32_t n_posts;
	uint32_t reason_off, n_reasons; /* into reasons[] */
	uint32_t text_off, n_texts;     /* into texts[] */
	uint32_t edge_off, n_edges;     /* into edge_idx[] */
};

struct run_cluster {
	double score, shift_llr, lunch_start_h, lunch_end_h, supper_start_h,
		supper_end_h, lunch_dip_p, supper_dip_p, weekend_ratio,
		holiday_ratio, reuse_share, batch_share, switch_share,
		inside_engagement, tz_spread, best_log10p, p_office, p_batch,
		p_switch, p_location, p_echo, p_inauth, inauth_cut,
		coord_log10p, objects_expected, sync_expected;
	uint64_t n_posts, engagement_received;
	uint32_t size, n_flagged, n_edges, platforms;
	int32_t shift_offset_min, modal_offset_min; /* INT32_MIN: none */
	uint32_t inauthentic;
	uint32_t has_group; /* the group test's fields below are set */
	uint32_t objects, sync, discovered;
	uint32_t batch_members, n_dated, batch_days, n_switch,
		n_loc_mismatch, n_loc_known;
	uint32_t reason_off, n_reasons;
	uint32_t pad;
};

struct run_edge {
	double log10p, lambda;
	uint32_t a, b; /* account indices (rank) */
	uint32_t observed;
	uint32_t x[COORD__COUNT];
	uint32_t pad;
};

/* A copied text of an account: the text (cut at RUN_TEXT_MAX bytes) and
 * how many accounts posted it. */
#define RUN_TEXT_MAX 280
#define RUN_TEXTS_PER_ACCOUNT 3
struct run_text {
	uint32_t text;
	uint32_t accounts;
};

/* An input the run was scored from. */
struct run_input {
	uint32_t name;  /* string */
	uint32_t pad;
	uint64_t size;  /* bytes */
	uint64_t xxh3;  /* XXH3-64 of the bytes */
};

/* The coordination graph's totals, per edge type (coord.h's
 * coord_type_stats, fixed-width). */
struct run_type_stats {
	double pairs_total, actions;
	int64_t window;
	uint64_t events, objects, shared_objects, viral_objects,
		dense_objects, candidate_pairs;
	uint32_t window_estimated, pad;
};

/* The settings and totals of the run. */
struct run_meta {
	double threshold_used, prior_used, prior_e, fdr, threshold_opt,
		edge_fdr;
	double intercept;
	double coef[SF__COUNT], mean[SF__COUNT], sd[SF__COUNT];
	double n_tests, log10_cutoff;
	uint64_t seed, n_posts_read, n_candidates, n_components, n_dense;
	struct run_type_stats types[COORD__COUNT];
	uint32_t n_features; /* SF__COUNT */
	uint32_t min_cluster, max_actors, prior_shift;
	uint32_t n_inauthentic, n_flagged;
	uint32_t tz;       /* string: reference zone */
	uint32_t tz_label; /* string: its name in words */
	uint32_t settings; /* string: the command line options */
	uint32_t pad;
};

struct scored_run {
	struct run_meta meta;
	size_t n_accounts, n_clusters, n_edges, n_reasons, n_texts, n_inputs;
	struct run_account *acc;  /* rank order */
	double *x;                /* n_accounts x SF__COUNT model inputs */
	struct run_cluster *cl;   /* C1.. order */
	struct run_edge *edges;   /* by strength (log10 p ascending) */
	uint32_t *edge_idx;       /* per account: its edges, strongest
				     first (2 x n_edges) */
	struct run_reason *reasons;
	struct run_text *texts;
	struct run_input *inputs;
	uint32_t *ds_index;       /* per account: its dataset index; only
				     in a run built here (NULL when
				     loaded): the report draws from the
				     dataset too */
	char *str;                /* the string table */
	size_t str_len, str_cap;
};

void run_init(struct scored_run *r);
void run_release(struct scored_run *r);

/* Builds the run from a scored pipeline (after any crawl's site rule has
 * been applied to p->flagged). settings may be NULL. */
enum cib_err run_build(struct scored_run *r, const struct pipeline *p,
		       const struct pipeline_opts *o, const char *settings);
/* The same, taking the pipeline's model inputs over (p->x is NULL
 * after, put in rank order as r->x instead of copied): for a caller that
 * reads no p->x past the run (score, the pipeline's crawl rule applied;
 * at 10M posts' 500k accounts 88 MB not held twice). On an error p->x
 * may be left in another order. */
enum cib_err run_build_taking(struct scored_run *r, struct pipeline *p,
			      const struct pipeline_opts *o,
			      const char *settings);

/* Records an input file (name, size, content hash) in the run. */
enum cib_err run_add_input(struct scored_run *r, const char *name,
			   uint64_t size, uint64_t xxh3);

static inline const char *run_str(const struct scored_run *r, uint32_t s)
{
	return s == RUN_NOSTR || s >= r->str_len ? "" : r->str + s;
}

/* Account index by platform id, "platform:id", or @handle (case-
 * insensitive); -1 when none. An id on several platforms without a
 * platform prefix: -2. */
long run_find_account(const struct scored_run *r, const char *who);

/* The cluster label "C<n>" of account a, or "" into buf. */
void run_cluster_label(const struct scored_run *r, size_t a, char *buf,
		       size_t n);

/* Whether the accounts span more than one platform (ids then carry
 * theirs: "x:123"). */
int run_platforms_mix(const struct scored_run *r);

/* On-disk form (docs/run.md). run_save writes to f; run_load parses
 * buf[0..len) (the whole file), checking everything run.h promises;
 * on error errmsg names the section and offset. */
#define RUN_MAGIC "CIBSRUN\n"
#define RUN_VERSION 1
/* loads refuse files past this (every count is bounded by it too) */
#define RUN_MAX_BYTES ((uint64_t)1 << 36)
enum cib_err run_save(const struct scored_run *r, FILE *f);
enum cib_err run_load(struct scored_run *r, const unsigned char *buf,
		      size_t len, char *errmsg, size_t errlen);

#endif
