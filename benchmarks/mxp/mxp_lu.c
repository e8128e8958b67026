/* exa-mxp: the right-looking blocked LU without pivoting on the 2D block-cyclic grid, in the
 * factorisation's precision. Per block column of width jb:
 *   1. the diagonal block's owner factors it (in double, recursively through dtrsm and dgemm:
 *      jb^3 work, and the pivots checked where they are made);
 *   2. it goes down the process column and along the process row;
 *   3. the process column solves its rows of L21 = A21 U11^-1, the process row its columns of
 *      U12 = L11^-1 A12;
 *   4. L21 travels along the process rows, U12 down the process columns;
 *   5. every rank updates its part of A22 -= L21 U12 (the gemm: nearly all the flops).
 * Without pivoting there is no row interchange and no pivot search: this is what lets HPL-MxP run
 * the update at the low-precision GEMM rate. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mxp.h"

/* In-place LU without pivoting of the n x n block d (double, leading dimension ld): recursive,
 * halves down to 32 columns, so that nearly all of it runs in dtrsm and dgemm. Returns the first
 * column whose pivot is zero or not finite, or -1. */
static int factor_diagonal(double *d, int n, int ld)
{
    if (n <= 32) {
        int bad = -1;
        for (int k = 0; k < n; k++) {
            double piv = d[(size_t)k * ld + k];
            if ((piv == 0.0 || !isfinite(piv)) && bad < 0)
                bad = k;
            double inv = 1.0 / piv;
            for (int i = k + 1; i < n; i++)
                d[(size_t)k * ld + i] *= inv;
            for (int j = k + 1; j < n; j++) {
                double ukj = d[(size_t)j * ld + k];
                double *col = d + (size_t)j * ld;
                const double *lk = d + (size_t)k * ld;
                for (int i = k + 1; i < n; i++)
                    col[i] -= lk[i] * ukj;
            }
        }
        return bad;
    }
    int n1 = n / 2, n2 = n - n1;
    double *a12 = d + (size_t)n1 * ld, *a21 = d + n1, *a22 = d + (size_t)n1 * ld + n1;
    int bad = factor_diagonal(d, n1, ld);
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, n1, n2, 1.0, d, ld,
                a12, ld);
    cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, n2, n1, 1.0, d,
                ld, a21, ld);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n2, n2, n1, -1.0, a21, ld, a12, ld, 1.0,
                a22, ld);
    int bad2 = factor_diagonal(a22, n2, ld);
    return bad >= 0 ? bad : bad2 >= 0 ? n1 + bad2 : -1;
}

/* Copies the rows x cols block at src (leading dimension lds) to dst (leading dimension rows). */
static void pack(void *dst, const void *src, size_t lds, int rows, int cols, size_t es)
{
    for (int c = 0; c < cols; c++)
        memcpy((char *)dst + (size_t)c * rows * es, (const char *)src + (size_t)c * lds * es,
               (size_t)rows * es);
}

static void bcast_bytes(void *buf, size_t bytes, int root, MPI_Comm comm)
{
    const size_t chunk = (size_t)1 << 30;
    for (size_t off = 0; off < bytes; off += chunk) {
        size_t len = bytes - off < chunk ? bytes - off : chunk;
        MPI_Bcast((char *)buf + off, (int)len, MPI_BYTE, root, comm);
    }
}

struct lu_ws {
    double *d64;   /* jb x jb, double */
    void *diag;    /* jb x jb, factor precision */
    void *lpan;    /* mp x nb */
    void *upan;    /* nb x nq */
};

/* Steps 1-2: the factored diagonal block in ws->diag on the diagonal's process row and column. */
static int diagonal_step(struct mxp_matrix *m, const struct hpl_grid *g, int j, int jb,
                         struct lu_ws *ws)
{
    const struct mxp_precision *p = m->prec;
    int prow = hpl_owner(j, m->nb, g->p), pcol = hpl_owner(j, m->nb, g->q);
    int bad = -1;
    if (g->myrow == prow && g->mycol == pcol) {
        int r0 = hpl_local_index(j, m->nb, g->p), c0 = hpl_local_index(j, m->nb, g->q);
        char *blk = (char *)m->alo + ((size_t)c0 * m->ld + r0) * p->size;
        pack(ws->diag, blk, m->ld, jb, jb, p->size);
        p->to_double(ws->diag, ws->d64, (size_t)jb * jb);
        bad = factor_diagonal(ws->d64, jb, jb);
        p->from_double(ws->d64, ws->diag, (size_t)jb * jb);
        for (int c = 0; c < jb; c++)
            memcpy(blk + (size_t)c * m->ld * p->size, (char *)ws->diag + (size_t)c * jb * p->size,
                   (size_t)jb * p->size);
    }
    size_t bytes = (size_t)jb * jb * p->size;
    if (g->mycol == pcol && g->p > 1)
        bcast_bytes(ws->diag, bytes, prow, g->col_comm);
    if (g->myrow == prow && g->q > 1)
        bcast_bytes(ws->diag, bytes, pcol, g->row_comm);
    return bad < 0 ? -1 : j + bad;
}

/* Steps 3-5 for block column j. */
static void update_step(struct mxp_matrix *m, const struct hpl_grid *g, int j, int jb,
                        struct lu_ws *ws)
{
    const struct mxp_precision *p = m->prec;
    const size_t es = p->size;
    int prow = hpl_owner(j, m->nb, g->p), pcol = hpl_owner(j, m->nb, g->q);
    int ii = hpl_local_start(j + jb, m->nb, g->myrow, g->p); /* my rows below the block */
    int jj = hpl_local_start(j + jb, m->nb, g->mycol, g->q); /* my columns right of it */
    int ml = m->mp - ii, nr = m->nq - jj;
    char *a = m->alo;
    if (g->mycol == pcol && ml > 0) {
        char *l21 = a + ((size_t)hpl_local_index(j, m->nb, g->q) * m->ld + ii) * es;
        p->trsm_right_upper(ml, jb, ws->diag, jb, l21, (int)m->ld);
        pack(ws->lpan, l21, m->ld, ml, jb, es);
    }
    if (g->myrow == prow && nr > 0) {
        char *u12 = a + ((size_t)jj * m->ld + hpl_local_index(j, m->nb, g->p)) * es;
        p->trsm_left_lower_unit(jb, nr, ws->diag, jb, u12, (int)m->ld);
        pack(ws->upan, u12, m->ld, jb, nr, es);
    }
    if (g->q > 1 && ml > 0)
        bcast_bytes(ws->lpan, (size_t)ml * jb * es, pcol, g->row_comm);
    if (g->p > 1 && nr > 0)
        bcast_bytes(ws->upan, (size_t)jb * nr * es, prow, g->col_comm);
    if (ml > 0 && nr > 0)
        p->gemm_sub(ml, nr, jb, ws->lpan, ml, ws->upan, jb, a + ((size_t)jj * m->ld + ii) * es,
                    (int)m->ld);
}

int mxp_lu(struct mxp_matrix *m, const struct hpl_grid *g, double *panel_seconds)
{
    const size_t es = m->prec->size, nb = (size_t)m->nb;
    struct lu_ws ws;
    ws.d64 = malloc(nb * nb * sizeof(double));
    ws.diag = malloc(nb * nb * es);
    ws.lpan = malloc((size_t)(m->mp > 0 ? m->mp : 1) * nb * es);
    ws.upan = malloc((size_t)(m->nq > 0 ? m->nq : 1) * nb * es);
    int ok = ws.d64 && ws.diag && ws.lpan && ws.upan, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, g->comm);
    int info = all_ok ? -1 : -2;
    double panel = 0;
    for (int j = 0; all_ok && j < m->n; j += m->nb) {
        int jb = m->n - j < m->nb ? m->n - j : m->nb;
        double t0 = MPI_Wtime();
        int bad = diagonal_step(m, g, j, jb, &ws);
        if (bad >= 0 && info < 0)
            info = bad;
        panel += MPI_Wtime() - t0;
        update_step(m, g, j, jb, &ws);
    }
    free(ws.d64);
    free(ws.diag);
    free(ws.lpan);
    free(ws.upan);
    /* the first bad pivot anywhere (-1: none) */
    int mine = info == -1 ? m->n : info, first = m->n;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, g->comm);
    if (info == -2)
        return -2;
    if (panel_seconds)
        *panel_seconds = panel;
    return first == m->n ? -1 : first;
}
