/* HPC Challenge (hpcc 1.x) hpccoutf.txt: its HPL section (netlib HPL's output, read by the HPL
 * reader), its StarSTREAM and SingleSTREAM sections, checked against the Summary section's
 * key=value lines. Records: one per HPL run (test "HPL"), one StarSTREAM, one SingleSTREAM.
 * The other sections (PTRANS, RandomAccess, FFT, DGEMM, latency/bandwidth) are not imported. */
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

static int hpcc_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    json_t *recs = json_array();
    int rc = -1;
    char version[32] = "";
    for (int i = 0; i < d.n && i < 10; i++) {
        const char *v = strstr(d.line[i], "HPC Challenge Benchmark version ");
        if (v) {
            char buf[64];
            char *tok[2];
            if (imp_tokens(v + 32, buf, sizeof buf, tok, 2) >= 1)
                snprintf(version, sizeof version, "%s", tok[0]);
        }
    }
    if (!version[0]) {
        imp_expected(err, &d, 0, "hpcc's banner 'This is the DARPA/DOE HPC Challenge Benchmark version X'");
        goto done;
    }
    const char *names[] = {"HPL", "StarSTREAM", "SingleSTREAM", "Summary"};
    int b[4], e[4];
    for (int k = 0; k < 4; k++) {
        b[k] = section(&d, names[k], &e[k]);
        char what[96];
        if (b[k] < 0) {
            snprintf(what, sizeof what, "'Begin of %s section.'", names[k]);
            imp_expected(err, &d, d.n, what);
            goto done;
        }
        if (e[k] < 0) {
            snprintf(what, sizeof what, "'End of %s section.'", names[k]);
            imp_expected(err, &d, d.n, what);
            goto done;
        }
    }
    int sb = b[3], se = e[3];
    const char *success = summary(&d, sb, se, "Success");
    if (!success) {
        imp_expected(err, &d, se < d.n ? se : d.n, "the Summary section's 'Success=0|1' line");
        goto done;
    }
    if (imp_hpl_section(&d, b[0] + 1, e[0], "hpcc", "hpcc", version, recs, err) != 0)
        goto done;
    /* the Summary's HPL figures are the last run's: check they agree */
    const char *sn = summary(&d, sb, se, "HPL_N"), *stf = summary(&d, sb, se, "HPL_Tflops");
    json_t *last = json_array_get(recs, json_array_size(recs) - 1);
    long long n;
    double tf;
    if (!sn || imp_integer(sn, &n) != 0 || !stf || imp_number(stf, &tf) != 0) {
        imp_expected(err, &d, se < d.n ? se : d.n, "the Summary's 'HPL_N=' and 'HPL_Tflops=' lines");
        goto done;
    }
    if (json_integer_value(json_object_get(json_object_get(last, "parameters"), "n")) != n) {
        imp_fail(err, &d, sb + 1, "the Summary's HPL_N=%lld is not the HPL section's last N", n);
        goto done;
    }
    if (imp_hpcc_stream(&d, b[1] + 1, e[1], version, recs, err) != 0)
        goto done;
    /* SingleSTREAM: "Single STREAM Copy GB/s 180.81" lines and "Node(s) with error 0" */
    json_t *single = imp_record_new(&d, "hpcc", "hpcc", version, "cpu", b[2] + 1, e[2] + 1);
    json_array_append_new(recs, single);
    json_object_set_new(single, "test", json_string("SingleSTREAM"));
    const char *kern[] = {"Copy", "Scale", "Add", "Triad"};
    json_t *ks = json_object();
    for (int k = 0; k < 4; k++) {
        int found = 0;
        for (int i = b[2] + 1; i < e[2] && !found; i++) {
            char buf[160];
            char *tok[8];
            double v;
            if (imp_tokens(d.line[i], buf, sizeof buf, tok, 8) == 5 && !strcmp(tok[0], "Single") &&
                !strcmp(tok[1], "STREAM") && !strcmp(tok[2], kern[k]) && !strcmp(tok[3], "GB/s")) {
                if (imp_number(tok[4], &v) != 0) {
                    json_decref(ks);
                    imp_expected(err, &d, i, "'Single STREAM KERNEL GB/s VALUE'");
                    goto done;
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
            imp_expected(err, &d, e[2], what);
            goto done;
        }
    }
    json_object_set_new(json_object_get(single, "results"), "kernels", ks);
    imp_set_launch(single, 1, 1, -1);
    imp_note(single, "SingleSTREAM: one process runs STREAM while the others wait");
    int errors = -1;
    for (int i = b[2] + 1; i < e[2]; i++) {
        const char *v = imp_after(d.line[i], "Node(s) with error");
        long long x;
        if (v && imp_integer(v, &x) == 0)
            errors = (int)x;
    }
    if (errors < 0) {
        imp_expected(err, &d, e[2], "'Node(s) with error N'");
        goto done;
    }
    imp_set_verification(single, errors == 0, "hpcc: nodes whose STREAM validation failed", errors, 0, "<=");
    /* facts every record shares: processes, host name, hpcc's verdict */
    const char *procs = summary(&d, sb, se, "CommWorldProcs");
    const char *threads = summary(&d, sb, se, "STREAM_Threads");
    long long np = -1, nt = -1;
    if (procs)
        imp_integer(procs, &np);
    if (threads)
        imp_integer(threads, &nt);
    char host[128] = "";
    for (int i = 0; i < b[0]; i++) {
        const char *h = imp_after(d.line[i], "Hostname:");
        if (h) {
            snprintf(host, sizeof host, "%s", h);
            char *q = host;
            if (*q == '\'')
                memmove(q, q + 1, strlen(q));
            size_t hl = strlen(host);
            if (hl && host[hl - 1] == '\'')
                host[hl - 1] = '\0';
            break;
        }
    }
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
