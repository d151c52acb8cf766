/* splitmix.h - SplitMix64 (Steele, Lea and Flood, 2014), the one copy.
 *
 * splitmix_mix() is its finaliser: a bijection of 64-bit values in which
 * every input bit moves every output bit, for hashing keys and deriving
 * seeds. splitmix_next() is the generator: a counter advanced by the
 * golden-ratio gamma, finalised. Same state, same values, on every build.
 */
#ifndef CIB_SPLITMIX_H
#define CIB_SPLITMIX_H

#include <stdint.h>

#define SPLITMIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t splitmix_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The next value of the generator whose state is *s. */
static inline uint64_t splitmix_next(uint64_t *s)
{
	return splitmix_mix(*s += SPLITMIX_GAMMA);
}

/* A uniform double in [0, 1) from the top 53 bits of z. */
static inline double splitmix_unit(uint64_t z)
{
	return (double)(z >> 11) / 9007199254740992.0;
}

#endif
