/* reuse_near.h - the near-duplicate search of reuse_compute() cut into
 * shards (score --mpi, mpi/mpi_reuse.c; docs/scale.md section 5.3).
 *
 * The search of reuse_compute() signs every distinct normalised text,
 * cuts each signature into bands, and checks the texts that share a band
 * bucket. Here the same work is split three ways, with no transport in it
 * (the caller moves the records; tests/test_reuse.c moves them between
 * arrays):
 *
 *   1. a rank holding some posts signs their locally distinct texts
 *      (reuse_near_sign): one record per text hash, carrying the lowest
 *      global post index among its posts and the signature;
 *   2. the rank owning a hash (reuse_near_owner of the hash) keeps, of all
 *      the records of that hash, the one of the lowest post
 *      (reuse_near_distinct): that is the signature reuse_compute() gives
 *      the text, and the ranks' sorted lists, concatenated in rank order,
 *      are the distinct texts in reuse_compute()'s order, so a text's
 *      number d and its signed index i are a rank's offset plus its
 *      position; each sender learns the d of the texts it sent
 *      (reuse_near_find), so every post's d is known where the post is;
 *   3. for each band, every signed text's entry (reuse_lsh_entry) goes to
 *      the rank owning the entry's key; that rank sorts its entries, keeps
 *      the buckets of two or more (reuse_near_buckets), fetches their
 *      signatures and checks them (reuse_lsh_buckets). Every bucket is
 *      whole on one rank, so the verified pairs join the same texts as
 *      reuse_compute()'s search.
 */
#ifndef CIB_REUSE_NEAR_H
#define CIB_REUSE_NEAR_H

#include <stddef.h>
#include <stdint.h>

#include "../core/dataset.h"
#include "../core/error.h"
#include "reuse.h"
#include "../core/sortu64.h"

/* One distinct text as a signer sends it (144 bytes, no padding). */
struct reuse_near_text {
	uint64_t hash;      /* normalised text's hash */
	uint32_t post;      /* lowest global post index with it (sender's) */
	uint32_t is_signed; /* 0: too short to sign (sig unset, zero) */
	uint16_t sig[REUSE_K];
};

/* The rank, of n, owning a 64-bit key spread evenly (a text hash, a band
 * entry): ranges of the key's high 32 bits, so rank order is key order. */
static inline int reuse_near_owner(uint64_t key, int n)
{
	return (int)(((key >> 32) * (uint64_t)n) >> 32);
}

/* Step 1: the locally distinct texts of the posts of ds, whose global
 * indices are gpost[0..ds->post.n): one record per hash (the lowest
 * global post's), sorted by hash, in *out (*n_out), and for each post of
 * ds the index of its text's record in *post_text (UINT32_MAX: no text).
 * The caller frees both. */
enum cib_err reuse_near_sign(const struct dataset *ds, const uint32_t *gpost,
			     const struct reuse_opts *o,
			     struct reuse_near_text **out, size_t *n_out,
			     uint32_t **post_text);

/* The number of the text of hash h among hashes[0..n) (sorted, distinct):
 * its position, or n when absent. */
size_t reuse_near_find(const uint64_t *hashes, size_t n, uint64_t h);

/* Step 2: keeps of t[0..n), at its front in hash order, each hash's
 * record of the lowest post (*n_kept of them). CIB_ENOMEM leaves t as it
 * was. */
enum cib_err reuse_near_distinct(struct reuse_near_text *t, size_t n,
				 size_t *n_kept);

/* Step 2 on records that come as nruns runs, run r the next len[r]
 * records, each sorted by hash (what a rank receives: every sender's
 * texts in hash order): the same as reuse_near_distinct, by merging the
 * runs rather than sorting (4 bytes a record, against 36), and num[i]
 * (may be NULL) gets the kept rank of record i's hash, i counted before
 * the records move. CIB_EUSAGE, t unchanged, when a run is out of order
 * or the lengths do not sum to n; CIB_ENOMEM leaves t as it was. */
enum cib_err reuse_near_distinct_runs(struct reuse_near_text *t, size_t n,
				      const size_t *len, size_t nruns,
				      size_t *n_kept, uint32_t *num);

/* Step 3, on the rank owning the entries: sorts ent[0..n), drops the
 * entries alone in their bucket (high 64 - idbits bits), and returns how
 * many are left at the front. *ids (caller frees) gets the distinct text
 * indices those entries hold, ascending (*nids), and each entry's low
 * bits are replaced by its index's position in *ids, which keeps the
 * order (reuse_lsh_buckets' local numbering). */
enum cib_err reuse_near_buckets(uint64_t *ent, size_t n, unsigned idbits,
				uint64_t **ids, size_t *nids, size_t *n_kept);

#endif
