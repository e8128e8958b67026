/* Monotonic wall-clock timing for timed regions, and the timer's measured resolution. */
#ifndef EXA_TIMER_H
#define EXA_TIMER_H

/* Seconds from an arbitrary fixed point (CLOCK_MONOTONIC). */
double exa_now(void);

/* Smallest non-zero difference seen between consecutive exa_now() calls, in seconds.
 * Measured once and cached; STREAM's "at least 20 ticks" rule is judged against it. */
double exa_timer_resolution(void);

#endif
