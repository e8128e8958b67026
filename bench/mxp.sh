#!/usr/bin/env bash
# bench/mxp.sh: exa-mxp (HPL-MxP, fp32 factorisation + GMRES-IR) beside exa-hpl and the GEMM rates
# they are judged by, on this machine, in one run:
#   1. sgemm and dgemm on all cores (OpenBLAS threads = ranks), before and after (tests/mxp/mxp_gemm.c)
#   2. exa-mxp --precision fp32 at N=20000 on a 1 x 2 grid, one rank per core
#   3. exa-hpl at the same N on the same grid
# and prints the ratios against the issue's targets:
#   exa-mxp FP64-equivalent rate / exa-hpl rate       >= 1.6
#   exa-mxp factorisation rate / sgemm rate           >= 0.85
# with the phase times that explain a miss (factorisation, its diagonal blocks, refinement).
# Knobs: BUILD, MXP_BENCH_N (20000), MXP_BENCH_NB (256), HPL_BENCH_NB (192), MXP_BENCH_RANKS (2),
# MXP_BENCH_OUT (folder for records and logs). Exit 0 when both runs passed their checks.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib/blas.sh
BUILD=${BUILD:-build}
N=${MXP_BENCH_N:-20000}
NB=${MXP_BENCH_NB:-256}
HNB=${HPL_BENCH_NB:-192}
RANKS=${MXP_BENCH_RANKS:-2}
OUT=${MXP_BENCH_OUT:-$(mktemp -d /tmp/exa-bench-mxp.XXXXXX)}
mkdir -p "$OUT"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MXP=$BUILD/bin/exa-mxp HPL=$BUILD/bin/exa-hpl GEMM=$BUILD/tests/tools/mxp-gemm EXA=$BUILD/bin/exabench
make --no-print-directory -s BUILD="$BUILD" "$MXP" "$HPL" "$GEMM" "$EXA" >/dev/null || {
    echo "bench/mxp.sh: cannot build $MXP, $HPL, $GEMM" >&2; exit 1; }
use_fitting_blas_kernels "$EXA" hpl

gemm_rates() {  # prints "sgemm dgemm" on RANKS threads
    OPENBLAS_NUM_THREADS=$RANKS OMP_NUM_THREADS=$RANKS "$GEMM" 4000 3 |
        awk '/^sgemm/ {s=$5} /^dgemm/ {d=$5} END {print s, d}'
}
run_one() {  # run_one NAME BINARY ARGS...: one rank per core, one BLAS thread per rank
    local name=$1; shift
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 EXA_HPL_CALIBRATE_N=0 mpirun --bind-to core \
        -np "$RANKS" -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS -x EXA_HPL_CALIBRATE_N \
        ${OPENBLAS_CORETYPE:+-x OPENBLAS_CORETYPE} "$@" >"$OUT/$name.out" 2>&1
}

read -r s1 d1 < <(gemm_rates)
echo "== mxp: gemm on $RANKS threads before: sgemm $s1 dgemm $d1 Gflop/s"
echo "== mxp: exa-mxp fp32 N=$N NB=$NB grid 1 x $RANKS"
run_one exa-mxp "$MXP" -N "$N" --nb "$NB" -P 1 -Q "$RANKS" --precision fp32 --json "$OUT/exa-mxp.json"
mrc=$?
grep -E '^(T/V|MXP)|factorisation|PASSED|FAILED' "$OUT/exa-mxp.out"
echo "== mxp: exa-hpl N=$N NB=$HNB grid 1 x $RANKS"
run_one exa-hpl "$HPL" -N "$N" --nb "$HNB" -P 1 -Q "$RANKS" --json "$OUT/exa-hpl.json"
hrc=$?
grep -E '^(T/V +N|W[RC])|PASSED|FAILED' "$OUT/exa-hpl.out"
read -r s2 d2 < <(gemm_rates)
echo "== mxp: gemm on $RANKS threads after: sgemm $s2 dgemm $d2 Gflop/s"
if [ $mrc -ne 0 ] || [ $hrc -ne 0 ]; then
    echo "bench/mxp.sh: a run failed (exa-mxp exit $mrc, exa-hpl exit $hrc); see $OUT" >&2
    exit 1
fi
python3 - "$OUT/exa-mxp.json" "$OUT/exa-hpl.json" "$s1" "$s2" "$d1" "$d2" <<'PY'
import json, sys
m, h = (json.load(open(p)) for p in sys.argv[1:3])
s = (float(sys.argv[3]) + float(sys.argv[4])) / 2
d = (float(sys.argv[5]) + float(sys.argv[6])) / 2
mr, hr = m['results'], h['results']
print(f"exa_mxp_gflops {mr['gflops']:.2f} (FP64-equivalent, {mr['time_s']:.1f} s)")
print(f"exa_mxp_factor_gflops {mr['factor_gflops']:.2f} (factorisation {mr['factor_time_s']:.1f} s, "
      f"diagonal blocks and broadcasts of them {mr['panel_time_s']:.1f} s; refinement "
      f"{mr['refine_time_s']:.2f} s, {mr['iterations']} GMRES iterations)")
print(f"exa_hpl_gflops {hr['gflops']:.2f}")
print(f"sgemm_gflops_mean {s:.2f} dgemm_gflops_mean {d:.2f} (ratio {s / d:.2f})")
r1 = mr['gflops'] / hr['gflops']
r2 = mr['factor_gflops'] / s
print(f"ratio_mxp_to_hpl {r1:.3f} ({'meets' if r1 >= 1.6 else 'BELOW'} the 1.6 target)")
print(f"ratio_factor_to_sgemm {r2:.3f} ({'meets' if r2 >= 0.85 else 'BELOW'} the 0.85 target)")
PY
echo "records: $OUT/exa-mxp.json $OUT/exa-hpl.json"
