/* The suite model: the suite file's sections (system, launcher, defaults, screen, benchmark
 * entries) read into struct suite; each entry's own keys are its kind's (kinds/). */
#include "suite.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "digest.h"
#include "exa_cli.h"
#include "exa_parse.h"
#include "exa_peak.h"
#include "plan_fit.h"
#include "suite_yaml.h"
#include "yaml_load.h"


static const char *const top_keys[] = {"name", "system", "launcher", "env", "defaults", "screen",
                                       "benchmarks", NULL};
static const char *const system_keys[] = {"name", "nodes", "cores_per_node", "memory_per_node_gib",
                                          "rpeak_per_node_gflops", "accelerators", PLAN_FIT_KEYS, NULL};
static const char *const launcher_keys[] = {"type", "mpirun", "oversubscribe", "mpirun_args", "mode",
                                            "partition", "account", "qos", "time_limit", "srun_args",
                                            "sbatch_args", "poll_interval", "kill_grace", NULL};
static const char *const defaults_keys[] = {"ranks_per_node", "threads_per_rank", "repetitions",
                                            "timeout", "env", NULL};
static const char *const screen_keys[] = {"threshold", "mad_k", "nodes", "hpl_n", "hpl_nb",
                                          "hpl_metric", "stream_size", "stream_metric", "hpl_binary",
                                          "stream_binary", "ranks_per_node", "threads_per_rank",
                                          "timeout", NULL};
/* Keys every entry takes; each kind adds its own (struct kind.keys). */
static const char *const common_entry_keys[] = {
    "name", "benchmark", "binary", "nodes", "ranks", "ranks_per_node", "threads_per_rank",
    "repetitions", "timeout", "env", "extra_args", NULL};

/* The common keys, then every kind's in table order: the list an unknown key is told about. */
static const char *const *entry_keys(void)
{
    static const char *keys[128];
    size_t n = 0;
    for (const char *const *k = common_entry_keys; *k; k++)
        keys[n++] = *k;
    for (const struct kind *const *kd = kind_all(); *kd; kd++)
        for (const char *const *k = (*kd)->keys; *k && n + 1 < 128; k++) {
            size_t j = 0;
            while (j < n && strcmp(keys[j], *k))
                j++;
            if (j == n)
                keys[n++] = *k;
        }
    keys[n] = NULL;
    return keys;
}

static int key_belongs_common(const char *key)
{
    for (const char *const *k = common_entry_keys; *k; k++)
        if (!strcmp(*k, key))
            return 1;
    return 0;
}

/* Whether key is the kind's own or common to all (a key of another kind is not). */
static int key_belongs(const char *key, const struct kind *kind)
{
    if (key_belongs_common(key))
        return 1;
    for (const char *const *k = kind->keys; *k; k++)
        if (!strcmp(*k, key))
            return 1;
    return 0;
}

static int parse_system(struct sy_ctx *c, yaml_node_t *n, struct system_cfg *sys)
{
    struct sy_pair pr[16];
    size_t np = 0;
    if (sy_map_pairs(c, n, "system", system_keys, pr, 16, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        yaml_node_t *v = pr[i].vnode;
        int rc = 0;
        if (plan_fit_system_key(c, v, k, sys, &rc))
            ;
        else if (!strcmp(k, "name"))
            rc = sy_string(c, v, "system.name", &sys->name);
        else if (!strcmp(k, "nodes"))
            rc = sy_long(c, v, "system.nodes", 1, 10000000, &sys->nodes);
        else if (!strcmp(k, "cores_per_node"))
            rc = sy_long(c, v, "system.cores_per_node", 1, 1000000, &sys->cores_per_node);
        else if (!strcmp(k, "memory_per_node_gib"))
            rc = sy_double(c, v, "system.memory_per_node_gib", 0.001, 1e9, &sys->memory_per_node_gib);
        else if (!strcmp(k, "rpeak_per_node_gflops"))
            rc = sy_double(c, v, "system.rpeak_per_node_gflops", 0, 1e12, &sys->rpeak_per_node_gflops);
        else if (!strcmp(k, "accelerators")) {
            struct strlist l = {0};
            rc = sy_strlist(c, v, "system.accelerators", &l);
            if (rc == 0) {
                json_decref(sys->accelerators);
                sys->accelerators = strlist_json(&l);
            }
            strlist_free(&l);
        }
        if (rc)
            return -1;
    }
    return 0;
}

static int parse_launcher(struct sy_ctx *c, yaml_node_t *n, struct launcher_cfg *L)
{
    struct sy_pair pr[32];
    size_t np = 0;
    if (sy_map_pairs(c, n, "launcher", launcher_keys, pr, 32, &np) != 0)
        return -1;
    yaml_node_t *t = sy_find(pr, np, "type");
    if (t) {
        if (sy_want_scalar(c, t, "launcher.type", "local or slurm") != 0)
            return -1;
        if (!strcmp(sy_sval(t), "local"))
            L->type = LAUNCH_LOCAL;
        else if (!strcmp(sy_sval(t), "slurm"))
            L->type = LAUNCH_SLURM;
        else
            return sy_fail(c, t, "launcher.type must be local or slurm, not '%s'", sy_sval(t));
    }
    static const char *const local_only[] = {"mpirun", "oversubscribe", "mpirun_args", NULL};
    static const char *const slurm_only[] = {"mode", "partition", "account", "qos", "time_limit",
                                             "srun_args", "sbatch_args", "poll_interval", NULL};
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        yaml_node_t *v = pr[i].vnode;
        const char *const *other = L->type == LAUNCH_LOCAL ? slurm_only : local_only;
        for (const char *const *a = other; *a; a++)
            if (!strcmp(*a, k))
                return sy_fail(c, pr[i].knode, "launcher key '%s' does not apply to the %s launcher", k,
                            L->type == LAUNCH_LOCAL ? "local" : "slurm");
        int rc = 0;
        if (!strcmp(k, "mpirun"))
            rc = sy_string(c, v, "launcher.mpirun", &L->mpirun);
        else if (!strcmp(k, "oversubscribe"))
            rc = sy_bool(c, v, "launcher.oversubscribe", &L->oversubscribe);
        else if (!strcmp(k, "mpirun_args"))
            rc = sy_strlist(c, v, "launcher.mpirun_args", &L->mpirun_args);
        else if (!strcmp(k, "mode")) {
            if ((rc = sy_want_scalar(c, v, "launcher.mode", "auto, srun or sbatch")) == 0) {
                if (!strcmp(sy_sval(v), "auto"))
                    L->mode = SLURM_AUTO;
                else if (!strcmp(sy_sval(v), "srun"))
                    L->mode = SLURM_SRUN;
                else if (!strcmp(sy_sval(v), "sbatch"))
                    L->mode = SLURM_SBATCH;
                else
                    rc = sy_fail(c, v, "launcher.mode must be auto, srun or sbatch, not '%s'", sy_sval(v));
            }
        } else if (!strcmp(k, "partition"))
            rc = sy_slurm_value(c, v, "launcher.partition", &L->partition);
        else if (!strcmp(k, "account"))
            rc = sy_slurm_value(c, v, "launcher.account", &L->account);
        else if (!strcmp(k, "qos"))
            rc = sy_slurm_value(c, v, "launcher.qos", &L->qos);
        else if (!strcmp(k, "time_limit"))
            rc = sy_slurm_value(c, v, "launcher.time_limit", &L->time_limit);
        else if (!strcmp(k, "srun_args"))
            rc = sy_strlist(c, v, "launcher.srun_args", &L->srun_args);
        else if (!strcmp(k, "sbatch_args"))
            rc = sy_strlist(c, v, "launcher.sbatch_args", &L->sbatch_args);
        else if (!strcmp(k, "poll_interval"))
            rc = sy_duration(c, v, "launcher.poll_interval", &L->poll_interval);
        else if (!strcmp(k, "kill_grace"))
            rc = sy_duration(c, v, "launcher.kill_grace", &L->kill_grace);
        if (rc)
            return -1;
    }
    return 0;
}

/* Keys shared by defaults and benchmark entries. Returns 1 when handled, 0 when not, -1 on error. */
static int parse_common_key(struct sy_ctx *c, const char *k, yaml_node_t *v, struct bench_entry *e)
{
    if (!strcmp(k, "ranks_per_node"))
        return sy_long(c, v, k, 1, 1000000, &e->ranks_per_node) ? -1 : 1;
    if (!strcmp(k, "threads_per_rank"))
        return sy_long(c, v, k, 1, 1000000, &e->threads_per_rank) ? -1 : 1;
    if (!strcmp(k, "repetitions"))
        return sy_long(c, v, k, 1, 100000, &e->repetitions) ? -1 : 1;
    if (!strcmp(k, "timeout"))
        return sy_duration(c, v, k, &e->timeout) ? -1 : 1;
    if (!strcmp(k, "env"))
        return sy_env(c, v, k, &e->env) ? -1 : 1;
    return 0;
}

static int parse_defaults(struct sy_ctx *c, yaml_node_t *n, struct bench_entry *d)
{
    struct sy_pair pr[16];
    size_t np = 0;
    if (sy_map_pairs(c, n, "defaults", defaults_keys, pr, 16, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++)
        if (parse_common_key(c, pr[i].key, pr[i].vnode, d) < 0)
            return -1;
    return 0;
}

static int parse_screen(struct sy_ctx *c, yaml_node_t *n, struct suite *s)
{
    struct screen_cfg *sc = &s->screen;
    struct sy_pair pr[32];
    size_t np = 0;
    if (sy_map_pairs(c, n, "screen", screen_keys, pr, 32, &np) != 0)
        return -1;
    sc->present = 1;
    sc->mark = sy_mark(n);
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        yaml_node_t *v = pr[i].vnode;
        int rc = 0;
        if (!strcmp(k, "threshold"))
            rc = sy_double(c, v, "screen.threshold", 0, 1, &sc->threshold);
        else if (!strcmp(k, "mad_k"))
            rc = sy_double(c, v, "screen.mad_k", 0, 1000, &sc->mad_k);
        else if (!strcmp(k, "nodes")) {
            if (s->launcher.type != LAUNCH_LOCAL)
                return sy_fail(c, pr[i].knode, "screen.nodes applies to the local launcher only (with "
                            "Slurm the nodes are those of the allocation)");
            rc = sy_strlist(c, v, "screen.nodes", &sc->nodes);
        } else if (!strcmp(k, "hpl_n"))
            rc = sy_long(c, v, "screen.hpl_n", 0, 100000000, &sc->hpl_n);
        else if (!strcmp(k, "hpl_nb"))
            rc = sy_long(c, v, "screen.hpl_nb", 1, 100000, &sc->hpl_nb);
        else if (!strcmp(k, "hpl_metric"))
            rc = sy_string(c, v, "screen.hpl_metric", &sc->hpl_metric);
        else if (!strcmp(k, "stream_metric"))
            rc = sy_string(c, v, "screen.stream_metric", &sc->stream_metric);
        else if (!strcmp(k, "stream_size")) {
            uint64_t dummy;
            char err[EXA_ERR_LEN];
            if ((rc = sy_string(c, v, "screen.stream_size", &sc->stream_size)) == 0 &&
                exa_parse_size(sc->stream_size, &dummy, err) != 0)
                rc = sy_fail(c, v, "screen.stream_size: %s", err);
        } else if (!strcmp(k, "hpl_binary") || !strcmp(k, "stream_binary")) {
            char *p = NULL;
            if ((rc = sy_string(c, v, k, &p)) == 0) {
                char *abs = sy_path(s->dir, p);
                if (!sy_executable(abs))
                    rc = sy_fail(c, v, "screen.%s: '%s' is not an executable file", k, abs);
                if (!strcmp(k, "hpl_binary"))
                    sc->hpl_binary = abs;
                else
                    sc->stream_binary = abs;
            }
            free(p);
        } else if (!strcmp(k, "ranks_per_node"))
            rc = sy_long(c, v, "screen.ranks_per_node", 1, 1000000, &sc->ranks_per_node);
        else if (!strcmp(k, "threads_per_rank"))
            rc = sy_long(c, v, "screen.threads_per_rank", 1, 1000000, &sc->threads_per_rank);
        else if (!strcmp(k, "timeout"))
            rc = sy_duration(c, v, "screen.timeout", &sc->timeout);
        if (rc)
            return -1;
    }
    const struct kind *kc = kind_screened(KIND_SCREEN_COMPUTE), *km = kind_screened(KIND_SCREEN_MEMORY);
    const char *names[2] = {kc ? kc->binary : "", km ? km->binary : ""};
    char **bins[2] = {&sc->hpl_binary, &sc->stream_binary};
    int wanted[2] = {sc->hpl_n > 0, sc->stream_size != NULL};
    if (!wanted[0] && !wanted[1])
        return sy_fail(c, n, "screen: give hpl_n (single-node HPL order) and/or stream_size");
    for (int i = 0; i < 2; i++)
        if (wanted[i] && !*bins[i] && !(*bins[i] = sy_find_benchmark(names[i])))
            return sy_fail(c, n, "screen: benchmark binary '%s' not found next to exabench or on PATH "
                        "(build it, or name it with %s)", names[i], i ? "stream_binary" : "hpl_binary");
    return 0;
}


/* The entry's `benchmark:` as a kind. */
static int entry_kind(struct sy_ctx *c, const yaml_node_t *n, yaml_node_t *b, struct bench_entry *e)
{
    char names[256];
    kind_names(names, sizeof names);
    if (!b)
        return sy_fail(c, n, "benchmark entry: missing key 'benchmark' (%s)", names);
    if (sy_want_scalar(c, b, "benchmark", names) != 0)
        return -1;
    if (!(e->kind = kind_find(sy_sval(b))))
        return sy_fail(c, b, "benchmark must be %s, not '%s'", names, sy_sval(b));
    e->priv = e->kind->entry_new ? e->kind->entry_new() : NULL;
    return 0;
}

/* A key every entry takes (other than benchmark). 0, or -1 after an error. */
static int parse_entry_key(struct sy_ctx *c, struct sy_pair *pr, size_t np, size_t i, struct suite *s,
                           struct bench_entry *e)
{
    const char *k = pr[i].key;
    yaml_node_t *v = pr[i].vnode;
    int rc = 0;
    if (!strcmp(k, "name")) {
        rc = sy_string(c, v, "name", &e->name);
        if (rc == 0 && !*e->name)
            rc = sy_fail(c, v, "name must not be empty");
    } else if (!strcmp(k, "binary")) {
        char *p = NULL;
        if ((rc = sy_string(c, v, "binary", &p)) == 0)
            e->binary = sy_path(s->dir, p);
        free(p);
    } else if (!strcmp(k, "nodes") || !strcmp(k, "ranks")) {
        if (sy_find(pr, np, "nodes") && sy_find(pr, np, "ranks"))
            return sy_fail(c, pr[i].knode, "give either 'nodes' or 'ranks', not both");
        e->scale_by_nodes = !strcmp(k, "nodes");
        rc = sy_u64list(c, v, k, 1, &e->scale);
    } else if (!strcmp(k, "extra_args"))
        rc = sy_strlist(c, v, k, &e->extra_args);
    return rc;
}

/* The entry's binary: the one named (checked), or the kind's found next to exabench or on PATH. */
static int entry_binary(struct sy_ctx *c, struct sy_pair *pr, size_t np, yaml_node_t *b,
                        struct bench_entry *e)
{
    if (e->binary) {
        if (!sy_executable(e->binary))
            return sy_fail(c, sy_find(pr, np, "binary"), "benchmark binary '%s' does not exist or is "
                           "not executable", e->binary);
        return 0;
    }
    if (e->kind->binary && !(e->binary = sy_find_benchmark(e->kind->binary)))
        return sy_fail(c, b, "benchmark binary '%s' not found next to exabench or on PATH (build it "
                       "with make, or name a path with 'binary:')", e->kind->binary);
    return 0;
}

static int parse_entry(struct sy_ctx *c, yaml_node_t *n, const struct bench_entry *defaults,
                       struct suite *s, struct bench_entry *e)
{
    struct sy_pair pr[40];
    size_t np = 0;
    if (sy_map_pairs(c, n, "benchmark entry", entry_keys(), pr, 40, &np) != 0)
        return -1;
    e->mark = sy_mark(n);
    e->ranks_per_node = defaults->ranks_per_node;
    e->threads_per_rank = defaults->threads_per_rank;
    e->repetitions = defaults->repetitions;
    e->timeout = defaults->timeout;
    envlist_merge(&e->env, &defaults->env);
    yaml_node_t *b = sy_find(pr, np, "benchmark");
    if (entry_kind(c, n, b, e) != 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        if (!key_belongs(k, e->kind))
            return sy_fail(c, pr[i].knode, "key '%s' does not apply to benchmark %s", k, e->kind->name);
        int rc = parse_common_key(c, k, pr[i].vnode, e);
        if (rc < 0)
            return -1;
        if (rc > 0 || !strcmp(k, "benchmark"))
            continue;
        rc = key_belongs_common(k) ? parse_entry_key(c, pr, np, i, s, e)
                                   : e->kind->parse_key(c, s, e->priv, k, pr[i].vnode);
        if (rc)
            return -1;
    }
    if (!e->name)
        e->name = strdup(e->kind->name);
    for (const char *p = e->name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.'))
            return sy_fail(c, sy_find(pr, np, "name"), "name '%s' may hold letters, digits, '-', '_' "
                           "and '.' only", e->name);
    if (!e->scale.n) {
        e->scale.v = malloc(sizeof *e->scale.v);
        e->scale.v[0] = 1;
        e->scale.n = 1;
    }
    if (e->kind->check && e->kind->check(c, n, e) != 0)
        return -1;
    return entry_binary(c, pr, np, b, e);
}

int suite_load(const char *file, struct suite *s)
{
    memset(s, 0, sizeof *s);
    s->file = strdup(file);
    s->launcher.type = LAUNCH_LOCAL;
    s->launcher.poll_interval = 5;
    s->launcher.kill_grace = 10;
    s->screen.threshold = 0.05;
    s->screen.mad_k = 3;
    s->screen.hpl_nb = 128;
    s->screen.timeout = 600;
    s->system.accelerators = json_array();

    char real[PATH_MAX];
    FILE *f = fopen(file, "rb");
    if (!f || !realpath(file, real)) {
        fprintf(stderr, "%s: error: can not read the suite file: %s\n", file, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    s->path = strdup(real);
    s->dir = strdup(real);
    *strrchr(s->dir, '/') = 0;
    if (!*s->dir) {
        free(s->dir);
        s->dir = strdup("/");
    }
    if (rd_sha256_file(real, s->sha256) != 0) {
        fclose(f);
        return -1;
    }

    struct sy_ctx c = {.file = file};
    struct rd_yaml_error ye;
    int loaded = rd_yaml_load_file(f, &c.doc, &ye);
    fclose(f);
    if (loaded != 0) {
        fprintf(stderr, "%s:%d:%d: error: YAML: %s\n", file, ye.line, ye.column, ye.what);
        return -1;
    }

    int rc = -1;
    yaml_node_t *root = yaml_document_get_root_node(&c.doc);
    struct bench_entry defaults = {.repetitions = 1, .threads_per_rank = 1, .timeout = 600};
    struct sy_pair pr[16];
    size_t np = 0;
    if (!root) {
        sy_fail(&c, NULL, "the suite file is empty");
        goto out;
    }
    if (sy_map_pairs(&c, root, "the suite file", top_keys, pr, 16, &np) != 0)
        goto out;
    yaml_node_t *v;
    if ((v = sy_find(pr, np, "name")) && sy_string(&c, v, "name", &s->name) != 0)
        goto out;
    if ((v = sy_find(pr, np, "system")) && parse_system(&c, v, &s->system) != 0)
        goto out;
    if ((v = sy_find(pr, np, "launcher")) && parse_launcher(&c, v, &s->launcher) != 0)
        goto out;
    if ((v = sy_find(pr, np, "env")) && sy_env(&c, v, "env", &s->env) != 0)
        goto out;
    if ((v = sy_find(pr, np, "defaults")) && parse_defaults(&c, v, &defaults) != 0)
        goto out;
    if ((v = sy_find(pr, np, "screen")) && parse_screen(&c, v, s) != 0)
        goto out;
    v = sy_find(pr, np, "benchmarks");
    if (!v) {
        sy_fail(&c, root, "the suite file has no 'benchmarks' list");
        goto out;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        sy_fail(&c, v, "'benchmarks' must be a list of entries, not %s", sy_kind_word(v));
        goto out;
    }
    size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (count == 0) {
        sy_fail(&c, v, "'benchmarks' is an empty list");
        goto out;
    }
    s->bench = calloc(count, sizeof *s->bench);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        struct bench_entry *e = &s->bench[s->n_bench++];
        if (parse_entry(&c, sy_get(&c, *it), &defaults, s, e) != 0)
            goto out;
        for (size_t j = 0; j + 1 < s->n_bench; j++)
            if (!strcmp(s->bench[j].name, e->name)) {
                sy_fail(&c, sy_get(&c, *it), "two benchmark entries are named '%s' (give each a distinct "
                     "'name')", e->name);
                goto out;
            }
    }
    if (!s->name) {
        const char *base = strrchr(s->path, '/') + 1;
        s->name = strdup(base);
        char *dot = strrchr(s->name, '.');
        if (dot && dot != s->name)
            *dot = 0;
    }
    rc = 0;
out:
    envlist_free(&defaults.env);
    yaml_document_delete(&c.doc);
    return rc;
}

static void entry_free(struct bench_entry *e)
{
    free(e->name);
    free(e->binary);
    free(e->scale.v);
    envlist_free(&e->env);
    strlist_free(&e->extra_args);
    if (e->kind && e->kind->entry_free)
        e->kind->entry_free(e->priv);
}

void suite_free(struct suite *s)
{
    for (size_t i = 0; i < s->n_bench; i++)
        entry_free(&s->bench[i]);
    free(s->bench);
    free(s->file);
    free(s->path);
    free(s->dir);
    free(s->name);
    free(s->system.name);
    json_decref(s->system.accelerators);
    struct launcher_cfg *L = &s->launcher;
    free(L->mpirun);
    strlist_free(&L->mpirun_args);
    free(L->partition);
    free(L->account);
    free(L->qos);
    free(L->time_limit);
    strlist_free(&L->srun_args);
    strlist_free(&L->sbatch_args);
    struct screen_cfg *sc = &s->screen;
    strlist_free(&sc->nodes);
    free(sc->hpl_metric);
    free(sc->stream_metric);
    free(sc->stream_size);
    free(sc->hpl_binary);
    free(sc->stream_binary);
    envlist_free(&s->env);
    memset(s, 0, sizeof *s);
}

/* ---- --only ------------------------------------------------------------------------------- */

void suite_take_only(int argc, char **argv, int have_file, struct strlist *only)
{
    size_t before = only->n;
    while (optind < argc && argv[optind][0] != '-' && (optind + 1 < argc || have_file))
        strlist_push(only, argv[optind++]);
    if (only->n == before)
        exa_usage_error("--only needs at least one benchmark entry name");
}

int suite_check_only(const struct suite *s, const struct strlist *only)
{
    for (size_t i = 0; i < only->n; i++) {
        int found = 0;
        for (size_t j = 0; j < s->n_bench && !found; j++)
            found = !strcmp(s->bench[j].name, only->v[i]);
        if (found)
            continue;
        fprintf(stderr, "exabench: error: --only %s: no benchmark entry of that name in %s\n",
                only->v[i], s->file);
        return -1;
    }
    return 0;
}

int suite_selected(const struct strlist *only, const char *name)
{
    if (!only->n)
        return 1;
    for (size_t i = 0; i < only->n; i++)
        if (!strcmp(only->v[i], name))
            return 1;
    return 0;
}

/* ---- BLAS kernels ----------------------------------------------------------------------------- */

void suite_blas_kernels(const struct suite *s, struct envlist *env)
{
    static int said;
    char why[512];
    if (s->launcher.type != LAUNCH_LOCAL || envlist_get(env, "OPENBLAS_CORETYPE") ||
        getenv("OPENBLAS_CORETYPE"))
        return;
    const char *fix = exa_blas_kernel_check(why, sizeof why);
    if (!fix)
        return;
    envlist_set(env, "OPENBLAS_CORETYPE", fix);
    char users[128] = "";
    for (const struct kind *const *k = kind_all(); *k; k++)
        if ((*k)->uses_blas && (*k)->binary)
            snprintf(users + strlen(users), sizeof users - strlen(users), "%s%s", *users ? "/" : "",
                     (*k)->binary);
    if (!said++)
        fprintf(stderr, "exabench: note: %s. Local %s runs get OPENBLAS_CORETYPE=%s (set it in the "
                "suite's env, or in the environment, to choose otherwise).\n", why, users, fix);
}
