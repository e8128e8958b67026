/* BabelStream 3.x-5.x text output: "BabelStream", "Version: X", "Implementation: MODEL", the
 * run's facts (kernel runs, precision, array and total sizes, the device for GPU models), any
 * "Validation failed on ..." lines, and the table "Function MBytes/sec Min (sec) Max Average"
 * (MiBytes/sec with --mibibytes) with Copy, Mul, Add, Triad, Dot and, from 4.0, Nstream. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_util.h"

static int babel_recognise(const char *text, size_t len)
{
    (void)len;
    if ((imp_starts(text, "BabelStream") || strstr(text, "\nBabelStream\n")) && strstr(text, "Implementation:"))
        return 90;
    return 0;
}

/* What the lines between the banner and the table state. */
struct babel_facts {
    char version[32], impl[64], device[160], precision[16];
    long long ntimes;
    json_t *failures; /* the "Validation failed ..." lines */
    double unit;      /* bytes per printed MByte */
    int header;       /* index of the table header "Function MBytes/sec ..." */
};

/* Reads the facts after the banner up to the table header. On error failures is already freed. */
static int babel_facts_read(const struct imp_doc *d, int banner, struct babel_facts *f, char err[IMPORT_ERR_LEN])
{
    static const char table_header[] = "the table header 'Function    MBytes/sec  Min (sec)   Max         Average'";
    memset(f, 0, sizeof *f);
    f->ntimes = -1;
    f->failures = json_array();
    f->unit = 1e6;
    f->header = -1;
    for (int i = banner + 1; i < d->n && f->header < 0; i++) {
        const char *l = d->line[i], *v;
        char buf[128];
        char *tok[4];
        if ((v = imp_after(l, "Version")) != NULL)
            snprintf(f->version, sizeof f->version, "%s", v);
        else if ((v = imp_after(l, "Implementation")) != NULL)
            snprintf(f->impl, sizeof f->impl, "%s", v);
        else if ((v = imp_after(l, "Precision")) != NULL)
            snprintf(f->precision, sizeof f->precision, "%s", v);
        else if ((v = imp_after(l, "Running kernels")) != NULL) {
            if (imp_tokens(v, buf, sizeof buf, tok, 4) < 1 || imp_integer(tok[0], &f->ntimes) != 0) {
                json_decref(f->failures);
                return imp_expected(err, d, i, "'Running kernels N times'");
            }
        } else if ((v = imp_after(l, "Using")) != NULL && strstr(l, "device"))
            snprintf(f->device, sizeof f->device, "%s", v);
        else if (imp_starts(l, "Validation failed"))
            json_array_append_new(f->failures, json_string(l));
        else if (imp_starts(l, "Function")) {
            f->header = i;
            int n = imp_tokens(l, buf, sizeof buf, tok, 4);
            if (n < 2 || (strcmp(tok[1], "MBytes/sec") && strcmp(tok[1], "MiBytes/sec"))) {
                json_decref(f->failures);
                return imp_expected(err, d, i, table_header);
            }
            if (!strcmp(tok[1], "MiBytes/sec"))
                f->unit = 1048576.0;
        }
    }
    if (f->header < 0) {
        json_decref(f->failures);
        return imp_expected(err, d, d->n, table_header);
    }
    return 0;
}

/* The table's rows "KERNEL RATE MIN MAX AVERAGE" into ks and metrics of rec, up to a blank line;
 * *end is the line after the last row. */
static int babel_table(const struct imp_doc *d, int header, double unit, json_t *rec, json_t *ks, int *end,
                       char err[IMPORT_ERR_LEN])
{
    int r = header + 1;
    for (; r < d->n; r++) {
        const char *l = d->line[r];
        if (imp_blank(l))
            break;
        char buf[256];
        char *tok[8];
        int n = imp_tokens(l, buf, sizeof buf, tok, 8);
        double v[4];
        if (n != 5 || !isalpha((unsigned char)tok[0][0]) || imp_number(tok[1], &v[0]) || imp_number(tok[2], &v[1]) ||
            imp_number(tok[3], &v[2]) || imp_number(tok[4], &v[3]))
            return imp_expected(err, d, r, "a row 'KERNEL RATE MIN MAX AVERAGE'");
        char lower[32], metric[48];
        imp_snake(tok[0], lower, sizeof lower);
        double gbs = v[0] * unit / 1e9;
        if (unit == 1e6)
            imp_number_e(tok[1], -3, &gbs);
        json_object_set_new(ks, lower,
                            json_pack("{s:f, s:f, s:f, s:f, s:f}", "rate_as_printed", v[0], "best_rate_gbs", gbs,
                                      "min_time_s", v[1], "max_time_s", v[2], "avg_time_s", v[3]));
        snprintf(metric, sizeof metric, "%s_bandwidth", lower);
        imp_add_metric(rec, metric, gbs, "GB/s", 0, NULL, 0);
    }
    *end = r;
    static const char *const required[] = {"Copy", "Mul", "Add", "Triad", "Dot"};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
        char lower[16];
        imp_snake(required[k], lower, sizeof lower);
        if (!json_object_get(ks, lower)) {
            char what[64];
            snprintf(what, sizeof what, "the '%s' row", required[k]);
            return imp_expected(err, d, r, what);
        }
    }
    return 0;
}

/* The run's facts as the record's parameters, stated device and validation failures. */
static void babel_params(const struct imp_doc *d, int banner, const struct babel_facts *f, json_t *rec)
{
    json_t *params = json_object_get(rec, "parameters");
    json_object_set_new(params, "model", json_string(f->impl));
    if (f->ntimes >= 0)
        json_object_set_new(params, "ntimes", json_integer(f->ntimes));
    if (f->precision[0])
        json_object_set_new(params, "precision", json_string(f->precision));
    for (int i = banner + 1; i < f->header; i++) {
        const char *v;
        if ((v = imp_after(d->line[i], "Array size")) != NULL)
            json_object_set_new(params, "array_size_text", json_string(v));
        else if ((v = imp_after(d->line[i], "Total size")) != NULL)
            json_object_set_new(params, "total_size_text", json_string(v));
    }
    if (f->device[0])
        imp_set_stated(rec, "device", json_string(f->device));
    json_object_set_new(json_object_get(rec, "results"), "validation_failures", f->failures);
}

static int babel_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    json_t *rec = NULL;
    int rc = -1, banner = -1;
    for (int i = 0; i < d.n && banner < 0; i++)
        if (!strcmp(d.line[i], "BabelStream"))
            banner = i;
    if (banner < 0) {
        imp_expected(err, &d, 0, "BabelStream's banner line 'BabelStream'");
        goto done;
    }
    struct babel_facts f;
    if (babel_facts_read(&d, banner, &f, err) != 0)
        goto done;
    const char *variant = strstr(f.impl, "CUDA") || strstr(f.device, "CUDA") ? "cuda"
                          : strstr(f.impl, "HIP") || strstr(f.device, "HIP") ? "hip"
                                                                              : "cpu";
    rec = imp_record_new(&d, "babelstream", "babelstream", f.version[0] ? f.version : NULL, variant, banner + 1, d.n);
    babel_params(&d, banner, &f, rec);
    json_t *ks = json_object();
    json_object_set_new(json_object_get(rec, "results"), "kernels", ks);
    int r = f.header + 1;
    if (babel_table(&d, f.header, f.unit, rec, ks, &r, err) != 0)
        goto done;
    size_t nf = json_array_size(f.failures);
    imp_set_verification(rec, nf == 0, "babelstream's own check of a, b, c and the dot sum: value = failures",
                         (double)nf, 0, "<=");
    json_object_set_new(json_object_get(rec, "import"), "lines", json_pack("[i,i]", banner + 1, r));
    imp_set_launch(rec, 1, 1, -1);
    json_array_append(out, rec);
    rc = 0;
done:
    json_decref(rec);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_babelstream = {
    .name = "babelstream",
    .expects = "BabelStream 3.x-5.x text ('BabelStream', 'Implementation:', 'Function MBytes/sec ...' table)",
    .recognise = babel_recognise,
    .parse = babel_parse,
};
