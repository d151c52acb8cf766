/* forkjoin.h - run one function on several threads and wait for all.
 *
 * The shape every parallel step of cibscan has: fn(ctx, t) for t in
 * [0, n), t = 0 on the calling thread and the others on threads of their
 * own, all joined before returning. A thread that cannot be created is
 * not an error: its share runs on the caller once the others are joined,
 * so the result never depends on how many threads the system granted
 * (fn must give the same result whichever thread runs a share; shares
 * that pull work from a common counter simply find less left).
 */
#ifndef CIB_FORKJOIN_H
#define CIB_FORKJOIN_H

#include <stddef.h>

/* Most threads one call starts; shares past it run on the caller. */
#define FORKJOIN_MAX 64

/* Runs fn(ctx, t) for t = 0 .. n-1 as above; n 0 runs nothing. */
void forkjoin_run(unsigned n, void (*fn)(void *ctx, unsigned t), void *ctx);

/* Start of share t when [0, total) is cut into n contiguous shares
 * (share t is [forkjoin_share(total, n, t), forkjoin_share(total, n,
 * t + 1))); t >= n gives total. */
static inline size_t forkjoin_share(size_t total, unsigned n, unsigned t)
{
	return t >= n ? total : total / n * t;
}

#endif
