/* exa-stream's CUDA back end: Copy, Scale (BabelStream's Mul), Add, Triad and Dot on three device
 * arrays of the rank's GPU (one rank per GPU, mapped by node-local rank; see exa_cuda.c).
 *
 * Kernels: one element per thread, blocks of --threads threads (default 1024), bounds-checked so
 * any N works. Triad is computed as a rounded multiply then a rounded add (__dmul_rn, __dadd_rn)
 * so that nvcc does not contract it into an FMA: the device then computes exactly what the
 * driver's host-side verifier computes.
 *
 * Stores: with the driver's default (non-temporal) the writes use __stcs, the "cache streaming"
 * store (st.global.cs: evict-first, the data is not expected to be read again soon); with
 * --stores temporal they are plain st.global stores.
 *
 * Dot: a grid of 4 blocks per multiprocessor x 256 threads; each thread accumulates a strided
 * partial sum, each block reduces its threads' sums in shared memory (a tree), and the host adds
 * the per-block partial sums (copied back with cudaMemcpy), as BabelStream does.
 *
 * Every operation synchronises the device before returning, so the driver times it from the host.
 * Every CUDA call is checked (exa_cuda.h) and every launch is followed by cudaGetLastError. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cuda.h"
#include "stream_cuda.h"

struct cuda_state {
    size_t n;
    int tpb;                    /* threads per block of the streaming kernels */
    unsigned int blocks;        /* ceil(n / tpb) */
    int dot_blocks;
    int nontemporal;
    double *a, *b, *c;          /* device arrays */
    double *partial;            /* device: one partial dot product per block */
    double *partial_host;       /* pinned host copy of partial */
    double *ha, *hb, *hc;       /* host copies for verification (read_arrays) */
    struct exa_cuda_device dev;
};

template <bool NT> __device__ __forceinline__ void store(double *p, double v)
{
    if (NT)
        __stcs(p, v);
    else
        *p = v;
}

__global__ void init_kernel(double *__restrict__ a, double *__restrict__ b, double *__restrict__ c,
                            double a0, double b0, double c0, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        a[i] = a0;
        b[i] = b0;
        c[i] = c0;
    }
}

template <bool NT>
__global__ void copy_kernel(const double *__restrict__ a, double *__restrict__ c, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        store<NT>(c + i, a[i]);
}

template <bool NT>
__global__ void scale_kernel(double *__restrict__ b, const double *__restrict__ c, double scalar, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        store<NT>(b + i, __dmul_rn(scalar, c[i]));
}

template <bool NT>
__global__ void add_kernel(const double *__restrict__ a, const double *__restrict__ b,
                           double *__restrict__ c, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        store<NT>(c + i, __dadd_rn(a[i], b[i]));
}

template <bool NT>
__global__ void triad_kernel(double *__restrict__ a, const double *__restrict__ b,
                             const double *__restrict__ c, double scalar, size_t n)
{
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        store<NT>(a + i, __dadd_rn(b[i], __dmul_rn(scalar, c[i])));
}

__global__ void dot_kernel(const double *__restrict__ a, const double *__restrict__ b,
                           double *__restrict__ partial, size_t n)
{
    __shared__ double sums[STREAM_CUDA_DOT_TPB];
    size_t stride = (size_t)blockDim.x * gridDim.x;
    double s = 0.0;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        s += a[i] * b[i];
    sums[threadIdx.x] = s;
    for (unsigned int half = blockDim.x / 2; half > 0; half /= 2) {
        __syncthreads();
        if (threadIdx.x < half)
            sums[threadIdx.x] += sums[threadIdx.x + half];
    }
    if (threadIdx.x == 0)
        partial[blockIdx.x] = sums[0];
}

static void finish(void)
{
    EXA_CUDA_CHECK_LAUNCH();
    EXA_CUDA_CHECK(cudaDeviceSynchronize());
}

static void cuda_destroy(void *state)
{
    struct cuda_state *st = (struct cuda_state *)state;
    if (!st)
        return;
    if (st->a)
        EXA_CUDA_CHECK(cudaFree(st->a));
    if (st->b)
        EXA_CUDA_CHECK(cudaFree(st->b));
    if (st->c)
        EXA_CUDA_CHECK(cudaFree(st->c));
    if (st->partial)
        EXA_CUDA_CHECK(cudaFree(st->partial));
    if (st->partial_host)
        EXA_CUDA_CHECK(cudaFreeHost(st->partial_host));
    free(st->ha);
    free(st->hb);
    free(st->hc);
    free(st);
}

/* cudaMalloc that reports "out of device memory" as a set-up failure (the driver then exits 2
 * naming --size) instead of a fatal error: a too large N is a user input problem. */
static int device_alloc(double **p, size_t count, const char *what, char *err)
{
    cudaError_t e = cudaMalloc((void **)p, count * sizeof(double));
    if (e == cudaSuccess)
        return 0;
    *p = NULL;
    (void)cudaGetLastError();
    snprintf(err, EXA_ERR_LEN, "cudaMalloc of array %s (%zu doubles, %.1f MiB): %s", what, count,
             (double)count * sizeof(double) / (1024.0 * 1024.0), cudaGetErrorString(e));
    return -1;
}

static void *cuda_create(const struct stream_config *cfg, double a0, double b0, double c0,
                         char err[EXA_ERR_LEN])
{
    struct cuda_state *st = (struct cuda_state *)calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, EXA_ERR_LEN, "out of memory");
        return NULL;
    }
    /* Collective over MPI_COMM_WORLD (create runs on every rank): the no-device exit lives here. */
    exa_cuda_select(&st->dev);
    st->n = cfg->n;
    st->nontemporal = cfg->stores == STREAM_STORES_NONTEMPORAL;
    st->tpb = cfg->threads > 0 ? cfg->threads : STREAM_CUDA_DEFAULT_TPB;
    if (st->tpb > STREAM_CUDA_MAX_TPB) {
        snprintf(err, EXA_ERR_LEN, "--threads %d: a CUDA block has at most %d threads", st->tpb,
                 STREAM_CUDA_MAX_TPB);
        free(st);
        return NULL;
    }
    size_t blocks = (st->n + (size_t)st->tpb - 1) / (size_t)st->tpb;
    if (blocks > 0x7fffffffu) {
        snprintf(err, EXA_ERR_LEN, "%zu elements need %zu blocks of %d threads, over CUDA's grid "
                 "limit (2^31-1)", st->n, blocks, st->tpb);
        free(st);
        return NULL;
    }
    st->blocks = (unsigned int)blocks;
    st->dot_blocks = st->dev.sm_count * STREAM_CUDA_DOT_BLOCKS_PER_SM;
    if (st->dot_blocks < 1)
        st->dot_blocks = 1;
    if (device_alloc(&st->a, st->n, "a", err) || device_alloc(&st->b, st->n, "b", err) ||
        device_alloc(&st->c, st->n, "c", err) ||
        device_alloc(&st->partial, (size_t)st->dot_blocks, "partial", err)) {
        cuda_destroy(st);
        return NULL;
    }
    EXA_CUDA_CHECK(cudaMallocHost((void **)&st->partial_host, (size_t)st->dot_blocks * sizeof(double)));
    init_kernel<<<st->blocks, st->tpb>>>(st->a, st->b, st->c, a0, b0, c0, st->n);
    finish();
    return st;
}

static void cuda_copy(void *state)
{
    struct cuda_state *st = (struct cuda_state *)state;
    if (st->nontemporal)
        copy_kernel<true><<<st->blocks, st->tpb>>>(st->a, st->c, st->n);
    else
        copy_kernel<false><<<st->blocks, st->tpb>>>(st->a, st->c, st->n);
    finish();
}

static void cuda_scale(void *state, double scalar)
{
    struct cuda_state *st = (struct cuda_state *)state;
    if (st->nontemporal)
        scale_kernel<true><<<st->blocks, st->tpb>>>(st->b, st->c, scalar, st->n);
    else
        scale_kernel<false><<<st->blocks, st->tpb>>>(st->b, st->c, scalar, st->n);
    finish();
}

static void cuda_add(void *state)
{
    struct cuda_state *st = (struct cuda_state *)state;
    if (st->nontemporal)
        add_kernel<true><<<st->blocks, st->tpb>>>(st->a, st->b, st->c, st->n);
    else
        add_kernel<false><<<st->blocks, st->tpb>>>(st->a, st->b, st->c, st->n);
    finish();
}

static void cuda_triad(void *state, double scalar)
{
    struct cuda_state *st = (struct cuda_state *)state;
    if (st->nontemporal)
        triad_kernel<true><<<st->blocks, st->tpb>>>(st->a, st->b, st->c, scalar, st->n);
    else
        triad_kernel<false><<<st->blocks, st->tpb>>>(st->a, st->b, st->c, scalar, st->n);
    finish();
}

static double cuda_dot(void *state)
{
    struct cuda_state *st = (struct cuda_state *)state;
    dot_kernel<<<st->dot_blocks, STREAM_CUDA_DOT_TPB>>>(st->a, st->b, st->partial, st->n);
    EXA_CUDA_CHECK_LAUNCH();
    /* cudaMemcpy to the host waits for the kernel. */
    EXA_CUDA_CHECK(cudaMemcpy(st->partial_host, st->partial, (size_t)st->dot_blocks * sizeof(double),
                              cudaMemcpyDeviceToHost));
    double sum = 0.0;
    for (int i = 0; i < st->dot_blocks; i++)
        sum += st->partial_host[i];
    return sum;
}

static void cuda_library_copy(void *state)
{
    struct cuda_state *st = (struct cuda_state *)state;
    EXA_CUDA_CHECK(cudaMemcpy(st->c, st->a, st->n * sizeof(double), cudaMemcpyDeviceToDevice));
    EXA_CUDA_CHECK(cudaDeviceSynchronize());
}

static double *host_copy(double **dst, const double *src, size_t n)
{
    if (!*dst) {
        *dst = (double *)malloc(n ? n * sizeof(double) : 1);
        if (!*dst)
            exa_cuda_fail(__FILE__, __LINE__, "malloc", "out of host memory for verification");
    }
    EXA_CUDA_CHECK(cudaMemcpy(*dst, src, n * sizeof(double), cudaMemcpyDeviceToHost));
    return *dst;
}

static void cuda_read_arrays(void *state, double **a, double **b, double **c)
{
    struct cuda_state *st = (struct cuda_state *)state;
    *a = host_copy(&st->ha, st->a, st->n);
    *b = host_copy(&st->hb, st->b, st->n);
    *c = host_copy(&st->hc, st->c, st->n);
}

static const char *cuda_describe_stores(void *state)
{
    struct cuda_state *st = (struct cuda_state *)state;
    return st->nontemporal ? "streaming stores (__stcs: st.global.cs, evict-first)"
                           : "ordinary global stores (st.global)";
}

static int cuda_threads(void *state)
{
    return ((struct cuda_state *)state)->tpb;
}

/* Filled in the order of struct stream_backend (C++17 has no designated initialisers). */
extern "C" const struct stream_backend stream_backend_cuda = {
    "cuda",
    "CUDA",
    cuda_create,
    cuda_copy,
    cuda_scale,
    cuda_add,
    cuda_triad,
    cuda_dot,
    cuda_library_copy,
    cuda_read_arrays,
    cuda_describe_stores,
    cuda_threads,
    cuda_destroy,
};
