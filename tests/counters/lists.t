#!/usr/bin/env bash
# Data-driven --papi parsing (tests/data/counters/lists.tsv): known names never fail the run (each
# is in the record, counted or unavailable with a reason); unknown names, empty and repeated
# entries exit 2 with the message the table names. Where PAPI's perf_event component is disabled,
# native names are recorded unavailable with the component's reason (the table's third column). In
# a PAPI=0 build every list exits 2 saying so.
source "$(dirname "$0")/../lib/tap.sh"
require_bin "$TOOLS/counters_probe"
papi_inventory
PROBE=$TOOLS/counters_probe
CASES=$EXA_ROOT/tests/data/counters/lists.tsv

mode=normal
if ! inventory_has "$PAPI_AVAILABLE"; then
    mode=nopapi
    echo "# this build has no PAPI: every list must be refused"
elif ! inventory_has "$PERF_EVENT_ACTIVE"; then
    mode=noperf
    echo "# PAPI's perf_event component is disabled here: native names must be kept as unavailable"
fi

recorded_check() {  # recorded_check LIST: every listed event is in the record, counted or with a reason
    json_true "--papi '$1': every event recorded, counted or with a reason" "$T/r.json" "
all((e.strip() in r['counters']['events']) and
    ((r['counters']['events'][e.strip()]['available'] and 'sum' in r['counters']['events'][e.strip()])
     or (not r['counters']['events'][e.strip()]['available'] and r['counters']['events'][e.strip()]['reason']))
    for e in '''$1'''.split(',') if e.strip() != 'energy')"
}

while IFS=$'\t' read -r list want want_noperf pattern; do
    case $list in '#'*|'') continue ;; esac
    if [ $mode = nopapi ]; then
        expect_exit 2 "PAPI=0: --papi '$list' exits 2" "$PROBE" --papi "$list"
        output_has "PAPI=0: --papi '$list' says the build has no PAPI" 'built with PAPI=0'
        continue
    fi
    normal_want=$want
    [ $mode = noperf ] && want=$want_noperf
    expect_exit "$want" "--papi '$list' exits $want ($mode)" "$PROBE" --papi "$list" --spin 1e5 --json "$T/r.json"
    native=$(tr ',' '\n' <<<"$list" | tr -d ' ' | grep -v -i -e '^papi_' -e '^energy$' | grep -c .)
    if [ $mode = noperf ] && [ "$want" = 0 ] && [ "$native" -gt 0 ]; then
        output_has "--papi '$list': native names unavailable, naming the disabled component" \
            'unavailable: component perf_event is disabled'
    elif [ "$pattern" != - ] && [ "$want" = "$normal_want" ]; then
        output_has "--papi '$list': output names /$pattern/" "$pattern"
    fi
    [ "$want" = 0 ] && recorded_check "$list"
done <"$CASES"
done_testing
