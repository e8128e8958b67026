/* netlib HPL 2.x output (HPL.out or stdout) and the builds that keep its format: NVIDIA HPL, AMD
 * rocHPL, Intel's MP LINPACK, and exa-hpl's own text. One record per T/V line.
 *
 * The file: a banner naming the version, the HPL.dat settings echoed ("N : 2000 4000", wrapped
 * lists continue on indented lines), the residual threshold, then per run a "T/V N NB P Q Time
 * Gflops" header, a dashes line, the run's line, optional "HPL_pdgesv() start/end time" lines,
 * the residual line "||Ax-b||_oo/(...)= VALUE ...... PASSED|FAILED" (with norm lines after a
 * FAILED one), and at the end "Finished N tests" with the passed/failed/skipped counts, which
 * must agree with the runs read. Lines a vendor build adds (progress, per-GPU figures, phase
 * times) are kept as notes. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_util.h"

static int is_rule(const char *l, char c)
{
    const char *p = imp_skip_ws(l);
    size_t n = 0;
    while (p[n] == c)
        n++;
    return n >= 10 && imp_blank(p + n);
}

static int is_tv_header(const char *l) { return imp_starts(l, "T/V") && strstr(l, "Gflops"); }
static int is_residual(const char *l) { return imp_starts(imp_skip_ws(l), "||Ax-b||_oo/("); }

int imp_asctime_iso(const char *text, char *buf, size_t len)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(imp_skip_ws(text), "%a %b %d %H:%M:%S %Y", &tm);
    if (!end || !imp_blank(end))
        return -1;
    strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    return 0;
}

/* The banner: who produced the file. */
struct hpl_tool {
    char tool[32], version[48], variant[8], hplinpack[16];
};

static void copy_word(char *dst, size_t len, const char *src)
{
    size_t k = 0;
    src = imp_skip_ws(src);
    while (src[k] && !isspace((unsigned char)src[k]) && src[k] != ',' && k + 1 < len) {
        dst[k] = src[k];
        k++;
    }
    dst[k] = '\0';
}

static void find_tool(const struct imp_doc *d, int first, int last, struct hpl_tool *t)
{
    const char *p;
    for (int i = first; i < last; i++) {
        const char *l = d->line[i];
        if (!t->hplinpack[0] && (p = strstr(l, "HPLinpack ")) && isdigit((unsigned char)p[10]))
            copy_word(t->hplinpack, sizeof t->hplinpack, p + 10);
        if (t->tool[0])
            continue;
        if ((p = strstr(l, "exa-hpl (exabench) "))) {
            snprintf(t->tool, sizeof t->tool, "hpl"); /* what exa-hpl's own records call it */
            copy_word(t->version, sizeof t->version, p + 19);
            snprintf(t->variant, sizeof t->variant, "%s", strstr(l, "cuda") ? "cuda" : "cpu");
        } else if ((p = strstr(l, "HPL-NVIDIA "))) {
            snprintf(t->tool, sizeof t->tool, "nvidia-hpl");
            copy_word(t->version, sizeof t->version, p + 11);
            snprintf(t->variant, sizeof t->variant, "cuda");
        } else if ((p = strstr(l, "rocHPL"))) {
            snprintf(t->tool, sizeof t->tool, "rochpl");
            const char *v = p + 6;
            while (*v && !isdigit((unsigned char)*v) && *v != '\n')
                v++;
            copy_word(t->version, sizeof t->version, v);
            snprintf(t->variant, sizeof t->variant, "rocm");
        } else if ((p = strstr(l, "Intel(R) Distribution for LINPACK")) ||
                   (p = strstr(l, "Intel(R) Optimized MP LINPACK"))) {
            snprintf(t->tool, sizeof t->tool, "intel-hpl");
            const char *v = strstr(l, "Version");
            if (v)
                copy_word(t->version, sizeof t->version, v + 7);
            snprintf(t->variant, sizeof t->variant, "cpu");
        }
    }
    if (!t->tool[0]) {
        snprintf(t->tool, sizeof t->tool, "netlib-hpl");
        snprintf(t->version, sizeof t->version, "%s", t->hplinpack);
        snprintf(t->variant, sizeof t->variant, "cpu");
    }
}

/* The echoed HPL.dat: "KEY   : values" lines up to the dashes; indented lines continue a list. */
static json_t *read_settings(const struct imp_doc *d, int first, int last, double *threshold, double *eps)
{
    json_t *set = json_object();
    int in = 0;
    char key[32] = "";
    for (int i = first; i < last; i++) {
        const char *l = d->line[i];
        const char *v;
        if (strstr(l, "The following parameter values will be used")) {
            in = 1;
            continue;
        }
        if ((v = strstr(l, "scaled residuals are less than")) != NULL) {
            double x;
            char buf[64];
            char *tok[4];
            int n = imp_tokens(v + 30, buf, sizeof buf, tok, 4);
            if (n >= 1 && imp_number(tok[0], &x) == 0)
                *threshold = x;
        }
        if ((v = strstr(l, "(eps) is taken to be")) != NULL) {
            double x;
            char buf[64];
            char *tok[4];
            if (imp_tokens(v + 20, buf, sizeof buf, tok, 4) >= 1 && imp_number(tok[0], &x) == 0)
                *eps = x;
        }
        if (!in)
            continue;
        if (is_rule(l, '-') || is_rule(l, '=')) {
            in = 0;
            continue;
        }
        const char *colon = strchr(l, ':');
        if (colon && !isspace((unsigned char)l[0])) {
            size_t k = (size_t)(colon - l);
            while (k > 0 && isspace((unsigned char)l[k - 1]))
                k--;
            snprintf(key, sizeof key, "%.*s", (int)k, l);
            const char *val = imp_skip_ws(colon + 1);
            size_t vl = strlen(val);
            while (vl > 0 && isspace((unsigned char)val[vl - 1]))
                vl--;
            json_object_set_new(set, key, json_stringn(val, vl));
        } else if (key[0] && !imp_blank(l)) {
            const json_t *prev = json_object_get(set, key);
            char joined[1024];
            const char *val = imp_skip_ws(l);
            size_t vl = strlen(val);
            while (vl > 0 && isspace((unsigned char)val[vl - 1]))
                vl--;
            snprintf(joined, sizeof joined, "%s %.*s", json_string_value(prev), (int)vl, val);
            json_object_set_new(set, key, json_string(joined));
        }
    }
    return set;
}

/* WR11C2R4: wall/cpu time, row/column PMAP, depth, bcast, rfact, ndiv, pfact, nbmin. */
static json_t *decode_tv(const char *tv)
{
    static const char *const bcast[] = {"1rg", "1rM", "2rg", "2rM", "Lng", "LnM"};
    if (strlen(tv) != 8 || !strchr("WC", tv[0]) || !strchr("RC", tv[1]) || !isdigit((unsigned char)tv[2]) ||
        !strchr("LCR", tv[4]) || !isdigit((unsigned char)tv[5]) || !strchr("LCR", tv[6]) ||
        !isdigit((unsigned char)tv[7]))
        return NULL;
    const char *fact[] = {"Left", "Crout", "Right"};
    int rf = tv[4] == 'L' ? 0 : tv[4] == 'C' ? 1 : 2, pf = tv[6] == 'L' ? 0 : tv[6] == 'C' ? 1 : 2;
    const char *bc = tv[3] >= '0' && tv[3] <= '5' ? bcast[tv[3] - '0'] : tv[3] == 'I' ? "MPI_Ibcast" : NULL;
    if (!bc)
        return NULL;
    return json_pack("{s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:i}", "time", tv[0] == 'W' ? "wall" : "cpu", "pmap",
                     tv[1] == 'R' ? "row" : "col", "depth", tv[2] - '0', "bcast", bc, "rfact", fact[rf], "ndiv",
                     tv[5] - '0', "pfact", fact[pf], "nbmin", tv[7] - '0');
}

/* "||A||_oo . . . . = 159.96" -> key "norm_a_oo". */
static int norm_line(const char *l, char *key, size_t klen, double *v)
{
    static const struct {
        const char *prefix, *key;
    } norms[] = {{"||Ax-b||_oo", "norm_r_oo"}, {"||A||_oo", "norm_a_oo"}, {"||A||_1", "norm_a_1"},
                 {"||x||_oo", "norm_x_oo"},    {"||x||_1", "norm_x_1"},   {"||b||_oo", "norm_b_oo"}};
    const char *p = imp_skip_ws(l);
    for (size_t i = 0; i < sizeof norms / sizeof norms[0]; i++) {
        size_t k = strlen(norms[i].prefix);
        if (strncmp(p, norms[i].prefix, k) || (p[k] != ' ' && p[k] != '.'))
            continue;
        const char *eq = strchr(p, '=');
        char buf[128];
        char *tok[4];
        if (!eq || imp_tokens(eq + 1, buf, sizeof buf, tok, 4) != 1 || imp_number(tok[0], v) != 0)
            return -1;
        snprintf(key, klen, "%s", norms[i].key);
        return 1;
    }
    return 0;
}

static int parse_run_line(const struct imp_doc *d, int i, json_t *rec, char err[IMPORT_ERR_LEN], double *time_s,
                          double *gflops, long long dims[4])
{
    char buf[512];
    char *tok[16];
    int n = imp_tokens(d->line[i], buf, sizeof buf, tok, 16);
    double t, g;
    const char *what = "a run line 'T/V N NB P Q Time Gflops' (a code, 4 integers, 2 numbers)";
    if (n < 7)
        return imp_expected(err, d, i, what);
    for (int k = 0; k < 4; k++)
        if (imp_integer(tok[1 + k], &dims[k]) != 0 || dims[k] <= 0)
            return imp_expected(err, d, i, what);
    if (imp_number(tok[5], &t) != 0 || imp_number(tok[6], &g) != 0 || t < 0 || g < 0)
        return imp_expected(err, d, i, what);
    *time_s = t;
    *gflops = g;
    json_t *params = json_object_get(rec, "parameters");
    json_t *results = json_object_get(rec, "results");
    json_object_set_new(params, "n", json_integer(dims[0]));
    json_object_set_new(params, "nb", json_integer(dims[1]));
    json_object_set_new(params, "p", json_integer(dims[2]));
    json_object_set_new(params, "q", json_integer(dims[3]));
    json_object_set_new(params, "tv", json_string(tok[0]));
    json_t *tv = decode_tv(tok[0]);
    if (tv)
        json_object_set_new(params, "variant", tv);
    if (n > 7) { /* vendor builds: "( 1.140e+04)" = per-GPU Gflops, or other extra columns */
        char extra[256] = "";
        size_t k = 0;
        for (int j = 7; j < n && k < sizeof extra; j++)  /* snprintf counts what did not fit: stop there */
            k += (size_t)snprintf(extra + k, sizeof extra - k, "%s%s", j > 7 ? " " : "", tok[j]);
        json_object_set_new(results, "extra_columns", json_string(extra));
        char inner[64];
        double per;
        const char *open = strchr(extra, '('), *close = strchr(extra, ')');
        const char *start = open ? imp_skip_ws(open + 1) : NULL;
        if (start && close && close > start && (size_t)(close - start) < sizeof inner) {
            snprintf(inner, sizeof inner, "%.*s", (int)(close - start), start);
            size_t il = strlen(inner);
            while (il > 0 && isspace((unsigned char)inner[il - 1]))
                inner[--il] = '\0';
            if (imp_number(inner, &per) == 0)
                json_object_set_new(results, "gflops_per_device", json_real(per));
        }
    }
    return 0;
}

int imp_hpl_section(const struct imp_doc *d, int first, int last, const char *importer, const char *tool,
                    const char *version, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct hpl_tool t;
    memset(&t, 0, sizeof t);
    find_tool(d, first, last, &t);
    if (tool) {
        snprintf(t.tool, sizeof t.tool, "%s", tool);
        snprintf(t.version, sizeof t.version, "%s", version ? version : "");
    }
    double threshold = NAN, eps = NAN;
    json_t *settings = read_settings(d, first, last, &threshold, &eps);
    json_t *records = json_array();
    int passed = 0, failed = 0, finished_line = -1;
    long long finished[5] = {-1, -1, -1, -1, -1}; /* total, passed, failed, skipped, unchecked */
    int unchecked = 0;
    int i = first, pending = first;
    for (int k = first; k < last; k++)
        if (strstr(d->line[k], "scaled residuals are less than")) {
            pending = k + 1;
            break;
        }
    while (i < last) {
        const char *l = d->line[i];
        if (imp_starts(imp_skip_ws(l), "Finished ") && strstr(l, "tests")) {
            finished_line = i;
            int bad = i;
            char buf[256];
            char *tok[8];
            if (imp_tokens(l, buf, sizeof buf, tok, 8) < 2 || imp_integer(tok[1], &finished[0]) != 0)
                goto bad_summary;
            /* "N tests completed and passed residual checks," / "...failed..." / "N tests
             * skipped because of illegal input values." or, with the check off, "N tests
             * completed without checking," and the skipped line: the last line ends the summary */
            int k = 1;
            for (;; k++) {
                bad = i + k < last ? i + k : d->n;
                if (i + k >= last)
                    goto bad_summary;
                const char *c = d->line[i + k];
                long long v;
                if (imp_tokens(c, buf, sizeof buf, tok, 8) < 2 || imp_integer(tok[0], &v) != 0 || v < 0)
                    goto bad_summary;
                if (strstr(c, "passed residual checks"))
                    finished[1] = v;
                else if (strstr(c, "failed residual checks"))
                    finished[2] = v;
                else if (strstr(c, "without checking"))
                    finished[4] = v;
                else if (strstr(c, "skipped because of illegal input")) {
                    finished[3] = v;
                    break;
                } else
                    goto bad_summary;
            }
            if (finished[1] < 0)
                finished[1] = 0;
            if (finished[2] < 0)
                finished[2] = 0;
            if (finished[4] < 0)
                finished[4] = 0;
            i += k + 1;
            continue;
        bad_summary:
            json_decref(settings);
            json_decref(records);
            return imp_expected(err, d, bad,
                                "HPL's summary: 'Finished N tests' then the passed, failed (or unchecked) and skipped counts");
        }
        if (!is_tv_header(l)) {
            i++;
            continue;
        }
        int header = i;
        if (i + 1 >= last || !is_rule(d->line[i + 1], '-')) {
            json_decref(settings);
            json_decref(records);
            return imp_expected(err, d, i + 1 < last ? i + 1 : d->n, "the dashes line under the T/V header");
        }
        json_t *rec = imp_record_new(d, importer, t.tool, t.version[0] ? t.version : NULL, t.variant, header + 1,
                                     header + 1);
        double time_s, gflops;
        long long dims[4];
        if (i + 2 >= last || parse_run_line(d, i + 2, rec, err, &time_s, &gflops, dims) != 0) {
            if (i + 2 >= last)
                imp_expected(err, d, d->n, "a run line 'T/V N NB P Q Time Gflops'");
            json_decref(rec);
            json_decref(settings);
            json_decref(records);
            return -1;
        }
        /* lines a vendor build prints before the run (progress, ignored settings): notes */
        for (int k = pending; k < header; k++)
            if (!imp_blank(d->line[k]) && !is_rule(d->line[k], '-') && !is_rule(d->line[k], '='))
                imp_note(rec, "line %d: %s", k + 1, d->line[k]);
        json_t *params = json_object_get(rec, "parameters");
        json_t *results = json_object_get(rec, "results");
        json_object_set_new(params, "threshold", imp_num_json(threshold));
        json_object_set_new(params, "hpl_dat", json_deep_copy(settings));
        if (t.hplinpack[0])
            json_object_set_new(params, "hplinpack_version", json_string(t.hplinpack));
        const json_t *pmap = json_object_get(settings, "PMAP");
        if (pmap)
            json_object_set_new(params, "pmap",
                                json_string(strstr(json_string_value(pmap), "Column") ? "col" : "row"));
        double nn = (double)dims[0];
        json_object_set_new(results, "time_s", json_real(time_s));
        json_object_set_new(results, "gflops", json_real(gflops));
        json_object_set_new(results, "flops", json_real(2.0 / 3.0 * nn * nn * nn + 1.5 * nn * nn));
        json_object_set_new(results, "eps", imp_num_json(eps));
        imp_add_metric(rec, "gflops", gflops, "Gflop/s", 0, &gflops, 1);
        imp_add_metric(rec, "time", time_s, "s", 1, &time_s, 1);
        imp_set_launch(rec, (long)(dims[2] * dims[3]), -1, -1);
        imp_note(rec, "launch.ranks is the P x Q grid; the MPI job may have had idle ranks besides");
        /* the lines after the run's line, up to its residual line */
        int j = i + 3, res = -1;
        char started[32] = "", finished_at[32] = "";
        for (; j < last; j++) {
            const char *m = d->line[j];
            if (is_residual(m)) {
                res = j;
                break;
            }
            if (is_tv_header(m) || (imp_starts(imp_skip_ws(m), "Finished ") && strstr(m, "tests")))
                break;
            if (imp_blank(m) || is_rule(m, '-') || is_rule(m, '='))
                continue;
            const char *v;
            if ((v = imp_after(m, "HPL_pdgesv() start time")) != NULL) {
                json_object_set_new(results, "pdgesv_start", json_string(v));
                if (imp_asctime_iso(v, started, sizeof started) != 0)
                    started[0] = '\0';
            } else if ((v = imp_after(m, "HPL_pdgesv() end time")) != NULL) {
                json_object_set_new(results, "pdgesv_end", json_string(v));
                if (imp_asctime_iso(v, finished_at, sizeof finished_at) != 0)
                    finished_at[0] = '\0';
            } else {
                imp_note(rec, "line %d: %s", j + 1, m);
            }
        }
        if (started[0] || finished_at[0]) {
            imp_set_times(rec, started[0] ? started : NULL, finished_at[0] ? finished_at : NULL);
            imp_note(rec, "started/finished are HPL_pdgesv()'s local times; the output names no time zone");
        }
        if (res < 0) {
            if (isfinite(threshold) && threshold > 0) {
                char what[160];
                snprintf(what, sizeof what, "the residual line '||Ax-b||_oo/(...)= VALUE ...... PASSED|FAILED' of the "
                                            "run at line %d",
                         i + 3);
                json_decref(rec);
                json_decref(settings);
                json_decref(records);
                return imp_expected(err, d, j < last ? j : d->n, what);
            }
            json_object_set_new(results, "residual", json_pack("{s:n, s:s}", "scaled", "status", "SKIPPED"));
            imp_set_verification(rec, 0, "hpl_scaled_residual", NAN, threshold, "<");
            imp_add_violation(rec, "the residual check was not run (threshold <= 0)");
            unchecked++;
            json_array_append_new(records, rec);
            i = pending = j;
            continue;
        }
        /* "||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)=   3.2e-03 ...... PASSED" */
        const char *eq = strstr(d->line[res], ")=");
        char buf[256];
        char *tok[8];
        int n = eq ? imp_tokens(eq + 2, buf, sizeof buf, tok, 8) : 0;
        double scaled;
        if (n != 3 || imp_number(tok[0], &scaled) != 0 || strspn(tok[1], ".") != strlen(tok[1]) ||
            (strcmp(tok[2], "PASSED") && strcmp(tok[2], "FAILED"))) {
            json_decref(rec);
            json_decref(settings);
            json_decref(records);
            return imp_expected(err, d, res, "'||Ax-b||_oo/(...)= VALUE ...... PASSED' or '... FAILED'");
        }
        int ok = !strcmp(tok[2], "PASSED");
        json_t *residual = json_pack("{s:f, s:s}", "scaled", scaled, "status", tok[2]);
        j = res + 1;
        for (; j < last; j++) {
            char key[32];
            double v;
            int r = norm_line(d->line[j], key, sizeof key, &v);
            if (r == 0)
                break;
            if (r < 0) {
                json_decref(residual);
                json_decref(rec);
                json_decref(settings);
                json_decref(records);
                return imp_expected(err, d, j, "a norm line '||A||_oo . . . = VALUE'");
            }
            json_object_set_new(residual, key, json_real(v));
        }
        json_object_set_new(results, "residual", residual);
        json_object_set_new(json_object_get(rec, "import"), "lines", json_pack("[i,i]", header + 1, j));
        /* what HPL itself decided is the verdict; a value that contradicts it is an error */
        if (isfinite(threshold) && ((scaled < threshold) != ok)) {
            json_decref(rec);
            json_decref(settings);
            json_decref(records);
            return imp_fail(err, d, res + 1, "the residual %g and the threshold %g contradict the verdict %s",
                            scaled, threshold, tok[2]);
        }
        imp_set_verification(rec, ok, "hpl_scaled_residual", scaled, threshold, "<");
        if (!ok)
            imp_add_violation(rec, "the scaled residual failed HPL's check");
        if (isfinite(threshold) && threshold <= 0)
            imp_add_violation(rec, "a threshold <= 0 (HPL's residual check off)");
        passed += ok;
        failed += !ok;
        json_array_append_new(records, rec);
        i = pending = j;
    }
    json_decref(settings);
    if (json_array_size(records) == 0) {
        json_decref(records);
        return imp_fail(err, d, 0, "no 'T/V N NB P Q Time Gflops' run line: expected HPL's output");
    }
    if (finished_line < 0) {
        json_decref(records);
        return imp_expected(err, d, last < d->n ? last : d->n,
                            "HPL's summary 'Finished N tests with the following results:'");
    }
    long long runs = (long long)json_array_size(records);
    if (finished[0] - finished[3] != runs || finished[1] != passed || finished[2] != failed ||
        finished[4] != unchecked) {
        json_decref(records);
        return imp_fail(err, d, finished_line + 1,
                        "the summary says %lld tests (%lld passed, %lld failed, %lld unchecked, %lld skipped) but %lld "
                        "runs were read (%d passed, %d failed, %d unchecked): the file is incomplete or edited",
                        finished[0], finished[1], finished[2], finished[4], finished[3], runs, passed, failed,
                        unchecked);
    }
    size_t k;
    json_t *r;
    json_array_foreach(records, k, r) json_array_append(out, r);
    json_decref(records);
    return 0;
}

static int hpl_recognise(const char *text, size_t len)
{
    (void)len;
    if (strstr(text, "exa-hpl (exabench)"))
        return 95;
    if (strstr(text, "HPLinpack") && strstr(text, "T/V"))
        return 90;
    if (strstr(text, "HPL-NVIDIA") || strstr(text, "rocHPL") || strstr(text, "Intel(R) Distribution for LINPACK") ||
        strstr(text, "Intel(R) Optimized MP LINPACK"))
        return 90;
    if (strstr(text, "T/V ") && strstr(text, "Gflops") && strstr(text, "||Ax-b||"))
        return 60;
    return 0;
}

static int hpl_parse(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN])
{
    struct imp_doc d;
    if (imp_doc_split(in, &d, err) != 0)
        return -1;
    int rc = imp_hpl_section(&d, 0, d.n, "hpl", NULL, NULL, out, err);
    imp_doc_free(&d);
    return rc;
}

const struct importer import_hpl = {
    .name = "hpl",
    .expects = "HPL 2.x output (netlib HPL.out, NVIDIA HPL, rocHPL, Intel MP LINPACK, exa-hpl text)",
    .recognise = hpl_recognise,
    .parse = hpl_parse,
};
