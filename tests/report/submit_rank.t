#!/usr/bin/env bash
# exabench submit and rank: the golden cases of tests/data/report/rank.cases (order, ties, a
# tampered file, a failed residual, Rmax above Rpeak...), the seal, and the CSV and HTML outputs.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

S=$T/subs
mkdir -p "$S"
alter() {  # alter FILE HOW
    local f=$1 how=$2
    case "$how" in
    none) ;;
    tamper-record|tamper-summary)
        python3 - "$f" "$how" <<'PY'
import json, sys
f, how = sys.argv[1], sys.argv[2]
s = json.load(open(f))
if how == 'tamper-summary':
    s['summary']['rmax_gflops'] *= 1.5
else:
    for r in s['records']:
        rec = json.loads(r['raw'])
        if rec['benchmark'] == 'hpl':
            rec['metrics']['gflops']['value'] *= 1.5
            r['raw'] = json.dumps(rec, indent=1)
            break
json.dump(s, open(f, 'w'), indent=1)
PY
        ;;
    truncate) head -c "$(( $(wc -c <"$f") / 2 ))" "$f" >"$f.tmp" && mv "$f.tmp" "$f" ;;
    *) "$FORGE" "$f" "$f.tmp" "--$how" && mv "$f.tmp" "$f" ;;
    esac
}

nsub=0 nrank=0
while IFS='|' read -r kind args sys how want; do
    read -r kind name <<<"$kind"
    case "$kind" in
    sub)
        read -r -a gargs <<<"$args"
        gen "$T/run-$name" "${gargs[@]}"
        want=$(echo "$want" | xargs)
        expect_exit "$want" "submit $name: exit $want" "$EXA" submit "$T/run-$name" --system "$DATA/systems/$(echo "$sys" | xargs)" -o "$S/$name.json"
        [ "$want" = 0 ] && alter "$S/$name.json" "$(echo "$how" | xargs)"
        nsub=$((nsub + 1))
        ;;
    rank)
        by=$name
        read -r -a subs <<<"$args"
        files=()
        for s in "${subs[@]}"; do files+=("$S/$s.json"); done
        want=$(echo "$sys" | xargs)
        expect_exit "$want" "rank --by $by ${subs[*]}: exit $want" "$EXA" rank --by "$by" "${files[@]}"
        cp "$T/last.out" "$T/rank.out"
        IFS=$'\n' read -r -d '' -a pats < <(echo "$how" | sed 's/;;/\n/g' && printf '\0')
        for p in "${pats[@]}"; do
            p=$(echo "$p" | sed 's/^ //')
            [ -n "$p" ] || continue
            cp "$T/rank.out" "$T/last.out"
            output_has "rank --by $by ${subs[*]}: /$p/" "$p"
        done
        nrank=$((nrank + 1))
        ;;
    esac
done < <(grep -v '^#' "$DATA/rank.cases" | grep -v '^ *$')
[ "$nsub" -ge 10 ] && [ "$nrank" -ge 8 ]; ok $? "ran $nsub submissions and $nrank rankings"

# What submit refuses, and why.
"$EXA" submit "$T/run-failedrun" --system "$DATA/systems/alpha.yaml" -o "$T/x.json" >"$T/last.out" 2>&1
output_has "submit names the failed residual" "HPL run failed: verification-failed"
"$EXA" submit "$T/run-noncompliant" --system "$DATA/systems/alpha.yaml" -o "$T/x.json" >"$T/last.out" 2>&1
output_has "submit names the run-rule violation" "not compliant with the run rules: residual threshold changed from 16"
expect_exit 2 "submit without --system" "$EXA" submit "$T/run-alpha"
output_has "names the option" "--system FILE is required"

# The submission: fields and the seal recomputed independently.
python3 - "$S/alpha.json" <<'PY'
import hashlib, json, sys
s = json.load(open(sys.argv[1]))
need = ['rmax_gflops', 'rpeak_gflops', 'nmax', 'n_half', 'cores', 'accelerators', 'interconnect', 'mpi', 'blas',
        'date', 'energy_j', 'stream_triad_per_node_gbs', 'latency_us', 'bandwidth_gbs']
assert all(k in s['summary'] for k in need), [k for k in need if k not in s['summary']]
assert s['system']['site'] == 'Example Computing Centre' and s['summary']['rpeak_gflops'] == 400
for r in s['records']:
    assert hashlib.sha256(r['raw'].encode()).hexdigest() == r['sha256']
assert len(s['records']) == 89 and all(json.loads(r['raw'])['schema'] == 'exabench.record' for r in s['records'])
assert s['seal']['algorithm'] == 'sha256' and len(s['seal']['digest']) == 64
PY
ok $? "the submission has the TOP500 fields, per-record SHA-256 digests and a seal"

# Formats.
expect_exit 0 "rank --csv" "$EXA" rank --csv "$S/alpha.json" "$S/beta.json"
python3 -c "
import csv, sys
rows = list(csv.reader(open('$T/last.out')))
sys.exit(0 if rows[0][:4] == ['rank', 'system', 'site', 'Rmax (Gflop/s)'] and [r[1] for r in rows[1:]] == ['Beta', 'Alpha'] else 1)"
ok $? "the CSV has a header and Beta before Alpha"
expect_exit 1 "rank --html with a refusal" "$EXA" rank --html -o "$T/rank.html" "$S/alpha.json" "$S/beta.json" "$S/tampered.json"
html_ok "$T/rank.html"; ok $? "the HTML ranking is well-formed"
grep -q 'class="refused"' "$T/rank.html"; ok $? "the HTML lists the refused submission"
expect_exit 2 "rank --by nonsense" "$EXA" rank --by speed "$S/alpha.json"
output_has "names the option and the choices" "--by 'speed': expected rmax, mxp, triad, latency or bandwidth"
expect_exit 2 "rank with no file" "$EXA" rank
done_testing
