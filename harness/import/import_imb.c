/* Intel MPI Benchmarks (IMB-MPI1 and friends) text output. A "#" banner naming the version and
 * the machine (Date, Machine, System, Release, Version, MPI Version), then per benchmark and
 * process count: "# Benchmarking NAME", "# #processes = N", a column header ("#bytes
 * #repetitions t[usec] Mbytes/sec", or t_min/t_max/t_avg, Msg/sec, defects with -check), rows,
 * and at the very end "# All processes entering MPI_Finalize", which tells a complete file. One
 * record per table. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

#define IMB_MAX_COLS 12

static int imb_recognise(const char *text, size_t len)
{
    (void)len;
    if ((strstr(text, "Intel(R) MPI Benchmarks") || strstr(text, "Intel (R) MPI Benchmarks") ||
         strstr(text, "Intel(R) MPI Benchmark Suite")) &&
        strstr(text, "# Benchmarking "))
        return 90;
    if (strstr(text, "# Benchmarking ") && strstr(text, "#repetitions"))
        return 60;
    return 0;
}

static const char *hash_value(const char *l, const char *key)
{
    if (l[0] != '#')
        return NULL;
    const char *v = imp_after(l + 1, key);
    return v;
}

/* What IMB's banner says once for the whole file, and where it said it finished. */
struct imb_banner {
    char version[48], started[32], mpi_version[32];
    json_t *stated; /* the machine's uname, for every record */
    int finalize;   /* line of "# All processes entering MPI_Finalize", -1 when absent */
};

static void imb_banner_read(const struct imp_doc *d, struct imb_banner *b)
{
    for (int i = 0; i < d->n; i++) {
        const char *l = d->line[i], *v;
        const char *mb = strstr(l, "MPI Benchmarks ");
        if (mb && !b->version[0] && l[0] == '#') {
            char buf[64];
            char *tok[2];
            if (imp_tokens(mb + 15, buf, sizeof buf, tok, 2) >= 1) {
                size_t k = strlen(tok[0]);
                if (k && tok[0][k - 1] == ',')
                    tok[0][k - 1] = '\0';
                snprintf(b->version, sizeof b->version, "%s", tok[0]);
            }
        }
        if ((v = hash_value(l, "Date")) != NULL && !b->started[0]) {
            if (imp_asctime_iso(v, b->started, sizeof b->started) != 0)
                b->started[0] = '\0';
        } else if ((v = hash_value(l, "Machine")) != NULL)
            json_object_set_new(b->stated, "machine", json_string(v));
        else if ((v = hash_value(l, "System")) != NULL)
            json_object_set_new(b->stated, "kernel_name", json_string(v));
        else if ((v = hash_value(l, "Release")) != NULL)
            json_object_set_new(b->stated, "kernel_release", json_string(v));
        else if ((v = hash_value(l, "Version")) != NULL)
            json_object_set_new(b->stated, "kernel_version", json_string(v));
        else if ((v = hash_value(l, "MPI Version")) != NULL)
            snprintf(b->mpi_version, sizeof b->mpi_version, "%s", v);
        if (imp_starts(l, "# All processes entering MPI_Finalize"))
            b->finalize = i;
    }
}

/* "# Benchmarking NAME" at line t and its "# #processes = N": a new record of recs, or NULL. */
static json_t *imb_table_record(const struct imp_doc *d, int t, const struct imb_banner *b, json_t *recs,
                                char err[IMPORT_ERR_LEN])
{
    char name[64];
    snprintf(name, sizeof name, "%s", imp_skip_ws(d->line[t] + 15));
    for (size_t k = strlen(name); k > 0 && isspace((unsigned char)name[k - 1]); k--)
        name[k - 1] = '\0';
    long long procs = -1;
    char pbuf[64];
    char *ptok[4];
    const char *pv = t + 1 < d->n ? hash_value(d->line[t + 1], "#processes") : NULL;
    if (!pv || imp_tokens(pv, pbuf, sizeof pbuf, ptok, 4) != 1 || imp_integer(ptok[0], &procs) != 0 || procs <= 0) {
        imp_expected(err, d, t + 1 < d->n ? t + 1 : d->n, "'# #processes = N' after '# Benchmarking NAME'");
        return NULL;
    }
    json_t *rec = imp_record_new(d, "imb", "imb", b->version[0] ? b->version : NULL, "cpu", t + 1, t + 1);
    json_array_append_new(recs, rec);
    json_object_set_new(rec, "test", json_string(name));
    json_t *params = json_object_get(rec, "parameters");
    json_object_set_new(params, "benchmark", json_string(name));
    json_object_set_new(params, "processes", json_integer(procs));
    if (b->mpi_version[0])
        json_object_set_new(params, "mpi_version", json_string(b->mpi_version));
    imp_set_launch(rec, (long)procs, -1, -1);
    if (b->started[0])
        imp_set_times(rec, b->started, NULL);
    if (json_object_size(b->stated))
        imp_set_stated(rec, "uname", json_deep_copy(b->stated));
    return rec;
}

/* A table's column header; cols point into buf. */
struct imb_header {
    int line, nc, has_bytes;
    char buf[512];
    char *cols[IMB_MAX_COLS + 1];
};

/* Finds the header after the table's opening at t: lines before it are '#' rules or blank, and
 * "( N additional processes waiting in MPI_Barrier)" becomes a note. */
static int imb_header_read(const struct imp_doc *d, int t, json_t *rec, struct imb_header *hd,
                           char err[IMPORT_ERR_LEN])
{
    int h = t + 2;
    while (h < d->n && (d->line[h][0] == '#' || imp_blank(d->line[h]))) {
        if (strstr(d->line[h], "additional processes waiting"))
            imp_note(rec, "line %d: %s", h + 1, d->line[h]);
        h++;
    }
    hd->line = h;
    hd->nc = h < d->n ? imp_tokens(d->line[h], hd->buf, sizeof hd->buf, hd->cols, IMB_MAX_COLS + 1) : 0;
    if (hd->nc < 2 || hd->nc > IMB_MAX_COLS || (strcmp(hd->cols[0], "#bytes") && strcmp(hd->cols[0], "#repetitions")))
        return imp_expected(err, d, h < d->n ? h : d->n, "IMB's column header '#bytes #repetitions t[usec] ...'");
    hd->has_bytes = !strcmp(hd->cols[0], "#bytes");
    json_t *cj = json_array();
    for (int c = 0; c < hd->nc; c++)
        json_array_append_new(cj, json_string(hd->cols[c]));
    json_object_set_new(json_object_get(rec, "results"), "columns", cj);
    return 0;
}

/* The figures of one row that become metrics; NAN (and NULL) where the table has no such column. */
struct imb_row {
    long long bytes;
    double lat, mbps, msgs;
    const char *mbps_tok, *msgs_tok; /* as printed, for an exact change of unit */
};

/* Byte counts, repetitions and defects above this are not IMB's (2^50: a petabyte message). */
#define IMB_MAX_COUNT 1125899906842624.0

/* The cells of the row at line r into o. Counts -check's defects. */
static int imb_cells(const struct imp_doc *d, int r, const struct imb_header *hd, char **tok, const char *what,
                     json_t *o, struct imb_row *f, long long *defects, int *checked, char err[IMPORT_ERR_LEN])
{
    for (int c = 0; c < hd->nc; c++) {
        double v;
        if (imp_number(tok[c], &v) != 0 || v < 0)
            return imp_expected(err, d, r, what);
        const char *cn = hd->cols[c];
        int counts = !strcmp(cn, "#bytes") || !strcmp(cn, "#repetitions") || !strcmp(cn, "defects");
        if (counts && (v > IMB_MAX_COUNT || v != floor(v))) /* a whole number that fits, never a float cast */
            return imp_expected(err, d, r, what);
        if (!strcmp(cn, "#bytes"))
            json_object_set_new(o, "bytes", json_integer(f->bytes = (long long)v));
        else if (!strcmp(cn, "#repetitions"))
            json_object_set_new(o, "repetitions", json_integer((json_int_t)v));
        else if (!strcmp(cn, "t[usec]") || !strcmp(cn, "t_avg[usec]"))
            json_object_set_new(o, "latency_us", json_real(f->lat = v));
        else if (!strcmp(cn, "t_min[usec]"))
            json_object_set_new(o, "min_latency_us", json_real(v));
        else if (!strcmp(cn, "t_max[usec]"))
            json_object_set_new(o, "max_latency_us", json_real(v));
        else if (!strcmp(cn, "Mbytes/sec")) {
            json_object_set_new(o, "bandwidth_MBps", json_real(f->mbps = v));
            f->mbps_tok = tok[c];
        } else if (!strcmp(cn, "Msg/sec")) {
            json_object_set_new(o, "message_rate_per_s", json_real(f->msgs = v));
            f->msgs_tok = tok[c];
        } else if (!strcmp(cn, "defects")) {
            *checked = 1;
            *defects += (long long)v;
            json_object_set_new(o, "defects", json_real(v));
        } else {
            char key[48];
            imp_snake(cn, key, sizeof key);
            json_object_set_new(o, key, json_real(v));
        }
    }
    return 0;
}

/* A row's latency, bandwidth and message rate as metrics of rec, named after its message size. */
static void imb_row_metrics(json_t *rec, int has_bytes, const struct imb_row *f)
{
    char sname[32], metric[64];
    imp_size_name((uint64_t)f->bytes, sname, sizeof sname);
    if (isfinite(f->lat)) {
        if (has_bytes)
            snprintf(metric, sizeof metric, "latency_%s", sname);
        else
            snprintf(metric, sizeof metric, "latency");
        imp_add_metric(rec, metric, f->lat, "us", 1, NULL, 0);
    }
    if (isfinite(f->mbps)) {
        snprintf(metric, sizeof metric, "bandwidth_%s", sname);
        double gbs;
        imp_number_e(f->mbps_tok, -3, &gbs);
        imp_add_metric(rec, metric, gbs, "GB/s", 0, NULL, 0);
    }
    if (isfinite(f->msgs)) {
        snprintf(metric, sizeof metric, "message_rate_%s", sname);
        double mm;
        imp_number_e(f->msgs_tok, -6, &mm);
        imp_add_metric(rec, metric, mm, "Mmsg/s", 0, NULL, 0);
    }
}

/* The rows under the header, up to a blank or '#' line (*end), and the table's verification. */
static int imb_rows(const struct imp_doc *d, const struct imb_header *hd, json_t *rec, int *end,
                    char err[IMPORT_ERR_LEN])
{
    json_t *sizes = json_array();
    json_object_set_new(json_object_get(rec, "results"), "sizes", sizes);
    long long defects = 0;
    int checked = 0, r = hd->line + 1;
    for (; r < d->n; r++) {
        const char *row = d->line[r];
        if (imp_blank(row) || row[0] == '#')
            break;
        char buf[512];
        char *tok[IMB_MAX_COLS + 1];
        int n = imp_tokens(row, buf, sizeof buf, tok, IMB_MAX_COLS + 1);
        char what[128];
        snprintf(what, sizeof what, "a row of %d numbers as the header at line %d says", hd->nc, hd->line + 1);
        if (n != hd->nc)
            return imp_expected(err, d, r, what);
        json_t *o = json_object();
        json_array_append_new(sizes, o);
        struct imb_row f = {0, NAN, NAN, NAN, NULL, NULL};
        if (imb_cells(d, r, hd, tok, what, o, &f, &defects, &checked, err) != 0)
            return -1;
        imb_row_metrics(rec, hd->has_bytes, &f);
    }
    *end = r;
    if (json_array_size(sizes) == 0)
        return imp_expected(err, d, r < d->n ? r : d->n, "at least one row under IMB's column header");
    if (json_object_get(json_array_get(sizes, 0), "bandwidth_MBps"))
        imp_note(rec, "GB/s metrics take IMB's Mbytes/sec as 10^6 bytes/s (assumed; some IMB versions "
                      "defined the Mbyte as 2^20)");
    if (checked)
        imp_set_verification(rec, defects == 0, "imb -check: value = defects", (double)defects, 0, "<=");
    else
        json_object_set_new(rec, "verification", json_pack("{s:b, s:s}", "passed", 1, "method", "none"));
    return 0;
}

/* One table opened by "# Benchmarking NAME" at line t, as a record of recs; *end is the line after it. */
static int imb_table(const struct imp_doc *d, int t, const struct imb_banner *b, json_t *recs, int *end,
                     char err[IMPORT_ERR_LEN])
{
    json_t *rec = imb_table_record(d, t, b, recs, err);
    if (!rec)
        return -1;
    struct imb_header hd;
    int r = t + 1;
    if (imb_header_read(d, t, rec, &hd, err) != 0 || imb_rows(d, &hd, rec, &r, err) != 0)
        return -1;
    json_object_set_new(json_object_get(rec, "import"), "lines", json_pack("[i,i]", t + 1, r));
    *end = r;
    return 0;
}

static int imb_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    json_t *recs = json_array();
    struct imb_banner b = {"", "", "", json_object(), -1};
    int rc = -1;
    imb_banner_read(&d, &b);
    int i = 0;
    while (i < d.n) {
        if (!imp_starts(d.line[i], "# Benchmarking ")) {
            i++;
            continue;
        }
        if ((rc = imb_table(&d, i, &b, recs, &i, err)) != 0)
            goto done;
    }
    if (json_array_size(recs) == 0) {
        rc = imp_expected(err, &d, d.n, "a '# Benchmarking NAME' table");
        goto done;
    }
    if (b.finalize < 0) {
        rc = imp_expected(err, &d, d.n, "IMB's last line '# All processes entering MPI_Finalize'");
        goto done;
    }
    size_t k;
    json_t *r;
    json_array_foreach(recs, k, r) json_array_append(out, r);
    rc = 0;
done:
    json_decref(b.stated);
    json_decref(recs);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_imb = {
    .name = "imb",
    .expects = "Intel MPI Benchmarks text ('# Benchmarking NAME' tables, '#bytes #repetitions ...')",
    .recognise = imb_recognise,
    .parse = imb_parse,
};
