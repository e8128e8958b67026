#!/usr/bin/env bash
# The shared TAP helpers of tests/lib/tap.sh: a missing binary is "Bail out!" (never a silent skip)
# and a skipped test prints a TAP SKIP line with its reason.
source "$(dirname "$0")/../lib/tap.sh"
LIB=$EXA_ROOT/tests/lib/tap.sh

bash -c "source '$LIB'; require_bin /bin/sh /nonexistent/exa-nothing; echo 'ok 1 - ran on'" >"$T/out" 2>&1
rc=$?
[ $rc -ne 0 ]; ok $? "require_bin: a missing binary ends the script with a failure (got $rc)"
grep -q '^Bail out! /nonexistent/exa-nothing is missing' "$T/out"; ok $? "require_bin: says Bail out! naming it"
! grep -q 'ran on' "$T/out"; ok $? "require_bin: nothing runs after it"
bash -c "source '$LIB'; require_bin /bin/sh; echo present" >"$T/out" 2>&1
grep -q '^present$' "$T/out"; ok $? "require_bin: present binaries pass"
bash -c "source '$LIB'; skip_test 'no GPU here'; skip_test 'second'" >"$T/out" 2>&1
grep -q '^ok 1 # SKIP no GPU here$' "$T/out" && grep -q '^ok 2 # SKIP second$' "$T/out"
ok $? "skip_test: numbered TAP SKIP lines with the reason"
done_testing
