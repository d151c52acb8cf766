/* persona.c - change points, dormancy and renames, one account at a time.
 *
 * Per account the posts (already in time order in the postindex) become
 * two aligned sequences: a language symbol per post (dense per-account
 * index, or none) and a bag of token ids (dense per-account indices of
 * hashed words). The two-segment log-likelihood ratio at every split is
 * kept up to date in O(1) per language symbol and O(1) per token with the
 * running sums S = sum_k x_k ln x_k, so the scan over all splits is
 * O(n + tokens). The permutation test repeats that scan on shuffled
 * orders, stopping early once the observed value is clearly ordinary.
 * Invariants: buffers are reused across accounts and grow only to the
 * largest account (bounded by its posts times PERSONA_MAX_TOKENS); every
 * random choice comes from a generator seeded by (seed, account index), so
 * results do not depend on the order accounts are processed in.
 */
#include "persona.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* An LLR at most this is "no change": floating sums of x ln x carry
 * rounding of this order for accounts of millions of tokens. */
#define LLR_EPS 1e-9

struct work {
	size_t cap_posts, cap_tok, cap_f, cap_k;
	int32_t *lang;	   /* per post: dense language index or -1 */
	uint64_t *tok_off; /* per post + 1 */
	uint64_t *tok_hash;
	uint32_t *tok_id;  /* dense token ids */
	uint64_t *sorted;  /* scratch for the dense mapping */
	uint32_t *perm;
	double *f;	   /* f[x] = x ln x */
	uint32_t *lang_ids; /* dense language index -> string id */
	size_t k;	   /* distinct languages in this account */
	size_t v;	   /* distinct tokens */
	uint32_t *ca, *cb; /* counts, language part: K each */
	uint32_t *ta, *tb; /* counts, token part: V each */
	double *da, *db;   /* scratch for JS */
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
	free(w->perm);
	free(w->f);
	free(w->lang_ids);
	free(w->ca);
	free(w->cb);
	free(w->ta);
	free(w->tb);
	free(w->da);
	free(w->db);
}

/* Makes f[] cover 0..x. */
static int xlogx_cover(struct work *w, size_t x)
{
	size_t old = w->cap_f;

	if (x < old)
		return 0;
	if (grow((void **)&w->f, &w->cap_f, x + 1, sizeof(double)))
		return -1;
	for (size_t i = old; i < w->cap_f; i++)
		w->f[i] = i ? (double)i * log((double)i) : 0.0;
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

/* Appends up to PERSONA_MAX_TOKENS token hashes of s to out. Words are
 * runs of letters and digits, lower-cased, at least 2 code points, not all
 * digits; each Han or kana character is a token on its own (Chinese and
 * Japanese are not space-separated, and single characters are the
 * standard cheap unit). URLs, @mentions and "RT" are skipped; hashtags are
 * kept (they are topic). Returns the number added. Reads at most 4 KiB. */
static size_t tokenize(const char *s, size_t n, uint64_t *out)
{
	size_t i = 0, k = 0, wlen = 0;
	uint64_t h = FNV_OFF;
	int digits_only = 1;

	if (n > 4096)
		n = 4096;
	while (i < n && k < PERSONA_MAX_TOKENS) {
		size_t skip = langdetect_skip_token(s, i, n, 1);
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;
		utf8proc_category_t c;
		int word_char;

		if (skip) {
			i += skip;
			continue;
		}
		len = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				       (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0) {
			len = 1;
			cp = -1;
		}
		i += (size_t)len;
		c = cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
		word_char = c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ND;
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

			for (int b = 0; b < 4; b++) {
				h ^= (lc >> (8 * b)) & 0xFF;
				h *= FNV_PRIME;
			}
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* --- statistics ---------------------------------------------------- */

/* Running state of a two-segment categorical split. */
struct split {
	double sa, sb, sc; /* sum x ln x of segment counts, and of totals */
	uint64_t na, nb;   /* observations in each segment */
};

static double split_llr(const struct split *s, const double *f)
{
	double l = s->sa - f[s->na] + s->sb - f[s->nb] -
		   (s->sc - f[s->na + s->nb]);

	return l > 0 ? l : 0;
}

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

/* Best split of the posts in order ord[0..n): returns max over tau in
 * [1, n) of LLR_lang(tau) + wt * LLR_tok(tau); *best_tau gets the tau.
 * ord == NULL means the natural order. */
static double scan_splits(struct work *w, size_t n, const uint32_t *ord,
			  double wt, size_t *best_tau)
{
	struct split L = { 0 }, T = { 0 };
	const double *f = w->f;
	double best = 0;
	size_t bt = 0;

	memset(w->ca, 0, w->k * sizeof(*w->ca));
	memset(w->ta, 0, w->v * sizeof(*w->ta));
	/* everything starts in segment b */
	for (size_t j = 0; j < w->k; j++)
		L.sb += f[w->cb[j]];
	for (size_t j = 0; j < w->v; j++)
		T.sb += f[w->tb[j]];
	L.sc = L.sb;
	T.sc = T.sb;
	for (size_t i = 0; i < n; i++)
		if (w->lang[i] >= 0)
			L.nb++;
	T.nb = w->tok_off[n];
	/* cb/tb hold totals; work with a = moved counts, b = total - a */
	for (size_t t = 1; t < n; t++) {
		size_t p = ord ? ord[t - 1] : t - 1;
		int32_t l = w->lang[p];
		double cur;

		if (l >= 0) {
			uint32_t a = w->ca[l], tot = w->cb[l];

			L.sa += f[a + 1] - f[a];
			L.sb += f[tot - a - 1] - f[tot - a];
			w->ca[l] = a + 1;
			L.na++;
			L.nb--;
		}
		for (uint64_t q = w->tok_off[p]; q < w->tok_off[p + 1]; q++) {
			uint32_t v = w->tok_id[q], a = w->ta[v], tot = w->tb[v];

			T.sa += f[a + 1] - f[a];
			T.sb += f[tot - a - 1] - f[tot - a];
			w->ta[v] = a + 1;
			T.na++;
			T.nb--;
		}
		cur = split_llr(&L, f) + (wt > 0 ? wt * split_llr(&T, f) : 0);
		if (cur > best + LLR_EPS) {
			best = cur;
			bt = t;
		}
	}
	*best_tau = bt;
	return best;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, bound) without modulo bias. */
static uint64_t rand_below(uint64_t *s, uint64_t bound)
{
	uint64_t thr = (0 - bound) % bound, r;

	do
		r = splitmix64(s);
	while (r < thr);
	return r % bound;
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

/* Loads account a's posts into w: languages and dense tokens. */
static enum cib_err load_account(struct work *w, const struct dataset *ds,
				 const struct postindex *pi,
				 const uint32_t *post_lang, size_t a,
				 int use_vocab)
{
	size_t n = postindex_count(pi, a), nt = 0, nu = 0;
	const uint32_t *idx = pi->idx + pi->off[a];

	if (grow((void **)&w->lang, &w->cap_posts, n + 1, sizeof(*w->lang)))
		return CIB_ENOMEM;
	/* the other per-post arrays follow cap_posts */
	{
		size_t c = w->cap_posts;

		if (resize((void **)&w->tok_off, (c + 1) * sizeof(*w->tok_off)) ||
		    resize((void **)&w->perm, c * sizeof(*w->perm)))
			return CIB_ENOMEM;
	}
	w->k = 0;
	w->tok_off[0] = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t post = idx[i], lid = post_lang[post];
		size_t j = 0;

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
			nt += tokenize(ds_str(ds, t), strpool_len(&ds->strings, t),
				       w->tok_hash + nt);
		}
		w->tok_off[i + 1] = nt;
	}
	/* dense token ids: sort a copy, unique, binary search */
	{
		size_t c = w->cap_tok;

		if (c < 1)
			c = 1;
		if (resize((void **)&w->sorted, c * sizeof(*w->sorted)) ||
		    resize((void **)&w->tok_id, c * sizeof(*w->tok_id)))
			return CIB_ENOMEM;
	}
	if (nt)
		memcpy(w->sorted, w->tok_hash, nt * sizeof(*w->sorted));
	qsort(w->sorted, nt, sizeof(*w->sorted), cmp_u64);
	for (size_t i = 0; i < nt; i++)
		if (nu == 0 || w->sorted[nu - 1] != w->sorted[i])
			w->sorted[nu++] = w->sorted[i];
	for (size_t i = 0; i < nt; i++) {
		size_t lo = 0, hi = nu;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (w->sorted[mid] < w->tok_hash[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		w->tok_id[i] = (uint32_t)lo;
	}
	w->v = nu;
	/* counts and scratch sized to k and v */
	{
		size_t kk = w->k ? w->k : 1, vv = nu ? nu : 1;

		if (resize((void **)&w->ca, kk * sizeof(*w->ca)) ||
		    resize((void **)&w->cb, kk * sizeof(*w->cb)) ||
		    resize((void **)&w->ta, vv * sizeof(*w->ta)) ||
		    resize((void **)&w->tb, vv * sizeof(*w->tb)) ||
		    resize((void **)&w->da, vv * sizeof(*w->da)) ||
		    resize((void **)&w->db, vv * sizeof(*w->db)))
			return CIB_ENOMEM;
	}
	memset(w->cb, 0, (w->k ? w->k : 1) * sizeof(*w->cb));
	memset(w->tb, 0, (nu ? nu : 1) * sizeof(*w->tb));
	for (size_t i = 0; i < n; i++)
		if (w->lang[i] >= 0)
			w->cb[w->lang[i]]++;
	for (size_t i = 0; i < nt; i++)
		w->tb[w->tok_id[i]]++;
	if (xlogx_cover(w, (n > nt ? n : nt) + 1))
		return CIB_ENOMEM;
	return CIB_OK;
}

void persona_opts_init(struct persona_opts *o)
{
	o->seed = 1;
	o->max_perm = PERSONA_DEFAULT_PERM;
	o->stop_exceed = PERSONA_DEFAULT_STOP;
	o->use_vocab = 1;
	o->perm_budget = PERSONA_PERM_BUDGET;
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

static enum cib_err result_alloc(struct persona_result *r, size_t n)
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

/* The change point, its permutation p-value and the before/after view. */
static void account_change_point(struct work *w, const struct dataset *ds,
				 const uint32_t *idx, size_t n, size_t a,
				 const struct persona_opts *o,
				 struct persona_result *r)
{
	double wt = 0, obs;
	size_t tau = 0;
	unsigned exceed = 0, drawn = 0, max_perm = o->max_perm;
	uint64_t rng = o->seed ^ (0xD1B54A32D192ED03ULL * (uint64_t)(a + 1));

	/* vocabulary weight: one post's tokens count as one observation */
	if (w->tok_off[n] > 0)
		wt = (double)n / (double)w->tok_off[n];
	obs = n >= 2 ? scan_splits(w, n, NULL, wt, &tau) : 0;
	r->cp_llr[a] = obs;
	r->cp_p[a] = 1.0;
	r->n_perm[a] = 0;
	r->cp_time[a] = TIME_NONE;
	r->lang_before[a] = r->lang_after[a] = STR_NONE;
	r->topic_shift[a] = NAN;
	if (obs <= LLR_EPS || tau == 0)
		return;
	r->cp_time[a] = ds->post.time[idx[tau]];
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
	while (drawn < max_perm) {
		size_t dummy;
		double t;

		for (size_t i = n - 1; i > 0; i--) {
			size_t j = (size_t)rand_below(&rng, i + 1);
			uint32_t x = w->perm[i];

			w->perm[i] = w->perm[j];
			w->perm[j] = x;
		}
		t = scan_splits(w, n, w->perm, wt, &dummy);
		drawn++;
		/* relative tolerance: equal statistics computed by summing
		 * in another order must count as reaching the observed */
		if (t >= obs * (1 - 1e-9) - LLR_EPS)
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

/* One thread's share of the accounts, [first, last). Everything it reads
 * is read-only by now (languages were resolved, and interned, before the
 * threads start), and it writes only its own accounts' result entries; the
 * permutation generator is seeded per account, so the split does not change
 * any result. */
struct persona_job {
	const struct dataset *ds;
	const struct postindex *pi;
	const struct persona_opts *o;
	struct persona_result *r;
	const uint32_t *post_lang, *ui_lang;
	size_t first, last;
	enum cib_err err;
};

static void *persona_worker(void *arg)
{
	struct persona_job *job = arg;
	const struct dataset *ds = job->ds;
	const struct postindex *pi = job->pi;
	const struct persona_opts *o = job->o;
	struct persona_result *r = job->r;
	struct work w;
	enum cib_err err = CIB_OK;

	memset(&w, 0, sizeof(w));
	for (size_t a = job->first; a < job->last; a++) {
		size_t n = postindex_count(pi, a), gi = 0;
		const uint32_t *idx = pi->idx + pi->off[a];
		int64_t gap = 0;
		int32_t main;
		uint32_t ui;

		err = load_account(&w, ds, pi, job->post_lang, a, o->use_vocab);
		if (err)
			break;
		r->n_posts_lang[a] = 0;
		for (size_t i = 0; i < n; i++)
			r->n_posts_lang[a] += w.lang[i] >= 0;
		account_change_point(&w, ds, idx, n, a, o, r);
		main = dominant(&w, 0, n);
		r->main_lang[a] = lang_id(&w, main);
		/* dormancy: the longest silence, the first one on ties */
		for (size_t i = 1; i < n; i++) {
			int64_t d = ds->post.time[idx[i]] - ds->post.time[idx[i - 1]];

			if (d > gap) {
				gap = d;
				gi = i;
			}
		}
		r->longest_gap[a] = gap;
		r->gap_end[a] = gi ? ds->post.time[idx[gi]] : TIME_NONE;
		r->gap_lang_change[a] = 0;
		r->gap_topic_shift[a] = NAN;
		if (gi) {
			int32_t b = dominant(&w, 0, gi), c = dominant(&w, gi, n);

			r->gap_lang_change[a] = b >= 0 && c >= 0 && b != c;
			r->gap_topic_shift[a] = js_at(&w, n, gi);
		}
		ui = job->ui_lang[a];
		r->ui_lang_mismatch[a] = ui != STR_NONE &&
					 r->main_lang[a] != STR_NONE &&
					 ui != r->main_lang[a];
	}
	work_release(&w);
	job->err = err;
	return NULL;
}

enum cib_err persona_compute(struct dataset *ds, const struct postindex *pi,
			     struct langdetect *ld, struct persona_result *r)
{
	struct persona_opts o;

	persona_opts_init(&o);
	return persona_compute_opts(ds, pi, ld, &o, r);
}

enum cib_err persona_compute_opts(struct dataset *ds,
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
	err = result_alloc(r, na);
	if (err)
		return err;
	post_lang = malloc((ds->post.n + 1) * sizeof(*post_lang));
	ui_lang = malloc((na + 1) * sizeof(*ui_lang));
	if (!post_lang || !ui_lang) {
		err = CIB_ENOMEM;
		goto fail;
	}
	/* languages first, on this thread: langdetect caches and interns */
	for (size_t j = 0; j < ds->post.n; j++)
		post_lang[j] = langdetect_post(ld, ds, (uint32_t)j);
	for (size_t a = 0; a < na; a++)
		ui_lang[a] = langdetect_code(ld, ds, ds->acc.lang[a]);
	/* then the change points on two threads, split by posts */
	{
		struct persona_job job[2];
		size_t half = ds->post.n / 2, split = 0;
		pthread_t th;
		int started;

		while (split < na && pi->off[split] < half)
			split++;
		for (int k = 0; k < 2; k++) {
			job[k].ds = ds;
			job[k].pi = pi;
			job[k].o = o;
			job[k].r = r;
			job[k].post_lang = post_lang;
			job[k].ui_lang = ui_lang;
			job[k].err = CIB_OK;
		}
		job[0].first = 0;
		job[0].last = split;
		job[1].first = split;
		job[1].last = na;
		started = pthread_create(&th, NULL, persona_worker, &job[1]) == 0;
		if (!started)
			job[0].last = na;
		persona_worker(&job[0]);
		if (started)
			pthread_join(th, NULL);
		err = job[0].err ? job[0].err : started ? job[1].err : CIB_OK;
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
