/* gather.c - the review app's evidence from a run's input (gather.h).
 *
 * Invariants: a post's text identity is XXH3-64 of its normalised text
 * (textnorm_normalise, the normalisation the reuse stage starts from), 0
 * for a post with no words; "copies" of a post are the other accounts with
 * a post of the same identity, counted over the whole input, not only the
 * run's accounts. Hour of the week is UTC, Monday 00:00-00:59 = slot 0.
 * Strings made here live in one arena addressed by offsets until the end,
 * when the pointers are resolved (the arena may move while it grows).
 */
#include "report/gather.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "features/textnorm.h"
#include "features/urlnorm.h"

#define NORM_CAP 8192

struct want_key {
	const char *platform, *account;
	size_t i;
};

static int cmp_want(const void *x, const void *y)
{
	const struct want_key *a = x, *b = y;
	int c = strcmp(a->platform, b->platform);

	return c ? c : strcmp(a->account, b->account);
}

struct pair {
	uint64_t h;
	uint32_t acc;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return a->acc < b->acc ? -1 : a->acc > b->acc;
}

/* first index in p[0..n) with h >= key */
static size_t lower(const struct pair *p, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid].h < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t text_id(const struct dataset *ds, uint32_t j, char *buf)
{
	const char *t = ds_text(ds, j);
	size_t n = textnorm_normalise(t, strlen(t), buf, NORM_CAP);

	return n ? XXH3_64bits(buf, n) | 1 : 0;
}

/* appends s[0..n) and a NUL to the arena (s NULL: n bytes left for the
 * caller to fill); its offset, or SIZE_MAX */
static size_t arena_add(struct gather *g, const char *s, size_t n)
{
	size_t off = g->arena_len;

	if (g->arena_len + n + 1 > g->arena_cap) {
		size_t nc = g->arena_cap ? g->arena_cap : 4096;
		char *na;

		while (nc < g->arena_len + n + 1)
			nc *= 2;
		na = realloc(g->arena, nc);
		if (!na)
			return SIZE_MAX;
		g->arena = na;
		g->arena_cap = nc;
	}
	if (s)
		memcpy(g->arena + off, s, n);
	g->arena[off + n] = '\0';
	g->arena_len += n + 1;
	return off;
}

struct sample {
	uint32_t j, copies;
	int64_t t;
};

static int cmp_sample(const void *x, const void *y)
{
	const struct sample *a = x, *b = y;

	if (a->copies != b->copies)
		return a->copies > b->copies ? -1 : 1;
	if (a->t != b->t)
		return a->t > b->t ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* an object shared in a cluster: (cluster, kind, identity, account) */
struct obj {
	uint32_t cl;
	uint8_t kind; /* 0 text, 1 url, 2 domain */
	uint64_t h;
	uint32_t acc;
	size_t val;  /* arena offset (url, domain) or post index (text) */
	int64_t t;
};

static int cmp_obj(const void *x, const void *y)
{
	const struct obj *a = x, *b = y;

	if (a->cl != b->cl)
		return a->cl < b->cl ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	if (a->acc != b->acc)
		return a->acc < b->acc ? -1 : 1;
	return a->t < b->t ? -1 : a->t > b->t;
}

struct cand {
	uint32_t cl, members;
	uint8_t kind;
	uint64_t posts;
	size_t val;
	int is_post;
};

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->cl != b->cl)
		return a->cl < b->cl ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->members != b->members)
		return a->members > b->members ? -1 : 1;
	if (a->posts != b->posts)
		return a->posts > b->posts ? -1 : 1;
	return a->val < b->val ? -1 : a->val > b->val;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* pushes o unless objects [from, *n) (the same post's) already hold it:
 * a link given both as an entity and in the text counts once a post */
static int push_obj(struct obj **v, size_t *n, size_t *cap,
		    const struct obj *o, size_t from)
{
	for (size_t i = from; i < *n; i++)
		if ((*v)[i].kind == o->kind && (*v)[i].h == o->h)
			return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		struct obj *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *o;
	return 0;
}

/* the URLs (canonical) and domains of post j: entities, then URLs in the
 * text; each pushed as objects of cluster cl */
static int post_links(const struct dataset *ds, uint32_t j, uint32_t cl,
		      uint32_t acc, struct gather *g, struct obj **v,
		      size_t *n, size_t *cap)
{
	char canon[URLNORM_MAX + 1], dom[512];
	const char *t = ds_text(ds, j);
	size_t tl = strlen(t), off = 0, len, from = *n;
	uint64_t e0 = ds->post.ent_off ? ds->post.ent_off[j] : 0,
		 e1 = ds->post.ent_off ? ds->post.ent_off[j + 1] : 0;

	for (uint64_t e = e0;; e++) {
		const char *u;
		size_t ul, cn, dn;
		struct obj o;

		if (e < e1) {
			if (ds->ent.type[e] != ENT_URL &&
			    ds->ent.type[e] != ENT_DOMAIN)
				continue;
			u = ds_str(ds, ds->ent.str[e]);
			ul = strlen(u);
			if (ds->ent.type[e] == ENT_DOMAIN) {
				if (!ul || ul >= sizeof(dom))
					continue;
				memcpy(dom, u, ul);
				dom[ul] = '\0';
				cn = 0;
				dn = ul;
				goto push;
			}
		} else {
			if (!urlnorm_next(t, tl, &off, &len))
				break;
			u = t + off;
			ul = len;
			off += len;
		}
		cn = urlnorm_canonical(u, ul, canon, sizeof(canon));
		/* an opaque URL id (anonymised exports) stands as it is */
		if (!cn && e < e1 && ul < sizeof(canon)) {
			memcpy(canon, u, ul);
			canon[ul] = '\0';
			cn = ul;
		}
		dn = cn ? urlnorm_domain(canon, cn, dom, sizeof(dom)) : 0;
	push:
		memset(&o, 0, sizeof(o));
		o.cl = cl;
		o.acc = acc;
		o.t = ds->post.time[j];
		if (cn) {
			o.kind = 1;
			o.h = XXH3_64bits(canon, cn);
			if ((o.val = arena_add(g, canon, cn)) == SIZE_MAX ||
			    push_obj(v, n, cap, &o, from))
				return -1;
		}
		if (dn) {
			o.kind = 2;
			o.h = XXH3_64bits(dom, dn);
			if ((o.val = arena_add(g, dom, dn)) == SIZE_MAX ||
			    push_obj(v, n, cap, &o, from))
				return -1;
		}
	}
	return 0;
}

void gather_release(struct gather *g)
{
	if (!g)
		return;
	free(g->acc);
	free(g->posts);
	free(g->ids);
	free(g->arena);
	free(g->id_off);
	free(g->shared);
	memset(g, 0, sizeof(*g));
}

/* the working arrays of one gather_evidence call */
struct gwork {
	const struct dataset *ds;
	const struct review_ev_want *w;
	struct gather *g;
	size_t na, np, nk, npairs, nobj, capobj, nids, capids, nsamp;
	struct want_key *keys;
	int64_t *a2w;     /* dataset account -> want index, or -1 */
	uint64_t *poff;   /* CSR of wanted accounts' posts */
	uint32_t *pidx, *a2cl;
	struct pair *pairs;
	struct sample *sm;
	struct obj *objs;
	struct cand *cands;
	const char **cls;
	char *buf;
	size_t *s0;       /* account k's first sample in g->posts */
	size_t *i0;       /* sampled post k's first id in g->ids */
	size_t *voff;     /* shared value i's arena offset */
	uint64_t *ph;     /* text identity per post */
	size_t ncl, ncand;
};

/* the run's clusters, sorted and unique; each dataset account's want
 * index and cluster (by search) */
static void gw_index(struct gwork *k)
{
	const struct review_ev_want *w = k->w;
	size_t u = 0;

	for (size_t i = 0; i < w->n; i++) {
		k->keys[i].platform = w->platform[i];
		k->keys[i].account = w->account[i];
		k->keys[i].i = i;
		if (w->cluster[i][0])
			k->cls[k->ncl++] = w->cluster[i];
	}
	qsort(k->keys, w->n, sizeof(*k->keys), cmp_want);
	qsort(k->cls, k->ncl, sizeof(*k->cls), cmp_str);
	for (size_t i = 0; i < k->ncl; i++)
		if (!u || strcmp(k->cls[u - 1], k->cls[i]))
			k->cls[u++] = k->cls[i];
	k->ncl = u;
	for (size_t a = 0; a < k->na; a++) {
		struct want_key key, *f;

		key.platform =
			platform_name((enum platform)k->ds->acc.platform[a]);
		key.account = ds_str(k->ds, k->ds->acc.id[a]);
		f = w->n ? bsearch(&key, k->keys, w->n, sizeof(*k->keys),
				   cmp_want)
			 : NULL;
		k->a2w[a] = f ? (int64_t)f->i : -1;
		k->a2cl[a] = UINT32_MAX;
		if (f && w->cluster[f->i][0]) {
			const char *c = w->cluster[f->i];
			const char **hit = bsearch(&c, k->cls, k->ncl,
						   sizeof(*k->cls), cmp_str);

			k->a2cl[a] = (uint32_t)(hit - k->cls);
		}
	}
}

/* text identities and the unique (identity, account) pairs of all posts;
 * the counts of the wanted accounts' posts into poff (not yet summed) */
static void gw_texts(struct gwork *k)
{
	const struct dataset *ds = k->ds;
	size_t u = 0;

	for (size_t j = 0; j < k->np; j++) {
		k->ph[j] = text_id(ds, (uint32_t)j, k->buf);
		if (k->ph[j]) {
			k->pairs[k->npairs].h = k->ph[j];
			k->pairs[k->npairs].acc = ds->post.account[j];
			k->npairs++;
		}
		if (k->a2w[ds->post.account[j]] >= 0)
			k->poff[ds->post.account[j] + 1]++;
	}
	qsort(k->pairs, k->npairs, sizeof(*k->pairs), cmp_pair);
	for (size_t i = 0; i < k->npairs; i++)
		if (!u || k->pairs[u - 1].h != k->pairs[i].h ||
		    k->pairs[u - 1].acc != k->pairs[i].acc)
			k->pairs[u++] = k->pairs[i];
	k->npairs = u;
}

/* the wanted accounts' posts by account (CSR: poff, pidx) */
static int gw_posts(struct gwork *k)
{
	const struct dataset *ds = k->ds;
	size_t na = k->na;
	uint64_t *cur;

	for (size_t a = 0; a < na; a++)
		k->poff[a + 1] += k->poff[a];
	k->pidx = malloc((k->poff[na] + 1) * sizeof(*k->pidx));
	k->sm = malloc((k->poff[na] + 1) * sizeof(*k->sm));
	k->g->posts = calloc(k->w->n * REVIEW_MAX_SAMPLE + 1,
			     sizeof(*k->g->posts));
	k->s0 = malloc((k->w->n + 1) * sizeof(*k->s0));
	k->i0 = malloc((k->w->n * REVIEW_MAX_SAMPLE + 1) * sizeof(*k->i0));
	if (!k->pidx || !k->sm || !k->g->posts || !k->s0 || !k->i0)
		return -1;
	cur = malloc((na + 1) * sizeof(*cur));
	if (!cur)
		return -1;
	memcpy(cur, k->poff, na * sizeof(*cur));
	for (size_t j = 0; j < k->np; j++)
		if (k->a2w[ds->post.account[j]] >= 0)
			k->pidx[cur[ds->post.account[j]]++] = (uint32_t)j;
	free(cur);
	return 0;
}

/* account a's posts as samples (time, copies) in k->sm, its hour-of-week
 * rhythm into ea; returns the number of samples */
static size_t gw_samples(struct gwork *k, size_t a,
			 struct review_ev_account *ea)
{
	const struct dataset *ds = k->ds;
	size_t ns = 0;

	for (uint64_t q = k->poff[a]; q < k->poff[a + 1]; q++) {
		uint32_t j = k->pidx[q];
		int64_t t = ds->post.time[j];
		uint32_t copies = 0;

		if (t != TIME_NONE) {
			int64_t d = t >= 0 ? t / 86400 : (t - 86399) / 86400;
			int64_t wd = ((d + 3) % 7 + 7) % 7;
			int64_t hr = (t - d * 86400) / 3600;

			ea->rhythm[wd * 24 + hr]++;
		}
		if (k->ph[j]) {
			size_t lo = lower(k->pairs, k->npairs, k->ph[j]), hi = lo;

			while (hi < k->npairs && k->pairs[hi].h == k->ph[j])
				hi++;
			copies = (uint32_t)(hi - lo - 1);
		}
		k->sm[ns].j = j;
		k->sm[ns].copies = copies;
		k->sm[ns].t = t;
		ns++;
	}
	return ns;
}

/* the ids ("platform:id", in the arena) of the other accounts with a
 * post of sampled post p's identity h, up to REVIEW_MAX_COPY_IDS */
static int gw_copy_ids(struct gwork *k, size_t a, uint64_t h,
		       struct review_ev_post *p)
{
	const struct dataset *ds = k->ds;
	struct gather *g = k->g;

	for (size_t x = lower(k->pairs, k->npairs, h);
	     x < k->npairs && k->pairs[x].h == h &&
	     p->n_copy_ids < REVIEW_MAX_COPY_IDS;
	     x++) {
		uint32_t b = k->pairs[x].acc;
		const char *pl;
		size_t off, l1, l2;

		if (b == a)
			continue;
		pl = platform_name((enum platform)ds->acc.platform[b]);
		l1 = strlen(pl);
		l2 = strlen(ds_str(ds, ds->acc.id[b]));
		/* "platform:id" */
		off = arena_add(g, NULL, l1 + l2 + 1);
		if (off == SIZE_MAX)
			return -1;
		memcpy(g->arena + off, pl, l1);
		g->arena[off + l1] = ':';
		memcpy(g->arena + off + l1 + 1, ds_str(ds, ds->acc.id[b]), l2);
		if (k->nids == k->capids) {
			size_t nc = k->capids ? k->capids * 2 : 1024;
			size_t *no = realloc(g->id_off, nc * sizeof(*no));

			if (!no)
				return -1;
			g->id_off = no;
			k->capids = nc;
		}
		g->id_off[k->nids++] = off;
		p->n_copy_ids++;
	}
	return 0;
}

/* each wanted account: its numbers, rhythm and sample of posts (with
 * the ids of their copies) */
static int gw_accounts(struct gwork *k)
{
	const struct dataset *ds = k->ds;
	struct gather *g = k->g;

	for (size_t a = 0; a < k->na; a++) {
		struct review_ev_account *ea;
		size_t ns;

		if (k->a2w[a] < 0)
			continue;
		ea = &g->acc[k->nk++];
		ea->platform = k->w->platform[k->a2w[a]];
		ea->account = k->w->account[k->a2w[a]];
		ea->created = ds->acc.created[a];
		ea->n_posts = k->poff[a + 1] - k->poff[a];
		ns = gw_samples(k, a, ea);
		qsort(k->sm, ns, sizeof(*k->sm), cmp_sample);
		ea->n_sample = ns < REVIEW_MAX_SAMPLE ? ns : REVIEW_MAX_SAMPLE;
		for (size_t s = 0; s < ea->n_sample; s++) {
			struct review_ev_post *p = &g->posts[k->nsamp + s];
			uint32_t j = k->sm[s].j;

			p->at = k->sm[s].t == TIME_NONE ? INT64_MIN : k->sm[s].t;
			p->text = ds_text(ds, j);
			p->copies = k->sm[s].copies;
			p->n_copy_ids = 0;
			k->i0[k->nsamp + s] = k->nids; /* its ids, once resolved */
			if (!k->ph[j] || !k->sm[s].copies)
				continue;
			if (gw_copy_ids(k, a, k->ph[j], p))
				return -1;
		}
		k->s0[k->nk - 1] = k->nsamp;
		k->nsamp += ea->n_sample;
	}
	return 0;
}

/* the clusters' objects (texts, links, domains) of their members' posts,
 * sorted */
static int gw_objects(struct gwork *k)
{
	const struct dataset *ds = k->ds;

	for (size_t a = 0; a < k->na; a++) {
		if (k->a2cl[a] == UINT32_MAX)
			continue;
		for (uint64_t q = k->poff[a]; q < k->poff[a + 1]; q++) {
			uint32_t j = k->pidx[q];
			struct obj o;

			memset(&o, 0, sizeof(o));
			o.cl = k->a2cl[a];
			o.acc = (uint32_t)a;
			o.t = ds->post.time[j];
			if (k->ph[j]) {
				o.kind = 0;
				o.h = k->ph[j];
				o.val = j;
				if (push_obj(&k->objs, &k->nobj, &k->capobj, &o,
					     k->nobj))
					return -1;
			}
			if (post_links(ds, j, k->a2cl[a], (uint32_t)a, k->g,
				       &k->objs, &k->nobj, &k->capobj))
				return -1;
		}
	}
	qsort(k->objs, k->nobj, sizeof(*k->objs), cmp_obj);
	return 0;
}

/* the objects shared by two or more members of a cluster, as candidates
 * (represented by their earliest post), sorted */
static int gw_candidates(struct gwork *k)
{
	const struct obj *objs = k->objs;
	size_t nobj = k->nobj;

	k->cands = malloc((nobj + 1) * sizeof(*k->cands));
	if (!k->cands)
		return -1;
	for (size_t i = 0, e; i < nobj; i = e) {
		uint32_t members = 0;
		size_t rep = i;
		struct cand *c;

		for (e = i; e < nobj && objs[e].cl == objs[i].cl &&
			    objs[e].kind == objs[i].kind &&
			    objs[e].h == objs[i].h;
		     e++) {
			if (e == i || objs[e].acc != objs[e - 1].acc)
				members++;
			if (objs[e].t < objs[rep].t)
				rep = e;
		}
		if (members < 2)
			continue;
		c = &k->cands[k->ncand++];
		c->cl = objs[i].cl;
		c->kind = objs[i].kind;
		c->members = members;
		c->posts = e - i;
		c->val = objs[rep].val;
		c->is_post = objs[i].kind == 0;
	}
	qsort(k->cands, k->ncand, sizeof(*k->cands), cmp_cand);
	return 0;
}

/* the first REVIEW_MAX_SHARED candidates of each cluster and kind into
 * g->shared */
static int gw_shared(struct gwork *k)
{
	static const char *const kinds[3] = { "text", "url", "domain" };
	struct gather *g = k->g;
	const struct cand *cands = k->cands;
	size_t n = 0, run = 0;

	g->shared = calloc(k->ncand + 1, sizeof(*g->shared));
	k->voff = malloc((k->ncand + 1) * sizeof(*k->voff));
	if (!g->shared || !k->voff)
		return -1;
	for (size_t i = 0; i < k->ncand; i++) {
		struct review_ev_shared *h;

		if (i && cands[i].cl == cands[i - 1].cl &&
		    cands[i].kind == cands[i - 1].kind)
			run++;
		else
			run = 0;
		if (run >= REVIEW_MAX_SHARED)
			continue;
		h = &g->shared[n++];
		h->cluster_id = k->cls[cands[i].cl];
		h->kind = kinds[cands[i].kind];
		h->members = cands[i].members;
		h->posts = cands[i].posts;
		/* a text: the earliest post's own words; else the arena
		 * string, resolved below */
		h->value = cands[i].is_post
				   ? ds_text(k->ds, cands[i].val)
				   : NULL;
		k->voff[n - 1] = cands[i].val;
	}
	g->ev.n_shared = n;
	return 0;
}

/* resolve the offsets now that the arena is final */
static int gw_resolve(struct gwork *k)
{
	struct gather *g = k->g;

	g->ids = malloc((k->nids + 1) * sizeof(*g->ids));
	if (!g->ids)
		return -1;
	for (size_t i = 0; i < k->nids; i++)
		g->ids[i] = g->arena + g->id_off[i];
	for (size_t i = 0; i < k->nk; i++)
		g->acc[i].posts = g->posts + k->s0[i];
	for (size_t i = 0; i < k->nsamp; i++)
		g->posts[i].copy_ids = g->ids + k->i0[i];
	for (size_t i = 0; i < g->ev.n_shared; i++)
		if (!g->shared[i].value)
			g->shared[i].value = g->arena + k->voff[i];
	g->ev.acc = g->acc;
	g->ev.n_acc = k->nk;
	g->ev.shared = g->shared;
	return 0;
}

/* frees the working arrays (not what g holds) */
static void gw_free(struct gwork *k)
{
	free(k->keys);
	free(k->a2w);
	free(k->a2cl);
	free(k->poff);
	free(k->pidx);
	free(k->ph);
	free(k->pairs);
	free(k->sm);
	free(k->objs);
	free(k->cands);
	free(k->cls);
	free(k->buf);
	free(k->s0);
	free(k->i0);
	free(k->voff);
}

enum cib_err gather_evidence(const struct dataset *ds,
			     const struct review_ev_want *w, int64_t run_id,
			     struct gather *g)
{
	struct gwork k;
	size_t na = ds->acc.n, np = ds->post.n;
	enum cib_err err = CIB_ENOMEM;

	memset(&k, 0, sizeof(k));
	k.ds = ds;
	k.w = w;
	k.g = g;
	k.na = na;
	k.np = np;
	memset(g, 0, sizeof(*g));
	g->ev.run_id = run_id;
	k.keys = malloc((w->n + 1) * sizeof(*k.keys));
	k.a2w = malloc((na + 1) * sizeof(*k.a2w));
	k.a2cl = malloc((na + 1) * sizeof(*k.a2cl));
	k.poff = calloc(na + 2, sizeof(*k.poff));
	k.ph = malloc((np + 1) * sizeof(*k.ph));
	k.pairs = malloc((np + 1) * sizeof(*k.pairs));
	k.buf = malloc(NORM_CAP);
	k.cls = malloc((w->n + 1) * sizeof(*k.cls));
	g->acc = calloc(w->n + 1, sizeof(*g->acc));
	if (!k.keys || !k.a2w || !k.a2cl || !k.poff || !k.ph || !k.pairs ||
	    !k.buf || !k.cls || !g->acc)
		goto out;
	gw_index(&k);
	gw_texts(&k);
	if (gw_posts(&k) || gw_accounts(&k) || gw_objects(&k) ||
	    gw_candidates(&k) || gw_shared(&k) || gw_resolve(&k))
		goto out;
	err = CIB_OK;
out:
	gw_free(&k);
	if (err)
		gather_release(g);
	return err;
}
