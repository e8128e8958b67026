# Harness tests: the fake benchmark for fault injection, the unit tests of the suite parser and the
# plan expansion, and the end-to-end scripts tests/harness/*.t.
$(eval $(call test_tool,exa-fake,tests/harness/fake_bench.c,))
$(OBJ)/tests/harness/test_suite.o: EXTRA_CFLAGS += -Iharness $(YAML_CFLAGS)
$(eval $(call unit_test,harness/test_suite,tests/harness/test_suite.c harness/suite.c harness/launch.c,$(YAML_LIBS) $(CRYPTO_LIBS)))
$(OBJ)/tests/harness/test_screen.o: EXTRA_CFLAGS += -Iharness $(YAML_CFLAGS)
HARNESS_RUN_SRCS := harness/screen.c harness/run.c harness/proc.c harness/manifest.c harness/launch.c \
                    harness/launch_slurm.c harness/suite.c harness/plan.c
$(eval $(call unit_test,harness/test_screen,tests/harness/test_screen.c $(HARNESS_RUN_SRCS),$(YAML_LIBS) $(CRYPTO_LIBS)))
