#!/usr/bin/env bash
# exabench compare: the golden cases of tests/data/report/compare.cases (regression, noise only,
# improvement, changed parameters...), then the ratio plot, exit codes and bad input.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

i=0
while IFS='|' read -r name base new want patterns expr; do
    case "$name" in ''|'#'*) continue ;; esac
    i=$((i + 1))
    name=$(sed "s/^[[:space:]]*//; s/[[:space:]]*$//" <<<"$name")
    # Options for compare itself (--tol GLOB=PCT, --correction X) ride on the BASE column.
    base_args=() cmp_args=()
    read -r -a words <<<"$base"
    for ((k = 0; k < ${#words[@]}; k++)); do
        case "${words[k]}" in
        --tol|--correction) cmp_args+=("${words[k]}" "${words[k + 1]}"); k=$((k + 1)) ;;
        *) base_args+=("${words[k]}") ;;
        esac
    done
    read -r -a new_args <<<"$new"
    gen "$T/b$i" "${base_args[@]}"
    gen "$T/n$i" "${new_args[@]}"
    expect_exit "$(echo "$want" | xargs)" "$name: exit status" "$EXA" compare "${cmp_args[@]}" --json "$T/c$i.json" "$T/b$i" "$T/n$i"
    cp "$T/last.out" "$T/out$i"
    IFS=$'\n' read -r -d '' -a pats < <(echo "$patterns" | sed 's/;;/\n/g' && printf '\0')
    for p in "${pats[@]}"; do
        p=$(echo "$p" | sed 's/^ *//; s/ *$//')
        cp "$T/out$i" "$T/last.out"
        output_has "$name: output has /$p/" "$p"
    done
    python3 - "$T/c$i.json" "$expr" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j['schema'] == 'exabench.compare'
sys.exit(0 if eval(sys.argv[2].strip()) else 1)
PY
    ok $? "$name: JSON holds: $(sed "s/^[[:space:]]*//; s/[[:space:]]*$//" <<<"$expr")"
done <"$DATA/compare.cases"
[ "$i" -ge 6 ]; ok $? "ran the $i golden cases"

# The ratio plot and JSON to stdout.
gen "$T/pa" --seed 1
gen "$T/pb" --seed 3 --factor 0.9 --factor-bench stream
expect_exit 1 "regression with a plot" "$EXA" compare --plot "$T/plots/ratio" "$T/pa" "$T/pb"
is_png "$T/plots/ratio.png"; ok $? "the ratio plot is a PNG"
[ -s "$T/plots/ratio.gp" ] && [ -s "$T/plots/ratio.svg" ]; ok $? "with its script and SVG"
"$EXA" compare --json - "$T/pa" "$T/pb" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if j['summary']['regressed'] > 0 else 1)"
ok $? "--json - writes the JSON alone on stdout"
expect_exit 0 "--changes-only" "$EXA" compare --changes-only "$T/pa" "$T/pa"
! grep -q ' unchanged$' "$T/last.out"; ok $? "--changes-only hides unchanged rows"
output_has "a run compared with itself has no change" "0 improved, [0-9]+ unchanged, 0 regressed"

# Too few samples for a test: one HPL repetition per side is judged against the tolerance.
python3 - "$T/pa" "$T/one" <<'PY'
import json, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
shutil.copytree(src, dst)
m = json.load(open(os.path.join(dst, 'manifest.json')))
m['runs'] = [r for r in m['runs'] if r['benchmark'] == 'hpl' and r['repetition'] == 0]
json.dump(m, open(os.path.join(dst, 'manifest.json'), 'w'))
PY
expect_exit 0 "one repetition per side" "$EXA" compare "$T/one" "$T/one"
output_has "judged by the tolerance, and says so" "1 vs 1 sample: \+0\.0% within the 3% tolerance: unchanged"

# Bad usage and input.
expect_exit 2 "one folder only" "$EXA" compare "$T/pa"
expect_exit 2 "missing NEW" "$EXA" compare "$T/pa" "$T/missing"
output_has "names the missing folder" "missing: No such file or directory"
expect_exit 2 "bad --tol" "$EXA" compare --tol abc "$T/pa" "$T/pa"
output_has "names the option and the value" "--tol 'abc': expected METRIC_GLOB=PCT"
expect_exit 2 "bad --tol percentage" "$EXA" compare --tol 'hpl/*=x' "$T/pa" "$T/pa"
output_has "names the percentage" "'x' is not a percentage"
expect_exit 2 "bad --correction" "$EXA" compare --correction bonferroni "$T/pa" "$T/pa"
output_has "names the correction" "--correction 'bonferroni': expected holm or bh"
printf 'hpl/gflops 3\nstream/* three\n' >"$T/bad.tol"
expect_exit 2 "bad tolerance file" "$EXA" compare --tolerance "$T/bad.tol" "$T/pa" "$T/pa"
output_has "names the file, the line and the value" "bad.tol:2: 'three': not a percentage"
cp -r "$T/pa" "$T/bad"
cp "$DATA/bad/malformed-record.json" "$T/bad/records/r00003.json"
expect_exit 2 "malformed record in NEW" "$EXA" compare "$T/pa" "$T/bad"
output_has "error with file:line:column" "bad/records/r00003.json:5:[0-9]+: malformed JSON"
expect_exit 2 "malformed record in BASE" "$EXA" compare "$T/bad" "$T/pa"
output_has "BASE's error named" "bad/records/r00003.json:5:[0-9]+: malformed JSON"
expect_exit 2 "both folders bad: BASE's error comes first" "$EXA" compare "$T/bad" "$T/missing"
output_has "... naming BASE's file" "bad/records/r00003.json"
output_lacks "... not NEW's" "missing: No such"
# One vocabulary: a run's parameters are its record's. A manifest that planned fewer of them (here
# the HPL runs without nb) still keys its runs as a folder of the same records without a manifest.
cp -r "$T/pa" "$T/planned"
python3 - "$T/planned/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for r in m['runs']:
    r['parameters'].pop('nb', None)
json.dump(m, open(sys.argv[1], 'w'))
PY
mkdir "$T/recs" && cp -r "$T/pa/records" "$T/recs/"
expect_exit 0 "a folder with a manifest against a folder of records alone" "$EXA" compare "$T/planned" "$T/recs"
output_has "every run matched" ' 0 regressed, 0 cannot tell, 0 missing, 0 not comparable'
output_lacks "none left without its match" 'no matching run'
done_testing
