#!/usr/bin/env bash
# Report details of issue 13: metrics listed in numeric order of message size (latency_16B before
# latency_128B) in compare and in the report's tables and CSV; no scaling plot for a run with a
# single scale step.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
GEN=$TOOLS/report-gen
require_bin "$EXA" "$GEN"
export EXA_GNUPLOT=${EXA_GNUPLOT:-gnuplot}
python3 "$EXA_ROOT/tests/verdict/make_run.py" "$T/one" --seed 1 >/dev/null || { echo "Bail out! make_run.py"; exit 1; }

# "before A B FILE": A's first line number in FILE is smaller than B's.
before() { local a b; a=$(grep -n -m1 -E "$1" "$3" | cut -d: -f1); b=$(grep -n -m1 -E "$2" "$3" | cut -d: -f1);
           [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }

expect_exit 0 "compare a run with itself" "$EXA" compare "$T/one" "$T/one"
before ' latency_16B ' ' latency_128B ' "$T/last.out"; ok $? "compare lists latency_16B before latency_128B"
before ' latency_8K ' ' latency_16K ' "$T/last.out"; ok $? "... and latency_8K before latency_16K"
before ' bandwidth_512K ' ' bandwidth_1M ' "$T/last.out"; ok $? "... and bandwidth_512K before bandwidth_1M"

expect_exit 0 "report of a run on one node" "$EXA" report --output "$T/rep" "$T/one"
before ',latency_16B,' ',latency_128B,' "$T/rep/comm.csv"; ok $? "the CSV lists latency_16B before latency_128B"
grep -o 'latency_[0-9]*[BKM]=' "$T/rep/report.md" | head -17 | tr -d '=' >"$T/order"
python3 - "$T/order" <<'PY'
import sys
u = {'B': 1, 'K': 1024, 'M': 1048576}
names = open(sys.argv[1]).read().split()
sizes = [int(n[8:-1]) * u[n[-1]] for n in names]
sys.exit(0 if len(sizes) == 17 and sizes == sorted(sizes) else 1)
PY
ok $? "the report's metric list goes by message size (1B ... 64K)"
[ ! -e "$T/rep/hpl_scaling.gp" ] && [ ! -e "$T/rep/hpl_scaling.png" ]; ok $? "no scaling plot for a single scale step"
[ -s "$T/rep/hpl_gflops_vs_n.png" ]; ok $? "the N sweep plot is still drawn"
output_has "the plot count says so" "4 plots"

"$GEN" "$T/multi" --seed 1 >/dev/null
expect_exit 0 "report of a run on 1, 2 and 4 nodes" "$EXA" report --output "$T/rep2" --no-render "$T/multi"
[ -s "$T/rep2/hpl_scaling.gp" ]; ok $? "three scale steps: the scaling plot is there"
done_testing
