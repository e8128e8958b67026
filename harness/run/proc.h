/* Starting one run as a process group (fork/exec, never a shell), with its output captured to a log
 * file, a timeout (SIGTERM to the group, SIGKILL after a grace period) and a progress callback. */
#ifndef EXA_HARNESS_PROC_H
#define EXA_HARNESS_PROC_H

#include <sys/types.h>

#include "suite.h"

struct proctrack;

struct proc_result {
    int exited, exit_code;      /* normal exit and its status */
    int signaled, signal;       /* killed by a signal */
    int timed_out;              /* the timeout expired and the group was terminated */
    int interrupted;            /* the harness got SIGINT/SIGTERM and stopped the run */
    int exec_failed;            /* the program could not be started (exit 127, reason in the log) */
    double duration;            /* seconds */
};

struct proc_spec {
    char *const *argv;
    const struct envlist *env;  /* added to the harness's environment */
    const char *cwd;
    const char *log_path;       /* appended to; stdout and stderr both go there */
    double timeout;             /* seconds; <= 0: none */
    double grace;               /* seconds between SIGTERM and SIGKILL */
    const struct proctrack *track; /* the attempt's cgroup, entered by the child before exec; NULL: none */
    void (*started)(void *arg, pid_t pgid);
    void (*tick)(void *arg, double elapsed);
    void *arg;
};

/* Runs spec to completion. Returns 0, or -1 when fork fails. */
int proc_run(const struct proc_spec *spec, struct proc_result *res);

/* Several at once (screening): starts all, waits for all, each with its own timeout. */
int proc_run_all(const struct proc_spec *specs, size_t n, struct proc_result *res);

/* Installs SIGINT/SIGTERM/SIGHUP handlers that make proc_run stop its run and report it as
 * interrupted; proc_interrupted() tells whether one arrived. */
void proc_install_signal_handlers(void);
int proc_interrupted(void);

/* Kills (SIGKILL) the processes left in process group pgid by a previous, killed harness: only
 * those whose environment holds EXA_HARNESS_RUN=token. Returns how many. */
int proc_kill_leftovers(pid_t pgid, const char *token);

/* Runs argv (no shell) and captures its stdout (stderr passes through). Returns its exit status
 * (0..255, 128+signal, 127 when it can not start), or -1 when fork fails; *out is malloc'ed. */
int proc_capture(char *const argv[], char **out);

/* The last max_lines lines (at most ~4 KiB) of a file, or "" (caller frees). */
char *file_tail(const char *path, int max_lines);

#endif
