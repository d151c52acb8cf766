/* bigmem.h - allocation of the large flat arrays (columns, hash tables,
 * sort buffers) that grow with the input.
 *
 * At tens of millions of rows a column or table spans gigabytes; touched at
 * random (hash probes, scatter in radix sorts) every access then misses the
 * TLB with 4 KiB pages. bigmem_* behave exactly like malloc/calloc/realloc
 * (free() releases them) and, for blocks of BIGMEM_HUGE_MIN bytes or more,
 * can ask the kernel to back the block with transparent huge pages
 * (madvise(MADV_HUGEPAGE) on Linux; a no-op elsewhere or when THP is off).
 *
 * The hint is off unless CIBSCAN_HUGEPAGES=1 is set: on the virtual
 * machines measured, faulting in and clearing a huge page costs far more
 * system time than the TLB misses it saves (10M posts: 87-88 s without,
 * 100-103 s with; docs/bench.md). The hint never changes what the memory
 * holds.
 */
#ifndef CIB_BIGMEM_H
#define CIB_BIGMEM_H

#include <stddef.h>

/* Smallest block worth a hint (a few huge pages). */
#define BIGMEM_HUGE_MIN ((size_t)8 << 20)

void *bigmem_malloc(size_t n);
void *bigmem_calloc(size_t n, size_t size);
void *bigmem_realloc(void *p, size_t n);

/* The hint alone, for memory allocated elsewhere: covers the whole huge
 * pages inside p[0..n). */
void bigmem_hint(void *p, size_t n);

/* Gives the whole pages inside p[0..n) back to the system (on Linux
 * madvise(MADV_DONTNEED); a no-op elsewhere): for a block the caller will
 * not read there again before freeing it, such as the part of a send
 * buffer already sent. The block stays the caller's; those bytes read as
 * zero after. Returns the bytes of the pages given back (0 where it is a
 * no-op; pages given back before count again). */
size_t bigmem_discard(void *p, size_t n);

/* Gives the allocator's free memory back to the system (glibc's
 * malloc_trim: the whole free pages inside every arena, the threads'
 * included; a no-op elsewhere): for a caller between two stages, once
 * one stage's many mid-sized blocks are freed and before the next
 * allocates its own. Nothing allocated changes. */
void bigmem_trim(void);

/* Blocks of this many bytes or more are mapped on their own by the
 * allocator (bigmem_setup), so freeing one gives it back to the system. */
#define BIGMEM_MAP_MIN ((size_t)1 << 20)

/* Process setup, once, before the first large allocation (cli/main.c):
 * fixes glibc's mmap threshold at BIGMEM_MAP_MIN (a no-op elsewhere).
 * Left alone, glibc raises the threshold to the size of each mapped
 * block freed (up to 32 MB on 64-bit), so once a stage frees its buffers
 * the next stage's blocks of up to that size come from the heap, where a
 * freed block goes back to the system only when nothing live sits above
 * it: each stage then peaks over the freed memory of the ones before
 * (docs/bench.md, "Session 19": the allocator's threshold). Nothing
 * allocated changes, only where. */
void bigmem_setup(void);

#endif
