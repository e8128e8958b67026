/* exa-mxp-cuda: exa-mxp with the update GEMM on the rank's GPU (cuBLAS, see mxp_cuda.h). Adds the
 * precisions fp16 and bf16 (GEMM inputs rounded to them, FP32 accumulation and storage) and moves
 * fp32's GEMM to the GPU; the rest of the factorisation and the FP64 refinement stay on the host.
 * Without a GPU it exits 2 with "no CUDA device" once the options are read (--help works). */
#include <stdlib.h>
#include <string.h>

#include "../mxp_driver.h"
#include "exa_cuda.h"
#include "mxp_cuda.h"

static void gemm_fp32(int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                      int ldc)
{
    mxp_gpu_gemm_sub(MXP_GPU_FP32, m, n, k, a, lda, b, ldb, c, ldc);
}

static void gemm_fp16(int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                      int ldc)
{
    mxp_gpu_gemm_sub(MXP_GPU_FP16, m, n, k, a, lda, b, ldb, c, ldc);
}

static void gemm_bf16(int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                      int ldc)
{
    mxp_gpu_gemm_sub(MXP_GPU_BF16, m, n, k, a, lda, b, ldb, c, ldc);
}

static struct mxp_precision gpu_fp32, gpu_fp16, gpu_bf16;

/* The CPU fp32 table (FP32 storage, trsm and preconditioner on the host) with the GPU's GEMM. */
static void register_precisions(void)
{
    const struct mxp_precision *cpu = mxp_precision_find("fp32");
    gpu_fp32 = *cpu;
    gpu_fp32.gemm_sub = gemm_fp32;
    gpu_fp16 = *cpu;
    gpu_fp16.name = "fp16";
    gpu_fp16.unit_roundoff = 0x1p-11;
    gpu_fp16.gemm_sub = gemm_fp16;
    gpu_bf16 = *cpu;
    gpu_bf16.name = "bf16";
    gpu_bf16.unit_roundoff = 0x1p-8;
    gpu_bf16.gemm_sub = gemm_bf16;
    mxp_precision_register(&gpu_fp32);
    mxp_precision_register(&gpu_fp16);
    mxp_precision_register(&gpu_bf16);
}

static void select_device(void)
{
    static struct exa_cuda_device dev;
    exa_cuda_select(&dev);
    mxp_gpu_init();
    atexit(mxp_gpu_finalize);
}

int main(int argc, char **argv)
{
    return mxp_main(argc, argv, "cuda", register_precisions, select_device);
}
