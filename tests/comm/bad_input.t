#!/usr/bin/env bash
# exa-comm bad input, data-driven (tests/data/comm/bad-input.tsv): each case runs under mpirun with
# the given rank count and must exit with the given status (2: a message naming the problem on
# every rank's behalf, no hang) and print a message matching the given pattern.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exa-comm
require_bin "$EXA"
command -v mpirun >/dev/null || skip_all "mpirun not found"
cases=$EXA_ROOT/tests/data/comm/bad-input.tsv
while IFS=$'\t' read -r -u 3 ranks code pattern args; do
    case $ranks in ''|'#'*) continue ;; esac
    read -r -a argv <<<"$args"
    t0=$SECONDS
    expect_exit "$code" "-n $ranks exa-comm $args: exit $code" "${MPIRUN[@]}" -n "$ranks" "$EXA" "${argv[@]}"
    output_has "-n $ranks exa-comm $args: says /$pattern/" "$pattern"
    [ $((SECONDS - t0)) -lt 60 ]; ok $? "-n $ranks exa-comm $args: no hang"
done 3<"$cases"
# The CPU build's back-end table has no device memory: -d cuda is refused, naming what there is.
if grep -q 'EXA_BUILD_CUDA 1' "$EXA_ROOT/$BUILD/gen/build_info.h" 2>/dev/null; then
    skip_test "CUDA=1 build: its -d cuda is checked by tests/cuda/comm_cuda.t"
    skip_test "CUDA=1 build: its -d cuda is checked by tests/cuda/comm_cuda.t"
else
    expect_exit 2 "CPU build: -d cuda exits 2" "${MPIRUN[@]}" -n 1 "$EXA" latency -d cuda
    output_has "CPU build: -d cuda names the kinds it has" "this build has: host$"
fi
done_testing
