/* bigmem.c - see bigmem.h. */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* 1 when CIBSCAN_HUGEPAGES=1 is in the environment (the hint is off by
 * default: see bigmem.h). Read at each call, which is cheap next to a
 * block of BIGMEM_HUGE_MIN bytes and shares no state between threads. */
static int hint_wanted(void)
{
	const char *v = getenv("CIBSCAN_HUGEPAGES");

	return v && v[0] == '1' && v[1] == 0;
}

#if defined(__linux__)
/* The whole units of `unit` bytes (a power of two) inside p[0..n):
 * [*lo, *hi), or 0 when there are none. */
static int inner_units(const void *p, size_t n, uintptr_t unit, uintptr_t *lo,
		       uintptr_t *hi)
{
	*lo = ((uintptr_t)p + unit - 1) & ~(unit - 1);
	*hi = ((uintptr_t)p + n) & ~(unit - 1);
	return p && *hi > *lo;
}
#endif

void bigmem_hint(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t lo, hi;

	if (n >= BIGMEM_HUGE_MIN && hint_wanted() &&
	    inner_units(p, n, HUGE_PAGE, &lo, &hi))
		(void)madvise((void *)lo, (size_t)(hi - lo), MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void *bigmem_malloc(size_t n)
{
	void *p = malloc(n);

	bigmem_hint(p, n);
	return p;
}

void *bigmem_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p && size && n <= SIZE_MAX / size)
		bigmem_hint(p, n * size);
	return p;
}

void *bigmem_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q)
		bigmem_hint(q, n);
	return q;
}

size_t bigmem_discard(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_DONTNEED)
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;

	if (inner_units(p, n, ps > 0 ? (uintptr_t)ps : 4096, &lo, &hi) &&
	    madvise((void *)lo, (size_t)(hi - lo), MADV_DONTNEED) == 0)
		return (size_t)(hi - lo);
#else
	(void)p;
	(void)n;
#endif
	return 0;
}

void bigmem_trim(void)
{
#if defined(__GLIBC__)
	(void)malloc_trim(0);
#endif
}

void bigmem_setup(void)
{
#if defined(__GLIBC__)
	(void)mallopt(M_MMAP_THRESHOLD, (int)BIGMEM_MAP_MIN);
#endif
}
