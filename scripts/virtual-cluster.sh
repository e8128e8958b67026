#!/usr/bin/env bash
# A virtual Slurm cluster of K nodes on this one machine, for the multi-node tests. Needs root,
# slurm-wlm and munge (scripts/deps.sh), and a kernel that allows network, UTS and mount namespaces.
#
#   virtual-cluster.sh start DIR [--nodes K]  K nodes (default 4), exa-n1..exa-nK: each a network
#                                  namespace plus UTS and mount namespaces with its own hostname,
#                                  a veth into a bridge on the host, an address in 198.18.0.0/15;
#                                  munged and slurmctld on the host, one slurmd per node; waits
#                                  until every node is idle. A running cluster is left as it is.
#   virtual-cluster.sh stop DIR    stop every daemon and task, remove namespaces, links, cgroups;
#                                  safe to repeat, and after a failed start
#   virtual-cluster.sh env DIR     the exports a client needs (SLURM_CONF, OMPI_MCA_*)
#   virtual-cluster.sh client DIR CMD...   run CMD on the cluster's client side: the exports
#                                  above and the cluster's /etc/hosts (a private mount namespace)
#   virtual-cluster.sh on DIR NODE CMD...  run CMD inside node NODE (exa-n2 or 2)
#   virtual-cluster.sh slow DIR NODE RATE|off  tbf rate limit (e.g. 200mbit) on NODE's link,
#                                  both directions
#   virtual-cluster.sh cpu DIR NODE PERCENT|off  cap NODE's daemons and tasks to PERCENT of one
#                                  core (cgroup v2 cpu.max, else v1 cpu.cfs_quota_us)
#   virtual-cluster.sh link DIR NODE down|up     take NODE's link down or up
#   virtual-cluster.sh pids DIR NODE             the pids of NODE's processes
#   virtual-cluster.sh revive DIR NODE           after a node fault: kill what is left in NODE,
#                                  start its slurmd again, return it to service, wait until idle
#   virtual-cluster.sh check DIR   list what of this cluster is left (namespaces, links, daemons,
#                                  cgroups, mounts); exit 0 when nothing
#
# Names and addresses derive from DIR (a 2-hex-digit tag T): namespaces exa-T-nK, bridge exabrT,
# host-side veths exvTnK, subnet 198.18.<T>.0/24 (bridge .1, node K .(10+K)). Ports: EXA_SLURM_PORT
# (default 16817) and the next one. Exit status: 0 done, 1 a step failed (the step is named and
# the log tails are printed), 2 bad usage.
set -u
export PATH=$PATH:/usr/sbin:/sbin

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "virtual-cluster: $*" >&2; exit 1; }
[ $# -ge 2 ] || usage
cmd=$1
DIR=$2
shift 2
case "$DIR" in /*) ;; *) DIR=$PWD/$DIR ;; esac
DIR=${DIR%/}

TAG=$(printf '%s' "$DIR" | cksum | awk '{printf "%02x", $1 % 256}')
OCT=$((16#$TAG))
NET=198.18.$OCT
SUBNET=$NET.0/24
BR=exabr$TAG
PORT=${EXA_SLURM_PORT:-16817}
HOSTNAME_S=$(hostname -s)

nodes_of() {  # the node count of a started (or half-started) cluster
    if [ -s "$DIR/nodes.count" ]; then cat "$DIR/nodes.count"; else echo 0; fi
}
ns() { echo "exa-$TAG-n$1"; }
hveth() { echo "exv${TAG}n$1"; }
node_index() {  # exa-n3 or n3 or 3 -> 3
    local n=${1#exa-}; n=${n#n}
    case "$n" in ''|*[!0-9]*) die "bad node '$1' (exa-nK or K)" ;; esac
    [ "$n" -ge 1 ] && [ "$n" -le "$(nodes_of)" ] || die "no node $1 in $DIR"
    echo "$n"
}
cg_root() {  # the cgroup folder of this cluster (v2 if mounted with cpu, else v1 cpu)
    if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
        echo /sys/fs/cgroup/exa-vc-$TAG
    elif [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
        echo /sys/fs/cgroup/cpu/exa-vc-$TAG
    fi
}

print_env() {
    cat <<EOF
export SLURM_CONF=$DIR/slurm.conf
export OMPI_MCA_btl=self,vader,tcp
export OMPI_MCA_btl_tcp_if_include=$SUBNET
export OMPI_MCA_oob_tcp_if_include=$SUBNET
export OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PMIX_MCA_gds=hash
# client side (the cluster's /etc/hosts): $0 client $DIR CMD...
EOF
}

show_logs() {
    local f
    for f in "$DIR/munge/munged.log" "$DIR/slurmctld.log" "$DIR"/nodes/*/slurmd.log "$DIR"/nodes/*/start.log; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -n 12 "$f" >&2; }
    done
}
fail() {  # fail STEP: name the step, show the logs, tear down, exit 1
    echo "virtual-cluster: start failed at step: $1" >&2
    show_logs
    teardown
    exit 1
}

kill_pidfile() {  # kill_pidfile FILE: SIGTERM, SIGKILL after 5 s
    local f=$1 pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    case "$pid" in ''|*[!0-9]*) rm -f "$f"; return 0 ;; esac
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$f"
}

teardown() {
    local k n pids pid
    n=$(nodes_of)
    [ "$n" -gt 0 ] || return 0   # nothing was started from this folder
    # SIGTERM every slurmd at once, then wait for them together
    for k in $(seq "$n"); do
        pid=$(cat "$DIR/nodes/exa-n$k/slurmd.pid" 2>/dev/null)
        case "$pid" in ''|*[!0-9]*) ;; *) kill -TERM "$pid" 2>/dev/null ;; esac
    done
    for k in $(seq "$n"); do
        kill_pidfile "$DIR/nodes/exa-n$k/slurmd.pid"
        # everything left in the node (slurmstepd, tasks): by the namespace, not by name
        if [ -e "/run/netns/$(ns "$k")" ]; then
            pids=$(ip netns pids "$(ns "$k")" 2>/dev/null)
            [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
        fi
    done
    kill_pidfile "$DIR/slurmctld.pid"
    kill_pidfile "$DIR/munge/munged.pid"
    for k in $(seq "$n"); do
        ip link del "$(hveth "$k")" 2>/dev/null
        if [ -e "/run/netns/$(ns "$k")" ]; then
            for _ in $(seq 20); do
                pids=$(ip netns pids "$(ns "$k")" 2>/dev/null)
                [ -z "$pids" ] && break
                kill -KILL $pids 2>/dev/null; sleep 0.1
            done
            ip netns del "$(ns "$k")" 2>/dev/null
        fi
    done
    ip link del "$BR" 2>/dev/null
    local cg; cg=$(cg_root)
    if [ -n "$cg" ] && [ -d "$cg" ]; then
        for d in "$cg"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
        rmdir "$cg" 2>/dev/null
    fi
    # veths vanish asynchronously
    for _ in $(seq 30); do
        ip -o link show 2>/dev/null | grep -q "exv${TAG}n" || break
        sleep 0.1
    done
    rm -f "$DIR/nodes.count"
    return 0
}

start_slurmd() {  # start_slurmd K: node K's slurmd in its namespaces and its cgroup (when there is one)
    local k=$1 cg cgdir=""
    cg=$(cg_root)
    if [ -n "$cg" ] && mkdir -p "$cg/exa-n$k" 2>/dev/null; then cgdir=$cg/exa-n$k; fi
    nsenter --net="/run/netns/$(ns "$k")" -- unshare --uts --mount --propagation private -- sh -c '
        [ -n "$3" ] && echo $$ >"$3/cgroup.procs"
        hostname "$1" &&
        mount --bind "$2/hosts" /etc/hosts &&
        mount --bind "$2/nodes/$1/tmp" "$2/tmpfs" &&
        exec slurmd -f "$2/slurm.conf" -N "$1"' sh "exa-n$k" "$DIR" "$cgdir" \
        >"$DIR/nodes/exa-n$k/start.log" 2>&1
}

# revive K: what an admin does after a node crash. Whatever is left in the node (a slurmstepd
# and tasks that outlived their slurmd) is killed, as a reboot would; slurmd starts again and the
# node is returned to service; waits until it is idle.
revive() {
    local k=$1 pid pids state
    pid=$(cat "$DIR/nodes/exa-n$k/slurmd.pid" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill_pidfile "$DIR/nodes/exa-n$k/slurmd.pid"
    fi
    for _ in $(seq 20); do
        pids=$(ip netns pids "$(ns "$k")" 2>/dev/null)
        [ -z "$pids" ] && break
        kill -KILL $pids 2>/dev/null; sleep 0.1
    done
    rm -f "$DIR/nodes/exa-n$k/slurmd.pid"
    export SLURM_CONF=$DIR/slurm.conf
    start_slurmd "$k" || { show_logs; die "revive: slurmd of exa-n$k did not start"; }
    for _ in $(seq 120); do
        state=$(sinfo -h -n "exa-n$k" -o %t 2>/dev/null)
        case "$state" in
        idle) echo "virtual-cluster: exa-n$k idle again"; return 0 ;;
        down*|drain*|fail*) scontrol update nodename="exa-n$k" state=resume >/dev/null 2>&1 ;;
        esac
        sleep 0.5
    done
    sinfo -N >&2
    die "revive: exa-n$k not idle after 60 s (state '$state')"
}

leftovers() {  # print what of this cluster is left; exit status 0 when nothing
    local left=0 f pid cg
    for f in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^exa-$TAG-n"); do echo "namespace $f"; left=1; done
    for f in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^(exv${TAG}n[0-9]+|$BR)$"); do
        echo "link $f"; left=1; done
    for f in "$DIR/slurmctld.pid" "$DIR/munge/munged.pid" "$DIR"/nodes/*/slurmd.pid; do
        [ -s "$f" ] || continue
        pid=$(cat "$f"); kill -0 "$pid" 2>/dev/null && { echo "daemon $f ($pid)"; left=1; }
    done
    for pid in $(pgrep -f "$DIR/slurm.conf" 2>/dev/null); do echo "process $pid: $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null)"; left=1; done
    cg=$(cg_root)
    [ -n "$cg" ] && [ -d "$cg" ] && { echo "cgroup $cg"; left=1; }
    grep -F " $DIR" /proc/self/mountinfo | awk '{print "mount " $5}' | grep . && left=1
    return $left
}

case "$cmd" in
env) print_env; exit 0 ;;
stop) teardown; leftovers >/dev/null || { echo "virtual-cluster: left after stop:" >&2; leftovers >&2; exit 1; }; exit 0 ;;
check) leftovers; exit $? ;;
client)
    [ $# -ge 1 ] || usage
    eval "$(print_env)"
    exec unshare --mount --propagation private sh -c 'mount --bind "$0/hosts" /etc/hosts && exec "$@"' "$DIR" "$@" ;;
on)
    [ $# -ge 2 ] || usage
    k=$(node_index "$1"); shift
    pid=$(cat "$DIR/nodes/exa-n$k/slurmd.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "exa-n$k: its slurmd is not running"
    eval "$(print_env)"
    exec nsenter --target "$pid" --net --uts --mount -- "$@" ;;
revive)
    [ $# -eq 1 ] || usage
    k=$(node_index "$1")
    revive "$k"; exit $? ;;
pids)
    [ $# -eq 1 ] || usage
    k=$(node_index "$1")
    ip netns pids "$(ns "$k")"; exit 0 ;;
slow)
    [ $# -eq 2 ] || usage
    k=$(node_index "$1")
    if [ "$2" = off ]; then
        tc qdisc del dev "$(hveth "$k")" root 2>/dev/null
        tc -n "$(ns "$k")" qdisc del dev eth0 root 2>/dev/null
        exit 0
    fi
    tc qdisc replace dev "$(hveth "$k")" root tbf rate "$2" burst 64kb latency 100ms || die "tbf on $(hveth "$k") refused"
    tc -n "$(ns "$k")" qdisc replace dev eth0 root tbf rate "$2" burst 64kb latency 100ms || die "tbf inside exa-n$k refused"
    exit 0 ;;
link)
    [ $# -eq 2 ] || usage
    k=$(node_index "$1")
    case "$2" in up|down) ;; *) usage ;; esac
    ip link set "$(hveth "$k")" "$2" || die "ip link set $(hveth "$k") $2 failed"
    exit 0 ;;
cpu)
    [ $# -eq 2 ] || usage
    k=$(node_index "$1")
    cg=$(cg_root)/exa-n$k
    [ -d "$cg" ] || die "no cgroup for exa-n$k (the kernel has no cpu controller here)"
    if [ -f "$cg/cpu.max" ]; then
        if [ "$2" = off ]; then echo "max 100000" >"$cg/cpu.max"; else echo "$(($2 * 1000)) 100000" >"$cg/cpu.max"; fi
    else
        if [ "$2" = off ]; then echo -1 >"$cg/cpu.cfs_quota_us"; else
            echo 100000 >"$cg/cpu.cfs_period_us"; echo $(($2 * 1000)) >"$cg/cpu.cfs_quota_us"; fi
    fi || die "can not set the CPU cap of exa-n$k"
    exit 0 ;;
start) ;;
*) usage ;;
esac

# ---- start
K=4
while [ $# -gt 0 ]; do
    case "$1" in
    --nodes) [ $# -ge 2 ] || usage; K=$2; shift 2 ;;
    --nodes=*) K=${1#--nodes=}; shift ;;
    *) usage ;;
    esac
done
case "$K" in ''|*[!0-9]*) usage ;; esac
[ "$K" -ge 1 ] && [ "$K" -le 32 ] || die "--nodes must be 1..32"
[ "$(id -u)" -eq 0 ] || die "needs root"
for p in munged slurmctld slurmd sinfo munge nsenter unshare ip tc; do
    command -v "$p" >/dev/null 2>&1 || die "$p not found: install slurm-wlm, munge, iproute2, util-linux"
done
id munge >/dev/null 2>&1 || die "no munge user: install munge"

# Already running with the same node count: nothing to do.
if [ "$(nodes_of)" = "$K" ] && [ -s "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null &&
   [ "$(SLURM_CONF=$DIR/slurm.conf sinfo -h -o %t -N 2>/dev/null | grep -c idle)" = "$K" ]; then
    echo "virtual-cluster: already running, $K nodes idle (SLURM_CONF=$DIR/slurm.conf)"
    exit 0
fi
# The names come from DIR's tag: a bridge of that name, or the subnet in use, without this folder
# having started it, belongs to another cluster (another folder with the same tag): leave it alone.
if [ ! -s "$DIR/nodes.count" ] && { ip link show "$BR" >/dev/null 2>&1 || ip -o addr show | grep -q " $NET\.1/"; }; then
    die "network: bridge $BR or subnet $SUBNET is in use by another cluster (same tag $TAG); use another DIR"
fi
teardown   # anything left by an earlier start

mkdir -p "$DIR" || die "can not create $DIR"
chmod 755 "$DIR"
rm -rf "$DIR/nodes" "$DIR/state"
mkdir -p "$DIR/munge" "$DIR/state" "$DIR/tmpfs" || die "can not create folders in $DIR"
echo "$K" >"$DIR/nodes.count"
runuser -u munge -- test -x "$DIR" || die "the munge user can not reach $DIR (every folder above must be searchable)"

# step: network (bridge, one namespace and veth per node)
ip link add "$BR" type bridge || fail "network: bridge $BR"
ip addr add "$NET.1/24" dev "$BR" || fail "network: address of $BR"
ip link set "$BR" up || fail "network: $BR up"
{
    echo "127.0.0.1 localhost"
    echo "$NET.1 $HOSTNAME_S exa-host"
} >"$DIR/hosts"
for k in $(seq "$K"); do
    n=$(ns "$k"); h=$(hveth "$k")
    ip netns add "$n" || fail "network: namespace $n"
    ip link add "$h" type veth peer name eth0 netns "$n" || fail "network: veth $h"
    ip link set "$h" master "$BR" up || fail "network: $h into $BR"
    ip -n "$n" link set lo up || fail "network: lo in $n"
    ip -n "$n" addr add "$NET.$((10 + k))/24" dev eth0 || fail "network: address in $n"
    ip -n "$n" link set eth0 up || fail "network: eth0 up in $n"
    echo "$NET.$((10 + k)) exa-n$k" >>"$DIR/hosts"
    mkdir -p "$DIR/nodes/exa-n$k/spool" "$DIR/nodes/exa-n$k/tmp"
done

# step: munge (private socket, reachable from every namespace through the filesystem)
KEY=/etc/munge/munge.key
if [ ! -s "$KEY" ]; then
    KEY=$DIR/munge/munge.key
    [ -s "$KEY" ] || dd if=/dev/urandom of="$KEY" bs=1024 count=1 status=none || fail "munge: key"
    chmod 400 "$KEY"
fi
chown -R munge:munge "$DIR/munge"; chmod 755 "$DIR/munge"
SOCKET=$DIR/munge/munge.socket
runuser -u munge -- munged --socket="$SOCKET" --key-file="$KEY" --pid-file="$DIR/munge/munged.pid" \
    --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" || fail "munge: munged did not start"
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
munge -S "$SOCKET" -n | unmunge -S "$SOCKET" >/dev/null 2>&1 || fail "munge: credential check"

# step: slurm.conf
CPUS=$(getconf _NPROCESSORS_ONLN)
MEM=$(awk -v k="$K" '/MemTotal/ {m = $2 / 1024 * 0.8 / k; if (m > 2048) m = 2048; printf "%d", m}' /proc/meminfo)
cat >"$DIR/slurm.conf" <<EOF
# Virtual $K-node cluster written by scripts/virtual-cluster.sh
ClusterName=exavc$TAG
SlurmctldHost=$HOSTNAME_S($NET.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
PlugStackConfig=$DIR/plugstack.conf
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdTimeout=10
MessageTimeout=5
TmpFS=$DIR/tmpfs
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/nodes/%n/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/nodes/%n/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/nodes/%n/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
InactiveLimit=0
KillWait=5
EOF
# one line per node with its address
for k in $(seq "$K"); do
    echo "NodeName=exa-n$k NodeAddr=$NET.$((10 + k)) CPUs=$CPUS RealMemory=$MEM State=UNKNOWN"
done >>"$DIR/slurm.conf"
echo "PartitionName=debug Nodes=exa-n[1-$K] Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES" >>"$DIR/slurm.conf"
: >"$DIR/plugstack.conf"
export SLURM_CONF=$DIR/slurm.conf

# step: slurmctld
slurmctld -c -f "$SLURM_CONF" || fail "slurmctld did not start"

# step: one slurmd per node, in its namespaces, in a cgroup of its own (for the CPU cap)
CG=$(cg_root)
[ -n "$CG" ] && mkdir -p "$CG" 2>/dev/null
for k in $(seq "$K"); do
    start_slurmd "$k" || fail "slurmd of exa-n$k did not start"
done

# step: wait until every node is idle
idle=0
for _ in $(seq 120); do
    idle=$(sinfo -h -N -o %t 2>/dev/null | grep -c '^idle$')
    [ "$idle" = "$K" ] && break
    sleep 0.5
done
if [ "$idle" != "$K" ]; then
    sinfo -N >&2
    fail "waiting for $K idle nodes (only $idle after 60 s)"
fi
echo "virtual-cluster: $K nodes idle (SLURM_CONF=$SLURM_CONF, subnet $SUBNET)"
