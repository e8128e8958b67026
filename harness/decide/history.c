/* exabench history: a metric's trend across the ingested runs, as a table and a gnuplot
 * time-series plot, with the provenance changes between consecutive runs (a new BIOS, firmware,
 * driver, kernel, MPI, BLAS or compiler) marked on the time axis. */
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
           "firmware, driver, kernel, MPI, BLAS, compiler, CPU). Writes a gnuplot time-series plot\n"
           "with those changes marked on the time axis.\n\n"
           "Options:\n"
           "      --metric NAME      the metric (e.g. gflops, triad_bandwidth) (required)\n"
           "      --benchmark NAME   only runs of this benchmark\n"
           "      --test NAME        only this sub-test\n"
           "      --nodes N          only runs on N nodes\n"
           "      --param K=V        only runs whose parameter K equals V (repeatable)\n"
           "      --db FILE          the database (default results/history.db)\n"
           "      --plot PREFIX      write PREFIX.gp, .dat, .png and .svg (default\n"
           "                         reports/history/METRIC)\n"
           "      --no-plot          the table only\n"
           "  -h, --help             this text\n\n"
           "Exit status: 0 shown, 2 bad input (no database, unknown metric).\n");
}

struct point {
    char *run_id, *created;
    double *v;
    size_t n, cap;
    char *prov;
    int higher;
    char *unit;
};

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

int cmd_history(int argc, char **argv)
{
    static const struct option opts[] = {{"metric", required_argument, 0, 'm'}, {"benchmark", required_argument, 0, 'b'},
                                         {"test", required_argument, 0, 't'},   {"nodes", required_argument, 0, 'n'},
                                         {"param", required_argument, 0, 'p'},  {"db", required_argument, 0, 'd'},
                                         {"plot", required_argument, 0, 'P'},   {"no-plot", no_argument, 0, 'N'},
                                         {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *metric = NULL, *bench = NULL, *test = NULL, *path = "results/history.db", *plot = NULL;
    long nodes = -1;
    int no_plot = 0, c;
    char **kv = calloc((size_t)argc + 1, sizeof *kv);
    size_t nkv = 0;
    char perr[EXA_ERR_LEN];
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': metric = optarg; break;
        case 'b': bench = optarg; break;
        case 't': test = optarg; break;
        case 'n':
            if (exa_parse_long(optarg, 1, 10000000, &nodes, perr) != 0)
                exa_usage_error("--nodes '%s': %s", optarg, perr);
            break;
        case 'p':
            if (!strchr(optarg, '=') || optarg[0] == '=')
                exa_usage_error("--param '%s': expected KEY=VALUE", optarg);
            kv[nkv++] = optarg;
            break;
        case 'd': path = optarg; break;
        case 'P': plot = optarg; break;
        case 'N': no_plot = 1; break;
        case 'h': usage(); free(kv); return EXA_EXIT_OK;
        default: exa_usage_error("history: unknown option (see 'exabench history --help')");
        }
    }
    if (!metric)
        exa_usage_error("history: --metric NAME is required");
    if (optind != argc)
        exa_usage_error("history: unexpected argument '%s'", argv[optind]);
    FILE *f = fopen(path, "rb");
    if (!f)
        exa_input_error("%s: no history database (create it with 'exabench ingest RUN')", path);
    fclose(f);
    char err[4096];
    sqlite3 *db;
    if (history_open(path, 0, &db, err, sizeof err) != 0)
        exa_input_error("%s", err);
    sqlite3_stmt *q;
    const char *sql = "SELECT r.run_id, r.created, r.provenance, m.value, m.unit, m.direction, c.parameters "
                      "FROM metrics m JOIN records c ON c.run_id = m.run_id AND c.run = m.run "
                      "JOIN runs r ON r.run_id = m.run_id "
                      "WHERE m.metric = ?1 AND c.ok = 1 AND m.value IS NOT NULL "
                      "AND (?2 IS NULL OR c.benchmark = ?2) AND (?3 IS NULL OR c.test = ?3) "
                      "AND (?4 < 0 OR c.nodes = ?4) ORDER BY r.created, r.run_id";
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        exa_input_error("%s: %s (is it an exabench history database?)", path, sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, metric, -1, SQLITE_STATIC);
    if (bench)
        sqlite3_bind_text(q, 2, bench, -1, SQLITE_STATIC);
    if (test)
        sqlite3_bind_text(q, 3, test, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, nodes);
    struct point *pts = NULL;
    size_t np = 0, cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *params = (const char *)sqlite3_column_text(q, 6);
        if (!param_match(params ? params : "{}", kv, nkv))
            continue;
        const char *rid = (const char *)sqlite3_column_text(q, 0);
        if (np == 0 || strcmp(pts[np - 1].run_id, rid)) {
            if (np == cap)
                pts = realloc(pts, (cap = cap ? 2 * cap : 16) * sizeof *pts);
            struct point *p = &pts[np++];
            memset(p, 0, sizeof *p);
            p->run_id = strdup(rid);
            p->created = strdup((const char *)sqlite3_column_text(q, 1));
            p->prov = strdup((const char *)sqlite3_column_text(q, 2));
            const char *u = (const char *)sqlite3_column_text(q, 4);
            p->unit = strdup(u ? u : "");
            const char *d = (const char *)sqlite3_column_text(q, 5);
            p->higher = !d || strcmp(d, "lower") != 0;
        }
        struct point *p = &pts[np - 1];
        if (p->n == p->cap)
            p->v = realloc(p->v, (p->cap = p->cap ? 2 * p->cap : 8) * sizeof *p->v);
        p->v[p->n++] = sqlite3_column_double(q, 3);
    }
    sqlite3_finalize(q);
    if (np == 0) {
        sqlite3_stmt *k;
        int known = 0;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM metrics WHERE metric = ? LIMIT 1", -1, &k, NULL) == SQLITE_OK) {
            sqlite3_bind_text(k, 1, metric, -1, SQLITE_STATIC);
            known = sqlite3_step(k) == SQLITE_ROW;
            sqlite3_finalize(k);
        }
        sqlite3_close(db);
        free(kv);
        if (!known)
            exa_input_error("%s: unknown metric '%s': no ingested run has it", path, metric);
        printf("history: no valid run in %s matches metric %s with these filters\n", path, metric);
        return EXA_EXIT_OK;
    }
    sqlite3_close(db);

    printf("history of %s%s%s%s%s in %s (%zu runs)\n\n", metric, bench ? ", benchmark " : "", bench ? bench : "",
           test ? ", test " : "", test ? test : "", path, np);
    printf("%-20s  %-28s %4s %12s %12s %12s %8s  %s\n", "date", "run", "n", "median", "best", "worst", "change",
           "provenance changes");
    struct rp_plot plt;
    char title[256];
    snprintf(title, sizeof title, "history of %s (%s)", metric, pts[0].unit);
    char prefix[4096];
    if (plot)
        snprintf(prefix, sizeof prefix, "%s", plot);
    else
        snprintf(prefix, sizeof prefix, "reports/history/%s", metric);
    char *d1 = strdup(prefix), *d2 = strdup(prefix);
    const char *dir = dirname(d1), *base = basename(d2);
    rp_plot_begin(&plt, base, title);
    sb_add(&plt.gp, "set xdata time\nset timefmt '%Y-%m-%dT%H:%M:%SZ'\nset format x '%Y-%m-%d'\n"
                    "set xtics rotate by -30\nset ylabel ");
    rp_gp_str(&plt.gp, pts[0].unit);
    sb_add(&plt.gp, "\nset yrange [0:*]\nset offsets graph 0.05, graph 0.05, 0, 0\n");
    sb_add(&plt.dat, "# created median best worst n run_id\n");
    double prev = NAN;
    for (size_t i = 0; i < np; i++) {
        struct point *p = &pts[i];
        double med = exa_median(p->v, p->n), lo = p->v[0], hi = p->v[0];
        for (size_t k = 1; k < p->n; k++) {
            lo = p->v[k] < lo ? p->v[k] : lo;
            hi = p->v[k] > hi ? p->v[k] : hi;
        }
        double best = p->higher ? hi : lo, worst = p->higher ? lo : hi;
        struct sbuf ch;
        sb_init(&ch);
        if (i > 0)
            prov_changes(pts[i - 1].prov, p->prov, &ch);
        char n1[32], n2[32], n3[32], chg[32];
        if (isnan(prev))
            snprintf(chg, sizeof chg, "-");
        else
            snprintf(chg, sizeof chg, "%+.1f%%", 100 * (med / prev - 1));
        printf("%-20s  %-28.28s %4zu %12s %12s %12s %8s  %s\n", p->created, p->run_id, p->n, rp_num(med, n1),
               rp_num(best, n2), rp_num(worst, n3), chg, ch.len ? ch.s : "");
        sb_printf(&plt.dat, "%s %.17g %.17g %.17g %zu %s\n", p->created, med, best, worst, p->n, p->run_id);
        if (ch.len) {
            sb_printf(&plt.gp, "set arrow from '%s', graph 0 to '%s', graph 1 nohead dashtype 2 lc rgb '#c62828'\n",
                      p->created, p->created);
            sb_printf(&plt.gp, "set label at '%s', graph 0.98 rotate by 90 right offset character -0.8, 0 font ',8' tc rgb '#c62828' ", p->created);
            char lab[200];
            snprintf(lab, sizeof lab, " %s", ch.s);
            rp_gp_str(&plt.gp, lab);
            sb_add(&plt.gp, "\n");
        }
        sb_free(&ch);
        prev = med;
    }
    sb_printf(&plt.gp, "plot '%s.dat' using 1:2:4:3 with yerrorbars pt 0 lc rgb 'gray' title 'best / worst', \\\n"
                       "     '%s.dat' using 1:2 with linespoints pt 7 lw 2 lc rgb '#1565c0' title 'median'\n",
              base, base);
    rp_plot_finish(&plt);
    if (!no_plot) {
        if (rp_mkdir_p(dir, err, sizeof err) != 0 || rp_plots_write(dir, &plt, 1, 1, err, sizeof err) != 0) {
            fprintf(stderr, "exabench: error: the history plot failed: %s\n", err);
            rp_plot_free(&plt);
            return EXA_EXIT_USAGE;
        }
        printf("\nplot: %s.png (%s.gp, %s.dat, %s.svg)\n", prefix, prefix, prefix, prefix);
    }
    rp_plot_free(&plt);
    free(d1);
    free(d2);
    for (size_t i = 0; i < np; i++) {
        free(pts[i].run_id);
        free(pts[i].created);
        free(pts[i].prov);
        free(pts[i].unit);
        free(pts[i].v);
    }
    free(pts);
    free(kv);
    return EXA_EXIT_OK;
}
