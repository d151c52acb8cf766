/* reuse.c - exact and near-duplicate texts and shared links.
 *
 * Pipeline (every step sort-and-scan or linear; nothing pairs all posts):
 *  1. each post's text is normalised (textnorm) and hashed (XXH3-64);
 *     reposts and empty texts have no text of their own;
 *  2. a radix sort of (hash, post) gives the distinct texts, each with
 *     its lowest post as representative;
 *  3. every distinct text with at least min_tokens shingles gets a
 *     REUSE_K-value MinHash signature (values stored as their low 16 bits);
 *  4. for each LSH band the (band key, text) entries are radix-sorted;
 *     equal keys are candidates, checked on the full signature, and those
 *     at or above the threshold are united (union-find over texts);
 *  5. components with two or more posts are the groups; per account and
 *     per group counts come from sorted (account, group) pairs;
 *  6. URLs (entities, or found in the text) are canonicalised, interned
 *     and shared-URL shares computed from sorted (url, account) pairs.
 * Steps 1, 3 and the band sorts run on opts.threads threads over disjoint
 * ranges; the union-find runs on one thread, so the result does not depend
 * on scheduling. Invariant: the result depends only on ds and the options.
 */
#include "reuse.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

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
	o->seed = 1;
	o->threads = 0;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A bijection of 64-bit values (splitmix64's finaliser): distinct inputs
 * never collide, which keeps small bottom-k sketches exact. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

struct hashfam {
	uint32_t a[REUSE_K], b[REUSE_K], c[REUSE_K];
};

static void hashfam_init(struct hashfam *h, uint64_t seed)
{
	uint64_t s = seed;

	for (int i = 0; i < REUSE_K; i++) {
		h->a[i] = (uint32_t)splitmix64(&s) | 1;
		h->b[i] = (uint32_t)splitmix64(&s) | 1;
		h->c[i] = (uint32_t)splitmix64(&s);
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

static unsigned sig_equal(const uint16_t *a, const uint16_t *b)
{
	unsigned m = 0;

	for (int i = 0; i < REUSE_K; i++)
		m += a[i] == b[i];
	return m;
}

double reuse_signature_jaccard(const uint16_t a[REUSE_K],
			       const uint16_t b[REUSE_K])
{
	/* b-bit MinHash (Li and Koenig 2010): P(equal) = J + (1 - J) c with
	 * c = 2^-16 for unrelated minima, so J = (P - c) / (1 - c) */
	const double c = 1.0 / 65536.0;
	double p = (double)sig_equal(a, b) / REUSE_K;
	double j = (p - c) / (1.0 - c);

	return j < 0 ? 0 : j;
}

double reuse_lsh_probability(double s, unsigned bands, unsigned rows)
{
	if (s <= 0)
		return 0;
	if (s >= 1)
		return 1;
	return 1.0 - pow(1.0 - pow(s, (double)rows), (double)bands);
}

static int cmp_u64_sh(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Shingles of a normalised text for similarity: for space-separated
 * scripts every word AND every pair of consecutive words; for unspaced runs
 * (Han, kana, Thai...) textnorm's character bigrams. Single words alone
 * cannot tell a copy from an unrelated post in the same register: common
 * words make their sets overlap and union-find then chains thousands of
 * unrelated posts into one group (docs/features-reuse.md). The word pairs
 * carry order, so chance overlap stays low, while the single words keep a
 * reordered copy near the threshold. Sorted and distinct. */
static size_t sequence_shingles(const char *norm, size_t n, uint64_t *out,
				size_t cap)
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

		qsort(out, k, sizeof(*out), cmp_u64_sh);
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

	return sequence_shingles(norm, len, out, cap);
}

/* ---- radix sorts ---------------------------------------------------- */

#define RADIX 65536

/* Sorts v[0..n) ascending on the low `bits` bits (LSD, 16-bit digits,
 * constant digits skipped); tmp has n entries, cnt RADIX. Stable. */
static void rsort_u64(uint64_t *v, uint64_t *tmp, size_t *cnt, size_t n,
		      unsigned bits)
{
	uint64_t *src = v, *dst = tmp;

	if (n < 2)
		return;
	for (unsigned shift = 0; shift < bits; shift += 16) {
		size_t sum = 0;
		uint64_t first = (src[0] >> shift) & 0xffff;
		int constant = 1;

		memset(cnt, 0, RADIX * sizeof(*cnt));
		for (size_t i = 0; i < n; i++) {
			uint64_t d = (src[i] >> shift) & 0xffff;

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
			dst[cnt[(src[i] >> shift) & 0xffff]++] = src[i];
		{
			uint64_t *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/* rsort_u64 with its own buffers. */
static enum cib_err sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp;
	size_t *cnt;

	if (n < 2)
		return CIB_OK;
	tmp = malloc(n * sizeof(*tmp));
	cnt = malloc(RADIX * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return CIB_ENOMEM;
	}
	rsort_u64(v, tmp, cnt, n, 64);
	free(tmp);
	free(cnt);
	return CIB_OK;
}

struct kv {
	uint64_t k;
	uint32_t v;
};

/* Sorts a[0..n) by k (stable). */
static enum cib_err sort_kv(struct kv *a, size_t n)
{
	size_t *cnt;
	struct kv *src = a, *dst, *tmp;

	if (n < 2)
		return CIB_OK;
	cnt = malloc(RADIX * sizeof(*cnt));
	tmp = malloc(n * sizeof(*tmp));
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
			struct kv *t = src;

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

struct job {
	void (*fn)(void *ctx, size_t lo, size_t hi, unsigned t);
	void *ctx;
	size_t lo, hi;
	unsigned t;
};

static void *job_run(void *p)
{
	struct job *j = p;

	j->fn(j->ctx, j->lo, j->hi, j->t);
	return NULL;
}

/* Runs fn over [0, n) split into nt contiguous ranges, one per thread;
 * a thread that cannot be created runs in the caller. */
static void parallel_for(unsigned nt, size_t n,
			 void (*fn)(void *, size_t, size_t, unsigned),
			 void *ctx)
{
	pthread_t th[16];
	struct job jobs[16];
	int started[16] = { 0 };

	if (nt > 16)
		nt = 16;
	if (nt < 1)
		nt = 1;
	for (unsigned t = 0; t < nt; t++) {
		jobs[t].fn = fn;
		jobs[t].ctx = ctx;
		jobs[t].lo = n / nt * t;
		jobs[t].hi = t + 1 == nt ? n : n / nt * (t + 1);
		jobs[t].t = t;
	}
	for (unsigned t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, job_run, &jobs[t]) == 0;
	job_run(&jobs[0]);
	for (unsigned t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			job_run(&jobs[t]);
	}
}

/* ---- steps 1-3: text hashes and signatures -------------------------- */

struct work {
	const struct dataset *ds;
	const struct reuse_opts *o;
	struct hashfam fam;
	char *norm[16];      /* per thread REUSE_NORM_CAP */
	uint64_t *shbuf[16]; /* per thread REUSE_MAX_SHINGLES */
	/* step 1 */
	uint64_t *hash;  /* per post */
	uint8_t *has;    /* per post: 1 when it has a text */
	/* step 3 */
	const uint32_t *rep; /* per distinct text: representative post */
	uint16_t *sig;       /* per distinct text: REUSE_K values */
	uint8_t *signed_;    /* per distinct text */
};

static size_t post_norm(const struct work *w, size_t j, char *buf)
{
	const struct dataset *ds = w->ds;
	uint32_t s = ds->post.text[j];

	if (ds->post.kind[j] == POST_REPOST || s == STR_NONE)
		return 0;
	return textnorm_normalise(strpool_get(&ds->strings, s),
				  strpool_len(&ds->strings, s), buf,
				  REUSE_NORM_CAP);
}

static void step_hash(void *ctx, size_t lo, size_t hi, unsigned t)
{
	struct work *w = ctx;

	for (size_t j = lo; j < hi; j++) {
		size_t len = post_norm(w, j, w->norm[t]);

		w->has[j] = len > 0;
		w->hash[j] = len ? XXH3_64bits_withSeed(w->norm[t], len,
							TEXT_SEED)
				 : 0;
	}
}

static void step_sign(void *ctx, size_t lo, size_t hi, unsigned t)
{
	struct work *w = ctx;

	for (size_t d = lo; d < hi; d++) {
		size_t len = post_norm(w, w->rep[d], w->norm[t]);
		size_t k = sequence_shingles(w->norm[t], len, w->shbuf[t],
					     REUSE_MAX_SHINGLES);

		w->signed_[d] = k >= w->o->min_tokens && k > 0;
		if (w->signed_[d])
			minhash_fam(&w->fam, w->shbuf[t], k,
				    w->sig + d * REUSE_K);
	}
}

/* ---- step 4: LSH ---------------------------------------------------- */

struct bands {
	const struct reuse_opts *o;
	const uint16_t *sig;
	const uint32_t *ids; /* signed texts */
	size_t n;
	unsigned idbits;
	unsigned first; /* band of slot 0 */
	unsigned nb;    /* bands in this round */
	uint64_t *ent[16], *tmp[16];
	size_t *cnt[16];
};

/* Hash of text ids[i]'s rows in `band`: up to four 16-bit rows are packed
 * exactly into 64 bits, then mixed (one bijective mix per four rows), so
 * equal rows give equal keys and the high bits kept in an entry are
 * uniformly spread. */
static uint64_t band_key(const struct bands *b, size_t i, unsigned band)
{
	const uint16_t *s = b->sig + (size_t)b->ids[i] * REUSE_K +
			    band * b->o->rows;
	uint64_t key = (uint64_t)(band + 1) * UINT64_C(0x9e3779b97f4a7c15);
	uint64_t acc = 0;

	for (unsigned r = 0; r < b->o->rows; r++) {
		acc = acc << 16 | s[r];
		if ((r & 3) == 3 || r + 1 == b->o->rows) {
			key = mix64(key ^ acc);
			acc = 0;
		}
	}
	return key;
}

/* Entry: high (64 - idbits) bits of the band key, then the index into
 * ids; sorting groups equal keys with ids ascending. */
static uint64_t band_entry(const struct bands *b, size_t i, unsigned band)
{
	uint64_t key = band_key(b, i, band);

	return b->idbits >= 64 ? i : (key >> b->idbits << b->idbits) | i;
}

static void band_build(void *ctx, size_t lo, size_t hi, unsigned t)
{
	struct bands *b = ctx;

	(void)t;
	for (size_t slot = lo; slot < hi; slot++) {
		unsigned band = b->first + (unsigned)slot;
		uint64_t *e = b->ent[slot];

		for (size_t i = 0; i < b->n; i++)
			e[i] = band_entry(b, i, band);
		rsort_u64(e, b->tmp[slot], b->cnt[slot], b->n, 64);
	}
}
static uint32_t uf_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

/* Unites by keeping the smaller index as root: deterministic. */
static void uf_union(uint32_t *p, uint32_t a, uint32_t b)
{
	a = uf_find(p, a);
	b = uf_find(p, b);
	if (a < b)
		p[b] = a;
	else if (b < a)
		p[a] = b;
}

static void band_check(struct reuse_result *r, const struct bands *b,
		       uint32_t *parent, uint32_t ia, uint32_t ib)
{
	uint32_t x = b->ids[ia], y = b->ids[ib];

	if (uf_find(parent, x) == uf_find(parent, y))
		return;
	r->stats.n_candidates++;
	if (reuse_signature_jaccard(b->sig + (size_t)x * REUSE_K,
				    b->sig + (size_t)y * REUSE_K) >=
	    b->o->jaccard) {
		r->stats.n_verified++;
		uf_union(parent, x, y);
	}
}

static int cmp_u64_asc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Scans the sorted entries e[0..n) of `band` for buckets of equal keys.
 * A bucket of at most bucket_cap + 1 texts is checked all-pairs. A larger
 * one (usually texts whose minima fall on common words) is split by the
 * key of the next band (an LSH-forest step: its pairs must then agree on
 * more rows), up to SPLIT_DEPTH times; what is still too large is scanned
 * with a sliding window of bucket_cap. */
#define SPLIT_DEPTH 3

static enum cib_err band_scan(struct reuse_result *r, const struct bands *b,
			      const uint64_t *e, size_t n, unsigned band,
			      unsigned depth, uint32_t *parent)
{
	uint64_t idmask = b->idbits >= 64 ? ~UINT64_C(0)
					   : (UINT64_C(1) << b->idbits) - 1;
	size_t cap = b->o->bucket_cap;
	size_t i = 0;

	while (i < n) {
		size_t end = i + 1;

		while (end < n && (e[end] & ~idmask) == (e[i] & ~idmask))
			end++;
		if (end - i > cap + 1 && depth < SPLIT_DEPTH && b->o->bands > 1) {
			unsigned nb = (band + 1) % b->o->bands;
			uint64_t *sub = malloc((end - i) * sizeof(*sub));
			enum cib_err err;

			if (!sub)
				return CIB_ENOMEM;
			for (size_t k = i; k < end; k++)
				sub[k - i] = band_entry(b, (size_t)(e[k] & idmask),
							nb);
			qsort(sub, end - i, sizeof(*sub), cmp_u64_asc);
			err = band_scan(r, b, sub, end - i, nb, depth + 1,
					parent);
			free(sub);
			if (err)
				return err;
			i = end;
			continue;
		}
		if (end - i > cap + 1)
			r->stats.n_capped_buckets++;
		/* all pairs when the bucket holds at most cap + 1 entries,
		 * otherwise each entry with the next cap ones */
		for (size_t x = i; x < end; x++)
			for (size_t y = x + 1; y < end && y <= x + cap; y++)
				band_check(r, b, parent,
					   (uint32_t)(e[x] & idmask),
					   (uint32_t)(e[y] & idmask));
		i = end;
	}
	return CIB_OK;
}

static enum cib_err lsh(struct reuse_result *r, const struct reuse_opts *o,
			const uint16_t *sig, const uint8_t *signed_,
			size_t nd, uint32_t *parent, unsigned nt)
{
	struct bands b;
	uint32_t *ids = NULL;
	size_t n = 0;
	enum cib_err err = CIB_ENOMEM;
	unsigned slots = nt < o->bands ? nt : o->bands;

	memset(&b, 0, sizeof(b));
	for (size_t d = 0; d < nd; d++)
		n += signed_[d];
	if (n < 2)
		return CIB_OK;
	ids = malloc(n * sizeof(*ids));
	if (!ids)
		goto out;
	n = 0;
	for (size_t d = 0; d < nd; d++)
		if (signed_[d])
			ids[n++] = (uint32_t)d;
	b.o = o;
	b.sig = sig;
	b.ids = ids;
	b.n = n;
	b.idbits = 1;
	while (b.idbits < 64 && (UINT64_C(1) << b.idbits) < n)
		b.idbits++;
	for (unsigned s = 0; s < slots; s++) {
		b.ent[s] = malloc(n * sizeof(uint64_t));
		b.tmp[s] = malloc(n * sizeof(uint64_t));
		b.cnt[s] = malloc(RADIX * sizeof(size_t));
		if (!b.ent[s] || !b.tmp[s] || !b.cnt[s])
			goto out;
	}
	err = CIB_OK;
	for (unsigned first = 0; first < o->bands; first += slots) {
		b.first = first;
		b.nb = o->bands - first < slots ? o->bands - first : slots;
		parallel_for(b.nb, b.nb, band_build, &b);
		for (unsigned s = 0; s < b.nb && !err; s++)
			err = band_scan(r, &b, b.ent[s], n, first + s, 0,
					parent);
		if (err)
			goto out;
	}
out:
	for (unsigned s = 0; s < 16; s++) {
		free(b.ent[s]);
		free(b.tmp[s]);
		free(b.cnt[s]);
	}
	free(ids);
	return err;
}

/* ---- step 5: groups and per-account text shares ---------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

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
			scratch[i] = mix64(members[goff[g] + i] ^ salt);
		qsort(scratch, c, sizeof(*scratch), cmp_u64);
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
	enum cib_err err = sort_u64(v, n);

	if (err)
		return err;
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

struct urlacc {
	size_t n, cap;
	size_t bad, dropped;
};

static enum cib_err url_add(struct dataset *ds, struct reuse_result *r,
			    struct urlacc *ua, size_t post_start,
			    const char *s, size_t len)
{
	char canon[URLNORM_MAX + 1], dom[300];
	size_t cl, dl;
	uint32_t cid, did;
	enum cib_err err;

	if (ua->n - post_start >= REUSE_MAX_URLS) {
		ua->dropped++; /* also bounds the per-post duplicate scan */
		return CIB_OK;
	}
	cl = urlnorm_canonical(s, len, canon, sizeof(canon));
	if (cl == 0) {
		ua->bad++;
		return CIB_OK;
	}
	dl = urlnorm_domain(canon, cl, dom, sizeof(dom));
	err = strpool_intern(&ds->strings, canon, cl, &cid);
	if (err)
		return err;
	for (size_t k = post_start; k < ua->n; k++)
		if (r->url_str[k] == cid)
			return CIB_OK;
	did = STR_NONE;
	if (dl > 0 && (err = strpool_intern(&ds->strings, dom, dl, &did)))
		return err;
	if (ua->n == ua->cap) {
		size_t nc = ua->cap ? ua->cap * 2 : 1024;
		uint32_t *a = realloc(r->url_str, nc * sizeof(*a));

		if (!a)
			return CIB_ENOMEM;
		r->url_str = a;
		a = realloc(r->url_domain, nc * sizeof(*a));
		if (!a)
			return CIB_ENOMEM;
		r->url_domain = a;
		ua->cap = nc;
	}
	r->url_str[ua->n] = cid;
	r->url_domain[ua->n] = did;
	ua->n++;
	return CIB_OK;
}

static enum cib_err urls(struct dataset *ds, struct reuse_result *r)
{
	size_t n = ds->post.n, na = ds->acc.n, m = 0;
	struct urlacc ua = { 0, 0, 0, 0 };
	uint64_t *v = NULL;
	enum cib_err err = CIB_OK;

	r->url_off = malloc((n + 1) * sizeof(*r->url_off));
	if (!r->url_off)
		return CIB_ENOMEM;
	for (size_t j = 0; j < n && !err; j++) {
		size_t start = ua.n, found = 0;

		r->url_off[j] = start;
		if (ds->post.ent_off)
			for (uint64_t k = ds->post.ent_off[j];
			     k < ds->post.ent_off[j + 1] && !err; k++) {
				uint32_t sid = ds->ent.str[k];

				if (ds->ent.type[k] != ENT_URL)
					continue;
				found++;
				err = url_add(ds, r, &ua, start,
					      strpool_get(&ds->strings, sid),
					      strpool_len(&ds->strings, sid));
			}
		if (!found && ds->post.text[j] != STR_NONE) {
			const char *t = strpool_get(&ds->strings,
						    ds->post.text[j]);
			size_t tl = strpool_len(&ds->strings, ds->post.text[j]);
			size_t off = 0, len;

			while (!err && urlnorm_next(t, tl, &off, &len)) {
				err = url_add(ds, r, &ua, start, t + off, len);
				off += len;
			}
		}
	}
	r->url_off[n] = ua.n;
	r->stats.n_url_refs = ua.n;
	r->stats.n_bad_urls = ua.bad;
	r->stats.n_urls_dropped = ua.dropped;
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

void reuse_result_release(struct reuse_result *r)
{
	if (!r)
		return;
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
			   uint64_t salt)
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
	if ((err = sort_u64(v, m)))
		goto out;
	for (size_t i = 0; i < m; i++)
		if (i == 0 || v[i] != v[i - 1])
			r->group_accounts[(uint32_t)v[i]]++;
	for (size_t i = 0; i < m;) {
		size_t e = i;
		uint32_t a = (uint32_t)(v[i] >> 32), g = (uint32_t)v[i];

		while (e < m && v[e] == v[i])
			e++;
		self[a] += (uint32_t)(e - i - 1);
		if (r->group_accounts[g] >= 2)
			copied[a] += (uint32_t)(e - i);
		v[nu++] = v[i]; /* compact to distinct pairs */
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

enum cib_err reuse_compute(struct dataset *ds, const struct postindex *pi,
			   const struct reuse_opts *o, struct reuse_result *r)
{
	struct work w;
	size_t n, na, nt_texts = 0, nd = 0;
	unsigned nt;
	struct kv *kv = NULL;
	uint32_t *tid = NULL, *rep = NULL, *parent = NULL;
	enum cib_err err = CIB_ENOMEM;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	if (!ds || !o || !opts_valid(o))
		return CIB_EUSAGE;
	if (pi && pi->n_accounts != ds->acc.n)
		return CIB_EUSAGE;
	n = ds->post.n;
	na = ds->acc.n;
	r->n_posts = n;
	r->n_accounts = na;
	nt = o->threads ? o->threads : 2;
	w.ds = ds;
	w.o = o;
	for (unsigned t = 0; t < nt; t++) {
		w.norm[t] = malloc(REUSE_NORM_CAP);
		w.shbuf[t] = malloc(REUSE_MAX_SHINGLES * sizeof(uint64_t));
		if (!w.norm[t] || !w.shbuf[t])
			goto out;
	}
	r->post_group = malloc((n ? n : 1) * sizeof(*r->post_group));
	w.hash = malloc((n ? n : 1) * sizeof(*w.hash));
	w.has = malloc(n ? n : 1);
	tid = malloc((n ? n : 1) * sizeof(*tid));
	if (!r->post_group || !w.hash || !w.has || !tid)
		goto out;
	if ((err = alloc_accounts(r, na)))
		goto out;
	err = CIB_ENOMEM;

	/* 1-2: exact duplicates */
	parallel_for(nt, n, step_hash, &w);
	for (size_t j = 0; j < n; j++)
		nt_texts += w.has[j];
	r->stats.n_texts = nt_texts;
	kv = malloc((nt_texts ? nt_texts : 1) * sizeof(*kv));
	if (!kv)
		goto out;
	nt_texts = 0;
	for (size_t j = 0; j < n; j++) {
		tid[j] = NONE32;
		if (w.has[j]) {
			kv[nt_texts].k = w.hash[j];
			kv[nt_texts++].v = (uint32_t)j;
		}
	}
	free(w.hash);
	w.hash = NULL;
	if ((err = sort_kv(kv, nt_texts)))
		goto out;
	err = CIB_ENOMEM;
	for (size_t i = 0; i < nt_texts; i++)
		nd += i == 0 || kv[i].k != kv[i - 1].k;
	rep = malloc((nd ? nd : 1) * sizeof(*rep));
	parent = malloc((nd ? nd : 1) * sizeof(*parent));
	if (!rep || !parent)
		goto out;
	nd = 0;
	for (size_t i = 0; i < nt_texts; i++) {
		if (i == 0 || kv[i].k != kv[i - 1].k)
			rep[nd++] = kv[i].v; /* lowest post: the sort is stable */
		tid[kv[i].v] = (uint32_t)(nd - 1);
	}
	free(kv);
	kv = NULL;
	r->stats.n_distinct = nd;

	/* 3: signatures */
	w.rep = rep;
	w.sig = malloc((nd ? nd : 1) * REUSE_K * sizeof(uint16_t));
	w.signed_ = malloc(nd ? nd : 1);
	if (!w.sig || !w.signed_)
		goto out;
	hashfam_init(&w.fam, o->seed);
	parallel_for(nt, nd, step_sign, &w);
	for (size_t d = 0; d < nd; d++) {
		parent[d] = (uint32_t)d;
		r->stats.n_signed += w.signed_[d];
	}
	r->stats.n_short = nd - r->stats.n_signed;

	/* 4: near duplicates */
	if ((err = lsh(r, o, w.sig, w.signed_, nd, parent, nt)))
		goto out;
	free(w.sig);
	w.sig = NULL;

	/* 5-6 */
	if ((err = groups(ds, r, tid, parent, nd, mix64(o->seed))))
		goto out;
	err = urls(ds, r);
out:
	for (unsigned t = 0; t < 16; t++) {
		free(w.norm[t]);
		free(w.shbuf[t]);
	}
	free(w.hash);
	free(w.has);
	free(w.sig);
	free(w.signed_);
	free(kv);
	free(tid);
	free(rep);
	free(parent);
	if (err)
		reuse_result_release(r);
	return err;
}
