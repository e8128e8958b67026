/* The run guard: attempts, process tracking and the load check wired into a session (guard.h). */
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exa_attempt.h"
#include "exa_cli.h"
#include "exa_record.h"
#include "loadcheck.h"
#include "session.h"
#include "suite.h"

#define GUARD_LOCK ".exabench.lock"
#define GUARD_MAX_PIDS 4096

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* ---- the folder lock and the processes of sessions that are gone ---------------------------- */

/* The value of name in pid's environment (out, "" when absent). 0, or -1 when unreadable. */
static int pid_env(pid_t pid, const char *name, char *out, size_t len)
{
    char path[64];
    out[0] = 0;
    snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t cap = 1 << 20, got = 0;
    char *buf = malloc(cap + 1);
    ssize_t n;
    while (buf && got < cap && ((n = read(fd, buf + got, cap - got)) > 0 || (n < 0 && errno == EINTR)))
        got += n > 0 ? (size_t)n : 0;
    close(fd);
    if (!buf)
        return -1;
    buf[got] = 0;
    size_t nl = strlen(name);
    for (size_t i = 0; i < got; i += strlen(buf + i) + 1)
        if (!strncmp(buf + i, name, nl) && buf[i + nl] == '=') {
            snprintf(out, len, "%s", buf + i + nl + 1);
            break;
        }
    free(buf);
    return 0;
}

/* Is the run folder dir held by a live harness (its lock taken)? */
static int folder_busy(const char *dir)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/" GUARD_LOCK, dir);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    int busy = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return busy;
}

/* Processes of exabench runs whose harness is gone: tagged (EXA_RUN_TAG), with an attempt file in
 * a run folder (one with a manifest) that no harness holds. own: this session's folder, whose
 * processes count whatever its lock says. Those of run folders under parent (the results folder
 * of this session) go to here[] (*nhere), the others to elsewhere[] (*nelse), at most cap each. */
static void gone_sessions(const char *own, const char *parent, pid_t *here, int *nhere, pid_t *elsewhere,
                          int *nelse, size_t cap)
{
    pid_t *all = calloc(GUARD_MAX_PIDS, sizeof *all);
    int n = all ? proctrack_list(NULL, NULL, all, GUARD_MAX_PIDS) : -1;
    *nhere = *nelse = 0;
    for (int i = 0; i < n && i < GUARD_MAX_PIDS; i++) {
        char file[PATH_MAX], dir[PATH_MAX], real[PATH_MAX], man[PATH_MAX + 32], up[PATH_MAX];
        struct stat st;
        if (pid_env(all[i], "EXA_ATTEMPT_FILE", file, sizeof file) != 0 || !*file)
            continue;
        snprintf(dir, sizeof dir, "%s", file);
        char *d = dirname(dirname(dir));
        if (!realpath(d, real))
            snprintf(real, sizeof real, "%s", d);
        snprintf(man, sizeof man, "%s/manifest.json", real);
        int mine = own && !strcmp(real, own);
        if (!mine && (stat(man, &st) != 0 || folder_busy(real)))
            continue;
        snprintf(up, sizeof up, "%s", real);
        int same = mine || (parent && !strcmp(dirname(up), parent));
        pid_t *out = same ? here : elsewhere;
        int *count = same ? nhere : nelse;
        if ((size_t)*count < cap)
            out[*count] = all[i];
        (*count)++;
    }
    free(all);
}

static void print_pids(const pid_t *pids, int n, size_t cap)
{
    for (int i = 0; i < n && (size_t)i < cap && i < 20; i++) {
        char d[512];
        fprintf(stderr, "  %s\n", proctrack_describe(pids[i], d, sizeof d));
    }
    if (n > 20)
        fprintf(stderr, "  ... and %d more\n", n - 20);
}

/* Takes the run folder's lock for the session's life (closed on exec: runs do not hold it). */
static int lock_folder(struct session *S)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/" GUARD_LOCK, S->dir);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        fprintf(stderr, "exabench: error: can not create %s: %s\n", p, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "exabench: error: run folder %s is in use by another exabench session (%s is locked)\n",
                S->dir, p);
        close(fd);
        return -1;
    }
    return 0;   /* fd kept open on purpose until the process ends */
}

/* ---- --resume: what an earlier session of this folder left ---------------------------------- */

static void note_abandoned(json_t *r, const char *token, const char *why)
{
    json_t *list = json_object_get(r, "abandoned_attempts");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(r, "abandoned_attempts", list);
    }
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
        if (!strcmp(jstr(x, "token") ?: "", token))
            return;
    json_array_append_new(list, json_pack("{s:s, s:s}", "token", token, "why", why));
}

/* Marks every attempt of the manifest still "live" abandoned (its harness is gone). Returns how
 * many could not be marked yet (a benchmark held the lock: marked again after the sweep). */
static int abandon_live(struct session *S, const char *why)
{
    int pending = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, r) {
        const char *tok = jstr(r, "attempt");
        if (!tok || strchr(tok, '/'))
            continue;
        char path[PATH_MAX + 300], err[256];
        snprintf(path, sizeof path, "%s/" ATTEMPT_DIR "/%s", S->dir, tok);
        if (attempt_state(path, NULL, 0) != ATTEMPT_LIVE)
            continue;
        int rc = attempt_mark(path, ATTEMPT_ABANDONED, why, 2.0, err, sizeof err);
        pending += rc == 1;
        if (rc == 0)
            note_abandoned(r, tok, why);
    }
    return pending;
}

/* Kills what the folder's earlier sessions left running, then waits for it to go. Survivors. */
static int sweep_folder(struct session *S)
{
    size_t i;
    json_t *r;
    int killed = 0;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, r) {
        struct proctrack pt;
        const char *tag = jstr(r, "proc_tag");
        if (!tag || proctrack_attach(&pt, tag, jstr(r, "proc_cgroup")) != 0)
            continue;
        pid_t pids[64];
        int n = proctrack_members(&pt, pids, 64);
        if (n > 0) {
            killed += n;
            proctrack_kill(&pt, 1.0, 5.0, NULL, 0);
        }
        proctrack_end(&pt);
    }
    pid_t *left = calloc(GUARD_MAX_PIDS, sizeof *left);
    int n = 0;
    for (int round = 0; round < 100; round++) {   /* up to 10 s */
        n = proctrack_list_in_dir(S->dir, left, GUARD_MAX_PIDS);
        if (n <= 0)
            break;
        killed += round == 0 ? n : 0;
        for (int k = 0; k < n && k < GUARD_MAX_PIDS; k++)
            kill(left[k], SIGKILL);
        proctrack_reap(NULL, 0);
        sleep_s(0.1);
    }
    if (killed > 0)
        fprintf(stderr, "exabench: stopped %d leftover process%s of the earlier session of %s\n", killed,
                killed > 1 ? "es" : "", S->dir);
    if (n > 0) {
        fprintf(stderr, "exabench: error: %d process%s of the earlier session survive SIGKILL:\n", n, n > 1 ? "es" : "");
        print_pids(left, n, GUARD_MAX_PIDS);
    }
    free(left);
    return n > 0 ? n : 0;
}

int guard_session_start(struct session *S, int resume)
{
    if (lock_folder(S) != 0)
        return EXA_EXIT_FAILED;
    proctrack_harness_init();
    if (resume) {
        const char *why = "harness gone: the attempt was still running when its session ended; "
                          "stopped by --resume";
        int unmarked = abandon_live(S, why);
        if (sweep_folder(S) > 0)
            return EXA_EXIT_FAILED;
        if (unmarked)
            abandon_live(S, why);
        session_save(S);
    }
    char up[PATH_MAX];
    snprintf(up, sizeof up, "%s", S->dir);
    return guard_check_clear(S->dir, dirname(up));
}

int guard_check_clear(const char *own_dir, const char *results)
{
    char parent[PATH_MAX] = "";
    if (results && !realpath(results, parent))
        snprintf(parent, sizeof parent, "%s", results);
    pid_t *here = calloc(GUARD_MAX_PIDS, sizeof *here), *other = calloc(GUARD_MAX_PIDS, sizeof *other);
    int nh = 0, no = 0;
    if (here && other)
        gone_sessions(own_dir, *parent ? parent : NULL, here, &nh, other, &no, GUARD_MAX_PIDS);
    if (nh > 0) {
        fprintf(stderr, "exabench: error: %d process%s of an earlier run in %s still live (its harness is gone); "
                        "they would be measured beside this run:\n", nh, nh > 1 ? "es" : "", parent);
        print_pids(here, nh, GUARD_MAX_PIDS);
        fprintf(stderr, "exabench: stop them ('exabench run --resume FOLDER' of their run does) and try again\n");
    } else if (no > 0) {
        fprintf(stderr, "exabench: warning: %d process%s of an exabench run elsewhere still live (its harness is "
                        "gone); runs they slow down are flagged 'foreign load':\n", no, no > 1 ? "es" : "");
        print_pids(other, no, GUARD_MAX_PIDS);
    }
    free(here);
    free(other);
    return nh > 0 ? EXA_EXIT_FAILED : 0;
}

/* ---- one attempt ------------------------------------------------------------------------------ */

int guard_attempt_begin(struct session *S, json_t *r, struct run_guard *g, struct envlist *env)
{
    char err[512], why[512];
    memset(g, 0, sizeof *g);
    const char *id = jstr(r, "id") ?: "run";
    if (attempt_create(S->dir, id, &g->a, err, sizeof err) != 0) {
        fprintf(stderr, "exabench: error: %s: %s\n", id, err);
        return -1;
    }
    g->have_attempt = 1;
    if (proctrack_begin(&g->pt, S->run_id, g->a.token, 1, err, sizeof err, why, sizeof why) != 0) {
        fprintf(stderr, "exabench: error: %s: %s\n", id, err);
        attempt_mark(g->a.path, ATTEMPT_ABANDONED, "not started: no tracking", 1.0, err, sizeof err);
        return -1;
    }
    g->tracked = 1;
    envlist_set(env, EXA_ATTEMPT_ENV, g->a.path);
    envlist_set(env, g->pt.env_name, g->pt.tag);
    json_object_set_new(r, "attempt", json_string(g->a.token));
    json_object_set_new(r, "proc_tag", json_string(g->pt.tag));
    json_object_set_new(r, "proc_cgroup", g->pt.cgroup[0] ? json_string(g->pt.cgroup) : json_null());
    return 0;
}

/* Why an attempt that ended this way is given up, or NULL when it ended by itself. */
static const char *abandon_reason(const struct proc_result *res, char *buf, size_t len)
{
    if (res->interrupted)
        return "interrupted: the harness was stopped during the run";
    if (res->timed_out)
        return "timeout: the run passed its time limit and was killed";
    if (res->signaled) {
        snprintf(buf, len, "crashed: the launcher was killed by signal %d", res->signal);
        return buf;
    }
    if (res->exited && res->exit_code > 128 && res->exit_code <= 192) {
        snprintf(buf, len, "crashed: the launcher reported signal %d", res->exit_code - 128);
        return buf;
    }
    return NULL;
}

void guard_attempt_end(struct session *S, json_t *r, struct run_guard *g, const struct proc_result *res)
{
    char err[512], buf[128];
    const char *why = abandon_reason(res, buf, sizeof buf);
    enum attempt_state st = why ? ATTEMPT_ABANDONED : ATTEMPT_FINISHED;
    int marked = g->have_attempt ? attempt_mark(g->a.path, st, why ? why : "", 5.0, err, sizeof err) : 0;
    if (g->tracked) {
        int left = proctrack_kill(&g->pt, S->grace > 0 ? S->grace : 2, 10, NULL, 0);
        if (left > 0)
            fprintf(stderr, "exabench: warning: %d process%s of %s survive SIGKILL\n", left, left > 1 ? "es" : "",
                    jstr(r, "id"));
        else
            proctrack_end(&g->pt);
    }
    if (marked == 1)
        attempt_mark(g->a.path, st, why ? why : "", 5.0, err, sizeof err);
    if (why)
        note_abandoned(r, g->a.token, why);
}

/* ---- the machine's load ---------------------------------------------------------------------- */

int guard_load_sample(struct session *S, json_t *r, struct envlist *env)
{
    struct load_sample s;
    struct load_options o = {.own_run_id = S->run_id};
    if (load_sample_take(&s, &o) != 0)
        return 0;
    json_object_set_new(r, "machine_load", load_sample_json(&s));
    json_object_set_new(r, "foreign_load", json_boolean(s.foreign_load));
    char v[64];
    snprintf(v, sizeof v, "%.2f", s.foreign_cores);
    envlist_set(env, "EXA_FOREIGN_LOAD", s.foreign_load ? "1" : "0");
    envlist_set(env, "EXA_FOREIGN_LOAD_CORES", v);
    if (s.foreign_load)
        fprintf(stderr, "exabench: warning: %s measured under foreign load: %s\n", jstr(r, "id"), s.verdict);
    return s.foreign_load;
}

/* ---- --resume: the runs to run again --------------------------------------------------------- */

int guard_reset_failed(struct session *S)
{
    static const char *const again[] = {"failed", "crashed", "timeout", "invalid-output", NULL};
    static const char *const kept[] = {"status", "exit_code", "signal", "started", "finished", "duration_s",
                                       "record", "record_error", "note", "job_id", NULL};
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, r) {
        const char *st = jstr(r, "status") ?: "";
        int hit = 0;
        for (const char *const *a = again; *a; a++)
            hit |= !strcmp(st, *a);
        if (!hit)
            continue;
        json_t *prev = json_object(), *list = json_object_get(r, "previous_outcomes");
        for (const char *const *k = kept; *k; k++) {
            json_t *v = json_object_get(r, *k);
            if (v)
                json_object_set(prev, *k, v);
        }
        if (!json_is_array(list)) {
            list = json_array();
            json_object_set_new(r, "previous_outcomes", list);
        }
        json_array_append_new(list, prev);
        const char *rec = jstr(r, "record");
        char abs[PATH_MAX + 256];
        snprintf(abs, sizeof abs, "%s/%s", S->dir, rec ? rec : "");
        if (rec && access(abs, F_OK) == 0) {
            run_fresh_record(S, r, rec);   /* the rerun writes a new record, the old one is kept */
        } else {
            /* no record (nulled when the run ended without one): the name its command writes */
            json_t *cmd = json_object_get(r, "command");
            for (size_t k = 0; k + 1 < json_array_size(cmd); k++)
                if (!strcmp(json_string_value(json_array_get(cmd, k)) ?: "", "--json"))
                    json_object_set(r, "record", json_array_get(cmd, k + 1));
        }
        for (const char *const *k = kept; *k; k++)
            if (strcmp(*k, "record"))
                json_object_del(r, *k);
        json_object_set_new(r, "status", json_string("pending"));
        n++;
    }
    if (n)
        fprintf(stderr, "exabench: --resume: %d run%s that ended failed, crashed or timed out run%s again\n", n,
                n > 1 ? "s" : "", n > 1 ? "" : "s");
    return n;
}
