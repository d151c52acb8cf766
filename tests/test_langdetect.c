/* test_langdetect.c - code normalisation, script detection, textcat on
 * clear cases, the per-post order of evidence and the caches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/dataset.h"
#include "features/langdetect.h"
#include "tests/testdir.h"

static void test_normalize_table(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "en", "en" },	      { "EN", "en" },	    { " ja ", "ja" },
		{ "zh-cn", "zh" },    { "zh-CN", "zh" },    { "zh_TW", "zh" },
		{ "zh-Hant", "zh" },  { "pt-BR", "pt" },    { "es-419", "es" },
		{ "en-gb", "en" },    { "und", "" },	    { "zxx", "" },
		{ "qme", "" },	      { "qht", "" },	    { "qam", "" },
		{ "qct", "" },	      { "qst", "" },	    { "mul", "" },
		{ "in", "id" },	      { "iw", "he" },	    { "fil", "tl" },
		{ "no", "nb" },	      { "cmn", "zh" },	    { "yue", "zh" },
		{ "eng", "en" },      { "fre", "fr" },	    { "ckb", "ckb" },
		{ "", "" },	      { "e", "" },	    { "english", "" },
		{ "x1", "" },	      { "en US", "" },	    { "\xe6\x97\xa5", "" },
		{ "-en", "" },
	};
	char out[LANGDETECT_CODE_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = langdetect_normalize(cases[i].in, strlen(cases[i].in),
						out, sizeof(out));

		if (strcmp(out, cases[i].out) || n != strlen(cases[i].out))
			fail_msg("normalize('%s') = '%s' (%zu), want '%s'",
				 cases[i].in, out, n, cases[i].out);
	}
	/* a buffer too small is refused, not overrun */
	assert_int_equal(langdetect_normalize("en", 2, out, 3), 0);
}

static void test_script_table(void **state)
{
	static const struct {
		const char *text;
		enum lang_script sc;
		const char *lang; /* langdetect_script_lang, NULL if shared */
	} cases[] = {
		{ "\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c", SCRIPT_HAN, "zh" }, /* 你好世界 */
		/* 東京に行きます: 3 Han, 4 kana -> Japanese */
		{ "\xe6\x9d\xb1\xe4\xba\xac\xe3\x81\xab\xe8\xa1\x8c\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x99", SCRIPT_KANA, "ja" },
		{ "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf", SCRIPT_KANA, "ja" }, /* こんにちは */
		{ "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94", SCRIPT_HANGUL, "ko" }, /* 안녕하세요 */
		{ "\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5", SCRIPT_THAI, "th" }, /* สวัสดี */
		{ "\xce\x93\xce\xb5\xce\xb9\xce\xac \xcf\x83\xce\xbf\xcf\x85", SCRIPT_GREEK, "el" }, /* Γειά σου */
		{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", SCRIPT_HEBREW, "he" }, /* שלום */
		{ "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", SCRIPT_CYRILLIC, NULL }, /* Привет */
		{ "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", SCRIPT_ARABIC, NULL }, /* مرحبا */
		{ "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87", SCRIPT_DEVANAGARI, NULL }, /* नमस्ते */
		{ "hello world", SCRIPT_LATIN, NULL },
		{ "123 !! ...", SCRIPT_NONE, NULL },
		{ "", SCRIPT_NONE, NULL },
		/* URLs and mentions do not count: the Han text wins */
		{ "@someuser https://t.co/abcdefgh \xe4\xbd\xa0\xe5\xa5\xbd", SCRIPT_HAN, "zh" },
		/* 4 Han chars weigh 12 > 8 Latin letters */
		{ "Hong Kong \xe9\xa6\x99\xe6\xb8\xaf\xe8\xad\xa6\xe5\xaf\x9f", SCRIPT_HAN, "zh" },
		/* 2 Han chars weigh 6 < 13 Latin letters */
		{ "I love Hong Kong \xe9\xa6\x99\xe6\xb8\xaf", SCRIPT_LATIN, NULL },
		/* 我们的国家很好很好很好の: 11 Han, 1 kana; 1/12 < 10%: Chinese */
		{ "\xe6\x88\x91\xe4\xbb\xac\xe7\x9a\x84\xe5\x9b\xbd\xe5\xae\xb6\xe5\xbe\x88\xe5\xa5\xbd\xe5\xbe\x88\xe5\xa5\xbd\xe5\xbe\x88\xe5\xa5\xbd\xe3\x81\xae", SCRIPT_HAN, "zh" },
		/* 我们的国家很好很好の: 9 Han, 1 kana; 1/10 reaches 10%: Japanese */
		{ "\xe6\x88\x91\xe4\xbb\xac\xe7\x9a\x84\xe5\x9b\xbd\xe5\xae\xb6\xe5\xbe\x88\xe5\xa5\xbd\xe5\xbe\x88\xe5\xa5\xbd\xe3\x81\xae", SCRIPT_KANA, "ja" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum lang_script sc = langdetect_script(cases[i].text,
						       strlen(cases[i].text), NULL);
		const char *l = langdetect_script_lang(sc);

		if (sc != cases[i].sc)
			fail_msg("case %zu: script %d, want %d", i, sc, cases[i].sc);
		if ((l == NULL) != (cases[i].lang == NULL) ||
		    (l && strcmp(l, cases[i].lang)))
			fail_msg("case %zu: lang %s", i, l ? l : "(null)");
	}
}

static void test_text_textcat(void **state)
{
	static const struct { const char *text, *lang; } cases[] = {
		{ "The police must protect the people of this great city tonight", "en" },
		{ "El gobierno anunci\xc3\xb3 nuevas medidas para la econom\xc3\xad" "a del pa\xc3\xads", "es" },
		{ "Die Regierung hat heute neue Ma\xc3\x9fnahmen f\xc3\xbcr die Wirtschaft angek\xc3\xbcndigt", "de" },
		{ "Le gouvernement a annonc\xc3\xa9 de nouvelles mesures pour l'\xc3\xa9" "conomie", "fr" },
		/* Привет, как дела? Всё хорошо, спасибо большое */
		{ "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xba\xd0\xb0\xd0\xba \xd0\xb4\xd0\xb5\xd0\xbb\xd0\xb0? \xd0\x92\xd1\x81\xd1\x91 \xd1\x85\xd0\xbe\xd1\x80\xd0\xbe\xd1\x88\xd0\xbe, \xd1\x81\xd0\xbf\xd0\xb0\xd1\x81\xd0\xb8\xd0\xb1\xd0\xbe \xd0\xb1\xd0\xbe\xd0\xbb\xd1\x8c\xd1\x88\xd0\xbe\xd0\xb5", "ru" },
		/* too short for any guess */
		{ "lol", "" },
		{ "ok thanks", "" },
		/* one Han character is not enough */
		{ "\xe5\xa5\xbd!", "" },
		{ "\xe4\xbd\xa0\xe5\xa5\xbd", "zh" },
	};
	struct langdetect ld;
	char out[LANGDETECT_CODE_MAX + 1];

	(void)state;
	assert_int_equal(langdetect_init(&ld), CIB_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		langdetect_text(&ld, cases[i].text, strlen(cases[i].text), out,
				sizeof(out));
		if (strcmp(out, cases[i].lang))
			fail_msg("text %zu: '%s', want '%s'", i, out, cases[i].lang);
	}
	assert_true(ld.n_textcat >= 5);
	langdetect_release(&ld);
	langdetect_release(NULL);
	/* a missing fingerprint directory is an error that says so */
	assert_int_equal(langdetect_init_dir(&ld, "/nonexistent/"), CIB_ENOTFOUND);
	assert_non_null(strstr(ld.errmsg, "/nonexistent/"));
	langdetect_release(&ld);
}

static void add_post(struct dataset *ds, const char *id, const char *text,
		     const char *lang)
{
	struct post_rec r;

	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = "a1";
	r.time = 1000;
	r.text = text;
	r.lang = lang;
	assert_int_equal(dataset_add_post(ds, &r, NULL), CIB_OK);
}

static void test_post_order_and_cache(void **state)
{
	const char *en = "The police must protect the people of this great city tonight";
	struct dataset ds;
	struct langdetect ld, so;
	uint32_t l;

	(void)state;
	dataset_init(&ds);
	add_post(&ds, "1", en, "zh-cn"); /* the platform's field wins */
	add_post(&ds, "2", en, "und");   /* "und": detect from the text */
	add_post(&ds, "3", en, NULL);    /* same text: from the cache */
	add_post(&ds, "4", "lol", "qme");
	add_post(&ds, "5", NULL, NULL);
	/* a code the dataset already holds keeps the dataset's id */
	dataset_intern(&ds, "zh", &l);
	assert_int_equal(langdetect_init(&ld), CIB_OK);
	assert_string_equal(langdetect_str(&ld, langdetect_post(&ld, &ds, 0)), "zh");
	assert_string_equal(langdetect_str(&ld, langdetect_post(&ld, &ds, 1)), "en");
	assert_int_equal(ld.n_textcat, 1);
	assert_string_equal(langdetect_str(&ld, langdetect_post(&ld, &ds, 2)), "en");
	assert_int_equal(ld.n_textcat, 1);
	assert_int_equal(ld.n_cache_hits, 1);
	assert_int_equal(langdetect_post(&ld, &ds, 3), STR_NONE);
	assert_int_equal(langdetect_post(&ld, &ds, 4), STR_NONE);
	assert_int_equal(langdetect_post(&ld, &ds, 99), STR_NONE);
	/* the platform's "zh-cn" became the dataset's own "zh" (the layer
	 * over its pool, core/strlayer.h); a code it lacks ("en") is the
	 * layer's own, past the dataset's ids */
	assert_int_equal(langdetect_post(&ld, &ds, 0), l);
	assert_true(langdetect_post(&ld, &ds, 1) >= ds.strings.n);
	/* script-only mode leaves Latin text unknown */
	assert_int_equal(langdetect_init_dir(&so, NULL), CIB_OK);
	assert_int_equal(langdetect_post(&so, &ds, 1), STR_NONE);
	langdetect_release(&so);
	langdetect_release(&ld);
	dataset_release(&ds);
}

/* the list files go into the given directory; one that does not exist is
 * an error naming the file, and nothing is loaded or left */
static void test_list_dir(void **state)
{
	char dir[] = "/tmp/cibscan-ldtmp-XXXXXX", missing[600];
	struct langdetect ld;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(langdetect_init_in(&ld, LANGDETECT_FP_DIR, dir),
			 CIB_OK);
	langdetect_release(&ld);
	assert_int_equal(testdir_entries(dir), 0);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	assert_int_equal(langdetect_init_in(&ld, LANGDETECT_FP_DIR, missing),
			 CIB_EIO);
	assert_non_null(strstr(ld.errmsg, "cannot create temporary file"));
	assert_non_null(strstr(ld.errmsg, missing));
	langdetect_release(&ld);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_table),
		cmocka_unit_test(test_script_table),
		cmocka_unit_test(test_text_textcat),
		cmocka_unit_test(test_post_order_and_cache),
		cmocka_unit_test(test_list_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
