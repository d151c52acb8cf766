/* htmlpage.h - what one crawled HTML page says about the site behind it.
 *
 * The page is parsed with gumbo (a WHATWG HTML5 tree builder, so broken
 * real-world markup gives the tree a browser would build) and walked once,
 * without recursion. Extracted: title, declared language, generator meta,
 * the visible text split into the article body (the container holding the
 * most paragraph text, see the .c) and boilerplate, external link hosts,
 * stylesheet and script paths, HTML comments, infrastructure ids
 * (Universal Analytics UA-, GA4 G-, Tag Manager GTM-, AdSense ca-pub-,
 * Facebook pixel, Yandex Metrica, Baidu Tongji, CNZZ, Hotjar), and the
 * template fingerprint: hashed shingles of the DOM skeleton (tag and class
 * names in document order, no text; runs of class-less elements, common
 * to every site, left out), so two pages of one template share most
 * shingles whatever their text.
 *
 * A struct htmlpage is reused from page to page: htmlpage_parse() clears
 * it and every buffer keeps its capacity. Inputs over HTMLPAGE_MAX_INPUT
 * are cut there; every list has a cap (below) and counts what it dropped.
 * Not thread-safe per struct; use one per thread.
 */
#ifndef CIB_HTMLPAGE_H
#define CIB_HTMLPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

#define HTMLPAGE_MAX_INPUT ((size_t)4 << 20)
#define HTMLPAGE_MAX_TEXT ((size_t)256 << 10) /* article and title */
#define HTMLPAGE_MAX_ITEMS 512  /* ids, links, assets, comments */
#define HTMLPAGE_MAX_ITEM 256   /* bytes kept of one item */
#define HTMLPAGE_MAX_SHINGLES 2048
#define HTMLPAGE_SHINGLE_K 4    /* skeleton tokens per shingle */
#define HTMLPAGE_MAX_HOST 255
/* estimated element nesting past which a page is cut (see the .c) */
#define HTMLPAGE_MAX_DEPTH 256

enum htmlpage_kind {
	HP_ANALYTICS = 0, /* UA-…, G-…, GTM-… */
	HP_ADPUB,         /* ca-pub-… */
	HP_TRACKER,       /* fb:…, ym:…, baidu:…, cnzz:…, hotjar:… */
	HP_GENERATOR,     /* <meta name=generator> */
	HP_COMMENT,       /* an HTML comment, whitespace collapsed */
	HP_ASSET,         /* stylesheet or script path (host kept if external) */
	HP_LINK,          /* host of an outgoing link to another site */
	HP__KINDS
};

struct htmlpage_item {
	uint8_t kind;
	uint32_t off, len; /* into htmlpage.str */
};

struct htmlpage {
	char host[HTMLPAGE_MAX_HOST + 1]; /* page host, lower case, no www. */
	char host_full[HTMLPAGE_MAX_HOST + 1]; /* the same with its www. */
	/* strings: offsets into str */
	char *str;
	size_t str_len, str_cap;
	uint32_t title_off, title_len;
	uint32_t article_off, article_len; /* article body text */
	char lang_declared[16];            /* normalised code or "" */
	size_t text_len;                   /* all visible text */
	size_t boiler_len;                 /* visible text outside the article */
	size_t n_paragraphs;               /* <p> in the article container */
	size_t n_han_comments;             /* comments holding Han characters */
	struct htmlpage_item *items;
	size_t n_items, items_cap;
	size_t n_dropped; /* items over HTMLPAGE_MAX_ITEMS */
	uint64_t *shingles; /* sorted, distinct */
	size_t n_shingles;
	size_t n_elements;
	int input_cut; /* cut at HTMLPAGE_MAX_INPUT or HTMLPAGE_MAX_DEPTH */
	/* private */
	void *arena;
	void *scratch;
};

void htmlpage_init(struct htmlpage *pg);
void htmlpage_release(struct htmlpage *pg);

/* Parses html[0..n) of the page at url[0..url_n). CIB_ENOMEM is the only
 * error: any bytes parse to some tree. */
enum cib_err htmlpage_parse(struct htmlpage *pg, const char *html, size_t n,
			    const char *url, size_t url_n);

/* Pointer to item i's bytes (not NUL-terminated, len in the item). */
static inline const char *htmlpage_item_str(const struct htmlpage *pg,
					    size_t i)
{
	return pg->str + pg->items[i].off;
}

/* Writes the host of url[0..n) (scheme and port dropped, lower case, a
 * leading "www." removed) into out (cap >= HTMLPAGE_MAX_HOST + 1); returns
 * its length, 0 when url has no host. Relative URLs have none. */
size_t htmlpage_host(const char *url, size_t n, char *out, size_t cap);

/* Scans s[0..n) for infrastructure ids and calls fn(kind, id, len, ctx)
 * for each (exposed for tests). */
void htmlpage_scan_ids(const char *s, size_t n,
		       void (*fn)(int kind, const char *id, size_t len,
				  void *ctx),
		       void *ctx);

/* Whether s[0..n) holds a Han (CJK ideograph) character. */
int htmlpage_has_han(const char *s, size_t n);

#endif
