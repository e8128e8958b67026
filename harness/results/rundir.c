/* Loading a results folder: the manifest, then every record it names (or every records/NAME.json
 * when there is no manifest), checked and indexed for the reporting commands. */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exa_record.h"
#include "rundir.h"
#include "rundir_scan.h"
#include "safe_io.h"
#include "sbuf.h"

const char *rd_jstr(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

static int jint(const json_t *obj, const char *key, int dflt)
{
    json_t *v = json_object_get(obj, key);
    /* A value no int holds is as good as none (a cast of an out-of-range real is undefined). */
    if (json_is_integer(v))
        return json_integer_value(v) >= INT_MIN && json_integer_value(v) <= INT_MAX ? (int)json_integer_value(v) : dflt;
    if (json_is_real(v))
        return json_real_value(v) > INT_MIN - 1.0 && json_real_value(v) < INT_MAX + 1.0 ? (int)json_real_value(v) : dflt;
    return dflt;
}

/* A read buffer kept across the files one thread reads: a malloc and free of a record-sized block
 * per file makes glibc consolidate its free lists every time. Owned by the loop that reads (freed
 * when it ends: a thread-local one outlived the OpenMP and OpenBLAS threads and leaked). */
struct rbuf {
    char *buf;
    size_t cap;
};

/* Reads the whole of fd (a regular file of at most RD_RECORD_MAX bytes) with read(2) and parses
 * it (jansson's own file reader goes a character at a time); errors carry the file, line and
 * column. A device (/dev/zero), fifo or folder is refused before a byte is read. */
static json_t *parse_fd(int fd, const char *path, int record, struct rbuf *b, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file (a %s must be a file in the run folder; refused)", path,
                 record ? "record" : "manifest");
        return NULL;
    }
    if ((unsigned long long)st.st_size > RD_RECORD_MAX) {
        snprintf(err, errlen, "%s: %lld bytes, over the %d MiB limit of a %s (refused)", path,
                 (long long)st.st_size, (int)(RD_RECORD_MAX >> 20), record ? "record" : "manifest");
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    size_t want = size ? size + 1 : 65536, n = 0;
    if (want > b->cap) {
        free(b->buf);
        b->cap = want < 262144 ? 262144 : want;
        b->buf = malloc(b->cap);
    }
    for (;;) {
        if (n == b->cap) {
            if (n > RD_RECORD_MAX) {
                snprintf(err, errlen, "%s: grew past the %d MiB limit of a %s while being read (refused)", path,
                         (int)(RD_RECORD_MAX >> 20), record ? "record" : "manifest");
                return NULL;
            }
            b->buf = realloc(b->buf, b->cap *= 2);
        }
        ssize_t r = read(fd, b->buf + n, b->cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (size && n == size)
            break;  /* records are renamed into place whole: no need to read on to EOF */
    }
    if (n > RD_RECORD_MAX) {
        snprintf(err, errlen, "%s: grew past the %d MiB limit of a %s while being read (refused)", path,
                 (int)(RD_RECORD_MAX >> 20), record ? "record" : "manifest");
        return NULL;
    }
    if (record)
        return rd_scan_record(b->buf, n, path, err, errlen);
    return rd_parse_json(b->buf, n, path, err, errlen);
}

/* Opens rel inside the run folder dir (safe_confine_open: no absolute path, no "..", no symlink)
 * and parses it. A file that is not there gives "\1" first in err (no record). ctx goes before
 * the reason of a refusal (which manifest entry named the path). */
static json_t *parse_in_dir(const char *dir, const char *rel, const char *ctx, int record, struct rbuf *b, char *err,
                            size_t errlen)
{
    char why[1024];
    int fd = safe_confine_open(dir, rel, why, sizeof why);
    if (fd < 0) {
        snprintf(err, errlen, "%s%s%s", errno == ENOENT ? "\1" : "", ctx, why);
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    json_t *j = parse_fd(fd, path, record, b, err, errlen);
    close(fd);
    return j;
}

/* Loads and checks one record file. */
static json_t *load_record(const char *dir, const char *rel, const char *ctx, struct rbuf *b, char *err,
                           size_t errlen)
{
    json_t *rec = parse_in_dir(dir, rel, ctx, 1, b, err, errlen);
    if (!rec)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (!json_is_object(rec)) {
        snprintf(err, errlen, "%s: a record must be a JSON object", path);
        json_decref(rec);
        return NULL;
    }
    const char *schema = json_string_value(json_object_get(rec, "schema"));
    if (!schema || strcmp(schema, EXA_SCHEMA_NAME) != 0) {
        snprintf(err, errlen, "%s: \"schema\" is %s%s%s, expected \"%s\"", path, schema ? "\"" : "",
                 schema ? schema : "missing", schema ? "\"" : "", EXA_SCHEMA_NAME);
        json_decref(rec);
        return NULL;
    }
    json_t *ver = json_object_get(rec, "schema_version");
    if (!json_is_integer(ver) || json_integer_value(ver) != EXA_SCHEMA_VERSION) {
        if (json_is_integer(ver))
            snprintf(err, errlen, "%s: schema_version %lld is not supported (this exabench reads version %d)",
                     path, (long long)json_integer_value(ver), EXA_SCHEMA_VERSION);
        else
            snprintf(err, errlen, "%s: \"schema_version\" is missing or not an integer", path);
        json_decref(rec);
        return NULL;
    }
    char verr[EXA_ERR_LEN];
    if (exa_record_validate(rec, verr) != 0) {
        snprintf(err, errlen, "%s: %s", path, verr);
        json_decref(rec);
        return NULL;
    }
    return rec;
}

static void make_key(struct rd_run *r)
{
    struct sbuf b;
    sb_init(&b);
    const json_t *rp = r->run_params ? r->run_params : r->params;
    char *p = rp ? json_dumps(rp, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    sb_printf(&b, "%s|%s|%s|nodes=%d ranks=%d rpn=%d threads=%d", r->benchmark, r->test, p ? p : "{}",
              r->nodes, r->ranks, r->ranks_per_node, r->threads_per_rank);
    rd_jfree(p);
    r->key = b.s;
}

/* Fills what only the record knows (and what the manifest left out). */
static void from_record(struct rd_run *r)
{
    const json_t *rec = r->rec;
    const json_t *launch = json_object_get(rec, "launch");
    if (!r->benchmark || !*r->benchmark)
        r->benchmark = rd_jstr(rec, "benchmark", "unknown");
    if (!r->test || !*r->test)
        r->test = rd_jstr(rec, "test", "");
    if (r->nodes <= 0)
        r->nodes = jint(launch, "nodes", 1);
    if (r->ranks <= 0)
        r->ranks = jint(launch, "ranks", 1);
    if (r->ranks_per_node <= 0)
        r->ranks_per_node = jint(launch, "ranks_per_node", r->ranks);
    if (r->threads_per_rank <= 0)
        r->threads_per_rank = jint(launch, "threads_per_rank", 1);
    /* The record's parameters are the run's (run_params): they key the run and answer rd_param, so
     * a folder of records matches one with a manifest. The table's column (params) keeps showing
     * what was planned, in the same names, where a manifest says it. */
    const json_t *p = json_object_get(rec, "parameters");
    if (json_is_object(p)) {
        r->run_params = p;
        if (!r->params || json_object_size(r->params) == 0)
            r->params = p;
    }
    const json_t *hosts = json_object_get(launch, "hosts");
    if (json_is_array(hosts) && json_array_size(hosts) > 0 && json_is_string(json_array_get(hosts, 0)))
        r->host = json_string_value(json_array_get(hosts, 0));
    else {
        const json_t *nodes = json_object_get(json_object_get(rec, "provenance"), "nodes");
        const char *h = rd_jstr(json_array_get(nodes, 0), "hostname", NULL);
        if (h)
            r->host = h;
    }
}

static int record_ok(const json_t *rec)
{
    if (!rec)
        return 0;
    json_t *valid = json_object_get(rec, "valid");
    if (json_is_boolean(valid) && !json_boolean_value(valid))
        return 0;
    json_t *passed = json_object_get(json_object_get(rec, "verification"), "passed");
    if (json_is_boolean(passed) && !json_boolean_value(passed))
        return 0;
    return 1;
}

/* Loads paths[i] (relative to set->dir) into set->runs[i].rec (paths[i] NULL: no record) on all
 * cores, then shares one copy of each distinct provenance between the records that carry it (they
 * mostly agree), which keeps the memory of large runs down. Every bad record is named (on stderr
 * when there are several; err then counts them), then the folder is refused. */
static int load_records(struct rd_set *set, char **paths, char *err, size_t errlen)
{
    size_t n = set->n;
    char **errs = calloc(n ? n : 1, sizeof *errs);
    json_object_seed(0);
#pragma omp parallel
    {
        struct rbuf b = {NULL, 0};
#pragma omp for schedule(dynamic, 32)
        for (size_t i = 0; i < n; i++) {
            if (!paths[i])
                continue;
            char e[1024], ctx[512] = "";
            if (set->runs[i].id)  /* named by the manifest */
                snprintf(ctx, sizeof ctx, "%s/manifest.json: run %s: record ", set->dir, set->runs[i].id);
            set->runs[i].rec = load_record(set->dir, paths[i], ctx, &b, e, sizeof e);
            if (!set->runs[i].rec && e[0] != '\1')  /* \1: the file is not there: no record */
                errs[i] = strdup(e);
        }
        free(b.buf);
        rd_scan_cache_clear();
    }
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (errs[i] && bad++ == 0)
            first = i;
    if (bad == 1)
        snprintf(err, errlen, "%s", errs[first]);
    for (size_t i = 0; bad > 1 && i < n; i++)
        if (errs[i])
            fprintf(stderr, "exabench: error: %s\n", errs[i]);
    if (bad > 1)
        snprintf(err, errlen, "%s: %zu of %zu records are bad (each named above; the folder is refused)", set->dir,
                 bad, n);
    for (size_t i = 0; i < n; i++)
        free(errs[i]);
    free(errs);
    if (bad)
        return -1;
    /* Records parsed by one thread already share their provenance; share it across threads too. */
    struct {
        json_t *from, *to;
    } map[128];
    size_t nmap = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *rec = set->runs[i].rec, *prov = json_object_get(rec, "provenance");
        if (!prov)
            continue;
        size_t k;
        for (k = 0; k < nmap; k++)
            if (map[k].from == prov)
                break;
        if (k == nmap && nmap < sizeof map / sizeof map[0]) {
            map[nmap].from = map[nmap].to = prov;
            for (size_t j = 0; j < nmap; j++)
                if (map[j].to == map[j].from && json_equal(map[j].from, prov)) {
                    map[nmap].to = map[j].from;
                    break;
                }
            nmap++;
        }
        if (k < nmap && map[k].to != prov)
            json_object_set(rec, "provenance", map[k].to);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_manifest_runs(struct rd_set *set, char *err, size_t errlen)
{
    const json_t *runs = json_object_get(set->manifest, "runs");
    if (!json_is_array(runs)) {
        snprintf(err, errlen, "%s/manifest.json: \"runs\" is missing or not an array", set->dir);
        return -1;
    }
    set->n = json_array_size(runs);
    set->runs = calloc(set->n ? set->n : 1, sizeof *set->runs);
    char **paths = calloc(set->n ? set->n : 1, sizeof *paths);
    size_t i;
    json_t *mr;
    int rc = 0;
    json_array_foreach(runs, i, mr) {
        struct rd_run *r = &set->runs[i];
        if (!json_is_object(mr)) {
            snprintf(err, errlen, "%s/manifest.json: runs[%zu] is not an object", set->dir, i);
            rc = -1;
            break;
        }
        const char *id = rd_jstr(mr, "id", NULL);
        char idbuf[32];
        if (!id) {
            snprintf(idbuf, sizeof idbuf, "run%zu", i);
            id = idbuf;
        }
        r->id = strdup(id);
        r->name = rd_jstr(mr, "name", r->id);
        r->benchmark = rd_jstr(mr, "benchmark", "");
        r->test = rd_jstr(mr, "test", "");
        r->status = rd_jstr(mr, "status", "pending");
        r->repetition = jint(mr, "repetition", 0);
        const json_t *scale = json_object_get(mr, "scale");
        r->nodes = jint(scale, "nodes", 0);
        r->ranks = jint(scale, "ranks", 0);
        r->ranks_per_node = jint(scale, "ranks_per_node", 0);
        r->threads_per_rank = jint(scale, "threads_per_rank", 0);
        const json_t *p = json_object_get(mr, "parameters");
        r->params = json_is_object(p) ? p : NULL;
        r->host = "";
        r->mrun = mr;
        /* What no reporting command reads: the launcher's argv and environment of each run. */
        json_object_del(mr, "command");
        json_object_del(mr, "env");
        const char *rf = rd_jstr(mr, "record", NULL);
        if (rf) {
            paths[i] = strdup(rf);  /* a record that is not there is left out when loading */
            r->record_file = strdup(rf);
        }
    }
    if (rc == 0)
        rc = load_records(set, paths, err, errlen);
    for (i = 0; i < set->n; i++)
        free(paths[i]);
    free(paths);
    if (rc != 0)
        return rc;
    for (i = 0; i < set->n; i++) {
        struct rd_run *r = &set->runs[i];
        if (r->rec) {
            from_record(r);
        } else {
            free(r->record_file);
            r->record_file = NULL;
        }
        if (!r->benchmark || !*r->benchmark)
            r->benchmark = "unknown";
        if (r->nodes <= 0)
            r->nodes = 1;
        if (r->ranks <= 0)
            r->ranks = r->nodes;
        if (r->ranks_per_node <= 0)
            r->ranks_per_node = r->ranks / r->nodes > 0 ? r->ranks / r->nodes : 1;
        if (r->threads_per_rank <= 0)
            r->threads_per_rank = 1;
        if (!strcmp(r->status, "valid") && !r->rec)
            r->status = "missing-record";
        r->ok = !strcmp(r->status, "valid") && record_ok(r->rec);
        make_key(r);
    }
    return 0;
}

static int load_records_only(struct rd_set *set, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/records", set->dir);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, errlen, "%s: not a results folder (no manifest.json and no records/: %s)", set->dir,
                 strerror(errno));
        return -1;
    }
    size_t cap = 64, n = 0;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 || e->d_name[0] == '.')
            continue;
        if (n == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    set->n = n;
    set->runs = calloc(n ? n : 1, sizeof *set->runs);
    char **paths = calloc(n ? n : 1, sizeof *paths);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "records/%s", names[i]);
        paths[i] = strdup(path);
    }
    int rc = load_records(set, paths, err, errlen);
    for (size_t i = 0; i < n; i++) {
        struct rd_run *r = &set->runs[i];
        free(paths[i]);
        size_t l = strlen(names[i]);
        names[i][l - 5] = '\0';
        r->id = names[i];
        char rf[4096];
        snprintf(rf, sizeof rf, "records/%s.json", r->id);
        r->record_file = strdup(rf);
        r->name = r->id;
        r->host = "";
        if (rc == 0 && r->rec) {
            from_record(r);
            r->status = record_ok(r->rec) ? "valid" : "verification-failed";
            r->ok = record_ok(r->rec);
            make_key(r);
        } else if (rc == 0) {  /* removed while we read the folder */
            r->benchmark = "unknown";
            r->test = "";
            r->status = "missing-record";
            r->nodes = r->ranks = r->ranks_per_node = r->threads_per_rank = 1;
            make_key(r);
        }
    }
    free(paths);
    free(names);
    return rc;
}

int rd_load(const char *dir, struct rd_set *set, char *err, size_t errlen)
{
    memset(set, 0, sizeof *set);
    rd_arena_enable();
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory (expected a results/<run-id>/ folder)", dir);
        return -1;
    }
    set->dir = strdup(dir);
    size_t l = strlen(set->dir);
    while (l > 1 && set->dir[l - 1] == '/')
        set->dir[--l] = '\0';
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", set->dir);
    int rc;
    if (lstat(path, &st) == 0) {
        struct rbuf b = {NULL, 0};
        set->manifest = parse_in_dir(set->dir, "manifest.json", "", 0, &b, err, errlen);
        free(b.buf);
        if (!set->manifest)
            return -1;
        const char *schema = rd_jstr(set->manifest, "schema", NULL);
        if (!json_is_object(set->manifest) || !schema || strcmp(schema, "exabench.manifest") != 0) {
            snprintf(err, errlen, "%s: not an exabench manifest (\"schema\" is not \"exabench.manifest\")", path);
            return -1;
        }
        json_t *ver = json_object_get(set->manifest, "schema_version");
        if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
            snprintf(err, errlen, "%s: manifest schema_version %s is not supported (this exabench reads version 1)",
                     path, json_is_integer(ver) ? "other than 1" : "missing");
            return -1;
        }
        rc = load_manifest_runs(set, err, errlen);
    } else {
        set->manifest = json_object();
        rc = load_records_only(set, err, errlen);
    }
    if (rc != 0)
        return -1;
    const char *base = strrchr(set->dir, '/');
    base = base ? base + 1 : set->dir;
    const char *mid = rd_jstr(set->manifest, "run_id", NULL);
    char why[512];
    if (mid && safe_run_id_check(mid, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s/manifest.json: %s (refused)", set->dir, why);
        return -1;
    }
    set->run_id = strdup(mid ? mid : base);
    const json_t *sys = json_object_get(set->manifest, "system");
    json_t *rp = json_object_get(sys, "rpeak_per_node_gflops");
    set->rpeak_per_node = json_is_number(rp) ? json_number_value(rp) : 0;
    set->system_name = rd_jstr(sys, "name", "");
    set->created = rd_jstr(set->manifest, "created", "");
    if (!*set->created && set->n && set->runs[0].rec)
        set->created = rd_jstr(set->runs[0].rec, "started", "");
    return 0;
}

int rd_load_two(const char *dir_a, struct rd_set *a, const char *dir_b, struct rd_set *b, char *err,
                size_t errlen)
{
    char err_b[4096] = "";
    int rc_a = 0, rc_b = 0;
    rd_arena_enable();  /* once, before the threads */
    /* Each load's own parallel loop gets a team too, so that a small run beside a large one
     * leaves no core idle. */
    int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(2);
#pragma omp parallel sections num_threads(2)
    {
#pragma omp section
        rc_a = rd_load(dir_a, a, err, errlen);
#pragma omp section
        rc_b = rd_load(dir_b, b, err_b, sizeof err_b);
    }
    omp_set_max_active_levels(levels);
    if (rc_a != 0)
        return -1;
    if (rc_b != 0) {
        snprintf(err, errlen, "%s", err_b);
        return -1;
    }
    return 0;
}

void rd_free(struct rd_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->runs[i].id);
        free(set->runs[i].record_file);
        free(set->runs[i].key);
        json_decref(set->runs[i].rec);
    }
    free(set->runs);
    json_decref(set->manifest);
    free(set->dir);
    free(set->run_id);
    memset(set, 0, sizeof *set);
}
