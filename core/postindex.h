/* postindex.h - posts grouped by account, in time order.
 *
 * The features and the model scan each account's posts in time order; this
 * index is built once (a counting sort by account, then a sort by time
 * within each account) and shared. Account a's posts are
 * postindex_at(off[a]) .. postindex_at(off[a+1]-1), oldest first.
 *
 * When the posts already stand in that order - by account, then time,
 * then index, which dataset_canonical_order makes (docs/model.md, "Input
 * order") - the index is the identity and idx stays NULL: account a's
 * posts are then the rows off[a] .. off[a+1]-1 themselves (at 10M posts
 * 40 MB not held, and no sort).
 */
#ifndef CIB_POSTINDEX_H
#define CIB_POSTINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"

struct postindex {
	size_t n_accounts;
	uint64_t *off; /* n_accounts + 1 */
	uint32_t *idx; /* post indices, ds->post.n of them; NULL when the
			  posts are in index order (postindex_at) */
};

/* Builds the index for ds; release with postindex_release(). */
enum cib_err postindex_build(struct postindex *pi, const struct dataset *ds);
void postindex_release(struct postindex *pi);

/* The k-th post of the index (account a's are k = off[a] .. off[a+1]-1). */
static inline uint32_t postindex_at(const struct postindex *pi, uint64_t k)
{
	return pi->idx ? pi->idx[k] : (uint32_t)k;
}

static inline size_t postindex_count(const struct postindex *pi, size_t acc)
{
	return (size_t)(pi->off[acc + 1] - pi->off[acc]);
}

/* Sorts the post indices in v[0..n) by (ds->post.time, index). */
void postindex_sort_by_time(uint32_t *v, size_t n, const struct dataset *ds);

#endif
