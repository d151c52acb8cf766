/* reuse_near.c - the near-duplicate search in shards: see reuse_near.h. */
#include "reuse_near.h"

#include <stdlib.h>
#include <string.h>

#include "../core/sortu64.h"

struct hpost {
	uint64_t hash;
	uint32_t post, j; /* global index, local index */
};

static int cmp_hpost(const void *pa, const void *pb)
{
	const struct hpost *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return (a->post > b->post) - (a->post < b->post);
}

enum cib_err reuse_near_sign(const struct dataset *ds, const uint32_t *gpost,
			     const struct reuse_opts *o,
			     struct reuse_near_text **out, size_t *n_out,
			     uint32_t **post_text)
{
	struct reuse_signer *sg = NULL;
	struct hpost *hp = NULL;
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
	hp = malloc((n ? n : 1) * sizeof(*hp));
	pt = malloc((n ? n : 1) * sizeof(*pt));
	if (!hp || !pt)
		goto out;
	for (size_t j = 0; j < n; j++) {
		int has, sgn;
		uint64_t h;

		reuse_signer_post(sg, ds, j, &has, &h, &sgn, NULL);
		pt[j] = UINT32_MAX;
		if (!has)
			continue;
		hp[m].hash = h;
		hp[m].post = gpost[j];
		hp[m++].j = (uint32_t)j;
	}
	qsort(hp, m, sizeof(*hp), cmp_hpost);
	for (size_t i = 0; i < m; i++)
		nt += i == 0 || hp[i].hash != hp[i - 1].hash;
	t = calloc(nt ? nt : 1, sizeof(*t));
	if (!t)
		goto out;
	nt = 0;
	for (size_t i = 0; i < m; i++) {
		struct reuse_near_text *x;
		int has, sgn;
		uint64_t h;

		if (i && hp[i].hash == hp[i - 1].hash) {
			pt[hp[i].j] = (uint32_t)(nt - 1);
			continue;
		}
		pt[hp[i].j] = (uint32_t)nt;
		x = &t[nt++];
		reuse_signer_post(sg, ds, hp[i].j, &has, &h, &sgn, x->sig);
		x->hash = hp[i].hash;
		x->post = hp[i].post;
		x->is_signed = (uint32_t)sgn;
		if (!sgn)
			memset(x->sig, 0, sizeof(x->sig));
	}
	*out = t;
	*n_out = nt;
	*post_text = pt;
	t = NULL;
	pt = NULL;
	err = CIB_OK;
out:
	reuse_signer_free(sg);
	free(hp);
	free(pt);
	free(t);
	return err;
}

enum cib_err reuse_near_distinct(struct reuse_near_text *t, size_t n,
				 size_t *n_kept)
{
	struct hpost *k = malloc((n ? n : 1) * sizeof(*k));
	struct reuse_near_text *out;
	size_t m = 0;

	*n_kept = 0;
	if (!k)
		return CIB_ENOMEM;
	/* sort 16-byte keys, not the 144-byte records */
	for (size_t i = 0; i < n; i++) {
		k[i].hash = t[i].hash;
		k[i].post = t[i].post;
		k[i].j = (uint32_t)i;
	}
	qsort(k, n, sizeof(*k), cmp_hpost);
	for (size_t i = 0; i < n; i++)
		m += i == 0 || k[i].hash != k[i - 1].hash;
	out = malloc((m ? m : 1) * sizeof(*out));
	if (!out) {
		free(k);
		return CIB_ENOMEM;
	}
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || k[i].hash != k[i - 1].hash)
			out[m++] = t[k[i].j];
	memcpy(t, out, m * sizeof(*t));
	free(out);
	free(k);
	*n_kept = m;
	return CIB_OK;
}

enum cib_err reuse_near_buckets(uint64_t *ent, size_t n, unsigned idbits,
				uint64_t **ids, size_t *nids, size_t *n_kept)
{
	uint64_t idmask = idbits >= 64 ? ~UINT64_C(0)
				       : (UINT64_C(1) << idbits) - 1;
	uint64_t *id;
	size_t k = 0, u = 0;

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
	id = malloc((k ? k : 1) * sizeof(*id));
	if (!id)
		return CIB_ENOMEM;
	for (size_t x = 0; x < k; x++)
		id[x] = ent[x] & idmask;
	sortu64(id, k);
	for (size_t x = 0; x < k; x++)
		if (u == 0 || id[x] != id[u - 1])
			id[u++] = id[x];
	for (size_t x = 0; x < k; x++)
		ent[x] = (ent[x] & ~idmask) |
			 sortu64_lower(id, u, ent[x] & idmask);
	*ids = id;
	*nids = u;
	*n_kept = k;
	return CIB_OK;
}

size_t reuse_near_find(const uint64_t *hashes, size_t n, uint64_t h)
{
	size_t k = sortu64_lower(hashes, n, h);

	return k < n && hashes[k] == h ? k : n;
}
