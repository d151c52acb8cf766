/* location.h - a profile's claimed location text -> IANA zone -> UTC offset.
 *
 * The gazetteer is data/locations.csv (embedded): US states and their
 * two-letter codes, Canadian provinces, Australian states, countries and
 * major cities, in English and a few native spellings. Matching is on
 * case-folded, NFKC-normalised text split at commas and similar separators;
 * each part is tried whole, then as word n-grams (codes such as "TX" or "UK"
 * only as a whole part). When parts disagree the more specific kind wins:
 * state > single-zone country > city > multi-zone country ("Paris, Texas"
 * -> Texas, "Perth, Scotland" -> Scotland, "Los Angeles, USA" -> Los
 * Angeles); on a tie the later part ("Washington, DC"). See
 * docs/features-timing.md.
 *
 * Thread-safe: the table is parsed once; each zone's offset table is built
 * on first use under a lock, from the tz database directory set by
 * location_set_zonedir() (default: the system's, tzconv.h).
 */
#ifndef CIB_LOCATION_H
#define CIB_LOCATION_H

#include <stdint.h>

#include "core/error.h"

/* Longest location text considered; longer text is cut at a character
 * boundary (profile location fields are short; this bounds the work). */
#define LOCATION_MAX_BYTES 512

/* Parses the gazetteer (once). CIB_EPARSE if the embedded table is bad. */
enum cib_err location_init(void);

/* The tz database directory zone tables are built from (NULL or "": the
 * system's). CIB_EUSAGE when another directory was set and tables were
 * already built from it (they are shared by the whole process), CIB_ERANGE
 * when the path is too long. */
enum cib_err location_set_zonedir(const char *dir);

/* Also builds every zone's offset table now (about a second), so that later
 * calls never wait for a build. */
enum cib_err location_init_all(void);

/* Zone named by `location`: 0 and *iana (static storage) when found, -1
 * when unknown (NULL, empty, or no gazetteer entry matches). */
int location_zone(const char *location, const char **iana);

/* Offset (minutes east of UTC) of the claimed location at UTC time t, DST
 * included: 0 when found, -1 when unknown. Times outside 1990-2040 get the
 * offset at the nearer end. */
int location_offset(const char *location, int64_t t, int32_t *offset_min);

#endif
