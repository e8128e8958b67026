/* exabench compare BASE NEW: matches runs by benchmark, test, parameters and scale and decides,
 * for each metric, improved / unchanged / regressed / not comparable from the repetitions: a
 * two-sided Mann-Whitney U test at level alpha plus a minimum effect size on the ratio of the
 * medians. Lists the provenance facts that differ, prints a table, writes JSON and a ratio plot,
 * and exits 1 when anything regressed. */
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_parse.h"
#include "exa_stats.h"
#include "kind.h"
#include "report.h"
#include "rstats.h"
#include "run_index.h"
#include "rundir_scan.h"

static void usage(void)
{
    printf("Usage: exabench compare [OPTIONS] BASE NEW\n\n"
           "Compares two results folders, e.g. before and after a firmware upgrade. Runs are matched\n"
           "by benchmark, test, parameters and scale (nodes, ranks, ranks per node, threads); the\n"
           "repetitions of a matched run are pooled. For each metric the verdict is taken from the\n"
           "samples, not from one number:\n"
           "  improved / regressed  the two-sided Mann-Whitney U test rejects equality at level ALPHA\n"
           "                        and the medians differ by at least the minimum effect size, in the\n"
           "                        metric's better / worse direction\n"
           "  unchanged             otherwise\n"
           "  not comparable        no matching run on the other side, a metric missing, a baseline\n"
           "                        that failed, or too few samples for the test to ever reach ALPHA\n"
           "                        (with ALPHA 0.05 each side needs 4 samples or more)\n"
           "A run valid in BASE that failed in NEW (crashed, timed out, failed verification) is a\n"
           "regression. The provenance facts that differ (BIOS, firmware, driver, kernel, MPI, BLAS,\n"
           "compiler, environment) are listed before the table.\n\n"
           "Options:\n"
           "      --min-effect PCT  minimum relative change of the median, in percent (default 3)\n"
           "      --alpha P         significance level of the test (default 0.05)\n"
           "      --json FILE|-     write the comparison as JSON (schema exabench.compare)\n"
           "      --plot PREFIX     write PREFIX.gp, PREFIX.dat, PREFIX.png and PREFIX.svg: the ratio\n"
           "                        NEW/BASE of every compared metric, coloured by verdict\n"
           "      --changes-only    print only rows whose verdict is not 'unchanged'\n"
           "  -h, --help            this text\n\n"
           "Exit status: 0 nothing regressed, 1 at least one regression, 2 bad input.\n");
}

static const char *full_key(const struct rd_run *r, char *buf, size_t len)
{
    /* A family (exa-hpl, netlib and vendor HPL) matches on what every member prints. */
    const struct kind *k = kind_find(r->benchmark);
    if (k && k->compare_key && k->compare_key(r->run_params, r->test, buf, len) == 0)
        return buf;
    return r->key;
}

static const char *loose_key(const struct rd_run *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s|%s|nodes=%d ranks=%d rpn=%d threads=%d", r->benchmark, r->test, r->nodes, r->ranks,
             r->ranks_per_node, r->threads_per_rank);
    return buf;
}

/* ---- results ---- */
enum verdict { V_IMPROVED, V_UNCHANGED, V_REGRESSED, V_NA };
static const char *verdict_name[] = {"improved", "unchanged", "regressed", "not comparable"};

struct row {
    const struct rd_run *run;   /* a representative run (BASE side, or NEW when only there) */
    char metric[128];
    const char *unit;
    int higher;
    size_t na, nb;
    double ma, mb, ratio, change, p;
    int exact;
    enum verdict v;
    char reason[256];
    json_t *sa, *sb;  /* samples */
};

struct rows {
    struct row *r;
    size_t n, cap;
};

static struct row *row_new(struct rows *rs, const struct rd_run *run, const char *metric)
{
    if (rs->n == rs->cap)
        rs->r = realloc(rs->r, (rs->cap = rs->cap ? 2 * rs->cap : 64) * sizeof *rs->r);
    struct row *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    r->run = run;
    snprintf(r->metric, sizeof r->metric, "%s", metric ? metric : "-");
    r->unit = "";
    r->ma = r->mb = r->ratio = r->change = r->p = NAN;
    r->v = V_NA;
    return r;
}

/* Samples of a metric pooled over the ok runs of a bucket. */
static size_t pool(const struct rd_set *set, const struct rd_bucket *b, const char *metric, double **out, size_t *cap,
                   const char **unit, int *higher)
{
    size_t n = 0;
    for (size_t k = 0; k < b->n; k++) {
        const struct rd_run *r = &set->runs[b->idx[k]];
        if (!r->ok)
            continue;
        const json_t *m = json_object_get(json_object_get(r->rec, "metrics"), metric);
        size_t room = json_array_size(json_object_get(m, "samples")) + 1;
        if (n + room > *cap) {
            *cap = (n + room) * 2;
            *out = realloc(*out, *cap * sizeof **out);
        }
        size_t got = rd_metric_samples(r, metric, *out + n, room);
        if (got && unit)
            rd_metric(r, metric, NULL, unit, higher);
        n += got;
    }
    return n;
}

static size_t count_ok(const struct rd_set *set, const struct rd_bucket *b, const struct rd_run **first_failed)
{
    size_t ok = 0;
    *first_failed = NULL;
    for (size_t k = 0; k < b->n; k++) {
        const struct rd_run *r = &set->runs[b->idx[k]];
        if (r->ok)
            ok++;
        else if (!*first_failed)
            *first_failed = r;
    }
    return ok;
}

static void params_diff(const struct rd_run *a, const struct rd_run *b, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    const char *k;
    const json_t *va;
    json_object_foreach((json_t *)a->params, k, va) {
        const json_t *vb = json_object_get(b->params, k);
        if (vb && json_equal(va, vb))
            continue;
        char *sa = json_dumps(va, JSON_ENCODE_ANY | JSON_COMPACT), *sb = vb ? json_dumps(vb, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        int w = snprintf(out + used, len - used, "%s%s %s -> %s", used ? ", " : "", k, sa, sb ? sb : "(absent)");
        rd_jfree(sa);
        rd_jfree(sb);
        if (w < 0 || used + (size_t)w >= len)
            return;
        used += (size_t)w;
    }
    json_object_foreach((json_t *)b->params, k, va) {
        if (json_object_get(a->params, k))
            continue;
        char *sb = json_dumps(va, JSON_ENCODE_ANY | JSON_COMPACT);
        int w = snprintf(out + used, len - used, "%s%s (absent) -> %s", used ? ", " : "", k, sb);
        rd_jfree(sb);
        if (w < 0 || used + (size_t)w >= len)
            return;
        used += (size_t)w;
    }
}

static json_t *samples_json(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(v[i]));
    return a;
}

static void decide(struct row *r, double *a, size_t na, double *b, size_t nb, double alpha, double min_effect,
                   int keep_samples)
{
    r->na = na;
    r->nb = nb;
    r->ma = exa_median(a, na);
    r->mb = exa_median(b, nb);
    if (keep_samples) {  /* for --json only */
        r->sa = samples_json(a, na);
        r->sb = samples_json(b, nb);
    }
    if (!(r->ma != 0) || !isfinite(r->ma) || !isfinite(r->mb)) {
        r->v = V_NA;
        snprintf(r->reason, sizeof r->reason, "baseline median is zero or not finite");
        return;
    }
    r->ratio = r->mb / r->ma;
    r->change = r->ratio - 1;
    struct rs_mwu t;
    rs_mann_whitney(a, na, b, nb, &t);
    r->p = t.p;
    r->exact = t.exact;
    double minp = rs_mwu_min_p(na, nb);
    if (minp >= alpha) {
        r->v = V_NA;
        snprintf(r->reason, sizeof r->reason,
                 "too few samples (%zu vs %zu): the test cannot reach p < %g (smallest possible p %.3g)", na, nb,
                 alpha, minp);
        return;
    }
    int better = r->higher ? r->change > 0 : r->change < 0;
    if (t.p < alpha && fabs(r->change) >= min_effect) {
        r->v = better ? V_IMPROVED : V_REGRESSED;
        snprintf(r->reason, sizeof r->reason, "significant (p < %g) and at least the %.3g%% minimum effect", alpha,
                 100 * min_effect);
    } else {
        r->v = V_UNCHANGED;
        if (t.p >= alpha)
            snprintf(r->reason, sizeof r->reason, "within noise (p = %.3g >= %g)", t.p, alpha);
        else
            snprintf(r->reason, sizeof r->reason, "significant but below the %.3g%% minimum effect", 100 * min_effect);
    }
}

static void scale_text(const struct rd_run *r, char *buf, size_t len)
{
    snprintf(buf, len, "%dn %dx%d", r->nodes, r->ranks, r->threads_per_rank);
}

static void write_plot(const char *prefix, const struct rows *rs, double min_effect)
{
    char *d1 = strdup(prefix), *d2 = strdup(prefix);
    const char *dir = dirname(d1), *base = basename(d2);
    char err[4096];
    struct rp_plot p;
    rp_plot_begin(&p, base, "compare: NEW / BASE ratio of the median of each metric");
    size_t n = 0;
    for (int v = 0; v < 3; v++) {
        sb_printf(&p.dat, "# %s: position ratio label\n", verdict_name[v]);
        int any = 0;
        for (size_t i = 0, pos = 0; i < rs->n; i++) {
            const struct row *r = &rs->r[i];
            if (isnan(r->ratio))
                continue;
            if (r->v == (enum verdict)v) {
                sb_printf(&p.dat, "%zu %.17g \"%s %s %s\"\n", pos, r->ratio, r->run->benchmark, r->run->test, r->metric);
                any = 1;
            }
            pos++;
            if (v == 0)
                n++;
        }
        if (!any)
            sb_add(&p.dat, "NaN NaN \"\"\n");
        sb_add(&p.dat, "\n\n");
    }
    sb_printf(&p.gp, "set ylabel 'NEW / BASE (median)'\nset xlabel 'compared metric'\nset style fill solid 0.7\n"
                     "set boxwidth 0.8\nset xrange [-1:%zu]\n%s",
              n, n <= 40 ? "set xtics rotate by -60 font ',7'\n" : "set xtics format ''\n");
    sb_printf(&p.gp, "plot '%s.dat' index 0 using 1:2%s with boxes lc rgb '#2a9d3a' title 'improved', \\\n"
                     "     '%s.dat' index 1 using 1:2%s with boxes lc rgb '#999999' title 'unchanged', \\\n"
                     "     '%s.dat' index 2 using 1:2%s with boxes lc rgb '#c62828' title 'regressed', \\\n"
                     "     1 with lines lc rgb 'black' notitle, %.17g with lines dashtype 2 lc rgb 'black' title "
                     "'minimum effect', %.17g with lines dashtype 2 lc rgb 'black' notitle\n",
              base, n <= 40 ? ":xtic(3)" : "", base, n <= 40 ? ":xtic(3)" : "", base, n <= 40 ? ":xtic(3)" : "",
              1 + min_effect, 1 - min_effect);
    rp_plot_finish(&p);
    if (rp_mkdir_p(dir, err, sizeof err) != 0 || rp_plots_write(dir, &p, 1, 1, err, sizeof err) != 0)
        exa_warn("compare: the ratio plot failed: %s", err);
    rp_plot_free(&p);
    free(d1);
    free(d2);
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"min-effect", required_argument, 0, 'm'},
                                         {"alpha", required_argument, 0, 'a'},
                                         {"json", required_argument, 0, 'j'},
                                         {"plot", required_argument, 0, 'p'},
                                         {"changes-only", no_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    double min_effect = 0.03, alpha = 0.05;
    const char *json_path = NULL, *plot = NULL;
    int changes_only = 0, c;
    char perr[EXA_ERR_LEN];
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", optarg);
            size_t l = strlen(buf);
            if (l && buf[l - 1] == '%')
                buf[l - 1] = '\0';
            if (exa_parse_double(buf, 0, 1000, &min_effect, perr) != 0)
                exa_usage_error("--min-effect '%s': %s (a percentage, e.g. 3)", optarg, perr);
            min_effect /= 100;
            break;
        }
        case 'a':
            if (exa_parse_double(optarg, 1e-12, 0.5, &alpha, perr) != 0)
                exa_usage_error("--alpha '%s': %s", optarg, perr);
            break;
        case 'j': json_path = optarg; break;
        case 'p': plot = optarg; break;
        case 'c': changes_only = 1; break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("compare: unknown option (see 'exabench compare --help')");
        }
    }
    if (argc - optind != 2)
        exa_usage_error("compare: expected BASE and NEW results folders, got %d arguments", argc - optind);
    char err[4096];
    /* Static and not freed at the end: freeing two runs of 10 000 records costs more than the
     * exit that reclaims them, and static storage keeps them reachable for leak checkers. */
    static struct rd_set A, B;
    if (rd_load_two(argv[optind], &A, argv[optind + 1], &B, err, sizeof err) != 0)
        exa_input_error("%s", err);

    struct rd_index ia, ib, lb;
    rd_index_build(&ia, &A, full_key);
    rd_index_build(&ib, &B, full_key);
    rd_index_build(&lb, &B, loose_key);
    struct rows rs = {0};
    double *sa = NULL, *sb = NULL;
    size_t ca = 0, cb = 0;
    char buf[1024];
    for (size_t i = 0; i < ia.n; i++) {
        struct rd_bucket *ba = ia.order[i];
        const struct rd_run *ra = &A.runs[ba->idx[0]];
        struct rd_bucket *bb = rd_index_find(&ib, ba->key);
        if (!bb) {
            struct row *r = row_new(&rs, ra, NULL);
            struct rd_bucket *near = rd_index_find(&lb, loose_key(ra, buf, sizeof buf));
            if (near) {
                char diff[200];
                params_diff(ra, &B.runs[near->idx[0]], diff, sizeof diff);
                snprintf(r->reason, sizeof r->reason, "no matching run in NEW: parameters differ (%s)", diff);
            } else {
                snprintf(r->reason, sizeof r->reason, "no matching run in NEW (benchmark, test or scale differ)");
            }
            continue;
        }
        bb->seen = 1;
        const struct rd_run *fa, *fb;
        size_t oka = count_ok(&A, ba, &fa), okb = count_ok(&B, bb, &fb);
        if (oka == 0) {
            struct row *r = row_new(&rs, ra, NULL);
            char why[200];
            snprintf(r->reason, sizeof r->reason, "no valid run in BASE (%s)", rd_failure(fa, why, sizeof why));
            continue;
        }
        if (fb) {
            struct row *r = row_new(&rs, ra, NULL);
            char why[200];
            r->v = V_REGRESSED;
            snprintf(r->reason, sizeof r->reason, "failed in NEW: %s (%zu of %zu runs valid)",
                     rd_failure(fb, why, sizeof why), okb, bb->n);
            if (okb == 0)
                continue;
        }
        /* Every metric of the BASE runs, in first-seen order. */
        json_t *names = json_object();
        for (size_t k = 0; k < ba->n; k++) {
            const struct rd_run *r = &A.runs[ba->idx[k]];
            if (!r->ok)
                continue;
            const char *mn;
            const json_t *m;
            json_object_foreach(json_object_get(r->rec, "metrics"), mn, m)
                if (json_is_number(json_object_get(m, "value")))
                    json_object_set_new(names, mn, json_true());
        }
        const char *mn;
        const json_t *dummy;
        json_object_foreach(names, mn, dummy) {
            struct row *r = row_new(&rs, ra, mn);
            int higher = 1;
            const char *unit = "";
            size_t na = pool(&A, ba, mn, &sa, &ca, &unit, &higher);
            size_t nb = pool(&B, bb, mn, &sb, &cb, NULL, NULL);
            r->unit = unit;
            r->higher = higher;
            if (nb == 0) {
                snprintf(r->reason, sizeof r->reason, "metric missing in NEW");
                continue;
            }
            decide(r, sa, na, sb, nb, alpha, min_effect, json_path != NULL);
        }
        json_decref(names);
    }
    for (size_t i = 0; i < ib.n; i++) {
        if (ib.order[i]->seen)
            continue;
        struct row *r = row_new(&rs, &B.runs[ib.order[i]->idx[0]], NULL);
        snprintf(r->reason, sizeof r->reason, "only in NEW: no matching run in BASE");
    }
    free(sa);
    free(sb);

    /* Provenance differences. */
    json_t *pa = rp_run_provenance(&A), *pb = rp_run_provenance(&B);
    json_t *pdiff = json_array();
    const char *path;
    json_t *va;
    json_object_foreach(pa, path, va) {
        json_t *vb = json_object_get(pb, path);
        if (vb && json_equal(va, vb))
            continue;
        json_array_append_new(pdiff, json_pack("{s:s, s:s, s:O, s:O}", "category", rp_provenance_category(path), "path",
                                               path, "base", va, "new", vb ? vb : json_object()));
    }
    json_object_foreach(pb, path, va) {
        if (json_object_get(pa, path))
            continue;
        json_array_append_new(pdiff, json_pack("{s:s, s:s, s:o, s:O}", "category", rp_provenance_category(path), "path",
                                               path, "base", json_object(), "new", va));
    }

    size_t counts[4] = {0};
    for (size_t i = 0; i < rs.n; i++)
        counts[rs.r[i].v]++;

    FILE *tout = json_path && !strcmp(json_path, "-") ? stderr : stdout;
    fprintf(tout, "compare: BASE %s (%zu runs)  NEW %s (%zu runs)\n", A.run_id, A.n, B.run_id, B.n);
    fprintf(tout, "test: two-sided Mann-Whitney U, alpha %g; minimum effect %g%%\n\n", alpha, 100 * min_effect);
    if (json_array_size(pdiff)) {
        fprintf(tout, "Provenance differences (%zu):\n", json_array_size(pdiff));
        size_t i;
        json_t *d;
        json_array_foreach(pdiff, i, d) {
            const char *keys[] = {"base", "new"};
            fprintf(tout, "  %-11s %s:", json_string_value(json_object_get(d, "category")),
                   json_string_value(json_object_get(d, "path")));
            for (int s = 0; s < 2; s++) {
                const char *v;
                json_t *x;
                int first = 1;
                fprintf(tout, "%s", s ? " -> " : " ");
                json_object_foreach(json_object_get(d, keys[s]), v, x) {
                    fprintf(tout, "%s%s", first ? "" : " | ", v);
                    first = 0;
                }
                if (first)
                    fprintf(tout, "(absent)");
            }
            fprintf(tout, "\n");
        }
        fprintf(tout, "\n");
    } else {
        fprintf(tout, "Provenance: no differences\n\n");
    }
    fprintf(tout, "%-8s %-14s %-12s %-24s %-22s %12s %12s %8s %9s %7s  %s\n", "bench", "test", "scale", "parameters", "metric",
           "base", "new", "change", "p", "n", "verdict");
    struct sbuf pt;
    const struct rd_run *pt_run = NULL;
    sb_init(&pt);
    for (size_t i = 0; i < rs.n; i++) {
        const struct row *r = &rs.r[i];
        if (changes_only && r->v == V_UNCHANGED)
            continue;
        int terse = r->v == V_UNCHANGED || (!isnan(r->p) && r->v != V_NA);
        char sc[64], n1[32], n2[32], ns[32];
        if (r->run != pt_run) {  /* rows of one case are adjacent: format its parameters once */
            pt.len = 0;
            pt.s[0] = '\0';
            rp_params_text(r->run->params, &pt);
            pt_run = r->run;
        }
        scale_text(r->run, sc, sizeof sc);
        snprintf(ns, sizeof ns, "%zu/%zu", r->na, r->nb);
        char ch[32], p[32];
        if (isnan(r->change))
            snprintf(ch, sizeof ch, "-");
        else
            snprintf(ch, sizeof ch, "%+.1f%%", 100 * r->change);
        if (isnan(r->p))
            snprintf(p, sizeof p, "-");
        else
            snprintf(p, sizeof p, "%.3g", r->p);
        fprintf(tout, "%-8s %-14s %-12s %-24.24s %-22.22s %12s %12s %8s %9s %7s  %s%s%s%s\n", r->run->benchmark,
               *r->run->test ? r->run->test : "-", sc, pt.s, r->metric, rp_num(r->ma, n1), rp_num(r->mb, n2), ch, p, ns,
               r->v == V_REGRESSED ? "REGRESSED" : verdict_name[r->v], terse ? "" : " (", terse ? "" : r->reason,
               terse ? "" : ")");
    }
    sb_free(&pt);
    fprintf(tout, "\n%zu improved, %zu unchanged, %zu regressed, %zu not comparable\n", counts[V_IMPROVED],
           counts[V_UNCHANGED], counts[V_REGRESSED], counts[V_NA]);

    if (json_path) {
        json_t *out = json_object();
        json_object_set_new(out, "schema", json_string("exabench.compare"));
        json_object_set_new(out, "schema_version", json_integer(1));
        json_object_set_new(out, "base", json_pack("{s:s, s:s}", "run_id", A.run_id, "dir", A.dir));
        json_object_set_new(out, "new", json_pack("{s:s, s:s}", "run_id", B.run_id, "dir", B.dir));
        json_object_set_new(out, "test", json_string("mann-whitney-u two-sided"));
        json_object_set_new(out, "alpha", json_real(alpha));
        json_object_set_new(out, "min_effect", json_real(min_effect));
        json_object_set_new(out, "summary",
                            json_pack("{s:I, s:I, s:I, s:I}", "improved", (json_int_t)counts[V_IMPROVED], "unchanged",
                                      (json_int_t)counts[V_UNCHANGED], "regressed", (json_int_t)counts[V_REGRESSED],
                                      "not_comparable", (json_int_t)counts[V_NA]));
        json_object_set(out, "provenance_differences", pdiff);
        json_t *arr = json_array();
        for (size_t i = 0; i < rs.n; i++) {
            const struct row *r = &rs.r[i];
            json_t *o = json_object();
            json_object_set_new(o, "benchmark", json_string(r->run->benchmark));
            json_object_set_new(o, "test", json_string(r->run->test));
            json_object_set_new(o, "scale", json_pack("{s:i, s:i, s:i, s:i}", "nodes", r->run->nodes, "ranks",
                                                      r->run->ranks, "ranks_per_node", r->run->ranks_per_node,
                                                      "threads_per_rank", r->run->threads_per_rank));
            json_object_set_new(o, "parameters", r->run->params ? json_deep_copy(r->run->params) : json_object());
            json_object_set_new(o, "metric", strcmp(r->metric, "-") ? json_string(r->metric) : json_null());
            json_object_set_new(o, "unit", json_string(r->unit));
            json_object_set_new(o, "direction", json_string(r->higher ? "higher" : "lower"));
#define NUM(x) (isfinite(x) ? json_real(x) : json_null())
            json_object_set_new(o, "base", json_pack("{s:I, s:o, s:o}", "n", (json_int_t)r->na, "median", NUM(r->ma),
                                                     "samples", r->sa ? json_incref(r->sa) : json_array()));
            json_object_set_new(o, "new", json_pack("{s:I, s:o, s:o}", "n", (json_int_t)r->nb, "median", NUM(r->mb),
                                                    "samples", r->sb ? json_incref(r->sb) : json_array()));
            json_object_set_new(o, "ratio", NUM(r->ratio));
            json_object_set_new(o, "change", NUM(r->change));
            json_object_set_new(o, "p_value", NUM(r->p));
            json_object_set_new(o, "exact", json_boolean(r->exact));
#undef NUM
            json_object_set_new(o, "verdict", json_string(verdict_name[r->v]));
            json_object_set_new(o, "reason", json_string(r->reason));
            json_array_append_new(arr, o);
        }
        json_object_set_new(out, "comparisons", arr);
        int rc = !strcmp(json_path, "-") ? json_dumpf(out, stdout, JSON_INDENT(1)) : json_dump_file(out, json_path, JSON_INDENT(1));
        if (!strcmp(json_path, "-"))
            printf("\n");
        json_decref(out);
        if (rc != 0)
            exa_input_error("cannot write '%s'", json_path);
    }
    if (plot)
        write_plot(plot, &rs, min_effect);

    int regressed = counts[V_REGRESSED] > 0;
    for (size_t i = 0; i < rs.n; i++) {
        json_decref(rs.r[i].sa);
        json_decref(rs.r[i].sb);
    }
    free(rs.r);
    json_decref(pdiff);
    json_decref(pa);
    json_decref(pb);
    rd_index_free(&ia);
    rd_index_free(&ib);
    rd_index_free(&lb);
    return regressed ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
