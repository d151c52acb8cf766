/* fuzz_timing.c - claimed-location matching and the timing fit on
 * arbitrary bytes. The first byte chooses: even -> the rest is a location
 * text (checks: a found offset lies in [-12 h, +14 h]); odd -> the rest
 * fills a struct timing_profile (counts as hand-made or saturated as they
 * come; checks: p-values and confidences in [0, 1] or NAN, no crash). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "features/location.h"
#include "features/timing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_p(double p)
{
	if (!isnan(p) && !(p >= 0 && p <= 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	gsl_set_error_handler_off(); /* as main() does */
	if ((data[0] & 1) == 0) {
		char *s = malloc(size);
		int32_t off = 0;
		const char *zone = NULL;

		if (!s)
			return 0;
		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		if (location_zone(s, &zone) == 0 && (!zone || !*zone))
			abort();
		if (location_offset(s, 1561982400, &off) == 0 &&
		    (off < -720 || off > 840))
			abort();
		free(s);
	} else {
		struct timing_profile p;
		struct timing_fit f;
		size_t n = size - 1 < sizeof(p) ? size - 1 : sizeof(p);

		timing_profile_init(&p);
		memcpy(&p, data + 1, n);
		if (timing_fit_profile(&p, &f) != CIB_OK)
			abort();
		check_p(f.shift_p);
		check_p(f.lunch_dip_p);
		check_p(f.supper_dip_p);
		check_p(f.seconds_chi2_p);
		check_p(f.sleep_gap_conf);
	}
	return 0;
}
