# Shared by tests/cuda/*.t (sourced after tests/lib/tap.sh).
# require_cuda_build FILE...: a build without CUDA=1 skips the whole script (with the reason); in a
# CUDA=1 build every FILE must be there ("Bail out!" otherwise, as for any missing binary).
require_cuda_build() {
    grep -q 'EXA_BUILD_CUDA 1' "$EXA_ROOT/$BUILD/gen/build_info.h" 2>/dev/null ||
        skip_all "not built with CUDA=1 ($BUILD)"
    require_bin "$@"
}
# gpu_probe PROGRAM ARGS...: runs a GPU program once. Sets GPU=1 when it ran (exit 0), GPU=0 when it
# said "no CUDA device" and exited 2 (the documented no-device status; that is a passing test),
# and fails the test otherwise (a crash or a wrong status is never taken for "no GPU").
gpu_probe() {
    local d="$1"; shift
    timeout 120 "$@" >"$T/probe.out" 2>&1; local rc=$?
    cp "$T/probe.out" "$T/last.out"
    if [ $rc -eq 0 ]; then
        GPU=1; ok 0 "$d: ran on a GPU"
    elif [ $rc -eq 2 ] && grep -q "no CUDA device" "$T/probe.out"; then
        GPU=0; ok 0 "$d: no GPU here: says 'no CUDA device' and exits 2"
        echo "# no CUDA device on this machine: the GPU checks below are skipped"
    else
        GPU=0; echo "# exit $rc: $*"; tail -n 15 "$T/probe.out" | sed 's/^/#   /'
        ok 1 "$d: neither a run nor the no-device exit"
    fi
}
