/* urlnorm.h - URLs to a canonical form and their registrable domain.
 *
 * Two posts linking "https://www.Example.com/a/?utm_source=x#top" and
 * "http://example.com/a" link the same page; the canonical form makes them
 * equal strings: scheme, "www."/"m." host prefix, default port, fragment,
 * trailing slash and known tracking parameters dropped, host lower-cased
 * (see docs/features-reuse.md for the full list and why). Pure functions on
 * caller buffers; no allocation; thread-safe.
 */
#ifndef CIB_URLNORM_H
#define CIB_URLNORM_H

#include <stddef.h>

/* Longest canonical URL kept (bytes); longer URLs are rejected as junk. */
#define URLNORM_MAX 2048

/* Length of the URL starting at s[i] ("http://", "https://" or "www."
 * followed by a letter or digit, up to the first byte that cannot appear in
 * a URL), or 0 when none starts there. The caller decides whether s[i] is
 * at a word start. */
size_t urlnorm_span(const char *s, size_t n, size_t i);

/* Finds the next URL in s[*off..n): on success stores its start in *off
 * and its length in *len and returns 1; returns 0 when there is none. A URL
 * only starts where the byte before is not an ASCII letter or digit. */
int urlnorm_next(const char *s, size_t n, size_t *off, size_t *len);

/* Writes the canonical form of url[0..n) ("host/path?query", no scheme)
 * and a NUL into out (cap bytes) and returns its length, or 0 when url is
 * not an http(s) URL with a plausible host or the result needs cap bytes
 * or more (or more than URLNORM_MAX). */
size_t urlnorm_canonical(const char *url, size_t n, char *out, size_t cap);

/* Writes the registrable domain of a URL or canonical URL or bare host
 * ("news.bbc.co.uk/x" -> "bbc.co.uk", "a.blogspot.com" ->
 * "a.blogspot.com") into out and returns its length, 0 when there is no
 * host or it does not fit. Uses a built-in approximation of the public
 * suffix list (documented). */
size_t urlnorm_domain(const char *url, size_t n, char *out, size_t cap);

#endif
