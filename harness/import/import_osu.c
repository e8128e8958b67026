/* OSU Micro-Benchmarks 5.x-7.x text output: "# OSU MPI <Name> Test vX.Y", optional "# ..."
 * option lines, a "# Size  <columns>" header, then one row per message size. Columns are read
 * from the header (split on runs of 2+ spaces), so the extra columns of newer versions (Min/Max
 * Latency, Iterations with -f; P50/P90/P99 Tail Lat with -z; Validation with -c; MB/s and
 * Messages/s of mbw_mr) are taken as they come. One record per test; a file may hold several. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

#define OSU_MAX_COLS 16

enum col_kind { C_SIZE, C_AVG_LAT, C_MIN_LAT, C_MAX_LAT, C_P50, C_P90, C_P99, C_MBPS, C_MSGRATE, C_ITERS, C_VALID, C_OTHER };

static enum col_kind classify(const char *name)
{
    if (!strcmp(name, "Size"))
        return C_SIZE;
    if (strstr(name, "P50"))
        return C_P50;
    if (strstr(name, "P90"))
        return C_P90;
    if (strstr(name, "P99"))
        return C_P99;
    if (strstr(name, "Latency") || strstr(name, "Lat(us)"))
        return strstr(name, "Min") ? C_MIN_LAT : strstr(name, "Max") ? C_MAX_LAT : C_AVG_LAT;
    if (strstr(name, "MB/s"))
        return C_MBPS;
    if (strstr(name, "Messages/s"))
        return C_MSGRATE;
    if (strstr(name, "Iterations"))
        return C_ITERS;
    if (strstr(name, "Validation"))
        return C_VALID;
    return C_OTHER;
}

/* Header columns: the text after '#', split where 2+ spaces (or a tab) separate names. */
static int header_columns(const char *line, char names[OSU_MAX_COLS][48])
{
    const char *p = line + 1;
    int n = 0;
    while (*p) {
        p = imp_skip_ws(p);
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != '\t' && !(p[0] == ' ' && p[1] == ' ') && !(p[0] == ' ' && p[1] == '\0'))
            p++;
        if (n == OSU_MAX_COLS)
            return -1;
        snprintf(names[n++], 48, "%.*s", (int)(p - s), s);
    }
    return n;
}

/* "# OSU MPI Bi-Directional Bandwidth Test v5.3" -> test "bibw", version "5.3". */
static void title_test(const char *title, char *test, size_t tlen, char *version, size_t vlen, char *label,
                       size_t llen)
{
    char buf[256];
    char *tok[32];
    int n = imp_tokens(title, buf, sizeof buf, tok, 32);
    version[0] = '\0';
    if (n > 0 && tok[n - 1][0] == 'v' && isdigit((unsigned char)tok[n - 1][1])) {
        snprintf(version, vlen, "%s", tok[n - 1] + 1);
        n--;
    }
    /* tok: "#" "OSU" "MPI" words... "Test" */
    int a = 3, b = n;
    if (b > a && !strcmp(tok[b - 1], "Test"))
        b--;
    char words[160] = "";
    size_t k = 0;
    for (int i = a; i < b && k < sizeof words; i++)  /* snprintf counts what did not fit: stop there */
        k += (size_t)snprintf(words + k, sizeof words - k, "%s%s", i > a ? " " : "", tok[i]);
    snprintf(label, llen, "%s", words);
    if (!strcmp(words, "Latency"))
        snprintf(test, tlen, "latency");
    else if (!strcmp(words, "Bandwidth"))
        snprintf(test, tlen, "bw");
    else if (!strcmp(words, "Bi-Directional Bandwidth"))
        snprintf(test, tlen, "bibw");
    else if (imp_starts(words, "Multiple Bandwidth"))
        snprintf(test, tlen, "mbw_mr");
    else if (!strcmp(words, "Multi Latency"))
        snprintf(test, tlen, "multi_lat");
    else {
        char *lat = strstr(words, " Latency");
        if (lat)
            *lat = '\0';
        imp_snake(words, test, tlen);
    }
}

static int is_title(const char *l) { return imp_starts(l, "# OSU ") && strstr(l, "Test"); }

/* The column header of one test, as read: names, what each holds, and whether the headline
 * figures (average latency, bandwidth) are among them. */
struct osu_header {
    int line;  /* index of the "# Size" line */
    int nc;
    char names[OSU_MAX_COLS][48];
    enum col_kind kind[OSU_MAX_COLS];
    int have_lat, have_bw;
};

/* What the rows of a sweep carry over from one to the next. */
struct osu_sweep {
    long long prev;  /* the last size: sizes must grow */
    int failed_sizes, validated;
};

/* The "# ..." lines between the title at t and the column header. Returns the header's index, or
 * -1 when another line came first; *stop is the line where the search ended either way. */
static int osu_preamble(const struct imp_doc *d, int t, json_t *rec, json_t *params, int *stop)
{
    int i = t + 1;
    for (; i < d->n; i++) {
        const char *l = d->line[i];
        if (imp_blank(l))
            continue;
        if (imp_starts(l, "# Size")) {
            *stop = i;
            return i;
        }
        if (l[0] != '#' || is_title(l))
            break;
        const char *v;
        if ((v = imp_after(l, "# Datatype")) != NULL) {
            char dt[64];
            snprintf(dt, sizeof dt, "%s", v);
            size_t k = strlen(dt);
            while (k && (dt[k - 1] == '.' || isspace((unsigned char)dt[k - 1])))
                dt[--k] = '\0';
            json_object_set_new(params, "datatype", json_string(dt));
        } else if (strstr(l, "on DEVICE") || strstr(l, "Buffer on DEVICE")) {
            json_object_set_new(rec, "variant", json_string("cuda"));
            imp_note(rec, "line %d: %s", i + 1, l);
        } else {
            imp_note(rec, "line %d: %s", i + 1, l);
        }
    }
    *stop = i;
    return -1;
}

/* Reads the header at h->line into h and lists its columns in results. */
static int osu_header_read(const struct imp_doc *d, struct osu_header *h, json_t *results, char err[IMPORT_ERR_LEN])
{
    h->nc = header_columns(d->line[h->line], h->names);
    h->have_lat = h->have_bw = 0;
    if (h->nc < 2)
        return imp_expected(err, d, h->line, "a header '# Size' followed by at least one column name");
    for (int c = 0; c < h->nc; c++) {
        h->kind[c] = classify(h->names[c]);
        h->have_lat |= h->kind[c] == C_AVG_LAT;
        h->have_bw |= h->kind[c] == C_MBPS;
    }
    json_t *cols = json_array();
    for (int c = 0; c < h->nc; c++)
        json_array_append_new(cols, json_string(h->names[c]));
    json_object_set_new(results, "columns", cols);
    return 0;
}

/* A number of column c at line i into row; the headline columns become metrics of rec too,
 * named after the message size (sname). */
static int osu_figure(const struct imp_doc *d, int i, const struct osu_header *h, int c, const char *tok,
                      const char *sname, json_t *rec, json_t *row, char err[IMPORT_ERR_LEN])
{
    double v;
    char metric[64];
    if (imp_number(tok, &v) != 0 || v < 0) {
        char w[96];
        snprintf(w, sizeof w, "a number in column '%s'", h->names[c]);
        return imp_expected(err, d, i, w);
    }
    switch (h->kind[c]) {
    case C_AVG_LAT:
        json_object_set_new(row, "latency_us", json_real(v));
        snprintf(metric, sizeof metric, "latency_%s", sname);
        imp_add_metric(rec, metric, v, "us", 1, NULL, 0);
        break;
    case C_MIN_LAT: json_object_set_new(row, "min_latency_us", json_real(v)); break;
    case C_MAX_LAT: json_object_set_new(row, "max_latency_us", json_real(v)); break;
    case C_P50: json_object_set_new(row, "p50_latency_us", json_real(v)); break;
    case C_P90: json_object_set_new(row, "p90_latency_us", json_real(v)); break;
    case C_P99: json_object_set_new(row, "p99_latency_us", json_real(v)); break;
    case C_ITERS: json_object_set_new(row, "iterations", json_integer((json_int_t)v)); break;
    case C_MBPS: {
        double gbs;
        imp_number_e(tok, -3, &gbs);
        json_object_set_new(row, "bandwidth_MBps", json_real(v));
        json_object_set_new(row, "bandwidth_GBps", json_real(gbs));
        snprintf(metric, sizeof metric, "bandwidth_%s", sname);
        imp_add_metric(rec, metric, gbs, "GB/s", 0, NULL, 0);
        break;
    }
    case C_MSGRATE: {
        double mmsg;
        imp_number_e(tok, -6, &mmsg);
        json_object_set_new(row, "message_rate_per_s", json_real(v));
        snprintf(metric, sizeof metric, "message_rate_%s", sname);
        imp_add_metric(rec, metric, mmsg, "Mmsg/s", 0, NULL, 0);
        break;
    }
    default: {
        char key[48];
        imp_snake(h->names[c], key, sizeof key);
        json_object_set_new(row, key, json_real(v));
    }
    }
    return 0;
}

/* The cells after the size of the row at line i: a Validation word, or figures. */
static int osu_cells(const struct imp_doc *d, int i, const struct osu_header *h, char **tok, const char *sname,
                     json_t *rec, json_t *row, struct osu_sweep *sw, char err[IMPORT_ERR_LEN])
{
    for (int c = 1; c < h->nc; c++) {
        if (h->kind[c] == C_VALID) {
            int pass = !strcasecmp(tok[c], "Pass"), fail = !strcasecmp(tok[c], "Fail");
            if (!pass && !fail)
                return imp_expected(err, d, i, "'Pass' or 'Fail' in the Validation column");
            sw->validated = 1;
            sw->failed_sizes += fail;
            json_object_set_new(row, "validation", json_string(pass ? "Pass" : "Fail"));
            continue;
        }
        if (osu_figure(d, i, h, c, tok[c], sname, rec, row, err) != 0)
            return -1;
    }
    return 0;
}

/* One row of the sweep (line i of the test titled at t), appended to sizes. */
static int osu_row(const struct imp_doc *d, int t, int i, const struct osu_header *h, json_t *rec, json_t *sizes,
                   struct osu_sweep *sw, char err[IMPORT_ERR_LEN])
{
    int nc = h->nc;
    char buf[512];
    char *tok[OSU_MAX_COLS + 1];
    int n = imp_tokens(d->line[i], buf, sizeof buf, tok, OSU_MAX_COLS + 1);
    char what[128];
    snprintf(what, sizeof what, "a row of %d columns (%s%s...) as the header at line %d says", nc, h->names[0],
             nc > 1 ? ", " : "", h->line + 1);
    if (n != nc)
        return imp_expected(err, d, i, what);
    long long size;
    if (imp_integer(tok[0], &size) != 0 || size < 0)
        return imp_expected(err, d, i, "a message size (a non-negative integer) in the first column");
    if (size <= sw->prev)
        return imp_fail(err, d, i + 1, "message size %lld after %lld: expected increasing sizes", size, sw->prev);
    sw->prev = size;
    json_t *row = json_pack("{s:I}", "bytes", (json_int_t)size);
    char sname[32];
    imp_size_name((uint64_t)size, sname, sizeof sname);
    if (osu_cells(d, i, h, tok, sname, rec, row, sw, err) != 0) {
        json_decref(row);
        return -1;
    }
    json_array_append_new(sizes, row);
    json_object_set_new(json_object_get(rec, "import"), "lines", json_pack("[i,i]", t + 1, i + 1));
    return 0;
}

/* What a complete sweep adds to its record: verification, launch shape, and notes. */
static void osu_finish(json_t *rec, const char *test, const struct osu_header *h, const struct osu_sweep *sw)
{
    if (!h->have_lat && !h->have_bw)
        imp_note(rec, "no latency or bandwidth column: the figures are in results.sizes only");
    if (sw->validated)
        imp_set_verification(rec, sw->failed_sizes == 0, "osu -c validation: value = sizes that failed",
                             sw->failed_sizes, 0, "<=");
    else
        json_object_set_new(rec, "verification", json_pack("{s:b, s:s}", "passed", 1, "method", "none"));
    if (!strcmp(test, "latency") || !strcmp(test, "bw") || !strcmp(test, "bibw"))
        imp_set_launch(rec, 2, -1, -1); /* these OSU tests run on exactly two processes */
    imp_note(rec, "OSU prints no end-of-output marker: a file cut between two rows reads as a shorter sweep "
                  "(last size %lld bytes)",
             sw->prev);
}

/* One test: title at line t; returns the line after its last row in *next. */
static int parse_test(const struct imp_doc *d, int t, int *next, json_t *out, char err[IMPORT_ERR_LEN])
{
    char test[64], version[32], label[160];
    title_test(d->line[t], test, sizeof test, version, sizeof version, label, sizeof label);
    json_t *rec = imp_record_new(d, "osu", "osu-micro-benchmarks", version[0] ? version : NULL, "cpu", t + 1, t + 1);
    json_object_set_new(rec, "test", json_string(test));
    json_t *params = json_object_get(rec, "parameters");
    json_t *results = json_object_get(rec, "results");
    json_object_set_new(params, "test", json_string(test));
    json_object_set_new(params, "title", json_string(label));
    struct osu_header h;
    int i;
    h.line = osu_preamble(d, t, rec, params, &i);
    if (h.line < 0) {
        json_decref(rec);
        return imp_expected(err, d, i, "OSU's column header '# Size  Latency (us)' (or Bandwidth, MB/s...)");
    }
    if (osu_header_read(d, &h, results, err) != 0) {
        json_decref(rec);
        return -1;
    }
    json_t *sizes = json_array();
    json_object_set_new(results, "sizes", sizes);
    struct osu_sweep sw = {-1, 0, 0};
    for (i = h.line + 1; i < d->n; i++) {
        const char *l = d->line[i];
        if (imp_blank(l))
            continue;
        if (l[0] == '#') {
            if (is_title(l))
                break;
            imp_note(rec, "line %d: %s", i + 1, l);
            continue;
        }
        if (osu_row(d, t, i, &h, rec, sizes, &sw, err) != 0) {
            json_decref(rec);
            return -1;
        }
    }
    *next = i;
    if (json_array_size(sizes) == 0) {
        json_decref(rec);
        return imp_expected(err, d, i, "at least one row 'SIZE VALUE...' under the header");
    }
    osu_finish(rec, test, &h, &sw);
    json_array_append_new(out, rec);
    return 0;
}

static int osu_recognise(const char *text, size_t len)
{
    (void)len;
    const char *p = strstr(text, "# OSU ");
    if (p && strstr(p, "Test") && strstr(text, "# Size"))
        return 90;
    if (p && strstr(p, "Test"))
        return 70;
    return 0;
}

static int osu_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    json_t *recs = json_array();
    int rc = 0, i = 0, first_title = 0;
    /* lines before the first title (the launcher's warnings in a 2>&1 capture) become notes */
    while (first_title < d.n && !is_title(d.line[first_title]))
        first_title++;
    i = first_title;
    if (first_title == d.n)
        rc = imp_expected(err, &d, d.n, "an OSU title line '# OSU MPI ... Test vX.Y'");
    while (rc == 0 && i < d.n) {
        const char *l = d.line[i];
        if (imp_blank(l)) {
            i++;
            continue;
        }
        if (!is_title(l)) {
            rc = imp_expected(err, &d, i, "an OSU title line '# OSU MPI ... Test vX.Y'");
            break;
        }
        int next = i + 1;
        if (parse_test(&d, i, &next, recs, err) != 0) {
            rc = -1;
            break;
        }
        i = next;
    }
    if (rc == 0) {
        size_t k;
        json_t *r;
        json_t *first = json_array_get(recs, 0);
        for (int j = 0; first && j < first_title; j++)
            if (!imp_blank(d.line[j]))
                imp_note(first, "line %d: %s", j + 1, d.line[j]);
        json_array_foreach(recs, k, r) json_array_append(out, r);
    }
    json_decref(recs);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_osu = {
    .name = "osu",
    .expects = "OSU Micro-Benchmarks 5.x-7.x text ('# OSU MPI ... Test vX.Y', '# Size ...' table)",
    .recognise = osu_recognise,
    .parse = osu_parse,
};
