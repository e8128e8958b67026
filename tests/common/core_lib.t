#!/usr/bin/env bash
# The MPI-free core (issue 12): libexacore.a calls nothing in MPI, and exabench, which links only
# the core, neither needs libmpi nor references an MPI symbol; the benchmarks still do.
source "$(dirname "$0")/../lib/tap.sh"
CORE=$EXA_ROOT/$BUILD/lib/libexacore.a
MPILAYER=$EXA_ROOT/$BUILD/lib/libexampi.a
EXA=$BIN/exabench
for f in "$CORE" "$MPILAYER" "$EXA" "$BIN/exa-stream"; do
    [ -e "$f" ] || { echo "Bail out! $f is missing: run 'make all' first"; exit 1; }
done

mpi_refs() { nm -u "$1" 2>/dev/null | grep -E ' (P?MPI_|ompi_)' ; }

check "libexacore.a references no MPI symbol" test -z "$(mpi_refs "$CORE")"
check "libexampi.a is where the MPI calls are" test -n "$(mpi_refs "$MPILAYER")"
check "exabench references no MPI symbol" test -z "$(nm -D -u "$EXA" | grep -E ' (P?MPI_|ompi_)')"
check "exabench does not load libmpi" bash -c "! ldd '$EXA' | grep -q libmpi"
check "exa-stream does load libmpi" bash -c "ldd '$BIN/exa-stream' | grep -q libmpi"
expect_exit 2 "exabench's usage errors still exit 2 without MPI" "$EXA" --frobnicate
done_testing
