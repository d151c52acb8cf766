/* fuzz_pages.c - libFuzzer target for what `collect` parses from servers:
 * API pages of every platform and mode (with --since/--until filtering),
 * Link headers, Retry-After, rate-limit headers, checkpoints.
 *
 * Input: byte 0 picks platform, mode, filters and force; the rest is a
 * header block, a NUL, then a body (no NUL: the whole rest is both). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/checkpoint.h"
#include "fetch/fetch.h"
#include "fetch/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum platform plats[] = { PLATFORM_X, PLATFORM_MASTODON,
					       PLATFORM_BLUESKY,
					       PLATFORM_REDDIT };
	static const enum fetch_mode modes[4][2] = {
		{ FETCH_ACCOUNT, FETCH_QUERY },
		{ FETCH_ACCOUNT, FETCH_TAG },
		{ FETCH_ACCOUNT, FETCH_QUERY },
		{ FETCH_ACCOUNT, FETCH_SUBREDDIT },
	};
	struct fetch_opts o;
	struct fetch_page pg;
	struct checkpoint c;
	const char *d, *nul, *hdr, *body;
	size_t hlen, blen;
	unsigned sel, pi;
	char err[256], *url = NULL;
	int64_t s;
	const char *v;
	size_t vn;

	if (size < 1)
		return 0;
	sel = data[0];
	d = (const char *)data + 1;
	size--;
	nul = memchr(d, 0, size);
	hdr = d;
	hlen = nul ? (size_t)(nul - d) : size;
	body = nul ? nul + 1 : d;
	blen = nul ? size - hlen - 1 : size;

	if (fetch_link_next(d, size, &url) == 1 && !url)
		abort();
	free(url);
	if (fetch_retry_after(d, size, 1700000000, &s) == 0 && s < 0)
		abort();
	for (size_t i = 0; i < 4; i++)
		if (fetch_rate_wait(plats[i], hdr, hlen, 1700000000, sel & 1,
				    &s) &&
		    s < 0)
			abort();
	if (http_header_find(hdr, hlen, "link", &v, &vn) &&
	    (v < hdr || v + vn > hdr + hlen))
		abort();
	if (checkpoint_parse(&c, d, size, err, sizeof(err)) == CIB_OK &&
	    c.cursor && strlen(c.cursor) > CHECKPOINT_MAX_CURSOR)
		abort();
	checkpoint_release(&c);

	fetch_opts_init(&o);
	pi = (sel >> 1) & 3;
	o.platform = plats[pi];
	o.mode = modes[pi][(sel >> 3) & 1];
	if (sel & 0x10)
		o.since = 1709251200; /* 2024-03-01 */
	if (sel & 0x20)
		o.until = 1709856000; /* 2024-03-08 */
	if (fetch_parse_page(&o, body, blen, hdr, hlen, &pg, err,
			     sizeof(err)) == CIB_OK) {
		/* every output line ends in a newline; no item is invented */
		if (pg.out_len && pg.out[pg.out_len - 1] != '\n')
			abort();
		if (pg.n_kept > pg.n_items)
			abort();
	}
	fetch_page_release(&pg);
	return 0;
}
