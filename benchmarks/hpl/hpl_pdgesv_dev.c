/* exa-hpl: the LU of hpl_pdgesv.c with the local trailing matrix resident on a device
 * (hpl_device.h: the `cuda` engine on a GPU, the `emulated` engine on the CPU).
 *
 * [A b] is generated on the host, copied to the device once, and stays there for the whole
 * factorisation. Iteration k, on every process of the grid:
 *   1. panel k's W and L2 (factored on the host by its process column and broadcast along the
 *      rows with hpl_bcast.c, as in hpl_pdgesv) go to the device; the panel's column writes W
 *      into its diagonal block of A there;
 *   2. row interchanges and U := L1^-1 U on the device (hpl_swap_dev.c);
 *   3. look-ahead (DEPTH 1): the process column of panel k+1 updates just those columns first,
 *      then copies them to the host on the copy stream (ordered after that update by an event)
 *      while the main stream goes on with the rest of the update; the host factors panel k+1
 *      and starts its broadcast as soon as the copy is in;
 *   4. the rest of the trailing update (DGEMM) on the device's main stream, the host moving the
 *      broadcasts along while it runs.
 * With DEPTH 0, panel k+1 comes to the host only after the whole update.
 * Per iteration a rank copies O(N x NB) each way: its panel columns down (mp x jb), W and L2 up
 * (jb^2 + ml jb), and with P > 1 and no CUDA-aware MPI its at most 2 jb involved rows each way
 * (2 jb x nq): never the trailing matrix. After the factorisation the factors come back once and
 * the solve runs on the host (hpl_pdtrsv). The traffic is measured per iteration from the
 * engine's counters and returned for the record and the traffic test (tests/hpl/device.t). */
#include <stdlib.h>
#include <string.h>

#include "exa_timer.h"
#include "hpl.h"
#include "hpl_device.h"

static void ctx_free(struct hpl_dev_ctx *x)
{
    const struct hpl_device *d = x->d;
    void *dev[] = {x->a, x->w[0], x->w[1], x->l[0], x->l[1], x->u, x->send, x->recv};
    for (size_t i = 0; i < sizeof dev / sizeof *dev; i++)
        if (dev[i])
            d->free(dev[i]);
    if (x->hsend)
        d->host_free(x->hsend);
    if (x->hrecv)
        d->host_free(x->hrecv);
    free(x->counts);
    memset(x, 0, sizeof *x);
}

static int ctx_alloc(struct hpl_dev_ctx *x, const struct hpl_device *d, const struct hpl_matrix *m,
                     const struct hpl_grid *g)
{
    const size_t nb = (size_t)m->nb, nq = m->nq > 0 ? (size_t)m->nq : 1;
    const size_t mp = m->mp > 0 ? (size_t)m->mp : 1, D = sizeof(double);
    memset(x, 0, sizeof *x);
    x->d = d;
    x->ld = m->ld;
    x->a = d->alloc(m->ld * nq * D);
    int ok = x->a != NULL;
    for (int i = 0; i < 2; i++) {
        x->w[i] = d->alloc(nb * nb * D);
        x->l[i] = d->alloc(mp * nb * D);
        ok = ok && x->w[i] && x->l[i];
    }
    x->send = d->alloc(2 * nb * nq * D);
    ok = ok && x->send;
    if (g->p > 1) {
        x->u = d->alloc(nb * nq * D);
        x->recv = d->alloc(2 * nb * nq * D);
        x->counts = calloc((size_t)g->p * 2, sizeof(int));
        x->displs = x->counts ? x->counts + g->p : NULL;
        ok = ok && x->u && x->recv && x->counts;
        if (!d->mpi_device_pointers) {
            x->hsend = d->host_alloc(2 * nb * nq * D);
            x->hrecv = d->host_alloc(2 * nb * nq * D);
            ok = ok && x->hsend && x->hrecv;
        }
    }
    if (!ok)
        ctx_free(x);
    return ok ? 0 : -1;
}

/* The local rows of the panel's columns from global row j down: what the host factors. */
static void panel_to_host(struct hpl_dev_ctx *x, const struct hpl_panel *pan,
                          const struct hpl_matrix *m, const struct hpl_grid *g, int stream)
{
    int jl = hpl_local_start(pan->j, m->nb, g->mycol, g->q);
    int it = hpl_local_start(pan->j, m->nb, g->myrow, g->p);
    size_t off = (size_t)jl * m->ld + it;
    x->d->copy2d(stream, HPL_D2H, m->mp - it, pan->jb, x->a + off, m->ld, m->a + off, m->ld);
    x->d->sync(stream);
}

/* Step 1: the panel's W and L2 to the device; its diagonal block of A gets W (U's block). */
static void panel_to_device(struct hpl_dev_ctx *x, const struct hpl_panel *pan, int slot,
                            const struct hpl_matrix *m, const struct hpl_grid *g)
{
    const struct hpl_device *d = x->d;
    const int jb = pan->jb;
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, jb, jb, pan->w, (size_t)jb, x->w[slot], (size_t)jb);
    if (pan->ml > 0)
        d->copy2d(HPL_DEV_MAIN, HPL_H2D, pan->ml, jb, pan->l, (size_t)pan->ml, x->l[slot],
                  (size_t)pan->ml);
    if (pan->root && g->myrow == pan->prow) {
        int jl = hpl_local_start(pan->j, m->nb, g->mycol, g->q);
        int it = hpl_local_start(pan->j, m->nb, g->myrow, g->p);
        d->copy2d(HPL_DEV_MAIN, HPL_D2D, jb, jb, x->w[slot], (size_t)jb,
                  x->a + (size_t)jl * m->ld + it, m->ld);
    }
}

/* A(L2 rows, local columns c0..c1-1) -= L2 U(:, c0-jq ..) on the main stream. */
static void update(struct hpl_dev_ctx *x, const struct hpl_panel *pan, int slot, const double *u,
                   int ldu, int jq, int c0, int c1)
{
    if (pan->ml <= 0 || c1 <= c0)
        return;
    x->d->gemm_sub(HPL_DEV_MAIN, pan->ml, c1 - c0, pan->jb, x->l[slot], pan->ml,
                   u + (size_t)(c0 - jq) * ldu, ldu, x->a + (size_t)c0 * x->ld + pan->ii,
                   (int)x->ld);
}

/* Host side of panel k+1 on its process column: its columns come down, the host factors it. */
static void factor_next(struct hpl_dev_ctx *x, struct hpl_panel *nxt, struct hpl_matrix *m,
                        const struct hpl_grid *g, const struct hpl_algo *algo, int stream,
                        struct hpl_times *t)
{
    double t0 = exa_now();
    panel_to_host(x, nxt, m, g, stream);
    double t1 = exa_now();
    hpl_panel_factor(nxt, m, g, algo);
    t->phase[HPL_PH_UPDATE] += t1 - t0;
    t->phase[HPL_PH_PANEL] += exa_now() - t1;
}

/* Waits for the main stream, moving the pending broadcasts along meanwhile. */
static void drain(struct hpl_dev_ctx *x, const struct hpl_grid *g, struct hpl_panel *p1,
                  struct hpl_panel *p2)
{
    while (!x->d->query(HPL_DEV_MAIN) && (hpl_bcast_pending(p1) || hpl_bcast_pending(p2))) {
        hpl_bcast_progress(p1, g);
        hpl_bcast_progress(p2, g);
    }
    x->d->sync(HPL_DEV_MAIN);
    hpl_bcast_progress(p1, g);
    hpl_bcast_progress(p2, g);
}

struct meter {
    const struct hpl_device *d;
    double h2d, d2h;           /* the counters at the start of the iteration */
    struct hpl_dev_traffic *tr;
};

static void meter_mark(struct meter *mt)
{
    struct hpl_dev_counters c;
    mt->d->counters(&c);
    mt->h2d = c.bytes_h2d;
    mt->d2h = c.bytes_d2h;
}

/* Adds what was copied since the mark to the iteration totals (or to the matrix's one-off). */
static void meter_add(struct meter *mt, int whole_matrix)
{
    struct hpl_dev_counters c;
    mt->d->counters(&c);
    double up = c.bytes_h2d - mt->h2d, down = c.bytes_d2h - mt->d2h;
    struct hpl_dev_traffic *tr = mt->tr;
    if (whole_matrix) {
        tr->h2d_matrix += up;
        tr->d2h_matrix += down;
    } else {
        tr->h2d_iter_sum += up;
        tr->d2h_iter_sum += down;
        tr->h2d_iter_max = up > tr->h2d_iter_max ? up : tr->h2d_iter_max;
        tr->d2h_iter_max = down > tr->d2h_iter_max ? down : tr->d2h_iter_max;
        tr->iterations++;
    }
    meter_mark(mt);
}

struct dev_loop {
    struct hpl_dev_ctx *x;
    struct hpl_matrix *m;
    const struct hpl_grid *g;
    const struct hpl_algo *algo;
    struct hpl_times *t;
    struct hpl_panel *pan;
    double *pbuf;
    size_t pdoubles;
};

/* One iteration (steps 1-4 of the header). */
static void iteration(struct dev_loop *L, int k, int nblk)
{
    struct hpl_dev_ctx *x = L->x;
    struct hpl_matrix *m = L->m;
    const struct hpl_grid *g = L->g;
    const struct hpl_device *d = x->d;
    struct hpl_panel *cur = &L->pan[k % 2], *nxt = &L->pan[(k + 1) % 2];
    int have_next = k + 1 < nblk, slot = k % 2, depth = L->algo->depth;
    double tp;
    if (!cur->root) {
        tp = exa_now();
        hpl_bcast_wait(cur, g);
        L->t->phase[HPL_PH_BCAST] += exa_now() - tp;
    }
    int info = (int)cur->ipiv[cur->jb];
    if (info >= 0 && m->info < 0)
        m->info = info;
    panel_to_device(x, cur, slot, m, g);

    int jq = hpl_local_start(cur->j + cur->jb, m->nb, g->mycol, g->q), ldu = 1;
    const double *u = NULL;
    if (m->nq > jq)
        u = hpl_dev_swap_and_trsm(x, cur, slot, m, g, L->algo, jq, &ldu, L->t);
    int done = jq;
    if (have_next) {
        tp = exa_now();
        hpl_bcast_finish(nxt, g);   /* its buffer (panel k-1's) is reused */
        L->t->phase[HPL_PH_BCAST] += exa_now() - tp;
        hpl_panel_setup(nxt, m, g, k + 1, L->pbuf + L->pdoubles * ((k + 1) % 2));
        if (depth >= 1 && nxt->root) {
            update(x, cur, slot, u, ldu, jq, jq, jq + nxt->jb);
            d->record(0, HPL_DEV_MAIN);
            d->wait(HPL_DEV_COPY, 0);
            done = jq + nxt->jb;
            update(x, cur, slot, u, ldu, jq, done, m->nq);   /* runs on while the host factors */
            factor_next(x, nxt, m, g, L->algo, HPL_DEV_COPY, L->t);
        }
        if (depth >= 1)
            hpl_bcast_start(nxt, g, L->algo->bcast);
    }
    tp = exa_now();
    if (done == jq)
        update(x, cur, slot, u, ldu, jq, jq, m->nq);
    drain(x, g, cur, have_next && depth >= 1 ? nxt : NULL);
    L->t->phase[HPL_PH_UPDATE] += exa_now() - tp;
    if (have_next && depth < 1) {
        if (nxt->root)
            factor_next(x, nxt, m, g, L->algo, HPL_DEV_MAIN, L->t);
        hpl_bcast_start(nxt, g, L->algo->bcast);
    }
}

/* The model's bound on one iteration's copies each way (bytes): panel columns or W and L2, the
 * involved rows of my columns, the index lists. */
static double model_iter_bytes(const struct hpl_matrix *m)
{
    double nb = m->nb, mp = m->mp, nq = m->nq;
    return 8.0 * nb * (nb + mp + 2.0 * nq) + 64.0 * nb;
}

int hpl_pdgesv_dev(struct hpl_matrix *m, const struct hpl_grid *g, const struct hpl_algo *algo,
                   const struct hpl_device *d, struct hpl_times *t, struct hpl_dev_traffic *traffic)
{
    const int n = m->n, nb = m->nb, nblk = (n + nb - 1) / nb;
    struct hpl_dev_traffic tr_local;
    struct hpl_dev_traffic *tr = traffic ? traffic : &tr_local;
    memset(tr, 0, sizeof *tr);
    struct hpl_dev_ctx x;
    size_t pdoubles = hpl_panel_buffer_doubles(nb, m->mp);
    double *pbuf = d->host_alloc(sizeof(double) * pdoubles * 2);
    MPI_Request *sreq = malloc(sizeof(MPI_Request) * (size_t)(g->q + 1) * 2);
    if (!pbuf || !sreq || ctx_alloc(&x, d, m, g) != 0) {
        if (pbuf)
            d->host_free(pbuf);
        free(sreq);
        return -2;
    }
    struct hpl_panel pan[2] = {
        {.req = MPI_REQUEST_NULL, .rreq = MPI_REQUEST_NULL, .sreq = sreq, .arrived = 1},
        {.req = MPI_REQUEST_NULL, .rreq = MPI_REQUEST_NULL, .sreq = sreq + g->q + 1, .arrived = 1},
    };
    struct meter mt = {.d = d, .tr = tr};
    struct dev_loop L = {&x, m, g, algo, t, pan, pbuf, pdoubles};
    struct hpl_sampler smp;
    m->info = -1;
    hpl_sampler_begin(&smp, n, nb);
    meter_mark(&mt);
    if (m->nq > 0 && m->mp > 0)
        d->copy2d(HPL_DEV_MAIN, HPL_H2D, m->mp, m->nq, m->a, m->ld, x.a, x.ld);
    meter_add(&mt, 1);

    hpl_panel_setup(&pan[0], m, g, 0, pbuf);
    if (pan[0].root)
        factor_next(&x, &pan[0], m, g, algo, HPL_DEV_MAIN, t);
    hpl_bcast_start(&pan[0], g, algo->bcast);
    for (int k = 0; k < nblk; k++) {
        hpl_sampler_mark(&smp, k, exa_now());
        iteration(&L, k, nblk);
        meter_add(&mt, 0);
    }
    hpl_sampler_mark(&smp, nblk, exa_now());
    hpl_bcast_finish(&pan[0], g);
    hpl_bcast_finish(&pan[1], g);

    /* the factors (U and the transformed b) come back once for the solve */
    if (m->nq > 0 && m->mp > 0)
        d->copy2d(HPL_DEV_MAIN, HPL_D2H, m->mp, m->nq, x.a, x.ld, m->a, m->ld);
    d->sync(HPL_DEV_MAIN);
    meter_add(&mt, 1);
    tr->model_iter_bytes = model_iter_bytes(m);
    tr->trailing_bytes = 8.0 * m->mp * (double)m->nq;
    ctx_free(&x);
    d->host_free(pbuf);
    free(sreq);

    if (m->info < 0) {
        double ts = exa_now();
        hpl_pdtrsv(m, g);
        t->phase[HPL_PH_SOLVE] += exa_now() - ts;
    }
    hpl_sampler_end(&smp, g);
    return m->info;
}
