/* Attempt tokens, the harness's side (issue 14, part 2; the benchmark's side is
 * benchmarks/common/exa_attempt.h, whose comment explains the protocol).
 *
 * One attempt = one launch of one run. Before launching, the harness creates
 * <run folder>/attempts/<token> holding "live" and passes its path in EXA_ATTEMPT_FILE (and the
 * token in EXA_RUN_TAG, see proctrack.h). When it kills, times out or gives up the attempt, it
 * marks the file "abandoned: WHY" under an exclusive lock; once it settled the attempt's outcome
 * normally, "finished". A benchmark rank that outlives its attempt then refuses to write its record.
 *
 * Where the calls go (run.c run_sequential; launch_slurm.c for batch jobs):
 *   attempt_create   after run_prepare_attempt decided to launch, before proc_run: add
 *                    EXA_ATTEMPT_FILE=a.path to the run's env (run_environment) and keep a.token
 *                    for proctrack_begin. Batch mode: one per run when the script is written,
 *                    exported in the run's subshell like the other env entries.
 *   attempt_mark     ATTEMPT_ABANDONED when proc_run reports timed_out or interrupted, before and
 *                    (when it returned 1) again after proctrack_kill; ATTEMPT_FINISHED after
 *                    run_settle. --resume: every attempt of the manifest still "live" is marked
 *                    abandoned ("harness gone") before its leftover processes are swept.
 *   attempt_state    --resume and run_prepare_attempt, to tell a record written by a live attempt
 *                    from one that must not be adopted. */
#ifndef EXA_HARNESS_ATTEMPT_H
#define EXA_HARNESS_ATTEMPT_H

#include <limits.h>
#include <stddef.h>

#define ATTEMPT_DIR "attempts"
#define ATTEMPT_TOKEN_MAX 160

enum attempt_state { ATTEMPT_MISSING = 0, ATTEMPT_LIVE = 1, ATTEMPT_ABANDONED = 2, ATTEMPT_FINISHED = 3,
                     ATTEMPT_UNKNOWN = 4 };

struct attempt {
    char token[ATTEMPT_TOKEN_MAX];   /* "<label>.<16 hex digits>", a file name */
    char path[PATH_MAX];             /* <run folder>/attempts/<token>: EXA_ATTEMPT_FILE */
};

/* Creates run_dir/attempts/ (0755) when needed and a new attempt file in it, state "live".
 * label: the run's id ("0003-hpl-n20000"), [A-Za-z0-9._-], at most 100 characters; a random
 * suffix makes the token unique. Returns 0, or -1 with the reason in err. */
int attempt_create(const char *run_dir, const char *label, struct attempt *a, char *err, size_t errlen);

/* Sets the state of the attempt file at path to ATTEMPT_ABANDONED or ATTEMPT_FINISHED, with why
 * on the same line ("abandoned: timeout after 600 s"). Takes an exclusive lock, waiting at most
 * lock_wait_s seconds for a benchmark that is putting its record in place. Returns 0 when
 * marked; 1 when the lock could not be had in time (not marked: kill the attempt's processes,
 * whose locks die with them, and call again); -1 on error (err). A missing file is marked by
 * nothing and returns 0 (already given up). */
int attempt_mark(const char *path, enum attempt_state st, const char *why, double lock_wait_s, char *err,
                 size_t errlen);

/* The state of the attempt file at path; the rest of its first line goes to detail. */
enum attempt_state attempt_state(const char *path, char *detail, size_t len);
const char *attempt_state_name(enum attempt_state st);

#endif
