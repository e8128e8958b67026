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

/* Bytes one rank at (row, col) of a p x q grid allocates for a solve of order n with blocks of nb
 * (nb above n counts as n): its block-cyclic share of the N x (N+1) matrix, at exa-hpl's leading
 * dimension, plus its panel, row-swap and solve workspace. exa-hpl's memory check before a run
 * and `exabench plan` both use it (kept in step with benchmarks/hpl/hpl_grid.c's allocations).
 * In double, so that sizes at the input limits come out as exabytes, not wrapped around. */
double exa_hpl_rank_bytes(double n, double nb, long p, long q, long row, long col);

/* The most bytes any node allocates when ranks_per_node consecutive world ranks share a node and
 * the grid is row-major (rank = row x q + col), as exa-hpl maps it by default. */
double exa_hpl_node_bytes(double n, double nb, long p, long q, long ranks_per_node);

/* MemTotal and MemAvailable of this node in bytes from /proc/meminfo (either pointer may be NULL).
 * Returns 0, or -1 when the file cannot be read (both then 0). */
int exa_meminfo(uint64_t *total, uint64_t *avail);

#endif
