/* csvout.h - writing RFC 4180 CSV fields: quoted only when needed, quotes
 * doubled. Every CSV the project writes goes through here. */
#ifndef CIB_CSVOUT_H
#define CIB_CSVOUT_H

#include <stdio.h>

/* Writes s (NULL = empty) as one field, quoting if it holds a comma, quote,
 * CR or LF, or starts or ends with a space. A field starting with = + - @
 * is prefixed with a single quote so spreadsheets do not run it as a
 * formula (CSV injection); ids and numbers never start with those. */
void csvout_field(FILE *f, const char *s);

/* Writes the header fields of `names` (n of them) and a newline. */
void csvout_header(FILE *f, const char *const *names, int n);

#endif
