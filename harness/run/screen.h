/* Node screening: the single-node benchmarks on every node at once, robust outlier detection
 * (median and MAD), the list of flagged nodes for later scale steps to exclude. */
#ifndef EXA_HARNESS_SCREEN_H
#define EXA_HARNESS_SCREEN_H

#include <stddef.h>

#include "run.h"
#include "suite.h"

/* Decides which of n values are outliers on the low side: value < median - max(threshold x median,
 * mad_k x 1.4826 x MAD). Writes flags[i] (1 flagged) and the median, MAD and cut-off. Returns how
 * many are flagged. NaN values (no result) are flagged and left out of the statistics. */
size_t screen_flag_low(const double *values, size_t n, double threshold, double mad_k, int *flags,
                       double *median, double *mad, double *cutoff);

/* Runs the suite's screen step into S->dir/screen/ and appends the flagged nodes to flagged.
 * Returns 0 (whether or not nodes were flagged), -1 when the step can not run. */
int screen_execute(const struct suite *s, struct session *S, struct strlist *flagged);

#endif
