/* modes.h - 'cibscan synth --stealth | --sparse | --platforms | --mix':
 * harder operations and the organic look-alikes a detector must not flag,
 * with ground truth (docs/synth.md).
 *
 * Writes, in DIR: posts.jsonl (X as cibscan normalised JSONL) or x.jsonl
 * (X API v2 pages), mastodon.jsonl (statuses), bluesky.jsonl
 * (getAuthorFeed pages), one per platform of the run, and truth.csv
 * (account_id,role,group_id,platform,kind) with ids as the readers report
 * them. Streams unit by unit; same options and seed, same bytes.
 */
#ifndef CIB_MODES_H
#define CIB_MODES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "world.h"

enum smode { SM_STEALTH, SM_SPARSE, SM_PLATFORMS, SM_MIX };

struct modes_opts {
	enum smode mode;
	unsigned platforms; /* mask of 1 << SP_*; --platforms */
	int networks;       /* operations of the mode's kind; -1 = default */
	int64_t organic;    /* ordinary people; -1 = default */
	int days;           /* -1 = the mode's default */
	int64_t start_day;
	unsigned long seed;
	int xfmt;           /* enum sfmt; -1 = the mode's default */
	int lookalikes;     /* 0 leaves them out (for tests of one kind) */
	double scale;       /* multiplies every group size, default 1 */
};

struct modes_stats {
	uint64_t accounts, posts, cib;
	uint64_t by_plat[SP__COUNT];
	int networks;
};

void modes_opts_init(struct modes_opts *o, enum smode m);
/* Parses "x,mastodon,bluesky" into a mask; 0 on error. */
unsigned modes_parse_platforms(const char *s);
enum cib_err modes_check(const struct modes_opts *o, char *errmsg,
			 size_t errlen);
enum cib_err modes_write(const struct modes_opts *o, const char *dir,
			 struct modes_stats *st, char *errmsg, size_t errlen);

#endif
