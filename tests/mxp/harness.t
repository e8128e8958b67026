#!/usr/bin/env bash
# exa-mxp as a harness kind: a suite entry `benchmark: mxp` plans, runs at two scale steps, and
# reports; compare of the run with itself finds nothing; bad entry keys are named with file:line.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
require_bin "$EXA" "$BIN/exa-mxp"

cat > "$T/mxp.yaml" <<'YAML'
name: mxp-kind
launcher:
  type: local
  oversubscribe: true
  mpirun_args: [--bind-to, none]
defaults:
  timeout: 5m
  threads_per_rank: 1
benchmarks:
  - name: hpl
    benchmark: hpl
    ranks: 2
    n: 600
    nb: 64
  - name: mxp
    benchmark: mxp
    ranks: [1, 2]
    n: [400, 600]
    nb: 64
    precision: fp32
    max_iter: 20
YAML
expect_exit 0 "plan of an mxp entry" "$EXA" plan "$T/mxp.yaml"
output_has "plan: exa-mxp's command line with the grid and precision" \
    "exa-mxp -N 600 --nb 64 -P 1 -Q 2 --max-iter 20 --precision fp32 --json"
expect_exit 0 "run at 1 and 2 ranks" "$EXA" run "$T/mxp.yaml" --out "$T/res"
output_has "five valid runs" "5 of 5 runs valid"
run=$(ls -d "$T"/res/*/ | head -n1)
json_true "records: benchmark mxp, converged, the planned parameters" "$run/manifest.json" \
    "len(r['runs'])==5 and all(x['status']=='valid' for x in r['runs'])"
expect_exit 0 "report of the run" "$EXA" report "$run" -o "$T/rep"
check "report has an mxp section with its figures" grep -q "^## mxp" "$T/rep/report.md"
check "report lists factor_gflops and iterations" grep -q "factor_gflops (Gflop/s).*iterations (count)" "$T/rep/report.md"
expect_exit 0 "compare of the run with itself" "$EXA" compare "$run" "$run"
check "report summary: the HPL-MxP figure beside Rmax" grep -qE "^\| HPL-MxP \| [0-9.]+ Gflop/s at N=(400|600) \(fp32\)" "$T/rep/report.md"

# submit carries the HPL-MxP figure beside Rmax; rank --by mxp ranks by it
cat > "$T/sys.yaml" <<'YAML'
name: MxP box
site: Test site
interconnect: shared memory
accelerators: none
rpeak_per_node_gflops: 100000
memory_per_node_gib: 8
YAML
expect_exit 0 "submit of the run" "$EXA" submit "$run" --system "$T/sys.yaml" -o "$T/sub.json"
json_true "submission: hpl_mxp_gflops is the best mxp run's rate, at its N" "$T/sub.json" \
    "r['summary']['hpl_mxp_gflops'] > 0 and r['summary']['hpl_mxp_n'] in (400, 600) and r['summary']['rmax_gflops'] > 0"
expect_exit 0 "rank --by mxp" "$EXA" rank --by mxp "$T/sub.json"
output_has "rank names the figure" "HPL-MxP"
check "forge: HPL-MxP raised 10% and re-sealed" "$TOOLS/report-forge" "$T/sub.json" "$T/forged.json" --mxp-inflate
expect_exit 1 "rank refuses the forged HPL-MxP figure" "$EXA" rank --by mxp "$T/forged.json"
output_has "says the records do not show it" "HPL-MxP .* Gflop/s is not what its exa-mxp records show"

sed 's/precision: fp32/precision: fp8/' "$T/mxp.yaml" > "$T/bad.yaml"
expect_exit 2 "unknown precision in the suite" "$EXA" plan "$T/bad.yaml"
output_has "named with file and line" "bad.yaml:[0-9]+:[0-9]+: .*precision: 'fp8' is not one of"
sed '/^    n: \[400, 600\]/d' "$T/mxp.yaml" > "$T/non.yaml"
expect_exit 2 "an mxp entry without sizes" "$EXA" plan "$T/non.yaml"
output_has "says what is missing" "mxp entry 'mxp': give the sizes 'n'"
done_testing
