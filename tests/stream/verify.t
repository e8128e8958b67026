#!/usr/bin/env bash
# exa-stream's verification and run rules: a corrupted array (the test-only hook
# EXA_STREAM_TEST_CORRUPT=1) gives FAILED, exit 1 and a record marked invalid; arrays smaller
# than 4x the last-level cache are reported NON-COMPLIANT in the text and the record.
source "$(dirname "$0")/../lib/tap.sh"
require_bin "$BIN/exa-stream"
VALIDATE=$TOOLS/stream-validate-record
require_bin "$VALIDATE"

for ranks in 1 2; do
    rec=$T/bad$ranks.json
    expect_exit 1 "corrupted array, $ranks rank(s): exit 1" \
        "${MPIRUN[@]}" -n $ranks -x EXA_STREAM_TEST_CORRUPT=1 "$BIN/exa-stream" --size 64K --ntimes 3 --json "$rec"
    output_has "corrupted array, $ranks rank(s): FAILED" "^FAILED$"
    output_has "corrupted array, $ranks rank(s): names the array" "^Failed validation on array a"
    ! grep -q '^PASSED$' "$T/last.out"; ok $? "corrupted array, $ranks rank(s): no PASSED"
    check "corrupted array, $ranks rank(s): record still written and well formed" "$VALIDATE" "$rec"
    json_true "corrupted array, $ranks rank(s): record invalid, verification failed" "$rec" \
        "r['valid'] is False and r['verification']['passed'] is False and r['verification']['value'] > r['verification']['threshold']"
done
# The hook only acts on the exact value 1.
EXA_STREAM_TEST_CORRUPT=0 "$BIN/exa-stream" --size 8K --ntimes 3 >"$T/last.out" 2>&1
ok $? "EXA_STREAM_TEST_CORRUPT=0 leaves the run valid"

if ! ls /sys/devices/system/cpu/cpu0/cache/index*/size >/dev/null 2>&1; then
    echo "# no cache sizes in /sys here: the 4x rule can not be checked"; done_testing; exit
fi
expect_exit 0 "small arrays: still exit 0" "$BIN/exa-stream" --size 64K --ntimes 3 --json "$T/small.json"
output_has "small arrays: NON-COMPLIANT line" "^NON-COMPLIANT: arrays of 0\.5 MiB \(524288 bytes\) per rank are smaller than 4x the last-level cache"
json_true "small arrays: record non-compliant with the reason" "$T/small.json" \
    "r['compliance']['compliant'] is False and any('4x the last-level cache' in v for v in r['compliance']['violations']) and r['valid'] is True"
done_testing
