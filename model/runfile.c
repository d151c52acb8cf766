/* runfile.c - a scored run on disk: run_save() and run_load() (docs/run.md).
 *
 * Layout, all integers little-endian (the byte-order mark refuses a file
 * from a big-endian machine rather than misreading it):
 *   header  64 bytes: magic "CIBSRUN\n", u32 version, u32 byte-order mark
 *           0x01020304, u32 sections, u32 reserved (0), u64 file size,
 *           u64 XXH3-64 of the section table, 24 reserved bytes (0);
 *   table   32 bytes per section: u32 id, u32 record size, u64 records,
 *           u64 offset, u64 XXH3-64 of the section's bytes;
 *   data    each section at an 8-byte aligned offset, its records as the
 *           structs of run.h (fixed size, no padding).
 * Loading copies each section into its own array (one memcpy each) and
 * then checks every invariant run.h states, so that nothing read can
 * index out of bounds: counts against the file size and each other,
 * ranges, string references, cluster sizes, reason codes. Any failure is
 * CIB_EPARSE with a message naming the section and, for records, the
 * record's index.
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

enum run_section {
	RS_META = 1,
	RS_ACCOUNTS,
	RS_X,
	RS_CLUSTERS,
	RS_EDGES,
	RS_EDGE_IDX,
	RS_REASONS,
	RS_TEXTS,
	RS_INPUTS,
	RS_STRINGS,
	RS__END
};

static const char *const section_names[RS__END] = {
	[RS_META] = "meta",	    [RS_ACCOUNTS] = "accounts",
	[RS_X] = "model inputs",    [RS_CLUSTERS] = "clusters",
	[RS_EDGES] = "edges",	    [RS_EDGE_IDX] = "edge index",
	[RS_REASONS] = "reasons",   [RS_TEXTS] = "texts",
	[RS_INPUTS] = "inputs",	    [RS_STRINGS] = "strings",
};

#define HEADER_SIZE 64
#define ENTRY_SIZE 32
#define RUN_BOM 0x01020304u

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int little_endian(void)
{
	const uint32_t one = 1;

	return *(const unsigned char *)&one == 1;
}

struct sec {
	uint32_t id, size;
	uint64_t count;
	const void *data;
};

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

enum cib_err run_save(const struct scored_run *r, FILE *f)
{
	const struct sec secs[] = {
		{ RS_META, sizeof(r->meta), 1, &r->meta },
		{ RS_ACCOUNTS, sizeof(*r->acc), r->n_accounts, r->acc },
		{ RS_X, SF__COUNT * sizeof(double), r->n_accounts, r->x },
		{ RS_CLUSTERS, sizeof(*r->cl), r->n_clusters, r->cl },
		{ RS_EDGES, sizeof(*r->edges), r->n_edges, r->edges },
		{ RS_EDGE_IDX, sizeof(uint32_t), 2 * r->n_edges, r->edge_idx },
		{ RS_REASONS, sizeof(*r->reasons), r->n_reasons, r->reasons },
		{ RS_TEXTS, sizeof(*r->texts), r->n_texts, r->texts },
		{ RS_INPUTS, sizeof(*r->inputs), r->n_inputs, r->inputs },
		{ RS_STRINGS, 1, r->str_len, r->str },
	};
	const size_t ns = sizeof(secs) / sizeof(secs[0]);
	unsigned char head[HEADER_SIZE], table[sizeof(secs) / sizeof(secs[0])]
					      [ENTRY_SIZE];
	static const unsigned char zeros[8];
	uint64_t off = HEADER_SIZE + ns * ENTRY_SIZE;

	if (!little_endian())
		return CIB_EINTERNAL;
	for (size_t i = 0; i < ns; i++) {
		uint64_t len = secs[i].count * secs[i].size;

		off = align8(off);
		put32(table[i], secs[i].id);
		put32(table[i] + 4, secs[i].size);
		put64(table[i] + 8, secs[i].count);
		put64(table[i] + 16, off);
		put64(table[i] + 24,
		      len ? XXH3_64bits(secs[i].data, (size_t)len) : 0);
		off += len;
	}
	memset(head, 0, sizeof(head));
	memcpy(head, RUN_MAGIC, 8);
	put32(head + 8, RUN_VERSION);
	put32(head + 12, RUN_BOM);
	put32(head + 16, (uint32_t)ns);
	put64(head + 24, off);
	put64(head + 32, XXH3_64bits(table, sizeof(table)));
	if (fwrite(head, 1, sizeof(head), f) != sizeof(head) ||
	    fwrite(table, 1, sizeof(table), f) != sizeof(table))
		return CIB_EIO;
	off = HEADER_SIZE + ns * ENTRY_SIZE;
	for (size_t i = 0; i < ns; i++) {
		uint64_t len = secs[i].count * secs[i].size;
		uint64_t pad = align8(off) - off;

		if (pad && fwrite(zeros, 1, (size_t)pad, f) != pad)
			return CIB_EIO;
		off += pad;
		if (len && fwrite(secs[i].data, 1, (size_t)len, f) != len)
			return CIB_EIO;
		off += len;
	}
	return ferror(f) ? CIB_EIO : CIB_OK;
}

/* ---- loading ------------------------------------------------------------ */

#define FAIL(...)                                                      \
	do {                                                           \
		snprintf(errmsg, errlen, __VA_ARGS__);                 \
		return CIB_EPARSE;                                     \
	} while (0)

static int str_ok(const struct scored_run *r, uint32_t s, int may_be_none)
{
	return s < r->str_len || (may_be_none && s == RUN_NOSTR);
}

static int range_ok(uint64_t off, uint64_t n, uint64_t total)
{
	return off <= total && n <= total - off;
}

/* Every invariant of run.h, on a run whose arrays are in place. */
static enum cib_err run_check(struct scored_run *r, char *errmsg,
			      size_t errlen)
{
	const struct run_meta *m = &r->meta;
	uint32_t *count = NULL;

	if (r->str_len && r->str[r->str_len - 1] != '\0')
		FAIL("strings: the table does not end with a NUL byte");
	if (m->n_features != SF__COUNT)
		FAIL("meta: %u model inputs, this build has %d", m->n_features,
		     SF__COUNT);
	if (!str_ok(r, m->tz, 1) || !str_ok(r, m->tz_label, 1) ||
	    !str_ok(r, m->settings, 1))
		FAIL("meta: a string reference lies outside the string table");
	for (size_t i = 0; i < r->n_inputs; i++)
		if (!str_ok(r, r->inputs[i].name, 1))
			FAIL("inputs: record %zu: name outside the string table",
			     i);
	for (size_t i = 0; i < r->n_texts; i++)
		if (!str_ok(r, r->texts[i].text, 0))
			FAIL("texts: record %zu: text outside the string table",
			     i);
	for (size_t i = 0; i < r->n_reasons; i++) {
		const struct run_reason *x = &r->reasons[i];

		if (x->code >= REASON__COUNT)
			FAIL("reasons: record %zu: unknown code %u", i, x->code);
		if (!str_ok(r, x->s[0], 1) || !str_ok(r, x->s[1], 1))
			FAIL("reasons: record %zu: string outside the string "
			     "table",
			     i);
	}
	for (size_t i = 0; i < r->n_edges; i++) {
		if (r->edges[i].a >= r->n_accounts ||
		    r->edges[i].b >= r->n_accounts)
			FAIL("edges: record %zu: endpoint past the %zu accounts",
			     i, r->n_accounts);
	}
	for (size_t i = 0; i < 2 * r->n_edges; i++)
		if (r->edge_idx[i] >= r->n_edges)
			FAIL("edge index: entry %zu: past the %zu edges", i,
			     r->n_edges);
	for (size_t k = 0; k < r->n_clusters; k++)
		if (!range_ok(r->cl[k].reason_off, r->cl[k].n_reasons,
			      r->n_reasons))
			FAIL("clusters: record %zu: reasons out of range", k);
	count = calloc(r->n_clusters + 1, sizeof(*count));
	if (!count)
		return CIB_ENOMEM;
	for (size_t a = 0; a < r->n_accounts; a++) {
		const struct run_account *A = &r->acc[a];
		const char *why = NULL;

		if (!str_ok(r, A->id, 0) || !str_ok(r, A->handle, 0))
			why = "id or handle outside the string table";
		else if (A->cluster != RUN_NOCLUSTER &&
			 (A->cluster < 0 || (size_t)A->cluster >= r->n_clusters))
			why = "cluster out of range";
		else if (!range_ok(A->reason_off, A->n_reasons, r->n_reasons))
			why = "reasons out of range";
		else if (!range_ok(A->text_off, A->n_texts, r->n_texts))
			why = "texts out of range";
		else if (!range_ok(A->edge_off, A->n_edges, 2 * r->n_edges))
			why = "edges out of range";
		else if (A->flagged > 1)
			why = "flag not 0 or 1";
		if (why) {
			free(count);
			FAIL("accounts: record %zu: %s", a, why);
		}
		if (A->cluster >= 0)
			count[A->cluster]++;
	}
	for (size_t k = 0; k < r->n_clusters; k++)
		if (count[k] != r->cl[k].size) {
			uint32_t have = count[k];

			free(count);
			FAIL("clusters: record %zu: size %u but %u members", k,
			     r->cl[k].size, have);
		}
	free(count);
	return CIB_OK;
}

static enum cib_err take(const unsigned char *buf, uint64_t off,
			 uint64_t len, void **out)
{
	*out = malloc(len ? (size_t)len : 1);
	if (!*out)
		return CIB_ENOMEM;
	if (len)
		memcpy(*out, buf + off, (size_t)len);
	return CIB_OK;
}

/* each section's record size in this build */
static const size_t record_size[RS__END] = {
	[RS_META] = sizeof(struct run_meta),
	[RS_ACCOUNTS] = sizeof(struct run_account),
	[RS_X] = SF__COUNT * sizeof(double),
	[RS_CLUSTERS] = sizeof(struct run_cluster),
	[RS_EDGES] = sizeof(struct run_edge),
	[RS_EDGE_IDX] = sizeof(uint32_t),
	[RS_REASONS] = sizeof(struct run_reason),
	[RS_TEXTS] = sizeof(struct run_text),
	[RS_INPUTS] = sizeof(struct run_input),
	[RS_STRINGS] = 1,
};

/* The header: magic, version, byte order, size and the section table's
 * checksum; *nsp is the number of sections. */
static enum cib_err runfile_check_header(const unsigned char *buf, size_t len,
					 uint32_t *nsp, char *errmsg,
					 size_t errlen)
{
	uint32_t ns;

	if (len < HEADER_SIZE || memcmp(buf, RUN_MAGIC, 8) != 0)
		FAIL("not a cibscan run file (no 'CIBSRUN' header)");
	if (get32(buf + 8) != RUN_VERSION)
		FAIL("run file version %u; this build reads version %d",
		     get32(buf + 8), RUN_VERSION);
	if (get32(buf + 12) != RUN_BOM || !little_endian())
		FAIL("run file byte order differs from this machine's");
	ns = get32(buf + 16);
	if (ns == 0 || ns > 64)
		FAIL("header: %u sections (1 to 64 expected)", ns);
	*nsp = ns;
	if (get64(buf + 24) != len)
		FAIL("header: the file should be %llu bytes, it is %zu "
		     "(truncated or extended)",
		     (unsigned long long)get64(buf + 24), len);
	if (len > RUN_MAX_BYTES)
		FAIL("file larger than %llu bytes",
		     (unsigned long long)RUN_MAX_BYTES);
	if ((uint64_t)HEADER_SIZE + (uint64_t)ns * ENTRY_SIZE > len)
		FAIL("header: the section table runs past the end of the file");
	if (XXH3_64bits(buf + HEADER_SIZE, (size_t)ns * ENTRY_SIZE) !=
	    get64(buf + 32))
		FAIL("header: section table checksum mismatch");
	return CIB_OK;
}

/* The section table: every section once, of this build's record size,
 * inside the file and matching its checksum; cnt and offs by section. */
static enum cib_err runfile_read_table(const unsigned char *buf, size_t len,
				       uint32_t ns, uint64_t *cnt,
				       uint64_t *offs, char *errmsg,
				       size_t errlen)
{
	int seen[RS__END] = { 0 };

	for (uint32_t i = 0; i < ns; i++) {
		const unsigned char *e = buf + HEADER_SIZE + (size_t)i * ENTRY_SIZE;
		uint32_t id = get32(e), size = get32(e + 4);
		uint64_t count = get64(e + 8), off = get64(e + 16), bytes;

		if (id == 0 || id >= RS__END)
			FAIL("section table entry %u: unknown section %u", i, id);
		if (seen[id])
			FAIL("%s: section appears twice", section_names[id]);
		seen[id] = 1;
		if (size != record_size[id])
			FAIL("%s: records of %u bytes, this build's are %zu",
			     section_names[id], size, record_size[id]);
		if (count > len / size)
			FAIL("%s: %llu records cannot fit in the file",
			     section_names[id], (unsigned long long)count);
		bytes = count * size;
		if (off < HEADER_SIZE + (uint64_t)ns * ENTRY_SIZE || off % 8 ||
		    !range_ok(off, bytes, len))
			FAIL("%s: section at offset %llu runs outside the file",
			     section_names[id], (unsigned long long)off);
		if (XXH3_64bits(buf + off, (size_t)bytes) != get64(e + 24) &&
		    bytes)
			FAIL("%s: checksum mismatch at offset %llu",
			     section_names[id], (unsigned long long)off);
		cnt[id] = count;
		offs[id] = off;
	}
	for (int id = 1; id < RS__END; id++)
		if (!seen[id])
			FAIL("%s: section missing", section_names[id]);
	return CIB_OK;
}

/* Counts that must agree across sections, and fit a run's indexes. */
static enum cib_err runfile_check_counts(const uint64_t *cnt, char *errmsg,
					 size_t errlen)
{
	if (cnt[RS_META] != 1)
		FAIL("meta: %llu records, 1 expected",
		     (unsigned long long)cnt[RS_META]);
	if (cnt[RS_X] != cnt[RS_ACCOUNTS])
		FAIL("model inputs: %llu rows for %llu accounts",
		     (unsigned long long)cnt[RS_X],
		     (unsigned long long)cnt[RS_ACCOUNTS]);
	if (cnt[RS_EDGE_IDX] != 2 * cnt[RS_EDGES])
		FAIL("edge index: %llu entries for %llu edges",
		     (unsigned long long)cnt[RS_EDGE_IDX],
		     (unsigned long long)cnt[RS_EDGES]);
	if (cnt[RS_ACCOUNTS] >= UINT32_MAX || cnt[RS_REASONS] >= UINT32_MAX ||
	    cnt[RS_TEXTS] >= UINT32_MAX || cnt[RS_EDGES] >= UINT32_MAX / 2 ||
	    cnt[RS_STRINGS] >= UINT32_MAX || cnt[RS_CLUSTERS] >= INT32_MAX)
		FAIL("a section holds more records than a run can index");
	return CIB_OK;
}

/* Header, section table, cross-section counts, copies, then run_check:
 * one pass in file order, every refusal naming its place. */
enum cib_err run_load(struct scored_run *r, const unsigned char *buf,
		      size_t len, char *errmsg, size_t errlen)
{
	uint64_t cnt[RS__END] = { 0 }, offs[RS__END] = { 0 };
	uint32_t ns;
	enum cib_err err = CIB_OK;
	void *meta = NULL;

	run_init(r);
	if (errlen)
		errmsg[0] = '\0';
	err = runfile_check_header(buf, len, &ns, errmsg, errlen);
	if (!err)
		err = runfile_read_table(buf, len, ns, cnt, offs, errmsg, errlen);
	if (!err)
		err = runfile_check_counts(cnt, errmsg, errlen);
	if (err)
		return err;
	r->n_accounts = (size_t)cnt[RS_ACCOUNTS];
	r->n_clusters = (size_t)cnt[RS_CLUSTERS];
	r->n_edges = (size_t)cnt[RS_EDGES];
	r->n_reasons = (size_t)cnt[RS_REASONS];
	r->n_texts = (size_t)cnt[RS_TEXTS];
	r->n_inputs = (size_t)cnt[RS_INPUTS];
	r->str_len = r->str_cap = (size_t)cnt[RS_STRINGS];
#define TAKE(id, field)                                                    \
	if (!err)                                                          \
		err = take(buf, offs[id], cnt[id] * record_size[id], (void **)&(field))
	TAKE(RS_META, meta);
	TAKE(RS_ACCOUNTS, r->acc);
	TAKE(RS_X, r->x);
	TAKE(RS_CLUSTERS, r->cl);
	TAKE(RS_EDGES, r->edges);
	TAKE(RS_EDGE_IDX, r->edge_idx);
	TAKE(RS_REASONS, r->reasons);
	TAKE(RS_TEXTS, r->texts);
	TAKE(RS_INPUTS, r->inputs);
	TAKE(RS_STRINGS, r->str);
#undef TAKE
	if (!err) {
		memcpy(&r->meta, meta, sizeof(r->meta));
		err = run_check(r, errmsg, errlen);
	}
	free(meta);
	if (err) {
		if (err == CIB_ENOMEM && errlen)
			snprintf(errmsg, errlen, "out of memory");
		run_release(r);
	}
	return err;
}
