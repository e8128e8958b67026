#!/usr/bin/env bash
# exabench ingest: a different run that reuses a run id already in the database is refused (exit
# 2, the database unchanged); the same run ingested again still changes nothing.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

DB=$T/history.db
mkdir -p "$T/a" "$T/b" "$T/c"
dump() { python3 -c "import sqlite3,sys; print('\n'.join(sqlite3.connect(sys.argv[1]).iterdump()))" "$DB"; }
gen "$T/a/r1" --seed 1 --created 2026-10-01T08:00:00Z
gen "$T/b/r1" --seed 2 --created 2026-11-01T08:00:00Z           # another run, same id "r1"
gen "$T/c/r1" --seed 1 --created 2026-10-01T08:00:00Z --failures  # same id and time, other runs
gen "$T/r2" --seed 3 --created 2026-12-01T08:00:00Z

expect_exit 0 "ingest r1" "$EXA" ingest --db "$DB" "$T/a/r1"
dump >"$T/d1"
expect_exit 0 "the same run again: nothing changes" "$EXA" ingest --db "$DB" "$T/a/r1"
output_has "and says so" "r1 is already in .*: nothing changed"
expect_exit 2 "a different run reusing the id r1 (another creation time) is refused" "$EXA" ingest --db "$DB" "$T/b/r1"
output_has "the error names the folder, the id and how it differs" \
    "ingest: .*/b/r1: run id r1 is already in .*history.db for a different run \(created 2026-10-01T08:00:00Z there, 2026-11-01T08:00:00Z here\): refused"
expect_exit 2 "a different run with the same id and time but other runs is refused" "$EXA" ingest --db "$DB" "$T/c/r1"
output_has "and says how it differs" "for a different run \(89 runs there, 91 here\)"
dump >"$T/d2"
cmp -s "$T/d1" "$T/d2"; ok $? "the database is unchanged"
expect_exit 2 "a refused run among good ones: exit 2, the good one still added" "$EXA" ingest --db "$DB" "$T/b/r1" "$T/r2"
output_has "r2 added" "r2 added to"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); sys.exit(0 if c.execute('select created from runs where run_id=\"r1\"').fetchone()[0]=='2026-10-01T08:00:00Z' else 1)" "$DB"
ok $? "r1 in the database is still the first run"
done_testing
