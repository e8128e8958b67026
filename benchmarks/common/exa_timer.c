/* Monotonic timer and its measured resolution. */
#include "exa_timer.h"

#include <time.h>

double exa_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double exa_timer_resolution(void)
{
    static double cached = 0.0;
    if (cached > 0.0)
        return cached;
    /* The smallest step seen over many reads is the effective tick, which clock_getres may not
     * tell (it reports 1 ns on most kernels whatever the clock source). */
    double best = 1.0;
    for (int i = 0; i < 2000; i++) {
        double t0 = exa_now(), t1;
        while ((t1 = exa_now()) == t0) {
        }
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    cached = best;
    return cached;
}
