/* exa-mxp-cuda: the GPU GEMM of the factorisation (mxp_gemm.cu). The trailing matrix stays in FP32
 * (host memory, as the CPU build keeps it); each update's panels are rounded to the GEMM's input
 * type on the device and multiplied by cublasGemmEx with FP32 accumulation, as HPL-MxP's reference
 * does. Host-staged: every update copies its panels and its block of C over the host link. */
#ifndef EXA_MXP_CUDA_H
#define EXA_MXP_CUDA_H

#ifdef __cplusplus
extern "C" {
#endif

enum mxp_gpu_input { MXP_GPU_FP32, MXP_GPU_FP16, MXP_GPU_BF16 };

/* Creates the cuBLAS handle on the selected device. */
void mxp_gpu_init(void);
void mxp_gpu_finalize(void);
/* C(m x n) -= A(m x k) B(k x n), all FP32 column-major host arrays; A and B rounded to `input`. */
void mxp_gpu_gemm_sub(enum mxp_gpu_input input, int m, int n, int k, const float *a, int lda,
                      const float *b, int ldb, float *c, int ldc);

#ifdef __cplusplus
}
#endif

#endif
