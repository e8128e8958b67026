# benchmarks/stream/cuda: exa-stream-cuda (CUDA=1 only). The driver is exa-stream's own
# (STREAM_DRIVER_SRCS from benchmarks/stream/module.mk); this folder adds the CUDA back end and a
# main. exa_cuda.[ch] are the CUDA helpers (checked calls, no-device rule, one GPU per rank) that
# the comm and hpl GPU variants use too.
EXA_CUDA_SRCS := benchmarks/stream/cuda/exa_cuda.c

$(OBJ)/benchmarks/stream/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS)

$(eval $(call cuda_program,exa-stream-cuda,benchmarks/stream/cuda/main_cuda.c $(EXA_CUDA_SRCS) $(STREAM_DRIVER_SRCS),benchmarks/stream/cuda/backend_cuda.cu))
