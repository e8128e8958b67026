/* The shared sweep driver: for each message size, iteration counts, a barrier, the test's timed
 * loop, then the figures gathered on rank 0 for printing and the record.
 *
 * Timing (MPI_Wtime): the timed loop takes one timestamp before the first iteration and one after
 * every batch of B = ceil(iters / 200) iterations, into a preallocated array, so each size keeps at
 * most 200 samples (each the mean of B consecutive iterations) and the clock is read once per B
 * iterations, not around each. The size's headline figure is the whole loop's time divided by the
 * iterations, as OSU computes it; min, max, p50 and p99 come from the samples. Nothing else runs
 * inside the timed loop but the communication and one relaxed atomic increment per batch (the
 * watchdog's progress mark). Collectives (but barrier) follow OSU instead: each call is timed on
 * its own and followed by an untimed MPI_Barrier, so that calls do not pipeline into each other. */
#include "comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_mpi.h"

/* OSU's collective loop: each call timed alone, then an untimed barrier, so that consecutive
 * calls do not overlap; the size's time is the sum of the calls' times. */
static void timed_loop_sync(struct comm_ctx *c, struct comm_size *s, comm_iter_fn fn)
{
    const long iters = s->iters, batch = s->batch, warmup = s->warmup;
    double *const samples = s->samples, total = 0;
    long done = 0;
    size_t k = 0;
    for (long i = 0; i < warmup; i++) {
        fn(c, s, i);
        MPI_Barrier(c->comm);
    }
    while (done < iters) {
        long m = iters - done < batch ? iters - done : batch;
        double part = 0;
        for (long i = 0; i < m; i++) {
            double t0 = MPI_Wtime();
            fn(c, s, warmup + done + i);
            part += MPI_Wtime() - t0;
            MPI_Barrier(c->comm);
        }
        samples[k++] = part / (double)m;
        total += part;
        done += m;
        comm_progress_beat();
    }
    s->elapsed = total;
    s->nsamples = k;
}

void comm_timed_loop(struct comm_ctx *c, struct comm_size *s, comm_iter_fn fn)
{
    const long iters = s->iters, batch = s->batch, warmup = s->warmup;
    double *const samples = s->samples;
    if (c->test->sync_each) {
        timed_loop_sync(c, s, fn);
        return;
    }
    for (long i = 0; i < warmup; i++)
        fn(c, s, i);
    double t0 = MPI_Wtime(), prev = t0;
    long done = 0;
    size_t k = 0;
    while (done < iters) {
        long m = iters - done < batch ? iters - done : batch;
        for (long i = 0; i < m; i++)
            fn(c, s, warmup + done + i);
        double t = MPI_Wtime();
        samples[k++] = (t - prev) / (double)m;
        prev = t;
        done += m;
        comm_progress_beat();
    }
    s->elapsed = prev - t0;
    s->nsamples = k;
}

/* Rank 0 receives the figures of the rank that measured a pair test. */
static void gather_pair(struct comm_ctx *c, const struct comm_size *s, struct comm_row *row,
                        double *buf)
{
    int src = c->opt.pair[0];
    size_t n = 0;
    if (c->rank == src) {
        buf[0] = s->elapsed;
        buf[1] = (double)s->nsamples;
        buf[2] = s->bytes_per_iter;
        memcpy(buf + 3, s->samples, s->nsamples * sizeof *buf);
        if (src != 0)
            MPI_Send(buf, (int)(3 + s->nsamples), MPI_DOUBLE, 0, 77, c->comm);
    } else if (c->rank == 0) {
        comm_progress_set("receiving results", s->bytes, src);
        MPI_Recv(buf, 3 + COMM_MAX_SAMPLES, MPI_DOUBLE, src, 77, c->comm, MPI_STATUS_IGNORE);
    }
    if (c->rank != 0)
        return;
    n = (size_t)buf[1];
    row->nsamples = n;
    if (c->test->kind == COMM_LATENCY) {
        row->value = buf[0] / (double)s->iters * 1e6;
        for (size_t k = 0; k < n; k++)
            row->samples[k] = buf[3 + k] * 1e6;
    } else {
        row->value = buf[2] * (double)s->iters / buf[0] / 1e6;
        for (size_t k = 0; k < n; k++)
            row->samples[k] = buf[2] / buf[3 + k] / 1e6;
    }
}

/* Sums of every sender's bandwidth and message rate (mbw_mr). */
static void gather_sum(struct comm_ctx *c, const struct comm_size *s, struct comm_row *row,
                       double *local, double *sum)
{
    size_t nb = (size_t)((s->iters + s->batch - 1) / s->batch);
    memset(local, 0, (2 + nb) * sizeof *local);
    if (s->measured) {
        local[0] = s->bytes_per_iter * (double)s->iters / s->elapsed / 1e6;
        local[1] = s->msgs_per_iter * (double)s->iters / s->elapsed;
        for (size_t k = 0; k < s->nsamples && k < nb; k++)
            local[2 + k] = s->bytes_per_iter / s->samples[k] / 1e6;
    }
    MPI_Reduce(local, sum, (int)(2 + nb), MPI_DOUBLE, MPI_SUM, 0, c->comm);
    if (c->rank != 0)
        return;
    row->value = sum[0];
    row->rate = sum[1];
    row->nsamples = nb;
    memcpy(row->samples, sum + 2, nb * sizeof *sum);
}

/* Average, fastest and slowest rank (collectives); samples averaged over ranks. */
static void gather_collective(struct comm_ctx *c, const struct comm_size *s, struct comm_row *row,
                              double *local, double *sum)
{
    size_t nb = s->nsamples;
    double mine = s->elapsed / (double)s->iters * 1e6, lo, hi;
    local[0] = mine;
    for (size_t k = 0; k < nb; k++)
        local[1 + k] = s->samples[k] * 1e6;
    MPI_Reduce(local, sum, (int)(1 + nb), MPI_DOUBLE, MPI_SUM, 0, c->comm);
    MPI_Reduce(&mine, &lo, 1, MPI_DOUBLE, MPI_MIN, 0, c->comm);
    MPI_Reduce(&mine, &hi, 1, MPI_DOUBLE, MPI_MAX, 0, c->comm);
    if (c->rank != 0)
        return;
    row->value = sum[0] / c->nranks;
    row->rank_min = lo;
    row->rank_max = hi;
    row->nsamples = nb;
    for (size_t k = 0; k < nb; k++)
        row->samples[k] = sum[1 + k] / c->nranks;
}

int comm_sweep(struct comm_ctx *c, int argc, char **argv)
{
    const struct comm_test *t = c->test;
    size_t nsizes = t->has_sizes ? comm_sizes(t, &c->opt.range, NULL, 0) : 1;
    size_t *sizes = calloc(nsizes, sizeof *sizes);
    size_t send = 0, recv = 0;
    double *local = malloc((3 + COMM_MAX_SAMPLES) * sizeof *local);
    double *sum = malloc((3 + COMM_MAX_SAMPLES) * sizeof *sum);
    double *row_samples = malloc(COMM_MAX_SAMPLES * sizeof *row_samples);
    long errors = 0;
    int bad;

    if (sizes && t->has_sizes)
        comm_sizes(t, &c->opt.range, sizes, nsizes);
    if (sizes)
        t->buffer_bytes(c, sizes[nsizes - 1], &send, &recv);
    c->reqs = malloc(2 * (size_t)c->opt.window * sizeof *c->reqs);
    bad = !sizes || !local || !sum || !row_samples || !c->reqs || comm_buffers_alloc(c, send, recv);
    if (exa_mpi_any(c->comm, bad))
        exa_input_error("could not allocate %zu + %zu bytes of message buffers on some rank",
                        send, recv);

    comm_print_header(c);
    for (size_t i = 0; i < nsizes; i++) {
        struct comm_size s = {.bytes = sizes[i], .samples = c->samples};
        struct comm_row row = {.bytes = sizes[i], .samples = row_samples};
        comm_loop_counts(t, &c->opt, s.bytes, &s.iters, &s.warmup);
        s.batch = comm_batch(s.iters);

        comm_progress_set("barrier before the size", s.bytes, COMM_PEER_ALL);
        MPI_Barrier(c->comm);
        comm_maybe_stall(c);
        exa_counters_start(c->counters);
        t->run_size(c, &s);
        exa_counters_stop(c->counters);

        comm_progress_set("gathering results", s.bytes, COMM_PEER_ALL);
        switch (t->kind) {
        case COMM_LATENCY:
        case COMM_BANDWIDTH: gather_pair(c, &s, &row, local); break;
        case COMM_MSGRATE: gather_sum(c, &s, &row, local, sum); break;
        default: gather_collective(c, &s, &row, local, sum); break;
        }
        MPI_Allreduce(&s.errors, &row.errors, 1, MPI_LONG, MPI_SUM, c->comm);
        errors += row.errors;
        row.iters = s.iters;
        row.warmup = s.warmup;
        row.batch = s.batch;
        if (c->rank == 0) {
            comm_print_row(c, &row);
            comm_record_row(c, &row);
        }
    }
    comm_buffers_free(c);
    free(c->reqs);
    c->reqs = NULL;
    free(sizes);
    free(local);
    free(sum);
    free(row_samples);
    return comm_record_finish(c, argc, argv, errors);
}
