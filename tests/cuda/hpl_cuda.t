#!/usr/bin/env bash
# exa-hpl's cuBLAS engine: the checked-call macros and the engine's guard (no GPU needed), the
# no-device exit, and with a GPU the engine against CBLAS and exa-hpl-cuda's verified runs.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/cuda_lib.sh"
E=$TOOLS/cuda_hpl_engine
H=$BIN/exa-hpl-cuda
require_cuda_build "$E" "$H"

expect_exit 1 "a failing CUDA call exits 1" "$E" --failing-call cuda
output_has "it names file, line and call" "hpl_engine_tool.c:[0-9]+: cudaSetDevice\(-1\) failed: "
expect_exit 1 "a failing cuBLAS call exits 1" "$E" --failing-call cublas
output_has "it names the cuBLAS call and status" "cublasDgemm\(.*\) failed: "
expect_exit 1 "the engine refuses to run before hpl_cublas_init" "$E" --before-init
output_has "and says why" "before hpl_cublas_init"

gpu_probe "cuBLAS engine against CBLAS" "$E"
if [ "$GPU" = 1 ]; then
    output_has "gemm_sub with two column tiles" "^PASS gemm_sub m=300 n=4796"
    output_has "trsm_lunit with two column tiles" "^PASS trsm_lunit m=64 n=4396"
    check "cuBLAS DGEMM reference" "$E" --dgemm 1024 2
    output_has "reference rate printed" "^dgemm N=1024 reps=2 gflops=[0-9]"
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
json_true "record variant cuda, engine cublas, passed" "$T/h.json" \
    "r['variant'] == 'cuda' and r['verification']['passed'] and r['parameters']['variant']['engine'] == 'cublas' and r['engine']['gemm_calls'] > 0"
check "exa-hpl-cuda 2x2 grid, N=500" "${MPIRUN[@]}" -n 4 "$H" -N 500 -NB 32 -P 2 -Q 2
output_has "2x2: residual PASSED" "PASSED"
done_testing
