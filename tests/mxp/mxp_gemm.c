/* Bench tool for bench/mxp.sh: the BLAS sgemm and dgemm rates this machine reaches, the limits
 * exa-mxp's factorisation and exa-hpl are judged by.
 *
 *   mxp-gemm [N [REPEATS]]     (defaults 4000 and 3; threads from OPENBLAS_NUM_THREADS)
 *
 * Prints the best rate of REPEATS products of two N x N matrices, in each precision:
 *   sgemm n 4000 best_gflops 210.4
 *   dgemm n 4000 best_gflops 110.2 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "exa_timer.h"

static double best_sgemm(int n, int reps)
{
    size_t nn = (size_t)n * n;
    float *a = malloc(nn * sizeof(float)), *b = malloc(nn * sizeof(float)),
          *c = calloc(nn, sizeof(float));
    if (!a || !b || !c)
        exit(2);
    for (size_t i = 0; i < nn; i++) {
        a[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
        b[i] = a[i] * 0.5f;
    }
    double best = 0;
    for (int r = 0; r <= reps; r++) { /* the first is a warm-up */
        double t0 = exa_now();
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        double g = 2.0 * n * (double)n * n / (exa_now() - t0) / 1e9;
        if (r > 0 && g > best)
            best = g;
    }
    free(a);
    free(b);
    free(c);
    return best;
}

static double best_dgemm(int n, int reps)
{
    size_t nn = (size_t)n * n;
    double *a = malloc(nn * sizeof(double)), *b = malloc(nn * sizeof(double)),
           *c = calloc(nn, sizeof(double));
    if (!a || !b || !c)
        exit(2);
    for (size_t i = 0; i < nn; i++) {
        a[i] = (double)((i * 2654435761u) % 1000) / 1000.0 - 0.5;
        b[i] = a[i] * 0.5;
    }
    double best = 0;
    for (int r = 0; r <= reps; r++) {
        double t0 = exa_now();
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        double g = 2.0 * n * (double)n * n / (exa_now() - t0) / 1e9;
        if (r > 0 && g > best)
            best = g;
    }
    free(a);
    free(b);
    free(c);
    return best;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 4000;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (n <= 0 || reps <= 0) {
        fprintf(stderr, "usage: mxp-gemm [N [REPEATS]]\n");
        return 2;
    }
    printf("sgemm n %d best_gflops %.2f\n", n, best_sgemm(n, reps));
    printf("dgemm n %d best_gflops %.2f\n", n, best_dgemm(n, reps));
    return 0;
}
