/* Summary statistics over repeated samples: every benchmark reports these beside its raw samples. */
#ifndef EXA_STATS_H
#define EXA_STATS_H

#include <stddef.h>

struct exa_stats {
    size_t n;
    double min, max, mean, median, stddev;
    double p01, p05, p25, p75, p95, p99;
    /* 95% confidence interval of the mean (Student t); equal to mean when n < 2. */
    double ci95_low, ci95_high;
};

/* Fills *out from n samples (n >= 1; the array is not modified). Returns 0, or -1 when n == 0. */
int exa_stats_compute(const double *samples, size_t n, struct exa_stats *out);

/* Percentile p in [0,100] of sorted[0..n-1], linear interpolation between closest ranks. */
double exa_percentile_sorted(const double *sorted, size_t n, double p);

/* Median of n values (the array is not modified); also used for robust outlier detection. */
double exa_median(const double *values, size_t n);

/* Median absolute deviation from the median (unscaled). */
double exa_mad(const double *values, size_t n);

/* Two-sided 97.5% Student t quantile for the given degrees of freedom. */
double exa_t975(size_t dof);

#endif
