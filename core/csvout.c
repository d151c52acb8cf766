/* csvout.c - CSV field quoting and the spreadsheet-formula guard
 * (csvout.h).
 *
 * Invariant: for every string s, csvout_unguard(guarded(s)) == s, where
 * guarded(s) is what csvout_text(f, s, 0) writes before CSV quoting.
 */
#include "csvout.h"

#include <string.h>

void csvout_field(FILE *f, const char *s)
{
	size_t n;
	int quote;

	if (!s)
		s = "";
	n = strlen(s);
	quote = strpbrk(s, ",\"\r\n") != NULL ||
		(n && (s[0] == ' ' || s[n - 1] == ' '));
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* [+-]digits[.digits]: a number a spreadsheet reads as one */
static int plain_number(const char *s)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.') {
		int frac = 0;

		for (s++; *s >= '0' && *s <= '9'; s++)
			frac++;
		if (!frac)
			return 0;
	}
	return digits > 0 && *s == '\0';
}

int csvout_needs_guard(const char *s)
{
	if (!s)
		return 0;
	switch (s[0]) {
	case '\'':
		return 1;
	case '=':
	case '@':
	case '\t':
	case '\r':
		return 1;
	case '+':
	case '-':
		return !plain_number(s);
	default:
		return 0;
	}
}

void csvout_text(FILE *f, const char *s, int raw)
{
	size_t n;

	if (raw || !csvout_needs_guard(s)) {
		csvout_field(f, s);
		return;
	}
	/* the quote goes inside the CSV quoting, as the cell's first byte */
	n = strlen(s);
	if (strpbrk(s, ",\"\r\n") != NULL || s[n - 1] == ' ') {
		fputs("\"'", f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputc('\'', f);
		fputs(s, f);
	}
}

const char *csvout_unguard(const char *s)
{
	return s && s[0] == '\'' ? s + 1 : s;
}

void csvout_header(FILE *f, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		csvout_field(f, names[i]);
	}
	fputc('\n', f);
}
