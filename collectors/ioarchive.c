/* ioarchive.c - X/Twitter information-operations archive CSV (tweets and
 * users files) into the dataset.
 *
 * Columns are found by header name (releases differ in order and extras);
 * a missing required column is fatal, unknown columns are ignored. Each
 * tweets row gives one post and one observation of its author's account
 * (seen at the tweet's time, so the dataset records renames and bio edits
 * between rows); each users row gives one account. A row whose id, time or
 * any typed field does not parse is reported with ingest_bad() under a
 * stable reason ("bad tweet_time: '2019-13-01'") and skipped whole: a post
 * with a silently blanked field would look like data. Structural problems
 * (size, NUL bytes, field count, open quotes) are csvread's.
 */
#include "ioarchive.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <xxhash.h>

#include "csvread.h"
#include "core/timefmt.h"

#define IOA_COLUMNS(X)                                   \
	X(TWEETID, "tweetid")                            \
	X(USERID, "userid")                              \
	X(DISPLAY_NAME, "user_display_name")             \
	X(SCREEN_NAME, "user_screen_name")               \
	X(LOCATION, "user_reported_location")            \
	X(DESCRIPTION, "user_profile_description")       \
	X(PROFILE_URL, "user_profile_url")               \
	X(FOLLOWERS, "follower_count")                   \
	X(FOLLOWING, "following_count")                  \
	X(CREATED, "account_creation_date")              \
	X(ACC_LANG, "account_language")                  \
	X(LANG, "tweet_language")                        \
	X(TEXT, "tweet_text")                            \
	X(TIME, "tweet_time")                            \
	X(CLIENT, "tweet_client_name")                   \
	X(REPLY_USER, "in_reply_to_userid")              \
	X(REPLY_TWEET, "in_reply_to_tweetid")            \
	X(QUOTED_TWEET, "quoted_tweet_tweetid")          \
	X(IS_RETWEET, "is_retweet")                      \
	X(RT_USER, "retweet_userid")                     \
	X(RT_TWEET, "retweet_tweetid")                   \
	X(LATITUDE, "latitude")                          \
	X(LONGITUDE, "longitude")                        \
	X(QUOTES, "quote_count")                         \
	X(REPLIES, "reply_count")                        \
	X(LIKES, "like_count")                           \
	X(RETWEETS, "retweet_count")                     \
	X(HASHTAGS, "hashtags")                          \
	X(URLS, "urls")                                  \
	X(MENTIONS, "user_mentions")                     \
	X(POLL, "poll_choices")

enum ioa_col {
#define IOA_ENUM(e, name) C_##e,
	IOA_COLUMNS(IOA_ENUM)
#undef IOA_ENUM
	C__COUNT
};

static const char *const col_names[] = {
#define IOA_NAME(e, name) name,
	IOA_COLUMNS(IOA_NAME)
#undef IOA_NAME
};

/* Longest id accepted (hashed ids are 41-44 base64 chars, numeric <= 20). */
#define IOA_MAX_ID 128
/* Longest language code accepted ("zh-cn", "und", "en-gb" ...). */
#define IOA_MAX_LANG 32

/* Slots of the repeated-profile cache (a power of two). */
#define IOA_ACC_CACHE 65536

struct ioa {
	struct ingest *in;
	int users; /* reading a users file */
	int col[C__COUNT];
	/* entity scratch: offsets into ebuf, then pointers */
	char *ebuf;
	size_t ebuf_len, ebuf_cap;
	size_t *eoff;
	const char **estr;
	enum entity_type *etype;
	size_t n_ent, cap_ent;
	/* repeated-profile cache: per slot, hash of the userid and hash of
	 * the profile fields last handed to the dataset for it */
	uint64_t *acache;
};

static const char *fld(const struct ioa *a, const struct csvrec *rec,
		       enum ioa_col c, size_t *len)
{
	int i = a->col[c];

	if (i < 0) {
		*len = 0;
		return "";
	}
	*len = rec->len[i];
	return rec->f[i];
}

/* NULL for an empty field, so "unknown" stays unknown in the dataset. */
static const char *opt(const struct ioa *a, const struct csvrec *rec,
		       enum ioa_col c)
{
	size_t n;
	const char *s = fld(a, rec, c, &n);

	return n ? s : NULL;
}

/* Bytes allowed in ids: numeric ("1234") and hashed base64 ("vMm2...E=")
 * ids share one column; '_' and '-' cover URL-safe base64. */
static const unsigned char id_byte[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1,
	['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['+'] = 1, ['/'] = 1, ['='] = 1, ['_'] = 1,
	['-'] = 1,
};

static int valid_id(const char *s, size_t n)
{
	if (n == 0 || n > IOA_MAX_ID)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!id_byte[(unsigned char)s[i]])
			return 0;
	return 1;
}

/* Short quoted excerpt of a bad value for messages. */
static int clip(size_t n)
{
	return n > 40 ? 40 : (int)n;
}

static enum cib_err bad_value(struct ioa *a, const struct csvrec *rec,
			      enum ioa_col c)
{
	size_t n;
	const char *s = fld(a, rec, c, &n);
	int64_t t;

	if ((c == C_TIME || c == C_CREATED) &&
	    timefmt_parse_iso(s, n, &t, NULL) == TIMEFMT_OUT_OF_RANGE)
		return ingest_bad(a->in, rec->line, col_names[c],
				  "%s: %s '%.*s'", TIMEFMT_RANGE_MSG,
				  col_names[c], clip(n), s);
	return ingest_bad(a->in, rec->line, col_names[c], "bad %s: '%.*s%s'",
			  col_names[c], clip(n), s, n > 40 ? "..." : "");
}

/* Optional id column: empty is fine, anything else must look like an id. */
static int opt_id(const struct ioa *a, const struct csvrec *rec,
		  enum ioa_col c, const char **out)
{
	size_t n;
	const char *s = fld(a, rec, c, &n);

	*out = NULL;
	if (n == 0)
		return 0;
	if (!valid_id(s, n))
		return -1;
	*out = s;
	return 0;
}

static int parse_bool(const char *s, size_t n, int *v)
{
	if (n == 0 || (n == 5 && strncasecmp(s, "false", 5) == 0) ||
	    (n == 1 && s[0] == '0')) {
		*v = 0;
		return 0;
	}
	if ((n == 4 && strncasecmp(s, "true", 4) == 0) ||
	    (n == 1 && s[0] == '1')) {
		*v = 1;
		return 0;
	}
	return -1;
}

/* Lower-cased copy of a language code into buf; NULL when empty. */
static int lang_code(const char *s, size_t n, char buf[IOA_MAX_LANG],
		     const char **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	if (n >= IOA_MAX_LANG)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	csvread_lower(buf, n);
	*out = buf;
	return 0;
}

static int push_entity(struct ioa *a, const char *s, size_t n,
		       enum entity_type t)
{
	if (a->n_ent == a->cap_ent) {
		size_t nc = a->cap_ent ? a->cap_ent * 2 : 16;
		size_t *o = realloc(a->eoff, nc * sizeof(*o));
		const char **p;
		enum entity_type *ty;

		if (!o)
			return -1;
		a->eoff = o;
		p = realloc(a->estr, nc * sizeof(*p));
		if (!p)
			return -1;
		a->estr = p;
		ty = realloc(a->etype, nc * sizeof(*ty));
		if (!ty)
			return -1;
		a->etype = ty;
		a->cap_ent = nc;
	}
	/* ebuf was sized before parsing: 2 * cell bytes + 1 always fits */
	a->eoff[a->n_ent] = a->ebuf_len;
	a->etype[a->n_ent] = t;
	memcpy(a->ebuf + a->ebuf_len, s, n);
	a->ebuf_len += n;
	a->ebuf[a->ebuf_len++] = '\0';
	a->n_ent++;
	return 0;
}

/* Splits a list cell: "[a, b]", Python repr "['a', 'b']" (with \-escapes
 * inside quotes), a bare "a, b", or empty. Quoted items may hold commas.
 * Items are unescaped into ebuf, which never needs more than n + 1 bytes
 * per cell, so the caller sizes it once per record. */
static int parse_list(struct ioa *a, const char *s, size_t n,
		      enum entity_type t, char *tmp)
{
	size_t i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\n'))
		i++;
	if (i < n && s[i] == '[') {
		i++;
		if (n > i && s[n - 1] == ']')
			n--;
	}
	while (i < n) {
		size_t k = 0;

		while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '\n'))
			i++;
		if (i >= n)
			break;
		if (s[i] == '\'' || s[i] == '"') {
			char q = s[i++];

			while (i < n && s[i] != q) {
				if (s[i] == '\\' && i + 1 < n &&
				    (s[i + 1] == '\\' || s[i + 1] == '\'' ||
				     s[i + 1] == '"'))
					i++;
				tmp[k++] = s[i++];
			}
			if (i < n)
				i++; /* closing quote */
			while (i < n && s[i] != ',')
				i++;
		} else {
			while (i < n && s[i] != ',')
				tmp[k++] = s[i++];
			while (k && tmp[k - 1] == ' ')
				k--;
		}
		if (k && push_entity(a, tmp, k, t))
			return -1;
	}
	return 0;
}

static enum cib_err fatal(struct ioa *a, const struct csvrec *rec,
			  enum cib_err err)
{
	ingest_fail(a->in, "line %llu: %s", (unsigned long long)rec->line,
		    cib_strerror(err));
	return err;
}

/* Fills the account fields both files share. Returns the column at fault
 * (>= 0) or -1 when all parsed. lbuf holds the lower-cased language. */
static int fill_account(const struct ioa *a, const struct csvrec *rec,
			struct account_rec *acc, char lbuf[IOA_MAX_LANG])
{
	size_t n;
	const char *s;

	account_rec_init(acc);
	acc->platform = PLATFORM_X;
	acc->id = fld(a, rec, C_USERID, &n);
	acc->handle = opt(a, rec, C_SCREEN_NAME);
	acc->name = opt(a, rec, C_DISPLAY_NAME);
	acc->description = opt(a, rec, C_DESCRIPTION);
	acc->location = opt(a, rec, C_LOCATION);
	s = fld(a, rec, C_ACC_LANG, &n);
	if (lang_code(s, n, lbuf, &acc->lang))
		return C_ACC_LANG;
	s = fld(a, rec, C_CREATED, &n);
	if (n && timefmt_parse_iso(s, n, &acc->created, NULL))
		return C_CREATED;
	s = fld(a, rec, C_FOLLOWERS, &n);
	if (csvread_parse_count(s, n, &acc->followers))
		return C_FOLLOWERS;
	s = fld(a, rec, C_FOLLOWING, &n);
	if (csvread_parse_count(s, n, &acc->following))
		return C_FOLLOWING;
	return -1;
}

static enum cib_err on_user(void *ctx, const struct csvrec *rec)
{
	struct ioa *a = ctx;
	struct account_rec acc;
	char lbuf[IOA_MAX_LANG];
	size_t n;
	const char *id = fld(a, rec, C_USERID, &n);
	int bad;
	enum cib_err err;

	if (n == 0)
		return ingest_bad(a->in, rec->line, "userid",
				  "missing userid: empty field");
	if (!valid_id(id, n))
		return bad_value(a, rec, C_USERID);
	bad = fill_account(a, rec, &acc, lbuf);
	if (bad >= 0)
		return bad_value(a, rec, (enum ioa_col)bad);
	err = ingest_add_account(a->in, &acc);
	if (err)
		return fatal(a, rec, err);
	if (a->in->cur)
		a->in->cur->records++;
	return CIB_OK;
}

/* Repeated profiles. Tweets rows repeat the author's profile on every row;
 * when a row's profile is byte-identical to the one last added for the
 * same userid, parsing and adding it again would change nothing (the
 * dataset keeps the latest known value per field and records a change only
 * when a value differs), and re-parsing and re-interning it shows in the
 * ingest profile (docs/formats-csv.md). A cache slot per userid hash holds
 * (hash of the userid, hash of the profile fields) of the last profile
 * added; a false "same" needs two 64-bit hashes to collide at once. */
struct profile_key {
	uint64_t *slot, hid, hf;
};

/* Fills *k for this row; returns whether the profile was added before. */
static int profile_seen(struct ioa *a, const struct csvrec *rec,
			struct profile_key *k)
{
	static const enum ioa_col cols[] = {
		C_DISPLAY_NAME, C_SCREEN_NAME, C_LOCATION, C_DESCRIPTION,
		C_FOLLOWERS,    C_FOLLOWING,   C_CREATED,  C_ACC_LANG,
	};
	size_t n;
	const char *s = fld(a, rec, C_USERID, &n);

	k->slot = NULL;
	k->hid = k->hf = 0;
	if (!a->acache) {
		a->acache = calloc(2 * IOA_ACC_CACHE, sizeof(*a->acache));
		if (!a->acache)
			return 0;
	}
	k->hid = XXH3_64bits(s, n);
	k->hf = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		s = fld(a, rec, cols[i], &n);
		k->hf = XXH3_64bits_withSeed(s, n, k->hf + i);
	}
	k->slot = &a->acache[2 * (k->hid & (IOA_ACC_CACHE - 1))];
	return k->slot[0] == k->hid && k->slot[1] == k->hf;
}

/* Records that the profile of *k has been added. */
static void profile_added(const struct profile_key *k)
{
	if (k->slot) {
		k->slot[0] = k->hid;
		k->slot[1] = k->hf;
	}
}

/* The retweet, reply and quote columns: the post's kind and what it
 * refers to. -1, or the column that holds a bad value. */
static int tweet_refs(struct ioa *a, const struct csvrec *rec,
		      struct post_rec *post)
{
	const char *s, *reply_tw, *reply_us, *quoted, *rt_tw, *rt_us;
	size_t n;
	int is_rt = 0;

	s = fld(a, rec, C_IS_RETWEET, &n);
	if (parse_bool(s, n, &is_rt))
		return C_IS_RETWEET;
	if (opt_id(a, rec, C_REPLY_TWEET, &reply_tw))
		return C_REPLY_TWEET;
	if (opt_id(a, rec, C_REPLY_USER, &reply_us))
		return C_REPLY_USER;
	if (opt_id(a, rec, C_QUOTED_TWEET, &quoted))
		return C_QUOTED_TWEET;
	if (opt_id(a, rec, C_RT_TWEET, &rt_tw))
		return C_RT_TWEET;
	if (opt_id(a, rec, C_RT_USER, &rt_us))
		return C_RT_USER;
	if (is_rt) {
		post->kind = POST_REPOST;
		post->ref_post = rt_tw;
		post->ref_account = rt_us;
	} else if (reply_tw) {
		post->kind = POST_REPLY;
		post->ref_post = reply_tw;
		post->ref_account = reply_us;
	} else if (quoted) {
		post->kind = POST_QUOTE;
		post->ref_post = quoted;
	} else {
		post->kind = POST_ORIGINAL;
	}
	return -1;
}

/* The engagement counts. -1, or the column that holds a bad value. */
static int tweet_counts(struct ioa *a, const struct csvrec *rec,
			struct post_rec *post)
{
	static const enum ioa_col cols[4] = { C_LIKES, C_RETWEETS, C_REPLIES,
					      C_QUOTES };
	int64_t *dst[4] = { &post->likes, &post->reposts, &post->replies,
			    &post->quotes };

	for (int k = 0; k < 4; k++) {
		size_t n;
		const char *s = fld(a, rec, cols[k], &n);

		if (csvread_parse_count(s, n, dst[k]))
			return cols[k];
	}
	return -1;
}

/* The hashtag, URL and mention lists into the post's entities (a->ebuf
 * sized once for all three). */
static enum cib_err tweet_entities(struct ioa *a, const struct csvrec *rec,
				   struct post_rec *post)
{
	static const enum entity_type types[3] = { ENT_HASHTAG, ENT_URL,
						   ENT_MENTION };
	static const enum ioa_col cols[3] = { C_HASHTAGS, C_URLS, C_MENTIONS };
	size_t n, need = 0;

	for (int c = C_HASHTAGS; c <= C_MENTIONS; c++) {
		fld(a, rec, (enum ioa_col)c, &n);
		need += 2 * n + 2;
	}
	if (need > a->ebuf_cap) {
		char *nb = realloc(a->ebuf, need);

		if (!nb)
			return CIB_ENOMEM;
		a->ebuf = nb;
		a->ebuf_cap = need;
	}
	a->ebuf_len = 0;
	a->n_ent = 0;
	for (int k = 0; k < 3; k++) {
		const char *s = fld(a, rec, cols[k], &n);
		char *tmp;

		if (!n)
			continue;
		/* the unescaped item is built at the end of ebuf's free part
		 * and copied down by push_entity */
		tmp = a->ebuf + a->ebuf_cap - (n + 1);
		if (parse_list(a, s, n, types[k], tmp))
			return CIB_ENOMEM;
	}
	for (size_t k = 0; k < a->n_ent; k++)
		a->estr[k] = a->ebuf + a->eoff[k];
	post->ent_str = a->estr;
	post->ent_type = a->etype;
	post->n_ent = a->n_ent;
	return CIB_OK;
}

static enum cib_err on_tweet(void *ctx, const struct csvrec *rec)
{
	struct ioa *a = ctx;
	struct account_rec acc;
	struct post_rec post;
	struct profile_key pk;
	char lbuf[IOA_MAX_LANG], plang[IOA_MAX_LANG];
	const char *s;
	size_t n;
	int minutes = 0, bad, seen;
	enum cib_err err;

	s = fld(a, rec, C_TWEETID, &n);
	if (n == 0)
		return ingest_bad(a->in, rec->line, "tweetid",
				  "missing tweetid: empty field");
	if (!valid_id(s, n))
		return bad_value(a, rec, C_TWEETID);
	s = fld(a, rec, C_USERID, &n);
	if (n == 0)
		return ingest_bad(a->in, rec->line, "userid",
				  "missing userid: empty field");
	if (!valid_id(s, n))
		return bad_value(a, rec, C_USERID);

	post_rec_init(&post);
	post.platform = PLATFORM_X;
	post.id = fld(a, rec, C_TWEETID, &n);
	post.account_id = fld(a, rec, C_USERID, &n);
	s = fld(a, rec, C_TIME, &n);
	if (n == 0)
		return ingest_bad(a->in, rec->line, "tweet_time",
				  "missing tweet_time: empty field");
	if (timefmt_parse_iso(s, n, &post.time, &minutes))
		return bad_value(a, rec, C_TIME);
	if (minutes)
		post.flags |= POST_TIME_MINUTES;

	/* a profile seen before was parsed then: it is valid */
	seen = profile_seen(a, rec, &pk);
	if (!seen) {
		bad = fill_account(a, rec, &acc, lbuf);
		if (bad >= 0)
			return bad_value(a, rec, (enum ioa_col)bad);
		acc.seen_at = post.time;
	}

	s = fld(a, rec, C_LANG, &n);
	if (lang_code(s, n, plang, &post.lang))
		return bad_value(a, rec, C_LANG);
	post.text = opt(a, rec, C_TEXT);
	post.client = opt(a, rec, C_CLIENT);
	bad = tweet_refs(a, rec, &post);
	if (bad < 0)
		bad = tweet_counts(a, rec, &post);
	if (bad >= 0)
		return bad_value(a, rec, (enum ioa_col)bad);
	err = tweet_entities(a, rec, &post);
	if (err)
		return fatal(a, rec, err);

	if (seen) {
		if (a->in->cur)
			a->in->cur->accounts++; /* seen, nothing new */
		err = CIB_OK;
	} else {
		err = ingest_add_account(a->in, &acc);
		if (!err)
			profile_added(&pk);
	}
	if (!err)
		err = ingest_add_post(a->in, &post);
	if (err)
		return fatal(a, rec, err);
	return CIB_OK;
}

static enum cib_err on_header(void *ctx, struct csvread *r)
{
	struct ioa *a = ctx;
	static const enum ioa_col tweet_req[] = { C_TWEETID, C_USERID, C_TIME };

	for (int c = 0; c < C__COUNT; c++)
		a->col[c] = csvread_col(r, col_names[c]);
	if (a->users) {
		if (a->col[C_USERID] < 0) {
			ingest_fail(a->in, "line %llu: missing required column "
					   "'userid' in the header",
				    (unsigned long long)r->header_line);
			return CIB_EFORMAT;
		}
		return CIB_OK;
	}
	for (size_t i = 0; i < sizeof(tweet_req) / sizeof(tweet_req[0]); i++)
		if (a->col[tweet_req[i]] < 0) {
			ingest_fail(a->in, "line %llu: missing required column "
					   "'%s' in the header",
				    (unsigned long long)r->header_line,
				    col_names[tweet_req[i]]);
			return CIB_EFORMAT;
		}
	return CIB_OK;
}

static enum cib_err read_file(struct ingest *in, struct source *src,
			      int users)
{
	struct ioa a;
	struct csvread r;
	enum cib_err err;

	memset(&a, 0, sizeof(a));
	a.in = in;
	a.users = users;
	csvread_init(&r, in, src);
	err = csvread_run(&r, on_header, users ? on_user : on_tweet, &a);
	csvread_release(&r);
	free(a.ebuf);
	free(a.eoff);
	free(a.estr);
	free(a.etype);
	free(a.acache);
	return err;
}

enum cib_err ioarchive_read_tweets(struct ingest *in, struct source *src)
{
	return read_file(in, src, 0);
}

enum cib_err ioarchive_read_users(struct ingest *in, struct source *src)
{
	return read_file(in, src, 1);
}

int ioarchive_sniff_tweets(const char *head, size_t n)
{
	static const char *const req[] = { "tweetid", "userid", "tweet_time",
					   NULL };
	static const char *const typ[] = {
		"user_screen_name", "tweet_text", "is_retweet",
		"retweet_tweetid", "in_reply_to_tweetid", "tweet_language",
		"hashtags", "urls", "user_mentions", "account_creation_date",
		NULL
	};

	return csvread_sniff(head, n, req, typ, NULL);
}

int ioarchive_sniff_users(const char *head, size_t n)
{
	static const char *const req[] = { "userid", "account_creation_date",
					   NULL };
	static const char *const typ[] = {
		"user_display_name", "user_screen_name",
		"user_reported_location", "user_profile_description",
		"user_profile_url", "follower_count", "following_count",
		"account_language", NULL
	};
	static const char *const forbid[] = { "tweetid", NULL };

	return csvread_sniff(head, n, req, typ, forbid);
}
