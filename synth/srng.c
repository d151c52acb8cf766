/* srng.c - deterministic random streams for the synth modes (srng.h).
 *
 * Invariant: every function draws a fixed number of 64-bit words for a
 * given outcome path, and uses only +,-,*,/, log, exp, sqrt, cos and pow,
 * so a seed gives the same values on every run of the same build.
 */
#include "srng.h"

#include <math.h>

#include "core/splitmix.h"

uint64_t srng_mix(uint64_t z)
{
	return splitmix_mix(z + SPLITMIX_GAMMA);
}

void srng_seed(struct srng *r, uint64_t key, uint64_t tag, uint64_t index)
{
	uint64_t z = srng_mix(key ^ srng_mix(tag * 0x100000001b3ULL ^
					     srng_mix(index)));

	for (int i = 0; i < 4; i++) {
		z = srng_mix(z);
		r->s[i] = z;
	}
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t srng_u64(struct srng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double srng_unif(struct srng *r)
{
	return (double)(srng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t srng_below(struct srng *r, uint64_t n)
{
	uint64_t x, lim;

	if (n <= 1)
		return 0;
	lim = UINT64_MAX - UINT64_MAX % n;
	do
		x = srng_u64(r);
	while (x >= lim);
	return x % n;
}

int64_t srng_range(struct srng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)srng_below(r, (uint64_t)(hi - lo) + 1);
}

double srng_uniform(struct srng *r, double lo, double hi)
{
	return lo + (hi - lo) * srng_unif(r);
}

int srng_coin(struct srng *r, double p)
{
	return srng_unif(r) < p;
}

double srng_normal(struct srng *r)
{
	double u = 1.0 - srng_unif(r), v = srng_unif(r);

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

double srng_lnorm(struct srng *r, double median, double sigma)
{
	return median * exp(sigma * srng_normal(r));
}

double srng_exp(struct srng *r, double mean)
{
	return -mean * log(1.0 - srng_unif(r));
}

uint64_t srng_poisson(struct srng *r, double mean)
{
	if (mean <= 0)
		return 0;
	if (mean < 30) {
		double p = exp(-mean), f = p, u = srng_unif(r);
		uint64_t k = 0;

		while (u > f && k < 1000) {
			k++;
			p *= mean / (double)k;
			f += p;
		}
		return k;
	}
	{
		double x = mean + sqrt(mean) * srng_normal(r);

		return x < 0 ? 0 : (uint64_t)(x + 0.5);
	}
}

uint64_t srng_zipf(struct srng *r, uint64_t n, double s)
{
	double u = srng_unif(r), x;

	if (n <= 1)
		return 0;
	/* inverse CDF of the density x^-s on [1, n+1) */
	if (fabs(s - 1.0) < 1e-9) {
		x = exp(u * log((double)n + 1.0));
	} else {
		double a = 1.0 - s, top = pow((double)n + 1.0, a);

		x = pow(1.0 + u * (top - 1.0), 1.0 / a);
	}
	if (x < 1)
		x = 1;
	if (x >= (double)n + 1.0)
		x = (double)n;
	return (uint64_t)x - 1;
}

void srng_shuffle_u32(struct srng *r, uint32_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)srng_below(r, i);
		uint32_t t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}
