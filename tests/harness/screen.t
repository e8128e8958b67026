#!/usr/bin/env bash
# Node screening with the local launcher and labelled "nodes" (all run here; exa-fake reports the
# figure EXA_FAKE_VALUES gives each label): the slow node and the node whose run crashed are
# flagged by median and MAD, the list is written, and `run --screen` excludes them.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
require_bin "$EXA" "$TOOLS/exa-fake"
sed "s|@FAKE@|$TOOLS/exa-fake|g" "$EXA_ROOT/tests/data/harness/screen.yaml" >"$T/screen.yaml"

export EXA_FAKE_VALUES="n1=100,n2=98,n3=50,n4=101,n5=99"
expect_exit 1 "screen flags a slow node: exit 1" "$EXA" screen "$T/screen.yaml" --out "$T/a"
output_has "prints the flagged node" '^  n3$'
S=$T/a/latest/screen
[ "$(cat "$S/flagged-nodes.txt")" = n3 ]; ok $? "flagged-nodes.txt lists n3 only"
json_true "screen.json: median and MAD of the HPL figures" "$S/screen.json" "r['benchmarks']['hpl']['median'] == 99 and r['benchmarks']['hpl']['mad'] == 1 and r['benchmarks']['hpl']['metric'] == 'fake_gflops'"
json_true "screen.json: STREAM uses triad_bandwidth" "$S/screen.json" "r['benchmarks']['stream']['metric'] == 'triad_bandwidth'"
json_true "screen.json: n3 flagged with reasons, n2 not" "$S/screen.json" "[n for n in r['nodes'] if n['flagged']] == [r['nodes'][2]] and len(r['nodes'][2]['reasons']) == 2"
json_true "cut-off = median - max(10% of median, 3 x 1.4826 x MAD)" "$S/screen.json" "abs(r['benchmarks']['hpl']['cutoff'] - 89.1) < 1e-9"
[ "$(ls "$S/records" | wc -l)" -eq 10 ]; ok $? "one record per node and benchmark"

export EXA_FAKE_VALUES="n1=100,n2=100,n3=100,n4=100,n5=100"
expect_exit 0 "equal nodes: none flagged, exit 0" "$EXA" screen "$T/screen.yaml" --out "$T/b"
[ ! -s "$T/b/latest/screen/flagged-nodes.txt" ]; ok $? "empty flagged list"

export EXA_FAKE_MODES="n4=segv"
export EXA_FAKE_VALUES="n1=100,n2=97,n3=100,n4=100,n5=103"
expect_exit 0 "run --screen: the sweep runs after screening" "$EXA" run --screen "$T/screen.yaml" --out "$T/c"
M=$T/c/latest/manifest.json
json_true "a node whose run crashed is flagged and excluded" "$M" "r['excluded_nodes'] == ['n4'] and r['screen']['flagged'] == ['n4']"
json_true "manifest: why n4 was left out (screen.reasons)" "$M" "r['screen']['reasons'] == {'n4': ['exa-hpl: crashed', 'exa-stream: crashed']}"
json_true "screen.json says why" "$(dirname "$M")/screen/screen.json" "r['nodes'][3]['reasons'][0] == 'exa-hpl: crashed' and r['nodes'][3]['results']['hpl']['status'] == 'crashed'"
json_true "n2 at 97% of the median is within the 10% threshold" "$(dirname "$M")/screen/screen.json" "not r['nodes'][1]['flagged']"
unset EXA_FAKE_MODES EXA_FAKE_VALUES

# With Slurm, excluded nodes reach srun and sbatch (dry run: nothing is submitted).
printf 'badnode1\n# a comment\nbadnode2\n' >"$T/exclude.txt"
expect_exit 0 "run --dry-run --exclude-file with the sbatch launcher" \
    "$EXA" run --dry-run --exclude-file "$T/exclude.txt" "$EXA_ROOT/tests/data/harness/plan/hpl-weak-slurm.yaml" --out "$T/d"
output_has "batch script excludes the nodes" '^#SBATCH --exclude="?badnode1,badnode2"?$'
output_has "srun excludes them too" 'srun --nodes=8 --ntasks=32 --ntasks-per-node=4 --cpus-per-task=1 --kill-on-bad-exit=1 --exclude=badnode1,badnode2'
output_has "one script per scale step" 'step-4.sh'
output_has "partition from the suite" '^#SBATCH --partition="?batch"?$'
[ ! -e "$T/d" ]; ok $? "a dry run writes nothing"
expect_exit 2 "screen without a screen section" "$EXA" screen "$EXA_ROOT/tests/data/harness/plan/hpl-strong.yaml"
done_testing
