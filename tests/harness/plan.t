#!/usr/bin/env bash
# Data-driven plan expansion: every tests/data/harness/plan/*.yaml is a case. Its header says
# "# expect: exit N"; a good suite's expanded runs (normalised: binaries by base name, no
# --allow-run-as-root) must equal NAME.expected; a bad suite's stderr must hold the "# error: "
# text, which names FILE:LINE:COLUMN.
source "$(dirname "$0")/../lib/tap.sh"
DATA=$EXA_ROOT/tests/data/harness/plan
EXA=$BIN/exabench
[ -x "$EXA" ] || skip_all "exabench not built ($EXA)"

normalise() {  # plan --json on stdin -> one line per run
    python3 -c '
import json, os, sys
for r in json.load(sys.stdin):
    cmd = [os.path.basename(w) if w.startswith("/") else w for w in r["command"] if w != "--allow-run-as-root"]
    s = r["scale"]
    env = " ".join("%s=%s" % kv for kv in sorted(r["env"].items()))
    print("%s nodes=%d ranks=%d rpn=%d tpr=%d rep=%d timeout=%g env[%s] params%s" % (r["id"], s["nodes"], s["ranks"],
          s["ranks_per_node"], s["threads_per_rank"], r["repetition"], r["timeout_s"], env,
          json.dumps(r["parameters"], sort_keys=True)))
    print("  " + " ".join(cmd))
'
}

cd "$DATA" || exit 1
for f in *.yaml; do
    name=${f%.yaml}
    want=$(sed -n 's/^# expect: exit \([0-9]*\)$/\1/p' "$f")
    "$EXA" plan --json "$f" >"$T/out.json" 2>"$T/err.txt"
    rc=$?
    if [ "$rc" != "$want" ]; then
        echo "# $f: exit $rc, expected $want"; sed 's/^/#   /' "$T/err.txt" | head -5
        ok 1 "$name: exit $want"
        continue
    fi
    if [ "$want" = 0 ]; then
        normalise <"$T/out.json" >"$T/got.txt"
        if [ "${REGENERATE:-0}" = 1 ]; then cp "$T/got.txt" "$name.expected"; fi
        diff -u "$name.expected" "$T/got.txt" >"$T/diff.txt"; d=$?
        [ $d -eq 0 ] || sed 's/^/#   /' "$T/diff.txt" | head -30
        ok $d "$name: the expanded runs match $name.expected"
    else
        msg=$(sed -n 's/^# error: //p' "$f")
        grep -qF -- "$msg" "$T/err.txt"; g=$?
        [ $g -eq 0 ] || { echo "# want: $msg"; sed 's/^/# got:  /' "$T/err.txt" | head -5; }
        ok $g "$name: exit 2 with '$msg'"
    fi
done

# The text form of plan shows the same runs with their command lines.
expect_exit 0 "plan prints text by default" "$EXA" plan hpl-strong.yaml
output_has "text plan names the run and its command" '^0004-hpl-n2000-1x2  exa-hpl N=2000 1x2'
output_has "text plan shows the mpirun line" 'mpirun .*-np 2 .*true -N 2000 --nb 128 -P 1 -Q 2 --json records/0004-hpl-n2000-1x2.json'
expect_exit 0 "plan --only keeps one entry" "$EXA" plan --only comm comm-tests.yaml
output_has "--only: three comm runs" '^suite comm-tests \(comm-tests.yaml\): 3 runs'
expect_exit 2 "plan --only with an unknown entry" "$EXA" plan --only nosuch comm-tests.yaml
output_has "names the unknown entry" 'no benchmark entry of that name'
expect_exit 2 "plan without a suite" "$EXA" plan
expect_exit 2 "plan of a missing file" "$EXA" plan /nonexistent.yaml
output_has "names the missing file" '/nonexistent.yaml: error: can not read the suite file'
expect_exit 0 "plan --help" "$EXA" plan --help
output_has "help describes the command" 'Usage: exabench plan'
done_testing
