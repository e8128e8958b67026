#!/usr/bin/env bash
# exabench import: other tools' outputs as records of a run folder, used by report, compare,
# accept, submit/rank and ingest/history like native records; a FAILED HPL residual or an INVALID
# HPCG run never counts as a valid figure; unknown, truncated or already imported files are
# refused before anything is written.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
DATA=$EXA_ROOT/tests/data/import
require_bin "$EXA" "$BIN/exa-hpl"
records() { find "$1/records" -name '*.json' 2>/dev/null | wc -l; }

# Every fixture, recognised from its text, into one new folder under --out.
expect_exit 0 "netlib HPL.out into a new run folder" "$EXA" import --out "$T/results" "$DATA/observed/netlib-hpl-2.3-8runs.out"
output_has "says where and how many" "imported 8 records from 1 file into $T/results/"
RUN=$(ls -d "$T"/results/2*)
json_true "a manifest with 8 valid imported runs" "$RUN/manifest.json" \
    'len(r["runs"]) == 8 and all(x["status"] == "valid" and x["benchmark"] == "netlib-hpl" for x in r["runs"]) and r["imports"][0]["importer"] == "hpl"'
F=("$DATA"/observed/mccalpin-stream-5.10.out "$DATA"/observed/osu-5.3-latency.out "$DATA"/observed/osu-5.3-bw.out
   "$DATA"/observed/hpcg-3.1-2ranks-24cube-15s.txt "$DATA"/observed/hpcc-1.5.0-debian-N500-2ranks.txt
   "$DATA"/documented/imb-2021.3-pingpong-sendrecv-allreduce-barrier.out "$DATA"/documented/babelstream-4.0-omp.out
   "$DATA"/documented/nccl-tests-2.13-all_reduce_perf-2gpus.out "$DATA"/documented/nvidia-hpl-24.09-2gpus.out
   "$DATA"/documented/rochpl-6.0-1gcd.out "$DATA"/observed/exa-hpl-0.1.0-N1000.txt)
expect_exit 0 "every other format added to the existing folder" "$EXA" import --run "$RUN" "${F[@]}"
json_true "... appended to its manifest, one kind per tool" "$RUN/manifest.json" \
    '{x["benchmark"] for x in r["runs"]} == {"netlib-hpl","mccalpin-stream","osu-micro-benchmarks","hpcg","hpcc","imb","babelstream","nccl-tests","nvidia-hpl","rochpl","hpl"}'
n_before=$(records "$RUN")

# Refusals: nothing written.
expect_exit 2 "the same file again is refused" "$EXA" import --run "$RUN" "$DATA/observed/osu-5.3-bw.out"
output_has "... naming the record it would overwrite" "already imported into .*records/imp-.*never overwritten"
expect_exit 2 "an unrecognised file is refused" "$EXA" import --run "$RUN" "$DATA/bad/unrecognised.txt"
output_has "... naming what was expected" "not a recognised output; expected one of: .*HPL 2.x output.*HPCG 3.x"
expect_exit 2 "a truncated file is refused, with file and line" "$EXA" import --run "$RUN" "$DATA/observed/osu-5.3-bw.out" "$DATA/bad/hpl-truncated-mid-run.out"
output_has "... file:line: what was expected" "hpl-truncated-mid-run.out:[0-9]+: .*expected"
[ "$(records "$RUN")" -eq "$n_before" ]; ok $? "all or nothing: no record written by the refused imports"
expect_exit 2 "--as an unknown format" "$EXA" import --as linpack --run "$RUN" "$DATA/observed/osu-5.3-bw.out"
expect_exit 2 "--as a format the file is not" "$EXA" import --as hpcg --run "$T/asx" "$DATA/observed/osu-5.3-bw.out"
expect_exit 0 "--as a kind name (netlib-hpl reads with the hpl importer)" "$EXA" import --as netlib-hpl --run "$T/as" "$DATA/observed/netlib-hpl-2.3-8runs.out"

# report: imported records are its runs; the summary takes Rmax, Triad, latency from them.
check "report on the imported folder" "$EXA" report "$RUN" -o "$T/rep"
grep -q '| Rmax | 48800.0 Gflop/s' "$T/rep/report.md"; ok $? "Rmax is the best valid HPL-family run (NVIDIA HPL's)"
grep -Eq '\| STREAM Triad per node \| [0-9.]+ GB/s' "$T/rep/report.md" || grep -q 'Triad' "$T/rep/report.md"; ok $? "the STREAM figure is in the summary"
[ -s "$T/rep/stream_kernels.png" ] && [ -s "$T/rep/comm_latency.png" ]; ok $? "imported STREAM and OSU runs are plotted"

# A FAILED residual and an INVALID HPCG: imported, never a valid figure.
expect_exit 1 "a FAILED HPL residual imports with exit 1" "$EXA" import --run "$T/bad" "$DATA/derived/netlib-hpl-2.3-8runs-one-FAILED.out"
output_has "... the failed run marked INVALID" "INVALID  not a result: 41.782 Gflop/s"
expect_exit 1 "an INVALID HPCG run imports with exit 1" "$EXA" import --run "$T/bad" "$DATA/derived/hpcg-3.1-INVALID-reproducibility.txt"
json_true "both marked verification-failed in the manifest" "$T/bad/manifest.json" \
    'sorted(x["benchmark"] for x in r["runs"] if x["status"] != "valid") == ["hpcg", "netlib-hpl"]'
check "report on it" "$EXA" report "$T/bad" -o "$T/repbad"
grep -A6 '## Failed runs' "$T/repbad/report.md" | grep -q 'hpl_scaled_residual 451.873'; ok $? "the FAILED residual is listed as a failed run"
cat >"$T/spec.yaml" <<'SPEC'
schema: exabench.accept
criteria:
  - name: the failed HPL problem
    metric: gflops
    runs: {benchmark: netlib-hpl, parameters: {n: 4000, nb: 128, p: 1, q: 2}}
    compare: ">="
    threshold: 1
  - name: HPCG rating
    metric: gflops
    runs: {benchmark: hpcg}
    compare: ">="
    threshold: 0.001
SPEC
expect_exit 1 "accept: criteria on the FAILED and INVALID runs fail" "$EXA" accept "$T/spec.yaml" "$T/bad"
printf 'name: t\nsite: s\nrpeak_per_node_gflops: 200\nmemory_per_node_gib: 24\n' >"$T/sys.yaml"
expect_exit 1 "submit refuses the run with the FAILED residual" "$EXA" submit "$T/bad" --system "$T/sys.yaml"
output_has "... naming it" "netlib-hpl: HPL run failed: verification-failed"

# accept on the good folder
cat >"$T/good.yaml" <<'SPEC'
schema: exabench.accept
criteria:
  - name: netlib HPL above 60 Gflop/s
    metric: gflops
    runs: {benchmark: netlib-hpl}
    compare: ">="
    threshold: 60
  - name: STREAM triad above 1 GB/s
    metric: triad_bandwidth
    runs: {benchmark: mccalpin-stream}
    compare: ">="
    threshold: 1
SPEC
expect_exit 0 "accept passes on imported netlib HPL and STREAM records" "$EXA" accept "$T/good.yaml" "$RUN"

# --system and submit/rank: a folder of HPL, STREAM and OSU records
printf 'system:\n  name: imported-box\n  nodes: 1\n  rpeak_per_node_gflops: 200\n' >"$T/machine.yaml"
expect_exit 0 "import with --system" "$EXA" import --run "$T/sub" --system "$T/machine.yaml" \
    "$DATA/observed/netlib-hpl-2.3-8runs.out" "$DATA/observed/mccalpin-stream-5.10.out" "$DATA/observed/osu-5.3-latency.out"
json_true "the system is the manifest's" "$T/sub/manifest.json" 'r["system"]["name"] == "imported-box" and r["system"]["rpeak_per_node_gflops"] == 200'
printf 'name: x\nnodes: lots\n' >"$T/badsys.yaml"
expect_exit 2 "a bad system file is refused" "$EXA" import --run "$T/sub2" --system "$T/badsys.yaml" "$DATA/observed/osu-5.3-bw.out"
output_has "... naming file and line" "badsys.yaml:2: nodes: expected a positive number, found 'lots'"
expect_exit 0 "submit from imported records" "$EXA" submit "$T/sub" --system "$T/sys.yaml"
json_true "Rmax, Triad and latency from the imported records" "$T/sub/submission.json" \
    'r["summary"]["rmax_gflops"] == 66.47 and r["summary"]["stream_triad_per_node_gbs"] > 0 and r["summary"]["latency_us"] > 0'
expect_exit 0 "rank re-checks the submission" "$EXA" rank "$T/sub/submission.json"
output_has "... and ranks it" "66.47"

# compare: netlib HPL (imported) against exa-hpl (native) on the same N, NB, P, Q: the HPL family.
mkdir -p "$T/native/records"
for i in 1 2; do
    "${MPIRUN[@]}" -np 2 "$BIN/exa-hpl" -N 2000 -NB 128 -P 1 -Q 2 --json "$T/native/records/r$i.json" >/dev/null 2>&1
done
"$EXA" compare --allow-missing "$T/sub" "$T/native" >"$T/last.out" 2>&1
rc=$?; [ $rc -le 1 ]; ok $? "compare imported netlib HPL with exa-hpl (exit $rc: 0, or 1 when exa-hpl is slower here)"
output_has "n=2000 nb=128 p=1 q=2 is matched with exa-hpl's run (gflops on both sides)" \
    "^netlib-hpl .*n=2000 nb=128 p=1 q=2.* gflops +17.65 +[0-9.]+ "
output_lacks "... while other problems have no match" "n=2000 nb=128 p=1 q=2 .*no matching run"

# ingest + history
expect_exit 0 "ingest the imported run" "$EXA" ingest --db "$T/h.db" "$T/sub"
expect_exit 0 "history of imported netlib HPL" "$EXA" history --db "$T/h.db" --metric gflops --benchmark netlib-hpl --no-plot
output_has "... shows its best" "66.47"

# help and manual
expect_exit 0 "--help" "$EXA" import --help
output_has "names --as, --run, --system" "--as KIND.*"
done_testing
