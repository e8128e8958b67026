/* proctrack-tool: what tests/hardening/orphans.t drives.
 *   proctrack-tool launch [--no-cgroup] RUN TOKEN INFO -- ARGV...
 *       plays the harness: tracks an attempt (proctrack_begin), writes "TAG\nCGROUP\nCHILD-PID\n"
 *       to INFO, starts ARGV as a process group of its own inside the attempt (as proc.c does)
 *       and waits for it; exits with its status
 *   proctrack-tool members TAG [CGROUP]     prints the count, then the pids, of the attempt
 *   proctrack-tool list RUN                 prints the count of processes tagged for RUN
 *   proctrack-tool sweep TAG [CGROUP]       --resume's sweep: kills every process of the attempt
 *       (SIGTERM, 2 s grace, SIGKILL), removes its cgroup; prints the survivors; exit 0 when none
 *   proctrack-tool attempt-create DIR LABEL     attempt_create; prints the attempt file's path
 *   proctrack-tool attempt-abandon PATH WHY     attempt_mark(ABANDONED)
 *   proctrack-tool late-record PATH SECONDS     a benchmark rank that finishes late: sleeps, then
 *       puts a record at PATH.<rank> as exa_record_write will (exa_attempt_commit_begin before the
 *       rename); exit 0 written, 3 refused (the reason on stderr and in PATH.<rank>.refused) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attempt.h"
#include "exa_attempt.h"
#include "proctrack.h"

static int usage(void)
{
    fprintf(stderr, "usage: proctrack-tool launch [--no-cgroup] RUN TOKEN INFO -- ARGV... | members TAG [CGROUP] | "
                    "list RUN | sweep TAG [CGROUP]\n");
    return 2;
}

static int launch(int argc, char **argv)
{
    int i = 2, use_cgroup = 1;
    if (i < argc && !strcmp(argv[i], "--no-cgroup")) {
        use_cgroup = 0;
        i++;
    }
    if (argc - i < 5 || strcmp(argv[i + 3], "--"))
        return usage();
    const char *run = argv[i], *token = argv[i + 1], *info = argv[i + 2];
    char **cmd = argv + i + 4;
    struct proctrack pt;
    char err[512], why[512];
    if (proctrack_begin(&pt, run, token, use_cgroup, err, sizeof err, why, sizeof why) != 0) {
        fprintf(stderr, "proctrack-tool: %s\n", err);
        return 2;
    }
    if (!pt.cgroup[0])
        fprintf(stderr, "proctrack-tool: no cgroup (%s): the marker alone tracks the run\n", why);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        setpgid(0, 0);
        proctrack_child_enter(&pt);
        setenv(pt.env_name, pt.tag, 1);
        execvp(cmd[0], cmd);
        fprintf(stderr, "proctrack-tool: can not start %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    FILE *f = fopen(info, "w");
    if (f) {
        fprintf(f, "%s\n%s\n%ld\n", pt.tag, pt.cgroup, (long)pid);
        fclose(f);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int late_record(const char *path, double seconds)
{
    usleep((useconds_t)(seconds * 1e6));
    const char *rank = getenv("OMPI_COMM_WORLD_RANK");
    char final[4096], tmp[4200];
    snprintf(final, sizeof final, "%s.%s", path, rank ? rank : "0");
    snprintf(tmp, sizeof tmp, "%s.tmp", final);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 1;
    fputs("{\"valid\": true}\n", f);
    fclose(f);
    int lock;
    char why[512];
    if (exa_attempt_commit_begin(&lock, why, sizeof why) != 1) {
        unlink(tmp);
        /* its stderr may be a pipe to a dead mpirun: the reason goes to a file too */
        char note[4300];
        snprintf(note, sizeof note, "%s.refused", final);
        FILE *n = fopen(note, "w");
        if (n) {
            fprintf(n, "%s\n", why);
            fclose(n);
        }
        signal(SIGPIPE, SIG_IGN);
        fprintf(stderr, "late-record: record not written: %s\n", why);
        return 3;
    }
    int rc = rename(tmp, final);
    exa_attempt_commit_end(lock);
    return rc != 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    if (!strcmp(argv[1], "launch"))
        return launch(argc, argv);
    if (!strcmp(argv[1], "late-record") && argc == 4)
        return late_record(argv[2], atof(argv[3]));
    if (!strcmp(argv[1], "attempt-create") && argc == 4) {
        struct attempt a;
        char err[512];
        if (attempt_create(argv[2], argv[3], &a, err, sizeof err) != 0) {
            fprintf(stderr, "proctrack-tool: %s\n", err);
            return 1;
        }
        printf("%s\n", a.path);
        return 0;
    }
    if (!strcmp(argv[1], "attempt-abandon") && argc == 4) {
        char err[512];
        int rc = attempt_mark(argv[2], ATTEMPT_ABANDONED, argv[3], 5.0, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "proctrack-tool: %s\n", err);
        return rc != 0;
    }
    pid_t pids[1024];
    if (!strcmp(argv[1], "list")) {
        int n = proctrack_list(argv[2], NULL, pids, 1024);
        printf("%d\n", n);
        return n < 0;
    }
    struct proctrack pt;
    if (proctrack_attach(&pt, argv[2], argc > 3 ? argv[3] : NULL) != 0) {
        fprintf(stderr, "proctrack-tool: bad tag '%s'\n", argv[2]);
        return 2;
    }
    if (!strcmp(argv[1], "members")) {
        int n = proctrack_members(&pt, pids, 1024);
        printf("%d\n", n);
        for (int i = 0; i < n && i < 1024; i++)
            printf("%ld\n", (long)pids[i]);
        return n < 0;
    }
    if (!strcmp(argv[1], "sweep")) {
        int left = proctrack_kill(&pt, 2.0, 5.0, NULL, 0);
        printf("%d\n", left);
        if (left == 0 && proctrack_end(&pt) != 0)
            fprintf(stderr, "proctrack-tool: the cgroup %s could not be removed\n", pt.cgroup);
        return left != 0;
    }
    return usage();
}
