/* xapi.c - X API v2 pages and v1.1 tweets, JSON or JSONL.
 *
 * A top-level value (a line, or the whole document) is a v2 page
 * ({data, includes, meta}), a v2 tweet (twarc's flattened form, with an
 * inline `author`), a v1.1 tweet (id_str, user), or an array of any of
 * these. Referenced tweets that the input carries in full (v2
 * includes.tweets, v1.1 retweeted_status/quoted_status) become posts too;
 * a page's referenced tweets also give each post's ref_account through a
 * sorted id -> author table, so lookup stays O(log n) per post even for a
 * hostile page. Kind precedence when a tweet references several:
 * retweeted > replied_to > quoted.
 */
#include "xapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

/* v1.1 retweeted_status / quoted_status nest; deeper than this is not
 * something the API writes. */
#define X_MAX_DEPTH 4

struct xref {
	const char *id, *author;
};

struct xstate {
	struct jr_ctx c;
	struct xref *refs;
	size_t n_refs, cap_refs;
};

int xapi_sniff(const char *head, size_t n)
{
	int first = jr_first_char(head, n);

	if (first != '{' && first != '[')
		return 0;
	if (jr_has_key(head, n, "author_id") &&
	    (jr_has_key(head, n, "data") || jr_has_key(head, n, "created_at")))
		return 90;
	if (jr_has_key(head, n, "id_str") &&
	    (jr_has_key(head, n, "screen_name") || jr_has_key(head, n, "user")))
		return 85;
	if (jr_has_key(head, n, "data") && jr_has_key(head, n, "includes"))
		return 70;
	if (jr_has_key(head, n, "data") && jr_has_key(head, n, "meta") &&
	    jr_has_key(head, n, "result_count"))
		return 60;
	return 0;
}

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const struct xref *)a)->id,
		      ((const struct xref *)b)->id);
}

static const char *ref_author(const struct xstate *x, const char *id)
{
	struct xref key = { id, NULL };
	const struct xref *r;

	if (!id || x->n_refs == 0)
		return NULL;
	r = bsearch(&key, x->refs, x->n_refs, sizeof(*r), cmp_ref);
	return r ? r->author : NULL;
}

/* Adds (id, author_id) of each tweet in arr to the table (no checks: a
 * malformed tweet is reported when it is read as a post). */
static enum cib_err refs_add(struct xstate *x, const cJSON *arr)
{
	const cJSON *t;

	if (!cJSON_IsArray(arr))
		return CIB_OK;
	cJSON_ArrayForEach(t, arr)
	{
		const cJSON *id = jr_get(t, "id"), *au = jr_get(t, "author_id");

		if (!cJSON_IsString(id) || !cJSON_IsString(au))
			continue;
		if (x->n_refs == x->cap_refs) {
			size_t nc = x->cap_refs ? x->cap_refs * 2 : 64;
			struct xref *nr = realloc(x->refs, nc * sizeof(*nr));

			if (!nr)
				return CIB_ENOMEM;
			x->refs = nr;
			x->cap_refs = nc;
		}
		x->refs[x->n_refs].id = id->valuestring;
		x->refs[x->n_refs].author = au->valuestring;
		x->n_refs++;
	}
	return CIB_OK;
}

/* ---- v2 ---- */

static enum cib_err add_user_v2(struct xstate *x, const cJSON *u,
				const char *path)
{
	struct jr_ctx *c = &x->c;
	struct account_rec a;
	const cJSON *pm;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(u))
		return jr_report(c, NULL, "expected a user object");
	account_rec_init(&a);
	a.platform = PLATFORM_X;
	a.id = jr_id(c, u, "id");
	a.handle = jr_str(c, u, "username");
	a.name = jr_str(c, u, "name");
	a.description = jr_str(c, u, "description");
	a.location = jr_str(c, u, "location");
	a.created = jr_time(c, u, "created_at", JR_TIME_ISO, NULL);
	pm = jr_obj(c, u, "public_metrics");
	a.followers = jr_count(c, pm, "followers_count");
	a.following = jr_count(c, pm, "following_count");
	if (c->bad)
		return jr_report(c, NULL, "");
	if (!a.id)
		return jr_report(c, "id", "missing user id");
	return jr_add_account(c, &a);
}

static enum post_kind kind_v2(const char *type)
{
	if (!type)
		return POST_ORIGINAL;
	if (strcmp(type, "retweeted") == 0)
		return POST_REPOST;
	if (strcmp(type, "replied_to") == 0)
		return POST_REPLY;
	if (strcmp(type, "quoted") == 0)
		return POST_QUOTE;
	return POST_ORIGINAL;
}

static int kind_rank(enum post_kind k)
{
	return k == POST_REPOST ? 3 : k == POST_REPLY ? 2 : k == POST_QUOTE;
}

static enum cib_err add_tweet_v2(struct xstate *x, const cJSON *t,
				 const char *path, int from_includes, int depth)
{
	struct jr_ctx *c = &x->c;
	struct post_rec r;
	const cJSON *refs, *ent, *arr, *e, *pm, *author, *note;
	const cJSON *nested[8];
	size_t n_nested = 0;
	enum cib_err err;
	int i;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(t))
		return jr_report(c, NULL, "expected a tweet object");
	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = jr_id(c, t, "id");
	r.account_id = jr_id(c, t, "author_id");
	r.time = jr_time(c, t, "created_at", JR_TIME_ISO, NULL);
	/* referenced context that the API did not expand is not a record */
	if (from_includes && !c->bad && (!r.account_id || r.time == TIME_NONE))
		return CIB_OK;
	r.text = jr_str(c, t, "text");
	note = jr_obj(c, t, "note_tweet"); /* long posts: the full text */
	if (jr_str(c, note, "text"))
		r.text = jr_str(c, note, "text");
	r.lang = jr_str(c, t, "lang");
	r.client = jr_str(c, t, "source");
	refs = jr_arr(c, t, "referenced_tweets");
	i = 0;
	cJSON_ArrayForEach(e, refs)
	{
		char key[48];
		const char *type, *rid, *rauth;
		enum post_kind k;

		snprintf(key, sizeof(key), "referenced_tweets[%d]", i++);
		if (!cJSON_IsObject(e)) {
			jr_fail(c, key, "expected an object");
			break;
		}
		type = jr_str(c, e, "type");
		rid = jr_id(c, e, "id");
		k = kind_v2(type);
		if (!rid || kind_rank(k) <= kind_rank(r.kind))
			continue;
		r.kind = k;
		r.ref_post = rid;
		rauth = jr_id(c, e, "author_id"); /* twarc flattened */
		r.ref_account = rauth ? rauth : ref_author(x, rid);
		if (jr_get(e, "created_at") && n_nested < 8)
			nested[n_nested++] = e;
	}
	if (r.kind == POST_REPLY && !r.ref_account)
		r.ref_account = jr_id(c, t, "in_reply_to_user_id");
	ent = jr_obj(c, t, "entities");
	arr = jr_arr(c, ent, "urls");
	cJSON_ArrayForEach(e, arr)
	{
		const char *u = jr_str(c, e, "expanded_url");

		jr_ent(c, ENT_URL, u ? u : jr_str(c, e, "url"));
	}
	arr = jr_arr(c, ent, "hashtags");
	cJSON_ArrayForEach(e, arr)
		jr_ent(c, ENT_HASHTAG, jr_str(c, e, "tag"));
	arr = jr_arr(c, ent, "mentions");
	cJSON_ArrayForEach(e, arr)
		jr_ent(c, ENT_MENTION, jr_str(c, e, "username"));
	pm = jr_obj(c, t, "public_metrics");
	r.likes = jr_count(c, pm, "like_count");
	r.reposts = jr_count(c, pm, "retweet_count");
	r.replies = jr_count(c, pm, "reply_count");
	r.quotes = jr_count(c, pm, "quote_count");
	author = jr_obj(c, t, "author");
	err = jr_add_post(c, &r, "id", "author_id", "created_at");
	if (err)
		return err;
	if (author) {
		char p[128];

		snprintf(p, sizeof(p), "%s.author", path);
		if ((err = add_user_v2(x, author, p)))
			return err;
	}
	for (size_t k = 0; k < n_nested && depth < X_MAX_DEPTH; k++) {
		char p[128];

		snprintf(p, sizeof(p), "%s.referenced_tweets", path);
		if ((err = add_tweet_v2(x, nested[k], p, 1, depth + 1)))
			return err;
	}
	return CIB_OK;
}

static enum cib_err read_page(struct xstate *x, const cJSON *page,
			      const char *pre)
{
	struct jr_ctx *c = &x->c;
	const cJSON *inc, *data, *arr, *e;
	char path[96];
	enum cib_err err;
	int i;

	jr_ctx_reset(c);
	jr_path(c, "%s", pre);
	inc = jr_obj(c, page, "includes");
	data = jr_get(page, "data");
	if (data && !cJSON_IsArray(data) && !cJSON_IsObject(data))
		jr_fail(c, "data", "expected an array or an object");
	if (c->bad)
		return jr_report(c, NULL, "");
	x->n_refs = 0;
	if ((err = refs_add(x, jr_get(inc, "tweets"))) ||
	    (err = refs_add(x, data)))
		return err;
	if (x->n_refs > 1)
		qsort(x->refs, x->n_refs, sizeof(*x->refs), cmp_ref);
	arr = jr_get(inc, "users");
	i = 0;
	cJSON_ArrayForEach(e, jr_items(arr))
	{
		snprintf(path, sizeof(path), "%sincludes.users[%d]", pre, i++);
		if ((err = add_user_v2(x, e, path)))
			return err;
	}
	if (cJSON_IsObject(data)) {
		snprintf(path, sizeof(path), "%sdata", pre);
		if ((err = add_tweet_v2(x, data, path, 0, 0)))
			return err;
	} else {
		i = 0;
		cJSON_ArrayForEach(e, data)
		{
			snprintf(path, sizeof(path), "%sdata[%d]", pre, i++);
			if ((err = add_tweet_v2(x, e, path, 0, 0)))
				return err;
		}
	}
	arr = jr_get(inc, "tweets");
	i = 0;
	cJSON_ArrayForEach(e, jr_items(arr))
	{
		snprintf(path, sizeof(path), "%sincludes.tweets[%d]", pre, i++);
		if ((err = add_tweet_v2(x, e, path, 1, 0)))
			return err;
	}
	return CIB_OK;
}

/* ---- v1.1 ---- */

static void ent_v1(struct jr_ctx *c, const cJSON *ent)
{
	const cJSON *arr, *e;

	arr = jr_arr(c, ent, "urls");
	cJSON_ArrayForEach(e, arr)
	{
		const char *u = jr_str(c, e, "expanded_url");

		jr_ent(c, ENT_URL, u ? u : jr_str(c, e, "url"));
	}
	arr = jr_arr(c, ent, "hashtags");
	cJSON_ArrayForEach(e, arr)
		jr_ent(c, ENT_HASHTAG, jr_str(c, e, "text"));
	arr = jr_arr(c, ent, "user_mentions");
	cJSON_ArrayForEach(e, arr)
		jr_ent(c, ENT_MENTION, jr_str(c, e, "screen_name"));
}

static const char *id_v1(struct jr_ctx *c, const cJSON *o)
{
	const char *s = jr_id(c, o, "id_str");

	return s ? s : jr_id(c, o, "id");
}

static enum cib_err add_tweet_v1(struct xstate *x, const cJSON *t,
				 const char *path, int depth)
{
	struct jr_ctx *c = &x->c;
	struct post_rec r;
	struct account_rec a;
	const cJSON *user, *ext, *rt, *qt, *ent;
	const char *src;
	enum cib_err err;
	char p[128];

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(t))
		return jr_report(c, NULL, "expected a tweet object");
	post_rec_init(&r);
	account_rec_init(&a);
	r.platform = a.platform = PLATFORM_X;
	r.id = id_v1(c, t);
	r.time = jr_time(c, t, "created_at", JR_TIME_TWITTER, NULL);
	user = jr_obj(c, t, "user");
	if (user) {
		a.id = id_v1(c, user);
		a.handle = jr_str(c, user, "screen_name");
		a.name = jr_str(c, user, "name");
		a.description = jr_str(c, user, "description");
		a.location = jr_str(c, user, "location");
		a.lang = jr_str(c, user, "lang");
		a.created = jr_time(c, user, "created_at", JR_TIME_TWITTER, NULL);
		a.followers = jr_count(c, user, "followers_count");
		a.following = jr_count(c, user, "friends_count");
	}
	r.account_id = a.id;
	ext = jr_obj(c, t, "extended_tweet");
	r.text = jr_str(c, ext, "full_text");
	if (!r.text)
		r.text = jr_str(c, t, "full_text");
	if (!r.text)
		r.text = jr_str(c, t, "text");
	r.lang = jr_str(c, t, "lang");
	src = jr_str(c, t, "source");
	r.client = src ? jr_html_text(c, src, 0) : NULL;
	rt = jr_obj(c, t, "retweeted_status");
	qt = jr_obj(c, t, "quoted_status");
	if (rt) {
		const cJSON *ru = jr_obj(c, rt, "user");

		r.kind = POST_REPOST;
		r.ref_post = id_v1(c, rt);
		r.ref_account = ru ? id_v1(c, ru) : NULL;
	} else if (jr_get(t, "in_reply_to_status_id_str") ||
		   jr_get(t, "in_reply_to_status_id")) {
		r.kind = POST_REPLY;
		r.ref_post = jr_id(c, t, "in_reply_to_status_id_str");
		if (!r.ref_post)
			r.ref_post = jr_id(c, t, "in_reply_to_status_id");
		r.ref_account = jr_id(c, t, "in_reply_to_user_id_str");
		if (!r.ref_account)
			r.ref_account = jr_id(c, t, "in_reply_to_user_id");
	} else if (qt || jr_get(t, "quoted_status_id_str")) {
		const cJSON *qu = jr_obj(c, qt, "user");

		r.kind = POST_QUOTE;
		r.ref_post = jr_id(c, t, "quoted_status_id_str");
		if (!r.ref_post && qt)
			r.ref_post = id_v1(c, qt);
		r.ref_account = qu ? id_v1(c, qu) : NULL;
	}
	ent = jr_obj(c, ext, "entities");
	ent_v1(c, ent ? ent : jr_obj(c, t, "entities"));
	r.likes = jr_count(c, t, "favorite_count");
	r.reposts = jr_count(c, t, "retweet_count");
	r.replies = jr_count(c, t, "reply_count");
	r.quotes = jr_count(c, t, "quote_count");
	if (!user && !c->bad)
		return jr_report(c, "user", "missing user");
	if (!c->bad && a.id && (err = jr_add_account(c, &a)))
		return err;
	if ((err = jr_add_post(c, &r, "id_str", "user.id_str", "created_at")))
		return err;
	if (depth >= X_MAX_DEPTH)
		return CIB_OK;
	if (rt) {
		snprintf(p, sizeof(p), "%s%sretweeted_status", path,
			 path[0] ? "." : "");
		if ((err = add_tweet_v1(x, rt, p, depth + 1)))
			return err;
	}
	if (qt) {
		snprintf(p, sizeof(p), "%s%squoted_status", path,
			 path[0] ? "." : "");
		if ((err = add_tweet_v1(x, qt, p, depth + 1)))
			return err;
	}
	return CIB_OK;
}

/* ---- dispatch ---- */

static enum cib_err read_item(struct xstate *x, const cJSON *v,
			      const char *path)
{
	char pre[96];

	if (cJSON_IsObject(v)) {
		if (jr_get(v, "data") || jr_get(v, "includes") ||
		    jr_get(v, "meta") || jr_get(v, "errors")) {
			snprintf(pre, sizeof(pre), "%s%s", path, path[0] ? "." : "");
			return read_page(x, v, pre);
		}
		if (jr_get(v, "id_str") || jr_get(v, "user"))
			return add_tweet_v1(x, v, path, 0);
		if (jr_get(v, "author_id"))
			return add_tweet_v2(x, v, path, 0, 0);
	}
	jr_ctx_reset(&x->c);
	jr_path(&x->c, "%s", path);
	return jr_report(&x->c, NULL, "not an X API v2 page or a tweet");
}

static enum cib_err item_fn(void *ctx, const cJSON *item, const char *path)
{
	return read_item(ctx, item, path);
}

static enum cib_err on_value(struct ingest *in, const cJSON *v, uint64_t line,
			     void *ctx)
{
	struct xstate *x = ctx;

	(void)in;
	x->c.line = line;
	return jr_each_item(v, item_fn, x);
}

enum cib_err xapi_read(struct ingest *in, struct source *src)
{
	struct xstate x;
	enum cib_err err;

	memset(&x, 0, sizeof(x));
	jr_ctx_init(&x.c, in, 0);
	err = jsonread_values(in, src, on_value, &x);
	jr_ctx_release(&x.c);
	free(x.refs);
	return err;
}
