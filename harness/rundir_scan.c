/* A validating JSON scanner that locates the top-level members of a record without building the
 * ones the reporting commands do not read. See rundir_scan.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rundir_scan.h"

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

static int hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int string(struct scan *s)
{
    if (s->p >= s->end || *s->p != '"')
        return fail(s, "expected a string");
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            return 0;
        }
        if (c < 0x20)
            return fail(s, "control character in a string");
        if (c == '\\') {
            s->p++;
            if (s->p >= s->end)
                break;
            char e = *s->p;
            if (e == 'u') {
                if (s->end - s->p < 5 || !hex(s->p[1]) || !hex(s->p[2]) || !hex(s->p[3]) || !hex(s->p[4]))
                    return fail(s, "invalid \\u escape");
                s->p += 4;
            } else if (!strchr("\"\\/bfnrt", e) || !e) {
                return fail(s, "invalid escape");
            }
        }
        s->p++;
    }
    return fail(s, "premature end of input in a string");
}

static int digits(struct scan *s)
{
    const char *b = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > b ? 0 : fail(s, "invalid number");
}

static int number(struct scan *s)
{
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (digits(s))
        return -1;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (digits(s))
            return -1;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (digits(s))
            return -1;
    }
    return 0;
}

static int literal(struct scan *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
        return fail(s, "invalid token");
    s->p += n;
    return 0;
}

static int value(struct scan *s);

static int object(struct scan *s)
{
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return 0;
    }
    for (;;) {
        ws(s);
        if (string(s))
            return -1;
        ws(s);
        if (s->p >= s->end || *s->p != ':')
            return fail(s, "':' expected");
        s->p++;
        if (value(s))
            return -1;
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return 0;
        }
        return fail(s, "',' or '}' expected");
    }
}

static int array(struct scan *s)
{
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return 0;
    }
    for (;;) {
        if (value(s))
            return -1;
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return 0;
        }
        return fail(s, "',' or ']' expected");
    }
}

static int value(struct scan *s)
{
    ws(s);
    if (s->p >= s->end)
        return fail(s, "premature end of input");
    if (++s->depth > 512)
        return fail(s, "too deeply nested");
    int rc;
    switch (*s->p) {
    case '{': rc = object(s); break;
    case '[': rc = array(s); break;
    case '"': rc = string(s); break;
    case 't': rc = literal(s, "true"); break;
    case 'f': rc = literal(s, "false"); break;
    case 'n': rc = literal(s, "null"); break;
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
            rc = number(s);
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

/* Per-thread cache of parsed members that records of a run repeat byte for byte (provenance,
 * build facts, compliance, launch), keyed by their exact text. */
#define PROV_CACHE 64
static __thread struct {
    char *text;
    size_t len;
    json_t *obj;
} prov_cache[PROV_CACHE];
static __thread unsigned prov_next;

static int shared_member(const char *key)
{
    return !strcmp(key, "provenance") || !strcmp(key, "exabench") || !strcmp(key, "compliance") ||
           !strcmp(key, "launch") || !strcmp(key, "timer");
}

static json_t *provenance(const char *text, size_t len)
{
    for (unsigned i = 0; i < PROV_CACHE; i++)
        if (prov_cache[i].obj && prov_cache[i].len == len && !memcmp(prov_cache[i].text, text, len))
            return json_incref(prov_cache[i].obj);
    json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
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

/* A member name from its quoted JSON text: copied as it is when plain ASCII without escapes (the
 * names of records), else decoded by jansson. */
static void key_text(const char *quoted, size_t len, char *key, size_t cap)
{
    size_t n = len - 2;
    int plain = n < cap;
    for (size_t i = 1; plain && i <= n; i++)
        plain = quoted[i] != '\\' && (unsigned char)quoted[i] < 0x80;
    if (plain) {
        memcpy(key, quoted + 1, n);
        key[n] = '\0';
        return;
    }
    json_t *kj = json_loadb(quoted, len, JSON_DECODE_ANY, NULL);
    snprintf(key, cap, "%s", json_string_value(kj) ? json_string_value(kj) : "");
    json_decref(kj);
}

json_t *rd_scan_record(const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    struct scan s = {text, text, text + len, NULL, 0};
    struct {
        const char *key, *val;
        size_t klen, vlen;
    } m[64];
    size_t nm = 0;
    int is_object = 0;
    ws(&s);
    if (s.p < s.end && *s.p == '{') {
        /* The top level by hand, to note where each member's value lies. */
        is_object = 1;
        s.p++;
        ws(&s);
        if (s.p < s.end && *s.p == '}')
            s.p++;
        else
            for (;;) {
                ws(&s);
                const char *k = s.p;
                if (string(&s))
                    goto bad;
                size_t kl = (size_t)(s.p - k);
                ws(&s);
                if (s.p >= s.end || *s.p != ':') {
                    fail(&s, "':' expected");
                    goto bad;
                }
                s.p++;
                ws(&s);
                const char *v = s.p;
                if (value(&s))
                    goto bad;
                if (nm < sizeof m / sizeof m[0])
                    m[nm++] = (typeof(m[0])){k, v, kl, (size_t)(s.p - v)};
                else
                    is_object = 2;  /* too many members to track: parse it all */
                ws(&s);
                if (s.p < s.end && *s.p == ',') {
                    s.p++;
                    continue;
                }
                if (s.p < s.end && *s.p == '}') {
                    s.p++;
                    break;
                }
                fail(&s, "',' or '}' expected");
                goto bad;
            }
    } else if (value(&s)) {
        goto bad;
    }
    ws(&s);
    if (s.p != s.end) {
        fail(&s, "end of file expected");
        goto bad;
    }
    if (is_object != 1) {
        json_error_t je;
        json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
        if (!j)
            snprintf(err, errlen, "%s:%d:%d: malformed JSON: %s", path, je.line, je.column, je.text);
        return j;
    }
    /* Is it an all-pairs record (whose results the report plots)? */
    int keep_results = 0;
    for (size_t i = 0; i < nm; i++)
        if (m[i].klen == 6 && !memcmp(m[i].key, "\"test\"", 6) && m[i].vlen >= 10 &&
            memmem(m[i].val, m[i].vlen, "allpairs", 8))
            keep_results = 1;
    json_t *rec = json_object();
    for (size_t i = 0; i < nm; i++) {
        char key[256];
        key_text(m[i].key, m[i].klen, key, sizeof key);
        if (json_object_get(rec, key)) {
            s.p = m[i].key;
            fail(&s, "duplicate object key");
            json_decref(rec);
            goto bad;
        }
        json_t *v;
        if (!strcmp(key, "results") && !keep_results && m[i].val[0] == '{')
            v = json_object();
        else if (shared_member(key) && m[i].val[0] == '{')
            v = provenance(m[i].val, m[i].vlen);
        else
            v = json_loadb(m[i].val, m[i].vlen, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
        if (!v) {
            s.p = m[i].val;
            fail(&s, "invalid value (duplicate key or invalid UTF-8)");
            json_decref(rec);
            goto bad;
        }
        json_object_set_new(rec, key, v);
    }
    return rec;
bad: {
    int line, col;
    position(&s, &line, &col);
    snprintf(err, errlen, "%s:%d:%d: malformed JSON: %s", path, line, col, s.why ? s.why : "syntax error");
    return NULL;
}
}

/* ---- an arena for jansson's allocations while records are loaded ----
 * jansson makes many small blocks (an object with four members costs ~500 bytes through malloc).
 * During loading they come from large chunks instead, 8-byte aligned, with no header and no
 * free-list upkeep; the memory goes back at exit (the reporting commands are short-lived). A
 * pointer inside a chunk is never passed to free(): rd_jfree and jansson's free check the range. */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#define ARENA_CHUNK ((size_t)32 << 20)
#define ARENA_MAX_CHUNKS 4096
static char *arena_lo[ARENA_MAX_CHUNKS], *arena_hi[ARENA_MAX_CHUNKS];
static atomic_int arena_nchunks;
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread char *arena_cur, *arena_end;

static int in_arena(const void *p)
{
    int n = atomic_load(&arena_nchunks);
    for (int i = n - 1; i >= 0; i--)
        if ((const char *)p >= arena_lo[i] && (const char *)p < arena_hi[i])
            return 1;
    return 0;
}

static void *arena_malloc(size_t n)
{
    size_t need = (n + 7) & ~(size_t)7;
    if (need == 0)
        need = 8;
    if ((size_t)(arena_end - arena_cur) < need || !arena_cur) {
        if (need > ARENA_CHUNK / 16)
            return malloc(n);
        pthread_mutex_lock(&arena_lock);
        int k = atomic_load(&arena_nchunks);
        void *c = k < ARENA_MAX_CHUNKS ? mmap(NULL, ARENA_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                       : MAP_FAILED;
        if (c != MAP_FAILED) {
            /* Transparent huge pages where the kernel offers them on request: one fault per
             * 2 MiB instead of per 4 KiB, which matters where faults are dear (VMs). */
            (void)madvise(c, ARENA_CHUNK, MADV_HUGEPAGE);
            arena_lo[k] = c;
            arena_hi[k] = (char *)c + ARENA_CHUNK;
            atomic_store(&arena_nchunks, k + 1);
        }
        pthread_mutex_unlock(&arena_lock);
        if (c == MAP_FAILED)
            return malloc(n);
        arena_cur = c;
        arena_end = arena_cur + ARENA_CHUNK;
    }
    void *p = arena_cur;
    arena_cur += need;
    return p;
}

static void arena_free(void *p)
{
    if (p && !in_arena(p))
        free(p);
}

void rd_jfree(void *p)
{
    arena_free(p);
}

void rd_arena_enable(void)
{
    static int on;
    if (!on) {
        on = 1;
        json_set_alloc_funcs(arena_malloc, arena_free);
    }
}
