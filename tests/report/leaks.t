#!/usr/bin/env bash
# The reporting commands leak nothing under LeakSanitizer, with tests/lsan.supp (which names only
# third-party MPI libraries: nothing of libgomp or OpenBLAS), and keep their exit status under
# ASan: compare's error exit stays 2 (a leak report used to turn it into 1). Needs the sanitizer
# build (make SANITIZE=1 BUILD=build/asan all); skipped without it.
source "$(dirname "$0")/../lib/tap.sh"
ASAN=${ASAN_BUILD:-$EXA_ROOT/build/asan}
[ -x "$ASAN/bin/exabench" ] || skip_all "no sanitizer build at $ASAN (make SANITIZE=1 BUILD=build/asan all)"
source "$(dirname "$0")/lib.sh"
EXA=$ASAN/bin/exabench
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$EXA_ROOT/tests/lsan.supp:print_suppressions=0
export OMP_NUM_THREADS=2

! grep -Eiq '^leak:.*(libgomp|openblas)' "$EXA_ROOT/tests/lsan.supp"; ok $? "lsan.supp suppresses nothing of libgomp or OpenBLAS"
gen "$T/a" --seed 1
gen "$T/b" --seed 2
gen "$T/slow" --seed 1 --factor 0.8
no_leak() { ! grep -q 'LeakSanitizer' "$T/last.out"; ok $? "$1: no leak reported"; }
expect_exit 0 "compare of two like runs: exit 0" "$EXA" compare "$T/a" "$T/b"
no_leak "compare"
expect_exit 1 "compare with a regression: exit 1" "$EXA" compare "$T/a" "$T/slow"
no_leak "compare (regression)"
expect_exit 2 "compare of a missing folder: exit 2" "$EXA" compare "$T/a" "$T/missing"
no_leak "compare (missing folder)"
cp -a "$T/b" "$T/bad" && echo 'not json' >"$T/bad/records/r00003.json"
expect_exit 2 "compare with a malformed record: exit 2" "$EXA" compare "$T/a" "$T/bad"
no_leak "compare (malformed record)"
expect_exit 0 "report: exit 0" "$EXA" report --no-render -o "$T/rep" "$T/a"
no_leak "report"
done_testing
