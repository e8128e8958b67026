# benchmarks/hpl/cuda: the cuBLAS update engine of exa-hpl (CUDA=1 only). engine_cublas.c plugs
# into exa-hpl's struct hpl_engine; tests/cuda builds a tool that checks it against CBLAS and
# measures the cuBLAS DGEMM reference for bench/cuda.sh.
HPL_CUDA_SRCS := benchmarks/hpl/cuda/engine_cublas.c

$(OBJ)/benchmarks/hpl/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS)

# exa-hpl-cuda: exa-hpl's own sources (HPL_SRCS: all but its main) with this engine and main_cuda.c,
# which calls hpl_main(argc, argv, engine, hooks).
$(eval $(call cuda_program,exa-hpl-cuda,benchmarks/hpl/cuda/main_cuda.c $(HPL_SRCS) $(HPL_CUDA_SRCS) $(EXA_CUDA_SRCS),,))
