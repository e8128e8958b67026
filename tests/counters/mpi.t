#!/usr/bin/env bash
# Counters over 2 MPI ranks (counters_probe under mpirun): the record keeps one value per rank in
# rank order, and sum, min and max agree with them; an unknown event name exits 2 on every rank
# with one message (rank 0 prints); unavailable events stay unavailable for the whole run.
source "$(dirname "$0")/../lib/tap.sh"
require_bin "$TOOLS/counters_probe"
papi_inventory
PROBE=$TOOLS/counters_probe
inventory_has "$PAPI_AVAILABLE" ||
    skip_all "this build has no PAPI (tests/counters/lists.t checks that --papi says so)"
inventory_has "$TASK_CLOCK_COUNTS" || skip_all "perf_event can not count software events here"
EV='r["counters"]["events"]'

# only rank 1 touches 32 MiB (8192 faults): per_rank[1] must hold them, per_rank[0] not
check "2 ranks count" "${MPIRUN[@]}" -np 2 "$PROBE" --papi perf::PAGE-FAULTS,perf::TASK-CLOCK,PAPI_TOT_CYC \
    --spin 1e6 --touch 32 --touch-rank 1 --json "$T/two.json"
for ev in perf::PAGE-FAULTS perf::TASK-CLOCK; do
    json_true "$ev: 2 per-rank values; sum, min, max and mean agree with them" "$T/two.json" "(
len(e := $EV['$ev']['per_rank']) == 2 and $EV['$ev']['sum'] == sum(e) and
$EV['$ev']['min'] == min(e) and $EV['$ev']['max'] == max(e) and abs($EV['$ev']['mean'] - sum(e) / 2) < 1e-6)"
done
json_true "values are in rank order: rank 1 took the 8192 first-touch faults" "$T/two.json" \
    "$EV['perf::PAGE-FAULTS']['per_rank'][1] >= 8000 and $EV['perf::PAGE-FAULTS']['per_rank'][0] < 1000"
json_true "both ranks counted TASK-CLOCK" "$T/two.json" "min($EV['perf::TASK-CLOCK']['per_rank']) > 0"
json_true "PAPI_TOT_CYC: counted on both ranks or unavailable with a reason" "$T/two.json" \
    "($EV['PAPI_TOT_CYC']['available'] and len($EV['PAPI_TOT_CYC']['per_rank']) == 2) or $EV['PAPI_TOT_CYC']['reason']"
json_true "region time of both ranks recorded" "$T/two.json" \
    'len(r["counters"]["region"]["seconds_per_rank"]) == 2 and r["counters"]["region"]["seconds_max"] > 0'

# an unknown name: every rank exits 2, the message comes once
expect_exit 2 "unknown event under mpirun -np 2 exits 2" "${MPIRUN[@]}" -np 2 "$PROBE" --papi perf::TASK-CLOK
output_has "the message suggests perf::TASK-CLOCK" "closest known: perf::TASK-CLOCK"
count=$(grep -c "unknown event 'perf::TASK-CLOK'" "$T/last.out")
[ "$count" -eq 1 ]; ok $? "the message is printed once (rank 0), not per rank (got $count)"
done_testing
