/* Collective tests, as OSU's osu_allreduce, osu_reduce, osu_bcast, osu_allgather, osu_alltoall,
 * osu_reduce_scatter and osu_barrier: every rank times the same loop; the driver reports the
 * average over ranks and the fastest and slowest rank. Reductions use MPI_FLOAT with MPI_SUM (as
 * OSU), so their sizes are whole floats; as in OSU, each call is timed alone and followed by an
 * untimed barrier (driver.c) except for the barrier test itself; the validation pattern uses small integers so that the
 * sums are exact and every byte of the result can be compared. */
#include "comm.h"

#define ROOT 0

static size_t floats(size_t bytes) { return bytes / sizeof(float); }

/* reduce_scatter: the size is the whole vector (as OSU); each rank receives its share, at least one
 * float. */
static size_t rs_block(const struct comm_ctx *c, size_t bytes)
{
    size_t b = floats(bytes) / (size_t)c->nranks;
    return b ? b : 1;
}

static void same_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    (void)c;
    *send = bytes;
    *recv = bytes;
}

static void gather_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    *send = bytes;
    *recv = bytes * (size_t)c->nranks;
}

static void alltoall_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    *send = *recv = bytes * (size_t)c->nranks;
}

static void rs_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    *send = rs_block(c, bytes) * (size_t)c->nranks * sizeof(float);
    *recv = rs_block(c, bytes) * sizeof(float);
}

static void no_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    (void)c;
    (void)bytes;
    *send = *recv = 0;
}

/* ---- iterations ---------------------------------------------------------------------------- */

static void allreduce_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    size_t n = floats(s->bytes);
    if (c->opt.validate) {
        comm_fill_floats(c, c->sbuf, n, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, n * sizeof(float), it);
    }
    MPI_Allreduce(c->sbuf, c->rbuf, (int)n, MPI_FLOAT, MPI_SUM, c->comm);
    if (c->opt.validate)
        s->errors += comm_check_float_sum(c, c->rbuf, n, it, c->nranks, 0);
}

static void reduce_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    size_t n = floats(s->bytes);
    if (c->opt.validate) {
        comm_fill_floats(c, c->sbuf, n, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, n * sizeof(float), it);
    }
    MPI_Reduce(c->sbuf, c->rbuf, (int)n, MPI_FLOAT, MPI_SUM, ROOT, c->comm);
    if (c->opt.validate && c->rank == ROOT)
        s->errors += comm_check_float_sum(c, c->rbuf, n, it, c->nranks, 0);
}

static void bcast_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    if (c->opt.validate && c->rank == ROOT) {
        comm_fill(c, c->sbuf, s->bytes, it, ROOT, 0);
        comm_maybe_corrupt(c, c->sbuf, s->bytes, it);
    }
    MPI_Bcast(c->sbuf, (int)s->bytes, MPI_CHAR, ROOT, c->comm);
    if (c->opt.validate && c->rank != ROOT)
        s->errors += comm_check(c, c->sbuf, s->bytes, it, ROOT, 0);
}

static void allgather_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    if (c->opt.validate) {
        comm_fill(c, c->sbuf, s->bytes, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, s->bytes, it);
    }
    MPI_Allgather(c->sbuf, (int)s->bytes, MPI_CHAR, c->rbuf, (int)s->bytes, MPI_CHAR, c->comm);
    if (c->opt.validate)
        for (int r = 0; r < c->nranks; r++)
            s->errors += comm_check(c, (char *)c->rbuf + (size_t)r * s->bytes, s->bytes, it, r, 0);
}

static void alltoall_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    size_t n = s->bytes, P = (size_t)c->nranks;
    if (c->opt.validate) {
        /* the block for rank d is bytes d*n.. of this rank's pattern */
        comm_fill(c, c->sbuf, n * P, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, n * P, it);
    }
    MPI_Alltoall(c->sbuf, (int)n, MPI_CHAR, c->rbuf, (int)n, MPI_CHAR, c->comm);
    if (c->opt.validate)
        for (size_t r = 0; r < P; r++)
            s->errors += comm_check(c, (char *)c->rbuf + r * n, n, it, (int)r, (size_t)c->rank * n);
}

static void reduce_scatter_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    size_t b = rs_block(c, s->bytes);
    if (c->opt.validate) {
        comm_fill_floats(c, c->sbuf, b * (size_t)c->nranks, it, c->rank, 0);
        comm_maybe_corrupt(c, c->sbuf, b * (size_t)c->nranks * sizeof(float), it);
    }
    MPI_Reduce_scatter_block(c->sbuf, c->rbuf, (int)b, MPI_FLOAT, MPI_SUM, c->comm);
    if (c->opt.validate)
        s->errors += comm_check_float_sum(c, c->rbuf, b, it, c->nranks, (size_t)c->rank * b);
}

static void barrier_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    (void)s;
    (void)it;
    MPI_Barrier(c->comm);
}

#define COLLECTIVE_RUN(fn, label)                                                                   \
    static int fn##_run(struct comm_ctx *c, struct comm_size *s)                                   \
    {                                                                                              \
        s->measured = 1;                                                                           \
        comm_progress_set(label, s->bytes, COMM_PEER_ALL);                                         \
        comm_timed_loop(c, s, fn##_iter);                                                          \
        return 0;                                                                                  \
    }

COLLECTIVE_RUN(allreduce, "MPI_Allreduce")
COLLECTIVE_RUN(reduce, "MPI_Reduce")
COLLECTIVE_RUN(bcast, "MPI_Bcast")
COLLECTIVE_RUN(allgather, "MPI_Allgather")
COLLECTIVE_RUN(alltoall, "MPI_Alltoall")
COLLECTIVE_RUN(reduce_scatter, "MPI_Reduce_scatter_block")
COLLECTIVE_RUN(barrier, "MPI_Barrier")

/* barrier is timed as a back-to-back loop (as osu_barrier); the others call by call */
/* OSU's collective defaults: 1000 iterations and 100 warm-up up to 8 KiB, 100 and 10 above. */
#define COLL_LOOPS .iters_small = 1000, .warmup_small = 100, .iters_large = 100, .warmup_large = 10

const struct comm_test comm_test_allreduce = {
    .name = "allreduce", .description = "MPI_Allreduce of floats (sum) over all ranks",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 1, .sync_each = 1, .elem = sizeof(float),
    .default_range = "4:1M", COLL_LOOPS, .buffer_bytes = same_buffers, .run_size = allreduce_run,
};

const struct comm_test comm_test_reduce = {
    .name = "reduce", .description = "MPI_Reduce of floats (sum) to rank 0",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 1, .sync_each = 1, .elem = sizeof(float),
    .default_range = "4:1M", COLL_LOOPS, .buffer_bytes = same_buffers, .run_size = reduce_run,
};

const struct comm_test comm_test_bcast = {
    .name = "bcast", .description = "MPI_Bcast from rank 0",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 1, .sync_each = 1, .elem = 1,
    .default_range = "1:1M", COLL_LOOPS, .buffer_bytes = same_buffers, .run_size = bcast_run,
};

const struct comm_test comm_test_allgather = {
    .name = "allgather", .description = "MPI_Allgather: SIZE bytes from every rank to every rank",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 1, .sync_each = 1, .elem = 1,
    .default_range = "1:1M", COLL_LOOPS, .buffer_bytes = gather_buffers, .run_size = allgather_run,
};

const struct comm_test comm_test_alltoall = {
    .name = "alltoall", .description = "MPI_Alltoall: SIZE bytes from every rank to each other rank",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 1, .sync_each = 1, .elem = 1,
    .default_range = "1:1M", COLL_LOOPS, .buffer_bytes = alltoall_buffers, .run_size = alltoall_run,
};

const struct comm_test comm_test_reduce_scatter = {
    .name = "reduce_scatter",
    .description = "MPI_Reduce_scatter_block of a SIZE-byte float vector (sum); SIZE/P per rank",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 1, .sync_each = 1, .elem = sizeof(float),
    .default_range = "4:1M", COLL_LOOPS, .buffer_bytes = rs_buffers, .run_size = reduce_scatter_run,
};

const struct comm_test comm_test_barrier = {
    .name = "barrier", .description = "MPI_Barrier latency",
    .kind = COMM_COLLECTIVE, .min_ranks = 2, .has_sizes = 0, .elem = 1,
    .default_range = "none", COLL_LOOPS, .buffer_bytes = no_buffers, .run_size = barrier_run,
};
