# tests/hardening: issue 14 (runs that outlive their harness, Slurm values that become commands,
# report paths that leave their folders). The modules under test are standalone and listed here
# explicitly (the unit tests link them alone; the exabench binary wires them in through guard.c).
#   test_safe_io        run ids, confined manifest paths, capped reads, atomic report writes
#   test_slurm_values   Slurm names, time limits, node counts, job names; #SBATCH and shell quoting
#   test_attempt        attempt files: the harness's side and the benchmark's (exa_attempt.c)
#   test_proctrack      the environment marker, cgroup v2, subreaper: setsid/double-fork escapers
#   test_loadcheck      foreign load with a busy-loop child
#   proctrack-tool      what orphans.t drives: launch under tracking, list, sweep
HARDEN_PROC_SRCS := harness/run/proctrack.c harness/run/proctrack_proc.c
$(OBJ)/tests/hardening/%.o: EXTRA_CFLAGS += -Iharness/run -Iharness/results
$(OBJ)/harness/run/%.o: EXTRA_CFLAGS += -Iharness/run
$(OBJ)/harness/results/%.o: EXTRA_CFLAGS += -Iharness/results
$(eval $(call unit_test,hardening/test_safe_io,tests/hardening/test_safe_io.c harness/results/safe_io.c))
$(eval $(call unit_test,hardening/test_slurm_values,tests/hardening/test_slurm_values.c harness/run/slurm_values.c))
$(eval $(call unit_test,hardening/test_attempt,tests/hardening/test_attempt.c harness/run/attempt.c benchmarks/common/exa_attempt.c))
$(eval $(call unit_test,hardening/test_proctrack,tests/hardening/test_proctrack.c $(HARDEN_PROC_SRCS)))
$(eval $(call unit_test,hardening/test_loadcheck,tests/hardening/test_loadcheck.c harness/run/loadcheck.c $(HARDEN_PROC_SRCS)))
$(eval $(call test_tool,proctrack-tool,tests/hardening/proctrack_tool.c harness/run/attempt.c $(HARDEN_PROC_SRCS)))
