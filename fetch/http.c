/* http.c - defensive GETs with libcurl.
 *
 * Invariants: a response never holds more than lim.max_body body bytes or
 * lim.max_headers header bytes (the callbacks refuse more, which aborts the
 * transfer); the header block kept is that of the last response in a
 * redirect chain; the bearer token only goes to c->auth_host and never
 * appears in errmsg.
 */
#include "fetch/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_MAX_URL 16384

void http_limits_default(struct http_limits *lim)
{
	lim->max_body = (size_t)64 << 20;
	lim->max_headers = (size_t)64 << 10;
	lim->timeout_s = 120;
	lim->connect_timeout_s = 20;
	lim->low_speed_bytes = 1;
	lim->low_speed_time_s = 30;
	lim->max_redirs = 5;
}

enum cib_err http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? CIB_OK
								 : CIB_ELIB;
}

void http_global_release(void)
{
	curl_global_cleanup();
}

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

enum cib_err http_client_init(struct http_client *c,
			      const struct http_limits *lim,
			      const char *user_agent)
{
	memset(c, 0, sizeof(*c));
	if (lim)
		c->lim = *lim;
	else
		http_limits_default(&c->lim);
	c->user_agent = dupstr(user_agent ? user_agent : "cibscan");
	c->curl = curl_easy_init();
	if (!c->user_agent || !c->curl) {
		http_client_release(c);
		return CIB_ENOMEM;
	}
	return CIB_OK;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void http_client_release(struct http_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	wipe_free(c->auth);
	free(c->auth_host);
	free(c->cacert);
	free(c->user_agent);
	memset(c, 0, sizeof(*c));
}

enum cib_err http_client_set_token(struct http_client *c, const char *token,
				   const char *host)
{
	static const char pre[] = "Authorization: Bearer ";
	size_t n = strlen(token);

	/* a header must not carry a line break: it would inject headers */
	if (n == 0 || n > 8192 || strpbrk(token, "\r\n"))
		return CIB_EUSAGE;
	wipe_free(c->auth);
	free(c->auth_host);
	c->auth = malloc(sizeof(pre) + n);
	c->auth_host = dupstr(host);
	if (!c->auth || !c->auth_host)
		return CIB_ENOMEM;
	memcpy(c->auth, pre, sizeof(pre) - 1);
	memcpy(c->auth + sizeof(pre) - 1, token, n + 1);
	return CIB_OK;
}

enum cib_err http_client_set_cacert(struct http_client *c, const char *path)
{
	free(c->cacert);
	c->cacert = dupstr(path);
	return c->cacert ? CIB_OK : CIB_ENOMEM;
}

void http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
}

void http_response_release(struct http_response *r)
{
	if (!r)
		return;
	strbuf_release(&r->bbuf);
	strbuf_release(&r->hbuf);
	free(r->url);
	memset(r, 0, sizeof(*r));
}

static int is_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	/* 127.0.0.0/8 written as a dotted quad */
	if (strncmp(host, "127.", 4) == 0) {
		int dots = 0;

		for (const char *p = host + 4; *p; p++) {
			if (*p == '.')
				dots++;
			else if (*p < '0' || *p > '9')
				return 0;
		}
		return dots == 2;
	}
	return 0;
}

enum cib_err http_url_check(const char *url, char *host, size_t hostlen,
			    char *err, size_t errlen)
{
	CURLU *u;
	char *scheme = NULL, *h = NULL;
	enum cib_err rc = CIB_EUSAGE;

	if (strlen(url) > HTTP_MAX_URL) {
		snprintf(err, errlen, "URL longer than %d bytes", HTTP_MAX_URL);
		return CIB_EUSAGE;
	}
	u = curl_url();
	if (!u)
		return CIB_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK) {
		snprintf(err, errlen, "'%.200s' is not a valid URL", url);
		goto out;
	}
	if (strcasecmp(scheme, "https") != 0 &&
	    !(strcasecmp(scheme, "http") == 0 && is_loopback(h))) {
		snprintf(err, errlen,
			 "'%.200s': only https is allowed (plain http only to "
			 "127.0.0.1, ::1 or localhost)",
			 url);
		goto out;
	}
	if (host) {
		if (strlen(h) >= hostlen) {
			snprintf(err, errlen, "host name too long");
			goto out;
		}
		memcpy(host, h, strlen(h) + 1);
	}
	rc = CIB_OK;
out:
	curl_free(scheme);
	curl_free(h);
	curl_url_cleanup(u);
	return rc;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_response *r = ud;
	size_t n = size * nmemb;

	strbuf_add(&r->bbuf, data, n);
	r->body = r->bbuf.s;
	r->len = r->bbuf.n;
	/* 0 aborts the transfer with CURLE_WRITE_ERROR */
	return strbuf_err(&r->bbuf) ? 0 : n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_response *r = ud;
	size_t n = size * nmemb;

	/* a status line starts a new response (redirect hop, 100 Continue):
	 * keep only the last one's headers */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		strbuf_reset(&r->hbuf);
	strbuf_add(&r->hbuf, data, n);
	r->headers = r->hbuf.s;
	r->hlen = r->hbuf.n;
	return strbuf_err(&r->hbuf) ? 0 : n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut,
		       curl_off_t un)
{
	const struct http_client *c = ud;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return c->cancel && *c->cancel ? 1 : 0;
}

/* Whether a retry of the same request may succeed after this failure. */
static int curl_transient(CURLcode e)
{
	switch (e) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_COULDNT_RESOLVE_HOST: /* DNS hiccups happen mid-run */
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/* One request without following redirects. */
static enum cib_err get_once(struct http_client *c, const char *url,
			     const char *host, struct http_response *r)
{
	CURL *h = c->curl;
	struct curl_slist *hdrs = NULL, *tmp;
	CURLcode e;
	enum cib_err rc = CIB_OK;

	curl_easy_reset(h);
	strbuf_reset(&r->bbuf);
	strbuf_reset(&r->hbuf);
	r->bbuf.max = c->lim.max_body;
	r->hbuf.max = c->lim.max_headers;
	r->len = r->hlen = 0;
	r->status = 0;
	c->errbuf[0] = '\0';
	hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (hdrs && c->auth && c->auth_host && strcasecmp(host, c->auth_host) == 0) {
		tmp = curl_slist_append(hdrs, c->auth);
		if (!tmp) {
			curl_slist_free_all(hdrs);
			hdrs = NULL;
		} else {
			hdrs = tmp;
		}
	}
	if (!hdrs)
		return CIB_ENOMEM;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)c->lim.max_body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->lim.timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->lim.connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, c->lim.low_speed_bytes);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->lim.low_speed_time_s);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	e = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (e != CURLE_OK) {
		c->transient = curl_transient(e);
		if (strbuf_err(&r->bbuf) == CIB_ETOOBIG ||
		    e == CURLE_FILESIZE_EXCEEDED) {
			snprintf(c->errmsg, sizeof(c->errmsg),
				 "%s: response body larger than %zu bytes",
				 host, c->lim.max_body);
			rc = CIB_ETOOBIG;
		} else if (strbuf_err(&r->hbuf) == CIB_ETOOBIG) {
			snprintf(c->errmsg, sizeof(c->errmsg),
				 "%s: response headers larger than %zu bytes",
				 host, c->lim.max_headers);
			rc = CIB_ETOOBIG;
		} else if (e == CURLE_ABORTED_BY_CALLBACK) {
			snprintf(c->errmsg, sizeof(c->errmsg),
				 "%s: interrupted", host);
			rc = CIB_ENET;
		} else {
			snprintf(c->errmsg, sizeof(c->errmsg), "%s: %s", host,
				 c->errbuf[0] ? c->errbuf : curl_easy_strerror(e));
			rc = CIB_ENET;
		}
	}
	curl_slist_free_all(hdrs);
	/* the handle keeps option pointers; drop the header list's */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	return rc;
}

enum cib_err http_get(struct http_client *c, const char *url,
		      struct http_response *r)
{
	char host[256], err[256];
	char *cur;
	enum cib_err rc;

	free(r->url);
	r->url = NULL;
	r->redirects = 0;
	r->client = c;
	c->transient = 0;
	c->errmsg[0] = '\0';
	cur = dupstr(url);
	if (!cur)
		return CIB_ENOMEM;
	for (;;) {
		char *loc = NULL;

		rc = http_url_check(cur, host, sizeof(host), err, sizeof(err));
		if (rc) {
			snprintf(c->errmsg, sizeof(c->errmsg), "%s", err);
			break;
		}
		rc = get_once(c, cur, host, r);
		if (rc)
			break;
		if (r->status < 300 || r->status > 399 || r->status == 304)
			break;
		curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_URL, &loc);
		if (!loc)
			break; /* a 3xx without Location: the caller sees it */
		if (r->redirects >= c->lim.max_redirs) {
			snprintf(c->errmsg, sizeof(c->errmsg),
				 "%s: more than %d redirects (a redirect loop?)",
				 host, c->lim.max_redirs);
			rc = CIB_ENET;
			break;
		}
		r->redirects++;
		free(cur);
		cur = dupstr(loc);
		if (!cur)
			return CIB_ENOMEM;
	}
	if (!r->body) {
		/* callers may rely on a NUL-terminated, possibly empty body */
		strbuf_reset(&r->bbuf);
		strbuf_add(&r->bbuf, "", 0);
		r->body = r->bbuf.s;
		if (!r->body) {
			free(cur);
			return CIB_ENOMEM;
		}
	}
	r->url = cur;
	return rc;
}

int http_header_find(const char *headers, size_t hlen, const char *name,
		     const char **val, size_t *vlen)
{
	size_t nlen = strlen(name), i = 0;
	int found = 0;

	while (i < hlen) {
		size_t e = i;

		while (e < hlen && headers[e] != '\n')
			e++;
		/* line [i, e) */
		if (e - i > nlen && headers[i + nlen] == ':' &&
		    strncasecmp(headers + i, name, nlen) == 0) {
			size_t a = i + nlen + 1, b = e;

			while (a < b && (headers[a] == ' ' || headers[a] == '\t'))
				a++;
			while (b > a && (headers[b - 1] == '\r' ||
					 headers[b - 1] == ' ' ||
					 headers[b - 1] == '\t'))
				b--;
			*val = headers + a;
			*vlen = b - a;
			found = 1;
		}
		i = e + 1;
	}
	return found;
}

char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), o = 0;
	char *out;

	if (n > 65536)
		return NULL;
	out = malloc(3 * n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
	return out;
}
