/* The report's plots as gnuplot scripts with their data beside them, so that a user can restyle a
 * plot and re-run `gnuplot NAME.gp`. Each script writes NAME.png and NAME.svg. Only valid runs
 * feed a plot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_stats.h"
#include "kind.h"
#include "report.h"
#include "rstats.h"

void rp_gp_str(struct sbuf *b, const char *s)
{
    sb_add(b, "'");
    for (; *s; s++) {
        if (*s == '\'')
            sb_add(b, "''");
        else if (*s != '\n')
            sb_addn(b, s, 1);
    }
    sb_add(b, "'");
}

void rp_plot_begin(struct rp_plot *p, const char *name, const char *title)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->title, sizeof p->title, "%s", title);
    sb_init(&p->gp);
    sb_init(&p->dat);
    sb_printf(&p->gp,
              "# exabench plot '%s': edit freely and re-run with `gnuplot %s.gp`.\n"
              "# Data: %s.dat (datasets separated by two blank lines, selected with 'index').\n"
              "set terminal pngcairo size 960,560 noenhanced font ',10'\n"
              "set output '%s.png'\n"
              "set datafile missing 'NaN'\n"
              "set grid\nset key outside right top\nset title ",
              name, name, name, name);
    rp_gp_str(&p->gp, title);
    sb_add(&p->gp, "\n");
}

void rp_plot_finish(struct rp_plot *p)
{
    sb_add(&p->gp, "set terminal svg size 960,560 dynamic noenhanced font ',10'\nset output '");
    sb_add(&p->gp, p->name);
    sb_add(&p->gp, ".svg'\nreplot\n");
}

void rp_plot_free(struct rp_plot *p)
{
    sb_free(&p->gp);
    sb_free(&p->dat);
}

int rp_plots_write(const char *dir, struct rp_plot *plots, size_t n, int render, char *err, size_t errlen)
{
    char path[4096];
    char **scripts = calloc(n ? n : 1, sizeof *scripts);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s.gp", dir, plots[i].name);
        if (rp_write_file(path, plots[i].gp.s, plots[i].gp.len, err, errlen) != 0)
            goto fail;
        snprintf(path, sizeof path, "%s/%s.dat", dir, plots[i].name);
        if (rp_write_file(path, plots[i].dat.s, plots[i].dat.len, err, errlen) != 0)
            goto fail;
        snprintf(path, sizeof path, "%s.gp", plots[i].name);
        scripts[i] = strdup(path);
    }
    int failed = render ? rp_gnuplot(dir, scripts, n, err, errlen) : 0;
    for (size_t i = 0; i < n; i++)
        free(scripts[i]);
    free(scripts);
    return failed;
fail:
    for (size_t i = 0; i < n; i++)
        free(scripts[i]);
    free(scripts);
    return (int)n;
}

/* ---- a small table of series -> (x, y) points keeping the best y per x ---- */
struct series {
    char name[160];
    int higher;            /* best = max (1) or min (0) */
    size_t n, cap;
    double *x, *y;
};
struct series_set {
    struct series *s;
    size_t n, cap;
};

static struct series *series_get(struct series_set *ss, const char *name, int higher)
{
    for (size_t i = 0; i < ss->n; i++)
        if (!strcmp(ss->s[i].name, name))
            return &ss->s[i];
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? 2 * ss->cap : 8;
        ss->s = realloc(ss->s, ss->cap * sizeof *ss->s);
    }
    struct series *s = &ss->s[ss->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->higher = higher;
    return s;
}

static void series_put(struct series *s, double x, double y)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->x[i] == x) {
            if (s->higher ? y > s->y[i] : y < s->y[i])
                s->y[i] = y;
            return;
        }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->x = realloc(s->x, s->cap * sizeof *s->x);
        s->y = realloc(s->y, s->cap * sizeof *s->y);
    }
    s->x[s->n] = x;
    s->y[s->n++] = y;
}

static void series_sort(struct series *s)
{
    for (size_t i = 1; i < s->n; i++)
        for (size_t j = i; j > 0 && s->x[j - 1] > s->x[j]; j--) {
            double t = s->x[j];
            s->x[j] = s->x[j - 1], s->x[j - 1] = t;
            t = s->y[j];
            s->y[j] = s->y[j - 1], s->y[j - 1] = t;
        }
}

static void series_free(struct series_set *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        free(ss->s[i].x);
        free(ss->s[i].y);
    }
    free(ss->s);
    memset(ss, 0, sizeof *ss);
}

/* Writes each series as one dataset and a plot command drawing them all. extra: appended items. */
static void plot_series(struct rp_plot *p, struct series_set *ss, const char *style, const char *extra)
{
    sb_add(&p->gp, "plot ");
    for (size_t i = 0; i < ss->n; i++) {
        struct series *s = &ss->s[i];
        series_sort(s);
        sb_printf(&p->dat, "# %s\n", s->name);
        for (size_t k = 0; k < s->n; k++)
            sb_printf(&p->dat, "%.17g %.17g\n", s->x[k], s->y[k]);
        sb_add(&p->dat, "\n\n");
        sb_printf(&p->gp, "%s'%s.dat' index %zu using 1:2 with %s title ", i ? ", \\\n     " : "", p->name, i,
                  style);
        rp_gp_str(&p->gp, s->name);
    }
    if (extra)
        sb_printf(&p->gp, "%s%s", ss->n ? ", \\\n     " : "", extra);
    sb_add(&p->gp, "\n");
}

static struct rp_plot *add_plot(struct rp_plot **plots, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *plots = realloc(*plots, *cap * sizeof **plots);
    }
    return &(*plots)[(*n)++];
}


/* The expected peak a grid's HPL records carry (calibrated dgemm x grid cores), for the Rpeak line
 * when the suite names no system Rpeak. */
struct grid_peak {
    char grid[160];
    char basis[64];
    double rpeak;
};

static void note_grid_peak(struct grid_peak *peaks, int *n, const char *grid, const struct rd_run *r)
{
    const json_t *m = json_object_get(json_object_get(r->rec, "metrics"), "gflops");
    const json_t *e = json_object_get(m, "expected");
    if (!json_is_number(e) || json_number_value(e) <= 0)
        return;
    int k;
    for (k = 0; k < *n; k++)
        if (!strcmp(peaks[k].grid, grid))
            break;
    if (k == *n) {
        if (*n == 64)
            return;
        snprintf(peaks[k].grid, sizeof peaks[k].grid, "%s", grid);
        peaks[k].rpeak = 0;
        (*n)++;
    }
    if (json_number_value(e) > peaks[k].rpeak) {
        const char *b = json_string_value(json_object_get(m, "expected_basis"));
        peaks[k].rpeak = json_number_value(e);
        snprintf(peaks[k].basis, sizeof peaks[k].basis, "%s", b ? b : "record");
    }
}

static void plot_hpl(const struct rd_set *set, struct rp_plot **plots, size_t *np, size_t *cap)
{
    struct series_set grids = {0}, scaling = {0};
    char name[160];
    int nodes_seen[64], nnodes = 0;
    struct grid_peak grid_peaks[64];
    int ngrid_peaks = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        double g;
        if (!r->ok || !kind_has_plot(r->benchmark, "size_sweep") || rd_metric(r, "gflops", &g, NULL, NULL) != 0)
            continue;
        double N = rd_param(r, "n"), P = rd_param(r, "p"), Q = rd_param(r, "q"), NB = rd_param(r, "nb");
        if (isnan(N))
            continue;
        if (!isnan(P) && !isnan(Q) && !isnan(NB))
            snprintf(name, sizeof name, "%d node%s, %gx%g grid, NB=%g", r->nodes, r->nodes == 1 ? "" : "s", P, Q, NB);
        else if (!isnan(P) && !isnan(Q))
            snprintf(name, sizeof name, "%d node%s, %gx%g grid", r->nodes, r->nodes == 1 ? "" : "s", P, Q);
        else
            snprintf(name, sizeof name, "%d node%s, %d ranks", r->nodes, r->nodes == 1 ? "" : "s", r->ranks);
        series_put(series_get(&grids, name, 1), N, g);
        note_grid_peak(grid_peaks, &ngrid_peaks, name, r);
        series_put(series_get(&scaling, "Rmax", 1), r->nodes, g);
        int k;
        for (k = 0; k < nnodes; k++)
            if (nodes_seen[k] == r->nodes)
                break;
        if (k == nnodes && nnodes < 64)
            nodes_seen[nnodes++] = r->nodes;
    }
    if (grids.n == 0)
        return;
    struct rp_plot *p = add_plot(plots, np, cap);
    rp_plot_begin(p, "hpl_gflops_vs_n", "HPL: Gflop/s against N for each grid");
    sb_add(&p->gp, "set xlabel 'N (matrix order)'\nset ylabel 'Gflop/s'\nset yrange [0:*]\n");
    struct sbuf extra;
    sb_init(&extra);
    if (set->rpeak_per_node > 0)
        for (int k = 0; k < nnodes; k++) {
            sb_printf(&extra, "%s%.17g with lines dashtype 2 lw 2 title 'Rpeak (%d node%s)'", k ? ", " : "",
                      set->rpeak_per_node * nodes_seen[k], nodes_seen[k], nodes_seen[k] == 1 ? "" : "s");
        }
    else /* no system Rpeak in the suite: each grid's own expected peak, from its records */
        for (int k = 0; k < ngrid_peaks; k++)
            sb_printf(&extra, "%s%.17g with lines dashtype 2 lw 2 title 'Rpeak %s (%s)'", k ? ", " : "",
                      grid_peaks[k].rpeak, grid_peaks[k].grid, grid_peaks[k].basis);
    plot_series(p, &grids, "linespoints pt 7", extra.len ? extra.s : NULL);
    sb_free(&extra);
    rp_plot_finish(p);

    struct series *rm = &scaling.s[0];
    series_sort(rm);
    if (rm->n >= 2) {  /* one node count is a point, not a scaling curve: no plot */
        p = add_plot(plots, np, cap);
        rp_plot_begin(p, "hpl_scaling", "HPL: Rmax and parallel efficiency against node count");
        sb_add(&p->gp, "set xlabel 'nodes'\nset ylabel 'Rmax (Gflop/s)'\nset y2label 'parallel efficiency'\n"
                       "set y2tics\nset ytics nomirror\nset yrange [0:*]\nset y2range [0:1.2]\n");
        sb_add(&p->dat, "# nodes rmax_gflops parallel_efficiency (Rmax per node / Rmax per node at the fewest nodes)\n");
        double base = rm->y[0] / rm->x[0];
        for (size_t k = 0; k < rm->n; k++)
            sb_printf(&p->dat, "%.17g %.17g %.17g\n", rm->x[k], rm->y[k], rm->y[k] / rm->x[k] / base);
        sb_printf(&p->gp, "plot '%s.dat' using 1:2 with linespoints pt 7 lw 2 title 'Rmax', \\\n"
                          "     '%s.dat' using 1:3 axes x1y2 with linespoints pt 5 dashtype 3 title 'parallel efficiency'\n",
                  p->name, p->name);
        rp_plot_finish(p);
    }
    series_free(&grids);
    series_free(&scaling);
}

static const char *stream_kernels[] = {"copy_bandwidth", "scale_bandwidth", "add_bandwidth", "triad_bandwidth",
                                       "dot_bandwidth"};
#define N_KERNELS (sizeof stream_kernels / sizeof stream_kernels[0])

struct stream_cfg {
    int nodes, ranks, threads;
    double best[N_KERNELS];
};

static int cmp_cfg(const void *a, const void *b)
{
    const struct stream_cfg *x = a, *y = b;
    long tx = (long)x->ranks * x->threads, ty = (long)y->ranks * y->threads;
    if (x->nodes != y->nodes)
        return x->nodes - y->nodes;
    if (tx != ty)
        return tx < ty ? -1 : 1;
    return x->ranks - y->ranks;
}

static void plot_stream(const struct rd_set *set, struct rp_plot **plots, size_t *np, size_t *cap)
{
    struct stream_cfg *cfg = NULL;
    size_t nc = 0, cc = 0;
    int used[N_KERNELS] = {0};
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!r->ok || !kind_has_plot(r->benchmark, "kernels"))
            continue;
        size_t k;
        for (k = 0; k < nc; k++)
            if (cfg[k].nodes == r->nodes && cfg[k].ranks == r->ranks && cfg[k].threads == r->threads_per_rank)
                break;
        if (k == nc) {
            if (nc == cc)
                cfg = realloc(cfg, (cc = cc ? 2 * cc : 8) * sizeof *cfg);
            cfg[nc] = (struct stream_cfg){r->nodes, r->ranks, r->threads_per_rank, {0}};
            for (size_t j = 0; j < N_KERNELS; j++)
                cfg[nc].best[j] = NAN;
            nc++;
        }
        for (size_t j = 0; j < N_KERNELS; j++) {
            double v;
            if (rd_metric(r, stream_kernels[j], &v, NULL, NULL) == 0 && (isnan(cfg[k].best[j]) || v > cfg[k].best[j])) {
                cfg[k].best[j] = v;
                used[j] = 1;
            }
        }
    }
    if (nc == 0)
        return;
    qsort(cfg, nc, sizeof *cfg, cmp_cfg);
    struct rp_plot *p = add_plot(plots, np, cap);
    rp_plot_begin(p, "stream_kernels", "STREAM: bandwidth of each kernel against ranks x threads");
    sb_add(&p->gp, "set xlabel 'nodes: ranks x threads per rank'\nset ylabel 'GB/s'\nset yrange [0:*]\n"
                   "set xtics rotate by -30\nset offsets 0.3, 0.3, 0, 0\n");
    sb_add(&p->dat, "# config");
    for (size_t j = 0; j < N_KERNELS; j++)
        sb_printf(&p->dat, " %s", stream_kernels[j]);
    sb_add(&p->dat, "\n");
    for (size_t k = 0; k < nc; k++) {
        sb_printf(&p->dat, "\"%dn:%dx%d\"", cfg[k].nodes, cfg[k].ranks, cfg[k].threads);
        for (size_t j = 0; j < N_KERNELS; j++)
            sb_printf(&p->dat, " %.17g", cfg[k].best[j]);
        sb_add(&p->dat, "\n");
    }
    sb_add(&p->gp, "plot ");
    int first = 1;
    for (size_t j = 0; j < N_KERNELS; j++) {
        if (!used[j])
            continue;
        char title[32];
        snprintf(title, sizeof title, "%.*s", (int)(strchr(stream_kernels[j], '_') - stream_kernels[j]),
                 stream_kernels[j]);
        sb_printf(&p->gp, "%s'%s.dat' using 0:%zu%s with linespoints pt 7 title '%s'", first ? "" : ", \\\n     ",
                  p->name, j + 2, first ? ":xtic(1)" : "", title);
        first = 0;
    }
    sb_add(&p->gp, "\n");
    rp_plot_finish(p);
    free(cfg);
}

struct comm_ctx {
    struct series_set lat, bw, coll, rate;
    const struct rd_run *run;
};

static int is_pt2pt(const char *test)
{
    return !*test || strstr(test, "latency") || strstr(test, "bandwidth") || strstr(test, "bw") ||
           strstr(test, "rate") || strstr(test, "pt2pt") || strstr(test, "pingpong");
}

static void comm_point(void *vctx, const char *series, double size, double value, const char *unit)
{
    struct comm_ctx *c = vctx;
    char name[160];
    snprintf(name, sizeof name, "%s (%d node%s, %d ranks)", series, c->run->nodes, c->run->nodes == 1 ? "" : "s",
             c->run->ranks);
    if (size <= 0 || !isfinite(value) || value <= 0)
        return;  /* log axes */
    if (!strcmp(unit, "us")) {
        if (is_pt2pt(c->run->test))
            series_put(series_get(&c->lat, name, 0), size, value);
        else
            series_put(series_get(&c->coll, name, 0), size, value);
    } else if (!strcmp(unit, "GB/s") || !strcmp(unit, "MB/s")) {
        series_put(series_get(&c->bw, name, 1), size, value);
    } else if (!strcmp(unit, "Mmsg/s")) {
        series_put(series_get(&c->rate, name, 1), size, value);
    }
}

static void comm_plot(struct rp_plot **plots, size_t *np, size_t *cap, struct series_set *ss, const char *name,
                      const char *title, const char *ylabel)
{
    if (ss->n == 0)
        return;
    struct rp_plot *p = add_plot(plots, np, cap);
    rp_plot_begin(p, name, title);
    sb_printf(&p->gp, "set logscale xy\nset format x '%%.0s%%cB'\nset xlabel 'message size (bytes)'\nset ylabel '%s'\n",
              ylabel);
    plot_series(p, ss, "linespoints pt 7 ps 0.6", NULL);
    rp_plot_finish(p);
}

size_t rp_build_plots(const struct rd_set *set, struct rp_plot **out)
{
    struct rp_plot *plots = NULL;
    size_t n = 0, cap = 0;
    plot_hpl(set, &plots, &n, &cap);
    plot_stream(set, &plots, &n, &cap);
    struct comm_ctx c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!r->ok || !kind_has_plot(r->benchmark, "message_sizes") || strstr(r->test, "allpairs"))
            continue;
        c.run = r;
        rp_comm_points(r, comm_point, &c);
    }
    comm_plot(&plots, &n, &cap, &c.lat, "comm_latency", "comm: point-to-point latency against message size", "latency (us)");
    comm_plot(&plots, &n, &cap, &c.bw, "comm_bandwidth", "comm: bandwidth against message size", "bandwidth (GB/s)");
    comm_plot(&plots, &n, &cap, &c.rate, "comm_message_rate", "comm: message rate against message size", "Mmsg/s");
    comm_plot(&plots, &n, &cap, &c.coll, "comm_collectives", "comm: collectives, latency against message size",
              "latency (us)");
    series_free(&c.lat);
    series_free(&c.bw);
    series_free(&c.rate);
    series_free(&c.coll);
    rp_plot_allpairs(set, &plots, &n, &cap);
    *out = plots;
    return n;
}
