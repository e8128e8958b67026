# Shared setup of the reporting tests (sourced after tests/lib/tap.sh): the generator, the data
# folder and small checks on written files.
GEN=$TOOLS/report-gen
FORGE=$TOOLS/report-forge
EXA=$BIN/exabench
DATA=$EXA_ROOT/tests/data/report
require_bin "$GEN" "$FORGE" "$EXA"
export EXA_GNUPLOT=${EXA_GNUPLOT:-gnuplot}

gen() {  # gen DIR ARGS...: a synthetic results folder
    local dir=$1; shift
    "$GEN" "$dir" --run-id "$(basename "$dir")" "$@" >/dev/null || { echo "Bail out! report-gen $dir $*"; exit 1; }
}

is_png() {  # is_png FILE: PNG signature, an IHDR chunk and a plausible size and dimensions
    python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
ok = len(d) > 1000 and d[:8] == b'\x89PNG\r\n\x1a\n' and d[12:16] == b'IHDR'
if ok:
    w, h = struct.unpack('>II', d[16:24])
    ok = 100 <= w <= 4000 and 100 <= h <= 4000 and d[-8:-4] == b'IEND'
sys.exit(0 if ok else 1)
PY
}

html_ok() {  # html_ok FILE: parses, every non-void tag closed in order, one html/head/body
    python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.count = [], [], {}
    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append('line %d: </%s> but open %s' % (self.getpos()[0], tag, self.stack[-1] if self.stack else None))
        else:
            self.stack.pop()
text = open(sys.argv[1], encoding='utf-8').read()
p = P(); p.feed(text); p.close()
if not text.startswith('<!DOCTYPE html>'):
    p.errors.append('no doctype')
if p.stack:
    p.errors.append('unclosed: %s' % p.stack[:3])
for t in ('html', 'head', 'body', 'title'):
    if p.count.get(t) != 1:
        p.errors.append('%s appears %s times' % (t, p.count.get(t)))
for e in p.errors[:5]:
    print('#', e)
sys.exit(1 if p.errors else 0)
PY
}
