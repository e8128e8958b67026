#!/usr/bin/env bash
# exa-hpl's whole LAPACK-checked test matrix (tests/hpl/solve.t: 1, 2, 4 ranks and odd grids,
# every PFACT/RFACT, BCAST and SWAP variant, pivot and singular matrices, the residual check)
# run on the emulated device engine: the device-resident LU (hpl_pdgesv_dev.c) with its "device
# memory" guarded, so that any touch of it outside the engine faults.
ENGINE=(--engine emulated)
source "$(dirname "$0")/solve.t"
