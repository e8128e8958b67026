# tests/cuda: the GPU variants. The .t scripts skip unless the build has CUDA=1, check the
# no-device behaviour on machines without a GPU, and run the programs for real where one is found.
# cuda_stage tests exa-comm's staging of device buffers with a host stand-in for the GPU.
$(OBJ)/tests/cuda/%.o: EXTRA_CFLAGS += $(CUDA_CFLAGS) -Ibenchmarks/comm/cuda

ifeq ($(CUDA),1)
$(eval $(call test_tool,cuda_stage,tests/cuda/stage_tool.c benchmarks/comm/cuda/mpi_stage.c $(EXA_CUDA_SRCS),$(CUDA_LIBS)))
endif

$(OBJ)/tests/cuda/%.o: EXTRA_CFLAGS += -Ibenchmarks/hpl/cuda
ifeq ($(CUDA),1)
$(eval $(call test_tool,cuda_hpl_engine,tests/cuda/hpl_engine_tool.c $(HPL_CUDA_SRCS) $(EXA_CUDA_SRCS) $(filter-out %/hpl_main.c %/hpl_run.c %/hpl_output.c %/hpl_runs.c %/hpl_options.c,$(HPL_SRCS)),$(patsubst %.cu,$(OBJ)/%.cu.o,$(HPL_CUDA_CU)) $(CUDA_LIBS) -lstdc++))
endif
