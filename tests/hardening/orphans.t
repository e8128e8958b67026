#!/usr/bin/env bash
# Issue 14, with real mpirun ranks: kill -9 of mpirun and of the harness leaves the ranks running
# under init, each in a process group of its own. The attempt's tag (EXA_RUN_TAG) and cgroup
# still find them and the sweep kills them within seconds; with the attempt marked abandoned,
# a rank that finishes after its run was given up writes no record.
source "$(dirname "$0")/../lib/tap.sh"
TOOL=$TOOLS/proctrack-tool
[ -x "$TOOL" ] || skip_all "proctrack-tool not built"
command -v mpirun >/dev/null || skip_all "no mpirun"
RUN=orphans$$
MPI=(mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2)

count() { "$TOOL" members "$@" | head -n 1; }
wait_count() {  # wait_count N TAG [CGROUP]: until the attempt has at least N processes (10 s)
    local want=$1; shift
    for _ in $(seq 100); do [ "$(count "$@")" -ge "$want" ] && return 0; sleep 0.1; done
    return 1
}
cleanup() { for t in tok1 tok2 tok3 tok4; do "$TOOL" sweep "$RUN:$t" >/dev/null 2>&1; done; }
trap 'cleanup; rm -rf "$T"' EXIT

for mode in cgroup marker; do
    tok=tok1; flag=()
    [ $mode = marker ] && { tok=tok2; flag=(--no-cgroup); }
    "$TOOL" launch "${flag[@]}" "$RUN" $tok "$T/$tok.info" -- "${MPI[@]}" sleep 300 2>"$T/$tok.err" &
    H=$!
    TAG=$RUN:$tok
    wait_count 3 "$TAG"; ok $? "$mode: mpirun and its 2 ranks carry the run's tag"
    CG=$(sed -n 2p "$T/$tok.info"); MP=$(sed -n 3p "$T/$tok.info")
    [ $mode = marker ] && CG=
    mapfile -t pids < <("$TOOL" members "$TAG" $CG | tail -n +2)
    ranks=()
    for p in "${pids[@]}"; do [ "$p" != "$MP" ] && ranks+=("$p"); done
    [ ${#ranks[@]} -eq 2 ]; ok $? "$mode: two ranks besides mpirun ($MP)"
    mpgrp=$(ps -o pgid= -p "$MP" | tr -d ' ')
    other=0
    for p in "${ranks[@]}"; do [ "$(ps -o pgid= -p "$p" | tr -d ' ')" != "$mpgrp" ] && other=$((other + 1)); done
    echo "# mpirun pgid $mpgrp; ranks in other process groups: $other of 2 (what kill(-pgid) misses)"
    kill -9 "$MP" "$H"; wait "$H" 2>/dev/null
    sleep 0.5
    alive=0
    for p in "${ranks[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
    [ $alive -eq 2 ]; ok $? "$mode: the ranks outlive kill -9 of mpirun and the harness (the bug's setting)"
    [ "$(count "$TAG" $CG)" -ge 2 ]; ok $? "$mode: --resume's sweep finds the orphans"
    t0=$(date +%s.%N)
    check "$mode: the sweep kills them all" "$TOOL" sweep "$TAG" $CG
    t1=$(date +%s.%N)
    python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 5 else 1)"; ok $? "$mode: within 5 s ($(python3 -c "print(round($t1 - $t0, 2))") s)"
    gone=0
    for p in "${ranks[@]}"; do
        st=$(ps -o stat= -p "$p" 2>/dev/null | cut -c1)
        [ -z "$st" ] || [ "$st" = Z ] && gone=$((gone + 1))
    done
    [ $gone -eq 2 ]; ok $? "$mode: no rank left"
    if [ $mode = cgroup ] && [ -n "$CG" ]; then
        [ ! -e "$CG" ]; ok $? "cgroup: the attempt's cgroup is removed ($CG)"
    fi
done

# The same with exa-hpl ranks (when built): real MPI ranks busy in their factorisation.
if [ -x "$BIN/exa-hpl" ]; then
    "$TOOL" launch "$RUN" tok4 "$T/tok4.info" -- env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        "${MPI[@]}" "$BIN/exa-hpl" -N 12000 -NB 192 -P 1 -Q 2 >"$T/hpl.out" 2>&1 &
    H=$!
    wait_count 3 "$RUN:tok4"; ok $? "exa-hpl: mpirun and 2 ranks tracked"
    CG=$(sed -n 2p "$T/tok4.info"); MP=$(sed -n 3p "$T/tok4.info")
    sleep 1
    kill -9 "$MP" "$H"; wait "$H" 2>/dev/null
    sleep 0.5
    n=$(count "$RUN:tok4" $CG)
    [ "$n" -ge 2 ]; ok $? "exa-hpl: the ranks outlive kill -9 of mpirun and the harness ($n left)"
    t0=$(date +%s.%N)
    check "exa-hpl: the sweep kills them" "$TOOL" sweep "$RUN:tok4" $CG
    t1=$(date +%s.%N)
    python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 5 else 1)"; ok $? "exa-hpl: within 5 s ($(python3 -c "print(round($t1 - $t0, 2))") s)"
    [ "$(count "$RUN:tok4")" -eq 0 ]; ok $? "exa-hpl: no rank left"
else
    echo "# exa-hpl not built: its variant skipped"
fi

# The caller and its ancestors are never members, even when they carry a tag themselves.
n=$(EXA_RUN_TAG=$RUN:anc sh -c '"$1" list "$2"; :' sh "$TOOL" "$RUN")
[ "$n" = 0 ]; ok $? "a tagged caller and its tagged parent shell are not listed ($n)"

# An orphaned rank that finishes after its attempt was abandoned writes no record.
mkdir -p "$T/run/records" "$T/notes"
AF=$("$TOOL" attempt-create "$T/run" 0001-late); ok $? "attempt file created"
EXA_ATTEMPT_FILE=$AF "$TOOL" launch --no-cgroup "$RUN" tok3 "$T/tok3.info" -- \
    "${MPI[@]}" -x EXA_ATTEMPT_FILE "$TOOL" late-record "$T/notes/late.json" 3 >"$T/late.out" 2>&1 &
H=$!
wait_count 3 "$RUN:tok3"; ok $? "late ranks started"
MP=$(sed -n 3p "$T/tok3.info")
kill -9 "$MP" "$H"; wait "$H" 2>/dev/null
check "the harness marks the attempt abandoned" "$TOOL" attempt-abandon "$AF" "harness killed (test)"
grep -q '^abandoned: harness killed (test)' "$AF"; ok $? "attempt file says abandoned, with the reason"
# the orphans are not swept here: they run to their end and try to write their records
for _ in $(seq 100); do [ "$(count "$RUN:tok3")" -eq 0 ] && break; sleep 0.1; done
[ "$(count "$RUN:tok3")" -eq 0 ]; ok $? "the late ranks ended by themselves"
[ -z "$(ls "$T/notes" | grep -v refused)" ]; ok $? "no record was written by the orphans ($(ls "$T/notes" | tr '\n' ' '))"
[ "$(cat "$T"/notes/late.json.*.refused 2>/dev/null | grep -c 'marked this attempt abandoned: harness killed (test)')" -eq 2 ]
ok $? "both orphans refused, naming the harness's reason"
# the same ranks with a live attempt do write
AF2=$("$TOOL" attempt-create "$T/run" 0002-ontime)
check "a live attempt's ranks write their records" env EXA_ATTEMPT_FILE="$AF2" \
    "${MPI[@]}" -x EXA_ATTEMPT_FILE "$TOOL" late-record "$T/run/records/ontime.json" 0.1
[ -f "$T/run/records/ontime.json.0" ] && [ -f "$T/run/records/ontime.json.1" ]; ok $? "both records in place"

# ---- Through `exabench run` (issue 14's own setting): a suite of two HPL runs, 2 ranks each. ----
EXA=$BIN/exabench
if [ -x "$EXA" ] && [ -x "$BIN/exa-hpl" ]; then
cat >"$T/hpl2.yaml" <<EOF
name: orphans
launcher: {type: local, oversubscribe: true, kill_grace: 2, mpirun_args: [--bind-to, none]}
defaults: {timeout: 300, env: {OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1"}}
benchmarks:
  - {name: hpl, benchmark: hpl, binary: "$BIN/exa-hpl", ranks: 2, n: [5000, 5001], nb: 192, p: 1, q: 2}
EOF
runs_json() { python3 -c "import json,sys; m=json.load(open(sys.argv[1])); r=m['runs'][int(sys.argv[2])]; print(eval(sys.argv[3]))" "$@"; }
alive_count() { local n=0; for p in "$@"; do st=$(ps -o stat= -p "$p" 2>/dev/null | cut -c1); [ -n "$st" ] && [ "$st" != Z ] && n=$((n + 1)); done; echo $n; }
# start_and_wait OUT: the harness in the background ($H), until run 1's two exa-hpl ranks carry its tag
start_and_wait() {
    "$EXA" run "$T/hpl2.yaml" --out "$1" >"$T/$(basename "$1").out" 2>&1 &
    H=$!
    TAG=""; M=""
    for _ in $(seq 300); do
        M=$(ls "$1"/*/manifest.json 2>/dev/null | head -n1)
        [ -n "$M" ] && TAG=$(runs_json "$M" 0 "r.get('proc_tag') or ''" 2>/dev/null)
        [ -n "$TAG" ] && [ "$(pgrep -x exa-hpl | while read -r p; do tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "EXA_RUN_TAG=$TAG" && echo $p; done | wc -l)" -ge 2 ] && break
        sleep 0.1
    done
    mapfile -t RANKS < <(pgrep -x exa-hpl | while read -r p; do tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "EXA_RUN_TAG=$TAG" && echo $p; done)
    MPIRUN=$(pgrep -P "$H" | head -n1)
}

# 1. kill -9 of the harness mid-run 1: the ranks go on under init (or a subreaper above us).
# Open MPI ranks whose mpirun died go on or end on their own, at random (both seen here; stopping
# them does not help: each rank is a process group of its own, orphaned with a stopped member, so
# the kernel sends it SIGHUP); the scene is set up again (up to 3 times) until one outlives it.
for try in 1 2 3; do
    start_and_wait "$T/killh$try"
    sleep 1
    kill -9 "$H"; wait "$H" 2>/dev/null
    sleep 0.3
    ALIVE=(); for p in "${RANKS[@]}"; do [ "$(alive_count "$p")" -eq 1 ] && ALIVE+=("$p"); done
    [ ${#ALIVE[@]} -ge 1 ] && break
    echo "# try $try: no rank outlived the harness; again"
done
[ ${#RANKS[@]} -eq 2 ]; ok $? "harness: run 1's two exa-hpl ranks carried the attempt's tag (${RANKS[*]})"
D=$(dirname "$M")
OLDTOK=$(runs_json "$M" 0 "r['attempt']")
if [ ${#ALIVE[@]} -ge 1 ]; then
    ok 0 "harness: ranks outlive kill -9 of the harness (the bug's setting): ${ALIVE[*]}"
    "$EXA" run "$T/hpl2.yaml" --out "$T/killh$try" >"$T/last.out" 2>&1; rc=$?
    if [ $rc -eq 0 ] && [ "$(alive_count "${ALIVE[@]}")" -eq 0 ]; then
        skip_test "the orphans ended by themselves before the new run looked"
        skip_test "(same)"; skip_test "(same)"
    else
        [ $rc -eq 1 ]; ok $? "a new run in the same results folder refuses to start beside them (exit $rc)"
        output_has "it names the processes and their run" "pid [0-9]+ exa-hpl \\(run $(basename "$D"):"
        [ "$(ls "$T/killh$try" | grep -vc latest)" -eq 1 ]; ok $? "no run folder was made for the refused run"
    fi
else
    skip_test "Open MPI ended the orphaned ranks itself in 3 tries: nothing to refuse or sweep"
    skip_test "(same)"; skip_test "(same)"; skip_test "(same)"
fi
before=$(alive_count "${RANKS[@]}")
t0=$(date +%s.%N)
"$EXA" run --resume "$D" >"$T/resume.out" 2>&1 &
R=$!
gone_at=""
for _ in $(seq 200); do
    [ "$(alive_count "${RANKS[@]}")" -eq 0 ] && { gone_at=$(date +%s.%N); break; }
    sleep 0.05
done
wait $R; rc=$?
[ $rc -eq 0 ]; ok $? "--resume finishes both runs, exit 0 (got $rc)"
[ -n "$gone_at" ] && python3 -c "import sys; sys.exit(0 if $gone_at - $t0 < 5 else 1)"
ok $? "no exa-hpl of the old attempt left within 5 s of --resume ($(python3 -c "print(round(${gone_at:-999} - $t0, 2))") s)"
if grep -q 'stopped [0-9]* leftover process' "$T/resume.out"; then
    ok 0 "--resume says it stopped the leftovers"
    python3 - "$T/resume.out" <<'PY2'
import sys
t = open(sys.argv[1]).read()
sys.exit(0 if t.index('leftover process') < t.index('started') else 1)
PY2
    ok $? "the leftovers were stopped before the resumed run started (it was measured without them)"
elif [ "$before" -eq 0 ]; then
    skip_test "the orphans had ended by themselves before --resume"; skip_test "(same)"
else
    ok 1 "--resume says it stopped the leftovers"; ok 1 "(and before the resumed run)"
fi
json_true "run 1 lists its abandoned attempt" "$D/manifest.json" "r['runs'][0]['abandoned_attempts'][0]['token'] == '$OLDTOK' and r['runs'][0]['abandoned_attempts'][0]['why'].startswith('harness gone')"
grep -q '^abandoned: harness gone' "$D/attempts/$OLDTOK"; ok $? "the old attempt's file says abandoned"
json_true "both runs valid, run 1 measured by a new attempt" "$D/manifest.json" "[x['status'] for x in r['runs']] == ['valid', 'valid'] and r['runs'][0]['attempt'] != '$OLDTOK'"
python3 - "$D" "$OLDTOK" "${RANKS[@]}" <<'PY2'
import json, sys
d, old, ranks = sys.argv[1], sys.argv[2], set(int(x) for x in sys.argv[3:])
m = json.load(open(d + '/manifest.json'))
for r in m['runs']:
    rec = json.load(open(d + '/' + r['record']))
    env = rec['provenance']['software']['environment']
    assert not env['EXA_ATTEMPT_FILE'].endswith(old), (r['id'], 'record of the abandoned attempt accepted')
    assert env['EXA_ATTEMPT_FILE'].endswith(r['attempt']), r['id']
    top = set(t['pid'] for t in r['machine_load'].get('top', []))
    assert not (top & ranks), (r['id'], 'old ranks seen in the load sample', top & ranks)
    assert 'foreign_load' in r and 'verdict' in r['machine_load']
PY2
ok $? "no record of the abandoned attempt accepted; every record from its run's own attempt; old ranks not in the load samples"
[ "$(alive_count "${RANKS[@]}")" -eq 0 ]; ok $? "no rank of the old attempt left"

# 2. kill -9 of mpirun mid-run 1: the harness ends the ranks, records a crash, goes on to run 2;
#    --resume re-runs exactly the crashed run
start_and_wait "$T/killm"
[ -n "$MPIRUN" ] && [ ${#RANKS[@]} -eq 2 ]; ok $? "mpirun: pid $MPIRUN and its two ranks (${RANKS[*]})"
sleep 1
kill -9 "$MPIRUN"
gone=""
for _ in $(seq 100); do [ "$(alive_count "${RANKS[@]}")" -eq 0 ] && { gone=1; break; }; sleep 0.1; done
[ -n "$gone" ]; ok $? "mpirun: the harness ended both ranks within 10 s"
wait "$H"; rc=$?
[ $rc -eq 1 ]; ok $? "mpirun: the sweep ends with exit 1 (got $rc)"
D=$(dirname "$M")
json_true "mpirun: run 1 crashed (signal 9), its attempt abandoned; run 2 valid" "$D/manifest.json" "r['runs'][0]['status'] == 'crashed' and r['runs'][0]['abandoned_attempts'][0]['why'].startswith('crashed') and r['runs'][1]['status'] == 'valid'"
expect_exit 0 "--resume re-runs the crashed run" "$EXA" run --resume "$D"
json_true "exactly the crashed run ran again (attempts 2 and 1), both valid now" "$D/manifest.json" "[x['attempts'] for x in r['runs']] == [2, 1] and [x['status'] for x in r['runs']] == ['valid', 'valid'] and r['runs'][0]['previous_outcomes'][0]['status'] == 'crashed'"
else
    echo "# exabench or exa-hpl not built: the exabench run variants skipped"
fi

# 3. Deterministic leftovers: a benchmark that leaves a daemonised child (setsid, its own session,
#    not an MPI process, so it never ends by itself).
if [ -x "$EXA" ] && [ -x "$BIN/exa-stream" ]; then
cat >"$T/escaper" <<EOF
#!/bin/sh
# leaves a child behind in a session of its own, then (after \$ESC_WAIT s) runs the benchmark
setsid sleep 300 </dev/null >/dev/null 2>&1 &
sleep \${ESC_WAIT:-0}
exec "$BIN/exa-stream" "\$@"
EOF
chmod +x "$T/escaper"
esc_suite() {  # esc_suite FILE WAIT
    cat >"$1" <<EOF
name: escaper
launcher: {type: local, oversubscribe: true, kill_grace: 2}
defaults: {timeout: 120, env: {OMP_NUM_THREADS: "1", ESC_WAIT: "$2"}}
benchmarks:
  - {name: esc, benchmark: stream, binary: "$T/escaper", size: 1K..2K x2}
EOF
}
tagged_sleeps() { for p in $(pgrep -x sleep); do tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q "^EXA_RUN_TAG=$1" && echo "$p"; done; }
esc_suite "$T/esc0.yaml" 0
expect_exit 0 "escaper: both runs valid" "$EXA" run "$T/esc0.yaml" --out "$T/esc0"
RID=$(basename "$(readlink -f "$T/esc0/latest")")
[ -z "$(tagged_sleeps "$RID:")" ]; ok $? "escaper: the daemonised children of finished runs were ended with their runs"
esc_suite "$T/esc.yaml" 30
"$EXA" run "$T/esc.yaml" --out "$T/esc" >"$T/esc.out" 2>&1 &
H=$!
for _ in $(seq 300); do
    RID=$(basename "$(readlink -f "$T/esc/latest" 2>/dev/null)" 2>/dev/null)
    [ -n "$RID" ] && [ -n "$(tagged_sleeps "$RID:")" ] && break
    sleep 0.1
done
sleep 0.5
kill -9 "$H"; wait "$H" 2>/dev/null
sleep 0.5
LEFT=$(tagged_sleeps "$RID:" | tr '\n' ' ')
[ -n "$LEFT" ]; ok $? "escaper: processes of the killed run live on ($LEFT)"
expect_exit 1 "escaper: a new run in the same results folder refuses to start" "$EXA" run "$T/esc0.yaml" --out "$T/esc"
output_has "escaper: it names them" "pid [0-9]+ sleep \\(run $RID:"
output_has "escaper: and says how to stop them" "exabench run --resume FOLDER"
expect_exit 0 "escaper: a run in another results folder goes on, with a warning" "$EXA" run "$T/esc0.yaml" --out "$T/esc-other"
output_has "escaper: the warning names them" "warning: .* of an exabench run elsewhere still live"
ESC_DIR=$(readlink -f "$T/esc/latest")
sed -i 's/ESC_WAIT: "30"/ESC_WAIT: "0"/' "$ESC_DIR/manifest.json" 2>/dev/null
expect_exit 0 "escaper: --resume sweeps them and finishes" "$EXA" run --resume "$ESC_DIR"
output_has "escaper: --resume says it stopped them" "stopped [0-9]+ leftover process"
[ -z "$(tagged_sleeps "$RID:")" ]; ok $? "escaper: nothing of the run left"
json_true "escaper: the killed attempt is listed abandoned" "$ESC_DIR/manifest.json" "r['runs'][0]['abandoned_attempts'][0]['why'].startswith('harness gone')"
fi

# The benchmarks' record writers refuse an abandoned attempt (exa_record_write, exa_attempt.h).
if [ -x "$BIN/exa-stream" ] && [ -x "$BIN/exa-comm" ]; then
    AF3=$("$TOOL" attempt-create "$T/run" 0003-refuse)
    "$TOOL" attempt-abandon "$AF3" "timeout (test)"
    export EXA_ATTEMPT_FILE=$AF3 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    refuse() {  # refuse NAME CMD...: no record, the reason said
        "${@:2}" --json "$T/run/records/$1.json" >"$T/$1.refuse.out" 2>&1
        [ ! -e "$T/run/records/$1.json" ] && grep -q "not written: the harness marked this attempt abandoned" "$T/$1.refuse.out"
        ok $? "$1 writes no record for an abandoned attempt, and says why"
    }
    refuse exa-stream "$BIN/exa-stream" --size 1K --ntimes 2
    refuse exa-hpl "$BIN/exa-hpl" -N 64 -NB 16 -P 1 -Q 1
    refuse exa-comm "${MPI[@]}" -x EXA_ATTEMPT_FILE "$BIN/exa-comm" latency --message-size 1:8 --iterations 10
    unset EXA_ATTEMPT_FILE
    check "without an attempt file (by hand) the record is written" env -u EXA_ATTEMPT_FILE "$BIN/exa-stream" --size 1K --ntimes 2 --json "$T/run/records/hand.json"
fi
done_testing
