#!/usr/bin/env bash
# exa-stream-cuda: usage checks (no GPU needed), the no-device exit, and with a GPU small verified
# runs, the record, the library copy, the corruption hook and two ranks.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/cuda_lib.sh"
P=$BIN/exa-stream-cuda
require_cuda_build "$P"

check "--help exits 0 without a GPU" "$P" --help
output_has "--help prints usage" "Usage:"
check "--version exits 0" "$P" --version
output_has "--version names the program" "exa-stream-cuda"
expect_exit 2 "--size 0 is a usage error" "$P" --size 0
output_has "the usage error names --size" "size"

gpu_probe "exa-stream-cuda --size 4096 --ntimes 3" "$P" --size 4096 --ntimes 3
if [ "$GPU" = 0 ]; then
    expect_exit 2 "two ranks without a GPU: every rank exits 2, no hang" \
        "${MPIRUN[@]}" -n 2 "$P" --size 4096 --ntimes 3
    output_has "two ranks: the no-device message" "no CUDA device"
    for t in "verified run with a record" "record variant is cuda" "library copy (cudaMemcpy)" \
             "temporal stores" "corrupted array fails verification" "--threads 2048 is refused" \
             "two ranks share the GPUs"; do
        skip_test "no CUDA device: $t not checked"
    done
    done_testing
    exit
fi

output_has "GPU run: PASSED" "PASSED"
check "verified run with a record" "$P" --size 1M --ntimes 5 --json "$T/s.json"
json_true "record variant is cuda and valid" "$T/s.json" \
    "r['variant'] == 'cuda' and r.get('valid', True) and r['verification']['passed']"
check "library copy (cudaMemcpy device to device)" "$P" --size 1M --ntimes 3 --memcpy
output_has "memcpy row" "Memcpy"
check "temporal stores" "$P" --size 100003 --ntimes 3 --stores temporal
EXA_STREAM_TEST_CORRUPT=1 expect_exit 1 "a corrupted array fails verification" "$P" --size 4096 --ntimes 3
output_has "FAILED printed" "FAILED"
expect_exit 2 "--threads 2048 is refused (a CUDA block has at most 1024 threads)" "$P" --size 4096 --threads 2048
check "two ranks share the GPUs" "${MPIRUN[@]}" -n 2 "$P" --size 1M --ntimes 3
output_has "two ranks: PASSED" "PASSED"
done_testing
