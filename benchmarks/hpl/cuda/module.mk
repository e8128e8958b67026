# benchmarks/hpl/cuda: the cuBLAS update engine of exa-hpl (CUDA=1 only). engine_cublas.c plugs
# into exa-hpl's struct hpl_engine; tests/cuda builds a tool that checks it against CBLAS and
# measures the cuBLAS DGEMM reference for bench/cuda.sh.
HPL_CUDA_SRCS := benchmarks/hpl/cuda/engine_cublas.c

$(OBJ)/benchmarks/hpl/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS) -Ibenchmarks/stream/cuda

# exa-hpl-cuda: exa-hpl's own sources with this engine and main_cuda.c. It needs exa-hpl's main as
# hpl_main(argc, argv, engine, hooks) (declared in benchmarks/hpl/hpl_driver.h, with HPL_SRCS then
# holding every exa-hpl source but its main); until exa-hpl has it, the program is not built.
ifneq ($(shell grep -l 'int hpl_main' benchmarks/hpl/hpl_driver.h 2>/dev/null),)
$(eval $(call cuda_program,exa-hpl-cuda,benchmarks/hpl/cuda/main_cuda.c $(HPL_SRCS) $(HPL_CUDA_SRCS) $(EXA_CUDA_SRCS),,))
endif
