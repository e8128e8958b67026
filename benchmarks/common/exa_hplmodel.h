/* HPL's arithmetic, written once for exa-hpl and the harness: the flop count, the default process
 * grid, N sized from memory, and reading this node's memory. MPI-free, so the harness links it. */
#ifndef EXA_HPLMODEL_H
#define EXA_HPLMODEL_H

#include <stdint.h>

/* Floating-point operations HPL credits a solve of order n with: 2/3 n^3 + 3/2 n^2. */
double exa_hpl_flops(double n);

/* Gflop/s of a solve of order n that took seconds (0 when seconds is not positive). */
double exa_hpl_gflops(double n, double seconds);

/* The default P x Q grid for `ranks` processes: the largest P <= sqrt(ranks) that divides it,
 * Q = ranks / P (a flat 1 x ranks grid for a prime). */
void exa_hpl_grid(long ranks, long *p, long *q);

/* The largest multiple of nb whose matrix (8 N^2 bytes) fits in fraction x bytes, at least nb and
 * at most nmax (rounded down to a multiple of nb); nb = 0 means no rounding. */
uint64_t exa_hpl_n_from_memory(double bytes, double fraction, uint64_t nb, uint64_t nmax);

/* MemTotal and MemAvailable of this node in bytes from /proc/meminfo (either pointer may be NULL).
 * Returns 0, or -1 when the file cannot be read (both then 0). */
int exa_meminfo(uint64_t *total, uint64_t *avail);

#endif
