/* Bench tool for bench/hpl.sh: the BLAS dgemm rate this machine reaches, to compare exa-hpl with.
 *
 *   hpl-dgemm [N [REPEATS]]     (defaults 4000 and 3; threads from OPENBLAS_NUM_THREADS)
 *
 * Multiplies two N x N random matrices REPEATS times and prints the best rate:
 *   dgemm n 4000 best_gflops 110.2 mean_gflops 108.9 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "exa_timer.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 4000;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (n <= 0 || reps <= 0) {
        fprintf(stderr, "usage: hpl-dgemm [N [REPEATS]]\n");
        return 2;
    }
    size_t nn = (size_t)n * n;
    double *a = malloc(nn * sizeof(double)), *b = malloc(nn * sizeof(double)),
           *c = malloc(nn * sizeof(double));
    if (!a || !b || !c)
        return 2;
    unsigned s = 1;
    for (size_t i = 0; i < nn; i++) {
        s = s * 1103515245u + 12345u;
        a[i] = (double)(s >> 8) / 16777216.0 - 0.5;
        b[i] = a[i] * 0.5;
        c[i] = 0;
    }
    /* warm-up */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
    double best = 0, sum = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = exa_now();
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 1.0, c,
                    n);
        double g = 2.0 * n * (double)n * n / (exa_now() - t0) / 1e9;
        sum += g;
        if (g > best)
            best = g;
    }
    printf("dgemm n %d best_gflops %.2f mean_gflops %.2f\n", n, best, sum / reps);
    free(a);
    free(b);
    free(c);
    return 0;
}
