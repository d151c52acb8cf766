/* postindex.h - posts grouped by account, in time order.
 *
 * The features and the model scan each account's posts in time order; this
 * index is built once (a counting sort by account, then a sort by time
 * within each account) and shared. Account a's posts are
 * idx[off[a]] .. idx[off[a+1]-1], oldest first.
 */
#ifndef CIB_POSTINDEX_H
#define CIB_POSTINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"

struct postindex {
	size_t n_accounts;
	uint64_t *off; /* n_accounts + 1 */
	uint32_t *idx; /* post indices, ds->post.n of them */
};

/* Builds the index for ds; release with postindex_release(). */
enum cib_err postindex_build(struct postindex *pi, const struct dataset *ds);
void postindex_release(struct postindex *pi);

static inline size_t postindex_count(const struct postindex *pi, size_t acc)
{
	return (size_t)(pi->off[acc + 1] - pi->off[acc]);
}

/* Sorts the post indices in v[0..n) by (ds->post.time, index). */
void postindex_sort_by_time(uint32_t *v, size_t n, const struct dataset *ds);

#endif
