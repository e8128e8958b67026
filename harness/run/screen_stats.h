/* Screening's statistics, apart from running anything: which nodes fall below the others. */
#ifndef EXA_HARNESS_SCREEN_STATS_H
#define EXA_HARNESS_SCREEN_STATS_H

#include <stddef.h>

/* Decides which of n values are outliers on the low side: value < median - max(threshold x median,
 * mad_k x 1.4826 x MAD). Writes flags[i] (1 flagged) and the median, MAD and cut-off. Returns how
 * many are flagged. NaN values (no result) are flagged and left out of the statistics. */
size_t screen_flag_low(const double *values, size_t n, double threshold, double mad_k, int *flags,
                       double *median, double *mad, double *cutoff);

#endif
