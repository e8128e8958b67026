/* Screening's outlier rule, on its own so that it is tested without running anything: a node is
 * flagged when its figure is missing or below median - max(threshold x median, k x 1.4826 x MAD). */
#include "screen_stats.h"

#include <math.h>
#include <stdlib.h>

#include "exa_stats.h"

size_t screen_flag_low(const double *values, size_t n, double threshold, double mad_k, int *flags,
                       double *median, double *mad, double *cutoff)
{
    double *ok = malloc((n ? n : 1) * sizeof *ok);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            ok[m++] = values[i];
    *median = m ? exa_median(ok, m) : NAN;
    *mad = m ? exa_mad(ok, m) : NAN;
    double margin = m ? fmax(threshold * fabs(*median), mad_k * 1.4826 * *mad) : 0;
    *cutoff = m ? *median - margin : NAN;
    size_t flagged = 0;
    for (size_t i = 0; i < n; i++) {
        flags[i] = isnan(values[i]) || values[i] < *cutoff;
        flagged += (size_t)flags[i];
    }
    free(ok);
    return flagged;
}
