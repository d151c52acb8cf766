/* fuzz_htmlpage.c - libFuzzer target for page extraction: any bytes as
 * HTML (the first line is the page URL). Must never crash, leak or hang;
 * every item must lie inside the string buffer and respect its cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/htmlpage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct htmlpage pg;
	static int ready;
	const char *d = (const char *)data;
	const char *nl = memchr(d, '\n', size);
	size_t ul = nl ? (size_t)(nl - d) : 0;

	if (!ready) {
		htmlpage_init(&pg);
		ready = 1;
	}
	if (htmlpage_parse(&pg, nl ? nl + 1 : d, nl ? size - ul - 1 : size, d,
			   ul) != CIB_OK)
		return 0;
	if (pg.n_items > HTMLPAGE_MAX_ITEMS ||
	    pg.n_shingles > HTMLPAGE_MAX_SHINGLES ||
	    pg.article_off + pg.article_len > pg.str_len ||
	    pg.title_off + pg.title_len > pg.str_len)
		abort();
	for (size_t i = 0; i < pg.n_items; i++)
		if (pg.items[i].len > HTMLPAGE_MAX_ITEM ||
		    pg.items[i].off + pg.items[i].len > pg.str_len)
			abort();
	for (size_t i = 1; i < pg.n_shingles; i++)
		if (pg.shingles[i - 1] >= pg.shingles[i])
			abort();
	return 0;
}
