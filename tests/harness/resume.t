#!/usr/bin/env bash
# SIGKILL of the harness mid-sweep, then --resume: every run ends with exactly one record, none is
# lost or run twice. Also: a complete record left by a run the harness did not see finish is
# adopted, and a broken one is kept while the new attempt writes under a new name.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
require_bin "$EXA" "$TOOLS/exa-fake"
cp "$TOOLS/exa-fake" "$T/exa-fake-resume" && FAKE=$T/exa-fake-resume
sed "s|@FAKE@|$FAKE|g" "$EXA_ROOT/tests/data/harness/slow.yaml" >"$T/slow.yaml"

"$EXA" run "$T/slow.yaml" --out "$T/res" >"$T/run1.out" 2>&1 &
pid=$!
M=""
for _ in $(seq 600); do
    M=$(ls "$T"/res/*/manifest.json 2>/dev/null | head -n1)
    if [ -n "$M" ] && python3 -c "
import json, sys
m = json.load(open('$M'))
done = sum(r['status'] != 'pending' for r in m['runs'])
running = any(r['status'] == 'pending' and r.get('pgid') for r in m['runs'])
sys.exit(0 if done >= 2 and running else 1)" 2>/dev/null; then break; fi
    sleep 0.1
done
kill -KILL $pid
wait $pid 2>/dev/null
true
D=$(dirname "$M")
json_true "killed mid-sweep: some runs done, some pending" "$M" "0 < sum(x['status'] == 'valid' for x in r['runs']) < 6 and any(x['status'] == 'pending' for x in r['runs'])"
for _ in $(seq 50); do pgrep -f "$FAKE" >/dev/null || break; sleep 0.1; done
pgrep -f "$FAKE" >/dev/null; [ $? -ne 0 ]; ok $? "the run in flight died with the harness"

# Two pending runs get files in their record's place: a complete record (adopted) and half a one.
python3 - "$M" "$D" <<'PY'
import json, sys, shutil
m = json.load(open(sys.argv[1])); d = sys.argv[2]
pending = [r for r in m['runs'] if r['status'] == 'pending']
valid = [r for r in m['runs'] if r['status'] == 'valid']
shutil.copy(d + '/' + valid[0]['record'], d + '/' + pending[-2]['record'])
text = open(d + '/' + valid[0]['record']).read()
open(d + '/' + pending[-1]['record'], 'w').write(text[: len(text) // 2])
open(d + '/ids', 'w').write(pending[-2]['id'] + ' ' + pending[-1]['id'])
PY
read -r adopted broken <"$D/ids"
before=$(python3 -c "import json; print(sum(r['status']=='valid' for r in json.load(open('$M'))['runs']))")

expect_exit 0 "--resume finishes the sweep, all valid" "$EXA" run --resume "$(basename "$D")" --out "$T/res"
output_has "summary: 6 of 6" '^6 of 6 runs valid'
json_true "no run pending" "$M" "all(x['status'] == 'valid' for x in r['runs'])"
json_true "runs done before the kill were not run again" "$M" "sum(x['attempts'] == 1 for x in r['runs']) >= $before"
json_true "record names are distinct" "$M" "len(set(x['record'] for x in r['runs'])) == 6"
json_true "the complete record was adopted, not rerun" "$M" "[x for x in r['runs'] if x['id'] == '$adopted'][0]['note'].startswith('record adopted on resume')"
json_true "the broken record was kept, the rerun wrote a new one" "$M" "[x for x in r['runs'] if x['id'] == '$broken'][0]['record'] == 'records/$broken.a2.json' and [x for x in r['runs'] if x['id'] == '$broken'][0]['previous_records'] == ['records/$broken.json']"
# The run in flight at the kill may have put its record in place before the harness noted it: its
# attempt was abandoned by --resume, so that record is set aside (kept, not accepted) and the run
# measured again (issue 14).
python3 - "$M" "$D" <<'PY' >"$T/records.out" 2>&1
import json, os, sys
m = json.load(open(sys.argv[1])); d = sys.argv[2]
named = [r['record'] for r in m['runs']] + [p for r in m['runs'] for p in r.get('previous_records', [])]
files = sorted('records/' + f for f in os.listdir(d + '/records'))
bad = [f + ': in records/, named by no run' for f in files if f not in named]
bad += [f + ': named, missing' for f in named if f not in files]
bad += [f + ': named twice' for f in set(named) if named.count(f) > 1]
aside = sum(r.get('note', '').startswith('record of an abandoned attempt set aside') for r in m['runs'])
if len(files) != 7 + aside:
    bad.append('%d files, expected 7 + %d set aside' % (len(files), aside))
for b in bad:
    print(b)
if bad:
    for r in m['runs']:
        print(r['id'], r['status'], r['record'], r.get('previous_records', ''), r.get('note', ''))
sys.exit(1 if bad else 0)
PY
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/records.out"
ok $rc "records: each file the record or a kept earlier record of one run (6 valid, the broken one kept, any set aside), none twice, none missing"
ls "$D"/records/*.tmp* "$D"/*.tmp* >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "no temporary files left"
python3 - "$M" "$D" <<'PY' >"$T/check.out" 2>&1
import json, sys
m = json.load(open(sys.argv[1])); d = sys.argv[2]
for r in m['runs']:
    rec = json.load(open(d + '/' + r['record']))
    if r['note' if 'note' in r else 'id'].startswith('record adopted'):
        continue
    size = r['parameters']['array_size']
    argv = rec['parameters']['argv']
    assert argv[argv.index('--size') + 1] == str(size), (r['id'], argv)
PY
ok $? "each record belongs to its run (same --size)"
expect_exit 0 "resuming a finished run does nothing and exits 0" "$EXA" run --resume "$D"
expect_exit 2 "resuming an unknown run id" "$EXA" run --resume nosuch --out "$T/res"
# SIGTERM (or Ctrl-C) stops the run in flight, leaves it pending and exits 1; --resume finishes.
"$EXA" run "$T/slow.yaml" --out "$T/int" >"$T/int.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
    M2=$(ls "$T"/int/*/manifest.json 2>/dev/null | head -n1)
    [ -n "$M2" ] && grep -q '"pgid"' "$M2" && break
    sleep 0.1
done
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 1 ]; ok $? "SIGTERM: the harness exits 1"
grep -q 'interrupted; finish with: exabench run --resume' "$T/int.out"; ok $? "it says how to finish"
json_true "the interrupted run is pending with a note, no pgid" "$M2" "[x for x in r['runs'] if x.get('note', '').startswith('interrupted')][0]['status'] == 'pending' and not any('pgid' in x for x in r['runs'])"
[ "$(readlink "$T/int/latest")" = "$(basename "$(dirname "$M2")")" ]; ok $? "results/latest points at the run"
expect_exit 0 "--resume latest finishes it" "$EXA" run --resume latest --out "$T/int"
json_true "all valid after the resume" "$M2" "all(x['status'] == 'valid' for x in r['runs'])"

echo "# changed" >>"$T/slow.yaml"
expect_exit 2 "resume refuses a suite file that changed" "$EXA" run --resume "$D" "$T/slow.yaml"
output_has "says the suite changed" 'changed since run'
done_testing
