/* groups.c - the co-action index, member tests against whole groups,
 * group-level evidence and group discovery (see groups.h for the nulls).
 *
 * Invariants: the index's object list holds only objects with at least
 * one pair of distinct accounts inside the object's window and at most
 * max_actors actors (the other shared non-viral objects are kept as their
 * distinct accounts only, for the sharing test's outsider null, whose
 * per-account and per-component draw counts cover every non-viral object
 * of a used type); windows and burst collapsing follow coord_build's rules, so
 * both accounts of every pair seen here are in one component. Work is
 * proportional to the pairs inside objects' windows (bounded per object
 * by coord's pair budget, 8 m + 2048; the candidate graph's to about
 * GROUPS_SYNC_NEAR per action), never to all pairs of accounts or
 * of a popular object's audience; sorts are radix sorts on flat keys.
 * Nothing depends on ids that unrelated data would change (object halves
 * hash an object's own actions; candidates and groups are numbered by
 * their smallest account), and the per-object scans of the member tests
 * and of the candidate graph, split between two threads, are joined in
 * object order (nothing depends on the split or on scheduling): the same
 * input gives the same groups, and a disjoint copy of the data the same
 * groups again. Per object, the member tests cost the object's pairs in
 * window plus its tested accounts times the groups present, never tested
 * accounts times members.
 */
#include "groups.h"

#include "cluster.h"
#include "core/forkjoin.h"
#include "core/sortu64.h"
#include "core/splitmix.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void groups_index_init(struct groups_index *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void groups_index_release(struct groups_index *ix)
{
	if (!ix)
		return;
	free(ix->comp);
	free(ix->M);
	free(ix->n_active);
	free(ix->obj_off);
	free(ix->obj_key);
	free(ix->obj_d);
	free(ix->obj_type);
	free(ix->ev_acc);
	free(ix->ev_time);
	free(ix->obj_win);
	free(ix->obj_burst);
	free(ix->dense_off);
	free(ix->dense_acc);
	free(ix->dense_time);
	free(ix->obj_f);
	free(ix->obj_half);
	free(ix->h_off);
	free(ix->h);
	free(ix->th_off);
	free(ix->th);
	free(ix->n_objs);
	free(ix->U);
	free(ix->rest_off);
	free(ix->rest_acc);
	free(ix->rest_type);
	free(ix->rest_half);
	memset(ix, 0, sizeof(*ix));
}

void groups_result_release(struct groups_result *r)
{
	if (!r)
		return;
	free(r->ev);
	free(r->strength);
	free(r->member_log10p);
	memset(r, 0, sizeof(*r));
}

/* ---- small tools ------------------------------------------------------ */

/* Appends val to a { v, n, cap } vector; jumps to out when out of memory. */
#define VEC_PUSH(vec, val)                                                  \
	do {                                                                \
		if ((vec).n == (vec).cap) {                                 \
			size_t nc_ = (vec).cap ? (vec).cap * 2 : 1024;      \
			void *v_ = realloc((vec).v, nc_ * sizeof(*(vec).v)); \
			if (!v_)                                            \
				goto out;                                   \
			(vec).v = v_;                                       \
			(vec).cap = nc_;                                    \
		}                                                           \
		(vec).v[(vec).n++] = (val);                                 \
	} while (0)

struct u64v {
	uint64_t *v;
	size_t n, cap;
};

static int u64v_push(struct u64v *b, uint64_t x)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 1024;
		uint64_t *v = realloc(b->v, nc * sizeof(*v));

		if (!v)
			return -1;
		b->v = v;
		b->cap = nc;
	}
	b->v[b->n++] = x;
	return 0;
}

/* Stable LSD radix sort of n records of type T by the unsigned 64-bit
 * value KEY(record), 8 bits a pass (small count tables, so short arrays
 * cost little), passes whose digit is the same for every record skipped;
 * insertion sort below 32 records. Returns -1 when out of memory. */
#define DEFINE_RADIX(name, T, KEY)                                           \
	static int name(T *a, size_t n)                                      \
	{                                                                    \
		T *b, *src = a, *dst;                                        \
		uint64_t or_all = 0, and_all = ~(uint64_t)0;                 \
		size_t cnt[256];                                             \
                                                                             \
		if (n < 32) {                                                \
			for (size_t i = 1; i < n; i++) {                     \
				T x = a[i];                                  \
				size_t j = i;                                \
                                                                             \
				for (; j > 0 && KEY(a[j - 1]) > KEY(x); j--) \
					a[j] = a[j - 1];                     \
				a[j] = x;                                    \
			}                                                    \
			return 0;                                            \
		}                                                            \
		b = malloc(n * sizeof(*b));                                  \
		if (!b)                                                      \
			return -1;                                           \
		dst = b;                                                     \
		for (size_t i = 0; i < n; i++) {                             \
			or_all |= KEY(a[i]);                                 \
			and_all &= KEY(a[i]);                                \
		}                                                            \
		for (unsigned sh = 0; sh < 64; sh += 8) {                    \
			size_t sum = 0;                                      \
			T *t;                                                \
                                                                             \
			if ((((or_all ^ and_all) >> sh) & 0xff) == 0)        \
				continue;                                    \
			memset(cnt, 0, sizeof(cnt));                         \
			for (size_t i = 0; i < n; i++)                       \
				cnt[(KEY(src[i]) >> sh) & 0xff]++;           \
			for (size_t d = 0; d < 256; d++) {                   \
				size_t c = cnt[d];                           \
                                                                             \
				cnt[d] = sum;                                \
				sum += c;                                    \
			}                                                    \
			for (size_t i = 0; i < n; i++)                       \
				dst[cnt[(KEY(src[i]) >> sh) & 0xff]++] = src[i]; \
			t = src;                                             \
			src = dst;                                           \
			dst = t;                                             \
		}                                                            \
		if (src != a)                                                \
			memcpy(a, src, n * sizeof(*a));                      \
		free(b);                                                     \
		return 0;                                                    \
	}

#define KEY_SELF(x) (x)
DEFINE_RADIX(sort_u64, uint64_t, KEY_SELF)

/* ---- keyed runs --------------------------------------------------------
 * The records of several lists, key by key, in the order one stable sort of
 * the lists' concatenation by key would give, without that sort's copy of
 * every record (nor the concatenation's): each list is cut into runs of at
 * most 1/KR_RUNS of all the records (at least KR_RUN_MIN), each run sorted
 * in place on its own (stable, scratch the size of a run), and the runs
 * merged key by key, a key's records taken run by run in list order. A
 * record starts with its uint64_t key; keys compare by key >> shift. At 10M
 * posts an attach round's records were 0.45 GB and the candidate graph's
 * 0.30 GB; concatenated and sorted whole they took twice that or more. */
#define KR_RUNS 16
#define KR_RUN_MIN ((size_t)1 << 16)

struct kruns {
	struct krun {
		char *v;
		size_t at, n;
	} *run;
	size_t nrun, size;
	unsigned shift;
	char *buf; /* one key's records */
	size_t cap;
};

/* Cuts the nl lists (v[l], n[l] records of size bytes) into runs and
 * sorts each with sort (stable by key); -1 out of memory (kruns_free
 * then). The test knob CIBSCAN_TEST_KEY_RUN sets the run length
 * (tests/test_groups.c compares lengths 1, 2, 3 with the default). */
static int kruns_init(struct kruns *kr, char *const *v, const size_t *n,
		      int nl, size_t size, unsigned shift,
		      int (*sort)(void *v, size_t n))
{
	size_t total = 0, len, nrun = 0;
	const char *knob = getenv("CIBSCAN_TEST_KEY_RUN");

	memset(kr, 0, sizeof(*kr));
	kr->size = size;
	kr->shift = shift;
	for (int l = 0; l < nl; l++)
		total += n[l];
	len = total / KR_RUNS + 1;
	if (len < KR_RUN_MIN)
		len = KR_RUN_MIN;
	if (knob && atol(knob) > 0)
		len = (size_t)atol(knob);
	for (int l = 0; l < nl; l++)
		nrun += (n[l] + len - 1) / len;
	kr->run = malloc((nrun + 1) * sizeof(*kr->run));
	if (!kr->run)
		return -1;
	for (int l = 0; l < nl; l++)
		for (size_t i = 0; i < n[l]; i += len) {
			struct krun *r = &kr->run[kr->nrun++];

			r->v = v[l] + i * size;
			r->at = 0;
			r->n = n[l] - i < len ? n[l] - i : len;
			if (sort(r->v, r->n))
				return -1;
		}
	return 0;
}

static uint64_t kruns_key(const struct kruns *kr, const struct krun *r)
{
	uint64_t k;

	memcpy(&k, r->v + r->at * kr->size, sizeof(k));
	return k >> kr->shift;
}

/* The next key's records into kr->buf: their count, 0 at the end, or
 * SIZE_MAX out of memory. */
static size_t kruns_next(struct kruns *kr)
{
	uint64_t key = UINT64_MAX;
	size_t n = 0;
	int any = 0;

	for (size_t r = 0; r < kr->nrun; r++)
		if (kr->run[r].at < kr->run[r].n) {
			uint64_t k = kruns_key(kr, &kr->run[r]);

			if (!any || k < key)
				key = k;
			any = 1;
		}
	if (!any)
		return 0;
	for (size_t r = 0; r < kr->nrun; r++) {
		struct krun *u = &kr->run[r];

		while (u->at < u->n && kruns_key(kr, u) == key) {
			if (n == kr->cap) {
				size_t nc = kr->cap ? 2 * kr->cap : 256;
				char *b = realloc(kr->buf, nc * kr->size);

				if (!b)
					return SIZE_MAX;
				kr->buf = b;
				kr->cap = nc;
			}
			memcpy(kr->buf + n * kr->size, u->v + u->at * kr->size,
			       kr->size);
			n++;
			u->at++;
		}
	}
	return n;
}

static void kruns_free(struct kruns *kr)
{
	free(kr->run);
	free(kr->buf);
	memset(kr, 0, sizeof(*kr));
}

/* A worker's list, its spare capacity given back once it is complete. */
static void *shrink_list(void *v, size_t n, size_t size)
{
	void *nv = n ? realloc(v, n * size) : NULL;

	return nv ? nv : v;
}

/* The object's window as coord_build sets it: the whole span (capped by
 * the option) when its pairs fit the budget, else the largest window
 * whose pairs do; -1 when even simultaneous actions are too many (a dense
 * object, left to the group tests of dense objects). */
static int64_t object_window(const int64_t *te, size_t m, int64_t cap,
			     const struct coord_opts *o)
{
	int64_t span = te[m - 1] - te[0], Dmax, lo = -1, hi;
	uint64_t all, budget;

	Dmax = cap > 0 && cap < span ? cap : span;
	all = Dmax == span ? (uint64_t)m * (m - 1) / 2
			   : coord_pairs_within(te, m, Dmax);
	budget = (uint64_t)o->pairs_per_event * m + o->pairs_base;
	if (all <= budget)
		return Dmax;
	hi = Dmax;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (coord_pairs_within(te, m, mid) <= budget)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

double groups_p_any(double pi, uint32_t d)
{
	if (pi <= 0 || d == 0)
		return 0;
	if (pi >= 1)
		return 1;
	/* 1 - (1 - pi)^d without cancellation for small pi */
	return -expm1((double)d * log1p(-pi));
}

/* The pair test's pooling: fine types plus what the coarse ones add. */
static double pool_d(const double *v)
{
	double s = 0;

	for (int t = 0; t < COORD__COUNT; t++)
		if (t != COORD_DOMAIN && t != COORD_REPLY_ACCOUNT &&
		    t != COORD_AMPLIFY)
			s += v[t];
	s += fmax(0, v[COORD_DOMAIN] - v[COORD_LINK]);
	s += fmax(0, v[COORD_REPLY_ACCOUNT] - v[COORD_REPLY_POST]);
	return s;
}

/* ---- the index -------------------------------------------------------- */

#define D_BITS 26
#define D_MAX (((uint64_t)1 << D_BITS) - 1)

int groups_object_half(int type, int64_t first, int64_t last, uint64_t m,
		       uint64_t d)
{
	uint64_t z = (uint64_t)first * 0x9e3779b97f4a7c15u ^
		     (uint64_t)last * 0xc2b2ae3d27d4eb4fu ^ m * 0x165667b19e3779f9u ^
		     d * 0xd6e8feb86659fd93u ^ (uint64_t)(type + 1);

	/* splitmix64's finaliser: every key bit moves the low bit */
	return (int)(splitmix_mix(z) & 1);
}

/* The chance that two of the object's actions fall within w of each
 * other if their times were drawn from the object's own time profile,
 * read off the ring around it: the object's pairs between w and
 * W = min(its window, GROUPS_SMOOTH w) apart, per second of delay, times
 * w (the background rate of a scan statistic, estimated outside the
 * window tested, so that a coordinated burst does not raise the null it
 * is tested against; exact when the profile is flat at scale W), with
 * one pseudo-pair added to the ring (an object with no background pairs
 * still gives a finite chance, not certainty). With no room for a ring
 * (W < 2 w) it is the share of pairs within w itself, which counts the
 * burst in its own null: conservative. */
static double object_sync_p(const int64_t *te, size_t m, int64_t D, int64_t w)
{
	double all = (double)m * (double)(m - 1) / 2, W, f;

	if (m < 2)
		return 1;
	W = (double)D < GROUPS_SMOOTH * (double)w ? (double)D
						   : GROUPS_SMOOTH * (double)w;
	if (w <= 0 || W < 2.0 * (double)w)
		f = (double)coord_pairs_within(te, m, w) / all;
	else
		f = (double)w / (W - (double)w) *
		    ((double)(coord_pairs_within(te, m, (int64_t)W) -
			      coord_pairs_within(te, m, w)) +
		     1) /
		    all;
	return f > 1 ? 1 : f;
}

/* Where part building appends: the capacities of its column groups and
 * the histogram keys until they move into the part. */
struct ixb {
	struct groups_index_part *pt;
	const uint32_t *comp; /* the graph's, COORD_NO_COMP for none */
	size_t n_comps;
	int keyed;
	size_t cap_obj, cap_dense, cap_dacc, cap_rest, cap_racc;
	struct u64v hc, tc;
};

/* The index's component id of account a: the graph's, or n_comps for an
 * account that shares nothing (index_accounts). */
static inline uint32_t ixb_comp(const struct ixb *b, uint32_t a)
{
	return b->comp && b->comp[a] != COORD_NO_COMP ? b->comp[a]
						      : (uint32_t)b->n_comps;
}

/* Grows the n columns cols[i] (elements of w[i] bytes; w[i] == 0: a
 * column not kept) to hold need elements. 0, or -1 out of memory (each
 * column keeps what it had). */
static int grow_cols(size_t need, size_t *cap, void **const cols[],
		     const size_t w[], int n)
{
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 1024;
	if (nc < need)
		nc = need;
	for (int i = 0; i < n; i++) {
		void *v;

		if (!w[i])
			continue;
		v = realloc(*cols[i], nc * w[i]);
		if (!v)
			return -1;
		*cols[i] = v;
	}
	*cap = nc;
	return 0;
}

/* A shared object left out of the object list (dense, or no pair of
 * distinct accounts in its window): its type, half and distinct accounts
 * for the sharing test's outsider null. */
static int part_rest(struct ixb *b, const struct coord_events *e, size_t i,
		     size_t end, int t, const int64_t *te, size_t nd,
		     uint32_t *seen, uint32_t *stamp)
{
	struct groups_index_part *pt = b->pt;
	int h = groups_object_half(t, te[0], te[end - i - 1], end - i, nd);
	size_t n0 = pt->n_rest_acc;
	void **const cols[] = { (void **)&pt->rest_n, (void **)&pt->rest_type,
				(void **)&pt->rest_half,
				(void **)&pt->rest_key };
	const size_t w[] = { sizeof(*pt->rest_n), 1, 1,
			     b->keyed ? sizeof(*pt->rest_key) : 0 };
	void **const acc[] = { (void **)&pt->rest_acc };
	const size_t wa[] = { sizeof(*pt->rest_acc) };

	if (grow_cols(pt->n_rest + 1, &b->cap_rest, cols, w, 4) ||
	    grow_cols(n0 + nd, &b->cap_racc, acc, wa, 1))
		return -1;
	(*stamp)++;
	for (size_t j = i; j < end; j++) {
		uint32_t a = e->acc[j];

		if (seen[a] == *stamp)
			continue;
		seen[a] = *stamp;
		pt->rest_acc[pt->n_rest_acc++] = a;
	}
	pt->rest_n[pt->n_rest] = (uint32_t)(pt->n_rest_acc - n0);
	pt->rest_type[pt->n_rest] = (uint8_t)t;
	pt->rest_half[pt->n_rest] = (uint8_t)h;
	if (b->keyed)
		pt->rest_key[pt->n_rest] = e->obj[i];
	pt->n_rest++;
	return 0;
}

/* A burst or dense object's audience: each distinct account with its
 * first time. */
static int part_dense(struct ixb *b, const struct coord_events *e, size_t i,
		      size_t end, int t, const int64_t *te, size_t nd,
		      uint32_t *seen, uint32_t *stamp)
{
	struct groups_index_part *pt = b->pt;
	size_t n0 = pt->n_dense_acc;
	void **const cols[] = { (void **)&pt->dense_n,
				(void **)&pt->dense_type,
				(void **)&pt->dense_key };
	const size_t w[] = { sizeof(*pt->dense_n), b->keyed ? 1 : 0,
			     b->keyed ? sizeof(*pt->dense_key) : 0 };
	void **const acc[] = { (void **)&pt->dense_acc,
			       (void **)&pt->dense_time };
	const size_t wa[] = { sizeof(*pt->dense_acc),
			      sizeof(*pt->dense_time) };

	if (grow_cols(pt->n_dense + 1, &b->cap_dense, cols, w, 3) ||
	    grow_cols(n0 + nd, &b->cap_dacc, acc, wa, 2))
		return -1;
	(*stamp)++;
	for (size_t j = i; j < end; j++) {
		if (seen[e->acc[j]] == *stamp)
			continue;
		seen[e->acc[j]] = *stamp;
		pt->dense_acc[pt->n_dense_acc] = e->acc[j];
		pt->dense_time[pt->n_dense_acc++] = te[j - i];
	}
	pt->dense_n[pt->n_dense] = (uint32_t)(pt->n_dense_acc - n0);
	if (b->keyed) {
		pt->dense_type[pt->n_dense] = (uint8_t)t;
		pt->dense_key[pt->n_dense] = e->obj[i];
	}
	pt->n_dense++;
	return 0;
}

/* One object of the list: its fields and its nk kept events (kept[] are
 * indices into e; te their times from i). The kept events' columns grow
 * to their exact size: they are the part's largest, and doubling would
 * hold up to twice them. */
static int part_object(struct ixb *b, const struct coord_events *e,
		       size_t i, size_t end, int t, const int64_t *te,
		       const uint32_t *kept, size_t nk, size_t nd,
		       int64_t win, uint64_t half)
{
	struct groups_index_part *pt = b->pt;
	size_t o = pt->n_obj, base = pt->n_ev;
	int64_t tight = pt->tight[t];
	void **const cols[] = {
		(void **)&pt->obj_key,  (void **)&pt->obj_n,
		(void **)&pt->obj_d,    (void **)&pt->obj_type,
		(void **)&pt->obj_win,  (void **)&pt->obj_f,
		(void **)&pt->obj_half, (void **)&pt->obj_burst,
	};
	const size_t w[] = { sizeof(*pt->obj_key), sizeof(*pt->obj_n),
			     sizeof(*pt->obj_d),   1,
			     sizeof(*pt->obj_win), sizeof(*pt->obj_f),
			     1,			   1 };
	uint32_t *a2;
	int64_t *t2;

	if (grow_cols(o + 1, &b->cap_obj, cols, w, 8))
		return -1;
	a2 = realloc(pt->ev_acc, (base + nk) * sizeof(*a2));
	if (!a2)
		return -1;
	pt->ev_acc = a2;
	t2 = realloc(pt->ev_time, (base + nk) * sizeof(*t2));
	if (!t2)
		return -1;
	pt->ev_time = t2;
	for (size_t j = 0; j < nk; j++) {
		pt->ev_acc[base + j] = e->acc[kept[j]];
		pt->ev_time[base + j] = te[kept[j] - i];
	}
	pt->n_ev = base + nk;
	pt->obj_win[o] = win;
	pt->obj_burst[o] = win < tight;
	pt->obj_half[o] = (uint8_t)half;
	pt->obj_f[o] = object_sync_p(te, end - i, win,
				     tight < win ? tight : win);
	pt->obj_key[o] = e->obj[i];
	pt->obj_n[o] = (uint32_t)nk;
	pt->obj_d[o] = (uint32_t)nd;
	pt->obj_type[o] = (uint8_t)t;
	pt->n_obj = o + 1;
	return 0;
}

/* The object's within-window pairs loc (both orders, sorted and unique
 * on return: np of them) as histogram keys: each account's distinct
 * co-actors, and per component the unordered pairs. cc is scratch. */
static int part_hist_keys(struct ixb *b, struct u64v *loc, struct u64v *cc,
			  int t, uint64_t half)
{
	size_t np;

	if (sort_u64(loc->v, loc->n))
		return -1;
	np = sortu64_unique(loc->v, loc->n);
	cc->n = 0;
	for (size_t j = 0; j < np;) {
		size_t k = j;
		uint64_t a = loc->v[j] >> 32;

		while (k < np && loc->v[k] >> 32 == a)
			k++;
		if (u64v_push(&b->hc, a << 32 | (uint64_t)t << 27 |
					      half << D_BITS |
					      ((uint64_t)(k - j) > D_MAX
						       ? D_MAX
						       : (uint64_t)(k - j))))
			return -1;
		/* one entry per unordered pair for T */
		for (size_t q = j; q < k; q++)
			if ((loc->v[q] & 0xffffffffu) > a &&
			    u64v_push(cc, ixb_comp(b, (uint32_t)a)))
				return -1;
		j = k;
	}
	if (sort_u64(cc->v, cc->n))
		return -1;
	for (size_t j = 0; j < cc->n;) {
		size_t k = j;

		while (k < cc->n && cc->v[k] == cc->v[j])
			k++;
		if (u64v_push(&b->tc, cc->v[j] << 32 | (uint64_t)t << 27 |
					      half << D_BITS |
					      ((uint64_t)(k - j) > D_MAX
						       ? D_MAX
						       : (uint64_t)(k - j))))
			return -1;
		j = k;
	}
	return 0;
}

int64_t groups_index_tight(const struct coord_events *e)
{
	int64_t lo = GROUPS_SYNC_MIN;

	/* the median delay to a second account, clamped to seconds - an
	 * hour (a minute at least when some times are only known to the
	 * minute) */
	for (size_t j = 0; j < e->n && lo < 60; j++)
		if (e->minutes[j] & COORD_EV_MINUTES)
			lo = 60;
	return coord_estimate_window(e, lo, GROUPS_SYNC_MAX);
}

void groups_index_part_release(struct groups_index_part *pt)
{
	if (!pt)
		return;
	free(pt->obj_key);
	free(pt->obj_n);
	free(pt->obj_d);
	free(pt->obj_type);
	free(pt->obj_win);
	free(pt->obj_f);
	free(pt->obj_half);
	free(pt->obj_burst);
	free(pt->ev_acc);
	free(pt->ev_time);
	free(pt->dense_key);
	free(pt->dense_type);
	free(pt->dense_n);
	free(pt->dense_acc);
	free(pt->dense_time);
	free(pt->rest_key);
	free(pt->rest_type);
	free(pt->rest_half);
	free(pt->rest_n);
	free(pt->rest_acc);
	free(pt->hc);
	free(pt->tc);
	free(pt->n_objs);
	free(pt->U);
	memset(pt, 0, sizeof(*pt));
}

/* The outsider null's object draws of one object of nd <= max_actors
 * accounts: every non-viral object, shared or not. */
static void part_draws(struct ixb *b, const struct coord_events *e, size_t i,
		       size_t end, int t, uint32_t *seen, uint32_t *stamp)
{
	struct groups_index_part *pt = b->pt;

	(*stamp)++;
	for (size_t j = i; j < end; j++) {
		uint32_t a = e->acc[j];

		if (seen[a] == *stamp)
			continue;
		seen[a] = *stamp;
		pt->n_objs[(size_t)a * COORD__COUNT + (size_t)t]++;
		pt->U[(size_t)ixb_comp(b, a) * COORD__COUNT + (size_t)t] += 1;
	}
}

/* Long on purpose: one pass per type over the sorted events fills every
 * output of the part at once (objects and their kept events, windows and
 * synchrony profiles, dense audiences, the rest, both histograms' keys),
 * all of them read from the same per-object state (the account stamps,
 * last times, the object's window); split further, that state would be
 * passed around or the events scanned once per output. */
enum cib_err groups_index_part(struct groups_index_part *pt,
			       struct coord_events *ev, size_t n_accounts,
			       const uint32_t *comp, size_t n_comps,
			       const int64_t *tight,
			       const struct coord_opts *o, int consume,
			       int keyed)
{
	uint32_t max_actors = o->max_actors;
	int64_t *te = NULL;
	size_t na = n_accounts, cap_te = 0, cap_ev = 0;
	uint32_t *seen = NULL, *kept = NULL, stamp = 0;
	int64_t *last = NULL;
	struct u64v loc = { 0 }, cc = { 0 };
	struct ixb b;
	enum cib_err err = CIB_ENOMEM;

	memset(pt, 0, sizeof(*pt));
	memset(&b, 0, sizeof(b));
	b.pt = pt;
	b.comp = comp;
	b.n_comps = n_comps;
	b.keyed = keyed;
	seen = calloc(na + 1, sizeof(*seen));
	last = malloc((na + 1) * sizeof(*last));
	pt->n_objs = calloc(na * COORD__COUNT + 1, sizeof(*pt->n_objs));
	pt->U = calloc((n_comps + 1) * COORD__COUNT + 1, sizeof(*pt->U));
	if (!seen || !last || !pt->n_objs || !pt->U)
		goto out;
	for (size_t a = 0; a < na; a++)
		last[a] = INT64_MIN;
	for (int t = 0; t < COORD__COUNT; t++) {
		const struct coord_events *e = &ev[t];
		int64_t win;

		if (t > 0 && consume)
			coord_events_release(&ev[t - 1]);
		if (t == COORD_AMPLIFY || !o->use_type[t])
			continue;
		if (tight)
			pt->tight[t] = tight[t];
		else if (e->n)
			pt->tight[t] = groups_index_tight(e);
		for (size_t i = 0; i < e->n;) {
			size_t end = i, nd = 0, nk = 0;
			uint64_t half;

			while (end < e->n && e->obj[end] == e->obj[i])
				end++;
			stamp++;
			for (size_t j = i; j < end; j++) {
				if (seen[e->acc[j]] != stamp) {
					seen[e->acc[j]] = stamp;
					nd++;
				}
			}
			if (nd <= max_actors)
				part_draws(&b, e, i, end, t, seen, &stamp);
			if (nd < 2 || nd > max_actors) {
				i = end;
				continue;
			}
			if (end - i > cap_te) {
				int64_t *t2 = realloc(te, (end - i) * sizeof(*t2));

				if (!t2)
					goto out;
				te = t2;
				cap_te = end - i;
			}
			for (size_t j = i; j < end; j++)
				te[j - i] = coord_event_time(e, j);
			win = object_window(te, end - i, o->window[t], o);
			/* a burst (its pairs inside the synchrony window
			 * exceed the budget) or dense (even its simultaneous
			 * ones do): its audience is a candidate */
			if (win < pt->tight[t] &&
			    part_dense(&b, e, i, end, t, te, nd, seen, &stamp))
				goto out;
			if (win < 0) {
				if (part_rest(&b, e, i, end, t, te, nd, seen,
					      &stamp))
					goto out;
				i = end;
				continue;
			}
			/* an account's burst counts once per window, as in
			 * the graph */
			if (end - i > cap_ev) {
				uint32_t *k2 = realloc(kept, (end - i) *
								     sizeof(*k2));

				if (!k2)
					goto out;
				kept = k2;
				cap_ev = end - i;
			}
			for (size_t j = i; j < end; j++) {
				uint32_t a = e->acc[j];

				if (last[a] != INT64_MIN &&
				    te[j - i] - last[a] <= win)
					continue;
				last[a] = te[j - i];
				kept[nk++] = (uint32_t)j;
			}
			for (size_t j = i; j < end; j++)
				last[e->acc[j]] = INT64_MIN;
			loc.n = 0;
			for (size_t j = 0, left = 0; j < nk; j++) {
				size_t x = kept[j];

				while (te[x - i] - te[kept[left] - i] > win)
					left++;
				for (size_t l = left; l < j; l++) {
					uint64_t a = e->acc[kept[l]],
						 c = e->acc[x];

					if (a == c)
						continue;
					if (u64v_push(&loc, a << 32 | c) ||
					    u64v_push(&loc, c << 32 | a))
						goto out;
				}
			}
			if (loc.n == 0) {
				if (part_rest(&b, e, i, end, t, te, nd, seen,
					      &stamp))
					goto out;
				i = end;
				continue;
			}
			half = (uint64_t)groups_object_half(
				t, te[0], te[end - i - 1], end - i, nd);
			if (part_hist_keys(&b, &loc, &cc, t, half) ||
			    part_object(&b, e, i, end, t, te, kept, nk, nd, win,
					half))
				goto out;
			i = end;
		}
	}
	pt->hc = b.hc.v;
	pt->n_hc = b.hc.n;
	b.hc.v = NULL;
	pt->tc = b.tc.v;
	pt->n_tc = b.tc.n;
	b.tc.v = NULL;
	err = CIB_OK;
out:
	for (int t = 0; consume && t < COORD__COUNT; t++)
		coord_events_release(&ev[t]);
	free(seen);
	free(last);
	free(kept);
	free(te);
	free(loc.v);
	free(cc.v);
	free(b.hc.v);
	free(b.tc.v);
	if (err)
		groups_index_part_release(pt);
	return err;
}

/* The index's per-account part: the graph's components (of the
 * account-object graph, numbered by their smallest account; accounts that
 * share nothing get one extra id of their own: they have no co-actor, so
 * no test), each component's activity M per type and its active
 * accounts. 0, or -1 when out of memory. */
static int index_accounts(struct groups_index *ix, const struct coord_graph *g)
{
	size_t na = g->n_accounts;

	ix->n_comp = g->n_comps + 1;
	for (size_t a = 0; a < na; a++)
		ix->comp[a] = g->comp && g->comp[a] != COORD_NO_COMP
				      ? g->comp[a]
				      : (uint32_t)g->n_comps;
	ix->M = calloc(ix->n_comp * COORD__COUNT + 1, sizeof(*ix->M));
	ix->n_active = calloc(ix->n_comp + 1, sizeof(*ix->n_active));
	if (!ix->M || !ix->n_active)
		return -1;
	for (size_t a = 0; a < na; a++) {
		uint32_t c = ix->comp[a];
		int act = 0;

		for (int t = 0; t < COORD__COUNT; t++) {
			uint32_t k = g->k[t] ? g->k[t][a] : 0;

			ix->M[(size_t)c * COORD__COUNT + t] += k;
			act |= k > 0;
		}
		ix->n_active[c] += (uint32_t)act;
	}
	return 0;
}

/* Per account: the (type, co-actors) histogram from the keys hc (account
 * << 32 | type << 27 | half << D_BITS | co-actors; sorted here). */
static int index_account_hist(struct groups_index *ix, struct u64v *hc)
{
	size_t na = ix->n_accounts, nh = 0;

	if (sort_u64(hc->v, hc->n))
		return -1;
	ix->h_off = calloc(na + 2, sizeof(*ix->h_off));
	ix->h = malloc((hc->n + 1) * sizeof(*ix->h));
	if (!ix->h_off || !ix->h)
		return -1;
	for (size_t j = 0; j < hc->n;) {
		size_t k = j;

		while (k < hc->n && hc->v[k] == hc->v[j])
			k++;
		ix->h[nh].d = (uint32_t)(hc->v[j] & D_MAX);
		ix->h[nh].half = (uint8_t)(hc->v[j] >> D_BITS & 1);
		ix->h[nh].t = (uint8_t)(hc->v[j] >> 27 & 0xf);
		ix->h[nh].n = (uint32_t)(k - j);
		ix->h_off[(hc->v[j] >> 32) + 1]++;
		nh++;
		j = k;
	}
	for (size_t a = 0; a < na; a++)
		ix->h_off[a + 1] += ix->h_off[a];
	return 0;
}

/* Per component: the (type, pairs) histogram from the keys tc (component
 * << 32 | type << 27 | half << D_BITS | pairs; sorted here). */
static int index_comp_hist(struct groups_index *ix, struct u64v *tc)
{
	size_t nh = 0;

	if (sort_u64(tc->v, tc->n))
		return -1;
	ix->th_off = calloc(ix->n_comp + 2, sizeof(*ix->th_off));
	ix->th = malloc((tc->n + 1) * sizeof(*ix->th));
	if (!ix->th_off || !ix->th)
		return -1;
	for (size_t j = 0; j < tc->n;) {
		size_t k = j;

		while (k < tc->n && tc->v[k] == tc->v[j])
			k++;
		ix->th[nh].pairs = (uint32_t)(tc->v[j] & D_MAX);
		ix->th[nh].half = (uint8_t)(tc->v[j] >> D_BITS & 1);
		ix->th[nh].t = (uint8_t)(tc->v[j] >> 27 & 0xf);
		ix->th[nh].n = (uint32_t)(k - j);
		ix->th_off[(tc->v[j] >> 32) + 1]++;
		nh++;
		j = k;
	}
	for (size_t c = 0; c < ix->n_comp; c++)
		ix->th_off[c + 1] += ix->th_off[c];
	return 0;
}

/* ---- assembling parts --------------------------------------------------
 * Parts of disjoint object sets, concatenated (each in its own (type,
 * object) order, as the sorted events gave it), become the index of
 * their union: the objects, dense and rest entries sorted by (type,
 * object) (the order one pass over all events gives; an object is in one
 * part only), the counts summed by the caller, the histogram keys sorted
 * here. */

struct okey {
	uint64_t key;
	size_t at;
	uint8_t type;
};

static int cmp_okey(const void *pa, const void *pb)
{
	const struct okey *a = pa, *b = pb;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* The order of n entries by (type, key) in *perm (malloc'd), or NULL
 * when they are in it already (or have no keys: one part). 0, or -1 out
 * of memory. */
static int order_of(const uint8_t *type, const uint64_t *key, size_t n,
		    size_t **perm)
{
	struct okey *k;
	size_t i = 1;

	*perm = NULL;
	if (!type || !key)
		return 0;
	while (i < n && (type[i - 1] < type[i] ||
			 (type[i - 1] == type[i] && key[i - 1] < key[i])))
		i++;
	if (i >= n)
		return 0;
	k = malloc(n * sizeof(*k));
	*perm = malloc(n * sizeof(**perm));
	if (!k || !*perm) {
		free(k);
		free(*perm);
		*perm = NULL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		k[i].key = key[i];
		k[i].type = type[i];
		k[i].at = i;
	}
	qsort(k, n, sizeof(*k), cmp_okey);
	for (i = 0; i < n; i++)
		(*perm)[i] = k[i].at;
	free(k);
	return 0;
}

/* *col (n elements of w bytes) in the order perm; 0, or -1 out of
 * memory (*col unchanged). */
static int permute_col(void **col, size_t w, const size_t *perm, size_t n)
{
	char *src = *col, *dst;

	if (!perm || !src)
		return 0;
	dst = malloc(n * w + 1);
	if (!dst)
		return -1;
	for (size_t i = 0; i < n; i++)
		memcpy(dst + i * w, src + perm[i] * w, w);
	free(src);
	*col = dst;
	return 0;
}

/* *col, ranges of len[] elements of w bytes (off[] their starts, total
 * elements in all) in the order perm: the entries' own order, not yet
 * permuted. */
static int permute_ranges(void **col, size_t w, const uint32_t *len,
			  const uint64_t *off, const size_t *perm, size_t n,
			  size_t total)
{
	char *src = *col, *dst;
	size_t at = 0;

	if (!perm || !src)
		return 0;
	dst = malloc(total * w + 1);
	if (!dst)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t l = len[perm[i]];

		memcpy(dst + at * w, src + off[perm[i]] * w, l * w);
		at += l;
	}
	free(src);
	*col = dst;
	return 0;
}

/* Offsets 0, len[0], len[0] + len[1], ... (n + 1 of them). */
static uint64_t *offsets_of_len(const uint32_t *len, size_t n)
{
	uint64_t *off = malloc((n + 1) * sizeof(*off));

	if (!off)
		return NULL;
	off[0] = 0;
	for (size_t i = 0; i < n; i++)
		off[i + 1] = off[i] + (len ? len[i] : 0);
	return off;
}

/* n entries put in (type, key) order, when they have keys and are not in
 * it: first the ranged columns rng[] (each entry's len[] elements), then
 * the per-entry columns ent[] (len's own column among them). 0, or -1 out
 * of memory. */
static int order_entries(const uint8_t *type, const uint64_t *key, size_t n,
			 const uint32_t *len, size_t total,
			 void **const rng[], const size_t rw[], int n_rng,
			 void **const ent[], const size_t ew[], int n_ent)
{
	size_t *perm = NULL;
	uint64_t *off = NULL;
	int rc = -1;

	if (order_of(type, key, n, &perm))
		return -1;
	if (!perm)
		return 0;
	off = offsets_of_len(len, n);
	if (!off)
		goto out;
	for (int c = 0; c < n_rng; c++)
		if (permute_ranges(rng[c], rw[c], len, off, perm, n, total))
			goto out;
	for (int c = 0; c < n_ent; c++)
		if (permute_col(ent[c], ew[c], perm, n))
			goto out;
	rc = 0;
out:
	free(perm);
	free(off);
	return rc;
}

/* The part's objects and their kept events into the index. */
static int assemble_objects(struct groups_index *ix,
			    struct groups_index_part *p)
{
	void **const ent[] = {
		(void **)&p->obj_key,  (void **)&p->obj_d,
		(void **)&p->obj_win,  (void **)&p->obj_f,
		(void **)&p->obj_half, (void **)&p->obj_burst,
		(void **)&p->obj_type, (void **)&p->obj_n,
	};
	const size_t ew[] = { sizeof(*p->obj_key), sizeof(*p->obj_d),
			      sizeof(*p->obj_win), sizeof(*p->obj_f),
			      1,		   1,
			      1,		   sizeof(*p->obj_n) };
	void **const rng[] = { (void **)&p->ev_acc, (void **)&p->ev_time };
	const size_t rw[] = { sizeof(*p->ev_acc), sizeof(*p->ev_time) };

	if (order_entries(p->obj_type, p->obj_key, p->n_obj, p->obj_n,
			  p->n_ev, rng, rw, 2, ent, ew, 8))
		return -1;
	ix->obj_off = offsets_of_len(p->obj_n, p->n_obj);
	if (!ix->obj_off)
		return -1;
	ix->n_obj = p->n_obj;
#define MOVE(f)             \
	do {                \
		ix->f = p->f; \
		p->f = NULL;  \
	} while (0)
	MOVE(obj_key);
	MOVE(obj_d);
	MOVE(obj_type);
	MOVE(obj_win);
	MOVE(obj_f);
	MOVE(obj_half);
	MOVE(obj_burst);
	MOVE(ev_acc);
	MOVE(ev_time);
	return 0;
}

/* The part's dense audiences and the rest into the index. */
static int assemble_lists(struct groups_index *ix,
			  struct groups_index_part *p)
{
	void **const dent[] = { (void **)&p->dense_n };
	const size_t dew[] = { sizeof(*p->dense_n) };
	void **const drng[] = { (void **)&p->dense_acc,
				(void **)&p->dense_time };
	const size_t drw[] = { sizeof(*p->dense_acc),
			       sizeof(*p->dense_time) };
	void **const rent[] = { (void **)&p->rest_n, (void **)&p->rest_type,
				(void **)&p->rest_half };
	const size_t rew[] = { sizeof(*p->rest_n), 1, 1 };
	void **const rrng[] = { (void **)&p->rest_acc };
	const size_t rrw[] = { sizeof(*p->rest_acc) };

	if (order_entries(p->dense_type, p->dense_key, p->n_dense, p->dense_n,
			  p->n_dense_acc, drng, drw, 2, dent, dew, 1) ||
	    order_entries(p->rest_type, p->rest_key, p->n_rest, p->rest_n,
			  p->n_rest_acc, rrng, rrw, 1, rent, rew, 3))
		return -1;
	ix->dense_off = offsets_of_len(p->dense_n, p->n_dense);
	ix->rest_off = offsets_of_len(p->rest_n, p->n_rest);
	if (!ix->dense_off || !ix->rest_off)
		return -1;
	ix->n_dense = p->n_dense;
	ix->n_rest = p->n_rest;
	MOVE(dense_acc);
	MOVE(dense_time);
	MOVE(rest_acc);
	MOVE(rest_type);
	MOVE(rest_half);
#undef MOVE
	return 0;
}

enum cib_err groups_index_assemble(struct groups_index *ix,
				   struct groups_index_part *p,
				   const struct coord_graph *g)
{
	struct u64v hc = { p->hc, p->n_hc, p->n_hc };
	struct u64v tc = { p->tc, p->n_tc, p->n_tc };
	enum cib_err err = CIB_ENOMEM;

	groups_index_init(ix);
	p->hc = p->tc = NULL;
	ix->n_accounts = g->n_accounts;
	ix->comp = malloc((g->n_accounts + 1) * sizeof(*ix->comp));
	if (!ix->comp || index_accounts(ix, g))
		goto out;
	memcpy(ix->tight, p->tight, sizeof(ix->tight));
	ix->n_objs = p->n_objs;
	ix->U = p->U;
	p->n_objs = NULL;
	p->U = NULL;
	if (!ix->n_objs || !ix->U || assemble_objects(ix, p) ||
	    assemble_lists(ix, p) || index_account_hist(ix, &hc) ||
	    index_comp_hist(ix, &tc))
		goto out;
	err = CIB_OK;
out:
	free(hc.v);
	free(tc.v);
	groups_index_part_release(p);
	if (err)
		groups_index_release(ix);
	return err;
}

enum cib_err groups_index_build(struct groups_index *ix,
				struct coord_events *ev,
				const struct coord_graph *g,
				const struct coord_opts *o, int consume)
{
	struct groups_index_part pt;
	enum cib_err err;

	groups_index_init(ix);
	err = groups_index_part(&pt, ev, g->n_accounts, g->comp, g->n_comps,
				NULL, o, consume, 0);
	if (err)
		return err;
	return groups_index_assemble(ix, &pt, g);
}

/* ---- member tests ----------------------------------------------------- */

/* Each group's summed k per type (K[c * COORD__COUNT + t]). */
static double *group_sums(const struct coord_graph *g, const int32_t *mem,
			  size_t ng)
{
	double *K = calloc(ng * COORD__COUNT + 1, sizeof(*K));

	if (!K)
		return NULL;
	for (size_t a = 0; a < g->n_accounts; a++) {
		if (mem[a] < 0)
			continue;
		for (int t = 0; t < COORD__COUNT; t++)
			K[(size_t)mem[a] * COORD__COUNT + t] +=
				g->k[t] ? g->k[t][a] : 0;
	}
	return K;
}

/* Does object o have a group member in the set? Quick skip. */
static int obj_has_member(const struct groups_index *ix, size_t o,
			  const int32_t *mem)
{
	for (uint64_t j = ix->obj_off[o]; j < ix->obj_off[o + 1]; j++)
		if (mem[ix->ev_acc[j]] >= 0)
			return 1;
	return 0;
}

/* A co-actor seen by a test: key = a << 32 | group << 4 | type, the
 * member b, and whether it acted within the synchrony window of a. */
struct mt_code {
	uint64_t key;
	uint32_t b;
	uint8_t tight;
};

#define KEY_MT_B(x) ((uint64_t)(x).b)
#define KEY_MT_KEY(x) ((x).key)
DEFINE_RADIX(sort_mt_b, struct mt_code, KEY_MT_B)
DEFINE_RADIX(sort_mt_key, struct mt_code, KEY_MT_KEY)

/* by (key, b): b first, then a stable pass by key */
static int sort_mt_code(struct mt_code *v, size_t n)
{
	return sort_mt_b(v, n) || sort_mt_key(v, n) ? -1 : 0;
}

/* One (account, group, object) record: m distinct member co-actors in
 * the object's window, tight = 1 when one of them was within the
 * synchrony window, pb = the synchrony null's chance of that. */
struct mt_rec {
	uint64_t key;
	uint32_t m;
	uint8_t tight;
	double pb;
	double sadj; /* inside: the change to the group's outsider actors
			here when the tested member counts as an outsider */
};

#define KEY_REC(x) ((x).key)
DEFINE_RADIX(sort_mt_rec, struct mt_rec, KEY_REC)

static int sort_mt_rec_run(void *v, size_t n)
{
	return sort_mt_rec(v, n);
}


double groups_fisher2_log10(double la, double lb)
{
	/* -2 ln(p1 p2) ~ chi-square with 4 df: tail e^(-x/2) (1 + x/2) */
	double h = -(la + lb) * M_LN10; /* x / 2 */

	if (h <= 0)
		return 0;
	return fmin(0, (-h + log1p(h)) * M_LOG10E);
}

/* Does a count meet the guards of a test: at least two, GROUPS_MIN_RATIO
 * times and one more than expected? */
static int guards_hold(double x, double e)
{
	return x >= 2 && x >= GROUPS_MIN_RATIO * e && x >= e + 1;
}

static double tail_log10(double x, double e)
{
	if (x <= 0)
		return 0;
	return e <= 0 ? -400 : coord_log10_poisson_tail((uint64_t)llround(x), e);
}

/* log(1 - pi + pi e^s) for 0 < pi < 1, s >= 0, without overflow: the
 * log moment generating function of one Bernoulli(pi) draw weighted s. */
static double log_mgf1(double pi, double s)
{
	if (s < 30)
		return log1p(pi * expm1(s));
	return s + log(pi) + log1p((1 - pi) / pi * exp(-s));
}

/* The terms of the rarity-weighted statistic: per type its draws n, the
 * chance pi that one lands on the group's objects, its weight
 * w = log((1 - pi) / pi) and its hits (coarse types: only what they add
 * to their fine type, as pool_d counts). Types with pi >= 1/2 weigh 0
 * (a hit there is no more likely under membership at rate 1/2 than by
 * chance) and are left out. Returns the number of terms. */
static int weighted_terms(const double *x, const double *e, const double *n,
			  double *tn, double *tpi, double *tw, double *tx)
{
	int k = 0;

	for (int t = 0; t < COORD__COUNT; t++) {
		double xt = x[t], pi;

		if (t == COORD_AMPLIFY || n[t] <= 0 || e[t] <= 0)
			continue;
		if (t == COORD_DOMAIN)
			xt = fmax(0, x[t] - x[COORD_LINK]);
		else if (t == COORD_REPLY_ACCOUNT)
			xt = fmax(0, x[t] - x[COORD_REPLY_POST]);
		pi = e[t] / n[t];
		if (!(pi > 0 && pi < 0.5))
			continue;
		tn[k] = n[t];
		tpi[k] = pi;
		tw[k] = log((1 - pi) / pi);
		tx[k] = fmin(round(xt), n[t]);
		k++;
	}
	return k;
}

/* f'(th) = K'(th) - T for the Chernoff exponent of groups_chernoff_log10:
 * the weighted statistic's mean under the tilted law, less T. */
static double chernoff_slope(int k, const double *n, const double *pi,
			     const double *w, double th, double T)
{
	double d = -T;

	for (int i = 0; i < k; i++) {
		double s = th * w[i];
		/* the tilted chance of a hit, pi e^s / (1 - pi + pi e^s) */
		double q = s < 30 ? pi[i] * exp(s) / (1 - pi[i] + pi[i] * exp(s))
				  : 1 / (1 + (1 - pi[i]) / pi[i] * exp(-s));

		d += n[i] * w[i] * q;
	}
	return d;
}

double groups_chernoff_log10(int k, const double *n, const double *pi,
			     const double *w, double T)
{
	double lo = 0, hi = 1, mean = 0, f = 0;

	for (int i = 0; i < k; i++)
		mean += n[i] * pi[i] * w[i];
	if (k == 0 || T <= mean)
		return 0;
	/* f(th) = K(th) - th T is convex with f'(0) = mean - T < 0: bisect
	 * f' for its root (or stop at a large th, where the bound has come
	 * down to P(every draw a hit) for T at its maximum) */
	while (hi < 1024 && chernoff_slope(k, n, pi, w, hi, T) < 0) {
		lo = hi;
		hi *= 2;
	}
	for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
		double mid = 0.5 * (lo + hi);

		if (chernoff_slope(k, n, pi, w, mid, T) < 0)
			lo = mid;
		else
			hi = mid;
	}
	for (int i = 0; i < k; i++)
		f += n[i] * log_mgf1(pi[i], hi * w[i]);
	f -= hi * T;
	return fmin(0, f * M_LOG10E);
}

/* log Binomial(n, pi) pmf at x. */
static double log_binom_pmf(double n, double pi, double x)
{
	return lgamma(n + 1) - lgamma(x + 1) - lgamma(n - x + 1) +
	       x * log(pi) + (n - x) * log1p(-pi);
}

/* The exact law's tables: the pmf of every enumerated term (pmf[i] has
 * n_i + 1 entries) and the upper tail of the last one (tail[x] =
 * P(X_{k-1} >= x), n_{k-1} + 2 entries). */
struct wexact {
	double *pmf[COORD__COUNT];
	double *tail;
};

/* P(sum_{i >= j} w_i X_i >= T) by enumerating X_j .. X_{k-2} and reading
 * the last term's tail from its table. */
static double weighted_exact(int j, int k, const double *n, const double *w,
			     double T, const double *rest,
			     const struct wexact *tb)
{
	double p = 0;

	if (T <= 0)
		return 1;
	if (j == k || rest[j] < T)
		return 0;
	if (j == k - 1) {
		double x = ceil(T / w[j] - 1e-9);

		return x <= 0 ? 1 : x > n[j] ? 0 : tb->tail[(size_t)x];
	}
	for (size_t x = 0; x <= (size_t)n[j]; x++)
		p += tb->pmf[j][x] * weighted_exact(j + 1, k, n, w,
						    T - (double)x * w[j], rest,
						    tb);
	return fmin(1, p);
}

/* Enumerated exactly when the draws of every term but the largest take at
 * most this many joint values; the Chernoff bound above it. */
#define WEIGHTED_EXACT_MAX 4096

/* The exact tail of the k terms (the last one the largest), or 1 (log 0)
 * when a table cannot be allocated (the caller then bounds it). */
static double weighted_exact_log10(int k, const double *n, const double *pi,
				   const double *w, double T)
{
	struct wexact tb = { 0 };
	double rest[COORD__COUNT + 1], p = 0, lp = 1;
	size_t nl = (size_t)n[k - 1];
	int ok = 1;

	for (int i = 0; i < k - 1 && ok; i++) {
		tb.pmf[i] = malloc(((size_t)n[i] + 1) * sizeof(double));
		ok = tb.pmf[i] != NULL;
		for (size_t x = 0; ok && x <= (size_t)n[i]; x++)
			tb.pmf[i][x] = exp(log_binom_pmf(n[i], pi[i], (double)x));
	}
	tb.tail = ok ? malloc((nl + 2) * sizeof(double)) : NULL;
	if (tb.tail) {
		tb.tail[nl + 1] = 0;
		for (size_t x = nl + 1; x-- > 0;)
			tb.tail[x] = fmin(1, tb.tail[x + 1] +
					     exp(log_binom_pmf(n[k - 1], pi[k - 1],
							       (double)x)));
		rest[k] = 0;
		for (int i = k - 1; i >= 0; i--)
			rest[i] = rest[i + 1] + n[i] * w[i];
		/* the observed T itself is in the tail: a relative tolerance
		 * for the rounding of its sum */
		p = weighted_exact(0, k, n, w, T * (1 - 1e-12), rest, &tb);
		lp = p > 0 ? fmin(0, log10(p)) : -400;
	}
	for (int i = 0; i < k - 1; i++)
		free(tb.pmf[i]);
	free(tb.tail);
	return lp;
}

double groups_weighted_log10p(const double *x, const double *e,
			      const double *n)
{
	double tn[COORD__COUNT], tpi[COORD__COUNT], tw[COORD__COUNT];
	double tx[COORD__COUNT], T = 0, mean = 0, joint = 1;
	int k = weighted_terms(x, e, n, tn, tpi, tw, tx), big = 0;

	for (int i = 0; i < k; i++) {
		T += tw[i] * tx[i];
		mean += tn[i] * tpi[i] * tw[i];
		if (tn[i] > tn[big])
			big = i;
	}
	if (k == 0 || T <= mean)
		return 0;
	/* the term with the most draws last: its tail is a table */
	if (big != k - 1) {
		double v;

		v = tn[big], tn[big] = tn[k - 1], tn[k - 1] = v;
		v = tpi[big], tpi[big] = tpi[k - 1], tpi[k - 1] = v;
		v = tw[big], tw[big] = tw[k - 1], tw[k - 1] = v;
	}
	for (int i = 0; i < k - 1; i++)
		joint *= tn[i] + 1;
	if (joint <= WEIGHTED_EXACT_MAX) {
		double lp = weighted_exact_log10(k, tn, tpi, tw, T);

		if (lp <= 0)
			return lp;
	}
	return groups_chernoff_log10(k, tn, tpi, tw, T);
}

double groups_share_log10p(const double *x, const double *e, const double *n)
{
	double pooled = 0, weighted = 0, single = 0, nt = 0;
	double px = round(pool_d(x)), pe = pool_d(e);

	if (guards_hold(px, pe)) {
		pooled = tail_log10(px, pe);
		weighted = groups_weighted_log10p(x, e, n);
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		if (t == COORD_AMPLIFY || e[t] <= 0)
			continue;
		nt++;
		if (guards_hold(x[t], e[t]))
			single = fmin(single, tail_log10(x[t], e[t]));
	}
	/* weighted Bonferroni: a third of the level to the pooled count, a
	 * third to the rarity-weighted statistic, a third shared by the
	 * types */
	pooled = pooled < 0 ? pooled + log10(3) : 0;
	weighted = weighted < 0 ? weighted + log10(3) : 0;
	single = single < 0 ? single + log10(3 * nt) : 0;
	return fmin(0, fmin(fmin(pooled, weighted), single));
}

/* A test's p-value. Each test counts only when it meets its guards (p = 1
 * otherwise); the two are combined twice, by Bonferroni (2 min(p1, p2):
 * one strong test) and by Fisher (groups_fisher2_log10: two moderate
 * ones), and the smaller of the two combinations is taken times two
 * (Bonferroni over the combinations). Fisher's combination is valid
 * because the sync null draws times given who acted on what, which is
 * all the sharing null randomises: p_sync is uniform given the
 * placement, p_share is a function of it (groups.h). 0 (p = 1) when
 * neither test meets its guards. */
static double member_log10p(const struct groups_member_test *r)
{
	int ok_b = guards_hold(r->sync, r->sync_expected);
	double la = r->log10p_share, lb = ok_b ? r->log10p_sync : 0;
	double bon = fmin(la, lb) + M_LOG10E * M_LN2;
	double fis = groups_fisher2_log10(la, lb);

	if (la >= 0 && lb >= 0)
		return 0;
	return fmin(0, fmin(bon, fis) + M_LOG10E * M_LN2);
}

/* groups_member_tests and groups_member_tests_passable: keep_all = 0
 * leaves out the tests below both count guards (fewer than two objects
 * and fewer than two synchronous ones: p = 1 whatever the null), before
 * their nulls are summed over the account's histogram, the costly part. */
/* The records of objects [o0, o1) (one worker's share of
 * member_tests; the shares are concatenated in object order, so the
 * result does not depend on how the objects were split). */
struct mt_job {
	const struct groups_index *ix;
	const int32_t *mem;
	const uint8_t *only; /* tested accounts (NULL: all) */
	int inside, half;
	size_t o0, o1;
	/* this pass's tested accounts: a_lo <= a < a_hi (member_tests) */
	uint64_t a_lo, a_hi;
	struct {
		struct mt_rec *v;
		size_t n, cap;
	} all;
	double *S; /* per group x type: outsider actors on the group's
		      objects (sum over the objects of d - members); NULL on
		      a pass after the first, which has summed them */
	uint64_t *cnt; /* mt_count: records per account */
	enum cib_err err;
};

/* A worker's scratch vectors, reused object after object. */
struct mt_scratch {
	struct {
		struct mt_code *v;
		size_t n, cap;
	} loc;              /* the co-actors seen by the tested accounts */
	struct u64v grp;    /* (group << 32 | member), then (group << 32 |
			       count) */
	struct u64v accs;   /* the tested accounts, one per kept action */
};

/* A burst left out of the counts (GROUPS_NO_BURSTS): only its outsider
 * actors go into S, so it stays in the null (conservative). */
static enum cib_err mt_burst_null(struct mt_job *job, struct mt_scratch *sc,
				  size_t o)
{
	const struct groups_index *ix = job->ix;
	const int32_t *mem = job->mem;
	int t = ix->obj_type[o];

	sc->grp.n = 0;
	for (uint64_t i = ix->obj_off[o]; i < ix->obj_off[o + 1]; i++)
		if (mem[ix->ev_acc[i]] >= 0)
			VEC_PUSH(sc->grp,
				 (uint64_t)mem[ix->ev_acc[i]] << 32 | ix->ev_acc[i]);
	if (sort_u64(sc->grp.v, sc->grp.n))
		goto out;
	sc->grp.n = sortu64_unique(sc->grp.v, sc->grp.n);
	for (size_t gi = 0; gi < sc->grp.n;) {
		uint64_t c = sc->grp.v[gi] >> 32, cnt = 0;

		for (; gi < sc->grp.n && sc->grp.v[gi] >> 32 == c; gi++)
			cnt++;
		if (job->S)
			job->S[c * COORD__COUNT + (size_t)t] +=
				(double)ix->obj_d[o] - (double)cnt;
	}
	return CIB_OK;
out:
	return CIB_ENOMEM;
}

/* Object o's actions: its members by group (sc->grp), the tested accounts
 * (sc->accs, once per kept action) and, for each, the members within the
 * object's window (sc->loc; c.b = UINT32_MAX when only within the ring
 * W, c.tight when within the synchrony window). */
static enum cib_err mt_collect(struct mt_job *job, struct mt_scratch *sc,
			       size_t o)
{
	const struct groups_index *ix = job->ix;
	const int32_t *mem = job->mem;
	int inside = job->inside;
	uint64_t s = ix->obj_off[o], e = ix->obj_off[o + 1], lo = s;
	int t = ix->obj_type[o];
	int64_t D = ix->obj_win[o];
	int64_t w = ix->tight[t] < D ? ix->tight[t] : D, W = D;

	sc->loc.n = 0;
	sc->grp.n = 0;
	sc->accs.n = 0;
	for (uint64_t i = s; i < e; i++) {
		uint64_t a = ix->ev_acc[i];
		int32_t ca = mem[a];

		if (ca >= 0)
			VEC_PUSH(sc->grp, (uint64_t)ca << 32 | a);
		if (inside ? ca < 0 : ca >= 0)
			continue;
		if ((job->only && !job->only[a]) || a < job->a_lo ||
		    a >= job->a_hi)
			continue;
		VEC_PUSH(sc->accs, a);
		while (ix->ev_time[i] - ix->ev_time[lo] > W)
			lo++;
		for (uint64_t j = lo; j < e; j++) {
			uint32_t b = ix->ev_acc[j];
			int32_t cb = mem[b];
			int64_t dt = ix->ev_time[j] - ix->ev_time[i];
			struct mt_code c;

			if (dt > W)
				break;
			if (dt < 0)
				dt = -dt;
			if (b == a || cb < 0 || (inside && cb != ca))
				continue;
			c.key = a << 32 | (uint64_t)cb << 4 | (uint64_t)t;
			c.b = dt <= D ? b : UINT32_MAX;
			c.tight = dt <= w;
			VEC_PUSH(sc->loc, c);
		}
	}
	/* the object's groups with their distinct members, and the tested
	 * accounts with their kept actions */
	if (sort_u64(sc->grp.v, sc->grp.n) || sort_u64(sc->accs.v, sc->accs.n))
		goto out;
	sc->grp.n = sortu64_unique(sc->grp.v, sc->grp.n);
	if (sort_mt_code(sc->loc.v, sc->loc.n))
		goto out;
	/* the object's distinct groups with their distinct members, in
	 * place: (group << 32 | count), ascending by group */
	{
		size_t ng_o = 0;

		for (size_t gi = 0; gi < sc->grp.n;) {
			uint64_t c = sc->grp.v[gi] >> 32, cnt = 0;

			for (; gi < sc->grp.n && sc->grp.v[gi] >> 32 == c; gi++)
				cnt++;
			sc->grp.v[ng_o++] = c << 32 | cnt;
			if (job->S)
				job->S[c * COORD__COUNT + (size_t)t] +=
					(double)ix->obj_d[o] - (double)cnt;
		}
		sc->grp.n = ng_o;
	}
	return CIB_OK;
out:
	return CIB_ENOMEM;
}

/* One record per (tested account, group) on object o, from what
 * mt_collect gathered. Accounts ascending, and each one's groups
 * ascending: the keys only grow, so q walks sc->loc once per object. */
static enum cib_err mt_emit(struct mt_job *job, struct mt_scratch *sc,
			    size_t o)
{
	const struct groups_index *ix = job->ix;
	const int32_t *mem = job->mem;
	int inside = job->inside;
	int t = ix->obj_type[o];
	double f = ix->obj_f[o];
	size_t q = 0;

	for (size_t i = 0; i < sc->accs.n;) {
		uint64_t a = sc->accs.v[i];
		size_t na_ev = 0, g0 = 0, g1 = sc->grp.n;

		while (i < sc->accs.n && sc->accs.v[i] == a) {
			na_ev++;
			i++;
		}
		if (inside) {
			/* only its own group, where it is one of the members
			 * counted */
			uint64_t ca = (uint64_t)mem[a];

			while (g0 < g1) {
				size_t mid = g0 + (g1 - g0) / 2;

				if (sc->grp.v[mid] >> 32 < ca)
					g0 = mid + 1;
				else
					g1 = mid;
			}
			g1 = g0 < sc->grp.n && sc->grp.v[g0] >> 32 == ca ? g0 + 1
									 : g0;
		}
		for (size_t gi = g0; gi < g1; gi++) {
			uint64_t c = sc->grp.v[gi] >> 32;
			/* a tested account outside is in no group; one inside
			 * is one of its own group's members */
			double nm = (double)(sc->grp.v[gi] & 0xffffffffu) -
				    (inside ? 1 : 0);
			struct mt_rec r;

			if (nm == 0 && !inside)
				continue;
			r.key = a << 32 | c << 4 | (uint64_t)t;
			r.m = 0;
			r.tight = 0;
			/* left out of its group, the tested member is an
			 * outsider here (one more outsider actor), or, alone of
			 * its group here, the object is not the rest's (its
			 * outsiders leave the sum) */
			r.sadj = !inside ? 0
				 : nm > 0 ? 1
					  : -((double)ix->obj_d[o] - 1);
			/* P(some of its actions within w of some member action)
			 * under the smoothed profile */
			r.pb = nm == 0 ? 0
				       : -expm1(nm * (double)na_ev *
						log1p(-fmin(f, 1 - 1e-12)));
			while (q < sc->loc.n && sc->loc.v[q].key < r.key)
				q++;
			for (size_t k = q; k < sc->loc.n && sc->loc.v[k].key == r.key;
			     k++) {
				if (sc->loc.v[k].b != UINT32_MAX &&
				    (k == q || sc->loc.v[k].b != sc->loc.v[k - 1].b))
					r.m++;
				r.tight |= sc->loc.v[k].tight;
			}
			VEC_PUSH(job->all, r);
		}
	}
	return CIB_OK;
out:
	return CIB_ENOMEM;
}

/* Is account a one this pass tests? */
static int mt_tested(const struct mt_job *job, uint64_t a)
{
	int32_t ca = job->mem[a];

	return (job->inside ? ca >= 0 : ca < 0) && a >= job->a_lo &&
	       a < job->a_hi && (!job->only || job->only[a]);
}

/* Has object o an action of an account this pass tests? */
static int obj_tests(const struct mt_job *job, size_t o)
{
	const struct groups_index *ix = job->ix;

	for (uint64_t i = ix->obj_off[o]; i < ix->obj_off[o + 1]; i++)
		if (mt_tested(job, ix->ev_acc[i]))
			return 1;
	return 0;
}

/* The objects a pass reads: those of the half with a group member;
 * after the first pass (S summed) only those where it tests someone. */
static int mt_reads(const struct mt_job *job, size_t o)
{
	const struct groups_index *ix = job->ix;

	if ((job->half >= 0 && ix->obj_half[o] != job->half) ||
	    !obj_has_member(ix, o, job->mem))
		return 0;
	return job->S || obj_tests(job, o);
}

static enum cib_err mt_objects(struct mt_job *job)
{
	const struct groups_index *ix = job->ix;
	struct mt_scratch sc = { 0 };
	enum cib_err err = CIB_OK;

	for (size_t o = job->o0; !err && o < job->o1; o++) {
		if (!mt_reads(job, o))
			continue;
		if (job->half == GROUPS_NO_BURSTS && ix->obj_burst[o]) {
			if (job->S)
				err = mt_burst_null(job, &sc, o);
			continue;
		}
		err = mt_collect(job, &sc, o);
		if (!err)
			err = mt_emit(job, &sc, o);
	}
	free(sc.loc.v);
	free(sc.grp.v);
	free(sc.accs.v);
	return err;
}

double groups_outsider_expected(double n, double S, double U)
{
	double R;

	if (n <= 0 || S <= 0)
		return 0;
	R = U > 0 ? S / U : 1;
	return n * (R > 1 ? 1 : R);
}

/* Each group's summed distinct objects per type (N[c * COORD__COUNT + t]). */
static double *group_objs(const struct groups_index *ix, const int32_t *mem,
			  size_t ng)
{
	double *N = calloc(ng * COORD__COUNT + 1, sizeof(*N));

	if (!N)
		return NULL;
	for (size_t a = 0; a < ix->n_accounts; a++) {
		if (mem[a] < 0)
			continue;
		for (int t = 0; t < COORD__COUNT; t++)
			N[(size_t)mem[a] * COORD__COUNT + (size_t)t] +=
				ix->n_objs[a * COORD__COUNT + (size_t)t];
	}
	return N;
}

/* The outsider actors of the objects outside the object list (dense or
 * pairless) on each group's objects, added to S. For a member tested
 * against its own group (inside) each counts one more, the tested member
 * as an outsider: exact where it acted with others of its group, more
 * than exact (conservative) elsewhere. */
static int rest_outsiders(const struct groups_index *ix, const int32_t *mem,
			  int inside, int half, double *S)
{
	struct u64v grp = { 0 };

	for (size_t r = 0; r < ix->n_rest; r++) {
		uint64_t s0 = ix->rest_off[r], s1 = ix->rest_off[r + 1];
		double d = (double)(s1 - s0);
		size_t t = ix->rest_type[r];

		if (half >= 0 && ix->rest_half[r] != half)
			continue;
		grp.n = 0;
		for (uint64_t j = s0; j < s1; j++)
			if (mem[ix->rest_acc[j]] >= 0 &&
			    u64v_push(&grp, (uint64_t)mem[ix->rest_acc[j]]))
				goto fail;
		if (grp.n == 0)
			continue;
		if (sort_u64(grp.v, grp.n))
			goto fail;
		for (size_t gi = 0; gi < grp.n;) {
			uint64_t c = grp.v[gi];
			double cnt = 0;

			for (; gi < grp.n && grp.v[gi] == c; gi++)
				cnt++;
			S[c * COORD__COUNT + t] += d - cnt + (inside ? 1 : 0);
		}
	}
	free(grp.v);
	return 0;
fail:
	free(grp.v);
	return -1;
}

static void mt_share(void *ctx, unsigned t)
{
	struct mt_job *jobs = ctx;

	jobs[t].err = mt_objects(&jobs[t]);
}

/* The records mt_emit gives each account on the worker's objects, into
 * job->cnt: on each object it acts on and is tested, one per group acting
 * there (a tested account outside is in none, so every group has nm > 0),
 * or one (inside: its own group). No co-actor is read: a scan of the
 * events and a sort of each object's groups. */
static enum cib_err mt_count(struct mt_job *job)
{
	const struct groups_index *ix = job->ix;
	uint64_t *seen = calloc(ix->n_accounts + 1, sizeof(*seen));
	struct u64v grp = { 0 };
	enum cib_err err = CIB_ENOMEM;

	if (!seen)
		return err;
	for (size_t o = job->o0; o < job->o1; o++) {
		uint64_t ng = 1;

		if (!mt_reads(job, o) ||
		    (job->half == GROUPS_NO_BURSTS && ix->obj_burst[o]))
			continue;
		if (!job->inside) {
			grp.n = 0;
			for (uint64_t i = ix->obj_off[o]; i < ix->obj_off[o + 1]; i++)
				if (job->mem[ix->ev_acc[i]] >= 0 &&
				    u64v_push(&grp, (uint64_t)job->mem[ix->ev_acc[i]]))
					goto out;
			if (sort_u64(grp.v, grp.n))
				goto out;
			ng = sortu64_unique(grp.v, grp.n);
		}
		for (uint64_t i = ix->obj_off[o]; i < ix->obj_off[o + 1]; i++) {
			uint32_t a = ix->ev_acc[i];

			if (!mt_tested(job, a) || seen[a] == o + 1)
				continue;
			seen[a] = o + 1;
			job->cnt[a] += ng;
		}
	}
	err = CIB_OK;
out:
	free(grp.v);
	free(seen);
	return err;
}

static void mt_count_share(void *ctx, unsigned t)
{
	struct mt_job *jobs = ctx;

	jobs[t].err = mt_count(&jobs[t]);
}

/* Objects split at about half the events of the objects between workers
 * (2: the machine this is sized for; more would only add merging). */
#define MT_WORKERS 2

/* The first object of worker k's share (k = MT_WORKERS: n_obj): the
 * first object whose events start at or after k / MT_WORKERS of all. */
static size_t share_first_obj(const struct groups_index *ix, unsigned k)
{
	uint64_t total = ix->obj_off[ix->n_obj];
	uint64_t stop = total / MT_WORKERS * (uint64_t)k;
	size_t lo = 0, hi = ix->n_obj;

	if (k == 0)
		return 0;
	if (k >= MT_WORKERS)
		return ix->n_obj;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->obj_off[mid] < stop)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* fn(jobs, k) for every worker, on threads when the index is large
 * enough to pay for them (the result is the same either way). */
static void run_shares(const struct groups_index *ix,
		       void (*fn)(void *ctx, unsigned t), void *jobs)
{
	if (ix->obj_off[ix->n_obj] >= 65536)
		forkjoin_run(MT_WORKERS, fn, jobs);
	else
		for (unsigned k = 0; k < MT_WORKERS; k++)
			fn(jobs, k);
}

/* What a member_tests call tests: the group ids, the accounts, the
 * objects' half, and which accounts are tested beside the rule of inside
 * (only: NULL for all; pass: [a_lo, a_hi), member_tests). */
struct mt_call {
	const int32_t *mem;
	const uint8_t *only;
	size_t ng;
	int inside, half;
};

/* The workers' jobs for the accounts [a_lo, a_hi), objects split at about
 * equal events. */
static void mt_jobs_init(const struct groups_index *ix,
			 const struct mt_call *call, uint64_t a_lo,
			 uint64_t a_hi, struct mt_job *jobs)
{
	memset(jobs, 0, MT_WORKERS * sizeof(*jobs));
	for (unsigned k = 0; k < MT_WORKERS; k++) {
		jobs[k].ix = ix;
		jobs[k].mem = call->mem;
		jobs[k].only = call->only;
		jobs[k].inside = call->inside;
		jobs[k].half = call->half;
		jobs[k].a_lo = a_lo;
		jobs[k].a_hi = a_hi;
		jobs[k].o0 = share_first_obj(ix, k);
		jobs[k].o1 = share_first_obj(ix, k + 1);
	}
}

/* The records of every object (mt_objects) for the accounts [a_lo, a_hi)
 * on MT_WORKERS threads: jobs[k].all holds worker k's, in object order
 * (the workers' lists follow each other in object order). S (NULL: a
 * later pass, S summed already) summed in worker order, so the result
 * does not depend on the split. On error every list is freed. */
static enum cib_err mt_run_jobs(const struct groups_index *ix,
				const struct mt_call *call, uint64_t a_lo,
				uint64_t a_hi, struct mt_job *jobs, double *S)
{
	size_t ng = call->ng;
	enum cib_err err;

	mt_jobs_init(ix, call, a_lo, a_hi, jobs);
	for (int k = 0; S && k < MT_WORKERS; k++) {
		jobs[k].S = calloc(ng * COORD__COUNT + 1, sizeof(*jobs[k].S));
		if (!jobs[k].S) {
			for (int j = 0; j < k; j++)
				free(jobs[j].S);
			return CIB_ENOMEM;
		}
	}
	run_shares(ix, mt_share, jobs);
	err = CIB_OK;
	for (int k = 0; k < MT_WORKERS; k++) {
		if (jobs[k].err && !err)
			err = jobs[k].err;
		if (!S)
			continue;
		/* summed in worker order: the same on every run */
		for (size_t x = 0; x < ng * COORD__COUNT; x++)
			S[x] += jobs[k].S[x];
		free(jobs[k].S);
		jobs[k].S = NULL;
	}
	for (int k = 0; err && k < MT_WORKERS; k++) {
		free(jobs[k].all.v);
		jobs[k].all.v = NULL;
		jobs[k].all.n = 0;
	}
	return err;
}

/* Records held at once by member_tests, about 64 MiB: the accounts are
 * tested in passes over ranges of accounts with at most this many records
 * each (an account with more is a range of its own). At 10M posts an
 * attach round held 14M records, 0.45 GB, the cluster stage's peak. */
#define MT_PASS_RECS ((size_t)1 << 21)

/* The passes of one member_tests call: pass p tests the accounts
 * [cut[p], cut[p + 1]), which have recs[p] records. */
struct mt_passes {
	uint64_t *cut, *recs;
	size_t n;
};

/* The passes' ranges, each with at most MT_PASS_RECS records (mt_count),
 * or the test knob CIBSCAN_TEST_MT_PASS's count (tests/test_groups.c):
 * cut[0] = 0 < cut[1] < ... < cut[n] = n_accounts. */
static enum cib_err mt_plan(const struct groups_index *ix,
			    const struct mt_call *call, struct mt_passes *pl)
{
	struct mt_job jobs[MT_WORKERS];
	const char *knob = getenv("CIBSCAN_TEST_MT_PASS");
	size_t cap = knob && atol(knob) > 0 ? (size_t)atol(knob) : MT_PASS_RECS;
	size_t na = ix->n_accounts, n = 0;
	uint64_t sum = 0;
	enum cib_err err = CIB_ENOMEM;

	memset(pl, 0, sizeof(*pl));
	mt_jobs_init(ix, call, 0, na, jobs);
	for (int k = 0; k < MT_WORKERS; k++)
		if (!(jobs[k].cnt = calloc(na + 1, sizeof(*jobs[k].cnt))))
			goto out;
	run_shares(ix, mt_count_share, jobs);
	for (int k = 0; k < MT_WORKERS; k++)
		if (jobs[k].err)
			goto out;
	/* at most one range per account */
	pl->cut = malloc((na + 2) * sizeof(*pl->cut));
	pl->recs = malloc((na + 1) * sizeof(*pl->recs));
	if (!pl->cut || !pl->recs)
		goto out;
	pl->cut[0] = 0;
	for (size_t a = 0; a < na; a++) {
		uint64_t r = 0;

		for (int k = 0; k < MT_WORKERS; k++)
			r += jobs[k].cnt[a];
		if (sum > 0 && sum + r > cap) {
			pl->recs[n++] = sum;
			pl->cut[n] = a;
			sum = 0;
		}
		sum += r;
	}
	pl->recs[n++] = sum;
	pl->cut[n] = na;
	pl->n = n;
	err = CIB_OK;
out:
	for (int k = 0; k < MT_WORKERS; k++)
		free(jobs[k].cnt);
	return err;
}

/* What member_tests sums per group: K (members' actions), N (members'
 * distinct objects) and S (outsider actors on the group's objects), per
 * group x type. */
struct mt_sums {
	const double *K, *N, *S;
};

/* One test from the records rec[0 .. nrec) of one (account, group): the
 * sharing test under the outsider null, the co-actor description and the
 * synchrony test. Returns 0 (and fills nothing) when keep_all is 0 and
 * both count guards fail. */
static int mt_test(const struct groups_index *ix, const struct coord_graph *g,
		   const struct mt_sums *sm, int inside,
		   int half, int keep_all, const struct mt_rec *rec,
		   size_t nrec, struct groups_member_test *r)
{
	uint64_t key = rec[0].key >> 4;
	uint32_t a = (uint32_t)(rec[0].key >> 32);
	int32_t c = (int32_t)(key & 0x0fffffff);
	double xt[COORD__COUNT] = { 0 }, ot[COORD__COUNT] = { 0 };
	double lt[COORD__COUNT] = { 0 }, et[COORD__COUNT] = { 0 };
	double st[COORD__COUNT] = { 0 }, sp[COORD__COUNT] = { 0 };
	double sa[COORD__COUNT] = { 0 }, nt[COORD__COUNT] = { 0 };
	double pi[COORD__COUNT];
	const double *Mc = ix->M + (size_t)ix->comp[a] * COORD__COUNT;

	for (size_t i = 0; i < nrec; i++) {
		int t = (int)(rec[i].key & 0xf);

		xt[t] += rec[i].m;
		ot[t] += rec[i].m > 0;
		st[t] += rec[i].tight;
		sp[t] += rec[i].pb;
		sa[t] += rec[i].sadj;
	}
	if (!keep_all && lround(pool_d(ot)) < 2 && lround(pool_d(st)) < 2)
		return 0;
	for (int t = 0; t < COORD__COUNT; t++) {
		double ka = g->k[t] ? g->k[t][a] : 0;
		double Kc = sm->K[(size_t)c * COORD__COUNT + t] - (inside ? ka : 0);
		double den = Mc[t] - ka;

		pi[t] = den > 0 ? Kc / den : 0;
		pi[t] = pi[t] < 0 ? 0 : pi[t] > 1 ? 1 : pi[t];
	}
	for (uint64_t k = ix->h_off[a]; k < ix->h_off[a + 1]; k++) {
		const struct groups_hist *h = &ix->h[k];

		if (half >= 0 && h->half != half)
			continue;
		lt[h->t] += (double)h->n * h->d * pi[h->t];
	}
	/* the outsider null: each of its distinct objects of type t drawn as
	 * the outsiders' are, so on one of the group's objects with
	 * probability S / U (the group's objects' outsider actors over all
	 * outsider actors, itself among them) */
	for (int t = 0; t < COORD__COUNT; t++) {
		double na = ix->n_objs[(size_t)a * COORD__COUNT + t];
		double Sg = sm->S[(size_t)c * COORD__COUNT + (size_t)t] + sa[t];
		double Uo = ix->U[(size_t)ix->comp[a] * COORD__COUNT + t] -
			    sm->N[(size_t)c * COORD__COUNT + (size_t)t] +
			    (inside ? na : 0);

		et[t] = groups_outsider_expected(na, Sg, Uo);
		nt[t] = na;
	}
	r->acc = a;
	r->group = c;
	r->comp = ix->comp[a];
	r->x = (uint32_t)lround(pool_d(xt));
	r->lambda = pool_d(lt);
	r->objects = (uint32_t)lround(pool_d(ot));
	r->objects_expected = pool_d(et);
	r->sync = (uint32_t)lround(pool_d(st));
	r->sync_expected = pool_d(sp);
	r->log10p_share = groups_share_log10p(ot, et, nt);
	r->log10p_sync = r->sync == 0		 ? 0
			 : r->sync_expected <= 0 ? -400
						 : coord_log10_poisson_tail(
							   r->sync, r->sync_expected);
	r->log10p = member_log10p(r);
	return 1;
}

/* Appends the tests of the records in jobs (one pass) to *res: a
 * (account, group)'s records in the order of one stable sort of the
 * workers' lists (kruns), so summed as they always were. */
static enum cib_err mt_test_pass(const struct groups_index *ix,
				 const struct coord_graph *g,
				 const struct mt_call *call,
				 const struct mt_sums *sm, int keep_all,
				 struct mt_job *jobs,
				 struct groups_member_test **res, size_t *nr,
				 size_t *cap)
{
	struct kruns kr;
	char *lv[MT_WORKERS];
	size_t ln[MT_WORKERS], nk;
	enum cib_err err = CIB_ENOMEM;

	for (int k = 0; k < MT_WORKERS; k++) {
		jobs[k].all.v = shrink_list(jobs[k].all.v, jobs[k].all.n,
					    sizeof(*jobs[k].all.v));
		lv[k] = (char *)jobs[k].all.v;
		ln[k] = jobs[k].all.n;
	}
	/* the key's last 4 bits are the type: one test per (acc, group) */
	if (kruns_init(&kr, lv, ln, MT_WORKERS, sizeof(struct mt_rec), 4,
		       sort_mt_rec_run))
		goto out;
	while ((nk = kruns_next(&kr)) != 0) {
		if (nk == SIZE_MAX)
			goto out;
		if (*nr == *cap) {
			size_t nc = *cap ? 2 * *cap : 1024;
			struct groups_member_test *nv;

			nv = realloc(*res, nc * sizeof(**res));
			if (!nv)
				goto out;
			*res = nv;
			*cap = nc;
		}
		*nr += (size_t)mt_test(ix, g, sm, call->inside, call->half,
				       keep_all, (const struct mt_rec *)kr.buf,
				       nk, &(*res)[*nr]);
	}
	err = CIB_OK;
out:
	kruns_free(&kr);
	return err;
}

static enum cib_err member_tests(const struct groups_index *ix,
				 const struct coord_graph *g,
				 const struct mt_call *call, int keep_all,
				 struct groups_member_test **out,
				 size_t *n_out)
{
	struct mt_job jobs[MT_WORKERS];
	struct groups_member_test *res = NULL;
	double *K = NULL, *N = NULL, *S = NULL;
	struct mt_sums sm;
	size_t nr = 0, cap = 0, ng = call->ng;
	struct mt_passes pl = { 0 };
	enum cib_err err = CIB_ENOMEM;

	*out = NULL;
	*n_out = 0;
	memset(jobs, 0, sizeof(jobs));
	if (ng == 0 || ng >= ((size_t)1 << 27))
		return ng == 0 ? CIB_OK : CIB_ERANGE;
	K = group_sums(g, call->mem, ng);
	N = group_objs(ix, call->mem, ng);
	S = calloc(ng * COORD__COUNT + 1, sizeof(*S));
	if (!K || !N || !S)
		goto out;
	err = mt_plan(ix, call, &pl);
	/* one result per (account, group) that passes, not per record: at
	 * 2M posts results sized by the records took 257 MB at the run's
	 * peak, and most (account, group) fail the count guards. The passes
	 * test ascending ranges of accounts, so the results come in (acc,
	 * group) order; the first sums S over every object. */
	sm.K = K;
	sm.N = N;
	sm.S = S;
	for (size_t p = 0; !err && p < pl.n; p++) {
		uint64_t held = 0;

		err = mt_run_jobs(ix, call, pl.cut[p], pl.cut[p + 1], jobs,
				  p == 0 ? S : NULL);
		for (int k = 0; !err && k < MT_WORKERS; k++)
			held += jobs[k].all.n;
		/* the count is exact, or the bound on what a pass holds is
		 * not what it says */
		if (!err && held != pl.recs[p])
			err = CIB_EINTERNAL;
		if (!err && p == 0 &&
		    rest_outsiders(ix, call->mem, call->inside, call->half, S))
			err = CIB_ENOMEM;
		if (!err)
			err = mt_test_pass(ix, g, call, &sm, keep_all, jobs,
					   &res, &nr, &cap);
		for (int k = 0; k < MT_WORKERS; k++) {
			free(jobs[k].all.v);
			jobs[k].all.v = NULL;
		}
	}
	if (err)
		goto out;
	err = CIB_ENOMEM;
	if (!res && !(res = malloc(sizeof(*res))))
		goto out;
	*out = res;
	*n_out = nr;
	res = NULL;
	err = CIB_OK;
out:
	free(K);
	free(N);
	free(S);
	free(pl.cut);
	free(pl.recs);
	free(res);
	return err;
}

enum cib_err groups_outside_active(const struct groups_index *ix,
				   const struct coord_graph *g,
				   const int32_t *mem, double **out)
{
	double *n = calloc(ix->n_comp + 1, sizeof(*n));

	*out = n;
	if (!n)
		return CIB_ENOMEM;
	for (size_t a = 0; a < ix->n_accounts; a++) {
		int act = 0;

		if (mem[a] >= 0)
			continue;
		for (int t = 0; t < COORD__COUNT; t++)
			act |= g->k[t] && g->k[t][a] > 0;
		n[ix->comp[a]] += act;
	}
	return CIB_OK;
}

enum cib_err groups_member_tests(const struct groups_index *ix,
				 const struct coord_graph *g,
				 const int32_t *mem, size_t ng, int inside,
				 int half, struct groups_member_test **out,
				 size_t *n_out)
{
	struct mt_call call = { mem, NULL, ng, inside, half };

	return member_tests(ix, g, &call, 1, out, n_out);
}

enum cib_err groups_member_tests_passable(const struct groups_index *ix,
					  const struct coord_graph *g,
					  const int32_t *mem, size_t ng,
					  int inside, int half,
					  struct groups_member_test **out,
					  size_t *n_out)
{
	struct mt_call call = { mem, NULL, ng, inside, half };

	return member_tests(ix, g, &call, 0, out, n_out);
}

enum cib_err groups_member_tests_of(const struct groups_index *ix,
				    const struct coord_graph *g,
				    const int32_t *mem, size_t ng,
				    const uint8_t *only, int inside,
				    struct groups_member_test **out,
				    size_t *n_out)
{
	struct mt_call call = { mem, only, ng, inside, -1 };

	return member_tests(ix, g, &call, 0, out, n_out);
}

/* ---- group evidence --------------------------------------------------- */

static void top_insert(struct groups_evidence *ge, uint8_t type, uint64_t key,
		       uint32_t members)
{
	size_t n = ge->n_top, k;

	/* by members desc, then type, then key: a total order */
	for (k = 0; k < n; k++) {
		if (members > ge->top[k].members ||
		    (members == ge->top[k].members &&
		     (type < ge->top[k].type ||
		      (type == ge->top[k].type && key < ge->top[k].key))))
			break;
	}
	if (k >= GROUPS_TOP)
		return;
	if (n == GROUPS_TOP)
		n--;
	memmove(&ge->top[k + 1], &ge->top[k], (n - k) * sizeof(ge->top[0]));
	ge->top[k].type = type;
	ge->top[k].key = key;
	ge->top[k].members = members;
	ge->n_top = (uint32_t)(n + 1);
}

/* The evidence's scan of the objects: per group x type, Z the objects on
 * which two members co-acted in the object's window (sharing; each one
 * also offered to the group's top objects with how many members acted on
 * it), SZ the member actions with another member's action within the
 * synchrony window and SE their null, e (1 - (1 - f_o)^(e - 1)) for the e
 * member actions on the object (synchrony). */
static enum cib_err ev_objects(const struct groups_index *ix,
			       const int32_t *mem, int half,
			       struct groups_result *r, double *Z, double *SZ,
			       double *SE)
{
	struct u64v grp = { 0 }, hits = { 0 }, gacc = { 0 };
	struct {
		uint8_t *v;
		size_t n, cap;
	} fl = { 0 };
	enum cib_err err = CIB_ENOMEM;

	for (size_t o = 0; o < ix->n_obj; o++) {
		uint64_t s = ix->obj_off[o], e = ix->obj_off[o + 1];
		int t = ix->obj_type[o];
		int64_t D = ix->obj_win[o];
		int64_t w = ix->tight[t] < D ? ix->tight[t] : D, W = D;

		if ((half >= 0 && ix->obj_half[o] != half) ||
		    (half == GROUPS_NO_BURSTS && ix->obj_burst[o]) ||
		    !obj_has_member(ix, o, mem))
			continue;
		hits.n = 0;
		grp.n = 0;
		fl.n = 0;
		for (uint64_t i = s; i < e; i++)
			VEC_PUSH(fl, 0);
		for (uint64_t i = s; i < e; i++) {
			int32_t ca = mem[ix->ev_acc[i]];

			if (ca < 0)
				continue;
			VEC_PUSH(grp, (uint64_t)ca << 32 | (i - s));
			for (uint64_t j = i + 1; j < e; j++) {
				int64_t dt = ix->ev_time[j] - ix->ev_time[i];

				if (dt > W)
					break;
				if (mem[ix->ev_acc[j]] != ca ||
				    ix->ev_acc[j] == ix->ev_acc[i])
					continue;
				if (dt <= D)
					VEC_PUSH(hits, (uint64_t)ca);
				if (dt <= w)
					fl.v[i - s] = fl.v[j - s] = 1;
			}
		}
		if (sort_u64(hits.v, hits.n) || sort_u64(grp.v, grp.n))
			goto out;
		hits.n = sortu64_unique(hits.v, hits.n);
		for (size_t gi = 0; gi < grp.n;) {
			uint64_t c = grp.v[gi] >> 32;
			double n = 0, h = 0;

			for (; gi < grp.n && grp.v[gi] >> 32 == c; gi++) {
				n++;
				h += fl.v[grp.v[gi] & 0xffffffffu];
			}
			SZ[c * COORD__COUNT + t] += h;
			SE[c * COORD__COUNT + t] +=
				n * -expm1((n - 1) *
					   log1p(-fmin(ix->obj_f[o], 1 - 1e-12)));
		}
		/* each hit group's distinct members on the object, from its
		 * (group, account) list: one pass, not one per hit group */
		if (hits.n) {
			gacc.n = 0;
			for (uint64_t i = s; i < e; i++) {
				uint32_t a = ix->ev_acc[i];

				if (mem[a] >= 0)
					VEC_PUSH(gacc, (uint64_t)mem[a] << 32 | a);
			}
			if (sort_u64(gacc.v, gacc.n))
				goto out;
			gacc.n = sortu64_unique(gacc.v, gacc.n);
		}
		for (size_t h = 0, gq = 0; h < hits.n; h++) {
			int32_t c = (int32_t)hits.v[h];
			uint32_t m = 0;

			while (gq < gacc.n && gacc.v[gq] >> 32 < (uint64_t)c)
				gq++;
			for (; gq < gacc.n && gacc.v[gq] >> 32 == (uint64_t)c; gq++)
				m++;
			Z[(size_t)c * COORD__COUNT + t] += 1;
			top_insert(&r->ev[c], (uint8_t)t, ix->obj_key[o], m);
		}
	}
	err = CIB_OK;
out:
	free(hits.v);
	free(gacc.v);
	free(grp.v);
	free(fl.v);
	return err;
}

/* One group's sharing and synchrony tests from the scan's sums (Z, SZ,
 * SE at its row), its summed actions K and amplification S, against the
 * null of its component comp. */
static void ev_group_tests(const struct groups_index *ix,
			   const struct coord_graph *g, int half, uint32_t comp,
			   const double *K, double S, const double *Z,
			   const double *SZ, const double *SE,
			   struct groups_evidence *ge)
{
	const double *Mc = ix->M + (size_t)comp * COORD__COUNT;
	double lt[COORD__COUNT] = { 0 }, q[COORD__COUNT];
	double best = 0;

	/* the sharing null's expectation of the count: the union bound
	 * min(1, T_o q^2) over the component's objects */
	for (int t = 0; t < COORD__COUNT; t++)
		q[t] = Mc[t] > 0 ? K[t] / Mc[t] : 0;
	for (uint64_t k = ix->th_off[comp]; k < ix->th_off[comp + 1]; k++) {
		const struct groups_thist *h = &ix->th[k];

		if (half >= 0 && h->half != half)
			continue;
		lt[h->t] += h->n * fmin(1.0, (double)h->pairs * q[h->t] * q[h->t]);
	}
	ge->objects = (uint32_t)lround(pool_d(Z));
	ge->objects_expected = pool_d(lt);
	ge->log10p_share = ge->objects == 0 ? 0
			   : ge->objects_expected <= 0
				   ? -400
				   : coord_log10_poisson_tail(ge->objects,
							      ge->objects_expected);
	/* halved: a synchronous pair makes two hits, so the hits are
	 * overdispersed by up to 2; Poisson at half the count and half the
	 * mean is the quasi-Poisson tail with dispersion 2 */
	ge->sync = (uint32_t)ceil(pool_d(SZ) / 2);
	ge->sync_expected = pool_d(SE) / 2;
	ge->log10p_sync = ge->sync == 0 ? 0
			  : ge->sync_expected <= 0
				  ? -400
				  : coord_log10_poisson_tail(ge->sync,
							     ge->sync_expected);
	if (ge->objects >= 2 &&
	    ge->objects >= GROUPS_MIN_RATIO * ge->objects_expected &&
	    ge->objects >= ge->objects_expected + 1)
		best = ge->log10p_share;
	if (ge->sync >= 2 && ge->sync >= GROUPS_MIN_RATIO * ge->sync_expected &&
	    ge->sync >= ge->sync_expected + 1 && ge->log10p_sync < best)
		best = ge->log10p_sync;
	ge->log10p = best < 0 ? fmin(0, best + M_LOG10E * M_LN2) : 0;
	ge->coactions_expected = coord_lambda_sets(g, comp, K, S, K, S) / 2;
}

/* Per member: its strength (the share of its co-acted objects shared
 * with its own group) and its leave-one-out test; per group the mean
 * strength, the co-actions inside and whether it was found by the group
 * tests alone (no significant pair inside). */
static enum cib_err ev_members(const struct groups_index *ix,
			       const struct coord_graph *g, const int32_t *mem,
			       size_t ng, int half, struct groups_result *r)
{
	struct groups_member_test *mt = NULL;
	struct coord_pair *pv = NULL;
	size_t nmt = 0, np = 0;
	enum cib_err err;

	/* the candidate pairs inside the groups, wherever they are held */
	err = coord_pairs_among(g, mem, &pv, &np);
	if (err)
		return err;
	for (size_t i = 0; i < np; i++)
		if (mem[pv[i].a] == mem[pv[i].b])
			r->ev[mem[pv[i].a]].coactions += pv[i].x;
	free(pv);
	err = groups_member_tests(ix, g, mem, ng, 1, half, &mt, &nmt);
	if (err)
		return err;
	for (size_t a = 0; a < g->n_accounts; a++)
		if (mem[a] >= 0)
			r->strength[a] = 0;
	for (size_t i = 0; i < nmt; i++) {
		uint32_t a = mt[i].acc;
		double tot[COORD__COUNT] = { 0 }, d;

		for (uint64_t k = ix->h_off[a]; k < ix->h_off[a + 1]; k++)
			tot[ix->h[k].t] += ix->h[k].n;
		d = pool_d(tot);
		r->member_log10p[a] = mt[i].log10p;
		r->strength[a] = d > 0 ? fmin(1.0, mt[i].objects / d) : 0;
	}
	free(mt);
	for (size_t a = 0; a < g->n_accounts; a++)
		if (mem[a] >= 0)
			r->ev[mem[a]].mean_strength += r->strength[a];
	for (size_t c = 0; c < ng; c++)
		if (r->ev[c].size)
			r->ev[c].mean_strength /= r->ev[c].size;
	/* a group none of whose pairs is significant alone was found (or
	 * held together) only by the group-level tests */
	for (size_t c = 0; c < ng; c++)
		r->ev[c].discovered = 1;
	for (size_t i = 0; i < g->n_edges; i++) {
		int32_t c = mem[g->edges[i].a];

		if (c >= 0 && mem[g->edges[i].b] == c)
			r->ev[c].discovered = 0;
	}
	return CIB_OK;
}

enum cib_err groups_evidence_build(const struct groups_index *ix,
				   const struct coord_graph *g,
				   const int32_t *mem, size_t ng,
				   const uint8_t *platform, int half,
				   struct groups_result *r)
{
	double *K = NULL, *Z = NULL, *S = NULL, *SZ = NULL, *SE = NULL;
	uint32_t *gcomp = NULL;
	uint64_t *plats = NULL;
	enum cib_err err = CIB_ENOMEM;

	memset(r, 0, sizeof(*r));
	r->n_groups = ng;
	r->n_accounts = g->n_accounts;
	r->ev = calloc(ng + 1, sizeof(*r->ev));
	r->strength = malloc((g->n_accounts + 1) * sizeof(*r->strength));
	r->member_log10p = calloc(g->n_accounts + 1, sizeof(*r->member_log10p));
	Z = calloc(ng * COORD__COUNT + 1, sizeof(*Z));
	SZ = calloc(ng * COORD__COUNT + 1, sizeof(*SZ));
	SE = calloc(ng * COORD__COUNT + 1, sizeof(*SE));
	S = calloc(ng + 1, sizeof(*S));
	gcomp = calloc(ng + 1, sizeof(*gcomp));
	plats = calloc(ng + 1, sizeof(*plats));
	if (!r->ev || !r->strength || !r->member_log10p || !Z || !S || !SZ ||
	    !SE || !gcomp || !plats)
		goto out;
	for (size_t a = 0; a < g->n_accounts; a++)
		r->strength[a] = NAN;
	if (ng == 0) {
		err = CIB_OK;
		goto out;
	}
	K = group_sums(g, mem, ng);
	if (!K)
		goto out;
	for (size_t a = 0; a < g->n_accounts; a++) {
		int32_t c = mem[a];

		if (c < 0)
			continue;
		r->ev[c].size++;
		gcomp[c] = ix->comp[a];
		S[c] += g->s_amp ? g->s_amp[a] : 0;
		if (platform)
			plats[c] |= (uint64_t)1 << (platform[a] & 63);
	}
	err = ev_objects(ix, mem, half, r, Z, SZ, SE);
	if (err)
		goto out;
	for (size_t c = 0; c < ng; c++) {
		if (!r->ev[c].size)
			continue;
		ev_group_tests(ix, g, half, gcomp[c], K + c * COORD__COUNT, S[c],
			       Z + c * COORD__COUNT, SZ + c * COORD__COUNT,
			       SE + c * COORD__COUNT, &r->ev[c]);
		r->ev[c].n_platforms = (uint32_t)__builtin_popcountll(plats[c]);
	}
	err = ev_members(ix, g, mem, ng, half, r);
out:
	free(K);
	free(Z);
	free(S);
	free(gcomp);
	free(plats);
	free(SZ);
	free(SE);
	if (err)
		groups_result_release(r);
	return err;
}

/* ---- discovery -------------------------------------------------------- */

static int cmp_test_comp_p(const void *a, const void *b)
{
	const struct groups_member_test *x = a, *y = b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	if (x->acc != y->acc)
		return x->acc < y->acc ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

/* Benjamini-Hochberg inside each component over tests sorted by (comp, p):
 * pass[i] for the kept ones; fam[comp] the family size. */
static void bh_comp(const struct groups_member_test *e, size_t n,
		    const double *fam, double fdr, uint8_t *pass)
{
	for (size_t i = 0; i < n;) {
		size_t j = i, keep = 0;
		double m = fam[e[i].comp] > 1 ? fam[e[i].comp] : 1;

		while (j < n && e[j].comp == e[i].comp)
			j++;
		for (size_t k = i; k < j; k++)
			if (e[k].log10p <= log10(fdr * (double)(k - i + 1) / m))
				keep = k - i + 1;
		for (size_t k = i; k < j; k++)
			pass[k] = k - i < keep;
		i = j;
	}
}

/* Most pruning rounds (each one pass over the index). */
#define GROUPS_PRUNE_ROUNDS 24

static int test_passes(const struct groups_member_test *t)
{
	return t->log10p < 0;
}

/* A weighted pair of the candidate graph. */
struct kw {
	uint64_t key; /* a << 32 | b, a < b */
	float w;
	uint8_t alone; /* this co-action may make the edge by itself */
};

#define KEY_KW(x) ((x).key)
DEFINE_RADIX(sort_kw, struct kw, KEY_KW)

static int sort_kw_run(void *v, size_t n)
{
	return sort_kw(v, n);
}

/* The candidate graph of discovery, on the objects of half 0 only (the
 * tests use half 1): accounts in no cluster, tied by
 *
 * - sharing: every pair of accounts on an object of at most
 *   GROUPS_RARE_ACTORS accounts, within its window, weighs
 *   1 / log2(1 + d) (d its accounts): two co-shares of an object nobody
 *   else shared weigh 1.26, of an object of 100 accounts 0.15 each, and
 *   the pairs of a popular object are never enumerated;
 * - synchrony: a pair within the synchrony window weighs
 *   min(10, -log10 f_o) more, the surprisal of being that close under the
 *   object's own smoothed profile. On a popular object only pairs with
 *   fewer than GROUPS_SYNC_NEAR actions strictly between their two times
 *   are enumerated (counted by times, so ties and input order do not
 *   matter): each action's nearest successors, at most ~GROUPS_SYNC_NEAR
 *   pairs an action however dense the object grows (all pairs in the
 *   window grow with the square of its density), and never more than
 *   8 m + 2048 an object of m actions, the graph's budget.
 *
 * Pairs weighing at least 1 in all are kept if they co-acted twice or
 * more; a pair tied by one co-action only if that co-action's object
 * expects at most GROUPS_LONE_PARTNERS chance partners in sync for each
 * of its actions ((m - 1) f, m its actions): one coincidence on a busy
 * object is what every active account has. */
/* The candidate graph's passes over the objects. Most enumerated pairs
 * co-act once on an object where a lone co-action does not count (on the
 * 2M-post synth export 2.55M records came from 2.47M pairs, of which the
 * records of 140k could make an edge), and the pairs are not known until
 * enumerated, so one enumeration held them all (18.6M records, 0.4 GB, at
 * 10M posts). Instead: CG_COUNT counts the records; CG_SEEN puts every
 * record's pair in its worker's two Bloom filters (seen, seen twice);
 * CG_KEEP stores a record only if its co-action may make the edge alone or
 * the filters, merged, say its pair may have been seen twice. A filter
 * only errs by keeping a pair it could drop, and a pair's records are kept
 * all or none, so the graph is the one every record gives, bit for bit. */
enum cg_pass { CG_COUNT, CG_SEEN, CG_KEEP };

/* Filter bits per record counted (8: some 3 % of the pairs seen once pass
 * for seen twice), and the most words of one filter (256 MiB: past 2^28
 * records a filter only keeps more; it also keeps cg_word's product below
 * 2^64). */
#define CG_BITS_PER_REC 8
#define CG_MAX_WORDS (UINT64_C(1) << 25)

/* One worker's share of the candidate graph: the pairs of objects
 * [o0, o1), concatenated in object order afterwards (so the graph does not
 * depend on the split). */
struct cg_job {
	const struct groups_index *ix;
	const int32_t *mem;
	size_t o0, o1;
	enum cg_pass pass;
	uint64_t n;                 /* records enumerated (CG_COUNT) */
	uint64_t *seen, *twice, nw; /* blocked Bloom filters of nw words */
	struct {
		struct kw *v;
		size_t n, cap;
	} kv;
	enum cib_err err;
};

/* A pair's filter word (of nw <= CG_MAX_WORDS) and its three bits there. */
static inline uint64_t cg_word(uint64_t key, uint64_t nw, uint64_t *bits)
{
	uint64_t h = splitmix_mix(key);

	*bits = UINT64_C(1) << (h & 63) | UINT64_C(1) << (h >> 6 & 63) |
		UINT64_C(1) << (h >> 12 & 63);
	return ((h >> 32) * nw) >> 32;
}

/* One enumerated co-action k in job's current pass; -1 out of memory. */
static int cg_record(struct cg_job *job, const struct kw *k)
{
	uint64_t m, i;

	switch (job->pass) {
	case CG_COUNT:
		job->n++;
		return 0;
	case CG_SEEN:
		i = cg_word(k->key, job->nw, &m);
		if ((job->seen[i] & m) == m)
			job->twice[i] |= m;
		else
			job->seen[i] |= m;
		return 0;
	case CG_KEEP:
		if (!k->alone) {
			i = cg_word(k->key, job->nw, &m);
			if ((job->twice[i] & m) != m)
				return 0;
		}
		VEC_PUSH(job->kv, *k);
		return 0;
	}
out:
	return -1;
}

static void cg_objects(struct cg_job *job)
{
	const struct groups_index *ix = job->ix;
	const int32_t *mem = job->mem;

	job->err = CIB_ENOMEM;
	for (size_t o = job->o0; o < job->o1; o++) {
		uint64_t s = ix->obj_off[o], en = ix->obj_off[o + 1];
		int t = ix->obj_type[o];
		int64_t D = ix->obj_win[o];
		int64_t w = ix->tight[t] < D ? ix->tight[t] : D;
		int rare = ix->obj_d[o] <= GROUPS_RARE_ACTORS;
		int64_t W = rare ? D : w;
		float wr = (float)(1.0 / log2(1.0 + ix->obj_d[o]));
		double f = ix->obj_f[o];
		float ws = f > 0 ? (float)fmin(10.0, -log10(f)) : 10.0f;
		/* the chance partners an action of this object expects in
		 * sync: a lone coincidence counts only where it is rare */
		uint8_t alone = f * (double)(en - s - 1) <= GROUPS_LONE_PARTNERS;
		size_t np = 0;
		uint64_t budget = 8 * (en - s) + 2048;
		uint64_t after = s; /* first event later than event i */

		if (ix->obj_half[o] != 0)
			continue;
		for (uint64_t i = s; i < en && np < budget; i++) {
			uint64_t a = ix->ev_acc[i];
			uint64_t at = i + 1; /* first event at event j's time */

			if (after <= i)
				after = i + 1;
			while (after < en && ix->ev_time[after] == ix->ev_time[i])
				after++;
			if (mem[a] >= 0)
				continue;
			for (uint64_t j = i + 1; j < en && np < budget; j++) {
				uint64_t b = ix->ev_acc[j];
				int64_t dt = ix->ev_time[j] - ix->ev_time[i];
				struct kw k;

				if (dt > W)
					break;
				if (ix->ev_time[j] != ix->ev_time[j - 1])
					at = j;
				/* a popular object's pair with GROUPS_SYNC_NEAR
				 * or more actions strictly between its two times
				 * is not enumerated */
				if (!rare && dt > 0 && at - after >= GROUPS_SYNC_NEAR)
					break;
				if (b == a || mem[b] >= 0)
					continue;
				k.w = 0;
				if (rare && dt <= D)
					k.w += wr;
				if (dt <= w)
					k.w += ws;
				if (k.w <= 0)
					continue;
				k.key = a < b ? a << 32 | b : b << 32 | a;
				k.alone = alone;
				if (cg_record(job, &k))
					return;
				np++;
			}
		}
	}
	job->err = CIB_OK;
}

static void cg_share(void *ctx, unsigned t)
{
	cg_objects((struct cg_job *)ctx + t);
}

/* The merged filter of the workers' (CG_SEEN): a pair twice in one
 * worker's share, or once in two shares. Into jobs[0].twice. */
static void cg_merge_filters(struct cg_job *jobs)
{
	uint64_t nw = jobs[0].nw;

	for (int k = 1; k < MT_WORKERS; k++) {
		for (uint64_t i = 0; i < nw; i++) {
			jobs[0].twice[i] |= jobs[k].twice[i] |
					    (jobs[0].seen[i] & jobs[k].seen[i]);
			jobs[0].seen[i] |= jobs[k].seen[i];
		}
	}
}

/* The filters' size for n records counted, or the test knob
 * CIBSCAN_TEST_CG_WORDS's (tests/test_groups.c: a filter of one word
 * passes nearly every pair, and the graph must not change). */
static uint64_t cg_words(uint64_t n)
{
	const char *knob = getenv("CIBSCAN_TEST_CG_WORDS");
	uint64_t nw = n / (64 / CG_BITS_PER_REC) + 1;

	if (knob && atol(knob) > 0)
		nw = (uint64_t)atol(knob);
	return nw < CG_MAX_WORDS ? nw : CG_MAX_WORDS;
}

/* The three passes of the candidate graph (cg_pass): afterwards each
 * worker's kv holds the records it kept. */
static enum cib_err cg_passes(const struct groups_index *ix,
			      struct cg_job *jobs,
			      struct groups_cg_counts *counts)
{
	uint64_t n = 0, nw;
	enum cib_err err = CIB_OK;

	run_shares(ix, cg_share, jobs);
	for (int k = 0; k < MT_WORKERS; k++)
		n += jobs[k].n;
	nw = cg_words(n);
	for (int k = 0; k < MT_WORKERS; k++) {
		jobs[k].pass = CG_SEEN;
		jobs[k].nw = nw;
		jobs[k].seen = calloc(nw, sizeof(uint64_t));
		jobs[k].twice = calloc(nw, sizeof(uint64_t));
		if (!jobs[k].seen || !jobs[k].twice)
			err = CIB_ENOMEM;
	}
	if (!err) {
		run_shares(ix, cg_share, jobs);
		cg_merge_filters(jobs);
	}
	for (int k = 0; k < MT_WORKERS; k++) {
		free(jobs[k].seen);
		jobs[k].seen = NULL;
		jobs[k].pass = CG_KEEP;
		if (k > 0) {
			free(jobs[k].twice);
			jobs[k].twice = jobs[0].twice;
		}
	}
	if (!err)
		run_shares(ix, cg_share, jobs);
	free(jobs[0].twice);
	for (int k = 0; k < MT_WORKERS; k++)
		jobs[k].twice = NULL;
	if (counts) {
		counts->records = n;
		counts->held = 0;
		for (int k = 0; k < MT_WORKERS; k++)
			counts->held += jobs[k].kv.n;
	}
	return err;
}

enum cib_err groups_candidate_graph(const struct groups_index *ix,
				    const int32_t *mem,
				    struct cluster_wedge **out, size_t *n_out,
				    struct groups_cg_counts *counts)
{
	struct cg_job jobs[MT_WORKERS];
	struct kruns kr;
	char *lv[MT_WORKERS];
	size_t ln[MT_WORKERS], nk, ne = 0, cap = 0;
	struct cluster_wedge *e = NULL;
	enum cib_err err = CIB_OK;

	*out = NULL;
	*n_out = 0;
	memset(jobs, 0, sizeof(jobs));
	memset(&kr, 0, sizeof(kr));
	for (unsigned k = 0; k < MT_WORKERS; k++) {
		jobs[k].ix = ix;
		jobs[k].mem = mem;
		jobs[k].o0 = share_first_obj(ix, k);
		jobs[k].o1 = share_first_obj(ix, k + 1);
	}
	err = cg_passes(ix, jobs, counts);
	for (int k = 0; k < MT_WORKERS; k++) {
		if (jobs[k].err && !err)
			err = jobs[k].err;
		jobs[k].kv.v = shrink_list(jobs[k].kv.v, jobs[k].kv.n,
					   sizeof(*jobs[k].kv.v));
		lv[k] = (char *)jobs[k].kv.v;
		ln[k] = jobs[k].kv.n;
	}
	if (err)
		goto out;
	err = CIB_ENOMEM;
	/* a pair's co-actions in the workers' object order, as one stable
	 * sort of their concatenation gives them: w summed as it always was */
	if (kruns_init(&kr, lv, ln, MT_WORKERS, sizeof(struct kw), 0,
		       sort_kw_run))
		goto out;
	while ((nk = kruns_next(&kr)) != 0) {
		const struct kw *v = (const struct kw *)kr.buf;
		double w = 0;

		if (nk == SIZE_MAX)
			goto out;
		for (size_t j = 0; j < nk; j++)
			w += v[j].w;
		if (w < 1 || (nk == 1 && !v[0].alone))
			continue;
		if (ne == cap) {
			size_t nc = cap ? 2 * cap : 1024;
			struct cluster_wedge *nv = realloc(e, nc * sizeof(*e));

			if (!nv)
				goto out;
			e = nv;
			cap = nc;
		}
		e[ne].a = (uint32_t)(v[0].key >> 32);
		e[ne].b = (uint32_t)v[0].key;
		e[ne++].w = w > 50 ? 50 : w;
	}
	if (!e && !(e = malloc(sizeof(*e))))
		goto out;
	*out = shrink_list(e, ne, sizeof(*e));
	*n_out = ne;
	e = NULL;
	err = CIB_OK;
out:
	kruns_free(&kr);
	for (int k = 0; k < MT_WORKERS; k++)
		free(jobs[k].kv.v);
	free(e);
	return err;
}

/* Validates candidate groups cand[] (ids 0..nc-1, -1 none; consumed) on
 * the objects of `half` (-1: all): members pruned leave-one-out until
 * stable, then the group test, BH over the component's candidates. Passing
 * groups become clusters of cl; *found is increased by their number. */
struct peel {
	int32_t g;
	double lp;
};

static int cmp_peel(const void *x, const void *y)
{
	const struct peel *a = x, *b = y;

	if (a->g != b->g)
		return a->g < b->g ? -1 : 1;
	if (a->lp != b->lp)
		return a->lp < b->lp ? -1 : 1;
	return 0;
}

/* Each candidate group's peeling cut: the median log10 p (lpa, INFINITY
 * where no test could be made) of its failing members (not ok, not
 * pre_ok), so the weaker half of them, at least one, leaves this round;
 * INFINITY for a group with none failing. 0, or -1 out of memory. */
static int peel_cut(const double *lpa, const int32_t *cand,
		    const uint8_t *ok, const uint8_t *pre_ok, size_t na,
		    size_t nc, double *cut)
{
	struct peel *v = malloc((na + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -1;
	for (size_t c = 0; c < nc; c++)
		cut[c] = INFINITY;
	for (size_t a = 0; a < na; a++)
		if (cand[a] >= 0 && !ok[a] && !(pre_ok && pre_ok[a]))
			v[n++] = (struct peel){ cand[a], lpa[a] };
	qsort(v, n, sizeof(*v), cmp_peel);
	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n && v[e].g == v[i].g)
			e++;
		cut[v[i].g] = v[i + (e - i) / 2].lp;
		i = e;
	}
	free(v);
	return 0;
}

/* Discovery's pruning: every candidate member tested leave-one-out
 * against the rest of its group (BH at fdr over the component's candidate
 * members); the weaker half of the failing members of each group leaves
 * (peel_cut; pre_ok members stay), groups under min_size dissolve, until
 * nothing changes (at most GROUPS_PRUNE_ROUNDS). Why half: a member's
 * test depends on who else is in the group; in a candidate where a
 * network's members are few among accounts Leiden tied to them by chance
 * coincidences, every member fails at first, the network's as well;
 * removing the weakest first lets the network's members be tested
 * against each other. */
static enum cib_err prune_candidates(const struct groups_index *ix,
				     const struct coord_graph *g, int32_t *cand,
				     size_t nc, size_t min_size, double fdr,
				     int half, const uint8_t *pre_ok)
{
	size_t na = g->n_accounts, nmt = 0;
	uint32_t *gsize = calloc(nc + 1, sizeof(*gsize));
	double *fam = calloc(ix->n_comp + 1, sizeof(*fam));
	double *lpa = malloc((na + 1) * sizeof(*lpa));
	double *cut = malloc((nc + 1) * sizeof(*cut));
	uint8_t *pass = NULL, *ok = NULL;
	struct groups_member_test *mt = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (!gsize || !fam || !lpa || !cut)
		goto out;
	for (int round = 0; round < GROUPS_PRUNE_ROUNDS; round++) {
		size_t removed = 0, ns = 0;

		memset(fam, 0, (ix->n_comp + 1) * sizeof(*fam));
		memset(gsize, 0, (nc + 1) * sizeof(*gsize));
		for (size_t a = 0; a < na; a++) {
			if (cand[a] >= 0) {
				fam[ix->comp[a]] += 1;
				gsize[cand[a]]++;
			}
		}
		free(mt);
		mt = NULL;
		err = groups_member_tests_passable(ix, g, cand, nc, 1, half,
						   &mt, &nmt);
		if (err)
			goto out;
		err = CIB_ENOMEM;
		free(pass);
		free(ok);
		pass = malloc(nmt + 1);
		ok = calloc(na + 1, 1);
		if (!pass || !ok)
			goto out;
		for (size_t i = 0; i < nmt; i++)
			if (test_passes(&mt[i]))
				mt[ns++] = mt[i];
		qsort(mt, ns, sizeof(*mt), cmp_test_comp_p);
		bh_comp(mt, ns, fam, fdr, pass);
		for (size_t i = 0; i < ns; i++)
			if (pass[i])
				ok[mt[i].acc] = 1;
		for (size_t a = 0; a < na; a++)
			lpa[a] = INFINITY;
		for (size_t i = 0; i < ns; i++)
			lpa[mt[i].acc] = mt[i].log10p;
		if (peel_cut(lpa, cand, ok, pre_ok, na, nc, cut))
			goto out;
		for (size_t a = 0; a < na; a++) {
			if (cand[a] >= 0 && !ok[a] && !(pre_ok && pre_ok[a]) &&
			    lpa[a] >= cut[cand[a]]) {
				gsize[cand[a]]--;
				cand[a] = -1;
				removed++;
			}
		}
		/* a group below min_size is no group */
		for (size_t a = 0; a < na; a++) {
			if (cand[a] >= 0 && gsize[cand[a]] < min_size) {
				cand[a] = -1;
				removed++;
			}
		}
		if (!removed)
			break;
	}
	err = CIB_OK;
out:
	free(gsize);
	free(fam);
	free(lpa);
	free(cut);
	free(pass);
	free(ok);
	free(mt);
	return err;
}

/* The surviving candidates' group tests (gr, with pre_p the tests that
 * chose them, if any), BH at fdr over the component's candidate groups
 * (gfam): newid[c] = 0 for the groups that pass, -1 for the others. */
static enum cib_err pass_groups(const struct groups_index *ix,
				const int32_t *cand, size_t na, size_t nc,
				const uint32_t *gsize, size_t min_size,
				double fdr, const double *pre_p,
				const struct groups_result *gr,
				const double *gfam, int32_t *newid)
{
	uint32_t *gcomp = calloc(nc + 1, sizeof(*gcomp));
	struct groups_member_test *gt = malloc((nc + 1) * sizeof(*gt));
	uint8_t *pass = malloc(nc + 1);
	size_t ng = 0;
	enum cib_err err = CIB_ENOMEM;

	if (!gcomp || !gt || !pass)
		goto out;
	for (size_t a = 0; a < na; a++)
		if (cand[a] >= 0)
			gcomp[cand[a]] = ix->comp[a];
	for (size_t c = 0; c < nc; c++) {
		struct groups_member_test t;

		newid[c] = -1;
		if (gsize[c] < min_size)
			continue;
		memset(&t, 0, sizeof(t));
		t.group = (int32_t)c;
		t.log10p = gr->ev[c].log10p;
		if (pre_p && pre_p[c] + M_LOG10E * M_LN2 < t.log10p)
			t.log10p = fmin(0, pre_p[c] + M_LOG10E * M_LN2);
		else if (pre_p)
			t.log10p = fmin(0, t.log10p + M_LOG10E * M_LN2);
		t.comp = gcomp[c];
		if (!test_passes(&t))
			continue;
		gt[ng++] = t;
	}
	qsort(gt, ng, sizeof(*gt), cmp_test_comp_p);
	bh_comp(gt, ng, gfam, fdr, pass);
	for (size_t i = 0; i < ng; i++)
		if (pass[i])
			newid[gt[i].group] = 0;
	err = CIB_OK;
out:
	free(gcomp);
	free(gt);
	free(pass);
	return err;
}

static enum cib_err validate_candidates(const struct groups_index *ix,
					const struct coord_graph *g,
					int32_t *cand, size_t nc,
					size_t min_size, double fdr, int half,
					const uint8_t *pre_ok,
					const double *pre_p,
					struct cluster_result *cl,
					size_t *found)
{
	size_t na = g->n_accounts, nfound = 0;
	int32_t *newid = NULL;
	uint32_t *gsize = NULL;
	double *gfam = NULL;
	uint8_t *seen = NULL;
	struct groups_result gr;
	enum cib_err err = CIB_ENOMEM;

	memset(&gr, 0, sizeof(gr));
	gfam = calloc(ix->n_comp + 1, sizeof(*gfam));
	gsize = calloc(nc + 1, sizeof(*gsize));
	newid = malloc((nc + 1) * sizeof(*newid));
	seen = calloc(nc + 1, 1);
	if (!gfam || !gsize || !newid || !seen)
		goto out;
	/* the group family: the component's candidate groups */
	for (size_t a = 0; a < na; a++) {
		if (cand[a] >= 0 && !seen[cand[a]]) {
			seen[cand[a]] = 1;
			gfam[ix->comp[a]] += 1;
		}
	}
	err = prune_candidates(ix, g, cand, nc, min_size, fdr, half, pre_ok);
	if (err)
		goto out;
	for (size_t a = 0; a < na; a++)
		if (cand[a] >= 0)
			gsize[cand[a]]++;
	/* the survivors tested as groups, BH over the component's candidate
	 * groups */
	err = groups_evidence_build(ix, g, cand, nc, NULL, half, &gr);
	if (!err)
		err = pass_groups(ix, cand, na, nc, gsize, min_size, fdr, pre_p,
				  &gr, gfam, newid);
	if (err)
		goto out;
	err = CIB_ENOMEM;
	/* new clusters after the existing ones, in candidate order */
	for (size_t c = 0; c < nc; c++)
		if (newid[c] == 0)
			newid[c] = (int32_t)(cl->n_clusters + nfound++);
	if (nfound) {
		uint32_t *sz = realloc(cl->size, (cl->n_clusters + nfound + 1) *
							 sizeof(*sz));

		if (!sz)
			goto out;
		cl->size = sz;
		for (size_t c = cl->n_clusters; c < cl->n_clusters + nfound; c++)
			cl->size[c] = 0;
		for (size_t a = 0; a < na; a++) {
			if (cand[a] >= 0 && newid[cand[a]] >= 0) {
				cl->membership[a] = newid[cand[a]];
				cl->size[newid[cand[a]]]++;
			}
		}
		cl->n_clusters += nfound;
	}
	*found += nfound;
	err = CIB_OK;
out:
	groups_result_release(&gr);
	free(newid);
	free(gsize);
	free(gfam);
	free(seen);
	return err;
}

/* An account and a time, for counting distinct burst times. */
struct kt {
	uint32_t a;
	int64_t t;
};

static int cmp_kt(const void *x, const void *y)
{
	const struct kt *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->t < q->t ? -1 : p->t > q->t;
}

/* Per account, the bursts it is in, counted by distinct times of its
 * actions: one post with a link, its domain and a hashtag is in three
 * bursts at one time, and is one act. x[] zeroed by the caller. */
static int burst_acts(const struct groups_index *ix, uint32_t *x)
{
	size_t n = ix->dense_off ? ix->dense_off[ix->n_dense] : 0;
	struct kt *at = malloc((n + 1) * sizeof(*at));

	if (!at)
		return -1;
	for (size_t k = 0; k < n; k++) {
		at[k].a = ix->dense_acc[k];
		at[k].t = ix->dense_time[k];
	}
	qsort(at, n, sizeof(*at), cmp_kt);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || at[i].a != at[i - 1].a || at[i].t != at[i - 1].t)
			x[at[i].a]++;
	free(at);
	return 0;
}

/* Candidates from dense objects: the audiences of objects too dense to
 * enumerate (coord_build's dense objects), accounts in no cluster, joined
 * when they share a dense object (a union-find over the audiences), each
 * joined audience of at least min_size one candidate. ids in cand[] from
 * 0; *nc their number. */
static enum cib_err dense_candidates(const struct groups_index *ix,
				     const int32_t *mem, size_t na,
				     size_t min_size, int32_t *cand,
				     size_t *nc)
{
	uint32_t *up = malloc((na + 1) * sizeof(*up));
	uint32_t *cnt = calloc(na + 1, sizeof(*cnt));
	int32_t *id = malloc((na + 1) * sizeof(*id));
	enum cib_err err = CIB_ENOMEM;

	*nc = 0;
	if (!up || !cnt || !id)
		goto out;
	for (size_t a = 0; a < na; a++) {
		up[a] = (uint32_t)a;
		cand[a] = -1;
		id[a] = -1;
	}
	/* an account in one burst only (by distinct times) is no candidate:
	 * one burst is never evidence, and its other objects were open to
	 * discovery already */
	if (burst_acts(ix, cnt))
		goto out;
	for (size_t d = 0; d < ix->n_dense; d++) {
		uint32_t first = UINT32_MAX;

		for (uint64_t k = ix->dense_off[d]; k < ix->dense_off[d + 1];
		     k++) {
			uint32_t a = ix->dense_acc[k], r, s;

			if (mem[a] >= 0 || cnt[a] < 2)
				continue;
			if (first == UINT32_MAX) {
				first = a;
				continue;
			}
			r = first;
			while (up[r] != r)
				r = up[r] = up[up[r]];
			s = a;
			while (up[s] != s)
				s = up[s] = up[up[s]];
			if (r < s)
				up[s] = r;
			else if (s < r)
				up[r] = s;
		}
	}
	for (size_t a = 0; a < na; a++) {
		if (cnt[a] < 2)
			up[a] = UINT32_MAX; /* out */
		else
			cnt[a] = 0;
	}
	for (size_t a = 0; a < na; a++) {
		uint32_t r = (uint32_t)a;

		if (up[a] == UINT32_MAX)
			continue;
		while (up[r] != r)
			r = up[r];
		up[a] = r;
		cnt[r]++;
	}
	/* numbered by smallest account: the order is the accounts' own */
	for (size_t a = 0; a < na; a++) {
		uint32_t r = up[a];

		if (r == UINT32_MAX || cnt[r] < min_size || cnt[r] < 2 ||
		    mem[a] >= 0)
			continue;
		if (id[r] < 0)
			id[r] = (int32_t)(*nc)++;
		cand[a] = id[r];
	}
	err = CIB_OK;
out:
	free(up);
	free(cnt);
	free(id);
	return err;
}

/* A candidate's account keyed by (candidate, activity). */
struct ck {
	uint64_t key;
	uint32_t a;
};

#define KEY_CK(x) ((x).key)
DEFINE_RADIX(sort_ck, struct ck, KEY_CK)

/* dense_tests' lambda per candidate account: the sum over its
 * candidate's dense objects of 1 - (1 - k_a / M_comp)^d. An object's
 * candidate is that of its audience (one union-find class, unless none of
 * its accounts is a candidate). lambda depends on an account only through
 * (candidate, k): accounts sorted by both, one sum per distinct pair (so
 * the work is bursts x distinct activities, not bursts x accounts).
 * Returns -1 when out of memory. */
static int dense_lambda(const struct groups_index *ix, const int32_t *cand,
			size_t nc, size_t na, const double *ka, double *lam)
{
	double *dlist = NULL;
	size_t *dcnt = calloc(nc + 1, sizeof(*dcnt));
	size_t *doff2 = calloc(nc + 2, sizeof(*doff2));
	struct ck *ord = malloc((na + 1) * sizeof(*ord));
	size_t nd = 0, no = 0;
	int rc = -1;

	if (!dcnt || !doff2 || !ord)
		goto out;
	for (size_t d = 0; d < ix->n_dense; d++) {
		int32_t c = -1;

		for (uint64_t k = ix->dense_off[d]; k < ix->dense_off[d + 1] && c < 0;
		     k++)
			c = cand[ix->dense_acc[k]];
		if (c >= 0) {
			dcnt[c]++;
			nd++;
		}
	}
	for (size_t c = 0; c < nc; c++)
		doff2[c + 1] = doff2[c] + dcnt[c];
	dlist = malloc((nd + 1) * sizeof(*dlist));
	if (!dlist)
		goto out;
	memset(dcnt, 0, (nc + 1) * sizeof(*dcnt));
	for (size_t d = 0; d < ix->n_dense; d++) {
		int32_t c = -1;

		for (uint64_t k = ix->dense_off[d]; k < ix->dense_off[d + 1] && c < 0;
		     k++)
			c = cand[ix->dense_acc[k]];
		if (c >= 0)
			dlist[doff2[c] + dcnt[c]++] =
				(double)(ix->dense_off[d + 1] - ix->dense_off[d]);
	}
	for (size_t a = 0; a < na; a++) {
		if (cand[a] < 0)
			continue;
		ord[no].key = (uint64_t)cand[a] << 32 |
			      (uint64_t)(ka[a] > 4e9 ? 4e9 : ka[a]);
		ord[no++].a = (uint32_t)a;
	}
	if (sort_ck(ord, no))
		goto out;
	for (size_t i = 0; i < no;) {
		size_t j = i;
		uint32_t a = ord[i].a;
		int32_t c = cand[a];
		double M = 0, l = 0;

		for (int ty = 0; ty < COORD__COUNT; ty++)
			if (ty != COORD_AMPLIFY)
				M += ix->M[(size_t)ix->comp[a] * COORD__COUNT + ty];
		for (size_t q = doff2[c]; q < doff2[c + 1]; q++)
			l += M > 0 ? -expm1(dlist[q] *
					    log1p(-fmin(ka[a] / M, 1 - 1e-12)))
				   : 1;
		for (; j < no && ord[j].key == ord[i].key; j++)
			lam[ord[j].a] = l;
		i = j;
	}
	rc = 0;
out:
	free(ord);
	free(dlist);
	free(dcnt);
	free(doff2);
	return rc;
}

/* The dense objects' own test, for the candidates of dense_candidates:
 * an account of a candidate was in the audiences of X of the candidate's
 * dense objects; under the configuration null it is in the audience of an
 * object of d accounts with probability 1 - (1 - k_a / M_comp)^d (each of
 * the d actions an account in proportion to its activity), so
 * lambda = the sum over the candidate's dense objects, p the Poisson tail
 * (conservative for X >= lambda + 1, as in groups_member_tests). BH over
 * the component's candidate accounts gives *pre_ok (per account); the
 * group's test pools its accounts (sum of X against sum of lambda) into
 * *pre_p (per candidate, log10). Guards as everywhere: X >= 2 objects,
 * X >= GROUPS_MIN_RATIO lambda and lambda + 1. One dense burst is never
 * evidence; the same accounts in the bursts of several is. */
static enum cib_err dense_tests(const struct groups_index *ix,
				const struct coord_graph *g,
				const int32_t *cand, size_t nc, double fdr,
				uint8_t **pre_ok, double **pre_p)
{
	size_t na = g->n_accounts, nt = 0;
	double *lam = calloc(na + 1, sizeof(*lam)), *fam = NULL;
	uint32_t *x = calloc(na + 1, sizeof(*x));
	double *gx = calloc(nc + 1, sizeof(*gx)), *gl = calloc(nc + 1, sizeof(*gl));
	double *ka = malloc((na + 1) * sizeof(*ka));
	struct groups_member_test *t = NULL;
	uint8_t *pass = NULL;
	enum cib_err err = CIB_ENOMEM;

	*pre_ok = calloc(na + 1, 1);
	*pre_p = calloc(nc + 1, sizeof(**pre_p));
	fam = calloc(ix->n_comp + 1, sizeof(*fam));
	if (!lam || !x || !gx || !gl || !ka || !*pre_ok || !*pre_p || !fam)
		goto out;
	for (size_t a = 0; a < na; a++) {
		ka[a] = 0;
		for (int ty = 0; ty < COORD__COUNT; ty++)
			if (ty != COORD_AMPLIFY && g->k[ty])
				ka[a] += g->k[ty][a];
	}
	/* X per account: the bursts it is in, by distinct times */
	if (burst_acts(ix, x))
		goto out;
	/* lambda per account: over its candidate's dense objects */
	if (dense_lambda(ix, cand, nc, na, ka, lam))
		goto out;
	t = malloc((na + 1) * sizeof(*t));
	pass = malloc(na + 1);
	if (!t || !pass)
		goto out;
	for (size_t a = 0; a < na; a++) {
		double xa = x[a];

		if (cand[a] < 0)
			continue;
		fam[ix->comp[a]] += 1;
		gx[cand[a]] += xa;
		gl[cand[a]] += lam[a];
		if (x[a] < 2 || xa < GROUPS_MIN_RATIO * lam[a] || xa < lam[a] + 1)
			continue;
		memset(&t[nt], 0, sizeof(t[nt]));
		t[nt].acc = (uint32_t)a;
		t[nt].group = cand[a];
		t[nt].comp = ix->comp[a];
		t[nt].log10p = lam[a] > 0 ? coord_log10_poisson_tail(x[a], lam[a])
					  : -400;
		nt++;
	}
	qsort(t, nt, sizeof(*t), cmp_test_comp_p);
	bh_comp(t, nt, fam, fdr, pass);
	for (size_t i = 0; i < nt; i++)
		if (pass[i])
			(*pre_ok)[t[i].acc] = 1;
	for (size_t c = 0; c < nc; c++) {
		uint32_t X = gx[c] > 4e9 ? 4000000000u : (uint32_t)gx[c];

		(*pre_p)[c] = X >= 2 && gx[c] >= GROUPS_MIN_RATIO * gl[c] &&
				      gx[c] >= gl[c] + 1
			      ? (gl[c] > 0 ? coord_log10_poisson_tail(X, gl[c])
					   : -400)
			      : 0;
	}
	err = CIB_OK;
out:
	free(lam);
	free(x);
	free(gx);
	free(gl);
	free(ka);
	free(fam);
	free(t);
	free(pass);
	return err;
}

enum cib_err groups_discover(const struct groups_index *ix,
			     const struct coord_graph *g, uint64_t seed,
			     size_t min_size, double fdr,
			     struct cluster_result *cl, size_t *n_found,
			     char *errmsg, size_t errlen)
{
	size_t na = g->n_accounts, ne = 0, nc = 0, found = 0;
	struct cluster_wedge *e = NULL;
	int32_t *cand = NULL;
	uint8_t *pre_ok = NULL;
	double *pre_p = NULL;
	enum cib_err err = CIB_ENOMEM;

	*n_found = 0;
	cand = malloc((na + 1) * sizeof(*cand));
	if (!cand)
		goto out;
	err = groups_candidate_graph(ix, cl->membership, &e, &ne, NULL);
	if (!err)
		err = cluster_leiden(na, e, ne, seed, min_size, cand, &nc, NULL,
				     errmsg, errlen);
	if (!err && nc)
		err = validate_candidates(ix, g, cand, nc, min_size, fdr, 1,
					  NULL, NULL, cl, &found);
	/* a dense object's audience, tested on the other objects (the dense
	 * object chose it and is in none of the tests: one object, however
	 * dense, is not coordination) */
	if (!err && ix->n_dense)
		err = dense_candidates(ix, cl->membership, na, min_size, cand,
				       &nc);
	if (!err && ix->n_dense && nc)
		err = dense_tests(ix, g, cand, nc, fdr, &pre_ok, &pre_p);
	if (!err && ix->n_dense && nc)
		err = validate_candidates(ix, g, cand, nc, min_size, fdr,
					  GROUPS_NO_BURSTS, pre_ok, pre_p, cl,
					  &found);
	*n_found = found;
out:
	free(e);
	free(cand);
	free(pre_ok);
	free(pre_p);
	return err;
}
