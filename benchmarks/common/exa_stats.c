/* Summary statistics over repeated samples. */
#include "exa_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_copy(const double *values, size_t n)
{
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NULL;
    memcpy(s, values, n * sizeof *s);
    qsort(s, n, sizeof *s, compare_doubles);
    return s;
}

double exa_percentile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    if (p <= 0)
        return sorted[0];
    if (p >= 100)
        return sorted[n - 1];
    double pos = p / 100.0 * (double)(n - 1);
    size_t lo = (size_t)pos;
    double frac = pos - (double)lo;
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

double exa_median(const double *values, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = sorted_copy(values, n);
    if (!s)
        return NAN;
    double m = exa_percentile_sorted(s, n, 50.0);
    free(s);
    return m;
}

double exa_mad(const double *values, size_t n)
{
    if (n == 0)
        return NAN;
    double med = exa_median(values, n);
    double *dev = malloc(n * sizeof *dev);
    if (!dev)
        return NAN;
    for (size_t i = 0; i < n; i++)
        dev[i] = fabs(values[i] - med);
    double mad = exa_median(dev, n);
    free(dev);
    return mad;
}

double exa_t975(size_t dof)
{
    /* Two-sided 95% critical values of Student's t; beyond the table the normal value is close. */
    static const double table[] = {
        0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179,  2.160, 2.145, 2.131,         2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
        2.074, 2.069,  2.064, 2.060, 2.056,         2.052, 2.048, 2.045, 2.042};
    if (dof == 0)
        return INFINITY;
    if (dof < sizeof table / sizeof table[0])
        return table[dof];
    if (dof <= 40)
        return 2.021;
    if (dof <= 60)
        return 2.000;
    if (dof <= 120)
        return 1.980;
    return 1.960;
}

int exa_stats_compute(const double *samples, size_t n, struct exa_stats *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return -1;
    double *s = sorted_copy(samples, n);
    if (!s)
        return -1;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += s[i];
    double mean = sum / (double)n, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (s[i] - mean) * (s[i] - mean);
    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->mean = mean;
    out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    out->median = exa_percentile_sorted(s, n, 50);
    out->p01 = exa_percentile_sorted(s, n, 1);
    out->p05 = exa_percentile_sorted(s, n, 5);
    out->p25 = exa_percentile_sorted(s, n, 25);
    out->p75 = exa_percentile_sorted(s, n, 75);
    out->p95 = exa_percentile_sorted(s, n, 95);
    out->p99 = exa_percentile_sorted(s, n, 99);
    double half = n > 1 ? exa_t975(n - 1) * out->stddev / sqrt((double)n) : 0.0;
    out->ci95_low = mean - half;
    out->ci95_high = mean + half;
    free(s);
    return 0;
}
