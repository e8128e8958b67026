/* The report page of `exabench report`: index.html and report.md side by side (run facts,
 * summary figures, failed runs, one table per benchmark, plots embedded as base64 PNG,
 * provenance). Pure rendering: the command (report.c) loads, writes and prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_parse.h"
#include "metric_order.h"
#include "report.h"
#include "report_page.h"

static const char *CSS =
    "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:90%}"
    "th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".failed{color:#a00;font-weight:bold}.valid{color:#070}"
    "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}";

static void metric_cell(const struct rd_run *r, const char *name, char *buf, size_t len)
{
    double v;
    char nb[32];
    if (r->ok && rd_metric(r, name, &v, NULL, NULL) == 0)
        snprintf(buf, len, "%s", rp_num(v, nb));
    else
        snprintf(buf, len, "-");
}

static void metrics_list(const struct rd_run *r, struct sbuf *b)
{
    int first = 1;
    const json_t *metrics = json_object_get(r->rec, "metrics");
    size_t nk;
    const char **keys = metric_order_keys(metrics, &nk);  /* latency_16B before latency_128B */
    for (size_t i = 0; i < nk; i++) {
        const char *k = keys[i];
        const json_t *m = json_object_get(metrics, k);
        const json_t *v = json_object_get(m, "value");
        char nb[32];
        sb_printf(b, "%s%s=%s %s", first ? "" : "; ", k, rp_num(json_is_number(v) ? json_number_value(v) : NAN, nb),
                  rd_jstr(m, "unit", ""));
        first = 0;
    }
    free(keys);
}

struct summary_row {
    const char *label;
    char value[96];
    const char *note;
};

/* The two efficiencies, each labelled: against the theoretical Rpeak (TOP500's figure) and against
 * the calibrated dgemm peak (a measurement of what the cores' BLAS reaches). */
static size_t efficiency_rows(const struct rp_summary *s, struct summary_row *rows)
{
    char nb[32];
    rows[0] = (struct summary_row){"Efficiency", "", "Rmax / Rpeak (theoretical)"};
    if (isnan(s->efficiency))
        snprintf(rows[0].value, sizeof rows[0].value, "- (no theoretical Rpeak)");
    else
        snprintf(rows[0].value, sizeof rows[0].value, "%.1f %%", 100 * s->efficiency);
    rows[1] = (struct summary_row){"Efficiency vs dgemm peak", "", ""};
    if (isnan(s->efficiency_dgemm)) {
        snprintf(rows[1].value, sizeof rows[1].value, "-");
        rows[1].note = "Rmax / dgemm peak (no calibrated dgemm peak recorded)";
    } else {
        snprintf(rows[1].value, sizeof rows[1].value, "%.1f %% (of %s Gflop/s)", 100 * s->efficiency_dgemm,
                 rp_num(s->dgemm_peak, nb));
        rows[1].note = "Rmax / dgemm peak (calibrated dgemm x cores: measured, not an Rpeak)";
    }
    return 2;
}

static size_t summary_rows(const struct rd_set *set, const struct rp_summary *s, struct summary_row *rows)
{
    size_t n = 0;
    char nb[32], nb2[32];
    rows[n] = (struct summary_row){"Rmax", "", "best valid HPL run"};
    if (isnan(s->rmax))
        snprintf(rows[n].value, sizeof rows[n].value, "- (no valid HPL run)");
    else
        snprintf(rows[n].value, sizeof rows[n].value, "%s Gflop/s", rp_num(s->rmax, nb));
    n++;
    rows[n] = (struct summary_row){"Nmax", "", "N of the Rmax run"};
    if (s->nmax)
        snprintf(rows[n].value, sizeof rows[n].value, "%ld", s->nmax);
    else
        snprintf(rows[n].value, sizeof rows[n].value, "-");
    n++;
    rows[n] = (struct summary_row){"N1/2", "", "N at half of Rmax, interpolated in the N sweep on the Rmax grid"};
    if (isnan(s->n_half))
        snprintf(rows[n].value, sizeof rows[n].value, "-");
    else if (s->n_half_upper)
        snprintf(rows[n].value, sizeof rows[n].value, "<= %.0f (the smallest N measured)", s->n_half);
    else
        snprintf(rows[n].value, sizeof rows[n].value, "%.0f", s->n_half);
    n++;
    rows[n] = (struct summary_row){"Rpeak", "", s->rpeak_basis};
    if (isnan(s->rpeak))
        snprintf(rows[n].value, sizeof rows[n].value, "- (unknown)");
    else
        snprintf(rows[n].value, sizeof rows[n].value, "%s Gflop/s", rp_num(s->rpeak, nb));
    n++;
    n += efficiency_rows(s, rows + n);
    rows[n] = (struct summary_row){"Nodes / cores", "", "of the Rmax run (ranks x threads)"};
    if (s->rmax_run)
        snprintf(rows[n].value, sizeof rows[n].value, "%d / %ld", s->rmax_nodes, s->rmax_cores);
    else
        snprintf(rows[n].value, sizeof rows[n].value, "-");
    n++;
    if (!isnan(s->mxp_gflops)) {  /* only where the run has HPL-MxP: other reports stay as they were */
        rows[n] = (struct summary_row){"HPL-MxP", "", "best valid, compliant exa-mxp run: FP64-equivalent rate"};
        snprintf(rows[n].value, sizeof rows[n].value, "%s Gflop/s at N=%ld (%s)", rp_num(s->mxp_gflops, nb),
                 s->mxp_n, s->mxp_precision ? s->mxp_precision : "?");
        n++;
    }
    rows[n] = (struct summary_row){"STREAM Triad per node", "", "best valid STREAM run, divided by its nodes"};
    if (isnan(s->triad_per_node))
        snprintf(rows[n].value, sizeof rows[n].value, "-");
    else
        snprintf(rows[n].value, sizeof rows[n].value, "%s GB/s", rp_num(s->triad_per_node, nb));
    n++;
    rows[n] = (struct summary_row){"Small-message latency", "", "smallest message size measured"};
    if (isnan(s->latency_us))
        snprintf(rows[n].value, sizeof rows[n].value, "-");
    else {
        exa_format_size((uint64_t)s->latency_size, nb2, sizeof nb2);
        snprintf(rows[n].value, sizeof rows[n].value, "%s us at %s%s", rp_num(s->latency_us, nb), nb2,
                 s->latency_size < 1024 ? " B" : "B");
    }
    n++;
    rows[n] = (struct summary_row){"Large-message bandwidth", "", "largest message size measured"};
    if (isnan(s->bandwidth_gbs))
        snprintf(rows[n].value, sizeof rows[n].value, "-");
    else {
        exa_format_size((uint64_t)s->bandwidth_size, nb2, sizeof nb2);
        snprintf(rows[n].value, sizeof rows[n].value, "%s GB/s at %s%s", rp_num(s->bandwidth_gbs, nb), nb2,
                 s->bandwidth_size < 1024 ? " B" : "B");
    }
    n++;
    if (!isnan(s->energy_j) || !isnan(s->power_w)) {
        rows[n] = (struct summary_row){"Energy (Rmax run)", "", "as measured by the run"};
        snprintf(rows[n].value, sizeof rows[n].value, "%s J, %s W", rp_num(s->energy_j, nb), rp_num(s->power_w, nb2));
        n++;
    }
    /* Issue 14: runs measured while other processes used the machine (the harness's load check). */
    size_t nforeign = 0, i;
    const json_t *mr;
    json_array_foreach(json_object_get(set->manifest, "runs"), i, mr)
        nforeign += json_is_true(json_object_get(mr, "foreign_load"));
    rows[n] = (struct summary_row){"Foreign load", "", "runs measured while other processes used the machine "
                                                       "(manifest: foreign_load, machine_load)"};
    if (nforeign)
        snprintf(rows[n].value, sizeof rows[n].value, "FLAGGED: %zu of %zu runs", nforeign,
                 json_array_size(json_object_get(set->manifest, "runs")));
    else
        snprintf(rows[n].value, sizeof rows[n].value, "none seen");
    n++;
    return n;
}

static int is_interesting_fact(const char *path)
{
    const char *c = rp_provenance_category(path);
    if (!strcmp(c, "other") || !strcmp(c, "memory"))
        return strstr(path, "total_bytes") != NULL || strstr(path, "os") != NULL;
    if (!strcmp(c, "CPU"))
        return strstr(path, "model") && !strstr(path, "model_number");
    if (strstr(path, "caches") || strstr(path, "flags"))
        return 0;
    return 1;
}

static void facts_text(const json_t *values, struct sbuf *b)
{
    const char *v;
    const json_t *x;
    int first = 1;
    json_object_foreach((json_t *)values, v, x) {
        sb_printf(b, "%s%s", first ? "" : " | ", v);
        first = 0;
    }
}

/* Title, run facts and the count of valid and failed runs. */
static void page_header(const struct report_page *p, struct sbuf *h, struct sbuf *md)
{
    const json_t *suite = json_object_get(p->set->manifest, "suite");
    const json_t *exb = json_object_get(p->set->manifest, "exabench");
    sb_add(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>exabench report: ");
    sb_html(h, p->set->run_id);
    sb_printf(h, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>exabench report: ", CSS);
    sb_html(h, p->set->run_id);
    sb_add(h, "</h1>\n<p>");
    sb_printf(md, "# exabench report: %s\n\n", p->set->run_id);
    struct {
        const char *k, *v;
    } facts[] = {{"System", p->set->system_name},
                 {"Suite", rd_jstr(suite, "name", rd_jstr(suite, "file", ""))},
                 {"Created", p->set->created},
                 {"exabench", rd_jstr(exb, "version", "")},
                 {"git commit", rd_jstr(exb, "git_commit", "")}};
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        if (!facts[i].v || !*facts[i].v)
            continue;
        sb_printf(h, "<b>%s:</b> ", facts[i].k);
        sb_html(h, facts[i].v);
        sb_add(h, "<br>\n");
        sb_printf(md, "- **%s:** %s\n", facts[i].k, facts[i].v);
    }
    sb_printf(h, "<b>Runs:</b> %zu, <span class=\"valid\">%zu valid</span>, <span class=\"%s\">%zu failed</span></p>\n",
              p->set->n, p->set->n - p->nfailed, p->nfailed ? "failed" : "valid", p->nfailed);
    sb_printf(md, "- **Runs:** %zu, %zu valid, %zu failed\n\n", p->set->n, p->set->n - p->nfailed, p->nfailed);

}

static void page_summary(const struct report_page *p, struct sbuf *h, struct sbuf *md)
{
    struct summary_row rows[16];
    size_t nrows = summary_rows(p->set, p->sum, rows);
    sb_add(h, "<h2>Summary</h2>\n<table>\n<tr><th>Figure</th><th>Value</th><th>Basis</th></tr>\n");
    sb_add(md, "## Summary\n\n| Figure | Value | Basis |\n|---|---|---|\n");
    for (size_t i = 0; i < nrows; i++) {
        sb_printf(h, "<tr><td>%s</td><td class=\"num\">", rows[i].label);
        sb_html(h, rows[i].value);
        sb_add(h, "</td><td>");
        sb_html(h, rows[i].note ? rows[i].note : "");
        sb_add(h, "</td></tr>\n");
        sb_printf(md, "| %s | ", rows[i].label);
        sb_md(md, rows[i].value);
        sb_add(md, " | ");
        sb_md(md, rows[i].note ? rows[i].note : "");
        sb_add(md, " |\n");
    }
    sb_add(h, "</table>\n");
    sb_add(md, "\n");

}

static void page_failed(const struct report_page *p, struct sbuf *h, struct sbuf *md)
{
    if (p->nfailed) {
        sb_add(h, "<h2>Failed runs</h2>\n<table>\n<tr><th>Run</th><th>Benchmark</th><th>Status</th><th>Log</th>"
                   "<th>Last lines</th></tr>\n");
        sb_add(md, "## Failed runs\n\n| Run | Benchmark | Status | Log |\n|---|---|---|---|\n");
        for (size_t i = 0; i < p->set->n; i++) {
            const struct rd_run *r = &p->set->runs[i];
            if (r->ok)
                continue;
            char why[256];
            rd_failure(r, why, sizeof why);
            const char *log = rd_jstr(r->mrun, "log", "");
            const char *tail = rd_jstr(r->mrun, "log_tail", "");
            sb_add(h, "<tr><td>");
            sb_html(h, r->name);
            sb_add(h, "</td><td>");
            sb_html(h, r->benchmark);
            sb_add(h, "</td><td class=\"failed\">");
            sb_html(h, why);
            sb_add(h, "</td><td>");
            sb_html(h, log);
            sb_add(h, "</td><td><pre>");
            sb_html(h, tail);
            sb_add(h, "</pre></td></tr>\n");
            sb_add(md, "| ");
            sb_md(md, r->name);
            sb_printf(md, " | %s | **", r->benchmark);
            sb_md(md, why);
            sb_add(md, "** | ");
            sb_md(md, log);
            sb_add(md, " |\n");
        }
        sb_add(h, "</table>\n");
        sb_add(md, "\n");
    }

}

/* One run's row of its benchmark's table: a column per metric when there are few, else a list. */
static void page_bench_row(const struct rd_run *r, const struct bench *b, int wide, struct sbuf *h,
                           struct sbuf *md)
{
    struct sbuf params;
    sb_init(&params);
    rp_params_text(r->params, &params);
    char why[256];
    rd_failure(r, why, sizeof why);
    sb_add(h, "<tr><td>");
    sb_html(h, r->name);
    sb_add(h, "</td><td>");
    sb_html(h, r->test);
    sb_printf(h, "</td><td class=\"num\">%d</td><td class=\"num\">%d x %d</td><td>", r->nodes, r->ranks,
              r->threads_per_rank);
    sb_html(h, params.s);
    sb_printf(h, "</td><td class=\"%s\">", r->ok ? "valid" : "failed");
    sb_html(h, why);
    sb_add(h, "</td>");
    sb_add(md, "| ");
    sb_md(md, r->name);
    sb_add(md, " | ");
    sb_md(md, r->test);
    sb_printf(md, " | %d | %d x %d | ", r->nodes, r->ranks, r->threads_per_rank);
    sb_md(md, params.s);
    sb_printf(md, " | %s%s%s |", r->ok ? "" : "**", why, r->ok ? "" : "**");
    if (wide) {
        size_t nk;
        const char **keys = metric_order_keys(b->metrics, &nk);  /* the header's order */
        for (size_t i = 0; i < nk; i++) {
            char cell[64];
            metric_cell(r, keys[i], cell, sizeof cell);
            sb_printf(h, "<td class=\"num\">%s</td>", cell);
            sb_printf(md, " %s |", cell);
        }
        free(keys);
    } else {
        struct sbuf ml;
        sb_init(&ml);
        if (r->ok)
            metrics_list(r, &ml);
        else
            sb_add(&ml, "-");
        sb_add(h, "<td>");
        sb_html(h, ml.s);
        sb_add(h, "</td>");
        sb_add(md, " ");
        sb_md(md, ml.s);
        sb_add(md, " |");
        sb_free(&ml);
    }
    sb_add(h, "</tr>\n");
    sb_add(md, "\n");
    sb_free(&params);
}

/* A benchmark's table: its runs with their parameters, status and metrics. */
static void page_bench(const struct report_page *p, const struct bench *b, struct sbuf *h, struct sbuf *md)
{
    size_t nm = json_object_size(b->metrics);
    int wide = nm > 0 && nm <= 8;
    sb_printf(h, "<h2>%s</h2>\n<p>%zu runs, %zu valid; all figures in <a href=\"%s.csv\">%s.csv</a>.</p>\n<table>\n"
                  "<tr><th>Run</th><th>Test</th><th>Nodes</th><th>Ranks x threads</th><th>Parameters</th><th>Status</th>",
              b->name, b->runs, b->ok, b->name, b->name);
    sb_printf(md, "## %s\n\n%zu runs, %zu valid; all figures in [%s.csv](%s.csv).\n\n"
                   "| Run | Test | Nodes | Ranks x threads | Parameters | Status |",
              b->name, b->runs, b->ok, b->name, b->name);
    const char *mn;
    const json_t *unit;
    if (wide) {
        size_t nk;
        const char **keys = metric_order_keys(b->metrics, &nk);  /* latency_16B before latency_128B */
        for (size_t i = 0; i < nk; i++) {
            mn = keys[i];
            unit = json_object_get(b->metrics, mn);
            sb_add(h, "<th>");
            sb_html(h, mn);
            sb_printf(h, " (%s)</th>", json_string_value(unit));
            sb_printf(md, " %s (%s) |", mn, json_string_value(unit));
        }
        free(keys);
    } else {
        sb_add(h, "<th>Metrics</th>");
        sb_add(md, " Metrics |");
    }
    sb_add(h, "</tr>\n");
    sb_add(md, "\n|---|---|---|---|---|---|");
    for (size_t j = 0; j < (wide ? nm : 1); j++)
        sb_add(md, "---|");
    sb_add(md, "\n");
    for (size_t i = 0; i < p->set->n; i++)
        if (!strcmp(p->set->runs[i].benchmark, b->name))
            page_bench_row(&p->set->runs[i], b, wide, h, md);
    sb_add(h, "</table>\n");
    sb_add(md, "\n");
}

static void page_plots(const struct report_page *p, struct sbuf *h, struct sbuf *md)
{
    if (p->nplots) {
        char err[4096];
        sb_add(h, "<h2>Plots</h2>\n");
        sb_add(md, "## Plots\n\n");
        for (size_t i = 0; i < p->nplots; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.png", p->dir, p->plots[i].name);
            size_t len = 0;
            char *png = p->render ? rp_read_file(path, &len, err, sizeof err) : NULL;
            sb_add(h, "<figure>\n");
            if (png && len > 0) {
                sb_add(h, "<img alt=\"");
                sb_html(h, p->plots[i].title);
                sb_add(h, "\" src=\"data:image/png;base64,");
                rp_base64(h, (const unsigned char *)png, len);
                sb_add(h, "\">\n");
            } else {
                sb_printf(h, "<p class=\"failed\">not rendered: run gnuplot %s.gp</p>\n", p->plots[i].name);
            }
            free(png);
            sb_add(h, "<figcaption>");
            sb_html(h, p->plots[i].title);
            sb_printf(h, " (script <a href=\"%s.gp\">%s.gp</a>, data <a href=\"%s.dat\">%s.dat</a>, "
                          "<a href=\"%s.svg\">SVG</a>)</figcaption>\n</figure>\n",
                      p->plots[i].name, p->plots[i].name, p->plots[i].name, p->plots[i].name, p->plots[i].name);
            sb_printf(md, "### %s\n\n![%s](%s.png)\n\nScript: [%s.gp](%s.gp), data: [%s.dat](%s.dat), [SVG](%s.svg)\n\n",
                      p->plots[i].title, p->plots[i].title, p->plots[i].name, p->plots[i].name, p->plots[i].name, p->plots[i].name,
                      p->plots[i].name, p->plots[i].name);
        }
    }

}

static void page_provenance(const struct report_page *p, struct sbuf *h, struct sbuf *md)
{
    json_t *prov = rp_run_provenance(p->set);
    if (json_object_size(prov)) {
        sb_add(h, "<h2>Provenance</h2>\n<table>\n<tr><th>Category</th><th>Fact</th><th>Value(s)</th></tr>\n");
        sb_add(md, "## Provenance\n\n| Category | Fact | Value(s) |\n|---|---|---|\n");
        const char *path;
        const json_t *vals;
        json_object_foreach(prov, path, vals) {
            if (!is_interesting_fact(path))
                continue;
            struct sbuf t;
            sb_init(&t);
            facts_text(vals, &t);
            sb_printf(h, "<tr><td>%s</td><td>", rp_provenance_category(path));
            sb_html(h, path);
            sb_add(h, "</td><td>");
            sb_html(h, t.s);
            sb_add(h, "</td></tr>\n");
            sb_printf(md, "| %s | ", rp_provenance_category(path));
            sb_md(md, path);
            sb_add(md, " | ");
            sb_md(md, t.s);
            sb_add(md, " |\n");
            sb_free(&t);
        }
        sb_add(h, "</table>\n");
    }
    json_decref(prov);
}

void report_page_build(const struct report_page *p, struct sbuf *h, struct sbuf *md)
{
    page_header(p, h, md);
    page_summary(p, h, md);
    page_failed(p, h, md);
    for (size_t k = 0; k < p->nb; k++)
        page_bench(p, &p->benches[k], h, md);
    rp_page_pairs(p->set, h, md);
    page_plots(p, h, md);
    page_provenance(p, h, md);
    sb_add(h, "</body>\n</html>\n");
}
