# shellcheck shell=bash
# Shared by the tests/cluster/*.t files (source it after tests/lib/tap.sh): the gate (root, the
# kernel's namespaces, Slurm and munge, the binaries), and a virtual cluster of scripts/
# virtual-cluster.sh in the test's scratch folder, stopped at exit. What the tests call:
#   vc_start K         start K nodes (the test ends, with the log, when it can not)
#   vc CMD...          the script on this test's cluster: vc slow exa-n2 200mbit
#   on_client CMD...   CMD on the cluster's client side (its env and /etc/hosts)
#   json_py FILE EXPR  print a Python expression on r = the JSON in FILE
EXA=$BIN/exabench
VC_SCRIPT=$EXA_ROOT/scripts/virtual-cluster.sh

cluster_gate() {
    [ "${EXA_CLUSTER_TESTS:-1}" != 0 ] || skip_all "EXA_CLUSTER_TESTS=0"
    [ "$(id -u)" -eq 0 ] || skip_all "a virtual cluster needs root (namespaces, veths, slurmd)"
    for p in slurmctld slurmd munged sinfo salloc nsenter unshare ip tc; do
        command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || skip_all "$p not installed"
    done
    [ -x "$EXA" ] && [ -x "$BIN/exa-comm" ] && [ -x "$BIN/exa-hpl" ] || skip_all "exabench and the benchmarks not built"
    local probe=exa-probe-$$
    ip netns add "$probe" 2>/dev/null || skip_all "the kernel does not allow network namespaces here (ip netns add)"
    ip netns del "$probe"
    unshare --uts --mount true 2>/dev/null || skip_all "the kernel does not allow UTS and mount namespaces here (unshare)"
    ip link add "exap$$" type bridge 2>/dev/null || skip_all "the kernel does not allow a Linux bridge here"
    ip link del "exap$$"
}

VC=$T/vc
export EXA_SLURM_PORT=$((23000 + RANDOM % 2000 * 2))   # apart from tests/harness/slurm.t's range
chmod 755 "$T"   # munged runs as the munge user, which must reach its socket under $T
unset SLURM_JOB_ID SLURM_JOBID SLURM_JOB_NODELIST SLURM_NODELIST
vc() { local c=$1; shift; "$VC_SCRIPT" "$c" "$VC" "$@"; }
ON_CLIENT=("$VC_SCRIPT" client "$VC")
on_client() { "${ON_CLIENT[@]}" "$@"; }
vc_cleanup() {
    "$VC_SCRIPT" stop "$VC" >/dev/null 2>&1
    [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$T"
}
trap vc_cleanup EXIT
vc_start() {
    local try
    for try in 2 3 4; do   # names and subnet come from the folder: another test's may clash
        "$VC_SCRIPT" start "$VC" --nodes "$1" >"$T/vc-start.out" 2>&1 && break
        grep -q 'in use by another cluster' "$T/vc-start.out" || break
        VC=$T/vc$try
        ON_CLIENT=("$VC_SCRIPT" client "$VC")
    done
    if ! grep -q 'nodes idle' "$T/vc-start.out"; then
        ok 1 "the virtual cluster starts ($1 nodes)"
        sed 's/^/# /' "$T/vc-start.out"
        done_testing
        exit 1
    fi
    eval "$("$VC_SCRIPT" env "$VC")"
}
json_py() {
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# todo_ok STATUS DESCRIPTION REASON: a test the harness is known to fail today (TAP TODO)
todo_ok() {
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2 # TODO $3"; else echo "not ok $_tap_n - $2 # TODO $3"; fi
}
# todo_json DESCRIPTION FILE EXPR REASON
todo_json() {
    python3 - "$2" "$3" <<'PY' >/dev/null 2>"$T/json.err"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
    local rc=$?
    [ $rc -eq 0 ] || { echo "# false on $2: $3"; sed 's/^/#   /' "$T/json.err" | tail -n 3; }
    todo_ok $rc "$1" "$4"
}
# expect_exit with a longer limit (tap.sh's is 120 s; a session on 4 "nodes" sharing 2 busy
# cores can take longer): expect_exit_long CODE DESCRIPTION CMD...
expect_exit_long() {
    local want=$1 d=$2; shift 2
    timeout "${CLUSTER_RUN_LIMIT:-400}" "$@" >"$T/last.out" 2>&1; local rc=$?
    [ $rc -eq "$want" ] || { echo "# expected exit $want, got $rc: $*"; tail -n 15 "$T/last.out" | sed 's/^/#   /'; }
    [ $rc -eq "$want" ]; ok $? "$d"
}
