/* exa-hpl: the residual check, on a freshly regenerated A and b (the factors are overwritten).
 *
 *   resid = ||A x - b||_oo / (eps * (||A||_oo * ||x||_oo + ||b||_oo) * N)
 *
 * with eps = 2^-53 (the unit roundoff, HPL's dlamch('eps')). Each process multiplies its block of
 * A by its part of x (DGEMV over its local columns) and sums its rows' |a_ij|; the row pieces are
 * summed along the process rows, then the maxima are taken over the grid. */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "hpl.h"

void hpl_residual_check(struct hpl_matrix *m, const struct hpl_grid *g, uint64_t seed, int kind,
                        struct hpl_residual *res)
{
    const int mp = m->mp, nqa = m->nq_a, n = m->n;
    const size_t ld = m->ld;
    hpl_gen_local(m, g, seed, kind);

    double *r = calloc((size_t)mp * 2 + 1, sizeof(double));
    if (!r)
        MPI_Abort(MPI_COMM_WORLD, 2);
    double *rowsum = r + mp;
    if (mp > 0 && nqa > 0)
        cblas_dgemv(CblasColMajor, CblasNoTrans, mp, nqa, 1.0, m->a, (int)ld, m->x, 1, 0.0, r, 1);
    for (int c = 0; c < nqa; c++) {
        const double *a = m->a + (size_t)c * ld;
        for (int i = 0; i < mp; i++)
            rowsum[i] += fabs(a[i]);
    }
    if (g->q > 1 && mp > 0)
        MPI_Allreduce(MPI_IN_PLACE, r, mp * 2, MPI_DOUBLE, MPI_SUM, g->row_comm);

    double v[4] = {0, 0, 0, 0}; /* ||r||, ||A||, ||b||, ||x|| */
    for (int i = 0; i < mp; i++) {
        int gi = hpl_global_index(i, m->nb, g->myrow, g->p);
        double b = hpl_gen_value(seed, kind, n, gi, n);
        double ri = fabs(r[i] - b);
        if (isnan(ri))
            ri = INFINITY; /* MPI_MAX need not propagate NaN */
        if (ri > v[0])
            v[0] = ri;
        if (rowsum[i] > v[1])
            v[1] = rowsum[i];
        if (fabs(b) > v[2])
            v[2] = fabs(b);
    }
    for (int c = 0; c < nqa; c++) {
        double xa = fabs(m->x[c]);
        if (isnan(xa))
            xa = INFINITY;
        if (xa > v[3])
            v[3] = xa;
    }
    MPI_Allreduce(MPI_IN_PLACE, v, 4, MPI_DOUBLE, MPI_MAX, g->comm);
    free(r);

    res->eps = DBL_EPSILON / 2;
    res->norm_r = v[0];
    res->norm_a = v[1];
    res->norm_b = v[2];
    res->norm_x = v[3];
    double den = res->eps * (res->norm_a * res->norm_x + res->norm_b) * n;
    res->resid = den > 0 ? res->norm_r / den : INFINITY;
}
