#!/usr/bin/env bash
# A run folder is input like any other (issue 14, part 3): traversing run ids, record paths that
# leave the run folder, symlinks planted in the run folder or the report folder, /dev/zero, a fifo
# or a huge file as a record give clear errors (exit 2) and write nothing outside the report
# folder; report outputs are 0644 whatever the umask; every bad record of a folder is named;
# report-gen (the fixture tool) answers --help.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

W=$T/work                 # the working folder: report writes reports/<run-id>/ under it
mkdir -p "$W/reports" "$T/outside"
echo "precious" >"$T/outside/victim"
gen "$T/base"
# snapshot: every path under $T except the working reports/ folder, with its content digest
snapshot() {
    python3 - "$T" <<'PY'
import hashlib, os, sys
root = sys.argv[1]
for d, dirs, files in sorted(os.walk(root)):
    rel = os.path.relpath(d, root)
    if rel in ('work/reports',) or rel.startswith('work/reports/'):
        dirs[:] = []
        continue
    dirs.sort()
    for f in sorted(files + [x for x in dirs if os.path.islink(os.path.join(d, x))]):
        p = os.path.join(d, f)
        if f == 'last.out' and d == root:
            continue
        if os.path.islink(p):
            print(p, '->', os.readlink(p))
        elif os.path.isfile(p):
            print(p, os.stat(p).st_size, hashlib.sha256(open(p, 'rb').read()).hexdigest())
        else:
            print(p)
PY
}
edit() {  # edit DIR PYTHON: runs PYTHON with m = DIR/manifest.json, then writes m back
    python3 - "$1/manifest.json" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(m, open(sys.argv[1], 'w'))
PY
}
fresh() { rm -rf "$T/$1"; cp -a "$T/base" "$T/$1"; edit "$T/$1" "m['run_id'] = '$1'"; }
REPORT=(bash -c 'cd "$1" && shift && exec "$@"' _ "$W" "$EXA" report --no-render)  # run in $W

# ---- run ids ----
for id in '../../x' '../outside' 'a/b' '..' '.hidden' 'x y' $'a\nb'; do
    fresh bad_id
    edit "$T/bad_id" "m['run_id'] = $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$id")"
    before=$(snapshot)
    expect_exit 2 "run id $(printf %q "$id") is refused" "${REPORT[@]}" "$T/bad_id"
    output_has "the error names the run id and the manifest" 'manifest.json: run id ".*" .*refused'
    [ "$before" = "$(snapshot)" ]; ok $? "nothing was written outside reports/ (run id $(printf %q "$id"))"
done
[ -z "$(ls -A "$W/reports")" ]; ok $? "and nothing under reports/ either"

# ---- record paths that leave the run folder ----
fresh esc
ln -s /dev/zero "$T/esc/records/zero.json"
ln -s "$T/base/records/r00004.json" "$T/esc/records/abs_link.json"
mkdir "$T/esc/sub" && ln -s ../../base/records "$T/esc/linkdir"
edit "$T/esc" "
r = m['runs']
r[0]['record'] = '/dev/zero'
r[1]['record'] = '../base/records/r00002.json'
r[2]['record'] = 'records/../../base/records/r00003.json'
r[3]['record'] = 'records/abs_link.json'
r[4]['record'] = 'records/zero.json'
r[5]['record'] = 'linkdir/r00006.json'
r[6]['record'] = '$T/base/records/r00007.json'
"
start=$(date +%s)
expect_exit 2 "a manifest whose record paths leave the run folder is refused" \
    bash -c "ulimit -v 4000000; cd '$W' && exec timeout 60 '$EXA' report --no-render '$T/esc'"
[ $(( $(date +%s) - start )) -lt 30 ]; ok $? "refused at once (no read of /dev/zero to exhaustion)"
output_has "/dev/zero as a record path: absolute, refused" 'run r00001: record path "/dev/zero" is absolute'
output_has "a '..' record path is refused" "run r00002: record path \"\.\./base/records/r00002\.json\" has a '\.\.' component"
output_has "a '..' after records/ is refused" "run r00003: record path \"records/\.\./\.\./base.*\" has a '\.\.' component"
output_has "a record that is a symlink out of the folder is refused" "run r00004: .*records/abs_link.json: 'abs_link.json' is a symbolic link"
output_has "a record that is a symlink to /dev/zero is refused" "run r00005: .*'zero.json' is a symbolic link"
output_has "a symlinked folder on the way is refused" "run r00006: .*'linkdir' is a symbolic link"
output_has "an absolute path into another run is refused" "run r00007: record path \"/.*\" is absolute"
output_has "all 7 bad records are named, then the folder refused" "esc: 7 of 89 records are bad \(each named above; the folder is refused\)"
[ -z "$(ls -A "$W/reports")" ]; ok $? "no report written for a refused folder"

# ---- devices, fifos and huge files inside the run folder ----
fresh dev
rm "$T/dev/records/r00001.json" && mkfifo "$T/dev/records/r00001.json"
rm "$T/dev/records/r00002.json" && truncate -s 65M "$T/dev/records/r00002.json"
expect_exit 2 "a fifo and a 65 MiB record are refused without blocking" "${REPORT[@]}" "$T/dev"
output_has "the fifo: not a regular file" 'records/r00001.json: not a regular file \(a record must be a file in the run folder; refused\)'
output_has "the 65 MiB file: over the 64 MiB limit" 'records/r00002.json: 68157440 bytes, over the 64 MiB limit of a record \(refused\)'
fresh only && rm "$T/only/manifest.json" && rm "$T/only/records/r00003.json" && ln -s /dev/zero "$T/only/records/r00003.json"
expect_exit 2 "without a manifest, a record symlinked to /dev/zero is refused" \
    bash -c "ulimit -v 4000000; cd '$W' && exec timeout 60 '$EXA' report --no-render '$T/only'"
output_has "and named" "only/records/r00003.json: 'r00003.json' is a symbolic link"
fresh mlink && mv "$T/mlink/manifest.json" "$T/outside/manifest.json" && ln -s "$T/outside/manifest.json" "$T/mlink/manifest.json"
expect_exit 2 "a manifest that is a symlink is refused" "${REPORT[@]}" "$T/mlink"
output_has "and named" "mlink/manifest.json: 'manifest.json' is a symbolic link"

# ---- several bad records: each named ----
fresh many
echo '{"schema": "exabench.record", ' >"$T/many/records/r00010.json"
echo 'not json' >"$T/many/records/r00020.json"
expect_exit 2 "a folder with two malformed records is refused" "${REPORT[@]}" "$T/many"
output_has "the first is named" 'many/records/r00010.json:[0-9]+:[0-9]+: '
output_has "the second is named" 'many/records/r00020.json:[0-9]+:[0-9]+: '
output_has "and counted" '2 of 89 records are bad'
expect_exit 2 "compare names every bad record too" "$EXA" compare "$T/base" "$T/many"
output_has "compare: the first" 'many/records/r00010.json:' 
output_has "compare: the second" 'many/records/r00020.json:'

# ---- planted symlinks in the report folder ----
fresh plant
mkdir -p "$W/reports/plant"
for f in index.html report.md hpl.csv hpl_scaling.gp hpl_scaling.dat hpl_scaling.png hpl_scaling.svg hpl_scaling.gp.log; do
    ln -s "$T/outside/victim" "$W/reports/plant/$f"
done
render=--no-render
command -v gnuplot >/dev/null && render=
before=$(snapshot)
(cd "$W" && umask 000 && "$EXA" report $render "$T/plant") >"$T/last.out" 2>&1
ok $? "report writes over planted symlinks (umask 000)"
[ "$(cat "$T/outside/victim")" = precious ]; ok $? "the symlinks' target is untouched"
[ "$before" = "$(snapshot)" ]; ok $? "nothing was written outside reports/plant/"
links=$(find "$W/reports/plant" -type l | wc -l)
[ "$links" -eq 0 ]; ok $? "every planted symlink was replaced by a file ($links left)"
bad=$(find "$W/reports/plant" -type f ! -perm 0644 -printf '%m %p\n')
[ -z "$bad" ]; ok $? "every output is mode 0644 under umask 000${bad:+: $bad}"
[ -z "$(find "$W/reports/plant" -name '.*')" ]; ok $? "no temporary file is left behind"
if [ -z "$render" ]; then
    is_png "$W/reports/plant/hpl_scaling.png"; ok $? "gnuplot wrote its PNG anew, not through the symlink"
else
    skip_test "gnuplot not installed"
fi

# ---- a report folder that is a symlink ----
fresh lnk
mkdir "$T/outside/elsewhere" && ln -s "$T/outside/elsewhere" "$W/reports/lnk"
expect_exit 2 "reports/<run-id> that is a symlink is refused" "${REPORT[@]}" "$T/lnk"
output_has "and named" 'reports/lnk is a symbolic link \(refused'
[ -z "$(ls -A "$T/outside/elsewhere")" ]; ok $? "nothing written where it points"
ln -s "$T/outside/elsewhere" "$T/outdir_link"
expect_exit 2 "-o naming a symlink is refused" "${REPORT[@]}" -o "$T/outdir_link" "$T/lnk"
[ -z "$(ls -A "$T/outside/elsewhere")" ]; ok $? "nothing written there either"

# ---- a benchmark name that would be a path ----
fresh bname
edit "$T/bname" "
m['runs'].append({'id': 'x1', 'name': 'x', 'benchmark': '../../../outside/pwn', 'test': 't', 'status': 'crashed'})
"
(cd "$W" && "$EXA" report --no-render -o "$W/reports/bname" "$T/bname") >"$T/last.out" 2>&1
ok $? "a run whose benchmark name holds '/' still renders"
[ ! -e "$T/outside/pwn.csv" ] && [ -f "$W/reports/bname/_________outside_pwn.csv" ]
ok $? "its CSV is named inside the report folder"

# ---- report-gen, the fixture tool, answers --help ----
expect_exit 0 "report-gen --help exits 0" "$GEN" --help
output_has "and prints its usage with every option" "Usage: report-gen DIR .*"
output_has "(--non-compliant listed)" "--non-compliant"
done_testing
