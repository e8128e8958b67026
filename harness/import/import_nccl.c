/* nccl-tests text output (all_reduce_perf and the others, 2.x): "# nThread .. nGpus .. minBytes
 * .. maxBytes .. iters: .. validation: .." options, "#  Rank N [Group G] Pid P on HOST device D
 * [BUS] MODEL" lines, a two-line column header (out-of-place, in-place: "size count type redop
 * root time algbw busbw #wrong time algbw busbw #wrong"; older versions print "error" for
 * "#wrong" and no "root"), the rows, "# Out of bounds values : N OK|FAILED" and "# Avg bus
 * bandwidth : X", which ends a complete output. A #wrong above 0 makes the record invalid. */
#include <ctype.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

#define NCCL_MAX_COLS 16

static int nccl_recognise(const char *text, size_t len)
{
    (void)len;
    if (strstr(text, "out-of-place") && strstr(text, "algbw") && strstr(text, "busbw"))
        return 90;
    if (strstr(text, "# nThread") && strstr(text, "nGpus"))
        return 70;
    return 0;
}

/* The options line "nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup
 * iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0": NAME VALUE pairs, where a word
 * before "iters:" qualifies it (warmup_iters, agg_iters). */
static void options_line(const char *l, json_t *params)
{
    char buf[512];
    char *tok[48];
    int n = imp_tokens(l + 1, buf, sizeof buf, tok, 48);
    const char *qualifier = NULL;
    for (int k = 0; k + 1 < n; k++) {
        char key[64], val[48];
        size_t kl = strlen(tok[k]);
        if (!isdigit((unsigned char)tok[k + 1][0])) {
            qualifier = isalpha((unsigned char)tok[k][0]) ? tok[k] : NULL;
            continue;
        }
        if (qualifier && tok[k][kl - 1] == ':')
            snprintf(key, sizeof key, "%s_%.*s", qualifier, (int)(kl - 1), tok[k]);
        else
            snprintf(key, sizeof key, "%.*s", (int)(tok[k][kl - 1] == ':' ? kl - 1 : kl), tok[k]);
        qualifier = NULL;
        snprintf(val, sizeof val, "%s", tok[k + 1]);
        char *paren = strchr(val, '(');
        long long v;
        if (paren) {
            json_object_set_new(params, key, json_string(val)); /* "2(factor)" keeps its meaning */
        } else if (imp_integer(val, &v) == 0) {
            json_object_set_new(params, key, json_integer(v));
        } else {
            json_object_set_new(params, key, json_string(val));
        }
        k++;
    }
}

static const char *const known_tests[] = {"all_reduce", "all_gather", "reduce_scatter", "broadcast", "alltoall",
                                          "sendrecv",   "hypercube",  "scatter",        "gather",    "reduce"};

/* The column header: where each column is (-1: absent); [0] out-of-place, [1] in-place. cols
 * point into buf. */
struct nccl_cols {
    int header, nc;
    char buf[512];
    char *cols[NCCL_MAX_COLS + 1];
    int c_size, c_count, c_type, c_redop, c_root, c_time[2], c_algbw[2], c_busbw[2], c_wrong[2];
    int wrong_is_count; /* "#wrong" (a count) rather than older versions' "error" (a value) */
};

static int nccl_columns(const struct imp_doc *d, int header, struct nccl_cols *t, char err[IMPORT_ERR_LEN])
{
    t->header = header;
    t->nc = imp_tokens(d->line[header] + 1, t->buf, sizeof t->buf, t->cols, NCCL_MAX_COLS + 1);
    t->c_size = t->c_count = t->c_type = t->c_redop = t->c_root = -1;
    for (int g = 0; g < 2; g++)
        t->c_time[g] = t->c_algbw[g] = t->c_busbw[g] = t->c_wrong[g] = -1;
    int group = 0;
    for (int c = 0; c < t->nc; c++) {
        const char *n = t->cols[c];
        if (!strcmp(n, "size"))
            t->c_size = c;
        else if (!strcmp(n, "count"))
            t->c_count = c;
        else if (!strcmp(n, "type"))
            t->c_type = c;
        else if (!strcmp(n, "redop"))
            t->c_redop = c;
        else if (!strcmp(n, "root"))
            t->c_root = c;
        else if (!strcmp(n, "time") && group < 2)
            t->c_time[group] = c;
        else if (!strcmp(n, "algbw") && group < 2)
            t->c_algbw[group] = c;
        else if (!strcmp(n, "busbw") && group < 2)
            t->c_busbw[group] = c;
        else if ((!strcmp(n, "#wrong") || !strcmp(n, "error")) && group < 2)
            t->c_wrong[group++] = c;
    }
    if (t->nc > NCCL_MAX_COLS || t->c_size != 0 || t->c_count < 0 || t->c_type < 0 || t->c_time[0] < 0 ||
        t->c_busbw[0] < 0 || t->c_algbw[0] < 0)
        return imp_expected(err, d, header, "the columns 'size count type redop root time algbw busbw #wrong' "
                                            "(out-of-place, then in-place)");
    t->wrong_is_count = t->c_wrong[0] >= 0 && !strcmp(t->cols[t->c_wrong[0]], "#wrong");
    return 0;
}

/* The test's name: the "Collective test starting" line, else the file's name; "" when neither says. */
static void nccl_test_name(const struct imp_doc *d, const char *path, char *test, size_t len)
{
    test[0] = '\0';
    for (int i = 0; i < d->n; i++) {
        const char *v = strstr(d->line[i], "Collective test starting:");
        if (v) {
            char buf[96];
            char *tok[2];
            if (imp_tokens(v + 25, buf, sizeof buf, tok, 2) >= 1) {
                snprintf(test, len, "%s", tok[0]);
                char *perf = strstr(test, "_perf");
                if (perf)
                    *perf = '\0';
            }
        }
    }
    if (!test[0]) {
        char pathcopy[512];
        snprintf(pathcopy, sizeof pathcopy, "%s", path);
        const char *base = basename(pathcopy);
        for (size_t k = 0; k < sizeof known_tests / sizeof known_tests[0] && !test[0]; k++)
            if (strstr(base, known_tests[k]))
                snprintf(test, len, "%s", known_tests[k]);
    }
}

/* The versions nccl-tests states on line l, into rec. */
static void nccl_versions(const char *l, json_t *rec)
{
    const char *v;
    if ((v = strstr(l, "NCCL version ")) != NULL) {
        char buf[64];
        char *tok[2];
        if (imp_tokens(v + 13, buf, sizeof buf, tok, 2) >= 1)
            imp_set_stated(rec, "nccl_version", json_string(tok[0]));
    }
    if ((v = strstr(l, "nccl-tests version ")) != NULL) {
        char buf[64];
        char *tok[2];
        if (imp_tokens(v + 19, buf, sizeof buf, tok, 2) >= 1) {
            json_object_set_new(rec, "benchmark_version", json_string(tok[0]));
            json_object_set_new(json_object_get(rec, "import"), "tool_version", json_string(tok[0]));
        }
    }
}

/* A "#  Rank N Group G Pid P on HOST device D [BUS] MODEL" line (index i) into devices, its host
 * into hosts once. */
static int nccl_rank_line(const struct imp_doc *d, int i, json_t *devices, json_t *hosts, char err[IMPORT_ERR_LEN])
{
    char buf[512];
    char *tok[40];
    int n = imp_tokens(d->line[i] + 1, buf, sizeof buf, tok, 40);
    long long rank = -1;
    const char *host = NULL, *dev = NULL;
    int model_at = -1;
    for (int k = 0; k + 1 < n; k++) {
        if (!strcmp(tok[k], "Rank"))
            imp_integer(tok[k + 1], &rank);
        else if (!strcmp(tok[k], "on"))
            host = tok[k + 1];
        else if (!strcmp(tok[k], "device")) {
            dev = tok[k + 1];
            model_at = k + 2;
            if (model_at < n && tok[model_at][0] == '[')
                model_at++;
        }
    }
    if (rank < 0 || !host || !dev)
        return imp_expected(err, d, i, "'#  Rank N Group G Pid P on HOST device D [BUS] MODEL'");
    char model[160] = "";
    size_t mk = 0;
    /* snprintf reports the length it wanted, so stop once the model is full (it is cut, not overrun). */
    for (int k = model_at; k >= 0 && k < n && mk < sizeof model; k++)
        mk += (size_t)snprintf(model + mk, sizeof model - mk, "%s%s", k > model_at ? " " : "", tok[k]);
    json_array_append_new(devices, json_pack("{s:I, s:s, s:s, s:s}", "rank", (json_int_t)rank, "host", host,
                                             "device", dev, "model", model));
    int seen = 0;
    for (size_t h = 0; h < json_array_size(hosts); h++)
        seen |= !strcmp(json_string_value(json_array_get(hosts, h)), host);
    if (!seen)
        json_array_append_new(hosts, json_string(host));
    return 0;
}

/* What the lines before the header say: versions, and the devices and hosts, which give the launch. */
static int nccl_devices(const struct imp_doc *d, int header, json_t *rec, char err[IMPORT_ERR_LEN])
{
    json_t *devices = json_array(), *hosts = json_array();
    int info_lines = 0;
    for (int i = 0; i < header; i++) {
        const char *l = d->line[i];
        if (strstr(l, "NCCL INFO") || strstr(l, "NCCL WARN")) {
            info_lines++;
            continue;
        }
        nccl_versions(l, rec);
        if (l[0] != '#' || !strstr(l, " Rank ") || !strstr(l, " on ") || !strstr(l, " device "))
            continue;
        if (nccl_rank_line(d, i, devices, hosts, err) != 0) {
            json_decref(devices);
            json_decref(hosts);
            return -1;
        }
    }
    if (info_lines)
        imp_note(rec, "%d NCCL INFO/WARN lines skipped", info_lines);
    long long nthread = -1;
    const json_t *nt = json_object_get(json_object_get(rec, "parameters"), "nThread");
    if (json_is_integer(nt))
        nthread = json_integer_value(nt);
    if (json_array_size(devices)) {
        imp_set_stated(rec, "devices", devices);
        imp_set_launch(rec, (long)json_array_size(devices), (long)json_array_size(hosts), (long)nthread);
        imp_note(rec, "launch.ranks counts the devices listed (one per 'Rank' line: GPUs, not MPI processes)");
    } else {
        json_decref(devices);
    }
    json_decref(hosts);
    return 0;
}

/* What the rows add up to for the verdict. */
struct nccl_tally {
    long long total_wrong;
    int validated; /* some row had a #wrong or error figure */
};

/* Group g (0 out-of-place, 1 in-place) of the row at line r into o; *busbw_oop gets the
 * out-of-place bus bandwidth. */
static int nccl_group(const struct imp_doc *d, int r, const struct nccl_cols *t, int g, char **tok, const char *what,
                      json_t *o, double *busbw_oop, struct nccl_tally *tally, char err[IMPORT_ERR_LEN])
{
    int cs[3] = {t->c_time[g], t->c_algbw[g], t->c_busbw[g]};
    const char *keys[3] = {"time_us", "algbw_GBps", "busbw_GBps"};
    for (int k = 0; k < 3; k++) {
        double v;
        if (cs[k] < 0)
            continue;
        if (!strcmp(tok[cs[k]], "N/A")) {
            json_object_set_new(o, keys[k], json_null());
            continue;
        }
        if (imp_number(tok[cs[k]], &v) != 0 || v < 0)
            return imp_expected(err, d, r, what);
        json_object_set_new(o, keys[k], json_real(v));
        if (g == 0 && k == 2)
            *busbw_oop = v;
    }
    if (t->c_wrong[g] >= 0) {
        const char *w = tok[t->c_wrong[g]];
        double v;
        long long wrong;
        if (!strcmp(w, "N/A")) {
            json_object_set_new(o, t->wrong_is_count ? "wrong" : "error", json_null());
        } else if (t->wrong_is_count) { /* a count: a whole number, never a float cast to one */
            if (imp_integer(w, &wrong) != 0 || wrong < 0)
                return imp_expected(err, d, r, "a #wrong count or N/A");
            tally->validated = 1;
            tally->total_wrong = wrong > LLONG_MAX - tally->total_wrong ? LLONG_MAX : tally->total_wrong + wrong;
            json_object_set_new(o, "wrong", json_integer((json_int_t)wrong));
        } else {
            if (imp_number(w, &v) != 0 || v < 0)
                return imp_expected(err, d, r, "an error value or N/A");
            tally->validated = 1;
            json_object_set_new(o, "error", json_real(v));
        }
    }
    return 0;
}

/* One row (line r) into sizes, its out-of-place bus bandwidth a metric of rec. */
static int nccl_row(const struct imp_doc *d, int r, const struct nccl_cols *t, json_t *rec, json_t *sizes,
                    struct nccl_tally *tally, char err[IMPORT_ERR_LEN])
{
    char buf[512];
    char *tok[NCCL_MAX_COLS + 1];
    int n = imp_tokens(d->line[r], buf, sizeof buf, tok, NCCL_MAX_COLS + 1);
    char what[160];
    snprintf(what, sizeof what, "a row of %d columns as the header at line %d says", t->nc, t->header + 1);
    long long size, count;
    if (n != t->nc || imp_integer(tok[t->c_size], &size) != 0 || imp_integer(tok[t->c_count], &count) != 0)
        return imp_expected(err, d, r, what);
    json_t *row = json_pack("{s:I, s:I, s:s}", "bytes", (json_int_t)size, "count", (json_int_t)count, "type",
                            tok[t->c_type]);
    json_array_append_new(sizes, row);
    if (t->c_redop >= 0)
        json_object_set_new(row, "redop", json_string(tok[t->c_redop]));
    if (t->c_root >= 0) {
        long long root;
        if (imp_integer(tok[t->c_root], &root) != 0)
            return imp_expected(err, d, r, "an integer root (-1 for none)");
        json_object_set_new(row, "root", json_integer(root));
    }
    static const char *const place[] = {"out_of_place", "in_place"};
    double busbw_oop = NAN;
    for (int g = 0; g < 2; g++) {
        if (t->c_time[g] < 0)
            continue;
        json_t *o = json_object();
        json_object_set_new(row, place[g], o);
        if (nccl_group(d, r, t, g, tok, what, o, &busbw_oop, tally, err) != 0)
            return -1;
    }
    char sname[32], metric[96];
    imp_size_name((uint64_t)size, sname, sizeof sname);
    snprintf(metric, sizeof metric, "busbw_%s", sname);
    if (json_object_get(json_object_get(rec, "metrics"), metric)) /* several types or ops in one table */
        snprintf(metric, sizeof metric, "busbw_%s_%s_%s", tok[t->c_type], t->c_redop >= 0 ? tok[t->c_redop] : "none",
                 sname);
    if (isfinite(busbw_oop))
        imp_add_metric(rec, metric, busbw_oop, "GB/s", 0, NULL, 0);
    return 0;
}

/* The rows after the header's unit line "(B) (elements) ...", up to the first '#' line (*end). */
static int nccl_rows(const struct imp_doc *d, const struct nccl_cols *t, json_t *rec, int *end,
                     struct nccl_tally *tally, char err[IMPORT_ERR_LEN])
{
    json_t *results = json_object_get(rec, "results");
    int r = t->header + 1;
    while (r < d->n && d->line[r][0] == '#' && !strstr(d->line[r], "Out of bounds") && !strstr(d->line[r], "Avg bus"))
        r++;
    json_t *sizes = json_array();
    json_object_set_new(results, "sizes", sizes);
    json_t *cj = json_array();
    for (int c = 0; c < t->nc; c++)
        json_array_append_new(cj, json_string(t->cols[c]));
    json_object_set_new(results, "columns", cj);
    for (; r < d->n; r++) {
        const char *l = d->line[r];
        if (imp_blank(l))
            continue;
        if (strstr(l, "NCCL INFO") || strstr(l, "NCCL WARN"))
            continue;
        if (l[0] == '#')
            break;
        if (nccl_row(d, r, t, rec, sizes, tally, err) != 0)
            return -1;
    }
    *end = r;
    if (json_array_size(sizes) == 0)
        return imp_expected(err, d, r, "at least one row under the column header");
    return 0;
}

/* The trailer from line r: the out-of-bounds check and the average bus bandwidth. */
struct nccl_trailer {
    long long oob; /* -1: not printed */
    int oob_ok;
    double avg;
    int avg_line; /* -1: not printed, the output was cut */
};

static int nccl_trailer_read(const struct imp_doc *d, int r, struct nccl_trailer *tr, char err[IMPORT_ERR_LEN])
{
    tr->oob = -1;
    tr->oob_ok = 1;
    tr->avg = NAN;
    tr->avg_line = -1;
    for (int i = r; i < d->n; i++) {
        const char *v;
        char buf[128];
        char *tok[4];
        if ((v = imp_after(d->line[i], "# Out of bounds values")) != NULL) {
            int n = imp_tokens(v, buf, sizeof buf, tok, 4);
            if (n < 2 || imp_integer(tok[0], &tr->oob) != 0 || (strcmp(tok[1], "OK") && strcmp(tok[1], "FAILED")))
                return imp_expected(err, d, i, "'# Out of bounds values : N OK|FAILED'");
            tr->oob_ok = !strcmp(tok[1], "OK");
        } else if ((v = imp_after(d->line[i], "# Avg bus bandwidth")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) != 1 || imp_number(tok[0], &tr->avg) != 0)
                return imp_expected(err, d, i, "'# Avg bus bandwidth : NUMBER'");
            tr->avg_line = i;
        }
    }
    if (tr->avg_line < 0)
        return imp_expected(err, d, d->n, "'# Avg bus bandwidth    : X', the last line of a complete nccl-tests output");
    return 0;
}

/* The verification: #wrong where this version counts it, else the out-of-bounds check; none
 * when the run was not validated (-c 0). */
static void nccl_verdict(json_t *rec, const struct nccl_cols *t, struct nccl_tally *tally,
                         const struct nccl_trailer *tr)
{
    const json_t *validation = json_object_get(json_object_get(rec, "parameters"), "validation");
    if (json_is_integer(validation) && json_integer_value(validation) == 0)
        tally->validated = 0;
    if (tally->validated && t->wrong_is_count) {
        imp_set_verification(rec, tally->total_wrong == 0 && tr->oob_ok,
                             "nccl-tests #wrong (out-of-place + in-place): value = "
                             "total #wrong",
                             (double)tally->total_wrong, 0, "<=");
        if (tally->total_wrong > 0)
            imp_add_violation(rec, "nccl-tests found wrong elements (#wrong > 0)");
    } else if (tally->validated) {
        imp_set_verification(rec, tr->oob_ok, "nccl-tests 'Out of bounds values' (this version prints an error "
                                              "column, not #wrong)",
                             tr->oob >= 0 ? (double)tr->oob : NAN, 0, "<=");
    } else {
        json_object_set_new(rec, "verification", json_pack("{s:b, s:s}", "passed", 1, "method", "none"));
        imp_note(rec, "run without validation (-c 0): results are unverified");
    }
    if (!tr->oob_ok) {
        json_object_set_new(rec, "valid", json_false());
        json_object_set_new(json_object_get(rec, "verification"), "passed", json_false());
    }
}

static int nccl_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    int rc = -1;
    json_t *rec = NULL;
    int header = -1, opts = -1;
    for (int i = 0; i < d.n && header < 0; i++) {
        const char *l = d.line[i];
        if (l[0] == '#' && strstr(l, "size") && strstr(l, "count") && strstr(l, "type") && strstr(l, "algbw"))
            header = i;
        if (l[0] == '#' && strstr(l, "nThread") && strstr(l, "nGpus") && opts < 0)
            opts = i;
    }
    if (header < 0) {
        imp_expected(err, &d, d.n, "nccl-tests' column header '#  size  count  type  redop  root  time  algbw  busbw "
                                   "#wrong ...'");
        goto done;
    }
    struct nccl_cols t;
    if (nccl_columns(&d, header, &t, err) != 0)
        goto done;
    char test[48];
    nccl_test_name(&d, in->path, test, sizeof test);
    rec = imp_record_new(&d, "nccl", "nccl-tests", NULL, "cuda", opts >= 0 ? opts + 1 : header + 1, d.n);
    json_t *results = json_object_get(rec, "results");
    json_object_set_new(rec, "test", test[0] ? json_string(test) : json_null());
    if (!test[0])
        imp_note(rec, "the output does not name the collective and the file name does not either: test is null");
    if (opts >= 0)
        options_line(d.line[opts], json_object_get(rec, "parameters"));
    struct nccl_tally tally = {0, 0};
    struct nccl_trailer tr;
    int r;
    if (nccl_devices(&d, header, rec, err) != 0 || nccl_rows(&d, &t, rec, &r, &tally, err) != 0 ||
        nccl_trailer_read(&d, r, &tr, err) != 0)
        goto done;
    imp_add_metric(rec, "avg_bus_bandwidth", tr.avg, "GB/s", 0, NULL, 0);
    json_object_set_new(results, "avg_bus_bandwidth_GBps", json_real(tr.avg));
    json_object_set_new(results, "out_of_bounds_values", tr.oob >= 0 ? json_integer(tr.oob) : json_null());
    nccl_verdict(rec, &t, &tally, &tr);
    json_object_set_new(json_object_get(rec, "import"), "lines",
                        json_pack("[i,i]", opts >= 0 ? opts + 1 : header + 1, tr.avg_line + 1));
    json_array_append(out, rec);
    rc = 0;
done:
    json_decref(rec);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_nccl = {
    .name = "nccl",
    .expects = "nccl-tests text output (out-of-place/in-place table, '# Avg bus bandwidth')",
    .recognise = nccl_recognise,
    .parse = nccl_parse,
};
