#!/usr/bin/env bash
# Signed submissions and theoretical Rpeak (issue 13, items 2 and 3): exabench keygen, submit --key,
# rank --trust against a forger who edits Rmax and recomputes the seal, rank's arithmetic checks
# (Gflop/s against N and time, N against the declared memory, Rmax against Rpeak), submit refusing
# a run without a theoretical Rpeak, sysinfo's Rpeak, the report's two efficiencies, and a real
# exa-hpl record carrying rpeak_theoretical through a signed submission.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../report/lib.sh"
HPL=$BIN/exa-hpl
require_bin "$HPL"

gen "$T/run" --seed 1
SYS=$DATA/systems/alpha.yaml

# ---- keygen ----
expect_exit 0 "keygen writes a key pair" "$EXA" keygen --name alice "$T/alice.pem" "$T/alice.pub"
[ "$(stat -c %a "$T/alice.pem")" = 600 ]; ok $? "the private key is mode 0600"
grep -qE '^alice [A-Za-z0-9+/]{43}=$' "$T/alice.pub"; ok $? "the public key is a trust line 'alice KEY'"
expect_exit 2 "keygen refuses to overwrite a key" "$EXA" keygen --name alice "$T/alice.pem" "$T/other.pub"
output_has "names the existing file" "alice.pem.*refusing to overwrite"
expect_exit 2 "keygen refuses a bad name" "$EXA" keygen --name 'a b' "$T/x.pem" "$T/x.pub"
expect_exit 0 "a second signer (mallory)" "$EXA" keygen --name mallory "$T/mallory.pem" "$T/mallory.pub"

# ---- submit --key, rank --trust ----
expect_exit 0 "submit --key signs" "$EXA" submit "$T/run" --system "$SYS" --key "$T/alice.pem" --signer alice -o "$T/signed.json"
json_true "the seal keeps its digest and carries signature, public key and signer" "$T/signed.json" \
    "len(r['seal']['digest']) == 64 and len(r['seal']['signature']) == 88 and r['seal']['signer'] == 'alice' and r['seal']['public_key'] == open('$T/alice.pub').read().split()[-1]"
expect_exit 0 "rank --trust ranks the signed submission" "$EXA" rank --trust "$T/alice.pub" "$T/signed.json"
output_has "ranked first" "^ +1  Alpha "
output_has "names the trusted signer" "signed.json: alice"
expect_exit 0 "submit without --key (unsigned)" "$EXA" submit "$T/run" --system "$SYS" -o "$T/unsigned.json"
expect_exit 1 "rank --trust refuses an unsigned submission" "$EXA" rank --trust "$T/alice.pub" "$T/signed.json" "$T/unsigned.json"
output_has "the signed one still ranks" "^ +1  Alpha "
output_has "the unsigned one is listed as refused" "unsigned.json: not signed"
expect_exit 0 "without --trust, an unsigned submission ranks" "$EXA" rank "$T/unsigned.json"

# The forger of issue 13: Rmax raised in the Rmax record's raw text (its Gflop/s; with
# TIME-FOLLOWS=1 the time cut to match, so the arithmetic holds) and in the summary, the record's
# SHA-256 and the seal recomputed over the documented byte layout (jansson's compact sorted JSON,
# reals as %.17g), as anyone can without the key.
forge() {  # forge IN OUT FACTOR TIME-FOLLOWS(0|1) [summary-key=value]
    python3 - "$@" <<'PY'
import hashlib, json, sys
src, dst, f, follow = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == '1'
s = json.load(open(src))
target = s['summary']['rmax_record']
for r in s['records']:
    if r['file'] != target:
        continue
    rec = json.loads(r['raw'])
    g = rec['metrics']['gflops']
    g['value'] *= f
    g['samples'] = [x * f for x in g.get('samples', [])]
    if follow:
        t = rec['metrics']['time']
        t['value'] /= f
        t['samples'] = [x / f for x in t.get('samples', [])]
    r['raw'] = json.dumps(rec, indent=1)
    r['sha256'] = hashlib.sha256(r['raw'].encode()).hexdigest()
    s['summary']['rmax_gflops'] = g['value']
    s['summary']['efficiency'] = g['value'] / s['summary']['rpeak_gflops']
for kv in sys.argv[5:]:
    k, v = kv.split('=')
    s['summary'][k] = float(v)
def real(x):
    t = '%.17g' % x
    if 'e' in t:
        m, e = t.split('e')
        t = m + 'e' + ('-' if e[0] == '-' else '') + e[1:].lstrip('+-').lstrip('0')
    return t if ('.' in t or 'e' in t) else t + '.0'
def compact(o):
    if isinstance(o, bool) or o is None:
        return json.dumps(o)
    if isinstance(o, float):
        return real(o)
    if isinstance(o, dict):
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' + compact(o[k]) for k in sorted(o)) + '}'
    if isinstance(o, list):
        return '[' + ','.join(compact(x) for x in o) + ']'
    return json.dumps(o, ensure_ascii=False)
b = 'exabench.submission/1\n'
for r in s['records']:
    b += '%s %s\n' % (r['file'], hashlib.sha256(r['raw'].encode()).hexdigest())
b += '%s\n%s\n%s\n' % (s['run_id'], compact(s['system']), compact(s['summary']))
s['seal']['digest'] = hashlib.sha256(b.encode()).hexdigest()
json.dump(s, open(dst, 'w'), indent=1)
PY
}
forge "$T/signed.json" "$T/forged.json" 1.5 1
json_true "the forgery is self-consistent: record and summary at +50%, seal recomputed" "$T/forged.json" \
    "abs(r['summary']['rmax_gflops'] / json.load(open('$T/signed.json'))['summary']['rmax_gflops'] - 1.5) < 1e-9"
expect_exit 1 "rank --trust refuses the forged submission" "$EXA" rank --trust "$T/alice.pub" "$T/forged.json" "$T/signed.json"
output_has "refused: the signature no longer verifies" "forged.json: bad signature"
output_has "the genuine one ranks" "^ +1  Alpha "
expect_exit 1 "rank without --trust refuses it too (its own key does not verify it)" "$EXA" rank "$T/forged.json"
python3 -c "
import json; s = json.load(open('$T/forged.json'))
for k in ('signature', 'public_key', 'signer', 'signature_algorithm'): s['seal'].pop(k)
json.dump(s, open('$T/stripped.json', 'w'), indent=1)"
expect_exit 1 "rank --trust refuses the forgery with its signature stripped" "$EXA" rank --trust "$T/alice.pub" "$T/stripped.json"
output_has "refused as not signed" "stripped.json: not signed"
expect_exit 0 "mallory signs her own submission" "$EXA" submit "$T/run" --system "$SYS" --key "$T/mallory.pem" --signer alice -o "$T/mallory.json"
expect_exit 1 "rank --trust refuses a key not in the trust file, whatever name it claims" "$EXA" rank --trust "$T/alice.pub" "$T/mallory.json"
output_has "names the untrusted key" "mallory.json: signed by a key that is not trusted \(signer 'alice'"
expect_exit 0 "trusting both files ranks mallory's as mallory" "$EXA" rank --trust "$T/alice.pub" --trust "$T/mallory.pub" "$T/mallory.json"
output_has "the trusted name is the trust file's" "mallory.json: mallory"
expect_exit 2 "rank --trust with a bad trust file" "$EXA" rank --trust "$T/alice.pem" "$T/signed.json"

# ---- rank's arithmetic, with or without --trust ----
forge "$T/unsigned.json" "$T/skew2.json" 1.002 0
expect_exit 1 "Gflop/s 0.2% off N and time: refused" "$EXA" rank "$T/skew2.json"
output_has "names the claimed and recomputed rates" "skew2.json: Gflop/s do not follow from N and time: .*N=[0-9]+ in .* s is \(2/3 N\^3 \+ 3/2 N\^2\)/t = "
forge "$T/unsigned.json" "$T/skew05.json" 1.0005 0
expect_exit 0 "Gflop/s 0.05% off (within 0.1%): ranked" "$EXA" rank "$T/skew05.json"
forge "$T/unsigned.json" "$T/inflated.json" 1.5 0
expect_exit 1 "Rmax +50% without touching the time: refused" "$EXA" rank "$T/inflated.json"
output_has "by the arithmetic" "inflated.json: Gflop/s do not follow from N and time"
forge "$T/unsigned.json" "$T/smallmem.json" 1 0 memory_per_node_bytes=1e9
expect_exit 1 "N that does not fit the declared memory: refused" "$EXA" rank "$T/smallmem.json"
output_has "names N, 8 N^2 and the memory" "smallmem.json: N does not fit the declared memory: record .* has N=[0-9]+, whose matrix needs 8 N\^2 = [0-9.e+]+ bytes, but [0-9]+ node\(s\) x 1e\+09 bytes declared"
forge "$T/unsigned.json" "$T/overpeak.json" 1 0 rpeak_gflops=100
expect_exit 1 "Rmax above Rpeak: refused" "$EXA" rank "$T/overpeak.json"
output_has "names both" "overpeak.json: Rmax [0-9.]+ Gflop/s exceeds Rpeak 100 Gflop/s"
printf 'name: Tiny\nsite: Small Site\nrpeak_gflops: 1000\nmemory_per_node_gib: 1\n' >"$T/tiny.yaml"
expect_exit 1 "submit refuses what rank would: N over a declared 1 GiB per node" "$EXA" submit "$T/run" --system "$T/tiny.yaml" -o "$T/tiny.json"
output_has "with the reason" "N does not fit the declared memory"
[ ! -e "$T/tiny.json" ]; ok $? "nothing written"

# ---- the private key's mode ----
chmod 644 "$T/alice.pem"
expect_exit 2 "submit --key refuses a key file of mode 0644" "$EXA" submit "$T/run" --system "$SYS" --key "$T/alice.pem" -o "$T/x.json"
output_has "names the mode and the fix" "mode 0644 lets group or others read or write this private key; chmod 600"
chmod 600 "$T/alice.pem"

# ---- theoretical Rpeak ----
cp -r "$T/run" "$T/norpeak"
python3 -c "
import json; p = '$T/norpeak/manifest.json'; m = json.load(open(p))
del m['system']['rpeak_per_node_gflops']; json.dump(m, open(p, 'w'), indent=1)"
printf 'name: Nopeak\nsite: Somewhere\n' >"$T/nopeak.yaml"
expect_exit 1 "submit without any theoretical Rpeak: refused" "$EXA" submit "$T/norpeak" --system "$T/nopeak.yaml" -o "$T/np.json"
output_has "says why, and not dgemm x cores" "no theoretical Rpeak: give rpeak_gflops or rpeak_per_node_gflops in the system file.*a measured dgemm rate is not an Rpeak"
json_true "a submission keeps the dgemm peak beside the theoretical Rpeak" "$T/unsigned.json" \
    "r['summary']['rpeak_gflops'] == 400 and r['summary']['rpeak_basis'].startswith('system file rpeak_per_node_gflops') and r['summary']['dgemm_peak_gflops'] == 400 and r['summary']['memory_per_node_bytes'] == 16 * 2**30"

EXA_CPU_GHZ=2.5 EXA_FLOPS_PER_CYCLE=16 "$EXA" sysinfo >"$T/last.out" 2>&1; ok $? "sysinfo runs"
output_has "sysinfo shows Rpeak with the clock, its source and flops/cycle" "^theoretical Rpeak: [0-9.]+ Gflop/s = [0-9]+ cores x 2.500 GHz \(EXA_CPU_GHZ\) x 16 FP64 flops/cycle"
EXA_CPU_GHZ=2.5 EXA_FLOPS_PER_CYCLE=16 "$EXA" sysinfo --json >"$T/si.json"
json_true "sysinfo --json: rpeak = cores x 2.5 x 16" "$T/si.json" \
    "abs(r['rpeak']['gflops'] - r['rpeak']['cores'] * 40) < 1e-9 and r['rpeak']['clock_source'] == 'EXA_CPU_GHZ'"
"$EXA" sysinfo >"$T/last.out" 2>&1
output_has "on this VM, a theoretical Rpeak is found without overrides" "^theoretical Rpeak: [0-9.]+ Gflop/s = [0-9]+ cores x [0-9.]+ GHz \([a-zA-Z0-9 ]+\) x [0-9]+ FP64 flops/cycle"

# ---- the report's two efficiencies ----
"$EXA" report "$T/run" -o "$T/rep" >/dev/null 2>&1; ok $? "report"
python3 - "$T/rep/index.html" <<'PY'
import re, sys
h = open(sys.argv[1]).read()
def row(name):
    m = re.search(r'<td>%s</td><td class="num">([^<]*)</td><td[^>]*>([^<]*)</td>' % re.escape(name), h)
    return m.groups() if m else (None, None)
(e1, n1), (e2, n2) = row('Efficiency'), row('Efficiency vs dgemm peak')
ok = e1 and e2 and 'Rpeak (theoretical)' in n1 and 'dgemm peak' in n2 and e1.endswith('%') and '(of 400 Gflop/s)' in e2
print('#', e1, n1, '|', e2, n2)
sys.exit(0 if ok else 1)
PY
ok $? "the report shows both efficiencies, each labelled"

# ---- a real exa-hpl record: rpeak_theoretical, through a signed submission ----
mkdir -p "$T/real/records"
EXA_HPL_CALIBRATE_N=300 "${MPIRUN[@]}" -np 1 "$HPL" -N 600 --nb 64 -P 1 -Q 1 --json "$T/real/records/hpl.json" >"$T/last.out" 2>&1
ok $? "exa-hpl N=600 with a record"
output_has "exa-hpl prints its efficiency against the theoretical Rpeak" "of the theoretical Rpeak \(1 cores x [0-9.]+ GHz"
json_true "the record carries rpeak_theoretical (clock, its source, flops/cycle) and dgemm_peak_gflops" "$T/real/records/hpl.json" \
    "[rt['gflops'] > 0 and rt['cores'] == 1 and abs(rt['gflops'] - rt['ghz'] * rt['flops_per_cycle']) < 1e-6 and rt['clock_source'] != '' and r['results']['rpeak']['dgemm_peak_gflops'] > 0 for rt in [r['results']['rpeak']['rpeak_theoretical']]][0]"
printf 'name: This VM\nsite: Here\n' >"$T/vm.yaml"
expect_exit 0 "submit takes Rpeak from the record's rpeak_theoretical" "$EXA" submit "$T/real" --system "$T/vm.yaml" --key "$T/alice.pem" -o "$T/real.json"
json_true "its basis names the cores, clock and flops/cycle" "$T/real.json" \
    "r['summary']['rpeak_basis'].startswith('computed by exa-hpl from the hardware it ran on: 1 cores x') and r['summary']['rpeak_source']['flops_per_cycle'] > 0"
expect_exit 0 "rank --trust ranks the real signed submission" "$EXA" rank --trust "$T/alice.pub" "$T/real.json"
done_testing
