/* The Slurm batch executor: outside an allocation, one batch script per scale step (the runs with the
 * same node count), submitted with sbatch, followed with squeue and scontrol, and collected run by
 * run from the markers each script leaves in logs/: <id>.started when a run starts and <id>.rc
 * ("EXIT-STATUS FINISHED-TIME") when it ends. The scripts are the one place a shell is involved:
 * every word in them is quoted, so no value of the suite file can become a command. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exa_cli.h"
#include "executor.h"
#include "exa_record.h"
#include "file_atomic.h"
#include "launch.h"
#include "manifest.h"
#include "proc.h"
#include "sbuf.h"
#include "session.h"
#include "slurm_values.h"
#include "suite.h"

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void q(char *buf, size_t cap, const char *word)
{
    buf[0] = 0;
    shell_quote(buf, cap, word);
}

static void marker_path(struct session *S, json_t *r, const char *ext, char *buf, size_t len)
{
    snprintf(buf, len, "%s/logs/%s.%s", S->dir, jstr(r, "id"), ext);
}

static time_t parse_utc(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return 0;
    return timegm(&tm);
}

static double run_timeout(json_t *r)
{
    json_t *t = json_object_get(r, "timeout_s");
    return json_is_number(t) ? json_number_value(t) : 600;
}

/* Text for a comment line of the script: control characters (a newline would end the comment and
 * start a command) become '?'. */
static const char *comment_text(const char *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s", s ? s : "");
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 32 || (unsigned char)*p == 127)
            *p = '?';
    return buf;
}

/* Adds "#SBATCH --opt=VALUE" with the value quoted for sbatch (slurm_values.h). -1: not writable. */
static int sbatch_opt(struct sbuf *b, const char *opt, const char *value, int pattern_literal)
{
    char line[PATH_MAX * 2 + 64], err[512];
    /* A plain word is written as it is (easier to read; sbatch reads it the same). */
    if (*value && strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,:+=@/-") ==
                      strlen(value)) {
        sb_printf(b, "#SBATCH --%s=%s\n", opt, value);
        return 0;
    }
    long n = slurm_sbatch_line(line, sizeof line, opt, value, pattern_literal, err, sizeof err);
    if (n < 0 || (size_t)n >= sizeof line) {
        fprintf(stderr, "exabench: error: %s\n", err);
        return -1;
    }
    sb_add(b, line);
    return 0;
}

/* Every word of the step's script that comes from the suite or the manifest (both are input: a
 * resumed manifest may have been edited) checked against what Slurm accepts before anything is
 * written; issue 14: a newline in launcher.partition became a command of the batch job. */
static int check_step_values(struct session *S, const struct slurm_launcher_values *v, json_t *L)
{
    char err[512];
    int bad = slurm_check_launcher(v, err, sizeof err) != 0;
    json_t *sa = json_object_get(L, "sbatch_args");
    for (size_t a = 0; !bad && a < json_array_size(sa); a++) {
        const char *w = json_string_value(json_array_get(sa, a));
        bad = !w || slurm_check_path("launcher.sbatch_args", w, err, sizeof err) != 0;
        if (!w)
            snprintf(err, sizeof err, "launcher.sbatch_args: element %zu is not a string", a + 1);
    }
    if (bad)
        fprintf(stderr, "exabench: error: %s/manifest.json: %s\n", S->dir, err);
    return bad ? -1 : 0;
}

/* The "#SBATCH" lines of a step's script. 0, or -1 (reason printed) when a value can not be
 * written. */
static int batch_header(struct session *S, struct sbuf *b, int step, long nodes, long rpn, long tpr,
                        const char *minutes)
{
    json_t *L = json_object_get(S->manifest, "launcher");
    char job[512], out[PATH_MAX + 64], cm[300];
    snprintf(job, sizeof job, "exabench-%s-step%d", S->run_id, step);
    snprintf(out, sizeof out, "%s/slurm/step-%d.out", S->dir, step);
    struct sbuf ex;
    sb_init(&ex);
    json_t *exl = json_object_get(S->manifest, "excluded_nodes");
    for (size_t i = 0; i < json_array_size(exl); i++)
        sb_printf(&ex, "%s%s", i ? "," : "", json_string_value(json_array_get(exl, i)) ?: "");
    struct slurm_launcher_values v = {.partition = jstr(L, "partition"), .account = jstr(L, "account"),
                                      .qos = jstr(L, "qos"), .time_limit = minutes, .job_name = job,
                                      .output = out, .exclude = ex.len ? ex.s : NULL};
    int rc = check_step_values(S, &v, L);
    if (rc == 0) {
        sb_printf(b, "#!/bin/bash\n# exabench batch script: run %s, scale step %d (%ld node%s).\n"
                     "# Written by exabench %s; 'exabench run' submits it and collects the records.\n",
                  comment_text(S->run_id, cm, sizeof cm), step, nodes, nodes == 1 ? "" : "s", exa_version());
        rc = sbatch_opt(b, "job-name", job, 0);
        sb_printf(b, "#SBATCH --nodes=%ld\n#SBATCH --ntasks-per-node=%ld\n#SBATCH --cpus-per-task=%ld\n", nodes,
                  rpn, tpr);
        rc |= sbatch_opt(b, "output", out, 1) | sbatch_opt(b, "time", minutes, 0);
        const char *opt[] = {"partition", "account", "qos"};
        for (int i = 0; i < 3; i++)
            if (jstr(L, opt[i]))
                rc |= sbatch_opt(b, opt[i], jstr(L, opt[i]), 0);
        if (v.exclude)
            rc |= sbatch_opt(b, "exclude", v.exclude, 0);
    }
    sb_free(&ex);
    return rc ? -1 : 0;
}

/* The script of one scale step, or NULL (reason printed) when a value can not be written safely. */
static char *batch_script(struct session *S, json_t **runs, size_t n, int step, long nodes, const char *minutes)
{
    long rpn = 1, tpr = 1;
    for (size_t i = 0; i < n; i++) {
        json_t *sc = json_object_get(runs[i], "scale");
        long a = (long)json_integer_value(json_object_get(sc, "ranks_per_node"));
        long b = (long)json_integer_value(json_object_get(sc, "threads_per_rank"));
        rpn = a > rpn ? a : rpn;
        tpr = b > tpr ? b : tpr;
    }
    struct sbuf b;
    sb_init(&b);
    char w[PATH_MAX * 2], cm[600], err[512];
    if (batch_header(S, &b, step, nodes, rpn, tpr, minutes) != 0) {
        sb_free(&b);
        return NULL;
    }
    q(w, sizeof w, S->dir);
    sb_printf(&b, "\ncd %s || exit 1\nexport EXA_LAUNCHER=slurm\nstamp() { date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ; }\n", w);
    for (size_t i = 0; i < n; i++) {
        json_t *r = runs[i];
        const char *id = jstr(r, "id");
        char cl[300];
        sb_printf(&b, "\n# [%lld/%zu] %s: %s\n(\n", (long long)json_integer_value(json_object_get(r, "index")),
                  S->total, comment_text(id, cm, sizeof cm), comment_text(jstr(r, "label"), cl, sizeof cl));
        struct envlist env = {0};
        run_environment(S, r, &env);
        for (size_t k = 0; k < env.names.n; k++) {
            if (!strcmp(env.names.v[k], "EXA_LAUNCHER"))
                continue;
            if (slurm_check_env_name("env", env.names.v[k], err, sizeof err) != 0) {
                fprintf(stderr, "exabench: error: %s/manifest.json: run %s: %s\n", S->dir, cm, err);
                envlist_free(&env);
                sb_free(&b);
                return NULL;
            }
            q(w, sizeof w, env.values.v[k]);
            sb_printf(&b, "export %s=%s\n", env.names.v[k], w);
        }
        envlist_free(&env);
        char log[PATH_MAX], started[PATH_MAX], rc[PATH_MAX];
        snprintf(log, sizeof log, "%s", jstr(r, "log"));
        snprintf(started, sizeof started, "logs/%s.started", id);
        snprintf(rc, sizeof rc, "logs/%s.rc", id);
        char ql[PATH_MAX * 2], qs[PATH_MAX * 2], qr[PATH_MAX * 2];
        q(ql, sizeof ql, log);
        q(qs, sizeof qs, started);
        q(qr, sizeof qr, rc);
        char *cmd = shell_join(json_object_get(r, "command"));
        sb_printf(&b, "stamp > %s\n", qs);
        char qi[1024];
        q(qi, sizeof qi, id);
        sb_printf(&b, "printf '=== exabench: %%s in batch job %%s, started %%s\\n' %s \"$SLURM_JOB_ID\" \"$(stamp)\" >> %s\n",
                  qi, ql);
        sb_printf(&b, "timeout -s TERM -k %ld %ld %s >> %s 2>&1\n", (long)ceil(S->grace),
                  (long)ceil(run_timeout(r)), cmd, ql);
        sb_printf(&b, "echo \"$? $(stamp)\" > %s.tmp && mv %s.tmp %s\n)\n", qr, qr, qr);
        free(cmd);
    }
    return b.s;
}

struct job {
    char id[64];
    char state[64];
    int active;
    int step;
};

static int job_active(const char *id, char *state, size_t len)
{
    char *argv[] = {"squeue", "-h", "-j", (char *)id, "-o", "%T", NULL};
    char *out = NULL;
    int rc = proc_capture(argv, &out);
    int active = 0;
    if (rc == 0 && out) {
        char *nl = strchr(out, '\n');
        if (nl)
            *nl = 0;
        if (*out) {
            snprintf(state, len, "%s", out);
            active = strcmp(out, "COMPLETED") && strcmp(out, "FAILED") && strcmp(out, "CANCELLED") &&
                     strcmp(out, "TIMEOUT") && strcmp(out, "NODE_FAIL") && strcmp(out, "OUT_OF_MEMORY") &&
                     strcmp(out, "BOOT_FAIL") && strcmp(out, "DEADLINE") && strcmp(out, "PREEMPTED");
        }
    }
    free(out);
    return active;
}

static void job_final_state(const char *id, char *state, size_t len)
{
    char *argv[] = {"scontrol", "show", "job", "-o", (char *)id, NULL};
    char *out = NULL;
    snprintf(state, len, "UNKNOWN");
    if (proc_capture(argv, &out) == 0 && out) {
        char *p = strstr(out, "JobState=");
        if (p) {
            p += 9;
            size_t n = strcspn(p, " \n");
            snprintf(state, len, "%.*s", (int)n, p);
        }
    }
    free(out);
    if (strcmp(state, "UNKNOWN"))
        return;
    /* The controller forgets finished jobs after MinJobAge; accounting, where it exists, does not. */
    char *acct[] = {"sacct", "-n", "-X", "-P", "-o", "State", "-j", (char *)id, NULL};
    out = NULL;
    if (proc_capture(acct, &out) == 0 && out) {
        size_t n = strcspn(out, " \n");
        if (n > 0)
            snprintf(state, len, "%.*s", (int)n, out);
    }
    free(out);
}

/* Settles run r from its markers. ended: its job is over (state job_state). Returns 1 when the
 * run was settled (or put back to pending), 0 when it is still to come. */
static int collect_run(struct session *S, json_t *r, int ended, const char *job_state)
{
    char started_p[PATH_MAX + 256], rc_p[PATH_MAX + 256];
    marker_path(S, r, "started", started_p, sizeof started_p);
    marker_path(S, r, "rc", rc_p, sizeof rc_p);
    char started[64] = "", line[256] = "";
    FILE *f = fopen(started_p, "r");
    if (f) {
        if (fgets(started, sizeof started, f))
            started[strcspn(started, "\n")] = 0;
        fclose(f);
    }
    f = fopen(rc_p, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    if (*line) {
        int code = -1;
        char fin[64] = "";
        sscanf(line, "%d %63s", &code, fin);
        time_t t0 = parse_utc(started), t1 = parse_utc(fin);
        double dur = t0 && t1 ? difftime(t1, t0) : -1;
        struct outcome o = {.exited = 1, .exit_code = code, .duration = dur,
                            .started = *started ? started : NULL, .finished = *fin ? fin : NULL};
        if (code == 124 || (code == 137 && dur >= run_timeout(r)))
            o.timed_out = 1;
        const char *status = run_settle(S, r, &o);
        progress_show(S, r, dur > 0 ? dur : 0, status);
        return 1;
    }
    if (!ended)
        return 0;
    char note[256];
    if (*started) {
        snprintf(note, sizeof note, "the batch job ended (%s) during this run", job_state);
        char fin[32];
        exa_utc_now(fin, sizeof fin);
        struct outcome o = {.timed_out = !strcmp(job_state, "TIMEOUT"), .duration = -1, .started = started,
                            .finished = fin, .note = note};
        const char *status = run_settle(S, r, &o);
        progress_show(S, r, 0, status);
    } else {
        snprintf(note, sizeof note, "not run: batch job %s ended (%s) before it; --resume submits it again",
                 jstr(r, "job_id") ?: "?", job_state);
        json_object_set_new(r, "note", json_string(note));
        json_object_del(r, "job_id");
        fprintf(stderr, "[%lld/%zu] %s  not run (job %s)\n", (long long)json_integer_value(json_object_get(r, "index")),
                S->total, jstr(r, "label") ?: jstr(r, "id"), job_state);
    }
    return 1;
}

/* Follows the jobs until they end, collecting runs as their markers appear. */
static void follow(struct session *S, struct job *jobs, size_t nj)
{
    json_t *runs = json_object_get(S->manifest, "runs");
    for (;;) {
        size_t active = 0;
        for (size_t j = 0; j < nj; j++) {
            if (!jobs[j].active)
                continue;
            char state[64] = "";
            int still = job_active(jobs[j].id, state, sizeof state);
            if (*state && strcmp(state, jobs[j].state)) {
                fprintf(stderr, "exabench: batch job %s (step %d): %s\n", jobs[j].id, jobs[j].step, state);
                snprintf(jobs[j].state, sizeof jobs[j].state, "%s", state);
            }
            if (!still) {
                job_final_state(jobs[j].id, state, sizeof state);
                snprintf(jobs[j].state, sizeof jobs[j].state, "%s", state);
                fprintf(stderr, "exabench: batch job %s (step %d) ended: %s\n", jobs[j].id, jobs[j].step, state);
            }
            size_t i;
            json_t *r;
            int changed = 0;
            json_array_foreach(runs, i, r) {
                if (strcmp(jstr(r, "status"), "pending") || !jstr(r, "job_id") || strcmp(jstr(r, "job_id"), jobs[j].id))
                    continue;
                changed |= collect_run(S, r, !still, jobs[j].state);
            }
            json_t *js;
            json_array_foreach(json_object_get(json_object_get(S->manifest, "launcher"), "jobs"), i, js)
                if (!strcmp(jstr(js, "job_id") ?: "", jobs[j].id))
                    json_object_set_new(js, "state", json_string(jobs[j].state));
            if (changed || !still)
                session_save(S);
            jobs[j].active = still;
            active += (size_t)still;
        }
        if (!active || proc_interrupted())
            break;
        struct timespec ts = {(time_t)S->poll_interval,
                              (long)((S->poll_interval - floor(S->poll_interval)) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* Jobs of an earlier session still holding pending runs: follows and collects them. */
static void follow_earlier(struct session *S, struct job *jobs)
{
    size_t nj = 0, i;
    json_t *r;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, r) {
        const char *jid = jstr(r, "job_id");
        if (strcmp(jstr(r, "status"), "pending") || !jid)
            continue;
        int seen = 0;
        for (size_t j = 0; j < nj; j++)
            seen |= !strcmp(jobs[j].id, jid);
        if (!seen) {
            snprintf(jobs[nj].id, sizeof jobs[nj].id, "%s", jid);
            jobs[nj].active = 1;
            jobs[nj].step = 0;
            nj++;
        }
    }
    if (nj) {
        fprintf(stderr, "exabench: following %zu batch job%s of the earlier session\n", nj, nj == 1 ? "" : "s");
        follow(S, jobs, nj);
    }
}

/* The node counts of the pending runs without a job, in plan order (one script each). */
static size_t pending_steps(json_t *runs, long *steps)
{
    size_t nsteps = 0, i;
    json_t *r;
    json_array_foreach(runs, i, r) {
        if (strcmp(jstr(r, "status"), "pending") || jstr(r, "job_id"))
            continue;
        long nodes = (long)json_integer_value(json_object_get(json_object_get(r, "scale"), "nodes"));
        int seen = 0;
        for (size_t k = 0; k < nsteps; k++)
            seen |= steps[k] == nodes;
        if (!seen)
            steps[nsteps++] = nodes;
    }
    return nsteps;
}

/* The pending runs on `nodes` nodes, prepared for a new attempt (not for a dry run), into mine;
 * *seconds grows by their time limits. Returns how many. */
static size_t step_runs(struct session *S, long nodes, int dry_run, json_t **mine, double *seconds)
{
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(json_object_get(S->manifest, "runs"), i, r) {
        if (strcmp(jstr(r, "status"), "pending") || jstr(r, "job_id"))
            continue;
        if ((long)json_integer_value(json_object_get(json_object_get(r, "scale"), "nodes")) != nodes)
            continue;
        if (!dry_run && run_prepare_attempt(S, r) == 1) {
            progress_show(S, r, 0, jstr(r, "status"));
            continue;
        }
        if (!dry_run) {
            char p[PATH_MAX + 256];
            marker_path(S, r, "started", p, sizeof p);
            unlink(p);
            marker_path(S, r, "rc", p, sizeof p);
            unlink(p);
            json_object_set_new(r, "attempts", json_integer(json_integer_value(json_object_get(r, "attempts")) + 1));
        }
        mine[n++] = r;
        *seconds += ceil(run_timeout(r)) + S->grace;
    }
    return n;
}

/* A submitted step: its runs carry the job id, the launcher's jobs list the script, and it is
 * followed with the others. */
static void note_job(struct session *S, json_t **mine, size_t n, int step, long nodes, const char *jid,
                     struct job *job)
{
    json_t *jobs_json = json_object_get(json_object_get(S->manifest, "launcher"), "jobs");
    json_t *idx = json_array();
    for (size_t m = 0; m < n; m++) {
        json_object_set_new(mine[m], "job_id", json_string(jid));
        json_array_append_new(idx, json_integer(json_integer_value(json_object_get(mine[m], "index"))));
    }
    char rel[64];
    snprintf(rel, sizeof rel, "slurm/step-%d.sh", step);
    json_array_append_new(jobs_json, json_pack("{s:i, s:s, s:s, s:I, s:o, s:s}", "step", step, "script", rel,
                                               "job_id", jid, "nodes", (json_int_t)nodes, "runs", idx,
                                               "state", "SUBMITTED"));
    snprintf(job->id, sizeof job->id, "%s", jid);
    job->active = 1;
    job->step = step;
}

/* Writes the step's script and submits it (or, dry, prints both). 1 when a job was submitted, 0
 * when not (dry run), -1 on failure. */
static int submit_step(struct session *S, json_t **mine, size_t n, int step, long nodes, double seconds,
                       int dry_run, struct job *job)
{
    json_t *L = json_object_get(S->manifest, "launcher");
    char minutes[64], path[PATH_MAX + 64];
    if (jstr(L, "time_limit"))
        snprintf(minutes, sizeof minutes, "%s", jstr(L, "time_limit"));
    else
        snprintf(minutes, sizeof minutes, "%ld", (long)ceil(seconds / 60));
    char *script = batch_script(S, mine, n, step, nodes, minutes);
    if (!script)
        return -2;
    snprintf(path, sizeof path, "%s/slurm/step-%d.sh", S->dir, step);
    struct strlist argv = {0};
    strlist_push(&argv, "sbatch");
    strlist_push(&argv, "--parsable");
    json_t *sa = json_object_get(L, "sbatch_args");
    for (size_t a = 0; a < json_array_size(sa); a++)
        strlist_push(&argv, json_string_value(json_array_get(sa, a)));
    strlist_push(&argv, path);
    int rc = 0;
    if (dry_run) {
        json_t *aj = strlist_json(&argv);
        char *line = shell_join(aj);
        json_decref(aj);
        printf("# ---- %s  (submit: %s)\n%s\n", path, line, script);
        free(line);
    } else if (rd_write_atomic(path, script, strlen(script), 1) != 0) {
        fprintf(stderr, "exabench: error: can not write %s: %s\n", path, strerror(errno));
        rc = -1;
    } else {
        char **av = strlist_argv(&argv);
        char *out = NULL, jid[64] = "";
        int xrc = proc_capture(av, &out);
        free(av);
        if (xrc == 0 && out)
            sscanf(out, "%63[0-9]", jid);
        free(out);
        if (!*jid) {
            fprintf(stderr, "exabench: error: sbatch %s failed (exit %d)\n", path, xrc);
            rc = -1;
        } else {
            fprintf(stderr, "exabench: submitted %s as batch job %s (%ld node%s, %zu run%s)\n", path, jid,
                    nodes, nodes == 1 ? "" : "s", n, n == 1 ? "" : "s");
            note_job(S, mine, n, step, nodes, jid, job);
            rc = 1;
        }
        session_save(S);
    }
    strlist_free(&argv);
    free(script);
    return rc;
}

static int sbatch_execute(struct session *S, int dry_run)
{
    json_t *runs = json_object_get(S->manifest, "runs");
    json_t *L = json_object_get(S->manifest, "launcher");
    json_t *jobs_json = json_object_get(L, "jobs");
    if (!json_is_array(jobs_json)) {
        jobs_json = json_array();
        json_object_set_new(L, "jobs", jobs_json);
    }
    size_t cap = json_array_size(runs) + json_array_size(jobs_json) + 1, nj = 0;
    struct job *jobs = calloc(cap, sizeof *jobs);
    if (!dry_run) {
        follow_earlier(S, jobs);
        memset(jobs, 0, cap * sizeof *jobs);
        if (proc_interrupted()) {
            free(jobs);
            return 0;
        }
    }
    long *steps = calloc(json_array_size(runs) + 1, sizeof *steps);
    size_t nsteps = pending_steps(runs, steps);
    char sdir[PATH_MAX + 16];
    snprintf(sdir, sizeof sdir, "%s/slurm", S->dir);
    if (!dry_run && nsteps)
        mkdir(sdir, 0755);
    int step_base = (int)json_array_size(jobs_json), failed = 0, bad_input = 0;
    for (size_t k = 0; k < nsteps && !failed; k++) {
        json_t **mine = calloc(json_array_size(runs) + 1, sizeof *mine);
        double seconds = 300;
        size_t n = step_runs(S, steps[k], dry_run, mine, &seconds);
        int rc = n ? submit_step(S, mine, n, step_base + (int)k + 1, steps[k], seconds, dry_run, &jobs[nj]) : 0;
        nj += rc == 1;
        failed = rc < 0;
        bad_input = rc == -2;
        free(mine);
    }
    free(steps);
    if (!dry_run && nj)
        follow(S, jobs, nj);
    if (!dry_run && proc_interrupted())
        fprintf(stderr, "exabench: the batch jobs go on; 'exabench run --resume %s' collects them\n", S->run_id);
    free(jobs);
    return bad_input ? -2 : failed ? -1 : 0;
}

const struct executor executor_sbatch = {"sbatch", sbatch_execute};
