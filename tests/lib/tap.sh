# TAP helpers for the end-to-end tests (source it from a tests/*/*.t bash script).
#   ok COND_EXIT_CODE "description"      expect_exit CODE "description" CMD...
#   check "description" CMD...           skip_all "reason"        done_testing
#   skip_test "reason"                   require_bin FILE... (a missing binary is "Bail out!")
# Each test runs in its own scratch folder ($T), removed at exit unless KEEP_TMP=1.
set -u
EXA_ROOT=${EXA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
BIN=$EXA_ROOT/$BUILD/bin
TOOLS=$EXA_ROOT/$BUILD/tests/tools
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
MPIRUN=(mpirun --oversubscribe --bind-to none -x OMP_NUM_THREADS -x OPENBLAS_NUM_THREADS)
T=$(mktemp -d /tmp/exatest.XXXXXX)
[ "${KEEP_TMP:-0}" = 1 ] || trap 'rm -rf "$T"' EXIT
_tap_n=0
_tap_failed=0

ok() {  # ok STATUS DESCRIPTION: passes when STATUS is 0
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"; else
        echo "not ok $_tap_n - $2"; _tap_failed=$((_tap_failed + 1)); fi
}
check() {  # check DESCRIPTION CMD...: passes when CMD exits 0; its output goes to $T/last.out
    local d=$1; shift
    "$@" >"$T/last.out" 2>&1; local rc=$?
    [ $rc -eq 0 ] || { echo "# exit $rc: $*"; tail -n 15 "$T/last.out" | sed 's/^/#   /'; }
    ok $rc "$d"
}
expect_exit() {  # expect_exit CODE DESCRIPTION CMD...: passes when CMD exits CODE
    local want=$1 d=$2; shift 2
    timeout 120 "$@" >"$T/last.out" 2>&1; local rc=$?
    [ $rc -eq "$want" ] || { echo "# expected exit $want, got $rc: $*"; tail -n 15 "$T/last.out" | sed 's/^/#   /'; }
    [ $rc -eq "$want" ]; ok $? "$d"
}
output_has() {  # output_has DESCRIPTION PATTERN: the last command's output matches PATTERN (grep -E)
    grep -Eq -- "$2" "$T/last.out"; local rc=$?
    [ $rc -eq 0 ] || { echo "# output lacks /$2/:"; tail -n 10 "$T/last.out" | sed 's/^/#   /'; }
    ok $rc "$1"
}
output_lacks() {  # output_lacks DESCRIPTION PATTERN: the last command's output does not match PATTERN
    ! grep -Eq -- "$2" "$T/last.out"; local rc=$?
    [ $rc -eq 0 ] || { echo "# output has /$2/:"; grep -E -- "$2" "$T/last.out" | head -n 5 | sed 's/^/#   /'; }
    ok $rc "$1"
}
json_true() {  # json_true DESCRIPTION FILE JQ-LIKE-PYTHON-EXPR: evaluates a Python expression on r=json
    python3 - "$2" "$3" <<'PY' >/dev/null 2>"$T/json.err"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
    local rc=$?
    [ $rc -eq 0 ] || { echo "# false on $2: $3"; sed 's/^/#   /' "$T/json.err" | tail -n 5; }
    ok $rc "$1"
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
skip_test() {  # skip_test REASON: one skipped test, with its reason, on a TAP SKIP line
    _tap_n=$((_tap_n + 1))
    echo "ok $_tap_n # SKIP $1"
}
require_bin() {  # require_bin FILE...: a program the test needs is missing: "Bail out!", never a skip
    local f
    for f in "$@"; do
        [ -x "$f" ] || { echo "Bail out! $f is missing: run 'make BUILD=$BUILD all unit-tests' first"; exit 1; }
    done
}
done_testing() { echo "1..$_tap_n"; [ $_tap_failed -eq 0 ]; }
# PAPI's view of this machine (counters_probe --inventory) for the counters tests: papi_inventory
# writes $T/inv.json (false when the probe is not built); inventory_has EXPR evaluates a Python
# expression on it as inv.
papi_inventory() {
    [ -x "$TOOLS/counters_probe" ] || return 1
    "$TOOLS/counters_probe" --inventory >"$T/inv.json" 2>&1
    return 0
}
inventory_has() {
    python3 -c 'import json,sys; inv=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$T/inv.json" "$1" 2>/dev/null
}
PAPI_AVAILABLE='inv["papi"]["available"]'
PERF_EVENT_ACTIVE='any(c["name"] == "perf_event" and c["active"] for c in inv["components"])'
TASK_CLOCK_COUNTS='any("perf::TASK-CLOCK" in c["countable"] for c in inv["components"])'
have_papi() {  # true when the binaries under test were built with PAPI (not PAPI=0)
    grep -q 'EXA_BUILD_PAPI 1' "$EXA_ROOT/$BUILD/gen/build_info.h" 2>/dev/null
}
