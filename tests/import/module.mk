# Importers (harness/import/): other tools' output as exabench records. exabench links them all
# (harness/module.mk); the tool and the unit test take the importers without the command.
IMPORT_SRCS := harness/import/import.c harness/import/import_util.c harness/import/import_hpl.c \
               harness/import/import_hpcc.c harness/import/import_hpcg.c harness/import/import_osu.c \
               harness/import/import_imb.c harness/import/import_stream.c harness/import/import_babelstream.c \
               harness/import/import_nccl.c
$(OBJ)/harness/import/%.o: EXTRA_CFLAGS += -Iharness/import $(CRYPTO_CFLAGS)
$(OBJ)/tests/import/%.o: EXTRA_CFLAGS += -Iharness/import
$(eval $(call test_tool,exa-import-tool,tests/import/import_tool.c $(IMPORT_SRCS),$(CRYPTO_LIBS)))
$(eval $(call unit_test,import/test_import,tests/import/test_import.c $(IMPORT_SRCS),$(CRYPTO_LIBS)))
