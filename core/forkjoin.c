/* forkjoin.c - forkjoin_run() (forkjoin.h).
 *
 * Invariant: when it returns, fn has run exactly once for every t in
 * [0, n), and no thread it started is still running. */
#include "forkjoin.h"

#include <pthread.h>

struct share {
	void (*fn)(void *, unsigned);
	void *ctx;
	unsigned t;
};

static void *share_run(void *p)
{
	const struct share *s = p;

	s->fn(s->ctx, s->t);
	return NULL;
}

void forkjoin_run(unsigned n, void (*fn)(void *ctx, unsigned t), void *ctx)
{
	pthread_t th[FORKJOIN_MAX];
	struct share sh[FORKJOIN_MAX];
	int started[FORKJOIN_MAX] = { 0 };

	unsigned nt = n > FORKJOIN_MAX ? FORKJOIN_MAX : n;

	for (unsigned t = 0; t < nt; t++)
		sh[t] = (struct share){ fn, ctx, t };
	for (unsigned t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, share_run, &sh[t]) ==
			     0;
	if (nt)
		share_run(&sh[0]);
	for (unsigned t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			share_run(&sh[t]);
	}
	for (unsigned t = nt; t < n; t++) /* past the cap: on the caller */
		fn(ctx, t);
}
