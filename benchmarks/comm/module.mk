# benchmarks/comm: exa-comm, interconnect microbenchmarks (OSU-style tests and allpairs).
# COMM_DRIVER_SRCS is every exa-comm source but a main: main_cpu.c makes the CPU exa-comm; with
# CUDA=1, benchmarks/comm/cuda builds exa-comm from cuda/main_cuda.c and the CUDA back end instead.
COMM_DRIVER_SRCS := $(addprefix benchmarks/comm/,comm_main.c options.c driver.c output.c buffer.c \
                      watchdog.c tests.c pt2pt.c collectives.c allpairs.c tournament.c slowpairs.c \
                      apnodes.c apnodes_json.c)
ifneq ($(CUDA),1)
$(eval $(call program,exa-comm,benchmarks/comm/main_cpu.c $(COMM_DRIVER_SRCS),-lpthread $(CRYPTO_LIBS)))
endif
