/* csvout.c - CSV field quoting. */
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

void csvout_header(FILE *f, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		csvout_field(f, names[i]);
	}
	fputc('\n', f);
}
