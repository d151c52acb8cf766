/* strpool.c - string interning with an arena and an open-addressing table.
 *
 * Invariants: slots[] has a power-of-two size and is at most 1/2 full;
 * slot_hash[i] caches the 32 low bits of the hash of slots[i] so probing
 * rarely touches string bytes; arena blocks are never reallocated, so
 * ptr[id] is stable.
 */
#include "strpool.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define BLOCK_MIN ((size_t)1 << 20)
#define BLOCK_MAX ((size_t)64 << 20)

void strpool_init(struct strpool *p)
{
	memset(p, 0, sizeof(*p));
}

void strpool_release(struct strpool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	free((void *)p->ptr);
	free(p->len);
	free(p->slots);
	free(p->slot_hash);
	memset(p, 0, sizeof(*p));
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	return XXH3_64bits(s, len);
}

static enum cib_err grow_table(struct strpool *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 1024;
	uint32_t *slots = malloc(n * sizeof(*slots));
	uint32_t *hashes = malloc(n * sizeof(*hashes));

	if (!slots || !hashes) {
		free(slots);
		free(hashes);
		return CIB_ENOMEM;
	}
	memset(slots, 0xff, n * sizeof(*slots));
	for (size_t i = 0; i < p->nslots; i++) {
		uint32_t id = p->slots[i];
		size_t j;

		if (id == STR_NONE)
			continue;
		j = p->slot_hash[i] & (n - 1);
		while (slots[j] != STR_NONE)
			j = (j + 1) & (n - 1);
		slots[j] = id;
		hashes[j] = p->slot_hash[i];
	}
	free(p->slots);
	free(p->slot_hash);
	p->slots = slots;
	p->slot_hash = hashes;
	p->nslots = n;
	return CIB_OK;
}

static char *arena_alloc(struct strpool *p, size_t len)
{
	char *b;

	if (p->nblocks == 0 || p->block_used + len > p->block_size) {
		size_t size = p->block_size ? p->block_size * 2 : BLOCK_MIN;

		if (size > BLOCK_MAX)
			size = BLOCK_MAX;
		if (size < len)
			size = len;
		if (p->nblocks == p->capblocks) {
			size_t nc = p->capblocks ? p->capblocks * 2 : 16;
			char **nb = realloc(p->blocks, nc * sizeof(*nb));

			if (!nb)
				return NULL;
			p->blocks = nb;
			p->capblocks = nc;
		}
		b = malloc(size);
		if (!b)
			return NULL;
		p->blocks[p->nblocks++] = b;
		p->block_size = size;
		p->block_used = 0;
	}
	b = p->blocks[p->nblocks - 1] + p->block_used;
	p->block_used += len;
	return b;
}

static size_t probe(const struct strpool *p, const char *s, size_t len,
		    uint32_t h32)
{
	size_t mask = p->nslots - 1;
	size_t j = h32 & mask;

	for (;;) {
		uint32_t id = p->slots[j];

		if (id == STR_NONE)
			return j;
		if (p->slot_hash[j] == h32 && p->len[id] == len &&
		    memcmp(p->ptr[id], s, len) == 0)
			return j;
		j = (j + 1) & mask;
	}
}

void strpool_find(const struct strpool *p, const char *s, size_t len,
		  uint32_t *id)
{
	*id = STR_NONE;
	if (p->nslots == 0)
		return;
	*id = p->slots[probe(p, s, len, (uint32_t)hash_bytes(s, len))];
}

enum cib_err strpool_intern(struct strpool *p, const char *s, size_t len,
			    uint32_t *id)
{
	uint32_t h32 = (uint32_t)hash_bytes(s, len);
	size_t j;
	char *dst;

	*id = STR_NONE;
	if (len > STRPOOL_MAX_LEN)
		return CIB_ETOOBIG;
	if ((size_t)(p->n + 1) * 2 > p->nslots) {
		enum cib_err err = grow_table(p);

		if (err)
			return err;
	}
	j = probe(p, s, len, h32);
	if (p->slots[j] != STR_NONE) {
		*id = p->slots[j];
		return CIB_OK;
	}
	if (p->n >= UINT32_MAX - 1)
		return CIB_ETOOBIG;
	if (p->n == p->cap) {
		uint32_t nc = p->cap ? p->cap * 2 : 1024;
		const char **np;
		uint32_t *nl;

		if (nc < p->cap)
			nc = UINT32_MAX - 1;
		np = realloc((void *)p->ptr, (size_t)nc * sizeof(*np));
		if (!np)
			return CIB_ENOMEM;
		p->ptr = np;
		nl = realloc(p->len, (size_t)nc * sizeof(*nl));
		if (!nl)
			return CIB_ENOMEM;
		p->len = nl;
		p->cap = nc;
	}
	dst = arena_alloc(p, len + 1);
	if (!dst)
		return CIB_ENOMEM;
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
	p->ptr[p->n] = dst;
	p->len[p->n] = (uint32_t)len;
	p->slots[j] = p->n;
	p->slot_hash[j] = h32;
	p->bytes += len;
	*id = p->n++;
	return CIB_OK;
}
