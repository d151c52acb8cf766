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
	const char *t = ds_str(ds, ds->post.text[j]);
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
	const char *t = ds_str(ds, ds->post.text[j]);
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

enum cib_err gather_evidence(const struct dataset *ds,
			     const struct review_ev_want *w, int64_t run_id,
			     struct gather *g)
{
	size_t na = ds->acc.n, np = ds->post.n, nk = 0, npairs = 0;
	size_t nobj = 0, capobj = 0, nids = 0, capids = 0, nsamp = 0;
	struct want_key *keys = NULL;
	int64_t *a2w = NULL;     /* dataset account -> want index, or -1 */
	uint64_t *poff = NULL;   /* CSR of wanted accounts' posts */
	uint32_t *pidx = NULL, *a2cl = NULL;
	struct pair *pairs = NULL;
	struct sample *sm = NULL;
	struct obj *objs = NULL;
	struct cand *cands = NULL;
	const char **cls = NULL;
	char *buf = NULL;
	size_t *s0 = NULL;       /* account k's first sample in g->posts */
	size_t *i0 = NULL;       /* sampled post k's first id in g->ids */
	size_t *voff = NULL;     /* shared value i's arena offset */
	uint64_t *ph = NULL;     /* text identity per post */
	size_t ncl = 0, ncand = 0;
	enum cib_err err = CIB_ENOMEM;

	memset(g, 0, sizeof(*g));
	g->ev.run_id = run_id;
	keys = malloc((w->n + 1) * sizeof(*keys));
	a2w = malloc((na + 1) * sizeof(*a2w));
	a2cl = malloc((na + 1) * sizeof(*a2cl));
	poff = calloc(na + 2, sizeof(*poff));
	ph = malloc((np + 1) * sizeof(*ph));
	pairs = malloc((np + 1) * sizeof(*pairs));
	buf = malloc(NORM_CAP);
	cls = malloc((w->n + 1) * sizeof(*cls));
	g->acc = calloc(w->n + 1, sizeof(*g->acc));
	if (!keys || !a2w || !a2cl || !poff || !ph || !pairs || !buf || !cls ||
	    !g->acc)
		goto out;
	/* the run's clusters, sorted; an account's cluster by search */
	for (size_t i = 0; i < w->n; i++) {
		keys[i].platform = w->platform[i];
		keys[i].account = w->account[i];
		keys[i].i = i;
		if (w->cluster[i][0])
			cls[ncl++] = w->cluster[i];
	}
	qsort(keys, w->n, sizeof(*keys), cmp_want);
	qsort(cls, ncl, sizeof(*cls), cmp_str);
	{
		size_t u = 0;

		for (size_t i = 0; i < ncl; i++)
			if (!u || strcmp(cls[u - 1], cls[i]))
				cls[u++] = cls[i];
		ncl = u;
	}
	for (size_t a = 0; a < na; a++) {
		struct want_key k, *f;

		k.platform = platform_name((enum platform)ds->acc.platform[a]);
		k.account = ds_str(ds, ds->acc.id[a]);
		f = w->n ? bsearch(&k, keys, w->n, sizeof(*keys), cmp_want)
			 : NULL;
		a2w[a] = f ? (int64_t)f->i : -1;
		a2cl[a] = UINT32_MAX;
		if (f && w->cluster[f->i][0]) {
			const char *c = w->cluster[f->i];
			const char **hit = bsearch(&c, cls, ncl, sizeof(*cls),
						   cmp_str);

			a2cl[a] = (uint32_t)(hit - cls);
		}
	}
	/* text identities and the (identity, account) pairs of all posts */
	for (size_t j = 0; j < np; j++) {
		ph[j] = text_id(ds, (uint32_t)j, buf);
		if (ph[j]) {
			pairs[npairs].h = ph[j];
			pairs[npairs].acc = ds->post.account[j];
			npairs++;
		}
		if (a2w[ds->post.account[j]] >= 0)
			poff[ds->post.account[j] + 1]++;
	}
	qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	{
		size_t u = 0;

		for (size_t i = 0; i < npairs; i++)
			if (!u || pairs[u - 1].h != pairs[i].h ||
			    pairs[u - 1].acc != pairs[i].acc)
				pairs[u++] = pairs[i];
		npairs = u;
	}
	for (size_t a = 0; a < na; a++)
		poff[a + 1] += poff[a];
	pidx = malloc((poff[na] + 1) * sizeof(*pidx));
	sm = malloc((poff[na] + 1) * sizeof(*sm));
	g->posts = calloc(w->n * REVIEW_MAX_SAMPLE + 1, sizeof(*g->posts));
	s0 = malloc((w->n + 1) * sizeof(*s0));
	i0 = malloc((w->n * REVIEW_MAX_SAMPLE + 1) * sizeof(*i0));
	if (!pidx || !sm || !g->posts || !s0 || !i0)
		goto out;
	{
		uint64_t *cur = malloc((na + 1) * sizeof(*cur));

		if (!cur)
			goto out;
		memcpy(cur, poff, na * sizeof(*cur));
		for (size_t j = 0; j < np; j++)
			if (a2w[ds->post.account[j]] >= 0)
				pidx[cur[ds->post.account[j]]++] = (uint32_t)j;
		free(cur);
	}
	for (size_t a = 0; a < na; a++) {
		struct review_ev_account *ea;
		size_t ns = 0;

		if (a2w[a] < 0)
			continue;
		ea = &g->acc[nk++];
		ea->platform = w->platform[a2w[a]];
		ea->account = w->account[a2w[a]];
		ea->created = ds->acc.created[a];
		ea->n_posts = poff[a + 1] - poff[a];
		for (uint64_t q = poff[a]; q < poff[a + 1]; q++) {
			uint32_t j = pidx[q];
			int64_t t = ds->post.time[j];
			uint32_t copies = 0;

			if (t != TIME_NONE) {
				int64_t d = t >= 0 ? t / 86400
						   : (t - 86399) / 86400;
				int64_t wd = ((d + 3) % 7 + 7) % 7;
				int64_t hr = (t - d * 86400) / 3600;

				ea->rhythm[wd * 24 + hr]++;
			}
			if (ph[j]) {
				size_t lo = lower(pairs, npairs, ph[j]), hi = lo;

				while (hi < npairs && pairs[hi].h == ph[j])
					hi++;
				copies = (uint32_t)(hi - lo - 1);
			}
			sm[ns].j = j;
			sm[ns].copies = copies;
			sm[ns].t = t;
			ns++;
		}
		qsort(sm, ns, sizeof(*sm), cmp_sample);
		ea->n_sample = ns < REVIEW_MAX_SAMPLE ? ns : REVIEW_MAX_SAMPLE;
		for (size_t k = 0; k < ea->n_sample; k++) {
			struct review_ev_post *p = &g->posts[nsamp + k];
			uint32_t j = sm[k].j;

			p->at = sm[k].t == TIME_NONE ? INT64_MIN : sm[k].t;
			p->text = ds_str(ds, ds->post.text[j]);
			p->copies = sm[k].copies;
			p->n_copy_ids = 0;
			i0[nsamp + k] = nids; /* its ids, once resolved */
			if (!ph[j] || !sm[k].copies)
				continue;
			for (size_t x = lower(pairs, npairs, ph[j]);
			     x < npairs && pairs[x].h == ph[j] &&
			     p->n_copy_ids < REVIEW_MAX_COPY_IDS;
			     x++) {
				uint32_t b = pairs[x].acc;
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
					goto out;
				memcpy(g->arena + off, pl, l1);
				g->arena[off + l1] = ':';
				memcpy(g->arena + off + l1 + 1,
				       ds_str(ds, ds->acc.id[b]), l2);
				if (nids == capids) {
					size_t nc = capids ? capids * 2 : 1024;
					size_t *no = realloc(g->id_off,
							     nc * sizeof(*no));

					if (!no)
						goto out;
					g->id_off = no;
					capids = nc;
				}
				g->id_off[nids++] = off;
				p->n_copy_ids++;
			}
		}
		s0[nk - 1] = nsamp;
		nsamp += ea->n_sample;
	}
	/* the clusters' shared objects */
	for (size_t a = 0; a < na; a++) {
		if (a2cl[a] == UINT32_MAX)
			continue;
		for (uint64_t q = poff[a]; q < poff[a + 1]; q++) {
			uint32_t j = pidx[q];
			struct obj o;

			memset(&o, 0, sizeof(o));
			o.cl = a2cl[a];
			o.acc = (uint32_t)a;
			o.t = ds->post.time[j];
			if (ph[j]) {
				o.kind = 0;
				o.h = ph[j];
				o.val = j;
				if (push_obj(&objs, &nobj, &capobj, &o, nobj))
					goto out;
			}
			if (post_links(ds, j, a2cl[a], (uint32_t)a, g, &objs,
				       &nobj, &capobj))
				goto out;
		}
	}
	qsort(objs, nobj, sizeof(*objs), cmp_obj);
	cands = malloc((nobj + 1) * sizeof(*cands));
	if (!cands)
		goto out;
	for (size_t i = 0, e; i < nobj; i = e) {
		uint32_t members = 0;
		size_t rep = i;

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
		cands[ncand].cl = objs[i].cl;
		cands[ncand].kind = objs[i].kind;
		cands[ncand].members = members;
		cands[ncand].posts = e - i;
		cands[ncand].val = objs[rep].val;
		cands[ncand].is_post = objs[i].kind == 0;
		ncand++;
	}
	qsort(cands, ncand, sizeof(*cands), cmp_cand);
	g->shared = calloc(ncand + 1, sizeof(*g->shared));
	voff = malloc((ncand + 1) * sizeof(*voff));
	if (!g->shared || !voff)
		goto out;
	{
		static const char *const kinds[3] = { "text", "url", "domain" };
		size_t n = 0, run = 0;

		for (size_t i = 0; i < ncand; i++) {
			struct review_ev_shared *h;

			if (i && cands[i].cl == cands[i - 1].cl &&
			    cands[i].kind == cands[i - 1].kind)
				run++;
			else
				run = 0;
			if (run >= REVIEW_MAX_SHARED)
				continue;
			h = &g->shared[n++];
			h->cluster_id = cls[cands[i].cl];
			h->kind = kinds[cands[i].kind];
			h->members = cands[i].members;
			h->posts = cands[i].posts;
			/* a text: the earliest post's own words; else the
			 * arena string, resolved below */
			h->value = cands[i].is_post
					   ? ds_str(ds, ds->post.text[cands[i].val])
					   : NULL;
			voff[n - 1] = cands[i].val;
		}
		g->ev.n_shared = n;
	}
	/* resolve the offsets now that the arena is final */
	g->ids = malloc((nids + 1) * sizeof(*g->ids));
	if (!g->ids)
		goto out;
	for (size_t i = 0; i < nids; i++)
		g->ids[i] = g->arena + g->id_off[i];
	for (size_t k = 0; k < nk; k++)
		g->acc[k].posts = g->posts + s0[k];
	for (size_t k = 0; k < nsamp; k++)
		g->posts[k].copy_ids = g->ids + i0[k];
	for (size_t i = 0; i < g->ev.n_shared; i++)
		if (!g->shared[i].value)
			g->shared[i].value = g->arena + voff[i];
	g->ev.acc = g->acc;
	g->ev.n_acc = nk;
	g->ev.shared = g->shared;
	err = CIB_OK;
out:
	free(keys);
	free(a2w);
	free(a2cl);
	free(poff);
	free(pidx);
	free(ph);
	free(pairs);
	free(sm);
	free(objs);
	free(cands);
	free(cls);
	free(buf);
	free(s0);
	free(i0);
	free(voff);
	if (err)
		gather_release(g);
	return err;
}
