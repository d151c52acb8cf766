/* bluesky.c - Bluesky app.bsky.feed.getAuthorFeed / getTimeline /
 * searchPosts pages (JSON or one page per line).
 *
 * A page is {feed: [{post, reply?, reason?}], cursor} or {posts: [...],
 * cursor}; a bare PostView or an array of pages is accepted too. Post id
 * is the at:// uri, account id the author's DID (stable across handle
 * changes). Time is record.createdAt, which the client sets and which
 * carries the author's rhythm; indexedAt (when the relay saw it) is the
 * fallback. A feed item with reason#reasonRepost is the reposter's REPOST
 * of the post: it has no uri of its own in the feed view, so its id is
 * "<reposter did>/repost/<post uri>" (one repost per account and post),
 * time reason.indexedAt. The reposted post and the reply parent/root
 * views are added as posts as well.
 */
#include "bluesky.h"

#include <stdio.h>
#include <string.h>

#include "jsonread.h"

int bluesky_sniff(const char *head, size_t n)
{
	int first = jr_first_char(head, n), score = 0;

	if (first != '{' && first != '[')
		return 0;
	if (jr_has(head, n, "\"at://did:"))
		score = 60;
	if (score && (jr_has_key(head, n, "feed") || jr_has_key(head, n, "posts")))
		score += 20;
	if (score && (jr_has_key(head, n, "indexedAt") ||
		      jr_has(head, n, "app.bsky.feed.post")))
		score += 15;
	return score;
}

/* The DID of an at:// uri ("at://did:plc:x/app.bsky.feed.post/y"). */
static const char *uri_did(struct jr_ctx *c, const char *uri)
{
	const char *p, *e;

	if (!uri || strncmp(uri, "at://", 5) != 0)
		return NULL;
	p = uri + 5;
	e = strchr(p, '/');
	return jr_dup(c, p, e ? (size_t)(e - p) : strlen(p));
}

static enum cib_err add_author(struct jr_ctx *c, const cJSON *a)
{
	struct account_rec r;

	account_rec_init(&r);
	r.platform = PLATFORM_BLUESKY;
	r.id = jr_str(c, a, "did");
	r.handle = jr_str(c, a, "handle");
	r.name = jr_str(c, a, "displayName");
	r.description = jr_str(c, a, "description");
	r.created = jr_time(c, a, "createdAt", JR_TIME_ISO, NULL);
	r.followers = jr_count(c, a, "followersCount");
	r.following = jr_count(c, a, "followsCount");
	if (c->bad)
		return CIB_OK; /* reported with the post */
	return jr_add_account(c, &r);
}

/* URI of the record an embed quotes (record or recordWithMedia). */
static const char *embed_quote(struct jr_ctx *c, const cJSON *embed)
{
	const char *type = jr_str(c, embed, "$type");
	const cJSON *rec;

	if (!type)
		return NULL;
	if (strncmp(type, "app.bsky.embed.recordWithMedia", 30) == 0) {
		rec = jr_obj(c, jr_obj(c, embed, "record"), "record");
		return jr_str(c, rec, "uri");
	}
	if (strncmp(type, "app.bsky.embed.record", 21) == 0) {
		rec = jr_obj(c, embed, "record");
		return jr_str(c, rec, "uri");
	}
	return NULL;
}

static void add_facets(struct jr_ctx *c, const cJSON *facets)
{
	const cJSON *f, *feat;

	cJSON_ArrayForEach(f, jr_items(facets))
	{
		cJSON_ArrayForEach(feat, jr_items(jr_get(f, "features")))
		{
			const char *type = jr_str(c, feat, "$type");

			if (!type)
				continue;
			if (strcmp(type, "app.bsky.richtext.facet#link") == 0)
				jr_ent(c, ENT_URL, jr_str(c, feat, "uri"));
			else if (strcmp(type, "app.bsky.richtext.facet#tag") == 0)
				jr_ent(c, ENT_HASHTAG, jr_str(c, feat, "tag"));
			else if (strcmp(type,
					"app.bsky.richtext.facet#mention") == 0)
				jr_ent(c, ENT_MENTION, jr_str(c, feat, "did"));
		}
	}
}

/* Adds a PostView. */
static enum cib_err add_post_view(struct jr_ctx *c, const cJSON *p,
				  const char *path)
{
	struct post_rec r;
	const cJSON *author, *rec, *reply, *embed, *ext;
	const char *q;
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(p))
		return jr_report(c, NULL, "expected a post view object");
	/* blocked / not-found views of reply parents are not posts */
	if (!jr_get(p, "author") && !jr_get(p, "record") &&
	    (jr_get(p, "blocked") || jr_get(p, "notFound")))
		return CIB_OK;
	post_rec_init(&r);
	r.platform = PLATFORM_BLUESKY;
	r.id = jr_str(c, p, "uri");
	author = jr_obj(c, p, "author");
	if ((err = add_author(c, author)))
		return err;
	r.account_id = jr_str(c, author, "did");
	rec = jr_obj(c, p, "record");
	r.time = jr_time(c, rec, "createdAt", JR_TIME_ISO, NULL);
	if (r.time == TIME_NONE && !c->bad)
		r.time = jr_time(c, p, "indexedAt", JR_TIME_ISO, NULL);
	r.text = jr_str(c, rec, "text");
	{
		const cJSON *l = cJSON_GetArrayItem(jr_arr(c, rec, "langs"), 0);

		r.lang = cJSON_IsString(l) ? l->valuestring : NULL;
	}
	reply = jr_obj(c, rec, "reply");
	embed = jr_obj(c, rec, "embed");
	if (reply) {
		r.kind = POST_REPLY;
		r.ref_post = jr_str(c, jr_obj(c, reply, "parent"), "uri");
		r.ref_account = uri_did(c, r.ref_post);
	} else if ((q = embed_quote(c, embed)) != NULL) {
		r.kind = POST_QUOTE;
		r.ref_post = q;
		r.ref_account = uri_did(c, q);
	}
	ext = jr_obj(c, embed, "external");
	jr_ent(c, ENT_URL, jr_str(c, ext, "uri"));
	add_facets(c, jr_arr(c, rec, "facets"));
	r.likes = jr_count(c, p, "likeCount");
	r.reposts = jr_count(c, p, "repostCount");
	r.replies = jr_count(c, p, "replyCount");
	r.quotes = jr_count(c, p, "quoteCount");
	return jr_add_post(c, &r, "uri", "author.did", "record.createdAt");
}

static enum cib_err add_repost(struct jr_ctx *c, const cJSON *item,
			       const cJSON *reason, const char *path)
{
	struct post_rec r;
	const cJSON *by, *post = jr_get(item, "post");
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s.reason", path);
	post_rec_init(&r);
	r.platform = PLATFORM_BLUESKY;
	r.kind = POST_REPOST;
	by = jr_obj(c, reason, "by");
	if ((err = add_author(c, by)))
		return err;
	r.account_id = jr_str(c, by, "did");
	r.ref_post = jr_str(c, post, "uri");
	r.ref_account = jr_str(c, jr_get(post, "author"), "did");
	r.time = jr_time(c, reason, "indexedAt", JR_TIME_ISO, NULL);
	if (r.account_id && r.ref_post)
		r.id = jr_fmt(c, "%s/repost/%s", r.account_id, r.ref_post);
	return jr_add_post(c, &r, "post.uri", "by.did", "indexedAt");
}

static enum cib_err read_feed_item(struct jr_ctx *c, const cJSON *item,
				   const char *path)
{
	const cJSON *reason, *reply;
	const char *type;
	char p[128];
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(item))
		return jr_report(c, NULL, "expected a feed item object");
	reason = jr_obj(c, item, "reason");
	type = jr_str(c, reason, "$type");
	if (c->bad)
		return jr_report(c, NULL, "");
	snprintf(p, sizeof(p), "%s.post", path);
	if ((err = add_post_view(c, jr_get(item, "post"), p)))
		return err;
	if (type && strcmp(type, "app.bsky.feed.defs#reasonRepost") == 0 &&
	    (err = add_repost(c, item, reason, path)))
		return err;
	reply = jr_get(item, "reply");
	if (cJSON_IsObject(reply)) {
		snprintf(p, sizeof(p), "%s.reply.parent", path);
		if ((err = add_post_view(c, jr_get(reply, "parent"), p)))
			return err;
		snprintf(p, sizeof(p), "%s.reply.root", path);
		if ((err = add_post_view(c, jr_get(reply, "root"), p)))
			return err;
	}
	return CIB_OK;
}

static enum cib_err read_item(struct jr_ctx *c, const cJSON *v,
			      const char *pre)
{
	const cJSON *feed = jr_get(v, "feed"), *posts = jr_get(v, "posts"), *e;
	char path[96];
	enum cib_err err;
	int i = 0;

	if (cJSON_IsArray(feed)) {
		cJSON_ArrayForEach(e, feed)
		{
			snprintf(path, sizeof(path), "%sfeed[%d]", pre, i++);
			if ((err = read_feed_item(c, e, path)))
				return err;
		}
		return CIB_OK;
	}
	if (cJSON_IsArray(posts)) {
		cJSON_ArrayForEach(e, posts)
		{
			snprintf(path, sizeof(path), "%sposts[%d]", pre, i++);
			if ((err = add_post_view(c, e, path)))
				return err;
		}
		return CIB_OK;
	}
	if (jr_get(v, "uri") && jr_get(v, "record")) {
		snprintf(path, sizeof(path), "%.*s", pre[0] ? (int)strlen(pre) - 1 : 0,
			 pre);
		return add_post_view(c, v, path);
	}
	if (cJSON_IsObject(jr_get(v, "post"))) {
		snprintf(path, sizeof(path), "%.*s", pre[0] ? (int)strlen(pre) - 1 : 0,
			 pre);
		return read_feed_item(c, v, path);
	}
	jr_ctx_reset(c);
	jr_path(c, "%s", pre);
	if (feed || posts)
		return jr_report(c, feed ? "feed" : "posts", "expected an array");
	/* an empty last page: {"cursor": ...} or {"feed": []} */
	if (cJSON_IsObject(v) && jr_get(v, "cursor"))
		return CIB_OK;
	return jr_report(c, NULL, "not a Bluesky feed or search page");
}

static enum cib_err on_value(struct ingest *in, const cJSON *v, uint64_t line,
			     void *ctx)
{
	struct jr_ctx *c = ctx;
	enum cib_err err = CIB_OK;

	(void)in;
	c->line = line;
	if (cJSON_IsArray(v)) {
		const cJSON *e;
		int i = 0;
		char pre[32];

		cJSON_ArrayForEach(e, v)
		{
			snprintf(pre, sizeof(pre), "[%d].", i++);
			if ((err = read_item(c, e, pre)))
				break;
		}
		return err;
	}
	return read_item(c, v, "");
}

enum cib_err bluesky_read(struct ingest *in, struct source *src)
{
	struct jr_ctx c;
	enum cib_err err;

	jr_ctx_init(&c, in, 0);
	err = jsonread_values(in, src, on_value, &c);
	jr_ctx_release(&c);
	return err;
}
