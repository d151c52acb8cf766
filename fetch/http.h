/* http.h - a small, defensive libcurl wrapper for GET requests to APIs.
 *
 * Every transfer is capped: body size (CURLOPT_MAXFILESIZE_LARGE plus a
 * write-callback cap, because chunked answers carry no length), header
 * bytes, total time, connect time, stall time (LOW_SPEED_LIMIT/TIME) and
 * redirects. Redirects are followed here, not by libcurl, so that every hop
 * passes the same URL policy (https anywhere, plain http only to loopback)
 * and the bearer token is never sent to a host other than the one it was
 * given for. TLS verification is always on; a private CA is added with
 * `cacert`. The token is kept only in memory, wiped on release and never
 * put in an error message.
 *
 * Ownership: callers own both structs (init/release); the response's body
 * and headers belong to the response until http_response_release().
 */
#ifndef CIB_HTTP_H
#define CIB_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#include "core/strbuf.h"

#define HTTP_ERRMSG 512

struct http_limits {
	size_t max_body;        /* bytes (default 64 MiB) */
	size_t max_headers;     /* header bytes per response (default 64 KiB) */
	long timeout_s;         /* whole transfer (default 120) */
	long connect_timeout_s; /* (default 20) */
	long low_speed_bytes;   /* abort when slower than this ... (1) */
	long low_speed_time_s;  /* ... for this long (default 30) */
	int max_redirs;         /* (default 5) */
};

struct http_client {
	void *curl; /* CURL * */
	struct http_limits lim;
	char *auth;       /* "Authorization: Bearer ..." or NULL; owned, wiped */
	char *auth_host;  /* host the token may go to; owned */
	char *cacert;     /* owned, or NULL for the system store */
	char *user_agent; /* owned */
	/* nonzero aborts the transfer in flight (set from a signal handler) */
	volatile sig_atomic_t *cancel;
	char errbuf[256 + 16]; /* CURLOPT_ERRORBUFFER (CURL_ERROR_SIZE) */
	int transient; /* last failure was one a retry may fix */
	char errmsg[HTTP_ERRMSG];
};

struct http_response {
	long status;      /* last HTTP status, 0 when none arrived */
	char *body;       /* NUL-terminated; owned */
	size_t len;
	char *headers;    /* raw header block of the final response; owned */
	size_t hlen;
	char *url;        /* URL of the final response after redirects; owned */
	int redirects;    /* hops followed */
	/* private: the buffers body and headers view (core/strbuf.h), capped
	 * at the client's limits */
	struct strbuf bbuf, hbuf;
	const struct http_client *client;
};

void http_limits_default(struct http_limits *lim);

/* One-time libcurl global setup; call before any thread starts. */
enum cib_err http_global_init(void);
void http_global_release(void);

enum cib_err http_client_init(struct http_client *c,
			      const struct http_limits *lim,
			      const char *user_agent);
void http_client_release(struct http_client *c);

/* Sends `token` as a bearer token, only to host `host`. Copies both. */
enum cib_err http_client_set_token(struct http_client *c, const char *token,
				   const char *host);
/* Adds a PEM CA bundle for private CAs (copied). */
enum cib_err http_client_set_cacert(struct http_client *c, const char *path);

void http_response_init(struct http_response *r);
void http_response_release(struct http_response *r);

/* GETs `url` into r (released and refilled). CIB_OK means an HTTP answer
 * arrived (any status; check r->status). Otherwise c->errmsg says what
 * happened, with the URL's host, and c->transient says whether a retry
 * may help (timeouts, resets, truncated bodies). CIB_ETOOBIG: body or
 * headers over the cap; CIB_EUSAGE: URL refused by the policy. */
enum cib_err http_get(struct http_client *c, const char *url,
		      struct http_response *r);

/* URL policy: https, or http to 127.0.0.0/8, ::1 or localhost. Returns
 * CIB_EUSAGE with a reason in err otherwise. If host is not NULL the
 * URL's host is copied there (hostlen bytes). */
enum cib_err http_url_check(const char *url, char *host, size_t hostlen,
			    char *err, size_t errlen);

/* Finds header `name` (case-insensitive) in a raw header block; *val and
 * *vlen give its trimmed value inside the block. Returns 1 if found (the
 * last occurrence wins), else 0. */
int http_header_find(const char *headers, size_t hlen, const char *name,
		     const char **val, size_t *vlen);

/* Percent-encodes s (RFC 3986 unreserved characters kept) into a new
 * string; NULL on allocation failure or when longer than 64 KiB. */
char *http_escape(const char *s);

#endif
