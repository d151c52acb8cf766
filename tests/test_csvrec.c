/* test_csvrec.c - core/csvrec on its own, through its read and event
 * callbacks: the events of a small input written out by hand (header,
 * records with their start lines, stored and seen field counts, too_big,
 * nul_col, an open quote at the end), the same events whatever the read
 * size and however few bytes each read hands out (a byte-order mark split
 * over reads is still dropped), and a read error's message. The fast path
 * against libcsv alone is tests/test_csvread.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csvrec.h"

/* Reads data[0..n) at most `step` bytes a call; fails at `fail_at`. */
struct mem {
	const char *data;
	size_t n, pos, step, fail_at;
};

static enum cib_err mem_read(void *ctx, char *buf, size_t cap, size_t *got,
			     const char **errmsg)
{
	struct mem *m = ctx;
	size_t k = m->n - m->pos;

	if (m->fail_at && m->pos >= m->fail_at) {
		*errmsg = "disk on fire";
		return CIB_EIO;
	}
	if (k > cap)
		k = cap;
	if (m->step && k > m->step)
		k = m->step;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	*got = k;
	return CIB_OK;
}

/* Every event written as one text line into out. */
struct dump {
	char out[4096];
	size_t len;
	const struct csvrec_reader *rd;
};

static enum cib_err dump_event(void *ctx, const struct csvrec_event *ev)
{
	struct dump *d = ctx;
	size_t room = sizeof(d->out) - d->len;
	int k;

	if (ev->kind == CSVREC_HEADER) {
		k = snprintf(d->out + d->len, room, "H%llu:",
			     (unsigned long long)ev->line);
		d->len += (size_t)k;
		for (size_t i = 0; i < d->rd->n_cols; i++) {
			room = sizeof(d->out) - d->len;
			k = snprintf(d->out + d->len, room, "[%s]",
				     csvrec_colname(d->rd, (int)i));
			d->len += (size_t)k;
		}
	} else if (ev->kind == CSVREC_UNTERMINATED) {
		k = snprintf(d->out + d->len, room, "U%llu",
			     (unsigned long long)ev->line);
		d->len += (size_t)k;
	} else {
		k = snprintf(d->out + d->len, room, "R%llu:%zu/%zu%s%s",
			     (unsigned long long)ev->line, ev->rec.n, ev->nf,
			     ev->too_big ? ":big" : "",
			     ev->nul_col ? ":nul" : "");
		d->len += (size_t)k;
		for (size_t i = 0; i < ev->rec.n; i++) {
			room = sizeof(d->out) - d->len;
			/* NUL-terminated; shorter only over a NUL byte */
			assert_int_equal(ev->rec.f[i][ev->rec.len[i]], 0);
			assert_true(strlen(ev->rec.f[i]) == ev->rec.len[i] ||
				    ev->nul_col == i + 1);
			k = snprintf(d->out + d->len, room, "[%s]",
				     ev->rec.f[i]);
			d->len += (size_t)k;
		}
	}
	d->out[d->len++] = '\n';
	d->out[d->len] = '\0';
	return CIB_OK;
}

static enum cib_err run(const char *data, size_t n, size_t chunk,
			size_t step, size_t max_record, struct dump *d,
			char *errmsg, size_t errlen)
{
	struct csvrec_reader rd;
	struct mem m = { data, n, 0, step, 0 };
	enum cib_err err;

	memset(d, 0, sizeof(*d));
	csvrec_init(&rd);
	rd.chunk_size = chunk;
	rd.max_record = max_record;
	d->rd = &rd;
	err = csvrec_run(&rd, mem_read, &m, dump_event, d);
	snprintf(errmsg, errlen, "%s", rd.errmsg);
	csvrec_release(&rd);
	return err;
}

static void test_events(void **state)
{
	static const char csv[] =
		"\xEF\xBB\xBF a ,b,c\r\n"
		"1,\"x\ny\",3\n"
		"\n"
		"4,5\n"
		"6,7,8,9\n"
		"0,\xFF,2\n"
		"1,n\0l,3\n"
		"0123456789,0123456789,0123456789\n"
		"\"open,2,3\n";
	static const char want[] =
		"H1:[a][b][c]\n"
		"R2:3/3[1][x\ny][3]\n"
		"R5:2/2[4][5]\n"
		"R6:3/4[6][7][8]\n"
		"R7:3/3[0][\xEF\xBF\xBD][2]\n"
		"R8:3/3:nul[1][n][3]\n"
		"R9:0/3:big\n"
		"U10\n";
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 64 };
	struct dump d;
	char msg[512];

	(void)state;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++)
		for (size_t step = 0; step < 4; step++) {
			assert_int_equal(run(csv, sizeof(csv) - 1, chunks[c],
					     step, 24, &d, msg, sizeof(msg)),
					 CIB_OK);
			if (strcmp(d.out, want) != 0)
				fail_msg("chunk %zu step %zu:\n%s", chunks[c],
					 step, d.out);
		}
}

static void test_errors(void **state)
{
	struct csvrec_reader rd;
	struct mem m = { "a,b\n1,2\n3,4\n", 12, 0, 0, 5 };
	struct dump d;
	char msg[512];

	(void)state;
	/* no header row; a header over the cap, with the caller's hint */
	assert_int_equal(run("\n\r\n", 3, 0, 0, 0, &d, msg, sizeof(msg)),
			 CIB_EFORMAT);
	assert_string_equal(msg, "no header row");
	assert_int_equal(run("abcdef,ghijkl\n", 14, 0, 0, 8, &d, msg,
			     sizeof(msg)),
			 CIB_ETOOBIG);
	assert_string_equal(msg, "header row longer than 8 bytes");
	assert_int_equal(run("a,\"b\n", 5, 0, 0, 0, &d, msg, sizeof(msg)),
			 CIB_EFORMAT);
	assert_string_equal(msg,
			    "line 1: unterminated quoted field in the header "
			    "row");
	/* a read error after the records before it */
	memset(&d, 0, sizeof(d));
	csvrec_init(&rd);
	rd.chunk_size = 4;
	rd.cap_hint = " (--max-record)";
	d.rd = &rd;
	m.step = 4;
	assert_int_equal(csvrec_run(&rd, mem_read, &m, dump_event, &d),
			 CIB_EIO);
	assert_string_equal(rd.errmsg, "disk on fire");
	assert_string_equal(d.out, "H1:[a][b]\nR2:2/2[1][2]\n");
	csvrec_release(&rd);
	csvrec_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
