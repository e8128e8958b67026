#!/usr/bin/env bash
# Every fuzz target run once over every file of its corpus (tests/fuzz/corpus/TARGET), no fuzzing:
# the seeds and the reproducers of the defects the fuzzers found stay fixed. Builds the targets
# first (make fuzz-build: clang-14 with libFuzzer, into build/fuzz); skipped without them.
source "$(dirname "$0")/../lib/tap.sh"
cd "$EXA_ROOT" || exit 1
FUZZ_CC=${FUZZ_CC:-clang-14}
command -v "$FUZZ_CC" >/dev/null 2>&1 || skip_all "$FUZZ_CC not found (the fuzz targets need clang-14 and libfuzzer-14-dev)"
[ -f "$("$FUZZ_CC" --print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer-x86_64.a" ] ||
    skip_all "no libFuzzer runtime for $FUZZ_CC (install libfuzzer-14-dev)"

check "the fuzz targets build (make fuzz-build)" make --no-print-directory -s fuzz-build FUZZ_CC="$FUZZ_CC"
for t in suite hpl_dat record manifest submission accept tolerance import; do
    check "fuzz_$t over its corpus ($(ls tests/fuzz/corpus/$t | wc -l) files)" tests/fuzz/run.sh --regress "$t"
done
done_testing
