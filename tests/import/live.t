#!/usr/bin/env bash
# The importers on real binaries' output, produced here and now: exa-hpl's text (compared with
# the JSON record the same run wrote), a failed exa-hpl run (--perturb-solution -> an invalid
# record), and, when the Debian package hpcc is installed, a 2-rank hpcc run (netlib HPL 2.0 and
# STREAM inside) whose hpccoutf.txt must import. The tool prints the records as a JSON array.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/hpl_dat.sh"
IMP=$TOOLS/exa-import-tool
[ -x "$IMP" ] || skip_all "exa-import-tool not built ($IMP)"
[ -x "$BIN/exa-hpl" ] || skip_all "exa-hpl not built"

# exa-hpl: text on stdout and the native record, from one run
check "exa-hpl runs (N 400, 2 ranks)" "${MPIRUN[@]}" -np 2 "$BIN/exa-hpl" -N 400 -NB 64 --json "$T/native.json"
cp "$T/last.out" "$T/exa-hpl.txt"
check "its text output imports" "$IMP" "$T/exa-hpl.txt"
cp "$T/last.out" "$T/imported.json"
json_true "one record, benchmark hpl, source imported, valid" "$T/imported.json" \
    'len(r) == 1 and r[0]["benchmark"] == "hpl" and r[0]["source"] == "imported" and r[0]["valid"]'
python3 - "$T/imported.json" "$T/native.json" <<'PY' >"$T/cmp.out" 2>&1
import json, sys
imp = json.load(open(sys.argv[1]))[0]
nat = json.load(open(sys.argv[2]))
for k in ("n", "nb", "p", "q"):
    assert imp["parameters"][k] == nat["parameters"][k], k
# the text rounds: Gflops to 4 digits, the residual to 9, the time to 2 decimals
g_i, g_n = imp["metrics"]["gflops"]["value"], nat["metrics"]["gflops"]["value"]
assert abs(g_i - g_n) <= 5e-4 * g_n, (g_i, g_n)
r_i, r_n = imp["verification"]["value"], nat["verification"]["value"]
assert abs(r_i - r_n) <= 1e-8 * r_n, (r_i, r_n)
assert imp["verification"]["passed"] == nat["verification"]["passed"] is True
assert imp["launch"]["ranks"] == nat["launch"]["ranks"]
PY
rc=$?
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/cmp.out"
ok $rc "the imported record agrees with exa-hpl's own record (N, NB, grid, Gflops, residual, ranks)"

expect_exit 1 "exa-hpl --perturb-solution fails its residual check" \
    "${MPIRUN[@]}" -np 2 "$BIN/exa-hpl" -N 300 -NB 64 --perturb-solution
cp "$T/last.out" "$T/failed.txt"
check "the failed run's text imports" "$IMP" "$T/failed.txt"
cp "$T/last.out" "$T/failed.json"
json_true "as an invalid, non-compliant record with the residual FAILED" "$T/failed.json" \
    'not r[0]["valid"] and not r[0]["verification"]["passed"] and not r[0]["compliance"]["compliant"] and r[0]["results"]["residual"]["status"] == "FAILED"'

# hpcc: netlib HPL and STREAM from a real binary
if command -v hpcc >/dev/null 2>&1; then
    mkdir -p "$T/hpcc" && cd "$T/hpcc" || exit 1
    { hpl_dat_text device=8 ns=400 nbs=64 qs=2 rfacts=1 swap=2 l1=0 u=0 equil=1
      cat <<'INF'
##### This line (no. 32) is ignored (it serves as a separator). ######
0                      		Number of additional problem sizes for PTRANS
1200 10000 30000        	values of N
0                       	number of additional blocking sizes for PTRANS
40 9 8 13 13 20 16 32 64       	values of NB
INF
    } >hpccinf.txt
    expect_exit 0 "hpcc runs (N 400, 1 x 2 grid, 2 ranks)" "${MPIRUN[@]}" -np 2 hpcc
    check "hpccoutf.txt imports" "$IMP" hpccoutf.txt
    cp "$T/last.out" "$T/hpcc.json"
    json_true "HPL, StarSTREAM and SingleSTREAM records from hpcc" "$T/hpcc.json" \
        '[x["test"] for x in r] == ["HPL", "StarSTREAM", "SingleSTREAM"] and all(x["benchmark"] == "hpcc" for x in r)'
    json_true "hpcc's HPL run: N 400, 1 x 2, residual PASSED, Gflops > 0" "$T/hpcc.json" \
        'r[0]["parameters"]["n"] == 400 and r[0]["parameters"]["q"] == 2 and r[0]["verification"]["passed"] and r[0]["metrics"]["gflops"]["value"] > 0'
    json_true "hpcc's STREAM: four kernels in GB/s, validated" "$T/hpcc.json" \
        'all(r[1]["metrics"][k + "_bandwidth"]["value"] > 0 for k in ("copy", "scale", "add", "triad")) and r[1]["verification"]["passed"]'
    cd "$EXA_ROOT" || exit 1
else
    echo "# hpcc not installed (apt-get install hpcc): the real-binary hpcc check is skipped"
fi

# a file no importer knows is refused, naming what was expected
printf 'just a log\n' >"$T/unknown.txt"
expect_exit 2 "an unrecognised file is refused" "$IMP" "$T/unknown.txt"
output_has "the refusal lists the formats expected" "not a recognised output; expected one of: .*HPCG 3.x"
done_testing
