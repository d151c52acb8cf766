/* slurp.c - slurp_file() (slurp.h).
 *
 * Invariant: at most max + 1 bytes are ever read and at most max + 1 plus
 * one chunk allocated, whatever the file's size (a pipe or /proc file has
 * no size to trust, so the cap is enforced while reading). */
#include "slurp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cib_err slurp_file(const char *path, size_t max, char **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t len = 0, cap = 0;
	enum cib_err err = CIB_OK;
	int saved;

	*out = NULL;
	*n = 0;
	if (!f)
		return errno == ENOENT ? CIB_ENOTFOUND : CIB_EIO;
	for (;;) {
		size_t want, got;

		if (len + 1 >= cap) {
			size_t nc = cap ? cap * 2 : 4096;
			char *p;

			if (nc > max + 2)
				nc = max + 2; /* max + 1 bytes to read, a NUL */
			if (nc <= cap) {
				err = CIB_ETOOBIG;
				break;
			}
			p = realloc(b, nc);
			if (!p) {
				err = CIB_ENOMEM;
				break;
			}
			b = p;
			cap = nc;
		}
		want = cap - 1 - len;
		got = fread(b + len, 1, want, f);
		len += got;
		if (len > max) {
			err = CIB_ETOOBIG;
			break;
		}
		if (got < want) {
			if (ferror(f))
				err = CIB_EIO;
			break;
		}
	}
	saved = errno;
	fclose(f);
	if (err) {
		free(b);
		errno = saved;
		return err;
	}
	if (!b && !(b = malloc(1)))
		return CIB_ENOMEM;
	b[len] = '\0';
	*out = b;
	*n = len;
	return CIB_OK;
}
