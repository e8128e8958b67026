#!/usr/bin/env bash
# exa-hpl's device-resident LU on the emulated engine: the bytes it copies, as counted by the
# engine, against the traffic model (hpl_pdgesv_dev.c). Per iteration a rank may copy each way at
# most its panel columns, W and L2, and 2 NB involved rows of its columns (plus index lists):
#   8 NB (NB + mp + 2 nq) + 64 NB bytes, mp <= ceil(N/NB/P) NB, nq <= ceil((N+1)/NB/Q) NB
# (the bound is computed here from N, NB, P, Q, not read from the program), never the trailing
# matrix; the whole local [A b] crosses exactly once each way (before and after). Also: the
# guard makes a dereference of device memory fault, CUDA-aware MPI (emulated) drops the staging.
source "$(dirname "$0")/../lib/tap.sh"
HPL=$BIN/exa-hpl
GUARD=$TOOLS/hpl-emu-guard
require_bin "$HPL" "$GUARD"
export EXA_HPL_CALIBRATE_N=0

# traffic GRID N NB: run, then check the counted bytes against the model
traffic() {
    local p=${1%x*} q=${1#*x} n=$2 nb=$3 j="$T/t.$1.$2.$3.json"
    check "${1} N=$n NB=$nb emulated: passes" "${MPIRUN[@]}" -np $((p * q)) "$HPL" -N "$n" --nb "$nb" \
        -P "$p" -Q "$q" --engine emulated --json "$j"
    json_true "${1} N=$n NB=$nb: per-iteration bytes within the O(N x NB) model, each way" "$j" "
(lambda t, mp, nq: t['iterations'] == -(-$n // $nb) and
 0 < t['h2d_iter_max'] <= 8*$nb*($nb + mp + 2*nq) + 64*$nb and
 0 < t['d2h_iter_max'] <= 8*$nb*($nb + mp + 2*nq) + 64*$nb and
 t['h2d_iter_max'] >= 8*$nb*$nb)(r['engine']['traffic'],
 -(-$n // ($nb*$p)) * $nb, -(-($n+1) // ($nb*$q)) * $nb)"
    json_true "${1} N=$n NB=$nb: the matrix crosses once each way, never per iteration" "$j" "
(lambda t: t['h2d_matrix'] == t['trailing_bytes'] == t['d2h_matrix'] and
 t['h2d_iter_max'] < t['trailing_bytes'] / 2 and t['d2h_iter_max'] < t['trailing_bytes'] / 2)(r['engine']['traffic'])"
}
traffic 1x1 600 16
traffic 1x1 400 40
traffic 2x2 600 16
traffic 2x1 500 24
traffic 1x2 500 24
traffic 3x2 600 20

# CUDA-aware MPI (emulated): the swapped rows no longer pass through the host
EXA_HPL_CUDA_AWARE=1 "${MPIRUN[@]}" -np 2 "$HPL" -N 500 --nb 24 -P 2 -Q 1 --engine emulated \
    --json "$T/aware.json" >/dev/null 2>&1
ok $? "CUDA-aware emulated run on 2x1 passes"
json_true "CUDA-aware: record says so, fewer bytes per iteration than staged" "$T/aware.json" "(
r['engine']['mpi'] == 'cuda-aware' and r['verification']['passed'] and
r['engine']['traffic']['h2d_iter_sum'] < __import__('json').load(open('$T/t.2x1.500.24.json'))['engine']['traffic']['h2d_iter_sum'])"
json_true "staged run's record says staged" "$T/t.2x1.500.24.json" "r['engine']['mpi'] == 'staged' and r['parameters']['variant']['engine'] == 'emulated'"

# the host engine stays the default and has no device traffic
check "default engine: host" "${MPIRUN[@]}" -np 1 "$HPL" -N 100 --nb 16 --json "$T/host.json"
json_true "host engine: no engine object, variant engine blas" "$T/host.json" \
    "'engine' not in r and r['parameters']['variant']['engine'] == 'blas'"
expect_exit 2 "unknown engine: exit 2" "${MPIRUN[@]}" -np 1 "$HPL" -N 100 --engine nope
output_has "unknown engine named" "--engine 'nope': expected host, emulated"
# the emulated device memory: copies round-trip and are counted; a direct read faults (guard on,
# the default) or, with the guard off, reads the NaN poison of a never-written element
"$GUARD" >"$T/guard.out" 2>&1; rc=$?
cp "$T/guard.out" "$T/last.out"
ok $(( rc == 139 || rc == 128 + 11 ? 0 : 1 )) "guard: a direct read of device memory faults (exit $rc)"
output_has "guard: copies round-trip, 32 bytes counted each way" "^roundtrip ok h2d=32 d2h=32"
EXA_HPL_EMULATED_GUARD=0 check "guard off: the stray read returns" "$GUARD"
output_has "guard off: it reads the NaN poison" "^direct read nan"
done_testing
