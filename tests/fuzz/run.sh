#!/usr/bin/env bash
# Runs the fuzz targets of tests/fuzz (built by `make fuzz-build`), one after the other.
#
#   tests/fuzz/run.sh [--seconds N] [--bin DIR] [TARGET...]   fuzz each target for N seconds
#   tests/fuzz/run.sh --regress [--bin DIR] [TARGET...]       run each target once over every file
#                                                             of its corpus, no fuzzing
#
# Fuzzing starts from the committed seeds (tests/fuzz/corpus/TARGET) and keeps what it finds new
# in a working corpus (build/fuzz/corpus/TARGET, not committed); a crash, leak, sanitizer report,
# timeout (-timeout 10 s per input) or out-of-memory is a finding: its input is saved as
# build/fuzz/artifacts/TARGET-crash-..., and the run ends non-zero once every target ran. The
# last line per target gives the executions run. Paths handed to the targets are absolute.
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
seconds=60 regress=0 bin=build/fuzz/bin
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --regress) regress=1; shift ;;
        --bin) bin=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        --*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- suite hpl_dat record manifest submission accept tolerance import
bin=$(cd "$bin" && pwd) || exit 2
work=$(dirname "$bin")
export EXA_FUZZ_DATA=$root/tests/fuzz/data
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# Open MPI's plugins are not loaded (no MPI_Init), but keep its allocations out of LSan's way.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

dict_of() {
    case $1 in
        suite) echo suite ;; hpl_dat) echo hpl_dat ;; accept) echo accept ;;
        tolerance) echo tolerance ;; import) echo import ;; *) echo json ;;
    esac
}
# The accept target leaves the command's allocations behind when it catches an exit (fuzz_accept.c).
leaks_of() { [ "$1" = accept ] && echo 0 || echo 1; }

failed=0
for t in "$@"; do
    exe=$bin/fuzz_$t
    seeds=$root/tests/fuzz/corpus/$t
    if [ ! -x "$exe" ] || [ ! -d "$seeds" ]; then
        echo "fuzz $t: FAIL: no $exe or no $seeds"
        failed=1
        continue
    fi
    leaks=$(leaks_of "$t")
    if [ "$regress" = 1 ]; then
        # Every file once; any report makes the run fail.
        log=$(ASAN_OPTIONS=detect_leaks=$leaks "$exe" -close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 \
              "$seeds"/* 2>&1)
        rc=$?
        n=$(ls "$seeds" | wc -l)
        if [ $rc -ne 0 ]; then
            echo "fuzz $t: FAIL over its corpus ($n files):"
            printf '%s\n' "$log" | grep -E 'Running:|ERROR|SUMMARY|runtime error|fuzz_' | tail -n 20
            failed=1
        else
            echo "fuzz $t: ok, $n corpus files"
        fi
        continue
    fi
    mkdir -p "$work/corpus/$t" "$work/artifacts" "$work/logs"
    log=$work/logs/$t.log
    ASAN_OPTIONS=detect_leaks=$leaks "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -close_fd_mask=3 -print_final_stats=1 -detect_leaks="$leaks" \
        -dict="$root/tests/fuzz/dict/$(dict_of "$t").dict" \
        -artifact_prefix="$work/artifacts/$t-" "$work/corpus/$t" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
    if [ $rc -ne 0 ]; then
        echo "fuzz $t: FINDING after ${execs:-?} executions (exit $rc); log $log"
        grep -E 'ERROR:|SUMMARY:|runtime error|^fuzz_|Test unit written' "$log" | head -n 8 | sed 's/^/    /'
        failed=1
    else
        echo "fuzz $t: ${execs:-?} executions in ${seconds} s, ${cov:-cov ?}, no finding"
    fi
done
exit $failed
