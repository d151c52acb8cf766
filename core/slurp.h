/* slurp.h - a whole small file into memory, with a cap.
 *
 * For the files read whole (a model, a checkpoint, a time zone): the cap
 * bounds what a wrong path or a hostile file can make us allocate, and a
 * file past it is an error, never silently cut.
 */
#ifndef CIB_SLURP_H
#define CIB_SLURP_H

#include <stddef.h>

#include "error.h"

/* Reads all of `path` into a new buffer (*out, caller frees; NUL-terminated
 * after its *n bytes). CIB_ENOTFOUND when the file does not exist, CIB_EIO
 * when it cannot be opened or read (errno says why), CIB_ETOOBIG when it
 * holds more than max bytes, CIB_ENOMEM. *out is NULL on error. */
enum cib_err slurp_file(const char *path, size_t max, char **out, size_t *n);

#endif
