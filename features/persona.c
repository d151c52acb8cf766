/* persona.c - change points, dormancy and renames, one account at a time.
 *
 * Per account the posts (already in time order in the postindex) become
 * two aligned sequences: a language symbol per post (dense per-account
 * index, or none) and a bag of token ids (dense per-account indices of
 * hashed words). The two-segment log-likelihood ratio at every split is
 * kept up to date in O(1) per language symbol and O(1) per token with the
 * running sums S = sum_k x_k ln x_k, so the scan over all splits is
 * O(n + tokens). The permutation test repeats that scan on shuffled
 * orders, stopping early once the observed value is clearly ordinary, and
 * each shuffle's scan as soon as it reaches the observed value.
 * Every floating-point sum is formed in the same order from the same
 * doubles as the plain formula (see scan_splits), so results are
 * bit-identical to it, not merely close.
 * Invariants: buffers are reused across accounts and grow only to the
 * largest account (bounded by its posts times PERSONA_MAX_TOKENS); every
 * random choice comes from a generator seeded by (seed, account index), so
 * results do not depend on the order accounts are processed in.
 */
#include "persona.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../core/forkjoin.h"
#include "../core/sortu64.h"
#include "../core/splitmix.h"

/* An LLR at most this is "no change": floating sums of x ln x carry
 * rounding of this order for accounts of millions of tokens. */
#define LLR_EPS 1e-9

struct work {
	size_t cap_posts, cap_tok, cap_f, cap_k, cap_slot, cap_rb;
	int32_t *lang;	   /* per post: dense language index or -1 */
	uint64_t *tok_off; /* per post + 1 */
	uint64_t *tok_hash;
	uint32_t *tok_id;  /* dense token ids */
	uint64_t *sorted;  /* distinct token hashes, ascending */
	uint64_t *sort_tmp; /* radix sort scratch */
	uint64_t *slot_key; /* hash -> dense id table, open addressing */
	uint32_t *slot_val; /* UINT32_MAX: empty */
	uint32_t *perm;
	double *f;	   /* f[x] = x ln x */
	double *df;	   /* df[x] = f[x + 1] - f[x], as the scan computed it */
	uint64_t *rb_thr, *rb_inv; /* per bound b: 2^64 mod b, 2^64-1 div b */
	uint32_t *lang_ids; /* dense language index -> string id */
	size_t k;	   /* distinct languages in this account */
	size_t v;	   /* distinct tokens */
	uint32_t *ca, *cb; /* counts, language part: K each */
	uint32_t *tc;	   /* token counts: tc[2j] moved, tc[2j + 1] total */
	uint32_t *tc0;	   /* tc as a scan starts: nothing moved yet */
	/* the tokens the scan must visit: those seen at least twice in the
	 * account, per post in post order. A token seen once moves its sums
	 * by df[0] = f[1] - f[0] = +0.0 both ways, which changes no bit of a
	 * non-negative sum (the sums never hold -0.0). */
	uint32_t *stok;
	uint64_t *stok_off; /* per post + 1 */
	uint32_t *ntok;	    /* per post: all its tokens */
	size_t cap_stok;
	double *da, *db;   /* scratch for JS */
	/* the scan's starting state, the same for every order */
	double l_s0, t_s0;   /* sum of x ln x over the totals */
	double l_sc, t_sc;   /* s0 - f[total]: split_llr's constant term */
	uint64_t l_n, t_n;   /* language symbols, tokens */
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *q;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	q = realloc(*p, nc * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

/* realloc that keeps *p valid on failure; n > 0 */
static int resize(void **p, size_t n)
{
	void *q = realloc(*p, n);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

static void work_release(struct work *w)
{
	free(w->lang);
	free(w->tok_off);
	free(w->tok_hash);
	free(w->tok_id);
	free(w->sorted);
	free(w->sort_tmp);
	free(w->slot_key);
	free(w->slot_val);
	free(w->perm);
	free(w->f);
	free(w->df);
	free(w->rb_thr);
	free(w->rb_inv);
	free(w->lang_ids);
	free(w->ca);
	free(w->cb);
	free(w->tc);
	free(w->tc0);
	free(w->stok);
	free(w->stok_off);
	free(w->ntok);
	free(w->da);
	free(w->db);
}

/* Makes f[] cover 0..x and df[] 0..x-1. df[i] is the very double the
 * scan used to compute as f[i + 1] - f[i]; f[i] - f[i + 1] is exactly
 * -df[i] (IEEE subtraction is sign-symmetric), so the scan's sums keep
 * every bit. */
static int xlogx_cover(struct work *w, size_t x)
{
	size_t old = w->cap_f, cap;
	double *q;

	if (x < old)
		return 0;
	if (grow((void **)&w->f, &w->cap_f, x + 1, sizeof(double)))
		return -1;
	cap = w->cap_f;
	q = realloc(w->df, cap * sizeof(*q));
	if (!q) {
		w->cap_f = old; /* f grew; recomputing its tail is harmless */
		return -1;
	}
	w->df = q;
	for (size_t i = old; i < cap; i++)
		w->f[i] = i ? (double)i * log((double)i) : 0.0;
	for (size_t i = old ? old - 1 : 0; i + 1 < cap; i++)
		w->df[i] = w->f[i + 1] - w->f[i];
	return 0;
}

/* --- tokens -------------------------------------------------------- */

static int is_han_or_kana(int32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0x20000 && cp <= 0x323AF);
}

#define FNV_OFF 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
/* FNV-1a over the 4 little-endian bytes of a lower-cased code point */
#define HASH_CP(h, lc)                                       \
	do {                                                 \
		uint32_t lc_ = (lc);                         \
		for (int b_ = 0; b_ < 4; b_++) {             \
			(h) ^= (lc_ >> (8 * b_)) & 0xFF;     \
			(h) *= FNV_PRIME;                    \
		}                                            \
	} while (0)

/* Appends up to PERSONA_MAX_TOKENS token hashes of s to out. Words are
 * runs of letters and digits, lower-cased, at least 2 code points, not all
 * digits; each Han or kana character is a token on its own (Chinese and
 * Japanese are not space-separated, and single characters are the
 * standard cheap unit). URLs, @mentions and "RT" are skipped; hashtags are
 * kept (they are topic). Returns the number added. Reads at most 4 KiB. */
/* 1 when utf8proc puts every code point of the CJK Unified Ideographs
 * block (U+4E00..U+9FFF) in a letter/mark/digit category, as Unicode 14
 * and later do: tokenize then takes those (most Chinese text) without a
 * property lookup. Asked of the linked utf8proc once, so the shortcut
 * gives its answers whatever its version. */
static pthread_once_t han_once = PTHREAD_ONCE_INIT;
static int han_all_word;

static void han_check(void)
{
	int ok = 1;

	for (int32_t cp = 0x4E00; cp <= 0x9FFF && ok; cp++) {
		utf8proc_category_t c = utf8proc_category(cp);

		ok = c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ND;
	}
	han_all_word = ok;
}

static size_t tokenize(const char *s, size_t n, uint64_t *out)
{
	size_t i = 0, k = 0, wlen = 0;
	uint64_t h = FNV_OFF;
	int digits_only = 1;

	if (n > 4096)
		n = 4096;
	while (i < n && k < PERSONA_MAX_TOKENS) {
		unsigned char b0 = (unsigned char)s[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;
		utf8proc_category_t c;
		int word_char;

		/* only a token starting with one of these can be skipped
		 * (langdetect_skip_token returns 0 at once otherwise) */
		if (b0 == '@' || b0 == '#' || b0 == 'h' || b0 == 'w' ||
		    b0 == 'R') {
			size_t skip = langdetect_skip_token(s, i, n, 1);

			if (skip) {
				i += skip;
				continue;
			}
		}
		if (b0 < 0x80) {
			/* ASCII: what utf8proc says, without asking it
			 * (letters Lu/Ll, digits Nd, nothing else is a
			 * letter, mark or digit; tolower is +32) */
			i++;
			if (b0 >= 'a' && b0 <= 'z') {
				HASH_CP(h, b0);
				wlen++;
				digits_only = 0;
				continue;
			}
			if (b0 >= 'A' && b0 <= 'Z') {
				HASH_CP(h, b0 + 32u);
				wlen++;
				digits_only = 0;
				continue;
			}
			if (b0 >= '0' && b0 <= '9') {
				HASH_CP(h, b0);
				wlen++;
				continue;
			}
			if (wlen >= 2 && !digits_only)
				out[k++] = h;
			wlen = 0;
			h = FNV_OFF;
			digits_only = 1;
			continue;
		}
		len = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				       (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0) {
			len = 1;
			cp = -1;
		}
		i += (size_t)len;
		if (cp >= 0x4E00 && cp <= 0x9FFF && han_all_word) {
			c = UTF8PROC_CATEGORY_LO; /* any word category will do */
			word_char = 1;
		} else {
			c = cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
			word_char = c >= UTF8PROC_CATEGORY_LU &&
				    c <= UTF8PROC_CATEGORY_ND;
		}
		if (word_char && is_han_or_kana(cp)) {
			if (wlen >= 2 && !digits_only)
				out[k++] = h;
			wlen = 0;
			h = FNV_OFF;
			digits_only = 1;
			if (k < PERSONA_MAX_TOKENS)
				out[k++] = ((uint64_t)cp * 0x9E3779B97F4A7C15ULL) ^ 1;
			continue;
		}
		if (word_char) {
			uint32_t lc = (uint32_t)utf8proc_tolower(cp);

			HASH_CP(h, lc);
			wlen++;
			if (c != UTF8PROC_CATEGORY_ND)
				digits_only = 0;
			continue;
		}
		if (wlen >= 2 && !digits_only)
			out[k++] = h;
		wlen = 0;
		h = FNV_OFF;
		digits_only = 1;
	}
	if (k < PERSONA_MAX_TOKENS && wlen >= 2 && !digits_only)
		out[k++] = h;
	return k;
}

/* Slot of hash h in the open-addressing table (mask + 1 slots). Token
 * hashes are FNV or multiplicative already; the multiply spreads the
 * high bits we index with. */
static size_t slot_of(const struct work *w, uint64_t h, unsigned shift,
		      size_t mask)
{
	size_t i = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> shift) & mask;

	while (w->slot_val[i] != UINT32_MAX && w->slot_key[i] != h)
		i = (i + 1) & mask;
	return i;
}

/* Dense token ids: tok_id[i] = rank of tok_hash[i] among the account's
 * distinct hashes (ascending, as sort-and-unique gave them: the scan and
 * the JS sums run over ids in this order). Returns the number of
 * distinct hashes, or SIZE_MAX when out of memory. */
static size_t dense_ids(struct work *w, size_t nt)
{
	size_t nslot = 16, mask, nu = 0;
	unsigned shift = 60;

	while (nslot < 2 * nt) {
		nslot *= 2;
		shift--;
	}
	if (nslot > w->cap_slot) {
		if (resize((void **)&w->slot_key, nslot * sizeof(*w->slot_key)) ||
		    resize((void **)&w->slot_val, nslot * sizeof(*w->slot_val)))
			return SIZE_MAX;
		w->cap_slot = nslot;
	}
	mask = nslot - 1;
	memset(w->slot_val, 0xFF, nslot * sizeof(*w->slot_val));
	for (size_t i = 0; i < nt; i++) {
		uint64_t h = w->tok_hash[i];
		size_t j = slot_of(w, h, shift, mask);

		if (w->slot_val[j] == UINT32_MAX) {
			w->slot_key[j] = h;
			w->slot_val[j] = 0;
			w->sorted[nu++] = h;
		}
		w->tok_id[i] = (uint32_t)j;
	}
	sortu64_radix(w->sorted, w->sort_tmp, nu);
	for (size_t r = 0; r < nu; r++)
		w->slot_val[slot_of(w, w->sorted[r], shift, mask)] = (uint32_t)r;
	for (size_t i = 0; i < nt; i++)
		w->tok_id[i] = w->slot_val[w->tok_id[i]];
	return nu;
}

/* --- statistics ---------------------------------------------------- */

double persona_llr_split(const uint32_t *seq, size_t n, uint32_t k,
			 size_t tau)
{
	double *a, *b, la = 0, lb = 0, lc = 0;
	double na = (double)tau, nb = (double)(n - tau);

	if (!seq || tau > n || k == 0)
		return NAN;
	a = calloc(k, sizeof(*a));
	b = calloc(k, sizeof(*b));
	if (!a || !b) {
		free(a);
		free(b);
		return NAN;
	}
	for (size_t i = 0; i < n; i++) {
		if (seq[i] >= k) {
			free(a);
			free(b);
			return NAN;
		}
		(i < tau ? a : b)[seq[i]] += 1;
	}
	/* direct formula, independent of the incremental one used below */
	for (uint32_t j = 0; j < k; j++) {
		double c = a[j] + b[j];

		if (a[j] > 0)
			la += a[j] * log(a[j] / na);
		if (b[j] > 0)
			lb += b[j] * log(b[j] / nb);
		if (c > 0)
			lc += c * log(c / (double)n);
	}
	free(a);
	free(b);
	return la + lb - lc;
}

double persona_js_divergence(const double *a, const double *b, size_t k)
{
	double sa = 0, sb = 0, js = 0;

	for (size_t i = 0; i < k; i++) {
		sa += a[i];
		sb += b[i];
	}
	if (sa <= 0 || sb <= 0)
		return NAN;
	for (size_t i = 0; i < k; i++) {
		double p = a[i] / sa, q = b[i] / sb, m = (p + q) / 2;

		if (p > 0)
			js += 0.5 * p * log2(p / m);
		if (q > 0)
			js += 0.5 * q * log2(q / m);
	}
	if (js < 0)
		js = 0;
	return js > 1 ? 1 : js;
}

/* x > 0 ? x : 0, without a branch: with one language the language LLR
 * is rounding noise around 0, so its sign is a coin toss at every post.
 * SSE2's maxsd returns its first operand exactly when it is greater. */
static inline double clamp0(double x)
{
#ifdef __SSE2__
	return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(x), _mm_setzero_pd()));
#else
	return x > 0 ? x : 0;
#endif
}

/* Best split of the posts in order ord[0..n): returns max over tau in
 * [1, n) of LLR_lang(tau) + wt * LLR_tok(tau) (the first on ties, within
 * LLR_EPS); *best_tau gets the tau. ord == NULL means the natural order.
 *
 * The scan stops as soon as the running best reaches stop_at (INFINITY:
 * never): the best only grows, so a permutation that reaches the observed
 * statistic need not be finished. Every sum is formed in the same order,
 * from the same doubles, as the direct x ln x version (df[a] = f[a + 1] -
 * f[a], f[b - 1] - f[b] = -df[b - 1]; split_llr's constant term
 * precomputed; tokens seen once skipped, see struct work), so each value
 * is bit-identical to it. */
static double scan_splits(struct work *w, size_t n, const uint32_t *ord,
			  double wt, double stop_at, size_t *best_tau)
{
	const double *f = w->f, *df = w->df;
	const uint64_t *tok_off = w->stok_off;
	const uint32_t *tok_id = w->stok, *ntok = w->ntok, *cb = w->cb;
	const int32_t *lang = w->lang;
	uint32_t *ca = w->ca, *tc = w->tc;
	double lsa = 0, lsb = w->l_s0, tsa = 0, tsb = w->t_s0;
	const double lsc = w->l_sc, tsc = w->t_sc;
	uint64_t lna = 0, lnb = w->l_n, tna = 0, tnb = w->t_n;
	double best = 0;
	size_t bt = 0;

	memset(ca, 0, w->k * sizeof(*ca));
	memcpy(tc, w->tc0, 2 * w->v * sizeof(*tc));
	/* tc[2j + 1] and cb hold totals; a = moved counts, b = total - a */
	for (size_t t = 1; t < n; t++) {
		size_t p = ord ? ord[t - 1] : t - 1;
		int32_t l = lang[p];
		double cur, ll;

		if (l >= 0) {
			uint32_t a = ca[l], tot = cb[l];

			lsa += df[a];
			lsb -= df[tot - a - 1];
			ca[l] = a + 1;
			lna++;
			lnb--;
		}
		for (uint64_t q = tok_off[p], e = tok_off[p + 1]; q < e; q++) {
			uint32_t *c = tc + 2 * (size_t)tok_id[q];
			uint32_t a = c[0], tot = c[1];

			tsa += df[a];
			tsb -= df[tot - a - 1];
			c[0] = a + 1;
		}
		tna += ntok[p];
		tnb -= ntok[p];
		ll = lsa - f[lna] + lsb - f[lnb] - lsc;
		cur = clamp0(ll);
		if (wt > 0) {
			double lt = tsa - f[tna] + tsb - f[tnb] - tsc;

			cur = cur + wt * clamp0(lt);
		}
		if (cur > best + LLR_EPS) {
			best = cur;
			bt = t;
			if (best >= stop_at)
				break;
		}
	}
	*best_tau = bt;
	return best;
}

/* High 64 bits of x * y. */
static uint64_t mulhi64(uint64_t x, uint64_t y)
{
#ifdef __SIZEOF_INT128__
	__extension__ typedef unsigned __int128 u128;

	return (uint64_t)(((u128)x * y) >> 64);
#else
	uint64_t xl = x & 0xFFFFFFFFu, xh = x >> 32;
	uint64_t yl = y & 0xFFFFFFFFu, yh = y >> 32;
	uint64_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
	uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/* Makes the shuffle's per-bound constants cover bounds 2..n: thr[b] =
 * 2^64 mod b (rejection threshold) and inv[b] = (2^64 - 1) / b. The
 * bounds of a Fisher-Yates pass over n items are always 2..n, so each is
 * divided once per worker instead of twice per draw. */
static int rand_cover(struct work *w, size_t n)
{
	size_t old = w->cap_rb;

	if (n < old)
		return 0;
	if (grow((void **)&w->rb_thr, &w->cap_rb, n + 1, sizeof(*w->rb_thr)))
		return -1;
	if (resize((void **)&w->rb_inv, w->cap_rb * sizeof(*w->rb_inv))) {
		w->cap_rb = old;
		return -1;
	}
	for (size_t b = old; b < w->cap_rb; b++) {
		w->rb_thr[b] = b ? (0 - (uint64_t)b) % b : 0;
		w->rb_inv[b] = b ? UINT64_MAX / b : 0;
	}
	return 0;
}

/* Uniform in [0, bound) without modulo bias: the same draws and the same
 * value as r % bound after rejecting r < 2^64 mod bound. The quotient
 * estimate mulhi(r, inv) is at most one below r / bound (inv >=
 * (2^64 - bound) / bound), so one correction step makes the remainder
 * exact (a conditional move, not a branch: the step is needed at random). bound >= 2, covered by rand_cover. */
static uint64_t rand_below(const struct work *w, uint64_t *s, uint64_t bound)
{
	uint64_t thr = w->rb_thr[bound], r, m;

	do
		r = splitmix_next(s);
	while (r < thr);
	m = r - mulhi64(r, w->rb_inv[bound]) * bound;
	return m >= bound ? m - bound : m;
}

/* Dominant language (dense index) of posts [from, to), -1 if none known;
 * ties go to the language the account used first. */
static int32_t dominant(struct work *w, size_t from, size_t to)
{
	int32_t best = -1;
	uint32_t bc = 0;

	memset(w->ca, 0, w->k * sizeof(*w->ca));
	for (size_t i = from; i < to; i++)
		if (w->lang[i] >= 0)
			w->ca[w->lang[i]]++;
	for (size_t j = 0; j < w->k; j++)
		if (w->ca[j] > bc) {
			bc = w->ca[j];
			best = (int32_t)j;
		}
	return best;
}

/* Jensen-Shannon of the token distributions of posts [0, t) and [t, n). */
static double js_at(struct work *w, size_t n, size_t t)
{
	memset(w->da, 0, w->v * sizeof(*w->da));
	memset(w->db, 0, w->v * sizeof(*w->db));
	for (size_t i = 0; i < n; i++)
		for (uint64_t q = w->tok_off[i]; q < w->tok_off[i + 1]; q++)
			(i < t ? w->da : w->db)[w->tok_id[q]] += 1;
	return persona_js_divergence(w->da, w->db, w->v);
}

static uint32_t lang_id(const struct work *w, int32_t d)
{
	return d < 0 ? STR_NONE : w->lang_ids[d];
}

/* The languages (w->lang, distinct ones in w->lang_ids) and, with
 * use_vocab, the token hashes (w->tok_hash, w->tok_off) of the n posts
 * index pi has from o on; *nt_out tokens in all. */
static enum cib_err load_posts(struct work *w, const struct dataset *ds,
			       const struct postindex *pi, uint64_t o, size_t n,
			       const uint32_t *post_lang, int use_vocab,
			       size_t *nt_out)
{
	size_t nt = 0;

	w->k = 0;
	w->tok_off[0] = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t post = postindex_at(pi, o + i), lid = post_lang[post];
		size_t j = 0;

		/* the texts are scattered over the pool: ask for the ones a
		 * few posts ahead while tokenizing this one */
		if (i + 8 < n) {
			uint32_t p8 = postindex_at(pi, o + i + 8);

			__builtin_prefetch(&post_lang[p8]);
			if (use_vocab)
				__builtin_prefetch(&ds->post.text[p8]);
		}
		if (use_vocab && i + 4 < n) {
			uint32_t t4 =
				ds->post.text[postindex_at(pi, o + i + 4)];

			if (t4 != STR_NONE)
				__builtin_prefetch(&ds->texts.ptr[t4]);
		}
		if (use_vocab && i + 2 < n) {
			uint32_t t2 =
				ds->post.text[postindex_at(pi, o + i + 2)];

			if (t2 != STR_NONE) /* the length sits just before */
				__builtin_prefetch(ds->texts.ptr[t2] - 4);
		}

		w->lang[i] = -1;
		if (lid != STR_NONE) {
			while (j < w->k && w->lang_ids[j] != lid)
				j++;
			if (j == w->k) {
				if (grow((void **)&w->lang_ids, &w->cap_k,
					 w->k + 1, sizeof(*w->lang_ids)))
					return CIB_ENOMEM;
				w->lang_ids[w->k++] = lid;
			}
			w->lang[i] = (int32_t)j;
		}
		if (use_vocab && ds->post.text[post] != STR_NONE) {
			uint32_t t = ds->post.text[post];

			if (grow((void **)&w->tok_hash, &w->cap_tok,
				 nt + PERSONA_MAX_TOKENS, sizeof(*w->tok_hash)))
				return CIB_ENOMEM;
			nt += tokenize(strpool_get(&ds->texts, t),
				       strpool_len(&ds->texts, t),
				       w->tok_hash + nt);
		}
		w->tok_off[i + 1] = nt;
	}
	*nt_out = nt;
	return CIB_OK;
}

/* Loads account a's posts into w: languages and dense tokens. */
static enum cib_err load_account(struct work *w, const struct dataset *ds,
				 const struct postindex *pi,
				 const uint32_t *post_lang, size_t a,
				 int use_vocab)
{
	size_t n = postindex_count(pi, a), nt = 0, nu = 0;

	if (grow((void **)&w->lang, &w->cap_posts, n + 1, sizeof(*w->lang)))
		return CIB_ENOMEM;
	/* the other per-post arrays follow cap_posts */
	{
		size_t c = w->cap_posts;

		if (resize((void **)&w->tok_off, (c + 1) * sizeof(*w->tok_off)) ||
		    resize((void **)&w->stok_off, (c + 1) * sizeof(*w->stok_off)) ||
		    resize((void **)&w->ntok, c * sizeof(*w->ntok)) ||
		    resize((void **)&w->perm, c * sizeof(*w->perm)))
			return CIB_ENOMEM;
	}
	if (load_posts(w, ds, pi, pi->off[a], n, post_lang, use_vocab, &nt))
		return CIB_ENOMEM;
	/* dense token ids: sort a copy, unique, binary search */
	{
		size_t c = w->cap_tok;

		if (c < 1)
			c = 1;
		if (resize((void **)&w->sorted, c * sizeof(*w->sorted)) ||
		    resize((void **)&w->sort_tmp, c * sizeof(*w->sort_tmp)) ||
		    resize((void **)&w->tok_id, c * sizeof(*w->tok_id)))
			return CIB_ENOMEM;
	}
	nu = dense_ids(w, nt);
	if (nu == SIZE_MAX)
		return CIB_ENOMEM;
	w->v = nu;
	/* counts and scratch sized to k and v */
	{
		size_t kk = w->k ? w->k : 1, vv = nu ? nu : 1;

		if (resize((void **)&w->ca, kk * sizeof(*w->ca)) ||
		    resize((void **)&w->cb, kk * sizeof(*w->cb)) ||
		    resize((void **)&w->tc, 2 * vv * sizeof(*w->tc)) ||
		    resize((void **)&w->tc0, 2 * vv * sizeof(*w->tc0)) ||
		    resize((void **)&w->da, vv * sizeof(*w->da)) ||
		    resize((void **)&w->db, vv * sizeof(*w->db)))
			return CIB_ENOMEM;
	}
	memset(w->cb, 0, (w->k ? w->k : 1) * sizeof(*w->cb));
	memset(w->tc, 0, 2 * (nu ? nu : 1) * sizeof(*w->tc));
	w->l_n = 0;
	for (size_t i = 0; i < n; i++)
		if (w->lang[i] >= 0) {
			w->cb[w->lang[i]]++;
			w->l_n++;
		}
	for (size_t i = 0; i < nt; i++)
		w->tc[2 * w->tok_id[i] + 1]++;
	w->t_n = nt;
	memcpy(w->tc0, w->tc, 2 * (nu ? nu : 1) * sizeof(*w->tc0));
	if (grow((void **)&w->stok, &w->cap_stok, nt ? nt : 1, sizeof(*w->stok)))
		return CIB_ENOMEM;
	w->stok_off[0] = 0;
	for (size_t i = 0, m = 0; i < n; i++) {
		for (uint64_t q = w->tok_off[i]; q < w->tok_off[i + 1]; q++)
			if (w->tc[2 * w->tok_id[q] + 1] > 1)
				w->stok[m++] = w->tok_id[q];
		w->stok_off[i + 1] = m;
		w->ntok[i] = (uint32_t)(w->tok_off[i + 1] - w->tok_off[i]);
	}
	if (xlogx_cover(w, (n > nt ? n : nt) + 1) || rand_cover(w, n))
		return CIB_ENOMEM;
	/* the scan's start, summed in the order it always was */
	w->l_s0 = 0;
	for (size_t j = 0; j < w->k; j++)
		w->l_s0 += w->f[w->cb[j]];
	w->t_s0 = 0;
	for (size_t j = 0; j < nu; j++)
		w->t_s0 += w->f[w->tc[2 * j + 1]];
	w->l_sc = w->l_s0 - w->f[w->l_n];
	w->t_sc = w->t_s0 - w->f[w->t_n];
	return CIB_OK;
}

void persona_opts_init(struct persona_opts *o)
{
	o->seed = 1;
	o->max_perm = PERSONA_DEFAULT_PERM;
	o->stop_exceed = PERSONA_DEFAULT_STOP;
	o->use_vocab = 1;
	o->perm_budget = PERSONA_PERM_BUDGET;
	o->seed_key = NULL;
}

uint64_t persona_account_key(const struct dataset *ds, size_t a)
{
	const char *id = ds_str(ds, ds->acc.id[a]);

	return XXH3_64bits_withSeed(id, strlen(id),
				    (uint64_t)ds->acc.platform[a] + 1);
}

int persona_at_floor(const struct persona_result *r, size_t acc)
{
	if (!r || !r->cp_p || acc >= r->n || r->n_perm[acc] == 0)
		return 0;
	return r->cp_p[acc] <= 1.0 / (r->n_perm[acc] + 1.0) * (1 + 1e-12);
}

void persona_result_release(struct persona_result *r)
{
	if (!r)
		return;
	free(r->cp_llr);
	free(r->cp_p);
	free(r->cp_time);
	free(r->lang_before);
	free(r->lang_after);
	free(r->topic_shift);
	free(r->longest_gap);
	free(r->gap_end);
	free(r->gap_lang_change);
	free(r->gap_topic_shift);
	free(r->ui_lang_mismatch);
	free(r->main_lang);
	free(r->n_handle_changes);
	free(r->n_name_changes);
	free(r->n_posts_lang);
	free(r->n_perm);
	memset(r, 0, sizeof(*r));
}

enum cib_err persona_result_alloc(struct persona_result *r, size_t n)
{
	size_t m = n ? n : 1;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->cp_llr = malloc(m * sizeof(double));
	r->cp_p = malloc(m * sizeof(double));
	r->cp_time = malloc(m * sizeof(int64_t));
	r->lang_before = malloc(m * sizeof(uint32_t));
	r->lang_after = malloc(m * sizeof(uint32_t));
	r->topic_shift = malloc(m * sizeof(double));
	r->longest_gap = malloc(m * sizeof(int64_t));
	r->gap_end = malloc(m * sizeof(int64_t));
	r->gap_lang_change = malloc(m);
	r->gap_topic_shift = malloc(m * sizeof(double));
	r->ui_lang_mismatch = malloc(m);
	r->main_lang = malloc(m * sizeof(uint32_t));
	r->n_handle_changes = calloc(m, sizeof(uint32_t));
	r->n_name_changes = calloc(m, sizeof(uint32_t));
	r->n_posts_lang = malloc(m * sizeof(uint32_t));
	r->n_perm = malloc(m * sizeof(uint32_t));
	if (!r->cp_llr || !r->cp_p || !r->cp_time || !r->lang_before ||
	    !r->lang_after || !r->topic_shift || !r->longest_gap ||
	    !r->gap_end || !r->gap_lang_change || !r->gap_topic_shift ||
	    !r->ui_lang_mismatch || !r->main_lang || !r->n_handle_changes ||
	    !r->n_name_changes || !r->n_posts_lang || !r->n_perm) {
		persona_result_release(r);
		return CIB_ENOMEM;
	}
	return CIB_OK;
}

/* One Fisher-Yates pass over perm[0..n), in place. */
static void shuffle(const struct work *w, uint32_t *perm, size_t n,
		    uint64_t *rng)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rand_below(w, rng, i + 1);
		uint32_t x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
}

/* The change point, its permutation p-value and the before/after view. */
static void account_change_point(struct work *w, const struct dataset *ds,
				 const struct postindex *pi, size_t n, size_t a,
				 const struct persona_opts *o,
				 struct persona_result *r)
{
	double wt = 0, obs, thr;
	size_t tau = 0;
	unsigned exceed = 0, drawn = 0, max_perm = o->max_perm;
	uint64_t rng = o->seed ^ (o->seed_key ? o->seed_key[a]
					       : persona_account_key(ds, a));

	/* vocabulary weight: one post's tokens count as one observation */
	if (w->tok_off[n] > 0)
		wt = (double)n / (double)w->tok_off[n];
	obs = n >= 2 ? scan_splits(w, n, NULL, wt, INFINITY, &tau) : 0;
	r->cp_llr[a] = obs;
	r->cp_p[a] = 1.0;
	r->n_perm[a] = 0;
	r->cp_time[a] = TIME_NONE;
	r->lang_before[a] = r->lang_after[a] = STR_NONE;
	r->topic_shift[a] = NAN;
	if (obs <= LLR_EPS || tau == 0)
		return;
	r->cp_time[a] = ds->post.time[postindex_at(pi, pi->off[a] + tau)];
	r->lang_before[a] = lang_id(w, dominant(w, 0, tau));
	r->lang_after[a] = lang_id(w, dominant(w, tau, n));
	r->topic_shift[a] = js_at(w, n, tau);
	for (size_t i = 0; i < n; i++)
		w->perm[i] = (uint32_t)i;
	if (o->perm_budget) {
		uint64_t steps = (uint64_t)n + w->tok_off[n];
		uint64_t cap = o->perm_budget / (steps ? steps : 1);

		if (cap < PERSONA_MIN_PERM)
			cap = PERSONA_MIN_PERM;
		if (cap < max_perm)
			max_perm = (unsigned)cap;
	}
	/* relative tolerance: equal statistics computed by summing in
	 * another order must count as reaching the observed */
	thr = obs * (1 - 1e-9) - LLR_EPS;
	while (drawn < max_perm) {
		size_t dummy;
		double t;

		shuffle(w, w->perm, n, &rng);
		t = scan_splits(w, n, w->perm, wt, thr, &dummy);
		drawn++;
		if (t >= thr)
			exceed++;
		if (o->stop_exceed && exceed >= o->stop_exceed)
			break;
	}
	r->n_perm[a] = drawn;
	if (o->stop_exceed && exceed >= o->stop_exceed)
		r->cp_p[a] = (double)exceed / drawn; /* Besag-Clifford */
	else
		r->cp_p[a] = (1.0 + exceed) / (1.0 + drawn);
}

/* One thread's share of the accounts: chunks of PERSONA_CHUNK accounts
 * taken from a shared counter until none is left, so a thread that drew
 * the costly accounts (a real switch runs all its permutations) does not
 * hold the other back. Everything it reads is read-only by now (languages
 * were resolved, and interned, before the threads start), and it writes
 * only its own accounts' result entries; the permutation generator is
 * seeded per account, so which thread takes which chunk changes no
 * result. */
#define PERSONA_CHUNK 128

struct persona_job {
	const struct dataset *ds;
	const struct postindex *pi;
	const struct persona_opts *o;
	struct persona_result *r;
	const uint32_t *post_lang, *ui_lang;
	atomic_size_t *next; /* first account no thread has taken */
	size_t na;
	enum cib_err err;
};

/* Accounts [first, last) into job->r, with w as scratch. */
static enum cib_err persona_chunk(struct work *w, const struct persona_job *job,
				  size_t first, size_t last)
{
	const struct dataset *ds = job->ds;
	const struct postindex *pi = job->pi;
	const struct persona_opts *o = job->o;
	struct persona_result *r = job->r;

	for (size_t a = first; a < last; a++) {
		size_t n = postindex_count(pi, a), gi = 0;
		uint64_t o0 = pi->off[a];
		int64_t gap = 0;
		int32_t main;
		uint32_t ui;
		enum cib_err err;

		err = load_account(w, ds, pi, job->post_lang, a, o->use_vocab);
		if (err)
			return err;
		r->n_posts_lang[a] = 0;
		for (size_t i = 0; i < n; i++)
			r->n_posts_lang[a] += w->lang[i] >= 0;
		account_change_point(w, ds, pi, n, a, o, r);
		main = dominant(w, 0, n);
		r->main_lang[a] = lang_id(w, main);
		/* dormancy: the longest silence, the first one on ties */
		for (size_t i = 1; i < n; i++) {
			int64_t d = ds->post.time[postindex_at(pi, o0 + i)] -
				    ds->post.time[postindex_at(pi, o0 + i - 1)];

			if (d > gap) {
				gap = d;
				gi = i;
			}
		}
		r->longest_gap[a] = gap;
		r->gap_end[a] = gi ? ds->post.time[postindex_at(pi, o0 + gi)]
				   : TIME_NONE;
		r->gap_lang_change[a] = 0;
		r->gap_topic_shift[a] = NAN;
		if (gi) {
			int32_t b = dominant(w, 0, gi), c = dominant(w, gi, n);

			r->gap_lang_change[a] = b >= 0 && c >= 0 && b != c;
			r->gap_topic_shift[a] = js_at(w, n, gi);
		}
		ui = job->ui_lang[a];
		r->ui_lang_mismatch[a] = ui != STR_NONE &&
					 r->main_lang[a] != STR_NONE &&
					 ui != r->main_lang[a];
	}
	return CIB_OK;
}

/* Share t of the change points (core/forkjoin.h): job t pulls chunks of
 * accounts from the shared counter until none are left. */
static void persona_worker(void *arg, unsigned t)
{
	struct persona_job *job = (struct persona_job *)arg + t;
	struct work w;
	enum cib_err err = CIB_OK;

	memset(&w, 0, sizeof(w));
	for (;;) {
		size_t first = atomic_fetch_add(job->next, PERSONA_CHUNK);

		if (first >= job->na)
			break;
		err = persona_chunk(&w, job, first,
				    job->na - first > PERSONA_CHUNK
					    ? first + PERSONA_CHUNK
					    : job->na);
		if (err) {
			/* the other thread stops at its next chunk */
			atomic_store(job->next, job->na);
			break;
		}
	}
	work_release(&w);
	job->err = err;
}

enum cib_err persona_compute(const struct dataset *ds, const struct postindex *pi,
			     struct langdetect *ld, struct persona_result *r)
{
	struct persona_opts o;

	persona_opts_init(&o);
	return persona_compute_opts(ds, pi, ld, &o, r);
}

enum cib_err persona_compute_opts(const struct dataset *ds,
				  const struct postindex *pi,
				  struct langdetect *ld,
				  const struct persona_opts *o,
				  struct persona_result *r)
{
	uint32_t *post_lang = NULL, *ui_lang = NULL;
	enum cib_err err;
	size_t na;

	if (!ds || !pi || !ld || !o || !r || pi->n_accounts != ds->acc.n)
		return CIB_EUSAGE;
	na = ds->acc.n;
	err = persona_result_alloc(r, na);
	if (err)
		return err;
	post_lang = malloc((ds->post.n + 1) * sizeof(*post_lang));
	ui_lang = malloc((na + 1) * sizeof(*ui_lang));
	if (!post_lang || !ui_lang) {
		err = CIB_ENOMEM;
		goto fail;
	}
	if (pthread_once(&han_once, han_check))
		han_all_word = 0;
	/* languages first, on this thread: langdetect caches and interns */
	for (size_t j = 0; j < ds->post.n; j++)
		post_lang[j] = langdetect_post(ld, ds, (uint32_t)j);
	for (size_t a = 0; a < na; a++)
		ui_lang[a] = langdetect_code(ld, ds, ds->acc.lang[a]);
	/* then the change points on two threads, sharing out chunks */
	{
		struct persona_job job[2];
		atomic_size_t next;
		atomic_init(&next, 0);
		for (int k = 0; k < 2; k++) {
			job[k].ds = ds;
			job[k].pi = pi;
			job[k].o = o;
			job[k].r = r;
			job[k].post_lang = post_lang;
			job[k].ui_lang = ui_lang;
			job[k].next = &next;
			job[k].na = na;
			job[k].err = CIB_OK;
		}
		forkjoin_run(2, persona_worker, job);
		err = job[0].err ? job[0].err : job[1].err;
		if (err)
			goto fail;
	}
	for (size_t c = 0; c < ds->change.n; c++) {
		uint32_t acc = ds->change.account[c];

		if (acc >= na)
			continue;
		if (ds->change.field[c] == ACC_FIELD_HANDLE)
			r->n_handle_changes[acc]++;
		else if (ds->change.field[c] == ACC_FIELD_NAME)
			r->n_name_changes[acc]++;
	}
	free(post_lang);
	free(ui_lang);
	return CIB_OK;
fail:
	free(post_lang);
	free(ui_lang);
	persona_result_release(r);
	return err;
}
