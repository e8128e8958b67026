#!/usr/bin/env bash
# exabench report: every file written, gnuplot exits 0 on every script, the PNGs are real images,
# the HTML is well-formed and self-contained, failed runs are listed but never plotted; bad input
# (missing folder, malformed JSON, wrong schema version) is a clear error with exit 2.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

gen "$T/run1" --failures
expect_exit 0 "report renders a run with failed runs" "$EXA" report "$T/run1" -o "$T/rep"
output_has "report names its outputs" "index.html, report.md, hpl.csv, stream.csv, comm.csv, 8 plots"
output_has "report counts the failed runs" "runs: 91, valid 89, failed 2"
R=$T/rep
for f in index.html report.md hpl.csv stream.csv comm.csv; do
    [ -s "$R/$f" ]; ok $? "$f written"
done
plots=(hpl_gflops_vs_n hpl_scaling stream_kernels comm_latency comm_bandwidth comm_collectives
       comm_allpairs_latency comm_allpairs_bandwidth)
for p in "${plots[@]}"; do
    [ -s "$R/$p.gp" ] && [ -s "$R/$p.dat" ] && [ -s "$R/$p.svg" ]; ok $? "$p: script, data and SVG written"
    is_png "$R/$p.png"; ok $? "$p.png is a real PNG image"
done
# The scripts run again by hand, as a user restyling a plot would.
(cd "$R" && for p in "${plots[@]}"; do rm -f "$p.png"; gnuplot "$p.gp" 2>/dev/null || exit 1; done)
ok $? "gnuplot exits 0 on every script run by hand"
is_png "$R/hpl_scaling.png"; ok $? "re-running a script rewrites its PNG"
grep -q '<?xml\|<svg' "$R/stream_kernels.svg"; ok $? "the SVG is SVG"

html_ok "$R/index.html"; ok $? "index.html is well-formed (tags balanced, one html/head/body)"
n=$(grep -o 'src="data:image/png;base64,' "$R/index.html" | wc -l)
[ "$n" -eq 8 ]; ok $? "index.html embeds the 8 plots as data URIs (found $n)"
! grep -Eq '(src|href)="(https?:)?//' "$R/index.html"; ok $? "index.html loads nothing from elsewhere"
python3 - "$R/index.html" <<'PY'
import base64, re, sys
html = open(sys.argv[1]).read()
imgs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
sys.exit(0 if imgs and all(base64.b64decode(i)[:8] == b'\x89PNG\r\n\x1a\n' for i in imgs) else 1)
PY
ok $? "the embedded images decode to PNG"

grep -q 'Failed runs' "$R/index.html" && grep -q 'verification-failed' "$R/index.html" && grep -q 'crashed' "$R/index.html"
ok $? "failed runs appear as failed in the HTML"
grep -q '## Failed runs' "$R/report.md" && grep -q '\*\*crashed\*\*' "$R/report.md"; ok $? "and in the Markdown"
# The failed HPL run's Gflop/s must not reach any plot data or the summary.
bad=$(python3 -c "
import json
m = json.load(open('$T/run1/manifest.json'))
r = [x for x in m['runs'] if x['status'] == 'verification-failed'][0]
print(repr(json.load(open('$T/run1/' + r['record']))['metrics']['gflops']['value']))")
! grep -q -- "$bad" "$R"/*.dat; ok $? "the failed run's figure ($bad) is in no plot"
grep -q "^r[0-9]*,hpl,hpl,,verification-failed" "$R/hpl.csv"; ok $? "the CSV lists the failed run as failed"

for fig in 'Rmax' 'Nmax' 'N1/2' 'Rpeak' 'Efficiency' 'STREAM Triad per node' 'Small-message latency' 'Large-message bandwidth'; do
    grep -q "<td>$fig</td>" "$R/index.html"; ok $? "summary gives $fig"
done
python3 - "$R/index.html" <<'PY'
import re, sys
h = open(sys.argv[1]).read()
def cell(name):
    return re.search(r'<td>%s</td><td class="num">([^<]*)</td>' % re.escape(name), h).group(1)
ok = cell('Nmax') == '32000' and cell('Rpeak') == '400 Gflop/s' and re.match(r'5[0-9]{3}$', cell('N1/2'))
ok = ok and 'at 1 B' in cell('Small-message latency') and 'at 4MB' in cell('Large-message bandwidth')
rmax = float(cell('Rmax').split()[0]); eff = float(cell('Efficiency').split()[0])
ok = ok and 230 < rmax < 290 and abs(eff - 100 * rmax / 400) < 0.1
sys.exit(0 if ok else 1)
PY
ok $? "summary values are consistent (Nmax 32000, Rpeak 400, N1/2 interpolated, efficiency = Rmax/Rpeak)"

# Default output folder: reports/<run-id>/ under the working directory.
(cd "$T" && "$EXA" report run1 >/dev/null 2>&1) && [ -s "$T/reports/run1/index.html" ]
ok $? "default output is reports/<run-id>/"
expect_exit 0 "--no-render writes scripts without running gnuplot" "$EXA" report --no-render "$T/run1" -o "$T/norender"
[ -s "$T/norender/hpl_scaling.gp" ] && [ ! -e "$T/norender/hpl_scaling.png" ]; ok $? "--no-render leaves no PNG"
EXA_GNUPLOT=/nonexistent/gnuplot expect_exit 2 "a gnuplot that cannot run is an error" "$EXA" report "$T/run1" -o "$T/nognuplot"
output_has "the error names the failed plots" "gnuplot failed on 8 plots"

# A record the manifest names but that is not there: listed as missing, never a figure.
cp -r "$T/run1" "$T/lost"
rm "$T/lost/records/r00002.json"
expect_exit 0 "a missing record is not an error" "$EXA" report "$T/lost" -o "$T/lostrep"
output_has "it counts as failed" "runs: 91, valid 88, failed 3"
grep -q 'missing-record' "$T/lostrep/index.html"; ok $? "and is listed as missing-record"

# A folder of records without a manifest (records copied by hand) is read from its records alone.
mkdir -p "$T/bare"
cp -r "$T/run1/records" "$T/bare/"
expect_exit 0 "a folder without a manifest" "$EXA" report "$T/bare" -o "$T/barerep"
output_has "every record is a run; the crashed run had none" "runs: 90, valid 89, failed 1"
grep -q '<td>Nmax</td><td class="num">32000</td>' "$T/barerep/index.html"; ok $? "the summary comes from the records"

# Bad input.
expect_exit 2 "missing folder" "$EXA" report "$T/nope"
output_has "missing folder is named" "nope: No such file or directory"
cp -r "$T/run1" "$T/malformed"
rec=$(ls "$T/malformed/records" | head -n 1)
cp "$DATA/bad/malformed-record.json" "$T/malformed/records/$rec"
expect_exit 2 "malformed JSON record" "$EXA" report "$T/malformed" -o "$T/x"
output_has "the error gives file, line and column" "records/$rec:5:[0-9]+: malformed JSON"
cp -r "$T/run1" "$T/version"
cp "$DATA/bad/schema-version-2.json" "$T/version/records/$rec"
expect_exit 2 "wrong schema version" "$EXA" report "$T/version" -o "$T/x"
output_has "the error names the file and the version" "records/$rec: schema_version 2 is not supported"
cp -r "$T/run1" "$T/manifest"
printf '{"schema": "exabench.manifest", "schema_version": 1, "runs": [\n  {"id": "x",}\n]}\n' >"$T/manifest/manifest.json"
expect_exit 2 "malformed manifest" "$EXA" report "$T/manifest" -o "$T/x"
output_has "manifest error has its position" "manifest.json:2:[0-9]+: malformed JSON"
expect_exit 2 "no argument" "$EXA" report
expect_exit 0 "--help" "$EXA" report --help
output_has "--help describes the outputs" "index.html +one self-contained page"
done_testing
