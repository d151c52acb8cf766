/* features.h - the feature stage as one call: timing, reuse, persona and
 * profile evidence for every account, and the per-account evidence table
 * (`cibscan features`). docs/features.md defines every column.
 *
 * Ownership: features_compute() fills a caller-owned struct feature_set;
 * it interns strings into the dataset (canonical URLs, detected languages)
 * and owns everything else until features_release().
 */
#ifndef CIB_FEATURES_H
#define CIB_FEATURES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/dataset.h"
#include "core/postindex.h"
#include "langdetect.h"
#include "persona.h"
#include "profile.h"
#include "reuse.h"
#include "timing.h"

struct feature_set;
struct feature_opts;

/* The per-account features computed elsewhere (score --mpi: on the ranks
 * owning the accounts, mpi/mpi_feat.c). When feature_opts.shard is set,
 * features_compute calls start where it would run timing_compute (fs->tctx
 * and fs->ld are ready) and finish where it would run
 * persona_compute_opts; the two together must fill fs->timing
 * (allocated, ds->acc.n + 1 entries), fs->persona and fs->profile exactly
 * as timing_compute, persona_compute_opts and profile_compute would have
 * (score --mpi fills all three at start: the owners' rows). Between them
 * features_compute runs reuse, so the two can overlap with it; with
 * `near` set, reuse's near-duplicate search is done by it
 * (reuse_compute_near, features/reuse.h). NULL: computed here. */
struct feature_shard {
	void *ctx;
	enum cib_err (*start)(void *ctx, struct feature_set *fs,
			      const struct dataset *ds,
			      const struct postindex *pi,
			      const struct feature_opts *o);
	enum cib_err (*finish)(void *ctx, struct feature_set *fs,
			       const struct dataset *ds,
			       const struct postindex *pi);
	const struct reuse_near *near; /* read after start returns */
};

struct feature_opts {
	const struct feature_shard *shard; /* NULL: every feature here */
	const char *tz;  /* reference zone; NULL = Asia/Shanghai */
	const char *zonedir; /* tz database; NULL = the system's (tzconv.h) */
	const char *tmpdir;  /* scratch files; NULL = /tmp (langdetect.h) */
	uint64_t seed;
	struct reuse_opts reuse;
	struct persona_opts persona;
};

void feature_opts_init(struct feature_opts *o);

struct feature_set {
	size_t n_accounts;
	char tz[64];
	struct timing_ctx tctx;
	int have_tctx;
	struct timing_fit *timing; /* per account */
	struct reuse_result reuse;
	struct langdetect ld;
	int have_ld;
	struct persona_result persona;
	struct profile_result profile;
	int32_t *loc_offset; /* claimed location's UTC offset (minutes) at the
				account's first post; INT32_MIN unknown */
	double seconds[4];   /* timing, reuse, persona, profile */
};

enum cib_err features_compute(struct feature_set *fs, const struct dataset *ds,
			      const struct postindex *pi,
			      const struct feature_opts *o, char *errmsg,
			      size_t errlen);
void features_release(struct feature_set *fs);

/* Accessors the model uses (NAN / 0 where unknown). */
uint32_t features_text_group(const struct feature_set *fs, uint32_t post);
double features_n_texts(const struct feature_set *fs, uint32_t acc);
double features_share_copied(const struct feature_set *fs, uint32_t acc);
double features_co_accounts(const struct feature_set *fs, uint32_t acc);
double features_switch_p(const struct feature_set *fs, uint32_t acc);
/* A persona switch worth reporting: the change point's permutation p-value
 * is at its floor (no shuffle reached it) and the dominant language differs
 * before and after. Vocabulary drift alone is common in organic accounts. */
int features_switch_significant(const struct feature_set *fs, uint32_t acc);
double features_engagement_per_post(const struct feature_set *fs,
				    uint32_t acc);
double features_default_handle(const struct feature_set *fs, uint32_t acc);
double features_creation_p(const struct feature_set *fs, uint32_t acc);
uint32_t features_created_same_day(const struct feature_set *fs,
				   uint32_t acc);
/* "Beijing" for Asia/Shanghai, else the zone name. */
const char *features_tz_label(const struct feature_set *fs);

/* "switched from zh to en after 212 days silent (p = 0.001)" */
void features_switch_describe(const struct feature_set *fs, uint32_t acc,
			      char *buf, size_t cap);

/* Every feature of one account, one per line, for `explain`. */
void features_describe(const struct feature_set *fs, const struct dataset *ds,
		       const struct postindex *pi, uint32_t acc, FILE *f);

/* The per-account evidence table. */
enum cib_err features_write_csv(const struct feature_set *fs,
				const struct dataset *ds,
				const struct postindex *pi, FILE *f);
enum cib_err features_write_json(const struct feature_set *fs,
				 const struct dataset *ds,
				 const struct postindex *pi, FILE *f);

#endif
