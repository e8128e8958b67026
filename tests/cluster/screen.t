#!/usr/bin/env bash
# Screening on the virtual cluster (tests/data/cluster/screen.yaml): exa-n2's CPU is capped to 1%
# of a core (its slurmd's cgroup, inherited by its tasks); `salloc -N4 exabench run --screen`
# screens the 4 nodes with single-node HPL, flags exa-n2 with its reason, and every later run
# leaves it out (srun --exclude; the records' hosts). The rule is set to 70% under the median
# with no MAD term: 4 nodes sharing 2 busy cores are too noisy for the default rule.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"
cluster_gate
vc_start 4
check "cap exa-n2's CPU to 1%" vc cpu exa-n2 1
t0=$SECONDS
expect_exit_long 0 "salloc -N4 run --screen: the runs after screening are valid" "${ON_CLIENT[@]}" salloc -N4 "$EXA" run --screen "$EXA_ROOT/tests/data/cluster/screen.yaml" --out "$T/scr"
ok 0 "the session took $((SECONDS - t0)) s"
output_has "the screen names exa-n2 and why" 'exa-n2: exa-hpl: gflops [0-9.e+-]+ is below the cut-off'
D=$(readlink -f "$T/scr/latest")
M=$D/manifest.json
json_true "screen.json: exa-n2 and only exa-n2 flagged" "$D/screen/screen.json" "r['flagged'] == ['exa-n2'] and [n['node'] for n in r['nodes'] if n['flagged']] == ['exa-n2']"
json_true "screen.json: its reason names the metric and the cut-off" "$D/screen/screen.json" "any('below the cut-off' in s for n in r['nodes'] if n['node'] == 'exa-n2' for s in n['reasons'])"
[ "$(cat "$D/screen/flagged-nodes.txt" | grep -v '^#')" = exa-n2 ]; ok $? "flagged-nodes.txt: exa-n2"
json_true "manifest: excluded_nodes == [exa-n2], screen.flagged == [exa-n2]" "$M" "r['excluded_nodes'] == ['exa-n2'] and r['screen']['flagged'] == ['exa-n2']"
json_true "manifest: the reason exa-n2 was left out (screen.reasons)" "$M" "list(r['screen']['reasons']) == ['exa-n2'] and any('below the cut-off' in s for s in r['screen']['reasons']['exa-n2'])"
json_true "every later run: srun --exclude=exa-n2" "$M" "len(r['runs']) == 3 and all('--exclude=exa-n2' in x['command'] for x in r['runs'])"
json_true "every later run valid" "$M" "all(x['status'] == 'valid' for x in r['runs'])"
bad=0
for rec in $(json_py "$M" "' '.join(x['record'] for x in r['runs'])"); do
    json_py "$D/$rec" "'exa-n2' not in r['launch']['hosts'] and 'exa-n2' not in [p['hostname'] for p in r['provenance']['nodes']]" | grep -q True || { echo "# $rec ran on exa-n2"; bad=1; }
done
ok $bad "no record's hosts include exa-n2"
json_true "the 3-node HPL ran on exa-n1, exa-n3, exa-n4" "$D/records/0001-hpl-n256-1x3-3n.json" "sorted(r['launch']['hosts']) == ['exa-n1', 'exa-n3', 'exa-n4']"
check "uncap exa-n2" vc cpu exa-n2 off
check "stop" vc stop
check "nothing left" vc check
done_testing
