/* Machine load before a local run: who else uses the CPUs. See loadcheck.h. */
#include "loadcheck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proctrack.h"

struct pstat {
    pid_t pid;
    unsigned long long ticks;   /* utime + stime */
    char state;
    char comm[32];
    int own;
};

static int read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return 0;
}

static int read_pstat(pid_t pid, struct pstat *p)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if (read_small(path, buf, sizeof buf) != 0)
        return -1;
    char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
    if (!lp || !rp || rp < lp)
        return -1;
    size_t cn = (size_t)(rp - lp - 1);
    if (cn >= sizeof p->comm)
        cn = sizeof p->comm - 1;
    memcpy(p->comm, lp + 1, cn);
    p->comm[cn] = 0;
    for (char *c = p->comm; *c; c++)
        if ((unsigned char)*c < 32 || (unsigned char)*c >= 127 || *c == '"' || *c == '\\')
            *c = '?';
    /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    unsigned long long ut = 0, st = 0;
    char s = '?';
    if (sscanf(rp + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &s, &ut, &st) != 3)
        return -1;
    p->pid = pid;
    p->state = s;
    p->ticks = ut + st;
    return 0;
}

/* All processes (threads are folded into their process by /proc/<pid>/stat). */
static struct pstat *snapshot(size_t *n)
{
    DIR *d = opendir("/proc");
    if (!d)
        return NULL;
    size_t cap = 512, k = 0;
    struct pstat *v = malloc(cap * sizeof *v);
    struct dirent *de;
    while (v && (de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        if (k == cap) {
            struct pstat *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        if (read_pstat((pid_t)pid, &v[k]) == 0)
            v[k++].own = 0;
    }
    closedir(d);
    *n = k;
    return v;
}

static int cpu_times(unsigned long long *total, unsigned long long *idle)
{
    char buf[1024];
    if (read_small("/proc/stat", buf, sizeof buf) != 0)
        return -1;
    unsigned long long f[10] = {0};
    if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3], &f[4],
               &f[5], &f[6], &f[7], &f[8], &f[9]) < 4)
        return -1;
    /* guest and guest_nice (8, 9) are already counted in user and nice */
    *total = f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
    *idle = f[3] + f[4];
    return 0;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int is_own(pid_t pid, const struct load_options *o)
{
    if (pid == getpid())
        return 1;
    for (size_t i = 0; i < o->n_own_pids; i++)
        if (o->own_pids[i] == pid)
            return 1;
    return o->own_run_id && proctrack_pid_has_tag(pid, o->own_run_id, NULL) == 1;
}

int load_sample_take(struct load_sample *s, const struct load_options *opt)
{
    struct load_options dflt = {0};
    const struct load_options *o = opt ? opt : &dflt;
    memset(s, 0, sizeof *s);
    double window = o->window_s > 0 ? o->window_s : LOAD_DEFAULT_WINDOW_S;
    s->threshold = o->threshold > 0 ? o->threshold : LOAD_DEFAULT_THRESHOLD;
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    s->cores = nc > 0 ? (int)nc : 1;
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;

    unsigned long long tot0, idle0, tot1, idle1;
    if (cpu_times(&tot0, &idle0) != 0)
        return -1;
    size_t n0 = 0, n1 = 0;
    struct pstat *a = snapshot(&n0);
    if (!a)
        return -1;
    double t0 = mono();
    struct timespec ts = {(time_t)window, (long)((window - floor(window)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    struct pstat *b = snapshot(&n1);
    double t1 = mono();
    if (!b || cpu_times(&tot1, &idle1) != 0) {
        free(a);
        free(b);
        return -1;
    }
    s->window_s = t1 - t0;
    if (tot1 > tot0) {
        s->busy_fraction = 1.0 - (double)(idle1 - idle0) / (double)(tot1 - tot0);
        if (s->busy_fraction < 0)
            s->busy_fraction = 0;
    }
    s->busy_cores = s->busy_fraction * s->cores;

    double foreign_sum = 0;
    for (size_t j = 0; j < n1; j++) {
        struct pstat *p = &b[j];
        unsigned long long before = 0;
        int seen = 0;
        for (size_t i = 0; i < n0; i++)   /* both lists are in /proc order: usually i == j nearby */
            if (a[(i + j) % n0].pid == p->pid) {
                before = a[(i + j) % n0].ticks;
                seen = 1;
                break;
            }
        double cores = 0;
        if (p->ticks > before)
            cores = (double)(p->ticks - before) / (double)hz / s->window_s;
        if (!seen)
            cores = (double)p->ticks / (double)hz / s->window_s;  /* started during the window */
        if (cores > s->cores)
            cores = s->cores;
        if (p->state == 'Z' || p->state == 'X')
            continue;
        if (is_own(p->pid, o)) {
            s->own_cores += cores;
            continue;
        }
        foreign_sum += cores;
        if (p->state == 'R')
            s->foreign_running++;
        if (cores >= 0.05) {
            s->foreign_busy++;
            struct load_top t = {.pid = p->pid, .cores = cores};
            snprintf(t.comm, sizeof t.comm, "%s", p->comm);
            int k;
            if (s->ntop < LOAD_TOP)
                k = s->ntop++;
            else if (cores > s->top[LOAD_TOP - 1].cores)
                k = LOAD_TOP - 1;
            else
                continue;
            s->top[k] = t;
            for (; k > 0 && s->top[k].cores > s->top[k - 1].cores; k--) {
                struct load_top x = s->top[k];
                s->top[k] = s->top[k - 1];
                s->top[k - 1] = x;
            }
        }
    }
    free(a);
    free(b);
    double unexplained = s->busy_cores - s->own_cores;
    s->foreign_cores = foreign_sum > unexplained ? foreign_sum : unexplained;
    if (s->foreign_cores < 0)
        s->foreign_cores = 0;

    char buf[256];
    if (read_small("/proc/loadavg", buf, sizeof buf) == 0)
        sscanf(buf, "%lf %lf %lf %d", &s->loadavg[0], &s->loadavg[1], &s->loadavg[2], &s->runnable);

    s->foreign_load = s->foreign_cores > s->threshold * s->cores;
    int o2 = snprintf(s->verdict, sizeof s->verdict, "%s: %.2f of %d cores used by other processes over %.0f ms "
                      "(limit %.2f), load average %.2f",
                      s->foreign_load ? "foreign load" : "quiet", s->foreign_cores, s->cores, s->window_s * 1000,
                      s->threshold * s->cores, s->loadavg[0]);
    for (int k = 0; k < s->ntop && k < 4 && o2 > 0 && (size_t)o2 < sizeof s->verdict; k++)
        o2 += snprintf(s->verdict + o2, sizeof s->verdict - (size_t)o2, "%s pid %ld '%s' %.2f", k ? "," : ";",
                       (long)s->top[k].pid, s->top[k].comm, s->top[k].cores);
    return 0;
}

static json_t *rounded(double v) { return json_real(round(v * 1000) / 1000); }

json_t *load_sample_json(const struct load_sample *s)
{
    json_t *top = json_array();
    for (int k = 0; k < s->ntop; k++)
        json_array_append_new(top, json_pack("{s:I, s:s, s:o}", "pid", (json_int_t)s->top[k].pid, "comm",
                                             s->top[k].comm, "cores", rounded(s->top[k].cores)));
    json_t *o = json_object();
    json_object_set_new(o, "loadavg", json_pack("[o,o,o]", rounded(s->loadavg[0]), rounded(s->loadavg[1]),
                                                rounded(s->loadavg[2])));
    json_object_set_new(o, "runnable", json_integer(s->runnable));
    json_object_set_new(o, "cores", json_integer(s->cores));
    json_object_set_new(o, "window_s", rounded(s->window_s));
    json_object_set_new(o, "busy_cores", rounded(s->busy_cores));
    json_object_set_new(o, "own_cores", rounded(s->own_cores));
    json_object_set_new(o, "foreign_cores", rounded(s->foreign_cores));
    json_object_set_new(o, "foreign_running", json_integer(s->foreign_running));
    json_object_set_new(o, "top", top);
    json_object_set_new(o, "threshold", rounded(s->threshold));
    json_object_set_new(o, "foreign_load", json_boolean(s->foreign_load));
    json_object_set_new(o, "verdict", json_string(s->verdict));
    return o;
}
