#!/usr/bin/env bash
# exabench ingest and history: ingesting the same run twice changes nothing; the trend table and
# its plot, with a BIOS change marked; bad input.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

gen "$T/r1" --seed 1 --created 2026-10-01T08:00:00Z
gen "$T/r2" --seed 2 --created 2026-11-01T08:00:00Z --bios 2.5.0 --factor 0.94 --factor-bench hpl
gen "$T/r3" --seed 3 --created 2026-12-01T08:00:00Z --bios 2.5.0 --failures
DB=$T/db/history.db
dump() { python3 -c "import sqlite3,sys; print('\n'.join(sqlite3.connect(sys.argv[1]).iterdump()))" "$DB"; }

expect_exit 0 "ingest two runs into a new database" "$EXA" ingest --db "$DB" "$T/r1" "$T/r2"
output_has "reports each run" "r2 added to .*history.db \(89 runs\)"
dump >"$T/dump1"
sum1=$(sha256sum <"$DB")
expect_exit 0 "ingesting a run again succeeds" "$EXA" ingest --db "$DB" "$T/r1"
output_has "and says nothing changed" "r1 is already in .*: nothing changed"
dump >"$T/dump2"
cmp -s "$T/dump1" "$T/dump2"; ok $? "the database content is unchanged (SQL dumps equal)"
[ "$sum1" = "$(sha256sum <"$DB")" ]; ok $? "the database file is byte-for-byte unchanged"
expect_exit 0 "ingest the third run (with failed runs)" "$EXA" ingest --db "$DB" "$T/r3" "$T/r2"
python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
runs = c.execute('select count(*) from runs').fetchone()[0]
recs = c.execute('select count(*) from records').fetchone()[0]
bad = c.execute("select count(*) from records where ok = 0").fetchone()[0]
sys.exit(0 if (runs, recs, bad) == (3, 89 + 89 + 91, 2) else 1)
PY
ok $? "3 runs, every record once, the 2 failed ones marked"

expect_exit 0 "history of HPL Gflop/s at N=32000 on 4 nodes" "$EXA" history --db "$DB" --metric gflops \
    --benchmark hpl --nodes 4 --param n=32000 --plot "$T/plots/gflops"
output_has "three runs in time order" "history of gflops, benchmark hpl .*\(3 runs, 1 case\)"
output_has "the drop after the BIOS upgrade" "2026-11-01T08:00:00Z +r2 +4 .* -[5-7]\.[0-9]% +BIOS bios_version: 2.4.1 -> 2.5.0"
output_has "the third run has no provenance change" "2026-12-01T08:00:00Z +r3 +4 .* \+[0-9.]+%  $"
is_png "$T/plots/gflops.png"; ok $? "the time-series plot is a PNG"
grep -q "set arrow from '2026-11-01T08:00:00Z'" "$T/plots/gflops.gp" && grep -q "BIOS bios_version: 2.4.1 -> 2.5.0" "$T/plots/gflops.gp"
ok $? "the BIOS change is marked on the time axis"
[ "$(grep -c '^20' "$T/plots/gflops.dat")" -eq 3 ]; ok $? "one point per run"
expect_exit 0 "failed runs are left out of the trend" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --nodes 1 --param n=4000 --no-plot
output_has "r3 still counts 4 valid repetitions" "r3 +4 "
# One series per case: without --param, the N values and grids are never one median.
expect_exit 0 "HPL on 4 nodes without --param: one series per N" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --nodes 4 --no-plot
output_has "five cases, never pooled" "history of gflops, benchmark hpl .*\(15 runs, 5 cases\)"
output_has "each case named with its parameters and scale" "case: hpl n=4000 nb=192 p=2 q=4, 4 nodes, 8 ranks x 1 threads \(3 runs\)"
output_has "... and the largest N its own" "case: hpl n=32000 nb=192 p=2 q=4, 4 nodes"
expect_exit 0 "--pool asks for one pooled series" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --nodes 4 --pool --no-plot
output_has "pooled, and said so" "\(3 runs, 1 case, pooled\)"
output_has "the pooled series" "case: every matching run pooled \(--pool\)"
# --fail-below: the newest point against the median of the window before it.
gen "$T/r4" --seed 4 --created 2027-01-01T08:00:00Z --bios 2.5.0 --factor 0.8 --factor-bench hpl
expect_exit 0 "ingest a fourth run, HPL 20% down" "$EXA" ingest --db "$DB" "$T/r4"
expect_exit 1 "--fail-below 10: the 20% drop fails" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --nodes 4 --param n=32000 --fail-below 10 --no-plot
output_has "names the run, the change, the window and the limit" "gate: hpl n=32000 .*: newest r4 -1[5-9]\.[0-9]% against the median of the 3 runs before it \(window 5\): worse than the 10% limit: FAIL"
expect_exit 0 "--fail-below 30: within" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --nodes 4 --param n=32000 --fail-below 30 --no-plot
output_has "says within" "within the 30% limit"
expect_exit 1 "--window 1: only r3 is the baseline" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --nodes 4 --param n=32000 --fail-below 10 --window 1 --no-plot
output_has "one run in the window" "against the median of the 1 run before it \(window 1\)"
expect_exit 1 "every case of the benchmark is gated" "$EXA" history --db "$DB" --metric gflops --benchmark hpl --fail-below 10 --no-plot
[ "$(grep -c ': FAIL$' "$T/last.out")" -eq 11 ]; ok $? "all 11 HPL cases fail, each on its own line"
expect_exit 0 "STREAM did not move: no failure" "$EXA" history --db "$DB" --metric triad_bandwidth --benchmark stream --fail-below 10 --no-plot
output_lacks "no FAIL" "FAIL"
expect_exit 2 "bad --fail-below" "$EXA" history --db "$DB" --metric gflops --fail-below abc
output_has "names the option" "--fail-below 'abc'"
expect_exit 2 "bad --window" "$EXA" history --db "$DB" --metric gflops --window 0
output_has "names the option" "--window '0'"
expect_exit 2 "unknown metric" "$EXA" history --db "$DB" --metric tflops --no-plot
output_has "names the metric" "unknown metric 'tflops'"
expect_exit 2 "missing database" "$EXA" history --db "$T/none.db" --metric gflops
output_has "names the database" "none.db: no history database"
expect_exit 2 "--metric is required" "$EXA" history --db "$DB"
expect_exit 2 "ingest of a missing folder" "$EXA" ingest --db "$DB" "$T/nope"
dump >"$T/dump3"
! cmp -s "$T/dump1" "$T/dump3"; ok $? "(sanity: the dump did change with the third run)"
done_testing
