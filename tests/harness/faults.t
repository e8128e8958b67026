#!/usr/bin/env bash
# Fault injection: runs that crash (SIGSEGV), hang past their timeout, exit 1, print garbage, write
# half a JSON file, fail verification or exit 2 are each recorded with the right status, exit code or
# signal and log tail, and the sweep goes on to the runs after them.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
FAKE=$TOOLS/exa-fake
require_bin "$EXA" "$FAKE"
# A private copy, so that looking for leftover processes sees only this test's.
cp "$FAKE" "$T/exa-fake-faults" && FAKE=$T/exa-fake-faults
sed "s|@FAKE@|$FAKE|g" "$EXA_ROOT/tests/data/harness/faults.yaml" >"$T/faults.yaml"

expect_exit 1 "a sweep with failures exits 1" "$EXA" run "$T/faults.yaml" --out "$T/res"
output_has "summary counts the valid runs" '^3 of 10 runs valid'
M=$T/res/latest/manifest.json
[ -f "$M" ]; ok $? "manifest.json written"
st() { echo "[r for r in r['runs'] if r['name'] == '$1'][0]"; }
json_true "manifest schema" "$M" "r['schema'] == 'exabench.manifest' and r['schema_version'] == 1"
json_true "10 runs, none pending" "$M" "len(r['runs']) == 10 and all(x['status'] != 'pending' for x in r['runs'])"
json_true "good runs valid with records" "$M" "[x['status'] for x in r['runs'] if x['name'] == 'good'] == ['valid', 'valid'] and all(x['record'] for x in r['runs'] if x['name'] == 'good')"
json_true "SIGSEGV: crashed, signal 11" "$M" "$(st segv)['status'] == 'crashed' and $(st segv)['signal'] == 11 and $(st segv)['record'] is None"
json_true "SIGSEGV: log tail kept" "$M" "'Segmentation fault' in $(st segv)['log_tail']"
json_true "hang: timeout" "$M" "$(st hang)['status'] == 'timeout' and $(st hang)['duration_s'] < 20"
json_true "exit 1 without record: failed, exit 1" "$M" "$(st exit1)['status'] == 'failed' and $(st exit1)['exit_code'] == 1"
json_true "garbage: invalid-output" "$M" "$(st garbage)['status'] == 'invalid-output' and 'not valid JSON' in $(st garbage)['record_error']"
json_true "half a JSON file: invalid-output" "$M" "$(st half)['status'] == 'invalid-output' and $(st half)['exit_code'] == 0"
json_true "failed verification: verification-failed, exit 1" "$M" "$(st verify)['status'] == 'verification-failed' and $(st verify)['exit_code'] == 1 and $(st verify)['record']"
json_true "exit 2: failed" "$M" "$(st usage)['status'] == 'failed' and $(st usage)['exit_code'] == 2"
json_true "the sweep went on to the last run" "$M" "$(st last)['status'] == 'valid'"
json_true "every run has timestamps and a log" "$M" "all(x['started'] and x['finished'] and x['log'] for x in r['runs'])"
D=$(dirname "$M")
R=$(python3 -c "import json,sys; print([x for x in json.load(open('$M'))['runs'] if x['name']=='last'][0]['record'])")
json_true "the record carries the launcher and exact argv" "$D/$R" "r['launch']['launcher'] == 'local' and r['launch']['command_line'][0] == 'mpirun' and r['launch']['command_line'][-2:] == ['--json', '$R']"
json_true "manifest command equals the record's" "$M" "$(st last)['command'] == json.load(open('$D/$R'))['launch']['command_line']"
[ "$(ls "$D/logs" | wc -l)" -eq 10 ]; ok $? "one log per run"
pgrep -f "$FAKE" >/dev/null; [ $? -ne 0 ]; ok $? "no exa-fake process left behind (the hung one was killed)"
done_testing
