/* Shared helpers of the importers: lines, tokens, numbers, messages, the record skeleton. */
#include "import_util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_info.h"
#include "exa_cli.h"
#include "exa_parse.h"

int imp_doc_split(const struct import_input *in, struct imp_doc *d, char err[IMPORT_ERR_LEN])
{
    d->in = in;
    d->n = 0;
    size_t count = 1;
    for (size_t i = 0; i < in->len; i++)
        count += in->text[i] == '\n';
    d->line = calloc(count, sizeof *d->line);
    if (!d->line) {
        snprintf(err, IMPORT_ERR_LEN, "%s: out of memory", in->path);
        return -1;
    }
    size_t start = 0;
    for (size_t i = 0; i <= in->len; i++) {
        if (i < in->len && in->text[i] != '\n')
            continue;
        if (i == in->len && start == in->len)
            break; /* no empty line after a final '\n' */
        size_t end = i;
        while (end > start && in->text[end - 1] == '\r')
            end--;
        char *l = malloc(end - start + 1);
        if (!l) {
            imp_doc_free(d);
            snprintf(err, IMPORT_ERR_LEN, "%s: out of memory", in->path);
            return -1;
        }
        memcpy(l, in->text + start, end - start);
        l[end - start] = '\0';
        d->line[d->n++] = l;
        start = i + 1;
    }
    return 0;
}

void imp_doc_free(struct imp_doc *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->line[i]);
    free(d->line);
    d->line = NULL;
    d->n = 0;
}

int imp_fail(char err[IMPORT_ERR_LEN], const struct imp_doc *d, int lineno, const char *fmt, ...)
{
    char msg[IMPORT_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (lineno > 0)
        snprintf(err, IMPORT_ERR_LEN, "%s:%d: %s", d->in->path, lineno, msg);
    else
        snprintf(err, IMPORT_ERR_LEN, "%s: %s", d->in->path, msg);
    return -1;
}

int imp_expected(char err[IMPORT_ERR_LEN], const struct imp_doc *d, int idx, const char *what)
{
    if (idx >= d->n)
        return imp_fail(err, d, d->n, "unexpected end of file: expected %s (the output looks truncated)",
                        what);
    char shown[72];
    const char *l = d->line[idx];
    size_t k = 0;
    for (; l[k] && k < 64; k++)
        shown[k] = isprint((unsigned char)l[k]) ? l[k] : '?';
    shown[k] = '\0';
    return imp_fail(err, d, idx + 1, "expected %s, found '%s%s'", what, shown, l[k] ? "..." : "");
}

int imp_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

int imp_starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

const char *imp_skip_ws(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

int imp_tokens(const char *s, char *buf, size_t len, char **tok, int max)
{
    snprintf(buf, len, "%s", s);
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    return n;
}

int imp_number(const char *s, double *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return -1;
    /* strtod also takes hex floats, "inf" and "nan": the tools print none of them */
    for (const char *p = s; p < end; p++)
        if (!strchr("0123456789+-.eE", *p))
            return -1;
    *out = v;
    return 0;
}

int imp_integer(const char *s, long long *out)
{
    if (!s || !*s)
        return -1;
    const char *p = s + (*s == '-' || *s == '+');
    if (!*p)
        return -1;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int imp_number_e(const char *s, int shift, double *out)
{
    double check;
    if (imp_number(s, &check) != 0)
        return -1;
    char buf[128];
    const char *e = strpbrk(s, "eE");
    long long ex = 0;
    if (e && imp_integer(e + 1, &ex) != 0)
        return -1;
    int mant = e ? (int)(e - s) : (int)strlen(s);
    snprintf(buf, sizeof buf, "%.*se%lld", mant, s, ex + shift);
    return imp_number(buf, out);
}

const char *imp_after(const char *line, const char *key)
{
    const char *p = imp_skip_ws(line);
    if (!imp_starts(p, key))
        return NULL;
    p += strlen(key);
    p = imp_skip_ws(p);
    if (*p == ':' || *p == '=')
        p = imp_skip_ws(p + 1);
    return p;
}

void imp_snake(const char *label, char *buf, size_t len)
{
    size_t k = 0;
    int pending = 0;
    for (const char *p = label; *p && k + 2 < len; p++) {
        if (isalnum((unsigned char)*p)) {
            if (pending && k > 0)
                buf[k++] = '_';
            pending = 0;
            buf[k++] = (char)tolower((unsigned char)*p);
        } else {
            pending = 1;
        }
    }
    buf[k] = '\0';
}

void imp_size_name(uint64_t bytes, char *buf, size_t len)
{
    exa_format_size(bytes, buf, len);
    size_t k = strlen(buf);
    if (k > 0 && isdigit((unsigned char)buf[k - 1]) && k + 1 < len) {
        buf[k] = 'B';
        buf[k + 1] = '\0';
    }
}

json_t *imp_num_json(double v) { return isfinite(v) ? json_real(v) : json_null(); }

json_t *imp_record_new(const struct imp_doc *d, const char *importer, const char *tool,
                       const char *version, const char *variant, int first_line, int last_line)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *rec = json_object();
    json_object_set_new(rec, "schema", json_string("exabench.record"));
    json_object_set_new(rec, "schema_version", json_integer(1));
    json_object_set_new(rec, "benchmark", json_string(tool));
    json_object_set_new(rec, "benchmark_version", version ? json_string(version) : json_null());
    json_object_set_new(rec, "variant", json_string(variant));
    json_object_set_new(rec, "test", json_null());
    json_object_set_new(rec, "source", json_string("imported"));
    json_object_set_new(rec, "import",
                        json_pack("{s:s, s:s, s:o, s:s, s:s, s:I, s:[i,i], s:s, s:[]}", "importer", importer,
                                  "tool", tool, "tool_version", version ? json_string(version) : json_null(),
                                  "path", d->in->path, "sha256", d->in->sha256, "bytes",
                                  (json_int_t)d->in->len, "lines", first_line, last_line, "imported_at", now,
                                  "notes"));
    json_object_set_new(rec, "exabench",
                        json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "version", exa_version(), "git_commit",
                                  EXA_BUILD_GIT_COMMIT, "cc", EXA_BUILD_CC, "cflags", EXA_BUILD_CFLAGS, "papi",
                                  EXA_BUILD_PAPI, "cuda", EXA_BUILD_CUDA));
    json_object_set_new(rec, "started", json_string("unknown"));
    json_object_set_new(rec, "finished", json_string("unknown"));
    json_object_set_new(rec, "valid", json_true());
    json_object_set_new(rec, "compliance", json_pack("{s:b, s:[]}", "compliant", 1, "violations"));
    json_object_set_new(rec, "parameters", json_object());
    json_object_set_new(rec, "results", json_object());
    json_object_set_new(rec, "metrics", json_object());
    json_object_set_new(rec, "verification", json_pack("{s:b, s:s}", "passed", 0, "method", "none"));
    json_object_set_new(rec, "launch",
                        json_pack("{s:i, s:i, s:i, s:i, s:s, s:n, s:n, s:[], s:[sss]}", "ranks", 0, "nodes", 0,
                                  "ranks_per_node", 0, "threads_per_rank", 0, "launcher", "unknown (imported)",
                                  "command_line", "argv", "hosts", "unknown", "ranks", "nodes",
                                  "threads_per_rank"));
    json_object_set_new(rec, "provenance", json_pack("{s:s, s:[]}", "machine", "unknown", "nodes"));
    return rec;
}

static void launch_known(json_t *launch, const char *key, long v)
{
    if (v < 0)
        return;
    json_object_set_new(launch, key, json_integer(v));
    json_t *unknown = json_object_get(launch, "unknown");
    for (size_t i = 0; i < json_array_size(unknown); i++)
        if (!strcmp(json_string_value(json_array_get(unknown, i)), key)) {
            json_array_remove(unknown, i);
            break;
        }
}

void imp_set_launch(json_t *rec, long ranks, long nodes, long threads_per_rank)
{
    json_t *launch = json_object_get(rec, "launch");
    launch_known(launch, "ranks", ranks);
    launch_known(launch, "nodes", nodes);
    launch_known(launch, "threads_per_rank", threads_per_rank);
    if (ranks > 0 && nodes == 1)
        json_object_set_new(launch, "ranks_per_node", json_integer(ranks));
}

void imp_set_stated(json_t *rec, const char *key, json_t *value)
{
    json_t *prov = json_object_get(rec, "provenance");
    json_object_set_new(prov, "machine", json_string("as stated by the output"));
    json_t *stated = json_object_get(prov, "stated");
    if (!stated) {
        stated = json_object();
        json_object_set_new(prov, "stated", stated);
    }
    json_object_set_new(stated, key, value);
}

void imp_add_metric(json_t *rec, const char *name, double value, const char *unit, int lower_is_better,
                    const double *samples, size_t n)
{
    json_t *m = json_pack("{s:o, s:s, s:s}", "value", imp_num_json(value), "unit", unit, "direction",
                          lower_is_better ? "lower" : "higher");
    if (samples && n) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, imp_num_json(samples[i]));
        json_object_set_new(m, "samples", a);
    }
    json_object_set_new(json_object_get(rec, "metrics"), name, m);
}

void imp_set_verification(json_t *rec, int passed, const char *method, double value, double threshold,
                          const char *comparison)
{
    json_t *v = json_pack("{s:b, s:s, s:o, s:o}", "passed", passed, "method", method, "value",
                          imp_num_json(value), "threshold", imp_num_json(threshold));
    json_object_set_new(v, "comparison", comparison ? json_string(comparison) : json_null());
    json_object_set_new(rec, "verification", v);
    if (!passed)
        json_object_set_new(rec, "valid", json_false());
}

void imp_add_violation(json_t *rec, const char *reason)
{
    json_t *c = json_object_get(rec, "compliance");
    json_object_set_new(c, "compliant", json_false());
    json_array_append_new(json_object_get(c, "violations"), json_string(reason));
}

void imp_note(json_t *rec, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(json_object_get(json_object_get(rec, "import"), "notes"), json_string(msg));
}

void imp_set_times(json_t *rec, const char *started, const char *finished)
{
    if (started)
        json_object_set_new(rec, "started", json_string(started));
    if (finished)
        json_object_set_new(rec, "finished", json_string(finished));
}
