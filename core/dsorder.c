/* dsorder.c - dataset_canonical_order (dataset.h): the rows of a dataset
 * in an order that depends on its contents alone, not on the order the
 * records came in.
 *
 * Accounts go by (platform, id bytes); posts by (account's new row, time,
 * id bytes): a counting sort by account, then each account's posts sorted
 * on their own. On CIB_ENOMEM the dataset may be half permuted
 * (dataset.h). Columns are permuted through one scratch buffer; the
 * entities' CSR is laid out again; the change log keeps its order within
 * each account (it is the order the values were seen in); the key tables
 * are rebuilt. String ids are renumbered too (the strings and, apart,
 * the texts), in the order the rows
 * first use them (strings no row uses last, by their bytes): objects are
 * keyed, sorted and tie-broken by string id downstream.
 */
#include "dataset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "bits.h"

/* What every sort here orders by: a number (platform, time or 0), then
 * the bytes of a string, then the row (a total order). */
struct key {
	int64_t k;
	const char *s;
	uint32_t len, tie, row;
};

static int key_cmp(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int c;

	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->tie != b->tie)
		return a->tie < b->tie ? -1 : 1;
	return a->row < b->row ? -1 : a->row > b->row;
}

static void key_set_in(struct key *k, const struct strpool *sp, int64_t num,
		       uint32_t str, uint32_t row)
{
	k->k = num;
	k->s = strpool_get(sp, str);
	k->len = strpool_len(sp, str);
	k->tie = 0;
	k->row = row;
}

static void key_set(struct key *k, const struct dataset *ds, int64_t num,
		    uint32_t str, uint32_t row)
{
	key_set_in(k, &ds->strings, num, str, row);
}

static int is_identity(const uint32_t *perm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (perm[i] != i)
			return 0;
	return 1;
}

/* col[i] = old col[perm[i]] for i < n, elements of `size` bytes, through
 * scratch (at least n * size bytes). */
static void permute(void *col, size_t size, const uint32_t *perm, size_t n,
		    void *scratch)
{
	char *c = col, *s = scratch;

	if (n == 0)
		return;
	switch (size) {
	case 1:
		for (size_t i = 0; i < n; i++)
			s[i] = c[perm[i]];
		break;
	case 4:
		for (size_t i = 0; i < n; i++)
			((uint32_t *)scratch)[i] = ((const uint32_t *)col)[perm[i]];
		break;
	case 8:
		for (size_t i = 0; i < n; i++)
			((uint64_t *)scratch)[i] = ((const uint64_t *)col)[perm[i]];
		break;
	default:
		for (size_t i = 0; i < n; i++)
			memcpy(s + i * size, c + (size_t)perm[i] * size, size);
	}
	memcpy(col, scratch, n * size);
}

/* The accounts' new order: order[i] = the old row of new row i. */
static uint32_t *account_order(const struct dataset *ds)
{
	size_t n = ds->acc.n;
	struct key *k = malloc((n + 1) * sizeof(*k));
	uint32_t *order = malloc((n + 1) * sizeof(*order));

	if (!k || !order) {
		free(k);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		key_set(&k[i], ds, ds->acc.platform[i], ds->acc.id[i],
			(uint32_t)i);
	qsort(k, n, sizeof(*k), key_cmp);
	for (size_t i = 0; i < n; i++)
		order[i] = k[i].row;
	free(k);
	return order;
}

/* A stable counting sort of rows 0..n-1 by key[row] < nk: order[] gets the
 * rows, and the returned start[] (nk + 1 entries, the caller frees it)
 * each key's span in order[]; NULL when out of memory. */
static size_t *group_by(const uint32_t *key, size_t n, size_t nk,
			uint32_t *order)
{
	size_t *start = calloc(nk + 2, sizeof(*start));

	if (!start)
		return NULL;
	for (size_t i = 0; i < n; i++)
		start[key[i] + 2]++;
	for (size_t a = 0; a < nk; a++)
		start[a + 2] += start[a + 1];
	for (size_t i = 0; i < n; i++)
		order[start[key[i] + 1]++] = (uint32_t)i;
	/* start[a] .. start[a + 1] is now key a's span */
	return start;
}

/* The posts' new order, their accounts already in new rows: by account,
 * then time, then id bytes, or with tie (posts read without their ids,
 * score --mpi: mpi/mpi_ids.h) by tie[row], the rank of the post's id
 * among its account's posts at that time. */
static uint32_t *post_order(const struct dataset *ds, const uint32_t *tie)
{
	size_t n = ds->post.n, na = ds->acc.n, most = 0;
	uint32_t *order = malloc((n + 1) * sizeof(*order));
	size_t *start = order ? group_by(ds->post.account, n, na, order) : NULL;
	struct key *k = NULL;

	if (!start)
		goto fail;
	for (size_t a = 0; a < na; a++)
		if (start[a + 1] - start[a] > most)
			most = start[a + 1] - start[a];
	k = malloc((most + 1) * sizeof(*k));
	if (!k)
		goto fail;
	for (size_t a = 0; a < na; a++) {
		size_t lo = start[a], m = start[a + 1] - lo;

		if (m < 2)
			continue;
		for (size_t i = 0; i < m; i++) {
			uint32_t j = order[lo + i];

			key_set(&k[i], ds, ds->post.time[j],
				tie ? STR_NONE : ds->post.id[j], j);
			if (tie)
				k[i].tie = tie[j];
		}
		qsort(k, m, sizeof(*k), key_cmp);
		for (size_t i = 0; i < m; i++)
			order[lo + i] = k[i].row;
	}
	free(k);
	free(start);
	return order;
fail:
	free(k);
	free(start);
	free(order);
	return NULL;
}

/* permute() on each of ncols columns of the given element sizes. */
static void permute_columns(void *const *cols, const size_t *sizes,
			    size_t ncols, const uint32_t *order, size_t n,
			    void *scratch)
{
	for (size_t c = 0; c < ncols; c++)
		if (cols[c]) /* a column kept elsewhere (post_counts_apart) */
			permute(cols[c], sizes[c], order, n, scratch);
}

static void permute_accounts(struct dataset *ds, const uint32_t *order,
			     void *scratch)
{
	void *const cols[] = {
		ds->acc.platform, ds->acc.id, ds->acc.handle, ds->acc.name,
		ds->acc.description, ds->acc.location, ds->acc.lang,
		ds->acc.created, ds->acc.followers, ds->acc.following,
		ds->acc.n_changes,
	};
	const size_t sizes[] = { 1, 4, 4, 4, 4, 4, 4, 8, 8, 8, 4 };

	permute_columns(cols, sizes, sizeof(sizes) / sizeof(sizes[0]), order,
			ds->acc.n, scratch);
}

static void permute_posts(struct dataset *ds, const uint32_t *order,
			  void *scratch)
{
	void *const cols[] = {
		ds->post.id, ds->post.account, ds->post.time, ds->post.text,
		ds->post.lang, ds->post.client, ds->post.kind,
		ds->post.flags, ds->post.ref_post, ds->post.ref_account,
		ds->post.likes, ds->post.reposts, ds->post.replies,
		ds->post.quotes,
	};
	const size_t sizes[] = { 4, 4, 8, 4, 4, 4, 1, 1, 4, 4, 4, 4, 4, 4 };

	permute_columns(cols, sizes, sizeof(sizes) / sizeof(sizes[0]), order,
			ds->post.n, scratch);
	if (ds->post.origin) {
		void *const oc[] = { ds->post.origin };
		const size_t os[] = { 8 };

		permute_columns(oc, os, 1, order, ds->post.n, scratch);
	}
}

/* The entities laid out again in the posts' new order (order[new] = old),
 * each post's own entities in their order. The new offsets are made in
 * scratch (8 bytes a post) and each column goes through a copy of its
 * own, one at a time: the entities' part of the canonical order's peak
 * (at 10M posts 52 MB here, not 132). */
static enum cib_err permute_entities(struct dataset *ds, const uint32_t *order,
				     void *scratch)
{
	size_t n = ds->post.n, ne;
	uint64_t *off = scratch;
	uint32_t *str = NULL;
	uint8_t *type = NULL;

	/* order may name a subset of the rows (dataset_drop_rows): the
	 * entities kept are those of the rows named */
	ne = 0;
	for (size_t i = 0; i < n; i++)
		ne += ds->post.ent_off[order[i] + 1] - ds->post.ent_off[order[i]];
	if (ne) {
		str = malloc(ne * sizeof(*str));
		if (!str)
			return CIB_ENOMEM;
	}
	off[0] = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = ds->post.ent_off[order[i]];
		uint64_t hi = ds->post.ent_off[order[i] + 1];

		if (hi > lo)
			memcpy(str + off[i], ds->ent.str + lo,
			       (hi - lo) * sizeof(*str));
		off[i + 1] = off[i] + (hi - lo);
	}
	ds->ent.n = ne;
	if (ne) {
		memcpy(ds->ent.str, str, ne * sizeof(*str));
		free(str);
		type = malloc(ne);
		if (!type) /* the strings moved: the types must follow */
			return CIB_ENOMEM;
		for (size_t i = 0; i < n; i++) {
			uint64_t lo = ds->post.ent_off[order[i]];

			memcpy(type + off[i], ds->ent.type + lo,
			       off[i + 1] - off[i]);
		}
		memcpy(ds->ent.type, type, ne);
		free(type);
	}
	memcpy(ds->post.ent_off, off, (n + 1) * sizeof(*off));
	return CIB_OK;
}

/* The change log grouped by its accounts (already in new rows), each
 * account's changes in the order they were seen. */
static enum cib_err regroup_changes(struct dataset *ds, void *scratch)
{
	size_t n = ds->change.n;
	uint32_t *order;
	size_t *start;

	if (n == 0)
		return CIB_OK;
	order = malloc(n * sizeof(*order));
	start = order ? group_by(ds->change.account, n, ds->acc.n, order)
		      : NULL;
	if (!start) {
		free(order);
		return CIB_ENOMEM;
	}
	{
		void *const cols[] = { ds->change.account, ds->change.field,
				       ds->change.old_value,
				       ds->change.new_value, ds->change.time };
		const size_t sizes[] = { 4, 1, 4, 4, 8 };

		permute_columns(cols, sizes, 5, order, n, scratch);
	}
	free(start);
	free(order);
	return CIB_OK;
}

#define VISIT(x)                                                    \
	do {                                                        \
		uint32_t v_ = (x);                                  \
		if (v_ != STR_NONE && newid[v_] == UINT32_MAX)      \
			newid[v_] = next++;                         \
	} while (0)

/* The ids the rows use, numbered in the rows' order (the texts are a
 * pool of their own, renumbered apart). */
static uint32_t next_id_after_rows(const struct dataset *ds, uint32_t *newid)
{
	uint32_t next = 0;

	for (size_t a = 0; a < ds->acc.n; a++) {
		VISIT(ds->acc.id[a]);
		VISIT(ds->acc.handle[a]);
		VISIT(ds->acc.name[a]);
		VISIT(ds->acc.description[a]);
		VISIT(ds->acc.location[a]);
		VISIT(ds->acc.lang[a]);
	}
	for (size_t j = 0; j < ds->post.n; j++) {
		VISIT(ds->post.id[j]);
		VISIT(ds->post.lang[j]);
		VISIT(ds->post.client[j]);
		VISIT(ds->post.ref_post[j]);
		VISIT(ds->post.ref_account[j]);
		for (uint64_t k = ds->post.ent_off[j]; k < ds->post.ent_off[j + 1];
		     k++)
			VISIT(ds->ent.str[k]);
	}
	for (size_t i = 0; i < ds->change.n; i++) {
		VISIT(ds->change.old_value[i]);
		VISIT(ds->change.new_value[i]);
	}
	return next;
}

static uint32_t next_text_after_rows(const struct dataset *ds, uint32_t *newid)
{
	uint32_t next = 0;

	for (size_t j = 0; ds->post.text && j < ds->post.n; j++)
		VISIT(ds->post.text[j]);
	return next;
}

/* Renumbers pool sp: the ids visit() numbers in the rows' order first,
 * then the rest (no row holds them) by their bytes; col[0..ncol) (len[c]
 * ids each) follow. */
static enum cib_err renumber_pool(struct dataset *ds, struct strpool *sp,
				  uint32_t (*visit)(const struct dataset *,
						    uint32_t *),
				  uint32_t *const *col, const size_t *len,
				  size_t ncol)
{
	size_t n = sp->n, m = 0;
	uint32_t *newid = malloc((n + 1) * sizeof(*newid)), next;
	struct key *rest = NULL;
	enum cib_err err = CIB_ENOMEM;

	if (!newid)
		return CIB_ENOMEM;
	memset(newid, 0xff, (n + 1) * sizeof(*newid));
	next = visit(ds, newid);
	rest = malloc((n - next + 1) * sizeof(*rest));
	if (!rest)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		if (newid[i] == UINT32_MAX)
			key_set_in(&rest[m++], sp, 0, i, i);
	qsort(rest, m, sizeof(*rest), key_cmp);
	for (size_t i = 0; i < m; i++)
		newid[rest[i].row] = next++;
	err = strpool_renumber(sp, newid);
	if (err)
		goto out;
	for (size_t c = 0; c < ncol; c++)
		for (size_t i = 0; i < len[c]; i++)
			if (col[c][i] != STR_NONE)
				col[c][i] = newid[col[c][i]];
out:
	free(newid);
	free(rest);
	return err;
}

static enum cib_err renumber_strings(struct dataset *ds)
{
	uint32_t *col[DS_STRING_COLUMNS];
	size_t len[DS_STRING_COLUMNS];
	size_t ncol = dataset_string_columns(ds, col, len);
	uint32_t *const tcol[] = { ds->post.text };
	const size_t tlen[] = { ds->post.text ? ds->post.n : 0 };
	enum cib_err err;

	err = renumber_pool(ds, &ds->strings, next_id_after_rows, col, len,
			    ncol);
	if (!err)
		err = renumber_pool(ds, &ds->texts, next_text_after_rows, tcol,
				    tlen, 1);
	return err;
}

static enum cib_err canonical_order(struct dataset *ds, int *moved,
				    int tables, const uint32_t *tie);

enum cib_err dataset_canonical_order(struct dataset *ds, int *moved)
{
	return canonical_order(ds, moved, 1, NULL);
}

enum cib_err dataset_canonical_order_bare(struct dataset *ds, int *moved)
{
	return canonical_order(ds, moved, 0, NULL);
}

enum cib_err dataset_canonical_order_ties(struct dataset *ds,
					  const uint32_t *tie, int *moved)
{
	return canonical_order(ds, moved, 0, tie);
}

/* Rows kept: the posts whose bit is clear in dead, and the accounts with
 * a live post or their bit set in keep_acc; order[] the kept rows of n,
 * ascending, *m how many. */
static uint32_t *kept_rows(const uint64_t *drop, size_t n, size_t *m)
{
	uint32_t *order = malloc((n + 1) * sizeof(*order));

	*m = 0;
	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!drop || !bits_get(drop, i))
			order[(*m)++] = (uint32_t)i;
	return order;
}

enum cib_err dataset_drop_rows(struct dataset *ds, const uint64_t *dead,
			       const uint64_t *keep_acc, size_t *n_dead)
{
	size_t na = ds->acc.n, np = ds->post.n, mp, ma, big;
	uint64_t *acc_drop = NULL;
	uint32_t *porder = NULL, *aorder = NULL, *rank = NULL;
	void *scratch = NULL;
	enum cib_err err = CIB_ENOMEM;

	*n_dead = 0;
	assert(!ds->post.id || ds->tables_pending || ds->lookups_dropped ||
	       !ds->post_row); /* the key tables would go stale */
	acc_drop = calloc(bits_words(na) + 1, sizeof(*acc_drop));
	if (!acc_drop)
		goto out;
	for (size_t a = 0; a < na; a++)
		if (!keep_acc || !bits_get(keep_acc, a))
			bits_set(acc_drop, a);
	for (size_t j = 0; j < np; j++)
		if (!bits_get(dead, j))
			acc_drop[ds->post.account[j] / 64] &=
				~(UINT64_C(1) << (ds->post.account[j] % 64));
	porder = kept_rows(dead, np, &mp);
	aorder = kept_rows(acc_drop, na, &ma);
	rank = malloc((na + 1) * sizeof(*rank));
	big = na > np ? na : np;
	scratch = malloc((big + 1) * 8);
	if (!porder || !aorder || !rank || !scratch)
		goto out;
	for (size_t a = 0; a < na; a++)
		rank[a] = UINT32_MAX;
	for (size_t i = 0; i < ma; i++)
		rank[aorder[i]] = (uint32_t)i;
	for (size_t i = 0; i < ds->change.n; i++) {
		/* changes come from account records: never a dropped one */
		assert(rank[ds->change.account[i]] != UINT32_MAX);
		ds->change.account[i] = rank[ds->change.account[i]];
	}
	if (mp < np) {
		ds->post.n = mp;
		err = permute_entities(ds, porder, scratch);
		if (err) /* the columns still hold np rows */
			goto out;
		permute_posts(ds, porder, scratch);
	}
	for (size_t j = 0; j < mp; j++)
		ds->post.account[j] = rank[ds->post.account[j]];
	if (ma < na) {
		ds->acc.n = ma;
		permute_accounts(ds, aorder, scratch);
	}
	ds->n_duplicate_posts += np - mp;
	*n_dead = np - mp;
	err = CIB_OK;
out:
	free(acc_drop);
	free(porder);
	free(aorder);
	free(rank);
	free(scratch);
	return err;
}

static enum cib_err canonical_order(struct dataset *ds, int *moved,
				    int tables, const uint32_t *tie)
{
	size_t na = ds->acc.n, np = ds->post.n, big;
	uint32_t *aorder = NULL, *rank = NULL, *porder = NULL;
	void *scratch = NULL;
	enum cib_err err = CIB_ENOMEM;
	int acc_same, post_same, had_strings, had_texts;

	if (moved)
		*moved = 0;
	/* the lookup tables are made again at the end: nothing here looks
	 * a string or a post up, and they go before the orders' tables
	 * (the strings' and posts' were 192 MB of rank 0's peak at 10M
	 * posts, which this step was) */
	had_strings = ds->strings.nslots != 0;
	had_texts = ds->texts.nslots != 0;
	strpool_drop_table(&ds->strings);
	strpool_drop_table(&ds->texts);
	dataset_free_post_keys(ds);
	/* the reading's freed buffers back before the orders' tables */
	bigmem_trim();
	aorder = account_order(ds);
	rank = malloc((na + 1) * sizeof(*rank));
	if (!aorder || !rank)
		goto out;
	for (size_t i = 0; i < na; i++)
		rank[aorder[i]] = (uint32_t)i;
	acc_same = is_identity(aorder, na);
	if (!acc_same) {
		/* the posts' and changes' accounts in new rows first: the
		 * posts are then ordered, and the changes grouped, by them */
		for (size_t j = 0; j < np; j++)
			ds->post.account[j] = rank[ds->post.account[j]];
		for (size_t i = 0; i < ds->change.n; i++)
			ds->change.account[i] = rank[ds->change.account[i]];
	}
	porder = post_order(ds, tie);
	if (!porder)
		goto out;
	post_same = is_identity(porder, np);
	big = na > np ? na : np;
	if (ds->change.n > big)
		big = ds->change.n;
	scratch = malloc((big + 1) * 8);
	if (!scratch)
		goto out;
	if (!acc_same) {
		permute_accounts(ds, aorder, scratch);
		err = regroup_changes(ds, scratch);
		if (err)
			goto out;
	}
	if (!post_same) {
		err = permute_entities(ds, porder, scratch);
		if (err)
			goto out;
		permute_posts(ds, porder, scratch);
	}
	/* the renumbering's tables come next: the orders and the scratch
	 * go first (120 MB at 10M posts) */
	free(porder);
	free(scratch);
	porder = NULL;
	scratch = NULL;
	err = renumber_strings(ds);
	if (!err && tables)
		err = dataset_rebuild_keys(ds);
	if (!err && tables && had_strings)
		err = strpool_build_table(&ds->strings);
	if (!err && !tables)
		ds->tables_pending = 1 + had_strings;
	if (!err && had_texts)
		err = strpool_build_table(&ds->texts);
	if (!err && moved)
		*moved = !acc_same || !post_same;
out:
	free(aorder);
	free(rank);
	free(porder);
	free(scratch);
	return err;
}
