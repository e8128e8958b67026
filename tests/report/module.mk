# tests/report: the reporting commands (report, compare, accept, submit, rank, ingest, history).
# report-gen writes synthetic results folders (fixtures and bench/report.sh); report-forge re-seals
# an altered submission, as someone who knows the seal would, so that rank's own checks are tested.
REPORT_LIB_SRCS := harness/rstats.c harness/report_summary.c harness/report_util.c harness/rundir.c harness/rundir_scan.c
$(OBJ)/tests/report/%.o: EXTRA_CFLAGS += -Iharness $(YAML_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
$(eval $(call test_tool,report-gen,tests/report/report_gen.c,))
$(eval $(call test_tool,report-forge,tests/report/report_forge.c harness/submit.c $(REPORT_LIB_SRCS),$(YAML_LIBS) $(CRYPTO_LIBS)))
$(eval $(call unit_test,report/test_rstats,tests/report/test_rstats.c $(REPORT_LIB_SRCS),$(YAML_LIBS) $(CRYPTO_LIBS)))
$(eval $(call unit_test,report/test_scan,tests/report/test_scan.c harness/rundir_scan.c,))
