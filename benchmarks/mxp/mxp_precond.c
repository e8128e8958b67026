/* exa-mxp: the operators of the refinement. mxp_precond applies the low-precision factors,
 * v := U^-1 L^-1 v, by block forward and back substitution over the block-cyclic factors; the
 * vector is replicated, so each block of the solution needs only its row of blocks: the ranks of
 * the block's process row sum their products with the solved part (one reduce along the row),
 * the diagonal block's owner solves, and the block goes to everyone (down its process column,
 * then along every row). mxp_matvec multiplies by the FP64 matrix: each rank its block, one
 * allreduce of N doubles. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "mxp.h"

/* The solved block v[j..j+jb) from the diagonal's owner to every grid rank, and into my copy xl
 * of v at my local columns. */
static void share_block(const struct mxp_matrix *m, const struct hpl_grid *g, double *v, int j,
                        int jb, double *xl)
{
    int prow = hpl_owner(j, m->nb, g->p), pcol = hpl_owner(j, m->nb, g->q);
    if (g->mycol == pcol && g->p > 1)
        MPI_Bcast(v + j, jb, MPI_DOUBLE, prow, g->col_comm);
    if (g->q > 1)
        MPI_Bcast(v + j, jb, MPI_DOUBLE, pcol, g->row_comm);
    if (g->mycol == pcol)
        memcpy(xl + hpl_local_index(j, m->nb, g->q), v + j, (size_t)jb * sizeof(double));
}

/* One block of a substitution: s = -(my part of block row j) * (solved x), summed along the
 * process row to the diagonal's owner, which adds it to v's block and solves with its triangle. */
static void solve_block(const struct mxp_matrix *m, const struct hpl_grid *g, double *v, int j,
                        int jb, int lower, const double *xl, double *s)
{
    const struct mxp_precision *p = m->prec;
    int prow = hpl_owner(j, m->nb, g->p), pcol = hpl_owner(j, m->nb, g->q);
    if (g->myrow != prow)
        return;
    int r0 = hpl_local_index(j, m->nb, g->p);
    /* my columns of the solved part: left of the block (L) or right of it (U) */
    int c_lo = lower ? 0 : hpl_local_start(j + jb, m->nb, g->mycol, g->q);
    int c_hi = lower ? hpl_local_start(j, m->nb, g->mycol, g->q) : m->nq;
    memset(s, 0, (size_t)jb * sizeof(double));
    const char *a = m->alo;
    if (c_hi > c_lo)
        p->gemv_sub(jb, c_hi - c_lo, a + ((size_t)c_lo * m->ld + r0) * p->size, (int)m->ld,
                    xl + c_lo, s);
    if (g->q > 1)
        MPI_Reduce(g->mycol == pcol ? MPI_IN_PLACE : s, s, jb, MPI_DOUBLE, MPI_SUM, pcol,
                   g->row_comm);
    if (g->mycol != pcol)
        return;
    for (int i = 0; i < jb; i++)
        v[j + i] += s[i];
    int c0 = hpl_local_index(j, m->nb, g->q);
    p->trsv(lower, jb, a + ((size_t)c0 * m->ld + r0) * p->size, (int)m->ld, v + j);
}

void mxp_precond(const struct mxp_matrix *m, const struct hpl_grid *g, double *v, double *work)
{
    double *xl = work;               /* nq: v at my local columns */
    double *s = work + m->nq;        /* nb */
    int nblocks = (m->n + m->nb - 1) / m->nb;
    for (int k = 0; k < nblocks; k++) {
        int j = k * m->nb, jb = m->n - j < m->nb ? m->n - j : m->nb;
        solve_block(m, g, v, j, jb, 1, xl, s);
        share_block(m, g, v, j, jb, xl);
    }
    for (int k = nblocks - 1; k >= 0; k--) {
        int j = k * m->nb, jb = m->n - j < m->nb ? m->n - j : m->nb;
        solve_block(m, g, v, j, jb, 0, xl, s);
        share_block(m, g, v, j, jb, xl);
    }
}

void mxp_matvec(const struct mxp_matrix *m, const struct hpl_grid *g, const double *x, double *y,
                double *work)
{
    double *xl = work, *t = work + m->nq;  /* nq, then mp */
    for (int c = 0; c < m->nq; c++)
        xl[c] = x[hpl_global_index(c, m->nb, g->mycol, g->q)];
    if (m->mp > 0 && m->nq > 0)
        cblas_dgemv(CblasColMajor, CblasNoTrans, m->mp, m->nq, 1.0, m->a64, (int)m->ld, xl, 1, 0.0,
                    t, 1);
    else
        memset(t, 0, (size_t)m->mp * sizeof(double));
    memset(y, 0, (size_t)m->n * sizeof(double));
    for (int r = 0; r < m->mp; r++)
        y[hpl_global_index(r, m->nb, g->myrow, g->p)] = t[r];
    MPI_Allreduce(MPI_IN_PLACE, y, m->n, MPI_DOUBLE, MPI_SUM, g->comm);
}
