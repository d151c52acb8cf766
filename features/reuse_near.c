/* reuse_near.c - the near-duplicate search in shards: see reuse_near.h.
 * Every sort here is reuse_sort_kv's radix sort of (key, index) pairs,
 * linear in the records, never the records themselves. */
#include "reuse_near.h"

#include <stdlib.h>
#include <string.h>

enum cib_err reuse_near_sign(const struct dataset *ds, const uint32_t *gpost,
			     const struct reuse_opts *o,
			     struct reuse_near_text **out, size_t *n_out,
			     uint32_t **post_text)
{
	struct reuse_signer *sg = NULL;
	struct reuse_kv *kv = NULL;
	struct reuse_near_text *t = NULL;
	uint32_t *pt = NULL;
	size_t n = ds->post.n, m = 0, nt = 0;
	enum cib_err err;

	*out = NULL;
	*n_out = 0;
	*post_text = NULL;
	if ((err = reuse_signer_new(o, &sg)))
		return err;
	err = CIB_ENOMEM;
	kv = malloc((n ? n : 1) * sizeof(*kv));
	pt = malloc((n ? n : 1) * sizeof(*pt));
	if (!kv || !pt)
		goto out;
	for (size_t j = 0; j < n; j++) {
		int has, sgn;
		uint64_t h;

		reuse_signer_post(sg, ds, j, &has, &h, &sgn, NULL);
		pt[j] = UINT32_MAX;
		if (!has)
			continue;
		kv[m].k = h;
		kv[m++].v = (uint32_t)j;
	}
	if ((err = reuse_sort_kv(kv, m)))
		goto out;
	err = CIB_ENOMEM;
	for (size_t i = 0; i < m; i++)
		nt += i == 0 || kv[i].k != kv[i - 1].k;
	t = calloc(nt ? nt : 1, sizeof(*t));
	if (!t)
		goto out;
	nt = 0;
	for (size_t i = 0; i < m;) {
		struct reuse_near_text *x = &t[nt];
		size_t e = i;
		uint32_t low = kv[i].v; /* the run's lowest global post */
		int has, sgn;
		uint64_t h;

		for (; e < m && kv[e].k == kv[i].k; e++) {
			pt[kv[e].v] = (uint32_t)nt;
			if (gpost[kv[e].v] < gpost[low])
				low = kv[e].v;
		}
		reuse_signer_post(sg, ds, low, &has, &h, &sgn, x->sig);
		x->hash = kv[i].k;
		x->post = gpost[low];
		x->is_signed = (uint32_t)sgn;
		if (!sgn)
			memset(x->sig, 0, sizeof(x->sig));
		nt++;
		i = e;
	}
	*out = t;
	*n_out = nt;
	*post_text = pt;
	t = NULL;
	pt = NULL;
	err = CIB_OK;
out:
	reuse_signer_free(sg);
	free(kv);
	free(pt);
	free(t);
	return err;
}

enum cib_err reuse_near_distinct(struct reuse_near_text *t, size_t n,
				 size_t *n_kept)
{
	struct reuse_kv *kv = malloc((n ? n : 1) * sizeof(*kv));
	struct reuse_near_text *out = NULL;
	size_t m = 0;
	enum cib_err err = CIB_ENOMEM;

	*n_kept = 0;
	if (!kv)
		return CIB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		kv[i].k = t[i].hash;
		kv[i].v = (uint32_t)i;
	}
	if ((err = reuse_sort_kv(kv, n)))
		goto out;
	err = CIB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		m += i == 0 || kv[i].k != kv[i - 1].k;
	out = malloc((m ? m : 1) * sizeof(*out));
	if (!out)
		goto out;
	m = 0;
	for (size_t i = 0; i < n;) {
		size_t e = i, low = kv[i].v;

		for (; e < n && kv[e].k == kv[i].k; e++)
			if (t[kv[e].v].post < t[low].post)
				low = kv[e].v;
		out[m++] = t[low];
		i = e;
	}
	memcpy(t, out, m * sizeof(*t));
	*n_kept = m;
	err = CIB_OK;
out:
	free(out);
	free(kv);
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
