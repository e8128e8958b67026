/* exa-hpl: the right-looking blocked LU of [A b] with look-ahead, then the solve.
 *
 * Iteration k, on every process of the grid:
 *   1. wait for panel k (W, pivots, my rows of L2) to arrive from its process column, by the
 *      broadcast HPL.dat's BCAST names (hpl_bcast.c);
 *   2. apply its row interchanges to my columns right of it and form U := L1^-1 U (hpl_swap.c);
 *   3. look-ahead (DEPTH 1): the process column owning panel k+1 first updates just those jb
 *      columns, factors panel k+1 and starts its broadcast; the other columns post their side of
 *      that broadcast;
 *   4. update the rest of my trailing columns with DGEMM, in chunks, moving the pending
 *      broadcasts along between chunks.
 * With DEPTH 0, panel k+1 is factored and broadcast only after the whole update of step 4.
 * Two panel buffers alternate: panel k is read while panel k+1 is being filled.
 * The clock is read at the top of the iterations that start a group of steps (hpl_samples.c),
 * without synchronisation; the groups' durations meet on grid rank 0 after the solve. */
#include <stdlib.h>

#include "exa_timer.h"
#include "hpl.h"

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
        int ldu = 1;
        double *u = NULL;
        if (m->nq > jq)
            u = hpl_swap_and_trsm(cur, m, g, eng, algo, &ws, jq, &ldu, t);

        int done = jq;
        if (have_next) {
            /* panel k-1's buffer is reused: its broadcast must be complete */
            tp = exa_now();
            hpl_bcast_finish(nxt, g);
            t->phase[HPL_PH_BCAST] += exa_now() - tp;
            hpl_panel_setup(nxt, m, g, k + 1, pbuf + pdoubles * ((k + 1) % 2));
            if (algo->depth >= 1) {
                if (nxt->root) {
                    tp = exa_now();
                    hpl_update(eng, cur, u, ldu, m, jq, jq, jq + nxt->jb, g, NULL, NULL);
                    double tf = exa_now();
                    t->phase[HPL_PH_UPDATE] += tf - tp;
                    hpl_panel_factor(nxt, m, g, algo);
                    t->phase[HPL_PH_PANEL] += exa_now() - tf;
                    done = jq + nxt->jb;
                }
                hpl_bcast_start(nxt, g, algo->bcast);
            }
        }
        tp = exa_now();
        hpl_update(eng, cur, u, ldu, m, jq, done, m->nq, g, cur,
                   have_next && algo->depth >= 1 ? nxt : NULL);
        t->phase[HPL_PH_UPDATE] += exa_now() - tp;

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
