# exabench: top-level build. Each benchmark, the harness and the tests describe themselves in a
# module.mk of their own; adding a benchmark is adding a folder with one and listing it in MODULES.
#
#   make [all]        build everything into build/
#   make test         install missing packages (when root), build, run the test suite
#   make run          build, run the quick suite on this machine, write a report
#   make bench        performance comparisons against physical limits and reference tools
#   make install      PREFIX=/usr/local DESTDIR= (programs, suites, manual pages)
#   make man          render the manual pages (docs/man/*.md) into build/man with pandoc
#   make deps         install (or print) the Debian packages exabench needs
#   make clean
#
# Knobs: CC, CFLAGS, LDFLAGS, PAPI=0 (build without PAPI), CUDA=1 (add the GPU variants),
# WERROR=1 (warnings are errors), SANITIZE=1 (ASan+UBSan), BUILD=dir (output folder).

MODULES := benchmarks/common benchmarks/stream benchmarks/comm benchmarks/hpl benchmarks/mxp harness \
           benchmarks/common/cuda benchmarks/stream/cuda benchmarks/comm/cuda benchmarks/hpl/cuda \
           benchmarks/mxp/cuda docs

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
PAPI    ?= 1
CUDA    ?= 0
WERROR  ?= 0
SANITIZE ?= 0

CC      ?= cc
ifeq ($(origin CC),default)
CC      := gcc
endif
CFLAGS  ?= -O3 -march=native -g
LDFLAGS ?=

PKG_CONFIG ?= pkg-config
# Each dependency's flags come from its .pc file; the fallbacks keep a build without pkg-config possible.
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo $(2))

MPI_CFLAGS   ?= $(call pkg_cflags,ompi-c)
MPI_LIBS     ?= $(call pkg_libs,ompi-c,-lmpi)
BLAS_CFLAGS  ?= $(call pkg_cflags,openblas)
BLAS_LIBS    ?= $(call pkg_libs,openblas,-lopenblas)
JSON_CFLAGS  ?= $(call pkg_cflags,jansson)
JSON_LIBS    ?= $(call pkg_libs,jansson,-ljansson)
SQLITE_CFLAGS ?= $(call pkg_cflags,sqlite3)
SQLITE_LIBS  ?= $(call pkg_libs,sqlite3,-lsqlite3)
YAML_CFLAGS  ?= $(call pkg_cflags,yaml-0.1)
YAML_LIBS    ?= $(call pkg_libs,yaml-0.1,-lyaml)
LAPACKE_CFLAGS ?= $(call pkg_cflags,lapacke)
LAPACKE_LIBS ?= $(call pkg_libs,lapacke,-llapacke)
CRYPTO_CFLAGS ?= $(call pkg_cflags,libcrypto)
CRYPTO_LIBS  ?= $(call pkg_libs,libcrypto,-lcrypto)
CMOCKA_CFLAGS ?= $(call pkg_cflags,cmocka)
CMOCKA_LIBS  ?= $(call pkg_libs,cmocka,-lcmocka)
ifeq ($(PAPI),1)
PAPI_CFLAGS  ?= $(call pkg_cflags,papi) -DEXA_HAVE_PAPI=1
PAPI_LIBS    ?= $(call pkg_libs,papi,-lpapi)
else
PAPI_CFLAGS  := -DEXA_HAVE_PAPI=0
PAPI_LIBS    :=
endif

CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(shell command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc))
NVCC      ?= $(CUDA_HOME)/bin/nvcc
CUDA_ARCH ?= sm_90
CUDA_SM   = $(subst sm_,,$(CUDA_ARCH))
# Machine code for CUDA_ARCH plus its PTX, so newer GPUs can JIT-compile it.
NVCCFLAGS ?= -O3 -gencode arch=compute_$(CUDA_SM),code=sm_$(CUDA_SM) -gencode arch=compute_$(CUDA_SM),code=compute_$(CUDA_SM)
CUDA_LIBS ?= -L$(CUDA_HOME)/lib64 -lcudart -lcublas

# Messages are built in bounded buffers on purpose, so truncation warnings are noise.
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
        -Wno-format-truncation
ifeq ($(WERROR),1)
WARN += -Werror
endif
SAN :=
ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

# What every C file needs whatever the user puts in CFLAGS.
BASE_CFLAGS := -std=gnu11 -fopenmp -D_GNU_SOURCE -Ibenchmarks/common -Ibenchmarks/common/mpi -I$(BUILD)/gen \
               $(MPI_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(PAPI_CFLAGS)
ALL_CFLAGS  = $(BASE_CFLAGS) $(WARN) $(SAN) $(CFLAGS) $(EXTRA_CFLAGS) -MMD -MP
CORE_LIBS   = $(JSON_LIBS) $(BLAS_LIBS) $(PAPI_LIBS) -lm
BASE_LIBS   = $(MPI_LIBS) $(CORE_LIBS)
ALL_LDFLAGS = -fopenmp $(SAN) $(LDFLAGS)

BIN     := $(BUILD)/bin
OBJ     := $(BUILD)/obj
# benchmarks/common as two libraries: the MPI-free core (all the harness links) and the MPI layer
# (benchmarks/common/mpi) on top of it. COMMON_LIB is both, in link order, for benchmarks and tests.
CORE_LIB   := $(BUILD)/lib/libexacore.a
MPI_LIB    := $(BUILD)/lib/libexampi.a
COMMON_LIB := $(MPI_LIB) $(CORE_LIB)

PROGRAMS   :=
UNIT_TESTS :=
TEST_TOOLS :=

.PHONY: all test run bench install clean deps unit-tests programs check-unit help-make
all: programs

# $(call program,NAME,SOURCES,EXTRA_LIBS): an MPI benchmark in $(BIN), linked with both common
# libraries and MPI.
define program
PROGRAMS += $(BIN)/$(1)
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(COMMON_LIB) | $(BIN)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(COMMON_LIB) $(3) $$(BASE_LIBS)
endef

# $(call core_program,NAME,SOURCES,EXTRA_LIBS): a program without MPI (the exabench harness), linked
# with the MPI-free core library only; an MPI call in its sources fails the link.
define core_program
PROGRAMS += $(BIN)/$(1)
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(CORE_LIB) | $(BIN)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(CORE_LIB) $(3) $$(CORE_LIBS)
endef

# $(call unit_test,NAME,SOURCES,EXTRA_LIBS): a cmocka test binary in $(BUILD)/tests.
define unit_test
UNIT_TESTS += $(BUILD)/tests/$(1)
$(BUILD)/tests/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(COMMON_LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(COMMON_LIB) $(3) $$(CMOCKA_LIBS) $$(BASE_LIBS)
endef

# $(call test_tool,NAME,SOURCES,EXTRA_LIBS): a helper program the tests run (fault injection etc.).
define test_tool
TEST_TOOLS += $(BUILD)/tests/tools/$(1)
$(BUILD)/tests/tools/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(COMMON_LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(COMMON_LIB) $(3) $$(BASE_LIBS)
endef

# $(call cuda_program,NAME,C_SOURCES,CU_SOURCES,EXTRA_LIBS): a GPU variant, built only with CUDA=1.
define cuda_program
ifeq ($(CUDA),1)
PROGRAMS += $(BIN)/$(1)
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(patsubst %.cu,$(OBJ)/%.cu.o,$(3)) $(COMMON_LIB) | $(BIN)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(COMMON_LIB) $(4) $$(CUDA_LIBS) $$(BASE_LIBS) -lstdc++
endif
endef

include $(foreach m,$(MODULES),$(wildcard $(m)/module.mk))
include $(wildcard tests/*/module.mk)

programs: $(PROGRAMS)
unit-tests: $(UNIT_TESTS) $(TEST_TOOLS)

$(BIN):
	@mkdir -p $@

$(OBJ)/%.o: %.c | $(BUILD)/gen/build_info.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

CUDA_CFLAGS := -I$(CUDA_HOME)/include -Ibenchmarks/common/cuda
NVCC_WERROR := $(if $(filter 1,$(WERROR)),-Werror all-warnings -Xcompiler -Werror,)
$(OBJ)/%.cu.o: %.cu | $(BUILD)/gen/build_info.h
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -std=c++17 -Xcompiler -Wall,-Wextra,-fopenmp $(NVCC_WERROR) -Ibenchmarks/common \
	    -Ibenchmarks/common/cuda -Ibenchmarks/common/mpi \
	    -I$(BUILD)/gen $(MPI_CFLAGS) $(JSON_CFLAGS) -DEXA_HAVE_PAPI=0 -c -o $@ $<

$(OBJ)/tests/%.o: EXTRA_CFLAGS += $(CMOCKA_CFLAGS) $(LAPACKE_CFLAGS) -Itests/lib

# Build facts baked into every binary (git commit, compiler, flags); rewritten only when they change.
BUILD_INFO = \#define EXA_BUILD_GIT_COMMIT "$(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)"\n\#define EXA_BUILD_CC "$(shell $(CC) --version 2>/dev/null | head -n1)"\n\#define EXA_BUILD_CFLAGS "$(strip $(CFLAGS) $(SAN))"\n\#define EXA_BUILD_PAPI $(PAPI)\n\#define EXA_BUILD_CUDA $(CUDA)\n
$(BUILD)/gen/build_info.h: FORCE
	@mkdir -p $(@D)
	@printf '$(BUILD_INFO)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE
FORCE:

deps:
	@scripts/deps.sh

test: deps
	@$(MAKE) --no-print-directory all unit-tests
	@tests/run

check-unit: unit-tests
	@tests/run --unit

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/make-run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh

install: programs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/exabench/suites
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard suites/*.yaml) $(DESTDIR)$(PREFIX)/share/exabench/suites/

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
