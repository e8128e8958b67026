/* The state of one `exabench run` (or screen) session, shared by the executors (exec_*.c), run.c
 * and screen.c. */
#ifndef EXA_HARNESS_SESSION_H
#define EXA_HARNESS_SESSION_H

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

/* Outcome of a run from its exit, its signal and its record (see exabench-run(1), the run statuses). */
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
/* Points run r at a new record name (records/<id>.a<K>.json, in its command too), the old name rec
 * kept in "previous_records": records are never overwritten. */
void run_fresh_record(struct session *S, json_t *r, const char *rec);

/* The environment of a run: its own plus EXA_LAUNCHER, EXA_LAUNCH_COMMAND, EXA_HARNESS_RUN. */
struct envlist;
void run_environment(struct session *S, json_t *r, struct envlist *env);

/* Progress: "[7/24] LABEL  41 s  ETA 3m10s" on stderr. final: the run ended with
 * status (prints a plain line). */
void progress_show(struct session *S, json_t *r, double elapsed, const char *status);

int session_save(struct session *S);
/* Seconds as "41 s", "3m10s" or "2h05m". */
void session_fmt_secs(char *buf, size_t len, double s);


/* Runs every pending run of S in plan order, one after another (the local and srun executors).
 * Returns 0, or -1 when a process can not be started. */
int session_run_each(struct session *S);
/* --dry-run of the one-after-another executors: each run's id and command line on stdout. */
int session_print_commands(struct session *S);

#endif
