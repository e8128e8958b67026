#!/usr/bin/env bash
# exa-hpl as a drop-in for xhpl: `mpirun -np 2 exa-hpl` with no arguments in a folder with an
# HPL.dat runs it; HPL.dat's lines 3-4 (output file name, device out 6/7/file) are honoured; the
# importer of netlib's HPL.out reads exa-hpl's output; the T/V lines have netlib's layout (the
# peer output of netlib HPL 2.3 in tests/data/import/observed): only the numbers differ.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/hpl_dat.sh"
HPL=$BIN/exa-hpl
IMP=$TOOLS/exa-import-tool
NETLIB=$EXA_ROOT/tests/data/import/observed/netlib-hpl-2.3-8runs.out
require_bin "$HPL" "$IMP"
export EXA_HPL_CALIBRATE_N=0

# hpl_dat OUTFILE DEVICE: an HPL.dat of netlib's example layout, N 400 600, NB 64, 1 x 2.
hpl_dat() {
    hpl_dat_text outfile="$1" device="$2" ns="400 600" nbs=64 qs=2 rfacts=1 swap=2
}

mkdir -p "$T/d6" "$T/d7" "$T/df" "$T/none"
hpl_dat HPL.out 6 >"$T/d6/HPL.dat"
hpl_dat HPL.out 7 >"$T/d7/HPL.dat"
hpl_dat mine.out 8 >"$T/df/HPL.dat"

cd "$T/d6" || exit 1
"${MPIRUN[@]}" -np 2 "$HPL" >stdout.txt 2>stderr.txt
ok $? "mpirun -np 2 exa-hpl, no arguments, reads ./HPL.dat (device out 6)"
n=$(grep -c '^WR' stdout.txt); [ "$n" -eq 2 ]; ok $? "both N of HPL.dat ran, results on stdout ($n T/V lines)"
[ ! -e HPL.out ]; ok $? "device out 6: no output file written"
check "the netlib HPL.out importer reads exa-hpl's output" "$IMP" --format hpl stdout.txt
cp "$T/last.out" imported.json
json_true "two valid records, N 400 and 600, NB 64 on 1 x 2" imported.json \
    'len(r) == 2 and [x["parameters"]["n"] for x in r] == [400, 600] and all(x["valid"] and x["parameters"]["nb"] == 64 and (x["parameters"]["p"], x["parameters"]["q"]) == (1, 2) for x in r)'

# The T/V block's layout against netlib's: header, rule and result line, each field ending in
# the same column, Gflops in %.4e; the numbers and the variant code are all that differ.
python3 - "$NETLIB" stdout.txt <<'PY' >layout.out 2>&1
import re, sys
def block(path):
    lines = open(path).read().split("\n")
    for i, l in enumerate(lines):
        if l.startswith("T/V ") and not l.startswith("T/V    :"):
            return lines[i], lines[i + 1], lines[i + 2]
    raise SystemExit(path + ": no T/V block")
def shape(line):  # the end column of every field, and each field's kind
    return [(m.end(), "num" if re.fullmatch(r"[0-9.e+-]+", m.group()) else "code") for m in re.finditer(r"\S+", line)]
n, e = block(sys.argv[1]), block(sys.argv[2])
assert n[0] == e[0], ("header", n[0], e[0])
assert n[1] == e[1], ("rule", n[1], e[1])
assert shape(n[2]) == shape(e[2]), ("result", n[2], e[2])
g = e[2].split()[-1]
assert re.fullmatch(r"\d\.\d{4}e[+-]\d\d", g), ("Gflops format", g)
assert len(e[2]) == len(n[2]) == 80, (len(e[2]), len(n[2]))
print("netlib: " + n[2]); print("exa-hpl: " + e[2])
PY
rc=$?; sed 's/^/# /' layout.out; ok $rc "T/V header, rule and result line match netlib's layout (only the numbers differ)"

cd "$T/d7" || exit 1
"${MPIRUN[@]}" -np 2 "$HPL" >stdout.txt 2>stderr.txt
ok $? "device out 7"
grep -q '^WR' stderr.txt && ! grep -q '^WR' stdout.txt; ok $? "... writes the results on stderr, not stdout"

cd "$T/df" || exit 1
"${MPIRUN[@]}" -np 2 "$HPL" >stdout.txt 2>stderr.txt
ok $? "device out 8 (a file)"
[ "$(grep -c '^WR' mine.out)" -eq 2 ] && ! grep -q '^WR' stdout.txt; ok $? "... writes the results into HPL.dat's output file name (mine.out)"
check "... which the importer reads" "$IMP" mine.out

cd "$T/none" || exit 1
expect_exit 2 "no HPL.dat and no problem size: usage error" "${MPIRUN[@]}" -np 2 "$HPL"
output_has "... saying there is no ./HPL.dat" "no ./HPL.dat to read"
done_testing
