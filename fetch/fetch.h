/* fetch.h - per-platform requests, page parsing and the resumable paging
 * loop behind `cibscan collect`.
 *
 * Output is each platform's own JSON, so the file readers take it back:
 * X API v2, Bluesky and Reddit write one API page per line; Mastodon,
 * whose pages are bare arrays, one status per line. A page is written as
 * the server sent it (line breaks turned into spaces) unless --since or
 * --until drop some of its items, in which case it is re-serialised without
 * them.
 *
 * Pure parsing (fetch_parse_page, fetch_link_next, fetch_retry_after,
 * fetch_rate_wait) touches no network and is fuzzed; fetch_run drives the
 * loop: request, retry with backoff or wait for a rate limit, append,
 * fsync, checkpoint (see checkpoint.h for why in that order).
 */
#ifndef CIB_FETCH_H
#define CIB_FETCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/dataset.h"
#include "core/error.h"
#include "fetch/checkpoint.h"
#include "fetch/http.h"

enum fetch_mode {
	FETCH_ACCOUNT,   /* mastodon --account, bluesky --actor, x --user,
			    reddit --user */
	FETCH_PUBLIC,    /* mastodon --public (target unused) */
	FETCH_TAG,       /* mastodon --tag */
	FETCH_QUERY,     /* bluesky --query, x --query */
	FETCH_SUBREDDIT, /* reddit --subreddit */
};

struct fetch_opts {
	enum platform platform; /* X, MASTODON, BLUESKY or REDDIT */
	enum fetch_mode mode;
	const char *base_url; /* "https://host[:port][/prefix]"; not owned */
	int64_t since, until; /* UTC seconds, TIME_NONE when open */
	uint64_t max_items;   /* 0: no cap */
	uint64_t max_pages;   /* per target (endless pagination guard) */
	int retries;          /* retries per request on 5xx/network/bad JSON */
	int max_rate_waits;   /* rate-limit waits per request */
	double max_wait;      /* longest single sleep, seconds */
	double backoff_base;  /* first backoff ceiling, seconds */
	double backoff_max;   /* backoff ceiling cap, seconds */
	uint64_t seed;        /* jitter generator seed */
};

void fetch_opts_init(struct fetch_opts *o);

/* The default API base URL of a platform (NULL for Mastodon, which needs
 * --instance). */
const char *fetch_default_base(enum platform p);

/* What one page says. */
struct fetch_page {
	char *out;         /* lines to append, each ending in '\n'; owned */
	size_t out_len;
	size_t n_items;    /* items in the page */
	size_t n_kept;     /* items written (within since/until) */
	char *next;        /* next cursor (Mastodon: next URL); owned; NULL
			      at the end */
	int64_t oldest;    /* oldest item time, TIME_NONE */
	int past_since;    /* an item older than since: last page needed */
	int rate_limited;  /* the body is a rate-limit error (X code 88) */
	char *api_error;   /* X: a 200 answer holding only "errors" (unknown
			      or suspended user, bad query); owned */
};

void fetch_page_init(struct fetch_page *pg);
void fetch_page_release(struct fetch_page *pg);

/* Builds the URL of a page for `target`: cursor NULL for the first page
 * (for Mastodon a non-NULL cursor is the next URL itself). Caller frees
 * *url. page_size is clamped to the endpoint's limits. */
enum cib_err fetch_build_url(const struct fetch_opts *o, const char *target,
			     const char *cursor, size_t page_size,
			     char **url);

/* Parses a 2xx answer: body[0..len) and its raw header block. On
 * CIB_EPARSE err says what is wrong (JSON position or missing field). */
enum cib_err fetch_parse_page(const struct fetch_opts *o, const char *body,
			      size_t len, const char *headers, size_t hlen,
			      struct fetch_page *pg, char *err, size_t errlen);

/* Finds rel="next" in a Link header value v[0..n): 1 and a new string in
 * *url (caller frees), 0 when absent, -1 without memory. */
int fetch_link_next(const char *v, size_t n, char **url);

/* Parses a Retry-After value (delta seconds or HTTP-date) into seconds
 * from `now` (never negative). 0 on success, -1 if unparsable. */
int fetch_retry_after(const char *v, size_t n, int64_t now, int64_t *secs);

/* From a response's rate-limit headers: returns 1 and the seconds until
 * the window resets in *secs when the platform says no requests remain,
 * else 0. `force` returns the reset delay even when requests remain (used
 * after a 429). Header names and reset forms per platform are in
 * docs/collect.md. */
int fetch_rate_wait(enum platform p, const char *headers, size_t hlen,
		    int64_t now, int force, int64_t *secs);

/* Backoff before retry `attempt` (0-based): "equal jitter", a delay
 * uniform in [c/2, c] with c = min(max, base * 2^attempt); u in [0, 1)
 * picks the point. Reasons in docs/collect.md. */
double fetch_backoff(double base, double max, int attempt, double u);

/* Fingerprint of what a run asks for, stored in the checkpoint. */
uint64_t fetch_fingerprint(const struct fetch_opts *o,
			   const char *const *targets, size_t n);

/* Reads targets from a file: one id per line ('#' comments and blank lines
 * skipped), or a CSV from 'cibscan flag' (header starting account_id,
 * platform): its rows for platform p (or with an empty platform), taking
 * account_id, or handle for Reddit. Duplicates dropped, order kept.
 * Caller frees with fetch_targets_free(). */
enum cib_err fetch_targets_load(const char *path, enum platform p,
				char ***targets, size_t *n, char *err,
				size_t errlen);
void fetch_targets_free(char **targets, size_t n);

enum fetch_event {
	FETCH_EV_PAGE,  /* a page was appended */
	FETCH_EV_WAIT,  /* sleeping for a rate limit */
	FETCH_EV_RETRY, /* backing off after a failure */
	FETCH_EV_SKIP,  /* a target was skipped (404/403/410) */
	FETCH_EV_CAP,   /* --max-pages reached for a target */
};

struct fetch_run {
	const struct fetch_opts *opts;   /* not owned */
	struct http_client *http;        /* not owned */
	const char *const *targets;      /* not owned; n_targets >= 1 */
	size_t n_targets;
	const char *out_path, *ckpt_path; /* not owned */
	int resume;                      /* continue from the checkpoint */
	volatile sig_atomic_t *cancel;   /* set by a signal handler */
	/* progress: msg is a short description for WAIT/RETRY/SKIP/CAP */
	void (*event)(void *ud, enum fetch_event ev,
		      const struct fetch_run *run, const char *msg);
	void *ud;

	/* results */
	struct checkpoint ck;  /* current state (pages, items, target) */
	int interrupted;       /* stopped by *cancel; state saved */
	int already_done;      /* --resume of a finished run */
	uint64_t rate_waits, retries, skipped;
	double waited_s;
	char errmsg[1024];
	/* private */
	uint64_t rng;
	int fd;
	int64_t pending_wait; /* seconds to sleep before the next request */
};

/* Runs the collection. Returns CIB_OK when finished or interrupted (see
 * run->interrupted); otherwise run->errmsg says what failed. The caller
 * releases with fetch_run_release(). */
enum cib_err fetch_run_exec(struct fetch_run *run);
void fetch_run_release(struct fetch_run *run);

#endif
