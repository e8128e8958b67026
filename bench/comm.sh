#!/usr/bin/env bash
# exa-comm performance check (part of `make bench`):
#   1. latency at 8 B and bandwidth at 4 MiB between 2 ranks, exa-comm beside OSU's osu_latency and
#      osu_bw when they can be found ($OSU_DIR, searched recursively, or PATH), run interleaved
#      (exa, OSU, exa, OSU, ...) REPEATS times and compared by their medians: the goal is exa-comm
#      within 3% of OSU. Without OSU, exa-comm's figures alone are printed and the reference is
#      said to be missing.
#   2. allpairs on 4 ranks at default settings: its wall time (goal: under 3 s).
# Knobs: BUILD (build folder, default build), REPEATS (default 5), OSU_DIR, MPIRUN_ARGS (extra
# mpirun arguments for the 2-rank runs, e.g. "--bind-to core --map-by core").
# Prints figures; exits 0 unless a run fails (a figure off target is reported, not an error, since
# timings on a shared machine are noisy).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
EXA=$BUILD/bin/exa-comm
REPEATS=${REPEATS:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
read -r -a EXTRA <<<"${MPIRUN_ARGS:-}"
MPIRUN2=(mpirun -n 2 "${EXTRA[@]}")

[ -x "$EXA" ] || { echo "bench/comm.sh: $EXA not built (make BUILD=$BUILD)" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "bench/comm.sh: mpirun not found" >&2; exit 2; }

find_osu() {  # find_osu NAME: path of an OSU binary, or nothing
    local p
    if [ -n "${OSU_DIR:-}" ] && [ -d "$OSU_DIR" ]; then
        p=$(find "$OSU_DIR" -type f -name "$1" -perm -u+x 2>/dev/null | head -n 1)
        [ -n "$p" ] && { echo "$p"; return; }
    fi
    command -v "$1" 2>/dev/null
}
# value SIZE: the second column of the row whose first column is SIZE (OSU and exa-comm alike)
value() { awk -v s="$1" '$1 == s { v = $2 } END { if (v == "") exit 1; print v }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit } print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

OSU_LAT=$(find_osu osu_latency)
OSU_BW=$(find_osu osu_bw)
LAT=8
BW=4194304
status=0
: >"/tmp/exacomm-bench.$$"
trap 'rm -f /tmp/exacomm-bench.$$*' EXIT

echo "== exa-comm: latency (${LAT} B) and bandwidth (4 MiB), 2 ranks, $REPEATS interleaved repeats"
echo "   host $(hostname), load average $(cut -d' ' -f1-3 /proc/loadavg), $(mpirun --version 2>/dev/null | head -n1)"
for r in $(seq 1 "$REPEATS"); do
    v=$("${MPIRUN2[@]}" "$EXA" latency -m $LAT | value $LAT) || { echo "exa-comm latency failed" >&2; status=1; }
    echo "${v:-nan}" >>"/tmp/exacomm-bench.$$.exa_lat"
    if [ -n "$OSU_LAT" ]; then
        v=$("${MPIRUN2[@]}" "$OSU_LAT" -m $LAT:$LAT | value $LAT) || { echo "osu_latency failed" >&2; status=1; }
        echo "${v:-nan}" >>"/tmp/exacomm-bench.$$.osu_lat"
    fi
    v=$("${MPIRUN2[@]}" "$EXA" bw -m $BW | value $BW) || { echo "exa-comm bw failed" >&2; status=1; }
    echo "${v:-nan}" >>"/tmp/exacomm-bench.$$.exa_bw"
    if [ -n "$OSU_BW" ]; then
        v=$("${MPIRUN2[@]}" "$OSU_BW" -m $BW:$BW | value $BW) || { echo "osu_bw failed" >&2; status=1; }
        echo "${v:-nan}" >>"/tmp/exacomm-bench.$$.osu_bw"
    fi
done

row() {  # row LABEL UNIT EXA_FILE OSU_FILE HIGHER_IS_BETTER
    local e o verdict="" ratio
    e=$(median <"$3")
    printf '   %-22s exa-comm %10s %-5s  (runs: %s)\n' "$1" "$e" "$2" "$(tr '\n' ' ' <"$3")"
    if [ -s "${4:-/nonexistent}" ]; then
        o=$(median <"$4")
        ratio=$(awk -v e="$e" -v o="$o" 'BEGIN { if (o > 0) printf "%.3f", e / o; else print "nan" }')
        verdict=$(awk -v r="$ratio" -v h="$5" 'BEGIN { d = h ? 1 - r : r - 1; print (d <= 0.03) ? "within 3% (or better)" : sprintf("%.1f%% worse than OSU", 100 * d) }')
        printf '   %-22s OSU      %10s %-5s  (runs: %s)\n' "" "$o" "$2" "$(tr '\n' ' ' <"$4")"
        printf '   %-22s exa-comm / OSU = %s: %s\n' "" "$ratio" "$verdict"
    fi
}
row "latency 8 B" us "/tmp/exacomm-bench.$$.exa_lat" "/tmp/exacomm-bench.$$.osu_lat" 0
row "bandwidth 4 MiB" MB/s "/tmp/exacomm-bench.$$.exa_bw" "/tmp/exacomm-bench.$$.osu_bw" 1
if [ -z "$OSU_LAT" ] || [ -z "$OSU_BW" ]; then
    echo "   OSU reference not found (osu_latency/osu_bw: set OSU_DIR to an OSU Micro-Benchmarks"
    echo "   install or put them on PATH): exa-comm's figures only. Expected on a 2-core VM with"
    echo "   Open MPI 4.1 shared memory: about 0.17-0.18 us and 11,000-12,000 MB/s."
fi

echo "== exa-comm allpairs, 4 ranks, default settings (goal: under 3 s)"
t0=$(date +%s.%N)
if mpirun -n 4 --oversubscribe "$EXA" allpairs >"/tmp/exacomm-bench.$$.ap" 2>&1; then
    t1=$(date +%s.%N)
    inner=$(sed -n 's/^# allpairs wall time: \([0-9.]*\) s$/\1/p' "/tmp/exacomm-bench.$$.ap")
    awk -v a="$t0" -v b="$t1" -v m="$inner" 'BEGIN { w = b - a;
        printf "   whole job (mpirun start to end) %.2f s, measurement %s s: %s\n", w, m,
               (w < 3) ? "under 3 s" : "OVER 3 s" }'
    grep -E '^# (median|SLOW|No slow)' "/tmp/exacomm-bench.$$.ap" | sed 's/^/   /'
else
    echo "   exa-comm allpairs failed:"; tail -n 5 "/tmp/exacomm-bench.$$.ap" | sed 's/^/   /'
    status=1
fi
exit $status
