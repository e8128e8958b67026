// exa-hpl's `cuda` device engine: the row gather and scatter kernels (hpl_device.h's
// gather_rows / scatter_rows). One thread per element; threads of a warp take consecutive
// columns of one packed row, so the packed side is read or written contiguously.
#include <cuda_runtime.h>
#include "exa_cuda.h"
#include "hpl_cuda.h"

__global__ static void gather_kernel(int nr, int nc, const int *idx, const double *a, int lda,
                                     double *buf)
{
    long e = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (long)nr * nc)
        return;
    int r = (int)(e / nc), c = (int)(e % nc);
    buf[e] = a[idx[r] + (size_t)c * lda];
}

__global__ static void scatter_kernel(int nr, int nc, const int *from, const double *buf,
                                      const int *idx, double *a, int lda)
{
    long e = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (long)nr * nc)
        return;
    int r = (int)(e / nc), c = (int)(e % nc);
    a[idx[r] + (size_t)c * lda] = buf[(size_t)from[r] * nc + c];
}

static unsigned blocks(int nr, int nc)
{
    return (unsigned)(((long)nr * nc + 255) / 256);
}

extern "C" void hpl_cuda_gather(cudaStream_t s, int nr, int nc, const int *idx, const double *a,
                                int lda, double *buf)
{
    if (nr <= 0 || nc <= 0)
        return;
    gather_kernel<<<blocks(nr, nc), 256, 0, s>>>(nr, nc, idx, a, lda, buf);
    EXA_CUDA_CHECK_LAUNCH();
}

extern "C" void hpl_cuda_scatter(cudaStream_t s, int nr, int nc, const int *from,
                                 const double *buf, const int *idx, double *a, int lda)
{
    if (nr <= 0 || nc <= 0)
        return;
    scatter_kernel<<<blocks(nr, nc), 256, 0, s>>>(nr, nc, from, buf, idx, a, lda);
    EXA_CUDA_CHECK_LAUNCH();
}
