# tests/stream: exa-stream's unit tests (verification arithmetic, the OpenMP back end against the
# analytic values) and the record-validating tool its end-to-end tests (*.t) use.
$(OBJ)/tests/stream/%.o: EXTRA_CFLAGS += -Ibenchmarks/stream
$(eval $(call unit_test,stream/test_stream_verify,tests/stream/test_stream_verify.c benchmarks/stream/stream_verify.c benchmarks/stream/backend_omp.c))
$(eval $(call test_tool,stream-validate-record,tests/stream/validate_record.c))
