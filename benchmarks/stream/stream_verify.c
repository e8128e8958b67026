/* exa-stream's checks, free of MPI so that they can be unit-tested: the kernels' byte counts, the
 * analytic values the arrays must hold after the timed iterations (computed by replaying the
 * kernels on one scalar per array, as McCalpin's checkSTREAMresults and BabelStream's
 * check_solution do), the error measures compared with the tolerances, and STREAM's run rules. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include "stream.h"

const struct stream_kernel_info stream_kernel_info[K_COUNT] = {
    [K_COPY] = {"Copy", "copy", 2},
    [K_SCALE] = {"Scale", "scale", 2},
    [K_ADD] = {"Add", "add", 3},
    [K_TRIAD] = {"Triad", "triad", 3},
    [K_DOT] = {"Dot", "dot", 2},
    [K_MEMCPY] = {"Memcpy", "memcpy", 2},
};

double stream_kernel_bytes(int k, uint64_t n)
{
    return (double)stream_kernel_info[k].arrays_moved * (double)sizeof(double) * (double)n;
}


void stream_gold_values(const int *kernels, int nk, int ntimes, double scalar, double a0, double b0,
                        double c0, double gold[3])
{
    double a = a0, b = b0, c = c0;
    for (int it = 0; it < ntimes; it++) {
        for (int k = 0; k < nk; k++) {
            switch (kernels[k]) {
            case K_COPY:
            case K_MEMCPY:
                c = a;
                break;
            case K_SCALE:
                b = scalar * c;
                break;
            case K_ADD:
                c = a + b;
                break;
            case K_TRIAD:
                a = b + scalar * c;
                break;
            default:        /* K_DOT reads a and b and changes nothing */
                break;
            }
        }
    }
    gold[0] = a;
    gold[1] = b;
    gold[2] = c;
}

double stream_avg_rel_error(const double *x, size_t n, double expected)
{
    if (n == 0)
        return 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += fabs(x[i] - expected);
    double avg = sum / (double)n;
    if (isnan(avg))
        return INFINITY;
    return expected != 0.0 ? avg / fabs(expected) : avg;
}

double stream_dot_threshold(size_t n)
{
    double bound = (double)n * DBL_EPSILON;
    return bound > 1e-8 ? bound : 1e-8;
}

static void add_violation(struct stream_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_violation(struct stream_run *run, const char *fmt, ...)
{
    if (run->nviolations >= (int)(sizeof run->violations / sizeof run->violations[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->violations[run->nviolations++], sizeof run->violations[0], fmt, ap);
    va_end(ap);
}

void stream_check_run_rules(struct stream_run *run)
{
    double mib = 1024.0 * 1024.0;
    uint64_t llc_total = run->llc_bytes * (uint64_t)run->llc_instances;
    double array_bytes = (double)run->n * sizeof(double);
    if (llc_total > 0 && array_bytes < 4.0 * (double)llc_total)
        add_violation(run, "arrays of %.1f MiB (%.0f bytes) per rank are smaller than 4x the "
                      "last-level cache (4 x %.1f MiB = %.1f MiB)", array_bytes / mib, array_bytes,
                      (double)llc_total / mib, 4.0 * (double)llc_total / mib);
    double ticks = 20.0 * run->timer_resolution;
    for (int k = 0; k < run->nk; k++) {
        const double *t = run->times + (size_t)k * run->opt.ntimes;
        double min = INFINITY;
        for (int it = 1; it < run->opt.ntimes; it++)
            min = t[it] < min ? t[it] : min;
        if (min < ticks) {
            add_violation(run, "%s took %.3g s, under 20 ticks of the timer (20 x %.3g s)",
                          stream_kernel_info[run->kernels[k]].label, min, run->timer_resolution);
        }
    }
}
