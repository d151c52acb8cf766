/* textnorm.h - text normalisation and shingling for content-reuse detection.
 *
 * textnorm_normalise() maps a post's text to the form two copies of "the same
 * message" share: the leading "RT @x:" prefix, URLs, @mentions and HTML
 * entities removed; NFKC and Unicode case folding (utf8proc); default
 * ignorables, emoji, symbols and punctuation removed; letters, digits and
 * their combining marks of every script kept; words separated by exactly one
 * ASCII space, no leading or trailing space. Scripts written without spaces
 * (Han, kana, Thai, ...) pass through unchanged apart from NFKC/case folding.
 *
 * textnorm_shingles() turns a normalised text into the set of hashed
 * features whose Jaccard similarity the reuse module estimates: word
 * unigrams for space-separated scripts, character bigrams for scripts
 * written without spaces (see docs/features-reuse.md for why).
 *
 * Neither function allocates; both are safe to call from several threads.
 */
#ifndef CIB_TEXTNORM_H
#define CIB_TEXTNORM_H

#include <stddef.h>
#include <stdint.h>

/* Normalises s[0..n) (UTF-8; invalid bytes act as word separators) into
 * out, writing at most cap - 1 bytes and a terminating NUL (nothing when cap
 * is 0). Output is cut at a code point boundary when it would not fit.
 * Returns the number of bytes written, NUL excluded. `s` may be NULL when n
 * is 0. */
size_t textnorm_normalise(const char *s, size_t n, char *out, size_t cap);

/* Writes the distinct shingle hashes of the normalised text norm[0..n),
 * sorted ascending, into out[0..cap) and returns how many. Shingles are
 * taken in text order and at most cap are considered, so a text with more
 * than cap shingles is represented by its first cap (documented cap). Hashes
 * are XXH3-64 with `seed`. */
size_t textnorm_shingles(const char *norm, size_t n, uint64_t seed,
			 uint64_t *out, size_t cap);

/* Whether code point c belongs to a script written without spaces between
 * words (Han, Hiragana, Katakana, Bopomofo, Thai, Lao, Khmer, Myanmar). */
int textnorm_is_unspaced(int32_t c);

#endif
