#!/usr/bin/env bash
# `make run`: run the quick suite on this machine and write its report. The binaries are built by
# make before this script runs. EXA_SUITE picks another suite file.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
suite=${EXA_SUITE:-suites/quick.yaml}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
"$BUILD/bin/exabench" run "$suite"
status=$?
if [ ! -d results/latest ]; then
    echo "make run: '$suite' produced no results folder (exabench exit $status)" >&2
    exit 1
fi
"$BUILD/bin/exabench" report results/latest || status=1
run_id=$(basename "$(readlink -f results/latest)")
echo "make run: results in results/$run_id/, report in reports/$run_id/index.html"
exit $status
