/* `exabench screen` and `run --screen`: the compute-bound and the memory-bound kind (kinds/, their
 * screen role) on one node each, on every node at once;
 * nodes whose figure falls below the median by more than the threshold (and by more than k scaled
 * MADs) are flagged, written to screen/flagged-nodes.txt and excluded from later scale steps. */
#include "screen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_record.h"
#include "exa_stats.h"
#include "file_atomic.h"
#include "launch.h"
#include "manifest.h"
#include "proc.h"

/* The metric a screen uses from a record: the named one, or the first higher-is-better metric in
 * the given unit (preferring `preferred` when present). */
static int pick_metric(json_t *rec, const char *name, const char *preferred, const char *unit,
                       double *value, const char **used)
{
    json_t *metrics = json_object_get(rec, "metrics");
    const char *want = name ? name : (json_object_get(metrics, preferred) ? preferred : NULL);
    if (!want) {
        const char *k;
        json_t *m;
        json_object_foreach(metrics, k, m) {
            const char *u = json_string_value(json_object_get(m, "unit"));
            const char *d = json_string_value(json_object_get(m, "direction"));
            if (u && !strcmp(u, unit) && (!d || !strcmp(d, "higher"))) {
                want = k;
                break;
            }
        }
    }
    json_t *m = want ? json_object_get(metrics, want) : NULL;
    if (!m || !json_is_number(json_object_get(m, "value")))
        return -1;
    *value = json_number_value(json_object_get(m, "value"));
    *used = want;
    return 0;
}

static int node_list(const struct suite *s, struct strlist *nodes)
{
    if (s->launcher.type == LAUNCH_LOCAL) {
        if (s->screen.nodes.n) {
            strlist_append(nodes, &s->screen.nodes);
        } else {
            char host[256] = "localhost";
            gethostname(host, sizeof host - 1);
            strlist_push(nodes, host);
        }
        return 0;
    }
    const char *list = getenv("SLURM_JOB_NODELIST");
    if (!list || !*list) {
        fprintf(stderr, "exabench: error: screening with the slurm launcher runs inside an allocation "
                "of the nodes to screen (e.g. salloc -N 64 exabench screen SUITE)\n");
        return -1;
    }
    char *argv[] = {"scontrol", "show", "hostnames", (char *)list, NULL};
    char *out = NULL;
    int rc = proc_capture(argv, &out);
    if (rc != 0) {
        fprintf(stderr, "exabench: error: 'scontrol show hostnames %s' failed (exit %d)\n", list, rc);
        free(out);
        return -1;
    }
    char *save = NULL;
    for (char *t = strtok_r(out, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
        if (*t)
            strlist_push(nodes, t);
    free(out);
    return nodes->n ? 0 : -1;
}

struct screen_bench {
    const char *name;           /* the kind's */
    const char *metric_name;    /* from the suite, or NULL: automatic */
    const char *preferred, *unit;
};

/* One screening session: the nodes, where its files go, and what it found so far. */
struct screen_ctx {
    const struct suite *s;
    const struct screen_cfg *sc;
    struct session *S;
    struct strlist nodes;
    size_t nn;
    char sdir[PATH_MAX + 64];
    long rpn, tpr;
    double *values;             /* [kind][node] */
    int *node_flag;
    json_t *out, *bj, *nodes_json;
};

/* The command and environment of kind k's run on node i, recorded in nodes_json. */
static void node_command(struct screen_ctx *x, const struct kind *k, const char *bin, size_t i,
                         struct strlist *a, struct envlist *env)
{
    const struct suite *s = x->s;
    char tprs[32];
    snprintf(tprs, sizeof tprs, "%ld", x->tpr);
    envlist_merge(env, &s->env);
    if (!envlist_get(env, "OMP_NUM_THREADS"))
        envlist_set(env, "OMP_NUM_THREADS", tprs);
    if (!envlist_get(env, "OPENBLAS_NUM_THREADS"))
        envlist_set(env, "OPENBLAS_NUM_THREADS", tprs);
    envlist_set(env, "EXA_LAUNCHER", launcher_type_name(s->launcher.type));
    envlist_set(env, "EXA_SCREEN_NODE", x->nodes.v[i]);
    if (s->launcher.type == LAUNCH_LOCAL) {
        strlist_push(a, s->launcher.mpirun ? s->launcher.mpirun : "mpirun");
        if (geteuid() == 0)
            strlist_push(a, "--allow-run-as-root");
        if (s->launcher.oversubscribe)
            strlist_push(a, "--oversubscribe");
        strlist_push(a, "-np");
        strlist_pushf(a, "%ld", x->rpn);
        for (size_t n = 0; n < env->names.n; n++) {
            strlist_push(a, "-x");
            strlist_push(a, env->names.v[n]);
        }
        strlist_push(a, "-x");
        strlist_push(a, "EXA_LAUNCH_COMMAND");
        strlist_append(a, &s->launcher.mpirun_args);
    } else {
        strlist_push(a, "srun");
        strlist_push(a, "--nodes=1");
        strlist_pushf(a, "--ntasks=%ld", x->rpn);
        strlist_pushf(a, "--ntasks-per-node=%ld", x->rpn);
        strlist_pushf(a, "--cpus-per-task=%ld", x->tpr);
        strlist_pushf(a, "--nodelist=%s", x->nodes.v[i]);
        strlist_append(a, &s->launcher.srun_args);
    }
    strlist_push(a, bin);
    k->screen.argv(x->sc, x->rpn, x->tpr, a);
    char rec[PATH_MAX];
    snprintf(rec, sizeof rec, "screen/records/%s-%s.json", x->nodes.v[i], k->name);
    strlist_push(a, "--json");
    strlist_push(a, rec);
    json_t *cmd = strlist_json(a);
    char *cmdtext = json_dumps(cmd, JSON_COMPACT);
    envlist_set(env, "EXA_LAUNCH_COMMAND", cmdtext);
    free(cmdtext);
    json_t *nr = json_object_get(json_array_get(x->nodes_json, i), "results");
    json_object_set_new(nr, k->name, json_pack("{s:o}", "command", cmd));
}

/* One node's outcome for kind b: status, value (NaN when none) and why, into nodes_json. *used
 * keeps the first metric name taken. */
static void collect_node(struct screen_ctx *x, int b, const struct screen_bench *bench, size_t i,
                         const struct proc_result *res, const char *log, const char **used)
{
    json_t *nr = json_object_get(json_object_get(json_array_get(x->nodes_json, i), "results"), bench->name);
    char rec[PATH_MAX + 256], why[512] = "";
    snprintf(rec, sizeof rec, "%s/records/%s-%s.json", x->sdir, x->nodes.v[i], bench->name);
    int valid = 0, rc = record_check(rec, &valid, why, sizeof why);
    const char *status = res->timed_out ? "timeout"
                       : res->signaled || (res->exited && res->exit_code > 128) ? "crashed"
                       : res->exited && res->exit_code == 0 && rc == 0 && valid ? "valid"
                       : rc == 0 && !valid ? "verification-failed"
                       : rc == -2 ? "invalid-output" : "failed";
    double *value = &x->values[(size_t)b * x->nn + i];
    *value = NAN;
    if (!strcmp(status, "valid")) {
        json_t *r = json_load_file(rec, 0, NULL);
        double v;
        const char *u;
        if (pick_metric(r, bench->metric_name, bench->preferred, bench->unit, &v, &u) == 0) {
            *value = v;
            json_object_set_new(nr, "metric", json_string(u));
            if (!*used) {
                static char keep[2][128];
                snprintf(keep[b], sizeof keep[b], "%s", u);
                *used = keep[b];
            }
        } else {
            status = "invalid-output";
            snprintf(why, sizeof why, "the record has no %s metric%s%s", bench->unit,
                     bench->metric_name ? " named " : "", bench->metric_name ? bench->metric_name : "");
        }
        json_decref(r);
    }
    json_object_set_new(nr, "status", json_string(status));
    json_object_set_new(nr, "value", isnan(*value) ? json_null() : json_real(*value));
    char relrec[PATH_MAX], rellog[PATH_MAX];
    snprintf(relrec, sizeof relrec, "screen/records/%s-%s.json", x->nodes.v[i], bench->name);
    snprintf(rellog, sizeof rellog, "screen/logs/%s-%s.log", x->nodes.v[i], bench->name);
    json_object_set_new(nr, "record", rc == -1 ? json_null() : json_string(relrec));
    json_object_set_new(nr, "log", json_string(rellog));
    json_object_set_new(nr, "exit_code", res->exited ? json_integer(res->exit_code) : json_null());
    if (*why && strcmp(status, "valid"))
        json_object_set_new(nr, "error", json_string(why));
    if (strcmp(status, "valid")) {
        char *tail = file_tail(log, 10);
        json_object_set_new(nr, "log_tail", json_string(tail));
        free(tail);
    }
}

/* Kind b's statistics and the nodes it flags, with their reasons. */
static void flag_bench(struct screen_ctx *x, int b, const char *name, const char *used)
{
    size_t nn = x->nn;
    int *flags = calloc(nn, sizeof *flags);
    double med, mad, cut;
    screen_flag_low(x->values + (size_t)b * nn, nn, x->sc->threshold, x->sc->mad_k, flags, &med, &mad, &cut);
    json_object_set_new(x->bj, name,
                        json_pack("{s:o, s:o, s:o, s:o}", "metric", used ? json_string(used) : json_null(),
                                  "median", isnan(med) ? json_null() : json_real(med), "mad",
                                  isnan(mad) ? json_null() : json_real(mad), "cutoff",
                                  isnan(cut) ? json_null() : json_real(cut)));
    for (size_t i = 0; i < nn; i++) {
        if (!flags[i])
            continue;
        x->node_flag[i] = 1;
        json_t *nj = json_array_get(x->nodes_json, i);
        json_object_set_new(nj, "flagged", json_true());
        char reason[512];
        double v = x->values[(size_t)b * nn + i];
        json_t *nr = json_object_get(json_object_get(nj, "results"), name);
        if (isnan(v))
            snprintf(reason, sizeof reason, "exa-%s: %s", name, json_string_value(json_object_get(nr, "status")));
        else
            snprintf(reason, sizeof reason, "exa-%s: %s %.4g is below the cut-off %.4g (median %.4g, MAD %.4g)",
                     name, used ? used : "value", v, cut, med, mad);
        json_array_append_new(json_object_get(nj, "reasons"), json_string(reason));
    }
    free(flags);
}

/* Kind b on every node at once, then its outcomes and flags. 0, or -1 when nothing could start. */
static int screen_bench_run(struct screen_ctx *x, int b, const struct kind *k, const char *bin,
                            const struct screen_bench *bench)
{
    size_t nn = x->nn;
    struct proc_spec *specs = calloc(nn, sizeof *specs);
    struct proc_result *res = calloc(nn, sizeof *res);
    struct strlist *argvs = calloc(nn, sizeof *argvs);
    char ***argvp = calloc(nn, sizeof *argvp);
    struct envlist *envs = calloc(nn, sizeof *envs);
    char (*logs)[PATH_MAX + 256] = calloc(nn, sizeof *logs);
    for (size_t i = 0; i < nn; i++) {
        node_command(x, k, bin, i, &argvs[i], &envs[i]);
        argvp[i] = strlist_argv(&argvs[i]);
        snprintf(logs[i], sizeof logs[i], "%s/logs/%s-%s.log", x->sdir, x->nodes.v[i], bench->name);
        specs[i] = (struct proc_spec){.argv = argvp[i], .env = &envs[i], .cwd = x->S->dir,
                                      .log_path = logs[i], .timeout = x->sc->timeout,
                                      .grace = x->S->grace > 0 ? x->S->grace : 10};
    }
    fprintf(stderr, "exabench: screen: exa-%s on %zu node%s at once\n", bench->name, nn, nn == 1 ? "" : "s");
    int rc = proc_run_all(specs, nn, res);
    if (rc != 0) {
        fprintf(stderr, "exabench: error: can not start the screening runs: %s\n", strerror(errno));
    } else {
        const char *used = NULL;
        for (size_t i = 0; i < nn; i++)
            collect_node(x, b, bench, i, &res[i], logs[i], &used);
        flag_bench(x, b, bench->name, used);
    }
    for (size_t i = 0; i < nn; i++) {
        free(argvp[i]);
        strlist_free(&argvs[i]);
        envlist_free(&envs[i]);
    }
    free(specs);
    free(res);
    free(argvs);
    free(argvp);
    free(envs);
    free(logs);
    return rc != 0 ? -1 : 0;
}

/* screen.json, flagged-nodes.txt and the manifest's note; the flagged nodes into flagged. */
static void screen_write(struct screen_ctx *x, struct strlist *flagged)
{
    size_t nn = x->nn;
    json_t *fl = json_array();
    size_t total_len = 1;
    for (size_t i = 0; i < nn; i++)
        total_len += strlen(x->nodes.v[i]) + 1;
    char *text = calloc(1, total_len);
    for (size_t i = 0; i < nn; i++)
        if (x->node_flag[i]) {
            json_array_append_new(fl, json_string(x->nodes.v[i]));
            strlist_push(flagged, x->nodes.v[i]);
            strcat(text, x->nodes.v[i]);
            strcat(text, "\n");
        }
    json_object_set_new(x->out, "flagged", fl);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/flagged-nodes.txt", x->sdir);
    rd_write_atomic(path, text, strlen(text), 1);
    free(text);
    char *js = json_dumps(x->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    snprintf(path, sizeof path, "%s/screen.json", x->sdir);
    size_t jl = strlen(js);
    js = realloc(js, jl + 2);
    js[jl] = '\n';
    js[jl + 1] = 0;
    rd_write_atomic(path, js, strlen(js), 1);
    free(js);
    /* why each flagged node is left out, in the manifest itself: screen.json may be gone or a
     * later screen's, and a reader of the manifest alone must see the reason */
    json_t *why = json_object();
    for (size_t i = 0; i < nn; i++)
        if (x->node_flag[i])
            json_object_set(why, x->nodes.v[i], json_object_get(json_array_get(x->nodes_json, i), "reasons"));
    json_object_set_new(x->S->manifest, "screen", json_pack("{s:s, s:s, s:O, s:o}", "file", "screen/screen.json",
                                                            "flagged_nodes_file", "screen/flagged-nodes.txt",
                                                            "flagged", fl, "reasons", why));
    session_save(x->S);
}

/* What the screen found, on stderr. */
static void screen_say(const struct screen_ctx *x)
{
    json_t *fl = json_object_get(x->out, "flagged");
    size_t nflag = json_array_size(fl), nn = x->nn;
    fprintf(stderr, "exabench: screen: %zu of %zu node%s flagged%s", nflag, nn, nn == 1 ? "" : "s", nflag ? ":" : "");
    for (size_t i = 0; i < nflag; i++)
        fprintf(stderr, " %s", json_string_value(json_array_get(fl, i)));
    fprintf(stderr, "\n");
    for (size_t i = 0; i < nn; i++) {
        json_t *reasons = json_object_get(json_array_get(x->nodes_json, i), "reasons");
        for (size_t k = 0; k < json_array_size(reasons); k++)
            fprintf(stderr, "  %s: %s\n", x->nodes.v[i], json_string_value(json_array_get(reasons, k)));
    }
}

/* screen.json's head: the rule, and one entry per node. */
static void screen_begin(struct screen_ctx *x)
{
    x->out = json_object();
    json_object_set_new(x->out, "schema", json_string("exabench.screen"));
    json_object_set_new(x->out, "schema_version", json_integer(1));
    json_object_set_new(x->out, "threshold", json_real(x->sc->threshold));
    json_object_set_new(x->out, "mad_k", json_real(x->sc->mad_k));
    json_object_set_new(x->out, "rule", json_string("flagged when value < median - max(threshold x median, "
                                                    "mad_k x 1.4826 x MAD), or when the run gave no valid record"));
    x->bj = json_object();
    json_object_set_new(x->out, "benchmarks", x->bj);
    x->nodes_json = json_array();
    for (size_t i = 0; i < x->nn; i++)
        json_array_append_new(x->nodes_json, json_pack("{s:s, s:b, s:[], s:{}}", "node", x->nodes.v[i], "flagged",
                                                       0, "reasons", "results"));
    json_object_set_new(x->out, "nodes", x->nodes_json);
}

int screen_execute(const struct suite *s, struct session *S, struct strlist *flagged)
{
    struct screen_ctx x = {.s = s, .sc = &s->screen, .S = S};
    const struct screen_cfg *sc = &s->screen;
    if (node_list(s, &x.nodes) != 0)
        return -1;
    char sub[PATH_MAX + 128];
    snprintf(x.sdir, sizeof x.sdir, "%s/screen", S->dir);
    mkdir(x.sdir, 0755);
    snprintf(sub, sizeof sub, "%s/records", x.sdir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/logs", x.sdir);
    mkdir(sub, 0755);
    long tpr = x.tpr = sc->threads_per_rank ? sc->threads_per_rank : 1;
    x.rpn = sc->ranks_per_node ? sc->ranks_per_node
          : s->system.cores_per_node ? (s->system.cores_per_node / tpr > 0 ? s->system.cores_per_node / tpr : 1)
          : s->launcher.type == LAUNCH_LOCAL ? (sysconf(_SC_NPROCESSORS_ONLN) / tpr > 0 ? sysconf(_SC_NPROCESSORS_ONLN) / tpr : 1)
          : 1;
    /* The screened kinds in their roles: compute-bound first, then memory-bound. */
    const struct kind *kinds[2] = {kind_screened(KIND_SCREEN_COMPUTE), kind_screened(KIND_SCREEN_MEMORY)};
    const char *bins[2] = {sc->hpl_binary, sc->stream_binary};
    x.nn = x.nodes.n;
    x.values = calloc(x.nn * 2, sizeof *x.values);
    x.node_flag = calloc(x.nn, sizeof *x.node_flag);
    screen_begin(&x);
    fprintf(stderr, "exabench: screening %zu node%s\n", x.nn, x.nn == 1 ? "" : "s");
    for (int b = 0; b < 2; b++) {
        const struct kind_screen_ops *o = &kinds[b]->screen;
        struct screen_bench bench = {kinds[b]->name, o->metric(sc), o->preferred, o->unit};
        if (o->wanted(sc) && screen_bench_run(&x, b, kinds[b], bins[b], &bench) != 0)
            return -1;
    }
    screen_write(&x, flagged);
    screen_say(&x);
    json_decref(x.out);
    free(x.values);
    free(x.node_flag);
    strlist_free(&x.nodes);
    return 0;
}

static void screen_usage(FILE *out)
{
    /* The screened kinds are named in the text by their binaries, as the suite's keys name them. */
    const struct kind *kc = kind_screened(KIND_SCREEN_COMPUTE), *km = kind_screened(KIND_SCREEN_MEMORY);
    fprintf(out,
        "Usage: exabench screen SUITE [--out DIR]\n\n"
        "Runs the suite's single-node benchmarks (its 'screen' section: %s of order hpl_n on\n"
        "one node, %s of stream_size elements) on every node at once, then flags the nodes\n"
        "whose figure falls below the median: a node is flagged when its value is below\n"
        "  median - max(threshold x median, mad_k x 1.4826 x MAD)\n"
        "(MAD: the median absolute deviation from the median), or when its run crashed, timed\n"
        "out, failed or wrote no valid record. With the slurm launcher the nodes are those of the\n"
        "current allocation (run it under salloc); with the local launcher, this host, or the\n"
        "labels in screen.nodes (for testing: all run here, each with EXA_SCREEN_NODE=label).\n\n"
        "Writes DIR/<run-id>/screen/: screen.json (every node's figures, the median, MAD and\n"
        "cut-off, and why each flagged node was flagged), flagged-nodes.txt (one host per line)\n"
        "and records/ and logs/ per node, plus a manifest.json with no runs. Give the list to\n"
        "'exabench run --exclude-file', or use 'exabench run --screen' to screen and run at once.\n\n"
        "Options:\n"
        "  --out DIR     parent folder of run folders (default: results)\n"
        "  -h, --help    this text\n\n"
        "Exit status: 0 no node flagged, 1 some node flagged, 2 bad usage or a bad suite file.\n",
        kc ? kc->binary : "-", km ? km->binary : "-");
}

int cmd_screen(int argc, char **argv)
{
    const char *out = "results", *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            screen_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--out")) {
            if (i + 1 >= argc)
                exa_usage_error("--out needs a folder");
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            exa_usage_error("screen: unknown option '%s'", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            exa_usage_error("screen: one suite file expected, got '%s' and '%s'", file, argv[i]);
        }
    }
    if (!file)
        exa_usage_error("screen: missing the suite file");
    struct suite s;
    if (suite_load(file, &s) != 0) {
        suite_free(&s);
        return EXA_EXIT_USAGE;
    }
    if (!s.screen.present) {
        fprintf(stderr, "%s: error: the suite has no 'screen' section\n", file);
        suite_free(&s);
        return EXA_EXIT_USAGE;
    }
    struct session S;
    memset(&S, 0, sizeof S);
    proc_install_signal_handlers();
    char made[PATH_MAX];
    if (manifest_make_dir(out, S.run_id, sizeof S.run_id, made, sizeof made) != 0 || !realpath(made, S.dir)) {
        fprintf(stderr, "exabench: error: can not create a run folder under %s: %s\n", out, strerror(errno));
        suite_free(&s);
        return EXA_EXIT_USAGE;
    }
    S.grace = s.launcher.kill_grace;
    S.manifest = manifest_new(&s, S.run_id);
    session_save(&S);
    struct strlist flagged = {0};
    int rc = screen_execute(&s, &S, &flagged);
    printf("%s/screen/flagged-nodes.txt: %zu node%s flagged\n", S.dir, flagged.n, flagged.n == 1 ? "" : "s");
    for (size_t i = 0; i < flagged.n; i++)
        printf("  %s\n", flagged.v[i]);
    int code = rc != 0 ? EXA_EXIT_USAGE : flagged.n ? EXA_EXIT_FAILED : EXA_EXIT_OK;
    strlist_free(&flagged);
    json_decref(S.manifest);
    suite_free(&s);
    return code;
}
