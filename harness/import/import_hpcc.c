/* HPC Challenge (hpcc 1.x) hpccoutf.txt: its HPL section (netlib HPL's output, read by the HPL
 * reader), its StarSTREAM and SingleSTREAM sections, checked against the Summary section's
 * key=value lines. Records: one per HPL run (test "HPL"), one StarSTREAM, one SingleSTREAM.
 * The other sections (PTRANS, RandomAccess, FFT, DGEMM, latency/bandwidth) are not imported. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

/* The line index of "Begin of NAME section." and of its "End of NAME section.", or -1. */
static int section(const struct imp_doc *d, const char *name, int *end)
{
    char begin[96], fin[96];
    snprintf(begin, sizeof begin, "Begin of %s section.", name);
    snprintf(fin, sizeof fin, "End of %s section.", name);
    *end = -1;
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->line[i], begin)) {
            for (int j = i + 1; j < d->n; j++)
                if (!strcmp(d->line[j], fin)) {
                    *end = j;
                    break;
                }
            return i;
        }
    return -1;
}

/* Summary key's value (first occurrence in [from, to)), or NULL. */
static const char *summary(const struct imp_doc *d, int from, int to, const char *key)
{
    size_t k = strlen(key);
    for (int i = from; i < to; i++)
        if (!strncmp(d->line[i], key, k) && d->line[i][k] == '=')
            return d->line[i] + k + 1;
    return NULL;
}

static int hpcc_recognise(const char *text, size_t len)
{
    (void)len;
    if (strstr(text, "HPC Challenge Benchmark") && strstr(text, "Begin of "))
        return 99;
    return 0;
}

/* The version in hpcc's banner, in its first lines. */
static int hpcc_version(const struct imp_doc *d, char *version, size_t vlen, char err[IMPORT_ERR_LEN])
{
    version[0] = '\0';
    for (int i = 0; i < d->n && i < 10; i++) {
        const char *v = strstr(d->line[i], "HPC Challenge Benchmark version ");
        if (v) {
            char buf[64];
            char *tok[2];
            if (imp_tokens(v + 32, buf, sizeof buf, tok, 2) >= 1)
                snprintf(version, vlen, "%s", tok[0]);
        }
    }
    if (!version[0])
        return imp_expected(err, d, 0, "hpcc's banner 'This is the DARPA/DOE HPC Challenge Benchmark version X'");
    return 0;
}

/* The four sections read, in this order, each with its begin (b) and end (e) line. */
static const char *const hpcc_sections_read[] = {"HPL", "StarSTREAM", "SingleSTREAM", "Summary"};

static int hpcc_sections(const struct imp_doc *d, int b[4], int e[4], char err[IMPORT_ERR_LEN])
{
    for (int k = 0; k < 4; k++) {
        b[k] = section(d, hpcc_sections_read[k], &e[k]);
        char what[96];
        if (b[k] < 0) {
            snprintf(what, sizeof what, "'Begin of %s section.'", hpcc_sections_read[k]);
            return imp_expected(err, d, d->n, what);
        }
        if (e[k] < 0) {
            snprintf(what, sizeof what, "'End of %s section.'", hpcc_sections_read[k]);
            return imp_expected(err, d, d->n, what);
        }
    }
    return 0;
}

/* The Summary's HPL figures are the last run's: check they agree. Gives the Summary's Tflops. */
static int hpcc_summary_hpl(const struct imp_doc *d, int sb, int se, json_t *recs, double *tf,
                            char err[IMPORT_ERR_LEN])
{
    const char *sn = summary(d, sb, se, "HPL_N"), *stf = summary(d, sb, se, "HPL_Tflops");
    json_t *last = json_array_get(recs, json_array_size(recs) - 1);
    long long n;
    if (!sn || imp_integer(sn, &n) != 0 || !stf || imp_number(stf, tf) != 0)
        return imp_expected(err, d, se < d->n ? se : d->n, "the Summary's 'HPL_N=' and 'HPL_Tflops=' lines");
    if (json_integer_value(json_object_get(json_object_get(last, "parameters"), "n")) != n)
        return imp_fail(err, d, sb + 1, "the Summary's HPL_N=%lld is not the HPL section's last N", n);
    return 0;
}

/* SingleSTREAM's "Single STREAM Copy GB/s 180.81" lines in [from, to): metrics of single and
 * the kernels of its results. */
static int hpcc_single_kernels(const struct imp_doc *d, int from, int to, json_t *single, char err[IMPORT_ERR_LEN])
{
    const char *kern[] = {"Copy", "Scale", "Add", "Triad"};
    json_t *ks = json_object();
    for (int k = 0; k < 4; k++) {
        int found = 0;
        for (int i = from; i < to && !found; i++) {
            char buf[160];
            char *tok[8];
            double v;
            if (imp_tokens(d->line[i], buf, sizeof buf, tok, 8) == 5 && !strcmp(tok[0], "Single") &&
                !strcmp(tok[1], "STREAM") && !strcmp(tok[2], kern[k]) && !strcmp(tok[3], "GB/s")) {
                if (imp_number(tok[4], &v) != 0) {
                    json_decref(ks);
                    return imp_expected(err, d, i, "'Single STREAM KERNEL GB/s VALUE'");
                }
                char lower[16], metric[32];
                imp_snake(kern[k], lower, sizeof lower);
                snprintf(metric, sizeof metric, "%s_bandwidth", lower);
                imp_add_metric(single, metric, v, "GB/s", 0, NULL, 0);
                json_object_set_new(ks, lower, json_pack("{s:f}", "best_rate_gbs", v));
                found = 1;
            }
        }
        if (!found) {
            json_decref(ks);
            char what[64];
            snprintf(what, sizeof what, "'Single STREAM %s GB/s VALUE'", kern[k]);
            return imp_expected(err, d, to, what);
        }
    }
    json_object_set_new(json_object_get(single, "results"), "kernels", ks);
    return 0;
}

/* The SingleSTREAM section [b, e] as a record of recs: its kernels and "Node(s) with error 0". */
static int hpcc_single(const struct imp_doc *d, int b, int e, const char *version, json_t *recs,
                       char err[IMPORT_ERR_LEN])
{
    json_t *single = imp_record_new(d, "hpcc", "hpcc", version, "cpu", b + 1, e + 1);
    json_array_append_new(recs, single);
    json_object_set_new(single, "test", json_string("SingleSTREAM"));
    if (hpcc_single_kernels(d, b + 1, e, single, err) != 0)
        return -1;
    imp_set_launch(single, 1, 1, -1);
    imp_note(single, "SingleSTREAM: one process runs STREAM while the others wait");
    int errors = -1;
    for (int i = b + 1; i < e; i++) {
        const char *v = imp_after(d->line[i], "Node(s) with error");
        long long x;
        if (v && imp_integer(v, &x) == 0 && x >= 0)
            errors = x > INT_MAX ? INT_MAX : (int)x;
    }
    if (errors < 0)
        return imp_expected(err, d, e, "'Node(s) with error N'");
    imp_set_verification(single, errors == 0, "hpcc: nodes whose STREAM validation failed", errors, 0, "<=");
    return 0;
}

/* The host name of "Hostname: 'node1'" before line `until`, quotes dropped; "" when absent. */
static void hpcc_host(const struct imp_doc *d, int until, char *host, size_t len)
{
    host[0] = '\0';
    for (int i = 0; i < until; i++) {
        const char *h = imp_after(d->line[i], "Hostname:");
        if (h) {
            snprintf(host, len, "%s", h);
            char *q = host;
            if (*q == '\'')
                memmove(q, q + 1, strlen(q));
            size_t hl = strlen(host);
            if (hl && host[hl - 1] == '\'')
                host[hl - 1] = '\0';
            break;
        }
    }
}

/* Facts every record shares: processes, host name, hpcc's verdict (the Summary's Success). */
static void hpcc_shared_facts(const struct imp_doc *d, int sb, int se, int hpl_begin, const char *success,
                              double tf, json_t *recs)
{
    const char *procs = summary(d, sb, se, "CommWorldProcs");
    const char *threads = summary(d, sb, se, "STREAM_Threads");
    long long np = -1, nt = -1;
    if (procs)
        imp_integer(procs, &np);
    if (threads)
        imp_integer(threads, &nt);
    char host[128];
    hpcc_host(d, hpl_begin, host, sizeof host);
    size_t k;
    json_t *r;
    json_array_foreach(recs, k, r) {
        const char *test = json_string_value(json_object_get(r, "test"));
        if (!test) {
            json_object_set_new(r, "test", json_string("HPL"));
            json_object_set_new(json_object_get(r, "results"), "summary_hpl_tflops", json_real(tf));
        } else if (!strcmp(test, "StarSTREAM")) {
            imp_set_launch(r, (long)np, -1, (long)nt);
        }
        if (host[0])
            imp_set_stated(r, "hostname_of_rank0", json_string(host));
        json_object_set_new(json_object_get(r, "results"), "hpcc_success", json_integer(!strcmp(success, "1")));
        if (strcmp(success, "1"))
            imp_note(r, "hpcc's Summary says Success=%s", success);
    }
}

static int hpcc_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    json_t *recs = json_array();
    int rc = -1;
    char version[32];
    int b[4], e[4];
    if (hpcc_version(&d, version, sizeof version, err) != 0 || hpcc_sections(&d, b, e, err) != 0)
        goto done;
    int sb = b[3], se = e[3];
    const char *success = summary(&d, sb, se, "Success");
    if (!success) {
        imp_expected(err, &d, se < d.n ? se : d.n, "the Summary section's 'Success=0|1' line");
        goto done;
    }
    double tf;
    if (imp_hpl_section(&d, b[0] + 1, e[0], "hpcc", "hpcc", version, recs, err) != 0 ||
        hpcc_summary_hpl(&d, sb, se, recs, &tf, err) != 0 ||
        imp_hpcc_stream(&d, b[1] + 1, e[1], version, recs, err) != 0 ||
        hpcc_single(&d, b[2], e[2], version, recs, err) != 0)
        goto done;
    hpcc_shared_facts(&d, sb, se, b[0], success, tf, recs);
    size_t k;
    json_t *r;
    json_array_foreach(recs, k, r) json_array_append(out, r);
    rc = 0;
done:
    json_decref(recs);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_hpcc = {
    .name = "hpcc",
    .expects = "HPC Challenge 1.x hpccoutf.txt (HPL and STREAM sections)",
    .recognise = hpcc_recognise,
    .parse = hpcc_parse,
};
