/* Process groups, timeouts and log capture for runs. */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exa_timer.h"
#include "proctrack.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }

void proc_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int proc_interrupted(void) { return got_signal != 0; }

static pid_t start(const struct proc_spec *sp)
{
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        /* Into the attempt's cgroup before anything else runs: every descendant stays in it. */
        if (sp->track)
            proctrack_child_enter(sp->track);
        /* If the harness dies, its run dies with it (resume then runs it again). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        int fd = open(sp->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
            _exit(127);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) {
            dup2(nul, 0);
            close(nul);
        }
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        if (sp->cwd && chdir(sp->cwd) != 0) {
            fprintf(stderr, "exabench: can not enter %s: %s\n", sp->cwd, strerror(errno));
            _exit(127);
        }
        if (sp->env)
            for (size_t i = 0; i < sp->env->names.n; i++)
                setenv(sp->env->names.v[i], sp->env->values.v[i], 1);
        execvp(sp->argv[0], sp->argv);
        fprintf(stderr, "exabench: can not start %s: %s\n", sp->argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    if (sp->started)
        sp->started(sp->arg, pid);
    return pid;
}

struct slot {
    pid_t pid;
    double t0, term_at;
    int done, termed, killed;
};

static void finish(struct slot *sl, int status, struct proc_result *res)
{
    res->duration = exa_now() - sl->t0;
    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signaled = 1;
        res->signal = WTERMSIG(status);
    }
    /* Whatever the leader left behind in its group goes too. */
    kill(-sl->pid, SIGKILL);
    sl->done = 1;
}

int proc_run_all(const struct proc_spec *specs, size_t n, struct proc_result *res)
{
    struct slot *sl = calloc(n, sizeof *sl);
    for (size_t i = 0; i < n; i++) {
        memset(&res[i], 0, sizeof res[i]);
        sl[i].t0 = exa_now();
        sl[i].pid = start(&specs[i]);
        if (sl[i].pid < 0) {
            for (size_t j = 0; j < i; j++)
                kill(-sl[j].pid, SIGKILL);
            free(sl);
            return -1;
        }
    }
    size_t left = n;
    double last_tick = exa_now();
    while (left > 0) {
        for (size_t i = 0; i < n; i++) {
            if (sl[i].done)
                continue;
            int status;
            pid_t w = waitpid(sl[i].pid, &status, WNOHANG);
            if (w == sl[i].pid) {
                finish(&sl[i], status, &res[i]);
                left--;
                continue;
            }
            double now = exa_now(), el = now - sl[i].t0;
            if (!sl[i].termed && (got_signal || (specs[i].timeout > 0 && el > specs[i].timeout))) {
                if (got_signal)
                    res[i].interrupted = 1;
                else
                    res[i].timed_out = 1;
                kill(-sl[i].pid, SIGTERM);
                sl[i].termed = 1;
                sl[i].term_at = now;
            } else if (sl[i].termed && !sl[i].killed && now - sl[i].term_at > specs[i].grace) {
                kill(-sl[i].pid, SIGKILL);
                sl[i].killed = 1;
            }
        }
        /* Orphans of the run re-parented to the harness (a subreaper): reaped, not left as zombies. */
        pid_t keep[64];
        size_t nkeep = 0;
        for (size_t i = 0; i < n && nkeep < 64; i++)
            if (!sl[i].done)
                keep[nkeep++] = sl[i].pid;
        if (left <= 64)
            proctrack_reap(keep, nkeep);
        double now = exa_now();
        if (now - last_tick >= 1.0) {
            last_tick = now;
            for (size_t i = 0; i < n; i++)
                if (!sl[i].done && specs[i].tick)
                    specs[i].tick(specs[i].arg, now - sl[i].t0);
        }
        if (left > 0) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (res[i].exited && res[i].exit_code == 127 && res[i].duration < 5) {
            char *tail = file_tail(specs[i].log_path, 3);
            if (strstr(tail, "exabench: can not start"))
                res[i].exec_failed = 1;
            free(tail);
        }
    free(sl);
    return 0;
}

int proc_run(const struct proc_spec *spec, struct proc_result *res)
{
    return proc_run_all(spec, 1, res);
}

int proc_kill_leftovers(pid_t pgid, const char *token)
{
    if (pgid <= 1)
        return 0;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    char want[512];
    snprintf(want, sizeof want, "EXA_HARNESS_RUN=%s", token);
    int killed = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 1)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        char buf[1024];
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = 0;
        char *rp = strrchr(buf, ')');
        long pgrp = 0;
        char state;
        long ppid;
        if (!rp || sscanf(rp + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3 || pgrp != pgid)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/environ", pid);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        static char env[1 << 16];
        ssize_t n = read(fd, env, sizeof env - 1);
        close(fd);
        if (n <= 0)
            continue;
        int match = 0;
        for (ssize_t i = 0; i < n; i += (ssize_t)strlen(env + i) + 1) {
            env[n] = 0;
            if (!strcmp(env + i, want))
                match = 1;
        }
        if (match && kill((pid_t)pid, SIGKILL) == 0)
            killed++;
    }
    closedir(d);
    return killed;
}

char *file_tail(const char *path, int max_lines)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    const long cap = 4096;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > cap ? size - cap : 0;
    fseek(f, from, SEEK_SET);
    char *buf = calloc(1, (size_t)cap + 1);
    size_t got = fread(buf, 1, (size_t)cap, f);
    fclose(f);
    buf[got] = 0;
    /* Text only: replace NULs and other control bytes (garbage output stays readable JSON). */
    for (size_t i = 0; i < got; i++)
        if ((unsigned char)buf[i] < 32 && buf[i] != '\n' && buf[i] != '\t')
            buf[i] = '?';
    size_t len = got;
    while (len && buf[len - 1] == '\n')
        buf[--len] = 0;
    int lines = 0;
    char *start = buf;
    for (size_t i = len; i > 0; i--)
        if (buf[i - 1] == '\n' && ++lines == max_lines) {
            start = buf + i;
            break;
        }
    if (start == buf && from > 0) {
        char *nl = strchr(buf, '\n');
        if (nl)
            start = nl + 1;
    }
    char *out = strdup(start);
    free(buf);
    /* Invalid UTF-8 would make jansson refuse the string: keep ASCII, mark the rest. */
    for (char *p = out; *p; p++)
        if ((unsigned char)*p >= 128)
            *p = '?';
    return out;
}

int proc_capture(char *const argv[], char **out)
{
    int fds[2];
    *out = NULL;
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        close(fds[1]);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) {
            dup2(nul, 0);
            close(nul);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "exabench: can not start %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1024 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t n = read(fds[0], buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = 0;
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *out = buf;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
