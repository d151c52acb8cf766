/* reuse.c - exact and near-duplicate texts and shared links.
 *
 * Pipeline (every step sort-and-scan or linear; nothing pairs all posts):
 *  1. each post's text is normalised (textnorm) and hashed (XXH3-64);
 *     reposts and empty texts have no text of their own;
 *  3. in the same pass, the first time a thread meets a text hash it
 *     computes that text's REUSE_K-value MinHash signature (values stored
 *     as their low 16 bits) when it has at least min_tokens shingles;
 *  2. a radix sort of (hash, post) gives the distinct texts, each with
 *     its lowest post as representative and that post's signature;
 *  4. for each LSH band the (band key, text) entries are radix-sorted;
 *     equal keys are candidates, checked on the full signature, and those
 *     at or above the threshold are united (union-find over texts);
 *  5. components with two or more posts are the groups; per account and
 *     per group counts come from sorted (account, group) pairs;
 *  6. URLs (entities, or found in the text) are canonicalised, then
 *     interned and shared-URL shares computed from sorted (url, account)
 *     pairs.
 * Steps 1+3, the bands (built, sorted and scanned opts.threads at a time)
 * and the URL canonicalisation run on threads over disjoint ranges; the
 * unions and the interning run on one thread in a fixed order, so the
 * result does not depend on scheduling. Invariant: the result depends only
 * on ds and the options.
 */
#include "reuse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "../core/bigmem.h"
#include "../core/bits.h"
#include "../core/forkjoin.h"
#include "../core/sortu64.h"
#include "../core/splitmix.h"
#include "../core/unionfind.h"
#include "textnorm.h"
#include "urlnorm.h"

#define SHINGLE_SEED UINT64_C(0x9e3779b97f4a7c15)
#define TEXT_SEED UINT64_C(0x51ed27f0a1b2c3d4)
#define NONE32 UINT32_MAX

void reuse_opts_init(struct reuse_opts *o)
{
	o->jaccard = 0.6;
	o->min_tokens = 9;
	o->bands = 16;
	o->rows = 4;
	o->bucket_cap = 64;
	o->max_accounts = 1000;
	o->seed = 1;
	o->threads = 0;
	o->url_chunk = 0;
}


struct hashfam {
	uint32_t a[REUSE_K], b[REUSE_K], c[REUSE_K];
};

static void hashfam_init(struct hashfam *h, uint64_t seed)
{
	uint64_t s = seed;

	for (int i = 0; i < REUSE_K; i++) {
		h->a[i] = (uint32_t)splitmix_next(&s) | 1;
		h->b[i] = (uint32_t)splitmix_next(&s) | 1;
		h->c[i] = (uint32_t)splitmix_next(&s);
	}
}

/* h_i(x) for the 64-bit shingle hash x = (hi, lo): a_i lo + b_i hi + c_i
 * (mod 2^32), then an xorshift-multiply finaliser so that every output bit
 * depends on every input bit. All 32-bit lane arithmetic, which compilers
 * vectorise (8 lanes with AVX2); the unit tests check the estimator's
 * bias and binomial variance for this family. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static void minhash_fam(const struct hashfam *h, const uint64_t *sh, size_t n,
			uint16_t *sig)
{
	uint32_t m[REUSE_K];

	for (int i = 0; i < REUSE_K; i++)
		m[i] = UINT32_MAX;
	for (size_t j = 0; j < n; j++) {
		uint32_t lo = (uint32_t)sh[j], hi = (uint32_t)(sh[j] >> 32);

		for (int i = 0; i < REUSE_K; i++) {
			uint32_t v = lo * h->a[i] + hi * h->b[i] + h->c[i];

			v ^= v >> 16;
			v *= 0x7feb352dU;
			v ^= v >> 15;
			m[i] = v < m[i] ? v : m[i];
		}
	}
	/* low bits: the high bits of a minimum are mostly zero */
	for (int i = 0; i < REUSE_K; i++)
		sig[i] = (uint16_t)m[i];
}

void reuse_minhash(const uint64_t *sh, size_t n, uint64_t seed,
		   uint16_t sig[REUSE_K])
{
	struct hashfam h;

	hashfam_init(&h, seed);
	minhash_fam(&h, sh, n, sig);
}

/* Equal values among the first k of two signatures. */
static unsigned sig_equal(const uint16_t *a, const uint16_t *b, int k)
{
	unsigned m = 0;

	for (int i = 0; i < k; i++)
		m += a[i] == b[i];
	return m;
}

/* The estimate from m equal values out of REUSE_K. */
static double jaccard_of_equal(unsigned m)
{
	/* b-bit MinHash (Li and Koenig 2010): P(equal) = J + (1 - J) c with
	 * c = 2^-16 for unrelated minima, so J = (P - c) / (1 - c) */
	const double c = 1.0 / 65536.0;
	double p = (double)m / REUSE_K;
	double j = (p - c) / (1.0 - c);

	return j < 0 ? 0 : j;
}

double reuse_signature_jaccard(const uint16_t a[REUSE_K],
			       const uint16_t b[REUSE_K])
{
	return jaccard_of_equal(sig_equal(a, b, REUSE_K));
}

double reuse_lsh_probability(double s, unsigned bands, unsigned rows)
{
	if (s <= 0)
		return 0;
	if (s >= 1)
		return 1;
	return 1.0 - pow(1.0 - pow(s, (double)rows), (double)bands);
}

/* Sorts the shingle hashes v[0..n) ascending without qsort's indirect
 * calls: a few values by insertion; more by one counting pass on their top
 * bits into tmp (hashes are evenly spread, so buckets hold about one value
 * each), then an insertion sort back into v that moves values only within
 * their bucket. Equal values are kept (the caller removes duplicates). */
#define SORT_TOPBITS 10

static void sort_hashes(uint64_t *v, size_t n, uint64_t *tmp)
{
	uint32_t cnt[(1u << SORT_TOPBITS) + 1];
	unsigned bits = 1;

	if (n <= 16) {
		sortu64_insertion(v, n);
		return;
	}
	while (bits < SORT_TOPBITS && ((size_t)1 << bits) < n)
		bits++;
	memset(cnt, 0, (((size_t)1 << bits) + 1) * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		cnt[(v[i] >> (64 - bits)) + 1]++;
	for (size_t d = 1; d <= ((size_t)1 << bits); d++)
		cnt[d] += cnt[d - 1];
	for (size_t i = 0; i < n; i++)
		tmp[cnt[v[i] >> (64 - bits)]++] = v[i];
	/* nearly sorted now: insertion finishes in about n steps */
	memcpy(v, tmp, n * sizeof(*v));
	sortu64_insertion(v, n);
}

/* Shingles of a normalised text for similarity: for space-separated
 * scripts every word AND every pair of consecutive words; for unspaced runs
 * (Han, kana, Thai...) textnorm's character bigrams. Single words alone
 * cannot tell a copy from an unrelated post in the same register: common
 * words make their sets overlap and union-find then chains thousands of
 * unrelated posts into one group (docs/features-reuse.md). The word pairs
 * carry order, so chance overlap stays low, while the single words keep a
 * reordered copy near the threshold. Sorted and distinct; tmp has cap
 * entries of scratch. */
static size_t sequence_shingles(const char *norm, size_t n, uint64_t *out,
				uint64_t *tmp, size_t cap)
{
	uint64_t prev = 0, first = 0;
	size_t k = 0, i = 0, words = 0;
	int have_prev = 0;

	while (i < n && k < cap) {
		size_t e = i;
		utf8proc_int32_t cp = 0;

		if (norm[i] == ' ') {
			i++;
			continue;
		}
		while (e < n && norm[e] != ' ')
			e++;
		utf8proc_iterate((const utf8proc_uint8_t *)norm + i,
				 (utf8proc_ssize_t)(e - i), &cp);
		if (textnorm_is_unspaced(cp)) {
			k += textnorm_shingles(norm + i, e - i, SHINGLE_SEED,
					       out + k, cap - k);
			have_prev = 0;
		} else {
			uint64_t h = XXH3_64bits_withSeed(norm + i, e - i,
							  SHINGLE_SEED);

			words++;
			(void)first;
			out[k++] = h;
			if (have_prev && k < cap) {
				uint64_t pair[2] = { prev, h };

				out[k++] = XXH3_64bits_withSeed(pair, sizeof(pair),
								SHINGLE_SEED);
			}
			prev = h;
			have_prev = 1;
		}
		i = e;
	}
	if (k > 1) {
		size_t u = 1;

		sort_hashes(out, k, tmp);
		for (size_t j = 1; j < k; j++)
			if (out[j] != out[u - 1])
				out[u++] = out[j];
		k = u;
	}
	return k;
}

size_t reuse_text_shingles(const char *text, size_t n, uint64_t *out,
			   size_t cap)
{
	char norm[REUSE_NORM_CAP];
	size_t len = textnorm_normalise(text, n, norm, sizeof(norm));
	uint64_t *tmp = malloc((cap ? cap : 1) * sizeof(*tmp));
	size_t k;

	if (!tmp)
		return 0;
	k = sequence_shingles(norm, len, out, tmp, cap);
	free(tmp);
	return k;
}

/* ---- radix sorts ---------------------------------------------------- */

#define RADIX 65536

/* Sorts a[0..n) by k (stable). */
enum cib_err reuse_sort_kv(struct reuse_kv *a, size_t n)
{
	size_t *cnt;
	struct reuse_kv *src = a, *dst, *tmp;

	if (n < 2)
		return CIB_OK;
	cnt = malloc(RADIX * sizeof(*cnt));
	tmp = bigmem_malloc(n * sizeof(*tmp));
	if (!cnt || !tmp) {
		free(cnt);
		free(tmp);
		return CIB_ENOMEM;
	}
	dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 16) {
		size_t sum = 0;
		uint64_t first = (src[0].k >> shift) & 0xffff;
		int constant = 1;

		memset(cnt, 0, RADIX * sizeof(*cnt));
		for (size_t i = 0; i < n; i++) {
			uint64_t d = (src[i].k >> shift) & 0xffff;

			cnt[d]++;
			constant &= d == first;
		}
		if (constant)
			continue;
		for (size_t d = 0; d < RADIX; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i].k >> shift) & 0xffff]++] = src[i];
		{
			struct reuse_kv *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	free(cnt);
	free(tmp);
	return CIB_OK;
}

/* ---- threads -------------------------------------------------------- */

struct pfor {
	void (*fn)(void *ctx, size_t lo, size_t hi, unsigned t);
	void *ctx;
	size_t n;
	unsigned nt;
};

static void pfor_share(void *p, unsigned t)
{
	const struct pfor *f = p;

	f->fn(f->ctx, forkjoin_share(f->n, f->nt, t),
	      forkjoin_share(f->n, f->nt, t + 1), t);
}

/* Runs fn over [0, n) split into nt (1 to 16) contiguous ranges, one per
 * thread (core/forkjoin.h); a thread that cannot be created runs in the
 * caller. */
static void parallel_for(unsigned nt, size_t n,
			 void (*fn)(void *, size_t, size_t, unsigned),
			 void *ctx)
{
	struct pfor f = { fn, ctx, n, nt > 16 ? 16 : nt < 1 ? 1 : nt };

	forkjoin_run(f.nt, pfor_share, &f);
}

/* ---- steps 1-3: text hashes and signatures -------------------------- */

/* Each thread keeps the distinct text hashes of its range of posts in an
 * open-addressing set, with the index of the text's signature in the
 * thread's own array (or SIG_SHORT). A signature is computed at a hash's
 * first post in the range, from the normalised text already in hand, so no
 * text is normalised twice and no representative is fetched at random
 * later. The lowest post of a text lies in one thread's range and is the
 * first there, so every distinct text gets its lowest post's signature,
 * exactly as when the representatives were signed after the sort. */
#define SIG_SHORT (UINT32_MAX - 1)

struct tslot {
	uint64_t key; /* text hash */
	uint32_t val; /* signature index or SIG_SHORT; NONE32: empty */
};

struct work {
	const struct dataset *ds;
	const struct reuse_opts *o;
	struct hashfam fam;
	char *norm[16];      /* per thread REUSE_NORM_CAP */
	uint64_t *shbuf[16]; /* per thread REUSE_MAX_SHINGLES */
	uint64_t *shtmp[16]; /* per thread REUSE_MAX_SHINGLES (sort) */
	uint64_t *hash;      /* per post */
	uint32_t *tid;       /* per post: NONE32 (no text), SIG_SHORT, or the
				text's signature index in its thread's sig */
	uint16_t *sig[16];   /* per thread: REUSE_K values per signed text */
	size_t nsig[16], capsig[16];
	enum cib_err err[16];
};

/* Post j's normalised text into buf (REUSE_NORM_CAP bytes): its length,
 * 0 for a repost or a post without text. */
static size_t norm_post(const struct dataset *ds, size_t j, char *buf)
{
	uint32_t s = ds_text_id(ds, j);

	if (ds->post.kind[j] == POST_REPOST || s == STR_NONE)
		return 0;
	return textnorm_normalise(strpool_get(&ds->texts, s),
				  strpool_len(&ds->texts, s), buf,
				  REUSE_NORM_CAP);
}

static size_t tslot_home(uint64_t key, size_t mask)
{
	return (size_t)(key ^ key >> 32) & mask;
}

/* Doubles the set (or creates it with 2^k >= want slots). */
static enum cib_err tset_grow(struct tslot **set, size_t *mask, size_t want)
{
	size_t old = *set ? *mask + 1 : 0, nm = old ? old * 2 : 1024;
	struct tslot *ns;

	while (nm < want)
		nm *= 2;
	ns = bigmem_malloc(nm * sizeof(*ns));
	if (!ns)
		return CIB_ENOMEM;
	for (size_t i = 0; i < nm; i++)
		ns[i].val = NONE32;
	for (size_t i = 0; i < old; i++) {
		size_t h;

		if ((*set)[i].val == NONE32)
			continue;
		h = tslot_home((*set)[i].key, nm - 1);
		while (ns[h].val != NONE32)
			h = (h + 1) & (nm - 1);
		ns[h] = (*set)[i];
	}
	free(*set);
	*set = ns;
	*mask = nm - 1;
	return CIB_OK;
}

/* The signature value of a new text: its index in sig[t], or SIG_SHORT. */
/* The shingles of a normalised text into sh (tmp: scratch, both
 * REUSE_MAX_SHINGLES): how many, or 0 when too few to sign. */
static size_t signable_shingles(const struct reuse_opts *o, const char *norm,
				size_t len, uint64_t *sh, uint64_t *tmp)
{
	size_t k = sequence_shingles(norm, len, sh, tmp, REUSE_MAX_SHINGLES);

	return k < o->min_tokens ? 0 : k;
}

static enum cib_err text_sign(struct work *w, unsigned t, size_t len,
			      uint32_t *val)
{
	size_t k = signable_shingles(w->o, w->norm[t], len, w->shbuf[t],
				     w->shtmp[t]);

	*val = SIG_SHORT;
	if (k == 0)
		return CIB_OK;
	if (w->nsig[t] == w->capsig[t]) {
		size_t nc = w->capsig[t] ? w->capsig[t] * 2 : 4096;
		uint16_t *a = bigmem_realloc(w->sig[t],
					     nc * REUSE_K * sizeof(*a));

		if (!a)
			return CIB_ENOMEM;
		w->sig[t] = a;
		w->capsig[t] = nc;
	}
	minhash_fam(&w->fam, w->shbuf[t], k, w->sig[t] + w->nsig[t] * REUSE_K);
	*val = (uint32_t)w->nsig[t]++;
	return CIB_OK;
}

static void step_text(void *ctx, size_t lo, size_t hi, unsigned t)
{
	struct work *w = ctx;
	struct tslot *set = NULL;
	size_t mask = 0, used = 0;
	enum cib_err err = tset_grow(&set, &mask, hi - lo);

	for (size_t j = lo; j < hi && !err; j++) {
		size_t len = norm_post(w->ds, j, w->norm[t]), h;
		uint64_t key;
		uint32_t val;

		w->hash[j] = 0;
		w->tid[j] = NONE32;
		if (!len)
			continue;
		key = XXH3_64bits_withSeed(w->norm[t], len, TEXT_SEED);
		w->hash[j] = key;
		h = tslot_home(key, mask);
		while (set[h].val != NONE32 && set[h].key != key)
			h = (h + 1) & mask;
		if (set[h].val != NONE32) {
			w->tid[j] = set[h].val;
			continue;
		}
		if ((err = text_sign(w, t, len, &val)))
			break;
		set[h].key = key;
		set[h].val = val;
		w->tid[j] = val;
		if (++used * 2 > mask + 1)
			err = tset_grow(&set, &mask, 0);
	}
	free(set);
	w->err[t] = err;
}

/* ---- step 4: LSH ---------------------------------------------------- */

/* A signed text: its distinct-text index and its signature's index. */
struct sref {
	uint32_t d, slot;
};

/* What one band's scan found: verified pairs, to be united afterwards. */
struct bandscan {
	uint64_t *pairs; /* (x << 32 | y), distinct-text indices */
	size_t npairs, cappairs;
	uint32_t *lp;    /* union-find over one bucket's positions */
	size_t caplp;
	size_t n_candidates, n_verified, n_capped;
	enum cib_err err;
};

/* Everything a band's scan reads is indexed by the entry's id i (the
 * signed text's index into ref), so a bucket's checks make no dependent
 * load: the signatures are copied into ref order and each round starts
 * with a snapshot of the texts' roots in ref order. */
struct bands {
	const struct reuse_opts *o;
	const uint16_t *sig;    /* REUSE_K values per signed text, ref order;
				   those of [lo, hi) at mid instead
				   (struct reuse_sigs, sig_at) */
	const uint16_t *mid;
	const uint64_t *pos;
	size_t lo, hi;
	const struct sref *ref; /* signed texts, d ascending */
	const uint32_t *root;   /* per signed text: its root (flat union-find
				   as the round started), read-only in it */
	unsigned min_equal;     /* equal values needed: the estimate is at
				   least o->jaccard iff m >= min_equal */
	size_t n;
	unsigned idbits;
	unsigned first; /* band of slot 0 */
	unsigned nb;    /* bands in this round */
	uint64_t *ent[16], *tmp[16];
	struct bandscan sc[16];
};

/* Hash of the rows of `band` in signature s: up to four 16-bit rows are
 * packed exactly into 64 bits, then mixed (one bijective mix per four
 * rows), so equal rows give equal keys and the high bits kept in an entry
 * are uniformly spread. */
static uint64_t band_key(const struct bands *b, const uint16_t *s,
			 unsigned band)
{
	uint64_t key = (uint64_t)(band + 1) * UINT64_C(0x9e3779b97f4a7c15);
	uint64_t acc = 0;

	s += band * b->o->rows;
	for (unsigned r = 0; r < b->o->rows; r++) {
		acc = acc << 16 | s[r];
		if ((r & 3) == 3 || r + 1 == b->o->rows) {
			key = splitmix_mix(key ^ acc);
			acc = 0;
		}
	}
	return key;
}

/* Text i's signature (one compare past the plain array when no text is
 * at mid: lo = hi = 0). */
static inline const uint16_t *sig_at(const struct bands *b, size_t i)
{
	if (i - b->lo < b->hi - b->lo)
		return b->mid + b->pos[i] * REUSE_K;
	return b->sig + (i < b->lo ? i : i - (b->hi - b->lo)) * REUSE_K;
}

/* Entry: high (64 - idbits) bits of text i's band key, then i (the index
 * into ref); sorting groups equal keys with i ascending. */
static uint64_t band_entry(const struct bands *b, size_t i, unsigned band)
{
	uint64_t key = band_key(b, sig_at(b, i), band);

	return b->idbits >= 64 ? i : (key >> b->idbits << b->idbits) | i;
}

/* Unites by keeping the smaller index as root: deterministic, and every
 * parent index is at most its child's (which uf_flatten relies on). */
static void uf_union(uint32_t *p, uint32_t a, uint32_t b)
{
	a = uf_find(p, a);
	b = uf_find(p, b);
	if (a < b)
		p[b] = a;
	else if (b < a)
		p[a] = b;
}

enum cib_err reuse_unite_pairs(uint32_t *parent, size_t nd,
			       const uint64_t *pairs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint32_t a = (uint32_t)(pairs[k] >> 32), b = (uint32_t)pairs[k];

		if (a >= nd || b >= nd)
			return CIB_EIO;
		uf_union(parent, a, b);
	}
	return CIB_OK;
}

/* Points every element at its root in one ascending pass. */
static void uf_flatten(uint32_t *p, size_t n)
{
	for (size_t x = 0; x < n; x++)
		p[x] = p[p[x]];
}

static enum cib_err scan_push(struct bandscan *sc, uint32_t x, uint32_t y)
{
	if (sc->npairs == sc->cappairs) {
		size_t nc = sc->cappairs ? sc->cappairs * 2 : 4096;
		uint64_t *a = realloc(sc->pairs, nc * sizeof(*a));

		if (!a)
			return CIB_ENOMEM;
		sc->pairs = a;
		sc->cappairs = nc;
	}
	sc->pairs[sc->npairs++] = (uint64_t)x << 32 | y;
	return CIB_OK;
}

/* Checks the pairs of one bucket e[0..m): all pairs when m <= cap + 1,
 * otherwise each entry with the next cap ones. A pair is skipped when its
 * texts were already joined before this round (the flat parent) or by
 * pairs verified earlier in this bucket (lp); which pairs are skipped
 * never changes the components, only the work. */
static enum cib_err bucket_check(const struct bands *b, struct bandscan *sc,
				 const uint64_t *e, size_t m, uint64_t idmask)
{
	size_t cap = b->o->bucket_cap;
	uint32_t *lp;

	if (m > sc->caplp) {
		lp = realloc(sc->lp, m * sizeof(*lp));
		if (!lp)
			return CIB_ENOMEM;
		sc->lp = lp;
		sc->caplp = m;
	}
	lp = sc->lp;
	for (size_t k = 0; k < m; k++)
		lp[k] = (uint32_t)k;
	for (size_t x = 0; x < m; x++) {
		size_t ix = (size_t)(e[x] & idmask);
		uint32_t px = b->root[ix];
		const uint16_t *sx = sig_at(b, ix);

		for (size_t y = x + 1; y < m && y <= x + cap; y++) {
			size_t iy = (size_t)(e[y] & idmask);
			const uint16_t *sy;
			uint32_t lx, ly;
			unsigned eq;
			enum cib_err err;

			if (b->root[iy] == px)
				continue;
			lx = uf_find(lp, (uint32_t)x);
			ly = uf_find(lp, (uint32_t)y);
			if (lx == ly)
				continue;
			sc->n_candidates++;
			/* most candidates fail: decide on the first half
			 * (one cache line) when the second cannot help */
			sy = sig_at(b, iy);
			eq = sig_equal(sx, sy, REUSE_K / 2);
			if (eq + REUSE_K / 2 < b->min_equal)
				continue;
			eq += sig_equal(sx + REUSE_K / 2, sy + REUSE_K / 2,
				       REUSE_K / 2);
			if (eq < b->min_equal)
				continue;
			sc->n_verified++;
			lp[ly > lx ? ly : lx] = lx < ly ? lx : ly;
			if ((err = scan_push(sc, b->ref[ix].d, b->ref[iy].d)))
				return err;
		}
	}
	return CIB_OK;
}

/* Scans the sorted entries e[0..n) of `band` for buckets of equal keys.
 * A bucket of at most bucket_cap + 1 texts is checked all-pairs. A larger
 * one (usually texts whose minima fall on common words) is split by the
 * key of the next band (an LSH-forest step: its pairs must then agree on
 * more rows), up to SPLIT_DEPTH times; what is still too large is scanned
 * with a sliding window of bucket_cap. */
#define SPLIT_DEPTH 3
#define PF_AHEAD 32
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static enum cib_err band_scan(const struct bands *b, struct bandscan *sc,
			      const uint64_t *e, size_t n, unsigned band,
			      unsigned depth)
{
	uint64_t idmask = b->idbits >= 64 ? ~UINT64_C(0)
					   : (UINT64_C(1) << b->idbits) - 1;
	size_t cap = b->o->bucket_cap;
	size_t i = 0, pf = 0;

	while (i < n) {
		size_t end = i + 1;
		enum cib_err err;

		while (end < n && (e[end] & ~idmask) == (e[i] & ~idmask))
			end++;
		/* the texts a bucket checks are scattered: fetch the roots
		 * and signatures of entries PF_AHEAD ahead (a hint only: no
		 * effect on results) */
		for (; pf < n && pf < end + PF_AHEAD; pf++) {
			size_t f;

			if ((pf == 0 || (e[pf] ^ e[pf - 1]) > idmask) &&
			    (pf + 1 >= n || (e[pf] ^ e[pf + 1]) > idmask))
				continue; /* alone in its bucket */
			f = (size_t)(e[pf] & idmask);
			PREFETCH(&b->root[f]);
			PREFETCH(sig_at(b, f));
		}
		if (end - i > cap + 1 && depth < SPLIT_DEPTH && b->o->bands > 1) {
			unsigned nb = (band + 1) % b->o->bands;
			uint64_t *sub = malloc((end - i) * sizeof(*sub));

			if (!sub)
				return CIB_ENOMEM;
			for (size_t k = i; k < end; k++)
				sub[k - i] = band_entry(b, (size_t)(e[k] & idmask),
							nb);
			sortu64(sub, end - i);
			err = band_scan(b, sc, sub, end - i, nb, depth + 1);
			free(sub);
			if (err)
				return err;
			i = end;
			continue;
		}
		if (end - i > cap + 1)
			sc->n_capped++;
		if (end - i > 1 &&
		    (err = bucket_check(b, sc, e + i, end - i, idmask)))
			return err;
		i = end;
	}
	return CIB_OK;
}

/* One round: each slot builds, sorts and scans one band. Entries are made
 * in ref order (sequential reads of the signatures). */
static void band_round(void *ctx, size_t lo, size_t hi, unsigned t)
{
	struct bands *b = ctx;

	(void)t;
	for (size_t slot = lo; slot < hi; slot++) {
		unsigned band = b->first + (unsigned)slot;
		uint64_t *e = b->ent[slot];
		size_t k = 0;

		for (size_t i = 0; i < b->n; i++) {
			uint64_t key = band_key(b, sig_at(b, i), band);

			e[k++] = b->idbits >= 64 ? i
				 : (key >> b->idbits << b->idbits) | i;
		}
		sortu64_radix(e, b->tmp[slot], b->n);
		b->sc[slot].err = band_scan(b, &b->sc[slot], e, b->n, band, 0);
	}
}

/* The signatures of the n signed texts ref[0..n) in ref order, moved in
 * place inside *sig (nslots signatures: every text a thread signed, some
 * twice) and the array shrunk to n; *sig becomes NULL. In place because
 * the signatures are the reuse step's largest array (128 bytes a distinct
 * text): a second copy set the single process's peak (about 175 MB more
 * at 2M posts). The slots no text takes fill the destinations past n, so
 * the move is a permutation of the slots, done cycle by cycle with one
 * signature aside. NULL when the bookkeeping (4 bytes and a bit a slot)
 * cannot be had; *sig is then untouched. */
static uint16_t *sig_in_ref_order(uint16_t **sig, const struct sref *ref,
				  size_t n, size_t nslots)
{
	uint32_t *src = bigmem_malloc((nslots ? nslots : 1) * sizeof(*src));
	uint64_t *done = calloc(bits_words(nslots), sizeof(*done));
	uint16_t tmp[REUSE_K], *v = *sig, *rs;
	size_t next = n;

	if (!src || !done) {
		free(src);
		free(done);
		return NULL;
	}
	/* src[i]: the slot destination i takes (done marks the slots taken
	 * for now) */
	for (size_t i = 0; i < n; i++) {
		src[i] = ref[i].slot;
		bits_set(done, ref[i].slot);
	}
	for (size_t k = 0; k < nslots; k++)
		if (!bits_get(done, k))
			src[next++] = (uint32_t)k;
	memset(done, 0, bits_words(nslots) * sizeof(*done));
	for (size_t i = 0; i < nslots; i++) {
		size_t j = i;

		if (bits_get(done, i))
			continue;
		memcpy(tmp, v + i * REUSE_K, sizeof(tmp));
		for (;;) {
			size_t k = src[j];

			bits_set(done, j);
			if (k == i) {
				memcpy(v + j * REUSE_K, tmp, sizeof(tmp));
				break;
			}
			PREFETCH(v + (size_t)src[k] * REUSE_K);
			memcpy(v + j * REUSE_K, v + k * REUSE_K, sizeof(tmp));
			j = k;
		}
	}
	free(src);
	free(done);
	rs = bigmem_realloc(v, (n ? n : 1) * REUSE_K * sizeof(*rs));
	if (!rs)
		rs = v; /* the longer block holds them just as well */
	*sig = NULL;
	return rs;
}

/* Equal signature values needed: the estimate is at least o->jaccard iff
 * the count is at least this. */
static unsigned min_equal_of(const struct reuse_opts *o)
{
	unsigned m = 0;

	while (m <= REUSE_K && jaccard_of_equal(m) < o->jaccard)
		m++;
	return m;
}

/* What every band's scan reads: n signed texts (sig, ref, root in ref
 * order) and the entries' id bits. */
static void bands_init(struct bands *b, const struct reuse_opts *o,
		       const uint16_t *sig, const struct sref *ref,
		       const uint32_t *root, size_t n, unsigned idbits)
{
	b->o = o;
	b->sig = sig;
	b->ref = ref;
	b->root = root;
	b->min_equal = min_equal_of(o);
	b->n = n;
	b->idbits = idbits;
}

unsigned reuse_lsh_idbits(size_t n_signed)
{
	unsigned bits = 1;

	while (bits < 64 && (UINT64_C(1) << bits) < n_signed)
		bits++;
	return bits;
}

/* Bands are built and scanned nt at a time in parallel against the
 * components as they stood before the round; the verified pairs are then
 * united on one thread. Components do not depend on the order of unions,
 * so the groups do not depend on scheduling. Takes *sig (freed, NULL on
 * return). */
static enum cib_err lsh(struct reuse_result *r, const struct reuse_opts *o,
			uint16_t **sig, size_t nsig, const uint32_t *dslot,
			size_t nd, uint32_t *parent, unsigned nt)
{
	struct bands b;
	struct sref *ref = NULL;
	uint16_t *rsig = NULL;
	uint32_t *root = NULL;
	size_t n = 0;
	enum cib_err err = CIB_ENOMEM;
	unsigned slots = nt < o->bands ? nt : o->bands;

	memset(&b, 0, sizeof(b));
	for (size_t d = 0; d < nd; d++)
		n += dslot[d] != NONE32;
	if (n < 2)
		return CIB_OK;
	ref = bigmem_malloc(n * sizeof(*ref));
	root = bigmem_malloc(n * sizeof(*root));
	if (!ref || !root)
		goto out;
	n = 0;
	for (size_t d = 0; d < nd; d++)
		if (dslot[d] != NONE32) {
			ref[n].d = (uint32_t)d;
			ref[n++].slot = dslot[d];
		}
	rsig = sig_in_ref_order(sig, ref, n, nsig);
	if (!rsig)
		goto out;
	bands_init(&b, o, rsig, ref, root, n, reuse_lsh_idbits(n));
	for (unsigned s = 0; s < slots; s++) {
		b.ent[s] = bigmem_malloc(n * sizeof(uint64_t));
		b.tmp[s] = bigmem_malloc(n * sizeof(uint64_t));
		if (!b.ent[s] || !b.tmp[s])
			goto out;
	}
	err = CIB_OK;
	for (unsigned first = 0; first < o->bands && !err; first += slots) {
		/* parent is flat here (fresh, or flattened below) */
		for (size_t i = 0; i < n; i++)
			root[i] = parent[ref[i].d];
		b.first = first;
		b.nb = o->bands - first < slots ? o->bands - first : slots;
		parallel_for(b.nb, b.nb, band_round, &b);
		for (unsigned s = 0; s < b.nb; s++) {
			struct bandscan *sc = &b.sc[s];

			if (sc->err && !err)
				err = sc->err;
			for (size_t k = 0; k < sc->npairs; k++)
				uf_union(parent, (uint32_t)(sc->pairs[k] >> 32),
					 (uint32_t)sc->pairs[k]);
			r->stats.n_candidates += sc->n_candidates;
			r->stats.n_verified += sc->n_verified;
			r->stats.n_capped_buckets += sc->n_capped;
			sc->npairs = sc->n_candidates = sc->n_verified =
				sc->n_capped = 0;
		}
		uf_flatten(parent, nd);
	}
out:
	for (unsigned s = 0; s < 16; s++) {
		free(b.ent[s]);
		free(b.tmp[s]);
		free(b.sc[s].pairs);
		free(b.sc[s].lp);
	}
	free(ref);
	free(root);
	free(rsig);
	return err;
}
/* ---- step 5: groups and per-account text shares ---------------------- */

/* Merges sorted a[0..na) and b[0..nb) into out without duplicates, keeping
 * at most REUSE_KMV values; returns how many. */
static size_t kmv_merge(const uint64_t *a, size_t na, const uint64_t *b,
			size_t nb, uint64_t *out)
{
	size_t i = 0, j = 0, k = 0;

	while (k < REUSE_KMV && (i < na || j < nb)) {
		uint64_t x;

		if (j >= nb || (i < na && a[i] < b[j]))
			x = a[i++];
		else if (i >= na || b[j] < a[i])
			x = b[j++];
		else {
			x = a[i++];
			j++;
		}
		out[k++] = x;
	}
	return k;
}

/* n_co_accounts from the sorted distinct (account << 32 | group) pairs
 * u[0..nu): bottom-k sketches of each group's accounts (hashed by a
 * bijection, so no two accounts collide), merged per account. */
static enum cib_err co_accounts(struct reuse_result *r, const uint64_t *u,
				size_t nu, uint64_t salt)
{
	size_t ng = r->n_groups;
	uint64_t *goff = NULL, *sk = NULL, *skoff = NULL, *scratch = NULL;
	uint64_t *cur = NULL, *nxt = NULL;
	uint32_t *members = NULL;
	size_t maxg = 0, nsk = 0;
	enum cib_err err = CIB_ENOMEM;

	goff = calloc(ng + 1, sizeof(*goff));
	skoff = calloc(ng + 1, sizeof(*skoff));
	members = malloc((nu ? nu : 1) * sizeof(*members));
	cur = malloc(REUSE_KMV * sizeof(*cur));
	nxt = malloc(REUSE_KMV * sizeof(*nxt));
	if (!goff || !skoff || !members || !cur || !nxt)
		goto out;
	for (size_t i = 0; i < nu; i++)
		goff[(uint32_t)u[i] + 1]++;
	for (size_t g = 0; g < ng; g++) {
		size_t c = goff[g + 1];

		maxg = c > maxg ? c : maxg;
		skoff[g + 1] = skoff[g] + (c < REUSE_KMV ? c : REUSE_KMV);
		goff[g + 1] += goff[g];
	}
	nsk = skoff[ng];
	{
		uint64_t *fill = malloc((ng + 1) * sizeof(*fill));

		if (!fill)
			goto out;
		memcpy(fill, goff, (ng + 1) * sizeof(*fill));
		for (size_t i = 0; i < nu; i++)
			members[fill[(uint32_t)u[i]]++] = (uint32_t)(u[i] >> 32);
		free(fill);
	}
	sk = malloc((nsk ? nsk : 1) * sizeof(*sk));
	scratch = malloc((maxg ? maxg : 1) * sizeof(*scratch));
	if (!sk || !scratch)
		goto out;
	for (size_t g = 0; g < ng; g++) {
		size_t c = (size_t)(goff[g + 1] - goff[g]);

		for (size_t i = 0; i < c; i++)
			/* a bijection: distinct members never collide,
			 * which keeps small bottom-k sketches exact */
			scratch[i] = splitmix_mix(members[goff[g] + i] ^ salt);
		sortu64(scratch, c);
		memcpy(sk + skoff[g], scratch,
		       (size_t)(skoff[g + 1] - skoff[g]) * sizeof(*sk));
	}
	for (size_t i = 0; i < nu;) {
		uint32_t a = (uint32_t)(u[i] >> 32);
		size_t e = i, nc;

		while (e < nu && (uint32_t)(u[e] >> 32) == a)
			e++;
		if (e - i == 1) {
			r->n_co_accounts[a] = r->group_accounts[(uint32_t)u[i]] - 1;
			i = e;
			continue;
		}
		nc = 0;
		for (size_t k = i; k < e; k++) {
			uint32_t g = (uint32_t)u[k];
			uint64_t *t;

			nc = kmv_merge(cur, nc, sk + skoff[g],
				       (size_t)(skoff[g + 1] - skoff[g]), nxt);
			t = cur;
			cur = nxt;
			nxt = t;
		}
		if (nc < REUSE_KMV) {
			r->n_co_accounts[a] = (uint32_t)(nc - 1);
		} else {
			/* bottom-k estimate of the union size: (k - 1) / U_k
			 * with U_k the k-th smallest hash scaled to (0, 1] */
			double uk = ((double)cur[REUSE_KMV - 1] + 1.0) /
				    18446744073709551616.0;
			double est = (REUSE_KMV - 1) / uk - 1.0;
			double hi = (double)r->n_accounts - 1.0;

			if (est < REUSE_KMV - 1)
				est = REUSE_KMV - 1;
			if (est > hi)
				est = hi;
			r->n_co_accounts[a] = (uint32_t)(est + 0.5);
		}
		i = e;
	}
	err = CIB_OK;
out:
	free(goff);
	free(skoff);
	free(members);
	free(sk);
	free(scratch);
	free(cur);
	free(nxt);
	return err;
}

/* Per account share of distinct (id << 32 | account) pairs whose id is
 * shared with another account. v is sorted and deduplicated in place. */
static enum cib_err shared_share(uint64_t *v, size_t n, size_t na,
				 uint32_t *count, double *share)
{
	uint32_t *shared;
	size_t u = 0;
	sortu64(v, n);
	shared = calloc(na ? na : 1, sizeof(*shared));
	if (!shared)
		return CIB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || v[i] != v[u - 1])
			v[u++] = v[i];
	for (size_t i = 0; i < u;) {
		size_t e = i;

		while (e < u && (v[e] >> 32) == (v[i] >> 32))
			e++;
		for (size_t k = i; k < e; k++) {
			uint32_t a = (uint32_t)v[k];

			count[a]++;
			shared[a] += e - i >= 2;
		}
		i = e;
	}
	for (size_t a = 0; a < na; a++)
		share[a] = count[a] ? (double)shared[a] / count[a] : 0.0;
	free(shared);
	return CIB_OK;
}

/* ---- step 6: URLs ---------------------------------------------------- */

/* URLs are found and canonicalised on nt threads, each over its range of
 * posts, into a list of what each post keeps: a canonical URL and its
 * domain, in the post's order, without repeats, at most REUSE_MAX_URLS.
 * Interning then runs on one thread in post order, so string ids are the
 * same as when everything ran on one thread. */
struct urlkeep {
	uint64_t off; /* canonical URL then domain, in the thread's bytes */
	uint32_t post;
	uint16_t cl, dl;
};

struct urlpart {
	struct urlkeep *keep;
	size_t n, cap;
	char *bytes;
	size_t nbytes, capbytes;
	size_t bad, dropped;
	enum cib_err err;
};

struct urlwork {
	const struct dataset *ds;
	const struct reuse_text_urls *tu; /* NULL: the texts are in ds */
	size_t base; /* the chunk's first post */
	struct urlpart part[16];
};

/* Posts per chunk of step 6 (reuse_opts.url_chunk's default): each
 * chunk's URLs are found in parallel and interned before the next chunk's
 * are found, so the canonical URLs held at once are a chunk's, not every
 * post's (at 10M posts all at once took 0.46 GB above what the step
 * keeps). */
#define URL_CHUNK ((size_t)1 << 20)

static enum cib_err url_add(struct urlpart *u, size_t post_start,
			    uint32_t post, const char *s, size_t len)
{
	char canon[URLNORM_MAX + 1], dom[300];
	size_t cl, dl;

	if (u->n - post_start >= REUSE_MAX_URLS) {
		u->dropped++; /* also bounds the per-post duplicate scan */
		return CIB_OK;
	}
	cl = urlnorm_canonical(s, len, canon, sizeof(canon));
	if (cl == 0) {
		u->bad++;
		return CIB_OK;
	}
	for (size_t k = post_start; k < u->n; k++)
		if (u->keep[k].cl == cl &&
		    memcmp(u->bytes + u->keep[k].off, canon, cl) == 0)
			return CIB_OK;
	dl = urlnorm_domain(canon, cl, dom, sizeof(dom));
	if (u->n == u->cap) {
		size_t nc = u->cap ? u->cap * 2 : 1024;
		struct urlkeep *a = realloc(u->keep, nc * sizeof(*a));

		if (!a)
			return CIB_ENOMEM;
		u->keep = a;
		u->cap = nc;
	}
	if (u->nbytes + cl + dl > u->capbytes) {
		size_t nc = u->capbytes ? u->capbytes * 2 : 65536;
		char *a;

		while (nc < u->nbytes + cl + dl)
			nc *= 2;
		a = realloc(u->bytes, nc);
		if (!a)
			return CIB_ENOMEM;
		u->bytes = a;
		u->capbytes = nc;
	}
	u->keep[u->n].off = u->nbytes;
	u->keep[u->n].post = post;
	u->keep[u->n].cl = (uint16_t)cl;
	u->keep[u->n].dl = (uint16_t)dl;
	u->n++;
	memcpy(u->bytes + u->nbytes, canon, cl);
	memcpy(u->bytes + u->nbytes + cl, dom, dl);
	u->nbytes += cl + dl;
	return CIB_OK;
}

/* A post's URLs are its URL entities, or when it has none the URLs found
 * in its text. */
static void step_urls(void *ctx, size_t lo, size_t hi, unsigned t)
{
	struct urlwork *w = ctx;
	const struct dataset *ds = w->ds;
	const struct reuse_text_urls *tu = w->tu;
	struct urlpart *u = &w->part[t];
	enum cib_err err = CIB_OK;
	size_t tk = 0;

	if (tu) {
		/* the first of the texts' URLs at or past the range */
		size_t hi2 = tu->n;

		while (tk < hi2) {
			size_t mid = tk + (hi2 - tk) / 2;

			if (tu->post[mid] < w->base + lo)
				tk = mid + 1;
			else
				hi2 = mid;
		}
	}

	for (size_t j = w->base + lo; j < w->base + hi && !err; j++) {
		size_t start = u->n, found = 0;

		if (ds->post.ent_off)
			for (uint64_t k = ds->post.ent_off[j];
			     k < ds->post.ent_off[j + 1] && !err; k++) {
				uint32_t sid = ds->ent.str[k];

				if (ds->ent.type[k] != ENT_URL)
					continue;
				found++;
				err = url_add(u, start, (uint32_t)j,
					      strpool_get(&ds->strings, sid),
					      strpool_len(&ds->strings, sid));
			}
		while (tu && tk < tu->n && tu->post[tk] < j)
			tk++;
		for (; tu && !found && !err && tk < tu->n && tu->post[tk] == j;
		     tk++)
			err = url_add(u, start, (uint32_t)j,
				      tu->bytes + tu->off[tk], tu->len[tk]);
		if (!tu && !found && ds_text_id(ds, j) != STR_NONE) {
			const char *s = ds_text(ds, j);
			size_t tl = ds_text_len(ds, j);
			size_t off = 0, len;

			while (!err && urlnorm_next(s, tl, &off, &len)) {
				err = url_add(u, start, (uint32_t)j, s + off,
					      len);
				off += len;
			}
		}
	}
	u->err = err;
}

/* Step 6's interning of one chunk, in post order (the threads' lists
 * follow each other): each kept URL and its domain get their ids at
 * r->url_str/url_domain[*k] (grown as needed, *cap), and url_off is set
 * for the posts up to the last one with a URL (*j the next unset). */
static enum cib_err intern_chunk(struct reuse_result *r, struct urlwork *w,
				 unsigned nt, size_t *k, size_t *j, size_t *cap)
{
	size_t need = *k;
	enum cib_err err = CIB_OK;

	for (unsigned t = 0; t < nt; t++)
		need += w->part[t].n;
	if (need > *cap) {
		size_t nc = *cap ? *cap : 1024;
		uint32_t *a, *b;

		while (nc < need)
			nc *= 2;
		a = realloc(r->url_str, nc * sizeof(*a));
		if (a)
			r->url_str = a;
		b = realloc(r->url_domain, nc * sizeof(*b));
		if (b)
			r->url_domain = b;
		if (!a || !b)
			return CIB_ENOMEM;
		*cap = nc;
	}
	for (unsigned t = 0; t < nt && !err; t++) {
		const struct urlpart *u = &w->part[t];

		for (size_t i = 0; i < u->n && !err; i++) {
			const struct urlkeep *uk = &u->keep[i];
			const char *c = u->bytes + uk->off;
			uint32_t cid, did = STR_NONE;

			while (*j <= uk->post)
				r->url_off[(*j)++] = *k;
			err = strlayer_intern(&r->strs, c, uk->cl, &cid);
			if (!err && uk->dl > 0)
				err = strlayer_intern(&r->strs, c + uk->cl,
						      uk->dl, &did);
			r->url_str[*k] = cid;
			r->url_domain[(*k)++] = did;
		}
	}
	return err;
}

static enum cib_err urls(const struct dataset *ds, struct reuse_result *r,
			 unsigned nt, size_t chunk,
			 const struct reuse_text_urls *tu)
{
	size_t n = ds->post.n, na = ds->acc.n, m = 0, nref = 0, next = 0;
	size_t cap = 0;
	struct urlwork w;
	uint64_t *v = NULL;
	enum cib_err err = CIB_OK;

	memset(&w, 0, sizeof(w));
	w.ds = ds;
	w.tu = tu;
	r->url_off = malloc((n + 1) * sizeof(*r->url_off));
	if (!r->url_off)
		return CIB_ENOMEM;
	if (!chunk)
		chunk = URL_CHUNK;
	for (w.base = 0; w.base < n && !err; w.base += chunk) {
		size_t len = n - w.base < chunk ? n - w.base : chunk;

		parallel_for(nt, len, step_urls, &w);
		for (unsigned t = 0; t < nt; t++)
			if (w.part[t].err && !err)
				err = w.part[t].err;
		if (!err)
			err = intern_chunk(r, &w, nt, &nref, &next, &cap);
		for (unsigned t = 0; t < nt; t++)
			w.part[t].n = w.part[t].nbytes = 0;
	}
	for (unsigned t = 0; t < nt; t++) {
		r->stats.n_bad_urls += w.part[t].bad;
		r->stats.n_urls_dropped += w.part[t].dropped;
	}
	if (!err && !r->url_str) { /* no URL at all */
		r->url_str = malloc(sizeof(*r->url_str));
		r->url_domain = malloc(sizeof(*r->url_domain));
		if (!r->url_str || !r->url_domain)
			err = CIB_ENOMEM;
	}
	while (!err && next <= n)
		r->url_off[next++] = nref;
	for (unsigned t = 0; t < 16; t++) {
		free(w.part[t].keep);
		free(w.part[t].bytes);
	}
	r->stats.n_url_refs = nref;
	if (err)
		return err;
	/* shares, over non-repost posts */
	for (size_t j = 0; j < n; j++)
		if (ds->post.kind[j] != POST_REPOST)
			m += (size_t)(r->url_off[j + 1] - r->url_off[j]);
	v = malloc((m ? m : 1) * sizeof(*v));
	if (!v)
		return CIB_ENOMEM;
	for (int pass = 0; pass < 2 && !err; pass++) {
		const uint32_t *ids = pass ? r->url_domain : r->url_str;
		size_t c = 0;

		for (size_t j = 0; j < n; j++) {
			if (ds->post.kind[j] == POST_REPOST)
				continue;
			for (uint64_t k = r->url_off[j]; k < r->url_off[j + 1];
			     k++)
				if (ids[k] != STR_NONE)
					v[c++] = (uint64_t)ids[k] << 32 |
						 ds->post.account[j];
		}
		err = shared_share(v, c, na, pass ? r->n_domains : r->n_urls,
				   pass ? r->domain_shared_share
					: r->url_shared_share);
	}
	free(v);
	return err;
}

/* ---- the whole ------------------------------------------------------ */

size_t reuse_quoted_posts(const struct reuse_result *r,
			  const struct postindex *pi, uint32_t a, size_t k,
			  uint32_t *group, uint32_t *post)
{
	size_t nb = 0;

	if (!r->post_group || !r->group_accounts || !pi->off || !k)
		return 0;
	for (uint64_t i = pi->off[a]; i < pi->off[a + 1]; i++) {
		uint32_t j = postindex_at(pi, i), g = r->post_group[j], na;
		size_t q;
		int dup = 0;

		if (g == UINT32_MAX || g >= r->n_groups ||
		    (na = r->group_accounts[g]) < 2)
			continue;
		for (q = 0; q < nb; q++)
			dup |= group[q] == g;
		if (dup)
			continue;
		/* insertion into the top list */
		for (q = nb; q > 0; q--) {
			uint32_t o = r->group_accounts[group[q - 1]];

			if (o > na || (o == na && group[q - 1] < g))
				break;
			if (q < k) {
				group[q] = group[q - 1];
				post[q] = post[q - 1];
			}
		}
		if (q < k) {
			group[q] = g;
			post[q] = j;
			if (nb < k)
				nb++;
		}
	}
	return nb;
}

enum cib_err reuse_quoted_bits(const struct reuse_result *r,
			       const struct postindex *pi, size_t k,
			       uint64_t **bits)
{
	uint32_t g[16], j[16];

	*bits = NULL;
	if (!r->post_group || !r->group_accounts || !pi->off)
		return CIB_OK;
	if (k > 16)
		return CIB_EUSAGE;
	*bits = calloc(bits_words(r->n_posts) + 1, sizeof(**bits));
	if (!*bits)
		return CIB_ENOMEM;
	for (size_t a = 0; a < pi->n_accounts; a++) {
		size_t n = reuse_quoted_posts(r, pi, (uint32_t)a, k, g, j);

		for (size_t q = 0; q < n; q++)
			bits_set(*bits, j[q]);
	}
	return CIB_OK;
}

size_t reuse_discard_urls(struct reuse_result *r, size_t upto)
{
	size_t u1;

	if (!r->url_off || upto == 0 || upto > r->n_posts)
		return 0;
	u1 = r->url_off[upto];
	return bigmem_discard(r->url_off, upto * sizeof(*r->url_off)) +
	       bigmem_discard(r->url_str, u1 * sizeof(*r->url_str)) +
	       bigmem_discard(r->url_domain, u1 * sizeof(*r->url_domain));
}

size_t reuse_drop_urls(struct reuse_result *r)
{
	size_t freed = 0;

	if (r->url_off) {
		freed = (r->n_posts + 1) * sizeof(*r->url_off) +
			r->url_off[r->n_posts] *
				(sizeof(*r->url_str) + sizeof(*r->url_domain));
	}
	free(r->url_off);
	free(r->url_str);
	free(r->url_domain);
	r->url_off = NULL;
	r->url_str = r->url_domain = NULL;
	return freed;
}

void reuse_result_release(struct reuse_result *r)
{
	if (!r)
		return;
	strlayer_release(&r->strs);
	free(r->post_group);
	free(r->group_posts);
	free(r->group_accounts);
	free(r->group_variants);
	free(r->group_rep);
	free(r->group_first);
	free(r->group_last);
	free(r->n_texts);
	free(r->share_copied);
	free(r->n_co_accounts);
	free(r->self_repeat);
	free(r->n_urls);
	free(r->n_domains);
	free(r->url_shared_share);
	free(r->domain_shared_share);
	free(r->url_off);
	free(r->url_str);
	free(r->url_domain);
	memset(r, 0, sizeof(*r));
}

static int opts_valid(const struct reuse_opts *o)
{
	return o->jaccard > 0 && o->jaccard <= 1 && o->bands >= 1 &&
	       o->rows >= 1 && o->bands <= REUSE_K && o->rows <= REUSE_K &&
	       o->bands * o->rows <= REUSE_K && o->bucket_cap >= 1 &&
	       o->threads <= 16;
}

static enum cib_err alloc_accounts(struct reuse_result *r, size_t na)
{
	size_t m = na ? na : 1;

	r->n_texts = calloc(m, sizeof(uint32_t));
	r->share_copied = calloc(m, sizeof(double));
	r->n_co_accounts = calloc(m, sizeof(uint32_t));
	r->self_repeat = calloc(m, sizeof(double));
	r->n_urls = calloc(m, sizeof(uint32_t));
	r->n_domains = calloc(m, sizeof(uint32_t));
	r->url_shared_share = calloc(m, sizeof(double));
	r->domain_shared_share = calloc(m, sizeof(double));
	if (!r->n_texts || !r->share_copied || !r->n_co_accounts ||
	    !r->self_repeat || !r->n_urls || !r->n_domains ||
	    !r->url_shared_share || !r->domain_shared_share)
		return CIB_ENOMEM;
	return CIB_OK;
}

static enum cib_err alloc_groups(struct reuse_result *r, size_t ng)
{
	size_t m = ng ? ng : 1;

	r->group_posts = calloc(m, sizeof(uint32_t));
	r->group_accounts = calloc(m, sizeof(uint32_t));
	r->group_variants = calloc(m, sizeof(uint32_t));
	r->group_rep = calloc(m, sizeof(uint32_t));
	r->group_first = calloc(m, sizeof(int64_t));
	r->group_last = calloc(m, sizeof(int64_t));
	if (!r->group_posts || !r->group_accounts || !r->group_variants ||
	    !r->group_rep || !r->group_first || !r->group_last)
		return CIB_ENOMEM;
	return CIB_OK;
}

/* Groups, per-group counts and per-account text shares from the
 * union-find over distinct texts. */
static enum cib_err groups(const struct dataset *ds, struct reuse_result *r,
			   const uint32_t *tid, uint32_t *parent, size_t nd,
			   uint64_t salt, uint32_t max_accounts)
{
	size_t n = ds->post.n, na = ds->acc.n, m = 0, nu = 0;
	uint32_t *cp = calloc(nd ? nd : 1, sizeof(*cp));
	uint32_t *gid = malloc((nd ? nd : 1) * sizeof(*gid));
	uint64_t *v = NULL;
	uint32_t *self = NULL, *copied = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (!cp || !gid)
		goto out;
	for (size_t d = 0; d < nd; d++) {
		parent[d] = uf_find(parent, (uint32_t)d);
		gid[d] = NONE32;
	}
	for (size_t j = 0; j < n; j++)
		if (tid[j] != NONE32)
			cp[parent[tid[j]]]++;
	for (size_t j = 0; j < n; j++) {
		uint32_t rt;

		r->post_group[j] = NONE32;
		if (tid[j] == NONE32)
			continue;
		r->n_texts[ds->post.account[j]]++;
		rt = parent[tid[j]];
		if (cp[rt] < 2)
			continue;
		if (gid[rt] == NONE32)
			gid[rt] = (uint32_t)r->n_groups++;
		r->post_group[j] = gid[rt];
		m++;
	}
	if ((err = alloc_groups(r, r->n_groups)))
		goto out;
	err = CIB_ENOMEM;
	for (size_t j = 0; j < n; j++) {
		uint32_t g = r->post_group[j];
		int64_t t = ds->post.time[j];

		if (g == NONE32)
			continue;
		if (r->group_posts[g]++ == 0) {
			r->group_rep[g] = (uint32_t)j;
			r->group_first[g] = r->group_last[g] = t;
			continue;
		}
		if (t < r->group_first[g]) {
			r->group_first[g] = t;
			r->group_rep[g] = (uint32_t)j;
		}
		if (t > r->group_last[g])
			r->group_last[g] = t;
	}
	for (size_t d = 0; d < nd; d++)
		if (gid[parent[d]] != NONE32)
			r->group_variants[gid[parent[d]]]++;
	/* (account, group) pairs, one per grouped post */
	v = malloc((m ? m : 1) * sizeof(*v));
	self = calloc(na ? na : 1, sizeof(*self));
	copied = calloc(na ? na : 1, sizeof(*copied));
	if (!v || !self || !copied)
		goto out;
	m = 0;
	for (size_t j = 0; j < n; j++)
		if (r->post_group[j] != NONE32)
			v[m++] = (uint64_t)ds->post.account[j] << 32 |
				 r->post_group[j];
	sortu64(v, m);
	for (size_t i = 0; i < m; i++)
		if (i == 0 || v[i] != v[i - 1])
			r->group_accounts[(uint32_t)v[i]]++;
	for (size_t i = 0; i < m;) {
		size_t e = i;
		uint32_t a = (uint32_t)(v[i] >> 32), g = (uint32_t)v[i];

		while (e < m && v[e] == v[i])
			e++;
		self[a] += (uint32_t)(e - i - 1);
		if (r->group_accounts[g] >= 2 &&
		    r->group_accounts[g] <= max_accounts) {
			copied[a] += (uint32_t)(e - i);
			v[nu++] = v[i]; /* compact to distinct pairs */
		}
		i = e;
	}
	for (size_t a = 0; a < na; a++) {
		if (r->n_texts[a] == 0)
			continue;
		r->self_repeat[a] = (double)self[a] / r->n_texts[a];
		r->share_copied[a] = (double)copied[a] / r->n_texts[a];
	}
	err = co_accounts(r, v, nu, salt);
out:
	free(cp);
	free(gid);
	free(v);
	free(self);
	free(copied);
	return err;
}

/* Steps 1 and 3: normalised text hashes, and a signature per distinct
 * text of each thread's range; then one signature array (*sig, nsig
 * signatures), indices made global (thread t's start at the sum of the
 * earlier counts). */
static enum cib_err sign_texts(struct work *w, size_t n, unsigned nt,
			       uint16_t **sig_out, size_t *nsig_out)
{
	size_t nsig = 0, off;
	uint16_t *sig;
	enum cib_err err = CIB_OK;

	parallel_for(nt, n, step_text, w);
	for (unsigned t = 0; t < nt; t++) {
		if (w->err[t] && !err)
			err = w->err[t];
		nsig += w->nsig[t];
	}
	if (err)
		return err;
	sig = bigmem_realloc(w->sig[0], (nsig ? nsig : 1) * REUSE_K *
						sizeof(*sig));
	if (!sig)
		return CIB_ENOMEM;
	w->sig[0] = NULL;
	off = w->nsig[0];
	for (unsigned t = 1; t < nt; t++) {
		size_t lo = forkjoin_share(n, nt, t),
		       hi = forkjoin_share(n, nt, t + 1);

		if (w->nsig[t])
			memcpy(sig + off * REUSE_K, w->sig[t],
			       w->nsig[t] * REUSE_K * sizeof(*sig));
		free(w->sig[t]);
		w->sig[t] = NULL;
		for (size_t j = lo; j < hi; j++)
			if (w->tid[j] < SIG_SHORT)
				w->tid[j] += (uint32_t)off;
		off += w->nsig[t];
	}
	*sig_out = sig;
	*nsig_out = nsig;
	return CIB_OK;
}

/* Step 2: the distinct texts in hash order, each with its lowest post's
 * signature (the sort is stable): *dslot (signature of each, NONE32 when
 * too short to sign) and *parent (union-find, each its own), *nd of them;
 * w->tid becomes each post's distinct text. Frees w->hash. */
static enum cib_err distinct_texts(struct work *w, struct reuse_result *r,
				   size_t n, uint32_t **dslot_out,
				   uint32_t **parent_out, size_t *nd_out)
{
	size_t nt_texts = 0, nd = 0;
	struct reuse_kv *kv;
	uint32_t *dslot, *parent;
	enum cib_err err;

	for (size_t j = 0; j < n; j++)
		nt_texts += w->tid[j] != NONE32;
	r->stats.n_texts = nt_texts;
	kv = bigmem_malloc((nt_texts ? nt_texts : 1) * sizeof(*kv));
	if (!kv)
		return CIB_ENOMEM;
	nt_texts = 0;
	for (size_t j = 0; j < n; j++)
		if (w->tid[j] != NONE32) {
			kv[nt_texts].k = w->hash[j];
			kv[nt_texts++].v = (uint32_t)j;
		}
	free(w->hash);
	w->hash = NULL;
	if ((err = reuse_sort_kv(kv, nt_texts))) {
		free(kv);
		return err;
	}
	for (size_t i = 0; i < nt_texts; i++)
		nd += i == 0 || kv[i].k != kv[i - 1].k;
	dslot = malloc((nd ? nd : 1) * sizeof(*dslot));
	parent = bigmem_malloc((nd ? nd : 1) * sizeof(*parent));
	if (!dslot || !parent) {
		free(kv);
		free(dslot);
		free(parent);
		return CIB_ENOMEM;
	}
	nd = 0;
	for (size_t i = 0; i < nt_texts; i++) {
		uint32_t j = kv[i].v;

		if (i == 0 || kv[i].k != kv[i - 1].k) {
			uint32_t v = w->tid[j]; /* j is the lowest post */

			parent[nd] = (uint32_t)nd;
			dslot[nd++] = v == SIG_SHORT ? NONE32 : v;
			r->stats.n_signed += v != SIG_SHORT;
		}
		w->tid[j] = (uint32_t)(nd - 1);
	}
	free(kv);
	r->stats.n_distinct = nd;
	r->stats.n_short = nd - r->stats.n_signed;
	*dslot_out = dslot;
	*parent_out = parent;
	*nd_out = nd;
	return CIB_OK;
}

enum cib_err reuse_compute(const struct dataset *ds,
			   const struct postindex *pi,
			   const struct reuse_opts *o, struct reuse_result *r)
{
	return reuse_compute_near(ds, pi, o, NULL, r);
}

enum cib_err reuse_compute_near(const struct dataset *ds,
				const struct postindex *pi,
				const struct reuse_opts *o,
				const struct reuse_near *near,
				struct reuse_result *r)
{
	struct work w;
	size_t n, na, nd = 0, nsig = 0;
	unsigned nt;
	uint32_t *dslot = NULL, *parent = NULL;
	uint16_t *sig = NULL;
	enum cib_err err = CIB_ENOMEM;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	if (!ds || !o || !opts_valid(o))
		return CIB_EUSAGE;
	if (pi && pi->n_accounts != ds->acc.n)
		return CIB_EUSAGE;
	strlayer_init(&r->strs, &ds->strings);
	n = ds->post.n;
	na = ds->acc.n;
	r->n_posts = n;
	r->n_accounts = na;
	nt = o->threads ? o->threads : 2;
	w.ds = ds;
	w.o = o;
	hashfam_init(&w.fam, o->seed);
	/* with `near` the texts are hashed and signed elsewhere */
	for (unsigned t = 0; !near && t < nt; t++) {
		w.norm[t] = malloc(REUSE_NORM_CAP);
		w.shbuf[t] = malloc(REUSE_MAX_SHINGLES * sizeof(uint64_t));
		w.shtmp[t] = malloc(REUSE_MAX_SHINGLES * sizeof(uint64_t));
		if (!w.norm[t] || !w.shbuf[t] || !w.shtmp[t])
			goto out;
	}
	r->post_group = malloc((n ? n : 1) * sizeof(*r->post_group));
	w.hash = near ? NULL : bigmem_malloc((n ? n : 1) * sizeof(*w.hash));
	w.tid = bigmem_malloc((n ? n : 1) * sizeof(*w.tid));
	if (!r->post_group || (!near && !w.hash) || !w.tid)
		goto out;
	if ((err = alloc_accounts(r, na)))
		goto out;
	if (near) {
		/* 1-4 elsewhere */
		if ((err = near->texts(near->ctx, w.tid, n, &nd, &parent,
				       &r->stats)))
			goto out;
		for (size_t j = 0; j < n; j++)
			r->stats.n_texts += w.tid[j] != NONE32;
		r->stats.n_distinct = nd;
		r->stats.n_short = nd - r->stats.n_signed;
	} else {
		if ((err = sign_texts(&w, n, nt, &sig, &nsig)))
			goto out;
		if ((err = distinct_texts(&w, r, n, &dslot, &parent, &nd)))
			goto out;
		/* 4: near duplicates */
		if ((err = lsh(r, o, &sig, nsig, dslot, nd, parent, nt)))
			goto out;
	}
	free(sig);
	sig = NULL;
	/* 5-6 */
	if ((err = groups(ds, r, w.tid, parent, nd, splitmix_mix(o->seed),
			  o->max_accounts)))
		goto out;
	/* the texts' numbers and their union are the groups' alone: not
	 * held through the URLs (at 10M posts 0.07 GB) */
	free(w.tid);
	free(dslot);
	free(parent);
	w.tid = dslot = parent = NULL;
	err = urls(ds, r, nt, o->url_chunk, near ? near->text_urls : NULL);
out:
	for (unsigned t = 0; t < 16; t++) {
		free(w.norm[t]);
		free(w.shbuf[t]);
		free(w.shtmp[t]);
		free(w.sig[t]);
	}
	free(w.hash);
	free(w.tid);
	free(sig);
	free(dslot);
	free(parent);
	if (err)
		reuse_result_release(r);
	return err;
}

/* ---- the search done elsewhere: building blocks ---------------------- */

struct reuse_signer {
	struct reuse_opts o;
	struct hashfam fam;
	char norm[REUSE_NORM_CAP];
	uint64_t shbuf[REUSE_MAX_SHINGLES], shtmp[REUSE_MAX_SHINGLES];
};

enum cib_err reuse_signer_new(const struct reuse_opts *o,
			      struct reuse_signer **out)
{
	struct reuse_signer *s;

	*out = NULL;
	if (!o || !opts_valid(o))
		return CIB_EUSAGE;
	s = malloc(sizeof(*s));
	if (!s)
		return CIB_ENOMEM;
	s->o = *o;
	hashfam_init(&s->fam, o->seed);
	*out = s;
	return CIB_OK;
}

void reuse_signer_free(struct reuse_signer *s)
{
	free(s);
}

/* step_text and text_sign for one post, with the same functions. */
void reuse_signer_post(struct reuse_signer *s, const struct dataset *ds,
		       size_t j, int *has_text, uint64_t *hash,
		       int *is_signed, uint16_t sig[REUSE_K])
{
	size_t len = norm_post(ds, j, s->norm), k;

	*has_text = len > 0;
	*is_signed = 0;
	*hash = 0;
	if (!len)
		return;
	*hash = XXH3_64bits_withSeed(s->norm, len, TEXT_SEED);
	if (!sig)
		return; /* the hash alone */
	k = signable_shingles(&s->o, s->norm, len, s->shbuf, s->shtmp);
	if (k == 0)
		return;
	minhash_fam(&s->fam, s->shbuf, k, sig);
	*is_signed = 1;
}

uint64_t reuse_lsh_entry(const struct reuse_opts *o, unsigned idbits,
			 const uint16_t sig[REUSE_K], unsigned band,
			 uint64_t i)
{
	struct bands b;
	uint64_t key;

	memset(&b, 0, sizeof(b));
	b.o = o;
	key = band_key(&b, sig, band);
	return idbits >= 64 ? i : (key >> idbits << idbits) | i;
}

enum cib_err reuse_lsh_buckets(const struct reuse_opts *o, unsigned idbits,
			       const struct reuse_sigs *sg, const uint32_t *d,
			       size_t n, const uint64_t *ent, size_t nent,
			       unsigned band, uint64_t **pairs, size_t *npairs,
			       size_t *cap, struct reuse_stats *st)
{
	struct bands b;
	struct bandscan sc;
	struct sref *ref = NULL;
	uint32_t *root = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (!o || !opts_valid(o) || band >= o->bands)
		return CIB_EUSAGE;
	memset(&b, 0, sizeof(b));
	memset(&sc, 0, sizeof(sc));
	ref = malloc((n ? n : 1) * sizeof(*ref));
	root = malloc((n ? n : 1) * sizeof(*root));
	if (!ref || !root)
		goto out;
	for (size_t x = 0; x < n; x++) {
		ref[x].d = d[x];
		ref[x].slot = (uint32_t)x;
		root[x] = (uint32_t)x; /* no earlier band's unions: none skip */
	}
	bands_init(&b, o, sg->rest, ref, root, n, idbits);
	if (sg->lo < sg->hi) {
		if (sg->hi > n || !sg->mid || !sg->pos) {
			err = CIB_EUSAGE;
			goto out;
		}
		b.mid = sg->mid;
		b.pos = sg->pos;
		b.lo = sg->lo;
		b.hi = sg->hi;
	}
	sc.pairs = *pairs;
	sc.npairs = *npairs;
	sc.cappairs = *cap;
	err = band_scan(&b, &sc, ent, nent, band, 0);
	*pairs = sc.pairs;
	*npairs = sc.npairs;
	*cap = sc.cappairs;
	st->n_candidates += sc.n_candidates;
	st->n_verified += sc.n_verified;
	st->n_capped_buckets += sc.n_capped;
out:
	free(sc.lp);
	free(ref);
	free(root);
	return err;
}
