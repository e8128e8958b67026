/* Staging of device message buffers through pinned host memory, for MPI libraries that are not
 * CUDA-aware. exa-comm's tests call MPI with their buffers whatever the memory; in a CUDA=1 build
 * this file interposes the MPI calls they use, through MPI's profiling interface (each MPI_X here
 * does its work and calls PMPI_X):
 *   MPI_Send, MPI_Isend                           device -> mirror copy, then send from the mirror
 *   MPI_Recv                                      receive into the mirror, then mirror -> device
 *   MPI_Sendrecv                                  both of the above
 *   MPI_Irecv + MPI_Wait / MPI_Waitall            receive into the mirror; the copy to the device
 *                                                 happens when the request completes
 *   MPI_Allreduce, MPI_Reduce, MPI_Bcast, MPI_Allgather, MPI_Alltoall, MPI_Reduce_scatter_block
 *                                                 the send part copied out before, the receive
 *                                                 part copied in after
 * Only pointers inside a registered buffer (comm_stage_register: the buffers of `-d cuda`) are
 * staged, and only while staging is enabled; every other call passes straight through (one
 * predictable branch). The mirror of a buffer has the same size and layout, so an offset into the
 * device buffer is the same offset into the mirror. Datatypes must be contiguous (the tests use
 * MPI_CHAR and MPI_FLOAT). */
#include "comm_cuda.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "exa_cli.h"
#include "exa_cuda.h"

#define MAX_STAGED 16

struct staged_buf {
    char *dev, *host;
    size_t bytes;
};

struct pending_recv {
    MPI_Request req;
    char *dev, *host;
    MPI_Datatype type;
};

/* The CUDA operations staging needs; tests replace them with host stand-ins (comm_stage_set_ops). */
static void *cuda_pinned_alloc(size_t bytes)
{
    void *p = NULL;
    cudaError_t e = cudaMallocHost(&p, bytes);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        return NULL;
    }
    return p;
}

static void cuda_pinned_free(void *p) { EXA_CUDA_CHECK(cudaFreeHost(p)); }

static void cuda_to_host(void *host, const void *dev, size_t n)
{
    EXA_CUDA_CHECK(cudaMemcpy(host, dev, n, cudaMemcpyDeviceToHost));
}

static void cuda_to_device(void *dev, const void *host, size_t n)
{
    EXA_CUDA_CHECK(cudaMemcpy(dev, host, n, cudaMemcpyHostToDevice));
}

static const struct comm_stage_ops cuda_ops = {
    .pinned_alloc = cuda_pinned_alloc,
    .pinned_free = cuda_pinned_free,
    .to_host = cuda_to_host,
    .to_device = cuda_to_device,
};
static const struct comm_stage_ops *ops = &cuda_ops;

void comm_stage_set_ops(const struct comm_stage_ops *o) { ops = o ? o : &cuda_ops; }

static int active;
static struct staged_buf bufs[MAX_STAGED];
static int nbufs;
static struct pending_recv *pend;
static size_t npend, pend_cap, pend_cursor;

void comm_stage_enable(int on) { active = on; }
int comm_stage_enabled(void) { return active; }

int comm_stage_register(void *dev, size_t bytes)
{
    if (nbufs == MAX_STAGED)
        return -1;
    void *host = ops->pinned_alloc(bytes);
    if (!host)
        return -1;
    memset(host, 0, bytes);
    bufs[nbufs++] = (struct staged_buf){.dev = dev, .host = host, .bytes = bytes};
    return 0;
}

void comm_stage_unregister(void *dev)
{
    for (int i = 0; i < nbufs; i++) {
        if (bufs[i].dev == dev) {
            ops->pinned_free(bufs[i].host);
            bufs[i] = bufs[--nbufs];
            return;
        }
    }
}

/* The mirror address of p when p lies in a registered device buffer and staging is on. */
static char *mirror(const void *p)
{
    if (!active || !p || p == MPI_IN_PLACE)
        return NULL;
    uintptr_t a = (uintptr_t)p;
    for (int i = 0; i < nbufs; i++) {
        uintptr_t lo = (uintptr_t)bufs[i].dev;
        if (a >= lo && a < lo + bufs[i].bytes)
            return bufs[i].host + (a - lo);
    }
    return NULL;
}

static size_t type_bytes(int count, MPI_Datatype type)
{
    int size = 0;
    PMPI_Type_size(type, &size);
    return count > 0 && size > 0 ? (size_t)count * (size_t)size : 0;
}

static int comm_size(MPI_Comm comm)
{
    int n = 1;
    PMPI_Comm_size(comm, &n);
    return n;
}

static void out_of_device(char *host, const void *dev, size_t n)
{
    if (n)
        ops->to_host(host, dev, n);
}

static void into_device(void *dev, const char *host, size_t n)
{
    if (n)
        ops->to_device(dev, host, n);
}

/* A send buffer as MPI should see it: the mirror, filled from the device, or p itself. */
static const void *send_view(const void *p, size_t n)
{
    char *h = mirror(p);
    if (!h)
        return p;
    out_of_device(h, p, n);
    return h;
}

static void *recv_view(void *p)
{
    char *h = mirror(p);
    return h ? h : p;
}

static void recv_done(void *p, const void *view, size_t n)
{
    if (view != p)
        into_device(p, view, n);
}

/* ---- point to point ---- */

int MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    if (!active)
        return PMPI_Send(buf, count, type, dest, tag, comm);
    return PMPI_Send(send_view(buf, type_bytes(count, type)), count, type, dest, tag, comm);
}

int MPI_Isend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
              MPI_Request *req)
{
    if (!active)
        return PMPI_Isend(buf, count, type, dest, tag, comm, req);
    return PMPI_Isend(send_view(buf, type_bytes(count, type)), count, type, dest, tag, comm, req);
}

int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
             MPI_Status *status)
{
    char *h = mirror(buf);
    if (!h)
        return PMPI_Recv(buf, count, type, source, tag, comm, status);
    MPI_Status st;
    int rc = PMPI_Recv(h, count, type, source, tag, comm, &st);
    int got = 0;
    PMPI_Get_count(&st, type, &got);
    into_device(buf, h, type_bytes(got, type));
    if (status != MPI_STATUS_IGNORE)
        *status = st;
    return rc;
}

int MPI_Sendrecv(const void *sbuf, int scount, MPI_Datatype stype, int dest, int stag, void *rbuf,
                 int rcount, MPI_Datatype rtype, int source, int rtag, MPI_Comm comm,
                 MPI_Status *status)
{
    if (!active)
        return PMPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag,
                             comm, status);
    void *rv = recv_view(rbuf);
    MPI_Status st;
    int rc = PMPI_Sendrecv(send_view(sbuf, type_bytes(scount, stype)), scount, stype, dest, stag, rv,
                           rcount, rtype, source, rtag, comm, &st);
    if (rv != rbuf) {
        int got = 0;
        PMPI_Get_count(&st, rtype, &got);
        into_device(rbuf, rv, type_bytes(got, rtype));
    }
    if (status != MPI_STATUS_IGNORE)
        *status = st;
    return rc;
}

int MPI_Irecv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
              MPI_Request *req)
{
    char *h = mirror(buf);
    if (!h)
        return PMPI_Irecv(buf, count, type, source, tag, comm, req);
    int rc = PMPI_Irecv(h, count, type, source, tag, comm, req);
    if (npend == pend_cap) {
        size_t cap = pend_cap ? 2 * pend_cap : 128;
        struct pending_recv *p = realloc(pend, cap * sizeof *p);
        if (!p)
            exa_fatal(EXA_EXIT_FAILED, "out of memory for staged receives");
        pend = p;
        pend_cap = cap;
    }
    pend[npend++] = (struct pending_recv){.req = *req, .dev = buf, .host = h, .type = type};
    return rc;
}

/* After request r completed with status st: copy a staged receive to the device. Requests are
 * usually completed in the order they were posted, so the search starts after the last match. */
static void complete(MPI_Request r, const MPI_Status *st)
{
    if (npend == 0 || r == MPI_REQUEST_NULL)
        return;
    for (size_t k = 0; k < npend; k++) {
        size_t i = (pend_cursor + k) % npend;
        if (pend[i].req != r)
            continue;
        int got = 0;
        PMPI_Get_count(st, pend[i].type, &got);
        into_device(pend[i].dev, pend[i].host, type_bytes(got, pend[i].type));
        pend[i] = pend[--npend];
        pend_cursor = npend ? i % npend : 0;
        return;
    }
}

int MPI_Wait(MPI_Request *req, MPI_Status *status)
{
    if (npend == 0)
        return PMPI_Wait(req, status);
    MPI_Request r = *req;
    MPI_Status st;
    int rc = PMPI_Wait(req, &st);
    complete(r, &st);
    if (status != MPI_STATUS_IGNORE)
        *status = st;
    return rc;
}

int MPI_Waitall(int count, MPI_Request reqs[], MPI_Status statuses[])
{
    if (npend == 0 || count <= 0)
        return PMPI_Waitall(count, reqs, statuses);
    MPI_Request *saved = malloc((size_t)count * sizeof *saved);
    MPI_Status *st = statuses == MPI_STATUSES_IGNORE ? malloc((size_t)count * sizeof *st) : statuses;
    if (!saved || !st)
        exa_fatal(EXA_EXIT_FAILED, "out of memory for %d staged requests", count);
    memcpy(saved, reqs, (size_t)count * sizeof *saved);
    int rc = PMPI_Waitall(count, reqs, st);
    for (int i = 0; i < count; i++)
        complete(saved[i], &st[i]);
    free(saved);
    if (st != statuses)
        free(st);
    return rc;
}

/* ---- collectives ---- */

int MPI_Allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
    if (!active)
        return PMPI_Allreduce(sbuf, rbuf, count, type, op, comm);
    size_t n = type_bytes(count, type);
    void *rv = recv_view(rbuf);
    if (sbuf == MPI_IN_PLACE && rv != rbuf)
        out_of_device(rv, rbuf, n);
    int rc = PMPI_Allreduce(send_view(sbuf, n), rv, count, type, op, comm);
    recv_done(rbuf, rv, n);
    return rc;
}

int MPI_Reduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int root,
               MPI_Comm comm)
{
    if (!active)
        return PMPI_Reduce(sbuf, rbuf, count, type, op, root, comm);
    size_t n = type_bytes(count, type);
    int me;
    PMPI_Comm_rank(comm, &me);
    void *rv = me == root ? recv_view(rbuf) : rbuf;
    if (sbuf == MPI_IN_PLACE && rv != rbuf)
        out_of_device(rv, rbuf, n);
    int rc = PMPI_Reduce(send_view(sbuf, n), rv, count, type, op, root, comm);
    if (me == root)
        recv_done(rbuf, rv, n);
    return rc;
}

int MPI_Bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm)
{
    if (!active)
        return PMPI_Bcast(buf, count, type, root, comm);
    size_t n = type_bytes(count, type);
    int me;
    PMPI_Comm_rank(comm, &me);
    if (me == root)
        return PMPI_Bcast((void *)send_view(buf, n), count, type, root, comm);
    void *v = recv_view(buf);
    int rc = PMPI_Bcast(v, count, type, root, comm);
    recv_done(buf, v, n);
    return rc;
}

int MPI_Allgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount,
                  MPI_Datatype rtype, MPI_Comm comm)
{
    if (!active)
        return PMPI_Allgather(sbuf, scount, stype, rbuf, rcount, rtype, comm);
    size_t rn = type_bytes(rcount, rtype) * (size_t)comm_size(comm);
    void *rv = recv_view(rbuf);
    if (sbuf == MPI_IN_PLACE && rv != rbuf)
        out_of_device(rv, rbuf, rn);
    int rc = PMPI_Allgather(send_view(sbuf, type_bytes(scount, stype)), scount, stype, rv, rcount,
                            rtype, comm);
    recv_done(rbuf, rv, rn);
    return rc;
}

int MPI_Alltoall(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount,
                 MPI_Datatype rtype, MPI_Comm comm)
{
    if (!active)
        return PMPI_Alltoall(sbuf, scount, stype, rbuf, rcount, rtype, comm);
    size_t p = (size_t)comm_size(comm), rn = type_bytes(rcount, rtype) * p;
    void *rv = recv_view(rbuf);
    if (sbuf == MPI_IN_PLACE && rv != rbuf)
        out_of_device(rv, rbuf, rn);
    int rc = PMPI_Alltoall(send_view(sbuf, type_bytes(scount, stype) * p), scount, stype, rv,
                           rcount, rtype, comm);
    recv_done(rbuf, rv, rn);
    return rc;
}

int MPI_Reduce_scatter_block(const void *sbuf, void *rbuf, int rcount, MPI_Datatype type, MPI_Op op,
                             MPI_Comm comm)
{
    if (!active)
        return PMPI_Reduce_scatter_block(sbuf, rbuf, rcount, type, op, comm);
    size_t rn = type_bytes(rcount, type), sn = rn * (size_t)comm_size(comm);
    void *rv = recv_view(rbuf);
    if (sbuf == MPI_IN_PLACE && rv != rbuf)
        out_of_device(rv, rbuf, sn);   /* in place: the whole vector is in rbuf */
    int rc = PMPI_Reduce_scatter_block(send_view(sbuf, sn), rv, rcount, type, op, comm);
    recv_done(rbuf, rv, rn);
    return rc;
}
