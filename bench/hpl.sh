#!/usr/bin/env bash
# bench/hpl.sh: exa-hpl beside the physical limit it is judged by, on this machine.
#
#   1. the BLAS dgemm rate on all cores (OpenBLAS threads = ranks), before and after the run:
#      tests/hpl/hpl_dgemm.c
#   2. exa-hpl at N=20000 on a 1 x 2 grid, one rank per core, OPENBLAS_NUM_THREADS=1
#   3. netlib HPL (inside HPC Challenge, Debian package hpcc) at the same N, NB and grid, when
#      installed (it runs HPCC's other tests too, so it takes a while; HPL_BENCH_HPCC=0 skips it)
# interleaved (dgemm, exa-hpl, netlib; dgemm, exa-hpl, netlib; ...) HPL_BENCH_ROUNDS times (3), so
# that a drift of the machine touches both alike, and prints exa-hpl's Gflops and its ratios to the
# dgemm rate (target >= 0.93) and to netlib HPL (target >= 1.03), each as median, mean, min and
# max; the median is held against the target.
#
# Knobs: BUILD (build folder), HPL_BENCH_N (20000), HPL_BENCH_NB (192), HPL_BENCH_RANKS (2),
# HPL_BENCH_ROUNDS (3), HPL_BENCH_OUT (folder for the records and logs, default a temporary one).
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
ROUNDS=${HPL_BENCH_ROUNDS:-3}
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

dgemm_rate() {
    OPENBLAS_NUM_THREADS=$RANKS OMP_NUM_THREADS=$RANKS "$DGEMM" 4000 3 | awk '{print $5}'
}
run_exa_hpl() {  # run_exa_hpl ROUND: prints its Gflops, or nothing when it failed
    local out=$OUT/exa-hpl.$1.out
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 mpirun --bind-to core -np "$RANKS" \
        -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS \
        ${OPENBLAS_CORETYPE:+-x OPENBLAS_CORETYPE} \
        "$HPL" "$OUT/HPL.dat" --json "$OUT/exa-hpl.$1.json" >"$out" 2>&1 &&
        grep -q PASSED "$out" && awk '/^W[RC]/ {print $7}' "$out" | tail -n1
}
run_netlib() {  # run_netlib ROUND: netlib HPL inside hpcc; prints its Gflops, or nothing
    local h=$OUT/hpcc.$1
    mkdir -p "$h"
    write_hpccinf "$h/hpccinf.txt" "$N" "$NB" 1 "$RANKS" 8
    (cd "$h" && OPENBLAS_NUM_THREADS=1 mpirun --bind-to core -np "$RANKS" -x OPENBLAS_NUM_THREADS \
        ${OPENBLAS_CORETYPE:+-x OPENBLAS_CORETYPE} hpcc >"$h/hpcc.log" 2>&1)
    awk -F= '/^HPL_Tflops=/ {printf "%.2f", $2 * 1000}' "$h/hpccoutf.txt" 2>/dev/null
}

# exa-hpl reads the HPL.dat netlib HPL reads (hpccinf.txt's first 31 lines), results to stdout
write_hpccinf "$OUT/HPL.dat" "$N" "$NB" 1 "$RANKS" 6
have_hpcc=0
command -v hpcc >/dev/null 2>&1 && [ "${HPL_BENCH_HPCC:-1}" = 1 ] && have_hpcc=1
[ $have_hpcc = 1 ] || echo "(netlib HPL comparison skipped: the Debian package hpcc is not installed)"
echo "== hpl: $ROUNDS interleaved rounds: dgemm ($RANKS threads, n=4000, best of 3), exa-hpl N=$N" \
     "NB=$NB grid 1 x $RANKS (one BLAS thread per rank)$([ $have_hpcc = 1 ] && echo ', netlib HPL (hpcc)'), the same HPL.dat"
exa=() dg=() net=()
for r in $(seq 1 "$ROUNDS"); do
    d=$(dgemm_rate); g=$(run_exa_hpl "$r")
    if [ -z "$g" ]; then
        echo "bench/hpl.sh: exa-hpl failed in round $r; see $OUT/exa-hpl.$r.out" >&2
        exit 1
    fi
    n=""; [ $have_hpcc = 1 ] && n=$(run_netlib "$r")
    printf 'round %d: dgemm %s exa-hpl %s netlib %s Gflop/s\n' "$r" "$d" "$g" "${n:-n/a}"
    exa+=("$g"); dg+=("$d"); [ -n "$n" ] && net+=("$n")
done
dg+=("$(dgemm_rate)")
# ratio statistics: mean and the spread (min-max) over the rounds
python3 - "${#exa[@]}" "${exa[@]}" "${#dg[@]}" "${dg[@]}" "${#net[@]}" ${net[@]+"${net[@]}"} <<'PY'
import statistics as st, sys
a = sys.argv[1:]
def take(a):
    k = int(a[0]); return [float(x) for x in a[1:1 + k]], a[1 + k:]
exa, a = take(a); dg, a = take(a); net, a = take(a)
def spread(v):   # the median judges (one round hit by a noisy neighbour moves the mean)
    return (f"median {st.median(v):.3f} mean {st.mean(v):.3f} min {min(v):.3f} max {max(v):.3f}")
print(f"exa_hpl_gflops {spread(exa)}")
# each round's exa-hpl against the mean of the dgemm rates measured around it
r_dg = [g / ((dg[i] + dg[i + 1]) / 2) for i, g in enumerate(exa)]
print(f"ratio_to_dgemm {spread(r_dg)} "
      f"({'meets' if st.median(r_dg) >= 0.93 else 'BELOW'} the 0.93 target)")
if net:
    r_n = [g / n for g, n in zip(exa, net)]
    print(f"netlib_hpl_gflops {spread(net)}")
    print(f"ratio_to_netlib_hpl {spread(r_n)} "
          f"({'meets' if st.median(r_n) >= 1.03 else 'BELOW'} the 1.03 target)")
PY
grep -E '^exa-hpl:' "$OUT/exa-hpl.$ROUNDS.out"
echo "records: $OUT/exa-hpl.*.json"
