/* Point-to-point tests, as OSU's osu_latency, osu_bw, osu_bibw and osu_mbw_mr:
 *   latency  ping-pong between --pair A,B; one-way latency = round trip / 2
 *   bw       A posts a window of MPI_Isend, MPI_Waitall, then waits for B's 4-byte ack
 *   bibw     A and B both post a window of MPI_Irecv and MPI_Isend, then MPI_Waitall
 *   mbw_mr   ranks 0..P/2-1 each stream windows to rank + P/2, as bw; aggregate MB/s and msg/s
 * The latency loop is written out by hand (a tight MPI_Send/MPI_Recv loop with one MPI_Wtime per
 * batch of iterations); the others run one iteration per call of comm_timed_loop. */
#include "comm.h"

#define TAG_DATA 1
#define TAG_ACK 101

static void pair_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    *send = bytes;
    /* --validate keeps every message of a window, to check them all */
    *recv = c->opt.validate && c->test->uses_window ? bytes * (size_t)c->opt.window : bytes;
}

static inline int peer_of(const struct comm_ctx *c)
{
    return c->rank == c->opt.pair[0] ? c->opt.pair[1] : c->opt.pair[0];
}

/* ---- latency ---------------------------------------------------------------------------- */

static void latency_iter_validate(struct comm_ctx *c, struct comm_size *s, long it)
{
    int peer = peer_of(c), n = (int)s->bytes;
    if (c->rank == c->opt.pair[0]) {
        comm_fill(c, c->sbuf, s->bytes, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, s->bytes, it);
        MPI_Send(c->sbuf, n, MPI_CHAR, peer, TAG_DATA, c->comm);
        MPI_Recv(c->rbuf, n, MPI_CHAR, peer, TAG_DATA, c->comm, MPI_STATUS_IGNORE);
        s->errors += comm_check(c, c->rbuf, s->bytes, it, peer, 0);
    } else {
        MPI_Recv(c->rbuf, n, MPI_CHAR, peer, TAG_DATA, c->comm, MPI_STATUS_IGNORE);
        s->errors += comm_check(c, c->rbuf, s->bytes, it, peer, 0);
        comm_fill(c, c->sbuf, s->bytes, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, s->bytes, it);
        MPI_Send(c->sbuf, n, MPI_CHAR, peer, TAG_DATA, c->comm);
    }
}

static int latency_run(struct comm_ctx *c, struct comm_size *s)
{
    const int me = c->rank, peer = peer_of(c), n = (int)s->bytes;
    void *const sb = c->sbuf, *const rb = c->rbuf;
    const MPI_Comm comm = c->comm;
    const long iters = s->iters, batch = s->batch;
    double *const samples = s->samples;
    if (me != c->opt.pair[0] && me != c->opt.pair[1])
        return 0;
    s->measured = me == c->opt.pair[0];
    comm_progress_set("latency ping-pong", s->bytes, peer);
    if (c->opt.validate) {
        comm_timed_loop(c, s, latency_iter_validate);
    } else {
        const int first = s->measured;
        for (long i = 0; i < s->warmup; i++) {
            if (first) {
                MPI_Send(sb, n, MPI_CHAR, peer, TAG_DATA, comm);
                MPI_Recv(rb, n, MPI_CHAR, peer, TAG_DATA, comm, MPI_STATUS_IGNORE);
            } else {
                MPI_Recv(rb, n, MPI_CHAR, peer, TAG_DATA, comm, MPI_STATUS_IGNORE);
                MPI_Send(sb, n, MPI_CHAR, peer, TAG_DATA, comm);
            }
        }
        double t0 = MPI_Wtime(), prev = t0;
        long done = 0;
        size_t k = 0;
        while (done < iters) {
            long m = iters - done < batch ? iters - done : batch;
            if (first) {
                for (long i = 0; i < m; i++) {
                    MPI_Send(sb, n, MPI_CHAR, peer, TAG_DATA, comm);
                    MPI_Recv(rb, n, MPI_CHAR, peer, TAG_DATA, comm, MPI_STATUS_IGNORE);
                }
            } else {
                for (long i = 0; i < m; i++) {
                    MPI_Recv(rb, n, MPI_CHAR, peer, TAG_DATA, comm, MPI_STATUS_IGNORE);
                    MPI_Send(sb, n, MPI_CHAR, peer, TAG_DATA, comm);
                }
            }
            double t = MPI_Wtime();
            samples[k++] = (t - prev) / (double)m;
            prev = t;
            done += m;
            comm_progress_beat();
        }
        s->elapsed = prev - t0;
        s->nsamples = k;
    }
    /* one way = half the round trip */
    s->elapsed *= 0.5;
    for (size_t k = 0; k < s->nsamples; k++)
        s->samples[k] *= 0.5;
    return 0;
}

/* ---- bw and mbw_mr: one-directional windows ------------------------------------------------ */

static void window_send(struct comm_ctx *c, struct comm_size *s, long it, int peer)
{
    int n = (int)s->bytes, w = (int)c->opt.window;
    if (c->opt.validate) {
        comm_fill(c, c->sbuf, s->bytes, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, s->bytes, it);
    }
    for (int j = 0; j < w; j++)
        MPI_Isend(c->sbuf, n, MPI_CHAR, peer, TAG_DATA, c->comm, &c->reqs[j]);
    MPI_Waitall(w, c->reqs, MPI_STATUSES_IGNORE);
    MPI_Recv(c->ack_r, 4, MPI_CHAR, peer, TAG_ACK, c->comm, MPI_STATUS_IGNORE);
}

static void window_recv(struct comm_ctx *c, struct comm_size *s, long it, int peer)
{
    int n = (int)s->bytes, w = (int)c->opt.window;
    char *rb = c->rbuf;
    size_t stride = c->opt.validate ? s->bytes : 0;
    for (int j = 0; j < w; j++)
        MPI_Irecv(rb + (size_t)j * stride, n, MPI_CHAR, peer, TAG_DATA, c->comm, &c->reqs[j]);
    MPI_Waitall(w, c->reqs, MPI_STATUSES_IGNORE);
    if (c->opt.validate)
        for (int j = 0; j < w; j++)
            s->errors += comm_check(c, rb + (size_t)j * stride, s->bytes, it, peer, 0);
    MPI_Send(c->ack, 4, MPI_CHAR, peer, TAG_ACK, c->comm);
}

static void bw_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    if (c->rank == c->opt.pair[0])
        window_send(c, s, it, c->opt.pair[1]);
    else
        window_recv(c, s, it, c->opt.pair[0]);
}

static int bw_run(struct comm_ctx *c, struct comm_size *s)
{
    if (c->rank != c->opt.pair[0] && c->rank != c->opt.pair[1])
        return 0;
    s->measured = c->rank == c->opt.pair[0];
    s->bytes_per_iter = (double)s->bytes * (double)c->opt.window;
    s->msgs_per_iter = (double)c->opt.window;
    comm_progress_set("bw window", s->bytes, peer_of(c));
    comm_timed_loop(c, s, bw_iter);
    return 0;
}

static void mbw_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    int half = c->nranks / 2;
    if (c->rank < half)
        window_send(c, s, it, c->rank + half);
    else
        window_recv(c, s, it, c->rank - half);
}

static int mbw_mr_run(struct comm_ctx *c, struct comm_size *s)
{
    int half = c->nranks / 2;
    s->measured = c->rank < half;
    s->bytes_per_iter = (double)s->bytes * (double)c->opt.window;
    s->msgs_per_iter = (double)c->opt.window;
    comm_progress_set("mbw_mr window", s->bytes, c->rank < half ? c->rank + half : c->rank - half);
    comm_timed_loop(c, s, mbw_iter);
    return 0;
}

/* ---- bibw ------------------------------------------------------------------------------------ */

static void bibw_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    int n = (int)s->bytes, w = (int)c->opt.window, peer = peer_of(c);
    char *rb = c->rbuf;
    size_t stride = c->opt.validate ? s->bytes : 0;
    if (c->opt.validate) {
        comm_fill(c, c->sbuf, s->bytes, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, s->bytes, it);
    }
    for (int j = 0; j < w; j++)
        MPI_Irecv(rb + (size_t)j * stride, n, MPI_CHAR, peer, TAG_DATA, c->comm, &c->reqs[w + j]);
    for (int j = 0; j < w; j++)
        MPI_Isend(c->sbuf, n, MPI_CHAR, peer, TAG_DATA, c->comm, &c->reqs[j]);
    MPI_Waitall(2 * w, c->reqs, MPI_STATUSES_IGNORE);
    if (c->opt.validate)
        for (int j = 0; j < w; j++)
            s->errors += comm_check(c, rb + (size_t)j * stride, s->bytes, it, peer, 0);
}

static int bibw_run(struct comm_ctx *c, struct comm_size *s)
{
    if (c->rank != c->opt.pair[0] && c->rank != c->opt.pair[1])
        return 0;
    s->measured = c->rank == c->opt.pair[0];
    s->bytes_per_iter = 2.0 * (double)s->bytes * (double)c->opt.window;
    s->msgs_per_iter = 2.0 * (double)c->opt.window;
    comm_progress_set("bibw window", s->bytes, peer_of(c));
    comm_timed_loop(c, s, bibw_iter);
    return 0;
}

/* ---- descriptors ------------------------------------------------------------------------------ */

const struct comm_test comm_test_latency = {
    .name = "latency",
    .description = "ping-pong between two ranks (--pair, default 0,1): one-way latency, as osu_latency",
    .kind = COMM_LATENCY, .min_ranks = 2, .uses_pair = 1, .has_sizes = 1, .elem = 1,
    .default_range = "1:4M",
    .iters_small = 10000, .warmup_small = 100, .iters_large = 1000, .warmup_large = 10,
    .buffer_bytes = pair_buffers, .run_size = latency_run,
};

const struct comm_test comm_test_bw = {
    .name = "bw",
    .description = "uni-directional bandwidth, windows of non-blocking sends, as osu_bw",
    .kind = COMM_BANDWIDTH, .min_ranks = 2, .uses_pair = 1, .uses_window = 1, .has_sizes = 1,
    .elem = 1, .default_range = "1:4M",
    .iters_small = 100, .warmup_small = 10, .iters_large = 20, .warmup_large = 2,
    .buffer_bytes = pair_buffers, .run_size = bw_run,
};

const struct comm_test comm_test_bibw = {
    .name = "bibw",
    .description = "bi-directional bandwidth, both ranks send windows at once, as osu_bibw",
    .kind = COMM_BANDWIDTH, .min_ranks = 2, .uses_pair = 1, .uses_window = 1, .has_sizes = 1,
    .elem = 1, .default_range = "1:4M",
    .iters_small = 100, .warmup_small = 10, .iters_large = 20, .warmup_large = 2,
    .buffer_bytes = pair_buffers, .run_size = bibw_run,
};

const struct comm_test comm_test_mbw_mr = {
    .name = "mbw_mr",
    .description = "P/2 pairs stream at once: aggregate bandwidth and message rate, as osu_mbw_mr",
    .kind = COMM_MSGRATE, .min_ranks = 2, .even_ranks = 1, .uses_window = 1, .has_sizes = 1,
    .elem = 1, .default_range = "1:4M",
    .iters_small = 100, .warmup_small = 10, .iters_large = 20, .warmup_large = 2,
    .buffer_bytes = pair_buffers, .run_size = mbw_mr_run,
};
