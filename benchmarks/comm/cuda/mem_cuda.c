/* exa-comm -d cuda: message buffers in GPU memory.
 *
 * Transfer mode, decided once, collectively, at the first allocation (comm_buffers_alloc runs on
 * every rank):
 *   cuda-aware  MPI is given the device pointers (the MPI library moves GPU memory itself: GPUDirect
 *               RDMA, CUDA IPC, or its own pipelined staging);
 *   staged      MPI is given host pointers: every send first copies the device bytes to a pinned
 *               host mirror of the buffer, every receive lands in the mirror and is copied to the
 *               device when it completes (mpi_stage.c). Timings then include those copies, as an
 *               application without CUDA-aware MPI would pay them.
 * CUDA-aware support is asked of the MPI library at run time: Open MPI's MPIX_Query_cuda_support()
 * (from <mpi-ext.h>; MPIX_CUDA_AWARE_SUPPORT says what the headers were built with, the query what
 * the library loaded now supports). MPIs without that query are taken as not CUDA-aware.
 * EXA_COMM_CUDA_AWARE=0 or 1 overrides the detection (e.g. 0 to measure staging on a CUDA-aware
 * MPI, 1 for an MPI that is CUDA-aware but can not say so). Staging is used when any rank needs it. */
#include "comm_cuda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif
#include "exa_cli.h"
#include "exa_cuda.h"

static struct {
    int ready;
    int aware;               /* 1: MPI gets device pointers */
    int query;               /* the library's own answer, -1 when it has no query */
    int compile_time;        /* MPIX_CUDA_AWARE_SUPPORT: 1, 0, or -1 when undefined */
    const char *method;
    struct exa_cuda_device dev;
} cm = {.query = -1, .compile_time = -1};

static void detect_cuda_aware(void)
{
#if defined(MPIX_CUDA_AWARE_SUPPORT)
    cm.compile_time = MPIX_CUDA_AWARE_SUPPORT ? 1 : 0;
#endif
#if defined(OPEN_MPI) && OPEN_MPI && defined(MPIX_CUDA_AWARE_SUPPORT)
    cm.query = MPIX_Query_cuda_support() ? 1 : 0;
    cm.aware = cm.query;
    cm.method = "MPIX_Query_cuda_support()";
#else
    cm.aware = 0;
    cm.method = "this MPI has no run-time query (MPIX_Query_cuda_support); taken as not CUDA-aware";
#endif
    const char *env = getenv("EXA_COMM_CUDA_AWARE");
    if (env && (!strcmp(env, "0") || !strcmp(env, "1"))) {
        cm.aware = env[0] == '1';
        cm.method = "EXA_COMM_CUDA_AWARE environment variable";
    } else if (env && *env) {
        exa_input_error("EXA_COMM_CUDA_AWARE='%s': expected 0 (stage through host memory) or 1 "
                        "(pass device pointers to MPI)", env);
    }
}

/* Collective: select the GPU, detect CUDA-aware MPI, agree on the mode. */
static void init_once(void)
{
    if (cm.ready)
        return;
    cm.ready = 1;
    detect_cuda_aware();   /* first: a bad EXA_COMM_CUDA_AWARE is an input error even without a GPU */
    exa_cuda_select(&cm.dev);
    MPI_Allreduce(MPI_IN_PLACE, &cm.aware, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    comm_stage_enable(!cm.aware);
}

static void *cuda_alloc(size_t bytes)
{
    void *p = NULL;
    init_once();
    cudaError_t e = cudaMalloc(&p, bytes ? bytes : 1);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        fprintf(stderr, "%s: rank %d: cudaMalloc(%zu bytes): %s\n", exa_program_name,
                exa_world_rank(), bytes, cudaGetErrorString(e));
        return NULL;
    }
    EXA_CUDA_CHECK(cudaMemset(p, 0, bytes ? bytes : 1));
    if (comm_stage_enabled() && comm_stage_register(p, bytes ? bytes : 1) != 0) {
        fprintf(stderr, "%s: rank %d: no pinned host memory for the %zu-byte staging mirror\n",
                exa_program_name, exa_world_rank(), bytes);
        EXA_CUDA_CHECK(cudaFree(p));
        return NULL;
    }
    return p;
}

static void cuda_release(void *p)
{
    if (!p)
        return;
    comm_stage_unregister(p);
    EXA_CUDA_CHECK(cudaFree(p));
}

static void cuda_to_device(void *dst, const void *src, size_t n)
{
    EXA_CUDA_CHECK(cudaMemcpy(dst, src, n, cudaMemcpyHostToDevice));
}

static void cuda_to_host(void *dst, const void *src, size_t n)
{
    EXA_CUDA_CHECK(cudaMemcpy(dst, src, n, cudaMemcpyDeviceToHost));
}

const struct comm_mem comm_mem_cuda = {
    .name = "cuda",
    .host_accessible = 0,
    .alloc = cuda_alloc,
    .release = cuda_release,
    .to_device = cuda_to_device,
    .to_host = cuda_to_host,
};

json_t *comm_cuda_describe(void)
{
    json_t *o = json_object();
    if (!cm.ready)
        return o;
    json_object_set_new(o, "gpu", (json_t *)exa_cuda_device_json(&cm.dev));
    json_object_set_new(o, "transfer", json_string(cm.aware ? "cuda-aware" : "staged"));
    json_object_set_new(o, "transfer_description",
                        json_string(cm.aware ? "device pointers passed to a CUDA-aware MPI"
                                             : "staged through pinned host memory (cudaMemcpy "
                                               "before each send and after each receive)"));
    json_object_set_new(o, "mpi_cuda_aware_query",
                        cm.query < 0 ? json_null() : json_boolean(cm.query));
    json_object_set_new(o, "mpi_cuda_aware_compile_time",
                        cm.compile_time < 0 ? json_null() : json_boolean(cm.compile_time));
    json_object_set_new(o, "detection", json_string(cm.method));
    return o;
}
