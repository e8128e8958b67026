/* One `exabench run` (or screen) session: settling a run from its exit and record, preparing a
 * (re)start, a run's environment, progress, saving the manifest, and running the pending runs one
 * after another with the command launch.c built (the local and srun executors). */
#include "session.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attempt.h"
#include "exa_cli.h"
#include "guard.h"
#include "exa_record.h"
#include "external.h"
#include "launch.h"
#include "manifest.h"
#include "proc.h"
#include "suite.h"

/* ---- records and outcomes -------------------------------------------------------------------- */

int record_check(const char *path, int *valid, char *why, size_t whylen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "no record was written");
        return -1;
    }
    json_error_t je;
    json_t *rec = json_load_file(path, 0, &je);
    if (!rec) {
        snprintf(why, whylen, "the record is not valid JSON (line %d column %d: %s)", je.line,
                 je.column, je.text);
        return -2;
    }
    char err[EXA_ERR_LEN];
    if (exa_record_validate(rec, err) != 0) {
        snprintf(why, whylen, "the record does not follow the schema: %s", err);
        json_decref(rec);
        return -2;
    }
    *valid = json_is_true(json_object_get(rec, "valid"));
    json_decref(rec);
    return 0;
}

static void set_or_null(json_t *r, const char *key, json_t *value)
{
    json_object_set_new(r, key, value ? value : json_null());
}

const char *run_settle(struct session *S, json_t *r, const struct outcome *o)
{
    char abs[PATH_MAX + 256], why[512] = "";
    const char *rec = json_string_value(json_object_get(r, "record"));
    int valid = 0, rc = -1;
    if (rec) {
        snprintf(abs, sizeof abs, "%s/%s", S->dir, rec);
        rc = record_check(abs, &valid, why, sizeof why);
    } else {
        snprintf(why, sizeof why, "no record was written");
    }
    const char *status;
    int sig = 0;
    if (o->timed_out) {
        status = "timeout";
    } else if (o->exec_failed) {
        status = "failed";
    } else if (o->signaled) {
        status = "crashed";
        sig = o->signal;
    } else if (o->exited && o->exit_code > 128 && o->exit_code <= 128 + 64) {
        /* mpirun, srun and shells report a process killed by signal S as exit 128 + S. */
        status = "crashed";
        sig = o->exit_code - 128;
    } else if (o->exited && o->exit_code == 0) {
        status = rc == 0 ? (valid ? "valid" : "verification-failed") : "invalid-output";
    } else if (o->exited && o->exit_code == 1) {
        status = rc == 0 ? (valid ? "failed" : "verification-failed") : rc == -2 ? "invalid-output" : "failed";
    } else {
        status = "failed";
    }
    json_object_set_new(r, "status", json_string(status));
    set_or_null(r, "exit_code", o->exited ? json_integer(o->exit_code) : NULL);
    set_or_null(r, "signal", sig ? json_integer(sig) : NULL);
    if (o->started)
        json_object_set_new(r, "started", json_string(o->started));
    set_or_null(r, "finished", o->finished ? json_string(o->finished) : NULL);
    set_or_null(r, "duration_s", o->duration >= 0 ? json_real(round(o->duration * 1000) / 1000) : NULL);
    if (rc == -1)
        json_object_set_new(r, "record", json_null());
    if (rc != 0)
        json_object_set_new(r, "record_error", json_string(why));
    else
        json_object_del(r, "record_error");
    if (o->note)
        json_object_set_new(r, "note", json_string(o->note));
    const char *log = json_string_value(json_object_get(r, "log"));
    if (log) {
        snprintf(abs, sizeof abs, "%s/%s", S->dir, log);
        char *tail = file_tail(abs, 20);
        json_object_set_new(r, "log_tail", json_string(tail));
        free(tail);
    }
    json_object_del(r, "pgid");
    S->finished_now++;
    if (o->duration > 0)
        S->finished_seconds += o->duration;
    return status;
}

/* The record argument of a run's command (the word after --json). */
static json_t *record_arg(json_t *r)
{
    json_t *cmd = json_object_get(r, "command");
    for (size_t i = 0; i + 1 < json_array_size(cmd); i++)
        if (!strcmp(json_string_value(json_array_get(cmd, i)) ?: "", "--json"))
            return json_array_get(cmd, i + 1);
    return NULL;
}

void run_fresh_record(struct session *S, json_t *r, const char *rec)
{
    /* Never overwrite: the new attempt writes records/<id>.a<K>.json. */
    const char *id = json_string_value(json_object_get(r, "id"));
    char name[PATH_MAX], abs[PATH_MAX + 256];
    for (int k = 2; k < 1000; k++) {
        snprintf(name, sizeof name, "records/%s.a%d.json", id, k);
        snprintf(abs, sizeof abs, "%s/%s", S->dir, name);
        if (access(abs, F_OK) != 0)
            break;
    }
    json_t *prev = json_object_get(r, "previous_records");
    if (!json_is_array(prev)) {
        prev = json_array();
        json_object_set_new(r, "previous_records", prev);
    }
    json_array_append_new(prev, json_string(rec));
    json_object_set_new(r, "record", json_string(name));
    json_t *arg = record_arg(r);
    if (arg)
        json_string_set(arg, name);
}

/* Was the run's last attempt given up (marked abandoned, or still "live" with no harness)? */
static int attempt_given_up(struct session *S, json_t *r)
{
    const char *tok = json_string_value(json_object_get(r, "attempt"));
    if (!tok || strchr(tok, '/'))
        return 0;
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/" ATTEMPT_DIR "/%s", S->dir, tok);
    enum attempt_state st = attempt_state(path, NULL, 0);
    return st == ATTEMPT_ABANDONED || st == ATTEMPT_LIVE;
}

int run_prepare_attempt(struct session *S, json_t *r)
{
    char token[512];
    snprintf(token, sizeof token, "%s/%lld", S->run_id, (long long)json_integer_value(json_object_get(r, "index")));
    json_t *pg = json_object_get(r, "pgid");
    if (json_is_integer(pg)) {
        int n = proc_kill_leftovers((pid_t)json_integer_value(pg), token);
        if (n > 0)
            fprintf(stderr, "exabench: stopped %d leftover process%s of %s\n", n, n > 1 ? "es" : "",
                    json_string_value(json_object_get(r, "id")));
        json_object_del(r, "pgid");
    }
    json_t *arg = record_arg(r);
    const char *rec = json_string_value(json_object_get(r, "record"));
    if (!rec && arg)
        rec = json_string_value(arg);
    if (!rec)
        return 0;
    char abs[PATH_MAX + 256], why[512];
    snprintf(abs, sizeof abs, "%s/%s", S->dir, rec);
    int valid = 0;
    int rc = record_check(abs, &valid, why, sizeof why);
    if (rc == 0 && attempt_given_up(S, r)) {
        /* The record of an attempt whose harness was gone (the sweep marked it abandoned): not
         * accepted, whatever it says; it is kept aside and the run measured again, alone. */
        json_object_set_new(r, "note", json_string("record of an abandoned attempt set aside on resume "
                                                   "(its harness was gone before it noted the outcome); "
                                                   "the run was measured again"));
        run_fresh_record(S, r, rec);
        return 0;
    }
    if (rc == 0) {
        /* An earlier attempt finished writing its record but the harness was stopped before it
         * could note the outcome: keep that record, do not run again. */
        json_object_set_new(r, "status", json_string(valid ? "valid" : "verification-failed"));
        json_object_set_new(r, "note", json_string("record adopted on resume: the run wrote it "
                                                   "before the harness was stopped; exit status unknown"));
        if (!json_is_string(json_object_get(r, "finished"))) {
            char now[32];
            exa_utc_now(now, sizeof now);
            json_object_set_new(r, "finished", json_string(now));
        }
        S->finished_now++;
        return 1;
    }
    if (rc == -2)
        run_fresh_record(S, r, rec);
    return 0;
}

void run_environment(struct session *S, json_t *r, struct envlist *env)
{
    json_t *e = json_object_get(r, "env");
    const char *k;
    json_t *v;
    json_object_foreach(e, k, v)
        if (json_is_string(v))
            envlist_set(env, k, json_string_value(v));
    const char *type = json_string_value(json_object_get(json_object_get(S->manifest, "launcher"), "type"));
    envlist_set(env, "EXA_LAUNCHER", type ? type : "local");
    char *cmd = json_dumps(json_object_get(r, "command"), JSON_COMPACT);
    envlist_set(env, "EXA_LAUNCH_COMMAND", cmd);
    free(cmd);
    char token[512];
    snprintf(token, sizeof token, "%s/%lld", S->run_id, (long long)json_integer_value(json_object_get(r, "index")));
    envlist_set(env, "EXA_HARNESS_RUN", token);
}

int session_save(struct session *S) { return manifest_write(S->manifest, S->dir); }

/* ---- progress -------------------------------------------------------------------------------- */

void session_fmt_secs(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (t < 60)
        snprintf(buf, len, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, len, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
}

void progress_show(struct session *S, json_t *r, double elapsed, const char *status)
{
    size_t pending = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, x)
        if (x != r && !strcmp(json_string_value(json_object_get(x, "status")) ?: "", "pending"))
            pending++;
    char el[32], eta[48] = "ETA --";
    session_fmt_secs(el, sizeof el, elapsed);
    if (S->finished_now > 0 && S->finished_seconds > 0) {
        double avg = S->finished_seconds / (double)S->finished_now;
        double left = avg * (double)pending + (status ? 0 : fmax(0, avg - elapsed));
        char t[32];
        session_fmt_secs(t, sizeof t, left);
        snprintf(eta, sizeof eta, "ETA %s", t);
    }
    const char *label = json_string_value(json_object_get(r, "label")) ?: json_string_value(json_object_get(r, "id"));
    long long idx = json_integer_value(json_object_get(r, "index"));
    if (S->tty) {
        if (status)
            fprintf(stderr, "\r[%lld/%zu] %s  %s  %s  %s\033[K\n", idx, S->total, label, status, el, eta);
        else
            fprintf(stderr, "\r[%lld/%zu] %s  %s  %s\033[K", idx, S->total, label, el, eta);
    } else if (status) {
        fprintf(stderr, "[%lld/%zu] %s  %s  %s  %s\n", idx, S->total, label, status, el, eta);
    } else if (elapsed == 0) {
        fprintf(stderr, "[%lld/%zu] %s  started  %s\n", idx, S->total, label, eta);
    }
    fflush(stderr);
}

/* ---- the sequential executor (mpirun, or srun inside an allocation) -------------------------- */

struct live {
    struct session *S;
    json_t *r;
};

static void on_started(void *arg, pid_t pgid)
{
    struct live *L = arg;
    json_object_set_new(L->r, "pgid", json_integer(pgid));
    session_save(L->S);
}

static void on_tick(void *arg, double elapsed)
{
    struct live *L = arg;
    if (L->S->tty)
        progress_show(L->S, L->r, elapsed, NULL);
}

int session_run_each(struct session *S)
{
    json_t *runs = json_object_get(S->manifest, "runs");
    size_t i;
    json_t *r;
    json_array_foreach(runs, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "status")), "pending") != 0)
            continue;
        if (proc_interrupted())
            break;
        if (run_prepare_attempt(S, r) == 1) {
            session_save(S);
            progress_show(S, r, 0, json_string_value(json_object_get(r, "status")));
            continue;
        }
        json_int_t attempt = json_integer_value(json_object_get(r, "attempts")) + 1;
        json_object_set_new(r, "attempts", json_integer(attempt));
        char now[32];
        exa_utc_now(now, sizeof now);
        json_object_set_new(r, "started", json_string(now));
        struct envlist env = {0};
        run_environment(S, r, &env);
        struct run_guard g;
        if (guard_attempt_begin(S, r, &g, &env) != 0) {
            envlist_free(&env);
            return -1;
        }
        if (!strcmp(json_string_value(json_object_get(json_object_get(S->manifest, "launcher"), "type")) ?: "local",
                    "local"))
            guard_load_sample(S, r, &env);
        struct strlist argvl = {0};
        size_t k;
        json_t *w;
        json_array_foreach(json_object_get(r, "command"), k, w)
            strlist_push(&argvl, json_string_value(w) ?: "");
        struct external_step xs;  /* an external tool's entry: its work folder, input, import */
        int ext = external_prepare(S->dir, r, &argvl, &xs);
        char **argv = strlist_argv(&argvl);
        char log[PATH_MAX + 256];
        snprintf(log, sizeof log, "%s/%s", S->dir, json_string_value(json_object_get(r, "log")));
        FILE *lf = fopen(log, "a");
        if (lf) {
            char *line = shell_join(json_object_get(r, "command"));
            fprintf(lf, "=== exabench: %s attempt %lld, started %s\n$ %s\n", json_string_value(json_object_get(r, "id")),
                    (long long)attempt, now, line);
            free(line);
            fclose(lf);
        }
        session_save(S);
        progress_show(S, r, 0, NULL);
        struct live lv = {S, r};
        double timeout = json_real_value(json_object_get(r, "timeout_s"));
        if (json_is_integer(json_object_get(r, "timeout_s")))
            timeout = (double)json_integer_value(json_object_get(r, "timeout_s"));
        struct proc_spec spec = {.argv = argv, .env = &env, .cwd = ext ? xs.cwd : S->dir, .log_path = log,
                                 .timeout = timeout, .grace = S->grace, .track = g.tracked ? &g.pt : NULL,
                                 .started = on_started,
                                 .tick = on_tick, .arg = &lv};
        struct proc_result res;
        int rc = proc_run(&spec, &res);
        free(argv);
        strlist_free(&argvl);
        envlist_free(&env);
        if (rc != 0) {
            fprintf(stderr, "exabench: error: can not start a process: %s\n", strerror(errno));
            memset(&res, 0, sizeof res);
            res.interrupted = 1;
            guard_attempt_end(S, r, &g, &res);
            return -1;
        }
        guard_attempt_end(S, r, &g, &res);
        if (res.interrupted) {
            json_object_del(r, "pgid");
            json_object_set_new(r, "note", json_string("interrupted: the harness was stopped during "
                                                       "this run; --resume runs it again"));
            session_save(S);
            if (S->tty)
                fputc('\n', stderr);
            break;
        }
        char fin[32];
        exa_utc_now(fin, sizeof fin);
        struct outcome o = {.exited = res.exited, .exit_code = res.exit_code, .signaled = res.signaled,
                            .signal = res.signal, .timed_out = res.timed_out,
                            .exec_failed = res.exec_failed, .duration = res.duration, .finished = fin};
        if (ext)
            o.note = ext > 0 ? external_finish(S->dir, r, &xs, &res) : xs.note;
        const char *status = run_settle(S, r, &o);
        session_save(S);
        progress_show(S, r, res.duration, status);
    }
    return 0;
}

int session_print_commands(struct session *S)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, r) {
        char *line = shell_join(json_object_get(r, "command"));
        printf("%s\n  %s\n", json_string_value(json_object_get(r, "id")), line);
        free(line);
    }
    return 0;
}
