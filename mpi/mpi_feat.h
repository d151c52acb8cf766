/* mpi_feat.h - the per-account features of score --mpi computed on the
 * ranks owning the accounts (docs/scale.md section 5.2).
 *
 * An account (platform, id) is owned by rank mpi_feat_owner(): on N > 1
 * ranks 1 + XXH3 (64 bits, seeded with the platform) of the id's bytes
 * mod N - 1 (rank 0 owns none: it holds the dataset already) - a function
 * of the account's key alone, so the same on every rank, in every run and
 * at every position in the input. Rank 0 holds the
 * dataset; through feature_opts.shard (features/features.h) the feature
 * stage hands it the timing, persona and profile features: rank 0 sends
 * every account (UI language, handle, creation time, follower counts) and
 * its posts (time, flags, kind, engagement counts, text, language) to the
 * owner (MPI_Alltoallv in bounded rounds), every rank builds a dataset of
 * its accounts in their order in rank 0's and computes timing_compute,
 * persona_compute_opts and profile_compute_days on it - the permutations
 * seeded by the accounts' indices in rank 0's dataset, the reference
 * zone's span all-reduced from the posts' times (min, max), the creation
 * test against the data's creation days (every rank's (day, count) list
 * all-gathered and summed) - and sends back one fixed-size row per
 * account, which rank 0 puts in place of its own computation while it
 * runs the reuse features and looks up the accounts' claimed locations.
 * Before freeing its shard, every rank also hashes and signs its posts'
 * texts for the reuse features' distinct texts and near-duplicate search,
 * which all ranks then run together from inside rank 0's reuse
 * (feature_shard.near; mpi/mpi_reuse.h). With one rank nothing is hooked
 * (rank 0 computes as a single process). The other ranks wait in
 * mpi_feat_serve.
 */
#ifndef CIB_MPI_FEAT_H
#define CIB_MPI_FEAT_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "features/features.h"
#include "mpi/mpi_reuse.h"
#include "mpi/mpi_texts.h"

/* Bytes rank 0 sends to all ranks together in a round, at most (a record
 * larger than that goes alone): the shuffle's buffers do not grow with
 * the number of ranks. */
#define MPI_FEAT_ROUND ((size_t)32 << 20)

struct mpi_feat_stats {
	uint64_t accounts;     /* accounts this rank owns */
	uint64_t posts;        /* their posts */
	uint64_t posts_counted; /* of those, with an engagement count known */
	uint64_t engagement;   /* the sum of their known counts (a check:
				  the same wherever the counts travel) */
	uint64_t bytes_in;     /* record bytes it received */
	uint64_t bytes_out;    /* bytes rank 0 sent (rank 0), rows sent
				  back (others) */
	uint64_t rounds;       /* rounds of the shuffle */
	double shuffle_seconds; /* the shuffle, wall */
	double shuffle_cpu;     /* the same, CPU (packing, sending, storing
				   into the shard) */
	double compute_seconds; /* building the shard, timing and persona */
	double compute_cpu;     /* the same, CPU of all its threads */
	double shard_mb;        /* its shard dataset's string pool, MB */
	struct mpi_reuse_stats reuse; /* its part of the near-duplicate
					 search */
};

struct mpi_feat {
	MPI_Comm comm;
	int rank, size;
	size_t round;          /* 0: MPI_FEAT_ROUND */
	struct feature_shard shard; /* for feature_opts.shard on rank 0 */
	struct reuse_near near;     /* shard.near: the search on the ranks */
	int started, finished; /* rank 0: the hook's calls so far */
	int near_done;         /* rank 0: the search ran (or was called off) */
	int local;             /* rank 0: a second feature stage, computed
				  here (the other ranks served one) */
	const struct feature_opts *o; /* rank 0: the stage's options */
	int die_rank;          /* test hook: this rank kills itself once it
				  has its accounts (-1: none); set by cli/ */
	int die_reuse_rank;    /* the same once it has its first band's
				  entries of the near-duplicate search */
	int fail_rank;         /* test hook: this rank's features fail (as
				  out of memory) once computed (-1: none) */
	/* every rank, set before the stage: the texts this rank owns when
	 * the texts are kept off rank 0 (mpi_ingest.texts_apart; NULL on
	 * every rank otherwise) */
	struct mpi_texts *texts;
	/* rank 0: the URLs found in the texts (near.text_urls) and the
	 * texts of the posts the run shows, fetched from the owners */
	struct mpi_postbytes text_urls, shown;
	struct reuse_text_urls tu;
	uint64_t n_text_urls, text_url_bytes; /* rank 0: the texts' URLs */
	uint64_t n_shown, shown_bytes;        /* rank 0: the texts fetched */
	/* rank 0, set by cli/ (NULL: kept): the dataset, the one the stage
	 * reads, whose post columns only the per-account features read
	 * (dataset_drop_post_columns) are freed once they are sent to the
	 * owners, with the posts' origins (has_text); columns_freed the
	 * bytes */
	struct dataset *sent_ds;
	size_t columns_freed;
	/* rank 0, texts kept off it, once sent_ds's posts are sent: which
	 * posts have a text (a bit each), in place of the posts' origins
	 * (8 bytes each), freed then; NULL: read the origins */
	uint64_t *has_text;
	struct mpi_feat_stats st;
	struct mpi_feat_stats *all; /* rank 0: every rank's, after finish */
	void *mine;            /* private: this rank's shard and rows */
	char errmsg[256];
};

/* Owner of account (platform, id[0..len)) among `size` ranks: 0 for one
 * rank, else one of 1..size-1. */
int mpi_feat_owner(unsigned platform, const char *id, size_t len, int size);

void mpi_feat_init(struct mpi_feat *f, MPI_Comm comm);
void mpi_feat_release(struct mpi_feat *f);

/* Rank 0: sets o->shard (only when there are several ranks; every other
 * rank must then be in mpi_feat_serve). */
void mpi_feat_hook(struct mpi_feat *f, struct feature_opts *o);

/* Ranks other than 0: computes this rank's accounts' features if rank 0
 * runs the feature stage, or returns at once when it says it will not. */
enum cib_err mpi_feat_serve(struct mpi_feat *f);

/* Rank 0, after the run: releases the others from mpi_feat_serve if the
 * hook never started (the run failed before the features). */
enum cib_err mpi_feat_done(struct mpi_feat *f);

/* Rank 0, texts kept off it: stores the texts fetched at the end of the
 * feature stage (those of the posts in a reuse group, all a scored run
 * quotes) into ds, as post.text; the rest stay without text. Before any
 * reader of them (score's strings_done hook). */
enum cib_err mpi_feat_put_texts(struct mpi_feat *f, struct dataset *ds);

#endif
