#!/usr/bin/env bash
# The quick suite, small (tests/data/cluster/quick.yaml), at 1, 2 and 4 nodes of the virtual
# cluster: through sbatch (outside an allocation: one batch job per scale step) and through srun
# inside salloc. Every run valid; each record's launch and provenance name as many distinct hosts
# as the run has nodes, the cluster's hosts, within its batch job's nodes; the report's HPL
# scaling plot has a point per node count.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"
cluster_gate
vc_start 4
SUITE=$EXA_ROOT/tests/data/cluster/quick.yaml

# records_right RUNDIR: the launch and provenance checks on every run of the manifest
records_right() {
    python3 - "$1" <<'PY'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
bad = []
for x in m["runs"]:
    r = json.load(open(os.path.join(d, x["record"])))
    n = x["scale"]["nodes"]
    L = r["launch"]
    prov = [p["hostname"] for p in r["provenance"]["nodes"]]
    if L["nodes"] != n: bad.append(f"{x['id']}: launch.nodes {L['nodes']} != {n}")
    if len(set(L["hosts"])) != n: bad.append(f"{x['id']}: launch.hosts {L['hosts']}")
    if sorted(set(prov)) != sorted(set(L["hosts"])): bad.append(f"{x['id']}: provenance hosts {prov}")
    if not all(h in ("exa-n1", "exa-n2", "exa-n3", "exa-n4") for h in L["hosts"]): bad.append(f"{x['id']}: foreign host {L['hosts']}")
for b in bad: print(b)
sys.exit(1 if bad else 0)
PY
}

# Outside an allocation: sbatch, one job per scale step.
t0=$SECONDS
expect_exit_long 0 "sbatch: the suite at 1, 2 and 4 nodes, every run valid" "${ON_CLIENT[@]}" "$EXA" run "$SUITE" --out "$T/batch"
ok 0 "sbatch session took $((SECONDS - t0)) s"
D=$(readlink -f "$T/batch/latest")
M=$D/manifest.json
json_true "sbatch mode, 3 jobs (1, 2 and 4 nodes), all COMPLETED" "$M" "r['launcher']['mode'] == 'sbatch' and sorted(j['nodes'] for j in r['launcher']['jobs']) == [1, 2, 4] and all(j['state'] == 'COMPLETED' for j in r['launcher']['jobs'])"
json_true "7 runs, all valid" "$M" "len(r['runs']) == 7 and all(x['status'] == 'valid' for x in r['runs'])"
records_right "$D" >"$T/last.out" 2>&1; rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
ok $rc "records: launch.nodes, launch.hosts and provenance hosts agree with each run's node count"
# each run's hosts lie within its batch job's nodes (scontrol remembers jobs for MinJobAge)
bad=0
while read -r rec job; do
    nodes=$(on_client scontrol show hostnames "$(on_client scontrol show job "$job" | sed -n 's/^ *NodeList=\([^ ]*\).*/\1/p')" | sort | tr '\n' ' ')
    for h in $(json_py "$D/$rec" "' '.join(r['launch']['hosts'])"); do
        case " $nodes" in *" $h "*) ;; *) echo "# $rec: host $h not in job $job ($nodes)"; bad=1 ;; esac
    done
done < <(json_py "$M" "'\n'.join(x['record'] + ' ' + x['job_id'] for x in r['runs'])")
ok $bad "every run's hosts are nodes of its batch job"
json_true "the 4-node HPL run: hosts exa-n1..exa-n4" "$D/records/0003-hpl-n256-2x2-4n.json" "sorted(r['launch']['hosts']) == ['exa-n1', 'exa-n2', 'exa-n3', 'exa-n4']"
check "report" "$EXA" report "$D" --output "$T/rep-batch"
[ "$(grep -cv '^#' "$T/rep-batch/hpl_scaling.dat" | tr -d ' ')" -ge 3 ] && awk '!/^#/ && NF {print $1}' "$T/rep-batch/hpl_scaling.dat" | tr '\n' ' ' | grep -qx '1 2 4 '
ok $? "the report's HPL scaling plot has points at 1, 2 and 4 nodes"
[ -s "$T/rep-batch/hpl_scaling.png" ]; ok $? "hpl_scaling.png rendered"

# Inside an allocation of 4 nodes: srun per run.
t0=$SECONDS
expect_exit_long 0 "salloc -N4: the suite through srun, every run valid" "${ON_CLIENT[@]}" salloc -N4 "$EXA" run "$SUITE" --out "$T/alloc"
ok 0 "salloc session took $((SECONDS - t0)) s"
D=$(readlink -f "$T/alloc/latest")
M=$D/manifest.json
json_true "srun mode inside the allocation" "$M" "r['launcher']['mode'] == 'srun' and r['launcher']['allocation']"
json_true "7 runs, all valid" "$M" "len(r['runs']) == 7 and all(x['status'] == 'valid' for x in r['runs'])"
records_right "$D" >"$T/last.out" 2>&1; rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
ok $rc "records: launch.nodes, launch.hosts and provenance hosts agree with each run's node count"
json_true "the 4-node STREAM run: hosts exa-n1..exa-n4" "$D/records/0006-stream-s102400-4r-4n.json" "sorted(r['launch']['hosts']) == ['exa-n1', 'exa-n2', 'exa-n3', 'exa-n4']"
check "report" "$EXA" report "$D" --output "$T/rep-alloc"
awk '!/^#/ && NF {print $1}' "$T/rep-alloc/hpl_scaling.dat" | tr '\n' ' ' | grep -qx '1 2 4 '
ok $? "the report's HPL scaling plot has points at 1, 2 and 4 nodes"
check "stop" vc stop
check "nothing left" vc check
done_testing
