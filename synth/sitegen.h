/* sitegen.h - a synthetic web crawl with site networks and ground truth.
 *
 * Writes DIR/crawl.warc.gz (one gzip member per WARC record: warcinfo,
 * request and response records, HTTP bodies plain, chunked or gzip) and
 * DIR/truth.csv (site,role,group_id). The crawl holds organic sites and:
 *   - "haixun" networks: one Chinese-built template (Chinese comments),
 *     shared analytics/tracker ids, one hosting block, identical political
 *     articles, links between the sites, local-outlet names and locales;
 *   - "haimai" networks: local-outlet names in many countries, one
 *     template with small per-site changes, two or three hosting blocks,
 *     a newswire's press releases on most sites, and local news copied
 *     word for word from real (organic) outlets of the crawl;
 *   - organic look-alikes: outlets republishing one agency's wire
 *     articles; unrelated sites on one popular theme; sites behind one
 *     CDN; a media group whose papers share the owner's analytics id and
 *     link to each other.
 * Every size and rate is drawn per network from a range (the seed picks
 * them), so no detector constant can be tuned to one value.
 */
#ifndef CIB_SITEGEN_H
#define CIB_SITEGEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct sitegen_opts {
	uint64_t seed;
	size_t organic;       /* organic sites (0: drawn, 180..320) */
	size_t pages;         /* pages per site (0: drawn per site, 3..8) */
	size_t paragraphs;    /* paragraphs per article (0: drawn, 4..10) */
	int haixun, haimai;   /* networks of each kind (-1: drawn, 1..2) */
	int gzip_level;       /* 1..9 */
};

struct sitegen_stats {
	size_t sites, pages, records;
	uint64_t bytes_out; /* compressed bytes written */
};

void sitegen_opts_init(struct sitegen_opts *o);

/* Writes the crawl and truth into dir (must exist), each atomically
 * through synth/sout.h (core/outfile.h: a temporary file renamed into
 * place, a FIFO or device written, never replaced). On an error with a
 * file open errmsg says "cannot write 'FILE': why"; before that it is
 * empty. */
enum cib_err sitegen_write(const struct sitegen_opts *o, const char *dir,
			   struct sitegen_stats *st, char *errmsg,
			   size_t errlen);

#endif
