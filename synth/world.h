/* world.h - the accounts and posts of the synth modes, and the files they
 * go to.
 *
 * Generation is by unit (one person, one friend group, one operation
 * network): a unit adds its accounts and posts, then world_flush() sorts
 * each account's posts by time and writes them to the account's platform
 * file and its truth row, and forgets them. Memory is the largest unit plus
 * the posts kept as reference targets (public posts that others repost or
 * reply to, world_keep()). Post ids are assigned when a post is added
 * (time-based, with a global counter), so a post can be referenced at
 * once. Same calls, same bytes.
 */
#ifndef CIB_WORLD_H
#define CIB_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

enum splat { SP_X, SP_MASTODON, SP_BLUESKY, SP__COUNT };

/* How X accounts are written: normalised JSONL (posts.jsonl, keeps
 * profile changes as `change` lines) or X API v2 pages (x.jsonl). */
enum sfmt { SF_JSONL, SF_XAPI };

enum spkind { SPK_ORIGINAL, SPK_REPOST, SPK_REPLY, SPK_QUOTE };

struct sacct {
	enum splat plat;
	char id[80];     /* as the reader will report it; set by world */
	char handle[64]; /* unique per platform; world makes it so */
	char name[96], desc[256], loc[64], lang[8];
	char host[48];   /* Mastodon instance */
	int64_t created;
	uint32_t followers, following;
	const char *role, *kind; /* static strings */
	uint32_t group;
	int64_t switch_t; /* persona switch time, 0 = none */
	char old_name[96], old_desc[256];
};

/* What a reference keeps of the post it points to. */
struct sref {
	enum splat plat;
	int64_t t;
	const char *id, *acct_id, *handle, *name, *text, *lang;
	int64_t acct_created;
};

struct sment {
	const char *id, *handle;
};

struct spost {
	int64_t t;
	uint32_t acct; /* index in the unit */
	enum spkind kind;
	const char *id, *text, *lang, *client;
	uint32_t likes, reposts, replies;
	int nurl, ntag, nment;
	const char *urls[3], *tags[4];
	struct sment ments[3];
	const struct sref *ref;
};

struct world;

struct world_stats {
	uint64_t accounts, posts, cib;
	uint64_t by_plat[SP__COUNT];
};

/* Opens the output files in `dir` for the platforms in `mask`
 * (1 << SP_X ...). `truth_platform` adds the platform column's values.
 * On error fills errmsg. */
enum cib_err world_open(struct world **w, const char *dir, unsigned mask,
			enum sfmt xfmt, uint64_t key, char *errmsg,
			size_t errlen);
/* Adds an account to the current unit; world fills a->id and makes the
 * handle unique. Returns its index in the unit, or -1 out of memory. */
long world_acct(struct world *w, struct sacct *a);
struct sacct *world_acct_at(struct world *w, long i);
/* A new post of unit account `acct` at time t, zeroed but for t, acct,
 * kind original and its id. NULL when out of memory. */
struct spost *world_post(struct world *w, long acct, int64_t t);
/* A copy of s in the unit's arena (freed at flush). */
const char *world_str(struct world *w, const char *s);
/* Keeps post p as a reference target beyond this unit. */
const struct sref *world_keep(struct world *w, const struct spost *p);
/* A reference valid for this unit only. */
const struct sref *world_ref(struct world *w, const struct spost *p);
/* Writes and forgets the unit. */
enum cib_err world_flush(struct world *w);
/* Commits the files (or removes them after an error). Frees w. */
enum cib_err world_close(struct world *w, struct world_stats *st,
			 char *errmsg, size_t errlen);
void world_abort(struct world *w);

const char *world_plat_name(enum splat p);

#endif
