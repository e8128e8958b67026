#!/usr/bin/env bash
# The virtual cluster itself (scripts/virtual-cluster.sh): 4 nodes start and are idle, each node
# has its own hostname and address, MPI runs across them through srun --mpi=pmix and through
# mpirun inside salloc, the fault helpers act on the right node, start and stop are idempotent,
# stop leaves nothing behind, and a failed start names its step and leaves nothing either.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"
cluster_gate

t0=$SECONDS
vc_start 4
ok 0 "start --nodes 4 ($((SECONDS - t0)) s)"
check "sinfo answers" sinfo -h -N -o '%N %t'
[ "$(grep -c ' idle$' "$T/last.out")" = 4 ] && grep -q '^exa-n4 idle' "$T/last.out"; ok $? "sinfo shows 4 idle nodes exa-n1..exa-n4"
check "srun -N4 hostname" timeout 60 "${ON_CLIENT[@]}" srun -N4 hostname
[ "$(sort "$T/last.out" | tr '\n' ' ')" = "exa-n1 exa-n2 exa-n3 exa-n4 " ]; ok $? "each node answers with its own hostname"
check "a node has its own address in 198.18.0.0/15" vc on exa-n3 ip -o -4 addr show dev eth0
output_has "eth0 of exa-n3 is in 198.18/15" 'inet 198\.1[89]\.[0-9]+\.13/'
check "exa-comm across 2 nodes by srun --mpi=pmix" timeout 90 "${ON_CLIENT[@]}" srun --mpi=pmix -N2 --ntasks-per-node=1 "$BIN/exa-comm" latency -m 1:8 -i 20 -x 2 --json "$T/srun.json"
json_true "the record names both hosts" "$T/srun.json" "r['launch']['hosts'] == ['exa-n1', 'exa-n2']"
check "exa-comm across 2 nodes by mpirun inside salloc" timeout 90 "${ON_CLIENT[@]}" salloc -N2 --ntasks-per-node=1 mpirun "$BIN/exa-comm" latency -m 1:8 -i 20 -x 2 --json "$T/mpirun.json"
json_true "the record names both hosts" "$T/mpirun.json" "sorted(r['launch']['hosts']) == ['exa-n1', 'exa-n2']"

check "start again: left as it is" vc start --nodes 4
output_has "it says so" 'already running'
check "env prints SLURM_CONF and the TCP subnet" vc env
output_has "SLURM_CONF" "^export SLURM_CONF=$VC/slurm.conf$"
output_has "btl_tcp_if_include is the bridge's subnet" '^export OMPI_MCA_btl_tcp_if_include=198\.18\.[0-9]+\.0/24$'

# Another folder with the same tag (names and subnet derive from it): refused, this one untouched.
tag() { printf '%s' "$1" | cksum | awk '{print $1 % 256}'; }
i=0; while [ "$(tag "$T/other$i")" != "$(tag "$VC")" ]; do i=$((i + 1)); done
expect_exit 1 "a second cluster whose names would clash is refused" "$VC_SCRIPT" start "$T/other$i" --nodes 2
output_has "it says why" 'in use by another cluster'
check "this cluster still answers" timeout 30 "${ON_CLIENT[@]}" srun -N4 true

# The fault helpers act on the named node only.
check "slow exa-n2 200mbit" vc slow exa-n2 200mbit
tc qdisc show | grep -q "tbf" && vc on exa-n2 tc qdisc show dev eth0 | grep -q tbf && ! vc on exa-n1 tc qdisc show dev eth0 | grep -q tbf
ok $? "tbf on exa-n2's two ends, not on exa-n1"
check "slow exa-n2 off" vc slow exa-n2 off
! vc on exa-n2 tc qdisc show dev eth0 | grep -q tbf; ok $? "tbf removed"
check "cpu exa-n2 20 (cgroup cap)" vc cpu exa-n2 20
check "cpu exa-n2 off" vc cpu exa-n2 off
check "link exa-n4 down" vc link exa-n4 down
reach() {  # reach FROM TO: a TCP connection from node FROM to TO's slurmd port (no ping here)
    vc on "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$((EXA_SLURM_PORT + 1))" 2>/dev/null
}
! reach exa-n1 exa-n4 && reach exa-n1 exa-n3; ok $? "exa-n4 unreachable, exa-n3 reachable"
check "link exa-n4 up" vc link exa-n4 up
sleep 1; reach exa-n1 exa-n4; ok $? "exa-n4 reachable again"

t0=$SECONDS
check "stop" vc stop
ok 0 "stop took $((SECONDS - t0)) s"
check "nothing left (namespaces, links, daemons, cgroups, mounts)" vc check
check "stop again: nothing to do, exit 0" vc stop

# A failed start: a slurmctld that can not start. The step is named, logs shown, nothing left.
mkdir -p "$T/fakebin"
printf '#!/bin/sh\necho "fake slurmctld: refusing" >&2\nexit 1\n' >"$T/fakebin/slurmctld"
chmod +x "$T/fakebin/slurmctld"
PATH=$T/fakebin:$PATH expect_exit 1 "a start whose slurmctld fails exits 1" "$VC_SCRIPT" start "$VC" --nodes 2
output_has "the step is named" 'start failed at step: slurmctld did not start'
output_has "the log tails are shown" '^--- .*munged.log'
check "nothing left after the failed start" vc check
expect_exit 2 "bad usage exits 2" "$VC_SCRIPT" start "$VC" --nodes x
done_testing
