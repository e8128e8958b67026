/* A validating JSON parser for the reporting commands: one pass over the text checks the RFC 8259
 * grammar (and what jansson refuses besides: invalid UTF-8, lone surrogates, \u0000, duplicate
 * names, numbers out of range) and builds the values through jansson's constructors, skipping
 * the members of a record that the reporting commands do not read. See rundir_scan.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "rundir_scan.h"

#define MAX_DEPTH 512

struct scan {
    const char *start, *p, *end;
    const char *why;
    int depth;
};

static void ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
        s->p++;
}

static int fail(struct scan *s, const char *why)
{
    if (!s->why)
        s->why = why;
    return -1;
}

/* Checks one escape at s->p (the backslash) and steps over it. */
static int escape(struct scan *s)
{
    s->p++;
    if (s->p >= s->end)
        return fail(s, "premature end of input in a string");
    if (*s->p != 'u') {
        if (!*s->p || !strchr("\"\\/bfnrt", *s->p))
            return fail(s, "invalid escape");
        s->p++;
        return 0;
    }
    long cp = s->end - s->p >= 5 ? rd_json_hex4(s->p - 1) : -1;
    if (cp < 0)
        return fail(s, "invalid \\u escape");
    if (cp == 0)
        return fail(s, "\\u0000 is not allowed");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(s, "invalid Unicode escape (a lone low surrogate)");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long lo = s->end - s->p >= 11 ? rd_json_hex4(s->p + 5) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(s, "invalid Unicode escape (a high surrogate without its low half)");
        s->p += 6;
    }
    s->p += 5;
    return 0;
}

/* Scans a string at s->p. Its body (between the quotes) is [*b, *e); *esc says whether it holds
 * escapes. */
static int string(struct scan *s, const char **b, const char **e, int *esc)
{
    if (s->p >= s->end || *s->p != '"')
        return fail(s, "expected a string");
    s->p++;
    *b = s->p;
    *esc = 0;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            *e = s->p++;
            return 0;
        }
        if (c < 0x20)
            return fail(s, "control character in a string");
        if (c == '\\') {
            *esc = 1;
            if (escape(s))
                return -1;
            continue;
        }
        if (c >= 0x80) {
            size_t n = rd_json_utf8_len((const unsigned char *)s->p, (const unsigned char *)s->end);
            if (!n)
                return fail(s, "invalid UTF-8");
            s->p += n;
            continue;
        }
        s->p++;
    }
    return fail(s, "premature end of input in a string");
}

/* The text of a checked string body, decoded: a pointer into the input when it has no escapes,
 * else into buf (or a malloc'd block, returned in *heap, when buf is too small). */
static const char *string_text(const char *b, const char *e, int esc, char *buf, size_t cap, char **heap,
                               size_t *len)
{
    *heap = NULL;
    if (!esc) {
        *len = (size_t)(e - b);
        return b;
    }
    char *out = (size_t)(e - b) <= cap ? buf : (*heap = malloc((size_t)(e - b) + 1));
    *len = rd_json_unescape(b, e, out);
    return out;
}

static int digits(struct scan *s)
{
    const char *b = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > b ? 0 : fail(s, "invalid number");
}

/* Converts a checked number [b, e): an integer when it has no fraction or exponent (as jansson). */
static int convert(struct scan *s, const char *b, const char *e, int is_int, json_t **out)
{
    size_t n = (size_t)(e - b);
    char small[64], *t = n < sizeof small ? small : malloc(n + 1);
    memcpy(t, b, n);
    t[n] = '\0';
    errno = 0;
    int rc = 0;
    if (is_int) {
        long long v = strtoll(t, NULL, 10);
        if (errno == ERANGE) {
            s->p = b;
            rc = fail(s, v < 0 ? "too big negative integer" : "too big integer");
        } else if (out) {
            *out = json_integer(v);
        }
    } else {
        double d = strtod(t, NULL);
        if (errno == ERANGE && isinf(d)) {
            s->p = b;
            rc = fail(s, "real number overflow");
        } else if (out) {
            *out = json_real(d);
        }
    }
    if (t != small)
        free(t);
    return rc;
}

static int number(struct scan *s, json_t **out)
{
    const char *b = s->p;
    int is_int = 1;
    size_t exp_digits = 0;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (digits(s))
        return -1;
    if (s->p < s->end && *s->p == '.') {
        is_int = 0;
        s->p++;
        if (digits(s))
            return -1;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        is_int = 0;
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        const char *d = s->p;
        if (digits(s))
            return -1;
        exp_digits = (size_t)(s->p - d);
    }
    size_t n = (size_t)(s->p - b);
    /* Values that are only checked are converted only where they could be out of range. */
    if (out || (is_int ? n > 18 : exp_digits >= 3 || n > 200))
        return convert(s, b, s->p, is_int, out);
    return 0;
}

static int literal(struct scan *s, const char *word, json_t *(*make)(void), json_t **out)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
        return fail(s, "invalid token");
    s->p += n;
    if (out)
        *out = make();
    return 0;
}

static int value(struct scan *s, json_t **out);

/* Adds NAME (a checked string body) = v to obj; -1 on a duplicate name (s->p put back at it). */
static int add_member(struct scan *s, json_t *obj, const char *name_at, const char *b, const char *e, int esc,
                      json_t *v)
{
    char buf[256], *heap;
    size_t len;
    const char *name = string_text(b, e, esc, buf, sizeof buf, &heap, &len);
    int rc = 0;
    if (json_object_getn(obj, name, len)) {
        s->p = name_at;
        rc = fail(s, "duplicate object key");
        json_decref(v);
    } else {
        json_object_setn_new_nocheck(obj, name, len, v);
    }
    free(heap);
    return rc;
}

/* A separator after an element: 1 for ',' (more follow), 0 for the closing one, -1 otherwise. */
static int next(struct scan *s, char close, const char *why)
{
    ws(s);
    if (s->p < s->end && *s->p == ',') {
        s->p++;
        return 1;
    }
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    return fail(s, why);
}

/* A member's name and its colon: the name's quote at *name_at, its body [*b, *e). */
static int member_name(struct scan *s, const char **name_at, const char **b, const char **e, int *esc)
{
    ws(s);
    *name_at = s->p;
    if (string(s, b, e, esc))
        return -1;
    ws(s);
    if (s->p >= s->end || *s->p != ':')
        return fail(s, "':' expected");
    s->p++;
    return 0;
}

/* One "name": value of an object; added to obj unless obj is NULL (checking only). */
static int object_member(struct scan *s, json_t *obj)
{
    const char *name_at, *b, *e;
    int esc;
    if (member_name(s, &name_at, &b, &e, &esc))
        return -1;
    json_t *v = NULL;
    if (value(s, obj ? &v : NULL))
        return -1;
    return obj ? add_member(s, obj, name_at, b, e, esc, v) : 0;
}

static int array_element(struct scan *s, json_t *arr)
{
    json_t *v = NULL;
    if (value(s, arr ? &v : NULL))
        return -1;
    if (arr)
        json_array_append_new(arr, v);
    return 0;
}

/* An object or an array at s->p (its opening bracket): elements up to the closing one. */
static int container(struct scan *s, json_t **out, char close, const char *why, json_t *(*make)(void),
                     int (*element)(struct scan *, json_t *))
{
    json_t *c = out ? make() : NULL;
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
    } else {
        for (;;) {
            int more = element(s, c) ? -1 : next(s, close, why);
            if (more < 0) {
                json_decref(c);
                return -1;
            }
            if (!more)
                break;
        }
    }
    if (out)
        *out = c;
    return 0;
}

static int string_value(struct scan *s, json_t **out)
{
    const char *b, *e;
    int esc;
    if (string(s, &b, &e, &esc))
        return -1;
    if (out) {
        char buf[256], *heap;
        size_t len;
        const char *t = string_text(b, e, esc, buf, sizeof buf, &heap, &len);
        *out = json_stringn_nocheck(t, len);
        free(heap);
    }
    return 0;
}

/* Scans one value at s->p (after white space); when out is not NULL, builds it there. */
static int value(struct scan *s, json_t **out)
{
    ws(s);
    if (s->p >= s->end)
        return fail(s, "premature end of input");
    if (++s->depth > MAX_DEPTH)
        return fail(s, "too deeply nested");
    int rc;
    switch (*s->p) {
    case '{': rc = container(s, out, '}', "',' or '}' expected", json_object, object_member); break;
    case '[': rc = container(s, out, ']', "',' or ']' expected", json_array, array_element); break;
    case '"': rc = string_value(s, out); break;
    case 't': rc = literal(s, "true", json_true, out); break;
    case 'f': rc = literal(s, "false", json_false, out); break;
    case 'n': rc = literal(s, "null", json_null, out); break;
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
            rc = number(s, out);
        else
            rc = fail(s, "invalid token");
    }
    s->depth--;
    return rc;
}

static void position(const struct scan *s, int *line, int *col)
{
    *line = 1;
    const char *bol = s->start;
    for (const char *q = s->start; q < s->p && q < s->end; q++)
        if (*q == '\n') {
            (*line)++;
            bol = q + 1;
        }
    *col = (int)(s->p - bol) + 1;
}

static json_t *error_at(const struct scan *s, const char *path, char *err, size_t errlen)
{
    int line, col;
    position(s, &line, &col);
    snprintf(err, errlen, "%s:%d:%d: malformed JSON: %s", path, line, col, s->why ? s->why : "syntax error");
    return NULL;
}

/* Builds the already checked value text[0..len). */
static json_t *build(const char *text, size_t len)
{
    struct scan s = {text, text, text + len, NULL, 0};
    json_t *v = NULL;
    return value(&s, &v) == 0 ? v : NULL;
}

/* Checks that nothing but white space follows the value. */
static int at_end(struct scan *s)
{
    ws(s);
    return s->p == s->end ? 0 : fail(s, "end of file expected");
}

json_t *rd_parse_json(const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    struct scan s = {text, text, text + len, NULL, 0};
    json_t *v = NULL;
    if (value(&s, &v))
        return error_at(&s, path, err, errlen);
    if (at_end(&s)) {
        json_decref(v);
        return error_at(&s, path, err, errlen);
    }
    return v;
}

/* Per-thread cache of parsed members that records of a run repeat byte for byte (provenance,
 * build facts, compliance, launch), keyed by their exact text. */
#define PROV_CACHE 64
static __thread struct {
    char *text;
    size_t len;
    json_t *obj;
} prov_cache[PROV_CACHE];
static __thread unsigned prov_next;

static int shared_member(const char *name, size_t len)
{
    static const char *const names[] = {"provenance", "exabench", "compliance", "launch", "timer"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && !memcmp(name, names[i], len))
            return 1;
    return 0;
}

static json_t *shared_value(const char *text, size_t len)
{
    for (unsigned i = 0; i < PROV_CACHE; i++)
        if (prov_cache[i].obj && prov_cache[i].len == len && !memcmp(prov_cache[i].text, text, len))
            return json_incref(prov_cache[i].obj);
    json_t *obj = build(text, len);
    if (!obj)
        return NULL;
    unsigned k = prov_next++ % PROV_CACHE;
    json_decref(prov_cache[k].obj);
    free(prov_cache[k].text);
    prov_cache[k].text = malloc(len);
    memcpy(prov_cache[k].text, text, len);
    prov_cache[k].len = len;
    prov_cache[k].obj = json_incref(obj);
    return obj;
}

void rd_scan_cache_clear(void)
{
    for (unsigned i = 0; i < PROV_CACHE; i++) {
        json_decref(prov_cache[i].obj);
        free(prov_cache[i].text);
        prov_cache[i].obj = NULL;
        prov_cache[i].text = NULL;
        prov_cache[i].len = 0;
    }
    prov_next = 0;
}

/* Where a record's "results" lies, built only for all-pairs records once "test" is known (it may
 * come after it). */
struct deferred {
    const char *name_at, *b, *e, *val, *val_end;
    int esc;
};

static int is_name(const char *b, const char *e, int esc, const char *want)
{
    return !esc && (size_t)(e - b) == strlen(want) && !memcmp(b, want, (size_t)(e - b));
}

/* One member of a record's top level: checked, and built unless it is "results" (deferred) or a
 * shared member (built from the cache). */
static int record_member(struct scan *s, json_t *rec, struct deferred *results)
{
    const char *name_at, *b, *e;
    int esc;
    if (member_name(s, &name_at, &b, &e, &esc))
        return -1;
    ws(s);
    const char *val = s->p;
    int is_results = is_name(b, e, esc, "results");
    if (is_results && results->val) {
        s->p = name_at;
        return fail(s, "duplicate object key");
    }
    int skip = is_results || (!esc && shared_member(b, (size_t)(e - b)));
    json_t *v = NULL;
    if (value(s, skip ? NULL : &v))
        return -1;
    if (!skip)
        return add_member(s, rec, name_at, b, e, esc, v);
    if (is_results) {
        *results = (struct deferred){name_at, b, e, val, s->p, esc};
        return 0;
    }
    v = *val == '{' ? shared_value(val, (size_t)(s->p - val)) : build(val, (size_t)(s->p - val));
    if (!v) {  /* checked grammar, so a duplicate name inside: an error, not a member dropped */
        s->p = val;
        return fail(s, "duplicate object key");
    }
    return add_member(s, rec, name_at, b, e, esc, v);
}

json_t *rd_scan_record(const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    struct scan s = {text, text, text + len, NULL, 0};
    ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return rd_parse_json(text, len, path, err, errlen);
    json_t *rec = json_object();
    struct deferred results = {0};
    s.p++;
    ws(&s);
    if (s.p < s.end && *s.p == '}') {
        s.p++;
    } else {
        for (;;) {
            if (record_member(&s, rec, &results))
                goto bad;
            int more = next(&s, '}', "',' or '}' expected");
            if (more < 0)
                goto bad;
            if (!more)
                break;
        }
    }
    if (at_end(&s))
        goto bad;
    if (results.val) {
        /* The report plots all-pairs matrices; other records' result tables are not read. */
        const char *test = json_string_value(json_object_get(rec, "test"));
        int keep = *results.val != '{' || (test && strstr(test, "allpairs"));
        json_t *v = keep ? build(results.val, (size_t)(results.val_end - results.val)) : json_object();
        if (!v) {
            s.p = results.val;
            fail(&s, "duplicate object key");
            goto bad;
        }
        if (add_member(&s, rec, results.name_at, results.b, results.e, results.esc, v))
            goto bad;
    }
    return rec;
bad:
    json_decref(rec);
    return error_at(&s, path, err, errlen);
}
