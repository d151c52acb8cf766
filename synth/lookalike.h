/* lookalike.h - the organic side of the synth modes: public accounts
 * (politicians and pundits, news outlets), ordinary people, and the
 * organic look-alikes of coordination that a detector must not flag:
 * advocacy click-to-tweet crowds, contest hunters, news aggregator bots,
 * friend groups and partisans. docs/synth.md gives each one's reason. */
#ifndef CIB_LOOKALIKE_H
#define CIB_LOOKALIKE_H

#include <stdint.h>

#include "scene.h"

/* Public accounts whose posts others repost, reply to and copy. Run
 * first: the pools they fill are what everybody else reacts to. */
void lookalike_publics(struct scene *s);
/* n ordinary people, one unit each. */
void lookalike_organic(struct scene *s, uint64_t n);
/* The five look-alike kinds; `scale` multiplies their sizes (1 = the
 * documented ranges). Partisans echo the operations registered so far. */
void lookalike_all(struct scene *s, double scale);

/* The URL of a news outlet's post (derived from the post, so copies by
 * aggregators and shares by people agree). */
void lookalike_outlet_url(const struct sref *r, char *buf, size_t cap);

#endif
