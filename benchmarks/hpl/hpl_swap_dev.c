/* exa-hpl: the panel's row interchanges and the U block row, on the device (hpl_device.h).
 *
 * The same exchange as hpl_swap.c, with the matrix's rows never leaving the device except the
 * involved ones (at most 2 jb rows of my columns per panel, the O(N x NB) of the traffic model):
 *   P = 1: the involved rows are gathered into a packed buffer and scattered to where the pivot
 *          sequence puts them, all on the device; then DTRSM in place.
 *   P > 1: my involved rows are gathered on the device; the exchange along the process column
 *          (hpl_swap_exchange: long, binary exchange or mix) is given the device buffers when MPI
 *          is CUDA-aware, else pinned host copies of them; U is scattered out of the received rows
 *          into its own buffer, the pivot rows I own below the diagonal block get their new
 *          content, U := L1^-1 U on the device, and process row prow writes U back into A. */
#include "exa_timer.h"
#include "hpl.h"
#include "hpl_device.h"

static double *swap_one_row(struct hpl_dev_ctx *x, const struct hpl_panel *pan, int slot,
                            int jq, int nc, int *ldu)
{
    const struct hpl_device *d = x->d;
    const int jb = pan->jb;
    int inv[2 * jb], cont[2 * jb], from[2 * jb], src[2 * jb];
    int nin = hpl_swap_plan(pan, inv, cont);
    double *a = x->a + (size_t)jq * x->ld;
    for (int i = 0; i < nin; i++) {
        src[i] = inv[cont[i]];   /* P = 1: local row = global row */
        from[i] = i;
    }
    d->gather_rows(HPL_DEV_MAIN, nin, nc, src, a, (int)x->ld, x->send);
    d->scatter_rows(HPL_DEV_MAIN, nin, nc, from, x->send, inv, a, (int)x->ld);
    d->trsm_lunit(HPL_DEV_MAIN, jb, nc, x->w[slot], jb, a + pan->j, (int)x->ld);
    *ldu = (int)x->ld;
    return a + pan->j;
}

/* The exchange of the packed rows: device pointers to a CUDA-aware MPI, else staged. */
static void exchange(struct hpl_dev_ctx *x, int mine, int nc, int nrecv, const struct hpl_grid *g,
                     const struct hpl_algo *algo)
{
    const struct hpl_device *d = x->d;
    if (d->mpi_device_pointers) {   /* my rows were gathered into their place in recv */
        d->sync(HPL_DEV_MAIN);
        double *in_place = x->recv + x->displs[g->myrow];
        hpl_swap_exchange(in_place, x->recv, x->counts, x->displs, mine, nc, g, algo);
        return;
    }
    d->copy2d(HPL_DEV_MAIN, HPL_D2H, mine * nc, 1, x->send, 1, x->hsend, 1);
    d->sync(HPL_DEV_MAIN);
    hpl_swap_exchange(x->hsend, x->hrecv, x->counts, x->displs, mine, nc, g, algo);
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, nrecv * nc, 1, x->hrecv, 1, x->recv, 1);
}

double *hpl_dev_swap_and_trsm(struct hpl_dev_ctx *x, const struct hpl_panel *pan, int slot,
                              const struct hpl_matrix *m, const struct hpl_grid *g,
                              const struct hpl_algo *algo, int jq, int *ldu, struct hpl_times *t)
{
    const struct hpl_device *d = x->d;
    const int jb = pan->jb, nb = m->nb, nc = m->nq - jq, P = g->p;
    double t0 = exa_now();
    if (P == 1) {
        double *u = swap_one_row(x, pan, slot, jq, nc, ldu);
        t->phase[HPL_PH_SWAP] += exa_now() - t0;
        return u;
    }
    int inv[2 * jb], cont[2 * jb], owner[2 * jb], slot_of[2 * jb];
    int nin = hpl_swap_plan(pan, inv, cont);
    /* gather layout: by owning process row, in list order inside each (as hpl_swap.c) */
    int nslot = 0, mine = 0;
    for (int p = 0; p < P; p++) {
        x->displs[p] = nslot * nc;
        int cnt = 0;
        for (int i = 0; i < nin; i++) {
            if (p == 0)
                owner[i] = hpl_owner(inv[i], nb, P);
            if (owner[i] == p) {
                slot_of[i] = nslot++;
                cnt++;
            }
        }
        x->counts[p] = cnt * nc;
        if (p == g->myrow)
            mine = cnt;
    }
    int lr[2 * jb], from[2 * jb], rows[2 * jb];
    int k = 0;
    for (int i = 0; i < nin; i++)
        if (owner[i] == g->myrow)
            lr[k++] = hpl_local_index(inv[i], nb, P);
    double *a = x->a + (size_t)jq * x->ld;
    double *packed = d->mpi_device_pointers ? x->recv + x->displs[g->myrow] : x->send;
    d->gather_rows(HPL_DEV_MAIN, mine, nc, lr, a, (int)x->ld, packed);
    exchange(x, mine, nc, nslot, g, algo);

    /* U: the new top rows; then the pivot rows below the diagonal block that I own */
    for (int c = 0; c < jb; c++) {
        from[c] = slot_of[cont[c]];
        rows[c] = c;
    }
    d->scatter_rows(HPL_DEV_MAIN, jb, nc, from, x->recv, rows, x->u, jb);
    k = 0;
    for (int i = jb; i < nin; i++) {
        if (owner[i] != g->myrow || cont[i] == i)
            continue;
        from[k] = slot_of[cont[i]];
        rows[k++] = hpl_local_index(inv[i], nb, P);
    }
    d->scatter_rows(HPL_DEV_MAIN, k, nc, from, x->recv, rows, a, (int)x->ld);
    double t1 = exa_now();
    d->trsm_lunit(HPL_DEV_MAIN, jb, nc, x->w[slot], jb, x->u, jb);
    if (g->myrow == pan->prow) {
        int it = hpl_local_start(pan->j, nb, g->myrow, P);
        d->copy2d(HPL_DEV_MAIN, HPL_D2D, jb, nc, x->u, (size_t)jb, a + it, x->ld);
    }
    t->phase[HPL_PH_SWAP] += t1 - t0;
    *ldu = jb;
    return x->u;
}
