/* textsafe.c - escaping control characters and invalid UTF-8 for
 * terminals and XML (textsafe.h).
 *
 * Invariant: the output of every function here contains no byte below
 * 0x20 (TERM; XML keeps \t \n \r), no DEL, no C1 control and only valid
 * UTF-8; an escaped byte b is always the four characters "\x" hex hex.
 */
#include "textsafe.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), 0 when s[0] starts none. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3
									   : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
				       (s[3] & 0xc0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

/* The unit at s: *n bytes, *bad when they must be escaped. */
static void unit(const unsigned char *s, enum textsafe_mode m, size_t *n,
		 int *bad)
{
	size_t k = utf8_len(s);

	*bad = 0;
	if (k == 0) {
		*n = 1;
		*bad = 1;
		return;
	}
	*n = k;
	if (k == 1) {
		if (s[0] == 0x7f)
			*bad = 1;
		else if (s[0] < 0x20)
			*bad = !(m == TEXTSAFE_XML &&
				 (s[0] == '\t' || s[0] == '\n' || s[0] == '\r'));
	} else if (k == 2) {
		*bad = s[0] == 0xc2 && s[1] <= 0x9f; /* C1 */
	} else if (k == 3 && m == TEXTSAFE_XML) {
		*bad = s[0] == 0xef && s[1] == 0xbf &&
		       (s[2] == 0xbe || s[2] == 0xbf); /* U+FFFE, U+FFFF */
	}
}

int textsafe_is_clean(const char *s, enum textsafe_mode m)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n;
		int bad;

		unit(p, m, &n, &bad);
		if (bad)
			return 0;
		p += n;
	}
	return 1;
}

static const char hex[] = "0123456789abcdef";

void textsafe_fputs(FILE *f, const char *s, enum textsafe_mode m)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n;
		int bad;

		unit(p, m, &n, &bad);
		for (size_t i = 0; i < n; i++) {
			if (bad) {
				fputc('\\', f);
				fputc('x', f);
				fputc(hex[p[i] >> 4], f);
				fputc(hex[p[i] & 15], f);
			} else {
				fputc(p[i], f);
			}
		}
		p += n;
	}
}

char *textsafe_escape(char *buf, size_t cap, const char *s,
		      enum textsafe_mode m)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;

	if (!cap)
		return buf;
	while (*p) {
		size_t n;
		int bad;

		unit(p, m, &n, &bad);
		if (o + (bad ? 4 * n : n) + 1 > cap)
			break;
		for (size_t i = 0; i < n; i++) {
			if (bad) {
				buf[o++] = '\\';
				buf[o++] = 'x';
				buf[o++] = hex[p[i] >> 4];
				buf[o++] = hex[p[i] & 15];
			} else {
				buf[o++] = (char)p[i];
			}
		}
		p += n;
	}
	buf[o] = '\0';
	return buf;
}

char *textsafe_dup(const char *s, enum textsafe_mode m)
{
	size_t len = strlen(s ? s : ""), cap;
	char *d;

	if (len > (((size_t)-1) - 1) / 4)
		return NULL;
	cap = 4 * len + 1; /* every byte escaped */
	d = malloc(cap);
	if (d)
		textsafe_escape(d, cap, s, m);
	return d;
}
