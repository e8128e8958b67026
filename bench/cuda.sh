#!/usr/bin/env bash
# bench/cuda.sh (part of `make bench`): the GPU variants against their references, measured in the
# same run on this machine's first GPU (one rank):
#   - exa-stream-cuda Triad against the device-to-device cudaMemcpy rate of the same arrays
#     (exa-stream-cuda --memcpy; both count the bytes each element moves: Triad 3 x 8, the copy
#     2 x 8). Target: Triad >= 90% of the copy.
#   - exa-hpl-cuda (the trailing matrix resident in GPU memory, engine cuda) against cublasDgemm
#     with k = NB, the shape of its trailing update (tests/tools/cuda_hpl_engine --dgemm N NB), with
#     N the largest multiple of NB whose matrix fits 85% of the GPU's memory and half the host's
#     (the host holds [A b] for generation and the residual), at most CUDA_BENCH_HPL_NMAX.
#     Target: >= 75% of DGEMM with a PASSED residual.
# The CUDA tests (tests/cuda/*.t) run first: a figure from a build that fails them is no figure.
# Skips with a line saying why when the build has no CUDA (make CUDA=1) or no GPU is found; exits 1
# when a run fails (error or failed verification), 0 otherwise (a missed target is reported, and
# is not an error of the script).
# Knobs: BUILD; CUDA_BENCH_STREAM_SIZE (elements per array, default 2^27 = 1 GiB per array),
# CUDA_BENCH_NTIMES (default 20); CUDA_BENCH_HPL_N (default: from 85% of device memory),
# CUDA_BENCH_HPL_NB (default 1024), CUDA_BENCH_HPL_NMAX (default 90000), CUDA_BENCH_DGEMM_N
# (default min(N, 32768)). Build first with: make CUDA=1 all unit-tests.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
S=$BUILD/bin/exa-stream-cuda
H=$BUILD/bin/exa-hpl-cuda
E=$BUILD/tests/tools/cuda_hpl_engine
SIZE=${CUDA_BENCH_STREAM_SIZE:-134217728}
NTIMES=${CUDA_BENCH_NTIMES:-20}
NB=${CUDA_BENCH_HPL_NB:-1024}
NMAX=${CUDA_BENCH_HPL_NMAX:-90000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

if [ ! -x "$S" ]; then
    echo "bench/cuda: SKIPPED: $S is not built (build with: make CUDA=1)"
    exit 0
fi
TMP=$(mktemp -d /tmp/exabench-cuda.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$S" --size 1024 --ntimes 2 >"$TMP/probe" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "no CUDA device" "$TMP/probe"; then
    echo "bench/cuda: SKIPPED: $(grep -m1 -o 'no CUDA device.*' "$TMP/probe")"
    exit 0
elif [ $rc -ne 0 ]; then
    echo "bench/cuda: exa-stream-cuda failed on a tiny run (exit $rc):"
    tail -n 20 "$TMP/probe"
    exit 1
fi

status=0
# ---- the CUDA tests (they skip what needs a GPU when there is none, which got us here)
if [ "${CUDA_BENCH_TESTS:-1}" = 1 ]; then
    if BUILD="$BUILD" tests/run tests/cuda/*.t >"$TMP/tests" 2>&1; then
        echo "bench/cuda: CUDA tests passed ($(grep -o 'Tests=[0-9]*' "$TMP/tests" | tail -1))"
    else
        echo "bench/cuda: CUDA tests FAILED:"; tail -n 30 "$TMP/tests"; status=1
    fi
fi
# ratio X Y: X / Y with three decimals ("-" when either is missing)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (x == "" || y == "" || y + 0 == 0) print "-"; else printf "%.3f", x / y }'; }
# verdict RATIO TARGET
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "-") print "no figure"; else if (r + 0 >= t) print "target met"; else print "target MISSED" }'; }

# ---- STREAM: Triad vs device-to-device copy
stream_run() {   # stream_run NAME ARGS...
    local name=$1; shift
    if ! "$S" --size "$SIZE" --ntimes "$NTIMES" "$@" >"$TMP/$name" 2>&1; then
        echo "bench/cuda: exa-stream-cuda $* failed:"; tail -n 20 "$TMP/$name"; status=1
    fi
}
stream_run kernels
stream_run memcpy --memcpy
rate() { awk -v k="$2:" '$1 == k { print $2 }' "$TMP/$1"; }
triad=$(rate kernels Triad) copy=$(rate kernels Copy) memcpy=$(rate memcpy Memcpy)
r=$(ratio "$triad" "$memcpy")
echo "exa-stream-cuda on $(hostname): $SIZE doubles per array, ntimes $NTIMES, GB/s = 10^9 B/s"
grep -m1 '^Stores' "$TMP/kernels"
printf '  %-34s %10s GB/s\n' "Copy (kernel)" "$copy" "Triad (kernel)" "$triad" \
    "cudaMemcpy device to device" "$memcpy"
echo "  Triad / cudaMemcpy D2D = $r (target >= 0.90): $(verdict "$r" 0.90)"

# ---- HPL: exa-hpl-cuda (trailing matrix resident on the GPU) vs cuBLAS DGEMM at the same NB
if [ ! -x "$E" ]; then   # a test tool: `make all` (what make bench builds) does not build it
    echo "bench/cuda: building the cuBLAS DGEMM reference ($E)"
    make --no-print-directory -s BUILD="$BUILD" CUDA=1 "$E" >"$TMP/make" 2>&1 ||
        { echo "bench/cuda: could not build $E:"; tail -n 20 "$TMP/make"; exit 1; }
fi
if ! "$E" --dgemm 1024 "$NB" 1 >"$TMP/probe_dgemm" 2>&1; then
    echo "bench/cuda: the cuBLAS DGEMM reference failed:"; tail -n 20 "$TMP/probe_dgemm"; exit 1
fi
mem=$(sed -n 's/^device .*memory_bytes=\([0-9]*\).*/\1/p' "$TMP/probe_dgemm")
host=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
# N: the largest multiple of NB whose 8 N^2 bytes fit 85% of the GPU's memory and, since exa-hpl
# generates [A b] and checks the residual on the host, half of the host's; capped by NMAX so that
# the run (host generation and residual are O(N^2) on one core) stays within a few minutes.
N=${CUDA_BENCH_HPL_N:-$(awk -v m="$mem" -v h="$host" -v nb="$NB" -v cap="$NMAX" 'BEGIN {
    b = 0.85 * m; if (0.5 * h < b) b = 0.5 * h; n = int(sqrt(b / 8)); if (n > cap) n = cap
    print n - n % nb }')}
DGEMM_N=${CUDA_BENCH_DGEMM_N:-$(( N < 32768 ? N : 32768 ))}
if ! "$E" --dgemm "$DGEMM_N" "$NB" 5 >"$TMP/dgemm" 2>&1; then
    echo "bench/cuda: the cuBLAS DGEMM reference failed:"; tail -n 20 "$TMP/dgemm"; exit 1
fi
dgemm=$(sed -n 's/^dgemm .*gflops=\([0-9.]*\).*/\1/p' "$TMP/dgemm")
echo
sed -n 's/^device name="\(.*\)" memory_bytes=\([0-9]*\)/GPU: \1, \2 bytes of memory/p' "$TMP/dgemm"
echo "  cublasDgemm m=n=$DGEMM_N k=NB=$NB (the trailing update's shape): $dgemm Gflop/s (best of 5)"
if [ ! -x "$H" ]; then
    echo "  exa-hpl-cuda: not built (see benchmarks/hpl/cuda/module.mk): HPL part skipped"
    exit $status
fi
if ! timeout 900 "$H" -N "$N" -NB "$NB" -P 1 -Q 1 --json "$TMP/hpl.json" >"$TMP/hpl" 2>&1; then
    echo "bench/cuda: exa-hpl-cuda -N $N -NB $NB failed:"; tail -n 20 "$TMP/hpl"; exit 1
fi
hpl=$(awk '$1 ~ /^W/ && NF >= 7 { print $7; exit }' "$TMP/hpl")
r=$(ratio "$hpl" "$dgemm")
echo "  exa-hpl-cuda N=$N NB=$NB (device-resident; N from min(85% GPU, 50% host memory), cap $NMAX):"
echo "    $hpl Gflop/s, residual $(grep -m1 -o 'PASSED\|FAILED' "$TMP/hpl")"
python3 -c "
import json; t = json.load(open('$TMP/hpl.json'))['engine']['traffic']
print('    per-iteration copies (max): %.1f MB up, %.1f MB down; local matrix %.1f GB' %
      (t['h2d_iter_max'] / 1e6, t['d2h_iter_max'] / 1e6, t['trailing_bytes'] / 1e9))" 2>/dev/null
echo "  exa-hpl-cuda / cublasDgemm = $r (target >= 0.75): $(verdict "$r" 0.75)"
exit $status
