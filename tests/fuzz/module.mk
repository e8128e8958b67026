# tests/fuzz: libFuzzer targets, one per input parser (see tests/fuzz/README.md).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="suite record"]   build, then fuzz each target in turn
#   make fuzz-build                                              build the targets only
#
# The targets are built with clang-14 (FUZZ_CC) and -fsanitize=fuzzer,address,undefined into
# FUZZ_BUILD (build/fuzz: one folder whatever BUILD is, so the corpus test of every build reuses
# it). Without that compiler nothing here is built and `make fuzz` says it skipped. The project's
# sources are found by name wherever they live (harness/*.c or harness/ROOM/*.c), so the targets
# follow files that move between folders.
FUZZ_CC      ?= clang-14
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= suite hpl_dat record manifest submission accept tolerance import
# The compiler and its libFuzzer runtime (libfuzzer-14-dev), looked for without compiling anything.
FUZZ_HAVE_CC := $(shell command -v $(FUZZ_CC) >/dev/null 2>&1 && \
                  test -f "$$($(FUZZ_CC) --print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer-x86_64.a" && echo yes)

FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# Every folder of harness/ and benchmarks/ that holds a header, so includes resolve after moves.
FUZZ_INC  := $(addprefix -I,$(sort $(patsubst %/,%,$(dir $(wildcard harness/*.h harness/*/*.h \
             benchmarks/common/*.h benchmarks/*/*.h benchmarks/*/*/*.h)))))
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fopenmp -D_GNU_SOURCE -I$(FUZZ_BUILD)/gen -Itests/fuzz $(FUZZ_INC) \
               $(MPI_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(PAPI_CFLAGS) $(YAML_CFLAGS) $(SQLITE_CFLAGS) \
               $(CRYPTO_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               -DFUZZ_DATA_DIR='"$(abspath tests/fuzz/data)"'
FUZZ_LIBS := $(YAML_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS) $(JSON_LIBS) $(MPI_LIBS) $(BLAS_LIBS) $(PAPI_LIBS) -lm
# rd_load's jansson arena is kept off, and the commands' exits on bad input are caught (fuzz.h).
FUZZ_WRAP := -Wl,--wrap=exa_input_error,--wrap=exa_usage_error,--wrap=rd_arena_enable

# The code under test: the common library, every harness file but main(), and the HPL.dat reader.
# The linker takes from the archive only what a target needs.
FUZZ_LIB_SRCS := $(wildcard benchmarks/common/*.c) \
                 $(filter-out %/main.c,$(wildcard harness/*.c harness/*/*.c)) \
                 $(firstword $(wildcard benchmarks/hpl/hpl_dat.c benchmarks/*/hpl_dat.c benchmarks/*/*/hpl_dat.c))
FUZZ_LIB  := $(FUZZ_BUILD)/lib/libexafuzz.a
FUZZ_BINS := $(foreach t,$(FUZZ_TARGETS),$(FUZZ_BUILD)/bin/fuzz_$(t))

.PHONY: fuzz fuzz-build
ifeq ($(FUZZ_HAVE_CC),yes)
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) --bin $(FUZZ_BUILD)/bin $(FUZZ_TARGETS)

$(FUZZ_BUILD)/obj/%.o: %.c | $(FUZZ_BUILD)/gen/build_info.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_LIB_SRCS))
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/bin/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_util.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -fopenmp -o $@ $(filter %.o,$^) $(FUZZ_LIB) $(FUZZ_WRAP) $(FUZZ_LIBS)

$(FUZZ_BUILD)/gen/build_info.h: FORCE
	@mkdir -p $(@D)
	@printf '$(BUILD_INFO)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
else
fuzz fuzz-build:
	@echo "fuzz: skipped: $(FUZZ_CC) or its libFuzzer not found (install clang-14 and libfuzzer-14-dev, or set FUZZ_CC)"
endif
