/* Test tool for exa-comm's staging of device buffers (benchmarks/comm/cuda/mpi_stage.c), runnable
 * without a GPU: the two "device" buffers are host memory whose bytes are stored XOR-encoded with a
 * key that depends on the buffer and on the byte's offset in it, and the staging copies
 * (comm_stage_set_ops) decode and encode them. A wrapped MPI call that handed MPI a "device"
 * pointer instead of its mirror, used the wrong offset, or forgot to copy a received message back
 * leaves wrongly encoded bytes where the check expects the plain values.
 *
 * Usage: mpirun -n P cuda_stage [--no-stage]   (P >= 2)
 * Prints "PASS name" or "FAIL name" per MPI call (rank 0) and exits 0 when all pass, 1 otherwise.
 * --no-stage turns staging off: every check of a device buffer must then fail (exit 1), which
 * shows the checks can see a missing staging step. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "comm_cuda.h"

#define N 4096   /* bytes per message (1024 floats) */

static unsigned char *ds, *dr;   /* the "device" buffers, big bytes each */
static size_t big;

/* The encoding key of the "device" byte at p. */
static unsigned char key(const unsigned char *p)
{
    const unsigned char *base = p >= dr && p < dr + big ? dr : ds;
    unsigned char k = base == ds ? 0xA5 : 0x3C;
    return (unsigned char)(k ^ (unsigned char)((size_t)(p - base) * 13u));
}

static long copies_to_host, copies_to_device;

static void *fake_pinned_alloc(size_t bytes) { return malloc(bytes); }
static void fake_pinned_free(void *p) { free(p); }

static void fake_to_host(void *host, const void *dev, size_t n)
{
    const unsigned char *d = dev;
    unsigned char *h = host;
    for (size_t i = 0; i < n; i++)
        h[i] = d[i] ^ key(d + i);
    copies_to_host++;
}

static void fake_to_device(void *dev, const void *host, size_t n)
{
    const unsigned char *h = host;
    unsigned char *d = dev;
    for (size_t i = 0; i < n; i++)
        d[i] = h[i] ^ key(d + i);
    copies_to_device++;
}

static const struct comm_stage_ops fake_ops = {
    .pinned_alloc = fake_pinned_alloc,
    .pinned_free = fake_pinned_free,
    .to_host = fake_to_host,
    .to_device = fake_to_device,
};

static int rank, nranks, failures;

static unsigned char pattern(int r, size_t i) { return (unsigned char)(r * 31 + i * 7 + 1); }

/* Device buffer <-> plain values, through the encoding. */
static void put_bytes(void *dev, int r, size_t n)
{
    unsigned char *d = dev;
    for (size_t i = 0; i < n; i++)
        d[i] = pattern(r, i) ^ key(d + i);
}

static int bytes_ok(const void *dev, int r, size_t n)
{
    const unsigned char *d = dev;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)(d[i] ^ key(d + i)) != pattern(r, i))
            return 0;
    return 1;
}

static void put_floats(void *dev, int r, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        float v = (float)(r + (int)(i % 100));
        unsigned char b[sizeof v];
        memcpy(b, &v, sizeof v);
        for (size_t k = 0; k < sizeof v; k++) {
            unsigned char *d = (unsigned char *)dev + i * sizeof v + k;
            *d = b[k] ^ key(d);
        }
    }
}

static float get_float(const void *dev, size_t i)
{
    unsigned char b[sizeof(float)];
    float v;
    for (size_t k = 0; k < sizeof v; k++) {
        const unsigned char *d = (const unsigned char *)dev + i * sizeof v + k;
        b[k] = *d ^ key(d);
    }
    memcpy(&v, b, sizeof v);
    return v;
}

/* sum over ranks of (r + i%100) */
static float sum_expected(size_t i) { return (float)(nranks * (nranks - 1) / 2 + nranks * (int)(i % 100)); }

static void report(const char *name, int ok)
{
    int all = 0;
    PMPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%s %s\n", all ? "PASS" : "FAIL", name);
    failures += !all;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (nranks < 2) {
        fprintf(stderr, "cuda_stage: run it with at least 2 ranks (mpirun -n 3)\n");
        MPI_Finalize();
        return 2;
    }
    int stage = !(argc > 1 && strcmp(argv[1], "--no-stage") == 0);
    big = (size_t)N * (size_t)nranks * 4;
    unsigned char *host = malloc(big);
    ds = malloc(big);
    dr = malloc(big);
    if (!ds || !dr || !host)
        return 2;
    memset(ds, 0, big);
    memset(dr, 0, big);
    comm_stage_set_ops(&fake_ops);
    comm_stage_enable(1);
    if (comm_stage_register(ds, big) || comm_stage_register(dr, big))
        return 2;
    comm_stage_enable(stage);
    const int next = (rank + 1) % nranks, prev = (rank + nranks - 1) % nranks, off = 3;

    /* Send / Recv around a ring, at an offset inside the buffers */
    put_bytes(ds + off, rank, N);
    if (rank % 2 == 0) {
        MPI_Send(ds + off, N, MPI_CHAR, next, 1, MPI_COMM_WORLD);
        MPI_Recv(dr + off, N, MPI_CHAR, prev, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(dr + off, N, MPI_CHAR, prev, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(ds + off, N, MPI_CHAR, next, 1, MPI_COMM_WORLD);
    }
    report("MPI_Send/MPI_Recv", bytes_ok(dr + off, prev, N));

    /* Sendrecv around the ring */
    memset(dr, 0, big);
    MPI_Sendrecv(ds + off, N, MPI_CHAR, next, 3, dr + 2 * off, N, MPI_CHAR, prev, 3, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    report("MPI_Sendrecv", bytes_ok(dr + 2 * off, prev, N));

    /* A shorter message than posted: only the received bytes reach the device */
    put_bytes(dr, 99, 2 * N);
    MPI_Status st;
    if (rank % 2 == 0) {
        MPI_Send(ds, N / 2, MPI_CHAR, next, 2, MPI_COMM_WORLD);
        MPI_Recv(dr, 2 * N, MPI_CHAR, prev, 2, MPI_COMM_WORLD, &st);
    } else {
        MPI_Recv(dr, 2 * N, MPI_CHAR, prev, 2, MPI_COMM_WORLD, &st);
        MPI_Send(ds, N / 2, MPI_CHAR, next, 2, MPI_COMM_WORLD);
    }
    int got = 0;
    MPI_Get_count(&st, MPI_CHAR, &got);
    int untouched = 1;
    for (size_t i = N / 2; i < 2 * N; i++)
        untouched &= dr[i] == (pattern(99, i) ^ key(dr + i));
    put_bytes(ds, rank, N);
    report("MPI_Recv of a shorter message", got == N / 2 && untouched);

    /* Window of Isend / Irecv completed by Waitall, then one by Wait */
    enum { W = 4 };
    MPI_Request req[2 * W + 1];
    for (int j = 0; j < W; j++)
        MPI_Irecv(dr + (size_t)j * N, N, MPI_CHAR, prev, 10 + j, MPI_COMM_WORLD, &req[W + j]);
    for (int j = 0; j < W; j++)
        MPI_Isend(ds, N, MPI_CHAR, next, 10 + j, MPI_COMM_WORLD, &req[j]);
    MPI_Waitall(2 * W, req, MPI_STATUSES_IGNORE);
    int ok = 1;
    for (int j = 0; j < W; j++)
        ok &= bytes_ok(dr + (size_t)j * N, prev, N);
    report("MPI_Isend/MPI_Irecv/MPI_Waitall", ok);
    memset(dr, 0, big);
    MPI_Irecv(dr, N, MPI_CHAR, prev, 20, MPI_COMM_WORLD, &req[0]);
    MPI_Send(ds, N, MPI_CHAR, next, 20, MPI_COMM_WORLD);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    report("MPI_Irecv/MPI_Wait", bytes_ok(dr, prev, N));

    /* Collectives on floats and bytes */
    size_t nf = N / sizeof(float);
    put_floats(ds, rank, nf);
    MPI_Allreduce(ds, dr, (int)nf, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    ok = 1;
    for (size_t i = 0; i < nf; i++)
        ok &= get_float(dr, i) == sum_expected(i);
    report("MPI_Allreduce", ok);

    put_floats(dr, rank, nf);
    MPI_Allreduce(MPI_IN_PLACE, dr, (int)nf, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    ok = 1;
    for (size_t i = 0; i < nf; i++)
        ok &= get_float(dr, i) == sum_expected(i);
    report("MPI_Allreduce in place", ok);

    memset(dr, 0, big);
    MPI_Reduce(ds, dr, (int)nf, MPI_FLOAT, MPI_SUM, 0, MPI_COMM_WORLD);
    ok = 1;
    for (size_t i = 0; rank == 0 && i < nf; i++)
        ok &= get_float(dr, i) == sum_expected(i);
    report("MPI_Reduce", ok);

    int root = 1 % nranks;
    if (rank == root)
        put_bytes(dr, root, N);
    else
        memset(dr, 0, N);
    MPI_Bcast(dr, N, MPI_CHAR, root, MPI_COMM_WORLD);
    report("MPI_Bcast", bytes_ok(dr, root, N));

    put_bytes(ds, rank, N);
    MPI_Allgather(ds, N, MPI_CHAR, dr, N, MPI_CHAR, MPI_COMM_WORLD);
    ok = 1;
    for (int r = 0; r < nranks; r++)
        ok &= bytes_ok(dr + (size_t)r * N, r, N);
    report("MPI_Allgather", ok);

    for (int r = 0; r < nranks; r++)
        put_bytes(ds + (size_t)r * N, rank * 100 + r, N);
    MPI_Alltoall(ds, N, MPI_CHAR, dr, N, MPI_CHAR, MPI_COMM_WORLD);
    ok = 1;
    for (int r = 0; r < nranks; r++)
        ok &= bytes_ok(dr + (size_t)r * N, r * 100 + rank, N);
    report("MPI_Alltoall", ok);

    for (int r = 0; r < nranks; r++)
        put_floats(ds + (size_t)r * N, rank, nf);
    MPI_Reduce_scatter_block(ds, dr, (int)nf, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    ok = 1;
    for (size_t i = 0; i < nf; i++)
        ok &= get_float(dr, i) == sum_expected(i);
    report("MPI_Reduce_scatter_block", ok);

    /* Host buffers pass through untouched even while staging is on */
    long before = copies_to_host + copies_to_device;
    for (size_t i = 0; i < N; i++)
        host[i] = pattern(rank, i);
    MPI_Sendrecv_replace(host, N, MPI_CHAR, next, 30, prev, 30, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Allreduce(MPI_IN_PLACE, host + N, 1, MPI_CHAR, MPI_MAX, MPI_COMM_WORLD);
    ok = copies_to_host + copies_to_device == before;
    for (size_t i = 0; i < N; i++)
        ok &= host[i] == pattern(prev, i);
    report("host buffers pass through", ok);

    comm_stage_enable(1);
    comm_stage_unregister(ds);
    comm_stage_unregister(dr);
    free(ds);
    free(dr);
    free(host);
    if (rank == 0)
        printf("%d failed\n", failures);
    MPI_Finalize();
    return failures ? 1 : 0;
}
