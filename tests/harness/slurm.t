#!/usr/bin/env bash
# Real Slurm, end to end: scripts/slurm-test-cluster.sh starts munged, slurmctld and slurmd for a
# one-node cluster in the scratch folder; a small suite runs through the slurm launcher with sbatch
# (outside an allocation) and with srun inside one (salloc); the daemons are stopped by pid at the
# end. Not being root skips the test; Slurm failing to start fails it.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
[ "$(id -u)" -eq 0 ] || skip_all "starting munged, slurmctld and slurmd needs root"
require_bin "$EXA" "$TOOLS/exa-fake"
CLUSTER=$T/cluster
export EXA_SLURM_PORT=$((17000 + RANDOM % 2000 * 2))   # two test runs at once do not collide
chmod 755 "$T"   # munged runs as the munge user, which must reach its socket under $T
stop_cluster() { "$EXA_ROOT/scripts/slurm-test-cluster.sh" stop "$CLUSTER"; }
trap 'stop_cluster; [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$T"' EXIT
unset SLURM_JOB_ID SLURM_JOBID SLURM_JOB_NODELIST SLURM_NODELIST

check "the one-node cluster starts (munged, slurmctld, slurmd)" "$EXA_ROOT/scripts/slurm-test-cluster.sh" start "$CLUSTER"
if [ "$(tail -n1 "$T/last.out" | grep -c idle)" != 1 ]; then
    sed 's/^/# /' "$T/last.out"
    done_testing
    exit 1
fi
export SLURM_CONF=$CLUSTER/slurm.conf
check "srun -n 2 works" timeout 60 srun -n 2 true

sed "s|@FAKE@|$TOOLS/exa-fake|g" "$EXA_ROOT/tests/data/harness/slurm.yaml" >"$T/slurm.yaml"

# Outside an allocation: batch scripts, sbatch, squeue/scontrol, records collected.
expect_exit 0 "--dry-run prints the batch scripts" "$EXA" run --dry-run "$T/slurm.yaml" --out "$T/dry"
output_has "a script with its #SBATCH lines" '^#SBATCH --nodes=1$'
output_has "the submit line carries sbatch_args" 'submit: sbatch --parsable --comment=exabench-test '
[ ! -e "$T/dry" ]; ok $? "dry run: nothing written or submitted"
expect_exit 1 "sbatch: the sweep ends with exit 1 (one crash, one timeout)" "$EXA" run "$T/slurm.yaml" --out "$T/batch"
output_has "submitted as a batch job" 'submitted .*step-1.sh as batch job [0-9]+'
M=$T/batch/latest/manifest.json
st() { echo "[x for x in r['runs'] if x['name'] == '$1'][0]"; }
json_true "sbatch mode recorded, the job COMPLETED" "$M" "r['launcher']['mode'] == 'sbatch' and len(r['launcher']['jobs']) == 1 and r['launcher']['jobs'][0]['state'] == 'COMPLETED'"
json_true "hpl and comm runs valid" "$M" "[x['status'] for x in r['runs'] if x['name'] in ('hpl', 'comm', 'last')] == ['valid'] * 4"
json_true "the crash: crashed, signal 11" "$M" "$(st crash)['status'] == 'crashed' and $(st crash)['signal'] == 11"
json_true "the hang: timeout" "$M" "$(st hang)['status'] == 'timeout'"
json_true "every run names its batch job" "$M" "all(x['job_id'] == r['launcher']['jobs'][0]['job_id'] for x in r['runs'])"
D=$(dirname "$M")
R=$(python3 -c "import json; print([x for x in json.load(open('$M'))['runs'] if x['name']=='comm'][0]['record'])")
json_true "the record says slurm and the srun argv" "$D/$R" "r['launch']['launcher'] == 'slurm' and r['launch']['command_line'][0] == 'srun' and r['launch']['ranks'] == 2"
[ -f "$D/slurm/step-1.sh" ] && [ -f "$D/slurm/step-1.out" ]; ok $? "batch script and its output kept"

# The harness killed while it follows its batch job: --resume follows the same job, submits nothing
# new, and collects every run once.
"$EXA" run "$T/slurm.yaml" --out "$T/kill" >"$T/kill.out" 2>&1 &
pid=$!
for _ in $(seq 300); do
    M=$(ls "$T"/kill/*/manifest.json 2>/dev/null | head -n1)
    [ -n "$M" ] && grep -q '"job_id"' "$M" && break
    sleep 0.1
done
kill -KILL $pid; wait $pid 2>/dev/null
json_true "killed after submitting: runs pending with their job" "$M" "any(x['status'] == 'pending' and x.get('job_id') for x in r['runs'])"
expect_exit 1 "--resume collects the batch job's runs" "$EXA" run --resume "$(dirname "$M")"
output_has "it follows the earlier job" 'following 1 batch job of the earlier session'
json_true "one job only: nothing resubmitted" "$M" "len(r['launcher']['jobs']) == 1"
json_true "every run collected once" "$M" "[x['status'] for x in r['runs']] == ['valid', 'valid', 'valid', 'crashed', 'timeout', 'valid'] and all(x['attempts'] == 1 for x in r['runs'])"

# Inside an allocation: srun for each run.
expect_exit 1 "salloc: the same suite through srun" salloc -N 1 -n 2 "$EXA" run "$T/slurm.yaml" --out "$T/alloc"
M=$T/alloc/latest/manifest.json
json_true "srun mode inside allocation" "$M" "r['launcher']['mode'] == 'srun' and r['launcher']['allocation']"
json_true "hpl and comm runs valid" "$M" "[x['status'] for x in r['runs'] if x['name'] in ('hpl', 'comm', 'last')] == ['valid'] * 4"
json_true "the crash: crashed, signal 11" "$M" "$(st crash)['status'] == 'crashed' and $(st crash)['signal'] == 11"
json_true "the hang: timeout" "$M" "$(st hang)['status'] == 'timeout' and $(st hang)['duration_s'] < 30"
expect_exit 0 "screen inside the allocation: one node, none flagged" salloc -N 1 -n 2 "$EXA" screen "$T/slurm.yaml" --out "$T/screen"
json_true "the node screened is the cluster's node" "$T/screen/latest/screen/screen.json" "[n['node'] for n in r['nodes']] == ['$(hostname -s)'] and r['flagged'] == []"
expect_exit 2 "screen outside an allocation is refused" "$EXA" screen "$T/slurm.yaml" --out "$T/screen2"

# Issue 14 on the real cluster. Slurm values can not become commands; --out with a space works.
slurm_suite() {  # slurm_suite FILE LAUNCHER-EXTRA ENTRIES...
    local f=$1 extra=$2; shift 2
    { echo "name: h14"
      echo "launcher: {type: slurm, poll_interval: 0.5, kill_grace: 2, srun_args: [--mpi=pmix]$extra}"
      echo "defaults: {timeout: 60}"
      echo "benchmarks:"
      for e in "$@"; do echo "  - $e"; done; } >"$f"
}
PW=$T/pwned
slurm_suite "$T/pay.yaml" ", mode: sbatch" "{name: pay, benchmark: stream, binary: \"$TOOLS/exa-fake\", extra_args: [\"x'; touch $PW.q; '\", \"\$(touch $PW.sub)\", \"\`touch $PW.bt\`\"], env: {EXA_PAYLOAD: \"a\\nb; touch $PW.env\"}}"
expect_exit 0 "payloads in extra_args and env through a real batch job: the run is valid" "$EXA" run "$T/pay.yaml" --out "$T/pay"
ls "$PW".* >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "no payload ran in the batch job"
R=$(python3 -c "import json; m=json.load(open('$T/pay/latest/manifest.json')); print(m['runs'][0]['record'])")
json_true "the arguments reached the benchmark unchanged" "$T/pay/latest/$R" "r['parameters']['argv'][-5:-2] == [\"x'; touch $PW.q; '\", '\$(touch $PW.sub)', '\`touch $PW.bt\`']"
for f in partition account qos time_limit; do
    slurm_suite "$T/bad.yaml" ", mode: sbatch, $f: \"debug\\ntouch $PW.$f\"" "{name: s, benchmark: stream, binary: \"$TOOLS/exa-fake\"}"
    expect_exit 2 "$f with a newline: refused before anything is submitted" "$EXA" run "$T/bad.yaml" --out "$T/bad"
done
ls "$PW".* "$T/bad" >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "nothing ran, no run folder"
slurm_suite "$T/one.yaml" ", mode: sbatch" "{name: one, benchmark: stream, binary: \"$TOOLS/exa-fake\"}"
expect_exit 0 "--out with a space: the batch job runs and its record is collected" "$EXA" run "$T/one.yaml" --out "$T/with space"
[ -s "$(echo "$T/with space"/latest/slurm/step-1.out)" ] || [ -f "$T/with space/latest/slurm/step-1.out" ]
ok $? "the job's output file is in the folder with a space"

# kill -9 of the harness mid-run inside an allocation (srun), then --resume: no process of the old
# attempt within a few seconds, no record of it accepted, both runs valid.
slurm_suite "$T/orph.yaml" "" "{name: slow, benchmark: stream, binary: \"$TOOLS/exa-fake\", extra_args: [--sleep, \"20\"]}" \
    "{name: after, benchmark: stream, binary: \"$TOOLS/exa-fake\"}"
salloc -N 1 -n 2 "$EXA" run "$T/orph.yaml" --out "$T/orph" >"$T/orph.out" 2>&1 &
SA=$!
TAG=""
tagged() { for p in $(ls /proc | grep -E '^[0-9]+$'); do tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "EXA_RUN_TAG=$1" && echo "$p"; done; }
for _ in $(seq 300); do
    M=$(ls "$T"/orph/*/manifest.json 2>/dev/null | head -n1)
    [ -n "$M" ] && TAG=$(python3 -c "import json; print(json.load(open('$M'))['runs'][0].get('proc_tag') or '')" 2>/dev/null)
    [ -n "$TAG" ] && [ -n "$(tagged "$TAG")" ] && break
    sleep 0.2
done
[ -n "$TAG" ] && [ -n "$(tagged "$TAG")" ]; ok $? "srun: the run's processes carry its tag ($(tagged "$TAG" | tr '\n' ' '))"
HP=$(pgrep -P "$SA" | head -n1)
kill -9 "$HP"; wait "$SA" 2>/dev/null
D=$(dirname "$M")
t0=$(date +%s)
expect_exit 0 "srun: --resume inside a new allocation finishes both runs" salloc -N 1 -n 2 "$EXA" run --resume "$D"
[ -z "$(tagged "$TAG")" ]; ok $? "srun: no process of the old attempt left after --resume ($(( $(date +%s) - t0 )) s)"
json_true "srun: both runs valid, the killed one by a new attempt, the old one listed abandoned" "$D/manifest.json" "[x['status'] for x in r['runs']] == ['valid', 'valid'] and r['runs'][0]['proc_tag'] != '$TAG' and r['runs'][0]['abandoned_attempts'][0]['why'].startswith('harness gone')"

# A rank killed by a signal while its peer waits: srun's --kill-on-bad-exit ends the step, so the
# run is a crash, not a timeout.
slurm_suite "$T/bad.yaml" "" "{name: crash2, benchmark: stream, binary: \"$TOOLS/exa-fake\", ranks: 2, extra_args: [--mode, segv], timeout: 40}"
expect_exit 1 "srun: one of two ranks dies of SIGSEGV" salloc -N 1 -n 2 "$EXA" run "$T/bad.yaml" --out "$T/bad2"
json_true "srun: recorded crashed (not timeout) well before the timeout" "$T/bad2/latest/manifest.json" "r['runs'][0]['status'] == 'crashed' and r['runs'][0]['duration_s'] < 30 and '--kill-on-bad-exit=1' in r['runs'][0]['command']"

# Stopping: by the pids in the pid files; no daemon of this cluster is left.
pids=$(cat "$CLUSTER/slurmctld.pid" "$CLUSTER/slurmd.pid" "$CLUSTER/munge/munged.pid" 2>/dev/null)
check "stop the cluster" "$EXA_ROOT/scripts/slurm-test-cluster.sh" stop "$CLUSTER"
alive=0
for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
ok $alive "the daemons are gone"
done_testing
