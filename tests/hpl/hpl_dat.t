#!/usr/bin/env bash
# Data-driven HPL.dat cases: tests/data/hpl/cases.tsv names each input file, the ranks to run it
# on, the expected exit status and a fragment the output must contain.
source "$(dirname "$0")/../lib/tap.sh"
HPL=$BIN/exa-hpl
DATA=$EXA_ROOT/tests/data/hpl
require_bin "$HPL"
export EXA_HPL_CALIBRATE_N=0

declare -A rc_of
while IFS=$'\t' read -r file ranks want fragment; do
    case "$file" in ''|'#'*) continue ;; esac
    key="$file.$ranks"
    if [ -z "${rc_of[$key]:-}" ]; then   # run each (file, ranks) once, check all its lines
        launch=("${MPIRUN[@]}" -np "$ranks")
        [ "$ranks" -eq 1 ] && launch=()  # a singleton MPI run is quicker
        (cd "$T" && cp "$DATA/$file" . 2>/dev/null
         timeout 120 "${launch[@]}" "$HPL" "$file" </dev/null >"$T/out.$key" 2>&1)
        rc_of[$key]=$?
    fi
    [ "${rc_of[$key]}" -eq "$want" ]
    ok $? "$file on $ranks ranks exits $want"
    [ "${rc_of[$key]}" -eq "$want" ] || tail -n 5 "$T/out.$key" | sed 's/^/#   /'
    grep -qF -- "$fragment" "$T/out.$key"
    ok $? "$file on $ranks ranks says: $fragment"
    if [ "$want" -eq 2 ]; then
        # errors come from rank 0 only, once
        [ "$(grep -cF -- "$fragment" "$T/out.$key")" -eq 1 ]
        ok $? "$file: the error is printed once"
    fi
done < "$DATA/cases.tsv"

# HPL's sample layout runs the cross product (2 N x 2 NB x 2 grids x 3 RFACT x 3 PFACT x 2 NBMIN)
# and keeps HPL's result lines, with RFACT and PFACT in the T/V code
n=$(grep -cE '^WR10[LCR]2[LCR][24] +(29|35) +[24] +(2|1) +(2|4) ' "$T/out.sample.dat.4")
[ "$n" -eq 144 ]; ok $? "sample.dat: 144 HPL result lines (got $n)"
n=$(grep -cE '^\|\|Ax-b\|\|_oo/\(eps\*\(\|\|A\|\|_oo\*\|\|x\|\|_oo\+\|\|b\|\|_oo\)\*N\)= +[0-9.e+-]+ \.\.\.\.\.\. PASSED$' "$T/out.sample.dat.4")
[ "$n" -eq 144 ]; ok $? "sample.dat: 144 PASSED residual lines (got $n)"
for rf in L C R; do
    for pf in L C R; do
        n=$(grep -cE "^WR10${rf}2${pf}[24] " "$T/out.sample.dat.4")
        [ "$n" -eq 16 ]; ok $? "sample.dat: RFACT $rf x PFACT $pf ran 16 times (got $n)"
    done
done
! grep -q "PFACT=\|RFACT=\|BCAST=\|SWAP=" "$T/out.sample.dat.4"; ok $? "sample.dat: no warning about PFACT, RFACT, BCAST or SWAP"
grep -qE '^BCAST  : +1rg$' "$T/out.sample.dat.4"; ok $? "sample.dat: the banner lists BCAST 1rg"

# device out other than 6/7: the report goes to the output file named on line 3
cp "$DATA/col_pmap_file_out.dat" "$T/"
(cd "$T" && "${MPIRUN[@]}" -np 4 "$HPL" col_pmap_file_out.dat >"$T/stdout" 2>&1); rc=$?
ok $rc "device out 8 with column-major PMAP: exit 0"
grep -qE '^WC10R2R[24] +33 +5 ' "$T/exa-hpl.out"; ok $? "the report is in exa-hpl.out"
! grep -q 'PASSED' "$T/stdout"; ok $? "and not on stdout"

# command-line options replace HPL.dat lines
(cd "$T" && "${MPIRUN[@]}" -np 2 "$HPL" "$DATA/sample.dat" -N 50 --nb 10 -P 1 -Q 2 >"$T/ovr" 2>&1)
ok $? "HPL.dat with -N --nb -P -Q overrides: exit 0"
n=$(grep -cE '^WR10[LCR]2[LCR][24] +50 +10 +1 +2 ' "$T/ovr")
[ "$n" -eq 18 ]; ok $? "overrides: one run per RFACT x PFACT x NBMIN of the file (got $n)"
(cd "$T" && "${MPIRUN[@]}" -np 2 "$HPL" "$DATA/sample.dat" -N 50 --nb 10 -P 1 -Q 2 --pfact crout \
    --rfact 0 >"$T/ovr2" 2>&1)
ok $? "--pfact crout --rfact 0 override the file's lists: exit 0"
n=$(grep -cE '^WR10L2C[24] +50 +10 +1 +2 ' "$T/ovr2")
[ "$n" -eq 2 ]; ok $? "overrides: RFACT Left, PFACT Crout, one run per NBMIN (got $n)"
done_testing
