/* exa-mxp: the right-looking blocked LU without pivoting on the 2D block-cyclic grid, in the
 * factorisation's precision, with a look-ahead of depth 1. A panel k is:
 *   1. the diagonal block, factored by its owner (in double, recursively through dtrsm and dgemm:
 *      jb^3 work, and the pivots checked where they are made), sent down its process column;
 *   2. L21 = A21 U11^-1, solved by the panel's process column;
 *   3. the diagonal block and L21 sent along the process rows with MPI_Ibcast.
 * Step k then solves U12 = L11^-1 A12 on the diagonal's process row (sent down the columns) and
 * updates A22 -= L21 U12 (the gemm: nearly all the flops). The look-ahead: the process column
 * that owns panel k+1 updates those columns first and starts panel k+1 at once, so that its
 * broadcast travels while everyone does the rest of step k's update (tested for progress between
 * column chunks); without it the other columns would wait for every panel in turn. Without
 * pivoting there is no row interchange and no pivot search: this is what lets HPL-MxP run the
 * update at the low-precision GEMM rate. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exa_cli.h"
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

/* One panel in flight: its block, where it lives, its buffers and its row broadcasts. */
struct panel {
    int k, j, jb, prow, pcol;
    int ii;                 /* my local rows below the diagonal block */
    int ml;                 /* how many */
    int bad;                /* first bad pivot (global column), or -1 */
    double *d64;            /* jb x jb, double */
    void *diag;             /* jb x jb, factor precision */
    void *lpan;             /* ml x jb: L21 */
    MPI_Request req[2];
    int nreq;
};

/* Steps 1-3 of panel k: on the panel's process column the diagonal and L21 are computed; every
 * rank then posts its side of the row broadcasts (it receives them when the panel is not its). */
static void panel_start(struct mxp_matrix *m, const struct hpl_grid *g, int k, struct panel *pn,
                        MPI_Datatype elem)
{
    const struct mxp_precision *p = m->prec;
    const size_t es = p->size;
    pn->k = k;
    pn->j = k * m->nb;
    pn->jb = m->n - pn->j < m->nb ? m->n - pn->j : m->nb;
    pn->prow = hpl_owner(pn->j, m->nb, g->p);
    pn->pcol = hpl_owner(pn->j, m->nb, g->q);
    pn->ii = hpl_local_start(pn->j + pn->jb, m->nb, g->myrow, g->p);
    pn->ml = m->mp - pn->ii;
    pn->bad = -1;
    pn->nreq = 0;
    int jb = pn->jb;
    char *a = m->alo;
    if (g->mycol == pn->pcol) {
        int c0 = hpl_local_index(pn->j, m->nb, g->q);
        if (g->myrow == pn->prow) {
            char *blk = a + ((size_t)c0 * m->ld + hpl_local_index(pn->j, m->nb, g->p)) * es;
            pack(pn->diag, blk, m->ld, jb, jb, es);
            p->to_double(pn->diag, pn->d64, (size_t)jb * jb);
            int bad = factor_diagonal(pn->d64, jb, jb);
            pn->bad = bad < 0 ? -1 : pn->j + bad;
            p->from_double(pn->d64, pn->diag, (size_t)jb * jb);
            for (int c = 0; c < jb; c++)
                memcpy(blk + (size_t)c * m->ld * es, (char *)pn->diag + (size_t)c * jb * es,
                       (size_t)jb * es);
        }
        if (g->p > 1)
            bcast_bytes(pn->diag, (size_t)jb * jb * es, pn->prow, g->col_comm);
        if (pn->ml > 0) {
            char *l21 = a + ((size_t)c0 * m->ld + pn->ii) * es;
            p->trsm_right_upper(pn->ml, jb, pn->diag, jb, l21, (int)m->ld);
            pack(pn->lpan, l21, m->ld, pn->ml, jb, es);
        }
    }
    if (g->q == 1)
        return;
    if (g->myrow == pn->prow)
        MPI_Ibcast(pn->diag, jb * jb, elem, pn->pcol, g->row_comm, &pn->req[pn->nreq++]);
    if (pn->ml > 0)
        MPI_Ibcast(pn->lpan, pn->ml * jb, elem, pn->pcol, g->row_comm, &pn->req[pn->nreq++]);
}

static void panel_wait(struct panel *pn)
{
    MPI_Waitall(pn->nreq, pn->req, MPI_STATUSES_IGNORE);
    pn->nreq = 0;
}

/* U12 = L11^-1 A12 on my columns c0.. of the diagonal's process row, then down the columns. */
static void solve_u12(struct mxp_matrix *m, const struct hpl_grid *g, const struct panel *pn,
                      int c0, void *upan)
{
    const struct mxp_precision *p = m->prec;
    int nr = m->nq - c0;
    if (nr <= 0)
        return;
    if (g->myrow == pn->prow) {
        char *u12 = (char *)m->alo + ((size_t)c0 * m->ld + hpl_local_index(pn->j, m->nb, g->p)) * p->size;
        p->trsm_left_lower_unit(pn->jb, nr, pn->diag, pn->jb, u12, (int)m->ld);
        pack(upan, u12, m->ld, pn->jb, nr, p->size);
    }
    if (g->p > 1)
        bcast_bytes(upan, (size_t)pn->jb * nr * p->size, pn->prow, g->col_comm);
}

/* A22(:, c_lo..c_hi) -= L21 U12(:, c_lo-c0 ..), in chunks, letting a pending panel move. */
static void update_cols(struct mxp_matrix *m, const struct panel *pn, const void *upan, int c0,
                        int c_lo, int c_hi, struct panel *pending)
{
    const size_t es = m->prec->size;
    const int chunk = 4 * m->nb;
    char *a = m->alo;
    for (int c = c_lo; c < c_hi && pn->ml > 0; c += chunk) {
        int w = c_hi - c < chunk ? c_hi - c : chunk;
        m->prec->gemm_sub(pn->ml, w, pn->jb, pn->lpan, pn->ml,
                          (const char *)upan + (size_t)(c - c0) * pn->jb * es, pn->jb,
                          a + ((size_t)c * m->ld + pn->ii) * es, (int)m->ld);
        if (pending && pending->nreq > 0) {
            int done;
            MPI_Testall(pending->nreq, pending->req, &done, MPI_STATUSES_IGNORE);
            if (done)
                pending->nreq = 0;
        }
    }
}

struct lu_ws {
    struct panel pan[2];
    void *upan;     /* nb x nq */
    MPI_Datatype elem;
};

static int ws_alloc(struct lu_ws *ws, const struct mxp_matrix *m, const struct hpl_grid *g)
{
    const size_t es = m->prec->size, nb = (size_t)m->nb;
    memset(ws, 0, sizeof *ws);
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        ws->pan[i].d64 = malloc(nb * nb * sizeof(double));
        ws->pan[i].diag = malloc(nb * nb * es);
        ws->pan[i].lpan = malloc((size_t)(m->mp > 0 ? m->mp : 1) * nb * es);
        ok = ok && ws->pan[i].d64 && ws->pan[i].diag && ws->pan[i].lpan;
    }
    ws->upan = malloc((size_t)(m->nq > 0 ? m->nq : 1) * nb * es);
    ok = ok && ws->upan;
    if ((double)m->mp * (double)nb >= 2147483647.0)
        exa_fatal(EXA_EXIT_USAGE, "a panel of %d x %d elements is too large for one broadcast",
                  m->mp, m->nb);
    MPI_Type_contiguous((int)es, MPI_BYTE, &ws->elem);
    MPI_Type_commit(&ws->elem);
    int all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, g->comm);
    return all_ok ? 0 : -1;
}

static void ws_free(struct lu_ws *ws)
{
    for (int i = 0; i < 2; i++) {
        free(ws->pan[i].d64);
        free(ws->pan[i].diag);
        free(ws->pan[i].lpan);
    }
    free(ws->upan);
    MPI_Type_free(&ws->elem);
}

/* Step k with panel cur (arrived): U12, then the next panel's columns first where this rank holds
 * them, the next panel started, and the rest of the update while it travels. */
static void lu_step(struct mxp_matrix *m, const struct hpl_grid *g, struct lu_ws *ws, int k,
                    int nblocks, double *panel)
{
    struct panel *cur = &ws->pan[k % 2], *nxt = &ws->pan[(k + 1) % 2];
    int c0 = hpl_local_start(cur->j + cur->jb, m->nb, g->mycol, g->q); /* my columns right of it */
    solve_u12(m, g, cur, c0, ws->upan);
    int lo = c0;
    if (k + 1 < nblocks) {
        int jn = (k + 1) * m->nb, jbn = m->n - jn < m->nb ? m->n - jn : m->nb;
        if (hpl_owner(jn, m->nb, g->q) == g->mycol) {
            update_cols(m, cur, ws->upan, c0, c0, c0 + jbn, NULL);
            lo = c0 + jbn;
        }
        double t0 = MPI_Wtime();
        panel_start(m, g, k + 1, nxt, ws->elem);
        *panel += MPI_Wtime() - t0;
    }
    update_cols(m, cur, ws->upan, c0, lo, m->nq, k + 1 < nblocks ? nxt : NULL);
}

int mxp_lu(struct mxp_matrix *m, const struct hpl_grid *g, double *panel_seconds)
{
    struct lu_ws ws;
    if (ws_alloc(&ws, m, g) != 0) {
        ws_free(&ws);
        return -2;
    }
    int nblocks = (m->n + m->nb - 1) / m->nb, info = -1;
    double panel = 0, t0 = MPI_Wtime();
    panel_start(m, g, 0, &ws.pan[0], ws.elem);
    panel += MPI_Wtime() - t0;
    for (int k = 0; k < nblocks; k++) {
        struct panel *cur = &ws.pan[k % 2];
        t0 = MPI_Wtime();
        panel_wait(cur);
        panel += MPI_Wtime() - t0;
        if (cur->bad >= 0 && info < 0)
            info = cur->bad;
        lu_step(m, g, &ws, k, nblocks, &panel);
    }
    ws_free(&ws);
    /* the first bad pivot anywhere (-1: none) */
    int mine = info == -1 ? m->n : info, first = m->n;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, g->comm);
    if (panel_seconds)
        *panel_seconds = panel;
    return first == m->n ? -1 : first;
}
