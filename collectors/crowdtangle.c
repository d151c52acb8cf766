/* crowdtangle.c - Meta CrowdTangle historical-data CSV exports (Facebook
 * Pages, Facebook Groups, Instagram) into the dataset.
 *
 * Columns are found by name, with the synonyms the export used over the
 * years ("Post Created" / "Created", "Page Name" / "Group Name" /
 * "Account", "Followers at Posting" / "Likes at Posting" / "Members at
 * Posting"). Every row is one post and one observation of the page, group
 * or account that posted it.
 *
 * Identity. The account is "Facebook Id" when present (stable across
 * renames), else "User Name" (Instagram exports have no numeric id). The
 * post id is the post URL without scheme, "www."/"m." and trailing "/":
 * the export has no post id column and the URL is the one field that is
 * both unique and stable across exports. The platform is Instagram when the
 * URL's host is instagram.com, else Facebook.
 *
 * Times. "Post Created" carries a zone abbreviation ("2021-03-01 12:34:56
 * EST"), read with timefmt_parse_zoned(); without one it is taken as UTC.
 * The text is "Message", or for Instagram (no Message column) the caption
 * in "Description". CrowdTangle gives no reshare structure, so every post is POST_ORIGINAL;
 * "Likes"/"Shares"/"Comments" become likes/reposts/replies.
 */
#include "crowdtangle.h"

#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "core/timefmt.h"

enum ct_col {
	K_NAME,
	K_USER,
	K_FBID,
	K_DESCRIPTION,
	K_COUNTRY,
	K_PAGE_CREATED,
	K_FOLLOWERS,
	K_PAGE_LIKES,
	K_MEMBERS,
	K_CREATED,
	K_CREATED_DATE,
	K_CREATED_TIME,
	K_LIKES,
	K_COMMENTS,
	K_SHARES,
	K_URL,
	K_MESSAGE,
	K_LINK,
	K_FINAL_LINK,
	K_CAPTION,
	K__COUNT
};

/* Accepted header names per column, first match wins; NULL ends a row. */
static const char *const col_names[][4] = {
	[K_NAME] = { "Page Name", "Group Name", "Account", "Name" },
	[K_USER] = { "User Name", NULL },
	[K_FBID] = { "Facebook Id", NULL },
	[K_DESCRIPTION] = { "Page Description", "Group Description", NULL },
	[K_COUNTRY] = { "Page Admin Top Country", NULL },
	[K_PAGE_CREATED] = { "Page Created", "Group Created", NULL },
	[K_FOLLOWERS] = { "Followers at Posting", NULL },
	[K_PAGE_LIKES] = { "Likes at Posting", "Page Likes at Posting", NULL },
	[K_MEMBERS] = { "Members at Posting", NULL },
	[K_CREATED] = { "Post Created", "Created", NULL },
	[K_CREATED_DATE] = { "Post Created Date", NULL },
	[K_CREATED_TIME] = { "Post Created Time", NULL },
	[K_LIKES] = { "Likes", NULL },
	[K_COMMENTS] = { "Comments", NULL },
	[K_SHARES] = { "Shares", NULL },
	[K_URL] = { "URL", NULL },
	[K_MESSAGE] = { "Message", NULL },
	[K_LINK] = { "Link", NULL },
	[K_FINAL_LINK] = { "Final Link", NULL },
	[K_CAPTION] = { "Description", NULL },
};
_Static_assert(sizeof(col_names) / sizeof(col_names[0]) == K__COUNT,
	       "header names for every column");

/* Longest account id / post id accepted. */
#define CT_MAX_ID 512

struct ct {
	struct ingest *in;
	const struct csvread *r;
	int col[K__COUNT];
	char idbuf[CT_MAX_ID + 1];
};

static const char *fld(const struct ct *c, const struct csvrec *rec,
		       enum ct_col k, size_t *len)
{
	int i = c->col[k];

	if (i < 0) {
		*len = 0;
		return "";
	}
	*len = rec->len[i];
	return rec->f[i];
}

static const char *opt(const struct ct *c, const struct csvrec *rec,
		       enum ct_col k)
{
	size_t n;
	const char *s = fld(c, rec, k, &n);

	return n ? s : NULL;
}

/* The header's own name for column k (e.g. "Group Name"). */
static const char *colname(const struct ct *c, enum ct_col k)
{
	return c->col[k] >= 0 ? csvread_colname(c->r, c->col[k])
			      : col_names[k][0];
}

static enum cib_err bad_value(struct ct *c, const struct csvrec *rec,
			      enum ct_col k)
{
	size_t n;
	const char *s = fld(c, rec, k, &n);
	const char *name = colname(c, k);
	int64_t t;

	if ((k == K_CREATED || k == K_CREATED_DATE || k == K_PAGE_CREATED) &&
	    timefmt_parse_any(s, n, &t, NULL) == TIMEFMT_OUT_OF_RANGE)
		return ingest_bad(c->in, rec->line, name, "%s: %s '%.*s'",
				  TIMEFMT_RANGE_MSG, name,
				  n > 40 ? 40 : (int)n, s);
	return ingest_bad(c->in, rec->line, name, "bad %s: '%.*s%s'", name,
			  n > 40 ? 40 : (int)n, s, n > 40 ? "..." : "");
}

static int starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncmp(s, p, k) == 0;
}

/* Post id from the URL (see the file comment); -1 when it is no URL. */
static int post_id_from_url(const char *s, size_t n, char *out,
			    enum platform *plat)
{
	size_t i = 0, host_end;

	if (starts(s, n, "https://"))
		i = 8;
	else if (starts(s, n, "http://"))
		i = 7;
	else
		return -1;
	if (starts(s + i, n - i, "www."))
		i += 4;
	else if (starts(s + i, n - i, "m."))
		i += 2;
	while (n > i && s[n - 1] == '/')
		n--;
	if (n - i == 0 || n - i > CT_MAX_ID)
		return -1;
	for (size_t k = i; k < n; k++)
		if ((unsigned char)s[k] <= ' ')
			return -1;
	host_end = i;
	while (host_end < n && s[host_end] != '/')
		host_end++;
	*plat = (host_end - i >= 13 &&
		 memcmp(s + host_end - 13, "instagram.com", 13) == 0)
			? PLATFORM_INSTAGRAM
			: PLATFORM_FACEBOOK;
	memcpy(out, s + i, n - i);
	out[n - i] = '\0';
	return 0;
}

/* "Post Created" with zone, or ISO without (UTC). */
static int parse_time(const char *s, size_t n, int64_t *t)
{
	if (timefmt_parse_zoned(s, n, t) == 0)
		return 0;
	return timefmt_parse_iso(s, n, t, NULL);
}

static enum cib_err fatal(struct ct *c, const struct csvrec *rec,
			  enum cib_err err)
{
	ingest_fail(c->in, "line %llu: %s", (unsigned long long)rec->line,
		    cib_strerror(err));
	return err;
}

static enum cib_err on_row(void *ctx, const struct csvrec *rec)
{
	struct ct *c = ctx;
	struct account_rec acc;
	struct post_rec post;
	const char *s, *ents[2];
	enum entity_type etypes[2] = { ENT_URL, ENT_URL };
	size_t n;
	int64_t v;
	enum cib_err err;

	post_rec_init(&post);
	account_rec_init(&acc);

	s = fld(c, rec, K_URL, &n);
	if (n == 0)
		return ingest_bad(c->in, rec->line, "URL",
				  "missing URL: empty field");
	if (post_id_from_url(s, n, c->idbuf, &post.platform))
		return bad_value(c, rec, K_URL);
	post.id = c->idbuf;
	acc.platform = post.platform;

	s = fld(c, rec, K_FBID, &n);
	if (n == 0)
		s = fld(c, rec, K_USER, &n);
	if (n == 0)
		return ingest_bad(c->in, rec->line, "Facebook Id",
				  "missing account id: empty Facebook Id and "
				  "User Name");
	if (n > CT_MAX_ID)
		return bad_value(c, rec, c->col[K_FBID] >= 0 ? K_FBID : K_USER);
	acc.id = s;
	post.account_id = s;

	s = fld(c, rec, K_CREATED, &n);
	if (n) {
		if (parse_time(s, n, &post.time))
			return bad_value(c, rec, K_CREATED);
	} else {
		/* older exports: date and time apart, zone unstated (UTC) */
		char buf[64];
		size_t nd, nt;
		const char *d = fld(c, rec, K_CREATED_DATE, &nd);
		const char *t = fld(c, rec, K_CREATED_TIME, &nt);

		if (nd == 0)
			return ingest_bad(c->in, rec->line, "Post Created",
					  "missing Post Created: empty field");
		if (nd + nt + 2 > sizeof(buf))
			return bad_value(c, rec, K_CREATED_DATE);
		memcpy(buf, d, nd);
		n = nd;
		if (nt) {
			buf[n++] = ' ';
			memcpy(buf + n, t, nt);
			n += nt;
		}
		if (parse_time(buf, n, &post.time))
			return bad_value(c, rec, K_CREATED_DATE);
	}
	acc.seen_at = post.time;

	acc.handle = opt(c, rec, K_USER);
	acc.name = opt(c, rec, K_NAME);
	acc.description = opt(c, rec, K_DESCRIPTION);
	acc.location = opt(c, rec, K_COUNTRY);
	s = fld(c, rec, K_PAGE_CREATED, &n);
	if (n && parse_time(s, n, &acc.created))
		return bad_value(c, rec, K_PAGE_CREATED);
	/* audience: followers, else page likes, else group members */
	{
		static const enum ct_col aud[3] = { K_FOLLOWERS, K_PAGE_LIKES,
						    K_MEMBERS };

		for (int k = 0; k < 3; k++) {
			s = fld(c, rec, aud[k], &n);
			if (csvread_parse_count(s, n, &v))
				return bad_value(c, rec, aud[k]);
			if (v != COUNT_NONE && acc.followers == COUNT_NONE)
				acc.followers = v;
		}
	}

	/* Instagram exports have no Message: the caption is "Description"
	 * (in Facebook exports that is the shared link's blurb) */
	post.text = c->col[K_MESSAGE] >= 0 ? opt(c, rec, K_MESSAGE)
					   : opt(c, rec, K_CAPTION);
	s = fld(c, rec, K_LIKES, &n);
	if (csvread_parse_count(s, n, &post.likes))
		return bad_value(c, rec, K_LIKES);
	s = fld(c, rec, K_SHARES, &n);
	if (csvread_parse_count(s, n, &post.reposts))
		return bad_value(c, rec, K_SHARES);
	s = fld(c, rec, K_COMMENTS, &n);
	if (csvread_parse_count(s, n, &post.replies))
		return bad_value(c, rec, K_COMMENTS);
	post.kind = POST_ORIGINAL;

	/* the shared link, and where it finally led when that differs */
	{
		size_t nl, nf;
		const char *l = fld(c, rec, K_LINK, &nl);
		const char *f = fld(c, rec, K_FINAL_LINK, &nf);

		if (nl)
			ents[post.n_ent++] = l;
		if (nf && (nf != nl || memcmp(f, l, nf) != 0))
			ents[post.n_ent++] = f;
	}
	post.ent_str = ents;
	post.ent_type = etypes;

	err = ingest_add_account(c->in, &acc);
	if (!err)
		err = ingest_add_post(c->in, &post);
	if (err)
		return fatal(c, rec, err);
	return CIB_OK;
}

static enum cib_err on_header(void *ctx, struct csvread *r)
{
	struct ct *c = ctx;

	for (int k = 0; k < K__COUNT; k++) {
		c->col[k] = -1;
		for (int j = 0; j < 4 && col_names[k][j]; j++) {
			c->col[k] = csvread_col(r, col_names[k][j]);
			if (c->col[k] >= 0)
				break;
		}
	}
	if (c->col[K_URL] < 0) {
		ingest_fail(c->in, "line %llu: missing required column 'URL' "
				   "in the header",
			    (unsigned long long)r->header_line);
		return CIB_EFORMAT;
	}
	if (c->col[K_FBID] < 0 && c->col[K_USER] < 0) {
		ingest_fail(c->in, "line %llu: missing required column "
				   "'Facebook Id' or 'User Name' in the header",
			    (unsigned long long)r->header_line);
		return CIB_EFORMAT;
	}
	if (c->col[K_CREATED] < 0 && c->col[K_CREATED_DATE] < 0) {
		ingest_fail(c->in, "line %llu: missing required column "
				   "'Post Created' in the header",
			    (unsigned long long)r->header_line);
		return CIB_EFORMAT;
	}
	return CIB_OK;
}

enum cib_err crowdtangle_read(struct ingest *in, struct source *src)
{
	struct ct c;
	struct csvread r;
	enum cib_err err;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.r = &r;
	csvread_init(&r, in, src);
	err = csvread_run(&r, on_header, on_row, &c);
	csvread_release(&r);
	return err;
}

int crowdtangle_sniff(const char *head, size_t n)
{
	static const char *const req1[] = { "URL", "User Name", "Post Created",
					    NULL };
	static const char *const req2[] = { "URL", "User Name", "Created",
					    NULL };
	static const char *const typ[] = {
		"Facebook Id", "Page Name", "Group Name", "Account",
		"Likes at Posting", "Followers at Posting",
		"Members at Posting", "Type", "Likes", "Comments", "Shares",
		"Message", "Link", "Total Interactions", NULL
	};
	int a = csvread_sniff(head, n, req1, typ, NULL);
	int b = csvread_sniff(head, n, req2, typ, NULL);

	return a > b ? a : b;
}
