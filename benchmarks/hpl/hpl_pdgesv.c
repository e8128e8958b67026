/* exa-hpl: the right-looking blocked LU of [A b] with look-ahead, then the solve.
 *
 * Iteration k, on every process of the grid:
 *   1. wait for panel k (W, pivots, my rows of L2) to arrive from its process column, by the
 *      broadcast HPL.dat's BCAST names (hpl_bcast.c);
 *   2. look-ahead (DEPTH 1): the process column owning panel k+1 first applies panel k's row
 *      interchanges to just those jb columns, forms their U := L1^-1 U and updates them, factors
 *      panel k+1 and starts its broadcast; the other columns post their side of that broadcast;
 *   3. the rest of my trailing columns in pieces (hpl_algo.swap_piece columns): the interchanges of a piece
 *      (hpl_swap.c) are started before the update of the previous one, so that their exchange
 *      along the process column travels during that DGEMM; pending broadcasts and the exchange
 *      are moved along between the DGEMM's chunks (hpl_update.c).
 * With DEPTH 0, panel k+1 is factored and broadcast only after the whole update of step 3.
 * Two panel buffers alternate: panel k is read while panel k+1 is being filled.
 * The clock is read at the top of the iterations that start a group of steps (hpl_samples.c),
 * without synchronisation; the groups' durations meet on grid rank 0 after the solve. */
#include <stdlib.h>

#include "exa_timer.h"
#include "hpl.h"

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* Step 3: my columns c..nq-1, whose first piece ws has started, swapped and updated piece by
 * piece with the next piece's exchange in flight during each update. */
static void update_in_pieces(struct hpl_swap_ws *ws, struct hpl_panel *cur,
                             struct hpl_panel *pending_next, struct hpl_matrix *m,
                             const struct hpl_grid *g, const struct hpl_engine *eng, int c,
                             int piece, struct hpl_times *t)
{
    int ldu;
    const double *u = hpl_swap_u(ws, m, g, &ldu);
    while (c < m->nq) {
        int end = ws->c1;
        hpl_swap_complete(ws, m, g, eng, t);
        if (end < m->nq)
            hpl_swap_start(ws, m, g, end, min_int(end + piece, m->nq), t);
        double tp = exa_now();
        hpl_update(eng, cur, u, ldu, m, ws->jq, c, end, g, cur, pending_next, ws);
        t->phase[HPL_PH_UPDATE] += exa_now() - tp;
        c = end;
    }
}

int hpl_pdgesv(struct hpl_matrix *m, const struct hpl_grid *g, const struct hpl_algo *algo,
               const struct hpl_engine *eng, struct hpl_times *t)
{
    const int n = m->n, nb = m->nb;
    const int nblk = (n + nb - 1) / nb;
    size_t pdoubles = hpl_panel_buffer_doubles(nb, m->mp);
    double *pbuf = hpl_alloc(sizeof(double) * pdoubles * 2, 64);
    MPI_Request *sreq = malloc(sizeof(MPI_Request) * (size_t)(g->q + 1) * 2);
    struct hpl_swap_ws ws;
    if (!pbuf || !sreq || hpl_swap_ws_alloc(&ws, g, nb, m->nq) != 0)
        return -2;
    struct hpl_panel pan[2] = {
        {.req = MPI_REQUEST_NULL, .rreq = MPI_REQUEST_NULL, .sreq = sreq, .arrived = 1},
        {.req = MPI_REQUEST_NULL, .rreq = MPI_REQUEST_NULL, .sreq = sreq + g->q + 1, .arrived = 1},
    };
    double tp;
    struct hpl_sampler smp;
    /* a few DGEMM chunks (hpl_update.c) per piece, so that its exchange is moved along between
     * them, and few pieces per panel */
    const int piece = algo->swap_piece > 0 ? algo->swap_piece : HPL_SWAP_PIECE_DEFAULT;

    m->info = -1;
    hpl_sampler_begin(&smp, n, nb);
    hpl_panel_setup(&pan[0], m, g, 0, pbuf);
    if (pan[0].root) {
        tp = exa_now();
        hpl_panel_factor(&pan[0], m, g, algo);
        t->phase[HPL_PH_PANEL] += exa_now() - tp;
    }
    hpl_bcast_start(&pan[0], g, algo->bcast);

    for (int k = 0; k < nblk; k++) {
        struct hpl_panel *cur = &pan[k % 2], *nxt = &pan[(k + 1) % 2];
        int have_next = k + 1 < nblk;
        hpl_sampler_mark(&smp, k, exa_now());

        if (!cur->root) {
            tp = exa_now();
            hpl_bcast_wait(cur, g);
            t->phase[HPL_PH_BCAST] += exa_now() - tp;
        }
        int info = (int)cur->ipiv[cur->jb];
        if (info >= 0 && m->info < 0)
            m->info = info;

        int jq = hpl_local_start(cur->j + cur->jb, nb, g->mycol, g->q);
        int ahead = 0; /* columns of panel k+1 I update and factor before the rest */
        if (have_next) {
            /* panel k-1's buffer is reused: its broadcast must be complete */
            tp = exa_now();
            hpl_bcast_finish(nxt, g);
            t->phase[HPL_PH_BCAST] += exa_now() - tp;
            hpl_panel_setup(nxt, m, g, k + 1, pbuf + pdoubles * ((k + 1) % 2));
            if (algo->depth >= 1 && nxt->root)
                ahead = nxt->jb;
        }
        hpl_swap_prepare(&ws, cur, m, g, algo, jq);
        if (ahead > 0) {
            hpl_swap_start(&ws, m, g, jq, jq + ahead, t);
            hpl_swap_complete(&ws, m, g, eng, t);
        }
        if (jq + ahead < m->nq)  /* its exchange travels while panel k+1 is factored */
            hpl_swap_start(&ws, m, g, jq + ahead, min_int(jq + ahead + piece, m->nq), t);
        if (ahead > 0) {
            int ldu;
            const double *u = hpl_swap_u(&ws, m, g, &ldu);
            tp = exa_now();
            hpl_update(eng, cur, u, ldu, m, jq, jq, jq + ahead, g, NULL, NULL, &ws);
            double tf = exa_now();
            t->phase[HPL_PH_UPDATE] += tf - tp;
            hpl_panel_factor(nxt, m, g, algo);
            t->phase[HPL_PH_PANEL] += exa_now() - tf;
        }
        if (have_next && algo->depth >= 1)
            hpl_bcast_start(nxt, g, algo->bcast);
        update_in_pieces(&ws, cur, have_next && algo->depth >= 1 ? nxt : NULL, m, g, eng,
                         jq + ahead, piece, t);

        if (have_next && algo->depth < 1) {
            if (nxt->root) {
                tp = exa_now();
                hpl_panel_factor(nxt, m, g, algo);
                t->phase[HPL_PH_PANEL] += exa_now() - tp;
            }
            hpl_bcast_start(nxt, g, algo->bcast);
        }
    }
    hpl_sampler_mark(&smp, nblk, exa_now());
    hpl_bcast_finish(&pan[0], g);
    hpl_bcast_finish(&pan[1], g);
    hpl_swap_ws_free(&ws);
    free(pbuf);
    free(sreq);

    if (m->info < 0) {
        double ts = exa_now();
        hpl_pdtrsv(m, g);
        t->phase[HPL_PH_SOLVE] += exa_now() - ts;
    }
    hpl_sampler_end(&smp, g);
    return m->info;
}
