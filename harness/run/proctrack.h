/* Tracking every process a run starts, so that none outlives it (issue 14, part 1).
 *
 * A process group is not enough: Open MPI 4.1 puts each rank in a process group of its own, and a
 * rank may call setsid() or double-fork. So each attempt gets two independent nets:
 *
 *   1. a marker in the environment, EXA_RUN_TAG=<run-id>:<attempt token>, inherited by every
 *      process the attempt starts (mpirun passes its environment to its local ranks). A sweep
 *      finds them by reading /proc/<pid>/environ (processes of our own uid; root reads all). This
 *      works after the harness itself was killed, which is what --resume needs. It misses only a
 *      process that re-execs itself with a scrubbed environment.
 *   2. a cgroup v2 per attempt when the machine allows it (a writable cgroup2 mount, where the
 *      harness may create a child of its own cgroup and move a process into it): every
 *      descendant stays in it whatever it does, and cgroup.kill ends them all at once. Detected
 *      at proctrack_begin; without it the marker alone is used.
 *
 * Besides, proctrack_harness_init makes the harness a child subreaper (PR_SET_CHILD_SUBREAPER):
 * an orphaned rank is re-parented to the harness rather than to init while the harness lives,
 * so the harness can reap it (proctrack_reap).
 *
 * Where the calls go:
 *   proctrack_harness_init   once, at the start of `exabench run` (cmd_run, next to
 *                            proc_install_signal_handlers).
 *   proctrack_begin          per attempt, after attempt_create and before proc_run; add
 *                            pt.env_name=pt.tag to the run's env (run_environment) and store
 *                            pt.tag and pt.cgroup in the manifest's run entry ("proc_tag",
 *                            "proc_cgroup") in place of today's "pgid", so that --resume finds them.
 *   proctrack_child_enter    in proc.c's start(), in the forked child right after setpgid(0,0),
 *                            before exec (async-signal-safe). Needs the struct in the child: pass
 *                            it through proc_spec (a new `const struct proctrack *track` member).
 *   proctrack_kill           when proc_run returns (always: a clean exit may still leave a
 *                            daemonised rank), on timeout/interrupt in place of kill(-pgid) as the
 *                            last step, and in run_prepare_attempt on --resume (with
 *                            proctrack_attach from the manifest's proc_tag/proc_cgroup) in place of
 *                            proc_kill_leftovers.
 *   proctrack_list           before a new run starts: refuse (or ask for --force) while processes
 *                            of any earlier exabench run live (run_id NULL, token NULL), naming them;
 *                            for --resume: of that run (run_id given).
 *   proctrack_reap           in proc_run_all's polling loop and after proctrack_kill, passing the
 *                            pids proc.c still waits for as keep.
 *   proctrack_end            after proctrack_kill returned 0 survivors: removes the cgroup. */
#ifndef EXA_HARNESS_PROCTRACK_H
#define EXA_HARNESS_PROCTRACK_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define PROCTRACK_ENV "EXA_RUN_TAG"
#define PROCTRACK_TAG_MAX 256

struct proctrack {
    char tag[PROCTRACK_TAG_MAX];   /* "<run-id>:<token>": the value of EXA_RUN_TAG */
    const char *env_name;          /* PROCTRACK_ENV */
    char cgroup[PATH_MAX];         /* the attempt's cgroup v2 folder, "" when there is none */
    int cgroup_fd;                 /* its cgroup.procs, open for writing (child_enter); -1 none */
};

/* Makes the calling process (the harness) a child subreaper. Returns 0 or -1 (errno). */
int proctrack_harness_init(void);

/* Starts tracking an attempt: fills pt->tag from run_id and token (each [A-Za-z0-9._-], the
 * tag at most PROCTRACK_TAG_MAX-1), and when cgroups allow (see proctrack_cgroup_available) creates
 * the cgroup "exabench-<run-id>-<token>" under the harness's own cgroup and checks that a
 * process can be moved into it. use_cgroup 0 skips the cgroup. Returns 0 (the cgroup, if any, is in
 * pt->cgroup), or -1 with the reason in err (a bad run id or token). Not having a cgroup is not
 * an error; *why_no_cgroup (may be NULL) tells why there is none. */
int proctrack_begin(struct proctrack *pt, const char *run_id, const char *token, int use_cgroup, char *err,
                    size_t errlen, char *why_no_cgroup, size_t whylen);

/* Rebuilds a proctrack from what the manifest kept (tag; cgroup path or NULL/""), for --resume.
 * A cgroup path is used only when it is a folder of a cgroup2 mount whose name starts with
 * "exabench-". Returns 0 or -1 (bad tag). */
int proctrack_attach(struct proctrack *pt, const char *tag, const char *cgroup);

/* In the forked child before exec: moves the child into the attempt's cgroup. Async-signal-safe
 * (write(2) only). Returns 0, or -1 when there is no cgroup or the move failed (the marker still
 * applies: not a reason to stop the launch). */
int proctrack_child_enter(const struct proctrack *pt);

/* Lists the live processes of an attempt (pt), excluding the caller and its ancestors, zombies:
 * the union of the cgroup's members and of the processes whose environment carries the tag.
 * Writes at most cap pids to out; returns how many there are (may exceed cap), -1 on error. */
int proctrack_members(const struct proctrack *pt, pid_t *out, size_t cap);

/* Lists live processes whose EXA_RUN_TAG is for run_id (any token when token is NULL; any
 * exabench run at all when run_id is NULL too). Same conventions as proctrack_members. */
int proctrack_list(const char *run_id, const char *token, pid_t *out, size_t cap);

/* Lists live processes of any attempt of the run folder run_dir: those whose EXA_ATTEMPT_FILE
 * (attempt.h) lies in run_dir/attempts/ (as given, or resolved), whatever their run id. For
 * --resume ("stop what an earlier session of this folder left running") and for a report that
 * refuses a folder whose runs are still going. Same conventions as proctrack_members. */
int proctrack_list_in_dir(const char *run_dir, pid_t *out, size_t cap);

/* Ends every process of the attempt: SIGTERM to all, then up to grace_s seconds for them to go,
 * SIGKILL (cgroup.kill when there is a cgroup) to what is left, repeated (catching processes
 * forked meanwhile) until none is left or wait_s more seconds passed. Zombies left to the caller
 * (children of the harness) are reaped (except keep[]). Returns how many survive (0: all gone). */
int proctrack_kill(const struct proctrack *pt, double grace_s, double wait_s, const pid_t *keep, size_t nkeep);

/* Reaps zombie children of the caller (orphans re-parented to the subreaper), except those in
 * keep[] (the children proc.c waits for itself). Returns how many were reaped. */
int proctrack_reap(const pid_t *keep, size_t nkeep);

/* Removes the attempt's cgroup when it is empty. Returns 0, or -1 when it still has processes. */
int proctrack_end(struct proctrack *pt);

/* Whether cgroup v2 tracking is possible for this process: finds the cgroup2 mount and the
 * process's own cgroup in it, and tries to create (and remove) a child. Returns 1 with the
 * folder under which attempt cgroups go in base, else 0 with the reason in why. */
int proctrack_cgroup_available(char *base, size_t baselen, char *why, size_t whylen);

/* Does the environment of pid carry EXA_RUN_TAG matching (run_id, token) (NULL: any)? 1 yes,
 * 0 no, -1 unreadable (gone, or another user's). */
int proctrack_pid_has_tag(pid_t pid, const char *run_id, const char *token);

/* "pid 1234 exa-hpl (run 20261125T110312Z-host:0003-hpl.1f2e...)" for messages such as
 * "exabench: error: processes of an earlier run still live: ...; stop them or pass --force".
 * Returns buf. */
const char *proctrack_describe(pid_t pid, char *buf, size_t len);

#endif
