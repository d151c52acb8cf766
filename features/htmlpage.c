/* htmlpage.c - one HTML page to the traits a site network shares.
 *
 * gumbo builds the tree with an arena allocator of ours: nodes are never
 * freed one by one (gumbo's own destructor recurses once per nesting level,
 * which hostile markup can make deep); the arena is emptied before the
 * next page instead. gumbo never checks its allocator's result, so an
 * allocation that fails unwinds with longjmp() to parse_guarded(), which
 * returns NULL: every byte gumbo holds comes from the arena and gumbo
 * keeps no other state, so emptying the arena then leaks nothing. The tree is walked with an explicit stack of
 * (node, entering/leaving) entries, so depth costs heap, not C stack.
 *
 * The article body is the element whose <p> children carry the most text
 * (the paragraph-density rule of readability-style extractors: article
 * paragraphs sit side by side in one container, navigation and footers
 * are short and spread out); its paragraphs, in order, are the article.
 * Everything else visible is boilerplate.
 *
 * Ids are found by a hand-written scanner over script text and attribute
 * values (no regular expressions): each pattern is a literal prefix
 * followed by a bounded run of an allowed character class, with a
 * non-alphanumeric byte before the prefix.
 */
#include "htmlpage.h"

#include <gumbo.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "langdetect.h"
#include "core/sortu64.h"

/* ---- arena for gumbo --------------------------------------------------- */

#define ARENA_CHUNK ((size_t)1 << 20)

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *head;
	jmp_buf on_fail; /* set by parse_guarded(), the only caller of gumbo */
};

static void *arena_alloc(void *ud, size_t size)
{
	struct arena *a = ud;
	struct arena_chunk *c = a->head;
	size_t need = (size + 15) & ~(size_t)15;

	if (!c || c->cap - c->used < need) {
		size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c) /* gumbo would dereference NULL: unwind instead */
			longjmp(a->on_fail, 1);
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	c->used += need;
	return (char *)c->data + c->used - need;
}

static void arena_free(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

/* Frees every chunk but the newest when it is a standard one. */
static void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *keep = NULL;

	while (c) {
		struct arena_chunk *n = c->next;

		if (!keep && c->cap == ARENA_CHUNK) {
			keep = c;
			keep->used = 0;
		} else {
			free(c);
		}
		c = n;
	}
	if (keep)
		keep->next = NULL;
	a->head = keep;
}

/* gumbo_parse_with_options(), or NULL when an allocation failed (the
 * arena then still holds what gumbo had allocated: reset it). */
static GumboOutput *parse_guarded(struct arena *a, const GumboOptions *opt,
				  const char *html, size_t n)
{
	GumboOutput *volatile out = NULL;

	if (setjmp(a->on_fail) == 0)
		out = gumbo_parse_with_options(opt, html, n);
	return out;
}

/* ---- output helpers ---------------------------------------------------- */

struct walk_p {
	const void *parent;
	uint32_t off, len; /* into scratch text */
	uint32_t order;
};

struct scratch {
	char *text; /* all visible text */
	size_t text_len, text_cap;
	struct walk_p *ps;
	size_t n_ps, ps_cap;
	uint64_t *tok; /* skeleton tokens */
	size_t n_tok, tok_cap;
	struct stack_ent {
		const GumboNode *node;
		int leaving;
	} *stack;
	size_t n_stack, stack_cap;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *q;

	if (*cap >= need)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	q = realloc(*p, nc * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

static int str_add(struct htmlpage *pg, const char *s, size_t n,
		   uint32_t *off)
{
	if (grow((void **)&pg->str, &pg->str_cap, pg->str_len + n + 1, 1))
		return -1;
	memcpy(pg->str + pg->str_len, s, n);
	*off = (uint32_t)pg->str_len;
	pg->str_len += n;
	pg->str[pg->str_len] = '\0';
	return 0;
}

static int item_add(struct htmlpage *pg, int kind, const char *s, size_t n)
{
	struct htmlpage_item *it;

	if (n == 0)
		return 0;
	if (n > HTMLPAGE_MAX_ITEM)
		n = HTMLPAGE_MAX_ITEM;
	/* pages repeat ids and links: keep each once */
	for (size_t i = 0; i < pg->n_items; i++)
		if (pg->items[i].kind == kind && pg->items[i].len == n &&
		    memcmp(pg->str + pg->items[i].off, s, n) == 0)
			return 0;
	if (pg->n_items >= HTMLPAGE_MAX_ITEMS) {
		pg->n_dropped++;
		return 0;
	}
	if (grow((void **)&pg->items, &pg->items_cap, pg->n_items + 1,
		 sizeof(*pg->items)))
		return -1;
	it = &pg->items[pg->n_items];
	if (str_add(pg, s, n, &it->off))
		return -1;
	it->kind = (uint8_t)kind;
	it->len = (uint32_t)n;
	pg->n_items++;
	return 0;
}

/* ---- ids --------------------------------------------------------------- */

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_upalnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* length of the run of cls at s[i..n), at most max */
static size_t run(const char *s, size_t i, size_t n, int (*cls)(unsigned char),
		  size_t max)
{
	size_t k = 0;

	while (i + k < n && k <= max && cls((unsigned char)s[i + k]))
		k++;
	return k;
}

struct id_pattern {
	const char *prefix;
	int kind;
	const char *label; /* written before the id; NULL: the match itself */
	int (*cls)(unsigned char);
	size_t min, max;
	int boundary; /* the byte before the prefix must not be alphanumeric */
};

static const struct id_pattern patterns[] = {
	{ "UA-", HP_ANALYTICS, NULL, is_digit, 4, 10, 1 },
	{ "G-", HP_ANALYTICS, NULL, is_upalnum, 8, 12, 1 },
	{ "GTM-", HP_ANALYTICS, NULL, is_upalnum, 4, 9, 1 },
	{ "ca-pub-", HP_ADPUB, NULL, is_digit, 10, 20, 1 },
	{ "hm.baidu.com/hm.js?", HP_TRACKER, "baidu:", is_hex, 32, 32, 0 },
	{ "cnzz.com/z_stat.php?id=", HP_TRACKER, "cnzz:", is_digit, 4, 12, 0 },
	{ "cnzz.com/stat.php?id=", HP_TRACKER, "cnzz:", is_digit, 4, 12, 0 },
	{ "mc.yandex.ru/watch/", HP_TRACKER, "ym:", is_digit, 5, 12, 0 },
	{ "ym(", HP_TRACKER, "ym:", is_digit, 5, 12, 1 },
	{ "fbq('init', '", HP_TRACKER, "fb:", is_digit, 10, 20, 1 },
	{ "fbq(\"init\", \"", HP_TRACKER, "fb:", is_digit, 10, 20, 1 },
	{ "hjid:", HP_TRACKER, "hotjar:", is_digit, 5, 10, 1 },
};

void htmlpage_scan_ids(const char *s, size_t n,
		       void (*fn)(int kind, const char *id, size_t len,
				  void *ctx),
		       void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != 'U' && c != 'G' && c != 'c' && c != 'h' && c != 'm' &&
		    c != 'y' && c != 'f')
			continue;
		for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]);
		     p++) {
			const struct id_pattern *pt = &patterns[p];
			size_t pl = strlen(pt->prefix), k;
			char buf[64];
			int bl;

			if ((unsigned char)pt->prefix[0] != c || n - i < pl ||
			    memcmp(s + i, pt->prefix, pl) != 0)
				continue;
			if (pt->boundary && i > 0 &&
			    is_alnum((unsigned char)s[i - 1]))
				continue;
			k = run(s, i + pl, n, pt->cls, pt->max);
			if (k < pt->min || k > pt->max)
				continue;
			/* a longer alphanumeric run is some other token */
			if (i + pl + k < n &&
			    is_alnum((unsigned char)s[i + pl + k]))
				continue;
			if (pt->kind == HP_ANALYTICS && pt->prefix[0] == 'U') {
				/* UA-NNNN-N: the property suffix */
				size_t j = i + pl + k, m;

				if (j >= n || s[j] != '-')
					continue;
				m = run(s, j + 1, n, is_digit, 4);
				if (m < 1 || m > 4)
					continue;
				fn(pt->kind, s + i, pl + k + 1 + m, ctx);
				i += pl + k + m;
				break;
			}
			if (pt->label) {
				bl = snprintf(buf, sizeof(buf), "%s%.*s",
					      pt->label, (int)k, s + i + pl);
				fn(pt->kind, buf, (size_t)bl, ctx);
			} else {
				fn(pt->kind, s + i, pl + k, ctx);
			}
			i += pl + k - 1;
			break;
		}
	}
}

struct id_ctx {
	struct htmlpage *pg;
	int failed;
};

static void id_found(int kind, const char *id, size_t len, void *ctx)
{
	struct id_ctx *ic = ctx;

	if (item_add(ic->pg, kind, id, len))
		ic->failed = 1;
}

/* ---- text -------------------------------------------------------------- */

int htmlpage_has_han(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* U+4E00..U+9FFF: E4 B8 80 .. E9 BF BF; U+3400..U+4DBF:
		 * E3 90 80 .. E4 B6 BF */
		if (c >= 0xE4 && c <= 0xE9) {
			if (c == 0xE4 && (unsigned char)s[i + 1] < 0xB8)
				continue;
			if (((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
			    ((unsigned char)s[i + 2] & 0xC0) == 0x80)
				return 1;
		}
	}
	return 0;
}

/* Appends text with runs of whitespace collapsed to one space. */
static int text_add(struct scratch *sc, const char *s, size_t n)
{
	if (sc->text_len >= HTMLPAGE_MAX_TEXT)
		return 0;
	if (n > HTMLPAGE_MAX_TEXT - sc->text_len)
		n = HTMLPAGE_MAX_TEXT - sc->text_len;
	if (grow((void **)&sc->text, &sc->text_cap, sc->text_len + n + 2, 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
		    c == '\f') {
			if (sc->text_len && sc->text[sc->text_len - 1] != ' ')
				sc->text[sc->text_len++] = ' ';
		} else {
			sc->text[sc->text_len++] = c;
		}
	}
	return 0;
}

static void text_break(struct scratch *sc)
{
	if (sc->text_len && sc->text[sc->text_len - 1] != ' ' &&
	    sc->text_len < sc->text_cap)
		sc->text[sc->text_len++] = ' ';
}

/* ---- URLs -------------------------------------------------------------- */

static size_t host_parse(const char *url, size_t n, char *out, size_t cap,
			 int strip_www)
{
	size_t i = 0, s, e, k = 0;

	while (i < n && (url[i] == ' ' || url[i] == '\t' || url[i] == '\n'))
		i++;
	if (n - i >= 2 && url[i] == '/' && url[i + 1] == '/') {
		i += 2;
	} else {
		size_t j = i;

		while (j < n && (is_alnum((unsigned char)url[j]) ||
				 url[j] == '+' || url[j] == '-' ||
				 url[j] == '.'))
			j++;
		if (j == i || n - j < 3 || memcmp(url + j, "://", 3) != 0)
			return 0;
		if (!((j - i == 4 && strncasecmp(url + i, "http", 4) == 0) ||
		      (j - i == 5 && strncasecmp(url + i, "https", 5) == 0)))
			return 0;
		i = j + 3;
	}
	s = i;
	while (i < n && url[i] != '/' && url[i] != '?' && url[i] != '#' &&
	       url[i] != ':' && url[i] != '@' && url[i] != '\\' &&
	       url[i] != ' ')
		i++;
	if (i < n && url[i] == '@')
		return 0; /* userinfo: not worth the ambiguity */
	e = i;
	if (strip_www && e - s >= 4 && strncasecmp(url + s, "www.", 4) == 0)
		s += 4;
	while (e > s && url[e - 1] == '.')
		e--;
	if (e == s || e - s >= cap || e - s > HTMLPAGE_MAX_HOST)
		return 0;
	for (i = s; i < e; i++) {
		char c = url[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!is_alnum((unsigned char)c) && c != '-' && c != '.' &&
		    c != '_' && !((unsigned char)c & 0x80))
			return 0;
		out[k++] = c;
	}
	out[k] = '\0';
	return k;
}

size_t htmlpage_host(const char *url, size_t n, char *out, size_t cap)
{
	return host_parse(url, n, out, cap, 1);
}

/* The path of an asset URL: query and fragment dropped; the host kept
 * (as "host/path") when it is another site's. */
static int asset_add(struct htmlpage *pg, const char *v, size_t n)
{
	char host[HTMLPAGE_MAX_HOST + 1], buf[HTMLPAGE_MAX_ITEM];
	size_t hl = htmlpage_host(v, n, host, sizeof(host)), i = 0, e;
	int k;

	if (hl) {
		const char *p = memchr(v, '/', n);

		/* skip "scheme://host" or "//host" */
		p = p && (size_t)(p - v) + 1 < n && p[1] == '/' ? p + 2 : p;
		p = p ? memchr(p, '/', n - (size_t)(p - v)) : NULL;
		i = p ? (size_t)(p - v) : n;
	}
	e = i;
	while (e < n && v[e] != '?' && v[e] != '#')
		e++;
	if (hl && strcmp(host, pg->host) != 0)
		k = snprintf(buf, sizeof(buf), "%s%.*s", host, (int)(e - i),
			     v + i);
	else
		k = snprintf(buf, sizeof(buf), "%.*s", (int)(e - i), v + i);
	if (k <= 0)
		return 0;
	return item_add(pg, HP_ASSET, buf,
			(size_t)k < sizeof(buf) ? (size_t)k : sizeof(buf) - 1);
}

/* ---- the walk ---------------------------------------------------------- */

static const char *attr(const GumboElement *el, const char *name, size_t *n)
{
	const GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);

	if (!a || !a->value)
		return NULL;
	*n = strlen(a->value);
	return a->value;
}

static int hidden_tag(GumboTag t)
{
	return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE ||
	       t == GUMBO_TAG_NOSCRIPT || t == GUMBO_TAG_TEMPLATE ||
	       t == GUMBO_TAG_HEAD || t == GUMBO_TAG_TITLE ||
	       t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_SVG;
}

static int block_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR:
	case GUMBO_TAG_LI: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
	case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_TD:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER:
	case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV: case GUMBO_TAG_TR:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_MAIN:
	case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
		return 1;
	default:
		return 0;
	}
}

static void set_lang(struct htmlpage *pg, const char *v, size_t n)
{
	char code[LANGDETECT_CODE_MAX + 1];

	if (pg->lang_declared[0] || !v)
		return;
	/* og:locale writes "zh_CN" */
	if (langdetect_normalize(v, n, code, sizeof(code)) > 0)
		snprintf(pg->lang_declared, sizeof(pg->lang_declared), "%s",
			 code);
}

static int element_enter(struct htmlpage *pg, struct scratch *sc,
			 const GumboElement *el, struct id_ctx *ic)
{
	const char *v, *name;
	size_t n = 0;
	char tok[160];
	int k;

	/* skeleton token: tag and class, no text */
	name = gumbo_normalized_tagname(el->tag);
	if (el->tag == GUMBO_TAG_UNKNOWN)
		name = "?";
	v = attr(el, "class", &n);
	k = snprintf(tok, sizeof(tok), "%s.%.*s", name, v ? (int)(n < 120 ? n : 120) : 0,
		     v ? v : "");
	if (sc->n_tok < HTMLPAGE_MAX_SHINGLES + HTMLPAGE_SHINGLE_K) {
		if (grow((void **)&sc->tok, &sc->tok_cap, sc->n_tok + 1,
			 sizeof(*sc->tok)))
			return -1;
		/* low bit: the element has a class (see the shingles) */
		sc->tok[sc->n_tok++] = (XXH3_64bits(tok, (size_t)k) & ~1ull) |
				       (v && n ? 1u : 0u);
	}
	pg->n_elements++;
	/* ids may sit in any attribute value (src, href, data-ad-client) */
	for (unsigned i = 0; i < el->attributes.length; i++) {
		const GumboAttribute *a = el->attributes.data[i];

		if (a->value && a->value[0])
			htmlpage_scan_ids(a->value, strlen(a->value), id_found,
					  ic);
	}
	switch (el->tag) {
	case GUMBO_TAG_HTML:
		if ((v = attr(el, "lang", &n)))
			set_lang(pg, v, n);
		if (!pg->lang_declared[0] && (v = attr(el, "xml:lang", &n)))
			set_lang(pg, v, n);
		break;
	case GUMBO_TAG_META: {
		size_t cn = 0;
		const char *c = attr(el, "content", &cn);

		if (!c)
			break;
		if ((v = attr(el, "name", &n)) && strcasecmp(v, "generator") == 0)
			return item_add(pg, HP_GENERATOR, c, cn);
		if ((v = attr(el, "http-equiv", &n)) &&
		    strcasecmp(v, "content-language") == 0)
			set_lang(pg, c, cn);
		if ((v = attr(el, "property", &n)) &&
		    strcasecmp(v, "og:locale") == 0)
			set_lang(pg, c, cn);
		break;
	}
	case GUMBO_TAG_A:
		if ((v = attr(el, "href", &n))) {
			char host[HTMLPAGE_MAX_HOST + 1];

			if (htmlpage_host(v, n, host, sizeof(host)) &&
			    strcmp(host, pg->host) != 0)
				return item_add(pg, HP_LINK, host,
						strlen(host));
		}
		break;
	case GUMBO_TAG_LINK:
		if ((v = attr(el, "rel", &n)) && strcasestr(v, "stylesheet") &&
		    (v = attr(el, "href", &n)))
			return asset_add(pg, v, n);
		break;
	case GUMBO_TAG_SCRIPT:
		if ((v = attr(el, "src", &n)))
			return asset_add(pg, v, n);
		break;
	default:
		break;
	}
	return 0;
}

static int push(struct scratch *sc, const GumboNode *node, int leaving)
{
	if (grow((void **)&sc->stack, &sc->stack_cap, sc->n_stack + 1,
		 sizeof(*sc->stack)))
		return -1;
	sc->stack[sc->n_stack].node = node;
	sc->stack[sc->n_stack].leaving = leaving;
	sc->n_stack++;
	return 0;
}

static int cmp_p(const void *a, const void *b)
{
	const struct walk_p *x = a, *y = b;

	if (x->parent != y->parent)
		return (uintptr_t)x->parent < (uintptr_t)y->parent ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int walk(struct htmlpage *pg, struct scratch *sc, const GumboNode *root)
{
	struct id_ctx ic = { pg, 0 };
	int hidden = 0;
	uint32_t order = 0;
	/* text offset where each open <p> started: kept on the stack entry's
	 * partner below, via a parallel array indexed by stack depth */
	size_t *p_start = NULL, p_cap = 0;
	int rc = -1;

	sc->n_stack = 0;
	if (push(sc, root, 0))
		return -1;
	while (sc->n_stack) {
		struct stack_ent e = sc->stack[--sc->n_stack];
		const GumboNode *nd = e.node;

		if (nd->type == GUMBO_NODE_ELEMENT ||
		    nd->type == GUMBO_NODE_TEMPLATE) {
			const GumboElement *el = &nd->v.element;

			if (e.leaving) {
				if (hidden_tag(el->tag))
					hidden--;
				if (block_tag(el->tag))
					text_break(sc);
				if (el->tag == GUMBO_TAG_P && !hidden &&
				    sc->n_stack < p_cap) {
					size_t st = p_start[sc->n_stack];
					struct walk_p *w;

					if (grow((void **)&sc->ps, &sc->ps_cap,
						 sc->n_ps + 1, sizeof(*sc->ps)))
						goto out;
					w = &sc->ps[sc->n_ps++];
					w->parent = nd->parent;
					w->off = (uint32_t)st;
					w->len = (uint32_t)(sc->text_len - st);
					w->order = order++;
				}
				continue;
			}
			if (element_enter(pg, sc, el, &ic) || ic.failed)
				goto out;
			if (block_tag(el->tag))
				text_break(sc);
			if (el->tag == GUMBO_TAG_P) {
				if (grow((void **)&p_start, &p_cap,
					 sc->n_stack + 1, sizeof(*p_start)))
					goto out;
				p_start[sc->n_stack] = sc->text_len;
			}
			if (hidden_tag(el->tag))
				hidden++;
			if (push(sc, nd, 1))
				goto out;
			for (unsigned i = el->children.length; i-- > 0;)
				if (push(sc, el->children.data[i], 0))
					goto out;
		} else if (nd->type == GUMBO_NODE_DOCUMENT) {
			const GumboDocument *d = &nd->v.document;

			for (unsigned i = d->children.length; i-- > 0;)
				if (push(sc, d->children.data[i], 0))
					goto out;
		} else if (nd->type == GUMBO_NODE_COMMENT) {
			const char *t = nd->v.text.text;
			size_t tn = strlen(t), b = 0;
			char buf[HTMLPAGE_MAX_ITEM];
			size_t k = 0;

			if (htmlpage_has_han(t, tn))
				pg->n_han_comments++;
			/* whitespace collapsed so indentation does not matter */
			for (; b < tn && k + 1 < sizeof(buf); b++) {
				char c = t[b] == '\n' || t[b] == '\t' ||
							 t[b] == '\r'
						 ? ' '
						 : t[b];

				if (c == ' ' && (k == 0 || buf[k - 1] == ' '))
					continue;
				buf[k++] = c;
			}
			while (k && buf[k - 1] == ' ')
				k--;
			if (item_add(pg, HP_COMMENT, buf, k))
				goto out;
		} else {
			/* text, whitespace, CDATA */
			const char *t = nd->v.text.text;
			size_t tn = strlen(t);
			const GumboNode *par = nd->parent;

			if (par && par->type == GUMBO_NODE_ELEMENT &&
			    par->v.element.tag == GUMBO_TAG_SCRIPT) {
				htmlpage_scan_ids(t, tn, id_found, &ic);
				if (ic.failed)
					goto out;
			} else if (par && par->type == GUMBO_NODE_ELEMENT &&
				   par->v.element.tag == GUMBO_TAG_TITLE) {
				if (!pg->title_len && tn) {
					size_t m = tn < 1024 ? tn : 1024;

					if (str_add(pg, t, m, &pg->title_off))
						goto out;
					pg->title_len = (uint32_t)m;
				}
			} else if (!hidden) {
				if (text_add(sc, t, tn))
					goto out;
			}
		}
	}
	rc = 0;
out:
	free(p_start);
	return rc;
}

/* The article: the parent whose <p> children hold the most text. */
static int pick_article(struct htmlpage *pg, struct scratch *sc)
{
	size_t best = 0, best_i = 0, best_n = 0, i, j;

	if (sc->n_ps)
		qsort(sc->ps, sc->n_ps, sizeof(*sc->ps), cmp_p);
	for (i = 0; i < sc->n_ps; i = j) {
		size_t sum = 0;

		for (j = i; j < sc->n_ps && sc->ps[j].parent == sc->ps[i].parent;
		     j++)
			sum += sc->ps[j].len;
		if (sum > best) {
			best = sum;
			best_i = i;
			best_n = j - i;
		}
	}
	pg->article_off = (uint32_t)pg->str_len;
	pg->article_len = 0;
	pg->n_paragraphs = best_n;
	for (i = best_i; i < best_i + best_n; i++) {
		uint32_t off;
		const struct walk_p *w = &sc->ps[i];
		const char *s = sc->text + w->off;
		size_t n = w->len;

		while (n && *s == ' ') {
			s++;
			n--;
		}
		while (n && s[n - 1] == ' ')
			n--;
		if (!n)
			continue;
		if (pg->article_len && str_add(pg, "\n", 1, &off))
			return -1;
		if (str_add(pg, s, n, &off))
			return -1;
		pg->article_len = (uint32_t)(pg->str_len - pg->article_off);
	}
	pg->text_len = sc->text_len;
	pg->boiler_len = sc->text_len > best ? sc->text_len - best : 0;
	return 0;
}

/* ---- nesting guard ----------------------------------------------------- */

/* gumbo checks element scopes by scanning its stack of open elements, so
 * its cost grows with tokens x depth; a page nested thousands deep (real
 * pages stay under a hundred) would take minutes. This pre-scan tracks an
 * upper estimate of the depth (opening tags that are neither void, nor
 * self-closed, nor implicitly closed, minus closing tags; raw-text
 * elements and comments skipped) and returns where it first passes
 * HTMLPAGE_MAX_DEPTH, or n. */
static int name_in(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && strncasecmp(s, *set, n) == 0)
			return 1;
	return 0;
}

static size_t depth_cut(const char *s, size_t n)
{
	static const char *const flat[] = {
		"area", "base", "br", "col", "embed", "hr", "img", "input",
		"link", "meta", "source", "track", "wbr", "param", "keygen",
		"p", "li", "option", "td", "th", "tr", "dt", "dd", "rb", "rt",
		"rp", "optgroup", "tbody", "thead", "tfoot", "colgroup", NULL
	};
	static const char *const raw[] = { "script", "style", "textarea",
					   "title", "xmp", "plaintext",
					   "noscript", "iframe", NULL };
	size_t depth = 0, i = 0;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t t, nl;
		const char *gt;

		if (!lt)
			break;
		t = (size_t)(lt - s) + 1;
		if (t >= n)
			break;
		if (s[t] == '!') {
			const char *e = NULL;

			if (n - t >= 3 && s[t + 1] == '-' && s[t + 2] == '-')
				e = memmem(s + t, n - t, "-->", 3);
			else
				e = memchr(s + t, '>', n - t);
			i = e ? (size_t)(e - s) + 1 : n;
			continue;
		}
		if (s[t] == '/') {
			for (nl = 0; t + 1 + nl < n && is_alnum((unsigned char)s[t + 1 + nl]); nl++)
				;
			if (nl && !name_in(s + t + 1, nl, flat) && depth)
				depth--;
			i = t + 1;
			continue;
		}
		if (!((s[t] >= 'a' && s[t] <= 'z') || (s[t] >= 'A' && s[t] <= 'Z'))) {
			i = t;
			continue;
		}
		for (nl = 0; t + nl < n && is_alnum((unsigned char)s[t + nl]); nl++)
			;
		gt = memchr(s + t, '>', n - t);
		if (!gt)
			break;
		i = (size_t)(gt - s) + 1;
		if (gt[-1] == '/' || name_in(s + t, nl, flat))
			continue;
		if (name_in(s + t, nl, raw)) {
			/* skip to the matching end tag */
			const char *e = s + i;

			while ((e = memchr(e, '<', n - (size_t)(e - s))) != NULL) {
				if ((size_t)(s + n - e) > nl + 2 && e[1] == '/' &&
				    strncasecmp(e + 2, s + t, nl) == 0)
					break;
				e++;
			}
			i = e ? (size_t)(e - s) : n;
			continue;
		}
		if (++depth > HTMLPAGE_MAX_DEPTH)
			return (size_t)(lt - s);
	}
	return n;
}

void htmlpage_init(struct htmlpage *pg)
{
	memset(pg, 0, sizeof(*pg));
}

void htmlpage_release(struct htmlpage *pg)
{
	struct scratch *sc;

	if (!pg)
		return;
	if (pg->arena) {
		arena_reset(pg->arena);
		free(((struct arena *)pg->arena)->head);
		free(pg->arena);
	}
	sc = pg->scratch;
	if (sc) {
		free(sc->text);
		free(sc->ps);
		free(sc->tok);
		free(sc->stack);
		free(sc);
	}
	free(pg->str);
	free(pg->items);
	free(pg->shingles);
	memset(pg, 0, sizeof(*pg));
}

enum cib_err htmlpage_parse(struct htmlpage *pg, const char *html, size_t n,
			    const char *url, size_t url_n)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;
	struct scratch *sc;
	size_t k, m = 0;

	if (!pg->arena && !(pg->arena = calloc(1, sizeof(struct arena))))
		return CIB_ENOMEM;
	if (!pg->scratch && !(pg->scratch = calloc(1, sizeof(struct scratch))))
		return CIB_ENOMEM;
	sc = pg->scratch;
	sc->text_len = sc->n_ps = sc->n_tok = sc->n_stack = 0;
	pg->str_len = 0;
	pg->n_items = pg->n_dropped = 0;
	pg->title_off = pg->title_len = pg->article_off = pg->article_len = 0;
	pg->lang_declared[0] = '\0';
	pg->text_len = pg->boiler_len = pg->n_paragraphs = 0;
	pg->n_han_comments = pg->n_shingles = pg->n_elements = 0;
	pg->input_cut = 0;
	if (!htmlpage_host(url, url_n, pg->host, sizeof(pg->host)))
		pg->host[0] = '\0';
	if (!host_parse(url, url_n, pg->host_full, sizeof(pg->host_full), 0))
		pg->host_full[0] = '\0';
	if (n > HTMLPAGE_MAX_INPUT) {
		n = HTMLPAGE_MAX_INPUT;
		pg->input_cut = 1;
	}
	if (html) {
		size_t cut = depth_cut(html, n);

		if (cut < n) {
			n = cut;
			pg->input_cut = 1;
		}
	}
	if (grow((void **)&pg->str, &pg->str_cap, 1, 1))
		return CIB_ENOMEM;
	pg->str[0] = '\0';
	opt.allocator = arena_alloc;
	opt.deallocator = arena_free;
	opt.userdata = pg->arena;
	opt.max_errors = 0;
	out = parse_guarded(pg->arena, &opt, html ? html : "", n);
	if (!out || walk(pg, sc, out->document) || pick_article(pg, sc)) {
		arena_reset(pg->arena);
		return CIB_ENOMEM;
	}
	arena_reset(pg->arena);
	/* template shingles: K consecutive skeleton tokens */
	k = HTMLPAGE_SHINGLE_K;
	if (sc->n_tok) {
		size_t ns = sc->n_tok >= k ? sc->n_tok - k + 1 : 1;

		if (ns > HTMLPAGE_MAX_SHINGLES)
			ns = HTMLPAGE_MAX_SHINGLES;
		if (!pg->shingles &&
		    !(pg->shingles = malloc(HTMLPAGE_MAX_SHINGLES *
					    sizeof(*pg->shingles))))
			return CIB_ENOMEM;
		for (size_t i = 0; i < ns; i++) {
			size_t w = sc->n_tok - i < k ? sc->n_tok - i : k;
			uint64_t any = 0;

			/* runs of class-less elements (<li><a>, <p>, <br>)
			 * are in every site: they say nothing of a template */
			for (size_t x = 0; x < w; x++)
				any |= sc->tok[i + x] & 1;
			if (!any)
				continue;
			pg->shingles[m++] =
				XXH3_64bits(sc->tok + i, w * sizeof(*sc->tok));
		}
		sortu64(pg->shingles, m);
		k = 0;
		for (size_t i = 0; i < m; i++)
			if (!k || pg->shingles[k - 1] != pg->shingles[i])
				pg->shingles[k++] = pg->shingles[i];
		m = k;
	}
	pg->n_shingles = m;
	return CIB_OK;
}
