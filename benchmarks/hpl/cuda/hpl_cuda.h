/* exa-hpl-cuda: the `cuda` device engine (device_cuda.c, rows.cu) of exa-hpl's device interface
 * (../hpl_device.h): cuBLAS DGEMM/DTRSM, the CUDA runtime's streams, events and copies, and a
 * small kernel for the row gather/scatter. The device-resident LU (hpl_pdgesv_dev.c), the panel
 * factorisation (host, CBLAS), the broadcasts and the residual check are exa-hpl's own. */
#ifndef HPL_CUDA_H
#define HPL_CUDA_H

#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __cplusplus
#include "../hpl_device.h"
extern struct hpl_device hpl_device_cuda;
/* The reference bench/cuda.sh compares exa-hpl-cuda with: cublasDgemm C = A*B + C with m = n =
 * n_mat and k = nb on device matrices, best of reps timed calls after a warm-up, in Gflop/s.
 * Needs hpl_device_cuda.init(). */
double hpl_cuda_dgemm_gflops(int n_mat, int nb, int reps);
/* The GPU's name and memory (bytes) after init. */
const char *hpl_cuda_device_name(size_t *total_mem);
#endif

/* rows.cu */
void hpl_cuda_gather(cudaStream_t s, int nr, int nc, const int *idx, const double *a, int lda,
                     double *buf);
void hpl_cuda_scatter(cudaStream_t s, int nr, int nc, const int *from, const double *buf,
                      const int *idx, double *a, int lda);

#ifdef __cplusplus
}
#endif

#endif
