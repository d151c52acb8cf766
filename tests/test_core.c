/* test_core.c - strpool, dataset and timefmt against hand-computed values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "core/timefmt.h"
#include "core/bits.h"
#include "core/dataset.h"
#include "core/strlayer.h"
#include "core/bigmem.h"
#include "core/clock.h"
#include "core/memstep.h"
#include "core/diag.h"
#include "core/postindex.h"
#include "core/strpool.h"

static void test_strpool_interns(void **state)
{
	struct strpool p;
	uint32_t a, b, c, d;
	char buf[32];

	(void)state;
	strpool_init(&p);
	assert_int_equal(strpool_intern(&p, "hello", 5, &a), CIB_OK);
	assert_int_equal(strpool_intern(&p, "world", 5, &b), CIB_OK);
	assert_int_equal(strpool_intern(&p, "hello!", 5, &c), CIB_OK);
	assert_int_equal(a, c);
	assert_int_not_equal(a, b);
	assert_string_equal(strpool_get(&p, b), "world");
	strpool_find(&p, "nope", 4, &d);
	assert_int_equal(d, STR_NONE);
	/* many strings force table growth and new arena blocks */
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(buf, sizeof(buf), "s%d", i);

		assert_int_equal(strpool_intern(&p, buf, (size_t)n, &d), CIB_OK);
	}
	strpool_find(&p, "s77777", 6, &d);
	assert_string_equal(strpool_get(&p, d), "s77777");
	assert_string_equal(strpool_get(&p, a), "hello");
	assert_int_equal(p.n, 100002);
	strpool_release(&p);
	strpool_release(NULL);
}

/* The pre-hashed path gives the same ids as plain interning (first-seen
 * order), prefetch or not. */
static void test_strpool_hashed(void **state)
{
	struct strpool p, q;
	char buf[32];
	uint32_t a, b;

	(void)state;
	strpool_init(&p);
	strpool_init(&q);
	for (int i = 0; i < 60000; i++) {
		int n = snprintf(buf, sizeof(buf), "k%d", i % 40000);
		uint64_t h = strpool_hash(buf, (size_t)n);

		strpool_prefetch(&q, h);
		assert_int_equal(strpool_intern(&p, buf, (size_t)n, &a), CIB_OK);
		assert_int_equal(strpool_intern_hashed(&q, buf, (size_t)n, h, &b),
				 CIB_OK);
		assert_int_equal(a, b);
		assert_int_equal(a, (uint32_t)(i % 40000));
	}
	assert_int_equal(p.n, 40000);
	assert_int_equal(q.n, 40000);
	strpool_release(&p);
	strpool_release(&q);
}

/* strpool_reserve sizes the table and ids once (no growth up to n), and
 * strpool_candidate finds a string a few slots past its own: checked
 * against a brute-force walk of the table for every string interned. */
/* A dropped table: the strings stay readable by id, interning again
 * builds the table from the strings (the same ids for the strings held,
 * the next id for a new one), after which finding works; a reserve after
 * a drop builds it too. */
static void test_strpool_drop_table(void **state)
{
	struct strpool p;
	char buf[32];
	uint32_t id;

	(void)state;
	strpool_init(&p);
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof(buf), "w%d", i);

		assert_int_equal(strpool_intern(&p, buf, (size_t)n, &id), CIB_OK);
	}
	strpool_drop_table(&p);
	assert_null(p.slots);
	assert_string_equal(strpool_get(&p, 4321), "w4321");
	assert_int_equal(strpool_intern(&p, "w17", 3, &id), CIB_OK);
	assert_int_equal(id, 17);
	assert_true(p.nslots * 3 >= (size_t)5001 * 4);
	assert_int_equal(strpool_intern(&p, "new", 3, &id), CIB_OK);
	assert_int_equal(id, 5000);
	for (int i = 0; i < 5000; i += 7) {
		int n = snprintf(buf, sizeof(buf), "w%d", i);

		strpool_find(&p, buf, (size_t)n, &id);
		assert_int_equal(id, (uint32_t)i);
	}
	strpool_drop_table(&p);
	assert_int_equal(strpool_reserve(&p, 10), CIB_OK);
	strpool_find(&p, "w4999", 5, &id);
	assert_int_equal(id, 4999);
	strpool_find(&p, "new", 3, &id);
	assert_int_equal(id, 5000);
	strpool_release(&p);
}

/* strpool_build_table after strpool_drop: the table holds the strings
 * kept, sized for them, and strpool_trim gives back the ids' room */
static void test_strpool_build_table(void **state)
{
	struct strpool p;
	uint8_t *drop;
	char buf[32];
	uint32_t id;
	size_t freed, full;

	(void)state;
	strpool_init(&p);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof(buf), "s%d", i);

		assert_int_equal(strpool_intern(&p, buf, (size_t)n, &id), CIB_OK);
	}
	full = p.nslots;
	drop = calloc(p.n, 1);
	assert_non_null(drop);
	for (uint32_t i = 0; i < p.n; i++)
		drop[i] = i % 10 != 3; /* keep 2000 */
	assert_int_equal(strpool_drop(&p, drop, &freed), CIB_OK);
	free(drop);
	assert_int_equal(strpool_build_table(&p), CIB_OK);
	/* 2000 kept: a table of 4096 slots, not the 32768 of 20000 */
	assert_int_equal(p.nslots, 4096);
	assert_true(p.nslots < full);
	assert_int_equal(strpool_build_table(&p), CIB_OK); /* a no-op */
	assert_int_equal(p.nslots, 4096);
	strpool_trim(&p);
	assert_int_equal(p.cap, p.n);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof(buf), "s%d", i);

		strpool_find(&p, buf, (size_t)n, &id);
		if (i % 10 == 3) {
			assert_int_equal(id, (uint32_t)i);
			assert_string_equal(strpool_get(&p, id), buf);
		} else {
			assert_int_equal(id, STR_NONE);
			assert_true(strpool_dropped(&p, (uint32_t)i));
		}
	}
	/* a freed string's bytes come back as a new id; the table grows
	 * by the strings held, not by the ids */
	assert_int_equal(strpool_intern(&p, "s0", 2, &id), CIB_OK);
	assert_int_equal(id, 20000);
	assert_int_equal(p.nslots, 4096);
	strpool_find(&p, "s13", 3, &id);
	assert_int_equal(id, 13);
	strpool_release(&p);
}

/* String i of test_strpool_drop's pool: lengths 0 to 300, so 60000 of
 * them span several blocks (1 MiB, 2 MiB, ...). */
static size_t drop_str(int i, char *buf)
{
	size_t n = (size_t)((i * 7919) % 301);

	for (size_t k = 0; k < n; k++)
		buf[k] = (char)('a' + (i + (int)k) % 26);
	n += (size_t)snprintf(buf + n, 32, "#%d", i);
	return n;
}

/* Fills p with drop_str(0 .. n-1) and marks every third and every
 * seventh (not both) for dropping; the bytes they hold. */
static size_t drop_fill(struct strpool *p, uint8_t *drop, int n)
{
	char buf[400];
	size_t want = 0;
	uint32_t id;

	for (int i = 0; i < n; i++) {
		size_t len = drop_str(i, buf);

		assert_int_equal(strpool_intern(p, buf, len, &id), CIB_OK);
		assert_int_equal(id, (uint32_t)i);
		drop[i] = (i % 3 == 0) != (i % 7 == 0);
		want += drop[i] ? len : 0;
	}
	return want;
}

/* Every string as drop_fill made it: the kept ones with their bytes and
 * length at their id, the dropped ones "" and flagged (or, all_kept,
 * none dropped). */
static void drop_check(const struct strpool *p, const uint8_t *drop, int n,
		       int all_kept)
{
	char buf[400];

	for (int i = 0; i < n; i++) {
		size_t len = drop_str(i, buf);

		if (drop[i] && !all_kept) {
			assert_true(strpool_dropped(p, (uint32_t)i));
			assert_int_equal(strpool_len(p, (uint32_t)i), 0);
			assert_string_equal(strpool_get(p, (uint32_t)i), "");
			continue;
		}
		assert_false(strpool_dropped(p, (uint32_t)i));
		assert_int_equal(strpool_len(p, (uint32_t)i), len);
		assert_memory_equal(strpool_get(p, (uint32_t)i), buf, len);
		assert_int_equal(strpool_get(p, (uint32_t)i)[len], '\0');
	}
}

/* strpool_drop frees exactly the marked strings' bytes across several
 * blocks; the rest keep id, bytes and length; interning afterwards finds
 * the kept strings, gives a dropped one's bytes a new id, and appends
 * after the moved ones; a second drop and an empty one work too. */
static void test_strpool_drop(void **state)
{
	enum { N = 60000 };
	static uint8_t drop[N + 1];
	struct strpool p;
	char buf[400];
	size_t want, freed, bytes;
	uint32_t id;

	(void)state;
	strpool_init(&p);
	want = drop_fill(&p, drop, N);
	assert_true(p.nblocks >= 3);
	bytes = p.bytes;
	assert_int_equal(strpool_drop(&p, drop, &freed), CIB_OK);
	assert_int_equal(freed, want);
	assert_int_equal(p.bytes, bytes - want);
	assert_null(p.slots);
	drop_check(&p, drop, N, 0);
	/* the table comes back without the dropped strings */
	{
		size_t len = drop_str(1, buf); /* kept */

		assert_int_equal(strpool_intern(&p, buf, len, &id), CIB_OK);
		assert_int_equal(id, 1);
		len = drop_str(3, buf); /* dropped: a new string now */
		assert_int_equal(strpool_intern(&p, buf, len, &id), CIB_OK);
		assert_int_equal(id, N);
		assert_int_equal(strpool_len(&p, N), len);
		strpool_find(&p, buf, len, &id);
		assert_int_equal(id, N);
	}
	drop_check(&p, drop, N, 0);
	/* a second drop: string 1 as well, and the new one */
	drop[1] = 1;
	drop[N] = 1;
	assert_int_equal(strpool_drop(&p, drop, &freed), CIB_OK);
	assert_int_equal(freed, drop_str(1, buf) + drop_str(3, buf));
	drop_check(&p, drop, N, 0);
	assert_true(strpool_dropped(&p, N));
	/* nothing to drop: nothing changes */
	memset(drop, 0, sizeof(drop));
	assert_int_equal(strpool_drop(&p, drop, &freed), CIB_OK);
	assert_int_equal(freed, 0);
	assert_int_equal(strpool_intern(&p, "after", 5, &id), CIB_OK);
	assert_string_equal(strpool_get(&p, id), "after");
	strpool_release(&p);
}

/* strpool_compact after strpool_drop: the kept strings numbered 0 .. k-1
 * in their old order, the map says where each went (STR_NONE: dropped),
 * nothing dropped is left, the table comes back, and a new string takes
 * the next id. */
static void test_strpool_compact(void **state)
{
	enum { N = 60000 };
	static uint8_t drop[N];
	static uint32_t newid[N];
	struct strpool p;
	char buf[400];
	size_t freed, bytes;
	uint32_t id, next = 0;

	(void)state;
	strpool_init(&p);
	(void)drop_fill(&p, drop, N);
	assert_int_equal(strpool_drop(&p, drop, &freed), CIB_OK);
	bytes = p.bytes;
	strpool_compact(&p, newid);
	assert_null(p.slots);
	assert_int_equal(p.n_dropped, 0);
	assert_int_equal(p.bytes, bytes);
	for (int i = 0; i < N; i++) {
		size_t len = drop_str(i, buf);

		if (drop[i]) {
			assert_int_equal(newid[i], STR_NONE);
			continue;
		}
		assert_int_equal(newid[i], next++); /* dense, order kept */
		assert_false(strpool_dropped(&p, newid[i]));
		assert_int_equal(strpool_len(&p, newid[i]), len);
		assert_memory_equal(strpool_get(&p, newid[i]), buf, len + 1);
	}
	assert_int_equal(p.n, next);
	assert_int_equal(strpool_build_table(&p), CIB_OK);
	for (int i = 0; i < N; i += 97) {
		size_t len = drop_str(i, buf);

		strpool_find(&p, buf, len, &id);
		assert_int_equal(id, newid[i]);
	}
	assert_int_equal(strpool_intern(&p, "after", 5, &id), CIB_OK);
	assert_int_equal(id, next);
	/* nothing dropped: the identity */
	strpool_compact(&p, newid);
	for (uint32_t i = 0; i <= next; i++)
		assert_int_equal(newid[i], i);
	assert_int_equal(p.n, next + 1);
	strpool_release(&p);
}

/* strpool_drop without room for its new blocks (the test knob fails the
 * k-th): every string not yet dropped stays readable, the pool stays
 * usable, and freeing it is clean (the sanitizers check the blocks). */
static void test_strpool_drop_nomem(void **state)
{
	enum { N = 60000 };
	static uint8_t drop[N + 1]; /* and "x", interned after the failure */
	struct strpool p;
	size_t freed;
	uint32_t id;

	(void)state;
	for (int k = 0; k < 3; k++) {
		char lim[8];

		strpool_init(&p);
		drop_fill(&p, drop, N);
		snprintf(lim, sizeof(lim), "%d", k);
		setenv("CIBSCAN_TEST_STRPOOL_DROP_BLOCKS", lim, 1);
		assert_int_equal(strpool_drop(&p, drop, &freed), CIB_ENOMEM);
		unsetenv("CIBSCAN_TEST_STRPOOL_DROP_BLOCKS");
		for (int i = 0; i < N; i++) /* kept ones all readable */
			if (!drop[i])
				assert_false(strpool_dropped(&p, (uint32_t)i));
		{
			/* what was dropped is gone, the rest as made */
			uint8_t *seen = malloc(N);

			assert_non_null(seen);
			for (int i = 0; i < N; i++)
				seen[i] = strpool_dropped(&p, (uint32_t)i);
			drop_check(&p, seen, N, 0);
			free(seen);
		}
		assert_int_equal(strpool_intern(&p, "x", 1, &id), CIB_OK);
		assert_int_equal(id, N);
		assert_int_equal(strpool_drop(&p, drop, &freed), CIB_OK);
		drop_check(&p, drop, N, 0);
		assert_string_equal(strpool_get(&p, N), "x");
		strpool_release(&p);
	}
}

static void test_strpool_reserve_candidate(void **state)
{
	struct strpool p;
	char buf[32];
	uint32_t id;
	size_t nslots, mask, displaced = 0, checked = 0;

	(void)state;
	strpool_init(&p);
	assert_int_equal(strpool_reserve(&p, 100000), CIB_OK);
	nslots = p.nslots;
	assert_true(nslots * 3 >= (size_t)100000 * 4);
	assert_int_equal(nslots & (nslots - 1), 0);
	assert_true(p.cap >= 100000);
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(buf, sizeof(buf), "s%d", i);

		assert_int_equal(strpool_intern(&p, buf, (size_t)n, &id), CIB_OK);
		assert_int_equal(id, (uint32_t)i);
	}
	assert_int_equal(p.nslots, nslots); /* never grown */
	mask = nslots - 1;
	for (size_t j = 0; j < nslots; j++) {
		uint64_t v = p.slots[j], h;
		uint32_t h32 = (uint32_t)(v >> 32), sid = (uint32_t)v - 1;
		size_t home = h32 & mask, dist = (j - home) & mask;
		int clash = 0;

		if (v == 0 || dist >= 8)
			continue;
		for (size_t k = home; k != j; k = (k + 1) & mask)
			clash |= (uint32_t)(p.slots[k] >> 32) == h32;
		if (clash)
			continue;
		h = strpool_hash(strpool_get(&p, sid), strpool_len(&p, sid));
		assert_int_equal((uint32_t)h, h32);
		assert_int_equal(strpool_candidate(&p, h), sid);
		checked++;
		displaced += dist > 0;
	}
	assert_true(checked > 90000);
	assert_true(displaced > 1000);
	/* an absent string is not found */
	strpool_find(&p, "absent", 6, &id);
	assert_int_equal(id, STR_NONE);
	/* reserving less than held changes nothing */
	assert_int_equal(strpool_reserve(&p, 10), CIB_OK);
	assert_int_equal(p.nslots, nslots);
	strpool_release(&p);
}

/* dataset_reserve gives the post columns their room at once; adding past
 * it grows as ever, and every post stays found. */
/* dataset_drop_post_strings frees the post ids and the texts of the
 * posts not shown and no other string: not a shown post's text (shared
 * with an unshown post), not a post id a repost names or a layer handed
 * out. Texts are a pool of their own: one equal to a location, a hashtag
 * or a changed handle goes like any other, the location, hashtag and
 * handle stay, and a layer never resolves to a text. dataset_drop_post_columns
 * after it frees the features' columns and nothing else. */
static void test_dataset_drop_post_strings(void **state)
{
	static const char *const texts[] = {
		"unique words of post zero", "Beijing", "#tag", "copied text",
		"copied text", "old", "another unshown text",
	};
	static const char *const ent[] = { "#tag" };
	static const enum entity_type et[] = { ENT_HASHTAG };
	const uint64_t shown[] = { 1u << 3 }; /* post 3 alone */
	struct dataset ds;
	struct account_rec a;
	struct post_rec r;
	struct strlayer lay;
	const struct strlayer *const layers[] = { &lay };
	char id[16];
	uint32_t sid;
	size_t freed, want = 0;

	(void)state;
	dataset_init(&ds);
	account_rec_init(&a);
	a.platform = PLATFORM_X;
	a.id = "a";
	a.location = "Beijing";
	a.handle = "old";
	assert_int_equal(dataset_add_account(&ds, &a, NULL), CIB_OK);
	a.handle = "new"; /* a change: "old" is named by it */
	assert_int_equal(dataset_add_account(&ds, &a, NULL), CIB_OK);
	for (size_t i = 0; i < 7; i++) {
		post_rec_init(&r);
		r.platform = PLATFORM_X;
		snprintf(id, sizeof(id), "p%zu", i);
		r.id = id;
		r.account_id = "a";
		r.time = 100;
		r.text = texts[i];
		if (i == 0) {
			r.ent_str = ent;
			r.ent_type = et;
			r.n_ent = 1;
		}
		assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	}
	post_rec_init(&r); /* p7 reposts p3 */
	r.platform = PLATFORM_X;
	r.id = "p7";
	r.account_id = "a";
	r.time = 101;
	r.kind = POST_REPOST;
	r.ref_post = "p3";
	assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	assert_int_equal(ds.post.text[3], ds.post.text[4]);
	/* a layer (a feature's strings) never finds a text, and finds the
	 * post id "p6" in the pool */
	strlayer_init(&lay, &ds.strings);
	assert_int_equal(strlayer_intern(&lay, "copied text", 11, &sid),
			 CIB_OK);
	assert_true(sid >= ds.strings.n);
	assert_int_equal(strlayer_intern(&lay, "p6", 2, &sid), CIB_OK);
	assert_int_equal(sid, ds.post.id[6]);
	assert_int_equal(dataset_drop_post_strings(&ds, shown, layers, 1,
						   &freed),
			 CIB_OK);
	/* every text but the shown one's, the ids of all but p3 and p6 */
	for (size_t i = 0; i < 7; i++)
		if (i != 3 && i != 4)
			want += strlen(texts[i]);
	assert_int_equal(freed, want + 6 * 2);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(ds_str(&ds, ds.post.id[i]),
				    i == 3 ? "p3" : i == 6 ? "p6" : "");
	assert_true(ds.post_strings_dropped && ds.lookups_dropped);
	for (size_t i = 0; i < 7; i++) {
		int gone = i != 3 && i != 4;

		assert_int_equal(strpool_dropped(&ds.texts, ds.post.text[i]),
				 gone);
		assert_string_equal(ds_text(&ds, i), gone ? "" : texts[i]);
	}
	assert_string_equal(ds_str(&ds, ds.acc.location[0]), "Beijing");
	assert_string_equal(ds_str(&ds, ds.acc.handle[0]), "new");
	assert_string_equal(ds_str(&ds, ds.change.old_value[0]), "old");
	assert_string_equal(ds_str(&ds, ds.ent.str[0]), "#tag");
	assert_string_equal(ds_str(&ds, ds.post.ref_post[7]), "p3");
	assert_string_equal(strlayer_get(&lay, sid), "p6");
	strlayer_release(&lay);
	/* nothing shown, no layer: the copied text and p6 go, p3 stays */
	assert_int_equal(dataset_drop_post_strings(&ds, NULL, NULL, 0, &freed),
			 CIB_OK);
	assert_int_equal(freed, strlen("copied text") + 2);
	assert_string_equal(ds_text(&ds, 3), "");
	assert_string_equal(ds_str(&ds, ds.post.id[6]), "");
	assert_string_equal(ds_str(&ds, ds.post.ref_post[7]), "p3");
	assert_string_equal(ds_str(&ds, ds.acc.location[0]), "Beijing");
	/* the columns only the features read: 24 bytes a post, the rest
	 * as it was */
	assert_int_equal(dataset_drop_post_columns(&ds), 8 * 24);
	assert_true(ds.post_columns_dropped);
	assert_null(ds.post.likes);
	assert_null(ds.post.reposts);
	assert_null(ds.post.replies);
	assert_null(ds.post.quotes);
	assert_null(ds.post.lang);
	assert_null(ds.post.client);
	assert_int_equal(dataset_drop_post_columns(&ds), 0);
	assert_int_equal(ds.post.time[7], 101);
	assert_int_equal(ds.post.kind[7], POST_REPOST);
	assert_string_equal(ds_str(&ds, ds.post.ref_post[7]), "p3");
	dataset_release(&ds);
}

/* dataset_keep_texts keeps the posts' count, kinds and texts, and frees
 * the rest (the sanitizer build checks that nothing leaks or is freed
 * twice, the release after included). */
static void test_dataset_keep_texts(void **state)
{
	static const char *const texts[] = { "first text", NULL, "third" };
	static const char *const ent[] = { "#tag" };
	static const enum entity_type et[] = { ENT_HASHTAG };
	struct dataset ds;
	struct account_rec a;
	struct post_rec r;
	char id[16];

	(void)state;
	dataset_init(&ds);
	account_rec_init(&a);
	a.platform = PLATFORM_X;
	a.id = "a";
	a.handle = "h";
	assert_int_equal(dataset_add_account(&ds, &a, NULL), CIB_OK);
	for (size_t i = 0; i < 3; i++) {
		post_rec_init(&r);
		r.platform = PLATFORM_X;
		snprintf(id, sizeof(id), "p%zu", i);
		r.id = id;
		r.account_id = "a";
		r.time = 100 + (int64_t)i;
		r.text = texts[i];
		r.kind = i == 1 ? POST_REPOST : POST_ORIGINAL;
		r.ref_post = i == 1 ? "p0" : NULL;
		r.ent_str = ent;
		r.ent_type = et;
		r.n_ent = 1;
		assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	}
	dataset_keep_texts(&ds);
	assert_int_equal(ds.post.n, 3);
	assert_string_equal(ds_text(&ds, 0), "first text");
	assert_int_equal(ds.post.text[1], STR_NONE);
	assert_string_equal(ds_text(&ds, 2), "third");
	assert_int_equal(ds.post.kind[1], POST_REPOST);
	assert_int_equal(ds.post.kind[2], POST_ORIGINAL);
	assert_int_equal(ds.acc.n, 0);
	assert_int_equal(ds.ent.n, 0);
	assert_int_equal(ds.strings.n, 0);
	assert_null(ds.post.id);
	assert_null(ds.post.time);
	assert_null(ds.post.account);
	assert_null(ds.post.ent_off);
	assert_true(ds.lookups_dropped && ds.post_columns_dropped);
	dataset_release(&ds);
}

/* dataset_drop_post_keys frees what finds posts and nothing else: the
 * strings are still found by their bytes, the accounts by their ids, and
 * every column reads as before. */
/* Post i of the drop tests: id "p<i>" (in id[0..n)), by account acc,
 * at 100 + i, text "t". */
static void drop_test_post(struct post_rec *r, char *id, size_t n, size_t i,
			   const char *acc)
{
	post_rec_init(r);
	r->platform = PLATFORM_X;
	snprintf(id, n, "p%zu", i);
	r->id = id;
	r->account_id = acc;
	r->time = 100 + (int64_t)i;
	r->text = "t";
}

/* Posts p0..p3 (p3 by "b", the others by "a"), each with the entities
 * ent_str/ent_type[0..2), post 1 with [0..n1); with repost, p2 reposts
 * p0 (whose id then stays past dataset_drop_post_ids). */
static void add_drop_posts(struct dataset *ds, const char *const *ent_str,
			   const enum entity_type *ent_type, size_t n1,
			   int repost)
{
	struct post_rec r;
	char id[16];

	for (size_t i = 0; i < 4; i++) {
		drop_test_post(&r, id, sizeof(id), i, i == 3 ? "b" : "a");
		if (repost && i == 2) {
			r.kind = POST_REPOST;
			r.ref_post = "p0";
			r.ref_account = "a";
		}
		r.ent_str = ent_str;
		r.ent_type = ent_type;
		r.n_ent = i == 1 ? n1 : 2;
		assert_int_equal(dataset_add_post(ds, &r, NULL), CIB_OK);
	}
}

static void test_dataset_drop_post_keys(void **state)
{
	struct dataset ds;
	struct post_rec r;
	uint32_t sid, p1;
	char id[16];

	(void)state;
	dataset_init(&ds);
	for (size_t i = 0; i < 3; i++) {
		drop_test_post(&r, id, sizeof(id), i, i == 2 ? "b" : "a");
		assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	}
	strpool_find(&ds.strings, "p1", 2, &sid);
	assert_int_not_equal(sid, STR_NONE);
	p1 = dataset_find_post(&ds, PLATFORM_X, sid);
	assert_int_equal(ds.post.time[p1], 101);
	dataset_drop_post_keys(&ds);
	assert_null(ds.post_row);
	assert_null(ds.post_slots);
	assert_true(ds.post_keys_dropped && !ds.lookups_dropped);
	strpool_find(&ds.strings, "b", 1, &sid);
	assert_int_not_equal(sid, STR_NONE);
	assert_int_equal(ds.post.account[2],
			 dataset_find_account(&ds, PLATFORM_X, sid));
	assert_int_equal(ds.post.n, 3);
	assert_string_equal(ds_str(&ds, ds.post.id[p1]), "p1");
	assert_string_equal(ds_text(&ds, 2), "t");
	/* what score does afterwards */
	dataset_drop_lookups(&ds);
	assert_true(ds.lookups_dropped);
	dataset_release(&ds);
}

/* dataset_canonical_order_bare then dataset_drop_post_ids (score's
 * read) ends on the dataset dataset_canonical_order then
 * dataset_drop_post_ids does: same strings, ids, rows and lookups; with
 * no post id to drop (accounts only) the tables are made too. */
/* The post index against a brute-force order of (account, time, row):
 * built over posts read out of order (idx kept) and again once they are
 * in canonical order (idx NULL, the rows themselves). */
static int cmp_brute_posts(const void *x, const void *y, void *ctx)
{
	const struct dataset *ds = ctx;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;

	if (ds->post.account[i] != ds->post.account[j])
		return ds->post.account[i] < ds->post.account[j] ? -1 : 1;
	if (ds->post.time[i] != ds->post.time[j])
		return ds->post.time[i] < ds->post.time[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

static void check_postindex(const struct dataset *ds, int in_order)
{
	struct postindex pi;
	uint32_t *want = malloc(ds->post.n * sizeof(*want));

	assert_non_null(want);
	for (uint32_t j = 0; j < ds->post.n; j++)
		want[j] = j;
	qsort_r(want, ds->post.n, sizeof(*want), cmp_brute_posts,
		(void *)ds);
	assert_int_equal(postindex_build(&pi, ds), CIB_OK);
	assert_int_equal(pi.idx == NULL, in_order);
	for (size_t a = 0; a < ds->acc.n; a++)
		for (uint64_t k = pi.off[a]; k < pi.off[a + 1]; k++)
			assert_int_equal(ds->post.account[postindex_at(&pi, k)],
					 a);
	assert_int_equal(pi.off[ds->acc.n], ds->post.n);
	for (uint32_t k = 0; k < ds->post.n; k++)
		assert_int_equal(postindex_at(&pi, k), want[k]);
	postindex_release(&pi);
	free(want);
}

static void test_postindex_in_order(void **state)
{
	struct dataset ds;
	struct post_rec r;
	char id[16], acc[16];
	uint64_t x = 12345;

	(void)state;
	dataset_init(&ds);
	for (size_t i = 0; i < 3000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		drop_test_post(&r, id, sizeof(id), i, acc);
		snprintf(acc, sizeof(acc), "a%u", (unsigned)(x >> 33) % 97);
		/* few distinct times: ties within an account */
		r.time = (int64_t)((x >> 17) % 40);
		assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_OK);
	}
	check_postindex(&ds, 0);
	assert_int_equal(dataset_canonical_order(&ds, NULL), CIB_OK);
	check_postindex(&ds, 1);
	dataset_release(&ds);
	/* no posts: in order, nothing indexed */
	dataset_init(&ds);
	check_postindex(&ds, 1);
	dataset_release(&ds);
}

static void test_dataset_order_bare(void **state)
{
	struct dataset ds[2];
	struct post_rec r;
	char id[16];
	size_t freed[2];

	(void)state;
	for (int k = 0; k < 2; k++) {
		dataset_init(&ds[k]);
		for (size_t i = 0; i < 6; i++) {
			/* read out of order, with reposts of p0 and p4 */
			size_t j = (i * 5) % 6;

			drop_test_post(&r, id, sizeof(id), j,
				       j % 3 == 0 ? "b" : "a");
			r.time = 200 - (int64_t)j;
			if (j == 2 || j == 5) {
				r.kind = POST_REPOST;
				r.ref_post = j == 2 ? "p0" : "p4";
				r.ref_account = "a";
			}
			assert_int_equal(dataset_add_post(&ds[k], &r, NULL),
					 CIB_OK);
		}
		assert_int_equal(k ? dataset_canonical_order_bare(&ds[k], NULL)
				   : dataset_canonical_order(&ds[k], NULL),
				 CIB_OK);
		assert_int_equal(ds[k].tables_pending, k ? 2 : 0);
		assert_int_equal(dataset_drop_post_ids(&ds[k], &freed[k]),
				 CIB_OK);
		assert_int_equal(ds[k].tables_pending, 0);
	}
	assert_int_equal(freed[0], freed[1]);
	assert_int_equal(ds[0].strings.n, ds[1].strings.n);
	assert_int_equal(ds[0].post.n, ds[1].post.n);
	for (uint32_t s = 0; s < ds[0].strings.n; s++) {
		uint32_t sid;
		const char *x = ds_str(&ds[0], s);

		assert_string_equal(x, ds_str(&ds[1], s));
		/* the table made again finds every string left */
		if (x[0]) {
			strpool_find(&ds[1].strings, x, strlen(x), &sid);
			assert_int_equal(sid, s);
		}
	}
	for (size_t j = 0; j < ds[0].post.n; j++) {
		assert_int_equal(ds[0].post.account[j], ds[1].post.account[j]);
		assert_int_equal(ds[0].post.time[j], ds[1].post.time[j]);
		assert_int_equal(ds[0].post.ref_post[j],
				 ds[1].post.ref_post[j]);
		if (ds[0].post.ref_post[j] != STR_NONE)
			assert_int_equal(
				dataset_find_post(&ds[1], PLATFORM_X,
						  ds[1].post.ref_post[j]),
				dataset_find_post(&ds[0], PLATFORM_X,
						  ds[0].post.ref_post[j]));
	}
	for (size_t a = 0; a < ds[0].acc.n; a++)
		assert_int_equal(dataset_find_account(&ds[1], PLATFORM_X,
						      ds[1].acc.id[a]),
				 a);
	for (int k = 0; k < 2; k++)
		dataset_release(&ds[k]);
	/* accounts only: nothing to drop, the tables made all the same */
	dataset_init(&ds[0]);
	{
		struct account_rec a;

		account_rec_init(&a);
		a.platform = PLATFORM_X;
		a.id = "z";
		assert_int_equal(dataset_add_account(&ds[0], &a, NULL), CIB_OK);
		a.id = "y";
		assert_int_equal(dataset_add_account(&ds[0], &a, NULL), CIB_OK);
	}
	assert_int_equal(dataset_canonical_order_bare(&ds[0], NULL), CIB_OK);
	assert_true(ds[0].tables_pending != 0);
	assert_int_equal(dataset_drop_post_ids(&ds[0], &freed[0]), CIB_OK);
	assert_int_equal(freed[0], 0);
	assert_int_equal(ds[0].tables_pending, 0);
	for (size_t a = 0; a < ds[0].acc.n; a++)
		assert_int_equal(dataset_find_account(&ds[0], PLATFORM_X,
						      ds[0].acc.id[a]),
				 a);
	dataset_release(&ds[0]);
}

/* dataset_drop_entities, in score's order: once the features' events
 * are built, before the post events, which read the ids and references
 * it leaves; dataset_drop_post_refs after it frees those alone */
/* dataset_discard_entities as the features' events pass calls it: the
 * entities of the posts past upto intact at every step, some pages of
 * those before given back (read as zero), and the strings they name
 * marked as dataset_drop_entities marks them without the discards. */
static void test_dataset_discard_entities(void **state)
{
	enum { NP = 6000 };
	struct dataset ds[2];
	struct post_rec r;
	char id[16], tag[3][16];
	const char *es[3];
	const enum entity_type et[3] = { ENT_HASHTAG, ENT_URL, ENT_HASHTAG };
	int zeroed = 0;

	(void)state;
	for (int w = 0; w < 2; w++) {
		dataset_init(&ds[w]);
		for (size_t i = 0; i < NP; i++) {
			drop_test_post(&r, id, sizeof(id), i,
				       i % 7 ? "a" : "b");
			for (int k = 0; k < 3; k++) {
				snprintf(tag[k], sizeof(tag[k]), "#t%zu",
					 (i * 31 + (size_t)k) % 977);
				es[k] = tag[k];
			}
			r.ent_str = es;
			r.ent_type = et;
			r.n_ent = i % 4;
			assert_int_equal(dataset_add_post(&ds[w], &r, NULL),
					 CIB_OK);
		}
		assert_int_equal(dataset_canonical_order(&ds[w], NULL),
				 CIB_OK);
	}
	assert_non_null(ds[0].post.id);
	for (size_t upto = 1000; upto <= NP; upto += 1000) {
		uint64_t k0 = ds[1].post.ent_off[upto];
		size_t given = dataset_discard_entities(&ds[0], upto);

		/* whole pages of the prefix read, no more */
		assert_true(given <= upto * 8 + k0 * 5);
		assert_int_equal(given % 4096, 0);
		for (size_t j = upto; j <= NP; j++)
			assert_int_equal(ds[0].post.ent_off[j],
					 ds[1].post.ent_off[j]);
		for (uint64_t k = k0; k < ds[1].ent.n; k++) {
			assert_int_equal(ds[0].ent.str[k], ds[1].ent.str[k]);
			assert_int_equal(ds[0].ent.type[k], ds[1].ent.type[k]);
		}
	}
	for (uint64_t k = 0; k < ds[1].ent.n; k++)
		zeroed += ds[0].ent.str[k] != ds[1].ent.str[k];
#if defined(__linux__)
	assert_true(zeroed > 0);
	assert_true(dataset_discard_entities(&ds[0], NP) > 0);
#endif
	(void)dataset_drop_entities(&ds[0]);
	(void)dataset_drop_entities(&ds[1]);
	assert_non_null(ds[0].ent_named);
	assert_non_null(ds[1].ent_named);
	assert_memory_equal(ds[0].ent_named, ds[1].ent_named,
			    bits_words(ds[1].strings.n + 1) * sizeof(uint64_t));
	for (int w = 0; w < 2; w++)
		dataset_release(&ds[w]);
}

static void test_dataset_drop_entities(void **state)
{
	/* "p3" is post 3's id and an entity of post 1 (a share table's
	 * opaque object ids often equal post ids) */
	static const char *const ent_str[] = { "#tag", "https://e.org/x",
					       "p3" };
	static const enum entity_type ent_type[] = { ENT_HASHTAG, ENT_URL,
						     ENT_HASHTAG };
	struct dataset ds;
	uint32_t sid, p0;
	size_t freed;

	(void)state;
	dataset_init(&ds);
	add_drop_posts(&ds, ent_str, ent_type, 3, 1);
	assert_int_equal(dataset_canonical_order(&ds, NULL), CIB_OK);
	assert_int_equal(ds.ent.n, 9);
	freed = dataset_drop_entities(&ds);
	/* the offsets (n + 1) and at least the 9 entities' id and type */
	assert_true(freed >= 5 * 8 + 9 * 5);
	assert_null(ds.post.ent_off);
	assert_null(ds.ent.str);
	assert_null(ds.ent.type);
	assert_int_equal(ds.ent.n, 0);
	/* what the post events read is all there */
	assert_non_null(ds.post.id);
	assert_non_null(ds.post.ref_post);
	assert_false(ds.post_refs_dropped);
	strpool_find(&ds.strings, "p0", 2, &sid);
	p0 = dataset_find_post(&ds, PLATFORM_X, sid);
	assert_int_equal(ds.post.time[p0], 100);
	for (size_t j = 0; j < ds.post.n; j++)
		if (ds.post.kind[j] == POST_REPOST)
			assert_int_equal(dataset_find_post(&ds, PLATFORM_X,
							   ds.post.ref_post[j]),
					 p0);
	/* the post ids' strings then: "p1" goes, "p3" stays as it did with
	 * the entities there (its name is read by id past them) */
	strpool_find(&ds.strings, "p3", 2, &sid);
	assert_int_not_equal(sid, STR_NONE);
	{
		uint32_t p1;

		strpool_find(&ds.strings, "p1", 2, &p1);
		assert_int_equal(dataset_drop_post_strings(&ds, NULL, NULL, 0,
							   &freed),
				 CIB_OK);
		/* "p1" and "p2" ("p0" is reposted) and the text "t" */
		assert_int_equal(freed, 2 + 2 + 1);
		assert_string_equal(ds_str(&ds, sid), "p3");
		assert_string_equal(ds_str(&ds, p1), "");
	}
	assert_null(ds.ent_named);
	/* then the ids and references alone: nothing of the entities is
	 * counted twice */
	assert_int_equal(dataset_drop_post_refs(&ds, 0), 4 * 4 + 4 * 4);
	assert_null(ds.post.id);
	assert_null(ds.post.ref_post);
	assert_int_equal(dataset_drop_entities(&ds), 0);
	assert_int_equal(ds.post.n, 4);
	dataset_release(&ds);

	/* the entities freed before the post ids' own drop, which numbers
	 * the strings again: the marks follow the strings */
	dataset_init(&ds);
	add_drop_posts(&ds, ent_str, ent_type, 3, 0);
	assert_int_equal(dataset_canonical_order(&ds, NULL), CIB_OK);
	assert_true(dataset_drop_entities(&ds) > 0);
	assert_int_equal(dataset_drop_post_ids(&ds, &freed), CIB_OK);
	assert_int_equal(freed, 2 * 3); /* "p0" to "p2" */
	strpool_find(&ds.strings, "p3", 2, &sid);
	assert_int_not_equal(sid, STR_NONE);
	assert_int_equal(dataset_drop_post_strings(&ds, NULL, NULL, 0,
						   &freed),
			 CIB_OK);
	assert_int_equal(freed, 1); /* the text */
	assert_string_equal(ds_str(&ds, sid), "p3");
	dataset_release(&ds);
}

/* dataset_drop_post_ids, then dataset_drop_post_refs: what score frees
 * before its features and once its events are built */
static void test_dataset_drop_post_ids(void **state)
{
	static const char *const ent_str[] = { "#tag", "https://e.org/x" };
	static const enum entity_type ent_type[] = { ENT_HASHTAG, ENT_URL };
	static const char *const names[] = { "a", "b", "p0", "p1", "p2",
					     "p3", "#tag", "https://e.org/x" };
	struct dataset ds;
	uint32_t sid, p0, before[8];
	size_t freed;

	(void)state;
	dataset_init(&ds);
	add_drop_posts(&ds, ent_str, ent_type, 2, 1);
	/* a handle equal to a post id keeps it too */
	{
		struct account_rec a;

		account_rec_init(&a);
		a.platform = PLATFORM_X;
		a.id = "b";
		a.handle = "p3";
		assert_int_equal(dataset_add_account(&ds, &a, NULL), CIB_OK);
	}
	assert_int_equal(dataset_canonical_order(&ds, NULL), CIB_OK);
	strpool_find(&ds.strings, "p0", 2, &sid);
	p0 = dataset_find_post(&ds, PLATFORM_X, sid);
	assert_int_equal(ds.post.time[p0], 100);
	for (size_t i = 0; i < 8; i++) /* each string's id before */
		strpool_find(&ds.strings, names[i], strlen(names[i]),
			     &before[i]);
	assert_int_equal(ds.strings.n, 8);
	assert_int_equal(dataset_drop_post_ids(&ds, &freed), CIB_OK);
	assert_int_equal(freed, 4); /* "p1" and "p2" */
	/* out of the id space, the rest in their old order */
	assert_int_equal(ds.strings.n, 6);
	assert_int_equal(ds.strings.n_dropped, 0);
	for (size_t i = 0; i < 8; i++) {
		uint32_t now, rank = 0;

		strpool_find(&ds.strings, names[i], strlen(names[i]), &now);
		if (!strcmp(names[i], "p1") || !strcmp(names[i], "p2")) {
			assert_int_equal(now, STR_NONE);
			continue;
		}
		for (size_t k = 0; k < 8; k++)
			rank += before[k] < before[i] &&
				strcmp(names[k], "p1") && strcmp(names[k], "p2");
		assert_int_equal(now, rank);
	}
	for (size_t j = 0; j < ds.post.n; j++) {
		const char *s = ds_str(&ds, ds.post.id[j]);
		int kept = !strcmp(s, "p0") || !strcmp(s, "p3");

		assert_int_equal(ds.post.id[j] == STR_NONE, !kept);
	}
	/* the rest is found by its bytes, the posts by their id strings */
	strpool_find(&ds.strings, "p1", 2, &sid);
	assert_int_equal(sid, STR_NONE);
	strpool_find(&ds.strings, "https://e.org/x", 15, &sid);
	assert_int_equal(ds_str(&ds, sid)[0], 'h');
	assert_int_equal(dataset_find_post(&ds, PLATFORM_X,
					   ds.post.ref_post[2]), p0);
	strpool_find(&ds.strings, "b", 1, &sid);
	assert_int_equal(dataset_find_account(&ds, PLATFORM_X, sid), 1);
	assert_string_equal(ds_text(&ds, 3), "t");
	/* the references, the entities kept (score's order: these when the
	 * post events are built, the entities once every event is) */
	assert_int_equal(dataset_drop_post_refs(&ds, 1), 4 * 4 + 4 * 4);
	assert_null(ds.post.id);
	assert_true(ds.post_refs_dropped);
	assert_int_equal(ds.ent.n, 8);
	freed = dataset_drop_post_refs(&ds, 0);
	assert_true(freed >= 5 * 8 + 8 * 5);
	assert_null(ds.post.ent_off);
	assert_null(ds.ent.str);
	assert_int_equal(ds.ent.n, 0);
	assert_int_equal(ds.post.n, 4);
	assert_int_equal(ds.post.time[p0], 100);
	assert_int_equal(ds.post.kind[2], POST_REPOST);
	assert_string_equal(ds_str(&ds, ds.post.ref_account[2]), "a");
	/* then every post column but the texts, before the scored run:
	 * account 4, time 8, kind 1, flags 1, ref_account 4 bytes a post,
	 * and the engagement counts, language and client left (24) */
	assert_int_equal(dataset_drop_post_rows(&ds), 4 * (18 + 24));
	assert_null(ds.post.account);
	assert_null(ds.post.time);
	assert_null(ds.post.kind);
	assert_null(ds.post.flags);
	assert_null(ds.post.ref_account);
	assert_null(ds.post.likes);
	assert_int_equal(ds.post.n, 4);
	assert_string_equal(ds_text(&ds, 3), "t");
	assert_int_equal(dataset_find_account(&ds, PLATFORM_X, sid), 1);
	assert_int_equal(dataset_drop_post_rows(&ds), 0); /* all gone */
	dataset_release(&ds);
}

/* post_counts_apart (score --mpi's rank 0, the counts on the owners):
 * the four count columns are never made, every other column is as
 * without it, through the canonical order and the drops after it */
/* k and a, the same 3000 posts (past a few growths) in canonical order:
 * a with the counts kept apart (and the texts, with texts_apart, where
 * k has some), and their rows the same. */
static void fill_apart(struct dataset *k, struct dataset *a, int texts_apart)
{
	struct post_rec r;
	char id[16];

	dataset_init(k);
	dataset_init(a);
	a->post_counts_apart = 1;
	a->post_texts_apart = texts_apart;
	for (size_t i = 0; i < 3000; i++) {
		drop_test_post(&r, id, sizeof(id), 2999 - i,
			       i % 3 ? "a" : "b");
		r.likes = (int64_t)i;
		r.lang = i % 2 ? "en" : "zh";
		r.text = texts_apart ? NULL : "t";
		assert_int_equal(dataset_add_post(a, &r, NULL), CIB_OK);
		if (texts_apart)
			r.text = i % 2 ? "some text" : NULL;
		assert_int_equal(dataset_add_post(k, &r, NULL), CIB_OK);
	}
	assert_int_equal(dataset_canonical_order(k, NULL), CIB_OK);
	assert_int_equal(dataset_canonical_order(a, NULL), CIB_OK);
	assert_int_equal(a->post.n, k->post.n);
	assert_memory_equal(a->post.account, k->post.account, 4 * k->post.n);
	assert_memory_equal(a->post.time, k->post.time, 8 * k->post.n);
	assert_memory_equal(a->post.id, k->post.id, 4 * k->post.n);
	assert_memory_equal(a->post.lang, k->post.lang, 4 * k->post.n);
}

static void test_dataset_counts_apart(void **state)
{
	struct dataset k, a;

	(void)state;
	fill_apart(&k, &a, 0);
	assert_null(a.post.likes);
	assert_null(a.post.reposts);
	assert_null(a.post.replies);
	assert_null(a.post.quotes);
	assert_non_null(k.post.likes);
	assert_int_equal(a.strings.n, k.strings.n);
	/* the features' columns go as ever: without the counts' 16 */
	assert_int_equal(dataset_drop_post_columns(&a), 3000 * 8);
	assert_int_equal(dataset_drop_post_columns(&k), 3000 * 24);
	dataset_release(&k);
	dataset_release(&a);
}

/* post_texts_apart: no text column until dataset_texts_column makes
 * one of posts without texts; the rows as they are with texts; a text
 * given all the same refused, not dropped. */
static void test_dataset_texts_apart(void **state)
{
	struct dataset k, a;
	struct post_rec r;
	char id[16];

	(void)state;
	fill_apart(&k, &a, 1);
	assert_null(a.post.text);
	assert_int_equal(a.texts.n, 0);
	for (size_t j = 0; j < a.post.n; j++) {
		assert_int_equal(ds_text_id(&a, j), STR_NONE);
		assert_string_equal(ds_text(&a, j), "");
		assert_int_equal(ds_text_len(&a, j), 0);
	}
	assert_int_equal(dataset_texts_column(&a), CIB_OK);
	assert_non_null(a.post.text);
	for (size_t j = 0; j < a.post.n; j++)
		assert_int_equal(a.post.text[j], STR_NONE);
	/* made once: the texts put in since stay */
	assert_int_equal(strpool_intern(&a.texts, "x", 1, &a.post.text[7]),
			 CIB_OK);
	assert_int_equal(dataset_texts_column(&a), CIB_OK);
	assert_string_equal(ds_text(&a, 7), "x");
	dataset_release(&k);
	dataset_release(&a);
	/* a text given to such a dataset */
	dataset_init(&a);
	a.post_texts_apart = 1;
	drop_test_post(&r, id, sizeof(id), 5000, "a");
	assert_int_equal(dataset_add_post(&a, &r, NULL), CIB_EINTERNAL);
	assert_int_equal(a.post.n, 0);
	assert_null(a.post.text);
	dataset_release(&a);
}

/* Records for test_dataset_read_without_ids: accounts a0..a7 on X and
 * Mastodon, posts whose ids repeat (the same author again, another
 * author, another platform), many at one time, some reposting or
 * replying to others, some with a hashtag or URL equal to a post id, and
 * account records before, between and after an author's posts. */
#define NOID_RECS 400

struct noid_rec {
	int is_acc;
	enum platform pl;
	char id[16], acc[8], ref[16], ent[16], handle[16];
	int64_t time;
	enum post_kind kind;
};

static void noid_records(struct noid_rec *v, size_t n)
{
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < n; i++) {
		struct noid_rec *r = &v[i];
		unsigned a;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memset(r, 0, sizeof(*r));
		a = (unsigned)(x % 8);
		r->pl = (x >> 3) % 5 ? PLATFORM_X : PLATFORM_MASTODON;
		snprintf(r->acc, sizeof(r->acc), "a%u", a);
		if ((x >> 8) % 9 == 0) {
			r->is_acc = 1;
			snprintf(r->handle, sizeof(r->handle), "h%u",
				 (unsigned)((x >> 12) % 3));
			continue;
		}
		/* "9", "10", "100": byte order is not numeric order */
		snprintf(r->id, sizeof(r->id), "%s%u",
			 (x >> 16) % 2 ? "9" : "1",
			 (unsigned)((x >> 20) % 60));
		r->time = 1000 + (int64_t)((x >> 28) % 6) * 60;
		r->kind = POST_ORIGINAL;
		if ((x >> 32) % 4 == 0) {
			r->kind = (x >> 34) % 2 ? POST_REPOST : POST_REPLY;
			snprintf(r->ref, sizeof(r->ref), "%s%u",
				 (x >> 36) % 2 ? "9" : "1",
				 (unsigned)((x >> 40) % 60));
		}
		if ((x >> 44) % 5 == 0)
			snprintf(r->ent, sizeof(r->ent), "%s%u",
				 (x >> 48) % 2 ? "9" : "1",
				 (unsigned)((x >> 52) % 60));
	}
}

static void noid_store(struct dataset *ds, const struct noid_rec *r,
		       int keyed, uint32_t *at, uint32_t *acc)
{
	static const enum entity_type et[1] = { ENT_HASHTAG };
	const char *es[1];

	*at = *acc = UINT32_MAX;
	if (r->is_acc) {
		struct account_rec ar;

		account_rec_init(&ar);
		ar.platform = r->pl;
		ar.id = r->acc;
		ar.handle = r->handle;
		assert_int_equal(dataset_add_account(ds, &ar, acc), CIB_OK);
		return;
	}
	{
		struct post_rec pr;

		post_rec_init(&pr);
		pr.platform = r->pl;
		pr.id = r->id;
		pr.account_id = r->acc;
		pr.time = r->time;
		pr.kind = r->kind;
		pr.text = r->id;
		pr.ref_post = r->ref[0] ? r->ref : NULL;
		pr.ref_account = r->ref[0] ? "a1" : NULL;
		es[0] = r->ent;
		pr.ent_str = es;
		pr.ent_type = et;
		pr.n_ent = r->ent[0] ? 1 : 0;
		if (keyed)
			assert_int_equal(dataset_add_post_at(ds, &pr, NULL, at),
					 CIB_OK);
		else
			assert_int_equal(
				dataset_add_post_unkeyed(ds, &pr, at), CIB_OK);
	}
}

static int noid_cmp_ids(const char *a, const char *b)
{
	int c = memcmp(a, b, strlen(a) < strlen(b) ? strlen(a) : strlen(b));

	return c ? c : (strlen(a) > strlen(b)) - (strlen(a) < strlen(b));
}

/* test_dataset_read_without_ids: the ids another column names given
 * back (a post's id set to the string of its bytes a row uses), as the
 * join does; the strings used, by id (malloc'd). */
static uint32_t *noid_give_ids(struct dataset *b, const struct noid_rec *v,
			       const uint32_t *row_rec)
{
	uint32_t *used;

	/* the ids another column names: a post's id set to that string */
	used = calloc(b->strings.n + 1, sizeof(*used));
	assert_non_null(used);
	for (size_t j = 0; j < b->post.n; j++) {
		if (b->post.ref_post[j] != STR_NONE)
			used[b->post.ref_post[j]] = 1;
		if (b->post.ref_account[j] != STR_NONE)
			used[b->post.ref_account[j]] = 1;
	}
	for (size_t e = 0; e < b->ent.n; e++)
		used[b->ent.str[e]] = 1;
	for (size_t c = 0; c < b->acc.n; c++) {
		used[b->acc.id[c]] = 1;
		if (b->acc.handle[c] != STR_NONE)
			used[b->acc.handle[c]] = 1;
	}
	for (size_t i = 0; i < b->change.n; i++) {
		if (b->change.old_value[i] != STR_NONE)
			used[b->change.old_value[i]] = 1;
		if (b->change.new_value[i] != STR_NONE)
			used[b->change.new_value[i]] = 1;
	}
	for (size_t j = 0; j < b->post.n; j++) {
		const char *id = v[row_rec[j]].id;

		for (uint32_t s = 0; s < b->strings.n; s++)
			if (used[s] && !strcmp(ds_str(b, s), id))
				b->post.id[j] = s;
	}
	return used;
}

/* test_dataset_read_without_ids: a and b hold the same rows and the
 * same string ids. */
static void noid_compare(const struct dataset *a, const struct dataset *b)
{
	/* the same rows and string ids */
	assert_int_equal(a->acc.n, b->acc.n);
	assert_int_equal(a->post.n, b->post.n);
	assert_int_equal(a->ent.n, b->ent.n);
	assert_int_equal(a->change.n, b->change.n);
	for (size_t c = 0; c < a->acc.n; c++) {
		assert_int_equal(a->acc.platform[c], b->acc.platform[c]);
		assert_int_equal(a->acc.id[c], b->acc.id[c]);
		assert_int_equal(a->acc.handle[c], b->acc.handle[c]);
		assert_string_equal(ds_str(a, a->acc.id[c]),
				    ds_str(b, b->acc.id[c]));
	}
	for (size_t i = 0; i < a->change.n; i++) {
		assert_int_equal(a->change.account[i], b->change.account[i]);
		assert_int_equal(a->change.old_value[i],
				 b->change.old_value[i]);
		assert_int_equal(a->change.new_value[i],
				 b->change.new_value[i]);
	}
	for (size_t j = 0; j < a->post.n; j++) {
		assert_int_equal(a->post.account[j], b->post.account[j]);
		assert_int_equal(a->post.time[j], b->post.time[j]);
		assert_int_equal(a->post.kind[j], b->post.kind[j]);
		assert_int_equal(a->post.id[j], b->post.id[j]);
		assert_int_equal(a->post.ref_post[j], b->post.ref_post[j]);
		assert_int_equal(a->post.ref_account[j],
				 b->post.ref_account[j]);
		assert_string_equal(ds_text(a, j), ds_text(b, j));
		assert_int_equal(a->post.ent_off[j + 1],
				 b->post.ent_off[j + 1]);
	}
	for (size_t e = 0; e < a->ent.n; e++)
		assert_int_equal(a->ent.str[e], b->ent.str[e]);
}

/* What score --mpi's rank 0 does when the posts' ids stay on the ranks
 * that parsed them (mpi/mpi_ids.h), with the ids' answers computed here
 * by brute force: every post stored without its id, the duplicates and
 * the accounts only they made dropped (dataset_drop_rows), the ids other
 * columns name set again, the canonical order told each post's rank
 * among its account's posts at its time
 * (dataset_canonical_order_ties). The dataset must end as the keyed
 * read's after its canonical order and dataset_drop_post_ids: the same
 * rows and the same string ids. */
static void test_dataset_read_without_ids(void **state)
{
	struct noid_rec *v = calloc(NOID_RECS, sizeof(*v));
	struct dataset a, b;
	uint32_t *row_rec = calloc(NOID_RECS, sizeof(*row_rec));
	uint64_t *dead = calloc(NOID_RECS / 64 + 1, sizeof(*dead));
	uint64_t *keep = calloc(NOID_RECS / 64 + 1, sizeof(*keep));
	uint32_t *tie, *used;
	size_t nrow = 0, n_dead = 0, freed, want_dead = 0;

	(void)state;
	assert_non_null(v);
	assert_non_null(row_rec);
	noid_records(v, NOID_RECS);
	dataset_init(&a);
	dataset_init(&b);
	for (size_t i = 0; i < NOID_RECS; i++) {
		uint32_t at, acc;

		noid_store(&a, &v[i], 1, &at, &acc);
		noid_store(&b, &v[i], 0, &at, &acc);
		if (acc != UINT32_MAX)
			bits_set(keep, acc);
		if (at == UINT32_MAX)
			continue;
		row_rec[nrow] = (uint32_t)i;
		/* the first record of a (platform, id) is the post */
		for (size_t k = 0; k < i; k++)
			if (!v[k].is_acc && v[k].pl == v[i].pl &&
			    !strcmp(v[k].id, v[i].id)) {
				bits_set(dead, nrow);
				want_dead++;
				break;
			}
		nrow++;
	}
	assert_true(want_dead > 20);
	assert_int_equal(a.n_duplicate_posts, want_dead);
	assert_int_equal(b.post.n, nrow);
	assert_int_equal(dataset_drop_rows(&b, dead, keep, &n_dead), CIB_OK);
	assert_int_equal(n_dead, want_dead);
	assert_int_equal(b.n_duplicate_posts, want_dead);
	/* the rows kept, their records */
	for (size_t j = 0, k = 0; j < nrow; j++)
		if (!bits_get(dead, j))
			row_rec[k++] = row_rec[j];
	used = noid_give_ids(&b, v, row_rec);
	/* the ranks of one account's posts at one time, by their ids */
	tie = calloc(b.post.n + 1, sizeof(*tie));
	assert_non_null(tie);
	for (size_t j = 0; j < b.post.n; j++)
		for (size_t k = 0; k < b.post.n; k++)
			if (b.post.account[k] == b.post.account[j] &&
			    b.post.time[k] == b.post.time[j] &&
			    noid_cmp_ids(v[row_rec[k]].id,
					 v[row_rec[j]].id) < 0)
				tie[j]++;
	assert_int_equal(dataset_canonical_order_ties(&b, tie, NULL), CIB_OK);
	assert_int_equal(dataset_drop_post_ids(&b, &freed), CIB_OK);
	assert_int_equal(dataset_canonical_order_bare(&a, NULL), CIB_OK);
	assert_int_equal(dataset_drop_post_ids(&a, &freed), CIB_OK);
	noid_compare(&a, &b);
	dataset_release(&a);
	dataset_release(&b);
	free(v);
	free(row_rec);
	free(dead);
	free(keep);
	free(tie);
	free(used);
}

/* dataset_add_post_unkeyed (score --mpi's owners): the columns of
 * dataset_add_post, no id string, no key, no duplicate */
static void test_dataset_add_post_unkeyed(void **state)
{
	struct dataset k, u;
	struct post_rec r;
	uint32_t sid, at;
	char id[16];

	(void)state;
	dataset_init(&k);
	dataset_init(&u);
	for (size_t i = 0; i < 4; i++) {
		/* the fourth repeats the second's key */
		drop_test_post(&r, id, sizeof(id), i == 3 ? 1 : i,
			       i == 2 ? "b" : "a");
		r.time = 100 + (int64_t)i;
		r.lang = i == 1 ? "de" : "en";
		r.likes = 7 * (int64_t)i;
		assert_int_equal(dataset_add_post(&k, &r, NULL), CIB_OK);
		if (i == 0)
			r.id = NULL; /* not read */
		assert_int_equal(dataset_add_post_unkeyed(&u, &r, &at),
				 CIB_OK);
		assert_int_equal(at, i);
	}
	assert_int_equal(k.post.n, 3);
	assert_int_equal(k.n_duplicate_posts, 1);
	assert_int_equal(u.post.n, 4);
	assert_int_equal(u.n_duplicate_posts, 0);
	/* no id string and no key table */
	strpool_find(&u.strings, "p1", 2, &sid);
	assert_int_equal(sid, STR_NONE);
	assert_null(u.post_row);
	for (size_t j = 0; j < u.post.n; j++) {
		assert_int_equal(u.post.id[j], STR_NONE);
		assert_int_equal(u.post.time[j], 100 + (int64_t)j);
		assert_int_equal(u.post.likes[j], 7 * (int32_t)j);
		assert_string_equal(ds_text(&u, j), "t");
	}
	/* the keyed dataset's columns for the posts both hold */
	for (size_t j = 0; j < k.post.n; j++) {
		assert_string_equal(
			ds_str(&u, u.acc.id[u.post.account[j]]),
			ds_str(&k, k.acc.id[k.post.account[j]]));
		assert_string_equal(ds_str(&u, u.post.lang[j]),
				    ds_str(&k, k.post.lang[j]));
		assert_int_equal(u.post.likes[j], k.post.likes[j]);
	}
	assert_int_equal(u.acc.n, 2);
	/* an author is still required */
	r.account_id = NULL;
	assert_int_equal(dataset_add_post_unkeyed(&u, &r, NULL), CIB_EPARSE);
	assert_int_equal(u.post.n, 4);
	dataset_release(&k);
	dataset_release(&u);
}

static void test_dataset_reserve(void **state)
{
	struct dataset ds;
	struct post_rec r;
	char id[32];
	int added;
	uint32_t sid;

	(void)state;
	dataset_init(&ds);
	assert_int_equal(dataset_reserve(&ds, 3000, 3000), CIB_OK);
	assert_true(ds.post.cap >= 3000);
	assert_true(ds.strings.cap >= 3000);
	for (int i = 0; i < 7000; i++) {
		post_rec_init(&r);
		r.platform = PLATFORM_X;
		snprintf(id, sizeof(id), "p%d", i);
		r.id = id;
		r.account_id = i % 3 ? "a" : "b";
		r.time = 5 + i;
		assert_int_equal(dataset_add_post(&ds, &r, &added), CIB_OK);
		assert_int_equal(added, 1);
	}
	assert_int_equal(ds.post.n, 7000);
	assert_true(ds.post.cap >= 7000);
	for (int i = 0; i < 7000; i += 7) {
		int n = snprintf(id, sizeof(id), "p%d", i);

		strpool_find(&ds.strings, id, (size_t)n, &sid);
		assert_int_equal(dataset_find_post(&ds, PLATFORM_X, sid),
				 (uint32_t)i);
		assert_int_equal(ds.post.time[i], 5 + i);
		assert_int_equal(ds.post.text[i], STR_NONE);
		assert_int_equal(ds.post.likes[i], COUNT_NONE);
	}
	/* the lookups dropped (score, past its events): rows and strings
	 * still read by id, accounts still found */
	strpool_find(&ds.strings, "b", 1, &sid);
	dataset_drop_lookups(&ds);
	assert_null(ds.strings.slots);
	assert_null(ds.post_row);
	assert_string_equal(ds_str(&ds, ds.post.id[6993]), "p6993");
	assert_int_equal(ds.post.account[6993],
			 dataset_find_account(&ds, PLATFORM_X, sid));
	dataset_release(&ds);
}

/* The account table keys on (platform, id string) alone: one id string
 * under three platforms is three accounts, every account is found again
 * across the table's growth (4096 slots, doubled past 3/4), and a key
 * never added is not found. Checked against the columns, row by row. */
static void test_dataset_account_keys(void **state)
{
	static const enum platform plat[3] = { PLATFORM_X, PLATFORM_MASTODON,
					       PLATFORM_OTHER };
	struct dataset ds;
	struct account_rec r;
	char id[32];
	uint32_t idx, sid;

	(void)state;
	dataset_init(&ds);
	for (int i = 0; i < 30000; i++) {
		account_rec_init(&r);
		r.platform = plat[i % 3];
		snprintf(id, sizeof(id), "u%d", i / 3);
		r.id = id;
		assert_int_equal(dataset_add_account(&ds, &r, &idx), CIB_OK);
		assert_int_equal(idx, (uint32_t)i);
	}
	assert_int_equal(ds.acc.n, 30000);
	assert_true(ds.acc_nslots > 4096);
	for (uint32_t row = 0; row < ds.acc.n; row++)
		assert_int_equal(dataset_find_account(
					 &ds, (enum platform)ds.acc.platform[row],
					 ds.acc.id[row]),
				 row);
	strpool_find(&ds.strings, "u7", 2, &sid);
	assert_int_equal(dataset_find_account(&ds, PLATFORM_X, sid), 21);
	assert_int_equal(dataset_find_account(&ds, PLATFORM_MASTODON, sid), 22);
	assert_int_equal(dataset_find_account(&ds, PLATFORM_BLUESKY, sid),
			 UINT32_MAX);
	/* adding an account again finds its row */
	account_rec_init(&r);
	r.platform = PLATFORM_OTHER;
	r.id = "u7";
	assert_int_equal(dataset_add_account(&ds, &r, &idx), CIB_OK);
	assert_int_equal(idx, 23);
	assert_int_equal(ds.acc.n, 30000);
	dataset_release(&ds);
}

/* dataset_add_post_hashed with the pool hashes given stores exactly what
 * dataset_add_post does: new posts, repeated ids (duplicates), targets. */
static void test_dataset_add_hashed(void **state)
{
	struct dataset a, b;
	struct post_rec r;
	char id[32], acc[32], ref[32];
	int added_a, added_b;
	uint32_t at;

	(void)state;
	dataset_init(&a);
	dataset_init(&b);
	for (int i = 0; i < 5000; i++) {
		uint64_t h[3] = { 0, 0, 0 };

		post_rec_init(&r);
		r.platform = i % 5 ? PLATFORM_X : PLATFORM_MASTODON;
		snprintf(id, sizeof(id), "p%d", i % 4000); /* 1000 repeats */
		snprintf(acc, sizeof(acc), "a%d", i % 37);
		snprintf(ref, sizeof(ref), "p%d", i / 2);
		r.id = id;
		r.account_id = acc;
		r.time = 100 + i;
		if (i % 3) {
			r.ref_post = ref;
			r.kind = POST_REPOST;
			h[2] = strpool_hash(ref, strlen(ref));
		}
		h[0] = strpool_hash(id, strlen(id));
		h[1] = strpool_hash(acc, strlen(acc));
		assert_int_equal(dataset_add_post(&a, &r, &added_a), CIB_OK);
		assert_int_equal(dataset_add_post_hashed(&b, &r, h, &added_b,
							 &at),
				 CIB_OK);
		assert_int_equal(added_a, added_b);
	}
	assert_int_equal(a.post.n, b.post.n);
	assert_int_equal(a.acc.n, b.acc.n);
	assert_int_equal(a.strings.n, b.strings.n);
	assert_int_equal(a.n_duplicate_posts, b.n_duplicate_posts);
	assert_true(a.n_duplicate_posts > 0);
	assert_memory_equal(a.post.id, b.post.id, a.post.n * sizeof(uint32_t));
	assert_memory_equal(a.post.account, b.post.account,
			    a.post.n * sizeof(uint32_t));
	assert_memory_equal(a.post.ref_post, b.post.ref_post,
			    a.post.n * sizeof(uint32_t));
	assert_memory_equal(a.post.time, b.post.time,
			    a.post.n * sizeof(int64_t));
	for (uint32_t s = 0; s < a.strings.n; s++)
		assert_string_equal(ds_str(&a, s), ds_str(&b, s));
	dataset_release(&a);
	dataset_release(&b);
}

/* bigmem blocks behave as malloc'd memory: calloc zeroes, realloc keeps
 * the contents, free() releases; the huge-page hint changes nothing. */
static void test_bigmem(void **state)
{
	size_t n = (size_t)3 << 20; /* 24 MiB of uint64_t: past the hint size */
	uint64_t *v = bigmem_calloc(n, sizeof(*v));
	uint64_t *w;

	(void)state;
	assert_non_null(v);
	for (size_t i = 0; i < n; i += 4099)
		assert_int_equal(v[i], 0);
	for (size_t i = 0; i < n; i++)
		v[i] = i * 2654435761u;
	w = bigmem_realloc(v, 2 * n * sizeof(*w));
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		assert_true(w[i] == i * 2654435761u);
	free(w);
	v = bigmem_malloc(16);
	assert_non_null(v);
	bigmem_hint(v, 16); /* too small: a no-op */
	free(v);
}

/* bigmem_trim changes nothing allocated: blocks of the size a stage's
 * workers leave in the allocator's arenas, every other one freed, the
 * others read back whole after the trim and usable after it. */
static void test_bigmem_trim(void **state)
{
	enum { N = 512, SIZE = 48 << 10 };
	unsigned char *b[N];

	(void)state;
	for (size_t i = 0; i < N; i++) {
		b[i] = malloc(SIZE);
		assert_non_null(b[i]);
		memset(b[i], (int)(i & 0xff), SIZE);
	}
	for (size_t i = 0; i < N; i += 2) {
		free(b[i]);
		b[i] = NULL;
	}
	bigmem_trim();
	for (size_t i = 1; i < N; i += 2) {
		assert_int_equal(b[i][0], (int)(i & 0xff));
		assert_int_equal(b[i][SIZE / 2], (int)(i & 0xff));
		assert_int_equal(b[i][SIZE - 1], (int)(i & 0xff));
		b[i][SIZE - 1] ^= 0xff;
		free(b[i]);
	}
	bigmem_trim(); /* nothing left to give back: a no-op */
}

/* --step-memory's log: a step's figure is its own peak, not the run's
 * (the mark is reset between steps), the run's peak is kept, and the log
 * and its line stay within their bounds. The block is mapped and
 * unmapped directly so that no allocator (a sanitizer's quarantine
 * included) keeps it resident. */
static void test_memstep(void **state)
{
	enum { BIG = 64 << 20 };
	const struct memstep *v;
	unsigned char *p;
	char line[40];
	size_t n;

	(void)state;
	if (memstep_enable() != 0)
		skip(); /* no /proc/self/clear_refs here */
	assert_true(memstep_on());
	memstep_mark("before");
	p = mmap(NULL, BIG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 1, BIG);
	assert_int_equal(munmap(p, BIG), 0);
	memstep_mark("big");
	memstep_mark("small");
	v = memstep_steps(&n);
	assert_int_equal(n, 3);
	assert_string_equal(v[1].name, "big");
	/* the 64 MiB were held in "big" alone: without the reset "small"
	 * would report them too */
	assert_true(v[1].mb >= v[0].mb + 60);
	assert_true(v[1].mb >= v[2].mb + 60);
	assert_true(memstep_max_mb() >= v[1].mb);
	assert_true(cib_peak_rss_mb() >= v[1].mb);
	memstep_format(v, 2, line, sizeof(line));
	assert_memory_equal(line, "before ", 7);
	assert_non_null(strstr(line, ", big "));
	/* past MEMSTEP_MAX steps the rest fold into the last entry */
	for (int i = 0; i < MEMSTEP_MAX + 5; i++)
		memstep_mark("a step with a name longer than the field");
	v = memstep_steps(&n);
	assert_int_equal(n, MEMSTEP_MAX);
	assert_string_equal(v[MEMSTEP_MAX - 1].name, "the rest");
	assert_int_equal(strlen(v[4].name), MEMSTEP_NAME - 1);
	memstep_format(v, n, line, sizeof(line));
	assert_int_equal(strlen(line), sizeof(line) - 1);
}

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_MALLINFO 1
#endif
#endif
#else
#define NO_MALLINFO 1
#endif

#ifndef NO_MALLINFO
#include <malloc.h>

/* After bigmem_setup a block of BIGMEM_MAP_MIN bytes or more is mapped on
 * its own even once a larger mapped block was freed: glibc's own rule
 * would then take blocks up to that size from the heap, whose freed
 * memory stays the process's. (Sizes below glibc's 32 MB cap on its
 * moving threshold, above any block the heap could hold free here.) */
static void test_bigmem_setup(void **state)
{
	size_t big = (size_t)30 << 20, mid = (size_t)24 << 20;
	unsigned char *p, *q;
	size_t h0;

	(void)state;
	bigmem_setup();
	p = malloc(big);
	assert_non_null(p);
	memset(p, 1, big);
	free(p); /* glibc alone would now take blocks below 30 MB from the heap */
	(void)malloc_trim(0); /* no free top of the heap to serve one from */
	h0 = mallinfo2().hblks;
	q = malloc(mid);
	assert_non_null(q);
	memset(q, 2, mid);
	assert_int_equal(mallinfo2().hblks, h0 + 1);
	free(q);
	assert_int_equal(mallinfo2().hblks, h0);
}
#endif

static void test_dataset_accounts_merge(void **state)
{
	struct dataset ds;
	struct account_rec r;
	uint32_t i1, i2, id;

	(void)state;
	dataset_init(&ds);
	account_rec_init(&r);
	r.platform = PLATFORM_X;
	r.id = "123";
	r.handle = "alice";
	assert_int_equal(dataset_add_account(&ds, &r, &i1), CIB_OK);
	r.handle = "alice2";
	r.followers = 10;
	assert_int_equal(dataset_add_account(&ds, &r, &i2), CIB_OK);
	assert_int_equal(i1, i2);
	assert_int_equal(ds.acc.n, 1);
	assert_int_equal(ds.change.n, 1);
	assert_string_equal(ds_str(&ds, ds.change.old_value[0]), "alice");
	assert_string_equal(ds_str(&ds, ds.acc.handle[0]), "alice2");
	assert_int_equal(ds.acc.followers[0], 10);
	/* same id on another platform is another account */
	r.platform = PLATFORM_MASTODON;
	assert_int_equal(dataset_add_account(&ds, &r, &i2), CIB_OK);
	assert_int_not_equal(i1, i2);
	dataset_intern(&ds, "123", &id);
	assert_int_equal(dataset_find_account(&ds, PLATFORM_X, id), i1);
	assert_int_equal(dataset_find_account(&ds, PLATFORM_MASTODON, id), i2);
	dataset_release(&ds);
}

static void test_dataset_posts(void **state)
{
	struct dataset ds;
	struct post_rec r;
	const char *ents[] = { "https://a.example/x", "tag" };
	const enum entity_type types[] = { ENT_URL, ENT_HASHTAG };
	int added;
	char id[32];

	(void)state;
	dataset_init(&ds);
	for (int i = 0; i < 5000; i++) {
		post_rec_init(&r);
		r.platform = PLATFORM_X;
		snprintf(id, sizeof(id), "%d", i);
		r.id = id;
		r.account_id = i % 2 ? "odd" : "even";
		r.time = 1000 + i;
		r.text = "same text";
		r.ent_str = ents;
		r.ent_type = types;
		r.n_ent = (size_t)(i % 3);
		assert_int_equal(dataset_add_post(&ds, &r, &added), CIB_OK);
		assert_int_equal(added, 1);
	}
	/* a duplicate key is not stored twice */
	r.id = "17";
	assert_int_equal(dataset_add_post(&ds, &r, &added), CIB_OK);
	assert_int_equal(added, 0);
	assert_int_equal(ds.n_duplicate_posts, 1);
	assert_int_equal(ds.post.n, 5000);
	assert_int_equal(ds.acc.n, 2);
	assert_int_equal(ds.post.text[0], ds.post.text[4999]);
	/* entity CSR: post 2 has 2, post 4 has 1 */
	assert_int_equal(ds.post.ent_off[3] - ds.post.ent_off[2], 2);
	assert_int_equal(ds.post.ent_off[5] - ds.post.ent_off[4], 1);
	assert_string_equal(ds_str(&ds, ds.ent.str[ds.post.ent_off[2] + 1]), "tag");
	/* missing required field */
	post_rec_init(&r);
	r.id = "x";
	assert_int_equal(dataset_add_post(&ds, &r, NULL), CIB_EPARSE);
	dataset_release(&ds);
}

/* Post keys are (platform, id): the same id string on several platforms
 * makes several posts (the second and later through the overflow table),
 * each found under its own platform and each a duplicate only of itself.
 * Many shared ids, so the overflow table grows too. */
static void test_dataset_post_keys(void **state)
{
	static const enum platform plats[] = { PLATFORM_X, PLATFORM_MASTODON,
					       PLATFORM_REDDIT };
	struct dataset ds;
	struct post_rec r;
	int added;
	char id[32], text[32];
	uint32_t sid;

	(void)state;
	dataset_init(&ds);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 300; i++) {
			post_rec_init(&r);
			r.platform = plats[k];
			snprintf(id, sizeof(id), "%d", i);
			snprintf(text, sizeof(text), "p%d-%d", k, i);
			r.id = id;
			r.account_id = "a";
			r.time = 1000 + i;
			r.text = text;
			assert_int_equal(dataset_add_post(&ds, &r, &added),
					 CIB_OK);
			assert_int_equal(added, 1);
		}
	assert_int_equal(ds.post.n, 900);
	assert_int_equal(ds.acc.n, 3); /* "a" on each platform */
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 300; i += 7) {
			uint32_t j;

			snprintf(id, sizeof(id), "%d", i);
			snprintf(text, sizeof(text), "p%d-%d", k, i);
			strpool_find(&ds.strings, id, strlen(id), &sid);
			j = dataset_find_post(&ds, plats[k], sid);
			assert_int_not_equal(j, UINT32_MAX);
			assert_string_equal(ds_text(&ds, j), text);
		}
	/* a platform with no posts, and a string that is no post id */
	strpool_find(&ds.strings, "5", 1, &sid);
	assert_int_equal(dataset_find_post(&ds, PLATFORM_BLUESKY, sid),
			 UINT32_MAX);
	strpool_find(&ds.strings, "p0-5", 4, &sid);
	assert_int_equal(dataset_find_post(&ds, PLATFORM_X, sid), UINT32_MAX);
	/* a repeat on the third platform is a duplicate, nothing more */
	post_rec_init(&r);
	r.platform = PLATFORM_REDDIT;
	r.id = "42";
	r.account_id = "b";
	r.time = 5;
	assert_int_equal(dataset_add_post(&ds, &r, &added), CIB_OK);
	assert_int_equal(added, 0);
	assert_int_equal(ds.n_duplicate_posts, 1);
	assert_int_equal(ds.post.n, 900);
	dataset_release(&ds);
}

/* One record of the canonical-order scene: post i of 120 on one of three
 * platforms, ids that repeat across platforms (the overflow table), equal
 * times within an account (ties broken by id bytes), entities, and a
 * duplicate of post 7. */
static void order_rec(int i, struct post_rec *r, char *id, char *acc,
		      char *text, const char **ents, enum entity_type *ty)
{
	static const enum platform plats[] = { PLATFORM_X, PLATFORM_MASTODON,
					       PLATFORM_REDDIT };
	int k = i == 120 ? 7 : i;

	post_rec_init(r);
	r->platform = plats[k % 3];
	snprintf(id, 16, "%d", k / 3);
	snprintf(acc, 16, "u%d", k % 11);
	snprintf(text, 32, "text %d", k % 17);
	r->id = id;
	r->account_id = acc;
	r->time = 1000 + (k % 5) * 60;
	r->text = text;
	r->ref_post = k % 4 == 0 ? "9" : NULL;
	r->kind = k % 4 == 0 ? POST_REPOST : POST_ORIGINAL;
	ents[0] = k % 2 ? "#a" : "#b";
	ents[1] = "https://x.example/1";
	ty[0] = ENT_HASHTAG;
	ty[1] = ENT_URL;
	r->ent_str = ents;
	r->ent_type = ty;
	r->n_ent = (size_t)(k % 3);
}

/* The dataset of records taken in order[0..n). */
static void order_build(struct dataset *ds, const int *order, int n)
{
	dataset_init(ds);
	for (int x = 0; x < n; x++) {
		struct post_rec r;
		char id[16], acc[16], text[32];
		const char *ents[2];
		enum entity_type ty[2];

		order_rec(order[x], &r, id, acc, text, ents, ty);
		assert_int_equal(dataset_add_post(ds, &r, NULL), CIB_OK);
	}
}

/* dataset_canonical_order: the same records read in two orders end as
 * the same dataset, column for column and string id for string id, and
 * every key still finds its row. */
static void test_dataset_canonical_order(void **state)
{
	struct dataset a, b;
	int fwd[121], rev[121], moved;

	(void)state;
	for (int i = 0; i < 121; i++) {
		fwd[i] = i;
		rev[i] = 120 - i;
	}
	order_build(&a, fwd, 121);
	order_build(&b, rev, 121);
	/* a change of handle, logged against its account's row */
	for (int h = 0; h < 4; h++) {
		struct account_rec ar;

		account_rec_init(&ar);
		ar.platform = PLATFORM_MASTODON;
		ar.id = "u4";
		ar.handle = h % 2 ? "second" : "first";
		assert_int_equal(dataset_add_account(h < 2 ? &a : &b, &ar, NULL),
				 CIB_OK);
	}
	assert_int_equal(a.change.n, 1);
	assert_int_equal(a.post.n, b.post.n);
	assert_int_equal(a.n_duplicate_posts, 1);
	assert_int_equal(b.n_duplicate_posts, 1);
	assert_true(a.post_over_n > 0); /* ids shared across platforms */
	assert_int_equal(dataset_canonical_order(&a, &moved), CIB_OK);
	assert_int_equal(moved, 1);
	assert_int_equal(dataset_canonical_order(&b, NULL), CIB_OK);
	assert_int_equal(a.acc.n, b.acc.n);
	assert_int_equal(a.ent.n, b.ent.n);
	assert_int_equal(a.strings.n, b.strings.n);
	for (uint32_t i = 0; i < a.strings.n; i++)
		assert_string_equal(strpool_get(&a.strings, i),
				    strpool_get(&b.strings, i));
	assert_memory_equal(a.acc.platform, b.acc.platform, a.acc.n);
	assert_memory_equal(a.acc.id, b.acc.id, a.acc.n * 4);
	assert_memory_equal(a.post.id, b.post.id, a.post.n * 4);
	assert_memory_equal(a.post.account, b.post.account, a.post.n * 4);
	assert_memory_equal(a.post.time, b.post.time, a.post.n * 8);
	assert_memory_equal(a.post.text, b.post.text, a.post.n * 4);
	assert_memory_equal(a.post.ref_post, b.post.ref_post, a.post.n * 4);
	assert_memory_equal(a.post.kind, b.post.kind, a.post.n);
	assert_memory_equal(a.post.ent_off, b.post.ent_off,
			    (a.post.n + 1) * 8);
	assert_memory_equal(a.ent.str, b.ent.str, a.ent.n * 4);
	assert_memory_equal(a.ent.type, b.ent.type, a.ent.n);
	for (size_t j = 0; j < a.post.n; j++) {
		uint32_t acc = a.post.account[j];
		enum platform p = (enum platform)a.acc.platform[acc];

		/* accounts by (platform, id bytes), posts by (account, time,
		 * id bytes) */
		if (j > 0) {
			uint32_t pa = a.post.account[j - 1];

			assert_true(pa <= acc);
			if (pa == acc)
				assert_true(a.post.time[j - 1] < a.post.time[j] ||
					    (a.post.time[j - 1] == a.post.time[j] &&
					     strcmp(ds_str(&a, a.post.id[j - 1]),
						    ds_str(&a, a.post.id[j])) < 0));
		}
		assert_int_equal(dataset_find_post(&a, p, a.post.id[j]), j);
		assert_int_equal(dataset_find_account(&a, p, a.acc.id[acc]),
				 acc);
	}
	for (size_t x = 1; x < a.acc.n; x++)
		assert_true(a.acc.platform[x - 1] < a.acc.platform[x] ||
			    (a.acc.platform[x - 1] == a.acc.platform[x] &&
			     strcmp(ds_str(&a, a.acc.id[x - 1]),
				    ds_str(&a, a.acc.id[x])) < 0));
	assert_string_equal(ds_str(&a, a.acc.id[a.change.account[0]]), "u4");
	assert_int_equal(a.acc.platform[a.change.account[0]], PLATFORM_MASTODON);
	assert_string_equal(ds_str(&a, a.change.old_value[0]), "first");
	assert_string_equal(ds_str(&a, a.change.new_value[0]), "second");
	/* a second pass moves nothing */
	assert_int_equal(dataset_canonical_order(&a, &moved), CIB_OK);
	assert_int_equal(moved, 0);
	dataset_release(&a);
	dataset_release(&b);
}

struct time_case {
	const char *s;
	int ok;
	int64_t t;
	int minutes;
};

static void test_timefmt_iso(void **state)
{
	/* expected values computed with `date -u -d ... +%s` */
	static const struct time_case cases[] = {
		{ "1970-01-01 00:00", 1, 0, 1 },
		{ "2019-08-19 14:05", 1, 1566223500, 1 },
		{ "2019-08-19T14:05:09Z", 1, 1566223509, 0 },
		{ "2019-08-19T14:05:09.123456+08:00", 1, 1566194709, 0 },
		{ "2019-08-19T14:05:09-0530", 1, 1566243309, 0 },
		{ "2024-02-29T00:00:00Z", 1, 1709164800, 0 },
		{ "2023-02-29T00:00:00Z", 0, 0, 0 },
		{ "2019-13-01 00:00", 0, 0, 0 },
		{ "2019-08-19 25:00", 0, 0, 0 },
		{ "2019-08-19 14:05 garbage", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "2019-08-19", 1, 1566172800, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t t = -1;
		int mo = -1;
		int r = timefmt_parse_iso(cases[i].s, strlen(cases[i].s), &t, &mo);

		if (!cases[i].ok) {
			assert_int_equal(r, -1);
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal(t, cases[i].t);
		assert_int_equal(mo, cases[i].minutes);
	}
}

static void test_timefmt_other(void **state)
{
	int64_t t;
	const char *tw = "Wed Oct 10 20:19:24 +0000 2018";
	const char *ct = "2021-03-01 12:34:56 EST";
	char buf[32];

	(void)state;
	assert_int_equal(timefmt_parse_twitter(tw, strlen(tw), &t), 0);
	assert_int_equal(t, 1539202764);
	assert_int_equal(timefmt_parse_twitter("Wed Oct 10", 10, &t), -1);
	assert_int_equal(timefmt_parse_zoned(ct, strlen(ct), &t), 0);
	assert_int_equal(t, 1614620096);
	assert_int_equal(timefmt_parse_unix("1546300800.75", 13, &t), 0);
	assert_int_equal(t, 1546300800);
	assert_int_equal(timefmt_parse_unix("12ab", 4, &t), -1);
	timefmt_format_utc(1566223509, buf);
	assert_string_equal(buf, "2019-08-19T14:05:09Z");
	timefmt_format_utc(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

static void test_diag_strict(void **state)
{
	struct diag d;

	(void)state;
	diag_init(&d, 0);
	assert_int_equal(diag_record(&d, "f.csv", 3, "tweet_time", "bad time: x"), CIB_OK);
	assert_int_equal(diag_record(&d, "f.csv", 4, "tweet_time", "bad time: y"), CIB_OK);
	assert_int_equal(d.n_bad, 2);
	assert_int_equal(d.n_reasons, 1);
	assert_int_equal(d.reasons[0].count, 2);
	diag_init(&d, 1);
	assert_int_equal(diag_record(&d, "f.csv", 3, NULL, "oops"), CIB_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strpool_interns),
		cmocka_unit_test(test_strpool_hashed),
		cmocka_unit_test(test_strpool_reserve_candidate),
		cmocka_unit_test(test_strpool_drop_table),
		cmocka_unit_test(test_strpool_drop),
		cmocka_unit_test(test_strpool_compact),
		cmocka_unit_test(test_strpool_build_table),
		cmocka_unit_test(test_strpool_drop_nomem),
		cmocka_unit_test(test_dataset_drop_post_strings),
		cmocka_unit_test(test_dataset_keep_texts),
		cmocka_unit_test(test_dataset_drop_post_keys),
		cmocka_unit_test(test_dataset_drop_post_ids),
		cmocka_unit_test(test_dataset_drop_entities),
		cmocka_unit_test(test_dataset_discard_entities),
		cmocka_unit_test(test_dataset_order_bare),
		cmocka_unit_test(test_postindex_in_order),
		cmocka_unit_test(test_dataset_counts_apart),
		cmocka_unit_test(test_dataset_texts_apart),
		cmocka_unit_test(test_dataset_add_post_unkeyed),
		cmocka_unit_test(test_dataset_read_without_ids),
		cmocka_unit_test(test_dataset_reserve),
		cmocka_unit_test(test_dataset_canonical_order),
		cmocka_unit_test(test_dataset_account_keys),
		cmocka_unit_test(test_dataset_add_hashed),
		cmocka_unit_test(test_bigmem),
		cmocka_unit_test(test_bigmem_trim),
		cmocka_unit_test(test_memstep),
#ifndef NO_MALLINFO
		cmocka_unit_test(test_bigmem_setup),
#endif
		cmocka_unit_test(test_dataset_accounts_merge),
		cmocka_unit_test(test_dataset_posts),
		cmocka_unit_test(test_dataset_post_keys),
		cmocka_unit_test(test_timefmt_iso),
		cmocka_unit_test(test_timefmt_other),
		cmocka_unit_test(test_diag_strict),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
