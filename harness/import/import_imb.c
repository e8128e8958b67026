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

static int imb_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    json_t *recs = json_array();
    json_t *stated = json_object();
    int rc = -1;
    char version[48] = "", started[32] = "", mpi_version[32] = "";
    int finalize = -1;
    for (int i = 0; i < d.n; i++) {
        const char *l = d.line[i], *v;
        const char *b = strstr(l, "MPI Benchmarks ");
        if (b && !version[0] && l[0] == '#') {
            char buf[64];
            char *tok[2];
            if (imp_tokens(b + 15, buf, sizeof buf, tok, 2) >= 1) {
                size_t k = strlen(tok[0]);
                if (k && tok[0][k - 1] == ',')
                    tok[0][k - 1] = '\0';
                snprintf(version, sizeof version, "%s", tok[0]);
            }
        }
        if ((v = hash_value(l, "Date")) != NULL && !started[0]) {
            if (imp_asctime_iso(v, started, sizeof started) != 0)
                started[0] = '\0';
        } else if ((v = hash_value(l, "Machine")) != NULL)
            json_object_set_new(stated, "machine", json_string(v));
        else if ((v = hash_value(l, "System")) != NULL)
            json_object_set_new(stated, "kernel_name", json_string(v));
        else if ((v = hash_value(l, "Release")) != NULL)
            json_object_set_new(stated, "kernel_release", json_string(v));
        else if ((v = hash_value(l, "Version")) != NULL)
            json_object_set_new(stated, "kernel_version", json_string(v));
        else if ((v = hash_value(l, "MPI Version")) != NULL)
            snprintf(mpi_version, sizeof mpi_version, "%s", v);
        if (imp_starts(l, "# All processes entering MPI_Finalize"))
            finalize = i;
    }
    int i = 0;
    while (i < d.n) {
        const char *l = d.line[i];
        if (!imp_starts(l, "# Benchmarking ")) {
            i++;
            continue;
        }
        char name[64];
        snprintf(name, sizeof name, "%s", imp_skip_ws(l + 15));
        for (size_t k = strlen(name); k > 0 && isspace((unsigned char)name[k - 1]); k--)
            name[k - 1] = '\0';
        int t = i;
        long long procs = -1;
        char pbuf[64];
        char *ptok[4];
        const char *pv = i + 1 < d.n ? hash_value(d.line[i + 1], "#processes") : NULL;
        if (!pv || imp_tokens(pv, pbuf, sizeof pbuf, ptok, 4) != 1 || imp_integer(ptok[0], &procs) != 0 || procs <= 0) {
            rc = imp_expected(err, &d, i + 1 < d.n ? i + 1 : d.n, "'# #processes = N' after '# Benchmarking NAME'");
            goto done;
        }
        /* up to the header: "( N additional processes waiting in MPI_Barrier)", rules */
        json_t *rec = imp_record_new(&d, "imb", "imb", version[0] ? version : NULL, "cpu", t + 1, t + 1);
        json_array_append_new(recs, rec);
        json_object_set_new(rec, "test", json_string(name));
        json_t *params = json_object_get(rec, "parameters");
        json_t *results = json_object_get(rec, "results");
        json_object_set_new(params, "benchmark", json_string(name));
        json_object_set_new(params, "processes", json_integer(procs));
        if (mpi_version[0])
            json_object_set_new(params, "mpi_version", json_string(mpi_version));
        imp_set_launch(rec, (long)procs, -1, -1);
        if (started[0])
            imp_set_times(rec, started, NULL);
        if (json_object_size(stated))
            imp_set_stated(rec, "uname", json_deep_copy(stated));
        int h = i + 2;
        while (h < d.n && (d.line[h][0] == '#' || imp_blank(d.line[h]))) {
            if (strstr(d.line[h], "additional processes waiting"))
                imp_note(rec, "line %d: %s", h + 1, d.line[h]);
            h++;
        }
        char hbuf[512];
        char *cols[IMB_MAX_COLS + 1];
        int nc = h < d.n ? imp_tokens(d.line[h], hbuf, sizeof hbuf, cols, IMB_MAX_COLS + 1) : 0;
        if (nc < 2 || nc > IMB_MAX_COLS || (strcmp(cols[0], "#bytes") && strcmp(cols[0], "#repetitions"))) {
            rc = imp_expected(err, &d, h < d.n ? h : d.n, "IMB's column header '#bytes #repetitions t[usec] ...'");
            goto done;
        }
        int has_bytes = !strcmp(cols[0], "#bytes");
        json_t *cj = json_array();
        for (int c = 0; c < nc; c++)
            json_array_append_new(cj, json_string(cols[c]));
        json_object_set_new(results, "columns", cj);
        json_t *sizes = json_array();
        json_object_set_new(results, "sizes", sizes);
        long long defects = 0;
        int checked = 0, r = h + 1;
        for (; r < d.n; r++) {
            const char *row = d.line[r];
            if (imp_blank(row) || row[0] == '#')
                break;
            char buf[512];
            char *tok[IMB_MAX_COLS + 1];
            int n = imp_tokens(row, buf, sizeof buf, tok, IMB_MAX_COLS + 1);
            char what[128];
            snprintf(what, sizeof what, "a row of %d numbers as the header at line %d says", nc, h + 1);
            if (n != nc) {
                rc = imp_expected(err, &d, r, what);
                goto done;
            }
            json_t *o = json_object();
            json_array_append_new(sizes, o);
            long long bytes = 0;
            double lat = NAN, mbps = NAN, msgs = NAN;
            const char *mbps_tok = NULL, *msgs_tok = NULL;
            for (int c = 0; c < nc; c++) {
                double v;
                if (imp_number(tok[c], &v) != 0 || v < 0) {
                    rc = imp_expected(err, &d, r, what);
                    goto done;
                }
                const char *cn = cols[c];
                if (!strcmp(cn, "#bytes"))
                    json_object_set_new(o, "bytes", json_integer(bytes = (long long)v));
                else if (!strcmp(cn, "#repetitions"))
                    json_object_set_new(o, "repetitions", json_integer((json_int_t)v));
                else if (!strcmp(cn, "t[usec]") || !strcmp(cn, "t_avg[usec]"))
                    json_object_set_new(o, "latency_us", json_real(lat = v));
                else if (!strcmp(cn, "t_min[usec]"))
                    json_object_set_new(o, "min_latency_us", json_real(v));
                else if (!strcmp(cn, "t_max[usec]"))
                    json_object_set_new(o, "max_latency_us", json_real(v));
                else if (!strcmp(cn, "Mbytes/sec"))
                    {
                    json_object_set_new(o, "bandwidth_MBps", json_real(mbps = v));
                    mbps_tok = tok[c];
                }
                else if (!strcmp(cn, "Msg/sec"))
                    {
                    json_object_set_new(o, "message_rate_per_s", json_real(msgs = v));
                    msgs_tok = tok[c];
                }
                else if (!strcmp(cn, "defects")) {
                    checked = 1;
                    defects += (long long)v;
                    json_object_set_new(o, "defects", json_real(v));
                } else {
                    char key[48];
                    imp_snake(cn, key, sizeof key);
                    json_object_set_new(o, key, json_real(v));
                }
            }
            char sname[32], metric[64];
            imp_size_name((uint64_t)bytes, sname, sizeof sname);
            if (isfinite(lat)) {
                if (has_bytes)
                    snprintf(metric, sizeof metric, "latency_%s", sname);
                else
                    snprintf(metric, sizeof metric, "latency");
                imp_add_metric(rec, metric, lat, "us", 1, NULL, 0);
            }
            if (isfinite(mbps)) {
                snprintf(metric, sizeof metric, "bandwidth_%s", sname);
                double gbs;
                imp_number_e(mbps_tok, -3, &gbs);
                imp_add_metric(rec, metric, gbs, "GB/s", 0, NULL, 0);
            }
            if (isfinite(msgs)) {
                snprintf(metric, sizeof metric, "message_rate_%s", sname);
                double mm;
                imp_number_e(msgs_tok, -6, &mm);
                imp_add_metric(rec, metric, mm, "Mmsg/s", 0, NULL, 0);
            }
        }
        if (json_array_size(sizes) == 0) {
            rc = imp_expected(err, &d, r < d.n ? r : d.n, "at least one row under IMB's column header");
            goto done;
        }
        if (json_object_get(json_array_get(sizes, 0), "bandwidth_MBps"))
            imp_note(rec, "GB/s metrics take IMB's Mbytes/sec as 10^6 bytes/s (assumed; some IMB versions "
                          "defined the Mbyte as 2^20)");
        if (checked)
            imp_set_verification(rec, defects == 0, "imb -check: value = defects", (double)defects, 0, "<=");
        else
            json_object_set_new(rec, "verification", json_pack("{s:b, s:s}", "passed", 1, "method", "none"));
        json_object_set_new(json_object_get(rec, "import"), "lines", json_pack("[i,i]", t + 1, r));
        i = r;
    }
    if (json_array_size(recs) == 0) {
        rc = imp_expected(err, &d, d.n, "a '# Benchmarking NAME' table");
        goto done;
    }
    if (finalize < 0) {
        rc = imp_expected(err, &d, d.n, "IMB's last line '# All processes entering MPI_Finalize'");
        goto done;
    }
    size_t k;
    json_t *r;
    json_array_foreach(recs, k, r) json_array_append(out, r);
    rc = 0;
done:
    json_decref(stated);
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
