/* test_coreprims.c - the small shared primitives of core/: the string
 * layer over a read-only pool, and the helpers every module used to carry
 * a copy of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/forkjoin.h"
#include "core/slurp.h"
#include "core/sortu64.h"
#include "core/splitmix.h"
#include "core/strbuf.h"
#include "core/strlayer.h"
#include "core/strpool.h"

/* ids from the base and the layer compare equal exactly when the strings
 * do, the layer's own ids follow the base's in first-interned order, and
 * the base is never written */
static void test_strlayer(void **state)
{
	struct strpool base;
	struct strlayer l;
	uint32_t a, b, x, y, z;

	(void)state;
	strpool_init(&base);
	assert_int_equal(strpool_intern(&base, "alpha", 5, &a), CIB_OK);
	assert_int_equal(strpool_intern(&base, "beta", 4, &b), CIB_OK);
	strlayer_init(&l, &base);
	assert_int_equal(strlayer_intern(&l, "beta", 4, &x), CIB_OK);
	assert_int_equal(x, b);
	assert_int_equal(strlayer_intern(&l, "gamma", 5, &y), CIB_OK);
	assert_int_equal(y, 2);
	assert_int_equal(strlayer_intern(&l, "delta", 5, &z), CIB_OK);
	assert_int_equal(z, 3);
	assert_int_equal(strlayer_intern(&l, "gamma", 5, &x), CIB_OK);
	assert_int_equal(x, y);
	assert_int_equal(base.n, 2);
	assert_int_equal(strlayer_n(&l), 4);
	assert_string_equal(strlayer_get(&l, a), "alpha");
	assert_string_equal(strlayer_get(&l, z), "delta");
	assert_int_equal(strlayer_len(&l, y), 5);
	assert_string_equal(strlayer_get(&l, STR_NONE), "");
	assert_int_equal(strlayer_len(&l, STR_NONE), 0);
	/* what it handed out of the base: beta, not alpha nor its own */
	assert_true(strlayer_handed(&l, b));
	assert_false(strlayer_handed(&l, a));
	assert_false(strlayer_handed(&l, y));
	assert_false(strlayer_handed(&l, STR_NONE));
	strlayer_release(&l);
	strlayer_release(&l);
	strlayer_release(NULL);
	/* no base: the layer alone */
	strlayer_init(&l, NULL);
	assert_int_equal(strlayer_intern(&l, "alpha", 5, &x), CIB_OK);
	assert_int_equal(x, 0);
	strlayer_release(&l);
	strpool_release(&base);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* the three sorts against qsort, on sizes around each cut-off (insertion
 * below 32 and 48) and on keys that share bytes (the radix skips those
 * passes) */
static void test_sortu64(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 31, 32, 33, 47, 48, 49,
					64, 255, 256, 1000, 4097, 100000 };
	static const uint64_t masks[] = { UINT64_MAX, 0xFF,
					  0xFF00FF0000000000ULL, 7 };
	uint64_t seed = 42;

	(void)state;
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
		for (size_t mi = 0; mi < sizeof(masks) / sizeof(masks[0]); mi++)
			for (int how = 0; how < 3; how++) {
				size_t n = sizes[si];
				uint64_t *a = malloc((n + 1) * sizeof(*a));
				uint64_t *b = malloc((n + 1) * sizeof(*b));
				uint64_t *tmp = malloc((n + 1) * sizeof(*tmp));

				assert_non_null(a);
				assert_non_null(b);
				assert_non_null(tmp);
				for (size_t i = 0; i < n; i++)
					a[i] = b[i] = splitmix_next(&seed) & masks[mi];
				if (how == 0)
					sortu64_radix(a, tmp, n);
				else if (how == 1)
					sortu64_heap(a, n);
				else
					sortu64(a, n);
				qsort(b, n, sizeof(*b), cmp_u64);
				for (size_t i = 0; i < n; i++)
					if (a[i] != b[i])
						fail_msg("sort %d n %zu mask %zu: [%zu]",
							 how, n, mi, i);
				free(a);
				free(b);
				free(tmp);
			}
}

/* the published SplitMix64 sequence from seed 0 (Vigna's splitmix64.c),
 * and the finaliser as the generator's step */
static void test_splitmix(void **state)
{
	uint64_t s = 0;

	(void)state;
	assert_true(splitmix_next(&s) == UINT64_C(0xe220a8397b1dcdaf));
	assert_true(splitmix_next(&s) == UINT64_C(0x6e789e6aa1b965f4));
	assert_true(splitmix_next(&s) == UINT64_C(0x06c45d188009454f));
	assert_true(splitmix_mix(SPLITMIX_GAMMA) ==
		    UINT64_C(0xe220a8397b1dcdaf));
	assert_true(splitmix_unit(0) == 0.0);
	assert_true(splitmix_unit(UINT64_MAX) < 1.0);
}

static void test_strbuf(void **state)
{
	struct strbuf b;
	char *s;
	size_t n;

	(void)state;
	strbuf_init(&b, 10);
	assert_string_equal(strbuf_str(&b), "");
	strbuf_puts(&b, "abc");
	strbuf_addf(&b, "%d-%s", 42, "x");
	assert_string_equal(strbuf_str(&b), "abc42-x");
	assert_int_equal(strbuf_err(&b), CIB_OK);
	strbuf_add(&b, "defg", 4); /* 11 bytes: past the cap */
	assert_int_equal(strbuf_err(&b), CIB_ETOOBIG);
	assert_string_equal(strbuf_str(&b), "abc42-x");
	strbuf_puts(&b, "z"); /* sticky: nothing more is added */
	assert_string_equal(strbuf_str(&b), "abc42-x");
	strbuf_reset(&b);
	assert_int_equal(strbuf_err(&b), CIB_OK);
	strbuf_addf(&b, "%s", "0123456789");
	assert_int_equal(strbuf_err(&b), CIB_OK);
	assert_int_equal(b.n, 10);
	s = strbuf_detach(&b, &n);
	assert_string_equal(s, "0123456789");
	assert_int_equal(n, 10);
	free(s);
	assert_int_equal(b.n, 0);
	/* growth past the first allocation keeps every byte */
	strbuf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&b, "%04d", i);
	assert_int_equal(b.n, 4000);
	assert_memory_equal(strbuf_str(&b) + 3996, "0999", 4);
	strbuf_release(&b);
	strbuf_release(NULL);
}

static void test_slurp(void **state)
{
	char path[] = "/tmp/cibscan-slurp-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	char *buf;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (int i = 0; i < 10000; i++)
		fputc('a' + i % 26, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(slurp_file(path, 10000, &buf, &n), CIB_OK);
	assert_int_equal(n, 10000);
	assert_int_equal(buf[9999], 'a' + 9999 % 26);
	assert_int_equal(buf[10000], '\0');
	free(buf);
	assert_int_equal(slurp_file(path, 9999, &buf, &n), CIB_ETOOBIG);
	assert_null(buf);
	assert_int_equal(slurp_file(path, 0, &buf, &n), CIB_ETOOBIG);
	unlink(path);
	assert_int_equal(slurp_file(path, 100, &buf, &n), CIB_ENOTFOUND);
	assert_null(buf);
	/* an empty file is an empty string */
	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(slurp_file(path, 0, &buf, &n), CIB_OK);
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	free(buf);
	unlink(path);
}

struct fj {
	int ran[FORKJOIN_MAX + 8];
};

static void fj_share(void *ctx, unsigned t)
{
	((struct fj *)ctx)->ran[t]++;
}

/* every share runs exactly once, past the thread cap too */
static void test_forkjoin(void **state)
{
	static const unsigned ns[] = { 0, 1, 2, 5, FORKJOIN_MAX,
				       FORKJOIN_MAX + 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		struct fj f;

		memset(&f, 0, sizeof(f));
		forkjoin_run(ns[i], fj_share, &f);
		for (unsigned t = 0; t < FORKJOIN_MAX + 8; t++)
			assert_int_equal(f.ran[t], t < ns[i]);
	}
	assert_int_equal(forkjoin_share(10, 3, 0), 0);
	assert_int_equal(forkjoin_share(10, 3, 1), 3);
	assert_int_equal(forkjoin_share(10, 3, 3), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strlayer),
		cmocka_unit_test(test_sortu64),
		cmocka_unit_test(test_splitmix),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_slurp),
		cmocka_unit_test(test_forkjoin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
