#!/usr/bin/env bash
# Every option a command's --help shows is in its manual page. For each binary (exa-hpl,
# exa-stream, exa-comm, exa-mxp, exabench) and each exabench subcommand (as listed under "Commands:" in
# 'exabench --help', so a new subcommand is checked too), every word of the --help text that looks
# like an option (-x, --long-name, -NB; preceded by a blank or an opening bracket, quote or bar)
# must appear as a word in docs/man/COMMAND.1.md (subcommand SUB: exabench-SUB.1.md). One test per
# command; a failure names the command and each missing option. A binary that is not built is
# "Bail out!": nothing could be checked.
source "$(dirname "$0")/../lib/tap.sh"

for b in exa-hpl exa-stream exa-comm exa-mxp exabench; do
    if [ ! -x "$BIN/$b" ]; then
        echo "Bail out! $BIN/$b is not built (make all)"
        exit 1
    fi
done

# options_of FILE: the option-like words of a --help text, one per line, sorted, unique.
options_of() {
    grep -oP '(?<![^\s\[(|,'"'"'"`=])--?[A-Za-z][A-Za-z0-9-]*' "$1" | sed 's/-*$//' | sort -u
}

# check_command NAME PAGE CMD...: CMD's --help options must all be in docs/man/PAGE.md.
check_command() {
    local name=$1 rel=docs/man/$2.md; shift 2
    local page=$EXA_ROOT/$rel
    local help=$T/help.txt missing=() opt
    if ! "$@" --help >"$help" 2>&1 || [ ! -s "$help" ]; then
        echo "# '$name --help' failed or printed nothing"
        ok 1 "$name: --help"
        return
    fi
    if [ ! -f "$page" ]; then
        echo "# $name has no manual page: $rel is missing"
        ok 1 "$name: manual page $rel exists"
        return
    fi
    while read -r opt; do
        [ -n "$opt" ] || continue
        grep -qP -- "(?<![A-Za-z0-9-])\Q$opt\E(?![A-Za-z0-9-])" "$page" || missing+=("$opt")
    done < <(options_of "$help")
    if [ ${#missing[@]} -gt 0 ]; then
        echo "# $name: options in '$name --help' missing from $rel: ${missing[*]}"
    fi
    ok ${#missing[@]} "$name: every option of --help is in $rel"
}

for b in exa-hpl exa-stream exa-comm exa-mxp exabench; do
    check_command "$b" "$b.1" "$BIN/$b"
done

mapfile -t subs < <("$BIN/exabench" --help | awk '/^Commands:/ { on = 1; next }
    on && /^[^ ]/ { on = 0 } on && NF { print $1 }')
[ ${#subs[@]} -gt 0 ]; ok $? "exabench --help lists subcommands under 'Commands:'"
for s in "${subs[@]}"; do
    check_command "exabench $s" "exabench-$s.1" "$BIN/exabench" "$s"
done
done_testing
