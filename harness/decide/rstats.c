/* Mann-Whitney U test. Exact: the number of arrangements of m values of one sample and n of the
 * other giving U = u obeys f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u) (the largest value
 * belongs to one sample or the other). Large or tied samples use the normal approximation with
 * the tie-corrected variance and a continuity correction of 1/2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rstats.h"

#define EXACT_MAX 20

struct tagged {
    double v;
    int from_a;
};

static int cmp_tagged(const void *x, const void *y)
{
    double a = ((const struct tagged *)x)->v, b = ((const struct tagged *)y)->v;
    return (a > b) - (a < b);
}

/* P(U <= u) under the null hypothesis, by counting arrangements. */
static double exact_cdf(size_t m, size_t n, long u)
{
    size_t umax = m * n;
    if (u < 0)
        return 0;
    if ((size_t)u >= umax)
        return 1;
    /* f[i][j][k] for i <= m, j <= n, k <= umax, flattened. */
    size_t W = umax + 1;
    double *f = calloc((m + 1) * (n + 1) * W, sizeof *f);
#define F(i, j, k) f[((i) * (n + 1) + (j)) * W + (k)]
    for (size_t i = 0; i <= m; i++)
        for (size_t j = 0; j <= n; j++) {
            if (i == 0 || j == 0) {
                F(i, j, 0) = 1;
                continue;
            }
            for (size_t k = 0; k <= i * j; k++)
                F(i, j, k) = (k >= j ? F(i - 1, j, k - j) : 0) + F(i, j - 1, k);
        }
    double below = 0, total = 0;
    for (size_t k = 0; k <= umax; k++) {
        total += F(m, n, k);
        if ((long)k <= u)
            below += F(m, n, k);
    }
#undef F
    free(f);
    return below / total;
}

static int mann_whitney(const double *a, size_t na, const double *b, size_t nb, int allow_exact, struct rs_mwu *out)
{
    memset(out, 0, sizeof *out);
    if (na == 0 || nb == 0)
        return -1;
    size_t n = na + nb;
    struct tagged *t = malloc(n * sizeof *t);
    for (size_t i = 0; i < na; i++)
        t[i] = (struct tagged){a[i], 1};
    for (size_t i = 0; i < nb; i++)
        t[na + i] = (struct tagged){b[i], 0};
    qsort(t, n, sizeof *t, cmp_tagged);
    /* Midranks; sum of ranks of a; tie correction sum(t^3 - t). */
    double ra = 0, ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && t[j + 1].v == t[i].v)
            j++;
        double rank = 0.5 * (double)(i + j) + 1.0;
        for (size_t k = i; k <= j; k++)
            if (t[k].from_a)
                ra += rank;
        double c = (double)(j - i + 1);
        ties += c * c * c - c;
        i = j + 1;
    }
    free(t);
    double u1 = ra - (double)na * (double)(na + 1) / 2.0;
    double u2 = (double)na * (double)nb - u1;
    out->u = u1;
    double umax = u1 > u2 ? u1 : u2;
    if (allow_exact && ties == 0 && na <= EXACT_MAX && nb <= EXACT_MAX) {
        /* P(U >= umax) = P(U <= na*nb - umax) by symmetry. */
        double p = 2.0 * exact_cdf(na, nb, (long)llround((double)na * (double)nb - umax));
        out->p = p > 1 ? 1 : p;
        out->exact = 1;
        return 0;
    }
    double mu = (double)na * (double)nb / 2.0;
    double var = (double)na * (double)nb / 12.0 * (((double)n + 1.0) - ties / ((double)n * ((double)n - 1.0)));
    if (var <= 0) {
        out->p = 1;
        return 0;
    }
    double z = (umax - mu - 0.5) / sqrt(var);
    if (z < 0)
        z = 0;
    out->z = z;
    double p = erfc(z / sqrt(2.0));
    out->p = p > 1 ? 1 : p;
    return 0;
}

int rs_mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct rs_mwu *out)
{
    return mann_whitney(a, na, b, nb, 1, out);
}

int rs_mann_whitney_asymptotic(const double *a, size_t na, const double *b, size_t nb, struct rs_mwu *out)
{
    return mann_whitney(a, na, b, nb, 0, out);
}

double rs_mwu_min_p(size_t na, size_t nb)
{
    if (na == 0 || nb == 0)
        return 1;
    /* 2 / C(na + nb, na), computed in floating point. */
    double c = 1;
    size_t k = na < nb ? na : nb, n = na + nb;
    for (size_t i = 1; i <= k; i++)
        c = c * (double)(n - k + i) / (double)i;
    double p = 2.0 / c;
    return p > 1 ? 1 : p;
}
