/* External tools as suite entries: `benchmark: hpl-external` (hpcg-, osu-, stream-, nccl-external)
 * runs the tool's own command line (`command: [xhpl]`) through the suite's launcher, in a work
 * folder of its own where its input is written or copied (`input:`, or for HPL an HPL.dat from
 * the entry's `n`/`nb` and the step's grid); the harness imports its output into the run's record
 * afterwards (harness/run/external.c). Everything the run needs at run time is in its planned
 * parameters' "external" object, so that --resume needs only the manifest. */
#include "kind.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "exa_hplmodel.h"
#include "suite.h"
#include "suite_yaml.h"

struct ext_entry {
    struct strlist command;     /* the program (resolved into the entry's binary) and its args */
    char *input;                /* absolute path of a file copied into the work folder, or NULL */
    char *input_as, *output, *format;
    struct u64list n, nb;       /* hpl-external: an HPL.dat written per run */
};

static const char *const ext_keys[] = {"command", "input", "input_as", "output", "format", NULL};
static const char *const ext_hpl_keys[] = {"command", "input", "input_as", "output", "format", "n", "nb",
                                           NULL};

static void *ext_new(void) { return calloc(1, sizeof(struct ext_entry)); }

static void ext_free(void *priv)
{
    struct ext_entry *x = priv;
    if (!x)
        return;
    strlist_free(&x->command);
    free(x->input);
    free(x->input_as);
    free(x->output);
    free(x->format);
    free(x->n.v);
    free(x->nb.v);
    free(x);
}

static int ext_parse_key(struct sy_ctx *c, const struct suite *s, void *priv, const char *k, yaml_node_t *v)
{
    struct ext_entry *x = priv;
    if (!strcmp(k, "command")) {
        const struct launcher_cfg *L = &s->launcher;
        /* The harness imports the output after the run: batch jobs run without it. */
        if (L->type == LAUNCH_SLURM && (L->mode == SLURM_SBATCH || (L->mode == SLURM_AUTO && !getenv("SLURM_JOB_ID"))))
            return sy_fail(c, v, "external tools run under the local launcher or srun inside an allocation "
                           "(salloc), not as batch jobs");
        if (sy_strlist(c, v, k, &x->command) != 0)
            return -1;
        if (!x->command.n || !*x->command.v[0])
            return sy_fail(c, v, "command: give the program and its arguments, e.g. [xhpl]");
        if (strchr(x->command.v[0], '/')) {
            char *abs = sy_path(s->dir, x->command.v[0]);
            free(x->command.v[0]);
            x->command.v[0] = abs;
        }
        return 0;
    }
    if (!strcmp(k, "input")) {
        char *p = NULL;
        if (sy_string(c, v, k, &p) != 0)
            return -1;
        x->input = sy_path(s->dir, p);
        free(p);
        if (access(x->input, R_OK) != 0)
            return sy_fail(c, v, "input: can not read '%s': %s", x->input, strerror(errno));
        return 0;
    }
    if (!strcmp(k, "n"))
        return sy_u64list(c, v, k, 1, &x->n);
    if (!strcmp(k, "nb"))
        return sy_u64list(c, v, k, 1, &x->nb);
    char **dst = !strcmp(k, "input_as") ? &x->input_as : !strcmp(k, "output") ? &x->output : &x->format;
    if (sy_string(c, v, k, dst) != 0)
        return -1;
    if (dst != &x->format && (strchr(*dst, '/') || !strcmp(*dst, "..") || !**dst))
        return sy_fail(c, v, "%s: a file name in the run's work folder, not '%s'", k, *dst);
    return 0;
}

/* The kind's defaults: format (importer), input file name, and the figure a run's record is. */
struct ext_defaults {
    const char *format, *input_as, *headline, *output;
};

static const struct ext_defaults *ext_defaults_of(const char *kind)
{
    static const struct ext_defaults d[] = {{"hpl", "HPL.dat", "gflops", NULL},
                                            {"hpcg", "hpcg.dat", "gflops", "HPCG-Benchmark_*.txt"},
                                            {"osu", NULL, NULL, NULL},
                                            {"stream", NULL, "triad_bandwidth", NULL},
                                            {"nccl", NULL, "avg_bus_bandwidth", NULL}};
    static const char *const names[] = {"hpl-external", "hpcg-external", "osu-external", "stream-external",
                                        "nccl-external"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(kind, names[i]))
            return &d[i];
    return &d[0];
}

static int ext_check(struct sy_ctx *c, const yaml_node_t *n, const struct bench_entry *e)
{
    const struct ext_entry *x = e->priv;
    if (!x->command.n)
        return sy_fail(c, n, "%s entry '%s': 'command' is required (the tool and its arguments, e.g. "
                       "[xhpl])", e->kind->name, e->name);
    if (e->binary)
        return sy_fail(c, n, "%s entry '%s': name the program in 'command', not 'binary'", e->kind->name,
                       e->name);
    if (x->input && x->n.n)
        return sy_fail(c, n, "%s entry '%s': give 'input' (a file copied as it is) or 'n' (an HPL.dat "
                       "written per run), not both", e->kind->name, e->name);
    if (x->nb.n && !x->n.n)
        return sy_fail(c, n, "%s entry '%s': 'nb' needs 'n'", e->kind->name, e->name);
    const char *prog = x->command.v[0];
    char *bin = strchr(prog, '/') ? (sy_executable(prog) ? strdup(prog) : NULL) : sy_find_benchmark(prog);
    if (!bin)
        return sy_fail(c, n, "%s entry '%s': command '%s' not found%s or not executable", e->kind->name,
                       e->name, prog, strchr(prog, '/') ? "" : " next to exabench or on PATH");
    /* The entry's binary is the command's program: the planner starts every run's argv with it. */
    ((struct bench_entry *)e)->binary = bin;
    return 0;
}

struct ext_variant {
    uint64_t n, nb;
};

static int ext_expand(struct kind_step *st)
{
    const struct ext_entry *x = st->entry->priv;
    struct ext_variant none = {0, 0};
    if (!x->n.n)
        return st->emit(st, &none);
    for (size_t i = 0; i < x->n.n; i++)
        for (size_t j = 0; j < (x->nb.n ? x->nb.n : 1); j++) {
            struct ext_variant v = {x->n.v[i], x->nb.n ? x->nb.v[j] : 128};
            if (st->emit(st, &v) != 0)
                return -1;
        }
    return 0;
}

static void ext_fill(const struct kind_step *st, const void *variant, struct kind_run *out)
{
    const struct ext_entry *x = st->entry->priv;
    const struct ext_variant *v = variant;
    const struct ext_defaults *d = ext_defaults_of(st->entry->kind->name);
    for (size_t i = 1; i < x->command.n; i++)
        strlist_push(out->argv, x->command.v[i]);
    json_t *par = out->parameters;
    const char *input_as = x->input_as ? x->input_as : d->input_as;
    json_t *ext = json_pack("{s:s, s:s*, s:s*, s:s*, s:s*}", "format", x->format ? x->format : d->format,
                            "input", x->input, "input_as", input_as, "output", x->output ? x->output : d->output, "headline",
                            d->headline);
    long ranks = st->ranks;
    const char *prog = strrchr(x->command.v[0], '/') ? strrchr(x->command.v[0], '/') + 1 : x->command.v[0];
    if (v->n) {
        long p, q;
        exa_hpl_grid(ranks, &p, &q);
        json_object_set_new(par, "n", json_integer((json_int_t)v->n));
        json_object_set_new(par, "nb", json_integer((json_int_t)v->nb));
        json_object_set_new(par, "p", json_integer(p));
        json_object_set_new(par, "q", json_integer(q));
        json_object_set_new(ext, "write_hpl_dat", json_true());
        if (!input_as)
            json_object_set_new(ext, "input_as", json_string("HPL.dat"));
        snprintf(out->slug, sizeof out->slug, "%s-n%" PRIu64 "-nb%" PRIu64 "-%ldr", st->entry->name, v->n, v->nb,
                 ranks);
        snprintf(out->label, sizeof out->label, "%s N=%" PRIu64 " NB=%" PRIu64 " %ldx%ld", prog, v->n, v->nb, p, q);
    } else {
        snprintf(out->slug, sizeof out->slug, "%s-%ldr", st->entry->name, ranks);
        snprintf(out->label, sizeof out->label, "%s %ld rank%s", prog, ranks, ranks > 1 ? "s" : "");
    }
    json_object_set_new(par, "external", ext);
}

#define EXTERNAL(NAME, KEYS, HEADLINE, ROLE)                                                        \
    {.name = NAME, .keys = KEYS, .entry_new = ext_new, .entry_free = ext_free,                      \
     .parse_key = ext_parse_key, .check = ext_check, .expand = ext_expand, .fill = ext_fill,         \
     .headline_metric = HEADLINE, .role = ROLE}

static const struct kind externals[] = {
    EXTERNAL("hpl-external", ext_hpl_keys, "gflops", KIND_ROLE_NONE),
    EXTERNAL("hpcg-external", ext_keys, "gflops", KIND_ROLE_NONE),
    EXTERNAL("osu-external", ext_keys, "latency_8B", KIND_ROLE_NONE),
    EXTERNAL("stream-external", ext_keys, "triad_bandwidth", KIND_ROLE_NONE),
    EXTERNAL("nccl-external", ext_keys, "avg_bus_bandwidth", KIND_ROLE_NONE),
};

const struct kind *const kind_external[] = {&externals[0], &externals[1], &externals[2], &externals[3],
                                            &externals[4], NULL};
