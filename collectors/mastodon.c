/* mastodon.c - Mastodon statuses (REST API Status entities), as a JSON
 * array, JSONL, or one status per line.
 *
 * Identity: status ids are local to the instance that served them, which
 * is the same for one export, so post ids stay as given. Account ids are
 * qualified as "user@domain" so the same person seen through two
 * instances is one account: `acct` when it already carries a domain,
 * else `username` + "@" + the host of the account's `url`, else the bare
 * local account id (documented in docs/formats.md). A reblog is a REPOST
 * of the inner status, which is added as a post too. in_reply_to_account_id
 * is local, so a reply's ref_account is resolved through the status's own
 * mentions (or its author, for self-replies) and left unknown otherwise.
 */
#include "mastodon.h"

#include <stdio.h>
#include <string.h>

#include "jsonread.h"

int mastodon_sniff(const char *head, size_t n)
{
	int first = jr_first_char(head, n), score = 0;

	if (first != '{' && first != '[')
		return 0;
	if (jr_has_key(head, n, "account") && jr_has_key(head, n, "acct"))
		score = 60;
	if (score && jr_has_key(head, n, "content"))
		score += 20;
	if (score && (jr_has_key(head, n, "reblogs_count") ||
		      jr_has_key(head, n, "favourites_count") ||
		      jr_has_key(head, n, "in_reply_to_account_id")))
		score += 15;
	return score;
}

/* Host part of an http(s) URL, copied into the context. */
static const char *url_host(struct jr_ctx *c, const char *url)
{
	const char *p, *e;

	if (!url)
		return NULL;
	p = strstr(url, "://");
	if (!p)
		return NULL;
	p += 3;
	e = p + strcspn(p, "/:?#");
	return e > p ? jr_dup(c, p, (size_t)(e - p)) : NULL;
}

/* The qualified id of an account-like object (Account or Mention). */
static const char *qualified(struct jr_ctx *c, const cJSON *a)
{
	const char *acct = jr_str(c, a, "acct");
	const char *user = jr_str(c, a, "username");
	const char *host = url_host(c, jr_str(c, a, "url"));

	if (acct && strchr(acct, '@'))
		return acct;
	if (!user)
		user = acct;
	if (user && host)
		return jr_fmt(c, "%s@%s", user, host);
	return jr_id(c, a, "id");
}

static enum cib_err add_account(struct jr_ctx *c, const cJSON *a,
				const char **id_out)
{
	struct account_rec r;

	account_rec_init(&r);
	r.platform = PLATFORM_MASTODON;
	r.id = qualified(c, a);
	r.handle = jr_str(c, a, "acct");
	r.name = jr_str(c, a, "display_name");
	r.description = jr_html_text(c, jr_str(c, a, "note") ?
						jr_str(c, a, "note") : "", 0);
	r.created = jr_time(c, a, "created_at", JR_TIME_ISO, NULL);
	r.followers = jr_count(c, a, "followers_count");
	r.following = jr_count(c, a, "following_count");
	*id_out = r.id;
	if (c->bad || !r.id)
		return CIB_OK; /* reported with the status */
	return jr_add_account(c, &r);
}

static enum cib_err add_status(struct jr_ctx *c, const cJSON *s,
			       const char *path, int depth)
{
	struct post_rec r;
	const cJSON *acc, *reblog, *arr, *e, *card, *app;
	const char *content, *reply_acc;
	enum cib_err err;

	jr_ctx_reset(c);
	jr_path(c, "%s", path);
	if (!cJSON_IsObject(s))
		return jr_report(c, NULL, "expected a status object");
	post_rec_init(&r);
	r.platform = PLATFORM_MASTODON;
	r.id = jr_id(c, s, "id");
	r.time = jr_time(c, s, "created_at", JR_TIME_ISO, NULL);
	acc = jr_obj(c, s, "account");
	if (!acc && !c->bad)
		return jr_report(c, "account", "missing account");
	if ((err = add_account(c, acc, &r.account_id)))
		return err;
	reblog = jr_obj(c, s, "reblog");
	if (reblog) {
		const cJSON *ra = jr_obj(c, reblog, "account");

		r.kind = POST_REPOST;
		r.ref_post = jr_id(c, reblog, "id");
		r.ref_account = ra ? qualified(c, ra) : NULL;
	} else if (jr_get(s, "in_reply_to_id")) {
		r.kind = POST_REPLY;
		r.ref_post = jr_id(c, s, "in_reply_to_id");
		reply_acc = jr_id(c, s, "in_reply_to_account_id");
		if (reply_acc && jr_id(c, acc, "id") &&
		    strcmp(reply_acc, jr_id(c, acc, "id")) == 0)
			r.ref_account = r.account_id;
		arr = jr_arr(c, s, "mentions");
		cJSON_ArrayForEach(e, arr)
		{
			const char *mid = jr_id(c, e, "id");

			if (reply_acc && mid && strcmp(mid, reply_acc) == 0)
				r.ref_account = qualified(c, e);
		}
	}
	/* a reblog wrapper's own content is empty: the text is the inner
	 * status's, kept there */
	content = jr_str(c, s, "content");
	if (content && *content)
		r.text = jr_html_text(c, content, 1);
	r.lang = jr_str(c, s, "language");
	app = jr_obj(c, s, "application");
	r.client = jr_str(c, app, "name");
	card = jr_obj(c, s, "card");
	jr_ent(c, ENT_URL, jr_str(c, card, "url"));
	arr = jr_arr(c, s, "tags");
	cJSON_ArrayForEach(e, arr)
		jr_ent(c, ENT_HASHTAG, jr_str(c, e, "name"));
	arr = jr_arr(c, s, "mentions");
	cJSON_ArrayForEach(e, arr)
		jr_ent(c, ENT_MENTION, qualified(c, e));
	r.likes = jr_count(c, s, "favourites_count");
	r.reposts = jr_count(c, s, "reblogs_count");
	r.replies = jr_count(c, s, "replies_count");
	r.quotes = COUNT_NONE;
	if ((err = jr_add_post(c, &r, "id", "account", "created_at")))
		return err;
	if (reblog && depth == 0) {
		char p[128];

		snprintf(p, sizeof(p), "%s%sreblog", path, path[0] ? "." : "");
		return add_status(c, reblog, p, depth + 1);
	}
	return CIB_OK;
}

static enum cib_err status_item(void *ctx, const cJSON *item,
				const char *path)
{
	return add_status(ctx, item, path, 0);
}

static enum cib_err on_value(struct ingest *in, const cJSON *v, uint64_t line,
			     void *ctx)
{
	struct jr_ctx *c = ctx;

	(void)in;
	c->line = line;
	return jr_each_item(v, status_item, c);
}

enum cib_err mastodon_read(struct ingest *in, struct source *src)
{
	struct jr_ctx c;
	enum cib_err err;

	jr_ctx_init(&c, in, 0);
	err = jsonread_values(in, src, on_value, &c);
	jr_ctx_release(&c);
	return err;
}
