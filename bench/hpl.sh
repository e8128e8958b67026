#!/usr/bin/env bash
# bench/hpl.sh: exa-hpl beside the physical limit it is judged by, on this machine.
#
#   1. the BLAS dgemm rate on all cores (OpenBLAS threads = ranks), before and after the run:
#      tests/hpl/hpl_dgemm.c
#   2. exa-hpl at N=20000 on a 1 x 2 grid, one rank per core, OPENBLAS_NUM_THREADS=1
#   3. netlib HPL (inside HPC Challenge, Debian package hpcc) at the same N, NB and grid, when
#      installed (it runs HPCC's other tests too, so it takes a while; HPL_BENCH_HPCC=0 skips it)
# and prints exa-hpl's Gflops, the ratio to the dgemm rate (target >= 0.85) and to netlib HPL.
#
# Knobs: BUILD (build folder), HPL_BENCH_N (20000), HPL_BENCH_NB (192), HPL_BENCH_RANKS (2),
# HPL_BENCH_OUT (folder for the record and logs, default a temporary one).
# Exit: 0 when exa-hpl ran and passed its residual check (the rates are reported, not judged:
# a loaded machine gives low figures), 1 otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib/hpcc.sh
. bench/lib/blas.sh
BUILD=${BUILD:-build}
N=${HPL_BENCH_N:-20000}
NB=${HPL_BENCH_NB:-192}
RANKS=${HPL_BENCH_RANKS:-2}
OUT=${HPL_BENCH_OUT:-$(mktemp -d /tmp/exa-bench-hpl.XXXXXX)}
mkdir -p "$OUT"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

HPL=$BUILD/bin/exa-hpl
DGEMM=$BUILD/tests/tools/hpl-dgemm
EXA=$BUILD/bin/exabench
make --no-print-directory -s BUILD="$BUILD" "$HPL" "$DGEMM" "$EXA" >/dev/null || {
    echo "bench/hpl.sh: cannot build $HPL, $DGEMM and $EXA" >&2; exit 1; }

# the same kernels for the dgemm rate, exa-hpl and netlib HPL
use_fitting_blas_kernels "$EXA" hpl
echo "== hpl: OpenBLAS kernels: $(OPENBLAS_VERBOSE=2 "$DGEMM" 64 1 2>&1 | sed -n 's/^Core: //p')"

echo "== hpl: BLAS dgemm on $RANKS threads (n=4000, best of 3)"
dgemm=$(OPENBLAS_NUM_THREADS=$RANKS OMP_NUM_THREADS=$RANKS "$DGEMM" 4000 3 | awk '{print $5}')
echo "dgemm_gflops $dgemm"

echo "== hpl: exa-hpl N=$N NB=$NB grid 1 x $RANKS, OPENBLAS_NUM_THREADS=1"
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 mpirun --bind-to core -np "$RANKS" \
    -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS ${OPENBLAS_CORETYPE:+-x OPENBLAS_CORETYPE} \
    "$HPL" -N "$N" --nb "$NB" -P 1 -Q "$RANKS" --json "$OUT/exa-hpl.json" >"$OUT/exa-hpl.out" 2>&1
rc=$?
grep -E '^(T/V +N|W[RC])|PASSED|FAILED|^exa-hpl:' "$OUT/exa-hpl.out"
gflops=$(awk '/^W[RC]/ {print $7}' "$OUT/exa-hpl.out" | tail -n1)
if [ $rc -ne 0 ] || [ -z "$gflops" ]; then
    echo "bench/hpl.sh: exa-hpl failed (exit $rc); see $OUT/exa-hpl.out" >&2
    exit 1
fi
# once more after the run: on a shared machine the rate moves; the ratio uses the mean of the two
dgemm_after=$(OPENBLAS_NUM_THREADS=$RANKS OMP_NUM_THREADS=$RANKS "$DGEMM" 4000 3 | awk '{print $5}')
echo "dgemm_gflops_after $dgemm_after"
dgemm=$(awk -v a="$dgemm" -v b="$dgemm_after" 'BEGIN { printf "%.2f", (a + b) / 2 }')
echo "dgemm_gflops_mean $dgemm"
ratio=$(awk -v a="$gflops" -v b="$dgemm" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.85 ? "meets" : "BELOW") }')
printf 'exa_hpl_gflops %.2f\n' "$gflops"
echo "ratio_to_dgemm $ratio ($verdict the 0.85 target)"

if command -v hpcc >/dev/null 2>&1 && [ "${HPL_BENCH_HPCC:-1}" = 1 ]; then
    echo "== hpl: netlib HPL (hpcc) at the same N, NB and grid"
    H=$OUT/hpcc
    mkdir -p "$H"
    write_hpccinf "$H/hpccinf.txt" "$N" "$NB" 1 "$RANKS" 8
    (cd "$H" && OPENBLAS_NUM_THREADS=1 mpirun --bind-to core -np "$RANKS" -x OPENBLAS_NUM_THREADS \
        ${OPENBLAS_CORETYPE:+-x OPENBLAS_CORETYPE} hpcc >"$H/hpcc.log" 2>&1)
    netlib=$(awk -F= '/^HPL_Tflops=/ {printf "%.2f", $2 * 1000}' "$H/hpccoutf.txt" 2>/dev/null)
    if [ -n "$netlib" ]; then
        echo "netlib_hpl_gflops $netlib"
        awk -v a="$gflops" -v b="$netlib" 'BEGIN { printf "ratio_to_netlib_hpl %.3f\n", (b > 0 ? a / b : 0) }'
    else
        echo "netlib HPL (hpcc) gave no HPL_Tflops; see $H"
    fi
else
    echo "(netlib HPL comparison skipped: the Debian package hpcc is not installed)"
fi
echo "record: $OUT/exa-hpl.json"
