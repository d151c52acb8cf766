/* langdetect.h - the language of a post.
 *
 * Order of evidence: the platform's own language field when it names a
 * language (normalised: "zh-CN" -> "zh", "in" -> "id", "und"/"zxx"/"qme"...
 * -> unknown); otherwise the text's script, which settles Han, kana,
 * Hangul, Thai, Greek, Hebrew and the other one-language scripts at once;
 * otherwise, for Latin, Cyrillic, Arabic and Devanagari text with at least
 * LANGDETECT_MIN_LETTERS letters, libexttextcat against a fixed list of
 * fingerprints. Anything else is unknown (STR_NONE): a short Latin text
 * ("lol", "ok 👍") has no reliable language and we do not guess one.
 *
 * Results are cached per text string id (texts are interned, so equal
 * texts are classified once) and per platform code string id.
 *
 * Thread-safety: none. A struct langdetect holds the textcat handle and
 * the caches, both mutated by every call; use one per thread.
 */
#ifndef CIB_LANGDETECT_H
#define CIB_LANGDETECT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/dataset.h"
#include "../core/error.h"
#include "../core/strlayer.h"

/* Latin/Cyrillic/Arabic/Devanagari text needs this many letters (URLs,
 * mentions and hashtags removed) before textcat is asked. */
#define LANGDETECT_MIN_LETTERS 20
/* textcat sees at most this many bytes of cleaned text: its cost grows
 * with the n-grams of the input, and 256 bytes (~40 words) already
 * settle the language of anything textcat can settle. */
#define LANGDETECT_MAX_BYTES 256
#define LANGDETECT_TC_SCRIPTS 4
/* Longest normalised code ("ckb", "fil" -> "tl"); out buffers need +1. */
#define LANGDETECT_CODE_MAX 8
/* Default fingerprint directory (libexttextcat-data). */
#define LANGDETECT_FP_DIR "/usr/share/libexttextcat/"

enum lang_script {
	SCRIPT_NONE = 0, /* no letters */
	SCRIPT_LATIN,
	SCRIPT_CYRILLIC,
	SCRIPT_ARABIC,
	SCRIPT_DEVANAGARI,
	SCRIPT_HAN,
	SCRIPT_KANA, /* Japanese: any Han+kana text with >= 10% kana */
	SCRIPT_HANGUL,
	SCRIPT_THAI,
	SCRIPT_GREEK,
	SCRIPT_HEBREW,
	SCRIPT_GEORGIAN,
	SCRIPT_ARMENIAN,
	SCRIPT_BENGALI,
	SCRIPT_GURMUKHI,
	SCRIPT_GUJARATI,
	SCRIPT_TAMIL,
	SCRIPT_TELUGU,
	SCRIPT_KANNADA,
	SCRIPT_MALAYALAM,
	SCRIPT_SINHALA,
	SCRIPT_LAO,
	SCRIPT_KHMER,
	SCRIPT_MYANMAR,
	SCRIPT_TIBETAN,
	SCRIPT_ETHIOPIC,
	SCRIPT_OTHER, /* letters of a script not listed */
	SCRIPT__COUNT
};

struct langdetect {
	/* one textcat handle per shared script (Latin, Cyrillic, Arabic,
	 * Devanagari): a text is compared only with its own script's
	 * languages. All NULL in script-only mode. */
	void *tc[LANGDETECT_TC_SCRIPTS];
	void *cand[LANGDETECT_TC_SCRIPTS]; /* candidate buffers */
	const struct dataset *ds; /* the dataset the caches refer to */
	uint32_t nstrings;        /* ds->strings.n when they were last valid */
	uint32_t *text_cache; /* text id -> lang id; LANGDETECT_UNSET */
	size_t text_cache_n;
	uint32_t *code_key, *code_val; /* open addressing, STR_NONE empty */
	/* the codes it answers with: a layer over the dataset's strings
	 * (core/strlayer.h), so "en" is the dataset's own id when it holds
	 * "en"; read them with langdetect_str() */
	struct strlayer strs;
	size_t code_nslots, code_n;
	/* counters, for reporting throughput and coverage */
	uint64_t n_platform, n_script, n_textcat, n_ambiguous, n_short,
		n_unknown, n_cache_hits;
	char errmsg[256];
};

/* Loads the default fingerprints (LANGDETECT_FP_DIR). CIB_ENOTFOUND with
 * ld->errmsg set when they cannot be read. Release with langdetect_release
 * even after a failure. */
enum cib_err langdetect_init(struct langdetect *ld);
/* Same with fingerprints from `dir` (ending in '/'); dir NULL means
 * script-only mode: Latin, Cyrillic, Arabic and Devanagari text is then
 * always unknown. */
enum cib_err langdetect_init_dir(struct langdetect *ld, const char *dir);
/* Same, writing textcat's short-lived list files into `tmpdir` (NULL or
 * "": /tmp; the command line passes $TMPDIR). */
enum cib_err langdetect_init_in(struct langdetect *ld, const char *dir,
				const char *tmpdir);
void langdetect_release(struct langdetect *ld);
/* Forgets the caches (keeps the fingerprints). Call it before using ld
 * with another dataset: the caches hold string ids of the last one, and
 * a new dataset may live at the same address. */
void langdetect_reset(struct langdetect *ld);

/* A post's language as a string id of ld->strs ("en", "zh", ...), or
 * STR_NONE when unknown. ds is only read. Interning may fail only on
 * memory exhaustion; the post is then reported unknown. */
uint32_t langdetect_post(struct langdetect *ld, const struct dataset *ds,
			 uint32_t post);

/* Normalises a platform or UI language code string id (ds->post.lang,
 * ds->acc.lang) to a short code's id in ld->strs, or STR_NONE. */
uint32_t langdetect_code(struct langdetect *ld, const struct dataset *ds,
			 uint32_t code);

/* The id in ld->strs of a short code (`n` bytes, as langdetect_str gave
 * it from another langdetect: a shard's result), interned for ds like
 * langdetect_post's answers; STR_NONE for "" or when out of memory. */
uint32_t langdetect_intern(struct langdetect *ld, const struct dataset *ds,
			   const char *code, size_t n);

/* The text of an id langdetect_post() or langdetect_code() returned ("" for
 * STR_NONE); valid until the next call with another dataset. */
static inline const char *langdetect_str(const struct langdetect *ld,
					 uint32_t id)
{
	return strlayer_get(&ld->strs, id);
}

/* Pure helpers, exposed for tests and other modules. */

/* Writes the normalised code of code[0..n) into out (cap >=
 * LANGDETECT_CODE_MAX + 1); returns its length, 0 for unknown. */
size_t langdetect_normalize(const char *code, size_t n, char *out,
			    size_t cap);

/* The dominant script of s[0..n) (see the .c for the weighting); *letters
 * receives the number of letters counted (may be NULL). URLs, @mentions
 * and #hashtags are not counted. */
enum lang_script langdetect_script(const char *s, size_t n, size_t *letters);

/* The language a one-language script implies ("zh" for SCRIPT_HAN), NULL
 * for scripts shared by many languages (Latin...) and SCRIPT_NONE. */
const char *langdetect_script_lang(enum lang_script sc);

/* Length of the whitespace-delimited token starting at s[i] (i < n) that
 * carries no language: a URL, an @mention, "RT", and, unless
 * keep_hashtags, a #hashtag; 0 when the token is to be kept (or s[i] does
 * not start a token). */
size_t langdetect_skip_token(const char *s, size_t i, size_t n,
			     int keep_hashtags);

/* Full text path (script, then textcat): writes the code into out (cap >=
 * LANGDETECT_CODE_MAX + 1) and returns its length, 0 for unknown. */
size_t langdetect_text(struct langdetect *ld, const char *s, size_t n,
		       char *out, size_t cap);

#endif
