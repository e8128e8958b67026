# benchmarks/hpl/cuda: exa-hpl-cuda (CUDA=1 only): exa-hpl's sources (HPL_SRCS: all but its main)
# with the `cuda` device engine (device_cuda.c, rows.cu) and main_cuda.c, which calls
# hpl_main(argc, argv, engine, hooks) with the engine as the --engine default.
HPL_CUDA_SRCS := benchmarks/hpl/cuda/device_cuda.c
HPL_CUDA_CU := benchmarks/hpl/cuda/rows.cu

$(OBJ)/benchmarks/hpl/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS)
$(OBJ)/benchmarks/hpl/cuda/%.cu.o: NVCCFLAGS += -Ibenchmarks/hpl/cuda

$(eval $(call cuda_program,exa-hpl-cuda,benchmarks/hpl/cuda/main_cuda.c $(HPL_SRCS) $(HPL_CUDA_SRCS) $(EXA_CUDA_SRCS),$(HPL_CUDA_CU),))
