/* reuse_near.c - the near-duplicate search in shards: see reuse_near.h.
 * Every sort here is reuse_sort_kv's radix sort of (key, index) pairs,
 * linear in the records, never the records themselves. */
#include "reuse_near.h"

#include <stdlib.h>
#include <string.h>

#include "../core/forkjoin.h"

/* The threads of reuse_near_sign: each with its own signer, on its share
 * of the posts (hashing) and then of the distinct texts (signing). */
struct sign_job {
	const struct dataset *ds;
	struct reuse_signer *sg[FORKJOIN_MAX];
	unsigned nt;
	uint64_t *hash;      /* per post */
	uint8_t *has;        /* per post: 1 when it has a text */
	const uint32_t *low; /* per distinct text: the post to sign */
	struct reuse_near_text *t;
	size_t n_posts, n_texts;
};

static void sign_hash(void *ctx, unsigned th)
{
	struct sign_job *J = ctx;
	size_t lo = forkjoin_share(J->n_posts, J->nt, th),
	       hi = forkjoin_share(J->n_posts, J->nt, th + 1);

	for (size_t j = lo; j < hi; j++) {
		int has, sgn;

		reuse_signer_post(J->sg[th], J->ds, j, &has, &J->hash[j], &sgn,
				  NULL);
		J->has[j] = (uint8_t)has;
	}
}

static void sign_texts(void *ctx, unsigned th)
{
	struct sign_job *J = ctx;
	size_t lo = forkjoin_share(J->n_texts, J->nt, th),
	       hi = forkjoin_share(J->n_texts, J->nt, th + 1);

	for (size_t k = lo; k < hi; k++) {
		struct reuse_near_text *x = &J->t[k];
		int has, sgn;
		uint64_t h;

		reuse_signer_post(J->sg[th], J->ds, J->low[k], &has, &h, &sgn,
				  x->sig);
		x->is_signed = (uint32_t)sgn;
		if (!sgn)
			memset(x->sig, 0, sizeof(x->sig));
	}
}

enum cib_err reuse_near_sign(const struct dataset *ds, const uint32_t *gpost,
			     const struct reuse_opts *o,
			     struct reuse_near_text **out, size_t *n_out,
			     uint32_t **post_text)
{
	struct sign_job J;
	struct reuse_kv *kv = NULL;
	uint32_t *pt = NULL, *low = NULL;
	size_t n = ds->post.n, m = 0, nt = 0;
	enum cib_err err = CIB_ENOMEM;

	*out = NULL;
	*n_out = 0;
	*post_text = NULL;
	memset(&J, 0, sizeof(J));
	J.ds = ds;
	J.nt = o->threads ? o->threads : 2;
	if (J.nt > FORKJOIN_MAX)
		J.nt = FORKJOIN_MAX;
	for (unsigned th = 0; th < J.nt; th++)
		if ((err = reuse_signer_new(o, &J.sg[th])))
			goto out;
	err = CIB_ENOMEM;
	J.n_posts = n;
	J.hash = malloc((n ? n : 1) * sizeof(*J.hash));
	J.has = malloc(n ? n : 1);
	kv = malloc((n ? n : 1) * sizeof(*kv));
	pt = malloc((n ? n : 1) * sizeof(*pt));
	if (!J.hash || !J.has || !kv || !pt)
		goto out;
	forkjoin_run(J.nt, sign_hash, &J);
	for (size_t j = 0; j < n; j++) {
		pt[j] = UINT32_MAX;
		if (!J.has[j])
			continue;
		kv[m].k = J.hash[j];
		kv[m++].v = (uint32_t)j;
	}
	/* in kv now: freed before the records are made (90 MB at 10M) */
	free(J.hash);
	free(J.has);
	J.hash = NULL;
	J.has = NULL;
	if ((err = reuse_sort_kv(kv, m)))
		goto out;
	err = CIB_ENOMEM;
	/* each hash's run down to one entry, its lowest global post, in
	 * place (kv[nt] is read before it is written), and the array cut
	 * to them before the records are made: at 2 ranks of 10M posts the
	 * records are 0.97 GB and the posts' entries 0.16 GB */
	for (size_t i = 0; i < m;) {
		size_t e = i;
		uint32_t lw = kv[i].v; /* the run's lowest global post */
		uint64_t h = kv[i].k;

		for (; e < m && kv[e].k == h; e++) {
			pt[kv[e].v] = (uint32_t)nt;
			if (gpost[kv[e].v] < gpost[lw])
				lw = kv[e].v;
		}
		kv[nt].k = h;
		kv[nt++].v = lw;
		i = e;
	}
	if (nt) {
		struct reuse_kv *cut = realloc(kv, nt * sizeof(*kv));

		if (cut) /* else the spare room stays */
			kv = cut;
	}
	J.t = calloc(nt ? nt : 1, sizeof(*J.t));
	low = malloc((nt ? nt : 1) * sizeof(*low));
	if (!J.t || !low)
		goto out;
	for (size_t k = 0; k < nt; k++) {
		J.t[k].hash = kv[k].k;
		J.t[k].post = gpost[kv[k].v];
		low[k] = kv[k].v;
	}
	J.low = low;
	J.n_texts = nt;
	/* the sorted hashes are in J.t and pt now: freed before the
	 * signatures fill J.t */
	free(kv);
	kv = NULL;
	forkjoin_run(J.nt, sign_texts, &J);
	*out = J.t;
	*n_out = nt;
	*post_text = pt;
	J.t = NULL;
	pt = NULL;
	err = CIB_OK;
out:
	for (unsigned th = 0; th < J.nt; th++)
		reuse_signer_free(J.sg[th]);
	free(J.hash);
	free(J.has);
	free(J.t);
	free(kv);
	free(pt);
	free(low);
	return err;
}

/* The records dest[] keeps (m of them, dest[i] < m, the others
 * UINT32_MAX) to the front of t in dest order, the others after them in
 * their order; dest is used up. In place, cycle by cycle: each swap puts
 * one record where it goes (a copy of the records took as much again as
 * the records, 0.97 GB at 2 ranks of 10M posts). */
static void move_kept(struct reuse_near_text *t, size_t n, uint32_t *dest,
		      size_t m)
{
	size_t lost = m;

	for (size_t i = 0; i < n; i++)
		if (dest[i] == UINT32_MAX)
			dest[i] = (uint32_t)lost++;
	for (size_t i = 0; i < n; i++)
		while (dest[i] != i) {
			uint32_t g = dest[i];
			struct reuse_near_text x = t[g];

			t[g] = t[i];
			t[i] = x;
			dest[i] = dest[g];
			dest[g] = g;
		}
}

enum cib_err reuse_near_distinct(struct reuse_near_text *t, size_t n,
				 size_t *n_kept)
{
	struct reuse_kv *kv = malloc((n ? n : 1) * sizeof(*kv));
	uint32_t *dest = NULL;
	size_t m = 0;
	enum cib_err err = CIB_ENOMEM;

	*n_kept = 0;
	if (!kv)
		return CIB_ENOMEM;
	if (n >= UINT32_MAX)
		goto out;
	for (size_t i = 0; i < n; i++) {
		kv[i].k = t[i].hash;
		kv[i].v = (uint32_t)i;
	}
	if ((err = reuse_sort_kv(kv, n)))
		goto out;
	err = CIB_ENOMEM;
	/* where each record goes: the kept ones (each hash's of the lowest
	 * post) to the front in hash order, the others after them */
	dest = malloc((n ? n : 1) * sizeof(*dest));
	if (!dest)
		goto out;
	for (size_t i = 0; i < n; i++)
		dest[i] = UINT32_MAX;
	for (size_t i = 0; i < n;) {
		size_t e = i, low = kv[i].v;

		for (; e < n && kv[e].k == kv[i].k; e++)
			if (t[kv[e].v].post < t[low].post)
				low = kv[e].v;
		dest[low] = (uint32_t)m++;
		i = e;
	}
	free(kv);
	kv = NULL;
	move_kept(t, n, dest, m);
	*n_kept = m;
	err = CIB_OK;
out:
	free(dest);
	free(kv);
	return err;
}

/* A min-heap of runs by their next record's hash (reuse_near_distinct_
 * runs): heap[0..nh) run numbers, at[r] run r's next record. */
static int run_less(const struct reuse_near_text *t, const size_t *at,
		    size_t a, size_t b)
{
	return t[at[a]].hash < t[at[b]].hash ||
	       (t[at[a]].hash == t[at[b]].hash && a < b);
}

static void run_sift(const struct reuse_near_text *t, const size_t *at,
		     size_t *heap, size_t nh, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, x;

		if (l < nh && run_less(t, at, heap[l], heap[m]))
			m = l;
		if (l + 1 < nh && run_less(t, at, heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		x = heap[i];
		heap[i] = heap[m];
		heap[m] = x;
		i = m;
	}
}

enum cib_err reuse_near_distinct_runs(struct reuse_near_text *t, size_t n,
				      const size_t *len, size_t nruns,
				      size_t *n_kept, uint32_t *num)
{
	size_t *at = malloc(3 * (nruns + 1) * sizeof(*at)), *end, *heap;
	size_t sum = 0, nh = 0, m = 0;
	uint32_t *dest = NULL;
	enum cib_err err = CIB_ENOMEM;

	*n_kept = 0;
	if (!at)
		return CIB_ENOMEM;
	end = at + nruns + 1;
	heap = end + nruns + 1;
	err = n >= UINT32_MAX ? CIB_ETOOBIG : CIB_OK;
	for (size_t r = 0; !err && r < nruns; r++) {
		at[r] = sum;
		if (len[r] > n - sum) {
			err = CIB_EUSAGE;
			break;
		}
		sum += len[r];
		end[r] = sum;
		for (size_t i = at[r] + 1; i < end[r]; i++)
			if (t[i].hash < t[i - 1].hash)
				err = CIB_EUSAGE;
		if (at[r] < end[r])
			heap[nh++] = r;
	}
	if (!err && sum != n)
		err = CIB_EUSAGE;
	if (!err && !(dest = malloc((n ? n : 1) * sizeof(*dest))))
		err = CIB_ENOMEM;
	if (err)
		goto out;
	for (size_t i = 0; i < n; i++)
		dest[i] = UINT32_MAX;
	for (size_t i = nh; i-- > 0;)
		run_sift(t, at, heap, nh, i);
	/* each hash in turn, in hash order: every record of it (from any
	 * run, at the heads) numbered m, the one of the lowest post kept */
	while (nh) {
		uint64_t h = t[at[heap[0]]].hash;
		size_t low = at[heap[0]];

		while (nh && t[at[heap[0]]].hash == h) {
			size_t r = heap[0], i = at[r]++;

			if (num)
				num[i] = (uint32_t)m;
			if (t[i].post < t[low].post)
				low = i;
			if (at[r] == end[r])
				heap[0] = heap[--nh];
			run_sift(t, at, heap, nh, 0);
		}
		dest[low] = (uint32_t)m++;
	}
	move_kept(t, n, dest, m);
	*n_kept = m;
out:
	free(dest);
	free(at);
	return err;
}

enum cib_err reuse_near_buckets(uint64_t *ent, size_t n, unsigned idbits,
				uint64_t **ids, size_t *nids, size_t *n_kept)
{
	uint64_t idmask = idbits >= 64 ? ~UINT64_C(0)
				       : (UINT64_C(1) << idbits) - 1;
	struct reuse_kv *kv = NULL;
	uint64_t *id = NULL;
	size_t k = 0, u = 0;
	enum cib_err err = CIB_ENOMEM;

	*ids = NULL;
	*nids = *n_kept = 0;
	sortu64(ent, n);
	for (size_t i = 0; i < n;) {
		size_t e = i + 1;

		while (e < n && (ent[e] & ~idmask) == (ent[i] & ~idmask))
			e++;
		if (e - i > 1)
			for (size_t x = i; x < e; x++)
				ent[k++] = ent[x];
		i = e;
	}
	/* each kept entry's index, numbered in index order */
	kv = malloc((k ? k : 1) * sizeof(*kv));
	id = malloc((k ? k : 1) * sizeof(*id));
	if (!kv || !id)
		goto out;
	for (size_t x = 0; x < k; x++) {
		kv[x].k = ent[x] & idmask;
		kv[x].v = (uint32_t)x;
	}
	if ((err = reuse_sort_kv(kv, k)))
		goto out;
	for (size_t x = 0; x < k; x++) {
		if (x == 0 || kv[x].k != kv[x - 1].k)
			id[u++] = kv[x].k;
		ent[kv[x].v] = (ent[kv[x].v] & ~idmask) | (u - 1);
	}
	*ids = id;
	*nids = u;
	*n_kept = k;
	id = NULL;
	err = CIB_OK;
out:
	free(kv);
	free(id);
	return err;
}

size_t reuse_near_find(const uint64_t *hashes, size_t n, uint64_t h)
{
	size_t k = sortu64_lower(hashes, n, h);

	return k < n && hashes[k] == h ? k : n;
}
