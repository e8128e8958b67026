/* The regression gate's tolerances: the built-in defaults, tolerance files and command-line
 * overrides (see gate.h for the format and the order in which rules win). */
#include "gate.h"
#include "exa_parse.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tolerances ---- */

struct tol_default {
    const char *glob;  /* on the key */
    const char *unit;  /* NULL: any */
    int higher;        /* -1: any */
    double pct;
    const char *origin;
};

/* First match wins. */
static const struct tol_default defaults[] = {
    {"hpl*/*", "Gflop/s", 1, 3, "default: HPL Gflop/s"},
    {"hpl*/time*", NULL, 0, 3, "default: HPL time"},
    {"stream*/*", "GB/s", 1, 3, "default: STREAM bandwidth"},
    {"*", "us", 0, 10, "default: latency"},
    {"*latency*", NULL, 0, 10, "default: latency"},
    {"comm*/*", "GB/s", 1, 5, "default: interconnect bandwidth"},
    {"comm*/*", "MB/s", 1, 5, "default: interconnect bandwidth"},
    {"*", "Gflop/s", 1, 3, "default: Gflop/s"},
    {"*", NULL, -1, 5, "default: any other metric"},
};

void gate_tol_init(struct gate_tolerances *t)
{
    memset(t, 0, sizeof *t);
}

void gate_tol_free(struct gate_tolerances *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->rules[i].glob);
        free(t->rules[i].origin);
    }
    free(t->rules);
    memset(t, 0, sizeof *t);
}

static void add_rule(struct gate_tolerances *t, const char *glob, size_t glen, double frac, const char *origin)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->rules = realloc(t->rules, t->cap * sizeof *t->rules);
    }
    struct gate_tol_rule *r = &t->rules[t->n++];
    r->glob = strndup(glob, glen);
    r->frac = frac;
    r->origin = strdup(origin);
}

/* A percentage in [0, 1000] with an optional trailing '%'; returns 0 or -1. */
static int parse_pct(const char *s, size_t len, double *frac)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (buf[len - 1] == '%')
        buf[--len] = '\0';
    if (len == 0 || !(isdigit((unsigned char)buf[0]) || buf[0] == '.'))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || *end || !isfinite(v) || v < 0 || v > 1000)
        return -1;
    *frac = v / 100;
    return 0;
}

int gate_tol_parse(struct gate_tolerances *t, const char *text, const char *name, char *err, size_t errlen)
{
    int line = 0, got;
    char buf[1024];
    for (const char *p = text; (got = exa_next_line(&p, buf, sizeof buf, &line)) != 0;) {
        if (got < 0) {
            snprintf(err, errlen, "%s:%d: line longer than %zu characters", name, line, sizeof buf - 1);
            return 2;
        }
        /* Up to three fields, to name a third one as an error. */
        const char *f[3];
        size_t fl[3], nf = 0;
        for (char *q = buf; *q && nf < 3;) {
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (!*q)
                break;
            f[nf] = q;
            while (*q && *q != ' ' && *q != '\t' && *q != '\r')
                q++;
            fl[nf] = (size_t)(q - f[nf]);
            nf++;
        }
        if (nf == 0)
            continue;
        if (nf != 2) {
            snprintf(err, errlen, "%s:%d: '%.*s': expected 'METRIC_GLOB PCT' (e.g. 'hpl/gflops 3')", name, line,
                     (int)strcspn(buf + strspn(buf, " \t"), "\r"), buf + strspn(buf, " \t"));
            return 2;
        }
        double frac;
        if (parse_pct(f[1], fl[1], &frac) != 0) {
            snprintf(err, errlen, "%s:%d: '%.*s': not a percentage from 0 to 1000", name, line, (int)fl[1], f[1]);
            return 2;
        }
        char origin[512];
        snprintf(origin, sizeof origin, "%s:%d", name, line);
        add_rule(t, f[0], fl[0], frac, origin);
    }
    return 0;
}

int gate_tol_load(struct gate_tolerances *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return 2;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    size_t got;
    while ((got = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0)
            text = realloc(text, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    text[len] = '\0';
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        free(text);
        return 2;
    }
    if (strlen(text) != len) {
        snprintf(err, errlen, "%s: contains a NUL byte: not a tolerance file", path);
        free(text);
        return 2;
    }
    int rc = gate_tol_parse(t, text, path, err, errlen);
    free(text);
    return rc;
}

int gate_tol_override(struct gate_tolerances *t, const char *arg, char *err, size_t errlen)
{
    const char *eq = strrchr(arg, '=');
    if (!eq || eq == arg) {
        snprintf(err, errlen, "'%s': expected METRIC_GLOB=PCT (e.g. 'hpl/gflops=2')", arg);
        return 2;
    }
    double frac;
    if (parse_pct(eq + 1, strlen(eq + 1), &frac) != 0) {
        snprintf(err, errlen, "'%s': '%s' is not a percentage from 0 to 1000", arg, eq + 1);
        return 2;
    }
    add_rule(t, arg, (size_t)(eq - arg), frac, "command line");
    return 0;
}

static int key_matches(const char *glob, const char *key)
{
    if (fnmatch(glob, key, 0) == 0)
        return 1;
    const char *slash = strrchr(key, '/');
    return slash && fnmatch(glob, slash + 1, 0) == 0;
}

double gate_tolerance(const struct gate_tolerances *t, const char *key, const char *unit, int higher,
                      const char **origin)
{
    if (!key)
        key = "";
    for (size_t i = t ? t->n : 0; i-- > 0;)
        if (key_matches(t->rules[i].glob, key)) {
            if (origin)
                *origin = t->rules[i].origin;
            return t->rules[i].frac;
        }
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        const struct tol_default *d = &defaults[i];
        if (fnmatch(d->glob, key, 0) != 0)
            continue;
        if (d->unit && (!unit || strcmp(d->unit, unit)))
            continue;
        if (d->higher >= 0 && d->higher != (higher != 0))
            continue;
        if (origin)
            *origin = d->origin;
        return d->pct / 100;
    }
    if (origin)
        *origin = "default";
    return 0.05;
}

/* ---- the methods ---- */

void gate_tol_add(struct gate_tolerances *t, const char *glob, double frac, const char *origin)
{
    add_rule(t, glob, strlen(glob), frac, origin);
}
