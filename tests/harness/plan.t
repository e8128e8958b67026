#!/usr/bin/env bash
# Data-driven plan expansion: every tests/data/harness/plan/*.yaml is a case. Its header says
# "# expect: exit N"; a good suite's expanded runs (normalised: binaries by base name, no
# --allow-run-as-root) must equal NAME.expected; a bad suite's stderr must hold the "# error: "
# text, which names FILE:LINE:COLUMN.
source "$(dirname "$0")/../lib/tap.sh"
DATA=$EXA_ROOT/tests/data/harness/plan
EXA=$BIN/exabench
require_bin "$EXA"

# OPENBLAS_CORETYPE depends on this machine's CPU and OpenBLAS (suite_blas_kernels): it is left out
# of the golden files and checked on its own below.
normalise() {  # plan --json on stdin -> one line per run
    python3 -c '
import json, os, sys
for r in json.load(sys.stdin):
    words = r["command"]
    cmd = [os.path.basename(w) if w.startswith("/") else w for i, w in enumerate(words)
           if w not in ("--allow-run-as-root", "OPENBLAS_CORETYPE")
           and not (w == "-x" and i + 1 < len(words) and words[i + 1] == "OPENBLAS_CORETYPE")]
    s = r["scale"]
    env = " ".join("%s=%s" % kv for kv in sorted(r["env"].items()) if kv[0] != "OPENBLAS_CORETYPE")
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
# OpenBLAS kernels below the CPU's ISA (a CPU model newer than the library): local exa-hpl runs
# get OPENBLAS_CORETYPE, unless the suite or the environment sets it. Which case holds depends
# on this machine; ask its OpenBLAS which kernels it picks without the variable.
core=$(env -u OPENBLAS_CORETYPE OPENBLAS_VERBOSE=2 "$TOOLS/hpl-dgemm" 64 1 2>&1 | sed -n 's/^Core: //p')
case "$(tr A-Z a-z <<<"$core")" in
prescott|core2|penryn|dunnington|nehalem|atom|katmai|coppermine|northwood|banias|opteron|barcelona|bobcat|nano) low=1 ;;
*) low=0 ;;
esac
grep -qw avx2 /proc/cpuinfo || low=0
expect_exit 0 "plan with the environment's OPENBLAS_CORETYPE unset" env -u OPENBLAS_CORETYPE "$EXA" plan --json hpl-strong.yaml
if [ "$low" = 1 ]; then
    output_has "OpenBLAS picks $core kernels on this CPU: the note says so" "note: OpenBLAS .* runs its $core kernels"
    output_has "and the exa-hpl runs get OPENBLAS_CORETYPE" '"OPENBLAS_CORETYPE": "(SkylakeX|Haswell)"'
    output_has "which mpirun passes on (-x OPENBLAS_CORETYPE)" '^ *"OPENBLAS_CORETYPE",$'
else
    output_lacks "OpenBLAS picks ${core:-its} kernels that fit this CPU: no note" "runs its .* kernels"
    output_lacks "and no OPENBLAS_CORETYPE" "OPENBLAS_CORETYPE"
fi
expect_exit 0 "plan with OPENBLAS_CORETYPE in the environment" env OPENBLAS_CORETYPE="${core:-Haswell}" "$EXA" plan --json hpl-strong.yaml
output_lacks "the environment's choice stands: nothing added" '"OPENBLAS_CORETYPE"'
cat >"$T/coretype.yaml" <<'EOF2'
launcher: {type: local, oversubscribe: true}
env: {OPENBLAS_CORETYPE: Sandybridge}
benchmarks:
  - {benchmark: hpl, binary: /bin/true, ranks: [1], n: [500], nb: 64}
EOF2
expect_exit 0 "plan of a suite that sets OPENBLAS_CORETYPE" env -u OPENBLAS_CORETYPE "$EXA" plan --json "$T/coretype.yaml"
output_has "the suite's choice stands" '"OPENBLAS_CORETYPE": "Sandybridge"'
output_lacks "and no note" "note: OpenBLAS"
expect_exit 2 "plan without a suite" "$EXA" plan
expect_exit 2 "plan of a missing file" "$EXA" plan /nonexistent.yaml
output_has "names the missing file" '/nonexistent.yaml: error: can not read the suite file'
expect_exit 0 "plan --help" "$EXA" plan --help
output_has "help describes the command" 'Usage: exabench plan'
done_testing
