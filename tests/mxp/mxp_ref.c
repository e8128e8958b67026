/* Test tool for exa-mxp: solves the same diagonally dominant system with LAPACK and compares.
 *
 *   mxp-ref N SEED DOMINANCE SOLUTION_FILE
 *
 * Builds exa-mxp's matrix from exa-hpl's generator (off-diagonal elements; the diagonal DOMINANCE
 * x (the row's off-diagonal absolute sum + 1); b exa-hpl's column N), solves it with LAPACKE_dgesv,
 * reads exa-mxp's x (--dump-solution) and checks ||x - x_lapack||_oo / ||x_lapack||_oo < 1e-9.
 * Exit 0 when it holds, 1 otherwise, 2 on bad usage. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hpl.h"

static double *read_solution(const char *path, int n)
{
    double *x = malloc(sizeof(double) * (size_t)n);
    FILE *f = fopen(path, "r");
    if (!f || !x) {
        printf("cannot read %s\n", path);
        exit(1);
    }
    int got = 0;
    while (got < n && fscanf(f, "%lf", &x[got]) == 1)
        got++;
    fclose(f);
    if (got != n) {
        printf("solution file has %d values, expected %d\n", got, n);
        exit(1);
    }
    return x;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: mxp-ref N SEED DOMINANCE SOLUTION\n");
        return 2;
    }
    int n = atoi(argv[1]);
    uint64_t seed = strtoull(argv[2], NULL, 10);
    double dom = atof(argv[3]);
    if (n <= 0 || !(dom > 0))
        return 2;
    double *a = malloc(sizeof(double) * (size_t)n * n), *b = malloc(sizeof(double) * (size_t)n);
    lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double v = i == j ? 0 : hpl_gen_value(seed, HPL_GEN_RANDOM, n, i, j);
            a[i + (size_t)j * n] = v;
            sum += fabs(v);
        }
        a[i + (size_t)i * n] = dom * (sum + 1.0);
        b[i] = hpl_gen_value(seed, HPL_GEN_RANDOM, n, i, n);
    }
    if (LAPACKE_dgesv(LAPACK_COL_MAJOR, n, 1, a, n, ipiv, b, n) != 0) {
        printf("LAPACKE_dgesv failed\n");
        return 1;
    }
    double *x = read_solution(argv[4], n);
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
    free(a);
    free(b);
    free(x);
    free(ipiv);
    return rel < 1e-9 ? 0 : 1;
}
