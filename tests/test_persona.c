/* test_persona.c - change point LLR and p-value against hand-computed and
 * closed-form values, dormancy, UI language, renames. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>
#include <utf8proc.h>

#include "core/dataset.h"
#include "core/postindex.h"
#include "features/langdetect.h"
#include "core/splitmix.h"
#include "features/persona.h"

#define NEAR(a, b, tol)                                                      \
	do {                                                                 \
		double a_ = (a), b_ = (b);                                   \
		if (!(fabs(a_ - b_) <= (tol)))                               \
			fail_msg("%s = %.10g, want %.10g (+-%g)", #a, a_, b_, \
				 (double)(tol));                             \
	} while (0)

static void add(struct dataset *ds, const char *acc, int i, int64_t t,
		const char *lang, const char *text)
{
	struct post_rec r;
	char id[64];

	snprintf(id, sizeof(id), "%s-%d", acc, i);
	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = acc;
	r.time = t;
	r.lang = lang;
	r.text = text;
	assert_int_equal(dataset_add_post(ds, &r, NULL), CIB_OK);
}

struct fx {
	struct dataset ds;
	struct postindex pi;
	struct langdetect ld;
	struct persona_result r;
};

static void run(struct fx *f, const struct persona_opts *o)
{
	assert_int_equal(postindex_build(&f->pi, &f->ds), CIB_OK);
	assert_int_equal(langdetect_init(&f->ld), CIB_OK);
	if (o)
		assert_int_equal(persona_compute_opts(&f->ds, &f->pi, &f->ld, o,
						      &f->r), CIB_OK);
	else
		assert_int_equal(persona_compute(&f->ds, &f->pi, &f->ld, &f->r),
				 CIB_OK);
}

static void done(struct fx *f)
{
	persona_result_release(&f->r);
	persona_result_release(NULL);
	langdetect_release(&f->ld);
	postindex_release(&f->pi);
	dataset_release(&f->ds);
}

/* The direct formula on tiny sequences, by hand:
 * A A B B B B split after 2: both segments pure, so the two-segment
 *   log-likelihood is 0; one segment: 2 ln(2/6) + 4 ln(4/6) =
 *   -2.197225 - 1.621860 = -3.819085; LLR = 3.819085.
 * A A B | A B B: each half 2 ln(2/3) + ln(1/3) = 2 ln 2 - 3 ln 3; one
 *   segment 6 ln(1/2); LLR = 10 ln 2 - 6 ln 3 = 6.931472 - 6.591674 =
 *   0.339798. */
static void test_llr_hand(void **state)
{
	const uint32_t s1[] = { 0, 0, 1, 1, 1, 1 }, s2[] = { 0, 0, 1, 0, 1, 1 };
	const uint32_t s3[] = { 2, 2, 2, 2 };

	(void)state;
	NEAR(persona_llr_split(s1, 6, 2, 2), 3.819085, 1e-6);
	NEAR(persona_llr_split(s2, 6, 2, 3), 0.339798, 1e-6);
	NEAR(persona_llr_split(s3, 4, 3, 2), 0.0, 1e-12);
	assert_true(isnan(persona_llr_split(s1, 6, 1, 2))); /* symbol >= k */
}

/* 10 zh then 10 en. One segment: 10 ln(1/2) + 10 ln(1/2) = -20 ln 2;
 * two pure segments: 0. LLR = 20 ln 2 = 13.862944. Exact permutation
 * p-value: only zh^10 en^10 and en^10 zh^10 reach it among C(20,10) =
 * 184756 equally likely orders: p = 2/184756 = 1.08e-5. With the default
 * 199 draws, P(no draw reaches it) = (1 - 1.08e-5)^199 = 0.998, so the
 * Monte Carlo p is its floor 1/200 (2/200 if one draw did). */
static void test_zh_then_en(void **state)
{
	struct fx f;

	(void)state;
	dataset_init(&f.ds);
	for (int i = 0; i < 20; i++)
		add(&f.ds, "u", i, 1000 + 60 * i, i < 10 ? "zh" : "en", NULL);
	run(&f, NULL);
	NEAR(f.r.cp_llr[0], 20 * log(2.0), 1e-9);
	assert_true(f.r.cp_p[0] >= 1.0 / 200 - 1e-12);
	assert_true(f.r.cp_p[0] <= 2.0 / 200 + 1e-12);
	assert_int_equal(f.r.n_perm[0], PERSONA_DEFAULT_PERM);
	assert_int_equal(persona_at_floor(&f.r, 0), f.r.cp_p[0] < 1.5 / 200);
	assert_int_equal(persona_at_floor(&f.r, 1), 0); /* out of range */
	assert_int_equal(f.r.cp_time[0], 1000 + 60 * 10);
	assert_string_equal(langdetect_str(&f.ld, f.r.lang_before[0]), "zh");
	assert_string_equal(langdetect_str(&f.ld, f.r.lang_after[0]), "en");
	assert_string_equal(langdetect_str(&f.ld, f.r.main_lang[0]), "zh"); /* tie: first */
	assert_int_equal(f.r.n_posts_lang[0], 20);
	assert_true(isnan(f.r.topic_shift[0])); /* no text, no tokens */
	/* a work budget of 200 steps for 20 steps per scan allows 10 scans,
	 * raised to the minimum 19: p floor 1/20 */
	{
		struct persona_opts o;

		persona_opts_init(&o);
		o.perm_budget = 200;
		persona_result_release(&f.r);
		assert_int_equal(persona_compute_opts(&f.ds, &f.pi, &f.ld, &o,
						      &f.r), CIB_OK);
		assert_int_equal(f.r.n_perm[0], PERSONA_MIN_PERM);
		NEAR(f.r.cp_p[0], 1.0 / 20, 1e-12);
	}
	done(&f);
}

/* An account's permutation p-value is a function of its own posts and the
 * seed: the same when other accounts come before it, and the same when its
 * stand-in dataset carries the key of its real (platform, id). */
static void fill_mixed(struct dataset *ds, const char *acc)
{
	for (int i = 0; i < 24; i++)
		add(ds, acc, i, 5000 + 90 * i, (i * 7) % 5 < 3 ? "en" : "zh",
		    i % 3 ? "vote election today" : "coffee park dog");
}

static void test_seed_invariance(void **state)
{
	struct fx a, b, c;
	struct persona_opts o;
	uint64_t key;

	(void)state;
	dataset_init(&a.ds);
	fill_mixed(&a.ds, "target");
	run(&a, NULL);
	dataset_init(&b.ds);
	for (int k = 0; k < 5; k++) {
		char other[16];

		snprintf(other, sizeof(other), "other%d", k);
		fill_mixed(&b.ds, other);
	}
	fill_mixed(&b.ds, "target");
	run(&b, NULL);
	assert_int_equal(b.ds.acc.n, 6);
	/* same account, sixth in the second dataset */
	assert_true(a.r.cp_p[0] == b.r.cp_p[5]);
	assert_int_equal(a.r.n_perm[0], b.r.n_perm[5]);
	/* the other accounts' draws differ from the target's (keys differ) */
	assert_true(persona_account_key(&b.ds, 0) !=
		    persona_account_key(&b.ds, 5));
	/* a stand-in id with the real key passed gives the same p */
	key = persona_account_key(&a.ds, 0);
	dataset_init(&c.ds);
	fill_mixed(&c.ds, "17");
	assert_int_equal(postindex_build(&c.pi, &c.ds), CIB_OK);
	assert_int_equal(langdetect_init(&c.ld), CIB_OK);
	persona_opts_init(&o);
	o.seed_key = &key;
	assert_int_equal(persona_compute_opts(&c.ds, &c.pi, &c.ld, &o, &c.r),
			 CIB_OK);
	assert_true(c.r.cp_p[0] == a.r.cp_p[0]);
	done(&a);
	done(&b);
	done(&c);
}

/* A homogeneous sequence has no change point at all. */
static void test_homogeneous(void **state)
{
	struct fx f;

	(void)state;
	dataset_init(&f.ds);
	for (int i = 0; i < 30; i++)
		add(&f.ds, "u", i, 5000 + 3600 * i, "en", NULL);
	run(&f, NULL);
	NEAR(f.r.cp_llr[0], 0.0, 1e-9);
	NEAR(f.r.cp_p[0], 1.0, 0);
	assert_int_equal(f.r.cp_time[0], TIME_NONE);
	assert_int_equal(f.r.lang_before[0], STR_NONE);
	assert_string_equal(langdetect_str(&f.ld, f.r.main_lang[0]), "en");
	assert_int_equal(f.r.n_perm[0], 0);
	NEAR((double)f.r.longest_gap[0], 3600, 0);
	done(&f);
}

/* zh zh en en: LLR = 4 ln 2, the largest possible, but 2 of the C(4,2) = 6 orders
 * reach it: exact p = 1/3. Small sequences must not look confident. With
 * early stopping off and 30000 draws the estimate has standard error
 * sqrt((1/3)(2/3)/30000) = 0.0027; 0.015 is over 5 of them. */
static void test_small_not_confident(void **state)
{
	struct persona_opts o;
	struct fx f;

	(void)state;
	dataset_init(&f.ds);
	add(&f.ds, "u", 0, 100, "zh", NULL);
	add(&f.ds, "u", 1, 200, "zh", NULL);
	add(&f.ds, "u", 2, 300, "en", NULL);
	add(&f.ds, "u", 3, 400, "en", NULL);
	persona_opts_init(&o);
	o.stop_exceed = 0;
	o.max_perm = 30000;
	run(&f, &o);
	NEAR(f.r.cp_llr[0], 4 * log(2.0), 1e-9);
	NEAR(f.r.cp_p[0], 1.0 / 3, 0.015);
	persona_result_release(&f.r);
	/* zh zh zh en en en: LLR = 6 ln 2 reached by 2 of C(6,3) = 20
	 * orders: exact p = 0.1, standard error 0.0017 */
	persona_result_release(&f.r);
	postindex_release(&f.pi);
	langdetect_release(&f.ld);
	add(&f.ds, "u", 4, 50, "zh", NULL);
	add(&f.ds, "u", 5, 500, "en", NULL);
	run(&f, &o);
	NEAR(f.r.cp_llr[0], 6 * log(2.0), 1e-9);
	NEAR(f.r.cp_p[0], 0.1, 0.01);
	persona_result_release(&f.r);
	/* the default (early stopping) says the same thing, coarsely */
	assert_int_equal(persona_compute(&f.ds, &f.pi, &f.ld, &f.r), CIB_OK);
	assert_true(f.r.cp_p[0] > 0.03);
	assert_int_equal(persona_at_floor(&f.r, 0), 0);
	done(&f);
}

/* One language, two vocabularies: 10 posts of 4 words {buy cheap watches
 * discount} then 10 of {election democracy freedom vote}. Token model:
 * 80 tokens over 8 words, 10 each: one segment 80 ln(1/8), two segments
 * 2 * 40 ln(1/4): LLR_tok = 80 ln 8 - 80 ln 4 = 80 ln 2. Weighted by
 * posts/tokens = 20/80: 20 ln 2. The halves share no word: JS = 1 bit. */
static void test_vocabulary_switch(void **state)
{
	struct fx f;

	(void)state;
	dataset_init(&f.ds);
	for (int i = 0; i < 20; i++)
		add(&f.ds, "u", i, 1000 + 600 * i, "en",
		    i < 10 ? "buy cheap watches discount"
			   : "election democracy freedom vote");
	run(&f, NULL);
	NEAR(f.r.cp_llr[0], 20 * log(2.0), 1e-9);
	assert_true(f.r.cp_p[0] <= 2.0 / 200 + 1e-12);
	assert_int_equal(f.r.cp_time[0], 1000 + 600 * 10);
	NEAR(f.r.topic_shift[0], 1.0, 1e-12);
	assert_int_equal(f.r.lang_before[0], f.r.lang_after[0]);
	done(&f);
}

/* Dormancy: posts at 0, 100, 200 in zh; silence; 10000, 10100 in en.
 * Longest gap 9800 s ending at 10000; language differs after it. Mentions,
 * URLs and case do not make words differ: the gap's topic shift between
 * "Hello @a world" and "hello WORLD https://x.y" is 0. */
static void test_dormancy(void **state)
{
	struct fx f;

	(void)state;
	dataset_init(&f.ds);
	add(&f.ds, "u", 0, 0, "zh", "Hello @a world");
	add(&f.ds, "u", 1, 100, "zh", "Hello @b world");
	add(&f.ds, "u", 2, 200, "zh", "hello world");
	add(&f.ds, "u", 3, 10000, "en", "hello WORLD https://x.y");
	add(&f.ds, "u", 4, 10100, "en", "Hello, world!");
	run(&f, NULL);
	assert_int_equal(f.r.longest_gap[0], 9800);
	assert_int_equal(f.r.gap_end[0], 10000);
	assert_int_equal(f.r.gap_lang_change[0], 1);
	NEAR(f.r.gap_topic_shift[0], 0.0, 1e-12);
	done(&f);
}

/* JS divergence by hand: P = (1/2, 1/2, 0), Q = (0, 1/2, 1/2): M = (1/4,
 * 1/2, 1/4); KL(P||M) = 1/2 log2 2 + 1/2 log2 1 = 1/2; same for Q;
 * JS = 1/2. */
static void test_js(void **state)
{
	const double a[] = { 1, 1, 0 }, b[] = { 0, 3, 3 }, z[] = { 0, 0, 0 };

	(void)state;
	NEAR(persona_js_divergence(a, b, 3), 0.5, 1e-12);
	NEAR(persona_js_divergence(a, a, 3), 0.0, 1e-12);
	assert_true(isnan(persona_js_divergence(a, z, 3)));
}

static void test_account_signals(void **state)
{
	struct account_rec ar;
	struct fx f;

	(void)state;
	dataset_init(&f.ds);
	account_rec_init(&ar);
	ar.platform = PLATFORM_X;
	ar.id = "u";
	ar.handle = "first";
	ar.name = "First Name";
	ar.lang = "zh-cn";
	assert_int_equal(dataset_add_account(&f.ds, &ar, NULL), CIB_OK);
	ar.handle = "second";
	assert_int_equal(dataset_add_account(&f.ds, &ar, NULL), CIB_OK);
	ar.handle = "third";
	ar.name = "Other Name";
	assert_int_equal(dataset_add_account(&f.ds, &ar, NULL), CIB_OK);
	for (int i = 0; i < 3; i++)
		add(&f.ds, "u", i, 100 * i, "en", NULL);
	/* a second account whose UI language matches its posts */
	ar.id = "v";
	ar.handle = "v";
	ar.lang = "en-GB";
	assert_int_equal(dataset_add_account(&f.ds, &ar, NULL), CIB_OK);
	add(&f.ds, "v", 0, 50, "en", NULL);
	/* an account without posts */
	ar.id = "w";
	assert_int_equal(dataset_add_account(&f.ds, &ar, NULL), CIB_OK);
	run(&f, NULL);
	assert_int_equal(f.r.n, 3);
	assert_int_equal(f.r.n_handle_changes[0], 2);
	assert_int_equal(f.r.n_name_changes[0], 1);
	assert_int_equal(f.r.ui_lang_mismatch[0], 1);
	assert_int_equal(f.r.ui_lang_mismatch[1], 0);
	assert_int_equal(f.r.ui_lang_mismatch[2], 0);
	assert_int_equal(f.r.main_lang[2], STR_NONE);
	assert_int_equal(f.r.longest_gap[2], 0);
	assert_int_equal(f.r.gap_end[2], TIME_NONE);
	NEAR(f.r.cp_p[2], 1.0, 0);
	done(&f);
}

static uint64_t test_rng(uint64_t *s)
{
	return splitmix_next(s);
}

/* The tokenizer reads ASCII without utf8proc: letters and digits are
 * the only ASCII code points in categories Lu..Nd, and lower-casing is
 * +32 on A-Z. Checked here against utf8proc itself. */
static void test_ascii_categories(void **state)
{
	(void)state;
	for (int c = 0; c < 128; c++) {
		utf8proc_category_t cat = utf8proc_category(c);
		int word = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND;
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');

		if (word != alnum)
			fail_msg("code point %d: category %d", c, (int)cat);
		assert_int_equal(cat == UTF8PROC_CATEGORY_ND, c >= '0' && c <= '9');
		assert_int_equal(utf8proc_tolower(c),
				 c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

/* The permutation test against a direct version written from the
 * documented definition: the generator seeded with seed ^ (constant *
 * (account + 1)), Fisher-Yates with r % b after rejecting r < 2^64 mod b
 * (plain division, not the library's reciprocal), each draw shuffling the
 * previous order, the statistic the maximum over tau of the direct LLR
 * formula (persona_llr_split), and the Besag-Clifford stop. Language only
 * (use_vocab 0), so the statistic is LLR_lang alone. */
static double ref_pvalue(const uint32_t *seq, size_t n, uint32_t k,
			 uint64_t seed, unsigned max_perm, unsigned stop,
			 unsigned *drawn_out)
{
	/* the account's key: XXH3 of its id "u", seeded with its platform
	 * number + 1 (persona_account_key) */
	uint64_t rng = seed ^ XXH3_64bits_withSeed("u", 1,
						   (uint64_t)PLATFORM_X + 1);
	uint32_t perm[64], pseq[64];
	double obs = 0, thr;
	unsigned drawn = 0, exceed = 0;

	assert_true(n <= 64);
	for (size_t t = 1; t < n; t++) {
		double l = persona_llr_split(seq, n, k, t);

		if (l > obs)
			obs = l;
	}
	thr = obs * (1 - 1e-9) - 1e-9;
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	while (drawn < max_perm) {
		double best = 0;

		for (size_t i = n - 1; i > 0; i--) {
			uint64_t b = i + 1, lim = (0 - b) % b, r, x;

			do
				r = test_rng(&rng);
			while (r < lim);
			x = perm[i];
			perm[i] = perm[r % b];
			perm[r % b] = (uint32_t)x;
		}
		for (size_t i = 0; i < n; i++)
			pseq[i] = seq[perm[i]];
		for (size_t t = 1; t < n; t++) {
			double l = persona_llr_split(pseq, n, k, t);

			if (l > best)
				best = l;
		}
		drawn++;
		if (best >= thr)
			exceed++;
		if (stop && exceed >= stop)
			break;
	}
	*drawn_out = drawn;
	if (stop && exceed >= stop)
		return (double)exceed / drawn;
	return (1.0 + exceed) / (1.0 + drawn);
}

static void test_pvalue_reference(void **state)
{
	static const char *const codes[] = { "en", "fr", "de" };
	/* a weak switch, a strong one, and noise: p from tiny to large */
	static const char *const seqs[] = {
		"00000000001000110111",
		"0000000000000111111111111",
		"0120120120120120120120",
		"0010010010222122",
	};

	(void)state;
	for (size_t q = 0; q < sizeof(seqs) / sizeof(seqs[0]); q++) {
		size_t n = strlen(seqs[q]);
		uint32_t seq[64];
		struct fx f;

		dataset_init(&f.ds);
		for (size_t i = 0; i < n; i++) {
			seq[i] = (uint32_t)(seqs[q][i] - '0');
			add(&f.ds, "u", (int)i, 1000 + 60 * (int64_t)i,
			    codes[seq[i]], NULL);
		}
		assert_int_equal(postindex_build(&f.pi, &f.ds), CIB_OK);
		assert_int_equal(langdetect_init(&f.ld), CIB_OK);
		for (uint64_t seed = 1; seed <= 12; seed++)
			for (unsigned stop = 0; stop <= 10; stop += 10) {
				struct persona_opts o;
				unsigned drawn;
				double p;

				persona_opts_init(&o);
				o.seed = seed;
				o.use_vocab = 0;
				o.stop_exceed = stop;
				o.max_perm = 299;
				p = ref_pvalue(seq, n, 3, seed, o.max_perm, stop,
					       &drawn);
				assert_int_equal(persona_compute_opts(
							 &f.ds, &f.pi, &f.ld, &o,
							 &f.r),
						 CIB_OK);
				if (f.r.n_perm[0] != drawn ||
				    fabs(f.r.cp_p[0] - p) > 1e-15)
					fail_msg("seq %zu seed %llu stop %u: p %g "
						 "(%u draws), want %g (%u)",
						 q, (unsigned long long)seed, stop,
						 f.r.cp_p[0], f.r.n_perm[0], p,
						 drawn);
				persona_result_release(&f.r);
			}
		memset(&f.r, 0, sizeof(f.r));
		done(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llr_hand),
		cmocka_unit_test(test_zh_then_en),
		cmocka_unit_test(test_seed_invariance),
		cmocka_unit_test(test_homogeneous),
		cmocka_unit_test(test_small_not_confident),
		cmocka_unit_test(test_vocabulary_switch),
		cmocka_unit_test(test_dormancy),
		cmocka_unit_test(test_js),
		cmocka_unit_test(test_account_signals),
		cmocka_unit_test(test_ascii_categories),
		cmocka_unit_test(test_pvalue_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
