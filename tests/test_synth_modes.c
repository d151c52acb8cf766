/* test_synth_modes.c - the synth modes under synth/, checked by reading
 * their files back and counting independently: same options and seed give
 * the same bytes, a different seed different ones, and the planted
 * structure is what docs/synth.md says it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "synth/cosim.h"

/* ------------------------------------------------------------ helpers */

static void make_dir(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "/tmp/test_synth_modes_%s_XXXXXX", tag);
	assert_non_null(mkdtemp(buf));
}

static void remove_dir(const char *d, const char *const *names)
{
	char p[256];

	for (int i = 0; names[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, names[i]);
		remove(p);
	}
	assert_int_equal(rmdir(d), 0);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char p[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void same_file(const char *a, const char *b, const char *name, int eq)
{
	size_t na, nb;
	char *x = slurp(a, name, &na), *y = slurp(b, name, &nb);

	if (eq) {
		assert_int_equal(na, nb);
		assert_memory_equal(x, y, na);
	} else {
		assert_true(na != nb || memcmp(x, y, na) != 0);
	}
	free(x);
	free(y);
}

/* "account_0042" -> 41 */
static long id_num(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	assert_memory_equal(s, prefix, n);
	return strtol(s + n, NULL, 10) - 1;
}

/* ----------------------------------------------------------- cosharing */

static const char *const cosim_files[] = { "shares.csv", "posts.jsonl",
					   "truth.csv", NULL };

struct share_row {
	long obj, acct, t;
};

static int row_cmp(const void *x, const void *y)
{
	const struct share_row *a = x, *b = y;

	if (a->obj != b->obj)
		return a->obj < b->obj ? -1 : 1;
	return (a->t > b->t) - (a->t < b->t);
}

/* Reads truth.csv: group per account (0 organic). */
static long *read_truth(const char *dir, long accounts)
{
	char *buf = slurp(dir, "truth.csv", NULL), *line, *save = NULL;
	long *grp = calloc((size_t)accounts, sizeof(*grp)), rows = 0;

	assert_non_null(grp);
	line = strtok_r(buf, "\n", &save);
	assert_string_equal(line, "account_id,role,group_id");
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *c1 = strchr(line, ','), *c2;
		long a;

		assert_non_null(c1);
		*c1 = 0;
		c2 = strchr(c1 + 1, ',');
		assert_non_null(c2);
		*c2 = 0;
		a = id_num(line, "account_");
		assert_true(a >= 0 && a < accounts);
		if (strcmp(c1 + 1, "cib") == 0) {
			grp[a] = strtol(c2 + 1, NULL, 10);
			assert_true(grp[a] >= 1);
		} else {
			assert_string_equal(c1 + 1, "organic");
			assert_string_equal(c2 + 1, "");
		}
		rows++;
	}
	assert_int_equal(rows, accounts);
	free(buf);
	return grp;
}

/* Counts, by brute force over each object's shares, the co-shares of
 * every pair of accounts (shares of one object at most `window` s apart)
 * and checks: every pair of one planted group has pair_min..pair_max,
 * pairs of two planted groups none, planted members share nothing with
 * anyone outside the co-share events' slot structure (checked through
 * the totals). */
static void check_cosharing(const char *dir, const struct cosim_opts *o,
			    const struct cosim_stats *st)
{
	char *buf = slurp(dir, "shares.csv", NULL), *line, *save = NULL;
	struct share_row *rows = malloc(st->shares * sizeof(*rows));
	long *grp = read_truth(dir, (long)o->accounts);
	long A = (long)o->accounts, n = 0, gsize[COSIM_MAX_GROUPS + 1] = { 0 };
	unsigned char *cnt;
	uint64_t planted_pairs = 0, planted_co = 0, expect_pairs = 0,
		 last_t = 0;
	long members = 0;

	assert_non_null(rows);
	line = strtok_r(buf, "\n", &save);
	assert_string_equal(line, "object_id,account_id,content_id,"
				  "timestamp_share");
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[4];
		int k = 0;

		f[k++] = line;
		for (char *p = line; *p; p++)
			if (*p == ',') {
				*p = 0;
				assert_true(k < 4);
				f[k++] = p + 1;
			}
		assert_int_equal(k, 4);
		assert_true(n < (long)st->shares);
		rows[n].obj = id_num(f[0], "object_");
		rows[n].acct = id_num(f[1], "account_");
		assert_int_equal(id_num(f[2], "share_"), n);
		rows[n].t = strtol(f[3], NULL, 10);
		/* the file is in time order */
		assert_true((uint64_t)rows[n].t >= last_t);
		last_t = (uint64_t)rows[n].t;
		assert_true(rows[n].t >= o->start_day * 86400 &&
			    rows[n].t < (o->start_day + o->days) * 86400);
		n++;
	}
	assert_int_equal(n, (long)st->shares);
	qsort(rows, (size_t)n, sizeof(*rows), row_cmp);
	/* pair counts: small A only (A*A bytes) */
	cnt = calloc((size_t)(A * A), 1);
	assert_non_null(cnt);
	for (long i = 0; i < n; i++)
		for (long j = i + 1; j < n && rows[j].obj == rows[i].obj &&
				     rows[j].t - rows[i].t <= o->window;
		     j++) {
			long a = rows[i].acct, b = rows[j].acct;

			if (a == b)
				continue;
			if (a > b) {
				long t = a;
				a = b;
				b = t;
			}
			if (cnt[a * A + b] < 255)
				cnt[a * A + b]++;
		}
	for (long a = 0; a < A; a++) {
		gsize[grp[a]]++;
		members += grp[a] != 0;
	}
	assert_int_equal(members, (long)o->coordinated);
	for (int g = 1; g <= o->groups; g++) {
		assert_true(gsize[g] >= 3);
		expect_pairs += (uint64_t)(gsize[g] * (gsize[g] - 1) / 2);
	}
	for (long a = 0; a < A; a++)
		for (long b = a + 1; b < A; b++) {
			int c = cnt[a * A + b];

			if (grp[a] && grp[a] == grp[b]) {
				assert_in_range(c, o->pair_min, o->pair_max);
				planted_pairs++;
				planted_co += (uint64_t)c;
			} else if (grp[a] && grp[b]) {
				assert_int_equal(c, 0);
			}
		}
	assert_int_equal(planted_pairs, expect_pairs);
	assert_int_equal(planted_pairs, st->planted_pairs);
	assert_int_equal(planted_co, st->planted_coshares);
	free(cnt);
	free(grp);
	free(rows);
	free(buf);
}

static void cosim_run(const struct cosim_opts *o, const char *dir,
		      struct cosim_stats *st)
{
	char err[256];

	assert_int_equal(cosim_write(o, dir, st, err, sizeof(err)), CIB_OK);
}

static void test_cosharing_default(void **state)
{
	struct cosim_opts o;
	struct cosim_stats st, st2;
	char a[64], b[64], c[64];

	(void)state;
	cosim_opts_init(&o);
	make_dir(a, sizeof(a), "ca");
	make_dir(b, sizeof(b), "cb");
	make_dir(c, sizeof(c), "cc");
	cosim_run(&o, a, &st);
	cosim_run(&o, b, &st2);
	for (int i = 0; cosim_files[i]; i++)
		same_file(a, b, cosim_files[i], 1);
	o.seed = 2;
	cosim_run(&o, c, &st2);
	same_file(a, c, "shares.csv", 0);
	o.seed = 1;
	assert_int_equal(st.accounts, 1000);
	assert_int_equal(st.coordinated, 100);
	assert_int_equal(st.planted_pairs, 4950);
	check_cosharing(a, &o, &st);
	remove_dir(a, cosim_files);
	remove_dir(b, cosim_files);
	remove_dir(c, cosim_files);
}

/* the second preset of the benchmark, split into three groups, and a
 * wider window with other repeat counts */
static void test_cosharing_groups(void **state)
{
	struct cosim_opts o;
	struct cosim_stats st;
	char a[64];

	(void)state;
	cosim_opts_init(&o);
	o.accounts = 5000;
	o.coordinated = 150;
	o.groups = 3;
	o.seed = 7;
	make_dir(a, sizeof(a), "cg");
	cosim_run(&o, a, &st);
	check_cosharing(a, &o, &st);
	remove_dir(a, cosim_files);
	cosim_opts_init(&o);
	o.accounts = 400;
	o.coordinated = 60;
	o.groups = 4;
	o.window = 60;
	o.pair_min = 1;
	o.pair_max = 5;
	o.objects = 40;
	o.seed = 11;
	make_dir(a, sizeof(a), "cw");
	cosim_run(&o, a, &st);
	check_cosharing(a, &o, &st);
	remove_dir(a, cosim_files);
}

static void test_cosharing_check(void **state)
{
	struct cosim_opts o;
	char err[256];

	(void)state;
	cosim_opts_init(&o);
	assert_int_equal(cosim_check(&o, err, sizeof(err)), CIB_OK);
	o.coordinated = 600;
	assert_int_equal(cosim_check(&o, err, sizeof(err)), CIB_EUSAGE);
	assert_non_null(strstr(err, "--coordinated"));
	cosim_opts_init(&o);
	o.pair_min = 4;
	o.pair_max = 3;
	assert_int_equal(cosim_check(&o, err, sizeof(err)), CIB_EUSAGE);
	assert_non_null(strstr(err, "--pair-shares"));
	cosim_opts_init(&o);
	o.objects = 2;
	o.days = 1;
	o.window = 3600;
	assert_int_equal(cosim_check(&o, err, sizeof(err)), CIB_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cosharing_default),
		cmocka_unit_test(test_cosharing_groups),
		cmocka_unit_test(test_cosharing_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
