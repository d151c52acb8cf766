/* sparse.h - sparse operation networks (synth --sparse): a few hundred
 * accounts that each post 4-20 times in the window (two years by
 * default). No pair shares enough to be significant alone; the evidence
 * is collective: one set of sites, talking points and hashtags whose
 * audience is dominated by accounts created on the same few days, posting
 * in one office rhythm, with almost no reach. */
#ifndef CIB_SPARSE_H
#define CIB_SPARSE_H

#include "scene.h"

#define SPARSE_MIN_POSTS 4
#define SPARSE_MAX_POSTS 20

/* One sparse network on the scene's X (or first) platform; size_scale
 * multiplies the member range 150..500. */
void sparse_network(struct scene *s, int idx, double size_scale);

#endif
