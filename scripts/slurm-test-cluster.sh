#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the harness tests. Installs nothing (scripts/deps.sh
# installs slurm-wlm and munge); needs root.
#
#   scripts/slurm-test-cluster.sh start DIR   write DIR/slurm.conf, start munged (private socket),
#                                             slurmctld and slurmd, wait until the node is idle
#   scripts/slurm-test-cluster.sh stop DIR    stop the daemons started in DIR, by the pids in
#                                             their pid files
#   scripts/slurm-test-cluster.sh env DIR     print the exports a client needs (SLURM_CONF)
#
# Everything lives in DIR (configuration, state, spool, logs, pid files, the munge socket), on
# private ports (EXA_SLURM_PORT, default 16817, and the next one), so the cluster neither needs nor
# touches /etc/slurm, /run/munge or a system Slurm. Exit status: 0 done, 1 a daemon did not start
# (the reason and the log tails are printed), 2 bad usage.
set -u

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
DIR=$2
PORT=${EXA_SLURM_PORT:-16817}
NODE=$(hostname -s)

die() { echo "slurm-test-cluster: $*" >&2; exit 1; }

stop_pidfile() {  # stop_pidfile FILE NAME: SIGTERM the pid in FILE, SIGKILL after 10 s
    local f=$1 name=$2 pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    case "$pid" in ''|*[!0-9]*) return 0 ;; esac
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "slurm-test-cluster: $name ($pid) ignored SIGTERM; SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null
        fi
    fi
    rm -f "$f"
}

stop_all() {
    stop_pidfile "$DIR/slurmd.pid" slurmd
    stop_pidfile "$DIR/slurmctld.pid" slurmctld
    stop_pidfile "$DIR/munge/munged.pid" munged
}

show_logs() {
    for f in "$DIR/munge/munged.log" "$DIR/slurmctld.log" "$DIR/slurmd.log"; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
    done
}

case "$cmd" in
env)
    echo "export SLURM_CONF=$DIR/slurm.conf"
    exit 0 ;;
stop)
    stop_all
    exit 0 ;;
start) ;;
*) usage ;;
esac

[ "$(id -u)" -eq 0 ] || die "needs root (munged runs as the munge user, slurmd as root)"
for p in munged slurmctld slurmd sinfo munge; do
    command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || die "$p not found: install slurm-wlm and munge (scripts/deps.sh)"
done
id munge >/dev/null 2>&1 || die "no munge user: install munge (scripts/deps.sh)"
export PATH=$PATH:/usr/sbin

mkdir -p "$DIR" || die "can not create $DIR"
DIR=$(cd "$DIR" && pwd)
chmod 755 "$DIR"   # the munge user must reach its socket folder
mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool"
runuser -u munge -- test -x "$DIR" ||
    die "the munge user can not reach $DIR: every folder above it must be searchable (chmod o+x)"

# munge: a private daemon and socket; it refuses files owned by others, so the munge user owns them.
KEY=/etc/munge/munge.key
if [ ! -s "$KEY" ]; then
    KEY=$DIR/munge/munge.key
    dd if=/dev/urandom of="$KEY" bs=1024 count=1 status=none || die "can not create a munge key"
    chmod 400 "$KEY"
fi
chown -R munge:munge "$DIR/munge"
chmod 755 "$DIR/munge"   # munged wants its socket folder searchable by all
[ "$KEY" = "$DIR/munge/munge.key" ] && chown munge:munge "$KEY"
SOCKET=$DIR/munge/munge.socket
runuser -u munge -- munged --socket="$SOCKET" --key-file="$KEY" --pid-file="$DIR/munge/munged.pid" \
    --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" \
    || { show_logs; die "munged did not start"; }
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
munge -S "$SOCKET" -n | unmunge -S "$SOCKET" >/dev/null 2>&1 || { show_logs; stop_all; die "munge credential check failed"; }

# Memory for the node: a little under what the machine has (MiB).
MEM=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
CPUS=$(getconf _NPROCESSORS_ONLN)   # not nproc: it obeys OMP_NUM_THREADS
cat > "$DIR/slurm.conf" <<EOF
# One-node test cluster written by scripts/slurm-test-cluster.sh
ClusterName=exatest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=pmix
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
InactiveLimit=0
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
export SLURM_CONF=$DIR/slurm.conf

slurmctld -c -f "$SLURM_CONF" || { show_logs; stop_all; die "slurmctld did not start"; }
slurmd -f "$SLURM_CONF" || { show_logs; stop_all; die "slurmd did not start"; }
state=""
for _ in $(seq 120); do
    state=$(sinfo -h -n "$NODE" -o %t 2>/dev/null | head -n1)
    [ "$state" = idle ] && break
    sleep 0.5
done
if [ "$state" != idle ]; then
    echo "slurm-test-cluster: node $NODE is '$state', not idle, after 60 s" >&2
    show_logs
    stop_all
    exit 1
fi
echo "slurm-test-cluster: node $NODE idle (SLURM_CONF=$SLURM_CONF)"
