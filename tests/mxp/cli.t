#!/usr/bin/env bash
# exa-mxp's bad input: each a clear message naming the option and value, exit 2, nothing run.
source "$(dirname "$0")/../lib/tap.sh"
MXP=$BIN/exa-mxp
require_bin "$MXP"
R=("${MPIRUN[@]}")

expect_exit 0 "--help" "$MXP" --help
output_has "--help names the method" "GMRES-IR"
output_has "--help names the precisions" "--precision PREC"
expect_exit 2 "no -N" "${R[@]}" -np 1 "$MXP"
output_has "says how to give the size" "give the problem size: -N N"
expect_exit 2 "-N 0" "${R[@]}" -np 1 "$MXP" -N 0
output_has "names -N and the value" "-N: .*0"
expect_exit 2 "-N abc" "${R[@]}" -np 1 "$MXP" -N abc
output_has "names -N and the value" "-N: .*abc"
expect_exit 2 "unknown precision" "${R[@]}" -np 1 "$MXP" -N 100 --precision fp8
output_has "lists the known precisions" "unknown 'fp8' \(known: fp64, fp32"
expect_exit 2 "fp16 on the CPU build" "${R[@]}" -np 1 "$MXP" -N 100 --precision fp16
output_has "fp16 needs the GPU build" "fp16 needs a GPU build"
expect_exit 2 "--dominance 0" "${R[@]}" -np 1 "$MXP" -N 100 --dominance 0
output_has "names --dominance" "--dominance: "
expect_exit 2 "grid larger than the job" "${R[@]}" -np 2 "$MXP" -N 100 -P 2 -Q 2
output_has "says how many ranks" "grid 2 x 2 needs 4 ranks, the job has 2"
expect_exit 2 "N beyond memory" "${R[@]}" -np 1 "$MXP" -N 1900000
output_has "states the need and the memory" "N=1900000 needs [0-9.]+ GiB on this node .* over 95% of its [0-9.]+ GiB"
expect_exit 2 "unknown option" "${R[@]}" -np 1 "$MXP" -N 100 --frobnicate
output_has "names it" "unknown option '--frobnicate'"
expect_exit 2 "--json into a missing folder" "${R[@]}" -np 1 "$MXP" -N 100 --json /nonexistent/x.json
done_testing
