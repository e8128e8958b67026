#include "slowpairs.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_excess(const void *a, const void *b)
{
    const struct comm_slow_pair *x = a, *y = b;
    if (x->excess != y->excess)
        return x->excess < y->excess ? 1 : -1;
    if (x->a != y->a)
        return x->a - y->a;
    return x->b - y->b;
}

static double median_of(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

size_t comm_find_slow_pairs(int nranks, const double *m, const int *cls, int higher_is_better,
                            int symmetric, double threshold, struct comm_slow_pair *out, size_t cap,
                            double medians[2])
{
    size_t P = nranks > 0 ? (size_t)nranks : 0, count[2] = {0, 0}, found = 0;
    double med[2];
    double *vals = malloc((P * P + 1) * sizeof *vals);
    struct comm_slow_pair *all = malloc((P * P + 1) * sizeof *all);
    if (!vals || !all) {
        free(vals);
        free(all);
        return 0;
    }
    for (int c = 0; c < 2; c++) {
        size_t n = 0;
        for (size_t i = 0; i < P; i++)
            for (size_t j = symmetric ? i + 1 : 0; j < P; j++)
                if (i != j && cls[i * P + j] == c)
                    vals[n++] = m[i * P + j];
        count[c] = n;
        med[c] = median_of(vals, n);
        if (medians)
            medians[c] = med[c];
    }
    for (size_t i = 0; i < P; i++)
        for (size_t j = symmetric ? i + 1 : 0; j < P; j++) {
            int c = cls[i * P + j];
            double v = m[i * P + j], e;
            if (i == j || (c != COMM_INTRA && c != COMM_INTER) || count[c] == 0 || med[c] <= 0)
                continue;
            e = higher_is_better ? (med[c] - v) / med[c] : (v - med[c]) / med[c];
            if (e > threshold)
                all[found++] = (struct comm_slow_pair){(int)i, (int)j, c, v, med[c], e};
        }
    qsort(all, found, sizeof *all, cmp_excess);
    for (size_t k = 0; k < found && k < cap; k++)
        out[k] = all[k];
    free(vals);
    free(all);
    return found;
}
