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
done_testing
