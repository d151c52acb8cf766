/* fuzz_serve_input.c - what 'cibscan serve' parses and shows, on arbitrary
 * bytes: the form-body parser (review_form_fields: never more decoded
 * bytes than input, never a crash on a truncated %-escape) and the HTML
 * escaper (review_html: its output holds no raw < > " ' &-less entity
 * start, no control character, and is valid UTF-8). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
				   : c >= 0xE0 && c <= 0xEF   ? 3
				   : c >= 0xF0 && c <= 0xF4   ? 4
							      : 0;

		if (!k || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char *out = NULL;
	size_t olen = 0, bytes = 0;
	FILE *f;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)review_form_fields(s, size, &bytes);
	if (bytes > size)
		abort();
	f = open_memstream(&out, &olen);
	if (f) {
		review_html(f, s);
		fclose(f);
		for (size_t i = 0; i < olen; i++) {
			unsigned char c = (unsigned char)out[i];

			if (c == '<' || c == '>' || c == '"' || c == '\'' ||
			    c < 0x20 || c == 0x7F)
				abort();
			if (c == 0xC2 && i + 1 < olen &&
			    (unsigned char)out[i + 1] < 0xA0)
				abort(); /* a C1 control passed through */
		}
		if (!valid_utf8((const unsigned char *)out, olen))
			abort();
	}
	free(out);
	free(s);
	return 0;
}
