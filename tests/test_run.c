/* test_run.c - the scored run (model/run.h): its reasons in words
 * (report/reasons.c: plurals, the headline's cap, nothing accused below
 * the bar), its file (model/runfile.c: a round trip gives the same bytes,
 * every broken invariant is refused with the place named) and account
 * look-up across platforms. The run is built by hand, so every number
 * in the expected text is known. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/run.h"
#include "report/output.h"
#include "report/reasons.h"

/* strings: ids, handles, the zone's name */
static const char strs[] = "same\0h1\0same\0h2\0Beijing";
enum { S_ID0 = 0, S_H0 = 5, S_ID1 = 8, S_H1 = 13, S_ZONE = 16 };

static struct run_reason reason(enum reason_code c, uint32_t flags,
				const double *v, size_t nv, uint32_t s0)
{
	struct run_reason x;

	memset(&x, 0, sizeof(x));
	x.code = (uint32_t)c;
	x.flags = flags;
	x.s[0] = s0;
	x.s[1] = RUN_NOSTR;
	for (size_t i = 0; i < nv; i++)
		x.v[i] = v[i];
	return x;
}

/* two accounts of one cluster of two: account 0 flagged, account 1 not */
static void make_run(struct scored_run *r)
{
	static const double copied0[] = { 1, 1, 1 }, member[] = { 1, 2, 1, 1 };
	static const double notf[] = { RUN_NF_BELOW_BAR, 0.5, 0.9, 1 };
	static const double copied1[] = { 3, 10, 2 };
	static const double office[] = { 1e-5, NAN, 120 };
	static const double batch[] = { 5, 2, 2019, 2019, 1e-6 };

	run_init(r);
	r->str = malloc(sizeof(strs));
	assert_non_null(r->str);
	memcpy(r->str, strs, sizeof(strs));
	r->str_len = r->str_cap = sizeof(strs);
	r->meta.n_features = SF__COUNT;
	r->meta.tz = RUN_NOSTR;
	r->meta.tz_label = S_ZONE;
	r->meta.settings = RUN_NOSTR;
	r->meta.threshold_used = 0.9;
	r->n_accounts = 2;
	r->acc = calloc(2, sizeof(*r->acc));
	r->x = calloc(2 * SF__COUNT, sizeof(*r->x));
	r->n_clusters = 1;
	r->cl = calloc(1, sizeof(*r->cl));
	r->n_edges = 1;
	r->edges = calloc(1, sizeof(*r->edges));
	r->edge_idx = calloc(2, sizeof(*r->edge_idx));
	r->n_reasons = 6;
	r->reasons = calloc(6, sizeof(*r->reasons));
	assert_true(r->acc && r->x && r->cl && r->edges && r->edge_idx &&
		    r->reasons);
	r->reasons[0] = reason(REASON_COPIED_TEXTS, 0, copied0, 3, RUN_NOSTR);
	r->reasons[1] = reason(REASON_CLUSTER_MEMBER, 0, member, 4, RUN_NOSTR);
	r->reasons[2] = reason(REASON_NOT_FLAGGED, 0, notf, 4, RUN_NOSTR);
	r->reasons[3] = reason(REASON_COPIED_TEXTS, RUN_REASON_BELOW_BAR,
			       copied1, 3, RUN_NOSTR);
	r->reasons[4] = reason(REASON_CL_OFFICE, 0, office, 3, S_ZONE);
	r->reasons[5] = reason(REASON_CL_BATCH, 0, batch, 5, RUN_NOSTR);
	r->acc[0] = (struct run_account){ .score = 0.99, .id = S_ID0,
					  .handle = S_H0, .platform = 1,
					  .cluster = 0, .flagged = 1,
					  .reason_off = 0, .n_reasons = 2,
					  .edge_off = 0, .n_edges = 1 };
	r->acc[1] = (struct run_account){ .score = 0.5, .id = S_ID1,
					  .handle = S_H1, .platform = 2,
					  .cluster = 0, .flagged = 0,
					  .reason_off = 2, .n_reasons = 2,
					  .edge_off = 1, .n_edges = 1 };
	r->cl[0].size = 2;
	r->cl[0].inauthentic = 1;
	r->cl[0].reason_off = 4;
	r->cl[0].n_reasons = 2;
	r->edges[0].a = 0;
	r->edges[0].b = 1;
	r->edges[0].log10p = -5;
}

static char *text(size_t (*fn)(const struct scored_run *, size_t, char *,
			       size_t),
		  const struct scored_run *r, size_t i)
{
	static char buf[REASONS_CAP];

	fn(r, i, buf, sizeof(buf));
	return buf;
}

static void test_words(void **state)
{
	struct scored_run r;

	(void)state;
	make_run(&r);
	/* one of each: singular */
	assert_string_equal(text(reasons_account_details, &r, 0),
			    "1 of its 1 post near-duplicated by 1 other "
			    "account; member of network C1 (2 accounts; its "
			    "evidence is on the cluster)");
	/* every clause fits in 120 characters (dropping is tested in
	 * test_headline_cap); the copiers are counted over all accounts, so
	 * the clause names no network */
	assert_string_equal(text(reasons_account_headline, &r, 0),
			    "Posts copied by 1 other account; works Beijing "
			    "office hours with a lunch break; 5 of the network "
			    "created on 2 days");
	/* not flagged: why first, then the signals, labelled */
	assert_string_equal(text(reasons_account_details, &r, 1),
			    "not flagged: its score 0.500 is below the bar of "
			    "0.900; signals below the bar: 3 of its 10 posts "
			    "near-duplicated by 2 other accounts");
	assert_string_equal(text(reasons_account_headline, &r, 1),
			    "Not flagged: its score 0.500 is below the bar of "
			    "0.900");
	assert_string_equal(text(reasons_why_not, &r, 0), "");
	assert_string_equal(text(reasons_cluster_details, &r, 0),
			    "their pooled posting follows office shifts on "
			    "Beijing time and stops for lunch at 12:00-13:30 "
			    "(p = 1e-05), 120 posts; 5 of them created on 2 "
			    "days in 2019 (p = 1e-06)");
	assert_string_equal(text(reasons_cluster_headline, &r, 0),
			    "2 accounts acting together; they work Beijing "
			    "office hours with a lunch break; 5 members created "
			    "on 2 days");
	run_release(&r);
}

/* a clause that would pass 120 characters is dropped whole */
static void test_headline_cap(void **state)
{
	struct scored_run r;
	char *zone = malloc(sizeof(strs) + 150);

	(void)state;
	make_run(&r);
	assert_non_null(zone);
	memcpy(zone, strs, S_ZONE);
	memset(zone + S_ZONE, 'Z', 149);
	zone[S_ZONE + 149] = '\0';
	free(r.str);
	r.str = zone;
	r.str_len = r.str_cap = S_ZONE + 150;
	assert_string_equal(text(reasons_account_headline, &r, 0),
			    "Posts copied by 1 other account; 5 of the "
			    "network created on 2 days");
	assert_true(strlen(text(reasons_cluster_headline, &r, 0)) <=
		    REASONS_HEADLINE_MAX);
	run_release(&r);
}

static void save(const struct scored_run *r, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	assert_non_null(f);
	assert_int_equal(run_save(r, f), CIB_OK);
	fclose(f);
}

static void test_round_trip(void **state)
{
	struct scored_run r, back;
	char *a = NULL, *b = NULL, err[256];
	size_t na = 0, nb = 0;

	(void)state;
	make_run(&r);
	save(&r, &a, &na);
	assert_int_equal(run_load(&back, (unsigned char *)a, na, err,
				  sizeof(err)),
			 CIB_OK);
	save(&back, &b, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	assert_string_equal(text(reasons_account_details, &back, 1),
			    text(reasons_account_details, &r, 1));
	run_release(&back);
	/* truncated, extended, another magic, a flipped bit */
	assert_int_equal(run_load(&back, (unsigned char *)a, na - 1, err,
				  sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "truncated"));
	a[0] = 'X';
	assert_int_equal(run_load(&back, (unsigned char *)a, na, err,
				  sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "not a cibscan run file"));
	a[0] = 'C';
	a[na - 3] ^= 0x10;
	assert_int_equal(run_load(&back, (unsigned char *)a, na, err,
				  sizeof(err)),
			 CIB_EPARSE);
	assert_non_null(strstr(err, "checksum"));
	free(a);
	free(b);
	run_release(&r);
}

/* every broken invariant, behind valid checksums, is refused by name */
static void test_refused(void **state)
{
	static const struct {
		int what;
		const char *msg;
	} cases[] = {
		{ 0, "accounts: record 1: cluster out of range" },
		{ 1, "reasons: record 3: unknown code" },
		{ 2, "accounts: record 0: id or handle outside" },
		{ 3, "edges: record 0: endpoint past" },
		{ 4, "clusters: record 0: size 3 but 2 members" },
		{ 5, "accounts: record 1: reasons out of range" },
		{ 6, "edge index: entry 1: past" },
		{ 7, "accounts: record 0: flag not 0 or 1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scored_run r, back;
		char *a = NULL, err[256];
		size_t na = 0;

		make_run(&r);
		switch (cases[i].what) {
		case 0:
			r.acc[1].cluster = 5;
			break;
		case 1:
			r.reasons[3].code = 999;
			break;
		case 2:
			r.acc[0].id = 4000;
			break;
		case 3:
			r.edges[0].b = 2;
			break;
		case 4:
			r.cl[0].size = 3;
			break;
		case 5:
			r.acc[1].n_reasons = 100;
			break;
		case 6:
			r.edge_idx[1] = 1;
			break;
		case 7:
			r.acc[0].flagged = 2;
			break;
		}
		save(&r, &a, &na);
		assert_int_equal(run_load(&back, (unsigned char *)a, na, err,
					  sizeof(err)),
				 CIB_EPARSE);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: '%s'", i, err);
		free(a);
		run_release(&r);
	}
}

static void test_find(void **state)
{
	struct scored_run r;

	(void)state;
	make_run(&r);
	/* the same id on x and mastodon: ambiguous without the platform */
	assert_int_equal(run_find_account(&r, "same"), -2);
	assert_int_equal(run_find_account(&r, "x:same"), 0);
	assert_int_equal(run_find_account(&r, "mastodon:same"), 1);
	assert_int_equal(run_find_account(&r, "@H2"), 1);
	assert_int_equal(run_find_account(&r, "h1"), 0);
	assert_int_equal(run_find_account(&r, "nobody"), -1);
	assert_true(run_platforms_mix(&r));
	run_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_headline_cap),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
