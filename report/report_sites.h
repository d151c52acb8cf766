/* report_sites.h - the site networks section of the HTML report. */
#ifndef CIB_REPORT_SITES_H
#define CIB_REPORT_SITES_H

#include <stdio.h>

#include "core/error.h"
#include "model/siteacc.h"

/* One section per flagged site network of sa->s (nothing when sa is NULL).
 * Every input string is HTML-escaped. */
enum cib_err report_sites_write(FILE *f, const struct siteacc *sa);

#endif
