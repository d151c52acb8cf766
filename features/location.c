/* location.c - gazetteer lookup of claimed locations.
 *
 * Invariants: keys[] is sorted by normalised key with no duplicate keys (the
 * first line of the CSV wins); every key and every probe goes through the
 * same norm_text(), so "México", "MEXICO" and "mexico" meet. zone_tz[i] is
 * built at most once, under zone_lock, and never freed (it lives as long as
 * the process, reachable from a static).
 */
#include "features/location.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "features/tzconv.h"

extern const char data_locations_csv[];
extern const size_t data_locations_csv_len;

#define MAX_KEYS 4096
#define MAX_ZONES 512
#define KEY_MAX 96
#define SPAN_T0 ((int64_t)631152000)  /* 1990-01-01 */
#define SPAN_T1 ((int64_t)2208988800) /* 2040-01-01 */

enum loc_kind { K_STATE, K_COUNTRY, K_CITY, K_MULTI };

struct key {
	char s[KEY_MAX];
	uint16_t zone;
	uint8_t rank;     /* enum loc_kind: lower is more specific */
	uint8_t codeonly; /* matches only a whole part */
};

static struct key keys[MAX_KEYS];
static size_t nkeys;
static char zone_name[MAX_ZONES][TZCONV_NAME_MAX];
static size_t nzones;
static struct tzconv zone_tz[MAX_ZONES];
static uint8_t zone_ready[MAX_ZONES]; /* 1 built, 2 failed */
static char zone_dir[512]; /* "" = TZCONV_DEFAULT_DIR; under zone_lock */
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static enum cib_err init_err;

/* Case-folds and normalises s[0..n) into out (NUL-terminated): dots
 * dropped, separators become ',', other ASCII punctuation a space, runs of
 * spaces one space. Returns the length, or -1 on invalid UTF-8. */
static int norm_text(const char *s, size_t n, char *out, size_t cap)
{
	utf8proc_uint8_t *f = NULL;
	utf8proc_ssize_t fl;
	size_t o = 0;
	int space = 1;

	if (n > LOCATION_MAX_BYTES) {
		n = LOCATION_MAX_BYTES;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	fl = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &f,
			  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
				  UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (fl < 0)
		return -1;
	for (utf8proc_ssize_t i = 0; i < fl && o + 2 < cap; i++) {
		unsigned char c = f[i];

		if (c == '.')
			continue;
		/* U+00B7 middle dot and U+2022 bullet separate parts too */
		if (c == 0xC2 && i + 1 < fl && f[i + 1] == 0xB7) {
			c = ',';
			i++;
		} else if (c == 0xE2 && i + 2 < fl && f[i + 1] == 0x80 &&
			   f[i + 2] == 0xA2) {
			c = ',';
			i += 2;
		}
		if (c == ',' || c == '/' || c == '|' || c == ';' || c == '(' ||
		    c == ')' || c == '[' || c == ']' || c == '\n') {
			while (o > 0 && out[o - 1] == ' ')
				o--;
			out[o++] = ',';
			space = 1;
			continue;
		}
		if (c < 0x80 && c != '\'' && c != '-' &&
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = ' ';
		if (c == ' ') {
			if (!space)
				out[o++] = ' ';
			space = 1;
			continue;
		}
		out[o++] = (char)c;
		space = 0;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	free(f);
	return (int)o;
}

/* Copies s[0..n) into out, turning each \uXXXX escape of the gazetteer
 * into UTF-8. Returns the length, or -1 on a bad escape or overflow. */
static int unescape(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned cp = 0;

		if (s[i] != '\\') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = s[i];
			continue;
		}
		if (i + 5 >= n || s[i + 1] != 'u')
			return -1;
		for (int k = 2; k < 6; k++) {
			char c = s[i + (size_t)k];
			unsigned v = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
				     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
							    : 16;
			if (v > 15)
				return -1;
			cp = cp * 16 + v;
		}
		i += 5;
		if (o + 4 >= cap)
			return -1;
		o += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp,
						  (utf8proc_uint8_t *)out + o);
	}
	out[o] = '\0';
	return (int)o;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->s, ((const struct key *)b)->s);
}

static enum cib_err parse_kind(const char *s, size_t n, struct key *k)
{
	static const struct {
		const char *name;
		uint8_t rank, codeonly;
	} kinds[] = {
		{ "state", K_STATE, 0 },	 { "statecode", K_STATE, 1 },
		{ "country", K_COUNTRY, 0 },	 { "countrycode", K_COUNTRY, 1 },
		{ "city", K_CITY, 0 },		 { "citycode", K_CITY, 1 },
		{ "country_multi", K_MULTI, 0 }, { "countrycode_multi", K_MULTI, 1 },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, s, n) == 0) {
			k->rank = kinds[i].rank;
			k->codeonly = kinds[i].codeonly;
			return CIB_OK;
		}
	return CIB_EPARSE;
}

static enum cib_err parse_table(void)
{
	const char *s = data_locations_csv, *end = s + data_locations_csv_len;
	int header = 1;
	size_t w = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *c1, *c2;
		struct key *k;
		size_t zl, z;
		char raw[KEY_MAX];
		int ul;

		if (le > s && le[-1] == '\r')
			le--;
		if (le == s || *s == '#' || header) {
			if (le != s && *s != '#')
				header = 0;
			s = nl ? nl + 1 : end;
			continue;
		}
		c1 = memchr(s, ',', (size_t)(le - s));
		c2 = c1 ? memchr(c1 + 1, ',', (size_t)(le - c1 - 1)) : NULL;
		if (!c2 || nkeys >= MAX_KEYS)
			return CIB_EPARSE;
		k = &keys[nkeys];
		ul = unescape(s, (size_t)(c1 - s), raw, sizeof(raw));
		if (ul <= 0 || norm_text(raw, (size_t)ul, k->s, sizeof(k->s)) <= 0 ||
		    parse_kind(c2 + 1, (size_t)(le - c2 - 1), k) != CIB_OK)
			return CIB_EPARSE;
		zl = (size_t)(c2 - c1 - 1);
		if (zl == 0 || zl >= TZCONV_NAME_MAX)
			return CIB_EPARSE;
		for (z = 0; z < nzones; z++)
			if (strlen(zone_name[z]) == zl &&
			    memcmp(zone_name[z], c1 + 1, zl) == 0)
				break;
		if (z == nzones) {
			if (nzones >= MAX_ZONES)
				return CIB_EPARSE;
			memcpy(zone_name[z], c1 + 1, zl);
			zone_name[z][zl] = '\0';
			nzones++;
		}
		k->zone = (uint16_t)z;
		nkeys++;
		s = nl ? nl + 1 : end;
	}
	/* stable de-duplication: first line wins */
	for (size_t i = 0; i < nkeys; i++) {
		int dup = 0;

		for (size_t j = 0; j < w && !dup; j++)
			dup = strcmp(keys[j].s, keys[i].s) == 0;
		if (!dup)
			keys[w++] = keys[i];
	}
	nkeys = w;
	qsort(keys, nkeys, sizeof(keys[0]), key_cmp);
	return CIB_OK;
}

static void init_once(void)
{
	init_err = parse_table();
	if (init_err)
		nkeys = 0;
}

enum cib_err location_init(void)
{
	pthread_once(&once, init_once);
	return init_err;
}

static const struct key *find(const char *s, size_t n)
{
	struct key probe;

	if (n == 0 || n >= KEY_MAX)
		return NULL;
	memcpy(probe.s, s, n);
	probe.s[n] = '\0';
	return bsearch(&probe, keys, nkeys, sizeof(keys[0]), key_cmp);
}

/* Best match in one part: the whole part (any kind), else word n-grams of
 * up to 3 words (no codes). */
static const struct key *match_part(const char *p, size_t n)
{
	const struct key *best = find(p, n), *k;
	size_t ws[64], we[64], nw = 0;

	if (best)
		return best;
	for (size_t i = 0; i < n && nw < 64;) {
		while (i < n && p[i] == ' ')
			i++;
		if (i >= n)
			break;
		ws[nw] = i;
		while (i < n && p[i] != ' ')
			i++;
		we[nw++] = i;
	}
	for (size_t len = 3; len >= 1; len--)
		for (size_t i = 0; i + len <= nw; i++) {
			k = find(p + ws[i], we[i + len - 1] - ws[i]);
			if (k && !k->codeonly && (!best || k->rank < best->rank))
				best = k;
		}
	return best;
}

static const struct key *match(const char *location)
{
	char buf[LOCATION_MAX_BYTES * 4 + 8];
	const struct key *best = NULL;
	int n;

	if (!location || !*location || location_init() != CIB_OK)
		return NULL;
	n = norm_text(location, strlen(location), buf, sizeof(buf));
	if (n <= 0)
		return NULL;
	for (int i = 0; i < n;) {
		int j = i;
		const struct key *k;

		while (j < n && buf[j] != ',')
			j++;
		while (i < j && buf[i] == ' ')
			i++;
		k = match_part(buf + i, (size_t)(j - i));
		/* on equal rank the later part wins: "Washington, DC" */
		if (k && (!best || k->rank <= best->rank))
			best = k;
		i = j + 1;
	}
	return best;
}

int location_zone(const char *location, const char **iana)
{
	const struct key *k = match(location);

	if (!k)
		return -1;
	if (iana)
		*iana = zone_name[k->zone];
	return 0;
}

/* zone_lock held */
static int zone_build(size_t z)
{
	if (!zone_ready[z])
		zone_ready[z] = tzconv_init_coarse(&zone_tz[z], zone_dir,
						   zone_name[z],
						   SPAN_T0, SPAN_T1) == CIB_OK
					? 1
					: 2;
	return zone_ready[z] == 1;
}

enum cib_err location_set_zonedir(const char *dir)
{
	enum cib_err err = CIB_OK;

	if (!dir)
		dir = "";
	if (strlen(dir) >= sizeof(zone_dir))
		return CIB_ERANGE;
	pthread_mutex_lock(&zone_lock);
	if (strcmp(dir, zone_dir) != 0) {
		for (size_t z = 0; z < MAX_ZONES && !err; z++)
			if (zone_ready[z])
				err = CIB_EUSAGE;
		if (!err)
			snprintf(zone_dir, sizeof(zone_dir), "%s", dir);
	}
	pthread_mutex_unlock(&zone_lock);
	return err;
}

enum cib_err location_init_all(void)
{
	enum cib_err err = location_init();

	if (err)
		return err;
	pthread_mutex_lock(&zone_lock);
	for (size_t z = 0; z < nzones; z++)
		zone_build(z);
	pthread_mutex_unlock(&zone_lock);
	return CIB_OK;
}

int location_offset(const char *location, int64_t t, int32_t *offset_min)
{
	const struct key *k = match(location);
	int ok;

	if (!k)
		return -1;
	pthread_mutex_lock(&zone_lock);
	ok = zone_build(k->zone);
	pthread_mutex_unlock(&zone_lock);
	if (!ok)
		return -1;
	if (offset_min)
		*offset_min = tzconv_offset(&zone_tz[k->zone], t);
	return 0;
}
