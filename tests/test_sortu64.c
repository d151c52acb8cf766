/* test_sortu64.c - every sort of core/sortu64.h against qsort on the same
 * keys: sizes on both sides of the insertion cutoff (48) and of the MSD
 * split (65536 keys, where sortu64_radix first splits on the highest byte
 * that differs), and key shapes that exercise each branch: uniform 64-bit
 * keys, keys whose high bytes are all equal (the split moves down to the
 * first byte that differs), (account << 32 | group) pairs with few distinct
 * high halves, many duplicates, all keys equal, and keys already sorted or
 * reversed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sortu64.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

enum shape { UNIFORM, LOW_BYTES, PAIRS, DUPLICATES, EQUAL, SORTED, REVERSED,
	     SHAPES };

static uint64_t key(enum shape s, size_t i, size_t n)
{
	switch (s) {
	case UNIFORM:
		return rng();
	case LOW_BYTES: /* the top five bytes all 0xAB... */
		return UINT64_C(0xABABABABAB000000) | (rng() & 0xFFFFFF);
	case PAIRS:
		return (rng() % 300) << 32 | (rng() % 100000);
	case DUPLICATES:
		return rng() % 7 * UINT64_C(0x0101010101010101);
	case EQUAL:
		return UINT64_C(42);
	case SORTED:
		return (uint64_t)i * 977;
	case REVERSED:
		return (uint64_t)(n - i) << 20;
	case SHAPES:
		break;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void check_size(size_t n)
{
	uint64_t *want = malloc((n + 1) * sizeof(*want));
	uint64_t *got = malloc((n + 1) * sizeof(*got));
	uint64_t *tmp = malloc((n + 1) * sizeof(*tmp));

	assert_non_null(want);
	assert_non_null(got);
	assert_non_null(tmp);
	for (int s = 0; s < SHAPES; s++) {
		rng_state = (uint64_t)s * 1000003 + n;
		for (size_t i = 0; i < n; i++)
			want[i] = key((enum shape)s, i, n);
		memcpy(got, want, n * sizeof(*got));
		qsort(want, n, sizeof(*want), cmp_u64);
		sortu64_radix(got, tmp, n);
		assert_memory_equal(got, want, n * sizeof(*got));
		rng_state = (uint64_t)s * 1000003 + n;
		for (size_t i = 0; i < n; i++)
			got[i] = key((enum shape)s, i, n);
		sortu64(got, n);
		assert_memory_equal(got, want, n * sizeof(*got));
		if (n <= 5000) {
			rng_state = (uint64_t)s * 1000003 + n;
			for (size_t i = 0; i < n; i++)
				got[i] = key((enum shape)s, i, n);
			sortu64_heap(got, n);
			assert_memory_equal(got, want, n * sizeof(*got));
		}
	}
	free(want);
	free(got);
	free(tmp);
}

static void test_small(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 100; n++)
		check_size(n);
	check_size(1000);
	check_size(5000);
}

/* sortu64_lower against a linear scan, runs of equal keys included. */
static void test_lower(void **state)
{
	uint64_t a[40];

	(void)state;
	for (size_t i = 0; i < 40; i++)
		a[i] = (i / 3) * 2 + 5; /* 5 5 5 7 7 7 ... */
	for (size_t n = 0; n <= 40; n++)
		for (uint64_t v = 0; v < 40; v++) {
			size_t want = 0;

			while (want < n && a[want] < v)
				want++;
			assert_int_equal(sortu64_lower(a, n, v), want);
		}
}

static void test_msd_split(void **state)
{
	(void)state;
	check_size(65535);
	check_size(65536);
	check_size(200003);
	/* buckets that are themselves past the split, so split again:
	 * PAIRS puts 85 % of its keys under one value of byte 5, and
	 * DUPLICATES a seventh of them under each of its values */
	check_size(1u << 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_msd_split),
		cmocka_unit_test(test_lower),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
