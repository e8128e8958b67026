#!/usr/bin/env bash
# exa-mxp against LAPACK on 1, 2, 3 and 4 ranks and odd grids, both CPU precisions, a matrix whose
# refinement takes several GMRES iterations, a refinement cut short (FAILED, invalid record), and
# the record's fields.
source "$(dirname "$0")/../lib/tap.sh"
MXP=$BIN/exa-mxp
REF=$TOOLS/mxp-ref
require_bin "$MXP" "$REF"
R=("${MPIRUN[@]}")

# solve_case GRID N NB DOMINANCE [EXTRA OPTIONS...]: run, then compare x with LAPACKE_dgesv
solve_case() {
    local p=${1%x*} q=${1#*x} n=$2 nb=$3 dom=$4; shift 4
    local x="$T/x.$p.$q.$n.$nb"
    expect_exit 0 "${p}x${q} N=$n NB=$nb dominance $dom $* PASSES" \
        "${R[@]}" -np $((p * q)) "$MXP" -N "$n" --nb "$nb" -P "$p" -Q "$q" --dominance "$dom" \
        --dump-solution "$x" "$@"
    output_has "${p}x${q} N=$n: T/V line and PASSED" "^MXP[a-z0-9]+ +$n +$nb +$p +$q "
    check "${p}x${q} N=$n NB=$nb $*: x matches LAPACKE_dgesv" "$REF" "$n" 42 "$dom" "$x"
}

for grid in 1x1 1x2 2x1 2x2 1x3 3x1; do
    solve_case "$grid" 97 16 1          # N not a multiple of NB
done
solve_case 2x2 40 64 1                  # NB larger than every local part
solve_case 1x4 130 8 1 --precision fp64
solve_case 2x2 1 4 1                    # N=1: three ranks hold nothing
solve_case 3x1 65 1 1                   # NB=1
solve_case 1x2 300 32 1 --precision fp32 --restart 2

# a matrix barely dominant: the fp32 factors are poor, GMRES must iterate
solve_case 1x2 400 32 0.02 --json "$T/hard.json"
json_true "dominance 0.02: several GMRES iterations, converged, valid but non-compliant" "$T/hard.json" \
    "r['results']['iterations']>=2 and r['results']['converged'] is True and r['valid'] is True and r['compliance']['compliant'] is False and r['results']['residual']['first_scaled'] > r['results']['residual']['scaled']"

# the same with one iteration allowed: not converged, FAILED, invalid
expect_exit 1 "dominance 0.02, --max-iter 1: exit 1" "${R[@]}" -np 2 "$MXP" -N 400 --nb 32 \
    --dominance 0.02 --max-iter 1 --json "$T/short.json"
output_has "FAILED with the reason" "\.\.\.\.\.\. FAILED \(not converged within --max-iter\)"
json_true "not converged: invalid record, verification failed" "$T/short.json" \
    "r['valid'] is False and r['verification']['passed'] is False and r['results']['converged'] is False and r['results']['residual']['status']=='FAILED'"

# the record of a normal run
expect_exit 0 "1x2 N=600 with a record" "${R[@]}" -np 2 "$MXP" -N 600 --nb 64 --json "$T/r.json"
json_true "record: benchmark, variant, parameters" "$T/r.json" \
    "r['benchmark']=='mxp' and r['variant']=='cpu' and r['parameters']['n']==600 and r['parameters']['precision']=='fp32' and r['parameters']['p']==1 and r['parameters']['q']==2"
json_true "record: FP64-equivalent rate over the whole time, the factorisation's over its own" "$T/r.json" \
    "abs(r['results']['gflops'] - (2/3*600**3 + 1.5*600**2)/r['results']['time_s']/1e9) <= 1e-9*r['results']['gflops'] and r['results']['factor_time_s'] <= r['results']['time_s'] and r['metrics']['factor_gflops']['value']>0"
json_true "record: verified, valid, compliant, residual below 16" "$T/r.json" \
    "r['verification']['passed'] is True and r['valid'] is True and r['compliance']['compliant'] is True and 0 < r['results']['residual']['scaled'] < 16"
json_true "record: metrics gflops (higher) and iterations (lower)" "$T/r.json" \
    "r['metrics']['gflops']['direction']=='higher' and r['metrics']['iterations']['direction']=='lower'"

# two sizes: two records
expect_exit 0 "-N 200,300: two runs" "${R[@]}" -np 2 "$MXP" -N 200,300 --nb 32 --json "$T/two.json"
json_true "first record N=200" "$T/two.1.json" "r['parameters']['n']==200"
json_true "second record N=300" "$T/two.2.json" "r['parameters']['n']==300"
done_testing
