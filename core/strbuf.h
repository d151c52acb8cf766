/* strbuf.h - a growable string with a hard cap (after curl's dynbuf).
 *
 * Every string built from input (a URL from a cursor, a JSON line from a
 * post's text) grows in one of these, so none can grow without bound: past
 * `max` bytes, or when memory runs out, the buffer fails once and for all
 * and every later call is a no-op, so a builder can add a dozen pieces and
 * check strbuf_err() once at the end.
 *
 * Invariants: s is NUL-terminated whenever it is non-NULL; n <= max; once
 * err is set it never clears until strbuf_reset() or strbuf_release().
 * Ownership: the caller owns the struct and, after strbuf_detach(), the
 * string.
 */
#ifndef CIB_STRBUF_H
#define CIB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

struct strbuf {
	char *s;          /* NULL until the first byte */
	size_t n, cap;    /* bytes held (without the NUL), allocated */
	size_t max;       /* longest string accepted */
	enum cib_err err; /* CIB_ETOOBIG or CIB_ENOMEM once failed */
};

/* An empty buffer that will hold at most max bytes. */
void strbuf_init(struct strbuf *b, size_t max);
/* Frees the string; accepts NULL. The buffer may be used again. */
void strbuf_release(struct strbuf *b);
/* Empties the string and clears a failure, keeping the allocation. */
void strbuf_reset(struct strbuf *b);

void strbuf_add(struct strbuf *b, const void *p, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 0)))
#endif
	;

/* CIB_OK, or why the buffer failed. */
static inline enum cib_err strbuf_err(const struct strbuf *b)
{
	return b->err;
}

/* The string so far ("" when empty), owned by the buffer. */
static inline const char *strbuf_str(const struct strbuf *b)
{
	return b->s ? b->s : "";
}

/* Hands the string to the caller (who frees it; never NULL unless memory
 * ran out) and empties the buffer. */
char *strbuf_detach(struct strbuf *b, size_t *n);

#endif
