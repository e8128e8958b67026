#!/usr/bin/env bash
# Performance of the reporting commands on large runs: generates two synthetic runs of 10 000
# records each (tests/tools/report-gen) and times `exabench report` (target: under 2 s) and
# `exabench compare` of the two (target: under 1 s), best of 3, with gnuplot rendering included.
#   bench/report.sh [RECORDS]        (default 10000; BUILD=dir picks the build folder)
# Prints one line per measurement (wall time and the CPU time user + system, which a loaded machine
# disturbs less) and exits 1 when a wall-time target is missed. Needs /usr/bin/time (GNU time).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
N=${1:-10000}
EXA=$BUILD/bin/exabench
GEN=$BUILD/tests/tools/report-gen
[ -x "$GEN" ] || make --no-print-directory BUILD="$BUILD" "$GEN" >/dev/null || exit 2
[ -x "$EXA" ] || make --no-print-directory BUILD="$BUILD" "$EXA" >/dev/null || exit 2
W=$(mktemp -d /tmp/exabench-bench-report.XXXXXX)
trap 'rm -rf "$W"' EXIT

"$GEN" "$W/base" --run-id base --records "$N" --seed 1 >/dev/null || exit 2
"$GEN" "$W/new" --run-id new --records "$N" --seed 2 --factor 0.95 --factor-bench stream --bios 2.5.0 >/dev/null || exit 2
records=$(ls "$W/base/records" | wc -l)
bytes=$(du -sb "$W/base/records" | cut -f1)

best() {  # best TIMES CMD...: "WALL CPU" of the run with the shortest wall time, in seconds
    local times=$1 b= c=
    shift
    for ((i = 0; i < times; i++)); do
        /usr/bin/time -o "$W/time" -f "%e %U %S" "$@" >/dev/null 2>&1
        read -r w u s < <(tail -n 1 "$W/time")
        if [ -z "$b" ] || awk "BEGIN {exit !($w < $b)}"; then
            b=$w
            c=$(awk "BEGIN {print $u + $s}")
        fi
    done
    echo "$b $c"
}
# Warm the page cache once, so that the timing is of exabench and not of the disk.
cat "$W"/base/records/* "$W"/new/records/* >/dev/null

status=0
report() {  # report NAME "WALL CPU" TARGET
    local verdict=ok wall cpu
    read -r wall cpu <<<"$2"
    awk "BEGIN {exit !($wall < $3)}" || { verdict="SLOWER than the target"; status=1; }
    printf '%-44s %7.3f s wall, %6.3f s CPU   (target < %s s: %s)\n' "$1" "$wall" "$cpu" "$3" "$verdict"
}
echo "# exabench reporting on $records records per run ($((bytes / 1048576)) MiB of JSON), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
report "report (HTML, Markdown, CSV, 8 gnuplot plots)" "$(best 3 "$EXA" report "$W/base" -o "$W/rep")" 2
report "report --no-render (without gnuplot)" "$(best 3 "$EXA" report --no-render "$W/base" -o "$W/rep2")" 2
report "compare BASE NEW" "$(best 3 "$EXA" compare "$W/base" "$W/new")" 1
exit $status
