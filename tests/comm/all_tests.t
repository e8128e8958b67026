#!/usr/bin/env bash
# exa-comm end to end: every test name under mpirun with 2 and 4 ranks (small sizes, few
# iterations, --validate), its OSU-style columns and its JSON record.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exa-comm
require_bin "$EXA"
command -v mpirun >/dev/null || skip_all "mpirun not found"

# The host tests (CUDA=1 builds list copy_* tests too, which need a GPU: tests/cuda covers them).
TESTS=(latency bw bibw mbw_mr allreduce reduce bcast allgather alltoall reduce_scatter barrier allpairs)
"$EXA" --help | awk '/^Tests:/{t=1; next} t && /^  [a-z]/{print $1} t && /^$/{exit}' >"$T/listed"
for want in "${TESTS[@]}"; do
    grep -qx "$want" "$T/listed"; ok $? "--help lists $want"
done
expect_exit 0 "--version" "$EXA" --version
output_has "--version names the program" "exa-comm"

declare -A HEADER=(
    [latency]='^# Size +Latency \(us\) +Validation$'
    [bw]='^# Size +Bandwidth \(MB/s\) +Validation$'
    [bibw]='^# Size +Bandwidth \(MB/s\) +Validation$'
    [mbw_mr]='^# Size +MB/s +Messages/s +Validation$'
    [barrier]='^# Avg Latency\(us\) +Min Latency\(us\) +Max Latency\(us\) +Iterations +Validation$'
    [allpairs]='^# Latency \(us\): row rank, column peer$'
)
for n in 2 4; do
    for t in "${TESTS[@]}"; do
        args=(-m 4:64 -i 10 -x 2)
        [ "$t" = barrier ] && args=(-i 10 -x 2)
        [ "$t" = allpairs ] && args=(-m 8:4K -i 20 -x 2 --window 4)
        json=$T/$t-$n.json
        expect_exit 0 "$t on $n ranks" "${MPIRUN[@]}" -n "$n" "$EXA" "$t" "${args[@]}" --validate --json "$json"
        hdr=${HEADER[$t]:-'^# Size +Avg Latency\(us\) +Min Latency\(us\) +Max Latency\(us\) +Iterations +Validation$'}
        output_has "$t on $n ranks: OSU-style header" "$hdr"
        case $t in
        barrier)
            output_has "$t on $n ranks: one row, passed" '^ +[0-9]+\.[0-9]{2} +[0-9.]+ +[0-9.]+ +10 +Pass$'
            json_true "$t on $n ranks: record" "$json" \
                "r['test'] == 'barrier' and r['valid'] and len(r['results']['sizes']) == 1 and 'latency' in r['metrics']"
            ;;
        allpairs)
            output_has "$t on $n ranks: wall time printed" '^# allpairs wall time: [0-9.]+ s$'
            json_true "$t on $n ranks: ${n}x$n matrices, labels, pairs" "$json" \
                "len(r['results']['matrix']['latency_us']) == $n and all(len(x) == $n for x in r['results']['matrix']['bandwidth_GBps']) \
                 and r['results']['matrix']['latency_us'][0][0] is None and r['results']['matrix']['latency_us'][0][1] > 0 \
                 and r['results']['matrix']['class'][0][1] == 'intra' and len(r['results']['pairs']) == $n*($n-1)//2 \
                 and r['results']['rounds'] == ($n-1) and r['results']['errors'] == 0 and r['valid'] \
                 and 'latency_median_intra' in r['metrics'] and 'slow_pairs' in r['metrics']"
            ;;
        *)
            output_has "$t on $n ranks: rows pass validation" '^[0-9]+ +[0-9]+\.[0-9]{2}.* Pass$'
            ! grep -q Fail "$T/last.out"; ok $? "$t on $n ranks: no row fails"
            json_true "$t on $n ranks: per-size stats and samples" "$json" \
                "r['test'] == '$t' and r['valid'] and r['verification']['passed'] and len(r['results']['sizes']) >= 4 \
                 and all(all(k in s['stats'] for k in ('mean','min','max','p50','p99')) and len(s['samples']) == s['iterations'] and s['errors'] == 0 \
                         for s in r['results']['sizes']) \
                 and r['results']['timer']['mpi_wtick_s'] > 0 and isinstance(r['results']['timer']['mpi_wtime_is_global'], bool) \
                 and r['parameters']['device'] == 'host' and r['parameters']['ranks'] == $n"
            ;;
        esac
    done
done

# Column values are what the samples say: latency = mean of the per-iteration samples (batch 1).
json_true "latency: the headline is the mean of the samples" "$T/latency-2.json" \
    "all(abs(s['latency_us'] - sum(s['samples'])/len(s['samples'])) < 1e-6 * max(1, s['latency_us']) for s in r['results']['sizes'])"
json_true "metrics named by size, with units" "$T/bw-2.json" \
    "r['metrics']['bandwidth_64B']['unit'] == 'GB/s' and r['metrics']['bandwidth_64B']['direction'] == 'higher'"
json_true "mbw_mr: message rate metric" "$T/mbw_mr-4.json" \
    "r['metrics']['message_rate_64B']['unit'] == 'Mmsg/s' and r['metrics']['message_rate_64B']['value'] > 0"

# --pair chooses the ranks; --json - writes the record alone on stdout (the table goes to stderr).
expect_exit 0 "latency --pair 3,1 on 4 ranks" "${MPIRUN[@]}" -n 4 "$EXA" latency -m 8:16 -i 10 --pair 3,1 --json "$T/pair.json"
json_true "--pair recorded" "$T/pair.json" "r['parameters']['pair'] == [3, 1] and len(r['results']['sizes']) == 2"
"${MPIRUN[@]}" -n 2 "$EXA" bw -m 8 -i 5 --json - >"$T/stdout.json" 2>"$T/stderr.txt"
json_true "--json - : stdout is the record" "$T/stdout.json" "r['test'] == 'bw'"
grep -q 'Bandwidth (MB/s)' "$T/stderr.txt"; ok $? "--json - : the table went to stderr"

# --papi: counters around the timed loops land in the record (software events exist everywhere)
if have_papi; then
    expect_exit 0 "--papi perf::TASK-CLOCK" "${MPIRUN[@]}" -n 2 "$EXA" latency -m 8 -i 10 --papi perf::TASK-CLOCK --json "$T/papi.json"
    json_true "--papi: counters in the record" "$T/papi.json" "'perf::TASK-CLOCK' in r['counters']['events']"
else
    expect_exit 2 "--papi in a PAPI=0 build is refused" "${MPIRUN[@]}" -n 2 "$EXA" latency -m 8 -i 10 --papi perf::TASK-CLOCK
    output_has "--papi in a PAPI=0 build says why" "no PAPI"
fi
done_testing
