# tests/mxp: the LAPACK reference tool for exa-mxp's end-to-end tests (tests/mxp/*.t).
$(OBJ)/tests/mxp/%.o: EXTRA_CFLAGS += -Ibenchmarks/hpl
$(eval $(call test_tool,mxp-ref,tests/mxp/mxp_ref.c benchmarks/hpl/hpl_grid.c \
                                 benchmarks/hpl/hpl_generator.c benchmarks/hpl/hpl_panel.c,$(LAPACKE_LIBS)))
$(eval $(call test_tool,mxp-gemm,tests/mxp/mxp_gemm.c,))
