/* exabench report RUN: reports/<run-id>/ with index.html (self-contained: summary, tables, plots
 * embedded as base64 PNG), report.md, one CSV per benchmark, and the gnuplot scripts with their
 * data, PNG and SVG output. Failed runs are listed as failed and never feed a figure. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_parse.h"
#include "metric_order.h"
#include "report.h"
#include "report_page.h"
#include "safe_io.h"

static void usage(void)
{
    printf("Usage: exabench report [OPTIONS] RUN\n\n"
           "Renders the results folder RUN (results/<run-id>/, written by 'exabench run') into\n"
           "reports/<run-id>/:\n"
           "  index.html     one self-contained page: the TOP500-style summary (Rmax, Nmax, N1/2,\n"
           "                 Rpeak, efficiency, STREAM Triad per node, small-message latency,\n"
           "                 large-message bandwidth), failed runs, a table per benchmark, the plots\n"
           "                 (embedded PNG) and the provenance of the run\n"
           "  report.md      the same in Markdown, linking the PNG files\n"
           "  BENCH.csv      one row per run and metric, one file per benchmark\n"
           "  NAME.gp        a gnuplot script per plot with NAME.dat, NAME.png and NAME.svg: edit the\n"
           "                 script and run 'gnuplot NAME.gp' to restyle a plot\n\n"
           "Failed runs (crashed, timed out, failed verification) are listed as failed and never\n"
           "appear in a figure or in the summary.\n\n"
           "Options:\n"
           "  -o, --output DIR   write the report to DIR instead of reports/<run-id>/ (a folder,\n"
           "                     not a symbolic link)\n"
           "      --no-render    write the gnuplot scripts and data but do not run gnuplot\n"
           "  -h, --help         this text\n\n"
           "Environment: EXA_GNUPLOT names the gnuplot binary (default: gnuplot on PATH).\n"
           "The run id must be [A-Za-z0-9._-] (no '/', no '..'); record paths stay in the run folder\n"
           "(no '..', no symbolic link, at most 64 MiB, regular files); outputs are written by\n"
           "temporary file and rename, mode 0644, never through a symbolic link.\n\n"
           "Exit status: 0 report written, 2 bad input (missing folder, malformed record: the\n"
           "message names the file, line and column; a refused run id or record path) or a plot\n"
           "that gnuplot could not render.\n");
}

/* One run's lines of its benchmark's CSV: one line per metric (one line without metrics when the
 * run failed or measured nothing). */
static void csv_run_lines(const struct rd_run *r, struct sbuf *csv)
{
    struct sbuf pre, params;
    sb_init(&pre);
    sb_init(&params);
    rp_params_text(r->params, &params);
    char why[256];
    sb_csv(&pre, r->id);
    sb_add(&pre, ",");
    sb_csv(&pre, r->name);
    sb_add(&pre, ",");
    sb_csv(&pre, r->benchmark);
    sb_add(&pre, ",");
    sb_csv(&pre, r->test);
    sb_add(&pre, ",");
    sb_csv(&pre, rd_failure(r, why, sizeof why));
    sb_printf(&pre, ",%d,%d,%d,%d,%d,", r->nodes, r->ranks, r->ranks_per_node, r->threads_per_rank,
              r->repetition);
    sb_csv(&pre, params.s);
    const json_t *metrics = json_object_get(r->rec, "metrics");
    if (!r->ok || json_object_size(metrics) == 0) {
        sb_printf(csv, "%s,,,,,\n", pre.s);
    } else {
        size_t nk;
        const char **keys = metric_order_keys(metrics, &nk);  /* by message size */
        for (size_t i = 0; i < nk; i++) {
            const char *mn = keys[i];
            const json_t *m = json_object_get(metrics, mn);
            const json_t *v = json_object_get(m, "value");
            sb_add(csv, pre.s);
            sb_add(csv, ",");
            sb_csv(csv, mn);
            if (json_is_number(v))
                sb_printf(csv, ",%.17g,", json_number_value(v));
            else
                sb_add(csv, ",,");
            sb_csv(csv, rd_jstr(m, "unit", ""));
            sb_printf(csv, ",%s,", rd_jstr(m, "direction", ""));
            const json_t *s = json_object_get(m, "samples");
            size_t si;
            const json_t *x;
            json_array_foreach(s, si, x)
                if (json_is_number(x))
                    sb_printf(csv, "%s%.17g", si ? " " : "", json_number_value(x));
            sb_add(csv, "\n");
        }
        free(keys);
    }
    sb_free(&pre);
    sb_free(&params);
}

/* NAME.csv for each benchmark: every run and metric with its samples. */
static void write_csvs(const struct rd_set *set, const struct bench *benches, size_t nb, const char *dir)
{
    char err[4096];
    for (size_t k = 0; k < nb; k++) {
        struct sbuf csv;
        sb_init(&csv);
        sb_add(&csv, "run_id,name,benchmark,test,status,nodes,ranks,ranks_per_node,threads_per_rank,repetition,"
                     "parameters,metric,value,unit,direction,samples\n");
        for (size_t i = 0; i < set->n; i++)
            if (!strcmp(set->runs[i].benchmark, benches[k].name))
                csv_run_lines(&set->runs[i], &csv);
        /* The name comes from the run folder: only [A-Za-z0-9._-] reach the file name. */
        char name[64], path[4096];
        snprintf(name, sizeof name, "%s", benches[k].name);
        for (char *c = name; *c; c++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *c))
                *c = '_';
        snprintf(path, sizeof path, "%s/%s.csv", dir, name);
        if (rp_write_file(path, csv.s, csv.len, err, sizeof err) != 0)
            exa_input_error("%s", err);
        sb_free(&csv);
    }
}

/* The run's benchmarks in first-seen order with their metric columns; counts failed runs. */
static size_t collect_benches(const struct rd_set *set, struct bench *benches, size_t *nb, size_t *nfailed)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        size_t k;
        for (k = 0; k < *nb; k++)
            if (!strcmp(benches[k].name, r->benchmark))
                break;
        if (k == *nb) {
            if (*nb == 16)
                continue;
            benches[(*nb)++] = (struct bench){r->benchmark, json_object(), 0, 0};
        }
        benches[k].runs++;
        if (r->ok)
            benches[k].ok++;
        else
            (*nfailed)++;
        const char *mn;
        const json_t *m;
        json_object_foreach(json_object_get(r->rec, "metrics"), mn, m)
            if (!json_object_get(benches[k].metrics, mn))
                json_object_set_new(benches[k].metrics, mn, json_string(rd_jstr(m, "unit", "")));
    }

    return *nb;
}

/* index.html and report.md into dir. */
static void write_page(const struct report_page *p)
{
    struct sbuf h, md;
    char err[4096], path[4096];
    sb_init(&h);
    sb_init(&md);
    report_page_build(p, &h, &md);
    snprintf(path, sizeof path, "%s/index.html", p->dir);
    if (rp_write_file(path, h.s, h.len, err, sizeof err) != 0)
        exa_input_error("%s", err);
    snprintf(path, sizeof path, "%s/report.md", p->dir);
    if (rp_write_file(path, md.s, md.len, err, sizeof err) != 0)
        exa_input_error("%s", err);
    sb_free(&h);
    sb_free(&md);
}

/* The output folder: -o, or reports/<run id> (a valid run id only: a manifest's "../../x" or
 * "a/b" never leaves reports/). Either must be a real folder, not a symbolic link. */
static void report_dir(const char *outdir, const struct rd_set *set, char *dir, size_t len)
{
    char err[4096];
    if (outdir) {
        snprintf(dir, len, "%s", outdir);
    } else {
        if (safe_run_id_check(set->run_id, err, sizeof err) != 0)
            exa_input_error("report: %s/manifest.json: %s: no report folder can be named after it (use -o DIR)",
                            set->dir, err);
        snprintf(dir, len, "reports/%s", set->run_id);
    }
    if (rp_mkdir_p(dir, err, sizeof err) != 0)
        exa_input_error("%s", err);
    struct stat st = {0};
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        exa_input_error("report: %s is %s (refused: a report is written into a real folder only)", dir,
                        S_ISLNK(st.st_mode) ? "a symbolic link" : "not a folder");
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"no-render", no_argument, 0, 'R'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *outdir = NULL;
    int render = 1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'R': render = 0; break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("report: unknown option (see 'exabench report --help')");
        }
    }
    if (argc - optind != 1)
        exa_usage_error("report: expected one RUN folder, got %d arguments", argc - optind);
    char err[4096];
    /* Static and not freed at the end: freeing 10 000 records costs more than the exit that
     * reclaims them, and static storage keeps them reachable for leak checkers. */
    static struct rd_set set;
    if (rd_load(argv[optind], &set, err, sizeof err) != 0)
        exa_input_error("%s", err);
    char dir[4096];
    report_dir(outdir, &set, dir, sizeof dir);

    struct rp_summary sum;
    rp_summarize(&set, &sum);
    struct bench benches[16];
    size_t nb = 0, nfailed = 0;
    collect_benches(&set, benches, &nb, &nfailed);

    /* Plots first: the HTML embeds their PNGs. */
    struct rp_plot *plots;
    size_t nplots = rp_build_plots(&set, &plots);
    int plot_failures = rp_plots_write(dir, plots, nplots, render, err, sizeof err);
    char plot_err[4096];
    snprintf(plot_err, sizeof plot_err, "%s", plot_failures ? err : "");

    write_csvs(&set, benches, nb, dir);
    struct report_page page = {&set, &sum, benches, nb, nfailed, plots, nplots, dir, render};
    write_page(&page);
    printf("report: %s/index.html, report.md, ", dir);
    for (size_t k = 0; k < nb; k++)
        printf("%s.csv, ", benches[k].name);
    printf("%zu plot%s (.gp .dat%s)\n", nplots, nplots == 1 ? "" : "s", render ? " .png .svg" : "");
    printf("runs: %zu, valid %zu, failed %zu\n", set.n, set.n - nfailed, nfailed);
    for (size_t i = 0; i < nplots; i++)
        rp_plot_free(&plots[i]);
    free(plots);
    for (size_t k = 0; k < nb; k++)
        json_decref(benches[k].metrics);
    if (plot_failures) {
        fprintf(stderr, "exabench: error: gnuplot failed on %d plot%s: %s\n", plot_failures,
                plot_failures == 1 ? "" : "s", plot_err);
        return EXA_EXIT_USAGE;
    }
    return EXA_EXIT_OK;
}
