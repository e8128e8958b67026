#!/usr/bin/env bash
# `make bench`: every bench/*.sh in turn. Each compares exabench against the physical limit or the
# reference tool on this machine and prints its figures and ratios. Run on a quiet machine.
#   BENCH_ONLY="stream hpl" make bench    runs just those
set -u
cd "$(dirname "$0")/.." || exit 2
export BUILD=${BUILD:-build}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
status=0
for script in bench/*.sh; do
    name=$(basename "$script" .sh)
    [ "$name" = run ] && continue
    if [ -n "${BENCH_ONLY:-}" ] && ! grep -qw "$name" <<<"$BENCH_ONLY"; then continue; fi
    printf '\n######## bench: %s  (%s)\n' "$name" "$(date -u +%H:%M:%SZ)"
    bash "$script" || { echo "bench $name: FAILED (exit $?)"; status=1; }
done
exit $status
