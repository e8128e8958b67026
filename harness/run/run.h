/* The state of one `exabench run` (or screen) session, shared by the sequential executor (mpirun,
 * srun in an allocation) in run.c and the batch executor (sbatch) in launch_slurm.c. */
#ifndef EXA_HARNESS_RUN_H
#define EXA_HARNESS_RUN_H

#include <jansson.h>
#include <limits.h>

struct session {
    json_t *manifest;           /* owned */
    char dir[PATH_MAX];         /* results/<run-id> (absolute) */
    char run_id[256];
    double grace;               /* SIGTERM -> SIGKILL grace, seconds */
    double poll_interval;       /* sbatch: seconds between squeue polls */
    int tty;                    /* stderr is a terminal: \r-updated progress line */
    size_t total;               /* runs in the manifest */
    size_t finished_now;        /* runs finished in this session */
    double finished_seconds;    /* their total duration, for the ETA */
    size_t pending_at_start;
};

/* Outcome of a run from its exit, its signal and its record (see README.md ("Running the suite"), "Statuses"). */
struct outcome {
    int exited, exit_code, signaled, signal, timed_out, exec_failed;
    double duration;
    const char *started, *finished; /* ISO 8601 UTC; may be NULL */
    const char *note;               /* extra explanation, or NULL */
};

/* Sets status, exit_code, signal, started/finished/duration_s, record (null when absent),
 * record_error and log_tail of manifest run r from the outcome and the record file. Returns the
 * status. */
const char *run_settle(struct session *S, json_t *r, const struct outcome *o);

/* Checks a record file: 0 present and a valid exabench record (*valid = its "valid" flag), -1 no
 * file, -2 present but not JSON or not of the schema (reason in why). */
int record_check(const char *path, int *valid, char *why, size_t whylen);

/* Before a run's (re)start: kills leftovers of an earlier attempt, adopts a complete record an
 * interrupted attempt left (returns 1: nothing to run), or gives the new attempt a fresh record
 * name when a broken one is in the way (records are never overwritten). Returns 0 to run. */
int run_prepare_attempt(struct session *S, json_t *r);

/* The environment of a run: its own plus EXA_LAUNCHER, EXA_LAUNCH_COMMAND, EXA_HARNESS_RUN. */
struct envlist;
void run_environment(struct session *S, json_t *r, struct envlist *env);

/* Progress: "[7/24] LABEL  41 s  ETA 3m10s" on stderr. final: the run ended with
 * status (prints a plain line). */
void progress_show(struct session *S, json_t *r, double elapsed, const char *status);

int session_save(struct session *S);


/* sbatch executor (launch_slurm.c): runs every pending run of S through batch jobs, one per scale
 * step. dry_run: prints the scripts and submits nothing. Returns 0, or -1 on a Slurm failure. */
int slurm_batch_execute(struct session *S, int dry_run);

#endif
