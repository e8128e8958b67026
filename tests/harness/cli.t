#!/usr/bin/env bash
# The running commands' command lines: sysinfo (text, --json, --counters), --help of each, and
# usage errors that exit 2.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
require_bin "$EXA"

expect_exit 0 "sysinfo prints text" "$EXA" sysinfo
output_has "text names the CPU model" '^    model: '
output_has "text has the software section" '^software:'
"$EXA" sysinfo --json >"$T/sys.json" 2>"$T/err"; ok $? "sysinfo --json"
json_true "sysinfo --json: node inventory with a hash and the software" "$T/sys.json" "r['node']['hostname'] and r['node']['inventory_hash'] and isinstance(r['software'], dict) and 'counters' not in r"
json_true "the same hostname as the machine" "$T/sys.json" "r['node']['hostname'] == '$(hostname)'"
"$EXA" sysinfo --json --counters >"$T/cnt.json" 2>"$T/err"; ok $? "sysinfo --json --counters"
json_true "--counters adds the counter inventory" "$T/cnt.json" "isinstance(r['counters']['components'], list)"
expect_exit 0 "sysinfo --counters as text" "$EXA" sysinfo --counters
output_has "text has the counters section" '^counters:'
expect_exit 2 "sysinfo with an unknown option" "$EXA" sysinfo --bogus
output_has "names the option" "unknown argument '--bogus'"

for c in plan run screen sysinfo; do
    expect_exit 0 "$c --help" "$EXA" "$c" --help
    output_has "$c --help: usage and exit status" "Usage: exabench $c"
done
expect_exit 2 "run without a suite" "$EXA" run
expect_exit 2 "run with an unknown option" "$EXA" run --frobnicate x.yaml
expect_exit 2 "run --resume with --only is refused" "$EXA" run --resume x --only a
expect_exit 2 "run of a bad suite" "$EXA" run "$EXA_ROOT/tests/data/harness/plan/bad-unknown-key.yaml" --out "$T/r"
output_has "the error names file:line:column" 'bad-unknown-key.yaml:8:5: error: unknown key'
[ ! -e "$T/r" ]; ok $? "a bad suite creates no run folder"
expect_exit 2 "screen without a suite" "$EXA" screen
if [ -x "$BIN/exa-hpl" ] && [ -x "$BIN/exa-stream" ] && [ -x "$BIN/exa-comm" ]; then
    expect_exit 0 "plan of the quick suite" "$EXA" plan "$EXA_ROOT/suites/quick.yaml"
    expect_exit 0 "plan of the acceptance template (binaries of this build)" "$EXA" plan "$EXA_ROOT/suites/acceptance.yaml"
    output_has "acceptance: weak-scaling HPL up to 64 nodes" 'exa-hpl N=1875456 32x32 x8 threads on 64 nodes'
else
    for d in "plan of the quick suite" "plan of the acceptance template" "acceptance: weak-scaling HPL"; do
        ok 0 "$d # SKIP the benchmarks are not built in $BIN"
    done
fi
done_testing
