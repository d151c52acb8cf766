/* test_warc.c - the WARC reader against real crawler output and hand-made
 * records.
 *
 * The real files (fixtures/warc/real, from warcio's test data) were
 * counted outside cibscan: record types with `zcat | grep WARC-Type`,
 * gzip member offsets with Python's zlib.decompressobj walking the
 * members, the dechunked iana.org body length by hand-summing the chunk
 * sizes. The hand-made records below state their expected values beside
 * them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "collectors/warc.h"
#include "core/diag.h"

#define MAXR 16

struct result {
	size_t n;
	enum warc_type type[MAXR];
	uint64_t offset[MAXR];
	size_t body[MAXR];
	int status[MAXR];
	unsigned flags[MAXR];
	char uri[MAXR][64];
	char server[MAXR][32];
	uint64_t n_bad;
	char bad0[512];
	enum cib_err err;
	uint64_t members;
};

static void collect(struct warc_reader *r, struct diag *dg, struct result *res)
{
	struct warc_record rec;
	int got;

	memset(res, 0, sizeof(*res));
	for (;;) {
		res->err = warc_next(r, &rec, &got);
		if (res->err || !got)
			break;
		if (res->n < MAXR) {
			res->type[res->n] = rec.type;
			res->offset[res->n] = rec.offset;
			res->body[res->n] = rec.body.n;
			res->status[res->n] = rec.http_status;
			res->flags[res->n] = rec.flags;
			snprintf(res->uri[res->n], 64, "%.*s",
				 (int)rec.target_uri.n, rec.target_uri.p);
			snprintf(res->server[res->n], 32, "%.*s",
				 (int)rec.http_server.n, rec.http_server.p);
		}
		res->n++;
	}
	res->n_bad = dg->n_bad;
	res->members = r->n_members;
	if (dg->n_kept)
		diag_format(&dg->kept[0], res->bad0, sizeof(res->bad0));
}

static void read_file(const char *path, int strict, struct result *res)
{
	struct warc_reader r;
	struct diag dg;

	diag_init(&dg, strict);
	assert_int_equal(warc_open(&r, path, NULL, &dg), CIB_OK);
	collect(&r, &dg, res);
	warc_close(&r);
}

static void read_mem(const void *buf, size_t n, const struct warc_opts *o,
		     int strict, struct result *res)
{
	struct warc_reader r;
	struct diag dg;

	diag_init(&dg, strict);
	assert_int_equal(warc_open_mem(&r, "mem", buf, n, o, &dg), CIB_OK);
	collect(&r, &dg, res);
	warc_close(&r);
}

#define W WARC_T_WARCINFO
#define RS WARC_T_RESPONSE
#define RQ WARC_T_REQUEST
#define RV WARC_T_REVISIT
#define RC WARC_T_RESOURCE
#define MD WARC_T_METADATA

struct real_case {
	const char *file;
	size_t n;
	enum warc_type type[8];
	uint64_t offset[8];
	uint64_t n_bad;
	const char *bad;
};

static const struct real_case real_cases[] = {
	{ "example.warc.gz", 6, { W, W, RS, RQ, RV, RQ },
	  { 0, 353, 784, 2012, 2621, 3207 }, 0, NULL },
	/* one gzip member for the whole file: every record is in member 0 */
	{ "example-bad-non-chunked.warc.gz", 6, { W, W, RS, RQ, RV, RQ },
	  { 0, 0, 0, 0, 0, 0 }, 0, NULL },
	{ "example-wget-bad-target-uri.warc.gz", 6, { W, RQ, RS, MD, RC, RC },
	  { 0, 410, 824, 1978, 2295, 2681 }, 0, NULL },
	{ "example-resource.warc.gz", 3, { W, W, RC }, { 0, 361, 802 }, 0,
	  NULL },
	{ "example-digest.warc", 4, { RQ, RQ, RQ, RQ }, { 0, 922, 1840, 2758 },
	  0, NULL },
	{ "example-iana.org-chunked.warc", 3, { W, RS, RQ }, { 0, 405, 8379 },
	  0, NULL },
	/* the response's Content-Length overruns its block: reported at its
	 * offset, the records around it still read */
	{ "example-trunc.warc", 3, { W, W, RQ }, { 0, 488, 2566 }, 1,
	  "example-trunc.warc: 'offset 1197': wrong record length" },
};

static void test_real_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(real_cases) / sizeof(real_cases[0]);
	     i++) {
		const struct real_case *c = &real_cases[i];
		struct result res;
		char path[256];

		snprintf(path, sizeof(path), "fixtures/warc/real/%s", c->file);
		read_file(path, 0, &res);
		assert_int_equal(res.err, CIB_OK);
		if (res.n != c->n)
			fail_msg("%s: %zu records, want %zu", c->file, res.n,
				 c->n);
		for (size_t k = 0; k < c->n; k++) {
			assert_int_equal(res.type[k], c->type[k]);
			assert_int_equal(res.offset[k], c->offset[k]);
		}
		assert_int_equal(res.n_bad, c->n_bad);
		if (c->bad && !strstr(res.bad0, c->bad))
			fail_msg("%s: diag '%s'", c->file, res.bad0);
	}
}

static void test_real_bodies(void **state)
{
	struct result res;

	(void)state;
	/* chunked: 7223 bytes once the chunk framing is removed */
	read_file("fixtures/warc/real/example-iana.org-chunked.warc", 0, &res);
	assert_int_equal(res.status[1], 200);
	assert_int_equal(res.body[1], 7223);
	assert_int_equal(res.flags[1], 0);
	assert_string_equal(res.server[1], "Apache");
	/* gzip Content-Encoding: example.com's page is 1270 bytes */
	read_file("fixtures/warc/real/example.warc.gz", 0, &res);
	assert_int_equal(res.body[2], 1270);
	assert_string_equal(res.server[2], "ECS (iad/182A)");
	assert_int_equal(res.type[4], WARC_T_REVISIT);
	assert_int_equal(res.body[4], 0);
	/* wget's <angle-bracketed> target URIs come out without brackets */
	read_file("fixtures/warc/real/example-wget-bad-target-uri.warc.gz", 0,
		  &res);
	assert_string_equal(res.uri[2], "http://example.com/");
	assert_int_equal(res.body[2], 1270);
	/* strict mode stops at the first bad record */
	read_file("fixtures/warc/real/example-trunc.warc", 1, &res);
	assert_int_equal(res.err, CIB_EPARSE);
	assert_int_equal(res.n, 2);
}

/* ---- hand-made records ---------------------------------------------- */

static size_t record(char *out, size_t cap, const char *type,
		     const char *uri, const char *block, size_t blen,
		     long claimed)
{
	int k = snprintf(out, cap,
			 "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\n"
			 "WARC-Date: 2024-05-01T10:00:00Z\r\n"
			 "WARC-IP-Address: 203.0.113.7\r\n"
			 "Content-Length: %ld\r\n\r\n",
			 type, uri, claimed >= 0 ? claimed : (long)blen);

	assert_true(k > 0 && (size_t)k + blen + 4 < cap);
	memcpy(out + k, block, blen);
	memcpy(out + k + blen, "\r\n\r\n", 4);
	return (size_t)k + blen + 4;
}

static size_t gzip_member(const void *in, size_t n, unsigned char *out,
			  size_t cap)
{
	z_stream zs;
	size_t got;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	got = cap - zs.avail_out;
	deflateEnd(&zs);
	return got;
}

static const char HTML[] = "<html><head><title>T</title></head>"
			   "<body><p>hello</p></body></html>";

struct mem_case {
	const char *name;
	const char *http; /* HTTP message, body appended from `body` */
	int body_kind;    /* 0 raw HTML, 1 chunked, 2 gzip, 3 bad chunked */
	size_t want_body;
	unsigned want_flags;
};

static const struct mem_case mem_cases[] = {
	{ "plain", "HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n", 0,
	  sizeof(HTML) - 1, 0 },
	{ "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	  1, sizeof(HTML) - 1, 0 },
	{ "gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", 2,
	  sizeof(HTML) - 1, 0 },
	/* claims chunked, is not: the raw bytes are kept and flagged */
	{ "bad chunked",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
	  sizeof(HTML) - 1, WARC_F_CHUNK_BAD },
	/* claims gzip, is not */
	{ "bad gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", 0,
	  sizeof(HTML) - 1, WARC_F_ENCODING_BAD },
	/* bare LF header lines */
	{ "lf", "HTTP/1.0 404 Not Found\nServer: x\n\n", 0, sizeof(HTML) - 1,
	  0 },
};

static void test_http_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mem_cases) / sizeof(mem_cases[0]); i++) {
		const struct mem_case *c = &mem_cases[i];
		char block[4096], buf[8192];
		size_t bl = strlen(c->http), n, hl = sizeof(HTML) - 1;
		struct result res;

		memcpy(block, c->http, bl);
		if (c->body_kind == 1) {
			/* two chunks with an extension on the first */
			bl += (size_t)snprintf(block + bl, sizeof(block) - bl,
					       "%zx;ext=1\r\n%.*s\r\n%zx\r\n%s\r\n0\r\n\r\n",
					       (size_t)10, 10, HTML, hl - 10,
					       HTML + 10);
		} else if (c->body_kind == 2) {
			bl += gzip_member(HTML, hl,
					  (unsigned char *)block + bl,
					  sizeof(block) - bl);
		} else {
			memcpy(block + bl, HTML, hl);
			bl += hl;
		}
		n = record(buf, sizeof(buf), "response", "http://a.example/",
			   block, bl, -1);
		read_mem(buf, n, NULL, 0, &res);
		if (res.n != 1 || res.body[0] != c->want_body ||
		    res.flags[0] != c->want_flags)
			fail_msg("%s: n=%zu body=%zu flags=%u", c->name, res.n,
				 res.body[0], res.flags[0]);
		assert_int_equal(res.n_bad, 0);
	}
}

struct broken_case {
	const char *name;
	const char *text;
	size_t max_record;
	size_t want_records;
	uint64_t want_bad;
	const char *want_diag;
};

#define R1 "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
#define R2 "WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n"

static const struct broken_case broken_cases[] = {
	{ "two good", R1 R2, 0, 2, 0, NULL },
	{ "garbage first", "junk\r\n" R1 R2, 0, 2, 1,
	  "mem: 'offset 0': not a WARC record" },
	{ "no length",
	  "WARC/1.0\r\nWARC-Type: resource\r\n\r\nhello\r\n\r\n" R2, 0, 1, 1,
	  "missing or bad Content-Length" },
	{ "bad length",
	  "WARC/1.0\r\nContent-Length: 5x\r\n\r\nhello\r\n\r\n" R2, 0, 1, 1,
	  "missing or bad Content-Length" },
	{ "length short", "WARC/1.0\r\nContent-Length: 3\r\n\r\nhello\r\n\r\n" R2,
	  0, 1, 1, "'offset 0': wrong record length" },
	{ "length long", R1 "WARC/1.0\r\nContent-Length: 300\r\n\r\nabc\r\n\r\n",
	  0, 1, 1, "'offset 61': truncated record: Content-Length 300" },
	{ "header cut", R1 "WARC/1.0\r\nContent-Le", 0, 1, 1,
	  "truncated WARC header block" },
	{ "too big", R1 "WARC/1.0\r\nContent-Length: 40\r\n\r\n"
		     "0123456789012345678901234567890123456789\r\n\r\n" R2,
	  16, 2, 1, "record too big: Content-Length 40 over the cap of 16" },
	{ "no separator at end", R1 "WARC/1.0\r\nContent-Length: 2\r\n\r\nab", 0,
	  2, 0, NULL },
	{ "empty", "", 0, 0, 0, NULL },
	{ "blank", "\r\n\r\n\n", 0, 0, 0, NULL },
	{ "other type",
	  "WARC/1.1\r\nWARC-Type: bogus\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
	  0, 1, 0, NULL },
};

static void test_broken(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken_cases) / sizeof(broken_cases[0]);
	     i++) {
		const struct broken_case *c = &broken_cases[i];
		struct warc_opts o;
		struct result res;

		warc_opts_init(&o);
		if (c->max_record)
			o.max_record = c->max_record;
		read_mem(c->text, strlen(c->text), &o, 0, &res);
		if (res.err || res.n != c->want_records ||
		    res.n_bad != c->want_bad ||
		    (c->want_diag && !strstr(res.bad0, c->want_diag)))
			fail_msg("%s: err=%d n=%zu bad=%llu diag='%s'", c->name,
				 res.err, res.n, (unsigned long long)res.n_bad,
				 res.bad0);
		if (c->want_bad) {
			read_mem(c->text, strlen(c->text), &o, 1, &res);
			assert_int_equal(res.err, CIB_EPARSE);
		}
	}
}

static void test_gzip_members(void **state)
{
	static unsigned char gz[4096];
	char rec[1024];
	size_t n = 0, k;
	uint64_t starts[3];
	struct result res;

	(void)state;
	for (int i = 0; i < 3; i++) {
		k = record(rec, sizeof(rec), "resource", "<http://b.example/x>",
			   HTML, sizeof(HTML) - 1, -1);
		starts[i] = n;
		n += gzip_member(rec, k, gz + n, sizeof(gz) - n);
	}
	read_mem(gz, n, NULL, 0, &res);
	assert_int_equal(res.n, 3);
	assert_int_equal(res.members, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(res.offset[i], starts[i]);
	assert_string_equal(res.uri[0], "http://b.example/x");
	assert_int_equal(res.n_bad, 0);
	/* the last member cut in half: two records and a counted error */
	read_mem(gz, starts[2] + (n - starts[2]) / 2, NULL, 0, &res);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.n_bad, 1);
	assert_non_null(strstr(res.bad0, "truncated"));
	/* corrupt deflate data in the second member */
	gz[starts[1] + 12] ^= 0xff;
	gz[starts[1] + 13] ^= 0xff;
	read_mem(gz, n, NULL, 0, &res);
	assert_true(res.n >= 1 && res.n <= 2);
	assert_true(res.n_bad >= 1);
	/* padding after the last member */
	gz[starts[1] + 12] ^= 0xff;
	gz[starts[1] + 13] ^= 0xff;
	memset(gz + n, 0, 16);
	read_mem(gz, n + 16, NULL, 0, &res);
	assert_int_equal(res.n, 3);
	assert_int_equal(res.n_bad, 1);
	assert_non_null(strstr(res.bad0, "after the last gzip member"));
}

/* every decoded body is cut at max_body and flagged */
static void test_body_cap(void **state)
{
	char block[4096], buf[8192];
	size_t bl, n;
	struct warc_opts o;
	struct result res;

	(void)state;
	warc_opts_init(&o);
	o.max_body = 10;
	/* plain HTTP body */
	bl = (size_t)snprintf(block, sizeof(block), "HTTP/1.1 200 OK\r\n\r\n%s",
			      HTML);
	n = record(buf, sizeof(buf), "response", "http://c.example/", block,
		   bl, -1);
	read_mem(buf, n, &o, 0, &res);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.body[0], 10);
	assert_int_equal(res.flags[0], WARC_F_BODY_CAPPED);
	/* gzip body inflating past the cap */
	bl = (size_t)snprintf(block, sizeof(block),
			      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
	bl += gzip_member(HTML, sizeof(HTML) - 1, (unsigned char *)block + bl,
			  sizeof(block) - bl);
	n = record(buf, sizeof(buf), "response", "http://c.example/", block,
		   bl, -1);
	read_mem(buf, n, &o, 0, &res);
	assert_int_equal(res.body[0], 10);
	assert_int_equal(res.flags[0], WARC_F_BODY_CAPPED);
	/* resource record */
	n = record(buf, sizeof(buf), "resource", "http://c.example/r", HTML,
		   sizeof(HTML) - 1, -1);
	read_mem(buf, n, &o, 0, &res);
	assert_int_equal(res.type[0], WARC_T_RESOURCE);
	assert_int_equal(res.body[0], 10);
	/* the header block cap */
	o.max_header = 64;
	o.max_body = 1 << 20;
	n = record(buf, sizeof(buf), "resource",
		   "http://c.example/a-very-long-target-uri-that-does-not-fit",
		   HTML, sizeof(HTML) - 1, -1);
	read_mem(buf, n, &o, 0, &res);
	assert_int_equal(res.n, 0);
	assert_int_equal(res.n_bad, 1);
	assert_non_null(strstr(res.bad0, "WARC header block too long"));
}

static void test_sniff_date(void **state)
{
	(void)state;
	assert_true(warc_sniff("WARC/1.0\r\n", 10));
	assert_false(warc_sniff("WARC/2.0\r\n", 10));
	assert_false(warc_sniff("id,text\n", 8));
	/* 2017-03-06T04:02:06Z = 1488772926 (date -u -d ... +%s) */
	assert_int_equal(warc_parse_date("2017-03-06T04:02:06Z", 20),
			 1488772926);
	assert_int_equal(warc_parse_date("2017-03-06T04:02:06.123Z", 24),
			 1488772926);
	assert_int_equal(warc_parse_date("yesterday", 9), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_real_bodies),
		cmocka_unit_test(test_http_bodies),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_gzip_members),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_sniff_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
