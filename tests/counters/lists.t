#!/usr/bin/env bash
# Data-driven --papi parsing (tests/data/counters/lists.tsv): known names never fail the run (each
# is in the record, counted or unavailable with a reason); unknown names, empty and repeated
# entries exit 2 with the message the table names. In a PAPI=0 build every list exits 2 saying so.
source "$(dirname "$0")/../lib/tap.sh"
PROBE=$TOOLS/counters_probe
[ -x "$PROBE" ] || skip_all "counters_probe not built (make BUILD=$BUILD unit-tests)"
CASES=$EXA_ROOT/tests/data/counters/lists.tsv

"$PROBE" --inventory >"$T/inv.json" 2>&1
if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["papi"]["available"] else 1)' "$T/inv.json"; then
    nopapi=0
else
    nopapi=1
    echo "# this build has no PAPI: every list must be refused"
fi

while IFS=$'\t' read -r list want pattern; do
    case $list in '#'*|'') continue ;; esac
    if [ $nopapi = 1 ]; then
        expect_exit 2 "PAPI=0: --papi '$list' exits 2" "$PROBE" --papi "$list"
        output_has "PAPI=0: --papi '$list' says the build has no PAPI" 'built with PAPI=0'
        continue
    fi
    expect_exit "$want" "--papi '$list' exits $want" "$PROBE" --papi "$list" --spin 1e5 --json "$T/r.json"
    if [ "$pattern" != - ]; then
        output_has "--papi '$list': output names /$pattern/" "$pattern"
    fi
    if [ "$want" = 0 ]; then
        json_true "--papi '$list': every event recorded, counted or with a reason" "$T/r.json" "
all((e.strip() in r['counters']['events']) and
    ((r['counters']['events'][e.strip()]['available'] and 'sum' in r['counters']['events'][e.strip()])
     or (not r['counters']['events'][e.strip()]['available'] and r['counters']['events'][e.strip()]['reason']))
    for e in '''$list'''.split(',') if e.strip() != 'energy')"
    fi
done <"$CASES"
done_testing
