#!/usr/bin/env bash
# Adding a benchmark kind takes one descriptor file and no harness change: exabench-fakekind is the
# harness linked with tests/harness/kind_fake.c, a kind "fake" run by exa-fake that registers
# itself. It plans, runs and reports a suite of fake entries; the shipped exabench does not know it.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
KX=$TOOLS/exabench-fakekind
[ -x "$KX" ] && [ -x "$TOOLS/exa-fake" ] || skip_all "exabench-fakekind or exa-fake not built"
cat >"$T/fake.yaml" <<'YAML'
name: fakes
launcher: {type: local, oversubscribe: true}
benchmarks:
  - {name: quick, benchmark: fake, ranks: [1, 2]}
  - {name: slow, benchmark: fake, sleep: "0..1"}
YAML

expect_exit 2 "the shipped exabench has no kind 'fake'" "$EXA" plan "$T/fake.yaml"
output_has "and says which kinds it has" "benchmark must be hpl, stream, comm, mxp, hpl-external, hpcg-external, osu-external, stream-external or nccl-external, not 'fake'"

expect_exit 0 "plan: the fake kind expands its entries" "$KX" plan "$T/fake.yaml"
output_has "four runs: two scale steps, two sleep values" '^suite fakes \(.*\): 4 runs'
output_has "the kind names and labels its runs" '^0004-slow-ok-s1-1r  exa-fake ok sleep 1 on 1 rank$'
output_has "its binary is found next to exabench, its argv is its own" 'exa-fake --mode ok --sleep 0 --json records/0002-quick-ok-s0-2r.json'

printf '  - {name: bad, benchmark: fake, mode: segv}\n' >>"$T/fake.yaml"
expect_exit 2 "its own check refuses a bad value" "$KX" plan "$T/fake.yaml"
output_has "naming the entry and the value" "fake entry 'bad': mode must be ok or verify, not 'segv'"
sed -i '$d' "$T/fake.yaml"
printf '  - {name: bad, benchmark: fake, test: latency}\n' >>"$T/fake.yaml"
expect_exit 2 "another kind's key does not apply to it" "$KX" plan "$T/fake.yaml"
output_has "said so" "key 'test' does not apply to benchmark fake"
sed -i '$d' "$T/fake.yaml"
printf '  - {name: bad, benchmark: linpack}\n' >>"$T/fake.yaml"
expect_exit 2 "an unknown kind" "$KX" plan "$T/fake.yaml"
output_has "the list of kinds includes the registered one" "benchmark must be hpl, stream, comm, mxp, hpl-external, hpcg-external, osu-external, stream-external, nccl-external or fake, not 'linpack'"
sed -i '$d' "$T/fake.yaml"

expect_exit 0 "run: the fake suite runs" "$KX" run "$T/fake.yaml" --out "$T/res"
output_has "every run valid" '^4 of 4 runs valid'
M=$T/res/latest/manifest.json
json_true "the manifest names the kind and its planned parameters" "$M" \
    "[x['benchmark'] for x in r['runs']] == ['fake'] * 4 and r['runs'][3]['parameters'] == {'mode': 'ok', 'sleep': 1}"

expect_exit 0 "report: the fake runs are reported" "$KX" report "$T/res/latest" -o "$T/rep"
output_has "with a CSV of their own" 'fake\.csv'
grep -q '^## fake$' "$T/rep/report.md"; ok $? "report.md has a fake section"
grep -q '^| slow |  | 1 | 1 x 1 | mode=ok sleep=1 | valid | 100 |' "$T/rep/report.md"; ok $? "with each run's planned parameters and figures"
done_testing
