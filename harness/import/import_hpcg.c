/* HPCG 3.x report file (HPCG-Benchmark_3.1_*.txt): "HPCG-Benchmark" then "Section::Key=value"
 * lines. One record: the final GFLOP/s rating, VALID/INVALID, the official-run time rule (a short
 * run is non-compliant in HPCG's own words), local and global dimensions, process grid, the
 * memory bandwidth summary, the time and flop summaries, the validation tests' results. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

struct kv {
    const char *key, *value; /* into a copy of the line */
    int line;
};

struct report {
    struct kv *kv;
    int n;
};

static const struct kv *get(const struct report *r, const char *key)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->kv[i].key, key))
            return &r->kv[i];
    return NULL;
}

static const struct kv *get_prefix(const struct report *r, const char *prefix)
{
    for (int i = 0; i < r->n; i++)
        if (imp_starts(r->kv[i].key, prefix))
            return &r->kv[i];
    return NULL;
}

/* A required number: 0, or -1 naming the line (or the end of the file when the key is absent). */
static int need(const struct imp_doc *d, const struct report *r, const char *key, double *v, char err[IMPORT_ERR_LEN])
{
    const struct kv *e = get(r, key);
    char what[200];
    snprintf(what, sizeof what, "'%s=NUMBER'", key);
    if (!e)
        return imp_expected(err, d, d->n, what);
    if (imp_number(e->value, v) != 0)
        return imp_expected(err, d, e->line - 1, what);
    return 0;
}

/* A dimension or a count: a whole number from 1 up, never a float cast to one. */
static int need_count(const struct imp_doc *d, const struct report *r, const char *key, long long *v,
                      char err[IMPORT_ERR_LEN])
{
    const struct kv *e = get(r, key);
    char what[200];
    snprintf(what, sizeof what, "'%s=N' (a whole number from 1)", key);
    if (!e)
        return imp_expected(err, d, d->n, what);
    if (imp_integer(e->value, v) != 0 || *v < 1 || *v > INT_MAX)
        return imp_expected(err, d, e->line - 1, what);
    return 0;
}

static double opt(const struct report *r, const char *key)
{
    const struct kv *e = get(r, key);
    double v;
    return e && imp_number(e->value, &v) == 0 ? v : NAN;
}

static int hpcg_recognise(const char *text, size_t len)
{
    (void)len;
    if (imp_starts(text, "HPCG-Benchmark") || strstr(text, "\nHPCG-Benchmark\n"))
        return 95;
    if (strstr(text, "Final Summary::HPCG result is"))
        return 80;
    return 0;
}

/* The lines after the header "HPCG-Benchmark" as key=value pairs of r; *first is the header's index. */
static int hpcg_read(const struct imp_doc *d, struct report *r, int *first, char err[IMPORT_ERR_LEN])
{
    int f = 0;
    while (f < d->n && imp_blank(d->line[f]))
        f++;
    *first = f;
    if (f >= d->n || strcmp(d->line[f], "HPCG-Benchmark"))
        return imp_expected(err, d, f, "HPCG's report header 'HPCG-Benchmark'");
    for (int i = f + 1; i < d->n; i++) {
        char *l = d->line[i];
        if (imp_blank(l))
            continue;
        char *eq = strchr(l, '=');
        if (!eq)
            return imp_expected(err, d, i, "a 'Section::Key=value' line");
        char *key = strndup(l, (size_t)(eq - l));
        if (!key)
            return imp_fail(err, d, i + 1, "out of memory");
        r->kv[r->n++] = (struct kv){key, eq + 1, i + 1};
    }
    return 0;
}

/* The verdict: "HPCG result is VALID with a GFLOP/s rating of=X" or "HPCG result is=INVALID."
 * Returns its line, with *valid and the *rating (NAN when an INVALID one states none), or NULL. */
static const struct kv *hpcg_verdict(const struct imp_doc *d, const struct report *r, int *valid, double *rating,
                                     char err[IMPORT_ERR_LEN])
{
    const struct kv *verdict = get_prefix(r, "Final Summary::HPCG result is");
    *rating = NAN;
    if (!verdict) {
        imp_expected(err, d, d->n, "'Final Summary::HPCG result is VALID with a GFLOP/s rating of=X' (or INVALID)");
        return NULL;
    }
    if (!strcmp(verdict->key, "Final Summary::HPCG result is VALID with a GFLOP/s rating of")) {
        *valid = 1;
        if (imp_number(verdict->value, rating) != 0) {
            imp_expected(err, d, verdict->line - 1, "a GFLOP/s rating after 'VALID with a GFLOP/s rating of='");
            return NULL;
        }
    } else if (strstr(verdict->key, "INVALID") || strstr(verdict->value, "INVALID")) {
        *valid = 0;
        const char *num = strstr(verdict->key, "rating of") ? verdict->value : NULL;
        if (num && imp_number(num, rating) != 0)
            *rating = NAN;
    } else {
        imp_expected(err, d, verdict->line - 1, "'HPCG result is VALID ...' or 'HPCG result is=INVALID.'");
        return NULL;
    }
    return verdict;
}

/* The problem's shape: the report's keys and the parameters they become, in the same order. */
#define HPCG_NDIMS 11
static const char *const hpcg_dim_keys[HPCG_NDIMS] = {
    "Global Problem Dimensions::Global nx", "Global Problem Dimensions::Global ny",
    "Global Problem Dimensions::Global nz", "Processor Dimensions::npx",
    "Processor Dimensions::npy",            "Processor Dimensions::npz",
    "Local Domain Dimensions::nx",          "Local Domain Dimensions::ny",
    "Local Domain Dimensions::nz",          "Machine Summary::Distributed Processes",
    "Machine Summary::Threads per processes"};
static const char *const hpcg_dim_names[HPCG_NDIMS] = {"global_nx", "global_ny", "global_nz", "npx",
                                                       "npy",       "npz",       "local_nx",  "local_ny",
                                                       "local_nz",  "processes", "threads_per_rank"};

/* The headline metrics: the rating, HPCG 2.4's, the time, the memory bandwidth. */
static void hpcg_figures(json_t *rec, const struct report *r, int valid, double rating, double gflops_overhead,
                         double total_time)
{
    imp_add_metric(rec, "gflops", valid ? rating : gflops_overhead, "Gflop/s", 0, NULL, 0);
    double hist = opt(r, "Final Summary::HPCG 2.4 rating for historical reasons is");
    if (isfinite(hist))
        imp_add_metric(rec, "gflops_hpcg24", hist, "Gflop/s", 0, NULL, 0);
    imp_add_metric(rec, "time", total_time, "s", 1, NULL, 0);
    double bw_total = opt(r, "GB/s Summary::Raw Total B/W");
    double bw_over = opt(r, "GB/s Summary::Total with convergence and optimization phase overhead");
    if (isfinite(bw_total))
        imp_add_metric(rec, "memory_bandwidth", bw_total, "GB/s", 0, NULL, 0);
    if (isfinite(bw_over))
        imp_add_metric(rec, "memory_bandwidth_with_overhead", bw_over, "GB/s", 0, NULL, 0);
}

/* The summaries as objects of numbers: "GB/s Summary::Raw Read B/W" -> results.gb_s_summary.raw_read_b_w */
static void hpcg_summaries(json_t *results, const struct report *r)
{
    static const char *const sections[] = {"GB/s Summary", "GFLOP/s Summary", "Benchmark Time Summary",
                                           "Floating Point Operations Summary", "Memory Use Information",
                                           "DDOT Timing Variations", "User Optimization Overheads",
                                           "Setup Information", "Linear System Information"};
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        json_t *o = json_object();
        size_t sl = strlen(sections[s]);
        for (int i = 0; i < r->n; i++) {
            const char *k = r->kv[i].key;
            double v;
            if (strncmp(k, sections[s], sl) || strncmp(k + sl, "::", 2) || strstr(k + sl + 2, "::"))
                continue;
            char name[96];
            imp_snake(k + sl + 2, name, sizeof name);
            if (imp_number(r->kv[i].value, &v) == 0 && !json_object_get(o, name))
                json_object_set_new(o, name, json_real(v));
        }
        char sname[64];
        imp_snake(sections[s], sname, sizeof sname);
        json_object_set_new(results, sname, o);
    }
}

/* The tests HPCG ran on itself ("...::Result=PASSED"), as results.checks; counts the FAILED ones. */
static int hpcg_checks(const struct imp_doc *d, const struct report *r, json_t *results, int *failed_checks,
                       char err[IMPORT_ERR_LEN])
{
    json_t *checks = json_object();
    *failed_checks = 0;
    for (int i = 0; i < r->n; i++) {
        const char *k = r->kv[i].key;
        const char *res = strstr(k, "::Result");
        if (!res || res[8])
            continue;
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)(res - k), k);
        char sname[96];
        imp_snake(name, sname, sizeof sname);
        if (strcmp(r->kv[i].value, "PASSED") && strcmp(r->kv[i].value, "FAILED")) {
            imp_expected(err, d, r->kv[i].line - 1, "'...::Result=PASSED' or '=FAILED'");
            json_decref(checks);  /* not yet in results (fuzz_import found it leaked) */
            return -1;
        }
        *failed_checks += !strcmp(r->kv[i].value, "FAILED");
        json_object_set_new(checks, sname, json_string(r->kv[i].value));
    }
    json_object_set_new(results, "checks", checks);
    return 0;
}

/* HPCG's verdict as the record's verification, and an INVALID one as a violation. */
static void hpcg_validity(json_t *rec, const struct report *r, int valid, int failed_checks)
{
    imp_set_verification(rec, valid, "hpcg validity (spectral convergence, symmetry, iteration count, "
                                     "reproducibility): value = failed checks", failed_checks, 0, "<=");
    if (!valid) {
        const struct kv *why = get(r, "Final Summary::Please review the YAML file contents");
        char reason[512];
        snprintf(reason, sizeof reason, "HPCG result is INVALID%s%s", why ? ": " : "", why ? why->value : "");
        imp_add_violation(rec, reason);
    }
    if (valid && failed_checks)
        imp_note(rec, "HPCG says VALID although %d of its checks FAILED", failed_checks);
}

/* The run-time rule for official results: a short run is a violation in HPCG's own words. */
static int hpcg_time_rule(const struct imp_doc *d, const struct report *r, json_t *rec, json_t *params, int valid,
                          char err[IMPORT_ERR_LEN])
{
    const struct kv *short_run = get(r, "Final Summary::Results are valid but execution time (sec) is");
    const struct kv *min_time = get(r, "Final Summary::Official results execution time (sec) must be at least");
    const struct kv *quick = get(r, "Final Summary::You have selected the QuickPath option");
    const struct kv *upload = get_prefix(r, "Final Summary::Please upload results");
    /* a VALID report ends with the time verdict: official (upload) or too short (with the
     * minimum or the QuickPath note); without it the file was cut and compliance is unknown */
    if (valid && !upload && !(short_run && (min_time || quick)))
        return imp_expected(err, d, d->n,
                            short_run ? "'Final Summary::Official results execution time (sec) must be at least=N'"
                                      : "the time verdict 'Final Summary::Results are valid but execution time (sec) "
                                        "is=T' or 'Final Summary::Please upload results ...'");
    if (!valid && !get(r, "Final Summary::Please review the YAML file contents"))
        return imp_expected(err, d, d->n,
                            "'Final Summary::Please review the YAML file contents=...' after an INVALID result");
    double mt;
    if (min_time && imp_number(min_time->value, &mt) == 0)
        json_object_set_new(params, "official_min_time_s", json_real(mt));
    if (short_run) {
        char reason[512];
        if (min_time)
            snprintf(reason, sizeof reason,
                     "Results are valid but execution time (sec) is %s; Official results execution time (sec) "
                     "must be at least %s",
                     short_run->value, min_time->value);
        else
            snprintf(reason, sizeof reason, "Results are valid but execution time (sec) is %s%s%s", short_run->value,
                     quick ? "; QuickPath: " : "", quick ? quick->value : "");
        imp_add_violation(rec, reason);
    }
    return 0;
}

static int hpcg_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    struct report r = {calloc((size_t)d.n + 1, sizeof(struct kv)), 0};
    json_t *rec = NULL;
    int rc = -1;
    int first = 0;
    if (!r.kv) {
        imp_fail(err, &d, 0, "out of memory");
        goto done;
    }
    if (hpcg_read(&d, &r, &first, err) != 0)
        goto done;
    const struct kv *ver = get(&r, "version");
    if (!ver) {
        imp_expected(err, &d, first + 1, "'version=3.x'");
        goto done;
    }
    int valid = 0;
    double rating;
    const struct kv *verdict = hpcg_verdict(&d, &r, &valid, &rating, err);
    if (!verdict)
        goto done;
    long long dv[HPCG_NDIMS];
    for (int k = 0; k < HPCG_NDIMS; k++)
        if (need_count(&d, &r, hpcg_dim_keys[k], &dv[k], err) != 0)
            goto done;
    double total_time, gflops_overhead;
    if (need(&d, &r, "Benchmark Time Summary::Total", &total_time, err) != 0 ||
        need(&d, &r, "GFLOP/s Summary::Total with convergence and optimization phase overhead", &gflops_overhead,
             err) != 0)
        goto done;
    if (valid && rating != gflops_overhead) {
        imp_fail(err, &d, verdict->line, "the rating %g is not the GFLOP/s summary's total with overheads %g", rating,
                 gflops_overhead);
        goto done;
    }
    rec = imp_record_new(&d, "hpcg", "hpcg", ver->value, "cpu", first + 1, d.n);
    json_t *params = json_object_get(rec, "parameters");
    json_t *results = json_object_get(rec, "results");
    for (int k = 0; k < HPCG_NDIMS; k++)
        json_object_set_new(params, hpcg_dim_names[k], json_integer((json_int_t)dv[k]));
    const struct kv *rel = get(&r, "Release date");
    if (rel)
        json_object_set_new(params, "release_date", json_string(rel->value));
    imp_set_launch(rec, (long)dv[9], -1, (long)dv[10]);
    hpcg_figures(rec, &r, valid, rating, gflops_overhead, total_time);
    hpcg_summaries(results, &r);
    json_object_set_new(results, "rating_gflops", imp_num_json(rating));
    json_object_set_new(results, "result", json_string(valid ? "VALID" : "INVALID"));
    int failed_checks;
    if (hpcg_checks(&d, &r, results, &failed_checks, err) != 0)
        goto done;
    hpcg_validity(rec, &r, valid, failed_checks);
    if (hpcg_time_rule(&d, &r, rec, params, valid, err) != 0)
        goto done;
    /* the reference kernels: a fact about the build, not a rule broken */
    for (int i = 0; i < r.n; i++)
        if (imp_starts(r.kv[i].key, "Final Summary::Reference version of"))
            imp_note(rec, "%s: %s", r.kv[i].key + 15, r.kv[i].value);
    json_array_append(out, rec);
    rc = 0;
done:
    json_decref(rec);
    for (int i = 0; i < r.n; i++)
        free((char *)r.kv[i].key);
    free(r.kv);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_hpcg = {
    .name = "hpcg",
    .expects = "HPCG 3.x report file ('HPCG-Benchmark' then 'Section::Key=value' lines)",
    .recognise = hpcg_recognise,
    .parse = hpcg_parse,
};
