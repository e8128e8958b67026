# tests/verdict: the building blocks of trustworthy verdicts (issue 13): the regression gate
# (harness/decide/gate.c), Ed25519 signing (harness/decide/signing.c) and the theoretical Rpeak
# (benchmarks/common/exa_rpeak.c, part of the common library). Sources are listed here, not taken
# from harness/module.mk, so these tests build whatever the harness's layout.
GATE_SRCS := harness/decide/gate.c harness/decide/gate_tol.c
SIGNING_SRCS := harness/decide/signing.c
$(OBJ)/harness/decide/%.o: EXTRA_CFLAGS += -Iharness/decide $(CRYPTO_CFLAGS)
$(OBJ)/tests/verdict/%.o: EXTRA_CFLAGS += -Iharness/decide $(CRYPTO_CFLAGS)
$(eval $(call unit_test,verdict/test_gate,tests/verdict/test_gate.c $(GATE_SRCS),))
$(eval $(call unit_test,verdict/test_signing,tests/verdict/test_signing.c $(SIGNING_SRCS),$(CRYPTO_LIBS)))
# exa_rpeak.c is in benchmarks/common, so the common library carries it.
$(eval $(call unit_test,verdict/test_rpeak,tests/verdict/test_rpeak.c,))
