/* exa-mxp: the HPL-MxP matrix and its storage. Off the diagonal, element (i, j) is exa-hpl's
 * (uniform in [-0.5, 0.5), the same for any grid); the diagonal is dominance x the sum of the
 * row's off-diagonal magnitudes, so that with dominance >= 1 the LU needs no pivoting (HPL-MxP's
 * rule) and below 1 the low-precision factors get worse and the refinement works harder (a test
 * matrix). The + 1 in the diagonal, dominance x (sum + 1), keeps N = 1 regular. b is exa-hpl's
 * column N. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mxp.h"

/* Off-diagonal generation and the row sums of |a_ij|, j != i, along the process row. */
static void generate_offdiag(struct mxp_matrix *m, const struct hpl_grid *g, uint64_t seed,
                             double *rowsum)
{
    for (int c = 0; c < m->nq; c++) {
        int gj = hpl_global_index(c, m->nb, g->mycol, g->q);
        double *col = m->a64 + (size_t)c * m->ld;
        for (int r = 0; r < m->mp; r++) {
            int gi = hpl_global_index(r, m->nb, g->myrow, g->p);
            double v = gi == gj ? 0.0 : hpl_gen_value(seed, HPL_GEN_RANDOM, m->n, gi, gj);
            col[r] = v;
            rowsum[r] += fabs(v);
        }
    }
    if (g->q > 1 && m->mp > 0)
        MPI_Allreduce(MPI_IN_PLACE, rowsum, m->mp, MPI_DOUBLE, MPI_SUM, g->row_comm);
}

/* The diagonal, ||A||_oo and b (replicated, with ||b||_oo). */
static void set_diagonal_and_b(struct mxp_matrix *m, const struct hpl_grid *g, uint64_t seed,
                               double dominance, const double *rowsum)
{
    double norm_a = 0;
    for (int r = 0; r < m->mp; r++) {
        int gi = hpl_global_index(r, m->nb, g->myrow, g->p);
        double d = dominance * (rowsum[r] + 1.0);
        if (hpl_owner(gi, m->nb, g->q) == g->mycol) {
            int c = hpl_local_index(gi, m->nb, g->q);
            m->a64[(size_t)c * m->ld + r] = d;
        }
        if (rowsum[r] + d > norm_a)
            norm_a = rowsum[r] + d;
    }
    MPI_Allreduce(MPI_IN_PLACE, &norm_a, 1, MPI_DOUBLE, MPI_MAX, g->comm);
    m->norm_a = norm_a;
    m->norm_b = 0;
    for (int i = 0; i < m->n; i++) {
        m->b[i] = hpl_gen_value(seed, HPL_GEN_RANDOM, m->n, i, m->n);
        if (fabs(m->b[i]) > m->norm_b)
            m->norm_b = fabs(m->b[i]);
    }
}

int mxp_matrix_create(struct mxp_matrix *m, const struct hpl_grid *g, int n, int nb,
                      uint64_t seed, double dominance, const struct mxp_precision *prec)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->nb = nb;
    m->prec = prec;
    m->mp = hpl_numroc(n, nb, g->myrow, g->p);
    m->nq = hpl_numroc(n, nb, g->mycol, g->q);
    m->ld = (size_t)(m->mp > 0 ? m->mp : 1);
    m->ld = (m->ld + 15) / 16 * 16; /* 64-byte columns in either precision */
    size_t elems = m->ld * (size_t)(m->nq > 0 ? m->nq : 1);
    m->a64 = hpl_alloc(elems * sizeof(double), 64);
    m->alo = hpl_alloc(elems * prec->size, 64);
    m->b = calloc((size_t)n, sizeof(double));
    double *rowsum = calloc((size_t)(m->mp > 0 ? m->mp : 1), sizeof(double));
    int ok = m->a64 && m->alo && m->b && rowsum;
    int all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, g->comm);
    if (!all_ok) {
        free(rowsum);
        mxp_matrix_free(m);
        return -1;
    }
    generate_offdiag(m, g, seed, rowsum);
    set_diagonal_and_b(m, g, seed, dominance, rowsum);
    free(rowsum);
    return 0;
}

void mxp_matrix_free(struct mxp_matrix *m)
{
    free(m->a64);
    free(m->alo);
    free(m->b);
    m->a64 = NULL;
    m->alo = NULL;
    m->b = NULL;
}

void mxp_matrix_demote(struct mxp_matrix *m)
{
    const struct mxp_precision *p = m->prec;
    for (int c = 0; c < m->nq; c++)
        p->from_double(m->a64 + (size_t)c * m->ld, (char *)m->alo + (size_t)c * m->ld * p->size,
                       (size_t)m->mp);
}

double mxp_rank_bytes(int n, int nb, int p, int q, int restart, size_t low_size)
{
    double rows = ceil((double)n / nb / p) * nb, cols = ceil((double)n / nb / q) * nb;
    if (rows > n)
        rows = n;
    if (cols > n)
        cols = n;
    double matrix = rows * cols * (8.0 + (double)low_size);
    double panels = (rows + cols) * nb * (double)low_size * 2;
    double vectors = (double)n * 8.0 * (restart + 8);
    return matrix + panels + vectors;
}
