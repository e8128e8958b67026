# benchmarks/comm/cuda: with CUDA=1, exa-comm is built from cuda/main_cuda.c, which hands the
# driver the CUDA back end: `-d cuda` (device message buffers, CUDA-aware MPI or staging through
# pinned host memory) and the copy_d2d/h2d/d2h tests. Same name, same options as the CPU exa-comm.
COMM_CUDA_SRCS := benchmarks/comm/cuda/mem_cuda.c benchmarks/comm/cuda/mpi_stage.c \
                  benchmarks/comm/cuda/copy_test.c

$(OBJ)/benchmarks/comm/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS)

$(eval $(call cuda_program,exa-comm,benchmarks/comm/cuda/main_cuda.c $(COMM_DRIVER_SRCS) $(COMM_CUDA_SRCS) $(EXA_CUDA_SRCS),,-lpthread $(CRYPTO_LIBS)))
