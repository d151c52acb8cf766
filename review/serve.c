/* serve.c - 'cibscan serve': the web review app over the review store.
 *
 * One libmicrohttpd daemon with one internal polling thread: every request
 * is handled on that thread, with the server's own SQLite connection, so
 * no state here needs a lock; SQLite's write lock serialises the server
 * with CLI reviewers on the same store. Writes go through review/store.c
 * (claims, decisions with conflict checks, undo); pages read the store.
 *
 * Invariants (serve.h): strict CSP and no external resources on every
 * response; every value shown is HTML-escaped (review_html()), every value in a
 * URL percent-encoded (urlenc()), every JSON string escaped
 * (review_json_str); every POST checks the CSRF token of its session (or
 * is authenticated by a bearer token); the Host header must name this
 * server; with a token file nothing but the login page and its POST is
 * served unauthenticated. Request bodies are capped (MAX_BODY), sessions
 * too (MAX_SESSIONS, oldest dropped).
 */
#include "review/serve.h"
#include "review/evidence.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <nettle/sha2.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "review/store.h"
#include "review/assets.h"
#include "core/outfile.h"
#include "core/strbuf.h"

#define MAX_BODY ((size_t)1 << 20)
#define MAX_SESSIONS 1024
#define MAX_TOKENS 1024
#define MAX_FORM 4096
#define SESSION_SECONDS (12 * 3600)
#define PAGE_ROWS 200
#define GRAPH_MAX_NODES 300

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self'; connect-src 'self'; form-action 'self'; "
	"frame-ancestors 'none'; base-uri 'none'";

struct session {
	char sid[33], csrf[33];
	char reviewer[128];
	time_t expires;
};

struct token {
	char name[128];
	uint8_t hash[SHA256_DIGEST_SIZE];
};

struct review_server {
	struct MHD_Daemon *d;
	struct review rv;
	int lease_s;
	int loopback;
	char host[128];  /* as the Host header must name it */
	unsigned port;
	struct token *tokens;
	size_t n_tokens;
	struct session sessions[MAX_SESSIONS];
	size_t n_sessions;
};

struct kv {
	char *k, *v;
};

/* One request in flight. */
struct req {
	struct strbuf body; /* capped at MAX_BODY (413 past it) */
	struct kv *form;
	size_t nform;
	/* the authenticated caller */
	struct session *sess;
	int bearer;
	char reviewer[128];
};

/* ---- output helpers ---------------------------------------------------- */

/* HTML text and attribute values: & < > " ' escaped; control characters
 * shown as \xNN; invalid UTF-8 bytes as U+FFFD. */
void review_html(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	while (*s) {
		unsigned c = *s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if (c < 0x20 || c == 0x7F) {
				fprintf(f, "\\x%02X", c);
			} else if (c < 0x80) {
				fputc((int)c, f);
			} else {
				/* copy a valid UTF-8 sequence, else U+FFFD */
				size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3
					  : c >= 0xC2 ? 2 : 0;
				size_t i;

				for (i = 1; i < n && (s[i] & 0xC0) == 0x80; i++)
					;
				if (n == 0 || n > 4 || i < n || c > 0xF4 ||
				    (c == 0xE0 && s[1] < 0xA0) ||
				    (c == 0xED && s[1] > 0x9F) ||
				    (c == 0xF0 && s[1] < 0x90) ||
				    (c == 0xF4 && s[1] > 0x8F)) {
					fputs("\xEF\xBF\xBD", f);
					break;
				}
				if (n == 2 && c == 0xC2 && s[1] < 0xA0) {
					/* C1 controls: shown, not obeyed */
					fprintf(f, "\\x%02X", s[1]);
					s += 2;
					continue;
				}
				fwrite(s, 1, n, f);
				s += n;
				continue;
			}
		}
		s++;
	}
}

static void urlenc(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	for (; *s; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.' || *s == '~' || *s == ':')
			fputc(*s, f);
		else
			fprintf(f, "%%%02X", *s);
	}
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int random_hex(char out[33])
{
	uint8_t b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	hex(b, sizeof(b), out);
	return 0;
}

/* Equal in time independent of where they differ. */
static int same(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(x[i] ^ y[i]);
	return d == 0;
}

static int same_str(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && same(a, b, n);
}

/* ---- tokens ------------------------------------------------------------ */

static void sha256_hex_of(const char *secret, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, strlen(secret), (const uint8_t *)secret);
	sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

static int valid_name(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > 64)
		return 0;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++)
		if (*p < 0x21 || *p == 0x7F)
			return 0; /* no space, no control characters */
	return 1;
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

static enum cib_err load_tokens(struct review_server *s, const char *path,
				char *errmsg, size_t errcap)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned long ln = 0;

	if (!f) {
		snprintf(errmsg, errcap, "cannot open token file '%s': %s", path,
			 strerror(errno));
		return CIB_EIO;
	}
	s->tokens = calloc(MAX_TOKENS, sizeof(*s->tokens));
	if (!s->tokens) {
		fclose(f);
		return CIB_ENOMEM;
	}
	while (fgets(line, sizeof(line), f)) {
		char *sp, *nl;

		ln++;
		nl = strchr(line, '\n');
		if (!nl && !feof(f)) {
			snprintf(errmsg, errcap, "%s:%lu: line too long", path,
				 ln);
			fclose(f);
			return CIB_EPARSE;
		}
		if (nl)
			*nl = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		if (!sp) {
			snprintf(errmsg, errcap,
				 "%s:%lu: not 'NAME SHA256HEX' (make entries "
				 "with 'cibscan serve --add-token NAME')",
				 path, ln);
			fclose(f);
			return CIB_EPARSE;
		}
		*sp = '\0';
		if (!valid_name(line) || s->n_tokens >= MAX_TOKENS ||
		    unhex(sp + 1, s->tokens[s->n_tokens].hash,
			  SHA256_DIGEST_SIZE)) {
			snprintf(errmsg, errcap,
				 "%s:%lu: not 'NAME SHA256HEX' (64 lower-case "
				 "hex digits; at most %d entries)",
				 path, ln, MAX_TOKENS);
			fclose(f);
			return CIB_EPARSE;
		}
		snprintf(s->tokens[s->n_tokens].name,
			 sizeof(s->tokens[0].name), "%s", line);
		s->n_tokens++;
	}
	fclose(f);
	if (!s->n_tokens) {
		snprintf(errmsg, errcap, "token file '%s' has no entries", path);
		return CIB_EPARSE;
	}
	return CIB_OK;
}

/* The reviewer a secret belongs to, or NULL. */
static const char *token_owner(const struct review_server *s,
			       const char *secret)
{
	uint8_t h[SHA256_DIGEST_SIZE];
	const char *who = NULL;

	if (!secret || !*secret)
		return NULL;
	sha256_hex_of(secret, h);
	for (size_t i = 0; i < s->n_tokens; i++)
		if (same(h, s->tokens[i].hash, sizeof(h)))
			who = s->tokens[i].name;
	return who;
}

enum cib_err review_token_add(const char *path, const char *name,
			      char secret_out[65], char *errmsg,
			      size_t errcap)
{
	uint8_t h[SHA256_DIGEST_SIZE];
	char a[33], b[33], hx[65];
	enum cib_err err;
	int fd;
	FILE *f;

	if (!valid_name(name)) {
		snprintf(errmsg, errcap, "a reviewer name is 1 to 64 printable "
					 "characters without spaces");
		return CIB_EUSAGE;
	}
	if (random_hex(a) || random_hex(b)) {
		snprintf(errmsg, errcap, "no randomness: %s", strerror(errno));
		return CIB_EIO;
	}
	snprintf(secret_out, 65, "%s%s", a, b);
	sha256_hex_of(secret_out, h);
	hex(h, sizeof(h), hx);
	/* a regular file (or a link to one): a FIFO is not waited on, a
	 * device not written */
	err = outfile_open_regular(path, O_CREAT | O_APPEND, 0600, &fd, NULL);
	if (err == CIB_EUSAGE) {
		snprintf(errmsg, errcap, "'%s' is not a regular file", path);
		return CIB_EUSAGE;
	}
	if (err || !(f = fdopen(fd, "a"))) {
		snprintf(errmsg, errcap, "cannot write '%s': %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return CIB_EIO;
	}
	fprintf(f, "%s %s\n", name, hx);
	if (fclose(f)) {
		snprintf(errmsg, errcap, "cannot write '%s': %s", path,
			 strerror(errno));
		return CIB_EIO;
	}
	return CIB_OK;
}

/* ---- sessions ---------------------------------------------------------- */

static struct session *session_new(struct review_server *s,
				   const char *reviewer)
{
	struct session *se;
	time_t now = time(NULL);
	size_t w = 0;

	/* drop expired ones; when full, the oldest */
	for (size_t i = 0; i < s->n_sessions; i++)
		if (s->sessions[i].expires > now)
			s->sessions[w++] = s->sessions[i];
	s->n_sessions = w;
	if (s->n_sessions == MAX_SESSIONS) {
		memmove(s->sessions, s->sessions + 1,
			(MAX_SESSIONS - 1) * sizeof(s->sessions[0]));
		s->n_sessions--;
	}
	se = &s->sessions[s->n_sessions];
	if (random_hex(se->sid) || random_hex(se->csrf))
		return NULL;
	snprintf(se->reviewer, sizeof(se->reviewer), "%s", reviewer);
	se->expires = now + SESSION_SECONDS;
	s->n_sessions++;
	return se;
}

static struct session *session_find(struct review_server *s, const char *sid)
{
	time_t now = time(NULL);

	if (!sid || strlen(sid) != 32)
		return NULL;
	for (size_t i = 0; i < s->n_sessions; i++)
		if (s->sessions[i].expires > now &&
		    same(s->sessions[i].sid, sid, 32))
			return &s->sessions[i];
	return NULL;
}

/* ---- requests ---------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *form_decode(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t w = 0;

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			o[w++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			o[w++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			o[w++] = s[i];
		}
	}
	o[w] = '\0';
	return o;
}

/* Parses an application/x-www-form-urlencoded body. -1 on too many
 * fields or no memory. */
static int form_parse(struct req *q)
{
	const char *s = strbuf_str(&q->body);
	size_t n = q->body.n;
	size_t i = 0;

	while (i < n) {
		size_t e = i, eq = (size_t)-1;

		while (e < n && s[e] != '&') {
			if (s[e] == '=' && eq == (size_t)-1)
				eq = e;
			e++;
		}
		if (e > i) {
			struct kv *nv;

			if (q->nform >= MAX_FORM)
				return -1;
			nv = realloc(q->form, (q->nform + 1) * sizeof(*nv));
			if (!nv)
				return -1;
			q->form = nv;
			if (eq == (size_t)-1)
				eq = e;
			q->form[q->nform].k = form_decode(s + i, eq - i);
			q->form[q->nform].v =
				form_decode(s + eq + (eq < e), e - eq - (eq < e));
			q->nform++;
			if (!q->form[q->nform - 1].k || !q->form[q->nform - 1].v)
				return -1;
		}
		i = e + 1;
	}
	return 0;
}

static const char *fget(const struct req *q, const char *k)
{
	for (size_t i = 0; i < q->nform; i++)
		if (!strcmp(q->form[i].k, k))
			return q->form[i].v;
	return NULL;
}

static void req_free(struct req *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nform; i++) {
		free(q->form[i].k);
		free(q->form[i].v);
	}
	free(q->form);
	strbuf_release(&q->body);
	free(q);
}

size_t review_form_fields(const char *body, size_t len, size_t *bytes)
{
	struct req *q = calloc(1, sizeof(*q));
	size_t n = 0, b = 0;

	if (!q)
		return 0;
	strbuf_init(&q->body, len);
	strbuf_add(&q->body, body, len);
	if (!strbuf_err(&q->body)) {
		if (!form_parse(q)) {
			n = q->nform;
			for (size_t i = 0; i < n; i++)
				b += strlen(q->form[i].k) + strlen(q->form[i].v);
		}
	}
	req_free(q);
	if (bytes)
		*bytes = b;
	return n;
}

static const char *arg(struct MHD_Connection *c, const char *k)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);

	return v && *v ? v : NULL;
}

static const char *header(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, k);
}

/* ---- responses --------------------------------------------------------- */

struct page {
	FILE *f;
	char *buf;
	size_t len;
};

static int page_open(struct page *p)
{
	p->buf = NULL;
	p->len = 0;
	p->f = open_memstream(&p->buf, &p->len);
	return p->f ? 0 : -1;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
			       const char *ctype, struct page *p,
			       const char *cookie, const char *location,
			       const char *disposition)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (p->f) {
		fclose(p->f);
		p->f = NULL;
	}
	r = MHD_create_response_from_buffer(p->len, p->buf,
					    MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(p->buf);
		return MHD_NO;
	}
	p->buf = NULL;
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy",
				"same-origin");
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	if (location)
		MHD_add_response_header(r, "Location", location);
	if (disposition)
		MHD_add_response_header(r, "Content-Disposition", disposition);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *c, unsigned status,
				  const char *msg)
{
	struct page p;

	if (page_open(&p))
		return MHD_NO;
	fputs(msg, p.f);
	fputc('\n', p.f);
	return respond(c, status, "text/plain; charset=utf-8", &p, NULL, NULL,
		       NULL);
}

static enum MHD_Result json_error(struct MHD_Connection *c, unsigned status,
				  const char *msg)
{
	struct page p;

	if (page_open(&p))
		return MHD_NO;
	fputs("{\"error\":", p.f);
	review_json_str(p.f, msg);
	fputs("}\n", p.f);
	return respond(c, status, "application/json", &p, NULL, NULL, NULL);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to,
				const char *cookie)
{
	struct page p;

	if (page_open(&p))
		return MHD_NO;
	return respond(c, 303, "text/plain; charset=utf-8", &p, cookie, to,
		       NULL);
}

static void head(FILE *f, const char *title, const struct req *q)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<title>",
	      f);
	review_html(f, title);
	fputs(" - cibscan review</title>"
	      "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>"
	      "<header><a href=\"/\">Queue</a>"
	      "<a href=\"/export.csv\">Export CSV</a>"
	      "<a href=\"/export.json\">Export JSON</a>",
	      f);
	if (q && q->sess) {
		fputs("<span id=\"who\">signed in as <b>", f);
		review_html(f, q->sess->reviewer);
		fputs("</b></span> <form method=\"post\" action=\"/logout\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"",
		      f);
		review_html(f, q->sess->csrf);
		fputs("\"><button>Sign out</button></form>", f);
	}
	fputs("</header><main>\n", f);
}

static void foot(FILE *f)
{
	fputs("\n</main></body></html>\n", f);
}

static void csrf_field(FILE *f, const struct req *q)
{
	fputs("<input type=\"hidden\" name=\"csrf\" value=\"", f);
	review_html(f, q->sess ? q->sess->csrf : "");
	fputs("\">", f);
}

static void status_span(FILE *f, const char *st)
{
	fputs("<span class=\"status-", f);
	review_html(f, st);
	fputs("\">", f);
	review_html(f, st);
	fputs("</span>", f);
}

/* The web's name for an item: "account:PLATFORM:ID" / "cluster:R2:C3". */
static void target_of(FILE *f, int is_cluster, const char *scope,
		      const char *platform, const char *key)
{
	if (is_cluster) {
		fputs("cluster:R", f);
		fputs(scope, f);
		fputc(':', f);
		fputs(key, f);
	} else {
		fputs("account:", f);
		fputs(platform, f);
		fputc(':', f);
		fputs(key, f);
	}
}

static void item_link(FILE *f, int is_cluster, const char *scope,
		      const char *platform, const char *key, const char *label)
{
	fputs(is_cluster ? "<a href=\"/cluster?id=R" : "<a href=\"/account?id=",
	      f);
	if (is_cluster) {
		urlenc(f, scope);
		fputs("%3A", f);
		urlenc(f, key);
	} else {
		urlenc(f, platform);
		fputs("%3A", f);
		urlenc(f, key);
	}
	fputs("\">", f);
	review_html(f, label);
	fputs("</a>", f);
}

/* ---- pages ------------------------------------------------------------- */

static const char *const reason_kinds[][2] = {
	{ "near-duplicated", "copied texts" },
	{ "acted together", "acted together" },
	{ "office shifts", "office shifts" },
	{ "created in batches", "creation batches" },
	{ "came from inside the cluster", "inward engagement" },
	{ "default-looking handle", "default-looking handle" },
	{ "switched from", "persona switch" },
};

/* the queue page's filters, from its query string */
struct queue_filter {
	const char *status, *platform, *cluster, *reason;
	double min_score;
	long off;
};

/* the filters form and the "take the next item" form for filter fl */
static void queue_filters(FILE *f, struct review_server *s, struct req *q,
			  const struct queue_filter *fl)
{
	static const char *const sts[] = { "queued", "confirm", "dismiss",
					   "escalate", "any" };

	fputs("<h1>Review queue</h1>\n<form method=\"get\" action=\"/\" "
	      "id=\"filters\"><fieldset><legend>Filters</legend>"
	      "<label>Status <select name=\"status\">",
	      f);
	for (size_t i = 0; i < 5; i++)
		fprintf(f, "<option%s>%s</option>",
			!strcmp(fl->status, sts[i]) ? " selected" : "", sts[i]);
	fputs("</select></label> <label>Cluster <input name=\"cluster\" "
	      "size=\"6\" value=\"",
	      f);
	review_html(f, fl->cluster);
	fputs("\"></label> <label>Platform <input name=\"platform\" size=\"8\" "
	      "value=\"",
	      f);
	review_html(f, fl->platform);
	fprintf(f, "\"></label> <label>Score at least <input "
		   "name=\"min_score\" size=\"5\" value=\"%g\"></label> "
		   "<label>Reason <select name=\"reason\"><option value=\"\">"
		   "any</option>",
		fl->min_score);
	for (size_t i = 0; i < sizeof(reason_kinds) / sizeof(reason_kinds[0]);
	     i++) {
		fputs("<option value=\"", f);
		review_html(f, reason_kinds[i][0]);
		fprintf(f, "\"%s>",
			fl->reason && !strcmp(fl->reason, reason_kinds[i][0])
				? " selected"
				: "");
		review_html(f, reason_kinds[i][1]);
		fputs("</option>", f);
	}
	fputs("</select></label> <button>Filter</button></fieldset></form>\n",
	      f);
	/* claim the next item matching these filters */
	fputs("<form method=\"post\" action=\"/claim\" id=\"take-next\">", f);
	csrf_field(f, q);
	fputs("<input type=\"hidden\" name=\"cluster\" value=\"", f);
	review_html(f, fl->cluster);
	fputs("\"><input type=\"hidden\" name=\"platform\" value=\"", f);
	review_html(f, fl->platform);
	fputs("\"><input type=\"hidden\" name=\"reason\" value=\"", f);
	review_html(f, fl->reason);
	fprintf(f, "\"><input type=\"hidden\" name=\"min_score\" "
		   "value=\"%g\"><button id=\"next\">Take the next item "
		   "(claim it for %d min)</button></form>\n",
		fl->min_score, s->lease_s / 60);
}

/* the target of row st ("account:P:K" or "cluster:RS:K"), escaped, after
 * "VERSION|" when with_version */
static void queue_target(FILE *f, sqlite3_stmt *st, int is_cl,
			 int with_version)
{
	char *t = NULL;
	size_t tl = 0;
	FILE *tf = open_memstream(&t, &tl);

	if (tf) {
		if (with_version)
			fprintf(tf, "%s|", col(st, 9));
		target_of(tf, is_cl, col(st, 1), col(st, 2), col(st, 3));
		fclose(tf);
		review_html(f, t);
	}
	free(t);
}

/* one row of the queue table: checkbox, link, handle, score, cluster,
 * state, claim, version and a claim button */
static void queue_row(FILE *f, sqlite3_stmt *st)
{
	int is_cl = !strcmp(col(st, 0), "cluster");
	char label[700];

	fputs("<tr><td><input type=\"checkbox\" name=\"item\" value=\"", f);
	/* the version seen travels with the item */
	queue_target(f, st, is_cl, 1);
	fputs("\"></td><td>", f);
	snprintf(label, sizeof(label), "%s %s%s%s",
		 is_cl ? "cluster" : "account", is_cl ? "" : col(st, 2),
		 is_cl ? "" : ":", col(st, 3));
	item_link(f, is_cl, col(st, 1), col(st, 2), col(st, 3), label);
	fputs("</td><td>", f);
	review_html(f, is_cl ? "" : col(st, 4));
	fprintf(f, "</td><td class=\"num\">%.3f</td><td>",
		sqlite3_column_double(st, 5));
	review_html(f, is_cl ? col(st, 12) : col(st, 6));
	if (is_cl)
		fputs(" accounts", f);
	fputs("</td><td>", f);
	status_span(f, col(st, 7));
	if (*col(st, 8)) {
		fputs(" by ", f);
		review_html(f, col(st, 8));
	}
	fputs("</td><td>", f);
	if (*col(st, 10)) {
		review_html(f, col(st, 10));
		fputs(" until ", f);
		review_html(f, col(st, 11));
	}
	fprintf(f, "</td><td class=\"num\">%s</td><td>", col(st, 9));
	fputs("<button formaction=\"/claim\" name=\"target\" value=\"", f);
	queue_target(f, st, is_cl, 0);
	fputs("\">claim</button></td></tr>\n", f);
}

/* previous / next page links; the status came from the query string:
 * encoded, then escaped */
static void queue_pages(FILE *f, const char *status, long off, int n)
{
	char *st_enc = NULL;
	size_t sl = 0;
	FILE *sf;

	if (!(off > 0 || n == PAGE_ROWS))
		return;
	sf = open_memstream(&st_enc, &sl);
	if (sf) {
		urlenc(sf, status);
		fclose(sf);
		if (off > 0) {
			fputs("<a href=\"/?status=", f);
			review_html(f, st_enc);
			fprintf(f, "&amp;offset=%ld\">previous</a>",
				off >= PAGE_ROWS ? off - PAGE_ROWS : 0);
		}
		if (n == PAGE_ROWS) {
			fputs("<a href=\"/?status=", f);
			review_html(f, st_enc);
			fprintf(f, "&amp;offset=%ld\">next page</a>",
				off + PAGE_ROWS);
		}
	}
	free(st_enc);
}

/* GET /: the review queue, filtered and paged, with a form deciding on
 * the selected items */
static enum MHD_Result page_queue(struct review_server *s,
				  struct MHD_Connection *c, struct req *q)
{
	const char *smin = arg(c, "min_score"), *soff = arg(c, "offset");
	struct queue_filter fl = {
		.status = arg(c, "status"),
		.platform = arg(c, "platform"),
		.cluster = arg(c, "cluster"),
		.reason = arg(c, "reason"),
		.min_score = smin ? strtod(smin, NULL) : 0,
		.off = soff ? strtol(soff, NULL, 10) : 0,
	};
	sqlite3_stmt *st;
	struct page p;
	int n = 0;

	if (!fl.status)
		fl.status = "queued";
	if (!isfinite(fl.min_score))
		fl.min_score = 0;
	if (fl.off < 0 || fl.off > 100000000)
		fl.off = 0;
	if (page_open(&p))
		return MHD_NO;
	head(p.f, "Queue", q);
	queue_filters(p.f, s, q, &fl);
	if (sqlite3_prepare_v2(
		    s->rv.db,
		    "SELECT kind, scope, platform, key, handle, score,"
		    " cluster_id, status, reviewer, version, claimed_by,"
		    " claim_until, cluster_size FROM items WHERE"
		    " (kind = 'account' OR scope = (SELECT max(run_id) FROM"
		    " runs)) AND (?1 IS NULL OR status = ?1)"
		    " AND (?2 IS NULL OR platform = ?2 OR kind = 'cluster')"
		    " AND (?3 IS NULL OR (kind = 'account' AND cluster_id = ?3"
		    " AND run_id = (SELECT max(run_id) FROM runs)) OR (kind ="
		    " 'cluster' AND key = ?3))"
		    " AND (?4 IS NULL OR instr(reasons, ?4) > 0)"
		    " AND coalesce(score, 0) >= ?5"
		    " ORDER BY kind = 'cluster', score DESC, key LIMIT ?6"
		    " OFFSET ?7",
		    -1, &st, NULL) != SQLITE_OK) {
		fclose(p.f);
		free(p.buf);
		return text_reply(c, 500, sqlite3_errmsg(s->rv.db));
	}
	if (strcmp(fl.status, "any"))
		sqlite3_bind_text(st, 1, fl.status, -1, SQLITE_TRANSIENT);
	if (fl.platform)
		sqlite3_bind_text(st, 2, fl.platform, -1, SQLITE_TRANSIENT);
	if (fl.cluster)
		sqlite3_bind_text(st, 3, fl.cluster, -1, SQLITE_TRANSIENT);
	if (fl.reason)
		sqlite3_bind_text(st, 4, fl.reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 5, fl.min_score);
	sqlite3_bind_int(st, 6, PAGE_ROWS);
	sqlite3_bind_int64(st, 7, fl.off);
	fputs("<form method=\"post\" action=\"/decide\" id=\"queue\">", p.f);
	csrf_field(p.f, q);
	fputs("<input type=\"hidden\" name=\"back\" value=\"/\">"
	      "<table><thead><tr><th>select</th><th>item</th><th>handle</th>"
	      "<th class=\"num\">score</th><th>cluster</th><th>status</th>"
	      "<th>claimed</th><th class=\"num\">version</th><th></th></tr>"
	      "</thead><tbody>\n",
	      p.f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		queue_row(p.f, st);
	}
	sqlite3_finalize(st);
	fputs("</tbody></table>\n", p.f);
	if (!n)
		fputs("<p id=\"empty\">Nothing matches.</p>", p.f);
	fputs("<fieldset><legend>Decide on the selection</legend>"
	      "<select name=\"decision\"><option>confirm</option>"
	      "<option>dismiss</option><option>escalate</option>"
	      "<option value=\"queued\">queued (reopen)</option></select> "
	      "<label>note <input name=\"note\" size=\"40\"></label> "
	      "<label><input type=\"checkbox\" name=\"members\" value=\"1\">"
	      " clusters decide their members too</label> "
	      "<button id=\"decide-selected\">Decide selected</button>"
	      "</fieldset></form>\n<nav class=\"pages\">",
	      p.f);
	queue_pages(p.f, fl.status, fl.off, n);
	fputs("</nav>", p.f);
	foot(p.f);
	return respond(c, 200, "text/html; charset=utf-8", &p, NULL, NULL,
		       NULL);
}

/* The decision form for one item (and, for a cluster, its members). */
static void decide_form(FILE *f, const struct req *q, const char *target,
			const char *version, const char *back, int is_cluster)
{
	fputs("<form method=\"post\" action=\"/decide\" id=\"decide\">"
	      "<fieldset><legend>Decide</legend>",
	      f);
	csrf_field(f, q);
	fputs("<input type=\"hidden\" name=\"item\" value=\"", f);
	review_html(f, version);
	fputc('|', f);
	review_html(f, target);
	fputs("\"><input type=\"hidden\" name=\"back\" value=\"", f);
	review_html(f, back);
	fputs("\"><select name=\"decision\" id=\"decision\">"
	      "<option>confirm</option><option>dismiss</option>"
	      "<option>escalate</option><option value=\"queued\">queued "
	      "(reopen)</option></select> <label>note <input name=\"note\" "
	      "id=\"note\" size=\"50\"></label> ",
	      f);
	if (is_cluster)
		fputs("<label><input type=\"checkbox\" name=\"members\" "
		      "value=\"1\" checked> and all its members</label> ",
		      f);
	fputs("<button id=\"decide-one\">Decide</button></fieldset></form>\n",
	      f);
	fputs("<form method=\"post\" action=\"/claim\">", f);
	csrf_field(f, q);
	fputs("<input type=\"hidden\" name=\"target\" value=\"", f);
	review_html(f, target);
	fputs("\"><button id=\"claim\">Claim</button></form>\n", f);
}

static void history(FILE *f, struct review_server *s, const struct req *q,
		    const char *kind, const char *scope, const char *platform,
		    const char *key, const char *back)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT seq, at, reviewer, action,"
			       " coalesce(previous, ''), value, coalesce(note,"
			       " ''), coalesce(batch, ''), coalesce(reverses,"
			       " ''), coalesce(supersedes, ''), coalesce(via,"
			       " ''), run_id FROM audit WHERE kind = ?1 AND"
			       " scope = ?2 AND platform = ?3 AND key = ?4"
			       " ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
	fputs("<h2>History</h2><table id=\"history\"><thead><tr><th>#</th>"
	      "<th>when (UTC)</th><th>who</th><th>what</th><th>change</th>"
	      "<th>note</th><th>decision</th></tr></thead><tbody>\n",
	      f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(f, "<tr><td>%s</td><td>", col(st, 0));
		review_html(f, col(st, 1));
		fputs("</td><td>", f);
		review_html(f, col(st, 2));
		fputs("</td><td>", f);
		review_html(f, col(st, 3));
		if (*col(st, 8))
			fprintf(f, " (reverses #%s)", col(st, 8));
		if (*col(st, 9))
			fprintf(f, " (supersedes #%s)", col(st, 9));
		fputs("</td><td>", f);
		review_html(f, *col(st, 4) ? col(st, 4) : "-");
		fputs(" &rarr; ", f);
		review_html(f, col(st, 5));
		fprintf(f, " (run %s)</td><td>", col(st, 11));
		review_html(f, col(st, 6));
		if (*col(st, 10)) {
			fputs(" <i>(via cluster ", f);
			review_html(f, col(st, 10));
			fputs(")</i>", f);
		}
		fputs("</td><td>", f);
		if (*col(st, 7)) {
			fprintf(f, "%s <form method=\"post\" action=\"/undo\" "
				   "class=\"undo\">",
				col(st, 7));
			csrf_field(f, q);
			fprintf(f, "<input type=\"hidden\" name=\"decision\" "
				   "value=\"%s\"><input type=\"hidden\" "
				   "name=\"back\" value=\"",
				col(st, 7));
			review_html(f, back);
			fprintf(f, "\"><button class=\"undo-btn\" "
				   "data-decision=\"%s\">undo</button></form>",
				col(st, 7));
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	sqlite3_finalize(st);
}

/* Reasons as a list, split at the "; " between them. */
static void reasons_list(FILE *f, const char *r)
{
	const char *s = r;

	fputs("<ul class=\"reasons\">", f);
	while (s && *s) {
		const char *e = strstr(s, "; ");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *one = strndup(s, n);

		fputs("<li>", f);
		review_html(f, one);
		fputs("</li>", f);
		free(one);
		s = e ? e + 2 : NULL;
	}
	fputs("</ul>", f);
}

static enum MHD_Result not_found(struct MHD_Connection *c, struct req *q,
				 const char *what)
{
	struct page p;

	if (page_open(&p))
		return MHD_NO;
	head(p.f, "Not found", q);
	fputs("<h1>Not found</h1><p>", p.f);
	review_html(p.f, what);
	fputs("</p>", p.f);
	foot(p.f);
	return respond(c, 404, "text/html; charset=utf-8", &p, NULL, NULL,
		       NULL);
}

/* ---- evidence panels (schema 3 tables; review/evidence.h) --------------- */

/* "n,n,...": the REVIEW_RHYTHM_SLOTS counts of a stored rhythm, added to
 * sum; the number of fields read */
static size_t rhythm_add(const char *txt, uint64_t sum[REVIEW_RHYTHM_SLOTS])
{
	size_t i = 0;

	while (*txt && i < REVIEW_RHYTHM_SLOTS) {
		char *end;
		unsigned long long v = strtoull(txt, &end, 10);

		if (end == txt)
			break;
		sum[i++] += v;
		txt = *end == ',' ? end + 1 : end;
	}
	return i;
}

static void svg_colour(double v, char buf[8])
{
	/* white (0) to dark blue (the largest count), as in the report */
	if (!(v > 0))
		v = 0;
	if (v > 1)
		v = 1;
	snprintf(buf, 8, "#%02x%02x%02x", (int)lround(255 - v * 247),
		 (int)lround(255 - v * 207), (int)lround(255 - v * 148));
}

/* The rhythm chart: posts by hour of day (bars, all days summed) and by
 * weekday x hour (heat map), UTC, with axis titles, units and a legend. */
static void rhythm_panel(FILE *f, const char *id, const char *what,
			 const uint64_t r[REVIEW_RHYTHM_SLOTS])
{
	static const char *const days[7] = { "Mon", "Tue", "Wed", "Thu",
					      "Fri", "Sat", "Sun" };
	uint64_t hour[24] = { 0 }, mh = 0, mc = 0, tot = 0;
	const double ml = 44, pw = 576, cw = 24, bh = 120, ch = 14;

	for (int i = 0; i < REVIEW_RHYTHM_SLOTS; i++) {
		hour[i % 24] += r[i];
		mc = r[i] > mc ? r[i] : mc;
		tot += r[i];
	}
	for (int h = 0; h < 24; h++)
		mh = hour[h] > mh ? hour[h] : mh;
	fprintf(f, "<svg class=\"rhythm\" id=\"%s\" viewBox=\"0 0 640 340\" "
		   "width=\"640\" height=\"340\" xmlns=\"http://www.w3.org/2000/"
		   "svg\" role=\"img\"><title>",
		id);
	review_html(f, what);
	fprintf(f, ": %llu posts by hour of day and by weekday and hour, "
		   "UTC</title>",
		(unsigned long long)tot);
	for (int h = 0; h < 24; h++) {
		double hh = mh ? (double)hour[h] / (double)mh * bh : 0;

		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			   "height=\"%.1f\" fill=\"#4878a8\"><title>%02d:00-"
			   "%02d:59 UTC: %llu posts</title></rect>",
			ml + cw * h + 1, 10 + bh - hh, cw - 2, hh, h, h,
			(unsigned long long)hour[h]);
	}
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
		   "stroke=\"#333\"/><text x=\"%.0f\" y=\"18\" font-size=\"10\" "
		   "text-anchor=\"end\">%llu</text><text x=\"%.0f\" y=\"%.0f\" "
		   "font-size=\"10\" text-anchor=\"end\">0</text>",
		ml, 10 + bh, ml + pw, 10 + bh, ml - 3, (unsigned long long)mh,
		ml - 3, 10 + bh);
	for (int h = 0; h <= 24; h += 3)
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" "
			   "text-anchor=\"middle\">%d</text>",
			ml + cw * h, 10 + bh + 12, h);
	fprintf(f, "<text class=\"axis-title\" x=\"%.0f\" y=\"%.0f\" "
		   "font-size=\"11\" text-anchor=\"middle\">hour of day (UTC)"
		   "</text><text class=\"axis-title\" transform=\"rotate(-90)\" "
		   "x=\"-70\" y=\"12\" font-size=\"11\" text-anchor=\"middle\">"
		   "posts per hour</text>",
		ml + pw / 2, 10 + bh + 26);
	for (int d = 0; d < 7; d++) {
		double y = 178 + ch * d;

		fprintf(f, "<text x=\"2\" y=\"%.0f\" font-size=\"10\">%s</text>",
			y + 10, days[d]);
		for (int h = 0; h < 24; h++) {
			char col[8];
			uint64_t v = r[d * 24 + h];

			svg_colour(mc ? (double)v / (double)mc : 0, col);
			fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
				   "height=\"%.0f\" fill=\"%s\"><title>%s "
				   "%02d:00 UTC: %llu</title></rect>",
				ml + cw * h, y, cw - 1, ch - 1, col, days[d], h,
				(unsigned long long)v);
		}
	}
	for (int h = 0; h <= 24; h += 3)
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" "
			   "text-anchor=\"middle\">%d</text>",
			ml + cw * h, 178 + ch * 7 + 10, h);
	fprintf(f, "<text class=\"axis-title\" x=\"%.0f\" y=\"302\" "
		   "font-size=\"11\" text-anchor=\"middle\">weekday by hour of "
		   "day (UTC)</text><text x=\"%.0f\" y=\"328\" font-size=\"10\">"
		   "posts per hour of the week:</text>",
		ml + pw / 2, ml);
	for (int k = 0; k <= 4; k++) {
		char col[8];

		svg_colour(k / 4.0, col);
		fprintf(f, "<rect x=\"%.0f\" y=\"319\" width=\"10\" height=\"10\" "
			   "fill=\"%s\" stroke=\"#999\"/><text x=\"%.0f\" "
			   "y=\"328\" font-size=\"10\">%.0f</text>",
			ml + 160 + 60 * k, col, ml + 174 + 60 * k,
			(double)mc * k / 4.0);
	}
	fputs("</svg>\n", f);
}

/* an "also posted by" id: a link when the store has that account */
static void copy_id(FILE *f, sqlite3_stmt *known, const char *pid)
{
	const char *colon = strchr(pid, ':');
	int in = 0;

	if (colon && known) {
		sqlite3_reset(known);
		sqlite3_bind_text(known, 1, pid, (int)(colon - pid),
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(known, 2, colon + 1, -1, SQLITE_TRANSIENT);
		in = sqlite3_step(known) == SQLITE_ROW;
	}
	if (in) {
		fputs("<a href=\"/account?id=", f);
		urlenc(f, pid);
		fputs("\">", f);
	}
	review_html(f, pid);
	if (in)
		fputs("</a>", f);
}

/* The account's rhythm and its sampled posts with their copies. */
static void account_evidence(FILE *f, struct review_server *s,
			     const char *run, const char *platform,
			     const char *key)
{
	sqlite3_stmt *st, *known = NULL;
	uint64_t r[REVIEW_RHYTHM_SLOTS] = { 0 };
	int have = 0, n = 0;

	fputs("<h2>Rhythm</h2>\n", f);
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT rhythm, n_posts, coalesce(created, '')"
			       " FROM acc_evidence WHERE run_id = ?1 AND"
			       " platform = ?2 AND account = ?3",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, run, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, platform, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			have = 1;
			rhythm_add(col(st, 0), r);
			fprintf(f, "<p id=\"account-posts\">%s posts in the run's "
				   "input; created ",
				col(st, 1));
			review_html(f, *col(st, 2) ? col(st, 2) : "(unknown)");
			fputs(".</p>\n", f);
		}
		sqlite3_finalize(st);
	}
	if (!have) {
		fputs("<p id=\"no-evidence\">No rhythm or posts stored for this "
		      "run (import it with --input FILE, the run's input, or "
		      "a saved run with --run while its inputs are "
		      "unchanged, to see them).</p>\n",
		      f);
		return;
	}
	rhythm_panel(f, "rhythm", "this account", r);
	fputs("<h2>Posts and their copies</h2>\n<p>The account's most-copied "
	      "posts first (at most 50 kept); copies: other accounts in the "
	      "input that posted the same text, after normalisation.</p>\n",
	      f);
	sqlite3_prepare_v2(s->rv.db,
			   "SELECT 1 FROM items WHERE kind = 'account' AND"
			   " scope = 0 AND platform = ?1 AND key = ?2",
			   -1, &known, NULL);
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT coalesce(at, ''), text, copies, copy_ids"
			       " FROM acc_posts WHERE run_id = ?1 AND platform"
			       " = ?2 AND account = ?3 ORDER BY n",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, run, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, platform, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
		fputs("<table id=\"posts\"><thead><tr><th>posted (UTC)</th>"
		      "<th>text</th><th class=\"num\">copies</th><th>also "
		      "posted by</th></tr></thead><tbody>\n",
		      f);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *ids = col(st, 3);

			n++;
			fputs("<tr><td>", f);
			review_html(f, col(st, 0));
			fputs("</td><td class=\"post\">", f);
			review_html(f, col(st, 1));
			fprintf(f, "</td><td class=\"num\">%s</td><td>",
				col(st, 2));
			while (*ids) {
				const char *e = strchr(ids, '\n');
				size_t l = e ? (size_t)(e - ids) : strlen(ids);
				char one[1100];

				snprintf(one, sizeof(one), "%.*s", (int)l, ids);
				copy_id(f, known, one);
				fputs(" ", f);
				ids += l + (e ? 1 : 0);
			}
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
		sqlite3_finalize(st);
	}
	sqlite3_finalize(known);
	if (!n)
		fputs("<p>No posts of this account in the input.</p>\n", f);
}

/* The cluster's pooled rhythm, shared texts/URLs/domains and creation
 * batches. */
static void cluster_evidence(FILE *f, struct review_server *s, int64_t run,
			     const char *key)
{
	static const char *const kinds[3][3] = {
		{ "text", "Shared texts", "shared-texts" },
		{ "url", "Shared links", "shared-urls" },
		{ "domain", "Shared domains", "shared-domains" },
	};
	sqlite3_stmt *st;
	uint64_t r[REVIEW_RHYTHM_SLOTS] = { 0 };
	int have = 0;

	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT e.rhythm FROM acc_evidence e JOIN members"
			       " m ON m.run_id = e.run_id AND m.platform ="
			       " e.platform AND m.account = e.account WHERE"
			       " m.run_id = ?1 AND m.cluster_id = ?2",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			have++;
			rhythm_add(col(st, 0), r);
		}
		sqlite3_finalize(st);
	}
	fputs("<h2>Pooled rhythm</h2>\n", f);
	if (!have) {
		fputs("<p id=\"no-evidence\">No rhythm, shared texts or creation "
		      "dates stored for this run (import it with --input FILE, "
		      "the run's input, or a saved run with --run while its "
		      "inputs are unchanged, to see them).</p>\n",
		      f);
		return;
	}
	fprintf(f, "<p>All posts of the %d members found in the input.</p>\n",
		have);
	rhythm_panel(f, "pooled-rhythm", "the cluster's members", r);
	for (int k = 0; k < 3; k++) {
		int n = 0;

		fprintf(f, "<h2>%s</h2>\n", kinds[k][1]);
		if (sqlite3_prepare_v2(s->rv.db,
				       "SELECT value, members, posts FROM"
				       " cl_shared WHERE run_id = ?1 AND"
				       " cluster_id = ?2 AND kind = ?3 ORDER"
				       " BY n",
				       -1, &st, NULL) != SQLITE_OK)
			continue;
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, kinds[k][0], -1, SQLITE_STATIC);
		fprintf(f, "<table id=\"%s\"><thead><tr><th>%s</th><th "
			   "class=\"num\">members</th><th class=\"num\">posts"
			   "</th></tr></thead><tbody>\n",
			kinds[k][2], kinds[k][0]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			n++;
			fputs("<tr><td class=\"post\">", f);
			review_html(f, col(st, 0));
			fprintf(f, "</td><td class=\"num\">%s</td><td "
				   "class=\"num\">%s</td></tr>\n",
				col(st, 1), col(st, 2));
		}
		fputs("</tbody></table>\n", f);
		if (!n)
			fprintf(f, "<p>No %s posted by two or more members.</p>\n",
				kinds[k][0]);
		sqlite3_finalize(st);
	}
	/* creation batches: the days on which most members were created;
	 * three or more on one day is a batch (the report's rule) */
	fputs("<h2>Creation batches</h2>\n", f);
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT substr(e.created, 1, 10) AS d, count(*)"
			       " AS c FROM acc_evidence e JOIN members m ON"
			       " m.run_id = e.run_id AND m.platform ="
			       " e.platform AND m.account = e.account WHERE"
			       " m.run_id = ?1 AND m.cluster_id = ?2 AND"
			       " e.created IS NOT NULL GROUP BY d ORDER BY c"
			       " DESC, d LIMIT 10",
			       -1, &st, NULL) == SQLITE_OK) {
		int n = 0;

		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		fputs("<table id=\"creation\"><thead><tr><th>created (UTC "
		      "day)</th><th class=\"num\">members</th><th>batch</th>"
		      "</tr></thead><tbody>\n",
		      f);
		while (sqlite3_step(st) == SQLITE_ROW) {
			n++;
			fputs("<tr><td>", f);
			review_html(f, col(st, 0));
			fprintf(f, "</td><td class=\"num\">%s</td><td>%s</td>"
				   "</tr>\n",
				col(st, 1),
				sqlite3_column_int64(st, 1) >= 3 ? "batch" : "");
		}
		fputs("</tbody></table>\n", f);
		if (!n)
			fputs("<p>No creation dates in the input.</p>\n", f);
		sqlite3_finalize(st);
	}
}

/* the account page's heading and headline paragraph from its items row */
static void account_headline(FILE *f, sqlite3_stmt *st,
			     const struct review_ref *t)
{
	fputs("<h1>Account <span id=\"handle\">", f);
	review_html(f, *col(st, 0) ? col(st, 0) : t->key);
	fputs("</span></h1>\n<p id=\"headline\">", f);
	review_html(f, t->platform);
	fputs(" account ", f);
	review_html(f, t->key);
	fprintf(f, " scores <b>%.3f</b>", sqlite3_column_double(st, 1));
	if (*col(st, 2)) {
		fputs(" and is in cluster ", f);
		item_link(f, 1, col(st, 6), "", col(st, 2), col(st, 2));
		fprintf(f, " (%s accounts, cluster score %.3f)", col(st, 3),
			sqlite3_column_double(st, 4));
	}
	fputs(". Status: ", f);
	status_span(f, col(st, 7));
	if (*col(st, 8)) {
		fputs(" by ", f);
		review_html(f, col(st, 8));
		fputs(" at ", f);
		review_html(f, col(st, 10));
	}
	if (*col(st, 9)) {
		fputs(" &mdash; &ldquo;", f);
		review_html(f, col(st, 9));
		fputs("&rdquo;", f);
	}
	fprintf(f, ". <span id=\"version\">Version %s</span>.", col(st, 11));
	if (*col(st, 12)) {
		fputs(" <span id=\"claim-info\">Claimed by ", f);
		review_html(f, col(st, 12));
		fputs(" until ", f);
		review_html(f, col(st, 13));
		fputs("</span>", f);
	}
	if (*col(st, 14)) {
		fputs("<br>Re-queued because ", f);
		review_html(f, col(st, 14));
	}
	fputs("</p>\n", f);
}

/* the account's numbers table and its reasons from its items row */
static void account_numbers(FILE *f, sqlite3_stmt *st)
{
	fputs("<h2>Evidence</h2>\n<table id=\"numbers\"><tr><th>score"
	      "</th><th>cluster</th><th>cluster size</th><th>cluster score"
	      "</th><th>run</th></tr><tr>",
	      f);
	fprintf(f, "<td class=\"num\">%.6f</td><td>",
		sqlite3_column_double(st, 1));
	review_html(f, col(st, 2));
	fputs("</td><td class=\"num\">", f);
	review_html(f, col(st, 3));
	fputs("</td><td class=\"num\">", f);
	review_html(f, col(st, 4));
	fprintf(f, "</td><td class=\"num\">%s</td></tr></table>\n",
		col(st, 6));
	reasons_list(f, col(st, 5));
}

/* partners: the account's significant edges in its latest run */
static void account_partners(FILE *f, struct review_server *s,
			     const char *key, const char *run)
{
	sqlite3_stmt *st;
	int n = 0;

	fputs("<h2>Partners</h2>\n", f);
	if (sqlite3_prepare_v2(
		    s->rv.db,
		    "SELECT CASE WHEN e.a = ?1 THEN e.b ELSE e.a END AS pt,"
		    " e.log10p, e.observed, coalesce(e.kinds, ''),"
		    " coalesce(i.handle, ''), coalesce(i.status, ''),"
		    " coalesce(i.platform, '') FROM edges e LEFT JOIN items i"
		    " ON i.kind = 'account' AND i.scope = 0 AND i.key = (CASE"
		    " WHEN e.a = ?1 THEN e.b ELSE e.a END) WHERE e.run_id = ?2"
		    " AND (e.a = ?1 OR e.b = ?1) ORDER BY e.log10p LIMIT 200",
		    -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, run, -1, SQLITE_TRANSIENT);
	fputs("<table id=\"partners\"><thead><tr><th>partner</th>"
	      "<th>handle</th><th>status</th><th class=\"num\">"
	      "log10 p</th><th class=\"num\">co-actions</th>"
	      "<th>kinds</th></tr></thead><tbody>\n",
	      f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		fputs("<tr><td>", f);
		if (*col(st, 6))
			item_link(f, 0, "", col(st, 6), col(st, 0), col(st, 0));
		else
			review_html(f, col(st, 0));
		fputs("</td><td>", f);
		review_html(f, col(st, 4));
		fputs("</td><td>", f);
		if (*col(st, 5))
			status_span(f, col(st, 5));
		fprintf(f, "</td><td class=\"num\">%.2f</td><td "
			   "class=\"num\">%s</td><td>",
			sqlite3_column_double(st, 1), col(st, 2));
		review_html(f, col(st, 3));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (!n)
		fputs("<p>No significant edges stored for this run "
		      "(import with --edges).</p>\n",
		      f);
	sqlite3_finalize(st);
}

/* GET /account?id=: one account's headline, evidence, decision form,
 * partners and history */
static enum MHD_Result page_account(struct review_server *s,
				    struct MHD_Connection *c, struct req *q)
{
	const char *id = arg(c, "id");
	struct review_ref t;
	sqlite3_stmt *st;
	struct page p;
	char target[700], back[800], run[32], ver[32];
	char *tmp = NULL;
	size_t tl = 0;
	FILE *tf;

	if (!id)
		return not_found(c, q, "no account id");
	snprintf(target, sizeof(target), "account:%s", id);
	if (review_resolve(&s->rv, target, &t) || t.is_cluster)
		return not_found(c, q, "no such account in the store");
	tf = open_memstream(&tmp, &tl);
	if (!tf)
		return MHD_NO;
	fputs("/account?id=", tf);
	urlenc(tf, t.platform);
	fputs("%3A", tf);
	urlenc(tf, t.key);
	fclose(tf);
	snprintf(back, sizeof(back), "%s", tmp);
	free(tmp);
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT handle, score, cluster_id, cluster_size,"
			       " cluster_score, reasons, run_id, status,"
			       " coalesce(reviewer, ''), coalesce(note, ''),"
			       " coalesce(decided_at, ''), version,"
			       " coalesce(claimed_by, ''), coalesce(claim_until,"
			       " ''), coalesce(requeue_reason, '') FROM items"
			       " WHERE kind = 'account' AND scope = 0 AND"
			       " platform = ?1 AND key = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return text_reply(c, 500, sqlite3_errmsg(s->rv.db));
	sqlite3_bind_text(st, 1, t.platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, t.key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return not_found(c, q, "no such account");
	}
	if (page_open(&p)) {
		sqlite3_finalize(st);
		return MHD_NO;
	}
	head(p.f, "Account", q);
	account_headline(p.f, st, &t);
	account_numbers(p.f, st);
	snprintf(run, sizeof(run), "%s", col(st, 6));
	snprintf(ver, sizeof(ver), "%s", col(st, 11));
	sqlite3_finalize(st);
	decide_form(p.f, q, target, ver, back, 0);
	account_partners(p.f, s, t.key, run);
	account_evidence(p.f, s, run, t.platform, t.key);
	history(p.f, s, q, "account", "0", t.platform, t.key, back);
	foot(p.f);
	return respond(c, 200, "text/html; charset=utf-8", &p, NULL, NULL,
		       NULL);
}

/* member nodes collected for the cluster graph: each id is
 * "account\0platform\0status" */
struct graph_nodes {
	char **ids;
	size_t n, cap;
};

/* "/cluster?id=R<scope>%3A<key>" into back: the page's own address */
static int cluster_back(char *back, size_t size, const char *scope,
			const char *key)
{
	char *tmp = NULL;
	size_t tl = 0;
	FILE *tf = open_memstream(&tmp, &tl);

	if (!tf)
		return -1;
	fprintf(tf, "/cluster?id=R%s%%3A", scope);
	urlenc(tf, key);
	fclose(tf);
	snprintf(back, size, "%s", tmp);
	free(tmp);
	return 0;
}

/* the cluster page's heading and verdict paragraph from its items row */
static void cluster_verdict(FILE *f, sqlite3_stmt *st, const char *key,
			    const char *scope)
{
	fputs("<h1>Cluster ", f);
	review_html(f, key);
	fprintf(f, " of run %s</h1>\n<p id=\"verdict\">", scope);
	fputs("Cluster ", f);
	review_html(f, key);
	fprintf(f, " (identity ");
	review_html(f, col(st, 2));
	fprintf(f, ") has %s accounts and scores <b>%.3f</b>",
		*col(st, 1) ? col(st, 1) : "?", sqlite3_column_double(st, 0));
	if (*col(st, 10)) {
		fputs(" (", f);
		review_html(f, col(st, 10));
		fputs(")", f);
	}
	fputs("; it is ", f);
	status_span(f, col(st, 3));
	if (*col(st, 4)) {
		fputs(" by ", f);
		review_html(f, col(st, 4));
		fputs(" at ", f);
		review_html(f, col(st, 6));
	}
	if (*col(st, 5)) {
		fputs(" &mdash; &ldquo;", f);
		review_html(f, col(st, 5));
		fputs("&rdquo;", f);
	}
	fprintf(f, ". <span id=\"version\">Version %s</span>.", col(st, 7));
	if (*col(st, 8)) {
		fputs(" Claimed by ", f);
		review_html(f, col(st, 8));
		fputs(" until ", f);
		review_html(f, col(st, 9));
		fputs(".", f);
	}
	if (*col(st, 11)) {
		fputs(" Re-queued because ", f);
		review_html(f, col(st, 11));
		fputs(".", f);
	}
	fputs("</p>\n", f);
}

/* the evidence of the cluster's top member: the cluster-level reasons */
static void cluster_top_reasons(FILE *f, struct review_server *s,
				const struct review_ref *t)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT reasons FROM items WHERE kind ="
			       " 'account' AND run_id = ?1 AND cluster_id = ?2"
			       " ORDER BY score DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, t->scope);
	sqlite3_bind_text(st, 2, t->key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<h2>Evidence (its top member's reasons)</h2>", f);
		reasons_list(f, col(st, 0));
	}
	sqlite3_finalize(st);
}

/* one row of the members table: checkbox (when flagged), link, handle,
 * score and state */
static void member_row(FILE *f, sqlite3_stmt *st)
{
	char label[700];

	fputs("<tr><td>", f);
	if (*col(st, 6)) {
		fputs("<input type=\"checkbox\" name=\"item\" value=\"", f);
		review_html(f, col(st, 6));
		fputs("|account:", f);
		review_html(f, col(st, 0));
		fputc(':', f);
		review_html(f, col(st, 1));
		fputs("\">", f);
	}
	fputs("</td><td>", f);
	snprintf(label, sizeof(label), "%s:%s", col(st, 0), col(st, 1));
	item_link(f, 0, "", col(st, 0), col(st, 1), label);
	fputs("</td><td>", f);
	review_html(f, col(st, 2));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		fprintf(f, "</td><td class=\"num\">%.3f",
			sqlite3_column_double(st, 3));
	else
		fputs("</td><td class=\"num\">", f);
	fputs("</td><td>", f);
	status_span(f, col(st, 4));
	if (*col(st, 5)) {
		fputs(" by ", f);
		review_html(f, col(st, 5));
	}
	fputs("</td></tr>\n", f);
}

/* keep the member of row st as a graph node (up to GRAPH_MAX_NODES);
 * -1 when out of memory */
static int member_node(struct graph_nodes *g, sqlite3_stmt *st)
{
	size_t a, b;

	if (g->n >= GRAPH_MAX_NODES)
		return 0;
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 64;
		char **ni = realloc(g->ids, nc * sizeof(*ni));

		if (!ni)
			return -1;
		g->ids = ni;
		g->cap = nc;
	}
	g->ids[g->n] = malloc(strlen(col(st, 0)) + strlen(col(st, 1)) +
			      strlen(col(st, 4)) + 3);
	if (!g->ids[g->n])
		return -1;
	/* "account\0platform\0status" */
	a = strlen(col(st, 1)) + 1;
	b = strlen(col(st, 0)) + 1;
	memcpy(g->ids[g->n], col(st, 1), a);
	memcpy(g->ids[g->n] + a, col(st, 0), b);
	memcpy(g->ids[g->n] + a + b, col(st, 4), strlen(col(st, 4)) + 1);
	g->n++;
	return 0;
}

/* members: all of the run's members, flagged ones with their state, in a
 * form deciding on the selected ones; collects the graph's nodes */
static void cluster_members(FILE *f, struct review_server *s, struct req *q,
			    const struct review_ref *t, const char *back,
			    struct graph_nodes *g)
{
	sqlite3_stmt *st;

	fputs("<h2>Members</h2>\n", f);
	if (sqlite3_prepare_v2(
		    s->rv.db,
		    "SELECT m.platform, m.account, coalesce(i.handle, ''),"
		    " i.score, coalesce(i.status, 'not flagged'),"
		    " coalesce(i.reviewer, ''), coalesce(i.version, '')"
		    " FROM members m LEFT JOIN items i ON i.kind = 'account'"
		    " AND i.scope = 0 AND i.platform = m.platform AND i.key ="
		    " m.account WHERE m.run_id = ?1 AND m.cluster_id = ?2"
		    " ORDER BY i.score DESC, m.account",
		    -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, t->scope);
	sqlite3_bind_text(st, 2, t->key, -1, SQLITE_TRANSIENT);
	fputs("<form method=\"post\" action=\"/decide\" "
	      "id=\"members-form\">",
	      f);
	csrf_field(f, q);
	fputs("<input type=\"hidden\" name=\"back\" value=\"", f);
	review_html(f, back);
	fputs("\"><table id=\"members\"><thead><tr><th>select</th>"
	      "<th>account</th><th>handle</th><th class=\"num\">score"
	      "</th><th>status</th></tr></thead><tbody>\n",
	      f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		member_row(f, st);
		if (member_node(g, st))
			break;
	}
	sqlite3_finalize(st);
	fputs("</tbody></table><fieldset><legend>Decide on the "
	      "selected members</legend><select name=\"decision\">"
	      "<option>confirm</option><option>dismiss</option>"
	      "<option>escalate</option><option value=\"queued\">"
	      "queued (reopen)</option></select> <label>note <input "
	      "name=\"note\" size=\"40\"></label> <button "
	      "id=\"decide-members\">Decide selected</button>"
	      "</fieldset></form>\n",
	      f);
}

/* the significant edges between the graph's nodes, as lines */
static void graph_edges(FILE *f, struct review_server *s,
			const struct review_ref *t,
			const struct graph_nodes *g, const double *xs,
			const double *ys)
{
	sqlite3_stmt *st;
	size_t n = g->n;

	if (sqlite3_prepare_v2(
		    s->rv.db,
		    "SELECT a, b, log10p FROM edges WHERE run_id = ?1 AND"
		    " a IN (SELECT account FROM members WHERE run_id ="
		    " ?1 AND cluster_id = ?2) AND b IN (SELECT account"
		    " FROM members WHERE run_id = ?1 AND cluster_id ="
		    " ?2) LIMIT 20000",
		    -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, t->scope);
	sqlite3_bind_text(st, 2, t->key, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t ia = n, ib = n;

		for (size_t i = 0; i < n; i++) {
			if (!strcmp(g->ids[i], col(st, 0)))
				ia = i;
			if (!strcmp(g->ids[i], col(st, 1)))
				ib = i;
		}
		if (ia < n && ib < n)
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" "
				"x2=\"%.1f\" y2=\"%.1f\" "
				"stroke-opacity=\"%.2f\"/>",
				xs[ia], ys[ia], xs[ib], ys[ib],
				fmin(1, 0.2 - sqlite3_column_double(st, 2) / 20));
	}
	sqlite3_finalize(st);
}

/* the graph: members on a circle, significant edges between them;
 * nodes link to their account pages; graph.js adds zoom and pan */
static void cluster_graph(FILE *f, struct review_server *s,
			  const struct review_ref *t,
			  const struct graph_nodes *g)
{
	size_t n = g->n;
	double *xs = calloc(n + 1, sizeof(*xs));
	double *ys = calloc(n + 1, sizeof(*ys));

	if (xs && ys && n) {
		const double R = 260, C = 300;

		for (size_t i = 0; i < n; i++) {
			double a = 2 * M_PI * (double)i / (double)n;

			xs[i] = C + R * cos(a);
			ys[i] = C + R * sin(a);
		}
		fputs("<h2>Graph</h2><p class=\"legend\"><span><i class=\"sw "
		      "confirm\"></i>confirmed</span><span><i class=\"sw "
		      "dismiss\"></i>dismissed</span><span><i class=\"sw "
		      "escalate\"></i>escalated</span><span><i class=\"sw "
		      "queued\"></i>queued / not flagged</span> Lines: "
		      "significant co-action edges of this run. Wheel or "
		      "buttons zoom, drag pans, a node opens its account."
		      "</p><p><button type=\"button\" id=\"zoom-in\">+"
		      "</button> <button type=\"button\" id=\"zoom-out\">"
		      "&minus;</button> <button type=\"button\" "
		      "id=\"zoom-reset\">reset</button></p>\n"
		      "<svg class=\"graph\" id=\"graph\" viewBox=\"0 0 600 600\" "
		      "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		      "aria-label=\"cluster graph\">",
		      f);
		graph_edges(f, s, t, g, xs, ys);
		for (size_t i = 0; i < n; i++) {
			const char *acc = g->ids[i];
			const char *plat = acc + strlen(acc) + 1;
			const char *stt = plat + strlen(plat) + 1;

			fputs("<a class=\"node n-", f);
			review_html(f, strchr(stt, ' ') ? "" : stt);
			fputs("\" href=\"/account?id=", f);
			urlenc(f, plat);
			fputs("%3A", f);
			urlenc(f, acc);
			fprintf(f, "\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\"/>"
				   "<text x=\"%.1f\" y=\"%.1f\">",
				xs[i], ys[i], xs[i] + 9, ys[i] + 3);
			review_html(f, acc);
			fputs("</text><title>", f);
			review_html(f, acc);
			fputs("</title></a>", f);
		}
		fputs("</svg>\n<script src=\"/static/graph.js\"></script>\n", f);
	}
	free(xs);
	free(ys);
}

/* GET /cluster?id=: one cluster's verdict, decision form, evidence,
 * members, graph and history */
static enum MHD_Result page_cluster(struct review_server *s,
				    struct MHD_Connection *c, struct req *q)
{
	const char *id = arg(c, "id");
	struct review_ref t;
	sqlite3_stmt *st;
	struct page p;
	char target[700], back[800], scope[32], ver[32];
	struct graph_nodes g = {0};

	if (!id)
		return not_found(c, q, "no cluster id");
	snprintf(target, sizeof(target), "cluster:%s", id);
	if (review_resolve(&s->rv, target, &t) || !t.is_cluster)
		return not_found(c, q, "no such cluster in the store");
	snprintf(scope, sizeof(scope), "%lld", (long long)t.scope);
	snprintf(target, sizeof(target), "cluster:R%s:%s", scope, t.key);
	if (cluster_back(back, sizeof(back), scope, t.key))
		return MHD_NO;
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT score, cluster_size, coalesce(uid, ''),"
			       " status, coalesce(reviewer, ''), coalesce(note,"
			       " ''), coalesce(decided_at, ''), version,"
			       " coalesce(claimed_by, ''), coalesce(claim_until,"
			       " ''), coalesce(reasons, ''),"
			       " coalesce(requeue_reason, '') FROM items WHERE"
			       " kind = 'cluster' AND scope = ?1 AND key = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return text_reply(c, 500, sqlite3_errmsg(s->rv.db));
	sqlite3_bind_int64(st, 1, t.scope);
	sqlite3_bind_text(st, 2, t.key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return not_found(c, q, "no such cluster");
	}
	if (page_open(&p)) {
		sqlite3_finalize(st);
		return MHD_NO;
	}
	head(p.f, "Cluster", q);
	cluster_verdict(p.f, st, t.key, scope);
	snprintf(ver, sizeof(ver), "%s", col(st, 7));
	sqlite3_finalize(st);
	decide_form(p.f, q, target, ver, back, 1);
	cluster_top_reasons(p.f, s, &t);
	cluster_members(p.f, s, q, &t, back, &g);
	cluster_graph(p.f, s, &t, &g);
	for (size_t i = 0; i < g.n; i++)
		free(g.ids[i]);
	free(g.ids);
	cluster_evidence(p.f, s, t.scope, t.key);
	history(p.f, s, q, "cluster", scope, "", t.key, back);
	foot(p.f);
	return respond(c, 200, "text/html; charset=utf-8", &p, NULL, NULL,
		       NULL);
}

/* ---- writes ------------------------------------------------------------ */

/* A local path to go back to (never another site). */
static const char *safe_back(const char *b)
{
	if (!b || b[0] != '/' || b[1] == '/' || b[1] == '\\' ||
	    strpbrk(b, "\r\n"))
		return "/";
	return b;
}

static void conflicts_html(FILE *f, const struct review_outcome *o)
{
	fputs("<div class=\"conflict\" id=\"conflict\"><h2>Conflict: changed "
	      "since you saw it</h2><p>Nothing was recorded.</p><ul>",
	      f);
	for (size_t i = 0; i < o->n_conflicts; i++) {
		const struct review_conflict *k = &o->conflicts[i];

		fputs("<li>", f);
		review_html(f, k->item);
		if (!strcmp(k->what, "claimed")) {
			fputs(" is claimed by <b>", f);
			review_html(f, k->by);
			fputs("</b> until ", f);
			review_html(f, k->at);
		} else {
			fputs(" was set to <b>", f);
			review_html(f, k->what);
			fputs("</b> by <b>", f);
			review_html(f, *k->by ? k->by : "?");
			fputs("</b> at ", f);
			review_html(f, k->at);
			if (k->decision)
				fprintf(f, " (decision %lld)",
					(long long)k->decision);
		}
		fprintf(f, "; now version %lld</li>", (long long)k->version);
	}
	fputs("</ul></div>\n", f);
}

static void json_conflicts(FILE *f, const struct review_outcome *o)
{
	fputs("{\"error\":\"conflict\",\"conflicts\":[", f);
	for (size_t i = 0; i < o->n_conflicts; i++) {
		const struct review_conflict *k = &o->conflicts[i];

		fputs(i ? ",{\"item\":" : "{\"item\":", f);
		review_json_str(f, k->item);
		fputs(",\"by\":", f);
		review_json_str(f, k->by);
		fputs(",\"what\":", f);
		review_json_str(f, k->what);
		fputs(",\"at\":", f);
		review_json_str(f, k->at);
		fprintf(f, ",\"decision\":%lld,\"version\":%lld}",
			(long long)k->decision, (long long)k->version);
	}
	fputs("]}\n", f);
}

static enum MHD_Result form_decide(struct review_server *s,
				   struct MHD_Connection *c, struct req *q)
{
	const char *decision = fget(q, "decision"), *note = fget(q, "note");
	const char *back = safe_back(fget(q, "back"));
	int supersede = fget(q, "supersede") != NULL;
	struct review_decide_req rq;
	struct review_outcome o;
	const char **targets;
	int64_t *seen;
	size_t n = 0;
	enum cib_err err;
	struct page p;

	targets = calloc(q->nform + 1, sizeof(*targets));
	seen = calloc(q->nform + 1, sizeof(*seen));
	if (!targets || !seen) {
		free(targets);
		free(seen);
		return MHD_NO;
	}
	for (size_t i = 0; i < q->nform; i++) {
		char *bar;

		if (strcmp(q->form[i].k, "item"))
			continue;
		bar = strchr(q->form[i].v, '|');
		if (bar) {
			char *end;
			long long v = strtoll(q->form[i].v, &end, 10);

			seen[n] = end == bar && v >= 0 ? v : -1;
			targets[n++] = bar + 1;
		} else {
			seen[n] = -1;
			targets[n++] = q->form[i].v;
		}
	}
	if (!n) {
		free(targets);
		free(seen);
		return text_reply(c, 400, "nothing selected");
	}
	memset(&rq, 0, sizeof(rq));
	rq.targets = targets;
	rq.seen = seen;
	rq.n = n;
	rq.decision = decision;
	rq.reviewer = q->reviewer;
	rq.note = note && *note ? note : NULL;
	rq.members = fget(q, "members") != NULL;
	rq.supersede = supersede;
	err = review_decide_many(&s->rv, &rq, &o);
	if (err == CIB_OK) {
		review_outcome_release(&o);
		free(targets);
		free(seen);
		return redirect(c, back, NULL);
	}
	if (page_open(&p)) {
		review_outcome_release(&o);
		free(targets);
		free(seen);
		return MHD_NO;
	}
	head(p.f, err == CIB_ECONFLICT ? "Conflict" : "Refused", q);
	if (err == CIB_ECONFLICT) {
		conflicts_html(p.f, &o);
		/* the same decision again, replacing on purpose */
		fputs("<form method=\"post\" action=\"/decide\" "
		      "id=\"supersede-form\">",
		      p.f);
		csrf_field(p.f, q);
		for (size_t i = 0; i < n; i++) {
			fputs("<input type=\"hidden\" name=\"item\" value=\"",
			      p.f);
			review_html(p.f, targets[i]);
			fputs("\">", p.f);
		}
		fputs("<input type=\"hidden\" name=\"decision\" value=\"", p.f);
		review_html(p.f, decision);
		fputs("\"><input type=\"hidden\" name=\"note\" value=\"", p.f);
		review_html(p.f, note);
		fputs("\"><input type=\"hidden\" name=\"back\" value=\"", p.f);
		review_html(p.f, back);
		fputs("\">", p.f);
		if (rq.members)
			fputs("<input type=\"hidden\" name=\"members\" "
			      "value=\"1\">",
			      p.f);
		fputs("<input type=\"hidden\" name=\"supersede\" value=\"1\">"
		      "<p>Your decision: <b>",
		      p.f);
		review_html(p.f, decision);
		fputs("</b>. <button id=\"supersede\">Supersede: record my "
		      "decision anyway</button> or <a href=\"",
		      p.f);
		review_html(p.f, back);
		fputs("\">look again</a>.</p></form>", p.f);
	} else {
		fputs("<p class=\"conflict\">", p.f);
		review_html(p.f, s->rv.errmsg);
		fputs("</p>", p.f);
	}
	foot(p.f);
	review_outcome_release(&o);
	free(targets);
	free(seen);
	return respond(c, err == CIB_ECONFLICT ? 409
			  : err == CIB_ENOTFOUND ? 404
			  : err == CIB_EUSAGE    ? 400
						 : 500,
		       "text/html; charset=utf-8", &p, NULL, NULL, NULL);
}

static enum MHD_Result form_undo(struct review_server *s,
				 struct MHD_Connection *c, struct req *q)
{
	const char *d = fget(q, "decision");
	const char *back = safe_back(fget(q, "back"));
	long long id = d ? strtoll(d, NULL, 10) : 0;
	struct review_outcome o;
	enum cib_err err;
	struct page p;

	if (id < 1)
		return text_reply(c, 400, "no decision number");
	err = review_undo(&s->rv, id, q->reviewer, fget(q, "note"),
			  fget(q, "supersede") != NULL, &o);
	if (!err) {
		review_outcome_release(&o);
		return redirect(c, back, NULL);
	}
	if (page_open(&p)) {
		review_outcome_release(&o);
		return MHD_NO;
	}
	head(p.f, "Undo refused", q);
	if (err == CIB_ECONFLICT) {
		conflicts_html(p.f, &o);
		fputs("<form method=\"post\" action=\"/undo\">", p.f);
		csrf_field(p.f, q);
		fprintf(p.f, "<input type=\"hidden\" name=\"decision\" "
			     "value=\"%lld\"><input type=\"hidden\" "
			     "name=\"supersede\" value=\"1\"><input "
			     "type=\"hidden\" name=\"back\" value=\"",
			id);
		review_html(p.f, back);
		fputs("\"><button id=\"supersede\">Undo anyway</button>"
		      "</form>",
		      p.f);
	} else {
		fputs("<p class=\"conflict\">", p.f);
		review_html(p.f, s->rv.errmsg);
		fputs("</p>", p.f);
	}
	foot(p.f);
	review_outcome_release(&o);
	return respond(c, err == CIB_ECONFLICT ? 409
			  : err == CIB_ENOTFOUND ? 404
						 : 500,
		       "text/html; charset=utf-8", &p, NULL, NULL, NULL);
}

static void ref_url(FILE *f, const struct review_ref *t)
{
	if (t->is_cluster) {
		fprintf(f, "/cluster?id=R%lld%%3A", (long long)t->scope);
		urlenc(f, t->key);
	} else {
		fputs("/account?id=", f);
		urlenc(f, t->platform);
		fputs("%3A", f);
		urlenc(f, t->key);
	}
}

static enum MHD_Result form_claim(struct review_server *s,
				  struct MHD_Connection *c, struct req *q)
{
	const char *target = fget(q, "target");
	struct review_ref t;
	enum cib_err err;
	int found = 1;
	char *to = NULL;
	size_t tl = 0;
	FILE *tf;
	enum MHD_Result ret;

	if (target && *target) {
		err = review_claim_item(&s->rv, target, q->reviewer, s->lease_s,
					fget(q, "supersede") != NULL, &t);
	} else {
		struct review_filter flt;
		const char *ms = fget(q, "min_score");

		memset(&flt, 0, sizeof(flt));
		flt.platform = fget(q, "platform");
		flt.cluster = fget(q, "cluster");
		flt.reason = fget(q, "reason");
		if (flt.platform && !*flt.platform)
			flt.platform = NULL;
		if (flt.cluster && !*flt.cluster)
			flt.cluster = NULL;
		if (flt.reason && !*flt.reason)
			flt.reason = NULL;
		flt.min_score = ms ? strtod(ms, NULL) : 0;
		if (!isfinite(flt.min_score))
			flt.min_score = 0;
		err = review_claim(&s->rv, q->reviewer, s->lease_s, &flt, &t,
				   &found);
	}
	if (err) {
		struct page p;

		if (page_open(&p))
			return MHD_NO;
		head(p.f, "Claim refused", q);
		fputs("<p class=\"conflict\" id=\"conflict\">", p.f);
		review_html(p.f, s->rv.errmsg);
		fputs("</p><p><a href=\"/\">back to the queue</a></p>", p.f);
		foot(p.f);
		return respond(c, err == CIB_ECONFLICT ? 409 : 400,
			       "text/html; charset=utf-8", &p, NULL, NULL,
			       NULL);
	}
	if (!found)
		return redirect(c, "/?empty=1", NULL);
	tf = open_memstream(&to, &tl);
	if (!tf)
		return MHD_NO;
	ref_url(tf, &t);
	fclose(tf);
	ret = redirect(c, to, NULL);
	free(to);
	return ret;
}

/* ---- the JSON API ------------------------------------------------------ */

static void json_ref(FILE *f, const struct review_ref *t)
{
	char *s = NULL;
	size_t n = 0;
	FILE *tf = open_memstream(&s, &n);

	if (tf) {
		char scope[32];

		snprintf(scope, sizeof(scope), "%lld", (long long)t->scope);
		target_of(tf, t->is_cluster, scope, t->platform, t->key);
		fclose(tf);
	}
	fputs("\"target\":", f);
	review_json_str(f, s ? s : "");
	free(s);
	fprintf(f, ",\"version\":%lld", (long long)t->version);
}

static enum MHD_Result api_queue(struct review_server *s,
				 struct MHD_Connection *c)
{
	const char *status = arg(c, "status");
	const char *lim = arg(c, "limit");
	long limit = lim ? strtol(lim, NULL, 10) : 1000;
	sqlite3_stmt *st;
	struct page p;
	int n = 0;

	if (limit < 1 || limit > 100000)
		limit = 1000;
	if (sqlite3_prepare_v2(
		    s->rv.db,
		    "SELECT kind, scope, platform, key, coalesce(handle, ''),"
		    " score, coalesce(cluster_id, ''), status,"
		    " coalesce(reviewer, ''), version, coalesce(claimed_by,"
		    " ''), coalesce(claim_until, '') FROM items WHERE"
		    " (kind = 'account' OR scope = (SELECT max(run_id) FROM"
		    " runs)) AND (?1 IS NULL OR status = ?1)"
		    " AND (?2 IS NULL OR platform = ?2 OR kind = 'cluster')"
		    " AND (?3 IS NULL OR (kind = 'account' AND cluster_id = ?3"
		    " AND run_id = (SELECT max(run_id) FROM runs)) OR (kind ="
		    " 'cluster' AND key = ?3)) AND (?4 IS NULL OR"
		    " instr(reasons, ?4) > 0) AND coalesce(score, 0) >= ?5"
		    " ORDER BY kind = 'cluster', score DESC, key LIMIT ?6",
		    -1, &st, NULL) != SQLITE_OK)
		return json_error(c, 500, sqlite3_errmsg(s->rv.db));
	if (status && strcmp(status, "any"))
		sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	else if (!status)
		sqlite3_bind_text(st, 1, "queued", -1, SQLITE_STATIC);
	if (arg(c, "platform"))
		sqlite3_bind_text(st, 2, arg(c, "platform"), -1,
				  SQLITE_TRANSIENT);
	if (arg(c, "cluster"))
		sqlite3_bind_text(st, 3, arg(c, "cluster"), -1,
				  SQLITE_TRANSIENT);
	if (arg(c, "reason"))
		sqlite3_bind_text(st, 4, arg(c, "reason"), -1,
				  SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 5,
			    arg(c, "min_score") ? strtod(arg(c, "min_score"),
							 NULL)
						: 0);
	sqlite3_bind_int64(st, 6, limit);
	if (page_open(&p)) {
		sqlite3_finalize(st);
		return MHD_NO;
	}
	fputs("{\"items\":[", p.f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct review_ref t;

		memset(&t, 0, sizeof(t));
		t.is_cluster = !strcmp(col(st, 0), "cluster");
		t.scope = sqlite3_column_int64(st, 1);
		snprintf(t.platform, sizeof(t.platform), "%s", col(st, 2));
		snprintf(t.key, sizeof(t.key), "%s", col(st, 3));
		t.version = sqlite3_column_int64(st, 9);
		fputs(n++ ? ",\n{" : "\n{", p.f);
		json_ref(p.f, &t);
		fputs(",\"kind\":", p.f);
		review_json_str(p.f, col(st, 0));
		fputs(",\"platform\":", p.f);
		review_json_str(p.f, col(st, 2));
		fputs(",\"id\":", p.f);
		review_json_str(p.f, col(st, 3));
		fputs(",\"handle\":", p.f);
		review_json_str(p.f, col(st, 4));
		fprintf(p.f, ",\"score\":%.6f,\"cluster\":",
			sqlite3_column_double(st, 5));
		review_json_str(p.f, col(st, 6));
		fputs(",\"status\":", p.f);
		review_json_str(p.f, col(st, 7));
		fputs(",\"reviewer\":", p.f);
		review_json_str(p.f, col(st, 8));
		fputs(",\"claimed_by\":", p.f);
		review_json_str(p.f, col(st, 10));
		fputs(",\"claim_until\":", p.f);
		review_json_str(p.f, col(st, 11));
		fputc('}', p.f);
	}
	sqlite3_finalize(st);
	fprintf(p.f, "\n],\"count\":%d}\n", n);
	return respond(c, 200, "application/json", &p, NULL, NULL, NULL);
}

static enum MHD_Result api_item(struct review_server *s,
				struct MHD_Connection *c)
{
	const char *target = arg(c, "target");
	struct review_ref t;
	sqlite3_stmt *st;
	struct page p;
	int n = 0;

	if (!target)
		return json_error(c, 400, "target= is required");
	if (review_resolve(&s->rv, target, &t))
		return json_error(c, 404, s->rv.errmsg);
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT coalesce(handle, ''), score,"
			       " coalesce(cluster_id, ''), status,"
			       " coalesce(reviewer, ''), coalesce(note, ''),"
			       " coalesce(decided_at, ''), coalesce(reasons,"
			       " ''), coalesce(claimed_by, ''),"
			       " coalesce(claim_until, ''), coalesce(uid, '')"
			       " FROM items WHERE kind = ?1 AND scope = ?2 AND"
			       " platform = ?3 AND key = ?4",
			       -1, &st, NULL) != SQLITE_OK)
		return json_error(c, 500, sqlite3_errmsg(s->rv.db));
	sqlite3_bind_text(st, 1, t.is_cluster ? "cluster" : "account", -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t.scope);
	sqlite3_bind_text(st, 3, t.platform, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, t.key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return json_error(c, 404, "no such item");
	}
	if (page_open(&p)) {
		sqlite3_finalize(st);
		return MHD_NO;
	}
	fputc('{', p.f);
	json_ref(p.f, &t);
	{
		static const char *const k[] = {
			"handle", NULL, "cluster", "status", "reviewer",
			"note", "decided_at", "reasons", "claimed_by",
			"claim_until", "identity"
		};

		for (int i = 0; i < 11; i++) {
			if (!k[i]) {
				fprintf(p.f, ",\"score\":%.6f",
					sqlite3_column_double(st, i));
				continue;
			}
			fprintf(p.f, ",\"%s\":", k[i]);
			review_json_str(p.f, col(st, i));
		}
	}
	sqlite3_finalize(st);
	fputs(",\"history\":[", p.f);
	if (sqlite3_prepare_v2(s->rv.db,
			       "SELECT seq, at, reviewer, action,"
			       " coalesce(previous, ''), value, coalesce(note,"
			       " ''), coalesce(batch, 0), coalesce(reverses, 0),"
			       " coalesce(supersedes, 0), coalesce(via, '')"
			       " FROM audit WHERE kind = ?1 AND scope = ?2 AND"
			       " platform = ?3 AND key = ?4 ORDER BY seq",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t.is_cluster ? "cluster" : "account",
				  -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, t.scope);
		sqlite3_bind_text(st, 3, t.platform, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, t.key, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			fprintf(p.f, "%s{\"seq\":%s,\"at\":", n++ ? "," : "",
				col(st, 0));
			review_json_str(p.f, col(st, 1));
			fputs(",\"reviewer\":", p.f);
			review_json_str(p.f, col(st, 2));
			fputs(",\"action\":", p.f);
			review_json_str(p.f, col(st, 3));
			fputs(",\"previous\":", p.f);
			review_json_str(p.f, col(st, 4));
			fputs(",\"value\":", p.f);
			review_json_str(p.f, col(st, 5));
			fputs(",\"note\":", p.f);
			review_json_str(p.f, col(st, 6));
			fprintf(p.f, ",\"decision\":%s,\"reverses\":%s,"
				     "\"supersedes\":%s,\"via\":",
				col(st, 7), col(st, 8), col(st, 9));
			review_json_str(p.f, col(st, 10));
			fputc('}', p.f);
		}
		sqlite3_finalize(st);
	}
	fputs("]}\n", p.f);
	return respond(c, 200, "application/json", &p, NULL, NULL, NULL);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jtrue(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static enum MHD_Result api_outcome(struct review_server *s,
				   struct MHD_Connection *c, enum cib_err err,
				   struct review_outcome *o)
{
	struct page p;
	unsigned status;

	if (page_open(&p)) {
		review_outcome_release(o);
		return MHD_NO;
	}
	if (!err) {
		fprintf(p.f, "{\"decision\":%lld,\"changed\":%zu}\n",
			(long long)o->decision, o->n_changed);
		status = 200;
	} else if (err == CIB_ECONFLICT) {
		json_conflicts(p.f, o);
		status = 409;
	} else {
		fputs("{\"error\":", p.f);
		review_json_str(p.f, s->rv.errmsg);
		fputs("}\n", p.f);
		status = err == CIB_ENOTFOUND ? 404
			 : err == CIB_EUSAGE  ? 400
					      : 500;
	}
	review_outcome_release(o);
	return respond(c, status, "application/json", &p, NULL, NULL, NULL);
}

static enum MHD_Result api_decide(struct review_server *s,
				  struct MHD_Connection *c, struct req *q,
				  const cJSON *b)
{
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(b, "targets");
	const cJSON *vs = cJSON_GetObjectItemCaseSensitive(b, "versions");
	const cJSON *one = cJSON_GetObjectItemCaseSensitive(b, "target");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(b, "version");
	struct review_decide_req rq;
	struct review_outcome o;
	const char **targets;
	int64_t *seen;
	size_t n = 0, cap;
	enum cib_err err;

	cap = (size_t)(cJSON_IsArray(ts) ? cJSON_GetArraySize(ts) : 0) + 1;
	if (cap > REVIEW_MAX_TARGETS + 1)
		return json_error(c, 400, "too many targets");
	targets = calloc(cap, sizeof(*targets));
	seen = calloc(cap, sizeof(*seen));
	if (!targets || !seen) {
		free(targets);
		free(seen);
		return MHD_NO;
	}
	if (cJSON_IsString(one)) {
		targets[n] = one->valuestring;
		seen[n++] = cJSON_IsNumber(ver) ? (int64_t)ver->valuedouble
						: -1;
	}
	if (cJSON_IsArray(ts)) {
		int i = 0;
		const cJSON *e;

		cJSON_ArrayForEach(e, ts)
		{
			const cJSON *v = cJSON_IsArray(vs)
						 ? cJSON_GetArrayItem(vs, i)
						 : NULL;

			i++;
			if (!cJSON_IsString(e) || n >= cap)
				continue;
			targets[n] = e->valuestring;
			seen[n++] = cJSON_IsNumber(v) ? (int64_t)v->valuedouble
						      : -1;
		}
	}
	if (!n) {
		free(targets);
		free(seen);
		return json_error(c, 400, "no target");
	}
	memset(&rq, 0, sizeof(rq));
	rq.targets = targets;
	rq.seen = seen;
	rq.n = n;
	rq.decision = jstr(b, "decision");
	rq.reviewer = q->reviewer;
	rq.note = jstr(b, "note");
	rq.members = jtrue(b, "members");
	rq.supersede = jtrue(b, "supersede");
	err = review_decide_many(&s->rv, &rq, &o);
	free(targets);
	free(seen);
	return api_outcome(s, c, err, &o);
}

static enum MHD_Result api_claim(struct review_server *s,
				 struct MHD_Connection *c, struct req *q,
				 const cJSON *b)
{
	const char *target = jstr(b, "target");
	const cJSON *ls = cJSON_GetObjectItemCaseSensitive(b, "lease_seconds");
	int lease = cJSON_IsNumber(ls) ? (int)ls->valuedouble : s->lease_s;
	struct review_ref t;
	enum cib_err err;
	int found = 1;
	struct page p;

	if (target) {
		err = review_claim_item(&s->rv, target, q->reviewer, lease,
					jtrue(b, "supersede"), &t);
	} else {
		struct review_filter flt;
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(b,
								   "min_score");

		memset(&flt, 0, sizeof(flt));
		flt.platform = jstr(b, "platform");
		flt.cluster = jstr(b, "cluster");
		flt.reason = jstr(b, "reason");
		flt.min_score = cJSON_IsNumber(ms) ? ms->valuedouble : 0;
		flt.clusters_first = jtrue(b, "clusters_first");
		err = review_claim(&s->rv, q->reviewer, lease, &flt, &t,
				   &found);
	}
	if (err)
		return json_error(c, err == CIB_ECONFLICT ? 409
				     : err == CIB_ENOTFOUND ? 404
				     : err == CIB_EUSAGE    ? 400
							    : 500,
				  s->rv.errmsg);
	if (page_open(&p))
		return MHD_NO;
	if (!found) {
		fputs("{\"empty\":true}\n", p.f);
	} else {
		fputc('{', p.f);
		json_ref(p.f, &t);
		fputs(",\"until\":", p.f);
		review_json_str(p.f, t.until);
		fputs(",\"reviewer\":", p.f);
		review_json_str(p.f, q->reviewer);
		fputs("}\n", p.f);
	}
	return respond(c, 200, "application/json", &p, NULL, NULL, NULL);
}

static enum MHD_Result export(struct review_server *s, struct MHD_Connection *c,
			      int json)
{
	const char *d = arg(c, "decision");
	struct page p;
	enum cib_err err;

	if (page_open(&p))
		return MHD_NO;
	err = review_export(&s->rv, p.f, json ? REVIEW_JSON : REVIEW_CSV, d, 0,
			    NULL);
	if (err) {
		fclose(p.f);
		free(p.buf);
		return json_error(c, 500, s->rv.errmsg);
	}
	return respond(c, 200,
		       json ? "application/json" : "text/csv; charset=utf-8",
		       &p, NULL, NULL,
		       json ? "attachment; filename=\"decisions.json\""
			    : "attachment; filename=\"decisions.csv\"");
}

/* ---- login ------------------------------------------------------------- */

static const char *cookie(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, k);
}

static enum MHD_Result page_login(struct review_server *s,
				  struct MHD_Connection *c, const char *msg,
				  unsigned status)
{
	const char *have = cookie(c, "cib_pre");
	char pre[33], ck[128];
	struct page p;
	int ok = have && strlen(have) == 32;

	/* keep the pair a parallel request (a favicon) may have set */
	for (int i = 0; ok && i < 32; i++)
		ok = hexval(have[i]) >= 0;
	if (ok)
		snprintf(pre, sizeof(pre), "%s", have);
	else if (random_hex(pre))
		return MHD_NO;
	snprintf(ck, sizeof(ck),
		 "cib_pre=%s; Path=/; HttpOnly; SameSite=Strict", pre);
	if (page_open(&p))
		return MHD_NO;
	head(p.f, "Sign in", NULL);
	fputs("<h1>Sign in</h1>", p.f);
	if (msg) {
		fputs("<p class=\"conflict\">", p.f);
		review_html(p.f, msg);
		fputs("</p>", p.f);
	}
	fprintf(p.f, "<form method=\"post\" action=\"/login\" id=\"login\">"
		     "<input type=\"hidden\" name=\"pre\" value=\"%s\">",
		pre);
	if (s->n_tokens)
		fputs("<label>Your reviewer token <input type=\"password\" "
		      "name=\"token\" id=\"token\" autocomplete=\"off\">"
		      "</label>",
		      p.f);
	else
		fputs("<label>Your name (it goes into every decision you make) "
		      "<input name=\"reviewer\" id=\"reviewer\" maxlength=\"64\">"
		      "</label>",
		      p.f);
	fputs(" <button id=\"sign-in\">Sign in</button></form>", p.f);
	foot(p.f);
	return respond(c, status, "text/html; charset=utf-8", &p, ck, NULL,
		       NULL);
}

static enum MHD_Result do_login(struct review_server *s,
				struct MHD_Connection *c, struct req *q)
{
	const char *pre = fget(q, "pre"), *ck = cookie(c, "cib_pre");
	const char *who;
	struct session *se;
	char set[160];

	/* login CSRF: the form's value must match the cookie set with it */
	if (!pre || !ck || strlen(pre) != 32 || !same_str(pre, ck))
		return page_login(s, c, "the sign-in form expired; try again",
				  403);
	if (s->n_tokens) {
		who = token_owner(s, fget(q, "token"));
		if (!who)
			return page_login(s, c, "unknown token", 403);
	} else {
		who = fget(q, "reviewer");
		if (!who || !valid_name(who))
			return page_login(s, c, "a name is 1 to 64 printable "
						"characters without spaces",
					  400);
	}
	se = session_new(s, who);
	if (!se)
		return MHD_NO;
	snprintf(set, sizeof(set),
		 "cib_session=%s; Path=/; HttpOnly; SameSite=Strict", se->sid);
	return redirect(c, "/", set);
}

static enum MHD_Result api_session(struct review_server *s,
				   struct MHD_Connection *c, const cJSON *b)
{
	const char *who;
	struct session *se;
	char set[160];
	struct page p;

	if (s->n_tokens) {
		who = token_owner(s, jstr(b, "token"));
		if (!who)
			return json_error(c, 403, "unknown token");
	} else {
		who = jstr(b, "reviewer");
		if (!who || !valid_name(who))
			return json_error(c, 400, "reviewer: 1 to 64 printable "
						  "characters without spaces");
	}
	se = session_new(s, who);
	if (!se || page_open(&p))
		return MHD_NO;
	snprintf(set, sizeof(set),
		 "cib_session=%s; Path=/; HttpOnly; SameSite=Strict", se->sid);
	fputs("{\"reviewer\":", p.f);
	review_json_str(p.f, se->reviewer);
	fprintf(p.f, ",\"csrf\":\"%s\"}\n", se->csrf);
	return respond(c, 200, "application/json", &p, set, NULL, NULL);
}

/* ---- dispatch ---------------------------------------------------------- */

/* The Host header must name this server: a page on another site that
 * resolves its own name to 127.0.0.1 (DNS rebinding) is refused. */
static int host_ok(const struct review_server *s, struct MHD_Connection *c)
{
	const char *h = header(c, "Host");
	char want[160];

	if (!h)
		return 0;
	if (!s->loopback && s->n_tokens)
		return 1; /* every request is authenticated anyway */
	snprintf(want, sizeof(want), "%s:%u", s->host, s->port);
	if (!strcmp(h, want))
		return 1;
	snprintf(want, sizeof(want), "localhost:%u", s->port);
	return s->loopback && !strcmp(h, want);
}

/* the static files (style sheet, graph script, favicon); static files
 * need no session when there are no tokens. Sets *r and returns 1 when
 * url is one of them */
static int serve_static(struct review_server *s, struct MHD_Connection *c,
			const char *url, enum MHD_Result *r)
{
	struct page p;

	if (!strcmp(url, "/static/app.css") &&
	    (!s->n_tokens || session_find(s, cookie(c, "cib_session")))) {
		if (page_open(&p)) {
			*r = MHD_NO;
			return 1;
		}
		fputs(review_app_css, p.f);
		*r = respond(c, 200, "text/css; charset=utf-8", &p, NULL, NULL,
			     NULL);
		return 1;
	}
	if (!strcmp(url, "/static/graph.js") &&
	    (!s->n_tokens || session_find(s, cookie(c, "cib_session")))) {
		if (page_open(&p)) {
			*r = MHD_NO;
			return 1;
		}
		fputs(review_graph_js, p.f);
		*r = respond(c, 200, "text/javascript; charset=utf-8", &p,
			     NULL, NULL, NULL);
		return 1;
	}
	if (!strcmp(url, "/favicon.ico")) {
		*r = page_open(&p) ? MHD_NO
				   : respond(c, 204, "text/plain", &p, NULL,
					     NULL, NULL);
		return 1;
	}
	return 0;
}

/* who is asking: a bearer token's owner or the session's reviewer into
 * q->reviewer. Sets *r and returns 1 when the token is unknown */
static int who_asks(struct review_server *s, struct MHD_Connection *c,
		    struct req *q, int api, enum MHD_Result *r)
{
	const char *auth = header(c, "Authorization");

	if (auth && !strncmp(auth, "Bearer ", 7)) {
		const char *who = token_owner(s, auth + 7);

		if (!who) {
			*r = api ? json_error(c, 401, "unknown token")
				 : text_reply(c, 401, "unknown token");
			return 1;
		}
		q->bearer = 1;
		snprintf(q->reviewer, sizeof(q->reviewer), "%s", who);
	} else {
		q->sess = session_find(s, cookie(c, "cib_session"));
		if (q->sess)
			snprintf(q->reviewer, sizeof(q->reviewer), "%s",
				 q->sess->reviewer);
	}
	return 0;
}

/* POST /api/session: sign in with a JSON body (a JSON body cannot come
 * from a plain cross-site form) */
static enum MHD_Result route_api_session(struct review_server *s,
					 struct MHD_Connection *c,
					 struct req *q)
{
	cJSON *b;
	const char *ct = header(c, "Content-Type");
	enum MHD_Result r;

	if (!ct || strncmp(ct, "application/json", 16))
		return json_error(c, 415, "Content-Type must be "
					  "application/json");
	b = cJSON_ParseWithLength(strbuf_str(&q->body), q->body.n);
	if (!b)
		return json_error(c, 400, "malformed JSON");
	r = api_session(s, c, b);
	cJSON_Delete(b);
	return r;
}

/* a signed-in request may go on; a POST needs the session's CSRF token
 * in the form or a header. Without tokens, reading the API needs no
 * sign-in (the server is on loopback); anything else does. Sets *r and
 * returns 1 when the request is refused */
static int gate(struct review_server *s, struct MHD_Connection *c,
		struct req *q, int post, int api, enum MHD_Result *r)
{
	if (!q->reviewer[0]) {
		if (api && !post && !s->n_tokens)
			return 0;
		*r = api ? json_error(c, 401, "sign in: POST /api/session, "
					      "or Authorization: Bearer")
			 : redirect(c, "/login", NULL);
		return 1;
	}
	if (post && !q->bearer) {
		const char *tok = header(c, "X-CSRF-Token");

		if (!api) {
			if (form_parse(q)) {
				*r = text_reply(c, 400, "bad form");
				return 1;
			}
			tok = fget(q, "csrf");
		}
		if (!tok || !q->sess || !same_str(tok, q->sess->csrf)) {
			*r = api ? json_error(c, 403, "missing or wrong CSRF "
						      "token (X-CSRF-Token)")
				 : text_reply(c, 403, "missing or wrong CSRF "
						      "token; reload the page");
			return 1;
		}
	} else if (post && !api && form_parse(q)) {
		*r = text_reply(c, 400, "bad form");
		return 1;
	}
	return 0;
}

/* POST /api/undo with body b */
static enum MHD_Result route_api_undo(struct review_server *s,
				      struct MHD_Connection *c, struct req *q,
				      const cJSON *b)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(b, "decision");
	struct review_outcome o;
	enum cib_err err;

	if (!cJSON_IsNumber(d) || d->valuedouble < 1)
		return json_error(c, 400, "decision: a number");
	err = review_undo(&s->rv, (int64_t)d->valuedouble, q->reviewer,
			  jstr(b, "note"), jtrue(b, "supersede"), &o);
	return api_outcome(s, c, err, &o);
}

/* the JSON API under /api/ (past the sign-in) */
static enum MHD_Result route_api(struct review_server *s,
				 struct MHD_Connection *c, struct req *q,
				 const char *url, int post)
{
	cJSON *b;
	enum MHD_Result r;
	const char *ct;

	if (!post) {
		if (!strcmp(url, "/api/queue"))
			return api_queue(s, c);
		if (!strcmp(url, "/api/item"))
			return api_item(s, c);
		if (!strcmp(url, "/api/export"))
			return export(s, c,
				      !arg(c, "format") ||
					      strcmp(arg(c, "format"), "csv"));
		return json_error(c, 404, "no such API");
	}
	ct = header(c, "Content-Type");
	if (!ct || strncmp(ct, "application/json", 16))
		return json_error(c, 415, "Content-Type must "
					  "be application/json");
	b = cJSON_ParseWithLength(strbuf_str(&q->body), q->body.n);
	if (!cJSON_IsObject(b)) {
		cJSON_Delete(b);
		return json_error(c, 400, "malformed JSON");
	}
	if (!strcmp(url, "/api/claim"))
		r = api_claim(s, c, q, b);
	else if (!strcmp(url, "/api/decide"))
		r = api_decide(s, c, q, b);
	else if (!strcmp(url, "/api/undo"))
		r = route_api_undo(s, c, q, b);
	else
		r = json_error(c, 404, "no such API");
	cJSON_Delete(b);
	return r;
}

/* the HTML pages and their forms (past the sign-in) */
static enum MHD_Result route_pages(struct review_server *s,
				   struct MHD_Connection *c, struct req *q,
				   const char *url, int post)
{
	if (!post) {
		if (!strcmp(url, "/"))
			return page_queue(s, c, q);
		if (!strcmp(url, "/account"))
			return page_account(s, c, q);
		if (!strcmp(url, "/cluster"))
			return page_cluster(s, c, q);
		if (!strcmp(url, "/export.csv"))
			return export(s, c, 0);
		if (!strcmp(url, "/export.json"))
			return export(s, c, 1);
		return not_found(c, q, url);
	}
	if (!strcmp(url, "/decide"))
		return form_decide(s, c, q);
	if (!strcmp(url, "/undo"))
		return form_undo(s, c, q);
	if (!strcmp(url, "/claim"))
		return form_claim(s, c, q);
	if (!strcmp(url, "/logout")) {
		if (q->sess)
			q->sess->expires = 0;
		return redirect(c, "/login",
				"cib_session=; Path=/; Max-Age=0; HttpOnly; "
				"SameSite=Strict");
	}
	return text_reply(c, 404, "not found");
}

/* libmicrohttpd's request handler: gathers the body, checks Host and
 * method, serves static files, signs in, checks CSRF, then routes */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct review_server *s = cls;
	struct req *q = *con_cls;
	int post = !strcmp(method, "POST");
	int api = !strncmp(url, "/api/", 5);
	enum MHD_Result r;

	(void)version;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		strbuf_init(&q->body, MAX_BODY);
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_size) {
		/* past the cap the rest is dropped and answered with 413 */
		strbuf_add(&q->body, upload, *upload_size);
		if (strbuf_err(&q->body) == CIB_ENOMEM)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (!host_ok(s, c))
		return text_reply(c, 421, "wrong Host header");
	if (strbuf_err(&q->body) == CIB_ETOOBIG)
		return text_reply(c, 413, "request body too large");
	if (!post && strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text_reply(c, 405, "method not allowed");
	if (serve_static(s, c, url, &r))
		return r;
	if (who_asks(s, c, q, api, &r))
		return r;
	if (!strcmp(url, "/login")) {
		if (!post)
			return page_login(s, c, NULL, 200);
		if (form_parse(q))
			return text_reply(c, 400, "bad form");
		return do_login(s, c, q);
	}
	if (api && !strcmp(url, "/api/session") && post)
		return route_api_session(s, c, q);
	if (gate(s, c, q, post, api, &r))
		return r;
	if (api)
		return route_api(s, c, q, url, post);
	return route_pages(s, c, q, url, post);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)c;
	(void)code;
	req_free(*con_cls);
	*con_cls = NULL;
}

/* ---- start and stop ---------------------------------------------------- */

enum cib_err review_server_start(const struct review_serve_opts *o,
				 struct review_server **out, char *url,
				 size_t url_cap, char *errmsg, size_t errcap)
{
	struct review_server *s;
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	struct sockaddr *sa;
	const char *listen = o->listen ? o->listen : "127.0.0.1:8080";
	const char *colon;
	char host[128];
	long port;
	int v6 = 0;
	enum cib_err err;
	const union MHD_DaemonInfo *di;

	*out = NULL;
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (listen[0] == '[') {
		const char *e = strchr(listen, ']');

		if (!e || e[1] != ':' || (size_t)(e - listen - 1) >= sizeof(host))
			goto bad_listen;
		memcpy(host, listen + 1, (size_t)(e - listen - 1));
		host[e - listen - 1] = '\0';
		colon = e + 1;
		v6 = 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			goto bad_listen;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
	}
	{
		char *end;

		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || port < 0 || port > 65535)
			goto bad_listen;
	}
	if (v6 ? inet_pton(AF_INET6, host, &a6.sin6_addr) != 1
	       : inet_pton(AF_INET, host, &a4.sin_addr) != 1)
		goto bad_listen;
	s = calloc(1, sizeof(*s));
	if (!s)
		return CIB_ENOMEM;
	s->loopback = v6 ? IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr)
			 : (ntohl(a4.sin_addr.s_addr) >> 24) == 127;
	s->lease_s = o->lease_s > 0 ? o->lease_s : REVIEW_LEASE_SECONDS;
	if (v6)
		snprintf(s->host, sizeof(s->host), "[%s]", host);
	else
		snprintf(s->host, sizeof(s->host), "%s", host);
	if (!s->loopback && !o->token_file) {
		snprintf(errmsg, errcap,
			 "%s is not a loopback address: serving it needs "
			 "--token-file (every request is then authenticated)",
			 host);
		free(s);
		return CIB_EUSAGE;
	}
	if (o->token_file) {
		err = load_tokens(s, o->token_file, errmsg, errcap);
		if (err) {
			free(s->tokens);
			free(s);
			return err;
		}
	}
	err = review_open_existing(&s->rv, o->db);
	if (err) {
		snprintf(errmsg, errcap, "%s", s->rv.errmsg);
		free(s->tokens);
		free(s);
		return err;
	}
	if (v6) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&a6;
	} else {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&a4;
	}
	s->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			(v6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_END);
	if (!s->d) {
		snprintf(errmsg, errcap, "cannot listen on %s: %s", listen,
			 strerror(errno));
		review_close(&s->rv);
		free(s->tokens);
		free(s);
		return CIB_EIO;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : (unsigned)port;
	snprintf(url, url_cap, "http://%s:%u/", s->host, s->port);
	*out = s;
	return CIB_OK;
bad_listen:
	snprintf(errmsg, errcap,
		 "--listen '%s' is not ADDRESS:PORT (127.0.0.1:8080, "
		 "[::1]:8080; port 0 picks a free one)",
		 listen);
	return CIB_EUSAGE;
}

void review_server_stop(struct review_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	review_close(&s->rv);
	free(s->tokens);
	free(s);
}
