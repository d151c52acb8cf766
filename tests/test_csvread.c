/* test_csvread.c - the CSV layer's fast path against libcsv alone.
 *
 * Each input below is read by libcsv alone (the reference: a well-kept
 * library's reading of the bytes) and by the fast path at several read
 * sizes, record caps and modes; the two dumps (tests/csvdump.h: headers,
 * records, lines, reports, counters) must be equal. A few inputs also get
 * expectations read off the input by eye, and the plain-shaped ones must
 * really have gone through the fast path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/csvdump.h"

static const struct {
	const char *name;
	const char *csv;
	int plain; /* every record is in the fast path's shape */
} cases[] = {
	{ "simple", "a,b,c\n1,2,3\n4,5,6\n", 1 },
	{ "quoted", "\"a\",\"b\"\n\"x, y\",\"z\"\n", 1 },
	{ "escaped quotes", "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n", 1 },
	{ "empty fields", "a,b,c\n,,\n\"\",\"\",\"\"\n", 1 },
	{ "crlf", "a,b\r\n1,2\r\n\"3\",\"4\"\r\n", 1 },
	{ "bare cr", "a,b\r1,2\r3,4\r", 1 },
	{ "blank lines", "a,b\n\n\n1,2\n\r\n\n3,4\n", 1 },
	{ "newline in quotes", "a,b\n\"line1\nline2\n\",x\n\"y\",\"\n\"\n", 1 },
	{ "no final newline", "a,b\n1,2\n3,4", 1 },
	{ "no final newline quoted", "a,b\n1,2\n\"3\",\"4\"", 1 },
	{ "unterminated quote", "a,b\n1,2\n\"3,4\n5,6\n", 1 },
	{ "quote in plain field", "a,b\nx\"y,2\n3,4\n", 0 },
	{ "junk after quote", "a,b\n\"x\"y,2\n3,4\n", 0 },
	{ "space after quote", "a,b\n\"x\" ,2\n3,4\n", 0 },
	{ "space before quote", "a,b\n \"x\",2\n3,4\n", 0 },
	{ "wrong field count", "a,b,c\n1,2\n1,2,3,4\n5,6,7\n", 1 },
	{ "nul byte", "a,b\n1,x\0y\n\"p\0\",q\n3,4\n", 1 },
	{ "invalid utf8", "a,b\n\xff\xfe,\"\xc3\x28\"\nok,\xe4\xb8\xad\n", 1 },
	{ "long fields",
	  "id,text\n1,\"0123456789012345678901234567890123456789012345678901"
	  "23456789 \"\"quoted\"\" 0123456789012345678901234567890123\"\n"
	  "2,\"\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad"
	  "\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\"\n",
	  1 },
	{ "header only", "a,b,c\n", 1 },
	{ "empty input", "", 1 },
	{ "bom", "\xEF\xBB\xBF\"a\",\"b\"\n1,2\n", 1 },
	{ "quote at chunk edge", "a,b\n\"\"\"\",\"\"\"\"\"\"\n\"\",\"\"\n", 1 },
	{ "open quote in header", "\"a,b\n1,2\n", 1 },
	{ "trailing comma", "a,b,\n1,2,\n", 1 },
	{ "closing quote at the cap",
	  "a,b\n\"0123456789\",\"012345678901\"\n1,2\n"
	  "\"012345678901\",\"0123456789\"\n", 1 },
	{ "long field past the header's columns",
	  "a,b\n1,2,\"a field past the columns,\nlonger than the cap\"\n"
	  "3,\"long kept field, longer than the cap\nof 24\"\n5,6\n", 1 },
	{ "mixed irregular then plain",
	  "a,b\n\"x\"z,1\n\"ok\",2\nq\"q,3\n\"fine\nline\",4\n", 0 },
};

static const size_t chunks[] = { 0, 1, 2, 3, 5, 7, 11, 16, 17, 64 };
static const size_t caps[] = { 0, 24 };

static void test_fast_equals_libcsv(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		/* two cases hold NUL bytes: sizes come from the literal */
		size_t n = strlen(cases[c].csv);

		if (strcmp(cases[c].name, "nul byte") == 0)
			n = sizeof("a,b\n1,x\0y\n\"p\0\",q\n3,4\n") - 1;
		for (size_t m = 0; m < sizeof(caps) / sizeof(caps[0]); m++) {
			for (int strict = 0; strict < 2; strict++) {
				size_t lref, lfast;
				char *ref = csvdump_read(cases[c].csv, n, 1, 0,
							 caps[m], strict, &lref);

				assert_non_null(ref);
				for (size_t k = 0;
				     k < sizeof(chunks) / sizeof(chunks[0]);
				     k++) {
					char *fast = csvdump_read(
						cases[c].csv, n, 0, chunks[k],
						caps[m], strict, &lfast);

					assert_non_null(fast);
					if (lref != lfast ||
					    memcmp(ref, fast, lref) != 0)
						fail_msg("%s: chunk %zu cap %zu "
							 "strict %d differs",
							 cases[c].name,
							 chunks[k], caps[m],
							 strict);
					free(fast);
				}
				free(ref);
			}
		}
	}
}

/* TSV: every case with its commas and tabs swapped, read with a tab
 * separator, gives the same reading from both paths at every read size,
 * and as many records, reports and bytes of dump as the CSV reading. */
static void test_tsv_fast_equals_libcsv(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t n = strlen(cases[c].csv), lcsv, lref, lfast;
		char tsv[512];
		char *csv, *ref;

		if (strcmp(cases[c].name, "nul byte") == 0)
			n = sizeof("a,b\n1,x\0y\n\"p\0\",q\n3,4\n") - 1;
		if (n > sizeof(tsv))
			continue;
		for (size_t i = 0; i < n; i++)
			tsv[i] = cases[c].csv[i] == ','    ? '\t'
				 : cases[c].csv[i] == '\t' ? ','
							   : cases[c].csv[i];
		csv = csvdump_read(cases[c].csv, n, 1, 0, 0, 0, &lcsv);
		ref = csvdump_read_delim(tsv, n, 1, 0, 0, 0, '\t', &lref);
		assert_non_null(csv);
		assert_non_null(ref);
		if (lcsv != lref)
			fail_msg("%s: TSV reads differently", cases[c].name);
		for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			char *fast = csvdump_read_delim(tsv, n, 0, chunks[k], 0,
							0, '\t', &lfast);

			assert_non_null(fast);
			if (lref != lfast || memcmp(ref, fast, lref) != 0)
				fail_msg("%s: TSV chunk %zu differs",
					 cases[c].name, chunks[k]);
			free(fast);
		}
		free(csv);
		free(ref);
	}
}

/* Records seen by the callback, for the checks by eye. */
struct seen {
	size_t n;
	uint64_t line[8];
	char f[8][4][32];
};

static enum cib_err on_header(void *ctx, struct csvread *r)
{
	(void)ctx;
	(void)r;
	return CIB_OK;
}

static enum cib_err on_rec(void *ctx, const struct csvrec *rec)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->line[s->n] = rec->line;
		for (size_t i = 0; i < rec->n && i < 4; i++)
			snprintf(s->f[s->n][i], sizeof(s->f[s->n][i]), "%s",
				 rec->f[i]);
	}
	s->n++;
	return CIB_OK;
}

static void read_seen(const char *csv, size_t chunk, struct seen *s,
		      uint64_t *n_fast, uint64_t *n_bad)
{
	struct csvdump_run x;

	memset(s, 0, sizeof(*s));
	assert_int_equal(csvdump_open(&x, csv, strlen(csv), 0, chunk, 0, 0), 0);
	assert_int_equal(csvread_run(&x.r, on_header, on_rec, s), CIB_OK);
	*n_fast = x.r.n_fast;
	*n_bad = x.dg.n_bad;
	csvdump_close(&x);
}

static void test_by_eye(void **state)
{
	struct seen s;
	uint64_t n_fast, n_bad;

	(void)state;
	/* lines: header 1, record on 2 (holds a LF), blank 4, record on 5
	 * after a CRLF, last record without a final LF on 6 */
	read_seen("a,b\n\"say \"\"hi\"\"\n2\",x\r\n\n\"\",\"\"\"\"\r\n7,8",
		  0, &s, &n_fast, &n_bad);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.line[0], 2);
	assert_string_equal(s.f[0][0], "say \"hi\"\n2");
	assert_string_equal(s.f[0][1], "x");
	assert_int_equal(s.line[1], 5);
	assert_string_equal(s.f[1][0], "");
	assert_string_equal(s.f[1][1], "\"");
	assert_int_equal(s.line[2], 6);
	assert_string_equal(s.f[2][0], "7");
	assert_int_equal(n_bad, 0);
	/* the header and the first two records end with a line end: the fast
	 * path splits them; the last is only ended by the end of input, which
	 * libcsv handles */
	assert_int_equal(n_fast, 3);

	/* an irregular record goes to libcsv (which keeps the stray quote),
	 * the plain ones around it stay fast */
	read_seen("a,b\n1,2\nx\"y,3\n4,5\n", 0, &s, &n_fast, &n_bad);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.f[1][0], "x\"y");
	assert_int_equal(s.line[2], 4);
	assert_int_equal(n_fast, 3);

	/* a record longer than the read size goes to libcsv too */
	read_seen("a,b\n1,2\n\"a long field, longer than 16\",3\n4,5\n", 16,
		  &s, &n_fast, &n_bad);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.f[1][0], "a long field, longer than 16");
	assert_int_equal(n_fast, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_equals_libcsv),
		cmocka_unit_test(test_tsv_fast_equals_libcsv),
		cmocka_unit_test(test_by_eye),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
