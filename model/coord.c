/* coord.c - co-action counting by sort-and-scan, and the null conditioned
 * on each account-object component (docs/model.md 1-4).
 *
 * Invariants: after coord_build, every list in ev[] of a used type is
 * sorted by (obj, time, acc); edges[] holds only pairs that passed
 * Benjamini-Hochberg within their component, sorted by (a, b) with a < b;
 * both accounts of every pair and edge are in one component. Work per
 * object is bounded by its pair budget (pairs_per_event * events +
 * pairs_base), and objects with more than max_actors accounts are never
 * enumerated. Every statistic a pair's test uses is a whole-number sum over
 * its own component, so unrelated data in the run cannot change it. The
 * build runs on two threads, and nothing it returns depends on how their
 * jobs interleaved: the same events give the same graph, bit for bit.
 */
#include "coord.h"

#include "core/bigmem.h"
#include "core/sortu64.h"
#include "core/unionfind.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
#define COORD_NAME(e, name, desc) name,
	COORD_TYPE_MAP(COORD_NAME)
#undef COORD_NAME
};

static const char *const type_descs[] = {
#define COORD_DESC(e, name, desc) desc,
	COORD_TYPE_MAP(COORD_DESC)
#undef COORD_DESC
};

const char *coord_type_name(enum coord_type t)
{
	return (unsigned)t < COORD__COUNT ? type_names[t] : "unknown";
}

const char *coord_type_description(enum coord_type t)
{
	return (unsigned)t < COORD__COUNT ? type_descs[t] : "";
}

void coord_events_init(struct coord_events *e)
{
	memset(e, 0, sizeof(*e));
}

void coord_events_release(struct coord_events *e)
{
	if (!e)
		return;
	free(e->obj);
	free(e->time);
	free(e->acc);
	free(e->post);
	free(e->minutes);
	memset(e, 0, sizeof(*e));
}

/* Column *p of cap entries of size bytes, cut to n: realloc, or as it was
 * when that fails (a shrink that fails loses nothing). */
static void shrink_column(void **p, size_t n, size_t size)
{
	void *q = bigmem_realloc(*p, (n ? n : 1) * size);

	if (q)
		*p = q;
}

/* Column *p grown to n entries of size bytes; 0, or -1 (and *p as it
 * was) without the memory. */
static int grow_column(void **p, size_t n, size_t size)
{
	void *q = bigmem_realloc(*p, n * size);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

void coord_events_of_posts(struct coord_events *e, const uint32_t *acc,
			   const int64_t *time)
{
	assert(e->n == 0 && !e->acc && !e->time);
	e->post_acc = acc;
	e->post_time = time;
}

void coord_events_shrink(struct coord_events *e)
{
	if (!e->obj || e->n == e->cap)
		return;
	shrink_column((void **)&e->obj, e->n, sizeof(*e->obj));
	if (!e->post_acc) {
		shrink_column((void **)&e->time, e->n, sizeof(*e->time));
		shrink_column((void **)&e->acc, e->n, sizeof(*e->acc));
	}
	shrink_column((void **)&e->post, e->n, sizeof(*e->post));
	shrink_column((void **)&e->minutes, e->n, sizeof(*e->minutes));
	e->cap = e->n ? e->n : 1;
}

enum cib_err coord_events_add(struct coord_events *e, uint64_t obj,
			      int64_t time, uint32_t acc, int minutes)
{
	return coord_events_add_post(e, obj, time, acc, minutes, COORD_NO_POST,
				     0);
}

enum cib_err coord_events_add_post(struct coord_events *e, uint64_t obj,
				   int64_t time, uint32_t acc, int minutes,
				   uint32_t post, int multi)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 4096;

		/* kept as their posts: no account or time column */
		if (grow_column((void **)&e->obj, nc, sizeof(*e->obj)) ||
		    (!e->post_acc &&
		     (grow_column((void **)&e->time, nc, sizeof(*e->time)) ||
		      grow_column((void **)&e->acc, nc, sizeof(*e->acc)))) ||
		    grow_column((void **)&e->post, nc, sizeof(*e->post)) ||
		    grow_column((void **)&e->minutes, nc, sizeof(*e->minutes)))
			return CIB_ENOMEM;
		e->cap = nc;
	}
	e->obj[e->n] = obj;
	if (e->post_acc) {
		/* the post's, which the list reads in their place */
		assert(post != COORD_NO_POST && e->post_acc[post] == acc &&
		       e->post_time[post] == time);
	} else {
		e->time[e->n] = time;
		e->acc[e->n] = acc;
	}
	e->post[e->n] = post;
	e->minutes[e->n] = (uint8_t)((minutes != 0 ? COORD_EV_MINUTES : 0) |
				     (multi && post != COORD_NO_POST
					      ? COORD_EV_MULTI
					      : 0));
	e->n++;
	return CIB_OK;
}

void coord_opts_init(struct coord_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int t = 0; t < COORD__COUNT; t++) {
		o->window[t] = 0; /* estimate */
		o->window_min[t] = 60;
		o->window_max[t] = 3600;
		o->use_type[t] = 1;
	}
	o->fdr = 0.01;
	o->max_actors = 1000;
	/* one coincidence is never evidence: co-actions crowd onto popular
	 * objects (overdispersion the Poisson null does not model), which makes
	 * a single one look rarer than it is */
	o->min_coactions = 2;
	/* linear in events; every pair of an object with up to 72 actions */
	o->pairs_per_event = 8;
	o->pairs_base = 2048;
	o->max_memory = 0;
}

/* An event as sort_events moves it: 24 bytes, its flags (COORD_EV_*: two
 * bits) packed below the time's offset from the type's earliest
 * (tm = (time - tmin) << EV_FLAG_BITS | flags), since a padded row of the
 * five fields took 32. */
#define EV_FLAG_BITS 2
_Static_assert((COORD_EV_MINUTES | COORD_EV_MULTI) < (1u << EV_FLAG_BITS),
	       "the events' flags fit below the time");

struct ev {
	uint64_t obj;
	uint64_t tm;
	uint32_t acc;
	uint32_t post;
};

_Static_assert(sizeof(struct ev) == 24, "an event row is 24 bytes");

/* Field f of an event as an unsigned offset from base: 0 acc, 1 time
 * (its offset, base unused), 2 obj. Offsets keep the order of the
 * values; the flags are not part of the time's. */
static uint64_t ev_field(const struct ev *e, int f, uint64_t base)
{
	return f == 0 ? e->acc : f == 1 ? e->tm >> EV_FLAG_BITS : e->obj - base;
}

/* Frees e's columns, keeping its count (sort_events refills them). */
static void events_drop_columns(struct coord_events *e)
{
	size_t n = e->n;

	coord_events_release(e);
	e->n = n;
}

/* e's columns at exactly e->n entries, from the events v[0..n) (times
 * offset from tmin); with post_acc set, e is kept as its posts again
 * (no account or time column). */
static enum cib_err events_from_rows(struct coord_events *e,
				     const struct ev *v, uint64_t tmin,
				     const uint32_t *post_acc,
				     const int64_t *post_time)
{
	size_t n = e->n;

	e->obj = bigmem_malloc(n * sizeof(*e->obj));
	if (!post_acc) {
		e->time = bigmem_malloc(n * sizeof(*e->time));
		e->acc = bigmem_malloc(n * sizeof(*e->acc));
	}
	e->post = bigmem_malloc(n * sizeof(*e->post));
	e->minutes = bigmem_malloc(n * sizeof(*e->minutes));
	if (!e->obj || (!post_acc && (!e->time || !e->acc)) || !e->post ||
	    !e->minutes)
		return CIB_ENOMEM;
	e->cap = n;
	e->post_acc = post_acc;
	e->post_time = post_time;
	for (size_t i = 0; i < n; i++) {
		e->obj[i] = v[i].obj;
		if (!post_acc) {
			e->time[i] = (int64_t)((v[i].tm >> EV_FLAG_BITS) +
					       tmin);
			e->acc[i] = v[i].acc;
		}
		e->post[i] = v[i].post;
		e->minutes[i] =
			(uint8_t)(v[i].tm & ((1u << EV_FLAG_BITS) - 1));
	}
	return CIB_OK;
}

/* A list that keeps only its events' posts (coord_events_of_posts) with
 * its accounts and times as columns, as the sort leaves every list. */
static enum cib_err events_expand(struct coord_events *e)
{
	size_t n = e->n;

	if (!e->post_acc)
		return CIB_OK;
	/* at the other columns' capacity: an event added after still fits */
	e->acc = bigmem_malloc((e->cap + 1) * sizeof(*e->acc));
	e->time = bigmem_malloc((e->cap + 1) * sizeof(*e->time));
	if (!e->acc || !e->time)
		return CIB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		e->acc[i] = e->post_acc[e->post[i]];
		e->time[i] = e->post_time[e->post[i]];
	}
	e->post_acc = NULL;
	e->post_time = NULL;
	return CIB_OK;
}

/* Sorts e by (obj, time, acc): LSD radix passes of 11 bits over the bits
 * each field's range spans, least significant field first; every pass is
 * stable, so equal events keep their order (as qsort's merge sort did).
 * Passes whose digit is the same for every event are skipped. The events
 * are sorted as rows: the columns are freed once copied and made again at
 * their exact size after (a type's sort holds two copies of its events,
 * 24 bytes each (struct ev), not three: at 10M posts 0.3 GB less at the
 * graph stage's peak). Out of memory, e is left empty (n = 0); times
 * spanning 2^62 s or more (no input's) are CIB_EUSAGE, e untouched.
 * With as_posts a list kept as its posts stays so. */
static enum cib_err sort_events(struct coord_events *e, int as_posts)
{
	struct ev *v, *buf, *a, *b;
	size_t n = e->n;
	uint64_t base[3] = { 0, 0, 0 }, span[3] = { 0, 0, 0 };
	size_t count[1u << 11];
	const uint32_t *keep_acc = as_posts ? e->post_acc : NULL;
	const int64_t *keep_time = as_posts ? e->post_time : NULL;
	enum cib_err err;

	if (n < 2)
		return keep_acc ? CIB_OK : events_expand(e);
	{
		uint32_t amax = 0;
		int64_t tmin = INT64_MAX, tmax = INT64_MIN;
		uint64_t omin = UINT64_MAX, omax = 0;

		for (size_t i = 0; i < n; i++) {
			uint32_t ac = coord_ev_acc(e, i);
			int64_t tm = coord_ev_time(e, i);

			amax = ac > amax ? ac : amax;
			tmin = tm < tmin ? tm : tmin;
			tmax = tm > tmax ? tm : tmax;
			omin = e->obj[i] < omin ? e->obj[i] : omin;
			omax = e->obj[i] > omax ? e->obj[i] : omax;
		}
		span[0] = amax;
		base[1] = (uint64_t)tmin;
		span[1] = (uint64_t)tmax - (uint64_t)tmin;
		base[2] = omin;
		span[2] = omax - omin;
	}
	/* the offset and the flags in 64 bits: every time an input gives is
	 * within 1900-2200 (core/civil.h) and a delay is a difference of
	 * two, so only a caller's error spans 2^62 s */
	if (span[1] >> (64 - EV_FLAG_BITS))
		return CIB_EUSAGE;
	v = bigmem_malloc(n * sizeof(*v));
	if (!v)
		return CIB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		assert(e->minutes[i] < 1u << EV_FLAG_BITS);
		v[i].obj = e->obj[i];
		v[i].tm = ((uint64_t)coord_ev_time(e, i) - base[1])
				  << EV_FLAG_BITS |
			  e->minutes[i];
		v[i].acc = coord_ev_acc(e, i);
		v[i].post = e->post[i];
	}
	events_drop_columns(e);
	buf = bigmem_malloc(n * sizeof(*buf));
	if (!buf) {
		free(v);
		e->n = 0;
		return CIB_ENOMEM;
	}
	a = v;
	b = buf;
	for (int f = 0; f < 3; f++) {
		for (unsigned lo = 0; lo < 64 && (span[f] >> lo) != 0;
		     lo += 11) {
			size_t sum = 0;
			int skip = 0;

			memset(count, 0, sizeof(count));
			for (size_t i = 0; i < n; i++)
				count[(ev_field(&a[i], f, base[f]) >> lo) &
				      0x7ff]++;
			for (size_t d = 0; d < (1u << 11); d++) {
				size_t c = count[d];

				if (c == n)
					skip = 1;
				count[d] = sum;
				sum += c;
			}
			if (skip)
				continue;
			for (size_t i = 0; i < n; i++)
				b[count[(ev_field(&a[i], f, base[f]) >> lo) &
				        0x7ff]++] = a[i];
			{
				struct ev *t = a;

				a = b;
				b = t;
			}
		}
	}
	free(b);
	err = events_from_rows(e, a, base[1], keep_acc, keep_time);
	free(a);
	if (err) {
		events_drop_columns(e);
		e->n = 0;
	}
	return err;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The k-th smallest of d[0..n), k < n; d is reordered. Quickselect with
 * a median-of-three pivot; a range that keeps failing to shrink is sorted
 * instead, so never worse than n log n. */
static int64_t select_i64(int64_t *d, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
	int budget = 64;

	while (hi > lo) {
		ptrdiff_t i = lo, j = hi, mid = lo + (hi - lo) / 2;
		int64_t a = d[lo], b = d[mid], c = d[hi], p;

		if (budget-- == 0) {
			qsort(d + lo, (size_t)(hi - lo + 1), sizeof(*d),
			      cmp_i64);
			break;
		}
		p = a < b ? (b < c ? b : a < c ? c : a)
			  : (a < c ? a : b < c ? c : b);
		while (i <= j) {
			while (d[i] < p)
				i++;
			while (d[j] > p)
				j--;
			if (i <= j) {
				int64_t t = d[i];

				d[i++] = d[j];
				d[j--] = t;
			}
		}
		/* d[lo..j] <= p <= d[i..hi], and d(j..i) == p */
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			break;
	}
	return d[k];
}

int64_t coord_estimate_window(const struct coord_events *ev, int64_t lo,
			      int64_t hi)
{
	int64_t *d = malloc((ev->n + 1) * sizeof(*d));
	size_t nd = 0, i = 0;
	int64_t w;

	if (!d)
		return hi;
	while (i < ev->n) {
		size_t e = i;

		while (e < ev->n && ev->obj[e] == ev->obj[i])
			e++;
		/* first action by a second account */
		for (size_t j = i + 1; j < e; j++) {
			if (coord_ev_acc(ev, j) != coord_ev_acc(ev, i)) {
				d[nd++] = coord_ev_time(ev, j) -
					  coord_ev_time(ev, i);
				break;
			}
		}
		i = e;
	}
	if (nd == 0) {
		free(d);
		return hi;
	}
	w = select_i64(d, nd, nd / 2);
	free(d);
	if (w < lo)
		w = lo;
	if (w > hi)
		w = hi;
	return w;
}

double coord_log10_poisson_tail(uint32_t x, double lambda)
{
	double q, lp;

	if (x == 0)
		return 0.0;
	if (!(lambda > 0))
		return -400.0;
	q = gsl_cdf_poisson_Q(x - 1, lambda);
	if (q > 1e-280)
		return log10(q);
	/* far tail: pmf(x) times the geometric bound of the remaining sum,
	 * sum_{j>=x} pmf(j) <= pmf(x) / (1 - lambda/(x+1)) for lambda < x+1 */
	lp = x * log(lambda) - lambda - gsl_sf_lngamma(x + 1.0);
	if (lambda < x + 1.0)
		lp -= log1p(-lambda / (x + 1.0));
	lp /= log(10.0);
	return lp < -400.0 ? -400.0 : lp;
}


uint64_t coord_level_rank(int j)
{
	return j >= COORD_LEVELS - 1 ? UINT64_MAX : (uint64_t)1 << (2 * j);
}

int coord_rank_level(uint64_t rank)
{
	for (int j = 0; j < COORD_LEVELS - 1; j++)
		if (rank <= coord_level_rank(j))
			return j;
	return COORD_LEVELS - 1;
}

/* Median repost delay of one component's quick-repost candidates,
 * clamped: its amplification window. d is reordered. */
static int64_t clamp_median(int64_t *d, size_t n, int64_t lo, int64_t hi)
{
	int64_t w;

	if (n == 0)
		return hi;
	w = select_i64(d, n, n / 2);
	return w < lo ? lo : w > hi ? hi : w;
}

static int cmp_edge_cp(const void *a, const void *b, void *ctx)
{
	const struct coord_edge *x = a, *y = b;
	const uint32_t *comp = ctx;

	if (comp[x->a] != comp[y->a])
		return comp[x->a] < comp[y->a] ? -1 : 1;
	if (x->log10p != y->log10p)
		return x->log10p < y->log10p ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

static int cmp_edge_ab(const void *a, const void *b)
{
	const struct coord_edge *x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

void coord_graph_release(struct coord_graph *g)
{
	if (!g)
		return;
	free(g->edges);
	free(g->pairs);
	free(g->s_amp);
	free(g->comp);
	free(g->comps);
	free(g->dense);
	for (int t = 0; t < COORD__COUNT; t++)
		free(g->k[t]);
	memset(g, 0, sizeof(*g));
}

/* Pools the per-type counts into one test. Same URL implies same domain,
 * and a reply to the same post is a reply to the same account, so the
 * coarse types count only what they add beyond the fine ones:
 * x = sum of fine + max(0, x_coarse - x_fine), likewise lambda. */
static const int pool_fine[2] = { COORD_LINK, COORD_REPLY_POST };
static const int pool_coarse[2] = { COORD_DOMAIN, COORD_REPLY_ACCOUNT };

static uint32_t pooled_x(const uint32_t *x)
{
	uint32_t tx = 0;

	for (int t = 0; t < COORD__COUNT; t++)
		if (t != COORD_DOMAIN && t != COORD_REPLY_ACCOUNT)
			tx += x[t];
	for (int h = 0; h < 2; h++)
		if (x[pool_coarse[h]] > x[pool_fine[h]])
			tx += x[pool_coarse[h]] - x[pool_fine[h]];
	return tx;
}

static double pooled_lambda(const double *lam)
{
	double tl = 0;

	for (int t = 0; t < COORD__COUNT; t++)
		if (t != COORD_DOMAIN && t != COORD_REPLY_ACCOUNT)
			tl += lam[t];
	for (int h = 0; h < 2; h++)
		if (lam[pool_coarse[h]] > lam[pool_fine[h]])
			tl += lam[pool_coarse[h]] - lam[pool_fine[h]];
	return tl;
}

uint32_t coord_pooled_count(const uint32_t *x)
{
	return pooled_x(x);
}

double coord_lambda_sets(const struct coord_graph *g, uint32_t comp,
			 const double *Ka, double Sa, const double *Kb,
			 double Sb)
{
	double lam[COORD__COUNT];
	const struct coord_comp *c;
	const int top = COORD_PAIR_LEVEL;

	if (comp >= g->n_comps)
		return 0.0;
	c = &g->comps[comp];
	for (int t = 0; t < COORD__COUNT; t++)
		lam[t] = Ka[t] * Kb[t] * c->rate[t][top];
	lam[COORD_AMPLIFY] = (Ka[COORD_AMPLIFY] * Sb + Kb[COORD_AMPLIFY] * Sa) *
			     c->rate[COORD_AMPLIFY][top];
	return pooled_lambda(lam);
}

double coord_lambda_with(const struct coord_graph *g, uint32_t a,
			 const double *K, double S)
{
	double ka[COORD__COUNT];

	if (a >= g->n_accounts || g->comp[a] == COORD_NO_COMP)
		return 0.0;
	for (int t = 0; t < COORD__COUNT; t++)
		ka[t] = (double)g->k[t][a];
	return coord_lambda_sets(g, g->comp[a], ka, (double)g->s_amp[a], K,
				 S);
}

/* ---- the build ----
 *
 * Phases: (1) sort each type's events (jobs); the components of the
 * account-object graph and each component's amplification window (one
 * thread, union-find, linear); (2) scan runs of whole objects (jobs):
 * each object's window, its pairs ranked by delay, one code per matched
 * co-action, code = ((a << bits | b) << 3 | type) << 3 | level; (3) spread
 * the codes into buckets by their top bits; (4) sort each bucket and count
 * its distinct pairs; (5) test each pair; then Benjamini-Hochberg within
 * each component. With coord_opts.shard, phase (2) for every type but
 * amplification runs elsewhere (coord_scan_part on parts of the objects,
 * the same scan_chunk jobs) and its parts are added in before phase (3),
 * as one more worker's output. A job's result never depends on which
 * worker ran it or when: the components' sums are sums of whole numbers
 * (exact in any order), codes are sorted by their whole value before anything reads
 * their order, and buckets hand on their pairs and candidate edges in
 * bucket order, so the graph is the same for every schedule. */

#define COORD_WORKERS 2
#define TYPE_BITS 3
#define LEVEL_BITS 3
#define TL_BITS (TYPE_BITS + LEVEL_BITS)
#define CHUNK_EVENTS ((size_t)1 << 15) /* events per scan job, at least */
#define BLOCK_LEN ((size_t)1 << 20)    /* codes per output block */
#define BUCKET_BITS_MAX 11
#define BUCKET_TARGET ((size_t)1 << 14) /* codes per bucket: fits L2 */

_Static_assert(COORD__COUNT <= 1 << TYPE_BITS, "type must fit TYPE_BITS");
_Static_assert(COORD_LEVELS <= 1 << LEVEL_BITS, "level must fit LEVEL_BITS");

/* Pair codes as a list of fixed blocks: grows without copying. */
struct codes {
	uint64_t **blk;
	size_t n_blk, cap_blk, fill; /* fill: codes in the last block */
};

static void codes_release(struct codes *c)
{
	for (size_t i = 0; i < c->n_blk; i++)
		free(c->blk[i]);
	free(c->blk);
	memset(c, 0, sizeof(*c));
}

struct edgevec {
	struct coord_edge *v;
	size_t n, cap;
};

static int edgevec_push(struct edgevec *p, const struct coord_edge *e)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct coord_edge *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = *e;
	return 0;
}

/* One enumerated pair of actions on an object: delay, the two events
 * (offsets in the object), their upper rank by delay, the account pair. */
struct opair {
	int64_t d;
	uint64_t key;
	uint32_t l, j, rank;
};

/* A co-action between two posts that each gave several events of the
 * type: kept aside so that the pair of posts counts once. */
struct side {
	uint64_t code;
	uint32_t pa, pb;
};

struct i64vec {
	int64_t *v;
	size_t n, cap;
};

static int i64_push(struct i64vec *p, int64_t x)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 1024;
		int64_t *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = x;
	return 0;
}

struct build;

struct worker {
	struct build *bd;
	int own_k;
	uint32_t *k[COORD__COUNT]; /* worker 0: the graph's own; others
				      (own_k): their own, added in after */
	struct coord_type_stats st[COORD__COUNT]; /* this worker's share */
	uint32_t *seen; /* per account: stamp of the last look at it */
	uint32_t *cnt;  /* per account: its events on the current object */
	uint32_t *loc;  /* per account: its index among the object's */
	uint64_t *mk, *mk_tmp; /* matching keys (local pair, delay order) */
	size_t cap_mk;
	uint32_t nd;    /* the current object's distinct accounts */
	uint32_t stamp;
	uint32_t *accs; /* one object's distinct accounts */
	int64_t *te;    /* one object's event times (minute-floored) */
	uint32_t *mark; /* per event of the object: matched in group mark */
	uint32_t gmark;
	size_t cap;
	struct opair *pp;
	size_t cap_pp;
	uint64_t *rk, *rk_tmp; /* rank sort keys (delay, pair) and buffer */
	int rk_plain;          /* pp[] itself sorted by delay instead */
	struct side *side;
	size_t n_side, cap_side;
	struct coord_dense *dense;
	size_t n_dense, cap_dense;
	struct i64vec wins[COORD__COUNT];
	struct codes out;
	uint64_t *scratch; /* bucket sort buffer */
	size_t cap_scratch;
	enum cib_err err;
};

struct scan_chunk {
	int t;
	size_t lo, hi; /* events [lo, hi) of type t: whole objects */
};

enum build_phase {
	PH_SORT,
	PH_SCAN,
	PH_HIST,
	PH_SPREAD,
	PH_BUCKETS,
	PH_TESTS
};

struct build {
	struct coord_events *ev;
	const struct coord_opts *o;
	struct coord_graph *g;
	size_t n_accounts;
	enum build_phase phase;
	atomic_size_t next;
	atomic_int failed;
	atomic_size_t n_blocks; /* code blocks allocated, for max_memory */
	size_t max_blocks;      /* 0: no limit */
	size_t n_jobs;
	int types[COORD__COUNT]; /* PH_SORT: used types, most events first */
	struct scan_chunk *chunks;
	/* code layout */
	unsigned bits, shift;
	size_t n_buckets;
	/* PH_HIST, PH_SPREAD: every worker's code blocks, in worker order,
	 * owned here from the end of the scan (each freed once spread) */
	uint64_t **blk;
	size_t *blk_len, n_blk;
	size_t *hist;        /* [block][bucket]: counts, then positions */
	uint64_t *all;
	size_t *bstart;      /* n_buckets + 1 */
	/* PH_BUCKETS, PH_TESTS */
	size_t *poff;        /* per bucket: distinct pairs, then their offset */
	uint32_t *kk;        /* per account: k[0..COORD__COUNT) and s_amp */
	double lnfact[256];  /* ln x! */
	double *bound;       /* per component: log10 of the best BH cutoff */
	struct edgevec *cand; /* per bucket */
	int no_amp;           /* coord_scan_part: COORD_AMPLIFY not scanned */
	struct worker w[COORD_WORKERS];
};

static int codes_push(struct build *bd, struct codes *c, uint64_t x)
{
	if (c->n_blk == 0 || c->fill == BLOCK_LEN) {
		uint64_t *b;

		if (bd->max_blocks &&
		    atomic_fetch_add(&bd->n_blocks, 1) + 1 > bd->max_blocks)
			return -2;
		if (c->n_blk == c->cap_blk) {
			size_t nc = c->cap_blk ? 2 * c->cap_blk : 16;
			uint64_t **nb = realloc(c->blk, nc * sizeof(*nb));

			if (!nb)
				return -1;
			c->blk = nb;
			c->cap_blk = nc;
		}
		b = bigmem_malloc(BLOCK_LEN * sizeof(*b));
		if (!b)
			return -1;
		c->blk[c->n_blk++] = b;
		c->fill = 0;
	}
	c->blk[c->n_blk - 1][c->fill++] = x;
	return 0;
}

static enum cib_err push_err(int r)
{
	return r == -2 ? CIB_ETOOBIG : CIB_ENOMEM;
}

static int worker_reserve(struct worker *w, size_t n)
{
	uint32_t *a, *mk;
	int64_t *te;

	if (n <= w->cap)
		return 0;
	a = realloc(w->accs, n * sizeof(*a));
	if (!a)
		return -1;
	w->accs = a;
	te = realloc(w->te, n * sizeof(*te));
	if (!te)
		return -1;
	w->te = te;
	mk = calloc(n, sizeof(*mk));
	if (!mk)
		return -1;
	free(w->mark);
	w->mark = mk;
	w->gmark = 0;
	w->cap = n;
	return 0;
}

static int worker_reserve_pp(struct worker *w, size_t n)
{
	struct opair *p;
	uint64_t *k;

	if (n <= w->cap_pp)
		return 0;
	n = n < 2 * w->cap_pp ? 2 * w->cap_pp : n;
	p = realloc(w->pp, n * sizeof(*p));
	if (!p)
		return -1;
	w->pp = p;
	k = realloc(w->rk, n * sizeof(*k));
	if (!k)
		return -1;
	w->rk = k;
	k = realloc(w->rk_tmp, n * sizeof(*k));
	if (!k)
		return -1;
	w->rk_tmp = k;
	w->cap_pp = n;
	return 0;
}

/* A fresh stamp: no account's seen[] holds it yet. */
static uint32_t worker_stamp(struct worker *w)
{
	if (++w->stamp == 0) {
		memset(w->seen, 0, w->bd->n_accounts * sizeof(*w->seen));
		w->stamp = 1;
	}
	return w->stamp;
}

/* A fresh group mark: no event's mark[] holds it yet. */
static uint32_t worker_gmark(struct worker *w)
{
	if (++w->gmark == 0) {
		memset(w->mark, 0, w->cap * sizeof(*w->mark));
		w->gmark = 1;
	}
	return w->gmark;
}

static void worker_release(struct worker *w)
{
	if (w->own_k)
		for (int t = 0; t < COORD__COUNT; t++)
			free(w->k[t]);
	free(w->seen);
	free(w->cnt);
	free(w->loc);
	free(w->mk);
	free(w->mk_tmp);
	free(w->accs);
	free(w->te);
	free(w->mark);
	free(w->pp);
	free(w->rk);
	free(w->rk_tmp);
	free(w->side);
	free(w->dense);
	for (int t = 0; t < COORD__COUNT; t++)
		free(w->wins[t].v);
	free(w->scratch);
	codes_release(&w->out);
}

static uint32_t *worker_k(struct worker *w, int t)
{
	if (!w->k[t])
		w->k[t] = calloc(w->bd->n_accounts + 1, sizeof(*w->k[t]));
	return w->k[t];
}

static inline uint64_t pair_key(uint32_t a, uint32_t c, unsigned bits)
{
	return a < c ? (uint64_t)a << bits | c : (uint64_t)c << bits | a;
}

static inline uint64_t pair_code(const struct build *bd, uint32_t a,
				 uint32_t c, int t, int level)
{
	return (pair_key(a, c, bd->bits) << TYPE_BITS | (uint64_t)t)
		       << LEVEL_BITS |
	       (uint64_t)level;
}

/* PH_SORT: sorts type t's events. */
static enum cib_err job_sort(struct build *bd, int t)
{
	struct coord_events *ev = &bd->ev[t];
	const struct coord_shard *sh = bd->o->shard;
	enum cib_err err = sort_events(ev, t != COORD_AMPLIFY && sh &&
						   sh->sorted_as_posts);

	if (err)
		return err;
	bd->g->stats[t].events = ev->n;
	return CIB_OK;
}

/* ---- components (one thread, after the sort) ---- */

static void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	/* the smaller index becomes the root: any order of unions gives the
	 * same forest's sets */
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

struct cdelay {
	uint32_t comp;
	int64_t d;
};

static int cmp_cdelay(const void *a, const void *b)
{
	const struct cdelay *x = a, *y = b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	return x->d < y->d ? -1 : x->d > y->d;
}

/* Unites, in parent, the accounts of every non-viral object of a used
 * type and every account with the one it reposted. */
static void comp_unite(struct build *bd, uint32_t *parent)
{
	const struct coord_opts *o = bd->o;
	size_t n = bd->n_accounts;
	struct worker *w = &bd->w[0];

	for (int t = 0; t < COORD__COUNT; t++) {
		const struct coord_events *ev = &bd->ev[t];

		if (!o->use_type[t])
			continue;
		if (t == COORD_AMPLIFY) {
			for (size_t i = 0; i < ev->n; i++)
				if (ev->obj[i] < n && ev->acc[i] != ev->obj[i])
					uf_union(parent, ev->acc[i],
						 (uint32_t)ev->obj[i]);
			continue;
		}
		for (size_t i = 0; i < ev->n;) {
			size_t e = i, nd = 0;
			uint32_t stamp = worker_stamp(w);

			while (e < ev->n && ev->obj[e] == ev->obj[i])
				e++;
			for (size_t j = i; j < e && nd <= o->max_actors; j++)
				if (w->seen[coord_ev_acc(ev, j)] != stamp) {
					w->seen[coord_ev_acc(ev, j)] = stamp;
					nd++;
				}
			if (nd >= 2 && nd <= o->max_actors)
				for (size_t j = i + 1; j < e; j++)
					uf_union(parent, coord_ev_acc(ev, i),
						 coord_ev_acc(ev, j));
			i = e;
		}
	}
}

/* g->comp and g->comps from the union-find parent[0..n): components of
 * two or more accounts numbered by their smallest account; size and
 * label are n + 1 entries of scratch (size zeroed). */
static enum cib_err comp_label(struct coord_graph *g, const struct coord_opts *o,
			       uint32_t *parent, uint32_t *size,
			       uint32_t *label, size_t n)
{
	for (size_t a = 0; a < n; a++)
		size[uf_find(parent, (uint32_t)a)]++;
	g->n_comps = 0;
	for (size_t a = 0; a < n; a++) {
		uint32_t r = parent[a]; /* uf_find above compressed it */

		if (size[r] < 2) {
			g->comp[a] = COORD_NO_COMP;
			continue;
		}
		if (r == a)
			label[r] = (uint32_t)g->n_comps++;
		g->comp[a] = label[r]; /* r <= a: labelled already */
	}
	g->comps = calloc(g->n_comps + 1, sizeof(*g->comps));
	if (!g->comps)
		return CIB_ENOMEM;
	for (size_t a = 0; a < n; a++) {
		uint32_t c = g->comp[a];

		if (c == COORD_NO_COMP)
			continue;
		if (g->comps[c].n_accounts++ == 0)
			g->comps[c].first = (uint32_t)a;
		g->n_active++;
	}
	for (size_t c = 0; c < g->n_comps; c++) {
		double m = g->comps[c].n_accounts;

		g->comps[c].n_tests = m * (m - 1) / 2;
		g->comps[c].amp_window = o->window[COORD_AMPLIFY] > 0
						 ? o->window[COORD_AMPLIFY]
						 : o->window_max[COORD_AMPLIFY];
	}
	return CIB_OK;
}

/* Each component's amplification window, when it is estimated: the
 * median repost delay of its own quick reposts, clamped. */
static enum cib_err comp_amp_windows(struct build *bd)
{
	struct coord_graph *g = bd->g;
	const struct coord_opts *o = bd->o;
	const struct coord_events *ev = &bd->ev[COORD_AMPLIFY];
	size_t n = bd->n_accounts, nd = 0;
	struct cdelay *cd;
	int64_t *d;

	if (!o->use_type[COORD_AMPLIFY] || o->window[COORD_AMPLIFY] > 0)
		return CIB_OK;
	cd = malloc((ev->n + 1) * sizeof(*cd));
	d = malloc((ev->n + 1) * sizeof(*d));
	if (!cd || !d) {
		free(cd);
		free(d);
		return CIB_ENOMEM;
	}
	for (size_t i = 0; i < ev->n; i++)
		if (ev->time[i] >= 0 && ev->obj[i] < n &&
		    ev->acc[i] != ev->obj[i]) {
			cd[nd].comp = g->comp[ev->acc[i]];
			cd[nd++].d = ev->time[i];
		}
	qsort(cd, nd, sizeof(*cd), cmp_cdelay);
	for (size_t i = 0; i < nd;) {
		size_t e = i;

		while (e < nd && cd[e].comp == cd[i].comp) {
			d[e - i] = cd[e].d;
			e++;
		}
		g->comps[cd[i].comp].amp_window = clamp_median(
			d, e - i, o->window_min[COORD_AMPLIFY],
			o->window_max[COORD_AMPLIFY]);
		i = e;
	}
	free(cd);
	free(d);
	g->stats[COORD_AMPLIFY].window_estimated = 1;
	return CIB_OK;
}

/* The components of the graph of accounts joined by every non-viral
 * object of a used type and by every repost of one another, numbered by
 * their smallest account; accounts alone get COORD_NO_COMP. Then each
 * component's amplification window: its own median repost delay. */
static enum cib_err build_components(struct build *bd)
{
	struct coord_graph *g = bd->g;
	size_t n = bd->n_accounts;
	uint32_t *parent = malloc((n + 1) * sizeof(*parent));
	uint32_t *size = calloc(n + 1, sizeof(*size));
	uint32_t *label = malloc((n + 1) * sizeof(*label));
	enum cib_err err = CIB_ENOMEM;

	g->comp = malloc((n + 1) * sizeof(*g->comp));
	if (!parent || !size || !label || !g->comp)
		goto out;
	for (size_t a = 0; a < n; a++)
		parent[a] = (uint32_t)a;
	comp_unite(bd, parent);
	err = comp_label(g, bd->o, parent, size, label, n);
	if (!err)
		err = comp_amp_windows(bd);
out:
	free(parent);
	free(size);
	free(label);
	return err;
}

/* PH_SCAN, COORD_AMPLIFY: direct pairs from quick reposts (see coord.h);
 * events are sorted by (author, delay, reposter). One job does them all,
 * so it alone writes the graph's s_amp and the components' R. */
static enum cib_err scan_amplify(struct worker *w, const struct scan_chunk *c)
{
	struct build *bd = w->bd;
	struct coord_graph *g = bd->g;
	const struct coord_events *ev = &bd->ev[c->t];
	uint32_t *k = worker_k(w, c->t), *s = g->s_amp;
	struct coord_type_stats *st = &w->st[c->t];

	if (!k)
		return CIB_ENOMEM;
	for (size_t i = c->lo; i < c->hi; i++) {
		uint32_t a = ev->acc[i], b = (uint32_t)ev->obj[i];
		int64_t win, lim;
		struct coord_comp *cc;
		int r;

		if (i == 0 || ev->obj[i] != ev->obj[i - 1])
			st->objects++;
		if (ev->obj[i] >= bd->n_accounts || a == b || ev->time[i] < 0)
			continue;
		cc = &g->comps[g->comp[a]];
		win = cc->amp_window;
		lim = (ev->minutes[i] & COORD_EV_MINUTES) ? (win + 59) / 60 * 60
							   : win;
		if (ev->time[i] > lim)
			continue;
		k[a]++;
		s[b]++;
		for (int j = 0; j < COORD_LEVELS; j++)
			cc->R[c->t][j]++;
		st->pairs_total += 1;
		st->candidate_pairs++;
		r = codes_push(bd, &w->out, pair_code(bd, a, b, c->t, 0));
		if (r)
			return push_err(r);
	}
	return CIB_OK;
}

/* An event's time for delays: a minute-precision time floored to its
 * minute (an archive that floors times cannot tell 10 s from 50 s, so two
 * actions it put in one minute are 0 apart, adjacent minutes 60). */
int64_t coord_event_time(const struct coord_events *ev, size_t i)
{
	int64_t t = coord_ev_time(ev, i);

	if (ev->minutes[i] & COORD_EV_MINUTES)
		return t >= 0 ? t / 60 * 60 : -((-t + 59) / 60) * 60;
	return t;
}

uint64_t coord_pairs_within(const int64_t *te, size_t m, int64_t D)
{
	uint64_t c = 0;
	size_t l = 0;

	for (size_t j = 0; j < m; j++) {
		while (te[j] - te[l] > D)
			l++;
		c += j - l;
	}
	return c;
}

/* By delay, ties by the later action, then the earlier: the order the
 * scan generates pairs in, which the radix path keeps. */
static int cmp_opair_d(const void *a, const void *b)
{
	const struct opair *x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->j != y->j)
		return x->j < y->j ? -1 : 1;
	return x->l < y->l ? -1 : x->l > y->l;
}

static int cmp_opair_key(const void *a, const void *b)
{
	const struct opair *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return cmp_opair_d(a, b);
}

static int push_side(struct worker *w, uint64_t code, uint32_t pa,
		     uint32_t pb)
{
	if (w->n_side == w->cap_side) {
		size_t nc = w->cap_side ? 2 * w->cap_side : 256;
		struct side *ns = realloc(w->side, nc * sizeof(*ns));

		if (!ns)
			return -1;
		w->side = ns;
		w->cap_side = nc;
	}
	w->side[w->n_side].code = code;
	w->side[w->n_side].pa = pa;
	w->side[w->n_side].pb = pb;
	w->n_side++;
	return 0;
}

static int push_dense(struct worker *w, int t, uint64_t obj, uint32_t comp,
		      uint32_t actors)
{
	if (w->n_dense == w->cap_dense) {
		size_t nc = w->cap_dense ? 2 * w->cap_dense : 64;
		struct coord_dense *nd = realloc(w->dense, nc * sizeof(*nd));

		if (!nd)
			return -1;
		w->dense = nd;
		w->cap_dense = nc;
	}
	w->dense[w->n_dense].obj = obj;
	w->dense[w->n_dense].comp = comp;
	w->dense[w->n_dense].actors = actors;
	w->dense[w->n_dense].type = (uint8_t)t;
	w->n_dense++;
	return 0;
}

#define RANK_IDX_BITS 24
#define RANK_IDX_MASK (((uint64_t)1 << RANK_IDX_BITS) - 1)

/* LSD radix sort of n keys on 11-bit digits up to the highest set bit,
 * skipping digits every key shares; insertion sort for short runs. */
static void rank_sort(uint64_t *a, uint64_t *b, size_t n)
{
	uint64_t top = 0, *src = a, *dst = b;
	size_t count[1u << 11];

	if (n < 64) {
		sortu64_insertion(a, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		top |= a[i];
	for (unsigned lo = 0; lo < 64 && (top >> lo) != 0; lo += 11) {
		size_t sum = 0;
		int skip = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> lo) & 0x7ff]++;
		for (size_t d = 0; d < (1u << 11); d++) {
			size_t c = count[d];

			if (c == n)
				skip = 1;
			count[d] = sum;
			sum += c;
		}
		if (skip)
			continue;
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> lo) & 0x7ff]++] = src[i];
		{
			uint64_t *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/* The index into pp[] of the q-th pair by delay (after rank_pairs). */
static inline size_t ranked_at(const struct worker *w, size_t q)
{
	return w->rk_plain ? q : (size_t)(w->rk[q] & RANK_IDX_MASK);
}

/* Orders the object's np pairs by delay and sets each one's upper rank.
 * Keys (delay << 24 | index) sorted by radix; an object with 2^24 pairs or
 * more (a budget raised that far), or a span past 2^39 s, is sorted by
 * comparison instead, pp[] itself then in delay order. */
static void rank_pairs(struct worker *w, size_t np, int64_t span)
{
	w->rk_plain = np >= ((size_t)1 << RANK_IDX_BITS) ||
		      span >= ((int64_t)1 << (63 - RANK_IDX_BITS));
	if (w->rk_plain) {
		if (np > 1)
			qsort(w->pp, np, sizeof(*w->pp), cmp_opair_d);
	} else {
		for (size_t q = 0; q < np; q++)
			w->rk[q] = (uint64_t)w->pp[q].d << RANK_IDX_BITS | q;
		rank_sort(w->rk, w->rk_tmp, np);
	}
	for (size_t q = 0; q < np;) {
		size_t z = q;
		int64_t d = w->pp[ranked_at(w, q)].d;

		while (z < np && w->pp[ranked_at(w, z)].d == d)
			z++;
		for (size_t y = q; y < z; y++)
			w->pp[ranked_at(w, y)].rank = (uint32_t)z;
		q = z;
	}
}

/* One matched co-action out: a code, or a side record when both posts
 * gave several events of the type. */
static enum cib_err emit_coaction(struct worker *w, int t, size_t i,
				  const struct opair *p)
{
	struct build *bd = w->bd;
	const struct coord_events *ev = &bd->ev[t];
	uint32_t cl = ev->acc[i + p->l], cj = ev->acc[i + p->j];
	uint64_t code = pair_code(bd, cl, cj, t, coord_rank_level(p->rank));
	int r;

	if ((ev->minutes[i + p->l] & COORD_EV_MULTI) &&
	    (ev->minutes[i + p->j] & COORD_EV_MULTI)) {
		uint32_t pl = ev->post[i + p->l], pj = ev->post[i + p->j];

		return push_side(w, code, cl < cj ? pl : pj, cl < cj ? pj : pl)
			       ? CIB_ENOMEM
			       : CIB_OK;
	}
	r = codes_push(bd, &w->out, code);
	return r ? push_err(r) : CIB_OK;
}

/* The rest of scan_object: each account pair's co-actions matched, codes
 * out. A matching is needed only when some account acted more than once
 * (maxc > 1): the pairs are then grouped by account pair in delay order
 * (a stable radix pass over local pair keys, or a comparison sort when
 * the keys do not fit) and each group matched tightest first, each action
 * used once (a burst by one account co-acts once with one action of the
 * other). */
static enum cib_err scan_object_match(struct worker *w, int t, size_t i,
				      size_t np, uint32_t maxc)
{
	const struct coord_events *ev = &w->bd->ev[t];
	struct coord_type_stats *st = &w->st[t];
	uint64_t nd = w->nd;
	size_t ne = 0;
	enum cib_err err;

	st->pairs_total += (double)np;
	if (maxc <= 1) {
		/* every account pair has one pair of actions */
		for (size_t q = 0; q < np; q++) {
			err = emit_coaction(w, t, i, &w->pp[q]);
			if (err)
				return err;
		}
		st->candidate_pairs += np;
		return CIB_OK;
	}
	if (!w->rk_plain && nd <= ((uint64_t)1 << 20)) {
		if (np > w->cap_mk) {
			uint64_t *a = realloc(w->mk, np * sizeof(*a));

			if (!a)
				return CIB_ENOMEM;
			w->mk = a;
			a = realloc(w->mk_tmp, np * sizeof(*a));
			if (!a)
				return CIB_ENOMEM;
			w->mk_tmp = a;
			w->cap_mk = np;
		}
		for (size_t q = 0; q < np; q++) {
			const struct opair *p = &w->pp[ranked_at(w, q)];
			uint64_t x = w->loc[ev->acc[i + p->l]],
				 y = w->loc[ev->acc[i + p->j]];
			uint64_t lk = x < y ? x * nd + y : y * nd + x;

			w->mk[q] = lk << RANK_IDX_BITS | q;
		}
		rank_sort(w->mk, w->mk_tmp, np);
	} else {
		/* pp[] itself by (account pair, delay order) */
		qsort(w->pp, np, sizeof(*w->pp), cmp_opair_key);
		w->rk_plain = 1;
	}
	for (size_t q = 0; q < np;) {
		size_t z = q;
		uint32_t gm;

		if (w->rk_plain) {
			while (z < np && w->pp[z].key == w->pp[q].key)
				z++;
		} else {
			while (z < np && w->mk[z] >> RANK_IDX_BITS ==
						 w->mk[q] >> RANK_IDX_BITS)
				z++;
		}
		gm = worker_gmark(w);
		for (size_t y = q; y < z; y++) {
			const struct opair *p =
				w->rk_plain
					? &w->pp[y]
					: &w->pp[ranked_at(w, (size_t)(w->mk[y] &
								  RANK_IDX_MASK))];

			if (w->mark[p->l] == gm || w->mark[p->j] == gm)
				continue;
			w->mark[p->l] = gm;
			w->mark[p->j] = gm;
			err = emit_coaction(w, t, i, p);
			if (err)
				return err;
			ne++;
		}
		q = z;
	}
	st->candidate_pairs += ne;
	return CIB_OK;
}

/* The distinct accounts of ev[i, e) into w->accs (w->cnt their action
 * counts, w->loc their local index); returns how many. */
static size_t object_actors(struct worker *w, const struct coord_events *ev,
			    size_t i, size_t e)
{
	uint32_t stamp = worker_stamp(w);
	size_t nd = 0;

	for (size_t j = i; j < e; j++) {
		uint32_t a = ev->acc[j];

		if (w->seen[a] != stamp) {
			w->seen[a] = stamp;
			w->cnt[a] = 0;
			w->loc[a] = (uint32_t)nd;
			w->accs[nd++] = a;
		}
		w->cnt[a]++;
	}
	return nd;
}

/* The pair window of an object of type t whose m action times are w->te
 * (ascending), distinct-account pairs P: the type's cap or the whole span
 * (*span), narrowed to the largest window whose pairs fit the budget; -1
 * when even its simultaneous actions do not fit. *Pcap gets the
 * distinct-account pairs within the cap (exact without a cap, else an
 * upper bound: the null stays conservative). */
static int64_t object_window(const struct build *bd, const struct worker *w,
			     int t, size_t m, uint64_t P, int64_t *span,
			     uint64_t *Pcap)
{
	const struct coord_opts *o = bd->o;
	int64_t Dmax, D;
	uint64_t all, budget;

	*span = w->te[m - 1] - w->te[0];
	Dmax = o->window[t] > 0 && o->window[t] < *span ? o->window[t] : *span;
	all = Dmax == *span ? (uint64_t)m * (m - 1) / 2
			    : coord_pairs_within(w->te, m, Dmax);
	*Pcap = Dmax == *span ? P : (all < P ? all : P);
	budget = (uint64_t)o->pairs_per_event * m + o->pairs_base;
	D = Dmax;
	if (all > budget) {
		/* the largest window whose pairs fit the budget */
		int64_t lo = -1, hi = Dmax;

		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;

			if (coord_pairs_within(w->te, m, mid) <= budget)
				lo = mid;
			else
				hi = mid;
		}
		D = lo;
	}
	return D;
}

/* Every pair of actions of distinct accounts at most D apart among the m
 * events from i, into w->pp; *np gets how many. */
static enum cib_err object_pairs(struct worker *w, const struct coord_events *ev,
				 size_t i, size_t m, int64_t D, size_t *np)
{
	size_t left = 0, n = 0;

	for (size_t j = 0; j < m; j++) {
		uint32_t cj = ev->acc[i + j];

		while (w->te[j] - w->te[left] > D)
			left++;
		if (worker_reserve_pp(w, n + (j - left) + 1))
			return CIB_ENOMEM;
		for (size_t l = left; l < j; l++) {
			uint32_t cl = ev->acc[i + l];
			struct opair *p;

			if (cl == cj)
				continue;
			p = &w->pp[n++];
			p->d = w->te[j] - w->te[l];
			p->l = (uint32_t)l;
			p->j = (uint32_t)j;
			p->key = pair_key(cl, cj, 32);
		}
	}
	*np = n;
	return CIB_OK;
}

/* Adds to the component's R[t] the object's pairs at each rank level:
 * the enumerated ones (ranked) up to the level, or what the level admits
 * of the Pcap pairs when it reaches past them. */
static void object_levels(struct worker *w, struct coord_comp *cc, int t,
			  size_t np, uint64_t Pcap)
{
	for (int j = 0; j < COORD_LEVELS; j++) {
		uint64_t th = coord_level_rank(j), nj;

		if (j == COORD_LEVELS - 1) {
			nj = np;
		} else if (th < np) {
			size_t lo = 0, hi = np; /* first sorted rank > th */

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (w->pp[ranked_at(w, mid)].rank <= th)
					lo = mid + 1;
				else
					hi = mid;
			}
			nj = lo;
		} else {
			nj = Pcap < th ? Pcap : th;
			if (nj < np)
				nj = np;
		}
		__atomic_fetch_add(&cc->R[t][j], nj, __ATOMIC_RELAXED);
	}
}

/* One object's events ev[i, e) of type t: its window, its pairs ranked,
 * each account pair's co-actions matched, codes out, the component's R. */
static enum cib_err scan_object(struct worker *w, int t, size_t i, size_t e)
{
	struct build *bd = w->bd;
	struct coord_graph *g = bd->g;
	const struct coord_events *ev = &bd->ev[t];
	struct coord_type_stats *st = &w->st[t];
	uint32_t *k = w->k[t];
	size_t m = e - i, nd, np = 0;
	uint32_t maxc = 0;
	uint64_t P, Pcap;
	int64_t span, D;
	struct coord_comp *cc;

	st->objects++;
	if (worker_reserve(w, m))
		return CIB_ENOMEM;
	nd = object_actors(w, ev, i, e);
	if (nd > bd->o->max_actors) {
		/* viral: a pair can co-act on it at most a few times, while
		 * the null would credit it with a share of its C(n, 2)
		 * pairs; it is out of k, M and R, and joins no component */
		st->viral_objects++;
		return CIB_OK;
	}
	for (size_t j = i; j < e; j++)
		k[ev->acc[j]]++;
	if (nd < 2)
		return CIB_OK;
	w->nd = (uint32_t)nd;
	st->shared_objects++;
	cc = &g->comps[g->comp[ev->acc[i]]];
	P = (uint64_t)m * (m - 1) / 2;
	for (size_t q = 0; q < nd; q++) {
		uint64_t ca = w->cnt[w->accs[q]];

		P -= ca * (ca - 1) / 2;
		maxc = w->cnt[w->accs[q]] > maxc ? w->cnt[w->accs[q]] : maxc;
	}
	for (size_t q = 0; q < m; q++)
		w->te[q] = coord_event_time(ev, i + q);
	D = object_window(bd, w, t, m, P, &span, &Pcap);
	if (D < 0) {
		/* even its simultaneous actions are too many pairs */
		st->dense_objects++;
		if (push_dense(w, t, ev->obj[i], g->comp[ev->acc[i]],
			       (uint32_t)nd))
			return CIB_ENOMEM;
	} else {
		enum cib_err err;

		if (i64_push(&w->wins[t], D))
			return CIB_ENOMEM;
		err = object_pairs(w, ev, i, m, D, &np);
		if (err)
			return err;
	}
	/* upper ranks by delay: a pair's rank counts every pair of the
	 * object at most as far apart (ties share the larger rank) */
	rank_pairs(w, np, span);
	object_levels(w, cc, t, np, Pcap);
	return scan_object_match(w, t, i, np, maxc);
}

/* PH_SCAN, other types: every object of the chunk. */
static enum cib_err scan_chunk(struct worker *w, const struct scan_chunk *c)
{
	const struct coord_events *ev = &w->bd->ev[c->t];
	size_t i = c->lo;

	if (!worker_k(w, c->t))
		return CIB_ENOMEM;
	while (i < c->hi) {
		size_t e = i;
		enum cib_err err;

		while (e < c->hi && ev->obj[e] == ev->obj[i])
			e++;
		err = scan_object(w, c->t, i, e);
		if (err)
			return err;
		i = e;
	}
	return CIB_OK;
}

static size_t bucket_of(const struct build *bd, uint64_t code)
{
	return (size_t)(code >> bd->shift);
}

/* PH_BUCKETS: LSD radix sort of one bucket on the code bits below the
 * bucket's, then its distinct pairs counted (in total and per
 * component). */
static enum cib_err job_bucket(struct worker *w, size_t d)
{
	struct build *bd = w->bd;
	uint64_t *a = bd->all + bd->bstart[d], *b;
	size_t n = bd->bstart[d + 1] - bd->bstart[d], distinct = 0;
	unsigned rem = bd->shift, passes, digit;
	size_t count[1u << BUCKET_BITS_MAX];

	if (n < 64) {
		sortu64_insertion(a, n);
	} else if (rem > 0) {
		if (n > w->cap_scratch) {
			uint64_t *s = realloc(w->scratch, n * sizeof(*s));

			if (!s)
				return CIB_ENOMEM;
			w->scratch = s;
			w->cap_scratch = n;
		}
		b = w->scratch;
		passes = (rem + BUCKET_BITS_MAX - 1) / BUCKET_BITS_MAX;
		digit = (rem + passes - 1) / passes;
		for (unsigned p = 0; p < passes; p++) {
			unsigned lo = p * digit;
			uint64_t mask = ((uint64_t)1 << digit) - 1;
			size_t sum = 0, nd = (size_t)1 << digit;
			int skip = 0;

			memset(count, 0, nd * sizeof(count[0]));
			for (size_t i = 0; i < n; i++)
				count[(a[i] >> lo) & mask]++;
			for (size_t q = 0; q < nd; q++) {
				size_t cq = count[q];

				if (cq == n)
					skip = 1;
				count[q] = sum;
				sum += cq;
			}
			if (skip)
				continue;
			for (size_t i = 0; i < n; i++)
				b[count[(a[i] >> lo) & mask]++] = a[i];
			{
				uint64_t *t = a;

				a = b;
				b = t;
			}
		}
		if (a != bd->all + bd->bstart[d]) {
			memcpy(bd->all + bd->bstart[d], a, n * sizeof(*a));
			a = bd->all + bd->bstart[d];
		}
	}
	for (size_t i = 0; i < n; i++)
		if (i == 0 || a[i] >> TL_BITS != a[i - 1] >> TL_BITS) {
			uint32_t acc = (uint32_t)(a[i] >> TL_BITS >> bd->bits);

			distinct++;
			__atomic_fetch_add(
				&bd->g->comps[bd->g->comp[acc]].n_candidates,
				1, __ATOMIC_RELAXED);
		}
	bd->poff[d] = distinct;
	return CIB_OK;
}

/* log10 of the Poisson point mass at x: a lower bound of the tail. */
static double log10_pmf(const struct build *bd, uint32_t x, double lambda)
{
	double lf = x < 256 ? bd->lnfact[x] : gsl_sf_lngamma(x + 1.0);

	return ((double)x * log(lambda) - lambda - lf) / log(10.0);
}


/* The test of one pair from its codes' per-type, per-level counts xl:
 * fills e (x, observed, level, lambda, log10p). Returns 0 when the pair
 * certainly cannot pass `bound` (log10p is then not computed). */
static int pair_test(const struct build *bd, uint32_t (*xl)[COORD_LEVELS],
		     struct coord_edge *e, double bound)
{
	const struct coord_comp *c = &bd->g->comps[bd->g->comp[e->a]];
	const uint32_t *ka = bd->kk + e->a * (size_t)(COORD__COUNT + 1);
	const uint32_t *kb = bd->kk + e->b * (size_t)(COORD__COUNT + 1);
	uint32_t xj[COORD_LEVELS], xc[COORD__COUNT] = { 0 };
	uint32_t xt[COORD_LEVELS][COORD__COUNT];
	double lam[COORD_LEVELS], sorted[COORD_LEVELS], lb[COORD_LEVELS];
	double best = 0.0, log10L, need;
	uint32_t min_x = bd->o->min_coactions;
	int distinct = 0, bj = -1;

	for (int j = 0; j < COORD_LEVELS; j++) {
		double l[COORD__COUNT];

		for (int t = 0; t < COORD__COUNT; t++) {
			xc[t] += xl[t][j];
			xt[j][t] = xc[t];
			l[t] = (double)ka[t] * kb[t] * c->rate[t][j];
		}
		l[COORD_AMPLIFY] =
			((double)ka[COORD_AMPLIFY] * kb[COORD__COUNT] +
			 (double)kb[COORD_AMPLIFY] * ka[COORD__COUNT]) *
			c->rate[COORD_AMPLIFY][j];
		xj[j] = pooled_x(xt[j]);
		lam[j] = pooled_lambda(l);
		sorted[j] = lam[j];
	}
	/* Bonferroni over the distinct tests: thresholds whose lambda is
	 * the same are one test (fixed by the null, not by the pair's data) */
	for (int j = 1; j < COORD_LEVELS; j++) {
		double v = sorted[j];
		int q = j;

		for (; q > 0 && sorted[q - 1] > v; q--)
			sorted[q] = sorted[q - 1];
		sorted[q] = v;
	}
	for (int j = 0; j < COORD_LEVELS; j++)
		distinct += j == 0 || sorted[j] != sorted[j - 1];
	log10L = log10((double)distinct);
	need = bound - log10L + 0.01;
	for (int j = 0; j < COORD_LEVELS; j++) {
		lb[j] = 1.0;
		if (xj[j] < min_x || !(lam[j] > 0))
			continue;
		lb[j] = log10_pmf(bd, xj[j], lam[j]);
	}
	/* levels by increasing point mass (a lower bound of the tail): once
	 * the next bound is at least the best tail found, no level left can
	 * beat it; a bound above `need` cannot give a passing minimum */
	for (;;) {
		int nj = -1;
		double lp;

		for (int j = 0; j < COORD_LEVELS; j++)
			if (lb[j] <= need && (nj < 0 || lb[j] < lb[nj]))
				nj = j;
		if (nj < 0 || (bj >= 0 && lb[nj] >= best))
			break;
		lp = coord_log10_poisson_tail(xj[nj], lam[nj]);
		lb[nj] = 2.0; /* visited */
		if (bj < 0 || lp < best || (lp == best && nj < bj)) {
			best = lp;
			bj = nj;
		}
	}
	e->observed = xj[COORD_LEVELS - 1];
	e->level = COORD_LEVELS - 1;
	e->lambda = lam[COORD_LEVELS - 1];
	memcpy(e->x, xt[COORD_LEVELS - 1], sizeof(e->x));
	if (bj < 0) {
		e->log10p = 0.0;
		return 0;
	}
	e->log10p = best + log10L < 0 ? best + log10L : 0.0;
	e->level = (uint8_t)bj;
	e->observed = xj[bj];
	e->lambda = lam[bj];
	memcpy(e->x, xt[bj], sizeof(e->x));
	return 1;
}

/* PH_TESTS: one bucket's distinct pairs into the graph's pairs[], and those
 * that can pass Benjamini-Hochberg into the bucket's candidate edges. */
static enum cib_err job_tests(struct worker *w, size_t d)
{
	struct build *bd = w->bd;
	struct coord_graph *g = bd->g;
	const uint64_t *a = bd->all;
	size_t hi = bd->bstart[d + 1], p = bd->poff[d];
	uint64_t mask = ((uint64_t)1 << bd->bits) - 1;
	uint32_t min_x = bd->o->min_coactions;

	for (size_t i = bd->bstart[d]; i < hi;) {
		uint64_t key = a[i] >> TL_BITS;
		uint32_t xl[COORD__COUNT][COORD_LEVELS];
		struct coord_edge ed;
		double bound;
		size_t e = i;

		memset(&ed, 0, sizeof(ed));
		ed.a = (uint32_t)(key >> bd->bits);
		ed.b = (uint32_t)(key & mask);
		bound = bd->bound[g->comp[ed.a]];
		if (1 < min_x && (i + 1 == hi || a[i + 1] >> TL_BITS != key)) {
			/* the common case: one co-action, p = 1 */
			g->pairs[p].a = ed.a;
			g->pairs[p].b = ed.b;
			g->pairs[p].x = (a[i] & ((1u << LEVEL_BITS) - 1)) <=
					COORD_PAIR_LEVEL;
			p++;
			i++;
			continue;
		}
		memset(xl, 0, sizeof(xl));
		for (; e < hi && a[e] >> TL_BITS == key; e++)
			xl[(a[e] >> LEVEL_BITS) & ((1u << TYPE_BITS) - 1)]
			  [a[e] & ((1u << LEVEL_BITS) - 1)]++;
		i = e;
		{
			/* pairs[] carries the count at COORD_PAIR_LEVEL */
			uint32_t xp[COORD__COUNT];

			for (int t = 0; t < COORD__COUNT; t++) {
				xp[t] = 0;
				for (int j = 0; j <= COORD_PAIR_LEVEL; j++)
					xp[t] += xl[t][j];
			}
			g->pairs[p].a = ed.a;
			g->pairs[p].b = ed.b;
			g->pairs[p].x = pooled_x(xp);
			p++;
		}
		if (!pair_test(bd, xl, &ed, bound))
			continue;
		if (ed.log10p <= bound && edgevec_push(&bd->cand[d], &ed))
			return CIB_ENOMEM;
	}
	return CIB_OK;
}

/* PH_HIST: one block's codes counted per bucket. */
static void job_hist(struct build *bd, size_t j)
{
	const uint64_t *v = bd->blk[j];
	size_t *h = bd->hist + j * bd->n_buckets;

	for (size_t i = 0; i < bd->blk_len[j]; i++)
		h[bucket_of(bd, v[i])]++;
}

/* PH_SPREAD: one block's codes to their buckets' places, then freed. */
static void job_spread(struct build *bd, size_t j)
{
	const uint64_t *v = bd->blk[j];
	size_t *pos = bd->hist + j * bd->n_buckets;

	for (size_t i = 0; i < bd->blk_len[j]; i++)
		bd->all[pos[bucket_of(bd, v[i])]++] = v[i];
	free(bd->blk[j]);
	bd->blk[j] = NULL;
}

static enum cib_err run_job(struct worker *w, size_t j)
{
	struct build *bd = w->bd;

	switch (bd->phase) {
	case PH_SORT:
		return job_sort(bd, bd->types[j]);
	case PH_SCAN:
		return bd->chunks[j].t == COORD_AMPLIFY
			       ? scan_amplify(w, &bd->chunks[j])
			       : scan_chunk(w, &bd->chunks[j]);
	case PH_HIST:
		job_hist(bd, j);
		return CIB_OK;
	case PH_SPREAD:
		job_spread(bd, j);
		return CIB_OK;
	case PH_BUCKETS:
		return job_bucket(w, j);
	case PH_TESTS:
		return job_tests(w, j);
	}
	return CIB_EINTERNAL;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct build *bd = w->bd;

	while (!atomic_load(&bd->failed)) {
		size_t j = atomic_fetch_add(&bd->next, 1);

		if (j >= bd->n_jobs)
			break;
		w->err = run_job(w, j);
		if (w->err)
			atomic_store(&bd->failed, 1);
	}
	return NULL;
}

/* Runs n_jobs jobs of one phase on every worker; the first error, if any. */
static enum cib_err run_phase_on(struct build *bd, enum build_phase ph,
				 size_t n_jobs, int workers)
{
	pthread_t th[COORD_WORKERS];
	int started[COORD_WORKERS] = { 0 };

	bd->phase = ph;
	bd->n_jobs = n_jobs;
	atomic_store(&bd->next, 0);
	for (int i = 1; i < workers && i < COORD_WORKERS && n_jobs > 1; i++)
		started[i] = pthread_create(&th[i], NULL, worker_run,
					    &bd->w[i]) == 0;
	worker_run(&bd->w[0]); /* also does what a failed start left */
	for (int i = 1; i < COORD_WORKERS; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (int i = 0; i < COORD_WORKERS; i++)
		if (bd->w[i].err)
			return bd->w[i].err;
	return CIB_OK;
}

static enum cib_err run_phase(struct build *bd, enum build_phase ph,
			      size_t n_jobs)
{
	return run_phase_on(bd, ph, n_jobs, COORD_WORKERS);
}

/* A pair of posts counts once per type: the side list's key is the code
 * without its level. (Once over all types, TL_BITS here, would treat a
 * text, its hashtags and its link as one act; docs/model.md 1 says why it
 * does not.) */
#define SIDE_SHIFT LEVEL_BITS

/* By (account pair, posts, level, type): the first of each (pair, posts)
 * run is the pair of posts' tightest co-action. */
static int cmp_side(const void *a, const void *b)
{
	const struct side *x = a, *y = b;
	uint64_t kx = x->code >> SIDE_SHIFT, ky = y->code >> SIDE_SHIFT;
	uint64_t lx = x->code & ((1u << LEVEL_BITS) - 1),
		 ly = y->code & ((1u << LEVEL_BITS) - 1);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	if (x->pb != y->pb)
		return x->pb < y->pb ? -1 : 1;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

static int cmp_dense(const void *a, const void *b)
{
	const struct coord_dense *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->obj < y->obj ? -1 : x->obj > y->obj;
}

/* After the scan: the workers' dense objects gathered, by (type, obj). */
static enum cib_err build_dense(struct build *bd)
{
	struct coord_graph *g = bd->g;
	size_t nd = 0;

	for (int i = 0; i < COORD_WORKERS; i++)
		nd += bd->w[i].n_dense;
	g->dense = malloc((nd + 1) * sizeof(*g->dense));
	if (!g->dense)
		return CIB_ENOMEM;
	for (int i = 0; i < COORD_WORKERS; i++) {
		struct worker *w = &bd->w[i];

		if (w->n_dense)
			memcpy(g->dense + g->n_dense, w->dense,
			       w->n_dense * sizeof(*g->dense));
		g->n_dense += w->n_dense;
	}
	if (g->n_dense > 1)
		qsort(g->dense, g->n_dense, sizeof(*g->dense), cmp_dense);
	return CIB_OK;
}

/* The pair phase's first step: co-actions between two multi-event posts
 * (every worker's side list) counted once per pair of posts and type
 * (the tightest level) and added to worker 0's codes; dup[t] counts the
 * repeats, which the scan had counted as candidate pairs. */
static enum cib_err side_codes(struct build *bd, uint64_t *dup)
{
	size_t n = 0;
	struct side *all;

	for (int i = 0; i < COORD_WORKERS; i++)
		n += bd->w[i].n_side;
	all = malloc((n + 1) * sizeof(*all));
	if (!all)
		return CIB_ENOMEM;
	n = 0;
	for (int i = 0; i < COORD_WORKERS; i++) {
		struct worker *w = &bd->w[i];

		if (w->n_side)
			memcpy(all + n, w->side, w->n_side * sizeof(*all));
		n += w->n_side;
		w->n_side = 0;
	}
	if (n > 1)
		qsort(all, n, sizeof(*all), cmp_side);
	for (size_t i = 0; i < n; i++) {
		int r;

		if (i > 0 && all[i].code >> SIDE_SHIFT ==
				     all[i - 1].code >> SIDE_SHIFT &&
		    all[i].pa == all[i - 1].pa && all[i].pb == all[i - 1].pb) {
			/* the same two posts again: not another co-action */
			dup[(all[i].code >> LEVEL_BITS) &
			    ((1u << TYPE_BITS) - 1)]++;
			continue;
		}
		r = codes_push(bd, &bd->w[0].out, all[i].code);
		if (r) {
			free(all);
			return push_err(r);
		}
	}
	free(all);
	return CIB_OK;
}

/* The scan jobs: runs of whole objects of each of the n_types types in
 * bd->types (COORD_AMPLIFY one job); with amp_only, that job alone (the
 * other types are scanned elsewhere, coord_opts.shard); with bd->no_amp,
 * every type but it. */
static enum cib_err build_chunks(struct build *bd, size_t n_types,
				 int amp_only, size_t *n_out)
{
	size_t n_chunks = 0, cap = 0;

	for (size_t i = 0; i < n_types; i++) {
		int t = bd->types[i];
		const struct coord_events *ev = &bd->ev[t];

		if (amp_only ? t != COORD_AMPLIFY
			     : t == COORD_AMPLIFY && bd->no_amp)
			continue;
		for (size_t lo = 0; lo < ev->n;) {
			size_t hi = ev->n;

			if (t != COORD_AMPLIFY && ev->n - lo > CHUNK_EVENTS) {
				hi = lo + CHUNK_EVENTS;
				while (hi < ev->n &&
				       ev->obj[hi] == ev->obj[hi - 1])
					hi++;
			}
			if (n_chunks == cap) {
				size_t nc = cap ? 2 * cap : 64;
				struct scan_chunk *nv =
					realloc(bd->chunks, nc * sizeof(*nv));

				if (!nv)
					return CIB_ENOMEM;
				bd->chunks = nv;
				cap = nc;
			}
			bd->chunks[n_chunks].t = t;
			bd->chunks[n_chunks].lo = lo;
			bd->chunks[n_chunks].hi = hi;
			n_chunks++;
			lo = hi;
		}
	}
	*n_out = n_chunks;
	return CIB_OK;
}

/* The other types' objects scanned through coord_opts.shard, their part
 * added to worker 0's results as if its jobs had scanned them. */
static enum cib_err build_shard(struct build *bd)
{
	const struct coord_shard *sh = bd->o->shard;
	struct coord_graph *g = bd->g;
	struct worker *w = &bd->w[0];
	struct coord_part part;
	enum cib_err err;

	memset(&part, 0, sizeof(part));
	err = sh->scan(sh->ctx, bd->ev, bd->n_accounts, bd->o, g->comp,
		       g->n_comps, &part);
	for (size_t i = 0; !err && i < part.n_codes; i++) {
		int r = codes_push(bd, &w->out, part.codes[i]);

		if (r)
			err = push_err(r);
	}
	for (size_t i = 0; !err && i < part.n_side; i++)
		if (push_side(w, part.side[i].code, part.side[i].pa,
			      part.side[i].pb))
			err = CIB_ENOMEM;
	for (size_t i = 0; !err && i < part.n_dense; i++)
		if (push_dense(w, part.dense[i].type, part.dense[i].obj,
			       part.dense[i].comp, part.dense[i].actors))
			err = CIB_ENOMEM;
	for (int t = 0; !err && t < COORD__COUNT; t++) {
		struct coord_type_stats *st = &w->st[t];

		for (size_t i = 0; !err && i < part.n_wins[t]; i++)
			if (i64_push(&w->wins[t], part.wins[t][i]))
				err = CIB_ENOMEM;
		st->objects += part.st[t].objects;
		st->shared_objects += part.st[t].shared_objects;
		st->viral_objects += part.st[t].viral_objects;
		st->dense_objects += part.st[t].dense_objects;
		st->pairs_total += part.st[t].pairs_total;
		st->candidate_pairs += part.st[t].candidate_pairs;
		if (part.k[t])
			for (size_t a = 0; a < bd->n_accounts; a++)
				g->k[t][a] += part.k[t][a];
	}
	if (!err && part.R)
		for (size_t c = 0; c < g->n_comps; c++)
			for (int t = 0; t < COORD__COUNT; t++)
				for (int j = 0; j < COORD_LEVELS; j++)
					g->comps[c].R[t][j] += part.R
						[(c * COORD__COUNT + (size_t)t) *
							 COORD_LEVELS +
						 (size_t)j];
	coord_part_release(&part);
	return err;
}

/* Phases 1 and 2: sorted events, components, k, the types' statistics,
 * and every worker's codes. */
static enum cib_err build_scan(struct build *bd)
{
	struct coord_graph *g = bd->g;
	size_t n_types = 0, n_chunks = 0;
	enum cib_err err;

	for (int t = 0; t < COORD__COUNT; t++)
		if (bd->o->use_type[t])
			bd->types[n_types++] = t;
	/* biggest first, so the last job to start is a small one */
	for (size_t i = 1; i < n_types; i++)
		for (size_t j = i; j > 0 && bd->ev[bd->types[j]].n >
						    bd->ev[bd->types[j - 1]].n;
		     j--) {
			int x = bd->types[j];

			bd->types[j] = bd->types[j - 1];
			bd->types[j - 1] = x;
		}
	/* types sent elsewhere as their posts are sorted one at a time: a
	 * sort holds its events twice as rows (48 bytes each), and the
	 * process sending them holds every other type too (at 10M posts
	 * two sorts at once were rank 0's peak) */
	err = run_phase_on(bd, PH_SORT, n_types,
			   bd->o->shard && bd->o->shard->sorted_as_posts
				   ? 1
				   : COORD_WORKERS);
	if (err)
		return err;
	err = build_components(bd);
	if (err)
		return err;
	err = build_chunks(bd, n_types, bd->o->shard != NULL, &n_chunks);
	if (err)
		return err;
	err = run_phase(bd, PH_SCAN, n_chunks);
	if (err)
		return err;
	if (bd->o->shard) {
		err = build_shard(bd);
		if (err)
			return err;
	}
	err = build_dense(bd);
	if (err)
		return err;
	for (int t = 0; t < COORD__COUNT; t++) {
		struct coord_type_stats *st = &g->stats[t];
		size_t nw = 0;
		int64_t *wv;

		for (int i = 0; i < COORD_WORKERS; i++) {
			const struct worker *w = &bd->w[i];

			st->objects += w->st[t].objects;
			st->shared_objects += w->st[t].shared_objects;
			st->viral_objects += w->st[t].viral_objects;
			st->dense_objects += w->st[t].dense_objects;
			st->pairs_total += w->st[t].pairs_total;
			st->candidate_pairs += w->st[t].candidate_pairs;
			if (i > 0 && w->k[t])
				for (size_t a = 0; a < bd->n_accounts; a++)
					g->k[t][a] += w->k[t][a];
			nw += w->wins[t].n;
		}
		if (t == COORD_AMPLIFY || nw == 0)
			continue;
		/* the median object window, to describe the type */
		wv = malloc(nw * sizeof(*wv));
		if (!wv)
			return CIB_ENOMEM;
		nw = 0;
		for (int i = 0; i < COORD_WORKERS; i++) {
			if (!bd->w[i].wins[t].n)
				continue;
			memcpy(wv + nw, bd->w[i].wins[t].v,
			       bd->w[i].wins[t].n * sizeof(*wv));
			nw += bd->w[i].wins[t].n;
		}
		st->window = select_i64(wv, nw, nw / 2);
		st->window_estimated = bd->o->window[t] <= 0;
		free(wv);
	}
	/* M per component and type: whole numbers, exact in any order */
	for (int t = 0; t < COORD__COUNT; t++) {
		struct coord_type_stats *st = &g->stats[t];

		if (!bd->o->use_type[t])
			continue;
		for (size_t a = 0; a < bd->n_accounts; a++) {
			uint32_t c = g->comp[a];

			if (c != COORD_NO_COMP)
				g->comps[c].M[t] += g->k[t][a];
			st->actions += g->k[t][a];
		}
	}
	if (g->n_comps) {
		/* the largest component's quick-repost window describes it */
		size_t big = 0;

		for (size_t c = 1; c < g->n_comps; c++)
			if (g->comps[c].n_accounts > g->comps[big].n_accounts)
				big = c;
		g->stats[COORD_AMPLIFY].window = g->comps[big].amp_window;
	}
	return CIB_OK;
}

/* Phases 3 and 4: the workers' codes gathered into bd->all, bucket by
 * bucket, each bucket sorted; poff[] its distinct pairs. */
static enum cib_err build_sort(struct build *bd, size_t n_all)
{
	unsigned total_bits = 2 * bd->bits + TL_BITS, nb = 0;
	size_t n_blk = 0;
	enum cib_err err;

	while (nb < BUCKET_BITS_MAX && nb < total_bits &&
	       (n_all >> nb) > BUCKET_TARGET)
		nb++;
	bd->shift = total_bits - nb;
	bd->n_buckets = (size_t)1 << nb;
	for (int i = 0; i < COORD_WORKERS; i++)
		n_blk += bd->w[i].out.n_blk;
	bd->blk = calloc(n_blk + 1, sizeof(*bd->blk));
	bd->blk_len = calloc(n_blk + 1, sizeof(*bd->blk_len));
	bd->hist = calloc(n_blk * bd->n_buckets + 1, sizeof(*bd->hist));
	bd->bstart = calloc(bd->n_buckets + 1, sizeof(*bd->bstart));
	bd->poff = calloc(bd->n_buckets + 1, sizeof(*bd->poff));
	bd->all = bigmem_malloc((n_all + 1) * sizeof(*bd->all));
	if (!bd->blk || !bd->blk_len || !bd->hist || !bd->bstart ||
	    !bd->poff || !bd->all)
		return CIB_ENOMEM;
	for (int i = 0; i < COORD_WORKERS; i++) {
		struct codes *c = &bd->w[i].out;

		for (size_t j = 0; j < c->n_blk; j++) {
			bd->blk[bd->n_blk] = c->blk[j];
			bd->blk_len[bd->n_blk] =
				j + 1 < c->n_blk ? BLOCK_LEN : c->fill;
			bd->n_blk++;
		}
		free(c->blk);
		memset(c, 0, sizeof(*c));
	}
	err = run_phase(bd, PH_HIST, bd->n_blk);
	if (err)
		return err;
	{
		size_t pos = 0;

		for (size_t d = 0; d < bd->n_buckets; d++) {
			bd->bstart[d] = pos;
			for (size_t j = 0; j < bd->n_blk; j++) {
				size_t *h = &bd->hist[j * bd->n_buckets + d];
				size_t c = *h;

				*h = pos;
				pos += c;
			}
		}
		bd->bstart[bd->n_buckets] = pos;
	}
	err = run_phase(bd, PH_SPREAD, bd->n_blk);
	if (err)
		return err;
	return run_phase(bd, PH_BUCKETS, bd->n_buckets);
}

static void build_release(struct build *bd)
{
	for (int i = 0; i < COORD_WORKERS; i++)
		worker_release(&bd->w[i]);
	for (size_t j = 0; j < bd->n_blk; j++)
		free(bd->blk[j]);
	free(bd->blk);
	free(bd->blk_len);
	free(bd->hist);
	free(bd->all);
	free(bd->bstart);
	free(bd->poff);
	free(bd->kk);
	free(bd->bound);
	if (bd->cand)
		for (size_t d = 0; d < bd->n_buckets; d++)
			free(bd->cand[d].v);
	free(bd->cand);
	free(bd->chunks);
}

/* Each component's rates from its whole-number sums: 2 R / M^2 per type
 * and threshold; 1 / R for amplification. */
static void comp_rates(struct coord_graph *g)
{
	for (size_t c = 0; c < g->n_comps; c++) {
		struct coord_comp *cc = &g->comps[c];

		for (int t = 0; t < COORD__COUNT; t++)
			for (int j = 0; j < COORD_LEVELS; j++) {
				double M = (double)cc->M[t];

				if (t == COORD_AMPLIFY)
					cc->rate[t][j] =
						cc->R[t][j]
							? 1.0 / (double)cc->R[t][j]
							: 0.0;
				else
					cc->rate[t][j] =
						M > 0 ? 2.0 * (double)cc->R[t][j] /
								(M * M)
						      : 0.0;
			}
	}
}

/* The build's state over n_accounts accounts, the graph's s_amp and k,
 * every worker's per-account arrays. */
/* What every build needs, the scan's and a pair owner's: the options, the
 * graph, the code layout for n_accounts, ln x!, the workers' back links. */
static enum cib_err build_base(struct build *bd, size_t n_accounts,
			       const struct coord_opts *o,
			       struct coord_graph *g)
{
	memset(bd, 0, sizeof(*bd));
	bd->o = o;
	bd->g = g;
	bd->n_accounts = n_accounts;
	atomic_init(&bd->next, 0);
	atomic_init(&bd->failed, 0);
	atomic_init(&bd->n_blocks, 0);
	bd->bits = 1;
	while (bd->bits < 32 && ((size_t)1 << bd->bits) < n_accounts)
		bd->bits++;
	if (2 * bd->bits + TL_BITS > 64)
		return CIB_ETOOBIG; /* over 2^29 accounts */
	for (uint32_t x = 0; x < 256; x++)
		bd->lnfact[x] = gsl_sf_lngamma(x + 1.0);
	for (int i = 0; i < COORD_WORKERS; i++)
		bd->w[i].bd = bd;
	return CIB_OK;
}

static enum cib_err build_init(struct build *bd, struct coord_events *ev,
			       size_t n_accounts, const struct coord_opts *o,
			       struct coord_graph *g)
{
	enum cib_err err = build_base(bd, n_accounts, o, g);

	if (err)
		return err;
	bd->ev = ev;
	/* the codes live twice at their peak (blocks, then the sorted copy) */
	bd->max_blocks = o->max_memory
				? (size_t)(o->max_memory /
					   (2 * BLOCK_LEN * sizeof(uint64_t)))
				: 0;
	if (o->max_memory && bd->max_blocks == 0)
		bd->max_blocks = 1;
	g->n_accounts = n_accounts;
	g->s_amp = calloc(n_accounts + 1, sizeof(*g->s_amp));
	if (!g->s_amp)
		return CIB_ENOMEM;
	for (int t = 0; t < COORD__COUNT; t++) {
		g->k[t] = calloc(n_accounts + 1, sizeof(*g->k[t]));
		if (!g->k[t])
			return CIB_ENOMEM;
	}
	for (int i = 0; i < COORD_WORKERS; i++) {
		struct worker *w = &bd->w[i];

		w->own_k = i > 0;
		if (i == 0)
			for (int t = 0; t < COORD__COUNT; t++)
				w->k[t] = g->k[t];
		w->seen = calloc(n_accounts + 1, sizeof(*w->seen));
		w->cnt = calloc(n_accounts + 1, sizeof(*w->cnt));
		w->loc = calloc(n_accounts + 1, sizeof(*w->loc));
		if (!w->seen || !w->cnt || !w->loc)
			return CIB_ENOMEM;
	}
	return CIB_OK;
}

/* After the sort: the pairs' global offsets (bd->poff), g->pairs, the
 * per-component bounds and the accounts' k and s_amp side by side, all
 * the tests read. */
static enum cib_err tests_prepare(struct build *bd)
{
	struct coord_graph *g = bd->g;
	const struct coord_opts *o = bd->o;
	size_t n_accounts = bd->n_accounts;
	uint32_t *kk;

	for (size_t d = 0; d < bd->n_buckets; d++) {
		size_t c = bd->poff[d];

		bd->poff[d] = g->n_candidates;
		g->n_candidates += c;
	}
	/* per component, the BH cutoff at any rank is at most fdr *
	 * candidates / tests: pairs above it can never pass */
	bd->bound = malloc((g->n_comps + 1) * sizeof(*bd->bound));
	g->pairs = bigmem_malloc((g->n_candidates + 1) * sizeof(*g->pairs));
	/* per account, k of every type then s_amp: one cache line for the
	 * lookups of a pair's far end */
	kk = bigmem_malloc((n_accounts + 1) * (COORD__COUNT + 1) *
			   sizeof(*kk));
	bd->cand = calloc(bd->n_buckets, sizeof(*bd->cand));
	if (!g->pairs || !kk || !bd->cand || !bd->bound) {
		free(kk);
		return CIB_ENOMEM;
	}
	for (size_t c = 0; c < g->n_comps; c++) {
		const struct coord_comp *cc = &g->comps[c];

		bd->bound[c] = log10(o->fdr *
				     (double)(cc->n_candidates ? cc->n_candidates
							       : 1) /
				     (cc->n_tests > 0 ? cc->n_tests : 1));
	}
	for (size_t a = 0; a < n_accounts; a++) {
		for (int t = 0; t < COORD__COUNT; t++)
			kk[a * (COORD__COUNT + 1) + t] = g->k[t][a];
		kk[a * (COORD__COUNT + 1) + COORD__COUNT] = g->s_amp[a];
	}
	bd->kk = kk;
	g->n_pairs = g->n_candidates;
	return CIB_OK;
}

/* Benjamini-Hochberg within each component over all its pairs (pairs
 * never enumerated have p = 1 and only enlarge the family): keeps the
 * passing ones of cand[0..n), sorted by (a, b), sets every component's
 * cutoff and the graph's largest; returns how many are kept. */
static size_t bh_keep(struct coord_graph *g, double fdr,
		      struct coord_edge *cand, size_t n)
{
	size_t keep = 0;

	if (n)
		qsort_r(cand, n, sizeof(*cand), cmp_edge_cp, g->comp);
	for (size_t c = 0; c < g->n_comps; c++)
		g->comps[c].log10_cutoff =
			log10(fdr / (g->comps[c].n_tests > 0
					     ? g->comps[c].n_tests
					     : 1));
	g->log10_cutoff = -INFINITY;
	for (size_t i = 0; i < n;) {
		uint32_t c = g->comp[cand[i].a];
		double m = g->comps[c].n_tests;
		size_t e = i, kc = 0;

		while (e < n && g->comp[cand[e].a] == c)
			e++;
		for (size_t r = 0; r < e - i; r++)
			if (cand[i + r].log10p <=
			    log10(fdr * (double)(r + 1) / m))
				kc = r + 1;
		if (kc)
			g->comps[c].log10_cutoff =
				log10(fdr * (double)kc / m);
		memmove(cand + keep, cand + i, kc * sizeof(*cand));
		keep += kc;
		i = e;
	}
	for (size_t c = 0; c < g->n_comps; c++)
		if (g->comps[c].log10_cutoff > g->log10_cutoff)
			g->log10_cutoff = g->comps[c].log10_cutoff;
	if (g->n_comps == 0)
		g->log10_cutoff = log10(fdr);
	if (keep)
		qsort(cand, keep, sizeof(*cand), cmp_edge_ab);
	return keep;
}

/* The candidates of every bucket in one array (bucket order). */
static enum cib_err cand_collect(struct build *bd, struct coord_edge **out,
				 size_t *n_out)
{
	struct coord_edge *cand;
	size_t n = 0;

	for (size_t d = 0; d < bd->n_buckets; d++)
		n += bd->cand[d].n;
	cand = malloc((n + 1) * sizeof(*cand));
	if (!cand)
		return CIB_ENOMEM;
	n = 0;
	for (size_t d = 0; d < bd->n_buckets; d++) {
		if (bd->cand[d].n)
			memcpy(cand + n, bd->cand[d].v,
			       bd->cand[d].n * sizeof(*cand));
		n += bd->cand[d].n;
	}
	*out = cand;
	*n_out = n;
	return CIB_OK;
}

/* Codes in the workers' blocks. */
static size_t codes_held(const struct build *bd)
{
	size_t n = 0;

	for (int i = 0; i < COORD_WORKERS; i++) {
		const struct codes *c = &bd->w[i].out;

		for (size_t j = 0; j < c->n_blk; j++)
			n += j + 1 < c->n_blk ? BLOCK_LEN : c->fill;
	}
	return n;
}

/* Every worker's codes and side co-actions moved into two arrays
 * (malloc'd), the workers' lists emptied. */
static enum cib_err take_codes(struct build *bd, uint64_t **codes, size_t *nc,
			       struct coord_side **side, size_t *ns)
{
	size_t n = codes_held(bd), m = 0;

	for (int i = 0; i < COORD_WORKERS; i++)
		m += bd->w[i].n_side;
	*codes = malloc((n + 1) * sizeof(**codes));
	*side = malloc((m + 1) * sizeof(**side));
	if (!*codes || !*side) {
		free(*codes);
		free(*side);
		*codes = NULL;
		*side = NULL;
		return CIB_ENOMEM;
	}
	*nc = *ns = 0;
	for (int i = 0; i < COORD_WORKERS; i++) {
		struct worker *w = &bd->w[i];

		for (size_t j = 0; j < w->out.n_blk; j++) {
			size_t len = j + 1 < w->out.n_blk ? BLOCK_LEN
							  : w->out.fill;

			memcpy(*codes + *nc, w->out.blk[j],
			       len * sizeof(**codes));
			*nc += len;
		}
		codes_release(&w->out);
		for (size_t j = 0; j < w->n_side; j++)
			(*side)[(*ns)++] = (struct coord_side){
				w->side[j].code, w->side[j].pa, w->side[j].pb };
		w->n_side = 0;
	}
	return CIB_OK;
}

/* The pair phase in this process: every code into pairs, every pair
 * tested; the candidates that can pass BH in *cand. */
static enum cib_err pairs_local(struct build *bd, struct coord_edge **cand,
				size_t *n_cand)
{
	uint64_t dup[COORD__COUNT] = { 0 };
	enum cib_err err = side_codes(bd, dup);

	if (err)
		return err;
	for (int t = 0; t < COORD__COUNT; t++)
		bd->g->stats[t].candidate_pairs -= dup[t];
	err = build_sort(bd, codes_held(bd));
	if (!err)
		err = tests_prepare(bd);
	if (!err)
		err = run_phase(bd, PH_TESTS, bd->n_buckets);
	return err ? err : cand_collect(bd, cand, n_cand);
}

/* The pair phase on the pairs' owners (coord_shard.pairs): this
 * process's own codes and side co-actions handed over, the owners'
 * results taken back. */
static enum cib_err pairs_sharded(struct build *bd, struct coord_edge **cand,
				  size_t *n_cand)
{
	const struct coord_shard *sh = bd->o->shard;
	struct coord_graph *g = bd->g;
	uint64_t *codes;
	struct coord_side *side;
	size_t nc, ns;
	struct coord_pairs_in in;
	struct coord_pairs_res res;
	enum cib_err err = take_codes(bd, &codes, &nc, &side, &ns);

	if (err)
		return err;
	memset(&in, 0, sizeof(in));
	in.n_accounts = bd->n_accounts;
	in.n_comps = g->n_comps;
	in.comp = g->comp;
	in.comps = g->comps;
	for (int t = 0; t < COORD__COUNT; t++)
		in.k[t] = g->k[t];
	in.s_amp = g->s_amp;
	in.o = bd->o;
	memset(&res, 0, sizeof(res));
	err = sh->pairs(sh->ctx, &in, codes, nc, side, ns, &res);
	if (err) {
		free(res.pairs);
		free(res.cand);
		free(res.n_candidates);
		return err;
	}
	g->pairs = res.pairs;
	g->n_pairs = res.n_pairs;
	g->pair_shard = sh;
	g->n_candidates = 0;
	for (size_t c = 0; c < g->n_comps; c++) {
		g->comps[c].n_candidates = res.n_candidates[c];
		g->n_candidates += res.n_candidates[c];
	}
	for (int t = 0; t < COORD__COUNT; t++)
		g->stats[t].candidate_pairs -= res.dup[t];
	free(res.n_candidates);
	*cand = res.cand;
	*n_cand = res.n_cand;
	return CIB_OK;
}

enum cib_err coord_build(struct coord_events *ev, size_t n_accounts,
			 const struct coord_opts *o, struct coord_graph *g)
{
	struct build bd;
	struct coord_edge *cand = NULL;
	size_t n_all = 0, n_cand = 0;
	enum cib_err err = CIB_OK;

	memset(g, 0, sizeof(*g));
	err = build_init(&bd, ev, n_accounts, o, g);
	if (err)
		goto fail;
	err = build_scan(&bd);
	if (err)
		goto fail;
	comp_rates(g);
	for (size_t c = 0; c < g->n_comps; c++)
		g->n_tests += g->comps[c].n_tests;
	err = o->shard && o->shard->pairs
		      ? pairs_sharded(&bd, &cand, &n_cand)
		      : pairs_local(&bd, &cand, &n_cand);
	if (err)
		goto fail;
	for (int t = 0; t < COORD__COUNT; t++)
		n_all += g->stats[t].candidate_pairs;
	g->code_bytes = (uint64_t)n_all * sizeof(uint64_t);
	build_release(&bd);
	g->edges = cand;
	g->n_edges = bh_keep(g, o->fdr, cand, n_cand);
	return CIB_OK;
fail:
	build_release(&bd);
	free(cand);
	coord_graph_release(g);
	return err;
}

/* One owner's pair phase between its two steps. */
struct coord_pairs_part {
	struct build bd;
	struct coord_graph g; /* comp, k and s_amp borrowed from the input */
};

int coord_pair_owner(uint64_t code, int n)
{
	uint64_t x = code >> TL_BITS;

	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDull;
	x ^= x >> 33;
	x *= 0xC4CEB9FE1A85EC53ull;
	x ^= x >> 33;
	return (int)(x % (uint64_t)n);
}

void coord_pairs_free(struct coord_pairs_part *pp)
{
	if (!pp)
		return;
	build_release(&pp->bd);
	free(pp->g.comps);
	free(pp->g.pairs);
	free(pp);
}

#define PAIRS_DISCARD ((size_t)1 << 20) /* codes */

enum cib_err coord_pairs_count(const struct coord_pairs_in *in,
			       uint64_t *codes, size_t n_codes,
			       const struct coord_side *side, size_t n_side,
			       uint64_t *counts, uint64_t *dup,
			       struct coord_pairs_part **out)
{
	struct coord_pairs_part *pp = calloc(1, sizeof(*pp));
	struct build *bd;
	struct coord_graph *g;
	enum cib_err err = CIB_ENOMEM;

	*out = NULL;
	if (!pp)
		return CIB_ENOMEM;
	bd = &pp->bd;
	g = &pp->g;
	g->n_accounts = in->n_accounts;
	g->n_comps = in->n_comps;
	g->comp = (uint32_t *)in->comp;
	g->s_amp = (uint32_t *)in->s_amp;
	for (int t = 0; t < COORD__COUNT; t++)
		g->k[t] = in->k[t];
	g->comps = malloc((in->n_comps + 1) * sizeof(*g->comps));
	if (!g->comps)
		goto fail;
	if (in->n_comps)
		memcpy(g->comps, in->comps, in->n_comps * sizeof(*g->comps));
	for (size_t c = 0; c < in->n_comps; c++)
		g->comps[c].n_candidates = 0;
	err = build_base(bd, in->n_accounts, in->o, g);
	if (err)
		goto fail;
	err = CIB_ENOMEM;
	for (size_t i = 0, gone = 0; i < n_codes; i++) {
		int r = codes_push(bd, &bd->w[0].out, codes[i]);

		if (r) {
			err = push_err(r);
			goto fail;
		}
		/* what is copied goes back, 8 MB at a time: at 2 ranks of
		 * 10M posts one owner's codes are 0.6 GB */
		if (i + 1 - gone >= PAIRS_DISCARD || i + 1 == n_codes) {
			bigmem_discard(codes + gone,
				       (i + 1 - gone) * sizeof(*codes));
			gone = i + 1;
		}
	}
	for (size_t i = 0; i < n_side; i++)
		if (push_side(&bd->w[0], side[i].code, side[i].pa, side[i].pb))
			goto fail;
	err = side_codes(bd, dup);
	if (!err)
		err = build_sort(bd, codes_held(bd));
	if (err)
		goto fail;
	for (size_t c = 0; c < in->n_comps; c++)
		counts[c] += g->comps[c].n_candidates;
	*out = pp;
	return CIB_OK;
fail:
	coord_pairs_free(pp);
	return err;
}

enum cib_err coord_pairs_test(struct coord_pairs_part *pp,
			      const uint64_t *n_candidates,
			      struct coord_pair **pairs, size_t *n_pairs,
			      struct coord_edge **cand, size_t *n_cand)
{
	struct coord_graph *g = &pp->g;
	enum cib_err err;

	for (size_t c = 0; c < g->n_comps; c++)
		g->comps[c].n_candidates = n_candidates[c];
	g->n_candidates = 0;
	err = tests_prepare(&pp->bd);
	if (!err)
		err = run_phase(&pp->bd, PH_TESTS, pp->bd.n_buckets);
	if (!err)
		err = cand_collect(&pp->bd, cand, n_cand);
	if (err)
		return err;
	*pairs = g->pairs;
	*n_pairs = g->n_pairs;
	g->pairs = NULL;
	return CIB_OK;
}

enum cib_err coord_pairs_filter(const struct coord_pair *p, size_t n,
				const int32_t *mem, struct coord_pair **out,
				size_t *n_out)
{
	size_t m = 0;
	struct coord_pair *v;

	for (size_t i = 0; i < n; i++)
		m += mem[p[i].a] >= 0 && mem[p[i].b] >= 0;
	v = realloc(*out, (*n_out + m + 1) * sizeof(*v));
	if (!v)
		return CIB_ENOMEM;
	*out = v;
	for (size_t i = 0; i < n; i++)
		if (mem[p[i].a] >= 0 && mem[p[i].b] >= 0)
			v[(*n_out)++] = p[i];
	return CIB_OK;
}

static int cmp_pair_ab(const void *x, const void *y)
{
	const struct coord_pair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

enum cib_err coord_pairs_among(const struct coord_graph *g,
			       const int32_t *mem, struct coord_pair **out,
			       size_t *n_out)
{
	enum cib_err err;

	*out = NULL;
	*n_out = 0;
	if (!g->pair_shard)
		return coord_pairs_filter(g->pairs, g->n_pairs, mem, out,
					  n_out);
	err = g->pair_shard->among(g->pair_shard->ctx, g, mem, out, n_out);
	if (err) {
		free(*out);
		*out = NULL;
		*n_out = 0;
		return err;
	}
	if (*n_out > 1)
		qsort(*out, *n_out, sizeof(**out), cmp_pair_ab);
	return CIB_OK;
}

void coord_part_release(struct coord_part *p)
{
	if (!p)
		return;
	free(p->codes);
	free(p->side);
	free(p->dense);
	for (int t = 0; t < COORD__COUNT; t++) {
		free(p->wins[t]);
		free(p->k[t]);
	}
	free(p->R);
	memset(p, 0, sizeof(*p));
}

/* The part's results gathered from the workers of bd (after PH_SCAN). */
static enum cib_err part_collect(struct build *bd, struct coord_part *out)
{
	struct coord_graph *g = bd->g;
	size_t nd = 0;

	for (int i = 0; i < COORD_WORKERS; i++)
		nd += bd->w[i].n_dense;
	out->dense = malloc((nd + 1) * sizeof(*out->dense));
	out->R = calloc(g->n_comps * COORD__COUNT * COORD_LEVELS + 1,
			sizeof(*out->R));
	if (!out->dense || !out->R ||
	    take_codes(bd, &out->codes, &out->n_codes, &out->side,
		       &out->n_side))
		return CIB_ENOMEM;
	for (int i = 0; i < COORD_WORKERS; i++) {
		const struct worker *w = &bd->w[i];

		if (w->n_dense)
			memcpy(out->dense + out->n_dense, w->dense,
			       w->n_dense * sizeof(*out->dense));
		out->n_dense += w->n_dense;
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		size_t nw = 0;

		if (t == COORD_AMPLIFY || !bd->o->use_type[t])
			continue;
		for (int i = 0; i < COORD_WORKERS; i++) {
			const struct worker *w = &bd->w[i];

			nw += w->wins[t].n;
			out->st[t].objects += w->st[t].objects;
			out->st[t].shared_objects += w->st[t].shared_objects;
			out->st[t].viral_objects += w->st[t].viral_objects;
			out->st[t].dense_objects += w->st[t].dense_objects;
			out->st[t].pairs_total += w->st[t].pairs_total;
			out->st[t].candidate_pairs += w->st[t].candidate_pairs;
			if (i > 0 && w->k[t])
				for (size_t a = 0; a < bd->n_accounts; a++)
					g->k[t][a] += w->k[t][a];
		}
		out->wins[t] = malloc((nw + 1) * sizeof(*out->wins[t]));
		if (!out->wins[t])
			return CIB_ENOMEM;
		for (int i = 0; i < COORD_WORKERS; i++) {
			const struct worker *w = &bd->w[i];

			if (w->wins[t].n)
				memcpy(out->wins[t] + out->n_wins[t],
				       w->wins[t].v,
				       w->wins[t].n * sizeof(*out->wins[t]));
			out->n_wins[t] += w->wins[t].n;
		}
		out->k[t] = g->k[t]; /* worker 0's, the others added in */
		g->k[t] = NULL;
	}
	for (size_t c = 0; c < g->n_comps; c++)
		for (int t = 0; t < COORD__COUNT; t++)
			for (int j = 0; j < COORD_LEVELS; j++)
				out->R[(c * COORD__COUNT + (size_t)t) *
					       COORD_LEVELS +
				       (size_t)j] = g->comps[c].R[t][j];
	return CIB_OK;
}

enum cib_err coord_scan_part(struct coord_events *ev, size_t n_accounts,
			     const struct coord_opts *o, const uint32_t *comp,
			     size_t n_comps, struct coord_part *out)
{
	struct build bd;
	struct coord_graph g;
	size_t n_types = 0, n_chunks = 0;
	enum cib_err err;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	err = build_init(&bd, ev, n_accounts, o, &g);
	if (err)
		goto out;
	bd.no_amp = 1;
	g.n_comps = n_comps;
	g.comp = malloc((n_accounts + 1) * sizeof(*g.comp));
	g.comps = calloc(n_comps + 1, sizeof(*g.comps));
	if (!g.comp || !g.comps) {
		err = CIB_ENOMEM;
		goto out;
	}
	if (n_accounts)
		memcpy(g.comp, comp, n_accounts * sizeof(*g.comp));
	for (int t = 0; t < COORD__COUNT; t++)
		if (o->use_type[t] && t != COORD_AMPLIFY)
			bd.types[n_types++] = t;
	err = build_chunks(&bd, n_types, 0, &n_chunks);
	if (!err)
		err = run_phase(&bd, PH_SCAN, n_chunks);
	if (!err)
		err = part_collect(&bd, out);
out:
	build_release(&bd);
	coord_graph_release(&g);
	if (err)
		coord_part_release(out);
	return err;
}
