/* Test tool for exa-hpl: solves the same system with LAPACK and compares.
 *
 *   hpl-ref N SEED KIND SOLUTION_FILE [--expect-pivots]
 *
 * Regenerates [A b] with exa-hpl's generator (KIND random|pivot|singular), solves it with
 * LAPACKE_dgesv, reads exa-hpl's x (--dump-solution: one value per line) and checks
 * ||x - x_lapack||_oo / ||x_lapack||_oo < 1e-9. With --expect-pivots it also checks that
 * LAPACK's partial pivoting exchanged rows at every step k < N-1 (the pivot test matrix).
 * Exit 0 when everything holds, 1 otherwise, 2 on bad usage. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpl.h"

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: hpl-ref N SEED random|pivot|singular SOLUTION [--expect-pivots]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    uint64_t seed = strtoull(argv[2], NULL, 10);
    int kind = strcmp(argv[3], "pivot") == 0      ? HPL_GEN_PIVOT
               : strcmp(argv[3], "singular") == 0 ? HPL_GEN_SINGULAR
                                                  : HPL_GEN_RANDOM;
    int expect_pivots = argc > 5 && strcmp(argv[5], "--expect-pivots") == 0;
    if (n <= 0)
        return 2;
    double *a = malloc(sizeof(double) * (size_t)n * n);
    double *b = malloc(sizeof(double) * (size_t)n);
    double *x = malloc(sizeof(double) * (size_t)n);
    lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            a[i + (size_t)j * n] = hpl_gen_value(seed, kind, n, i, j);
    for (int i = 0; i < n; i++)
        b[i] = hpl_gen_value(seed, kind, n, i, n);
    lapack_int info = LAPACKE_dgesv(LAPACK_COL_MAJOR, n, 1, a, n, ipiv, b, n);
    if (info != 0) {
        printf("LAPACKE_dgesv info %d\n", (int)info);
        return 1;
    }
    FILE *f = fopen(argv[4], "r");
    if (!f) {
        printf("cannot read %s\n", argv[4]);
        return 1;
    }
    int got = 0;
    while (got < n && fscanf(f, "%lf", &x[got]) == 1)
        got++;
    fclose(f);
    if (got != n) {
        printf("solution file has %d values, expected %d\n", got, n);
        return 1;
    }
    double diff = 0, norm = 0;
    for (int i = 0; i < n; i++) {
        double d = fabs(x[i] - b[i]);
        if (!(d <= diff))
            diff = d;
        if (fabs(b[i]) > norm)
            norm = fabs(b[i]);
    }
    double rel = diff / norm;
    printf("n %d: ||x - x_lapack||/||x_lapack|| = %.3e\n", n, rel);
    int ok = rel < 1e-9;
    if (expect_pivots) {
        int same = 0;
        for (int k = 0; k < n - 1; k++)
            same += ipiv[k] == k + 1;
        printf("steps without a row interchange: %d of %d\n", same, n - 1);
        ok = ok && same == 0;
    }
    free(a);
    free(b);
    free(x);
    free(ipiv);
    return ok ? 0 : 1;
}
