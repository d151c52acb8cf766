/* cosim.h - 'cibscan synth --cosharing': the co-sharing benchmark of the
 * coordination literature (CooRTweet's simulate_data() and its peers),
 * written from its description, with ground truth.
 *
 * Planted groups whose members co-share objects within a few seconds, each
 * pair of members only a few times (default 2-3) over a few days, among
 * many uncoordinated accounts that share the same objects at random times.
 * Writes DIR/shares.csv in CooRTweet's four columns
 * (object_id,account_id,content_id,timestamp_share; Unix seconds),
 * DIR/posts.jsonl (the same shares as cibscan normalised JSONL reposts of
 * object_id) and DIR/truth.csv (account_id,role,group_id). With
 * `lookalikes`, some uncoordinated accounts also join contest-hunter
 * crowds (sharing each giveaway within minutes) and advocacy crowds
 * (sharing each alert within hours): organic co-sharing a detector must
 * not take for coordination by an operation.
 */
#ifndef CIB_COSIM_H
#define CIB_COSIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define COSIM_MAX_ACCOUNTS 2000000
#define COSIM_MAX_GROUP 1000
#define COSIM_MAX_GROUPS 64

struct cosim_opts {
	uint64_t accounts;    /* all accounts, default 1000 */
	uint64_t coordinated; /* planted members, default 100 */
	int groups;           /* planted groups, default 1 */
	uint64_t objects;     /* distinct shared objects, default 500 */
	int window;           /* co-share window in seconds, default 10 */
	int days;             /* default 4 */
	int pair_min, pair_max; /* co-shares per planted pair, default 2..3 */
	double organic_median;  /* shares per organic account, default 8 */
	int lookalikes;       /* add contest-hunter and advocacy crowds */
	unsigned long seed;
	int64_t start_day;    /* days since 1970-01-01, default 2019-04-01 */
};

struct cosim_stats {
	uint64_t accounts, coordinated, shares, planted_pairs, planted_coshares;
	uint64_t contest, advocacy; /* look-alike accounts */
	int groups;
};

void cosim_opts_init(struct cosim_opts *o);
/* On CIB_EUSAGE errmsg names the option at fault. */
enum cib_err cosim_check(const struct cosim_opts *o, char *errmsg,
			 size_t errlen);
/* Writes the three files into `dir` (which must exist), each atomically.
 * Memory is O(shares) (16 bytes each): the shares are sorted by time. */
enum cib_err cosim_write(const struct cosim_opts *o, const char *dir,
			 struct cosim_stats *st, char *errmsg, size_t errlen);

#endif
