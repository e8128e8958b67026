# harness: the exabench command. main.c and its commands table at the top; the code in rooms:
# run/ (suite model, plan, executors), results/ (reading run folders), decide/ (reports and
# decisions), kinds/ (one descriptor per benchmark kind). Every .c file in them is part of it.
HARNESS_ROOMS := harness/kinds harness/run harness/results harness/decide harness/import
HARNESS_INCLUDES := -Iharness $(addprefix -I,$(HARNESS_ROOMS))
HARNESS_SRCS := harness/main.c $(foreach r,$(HARNESS_ROOMS),$(wildcard $(r)/*.c))
$(OBJ)/harness/%.o: EXTRA_CFLAGS += $(HARNESS_INCLUDES) $(YAML_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
$(eval $(call core_program,exabench,$(HARNESS_SRCS),$(YAML_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS)))
