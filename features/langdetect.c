/* langdetect.c - platform code, then script, then textcat.
 *
 * Invariants: every answer is either STR_NONE or an id of one of the short
 * codes produced by langdetect_normalize() or the fingerprint table below,
 * so the platform's "zh-cn" and a detected "zh" compare equal. The text
 * cache holds LANGDETECT_UNSET for texts never classified; it is sized to
 * the dataset's string count and reset when another dataset is passed.
 * Cost per post: one array read when cached; otherwise one pass over at
 * most LANGDETECT_SCAN_MAX bytes and, rarely, one textcat call.
 */
#include "langdetect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libexttextcat/textcat.h>
#include <utf8proc.h>

#include "core/outfile.h"

#define LANGDETECT_UNSET (UINT32_MAX - 1) /* never a valid string id */
/* Script counting looks at most this many bytes: the script of a post is
 * settled long before, and a 64 MiB "post" must not cost 64 MiB of work. */
#define LANGDETECT_SCAN_MAX 4096
/* Han, kana and Hangul letters weigh this many Latin letters when scripts
 * compete: a CJK character carries about a word's worth (mean English word
 * ~4.7 letters, mean Chinese word ~1.5 characters: ratio ~3). */
#define CJK_WEIGHT 3
/* Han+kana text is Japanese when at least 1/10 of it is kana: Japanese
 * prose runs 30-70% kana; Chinese uses kana only as a stray decoration. */
#define KANA_SHARE_NUM 1
#define KANA_SHARE_DEN 10
/* A one-language script needs two letters: one stray character (an emoji
 * variation, a name) does not make a post Thai. */
#define SCRIPT_MIN_LETTERS 2

struct script_range {
	uint32_t lo, hi;
	uint8_t script;
};

/* Sorted, non-overlapping. Only code points utf8proc calls letters are
 * looked up, so punctuation blocks inside these ranges do not count. */
static const struct script_range script_ranges[] = {
	{ 0x0041, 0x024F, SCRIPT_LATIN },     { 0x0250, 0x02AF, SCRIPT_LATIN },
	{ 0x0370, 0x03FF, SCRIPT_GREEK },     { 0x0400, 0x052F, SCRIPT_CYRILLIC },
	{ 0x0530, 0x058F, SCRIPT_ARMENIAN },  { 0x0590, 0x05FF, SCRIPT_HEBREW },
	{ 0x0600, 0x06FF, SCRIPT_ARABIC },    { 0x0750, 0x077F, SCRIPT_ARABIC },
	{ 0x08A0, 0x08FF, SCRIPT_ARABIC },    { 0x0900, 0x097F, SCRIPT_DEVANAGARI },
	{ 0x0980, 0x09FF, SCRIPT_BENGALI },   { 0x0A00, 0x0A7F, SCRIPT_GURMUKHI },
	{ 0x0A80, 0x0AFF, SCRIPT_GUJARATI },  { 0x0B80, 0x0BFF, SCRIPT_TAMIL },
	{ 0x0C00, 0x0C7F, SCRIPT_TELUGU },    { 0x0C80, 0x0CFF, SCRIPT_KANNADA },
	{ 0x0D00, 0x0D7F, SCRIPT_MALAYALAM }, { 0x0D80, 0x0DFF, SCRIPT_SINHALA },
	{ 0x0E00, 0x0E7F, SCRIPT_THAI },      { 0x0E80, 0x0EFF, SCRIPT_LAO },
	{ 0x0F00, 0x0FFF, SCRIPT_TIBETAN },   { 0x1000, 0x109F, SCRIPT_MYANMAR },
	{ 0x10A0, 0x10FF, SCRIPT_GEORGIAN },  { 0x1100, 0x11FF, SCRIPT_HANGUL },
	{ 0x1200, 0x139F, SCRIPT_ETHIOPIC },  { 0x1780, 0x17FF, SCRIPT_KHMER },
	{ 0x1C80, 0x1C8F, SCRIPT_CYRILLIC },  { 0x1C90, 0x1CBF, SCRIPT_GEORGIAN },
	{ 0x1E00, 0x1EFF, SCRIPT_LATIN },     { 0x1F00, 0x1FFF, SCRIPT_GREEK },
	{ 0x2C00, 0x2C5F, SCRIPT_OTHER },     { 0x2C60, 0x2C7F, SCRIPT_LATIN },
	{ 0x2DE0, 0x2DFF, SCRIPT_CYRILLIC },  { 0x3040, 0x309F, SCRIPT_KANA },
	{ 0x30A0, 0x30FF, SCRIPT_KANA },      { 0x3130, 0x318F, SCRIPT_HANGUL },
	{ 0x31F0, 0x31FF, SCRIPT_KANA },      { 0x3400, 0x4DBF, SCRIPT_HAN },
	{ 0x4E00, 0x9FFF, SCRIPT_HAN },       { 0xA640, 0xA69F, SCRIPT_CYRILLIC },
	{ 0xA720, 0xA7FF, SCRIPT_LATIN },     { 0xA960, 0xA97F, SCRIPT_HANGUL },
	{ 0xAB30, 0xAB6F, SCRIPT_LATIN },     { 0xAC00, 0xD7FF, SCRIPT_HANGUL },
	{ 0xF900, 0xFAFF, SCRIPT_HAN },       { 0xFB1D, 0xFB4F, SCRIPT_HEBREW },
	{ 0xFB50, 0xFDFF, SCRIPT_ARABIC },    { 0xFE70, 0xFEFF, SCRIPT_ARABIC },
	{ 0xFF21, 0xFF5A, SCRIPT_LATIN },     { 0xFF66, 0xFF9F, SCRIPT_KANA },
	{ 0xFFA0, 0xFFDC, SCRIPT_HANGUL },    { 0x20000, 0x323AF, SCRIPT_HAN },
};

static const char *const script_langs[SCRIPT__COUNT] = {
	[SCRIPT_HAN] = "zh",	   [SCRIPT_KANA] = "ja",
	[SCRIPT_HANGUL] = "ko",	   [SCRIPT_THAI] = "th",
	[SCRIPT_GREEK] = "el",	   [SCRIPT_HEBREW] = "he",
	[SCRIPT_GEORGIAN] = "ka",  [SCRIPT_ARMENIAN] = "hy",
	[SCRIPT_BENGALI] = "bn",   [SCRIPT_GURMUKHI] = "pa",
	[SCRIPT_GUJARATI] = "gu",  [SCRIPT_TAMIL] = "ta",
	[SCRIPT_TELUGU] = "te",	   [SCRIPT_KANNADA] = "kn",
	[SCRIPT_MALAYALAM] = "ml", [SCRIPT_SINHALA] = "si",
	[SCRIPT_LAO] = "lo",	   [SCRIPT_KHMER] = "km",
	[SCRIPT_MYANMAR] = "my",   [SCRIPT_TIBETAN] = "bo",
	[SCRIPT_ETHIOPIC] = "am",
};

/* The fingerprints textcat compares against: languages of the shared
 * scripts that are common on social media. A short list is both faster
 * (cost is linear in it) and more accurate on short posts than all 160
 * (with them, "lol" comes out Tok Pisin). Near-identical pairs where one
 * side is rare online (bs/hr/sr-Latn, nn/nb) keep only the common side. */
static const struct fp_entry {
	const char *file, *code;
	uint8_t script;
} fp_table[] = {
	{ "en.lm", "en", SCRIPT_LATIN },	 { "es.lm", "es", SCRIPT_LATIN },
	{ "pt.lm", "pt", SCRIPT_LATIN },	 { "fr.lm", "fr", SCRIPT_LATIN },
	{ "de.lm", "de", SCRIPT_LATIN },	 { "it.lm", "it", SCRIPT_LATIN },
	{ "nl.lm", "nl", SCRIPT_LATIN },	 { "id.lm", "id", SCRIPT_LATIN },
	{ "ms.lm", "ms", SCRIPT_LATIN },	 { "tl.lm", "tl", SCRIPT_LATIN },
	{ "tr.lm", "tr", SCRIPT_LATIN },	 { "pl.lm", "pl", SCRIPT_LATIN },
	{ "vi.lm", "vi", SCRIPT_LATIN },	 { "sv.lm", "sv", SCRIPT_LATIN },
	{ "da.lm", "da", SCRIPT_LATIN },	 { "nb.lm", "nb", SCRIPT_LATIN },
	{ "fi.lm", "fi", SCRIPT_LATIN },	 { "ro.lm", "ro", SCRIPT_LATIN },
	{ "cs.lm", "cs", SCRIPT_LATIN },	 { "sk.lm", "sk", SCRIPT_LATIN },
	{ "hu.lm", "hu", SCRIPT_LATIN },	 { "ca.lm", "ca", SCRIPT_LATIN },
	{ "hr.lm", "hr", SCRIPT_LATIN },	 { "sl.lm", "sl", SCRIPT_LATIN },
	{ "sq.lm", "sq", SCRIPT_LATIN },	 { "lt.lm", "lt", SCRIPT_LATIN },
	{ "lv.lm", "lv", SCRIPT_LATIN },	 { "et.lm", "et", SCRIPT_LATIN },
	{ "az.lm", "az", SCRIPT_LATIN },	 { "uz.lm", "uz", SCRIPT_LATIN },
	{ "sw.lm", "sw", SCRIPT_LATIN },	 { "ru.lm", "ru", SCRIPT_CYRILLIC },
	{ "uk.lm", "uk", SCRIPT_CYRILLIC },	 { "bg.lm", "bg", SCRIPT_CYRILLIC },
	{ "be.lm", "be", SCRIPT_CYRILLIC },	 { "sr-Cyrl.lm", "sr", SCRIPT_CYRILLIC },
	{ "mk.lm", "mk", SCRIPT_CYRILLIC },	 { "kk.lm", "kk", SCRIPT_CYRILLIC },
	{ "ar.lm", "ar", SCRIPT_ARABIC },	 { "fa.lm", "fa", SCRIPT_ARABIC },
	{ "ur.lm", "ur", SCRIPT_ARABIC },	 { "hi.lm", "hi", SCRIPT_DEVANAGARI },
	{ "mr.lm", "mr", SCRIPT_DEVANAGARI },	 { "ne.lm", "ne", SCRIPT_DEVANAGARI },
};

#define N_FP (sizeof(fp_table) / sizeof(fp_table[0]))

/* --- code normalisation -------------------------------------------- */

static const struct { const char *from, *to; } code_alias[] = {
	/* deprecated ISO 639-1 codes platforms still send */
	{ "in", "id" }, { "iw", "he" }, { "ji", "yi" }, { "jw", "jv" },
	{ "no", "nb" }, { "fil", "tl" }, { "mo", "ro" },
	/* Chinese varieties share the Han script; detection cannot tell them
	 * apart, so the platform's answer must not either */
	{ "cmn", "zh" }, { "yue", "zh" }, { "wuu", "zh" }, { "zho", "zh" },
	{ "chi", "zh" }, { "nan", "zh" }, { "hak", "zh" }, { "lzh", "zh" },
	/* ISO 639-2/3 forms of the common languages */
	{ "eng", "en" }, { "spa", "es" }, { "por", "pt" }, { "fra", "fr" },
	{ "fre", "fr" }, { "deu", "de" }, { "ger", "de" }, { "ita", "it" },
	{ "nld", "nl" }, { "dut", "nl" }, { "rus", "ru" }, { "ukr", "uk" },
	{ "ara", "ar" }, { "fas", "fa" }, { "per", "fa" }, { "urd", "ur" },
	{ "hin", "hi" }, { "jpn", "ja" }, { "kor", "ko" }, { "tha", "th" },
	{ "vie", "vi" }, { "ind", "id" }, { "msa", "ms" }, { "may", "ms" },
	{ "zsm", "ms" }, { "tur", "tr" }, { "pol", "pl" }, { "tgl", "tl" },
	{ "heb", "he" }, { "ell", "el" }, { "gre", "el" }, { "nob", "nb" },
	{ "swe", "sv" }, { "dan", "da" }, { "fin", "fi" }, { "ron", "ro" },
	{ "rum", "ro" }, { "ces", "cs" }, { "cze", "cs" }, { "hun", "hu" },
	{ "ben", "bn" }, { "tam", "ta" }, { "pes", "fa" }, { "arb", "ar" },
};

/* Codes that say "no language": undetermined, no linguistic content,
 * multiple, and X's own qam/qct/qht/qme/qst (mentions, cashtags, hashtags,
 * media, short text) which fall in the private-use range qaa-qtz. */
static int code_is_nolang(const char *p)
{
	static const char *const none[] = { "und", "zxx", "mul", "mis",
					    "xx", "art", "unk" };

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (!strcmp(p, none[i]))
			return 1;
	/* qaa..qtz is reserved for private use */
	if (strlen(p) == 3 && p[0] == 'q' && p[1] >= 'a' && p[1] <= 't')
		return 1;
	return 0;
}

size_t langdetect_normalize(const char *code, size_t n, char *out, size_t cap)
{
	char p[4];
	size_t a = 0, b = n, k = 0;

	if (cap < LANGDETECT_CODE_MAX + 1 || !code)
		return 0;
	out[0] = '\0';
	while (a < b && isspace((unsigned char)code[a]))
		a++;
	while (b > a && isspace((unsigned char)code[b - 1]))
		b--;
	/* primary subtag: letters up to '-' or '_' */
	while (a + k < b && code[a + k] != '-' && code[a + k] != '_') {
		unsigned char c = (unsigned char)code[a + k];

		if (!isalpha(c) || c >= 0x80 || k == 3)
			return 0;
		p[k++] = (char)tolower(c);
	}
	if (k < 2)
		return 0;
	p[k] = '\0';
	/* the rest must look like subtags: alphanumerics and separators */
	for (size_t i = a + k; i < b; i++) {
		unsigned char c = (unsigned char)code[i];

		if (c >= 0x80 || !(isalnum(c) || c == '-' || c == '_'))
			return 0;
	}
	if (code_is_nolang(p))
		return 0;
	for (size_t i = 0; i < sizeof(code_alias) / sizeof(code_alias[0]); i++)
		if (!strcmp(p, code_alias[i].from)) {
			snprintf(out, cap, "%s", code_alias[i].to);
			return strlen(out);
		}
	memcpy(out, p, k + 1);
	return k;
}

/* Which textcat handle serves a shared script; -1 for the others. */
static int tc_index(enum lang_script sc)
{
	switch (sc) {
	case SCRIPT_LATIN: return 0;
	case SCRIPT_CYRILLIC: return 1;
	case SCRIPT_ARABIC: return 2;
	case SCRIPT_DEVANAGARI: return 3;
	default: return -1;
	}
}

/* --- script detection ---------------------------------------------- */

static enum lang_script cp_script(int32_t cp)
{
	size_t lo = 0, hi = sizeof(script_ranges) / sizeof(script_ranges[0]);

	if (cp < 0x41)
		return SCRIPT_NONE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uint32_t)cp < script_ranges[mid].lo)
			hi = mid;
		else if ((uint32_t)cp > script_ranges[mid].hi)
			lo = mid + 1;
		else
			return (enum lang_script)script_ranges[mid].script;
	}
	return SCRIPT_OTHER;
}

static int is_letter(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
	       c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LM ||
	       c == UTF8PROC_CATEGORY_LO;
}

/* isspace() of the "C" locale, which cibscan never leaves (no
 * setlocale call): inline, without a call per byte. */
static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

size_t langdetect_skip_token(const char *s, size_t i, size_t n,
			     int keep_hashtags)
{
	size_t e = i;

	if (i > 0 && !is_space((unsigned char)s[i - 1]))
		return 0;
	/* every skipped token starts with one of these: most tokens are
	 * settled without finding their end */
	switch (s[i]) {
	case '@': case '#': case 'h': case 'w': case 'R':
		break;
	default:
		return 0;
	}
	while (e < n && !is_space((unsigned char)s[e]))
		e++;
	if (s[i] == '@' || (s[i] == '#' && !keep_hashtags))
		return e - i;
	if ((e - i >= 7 && !strncmp(s + i, "http://", 7)) ||
	    (e - i >= 8 && !strncmp(s + i, "https://", 8)) ||
	    (e - i >= 4 && !strncmp(s + i, "www.", 4)))
		return e - i;
	if (e - i == 2 && s[i] == 'R' && s[i + 1] == 'T')
		return 2;
	return 0;
}

/* Scans s, counting letters per script and (when clean != NULL) copying
 * the kept text, at most LANGDETECT_MAX_BYTES, into clean. */
static enum lang_script scan_text(const char *s, size_t n, size_t *letters,
				  char *clean, size_t *clean_len)
{
	size_t cnt[SCRIPT__COUNT] = { 0 };
	size_t i = 0, cl = 0, total = 0, best_w = 0;
	enum lang_script best = SCRIPT_NONE;

	if (n > LANGDETECT_SCAN_MAX)
		n = LANGDETECT_SCAN_MAX;
	while (i < n) {
		size_t skip = langdetect_skip_token(s, i, n, 0);
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;

		if (skip) {
			i += skip;
			continue;
		}
		len = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				       (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0) { /* invalid byte: skip it */
			i++;
			continue;
		}
		if (is_letter(cp)) {
			cnt[cp_script(cp)]++;
			total++;
		}
		if (clean && cl + (size_t)len <= LANGDETECT_MAX_BYTES) {
			memcpy(clean + cl, s + i, (size_t)len);
			cl += (size_t)len;
		}
		i += (size_t)len;
	}
	if (clean_len)
		*clean_len = cl;
	if (letters)
		*letters = total;
	/* Han and kana compete together, then split by the kana share */
	for (int sc = SCRIPT_LATIN; sc < SCRIPT__COUNT; sc++) {
		size_t w = cnt[sc];

		if (sc == SCRIPT_KANA)
			continue;
		if (sc == SCRIPT_HAN)
			w = (cnt[SCRIPT_HAN] + cnt[SCRIPT_KANA]) * CJK_WEIGHT;
		else if (sc == SCRIPT_HANGUL)
			w *= CJK_WEIGHT;
		if (w > best_w) {
			best_w = w;
			best = (enum lang_script)sc;
		}
	}
	if (best == SCRIPT_HAN &&
	    cnt[SCRIPT_KANA] * KANA_SHARE_DEN >=
		    (cnt[SCRIPT_HAN] + cnt[SCRIPT_KANA]) * KANA_SHARE_NUM)
		best = SCRIPT_KANA;
	if (letters && best != SCRIPT_NONE) {
		*letters = best == SCRIPT_HAN || best == SCRIPT_KANA
				   ? cnt[SCRIPT_HAN] + cnt[SCRIPT_KANA]
				   : cnt[best];
	}
	return best;
}

enum lang_script langdetect_script(const char *s, size_t n, size_t *letters)
{
	return scan_text(s, n, letters, NULL, NULL);
}

const char *langdetect_script_lang(enum lang_script sc)
{
	if ((int)sc < 0 || sc >= SCRIPT__COUNT)
		return NULL;
	return script_langs[sc];
}

size_t langdetect_text(struct langdetect *ld, const char *s, size_t n,
		       char *out, size_t cap)
{
	char clean[LANGDETECT_MAX_BYTES];
	size_t letters, cl;
	enum lang_script sc;
	const char *code;
	int k, ti;

	if (cap < LANGDETECT_CODE_MAX + 1)
		return 0;
	out[0] = '\0';
	sc = scan_text(s, n, &letters, clean, &cl);
	code = langdetect_script_lang(sc);
	if (code) {
		if (letters < SCRIPT_MIN_LETTERS)
			return 0;
		ld->n_script++;
		snprintf(out, cap, "%s", code);
		return strlen(out);
	}
	if (tc_index(sc) < 0)
		return 0;
	ti = tc_index(sc);
	if (!ld->tc[ti] || letters < LANGDETECT_MIN_LETTERS) {
		ld->n_short++;
		return 0;
	}
	ld->n_textcat++;
	k = textcat_ClassifyFull(ld->tc[ti], clean, cl, ld->cand[ti]);
	/* textcat lists every language within 3% of the best score (up to
	 * 5; more is "unknown", 0). Several candidates mean textcat itself
	 * cannot separate them; a wrong label would fake a language switch
	 * later, so only a single candidate is an answer. */
	if (k != 1) {
		ld->n_ambiguous++;
		return 0;
	}
	/* names in the handle are our own codes (see load_script) */
	snprintf(out, cap, "%s", ((const candidate_t *)ld->cand[ti])[0].name);
	return strlen(out);
}

/* --- lifecycle ----------------------------------------------------- */

enum cib_err langdetect_init(struct langdetect *ld)
{
	return langdetect_init_in(ld, LANGDETECT_FP_DIR, NULL);
}

/* The entries of fp_table for script ti, written to fd (closed here): 1,
 * 0 when a write failed, -1 when fd could not be used at all. */
static int write_list(int fd, int ti)
{
	FILE *f = fdopen(fd, "w");
	int ok = 1;

	if (!f) {
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < N_FP; i++)
		if (tc_index((enum lang_script)fp_table[i].script) == ti &&
		    fprintf(f, "%s %s\n", fp_table[i].file, fp_table[i].code) < 0)
			ok = 0;
	if (fclose(f))
		ok = 0;
	return ok;
}

/* textcat reads its list from a file: we write the entries of fp_table
 * for one script to a private temporary file in `tmp`, load it, remove
 * it. */
static enum cib_err load_script(struct langdetect *ld, const char *dir,
				const char *tmp, int ti)
{
	char path[512];
	sigset_t old;
	int fd, ok;

	snprintf(path, sizeof(path), "%s/cibscan-textcat-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	/* the file lives for a few milliseconds; a signal held until it is
	 * removed cannot leave it behind */
	outfile_signals_hold(&old);
	fd = mkstemp(path);
	ok = fd < 0 ? -1 : write_list(fd, ti);
	if (ok > 0)
		ld->tc[ti] = special_textcat_Init(path, dir);
	if (fd >= 0)
		unlink(path);
	outfile_signals_restore(&old);
	if (ok < 0) {
		snprintf(ld->errmsg, sizeof(ld->errmsg),
			 "cannot create temporary file '%s'", path);
		return CIB_EIO;
	}
	if (!ok || !ld->tc[ti]) {
		snprintf(ld->errmsg, sizeof(ld->errmsg),
			 "cannot load language fingerprints from '%s'", dir);
		return ok ? CIB_ELIB : CIB_EIO;
	}
	ld->cand[ti] = textcat_GetClassifyFullOutput(ld->tc[ti]);
	return ld->cand[ti] ? CIB_OK : CIB_ENOMEM;
}

enum cib_err langdetect_init_dir(struct langdetect *ld, const char *dir)
{
	return langdetect_init_in(ld, dir, NULL);
}

enum cib_err langdetect_init_in(struct langdetect *ld, const char *dir,
				const char *tmpdir)
{
	memset(ld, 0, sizeof(*ld));
	if (!dir)
		return CIB_OK;
	for (size_t i = 0; i < N_FP; i++) {
		char fp[512];

		snprintf(fp, sizeof(fp), "%s%s", dir, fp_table[i].file);
		if (access(fp, R_OK)) {
			snprintf(ld->errmsg, sizeof(ld->errmsg),
				 "cannot read language fingerprint '%s'", fp);
			return CIB_ENOTFOUND;
		}
	}
	for (int ti = 0; ti < LANGDETECT_TC_SCRIPTS; ti++) {
		enum cib_err err = load_script(ld, dir, tmpdir, ti);

		if (err)
			return err;
	}
	return CIB_OK;
}

void langdetect_release(struct langdetect *ld)
{
	if (!ld)
		return;
	for (int ti = 0; ti < LANGDETECT_TC_SCRIPTS; ti++) {
		if (!ld->tc[ti])
			continue;
		if (ld->cand[ti])
			textcat_ReleaseClassifyFullOutput(ld->tc[ti], ld->cand[ti]);
		textcat_Done(ld->tc[ti]);
	}
	strlayer_release(&ld->strs);
	free(ld->text_cache);
	free(ld->code_key);
	free(ld->code_val);
	memset(ld, 0, sizeof(*ld));
}

/* --- caches -------------------------------------------------------- */

static void cache_reset(struct langdetect *ld, const struct dataset *ds)
{
	strlayer_release(&ld->strs);
	strlayer_init(&ld->strs, ds ? &ds->strings : NULL);
	free(ld->text_cache);
	free(ld->code_key);
	free(ld->code_val);
	ld->text_cache = NULL;
	ld->text_cache_n = 0;
	ld->code_key = ld->code_val = NULL;
	ld->code_nslots = ld->code_n = 0;
	ld->ds = ds;
	ld->nstrings = 0;
}

/* Makes the text cache cover text id `id` (ds->texts); 0 on success. */
static int text_cache_cover(struct langdetect *ld, const struct dataset *ds,
			    uint32_t id)
{
	size_t need = (size_t)id + 1, ncap;
	uint32_t *p;

	if (need <= ld->text_cache_n)
		return 0;
	ncap = ds->texts.n > need ? ds->texts.n : need;
	p = realloc(ld->text_cache, ncap * sizeof(*p));
	if (!p)
		return -1;
	for (size_t i = ld->text_cache_n; i < ncap; i++)
		p[i] = LANGDETECT_UNSET;
	ld->text_cache = p;
	ld->text_cache_n = ncap;
	return 0;
}

static uint32_t intern_code(struct langdetect *ld, const char *code, size_t n)
{
	uint32_t id;

	if (!n || strlayer_intern(&ld->strs, code, n, &id))
		return STR_NONE;
	return id;
}

static uint32_t code_hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352dU;
	k ^= k >> 15;
	return k;
}

void langdetect_reset(struct langdetect *ld)
{
	if (ld)
		cache_reset(ld, NULL);
}

/* The caches are valid for ds when they were filled from it and its pool
 * has not shrunk (a pool never shrinks; a smaller one is another one). */
static void cache_check(struct langdetect *ld, const struct dataset *ds)
{
	if (ld->ds != ds || ds->strings.n < ld->nstrings)
		cache_reset(ld, ds);
	ld->nstrings = ds->strings.n;
}

uint32_t langdetect_code(struct langdetect *ld, const struct dataset *ds,
			 uint32_t code)
{
	char out[LANGDETECT_CODE_MAX + 1];
	size_t mask, h, len;
	uint32_t val;

	if (code == STR_NONE)
		return STR_NONE;
	cache_check(ld, ds);
	if (ld->code_nslots) {
		mask = ld->code_nslots - 1;
		for (h = code_hash(code) & mask; ld->code_key[h] != STR_NONE;
		     h = (h + 1) & mask)
			if (ld->code_key[h] == code)
				return ld->code_val[h];
	}
	len = langdetect_normalize(ds_str(ds, code), strpool_len(&ds->strings, code),
				   out, sizeof(out));
	val = intern_code(ld, out, len);
	/* keep the table at most half full; on allocation failure just do
	 * not cache */
	if ((ld->code_n + 1) * 2 > ld->code_nslots) {
		size_t ns = ld->code_nslots ? ld->code_nslots * 2 : 64;
		uint32_t *nk = malloc(ns * sizeof(*nk));
		uint32_t *nv = malloc(ns * sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return val;
		}
		for (size_t i = 0; i < ns; i++)
			nk[i] = STR_NONE;
		for (size_t i = 0; i < ld->code_nslots; i++) {
			if (ld->code_key[i] == STR_NONE)
				continue;
			for (h = code_hash(ld->code_key[i]) & (ns - 1);
			     nk[h] != STR_NONE; h = (h + 1) & (ns - 1))
				;
			nk[h] = ld->code_key[i];
			nv[h] = ld->code_val[i];
		}
		free(ld->code_key);
		free(ld->code_val);
		ld->code_key = nk;
		ld->code_val = nv;
		ld->code_nslots = ns;
	}
	mask = ld->code_nslots - 1;
	for (h = code_hash(code) & mask; ld->code_key[h] != STR_NONE;
	     h = (h + 1) & mask)
		;
	ld->code_key[h] = code;
	ld->code_val[h] = val;
	ld->code_n++;
	return val;
}

uint32_t langdetect_intern(struct langdetect *ld, const struct dataset *ds,
			   const char *code, size_t n)
{
	cache_check(ld, ds);
	return intern_code(ld, code, n);
}

uint32_t langdetect_post(struct langdetect *ld, const struct dataset *ds,
			 uint32_t post)
{
	char out[LANGDETECT_CODE_MAX + 1];
	uint32_t text, val;
	size_t len;

	if (post >= ds->post.n)
		return STR_NONE;
	cache_check(ld, ds);
	val = langdetect_code(ld, ds, ds->post.lang[post]);
	if (val != STR_NONE) {
		ld->n_platform++;
		return val;
	}
	text = ds_text_id(ds, post);
	if (text == STR_NONE) {
		ld->n_unknown++;
		return STR_NONE;
	}
	if (text_cache_cover(ld, ds, text) == 0 &&
	    ld->text_cache[text] != LANGDETECT_UNSET) {
		ld->n_cache_hits++;
		val = ld->text_cache[text];
		if (val == STR_NONE)
			ld->n_unknown++;
		return val;
	}
	len = langdetect_text(ld, strpool_get(&ds->texts, text),
			      strpool_len(&ds->texts, text),
			      out, sizeof(out));
	val = intern_code(ld, out, len);
	if (val == STR_NONE)
		ld->n_unknown++;
	if (text < ld->text_cache_n)
		ld->text_cache[text] = val;
	return val;
}
