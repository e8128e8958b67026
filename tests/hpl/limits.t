#!/usr/bin/env bash
# exa-hpl at its input limits (issue 14): N, NB, P and Q have one limit each, the same in HPL.dat
# and on the command line (N <= 2147483646 so that N + 1 columns fit an int, NB <= 2^20, P, Q <=
# 2^24); one past it is exit 2 naming the limit; at it, sizes are computed without wrapping (the
# memory check reports the true exabytes and exits 2, nothing is allocated).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/hpl_dat.sh"
HPL=$BIN/exa-hpl
require_bin "$HPL"
export EXA_HPL_CALIBRATE_N=0

dat() {  # dat FILE N NB P Q: a one-run HPL.dat
    hpl_dat_text title=limits ns="$2" nbs="$3" ps="$4" qs="$5" l1=0 u=0 equil=1 >"$T/$1"
}


# N
dat n_over.dat 2147483647 8 1 1
expect_exit 2 "HPL.dat N = 2^31-1: exit 2" "$HPL" "$T/n_over.dat"
output_has "... naming the limit" "Ns must be at most 2147483646, found 2147483647"
expect_exit 2 "-N 2^31-1: exit 2" "$HPL" -N 2147483647 --nb 8
output_has "... naming the limit" "out of range \[1, 2147483646\]"
dat n_max.dat 2147483646 8 1 1
expect_exit 2 "HPL.dat N = 2^31-2 (the limit): the memory check exits 2" "$HPL" "$T/n_max.dat"
output_has "... with the true size (about 32 EiB)" "needs 32\.0 EiB on a node"
expect_exit 2 "-N 2^31-2 --nb 8: the memory check exits 2" "$HPL" -N 2147483646 --nb 8
output_has "... with the true size (about 32 EiB), not a wrapped one" "needs 32\.0 EiB on a node"

# NB
dat nb_over.dat 1000 1048577 1 1
expect_exit 2 "HPL.dat NB = 2^20+1: exit 2" "$HPL" "$T/nb_over.dat"
output_has "... naming the limit" "NBs must be at most 1048576, found 1048577"
expect_exit 2 "--nb 2^20+1: exit 2" "$HPL" -N 1000 --nb 1048577
output_has "... naming the limit" "out of range \[1, 1048576\]"
dat nb_max.dat 2147483646 1048576 1 1
expect_exit 2 "HPL.dat N and NB at their limits: the memory check exits 2" "$HPL" "$T/nb_max.dat"
output_has "... with the true size" "needs [0-9.]+ EiB on a node"
expect_exit 0 "--nb 2^20 with a small N runs (one block holds the matrix)" "$HPL" -N 64 --nb 1048576
output_has "... and passes" "PASSED"

# P and Q
dat p_over.dat 1000 8 16777217 1
expect_exit 2 "HPL.dat P = 2^24+1: exit 2" "$HPL" "$T/p_over.dat"
output_has "... naming the limit" "Ps must be at most 16777216, found 16777217"
expect_exit 2 "-Q 2^24+1: exit 2" "$HPL" -N 100 -P 1 -Q 16777217
output_has "... naming the limit" "out of range \[1, 16777216\]"
dat pq_max.dat 1000 8 16777216 16777216
expect_exit 2 "HPL.dat P = Q = 2^24: exit 2, too few ranks" "$HPL" "$T/pq_max.dat"
output_has "... counting the ranks in 64 bits" "needs 281474976710656 ranks but only 1 were launched"
expect_exit 2 "-P 2^24 -Q 2^24: exit 2, too few ranks" "$HPL" -N 100 -P 16777216 -Q 16777216
output_has "... counting the ranks in 64 bits" "needs 281474976710656 ranks but only 1 were launched"
done_testing
