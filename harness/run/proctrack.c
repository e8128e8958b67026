/* Tracking the processes of a run: environment marker, cgroup v2 when available, subreaper.
 * See proctrack.h. */
#include "proctrack.h"
#include "proctrack_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ---------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int word_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (!n || n > max || s[0] == '.' || s[0] == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

int pt_in_list(pid_t p, const pid_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == p)
            return 1;
    return 0;
}

/* State and parent of pid from /proc/<pid>/stat; 0, or -1 when it is gone. */
int pt_proc_stat(pid_t pid, char *state, pid_t *ppid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *rp = strrchr(buf, ')');
    long pp = 0;
    char st = '?';
    if (!rp || sscanf(rp + 1, " %c %ld", &st, &pp) != 2)
        return -1;
    if (state)
        *state = st;
    if (ppid)
        *ppid = (pid_t)pp;
    return 0;
}

int pt_alive(pid_t pid)
{
    char st;
    if (pt_proc_stat(pid, &st, NULL) != 0)
        return 0;
    return st != 'Z' && st != 'X' && st != 'x';
}

/* ---- the environment marker ------------------------------------------------------------------- */

static int tag_matches(const char *value, const char *run_id, const char *token)
{
    if (!run_id)
        return token ? 0 : 1;
    size_t n = strlen(run_id);
    if (strncmp(value, run_id, n) || value[n] != ':')
        return 0;
    return !token || !strcmp(value + n + 1, token);
}

/* The environment of pid (malloc'ed, entries NUL-separated, *len bytes), or NULL when unreadable. */
char *pt_read_environ(pid_t pid, size_t *len_out)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return NULL;
    }
    for (;;) {
        if (len == cap) {
            if (cap >= (8u << 20))
                break;  /* an environment this large is not ours to read further */
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = 0;
    *len_out = len;
    return buf;
}

/* What a sweep looks for: a tag (run id and token, NULL: any), or attempt files under folders. */
struct matcher {
    const char *run_id, *token;
    const char *dirs[2];   /* "<run folder>/attempts/" prefixes of EXA_ATTEMPT_FILE; NULL: by tag */
};

static int env_matches(const char *buf, size_t len, const struct matcher *m)
{
    static const char key[] = PROCTRACK_ENV "=";
    static const char akey[] = "EXA_ATTEMPT_FILE=";
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
        const char *e = buf + i;
        if (!m->dirs[0]) {
            if (!strncmp(e, key, sizeof key - 1) && tag_matches(e + sizeof key - 1, m->run_id, m->token))
                return 1;
        } else if (!strncmp(e, akey, sizeof akey - 1)) {
            for (int k = 0; k < 2; k++)
                if (m->dirs[k] && !strncmp(e + sizeof akey - 1, m->dirs[k], strlen(m->dirs[k])))
                    return 1;
        }
    }
    return 0;
}

static int pid_matches(pid_t pid, const struct matcher *m)
{
    size_t len = 0;
    char *buf = pt_read_environ(pid, &len);
    if (!buf)
        return -1;
    int found = env_matches(buf, len, m);
    free(buf);
    return found;
}

int proctrack_pid_has_tag(pid_t pid, const char *run_id, const char *token)
{
    struct matcher m = {run_id, token, {NULL, NULL}};
    return pid_matches(pid, &m);
}

/* Adds pid to out (no duplicates); count goes on past cap. */
static void add_pid(pid_t pid, pid_t *out, size_t cap, int *count)
{
    size_t have = (size_t)*count < cap ? (size_t)*count : cap;
    if (pt_in_list(pid, out, have))
        return;
    if ((size_t)*count < cap)
        out[*count] = pid;
    (*count)++;
}

/* Processes of the cgroup folder cg (live, not the caller). */
static void cgroup_members(const char *cg, pid_t *out, size_t cap, int *count)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cgroup.procs", cg);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    long p;
    while (fscanf(f, "%ld", &p) == 1)
        if (p > 1 && (pid_t)p != getpid() && pt_alive((pid_t)p))
            add_pid((pid_t)p, out, cap, count);
    fclose(f);
}

/* The caller and its ancestors: never members, even when the harness itself was started from a
 * tagged environment (an exabench run inside another run's batch step). */
static size_t ancestors(pid_t *v, size_t cap)
{
    size_t n = 0;
    pid_t p = getpid();
    while (p > 1 && n < cap) {
        v[n++] = p;
        pid_t pp;
        if (pt_proc_stat(p, NULL, &pp) != 0 || pp == p)
            break;
        p = pp;
    }
    return n;
}

static int scan(const struct matcher *m, pid_t *out, size_t cap, int *count)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    pid_t anc[64];
    size_t nanc = ancestors(anc, 64);
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 1 || pt_in_list((pid_t)pid, anc, nanc))
            continue;
        if (pid_matches((pid_t)pid, m) == 1 && pt_alive((pid_t)pid))
            add_pid((pid_t)pid, out, cap, count);
    }
    closedir(d);
    return 0;
}

/* Splits "<run-id>:<token>". */
static int split_tag(const char *tag, char *run_id, size_t rl, const char **token)
{
    const char *c = strchr(tag, ':');
    if (!c || (size_t)(c - tag) >= rl)
        return -1;
    memcpy(run_id, tag, (size_t)(c - tag));
    run_id[c - tag] = 0;
    *token = c + 1;
    return 0;
}

int proctrack_members(const struct proctrack *pt, pid_t *out, size_t cap)
{
    int count = 0;
    char run_id[PROCTRACK_TAG_MAX];
    const char *token;
    if (split_tag(pt->tag, run_id, sizeof run_id, &token) != 0)
        return -1;
    if (pt->cgroup[0])
        cgroup_members(pt->cgroup, out, cap, &count);
    struct matcher m = {run_id, token, {NULL, NULL}};
    if (scan(&m, out, cap, &count) != 0 && !pt->cgroup[0])
        return -1;
    return count;
}

int proctrack_list(const char *run_id, const char *token, pid_t *out, size_t cap)
{
    int count = 0;
    struct matcher m = {run_id, token, {NULL, NULL}};
    if (scan(&m, out, cap, &count) != 0)
        return -1;
    return count;
}

int proctrack_list_in_dir(const char *run_dir, pid_t *out, size_t cap)
{
    char given[PATH_MAX + 16], real[PATH_MAX], resolved[PATH_MAX + 16];
    size_t n = strlen(run_dir);
    while (n > 1 && run_dir[n - 1] == '/')
        n--;
    if (n >= PATH_MAX)
        return -1;
    snprintf(given, sizeof given, "%.*s/attempts/", (int)n, run_dir);
    struct matcher m = {NULL, NULL, {given, NULL}};
    if (realpath(run_dir, real)) {
        snprintf(resolved, sizeof resolved, "%s/attempts/", real);
        if (strcmp(resolved, given))
            m.dirs[1] = resolved;
    }
    int count = 0;
    if (scan(&m, out, cap, &count) != 0)
        return -1;
    return count;
}

/* ---- cgroup v2 -------------------------------------------------------------------------------- */

/* The mount point of the first cgroup2 file system. */
static int cgroup2_mount(char *out, size_t len)
{
    FILE *f = fopen("/proc/self/mounts", "re");
    if (!f)
        return -1;
    char dev[256], dir[PATH_MAX], type[64];
    int found = -1;
    char line[PATH_MAX + 512];
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%255s %4095s %63s", dev, dir, type) == 3 && !strcmp(type, "cgroup2")) {
            snprintf(out, len, "%s", dir);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

int proctrack_cgroup_available(char *base, size_t baselen, char *why, size_t whylen)
{
    char mnt[PATH_MAX];
    if (cgroup2_mount(mnt, sizeof mnt) != 0) {
        snprintf(why, whylen, "no cgroup2 file system is mounted");
        return 0;
    }
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f) {
        snprintf(why, whylen, "/proc/self/cgroup: %s", strerror(errno));
        return 0;
    }
    char line[PATH_MAX + 64], own[PATH_MAX] = "";
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "0::", 3)) {
            line[strcspn(line, "\n")] = 0;
            snprintf(own, sizeof own, "%s", line + 3);
        }
    fclose(f);
    if (!own[0] || own[0] != '/' || strstr(own, "/..")) {
        snprintf(why, whylen, "this process has no usable cgroup v2 path (\"%s\")", own);
        return 0;
    }
    snprintf(base, baselen, "%s%s", mnt, strcmp(own, "/") ? own : "");
    char probe[PATH_MAX + 64];
    snprintf(probe, sizeof probe, "%s/exabench-probe-%ld", base, (long)getpid());
    if (mkdir(probe, 0755) != 0) {
        snprintf(why, whylen, "can not create a cgroup under %s: %s", base, strerror(errno));
        return 0;
    }
    char procs[PATH_MAX + 96];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", probe);
    struct stat st;
    int ok = stat(procs, &st) == 0;  /* a plain folder (not a cgroup) has no cgroup.procs */
    rmdir(probe);
    if (!ok) {
        snprintf(why, whylen, "%s is not a cgroup v2 folder", base);
        return 0;
    }
    return 1;
}

/* Can a process be moved into cg? A short-lived child tries. */
static int probe_move(int procs_fd)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0)
        _exit(write(procs_fd, "0\n", 2) == 2 ? 0 : 1);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int proctrack_begin(struct proctrack *pt, const char *run_id, const char *token, int use_cgroup, char *err,
                    size_t errlen, char *why_no_cgroup, size_t whylen)
{
    memset(pt, 0, sizeof *pt);
    pt->cgroup_fd = -1;
    pt->env_name = PROCTRACK_ENV;
    if (why_no_cgroup && whylen)
        why_no_cgroup[0] = 0;
    if (!run_id || !token || !word_ok(run_id, 128) || !word_ok(token, 160)) {
        snprintf(err, errlen, "run id \"%.60s\" or attempt token \"%.60s\" is not [A-Za-z0-9._-]", run_id ? run_id : "",
                 token ? token : "");
        return -1;
    }
    snprintf(pt->tag, sizeof pt->tag, "%s:%s", run_id, token);
    char why[512] = "cgroups not asked for";
    char base[PATH_MAX];
    if (use_cgroup && proctrack_cgroup_available(base, sizeof base, why, sizeof why)) {
        char cg[PATH_MAX];
        int n = snprintf(cg, sizeof cg, "%s/exabench-%s-%s", base, run_id, token);
        if (n <= 0 || (size_t)n >= sizeof cg || n >= PATH_MAX - 32) {
            snprintf(why, sizeof why, "the cgroup path would be too long");
        } else if (mkdir(cg, 0755) != 0) {
            snprintf(why, sizeof why, "can not create %s: %s", cg, strerror(errno));
        } else {
            char procs[PATH_MAX + 32];
            snprintf(procs, sizeof procs, "%s/cgroup.procs", cg);
            int fd = open(procs, O_WRONLY | O_CLOEXEC);
            if (fd >= 0 && probe_move(fd)) {
                snprintf(pt->cgroup, sizeof pt->cgroup, "%s", cg);
                pt->cgroup_fd = fd;
                why[0] = 0;
            } else {
                snprintf(why, sizeof why, "can not move a process into %s", cg);
                if (fd >= 0)
                    close(fd);
                rmdir(cg);
            }
        }
    }
    if (why_no_cgroup && whylen)
        snprintf(why_no_cgroup, whylen, "%s", why);
    return 0;
}

int proctrack_attach(struct proctrack *pt, const char *tag, const char *cgroup)
{
    memset(pt, 0, sizeof *pt);
    pt->cgroup_fd = -1;
    pt->env_name = PROCTRACK_ENV;
    char run_id[PROCTRACK_TAG_MAX];
    const char *token;
    if (!tag || strlen(tag) >= sizeof pt->tag || split_tag(tag, run_id, sizeof run_id, &token) != 0 ||
        !word_ok(run_id, 128) || !word_ok(token, 160))
        return -1;
    snprintf(pt->tag, sizeof pt->tag, "%s", tag);
    if (cgroup && *cgroup) {
        char mnt[PATH_MAX];
        const char *name = strrchr(cgroup, '/');
        size_t ml;
        struct stat st;
        char procs[PATH_MAX + 32];
        snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup);
        if (cgroup2_mount(mnt, sizeof mnt) == 0 && (ml = strlen(mnt)) && !strncmp(cgroup, mnt, ml) &&
            cgroup[ml] == '/' && !strstr(cgroup, "/..") && name && !strncmp(name + 1, "exabench-", 9) &&
            stat(procs, &st) == 0 && strlen(cgroup) < sizeof pt->cgroup)
            snprintf(pt->cgroup, sizeof pt->cgroup, "%s", cgroup);
    }
    return 0;
}

int proctrack_child_enter(const struct proctrack *pt)
{
    if (!pt || pt->cgroup_fd < 0)
        return -1;
    return write(pt->cgroup_fd, "0\n", 2) == 2 ? 0 : -1;
}

int proctrack_end(struct proctrack *pt)
{
    if (!pt->cgroup[0]) {
        if (pt->cgroup_fd >= 0)
            close(pt->cgroup_fd);
        pt->cgroup_fd = -1;
        return 0;
    }
    /* A cgroup is removable once its last process has exited, even before that one is reaped. */
    for (int i = 0; i < 50; i++) {
        if (rmdir(pt->cgroup) == 0 || errno == ENOENT) {
            if (pt->cgroup_fd >= 0)
                close(pt->cgroup_fd);
            pt->cgroup_fd = -1;
            pt->cgroup[0] = 0;
            return 0;
        }
        if (errno != EBUSY)
            break;
        sleep_s(0.02);
    }
    return -1;
}

/* ---- killing ---------------------------------------------------------------------------------- */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Signals pid only if it still carries the tag (a pid reused meanwhile is left alone): the pidfd
 * pins the process between the check and the signal. */
static void signal_member(const struct proctrack *pt, const char *run_id, const char *token, pid_t pid, int sig,
                          int in_cgroup)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0) {
        if (errno == ESRCH)
            return;
        if (in_cgroup || proctrack_pid_has_tag(pid, run_id, token) == 1)
            kill(pid, sig);
        return;
    }
    if (in_cgroup || proctrack_pid_has_tag(pid, run_id, token) == 1)
        syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
    close(pfd);
    (void)pt;
}

static int in_cgroup_of(const struct proctrack *pt, pid_t pid)
{
    if (!pt->cgroup[0])
        return 0;
    char path[64], line[PATH_MAX + 64];
    snprintf(path, sizeof path, "/proc/%ld/cgroup", (long)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    int yes = 0;
    char mnt[PATH_MAX];
    if (cgroup2_mount(mnt, sizeof mnt) == 0)
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "0::", 3)) {
                line[strcspn(line, "\n")] = 0;
                char full[2 * PATH_MAX + 8];
                snprintf(full, sizeof full, "%s%s", mnt, line + 3);
                yes = !strcmp(full, pt->cgroup);
            }
    fclose(f);
    return yes;
}

int proctrack_kill(const struct proctrack *pt, double grace_s, double wait_s, const pid_t *keep, size_t nkeep)
{
    char run_id[PROCTRACK_TAG_MAX];
    const char *token;
    if (split_tag(pt->tag, run_id, sizeof run_id, &token) != 0)
        return -1;
    enum { CAP = 4096 };
    pid_t *pids = malloc(CAP * sizeof *pids);
    pid_t *termed = malloc(CAP * sizeof *termed);
    if (!pids || !termed) {
        free(pids);
        free(termed);
        return -1;
    }
    size_t nterm = 0;
    double t0 = now_s();
    int left = 0;
    int killing = grace_s <= 0;
    for (;;) {
        int n = proctrack_members(pt, pids, CAP);
        if (n < 0)
            n = 0;
        left = n;
        if (n == 0)
            break;
        double el = now_s() - t0;
        if (!killing && el >= grace_s)
            killing = 1;
        if (killing && el >= (grace_s > 0 ? grace_s : 0) + wait_s)
            break;
        if (killing) {
            if (pt->cgroup[0]) {
                char path[PATH_MAX + 32];
                snprintf(path, sizeof path, "%s/cgroup.kill", pt->cgroup);
                int fd = open(path, O_WRONLY | O_CLOEXEC);
                if (fd >= 0) {
                    if (write(fd, "1", 1) != 1) {
                        /* an older kernel without cgroup.kill: the signals below do it */
                    }
                    close(fd);
                }
            }
            for (int i = 0; i < n && i < CAP; i++)
                signal_member(pt, run_id, token, pids[i], SIGKILL, in_cgroup_of(pt, pids[i]));
        } else {
            for (int i = 0; i < n && i < CAP; i++)
                if (!pt_in_list(pids[i], termed, nterm)) {
                    signal_member(pt, run_id, token, pids[i], SIGTERM, in_cgroup_of(pt, pids[i]));
                    if (nterm < CAP)
                        termed[nterm++] = pids[i];
                }
        }
        proctrack_reap(keep, nkeep);
        sleep_s(0.02);
    }
    proctrack_reap(keep, nkeep);
    free(pids);
    free(termed);
    return left;
}
