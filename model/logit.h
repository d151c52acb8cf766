/* logit.h - the scoring model: L2-regularised logistic regression on
 * standardised features, fitted by projected Newton (IRLS with sign
 * constraints on chosen coefficients, GSL Cholesky), saved and loaded as
 * JSON.
 *
 * A model names its features; loading checks the names against the ones
 * the caller computes, so a model file from another version is refused
 * rather than silently misapplied.
 */
#ifndef CIB_LOGIT_H
#define CIB_LOGIT_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

#define LOGIT_MAX_FEATURES 48

struct logit_model {
	size_t p;
	char names[LOGIT_MAX_FEATURES][48];
	double mean[LOGIT_MAX_FEATURES], sd[LOGIT_MAX_FEATURES];
	double coef[LOGIT_MAX_FEATURES]; /* on standardised features */
	/* sign constraint per coefficient: +1 keeps it >= 0, -1 <= 0, 0 free.
	 * Evidence inputs are +1 so that more evidence never lowers a score */
	int sign[LOGIT_MAX_FEATURES];
	double intercept;
	double ridge;        /* L2 penalty used in fitting */
	double threshold;    /* default flag threshold on the score */
	double target_fpr;   /* false-positive rate the threshold was set for */
	double prior;        /* positive share in the training data */
	/* positive share in the training data among accounts with
	 * coordination evidence (prior_e) and without (prior_n); NAN when the
	 * model file predates them (then `prior` serves for both) */
	double prior_e, prior_n;
	size_t n_train_e;    /* training accounts with evidence */
	char source[256];    /* how it was fitted (data, seeds) */
	size_t n_train;
};

/* Linear predictor and probability for one row of raw features. */
double logit_predict(const struct logit_model *m, const double *x);

/* Fits m (names and sign[] must be set, p > 0) on rows X[n][p] with labels
 * y (0/1): the penalised maximum-likelihood coefficients subject to
 * sign[j] * coef[j] >= 0. Rows with weight w[i] (NULL: all 1). Returns
 * CIB_ERANGE when a class is empty, CIB_ELIB when the solve fails (errmsg
 * says). */
enum cib_err logit_fit(struct logit_model *m, const double *X, const int *y,
		       const double *w, size_t n, double ridge, char *errmsg,
		       size_t errlen);

/* Chooses m->threshold as the smallest score whose false-positive rate on
 * the negatives of (scores, y) is at most target_fpr. */
void logit_calibrate_threshold(struct logit_model *m, const double *scores,
			       const int *y, size_t n, double target_fpr);

/* Prior shift (Saerens, Latinne & Decaestecker, "Adjusting the outputs of
 * a classifier to new a priori probabilities", Neural Computation 2002).
 * score[0..n) are posteriors of a model fitted where the positive share
 * was train_prior; on data whose share differs they are off by the ratio
 * of prior odds. EM estimates the share of this data (the fixed point
 * prior = mean adjusted posterior, which is its maximum-likelihood value
 * when the class-conditional feature distributions are those of the
 * training data) and rewrites score[] as the posteriors under it. The
 * estimate is kept in [LOGIT_PRIOR_MIN, 1 - LOGIT_PRIOR_MIN]. Returns the
 * estimate; train_prior outside (0, 1) or n == 0 leaves score[] alone and
 * returns train_prior. */
#define LOGIT_PRIOR_MIN 1e-6
double logit_adjust_prior(double *score, size_t n, double train_prior);

/* The prior shift in two strata (docs/model.md, section 8). evidence[i]
 * says whether account i has coordination evidence (stratum E) or not (N);
 * train_e and train_n are the positive shares of the two strata in the
 * training data. Under label shift (class-conditional inputs as in
 * training) the prior odds of every stratum move by one common factor
 * rho = odds(new share) / odds(training share), because P(stratum | class)
 * is part of the class-conditional. rho is estimated by the EM above run on
 * stratum E alone (its estimate q_e gives rho = odds(q_e) / odds(train_e)),
 * where the model has evidence to go on; stratum N only takes the factor
 * when it lowers its scores (min(rho, 1)): no-evidence accounts never gain
 * from other accounts' evidence, and they carry none about the share. With
 * no account in E, rho = 1. Rewrites score[] and returns the mean
 * adjusted score (the estimated share over all accounts); *q_e_out (may be
 * NULL) receives q_e. */
double logit_adjust_prior_strata(double *score, const unsigned char *evidence,
				 size_t n, double train_e, double train_n,
				 double *q_e_out);

enum cib_err logit_save(const struct logit_model *m, FILE *f);
/* Parses JSON text; checks feature names equal expected[0..p) in order. */
enum cib_err logit_load(struct logit_model *m, const char *json, size_t len,
			const char *const *expected, size_t p, char *errmsg,
			size_t errlen);

#endif
