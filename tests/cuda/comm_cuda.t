#!/usr/bin/env bash
# exa-comm's CUDA part: staging of device buffers through host memory (tested everywhere with a
# host stand-in for the GPU), the no-device exit of -d cuda and of the copy tests, and with a GPU
# validated runs with device buffers, the record's transfer mode, and the copy tests.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/cuda_lib.sh"
C=$BIN/exa-comm
require_cuda_build "$C" "$TOOLS/cuda_stage"

# Staging, without a GPU: every wrapped MPI call moves the right bytes
check "staging tool: all wrapped MPI calls stage device buffers" "${MPIRUN[@]}" -n 3 "$TOOLS/cuda_stage"
for call in "MPI_Send/MPI_Recv" "MPI_Sendrecv" "MPI_Isend/MPI_Irecv/MPI_Waitall" "MPI_Irecv/MPI_Wait" \
            "MPI_Allreduce" "MPI_Reduce" "MPI_Bcast" "MPI_Allgather" "MPI_Alltoall" \
            "MPI_Reduce_scatter_block" "host buffers pass through"; do
    output_has "staged: $call" "^PASS $call\$"
done
expect_exit 1 "staging off: the tool sees the device bytes (its checks can fail)" \
    "${MPIRUN[@]}" -n 3 "$TOOLS/cuda_stage" --no-stage
output_has "staging off: send/recv check fails" "^FAIL MPI_Send/MPI_Recv\$"

check "--help lists the copy tests" "$C" --help
output_has "copy_d2d in --help" "copy_d2d"
expect_exit 2 "-d with an unknown kind lists the CUDA back end's memory" "$C" latency -d nvme
output_has "this build has: host, cuda" "this build has: host, cuda"
expect_exit 2 "EXA_COMM_CUDA_AWARE=maybe is refused before any GPU is needed" \
    env EXA_COMM_CUDA_AWARE=maybe "${MPIRUN[@]}" -x EXA_COMM_CUDA_AWARE -n 2 "$C" latency -d cuda -m 8 -i 5 -x 1
output_has "the message names EXA_COMM_CUDA_AWARE" "EXA_COMM_CUDA_AWARE='maybe'"

gpu_probe "exa-comm latency -d cuda" "${MPIRUN[@]}" -n 2 "$C" latency -d cuda -m 1:64 -i 20 -x 2 --validate
if [ "$GPU" = 0 ]; then
    expect_exit 2 "copy_d2d without a GPU: exit 2" "${MPIRUN[@]}" -n 2 "$C" copy_d2d -m 4K -i 5 -x 1
    output_has "copy_d2d: the no-device message" "no CUDA device"
    for t in "bw -d cuda --validate" "allreduce -d cuda --validate" "record names the transfer" \
             "forced staging" "corrupted device message" "copy_d2d" "copy_h2d" "copy_d2h"; do
        skip_test "no CUDA device: $t not checked"
    done
    done_testing
    exit
fi

output_has "latency -d cuda: validation passed" "Validation passed"
check "bw -d cuda --validate" "${MPIRUN[@]}" -n 2 "$C" bw -d cuda -m 1:1M:x16 -i 10 -x 1 --validate
check "allreduce -d cuda --validate" "${MPIRUN[@]}" -n 2 "$C" allreduce -d cuda -m 4:64K:x16 -i 10 -x 1 --validate \
    --json "$T/a.json"
json_true "record names the transfer mode" "$T/a.json" \
    "r['parameters']['device'] == 'cuda' and r['parameters']['cuda']['transfer'] in ('staged', 'cuda-aware')"
check "forced staging (EXA_COMM_CUDA_AWARE=0)" env EXA_COMM_CUDA_AWARE=0 "${MPIRUN[@]}" -x EXA_COMM_CUDA_AWARE -n 2 \
    "$C" alltoall -d cuda -m 8:4K:x8 -i 10 -x 1 --validate --json "$T/s.json"
json_true "forced staging is recorded" "$T/s.json" "r['parameters']['cuda']['transfer'] == 'staged'"
EXA_COMM_TEST_CORRUPT=1 expect_exit 1 "a corrupted device message fails validation" \
    "${MPIRUN[@]}" -x EXA_COMM_TEST_CORRUPT -n 2 "$C" latency -d cuda -m 64 -i 5 -x 1 --validate
for k in d2d h2d d2h; do
    check "copy_$k --validate" "${MPIRUN[@]}" -n 2 "$C" copy_$k -m 4K:4M:x16 -i 10 -x 1 --validate --json "$T/$k.json"
    json_true "copy_$k record has the GPU" "$T/$k.json" "'gpu' in r['parameters']['cuda']"
done
done_testing
