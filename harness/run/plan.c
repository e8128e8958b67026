/* Expanding a suite into its ordered list of runs, and `exabench plan`. Order: suite entries in
 * file order; within an entry, scale steps in increasing order, then sizes/tests, then
 * repetitions. */
#include "suite.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "launch.h"
#include "plan_fit.h"

__attribute__((format(printf, 3, 4)))
static int plan_fail(const struct suite *s, struct mark m, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d:%d: error: ", s->file, m.line, m.column);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static struct run *new_run(struct plan *p)
{
    p->runs = realloc(p->runs, (p->n + 1) * sizeof *p->runs);
    struct run *r = &p->runs[p->n++];
    memset(r, 0, sizeof *r);
    r->index = (int)p->n;
    return r;
}

/* The planner's side of a kind_step: the plan runs are added to. */
struct planner {
    struct plan *plan;
};

/* Appends to b (size len) at *at, keeping *at within the buffer: snprintf reports what it wanted. */
__attribute__((format(printf, 4, 5)))
static void append(char *b, size_t len, size_t *at, const char *fmt, ...)
{
    if (*at >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b + *at, len - *at, fmt, ap);
    va_end(ap);
    if (w > 0)
        *at = *at + (size_t)w < len ? *at + (size_t)w : len - 1;
}

/* Appends " x2 threads", " on 2 nodes", " rep 1/3" and their slug forms: what every kind shares. */
static void run_suffixes(const struct bench_entry *e, long nodes, int rep, char *slug, size_t sl,
                         char *label, size_t ll)
{
    size_t l = strlen(slug), m = strlen(label);
    if (e->threads_per_rank > 1) {
        append(slug, sl, &l, "-%ldt", e->threads_per_rank);
        append(label, ll, &m, " x%ld threads", e->threads_per_rank);
    }
    if (nodes > 1 || e->scale_by_nodes) {
        append(slug, sl, &l, "-%ldn", nodes);
        append(label, ll, &m, " on %ld node%s", nodes, nodes > 1 ? "s" : "");
    }
    if (e->repetitions > 1) {
        append(slug, sl, &l, "-rep%d", rep);
        append(label, ll, &m, " rep %d/%ld", rep, e->repetitions);
    }
}

static void run_env(const struct suite *s, const struct bench_entry *e, struct run *r)
{
    envlist_merge(&r->env, &s->env);
    envlist_merge(&r->env, &e->env);
    char tpr[32];
    snprintf(tpr, sizeof tpr, "%ld", e->threads_per_rank);
    if (!envlist_get(&r->env, "OMP_NUM_THREADS"))
        envlist_set(&r->env, "OMP_NUM_THREADS", tpr);
    if (e->kind->uses_blas && !envlist_get(&r->env, "OPENBLAS_NUM_THREADS"))
        envlist_set(&r->env, "OPENBLAS_NUM_THREADS", tpr);
    if (e->kind->uses_blas)
        suite_blas_kernels(s, &r->env);
}

static void fill_run(const struct kind_step *st, const void *variant, struct run *r, int rep)
{
    const struct bench_entry *e = st->entry;
    r->entry = e;
    r->benchmark = e->kind->name;
    r->nodes = st->nodes;
    r->ranks = st->ranks;
    r->ranks_per_node = st->ranks_per_node;
    r->threads_per_rank = e->threads_per_rank;
    r->repetition = rep;
    r->timeout = e->timeout;
    r->parameters = json_object();
    run_env(st->suite, e, r);
    strlist_push(&r->bench_argv, e->binary);
    struct kind_run kr = {.argv = &r->bench_argv, .parameters = r->parameters};
    e->kind->fill(st, variant, &kr);
    r->test = kr.test;
    strlist_append(&r->bench_argv, &e->extra_args);
    if (e->extra_args.n)
        json_object_set_new(r->parameters, "extra_args", strlist_json(&e->extra_args));
    run_suffixes(e, st->nodes, rep, kr.slug, sizeof kr.slug, kr.label, sizeof kr.label);
    /* Slugs become file names: keep them to safe characters. */
    for (char *c = kr.slug; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *c))
            *c = '_';
    snprintf(r->id, sizeof r->id, "%04d-%s", r->index, kr.slug);
    r->label = strdup(kr.label);
}

/* kind_step.emit: one run of the kind's variant per repetition. */
static int emit_runs(struct kind_step *st, const void *variant)
{
    struct planner *pl = st->planner;
    for (long rep = 1; rep <= st->entry->repetitions; rep++)
        fill_run(st, variant, new_run(pl->plan), (int)rep);
    return 0;
}

/* Scale steps in increasing order, duplicates removed. Returns how many; caller frees *out. */
static size_t sorted_steps(const struct u64list *scale, uint64_t **out)
{
    uint64_t *v = malloc(scale->n * sizeof *v);
    size_t n = 0;
    memcpy(v, scale->v, scale->n * sizeof *v);
    for (size_t i = 1; i < scale->n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    for (size_t i = 0; i < scale->n; i++)
        if (i == 0 || v[i] != v[i - 1])
            v[n++] = v[i];
    *out = v;
    return n;
}

/* Nodes, ranks and ranks per node of one scale step. 0, or -1 after an error. */
static int step_shape(const struct suite *s, const struct bench_entry *e, uint64_t step,
                      struct kind_step *st)
{
    long cores = s->system.cores_per_node, tpr = e->threads_per_rank;
    long per_node = cores ? (cores / tpr > 0 ? cores / tpr : 1) : 0;
    long default_rpn = e->ranks_per_node ? e->ranks_per_node : (per_node ? per_node : 1);
    if (s->launcher.type == LAUNCH_LOCAL) {
        if (e->scale_by_nodes && step != 1)
            return plan_fail(s, e->mark, "entry '%s': the local launcher runs on this one node, "
                             "but nodes includes %" PRIu64 " (use the slurm launcher)", e->name, step);
        st->nodes = 1;
        st->ranks = e->scale_by_nodes ? default_rpn : (long)step;
        st->ranks_per_node = st->ranks;
    } else if (e->scale_by_nodes) {
        st->nodes = (long)step;
        st->ranks_per_node = default_rpn;
        st->ranks = st->nodes * default_rpn;
    } else {
        st->ranks = (long)step;
        long rpn = e->ranks_per_node ? e->ranks_per_node : (per_node ? per_node : st->ranks);
        st->nodes = (st->ranks + rpn - 1) / rpn;
        st->ranks_per_node = rpn > st->ranks ? st->ranks : rpn;
    }
    if (s->system.nodes && st->nodes > s->system.nodes)
        return plan_fail(s, e->mark, "entry '%s': scale step of %ld nodes exceeds the system's %ld "
                         "nodes", e->name, st->nodes, s->system.nodes);
    return 0;
}

static int expand_entry(const struct suite *s, const struct bench_entry *e, struct plan *p)
{
    struct planner pl = {p};
    struct kind_step st = {.suite = s, .entry = e, .local = s->launcher.type == LAUNCH_LOCAL,
                           .emit = emit_runs, .planner = &pl};
    uint64_t *steps;
    size_t n = sorted_steps(&e->scale, &steps);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = step_shape(s, e, steps[i], &st) ? -1 : e->kind->expand(&st);
    free(steps);
    return rc;
}

int plan_build(const struct suite *s, struct plan *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < s->n_bench; i++)
        if (expand_entry(s, &s->bench[i], p) != 0)
            return -1;
    /* a run that cannot fit a node's memory is refused here, before anything queues */
    struct plan_machine m;
    plan_machine_memory(s, &m);
    return plan_fit_memory(s, p, &m) ? -1 : 0;
}

void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct run *r = &p->runs[i];
        free(r->test);
        free(r->label);
        json_decref(r->parameters);
        strlist_free(&r->bench_argv);
        envlist_free(&r->env);
    }
    free(p->runs);
    memset(p, 0, sizeof *p);
}

/* ---- exabench plan --------------------------------------------------------------------------- */

static void plan_usage(FILE *out)
{
    fprintf(out,
            "Usage: exabench plan [--json] [--only NAME...] SUITE\n\n"
            "Reads the suite file SUITE, checks it, and prints the expanded list of runs in the\n"
            "order 'exabench run' would run them: each run's id, scale (nodes x ranks per node,\n"
            "threads per rank), timeout, environment, and its exact command line. Nothing runs.\n\n"
            "Each run's memory per node (HPL: its share of the 8 N^2 matrix plus workspace; STREAM:\n"
            "3 arrays x size x ranks per node; exa-comm: message buffers) is checked against the\n"
            "system's memory_per_node_gib, or this machine's MemTotal for the local launcher: a run\n"
            "needing over 95%% of it is refused. Each run's duration is estimated from its kind's\n"
            "model at the rates of the system section (dgemm_gflops_per_core, stream_gbs_per_node,\n"
            "latency_us, bandwidth_gbs, launch_seconds; for local runs, a short dgemm and triad\n"
            "measured here), plus a start-up cost per launch; the suite's estimated total is\n"
            "printed last (on stderr with --json), with a warning for each run whose estimate\n"
            "exceeds its timeout.\n\n"
            "Options:\n"
            "  --json          print the plan as a JSON array instead of text\n"
            "  --only NAME     keep only the benchmark entries named NAME (repeatable; several\n"
            "                  names may follow one --only)\n"
            "  -h, --help      this text\n\n"
            "Exit status: 0 the suite is valid, 2 bad usage, a bad suite file or a run that does not\n"
            "fit a node's memory (the message names FILE:LINE:COLUMN, the entry, the scale step and\n"
            "the numbers).\n");
}

/* Options in the order given ("-": the suite file is seen where it stands, so --only knows whether
 * its last name may be the file). */
static void plan_options(int argc, char **argv, int *as_json, struct strlist *only, const char **file)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, 'j'},
        {"only", no_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': plan_usage(stdout); exit(0);
        case 'j': *as_json = 1; break;
        case 'o': suite_take_only(argc, argv, *file != NULL, only); break;
        case 1:
            if (*file)
                exa_usage_error("plan: one suite file expected, got '%s' and '%s'", *file, optarg);
            *file = optarg;
            break;
        default: exa_usage_error("plan: unknown option '%s'", argv[optind - 1]);
        }
    }
}

/* One run as plan --json shows it. */
static json_t *run_json(const struct suite *s, const struct run *r, const struct plan_machine *m)
{
    char record[256];
    snprintf(record, sizeof record, "records/%s.json", r->id);
    struct strlist cmd = {0};
    launch_command(s, r, record, NULL, &cmd);
    json_t *env = json_object();
    for (size_t k = 0; k < r->env.names.n; k++)
        json_object_set_new(env, r->env.names.v[k], json_string(r->env.values.v[k]));
    double mem = plan_run_memory(r, m), est = plan_run_seconds(r, m);
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I}, s:O, s:i, s:f, s:o, s:o, "
                          "s:o, s:o}",
                          "index", r->index, "id", r->id, "name", r->entry->name, "benchmark",
                          r->benchmark, "test", r->test ? json_string(r->test) : json_null(),
                          "scale", "nodes", (json_int_t)r->nodes, "ranks", (json_int_t)r->ranks,
                          "ranks_per_node", (json_int_t)r->ranks_per_node, "threads_per_rank",
                          (json_int_t)r->threads_per_rank, "parameters", r->parameters,
                          "repetition", r->repetition, "timeout_s", r->timeout, "env", env,
                          "command", strlist_json(&cmd),
                          "memory_per_node_bytes", mem > 0 ? json_real(mem) : json_null(),
                          "estimate_s", est > 0 ? json_real(est) : json_null());
    strlist_free(&cmd);
    return o;
}

static void print_run_text(const struct run *r, json_t *o, const struct plan_machine *m)
{
    printf("\n%s  %s\n", r->id, r->label);
    printf("  scale: %ld node%s x %ld rank%s per node x %ld thread%s per rank; timeout %g s\n",
           r->nodes, r->nodes == 1 ? "" : "s", r->ranks_per_node, r->ranks_per_node == 1 ? "" : "s",
           r->threads_per_rank, r->threads_per_rank == 1 ? "" : "s", r->timeout);
    double mem = plan_run_memory(r, m), est = plan_run_seconds(r, m);
    if (mem > 0 || est > 0) {
        char t[32] = "unknown";
        if (est > 0)
            plan_format_seconds(est, t, sizeof t);
        printf("  estimate: %s", t);
        if (est > r->timeout)
            printf(" (over its timeout)");
        if (mem > 0)
            printf("; memory %.3g GiB per node", mem / 1073741824.0);
        printf("\n");
    }
    if (r->env.names.n) {
        printf("  env:");
        for (size_t k = 0; k < r->env.names.n; k++) {
            char q[4096] = "";
            shell_quote(q, sizeof q, r->env.values.v[k]);
            printf(" %s=%s", r->env.names.v[k], q);
        }
        printf("\n");
    }
    char *line = shell_join(json_object_get(o, "command"));
    printf("  %s\n", line);
    free(line);
}

/* The suite's estimated total, and a warning for each run whose estimate exceeds its timeout. */
static void print_estimate(const struct plan *p, const struct strlist *only, const struct plan_machine *m,
                           FILE *out)
{
    double total = 0;
    size_t unknown = 0, runs = 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct run *r = &p->runs[i];
        if (!suite_selected(only, r->entry->name))
            continue;
        double est = plan_run_seconds(r, m);
        runs++;
        unknown += est <= 0;
        total += est;
        if (est > r->timeout) {
            char a[32], b[32];
            plan_format_seconds(est, a, sizeof a);
            plan_format_seconds(r->timeout, b, sizeof b);
            fprintf(stderr, "warning: run %s (%s): estimated %s, over its timeout of %s\n", r->id,
                    r->label, a, b);
        }
    }
    char t[32];
    plan_format_seconds(total, t, sizeof t);
    fprintf(out, "\nestimated total: %s (%.0f s) for %zu run%s", t, total, runs, runs == 1 ? "" : "s");
    if (unknown)
        fprintf(out, "; %zu run%s without an estimate not counted", unknown, unknown == 1 ? "" : "s");
    fprintf(out, "\n");
}

static void print_plan_text(const struct suite *s, const struct plan *p, json_t *all, size_t shown,
                            const struct plan_machine *m)
{
    const char *mode = s->launcher.type == LAUNCH_SLURM
                           ? (slurm_use_srun(&s->launcher) ? " (srun)" : " (sbatch, one batch script per scale step)")
                           : "";
    printf("suite %s (%s): %zu run%s, launcher %s%s\n", s->name, s->file, shown, shown == 1 ? "" : "s",
           launcher_type_name(s->launcher.type), mode);
    plan_print_rates(stdout, m);
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o) {
        const struct run *r = NULL;
        for (size_t k = 0; k < p->n && !r; k++)
            if (p->runs[k].index == json_integer_value(json_object_get(o, "index")))
                r = &p->runs[k];
        print_run_text(r, o, m);
    }
}

int cmd_plan(int argc, char **argv)
{
    int as_json = 0;
    struct strlist only = {0};
    const char *file = NULL;
    plan_options(argc, argv, &as_json, &only, &file);
    if (!file)
        exa_usage_error("plan: missing the suite file");
    struct suite s;
    struct plan p = {0};
    int rc = suite_load(file, &s) != 0 || suite_check_only(&s, &only) != 0 || plan_build(&s, &p) != 0;
    if (rc) {
        plan_free(&p);
        suite_free(&s);
        strlist_free(&only);
        return EXA_EXIT_USAGE;
    }
    struct plan_machine m;
    plan_machine_memory(&s, &m);
    plan_machine_rates(&s, &m);
    json_t *all = json_array();
    size_t shown = 0;
    for (size_t i = 0; i < p.n; i++)
        if (suite_selected(&only, p.runs[i].entry->name)) {
            json_array_append_new(all, run_json(&s, &p.runs[i], &m));
            shown++;
        }
    if (as_json) {
        char *text = json_dumps(all, JSON_INDENT(2));
        printf("%s\n", text);
        free(text);
    } else {
        print_plan_text(&s, &p, all, shown, &m);
    }
    print_estimate(&p, &only, &m, as_json ? stderr : stdout);
    json_decref(all);
    plan_free(&p);
    suite_free(&s);
    strlist_free(&only);
    return 0;
}
