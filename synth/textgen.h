/* textgen.h - the texts of the synth modes: talking points and their
 * paraphrases, people's everyday posts, the old posts of repurposed
 * accounts, headlines, giveaways and advocacy alerts.
 *
 * A talking point is an entity (what it is about) and two or three claim
 * clauses. A paraphrase renders it with its own synonym choices, clause
 * order, an optional dropped clause, opener, filler sentence and emoji, the
 * way operators rewrite (or have a language model rewrite) one brief. In
 * Chinese and Japanese the clauses are joined without spaces. Every
 * function writes NUL-terminated UTF-8 into buf (cut at a character
 * boundary when cap is short) and returns its length.
 */
#ifndef CIB_TEXTGEN_H
#define CIB_TEXTGEN_H

#include <stddef.h>
#include <stdint.h>

#include "srng.h"

enum tlang { TL_EN, TL_ZH, TL_JA, TL_ES, TL_FR, TL_DE, TL_PT, TL__COUNT };

const char *textgen_lang_code(enum tlang l);

struct tpoint {
	uint16_t ent;   /* entity index */
	uint8_t lang;   /* enum tlang: EN, ZH or JA */
	uint8_t n;      /* clauses, 2 or 3 */
	uint16_t cl[3]; /* clause templates */
};

/* How an operator rewrites: probabilities per post. p_keep keeps a
 * claim's brief wording (then only synonyms change); otherwise another
 * phrasing of the same claim is written, as a person or a language model
 * asked to rewrite it would. */
struct pstyle {
	double p_reorder, p_drop, p_opener, p_filler, p_emoji, p_keep;
};

/* Number of talking-point entities (topics x items). */
unsigned textgen_n_entities(void);
void textgen_tpoint_draw(struct srng *r, enum tlang lang, struct tpoint *tp);
size_t textgen_paraphrase(struct srng *r, const struct tpoint *tp,
			  const struct pstyle *st, char *buf, size_t cap);
/* A partisan's own sentence about entity `ent` (not a paraphrase of any
 * talking point: their own words around the same names). */
size_t textgen_opinion(struct srng *r, unsigned ent, char *buf, size_t cap);
/* An everyday post in `lang`. */
size_t textgen_chatter(struct srng *r, enum tlang lang, char *buf,
		       size_t cap);
/* An old persona's post: 0 lingerie/fashion ads, 1 crypto spam, 2 K-pop
 * fan page, 3 sports betting. */
size_t textgen_oldpersona(struct srng *r, int kind, char *buf, size_t cap);
/* An old persona's profile: name and description. */
void textgen_oldprofile(struct srng *r, int kind, char *name, size_t nn,
			char *desc, size_t nd);
size_t textgen_headline(struct srng *r, char *buf, size_t cap);
size_t textgen_giveaway(struct srng *r, const char *brand, char *buf,
			size_t cap);
/* An advocacy alert's prewritten text (the mention of the target, the
 * campaign hashtag and link are entities added by the caller). */
size_t textgen_alert(struct srng *r, char *buf, size_t cap);
/* A political hashtag (without '#') from the shared bank. */
const char *textgen_pol_hashtag(unsigned i);
unsigned textgen_n_pol_hashtags(void);
/* A person's display name in `lang` and a handle derived from it. */
void textgen_person(struct srng *r, enum tlang lang, char *name, size_t nn,
		    char *handle, size_t nh);
/* A short bio of a political persona. */
size_t textgen_polbio(struct srng *r, enum tlang lang, char *buf, size_t cap);
/* An everyday bio. */
size_t textgen_bio(struct srng *r, enum tlang lang, char *buf, size_t cap);
/* A word of a made-up obscure site name ("globalvoicetoday") into buf. */
void textgen_domain(struct srng *r, char *buf, size_t cap);
/* A URL slug of a few words. */
void textgen_slug(struct srng *r, char *buf, size_t cap);

#endif
