/* fuzz_targets.c - fetch_targets_load (fetch/fetch.c) on arbitrary bytes:
 * a plain list of targets, or a 'cibscan flag' CSV read through
 * core/csvrec, written to a temporary file (the loader reads files) and
 * loaded for X and for Reddit (the handle column). Must never crash, leak
 * or overrun; every failure comes with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static const enum platform plats[] = { PLATFORM_X, PLATFORM_REDDIT };
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz_targets_%d.csv",
			 (int)getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	for (size_t i = 0; i < sizeof(plats) / sizeof(plats[0]); i++) {
		char **t = NULL, err[256];
		size_t n = 0;
		enum cib_err rc;

		err[0] = '\0';
		rc = fetch_targets_load(path, plats[i], &t, &n, err,
					sizeof(err));
		if (rc == CIB_OK) {
			for (size_t k = 0; k < n; k++)
				if (!t[k] || !t[k][0])
					abort(); /* targets are never empty */
			fetch_targets_free(t, n);
		} else if (!err[0] && rc != CIB_ENOMEM) {
			abort(); /* a failure always says why */
		}
	}
	unlink(path);
	return 0;
}
