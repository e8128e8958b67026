/* Validation and quoting of the values written into Slurm batch scripts. See slurm_values.h. */
#include "slurm_values.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Escapes control characters and non-ASCII bytes for an error message. */
static const char *shown(const char *s, char *buf, size_t len)
{
    size_t o = 0, i;
    for (i = 0; s[i] && i < 80; i++) {
        unsigned char c = (unsigned char)s[i];
        char t[8];
        if (c == '\n')
            snprintf(t, sizeof t, "\\n");
        else if (c == '\r')
            snprintf(t, sizeof t, "\\r");
        else if (c == '\t')
            snprintf(t, sizeof t, "\\t");
        else if (c == '\\')
            snprintf(t, sizeof t, "\\\\");
        else if (c == '"')
            snprintf(t, sizeof t, "\\\"");
        else if (c < 32 || c >= 127)
            snprintf(t, sizeof t, "\\x%02x", c);
        else {
            t[0] = (char)c;
            t[1] = 0;
        }
        size_t n = strlen(t);
        if (o + n + 4 >= len)
            break;
        memcpy(buf + o, t, n);
        o += n;
    }
    if (s[i] && o + 3 < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = 0;
    return buf;
}

static int fail(char *err, size_t errlen, const char *field, const char *value, const char *why)
{
    char b[400];
    snprintf(err, errlen, "%s: \"%s\" %s", field, shown(value ? value : "", b, sizeof b), why);
    return -1;
}

/* The first control character of s, described ("\n"), or NULL. */
static const char *control_char(const char *s, char *buf, size_t len)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 32 || c == 127) {
            if (c == '\n')
                snprintf(buf, len, "\\n");
            else if (c == '\r')
                snprintf(buf, len, "\\r");
            else if (c == '\t')
                snprintf(buf, len, "\\t");
            else
                snprintf(buf, len, "\\x%02x", c);
            return buf;
        }
    }
    return NULL;
}

static int check_control(const char *field, const char *value, char *err, size_t errlen)
{
    char c[8], why[64];
    if (control_char(value, c, sizeof c)) {
        snprintf(why, sizeof why, "contains a control character (%s)", c);
        return fail(err, errlen, field, value, why);
    }
    return 0;
}

static int name_char(char c, int plus)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || (plus && c == '+');
}

static int check_name_n(const char *field, const char *full, const char *v, size_t n, int plus, char *err,
                        size_t errlen)
{
    if (n == 0)
        return fail(err, errlen, field, full, "is empty");
    if (n > SLURM_NAME_MAX)
        return fail(err, errlen, field, full, "is too long (at most 64 characters)");
    if (v[0] == '-')
        return fail(err, errlen, field, full, "starts with '-'");
    for (size_t i = 0; i < n; i++)
        if (!name_char(v[i], plus)) {
            char why[96];
            unsigned char c = (unsigned char)v[i];
            if (c < 32 || c == 127)
                return check_control(field, full, err, errlen);
            if (c >= 32 && c < 127)
                snprintf(why, sizeof why, "contains '%c' (allowed: letters, digits, '_', '.', '-'%s)", c,
                         plus ? ", '+'" : "");
            else
                snprintf(why, sizeof why, "contains a byte 0x%02x outside ASCII", c);
            return fail(err, errlen, field, full, why);
        }
    return 0;
}

static int is_qos(const char *field)
{
    size_t n = strlen(field);
    return n >= 3 && !strcmp(field + n - 3, "qos");
}

int slurm_check_name(const char *field, const char *value, char *err, size_t errlen)
{
    if (!value)
        return fail(err, errlen, field, "", "is missing");
    return check_name_n(field, value, value, strlen(value), is_qos(field), err, errlen);
}

int slurm_check_name_list(const char *field, const char *value, char *err, size_t errlen)
{
    if (!value || !*value)
        return fail(err, errlen, field, value, "is empty");
    if (check_control(field, value, err, errlen))
        return -1;
    const char *p = value;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (check_name_n(field, value, p, n, is_qos(field), err, errlen))
            return -1;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

/* Parses 1..max_digits decimal digits at *p into *out; advances *p. */
static int digits(const char **p, long *out)
{
    const char *s = *p;
    long v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        if (n >= 9)
            return -1;
        v = v * 10 + (*s - '0');
        s++;
        n++;
    }
    if (!n)
        return -1;
    *p = s;
    *out = v;
    return 0;
}

int slurm_check_time(const char *field, const char *value, long *minutes, char *err, size_t errlen)
{
    if (!value || !*value)
        return fail(err, errlen, field, value, "is empty");
    if (check_control(field, value, err, errlen))
        return -1;
    if (!strcasecmp(value, "UNLIMITED") || !strcasecmp(value, "INFINITE")) {
        if (minutes)
            *minutes = -1;
        return 0;
    }
    static const char *formats =
        "is not a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED)";
    const char *p = value;
    long f[4];
    int n = 0;
    long days = -1;
    if (digits(&p, &f[0]))
        return fail(err, errlen, field, value, formats);
    if (*p == '-') {
        days = f[0];
        p++;
        if (digits(&p, &f[0]))
            return fail(err, errlen, field, value, formats);
    }
    n = 1;
    while (*p == ':') {
        if (n == 3)
            return fail(err, errlen, field, value, formats);
        p++;
        if (digits(&p, &f[n]))
            return fail(err, errlen, field, value, formats);
        n++;
    }
    if (*p)
        return fail(err, errlen, field, value, formats);
    long h = 0, m = 0, s = 0;
    if (days >= 0) {
        /* D-HH, D-HH:MM, D-HH:MM:SS */
        h = f[0];
        m = n > 1 ? f[1] : 0;
        s = n > 2 ? f[2] : 0;
        if (h >= 24 || m >= 60 || s >= 60)
            return fail(err, errlen, field, value, "has hours >= 24, or minutes or seconds >= 60");
    } else if (n == 1) {
        m = f[0];
    } else if (n == 2) {
        m = f[0];
        s = f[1];
        if (s >= 60)
            return fail(err, errlen, field, value, "has seconds >= 60");
    } else {
        h = f[0];
        m = f[1];
        s = f[2];
        if (m >= 60 || s >= 60)
            return fail(err, errlen, field, value, "has minutes or seconds >= 60");
    }
    long total = ((days > 0 ? days : 0) * 24 + h) * 60 + m + (s > 0);
    if (total <= 0)
        return fail(err, errlen, field, value, "is zero (use UNLIMITED for no limit)");
    if (minutes)
        *minutes = total;
    return 0;
}

int slurm_check_nodes(const char *field, const char *value, char *err, size_t errlen)
{
    if (!value || !*value)
        return fail(err, errlen, field, value, "is empty");
    if (check_control(field, value, err, errlen))
        return -1;
    const char *p = value;
    long a, b;
    if (digits(&p, &a))
        return fail(err, errlen, field, value, "is not a node count (N or MIN-MAX)");
    b = a;
    if (*p == '-') {
        p++;
        if (digits(&p, &b))
            return fail(err, errlen, field, value, "is not a node count (N or MIN-MAX)");
    }
    if (*p)
        return fail(err, errlen, field, value, "is not a node count (N or MIN-MAX)");
    if (a < 1 || b > SLURM_NODES_MAX)
        return fail(err, errlen, field, value, "is out of range (1 to 1000000)");
    if (a > b)
        return fail(err, errlen, field, value, "has MIN > MAX");
    return 0;
}

int slurm_check_job_name(const char *field, const char *value, char *err, size_t errlen)
{
    if (!value || !*value)
        return fail(err, errlen, field, value, "is empty");
    if (check_control(field, value, err, errlen))
        return -1;
    if (strlen(value) > SLURM_JOB_NAME_MAX)
        return fail(err, errlen, field, value, "is too long (at most 200 characters)");
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 127)
            return fail(err, errlen, field, value, "contains a byte outside ASCII");
        if (strchr(" '\"\\#$`;&|<>(){}*?!~", c)) {
            char why[64];
            snprintf(why, sizeof why, "contains '%c'", c);
            return fail(err, errlen, field, value, why);
        }
    }
    return 0;
}

int slurm_check_hostlist(const char *field, const char *value, char *err, size_t errlen)
{
    if (!value || !*value)
        return fail(err, errlen, field, value, "is empty");
    if (check_control(field, value, err, errlen))
        return -1;
    int depth = 0;
    for (const char *p = value; *p; p++) {
        char c = *p;
        if (c == '[') {
            if (depth++)
                return fail(err, errlen, field, value, "has nested brackets");
        } else if (c == ']') {
            if (!depth--)
                return fail(err, errlen, field, value, "has an unbalanced ']'");
        } else if (!name_char(c, 0) && c != ',') {
            char why[64];
            snprintf(why, sizeof why, "contains '%c' (not in a host list)", (unsigned char)c < 127 ? c : '?');
            return fail(err, errlen, field, value, why);
        }
    }
    if (depth)
        return fail(err, errlen, field, value, "has an unbalanced '['");
    if (value[0] == '-')
        return fail(err, errlen, field, value, "starts with '-'");
    return 0;
}

int slurm_check_path(const char *field, const char *value, char *err, size_t errlen)
{
    if (!value || !*value)
        return fail(err, errlen, field, value, "is empty");
    if (check_control(field, value, err, errlen))
        return -1;
    if (strlen(value) >= PATH_MAX)
        return fail(err, errlen, field, value, "is too long");
    return 0;
}

/* Appends c to out at *o when there is room (keeping one byte for the NUL); counts regardless. */
static void put(char *out, size_t outlen, size_t *o, char c)
{
    if (outlen && *o + 1 < outlen)
        out[*o] = c;
    (*o)++;
}

static void terminate(char *out, size_t outlen, size_t o)
{
    if (outlen)
        out[o < outlen ? o : outlen - 1] = 0;
}

size_t slurm_shell_word(char *out, size_t outlen, const char *value)
{
    size_t o = 0;
    put(out, outlen, &o, '\'');
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\'') {
            put(out, outlen, &o, '\'');
            put(out, outlen, &o, '\\');
            put(out, outlen, &o, '\'');
            put(out, outlen, &o, '\'');
        } else {
            put(out, outlen, &o, *p);
        }
    }
    put(out, outlen, &o, '\'');
    /* A truncated word must never be used: cut it at the start rather than in the middle. */
    if (outlen && o >= outlen)
        out[0] = 0;
    else
        terminate(out, outlen, o);
    return o;
}

long slurm_sbatch_word(char *out, size_t outlen, const char *value, int pattern_literal)
{
    char c[8];
    if (outlen)
        out[0] = 0;
    if (!value || control_char(value, c, sizeof c))
        return -1;
    /* Slurm does not expand filename patterns in a name that holds a backslash: no doubling then */
    int double_pct = pattern_literal && !strchr(value, '\\');
    size_t o = 0;
    put(out, outlen, &o, '"');
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(out, outlen, &o, '\\');
        if (double_pct && *p == '%')
            put(out, outlen, &o, '%');
        put(out, outlen, &o, *p);
    }
    put(out, outlen, &o, '"');
    if (outlen && o >= outlen)
        out[0] = 0;
    else
        terminate(out, outlen, o);
    return (long)o;
}

long slurm_sbatch_line(char *out, size_t outlen, const char *opt, const char *value, int pattern_literal,
                       char *err, size_t errlen)
{
    if (outlen)
        out[0] = 0;
    if (!opt || !*opt || opt[0] == '-') {
        snprintf(err, errlen, "#SBATCH option name \"%s\" is not valid", opt ? opt : "");
        return -1;
    }
    for (const char *p = opt; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '-')) {
            snprintf(err, errlen, "#SBATCH option name \"%s\" is not valid", opt);
            return -1;
        }
    char field[80];
    snprintf(field, sizeof field, "--%s", opt);
    if (check_control(field, value ? value : "", err, errlen))
        return -1;
    long need = slurm_sbatch_word(NULL, 0, value, pattern_literal);
    if (need < 0) {
        snprintf(err, errlen, "%s: value can not be written", field);
        return -1;
    }
    size_t head = strlen("#SBATCH --=") + strlen(opt);
    size_t total = head + (size_t)need + 1;
    if (total + 1 > outlen) {
        snprintf(err, errlen, "%s: the line is too long (%zu bytes)", field, total);
        return (long)total;
    }
    int n = snprintf(out, outlen, "#SBATCH --%s=", opt);
    slurm_sbatch_word(out + n, outlen - (size_t)n, value, pattern_literal);
    size_t len = strlen(out);
    out[len] = '\n';
    out[len + 1] = 0;
    return (long)(len + 1);
}

int slurm_check_env_name(const char *field, const char *name, char *err, size_t errlen)
{
    if (!name || !*name)
        return fail(err, errlen, field, name, "is empty");
    if (check_control(field, name, err, errlen))
        return -1;
    if (strlen(name) > 255)
        return fail(err, errlen, field, name, "is too long");
    for (const char *p = name; *p; p++) {
        char c = *p;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (p > name && c >= '0' && c <= '9');
        if (!ok)
            return fail(err, errlen, field, name, "is not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
    }
    return 0;
}

int slurm_check_launcher(const struct slurm_launcher_values *v, char *err, size_t errlen)
{
    if (v->partition && slurm_check_name_list("launcher.partition", v->partition, err, errlen))
        return -1;
    if (v->account && slurm_check_name("launcher.account", v->account, err, errlen))
        return -1;
    if (v->qos && slurm_check_name("launcher.qos", v->qos, err, errlen))
        return -1;
    if (v->reservation && slurm_check_name_list("launcher.reservation", v->reservation, err, errlen))
        return -1;
    if (v->time_limit && slurm_check_time("launcher.time_limit", v->time_limit, NULL, err, errlen))
        return -1;
    if (v->job_name && slurm_check_job_name("job name", v->job_name, err, errlen))
        return -1;
    if (v->output && slurm_check_path("--output", v->output, err, errlen))
        return -1;
    if (v->exclude && slurm_check_hostlist("excluded_nodes", v->exclude, err, errlen))
        return -1;
    return 0;
}

int slurm_sbatch_split(const char *line, void (*fn)(void *ctx, const char *word), void *ctx)
{
    size_t cap = strlen(line) + 1;
    char *w = malloc(cap);
    if (!w)
        return -1;
    int count = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n' || *p == '#')
            break;
        size_t n = 0;
        char q = 0;
        int esc = 0;
        while (*p && *p != '\n' && (q || (*p != ' ' && *p != '\t'))) {
            if (esc) {
                esc = 0;
                w[n++] = *p++;
                continue;
            }
            if (*p == '\\') {
                esc = 1;
                p++;
                continue;
            }
            if (q) {
                if (*p == q) {
                    q = 0;
                    p++;
                    continue;
                }
            } else if (*p == '"' || *p == '\'') {
                q = *p++;
                continue;
            } else if (*p == '#') {
                break;
            }
            w[n++] = *p++;
        }
        w[n] = 0;
        if (fn)
            fn(ctx, w);
        count++;
        if (*p == '#' || *p == '\n')
            break;
    }
    free(w);
    return count;
}
