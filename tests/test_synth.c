/* test_synth.c - the synthetic archive, checked by reading its files back
 * with libcsv and counting independently (timegm for clock hours, no
 * cibscan feature code): determinism, columns, id integrity, role shares,
 * office-shift vs lunchtime rhythms, persona switches, creation batches,
 * copied texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <csv.h>

#include "synth/generate.h"

/* ------------------------------------------------------------ helpers */

static char dir_a[64], dir_b[64], dir_c[64];

static void make_dir(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "/tmp/test_synth_%s_XXXXXX", tag);
	assert_non_null(mkdtemp(buf));
}

static void remove_dir(const char *d)
{
	static const char *const names[] = { "tweets.csv", "users.csv",
					     "truth.csv" };
	char p[128];

	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, names[i]);
		remove(p);
	}
	rmdir(d);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char p[128];
	FILE *f;
	char *buf;
	long n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A parsed CSV file: rows of NUL-terminated fields. */
struct table {
	char ***rows;
	int *nf;
	size_t n, cap;
	char **cur;
	int ncur, capcur;
};

static void cb_field(void *s, size_t len, void *data)
{
	struct table *t = data;
	char *f = malloc(len + 1);

	assert_non_null(f);
	memcpy(f, s ? s : "", len);
	f[len] = 0;
	if (t->ncur == t->capcur) {
		t->capcur = t->capcur ? 2 * t->capcur : 40;
		t->cur = realloc(t->cur, (size_t)t->capcur * sizeof(*t->cur));
		assert_non_null(t->cur);
	}
	t->cur[t->ncur++] = f;
}

static void cb_row(int c, void *data)
{
	struct table *t = data;

	(void)c;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->rows = realloc(t->rows, t->cap * sizeof(*t->rows));
		t->nf = realloc(t->nf, t->cap * sizeof(*t->nf));
		assert_non_null(t->rows);
		assert_non_null(t->nf);
	}
	t->rows[t->n] = t->cur;
	t->nf[t->n++] = t->ncur;
	t->cur = NULL;
	t->ncur = t->capcur = 0;
}

static void table_read(struct table *t, const char *dir, const char *name)
{
	struct csv_parser p;
	size_t len;
	char *buf = slurp(dir, name, &len);

	memset(t, 0, sizeof(*t));
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, buf, len, cb_field, cb_row, t), len);
	assert_int_equal(csv_fini(&p, cb_field, cb_row, t), 0);
	csv_free(&p);
	free(buf);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (int j = 0; j < t->nf[i]; j++)
			free(t->rows[i][j]);
		free(t->rows[i]);
	}
	free(t->rows);
	free(t->nf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "YYYY-MM-DD HH:MM" -> UTC seconds with the C library, not timefmt */
static time_t parse_minute(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon,
				&tm.tm_mday, &tm.tm_hour, &tm.tm_min),
			 5);
	assert_int_equal(strlen(s), 16);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* ------------------------------------------------------------ fixture */

static struct table tw, us, tr;
static char **user_ids, **truth_ids;
static const char **truth_role;

static const char *role_of(const char *uid)
{
	char *const *p = bsearch(&uid, truth_ids, tr.n - 1, sizeof(char *),
				 cmp_str);

	return p ? truth_role[p - truth_ids] : NULL;
}

static int setup(void **state)
{
	struct synth_opts o;
	char err[256];
	struct synth_stats st;

	(void)state;
	make_dir(dir_a, sizeof(dir_a), "a");
	make_dir(dir_b, sizeof(dir_b), "b");
	make_dir(dir_c, sizeof(dir_c), "c");
	synth_opts_init(&o);
	o.accounts = 3000;
	o.posts = 90000;
	if (synth_write(&o, dir_a, &st, err, sizeof(err)) != CIB_OK)
		return -1;
	if (st.posts != 90000 || st.accounts != 3000)
		return -1;
	if (synth_write(&o, dir_b, NULL, err, sizeof(err)) != CIB_OK)
		return -1;
	o.seed = 2;
	if (synth_write(&o, dir_c, NULL, err, sizeof(err)) != CIB_OK)
		return -1;
	table_read(&tw, dir_a, "tweets.csv");
	table_read(&us, dir_a, "users.csv");
	table_read(&tr, dir_a, "truth.csv");
	user_ids = malloc(us.n * sizeof(*user_ids));
	truth_ids = malloc(tr.n * sizeof(*truth_ids));
	truth_role = malloc(tr.n * sizeof(*truth_role));
	if (!user_ids || !truth_ids || !truth_role)
		return -1;
	for (size_t i = 1; i < us.n; i++)
		user_ids[i - 1] = us.rows[i][0];
	qsort(user_ids, us.n - 1, sizeof(*user_ids), cmp_str);
	/* truth rows sorted by id, roles carried along */
	{
		char **pairs = malloc(2 * tr.n * sizeof(char *));

		for (size_t i = 1; i < tr.n; i++)
			truth_ids[i - 1] = tr.rows[i][0];
		qsort(truth_ids, tr.n - 1, sizeof(*truth_ids), cmp_str);
		for (size_t i = 1; i < tr.n; i++) {
			char *const *p = bsearch(&tr.rows[i][0], truth_ids,
						 tr.n - 1, sizeof(char *), cmp_str);

			truth_role[p - truth_ids] = tr.rows[i][1];
		}
		free(pairs);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	table_free(&tw);
	table_free(&us);
	table_free(&tr);
	free(user_ids);
	free(truth_ids);
	free(truth_role);
	remove_dir(dir_a);
	remove_dir(dir_b);
	remove_dir(dir_c);
	return 0;
}

/* -------------------------------------------------------------- tests */

static void test_deterministic(void **state)
{
	static const char *const names[] = { "tweets.csv", "users.csv",
					     "truth.csv" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		size_t la, lb, lc;
		char *a = slurp(dir_a, names[i], &la);
		char *b = slurp(dir_b, names[i], &lb);
		char *c = slurp(dir_c, names[i], &lc);

		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		assert_true(la != lc || memcmp(a, c, la) != 0);
		free(a);
		free(b);
		free(c);
	}
}

static void test_columns(void **state)
{
	static const char *const first[] = { "tweetid", "userid",
					     "user_display_name" };

	(void)state;
	assert_int_equal(tw.n, 90001);
	for (size_t i = 0; i < tw.n; i++)
		assert_int_equal(tw.nf[i], 31);
	for (int i = 0; i < 3; i++)
		assert_string_equal(tw.rows[0][i], first[i]);
	assert_string_equal(tw.rows[0][13], "tweet_time");
	assert_string_equal(tw.rows[0][30], "poll_choices");
	assert_int_equal(us.n, 3001);
	for (size_t i = 0; i < us.n; i++)
		assert_int_equal(us.nf[i], 10);
	assert_int_equal(tr.n, 3001);
	assert_string_equal(tr.rows[0][0], "account_id");
	for (size_t i = 0; i < tr.n; i++)
		assert_int_equal(tr.nf[i], 3);
}

static void test_ids(void **state)
{
	char **tids = malloc(tw.n * sizeof(*tids));
	size_t n_hashed = 0, n_numeric = 0, n_ref = 0;
	int saw_newline = 0, saw_quote = 0, saw_comma = 0;

	(void)state;
	assert_non_null(tids);
	for (size_t i = 1; i < tw.n; i++) {
		char **r = tw.rows[i];
		const char *uid = r[1];

		assert_non_null(bsearch(&uid, user_ids, us.n - 1,
					sizeof(char *), cmp_str));
		assert_non_null(role_of(uid));
		tids[i - 1] = r[0];
		assert_true(strcmp(r[18], "True") == 0 ||
			    strcmp(r[18], "False") == 0);
		saw_newline |= strchr(r[12], '\n') != NULL;
		saw_quote |= strchr(r[12], '"') != NULL;
		saw_comma |= strchr(r[12], ',') != NULL;
		assert_true(r[27][0] == '[' && r[28][0] == '[' &&
			    r[29][0] == '[');
	}
	assert_true(saw_newline && saw_quote && saw_comma);
	qsort(tids, tw.n - 1, sizeof(*tids), cmp_str);
	for (size_t i = 1; i + 1 < tw.n; i++)
		assert_true(strcmp(tids[i - 1], tids[i]) != 0);
	/* every retweet / reply points to a tweet in the file */
	for (size_t i = 1; i < tw.n; i++) {
		char **r = tw.rows[i];
		const char *ref = r[20][0] ? r[20] : r[16][0] ? r[16] : NULL;

		if (!ref)
			continue;
		assert_non_null(bsearch(&ref, tids, tw.n - 1, sizeof(char *),
					cmp_str));
		n_ref++;
	}
	assert_true(n_ref > 10000);
	/* both id conventions of the releases */
	for (size_t i = 1; i < us.n; i++) {
		const char *u = us.rows[i][0];

		if (strspn(u, "0123456789") == strlen(u))
			n_numeric++;
		else if (strlen(u) == 44 && u[43] == '=')
			n_hashed++;
	}
	assert_int_equal(n_hashed + n_numeric, us.n - 1);
	assert_true(n_hashed > 300 && n_numeric > 300);
	free(tids);
}

static void test_roles(void **state)
{
	size_t cnt[6] = { 0 };
	static const char *const roles[] = { "organic", "cib", "news",
					     "fan", "office", "viral" };

	(void)state;
	for (size_t i = 1; i < tr.n; i++) {
		int k = -1;

		for (int j = 0; j < 6; j++)
			if (strcmp(tr.rows[i][1], roles[j]) == 0)
				k = j;
		assert_true(k >= 0);
		cnt[k]++;
		/* plain organic accounts have no group */
		assert_true((k == 0) == (tr.rows[i][2][0] == 0));
	}
	/* brief: organic ~85%, CIB ~8%, each look-alike a few % */
	assert_true(cnt[0] > 0.78 * 3000 && cnt[0] < 0.9 * 3000);
	assert_true(cnt[1] > 0.05 * 3000 && cnt[1] < 0.12 * 3000);
	for (int j = 2; j < 6; j++)
		assert_true(cnt[j] > 0.005 * 3000 && cnt[j] < 0.05 * 3000);
}

/* Weekday local-hour histograms, counted here from tweet_time: accounts
 * of `role` whose account_language starts with `lang`, shifted by `off`
 * hours (every generated account writing zh lives in UTC+8, ja in UTC+9). */
static void hours(const char *role, const char *lang, int off, long h[24])
{
	for (size_t i = 1; i < tw.n; i++) {
		char **r = tw.rows[i];
		time_t t;
		struct tm tm;

		if (strcmp(role_of(r[1]), role) != 0)
			continue;
		if (lang && strncmp(r[10], lang, strlen(lang)) != 0)
			continue;
		t = parse_minute(r[13]) + off * 3600;
		gmtime_r(&t, &tm);
		if (tm.tm_year + 1900 < 2019 || tm.tm_wday == 0 ||
		    tm.tm_wday == 6)
			continue;
		h[tm.tm_hour]++;
	}
}

static void test_rhythms(void **state)
{
	long c[24] = { 0 }, o[24] = { 0 };

	(void)state;
	hours("cib", NULL, 8, c);
	/* office shifts in Beijing: lunch (12h) and supper (18h) far below
	 * the neighbouring work hours, nights nearly empty */
	assert_true(c[12] * 2 < c[10] && c[12] * 2 < c[14]);
	assert_true(c[18] * 2 < c[16] && c[18] * 2 < c[20]);
	assert_true(c[3] * 10 < c[10]);
	/* people in East Asia, local time (UTC+8 zh, pooled with UTC+9 ja
	 * for a sample that is not ruled by a few heavy posters): more at
	 * lunch than in the late morning or the early afternoon */
	hours("organic", "zh", 8, o);
	hours("organic", "ja", 9, o);
	assert_true(o[12] + o[13] > 1.08 * (o[10] + o[11]));
	assert_true(o[12] + o[13] > 1.08 * (o[14] + o[15]));
	/* and the evening above the working day */
	assert_true(o[20] + o[21] > o[10] + o[11]);
}

/* Bought accounts: posts before a dormancy of months, then the window. */
struct cpost {
	const char *uid;
	time_t t;
	int zh;
};

static int cmp_cpost(const void *a, const void *b)
{
	const struct cpost *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);

	if (c)
		return c;
	return x->t < y->t ? -1 : x->t > y->t;
}

static void test_persona_switch(void **state)
{
	time_t start = parse_minute("2019-04-01 00:00");
	size_t n_cib = 0, n_switch = 0, n_spam_zh = 0, n_old = 0, k = 0;
	struct cpost *v = malloc(tw.n * sizeof(*v));

	(void)state;
	assert_non_null(v);
	for (size_t i = 1; i < tw.n; i++)
		if (strcmp(role_of(tw.rows[i][1]), "cib") == 0) {
			v[k].uid = tw.rows[i][1];
			v[k].t = parse_minute(tw.rows[i][13]);
			v[k].zh = strcmp(tw.rows[i][11], "zh") == 0;
			k++;
		}
	qsort(v, k, sizeof(*v), cmp_cpost);
	for (size_t a = 0; a < k;) {
		size_t b = a;
		time_t last_old = 0, first_new = 0;

		while (b < k && strcmp(v[a].uid, v[b].uid) == 0) {
			if (v[b].t < start - 86400) {
				n_old++;
				n_spam_zh += (size_t)v[b].zh;
				last_old = v[b].t;
			} else if (!first_new) {
				first_new = v[b].t;
			}
			b++;
		}
		n_cib++;
		if (last_old && first_new && first_new - last_old > 80 * 86400)
			n_switch++;
		a = b;
	}
	/* ~30% bought, nearly all with enough posts to show the switch */
	assert_true(n_switch > 0.15 * n_cib && n_switch < 0.45 * n_cib);
	assert_true(n_spam_zh > 0.95 * n_old);
	free(v);
}

/* Network accounts share creation dates; organic ones rarely do. */
static void test_batches(void **state)
{
	static long per_day[40000];
	size_t cib = 0, cib_batched = 0, org = 0, org_batched = 0;

	(void)state;
	memset(per_day, 0, sizeof(per_day));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 1; i < us.n; i++) {
			char **r = us.rows[i], buf[40];
			const char *role = role_of(r[0]);
			long d;
			int is_cib = strcmp(role, "cib") == 0;

			snprintf(buf, sizeof(buf), "%s 00:00", r[8]);
			d = (long)(parse_minute(buf) / 86400);
			assert_true(d > 0 && d < 40000);
			if (pass == 0) {
				per_day[d] += is_cib;
			} else if (is_cib) {
				cib++;
				cib_batched += per_day[d] >= 6;
			} else if (strcmp(role, "organic") == 0) {
				org++;
				org_batched += per_day[d] >= 6;
			}
		}
	assert_true(cib_batched > 0.5 * cib);
	assert_true(org_batched < 0.02 * org);
}

/* Identical texts from several accounts: common in networks, rare in
 * organic posting. */
static void test_copies(void **state)
{
	struct pair {
		const char *text, *user, *role;
	} *p = malloc(tw.n * sizeof(*p));
	size_t n = 0, cib_orig = 0, cib_copied = 0, org_orig = 0,
	       org_copied = 0;

	(void)state;
	assert_non_null(p);
	for (size_t i = 1; i < tw.n; i++) {
		char **r = tw.rows[i];

		if (strcmp(r[18], "True") == 0 || r[16][0])
			continue;
		p[n].text = r[12];
		p[n].user = r[1];
		p[n].role = role_of(r[1]);
		n++;
	}
	qsort(p, n, sizeof(*p), cmp_str); /* by text (first member) */
	for (size_t a = 0; a < n;) {
		size_t b = a;
		int multi = 0;

		while (b < n && strcmp(p[a].text, p[b].text) == 0) {
			multi |= strcmp(p[a].user, p[b].user) != 0;
			b++;
		}
		for (size_t i = a; i < b; i++) {
			if (strcmp(p[i].role, "cib") == 0) {
				cib_orig++;
				cib_copied += multi;
			} else if (strcmp(p[i].role, "organic") == 0) {
				org_orig++;
				org_copied += multi;
			}
		}
		a = b;
	}
	assert_true(cib_copied > 0.15 * cib_orig);
	assert_true(org_copied < 0.01 * org_orig);
	free(p);
}

static void test_check_options(void **state)
{
	static const struct {
		uint64_t accounts, posts;
		int networks, days;
		enum cib_err want;
	} cases[] = {
		{ 2000, 100000, 3, 120, CIB_OK },
		{ 100, 100000, 3, 120, CIB_EUSAGE },  /* too few accounts */
		{ 2000, 3000, 3, 120, CIB_EUSAGE },   /* < 2 posts each */
		{ 2000, 100000, 65, 120, CIB_EUSAGE }, /* too many networks */
		{ 2000, 100000, 3, 3, CIB_EUSAGE },   /* window too short */
		{ 2000, 100000, 0, 120, CIB_OK },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct synth_opts o;

		synth_opts_init(&o);
		o.accounts = cases[i].accounts;
		o.posts = cases[i].posts;
		o.networks = cases[i].networks;
		o.days = cases[i].days;
		assert_int_equal(synth_check(&o, err, sizeof(err)),
				 cases[i].want);
	}
	/* a population that cannot hold the networks is refused, with a
	 * message, and leaves no file */
	{
		struct synth_opts o;
		char d[64];
		struct stat sb;
		char p[128];

		synth_opts_init(&o);
		o.accounts = 200;
		o.posts = 1000;
		o.networks = 8;
		make_dir(d, sizeof(d), "e");
		assert_int_equal(synth_write(&o, d, NULL, err, sizeof(err)),
				 CIB_EUSAGE);
		assert_non_null(strstr(err, "networks"));
		snprintf(p, sizeof(p), "%s/tweets.csv", d);
		assert_int_not_equal(stat(p, &sb), 0);
		remove_dir(d);
	}
	assert_string_equal(synth_role_name(SYNTH_CIB), "cib");
	assert_string_equal(synth_role_name(SYNTH_VIRAL), "viral");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_rhythms),
		cmocka_unit_test(test_persona_switch),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_copies),
		cmocka_unit_test(test_check_options),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
