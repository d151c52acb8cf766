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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "synth/cosim.h"
#include "synth/lookalike.h"
#include "synth/modes.h"
#include "synth/sparse.h"

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

/* Splits buf into lines in place: returns the next line or NULL. */
static char *next_line(char **cur)
{
	char *l = *cur, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = 0;
		*cur = nl + 1;
	} else {
		*cur = l + strlen(l);
	}
	return l;
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
	char *buf = slurp(dir, "truth.csv", NULL), *line, *save = buf;
	long *grp = calloc((size_t)accounts, sizeof(*grp)), rows = 0;

	assert_non_null(grp);
	line = next_line(&save);
	assert_string_equal(line, "account_id,role,group_id");
	while ((line = next_line(&save))) {
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
		} else if (strcmp(c1 + 1, "organic") == 0) {
			assert_string_equal(c2 + 1, "");
		} else {
			/* look-alike crowds: organic for the planted test */
			assert_true(strcmp(c1 + 1, "contest") == 0 ||
				    strcmp(c1 + 1, "advocacy") == 0);
			assert_true(strtol(c2 + 1, NULL, 10) > 0);
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
	char *buf = slurp(dir, "shares.csv", NULL), *line, *save = buf;
	struct share_row *rows = malloc(st->shares * sizeof(*rows));
	long *grp = read_truth(dir, (long)o->accounts);
	long A = (long)o->accounts, n = 0, gsize[COSIM_MAX_GROUPS + 1] = { 0 };
	unsigned char *cnt;
	uint64_t planted_pairs = 0, planted_co = 0, expect_pairs = 0,
		 last_t = 0;
	long members = 0;

	assert_non_null(rows);
	line = next_line(&save);
	assert_string_equal(line, "object_id,account_id,content_id,"
				  "timestamp_share");
	while ((line = next_line(&save))) {
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
	o.lookalikes = 1;
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

/* --------------------------------------------------------------- modes */

static const char *const mode_files[] = { "posts.jsonl", "x.jsonl",
					  "mastodon.jsonl", "bluesky.jsonl",
					  "truth.csv", NULL };

static int exists(const char *dir, const char *name)
{
	char p[256];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}

static void modes_run(const struct modes_opts *o, const char *dir,
		      struct modes_stats *st)
{
	char err[256];

	assert_int_equal(modes_write(o, dir, st, err, sizeof(err)), CIB_OK);
}

static void small(struct modes_opts *o, enum smode m)
{
	modes_opts_init(o, m);
	o->organic = 150;
	o->scale = 0.3;
	o->seed = 9;
}

/* Same options and seed, same bytes in every file; another seed, other
 * bytes. */
static void test_modes_determinism(void **state)
{
	(void)state;
	for (int m = SM_STEALTH; m <= SM_MIX; m++) {
		struct modes_opts o;
		struct modes_stats st;
		char a[64], b[64], c[64];
		int nf = 0;

		small(&o, (enum smode)m);
		make_dir(a, sizeof(a), "ma");
		make_dir(b, sizeof(b), "mb");
		make_dir(c, sizeof(c), "mc");
		modes_run(&o, a, &st);
		assert_true(st.cib > 0);
		modes_run(&o, b, &st);
		for (int i = 0; mode_files[i]; i++)
			if (exists(a, mode_files[i])) {
				assert_true(exists(b, mode_files[i]));
				same_file(a, b, mode_files[i], 1);
				nf++;
			}
		assert_int_equal(nf, m == SM_STEALTH || m == SM_SPARSE ? 2 : 4);
		o.seed = 10;
		modes_run(&o, c, &st);
		same_file(a, c, "truth.csv", 0);
		remove_dir(a, mode_files);
		remove_dir(b, mode_files);
		remove_dir(c, mode_files);
	}
}

/* truth.csv of a modes run: role, kind and group by "platform/id" */
struct mtruth {
	char **key, **role, **kind;
	long *group;
	size_t n;
};

static void mtruth_read(const char *dir, struct mtruth *t)
{
	char *buf = slurp(dir, "truth.csv", NULL), *line, *next;
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	line = buf;
	next = strchr(line, '\n');
	assert_non_null(next);
	*next = 0;
	assert_string_equal(line, "account_id,role,group_id,platform,kind");
	for (line = next + 1; *line; line = next + 1) {
		char *f[5];
		int k = 0;
		char key[256];

		next = strchr(line, '\n');
		assert_non_null(next);
		*next = 0;
		f[k++] = line;
		for (char *p = line; *p; p++)
			if (*p == ',') {
				*p = 0;
				assert_true(k < 5);
				f[k++] = p + 1;
			}
		assert_int_equal(k, 5);
		if (t->n == cap) {
			cap = cap ? cap * 2 : 1024;
			t->key = realloc(t->key, cap * sizeof(char *));
			t->role = realloc(t->role, cap * sizeof(char *));
			t->kind = realloc(t->kind, cap * sizeof(char *));
			t->group = realloc(t->group, cap * sizeof(long));
			assert_true(t->key && t->role && t->kind && t->group);
		}
		snprintf(key, sizeof(key), "%s/%s", f[3], f[0]);
		t->key[t->n] = strdup(key);
		t->role[t->n] = strdup(f[1]);
		t->kind[t->n] = strdup(f[4]);
		t->group[t->n] = strtol(f[2], NULL, 10);
		t->n++;
	}
	free(buf);
}

static long mtruth_find(const struct mtruth *t, const char *plat,
			const char *id)
{
	char key[256];

	snprintf(key, sizeof(key), "%s/%s", plat, id);
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->key[i], key) == 0)
			return (long)i;
	return -1;
}

static void mtruth_free(struct mtruth *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->key[i]);
		free(t->role[i]);
		free(t->kind[i]);
	}
	free(t->key);
	free(t->role);
	free(t->kind);
	free(t->group);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Unix seconds of "YYYY-MM-DDTHH:MM:SSZ" */
static int64_t iso_secs(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
				&tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
			 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

struct cibstats {
	size_t posts, reposts, replies_to_cib, dup_texts, office_10, lunch,
		night, cjk, changes, accounts;
	long per_acct_min, per_acct_max;
};

static int text_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads posts.jsonl and counts what the docs promise about the planted
 * members of kind `kind`. */
static void cib_scan(const char *dir, const struct mtruth *t,
		     const char *kind, struct cibstats *cs)
{
	char *buf = slurp(dir, "posts.jsonl", NULL), *line, *next;
	char **texts = NULL;
	size_t nt = 0, capt = 0;
	long *count = calloc(t->n, sizeof(long));

	assert_non_null(count);
	memset(cs, 0, sizeof(*cs));
	for (line = buf; *line; line = next + 1) {
		cJSON *o;
		const char *type, *acc, *plat;
		long ti;

		next = strchr(line, '\n');
		assert_non_null(next);
		*next = 0;
		o = cJSON_Parse(line);
		assert_non_null(o);
		type = jstr(o, "type");
		assert_non_null(type);
		plat = jstr(o, "platform");
		if (strcmp(type, "change") == 0) {
			ti = mtruth_find(t, plat, jstr(o, "account_id"));
			assert_true(ti >= 0);
			/* only repurposed operation accounts change persona */
			assert_string_equal(t->role[ti], "cib");
			cs->changes++;
		}
		if (strcmp(type, "post") != 0) {
			cJSON_Delete(o);
			continue;
		}
		acc = jstr(o, "account_id");
		ti = mtruth_find(t, plat, acc);
		assert_true(ti >= 0);
		if (strcmp(t->kind[ti], kind) == 0) {
			const char *k = jstr(o, "kind"), *ra = jstr(o, "ref_account"),
				   *tx = jstr(o, "text"), *tm = jstr(o, "time");
			int64_t bj = iso_secs(tm) + 8 * 3600;
			int64_t day = bj / 86400, w = (day + 4) % 7,
				mins = bj % 86400 / 60;

			cs->posts++;
			count[ti]++;
			if (strcmp(k, "repost") == 0 || strcmp(k, "quote") == 0)
				cs->reposts++;
			if (ra) {
				long ri = mtruth_find(t, plat, ra);

				if (ri >= 0 && strcmp(t->role[ri], "cib") == 0)
					cs->replies_to_cib++;
			}
			if (w != 0 && w != 6) {
				if (mins >= 10 * 60 && mins < 10 * 60 + 45)
					cs->office_10++;
				if (mins >= 12 * 60 + 20 && mins < 13 * 60 + 5)
					cs->lunch++;
			}
			if (mins < 6 * 60)
				cs->night++;
			/* CJK text joined without blanks */
			if (tx && (unsigned char)tx[0] >= 0xe3 && !strchr(tx, ' '))
				cs->cjk++;
			if (tx) {
				if (nt == capt) {
					capt = capt ? capt * 2 : 1024;
					texts = realloc(texts, capt * sizeof(*texts));
					assert_non_null(texts);
				}
				texts[nt++] = strdup(tx);
			}
		}
		cJSON_Delete(o);
	}
	qsort(texts, nt, sizeof(*texts), text_cmp);
	for (size_t i = 1; i < nt; i++)
		cs->dup_texts += strcmp(texts[i - 1], texts[i]) == 0;
	for (size_t i = 0; i < nt; i++)
		free(texts[i]);
	free(texts);
	cs->per_acct_min = -1;
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->kind[i], kind) != 0)
			continue;
		cs->accounts++;
		if (cs->per_acct_min < 0 || count[i] < cs->per_acct_min)
			cs->per_acct_min = count[i];
		if (count[i] > cs->per_acct_max)
			cs->per_acct_max = count[i];
	}
	free(count);
	free(buf);
}

static void test_stealth_structure(void **state)
{
	struct modes_opts o;
	struct modes_stats st;
	struct mtruth t;
	struct cibstats cs;
	char a[64];

	(void)state;
	modes_opts_init(&o, SM_STEALTH);
	o.organic = 200;
	o.scale = 0.5;
	o.networks = 4;
	o.seed = 21;
	make_dir(a, sizeof(a), "st");
	modes_run(&o, a, &st);
	mtruth_read(a, &t);
	cib_scan(a, &t, "stealth", &cs);
	assert_int_equal(cs.accounts, st.cib);
	assert_true(cs.posts > 1000);
	/* paraphrased, never pasted; never reposting each other */
	assert_int_equal(cs.dup_texts, 0);
	assert_int_equal(cs.reposts, 0);
	assert_int_equal(cs.replies_to_cib, 0);
	/* the pooled office rhythm: lunch well below the morning, and a
	 * scheduler firing at night (a third or more of the posts at any
	 * hour puts at least 1/12 of them between 0 and 6 Beijing time) */
	assert_true(cs.lunch * 10 < cs.office_10 * 6);
	assert_true(cs.night * 14 > cs.posts);
	/* repurposed accounts (persona change lines) and Chinese text */
	assert_true(cs.changes > 0);
	assert_true(cs.cjk > 0);
	assert_true(cs.per_acct_min >= 1);
	mtruth_free(&t);
	remove_dir(a, mode_files);
}

static void test_sparse_structure(void **state)
{
	struct modes_opts o;
	struct modes_stats st;
	struct mtruth t;
	struct cibstats cs;
	char a[64];

	(void)state;
	modes_opts_init(&o, SM_SPARSE);
	o.organic = 200;
	o.scale = 0.3;
	o.seed = 5;
	make_dir(a, sizeof(a), "sp");
	modes_run(&o, a, &st);
	mtruth_read(a, &t);
	cib_scan(a, &t, "sparse", &cs);
	assert_int_equal(cs.accounts, st.cib);
	assert_true(cs.accounts >= 100);
	assert_in_range(cs.per_acct_min, SPARSE_MIN_POSTS, SPARSE_MAX_POSTS);
	assert_in_range(cs.per_acct_max, SPARSE_MIN_POSTS, SPARSE_MAX_POSTS);
	assert_int_equal(cs.dup_texts, 0);
	assert_int_equal(cs.reposts, 0);
	assert_int_equal(cs.changes, 0);
	mtruth_free(&t);
	remove_dir(a, mode_files);
}

/* Every link a sparse network posts names a host: a network drawing a
 * third domain where its vocabulary had two linked "https:///2022/..."
 * until session 28 (seeds 8, 15, 16 and 26 of these among 1-30). */
static void test_sparse_hosts(void **state)
{
	static const unsigned long seeds[] = { 8, 15, 16, 26 };

	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct modes_opts o;
		struct modes_stats st;
		char a[64], *buf;

		modes_opts_init(&o, SM_SPARSE);
		o.organic = 200;
		o.scale = 0.3;
		o.seed = seeds[i];
		make_dir(a, sizeof(a), "sh");
		modes_run(&o, a, &st);
		buf = slurp(a, "posts.jsonl", NULL);
		assert_non_null(strstr(buf, "\"urls\":[\"https://"));
		assert_null(strstr(buf, "https:///"));
		free(buf);
		remove_dir(a, mode_files);
	}
}

/* An outlet's links name its site, whatever its handle: a Bluesky handle
 * (dailyherald.bsky.social) once gave https://www.dailyherald.bsky.social
 * .com/..., whose registrable domain, social.com, every Bluesky outlet
 * then shared. */
static void test_outlet_url(void **state)
{
	struct sref r = { 0 };
	char a[256], b[256];
	static const char site[] = "https://www.dailyherald.com/news/";

	(void)state;
	r.plat = SP_BLUESKY;
	r.t = 1677455673;
	r.id = "3jpoimd4a4ney";
	r.text = "Minister resigns over report";
	r.handle = "dailyherald.bsky.social";
	lookalike_outlet_url(&r, a, sizeof(a));
	r.plat = SP_X;
	r.handle = "dailyherald";
	lookalike_outlet_url(&r, b, sizeof(b));
	assert_int_equal(strncmp(a, site, sizeof(site) - 1), 0);
	assert_string_equal(a, b);
}

/* Every look-alike role is present, with its own role in truth.csv, in
 * every mode. */
static void test_lookalikes_everywhere(void **state)
{
	static const char *const roles[] = { "advocacy", "contest", "aggregator",
					     "friends", "partisan", "organic",
					     "cib" };

	(void)state;
	for (int m = SM_STEALTH; m <= SM_MIX; m++) {
		struct modes_opts o;
		struct modes_stats st;
		struct mtruth t;
		char a[64];

		small(&o, (enum smode)m);
		make_dir(a, sizeof(a), "la");
		modes_run(&o, a, &st);
		mtruth_read(a, &t);
		for (size_t r = 0; r < sizeof(roles) / sizeof(*roles); r++) {
			size_t k = 0;

			for (size_t i = 0; i < t.n; i++)
				k += strcmp(t.role[i], roles[r]) == 0;
			if (k == 0)
				fail_msg("mode %d: no %s accounts", m, roles[r]);
		}
		mtruth_free(&t);
		remove_dir(a, mode_files);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cosharing_default),
		cmocka_unit_test(test_cosharing_groups),
		cmocka_unit_test(test_cosharing_check),
		cmocka_unit_test(test_modes_determinism),
		cmocka_unit_test(test_stealth_structure),
		cmocka_unit_test(test_sparse_structure),
		cmocka_unit_test(test_sparse_hosts),
		cmocka_unit_test(test_outlet_url),
		cmocka_unit_test(test_lookalikes_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
