/* urlnorm.c - canonical URLs and registrable domains.
 *
 * Works on bytes: the host is lower-cased in ASCII only (IDNs stay as
 * written), percent-escapes are kept as they are, the path keeps its case
 * (paths are case-sensitive). Every write is bounded by the caller's cap;
 * an output that does not fit is a failure (0), never a silent truncation,
 * because a truncated URL would equal other truncated URLs.
 */
#include "urlnorm.h"

#include <string.h>

static int lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int is_url_char(unsigned char c)
{
	return is_alnum_ascii(c) ||
	       (c != 0 && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

static int prefix_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	if (n < m)
		return 0;
	for (size_t k = 0; k < m; k++)
		if (lc((unsigned char)s[k]) != lit[k])
			return 0;
	return 1;
}

size_t urlnorm_span(const char *s, size_t n, size_t i)
{
	size_t j;

	if (i >= n)
		return 0;
	if (prefix_ci(s + i, n - i, "https://"))
		j = i + 8;
	else if (prefix_ci(s + i, n - i, "http://"))
		j = i + 7;
	else if (prefix_ci(s + i, n - i, "www.") && n - i > 4 &&
		 is_alnum_ascii((unsigned char)s[i + 4]))
		j = i + 4;
	else
		return 0;
	while (j < n && is_url_char((unsigned char)s[j]))
		j++;
	/* sentence punctuation right after a URL is not part of it */
	while (j > i && strchr(".,;:!?)'", s[j - 1]) && s[j - 1] != 0)
		j--;
	return j - i;
}

int urlnorm_next(const char *s, size_t n, size_t *off, size_t *len)
{
	for (size_t i = *off; i < n; i++) {
		size_t m;

		if (i > 0 && is_alnum_ascii((unsigned char)s[i - 1]))
			continue;
		m = urlnorm_span(s, n, i);
		if (m > 0) {
			*off = i;
			*len = m;
			return 1;
		}
	}
	return 0;
}

/* Query parameters that identify the click, not the page. */
static const char *const tracking_params[] = {
	"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
	"mc_cid", "mc_eid", "igshid", "igsh", "si", "ref_src", "ref_url",
	"_ga", "_gl", "spm", "share_source", "feature", "__twitter_impression",
	"cmpid", "ocid", NULL
};

static int param_is_tracking(const char *k, size_t n, int twitter)
{
	if (n >= 4 && prefix_ci(k, n, "utm_"))
		return 1;
	/* x.com share links: ?s=20&t=... identify the sharer's client */
	if (twitter && n == 1 && (lc((unsigned char)k[0]) == 's' ||
				  lc((unsigned char)k[0]) == 't'))
		return 1;
	for (size_t i = 0; tracking_params[i]; i++)
		if (strlen(tracking_params[i]) == n &&
		    prefix_ci(k, n, tracking_params[i]))
			return 1;
	return 0;
}

struct obuf {
	char *p;
	size_t len, cap;
	int over;
};

static void put(struct obuf *o, const char *s, size_t n)
{
	if (o->over || o->len + n >= o->cap || o->len + n > URLNORM_MAX) {
		o->over = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static int host_ok(const char *h, size_t n)
{
	int dot = 0;

	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c == '.')
			dot = 1;
		else if (!(is_alnum_ascii(c) || c == '-' || c >= 0x80))
			return 0;
	}
	return dot && h[0] != '.';
}

/* The canonical host of url[hs..he) into host (256 bytes; *hn its length):
 * lower case, no trailing dots, no www., m. or mobile. in front,
 * twitter.com as x.com. 0 when it is not a host name. */
static int canon_host(const char *url, size_t hs, size_t he, char *host,
		      size_t *hn_out)
{
	size_t hn = he, skip = 0;

	while (hn > hs && url[hn - 1] == '.')
		hn--;
	if (hn - hs >= 256)
		return 0;
	for (size_t k = hs, m = hn; k < m; k++)
		host[k - hs] = (char)lc((unsigned char)url[k]);
	hn -= hs;
	host[hn] = '\0';
	if (hn > 4 && memcmp(host, "www.", 4) == 0)
		skip = 4;
	else if (hn > 2 && memcmp(host, "m.", 2) == 0)
		skip = 2;
	else if (hn > 7 && memcmp(host, "mobile.", 7) == 0)
		skip = 7;
	if (skip) {
		memmove(host, host + skip, hn - skip + 1);
		hn -= skip;
	}
	if (!host_ok(host, hn))
		return 0;
	if (strcmp(host, "twitter.com") == 0) {
		memcpy(host, "x.com", 6);
		hn = 5;
	}
	*hn_out = hn;
	return 1;
}

/* The query url[qs..qe) without its tracking parameters, the rest in
 * order; `first`: nothing has opened the query yet. */
static void put_query(struct obuf *o, const char *url, size_t qs, size_t qe,
		      int first, int twitter)
{
	size_t k = qs;

	while (k < qe) {
		size_t a = k, b, kend;

		while (k < qe && url[k] != '&')
			k++;
		b = k;
		if (k < qe)
			k++;
		if (b == a)
			continue;
		kend = a;
		while (kend < b && url[kend] != '=')
			kend++;
		if (param_is_tracking(url + a, kend - a, twitter))
			continue;
		put(o, first ? "?" : "&", 1);
		put(o, url + a, b - a);
		first = 0;
	}
}

size_t urlnorm_canonical(const char *url, size_t n, char *out, size_t cap)
{
	struct obuf o = { out, 0, cap, 0 };
	size_t i = 0, hs, he, e, ps, pe, qs, qe;
	char host[256];
	size_t hn = 0;
	int twitter, youtu_be;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (!url)
		return 0;
	while (n > 0 && (url[n - 1] == ' ' || url[n - 1] == '\t' ||
			 url[n - 1] == '\n' || url[n - 1] == '\r'))
		n--;
	while (i < n && (url[i] == ' ' || url[i] == '\t'))
		i++;
	if (prefix_ci(url + i, n - i, "https://"))
		i += 8;
	else if (prefix_ci(url + i, n - i, "http://"))
		i += 7;
	else if (prefix_ci(url + i, n - i, "//"))
		i += 2;
	else if (!prefix_ci(url + i, n - i, "www."))
		return 0;
	/* authority: [userinfo@]host[:port] */
	hs = i;
	while (i < n && url[i] != '/' && url[i] != '?' && url[i] != '#')
		i++;
	e = i;
	for (size_t k = hs; k < e; k++)
		if (url[k] == '@')
			hs = k + 1;
	he = hs;
	while (he < e && url[he] != ':')
		he++;
	if (he < e) { /* port: digits only; 80 and 443 dropped */
		for (size_t k = he + 1; k < e; k++)
			if (url[k] < '0' || url[k] > '9')
				return 0;
	}
	if (!canon_host(url, hs, he, host, &hn))
		return 0;
	twitter = strcmp(host, "x.com") == 0;
	youtu_be = strcmp(host, "youtu.be") == 0;
	/* no control bytes, spaces or NUL anywhere in what is kept */
	for (size_t k = e; k < n; k++)
		if ((unsigned char)url[k] <= 0x20 || url[k] == 0x7f)
			return 0;
	ps = e;
	pe = ps;
	while (pe < n && url[pe] != '?' && url[pe] != '#')
		pe++;
	qs = pe;
	qe = qs;
	if (qs < n && url[qs] == '?') {
		qs++;
		qe = qs;
		while (qe < n && url[qe] != '#')
			qe++;
	}
	while (pe > ps && url[pe - 1] == '/')
		pe--;
	if (youtu_be && pe > ps + 1) {
		/* youtu.be/ID -> youtube.com/watch?v=ID */
		put(&o, "youtube.com/watch?v=", 20);
		put(&o, url + ps + 1, pe - ps - 1);
	} else {
		put(&o, host, hn);
		if (e > he + 1 && !(e - he == 3 && memcmp(url + he, ":80", 3) == 0) &&
		    !(e - he == 4 && memcmp(url + he, ":443", 4) == 0))
			put(&o, url + he, e - he);
		put(&o, url + ps, pe - ps);
	}
	put_query(&o, url, qs, qe, !youtu_be || pe <= ps + 1, twitter);
	if (o.over) {
		out[0] = '\0';
		return 0;
	}
	out[o.len] = '\0';
	return o.len;
}

/* Second-level labels under which country-code TLDs sell names
 * ("bbc.co.uk", "sina.com.cn"). */
static const char *const cc_second_levels[] = {
	"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go",
	"gob", "mil", "nic", "ltd", "plc", "sch", "nom", "gen", "info", "biz",
	"int", "idv", "res", "web", NULL
};

/* Hosting suffixes where each subdomain is a different publisher. */
static const char *const private_suffixes[] = {
	"blogspot.com", "wordpress.com", "github.io", "substack.com",
	"tumblr.com", "wixsite.com", "weebly.com", "livejournal.com",
	"medium.com", "home.blog", "over-blog.com", "appspot.com",
	"pages.dev", "netlify.app", "vercel.app", "herokuapp.com",
	"blogspot.co.uk", NULL
};

static int in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return 1;
	return 0;
}

size_t urlnorm_domain(const char *url, size_t n, char *out, size_t cap)
{
	char canon[512];
	const char *h;
	size_t hn, dots[4], nd = 0, keep, start;
	int ipv4 = 1;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (!url)
		return 0;
	if (urlnorm_canonical(url, n, canon, sizeof(canon)) > 0) {
		h = canon;
		hn = 0;
		while (h[hn] && h[hn] != '/' && h[hn] != '?' && h[hn] != ':')
			hn++;
	} else {
		/* a bare host or canonical form: up to '/', lower-case */
		hn = 0;
		while (hn < n && url[hn] != '/' && url[hn] != '?' &&
		       url[hn] != ':' && url[hn] != '#')
			hn++;
		if (hn >= sizeof(canon))
			return 0;
		for (size_t k = 0; k < hn; k++)
			canon[k] = (char)lc((unsigned char)url[k]);
		canon[hn] = '\0';
		h = canon;
		if (!host_ok(h, hn))
			return 0;
	}
	for (size_t k = 0; k < hn; k++)
		if (!((h[k] >= '0' && h[k] <= '9') || h[k] == '.'))
			ipv4 = 0;
	if (ipv4) {
		start = 0;
		goto copy;
	}
	/* positions of the last four dots, last first */
	for (size_t k = hn; k-- > 0 && nd < 4;)
		if (h[k] == '.')
			dots[nd++] = k;
	keep = 2;
	if (nd >= 2) {
		size_t tld = hn - dots[0] - 1;
		const char *sl = h + dots[1] + 1;
		size_t sln = dots[0] - dots[1] - 1;

		if (tld == 2 && in_list(cc_second_levels, sl, sln))
			keep = 3;
		if (in_list(private_suffixes, sl, hn - dots[1] - 1))
			keep = 3;
	}
	if (nd >= 3 && in_list(private_suffixes, h + dots[2] + 1,
			       hn - dots[2] - 1))
		keep = 4;
	start = nd >= keep ? dots[keep - 1] + 1 : 0;
copy:
	if (hn - start + 1 > cap)
		return 0;
	memcpy(out, h + start, hn - start);
	out[hn - start] = '\0';
	return hn - start;
}
