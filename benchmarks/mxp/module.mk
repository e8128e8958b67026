# benchmarks/mxp: exa-mxp, HPL-MxP on exa-hpl's grid, block-cyclic arithmetic and generator (see
# mxp.h for the map of the files). MXP_SRCS is every source but its main(), for a back end's main.
# exa-hpl's sources (all but its main) are linked whole: the grid needs the panel's sizes, and so on.
# The hpl headers (grid, matrix, generator) are shared, not copied.
$(OBJ)/benchmarks/mxp/%.o: EXTRA_CFLAGS += -Ibenchmarks/hpl
MXP_SRCS := $(filter-out %/mxp_cpu_main.c,$(wildcard benchmarks/mxp/*.c)) \
            $(HPL_SRCS)
$(eval $(call program,exa-mxp,$(MXP_SRCS) benchmarks/mxp/mxp_cpu_main.c,))
