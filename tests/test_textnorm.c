/* test_textnorm.c - normalisation and shingling against hand-written
 * expectations (each expected string worked out from the rules in
 * docs/features-reuse.md, not from running the code). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "features/textnorm.h"

struct ncase {
	const char *in, *want;
};

static const struct ncase norm_cases[] = {
	/* ASCII: case fold, punctuation to one space, trimmed */
	{ "Hello,   World!!", "hello world" },
	{ "", "" },
	{ "  ...  ", "" },
	/* retweet prefix, repeated, and a mention elsewhere */
	{ "RT @user_1: Stand with HK", "stand with hk" },
	{ "RT @a: RT @b: deep", "deep" },
	{ "thanks @bob for this", "thanks for this" },
	{ "@alice@mastodon.social hi", "hi" },
	/* "RT" that is not a prefix stays */
	{ "RT this now", "rt this now" },
	/* URLs go, also glued to CJK text; a trailing ')' goes too */
	{ "see https://t.co/AbC123 now", "see now" },
	{ "(www.example.com/x?a=1) ok", "ok" },
	{ "看https://t.co/x看", "看 看" },
	/* hashtags keep their word */
	{ "#Taiwan is #1", "taiwan is 1" },
	/* NFKC of full-width letters and digits; ideographic space */
	{ "\xef\xbc\xa8\xef\xbd\x85\xef\xbd\x8c\xef\xbd\x8c\xef\xbd\x8f"
	  "\xe3\x80\x80\xef\xbc\x91\xef\xbc\x92",
	  "hello 12" },
	/* case folding beyond ASCII: German sharp s, Greek final sigma */
	{ "Stra\xc3\x9f" "e", "strasse" },
	{ "\xce\xa3\xce\x99\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3",
	  "\xcf\x83\xce\xb9\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x83" },
	/* decomposed e + U+0301 composes to U+00E9 */
	{ "Cafe\xcc\x81", "caf\xc3\xa9" },
	/* emoji, flags, keycaps, variation selectors removed */
	{ "I \xe2\x9d\xa4\xef\xb8\x8f NY \xf0\x9f\x87\xba\xf0\x9f\x87\xb8",
	  "i ny" },
	{ "1\xef\xb8\x8f\xe2\x83\xa3 go", "1 go" },
	{ "win\xf0\x9f\x98\x80win", "win win" },
	/* Chinese kept, full-width comma and exclamation become breaks */
	{ "\xe4\xb8\xad\xe5\x9b\xbd\xe4\xba\xba\xe6\xb0\x91\xef\xbc\x8c"
	  "\xe5\x9b\xa2\xe7\xbb\x93\xef\xbc\x81",
	  "\xe4\xb8\xad\xe5\x9b\xbd\xe4\xba\xba\xe6\xb0\x91 "
	  "\xe5\x9b\xa2\xe7\xbb\x93" },
	/* mixed scripts without spaces stay one token */
	{ "\xe6\x97\xa5\xe6\x9c\xac" "English\xe3\x81\xae",
	  "\xe6\x97\xa5\xe6\x9c\xac" "english\xe3\x81\xae" },
	/* HTML entities as in the X API's text */
	{ "Tom &amp; Jerry &#39;x&#39;", "tom jerry x" },
	/* invalid UTF-8 bytes are breaks, never copied */
	{ "ab\xff\xfe" "cd", "ab cd" },
	{ "\xc3", "" },
	/* Arabic ligature U+FDFA expands to four words under NFKC */
	{ "\xef\xb7\xba",
	  "\xd8\xb5\xd9\x84\xd9\x89 \xd8\xa7\xd9\x84\xd9\x84\xd9\x87 "
	  "\xd8\xb9\xd9\x84\xd9\x8a\xd9\x87 \xd9\x88\xd8\xb3\xd9\x84\xd9\x85" },
	/* tabs and newlines */
	{ "a\tb\r\nc", "a b c" },
	/* an email is not a mention: its parts stay */
	{ "mail a@b.com", "mail a b com" },
};

static void test_normalise_table(void **state)
{
	char out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct ncase *c = &norm_cases[i];
		size_t n = textnorm_normalise(c->in, strlen(c->in), out,
					      sizeof(out));

		if (strcmp(out, c->want) != 0)
			print_error("case %zu: '%s' -> '%s', want '%s'\n", i,
				    c->in, out, c->want);
		assert_string_equal(out, c->want);
		assert_int_equal(n, strlen(c->want));
	}
}

static void test_normalise_cap(void **state)
{
	char out[8];

	(void)state;
	/* fits exactly: 7 bytes + NUL */
	assert_int_equal(textnorm_normalise("abc def", 7, out, 8), 7);
	assert_string_equal(out, "abc def");
	/* cut at a code point boundary: 中国人 is 9 bytes; cap 8 keeps 2 */
	assert_int_equal(textnorm_normalise("\xe4\xb8\xad\xe5\x9b\xbd\xe4\xba\xba",
					    9, out, 8), 6);
	assert_string_equal(out, "\xe4\xb8\xad\xe5\x9b\xbd");
	/* a space is never left dangling at the cut */
	assert_int_equal(textnorm_normalise("abcdef gh", 9, out, 8), 6);
	assert_string_equal(out, "abcdef");
	assert_int_equal(textnorm_normalise("abc", 3, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(textnorm_normalise("abc", 3, out, 0), 0);
	assert_int_equal(textnorm_normalise(NULL, 0, out, 8), 0);
}

static uint64_t h(const char *s)
{
	return XXH3_64bits_withSeed(s, strlen(s), 7);
}

static int has(const uint64_t *v, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static void test_shingles(void **state)
{
	uint64_t sh[64];
	size_t n;
	const char *zh = "\xe4\xb8\xad\xe5\x9b\xbd\xe4\xba\xba\xe6\xb0\x91";

	(void)state;
	/* words: a set, so the repeated "a" counts once */
	n = textnorm_shingles("a b a c", 7, 7, sh, 64);
	assert_int_equal(n, 3);
	assert_true(has(sh, n, h("a")) && has(sh, n, h("b")) && has(sh, n, h("c")));
	for (size_t i = 1; i < n; i++)
		assert_true(sh[i - 1] < sh[i]);
	/* 中国人民: bigrams 中国 国人 人民 */
	n = textnorm_shingles(zh, strlen(zh), 7, sh, 64);
	assert_int_equal(n, 3);
	assert_true(has(sh, n, h("\xe4\xb8\xad\xe5\x9b\xbd")));
	assert_true(has(sh, n, h("\xe5\x9b\xbd\xe4\xba\xba")));
	assert_true(has(sh, n, h("\xe4\xba\xba\xe6\xb0\x91")));
	/* a lone Han character is its own shingle; mixed token splits
	 * into the word and the bigram: 日本english -> 日本, english */
	n = textnorm_shingles("\xe4\xba\xba x", 5, 7, sh, 64);
	assert_int_equal(n, 2);
	assert_true(has(sh, n, h("\xe4\xba\xba")) && has(sh, n, h("x")));
	n = textnorm_shingles("\xe6\x97\xa5\xe6\x9c\xac" "english", 13, 7, sh,
			      64);
	assert_int_equal(n, 2);
	assert_true(has(sh, n, h("\xe6\x97\xa5\xe6\x9c\xac")));
	assert_true(has(sh, n, h("english")));
	/* Thai: a vowel mark stays with its consonant. กิน = ก + ิ + น:
	 * units กิ and น, one bigram: the whole word */
	n = textnorm_shingles("\xe0\xb8\x81\xe0\xb8\xb4\xe0\xb8\x99", 9, 7, sh,
			      64);
	assert_int_equal(n, 1);
	assert_true(has(sh, n, h("\xe0\xb8\x81\xe0\xb8\xb4\xe0\xb8\x99")));
	/* cap: only the first 2 shingles in text order are considered */
	n = textnorm_shingles("a b c d", 7, 7, sh, 2);
	assert_int_equal(n, 2);
	assert_true(has(sh, n, h("a")) && has(sh, n, h("b")));
	assert_int_equal(textnorm_shingles("", 0, 7, sh, 64), 0);
	assert_int_equal(textnorm_shingles("   ", 3, 7, sh, 64), 0);
}

/* 100 distinct words repeated: more than the insertion-sort limit, so the
 * heap sort runs; the result must be 100 strictly increasing hashes, each
 * the hash of one of the words. */
static void test_shingles_many(void **state)
{
	char text[2000], w[16];
	uint64_t sh[256];
	size_t len = 0, n;

	(void)state;
	for (int rep = 0; rep < 2; rep++)
		for (int i = 99; i >= 0; i--)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"w%d ", i);
	n = textnorm_shingles(text, len - 1, 7, sh, 256);
	assert_int_equal(n, 100);
	for (size_t i = 1; i < n; i++)
		assert_true(sh[i - 1] < sh[i]);
	for (int i = 0; i < 100; i++) {
		snprintf(w, sizeof(w), "w%d", i);
		assert_true(has(sh, n, h(w)));
	}
}

static void test_unspaced(void **state)
{
	(void)state;
	assert_true(textnorm_is_unspaced(0x4E2D));  /* 中 */
	assert_true(textnorm_is_unspaced(0x3042));  /* あ */
	assert_true(textnorm_is_unspaced(0x30AB));  /* カ */
	assert_true(textnorm_is_unspaced(0x0E01));  /* ก */
	assert_false(textnorm_is_unspaced(0xAC00)); /* 가: Korean uses spaces */
	assert_false(textnorm_is_unspaced('a'));
	assert_false(textnorm_is_unspaced(0x0430)); /* а */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_table),
		cmocka_unit_test(test_normalise_cap),
		cmocka_unit_test(test_shingles),
		cmocka_unit_test(test_shingles_many),
		cmocka_unit_test(test_unspaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
