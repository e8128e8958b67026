# benchmarks/stream/cuda: exa-stream-cuda (CUDA=1 only). The driver is exa-stream's own
# (STREAM_DRIVER_SRCS from benchmarks/stream/module.mk); this folder adds the CUDA back end and a
# main. The CUDA helpers are benchmarks/common/cuda's (EXA_CUDA_SRCS).
$(OBJ)/benchmarks/stream/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS)

$(eval $(call cuda_program,exa-stream-cuda,benchmarks/stream/cuda/main_cuda.c $(EXA_CUDA_SRCS) $(STREAM_DRIVER_SRCS),benchmarks/stream/cuda/backend_cuda.cu))
