#!/usr/bin/env bash
# bench/stream.sh (part of `make bench`): exa-stream against the limits and references on this
# machine, in one run:
#   - each kernel's best rate with 1 and 2 threads, with non-temporal stores (the default) and
#     with ordinary (temporal) stores, and the 2-thread/1-thread and non-temporal/temporal ratios;
#   - exa-stream's Copy rate over the C library's memcpy rate (exa-stream --memcpy: each thread
#     memcpy()s its part of the same arrays), with 1 and 2 threads;
#   - the Debian hpcc package's STREAM (Copy, Scale, Add, Triad) when hpcc is installed.
# Knobs: BUILD (binaries in $BUILD/bin), STREAM_BENCH_SIZE (elements per array; default:
# exa-stream's own, 4x the last-level cache), STREAM_BENCH_NTIMES (default 20).
# Run on a quiet machine: the figures are only as good as the machine is idle.
set -u
cd "$(dirname "$0")/.." || exit 2
. bench/lib/hpcc.sh
. bench/lib/blas.sh
BUILD=${BUILD:-build}
EXA=$BUILD/bin/exa-stream
NTIMES=${STREAM_BENCH_NTIMES:-20}
SIZE=${STREAM_BENCH_SIZE:-}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[ -x "$EXA" ] || { echo "bench/stream: $EXA is not built (run make)"; exit 2; }
TMP=$(mktemp -d /tmp/exabench-stream.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
size_opt=()
[ -n "$SIZE" ] && size_opt=(--size "$SIZE")

# run NAME THREADS ARGS...: one exa-stream run (one rank, no launcher), its table in $TMP/NAME.
run() {
    local name=$1 threads=$2
    shift 2
    if ! OMP_NUM_THREADS=$threads "$EXA" "${size_opt[@]}" --ntimes "$NTIMES" --threads "$threads" "$@" \
        >"$TMP/$name" 2>&1; then
        echo "bench/stream: exa-stream $* with $threads thread(s) failed:"
        tail -n 20 "$TMP/$name"
        exit 1
    fi
    grep '^NON-COMPLIANT' "$TMP/$name" | sed "s/^/  [$name] /"
}
# rate NAME KERNEL: the Best Rate GB/s column of KERNEL in run NAME.
rate() { awk -v k="$2:" '$1 == k { print $2 }' "$TMP/$1"; }
# ratio X Y: X / Y with two decimals ("-" when either is missing).
ratio() {
    awk -v x="$1" -v y="$2" 'BEGIN { if (x == "" || y == "" || y + 0 == 0) print "-"
                                     else printf "%.2f", x / y }'
}

for t in 1 2; do
    run "nt$t" "$t" --stores nontemporal
    run "tp$t" "$t" --stores temporal
    run "mc$t" "$t" --memcpy
done

echo "exa-stream on $(hostname), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
grep -m1 '^Array size' "$TMP/nt1"
grep -m1 '^Memory per array' "$TMP/nt1"
grep -m1 '^Last-level cache' "$TMP/nt1"
echo "ntimes $NTIMES (first not counted); best rates in GB/s (10^9 B/s); one rank, no binding set"
echo
printf '%-8s %12s %12s %12s %12s %9s %9s %9s\n' "Kernel" "1T nontemp" "1T temporal" "2T nontemp" \
    "2T temporal" "2T/1T nt" "2T/1T t" "nt/t 2T"
for k in Copy Scale Add Triad Dot; do
    n1=$(rate nt1 $k) t1=$(rate tp1 $k) n2=$(rate nt2 $k) t2=$(rate tp2 $k)
    printf '%-8s %12s %12s %12s %12s %9s %9s %9s\n' "$k" "$n1" "$t1" "$n2" "$t2" \
        "$(ratio "$n2" "$n1")" "$(ratio "$t2" "$t1")" "$(ratio "$n2" "$t2")"
done
m1=$(rate mc1 Memcpy) m2=$(rate mc2 Memcpy)
printf '%-8s %12s %12s %12s %12s %9s\n' "memcpy" "$m1" "" "$m2" "" "$(ratio "$m2" "$m1")"
echo
echo "Copy / memcpy (same arrays, same threads):"
printf '  1 thread : non-temporal %s   temporal %s\n' "$(ratio "$(rate nt1 Copy)" "$m1")" \
    "$(ratio "$(rate tp1 Copy)" "$m1")"
printf '  2 threads: non-temporal %s   temporal %s\n' "$(ratio "$(rate nt2 Copy)" "$m2")" \
    "$(ratio "$(rate tp2 Copy)" "$m2")"
echo

# The Debian hpcc package's STREAM (HPC Challenge), when installed. hpcc sizes its STREAM
# vectors from the HPL matrix in hpccinf.txt, so N is chosen for 3 vectors of about the same
# bytes per rank as exa-stream's arrays above; hpcc runs its other tests too (a minute or so).
if ! command -v hpcc >/dev/null 2>&1; then
    echo "hpcc STREAM: not installed (apt-get install hpcc to compare)"
    exit 0
fi
elems=$(awk '/^Array size/ { print $4 }' "$TMP/nt1")
hpl_n=$(awk -v e="$elems" 'BEGIN { n = int(sqrt(e * 3) / 64 + 1) * 64; print n }')
write_hpccinf "$TMP/hpccinf.txt" "$hpl_n" 192 1 1 6
# Debian's hpcc is built without OpenMP (its STREAM_Threads is 1), so one run with one thread,
# compared with exa-stream's 1-thread figures.
# Its HPL part is BLAS-bound: with fallback kernels the whole hpcc run can take many minutes.
use_fitting_blas_kernels "$BUILD/bin/exabench" "stream (hpcc's HPL part)"
mkdir -p "$TMP/hpcc"
cp "$TMP/hpccinf.txt" "$TMP/hpcc/"
(cd "$TMP/hpcc" && OMP_NUM_THREADS=1 timeout 900 mpirun --bind-to none -n 1 \
    ${OPENBLAS_CORETYPE:+-x OPENBLAS_CORETYPE} hpcc >hpcc.log 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    [ $rc -eq 124 ] && echo "hpcc STREAM: hpcc did not finish in 900 s (N=$hpl_n on one core)" ||
        echo "hpcc STREAM: hpcc failed (exit $rc):"
    tail -n 5 "$TMP/hpcc/hpcc.log"
    exit 1
fi
hp() { awk -F= -v k="$1" '$1 == k { print $2 }' "$TMP/hpcc/hpccoutf.txt"; }
echo "hpcc STREAM (SingleSTREAM, one rank, STREAM_Threads=$(hp STREAM_Threads); HPL N=$hpl_n gives" \
    "vectors of $(hp STREAM_VectorSize) elements):"
printf '%-8s %12s %16s %16s\n' "Kernel" "hpcc" "exa 1T nt/hpcc" "exa 1T t/hpcc"
for k in Copy Scale Add Triad; do
    h=$(hp "SingleSTREAM_$k")
    printf '%-8s %12s %16s %16s\n' "$k" "$h" "$(ratio "$(rate nt1 $k)" "$h")" "$(ratio "$(rate tp1 $k)" "$h")"
done
