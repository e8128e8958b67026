# benchmarks/stream: exa-stream. The driver (options, timing, verification, report) is shared by
# every back end; each back end is one file plus a main that hands it to stream_main().
STREAM_DRIVER_SRCS := benchmarks/stream/stream_driver.c benchmarks/stream/stream_options.c \
                      benchmarks/stream/stream_report.c benchmarks/stream/stream_verify.c

$(eval $(call program,exa-stream,benchmarks/stream/main_cpu.c benchmarks/stream/backend_omp.c $(STREAM_DRIVER_SRCS)))
