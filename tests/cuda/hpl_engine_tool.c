/* Test and bench tool for exa-hpl's cuBLAS engine (benchmarks/hpl/cuda/engine_cublas.c).
 *
 *   cuda_hpl_engine                 checks gemm_sub and trsm_lunit against CBLAS on shapes that
 *                                   cover padding (ld > rows), one-element blocks and several
 *                                   column tiles; prints PASS/FAIL per case, exit 0 when all pass
 *   cuda_hpl_engine --before-init   calls the engine before hpl_cublas_init (must exit 1, no GPU
 *                                   needed)
 *   cuda_hpl_engine --dgemm N REPS  prints the GPU (device name="..." memory_bytes=...) and
 *                                   "dgemm N=... gflops=..." (the cuBLAS reference for bench)
 *   cuda_hpl_engine --failing-call cuda|cublas
 *                                   a CUDA (cudaSetDevice(-1)) or cuBLAS (cublasDgemm on a null
 *                                   handle) call that fails on any machine, through the checking
 *                                   macros: must print FILE:LINE, the call and the error, exit 1
 * Without a GPU the check and --dgemm modes say "no CUDA device" and exit 2. */
#include <cblas.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cublas_v2.h>
#include "exa_cli.h"
#include "exa_cuda.h"
#include "hpl_cuda.h"
#include "exa_mpi.h"

static unsigned long long state = 0x9E3779B97F4A7C15ull;

static double rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0 - 0.5;
}

static double *random_matrix(int ld, int cols, double scale)
{
    double *p = malloc((size_t)ld * (size_t)cols * sizeof *p);
    if (!p)
        exa_fatal(1, "out of memory");
    for (size_t i = 0; i < (size_t)ld * (size_t)cols; i++)
        p[i] = scale * rnd();
    return p;
}

/* Largest |x - y| over the rows x cols block, relative to the largest |y| (1 when all zero). */
static double rel_diff(const double *x, const double *y, int ld, int rows, int cols)
{
    double d = 0, big = 0;
    for (int j = 0; j < cols; j++)
        for (int i = 0; i < rows; i++) {
            size_t k = (size_t)j * ld + i;
            d = fmax(d, fabs(x[k] - y[k]));
            big = fmax(big, fabs(y[k]));
        }
    return d / (big > 0 ? big : 1);
}

/* Elements outside the block (padding rows) must be untouched. */
static int padding_same(const double *x, const double *y, int ld, int rows, int cols)
{
    for (int j = 0; j < cols; j++)
        for (int i = rows; i < ld; i++)
            if (x[(size_t)j * ld + i] != y[(size_t)j * ld + i])
                return 0;
    return 1;
}

static int check_gemm(int m, int n, int k, int pad)
{
    int lda = m + pad, ldb = k + pad, ldc = m + pad;
    double *a = random_matrix(lda, k, 1), *b = random_matrix(ldb, n, 1), *c = random_matrix(ldc, n, 1);
    double *ref = malloc((size_t)ldc * n * sizeof *ref);
    if (!ref)
        exa_fatal(1, "out of memory");
    memcpy(ref, c, (size_t)ldc * n * sizeof *ref);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, a, lda, b, ldb, 1.0, ref, ldc);
    hpl_engine_cublas.gemm_sub(m, n, k, a, lda, b, ldb, c, ldc);
    double e = rel_diff(c, ref, ldc, m, n);
    int ok = e <= 1e-13 * k && padding_same(c, ref, ldc, m, n);
    printf("%s gemm_sub m=%d n=%d k=%d pad=%d: relative difference %.3e\n", ok ? "PASS" : "FAIL", m,
           n, k, pad, e);
    free(a);
    free(b);
    free(c);
    free(ref);
    return ok;
}

static int check_trsm(int m, int n, int pad)
{
    int ldl = m + pad, ldb = m + pad;
    double *l = random_matrix(ldl, m, 1.0 / m), *b = random_matrix(ldb, n, 1);
    for (int i = 0; i < m; i++)
        l[(size_t)i * ldl + i] = 1e300;   /* unit diagonal: the engine must never read it */
    double *ref = malloc((size_t)ldb * n * sizeof *ref);
    if (!ref)
        exa_fatal(1, "out of memory");
    memcpy(ref, b, (size_t)ldb * n * sizeof *ref);
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0, l, ldl, ref, ldb);
    hpl_engine_cublas.trsm_lunit(m, n, l, ldl, b, ldb);
    double e = rel_diff(b, ref, ldb, m, n);
    int ok = e <= 1e-13 * m && padding_same(b, ref, ldb, m, n);
    printf("%s trsm_lunit m=%d n=%d pad=%d: relative difference %.3e\n", ok ? "PASS" : "FAIL", m, n,
           pad, e);
    free(l);
    free(b);
    free(ref);
    return ok;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    exa_mpi_cli_init(argv[0]);
    if (argc > 1 && !strcmp(argv[1], "--before-init")) {
        double x = 1, y = 1, z = 1;
        hpl_engine_cublas.gemm_sub(1, 1, 1, &x, 1, &y, 1, &z, 1);
        printf("the engine ran before hpl_cublas_init\n");
        MPI_Finalize();
        return 0;
    }
    if (argc > 2 && !strcmp(argv[1], "--failing-call")) {
        if (!strcmp(argv[2], "cuda")) {
            EXA_CUDA_CHECK(cudaSetDevice(-1));
        } else {
            double x = 0;
            EXA_CUBLAS_CHECK(cublasDgemm(NULL, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &x, &x, 1, &x, 1,
                                         &x, &x, 1));
        }
        printf("the failing call was not caught\n");
        MPI_Finalize();
        return 0;
    }
    hpl_cublas_init();
    if (argc > 3 && !strcmp(argv[1], "--dgemm")) {
        int n = atoi(argv[2]), reps = atoi(argv[3]);
        if (n < 1 || reps < 1)
            exa_usage_error("--dgemm N REPS: both must be positive");
        double g = hpl_cublas_dgemm_gflops(n, reps);
        json_t *d = hpl_cublas_describe();
        json_t *gpu = json_object_get(d, "gpu");
        printf("device name=\"%s\" memory_bytes=%.0f\n", json_string_value(json_object_get(gpu, "name")),
               json_number_value(json_object_get(gpu, "memory_bytes")));
        json_decref(d);
        printf("dgemm N=%d reps=%d gflops=%.1f\n", n, reps, g);
        hpl_cublas_finalize();
        MPI_Finalize();
        return 0;
    }
    int ok = 1;
    ok &= check_gemm(1, 1, 1, 0);
    ok &= check_gemm(37, 53, 19, 5);
    ok &= check_gemm(300, 4096 + 700, 64, 3);   /* two column tiles */
    ok &= check_gemm(1000, 200, 256, 0);
    ok &= check_trsm(1, 7, 0);
    ok &= check_trsm(64, 4096 + 300, 2);
    ok &= check_trsm(128, 100, 0);
    json_t *d = hpl_cublas_describe();
    int calls = (int)json_integer_value(json_object_get(d, "gemm_calls"));
    json_decref(d);
    ok &= calls == 4;
    printf("%s engine counted %d gemm calls\n", calls == 4 ? "PASS" : "FAIL", calls);
    hpl_cublas_finalize();
    MPI_Finalize();
    return ok ? 0 : 1;
}
