/* Test and bench tool for exa-hpl's `cuda` device engine (benchmarks/hpl/cuda/device_cuda.c).
 *
 *   cuda_hpl_engine                 every operation of the engine (copies with padding, gemm_sub,
 *                                   trsm_lunit, row gather and scatter, both streams with an
 *                                   event between them) against the host computation; prints
 *                                   PASS/FAIL per case and the counted bytes, exit 0 when all pass
 *   cuda_hpl_engine --dgemm N NB REPS   prints the GPU (device name="..." memory_bytes=...) and
 *                                   "dgemm N=... nb=... gflops=..." (cuBLAS, m = n = N, k = NB: the
 *                                   reference bench/cuda.sh sets beside exa-hpl-cuda)
 *   cuda_hpl_engine --failing-call cuda|cublas
 *                                   a failing CUDA (cudaSetDevice(-1)) or cuBLAS (cublasDgemm on a
 *                                   null handle) call through the checking macros: must print
 *                                   FILE:LINE, the call and the error, exit 1
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
#include "exa_mpi.h"
#include "hpl_cuda.h"

static unsigned long long state = 0x9E3779B97F4A7C15ull;

static double *random_matrix(size_t count)
{
    double *p = malloc(count * sizeof *p);
    if (!p)
        exa_fatal(1, "out of memory");
    for (size_t i = 0; i < count; i++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        p[i] = (double)(state >> 11) / 9007199254740992.0 - 0.5;
    }
    return p;
}

static int report(const char *what, double diff)
{
    int ok = diff < 1e-10;
    printf("%s %s (max rel diff %.2e)\n", ok ? "PASS" : "FAIL", what, diff);
    return ok;
}

static double maxdiff(const double *x, const double *y, size_t n)
{
    double d = 0, big = 1e-300;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs(x[i] - y[i])), big = fmax(big, fabs(y[i]));
    return d / big;
}

/* C -= A B and B := L^-1 B on the device (main stream), results fetched on the copy stream after
 * an event, against CBLAS. */
static int check_blas(int m, int n, int k, int ld)
{
    const struct hpl_device *d = &hpl_device_cuda;
    double *a = random_matrix((size_t)ld * k), *b = random_matrix((size_t)k * n);
    double *c = random_matrix((size_t)ld * n), *ref = malloc(sizeof(double) * ld * n);
    double *da = d->alloc(sizeof(double) * ld * k), *db = d->alloc(sizeof(double) * k * n);
    double *dc = d->alloc(sizeof(double) * ld * n);
    memcpy(ref, c, sizeof(double) * ld * n);
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, m, k, a, ld, da, ld);
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, k, n, b, k, db, k);
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, m, n, c, ld, dc, ld);
    d->gemm_sub(HPL_DEV_MAIN, m, n, k, da, ld, db, k, dc, ld);
    d->record(1, HPL_DEV_MAIN);
    d->wait(HPL_DEV_COPY, 1);
    d->copy2d(HPL_DEV_COPY, HPL_D2H, m, n, dc, ld, c, ld);
    d->sync(HPL_DEV_COPY);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, a, ld, b, k, 1.0, ref, ld);
    char what[96];
    snprintf(what, sizeof what, "gemm_sub m=%d n=%d k=%d ld=%d", m, n, k, ld);
    int ok = report(what, maxdiff(c, ref, (size_t)ld * n));
    /* trsm with L = A's top k x k (unit diagonal, small entries below) */
    memcpy(ref, b, sizeof(double) * k * n);
    d->trsm_lunit(HPL_DEV_MAIN, k, n, da, ld, db, k);
    d->copy2d(HPL_DEV_MAIN, HPL_D2H, k, n, db, k, b, k);
    d->sync(HPL_DEV_MAIN);
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, k, n, 1.0, a, ld,
                ref, k);
    snprintf(what, sizeof what, "trsm_lunit m=%d n=%d", k, n);
    ok &= report(what, maxdiff(b, ref, (size_t)k * n));
    d->free(da), d->free(db), d->free(dc);
    free(a), free(b), free(c), free(ref);
    return ok;
}

/* gather rows idx of A into packed rows, scatter them reversed elsewhere, against the host. */
static int check_rows(int mrows, int nc, int nr)
{
    const struct hpl_device *d = &hpl_device_cuda;
    double *a = random_matrix((size_t)mrows * nc), *ref = malloc(sizeof(double) * mrows * nc);
    double *got = malloc(sizeof(double) * mrows * nc);
    int idx[nr], from[nr], to[nr];
    for (int r = 0; r < nr; r++)
        idx[r] = (r * 7) % mrows, from[r] = nr - 1 - r, to[r] = mrows - 1 - r;
    memcpy(ref, a, sizeof(double) * mrows * nc);
    for (int c = 0; c < nc; c++)
        for (int r = 0; r < nr; r++)
            ref[to[r] + (size_t)c * mrows] = a[idx[from[r]] + (size_t)c * mrows];
    double *da = d->alloc(sizeof(double) * mrows * nc), *dbuf = d->alloc(sizeof(double) * nr * nc);
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, mrows, nc, a, mrows, da, mrows);
    d->gather_rows(HPL_DEV_MAIN, nr, nc, idx, da, mrows, dbuf);
    d->scatter_rows(HPL_DEV_MAIN, nr, nc, from, dbuf, to, da, mrows);
    d->copy2d(HPL_DEV_MAIN, HPL_D2H, mrows, nc, da, mrows, got, mrows);
    d->sync(HPL_DEV_MAIN);
    char what[96];
    snprintf(what, sizeof what, "gather/scatter rows=%d nc=%d nr=%d", mrows, nc, nr);
    int ok = report(what, maxdiff(got, ref, (size_t)mrows * nc));
    d->free(da), d->free(dbuf);
    free(a), free(ref), free(got);
    return ok;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    exa_mpi_cli_init(argv[0]);
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
    hpl_device_cuda.init();
    size_t mem = 0;
    const char *name = hpl_cuda_device_name(&mem);
    if (argc > 4 && !strcmp(argv[1], "--dgemm")) {
        int n = atoi(argv[2]), nb = atoi(argv[3]), reps = atoi(argv[4]);
        if (n < 1 || nb < 1 || reps < 1)
            exa_usage_error("--dgemm N NB REPS: all must be positive");
        double g = hpl_cuda_dgemm_gflops(n, nb, reps);
        printf("device name=\"%s\" memory_bytes=%zu\n", name, mem);
        printf("dgemm N=%d nb=%d reps=%d gflops=%.1f\n", n, nb, reps, g);
        hpl_device_cuda.finalize();
        MPI_Finalize();
        return 0;
    }
    int ok = 1;
    ok &= check_blas(1, 1, 1, 1);
    ok &= check_blas(37, 53, 19, 41);
    ok &= check_blas(1000, 700, 256, 1003);
    ok &= check_rows(50, 9, 20);
    ok &= check_rows(4000, 300, 512);
    struct hpl_dev_counters c;
    hpl_device_cuda.counters(&c);
    printf("%s counted bytes h2d=%.0f d2h=%.0f gemms=%ld\n", c.gemms == 3 ? "PASS" : "FAIL",
           c.bytes_h2d, c.bytes_d2h, c.gemms);
    ok &= c.gemms == 3;
    hpl_device_cuda.finalize();
    MPI_Finalize();
    return ok ? 0 : 1;
}
