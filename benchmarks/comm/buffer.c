/* Message buffers and data patterns.
 *
 * Buffers come from a `struct comm_mem` back end: host memory (page-aligned, touched once so that
 * page faults stay out of the timed loops) is the only one built today; a device back end (for
 * `-d cuda`) supplies alloc/release and host<->device copies, and the patterns below are then
 * written and checked through the host staging buffer `c->stage`.
 *
 * The pattern of byte i sent by rank r in iteration t mixes all three, so that a stale message
 * (wrong t), a misrouted one (wrong r) or a shifted one (wrong i) is caught. */
#include "comm.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build_info.h"

static void *host_alloc(size_t bytes)
{
    void *p = NULL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (posix_memalign(&p, page > 0 ? page : 4096, bytes ? bytes : 1) != 0)
        return NULL;
    memset(p, 0, bytes);
    return p;
}

static void host_release(void *p) { free(p); }

static void host_copy(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }

const struct comm_mem comm_mem_host = {
    .name = "host",
    .host_accessible = 1,
    .alloc = host_alloc,
    .release = host_release,
    .to_device = host_copy,
    .to_host = host_copy,
};

/* The memory kinds of this build, for -d. A device back end defines its own struct comm_mem
 * (host_accessible = 0; alloc/release with the device API; to_device/to_host as copies) in a file
 * of its own and is returned here: `-d cuda` in CUDA=1 builds (benchmarks/comm/cuda/mem_cuda.c), listed in the back end
 * table that cuda/main_cuda.c installs. */
const struct comm_mem *comm_mem_find(const char *name)
{
    if (strcmp(name, comm_mem_host.name) == 0)
        return &comm_mem_host;
    const struct comm_mem *const *more = comm_get_backend()->mems;
    for (size_t i = 0; more && more[i]; i++)
        if (strcmp(name, more[i]->name) == 0)
            return more[i];
    return NULL;
}

int comm_buffers_alloc(struct comm_ctx *c, size_t send, size_t recv)
{
    c->sbuf = c->mem->alloc(send);
    c->rbuf = c->mem->alloc(recv);
    c->sbuf_bytes = send;
    c->rbuf_bytes = recv;
    if (!c->mem->host_accessible && c->opt.validate) {
        c->stage_bytes = send > recv ? send : recv;
        c->stage = malloc(c->stage_bytes ? c->stage_bytes : 1);
        if (!c->stage)
            return -1;
    }
    return c->sbuf && c->rbuf ? 0 : -1;
}

void comm_buffers_free(struct comm_ctx *c)
{
    if (c->sbuf)
        c->mem->release(c->sbuf);
    if (c->rbuf)
        c->mem->release(c->rbuf);
    free(c->stage);
    c->sbuf = c->rbuf = NULL;
    c->stage = NULL;
}

unsigned char comm_pattern_byte(long iter, int rank, size_t index)
{
    uint32_t x = (uint32_t)index * 2654435761u;
    x ^= (uint32_t)iter * 40503u + (uint32_t)rank * 0x9E3779B1u + 0x5bd1e995u;
    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    return (unsigned char)(x >> 24);
}

/* Small integers, so that sums over ranks are exact in single precision. */
float comm_pattern_float(long iter, int rank, size_t index)
{
    return (float)((index * 7u + (size_t)iter * 3u + (size_t)rank * 13u) % 251u);
}

void comm_fill(struct comm_ctx *c, void *buf, size_t n, long iter, int rank, size_t offset)
{
    unsigned char *p = c->mem->host_accessible ? buf : c->stage;
    for (size_t i = 0; i < n; i++)
        p[i] = comm_pattern_byte(iter, rank, offset + i);
    if (!c->mem->host_accessible)
        c->mem->to_device(buf, c->stage, n);
}

long comm_check(struct comm_ctx *c, const void *buf, size_t n, long iter, int rank, size_t offset)
{
    const unsigned char *p = buf;
    long bad = 0;
    if (!c->mem->host_accessible) {
        c->mem->to_host(c->stage, buf, n);
        p = c->stage;
    }
    for (size_t i = 0; i < n; i++)
        bad += p[i] != comm_pattern_byte(iter, rank, offset + i);
    return bad;
}

void comm_fill_floats(struct comm_ctx *c, void *buf, size_t count, long iter, int rank, size_t first)
{
    float *p = c->mem->host_accessible ? buf : (void *)c->stage;
    for (size_t i = 0; i < count; i++)
        p[i] = comm_pattern_float(iter, rank, first + i);
    if (!c->mem->host_accessible)
        c->mem->to_device(buf, c->stage, count * sizeof(float));
}

long comm_check_float_sum(struct comm_ctx *c, const void *buf, size_t count, long iter, int nranks,
                          size_t first)
{
    const unsigned char *p = buf;
    long bad = 0;
    if (!c->mem->host_accessible) {
        c->mem->to_host(c->stage, buf, count * sizeof(float));
        p = c->stage;
    }
    for (size_t i = 0; i < count; i++) {
        float want = 0;
        unsigned char w[sizeof(float)];
        for (int r = 0; r < nranks; r++)
            want += comm_pattern_float(iter, r, first + i);
        memcpy(w, &want, sizeof w);
        for (size_t b = 0; b < sizeof w; b++) /* every received byte */
            bad += p[i * sizeof w + b] != w[b];
    }
    return bad;
}

void comm_maybe_corrupt(struct comm_ctx *c, void *buf, size_t n, long iter)
{
    /* One flipped byte in the middle of the first iteration's message (a warm-up one when there is
     * warm-up: validation covers warm-up iterations too). */
    if (!c->corrupt_hook || iter != 0 || n == 0)
        return;
    unsigned char x;
    if (c->mem->host_accessible) {
        ((unsigned char *)buf)[n / 2] ^= 0x5a;
        return;
    }
    c->mem->to_host(&x, (unsigned char *)buf + n / 2, 1);
    x ^= 0x5a;
    c->mem->to_device((unsigned char *)buf + n / 2, &x, 1);
}
