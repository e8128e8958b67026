#!/usr/bin/env bash
# exa-hpl's `cuda` device engine: the checked-call macros (no GPU needed), the no-device exit, and
# with a GPU every engine operation against the host and exa-hpl-cuda's verified device-resident
# runs (1 rank and a 2x2 grid, staged and, where the MPI says so, CUDA-aware).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/cuda_lib.sh"
E=$TOOLS/cuda_hpl_engine
H=$BIN/exa-hpl-cuda
require_cuda_build "$E" "$H"

expect_exit 1 "a failing CUDA call exits 1" "$E" --failing-call cuda
output_has "it names file, line and call" "hpl_engine_tool.c:[0-9]+: cudaSetDevice\(-1\) failed: "
expect_exit 1 "a failing cuBLAS call exits 1" "$E" --failing-call cublas
output_has "it names the cuBLAS call and status" "cublasDgemm\(.*\) failed: "

gpu_probe "cuda engine against the host" "$E"
if [ "$GPU" = 1 ]; then
    output_lacks "no engine case failed" "^FAIL"
    output_has "row gather/scatter checked" "^PASS gather/scatter rows=4000"
    check "cuBLAS DGEMM reference" "$E" --dgemm 2048 256 2
    output_has "reference rate printed" "^dgemm N=2048 nb=256 reps=2 gflops=[0-9]"
else
    skip_test "no CUDA device: engine shapes not checked"
    skip_test "no CUDA device: DGEMM reference not checked"
fi

check "exa-hpl-cuda --help" "$H" --help
if [ "$GPU" = 0 ]; then
    expect_exit 2 "exa-hpl-cuda without a GPU: exit 2" "${MPIRUN[@]}" -n 2 "$H" -N 200 -NB 32 -P 1 -Q 2
    output_has "exa-hpl-cuda: the no-device message" "no CUDA device"
    skip_test "no CUDA device: exa-hpl-cuda runs not checked"
    done_testing
    exit
fi
check "exa-hpl-cuda 1 rank, N=600" "$H" -N 600 -NB 64 -P 1 -Q 1 --json "$T/h.json"
output_has "residual PASSED" "PASSED"
json_true "record variant cuda, engine cuda, passed, matrix never per iteration" "$T/h.json" \
    "r['variant'] == 'cuda' and r['verification']['passed'] and r['parameters']['variant']['engine'] == 'cuda' and r['engine']['traffic']['h2d_iter_max'] < r['engine']['traffic']['trailing_bytes']"
check "exa-hpl-cuda 2x2 grid, N=500" "${MPIRUN[@]}" -n 4 "$H" -N 500 -NB 32 -P 2 -Q 2
output_has "2x2: residual PASSED" "PASSED"
check "exa-hpl-cuda 2x2 staged (EXA_HPL_CUDA_AWARE=0), pivot matrix, depth 0" \
    "${MPIRUN[@]}" -x EXA_HPL_CUDA_AWARE=0 -n 4 "$H" -N 300 -NB 16 -P 2 -Q 2 --matrix pivot --depth 0
output_has "staged 2x2: residual PASSED" "PASSED"
done_testing
