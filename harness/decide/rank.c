/* exabench rank FILE...: ranks sealed submissions by Rmax (or STREAM Triad, latency, bandwidth) as
 * a text table, CSV or HTML. Every submission is re-checked first and refused, with the reason,
 * when it is malformed, altered after sealing, rests on a failed residual check or a
 * non-compliant record, or claims an Rmax above its Rpeak or not supported by its records. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_record.h"
#include "kind.h"
#include "report.h"

static void usage(void)
{
    printf("Usage: exabench rank [OPTIONS] FILE...\n\n"
           "Ranks the submissions written by 'exabench submit'. Each one is checked before it is\n"
           "ranked and refused, with the reason, when it is\n"
           "  malformed          not JSON, not schema exabench.submission version 1, fields missing\n"
           "  altered            a record's text no longer matches its SHA-256, or the seal does not\n"
           "                     match the records, run id, system and summary\n"
           "  failed residual    an HPL record failed its residual check\n"
           "  non-compliant      a record broke the benchmark's run rules\n"
           "  impossible         Rmax above Rpeak, or an Rmax its HPL records do not show\n\n"
           "Ties share a rank (1, 1, 3) and are listed by system name.\n\n"
           "Options:\n"
           "      --by KEY       rmax (default), triad (STREAM Triad per node), latency (small-message,\n"
           "                     lowest first) or bandwidth (large-message)\n"
           "      --csv          CSV instead of the text table\n"
           "      --html         a self-contained HTML page instead of the text table\n"
           "  -o, --output FILE  write the table to FILE instead of stdout\n"
           "  -h, --help         this text\n\n"
           "Exit status: 0 every submission ranked, 1 at least one refused, 2 bad usage.\n");
}

struct entry {
    const char *file;
    json_t *sub;
    const char *name, *site;
    double key;
    int rank;
    char reason[512];
};

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *jstr(const json_t *o, const char *k, const char *d)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : d;
}

/* Returns 0 when the submission can be ranked, else -1 with the reason. */
static int check(struct entry *e)
{
    char err[1024];
    e->sub = rp_load_json(e->file, err, sizeof err);
    if (!e->sub) {
        snprintf(e->reason, sizeof e->reason, "malformed: %s", err);
        return -1;
    }
    const json_t *s = e->sub;
    if (!json_is_object(s) || strcmp(jstr(s, "schema", ""), RP_SUBMISSION_SCHEMA)) {
        snprintf(e->reason, sizeof e->reason, "malformed: not an %s file", RP_SUBMISSION_SCHEMA);
        return -1;
    }
    const json_t *ver = json_object_get(s, "schema_version");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
        snprintf(e->reason, sizeof e->reason, "malformed: schema_version is not 1");
        return -1;
    }
    const json_t *system = json_object_get(s, "system"), *summary = json_object_get(s, "summary");
    const json_t *records = json_object_get(s, "records"), *seal = json_object_get(s, "seal");
    if (!json_is_object(system) || !json_is_string(json_object_get(system, "name")) || !json_is_object(summary) ||
        !json_is_number(json_object_get(summary, "rmax_gflops")) || !json_is_number(json_object_get(summary, "rpeak_gflops")) ||
        !json_is_array(records) || json_array_size(records) == 0 || !json_is_string(json_object_get(seal, "digest"))) {
        snprintf(e->reason, sizeof e->reason, "malformed: system.name, summary.rmax_gflops, summary.rpeak_gflops, "
                                              "records or seal.digest missing");
        return -1;
    }
    e->name = jstr(system, "name", "?");
    e->site = jstr(system, "site", "");
    /* Each record's own digest, then the seal. */
    size_t i;
    const json_t *r;
    json_array_foreach(records, i, r) {
        const json_t *raw = json_object_get(r, "raw");
        const char *file = jstr(r, "file", "?");
        char h[65];
        if (!json_is_string(raw)) {
            snprintf(e->reason, sizeof e->reason, "malformed: records[%zu] has no raw text", i);
            return -1;
        }
        rd_sha256_hex(json_string_value(raw), json_string_length(raw), h);
        if (strcmp(h, jstr(r, "sha256", ""))) {
            snprintf(e->reason, sizeof e->reason, "altered after sealing: record %s no longer matches its SHA-256", file);
            return -1;
        }
    }
    char digest[65];
    if (rp_submission_seal(s, digest, err, sizeof err) != 0) {
        snprintf(e->reason, sizeof e->reason, "malformed: %s", err);
        return -1;
    }
    if (strcmp(digest, jstr(seal, "digest", ""))) {
        snprintf(e->reason, sizeof e->reason,
                 "altered after sealing: the seal does not match the records, run id, system and summary");
        return -1;
    }
    /* The records themselves. */
    double best = NAN;
    json_array_foreach(records, i, r) {
        const char *file = jstr(r, "file", "?");
        json_error_t je;
        json_t *rec = json_loads(jstr(r, "raw", ""), 0, &je);
        char verr[EXA_ERR_LEN];
        if (!rec || exa_record_validate(rec, verr) != 0) {
            snprintf(e->reason, sizeof e->reason, "malformed: record %s: %s", file, rec ? verr : je.text);
            json_decref(rec);
            return -1;
        }
        const json_t *vf = json_object_get(rec, "verification");
        if (kind_has_role(jstr(rec, "benchmark", ""), KIND_ROLE_RMAX) &&
            (json_is_false(json_object_get(vf, "passed")) || json_is_false(json_object_get(rec, "valid")))) {
            snprintf(e->reason, sizeof e->reason, "failed its residual check: record %s (%s %g, threshold %g)", file,
                     jstr(vf, "method", "residual"), num(vf, "value"), num(vf, "threshold"));
            json_decref(rec);
            return -1;
        }
        if (json_is_false(json_object_get(json_object_get(rec, "compliance"), "compliant"))) {
            snprintf(e->reason, sizeof e->reason, "non-compliant: record %s breaks the run rules", file);
            json_decref(rec);
            return -1;
        }
        double g = num(json_object_get(json_object_get(rec, "metrics"), "gflops"), "value");
        if (kind_has_role(jstr(rec, "benchmark", ""), KIND_ROLE_RMAX) && !isnan(g) && (isnan(best) || g > best))
            best = g;
        json_decref(rec);
    }
    double rmax = num(summary, "rmax_gflops"), rpeak = num(summary, "rpeak_gflops");
    if (isnan(best) || fabs(best - rmax) > 1e-9 * fabs(rmax)) {
        snprintf(e->reason, sizeof e->reason, "Rmax %g Gflop/s is not what its HPL records show (%g)", rmax, best);
        return -1;
    }
    if (rmax > rpeak) {
        snprintf(e->reason, sizeof e->reason, "Rmax %g Gflop/s exceeds Rpeak %g Gflop/s", rmax, rpeak);
        return -1;
    }
    return 0;
}

static int lower_first;

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    int xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->key != y->key)
        return (lower_first ? x->key > y->key : x->key < y->key) ? 1 : -1;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->file, y->file);
}

static void cell(struct sbuf *b, int fmt, const char *s, int last)
{
    if (fmt == 1) {
        sb_csv(b, s);
        sb_add(b, last ? "\n" : ",");
    } else if (fmt == 2) {
        sb_add(b, "<td>");
        sb_html(b, s);
        sb_add(b, last ? "</td></tr>\n" : "</td>");
    }
}

int cmd_rank(int argc, char **argv)
{
    static const struct option opts[] = {{"by", required_argument, 0, 'b'},   {"csv", no_argument, 0, 'c'},
                                         {"html", no_argument, 0, 'H'},        {"output", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *by = "rmax", *out_path = NULL;
    int fmt = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': by = optarg; break;
        case 'c': fmt = 1; break;
        case 'H': fmt = 2; break;
        case 'o': out_path = optarg; break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("rank: unknown option (see 'exabench rank --help')");
        }
    }
    const char *field, *label, *unit;
    if (!strcmp(by, "rmax"))
        field = "rmax_gflops", label = "Rmax", unit = "Gflop/s";
    else if (!strcmp(by, "triad"))
        field = "stream_triad_per_node_gbs", label = "STREAM Triad per node", unit = "GB/s";
    else if (!strcmp(by, "latency"))
        field = "latency_us", label = "Latency", unit = "us";
    else if (!strcmp(by, "bandwidth"))
        field = "bandwidth_gbs", label = "Bandwidth", unit = "GB/s";
    else
        exa_usage_error("--by '%s': expected rmax, triad, latency or bandwidth", by);
    lower_first = !strcmp(by, "latency");
    if (optind >= argc)
        exa_usage_error("rank: expected one or more submission files");
    size_t n = (size_t)(argc - optind), nok = 0, nref = 0;
    struct entry *es = calloc(n, sizeof *es);
    struct entry **ok = calloc(n, sizeof *ok), **refused = calloc(n, sizeof *refused);
    for (size_t i = 0; i < n; i++) {
        es[i].file = argv[optind + (int)i];
        if (check(&es[i]) == 0) {
            es[i].key = num(json_object_get(es[i].sub, "summary"), field);
            ok[nok++] = &es[i];
        } else {
            refused[nref++] = &es[i];
        }
    }
    qsort(ok, nok, sizeof *ok, cmp_entry);
    for (size_t i = 0; i < nok; i++) {
        if (isnan(ok[i]->key))
            ok[i]->rank = 0;
        else if (i > 0 && !isnan(ok[i - 1]->key) && ok[i - 1]->key == ok[i]->key)
            ok[i]->rank = ok[i - 1]->rank;
        else
            ok[i]->rank = (int)i + 1;
    }

    struct sbuf b;
    sb_init(&b);
    const char *heads[] = {"rank", "system", "site", label, "Rmax (Gflop/s)", "Rpeak (Gflop/s)", "efficiency",
                           "Nmax", "N1/2", "cores", "interconnect", "MPI", "date", "file"};
    size_t nh = sizeof heads / sizeof heads[0];
    int by_rmax = !strcmp(by, "rmax");
    if (fmt == 0) {
        sb_printf(&b, "Ranked by %s (%s)%s\n\n", label, unit, lower_first ? ", lowest first" : "");
        sb_printf(&b, "%4s  %-24s %-20s %14s %14s %6s %8s %8s %7s  %s\n", "rank", "system", "site",
                  by_rmax ? "Rmax" : label, by_rmax ? "Rpeak" : "Rmax", "eff", "Nmax", "N1/2", "cores", "interconnect");
    } else if (fmt == 1) {
        for (size_t h = 0; h < nh; h++) {
            char hb[96];
            snprintf(hb, sizeof hb, "%s%s%s%s", heads[h], h == 3 ? " (" : "", h == 3 ? unit : "", h == 3 ? ")" : "");
            sb_csv(&b, hb);
            sb_add(&b, h + 1 == nh ? "\n" : ",");
        }
    } else {
        sb_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>exabench ranking by %s</title>\n"
                      "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                      "th,td{border:1px solid #bbb;padding:3px 8px}th{background:#eee}.refused{color:#a00}</style>\n"
                      "</head>\n<body>\n<h1>exabench ranking by %s (%s)</h1>\n<table>\n<tr>",
                  label, label, unit);
        for (size_t h = 0; h < nh; h++)
            sb_printf(&b, "<th>%s</th>", heads[h]);
        sb_add(&b, "</tr>\n");
    }
    for (size_t i = 0; i < nok; i++) {
        const struct entry *e = ok[i];
        const json_t *s = json_object_get(e->sub, "summary");
        char rk[16], k[32], rm[32], rp[32], ef[16], nm[32], nh2[32], co[32];
        if (e->rank)
            snprintf(rk, sizeof rk, "%d", e->rank);
        else
            snprintf(rk, sizeof rk, "-");
        rp_num(e->key, k);
        rp_num(num(s, "rmax_gflops"), rm);
        rp_num(num(s, "rpeak_gflops"), rp);
        snprintf(ef, sizeof ef, "%.1f%%", 100 * num(s, "efficiency"));
        snprintf(nm, sizeof nm, "%.0f", num(s, "nmax"));
        if (isnan(num(s, "n_half")))
            snprintf(nh2, sizeof nh2, "-");
        else
            snprintf(nh2, sizeof nh2, "%s%.0f", json_is_true(json_object_get(s, "n_half_is_upper_bound")) ? "<=" : "",
                     num(s, "n_half"));
        snprintf(co, sizeof co, "%.0f", num(s, "cores"));
        const char *ic = jstr(s, "interconnect", ""), *mpi = jstr(s, "mpi", ""), *date = jstr(s, "date", "");
        if (fmt == 0) {
            sb_printf(&b, "%4s  %-24.24s %-20.20s %14s %14s %6s %8s %8s %7s  %s\n", rk, e->name, e->site,
                      by_rmax ? rm : k, by_rmax ? rp : rm, ef, nm, nh2, co, ic);
        } else {
            if (fmt == 2)
                sb_add(&b, "<tr>");
            const char *cells[] = {rk, e->name, e->site, k, rm, rp, ef, nm, nh2, co, ic, mpi, date, e->file};
            for (size_t h = 0; h < nh; h++)
                cell(&b, fmt, cells[h], h + 1 == nh);
        }
    }
    if (fmt == 2) {
        sb_add(&b, "</table>\n");
        if (nref) {
            sb_add(&b, "<h2>Refused</h2>\n<ul>\n");
            for (size_t i = 0; i < nref; i++) {
                sb_add(&b, "<li class=\"refused\">");
                sb_html(&b, refused[i]->file);
                sb_add(&b, ": ");
                sb_html(&b, refused[i]->reason);
                sb_add(&b, "</li>\n");
            }
            sb_add(&b, "</ul>\n");
        }
        sb_add(&b, "</body>\n</html>\n");
    } else if (fmt == 0 && nref) {
        sb_add(&b, "\nRefused:\n");
        for (size_t i = 0; i < nref; i++)
            sb_printf(&b, "  %s: %s\n", refused[i]->file, refused[i]->reason);
    }
    char err[4096];
    if (out_path) {
        if (rp_write_file(out_path, b.s, b.len, err, sizeof err) != 0)
            exa_input_error("%s", err);
    } else {
        fwrite(b.s, 1, b.len, stdout);
    }
    /* Refusals always reach stderr too, whatever the format. */
    for (size_t i = 0; i < nref; i++)
        fprintf(stderr, "exabench: rank: refused %s: %s\n", refused[i]->file, refused[i]->reason);
    sb_free(&b);
    for (size_t i = 0; i < n; i++)
        json_decref(es[i].sub);
    free(es);
    free(ok);
    free(refused);
    return nref ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
