/* exa-mxp-cuda: the update GEMM on the GPU (see mxp_cuda.h). Device buffers grow to the largest
 * update seen and are kept; the rounding kernels run one element per thread. */
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "exa_cuda.h"
#include "mxp_cuda.h"

static cublasHandle_t handle;
static float *d_a, *d_b, *d_c;
static void *d_a16, *d_b16;
static size_t cap_a, cap_b, cap_c;

template <typename T> __global__ void round_to(const float *src, T *dst, size_t n);

template <> __global__ void round_to<__half>(const float *src, __half *dst, size_t n)
{
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i < n)
        dst[i] = __float2half_rn(src[i]);
}

template <> __global__ void round_to<__nv_bfloat16>(const float *src, __nv_bfloat16 *dst, size_t n)
{
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i < n)
        dst[i] = __float2bfloat16_rn(src[i]);
}

static void grow(void **p, size_t *cap, size_t bytes)
{
    if (bytes <= *cap)
        return;
    if (*p)
        EXA_CUDA_CHECK(cudaFree(*p));
    EXA_CUDA_CHECK(cudaMalloc(p, bytes));
    *cap = bytes;
}

extern "C" void mxp_gpu_init(void)
{
    EXA_CUBLAS_CHECK(cublasCreate(&handle));
}

extern "C" void mxp_gpu_finalize(void)
{
    cudaFree(d_a);
    cudaFree(d_b);
    cudaFree(d_c);
    cudaFree(d_a16);
    cudaFree(d_b16);
    cublasDestroy(handle);
}

template <typename T> static void round_panel(const float *src, void *dst, size_t n)
{
    unsigned blocks = (unsigned)((n + 255) / 256);
    round_to<T><<<blocks, 256>>>(src, (T *)dst, n);
    EXA_CUDA_CHECK_LAUNCH();
}

extern "C" void mxp_gpu_gemm_sub(enum mxp_gpu_input input, int m, int n, int k, const float *a,
                                 int lda, const float *b, int ldb, float *c, int ldc)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return;
    size_t na = (size_t)m * k, nb = (size_t)k * n, nc = (size_t)m * n;
    static size_t cap_a16, cap_b16;
    grow((void **)&d_a, &cap_a, na * sizeof(float));
    grow((void **)&d_b, &cap_b, nb * sizeof(float));
    grow((void **)&d_c, &cap_c, nc * sizeof(float));
    EXA_CUDA_CHECK(cudaMemcpy2D(d_a, (size_t)m * sizeof(float), a, (size_t)lda * sizeof(float),
                                (size_t)m * sizeof(float), (size_t)k, cudaMemcpyHostToDevice));
    EXA_CUDA_CHECK(cudaMemcpy2D(d_b, (size_t)k * sizeof(float), b, (size_t)ldb * sizeof(float),
                                (size_t)k * sizeof(float), (size_t)n, cudaMemcpyHostToDevice));
    EXA_CUDA_CHECK(cudaMemcpy2D(d_c, (size_t)m * sizeof(float), c, (size_t)ldc * sizeof(float),
                                (size_t)m * sizeof(float), (size_t)n, cudaMemcpyHostToDevice));
    const float minus_one = -1.0f, one = 1.0f;
    const void *ga = d_a, *gb = d_b;
    cudaDataType_t type = CUDA_R_32F;
    if (input != MXP_GPU_FP32) {
        grow(&d_a16, &cap_a16, na * 2);
        grow(&d_b16, &cap_b16, nb * 2);
        if (input == MXP_GPU_FP16) {
            round_panel<__half>(d_a, d_a16, na);
            round_panel<__half>(d_b, d_b16, nb);
            type = CUDA_R_16F;
        } else {
            round_panel<__nv_bfloat16>(d_a, d_a16, na);
            round_panel<__nv_bfloat16>(d_b, d_b16, nb);
            type = CUDA_R_16BF;
        }
        ga = d_a16;
        gb = d_b16;
    }
    EXA_CUBLAS_CHECK(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &minus_one, ga, type, m,
                                  gb, type, k, &one, d_c, CUDA_R_32F, m, CUBLAS_COMPUTE_32F,
                                  CUBLAS_GEMM_DEFAULT));
    EXA_CUDA_CHECK(cudaMemcpy2D(c, (size_t)ldc * sizeof(float), d_c, (size_t)m * sizeof(float),
                                (size_t)m * sizeof(float), (size_t)n, cudaMemcpyDeviceToHost));
}
