# tests/report: the reporting commands (report, compare, accept, submit, rank, ingest, history).
# report-gen writes synthetic results folders (fixtures and bench/report.sh); report-forge re-seals
# an altered submission, as someone who knows the seal would, so that rank's own checks are tested.
# The kinds (what the summary and the figures take from each) and the YAML readers they use.
REPORT_LIB_SRCS := $(wildcard harness/kinds/*.c) harness/run/suite_yaml.c harness/run/slurm_values.c harness/run/lists.c harness/decide/rstats.c harness/decide/report_summary.c harness/decide/metric_order.c harness/decide/report_util.c harness/results/rundir.c harness/results/rundir_read.c harness/results/rundir_scan.c harness/results/json_text.c harness/results/jarena.c harness/results/digest.c harness/results/file_atomic.c harness/results/safe_io.c harness/results/sbuf.c harness/results/yaml_load.c
$(OBJ)/tests/report/%.o: EXTRA_CFLAGS += $(HARNESS_INCLUDES) $(YAML_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
$(eval $(call test_tool,report-gen,tests/report/report_gen.c,))
$(eval $(call test_tool,report-forge,tests/report/report_forge.c harness/decide/submit.c harness/decide/submit_facts.c harness/decide/rank_checks.c harness/decide/signing.c $(REPORT_LIB_SRCS),$(YAML_LIBS) $(CRYPTO_LIBS)))
$(eval $(call unit_test,report/test_rstats,tests/report/test_rstats.c $(REPORT_LIB_SRCS),$(YAML_LIBS) $(CRYPTO_LIBS)))
$(eval $(call unit_test,report/test_scan,tests/report/test_scan.c harness/results/rundir_scan.c harness/results/json_text.c harness/results/jarena.c,))
