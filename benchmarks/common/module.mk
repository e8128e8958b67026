# benchmarks/common: the static library every binary links (timers, stats, parsing, CLI, record,
# provenance, peaks, counters).
COMMON_SRCS := $(wildcard benchmarks/common/*.c)
COMMON_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(COMMON_SRCS))

$(COMMON_LIB): $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
