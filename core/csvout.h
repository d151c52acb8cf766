/* csvout.h - writing RFC 4180 CSV fields: quoted only when needed, quotes
 * doubled. Every CSV the project writes goes through here. */
#ifndef CIB_CSVOUT_H
#define CIB_CSVOUT_H

#include <stdio.h>

/* Writes s (NULL = empty) as one field, quoting if it holds a comma, quote,
 * CR or LF, or starts or ends with a space. Values are written exactly as
 * they are: ids such as base64 hashes may start with '+', and a consumer
 * matching ids must get them byte for byte (so no spreadsheet-formula
 * escaping here; docs/outputs.md says to import, not open, in a
 * spreadsheet). */
void csvout_field(FILE *f, const char *s);

/* Writes the header fields of `names` (n of them) and a newline. */
void csvout_header(FILE *f, const char *const *names, int n);

#endif
