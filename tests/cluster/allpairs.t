#!/usr/bin/env bash
# All pairs over the 4 nodes x 2 ranks of the virtual cluster (tests/data/cluster/allpairs.yaml),
# with exa-n3's link limited to 20 Mbit/s by tbf (both ends): the matrix classifies the 4
# intra-node and 24 inter-node pairs by host; the bandwidth slow pairs of the inter-node class
# are exactly exa-n3's 12 inter-node pairs (both directions), in the record and circled in the
# report's heat map; the node-level form names exa-n3 as the outlier node and the report names its
# host in the slow-pairs section. Latency is not checked for slowness: tbf adds no delay, and 8 ranks on 2
# shared cores make latency too noisy to call.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"
cluster_gate
vc_start 4
check "tbf 20mbit on exa-n3's link" vc slow exa-n3 20mbit
t0=$SECONDS
expect_exit_long 0 "all pairs, 4 nodes x 2 ranks, through sbatch: valid" "${ON_CLIENT[@]}" "$EXA" run "$EXA_ROOT/tests/data/cluster/allpairs.yaml" --out "$T/ap"
ok 0 "the session took $((SECONDS - t0)) s"
D=$(readlink -f "$T/ap/latest")
REC=$D/$(json_py "$D/manifest.json" "r['runs'][0]['record']")
json_true "hosts: ranks 2k, 2k+1 on exa-n(k+1)" "$REC" "r['results']['hosts'] == ['exa-n1', 'exa-n1', 'exa-n2', 'exa-n2', 'exa-n3', 'exa-n3', 'exa-n4', 'exa-n4']"
json_true "the matrix classifies pairs by host: intra on one node, inter across" "$REC" "all(r['results']['matrix']['class'][i][j] == ('self' if i == j else 'intra' if r['results']['hosts'][i] == r['results']['hosts'][j] else 'inter') for i in range(8) for j in range(8))"
json_true "4 intra-node and 24 inter-node pairs" "$REC" "sum(p['class'] == 'intra' for p in r['results']['pairs']) == 4 and sum(p['class'] == 'inter' for p in r['results']['pairs']) == 24"
json_true "both classes have a median" "$REC" "r['results']['medians']['intra'] and r['results']['medians']['inter']"
# exa-n3's inter-node pairs: ranks 4 and 5 with any rank off exa-n3, as unordered pairs
N3="{frozenset((a, b)) for a in (4, 5) for b in (0, 1, 2, 3, 6, 7)}"
SLOW="{frozenset((s['a'], s['b'])) for s in r['results']['slow_pairs'] if s['figure'] == 'bandwidth' and s['class'] == 'inter'}"
json_true "record: the inter-node bandwidth slow pairs are exactly exa-n3's 12" "$REC" "$SLOW == $N3"
json_true "record: every one names exa-n3" "$REC" "all('exa-n3' in (s['host_a'], s['host_b']) for s in r['results']['slow_pairs'] if s['figure'] == 'bandwidth' and s['class'] == 'inter')"
# the node-level form beside the dense one (exabench-record(5)): exa-n3 (node 2) stands out
json_true "record: node-level form, 4 nodes of 2 ranks" "$REC" "r['results']['layout'] == 'nodes' and [(n['host'], n['ranks'], n['first_rank']) for n in r['results']['nodes']] == [('exa-n%d' % (k + 1), 2, 2 * k) for k in range(4)]"
json_true "record: exa-n3 is the one node whose inter-node bandwidth is an outlier" "$REC" "[o['host'] for o in r['results']['outlier_nodes'] if any('inter-node bandwidth' in x for x in o['reasons'])] == ['exa-n3']"
json_true "record: the slow bandwidth cells of the node groups are exa-n3's row and column" "$REC" "sorted(map(tuple, r['results']['groups']['bandwidth_GBps']['slow_cells'])) == sorted({(2, j) for j in (0, 1, 3)} | {(i, 2) for i in (0, 1, 3)})"
check "report" "$EXA" report "$D" --output "$T/rep"
# the heat map's circled pairs (index 1 of the .dat: "column row"), the inter-node ones
python3 - "$T/rep/comm_allpairs_bandwidth.dat" <<'PY' >"$T/last.out" 2>&1
import sys
text = open(sys.argv[1]).read()
block = text.split("# slow pairs: column row")[1]
host = lambda k: k // 2
circled = {frozenset((int(a), int(b))) for a, b in (l.split()[:2] for l in block.splitlines() if l.strip() and not l.startswith("#"))}
inter = {p for p in circled if len({host(k) for k in p}) == 2}
n3 = {frozenset((a, b)) for a in (4, 5) for b in (0, 1, 2, 3, 6, 7)}
print("circled inter-node pairs:", sorted(tuple(sorted(p)) for p in inter))
sys.exit(0 if inter == n3 else 1)
PY
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
ok $rc "report: the heat map circles exactly exa-n3's inter-node pairs among the inter-node ones"
sed -n '/^## All-pairs: slow pairs/,/^## Plots/p' "$T/rep/report.md" >"$T/pairs.md"
grep -q '^| exa-n3 | [0-9]* | .*inter-node bandwidth .* below the median' "$T/pairs.md"; ok $? "report: the slow-pairs section names exa-n3, an outlier node, and why"
grep -q '^| bandwidth | [0-9] exa-n[0-9] -> [0-9] exa-n[0-9] | inter |' "$T/pairs.md"; ok $? "report: the worst pairs with their ranks and hosts"
check "tbf off" vc slow exa-n3 off
check "stop" vc stop
check "nothing left" vc check
done_testing
