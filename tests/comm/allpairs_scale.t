#!/usr/bin/env bash
# exa-comm allpairs' record at scale, end to end on 4 ranks (one host): the node-level form is
# always written; --json-matrix never leaves out the dense matrix and the per-pair statistics;
# --matrix-file writes the float32 side file whose size, shape and SHA-256 the record states, and
# whose values are the record's node-level figures' source.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exa-comm
require_bin "$EXA"
command -v mpirun >/dev/null || skip_all "mpirun not found"
ARGS=(allpairs -m 8:4K -i 20 -x 2 --window 4)

expect_exit 0 "4 ranks, default: valid" "${MPIRUN[@]}" -n 4 "$EXA" "${ARGS[@]}" --json "$T/a.json"
json_true "default at 4 ranks: dense form and node-level form" "$T/a.json" \
    "len(r['results']['matrix']['latency_us']) == 4 and len(r['results']['pairs']) == 6 and r['results']['layout'] == 'nodes' \
     and len(r['results']['nodes']) == 1 and r['results']['nodes'][0]['ranks'] == 4 and r['results']['groups']['count'] == 1 \
     and r['results']['node_matrix']['latency_us'][0][0] == r['results']['nodes'][0]['intra']['latency_us'] \
     and 'matrix_file' not in r['results'] and r['results']['slow_pairs_total']['latency'] >= 0"
json_true "the metrics' samples: every pair in the dense form" "$T/a.json" \
    "len(r['metrics']['latency_median_intra']['samples']) == 6 and len(r['metrics']['bandwidth_median_intra']['samples']) == 12"

cd "$T" || exit 1
expect_exit 0 "4 ranks, --json-matrix never --matrix-file m.bin: valid" "${MPIRUN[@]}" -n 4 "$EXA" "${ARGS[@]}" --json-matrix never --matrix-file m.bin --json "$T/b.json"
output_has "text: the matrix summarised, not printed" 'the matrix is summarised per node'
json_true "no dense matrix, no pairs, no per-pair samples; node-level fields there" "$T/b.json" \
    "'matrix' not in r['results'] and 'pairs' not in r['results'] and r['results']['layout'] == 'nodes' and r['results']['medians']['intra'] \
     and len(r['metrics']['latency_median_intra'].get('samples') or []) <= 1"
[ "$(stat -c %s m.bin)" -eq $((64 + 8 * 16)) ]; ok $? "side file: 64 + 8 P^2 bytes"
json_true "record: the side file's name, shape, bytes and SHA-256" "$T/b.json" \
    "r['results']['matrix_file']['path'] == 'm.bin' and r['results']['matrix_file']['shape'] == [2, 4, 4] and r['results']['matrix_file']['bytes'] == 192 \
     and r['results']['matrix_file']['sha256'] == '$(sha256sum m.bin | cut -d' ' -f1)'"
python3 - m.bin "$T/b.json" <<'PY' >"$T/last.out" 2>&1
import json, math, statistics, struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"EXAMTX01" and struct.unpack("<3I", b[8:20]) == (2, 4, 4)
v = struct.unpack("<32f", b[64:])
lat, bw = [v[i * 4:(i + 1) * 4] for i in range(4)], [v[16 + i * 4:16 + (i + 1) * 4] for i in range(4)]
assert all(math.isnan(lat[i][i]) and math.isnan(bw[i][i]) for i in range(4))
assert all(lat[i][j] == lat[j][i] for i in range(4) for j in range(4) if i != j)
r = json.load(open(sys.argv[2]))["results"]
med = statistics.median([lat[i][j] for i in range(4) for j in range(i + 1, 4)])
print("latency median", med, r["medians"]["intra"]["latency_us"])
assert abs(med - r["medians"]["intra"]["latency_us"]) <= 1e-6 * med
PY
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/last.out"
ok $rc "side file: NaN diagonal, symmetric latency, its median the record's intra median"
expect_exit 2 "--matrix-file onto an existing file: exit 2" "${MPIRUN[@]}" -n 2 "$EXA" "${ARGS[@]}" --matrix-file m.bin
done_testing
