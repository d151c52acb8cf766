/* generate.h - a synthetic X/Twitter information-operations archive with
 * ground truth, for testing every later stage of cibscan.
 *
 * synth_write() plans a population (organic people, CIB networks working
 * Beijing office shifts, and organic look-alikes: news syndication, fan
 * campaigns, UTC+8 office accounts, viral cascades) and streams
 * DIR/tweets.csv, DIR/users.csv (31 and 10 archive columns) and
 * DIR/truth.csv (account_id,role,group_id), account by account, so memory
 * grows with the number of accounts, not of posts. Same options and seed,
 * same bytes. docs/synth.md explains every parameter and why.
 */
#ifndef CIB_SYNTH_H
#define CIB_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SYNTH_ROLE_MAP(X)          \
	X(ORGANIC, "organic")      \
	X(CIB, "cib")              \
	X(NEWS, "news")            \
	X(FAN, "fan")              \
	X(OFFICE, "office")        \
	X(VIRAL, "viral")

enum synth_role {
#define SYNTH_ROLE_ENUM(e, s) SYNTH_##e,
	SYNTH_ROLE_MAP(SYNTH_ROLE_ENUM)
#undef SYNTH_ROLE_ENUM
	SYNTH_ROLE__COUNT
};

/* "organic", "cib", ...; never NULL. */
const char *synth_role_name(enum synth_role r);

/* What network members do with each other's posts. */
enum synth_reposts {
	SYNTH_REPOSTS_MIXED = 0, /* retweets of seed posts and copied texts */
	SYNTH_REPOSTS_NONE = 1,  /* --no-network-reposts: timing + reuse only */
	SYNTH_REPOSTS_ONLY = 2,  /* --network-reposts-only: no copied texts */
};

/* Limits, so a typo cannot ask for a petabyte. */
#define SYNTH_MIN_ACCOUNTS 200
#define SYNTH_MAX_ACCOUNTS 20000000
#define SYNTH_MAX_POSTS 2000000000ULL
#define SYNTH_MAX_NETWORKS 64
#define SYNTH_MAX_DAYS 3650

struct synth_opts {
	uint64_t accounts;    /* default 2000 */
	uint64_t posts;       /* default 100000; at least 2 per account */
	int networks;         /* default 3; 0 = no CIB */
	unsigned long seed;   /* default 1; seeds gsl_rng_mt19937 */
	int64_t start_day;    /* days since 1970-01-01; default 2019-04-01 */
	int days;             /* default 120 */
	enum synth_reposts reposts;
	int gzip;             /* write tweets.csv.gz and users.csv.gz */
	/* called now and then from the writing loop; may be NULL */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct synth_stats {
	uint64_t accounts, posts;
	uint64_t by_role[SYNTH_ROLE__COUNT]; /* accounts per role */
	uint64_t retweets, replies, quotes;
};

void synth_opts_init(struct synth_opts *o);

/* Checks the options; on CIB_EUSAGE errmsg says which one is wrong. */
enum cib_err synth_check(const struct synth_opts *o, char *errmsg,
			 size_t errlen);

/* Writes the three files into `dir` (which must exist), each atomically.
 * `st` (may be NULL) receives what was written. On error errmsg names the
 * file or option at fault; no partial file is left under a final name.
 * Every pointer is borrowed for the call; nothing is kept. Reentrant:
 * separate calls share no state; o->progress runs on the caller's
 * thread. */
enum cib_err synth_write(const struct synth_opts *o, const char *dir,
			 struct synth_stats *st, char *errmsg, size_t errlen);

#endif
