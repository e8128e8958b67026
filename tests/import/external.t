#!/usr/bin/env bash
# External tools as suite entries (benchmark: hpl-external and the others): run through the
# suite's launcher at every scale step and repetition, in a work folder of their own with their
# input, their output captured in the run folder and imported into the run's record. A tool that
# exits non-zero or whose output does not parse is a failed run with the reason, and the sweep
# goes on; timeouts and --resume work as for exabench's own benchmarks. The real binary: hpcc's
# netlib HPL (Debian package hpcc, scripts/deps.sh), and exa-hpl as a drop-in for xhpl.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
DATA=$EXA_ROOT/tests/data/import
require_bin "$EXA" "$BIN/exa-hpl"
cd "$T" || exit 1
manifest_runs() {  # manifest_runs DIR: "id benchmark status note" per run
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1] + "/manifest.json"))["runs"]:
    print(r["id"], r["benchmark"], r["status"], r.get("note") or "-")' "$1"
}
head_suite() {
    cat <<YAML
name: $1
launcher:
  type: local
  oversubscribe: true
  mpirun_args: [--bind-to, none]
defaults:
  timeout: 5m
  threads_per_rank: 1
  env: {EXA_HPL_CALIBRATE_N: "0", OPENBLAS_NUM_THREADS: "1"}
benchmarks:
YAML
}

# 1. hpcc's HPL (netlib HPL 2.0 inside a real binary) at two scale steps.
if command -v hpcc >/dev/null 2>&1; then
    { head_suite hpcc; cat <<'YAML'; } >hpcc.yaml
  - name: hpcc
    benchmark: hpl-external
    command: [hpcc]
    input_as: hpccinf.txt
    output: hpccoutf.txt
    format: hpcc
    ranks: [1, 2]
    n: 400
    nb: 64
YAML
    expect_exit 0 "a suite running hpcc as an external entry at 1 and 2 ranks" "$EXA" run --out res-hpcc hpcc.yaml
    manifest_runs res-hpcc/latest >runs.txt
    [ "$(grep -c ' hpcc valid ' runs.txt)" -eq 2 ]; ok $? "two valid runs whose records are hpcc's HPL"
    json_true "the 2-rank record: N 400, NB 64 on 1 x 2, imported, launched with 2 ranks" \
        "$(ls res-hpcc/latest/records/0002-*.json)" \
        'r["source"] == "imported" and r["test"] == "HPL" and r["valid"] and (r["parameters"]["n"], r["parameters"]["nb"], r["parameters"]["p"], r["parameters"]["q"]) == (400, 64, 1, 2) and r["launch"]["ranks"] == 2'
    [ -s res-hpcc/latest/work/0002-hpcc-n400-nb64-2r/hpccoutf.txt ] && grep -q '^2 *Qs' res-hpcc/latest/work/0002-hpcc-n400-nb64-2r/hpccinf.txt
    ok $? "the tool's input (written from the step: Q 2) and output are in the run folder"
    check "report on it" "$EXA" report res-hpcc/latest -o rep-hpcc
    grep -Eq '^\| Rmax \| [0-9.]+ Gflop/s' rep-hpcc/report.md; ok $? "the report's Rmax comes from hpcc's HPL"
else
    skip_test "hpcc is not installed (Debian package hpcc; scripts/deps.sh installs it)"
fi

# 2. exa-hpl as a drop-in xhpl: two scale steps, two repetitions; failures and a timeout beside.
cp "$DATA/observed/mccalpin-stream-5.10.out" stream.txt
cp "$DATA/observed/hpcg-3.1-2ranks-24cube-15s.txt" hpcg-report.txt
{ head_suite mixed; cat <<YAML; } >mixed.yaml
  - name: xhpl
    benchmark: hpl-external
    command: [$BIN/exa-hpl]
    ranks: [1, 2]
    repetitions: 2
    n: 300
    nb: 32
  - name: fails
    benchmark: hpl-external
    command: ["false"]
    ranks: 1
  - name: garbage
    benchmark: osu-external
    command: [echo, hello]
    ranks: 1
  - name: slow
    benchmark: stream-external
    command: [sleep, "60"]
    timeout: 2s
    ranks: 1
  - name: stream
    benchmark: stream-external
    command: [cat, stream.txt]
    input: stream.txt
    ranks: 1
  - name: hpcg
    benchmark: hpcg-external
    command: [sh, -c, "cp hpcg.dat HPCG-Benchmark_3.1_2026-12-04_01-00-00.txt"]
    input: hpcg-report.txt
    ranks: 1
YAML
expect_exit 1 "the suite runs every entry (exit 1: some runs failed)" "$EXA" run --out res mixed.yaml
manifest_runs res/latest >runs.txt; sed 's/^/# /' runs.txt
[ "$(grep -c '^000[1-4]-xhpl.* hpl valid ' runs.txt)" -eq 4 ]; ok $? "exa-hpl drop-in: 2 steps x 2 repetitions, 4 valid imported records"
grep -q 'fails-1r hpl-external failed the tool exited with status 1' runs.txt; ok $? "a non-zero exit is a failed run with the reason"
grep -Eq 'garbage-1r osu-external (invalid-output|failed) .*not a recognised output' runs.txt || grep -Eq 'garbage-1r osu-external (invalid-output|failed) .*expected' runs.txt
ok $? "unparseable output is a failed run naming what was expected"
grep -q 'slow-1r stream-external timeout' runs.txt; ok $? "the timeout applies"
grep -q 'stream-1r mccalpin-stream valid' runs.txt; ok $? "the sweep went on: the entry after the failures ran (input copied, output imported)"
grep -q 'hpcg-1r hpcg valid' runs.txt; ok $? "hpcg-external: input copied as hpcg.dat, the HPCG-Benchmark_*.txt report it wrote imported"
json_true "the HPL.dat of the 2-rank step has P 1, Q 2 and the record says so" "$(ls res/latest/records/0003-*.json)" \
    '(r["parameters"]["p"], r["parameters"]["q"], r["parameters"]["n"]) == (1, 2, 300) and r["launch"]["ranks"] == 2'
check "report on the mixed run" "$EXA" report res/latest -o rep
output_has "... counts the failures" "failed [3-9]"
grep -Eq '^\| Rmax \| [0-9.]+ Gflop/s' rep/report.md; ok $? "... with exa-hpl's Rmax from the imported records"

# 3. --resume: a run put back to pending (its record gone) runs again and is imported again.
python3 - res/latest <<'PY'
import json, os, sys
d = sys.argv[1]; m = json.load(open(d + "/manifest.json"))
for r in m["runs"]:
    if r["id"].startswith("0004-"):
        os.remove(os.path.join(d, r["record"])); r["status"] = "pending"; r["benchmark"] = "hpl-external"
json.dump(m, open(d + "/manifest.json", "w"))
PY
expect_exit 1 "--resume finishes the pending run" "$EXA" run --out res --resume latest
manifest_runs res/latest | grep -q '^0004-xhpl.* hpl valid'; ok $? "... which is valid again, its record imported"

# An exabench run folder takes imported records beside its own runs; --resume leaves them alone.
expect_exit 0 "import into the run folder of 'exabench run'" "$EXA" import --run res/latest "$DATA/observed/osu-5.3-latency.out"
json_true "... appended to its manifest after the suite's runs" res/latest/manifest.json \
    'len(r["runs"]) == 10 and r["runs"][-1]["benchmark"] == "osu-micro-benchmarks" and r["runs"][0]["status"] == "valid"'
expect_exit 1 "--resume with nothing pending" "$EXA" run --out res --resume latest
manifest_runs res/latest | grep -q 'osu-micro-benchmarks valid'; ok $? "... keeps the imported run as it was"

# 4. Suite errors.
{ head_suite bad; printf '  - {name: x, benchmark: hpl-external, ranks: 1}\n'; } >bad1.yaml
expect_exit 2 "an external entry without command" "$EXA" plan bad1.yaml
output_has "... says command is required" "'command' is required"
{ head_suite bad; printf '  - {name: x, benchmark: hpl-external, command: [no-such-xhpl], ranks: 1}\n'; } >bad2.yaml
expect_exit 2 "a command that is not there" "$EXA" plan bad2.yaml
output_has "... named" "command 'no-such-xhpl' not found"
{ head_suite bad; printf '  - {name: x, benchmark: hpl-external, command: [cat], input: stream.txt, n: 100, ranks: 1}\n'; } >bad3.yaml
expect_exit 2 "input and n together" "$EXA" plan bad3.yaml
printf 'name: sb\nlauncher: {type: slurm, mode: sbatch}\nbenchmarks:\n  - {name: x, benchmark: hpl-external, command: [cat], ranks: 1}\n' >bad4.yaml
expect_exit 2 "batch jobs are refused (the harness imports after the run)" "$EXA" plan bad4.yaml
output_has "... saying where external tools run" "local launcher or srun inside an allocation"
done_testing
