#!/usr/bin/env bash
# `make run`: run the quick suite on this machine and write its report. The binaries are built by
# make before this script runs. EXA_SUITE picks another suite file.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
suite=${EXA_SUITE:-suites/quick.yaml}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p results
marker=$(mktemp)
"$BUILD/bin/exabench" run "$suite"
status=$?
run_dir=$(find results -mindepth 1 -maxdepth 1 -type d -newer "$marker" -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)
rm -f "$marker"
if [ -z "$run_dir" ]; then
    echo "make run: '$suite' produced no results folder (exabench exit $status)" >&2
    exit 1
fi
"$BUILD/bin/exabench" report "$run_dir" || status=1
echo "make run: results in $run_dir/, report in reports/$(basename "$run_dir")/"
exit $status
