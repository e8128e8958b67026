# harness: the exabench command; every harness/*.c file is part of it (one subcommand per file).
HARNESS_SRCS := $(wildcard harness/*.c)
$(OBJ)/harness/%.o: EXTRA_CFLAGS += -Iharness $(YAML_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
$(eval $(call core_program,exabench,$(HARNESS_SRCS),$(YAML_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS)))
