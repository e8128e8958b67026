# benchmarks/common/cuda: the CUDA helpers every GPU variant uses (checked calls, the no-device
# rule, one GPU per rank): exa-stream-cuda, exa-hpl-cuda and exa-comm's CUDA back end link
# EXA_CUDA_SRCS. Compiled only when a CUDA=1 program needs it.
EXA_CUDA_SRCS := benchmarks/common/cuda/exa_cuda.c benchmarks/common/cuda/exa_cuda_aware.c

$(OBJ)/benchmarks/common/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS)
