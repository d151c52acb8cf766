/* textnorm.c - normalising post texts and cutting them into shingles.
 *
 * The input is scanned once, left to right. ASCII separators, URLs,
 * mentions and HTML entities end a "run"; a run (at most RUN_BYTES bytes of
 * valid UTF-8 letters, digits and non-ASCII characters) is normalised as a
 * whole: all-ASCII runs by lower-casing, others by utf8proc (compatibility
 * decomposition with case folding and removal of default ignorables, then
 * canonical composition = NFKC_Casefold) into a stack buffer, after which
 * every code point is kept, dropped or turned into a word break by its
 * general category. Invariants: the output is valid UTF-8, contains no
 * leading, trailing or doubled space, and never exceeds cap - 1 bytes; no
 * allocation happens, so the functions are thread-safe.
 */
#include "textnorm.h"
#include "urlnorm.h"

#include "../core/sortu64.h"

#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

/* Longest run normalised in one utf8proc call. One input byte decomposes
 * to at most 6 code points (U+FDFA: 3 bytes -> 18), so DECOMP_CAP bounds the
 * buffer; a longer run is cut at a code point boundary, which can only
 * prevent a composition across the cut (documented). */
#define RUN_BYTES 256
#define DECOMP_CAP (RUN_BYTES * 6 + 16)

struct nout {
	char *p;
	size_t len, cap;
	int pending_space; /* a word break is owed before the next char */
	int prev_kept;     /* last code point was kept (marks may attach) */
	int full;
};

static int is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int is_space_ascii(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void out_break(struct nout *o)
{
	if (o->len > 0)
		o->pending_space = 1;
	o->prev_kept = 0;
}

static void out_cp(struct nout *o, int32_t cp)
{
	utf8proc_uint8_t b[4];
	size_t k, need;

	if (o->full)
		return;
	k = (size_t)utf8proc_encode_char(cp, b);
	need = k + (o->pending_space ? 1 : 0);
	if (o->cap == 0 || o->len + need > o->cap - 1) {
		o->full = 1;
		return;
	}
	if (o->pending_space)
		o->p[o->len++] = ' ';
	o->pending_space = 0;
	memcpy(o->p + o->len, b, k);
	o->len += k;
}

/* Keep, drop or break on one normalised code point. */
static void out_filter(struct nout *o, int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		out_cp(o, cp);
		o->prev_kept = 1;
		break;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
		/* a mark belongs to the letter before it; stray marks (after
		 * an emoji or a break) go */
		if (o->prev_kept)
			out_cp(o, cp);
		break;
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CF:
		break; /* enclosing keycaps, format controls: no break */
	default:
		out_break(o); /* punctuation, symbols, emoji, spaces */
		break;
	}
}

static void norm_run_cp(struct nout *o, const char *s, size_t n);

/* s[0..n) is valid UTF-8 with no ASCII separator. */
static void norm_run(struct nout *o, const char *s, size_t n)
{
	utf8proc_int32_t buf[DECOMP_CAP];
	utf8proc_ssize_t k;
	size_t i;
	int ascii = 1;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		for (i = 0; i < n && !o->full; i++) {
			unsigned char c = (unsigned char)s[i];

			out_cp(o, (c >= 'A' && c <= 'Z') ? c + 32 : c);
		}
		o->prev_kept = 1;
		return;
	}
	k = utf8proc_decompose((const utf8proc_uint8_t *)s,
			       (utf8proc_ssize_t)n, buf, DECOMP_CAP,
			       UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
				       UTF8PROC_CASEFOLD |
				       UTF8PROC_IGNORE | UTF8PROC_STABLE);
	if (k < 0 || k > DECOMP_CAP) {
		norm_run_cp(o, s, n);
		return;
	}
	k = utf8proc_normalize_utf32(buf, k, UTF8PROC_COMPOSE |
						     UTF8PROC_STABLE);
	if (k < 0) {
		norm_run_cp(o, s, n);
		return;
	}
	for (utf8proc_ssize_t j = 0; j < k && !o->full; j++)
		out_filter(o, buf[j]);
}

/* Fallback (never expected): one code point at a time. */
static void norm_run_cp(struct nout *o, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !o->full) {
		utf8proc_int32_t cp, buf[32];
		utf8proc_ssize_t l = utf8proc_iterate(
			(const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i),
			&cp);
		int last = 0;
		utf8proc_ssize_t k;

		if (l <= 0) {
			out_break(o);
			i++;
			continue;
		}
		k = utf8proc_decompose_char(cp, buf, 32,
					    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
						    UTF8PROC_CASEFOLD |
						    UTF8PROC_IGNORE,
					    &last);
		for (utf8proc_ssize_t j = 0; j >= 0 && j < k && j < 32; j++)
			out_filter(o, buf[j]);
		i += (size_t)l;
	}
}

static int is_handle_char(unsigned char c)
{
	return is_alnum_ascii(c) || c == '_';
}

/* Length of "@name" or "@name@host" at s[i] == '@', else 0. */
static size_t mention_at(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && is_handle_char((unsigned char)s[j]))
		j++;
	if (j == i + 1)
		return 0;
	if (j + 1 < n && s[j] == '@' && is_alnum_ascii((unsigned char)s[j + 1])) {
		j++;
		while (j < n && (is_alnum_ascii((unsigned char)s[j]) ||
				 s[j] == '.' || s[j] == '-'))
			j++;
	}
	return j - i;
}

/* Length of an HTML character reference ("&amp;", "&#39;") at s[i]. */
static size_t entity_at(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && j - i <= 10 &&
	       (is_alnum_ascii((unsigned char)s[j]) || s[j] == '#'))
		j++;
	if (j < n && s[j] == ';' && j > i + 1)
		return j + 1 - i;
	return 0;
}

/* Skips leading space and any number of "RT @name:" prefixes. */
static size_t skip_rt(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t j, m;

		while (i < n && is_space_ascii((unsigned char)s[i]))
			i++;
		if (n - i < 4 || (s[i] != 'R' && s[i] != 'r') ||
		    (s[i + 1] != 'T' && s[i + 1] != 't'))
			return i;
		j = i + 2;
		while (j < n && is_space_ascii((unsigned char)s[j]))
			j++;
		if (j == i + 2 || j >= n || s[j] != '@')
			return i;
		m = mention_at(s, n, j);
		if (m == 0)
			return i;
		j += m;
		if (j < n && s[j] == ':')
			j++;
		i = j;
	}
}

size_t textnorm_normalise(const char *s, size_t n, char *out, size_t cap)
{
	struct nout o = { out, 0, cap, 0, 0, 0 };
	size_t i;

	if (cap == 0)
		return 0;
	if (!s)
		n = 0;
	i = skip_rt(s, n);
	while (i < n && !o.full) {
		unsigned char c = (unsigned char)s[i];
		int word_start = i == 0 || !is_alnum_ascii((unsigned char)s[i - 1]);
		size_t m = 0, a;

		if (word_start && (c == 'h' || c == 'H' || c == 'w' || c == 'W'))
			m = urlnorm_span(s, n, i);
		if (m == 0 && c == '@' &&
		    (i == 0 || !is_handle_char((unsigned char)s[i - 1])))
			m = mention_at(s, n, i);
		if (m == 0 && c == '&')
			m = entity_at(s, n, i);
		if (m > 0) {
			out_break(&o);
			i += m;
			continue;
		}
		if (c < 0x80 && !is_alnum_ascii(c)) {
			out_break(&o);
			i++;
			continue;
		}
		/* a run of letters/digits/non-ASCII, ended by an ASCII
		 * separator, an invalid byte, a URL start or RUN_BYTES */
		a = i;
		while (i < n && i - a < RUN_BYTES) {
			unsigned char d = (unsigned char)s[i];
			utf8proc_int32_t cp;
			utf8proc_ssize_t l;

			if (d < 0x80) {
				if (!is_alnum_ascii(d))
					break;
				if (i > a && (d == 'h' || d == 'H' || d == 'w' ||
					      d == 'W') &&
				    !is_alnum_ascii((unsigned char)s[i - 1]) &&
				    urlnorm_span(s, n, i) > 0)
					break;
				i++;
				continue;
			}
			l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					     (utf8proc_ssize_t)(n - i), &cp);
			if (l <= 0)
				break;
			i += (size_t)l;
		}
		if (i > a) {
			norm_run(&o, s + a, i - a);
			continue;
		}
		/* invalid UTF-8 byte: a word break */
		out_break(&o);
		i++;
	}
	out[o.len] = '\0';
	return o.len;
}

int textnorm_is_unspaced(int32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) ||   /* Hiragana, Katakana */
	       (c >= 0x3100 && c <= 0x312F) ||   /* Bopomofo */
	       (c >= 0x31F0 && c <= 0x31FF) ||   /* Katakana ext */
	       (c >= 0x3400 && c <= 0x4DBF) ||   /* Han ext A */
	       (c >= 0x4E00 && c <= 0x9FFF) ||   /* Han */
	       (c >= 0xF900 && c <= 0xFAFF) ||   /* Han compatibility */
	       (c >= 0x20000 && c <= 0x3134F) || /* Han ext B-G */
	       (c >= 0x0E00 && c <= 0x0EFF) ||   /* Thai, Lao */
	       (c >= 0x1000 && c <= 0x109F) ||   /* Myanmar */
	       (c >= 0x1780 && c <= 0x17FF);     /* Khmer */
}

static int is_mark(int32_t cp)
{
	utf8proc_category_t k = utf8proc_category(cp);

	return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC;
}

struct shingler {
	const char *s;
	uint64_t seed;
	uint64_t *out;
	size_t k, cap;
};

static void shingle_emit(struct shingler *sh, size_t a, size_t b)
{
	if (sh->k < sh->cap && b > a)
		sh->out[sh->k++] = XXH3_64bits_withSeed(sh->s + a, b - a,
							  sh->seed);
}

/* One space-free token s[a..e): segments of spaced-script characters are
 * words; runs of unspaced-script characters give their character bigrams
 * (a run of one character gives that character). A unit is a base code
 * point with the marks that follow it. */
static void shingle_token(struct shingler *sh, size_t a, size_t e)
{
	size_t i = a, seg = a, prev_unit = a;
	int seg_type = 0; /* 0 none, 1 word, 2 unspaced run */
	unsigned units = 0;

	while (i < e) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate(
			(const utf8proc_uint8_t *)sh->s + i,
			(utf8proc_ssize_t)(e - i), &cp);
		size_t ua = i, ub;
		int t;

		if (l <= 0) {
			cp = 0xFFFD;
			l = 1;
		}
		ub = i + (size_t)l;
		while (ub < e) {
			utf8proc_int32_t c2;
			utf8proc_ssize_t l2 = utf8proc_iterate(
				(const utf8proc_uint8_t *)sh->s + ub,
				(utf8proc_ssize_t)(e - ub), &c2);

			if (l2 <= 0 || !is_mark(c2))
				break;
			ub += (size_t)l2;
		}
		t = textnorm_is_unspaced(cp) ? 2 : 1;
		if (t != seg_type) {
			if (seg_type == 1 || (seg_type == 2 && units == 1))
				shingle_emit(sh, seg, ua);
			seg = ua;
			seg_type = t;
			units = 0;
		}
		if (t == 2) {
			if (units > 0)
				shingle_emit(sh, prev_unit, ub);
			prev_unit = ua;
			units++;
		}
		i = ub;
	}
	if (seg_type == 1 || (seg_type == 2 && units == 1))
		shingle_emit(sh, seg, e);
}

size_t textnorm_shingles(const char *norm, size_t n, uint64_t seed,
			 uint64_t *out, size_t cap)
{
	struct shingler sh = { norm, seed, out, 0, cap };
	size_t i = 0, k;

	if (!norm || cap == 0)
		return 0;
	while (i < n && sh.k < cap) {
		size_t e = i;

		if (norm[i] == ' ') {
			i++;
			continue;
		}
		while (e < n && norm[e] != ' ')
			e++;
		shingle_token(&sh, i, e);
		i = e;
	}
	k = sh.k;
	if (k > 1) {
		size_t u = 1;

		sortu64_heap(out, k); /* no allocation: glibc's qsort may */
		for (size_t j = 1; j < k; j++)
			if (out[j] != out[u - 1])
				out[u++] = out[j];
		k = u;
	}
	return k;
}
