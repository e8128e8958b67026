/* exa-stream-cuda's back end (backend_cuda.cu): the five kernels on device arrays. */
#ifndef STREAM_CUDA_H
#define STREAM_CUDA_H

#include "../stream_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const struct stream_backend stream_backend_cuda;

/* Threads per block of the streaming kernels when --threads is not given, and the largest allowed. */
#define STREAM_CUDA_DEFAULT_TPB 1024
#define STREAM_CUDA_MAX_TPB 1024
/* Threads per block of the Dot reduction (a power of two) and blocks per multiprocessor. */
#define STREAM_CUDA_DOT_TPB 256
#define STREAM_CUDA_DOT_BLOCKS_PER_SM 4

#ifdef __cplusplus
}
#endif

#endif
