/* textsafe.h - showing untrusted text where control characters do harm.
 *
 * Values from input files and from reviewers (handles, ids, notes, a bad
 * timestamp quoted in an error message) may hold ESC sequences that
 * rewrite a terminal, or bytes XML 1.0 cannot hold. These functions write
 * such text with every byte that is not safe shown as "\xNN" (two hex
 * digits), so the value stays readable and nothing reaches the terminal
 * or the XML parser raw. Everything else, including all valid UTF-8
 * above U+009F, is copied byte for byte.
 *
 *   TEXTSAFE_TERM: escapes C0 controls (tab and newline too: a value is
 *     one line), DEL, C1 controls (U+0080-U+009F, which some terminals
 *     obey) and every byte that is not part of valid UTF-8.
 *   TEXTSAFE_XML: the same, but keeps tab, newline and CR (XML allows
 *     them) and also escapes U+FFFE and U+FFFF (not XML characters).
 */
#ifndef CIB_TEXTSAFE_H
#define CIB_TEXTSAFE_H

#include <stddef.h>
#include <stdio.h>

enum textsafe_mode { TEXTSAFE_TERM, TEXTSAFE_XML };

/* 1 when s (NULL counts as "") needs no escaping in mode m. */
int textsafe_is_clean(const char *s, enum textsafe_mode m);

/* Writes s escaped to f. */
void textsafe_fputs(FILE *f, const char *s, enum textsafe_mode m);

/* Escapes s into buf (always NUL-terminated; cut at a whole escape when
 * cap is too small); returns buf. */
char *textsafe_escape(char *buf, size_t cap, const char *s,
		      enum textsafe_mode m);

/* A malloc'd escaped copy; caller frees. NULL when out of memory. */
char *textsafe_dup(const char *s, enum textsafe_mode m);

#endif
