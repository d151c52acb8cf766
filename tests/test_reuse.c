/* test_reuse.c - MinHash, LSH and grouping against independently computed
 * values: exact Jaccard of known sets with the binomial standard error,
 * closed-form LSH probabilities, and groups and per-account shares on a
 * hand-made dataset worked out on paper (see the comments). */
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

#include "core/dataset.h"
#include "core/splitmix.h"
#include "features/reuse.h"
#include "features/reuse_near.h"
#include "features/urlnorm.h"

#define NONE UINT32_MAX

static uint64_t rng_next(uint64_t *s)
{
	return splitmix_next(s);
}

/* A and B share `common` elements and have `only` elements each of their
 * own: J = common / (common + 2 only). Over many seeds the estimate must
 * be unbiased and its spread the binomial sqrt(J(1-J)/K). */
static void check_estimator(size_t common, size_t only)
{
	uint64_t a[400], b[400], s = 42;
	uint16_t sa[REUSE_K], sb[REUSE_K];
	const int seeds = 400;
	double j = (double)common / (double)(common + 2 * only);
	double se = sqrt(j * (1 - j) / REUSE_K), sum = 0, sum2 = 0;
	int within2 = 0;

	for (size_t i = 0; i < common; i++)
		a[i] = b[i] = rng_next(&s);
	for (size_t i = 0; i < only; i++) {
		a[common + i] = rng_next(&s);
		b[common + i] = rng_next(&s);
	}
	for (int k = 0; k < seeds; k++) {
		double e;

		reuse_minhash(a, common + only, (uint64_t)k + 1, sa);
		reuse_minhash(b, common + only, (uint64_t)k + 1, sb);
		e = reuse_signature_jaccard(sa, sb);
		sum += e;
		sum2 += e * e;
		within2 += fabs(e - j) <= 2 * se + 1e-9;
	}
	{
		double mean = sum / seeds;
		double var = sum2 / seeds - mean * mean;

		/* mean within 4 standard errors of the mean */
		assert_true(fabs(mean - j) < 4 * se / sqrt(seeds));
		/* sample variance within +-40% of J(1-J)/K: for 400
		 * draws its relative error is about sqrt(2/399) = 7% */
		assert_true(var > 0.6 * se * se && var < 1.4 * se * se);
		/* about 95% within 2 SE (discreteness aside): at least 88% */
		assert_true(within2 >= seeds * 88 / 100);
	}
}

static void test_minhash_estimates_jaccard(void **state)
{
	uint64_t a[50], s = 7;
	uint16_t sa[REUSE_K], sb[REUSE_K];

	(void)state;
	check_estimator(60, 20);  /* J = 0.6 */
	check_estimator(30, 60);  /* J = 0.2 */
	check_estimator(180, 10); /* J = 0.9 */
	/* identical sets: exactly 1; order of the shingles does not matter */
	for (int i = 0; i < 50; i++)
		a[i] = rng_next(&s);
	reuse_minhash(a, 50, 3, sa);
	for (int i = 0; i < 25; i++) {
		uint64_t t = a[i];

		a[i] = a[49 - i];
		a[49 - i] = t;
	}
	reuse_minhash(a, 50, 3, sb);
	assert_true(reuse_signature_jaccard(sa, sb) == 1.0);
}

static void test_minhash_disjoint(void **state)
{
	uint64_t a[100], b[100], s = 9;
	uint16_t sa[REUSE_K], sb[REUSE_K];
	double sum = 0;

	(void)state;
	/* disjoint sets: only chance 16-bit equalities, P = 2^-16 each, so
	 * over 100 seeds x 64 values about 0.1 equal values in total */
	for (int k = 0; k < 100; k++) {
		for (int i = 0; i < 100; i++) {
			a[i] = rng_next(&s);
			b[i] = rng_next(&s);
		}
		reuse_minhash(a, 100, (uint64_t)k, sa);
		reuse_minhash(b, 100, (uint64_t)k, sb);
		sum += reuse_signature_jaccard(sa, sb);
	}
	assert_true(sum / 100 < 0.01);
}

static void test_lsh_probability(void **state)
{
	(void)state;
	/* 1 band of 1 row: P = s */
	assert_true(fabs(reuse_lsh_probability(0.3, 1, 1) - 0.3) < 1e-12);
	/* 2 bands of 1 row at 0.5: 1 - 0.5^2 = 0.75 */
	assert_true(fabs(reuse_lsh_probability(0.5, 2, 1) - 0.75) < 1e-12);
	/* 1 band of 2 rows at 0.5: 0.25 */
	assert_true(fabs(reuse_lsh_probability(0.5, 1, 2) - 0.25) < 1e-12);
	/* the defaults, 16 bands x 4 rows:
	 * s = 0.6: 0.6^4 = 0.1296, 0.8704^16 = exp(16 ln 0.8704)
	 *        = exp(-2.220838) = 0.108518 -> 0.891482
	 * s = 0.7: 0.2401, 0.7599^16 = exp(-4.393095) = 0.012362 -> 0.987638
	 * s = 0.3: 0.0081, 0.9919^16 = exp(-0.130128) = 0.877983 -> 0.122017 */
	assert_true(fabs(reuse_lsh_probability(0.6, 16, 4) - 0.891482) < 1e-6);
	assert_true(fabs(reuse_lsh_probability(0.7, 16, 4) - 0.987638) < 1e-6);
	assert_true(fabs(reuse_lsh_probability(0.3, 16, 4) - 0.122017) < 1e-6);
	/* the former choice, 21 bands x 3 rows:
	 * s = 0.6: 0.6^3 = 0.216, 0.784^21 = exp(21 ln 0.784)
	 *        = exp(-5.110271) = 0.0060344 -> 0.9939656
	 * s = 0.3: 0.027, 0.973^21 = exp(-0.574795) = 0.562820 -> 0.437180
	 * s = 0.8: 0.512, 0.488^21 = exp(-15.066237) = 2.863e-7
	 *        -> 0.9999997137 */
	assert_true(fabs(reuse_lsh_probability(0.6, 21, 3) - 0.9939656) < 1e-6);
	assert_true(fabs(reuse_lsh_probability(0.3, 21, 3) - 0.437180) < 1e-6);
	assert_true(fabs(reuse_lsh_probability(0.8, 21, 3) - 0.9999997137) <
		    1e-9);
	assert_true(reuse_lsh_probability(0, 21, 3) == 0);
	assert_true(reuse_lsh_probability(1, 21, 3) == 1);
}

/* ---- a hand-made dataset -------------------------------------------- */

static void add(struct dataset *ds, const char *id, const char *acc,
		int64_t t, const char *text, enum post_kind kind,
		const char *url)
{
	struct post_rec r;
	const char *es[1];
	enum entity_type et[1] = { ENT_URL };

	post_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = id;
	r.account_id = acc;
	r.time = t;
	r.text = text;
	r.kind = kind;
	if (url) {
		es[0] = url;
		r.ent_str = es;
		r.ent_type = et;
		r.n_ent = 1;
	}
	assert_int_equal(dataset_add_post(ds, &r, NULL), CIB_OK);
}

static uint32_t acc_index(const struct dataset *ds, const char *id)
{
	uint32_t sid;

	strpool_find(&ds->strings, id, strlen(id), &sid);
	return dataset_find_account(ds, PLATFORM_X, sid);
}

/* p0 A "stand with hong kong police against the violent rioters today"
 *    set S0 = {stand with hong kong police against the violent rioters
 *    today}, 10 words
 * p1 B S0 - {the} + {hk}: J = 9/11 = 0.818
 * p2 C reordered, + {them}: J = 10/11 = 0.909; J(p1,p2) = 9/12 = 0.75
 * p3 D unrelated; p4 A = p0 plus a URL (same normalised text);
 * p5 D repost of p0; p6 B "ok", p7 C "OK!" (short, exact equal);
 * p8 C "ok fine" (short, not equal to "ok"); p9 D shares 3 of 17 words
 * with p0: J = 0.18. Groups: {p0 p1 p2 p4} and {p6 p7}. */
static void build(struct dataset *ds)
{
	dataset_init(ds);
	add(ds, "p0", "A", 100,
	    "Stand with Hong Kong police against the violent rioters today",
	    POST_ORIGINAL, NULL);
	add(ds, "p1", "B", 200,
	    "stand with hong kong police against violent rioters today #HK "
	    "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3",
	    POST_ORIGINAL, "https://news.example.com/story");
	add(ds, "p2", "C", 300,
	    "Today the violent rioters against Hong Kong police: stand with "
	    "them",
	    POST_REPLY, NULL);
	add(ds, "p3", "D", 50,
	    "My cat enjoys sleeping in the sun all afternoon long",
	    POST_ORIGINAL, "https://www.example.com/a?utm_source=tw");
	add(ds, "p4", "A", 400,
	    "Stand with Hong Kong police against the violent rioters today "
	    "https://t.co/x",
	    POST_ORIGINAL, NULL);
	add(ds, "p5", "D", 500,
	    "RT @A: Stand with Hong Kong police against the violent rioters "
	    "today",
	    POST_REPOST, "https://t.co/x");
	add(ds, "p6", "B", 600, "ok", POST_ORIGINAL, NULL);
	add(ds, "p7", "C", 700, "OK!", POST_ORIGINAL, NULL);
	add(ds, "p8", "C", 800, "ok fine", POST_ORIGINAL, NULL);
	add(ds, "p9", "D", 900,
	    "Stand with farmers in Delhi who protest the new laws",
	    POST_ORIGINAL, "http://example.com/a/");
}

static void test_groups_hand_made(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r;
	uint32_t A, B, C, D;
	static const uint32_t want[10] = { 0, 0, 0, NONE, 0, NONE, 1, 1, NONE,
					   NONE };

	(void)state;
	build(&ds);
	reuse_opts_init(&o);
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
	A = acc_index(&ds, "A");
	B = acc_index(&ds, "B");
	C = acc_index(&ds, "C");
	D = acc_index(&ds, "D");
	assert_int_equal(r.n_posts, 10);
	for (int j = 0; j < 10; j++)
		assert_int_equal(r.post_group[j], want[j]);
	assert_int_equal(r.n_groups, 2);
	assert_int_equal(r.group_posts[0], 4);
	assert_int_equal(r.group_accounts[0], 3);
	assert_int_equal(r.group_variants[0], 3); /* p0=p4, p1, p2 */
	assert_int_equal(r.group_rep[0], 0);
	assert_int_equal(r.group_first[0], 100);
	assert_int_equal(r.group_last[0], 400);
	assert_int_equal(r.group_posts[1], 2);
	assert_int_equal(r.group_accounts[1], 2);
	assert_int_equal(r.group_variants[1], 1);
	assert_int_equal(r.group_rep[1], 6);
	assert_int_equal(r.group_first[1], 600);
	assert_int_equal(r.group_last[1], 700);
	/* texts: p5 is a repost and does not count */
	assert_int_equal(r.stats.n_texts, 9);
	/* distinct: p0=p4, p1, p2, p3, p6=p7 ("ok"), p8, p9 */
	assert_int_equal(r.stats.n_distinct, 7);
	/* short (< 5 words): "ok" and "ok fine" */
	assert_int_equal(r.stats.n_short, 2);
	/* per account, worked out in the comment above build() */
	assert_int_equal(r.n_texts[A], 2);
	assert_int_equal(r.n_texts[B], 2);
	assert_int_equal(r.n_texts[C], 3);
	assert_int_equal(r.n_texts[D], 2);
	assert_true(fabs(r.share_copied[A] - 1.0) < 1e-12);
	assert_true(fabs(r.share_copied[B] - 1.0) < 1e-12);
	assert_true(fabs(r.share_copied[C] - 2.0 / 3) < 1e-12);
	assert_true(r.share_copied[D] == 0);
	assert_true(fabs(r.self_repeat[A] - 0.5) < 1e-12);
	assert_true(r.self_repeat[B] == 0 && r.self_repeat[C] == 0);
	assert_int_equal(r.n_co_accounts[A], 2); /* B, C */
	assert_int_equal(r.n_co_accounts[B], 2); /* A, C */
	assert_int_equal(r.n_co_accounts[C], 2); /* A, B */
	assert_int_equal(r.n_co_accounts[D], 0);
	/* URLs: A {t.co/x}; B {news.example.com/story}; D {example.com/a}
	 * from two posts; domains B, D share example.com; the repost p5
	 * with t.co/x does not count toward shares */
	assert_int_equal(r.n_urls[A], 1);
	assert_int_equal(r.n_urls[B], 1);
	assert_int_equal(r.n_urls[C], 0);
	assert_int_equal(r.n_urls[D], 1);
	assert_true(r.url_shared_share[A] == 0 && r.url_shared_share[D] == 0);
	assert_true(r.domain_shared_share[A] == 0);
	assert_true(fabs(r.domain_shared_share[B] - 1.0) < 1e-12);
	assert_true(fabs(r.domain_shared_share[D] - 1.0) < 1e-12);
	assert_int_equal(r.n_domains[D], 1);
	/* the CSR covers reposts too */
	assert_int_equal(r.url_off[5 + 1] - r.url_off[5], 1);
	assert_string_equal(reuse_str(&r, r.url_str[r.url_off[5]]), "t.co/x");
	assert_string_equal(reuse_str(&r, r.url_str[r.url_off[4]]), "t.co/x");
	assert_string_equal(reuse_str(&r, r.url_str[r.url_off[3]]),
			    "example.com/a");
	assert_string_equal(reuse_str(&r, r.url_domain[r.url_off[1]]),
			    "example.com");
	/* p1, p3, p4 (from its text), p5, p9 */
	assert_int_equal(r.url_off[10], 5);
	reuse_result_release(&r);
	reuse_result_release(&r);
	reuse_result_release(NULL);
	dataset_release(&ds);
}

static void test_deterministic_and_threads(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r1, r2;

	(void)state;
	build(&ds);
	reuse_opts_init(&o);
	o.threads = 1;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r1), CIB_OK);
	o.threads = 3;
	o.seed = 12345;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r2), CIB_OK);
	assert_memory_equal(r1.post_group, r2.post_group, 10 * sizeof(uint32_t));
	reuse_result_release(&r1);
	reuse_result_release(&r2);
	/* invalid options */
	o.bands = 30;
	o.rows = 3;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r1), CIB_EUSAGE);
	reuse_opts_init(&o);
	o.jaccard = 0;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r1), CIB_EUSAGE);
	dataset_release(&ds);
}

/* 300 variants of a 20-word template, variant i with word i % 20
 * replaced by a word of its own: any two variants have J = 18/22 or
 * 19/21, so all 300 form one group, although band buckets exceed the
 * bucket cap and are scanned with the sliding window. 400 texts of 12
 * words drawn from 20000 others group with nothing. */
static void test_large_cluster_and_noise(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r;
	char text[600], id[32], acc[32];
	uint64_t s = 5;

	(void)state;
	dataset_init(&ds);
	for (int i = 0; i < 300; i++) {
		size_t len = 0;

		for (int w = 0; w < 20; w++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						w == i % 20 ? "x%dy " : "tmpl%d ",
						w == i % 20 ? i : w);
		snprintf(id, sizeof(id), "v%d", i);
		snprintf(acc, sizeof(acc), "a%d", i);
		add(&ds, id, acc, i, text, POST_ORIGINAL, NULL);
	}
	for (int i = 0; i < 400; i++) {
		size_t len = 0;

		for (int w = 0; w < 12; w++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"n%u ",
						(unsigned)(rng_next(&s) % 20000));
		snprintf(id, sizeof(id), "n%d", i);
		snprintf(acc, sizeof(acc), "b%d", i);
		add(&ds, id, acc, 1000 + i, text, POST_ORIGINAL, NULL);
	}
	reuse_opts_init(&o);
	/* a cap of 32 makes sure the oversized-bucket path runs (buckets of
	 * this template hold ~40-60 variants); at 16 the sliding window alone
	 * no longer links every variant, the recall limit the docs state */
	o.bucket_cap = 32;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.group_posts[0], 300);
	assert_int_equal(r.group_variants[0], 300);
	assert_int_equal(r.group_accounts[0], 300);
	assert_true(r.stats.n_capped_buckets > 0);
	for (int j = 300; j < 700; j++)
		assert_int_equal(r.post_group[j], NONE);
	/* every variant shares with the 299 others: exact (< REUSE_KMV) no
	 * longer holds, but each is in one group, which is exact */
	assert_int_equal(r.n_co_accounts[acc_index(&ds, "a7")], 299);
	reuse_result_release(&r);
	dataset_release(&ds);
}

/* Account X posts text T1 (with 1000 others) and T2 (with 500 others):
 * 1500 co-accounts, above REUSE_KMV, so estimated by bottom-k with
 * relative standard error about 1/sqrt(k - 2) = 6.3%; accept 4 SE. */
static void test_co_accounts_estimate(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r;
	char id[32], acc[32];
	const char *t1 = "one message many accounts posted it today";
	const char *t2 = "another message other accounts posted later";
	double est, rse = 1.0 / sqrt(REUSE_KMV - 2);

	(void)state;
	dataset_init(&ds);
	add(&ds, "x1", "X", 1, t1, POST_ORIGINAL, NULL);
	add(&ds, "x2", "X", 2, t2, POST_ORIGINAL, NULL);
	for (int i = 0; i < 1500; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		snprintf(acc, sizeof(acc), "a%d", i);
		add(&ds, id, acc, 10 + i, i < 1000 ? t1 : t2, POST_ORIGINAL,
		    NULL);
	}
	reuse_opts_init(&o);
	o.max_accounts = UINT32_MAX; /* the estimator, without the cap */
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
	assert_int_equal(r.n_groups, 2);
	est = r.n_co_accounts[acc_index(&ds, "X")];
	assert_true(fabs(est - 1500) < 4 * rse * 1500);
	/* single-group members are exact: 1000 others in T1's group */
	assert_int_equal(r.n_co_accounts[acc_index(&ds, "a3")], 1000);
	assert_int_equal(r.n_co_accounts[acc_index(&ds, "a1200")], 500);
	reuse_result_release(&r);
	/* with the cap below T1's 1001 accounts, T1 is viral: it copies
	 * nothing and links nobody; T2 (501 accounts) still counts */
	o.max_accounts = 600;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
	assert_int_equal(r.n_groups, 2);
	assert_int_equal(r.n_co_accounts[acc_index(&ds, "a3")], 0);
	assert_true(r.share_copied[acc_index(&ds, "a3")] == 0);
	assert_int_equal(r.n_co_accounts[acc_index(&ds, "a1200")], 500);
	assert_true(r.share_copied[acc_index(&ds, "a1200")] == 1);
	assert_int_equal(r.n_co_accounts[acc_index(&ds, "X")], 500);
	reuse_result_release(&r);
	dataset_release(&ds);
}

/* A post whose text holds 100 distinct URLs keeps REUSE_MAX_URLS of them
 * and counts the rest as dropped. */
static void test_url_cap(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r;
	char text[4000];
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"http://s%d.com/ ", i);
	dataset_init(&ds);
	add(&ds, "u1", "U", 1, text, POST_ORIGINAL, NULL);
	reuse_opts_init(&o);
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
	assert_int_equal(r.url_off[1] - r.url_off[0], REUSE_MAX_URLS);
	assert_int_equal(r.stats.n_urls_dropped, 100 - REUSE_MAX_URLS);
	assert_int_equal(r.n_urls[0], REUSE_MAX_URLS);
	assert_string_equal(reuse_str(&r, r.url_str[0]), "s0.com");
	reuse_result_release(&r);
	dataset_release(&ds);
}

/* r's URL step gave ref's: ids, offsets, counts, shares and strings. */
static void assert_same_urls(const struct reuse_result *ref,
			     const struct reuse_result *r,
			     const struct dataset *ds)
{
	size_t nref = ref->stats.n_url_refs;

	assert_int_equal(r->stats.n_url_refs, nref);
	assert_int_equal(r->stats.n_bad_urls, ref->stats.n_bad_urls);
	assert_memory_equal(r->url_off, ref->url_off,
			    (ds->post.n + 1) * sizeof(*r->url_off));
	assert_memory_equal(r->url_str, ref->url_str,
			    nref * sizeof(*r->url_str));
	assert_memory_equal(r->url_domain, ref->url_domain,
			    nref * sizeof(*r->url_domain));
	assert_memory_equal(r->n_urls, ref->n_urls,
			    ds->acc.n * sizeof(*r->n_urls));
	assert_memory_equal(r->url_shared_share, ref->url_shared_share,
			    ds->acc.n * sizeof(*r->url_shared_share));
	assert_memory_equal(r->domain_shared_share, ref->domain_shared_share,
			    ds->acc.n * sizeof(*r->domain_shared_share));
	for (size_t k = 0; k < nref; k++)
		assert_string_equal(reuse_str(r, r->url_str[k]),
				    reuse_str(ref, ref->url_str[k]));
}

/* The URL step in chunks of 1, 2, 3 and 7 posts gives exactly what one
 * chunk gives: the same URL and domain ids per post, in the same order
 * (interned in post order across chunks), the same shares and counts.
 * URLs from entities and from texts, repeated within and across posts
 * and accounts, posts without any, a repost. */
static void test_url_chunks(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 7 };
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result ref, r;
	char id[16], acc[16], text[200];

	(void)state;
	dataset_init(&ds);
	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		snprintf(acc, sizeof(acc), "a%d", i % 6);
		snprintf(text, sizeof(text),
			 i % 5 == 4 ? "no link here %d"
				    : "see https://www.s%d.com/x?utm_source=q "
				      "and http://t.org/%d and http://t.org/0",
			 i % 9, i % 4);
		add(&ds, id, acc, 100 + i, text,
		    i % 11 == 10 ? POST_REPOST : POST_ORIGINAL,
		    i % 3 == 0 ? "https://e.net/a" : NULL);
	}
	reuse_opts_init(&o);
	assert_int_equal(reuse_compute(&ds, NULL, &o, &ref), CIB_OK);
	assert_true(ref.stats.n_url_refs > 40);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		o.url_chunk = chunks[c];
		assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
		assert_same_urls(&ref, &r, &ds);
		reuse_result_release(&r);
	}
	reuse_result_release(&ref);
	dataset_release(&ds);
}

static void test_empty(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result r;

	(void)state;
	dataset_init(&ds);
	reuse_opts_init(&o);
	assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
	assert_int_equal(r.n_groups, 0);
	assert_int_equal(r.url_off[0], 0);
	reuse_result_release(&r);
	dataset_release(&ds);
}

/* ---- shingles and LSH against independent computations --------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* reuse.c's shingle seed, restated: shingles are XXH3 of each word and
 * of each pair of consecutive word hashes. */
#define SHINGLE_SEED UINT64_C(0x9e3779b97f4a7c15)

/* Texts of 1..400 words from a vocabulary of 60 (so words and word pairs
 * repeat): the shingles must be the sorted distinct hashes computed here
 * with qsort, for every length (insertion and bucket paths of the sort). */
static void test_shingles_sorted_distinct(void **state)
{
	static char text[4000];
	static uint64_t want[1024], got[1024];
	uint64_t s = 11;

	(void)state;
	for (int nw = 1; nw <= 400; nw += (nw < 40 ? 1 : 7)) {
		size_t len = 0, nwant = 0, u = 0, k;
		uint64_t prev = 0;

		for (int w = 0; w < nw; w++) {
			char word[16];
			int wl = snprintf(word, sizeof(word), "w%u",
					  (unsigned)(rng_next(&s) % 60));
			uint64_t h = XXH3_64bits_withSeed(word, (size_t)wl,
							  SHINGLE_SEED);

			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s%s", w ? " " : "", word);
			want[nwant++] = h;
			if (w > 0) {
				uint64_t pair[2] = { prev, h };

				want[nwant++] = XXH3_64bits_withSeed(
					pair, sizeof(pair), SHINGLE_SEED);
			}
			prev = h;
		}
		qsort(want, nwant, sizeof(*want), cmp_u64);
		for (size_t i = 0; i < nwant; i++)
			if (u == 0 || want[i] != want[u - 1])
				want[u++] = want[i];
		k = reuse_text_shingles(text, len, got, 1024);
		assert_int_equal(k, u);
		assert_memory_equal(got, want, u * sizeof(*got));
	}
}

static uint32_t ref_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

static void ref_union(uint32_t *p, uint32_t a, uint32_t b)
{
	a = ref_find(p, a);
	b = ref_find(p, b);
	if (a != b)
		p[a > b ? a : b] = a < b ? a : b;
}

/* 40 templates of 14 words, each posted 15 times with 0-5 words
 * substituted (so pairs fall on both sides of the threshold), some
 * verbatim copies and short texts. Reference, computed here by brute
 * force over all pairs of posts: same text, or both with >= min_tokens
 * shingles, equal on all rows of some band and an estimate >= jaccard.
 * Buckets stay below the cap, so reuse_compute must find exactly these
 * components, whatever the number of threads. */
static void test_lsh_matches_brute_force(void **state)
{
	enum { NT = 40, NV = 15, NW = 14, N = NT * NV + 60 };
	static char texts[N][200];
	static uint16_t sig[N][REUSE_K];
	static int sgn[N];
	static uint32_t p[N];
	uint64_t sh[1024], s = 3;
	struct dataset ds;
	struct reuse_opts o;

	(void)state;
	reuse_opts_init(&o);
	for (int i = 0; i < N; i++) {
		size_t len = 0, k;

		if (i < NT * NV) {
			int t = i / NV, edits = (int)(rng_next(&s) % 6);

			for (int w = 0; w < NW; w++) {
				int sub = (int)(rng_next(&s) % NW) < edits;

				len += (size_t)snprintf(
					texts[i] + len, sizeof(texts[i]) - len,
					sub ? "%sz%u" : "%st%dw%d", w ? " " : "",
					sub ? (unsigned)(rng_next(&s) % 50)
					    : (unsigned)t,
					w);
			}
		} else if (i < NT * NV + 30) {
			snprintf(texts[i], sizeof(texts[i]), "%s",
				 texts[rng_next(&s) % (NT * NV)]);
		} else {
			snprintf(texts[i], sizeof(texts[i]), "short %u",
				 (unsigned)(rng_next(&s) % 5));
		}
		k = reuse_text_shingles(texts[i], strlen(texts[i]), sh, 1024);
		sgn[i] = k >= o.min_tokens && k > 0;
		if (sgn[i])
			reuse_minhash(sh, k, o.seed, sig[i]);
		p[i] = (uint32_t)i;
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++) {
			int cand = 0;

			if (strcmp(texts[i], texts[j]) == 0) {
				ref_union(p, (uint32_t)i, (uint32_t)j);
				continue;
			}
			if (!sgn[i] || !sgn[j])
				continue;
			for (unsigned b = 0; b < o.bands && !cand; b++)
				cand = memcmp(sig[i] + b * o.rows,
					      sig[j] + b * o.rows,
					      o.rows * sizeof(uint16_t)) == 0;
			if (cand && reuse_signature_jaccard(sig[i], sig[j]) >=
					    o.jaccard)
				ref_union(p, (uint32_t)i, (uint32_t)j);
		}
	dataset_init(&ds);
	for (int i = 0; i < N; i++) {
		char id[16], acc[16];

		snprintf(id, sizeof(id), "q%d", i);
		snprintf(acc, sizeof(acc), "a%d", i % 97);
		add(&ds, id, acc, i, texts[i], POST_ORIGINAL, NULL);
	}
	for (unsigned nt = 1; nt <= 3; nt++) {
		struct reuse_result r;
		size_t linked = 0;

		o.threads = nt;
		assert_int_equal(reuse_compute(&ds, NULL, &o, &r), CIB_OK);
		assert_int_equal(r.stats.n_capped_buckets, 0);
		for (int i = 0; i < N; i++)
			for (int j = i + 1; j < N; j++) {
				int same = ref_find(p, (uint32_t)i) ==
					   ref_find(p, (uint32_t)j);

				linked += (size_t)same;
				assert_int_equal(same,
						 r.post_group[i] != NONE &&
							 r.post_group[i] ==
								 r.post_group[j]);
			}
		/* the data must exercise both outcomes */
		assert_true(linked > 1000);
		assert_true(r.stats.n_candidates > r.stats.n_verified);
		reuse_result_release(&r);
	}
	dataset_release(&ds);
}


/* ---- the search in shards (reuse_near.h) ----------------------------- */

struct sim {
	const struct dataset *ds;
	const struct reuse_opts *o;
	int P;
};

/* Shard q's dataset: the posts of the accounts dealt to q (index mod P),
 * in post order, and their global indices. */
static void sim_shard(const struct dataset *ds, int P, int q,
		      struct dataset *sh, uint32_t *gpost)
{
	size_t m = 0;

	dataset_init(sh);
	for (size_t j = 0; j < ds->post.n; j++) {
		struct post_rec r;
		int added = 0;

		if ((int)(ds->post.account[j] % (uint32_t)P) != q)
			continue;
		post_rec_init(&r);
		r.platform = PLATFORM_X;
		r.id = ds_str(ds, ds->post.id[j]);
		r.account_id = ds_str(ds, ds->acc.id[ds->post.account[j]]);
		r.time = ds->post.time[j];
		r.kind = ds->post.kind[j];
		r.text = ds->post.text[j] == STR_NONE
				 ? NULL
				 : ds_text(ds, j);
		assert_int_equal(dataset_add_post(sh, &r, &added), CIB_OK);
		assert_true(added);
		gpost[m++] = (uint32_t)j;
	}
	assert_int_equal(sh->post.n, m);
}

/* One shard's signing: its records, and each of its posts' record. */
struct sim_shard_out {
	struct reuse_near_text *t;
	size_t n;
	uint32_t *post_text, *gpost;
	size_t n_posts;
};

/* One band of the search: the entries to their ranks, each rank's
 * buckets checked on the signatures it would fetch, the pairs united. */
static void sim_band(const struct sim *S, unsigned band, unsigned idbits,
		     size_t ns, const uint16_t *const *sig_of,
		     const uint32_t *d_of, const size_t *sbase,
		     uint32_t *parent, size_t nd, struct reuse_stats *st)
{
	int P = S->P;
	uint64_t *ent[8] = { 0 };
	size_t nent[8] = { 0 };

	for (size_t i = 0; i < ns; i++) {
		uint64_t e = reuse_lsh_entry(S->o, idbits, sig_of[i], band, i);
		int k = reuse_near_owner(e, P);

		ent[k] = realloc(ent[k], (nent[k] + 1) * sizeof(*ent[k]));
		assert_non_null(ent[k]);
		ent[k][nent[k]++] = e;
	}
	for (int k = 0; k < P; k++) {
		uint64_t *ids, *pairs = NULL;
		size_t nids, kept, np = 0, cap = 0;
		uint16_t *sig;
		uint32_t *d;

		assert_int_equal(reuse_near_buckets(ent[k], nent[k], idbits,
						    &ids, &nids, &kept),
				 CIB_OK);
		struct reuse_sigs sg;
		uint16_t *mine;
		size_t nm = sbase[k + 1] - sbase[k], r = 0;

		/* as mpi/mpi_reuse.c does: rank k's own texts (its signed
		 * indices, held in index order) read in place through pos,
		 * the others copied in order as if fetched */
		sig = malloc((nids + 1) * REUSE_K * sizeof(*sig));
		mine = malloc((nm + 1) * REUSE_K * sizeof(*mine));
		d = malloc((nids + 1) * sizeof(*d));
		assert_non_null(sig);
		assert_non_null(mine);
		assert_non_null(d);
		for (size_t i = 0; i < nm; i++)
			memcpy(mine + i * REUSE_K, sig_of[sbase[k] + i],
			       REUSE_K * sizeof(*mine));
		memset(&sg, 0, sizeof(sg));
		while (sg.lo < nids && ids[sg.lo] < sbase[k])
			sg.lo++;
		sg.hi = sg.lo;
		while (sg.hi < nids && ids[sg.hi] < sbase[k + 1])
			sg.hi++;
		for (size_t x = 0; x < nids; x++) {
			d[x] = d_of[ids[x]];
			if (x >= sg.lo && x < sg.hi) {
				ids[x] -= sbase[k];
				continue;
			}
			memcpy(sig + r++ * REUSE_K, sig_of[ids[x]],
			       REUSE_K * sizeof(*sig));
		}
		sg.rest = sig;
		sg.mid = mine;
		sg.pos = ids;
		assert_int_equal(reuse_lsh_buckets(S->o, idbits, &sg, d, nids,
						   ent[k], kept, band, &pairs,
						   &np, &cap, st),
				 CIB_OK);
		free(mine);
		assert_int_equal(reuse_unite_pairs(parent, nd, pairs, np),
				 CIB_OK);
		free(pairs);
		free(sig);
		free(d);
		free(ids);
		free(ent[k]);
	}
}

/* reuse_near.texts done as score --mpi does it, with arrays for ranks. */
static enum cib_err sim_texts(void *ctx, uint32_t *text, size_t n_posts,
			      size_t *nd_out, uint32_t **parent_out,
			      struct reuse_stats *st)
{
	const struct sim *S = ctx;
	int P = S->P;
	struct sim_shard_out so[8];
	struct reuse_near_text *own[8] = { 0 };
	uint64_t *hashes[8];
	size_t nown[8] = { 0 }, dbase[9] = { 0 }, sbase[9] = { 0 };
	const uint16_t **sig_of;
	uint32_t *d_of, *parent;
	size_t ns = 0, nd;
	unsigned idbits;

	for (int q = 0; q < P; q++) {
		struct dataset sh;

		so[q].gpost = malloc((S->ds->post.n + 1) * sizeof(uint32_t));
		assert_non_null(so[q].gpost);
		sim_shard(S->ds, P, q, &sh, so[q].gpost);
		so[q].n_posts = sh.post.n;
		assert_int_equal(reuse_near_sign(&sh, so[q].gpost, S->o,
						 &so[q].t, &so[q].n,
						 &so[q].post_text),
				 CIB_OK);
		for (size_t k = 0; k < so[q].n; k++) {
			int h = reuse_near_owner(so[q].t[k].hash, P);

			own[h] = realloc(own[h],
					 (nown[h] + 1) * sizeof(*own[h]));
			assert_non_null(own[h]);
			own[h][nown[h]++] = so[q].t[k];
		}
		dataset_release(&sh);
	}
	for (int h = 0; h < P; h++) {
		size_t s = 0;

		assert_int_equal(reuse_near_distinct(own[h], nown[h], &nown[h]),
				 CIB_OK);
		hashes[h] = malloc((nown[h] + 1) * sizeof(uint64_t));
		assert_non_null(hashes[h]);
		for (size_t k = 0; k < nown[h]; k++) {
			s += own[h][k].is_signed;
			hashes[h][k] = own[h][k].hash;
		}
		dbase[h + 1] = dbase[h] + nown[h];
		sbase[h + 1] = sbase[h] + s;
	}
	nd = dbase[P];
	/* every post learns its text's number from the hash's rank */
	for (size_t j = 0; j < n_posts; j++)
		text[j] = UINT32_MAX;
	for (int q = 0; q < P; q++) {
		for (size_t l = 0; l < so[q].n_posts; l++) {
			uint32_t k = so[q].post_text[l];
			int h;
			size_t x;

			if (k == UINT32_MAX)
				continue;
			h = reuse_near_owner(so[q].t[k].hash, P);
			x = reuse_near_find(hashes[h], nown[h], so[q].t[k].hash);
			assert_true(x < nown[h]);
			text[so[q].gpost[l]] = (uint32_t)(dbase[h] + x);
		}
		free(so[q].t);
		free(so[q].post_text);
		free(so[q].gpost);
	}
	for (int h = 0; h < P; h++)
		free(hashes[h]);
	parent = malloc((nd + 1) * sizeof(*parent));
	assert_non_null(parent);
	for (size_t d = 0; d < nd; d++)
		parent[d] = (uint32_t)d;
	ns = sbase[P];
	st->n_signed = ns;
	idbits = reuse_lsh_idbits(ns);
	sig_of = malloc((ns + 1) * sizeof(*sig_of));
	d_of = malloc((ns + 1) * sizeof(*d_of));
	assert_non_null(sig_of);
	assert_non_null(d_of);
	for (int h = 0; h < P; h++) {
		size_t i = sbase[h];

		for (size_t k = 0; k < nown[h]; k++)
			if (own[h][k].is_signed) {
				sig_of[i] = own[h][k].sig;
				d_of[i++] = (uint32_t)(dbase[h] + k);
			}
	}
	for (unsigned band = 0; band < S->o->bands; band++)
		sim_band(S, band, idbits, ns, sig_of, d_of, sbase, parent, nd,
			 st);
	for (int h = 0; h < P; h++)
		free(own[h]);
	free(sig_of);
	free(d_of);
	*nd_out = nd;
	*parent_out = parent;
	return CIB_OK;
}

static void assert_same_reuse(const struct reuse_result *a,
			      const struct reuse_result *b)
{
	size_t n = a->n_posts, na = a->n_accounts, ng = a->n_groups;

	assert_int_equal(b->n_posts, n);
	assert_int_equal(b->n_groups, ng);
	assert_memory_equal(a->post_group, b->post_group, n * sizeof(uint32_t));
	assert_memory_equal(a->group_posts, b->group_posts, ng * 4);
	assert_memory_equal(a->group_accounts, b->group_accounts, ng * 4);
	assert_memory_equal(a->group_variants, b->group_variants, ng * 4);
	assert_memory_equal(a->group_rep, b->group_rep, ng * 4);
	assert_memory_equal(a->n_co_accounts, b->n_co_accounts, na * 4);
	assert_memory_equal(a->share_copied, b->share_copied, na * 8);
	assert_memory_equal(a->self_repeat, b->self_repeat, na * 8);
	assert_int_equal(a->stats.n_texts, b->stats.n_texts);
	assert_int_equal(a->stats.n_distinct, b->stats.n_distinct);
	assert_int_equal(a->stats.n_signed, b->stats.n_signed);
	assert_int_equal(a->stats.n_short, b->stats.n_short);
	assert_int_equal(a->stats.n_capped_buckets, b->stats.n_capped_buckets);
}

/* A scene for the shards: a template with one word changed per variant
 * (buckets past the cap: the split and the sliding window run), lightly
 * edited copies, exact copies across accounts, short texts, reposts,
 * empty texts and noise; accounts post several texts each. */
static void near_scene(struct dataset *ds)
{
	char text[700], id[32], acc[32];
	uint64_t s = 11;

	dataset_init(ds);
	for (int i = 0; i < 1400; i++) {
		size_t len = 0;
		int kind = i % 7;
		enum post_kind pk = POST_ORIGINAL;

		text[0] = '\0';
		if (kind <= 2) {
			for (int w = 0; w < 20; w++)
				len += (size_t)snprintf(
					text + len, sizeof(text) - len,
					w == i % 20 ? "x%dy " : "tmpl%d ",
					w == i % 20 ? i : w);
		} else if (kind == 3) {
			int t = (int)(rng_next(&s) % 12);

			for (int w = 0; w < 14; w++)
				len += (size_t)snprintf(
					text + len, sizeof(text) - len, "%s%d ",
					rng_next(&s) % 8 ? "ed" : "zz",
					rng_next(&s) % 8 ? t * 100 + w
							 : (int)(rng_next(&s) % 999));
		} else if (kind == 4) {
			snprintf(text, sizeof(text), "short %u",
				 (unsigned)(rng_next(&s) % 5));
		} else if (kind == 5) {
			pk = i % 2 ? POST_REPOST : POST_ORIGINAL;
			snprintf(text, sizeof(text),
				 "exact copy number %u of a stock text here "
				 "for everybody to post",
				 (unsigned)(rng_next(&s) % 9));
		} else {
			for (int w = 0; w < 12; w++)
				len += (size_t)snprintf(
					text + len, sizeof(text) - len, "n%u ",
					(unsigned)(rng_next(&s) % 20000));
		}
		snprintf(id, sizeof(id), "p%d", i);
		snprintf(acc, sizeof(acc), "a%u",
			 (unsigned)(rng_next(&s) % 211));
		add(ds, id, acc, (int64_t)(rng_next(&s) % 100000),
		    i % 97 == 5 ? "" : text, pk, NULL);
	}
}

/* reuse_compute_near with the search cut into 1-5 shards (signing on 1-3
 * threads) gives reuse_compute's groups and shares bit for bit. */

/* reuse_quoted_posts against brute force on random groups: for each
 * account, the groups of two or more accounts among its posts, each
 * with its first post in the index's order, ranked by accounts (more
 * first) then group id, the first k of them; k from 0 to past the
 * account's groups. */
static void test_quoted_posts(void **state)
{
	enum { NA = 40, NP = 600, NG = 50, KMAX = 5 };
	static uint32_t post_group[NP], group_accounts[NG], idx[NP];
	static uint64_t off[NA + 1];
	struct reuse_result r;
	struct postindex pi;
	uint64_t x = 77;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.post_group = post_group;
	r.group_accounts = group_accounts;
	r.n_groups = NG;
	for (size_t g = 0; g < NG; g++) /* ties on purpose: few values */
		group_accounts[g] = (uint32_t)(rng_next(&x) % 5);
	for (size_t j = 0; j < NP; j++) {
		uint64_t v = rng_next(&x);

		post_group[j] = v % 4 == 0 ? UINT32_MAX
				: v % 97 == 1 ? NG + 3 /* out of range */
					      : (uint32_t)(v >> 8) % NG;
		idx[j] = (uint32_t)(NP - 1 - j); /* not in post order */
	}
	for (size_t a = 0; a <= NA; a++)
		off[a] = a * NP / NA;
	pi.n_accounts = NA;
	pi.off = off;
	pi.idx = idx;
	for (size_t a = 0; a < NA; a++) {
		uint32_t bg[NG], bj[NG], g[KMAX + 1], j[KMAX + 1];
		size_t nb = 0;

		/* brute force: first post of each group, in index order */
		for (uint64_t i = off[a]; i < off[a + 1]; i++) {
			uint32_t q = post_group[idx[i]];
			int seen = 0;

			if (q == UINT32_MAX || q >= NG || group_accounts[q] < 2)
				continue;
			for (size_t k = 0; k < nb; k++)
				seen |= bg[k] == q;
			if (!seen) {
				bg[nb] = q;
				bj[nb++] = idx[i];
			}
		}
		/* rank them: selection by (accounts desc, group asc) */
		for (size_t k = 0; k < nb; k++)
			for (size_t m = k + 1; m < nb; m++) {
				uint32_t ak = group_accounts[bg[k]],
					 am = group_accounts[bg[m]];

				if (am > ak || (am == ak && bg[m] < bg[k])) {
					uint32_t t = bg[k];

					bg[k] = bg[m];
					bg[m] = t;
					t = bj[k];
					bj[k] = bj[m];
					bj[m] = t;
				}
			}
		for (size_t k = 0; k <= KMAX; k++) {
			size_t n = reuse_quoted_posts(&r, &pi, (uint32_t)a, k,
						      g, j);

			assert_int_equal(n, nb < k ? nb : k);
			for (size_t q = 0; q < n; q++) {
				assert_int_equal(g[q], bg[q]);
				assert_int_equal(j[q], bj[q]);
			}
		}
	}
	/* the bits: the union of every account's picks */
	{
		uint64_t *bits, want[(NP + 63) / 64] = { 0 };
		uint32_t g[3], j[3];

		r.n_posts = NP;
		for (size_t a = 0; a < NA; a++) {
			size_t n = reuse_quoted_posts(&r, &pi, (uint32_t)a, 3,
						      g, j);

			for (size_t q = 0; q < n; q++)
				want[j[q] / 64] |= (uint64_t)1 << (j[q] % 64);
		}
		assert_int_equal(reuse_quoted_bits(&r, &pi, 3, &bits), CIB_OK);
		assert_non_null(bits);
		assert_memory_equal(bits, want, sizeof(want));
		free(bits);
	}
	r.post_group = NULL; /* no groups: nothing quoted */
	assert_int_equal(reuse_quoted_posts(&r, &pi, 0, 3, NULL, NULL), 0);
	{
		uint64_t *none = (uint64_t *)&x; /* set to NULL */

		assert_int_equal(reuse_quoted_bits(&r, &pi, 3, &none), CIB_OK);
		assert_null(none);
	}
}

/* reuse_near_distinct_runs against reuse_near_distinct and brute force:
 * runs sorted by hash, hashes repeated across runs and within one, the
 * lowest post kept; every record's number is its hash's rank; a run out
 * of order or lengths that do not sum are refused with t unchanged. */
static void test_near_distinct_runs(void **state)
{
	enum { R = 5, PER = 400 };
	static struct reuse_near_text a[R * PER], b[R * PER], c[R * PER];
	static uint32_t num[R * PER];
	size_t len[R], n = 0, ka, kb;
	uint64_t x = 12345;

	(void)state;
	for (size_t r = 0; r < R; r++) {
		uint64_t h = 0;

		len[r] = r == 2 ? 0 : PER - 37 * r; /* an empty run too */
		for (size_t i = 0; i < len[r]; i++) {
			struct reuse_near_text *t = &a[n++];

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if (!(i && (x >> 60) == 0)) /* a repeat within it */
				h += 1 + (x >> 56) % 5; /* many across runs */
			memset(t, 0, sizeof(*t));
			t->hash = h << 40;
			t->post = (uint32_t)(x >> 33);
			t->is_signed = (x >> 20) & 1;
			for (int k = 0; k < REUSE_K; k++)
				t->sig[k] = (uint16_t)(t->post + (uint32_t)k);
		}
	}
	memcpy(b, a, n * sizeof(*a));
	memcpy(c, a, n * sizeof(*a));
	assert_int_equal(reuse_near_distinct(a, n, &ka), CIB_OK);
	assert_int_equal(reuse_near_distinct_runs(b, n, len, R, &kb, num),
			 CIB_OK);
	assert_int_equal(ka, kb);
	assert_true(ka > 50 && ka < n);
	assert_memory_equal(a, b, ka * sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = ka;
		uint32_t low = UINT32_MAX;

		while (lo < hi) { /* the kept record of c[i]'s hash */
			size_t mid = (lo + hi) / 2;

			if (b[mid].hash < c[i].hash)
				lo = mid + 1;
			else
				hi = mid;
		}
		assert_true(lo < ka && b[lo].hash == c[i].hash);
		assert_int_equal(num[i], lo);
		for (size_t j = 0; j < n; j++) /* brute force: lowest post */
			if (c[j].hash == c[i].hash && c[j].post < low)
				low = c[j].post;
		assert_int_equal(b[lo].post, low);
	}
	/* out of order, or the lengths short: refused, nothing moved */
	memcpy(b, c, n * sizeof(*c));
	b[1].hash = b[0].hash - 1;
	memcpy(a, b, n * sizeof(*b));
	assert_int_equal(reuse_near_distinct_runs(b, n, len, R, &kb, NULL),
			 CIB_EUSAGE);
	assert_memory_equal(a, b, n * sizeof(*b));
	assert_int_equal(reuse_near_distinct_runs(c, n - 1, len, R, &kb, NULL),
			 CIB_EUSAGE);
	len[0]--;
	assert_int_equal(reuse_near_distinct_runs(c, n, len, R, &kb, NULL),
			 CIB_EUSAGE);
}

static void test_near_shards(void **state)
{
	struct dataset ds;
	struct reuse_opts o;
	struct reuse_result ref;

	(void)state;
	near_scene(&ds);
	reuse_opts_init(&o);
	o.bucket_cap = 32;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &ref), CIB_OK);
	/* the scene must exercise what the shards must get right */
	assert_true(ref.stats.n_capped_buckets > 0);
	assert_true(ref.n_groups > 10);
	assert_true(ref.stats.n_short > 0);
	for (int P = 1; P <= 5; P++) {
		struct sim S = { &ds, &o, P };

		o.threads = (unsigned)(P % 3 + 1); /* the signers' threads */
		struct reuse_near near = { &S, sim_texts, NULL };
		struct reuse_result r;

		assert_int_equal(reuse_compute_near(&ds, NULL, &o, &near, &r),
				 CIB_OK);
		assert_same_reuse(&ref, &r);
		reuse_result_release(&r);
	}
	reuse_result_release(&ref);
	dataset_release(&ds);
}

/* The URLs of post i of url_scene: in its text, and as an entity for
 * every third post. texts 0: the same posts without their texts. */
static void url_scene(struct dataset *ds, int texts)
{
	char id[16], acc[16], text[200];

	dataset_init(ds);
	for (int i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		snprintf(acc, sizeof(acc), "a%d", i % 6);
		snprintf(text, sizeof(text),
			 i % 5 == 4 ? "no link here, the same words %d"
				    : "see https://www.s%d.com/x?utm_source=q "
				      "and http://t.org/%d and http://t.org/0 "
				      "with the same words",
			 i % 9, i % 4);
		add(ds, id, acc, 100 + i, texts ? text : NULL,
		    i % 11 == 10 ? POST_REPOST : POST_ORIGINAL,
		    i % 3 == 0 ? "https://e.net/a" : NULL);
	}
}

/* A dataset without its texts (score --mpi keeps them on the owners)
 * given the URLs found in them (reuse_near.text_urls) gets the URL ids,
 * counts and shares of the dataset with its texts, in one chunk or many;
 * without them it would have only the entities' URLs. */
static void test_text_urls(void **state)
{
	static const size_t chunks[] = { 0, 1, 4, 7 };
	struct dataset ds, bare;
	struct reuse_opts o;
	struct reuse_result ref, r;
	struct reuse_text_urls tu;
	uint32_t post[400], len[400];
	uint64_t off[400];
	size_t n = 0;
	struct sim S = { NULL, NULL, 2 };

	(void)state;
	url_scene(&ds, 1);
	url_scene(&bare, 0);
	assert_int_equal(bare.texts.n, 0);
	/* the owners' part: the URLs in the texts of posts without a URL
	 * entity, in post order */
	for (size_t j = 0; j < ds.post.n; j++) {
		const char *s = ds_text(&ds, j);
		size_t at = 0, l, tl = ds_text_len(&ds, j);
		int ent = 0;

		for (uint64_t k = ds.post.ent_off[j]; k < ds.post.ent_off[j + 1];
		     k++)
			ent |= ds.ent.type[k] == ENT_URL;
		while (!ent && urlnorm_next(s, tl, &at, &l)) {
			assert_true(n < 400);
			post[n] = (uint32_t)j;
			off[n] = (uint64_t)(s + at - ds_text(&ds, 0));
			len[n++] = (uint32_t)l;
			at += l;
		}
	}
	assert_true(n > 60);
	reuse_opts_init(&o);
	S.ds = &ds;
	S.o = &o;
	assert_int_equal(reuse_compute(&ds, NULL, &o, &ref), CIB_OK);
	assert_true(ref.n_groups > 0);
	tu.n = n;
	tu.post = post;
	tu.off = off;
	tu.len = len;
	/* every text sits in the pool's one block, the first one first */
	tu.bytes = ds_text(&ds, 0);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		struct reuse_near near = { &S, sim_texts, &tu };

		o.url_chunk = chunks[c];
		o.threads = (unsigned)(c % 2 + 1);
		assert_int_equal(reuse_compute_near(&bare, NULL, &o, &near, &r),
				 CIB_OK);
		assert_same_urls(&ref, &r, &ds);
		assert_same_reuse(&ref, &r);
		reuse_result_release(&r);
	}
	reuse_result_release(&ref);
	dataset_release(&ds);
	dataset_release(&bare);
}

/* reuse_discard_urls: the URLs of the posts past upto intact at every
 * step, some pages of those before given back; reuse_drop_urls frees
 * all after. */
static void test_discard_urls(void **state)
{
	enum { NP = 20000 };
	struct reuse_result r, w;
	uint64_t nu = 0;
	int zeroed = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	r.n_posts = w.n_posts = NP;
	r.url_off = malloc((NP + 1) * sizeof(*r.url_off));
	w.url_off = malloc((NP + 1) * sizeof(*w.url_off));
	assert_non_null(r.url_off);
	assert_non_null(w.url_off);
	r.url_off[0] = 0;
	for (size_t j = 0; j < NP; j++)
		r.url_off[j + 1] = r.url_off[j] + j % 3;
	nu = r.url_off[NP];
	memcpy(w.url_off, r.url_off, (NP + 1) * sizeof(*w.url_off));
	r.url_str = malloc(nu * sizeof(*r.url_str));
	r.url_domain = malloc(nu * sizeof(*r.url_domain));
	w.url_str = malloc(nu * sizeof(*w.url_str));
	w.url_domain = malloc(nu * sizeof(*w.url_domain));
	assert_true(r.url_str && r.url_domain && w.url_str && w.url_domain);
	for (uint64_t k = 0; k < nu; k++) {
		r.url_str[k] = w.url_str[k] = (uint32_t)(k + 1);
		r.url_domain[k] = w.url_domain[k] = (uint32_t)(k % 50 + 1);
	}
	for (size_t upto = 3000; upto <= NP; upto += 3000) {
		size_t given = reuse_discard_urls(&r, upto);

		/* whole pages of the prefix read, no more */
		assert_true(given <= upto * 8 + w.url_off[upto] * 8);
		assert_int_equal(given % 4096, 0);
		for (size_t j = upto; j <= NP; j++)
			assert_int_equal(r.url_off[j], w.url_off[j]);
		for (uint64_t k = w.url_off[upto]; k < nu; k++) {
			assert_int_equal(r.url_str[k], w.url_str[k]);
			assert_int_equal(r.url_domain[k], w.url_domain[k]);
		}
	}
	for (uint64_t k = 0; k < nu; k++)
		zeroed += r.url_str[k] == 0;
#if defined(__linux__)
	assert_true(zeroed > 0);
	assert_true(reuse_discard_urls(&r, NP) > 0);
#endif
	assert_true(reuse_drop_urls(&r) > 0);
	assert_null(r.url_off);
	assert_null(r.url_str);
	assert_null(r.url_domain);
	(void)reuse_drop_urls(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minhash_estimates_jaccard),
		cmocka_unit_test(test_minhash_disjoint),
		cmocka_unit_test(test_lsh_probability),
		cmocka_unit_test(test_groups_hand_made),
		cmocka_unit_test(test_deterministic_and_threads),
		cmocka_unit_test(test_large_cluster_and_noise),
		cmocka_unit_test(test_co_accounts_estimate),
		cmocka_unit_test(test_url_cap),
		cmocka_unit_test(test_url_chunks),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_shingles_sorted_distinct),
		cmocka_unit_test(test_lsh_matches_brute_force),
		cmocka_unit_test(test_quoted_posts),
		cmocka_unit_test(test_near_distinct_runs),
		cmocka_unit_test(test_near_shards),
		cmocka_unit_test(test_text_urls),
		cmocka_unit_test(test_discard_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
