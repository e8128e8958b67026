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

int screen_execute(const struct suite *s, struct session *S, struct strlist *flagged)
{
    const struct screen_cfg *sc = &s->screen;
    struct strlist nodes = {0};
    if (node_list(s, &nodes) != 0)
        return -1;
    char sdir[PATH_MAX + 64], sub[PATH_MAX + 128];
    snprintf(sdir, sizeof sdir, "%s/screen", S->dir);
    mkdir(sdir, 0755);
    snprintf(sub, sizeof sub, "%s/records", sdir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/logs", sdir);
    mkdir(sub, 0755);

    long tpr = sc->threads_per_rank ? sc->threads_per_rank : 1;
    long rpn = sc->ranks_per_node ? sc->ranks_per_node
             : s->system.cores_per_node ? (s->system.cores_per_node / tpr > 0 ? s->system.cores_per_node / tpr : 1)
             : s->launcher.type == LAUNCH_LOCAL ? (sysconf(_SC_NPROCESSORS_ONLN) / tpr > 0 ? sysconf(_SC_NPROCESSORS_ONLN) / tpr : 1)
             : 1;
    /* The screened kinds in their roles: compute-bound first, then memory-bound. */
    const struct kind *kinds[2] = {kind_screened(KIND_SCREEN_COMPUTE), kind_screened(KIND_SCREEN_MEMORY)};
    const char *bins[2] = {sc->hpl_binary, sc->stream_binary};
    struct screen_bench benches[2];
    int wanted[2];
    for (int b = 0; b < 2; b++) {
        const struct kind_screen_ops *o = &kinds[b]->screen;
        benches[b] = (struct screen_bench){kinds[b]->name, o->metric(sc), o->preferred, o->unit};
        wanted[b] = o->wanted(sc);
    }
    size_t nn = nodes.n;
    double *values = calloc(nn * 2, sizeof *values);
    int *node_flag = calloc(nn, sizeof *node_flag);
    json_t *out = json_object();
    json_object_set_new(out, "schema", json_string("exabench.screen"));
    json_object_set_new(out, "schema_version", json_integer(1));
    json_object_set_new(out, "threshold", json_real(sc->threshold));
    json_object_set_new(out, "mad_k", json_real(sc->mad_k));
    json_object_set_new(out, "rule", json_string("flagged when value < median - max(threshold x median, "
                                                 "mad_k x 1.4826 x MAD), or when the run gave no valid record"));
    json_t *bj = json_object();
    json_object_set_new(out, "benchmarks", bj);
    json_t *nodes_json = json_array();
    for (size_t i = 0; i < nn; i++)
        json_array_append_new(nodes_json, json_pack("{s:s, s:b, s:[], s:{}}", "node", nodes.v[i], "flagged", 0,
                                                    "reasons", "results"));
    json_object_set_new(out, "nodes", nodes_json);

    fprintf(stderr, "exabench: screening %zu node%s\n", nn, nn == 1 ? "" : "s");
    for (int b = 0; b < 2; b++) {
        if (!wanted[b])
            continue;
        struct proc_spec *specs = calloc(nn, sizeof *specs);
        struct proc_result *res = calloc(nn, sizeof *res);
        struct strlist *argvs = calloc(nn, sizeof *argvs);
        char ***argvp = calloc(nn, sizeof *argvp);
        struct envlist *envs = calloc(nn, sizeof *envs);
        char (*logs)[PATH_MAX + 256] = calloc(nn, sizeof *logs);
        for (size_t i = 0; i < nn; i++) {
            struct strlist *a = &argvs[i];
            char tprs[32];
            snprintf(tprs, sizeof tprs, "%ld", tpr);
            envlist_merge(&envs[i], &s->env);
            if (!envlist_get(&envs[i], "OMP_NUM_THREADS"))
                envlist_set(&envs[i], "OMP_NUM_THREADS", tprs);
            if (!envlist_get(&envs[i], "OPENBLAS_NUM_THREADS"))
                envlist_set(&envs[i], "OPENBLAS_NUM_THREADS", tprs);
            envlist_set(&envs[i], "EXA_LAUNCHER", launcher_type_name(s->launcher.type));
            envlist_set(&envs[i], "EXA_SCREEN_NODE", nodes.v[i]);
            if (s->launcher.type == LAUNCH_LOCAL) {
                strlist_push(a, s->launcher.mpirun ? s->launcher.mpirun : "mpirun");
                if (geteuid() == 0)
                    strlist_push(a, "--allow-run-as-root");
                if (s->launcher.oversubscribe)
                    strlist_push(a, "--oversubscribe");
                strlist_push(a, "-np");
                strlist_pushf(a, "%ld", rpn);
                for (size_t k = 0; k < envs[i].names.n; k++) {
                    strlist_push(a, "-x");
                    strlist_push(a, envs[i].names.v[k]);
                }
                strlist_push(a, "-x");
                strlist_push(a, "EXA_LAUNCH_COMMAND");
                strlist_append(a, &s->launcher.mpirun_args);
            } else {
                strlist_push(a, "srun");
                strlist_push(a, "--nodes=1");
                strlist_pushf(a, "--ntasks=%ld", rpn);
                strlist_pushf(a, "--ntasks-per-node=%ld", rpn);
                strlist_pushf(a, "--cpus-per-task=%ld", tpr);
                strlist_pushf(a, "--nodelist=%s", nodes.v[i]);
                strlist_append(a, &s->launcher.srun_args);
            }
            strlist_push(a, bins[b]);
            kinds[b]->screen.argv(sc, rpn, tpr, a);
            char rec[PATH_MAX];
            snprintf(rec, sizeof rec, "screen/records/%s-%s.json", nodes.v[i], benches[b].name);
            strlist_push(a, "--json");
            strlist_push(a, rec);
            json_t *cmd = strlist_json(a);
            char *cmdtext = json_dumps(cmd, JSON_COMPACT);
            envlist_set(&envs[i], "EXA_LAUNCH_COMMAND", cmdtext);
            free(cmdtext);
            argvp[i] = strlist_argv(a);
            snprintf(logs[i], sizeof logs[i], "%s/logs/%s-%s.log", sdir, nodes.v[i], benches[b].name);
            specs[i] = (struct proc_spec){.argv = argvp[i], .env = &envs[i], .cwd = S->dir,
                                          .log_path = logs[i], .timeout = sc->timeout,
                                          .grace = S->grace > 0 ? S->grace : 10};
            json_t *nr = json_object_get(json_array_get(nodes_json, i), "results");
            json_object_set_new(nr, benches[b].name, json_pack("{s:o}", "command", cmd));
        }
        fprintf(stderr, "exabench: screen: exa-%s on %zu node%s at once\n", benches[b].name, nn, nn == 1 ? "" : "s");
        if (proc_run_all(specs, nn, res) != 0) {
            fprintf(stderr, "exabench: error: can not start the screening runs: %s\n", strerror(errno));
            return -1;
        }
        const char *used = NULL;
        for (size_t i = 0; i < nn; i++) {
            json_t *nr = json_object_get(json_object_get(json_array_get(nodes_json, i), "results"), benches[b].name);
            char rec[PATH_MAX + 256], why[512] = "";
            snprintf(rec, sizeof rec, "%s/records/%s-%s.json", sdir, nodes.v[i], benches[b].name);
            int valid = 0, rc = record_check(rec, &valid, why, sizeof why);
            const char *status = res[i].timed_out ? "timeout"
                               : res[i].signaled || (res[i].exited && res[i].exit_code > 128) ? "crashed"
                               : res[i].exited && res[i].exit_code == 0 && rc == 0 && valid ? "valid"
                               : rc == 0 && !valid ? "verification-failed"
                               : rc == -2 ? "invalid-output" : "failed";
            values[b * nn + i] = NAN;
            if (!strcmp(status, "valid")) {
                json_t *r = json_load_file(rec, 0, NULL);
                double v;
                const char *u;
                if (pick_metric(r, benches[b].metric_name, benches[b].preferred, benches[b].unit, &v, &u) == 0) {
                    values[b * nn + i] = v;
                    json_object_set_new(nr, "metric", json_string(u));
                    if (!used) {
                        static char keep[2][128];
                        snprintf(keep[b], sizeof keep[b], "%s", u);
                        used = keep[b];
                    }
                } else {
                    status = "invalid-output";
                    snprintf(why, sizeof why, "the record has no %s metric%s%s", benches[b].unit,
                             benches[b].metric_name ? " named " : "", benches[b].metric_name ? benches[b].metric_name : "");
                }
                json_decref(r);
            }
            json_object_set_new(nr, "status", json_string(status));
            json_object_set_new(nr, "value", isnan(values[b * nn + i]) ? json_null() : json_real(values[b * nn + i]));
            char relrec[PATH_MAX], rellog[PATH_MAX];
            snprintf(relrec, sizeof relrec, "screen/records/%s-%s.json", nodes.v[i], benches[b].name);
            snprintf(rellog, sizeof rellog, "screen/logs/%s-%s.log", nodes.v[i], benches[b].name);
            json_object_set_new(nr, "record", rc == -1 ? json_null() : json_string(relrec));
            json_object_set_new(nr, "log", json_string(rellog));
            json_object_set_new(nr, "exit_code", res[i].exited ? json_integer(res[i].exit_code) : json_null());
            if (*why && strcmp(status, "valid"))
                json_object_set_new(nr, "error", json_string(why));
            if (strcmp(status, "valid")) {
                char *tail = file_tail(logs[i], 10);
                json_object_set_new(nr, "log_tail", json_string(tail));
                free(tail);
            }
        }
        int *flags = calloc(nn, sizeof *flags);
        double med, mad, cut;
        screen_flag_low(values + b * nn, nn, sc->threshold, sc->mad_k, flags, &med, &mad, &cut);
        json_object_set_new(bj, benches[b].name,
                            json_pack("{s:o, s:o, s:o, s:o}", "metric", used ? json_string(used) : json_null(),
                                      "median", isnan(med) ? json_null() : json_real(med), "mad",
                                      isnan(mad) ? json_null() : json_real(mad), "cutoff",
                                      isnan(cut) ? json_null() : json_real(cut)));
        for (size_t i = 0; i < nn; i++) {
            if (!flags[i])
                continue;
            node_flag[i] = 1;
            json_t *nj = json_array_get(nodes_json, i);
            json_object_set_new(nj, "flagged", json_true());
            char reason[512];
            double v = values[b * nn + i];
            json_t *nr = json_object_get(json_object_get(nj, "results"), benches[b].name);
            if (isnan(v))
                snprintf(reason, sizeof reason, "exa-%s: %s", benches[b].name,
                         json_string_value(json_object_get(nr, "status")));
            else
                snprintf(reason, sizeof reason, "exa-%s: %s %.4g is below the cut-off %.4g (median %.4g, MAD %.4g)",
                         benches[b].name, used ? used : "value", v, cut, med, mad);
            json_array_append_new(json_object_get(nj, "reasons"), json_string(reason));
        }
        free(flags);
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
    }
    json_t *fl = json_array();
    size_t total_len = 1;
    for (size_t i = 0; i < nn; i++)
        total_len += strlen(nodes.v[i]) + 1;
    char *text = calloc(1, total_len);
    for (size_t i = 0; i < nn; i++)
        if (node_flag[i]) {
            json_array_append_new(fl, json_string(nodes.v[i]));
            strlist_push(flagged, nodes.v[i]);
            strcat(text, nodes.v[i]);
            strcat(text, "\n");
        }
    json_object_set_new(out, "flagged", fl);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/flagged-nodes.txt", sdir);
    rd_write_atomic(path, text, strlen(text), 1);
    free(text);
    char *js = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    snprintf(path, sizeof path, "%s/screen.json", sdir);
    size_t jl = strlen(js);
    js = realloc(js, jl + 2);
    js[jl] = '\n';
    js[jl + 1] = 0;
    rd_write_atomic(path, js, strlen(js), 1);
    free(js);
    json_object_set_new(S->manifest, "screen", json_pack("{s:s, s:s, s:O}", "file", "screen/screen.json",
                                                         "flagged_nodes_file", "screen/flagged-nodes.txt",
                                                         "flagged", fl));
    session_save(S);
    size_t nflag = json_array_size(fl);
    fprintf(stderr, "exabench: screen: %zu of %zu node%s flagged%s", nflag, nn, nn == 1 ? "" : "s", nflag ? ":" : "");
    for (size_t i = 0; i < json_array_size(fl); i++)
        fprintf(stderr, " %s", json_string_value(json_array_get(fl, i)));
    fprintf(stderr, "\n");
    for (size_t i = 0; i < nn; i++) {
        json_t *nj = json_array_get(nodes_json, i);
        for (size_t k = 0; k < json_array_size(json_object_get(nj, "reasons")); k++)
            fprintf(stderr, "  %s: %s\n", nodes.v[i], json_string_value(json_array_get(json_object_get(nj, "reasons"), k)));
    }
    json_decref(out);
    free(values);
    free(node_flag);
    strlist_free(&nodes);
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
