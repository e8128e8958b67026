#!/usr/bin/env bash
# exa-stream end to end under mpirun with 1, 2 and 4 ranks: exit 0, the McCalpin table, PASSED,
# and a record that exa_record_validate accepts and that carries every kernel's samples.
source "$(dirname "$0")/../lib/tap.sh"
require_bin "$BIN/exa-stream"
VALIDATE=$TOOLS/stream-validate-record
require_bin "$VALIDATE"

for ranks in 1 2 4; do
    rec=$T/r$ranks.json
    check "$ranks rank(s): runs and exits 0" \
        "${MPIRUN[@]}" -n $ranks "$BIN/exa-stream" --size 64K --ntimes 4 --threads 1 --json "$rec"
    output_has "$ranks rank(s): table header" "^Function +Best Rate GB/s +Avg time +Min time +Max time"
    for k in Copy Scale Add Triad Dot; do
        output_has "$ranks rank(s): $k row" "^$k: +[0-9]+\.[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$"
    done
    output_has "$ranks rank(s): PASSED" "^PASSED$"
    output_has "$ranks rank(s): non-temporal stores by default" "^Stores: non-temporal"
    output_has "$ranks rank(s): ranks shown" "^Ranks = $ranks on 1 node"
    check "$ranks rank(s): record validates" "$VALIDATE" "$rec"
    json_true "$ranks rank(s): record identity and launch" "$rec" \
        "r['benchmark'] == 'stream' and r['variant'] == 'cpu' and r['valid'] is True and r['launch']['ranks'] == $ranks and r['launch']['threads_per_rank'] == 1"
    json_true "$ranks rank(s): parameters" "$rec" \
        "r['parameters']['array_size'] == 65536 and r['parameters']['ntimes'] == 4 and r['parameters']['ranks'] == $ranks"
    json_true "$ranks rank(s): five bandwidth metrics in GB/s with 3 samples each" "$rec" \
        "all(r['metrics'][k+'_bandwidth']['unit'] == 'GB/s' and r['metrics'][k+'_bandwidth']['direction'] == 'higher' and len(r['metrics'][k+'_bandwidth']['samples']) == 3 and r['metrics'][k+'_bandwidth']['value'] == max(r['metrics'][k+'_bandwidth']['samples']) for k in ('copy','scale','add','triad','dot'))"
    json_true "$ranks rank(s): per-kernel samples, statistics and per-rank rates" "$rec" \
        "all(len(r['results']['kernels'][k]['times_s']) == 3 and r['results']['kernels'][k]['time_stats']['n'] == 3 and r['results']['kernels'][k]['min_time_s'] == min(r['results']['kernels'][k]['times_s']) and len(r['results']['kernels'][k]['per_rank_best_rate_gbs']) == $ranks for k in ('copy','scale','add','triad','dot'))"
    json_true "$ranks rank(s): aggregate bytes count every rank" "$rec" \
        "r['results']['kernels']['triad']['bytes_per_iteration'] == 3*8*65536*$ranks and r['results']['kernels']['copy']['bytes_per_iteration'] == 2*8*65536*$ranks"
    json_true "$ranks rank(s): verification passed" "$rec" \
        "r['verification']['passed'] is True and r['verification']['value'] <= r['verification']['threshold'] == 1e-13"
done

# Two threads per rank, temporal stores.
check "2 threads, temporal stores: runs" "${MPIRUN[@]}" -n 1 "$BIN/exa-stream" --size 100001 --ntimes 3 \
    --threads 2 --stores temporal --json "$T/t2.json"
output_has "2 threads: stores named" "^Stores: temporal"
json_true "2 threads: threads_per_rank and stores recorded" "$T/t2.json" \
    "r['launch']['threads_per_rank'] == 2 and r['parameters']['threads_per_rank'] == 2 and r['parameters']['stores'] == 'temporal' and r['valid']"

# --json -: the record alone on standard output, the table on standard error.
"${MPIRUN[@]}" -n 2 "$BIN/exa-stream" --size 8K --ntimes 3 --json - >"$T/out.json" 2>"$T/err.txt"
ok $? "--json -: exits 0"
check "--json -: standard output is the record" "$VALIDATE" "$T/out.json"
grep -q '^PASSED$' "$T/err.txt"; ok $? "--json -: table on standard error"

# The memcpy diagnostic mode used by bench/stream.sh.
check "--memcpy: runs" "$BIN/exa-stream" --memcpy --size 64K --ntimes 3 --json "$T/m.json"
output_has "--memcpy: Memcpy row" "^Memcpy: +[0-9]"
json_true "--memcpy: memcpy_bandwidth metric only" "$T/m.json" \
    "list(r['metrics']) == ['memcpy_bandwidth'] and r['parameters']['mode'] == 'memcpy' and r['valid']"

# Expected value from EXA_PEAK_MEM_BW_GBS.
EXA_PEAK_MEM_BW_GBS=1000 "$BIN/exa-stream" --size 8K --ntimes 3 --json "$T/p.json" >/dev/null 2>&1
json_true "expected peak bandwidth and efficiency" "$T/p.json" \
    "r['metrics']['triad_bandwidth']['expected'] == 1000 and abs(r['metrics']['triad_bandwidth']['efficiency'] - r['metrics']['triad_bandwidth']['value']/1000) < 1e-12"

# --papi: counters of the timed loop in the record (perf_event software events count even in VMs).
if python3 -c "import json,sys; sys.exit(0 if json.load(open('$T/r1.json'))['exabench']['papi'] else 1)"; then
    check "--papi: runs" "$BIN/exa-stream" --size 64K --ntimes 3 --papi perf::TASK-CLOCK --json "$T/c.json"
    output_has "--papi: counter printed" "^Counter perf::TASK-CLOCK: "
    json_true "--papi: counters in the record" "$T/c.json" \
        "'perf::TASK-CLOCK' in r['counters']['events'] and r['valid']"
else
    echo "# built with PAPI=0: --papi not tested"
fi

check "--help exits 0" "$BIN/exa-stream" --help
for opt in --size --ntimes --threads --stores --json --papi --memcpy --version 'Exit status' EXA_STREAM_TEST_CORRUPT; do
    output_has "--help documents $opt" "$opt"
done
check "--version exits 0" "$BIN/exa-stream" --version
output_has "--version format" "^exa-stream \(exabench\) [0-9]"
done_testing
