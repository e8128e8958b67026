# Unit tests of exa-comm (benchmarks/comm): the allpairs schedule, the slow-pair detector, and the
# message sizes and loop counts exa-comm derives from -m and -i (cases in tests/data/comm/).
$(OBJ)/tests/comm/%.o: EXTRA_CFLAGS += -Ibenchmarks/comm
$(eval $(call unit_test,comm/test_tournament,tests/comm/test_tournament.c benchmarks/comm/tournament.c))
$(eval $(call unit_test,comm/test_slowpairs,tests/comm/test_slowpairs.c benchmarks/comm/slowpairs.c))
$(eval $(call unit_test,comm/test_sizes,tests/comm/test_sizes.c $(filter-out benchmarks/comm/main.c,$(COMM_SRCS)),-lpthread))
# CUDA=1: tests.c lists the copy tests of benchmarks/comm/cuda/, so link their objects as exa-comm does
ifeq ($(CUDA),1)
$(BUILD)/tests/comm/test_sizes: $(patsubst %.c,$(OBJ)/%.o,$(COMM_CUDA_SRCS) $(EXA_CUDA_SRCS))
$(BUILD)/tests/comm/test_sizes: BASE_LIBS += $(CUDA_LIBS)
endif
