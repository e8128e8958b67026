/* exa-hpl: the update engine and the trailing-matrix update.
 *
 * struct hpl_engine holds the two operations the factorisation spends almost all of its time in
 * (C -= A*B and B := L^-1 B). hpl_engine_blas calls the CBLAS (OpenBLAS by default, any CBLAS
 * links); an accelerator back end provides its own table and the driver stays the same. */
#include <cblas.h>

#include "hpl.h"

static void blas_gemm_sub(int m, int n, int k, const double *a, int lda, const double *b, int ldb,
                          double *c, int ldc)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return;
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, a, lda, b, ldb, 1.0, c,
                ldc);
}

static void blas_trsm_lunit(int m, int n, const double *l, int ldl, double *b, int ldb)
{
    if (m <= 0 || n <= 0)
        return;
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0, l, ldl,
                b, ldb);
}

const struct hpl_engine hpl_engine_blas = {
    .name = "blas",
    .gemm_sub = blas_gemm_sub,
    .trsm_lunit = blas_trsm_lunit,
};

/* Columns per DGEMM call while a broadcast or a swap exchange is pending: wide enough that the BLAS packs L2 rarely
 * (it packs all of L2 once per call), narrow enough to poke MPI a few times per update. With
 * nothing pending, one call does it all. */
#define UPDATE_CHUNK 2048

void hpl_update(const struct hpl_engine *eng, const struct hpl_panel *pan, const double *u,
                int ldu, struct hpl_matrix *m, int jq, int c0, int c1, const struct hpl_grid *g,
                struct hpl_panel *pend1, struct hpl_panel *pend2, struct hpl_swap_ws *swp)
{
    if (pan->ml <= 0 || c1 <= c0)
        return;
    int ldl = pan->ml;
    for (int c = c0; c < c1;) {
        int pending = hpl_bcast_pending(pend1) || hpl_bcast_pending(pend2) || hpl_swap_pending(swp);
        int chunk = pending ? UPDATE_CHUNK : c1 - c;
        int cn = c1 - c < chunk ? c1 - c : chunk;
        eng->gemm_sub(pan->ml, cn, pan->jb, pan->l, ldl, u + (size_t)(c - jq) * ldu, ldu,
                      m->a + (size_t)c * m->ld + pan->ii, (int)m->ld);
        hpl_bcast_progress(pend1, g);
        hpl_bcast_progress(pend2, g);
        hpl_swap_progress(swp);
        c += cn;
    }
}
