/* sitesrun.h - reading crawls for the sites analysis, alone (`sites`) or
 * next to a social export (`score`, `explain`, `report`, `flag`). */
#ifndef CIB_CLI_SITESRUN_H
#define CIB_CLI_SITESRUN_H

#include <stdint.h>

#include "cli.h"
#include "collectors/warc.h"
#include "features/htmlpage.h"
#include "features/langdetect.h"
#include "model/pipeline.h"
#include "model/siteacc.h"
#include "model/sites.h"

struct warc_read_stats {
	uint64_t records, pages, bytes_in, body_bytes;
	int read_only;
};

/* Reads every record of one crawl file, folding its HTML pages into s.
 * Prints its own errors; returns an exit code. */
int cli_warc_read(const char *path, const struct warc_opts *wo,
		  struct diag *dg, struct sites *s, struct htmlpage *pg,
		  struct langdetect *ld, struct warc_read_stats *rs);

/* The crawl read next to an export. */
struct cli_crawl {
	struct sites s;
	struct siteacc sa;
	struct warc_read_stats rs;
	size_t n_files;
};

/* When the inputs of d held crawls (format warc), runs the sites analysis
 * on them, links it to the accounts of p (model/siteacc) and sets p->sa.
 * Nothing when there is no crawl. Returns an exit code. */
int cli_crawl_run(struct cli_data *d, struct pipeline *p, int quiet);
void cli_crawl_release(struct cli_crawl *c);

#endif
