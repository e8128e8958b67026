#!/usr/bin/env bash
# JUPITER size without the machine (issue 16): the time and peak memory of `exabench plan` of an
# acceptance suite at 6,144 nodes (bench/data/jupiter.yaml; target under 1 s), and of `exabench
# report` and `exabench compare` of a synthetic 6,000-node x 4-rank run (tests/tools/gen-scale:
# per-node screening records, HPL and STREAM weak scaling 1..4096 nodes and 6,000, and an all-pairs
# record of 24,000 ranks in exa-comm's node-level form; targets under 10 s and 2 GiB each). Also
# states the all-pairs record's size, and what its optional float32 side file would weigh.
#   bench/scale.sh [NODES] [RANKS_PER_NODE]      (default 6000 4; BUILD=dir picks the build folder)
# Exits 1 when a target is missed. Needs GNU time (/usr/bin/time -v).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
N=${1:-6000}
R=${2:-4}
EXA=$BUILD/bin/exabench
GEN=$BUILD/tests/tools/gen-scale
[ -x "$GEN" ] || make --no-print-directory BUILD="$BUILD" "$GEN" >/dev/null || exit 2
[ -x "$EXA" ] || make --no-print-directory BUILD="$BUILD" "$EXA" >/dev/null || exit 2
[ -x /usr/bin/time ] || { echo "bench/scale.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
W=$(mktemp -d /tmp/exabench-bench-scale.XXXXXX)
trap 'rm -rf "$W"' EXIT

t0=$SECONDS
"$GEN" "$W/base" --nodes "$N" --ranks-per-node "$R" --seed 1 --run-id base >/dev/null || exit 2
"$GEN" "$W/new" --nodes "$N" --ranks-per-node "$R" --seed 2 --factor 0.97 --run-id new >/dev/null || exit 2
gen_s=$((SECONDS - t0))
cat "$W"/base/records/* "$W"/new/records/* >/dev/null   # the page cache warm: time exabench, not the disk

status=0
measure() {  # measure NAME WALL_TARGET_S CMD...: wall time, CPU time and peak RSS of CMD
    local name=$1 target=$2 verdict=ok
    shift 2
    /usr/bin/time -v -o "$W/time" "$@" >"$W/out" 2>&1
    local rc=$?
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$W/time")
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$W/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time")
    awk "BEGIN {exit !($wall < $target)}" || { verdict="SLOWER than the target"; status=1; }
    [ "$rss" -lt $((2 * 1024 * 1024)) ] || { verdict="$verdict, OVER 2 GiB"; status=1; }
    printf '%-40s %7.2f s wall, %6.2f s CPU, peak %7.1f MiB  (target < %s s, < 2 GiB: %s; exit %d)\n' \
        "$name" "$wall" "$cpu" "$(awk "BEGIN {print $rss / 1024}")" "$target" "$verdict" "$rc"
}

records=$(ls "$W/base/records" | wc -l)
ap=$(ls -S "$W"/base/records/*.json | head -1)
ap_bytes=$(stat -c %s "$ap")
P=$((N * R))
echo "# exabench at scale: $N nodes x $R ranks ($P ranks), $records records per run ($(du -sm "$W/base" | cut -f1) MiB), generated in ${gen_s} s; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
measure "plan (6,144-node acceptance suite)" 1 "$EXA" plan bench/data/jupiter.yaml
echo "#   $(grep -c '^[0-9]' "$W/out") runs planned"
measure "report (HTML, Markdown, CSV, plots)" 10 "$EXA" report "$W/base" -o "$W/rep"
measure "compare BASE NEW (NEW 3% slower)" 10 "$EXA" compare "$W/base" "$W/new"
echo "#   compare: $(tail -n 1 "$W/out")"
printf '# all-pairs record at %d nodes x %d ranks: %d bytes (%.1f MiB) of JSON; the dense P x P JSON of\n' "$N" "$R" "$ap_bytes" "$(awk "BEGIN {print $ap_bytes / 1048576}")"
printf '#   the old form would hold %d pairs; the optional float32 side file (--matrix-file) is 64 + 8 P^2 = %s bytes (%.1f GiB)\n' \
    "$((P * (P - 1) / 2))" "$((64 + 8 * P * P))" "$(awk "BEGIN {print (64 + 8 * $P * $P) / 1073741824}")"
exit $status
