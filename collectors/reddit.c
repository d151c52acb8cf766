/* reddit.c - Reddit listings: {kind: "Listing", data: {children: [...]}},
 * an array of them (a comments page is [link listing, comment listing]),
 * bare things ({kind: "t1"|"t3", data}), or one per line.
 *
 * Post id is the fullname ("t3_abc", "t1_def"), account id the username
 * (`author`: always present, unlike author_fullname, and what mentions and
 * moderators use). A comment (t1) is a REPLY to parent_id; its nested
 * `replies` listing is walked too, to REDDIT_MAX_DEPTH. "[deleted]" and
 * "[removed]" authors are not accounts: merging them would make one giant
 * fake account whose posts all read "[deleted]", which looks exactly like
 * copy-paste coordination, so such things are skipped and counted as
 * malformed records with the reason "deleted author". "more" stubs
 * (comments not loaded) carry no post and are passed over.
 */
#include "reddit.h"

#include <stdio.h>
#include <string.h>

#include "jsonread.h"

#define REDDIT_MAX_DEPTH 200

int reddit_sniff(const char *head, size_t n)
{
	int first = jr_first_char(head, n), score = 0;

	if (first != '{' && first != '[')
		return 0;
	if (jr_has_key(head, n, "kind") &&
	    (jr_has(head, n, "\"Listing\"") || jr_has(head, n, "\"t3\"") ||
	     jr_has(head, n, "\"t1\"")))
		score = 60;
	if (score && jr_has_key(head, n, "subreddit"))
		score += 30;
	if (score && jr_has_key(head, n, "children"))
		score += 5;
	return score;
}

static enum cib_err read_thing(struct jr_ctx *c, const cJSON *t,
			       const char *path, int depth);

/* Reddit's JSON escapes &, < and > in titles and bodies as HTML entities
 * (unless fetched with raw_json=1); undo exactly those three. */
static const char *unescape(struct jr_ctx *c, const char *s)
{
	static const struct {
		const char *ent;
		char ch;
	} map[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' } };
	char *o;
	size_t n, k = 0;

	if (!s || !strchr(s, '&'))
		return s;
	n = strlen(s);
	o = (char *)jr_dup(c, s, n);
	if (!o)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t m, used = 0;

		for (m = 0; m < 3 && !used; m++)
			if (strncmp(s + i, map[m].ent, strlen(map[m].ent)) == 0) {
				o[k++] = map[m].ch;
				used = strlen(map[m].ent);
			}
		if (!used) {
			o[k++] = s[i];
			used = 1;
		}
		i += used;
	}
	o[k] = '\0';
	return o;
}

static enum cib_err read_listing(struct jr_ctx *c, const cJSON *l,
				 const char *path, int depth)
{
	const cJSON *data, *children, *e;
	char p[96];
	int i = 0;
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	data = jr_obj(c, l, "data");
	children = jr_arr(c, data, "children");
	if (c->bad)
		return jr_report(c, NULL, "");
	cJSON_ArrayForEach(e, children)
	{
		snprintf(p, sizeof(p), "%s%sdata.children[%d]", path,
			 path[0] ? "." : "", i++);
		if ((err = read_thing(c, e, p, depth)))
			return err;
	}
	return CIB_OK;
}

static enum cib_err add_post(struct jr_ctx *c, const char *kind,
			     const cJSON *d)
{
	struct post_rec r;
	struct account_rec a;
	const char *title, *self, *name, *id, *url;
	enum cib_err err;
	int is_self;

	post_rec_init(&r);
	account_rec_init(&a);
	r.platform = a.platform = PLATFORM_REDDIT;
	name = jr_str(c, d, "name");
	id = jr_id(c, d, "id");
	r.id = name ? name : id ? jr_fmt(c, "%s_%s", kind, id) : NULL;
	r.account_id = jr_str(c, d, "author");
	r.time = jr_time(c, d, "created_utc", JR_TIME_UNIX, NULL);
	if (c->bad)
		return jr_report(c, NULL, "");
	if (r.account_id && (strcmp(r.account_id, "[deleted]") == 0 ||
			     strcmp(r.account_id, "[removed]") == 0))
		return jr_report(c, "author", "deleted author");
	if (kind[1] == '3') {
		title = unescape(c, jr_str(c, d, "title"));
		self = unescape(c, jr_str(c, d, "selftext"));
		if (title && self && *self)
			r.text = jr_fmt(c, "%s\n\n%s", title, self);
		else
			r.text = title ? title : self;
		is_self = jr_bool(c, d, "is_self");
		url = jr_str(c, d, "url");
		if (is_self != 1)
			jr_ent(c, ENT_URL, url);
		r.ref_post = jr_str(c, d, "crosspost_parent");
		if (r.ref_post)
			r.kind = POST_REPOST;
		r.replies = jr_count(c, d, "num_comments");
	} else {
		r.text = unescape(c, jr_str(c, d, "body"));
		r.kind = POST_REPLY;
		r.ref_post = jr_str(c, d, "parent_id");
	}
	r.likes = jr_count(c, d, "ups");
	if (r.likes == COUNT_NONE)
		r.likes = jr_count(c, d, "score");
	a.id = r.account_id;
	a.handle = r.account_id;
	if (!c->bad && (err = jr_add_account(c, &a)))
		return err;
	return jr_add_post(c, &r, "name", "author", "created_utc");
}

static enum cib_err read_thing(struct jr_ctx *c, const cJSON *t,
			       const char *path, int depth)
{
	const char *kind;
	const cJSON *d, *replies;
	char p[96];
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(t))
		return jr_report(c, NULL, "expected a thing object");
	kind = jr_str(c, t, "kind");
	if (c->bad)
		return jr_report(c, NULL, "");
	if (!kind)
		return jr_report(c, "kind", "missing kind");
	if (strcmp(kind, "Listing") == 0) {
		if (depth >= REDDIT_MAX_DEPTH)
			return jr_report(c, NULL, "listings nested too deep");
		return read_listing(c, t, path, depth + 1);
	}
	if (strcmp(kind, "more") == 0)
		return CIB_OK;
	if (strcmp(kind, "t1") != 0 && strcmp(kind, "t3") != 0)
		return jr_report(c, "kind", "unsupported kind (not t1, t3)");
	d = jr_obj(c, t, "data");
	if (!d)
		return jr_report(c, "data", "missing data");
	jr_path(c, "%s%sdata", path, path[0] ? "." : "");
	if ((err = add_post(c, kind, d)))
		return err;
	replies = jr_get(d, "replies");
	if (cJSON_IsObject(replies)) {
		if (depth >= REDDIT_MAX_DEPTH) {
			jr_ctx_reset(c);
			jr_path(c, "%s.data.replies", path);
			return jr_report(c, NULL, "replies nested too deep");
		}
		snprintf(p, sizeof(p), "%s%sdata.replies", path,
			 path[0] ? "." : "");
		return read_listing(c, replies, p, depth + 1);
	}
	return CIB_OK;
}

static enum cib_err thing_item(void *ctx, const cJSON *item, const char *path)
{
	return read_thing(ctx, item, path, 0);
}

static enum cib_err on_value(struct ingest *in, const cJSON *v, uint64_t line,
			     void *ctx)
{
	struct jr_ctx *c = ctx;

	(void)in;
	c->line = line;
	return jr_each_item(v, thing_item, c);
}

enum cib_err reddit_read(struct ingest *in, struct source *src)
{
	struct jr_ctx c;
	enum cib_err err;

	jr_ctx_init(&c, in, 0);
	err = jsonread_values(in, src, on_value, &c);
	jr_ctx_release(&c);
	return err;
}
