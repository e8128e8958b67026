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
# ---- memory per node and duration estimates (issue 13: plans that fit) -------------------------
# Local runs are checked against this machine's MemTotal: HPL N=200000 needs 8 N^2 = 298 GiB.
memtotal_gib=$(awk '/^MemTotal:/ {print int($2 / 1048576)}' /proc/meminfo)
cat >"$T/hpl-huge.yaml" <<'EOF2'
launcher: {type: local, oversubscribe: true}
benchmarks:
  - {name: hpl-huge, benchmark: hpl, binary: /bin/true, ranks: [1, 2], n: [2000, 200000], nb: 192}
EOF2
if [ "$memtotal_gib" -lt 300 ]; then
    expect_exit 2 "plan refuses HPL N=200000 on this ${memtotal_gib} GiB machine" "$EXA" plan "$T/hpl-huge.yaml"
    output_has "names the file, the entry and the scale step" "hpl-huge.yaml:3:5: error: entry 'hpl-huge', scale step ranks=1 "
    output_has "names the run and its numbers: 298 GiB needed, MemTotal, the 95% limit" \
        "run 0002-hpl-huge-n200000-1x1: exa-hpl N=200000 1x1\): needs 29[89] GiB per node .* but a node has [0-9.]+ GiB \(MemTotal of this machine\) and a run may use at most 95% of it"
    output_has "and the 2-rank step too" "scale step ranks=2 \(run 0004-hpl-huge-n200000-1x2"
    output_lacks "N=2000 fits: not named" "n2000-"
    expect_exit 2 "run refuses it as well, before anything starts" "$EXA" run --dry-run --out "$T/runs" "$T/hpl-huge.yaml"
    output_has "with the same message" "needs 29[89] GiB per node"
else
    skip_test "this machine has ${memtotal_gib} GiB: N=200000 fits"
fi
# STREAM: 3 arrays x size x ranks per node, here against the system's memory_per_node_gib.
cat >"$T/stream-big.yaml" <<'EOF2'
system: {nodes: 4, cores_per_node: 128, memory_per_node_gib: 512}
launcher: {type: slurm, mode: srun}
benchmarks:
  - {name: stream, benchmark: stream, binary: /bin/true, nodes: [1, 4], size: [100M, 200M], repetitions: 3}
EOF2
expect_exit 2 "plan refuses STREAM 200M x 128 ranks on 512 GiB nodes" "$EXA" plan "$T/stream-big.yaml"
output_has "600 GiB per node named, against system.memory_per_node_gib" \
    "entry 'stream', scale step nodes=1 \(run [0-9]+-stream-s209715200-128r-1n-rep1: .*\): needs 600 GiB per node \(644245094400 bytes; 128 ranks per node\) but a node has 512 GiB \(system.memory_per_node_gib\) .* at most 95% of it, 486 GiB"
output_has "every scale step that does not fit" "scale step nodes=4 .*stream-s209715200-512r-4n-rep1"
output_lacks "100M (300 GiB) fits" "s104857600"
output_lacks "each repetition is not named again" "rep2"
# HPL sized from memory: a fraction up to 95% less the workspace fits, 0.97 does not.
for frac in 0.9 0.97; do
    cat >"$T/hpl-frac.yaml" <<EOF2
system: {nodes: 2, cores_per_node: 4, memory_per_node_gib: 64}
launcher: {type: slurm, mode: srun}
benchmarks:
  - {name: weak, benchmark: hpl, binary: /bin/true, nodes: [1, 2], mem_fraction: $frac, nb: 192}
EOF2
    want=0; [ "$frac" = 0.97 ] && want=2
    expect_exit $want "mem_fraction $frac: exit $want" "$EXA" plan "$T/hpl-frac.yaml"
done
# The shipped acceptance template fits its own nodes, and every run's estimate fits its timeout.
expect_exit 0 "suites/acceptance.yaml plans clean" "$EXA" plan "$EXA_ROOT/suites/acceptance.yaml"
output_lacks "no warning" "warning|error"
output_has "with the rates of its system section" "rates: dgemm 50 Gflop/s per core, system.dgemm_gflops_per_core"
output_has "an estimate for every run, summed" "^estimated total: [0-9]+ h [0-9]+ min \([0-9]+ s\) for 28 runs$"
output_has "the largest HPL run's memory" "estimate: .* memory 4[0-9][0-9] GiB per node"
# A run whose estimate exceeds its timeout is warned about (the suite still plans).
cat >"$T/slow.yaml" <<'EOF2'
system: {nodes: 2, cores_per_node: 4, memory_per_node_gib: 64, dgemm_gflops_per_core: 10, stream_gbs_per_node: 20, latency_us: 2, bandwidth_gbs: 10, launch_seconds: 1}
launcher: {type: slurm, mode: srun}
defaults: {timeout: 1m}
benchmarks:
  - {name: big, benchmark: hpl, binary: /bin/true, nodes: [1], n: [60000], nb: 192}
  - {name: small, benchmark: hpl, binary: /bin/true, nodes: [1], n: [1000], nb: 192}
EOF2
expect_exit 0 "a suite with a run over its timeout still plans" "$EXA" plan "$T/slow.yaml"
output_has "warned: the run, its estimate and its timeout" "warning: run 0001-big-n60000-2x2-1n \(exa-hpl N=60000 2x2 on 1 node\): estimated [0-9]+ h [0-9]+ min, over its timeout of 1 min 00 s"
output_lacks "the small run is not" "warning: run 0002"
output_has "launch cost and rates from the system section" "launch 1 s per run, system.launch_seconds"
"$EXA" plan --json "$T/slow.yaml" >"$T/slow.json" 2>/dev/null
python3 -c '
import json, sys
runs = json.load(open(sys.argv[1]))
big, small = runs
# 2/3 60000^3 flops at 4 cores x 10 Gflop/s x 0.7 x (30000/31000): about 1.5 h
assert 4500 < big["estimate_s"] < 6500, big["estimate_s"]
assert 1 < small["estimate_s"] < 10, small["estimate_s"]
# 8 N^2 and the workspace of the four ranks (panels, U rows): under 6% more
assert 1 < big["memory_per_node_bytes"] / (8 * 60000**2) < 1.06, big["memory_per_node_bytes"]
' "$T/slow.json"
ok $? "--json carries each run's estimate_s and memory_per_node_bytes"
# The quick suite on this machine: rates measured here, an estimate per run and a plausible total
# (its real duration is a few minutes; the test checks the estimate is there, not its accuracy).
expect_exit 0 "plan of the quick suite" "$EXA" plan "$EXA_ROOT/suites/quick.yaml"
output_has "measured dgemm rate" "rates: dgemm [0-9.e+]+ Gflop/s per core, measured here"
output_has "this machine's memory" "machine: [0-9.]+ GiB memory per node \(MemTotal of this machine\)"
n_est=$(grep -c '^  estimate: [0-9]' "$T/last.out")
[ "$n_est" = 11 ]; ok $? "an estimate for each of the 11 runs (got $n_est)"
total=$(sed -n 's/^estimated total: .* (\([0-9]*\) s) for 11 runs$/\1/p' "$T/last.out")
[ -n "$total" ] && [ "$total" -ge 10 ] && [ "$total" -le 3600 ]; ok $? "a plausible total: 10 s to 1 h (got ${total:-none} s)"
# A suite at the scale of a large machine plans (6,144 nodes; bench/ times it).
cat >"$T/big-machine.yaml" <<'EOF2'
system: {nodes: 6144, cores_per_node: 128, memory_per_node_gib: 512, rpeak_per_node_gflops: 7372.8}
launcher: {type: slurm, mode: sbatch}
benchmarks:
  - {name: hpl, benchmark: hpl, binary: /bin/true, nodes: 1..6144 x2, mem_fraction: 0.8, nb: 384, ranks_per_node: 16, threads_per_rank: 8, timeout: 24h}
  - {name: stream, benchmark: stream, binary: /bin/true, nodes: [1, 6144], size: 100M}
  - {name: allpairs, benchmark: comm, binary: /bin/true, test: allpairs, nodes: 6144, ranks_per_node: 1, timeout: 24h}
EOF2
expect_exit 0 "a 6,144-node suite plans" "$EXA" plan "$T/big-machine.yaml"
output_has "its largest HPL run is sized, checked and estimated" "^[0-9]+-hpl-n[0-9]+-.*-4096n "
expect_exit 2 "plan without a suite" "$EXA" plan
expect_exit 2 "plan of a missing file" "$EXA" plan /nonexistent.yaml
output_has "names the missing file" '/nonexistent.yaml: error: can not read the suite file'
expect_exit 0 "plan --help" "$EXA" plan --help
output_has "help describes the command" 'Usage: exabench plan'
done_testing
