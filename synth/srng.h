/* srng.h - the random streams of the synth modes under synth/.
 *
 * xoshiro256** seeded through splitmix64 from (key, tag, index), so each
 * account, group or text has its own stream that any writer can recreate
 * without drawing the streams before it: generation order never changes
 * the bytes. Everything is integer or IEEE double arithmetic in a fixed
 * order; same seed, same draws.
 */
#ifndef CIB_SRNG_H
#define CIB_SRNG_H

#include <stddef.h>
#include <stdint.h>

struct srng {
	uint64_t s[4];
};

/* splitmix64 finaliser, also used to derive keys */
uint64_t srng_mix(uint64_t z);
/* Seeds `r` for stream (key, tag, index). */
void srng_seed(struct srng *r, uint64_t key, uint64_t tag, uint64_t index);
uint64_t srng_u64(struct srng *r);
/* uniform in [0, 1) */
double srng_unif(struct srng *r);
/* uniform integer in [0, n); 0 when n <= 1 (no modulo bias) */
uint64_t srng_below(struct srng *r, uint64_t n);
/* uniform integer in [lo, hi] */
int64_t srng_range(struct srng *r, int64_t lo, int64_t hi);
/* uniform double in [lo, hi) */
double srng_uniform(struct srng *r, double lo, double hi);
int srng_coin(struct srng *r, double p);
/* standard normal (Box-Muller, one value per call) */
double srng_normal(struct srng *r);
/* log-normal with the given median and log-sd */
double srng_lnorm(struct srng *r, double median, double sigma);
/* exponential with the given mean */
double srng_exp(struct srng *r, double mean);
/* Poisson; exact inversion below mean 30, rounded normal above */
uint64_t srng_poisson(struct srng *r, double mean);
/* Zipf-like index in [0, n): P(k) proportional to (k+1)^-s, drawn by
 * inverting the continuous approximation (O(1), no table) */
uint64_t srng_zipf(struct srng *r, uint64_t n, double s);
/* Fisher-Yates shuffle of n uint32_t */
void srng_shuffle_u32(struct srng *r, uint32_t *a, size_t n);

#endif
