#!/usr/bin/env bash
# exa-stream rejects bad input with exit 2 and a message naming the option: run alone, and for the
# main cases under mpirun with 1 and 2 ranks (no rank left hanging). The cases are the table
# tests/data/stream/bad_input.tsv.
source "$(dirname "$0")/../lib/tap.sh"
require_bin "$BIN/exa-stream"
TABLE=$EXA_ROOT/tests/data/stream/bad_input.tsv

while IFS=$'\t' read -r -u 3 args want pattern rank_counts; do
    case "$args" in ''|'#'*) continue ;; esac
    read -r -a argv <<<"$args"
    for ranks in ${rank_counts:-s}; do
        launch=("${MPIRUN[@]}" -n "$ranks") how="$ranks rank(s)"
        [ "$ranks" = s ] && launch=() how="alone"
        expect_exit "$want" "[$how] $args: exit $want" \
            "${launch[@]}" "$BIN/exa-stream" --size 4K --ntimes 2 "${argv[@]}"
        output_has "[$how] $args: message /$pattern/" "$pattern"
        ! grep -q PASSED "$T/last.out"; ok $? "[$how] $args: nothing measured"
    done
done 3<"$TABLE"   # fd 3: mpirun reads standard input

# An unreadable table must not pass silently with zero cases.
[ "$_tap_n" -ge 75 ]; ok $? "the case table was read ($_tap_n checks)"
done_testing
