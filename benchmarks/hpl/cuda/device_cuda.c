/* exa-hpl's `cuda` device engine (../hpl_device.h) for exa-hpl-cuda: the trailing matrix lives in
 * GPU memory; DGEMM and DTRSM are cuBLAS calls on the engine's two streams (main and copy), copies
 * are cudaMemcpy2DAsync (pinned host buffers from cudaMallocHost), the row gather/scatter is a
 * small kernel (rows.cu) whose index lists go up through a ring of pinned slots. MPI gets device
 * pointers when the library is CUDA-aware (exa_cuda_aware_detect, EXA_HPL_CUDA_AWARE=0|1
 * overrides), else the algorithm stages through pinned host buffers. Every call is checked. */
#include "hpl_cuda.h"

#include <cublas_v2.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_cuda.h"
#include "exa_cuda_aware.h"

#define RING 16              /* pinned slots for index lists */
#define RING_INTS (1 << 16)  /* ints per slot: 2 x 2 NB indices for NB up to 16384 */

static struct {
    struct exa_cuda_device dev;
    cublasHandle_t handle;
    cudaStream_t s[HPL_DEV_STREAMS];
    cudaEvent_t ev[HPL_DEV_EVENTS], ring_ev[RING];
    int *ring_host, *ring_dev;
    int next;
    struct hpl_dev_counters c;
} cu;

static void cu_init(void)
{
    exa_cuda_select(&cu.dev);
    hpl_device_cuda.mpi_device_pointers =
        exa_cuda_aware_detect("EXA_HPL_CUDA_AWARE", &hpl_device_cuda.mpi_method);
    EXA_CUBLAS_CHECK(cublasCreate(&cu.handle));
    for (int i = 0; i < HPL_DEV_STREAMS; i++)
        EXA_CUDA_CHECK(cudaStreamCreateWithFlags(&cu.s[i], cudaStreamNonBlocking));
    for (int i = 0; i < HPL_DEV_EVENTS; i++)
        EXA_CUDA_CHECK(cudaEventCreateWithFlags(&cu.ev[i], cudaEventDisableTiming));
    for (int i = 0; i < RING; i++)
        EXA_CUDA_CHECK(cudaEventCreateWithFlags(&cu.ring_ev[i], cudaEventDisableTiming));
    EXA_CUDA_CHECK(cudaMallocHost((void **)&cu.ring_host, sizeof(int) * RING * RING_INTS));
    EXA_CUDA_CHECK(cudaMalloc((void **)&cu.ring_dev, sizeof(int) * RING * RING_INTS));
    memset(&cu.c, 0, sizeof cu.c);
}

static void cu_finalize(void)
{
    EXA_CUDA_CHECK(cudaDeviceSynchronize());
    EXA_CUDA_CHECK(cudaFreeHost(cu.ring_host));
    EXA_CUDA_CHECK(cudaFree(cu.ring_dev));
    for (int i = 0; i < RING; i++)
        EXA_CUDA_CHECK(cudaEventDestroy(cu.ring_ev[i]));
    for (int i = 0; i < HPL_DEV_EVENTS; i++)
        EXA_CUDA_CHECK(cudaEventDestroy(cu.ev[i]));
    for (int i = 0; i < HPL_DEV_STREAMS; i++)
        EXA_CUDA_CHECK(cudaStreamDestroy(cu.s[i]));
    EXA_CUBLAS_CHECK(cublasDestroy(cu.handle));
}

static void *cu_alloc(size_t bytes)
{
    void *p = NULL;
    if (cudaMalloc(&p, bytes ? bytes : 8) != cudaSuccess) {
        (void)cudaGetLastError();
        return NULL;
    }
    return p;
}

static void cu_free(void *p) { EXA_CUDA_CHECK(cudaFree(p)); }

static void *cu_host_alloc(size_t bytes)
{
    void *p = NULL;
    if (cudaMallocHost(&p, bytes ? bytes : 8) != cudaSuccess) {
        (void)cudaGetLastError();
        return NULL;
    }
    memset(p, 0, bytes);
    return p;
}

static void cu_host_free(void *p) { EXA_CUDA_CHECK(cudaFreeHost(p)); }

static void cu_copy2d(int stream, enum hpl_dev_dir dir, int rows, int cols, const double *src,
                      size_t lds, double *dst, size_t ldd)
{
    if (rows <= 0 || cols <= 0)
        return;
    static const enum cudaMemcpyKind kind[3] = {cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost,
                                                cudaMemcpyDeviceToDevice};
    size_t w = (size_t)rows * sizeof(double);
    if (cols == 1)
        EXA_CUDA_CHECK(cudaMemcpyAsync(dst, src, w, kind[dir], cu.s[stream]));
    else
        EXA_CUDA_CHECK(cudaMemcpy2DAsync(dst, ldd * sizeof(double), src, lds * sizeof(double), w,
                                         (size_t)cols, kind[dir], cu.s[stream]));
    double b = (double)w * cols;
    if (dir == HPL_H2D)
        cu.c.bytes_h2d += b;
    else if (dir == HPL_D2H)
        cu.c.bytes_d2h += b;
    else
        cu.c.bytes_d2d += b;
    cu.c.copies++;
}

static void cu_gemm_sub(int stream, int m, int n, int k, const double *a, int lda,
                        const double *b, int ldb, double *c, int ldc)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return;
    const double minus_one = -1.0, one = 1.0;
    EXA_CUBLAS_CHECK(cublasSetStream(cu.handle, cu.s[stream]));
    EXA_CUBLAS_CHECK(cublasDgemm(cu.handle, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &minus_one, a, lda,
                                 b, ldb, &one, c, ldc));
    cu.c.gemms++;
    cu.c.gemm_flops += 2.0 * m * (double)n * k;
}

static void cu_trsm_lunit(int stream, int m, int n, const double *l, int ldl, double *b, int ldb)
{
    if (m <= 0 || n <= 0)
        return;
    const double one = 1.0;
    EXA_CUBLAS_CHECK(cublasSetStream(cu.handle, cu.s[stream]));
    EXA_CUBLAS_CHECK(cublasDtrsm(cu.handle, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_N,
                                 CUBLAS_DIAG_UNIT, m, n, &one, l, ldl, b, ldb));
    cu.c.trsms++;
}

/* Index lists to the device through the next pinned slot (waiting until its last copy is done). */
static int *indices_up(int stream, const int *a, int na, const int *b, int nb)
{
    if (na + nb > RING_INTS)
        exa_fatal(EXA_EXIT_FAILED, "cuda engine: %d row indices, more than %d", na + nb, RING_INTS);
    int slot = cu.next++ % RING;
    EXA_CUDA_CHECK(cudaEventSynchronize(cu.ring_ev[slot]));
    int *h = cu.ring_host + (size_t)slot * RING_INTS, *d = cu.ring_dev + (size_t)slot * RING_INTS;
    memcpy(h, a, sizeof(int) * na);
    if (nb)
        memcpy(h + na, b, sizeof(int) * nb);
    EXA_CUDA_CHECK(cudaMemcpyAsync(d, h, sizeof(int) * (na + nb), cudaMemcpyHostToDevice,
                                   cu.s[stream]));
    EXA_CUDA_CHECK(cudaEventRecord(cu.ring_ev[slot], cu.s[stream]));
    cu.c.bytes_h2d += 4.0 * (na + nb);
    return d;
}

static void cu_gather(int stream, int nr, int nc, const int *idx, const double *a, int lda,
                      double *buf)
{
    if (nr <= 0 || nc <= 0)
        return;
    int *d = indices_up(stream, idx, nr, NULL, 0);
    hpl_cuda_gather(cu.s[stream], nr, nc, d, a, lda, buf);
    cu.c.row_ops++;
}

static void cu_scatter(int stream, int nr, int nc, const int *from, const double *buf,
                       const int *idx, double *a, int lda)
{
    if (nr <= 0 || nc <= 0)
        return;
    int *d = indices_up(stream, from, nr, idx, nr);
    hpl_cuda_scatter(cu.s[stream], nr, nc, d, buf, d + nr, a, lda);
    cu.c.row_ops++;
}

static void cu_record(int event, int stream)
{
    EXA_CUDA_CHECK(cudaEventRecord(cu.ev[event], cu.s[stream]));
}

static void cu_wait(int stream, int event)
{
    EXA_CUDA_CHECK(cudaStreamWaitEvent(cu.s[stream], cu.ev[event], 0));
}

static void cu_sync(int stream) { EXA_CUDA_CHECK(cudaStreamSynchronize(cu.s[stream])); }

static int cu_query(int stream)
{
    cudaError_t e = cudaStreamQuery(cu.s[stream]);
    if (e == cudaErrorNotReady)
        return 0;
    EXA_CUDA_CHECK(e);
    return 1;
}

static void cu_counters(struct hpl_dev_counters *c) { *c = cu.c; }

struct hpl_device hpl_device_cuda = {
    .name = "cuda",
    .init = cu_init,
    .finalize = cu_finalize,
    .alloc = cu_alloc,
    .free = cu_free,
    .host_alloc = cu_host_alloc,
    .host_free = cu_host_free,
    .copy2d = cu_copy2d,
    .gemm_sub = cu_gemm_sub,
    .trsm_lunit = cu_trsm_lunit,
    .gather_rows = cu_gather,
    .scatter_rows = cu_scatter,
    .record = cu_record,
    .wait = cu_wait,
    .sync = cu_sync,
    .query = cu_query,
    .counters = cu_counters,
};

const char *hpl_cuda_device_name(size_t *total_mem)
{
    *total_mem = cu.dev.total_mem;
    return cu.dev.name;
}

double hpl_cuda_dgemm_gflops(int n_mat, int nb, int reps)
{
    size_t an = (size_t)n_mat * nb, cn = (size_t)n_mat * n_mat;
    double *a = cu_alloc(an * 8), *b = cu_alloc(an * 8), *c = cu_alloc(cn * 8);
    if (!a || !b || !c)
        exa_fatal(EXA_EXIT_FAILED, "cuda engine: no device memory for a %d x %d DGEMM", n_mat, n_mat);
    EXA_CUDA_CHECK(cudaMemset(a, 0, an * 8));
    EXA_CUDA_CHECK(cudaMemset(b, 0, an * 8));
    EXA_CUDA_CHECK(cudaMemset(c, 0, cn * 8));
    cudaEvent_t t0, t1;
    EXA_CUDA_CHECK(cudaEventCreate(&t0));
    EXA_CUDA_CHECK(cudaEventCreate(&t1));
    double best = 0;
    for (int r = 0; r <= reps; r++) {   /* r = 0: warm-up */
        EXA_CUDA_CHECK(cudaEventRecord(t0, cu.s[0]));
        cu_gemm_sub(0, n_mat, n_mat, nb, a, n_mat, b, nb, c, n_mat);
        EXA_CUDA_CHECK(cudaEventRecord(t1, cu.s[0]));
        EXA_CUDA_CHECK(cudaEventSynchronize(t1));
        float ms = 0;
        EXA_CUDA_CHECK(cudaEventElapsedTime(&ms, t0, t1));
        double g = 2.0 * n_mat * (double)n_mat * nb / (ms * 1e-3) / 1e9;
        if (r > 0 && g > best)
            best = g;
    }
    EXA_CUDA_CHECK(cudaEventDestroy(t0));
    EXA_CUDA_CHECK(cudaEventDestroy(t1));
    cu_free(a), cu_free(b), cu_free(c);
    return best;
}
