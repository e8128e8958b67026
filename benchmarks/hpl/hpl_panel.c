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
 * The factorisation is recursive and right-looking (HPL's RFACT=Right): a range of columns is cut
 * into NDIV pieces; each piece is factored recursively, then the columns to its right are
 * updated with one DTRSM (in W) and two DGEMMs (W and L2). Ranges of at most NBMIN columns are
 * factored column by column with rank-1 updates (HPL's PFACT=Right). */
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

static void pf_column(struct pf *x, int c, int cend)
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
        return;
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
    int nr = cend - c - 1;
    if (nr > 0) {
        if (jb - c - 1 > 0)
            cblas_dger(CblasColMajor, jb - c - 1, nr, -1.0, w + c + 1 + (size_t)c * jb, 1,
                       w + c + (size_t)(c + 1) * jb, jb, w + c + 1 + (size_t)(c + 1) * jb, jb);
        if (ml > 0)
            cblas_dger(CblasColMajor, ml, nr, -1.0, l + (size_t)c * ldl, 1,
                       w + c + (size_t)(c + 1) * jb, jb, l + (size_t)(c + 1) * ldl, ldl);
    }
}

static void pf_rec(struct pf *x, int c0, int n)
{
    if (n <= x->nbmin || n < 2) {
        for (int c = c0; c < c0 + n; c++)
            pf_column(x, c, c0 + n);
        return;
    }
    const int jb = x->jb;
    double *w = x->w, *l = x->l;
    int piece = (n + x->ndiv - 1) / x->ndiv;
    for (int s = c0; s < c0 + n; s += piece) {
        int wd = c0 + n - s < piece ? c0 + n - s : piece;
        pf_rec(x, s, wd);
        int r0 = s + wd, rn = c0 + n - r0;
        if (rn <= 0)
            break;
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, wd, rn, 1.0,
                    w + s + (size_t)s * jb, jb, w + s + (size_t)r0 * jb, jb);
        int below = jb - r0; /* W rows under this piece */
        if (below > 0)
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, below, rn, wd, -1.0,
                        w + r0 + (size_t)s * jb, jb, w + s + (size_t)r0 * jb, jb, 1.0,
                        w + r0 + (size_t)r0 * jb, jb);
        if (x->ml > 0)
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, x->ml, rn, wd, -1.0,
                        l + (size_t)s * x->ldl, x->ldl, w + s + (size_t)r0 * jb, jb, 1.0,
                        l + (size_t)r0 * x->ldl, x->ldl);
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
