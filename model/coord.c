/* coord.c - co-action counting by sort-and-scan, and the Poisson null.
 *
 * Invariants: after coord_build, every list in ev[] of a used type is
 * sorted by (obj, time, acc); edges[] holds only pairs that passed
 * Benjamini-Hochberg, sorted by (a, b) with a < b. Work per object is
 * bounded by its events inside the window, and objects with more than
 * max_actors accounts are never enumerated (see coord.h for why that loses
 * no evidence). The build runs on two threads, and nothing it returns
 * depends on how their jobs interleaved (see "the build" below): the same
 * events give the same graph, bit for bit.
 */
#include "coord.h"

#include "core/bigmem.h"
#include "core/sortu64.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
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
	free(e->minutes);
	memset(e, 0, sizeof(*e));
}

enum cib_err coord_events_add(struct coord_events *e, uint64_t obj,
			      int64_t time, uint32_t acc, int minutes)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 4096;
		uint64_t *o = bigmem_realloc(e->obj, nc * sizeof(*o));
		int64_t *t;
		uint32_t *a;
		uint8_t *m;

		if (!o)
			return CIB_ENOMEM;
		e->obj = o;
		t = bigmem_realloc(e->time, nc * sizeof(*t));
		if (!t)
			return CIB_ENOMEM;
		e->time = t;
		a = bigmem_realloc(e->acc, nc * sizeof(*a));
		if (!a)
			return CIB_ENOMEM;
		e->acc = a;
		m = bigmem_realloc(e->minutes, nc * sizeof(*m));
		if (!m)
			return CIB_ENOMEM;
		e->minutes = m;
		e->cap = nc;
	}
	e->obj[e->n] = obj;
	e->time[e->n] = time;
	e->acc[e->n] = acc;
	e->minutes[e->n] = (uint8_t)(minutes != 0);
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
	/* copied text spreads slower than one-click reposts: operators paste
	 * the same narrative over hours (docs/model.md) */
	o->window_min[COORD_TEXT] = 3600;
	o->window_max[COORD_TEXT] = 6 * 3600;
	o->fdr = 0.01;
	o->max_actors = 1000;
	/* one coincidence is never evidence: co-actions crowd onto popular
	 * objects (overdispersion the Poisson null does not model), which makes
	 * a single one look rarer than it is */
	o->min_coactions = 2;
}

struct ev {
	uint64_t obj;
	int64_t time;
	uint32_t acc;
	uint8_t minutes;
};

/* Field f of an event as an unsigned offset from base: 0 acc, 1 time,
 * 2 obj. Offsets keep the order of the values. */
static uint64_t ev_field(const struct ev *e, int f, uint64_t base)
{
	return f == 0 ? e->acc : f == 1 ? (uint64_t)e->time - base
					: e->obj - base;
}

/* Sorts e by (obj, time, acc): LSD radix passes of 11 bits over the bits
 * each field's range spans, least significant field first; every pass is
 * stable, so equal events keep their order (as qsort's merge sort did).
 * Passes whose digit is the same for every event are skipped. */
static enum cib_err sort_events(struct coord_events *e)
{
	struct ev *v, *buf, *a, *b;
	size_t n = e->n;
	uint64_t base[3] = { 0, 0, 0 }, span[3] = { 0, 0, 0 };
	size_t count[1u << 11];

	if (n < 2)
		return CIB_OK;
	v = bigmem_malloc(n * sizeof(*v));
	buf = bigmem_malloc(n * sizeof(*buf));
	if (!v || !buf) {
		free(v);
		free(buf);
		return CIB_ENOMEM;
	}
	{
		uint32_t amax = 0;
		int64_t tmin = INT64_MAX, tmax = INT64_MIN;
		uint64_t omin = UINT64_MAX, omax = 0;

		for (size_t i = 0; i < n; i++) {
			v[i].obj = e->obj[i];
			v[i].time = e->time[i];
			v[i].acc = e->acc[i];
			v[i].minutes = e->minutes[i];
			amax = e->acc[i] > amax ? e->acc[i] : amax;
			tmin = e->time[i] < tmin ? e->time[i] : tmin;
			tmax = e->time[i] > tmax ? e->time[i] : tmax;
			omin = e->obj[i] < omin ? e->obj[i] : omin;
			omax = e->obj[i] > omax ? e->obj[i] : omax;
		}
		span[0] = amax;
		base[1] = (uint64_t)tmin;
		span[1] = (uint64_t)tmax - (uint64_t)tmin;
		base[2] = omin;
		span[2] = omax - omin;
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
	for (size_t i = 0; i < n; i++) {
		e->obj[i] = a[i].obj;
		e->time[i] = a[i].time;
		e->acc[i] = a[i].acc;
		e->minutes[i] = a[i].minutes;
	}
	free(v);
	free(buf);
	return CIB_OK;
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
			if (ev->acc[j] != ev->acc[i]) {
				d[nd++] = ev->time[j] - ev->time[i];
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

/* growable uint64 vector */
struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

static int u64_push(struct u64vec *p, uint64_t x)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 1024;
		uint64_t *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = x;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static size_t sort_unique_u64(uint64_t *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[k])
			v[++k] = v[i];
	return k + 1;
}

/* Compares times of two events, in minutes when either has minute
 * precision: an archive that floors times to the minute cannot tell 10 s
 * from 50 s, so a window of w seconds becomes ceil(w/60) minute steps. */
static int within(int64_t ti, int mi, int64_t tj, int mj, int64_t w)
{
	if (mi || mj) {
		int64_t a = ti >= 0 ? ti / 60 : -((-ti + 59) / 60);
		int64_t b = tj >= 0 ? tj / 60 : -((-tj + 59) / 60);

		return b - a <= (w + 59) / 60;
	}
	return tj - ti <= w;
}

/* Median repost delay, clamped: the amplification window. */
static int64_t amplify_window(const struct coord_events *ev, int64_t lo,
			      int64_t hi)
{
	int64_t *d = malloc((ev->n + 1) * sizeof(*d)), w;
	size_t n = 0;

	if (!d)
		return hi;
	for (size_t i = 0; i < ev->n; i++)
		if (ev->time[i] >= 0)
			d[n++] = ev->time[i];
	if (n == 0) {
		free(d);
		return hi;
	}
	w = select_i64(d, n, n / 2);
	free(d);
	return w < lo ? lo : w > hi ? hi : w;
}

static int cmp_edge_p(const void *a, const void *b)
{
	const struct coord_edge *x = a, *y = b;

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

static void pooled(const uint32_t *x, const double *lam, uint32_t *total,
		   double *lambda)
{
	*total = pooled_x(x);
	*lambda = pooled_lambda(lam);
}

uint32_t coord_pooled_count(const uint32_t *x)
{
	return pooled_x(x);
}

double coord_lambda_sets(const struct coord_graph *g, const double *Ka,
			 double Sa, const double *Kb, double Sb)
{
	double lam[COORD__COUNT], l;
	uint32_t x[COORD__COUNT] = { 0 }, tx;

	for (int t = 0; t < COORD__COUNT; t++)
		lam[t] = Ka[t] * Kb[t] * g->rate[t];
	lam[COORD_AMPLIFY] = (Ka[COORD_AMPLIFY] * Sb + Kb[COORD_AMPLIFY] * Sa) *
			     g->rate[COORD_AMPLIFY];
	pooled(x, lam, &tx, &l);
	return l;
}

double coord_lambda_with(const struct coord_graph *g, uint32_t a,
			 const double *K, double S)
{
	double ka[COORD__COUNT];

	for (int t = 0; t < COORD__COUNT; t++)
		ka[t] = (double)g->k[t][a];
	return coord_lambda_sets(g, ka, (double)g->s_amp[a], K, S);
}

/* ---- the build ----
 *
 * Five phases, each a list of independent jobs that COORD_WORKERS workers
 * take from a shared counter: (1) sort each type's events and fix its
 * window; (2) scan runs of whole objects, emitting one code per
 * within-window pair, code = (a << bits | b) << 3 | type; (3) spread the
 * codes into buckets by their top bits; (4) sort each bucket and count its
 * distinct pairs; (5) test each pair. A job's result never depends on which
 * worker ran it or when: per-worker counts are sums of whole numbers (in
 * doubles too, exact far below 2^53), codes are sorted by their whole value
 * (equal codes are equal bits) before anything reads their order, and
 * buckets hand on their pairs and candidate edges in bucket order, so the
 * graph is the same for every schedule. */

#define COORD_WORKERS 2
#define TYPE_BITS 3
#define CHUNK_EVENTS ((size_t)1 << 15) /* events per scan job, at least */
#define BLOCK_LEN ((size_t)1 << 20)    /* codes per output block */
#define BUCKET_BITS_MAX 11
#define BUCKET_TARGET ((size_t)1 << 14) /* codes per bucket: fits L2 */

_Static_assert(COORD__COUNT <= 1 << TYPE_BITS, "type must fit TYPE_BITS");

/* Pair codes as a list of fixed blocks: grows without copying. */
struct codes {
	uint64_t **blk;
	size_t n_blk, cap_blk, fill; /* fill: codes in the last block */
};

static int codes_push(struct codes *c, uint64_t x)
{
	if (c->n_blk == 0 || c->fill == BLOCK_LEN) {
		uint64_t *b;

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

struct build;

struct worker {
	struct build *bd;
	int own_k;
	uint32_t *k[COORD__COUNT]; /* worker 0: the graph's own; others
				      (own_k): their own, added in after */
	struct coord_type_stats st[COORD__COUNT]; /* this worker's share */
	int64_t *last;  /* per account: last kept event time, or INT64_MIN */
	uint32_t *seen; /* per account: stamp of the last look at it */
	uint32_t stamp;
	uint32_t *accs; /* one object's distinct accounts */
	size_t *kept;   /* one object's events left after collapsing bursts */
	size_t cap;
	struct u64vec tmp;
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
	double rate[COORD__COUNT];
	double log10_bound;
	struct edgevec *cand; /* per bucket */
	struct worker w[COORD_WORKERS];
};

static int worker_reserve(struct worker *w, size_t n)
{
	uint32_t *a;
	size_t *k;

	if (n <= w->cap)
		return 0;
	a = realloc(w->accs, n * sizeof(*a));
	if (!a)
		return -1;
	w->accs = a;
	k = realloc(w->kept, n * sizeof(*k));
	if (!k)
		return -1;
	w->kept = k;
	w->cap = n;
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

static void worker_release(struct worker *w)
{
	if (w->own_k)
		for (int t = 0; t < COORD__COUNT; t++)
			free(w->k[t]);
	free(w->last);
	free(w->seen);
	free(w->accs);
	free(w->kept);
	free(w->tmp.v);
	free(w->scratch);
	codes_release(&w->out);
}

static uint32_t *worker_k(struct worker *w, int t)
{
	if (!w->k[t])
		w->k[t] = calloc(w->bd->n_accounts + 1, sizeof(*w->k[t]));
	return w->k[t];
}

static inline uint64_t pair_code(const struct build *bd, uint32_t a,
				 uint32_t c, int t)
{
	uint64_t key = a < c ? (uint64_t)a << bd->bits | c
			     : (uint64_t)c << bd->bits | a;

	return key << TYPE_BITS | (uint64_t)t;
}

/* PH_SORT: sorts type t's events and fixes its window. */
static enum cib_err job_sort(struct build *bd, int t)
{
	struct coord_events *ev = &bd->ev[t];
	struct coord_type_stats *st = &bd->g->stats[t];
	const struct coord_opts *o = bd->o;
	int64_t w = o->window[t];
	enum cib_err err = sort_events(ev);

	if (err)
		return err;
	if (w <= 0) {
		w = t == COORD_AMPLIFY
			    ? amplify_window(ev, o->window_min[t],
					     o->window_max[t])
			    : coord_estimate_window(ev, o->window_min[t],
						    o->window_max[t]);
		st->window_estimated = 1;
	}
	st->window = w;
	st->events = ev->n;
	return CIB_OK;
}

/* PH_SCAN, COORD_AMPLIFY: direct pairs from quick reposts (see coord.h);
 * events are sorted by (author, delay, reposter). One job does them all,
 * so it alone writes the graph's s_amp. */
static enum cib_err scan_amplify(struct worker *w, const struct scan_chunk *c)
{
	const struct coord_events *ev = &w->bd->ev[c->t];
	int64_t win = w->bd->g->stats[c->t].window;
	uint32_t *k = worker_k(w, c->t), *s = w->bd->g->s_amp;
	struct coord_type_stats *st = &w->st[c->t];

	if (!k)
		return CIB_ENOMEM;
	for (size_t i = c->lo; i < c->hi; i++) {
		uint32_t a = ev->acc[i], b = (uint32_t)ev->obj[i];
		int64_t lim = ev->minutes[i] ? (win + 59) / 60 * 60 : win;

		if (i == 0 || ev->obj[i] != ev->obj[i - 1])
			st->objects++;
		if (ev->time[i] < 0 || ev->time[i] > lim || a == b)
			continue;
		k[a]++;
		s[b]++;
		st->pairs_total += 1;
		st->candidate_pairs++;
		if (codes_push(&w->out, pair_code(w->bd, a, b, c->t)))
			return CIB_ENOMEM;
	}
	return CIB_OK;
}

/* PH_SCAN, other types: appends each object's distinct within-window pairs
 * as codes, counts each account's distinct objects in k, and the type's
 * statistics into this worker's share. */
static enum cib_err scan_chunk(struct worker *w, const struct scan_chunk *c)
{
	struct build *bd = w->bd;
	const struct coord_events *ev = &bd->ev[c->t];
	int64_t win = bd->g->stats[c->t].window;
	uint32_t *k = worker_k(w, c->t);
	struct coord_type_stats *st = &w->st[c->t];
	size_t i = c->lo;

	if (!k)
		return CIB_ENOMEM;
	while (i < c->hi) {
		size_t e = i, nd = 0, nk = 0, left = 0, np = 0;
		uint32_t stamp, once, twice;
		int repeat = 0;

		while (e < c->hi && ev->obj[e] == ev->obj[i])
			e++;
		st->objects++;
		if (worker_reserve(w, e - i))
			return CIB_ENOMEM;
		stamp = worker_stamp(w);
		for (size_t j = i; j < e; j++) {
			uint32_t a = ev->acc[j];

			if (w->seen[a] != stamp) {
				w->seen[a] = stamp;
				w->accs[nd++] = a;
			}
		}
		if (nd > bd->o->max_actors) {
			/* viral: a pair can co-act on it at most once, while
			 * the Poisson rate would credit it with (d/M)^2 k_a
			 * k_b, far above 1; it is left out of k, M and T */
			st->viral_objects++;
			i = e;
			continue;
		}
		for (size_t j = 0; j < nd; j++)
			k[w->accs[j]]++;
		if (nd < 2) {
			i = e;
			continue;
		}
		st->shared_objects++;
		/* one account's burst on one object counts once per window;
		 * an account kept twice (seen[] = twice) can repeat its pairs,
		 * which then go through a sort; every other pair is unique */
		once = worker_stamp(w);
		twice = worker_stamp(w);
		for (size_t j = i; j < e; j++) {
			uint32_t a = ev->acc[j];

			if (w->last[a] != INT64_MIN &&
			    within(w->last[a], ev->minutes[j], ev->time[j],
				   ev->minutes[j], win))
				continue;
			w->last[a] = ev->time[j];
			w->kept[nk++] = j;
			if (w->seen[a] == once || w->seen[a] == twice) {
				w->seen[a] = twice;
				repeat = 1;
			} else {
				w->seen[a] = once;
			}
		}
		for (size_t j = i; j < e; j++)
			w->last[ev->acc[j]] = INT64_MIN;
		w->tmp.n = 0;
		for (size_t j = 0; j < nk; j++) {
			size_t x = w->kept[j];
			uint32_t cx = ev->acc[x];

			while (!within(ev->time[w->kept[left]],
				       ev->minutes[w->kept[left]], ev->time[x],
				       ev->minutes[x], win))
				left++;
			for (size_t l = left; l < j; l++) {
				uint32_t a = ev->acc[w->kept[l]];
				uint64_t code;

				if (a == cx)
					continue;
				code = pair_code(bd, a, cx, c->t);
				if (repeat && (w->seen[a] == twice ||
					       w->seen[cx] == twice)) {
					if (u64_push(&w->tmp, code))
						return CIB_ENOMEM;
					continue;
				}
				if (codes_push(&w->out, code))
					return CIB_ENOMEM;
				np++;
			}
		}
		if (w->tmp.n) {
			size_t nu = sort_unique_u64(w->tmp.v, w->tmp.n);

			for (size_t j = 0; j < nu; j++)
				if (codes_push(&w->out, w->tmp.v[j]))
					return CIB_ENOMEM;
			np += nu;
		}
		st->pairs_total += (double)np;
		st->candidate_pairs += np;
		i = e;
	}
	return CIB_OK;
}

static size_t bucket_of(const struct build *bd, uint64_t code)
{
	return (size_t)(code >> bd->shift);
}

/* PH_BUCKETS: LSD radix sort of one bucket on the code bits below the
 * bucket's, then its distinct pairs counted. */
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
		if (i == 0 || a[i] >> TYPE_BITS != a[i - 1] >> TYPE_BITS)
			distinct++;
	bd->poff[d] = distinct;
	return CIB_OK;
}


/* 1 when log10 P(X >= x), X ~ Poisson(lambda), is certainly above `bound`:
 * the point mass at x is a lower bound of the tail, and it must clear the
 * bound by 0.01 (2.3% in p), far more than the rounding of either this or
 * coord_log10_poisson_tail. 0 means: compute the tail. */
static int tail_surely_above(const struct build *bd, uint32_t x,
			     double lambda, double bound)
{
	double lp, lf;

	if (!(lambda > 0) || x == 0)
		return 0;
	lf = x < 256 ? bd->lnfact[x] : gsl_sf_lngamma(x + 1.0);
	lp = ((double)x * log(lambda) - lambda - lf) / log(10.0);
	return lp > bound + 0.01;
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
	const size_t S = COORD__COUNT + 1;
	/* a lone co-action has p = 1 when below min_coactions */
	int one_cannot_pass = 1 < min_x && !(0.0 <= bd->log10_bound);

	for (size_t i = bd->bstart[d]; i < hi;) {
		uint64_t key = a[i] >> TYPE_BITS;
		struct coord_edge ed;
		uint32_t total;
		size_t e = i;

		if (one_cannot_pass &&
		    (i + 1 == hi || a[i + 1] >> TYPE_BITS != key)) {
			/* the common case: one co-action, pooled count 1 */
			g->pairs[p].a = (uint32_t)(key >> bd->bits);
			g->pairs[p].b = (uint32_t)(key & mask);
			g->pairs[p].x = 1;
			p++;
			i++;
			continue;
		}
		memset(&ed, 0, sizeof(ed));
		ed.a = (uint32_t)(key >> bd->bits);
		ed.b = (uint32_t)(key & mask);
		for (; e < hi && a[e] >> TYPE_BITS == key; e++)
			ed.x[a[e] & ((1u << TYPE_BITS) - 1)]++;
		i = e;
		total = pooled_x(ed.x);
		g->pairs[p].a = ed.a;
		g->pairs[p].b = ed.b;
		g->pairs[p].x = total;
		p++;
		if (total < min_x && !(0.0 <= bd->log10_bound))
			continue; /* p = 1 cannot pass */
		{
			const uint32_t *ka = bd->kk + ed.a * S;
			const uint32_t *kb = bd->kk + ed.b * S;
			double lam[COORD__COUNT];

			for (int t = 0; t < COORD__COUNT; t++)
				lam[t] = (double)ka[t] * kb[t] * bd->rate[t];
			lam[COORD_AMPLIFY] =
				((double)ka[COORD_AMPLIFY] * kb[COORD__COUNT] +
				 (double)kb[COORD_AMPLIFY] * ka[COORD__COUNT]) *
				bd->rate[COORD_AMPLIFY];
			pooled(ed.x, lam, &total, &ed.lambda);
		}
		if (total < min_x)
			ed.log10p = 0.0;
		else if (tail_surely_above(bd, total, ed.lambda,
					   bd->log10_bound))
			continue;
		else
			ed.log10p = coord_log10_poisson_tail(total, ed.lambda);
		if (ed.log10p <= bd->log10_bound &&
		    edgevec_push(&bd->cand[d], &ed))
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
static enum cib_err run_phase(struct build *bd, enum build_phase ph,
			      size_t n_jobs)
{
	pthread_t th[COORD_WORKERS];
	int started[COORD_WORKERS] = { 0 };

	bd->phase = ph;
	bd->n_jobs = n_jobs;
	atomic_store(&bd->next, 0);
	for (int i = 1; i < COORD_WORKERS && n_jobs > 1; i++)
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

/* Phases 1 and 2: sorted events, k, the types' statistics, and every
 * worker's codes. */
static enum cib_err build_scan(struct build *bd)
{
	struct coord_graph *g = bd->g;
	size_t n_types = 0, n_chunks = 0, cap = 0;
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
	err = run_phase(bd, PH_SORT, n_types);
	if (err)
		return err;
	for (size_t i = 0; i < n_types; i++) {
		int t = bd->types[i];
		const struct coord_events *ev = &bd->ev[t];

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
	err = run_phase(bd, PH_SCAN, n_chunks);
	if (err)
		return err;
	for (int i = 0; i < COORD_WORKERS; i++) {
		const struct worker *w = &bd->w[i];

		for (int t = 0; t < COORD__COUNT; t++) {
			struct coord_type_stats *st = &g->stats[t];

			st->objects += w->st[t].objects;
			st->shared_objects += w->st[t].shared_objects;
			st->viral_objects += w->st[t].viral_objects;
			st->pairs_total += w->st[t].pairs_total;
			st->candidate_pairs += w->st[t].candidate_pairs;
			if (i > 0 && w->k[t])
				for (size_t a = 0; a < bd->n_accounts; a++)
					g->k[t][a] += w->k[t][a];
		}
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		struct coord_type_stats *st = &g->stats[t];

		if (!bd->o->use_type[t])
			continue;
		if (t == COORD_AMPLIFY) {
			st->shared_objects = st->objects;
			st->actions = st->pairs_total;
			continue;
		}
		for (size_t a = 0; a < bd->n_accounts; a++)
			st->actions += g->k[t][a];
	}
	return CIB_OK;
}

/* Phases 3 and 4: the workers' codes gathered into bd->all, bucket by
 * bucket, each bucket sorted; poff[] its distinct pairs. */
static enum cib_err build_sort(struct build *bd, size_t n_all)
{
	unsigned total_bits = 2 * bd->bits + TYPE_BITS, nb = 0;
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
	if (bd->cand)
		for (size_t d = 0; d < bd->n_buckets; d++)
			free(bd->cand[d].v);
	free(bd->cand);
	free(bd->chunks);
}

enum cib_err coord_build(struct coord_events *ev, size_t n_accounts,
			 const struct coord_opts *o, struct coord_graph *g)
{
	struct build bd;
	struct coord_edge *cand = NULL;
	size_t n_all = 0, n_cand = 0;
	uint8_t *active = NULL;
	uint32_t *kk = NULL;
	enum cib_err err = CIB_OK;

	memset(g, 0, sizeof(*g));
	memset(&bd, 0, sizeof(bd));
	bd.ev = ev;
	bd.o = o;
	bd.g = g;
	bd.n_accounts = n_accounts;
	atomic_init(&bd.next, 0);
	atomic_init(&bd.failed, 0);
	bd.bits = 1;
	while (bd.bits < 32 && ((size_t)1 << bd.bits) < n_accounts)
		bd.bits++;
	if (2 * bd.bits + TYPE_BITS > 64)
		return CIB_ETOOBIG; /* over 2^30 accounts */
	for (uint32_t x = 0; x < 256; x++)
		bd.lnfact[x] = gsl_sf_lngamma(x + 1.0);
	g->n_accounts = n_accounts;
	g->s_amp = calloc(n_accounts + 1, sizeof(*g->s_amp));
	if (!g->s_amp) {
		err = CIB_ENOMEM;
		goto fail;
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		g->k[t] = calloc(n_accounts + 1, sizeof(*g->k[t]));
		if (!g->k[t]) {
			err = CIB_ENOMEM;
			goto fail;
		}
	}
	for (int i = 0; i < COORD_WORKERS; i++) {
		struct worker *w = &bd.w[i];

		w->bd = &bd;
		w->own_k = i > 0;
		if (i == 0)
			for (int t = 0; t < COORD__COUNT; t++)
				w->k[t] = g->k[t];
		w->last = malloc((n_accounts + 1) * sizeof(*w->last));
		w->seen = calloc(n_accounts + 1, sizeof(*w->seen));
		if (!w->last || !w->seen) {
			err = CIB_ENOMEM;
			goto fail;
		}
		for (size_t a = 0; a < n_accounts; a++)
			w->last[a] = INT64_MIN;
	}
	err = build_scan(&bd);
	if (err)
		goto fail;
	for (int t = 0; t < COORD__COUNT; t++) {
		struct coord_type_stats *st = &g->stats[t];

		bd.rate[t] = st->actions > 0
				     ? 2.0 * st->pairs_total /
					       (st->actions * st->actions)
				     : 0.0;
		if (t == COORD_AMPLIFY)
			bd.rate[t] = st->pairs_total > 0
					     ? 1.0 / st->pairs_total
					     : 0.0;
		g->rate[t] = bd.rate[t];
		n_all += st->candidate_pairs;
	}
	/* active accounts: acted on at least one object of a used type */
	active = calloc(n_accounts + 1, 1);
	if (!active) {
		err = CIB_ENOMEM;
		goto fail;
	}
	for (int t = 0; t < COORD__COUNT; t++)
		for (size_t a = 0; a < n_accounts; a++)
			if (g->k[t][a])
				active[a] = 1;
	for (size_t a = 0; a < n_accounts; a++)
		if (g->s_amp[a])
			active[a] = 1;
	for (size_t a = 0; a < n_accounts; a++)
		g->n_active += active[a];
	free(active);
	active = NULL;
	g->n_tests = g->n_active > 1
			     ? (double)g->n_active * (double)(g->n_active - 1) / 2
			     : 1.0;
	err = build_sort(&bd, n_all);
	if (err)
		goto fail;
	/* distinct candidate pairs first: the BH cutoff at any rank is at
	 * most fdr * n_candidates / n_tests, so pairs above that bound can
	 * never pass and need not be kept */
	for (size_t d = 0; d < bd.n_buckets; d++) {
		size_t c = bd.poff[d];

		bd.poff[d] = g->n_candidates;
		g->n_candidates += c;
	}
	g->pairs = bigmem_malloc((g->n_candidates + 1) * sizeof(*g->pairs));
	/* per account, k of every type then s_amp: one cache line for the
	 * lookups of a pair's far end */
	kk = bigmem_malloc((n_accounts + 1) * (COORD__COUNT + 1) *
			   sizeof(*kk));
	bd.cand = calloc(bd.n_buckets, sizeof(*bd.cand));
	if (!g->pairs || !kk || !bd.cand) {
		free(kk);
		err = CIB_ENOMEM;
		goto fail;
	}
	for (size_t a = 0; a < n_accounts; a++) {
		for (int t = 0; t < COORD__COUNT; t++)
			kk[a * (COORD__COUNT + 1) + t] = g->k[t][a];
		kk[a * (COORD__COUNT + 1) + COORD__COUNT] = g->s_amp[a];
	}
	bd.kk = kk;
	g->n_pairs = g->n_candidates;
	bd.log10_bound = log10(o->fdr *
			       (double)(g->n_candidates ? g->n_candidates : 1) /
			       g->n_tests);
	err = run_phase(&bd, PH_TESTS, bd.n_buckets);
	if (err)
		goto fail;
	for (size_t d = 0; d < bd.n_buckets; d++)
		n_cand += bd.cand[d].n;
	cand = malloc((n_cand + 1) * sizeof(*cand));
	if (!cand) {
		err = CIB_ENOMEM;
		goto fail;
	}
	n_cand = 0;
	for (size_t d = 0; d < bd.n_buckets; d++) {
		if (bd.cand[d].n)
			memcpy(cand + n_cand, bd.cand[d].v,
			       bd.cand[d].n * sizeof(*cand));
		n_cand += bd.cand[d].n;
	}
	build_release(&bd);
	/* Benjamini-Hochberg over the whole family of n_tests pairs: pairs
	 * never enumerated have p = 1 and only enlarge the family */
	if (n_cand)
		qsort(cand, n_cand, sizeof(*cand), cmp_edge_p);
	{
		size_t keep = 0;

		for (size_t r = 0; r < n_cand; r++)
			if (cand[r].log10p <=
			    log10(o->fdr * (double)(r + 1) / g->n_tests))
				keep = r + 1;
		g->log10_cutoff =
			log10(o->fdr * (double)(keep ? keep : 1) / g->n_tests);
		n_cand = keep;
	}
	if (n_cand)
		qsort(cand, n_cand, sizeof(*cand), cmp_edge_ab);
	g->edges = cand;
	g->n_edges = n_cand;
	return CIB_OK;
fail:
	build_release(&bd);
	free(cand);
	free(active);
	coord_graph_release(g);
	return err;
}
