/* reuse.h - content reuse: exact and near-duplicate texts, shared URLs.
 *
 * reuse_compute() groups posts whose normalised texts are equal or nearly
 * equal (estimated Jaccard similarity of their shingle sets at least
 * opts.jaccard), and summarises per group and per account how much text and
 * how many links an account shares with others. Exact duplicates are found
 * by hashing the normalised text; near-duplicates by MinHash signatures,
 * LSH banding over the distinct texts, verification of each candidate pair
 * on the full signature, and union-find. Definitions, parameters and their
 * reasons: docs/features-reuse.md.
 *
 * Ownership: the caller owns `struct reuse_result`; reuse_compute() fills
 * it with arrays the result owns, freed by reuse_result_release(). The
 * dataset is read only: canonical URLs and domains are interned into the
 * result's own layer over ds->strings (r->strs, core/strlayer.h), so their
 * ids compare with the dataset's; read them with reuse_str().
 */
#ifndef CIB_REUSE_H
#define CIB_REUSE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/dataset.h"
#include "../core/error.h"
#include "../core/postindex.h"
#include "../core/strlayer.h"

/* MinHash values per text (each stored as its low 16 bits). */
#define REUSE_K 64
/* Shingles per text considered (the first ones in text order). */
#define REUSE_MAX_SHINGLES 1024
/* Bytes of normalised text kept per post: longer texts are compared on
 * their first REUSE_NORM_CAP bytes. */
#define REUSE_NORM_CAP 8192
/* URLs kept per post (entities, or found in the text); more are counted
 * in stats.n_urls_dropped. */
#define REUSE_MAX_URLS 64
/* Bottom-k sketch size for n_co_accounts: exact below this many. */
#define REUSE_KMV 256

struct reuse_opts {
	double jaccard;      /* near-duplicate threshold, default 0.6 */
	unsigned min_tokens; /* fewer distinct shingles: exact match only (5) */
	unsigned bands;      /* LSH bands (16) */
	unsigned rows;       /* rows per band (4); bands * rows <= REUSE_K */
	unsigned bucket_cap; /* a band bucket up to this size is compared
				all-pairs; a larger one with a sliding window
				of this many (64) */
	uint32_t max_accounts; /* a group of texts posted by more accounts
				  is viral or generic, not copied by a few:
				  it adds nothing to share_copied and
				  n_co_accounts (1000, the coordination
				  graph's --max-actors) */
	uint64_t seed;       /* MinHash family; results are a function of it */
	unsigned threads;    /* worker threads, 0 = 2 */
	size_t url_chunk;    /* posts per chunk of the URL step, 0 = 2^20:
				the canonical URLs of one chunk are held at
				once; results do not depend on it */
};

struct reuse_stats {
	size_t n_texts;      /* posts with a non-empty normalised text */
	size_t n_distinct;   /* distinct normalised texts */
	size_t n_short;      /* distinct texts below min_tokens */
	size_t n_signed;     /* distinct texts with a MinHash signature */
	size_t n_candidates; /* candidate pairs checked on the signature */
	size_t n_verified;   /* of those, at or above the threshold */
	size_t n_capped_buckets; /* band buckets larger than bucket_cap */
	size_t n_url_refs;   /* (post, canonical URL) entries */
	size_t n_bad_urls;   /* URLs that did not canonicalise */
	size_t n_urls_dropped; /* URLs past REUSE_MAX_URLS in one post */
};

struct reuse_result {
	size_t n_posts, n_accounts;

	/* per post: near-duplicate group id, or UINT32_MAX when no other post
	 * has the same or a near-identical text (reposts, empty texts and
	 * singletons) */
	uint32_t *post_group;

	/* per group, ids 0..n_groups-1 numbered by their lowest post index */
	size_t n_groups;
	uint32_t *group_posts;    /* posts */
	uint32_t *group_accounts; /* distinct accounts */
	uint32_t *group_variants; /* distinct normalised texts (1: exact) */
	uint32_t *group_rep;      /* earliest post (lowest index on ties) */
	int64_t *group_first, *group_last; /* time of first and last post */

	/* per account */
	uint32_t *n_texts;       /* non-repost posts with a normalised text */
	double *share_copied;    /* share of n_texts in a group with another
				    account (0 when n_texts is 0) */
	uint32_t *n_co_accounts; /* other accounts sharing a group with it:
				    exact when it is in one group or its
				    groups hold fewer than REUSE_KMV
				    accounts, else a bottom-k estimate */
	double *self_repeat;     /* share of n_texts in a group with an
				    earlier text of its own */
	uint32_t *n_urls;        /* distinct canonical URLs it posted */
	uint32_t *n_domains;     /* distinct registrable domains */
	double *url_shared_share;    /* of n_urls, share also posted by
					another account (0 when none) */
	double *domain_shared_share; /* same for n_domains */

	/* per post URLs (CSR, every post including reposts): post j's URLs
	 * are url_str[k], url_domain[k] for k in [url_off[j], url_off[j+1]),
	 * string ids in strs (the dataset's ids where it holds the string),
	 * each canonical URL once per post;
	 * url_domain[k] is STR_NONE only when no domain could be derived
	 * (not expected: a canonical URL always has a valid host) */
	uint64_t *url_off; /* n_posts + 1 */
	uint32_t *url_str;
	uint32_t *url_domain;
	/* the dataset's strings and the canonical URLs and domains made
	 * here (a layer over ds->strings; reuse_str() reads it) */
	struct strlayer strs;

	struct reuse_stats stats;
};

/* A string id of r (a URL, a domain, or any id of the dataset) as text. */
static inline const char *reuse_str(const struct reuse_result *r, uint32_t id)
{
	return strlayer_get(&r->strs, id);
}

void reuse_opts_init(struct reuse_opts *o);

/* Computes everything above for ds. `pi` may be NULL; when given it must
 * have been built for ds (its account count is checked). Returns
 * CIB_EUSAGE for invalid options, CIB_ENOMEM, CIB_ETOOBIG when the pool is
 * full. On error r is left released. */
enum cib_err reuse_compute(const struct dataset *ds,
			   const struct postindex *pi,
			   const struct reuse_opts *o, struct reuse_result *r);

/* The distinct texts and the near-duplicate search done elsewhere (score
 * --mpi: the texts hashed and signed on the ranks owning the posts'
 * accounts, numbered on the ranks owning their hashes, the LSH bands
 * checked on the ranks owning the band keys; mpi/mpi_reuse.c).
 * reuse_compute_near() then calls texts() instead of hashing, signing and
 * searching, and goes on with the groups and the URLs. texts() must give
 * what reuse_compute() would have found: text[j] for every post j of the
 * n (the number d of its normalised text among the distinct ones in hash
 * order, 0..*nd-1; UINT32_MAX for a post without text), and *parent, nd
 * entries it allocates with malloc: a union-find forest whose trees are
 * the near-duplicate components of the search; and set st->n_signed,
 * n_candidates, n_verified and n_capped_buckets. The building blocks below
 * (and features/reuse_near.h) do it with the same arithmetic. */
/* The URLs found in the posts' texts, for a dataset that holds no texts
 * (score --mpi keeps them on the accounts' owners, which find the URLs
 * there): post[k] ascending, URL k is bytes[off[k]..off[k] + len[k]), a
 * post's URLs in the order urlnorm_next finds them in its text. Given only
 * for posts without a URL entity, the ones reuse looks in the text of. */
struct reuse_text_urls {
	size_t n;
	const uint32_t *post;
	const uint64_t *off;
	const uint32_t *len;
	const char *bytes;
};

struct reuse_near {
	void *ctx;
	enum cib_err (*texts)(void *ctx, uint32_t *text, size_t n,
			      size_t *nd, uint32_t **parent,
			      struct reuse_stats *st);
	/* read after texts() returns: NULL, or the texts' URLs (the
	 * dataset then holds no texts) */
	const struct reuse_text_urls *text_urls;
};

/* reuse_compute() with the near-duplicate search given to `near` (NULL:
 * reuse_compute() itself). */
enum cib_err reuse_compute_near(const struct dataset *ds,
				const struct postindex *pi,
				const struct reuse_opts *o,
				const struct reuse_near *near,
				struct reuse_result *r);

/* A 64-bit key and a 32-bit value; reuse_sort_kv() sorts by key, stable
 * (a radix sort: linear in n). CIB_ENOMEM leaves a as it was. */
struct reuse_kv {
	uint64_t k;
	uint32_t v;
};
enum cib_err reuse_sort_kv(struct reuse_kv *a, size_t n);

/* Signs posts as reuse_compute() does: reuse_signer_post() gives post j's
 * normalised-text hash (*has_text 0 when the post has none: a repost, no
 * text, or nothing left after normalising) and, when the text has enough
 * shingles, its signature (*is_signed 1). Text equality is decided by the
 * hash, and a distinct text takes its lowest post's signature. sig NULL:
 * the hash only. */
struct reuse_signer;
enum cib_err reuse_signer_new(const struct reuse_opts *o,
			      struct reuse_signer **out);
void reuse_signer_free(struct reuse_signer *s);
void reuse_signer_post(struct reuse_signer *s, const struct dataset *ds,
		       size_t j, int *has_text, uint64_t *hash,
		       int *is_signed, uint16_t sig[REUSE_K]);

/* Unites in parent[0..nd) (a union-find forest, the smaller index the
 * root, as reuse_compute keeps it) the verified pairs pairs[0..n)
 * (d_x << 32 | d_y). CIB_EIO when a pair is out of range (nothing after
 * it is united). */
enum cib_err reuse_unite_pairs(uint32_t *parent, size_t nd,
			       const uint64_t *pairs, size_t n);

/* Bits of a band entry that hold the signed text's index, for n signed
 * texts; the rest hold the band key's high bits. */
unsigned reuse_lsh_idbits(size_t n_signed);

/* The entry of the signed text of index i (its rank among the signed
 * distinct texts, hash order) in `band`: the band key's high bits, then i.
 * Entries sorted ascending list each bucket (equal high bits) by i. */
uint64_t reuse_lsh_entry(const struct reuse_opts *o, unsigned idbits,
			 const uint16_t sig[REUSE_K], unsigned band,
			 uint64_t i);

/* Where reuse_lsh_buckets reads the signatures (REUSE_K values each) of
 * its texts, by local index x: x in [lo, hi) at mid + pos[x] * REUSE_K
 * (score --mpi: the texts the scanning rank holds itself, read where
 * they are rather than copied), every other x at rest, in order (rest
 * holds n - (hi - lo) of them: the texts fetched from other ranks).
 * lo = hi: all at rest. */
struct reuse_sigs {
	const uint16_t *rest, *mid;
	const uint64_t *pos;
	size_t lo, hi;
};

/* Scans whole buckets of one band as reuse_compute() does: ent[0..nent)
 * are sorted entries whose low idbits bits are a local index x (any
 * numbering increasing with the global index i) into the signatures sg
 * and d (the distinct-text number); n texts. Verified pairs are
 * appended to *pairs (d_x << 32 | d_y; *npairs, *cap: a growing array
 * the caller frees) and counted in st. Every pair a bucket check of
 * reuse_compute() verifies is found (texts joined in an earlier band are
 * not skipped here, so the counts of candidates can be larger). */
enum cib_err reuse_lsh_buckets(const struct reuse_opts *o, unsigned idbits,
			       const struct reuse_sigs *sg, const uint32_t *d,
			       size_t n, const uint64_t *ent, size_t nent,
			       unsigned band, uint64_t **pairs, size_t *npairs,
			       size_t *cap, struct reuse_stats *st);

/* Frees what reuse_compute() allocated; accepts NULL and a zeroed result. */
void reuse_result_release(struct reuse_result *r);

/* Frees the per-post URLs (url_off, url_str, url_domain: 8 bytes a post
 * and a URL) for a caller past their last reader (the pipeline's events;
 * score, which writes no HTML report, once they are built); they are
 * NULL afterwards. Returns the bytes freed. */
size_t reuse_drop_urls(struct reuse_result *r);

/* Gives back to the system the pages holding only posts [0, upto)'s
 * URLs (bigmem_discard): for a caller that frees them with
 * reuse_drop_urls next and reads none of those before. Those bytes read
 * as zero after. Returns the bytes of the pages given back, those of
 * earlier calls included. */
size_t reuse_discard_urls(struct reuse_result *r, size_t upto);

/* The posts whose texts a scored run quotes for account a (model/run.c,
 * account_texts): of its posts in a group with another account, one a
 * group, the groups with the most accounts first (ties: the lower group
 * id), each group's first post of the account in pi's order; at most k.
 * Fills group[0..) and post[0..) and returns how many. Reads post_group,
 * n_groups and group_accounts only, so score --mpi can fetch just these
 * texts from the owners (mpi/mpi_feat.c) before the run is built. */
size_t reuse_quoted_posts(const struct reuse_result *r,
			  const struct postindex *pi, uint32_t a, size_t k,
			  uint32_t *group, uint32_t *post);

/* A bit for each of r->n_posts posts (bits.h) set when reuse_quoted_posts
 * picks it, with k of them at most, for some account of pi, in *bits
 * (the caller frees; NULL when r has no groups). CIB_ENOMEM: *bits
 * NULL. */
enum cib_err reuse_quoted_bits(const struct reuse_result *r,
			       const struct postindex *pi, size_t k,
			       uint64_t **bits);

/* Building blocks, public for tests and for the model's explanations. */

/* The MinHash signature of the shingle set sh[0..n) (n > 0). */
void reuse_minhash(const uint64_t *sh, size_t n, uint64_t seed,
		   uint16_t sig[REUSE_K]);

/* Jaccard similarity estimated from two signatures: the share of equal
 * values, corrected for chance equality of 16-bit values. */
double reuse_signature_jaccard(const uint16_t a[REUSE_K],
			       const uint16_t b[REUSE_K]);

/* Probability that a pair of similarity s becomes an LSH candidate with
 * `bands` bands of `rows` rows: 1 - (1 - s^rows)^bands. */
double reuse_lsh_probability(double s, unsigned bands, unsigned rows);

/* Normalised text and shingles of a post's text, as reuse_compute() sees
 * them; writes up to cap shingle hashes, returns how many (see
 * textnorm_shingles). */
size_t reuse_text_shingles(const char *text, size_t n, uint64_t *out,
			   size_t cap);

#endif
