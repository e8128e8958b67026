# benchmarks/comm: exa-comm, interconnect microbenchmarks (OSU-style tests and allpairs).
COMM_SRCS := $(addprefix benchmarks/comm/,main.c options.c driver.c output.c buffer.c watchdog.c \
               tests.c pt2pt.c collectives.c allpairs.c tournament.c slowpairs.c)
$(eval $(call program,exa-comm,$(COMM_SRCS),-lpthread))
