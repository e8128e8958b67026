/* exa-comm's copy tests: the bandwidth of cudaMemcpy between the memories of one node, the
 * reference point for the -d cuda message tests and for exa-stream-cuda.
 *   copy_d2d  device -> device (the same GPU)
 *   copy_h2d  pinned host -> device
 *   copy_d2h  device -> pinned host
 * Rank --pair A (default 0) copies on its GPU; the other ranks only take part in the driver's
 * barriers. One iteration is cudaMemcpyAsync on a stream of its own followed by
 * cudaStreamSynchronize, so every timed copy is complete. Bandwidth counts the bytes copied once
 * (a device-to-device copy reads and writes them, moving twice as many through device memory).
 * Buffers are allocated per size outside the timed loop; --validate checks every byte of the
 * destination after the last iteration against the source's pattern. The GPU is chosen as for
 * -d cuda (node-local rank modulo the node's GPUs), whatever -d says. */
#include "comm_cuda.h"

#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_cuda.h"
#include "exa_record.h"

#define TAG_GPU_JSON 7401

enum copy_kind { COPY_D2D, COPY_H2D, COPY_D2H };

static struct {
    int ready;
    struct exa_cuda_device dev;
    /* the size being run */
    void *src, *dst;
    size_t bytes;
    enum cudaMemcpyKind kind;
    cudaStream_t stream;
} cp;

/* Collective (run_size runs on every rank): select the GPU and put the copying rank's GPU in the
 * record (rank 0 holds the record). */
static void init_once(struct comm_ctx *c)
{
    if (cp.ready)
        return;
    cp.ready = 1;
    exa_cuda_select(&cp.dev);
    int who = c->opt.pair[0];
    char *text = NULL;
    if (c->rank == who) {
        json_t *g = exa_cuda_device_json(&cp.dev);
        json_object_set_new(g, "rank", json_integer(who));
        text = json_dumps(g, JSON_COMPACT);
        json_decref(g);
        if (!text)
            exa_fatal(EXA_EXIT_FAILED, "out of memory");
    }
    if (who != 0) {
        int len = text ? (int)strlen(text) + 1 : 0;
        if (c->rank == who) {
            MPI_Send(&len, 1, MPI_INT, 0, TAG_GPU_JSON, c->comm);
            MPI_Send(text, len, MPI_CHAR, 0, TAG_GPU_JSON, c->comm);
        } else if (c->rank == 0) {
            MPI_Recv(&len, 1, MPI_INT, who, TAG_GPU_JSON, c->comm, MPI_STATUS_IGNORE);
            text = malloc((size_t)len);
            if (!text)
                exa_fatal(EXA_EXIT_FAILED, "out of memory");
            MPI_Recv(text, len, MPI_CHAR, who, TAG_GPU_JSON, c->comm, MPI_STATUS_IGNORE);
        }
    }
    if (c->rank == 0 && c->rec) {
        json_t *g = json_loads(text, 0, NULL);
        json_t *o = json_object();
        json_object_set_new(o, "gpu", g ? g : json_null());
        json_object_set_new(o, "copy", json_string("cudaMemcpyAsync + cudaStreamSynchronize, "
                                                   "pinned host memory, bytes counted once"));
        json_object_set_new(exa_record_parameters(c->rec), "cuda", o);
    }
    free(text);
}

static void no_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    (void)c;
    (void)bytes;
    *send = *recv = 0;   /* the copy tests allocate their own device and pinned buffers */
}

static void copy_iter(struct comm_ctx *c, struct comm_size *s, long it)
{
    (void)c;
    (void)s;
    (void)it;
    EXA_CUDA_CHECK(cudaMemcpyAsync(cp.dst, cp.src, cp.bytes, cp.kind, cp.stream));
    EXA_CUDA_CHECK(cudaStreamSynchronize(cp.stream));
}

static void *device_buffer(size_t bytes)
{
    void *p = NULL;
    EXA_CUDA_CHECK(cudaMalloc(&p, bytes));
    return p;
}

static void *pinned_buffer(size_t bytes)
{
    void *p = NULL;
    EXA_CUDA_CHECK(cudaMallocHost(&p, bytes));
    return p;
}

static int copy_run(struct comm_ctx *c, struct comm_size *s, enum copy_kind kind, const char *what)
{
    init_once(c);
    if (c->rank != c->opt.pair[0])
        return 0;
    s->measured = 1;
    s->bytes_per_iter = (double)s->bytes;
    s->msgs_per_iter = 1;
    cp.bytes = s->bytes;
    int src_dev = kind != COPY_H2D, dst_dev = kind != COPY_D2H;
    cp.kind = kind == COPY_D2D ? cudaMemcpyDeviceToDevice
            : kind == COPY_H2D ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;
    cp.src = src_dev ? device_buffer(s->bytes) : pinned_buffer(s->bytes);
    cp.dst = dst_dev ? device_buffer(s->bytes) : pinned_buffer(s->bytes);
    unsigned char *host = pinned_buffer(s->bytes);   /* pattern in, result out */
    EXA_CUDA_CHECK(cudaStreamCreateWithFlags(&cp.stream, cudaStreamNonBlocking));

    for (size_t i = 0; i < s->bytes; i++)
        host[i] = comm_pattern_byte(0, c->rank, i);
    EXA_CUDA_CHECK(cudaMemcpy(cp.src, host, s->bytes, cudaMemcpyDefault));
    if (dst_dev)
        EXA_CUDA_CHECK(cudaMemset(cp.dst, 0, s->bytes));
    else
        memset(cp.dst, 0, s->bytes);

    comm_progress_set(what, s->bytes, COMM_PEER_NONE);
    comm_timed_loop(c, s, copy_iter);

    if (c->opt.validate) {
        EXA_CUDA_CHECK(cudaMemcpy(host, cp.dst, s->bytes, cudaMemcpyDefault));
        for (size_t i = 0; i < s->bytes; i++)
            s->errors += host[i] != comm_pattern_byte(0, c->rank, i);
    }
    EXA_CUDA_CHECK(cudaStreamDestroy(cp.stream));
    EXA_CUDA_CHECK(cudaFreeHost(host));
    if (src_dev)
        EXA_CUDA_CHECK(cudaFree(cp.src));
    else
        EXA_CUDA_CHECK(cudaFreeHost(cp.src));
    if (dst_dev)
        EXA_CUDA_CHECK(cudaFree(cp.dst));
    else
        EXA_CUDA_CHECK(cudaFreeHost(cp.dst));
    cp.src = cp.dst = NULL;
    return 0;
}

static int d2d_run(struct comm_ctx *c, struct comm_size *s)
{
    return copy_run(c, s, COPY_D2D, "cudaMemcpy device to device");
}

static int h2d_run(struct comm_ctx *c, struct comm_size *s)
{
    return copy_run(c, s, COPY_H2D, "cudaMemcpy host to device");
}

static int d2h_run(struct comm_ctx *c, struct comm_size *s)
{
    return copy_run(c, s, COPY_D2H, "cudaMemcpy device to host");
}

#define COPY_TEST(NAME, DESCRIPTION, RUN)                                                       \
    {                                                                                          \
        .name = NAME, .description = DESCRIPTION, .kind = COMM_BANDWIDTH, .min_ranks = 2,      \
        .uses_pair = 1, .has_sizes = 1, .elem = 1, .default_range = "4K:256M:x4",              \
        .iters_small = 1000, .warmup_small = 10, .iters_large = 100, .warmup_large = 2,        \
        .buffer_bytes = no_buffers, .run_size = RUN,                                           \
    }

const struct comm_test comm_test_copy_d2d =
    COPY_TEST("copy_d2d", "cudaMemcpy device to device on rank A's GPU (CUDA builds)", d2d_run);
const struct comm_test comm_test_copy_h2d =
    COPY_TEST("copy_h2d", "cudaMemcpy pinned host to device on rank A's GPU (CUDA builds)", h2d_run);
const struct comm_test comm_test_copy_d2h =
    COPY_TEST("copy_d2h", "cudaMemcpy device to pinned host on rank A's GPU (CUDA builds)", d2h_run);
