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

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strlayer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
