/* Reading a suite file with libyaml (document API, so every node keeps its line and column), with
 * errors that name FILE:LINE:COLUMN, the key and the value. */
#include "suite.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "exa_cli.h"
#include "exa_parse.h"
#include "exa_peak.h"

/* ---- small containers ------------------------------------------------------------------------ */

void strlist_push(struct strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    l->v[l->n++] = strdup(s);
}

void strlist_pushf(struct strlist *l, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    strlist_push(l, buf);
}

void strlist_append(struct strlist *l, const struct strlist *other)
{
    for (size_t i = 0; i < other->n; i++)
        strlist_push(l, other->v[i]);
}

void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

char **strlist_argv(const struct strlist *l)
{
    char **argv = calloc(l->n + 1, sizeof *argv);
    if (!argv)
        abort();
    for (size_t i = 0; i < l->n; i++)
        argv[i] = l->v[i];
    return argv;
}

json_t *strlist_json(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

void envlist_set(struct envlist *e, const char *name, const char *value)
{
    for (size_t i = 0; i < e->names.n; i++)
        if (!strcmp(e->names.v[i], name)) {
            free(e->values.v[i]);
            e->values.v[i] = strdup(value);
            return;
        }
    strlist_push(&e->names, name);
    strlist_push(&e->values, value);
}

const char *envlist_get(const struct envlist *e, const char *name)
{
    for (size_t i = 0; i < e->names.n; i++)
        if (!strcmp(e->names.v[i], name))
            return e->values.v[i];
    return NULL;
}

void envlist_merge(struct envlist *into, const struct envlist *from)
{
    for (size_t i = 0; i < from->names.n; i++)
        envlist_set(into, from->names.v[i], from->values.v[i]);
}

void envlist_free(struct envlist *e)
{
    strlist_free(&e->names);
    strlist_free(&e->values);
}

const char *bench_kind_name(enum bench_kind k)
{
    switch (k) {
    case BENCH_HPL: return "hpl";
    case BENCH_STREAM: return "stream";
    case BENCH_COMM: return "comm";
    }
    return "?";
}

/* ---- ranges ---------------------------------------------------------------------------------- */

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    memmove(s, s + i, n - i + 1);
}

int parse_range_list(const char *text, struct u64list *out, char *err, size_t errlen)
{
    char e2[EXA_ERR_LEN];
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    trim(buf);
    char *dots = strstr(buf, "..");
    uint64_t lo, hi, step = 1;
    int multiply = 0;
    if (!dots) {
        if (exa_parse_size(buf, &lo, e2) != 0) {
            snprintf(err, errlen, "%s", e2);
            return -1;
        }
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n++] = lo;
        return 0;
    }
    *dots = 0;
    char *a = buf, *b = dots + 2;
    trim(a);
    /* the step follows the upper bound after optional blanks: "64 x2", "64x2", "6000 +2000" */
    char stepbuf[64] = "";
    char *plus = strpbrk(b, "+xX*");
    if (plus) {
        snprintf(stepbuf, sizeof stepbuf, "%s", plus);
        *plus = 0;
    }
    trim(b);
    trim(stepbuf);
    if (!*a || !*b) {
        snprintf(err, errlen, "range '%s': expected MIN..MAX with an optional step (xK or +K), "
                 "as in 1..64 x2", text);
        return -1;
    }
    if (exa_parse_size(a, &lo, e2) != 0 || exa_parse_size(b, &hi, e2) != 0) {
        snprintf(err, errlen, "range '%s': %s", text, e2);
        return -1;
    }
    if (*stepbuf) {
        char *num = stepbuf + 1;
        while (isspace((unsigned char)*num))
            num++;
        multiply = stepbuf[0] != '+';
        if (exa_parse_size(num, &step, e2) != 0 || (multiply && step < 2) || (!multiply && step < 1)) {
            snprintf(err, errlen, "range '%s': step '%s' must be xK with K >= 2 or +K with K >= 1",
                     text, stepbuf);
            return -1;
        }
    }
    if (lo > hi) {
        snprintf(err, errlen, "empty range '%s': the start %llu is above the end %llu", text,
                 (unsigned long long)lo, (unsigned long long)hi);
        return -1;
    }
    if (multiply && lo == 0) {
        snprintf(err, errlen, "range '%s': a geometric range can not start at 0", text);
        return -1;
    }
    for (uint64_t v = lo; v <= hi;) {
        if (out->n > 100000) {
            snprintf(err, errlen, "range '%s' has too many values", text);
            return -1;
        }
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n++] = v;
        uint64_t next = multiply ? v * step : v + step;
        if (next <= v)
            break;
        v = next;
    }
    return 0;
}

void hpl_grid(long ranks, long *p, long *q)
{
    long best = 1;
    for (long i = 1; i * i <= ranks; i++)
        if (ranks % i == 0)
            best = i;
    *p = best;
    *q = ranks / best;
}

uint64_t hpl_n_from_memory(double mem_gib_per_node, long nodes, double fraction, uint64_t nb)
{
    double bytes = mem_gib_per_node * 1073741824.0 * (double)nodes * fraction;
    uint64_t n = (uint64_t)floor(sqrt(bytes / 8.0));
    if (nb > 0) {
        n -= n % nb;
        if (n < nb)
            n = nb;
    }
    return n;
}

double local_memory_gib(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    double gib = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long kb;
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) {
            gib = (double)kb / 1048576.0;
            break;
        }
    }
    fclose(f);
    return gib;
}

/* ---- the YAML walk --------------------------------------------------------------------------- */

struct ctx {
    const char *file;
    yaml_document_t doc;
};

static struct mark mark_of(const yaml_node_t *n)
{
    struct mark m = {(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
    return m;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    if (n)
        fprintf(stderr, "%s:%d:%d: error: ", c->file, (int)n->start_mark.line + 1,
                (int)n->start_mark.column + 1);
    else
        fprintf(stderr, "%s: error: ", c->file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static yaml_node_t *get(struct ctx *c, int id) { return yaml_document_get_node(&c->doc, id); }

static const char *kind_word(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static const char *sval(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static int want_scalar(struct ctx *c, const yaml_node_t *n, const char *key, const char *what)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail(c, n, "'%s' must be %s, not %s", key, what, kind_word(n));
    return 0;
}

static int get_string(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    if (want_scalar(c, n, key, "a string") != 0)
        return -1;
    free(*out);
    *out = strdup(sval(n));
    return 0;
}

static int get_long(struct ctx *c, const yaml_node_t *n, const char *key, long min, long max, long *out)
{
    char err[EXA_ERR_LEN];
    if (want_scalar(c, n, key, "an integer") != 0)
        return -1;
    if (exa_parse_long(sval(n), min, max, out, err) != 0)
        return fail(c, n, "'%s': %s", key, err);
    return 0;
}

static int get_double(struct ctx *c, const yaml_node_t *n, const char *key, double min, double max,
                      double *out)
{
    char err[EXA_ERR_LEN];
    if (want_scalar(c, n, key, "a number") != 0)
        return -1;
    if (exa_parse_double(sval(n), min, max, out, err) != 0)
        return fail(c, n, "'%s': %s", key, err);
    return 0;
}

static int get_bool(struct ctx *c, const yaml_node_t *n, const char *key, int *out)
{
    if (want_scalar(c, n, key, "true or false") != 0)
        return -1;
    const char *v = sval(n);
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
        *out = 1;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
        *out = 0;
        return 0;
    }
    return fail(c, n, "'%s' must be true or false, not '%s'", key, v);
}

/* Seconds: "90", "90s", "5m", "2h", "1.5m". */
static int get_duration(struct ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    if (want_scalar(c, n, key, "a duration (seconds, or with s, m, h)") != 0)
        return -1;
    const char *v = sval(n);
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    double mult = 1;
    if (end == v || errno)
        goto bad;
    if (!strcmp(end, "") || !strcmp(end, "s"))
        mult = 1;
    else if (!strcmp(end, "m") || !strcmp(end, "min"))
        mult = 60;
    else if (!strcmp(end, "h"))
        mult = 3600;
    else
        goto bad;
    if (!isfinite(d) || d <= 0)
        goto bad;
    *out = d * mult;
    return 0;
bad:
    return fail(c, n, "'%s' must be a positive duration such as 90, 90s, 5m or 1h, not '%s'", key, v);
}

/* A scalar or a list of scalars. */
static int get_strlist(struct ctx *c, const yaml_node_t *n, const char *key, struct strlist *out)
{
    strlist_free(out);
    if (n->type == YAML_SCALAR_NODE) {
        strlist_push(out, sval(n));
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(c, n, "'%s' must be a string or a list of strings, not %s", key, kind_word(n));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *item = get(c, *it);
        if (want_scalar(c, item, key, "a list of strings") != 0)
            return -1;
        strlist_push(out, sval(item));
    }
    return 0;
}

/* A range, a single value or a list of ranges and values, each value >= min. */
static int get_u64list(struct ctx *c, const yaml_node_t *n, const char *key, uint64_t min,
                       struct u64list *out)
{
    char err[EXA_ERR_LEN];
    free(out->v);
    out->v = NULL;
    out->n = 0;
    const yaml_node_t *items[1024];
    size_t k = 0;
    if (n->type == YAML_SCALAR_NODE) {
        items[k++] = n;
    } else if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top && k < 1024; it++)
            items[k++] = get(c, *it);
        if (k == 0)
            return fail(c, n, "'%s' is an empty list", key);
    } else {
        return fail(c, n, "'%s' must be a value, a range (1..64 x2) or a list, not %s", key, kind_word(n));
    }
    for (size_t i = 0; i < k; i++) {
        if (want_scalar(c, items[i], key, "a value or a range such as 1..64 x2") != 0)
            return -1;
        size_t before = out->n;
        if (parse_range_list(sval(items[i]), out, err, sizeof err) != 0)
            return fail(c, items[i], "'%s': %s", key, err);
        for (size_t j = before; j < out->n; j++)
            if (out->v[j] < min)
                return fail(c, items[i], "'%s': %llu is below the minimum %llu", key,
                            (unsigned long long)out->v[j], (unsigned long long)min);
    }
    return 0;
}

static int valid_env_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static int get_env(struct ctx *c, const yaml_node_t *n, const char *key, struct envlist *out)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, "'%s' must be a mapping of NAME: value, not %s", key, kind_word(n));
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = get(c, p->key), *v = get(c, p->value);
        if (k->type != YAML_SCALAR_NODE || !valid_env_name(sval(k)))
            return fail(c, k, "'%s': an environment variable name must match [A-Za-z_][A-Za-z0-9_]*",
                        key);
        if (v->type != YAML_SCALAR_NODE)
            return fail(c, v, "'%s': the value of %s must be a string, not %s", key, sval(k),
                        kind_word(v));
        envlist_set(out, sval(k), sval(v));
    }
    return 0;
}

/* Iterates a mapping, checking that keys are scalars, known (one of allowed[], NULL-ended) and not
 * repeated. */
struct pair {
    const char *key;
    yaml_node_t *knode, *vnode;
};

static int map_pairs(struct ctx *c, const yaml_node_t *n, const char *what, const char *const *allowed,
                     struct pair *out, size_t cap, size_t *count)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, "%s must be a mapping, not %s", what, kind_word(n));
    size_t k = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = get(c, p->key);
        if (kn->type != YAML_SCALAR_NODE)
            return fail(c, kn, "%s: keys must be plain words, not %s", what, kind_word(kn));
        const char *key = sval(kn);
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            known |= !strcmp(*a, key);
        if (!known) {
            char list[1024] = "";
            for (const char *const *a = allowed; *a; a++) {
                strncat(list, *a, sizeof list - strlen(list) - 1);
                if (a[1])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return fail(c, kn, "unknown key '%s' in %s (known keys: %s)", key, what, list);
        }
        for (size_t i = 0; i < k; i++)
            if (!strcmp(out[i].key, key))
                return fail(c, kn, "key '%s' is given twice in %s (first at line %d)", key, what,
                            (int)out[i].knode->start_mark.line + 1);
        if (k == cap)
            return fail(c, kn, "too many keys in %s", what);
        out[k].key = key;
        out[k].knode = kn;
        out[k].vnode = get(c, p->value);
        k++;
    }
    *count = k;
    return 0;
}

static yaml_node_t *find(struct pair *pairs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(pairs[i].key, key))
            return pairs[i].vnode;
    return NULL;
}

static char *absolute_from(const char *dir, const char *path)
{
    char buf[PATH_MAX * 2];
    if (path[0] == '/')
        snprintf(buf, sizeof buf, "%s", path);
    else
        snprintf(buf, sizeof buf, "%s/%s", dir, path);
    return strdup(buf);
}

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Finds exa-NAME next to the exabench binary, then on PATH. */
static char *find_benchmark(const char *prog)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    char buf[PATH_MAX * 2];
    if (len > 0) {
        self[len] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = 0;
            snprintf(buf, sizeof buf, "%s/%s", self, prog);
            if (is_executable_file(buf))
                return strdup(buf);
        }
    }
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    char *copy = strdup(path), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(buf, sizeof buf, "%s/%s", *d ? d : ".", prog);
        if (is_executable_file(buf)) {
            free(copy);
            char real[PATH_MAX];
            return strdup(realpath(buf, real) ? real : buf);
        }
    }
    free(copy);
    return NULL;
}

static const char *const top_keys[] = {"name", "system", "launcher", "env", "defaults", "screen",
                                       "benchmarks", NULL};
static const char *const system_keys[] = {"name", "nodes", "cores_per_node", "memory_per_node_gib",
                                          "rpeak_per_node_gflops", "accelerators", NULL};
static const char *const launcher_keys[] = {"type", "mpirun", "oversubscribe", "mpirun_args", "mode",
                                            "partition", "account", "qos", "time_limit", "srun_args",
                                            "sbatch_args", "poll_interval", "kill_grace", NULL};
static const char *const defaults_keys[] = {"ranks_per_node", "threads_per_rank", "repetitions",
                                            "timeout", "env", NULL};
static const char *const screen_keys[] = {"threshold", "mad_k", "nodes", "hpl_n", "hpl_nb",
                                          "hpl_metric", "stream_size", "stream_metric", "hpl_binary",
                                          "stream_binary", "ranks_per_node", "threads_per_rank",
                                          "timeout", NULL};
static const char *const entry_keys[] = {
    "name", "benchmark", "binary", "nodes", "ranks", "ranks_per_node", "threads_per_rank",
    "repetitions", "timeout", "env", "extra_args",
    /* hpl */ "n", "nb", "p", "q", "mem_fraction", "threshold", "hpl_dat",
    /* stream */ "size", "ntimes", "papi",
    /* comm */ "test", "sizes", "warmup", "iterations", "window", "validate", NULL};

static int key_belongs(const char *key, enum bench_kind k)
{
    static const char *const hpl[] = {"n", "nb", "p", "q", "mem_fraction", "threshold", "hpl_dat", NULL};
    static const char *const stream[] = {"size", "ntimes", "papi", NULL};
    static const char *const comm[] = {"test", "sizes", "warmup", "iterations", "window", "validate", NULL};
    const char *const *lists[] = {hpl, stream, comm};
    for (int i = 0; i < 3; i++)
        for (const char *const *a = lists[i]; *a; a++)
            if (!strcmp(*a, key))
                return (int)k == i;
    return 1;
}

static int parse_system(struct ctx *c, yaml_node_t *n, struct system_cfg *sys)
{
    struct pair pr[16];
    size_t np = 0;
    if (map_pairs(c, n, "system", system_keys, pr, 16, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        yaml_node_t *v = pr[i].vnode;
        int rc = 0;
        if (!strcmp(k, "name"))
            rc = get_string(c, v, "system.name", &sys->name);
        else if (!strcmp(k, "nodes"))
            rc = get_long(c, v, "system.nodes", 1, 10000000, &sys->nodes);
        else if (!strcmp(k, "cores_per_node"))
            rc = get_long(c, v, "system.cores_per_node", 1, 1000000, &sys->cores_per_node);
        else if (!strcmp(k, "memory_per_node_gib"))
            rc = get_double(c, v, "system.memory_per_node_gib", 0.001, 1e9, &sys->memory_per_node_gib);
        else if (!strcmp(k, "rpeak_per_node_gflops"))
            rc = get_double(c, v, "system.rpeak_per_node_gflops", 0, 1e12, &sys->rpeak_per_node_gflops);
        else if (!strcmp(k, "accelerators")) {
            struct strlist l = {0};
            rc = get_strlist(c, v, "system.accelerators", &l);
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

static int parse_launcher(struct ctx *c, yaml_node_t *n, struct launcher_cfg *L)
{
    struct pair pr[32];
    size_t np = 0;
    if (map_pairs(c, n, "launcher", launcher_keys, pr, 32, &np) != 0)
        return -1;
    yaml_node_t *t = find(pr, np, "type");
    if (t) {
        if (want_scalar(c, t, "launcher.type", "local or slurm") != 0)
            return -1;
        if (!strcmp(sval(t), "local"))
            L->type = LAUNCH_LOCAL;
        else if (!strcmp(sval(t), "slurm"))
            L->type = LAUNCH_SLURM;
        else
            return fail(c, t, "launcher.type must be local or slurm, not '%s'", sval(t));
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
                return fail(c, pr[i].knode, "launcher key '%s' does not apply to the %s launcher", k,
                            L->type == LAUNCH_LOCAL ? "local" : "slurm");
        int rc = 0;
        if (!strcmp(k, "mpirun"))
            rc = get_string(c, v, "launcher.mpirun", &L->mpirun);
        else if (!strcmp(k, "oversubscribe"))
            rc = get_bool(c, v, "launcher.oversubscribe", &L->oversubscribe);
        else if (!strcmp(k, "mpirun_args"))
            rc = get_strlist(c, v, "launcher.mpirun_args", &L->mpirun_args);
        else if (!strcmp(k, "mode")) {
            if ((rc = want_scalar(c, v, "launcher.mode", "auto, srun or sbatch")) == 0) {
                if (!strcmp(sval(v), "auto"))
                    L->mode = SLURM_AUTO;
                else if (!strcmp(sval(v), "srun"))
                    L->mode = SLURM_SRUN;
                else if (!strcmp(sval(v), "sbatch"))
                    L->mode = SLURM_SBATCH;
                else
                    rc = fail(c, v, "launcher.mode must be auto, srun or sbatch, not '%s'", sval(v));
            }
        } else if (!strcmp(k, "partition"))
            rc = get_string(c, v, "launcher.partition", &L->partition);
        else if (!strcmp(k, "account"))
            rc = get_string(c, v, "launcher.account", &L->account);
        else if (!strcmp(k, "qos"))
            rc = get_string(c, v, "launcher.qos", &L->qos);
        else if (!strcmp(k, "time_limit"))
            rc = get_string(c, v, "launcher.time_limit", &L->time_limit);
        else if (!strcmp(k, "srun_args"))
            rc = get_strlist(c, v, "launcher.srun_args", &L->srun_args);
        else if (!strcmp(k, "sbatch_args"))
            rc = get_strlist(c, v, "launcher.sbatch_args", &L->sbatch_args);
        else if (!strcmp(k, "poll_interval"))
            rc = get_duration(c, v, "launcher.poll_interval", &L->poll_interval);
        else if (!strcmp(k, "kill_grace"))
            rc = get_duration(c, v, "launcher.kill_grace", &L->kill_grace);
        if (rc)
            return -1;
    }
    return 0;
}

/* Keys shared by defaults and benchmark entries. Returns 1 when handled, 0 when not, -1 on error. */
static int parse_common_key(struct ctx *c, const char *k, yaml_node_t *v, struct bench_entry *e)
{
    if (!strcmp(k, "ranks_per_node"))
        return get_long(c, v, k, 1, 1000000, &e->ranks_per_node) ? -1 : 1;
    if (!strcmp(k, "threads_per_rank"))
        return get_long(c, v, k, 1, 1000000, &e->threads_per_rank) ? -1 : 1;
    if (!strcmp(k, "repetitions"))
        return get_long(c, v, k, 1, 100000, &e->repetitions) ? -1 : 1;
    if (!strcmp(k, "timeout"))
        return get_duration(c, v, k, &e->timeout) ? -1 : 1;
    if (!strcmp(k, "env"))
        return get_env(c, v, k, &e->env) ? -1 : 1;
    return 0;
}

static int parse_defaults(struct ctx *c, yaml_node_t *n, struct bench_entry *d)
{
    struct pair pr[16];
    size_t np = 0;
    if (map_pairs(c, n, "defaults", defaults_keys, pr, 16, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++)
        if (parse_common_key(c, pr[i].key, pr[i].vnode, d) < 0)
            return -1;
    return 0;
}

static int parse_screen(struct ctx *c, yaml_node_t *n, struct suite *s)
{
    struct screen_cfg *sc = &s->screen;
    struct pair pr[32];
    size_t np = 0;
    if (map_pairs(c, n, "screen", screen_keys, pr, 32, &np) != 0)
        return -1;
    sc->present = 1;
    sc->mark = mark_of(n);
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        yaml_node_t *v = pr[i].vnode;
        int rc = 0;
        if (!strcmp(k, "threshold"))
            rc = get_double(c, v, "screen.threshold", 0, 1, &sc->threshold);
        else if (!strcmp(k, "mad_k"))
            rc = get_double(c, v, "screen.mad_k", 0, 1000, &sc->mad_k);
        else if (!strcmp(k, "nodes")) {
            if (s->launcher.type != LAUNCH_LOCAL)
                return fail(c, pr[i].knode, "screen.nodes applies to the local launcher only (with "
                            "Slurm the nodes are those of the allocation)");
            rc = get_strlist(c, v, "screen.nodes", &sc->nodes);
        } else if (!strcmp(k, "hpl_n"))
            rc = get_long(c, v, "screen.hpl_n", 0, 100000000, &sc->hpl_n);
        else if (!strcmp(k, "hpl_nb"))
            rc = get_long(c, v, "screen.hpl_nb", 1, 100000, &sc->hpl_nb);
        else if (!strcmp(k, "hpl_metric"))
            rc = get_string(c, v, "screen.hpl_metric", &sc->hpl_metric);
        else if (!strcmp(k, "stream_metric"))
            rc = get_string(c, v, "screen.stream_metric", &sc->stream_metric);
        else if (!strcmp(k, "stream_size")) {
            uint64_t dummy;
            char err[EXA_ERR_LEN];
            if ((rc = get_string(c, v, "screen.stream_size", &sc->stream_size)) == 0 &&
                exa_parse_size(sc->stream_size, &dummy, err) != 0)
                rc = fail(c, v, "screen.stream_size: %s", err);
        } else if (!strcmp(k, "hpl_binary") || !strcmp(k, "stream_binary")) {
            char *p = NULL;
            if ((rc = get_string(c, v, k, &p)) == 0) {
                char *abs = absolute_from(s->dir, p);
                if (!is_executable_file(abs))
                    rc = fail(c, v, "screen.%s: '%s' is not an executable file", k, abs);
                if (!strcmp(k, "hpl_binary"))
                    sc->hpl_binary = abs;
                else
                    sc->stream_binary = abs;
            }
            free(p);
        } else if (!strcmp(k, "ranks_per_node"))
            rc = get_long(c, v, "screen.ranks_per_node", 1, 1000000, &sc->ranks_per_node);
        else if (!strcmp(k, "threads_per_rank"))
            rc = get_long(c, v, "screen.threads_per_rank", 1, 1000000, &sc->threads_per_rank);
        else if (!strcmp(k, "timeout"))
            rc = get_duration(c, v, "screen.timeout", &sc->timeout);
        if (rc)
            return -1;
    }
    const char *names[2] = {"exa-hpl", "exa-stream"};
    char **bins[2] = {&sc->hpl_binary, &sc->stream_binary};
    int wanted[2] = {sc->hpl_n > 0, sc->stream_size != NULL};
    if (!wanted[0] && !wanted[1])
        return fail(c, n, "screen: give hpl_n (single-node HPL order) and/or stream_size");
    for (int i = 0; i < 2; i++)
        if (wanted[i] && !*bins[i] && !(*bins[i] = find_benchmark(names[i])))
            return fail(c, n, "screen: benchmark binary '%s' not found next to exabench or on PATH "
                        "(build it, or name it with %s)", names[i], i ? "stream_binary" : "hpl_binary");
    return 0;
}

static int parse_entry(struct ctx *c, yaml_node_t *n, const struct bench_entry *defaults,
                       struct suite *s, struct bench_entry *e)
{
    struct pair pr[40];
    size_t np = 0;
    if (map_pairs(c, n, "benchmark entry", entry_keys, pr, 40, &np) != 0)
        return -1;
    e->mark = mark_of(n);
    e->ranks_per_node = defaults->ranks_per_node;
    e->threads_per_rank = defaults->threads_per_rank;
    e->repetitions = defaults->repetitions;
    e->timeout = defaults->timeout;
    envlist_merge(&e->env, &defaults->env);
    e->warmup = e->iterations = e->window = -1;

    yaml_node_t *b = find(pr, np, "benchmark");
    if (!b)
        return fail(c, n, "benchmark entry: missing key 'benchmark' (hpl, stream or comm)");
    if (want_scalar(c, b, "benchmark", "hpl, stream or comm") != 0)
        return -1;
    if (!strcmp(sval(b), "hpl"))
        e->kind = BENCH_HPL;
    else if (!strcmp(sval(b), "stream"))
        e->kind = BENCH_STREAM;
    else if (!strcmp(sval(b), "comm"))
        e->kind = BENCH_COMM;
    else
        return fail(c, b, "benchmark must be hpl, stream or comm, not '%s'", sval(b));

    yaml_node_t *bin_node = NULL;
    for (size_t i = 0; i < np; i++) {
        const char *k = pr[i].key;
        yaml_node_t *v = pr[i].vnode;
        if (!key_belongs(k, e->kind))
            return fail(c, pr[i].knode, "key '%s' does not apply to benchmark %s", k,
                        bench_kind_name(e->kind));
        int rc = parse_common_key(c, k, v, e);
        if (rc < 0)
            return -1;
        if (rc > 0 || !strcmp(k, "benchmark"))
            continue;
        rc = 0;
        if (!strcmp(k, "name")) {
            rc = get_string(c, v, "name", &e->name);
            if (rc == 0 && !*e->name)
                rc = fail(c, v, "name must not be empty");
        } else if (!strcmp(k, "binary")) {
            char *p = NULL;
            if ((rc = get_string(c, v, "binary", &p)) == 0)
                e->binary = absolute_from(s->dir, p);
            free(p);
            bin_node = v;
        } else if (!strcmp(k, "nodes") || !strcmp(k, "ranks")) {
            if (find(pr, np, "nodes") && find(pr, np, "ranks"))
                return fail(c, pr[i].knode, "give either 'nodes' or 'ranks', not both");
            e->scale_by_nodes = !strcmp(k, "nodes");
            rc = get_u64list(c, v, k, 1, &e->scale);
        } else if (!strcmp(k, "extra_args"))
            rc = get_strlist(c, v, k, &e->extra_args);
        else if (!strcmp(k, "n"))
            rc = get_u64list(c, v, k, 1, &e->hpl_n);
        else if (!strcmp(k, "nb"))
            rc = get_u64list(c, v, k, 1, &e->hpl_nb);
        else if (!strcmp(k, "p")) {
            rc = get_long(c, v, k, 1, 10000000, &e->p);
            e->p_mark = mark_of(v);
        } else if (!strcmp(k, "q"))
            rc = get_long(c, v, k, 1, 10000000, &e->q);
        else if (!strcmp(k, "mem_fraction")) {
            rc = get_double(c, v, k, 0, 1, &e->mem_fraction);
            if (rc == 0 && (e->mem_fraction <= 0 || e->mem_fraction >= 1))
                rc = fail(c, v, "mem_fraction must be between 0 and 1 (exclusive), not %s", sval(v));
        } else if (!strcmp(k, "threshold")) {
            double t;
            if ((rc = get_double(c, v, k, 0, 1e12, &t)) == 0)
                rc = get_string(c, v, k, &e->threshold);
        } else if (!strcmp(k, "hpl_dat")) {
            char *p = NULL;
            if ((rc = get_string(c, v, k, &p)) == 0) {
                e->hpl_dat = absolute_from(s->dir, p);
                if (access(e->hpl_dat, R_OK) != 0)
                    rc = fail(c, v, "hpl_dat: can not read '%s': %s", e->hpl_dat, strerror(errno));
            }
            free(p);
        } else if (!strcmp(k, "size"))
            rc = get_u64list(c, v, k, 1, &e->sizes);
        else if (!strcmp(k, "ntimes"))
            rc = get_long(c, v, k, 1, 1000000, &e->ntimes);
        else if (!strcmp(k, "papi"))
            rc = get_string(c, v, k, &e->papi);
        else if (!strcmp(k, "test"))
            rc = get_strlist(c, v, k, &e->tests);
        else if (!strcmp(k, "sizes")) {
            if ((rc = get_string(c, v, k, &e->msg_sizes)) == 0) {
                struct exa_range r;
                char err[EXA_ERR_LEN];
                if (exa_parse_range(e->msg_sizes, &r, err) != 0)
                    rc = fail(c, v, "sizes: %s", err);
            }
        } else if (!strcmp(k, "warmup"))
            rc = get_long(c, v, k, 0, 100000000, &e->warmup);
        else if (!strcmp(k, "iterations"))
            rc = get_long(c, v, k, 1, 100000000, &e->iterations);
        else if (!strcmp(k, "window"))
            rc = get_long(c, v, k, 1, 100000000, &e->window);
        else if (!strcmp(k, "validate"))
            rc = get_bool(c, v, k, &e->validate);
        if (rc)
            return -1;
    }
    if (!e->name)
        e->name = strdup(bench_kind_name(e->kind));
    for (const char *p = e->name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.'))
            return fail(c, find(pr, np, "name"), "name '%s' may hold letters, digits, '-', '_' and "
                        "'.' only", e->name);
    if (!e->scale.n) {
        e->scale.v = malloc(sizeof *e->scale.v);
        e->scale.v[0] = 1;
        e->scale.n = 1;
    }
    if (e->kind == BENCH_HPL) {
        int ways = (e->hpl_n.n > 0) + (e->mem_fraction > 0) + (e->hpl_dat != NULL);
        if (ways != 1)
            return fail(c, n, "hpl entry '%s': give exactly one of 'n' (fixed sizes), 'mem_fraction' "
                        "(sized from memory per node) or 'hpl_dat'", e->name);
        if ((e->p > 0) != (e->q > 0))
            return fail(c, n, "hpl entry '%s': give both 'p' and 'q' or neither", e->name);
        if (e->hpl_dat && (e->p || e->hpl_nb.n || e->threshold))
            return fail(c, n, "hpl entry '%s': with hpl_dat the grid, NB and threshold come from the "
                        "HPL.dat file", e->name);
    }
    if (e->kind == BENCH_COMM && !e->tests.n)
        return fail(c, n, "comm entry '%s': missing key 'test' (e.g. latency, bandwidth, allpairs)",
                    e->name);
    if (e->binary) {
        if (!is_executable_file(e->binary))
            return fail(c, bin_node, "benchmark binary '%s' does not exist or is not executable",
                        e->binary);
    } else {
        char prog[32];
        snprintf(prog, sizeof prog, "exa-%s", bench_kind_name(e->kind));
        e->binary = find_benchmark(prog);
        if (!e->binary)
            return fail(c, b, "benchmark binary '%s' not found next to exabench or on PATH (build it "
                        "with make, or name a path with 'binary:')", prog);
    }
    return 0;
}

static int sha256_file(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    unsigned char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(md, buf, got);
    fclose(f);
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(md, dig, &len);
    EVP_MD_CTX_free(md);
    for (unsigned int i = 0; i < len && i < 32; i++)
        sprintf(out + 2 * i, "%02x", dig[i]);
    out[64] = 0;
    return 0;
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
    if (sha256_file(real, s->sha256) != 0) {
        fclose(f);
        return -1;
    }

    struct ctx c = {.file = file};
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &c.doc);
    if (!ok) {
        const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;
        fprintf(stderr, "%s:%d:%d: error: YAML: %s%s%s\n", file, (int)m->line + 1, (int)m->column + 1,
                parser.problem ? parser.problem : "syntax error", parser.context ? " " : "",
                parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    yaml_parser_delete(&parser);
    fclose(f);

    int rc = -1;
    yaml_node_t *root = yaml_document_get_root_node(&c.doc);
    struct bench_entry defaults = {.repetitions = 1, .threads_per_rank = 1, .timeout = 600};
    struct pair pr[16];
    size_t np = 0;
    if (!root) {
        fail(&c, NULL, "the suite file is empty");
        goto out;
    }
    if (map_pairs(&c, root, "the suite file", top_keys, pr, 16, &np) != 0)
        goto out;
    yaml_node_t *v;
    if ((v = find(pr, np, "name")) && get_string(&c, v, "name", &s->name) != 0)
        goto out;
    if ((v = find(pr, np, "system")) && parse_system(&c, v, &s->system) != 0)
        goto out;
    if ((v = find(pr, np, "launcher")) && parse_launcher(&c, v, &s->launcher) != 0)
        goto out;
    if ((v = find(pr, np, "env")) && get_env(&c, v, "env", &s->env) != 0)
        goto out;
    if ((v = find(pr, np, "defaults")) && parse_defaults(&c, v, &defaults) != 0)
        goto out;
    if ((v = find(pr, np, "screen")) && parse_screen(&c, v, s) != 0)
        goto out;
    v = find(pr, np, "benchmarks");
    if (!v) {
        fail(&c, root, "the suite file has no 'benchmarks' list");
        goto out;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        fail(&c, v, "'benchmarks' must be a list of entries, not %s", kind_word(v));
        goto out;
    }
    size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (count == 0) {
        fail(&c, v, "'benchmarks' is an empty list");
        goto out;
    }
    s->bench = calloc(count, sizeof *s->bench);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        struct bench_entry *e = &s->bench[s->n_bench++];
        if (parse_entry(&c, get(&c, *it), &defaults, s, e) != 0)
            goto out;
        for (size_t j = 0; j + 1 < s->n_bench; j++)
            if (!strcmp(s->bench[j].name, e->name)) {
                fail(&c, get(&c, *it), "two benchmark entries are named '%s' (give each a distinct "
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
    free(e->hpl_n.v);
    free(e->hpl_nb.v);
    free(e->threshold);
    free(e->hpl_dat);
    free(e->sizes.v);
    free(e->papi);
    strlist_free(&e->tests);
    free(e->msg_sizes);
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

void suite_take_only(int argc, char **argv, int *i, int have_file, struct strlist *only)
{
    size_t before = only->n;
    while (*i + 1 < argc && argv[*i + 1][0] != '-' && (*i + 2 < argc || have_file))
        strlist_push(only, argv[++*i]);
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
    if (!said++)
        fprintf(stderr, "exabench: note: %s. Local exa-hpl runs get OPENBLAS_CORETYPE=%s (set it in the "
                "suite's env, or in the environment, to choose otherwise).\n", why, fix);
}
