/* test_input.c - input hardening: an escaped NUL in JSON is a malformed
 * record like a raw one (never a cut string that merges two ids), a
 * Telegram export without messages reads cleanly (no qsort on NULL), and
 * every reader accepts and refuses times by the one range of core/civil.h,
 * so what convert writes the JSONL reader reads back; a saved model loads
 * back to the same doubles. Expected values are
 * worked out by hand from the inputs written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectors/ingest.h"
#include "collectors/jsonl.h"
#include "collectors/jsonread.h"
#include "collectors/source.h"
#include "core/dataset.h"
#include "core/diag.h"
#include "model/logit.h"

struct loaded {
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	enum cib_err err;
};

static void load_mem(struct loaded *l, const char *buf, enum cib_format f)
{
	struct source src;

	dataset_init(&l->ds);
	diag_init(&l->dg, 0);
	ingest_init(&l->in, &l->ds, &l->dg, NULL);
	assert_int_equal(source_open_mem(&src, "mem", buf, strlen(buf)),
			 CIB_OK);
	l->err = ingest_source(&l->in, &src, f);
	source_close(&src);
}

/* Whether some kept diag entry has this `where` and reason prefix. */
static int diag_has(const struct diag *d, const char *where,
		    const char *reason)
{
	for (size_t i = 0; i < d->n_kept; i++)
		if ((!where || strcmp(d->kept[i].where, where) == 0) &&
		    strncmp(d->kept[i].reason, reason, strlen(reason)) == 0)
			return 1;
	return 0;
}

static void unload(struct loaded *l)
{
	ingest_release(&l->in);
	dataset_release(&l->ds);
}

/* ---- \u0000 ---- */

#define JHEAD "{\"type\":\"cibscan\",\"version\":1}\n"
#define JPOST(acc, id)                                                  \
	"{\"type\":\"post\",\"platform\":\"x\",\"id\":\"" id              \
	"\",\"account_id\":\"" acc "\",\"time\":\"2023-03-01T01:30:00Z\"}\n"

static void test_escaped_nul_jsonl(void **state)
{
	struct loaded l;

	(void)state;
	/* "7\u0000evil" must not become account "7" */
	load_mem(&l, JHEAD JPOST("7", "p1") JPOST("7\\u0000evil", "p2"),
		 FORMAT_JSONL);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.ds.post.n, 1);
	assert_int_equal(l.ds.acc.n, 1);
	assert_int_equal(l.dg.n_bad, 1);
	assert_true(diag_has(&l.dg, NULL, "NUL"));
	unload(&l);
	/* in the post id, in the text and in a key */
	load_mem(&l, JHEAD JPOST("7", "p1\\u0000")
		     "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p3\","
		     "\"account_id\":\"8\",\"time\":\"2023-03-01T01:30:00Z\","
		     "\"text\":\"a\\u0000b\"}\n"
		     "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p4\","
		     "\"account_id\":\"8\",\"time\":\"2023-03-01T01:30:00Z\","
		     "\"te\\u0000xt\":\"x\"}\n",
		 FORMAT_JSONL);
	assert_int_equal(l.ds.post.n, 0);
	assert_int_equal(l.dg.n_bad, 3);
	unload(&l);
	/* an escaped backslash before "u0000" is text, not a NUL */
	load_mem(&l, JHEAD "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"p5\","
		     "\"account_id\":\"8\",\"time\":\"2023-03-01T01:30:00Z\","
		     "\"text\":\"a\\\\u0000b\"}\n",
		 FORMAT_JSONL);
	assert_int_equal(l.dg.n_bad, 0);
	assert_int_equal(l.ds.post.n, 1);
	unload(&l);
}

static void test_escaped_nul_document(void **state)
{
	struct loaded l;

	(void)state;
	/* a whole document: fatal, with line and column, like a raw NUL */
	load_mem(&l, "{\n\"data\": [{\"id\": \"1\", \"text\": \"x\", "
		     "\"author_id\": \"7\\u0000evil\", "
		     "\"created_at\": \"2023-03-01T01:30:00.000Z\"}]}\n",
		 FORMAT_XAPI);
	assert_int_equal(l.err, CIB_EPARSE);
	assert_non_null(strstr(l.in.errmsg, "line 2"));
	assert_non_null(strstr(l.in.errmsg, "NUL"));
	assert_int_equal(l.ds.post.n, 0);
	unload(&l);
	/* Telegram's \x00, repaired to \u0000, is refused the same way */
	load_mem(&l, "{\n \"name\": \"c\", \"type\": \"public_channel\", "
		     "\"id\": 5,\n \"messages\": [{\"id\": 1, \"type\": "
		     "\"message\", \"date\": \"2023-01-01T10:00:00\", "
		     "\"date_unixtime\": \"1672567200\", \"from\": \"c\", "
		     "\"from_id\": \"channel5\", \"text\": \"a\\x00b\"}]}\n",
		 FORMAT_TELEGRAM);
	assert_int_equal(l.err, CIB_EPARSE);
	assert_non_null(strstr(l.in.errmsg, "NUL"));
	unload(&l);
}

static void test_telegram_no_messages(void **state)
{
	struct loaded l;

	(void)state;
	load_mem(&l, "{\n \"name\": \"c\", \"type\": \"public_channel\", "
		     "\"id\": 5,\n \"messages\": []}\n",
		 FORMAT_TELEGRAM);
	assert_int_equal(l.err, CIB_OK);
	assert_int_equal(l.ds.post.n, 0);
	unload(&l);
}

/* ---- a model file is an input too ---- */

static void test_model_round_trip(void **state)
{
	static const char *const names[] = { "a", "b", "c" };
	/* 0.1 + 0.2 and friends: 15 digits read back within an epsilon but
	 * not to the same double */
	const double v[] = { 0.1 + 0.2, 0.7 * 3, -1.2000000000000002,
			     1e-300, 6.02214076e23 };
	struct logit_model m, back;
	char *buf = NULL, msg[256];
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.p = 3;
	for (size_t j = 0; j < 3; j++) {
		snprintf(m.names[j], sizeof(m.names[j]), "%s", names[j]);
		m.mean[j] = v[j];
		m.sd[j] = v[j + 1] > 0 ? v[j + 1] : 1.1000000000000001;
		m.coef[j] = v[(j + 2) % 5];
	}
	m.intercept = v[4] / 7;
	m.threshold = 1.0 / 3;
	m.prior = 2.0 / 3;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(logit_save(&m, f), CIB_OK);
	fclose(f);
	assert_int_equal(logit_load(&back, buf, len, names, 3, msg,
				    sizeof(msg)),
			 CIB_OK);
	free(buf);
	assert_true(back.intercept == m.intercept);
	assert_true(back.threshold == m.threshold);
	assert_true(back.prior == m.prior);
	for (size_t j = 0; j < 3; j++) {
		assert_true(back.mean[j] == m.mean[j]);
		assert_true(back.sd[j] == m.sd[j]);
		assert_true(back.coef[j] == m.coef[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaped_nul_jsonl),
		cmocka_unit_test(test_escaped_nul_document),
		cmocka_unit_test(test_telegram_no_messages),
		cmocka_unit_test(test_model_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
