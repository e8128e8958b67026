# Unit tests of exa-comm (benchmarks/comm): the allpairs schedule, the slow-pair detector, the
# record at scale (apnodes: node-level reduction, heat-map groups, side file), and the
# message sizes and loop counts exa-comm derives from -m and -i (cases in tests/data/comm/).
$(OBJ)/tests/comm/%.o: EXTRA_CFLAGS += -Ibenchmarks/comm
$(eval $(call unit_test,comm/test_tournament,tests/comm/test_tournament.c benchmarks/comm/tournament.c))
$(eval $(call unit_test,comm/test_slowpairs,tests/comm/test_slowpairs.c benchmarks/comm/slowpairs.c))
$(eval $(call unit_test,comm/test_sizes,tests/comm/test_sizes.c $(filter-out %/comm_main.c,$(COMM_DRIVER_SRCS)),-lpthread $(CRYPTO_LIBS)))
$(eval $(call unit_test,comm/test_apnodes,tests/comm/test_apnodes.c benchmarks/comm/apnodes.c benchmarks/comm/apnodes_json.c benchmarks/comm/slowpairs.c,$(CRYPTO_LIBS)))
# gen-scale: a synthetic JUPITER-size results folder with a node-level all-pairs record, made by
# exa-comm's own record code (bench/scale.sh, tests/report/scale.t)
$(OBJ)/tests/tools/gen_scale.o: EXTRA_CFLAGS += -Ibenchmarks/comm
$(eval $(call test_tool,gen-scale,tests/tools/gen_scale.c benchmarks/comm/apnodes.c benchmarks/comm/apnodes_json.c,$(CRYPTO_LIBS)))
