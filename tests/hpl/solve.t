#!/usr/bin/env bash
# exa-hpl against LAPACK: many shapes and grids under mpirun, the pivot test matrix, a singular
# matrix, and the residual check catching a perturbed solution.
source "$(dirname "$0")/../lib/tap.sh"
HPL=$BIN/exa-hpl
ENGINE=("${ENGINE[@]}")   # solve_emulated.t: (--engine emulated)
REF=$TOOLS/hpl-ref
require_bin "$HPL" "$REF"
export EXA_HPL_CALIBRATE_N=0

# solve_case GRID N NB [EXTRA OPTIONS...]: run, then compare x with LAPACKE_dgesv
solve_case() {
    local p=${1%x*} q=${1#*x} n=$2 nb=$3; shift 3
    local x="$T/x.$p.$q.$n.$nb"
    expect_exit 0 "${p}x${q} N=$n NB=$nb $* passes the residual check" \
        "${MPIRUN[@]}" -np $((p * q)) "$HPL" "${ENGINE[@]}" -N "$n" --nb "$nb" -P "$p" -Q "$q" \
        --dump-solution "$x" "$@"
    output_has "${p}x${q} N=$n NB=$nb: HPL result and PASSED lines" \
        "^W[RC][01][0-5I][LCR][0-9]+[LCR][0-9]+ +$n +$nb +$p +$q .*"
    check "${p}x${q} N=$n NB=$nb $*: x matches LAPACKE_dgesv" "$REF" "$n" 42 random "$x"
}

for grid in 1x1 1x2 2x1 2x2 1x4 4x1; do
    solve_case "$grid" 97 16            # N not a multiple of NB
    solve_case "$grid" 40 64            # NB larger than every local part
done
solve_case 2x2 130 8 --pmap col --depth 0
solve_case 2x2 130 8 --pmap col --depth 1 --nbmin 2 --ndiv 3
solve_case 1x2 203 32 --depth 0
solve_case 2x1 64 16                    # N a multiple of NB: b alone in the last block
solve_case 3x2 111 10
solve_case 2x2 1 4                      # N=1: three ranks hold nothing
solve_case 4x1 9 1                      # NB=1
solve_case 1x3 5 100

# every PFACT x RFACT: recursion levels (NB 32, NDIV 3) down to leaves of 3 and of 16 columns
for rfact in left crout right; do
    for pfact in left crout right; do
        solve_case 2x2 203 32 --pfact "$pfact" --rfact "$rfact" --nbmin 3 --ndiv 3
    done
    solve_case 4x1 150 40 --pfact crout --rfact "$rfact" --nbmin 16 --matrix random
done

# every BCAST topology (rings, long spread-and-roll, their modified forms) on rows of 4, 3 and 5
# processes, with panels large enough for rendezvous transfers on the 1 x 5 grid
for bcast in 1rg 1rM 2rg 2rM Lng LnM; do
    solve_case 1x4 157 16 --bcast "$bcast"
    solve_case 2x3 157 16 --bcast "$bcast"
    solve_case 1x5 700 64 --bcast "$bcast"
done

# SWAP: binary exchange (recursive doubling, P a power of two or not) and mix with a threshold
# that the shrinking trailing matrix crosses, on the pivot matrix (rows move at every step)
for swap in bin-exch mix; do
    for grid in 2x1 3x1 4x1 5x1 3x2; do
        p=${grid%x*} q=${grid#*x}
        expect_exit 0 "SWAP $swap on $grid passes" "${MPIRUN[@]}" -np $((p * q)) "$HPL" "${ENGINE[@]}" -N 203 \
            --nb 16 -P "$p" -Q "$q" --swap "$swap" --swap-threshold 60 --matrix pivot \
            --dump-solution "$T/xs"
        check "SWAP $swap on $grid: x matches LAPACK" "$REF" 203 42 pivot "$T/xs" --expect-pivots
    done
done

# the interchanges in pieces of a few columns (EXA_HPL_SWAP_PIECE), so that a panel's are applied
# in many pieces, each exchanged while the previous one is updated: every SWAP method, both
# DEPTHs, one and several process rows, on the pivot matrix
for piece in 1 7; do
    for run in "2x2 long 1" "2x2 bin-exch 0" "3x2 mix 1" "4x1 long 0" "1x3 long 1" "2x1 bin-exch 1"; do
        set -- $run
        p=${1%x*} q=${1#*x}
        expect_exit 0 "pieces of $piece: $1 SWAP $2 DEPTH $3 passes" env EXA_HPL_SWAP_PIECE=$piece \
            "${MPIRUN[@]}" -np $((p * q)) "$HPL" "${ENGINE[@]}" -N 151 --nb 6 -P "$p" -Q "$q" \
            --swap "$2" --swap-threshold 20 --depth "$3" --matrix pivot --dump-solution "$T/xq"
        check "pieces of $piece: $1 SWAP $2 DEPTH $3: x matches LAPACK" "$REF" 151 42 pivot "$T/xq" \
            --expect-pivots
    done
done

# a matrix that needs a row interchange at every step, rows crossing process rows
for grid in 2x2 4x1 1x1; do
    p=${grid%x*} q=${grid#*x}
    expect_exit 0 "pivot matrix on $grid passes" "${MPIRUN[@]}" -np $((p * q)) "$HPL" "${ENGINE[@]}" -N 90 \
        --nb 8 -P "$p" -Q "$q" --matrix pivot --dump-solution "$T/xp"
    check "pivot matrix on $grid: LAPACK exchanges rows at every step and x matches" \
        "$REF" 90 42 pivot "$T/xp" --expect-pivots
done
for v in left crout; do
    expect_exit 0 "pivot matrix, PFACT and RFACT $v, passes" "${MPIRUN[@]}" -np 4 "$HPL" "${ENGINE[@]}" -N 90 \
        --nb 24 -P 4 -Q 1 --nbmin 5 --pfact $v --rfact $v --matrix pivot --dump-solution "$T/xp"
    check "pivot matrix, PFACT and RFACT $v: x matches LAPACK" "$REF" 90 42 pivot "$T/xp" --expect-pivots
done

# an exact zero pivot is reported as a singular matrix
expect_exit 1 "singular matrix: exit 1" "${MPIRUN[@]}" -np 4 "$HPL" "${ENGINE[@]}" -N 60 --nb 8 -P 2 -Q 2 \
    --matrix singular --json "$T/sing.json"
output_has "singular matrix named as such, with its column" "singular: exact zero pivot in column 30"
output_has "singular matrix: FAILED line" "\.\.\.\.\.\. FAILED"
json_true "singular matrix: record invalid, verification failed" "$T/sing.json" \
    "r['verification']['passed'] is False and r['results']['singular']['zero_pivot_column'] == 30"

# the residual check catches a perturbed solution
expect_exit 1 "perturbed solution: exit 1" "${MPIRUN[@]}" -np 2 "$HPL" "${ENGINE[@]}" -N 80 --nb 16 -P 1 -Q 2 \
    --perturb-solution --json "$T/pert.json"
output_has "perturbed solution: FAILED" "^\|\|Ax-b\|\|_oo/.*\.\.\.\.\.\. FAILED"
output_has "perturbed solution: norms printed" "^\|\|x\|\|_oo"
json_true "perturbed solution: record marked invalid" "$T/pert.json" \
    "r['verification']['passed'] is False and r['verification']['value'] > 16"

# the same seed gives the same matrix, hence the same x, on any grid
"${MPIRUN[@]}" -np 1 "$HPL" "${ENGINE[@]}" -N 70 --nb 8 --seed 7 --dump-solution "$T/s1" >/dev/null 2>&1
"${MPIRUN[@]}" -np 4 "$HPL" "${ENGINE[@]}" -N 70 --nb 5 -P 2 -Q 2 --seed 7 --dump-solution "$T/s4" >/dev/null 2>&1
check "same seed, different grid and NB: same solution to 1e-12" python3 -c "
import sys
a=[float(v) for v in open('$T/s1')]; b=[float(v) for v in open('$T/s4')]
sys.exit(0 if len(a)==70 and max(abs(x-y) for x,y in zip(a,b)) < 1e-12*max(abs(x) for x in a) else 1)"
done_testing
