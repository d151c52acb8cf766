/* platforms.c - the synth modes' accounts and posts in each platform's
 * own shape (platforms.h).
 *
 * A post's text is its core text; each writer shows its entities the way
 * the platform does: mentions first ("@h " as typed in a reply or a
 * click-to-tweet), links after the text (X shows t.co links and gives the
 * expanded URL in entities; Mastodon an <a href>; Bluesky a link facet
 * with byte offsets), hashtags last. Timelines are written newest first,
 * as the APIs return them, in pages of at most 100 (X, Bluesky).
 * Invariant: every value written is valid JSON; ids are strings.
 */
#include "platforms.h"

#include <stdio.h>
#include <string.h>

#include "srng.h"

#define TEXT_CAP 4096
#define MASTODON_ORIGIN "mastodon.social"

static const char *kind_name(enum spkind k)
{
	static const char *const n[] = { "original", "repost", "reply",
					 "quote" };

	return n[k];
}

/* a stable t.co code for a URL in a post */
static void tco(const char *url, const char *pid, char out[40])
{
	static const char al[] =
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	uint64_t h = 1469598103934665603ULL;
	char code[11];

	for (const char *s = url; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	for (const char *s = pid; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h = srng_mix(h);
	for (int i = 0; i < 10; i++) {
		code[i] = al[h % 62];
		h /= 62;
	}
	code[10] = 0;
	snprintf(out, 40, "https://t.co/%s", code);
}

struct txt {
	char b[TEXT_CAP];
	size_t n;
};

static void tx_add(struct txt *t, const char *s)
{
	size_t l = strlen(s);

	if (t->n + l >= sizeof(t->b))
		return;
	memcpy(t->b + t->n, s, l);
	t->n += l;
	t->b[t->n] = 0;
}

/* X display text: mentions, core, t.co links, hashtags. */
static void x_text(const struct spost *p, struct txt *t)
{
	char l[40];

	t->n = 0;
	t->b[0] = 0;
	if (p->kind == SPK_REPOST && p->ref) {
		tx_add(t, "RT @");
		tx_add(t, p->ref->handle);
		tx_add(t, ": ");
		tx_add(t, p->ref->text);
		return;
	}
	for (int i = 0; i < p->nment; i++) {
		tx_add(t, "@");
		tx_add(t, p->ments[i].handle);
		tx_add(t, " ");
	}
	tx_add(t, p->text ? p->text : "");
	for (int i = 0; i < p->nurl; i++) {
		tco(p->urls[i], p->id, l);
		tx_add(t, " ");
		tx_add(t, l);
	}
	for (int i = 0; i < p->ntag; i++) {
		tx_add(t, " #");
		tx_add(t, p->tags[i]);
	}
}

static void jarr(struct sout *w, const char *key, const char *const *v, int n)
{
	if (!n)
		return;
	sout_printf(w, ",\"%s\":[", key);
	for (int i = 0; i < n; i++) {
		if (i)
			sout_put(w, ",", 1);
		sout_json(w, v[i]);
	}
	sout_put(w, "]", 1);
}

static void jtime(struct sout *w, int comma, const char *key, int64_t t, int ms)
{
	sout_printf(w, "%s\"%s\":\"", comma ? "," : "", key);
	if (ms)
		sout_iso_ms(w, t);
	else
		sout_iso(w, t);
	sout_put(w, "\"", 1);
}

/* ------------------------------------------------------ normalised JSONL */

void platforms_jsonl(struct sout *w, const struct sacct *a,
		     const struct spost *const *posts, size_t n)
{
	const char *pl = world_plat_name(a->plat);
	struct txt t;

	sout_printf(w, "{\"type\":\"account\",\"platform\":\"%s\"", pl);
	sout_jkv(w, 1, "id", a->id);
	sout_jkv(w, 1, "handle", a->handle);
	sout_jkv(w, 1, "name", a->switch_t ? a->old_name : a->name);
	sout_jkv(w, 1, "description", a->switch_t ? a->old_desc : a->desc);
	if (a->loc[0])
		sout_jkv(w, 1, "location", a->loc);
	if (a->lang[0])
		sout_jkv(w, 1, "lang", a->lang);
	jtime(w, 1, "created_at", a->created, 0);
	sout_printf(w, ",\"followers\":%u,\"following\":%u}\n", a->followers,
		    a->following);
	if (a->switch_t) {
		static const char *const f[2] = { "name", "description" };
		const char *ov[2] = { a->old_name, a->old_desc },
			   *nv[2] = { a->name, a->desc };

		for (int i = 0; i < 2; i++) {
			if (strcmp(ov[i], nv[i]) == 0)
				continue;
			sout_printf(w, "{\"type\":\"change\",\"platform\":\"%s\"", pl);
			sout_jkv(w, 1, "account_id", a->id);
			sout_jkv(w, 1, "field", f[i]);
			sout_jkv(w, 1, "old", ov[i]);
			sout_jkv(w, 1, "new", nv[i]);
			jtime(w, 1, "time", a->switch_t, 0);
			sout_puts(w, "}\n");
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct spost *p = posts[i];
		const char *m[3];

		x_text(p, &t);
		sout_printf(w, "{\"type\":\"post\",\"platform\":\"%s\"", pl);
		sout_jkv(w, 1, "id", p->id);
		sout_jkv(w, 1, "account_id", a->id);
		jtime(w, 1, "time", p->t, 0);
		sout_jkv(w, 1, "text", t.b);
		if (p->lang && *p->lang)
			sout_jkv(w, 1, "lang", p->lang);
		sout_jkv(w, 1, "kind", kind_name(p->kind));
		if (p->ref) {
			sout_jkv(w, 1, "ref_post", p->ref->id);
			sout_jkv(w, 1, "ref_account", p->ref->acct_id);
		}
		if (p->client)
			sout_jkv(w, 1, "client", p->client);
		sout_printf(w, ",\"likes\":%u,\"reposts\":%u,\"replies\":%u",
			    p->likes, p->reposts, p->replies);
		if (p->kind != SPK_REPOST) {
			jarr(w, "urls", p->urls, p->nurl);
			jarr(w, "hashtags", p->tags, p->ntag);
			for (int k = 0; k < p->nment; k++)
				m[k] = p->ments[k].handle;
			jarr(w, "mentions", m, p->nment);
		}
		sout_puts(w, "}\n");
	}
}

/* --------------------------------------------------------- X API v2 */

static void xapi_tweet(struct sout *w, const struct sacct *a,
		       const struct spost *p)
{
	struct txt t;
	char l[40];

	x_text(p, &t);
	sout_put(w, "{", 1);
	sout_jkv(w, 0, "id", p->id);
	sout_jkv(w, 1, "author_id", a->id);
	jtime(w, 1, "created_at", p->t, 1);
	sout_jkv(w, 1, "text", t.b);
	if (p->lang && *p->lang)
		sout_jkv(w, 1, "lang", p->lang);
	if (p->client)
		sout_jkv(w, 1, "source", p->client);
	sout_printf(w, ",\"public_metrics\":{\"retweet_count\":%u,"
		       "\"reply_count\":%u,\"like_count\":%u,"
		       "\"quote_count\":0}",
		    p->reposts, p->replies, p->likes);
	if (p->kind != SPK_REPOST && (p->nurl || p->ntag || p->nment)) {
		int c = 0;

		sout_puts(w, ",\"entities\":{");
		if (p->nurl) {
			sout_puts(w, "\"urls\":[");
			for (int i = 0; i < p->nurl; i++) {
				tco(p->urls[i], p->id, l);
				sout_printf(w, "%s{", i ? "," : "");
				sout_jkv(w, 0, "url", l);
				sout_jkv(w, 1, "expanded_url", p->urls[i]);
				sout_put(w, "}", 1);
			}
			sout_put(w, "]", 1);
			c = 1;
		}
		if (p->ntag) {
			sout_printf(w, "%s\"hashtags\":[", c ? "," : "");
			for (int i = 0; i < p->ntag; i++) {
				sout_printf(w, "%s{", i ? "," : "");
				sout_jkv(w, 0, "tag", p->tags[i]);
				sout_put(w, "}", 1);
			}
			sout_put(w, "]", 1);
			c = 1;
		}
		if (p->nment) {
			sout_printf(w, "%s\"mentions\":[", c ? "," : "");
			for (int i = 0; i < p->nment; i++) {
				sout_printf(w, "%s{", i ? "," : "");
				sout_jkv(w, 0, "username", p->ments[i].handle);
				sout_jkv(w, 1, "id", p->ments[i].id);
				sout_put(w, "}", 1);
			}
			sout_put(w, "]", 1);
		}
		sout_put(w, "}", 1);
	}
	if (p->ref) {
		sout_printf(w, ",\"referenced_tweets\":[{\"type\":\"%s\",",
			    p->kind == SPK_REPOST  ? "retweeted"
			    : p->kind == SPK_REPLY ? "replied_to"
						   : "quoted");
		sout_jkv(w, 0, "id", p->ref->id);
		sout_put(w, "}]", 2);
		if (p->kind == SPK_REPLY)
			sout_jkv(w, 1, "in_reply_to_user_id", p->ref->acct_id);
	}
	sout_put(w, "}", 1);
}

void platforms_xapi(struct sout *w, const struct sacct *a,
		    const struct spost *const *posts, size_t n)
{
	size_t end = n;

	do {
		size_t beg = end > 100 ? end - 100 : 0, nref = 0;

		sout_puts(w, "{\"data\":[");
		for (size_t i = end; i > beg; i--) {
			if (i != end)
				sout_put(w, ",", 1);
			xapi_tweet(w, a, posts[i - 1]);
			nref += posts[i - 1]->ref != NULL;
		}
		sout_puts(w, "],\"includes\":{\"users\":[{");
		sout_jkv(w, 0, "id", a->id);
		sout_jkv(w, 1, "username", a->handle);
		sout_jkv(w, 1, "name", a->name);
		sout_jkv(w, 1, "description", a->desc);
		if (a->loc[0])
			sout_jkv(w, 1, "location", a->loc);
		jtime(w, 1, "created_at", a->created, 1);
		sout_printf(w, ",\"public_metrics\":{\"followers_count\":%u,"
			       "\"following_count\":%u,\"tweet_count\":%zu,"
			       "\"listed_count\":0}}]",
			    a->followers, a->following, n);
		if (nref) {
			int c = 0;

			sout_puts(w, ",\"tweets\":[");
			for (size_t i = end; i > beg; i--) {
				const struct sref *r = posts[i - 1]->ref;

				if (!r)
					continue;
				sout_printf(w, "%s{", c++ ? "," : "");
				sout_jkv(w, 0, "id", r->id);
				sout_jkv(w, 1, "author_id", r->acct_id);
				jtime(w, 1, "created_at", r->t, 1);
				sout_jkv(w, 1, "text", r->text);
				if (*r->lang)
					sout_jkv(w, 1, "lang", r->lang);
				sout_put(w, "}", 1);
			}
			sout_put(w, "]", 1);
		}
		sout_printf(w, "},\"meta\":{\"result_count\":%zu", end - beg);
		if (end > beg) {
			sout_jkv(w, 1, "newest_id", posts[end - 1]->id);
			sout_jkv(w, 1, "oldest_id", posts[beg]->id);
		}
		sout_puts(w, "}}\n");
		end = beg;
	} while (end > 0);
}

/* ---------------------------------------------------------- Mastodon */

/* HTML text: & < > " escaped */
static void html_put(struct txt *t, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': tx_add(t, "&amp;"); break;
		case '<': tx_add(t, "&lt;"); break;
		case '>': tx_add(t, "&gt;"); break;
		case '"': tx_add(t, "&quot;"); break;
		default: {
			char c[2] = { *s, 0 };

			tx_add(t, c);
		}
		}
	}
}

static const char *host_of(const char *acct_id)
{
	const char *at = strrchr(acct_id, '@');

	return at ? at + 1 : MASTODON_ORIGIN;
}

/* "user" of "user@host" into buf */
static void user_of(const char *acct_id, char *buf, size_t cap)
{
	const char *at = strrchr(acct_id, '@');
	size_t l = at ? (size_t)(at - acct_id) : strlen(acct_id);

	if (l >= cap)
		l = cap - 1;
	memcpy(buf, acct_id, l);
	buf[l] = 0;
}

static void m_account(struct sout *w, const char *acct_id, const char *name,
		      const char *note, int64_t created, uint32_t followers,
		      uint32_t following)
{
	char user[96], url[200], acct[160];
	const char *host = host_of(acct_id);
	uint64_t h = 1469598103934665603ULL;
	struct txt t;

	for (const char *s = acct_id; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	user_of(acct_id, user, sizeof(user));
	snprintf(url, sizeof(url), "https://%s/@%s", host, user);
	if (strcmp(host, MASTODON_ORIGIN) == 0)
		snprintf(acct, sizeof(acct), "%s", user);
	else
		snprintf(acct, sizeof(acct), "%s@%s", user, host);
	sout_printf(w, "{\"id\":\"%llu\"", (unsigned long long)(srng_mix(h) >> 12));
	sout_jkv(w, 1, "username", user);
	sout_jkv(w, 1, "acct", acct);
	sout_jkv(w, 1, "display_name", name);
	t.n = 0;
	t.b[0] = 0;
	tx_add(&t, "<p>");
	html_put(&t, note);
	tx_add(&t, "</p>");
	sout_jkv(w, 1, "note", t.b);
	sout_jkv(w, 1, "url", url);
	jtime(w, 1, "created_at", created, 1);
	sout_printf(w, ",\"followers_count\":%u,\"following_count\":%u}",
		    followers, following);
}

static void m_content(const struct spost *p, struct txt *t)
{
	t->n = 0;
	t->b[0] = 0;
	tx_add(t, "<p>");
	for (int i = 0; i < p->nment; i++) {
		char user[96];

		user_of(p->ments[i].id, user, sizeof(user));
		tx_add(t, "<span class=\"h-card\"><a href=\"https://");
		html_put(t, host_of(p->ments[i].id));
		tx_add(t, "/@");
		html_put(t, user);
		tx_add(t, "\" class=\"u-url mention\">@<span>");
		html_put(t, user);
		tx_add(t, "</span></a></span> ");
	}
	html_put(t, p->text ? p->text : "");
	for (int i = 0; i < p->nurl; i++) {
		tx_add(t, " <a href=\"");
		html_put(t, p->urls[i]);
		tx_add(t, "\" rel=\"nofollow noopener\" target=\"_blank\">");
		html_put(t, p->urls[i]);
		tx_add(t, "</a>");
	}
	for (int i = 0; i < p->ntag; i++) {
		tx_add(t, " <a href=\"https://" MASTODON_ORIGIN "/tags/");
		html_put(t, p->tags[i]);
		tx_add(t, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
		html_put(t, p->tags[i]);
		tx_add(t, "</span></a>");
	}
	tx_add(t, "</p>");
}

void platforms_mastodon(struct sout *w, const struct sacct *a,
			const struct spost *const *posts, size_t n)
{
	struct txt t;

	for (size_t i = n; i > 0; i--) {
		const struct spost *p = posts[i - 1];

		sout_put(w, "{", 1);
		sout_jkv(w, 0, "id", p->id);
		jtime(w, 1, "created_at", p->t, 1);
		sout_puts(w, ",\"visibility\":\"public\",\"sensitive\":false,"
			     "\"spoiler_text\":\"\"");
		if (p->kind == SPK_REPOST && p->ref) {
			const struct sref *r = p->ref;

			sout_puts(w, ",\"content\":\"\",\"in_reply_to_id\":null,"
				     "\"reblog\":{");
			sout_jkv(w, 0, "id", r->id);
			jtime(w, 1, "created_at", r->t, 1);
			t.n = 0;
			t.b[0] = 0;
			tx_add(&t, "<p>");
			html_put(&t, r->text);
			tx_add(&t, "</p>");
			sout_jkv(w, 1, "content", t.b);
			if (*r->lang)
				sout_jkv(w, 1, "language", r->lang);
			sout_puts(w, ",\"account\":");
			m_account(w, r->acct_id, r->name, "", r->acct_created, 0, 0);
			sout_puts(w, ",\"mentions\":[],\"tags\":[]}");
		} else {
			m_content(p, &t);
			sout_jkv(w, 1, "content", t.b);
			if (p->lang && *p->lang)
				sout_jkv(w, 1, "language", p->lang);
			if (p->kind == SPK_REPLY && p->ref) {
				sout_jkv(w, 1, "in_reply_to_id", p->ref->id);
				sout_puts(w, ",\"in_reply_to_account_id\":\"1\"");
			} else {
				sout_puts(w, ",\"in_reply_to_id\":null");
			}
			sout_puts(w, ",\"reblog\":null,\"mentions\":[");
			for (int k = 0; k < p->nment; k++) {
				char user[96], url[200];

				user_of(p->ments[k].id, user, sizeof(user));
				snprintf(url, sizeof(url), "https://%s/@%s",
					 host_of(p->ments[k].id), user);
				sout_printf(w, "%s{\"id\":\"%d\"", k ? "," : "", k + 1);
				sout_jkv(w, 1, "username", user);
				sout_jkv(w, 1, "acct", p->ments[k].id);
				sout_jkv(w, 1, "url", url);
				sout_put(w, "}", 1);
			}
			sout_puts(w, "],\"tags\":[");
			for (int k = 0; k < p->ntag; k++) {
				sout_printf(w, "%s{", k ? "," : "");
				sout_jkv(w, 0, "name", p->tags[k]);
				sout_put(w, "}", 1);
			}
			sout_put(w, "]", 1);
		}
		if (p->client) {
			sout_puts(w, ",\"application\":{");
			sout_jkv(w, 0, "name", p->client);
			sout_put(w, "}", 1);
		}
		sout_printf(w, ",\"replies_count\":%u,\"reblogs_count\":%u,"
			       "\"favourites_count\":%u,\"account\":",
			    p->replies, p->reposts, p->likes);
		m_account(w, a->id, a->name, a->desc, a->created, a->followers,
			  a->following);
		sout_puts(w, "}\n");
	}
}

/* ----------------------------------------------------------- Bluesky */

static void b_author(struct sout *w, const char *did, const char *handle,
		     const char *name, int64_t created)
{
	sout_put(w, "{", 1);
	sout_jkv(w, 0, "did", did);
	sout_jkv(w, 1, "handle", handle);
	sout_jkv(w, 1, "displayName", name);
	jtime(w, 1, "createdAt", created, 1);
	sout_put(w, "}", 1);
}

static void cid_of(const char *uri, char out[64])
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t h = 1469598103934665603ULL;
	int k = 0;

	for (const char *s = uri; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	memcpy(out, "bafyrei", 7);
	k = 7;
	for (int r = 0; r < 4; r++) {
		h = srng_mix(h + (uint64_t)r);
		for (int i = 0; i < 13; i++) {
			out[k++] = al[(h >> (i * 5)) & 31];
		}
	}
	out[k] = 0;
}

/* A repost in an author feed: the reposted post, and who reposted it. */
static void b_repost(struct sout *w, const struct sacct *a,
		     const struct spost *p)
{
	char cid[64];
	const struct sref *r = p->ref;

	cid_of(r->id, cid);
	sout_puts(w, "{\"post\":{");
	sout_jkv(w, 0, "uri", r->id);
	sout_jkv(w, 1, "cid", cid);
	sout_puts(w, ",\"author\":");
	b_author(w, r->acct_id, r->handle, r->name,
		 r->acct_created);
	sout_puts(w, ",\"record\":{\"$type\":\"app.bsky.feed.post\"");
	sout_jkv(w, 1, "text", r->text);
	jtime(w, 1, "createdAt", r->t, 1);
	if (*r->lang)
		sout_printf(w, ",\"langs\":[\"%s\"]", r->lang);
	sout_puts(w, "}");
	jtime(w, 1, "indexedAt", r->t, 1);
	sout_puts(w, "},\"reason\":{\"$type\":"
		     "\"app.bsky.feed.defs#reasonRepost\","
		     "\"by\":");
	b_author(w, a->id, a->handle, a->name, a->created);
	jtime(w, 1, "indexedAt", p->t, 1);
	sout_puts(w, "}}");
}

/* A post of a's own in an author feed: its text with the mentions, links
 * and tags appended, their facets, and what it replies to. */
static void b_post(struct sout *w, const struct sacct *a,
		   const struct spost *p)
{
	char cid[64];
	struct txt t;
	size_t at[8], len[8];
	int nf = 0;

	t.n = 0;
	t.b[0] = 0;
	for (int k = 0; k < p->nment && nf < 8; k++) {
		at[nf] = t.n;
		tx_add(&t, "@");
		tx_add(&t, p->ments[k].handle);
		len[nf] = t.n - at[nf];
		nf++;
		tx_add(&t, " ");
	}
	tx_add(&t, p->text ? p->text : "");
	for (int k = 0; k < p->nurl && nf < 8; k++) {
		tx_add(&t, " ");
		at[nf] = t.n;
		tx_add(&t, p->urls[k]);
		len[nf] = t.n - at[nf];
		nf++;
	}
	for (int k = 0; k < p->ntag && nf < 8; k++) {
		tx_add(&t, " ");
		at[nf] = t.n;
		tx_add(&t, "#");
		tx_add(&t, p->tags[k]);
		len[nf] = t.n - at[nf];
		nf++;
	}
	cid_of(p->id, cid);
	sout_puts(w, "{\"post\":{");
	sout_jkv(w, 0, "uri", p->id);
	sout_jkv(w, 1, "cid", cid);
	sout_puts(w, ",\"author\":");
	b_author(w, a->id, a->handle, a->name, a->created);
	sout_puts(w, ",\"record\":{\"$type\":\"app.bsky.feed.post\"");
	sout_jkv(w, 1, "text", t.b);
	jtime(w, 1, "createdAt", p->t, 1);
	if (p->lang && *p->lang)
		sout_printf(w, ",\"langs\":[\"%s\"]", p->lang);
	if (nf) {
		int f = 0;

		sout_puts(w, ",\"facets\":[");
		for (int k = 0; k < p->nment && f < nf; k++, f++) {
			sout_printf(w, "%s{\"index\":{\"byteStart\":%zu,\"byteEnd\":%zu},"
				       "\"features\":[{\"$type\":\"app.bsky.richtext.facet#mention\",",
				    f ? "," : "", at[f], at[f] + len[f]);
			sout_jkv(w, 0, "did", p->ments[k].id);
			sout_puts(w, "}]}");
		}
		for (int k = 0; k < p->nurl && f < nf; k++, f++) {
			sout_printf(w, "%s{\"index\":{\"byteStart\":%zu,\"byteEnd\":%zu},"
				       "\"features\":[{\"$type\":\"app.bsky.richtext.facet#link\",",
				    f ? "," : "", at[f], at[f] + len[f]);
			sout_jkv(w, 0, "uri", p->urls[k]);
			sout_puts(w, "}]}");
		}
		for (int k = 0; k < p->ntag && f < nf; k++, f++) {
			sout_printf(w, "%s{\"index\":{\"byteStart\":%zu,\"byteEnd\":%zu},"
				       "\"features\":[{\"$type\":\"app.bsky.richtext.facet#tag\",",
				    f ? "," : "", at[f], at[f] + len[f]);
			sout_jkv(w, 0, "tag", p->tags[k]);
			sout_puts(w, "}]}");
		}
		sout_put(w, "]", 1);
	}
	if (p->kind == SPK_REPLY && p->ref) {
		char pc[64];

		cid_of(p->ref->id, pc);
		sout_puts(w, ",\"reply\":{\"root\":{");
		sout_jkv(w, 0, "uri", p->ref->id);
		sout_jkv(w, 1, "cid", pc);
		sout_puts(w, "},\"parent\":{");
		sout_jkv(w, 0, "uri", p->ref->id);
		sout_jkv(w, 1, "cid", pc);
		sout_puts(w, "}}");
	}
	sout_printf(w, "},\"replyCount\":%u,\"repostCount\":%u,"
		       "\"likeCount\":%u,\"quoteCount\":0",
		    p->replies, p->reposts, p->likes);
	jtime(w, 1, "indexedAt", p->t, 1);
	sout_puts(w, "}}");
}

void platforms_bluesky(struct sout *w, const struct sacct *a,
		       const struct spost *const *posts, size_t n)
{
	size_t end = n;

	do {
		size_t beg = end > 100 ? end - 100 : 0;

		sout_puts(w, "{\"feed\":[");
		for (size_t i = end; i > beg; i--) {
			const struct spost *p = posts[i - 1];

			if (i != end)
				sout_put(w, ",", 1);
			if (p->kind == SPK_REPOST && p->ref)
				b_repost(w, a, p);
			else
				b_post(w, a, p);
		}
		sout_puts(w, "]");
		if (beg > 0) {
			sout_puts(w, ",\"cursor\":\"");
			sout_iso_ms(w, posts[beg]->t);
			sout_put(w, "\"", 1);
		}
		sout_puts(w, "}\n");
		end = beg;
	} while (end > 0);
}
