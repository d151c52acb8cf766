/* platforms.h - one account and its posts, written in the shape each
 * platform's API or export really has (synth modes): cibscan normalised
 * JSONL, X API v2 pages, Mastodon statuses, Bluesky getAuthorFeed pages.
 * Each is read back by the matching collector (docs/formats.md). */
#ifndef CIB_PLATFORMS_H
#define CIB_PLATFORMS_H

#include <stddef.h>

#include "sout.h"
#include "world.h"

/* posts are the account's, sorted by time */
void platforms_jsonl(struct sout *w, const struct sacct *a,
		     const struct spost *const *posts, size_t n);
void platforms_xapi(struct sout *w, const struct sacct *a,
		    const struct spost *const *posts, size_t n);
void platforms_mastodon(struct sout *w, const struct sacct *a,
			const struct spost *const *posts, size_t n);
void platforms_bluesky(struct sout *w, const struct sacct *a,
		       const struct spost *const *posts, size_t n);

#endif
