#!/usr/bin/env bash
# exa-comm bad input, data-driven (tests/data/comm/bad-input.tsv): each case runs under mpirun with
# the given rank count and must exit with the given status (2: a message naming the problem on
# every rank's behalf, no hang) and print a message matching the given pattern.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exa-comm
[ -x "$EXA" ] || skip_all "$EXA not built"
command -v mpirun >/dev/null || skip_all "mpirun not found"
cases=$EXA_ROOT/tests/data/comm/bad-input.tsv
while IFS=$'\t' read -r -u 3 ranks code pattern args; do
    case $ranks in ''|'#'*) continue ;; esac
    read -r -a argv <<<"$args"
    t0=$SECONDS
    expect_exit "$code" "-n $ranks exa-comm $args: exit $code" "${MPIRUN[@]}" -n "$ranks" "$EXA" "${argv[@]}"
    output_has "-n $ranks exa-comm $args: says /$pattern/" "$pattern"
    [ $((SECONDS - t0)) -lt 60 ]; ok $? "-n $ranks exa-comm $args: no hang"
done 3<"$cases"
done_testing
