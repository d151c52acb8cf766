/* csvout.h - writing RFC 4180 CSV fields: quoted only when needed, quotes
 * doubled. Every CSV the project writes goes through here.
 *
 * Two kinds of field. csvout_field() writes a value byte for byte (tables
 * for programs). csvout_text() writes a text cell of a table people open
 * in spreadsheets (accounts.csv, flagged.csv, clusters.csv, edges.csv,
 * the review export) guarded against formula injection, OWASP's rule: a
 * value that begins with '=', '+', '-', '@', tab or CR gets a single
 * quote in front, so a spreadsheet shows it as text instead of evaluating
 * it. Two exceptions and one addition keep it exact and reversible:
 *   - a plain decimal number ("-1", "+3.5") is not guarded: it cannot
 *     hold a formula, and negative ids (Telegram's) stay as they are;
 *   - a value that itself begins with a quote gets a second one, so the
 *     reader's inverse (csvout_unguard: drop one leading quote) gives
 *     back every value byte for byte.
 * Numbers written with fprintf are not text fields and are never guarded.
 */
#ifndef CIB_CSVOUT_H
#define CIB_CSVOUT_H

#include <stdio.h>

/* Writes s (NULL = empty) as one field, quoting if it holds a comma, quote,
 * CR or LF, or starts or ends with a space. */
void csvout_field(FILE *f, const char *s);

/* Writes s as a text cell: guarded as above unless raw, then as
 * csvout_field(). */
void csvout_text(FILE *f, const char *s, int raw);

/* 1 when csvout_text() would put a quote in front of s. */
int csvout_needs_guard(const char *s);

/* The inverse of the guard, for readers of a guarded table: s without
 * its first character when that is a single quote, else s. */
const char *csvout_unguard(const char *s);

/* Writes the header fields of `names` (n of them) and a newline. */
void csvout_header(FILE *f, const char *const *names, int n);

#endif
