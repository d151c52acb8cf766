/* coord.c - co-action counting by sort-and-scan, and the Poisson null.
 *
 * Invariants: after coord_build, every list in ev[] is sorted by (obj, time,
 * acc); edges[] holds only pairs that passed Benjamini-Hochberg, sorted by
 * (a, b) with a < b. Work per object is bounded by its events inside the
 * window, and objects with more than max_actors accounts are never
 * enumerated (see coord.h for why that loses no evidence).
 */
#include "coord.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <pthread.h>
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
		uint64_t *o = realloc(e->obj, nc * sizeof(*o));
		int64_t *t;
		uint32_t *a;
		uint8_t *m;

		if (!o)
			return CIB_ENOMEM;
		e->obj = o;
		t = realloc(e->time, nc * sizeof(*t));
		if (!t)
			return CIB_ENOMEM;
		e->time = t;
		a = realloc(e->acc, nc * sizeof(*a));
		if (!a)
			return CIB_ENOMEM;
		e->acc = a;
		m = realloc(e->minutes, nc * sizeof(*m));
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

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->acc < y->acc ? -1 : x->acc > y->acc;
}

static enum cib_err sort_events(struct coord_events *e)
{
	struct ev *v = malloc((e->n + 1) * sizeof(*v));

	if (!v)
		return CIB_ENOMEM;
	for (size_t i = 0; i < e->n; i++) {
		v[i].obj = e->obj[i];
		v[i].time = e->time[i];
		v[i].acc = e->acc[i];
		v[i].minutes = e->minutes[i];
	}
	qsort(v, e->n, sizeof(*v), cmp_ev);
	for (size_t i = 0; i < e->n; i++) {
		e->obj[i] = v[i].obj;
		e->time[i] = v[i].time;
		e->acc[i] = v[i].acc;
		e->minutes[i] = v[i].minutes;
	}
	free(v);
	return CIB_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
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
	qsort(d, nd, sizeof(*d), cmp_i64);
	w = d[nd / 2];
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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct scan_buf {
	uint32_t *accs;  /* distinct-account scratch */
	size_t *kept;    /* event indices kept after collapsing bursts */
	size_t cap;
	int64_t *last;   /* per account: time of its last kept event */
	struct u64vec tmp;
};

static int scan_buf_reserve(struct scan_buf *b, size_t n)
{
	uint32_t *a;
	size_t *k;

	if (n <= b->cap)
		return 0;
	a = realloc(b->accs, n * sizeof(*a));
	if (!a)
		return -1;
	b->accs = a;
	k = realloc(b->kept, n * sizeof(*k));
	if (!k)
		return -1;
	b->kept = k;
	b->cap = n;
	return 0;
}

/* Scans one type's sorted events; appends each object's distinct
 * within-window pairs (a << 32 | b, a < b) to pairs, counts each account's
 * distinct objects in k, and fills the type's statistics. */
static enum cib_err scan_type(const struct coord_events *ev, int64_t w,
			      uint32_t max_actors, size_t n_accounts,
			      uint32_t *k, struct u64vec *pairs,
			      struct coord_type_stats *st)
{
	struct scan_buf b;
	size_t i = 0;
	enum cib_err err = CIB_OK;

	memset(&b, 0, sizeof(b));
	b.last = malloc((n_accounts + 1) * sizeof(*b.last));
	if (!b.last)
		return CIB_ENOMEM;
	for (size_t a = 0; a < n_accounts; a++)
		b.last[a] = INT64_MIN;
	st->events = ev->n;
	while (i < ev->n) {
		size_t e = i, n = 0, nd = 0, nk = 0, left = 0;

		while (e < ev->n && ev->obj[e] == ev->obj[i])
			e++;
		n = e - i;
		st->objects++;
		if (scan_buf_reserve(&b, n)) {
			err = CIB_ENOMEM;
			break;
		}
		for (size_t j = 0; j < n; j++)
			b.accs[j] = ev->acc[i + j];
		qsort(b.accs, n, sizeof(*b.accs), cmp_u32);
		for (size_t j = 0; j < n; j++)
			if (j == 0 || b.accs[j] != b.accs[j - 1])
				nd++;
		if (nd > max_actors) {
			/* viral: a pair can co-act on it at most once, while the
			 * Poisson rate would credit it with (d/M)^2 k_a k_b,
			 * far above 1; it is left out of k, M and T alike */
			st->viral_objects++;
			i = e;
			continue;
		}
		for (size_t j = 0; j < n; j++)
			if (j == 0 || b.accs[j] != b.accs[j - 1])
				k[b.accs[j]]++;
		if (nd < 2) {
			i = e;
			continue;
		}
		st->shared_objects++;
		/* one account's burst on one object counts once per window */
		for (size_t j = i; j < e; j++) {
			uint32_t a = ev->acc[j];

			if (b.last[a] != INT64_MIN &&
			    within(b.last[a], ev->minutes[j], ev->time[j],
				   ev->minutes[j], w))
				continue;
			b.last[a] = ev->time[j];
			b.kept[nk++] = j;
		}
		for (size_t j = i; j < e; j++)
			b.last[ev->acc[j]] = INT64_MIN;
		b.tmp.n = 0;
		for (size_t j = 0; j < nk; j++) {
			size_t x = b.kept[j];

			while (!within(ev->time[b.kept[left]],
				       ev->minutes[b.kept[left]], ev->time[x],
				       ev->minutes[x], w))
				left++;
			for (size_t l = left; l < j; l++) {
				uint32_t a = ev->acc[b.kept[l]];
				uint32_t c = ev->acc[x];
				uint64_t key;

				if (a == c)
					continue;
				key = a < c ? (uint64_t)a << 32 | c
					    : (uint64_t)c << 32 | a;
				if (u64_push(&b.tmp, key)) {
					err = CIB_ENOMEM;
					goto out;
				}
			}
		}
		b.tmp.n = sort_unique_u64(b.tmp.v, b.tmp.n);
		st->pairs_total += (double)b.tmp.n;
		for (size_t j = 0; j < b.tmp.n; j++) {
			if (u64_push(pairs, b.tmp.v[j])) {
				err = CIB_ENOMEM;
				goto out;
			}
		}
		i = e;
	}
out:
	free(b.accs);
	free(b.kept);
	free(b.last);
	free(b.tmp.v);
	return err;
}

/* Direct pairs from quick reposts: see coord.h. Events are sorted by
 * (author, delay, reposter). */
static enum cib_err scan_amplify(const struct coord_events *ev, int64_t w,
				 uint32_t *k, uint32_t *s, struct u64vec *pairs,
				 struct coord_type_stats *st)
{
	st->events = ev->n;
	for (size_t i = 0; i < ev->n; i++) {
		uint32_t a = ev->acc[i], b = (uint32_t)ev->obj[i];
		int64_t lim = ev->minutes[i] ? (w + 59) / 60 * 60 : w;

		if (i == 0 || ev->obj[i] != ev->obj[i - 1])
			st->objects++;
		if (ev->time[i] < 0 || ev->time[i] > lim || a == b)
			continue;
		k[a]++;
		s[b]++;
		st->pairs_total += 1;
		if (u64_push(pairs, a < b ? (uint64_t)a << 32 | b
					  : (uint64_t)b << 32 | a))
			return CIB_ENOMEM;
	}
	st->shared_objects = st->objects;
	return CIB_OK;
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
	qsort(d, n, sizeof(*d), cmp_i64);
	w = d[n / 2];
	free(d);
	return w < lo ? lo : w > hi ? hi : w;
}

struct typed_key {
	uint64_t key;
	uint32_t type;
};

static int cmp_typed(const void *a, const void *b)
{
	const struct typed_key *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->type < y->type ? -1 : x->type > y->type;
}

/* LSD radix sort of candidate keys (a << 32 | b) by key, 11 bits a pass
 * over only the bits account indices use: tens of millions of candidate
 * pairs sort in a few linear passes instead of n log n comparisons. Stable,
 * so equal keys keep their type order. *v may be replaced by the buffer. */
static enum cib_err sort_typed(struct typed_key **v, size_t n,
			       size_t n_accounts)
{
	struct typed_key *a = *v, *b;
	unsigned bits = 1, passes;
	size_t count[1u << 11];

	if (n < 2)
		return CIB_OK;
	while (bits < 32 && ((size_t)1 << bits) < n_accounts)
		bits++;
	b = malloc(n * sizeof(*b));
	if (!b) {
		qsort(a, n, sizeof(*a), cmp_typed);
		return CIB_OK;
	}
	/* digits: the low `bits` of b, then the low `bits` of a (key >> 32) */
	passes = (2 * bits + 10) / 11;
	for (unsigned p = 0; p < passes; p++) {
		unsigned lo = p * 11;
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++) {
			uint64_t k = a[i].key;
			uint64_t packed = (k >> 32) << bits | (k & 0xffffffffu);

			count[(packed >> lo) & 0x7ff]++;
		}
		for (size_t d = 0; d < (1u << 11); d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t k = a[i].key;
			uint64_t packed = (k >> 32) << bits | (k & 0xffffffffu);

			b[count[(packed >> lo) & 0x7ff]++] = a[i];
		}
		{
			struct typed_key *t = a;

			a = b;
			b = t;
		}
	}
	free(b);
	*v = a;
	return CIB_OK;
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
static void pooled(const uint32_t *x, const double *lam, uint32_t *total,
		   double *lambda)
{
	static const int fine[2] = { COORD_LINK, COORD_REPLY_POST };
	static const int coarse[2] = { COORD_DOMAIN, COORD_REPLY_ACCOUNT };
	uint32_t tx = 0;
	double tl = 0;

	for (int t = 0; t < COORD__COUNT; t++) {
		if (t == COORD_DOMAIN || t == COORD_REPLY_ACCOUNT)
			continue;
		tx += x[t];
		tl += lam[t];
	}
	for (int h = 0; h < 2; h++) {
		if (x[coarse[h]] > x[fine[h]])
			tx += x[coarse[h]] - x[fine[h]];
		if (lam[coarse[h]] > lam[fine[h]])
			tl += lam[coarse[h]] - lam[fine[h]];
	}
	*total = tx;
	*lambda = tl;
}

uint32_t coord_pooled_count(const uint32_t *x)
{
	double lam[COORD__COUNT] = { 0 };
	uint32_t tx;
	double tl;

	pooled(x, lam, &tx, &tl);
	return tx;
}

double coord_lambda_with(const struct coord_graph *g, uint32_t a,
			 const double *K, double S)
{
	double lam[COORD__COUNT], l;
	uint32_t x[COORD__COUNT] = { 0 }, tx;

	for (int t = 0; t < COORD__COUNT; t++)
		lam[t] = (double)g->k[t][a] * K[t] * g->rate[t];
	lam[COORD_AMPLIFY] = ((double)g->k[COORD_AMPLIFY][a] * S +
			      K[COORD_AMPLIFY] * g->s_amp[a]) *
			     g->rate[COORD_AMPLIFY];
	pooled(x, lam, &tx, &l);
	return l;
}

struct type_job {
	struct coord_events *ev;
	const struct coord_opts *o;
	struct coord_graph *g;
	struct u64vec *pairs;
	size_t n_accounts;
	int first; /* 0 or 1: every other type from here; -1: all types */
	enum cib_err err;
};

static enum cib_err do_type(struct type_job *j, int t)
{
	struct coord_type_stats *st = &j->g->stats[t];
	int64_t w = j->o->window[t];
	enum cib_err err;

	if (!j->o->use_type[t])
		return CIB_OK;
	err = sort_events(&j->ev[t]);
	if (err)
		return err;
	if (t == COORD_AMPLIFY) {
		if (w <= 0) {
			w = amplify_window(&j->ev[t], j->o->window_min[t],
					   j->o->window_max[t]);
			st->window_estimated = 1;
		}
		st->window = w;
		err = scan_amplify(&j->ev[t], w, j->g->k[t], j->g->s_amp,
				   &j->pairs[t], st);
		st->actions = st->pairs_total;
		return err;
	}
	if (w <= 0) {
		w = coord_estimate_window(&j->ev[t], j->o->window_min[t],
					  j->o->window_max[t]);
		st->window_estimated = 1;
	}
	st->window = w;
	err = scan_type(&j->ev[t], w, j->o->max_actors, j->n_accounts,
			j->g->k[t], &j->pairs[t], st);
	if (err)
		return err;
	for (size_t a = 0; a < j->n_accounts; a++)
		st->actions += j->g->k[t][a];
	return CIB_OK;
}

static void *type_worker(void *arg)
{
	struct type_job *j = arg;
	int step = j->first < 0 ? 1 : 2;

	for (int t = j->first < 0 ? 0 : j->first; t < COORD__COUNT && !j->err;
	     t += step)
		j->err = do_type(j, t);
	return NULL;
}

enum cib_err coord_build(struct coord_events *ev, size_t n_accounts,
			 const struct coord_opts *o, struct coord_graph *g)
{
	struct u64vec pairs[COORD__COUNT];
	struct typed_key *all = NULL;
	struct coord_edge *cand = NULL;
	size_t n_all = 0, n_cand = 0, cap_cand = 0;
	double rate[COORD__COUNT];
	double log10_bound;
	uint8_t *active = NULL;
	enum cib_err err = CIB_OK;

	memset(g, 0, sizeof(*g));
	memset(pairs, 0, sizeof(pairs));
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
	/* the types are independent: two workers take alternate types */
	{
		struct type_job jobs[2];
		pthread_t th;
		int started;

		for (int w = 0; w < 2; w++) {
			jobs[w].ev = ev;
			jobs[w].o = o;
			jobs[w].g = g;
			jobs[w].pairs = pairs;
			jobs[w].n_accounts = n_accounts;
			jobs[w].first = w;
			jobs[w].err = CIB_OK;
		}
		started = pthread_create(&th, NULL, type_worker, &jobs[1]) == 0;
		if (!started)
			jobs[0].first = -1; /* do every type here */
		type_worker(&jobs[0]);
		if (started)
			pthread_join(th, NULL);
		err = jobs[0].err ? jobs[0].err : jobs[1].err;
		if (err)
			goto fail;
	}
	for (int t = 0; t < COORD__COUNT; t++) {
		struct coord_type_stats *st = &g->stats[t];

		rate[t] = st->actions > 0
				  ? 2.0 * st->pairs_total /
					    (st->actions * st->actions)
				  : 0.0;
		if (t == COORD_AMPLIFY)
			rate[t] = st->pairs_total > 0 ? 1.0 / st->pairs_total
						      : 0.0;
		g->rate[t] = rate[t];
		n_all += pairs[t].n;
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
	g->n_tests = g->n_active > 1
			     ? (double)g->n_active * (double)(g->n_active - 1) / 2
			     : 1.0;
	all = malloc((n_all + 1) * sizeof(*all));
	if (!all) {
		err = CIB_ENOMEM;
		goto fail;
	}
	n_all = 0;
	for (int t = 0; t < COORD__COUNT; t++) {
		for (size_t j = 0; j < pairs[t].n; j++) {
			all[n_all].key = pairs[t].v[j];
			all[n_all].type = (uint32_t)t;
			n_all++;
		}
		free(pairs[t].v);
		pairs[t].v = NULL;
		g->stats[t].candidate_pairs = pairs[t].n;
	}
	err = sort_typed(&all, n_all, n_accounts);
	if (err)
		goto fail;
	/* count distinct candidate pairs first: the BH cutoff at any rank is
	 * at most fdr * n_candidates / n_tests, so pairs above that bound can
	 * never pass and need not be kept */
	for (size_t i = 0; i < n_all; i++)
		if (i == 0 || all[i].key != all[i - 1].key)
			g->n_candidates++;
	g->pairs = malloc((g->n_candidates + 1) * sizeof(*g->pairs));
	if (!g->pairs) {
		err = CIB_ENOMEM;
		goto fail;
	}
	log10_bound = log10(o->fdr * (double)(g->n_candidates ? g->n_candidates
								: 1) /
			    g->n_tests);
	for (size_t i = 0; i < n_all;) {
		size_t e = i;
		struct coord_edge ed;
		uint32_t total = 0;

		memset(&ed, 0, sizeof(ed));
		ed.a = (uint32_t)(all[i].key >> 32);
		ed.b = (uint32_t)all[i].key;
		while (e < n_all && all[e].key == all[i].key) {
			ed.x[all[e].type]++;
			e++;
		}
		{
			double lam[COORD__COUNT];

			for (int t = 0; t < COORD__COUNT; t++)
				lam[t] = (double)g->k[t][ed.a] * g->k[t][ed.b] *
					 rate[t];
			lam[COORD_AMPLIFY] =
				((double)g->k[COORD_AMPLIFY][ed.a] *
					 g->s_amp[ed.b] +
				 (double)g->k[COORD_AMPLIFY][ed.b] *
					 g->s_amp[ed.a]) *
				rate[COORD_AMPLIFY];
			pooled(ed.x, lam, &total, &ed.lambda);
		}
		ed.log10p = total < o->min_coactions
				    ? 0.0
				    : coord_log10_poisson_tail(total, ed.lambda);
		g->pairs[g->n_pairs].a = ed.a;
		g->pairs[g->n_pairs].b = ed.b;
		g->pairs[g->n_pairs].x = total;
		g->n_pairs++;
		if (ed.log10p <= log10_bound) {
			if (n_cand == cap_cand) {
				size_t nc = cap_cand ? cap_cand * 2 : 1024;
				struct coord_edge *ne =
					realloc(cand, nc * sizeof(*ne));

				if (!ne) {
					err = CIB_ENOMEM;
					goto fail;
				}
				cand = ne;
				cap_cand = nc;
			}
			cand[n_cand++] = ed;
		}
		i = e;
	}
	free(all);
	all = NULL;
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
	free(active);
	return CIB_OK;
fail:
	for (int t = 0; t < COORD__COUNT; t++)
		free(pairs[t].v);
	free(all);
	free(cand);
	free(active);
	coord_graph_release(g);
	return err;
}
