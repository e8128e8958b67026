#!/usr/bin/env bash
# exabench compare's gate on whole results folders (issue 13, "Done when"): one run a side judged
# by the tolerance and by exa-hpl's within-run samples, missing runs, and the false-alarm and
# detection rates over 20 seeds. Folders come from tests/verdict/make_run.py (real records of
# tests/data/verdict) and report-gen (a full synthetic quick-suite-like run, 4 repetitions).
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
GEN=$TOOLS/report-gen
require_bin "$EXA" "$GEN"
MK=(python3 "$EXA_ROOT/tests/verdict/make_run.py")
mk() { "${MK[@]}" "$@" >/dev/null || { echo "Bail out! make_run.py $*"; exit 1; }; }
gen() { local d=$1; shift; "$GEN" "$d" --run-id "$(basename "$d")" "$@" >/dev/null || { echo "Bail out! report-gen $d"; exit 1; }; }

# One repetition a side, without within-run samples: the tolerance alone, said in words.
mk "$T/one" --seed 1 --no-within
mk "$T/cut30" --seed 1 --no-within --factor 0.7 --factor-bench hpl
mk "$T/cut1" --seed 1 --no-within --factor 0.99 --factor-bench hpl
expect_exit 1 "one run a side, HPL cut 30%: exit 1" "$EXA" compare "$T/one" "$T/cut30"
output_has "the sentence of the tolerance verdict" "hpl .* gflops .*REGRESSED: 1 vs 1 sample: -30\.0% beyond the 3% tolerance: regressed"
output_lacks "no 'not comparable' for one sample a side" "not comparable \(too few|too few samples"
expect_exit 0 "one run a side, HPL cut 1%: exit 0" "$EXA" compare "$T/one" "$T/cut1"
output_has "within the tolerance" "gflops .*unchanged: 1 vs 1 sample: -1\.0% within the 3% tolerance"
expect_exit 0 "--tol raises the tolerance past a 30% cut" "$EXA" compare --tol 'hpl/*=45' "$T/one" "$T/cut30"
printf '# site tolerances\nhpl/gflops 0.5   # tight\n' >"$T/tight.tol"
expect_exit 1 "a tolerance file tightens it below a 1% cut" "$EXA" compare --tolerance "$T/tight.tol" "$T/one" "$T/cut1"
output_has "the file and line are the basis" "gflops .*REGRESSED: 1 vs 1 sample: -1\.0% beyond the 0\.5% tolerance"

# One run a side WITH exa-hpl's within-run update rates: a real test with a stated confidence.
for s in 1 2 3 4 5; do
    mk "$T/wb$s" --seed $((10 * s)) --within-noise 3
    mk "$T/w5$s" --seed $((10 * s + 1)) --within-noise 3 --factor 0.95 --factor-bench hpl
    mk "$T/w1$s" --seed $((10 * s + 2)) --within-noise 3 --factor 0.99 --factor-bench hpl
done
reg5=0 reg1=0
for s in 1 2 3 4 5; do
    "$EXA" compare --json "$T/j5$s.json" "$T/wb$s" "$T/w5$s" >"$T/o5$s" 2>&1
    python3 - "$T/j5$s.json" <<'PY' && reg5=$((reg5 + 1))
import json, sys
j = json.load(open(sys.argv[1]))
c = [c for c in j['comparisons'] if c['benchmark'] == 'hpl' and c['metric'] == 'update_rate'][0]
b = c['basis']
sys.exit(0 if c['verdict'] == 'regressed' and b['method'] == 'within-run-batches' and b['p_adjusted'] < 0.05
         and b['ci']['low'] < -0.05 < b['ci']['high'] and b['within_base'] >= 25 else 1)
PY
    "$EXA" compare --json "$T/j1$s.json" "$T/wb$s" "$T/w1$s" >"$T/o1$s" 2>&1
    python3 - "$T/j1$s.json" <<'PY' || reg1=$((reg1 + 1))
import json, sys
j = json.load(open(sys.argv[1]))
c = [c for c in j['comparisons'] if c['benchmark'] == 'hpl' and c['metric'] == 'update_rate'][0]
sys.exit(0 if c['verdict'] != 'regressed' and c['basis']['method'] == 'within-run-batches' else 1)
PY
done
echo "# within-run, one run a side: 5% HPL slowdown regressed in $reg5 of 5 seeds, 1% change regressed in $reg1 of 5"
[ "$reg5" -eq 5 ]; ok $? "within-run samples: a 5% HPL slowdown is 'regressed' (5 of 5 seeds, CI holds -5%)"
[ "$reg1" -eq 0 ]; ok $? "within-run samples: a 1% change is not (0 of 5 seeds)"
grep -q "update_rate .*within-run-batches .*REGRESSED: -[4-6]\.[0-9]% (95% CI " "$T/o51"
ok $? "the table names the method and the interval"
grep -Eq "family correction: Benjamini-Hochberg over [0-9]+ tested metric" "$T/o51"
ok $? "the correction is stated in the output"

# A benchmark, a test or a scale of BASE absent from NEW is missing: exit 1 unless allowed.
mk "$T/nostream" --seed 1 --no-within --drop stream
expect_exit 1 "NEW missing a benchmark: exit 1" "$EXA" compare --json "$T/miss.json" "$T/one" "$T/nostream"
output_has "named as missing" "stream .*MISSING: missing in NEW: stream on 1 node.*fails; --allow-missing accepts it"
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['summary']['missing'] == 1 and any(c['verdict'] == 'missing' and c['fails'] for c in j['comparisons']) else 1)" "$T/miss.json"
ok $? "the JSON carries the missing verdict, failing"
expect_exit 0 "--allow-missing accepts it" "$EXA" compare --allow-missing "$T/one" "$T/nostream"
output_has "and says so" "accepted: --allow-missing"
mk "$T/nobw" --seed 1 --no-within --drop comm/bw
expect_exit 1 "NEW missing one test of a benchmark: exit 1" "$EXA" compare "$T/one" "$T/nobw"
output_has "the test named" "MISSING: missing in NEW: comm bw"
expect_exit 0 "BASE missing what NEW has is not a failure" "$EXA" compare "$T/nobw" "$T/one"
output_has "only in NEW" "only in NEW: no matching run in BASE"

# Noise alone: 20 pairs of synthetic runs, 10% noise, no change: compare exits 0 in >= 19.
fa=0
for s in $(seq 1 20); do
    gen "$T/na$s" --seed $((100 + 2 * s)) --noise 10
    gen "$T/nb$s" --seed $((101 + 2 * s)) --noise 10
    "$EXA" compare "$T/na$s" "$T/nb$s" >"$T/noise$s.out" 2>&1 || fa=$((fa + 1))
    rm -rf "$T/na$s" "$T/nb$s"
done
echo "# 10% noise, no change: compare failed in $fa of 20 seeds"
[ "$fa" -le 1 ]; ok $? "noise alone fails at most 1 of 20 compares ($fa)"
# A 5% HPL slowdown under 1% noise is still caught, and nothing else is flagged.
det=0 all=0 other=0
for s in $(seq 1 20); do
    gen "$T/da$s" --seed $((300 + 2 * s)) --noise 1
    gen "$T/db$s" --seed $((301 + 2 * s)) --noise 1 --factor 0.95 --factor-bench hpl
    "$EXA" compare --json "$T/det.json" "$T/da$s" "$T/db$s" >/dev/null 2>&1 && continue
    python3 - "$T/det.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
hpl = [c for c in j['comparisons'] if c['benchmark'] == 'hpl' and c['metric'] == 'gflops']
others = [c for c in j['comparisons'] if c['benchmark'] != 'hpl' and c['verdict'] == 'regressed']
if others:
    sys.exit(3)
sys.exit(0 if len(hpl) == 11 and all(c['verdict'] == 'regressed' for c in hpl) else
         1 if any(c['verdict'] == 'regressed' for c in hpl) else 2)
PY
    case $? in 0) det=$((det + 1)); all=$((all + 1)) ;; 1) det=$((det + 1)) ;; 3) other=$((other + 1)) ;; esac
    rm -rf "$T/da$s" "$T/db$s"
done
echo "# 5% HPL slowdown, 1% noise: caught (exit 1 on HPL gflops) in $det of 20 seeds, all 11 HPL gflops rows regressed in $all; other rows flagged in $other"
[ "$det" -ge 19 ]; ok $? "a 5% HPL slowdown under 1% noise is caught ($det of 20)"
[ "$other" -eq 0 ]; ok $? "and nothing else is flagged"
done_testing
