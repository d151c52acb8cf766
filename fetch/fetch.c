/* fetch.c - platform requests, page parsing and the resumable paging loop.
 *
 * Invariants of fetch_run_exec: the output file's length equals ck.bytes
 * whenever a checkpoint is saved; a page is never appended twice (the next
 * cursor is saved only after the page is durable, and a resume truncates
 * back to the last saved length); every sleep is capped by opts.max_wait
 * and ends early when *cancel is set; every request has a retry cap and a
 * rate-limit wait cap, and every target a page cap, so no server can keep
 * the loop running forever.
 */
#include "fetch/fetch.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/csvrec.h"
#include "core/outfile.h"
#include "core/splitmix.h"
#include "core/strbuf.h"

#include "core/timefmt.h"

#define FETCH_MAX_TARGETS 1000000
#define FETCH_MAX_TARGET_LEN 1024

void fetch_opts_init(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->platform = PLATFORM_UNKNOWN;
	o->since = TIME_NONE;
	o->until = TIME_NONE;
	o->max_pages = 100000;
	o->retries = 5;
	o->max_rate_waits = 20;
	o->max_wait = 900;
	o->backoff_base = 1;
	o->backoff_max = 60;
	o->seed = 0;
}

const char *fetch_default_base(enum platform p)
{
	switch (p) {
	case PLATFORM_X:
		return "https://api.x.com";
	case PLATFORM_BLUESKY:
		return "https://public.api.bsky.app";
	case PLATFORM_REDDIT:
		return "https://oauth.reddit.com";
	default:
		return NULL;
	}
}

void fetch_page_init(struct fetch_page *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->oldest = TIME_NONE;
}

void fetch_page_release(struct fetch_page *pg)
{
	if (!pg)
		return;
	free(pg->out);
	free(pg->next);
	free(pg->api_error);
	fetch_page_init(pg);
}

/* ---- URLs ---------------------------------------------------------- */

/* Longest URL built (core/strbuf.h): servers refuse longer ones, and a
 * cursor from a hostile server must not grow it without bound. */
#define FETCH_MAX_URL ((size_t)16383)

static void sb_esc(struct strbuf *b, const char *s)
{
	char *e = http_escape(s);

	if (!e) {
		if (!b->err)
			b->err = CIB_ENOMEM;
		return;
	}
	strbuf_puts(b, e);
	free(e);
}

/* "&name=<ISO time>" */
static void sb_time(struct strbuf *b, const char *name, int64_t t)
{
	char iso[32];

	timefmt_format_utc(t, iso);
	strbuf_addf(b, "&%s=%s", name, iso);
}

static size_t clamp(size_t v, size_t lo, size_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The base URL without trailing slashes. */
static void sb_base(struct strbuf *b, const char *base)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	strbuf_add(b, base, n);
}

static const char x_fields[] =
	"&tweet.fields=created_at,author_id,conversation_id,"
	"in_reply_to_user_id,lang,public_metrics,referenced_tweets,source,"
	"entities,geo"
	"&expansions=author_id,referenced_tweets.id,"
	"referenced_tweets.id.author_id,entities.mentions.username"
	"&user.fields=created_at,description,location,name,public_metrics,"
	"username,verified,protected,url";

enum cib_err fetch_build_url(const struct fetch_opts *o, const char *target,
			     const char *cursor, size_t page_size,
			     char **url)
{
	struct strbuf b;

	strbuf_init(&b, FETCH_MAX_URL);
	*url = NULL;
	if (page_size == 0)
		page_size = 100;
	if (o->platform == PLATFORM_MASTODON && cursor) {
		/* the server's own next link, checked against the base by
		 * the caller */
		strbuf_puts(&b, cursor);
		goto done;
	}
	sb_base(&b, o->base_url);
	switch (o->platform) {
	case PLATFORM_MASTODON:
		if (o->mode == FETCH_ACCOUNT) {
			strbuf_puts(&b, "/api/v1/accounts/");
			sb_esc(&b, target);
			strbuf_puts(&b, "/statuses?");
		} else if (o->mode == FETCH_TAG) {
			strbuf_puts(&b, "/api/v1/timelines/tag/");
			sb_esc(&b, target);
			strbuf_puts(&b, "?");
		} else if (o->mode == FETCH_PUBLIC) {
			strbuf_puts(&b, "/api/v1/timelines/public?");
		} else {
			goto usage;
		}
		strbuf_addf(&b, "limit=%zu", clamp(page_size, 1, 40));
		break;
	case PLATFORM_BLUESKY:
		if (o->mode == FETCH_ACCOUNT) {
			strbuf_puts(&b, "/xrpc/app.bsky.feed.getAuthorFeed?actor=");
			sb_esc(&b, target);
		} else if (o->mode == FETCH_QUERY) {
			strbuf_puts(&b, "/xrpc/app.bsky.feed.searchPosts?sort=latest&q=");
			sb_esc(&b, target);
			if (o->since != TIME_NONE)
				sb_time(&b, "since", o->since);
			if (o->until != TIME_NONE)
				sb_time(&b, "until", o->until);
		} else {
			goto usage;
		}
		strbuf_addf(&b, "&limit=%zu", clamp(page_size, 1, 100));
		if (cursor) {
			strbuf_puts(&b, "&cursor=");
			sb_esc(&b, cursor);
		}
		break;
	case PLATFORM_X:
		if (o->mode == FETCH_ACCOUNT) {
			strbuf_puts(&b, "/2/users/");
			sb_esc(&b, target);
			strbuf_addf(&b, "/tweets?max_results=%zu",
			       clamp(page_size, 5, 100));
		} else if (o->mode == FETCH_QUERY) {
			strbuf_puts(&b, "/2/tweets/search/recent?query=");
			sb_esc(&b, target);
			strbuf_addf(&b, "&max_results=%zu", clamp(page_size, 10, 100));
		} else {
			goto usage;
		}
		strbuf_puts(&b, x_fields);
		if (o->since != TIME_NONE)
			sb_time(&b, "start_time", o->since);
		if (o->until != TIME_NONE)
			sb_time(&b, "end_time", o->until);
		if (cursor) {
			/* the timeline and search endpoints name the same
			 * meta.next_token differently */
			strbuf_puts(&b, o->mode == FETCH_ACCOUNT ? "&pagination_token="
							    : "&next_token=");
			sb_esc(&b, cursor);
		}
		break;
	case PLATFORM_REDDIT:
		if (o->mode == FETCH_ACCOUNT) {
			strbuf_puts(&b, "/user/");
			sb_esc(&b, target);
			strbuf_puts(&b, "/overview?sort=new&");
		} else if (o->mode == FETCH_SUBREDDIT) {
			strbuf_puts(&b, "/r/");
			sb_esc(&b, target);
			strbuf_puts(&b, "/new?");
		} else {
			goto usage;
		}
		/* raw_json=1: text as written, not HTML-escaped */
		strbuf_addf(&b, "limit=%zu&raw_json=1", clamp(page_size, 1, 100));
		if (cursor) {
			strbuf_puts(&b, "&after=");
			sb_esc(&b, cursor);
		}
		break;
	default:
		goto usage;
	}
done:
	if (strbuf_err(&b)) {
		enum cib_err err = strbuf_err(&b);

		strbuf_release(&b);
		return err;
	}
	*url = strbuf_detach(&b, NULL);
	return *url ? CIB_OK : CIB_ENOMEM;
usage:
	strbuf_release(&b);
	return CIB_EUSAGE;
}

/* ---- headers ------------------------------------------------------- */

int fetch_link_next(const char *v, size_t n, char **url)
{
	size_t i = 0;

	*url = NULL;
	while (i < n) {
		size_t ua, ub, pe;
		int is_next = 0;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		if (i >= n || v[i] != '<')
			return 0; /* malformed: no further link can be trusted */
		ua = ++i;
		while (i < n && v[i] != '>')
			i++;
		if (i >= n)
			return 0;
		ub = i++;
		/* parameters run to the next ',' outside quotes */
		pe = i;
		{
			int q = 0;

			while (pe < n && (q || v[pe] != ',')) {
				if (v[pe] == '"')
					q = !q;
				pe++;
			}
		}
		/* look for rel="next" or rel=next among ;-separated params,
		 * rel may list several space-separated types */
		for (size_t p = i; p < pe; p++) {
			if (p + 3 <= pe && strncasecmp(v + p, "rel", 3) == 0) {
				size_t a = p + 3;

				while (a < pe && v[a] == ' ')
					a++;
				if (a >= pe || v[a] != '=')
					continue;
				a++;
				while (a < pe && v[a] == ' ')
					a++;
				if (a < pe && v[a] == '"')
					a++;
				while (a < pe && v[a] != '"' && v[a] != ';') {
					size_t s = a;

					while (a < pe && v[a] != ' ' &&
					       v[a] != '"' && v[a] != ';')
						a++;
					if (a - s == 4 &&
					    strncasecmp(v + s, "next", 4) == 0)
						is_next = 1;
					while (a < pe && v[a] == ' ')
						a++;
				}
				break;
			}
		}
		if (is_next && ub > ua) {
			char *u = malloc(ub - ua + 1);

			if (!u)
				return -1;
			memcpy(u, v + ua, ub - ua);
			u[ub - ua] = '\0';
			*url = u;
			return 1;
		}
		i = pe;
	}
	return 0;
}

/* Parses an unsigned decimal (optionally with a fraction, truncated). */
static int parse_num(const char *v, size_t n, double *out)
{
	char buf[64];
	char *end;
	double d;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	d = strtod(buf, &end);
	if (errno || *end || !isfinite(d) || d < 0)
		return -1;
	*out = d;
	return 0;
}

int fetch_retry_after(const char *v, size_t n, int64_t now, int64_t *secs)
{
	double d;
	char buf[128];
	time_t t;

	if (parse_num(v, n, &d) == 0) {
		*secs = d > 1e9 ? (int64_t)1e9 : (int64_t)ceil(d);
		return 0;
	}
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	t = curl_getdate(buf, NULL);
	if (t == (time_t)-1)
		return -1;
	*secs = (int64_t)t > now ? (int64_t)t - now : 0;
	return 0;
}

int fetch_rate_wait(enum platform p, const char *headers, size_t hlen,
		    int64_t now, int force, int64_t *secs)
{
	const char *rem_name, *reset_name, *v;
	size_t vn;
	double rem = 1, d;
	int64_t reset;

	switch (p) {
	case PLATFORM_MASTODON:
	case PLATFORM_REDDIT:
		rem_name = "x-ratelimit-remaining";
		reset_name = "x-ratelimit-reset";
		break;
	case PLATFORM_BLUESKY:
		rem_name = "ratelimit-remaining";
		reset_name = "ratelimit-reset";
		break;
	case PLATFORM_X:
		rem_name = "x-rate-limit-remaining";
		reset_name = "x-rate-limit-reset";
		break;
	default:
		return 0;
	}
	if (http_header_find(headers, hlen, rem_name, &v, &vn) &&
	    parse_num(v, vn, &d) == 0)
		rem = d;
	if (!force && rem >= 1)
		return 0;
	if (!http_header_find(headers, hlen, reset_name, &v, &vn))
		return 0;
	/* Absolute reset times get one second more: our clock may trail the
	 * server's, and the times are whole seconds. */
	if (p == PLATFORM_MASTODON) {
		/* an ISO 8601 time */
		if (timefmt_parse_iso(v, vn, &reset, NULL))
			return 0;
		*secs = reset > now ? reset - now + 1 : 1;
	} else if (p == PLATFORM_REDDIT) {
		/* seconds until the window ends */
		if (parse_num(v, vn, &d))
			return 0;
		*secs = d > 1e9 ? (int64_t)1e9 : (int64_t)ceil(d);
	} else {
		/* X and Bluesky: Unix time of the reset */
		if (parse_num(v, vn, &d) || d > 1e12)
			return 0;
		reset = (int64_t)ceil(d);
		*secs = reset > now ? reset - now + 1 : 1;
	}
	return 1;
}

/* ---- pages --------------------------------------------------------- */

static int64_t json_time(const cJSON *o, const char *name)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, name);
	int64_t t;

	if (cJSON_IsString(x) &&
	    timefmt_parse_iso(x->valuestring, strlen(x->valuestring), &t,
			      NULL) == 0)
		return t;
	return TIME_NONE;
}

/* The time an item sorts by in its listing (see docs/collect.md). */
static int64_t item_time(enum platform p, enum fetch_mode m, const cJSON *it)
{
	const cJSON *x;
	int64_t a, b;

	switch (p) {
	case PLATFORM_MASTODON:
	case PLATFORM_X:
		return json_time(it, "created_at");
	case PLATFORM_REDDIT:
		x = cJSON_GetObjectItemCaseSensitive(it, "data");
		x = cJSON_GetObjectItemCaseSensitive(x, "created_utc");
		if (cJSON_IsNumber(x) && x->valuedouble > -1e12 &&
		    x->valuedouble < 1e12)
			return (int64_t)floor(x->valuedouble);
		return TIME_NONE;
	case PLATFORM_BLUESKY:
		if (m == FETCH_ACCOUNT) {
			/* a repost sorts by when it was reposted */
			x = cJSON_GetObjectItemCaseSensitive(it, "reason");
			a = json_time(x, "indexedAt");
			if (a != TIME_NONE)
				return a;
			it = cJSON_GetObjectItemCaseSensitive(it, "post");
		}
		/* the AppView sorts by the earlier of the claimed creation
		 * time and the time it indexed the post */
		a = json_time(cJSON_GetObjectItemCaseSensitive(it, "record"),
			      "createdAt");
		b = json_time(it, "indexedAt");
		if (a == TIME_NONE)
			return b;
		if (b == TIME_NONE)
			return a;
		return a < b ? a : b;
	default:
		return TIME_NONE;
	}
}

/* Appends s + '\n' to the page output. */
static int out_add(struct fetch_page *pg, const char *s, size_t n, int flatten)
{
	char *p = realloc(pg->out, pg->out_len + n + 2);

	if (!p)
		return -1;
	pg->out = p;
	memcpy(p + pg->out_len, s, n);
	if (flatten)
		/* JSON allows raw line breaks only as whitespace, so this
		 * keeps the document and makes it one line */
		for (size_t i = 0; i < n; i++)
			if (p[pg->out_len + i] == '\n' || p[pg->out_len + i] == '\r')
				p[pg->out_len + i] = ' ';
	pg->out_len += n;
	p[pg->out_len++] = '\n';
	p[pg->out_len] = '\0';
	return 0;
}

static int set_next(struct fetch_page *pg, const cJSON *x)
{
	if (!cJSON_IsString(x) || !x->valuestring[0])
		return 0;
	if (strlen(x->valuestring) > CHECKPOINT_MAX_CURSOR)
		return -2;
	pg->next = strdup(x->valuestring);
	return pg->next ? 0 : -1;
}

static int x_rate_limited(const cJSON *root)
{
	const cJSON *errs = cJSON_GetObjectItemCaseSensitive(root, "errors"), *e;

	cJSON_ArrayForEach(e, errs)
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");

		if (cJSON_IsNumber(c) && c->valueint == 88)
			return 1;
	}
	return 0;
}

/* X answers 200 with only an "errors" array for unknown, suspended or
 * protected users and for bad queries: keep the first one's words. */
static int x_api_error(const cJSON *root, struct fetch_page *pg)
{
	const cJSON *errs = cJSON_GetObjectItemCaseSensitive(root, "errors");
	const cJSON *e = cJSON_IsArray(errs) ? errs->child : NULL;
	const cJSON *t, *d;
	char buf[400];

	if (!cJSON_IsObject(e))
		return 0;
	t = cJSON_GetObjectItemCaseSensitive(e, "title");
	d = cJSON_GetObjectItemCaseSensitive(e, "detail");
	snprintf(buf, sizeof(buf), "%.150s%s%.200s",
		 cJSON_IsString(t) ? t->valuestring : "error",
		 cJSON_IsString(d) ? ": " : "",
		 cJSON_IsString(d) ? d->valuestring : "");
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 32)
			*c = ' ';
	pg->api_error = strdup(buf);
	return 1;
}

static enum cib_err cursor_too_long(char *err, size_t errlen)
{
	snprintf(err, errlen, "next-page cursor longer than %zu bytes",
		 CHECKPOINT_MAX_CURSOR);
	return CIB_ETOOBIG;
}

/* The page's array of items (*items; NULL for an X page without data) and
 * its next cursor, by platform. *done is set when the answer is complete
 * without items: X's rate-limit or API error bodies. */
static enum cib_err page_items(const struct fetch_opts *o, cJSON *root,
			       struct fetch_page *pg, cJSON **items,
			       int *done, char *err, size_t errlen)
{
	const char *items_name;
	cJSON *nx;

	*items = NULL;
	*done = 0;
	switch (o->platform) {
	case PLATFORM_MASTODON:
		if (!cJSON_IsArray(root)) {
			snprintf(err, errlen, "expected a JSON array of statuses");
			return CIB_EPARSE;
		}
		*items = root;
		return CIB_OK;
	case PLATFORM_BLUESKY:
		items_name = o->mode == FETCH_ACCOUNT ? "feed" : "posts";
		*items = cJSON_GetObjectItemCaseSensitive(root, items_name);
		if (!cJSON_IsArray(*items)) {
			snprintf(err, errlen, "field '%s': expected an array",
				 items_name);
			return CIB_EPARSE;
		}
		if (set_next(pg, cJSON_GetObjectItemCaseSensitive(root,
								  "cursor")))
			return cursor_too_long(err, errlen);
		return CIB_OK;
	case PLATFORM_X:
		if (!cJSON_IsObject(root)) {
			snprintf(err, errlen, "expected a JSON object");
			return CIB_EPARSE;
		}
		*items = cJSON_GetObjectItemCaseSensitive(root, "data");
		if (*items && !cJSON_IsArray(*items)) {
			snprintf(err, errlen, "field 'data': expected an array");
			return CIB_EPARSE;
		}
		if (!*items && x_rate_limited(root)) {
			pg->rate_limited = 1;
			*done = 1;
			return CIB_OK;
		}
		if (!*items && !cJSON_GetObjectItemCaseSensitive(root, "meta")) {
			if (x_api_error(root, pg)) {
				*done = 1;
				return pg->api_error ? CIB_OK : CIB_ENOMEM;
			}
			snprintf(err, errlen, "neither 'data' nor 'meta' present");
			return CIB_EPARSE;
		}
		nx = cJSON_GetObjectItemCaseSensitive(root, "meta");
		if (set_next(pg, cJSON_GetObjectItemCaseSensitive(nx,
								  "next_token")))
			return cursor_too_long(err, errlen);
		return CIB_OK;
	case PLATFORM_REDDIT:
		nx = cJSON_GetObjectItemCaseSensitive(root, "data");
		*items = cJSON_GetObjectItemCaseSensitive(nx, "children");
		if (!cJSON_IsArray(*items)) {
			snprintf(err, errlen,
				 "field 'data.children': expected an array");
			return CIB_EPARSE;
		}
		if (set_next(pg, cJSON_GetObjectItemCaseSensitive(nx, "after")))
			return cursor_too_long(err, errlen);
		return CIB_OK;
	default:
		snprintf(err, errlen, "unsupported platform");
		return CIB_EUSAGE;
	}
}

/* Classifies the items by time and drops those outside [since, until)
 * (*dropped set when any was); Mastodon's kept items are written out one
 * by one. */
static enum cib_err filter_items(const struct fetch_opts *o, cJSON *items,
				 struct fetch_page *pg, int *dropped)
{
	cJSON *it = items ? items->child : NULL;

	*dropped = 0;
	while (it) {
		cJSON *following = it->next;
		int64_t t = item_time(o->platform, o->mode, it);
		int keep = 1;

		pg->n_items++;
		if (t != TIME_NONE) {
			if (pg->oldest == TIME_NONE || t < pg->oldest)
				pg->oldest = t;
			if (o->since != TIME_NONE && t < o->since) {
				keep = 0;
				pg->past_since = 1;
			}
			if (o->until != TIME_NONE && t >= o->until)
				keep = 0;
		}
		if (!keep) {
			cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
			*dropped = 1;
		} else {
			pg->n_kept++;
			if (o->platform == PLATFORM_MASTODON) {
				char *s = cJSON_PrintUnformatted(it);

				if (!s || out_add(pg, s, strlen(s), 0)) {
					free(s);
					return CIB_ENOMEM;
				}
				free(s);
			}
		}
		it = following;
	}
	return CIB_OK;
}

enum cib_err fetch_parse_page(const struct fetch_opts *o, const char *body,
			      size_t len, const char *headers, size_t hlen,
			      struct fetch_page *pg, char *err, size_t errlen)
{
	cJSON *root, *items;
	enum cib_err rc;
	int dropped = 0, done;

	fetch_page_init(pg);
	root = cJSON_ParseWithLength(body, len);
	if (!root) {
		const char *e = cJSON_GetErrorPtr();
		size_t off = e && e >= body && e <= body + len
				     ? (size_t)(e - body)
				     : len;

		snprintf(err, errlen, "malformed JSON at byte %zu of %zu", off,
			 len);
		return CIB_EPARSE;
	}
	rc = page_items(o, root, pg, &items, &done, err, errlen);
	if (rc || done)
		goto out;
	if (o->platform == PLATFORM_MASTODON && hlen) {
		const char *v;
		size_t vn;

		if (http_header_find(headers, hlen, "link", &v, &vn) &&
		    fetch_link_next(v, vn, &pg->next) < 0) {
			rc = CIB_ENOMEM;
			goto out;
		}
		if (pg->next && strlen(pg->next) > CHECKPOINT_MAX_CURSOR) {
			rc = cursor_too_long(err, errlen);
			goto out;
		}
	}
	rc = filter_items(o, items, pg, &dropped);
	if (rc)
		goto out;
	if (o->platform != PLATFORM_MASTODON && pg->n_kept > 0) {
		if (!dropped) {
			if (out_add(pg, body, len, 1))
				rc = CIB_ENOMEM;
		} else {
			char *s = cJSON_PrintUnformatted(root);

			if (!s || out_add(pg, s, strlen(s), 0))
				rc = CIB_ENOMEM;
			free(s);
		}
	}
out:
	cJSON_Delete(root);
	if (rc)
		fetch_page_release(pg);
	return rc;
}

/* ---- targets ------------------------------------------------------- */

uint64_t fetch_fingerprint(const struct fetch_opts *o,
			   const char *const *targets, size_t n)
{
	XXH64_state_t *st = XXH64_createState();
	char buf[128];
	uint64_t h;

	if (!st)
		return 0;
	XXH64_reset(st, 0);
	snprintf(buf, sizeof(buf), "cibscan-collect-1|%d|%d|%" PRId64 "|%" PRId64,
		 (int)o->platform, (int)o->mode, o->since, o->until);
	XXH64_update(st, buf, strlen(buf) + 1);
	XXH64_update(st, o->base_url, strlen(o->base_url) + 1);
	for (size_t i = 0; i < n; i++)
		XXH64_update(st, targets[i], strlen(targets[i]) + 1);
	h = XXH64_digest(st);
	XXH64_freeState(st);
	return h;
}

void fetch_targets_free(char **targets, size_t n)
{
	if (!targets)
		return;
	for (size_t i = 0; i < n; i++)
		free(targets[i]);
	free(targets);
}

struct tload {
	enum platform p;
	char **t;
	size_t n, cap;
	/* CSV state */
	int is_flag_csv;
	int col_id, col_plat, col_handle;
	uint64_t line; /* where the offending CSV record starts */
	size_t bad_col; /* 1 + the column holding a NUL byte */
	int err; /* 0 ok, 1 nomem, 2 too long, 3 too many, 4 bad header,
		    5 row too long, 6 NUL byte, 7 open quote at the end */
	/* the first bytes, read to tell a flag CSV from a list */
	const char *head;
	size_t nhead;
	FILE *f;
	const struct csvrec_reader *rd;
	/* plain list state: the line being read, its number */
	char list_line[FETCH_MAX_TARGET_LEN + 2];
	size_t ll;
	int overlong;
	uint64_t lineno;
};

/* a flag CSV row is a few hundred bytes: rows longer than this are
 * refused */
#define FETCH_MAX_CSV_ROW ((size_t)1 << 20)

static int tl_add(struct tload *tl, const char *s, size_t n)
{
	char *c;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	if (n > FETCH_MAX_TARGET_LEN) {
		tl->err = 2;
		return -1;
	}
	if (tl->n >= FETCH_MAX_TARGETS) {
		tl->err = 3;
		return -1;
	}
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 64;
		char **p = realloc(tl->t, cap * sizeof(*p));

		if (!p) {
			tl->err = 1;
			return -1;
		}
		tl->t = p;
		tl->cap = cap;
	}
	c = malloc(n + 1);
	if (!c) {
		tl->err = 1;
		return -1;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	tl->t[tl->n++] = c;
	return 0;
}

/* The flag CSV's bytes for core/csvrec: the head already read, then the
 * rest of the file. */
static enum cib_err tl_read(void *ctx, char *buf, size_t cap, size_t *got,
			    const char **errmsg)
{
	struct tload *tl = ctx;

	if (tl->nhead) {
		size_t k = tl->nhead < cap ? tl->nhead : cap;

		memcpy(buf, tl->head, k);
		tl->head += k;
		tl->nhead -= k;
		*got = k;
		return CIB_OK;
	}
	*got = fread(buf, 1, cap, tl->f);
	if (*got == 0 && ferror(tl->f)) {
		*errmsg = "read error";
		return CIB_EIO;
	}
	return CIB_OK;
}

/* Field i of a flag CSV record, or NULL when the row is shorter. */
static const char *tl_field(const struct csvrec *rec, int i, size_t *len)
{
	if (i < 0 || (size_t)i >= rec->n)
		return NULL;
	*len = rec->len[i];
	return rec->f[i];
}

/* One record of a flag CSV: the header's columns, then each row's
 * target (its handle on Reddit, its id elsewhere) when its platform is
 * empty or the one fetched. Errors stop reading (tl->err). */
static enum cib_err tl_record(void *ctx, const struct csvrec_event *ev)
{
	struct tload *tl = ctx;
	const struct csvrec_reader *rd;
	const char *id, *plat, *handle, *pick;
	size_t lid = 0, lplat = 0, lhandle = 0;

	tl->line = ev->line;
	if (ev->kind == CSVREC_HEADER) {
		rd = tl->rd;
		tl->col_id = csvrec_col(rd, "account_id");
		tl->col_plat = csvrec_col(rd, "platform");
		tl->col_handle = csvrec_col(rd, "handle");
		if (tl->col_id < 0 || tl->col_plat < 0)
			tl->err = 4;
		return tl->err ? CIB_EPARSE : CIB_OK;
	}
	if (ev->kind == CSVREC_UNTERMINATED)
		tl->err = 7;
	else if (ev->too_big)
		tl->err = 5;
	else if (ev->nul_col)
		tl->err = 6, tl->bad_col = ev->nul_col;
	if (tl->err)
		return CIB_EPARSE;
	id = tl_field(&ev->rec, tl->col_id, &lid);
	plat = tl_field(&ev->rec, tl->col_plat, &lplat);
	handle = tl_field(&ev->rec, tl->col_handle, &lhandle);
	if (lid > FETCH_MAX_TARGET_LEN || lplat > FETCH_MAX_TARGET_LEN ||
	    lhandle > FETCH_MAX_TARGET_LEN) {
		tl->err = 2;
		return CIB_EPARSE;
	}
	if (plat) {
		char name[FETCH_MAX_TARGET_LEN + 1];

		/* blanks around the name do not count */
		while (lplat && (*plat == ' ' || *plat == '\t')) {
			plat++;
			lplat--;
		}
		while (lplat &&
		       (plat[lplat - 1] == ' ' || plat[lplat - 1] == '\t'))
			lplat--;
		memcpy(name, plat, lplat);
		name[lplat] = '\0';
		if (lplat && platform_from_name(name) != tl->p)
			return CIB_OK;
	}
	pick = tl->p == PLATFORM_REDDIT ? handle : id;
	if (pick && tl_add(tl, pick, tl->p == PLATFORM_REDDIT ? lhandle : lid))
		return CIB_EPARSE;
	return CIB_OK;
}

static int cmp_idx(const void *a, const void *b, void *arg)
{
	char *const *t = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(t[x], t[y]);

	return c ? c : (x > y) - (x < y);
}

/* Drops later duplicates in O(n log n), keeping first-seen order. */
static int dedupe(struct tload *tl)
{
	size_t *idx, k = 0;
	unsigned char *drop;

	if (tl->n < 2)
		return 0;
	idx = malloc(tl->n * sizeof(*idx));
	drop = calloc(tl->n, 1);
	if (!idx || !drop) {
		free(idx);
		free(drop);
		return -1;
	}
	for (size_t i = 0; i < tl->n; i++)
		idx[i] = i;
	qsort_r(idx, tl->n, sizeof(*idx), cmp_idx, tl->t);
	for (size_t i = 1; i < tl->n; i++)
		if (strcmp(tl->t[idx[i]], tl->t[idx[i - 1]]) == 0)
			drop[idx[i]] = 1;
	for (size_t i = 0; i < tl->n; i++) {
		if (drop[i])
			free(tl->t[i]);
		else
			tl->t[k++] = tl->t[i];
	}
	tl->n = k;
	free(idx);
	free(drop);
	return 0;
}

/* Bytes of a plain list, one target a line ('#' lines are comments); a
 * NUL byte is an error. */
static void tl_feed_list(struct tload *tl, const char *buf, size_t got)
{
	for (size_t i = 0; i < got && !tl->err; i++) {
		if (buf[i] == '\0') {
			/* would cut the target short */
			tl->err = 6;
			tl->line = tl->lineno;
			break;
		}
		if (buf[i] != '\n') {
			if (tl->ll > FETCH_MAX_TARGET_LEN)
				tl->overlong = 1;
			else
				tl->list_line[tl->ll++] = buf[i];
			continue;
		}
		if (tl->overlong) {
			tl->err = 2;
			tl->line = tl->lineno;
			break;
		}
		if (!(tl->ll && tl->list_line[0] == '#'))
			tl_add(tl, tl->list_line, tl->ll);
		tl->ll = 0;
		tl->lineno++;
	}
}

/* The message and code of a loader error tl->err. */
static enum cib_err tl_error(const struct tload *tl, const char *path,
			     char *err, size_t errlen)
{
	if (!tl->is_flag_csv && tl->err == 2)
		snprintf(err, errlen, "'%s' line %" PRIu64
			 ": target longer than %d bytes", path,
			 tl->lineno, FETCH_MAX_TARGET_LEN);
	else if (tl->err == 5)
		snprintf(err, errlen, "'%s' line %" PRIu64
			 ": row longer than %zu bytes", path, tl->line,
			 FETCH_MAX_CSV_ROW);
	else if (tl->err == 2)
		snprintf(err, errlen, "'%s' line %" PRIu64
			 ": field longer than %d bytes", path, tl->line,
			 FETCH_MAX_TARGET_LEN);
	else if (tl->err == 6 && tl->bad_col)
		snprintf(err, errlen, "'%s' line %" PRIu64
			 ": NUL byte in field %zu", path, tl->line,
			 tl->bad_col);
	else if (tl->err == 6)
		snprintf(err, errlen, "'%s' line %" PRIu64 ": NUL byte", path,
			 tl->line);
	else if (tl->err == 7)
		snprintf(err, errlen, "'%s' line %" PRIu64
			 ": quote still open at the end of the file", path,
			 tl->line);
	else if (tl->err == 3)
		snprintf(err, errlen, "'%s': more than %d targets", path,
			 FETCH_MAX_TARGETS);
	else if (tl->err == 4)
		snprintf(err, errlen, "'%s' line 1: a flag CSV needs "
			 "account_id and platform columns", path);
	return tl->err == 1			    ? CIB_ENOMEM
	       : tl->err >= 4 && tl->err != 5 ? CIB_EPARSE
					    : CIB_ETOOBIG;
}

/* A flag CSV through core/csvrec, its first `got` bytes already in buf. */
static enum cib_err tl_load_csv(struct tload *tl, const char *buf,
				size_t got, const char *path, char *err,
				size_t errlen)
{
	struct csvrec_reader rd;
	enum cib_err rc;

	csvrec_init(&rd);
	rd.max_record = FETCH_MAX_CSV_ROW;
	rd.threads = 1;
	tl->rd = &rd;
	tl->head = buf;
	tl->nhead = got;
	rc = csvrec_run(&rd, tl_read, tl, tl_record, tl);
	if (rc && !tl->err) {
		if (ferror(tl->f))
			snprintf(err, errlen, "cannot read '%s'", path);
		else
			snprintf(err, errlen, "'%s': %s", path,
				 rd.errmsg[0] ? rd.errmsg : cib_strerror(rc));
	}
	csvrec_release(&rd);
	tl->rd = NULL;
	return tl->err ? CIB_OK : rc; /* tl->err is worded by the caller */
}

enum cib_err fetch_targets_load(const char *path, enum platform p,
				char ***targets, size_t *n, char *err,
				size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct tload *tl;
	char buf[65536];
	size_t got;
	enum cib_err rc = CIB_OK;

	*targets = NULL;
	*n = 0;
	if (!f) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
			 strerror(errno));
		return errno == ENOENT ? CIB_ENOTFOUND : CIB_EIO;
	}
	tl = calloc(1, sizeof(*tl));
	if (!tl) {
		fclose(f);
		return CIB_ENOMEM;
	}
	tl->p = p;
	tl->f = f;
	tl->col_id = tl->col_plat = tl->col_handle = -1;
	tl->lineno = 1;
	got = fread(buf, 1, sizeof(buf), f);
	tl->is_flag_csv = got >= 10 && memcmp(buf, "account_id", 10) == 0;
	if (tl->is_flag_csv) {
		rc = tl_load_csv(tl, buf, got, path, err, errlen);
	} else {
		while (got > 0 && !tl->err) {
			tl_feed_list(tl, buf, got);
			got = fread(buf, 1, sizeof(buf), f);
		}
		if (ferror(f)) {
			snprintf(err, errlen, "cannot read '%s'", path);
			rc = CIB_EIO;
		}
		if (!rc && !tl->err) {
			if (tl->overlong)
				tl->err = 2, tl->line = tl->lineno;
			else if (tl->ll && tl->list_line[0] != '#')
				tl_add(tl, tl->list_line, tl->ll);
		}
	}
	if (!rc && tl->err)
		rc = tl_error(tl, path, err, errlen);
	fclose(f);
	if (!rc && dedupe(tl))
		rc = CIB_ENOMEM;
	if (!rc && tl->n == 0) {
		snprintf(err, errlen, "'%s': no targets for %s", path,
			 platform_name(p));
		rc = CIB_ENOTFOUND;
	}
	if (rc) {
		fetch_targets_free(tl->t, tl->n);
	} else {
		*targets = tl->t;
		*n = tl->n;
	}
	free(tl);
	return rc;
}

/* ---- the run ------------------------------------------------------- */

double fetch_backoff(double base, double max, int attempt, double u)
{
	double c = base;

	for (int i = 0; i < attempt && c < max; i++)
		c *= 2;
	if (c > max)
		c = max;
	if (u < 0)
		u = 0;
	if (u >= 1)
		u = 1;
	return c / 2 + u * (c / 2);
}

/* splitmix64: a small, seedable generator for jitter */
static double rng_uniform(struct fetch_run *r)
{
	return splitmix_unit(splitmix_next(&r->rng));
}

static int cancelled(const struct fetch_run *r)
{
	return r->cancel && *r->cancel;
}

/* Sleeps `secs` (capped by max_wait) in short slices; 1 if cancelled. */
static int nap(struct fetch_run *r, double secs)
{
	struct timespec start, now;

	if (secs > r->opts->max_wait)
		secs = r->opts->max_wait;
	if (secs <= 0)
		return cancelled(r);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		double left;
		struct timespec ts;

		if (cancelled(r))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = secs - ((double)(now.tv_sec - start.tv_sec) +
			       (double)(now.tv_nsec - start.tv_nsec) / 1e9);
		if (left <= 0)
			break;
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	r->waited_s += secs;
	return 0;
}

static enum cib_err fail(struct fetch_run *r, enum cib_err e, const char *fmt,
			 ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static enum cib_err fail(struct fetch_run *r, enum cib_err e, const char *fmt,
			 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	return e;
}

static void emit(struct fetch_run *r, enum fetch_event ev, const char *fmt,
		 ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void emit(struct fetch_run *r, enum fetch_event ev, const char *fmt,
		 ...)
{
	char msg[512];
	va_list ap;

	if (!r->event)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->event(r->ud, ev, r, msg);
}

/* A short, printable excerpt of a body for error messages. */
static void excerpt(const char *b, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 4 < cap && i < 160; i++)
		out[k++] = (b[i] >= 32 && b[i] < 127) ? b[i] : ' ';
	if (n > 160 && k + 4 < cap) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

/* The URL without its query (long field lists, cursors) for messages. */
static const char *short_url(const char *url, char *buf, size_t cap)
{
	size_t n = strcspn(url ? url : "", "?");

	if (n >= cap)
		n = cap - 1;
	memcpy(buf, url ? url : "", n);
	buf[n] = '\0';
	return buf;
}

enum one_result { ONE_PAGE, ONE_SKIP, ONE_INTERRUPTED };

/* Backs off before retry *attempt + 1 after `what` went wrong: says so,
 * counts it, sleeps. 1 when interrupted during the sleep. */
static int retry_nap(struct fetch_run *r, int *attempt, const char *what)
{
	const struct fetch_opts *o = r->opts;
	double d = fetch_backoff(o->backoff_base, o->backoff_max, *attempt,
				 rng_uniform(r));

	emit(r, FETCH_EV_RETRY, "%s; retry %d/%d in %.1f s", what, *attempt + 1,
	     o->retries, d);
	(*attempt)++;
	r->retries++;
	return nap(r, d);
}

/* Whether an X error answer is its rate-limit error (v1.1-style code 88
 * in a small error body). */
static int x_limited_body(const struct fetch_opts *o,
			  const struct http_response *resp)
{
	cJSON *j;
	int limited;

	if (o->platform != PLATFORM_X || resp->status < 400 ||
	    resp->len >= 65536)
		return 0;
	j = cJSON_ParseWithLength(resp->body, resp->len);
	limited = j && x_rate_limited(j);
	cJSON_Delete(j);
	return limited;
}

/* Seconds to wait after the waits-th rate-limited answer: as the server's
 * Retry-After asks, else until the window's reset, else a backoff. */
static int64_t limited_wait(struct fetch_run *r,
			    const struct http_response *resp, int waits)
{
	const struct fetch_opts *o = r->opts;
	int64_t wait = -1;
	const char *v;
	size_t vn;

	if (http_header_find(resp->headers, resp->hlen, "retry-after", &v,
			     &vn) &&
	    fetch_retry_after(v, vn, (int64_t)time(NULL), &wait) == 0)
		return wait;
	if (fetch_rate_wait(o->platform, resp->headers, resp->hlen,
			    (int64_t)time(NULL), 1, &wait))
		return wait;
	return (int64_t)ceil(fetch_backoff(o->backoff_base, o->backoff_max,
					   waits, rng_uniform(r)));
}

/* An answer neither retried nor a page: a missing account is skipped
 * (suspended, deleted or private accounts are common in exactly the lists
 * this tool is pointed at; Bluesky says 400 "Profile not found" or
 * "AccountTakedown"), anything else fails the run. */
static enum cib_err refused(struct fetch_run *r,
			    const struct http_response *resp,
			    const char *target, enum one_result *res)
{
	const struct fetch_opts *o = r->opts;
	long st = resp->status;
	char ex[200], su[300];

	if ((st == 404 || st == 403 || st == 410 ||
	     (st == 400 && o->platform == PLATFORM_BLUESKY)) &&
	    o->mode == FETCH_ACCOUNT) {
		emit(r, FETCH_EV_SKIP, "'%s': HTTP %ld; skipped", target, st);
		r->skipped++;
		*res = ONE_SKIP;
		return CIB_OK;
	}
	excerpt(resp->body, resp->len, ex, sizeof(ex));
	if (st == 401)
		return fail(r, CIB_ENET,
			    "%s: HTTP 401, the token was refused or is "
			    "missing: %s",
			    short_url(resp->url, su, sizeof(su)), ex);
	return fail(r, CIB_ENET, "%s: HTTP %ld: %s",
		    short_url(resp->url, su, sizeof(su)), st, ex);
}

/* What fetch_one does after a step: ask again, stop with its result, or
 * stop because the run was cancelled. */
enum one_step { STEP_AGAIN, STEP_DONE, STEP_INTERRUPTED };

/* A 2xx page that parsed: an API error skips the account (account mode)
 * or fails; otherwise an exhausted rate-limit window is obeyed before
 * the next request, after this page is saved. */
static enum cib_err one_page_done(struct fetch_run *r,
				  const struct http_response *resp,
				  const char *target,
				  const struct fetch_page *pg,
				  enum one_result *res)
{
	const struct fetch_opts *o = r->opts;
	int64_t wait = -1;
	char su[300];

	if (pg->api_error) {
		if (o->mode == FETCH_ACCOUNT) {
			emit(r, FETCH_EV_SKIP, "'%s': %s; skipped", target,
			     pg->api_error);
			r->skipped++;
			*res = ONE_SKIP;
			return CIB_OK;
		}
		return fail(r, CIB_EPARSE, "%s: %s",
			    short_url(resp->url, su, sizeof(su)),
			    pg->api_error);
	}
	if (fetch_rate_wait(o->platform, resp->headers, resp->hlen,
			    (int64_t)time(NULL), 0, &wait))
		r->pending_wait = wait;
	return CIB_OK;
}

/* Rate limited: wait (up to --max-rate-waits times) and ask again. */
static enum one_step one_rate_wait(struct fetch_run *r,
				   const struct http_response *resp,
				   int *waits, enum cib_err *rc)
{
	const struct fetch_opts *o = r->opts;
	int64_t wait;
	char su[300];

	if (*waits >= o->max_rate_waits) {
		*rc = fail(r, CIB_ENET, "%s: still rate limited after %d waits",
			   short_url(resp->url, su, sizeof(su)), *waits);
		return STEP_DONE;
	}
	wait = limited_wait(r, resp, *waits);
	(*waits)++;
	r->rate_waits++;
	emit(r, FETCH_EV_WAIT, "rate limited (HTTP %ld); waiting %" PRId64 " s%s",
	     resp->status, wait,
	     (double)wait > o->max_wait ? " (capped by --max-wait)" : "");
	return nap(r, (double)wait) ? STEP_INTERRUPTED : STEP_AGAIN;
}

/* A page that did not parse (prc, its message err) or a 5xx or 408:
 * retried while attempts remain, then a failure naming the last one. */
static enum one_step one_retry(struct fetch_run *r,
			       const struct http_response *resp, int *attempt,
			       enum cib_err prc, const char *err,
			       enum cib_err *rc)
{
	char ex[200], su[300];

	if (*attempt < r->opts->retries) {
		char what[sizeof(su) + 512 + 2];

		if (prc)
			snprintf(what, sizeof(what), "%s: %s",
				 short_url(resp->url, su, sizeof(su)), err);
		else
			snprintf(what, sizeof(what), "HTTP %ld", resp->status);
		return retry_nap(r, attempt, what) ? STEP_INTERRUPTED
						   : STEP_AGAIN;
	}
	if (prc) {
		*rc = fail(r, prc, "%s: %s (after %d attempts)",
			   short_url(resp->url, su, sizeof(su)), err,
			   *attempt + 1);
	} else {
		excerpt(resp->body, resp->len, ex, sizeof(ex));
		*rc = fail(r, CIB_ENET, "%s: HTTP %ld after %d attempts: %s",
			   short_url(resp->url, su, sizeof(su)), resp->status,
			   *attempt + 1, ex);
	}
	return STEP_DONE;
}

/* Gets and parses one page with retries and rate-limit waits: one loop
 * whose attempt and wait counts every branch shares; the branches' work
 * is in the one_ helpers above. */
static enum cib_err fetch_one(struct fetch_run *r, const char *url,
			      const char *target, struct fetch_page *pg,
			      enum one_result *res)
{
	const struct fetch_opts *o = r->opts;
	struct http_response resp;
	int attempt = 0, waits = 0;
	enum cib_err rc;
	enum one_step step;
	char err[512], su[300];

	http_response_init(&resp);
	*res = ONE_PAGE;
	for (;;) {
		long st;
		int limited;

		fetch_page_release(pg);
		if (cancelled(r))
			goto interrupted;
		rc = http_get(r->http, url, &resp);
		if (rc && cancelled(r))
			goto interrupted;
		if (rc == CIB_ENET && r->http->transient &&
		    attempt < o->retries) {
			if (retry_nap(r, &attempt, r->http->errmsg))
				goto interrupted;
			continue;
		}
		if (rc) {
			/* a redirect the URL policy refuses is the server's
			 * doing, not a usage error */
			if (rc == CIB_EUSAGE)
				rc = CIB_ENET;
			rc = fail(r, rc, "%s%s", r->http->errmsg,
				  attempt ? " (retries exhausted)" : "");
			goto out;
		}
		st = resp.status;
		limited = st == 429 || x_limited_body(o, &resp);
		rc = CIB_OK;
		if (!limited && st >= 200 && st < 300) {
			rc = fetch_parse_page(o, resp.body, resp.len,
					      resp.headers, resp.hlen, pg, err,
					      sizeof(err));
			if (rc == CIB_OK && pg->rate_limited) {
				limited = 1;
			} else if (rc == CIB_OK) {
				rc = one_page_done(r, &resp, target, pg, res);
				goto out;
			}
		}
		if (limited)
			step = one_rate_wait(r, &resp, &waits, &rc);
		else if (rc == CIB_EPARSE || st >= 500 || st == 408)
			step = one_retry(r, &resp, &attempt, rc, err, &rc);
		else if (rc) { /* TOOBIG, NOMEM */
			rc = fail(r, rc, "%s: %s",
				  short_url(resp.url, su, sizeof(su)), err);
			goto out;
		} else {
			rc = refused(r, &resp, target, res);
			goto out;
		}
		if (step == STEP_INTERRUPTED)
			goto interrupted;
		if (step == STEP_DONE)
			goto out;
	}
interrupted:
	*res = ONE_INTERRUPTED;
	rc = CIB_OK;
out:
	http_response_release(&resp);
	return rc;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static enum cib_err save(struct fetch_run *r)
{
	char err[512];
	enum cib_err rc = checkpoint_save(&r->ck, r->ckpt_path, err,
					  sizeof(err));

	if (rc)
		return fail(r, rc, "%s", err);
	return CIB_OK;
}

/* The output (path or a link to it) opened for writing, with `flags`; *sb
 * its status. It must be a regular file: pages are appended to it and a
 * resumed run truncates it to its checkpoint, which a FIFO, a device or a
 * socket cannot take (and writing one would clobber what it stands for).
 * outfile_open_regular never waits on a FIFO. */
static enum cib_err open_log(struct fetch_run *r, int flags, struct stat *sb)
{
	enum cib_err err =
		outfile_open_regular(r->out_path, flags, 0644, &r->fd, sb);

	if (err == CIB_EUSAGE)
		return fail(r, CIB_EUSAGE,
			    "'%s' is not a regular file: collect appends its "
			    "pages to a file that --resume can cut back to its "
			    "checkpoint",
			    r->out_path);
	if (err)
		return fail(r, CIB_EIO, "cannot open '%s': %s", r->out_path,
			    strerror(errno));
	return CIB_OK;
}

static enum cib_err open_output(struct fetch_run *r, uint64_t query)
{
	char err[512];
	struct stat sb;
	enum cib_err rc;

	if (!r->resume) {
		checkpoint_init(&r->ck);
		r->ck.query = query;
		rc = open_log(r, O_CREAT | O_TRUNC, &sb);
		return rc ? rc : save(r);
	}
	rc = checkpoint_load(&r->ck, r->ckpt_path, err, sizeof(err));
	if (rc == CIB_ENOTFOUND)
		return fail(r, CIB_ENOTFOUND,
			    "no checkpoint '%s' to resume from", r->ckpt_path);
	if (rc)
		return fail(r, rc, "%s", err);
	if (r->ck.query != query)
		return fail(r, CIB_EUSAGE,
			    "'%s' was written for other arguments (platform, "
			    "targets, base URL or dates differ); refusing to "
			    "resume",
			    r->ckpt_path);
	if (r->ck.done) {
		r->already_done = 1;
		return CIB_OK;
	}
	rc = open_log(r, 0, &sb);
	if (rc)
		return rc;
	if ((uint64_t)sb.st_size < r->ck.bytes)
		return fail(r, CIB_EPARSE,
			    "'%s' has %lld bytes but its checkpoint covers %" PRIu64
			    "; was it truncated or edited?",
			    r->out_path, (long long)sb.st_size, r->ck.bytes);
	/* drop whatever was appended after the last checkpoint */
	if (ftruncate(r->fd, (off_t)r->ck.bytes) != 0 ||
	    lseek(r->fd, 0, SEEK_END) < 0)
		return fail(r, CIB_EIO, "cannot truncate '%s': %s", r->out_path,
			    strerror(errno));
	return CIB_OK;
}

/* Whether a Mastodon next link stays on the instance it started on, so a
 * server cannot send the token-bearing client elsewhere. */
static int same_origin(const char *base, const char *url)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	/* compare scheme://authority only */
	{
		const char *sch = strstr(base, "://");
		size_t end;

		if (!sch || (size_t)(sch - base) > n)
			return 0;
		end = (size_t)(sch - base) + 3;
		while (end < n && base[end] != '/')
			end++;
		n = end;
	}
	return strncasecmp(base, url, n) == 0 &&
	       (url[n] == '/' || url[n] == '?' || url[n] == '\0');
}

/* Appends the page's kept items to the output and makes them durable
 * before the checkpoint that points past them is saved. */
static enum cib_err store_page(struct fetch_run *r,
			       const struct fetch_page *pg)
{
	if (pg->out_len && (write_all(r->fd, pg->out, pg->out_len) ||
			    fsync(r->fd) != 0))
		return fail(r, CIB_EIO, "cannot write '%s': %s", r->out_path,
			    strerror(errno));
	r->ck.bytes += pg->out_len;
	r->ck.items += pg->n_kept;
	r->ck.pages++;
	return CIB_OK;
}

/* Waits for an exhausted rate-limit window to reset (r->pending_wait, -1
 * for none). 1 when interrupted during the wait. */
static int window_wait(struct fetch_run *r)
{
	int64_t wait = r->pending_wait;

	if (wait < 0)
		return 0;
	r->pending_wait = -1;
	r->rate_waits++;
	emit(r, FETCH_EV_WAIT,
	     "rate limit exhausted; waiting %" PRId64
	     " s for the window to reset%s",
	     wait,
	     (double)wait > r->opts->max_wait ? " (capped by --max-wait)" : "");
	return nap(r, (double)wait);
}

enum cib_err fetch_run_exec(struct fetch_run *r)
{
	const struct fetch_opts *o = r->opts;
	uint64_t query = fetch_fingerprint(o, r->targets, r->n_targets);
	struct fetch_page pg;
	enum cib_err rc;

	r->fd = -1;
	r->pending_wait = -1;
	r->rng = o->seed ? o->seed : (uint64_t)time(NULL) ^ (uint64_t)getpid();
	fetch_page_init(&pg);
	rc = open_output(r, query);
	if (rc || r->already_done)
		goto out;
	while (r->ck.target < r->n_targets) {
		const char *target = r->targets[r->ck.target];
		uint64_t pages_here = 0;
		int end = 0;

		while (!end) {
			char *url = NULL;
			size_t page_size = 100;
			enum one_result res;

			if (o->max_items && r->ck.items >= o->max_items)
				goto finished;
			if (pages_here >= o->max_pages) {
				emit(r, FETCH_EV_CAP,
				     "'%s': stopped after %" PRIu64
				     " pages (--max-pages)",
				     target, pages_here);
				break;
			}
			if (o->max_items && o->max_items - r->ck.items < 100)
				page_size = (size_t)(o->max_items - r->ck.items);
			if (o->platform == PLATFORM_MASTODON && r->ck.cursor &&
			    !same_origin(o->base_url, r->ck.cursor)) {
				rc = fail(r, CIB_EPARSE,
					  "the server's next link '%.200s' "
					  "leaves %s; refusing to follow it",
					  r->ck.cursor, o->base_url);
				goto out;
			}
			rc = fetch_build_url(o, target, r->ck.cursor, page_size,
					     &url);
			if (rc) {
				rc = fail(r, rc, "cannot build the URL for '%s'",
					  target);
				goto out;
			}
			rc = fetch_one(r, url, target, &pg, &res);
			free(url);
			if (rc)
				goto out;
			if (res == ONE_INTERRUPTED) {
				r->interrupted = 1;
				goto out;
			}
			if (res == ONE_SKIP)
				break;
			rc = store_page(r, &pg);
			if (rc)
				goto out;
			pages_here++;
			end = !pg.next || pg.n_items == 0 || pg.past_since;
			if (!end && r->ck.cursor &&
			    strcmp(pg.next, r->ck.cursor) == 0) {
				/* the page is kept; the loop is not */
				checkpoint_set_cursor(&r->ck, NULL);
				r->ck.target++;
				save(r);
				rc = fail(r, CIB_EPARSE,
					  "'%s': the server returned the same "
					  "next-page cursor twice (endless "
					  "pagination)",
					  target);
				goto out;
			}
			rc = checkpoint_set_cursor(&r->ck, end ? NULL : pg.next);
			if (rc) {
				rc = fail(r, rc, "cursor too long");
				goto out;
			}
			if (end)
				r->ck.target++;
			rc = save(r);
			if (rc)
				goto out;
			emit(r, FETCH_EV_PAGE, "%s", target);
			fetch_page_release(&pg);
			/* no wait when no further request will be made */
			if (r->ck.target >= r->n_targets ||
			    (o->max_items && r->ck.items >= o->max_items))
				r->pending_wait = -1;
			if (window_wait(r)) {
				r->interrupted = 1;
				goto out;
			}
		}
		if (!end) {
			/* page cap or skipped target: move on */
			checkpoint_set_cursor(&r->ck, NULL);
			r->ck.target++;
			rc = save(r);
			if (rc)
				goto out;
		}
	}
finished:
	r->ck.done = 1;
	checkpoint_set_cursor(&r->ck, NULL);
	rc = save(r);
out:
	fetch_page_release(&pg);
	if (r->fd >= 0 && close(r->fd) != 0 && !rc)
		rc = fail(r, CIB_EIO, "cannot close '%s': %s", r->out_path,
			  strerror(errno));
	r->fd = -1;
	return rc;
}

void fetch_run_release(struct fetch_run *r)
{
	if (!r)
		return;
	checkpoint_release(&r->ck);
}
