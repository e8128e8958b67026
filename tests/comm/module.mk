# Unit tests of exa-comm (benchmarks/comm): the allpairs schedule, the slow-pair detector, the
# record at scale (apnodes: node-level reduction, heat-map groups, side file), and the
# message sizes and loop counts exa-comm derives from -m and -i (cases in tests/data/comm/).
$(OBJ)/tests/comm/%.o: EXTRA_CFLAGS += -Ibenchmarks/comm
$(eval $(call unit_test,comm/test_tournament,tests/comm/test_tournament.c benchmarks/comm/tournament.c))
$(eval $(call unit_test,comm/test_slowpairs,tests/comm/test_slowpairs.c benchmarks/comm/slowpairs.c))
$(eval $(call unit_test,comm/test_sizes,tests/comm/test_sizes.c $(filter-out %/comm_main.c,$(COMM_DRIVER_SRCS)),-lpthread $(CRYPTO_LIBS)))
$(eval $(call unit_test,comm/test_apnodes,tests/comm/test_apnodes.c benchmarks/comm/apnodes.c benchmarks/comm/apnodes_json.c benchmarks/comm/slowpairs.c,$(CRYPTO_LIBS)))
