/* strbuf.c - the capped growable string of strbuf.h.
 *
 * Invariant: after any call, either err is set and nothing changed, or s
 * holds n bytes plus a NUL and n <= max. Capacity doubles from 256, so a
 * string of n bytes costs O(n) copying in all. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void strbuf_release(struct strbuf *b)
{
	if (!b)
		return;
	free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
	b->err = CIB_OK;
}

void strbuf_reset(struct strbuf *b)
{
	b->n = 0;
	if (b->s)
		b->s[0] = '\0';
	b->err = CIB_OK;
}

/* Room for n more bytes and the NUL; 0 on success. */
static int room(struct strbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->err)
		return -1;
	if (n > b->max - b->n) {
		b->err = CIB_ETOOBIG;
		return -1;
	}
	if (b->n + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->n + n + 1)
		cap = cap > ((size_t)-1) / 2 ? b->n + n + 1 : cap * 2;
	p = realloc(b->s, cap);
	if (!p) {
		b->err = CIB_ENOMEM;
		return -1;
	}
	b->s = p;
	b->cap = cap;
	return 0;
}

void strbuf_add(struct strbuf *b, const void *p, size_t n)
{
	if (room(b, n))
		return;
	if (n)
		memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int k;

	if (b->err)
		return;
	va_copy(cp, ap);
	k = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (k < 0) {
		b->err = CIB_EUSAGE;
		return;
	}
	if (room(b, (size_t)k))
		return;
	vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
	b->n += (size_t)k;
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *strbuf_detach(struct strbuf *b, size_t *n)
{
	char *s = b->s;

	if (!s)
		s = calloc(1, 1);
	if (n)
		*n = b->n;
	b->s = NULL;
	b->n = b->cap = 0;
	return s;
}
