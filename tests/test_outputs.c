/* test_outputs.c - the output-safety helpers: the spreadsheet-formula
 * guard (core/csvout), terminal and XML escaping (core/textsafe) and the
 * temporary-file registry (core/outfile). Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/csvout.h"
#include "core/outfile.h"
#include "core/textsafe.h"
#include "tests/testdir.h"

/* what csvout_text(f, in, 0) writes */
static char *text_cell(const char *in, int raw)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	csvout_text(f, in, raw);
	fclose(f);
	return buf;
}

static void test_csv_guard(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "=1+1", "'=1+1" },
		{ "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0" },
		{ "-2+3", "'-2+3" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },
		{ "\rx", "\"'\rx\"" },
		{ "'quoted", "''quoted" },
		{ "+Q3mYfDUqCK7/5ItOcH8t5TJj4TE28Bj0Tcg=", "'+Q3mYfDUqCK7/5ItOcH8t5TJj4TE28Bj0Tcg=" },
		{ "-", "'-" },
		{ "-1.", "'-1." },
		/* plain numbers and ordinary text are written as they are */
		{ "-1", "-1" },
		{ "-1001234567890", "-1001234567890" },
		{ "+3.5", "+3.5" },
		{ "abc", "abc" },
		{ "a=b", "a=b" },
		{ "", "" },
		{ " =x", "\" =x\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = text_cell(cases[i].in, 0);
		char *raw = text_cell(cases[i].in, 1);
		char *plain = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&plain, &len);

		csvout_field(f, cases[i].in);
		fclose(f);
		if (strcmp(got, cases[i].out))
			fail_msg("case %zu: got [%s] want [%s]", i, got,
				 cases[i].out);
		assert_string_equal(raw, plain); /* raw: byte for byte */
		/* the reader's inverse gives the value back */
		if (csvout_needs_guard(cases[i].in)) {
			char g[256];

			snprintf(g, sizeof(g), "'%s", cases[i].in);
			assert_string_equal(csvout_unguard(g), cases[i].in);
		} else if (cases[i].in[0] != '\'') {
			assert_string_equal(csvout_unguard(cases[i].in),
					    cases[i].in);
		}
		free(got);
		free(raw);
		free(plain);
	}
}

static void test_textsafe(void **state)
{
	static const struct {
		const char *in, *term, *xml;
	} cases[] = {
		{ "plain", "plain", "plain" },
		{ "a\x1b[2Jb", "a\\x1b[2Jb", "a\\x1b[2Jb" },
		{ "x\x01y", "x\\x01y", "x\\x01y" },
		{ "t\tn\nr\r", "t\\x09n\\x0ar\\x0d", "t\tn\nr\r" },
		{ "del\x7f", "del\\x7f", "del\\x7f" },
		{ "c1\xc2\x9b", "c1\\xc2\\x9b", "c1\\xc2\\x9b" },
		{ "bad\xff", "bad\\xff", "bad\\xff" },
		{ "cut\xe4\xb8", "cut\\xe4\\xb8", "cut\\xe4\\xb8" },
		{ "over\xc0\xaf", "over\\xc0\\xaf", "over\\xc0\\xaf" },
		{ "sur\xed\xa0\x80", "sur\\xed\\xa0\\x80", "sur\\xed\\xa0\\x80" },
		{ "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80",
		  "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80" },
		{ "nc\xef\xbf\xbe", "nc\xef\xbf\xbe", "nc\\xef\\xbf\\xbe" },
		{ "", "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256], *d;
		char *mem = NULL;
		size_t len = 0;
		FILE *f;

		assert_string_equal(textsafe_escape(buf, sizeof(buf),
						    cases[i].in, TEXTSAFE_TERM),
				    cases[i].term);
		assert_string_equal(textsafe_escape(buf, sizeof(buf),
						    cases[i].in, TEXTSAFE_XML),
				    cases[i].xml);
		assert_int_equal(textsafe_is_clean(cases[i].in, TEXTSAFE_TERM),
				 !strcmp(cases[i].in, cases[i].term));
		d = textsafe_dup(cases[i].in, TEXTSAFE_TERM);
		assert_string_equal(d, cases[i].term);
		free(d);
		f = open_memstream(&mem, &len);
		textsafe_fputs(f, cases[i].in, TEXTSAFE_TERM);
		fclose(f);
		assert_string_equal(mem, cases[i].term);
		free(mem);
	}
	/* a small buffer cuts at a whole escape, never inside one */
	{
		char b[6];

		assert_string_equal(textsafe_escape(b, sizeof(b), "ab\x1b", TEXTSAFE_TERM), "ab");
		assert_string_equal(textsafe_escape(b, sizeof(b), "a\x1b", TEXTSAFE_TERM), "a\\x1b");
	}
}

/* the signal handler's cleanup removes a temporary file still open */
static void test_outfile_registry(void **state)
{
	char dir[] = "/tmp/cibscan-outfile-XXXXXX";
	char path[512], tmp[600];
	struct outfile o;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	assert_int_equal(outfile_open(&o, path), CIB_OK);
	assert_non_null(o.tmp);
	snprintf(tmp, sizeof(tmp), "%s", o.tmp);
	assert_int_equal(stat(tmp, &st), 0);
	outfile_signal_cleanup();
	assert_int_not_equal(stat(tmp, &st), 0);
	outfile_abort(&o);
	/* a committed file is no longer registered: cleanup leaves it */
	assert_int_equal(outfile_open(&o, path), CIB_OK);
	fputs("x\n", o.f);
	assert_int_equal(outfile_commit(&o), CIB_OK);
	outfile_signal_cleanup();
	assert_int_equal(stat(path, &st), 0);
	/* close then rename, the two halves of a run's commit */
	assert_int_equal(outfile_open(&o, path), CIB_OK);
	fputs("y\n", o.f);
	assert_int_equal(outfile_close(&o), CIB_OK);
	assert_int_equal(outfile_rename(&o), CIB_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 2);
	unlink(path);
	/* an empty name is no file */
	assert_int_equal(outfile_open(&o, ""), CIB_EIO);
	assert_null(o.f);
	rmdir(dir);
}

static void on_term(int sig)
{
	(void)sig;
	outfile_signal_cleanup();
	_exit(0);
}

/* Starts a child running loop(arg) with on_term as its SIGTERM handler,
 * waits d microseconds, sends SIGTERM and reaps it: the child must have
 * ended through the handler. SIGTERM is held across the fork, so one that
 * comes before the handler is set waits for it. */
static void run_until_term(void (*loop)(void *), void *arg, long d)
{
	struct timespec ts = { 0, d * 1000L };
	sigset_t term, old;
	pid_t pid;
	int st;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	assert_int_equal(sigprocmask(SIG_BLOCK, &term, &old), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		loop(arg);
		_exit(3);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	nanosleep(&ts, NULL);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void open_abort_loop(void *arg)
{
	struct outfile o;

	for (;;)
		if (outfile_open(&o, arg) == CIB_OK)
			outfile_abort(&o);
}

/* A signal that arrives during the open() that creates a temporary file is
 * delivered as the call returns: the name must be registered by then. A
 * child opens and aborts outputs in a loop until SIGTERM; whatever moment
 * the signal lands on, nothing is left. Without the signals held across
 * the creation, 33 to 42 of the 60 trials left a file. */
static void test_outfile_signal_race(void **state)
{
	char dir[] = "/tmp/cibscan-outsig-XXXXXX";
	char path[512];
	int left = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	for (int trial = 0; trial < 60; trial++) {
		run_until_term(open_abort_loop, path, 200 + 37 * (trial % 41));
		left += testdir_entries(dir);
		testdir_clear(dir); /* so that the next trial counts its own */
	}
	assert_int_equal(left, 0);
	assert_int_equal(rmdir(dir), 0);
}

static long read_gen(const char *path)
{
	FILE *f = fopen(path, "r");
	long g = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &g) != 1)
		g = -2;
	fclose(f);
	return g;
}

struct two_paths {
	const char *a, *b;
};

static void commit_two_loop(void *arg)
{
	const struct two_paths *t = arg;
	struct outfile o[3];
	size_t at;

	memset(o, 0, sizeof(o)); /* o[1]: an unused entry */
	for (long g = 0;; g++) {
		if (outfile_open(&o[0], t->a) || outfile_open(&o[2], t->b))
			_exit(4);
		fprintf(o[0].f, "%ld\n", g);
		fprintf(o[2].f, "%ld\n", g);
		if (outfile_close(&o[0]) || outfile_close(&o[2]) ||
		    outfile_rename_all(o, 3, &at))
			_exit(5);
	}
}

/* A child commits two outputs in a loop, each round writing its number
 * into both; whenever SIGTERM lands, the two files hold the same round
 * (outfile_rename_all holds the signals between the renames) and no
 * temporary file is left. Renaming them one by one without that, 22 to
 * 35 of the 200 trials found the two files a round apart. */
static void test_outfile_rename_all(void **state)
{
	char dir[] = "/tmp/cibscan-outall-XXXXXX";
	char pa[512], pb[512];
	struct two_paths t = { pa, pb };
	int apart = 0, left = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pa, sizeof(pa), "%s/a.csv", dir);
	snprintf(pb, sizeof(pb), "%s/b.csv", dir);
	for (int trial = 0; trial < 200; trial++) {
		long ga, gb;

		run_until_term(commit_two_loop, &t, 300 + 53 * (trial % 37));
		ga = read_gen(pa);
		gb = read_gen(pb);
		apart += ga != gb;
		left += testdir_entries(dir) - (ga >= 0) - (gb >= 0);
	}
	assert_int_equal(apart, 0);
	assert_int_equal(left, 0);
	testdir_clear(dir);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_guard),
		cmocka_unit_test(test_textsafe),
		cmocka_unit_test(test_outfile_registry),
		cmocka_unit_test(test_outfile_signal_race),
		cmocka_unit_test(test_outfile_rename_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
