#!/usr/bin/env bash
# exabench accept: every spec in tests/data/report/accept/ names, in its header, the run it is
# checked against (# run: base | failures | slow), the exit status (# exit: N) and patterns the
# output must have (# expect: REGEX). Cases: pass, fail, missing run, failed runs, per-node fail,
# unknown metric, unknown key, malformed YAML, a JSON spec.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

gen "$T/base" --seed 1
gen "$T/failures" --seed 1 --failures
gen "$T/slow" --seed 1 --slow-host n03
n=0
for spec in "$DATA"/accept/*; do
    name=$(basename "$spec")
    run=$(sed -n 's/^# run: *//p' "$spec"); run=${run:-base}
    want=$(sed -n 's/^# exit: *//p' "$spec"); want=${want:-0}
    expect_exit "$want" "$name: exit $want against the $run run" "$EXA" accept --json "$T/$name.out.json" "$spec" "$T/$run"
    cp "$T/last.out" "$T/$name.out"
    while IFS= read -r p; do
        cp "$T/$name.out" "$T/last.out"
        output_has "$name: /$p/" "$p"
    done < <(sed -n 's/^# expect: //p' "$spec")
    if [ "$want" != 2 ]; then
        python3 - "$T/$name.out.json" "$want" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
fails = [c for c in j['criteria'] if c['result'] == 'FAIL']
ok = j['schema'] == 'exabench.acceptance' and j['accepted'] == (sys.argv[2] == '0') and len(fails) == j['failed']
sys.exit(0 if ok else 1)
PY
        ok $? "$name: the JSON verdicts agree with the exit status"
    fi
    n=$((n + 1))
done
[ "$n" -ge 8 ]; ok $? "checked $n specs"

python3 - "$T/per-node.yaml.out.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))['criteria'][0]
sys.exit(0 if [f['host'] for f in c['failed_nodes']] == ['n03'] and c['margin'] < 0 else 1)
PY
ok $? "per-node failure names n03 alone, with a negative margin"

expect_exit 2 "missing RUN folder" "$EXA" accept "$DATA/accept/pass.yaml" "$T/nope"
expect_exit 2 "missing spec" "$EXA" accept "$T/nope.yaml" "$T/base"
output_has "names the spec" "nope.yaml: No such file or directory"
expect_exit 2 "one argument only" "$EXA" accept "$T/base"
done_testing
