#!/usr/bin/env bash
# exa-mxp-cuda: usage checks (no GPU needed: fp16 and bf16 are known to this build), the no-device
# exit, and with a GPU verified runs in fp32, fp16 and bf16 against LAPACK on 1 and 2 ranks.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/cuda_lib.sh"
P=$BIN/exa-mxp-cuda
REF=$TOOLS/mxp-ref
require_cuda_build "$P" "$REF"

check "--help exits 0 without a GPU" "$P" --help
output_has "--help prints usage" "Usage:"
expect_exit 2 "--precision fp8 is a usage error naming the known ones" "$P" -N 100 --precision fp8
output_has "this build knows fp16 and bf16" "known: fp64, fp32, fp16, bf16"

gpu_probe "exa-mxp-cuda -N 256" "$P" -N 256 --nb 64
if [ "$GPU" = 0 ]; then
    for t in "fp32 on the GPU" "fp16 with FP32 accumulation" "bf16 with FP32 accumulation" \
             "two ranks"; do
        skip_test "no CUDA device: $t not checked"
    done
    done_testing
    exit
fi
for prec in fp32 fp16 bf16; do
    expect_exit 0 "$prec N=1000 PASSES" "$P" -N 1000 --nb 128 --precision "$prec" \
        --dump-solution "$T/x.$prec" --json "$T/r.$prec.json"
    check "$prec: x matches LAPACKE_dgesv" "$REF" 1000 42 1 "$T/x.$prec"
done
json_true "fp16: variant cuda, refined by at least one GMRES iteration" "$T/r.fp16.json" \
    "r['variant']=='cuda' and r['results']['iterations'] >= 1"
expect_exit 0 "two ranks, bf16" "${MPIRUN[@]}" -n 2 "$P" -N 1200 --nb 128 --precision bf16
done_testing
