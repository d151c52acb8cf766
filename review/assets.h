/* assets.h - the web review app's static stylesheet and script
 * (review/assets.c), served from self. */
#ifndef CIB_REVIEW_ASSETS_H
#define CIB_REVIEW_ASSETS_H

extern const char review_app_css[];
extern const char review_graph_js[];

#endif
