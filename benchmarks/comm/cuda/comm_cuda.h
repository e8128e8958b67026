/* exa-comm's CUDA part (built into exa-comm with CUDA=1): device message memory for `-d cuda`,
 * run-time detection of CUDA-aware MPI, staging through pinned host memory when MPI is not
 * CUDA-aware, and the cudaMemcpy copy tests. */
#ifndef COMM_CUDA_H
#define COMM_CUDA_H

#include <jansson.h>
#include <stddef.h>
#include "../comm.h"

/* `-d cuda`: message buffers in the memory of the rank's GPU (mem_cuda.c). The first allocation
 * selects the GPU (node-local rank modulo the GPUs of the node) and decides, on every rank
 * together, whether MPI gets device pointers (CUDA-aware MPI) or pinned host mirrors (staged). */
extern const struct comm_mem comm_mem_cuda;

/* The record's description of the device memory run: GPU, CUDA-aware or staged and how that was
 * found. A new object; call on rank 0 after the buffers were allocated. */
json_t *comm_cuda_describe(void);

/* Copy tests (copy_test.c): cudaMemcpyAsync + stream synchronise per iteration on the GPU of rank
 * --pair A (default 0), with pinned host memory; bandwidth counts the bytes copied once. */
extern const struct comm_test comm_test_copy_d2d, comm_test_copy_h2d, comm_test_copy_d2h;

/* ---- staging (mpi_stage.c) ---- */
/* Turns staging of registered device buffers on or off (off: every MPI call passes through). */
void comm_stage_enable(int on);
int comm_stage_enabled(void);
/* Registers a device buffer: allocates its pinned host mirror. Returns 0, or -1 (no memory). */
int comm_stage_register(void *dev, size_t bytes);
void comm_stage_unregister(void *dev);

/* What staging does with device memory: cudaMallocHost/cudaFreeHost for the mirrors and cudaMemcpy
 * both ways. tests/cuda/stage_tool.c replaces them (NULL restores CUDA) to test the staging of
 * every wrapped MPI call on machines without a GPU. */
struct comm_stage_ops {
    void *(*pinned_alloc)(size_t bytes);
    void (*pinned_free)(void *p);
    void (*to_host)(void *host, const void *dev, size_t n);
    void (*to_device)(void *dev, const void *host, size_t n);
};
void comm_stage_set_ops(const struct comm_stage_ops *ops);

#endif
