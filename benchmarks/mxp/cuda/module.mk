# benchmarks/mxp/cuda: exa-mxp-cuda (CUDA=1 only): exa-mxp's sources (MXP_SRCS) with the GPU GEMM
# and a main that registers fp16 and bf16. The CUDA helpers are benchmarks/common/cuda's.
$(OBJ)/benchmarks/mxp/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS) -Ibenchmarks/hpl

$(eval $(call cuda_program,exa-mxp-cuda,benchmarks/mxp/cuda/main_cuda.c $(EXA_CUDA_SRCS) $(MXP_SRCS),benchmarks/mxp/cuda/mxp_gemm.cu))
