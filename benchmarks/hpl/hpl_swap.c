/* exa-hpl: row interchanges and the U block row.
 *
 * After panel k (columns j..j+jb-1) is factored, its jb pivots must be applied to every column to
 * its right, on every process. On one process row (P = 1) that is a LAPACK-style DLASWP done one
 * column at a time (each column's touched entries are close together in memory), then DTRSM in
 * place.
 *
 * With P > 1 the rows involved are the jb rows of the diagonal block (on process row prow) and
 * the pivot rows below them (anywhere in the column). The pivot sequence is replayed on row
 * numbers to know which original row ends where; then one MPI_Allgatherv over the process column
 * gives every process the involved rows of its columns (at most 2 jb rows), so that
 *   - every process builds the new top rows, the U block row, in a jb x nc buffer (everyone
 *     needs U for its part of the trailing update) and solves U := L1^-1 U redundantly,
 *   - the owners of the pivot rows below the diagonal block write in what was moved there,
 *   - process row prow writes U back into A (the solve reads it there).
 * It moves each involved row once per process of the column: the volume of HPL's "long" swap,
 * scalable in N (nothing depends on more than 2 jb rows of my columns). HPL.dat's SWAP picks how
 * the rows travel: long (1) leaves it to MPI_Allgatherv; binary exchange (0) is a recursive
 * doubling, log2 P exchanges of everything gathered so far with one partner; mix (2) takes the
 * binary exchange up to the swapping threshold of local columns and long beyond. */
#include <stdlib.h>
#include <string.h>

#include "exa_timer.h"
#include "hpl.h"

int hpl_swap_ws_alloc(struct hpl_swap_ws *ws, const struct hpl_grid *g, int nb, int nq)
{
    memset(ws, 0, sizeof *ws);
    if (g->p < 2)
        return 0;
    size_t rows = (size_t)nb * (nq > 0 ? nq : 1);
    ws->u = hpl_alloc(sizeof(double) * rows, 64);
    ws->send = hpl_alloc(sizeof(double) * rows * 2, 64);
    ws->recv = hpl_alloc(sizeof(double) * rows * 2, 64);
    ws->counts = calloc((size_t)g->p * 2, sizeof(int));
    ws->displs = ws->counts ? ws->counts + g->p : NULL;
    return ws->u && ws->send && ws->recv && ws->counts ? 0 : -1;
}

void hpl_swap_ws_free(struct hpl_swap_ws *ws)
{
    free(ws->u);
    free(ws->send);
    free(ws->recv);
    free(ws->counts);
    memset(ws, 0, sizeof *ws);
}

/* One exchange of the binary exchange: the blocks of groups [g0, g0 + d), where group g is
 * process row g and, when g < extra, row g + p2 too. */
static MPI_Datatype groups_type(const int *counts, const int *displs, int g0, int d, int p2, int extra)
{
    int n = 0, lens[2 * d], at[2 * d];
    for (int grp = g0; grp < g0 + d; grp++) {
        lens[n] = counts[grp], at[n++] = displs[grp];
        if (grp < extra)
            lens[n] = counts[grp + p2], at[n++] = displs[grp + p2];
    }
    MPI_Datatype t;
    MPI_Type_indexed(n, lens, at, MPI_DOUBLE, &t);
    MPI_Type_commit(&t);
    return t;
}

/* Allgather of the blocks (counts, displs: one per process row) in recv, mine already in place,
 * by recursive doubling over the largest power of two p2 <= P; the rows beyond it first hand their
 * block to row - p2 and get the whole result back from it at the end. */
static void binexch_allgather(double *recv, const int *counts, const int *displs, int me, int P,
                              MPI_Comm comm)
{
    const int tag = 7;
    int p2 = 1;
    while (p2 * 2 <= P)
        p2 *= 2;
    int extra = P - p2, total = displs[P - 1] + counts[P - 1];
    if (me >= p2) {
        MPI_Send(recv + displs[me], counts[me], MPI_DOUBLE, me - p2, tag, comm);
        MPI_Recv(recv, total, MPI_DOUBLE, me - p2, tag, comm, MPI_STATUS_IGNORE);
        return;
    }
    if (me < extra)
        MPI_Recv(recv + displs[me + p2], counts[me + p2], MPI_DOUBLE, me + p2, tag, comm,
                 MPI_STATUS_IGNORE);
    for (int d = 1; d < p2; d *= 2) {
        int partner = me ^ d;
        MPI_Datatype mine = groups_type(counts, displs, me & ~(d - 1), d, p2, extra);
        MPI_Datatype theirs = groups_type(counts, displs, partner & ~(d - 1), d, p2, extra);
        MPI_Request req[2];
        MPI_Irecv(recv, 1, theirs, partner, tag, comm, &req[0]);
        MPI_Isend(recv, 1, mine, partner, tag, comm, &req[1]);
        MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
        MPI_Type_free(&mine);
        MPI_Type_free(&theirs);
    }
    if (me < extra)
        MPI_Send(recv, total, MPI_DOUBLE, me + p2, tag, comm);
}

/* Every process of the column gets every involved row of its columns (nc of them each). */
void hpl_swap_exchange(const double *send, double *recv, const int *counts, const int *displs,
                       int mine, int nc, const struct hpl_grid *g, const struct hpl_algo *algo)
{
    int binexch = algo->swap == HPL_SWAP_BINEXCH ||
                  (algo->swap == HPL_SWAP_MIX && nc <= algo->swap_threshold);
    int in_place = send == recv + displs[g->myrow];   /* device buffers: no host memcpy */
    if (!binexch) {
        MPI_Allgatherv(in_place ? MPI_IN_PLACE : send, mine * nc, MPI_DOUBLE, recv, counts, displs,
                       MPI_DOUBLE, g->col_comm);
        return;
    }
    if (!in_place)
        memcpy(recv + displs[g->myrow], send, sizeof(double) * (size_t)mine * nc);
    binexch_allgather(recv, counts, displs, g->myrow, g->p, g->col_comm);
}

/* The rows the panel's interchanges involve: inv[0..jb) the diagonal block's, then the distinct
 * pivot rows below it; cont[i] = which involved row's original content ends at row inv[i] (the
 * pivot sequence replayed on row numbers). Returns their number (at most 2 jb). */
int hpl_swap_plan(const struct hpl_panel *pan, int *inv, int *cont)
{
    const int jb = pan->jb, j = pan->j;
    int nin = jb;
    for (int c = 0; c < jb; c++)
        inv[c] = j + c;
    for (int c = 0; c < jb; c++) {
        int r = (int)pan->ipiv[c];
        if (r < j + jb)
            continue;
        int found = 0;
        for (int i = jb; i < nin && !found; i++)
            found = inv[i] == r;
        if (!found)
            inv[nin++] = r;
    }
    /* replay the interchanges: cont[i] = which involved row's original content ends at inv[i] */
    for (int i = 0; i < nin; i++)
        cont[i] = i;
    for (int c = 0; c < jb; c++) {
        int r = (int)pan->ipiv[c], b;
        if (r < j + jb) {
            b = r - j;
        } else {
            for (b = jb; inv[b] != r; b++)
                ;
        }
        int tmp = cont[c];
        cont[c] = cont[b];
        cont[b] = tmp;
    }
    return nin;
}

static double *swap_one_row(const struct hpl_panel *pan, struct hpl_matrix *m,
                            const struct hpl_engine *eng, int jq, int *ldu, struct hpl_times *t)
{
    const int jb = pan->jb, j = pan->j, nc = m->nq - jq;
    const size_t ld = m->ld;
    int piv[jb];
    double t0 = exa_now();
    for (int c = 0; c < jb; c++)
        piv[c] = (int)pan->ipiv[c];
    for (int col = jq; col < m->nq; col++) {
        double *a = m->a + (size_t)col * ld;
        for (int c = 0; c < jb; c++) {
            int r = piv[c];
            if (r != j + c) {
                double tmp = a[j + c];
                a[j + c] = a[r];
                a[r] = tmp;
            }
        }
    }
    double t1 = exa_now();
    double *u = m->a + (size_t)jq * ld + j;
    eng->trsm_lunit(jb, nc, pan->w, jb, u, (int)ld);
    t->phase[HPL_PH_SWAP] += t1 - t0;
    t->phase[HPL_PH_UPDATE] += exa_now() - t1;
    *ldu = (int)ld;
    return u;
}

double *hpl_swap_and_trsm(const struct hpl_panel *pan, struct hpl_matrix *m,
                          const struct hpl_grid *g, const struct hpl_engine *eng,
                          const struct hpl_algo *algo, struct hpl_swap_ws *ws, int jq, int *ldu,
                          struct hpl_times *t)
{
    if (g->p == 1)
        return swap_one_row(pan, m, eng, jq, ldu, t);

    const int jb = pan->jb, j = pan->j, nb = m->nb, nc = m->nq - jq, P = g->p;
    const size_t ld = m->ld;
    double t0 = exa_now();
    int inv[2 * jb], cont[2 * jb], owner[2 * jb], slot[2 * jb];
    int nin = hpl_swap_plan(pan, inv, cont);

    /* gather layout: by owning process row, in list order inside each */
    int nslot = 0, mine = 0;
    for (int p = 0; p < P; p++) {
        ws->displs[p] = nslot * nc;
        int cnt = 0;
        for (int i = 0; i < nin; i++) {
            if (p == 0)
                owner[i] = hpl_owner(inv[i], nb, P);
            if (owner[i] == p) {
                slot[i] = nslot++;
                cnt++;
            }
        }
        ws->counts[p] = cnt * nc;
        if (p == g->myrow)
            mine = cnt;
    }
    /* pack my involved rows (row-major, nc values each) */
    int lr[2 * jb];
    int k = 0;
    for (int i = 0; i < nin; i++)
        if (owner[i] == g->myrow)
            lr[k++] = hpl_local_index(inv[i], nb, P);
    for (int col = 0; col < nc; col++) {
        const double *a = m->a + (size_t)(jq + col) * ld;
        for (int r = 0; r < mine; r++)
            ws->send[(size_t)r * nc + col] = a[lr[r]];
    }
    if (nc > 0)
        hpl_swap_exchange(ws->send, ws->recv, ws->counts, ws->displs, mine, nc, g, algo);

    /* U: the new top rows */
    double *u = ws->u;
    for (int c = 0; c < jb; c++) {
        const double *src = ws->recv + (size_t)slot[cont[c]] * nc;
        for (int col = 0; col < nc; col++)
            u[c + (size_t)col * jb] = src[col];
    }
    /* the pivot rows below the diagonal block that I own receive what was moved there */
    for (int i = jb; i < nin; i++) {
        if (owner[i] != g->myrow || cont[i] == i)
            continue;
        int r = hpl_local_index(inv[i], nb, P);
        const double *src = ws->recv + (size_t)slot[cont[i]] * nc;
        for (int col = 0; col < nc; col++)
            m->a[(size_t)(jq + col) * ld + r] = src[col];
    }
    double t1 = exa_now();
    eng->trsm_lunit(jb, nc, pan->w, jb, u, jb);
    double t2 = exa_now();
    if (g->myrow == pan->prow) {
        int it = hpl_local_start(j, nb, g->myrow, P);
        for (int col = 0; col < nc; col++)
            memcpy(m->a + (size_t)(jq + col) * ld + it, u + (size_t)col * jb,
                   sizeof(double) * jb);
    }
    t->phase[HPL_PH_SWAP] += (t1 - t0) + (exa_now() - t2);
    t->phase[HPL_PH_UPDATE] += t2 - t1;
    *ldu = jb;
    return u;
}
