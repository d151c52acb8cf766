/* persona.h - persona switches per account: a change point in what an
 * account writes (language and vocabulary), dormancy, UI language, renames.
 *
 * For each account, its posts in time order form a sequence; the best
 * single change point maximises the log-likelihood ratio of a two-segment
 * model against one segment, and its p-value comes from a Monte Carlo
 * permutation test over the order of the posts (docs/features-persona.md
 * gives the formulas and why every constant is what it is).
 *
 * Ownership: the caller owns the struct persona_result; persona_compute
 * allocates its arrays, persona_result_release frees them.
 */
#ifndef CIB_PERSONA_H
#define CIB_PERSONA_H

#include <stddef.h>
#include <stdint.h>

#include "../core/dataset.h"
#include "../core/error.h"
#include "../core/postindex.h"
#include "langdetect.h"

/* At most this many tokens of one post enter the vocabulary model. */
#define PERSONA_MAX_TOKENS 64
#define PERSONA_DEFAULT_PERM 199
#define PERSONA_DEFAULT_STOP 10
/* Work cap per account for the permutation test, in post+token steps: an
 * account of S = posts + tokens gets at most max(19, budget / S)
 * permutations (a floor on p of 1/20 for the very largest), so one
 * million-post account cannot stall the run. */
#define PERSONA_PERM_BUDGET 50000000ULL
#define PERSONA_MIN_PERM 19

struct persona_opts {
	uint64_t seed;        /* permutation generator seed (--seed) */
	unsigned max_perm;    /* most permutations per account */
	unsigned stop_exceed; /* stop after this many permutations reach the
				 observed statistic (Besag-Clifford) */
	int use_vocab;        /* 1: language + vocabulary; 0: language only */
	uint64_t perm_budget; /* PERSONA_PERM_BUDGET; 0 for no cap */
	/* account a's permutations are seeded with seed_key[a], or with
	 * persona_account_key(ds, a) when NULL (a dataset holding a shard of
	 * the accounts under stand-in ids passes the real accounts' keys, so
	 * p-values do not depend on the shard) */
	const uint64_t *seed_key;
};

struct persona_result {		/* arrays of ds->acc.n entries */
	size_t n;		/* = ds->acc.n */
	double *cp_llr;		/* LLR of the best single change point */
	double *cp_p;		/* its permutation p-value; 1 when no change */
	int64_t *cp_time;	/* first post after the change, or TIME_NONE */
	uint32_t *lang_before, *lang_after; /* dominant languages, STR_NONE */
	double *topic_shift;	/* Jensen-Shannon (bits) before/after, [0,1];
				   NAN when a side has no tokens */
	int64_t *longest_gap;	/* seconds between consecutive posts; 0 with
				   fewer than two posts */
	int64_t *gap_end;	/* time of the post ending it, or TIME_NONE */
	uint8_t *gap_lang_change; /* dominant language before != after */
	double *gap_topic_shift;  /* Jensen-Shannon across the gap, or NAN */
	uint8_t *ui_lang_mismatch; /* account UI language != main_lang */
	uint32_t *main_lang;	/* dominant post language, STR_NONE */
	uint32_t *n_handle_changes, *n_name_changes; /* from ds->change */
	uint32_t *n_posts_lang;	/* posts whose language is known */
	uint32_t *n_perm;	/* permutations actually drawn */
};

void persona_opts_init(struct persona_opts *o);

/* The key account a's permutations are seeded with (with the options'
 * seed): a hash of its platform and id, so an account's p-value is the
 * same whatever else the dataset holds, in whichever order, on whichever
 * MPI rank. */
uint64_t persona_account_key(const struct dataset *ds, size_t a);

/* Fills r (arrays allocated here) for every account of ds. ld supplies
 * post languages: the language ids in r are ids of ld->strs (read them
 * with langdetect_str()). Uses default options. */
enum cib_err persona_compute(const struct dataset *ds, const struct postindex *pi,
			     struct langdetect *ld, struct persona_result *r);
enum cib_err persona_compute_opts(const struct dataset *ds,
				  const struct postindex *pi,
				  struct langdetect *ld,
				  const struct persona_opts *o,
				  struct persona_result *r);
void persona_result_release(struct persona_result *r);
/* Allocates r's arrays for n accounts (n_handle_changes, n_name_changes
 * zeroed, the rest unset), for a caller that fills them from results
 * computed elsewhere (a shard's, mpi/mpi_feat.c). */
enum cib_err persona_result_alloc(struct persona_result *r, size_t n);

/* 1 when no permutation of account acc reached its observed statistic,
 * i.e. cp_p[acc] is the smallest value its n_perm draws can give
 * (1 / (n_perm + 1): 0.005 with the defaults). Use this, or cp_llr, to
 * pick "significant" switches: a fixed threshold below the floor (say
 * p < 0.001 with 199 draws) can never be met. */
int persona_at_floor(const struct persona_result *r, size_t acc);

/* Two-segment categorical LLR helpers, exposed for tests: the LLR of
 * splitting `seq` (n symbols in [0, k)) after position tau (tau symbols in
 * the first segment). Returns NAN for bad arguments. */
double persona_llr_split(const uint32_t *seq, size_t n, uint32_t k,
			 size_t tau);

/* Jensen-Shannon divergence in bits of two count vectors of length k;
 * NAN when either sums to 0. */
double persona_js_divergence(const double *a, const double *b, size_t k);

#endif
