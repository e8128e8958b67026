#!/usr/bin/env bash
# exa-comm's watchdog: a rank that stops (test-only hook EXA_COMM_TEST_STALL_RANK=R makes rank R
# sleep forever at the start of the first measurement) ends the job within seconds under
# --timeout 2, with a non-zero exit and a message naming the rank that stopped.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exa-comm
require_bin "$EXA"
command -v mpirun >/dev/null || skip_all "mpirun not found"

run_stalled() {  # run_stalled RANK NRANKS TEST ARGS...: sets rc and secs
    local r=$1 n=$2; shift 2
    local t0=$SECONDS
    EXA_COMM_TEST_STALL_RANK=$r timeout 60 "${MPIRUN[@]}" -x EXA_COMM_TEST_STALL_RANK -n "$n" "$EXA" "$@" \
        --timeout 2 >"$T/last.out" 2>&1
    rc=$?
    secs=$((SECONDS - t0))
}

run_stalled 1 2 latency -m 8
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "latency, rank 1 stalls: the job ends with an error (exit $rc)"
[ $secs -lt 30 ]; ok $? "... within seconds ($secs s)"
output_has "... rank 0 names rank 1 as the one it waits on" 'watchdog: rank 0 \([^)]*\) made no progress .*waiting on rank 1 \('

run_stalled 1 2 bw -m 1K
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "bw, rank 1 stalls: the job ends with an error (exit $rc)"
output_has "... names rank 1" 'waiting on rank 1 \('

run_stalled 0 2 latency -m 8
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "latency, rank 0 stalls: the job ends with an error"
output_has "... rank 1 names rank 0" 'watchdog: rank 1 .*waiting on rank 0 \('

run_stalled 2 4 allreduce -m 8
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "allreduce on 4 ranks, rank 2 stalls: the job ends with an error"
[ $secs -lt 30 ]; ok $? "... within seconds ($secs s)"
output_has "... rank 2 is named as the one that stopped" 'watchdog: rank 2 \([^)]*\) made no progress.*this rank stopped'

run_stalled 3 4 allpairs -m 8:1K -i 10
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "allpairs on 4 ranks, rank 3 stalls: the job ends with an error"
output_has "... rank 3 is named" 'rank 3 \('

# a healthy run with a short timeout is not disturbed
expect_exit 0 "no stall, --timeout 2: normal exit" "${MPIRUN[@]}" -n 2 "$EXA" latency -m 8:64 -i 100 --timeout 2
done_testing
