/* serve.h - the web review app over the review store (review/store.h):
 * an HTTP server (libmicrohttpd, one internal polling thread, so every
 * request runs on that thread with its own SQLite connection) with HTML
 * pages for reviewers and a small JSON API under /api/ (docs/review.md).
 *
 * Security invariants: every response carries a strict Content-Security-
 * Policy (default-src 'none'; script, style and images from self only) and
 * no external resource; every shown value is HTML-escaped; every state
 * change (POST) checks a per-session CSRF token (a hidden form field, or
 * the X-CSRF-Token header for the JSON API) unless it is authenticated by
 * a bearer token; the Host header must name the server (no DNS
 * rebinding); with a token file every request is authenticated, tokens
 * are compared by their SHA-256 (the file holds only hashes).
 *
 * Ownership: review_server_start() allocates the server; the caller stops
 * it with review_server_stop(). The module never prints.
 */
#ifndef CIB_REVIEW_SERVE_H
#define CIB_REVIEW_SERVE_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

struct review_server;

struct review_serve_opts {
	const char *db;         /* an existing review store */
	const char *listen;     /* "127.0.0.1:8080", "[::1]:0"; port 0 = any */
	const char *token_file; /* NULL: loopback only, reviewers name
				 * themselves */
	int lease_s;            /* claim lease */
};

/* Parses opts->listen; CIB_EUSAGE when malformed, or not loopback
 * without a token file. Starts serving on its own thread. *url gets
 * "http://HOST:PORT/" with the port actually bound. */
enum cib_err review_server_start(const struct review_serve_opts *opts,
				 struct review_server **out, char *url,
				 size_t url_cap, char *errmsg, size_t errcap);

void review_server_stop(struct review_server *s);

/* Writes s as HTML text or attribute value: & < > " ' as entities,
 * control characters (C0, DEL, C1) shown as \xNN, invalid UTF-8 as
 * U+FFFD. Public for tests and the fuzz target. */
void review_html(FILE *f, const char *s);

/* Parses an application/x-www-form-urlencoded body the way the server
 * does (at most 4096 fields) and frees it: the number of fields, 0 when
 * refused; *bytes (may be NULL) the decoded size. For the fuzz target. */
size_t review_form_fields(const char *body, size_t len, size_t *bytes);

/* Appends "NAME SHA256HEX" for a fresh random secret to the token file
 * (created 0600), writes the secret (64 hex digits) to secret_out.
 * CIB_EUSAGE for a bad name, CIB_EIO when the file cannot be written. */
enum cib_err review_token_add(const char *path, const char *name,
			      char secret_out[65], char *errmsg,
			      size_t errcap);

#endif
