# tests/counters: PAPI counters and energy (issue 7, benchmarks/common/exa_counters*.c; the
# unit tests include them all through counters_sources.h).
#   test_counters         unit tests of the PAPI build (name matching, energy scales, counting
#                         perf_event software events, the report's aggregation); PAPI=1 only
#   test_counters_disabled  the PAPI build where perf_event is disabled (a container): native
#                         names unavailable, not unknown; PAPI=1 only
#   test_counters_nopapi  the same source compiled with EXA_HAVE_PAPI=0, whatever PAPI is: what a
#                         PAPI=0 build does with --papi and what its inventory says
#   counters_probe        a stand-in benchmark the end-to-end tests (counters*.t) run
ifeq ($(PAPI),1)
$(eval $(call unit_test,counters/test_counters,tests/counters/test_counters.c))
$(eval $(call unit_test,counters/test_counters_disabled,tests/counters/test_counters_disabled.c))
endif
$(eval $(call unit_test,counters/test_counters_nopapi,tests/counters/test_counters_nopapi.c))
$(eval $(call test_tool,counters_probe,tests/counters/counters_probe.c))
