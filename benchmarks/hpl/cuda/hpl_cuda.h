/* exa-hpl's cuBLAS update engine (engine_cublas.c): the trailing update (DGEMM) and the triangular
 * solves (DTRSM) of the distributed LU run on the rank's GPU, behind the same struct hpl_engine
 * that hpl_engine_blas fills, so the driver, the panel factorisation (on the host, CBLAS), the
 * broadcasts, the swaps and the residual check are exa-hpl's own. */
#ifndef HPL_CUDA_H
#define HPL_CUDA_H

#include <jansson.h>
#include "../hpl.h"

extern const struct hpl_engine hpl_engine_cublas;

/* Collective over MPI_COMM_WORLD: selects the rank's GPU (the "no CUDA device" exit when there is
 * none, see exa_cuda.h), creates the cuBLAS handle. Call once after MPI_Init, before the engine is
 * used; the engine's operations refuse to run (exit 1) before it. */
void hpl_cublas_init(void);
void hpl_cublas_finalize(void);

/* For the record: the GPU, the engine's data movement, and what the engine did so far (calls,
 * seconds in each operation including its copies, bytes copied). A new object. */
json_t *hpl_cublas_describe(void);

/* The reference the bench compares exa-hpl-cuda with: cublasDgemm C = A*B + C on n x n device
 * matrices (random values), best of reps timed calls after one warm-up, in Gflop/s (2 n^3 flops
 * per call). Needs hpl_cublas_init. */
double hpl_cublas_dgemm_gflops(int n, int reps);

#endif
