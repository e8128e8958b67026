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
#include "signing.h"
#include "submit.h"

static void usage(void)
{
    printf("Usage: exabench rank [OPTIONS] FILE...\n\n"
           "Ranks the submissions written by 'exabench submit'. Each one is checked before it is\n"
           "ranked and refused, with the reason, when it is\n"
           "  malformed          not JSON, not schema exabench.submission version 1, fields missing\n"
           "  altered            a record's text no longer matches its SHA-256, or the seal does not\n"
           "                     match the records, run id, system and summary\n"
           "  failed residual    an HPL record does not claim a PASSED scaled residual below 16\n"
           "  non-compliant      a record broke the benchmark's run rules (HPL records must claim\n"
           "                     compliance)\n"
           "  impossible         Gflop/s that do not follow from N and the time ((2/3 N^3 + 3/2 N^2)/t,\n"
           "                     0.1%% apart), an N whose matrix (8 N^2 bytes) does not fit the memory the\n"
           "                     submission declares, Rmax above Rpeak, or an Rmax its HPL records do\n"
           "                     not show; no theoretical Rpeak\n"
           "  bad signature      a signature that does not verify (altered after signing)\n"
           "  untrusted          with --trust: not signed, or signed by a key not in the trust files\n\n"
           "Ties share a rank (1, 1, 3) and are listed by system name.\n\n"
           "Options:\n"
           "      --by KEY       rmax (default), mxp (HPL-MxP's FP64-equivalent rate), triad (STREAM\n"
           "                     Triad per node), latency (small-message, lowest first) or bandwidth\n"
           "                     (large-message)\n"
           "      --csv          CSV instead of the text table\n"
           "      --html         a self-contained HTML page instead of the text table\n"
           "  -o, --output FILE  write the table to FILE instead of stdout\n"
           "      --trust FILE   rank only submissions signed with a key in FILE (lines 'NAME KEY', as\n"
           "                     'exabench keygen' writes them; may be given more than once); the\n"
           "                     others are listed as refused with the reason\n"
           "  -h, --help         this text\n\n"
           "Exit status: 0 every submission ranked, 1 at least one refused, 2 bad usage.\n");
}

struct entry {
    const char *file;
    json_t *sub;
    const char *name, *site;
    double key;
    int rank;
    const char *signer;  /* the trusted key's name (--trust), else NULL */
    char reason[1024];
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

/* Loads and checks one submission (rank_checks.c); 0 rankable, else -1 with the reason. */
static int check(struct entry *e, const struct sig_trust *trust)
{
    char err[1024];
    e->sub = rp_load_json(e->file, err, sizeof err);
    if (!e->sub) {
        snprintf(e->reason, sizeof e->reason, "malformed: %s", err);
        return -1;
    }
    if (rk_check(e->sub, trust, e->reason, sizeof e->reason, &e->signer) != 0)
        return -1;
    const json_t *system = json_object_get(e->sub, "system");
    e->name = jstr(system, "name", "?");
    e->site = jstr(system, "site", "");
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

/* What the ranking shows and from which entries. */
struct table {
    int fmt, by_rmax, trusting; /* fmt 0 text, 1 CSV, 2 HTML */
    const char *label, *unit;
    struct entry **ok, **refused;
    size_t nok, nref;
};

/* The ranked table and the refusals, in the chosen format, into b. */
static void render(struct sbuf *b, const struct table *t)
{
    const char *heads[] = {"rank", "system", "site", t->label, "Rmax (Gflop/s)", "Rpeak (Gflop/s)", "efficiency",
                           "Nmax", "N1/2", "cores", "interconnect", "MPI", "date", "file"};
    size_t nh = sizeof heads / sizeof heads[0];
    if (t->fmt == 0) {
        sb_printf(b, "Ranked by %s (%s)%s\n\n", t->label, t->unit, lower_first ? ", lowest first" : "");
        sb_printf(b, "%4s  %-24s %-20s %14s %14s %6s %8s %8s %7s  %s\n", "rank", "system", "site",
                  t->by_rmax ? "Rmax" : t->label, t->by_rmax ? "Rpeak" : "Rmax", "eff", "Nmax", "N1/2", "cores", "interconnect");
    } else if (t->fmt == 1) {
        for (size_t h = 0; h < nh; h++) {
            char hb[96];
            snprintf(hb, sizeof hb, "%s%s%s%s", heads[h], h == 3 ? " (" : "", h == 3 ? t->unit : "", h == 3 ? ")" : "");
            sb_csv(b, hb);
            sb_add(b, h + 1 == nh ? "\n" : ",");
        }
    } else {
        sb_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>exabench ranking by %s</title>\n"
                      "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                      "th,td{border:1px solid #bbb;padding:3px 8px}th{background:#eee}.refused{color:#a00}</style>\n"
                      "</head>\n<body>\n<h1>exabench ranking by %s (%s)</h1>\n<table>\n<tr>",
                  t->label, t->label, t->unit);
        for (size_t h = 0; h < nh; h++)
            sb_printf(b, "<th>%s</th>", heads[h]);
        sb_add(b, "</tr>\n");
    }
    for (size_t i = 0; i < t->nok; i++) {
        const struct entry *e = t->ok[i];
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
        if (t->fmt == 0) {
            sb_printf(b, "%4s  %-24.24s %-20.20s %14s %14s %6s %8s %8s %7s  %s\n", rk, e->name, e->site,
                      t->by_rmax ? rm : k, t->by_rmax ? rp : rm, ef, nm, nh2, co, ic);
        } else {
            if (t->fmt == 2)
                sb_add(b, "<tr>");
            const char *cells[] = {rk, e->name, e->site, k, rm, rp, ef, nm, nh2, co, ic, mpi, date, e->file};
            for (size_t h = 0; h < nh; h++)
                cell(b, t->fmt, cells[h], h + 1 == nh);
        }
    }
    if (t->fmt == 0 && t->trusting && t->nok) {
        sb_add(b, "\nSigned by trusted keys:\n");
        for (size_t i = 0; i < t->nok; i++)
            sb_printf(b, "  %s: %s\n", t->ok[i]->file, t->ok[i]->signer ? t->ok[i]->signer : "?");
    }
    if (t->fmt == 2) {
        sb_add(b, "</table>\n");
        if (t->nref) {
            sb_add(b, "<h2>Refused</h2>\n<ul>\n");
            for (size_t i = 0; i < t->nref; i++) {
                sb_add(b, "<li class=\"refused\">");
                sb_html(b, t->refused[i]->file);
                sb_add(b, ": ");
                sb_html(b, t->refused[i]->reason);
                sb_add(b, "</li>\n");
            }
            sb_add(b, "</ul>\n");
        }
        sb_add(b, "</body>\n</html>\n");
    } else if (t->fmt == 0 && t->nref) {
        sb_add(b, "\nRefused:\n");
        for (size_t i = 0; i < t->nref; i++)
            sb_printf(b, "  %s: %s\n", t->refused[i]->file, t->refused[i]->reason);
    }
}

int cmd_rank(int argc, char **argv)
{
    static const struct option opts[] = {{"by", required_argument, 0, 'b'},   {"csv", no_argument, 0, 'c'},
                                         {"html", no_argument, 0, 'H'},        {"output", required_argument, 0, 'o'},
                                         {"trust", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *by = "rmax", *out_path = NULL;
    int fmt = 0, c, trusting = 0;
    struct sig_trust trust;
    sig_trust_init(&trust);
    char terr[1024];
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': by = optarg; break;
        case 'c': fmt = 1; break;
        case 'H': fmt = 2; break;
        case 'o': out_path = optarg; break;
        case 't':
            trusting = 1;
            if (sig_trust_load(&trust, optarg, terr, sizeof terr) != 0)
                exa_input_error("rank --trust: %s", terr);
            break;
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
    else if (!strcmp(by, "mxp"))
        field = "hpl_mxp_gflops", label = "HPL-MxP", unit = "Gflop/s";
    else
        exa_usage_error("--by '%s': expected rmax, mxp, triad, latency or bandwidth", by);
    lower_first = !strcmp(by, "latency");
    if (optind >= argc)
        exa_usage_error("rank: expected one or more submission files");
    size_t n = (size_t)(argc - optind), nok = 0, nref = 0;
    struct entry *es = calloc(n, sizeof *es);
    struct entry **ok = calloc(n, sizeof *ok), **refused = calloc(n, sizeof *refused);
    for (size_t i = 0; i < n; i++) {
        es[i].file = argv[optind + (int)i];
        if (check(&es[i], trusting ? &trust : NULL) == 0) {
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
    struct table tab = {fmt, !strcmp(by, "rmax"), trusting, label, unit, ok, refused, nok, nref};
    render(&b, &tab);
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
    sig_trust_free(&trust);
    return nref ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
