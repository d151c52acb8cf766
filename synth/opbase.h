/* opbase.h - what every operation of the synth modes is made of: its
 * operator's office shift, creation batches, repurposed accounts, sites
 * and articles, hashtags and talking points, all drawn per network from
 * ranges (docs/synth.md), and the member accounts built from them. */
#ifndef CIB_OPBASE_H
#define CIB_OPBASE_H

#include <stdint.h>

#include "rhythm.h"
#include "scene.h"
#include "textgen.h"

#define OP_MAX_TP 400

struct opbase {
	uint32_t group;
	const char *kind;  /* "stealth", "sparse", "xplat" */
	struct opvocab *vocab;
	struct shift sh;
	double p_sched;    /* posts fired by a scheduler at any hour */
	double p_zh;       /* members with a Chinese persona */
	enum tlang tlang;  /* main text language (EN, ZH or JA) */
	double p_other_lang; /* posts in the other of ZH/JA (CJK networks) */
	int64_t batch[6];
	int nbatch;
	double p_batch, p_repurpose, p_claim_us;
	int narticles;     /* per domain */
	struct tpoint tp[OP_MAX_TP];
	int64_t tp_rel[OP_MAX_TP];
	double tp_life[OP_MAX_TP];
	int ntp;
	struct pstyle style;
	double p_link, p_tag, p_chatter, p_reply;
	double fol_median;
};

/* Draws an operation; ntp in [tp_lo, tp_hi]. Registers its vocabulary in
 * the scene for partisans to echo. */
void opbase_draw(struct scene *s, struct srng *r, struct opbase *o,
		 const char *kind, int tp_lo, int tp_hi);
/* A member account on `plat` (added to the current unit); writes the old
 * persona's posts of a repurposed account. *active is when it starts
 * working for the operation. Returns the unit index or -1. */
long opbase_member(struct scene *s, struct srng *r, struct opbase *o,
		   enum splat plat, int64_t *active);
/* A time for one post in [a, b): office shift or scheduler. */
int64_t opbase_time(struct srng *r, const struct opbase *o, int64_t a,
		    int64_t b);
/* An article of the operation's sites: url, and when it was published. */
void opbase_article(struct scene *s, const struct opbase *o, unsigned idx,
		    char *url, size_t cap, int64_t *published);

#endif
