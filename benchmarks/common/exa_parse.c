/* Parsing of user-given numbers, byte sizes and size ranges, with reasons a user can act on. */
#include "exa_parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct suffix {
    const char *text;
    uint64_t factor;
};

static const struct suffix suffixes[] = {
    {"", 1},
    {"b", 1},
    {"k", 1ULL << 10},
    {"kib", 1ULL << 10},
    {"kb", 1000ULL},
    {"m", 1ULL << 20},
    {"mib", 1ULL << 20},
    {"mb", 1000000ULL},
    {"g", 1ULL << 30},
    {"gib", 1ULL << 30},
    {"gb", 1000000000ULL},
    {"t", 1ULL << 40},
    {"tib", 1ULL << 40},
    {"tb", 1000000000000ULL},
};

int exa_parse_size(const char *text, uint64_t *out, char err[EXA_ERR_LEN])
{
    if (!text || !*text) {
        snprintf(err, EXA_ERR_LEN, "empty value, expected a size such as 64, 4K or 1MiB");
        return -1;
    }
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!isdigit((unsigned char)*p)) {
        snprintf(err, EXA_ERR_LEN, "'%s' is not a size: expected a non-negative integer with an "
                 "optional suffix (K, M, G, T, KiB, MiB, GiB, KB, MB, GB)", text);
        return -1;
    }
    errno = 0;
    char *end;
    unsigned long long number = strtoull(p, &end, 10);
    if (errno == ERANGE) {
        snprintf(err, EXA_ERR_LEN, "'%s' is too large", text);
        return -1;
    }
    size_t len = strlen(end);
    while (len > 0 && isspace((unsigned char)end[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strlen(suffixes[i].text) != len || strncasecmp(end, suffixes[i].text, len) != 0)
            continue;
        if (number > UINT64_MAX / suffixes[i].factor) {
            snprintf(err, EXA_ERR_LEN, "'%s' is too large", text);
            return -1;
        }
        *out = (uint64_t)number * suffixes[i].factor;
        return 0;
    }
    snprintf(err, EXA_ERR_LEN, "'%s' has an unknown suffix '%.*s' (use K, M, G, T, KiB, MiB, GiB, "
             "KB, MB or GB)", text, (int)len, end);
    return -1;
}

int exa_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out, char err[EXA_ERR_LEN])
{
    uint64_t v;
    if (exa_parse_size(text, &v, err) != 0)
        return -1;
    if (v < min || v > max) {
        snprintf(err, EXA_ERR_LEN, "'%s' is out of range [%" PRIu64 ", %" PRIu64 "]", text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int exa_parse_long(const char *text, long min, long max, long *out, char err[EXA_ERR_LEN])
{
    if (!text || !*text) {
        snprintf(err, EXA_ERR_LEN, "empty value, expected an integer");
        return -1;
    }
    errno = 0;
    char *end;
    long v = strtol(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == text || *end) {
        snprintf(err, EXA_ERR_LEN, "'%s' is not an integer", text);
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        snprintf(err, EXA_ERR_LEN, "'%s' is out of range [%ld, %ld]", text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int exa_parse_double(const char *text, double min, double max, double *out, char err[EXA_ERR_LEN])
{
    if (!text || !*text) {
        snprintf(err, EXA_ERR_LEN, "empty value, expected a number");
        return -1;
    }
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == text || *end || !isfinite(v)) {
        snprintf(err, EXA_ERR_LEN, "'%s' is not a finite number", text);
        return -1;
    }
    if (v < min || v > max) {
        snprintf(err, EXA_ERR_LEN, "'%s' is out of range [%g, %g]", text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_step(const char *text, struct exa_range *r, char err[EXA_ERR_LEN])
{
    char inner[EXA_ERR_LEN];
    if (text[0] == 'x' || text[0] == 'X' || text[0] == '*') {
        r->multiply = 1;
        if (exa_parse_size(text + 1, &r->step, inner) != 0 || r->step < 2) {
            snprintf(err, EXA_ERR_LEN, "step '%s': a factor must be an integer >= 2, as in x2", text);
            return -1;
        }
        return 0;
    }
    r->multiply = 0;
    const char *num = text[0] == '+' ? text + 1 : text;
    if (exa_parse_size(num, &r->step, inner) != 0 || r->step < 1) {
        snprintf(err, EXA_ERR_LEN, "step '%s': expected xK (multiply) or +K (add), as in x2 or +1K", text);
        return -1;
    }
    return 0;
}

int exa_parse_range(const char *text, struct exa_range *out, char err[EXA_ERR_LEN])
{
    char buf[128], inner[EXA_ERR_LEN];
    if (!text || strlen(text) >= sizeof buf || !*text) {
        snprintf(err, EXA_ERR_LEN, "'%s' is not a range MIN:MAX[:STEP]", text ? text : "");
        return -1;
    }
    strcpy(buf, text);
    char *parts[4] = {0};
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
        if (n == 3) {
            snprintf(err, EXA_ERR_LEN, "'%s' has too many ':' (expected MIN:MAX[:STEP])", text);
            return -1;
        }
        parts[n++] = tok;
    }
    if (n == 0 || (strchr(text, ':') && n < 2) || strstr(text, "::") || text[strlen(text) - 1] == ':') {
        snprintf(err, EXA_ERR_LEN, "'%s' is not a range MIN:MAX[:STEP]", text);
        return -1;
    }
    struct exa_range r = {.multiply = 1, .step = 2};
    if (exa_parse_size(parts[0], &r.min, inner) != 0) {
        snprintf(err, EXA_ERR_LEN, "range '%s': minimum %s", text, inner);
        return -1;
    }
    r.max = r.min;
    if (n >= 2 && exa_parse_size(parts[1], &r.max, inner) != 0) {
        snprintf(err, EXA_ERR_LEN, "range '%s': maximum %s", text, inner);
        return -1;
    }
    if (n == 3 && parse_step(parts[2], &r, err) != 0)
        return -1;
    if (r.min > r.max) {
        snprintf(err, EXA_ERR_LEN, "range '%s' is upside down: minimum %s exceeds maximum %s", text,
                 parts[0], parts[1]);
        return -1;
    }
    if (r.multiply && r.min == 0 && r.max > 0) {
        snprintf(err, EXA_ERR_LEN, "range '%s' starts at 0 and grows by a factor: start at 1 or use +K", text);
        return -1;
    }
    *out = r;
    return 0;
}

size_t exa_range_values(const struct exa_range *r, uint64_t *values, size_t cap)
{
    size_t n = 0;
    uint64_t v = r->min;
    for (;;) {
        if (n < cap)
            values[n] = v;
        n++;
        if (v >= r->max)
            break;
        uint64_t next = r->multiply ? v * r->step : v + r->step;
        if ((r->multiply && v > r->max / r->step) || next > r->max || next <= v)
            next = r->max; /* the maximum is always included */
        v = next;
    }
    return n;
}

void exa_format_size(uint64_t bytes, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    int u = -1;
    uint64_t v = bytes;
    while (v >= 1024 && v % 1024 == 0 && u < 3) {
        v /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%" PRIu64, bytes);
    else
        snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}

int exa_next_line(const char **cursor, char *buf, size_t cap, int *line)
{
    const char *p = *cursor;
    if (!*p)
        return 0;
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    *cursor = eol ? eol + 1 : p + len;
    (*line)++;
    if (len >= cap)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = '\0';
    return 1;
}
