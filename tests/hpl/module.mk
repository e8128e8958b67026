# tests/hpl: unit tests of exa-hpl's building blocks and the LAPACK reference tool.
HPL_TEST_LIB_SRCS := benchmarks/hpl/hpl_grid.c benchmarks/hpl/hpl_generator.c \
                     benchmarks/hpl/hpl_dat.c benchmarks/hpl/hpl_panel.c
$(OBJ)/tests/hpl/%.o: EXTRA_CFLAGS += -Ibenchmarks/hpl
$(eval $(call unit_test,hpl/test_hpl,tests/hpl/test_hpl.c $(HPL_TEST_LIB_SRCS) \
                                       benchmarks/hpl/hpl_samples.c,))
$(eval $(call test_tool,hpl-ref,tests/hpl/hpl_ref.c $(HPL_TEST_LIB_SRCS),$(LAPACKE_LIBS)))
$(eval $(call test_tool,hpl-dgemm,tests/hpl/hpl_dgemm.c,))
$(eval $(call test_tool,hpl-emu-guard,tests/hpl/emu_guard.c benchmarks/hpl/hpl_device_emu.c $(HPL_TEST_LIB_SRCS),))
