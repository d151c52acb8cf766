/* fuzz_textnorm.c - textnorm and urlnorm on arbitrary bytes. Besides
 * memory errors it checks the documented output invariants: valid UTF-8,
 * no leading, trailing or doubled space, length within the cap, shingles
 * sorted and distinct, canonical URLs and domains within their caps. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "features/textnorm.h"
#include "features/urlnorm.h"

static void check_norm(const char *o, size_t n, size_t cap)
{
	utf8proc_int32_t cp;

	if (cap == 0)
		return;
	if (n > cap - 1 || o[n] != '\0' || strlen(o) != n)
		abort();
	if (n > 0 && (o[0] == ' ' || o[n - 1] == ' '))
		abort();
	for (size_t i = 0; i < n;) {
		utf8proc_ssize_t l = utf8proc_iterate(
			(const utf8proc_uint8_t *)o + i, (utf8proc_ssize_t)(n - i),
			&cp);

		if (l <= 0)
			abort();
		if (cp == ' ' && i + 1 < n && o[i + 1] == ' ')
			abort();
		i += (size_t)l;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[4096], canon[URLNORM_MAX + 1], dom[256];
	static uint64_t sh[512];
	const char *s = (const char *)data;
	size_t caps[] = { 0, 1, 2, 7, sizeof(out) };

	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		size_t n = textnorm_normalise(s, size, out, caps[c]);
		size_t k;

		check_norm(out, n, caps[c]);
		if (caps[c] == 0)
			continue;
		k = textnorm_shingles(out, n, 1, sh, 512);
		for (size_t i = 1; i < k; i++)
			if (sh[i - 1] >= sh[i])
				abort();
	}
	{
		size_t n = urlnorm_canonical(s, size, canon, sizeof(canon));

		if (n != strlen(canon) || n > URLNORM_MAX)
			abort();
		n = urlnorm_domain(s, size, dom, sizeof(dom));
		if (n != strlen(dom))
			abort();
	}
	{
		size_t off = 0, len;

		while (urlnorm_next(s, size, &off, &len)) {
			if (len == 0 || off + len > size)
				abort();
			off += len;
		}
	}
	return 0;
}
