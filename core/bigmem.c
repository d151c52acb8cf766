/* bigmem.c - see bigmem.h. */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
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

void bigmem_hint(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t lo, hi;

	if (!p || n < BIGMEM_HUGE_MIN || !hint_wanted())
		return;
	lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
	if (hi > lo)
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

void bigmem_discard(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_DONTNEED)
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t pg = ps > 0 ? (uintptr_t)ps : 4096, lo, hi;

	if (!p || n < pg)
		return;
	lo = ((uintptr_t)p + pg - 1) & ~(pg - 1);
	hi = ((uintptr_t)p + n) & ~(pg - 1);
	if (hi > lo)
		(void)madvise((void *)lo, (size_t)(hi - lo), MADV_DONTNEED);
#else
	(void)p;
	(void)n;
#endif
}
