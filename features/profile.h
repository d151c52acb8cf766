/* profile.h - account profile signals: creation batches, default-looking
 * handles, follower shape, engagement received.
 *
 * docs/features-profile.md gives every formula and constant with its
 * reason. Ownership: the caller owns the struct profile_result;
 * profile_compute allocates its arrays, profile_result_release frees them.
 */
#ifndef CIB_PROFILE_H
#define CIB_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/dataset.h"
#include "../core/error.h"
#include "../core/postindex.h"

/* Half-width in days of the window whose creations give a day's expected
 * rate (the day itself excluded). */
#define PROFILE_WINDOW_DAYS 30
/* A trailing run of at least this many digits makes a handle default. */
#define PROFILE_DEFAULT_DIGITS 6
/* This many letter/digit alternations make a handle look generated. */
#define PROFILE_DEFAULT_ALTERNATIONS 6
/* Handles this long are anonymisation hashes (IO archives), not judged. */
#define PROFILE_HASHED_HANDLE_LEN 32

struct profile_result {		/* arrays of ds->acc.n entries */
	size_t n;
	double *creation_z;	/* ((c - 1) - lambda) / sqrt(lambda); NAN when
				   the creation date is unknown */
	double *creation_p;	/* P(Poisson(lambda) >= c - 1); NAN unknown */
	double *creation_lambda; /* expected creations that day besides this
				    account; NAN unknown */
	uint32_t *created_same_day; /* c: accounts created that UTC day (this
				       one included); 0 unknown */
	uint8_t *default_handle;    /* profile_default_handle() of the handle */
	double *follow_ratio;	/* log10((followers+1)/(following+1)); NAN */
	double *engagement_per_post;	 /* per original post; NAN none */
	double *engagement_per_follower; /* that / (followers + 1); NAN */
	uint32_t *n_original;	/* original posts with any engagement count */
};

enum cib_err profile_compute(const struct dataset *ds,
			     const struct postindex *pi,
			     struct profile_result *r);

/* The data's creation days: n distinct UTC days (ascending) and how many
 * accounts were created on each. */
struct profile_days {
	size_t n;
	const int64_t *day;
	const uint64_t *cnt;
};

/* ds's own creation days (*day, *cnt: malloc'd arrays of *n; free them). */
enum cib_err profile_days_of(const struct dataset *ds, int64_t **day,
			     uint64_t **cnt, size_t *n);

/* profile_compute with the creation test against `days` (NULL: ds's own),
 * for a dataset holding a shard of the accounts (mpi/mpi_feat.c): days
 * are then every shard's summed, and each account's statistics are what
 * the whole dataset gives it. */
enum cib_err profile_compute_days(const struct dataset *ds,
				  const struct postindex *pi,
				  const struct profile_days *days,
				  struct profile_result *r);
void profile_result_release(struct profile_result *r);
/* Allocates r's arrays for n accounts (unset), for a caller that fills
 * them from results computed elsewhere (a shard's, mpi/mpi_feat.c). */
enum cib_err profile_result_alloc(struct profile_result *r, size_t n);

/* 1 when `handle` (NUL-terminated, a leading '@' ignored) looks default or
 * generated: all digits (6 or more), a letter then a trailing run of
 * PROFILE_DEFAULT_DIGITS or more digits, or PROFILE_DEFAULT_ALTERNATIONS
 * or more letter/digit alternations. 0 otherwise, and for NULL, "" and
 * hashes of PROFILE_HASHED_HANDLE_LEN or more characters. */
int profile_default_handle(const char *handle);

/* Upper-tail Poisson probability P(X >= k) for X ~ Poisson(mu) (1 when
 * k <= 0), exposed for tests. */
double profile_poisson_upper(int64_t k, double mu);

#endif
