#!/usr/bin/env bash
# Issue 14, part 2: a value of the suite (or of a resumed manifest) that reaches a Slurm batch
# script can not become a command. Every Slurm field x a newline, a quote, $() and a backtick,
# through --dry-run: the placement fields (partition, account, qos, time_limit) are refused with
# the file, line and value; the words of the script body (extra args, env values, sbatch args) are
# quoted, and running the printed script with a stub launcher executes none of the payloads and
# passes each value through unchanged. --out with a space gives a quoted #SBATCH --output.
source "$(dirname "$0")/../lib/tap.sh"
EXA=$BIN/exabench
require_bin "$EXA"
P=$T/pwned
payloads=("debug
touch $P.nl" "debug'; touch $P.q; '" "debug\"; touch $P.dq; \"" "\$(touch $P.sub)" "\`touch $P.bt\`")
names=(newline quote dquote dollar-paren backtick)

suite() {  # suite FILE LAUNCHER-EXTRA ENTRY-EXTRA: a one-run slurm suite; values are JSON strings
    cat >"$1" <<EOF
launcher: {type: slurm, mode: sbatch, kill_grace: 2$2}
benchmarks:
  - {name: s, benchmark: stream, binary: /bin/true, size: 1$3}
EOF
}
js() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }

# 1. The placement fields: refused at load, naming file:line, the field and the value.
for f in partition account qos time_limit; do
    for i in "${!payloads[@]}"; do
        suite "$T/s.yaml" ", $f: $(js "${payloads[$i]}")" ""
        expect_exit 2 "$f x ${names[$i]}: refused" "$EXA" run --dry-run "$T/s.yaml" --out "$T/dry"
        output_has "$f x ${names[$i]}: the error names the file, line and field" "s.yaml:1:[0-9]+: error: launcher.$f: "
    done
done
ls "$P".* >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "nothing of the refused payloads ran"

# 2. The words of the body: quoted; the script, run with stubs, executes none of them.
for i in "${!payloads[@]}"; do
    pl=${payloads[$i]}
    sa=", sbatch_args: [$(js "--comment=$pl")]"
    if [ "${names[$i]}" = newline ]; then
        # a control character can not be a sbatch option: refused (it is argv to sbatch, never shell)
        suite "$T/b.yaml" "$sa" ""
        expect_exit 2 "sbatch_args x newline: refused" "$EXA" run --dry-run "$T/b.yaml" --out "$T/dry"
        output_has "sbatch_args x newline: the error names the field" 'launcher.sbatch_args: .* control character'
        sa=""
    fi
    suite "$T/b.yaml" "$sa" ", extra_args: [$(js "$pl")], env: {EXA_PAYLOAD: $(js "$pl")}"
    expect_exit 0 "body x ${names[$i]}: the dry run prints the script" "$EXA" run --dry-run "$T/b.yaml" --out "$T/dry"
    awk '/^#!\/bin\/bash/{on=1} on' "$T/last.out" >"$T/step.sh"
    bash -n "$T/step.sh"; ok $? "body x ${names[$i]}: the script is valid bash"
    dir=$(sed -n "s/^cd '\{0,1\}\([^' ]*\)'\{0,1\} || exit 1$/\1/p" "$T/step.sh")
    mkdir -p "$dir/logs" "$T/stub"
    # the stub 'timeout' writes the command it was given, one word per line, and the environment value
    printf '#!/bin/sh\nfor a in "$@"; do printf "%%s\\0" "$a"; done >"%s/argv"\nprintf "%%s" "$EXA_PAYLOAD" >"%s/env"\n' \
        "$T" "$T" >"$T/stub/timeout"
    chmod +x "$T/stub/timeout"
    rm -f "$T/argv" "$T/env"
    PATH=$T/stub:$PATH bash "$T/step.sh" >/dev/null 2>&1
    ls "$P".* >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "body x ${names[$i]}: no payload executed"
    python3 - "$T/argv" "$T/env" "$pl" <<'PY'
import sys
argv = open(sys.argv[1], 'rb').read().split(b'\0')[:-1]
pl = sys.argv[3].encode()
assert pl in argv, argv           # the extra argument arrives as one word, unchanged
assert open(sys.argv[2], 'rb').read() == pl
PY
    ok $? "body x ${names[$i]}: the extra argument and the env value arrive unchanged"
    if [ -n "$sa" ]; then
        grep -q "(submit: sbatch --parsable '--comment=" "$T/last.out"
        ok $? "body x ${names[$i]}: the sbatch argument is shown quoted (it is passed as one argv word, no shell)"
    fi
    rm -rf "$dir"
done

# 3. --out with a space: the #SBATCH --output line is quoted and reads back as one word.
suite "$T/o.yaml" "" ""
expect_exit 0 "--out with a space: dry run" "$EXA" run --dry-run "$T/o.yaml" --out "$T/with space"
output_has "#SBATCH --output is double-quoted" '^#SBATCH --output="/.*/with space/[^"]*/slurm/step-1.out"$'
[ "$(grep -c '^#SBATCH' "$T/last.out")" -eq "$(grep -c '^#SBATCH --[a-z-]*=' "$T/last.out")" ]
ok $? "every #SBATCH line is one option line (no value broke a line)"

# 4. A resumed manifest is input too: a payload edited into it is refused before any script.
mkdir -p "$T/res"
suite "$T/r.yaml" ", partition: debug" ""
"$EXA" run "$T/r.yaml" --out "$T/res" >"$T/r.out" 2>&1   # no Slurm here: the submission fails, the manifest stays
M=$(ls "$T"/res/*/manifest.json | head -n1)
python3 - "$M" <<PY
import json, sys
m = json.load(open(sys.argv[1]))
m['launcher']['partition'] = "debug\ntouch $P.manifest"
json.dump(m, open(sys.argv[1], 'w'))
PY
expect_exit 2 "a payload in the manifest's partition: --resume --dry-run refuses" "$EXA" run --resume "$(dirname "$M")" --dry-run
output_has "the error names the manifest and the field" 'manifest.json: launcher.partition: "debug\\ntouch'
output_lacks "no script printed" '^#!/bin/bash'
ls "$P".* >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "nothing of any payload ran"
done_testing
