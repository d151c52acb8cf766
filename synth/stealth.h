/* stealth.h - stealthy operation networks (synth --stealth) and one
 * operation run across several platforms (synth --platforms).
 *
 * Stealth members paraphrase talking points instead of pasting them
 * (no two members' texts are identical), never repost each other, each
 * post at its own time (office shift on Beijing time or a scheduler at any
 * hour), hours to days apart. What remains to find them: the same rare
 * article URLs, sites and talking points, the pooled office rhythm,
 * creation batches and repurposed accounts. */
#ifndef CIB_STEALTH_H
#define CIB_STEALTH_H

#include "scene.h"

/* One stealth network on X (the scene's first platform otherwise);
 * size_scale multiplies the member range 40..250. */
void stealth_network(struct scene *s, int idx, double size_scale);
/* One operation with members on every platform of the scene: the same
 * texts and URLs cross-posted (verbatim across platforms, paraphrased
 * within one), accounts not linkable by id. */
void stealth_crossplatform(struct scene *s, int idx, double size_scale);

#endif
