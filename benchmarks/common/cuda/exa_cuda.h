/* CUDA helpers shared by the GPU variants (exa-stream-cuda, exa-comm -d cuda, exa-hpl-cuda):
 * checked CUDA and cuBLAS calls, the "no CUDA device" rule, and one GPU per rank.
 *
 * Every CUDA runtime or cuBLAS call goes through EXA_CUDA_CHECK / EXA_CUBLAS_CHECK, and every
 * kernel launch is followed by EXA_CUDA_CHECK_LAUNCH(): a failure prints
 *   PROG: error: FILE:LINE: CALL failed: ERROR STRING
 * and ends the job with exit status 1 (EXA_EXIT_FAILED), never a silent zero.
 *
 * No device: when cudaGetDeviceCount fails or finds no device on some rank, exa_cuda_select()
 * prints "PROG: error: no CUDA device ..." (rank 0) and every rank exits with
 * EXA_CUDA_EXIT_NO_DEVICE (2: nothing was measured), which the tests treat as a skip.
 *
 * Usable from C and from CUDA C++ (.cu) files; it declares no MPI types. */
#ifndef EXA_CUDA_H
#define EXA_CUDA_H

#include <stddef.h>
#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit status when no CUDA device can be used: the suite's "nothing was measured" code. */
#define EXA_CUDA_EXIT_NO_DEVICE 2

/* Prints "FILE:LINE: CALL failed: WHAT" as exa_fatal does and exits 1 (MPI_Abort under MPI). */
__attribute__((__noreturn__)) void exa_cuda_fail(const char *file, int line, const char *call,
                                             const char *what);

#define EXA_CUDA_CHECK(call)                                                                   \
    do {                                                                                       \
        cudaError_t exa_cuda_err_ = (call);                                                    \
        if (exa_cuda_err_ != cudaSuccess)                                                      \
            exa_cuda_fail(__FILE__, __LINE__, #call, cudaGetErrorString(exa_cuda_err_));      \
    } while (0)

/* After every kernel launch: a bad configuration shows up here, not as a silent no-op. */
#define EXA_CUDA_CHECK_LAUNCH() EXA_CUDA_CHECK(cudaGetLastError())

/* cuBLAS (include cublas_v2.h before using it). */
#define EXA_CUBLAS_CHECK(call)                                                                 \
    do {                                                                                       \
        cublasStatus_t exa_cublas_st_ = (call);                                                \
        if (exa_cublas_st_ != CUBLAS_STATUS_SUCCESS)                                           \
            exa_cuda_fail(__FILE__, __LINE__, #call, cublasGetStatusString(exa_cublas_st_));  \
    } while (0)

/* The GPU this rank uses. */
struct exa_cuda_device {
    int index;              /* CUDA device ordinal */
    int count;              /* devices this rank sees */
    int local_rank;         /* rank among the ranks of this node (MPI_COMM_TYPE_SHARED) */
    int local_size;         /* ranks on this node */
    char name[256];
    char pci_bus_id[32];
    size_t total_mem;       /* bytes */
    int sm_count;
    int cc_major, cc_minor;
    double mem_clock_khz;   /* memory clock, kHz (0 when the runtime does not say) */
    int mem_bus_width;      /* bits (0 when unknown) */
    int runtime_version, driver_version;
};

/* Devices this process sees, or -1 with the runtime's reason in err when it can not tell (no
 * driver, driver too old). Needs no MPI. */
int exa_cuda_device_count(char *err, size_t len);

/* Collective over MPI_COMM_WORLD: checks that every rank sees at least one device (otherwise the
 * "no CUDA device" exit above), then maps ranks to GPUs by node-local rank modulo the device
 * count, calls cudaSetDevice and fills dev. Warns (rank 0) when ranks of a node share a GPU. */
void exa_cuda_select(struct exa_cuda_device *dev);

/* Per-GPU facts for the record. Returns a new jansson object (json_t *), typed void * here so
 * that this header needs no jansson in CUDA C++ files. */
void *exa_cuda_device_json(const struct exa_cuda_device *dev);

#ifdef __cplusplus
}
#endif

#endif
