/* exa-hpl: distributed back substitution U x = y.
 *
 * After the factorisation, U sits in place in the block-cyclic layout and y (the transformed b)
 * is global column N, held by one process column. Going up the block rows k = nblk-1 .. 0:
 *   - every process keeps s, a vector over its local rows: its share of -(y - U x) for the
 *     solved part (initialised to -y by the process column holding y, to 0 elsewhere);
 *   - the processes of process row prow(k) sum their pieces of s for block k onto the diagonal
 *     process (MPI_Reduce along the row), which solves U_kk x_k = y_k (DTRSV);
 *   - x_k goes down its process column (MPI_Bcast), whose processes fold U(rows above, block k)
 *     x_k into s with one DGEMV.
 * Two short collectives per block row and N^2/(PQ) flops per process: the matrix never moves.
 * Every process of a process column ends with x for its local columns. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "hpl.h"

void hpl_pdtrsv(struct hpl_matrix *m, const struct hpl_grid *g)
{
    const int n = m->n, nb = m->nb, P = g->p, Q = g->q;
    const int nblk = (n + nb - 1) / nb;
    const size_t ld = m->ld;
    double *s = calloc((size_t)m->mp + 1, sizeof(double));
    double *xk = calloc((size_t)nb * 2, sizeof(double));
    double *tmp = xk + nb;
    if (!s || !xk)
        MPI_Abort(MPI_COMM_WORLD, 2);

    if (g->mycol == hpl_owner(n, nb, Q)) {
        const double *y = m->a + (size_t)m->nq_a * ld;
        for (int i = 0; i < m->mp; i++)
            s[i] = -y[i];
    }
    for (int k = nblk - 1; k >= 0; k--) {
        int j = k * nb, jb = n - j < nb ? n - j : nb;
        int prow = hpl_owner(j, nb, P), pcol = hpl_owner(j, nb, Q);
        int il = hpl_local_start(j, nb, g->myrow, P);
        int jl = hpl_local_start(j, nb, g->mycol, Q);
        if (g->myrow == prow) {
            if (Q > 1)
                MPI_Reduce(s + il, tmp, jb, MPI_DOUBLE, MPI_SUM, pcol, g->row_comm);
            else
                memcpy(tmp, s + il, sizeof(double) * jb);
            if (g->mycol == pcol) {
                for (int r = 0; r < jb; r++)
                    xk[r] = -tmp[r];
                cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, jb,
                            m->a + (size_t)jl * ld + il, (int)ld, xk, 1);
            }
        }
        if (g->mycol == pcol) {
            if (P > 1)
                MPI_Bcast(xk, jb, MPI_DOUBLE, prow, g->col_comm);
            memcpy(m->x + jl, xk, sizeof(double) * jb);
            if (il > 0)
                cblas_dgemv(CblasColMajor, CblasNoTrans, il, jb, 1.0, m->a + (size_t)jl * ld,
                            (int)ld, xk, 1, 1.0, s, 1);
        }
    }
    free(s);
    free(xk);
}

double *hpl_gather_solution(const struct hpl_matrix *m, const struct hpl_grid *g)
{
    int rank;
    MPI_Comm_rank(g->comm, &rank);
    double *full = calloc((size_t)m->n + 1, sizeof(double));
    if (!full)
        MPI_Abort(MPI_COMM_WORLD, 2);
    if (g->myrow == 0) {
        for (int l = 0; l < m->nq_a; l++)
            full[hpl_global_index(l, m->nb, g->mycol, g->q)] = m->x[l];
    }
    MPI_Reduce(rank == 0 ? MPI_IN_PLACE : full, full, m->n, MPI_DOUBLE, MPI_SUM, 0, g->comm);
    if (rank != 0) {
        free(full);
        return NULL;
    }
    return full;
}
