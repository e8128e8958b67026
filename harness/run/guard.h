/* The run guard (issue 14, part 1): what keeps a run's processes from outliving it and measuring
 * beside the next one. It wires proctrack.h (every process of an attempt found by its cgroup and
 * its EXA_RUN_TAG), attempt.h (attempt files the benchmarks check before writing their record)
 * and loadcheck.h (the machine's load before a local run) into a session:
 *
 *   guard_session_start   at the start of `exabench run` (not --dry-run): locks the run folder
 *                         (one harness per folder), with --resume sweeps what an earlier session of
 *                         the folder left running, then refuses to go on while processes of
 *                         another run of the same results folder whose harness is gone live
 *                         (naming them; those of runs elsewhere are named in a warning).
 *   guard_attempt_begin   before a run's launch: an attempt file and a tracking tag for it, both
 *                         passed in the run's environment and kept in the manifest's run entry.
 *   guard_attempt_end     after the launch returned: the attempt marked finished or abandoned,
 *                         every process of it ended, abandoned attempts listed in the manifest.
 *   guard_load_sample     before a local run: the machine's load, into the manifest's run entry
 *                         ("machine_load", "foreign_load") and the record's provenance (EXA_*). */
#ifndef EXA_HARNESS_GUARD_H
#define EXA_HARNESS_GUARD_H

#include <jansson.h>

#include "attempt.h"
#include "proc.h"
#include "proctrack.h"

struct session;
struct envlist;

struct run_guard {
    struct attempt a;
    struct proctrack pt;
    int tracked;                /* pt is set */
    int have_attempt;           /* a is set */
};

/* 0 to go on; else the exit status (the reason printed). resume: the session resumes its folder. */
int guard_session_start(struct session *S, int resume);

/* Refuses (exit status, the processes named) while processes of an earlier run of the results
 * folder `results` whose harness is gone live (own_dir, may be NULL: this session's folder, always
 * counted); processes of such runs elsewhere are named in a warning (the load check flags the runs
 * they disturb). 0 to go on. */
int guard_check_clear(const char *own_dir, const char *results);

/* Starts an attempt of run r: attempt file, tracking tag and cgroup; sets EXA_ATTEMPT_FILE and
 * EXA_RUN_TAG in env and "attempt", "proc_tag", "proc_cgroup" in r. 0, or -1 (reason printed). */
int guard_attempt_begin(struct session *S, json_t *r, struct run_guard *g, struct envlist *env);

/* Ends the attempt after its launch returned with res: marks it finished (a normal exit) or
 * abandoned (timeout, signal, interrupt, crash), then ends every process left of it. */
void guard_attempt_end(struct session *S, json_t *r, struct run_guard *g, const struct proc_result *res);

/* The machine's load before a local run, into r and env. Returns 1 under foreign load, else 0. */
int guard_load_sample(struct session *S, json_t *r, struct envlist *env);

/* For --resume: runs that ended failed, crashed, timed out or with an unreadable record go back to
 * pending (their outcome kept in "previous_outcomes"); returns how many. */
int guard_reset_failed(struct session *S);

#endif
