# Harness tests: the fake benchmark for fault injection, the unit tests of the suite parser and the
# plan expansion, and the end-to-end scripts tests/harness/*.t.
$(eval $(call test_tool,exa-fake,tests/harness/fake_bench.c,))
# The suite model and the kinds it reads entries with.
HARNESS_SUITE_SRCS := harness/results/digest.c harness/results/yaml_load.c harness/run/suite.c harness/run/plan_fit.c harness/run/suite_yaml.c harness/run/slurm_values.c harness/run/lists.c $(wildcard harness/kinds/*.c)
$(OBJ)/tests/harness/test_suite.o: EXTRA_CFLAGS += $(HARNESS_INCLUDES) $(YAML_CFLAGS)
$(eval $(call unit_test,harness/test_suite,tests/harness/test_suite.c $(HARNESS_SUITE_SRCS) harness/run/launch.c,$(YAML_LIBS) $(CRYPTO_LIBS)))
$(OBJ)/tests/harness/test_screen.o: EXTRA_CFLAGS += $(HARNESS_INCLUDES) $(YAML_CFLAGS)
$(eval $(call unit_test,harness/test_screen,tests/harness/test_screen.c harness/run/screen_stats.c,))
# exabench with one more kind, "fake" (kind_fake.c), registered from outside harness/: kind.t.
$(OBJ)/tests/harness/kind_fake.o: EXTRA_CFLAGS += $(HARNESS_INCLUDES) $(YAML_CFLAGS)
$(eval $(call test_tool,exabench-fakekind,tests/harness/kind_fake.c $(HARNESS_SRCS),$(YAML_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS)))
