#!/usr/bin/env bash
# exa-comm --validate catches corruption: the test-only hook EXA_COMM_TEST_CORRUPT=1 flips one byte
# of every sender's first message; every test that moves data must then report FAILED, exit 1 and
# write a record marked invalid. Without the hook the same runs pass (all_tests.t).
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exa-comm
require_bin "$EXA"
command -v mpirun >/dev/null || skip_all "mpirun not found"
export EXA_COMM_TEST_CORRUPT=1
for t in latency bw bibw mbw_mr allreduce reduce bcast allgather alltoall reduce_scatter allpairs; do
    for n in 2 4; do
        [ "$n" = 4 ] && case $t in mbw_mr|alltoall|reduce_scatter|allpairs) ;; *) continue ;; esac
        args=(-m 8:32 -i 5 -x 1)
        [ "$t" = allpairs ] && args=(-m 8:1K -i 10 -x 1 --window 2)
        expect_exit 1 "$t on $n ranks: corruption fails the run" \
            "${MPIRUN[@]}" -x EXA_COMM_TEST_CORRUPT -n $n "$EXA" "$t" "${args[@]}" --validate --json "$T/$t.json"
        output_has "$t on $n ranks: FAILED reported" 'FAILED: [1-9][0-9]* corrupted byte'
        json_true "$t on $n ranks: record invalid, errors counted" "$T/$t.json" \
            "r['valid'] is False and r['verification']['passed'] is False and r['verification']['value'] >= 1"
    done
done
# the hook alone changes nothing when nothing is validated: the corruption is only injected into
# validated runs' patterns, and an unvalidated run reports no verification failure
expect_exit 0 "no --validate: the hook is inert" "${MPIRUN[@]}" -x EXA_COMM_TEST_CORRUPT -n 2 "$EXA" latency -m 8 -i 5
done_testing
