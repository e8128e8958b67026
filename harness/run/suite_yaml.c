/* Reading a suite file with libyaml (document API, so every node keeps its line and column), with
 * errors that name FILE:LINE:COLUMN, the key and the value. */
#include "suite_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exa_cli.h"
#include "exa_parse.h"
#include "slurm_values.h"

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

/* Appends v, growing the array geometrically (a range of 100000 values is 17 reallocs, not
 * 100000: issue 14). cap may lag behind n in a list built elsewhere; it is then taken as n. */
static int u64_push(struct u64list *l, uint64_t v)
{
    if (l->n >= l->cap) {
        size_t cap = l->n < 8 ? 16 : l->n * 2;
        uint64_t *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return 0;
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
        if (u64_push(out, lo) != 0) {
            snprintf(err, errlen, "range '%s': out of memory", text);
            return -1;
        }
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
        if (u64_push(out, v) != 0) {
            snprintf(err, errlen, "range '%s': out of memory", text);
            return -1;
        }
        uint64_t next = multiply ? v * step : v + step;
        if (next <= v)
            break;
        v = next;
    }
    return 0;
}

/* ---- the YAML walk --------------------------------------------------------------------------- */

struct mark sy_mark(const yaml_node_t *n)
{
    struct mark m = {(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
    return m;
}

int sy_fail(struct sy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
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

yaml_node_t *sy_get(struct sy_ctx *c, int id) { return yaml_document_get_node(&c->doc, id); }

const char *sy_kind_word(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

const char *sy_sval(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

int sy_want_scalar(struct sy_ctx *c, const yaml_node_t *n, const char *key, const char *what)
{
    if (n->type != YAML_SCALAR_NODE)
        return sy_fail(c, n, "'%s' must be %s, not %s", key, what, sy_kind_word(n));
    return 0;
}

int sy_string(struct sy_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    if (sy_want_scalar(c, n, key, "a string") != 0)
        return -1;
    free(*out);
    *out = strdup(sy_sval(n));
    return 0;
}

int sy_slurm_value(struct sy_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    if (sy_string(c, n, key, out) != 0)
        return -1;
    char err[EXA_ERR_LEN];
    int bad;
    if (!strcmp(key, "launcher.time_limit"))
        bad = slurm_check_time(key, *out, NULL, err, sizeof err);
    else if (!strcmp(key, "launcher.partition"))
        bad = slurm_check_name_list(key, *out, err, sizeof err);
    else
        bad = slurm_check_name(key, *out, err, sizeof err);
    return bad ? sy_fail(c, n, "%s", err) : 0;
}

int sy_long(struct sy_ctx *c, const yaml_node_t *n, const char *key, long min, long max, long *out)
{
    char err[EXA_ERR_LEN];
    if (sy_want_scalar(c, n, key, "an integer") != 0)
        return -1;
    if (exa_parse_long(sy_sval(n), min, max, out, err) != 0)
        return sy_fail(c, n, "'%s': %s", key, err);
    return 0;
}

int sy_double(struct sy_ctx *c, const yaml_node_t *n, const char *key, double min, double max,
                      double *out)
{
    char err[EXA_ERR_LEN];
    if (sy_want_scalar(c, n, key, "a number") != 0)
        return -1;
    if (exa_parse_double(sy_sval(n), min, max, out, err) != 0)
        return sy_fail(c, n, "'%s': %s", key, err);
    return 0;
}

int sy_bool(struct sy_ctx *c, const yaml_node_t *n, const char *key, int *out)
{
    if (sy_want_scalar(c, n, key, "true or false") != 0)
        return -1;
    const char *v = sy_sval(n);
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
        *out = 1;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
        *out = 0;
        return 0;
    }
    return sy_fail(c, n, "'%s' must be true or false, not '%s'", key, v);
}

/* Seconds: "90", "90s", "5m", "2h", "1.5m". */
int sy_duration(struct sy_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    if (sy_want_scalar(c, n, key, "a duration (seconds, or with s, m, h)") != 0)
        return -1;
    const char *v = sy_sval(n);
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
    return sy_fail(c, n, "'%s' must be a positive duration such as 90, 90s, 5m or 1h, not '%s'", key, v);
}

/* A scalar or a list of scalars. */
int sy_strlist(struct sy_ctx *c, const yaml_node_t *n, const char *key, struct strlist *out)
{
    strlist_free(out);
    if (n->type == YAML_SCALAR_NODE) {
        strlist_push(out, sy_sval(n));
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return sy_fail(c, n, "'%s' must be a string or a list of strings, not %s", key, sy_kind_word(n));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *item = sy_get(c, *it);
        if (sy_want_scalar(c, item, key, "a list of strings") != 0)
            return -1;
        strlist_push(out, sy_sval(item));
    }
    return 0;
}

/* A range, a single value or a list of ranges and values, each value >= min. */
int sy_u64list(struct sy_ctx *c, const yaml_node_t *n, const char *key, uint64_t min,
                       struct u64list *out)
{
    char err[EXA_ERR_LEN];
    free(out->v);
    out->v = NULL;
    out->n = out->cap = 0;
    const yaml_node_t *items[1024];
    size_t k = 0;
    if (n->type == YAML_SCALAR_NODE) {
        items[k++] = n;
    } else if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top && k < 1024; it++)
            items[k++] = sy_get(c, *it);
        if (k == 0)
            return sy_fail(c, n, "'%s' is an empty list", key);
    } else {
        return sy_fail(c, n, "'%s' must be a value, a range (1..64 x2) or a list, not %s", key, sy_kind_word(n));
    }
    for (size_t i = 0; i < k; i++) {
        if (sy_want_scalar(c, items[i], key, "a value or a range such as 1..64 x2") != 0)
            return -1;
        size_t before = out->n;
        if (parse_range_list(sy_sval(items[i]), out, err, sizeof err) != 0)
            return sy_fail(c, items[i], "'%s': %s", key, err);
        for (size_t j = before; j < out->n; j++)
            if (out->v[j] < min)
                return sy_fail(c, items[i], "'%s': %llu is below the minimum %llu", key,
                            (unsigned long long)out->v[j], (unsigned long long)min);
    }
    return 0;
}

static int sy_valid_env_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

int sy_env(struct sy_ctx *c, const yaml_node_t *n, const char *key, struct envlist *out)
{
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, n, "'%s' must be a mapping of NAME: value, not %s", key, sy_kind_word(n));
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = sy_get(c, p->key), *v = sy_get(c, p->value);
        if (k->type != YAML_SCALAR_NODE || !sy_valid_env_name(sy_sval(k)))
            return sy_fail(c, k, "'%s': an environment variable name must match [A-Za-z_][A-Za-z0-9_]*",
                        key);
        if (v->type != YAML_SCALAR_NODE)
            return sy_fail(c, v, "'%s': the value of %s must be a string, not %s", key, sy_sval(k),
                        sy_kind_word(v));
        envlist_set(out, sy_sval(k), sy_sval(v));
    }
    return 0;
}

int sy_map_pairs(struct sy_ctx *c, const yaml_node_t *n, const char *what, const char *const *allowed,
                     struct sy_pair *out, size_t cap, size_t *count)
{
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, n, "%s must be a mapping, not %s", what, sy_kind_word(n));
    size_t k = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = sy_get(c, p->key);
        if (kn->type != YAML_SCALAR_NODE)
            return sy_fail(c, kn, "%s: keys must be plain words, not %s", what, sy_kind_word(kn));
        const char *key = sy_sval(kn);
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
            return sy_fail(c, kn, "unknown key '%s' in %s (known keys: %s)", key, what, list);
        }
        for (size_t i = 0; i < k; i++)
            if (!strcmp(out[i].key, key))
                return sy_fail(c, kn, "key '%s' is given twice in %s (first at line %d)", key, what,
                            (int)out[i].knode->start_mark.line + 1);
        if (k == cap)
            return sy_fail(c, kn, "too many keys in %s", what);
        out[k].key = key;
        out[k].knode = kn;
        out[k].vnode = sy_get(c, p->value);
        k++;
    }
    *count = k;
    return 0;
}

yaml_node_t *sy_find(struct sy_pair *pairs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(pairs[i].key, key))
            return pairs[i].vnode;
    return NULL;
}

char *sy_path(const char *dir, const char *path)
{
    char buf[PATH_MAX * 2];
    if (path[0] == '/')
        snprintf(buf, sizeof buf, "%s", path);
    else
        snprintf(buf, sizeof buf, "%s/%s", dir, path);
    return strdup(buf);
}

int sy_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Finds exa-NAME next to the exabench binary, then on PATH. */
char *sy_find_benchmark(const char *prog)
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
            if (sy_executable(buf))
                return strdup(buf);
        }
    }
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    char *copy = strdup(path), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(buf, sizeof buf, "%s/%s", *d ? d : ".", prog);
        if (sy_executable(buf)) {
            free(copy);
            char real[PATH_MAX];
            return strdup(realpath(buf, real) ? real : buf);
        }
    }
    free(copy);
    return NULL;
}
