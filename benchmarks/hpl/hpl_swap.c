/* exa-hpl: row interchanges and the U block row.
 *
 * After panel k (columns j..j+jb-1) is factored, its jb pivots must be applied to every column to
 * its right, on every process. On one process row (P = 1) that is a LAPACK-style DLASWP done one
 * column at a time (each column's touched entries are close together in memory), then DTRSM in
 * place.
 *
 * With P > 1 the rows involved are the jb rows of the diagonal block (on process row prow) and
 * the pivot rows below them (anywhere in the column). The pivot sequence is replayed on row
 * numbers to know which original row ends where; then one allgather over the process column gives
 * every process the involved rows of its columns (at most 2 jb rows, packed column by column so
 * that packing and unpacking walk memory in order), so that
 *   - every process builds the new top rows, the U block row, in a jb x nc buffer (everyone
 *     needs U for its part of the trailing update) and solves U := L1^-1 U redundantly,
 *   - the owners of the pivot rows below the diagonal block write in what was moved there,
 *   - process row prow writes U back into A (the solve reads it there).
 * It moves each involved row once per process of the column: the volume of HPL's "long" swap,
 * scalable in N (nothing depends on more than 2 jb rows of my columns). HPL.dat's SWAP picks how
 * the rows travel: long (1) leaves it to MPI_Iallgatherv; binary exchange (0) is a recursive
 * doubling, log2 P exchanges of everything gathered so far with one partner; mix (2) takes the
 * binary exchange up to the swapping threshold of local columns and long beyond.
 *
 * The interchanges of a panel are applied in pieces of columns (prepare once, then start and
 * complete each piece), so that the driver can swap the next panel's columns first and have the
 * exchange of the next piece in flight, as one MPI_Iallgatherv, while it updates the previous
 * one: the swap's communication overlaps the update as in HPL's look-ahead. The binary exchange
 * is a chain of blocking exchanges and runs when its piece is completed. */
#include <stdlib.h>
#include <string.h>

#include "exa_timer.h"
#include "hpl.h"

int hpl_swap_ws_alloc(struct hpl_swap_ws *ws, const struct hpl_grid *g, int nb, int nq)
{
    memset(ws, 0, sizeof *ws);
    ws->req = MPI_REQUEST_NULL;
    ws->plan = calloc((size_t)nb * 2 * 7, sizeof(int));
    if (!ws->plan)
        return -1;
    ws->inv = ws->plan, ws->cont = ws->inv + 2 * nb, ws->owner = ws->cont + 2 * nb;
    ws->slot = ws->owner + 2 * nb, ws->lr = ws->slot + 2 * nb, ws->at = ws->lr + 2 * nb;
    ws->stride = ws->at + 2 * nb;
    if (g->p < 2)
        return 0;
    size_t rows = (size_t)nb * (nq > 0 ? nq : 1);
    ws->u = hpl_alloc(sizeof(double) * rows, 64);
    ws->send = hpl_alloc(sizeof(double) * rows * 2, 64);
    ws->recv = hpl_alloc(sizeof(double) * rows * 2, 64);
    ws->counts = calloc((size_t)g->p * 3, sizeof(int));
    ws->displs = ws->counts ? ws->counts + g->p : NULL;
    ws->rows = ws->counts ? ws->counts + 2 * g->p : NULL;
    return ws->u && ws->send && ws->recv && ws->counts ? 0 : -1;
}

void hpl_swap_ws_free(struct hpl_swap_ws *ws)
{
    if (ws->req != MPI_REQUEST_NULL)
        MPI_Wait(&ws->req, MPI_STATUS_IGNORE);
    free(ws->u);
    free(ws->send);
    free(ws->recv);
    free(ws->counts);
    free(ws->plan);
    memset(ws, 0, sizeof *ws);
    ws->req = MPI_REQUEST_NULL;
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
static int uses_binexch(const struct hpl_algo *algo, int nc)
{
    return algo->swap == HPL_SWAP_BINEXCH ||
           (algo->swap == HPL_SWAP_MIX && nc <= algo->swap_threshold);
}

static void exchange_by(int binexch, const double *send, double *recv, const int *counts,
                        const int *displs, int mine, int nc, const struct hpl_grid *g)
{
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

void hpl_swap_exchange(const double *send, double *recv, const int *counts, const int *displs,
                       int mine, int nc, const struct hpl_grid *g, const struct hpl_algo *algo)
{
    exchange_by(uses_binexch(algo, nc), send, recv, counts, displs, mine, nc, g);
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

void hpl_swap_prepare(struct hpl_swap_ws *ws, const struct hpl_panel *pan,
                      const struct hpl_matrix *m, const struct hpl_grid *g,
                      const struct hpl_algo *algo, int jq)
{
    const int jb = pan->jb, P = g->p, nb = m->nb;
    ws->pan = pan;
    ws->jq = ws->c0 = ws->c1 = jq;
    if (P == 1) {
        for (int c = 0; c < jb; c++)
            ws->lr[c] = (int)pan->ipiv[c];
        return;
    }
    int nin = hpl_swap_plan(pan, ws->inv, ws->cont);
    /* gather layout: a block per owning process row; inside it, column by column, the row's
     * involved rows in list order (slot) */
    for (int i = 0; i < nin; i++)
        ws->owner[i] = hpl_owner(ws->inv[i], nb, P);
    for (int p = 0; p < P; p++)
        ws->rows[p] = 0;
    for (int i = 0; i < nin; i++)
        ws->slot[i] = ws->rows[ws->owner[i]]++;
    ws->nin = nin;
    ws->mine = 0;
    for (int i = 0; i < nin; i++)
        if (ws->owner[i] == g->myrow)
            ws->lr[ws->mine++] = hpl_local_index(ws->inv[i], nb, P);
    /* the method is the panel's, by all its columns, as HPL's mix decides it */
    ws->binexch = uses_binexch(algo, m->nq - jq);
}

void hpl_swap_start(struct hpl_swap_ws *ws, const struct hpl_matrix *m, const struct hpl_grid *g,
                    int c0, int c1, struct hpl_times *t)
{
    ws->c0 = c0;
    ws->c1 = c1;
    const int nc = c1 - c0;
    if (g->p == 1 || nc <= 0)
        return;
    double t0 = exa_now();
    for (int p = 0, at = 0; p < g->p; p++) {
        ws->displs[p] = at;
        ws->counts[p] = ws->rows[p] * nc;
        at += ws->counts[p];
    }
    for (int col = 0; col < nc; col++) {   /* my involved rows, column by column */
        const double *a = m->a + (size_t)(c0 + col) * m->ld;
        double *to = ws->send + (size_t)col * ws->mine;
        for (int r = 0; r < ws->mine; r++)
            to[r] = a[ws->lr[r]];
    }
    if (!ws->binexch)
        MPI_Iallgatherv(ws->send, ws->mine * nc, MPI_DOUBLE, ws->recv, ws->counts, ws->displs,
                        MPI_DOUBLE, g->col_comm, &ws->req);
    t->phase[HPL_PH_SWAP] += exa_now() - t0;
}

void hpl_swap_progress(struct hpl_swap_ws *ws)
{
    int done;
    if (ws && ws->req != MPI_REQUEST_NULL)
        MPI_Test(&ws->req, &done, MPI_STATUS_IGNORE);
}

int hpl_swap_pending(const struct hpl_swap_ws *ws)
{
    return ws && ws->req != MPI_REQUEST_NULL;
}

/* P = 1: a LAPACK-style DLASWP on columns c0..c1-1, one column at a time (each column's touched
 * entries are close together in memory). */
static void swap_local(const struct hpl_swap_ws *ws, struct hpl_matrix *m, int c0, int c1)
{
    const int jb = ws->pan->jb, j = ws->pan->j;
    for (int col = c0; col < c1; col++) {
        double *a = m->a + (size_t)col * m->ld;
        for (int c = 0; c < jb; c++) {
            int r = ws->lr[c];
            if (r != j + c) {
                double tmp = a[j + c];
                a[j + c] = a[r];
                a[r] = tmp;
            }
        }
    }
}

/* P > 1: the exchanged rows of columns c0..c1-1 where they belong: U's columns in ws->u, the pivot
 * rows I own below the diagonal block in A. */
static void place_rows(struct hpl_swap_ws *ws, struct hpl_matrix *m, const struct hpl_grid *g,
                       int c0, int c1)
{
    const int jb = ws->pan->jb, nc = c1 - c0;
    int *at = ws->at, *stride = ws->stride; /* involved row i at col: recv[at[i] + col * stride[i]] */
    for (int i = 0; i < ws->nin; i++) {
        at[i] = ws->displs[ws->owner[i]] + ws->slot[i];
        stride[i] = ws->rows[ws->owner[i]];
    }
    double *u = ws->u + (size_t)(c0 - ws->jq) * jb;
    for (int col = 0; col < nc; col++)
        for (int c = 0; c < jb; c++) {
            int i = ws->cont[c];
            u[c + (size_t)col * jb] = ws->recv[at[i] + (size_t)col * stride[i]];
        }
    for (int i = jb; i < ws->nin; i++) {
        if (ws->owner[i] != g->myrow || ws->cont[i] == i)
            continue;
        int r = hpl_local_index(ws->inv[i], m->nb, g->p), from = ws->cont[i];
        for (int col = 0; col < nc; col++)
            m->a[(size_t)(c0 + col) * m->ld + r] = ws->recv[at[from] + (size_t)col * stride[from]];
    }
}

void hpl_swap_complete(struct hpl_swap_ws *ws, struct hpl_matrix *m, const struct hpl_grid *g,
                       const struct hpl_engine *eng, struct hpl_times *t)
{
    const struct hpl_panel *pan = ws->pan;
    const int jb = pan->jb, c0 = ws->c0, c1 = ws->c1, nc = c1 - c0;
    ws->c0 = c1;
    if (nc <= 0)
        return;
    const size_t ld = m->ld;
    double t0 = exa_now();
    if (g->p == 1) {
        swap_local(ws, m, c0, c1);
        double t1 = exa_now();
        eng->trsm_lunit(jb, nc, pan->w, jb, m->a + (size_t)c0 * ld + pan->j, (int)ld);
        t->phase[HPL_PH_SWAP] += t1 - t0;
        t->phase[HPL_PH_UPDATE] += exa_now() - t1;
        return;
    }
    if (ws->binexch)
        exchange_by(1, ws->send, ws->recv, ws->counts, ws->displs, ws->mine, nc, g);
    else
        MPI_Wait(&ws->req, MPI_STATUS_IGNORE);
    place_rows(ws, m, g, c0, c1);
    double *u = ws->u + (size_t)(c0 - ws->jq) * jb;
    double t1 = exa_now();
    eng->trsm_lunit(jb, nc, pan->w, jb, u, jb);
    double t2 = exa_now();
    if (g->myrow == pan->prow) {   /* the solve reads U in A */
        int it = hpl_local_start(pan->j, m->nb, g->myrow, g->p);
        for (int col = 0; col < nc; col++)
            memcpy(m->a + (size_t)(c0 + col) * ld + it, u + (size_t)col * jb,
                   sizeof(double) * jb);
    }
    t->phase[HPL_PH_SWAP] += (t1 - t0) + (exa_now() - t2);
    t->phase[HPL_PH_UPDATE] += t2 - t1;
}

const double *hpl_swap_u(const struct hpl_swap_ws *ws, const struct hpl_matrix *m,
                         const struct hpl_grid *g, int *ldu)
{
    if (g->p == 1) {
        *ldu = (int)m->ld;
        return m->a + (size_t)ws->jq * m->ld + ws->pan->j;
    }
    *ldu = ws->pan->jb;
    return ws->u;
}
