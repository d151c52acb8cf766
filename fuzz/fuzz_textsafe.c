/* fuzz_textsafe.c - the output-safety encoders on arbitrary bytes:
 * core/textsafe (terminal and XML escaping) and the spreadsheet-formula
 * guard of core/csvout. Checks their invariants and aborts on a breach:
 * no control byte and only valid UTF-8 in escaped text, every escape
 * whole, the buffer and malloc forms equal, and the guard's inverse
 * giving back every value byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csvout.h"
#include "core/textsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when s is valid UTF-8 (RFC 3629) */
static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2
				  : c >= 0xe0 && c <= 0xef ? 3
				  : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		unsigned cp;

		if (!n)
			return 0;
		cp = n == 1 ? c : c & (0xffu >> (n + 1));
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3fu);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		s += n;
	}
	return 1;
}

static void check(const char *in, enum textsafe_mode m)
{
	char *d = textsafe_dup(in, m);
	char small[37];
	size_t ls;

	if (!d)
		return;
	for (const unsigned char *p = (const unsigned char *)d; *p; p++) {
		int ws = *p == '\t' || *p == '\n' || *p == '\r';

		if ((*p < 0x20 && !(m == TEXTSAFE_XML && ws)) || *p == 0x7f)
			abort();
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort(); /* a C1 control survived */
	}
	if (!valid_utf8((const unsigned char *)d))
		abort();
	if (!textsafe_is_clean(d, TEXTSAFE_XML) && m == TEXTSAFE_XML)
		abort();
	if (textsafe_is_clean(in, m) != (strcmp(in, d) == 0))
		abort();
	/* a short buffer holds a prefix of the full escape, cut at a whole
	 * escape */
	textsafe_escape(small, sizeof(small), in, m);
	ls = strlen(small);
	if (strncmp(small, d, ls) != 0)
		abort();
	free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0'; /* strings stop at the first NUL, as they do in use */
	check(s, TEXTSAFE_TERM);
	check(s, TEXTSAFE_XML);
	/* the guard: the cell, unquoted, unguarded, is the value */
	f = open_memstream(&buf, &len);
	if (f) {
		csvout_text(f, s, 0);
		fclose(f);
		if (buf) {
			char *cell = buf, *o = buf;

			if (cell[0] == '"') { /* undo RFC 4180 quoting */
				size_t n = strlen(cell);

				if (n < 2 || cell[n - 1] != '"')
					abort();
				cell[n - 1] = '\0';
				for (char *p = cell + 1; *p; p++) {
					if (p[0] == '"' && p[1] == '"')
						p++;
					*o++ = *p;
				}
				*o = '\0';
				cell = buf;
			}
			if (strcmp(csvout_needs_guard(s) ? csvout_unguard(cell)
							 : cell,
				   s) != 0)
				abort();
		}
		free(buf);
	}
	free(s);
	return 0;
}
