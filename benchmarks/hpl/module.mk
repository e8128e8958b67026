# benchmarks/hpl: exa-hpl, a distributed HPL-style LU (see hpl.h for the map of the files).
# HPL_SRCS is every exa-hpl source but its main(): a back end (benchmarks/hpl/cuda) links them
# with its own main that calls hpl_main() with its engine.
HPL_SRCS := $(filter-out %/hpl_cpu_main.c,$(wildcard benchmarks/hpl/*.c))
$(eval $(call program,exa-hpl,$(HPL_SRCS) benchmarks/hpl/hpl_cpu_main.c,))
