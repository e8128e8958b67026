# Shared by the bench scripts that run BLAS-bound programs (exa-hpl, the dgemm tool, hpcc): when
# OpenBLAS would run kernels below this CPU's ISA (a CPU model newer than the library falls back
# to its SSE3 "Prescott" kernels, several times slower) and OPENBLAS_CORETYPE is unset, export
# the value exabench suggests, so that every figure of the comparison uses fitting kernels.
#   use_fitting_blas_kernels EXABENCH LABEL
use_fitting_blas_kernels() {
    local exa=$1 label=$2 fix
    [ -n "${OPENBLAS_CORETYPE:-}" ] || [ ! -x "$exa" ] && return 0
    fix=$("$exa" sysinfo --json | python3 -c '
import json, sys
k = json.load(sys.stdin)["software"].get("blas_kernels") or {}
print(k.get("suggested_coretype", ""))')
    if [ -n "$fix" ]; then
        echo "== $label: OpenBLAS picks kernels below this CPU's ISA; using OPENBLAS_CORETYPE=$fix"
        export OPENBLAS_CORETYPE=$fix
    fi
}
