/* exa-hpl: panel factorisation within the process column.
 *
 * The panel is columns j..j+jb-1 of the trailing matrix, rows j..N-1, spread over the P processes
 * of one process column. Its top jb rows (the diagonal block's rows, global j..j+jb-1) are kept
 * in W, a jb x jb copy replicated on every process of the column; each process keeps its own rows
 * below (global >= j+jb) in L2. At every column the candidates are W's rows at and below the
 * diagonal (identical everywhere) and my L2 rows; one MPI_Allreduce with a max-loc operation over
 * (|value|, global row, the row's jb values) finds the pivot -- ties go to the lowest global row --
 * and hands every process the pivot row, so the exchange needs no further message: the pivot row
 * goes into W's row c everywhere, and the owner of the pivot row takes W's old row c.
 *
 * The factorisation is recursive, as HPL's: a range of columns is cut into NDIV pieces, each
 * factored recursively, down to ranges of at most NBMIN columns factored column by column. HPL.dat's
 * RFACT picks how a recursion level brings the pieces up to date, PFACT how a leaf does it with
 * its columns; all produce the same factors and pivots up to rounding:
 *   Right  after a piece (column), update everything to its right at once (DTRSM + DGEMMs; at a
 *          leaf, rank-1 updates);
 *   Left   before a piece (column), apply all earlier pieces of the range to it, lazily (DTRSM +
 *          DGEMMs; DTRSV + DGEMVs);
 *   Crout  before a piece (column), apply the earlier pieces to its rows from the diagonal down;
 *          after it, finish its rows of U to the right (DGEMM + DTRSM; DGEMV).
 * A range's invariant on entry, whatever its parent's variant: its rows from the range's first
 * column down have been updated with every column left of the range. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpl.h"

struct pf {
    double *w;       /* jb x jb, ld jb */
    double *l;       /* ml x jb, ld ldl */
    double *ipiv;
    int jb, ml, ldl;
    int j;           /* global row of W's row 0 */
    int ii;          /* local row index in A of L2's row 0 */
    int nbmin, ndiv;
    int pfact, rfact; /* HPL_FACT_LEFT, _CROUT, _RIGHT */
    int info;        /* first global column with a zero pivot, or -1 */
    const struct hpl_grid *g;
    int nb;
    double *red;     /* reduction buffer: |v|, global row, jb values */
    MPI_Datatype type;
    MPI_Op op;
};

/* The max-loc operation: a larger |value| wins; equal values go to the lower global row. */
static void maxloc_op(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    int bytes;
    MPI_Type_size(*dt, &bytes);
    size_t cnt = (size_t)bytes / sizeof(double);
    double *a = in, *b = inout;
    for (int e = 0; e < *len; e++, a += cnt, b += cnt) {
        if (a[0] > b[0] || (a[0] == b[0] && a[1] < b[1]))
            memcpy(b, a, cnt * sizeof(double));
    }
}

/* Column c, already up to date: finds the pivot across the process column, exchanges it into
 * W's row c (whole rows, all jb columns) and scales the column below the diagonal. Returns 0, or
 * -1 for an exact zero pivot (recorded in info; nothing to scale). */
static int pf_pivot(struct pf *x, int c)
{
    const int jb = x->jb, ldl = x->ldl, ml = x->ml;
    double *w = x->w, *l = x->l, *red = x->red;

    /* my best candidate: W rows c.. come first in global order, so they win ties */
    double best = -1.0;
    int wrow = -1, lrow = -1;
    for (int r = c; r < jb; r++) {
        double v = fabs(w[r + (size_t)c * jb]);
        if (v > best) {
            best = v;
            wrow = r;
        }
    }
    if (ml > 0) {
        int i = (int)cblas_idamax(ml, l + (size_t)c * ldl, 1);
        double v = fabs(l[i + (size_t)c * ldl]);
        if (v > best) {
            best = v;
            lrow = i;
            wrow = -1;
        }
    }
    red[0] = best;
    if (lrow >= 0) {
        red[1] = hpl_global_index(x->ii + lrow, x->nb, x->g->myrow, x->g->p);
        for (int k = 0; k < jb; k++)
            red[2 + k] = l[lrow + (size_t)k * ldl];
    } else {
        red[1] = x->j + wrow;
        for (int k = 0; k < jb; k++)
            red[2 + k] = w[wrow + (size_t)k * jb];
    }
    if (x->g->p > 1)
        MPI_Allreduce(MPI_IN_PLACE, red, 1, x->type, x->op, x->g->col_comm);

    int gp = (int)red[1];
    if (red[0] == 0.0) { /* the whole column is zero: an exact zero pivot */
        if (x->info < 0)
            x->info = x->j + c;
        x->ipiv[c] = x->j + c;
        return -1;
    }
    x->ipiv[c] = gp;
    if (gp < x->j + jb) {
        int r = gp - x->j;
        if (r != c)
            cblas_dswap(jb, w + c, jb, w + r, jb);
    } else {
        if (hpl_owner(gp, x->nb, x->g->p) == x->g->myrow) {
            int li = hpl_local_index(gp, x->nb, x->g->p) - x->ii;
            cblas_dcopy(jb, w + c, jb, l + li, ldl);
        }
        cblas_dcopy(jb, red + 2, 1, w + c, jb);
    }

    double inv = 1.0 / w[c + (size_t)c * jb];
    if (jb - c - 1 > 0)
        cblas_dscal(jb - c - 1, inv, w + c + 1 + (size_t)c * jb, 1);
    if (ml > 0)
        cblas_dscal(ml, inv, l + (size_t)c * ldl, 1);
    return 0;
}

/* Column c from the diagonal down (W rows c.., all of L2) -= the leaf's columns c0..c-1 times
 * their U entries in column c (Left and Crout, before the pivot search). */
static void leaf_column_update(struct pf *x, int c0, int c)
{
    const int jb = x->jb, k = c - c0;
    double *w = x->w, *u = w + c0 + (size_t)c * jb;
    if (k <= 0)
        return;
    cblas_dgemv(CblasColMajor, CblasNoTrans, jb - c, k, -1.0, w + c + (size_t)c0 * jb, jb, u, 1, 1.0,
                w + c + (size_t)c * jb, 1);
    if (x->ml > 0)
        cblas_dgemv(CblasColMajor, CblasNoTrans, x->ml, k, -1.0, x->l + (size_t)c0 * x->ldl, x->ldl, u,
                    1, 1.0, x->l + (size_t)c * x->ldl, 1);
}

/* Columns c0..cend-1, one at a time (PFACT). */
static void pf_leaf(struct pf *x, int c0, int cend)
{
    const int jb = x->jb, ldl = x->ldl, ml = x->ml;
    double *w = x->w, *l = x->l;
    for (int c = c0; c < cend; c++) {
        int k = c - c0, nr = cend - c - 1;
        if (x->pfact == HPL_FACT_LEFT && k > 0)  /* U entries of column c first */
            cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasUnit, k, w + c0 + (size_t)c0 * jb, jb,
                        w + c0 + (size_t)c * jb, 1);
        if (x->pfact != HPL_FACT_RIGHT)
            leaf_column_update(x, c0, c);
        if (pf_pivot(x, c) != 0 || nr <= 0)
            continue;
        double *urow = w + c + (size_t)(c + 1) * jb;  /* row c right of the diagonal, stride jb */
        if (x->pfact == HPL_FACT_CROUT && k > 0) {
            cblas_dgemv(CblasColMajor, CblasTrans, k, nr, -1.0, w + c0 + (size_t)(c + 1) * jb, jb,
                        w + c + (size_t)c0 * jb, jb, 1.0, urow, jb);
        } else if (x->pfact == HPL_FACT_RIGHT) {
            if (jb - c - 1 > 0)
                cblas_dger(CblasColMajor, jb - c - 1, nr, -1.0, w + c + 1 + (size_t)c * jb, 1, urow, jb,
                           w + c + 1 + (size_t)(c + 1) * jb, jb);
            if (ml > 0)
                cblas_dger(CblasColMajor, ml, nr, -1.0, l + (size_t)c * ldl, 1, urow, jb,
                           l + (size_t)(c + 1) * ldl, ldl);
        }
    }
}

/* W rows r.. and L2, columns [c, c+nc) -= the columns [k0, k0+nk) times W's rows [k0, k0+nk) of
 * those columns (the DGEMMs every variant's update comes down to). */
static void pf_gemm(struct pf *x, int r, int c, int nc, int k0, int nk)
{
    const int jb = x->jb;
    double *w = x->w, *u = w + k0 + (size_t)c * jb;
    if (nc <= 0 || nk <= 0)
        return;
    if (jb - r > 0)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, jb - r, nc, nk, -1.0, w + r + (size_t)k0 * jb,
                    jb, u, jb, 1.0, w + r + (size_t)c * jb, jb);
    if (x->ml > 0)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, x->ml, nc, nk, -1.0,
                    x->l + (size_t)k0 * x->ldl, x->ldl, u, jb, 1.0, x->l + (size_t)c * x->ldl, x->ldl);
}

/* W's rows [r, r+nr) of columns [c, c+nc) := L(r..r+nr)^-1 times themselves: those rows of U. */
static void pf_trsm(struct pf *x, int r, int nr, int c, int nc)
{
    if (nc > 0 && nr > 0)
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, nr, nc, 1.0,
                    x->w + r + (size_t)r * x->jb, x->jb, x->w + r + (size_t)c * x->jb, x->jb);
}

static void pf_rec(struct pf *x, int c0, int n)
{
    if (n <= x->nbmin || n < 2) {
        pf_leaf(x, c0, c0 + n);
        return;
    }
    const int jb = x->jb, end = c0 + n;
    double *w = x->w;
    int piece = (n + x->ndiv - 1) / x->ndiv;
    for (int s = c0; s < end; s += piece) {
        int wd = end - s < piece ? end - s : piece, r0 = s + wd, k = s - c0;
        if (x->rfact == HPL_FACT_LEFT) {
            pf_trsm(x, c0, k, s, wd);        /* the piece's U rows above it */
            pf_gemm(x, s, s, wd, c0, k);
        } else if (x->rfact == HPL_FACT_CROUT) {
            pf_gemm(x, s, s, wd, c0, k);     /* its U rows above are already final */
        }
        pf_rec(x, s, wd);
        if (x->rfact == HPL_FACT_CROUT && r0 < end) {
            /* finish the piece's rows of U to the right */
            if (k > 0)
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, wd, end - r0, k, -1.0,
                            w + s + (size_t)c0 * jb, jb, w + c0 + (size_t)r0 * jb, jb, 1.0,
                            w + s + (size_t)r0 * jb, jb);
            pf_trsm(x, s, wd, r0, end - r0);
        } else if (x->rfact == HPL_FACT_RIGHT && r0 < end) {
            pf_trsm(x, s, wd, r0, end - r0);
            pf_gemm(x, r0, r0, end - r0, s, wd);
        }
    }
}

size_t hpl_panel_buffer_doubles(int nb, int mp)
{
    return (size_t)nb * nb + nb + 1 + (size_t)mp * nb + 8;
}

void hpl_panel_setup(struct hpl_panel *pan, const struct hpl_matrix *m, const struct hpl_grid *g,
                     int k, double *buf)
{
    int nb = m->nb;
    pan->k = k;
    pan->j = k * nb;
    pan->jb = m->n - pan->j < nb ? m->n - pan->j : nb;
    pan->prow = hpl_owner(pan->j, nb, g->p);
    pan->pcol = hpl_owner(pan->j, nb, g->q);
    pan->ii = hpl_local_start(pan->j + pan->jb, nb, g->myrow, g->p);
    pan->ml = m->mp - pan->ii;
    pan->buf = buf;
    pan->w = buf;
    pan->ipiv = buf + (size_t)pan->jb * pan->jb;
    pan->l = pan->ipiv + pan->jb + 1;
    pan->count = pan->jb * pan->jb + pan->jb + 1 + pan->ml * pan->jb;
    pan->req = MPI_REQUEST_NULL;
    pan->root = g->mycol == pan->pcol;
}

void hpl_panel_factor(struct hpl_panel *pan, struct hpl_matrix *m, const struct hpl_grid *g,
                      const struct hpl_algo *algo)
{
    const int jb = pan->jb, nb = m->nb;
    const size_t ld = m->ld;
    int jl = hpl_local_start(pan->j, nb, g->mycol, g->q); /* local column of the panel */
    int it = hpl_local_start(pan->j, nb, g->myrow, g->p); /* local row of global row j */
    double *a = m->a + (size_t)jl * ld;

    if (g->myrow == pan->prow) {
        for (int c = 0; c < jb; c++)
            memcpy(pan->w + (size_t)c * jb, a + (size_t)c * ld + it, sizeof(double) * jb);
    }
    if (g->p > 1)
        MPI_Bcast(pan->w, jb * jb, MPI_DOUBLE, pan->prow, g->col_comm);
    for (int c = 0; c < jb; c++)
        memcpy(pan->l + (size_t)c * pan->ml, a + (size_t)c * ld + pan->ii,
               sizeof(double) * pan->ml);

    double *red = malloc(sizeof(double) * (size_t)(jb + 2));
    struct pf x = {
        .w = pan->w, .l = pan->l, .ipiv = pan->ipiv, .jb = jb, .ml = pan->ml,
        .ldl = pan->ml > 0 ? pan->ml : 1, .j = pan->j, .ii = pan->ii,
        .nbmin = algo->nbmin < 1 ? 1 : algo->nbmin, .ndiv = algo->ndiv < 2 ? 2 : algo->ndiv,
        .pfact = algo->pfact, .rfact = algo->rfact,
        .info = -1, .g = g, .nb = nb, .red = red,
        .type = MPI_DATATYPE_NULL, .op = MPI_OP_NULL,
    };
    if (g->p > 1) {
        MPI_Type_contiguous(jb + 2, MPI_DOUBLE, &x.type);
        MPI_Type_commit(&x.type);
        MPI_Op_create(maxloc_op, 1, &x.op);
    }
    pf_rec(&x, 0, jb);
    if (g->p > 1) {
        MPI_Op_free(&x.op);
        MPI_Type_free(&x.type);
    }
    free(red);
    pan->ipiv[jb] = x.info; /* the info slot travels with the panel */

    if (g->myrow == pan->prow) {
        for (int c = 0; c < jb; c++)
            memcpy(a + (size_t)c * ld + it, pan->w + (size_t)c * jb, sizeof(double) * jb);
    }
}
