/* exa-hpl's cuBLAS engine: C -= A*B with cublasDgemm and B := L^-1 B with cublasDtrsm.
 *
 * Data movement: exa-hpl keeps the matrix in host memory, and the engine interface hands the
 * engine host pointers (column-major, with leading dimensions). Each call therefore copies its
 * operands to the GPU (cudaMemcpy2D, which takes the leading dimension as the pitch), computes,
 * and copies the updated block back. Large blocks are done in column tiles, so the device buffers
 * stay bounded (they grow to the largest tile seen and are kept between calls). The copies bound
 * the rate: a DGEMM with k = NB does 2*NB flops per element of C while moving 16 bytes of C over
 * the host link, so the engine reaches about NB/8 flops per byte of link bandwidth. Reaching the
 * cuBLAS DGEMM rate needs the trailing matrix resident in GPU memory (README.md ("GPU variants"), "exa-hpl-cuda").
 *
 * Every CUDA and cuBLAS call is checked (exa_cuda.h): an error ends the run with exit 1. */
#include "hpl_cuda.h"

#include <cublas_v2.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_cuda.h"
#include "exa_timer.h"

/* Columns per tile of the C (or B) block: bounds device memory at (rows + k) x TILE doubles. */
#define TILE_COLUMNS 4096

static struct {
    int ready;
    struct exa_cuda_device dev;
    cublasHandle_t handle;
    double *da, *db, *dc;           /* device buffers: A (or L), B tile, C tile */
    size_t cap_a, cap_b, cap_c;     /* their capacities in doubles */
    long gemm_calls, trsm_calls;
    double gemm_s, trsm_s;          /* seconds in the operations, copies included */
    double gemm_flops, trsm_flops;
    double bytes_h2d, bytes_d2h;
} cb;

static void require_init(const char *what)
{
    if (!cb.ready)
        exa_fatal(EXA_EXIT_FAILED, "internal: the cuBLAS engine's %s was called before "
                  "hpl_cublas_init()", what);
}

/* Grows a device buffer to hold count doubles (contents are not kept). */
static void reserve(double **p, size_t *cap, size_t count)
{
    if (count <= *cap)
        return;
    if (*p)
        EXA_CUDA_CHECK(cudaFree(*p));
    *p = NULL;
    EXA_CUDA_CHECK(cudaMalloc((void **)p, count * sizeof(double)));
    *cap = count;
}

/* rows x cols column-major block between host (leading dimension ld) and device (packed, ld rows). */
static void upload(double *dev, const double *host, int ld, int rows, int cols)
{
    EXA_CUDA_CHECK(cudaMemcpy2D(dev, (size_t)rows * sizeof(double), host, (size_t)ld * sizeof(double),
                                (size_t)rows * sizeof(double), (size_t)cols, cudaMemcpyHostToDevice));
    cb.bytes_h2d += (double)rows * cols * sizeof(double);
}

static void download(double *host, int ld, const double *dev, int rows, int cols)
{
    EXA_CUDA_CHECK(cudaMemcpy2D(host, (size_t)ld * sizeof(double), dev, (size_t)rows * sizeof(double),
                                (size_t)rows * sizeof(double), (size_t)cols, cudaMemcpyDeviceToHost));
    cb.bytes_d2h += (double)rows * cols * sizeof(double);
}

static void cublas_gemm_sub(int m, int n, int k, const double *a, int lda, const double *b, int ldb,
                            double *c, int ldc)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return;
    require_init("gemm_sub");
    double t0 = exa_now();
    const double minus_one = -1.0, one = 1.0;
    int tile = n < TILE_COLUMNS ? n : TILE_COLUMNS;
    reserve(&cb.da, &cb.cap_a, (size_t)m * k);
    reserve(&cb.db, &cb.cap_b, (size_t)k * tile);
    reserve(&cb.dc, &cb.cap_c, (size_t)m * tile);
    upload(cb.da, a, lda, m, k);
    for (int j = 0; j < n; j += tile) {
        int tn = n - j < tile ? n - j : tile;
        upload(cb.db, b + (size_t)j * ldb, ldb, k, tn);
        upload(cb.dc, c + (size_t)j * ldc, ldc, m, tn);
        EXA_CUBLAS_CHECK(cublasDgemm(cb.handle, CUBLAS_OP_N, CUBLAS_OP_N, m, tn, k, &minus_one,
                                     cb.da, m, cb.db, k, &one, cb.dc, m));
        download(c + (size_t)j * ldc, ldc, cb.dc, m, tn);   /* waits for the DGEMM */
    }
    cb.gemm_calls++;
    cb.gemm_flops += 2.0 * m * (double)n * k;
    cb.gemm_s += exa_now() - t0;
}

static void cublas_trsm_lunit(int m, int n, const double *l, int ldl, double *b, int ldb)
{
    if (m <= 0 || n <= 0)
        return;
    require_init("trsm_lunit");
    double t0 = exa_now();
    const double one = 1.0;
    int tile = n < TILE_COLUMNS ? n : TILE_COLUMNS;
    reserve(&cb.da, &cb.cap_a, (size_t)m * m);
    reserve(&cb.db, &cb.cap_b, (size_t)m * tile);
    upload(cb.da, l, ldl, m, m);
    for (int j = 0; j < n; j += tile) {
        int tn = n - j < tile ? n - j : tile;
        upload(cb.db, b + (size_t)j * ldb, ldb, m, tn);
        EXA_CUBLAS_CHECK(cublasDtrsm(cb.handle, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_N,
                                     CUBLAS_DIAG_UNIT, m, tn, &one, cb.da, m, cb.db, m));
        download(b + (size_t)j * ldb, ldb, cb.db, m, tn);
    }
    cb.trsm_calls++;
    cb.trsm_flops += (double)m * m * n;
    cb.trsm_s += exa_now() - t0;
}

const struct hpl_engine hpl_engine_cublas = {
    .name = "cublas",
    .gemm_sub = cublas_gemm_sub,
    .trsm_lunit = cublas_trsm_lunit,
};

void hpl_cublas_init(void)
{
    if (cb.ready)
        return;
    exa_cuda_select(&cb.dev);
    EXA_CUBLAS_CHECK(cublasCreate(&cb.handle));
    cb.ready = 1;
}

void hpl_cublas_finalize(void)
{
    if (!cb.ready)
        return;
    double **bufs[3] = {&cb.da, &cb.db, &cb.dc};
    for (int i = 0; i < 3; i++) {
        if (*bufs[i])
            EXA_CUDA_CHECK(cudaFree(*bufs[i]));
        *bufs[i] = NULL;
    }
    cb.cap_a = cb.cap_b = cb.cap_c = 0;
    EXA_CUBLAS_CHECK(cublasDestroy(cb.handle));
    cb.ready = 0;
}

json_t *hpl_cublas_describe(void)
{
    json_t *o = json_object();
    if (cb.ready)
        json_object_set_new(o, "gpu", (json_t *)exa_cuda_device_json(&cb.dev));
    json_object_set_new(o, "engine", json_string("cublas"));
    json_object_set_new(o, "data_movement",
                        json_string("matrix in host memory; each DGEMM/DTRSM call copies its "
                                    "operands to the GPU and the result back (cudaMemcpy2D)"));
    json_object_set_new(o, "tile_columns", json_integer(TILE_COLUMNS));
    json_object_set_new(o, "gemm_calls", json_integer(cb.gemm_calls));
    json_object_set_new(o, "gemm_s", json_real(cb.gemm_s));
    json_object_set_new(o, "gemm_gflops", json_real(cb.gemm_s > 0 ? cb.gemm_flops / cb.gemm_s / 1e9 : 0));
    json_object_set_new(o, "trsm_calls", json_integer(cb.trsm_calls));
    json_object_set_new(o, "trsm_s", json_real(cb.trsm_s));
    json_object_set_new(o, "bytes_to_device", json_real(cb.bytes_h2d));
    json_object_set_new(o, "bytes_to_host", json_real(cb.bytes_d2h));
    return o;
}

double hpl_cublas_dgemm_gflops(int n, int reps)
{
    require_init("dgemm reference");
    size_t count = (size_t)n * n;
    double *host = malloc(count * sizeof *host), *d[3];
    if (!host)
        exa_fatal(EXA_EXIT_FAILED, "out of host memory for a %d x %d DGEMM", n, n);
    unsigned long long x = 88172645463325252ull;   /* xorshift: values in [-0.5, 0.5) */
    for (size_t i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        host[i] = (double)(x >> 11) / 9007199254740992.0 - 0.5;
    }
    for (int i = 0; i < 3; i++) {
        EXA_CUDA_CHECK(cudaMalloc((void **)&d[i], count * sizeof(double)));
        EXA_CUDA_CHECK(cudaMemcpy(d[i], host, count * sizeof(double), cudaMemcpyHostToDevice));
    }
    free(host);
    cudaEvent_t start, stop;
    EXA_CUDA_CHECK(cudaEventCreate(&start));
    EXA_CUDA_CHECK(cudaEventCreate(&stop));
    const double alpha = 1.0, beta = 1.0;
    double best = 0.0;
    for (int r = 0; r <= reps; r++) {   /* r = 0: warm-up */
        EXA_CUDA_CHECK(cudaEventRecord(start, NULL));
        EXA_CUBLAS_CHECK(cublasDgemm(cb.handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, d[0], n,
                                     d[1], n, &beta, d[2], n));
        EXA_CUDA_CHECK(cudaEventRecord(stop, NULL));
        EXA_CUDA_CHECK(cudaEventSynchronize(stop));
        float ms = 0;
        EXA_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
        double rate = 2.0 * n * (double)n * n / (ms * 1e-3) / 1e9;
        if (r > 0 && rate > best)
            best = rate;
    }
    EXA_CUDA_CHECK(cudaEventDestroy(start));
    EXA_CUDA_CHECK(cudaEventDestroy(stop));
    for (int i = 0; i < 3; i++)
        EXA_CUDA_CHECK(cudaFree(d[i]));
    return best;
}
