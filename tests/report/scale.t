#!/usr/bin/env bash
# Reporting at scale (issue 16): `exabench report` and `compare` of a synthetic 1,000-node x 4-rank
# run (tests/tools/gen-scale: per-node screening, weak scaling, a node-level all-pairs record made
# by exa-comm's record code). The report names the hosts of the slow pairs and the outlier nodes;
# the heat map is binned into 64 x 64 node groups with the slow nodes' cells circled, and its
# colour scale is anchored at the median +-25% so that a 5% spread stays pale. The 6,000-node
# measure of time and memory is bench/scale.sh, not a test.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
GEN=$TOOLS/gen-scale
require_bin "$EXA" "$GEN"

check "gen-scale: 1000 nodes x 4 ranks, nodes 333 and 666 slow" "$GEN" "$T/a" --nodes 1000 --seed 1
AP=$(ls -S "$T"/a/records/*.json | head -1)   # the all-pairs record is the largest
json_true "the all-pairs record is node-level: 1000 nodes, 64 groups, no dense matrix" "$AP" \
    "r['test'] == 'allpairs' and r['results']['layout'] == 'nodes' and len(r['results']['nodes']) == 1000 \
     and r['results']['groups']['count'] == 64 and 'matrix' not in r['results'] and len(r['results']['hosts']) == 4000"
json_true "outlier nodes: jpc00334 and jpc00667 (0-based 333, 666)" "$AP" \
    "[o['host'] for o in r['results']['outlier_nodes']] == ['jpc00334', 'jpc00667']"
json_true "slow pairs: 2 nodes x 2 directions x 4 ranks x 3996 peers, less the 32 between the two, counted; the worst 1000 listed" "$AP" \
    "r['results']['slow_pairs_total']['bandwidth'] == 63904 and len(r['results']['slow_pairs']) == 1000"
expect_exit 0 "report of the 1000-node run" "$EXA" report "$T/a" --output "$T/rep"
R=$T/rep
sed -n '/^## All-pairs: slow pairs/,/^## /p' "$R/report.md" >"$T/pairs.md"
grep -q '63904 bandwidth' "$T/pairs.md"; ok $? "report: the slow pairs counted"
grep -q '^| jpc00334 | .*inter-node bandwidth .* below the median 24 GB/s' "$T/pairs.md"; ok $? "report: names jpc00334 and why"
grep -q '^| jpc00667 | ' "$T/pairs.md"; ok $? "report: names jpc00667"
grep -q '^| bandwidth | 1332 jpc00334 -> ' "$T/pairs.md"; ok $? "report: the worst pairs with ranks and hosts"
grep -q '^set cbrange \[18:30\]$' "$R/comm_allpairs_bandwidth.gp"; ok $? "heat map: colour scale anchored at 24 GB/s +-25%"
grep -q "^set palette defined (0 'red', 0.5 'white', 1 'blue')$" "$R/comm_allpairs_bandwidth.gp"; ok $? "heat map: red is slower bandwidth, white the median"
python3 - "$R/comm_allpairs_bandwidth.dat" <<'PY' >"$T/last.out" 2>&1
import sys
text = open(sys.argv[1]).read()
cells, marks = text.split("# slow pairs: column row")
rows = [l.split() for l in cells.splitlines() if l.strip() and not l.startswith("#")]
marked = {tuple(map(int, l.split())) for l in marks.splitlines() if l.strip() and not l.startswith("NaN")}
g = {333 * 64 // 1000, 666 * 64 // 1000}
want = {(c, r) for r in range(64) for c in range(64) if r in g or c in g}
print("rows", len(rows), "marked", len(marked), "want", len(want))
sys.exit(0 if len(rows) == 64 and all(len(x) == 64 for x in rows) and marked == want else 1)
PY
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
ok $rc "heat map: 64 x 64 node groups, exactly the slow nodes' group rows and columns circled"

# Anchoring: 40 nodes (one per cell) with a 5% spread (sigma) and no slow node: nothing circled,
# no cell beyond the scale, and the cells' own range covers well under the scale (autoscaling, the
# old behaviour, stretched it to the full red-to-blue range); a cell 5% off the median sits a tenth
# of the scale from white.
check "gen-scale: 40 nodes, 5% spread, no slow node" "$GEN" "$T/b" --nodes 40 --spread 5 --no-slow --seed 3
expect_exit 0 "report of the 40-node run" "$EXA" report --no-render "$T/b" --output "$T/repb"
grep -q '^set cbrange \[18:30\]$' "$T/repb/comm_allpairs_bandwidth.gp"; ok $? "40 nodes: scale anchored at 24 +-25%, not at the data's range"
grep -q '^set cbrange \[1.125:1.875\]$' "$T/repb/comm_allpairs_latency.gp"; ok $? "40 nodes: latency anchored at 1.5 us +-25%"
grep -q "^set xlabel 'peer node'$" "$T/repb/comm_allpairs_bandwidth.gp"; ok $? "40 nodes: one node per cell"
python3 - "$T/repb/comm_allpairs_bandwidth.dat" "$T/repb/comm_allpairs_latency.dat" <<'PY' >"$T/last.out" 2>&1
import sys
for f, med in zip(sys.argv[1:], (24, 1.5)):
    cells, marks = open(f).read().split("# slow pairs: column row")
    v = [float(x) for l in cells.splitlines() if l.strip() and not l.startswith("#") for x in l.split() if x.lower() != "nan"]
    lo, hi = 0.75 * med, 1.25 * med
    covered = (max(v) - min(v)) / (hi - lo)
    print(f, "cells", len(v), "range covered", round(covered, 3), "marks", marks.split())
    if len(v) != 40 * 39 or not all(lo < x < hi for x in v) or covered > 0.8 or marks.split() != ["NaN", "NaN"]:
        sys.exit(1)
PY
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
ok $rc "40 nodes: a 5% spread stays inside the scale and covers under 80% of it, no cell circled"

# The old dense form (report-gen's 8-rank matrix without medians): anchored at the cells' median.
if [ -x "$TOOLS/report-gen" ]; then
    check "report-gen: the old dense all-pairs form" "$TOOLS/report-gen" "$T/old" --seed 1
    expect_exit 0 "report of the old form" "$EXA" report --no-render "$T/old" --output "$T/repo"
    python3 - "$T/repo/comm_allpairs_bandwidth.dat" "$T/repo/comm_allpairs_bandwidth.gp" <<'PY' >"$T/last.out" 2>&1
import re, statistics, sys
cells = open(sys.argv[1]).read().split("# slow pairs: column row")[0]
v = [float(x) for l in cells.splitlines() if l.strip() and not l.startswith("#") for x in l.split() if x.lower() != "nan"]
m = statistics.median(v)
lo, hi = map(float, re.search(r"set cbrange \[([^:]+):([^\]]+)\]", open(sys.argv[2]).read()).groups())
print("median", m, "range", lo, hi)
sys.exit(0 if len(v) == 56 and abs(lo - 0.75 * m) < 1e-4 * m and abs(hi - 1.25 * m) < 1e-4 * m else 1)
PY
    rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
    ok $rc "old form: 8 x 8 rank map anchored at its median +-25%"
fi

check "gen-scale: the same run 10% slower" "$GEN" "$T/c" --nodes 1000 --seed 2 --factor 0.9
expect_exit 1 "compare of the two 1000-node runs: regressions found (exit 1)" "$EXA" compare "$T/a" "$T/c"
output_has "compare: the HPL and STREAM runs regressed, all-pairs unchanged" ' 3 unchanged, 1022 regressed, 0 cannot tell, 0 missing, 0 not comparable'
done_testing
