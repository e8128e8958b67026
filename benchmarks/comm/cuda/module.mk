# benchmarks/comm/cuda: with CUDA=1, exa-comm itself gains `-d cuda` (device message buffers,
# CUDA-aware MPI or staging through pinned host memory) and the copy_d2d/h2d/d2h tests. These
# objects are added to exa-comm's link (and the CUDA libraries to its libraries) from here, so
# benchmarks/comm/module.mk stays CUDA-free. Needs benchmarks/stream/cuda/module.mk (EXA_CUDA_SRCS)
# included first, which the MODULES order guarantees.
COMM_CUDA_SRCS := benchmarks/comm/cuda/mem_cuda.c benchmarks/comm/cuda/mpi_stage.c \
                  benchmarks/comm/cuda/copy_test.c

$(OBJ)/benchmarks/comm/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS) -Ibenchmarks/stream/cuda

ifeq ($(CUDA),1)
$(BIN)/exa-comm: $(patsubst %.c,$(OBJ)/%.o,$(COMM_CUDA_SRCS) $(EXA_CUDA_SRCS))
$(BIN)/exa-comm: BASE_LIBS += $(CUDA_LIBS)
endif
