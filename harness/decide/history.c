/* exabench history: a metric's trend across the ingested runs, as a table and a gnuplot
 * time-series plot, with the provenance changes between consecutive runs (a new BIOS, firmware,
 * driver, kernel, MPI, BLAS or compiler) marked on the time axis. One series per case (benchmark,
 * test, every parameter and the scale: different grids or node counts are never one median unless
 * --pool), and with --fail-below a gate: exit 1 when a series' newest point is that far below the
 * median of the points before it. */
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_parse.h"
#include "exa_stats.h"
#include "report.h"
#include "rstats.h"

static void usage(void)
{
    printf("Usage: exabench history [OPTIONS] --metric NAME\n\n"
           "Shows the trend of one metric across the runs in the history database (see 'exabench\n"
           "ingest'), oldest first: per run the median, best and worst of the valid runs that match,\n"
           "the change from the previous run, and the provenance facts that changed (BIOS,\n"
           "firmware, driver, kernel, MPI, BLAS, compiler, CPU). Runs of different cases (benchmark,\n"
           "test, parameters such as N, NB, P and Q, and scale) are separate series, each with its\n"
           "own table, never pooled into one median unless --pool. Writes a gnuplot time-series plot\n"
           "with those changes marked on the time axis.\n\n"
           "Options:\n"
           "      --metric NAME      the metric (e.g. gflops, triad_bandwidth) (required)\n"
           "      --benchmark NAME   only runs of this benchmark\n"
           "      --test NAME        only this sub-test\n"
           "      --nodes N          only runs on N nodes\n"
           "      --param K=V        only runs whose parameter K equals V (repeatable)\n"
           "      --pool             one series of every matching run, whatever its parameters and scale\n"
           "      --fail-below PCT   exit 1 when a series' newest point is more than PCT percent worse\n"
           "                         than the median of the points before it (its baseline window)\n"
           "      --window N         the baseline window: the N points before the newest (default 5)\n"
           "      --db FILE          the database (default results/history.db)\n"
           "      --plot PREFIX      write PREFIX.gp, .dat, .png and .svg (default\n"
           "                         reports/history/METRIC)\n"
           "      --no-plot          the table only\n"
           "  -h, --help             this text\n\n"
           "Exit status: 0 shown (and, with --fail-below, no series below its baseline), 1 a series'\n"
           "newest point below the --fail-below limit, 2 bad input (no database, unknown metric).\n");
}

static int param_match(const char *params_json, char **kv, size_t nkv)
{
    if (nkv == 0)
        return 1;
    json_t *p = json_loads(params_json, 0, NULL);
    int ok = 1;
    for (size_t i = 0; i < nkv && ok; i++) {
        const char *eq = strchr(kv[i], '=');
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv[i]), kv[i]);
        const json_t *v = json_object_get(p, key);
        char buf[256];
        if (json_is_string(v))
            snprintf(buf, sizeof buf, "%s", json_string_value(v));
        else if (json_is_integer(v))
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            snprintf(buf, sizeof buf, "%g", json_real_value(v));
        else
            buf[0] = '\0';
        ok = v && (!strcmp(buf, eq + 1) || (json_is_number(v) && atof(eq + 1) == json_number_value(v)));
    }
    json_decref(p);
    return ok;
}

/* The provenance changes from a to b (flattened JSON texts) worth marking. */
static void prov_changes(const char *a, const char *b, struct sbuf *out)
{
    json_t *pa = json_loads(a, 0, NULL), *pb = json_loads(b, 0, NULL);
    const char *path;
    json_t *va;
    json_t *keys = json_object();
    json_object_foreach(pa, path, va)
        json_object_set_new(keys, path, json_true());
    json_object_foreach(pb, path, va)
        json_object_set_new(keys, path, json_true());
    json_object_foreach(keys, path, va) {
        const char *cat = rp_provenance_category(path);
        if (!strcmp(cat, "other") || !strcmp(cat, "environment") || !strcmp(cat, "memory") || strstr(path, "flags") ||
            strstr(path, "caches") || strstr(path, "git_commit"))
            continue;
        json_t *x = json_object_get(pa, path), *y = json_object_get(pb, path);
        if (x && y && json_equal(x, y))
            continue;
        const char *sx = "(absent)", *sy = "(absent)", *k;
        json_t *t;
        json_object_foreach(x, k, t) { sx = k; break; }
        json_object_foreach(y, k, t) { sy = k; break; }
        const char *leaf = strrchr(path, '.');
        sb_printf(out, "%s%s %s: %s -> %s", out->len ? "; " : "", cat, leaf ? leaf + 1 : path, sx, sy);
    }
    json_decref(keys);
    json_decref(pa);
    json_decref(pb);
}

struct point {
    char *run_id, *created;
    double *v;
    size_t n, cap;
    char *prov;
    double med;
};

/* One case's points in time order (or every matching run with --pool). */
struct series {
    char *key, *label, *unit;
    int higher;
    struct point *p;
    size_t n, cap;
};

struct hist_opts {
    const char *metric, *bench, *test, *path, *plot;
    long nodes, window;
    double fail_below;  /* fraction; NaN: no gate */
    int no_plot, pool;
    char **kv;
    size_t nkv;
};

static struct series *series_for(struct series **all, size_t *n, size_t *cap, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*all)[i].key, key))
            return &(*all)[i];
    if (*n == *cap)
        *all = realloc(*all, (*cap = *cap ? 2 * *cap : 8) * sizeof **all);
    struct series *s = &(*all)[(*n)++];
    memset(s, 0, sizeof *s);
    s->key = strdup(key);
    return s;
}

/* "hpl n=32000 nb=192 p=2 q=4, 4 nodes, 8 ranks x 1 threads" */
static char *case_label(sqlite3_stmt *q)
{
    struct sbuf b;
    sb_init(&b);
    const char *bench = (const char *)sqlite3_column_text(q, 7), *test = (const char *)sqlite3_column_text(q, 8);
    sb_printf(&b, "%s%s%s ", bench ? bench : "?", test && *test ? " " : "", test && *test ? test : "");
    const char *params = (const char *)sqlite3_column_text(q, 6);
    json_t *pj = json_loads(params ? params : "{}", 0, NULL);
    rp_params_text(pj, &b);
    json_decref(pj);
    sb_printf(&b, ", %d node%s, %d ranks x %d threads", sqlite3_column_int(q, 9), sqlite3_column_int(q, 9) == 1 ? "" : "s",
              sqlite3_column_int(q, 10), sqlite3_column_int(q, 11));
    char *out = strdup(b.s);
    sb_free(&b);
    return out;
}

static void add_row(struct series *s, sqlite3_stmt *q)
{
    const char *rid = (const char *)sqlite3_column_text(q, 0);
    if (s->n == 0 || strcmp(s->p[s->n - 1].run_id, rid)) {
        if (s->n == s->cap)
            s->p = realloc(s->p, (s->cap = s->cap ? 2 * s->cap : 16) * sizeof *s->p);
        struct point *p = &s->p[s->n++];
        memset(p, 0, sizeof *p);
        p->run_id = strdup(rid);
        p->created = strdup((const char *)sqlite3_column_text(q, 1));
        p->prov = strdup((const char *)sqlite3_column_text(q, 2));
        if (!s->unit) {
            const char *u = (const char *)sqlite3_column_text(q, 4), *d = (const char *)sqlite3_column_text(q, 5);
            s->unit = strdup(u ? u : "");
            s->higher = !d || strcmp(d, "lower") != 0;
        }
    }
    struct point *p = &s->p[s->n - 1];
    if (p->n == p->cap)
        p->v = realloc(p->v, (p->cap = p->cap ? 2 * p->cap : 8) * sizeof *p->v);
    p->v[p->n++] = sqlite3_column_double(q, 3);
}

/* The series of the matching valid runs; returns how many, or exits 2 on a bad database. */
static size_t load_series(const struct hist_opts *o, struct series **out)
{
    char err[4096];
    sqlite3 *db;
    if (history_open(o->path, 0, &db, err, sizeof err) != 0)
        exa_input_error("%s", err);
    sqlite3_stmt *q;
    const char *sql = "SELECT r.run_id, r.created, r.provenance, m.value, m.unit, m.direction, c.parameters, "
                      "c.benchmark, c.test, c.nodes, c.ranks, c.threads_per_rank, c.case_key "
                      "FROM metrics m JOIN records c ON c.run_id = m.run_id AND c.run = m.run "
                      "JOIN runs r ON r.run_id = m.run_id "
                      "WHERE m.metric = ?1 AND c.ok = 1 AND m.value IS NOT NULL "
                      "AND (?2 IS NULL OR c.benchmark = ?2) AND (?3 IS NULL OR c.test = ?3) "
                      "AND (?4 < 0 OR c.nodes = ?4) ORDER BY r.created, r.run_id";
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        exa_input_error("%s: %s (is it an exabench history database?)", o->path, sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, o->metric, -1, SQLITE_STATIC);
    if (o->bench)
        sqlite3_bind_text(q, 2, o->bench, -1, SQLITE_STATIC);
    if (o->test)
        sqlite3_bind_text(q, 3, o->test, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, o->nodes);
    size_t n = 0, cap = 0;
    *out = NULL;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *params = (const char *)sqlite3_column_text(q, 6);
        if (!param_match(params ? params : "{}", o->kv, o->nkv))
            continue;
        const char *key = o->pool ? "pooled" : (const char *)sqlite3_column_text(q, 12);
        struct series *s = series_for(out, &n, &cap, key ? key : "");
        if (!s->label)
            s->label = o->pool ? strdup("every matching run pooled (--pool)") : case_label(q);
        add_row(s, q);
    }
    sqlite3_finalize(q);
    if (n == 0) {
        sqlite3_stmt *k;
        int known = 0;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM metrics WHERE metric = ? LIMIT 1", -1, &k, NULL) == SQLITE_OK) {
            sqlite3_bind_text(k, 1, o->metric, -1, SQLITE_STATIC);
            known = sqlite3_step(k) == SQLITE_ROW;
            sqlite3_finalize(k);
        }
        sqlite3_close(db);
        if (!known)
            exa_input_error("%s: unknown metric '%s': no ingested run has it", o->path, o->metric);
        return 0;
    }
    sqlite3_close(db);
    return n;
}

/* Prints one series' table and adds its points and provenance marks to the plot. */
static void print_series(struct series *s, size_t idx, struct rp_plot *plt)
{
    printf("case: %s (%zu run%s)\n", s->label, s->n, s->n == 1 ? "" : "s");
    printf("%-20s  %-28s %4s %12s %12s %12s %8s  %s\n", "date", "run", "n", "median", "best", "worst", "change",
           "provenance changes");
    sb_printf(&plt->dat, "# %s\n# created median best worst n run_id\n", s->label);
    double prev = NAN;
    for (size_t i = 0; i < s->n; i++) {
        struct point *p = &s->p[i];
        double med = exa_median(p->v, p->n), lo = p->v[0], hi = p->v[0];
        p->med = med;
        for (size_t k = 1; k < p->n; k++) {
            lo = p->v[k] < lo ? p->v[k] : lo;
            hi = p->v[k] > hi ? p->v[k] : hi;
        }
        double best = s->higher ? hi : lo, worst = s->higher ? lo : hi;
        struct sbuf ch;
        sb_init(&ch);
        if (i > 0)
            prov_changes(s->p[i - 1].prov, p->prov, &ch);
        char n1[32], n2[32], n3[32], chg[32];
        if (isnan(prev))
            snprintf(chg, sizeof chg, "-");
        else
            snprintf(chg, sizeof chg, "%+.1f%%", 100 * (med / prev - 1));
        printf("%-20s  %-28.28s %4zu %12s %12s %12s %8s  %s\n", p->created, p->run_id, p->n, rp_num(med, n1),
               rp_num(best, n2), rp_num(worst, n3), chg, ch.len ? ch.s : "");
        sb_printf(&plt->dat, "%s %.17g %.17g %.17g %zu %s\n", p->created, med, best, worst, p->n, p->run_id);
        if (ch.len && idx == 0) {  /* the marks once: the runs (and their changes) are shared */
            sb_printf(&plt->gp, "set arrow from '%s', graph 0 to '%s', graph 1 nohead dashtype 2 lc rgb '#c62828'\n",
                      p->created, p->created);
            sb_printf(&plt->gp, "set label at '%s', graph 0.98 rotate by 90 right offset character -0.8, 0 font ',8' tc rgb '#c62828' ", p->created);
            char lab[200];
            snprintf(lab, sizeof lab, " %s", ch.s);
            rp_gp_str(&plt->gp, lab);
            sb_add(&plt->gp, "\n");
        }
        sb_free(&ch);
        prev = med;
    }
    sb_add(&plt->dat, "\n\n");
}

/* --fail-below: the newest point against the median of the window before it; 1 when below. */
static int gate_series(const struct hist_opts *o, const struct series *s)
{
    if (s->n < 2) {
        printf("gate: %s: one run only, no baseline to compare with\n", s->label);
        return 0;
    }
    size_t last = s->n - 1, from = last > (size_t)o->window ? last - (size_t)o->window : 0;
    double *w = malloc((last - from) * sizeof *w);
    for (size_t i = from; i < last; i++)
        w[i - from] = s->p[i].med;
    double base = exa_median(w, last - from), newest = s->p[last].med;
    free(w);
    double change = newest / base - 1, worse = s->higher ? -change : change;
    int fail = worse > o->fail_below;
    printf("gate: %s: newest %s %+.1f%% against the median of the %zu run%s before it (window %ld): %s the %g%% "
           "limit%s\n",
           s->label, s->p[last].run_id, 100 * change, last - from, last - from == 1 ? "" : "s", o->window,
           fail ? "worse than" : "within", 100 * o->fail_below, fail ? ": FAIL" : "");
    return fail;
}

static void plot_and_free(const struct hist_opts *o, const char *prefix, struct series *all, size_t ns,
                          struct rp_plot *plt)
{
    char err[4096];
    char *d1 = strdup(prefix), *d2 = strdup(prefix);
    const char *dir = dirname(d1), *base = basename(d2);
    static const char *const colours[] = {"#1565c0", "#2a9d3a", "#e0a030", "#6a1b9a", "#00838f", "#c62828"};
    sb_add(&plt->gp, "plot ");
    for (size_t i = 0; i < ns; i++) {
        sb_printf(&plt->gp, "%s'%s.dat' index %zu using 1:2:4:3 with yerrorbars pt 0 lc rgb 'gray' notitle, \\\n"
                            "     '%s.dat' index %zu using 1:2 with linespoints pt 7 lw 2 lc rgb '%s' title ",
                  i ? ", \\\n     " : "", base, i, base, i, colours[i % 6]);
        rp_gp_str(&plt->gp, ns == 1 ? "median" : all[i].label);
    }
    sb_add(&plt->gp, "\n");
    rp_plot_finish(plt);
    if (!o->no_plot) {
        if (rp_mkdir_p(dir, err, sizeof err) != 0 || rp_plots_write(dir, plt, 1, 1, err, sizeof err) != 0)
            exa_input_error("the history plot failed: %s", err);
        printf("\nplot: %s.png (%s.gp, %s.dat, %s.svg)\n", prefix, prefix, prefix, prefix);
    }
    free(d1);
    free(d2);
    for (size_t k = 0; k < ns; k++) {
        for (size_t i = 0; i < all[k].n; i++) {
            free(all[k].p[i].run_id);
            free(all[k].p[i].created);
            free(all[k].p[i].prov);
            free(all[k].p[i].v);
        }
        free(all[k].p);
        free(all[k].key);
        free(all[k].label);
        free(all[k].unit);
    }
    free(all);
}

static void parse_options(int argc, char **argv, struct hist_opts *o)
{
    static const struct option opts[] = {{"metric", required_argument, 0, 'm'}, {"benchmark", required_argument, 0, 'b'},
                                         {"test", required_argument, 0, 't'},   {"nodes", required_argument, 0, 'n'},
                                         {"param", required_argument, 0, 'p'},  {"db", required_argument, 0, 'd'},
                                         {"plot", required_argument, 0, 'P'},   {"no-plot", no_argument, 0, 'N'},
                                         {"pool", no_argument, 0, 'o'},         {"fail-below", required_argument, 0, 'f'},
                                         {"window", required_argument, 0, 'w'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    char perr[EXA_ERR_LEN];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o->metric = optarg; break;
        case 'b': o->bench = optarg; break;
        case 't': o->test = optarg; break;
        case 'n':
            if (exa_parse_long(optarg, 1, 10000000, &o->nodes, perr) != 0)
                exa_usage_error("--nodes '%s': %s", optarg, perr);
            break;
        case 'p':
            if (!strchr(optarg, '=') || optarg[0] == '=')
                exa_usage_error("--param '%s': expected KEY=VALUE", optarg);
            o->kv[o->nkv++] = optarg;
            break;
        case 'd': o->path = optarg; break;
        case 'P': o->plot = optarg; break;
        case 'N': o->no_plot = 1; break;
        case 'o': o->pool = 1; break;
        case 'f': {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", optarg);
            size_t l = strlen(buf);
            if (l && buf[l - 1] == '%')
                buf[l - 1] = '\0';
            if (exa_parse_double(buf, 0, 100, &o->fail_below, perr) != 0)
                exa_usage_error("--fail-below '%s': %s (a percentage from 0 to 100)", optarg, perr);
            o->fail_below /= 100;
            break;
        }
        case 'w':
            if (exa_parse_long(optarg, 1, 1000000, &o->window, perr) != 0)
                exa_usage_error("--window '%s': %s", optarg, perr);
            break;
        case 'h': usage(); exit(EXA_EXIT_OK);
        default: exa_usage_error("history: unknown option (see 'exabench history --help')");
        }
    }
}

int cmd_history(int argc, char **argv)
{
    struct hist_opts o = {NULL, NULL, NULL, "results/history.db", NULL, -1, 5, NAN, 0, 0, NULL, 0};
    o.kv = calloc((size_t)argc + 1, sizeof *o.kv);
    parse_options(argc, argv, &o);
    if (!o.metric)
        exa_usage_error("history: --metric NAME is required");
    if (optind != argc)
        exa_usage_error("history: unexpected argument '%s'", argv[optind]);
    FILE *f = fopen(o.path, "rb");
    if (!f)
        exa_input_error("%s: no history database (create it with 'exabench ingest RUN')", o.path);
    fclose(f);
    struct series *all;
    size_t ns = load_series(&o, &all);
    if (ns == 0) {
        printf("history: no valid run in %s matches metric %s with these filters\n", o.path, o.metric);
        free(o.kv);
        return EXA_EXIT_OK;
    }
    size_t runs = 0;
    for (size_t i = 0; i < ns; i++)
        runs += all[i].n;
    printf("history of %s%s%s%s%s in %s (%zu runs, %zu case%s%s)\n\n", o.metric, o.bench ? ", benchmark " : "",
           o.bench ? o.bench : "", o.test ? ", test " : "", o.test ? o.test : "", o.path, runs, ns, ns == 1 ? "" : "s",
           o.pool ? ", pooled" : "");
    struct rp_plot plt;
    char title[256], prefix[4096];
    snprintf(title, sizeof title, "history of %s (%s)", o.metric, all[0].unit);
    if (o.plot)
        snprintf(prefix, sizeof prefix, "%s", o.plot);
    else
        snprintf(prefix, sizeof prefix, "reports/history/%s", o.metric);
    char *stem = strdup(prefix);
    rp_plot_begin(&plt, basename(stem), title);
    free(stem);
    sb_add(&plt.gp, "set xdata time\nset timefmt '%Y-%m-%dT%H:%M:%SZ'\nset format x '%Y-%m-%d'\n"
                    "set xtics rotate by -30\nset ylabel ");
    rp_gp_str(&plt.gp, all[0].unit);
    sb_add(&plt.gp, "\nset yrange [0:*]\nset offsets graph 0.05, graph 0.05, 0, 0\n");
    for (size_t i = 0; i < ns; i++) {
        print_series(&all[i], i, &plt);
        printf("\n");
    }
    int fails = 0;
    if (!isnan(o.fail_below))
        for (size_t i = 0; i < ns; i++)
            fails += gate_series(&o, &all[i]);
    plot_and_free(&o, prefix, all, ns, &plt);
    rp_plot_free(&plt);
    free(o.kv);
    return fails ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
