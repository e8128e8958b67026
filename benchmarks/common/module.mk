# benchmarks/common: two static libraries.
#   libexacore.a  MPI-free: timers, stats, parsing, CLI, record, provenance, peaks, counters, the HPL
#                 model. The harness links only this (core_program), so it runs without libmpi.
#   libexampi.a   benchmarks/common/mpi: the MPI layer the benchmarks add on top (MPI-aware exits,
#                 node layout, the collective parts of the record, provenance and counters).
CORE_SRCS := $(wildcard benchmarks/common/*.c)
MPI_SRCS  := $(wildcard benchmarks/common/mpi/*.c)

$(CORE_LIB): $(patsubst %.c,$(OBJ)/%.o,$(CORE_SRCS))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(MPI_LIB): $(patsubst %.c,$(OBJ)/%.o,$(MPI_SRCS))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
