/* McCalpin STREAM (stream.c 5.x) output, and the StarSTREAM/SingleSTREAM sections of hpcc.
 *
 * stream.c: a banner "STREAM version $Revision: 5.10 $", the array size, the times each kernel
 * ran, the thread counts (OpenMP builds), the clock granularity and ticks per test, the table
 * "Function  Best Rate MB/s  Avg time  Min time  Max time" with Copy/Scale/Add/Triad rows, and
 * "Solution Validates" or "Failed Validation on array ..." lines. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

static const char *const kernels[] = {"Copy", "Scale", "Add", "Triad"};

/* The facts stream.c (and hpcc's copy of it) print before the table. */
struct stream_facts {
    long long array_size, ntimes, threads_requested, threads_counted, bytes_per_element, offset;
    double granularity_us, test_us, ticks;
};

static void read_facts(const struct imp_doc *d, int first, int last, struct stream_facts *f)
{
    char buf[256];
    char *tok[16];
    f->array_size = f->ntimes = f->threads_requested = f->threads_counted = f->bytes_per_element = f->offset = -1;
    f->granularity_us = f->test_us = f->ticks = NAN;
    for (int i = first; i < last; i++) {
        const char *l = d->line[i], *v;
        long long x;
        double y;
        int n;
        if ((v = imp_after(l, "Array size")) != NULL) {
            n = imp_tokens(v, buf, sizeof buf, tok, 16);
            if (n >= 1) {
                char *c = strchr(tok[0], ',');
                if (c)
                    *c = '\0';
                if (imp_integer(tok[0], &x) == 0)
                    f->array_size = x;
            }
            const char *o = strstr(l, "Offset =");
            if (o && imp_tokens(o + 8, buf, sizeof buf, tok, 4) >= 1) {
                char *c = strchr(tok[0], ',');
                if (c)
                    *c = '\0';
                if (imp_integer(tok[0], &x) == 0)
                    f->offset = x;
            }
        } else if ((v = imp_after(l, "Each kernel will be executed")) != NULL ||
                   (v = imp_after(l, "Each test is run")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_integer(tok[0], &x) == 0)
                f->ntimes = x;
        } else if ((v = imp_after(l, "Number of Threads requested")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_integer(tok[0], &x) == 0)
                f->threads_requested = x;
        } else if ((v = imp_after(l, "Number of Threads counted")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_integer(tok[0], &x) == 0)
                f->threads_counted = x;
        } else if ((v = imp_after(l, "This system uses")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_integer(tok[0], &x) == 0)
                f->bytes_per_element = x;
        } else if ((v = imp_after(l, "Your clock granularity/precision appears to be")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_number(tok[0], &y) == 0)
                f->granularity_us = y;
        } else if ((v = imp_after(l, "Each test below will take on the order of")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_number(tok[0], &y) == 0)
                f->test_us = y;
        } else if ((v = imp_after(l, "(=")) != NULL && strstr(l, "clock ticks")) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) >= 1 && imp_number(tok[0], &y) == 0)
                f->ticks = y;
        }
    }
}

/* The four kernel rows after the "Function ..." header at line `header`; rate in the header's
 * unit times `to_gbs`. Fills rate/avg/min/max. */
static int read_table(const struct imp_doc *d, int header, int last, double rate[4], double t[4][3],
                      char err[IMPORT_ERR_LEN])
{
    for (int k = 0; k < 4; k++) {
        int i = header + 1 + k;
        char what[96];
        snprintf(what, sizeof what, "the '%s:' row 'NAME: RATE AVG MIN MAX'", kernels[k]);
        if (i >= last)
            return imp_expected(err, d, i < d->n ? i : d->n, what);
        char buf[256];
        char *tok[8];
        int n = imp_tokens(d->line[i], buf, sizeof buf, tok, 8);
        char name[16];
        snprintf(name, sizeof name, "%s:", kernels[k]);
        if (n != 5 || strcmp(tok[0], name) || imp_number(tok[1], &rate[k]) != 0 || imp_number(tok[2], &t[k][0]) ||
            imp_number(tok[3], &t[k][1]) || imp_number(tok[4], &t[k][2]) || rate[k] < 0)
            return imp_expected(err, d, i, what);
    }
    return 0;
}

/* Fills a STREAM record from the facts and table: metrics in GB/s (10^9 bytes/s). */
static void fill(json_t *rec, const struct stream_facts *f, const double gbs[4], double t[4][3])
{
    json_t *params = json_object_get(rec, "parameters");
    json_t *results = json_object_get(rec, "results");
    if (f->array_size >= 0)
        json_object_set_new(params, "array_size", json_integer(f->array_size));
    if (f->array_size >= 0 && f->bytes_per_element > 0)
        json_object_set_new(params, "array_bytes", json_integer(f->array_size * f->bytes_per_element));
    if (f->bytes_per_element > 0)
        json_object_set_new(params, "bytes_per_element", json_integer(f->bytes_per_element));
    if (f->offset >= 0)
        json_object_set_new(params, "offset", json_integer(f->offset));
    if (f->ntimes >= 0) {
        json_object_set_new(params, "ntimes", json_integer(f->ntimes));
        json_object_set_new(params, "counted_iterations", json_integer(f->ntimes - 1));
    }
    if (f->threads_counted >= 0)
        json_object_set_new(params, "threads_per_rank", json_integer(f->threads_counted));
    if (f->threads_requested >= 0)
        json_object_set_new(params, "threads_requested", json_integer(f->threads_requested));
    json_object_set_new(results, "clock_granularity_us", imp_num_json(f->granularity_us));
    json_object_set_new(results, "test_time_us", imp_num_json(f->test_us));
    json_object_set_new(results, "clock_ticks_per_test", imp_num_json(f->ticks));
    json_t *ks = json_object();
    for (int k = 0; k < 4; k++) {
        char lower[16], metric[32];
        imp_snake(kernels[k], lower, sizeof lower);
        json_object_set_new(ks, lower,
                            json_pack("{s:f, s:f, s:f, s:f}", "best_rate_gbs", gbs[k], "avg_time_s", t[k][0],
                                      "min_time_s", t[k][1], "max_time_s", t[k][2]));
        snprintf(metric, sizeof metric, "%s_bandwidth", lower);
        imp_add_metric(rec, metric, gbs[k], "GB/s", 0, NULL, 0);
    }
    json_object_set_new(results, "kernels", ks);
    imp_note(rec, "STREAM prints only the best rate and the avg/min/max times: no per-iteration samples");
    if (isfinite(f->ticks) && f->ticks < 20)
        imp_add_violation(rec, "fewer than 20 clock ticks per test (STREAM's rule: make the arrays larger)");
    imp_note(rec, "the array-size rule (4x the last-level caches) can not be checked: the output does not "
                  "name the machine");
}

/* The validation lines after the table: passed (1), failed (0) with the messages, or -1 absent. */
static int read_validation(const struct imp_doc *d, int from, int last, json_t *rec)
{
    int verdict = -1, closed = 0;
    json_t *msgs = json_array();
    for (int i = from; i < last && !closed; i++) {
        const char *l = imp_skip_ws(d->line[i]);
        if (verdict >= 0 && imp_starts(l, "----------")) {
            closed = 1; /* STREAM closes its validation messages with a rule */
        } else if (imp_starts(l, "Solution Validates")) {
            verdict = verdict == 0 ? 0 : 1;
            json_array_append_new(msgs, json_string(l));
        } else if (imp_starts(l, "Failed Validation") || imp_starts(l, "Expected Value") ||
                   imp_starts(l, "Expected  ") || strstr(l, "AvgRelAbsErr")) {
            verdict = 0;
            json_array_append_new(msgs, json_string(l));
        }
    }
    json_object_set_new(json_object_get(rec, "results"), "validation_messages", msgs);
    if (!closed)
        verdict = -1;
    if (verdict >= 0)
        imp_set_verification(rec, verdict, "stream_avg_relative_error (as printed by STREAM)", NAN, 1e-13, "<");
    return verdict;
}

static int find_line(const struct imp_doc *d, int first, int last, const char *prefix)
{
    for (int i = first; i < last; i++)
        if (imp_starts(imp_skip_ws(d->line[i]), prefix))
            return i;
    return -1;
}

/* hpcc's StarSTREAM section [first, last): the same table in GB/s, per process; plus the
 * min/avg/max over processes. */
int imp_hpcc_stream(const struct imp_doc *d, int first, int last, const char *version, json_t *out,
                    char err[IMPORT_ERR_LEN])
{
    int header = find_line(d, first, last, "Function");
    if (header < 0)
        return imp_expected(err, d, last < d->n ? last : d->n,
                            "StarSTREAM's table header 'Function  Rate (GB/s)  Avg time  Min time  Max time'");
    double rate[4], t[4][3];
    if (read_table(d, header, last, rate, t, err) != 0)
        return -1;
    struct stream_facts f;
    read_facts(d, first, last, &f);
    json_t *rec = imp_record_new(d, "hpcc", "hpcc", version, "cpu", first + 1, last);
    json_object_set_new(rec, "test", json_string("StarSTREAM"));
    fill(rec, &f, rate, t);
    json_t *per = json_object();
    for (int i = header; i < last; i++) {
        char buf[128];
        char *tok[8];
        double v;
        if (imp_tokens(d->line[i], buf, sizeof buf, tok, 8) == 4 && !strcmp(tok[2], "GB/s") &&
            imp_number(tok[3], &v) == 0 &&
            (!strcmp(tok[0], "Minimum") || !strcmp(tok[0], "Average") || !strcmp(tok[0], "Maximum"))) {
            char key[48];
            snprintf(key, sizeof key, "%s_%s_gbs", tok[0], tok[1]);
            for (char *c = key; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            json_object_set_new(per, key, json_real(v));
        }
    }
    json_object_set_new(json_object_get(rec, "results"), "over_processes", per);
    imp_note(rec, "StarSTREAM: every process runs STREAM at once; the table is rank 0's, over_processes the "
                  "minimum/average/maximum over processes");
    if (read_validation(d, header + 5, last, rec) < 0) {
        json_decref(rec);
        return imp_expected(err, d, header + 5 < last ? header + 5 : d->n,
                            "STREAM's 'Solution Validates' or 'Failed Validation' lines and the rule after them");
    }
    json_array_append_new(out, rec);
    return 0;
}

static int stream_recognise(const char *text, size_t len)
{
    (void)len;
    if (strstr(text, "STREAM version $Revision:") && strstr(text, "Best Rate MB/s"))
        return 90;
    if (strstr(text, "STREAM version") && strstr(text, "Triad:"))
        return 50;
    return 0;
}

static int stream_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    int rc = -1;
    json_t *rec = NULL;
    int banner = find_line(&d, 0, d.n, "STREAM version");
    if (banner < 0) {
        imp_expected(err, &d, 0, "McCalpin STREAM's banner 'STREAM version $Revision: 5.x $'");
        goto done;
    }
    char version[32] = "";
    const char *r = strstr(d.line[banner], "Revision:");
    if (r) {
        char buf[64];
        char *tok[4];
        if (imp_tokens(r + 9, buf, sizeof buf, tok, 4) >= 1 && strcmp(tok[0], "$"))
            snprintf(version, sizeof version, "%s", tok[0]);
    }
    int header = find_line(&d, banner, d.n, "Function");
    if (header < 0 || !strstr(d.line[header], "Best Rate MB/s")) {
        imp_expected(err, &d, header < 0 ? d.n : header,
                     "the table header 'Function    Best Rate MB/s  Avg time     Min time     Max time'");
        goto done;
    }
    double rate[4], t[4][3];
    if (read_table(&d, header, d.n, rate, t, err) != 0)
        goto done;
    for (int k = 0; k < 4; k++) { /* STREAM's MB is 10^6 bytes: the printed figure x 10^-3 */
        char buf[256];
        char *tok[8];
        imp_tokens(d.line[header + 1 + k], buf, sizeof buf, tok, 8);
        imp_number_e(tok[1], -3, &rate[k]);
    }
    struct stream_facts f;
    read_facts(&d, 0, header, &f);
    if (f.array_size < 0) {
        int at = find_line(&d, 0, header, "Array size");
        imp_expected(err, &d, at < 0 ? header : at, "'Array size = N (elements), Offset = K (elements)'");
        goto done;
    }
    rec = imp_record_new(&d, "stream", "mccalpin-stream", version[0] ? version : NULL, "cpu", banner + 1, d.n);
    fill(rec, &f, rate, t);
    imp_set_launch(rec, 1, 1, f.threads_counted >= 0 ? (long)f.threads_counted : 1);
    if (read_validation(&d, header + 5, d.n, rec) < 0) {
        imp_expected(err, &d, header + 5 < d.n ? header + 5 : d.n,
                     "STREAM's 'Solution Validates' or 'Failed Validation' lines and the rule after them");
        goto done;
    }
    if (f.threads_requested >= 0 && f.threads_counted >= 0 && f.threads_requested != f.threads_counted)
        imp_note(rec, "threads requested %lld but counted %lld", f.threads_requested, f.threads_counted);
    json_array_append(out, rec);
    rc = 0;
done:
    json_decref(rec);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_stream = {
    .name = "stream",
    .expects = "McCalpin STREAM 5.x output (stream.c)",
    .recognise = stream_recognise,
    .parse = stream_parse,
};
