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

/* One run of entry e at the given scale with the given varying part. */
struct variant {
    uint64_t n, nb, size;
    long p, q;
    const char *test;
    int several_nb;
};

static void fill_run(const struct suite *s, const struct bench_entry *e, struct run *r, long nodes,
                     long ranks, long rpn, const struct variant *v, int rep)
{
    r->entry = e;
    r->benchmark = bench_kind_name(e->kind);
    r->nodes = nodes;
    r->ranks = ranks;
    r->ranks_per_node = rpn;
    r->threads_per_rank = e->threads_per_rank;
    r->repetition = rep;
    r->timeout = e->timeout;
    r->parameters = json_object();
    envlist_merge(&r->env, &s->env);
    envlist_merge(&r->env, &e->env);
    char tpr[32];
    snprintf(tpr, sizeof tpr, "%ld", e->threads_per_rank);
    if (!envlist_get(&r->env, "OMP_NUM_THREADS"))
        envlist_set(&r->env, "OMP_NUM_THREADS", tpr);
    if (e->kind == BENCH_HPL && !envlist_get(&r->env, "OPENBLAS_NUM_THREADS"))
        envlist_set(&r->env, "OPENBLAS_NUM_THREADS", tpr);
    if (e->kind == BENCH_HPL)
        suite_blas_kernels(s, &r->env);

    struct strlist *a = &r->bench_argv;
    strlist_push(a, e->binary);
    char slug[128] = "", label[256] = "";
    switch (e->kind) {
    case BENCH_HPL:
        if (e->hpl_dat) {
            strlist_push(a, e->hpl_dat);
            json_object_set_new(r->parameters, "hpl_dat", json_string(e->hpl_dat));
            snprintf(slug, sizeof slug, "%s-dat-%ldr", e->name, ranks);
            snprintf(label, sizeof label, "exa-hpl HPL.dat %ld ranks", ranks);
            break;
        }
        strlist_push(a, "-N");
        strlist_pushf(a, "%" PRIu64, v->n);
        if (v->nb) {
            strlist_push(a, "--nb");
            strlist_pushf(a, "%" PRIu64, v->nb);
        }
        strlist_push(a, "-P");
        strlist_pushf(a, "%ld", v->p);
        strlist_push(a, "-Q");
        strlist_pushf(a, "%ld", v->q);
        if (e->threshold) {
            strlist_push(a, "--threshold");
            strlist_push(a, e->threshold);
        }
        json_object_set_new(r->parameters, "n", json_integer((json_int_t)v->n));
        if (v->nb)
            json_object_set_new(r->parameters, "nb", json_integer((json_int_t)v->nb));
        json_object_set_new(r->parameters, "p", json_integer(v->p));
        json_object_set_new(r->parameters, "q", json_integer(v->q));
        if (e->mem_fraction > 0)
            json_object_set_new(r->parameters, "mem_fraction", json_real(e->mem_fraction));
        snprintf(slug, sizeof slug, "%s-n%" PRIu64 "-%ldx%ld", e->name, v->n, v->p, v->q);
        snprintf(label, sizeof label, "exa-hpl N=%" PRIu64 " %ldx%ld", v->n, v->p, v->q);
        if (v->several_nb) {
            size_t l = strlen(slug), m = strlen(label);
            snprintf(slug + l, sizeof slug - l, "-nb%" PRIu64, v->nb);
            snprintf(label + m, sizeof label - m, " NB=%" PRIu64, v->nb);
        }
        break;
    case BENCH_STREAM:
        if (v->size) {
            strlist_push(a, "--size");
            strlist_pushf(a, "%" PRIu64, v->size);
            json_object_set_new(r->parameters, "size", json_integer((json_int_t)v->size));
        }
        if (e->ntimes) {
            strlist_push(a, "--ntimes");
            strlist_pushf(a, "%ld", e->ntimes);
            json_object_set_new(r->parameters, "ntimes", json_integer(e->ntimes));
        }
        strlist_push(a, "--threads");
        strlist_pushf(a, "%ld", e->threads_per_rank);
        if (e->papi) {
            strlist_push(a, "--papi");
            strlist_push(a, e->papi);
            json_object_set_new(r->parameters, "papi", json_string(e->papi));
        }
        if (v->size) {
            snprintf(slug, sizeof slug, "%s-s%" PRIu64 "-%ldr", e->name, v->size, ranks);
            snprintf(label, sizeof label, "exa-stream size=%" PRIu64 " %ld rank%s", v->size, ranks,
                     ranks > 1 ? "s" : "");
        } else {
            snprintf(slug, sizeof slug, "%s-%ldr", e->name, ranks);
            snprintf(label, sizeof label, "exa-stream %ld rank%s", ranks, ranks > 1 ? "s" : "");
        }
        break;
    case BENCH_COMM:
        r->test = strdup(v->test);
        strlist_push(a, v->test);
        if (e->msg_sizes) {
            strlist_push(a, "-m");
            strlist_push(a, e->msg_sizes);
            json_object_set_new(r->parameters, "sizes", json_string(e->msg_sizes));
        }
        if (e->warmup >= 0) {
            strlist_push(a, "-x");
            strlist_pushf(a, "%ld", e->warmup);
            json_object_set_new(r->parameters, "warmup", json_integer(e->warmup));
        }
        if (e->iterations >= 0) {
            strlist_push(a, "-i");
            strlist_pushf(a, "%ld", e->iterations);
            json_object_set_new(r->parameters, "iterations", json_integer(e->iterations));
        }
        if (e->window >= 0) {
            strlist_push(a, "--window");
            strlist_pushf(a, "%ld", e->window);
            json_object_set_new(r->parameters, "window", json_integer(e->window));
        }
        if (e->validate) {
            strlist_push(a, "--validate");
            json_object_set_new(r->parameters, "validate", json_true());
        }
        snprintf(slug, sizeof slug, "%s-%s-%ldr", e->name, v->test, ranks);
        snprintf(label, sizeof label, "exa-comm %s %ld rank%s", v->test, ranks, ranks > 1 ? "s" : "");
        break;
    }
    strlist_append(a, &e->extra_args);
    if (e->extra_args.n)
        json_object_set_new(r->parameters, "extra_args", strlist_json(&e->extra_args));
    if (e->threads_per_rank > 1) {
        size_t l = strlen(slug), m = strlen(label);
        snprintf(slug + l, sizeof slug - l, "-%ldt", e->threads_per_rank);
        snprintf(label + m, sizeof label - m, " x%ld threads", e->threads_per_rank);
    }
    if (nodes > 1 || e->scale_by_nodes) {
        size_t l = strlen(slug), m = strlen(label);
        snprintf(slug + l, sizeof slug - l, "-%ldn", nodes);
        snprintf(label + m, sizeof label - m, " on %ld node%s", nodes, nodes > 1 ? "s" : "");
    }
    if (e->repetitions > 1) {
        size_t l = strlen(slug), m = strlen(label);
        snprintf(slug + l, sizeof slug - l, "-rep%d", rep);
        snprintf(label + m, sizeof label - m, " rep %d/%ld", rep, e->repetitions);
    }
    /* Slugs become file names: keep them to safe characters. */
    for (char *c = slug; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *c))
            *c = '_';
    snprintf(r->id, sizeof r->id, "%04d-%s", r->index, slug);
    r->label = strdup(label);
}

static int expand_entry(const struct suite *s, const struct bench_entry *e, struct plan *p)
{
    const struct launcher_cfg *L = &s->launcher;
    long cores = s->system.cores_per_node;
    long tpr = e->threads_per_rank;
    long default_rpn = e->ranks_per_node ? e->ranks_per_node : (cores ? (cores / tpr > 0 ? cores / tpr : 1) : 1);

    /* Scale steps in increasing order, duplicates removed. */
    size_t ns = e->scale.n;
    uint64_t *scale = malloc(ns * sizeof *scale);
    memcpy(scale, e->scale.v, ns * sizeof *scale);
    for (size_t i = 1; i < ns; i++)
        for (size_t j = i; j > 0 && scale[j - 1] > scale[j]; j--) {
            uint64_t t = scale[j];
            scale[j] = scale[j - 1];
            scale[j - 1] = t;
        }
    int rc = 0;
    for (size_t si = 0; si < ns && rc == 0; si++) {
        if (si > 0 && scale[si] == scale[si - 1])
            continue;
        long nodes, ranks, rpn;
        if (L->type == LAUNCH_LOCAL) {
            if (e->scale_by_nodes && scale[si] != 1) {
                rc = plan_fail(s, e->mark, "entry '%s': the local launcher runs on this one node, "
                               "but nodes includes %" PRIu64 " (use the slurm launcher)", e->name, scale[si]);
                break;
            }
            nodes = 1;
            ranks = e->scale_by_nodes ? default_rpn : (long)scale[si];
            rpn = ranks;
        } else if (e->scale_by_nodes) {
            nodes = (long)scale[si];
            rpn = default_rpn;
            ranks = nodes * rpn;
        } else {
            ranks = (long)scale[si];
            rpn = e->ranks_per_node ? e->ranks_per_node : (cores ? (cores / tpr > 0 ? cores / tpr : 1) : ranks);
            nodes = (ranks + rpn - 1) / rpn;
            if (rpn > ranks)
                rpn = ranks;
        }
        if (s->system.nodes && nodes > s->system.nodes) {
            rc = plan_fail(s, e->mark, "entry '%s': scale step of %ld nodes exceeds the system's %ld "
                           "nodes", e->name, nodes, s->system.nodes);
            break;
        }
        /* The varying part. */
        struct variant v = {0};
        size_t n_sizes = 1, n_nb = 1, n_tests = 1;
        if (e->kind == BENCH_HPL && !e->hpl_dat) {
            n_sizes = e->mem_fraction > 0 ? 1 : e->hpl_n.n;
            n_nb = e->hpl_nb.n ? e->hpl_nb.n : 1;
            if (e->p) {
                if (e->p * e->q != ranks) {
                    rc = plan_fail(s, e->p_mark, "entry '%s': P x Q = %ld x %ld = %ld does not match "
                                   "the %ld ranks of this scale step", e->name, e->p, e->q,
                                   e->p * e->q, ranks);
                    break;
                }
                v.p = e->p;
                v.q = e->q;
            } else {
                hpl_grid(ranks, &v.p, &v.q);
            }
        } else if (e->kind == BENCH_STREAM) {
            n_sizes = e->sizes.n ? e->sizes.n : 1;
        } else if (e->kind == BENCH_COMM) {
            n_tests = e->tests.n;
        }
        v.several_nb = n_nb > 1;
        for (size_t ti = 0; ti < n_tests; ti++)
            for (size_t zi = 0; zi < n_sizes; zi++)
                for (size_t bi = 0; bi < n_nb; bi++) {
                    v.nb = e->hpl_nb.n ? e->hpl_nb.v[bi] : 0;
                    if (e->kind == BENCH_HPL && !e->hpl_dat) {
                        if (e->mem_fraction > 0) {
                            double mem = s->system.memory_per_node_gib;
                            if (mem <= 0 && L->type == LAUNCH_LOCAL)
                                mem = local_memory_gib();
                            if (mem <= 0) {
                                rc = plan_fail(s, e->mark, "entry '%s': mem_fraction needs "
                                               "system.memory_per_node_gib", e->name);
                                goto done;
                            }
                            v.n = hpl_n_from_memory(mem, nodes, e->mem_fraction, v.nb ? v.nb : 128);
                        } else {
                            v.n = e->hpl_n.v[zi];
                        }
                    }
                    if (e->kind == BENCH_STREAM)
                        v.size = e->sizes.n ? e->sizes.v[zi] : 0;
                    if (e->kind == BENCH_COMM)
                        v.test = e->tests.v[ti];
                    for (long rep = 1; rep <= e->repetitions; rep++)
                        fill_run(s, e, new_run(p), nodes, ranks, rpn, &v, (int)rep);
                }
    }
done:
    free(scale);
    return rc;
}

int plan_build(const struct suite *s, struct plan *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < s->n_bench; i++)
        if (expand_entry(s, &s->bench[i], p) != 0)
            return -1;
    return 0;
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
            "Options:\n"
            "  --json          print the plan as a JSON array instead of text\n"
            "  --only NAME     keep only the benchmark entries named NAME (repeatable; several\n"
            "                  names may follow one --only)\n"
            "  -h, --help      this text\n\n"
            "Exit status: 0 the suite is valid, 2 bad usage or a bad suite file (the message names\n"
            "FILE:LINE:COLUMN).\n");
}

int cmd_plan(int argc, char **argv)
{
    int as_json = 0;
    struct strlist only = {0};
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            plan_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            as_json = 1;
        } else if (!strcmp(a, "--only")) {
            suite_take_only(argc, argv, &i, file != NULL, &only);
        } else if (a[0] == '-' && a[1]) {
            exa_usage_error("plan: unknown option '%s'", a);
        } else if (!file) {
            file = a;
        } else {
            exa_usage_error("plan: one suite file expected, got '%s' and '%s'", file, a);
        }
    }
    if (!file)
        exa_usage_error("plan: missing the suite file");
    struct suite s;
    if (suite_load(file, &s) != 0) {
        suite_free(&s);
        strlist_free(&only);
        return EXA_EXIT_USAGE;
    }
    if (suite_check_only(&s, &only) != 0) {
        suite_free(&s);
        strlist_free(&only);
        return EXA_EXIT_USAGE;
    }
    struct plan p;
    if (plan_build(&s, &p) != 0) {
        plan_free(&p);
        suite_free(&s);
        strlist_free(&only);
        return EXA_EXIT_USAGE;
    }
    json_t *all = json_array();
    size_t shown = 0;
    for (size_t i = 0; i < p.n; i++) {
        struct run *r = &p.runs[i];
        if (!suite_selected(&only, r->entry->name))
            continue;
        char record[256];
        snprintf(record, sizeof record, "records/%s.json", r->id);
        struct strlist cmd = {0};
        launch_command(&s, r, record, NULL, &cmd);
        json_t *env = json_object();
        for (size_t k = 0; k < r->env.names.n; k++)
            json_object_set_new(env, r->env.names.v[k], json_string(r->env.values.v[k]));
        json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I}, s:O, s:i, s:f, s:o, s:o}",
                              "index", r->index, "id", r->id, "name", r->entry->name, "benchmark",
                              r->benchmark, "test", r->test ? json_string(r->test) : json_null(),
                              "scale", "nodes", (json_int_t)r->nodes, "ranks", (json_int_t)r->ranks,
                              "ranks_per_node", (json_int_t)r->ranks_per_node, "threads_per_rank",
                              (json_int_t)r->threads_per_rank, "parameters", r->parameters,
                              "repetition", r->repetition, "timeout_s", r->timeout, "env", env,
                              "command", strlist_json(&cmd));
        json_array_append_new(all, o);
        strlist_free(&cmd);
        shown++;
    }
    if (as_json) {
        char *text = json_dumps(all, JSON_INDENT(2));
        printf("%s\n", text);
        free(text);
    } else {
        const char *mode = s.launcher.type == LAUNCH_SLURM
                               ? (slurm_use_srun(&s.launcher) ? " (srun)" : " (sbatch, one batch script per scale step)")
                               : "";
        printf("suite %s (%s): %zu run%s, launcher %s%s\n", s.name, s.file, shown, shown == 1 ? "" : "s",
               launcher_type_name(s.launcher.type), mode);
        size_t i;
        json_t *o;
        json_array_foreach(all, i, o) {
            const struct run *r = NULL;
            for (size_t k = 0; k < p.n; k++)
                if (p.runs[k].index == json_integer_value(json_object_get(o, "index")))
                    r = &p.runs[k];
            printf("\n%s  %s\n", r->id, r->label);
            printf("  scale: %ld node%s x %ld rank%s per node x %ld thread%s per rank; timeout %g s\n",
                   r->nodes, r->nodes == 1 ? "" : "s", r->ranks_per_node,
                   r->ranks_per_node == 1 ? "" : "s", r->threads_per_rank,
                   r->threads_per_rank == 1 ? "" : "s", r->timeout);
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
    }
    json_decref(all);
    plan_free(&p);
    suite_free(&s);
    strlist_free(&only);
    return 0;
}
