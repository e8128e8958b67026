/* Helpers shared by the reporting commands: strings, files, JSON and YAML input with positions,
 * SHA-256, base64, number formatting and running gnuplot without a shell. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <yaml.h>

#include "report.h"
#include "rundir_scan.h"
#include "safe_io.h"
#include "yaml_load.h"

/* ---- growing string ---- */
void sb_html(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '&': sb_add(b, "&amp;"); break;
        case '"': sb_add(b, "&quot;"); break;
        default: sb_addn(b, s, 1);
        }
    }
}

void sb_csv(struct sbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        sb_add(b, s);
        return;
    }
    sb_add(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            sb_add(b, "\"\"");
        else
            sb_addn(b, s, 1);
    }
    sb_add(b, "\"");
}

void sb_md(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            sb_add(b, "\\|");
        else if (*s == '\n')
            sb_add(b, " ");
        else
            sb_addn(b, s, 1);
    }
}

/* ---- files ---- */
int rp_mkdir_p(const char *path, char *err, size_t errlen)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
            return -1;
        }
        *p = '/';
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int rp_write_file(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    /* Atomic (a page open in a browser never shows half a file), 0644 whatever the umask, and
     * never through a symlink: one planted at path is replaced, a folder that is a symlink is
     * refused (safe_write_file). */
    char why[4096];
    if (safe_write_file(path, data, len, 0644, NULL, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot write %s", why);
        return -1;
    }
    return 0;
}

char *rp_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    /* A regular file of at most 64 MiB: a device or fifo (/dev/zero) is refused, not read on. */
    return safe_read_file(path, 0, len, err, errlen);
}

json_t *rp_load_json(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    size_t len;
    char *text = safe_read_file(path, 0, &len, err, errlen);  /* capped, regular files only */
    if (!text)
        return NULL;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!j) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d:%d: malformed JSON: %s", path, je.line, je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
    }
    return j;
}

int rp_line(const json_t *obj)
{
    const json_t *l = json_object_get(obj, "__line");
    return json_is_integer(l) ? (int)json_integer_value(l) : 0;
}

static json_t *yaml_scalar(const yaml_node_t *node)
{
    const char *s = (const char *)node->data.scalar.value;
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_string(s);
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes"))
        return json_true();
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no"))
        return json_false();
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null"))
        return json_null();
    char *end;
    errno = 0;
    long long ll = strtoll(s, &end, 10);
    if (*end == '\0' && errno == 0)
        return json_integer(ll);
    double d = strtod(s, &end);
    if (*end == '\0' && isfinite(d))
        return json_real(d);
    return json_string(s);
}

static json_t *yaml_to_json(yaml_document_t *doc, yaml_node_t *node, int depth)
{
    if (!node || depth > 64)
        return json_null();
    switch (node->type) {
    case YAML_SCALAR_NODE:
        return yaml_scalar(node);
    case YAML_SEQUENCE_NODE: {
        json_t *a = json_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++)
            json_array_append_new(a, yaml_to_json(doc, yaml_document_get_node(doc, *it), depth + 1));
        return a;
    }
    case YAML_MAPPING_NODE: {
        json_t *o = json_object();
        json_object_set_new(o, "__line", json_integer((json_int_t)node->start_mark.line + 1));
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE)
                continue;
            json_object_set_new(o, (const char *)k->data.scalar.value,
                                yaml_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1));
        }
        return o;
    }
    default:
        return json_null();
    }
}

json_t *rp_load_spec(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = rp_read_file(path, &len, err, errlen);
    if (!text)
        return NULL;
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p == '{' || *p == '[') {
        free(text);
        return rp_load_json(path, err, errlen);
    }
    yaml_document_t doc;
    struct rd_yaml_error ye;
    json_t *out = NULL;
    if (rd_yaml_load_text(text, len, &doc, &ye) != 0) {
        snprintf(err, errlen, "%s:%d:%d: malformed YAML: %s", path, ye.line, ye.column, ye.what);
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root)
            snprintf(err, errlen, "%s: the file is empty", path);
        else
            out = yaml_to_json(&doc, root, 0);
        yaml_document_delete(&doc);
    }
    free(text);
    return out;
}

/* ---- hashing and encoding ---- */
void rp_base64(struct sbuf *out, const unsigned char *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sb_reserve(out, (len + 2) / 3 * 4);
    size_t i = 0;
    char q[4];
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];
        q[0] = tab[v >> 18 & 63], q[1] = tab[v >> 12 & 63], q[2] = tab[v >> 6 & 63], q[3] = tab[v & 63];
        sb_addn(out, q, 4);
    }
    if (i < len) {
        unsigned v = (unsigned)data[i] << 16 | (i + 1 < len ? (unsigned)data[i + 1] << 8 : 0);
        q[0] = tab[v >> 18 & 63], q[1] = tab[v >> 12 & 63];
        q[2] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        q[3] = '=';
        sb_addn(out, q, 4);
    }
}

/* ---- gnuplot ---- */
/* Removes what a plot script NAME.gp writes (NAME.png, NAME.svg, NAME.gp.log) when it is not a
 * folder: a stale output or a planted symlink. */
static void unlink_outputs(const char *script)
{
    static const char *const ext[] = {".png", ".svg"};
    char stem[4096], path[4200];
    snprintf(stem, sizeof stem, "%s", script);
    size_t l = strlen(stem);
    if (l > 3 && !strcmp(stem + l - 3, ".gp"))
        stem[l - 3] = 0;
    for (size_t k = 0; k < 3; k++) {
        if (k < 2)
            snprintf(path, sizeof path, "%s%s", stem, ext[k]);
        else
            snprintf(path, sizeof path, "%s.log", script);
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            unlink(path);
    }
}

int rp_gnuplot(const char *dir, char *const *scripts, size_t n, char *err, size_t errlen)
{
    const char *gp = getenv("EXA_GNUPLOT");
    if (!gp || !*gp)
        gp = "gnuplot";
    pid_t *pids = calloc(n ? n : 1, sizeof *pids);
    int failed = 0;
    size_t used = 0;
    if (errlen)
        err[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            if (chdir(dir) != 0)
                _exit(126);
            /* gnuplot's outputs: 0644 whatever the umask, and made anew, so that a symlink
             * planted under their names is removed, never written through. */
            umask(022);
            unlink_outputs(scripts[i]);
            char log[4096];
            snprintf(log, sizeof log, "%s.log", scripts[i]);
            int fd = open(log, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
                close(fd);
            }
            execlp(gp, gp, scripts[i], (char *)NULL);
            fprintf(stderr, "cannot run %s: %s\n", gp, strerror(errno));
            _exit(127);
        }
        pids[i] = pid;
    }
    for (size_t i = 0; i < n; i++) {
        int st = 0;
        int bad = pids[i] < 0 || waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        if (!bad) {
            char log[4096];
            snprintf(log, sizeof log, "%s/%s.log", dir, scripts[i]);
            unlink(log);
        } else {
            failed++;
            int w = snprintf(err + used, errlen > used ? errlen - used : 0, "%s%s (see %s/%s.log)",
                             used ? ", " : "", scripts[i], dir, scripts[i]);
            if (w > 0 && used + (size_t)w < errlen)
                used += (size_t)w;
        }
    }
    free(pids);
    return failed;
}

/* ---- formatting ---- */
const char *rp_num(double v, char buf[32])
{
    if (isnan(v))
        snprintf(buf, 32, "-");
    else if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
        snprintf(buf, 32, "%.4g", v);
    else if (fabs(v) >= 1000)
        snprintf(buf, 32, "%.1f", v);
    else
        snprintf(buf, 32, "%.4g", v);
    return buf;
}

void rp_params_text(const json_t *params, struct sbuf *out)
{
    const char *k;
    const json_t *v;
    int first = 1;
    json_object_foreach((json_t *)params, k, v) {
        if (!first)
            sb_add(out, " ");
        first = 0;
        if (json_is_string(v))
            sb_printf(out, "%s=%s", k, json_string_value(v));
        else if (json_is_integer(v))
            sb_printf(out, "%s=%lld", k, (long long)json_integer_value(v));
        else if (json_is_real(v))
            sb_printf(out, "%s=%g", k, json_real_value(v));
        else if (json_is_boolean(v))
            sb_printf(out, "%s=%s", k, json_is_true(v) ? "true" : "false");
        else {
            char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
            sb_printf(out, "%s=%s", k, t ? t : "?");
            rd_jfree(t);
        }
    }
}
