/* The report's all-pairs parts (exa-comm allpairs records): the heat maps and the page section that
 * names the hosts of slow pairs and the outlier nodes. Reads both record forms (exabench-record(5)):
 * the dense P x P "matrix" (up to 64 ranks, or --json-matrix always) and the node-level form
 * ("layout": "nodes", with "groups"). A map has at most 64 x 64 cells, readable at 960 px: a
 * larger rank matrix without groups is binned by rank group here; the node-level form is drawn
 * from its node groups, cells holding a slow node pair circled so that one bad node among 6,000
 * stays visible. The colour scale is anchored at the median +-25% (the inter-node median when
 * there is one): a 5% spread stays pale, and only a real outlier reaches full colour. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_stats.h"
#include "kind.h"
#include "report.h"

#define MAX_CELLS 64
#define ANCHOR 0.25

/* One map: n x n cells (row-major, NaN blank), marks as (row, column) cells, tic labels. */
struct hmap {
    size_t n;
    double *v;
    size_t *marks, nmarks;
    const char *axis;      /* "rank", "node", "node group" */
    double median;
};

static struct rp_plot *new_plot(struct rp_plot **plots, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *plots = realloc(*plots, *cap * sizeof **plots);
    }
    return &(*plots)[(*n)++];
}

static void mark(struct hmap *m, size_t row, size_t col)
{
    if (m->nmarks % 64 == 0)
        m->marks = realloc(m->marks, (m->nmarks + 64) * 2 * sizeof *m->marks);
    m->marks[2 * m->nmarks] = row;
    m->marks[2 * m->nmarks + 1] = col;
    m->nmarks++;
}

static double num(const json_t *x)
{
    return json_is_number(x) ? json_number_value(x) : NAN;
}

/* The anchor: results.medians.inter (else intra) of the figure, else the median of the cells. */
static double anchor(const json_t *res, const char *key, const struct hmap *m)
{
    const json_t *med = json_object_get(res, "medians");
    double a = num(json_object_get(json_object_get(med, "inter"), key));
    if (!(a > 0))
        a = num(json_object_get(json_object_get(med, "intra"), key));
    if (a > 0)
        return a;
    double *tmp = malloc((m->n * m->n + 1) * sizeof *tmp);
    size_t k = 0;
    for (size_t i = 0; i < m->n * m->n; i++)
        if (!isnan(m->v[i]))
            tmp[k++] = m->v[i];
    a = k ? exa_median(tmp, k) : 1;
    free(tmp);
    return a;
}

/* The dense rank matrix, binned into at most MAX_CELLS rank groups (median per cell); slow pairs
 * from results.slow_pairs, each marked both ways (row a column b and row b column a). */
static void from_ranks(const json_t *res, const json_t *mx, const char *figure, struct hmap *m)
{
    size_t P = json_array_size(mx), g = P < MAX_CELLS ? P : MAX_CELLS, per = (P + g - 1) / g;
    m->n = g;
    m->axis = g == P ? "rank" : "rank group";
    m->v = malloc(g * g * sizeof *m->v);
    double *buf = malloc((per * per + 1) * sizeof *buf);
    for (size_t r = 0; r < g; r++)
        for (size_t c = 0; c < g; c++) {
            size_t k = 0;
            /* rank a is in group a * g / P: [ceil(r P / g), ceil((r + 1) P / g)) */
            for (size_t a = (r * P + g - 1) / g; a < ((r + 1) * P + g - 1) / g; a++)
                for (size_t b = (c * P + g - 1) / g; b < ((c + 1) * P + g - 1) / g; b++) {
                    double x = num(json_array_get(json_array_get(mx, a), b));
                    if (a != b && !isnan(x))
                        buf[k++] = x;
                }
            m->v[r * g + c] = k ? exa_median(buf, k) : NAN;
        }
    free(buf);
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(res, "slow_pairs"), i, e) {
        const char *fig = json_string_value(json_object_get(e, "figure"));
        const json_t *ja = json_object_get(e, "a"), *jb = json_object_get(e, "b");
        if (!fig || strcmp(fig, figure) || !json_is_integer(ja) || !json_is_integer(jb))
            continue;
        size_t a = (size_t)json_integer_value(ja), b = (size_t)json_integer_value(jb);
        if (a < P && b < P) {
            mark(m, a * g / P, b * g / P);
            mark(m, b * g / P, a * g / P);
        }
    }
}

/* The node-level form: results.groups.<key>.median and its slow_cells. */
static int from_groups(const json_t *res, const char *key, struct hmap *m)
{
    const json_t *gr = json_object_get(res, "groups"), *f = json_object_get(gr, key);
    const json_t *cells = json_object_get(f, "median");
    size_t g = json_array_size(cells);
    if (g < 1 || json_array_size(json_array_get(cells, 0)) != g)
        return -1;
    m->n = g;
    m->axis = json_array_size(json_object_get(res, "nodes")) == g ? "node" : "node group";
    m->v = malloc(g * g * sizeof *m->v);
    for (size_t r = 0; r < g; r++)
        for (size_t c = 0; c < g; c++)
            m->v[r * g + c] = num(json_array_get(json_array_get(cells, r), c));
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(f, "slow_cells"), i, e) {
        json_int_t r = json_integer_value(json_array_get(e, 0)), c = json_integer_value(json_array_get(e, 1));
        if (r >= 0 && c >= 0 && (size_t)r < g && (size_t)c < g)
            mark(m, (size_t)r, (size_t)c);
    }
    return 0;
}

static void draw(const struct rd_run *r, struct hmap *m, const char *figure, int lower, struct rp_plot *p)
{
    char name[64], title[160];
    snprintf(name, sizeof name, "comm_allpairs_%s", figure);
    snprintf(title, sizeof title, "comm all-pairs %s (%d ranks on %d node%s, by %s): slow pairs circled", figure,
             r->ranks, r->nodes, r->nodes == 1 ? "" : "s", m->axis);
    rp_plot_begin(p, name, title);
    /* anchored: white at the median, full colour at +-25%; red is worse (higher latency, lower
     * bandwidth), blue better; values beyond the range take the end colour */
    sb_printf(&p->gp, "set xlabel 'peer %s'\nset ylabel '%s'\nset yrange [] reverse\nset autoscale fix\n"
                      "set palette defined (0 '%s', 0.5 'white', 1 '%s')\nset cbrange [%.6g:%.6g]\n"
                      "set cblabel '%s: median %.4g, scale +-%d%%'\n%s",
              m->axis, m->axis, lower ? "blue" : "red", lower ? "red" : "blue", m->median * (1 - ANCHOR),
              m->median * (1 + ANCHOR), lower ? "latency (us)" : "bandwidth (GB/s)", m->median, (int)(100 * ANCHOR),
              m->n <= 32 ? "set xtics 1\nset ytics 1\n" : "");
    sb_printf(&p->dat, "# matrix: row = %s, column = peer (NaN on the diagonal); colour scale [%.6g:%.6g]\n", m->axis,
              m->median * (1 - ANCHOR), m->median * (1 + ANCHOR));
    for (size_t a = 0; a < m->n; a++) {
        for (size_t b = 0; b < m->n; b++)
            sb_printf(&p->dat, "%s%.9g", b ? " " : "", m->v[a * m->n + b]);
        sb_add(&p->dat, "\n");
    }
    sb_add(&p->dat, "\n\n# slow pairs: column row\n");
    for (size_t k = 0; k < m->nmarks; k++)
        sb_printf(&p->dat, "%zu %zu\n", m->marks[2 * k + 1], m->marks[2 * k]);
    if (!m->nmarks)
        sb_add(&p->dat, "NaN NaN\n");
    sb_printf(&p->gp, "plot '%s.dat' index 0 matrix with image title '', \\\n"
                      "     '%s.dat' index 1 using 1:2 with points pt 6 ps %s lw 2 lc rgb 'black' title 'slow pair'\n",
              p->name, p->name, m->n > 32 ? "1" : "2.5");
    rp_plot_finish(p);
}

void rp_plot_allpairs(const struct rd_set *set, struct rp_plot **plots, size_t *np, size_t *cap)
{
    static const char *fig[2] = {"latency", "bandwidth"}, *key[2] = {"latency_us", "bandwidth_GBps"};
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!r->ok || !kind_has_plot(r->benchmark, "pair_matrix") || !strstr(r->test, "allpairs"))
            continue;
        const json_t *res = json_object_get(r->rec, "results");
        int any = 0;
        for (int f = 0; f < 2; f++) {
            struct hmap m = {0};
            const json_t *mx = json_object_get(json_object_get(res, "matrix"), key[f]);
            size_t P = json_array_size(mx);
            int ok = 0;
            if (P >= 2 && json_array_size(json_array_get(mx, 0)) == P && (P <= MAX_CELLS || !json_object_get(res, "groups"))) {
                from_ranks(res, mx, fig[f], &m);
                ok = 1;
            } else {
                ok = from_groups(res, key[f], &m) == 0;
            }
            if (ok) {
                m.median = anchor(res, key[f], &m);
                if (!json_is_array(json_object_get(res, "slow_pairs"))) /* a record without the list */
                    for (size_t k = 0; k < m.n * m.n; k++)
                        if (f == 0 ? m.v[k] > (1 + ANCHOR) * m.median : m.v[k] < (1 - ANCHOR) * m.median)
                            mark(&m, k / m.n, k % m.n);
                draw(r, &m, fig[f], f == 0, new_plot(plots, np, cap));
                any = 1;
            }
            free(m.v);
            free(m.marks);
        }
        if (any)
            return; /* the first all-pairs run with a matrix */
    }
}

/* ---- the page section: slow pairs by host ---- */

struct host_count {
    const char *host;
    long n;
    const json_t *reasons;
};

static struct host_count *host_slot(struct host_count **v, size_t *n, const char *host)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i].host, host))
            return &(*v)[i];
    if (*n % 32 == 0)
        *v = realloc(*v, (*n + 32) * sizeof **v);
    (*v)[*n] = (struct host_count){host, 0, NULL};
    return &(*v)[(*n)++];
}

static int by_count(const void *a, const void *b)
{
    const struct host_count *x = a, *y = b;
    if ((x->reasons != NULL) != (y->reasons != NULL))
        return x->reasons ? -1 : 1;
    return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->host, y->host);
}

/* The hosts of the listed slow pairs (how many pairs each is in) and the outlier nodes' reasons. */
static void pairs_hosts(const json_t *res, struct sbuf *h, struct sbuf *md)
{
    struct host_count *v = NULL;
    size_t n = 0, i;
    const json_t *e;
    json_array_foreach(json_object_get(res, "slow_pairs"), i, e) {
        const char *a = rd_jstr(e, "host_a", NULL), *b = rd_jstr(e, "host_b", NULL);
        if (a)
            host_slot(&v, &n, a)->n++;
        if (b && (!a || strcmp(a, b)))
            host_slot(&v, &n, b)->n++;
    }
    json_array_foreach(json_object_get(res, "outlier_nodes"), i, e)
        if (rd_jstr(e, "host", NULL))
            host_slot(&v, &n, rd_jstr(e, "host", NULL))->reasons = json_object_get(e, "reasons");
    if (!n)
        return;
    qsort(v, n, sizeof *v, by_count);
    sb_add(h, "<table>\n<tr><th>Host</th><th>Listed slow pairs</th><th>Outlier node: why</th></tr>\n");
    sb_add(md, "| Host | Listed slow pairs | Outlier node: why |\n|---|---|---|\n");
    for (size_t k = 0; k < n && k < 20; k++) {
        struct sbuf why;
        sb_init(&why);
        for (size_t j = 0; j < json_array_size(v[k].reasons); j++)
            sb_printf(&why, "%s%s", j ? "; " : "", json_string_value(json_array_get(v[k].reasons, j)));
        sb_add(h, "<tr><td>");
        sb_html(h, v[k].host);
        sb_printf(h, "</td><td class=\"num\">%ld</td><td>", v[k].n);
        sb_html(h, why.s ? why.s : "");
        sb_add(h, "</td></tr>\n");
        sb_add(md, "| ");
        sb_md(md, v[k].host);
        sb_printf(md, " | %ld | ", v[k].n);
        sb_md(md, why.s ? why.s : "");
        sb_add(md, " |\n");
        sb_free(&why);
    }
    if (n > 20)
        sb_printf(md, "\n%zu more hosts in the record.\n", n - 20);
    sb_add(h, "</table>\n");
    sb_add(md, "\n");
    free(v);
}

/* The worst listed pairs (at most 10 per figure) with their ranks and hosts. */
static void pairs_worst(const json_t *res, struct sbuf *h, struct sbuf *md)
{
    const json_t *list = json_object_get(res, "slow_pairs"), *e;
    size_t i;
    char b1[32], b2[32];
    if (!json_array_size(list))
        return;
    sb_add(h, "<table>\n<tr><th>Figure</th><th>Pair (rank host)</th><th>Class</th><th>Value</th><th>Median</th>"
              "<th>Worse by</th></tr>\n");
    sb_add(md, "| Figure | Pair (rank host) | Class | Value | Median | Worse by |\n|---|---|---|---|---|---|\n");
    size_t shown[2] = {0, 0};
    json_array_foreach(list, i, e) {
        const char *fig = rd_jstr(e, "figure", ""), *unit = rd_jstr(e, "unit", "");
        if (shown[strcmp(fig, "latency") != 0]++ >= 10)
            continue; /* the worst 10 of each figure: noisy latency must not hide bandwidth */
        char pair[600];
        snprintf(pair, sizeof pair, "%lld %s %s %lld %s", (long long)json_integer_value(json_object_get(e, "a")),
                 rd_jstr(e, "host_a", "?"), strcmp(fig, "latency") ? "->" : "<->",
                 (long long)json_integer_value(json_object_get(e, "b")), rd_jstr(e, "host_b", "?"));
        sb_printf(h, "<tr><td>%s</td><td>", fig);
        sb_html(h, pair);
        sb_printf(h, "</td><td>%s</td><td class=\"num\">%s %s</td><td class=\"num\">%s</td><td class=\"num\">%.0f%%</td></tr>\n",
                  rd_jstr(e, "class", ""), rp_num(num(json_object_get(e, "value")), b1), unit,
                  rp_num(num(json_object_get(e, "median")), b2), num(json_object_get(e, "excess_percent")));
        sb_printf(md, "| %s | ", fig);
        sb_md(md, pair);
        sb_printf(md, " | %s | %s %s | %s | %.0f%% |\n", rd_jstr(e, "class", ""), rp_num(num(json_object_get(e, "value")), b1),
                  unit, rp_num(num(json_object_get(e, "median")), b2), num(json_object_get(e, "excess_percent")));
    }
    sb_add(h, "</table>\n");
    sb_add(md, "\n");
}

void rp_page_pairs(const struct rd_set *set, struct sbuf *h, struct sbuf *md)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!r->ok || !r->rec || !strstr(r->test, "allpairs"))
            continue;
        const json_t *res = json_object_get(r->rec, "results"), *tot = json_object_get(res, "slow_pairs_total");
        size_t listed = json_array_size(json_object_get(res, "slow_pairs"));
        long nl = 0, nb = 0;
        if (tot) {
            nl = (long)json_integer_value(json_object_get(tot, "latency"));
            nb = (long)json_integer_value(json_object_get(tot, "bandwidth"));
        } else {
            size_t k;
            const json_t *e;
            json_array_foreach(json_object_get(res, "slow_pairs"), k, e)
                *(strcmp(rd_jstr(e, "figure", ""), "latency") ? &nb : &nl) += 1;
        }
        sb_add(h, "<h2>All-pairs: slow pairs</h2>\n<p>");
        sb_html(h, r->name);
        sb_printf(h, ": %d ranks on %d node%s; slow pairs: %ld latency, %ld bandwidth (%zu listed in the record, the "
                     "worst first); outlier nodes: %zu.</p>\n", r->ranks, r->nodes, r->nodes == 1 ? "" : "s", nl, nb,
                  listed, json_array_size(json_object_get(res, "outlier_nodes")));
        sb_printf(md, "## All-pairs: slow pairs\n\n%s: %d ranks on %d node%s; slow pairs: %ld latency, %ld bandwidth "
                      "(%zu listed in the record, the worst first); outlier nodes: %zu.\n\n", r->name, r->ranks,
                  r->nodes, r->nodes == 1 ? "" : "s", nl, nb, listed, json_array_size(json_object_get(res, "outlier_nodes")));
        pairs_hosts(res, h, md);
        pairs_worst(res, h, md);
        return; /* the first all-pairs run, as the heat map */
    }
}
