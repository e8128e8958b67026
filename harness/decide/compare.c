/* exabench compare BASE NEW: matches runs by benchmark, test, parameters and scale and lets the
 * regression gate (gate.h) decide every metric: a tolerance check with one or two runs a side, a
 * test on the repetitions with three or more, a test on exa-hpl's within-run samples with one
 * run a side, and one family correction over all tested metrics. A run of BASE without its
 * benchmark, test or scale in NEW is missing and fails unless --allow-missing. The output
 * (table, JSON, plot) is compare_render.c's. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare.h"
#include "exa_cli.h"
#include "exa_parse.h"
#include "exa_stats.h"
#include "kind.h"
#include "metric_order.h"
#include "run_index.h"
#include "rundir_scan.h"

static void usage(void)
{
    printf("Usage: exabench compare [OPTIONS] BASE NEW\n\n"
           "Compares two results folders, e.g. before and after a firmware upgrade. Runs are matched\n"
           "by benchmark, test, parameters and scale (nodes, ranks, ranks per node, threads); the\n"
           "repetitions of a matched run are taken together. Every metric has a tolerance, the\n"
           "smallest change that matters (defaults from each benchmark kind: HPL Gflop/s and time 3%%,\n"
           "STREAM bandwidth 3%%, latency 10%%, interconnect bandwidth 5%%, anything else 5%%). Each\n"
           "metric's verdict, with its basis, comes from the samples it has:\n"
           "  3 or more runs a side   Welch's t test on the logarithms of the run values\n"
           "  one run a side, with    a paired-batch test on exa-hpl's within-run update rates\n"
           "  within-run samples      (results.update_rate_samples; metric update_rate)\n"
           "  fewer samples           the change against the tolerance, said in words: '1 vs 1\n"
           "                          sample: -30.0%% beyond the 3%% tolerance: regressed'\n"
           "A tested metric is regressed (improved) when its one-sided p, adjusted over all tested\n"
           "metrics of the compare (Benjamini-Hochberg or Holm), is below ALPHA and the change is\n"
           "beyond the tolerance; unchanged when the confidence interval stays within the tolerance;\n"
           "cannot tell otherwise (not a failure). A run valid in BASE that failed in NEW is a\n"
           "regression. A benchmark, test or scale (or a metric) of BASE absent from NEW is missing\n"
           "and fails the compare unless --allow-missing. The provenance facts that differ (BIOS,\n"
           "firmware, driver, kernel, MPI, BLAS, compiler, environment) are listed before the table.\n\n"
           "Options:\n"
           "      --tolerance FILE    tolerance rules, one 'METRIC_GLOB PCT' a line (e.g.\n"
           "                          'hpl/gflops 2'); the glob matches BENCHMARK/METRIC or METRIC\n"
           "      --tol GLOB=PCT      one tolerance rule (repeatable; wins over the file)\n"
           "      --allow-missing     runs or metrics missing in NEW do not fail the compare\n"
           "      --correction holm|bh  family correction over the tested metrics (default bh:\n"
           "                          Benjamini-Hochberg)\n"
           "      --alpha P           family significance level (default 0.05)\n"
           "      --json FILE|-       write every verdict with its basis as JSON (schema\n"
           "                          exabench.compare)\n"
           "      --plot PREFIX       write PREFIX.gp, PREFIX.dat, PREFIX.png and PREFIX.svg: the ratio\n"
           "                          NEW/BASE of every compared metric, coloured by verdict\n"
           "      --changes-only      print only rows whose verdict is not 'unchanged'\n"
           "  -h, --help              this text\n\n"
           "Exit status: 0 nothing regressed or missing, 1 a regression (or a missing run without\n"
           "--allow-missing), 2 bad input.\n");
}

static const char *full_key(const struct rd_run *r, char *buf, size_t len)
{
    /* A family (exa-hpl, netlib and vendor HPL) matches on what every member prints. */
    const struct kind *k = kind_find(r->benchmark);
    if (k && k->compare_key && k->compare_key(r->run_params, r->test, buf, len) == 0)
        return buf;
    return r->key;
}

/* Benchmark, test and scale: a BASE run whose loose key NEW lacks is missing there. */
static const char *loose_key(const struct rd_run *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s|%s|nodes=%d ranks=%d rpn=%d threads=%d", r->benchmark, r->test, r->nodes, r->ranks,
             r->ranks_per_node, r->threads_per_rank);
    return buf;
}

static struct cmp_row *row_new(struct cmp_rows *rs, const struct rd_run *run, const char *metric, enum cmp_kind kind)
{
    if (rs->n == rs->cap)
        rs->r = realloc(rs->r, (rs->cap = rs->cap ? 2 * rs->cap : 64) * sizeof *rs->r);
    struct cmp_row *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    r->run = run;
    snprintf(r->metric, sizeof r->metric, "%s", metric ? metric : "-");
    r->unit = "";
    r->higher = 1;
    r->kind = kind;
    r->ma = r->mb = NAN;
    return r;
}

static void run_label(const struct rd_run *r, const char *metric, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s on %d node%s, %d ranks x %d threads%s%s", r->benchmark, *r->test ? " " : "", r->test,
             r->nodes, r->nodes == 1 ? "" : "s", r->ranks, r->threads_per_rank, metric ? ", metric " : "",
             metric ? metric : "");
}

struct vec {
    double *v;
    size_t n, cap;
};

static void vec_push(struct vec *x, double v)
{
    if (x->n == x->cap)
        x->v = realloc(x->v, (x->cap = x->cap ? 2 * x->cap : 16) * sizeof *x->v);
    x->v[x->n++] = v;
}

/* One value per valid run of the bucket (the record's metric value); unit and direction from the
 * first that has it. */
static void run_values(const struct rd_set *set, const struct rd_bucket *b, const char *metric, struct vec *out,
                       const char **unit, int *higher)
{
    out->n = 0;
    for (size_t k = 0; k < b->n; k++) {
        const struct rd_run *r = &set->runs[b->idx[k]];
        double v;
        if (r->ok && rd_metric(r, metric, &v, out->n ? NULL : unit, out->n ? NULL : higher) == 0)
            vec_push(out, v);
    }
}

/* The within-run samples the kind's descriptor names for this metric (the `samples` of the metric
 * it names), from the bucket's first valid run that has them: a test of one run against one. */
static void within_values(const struct rd_set *set, const struct rd_bucket *b, const char *metric, struct vec *out)
{
    out->n = 0;
    const struct kind *k = kind_find(set->runs[b->idx[0]].benchmark);
    const char *from = NULL;
    for (const struct kind_tolerance *t = k ? k->tolerances : NULL; t && t->metric && !from; t++)
        if (t->within && !strcmp(t->metric, metric))
            from = t->within;
    for (size_t i = 0; from && i < b->n && out->n == 0; i++) {
        const struct rd_run *r = &set->runs[b->idx[i]];
        const json_t *vals = json_object_get(json_object_get(json_object_get(r->rec, "metrics"), from), "samples");
        size_t j;
        const json_t *x;
        if (r->ok)
            json_array_foreach(vals, j, x)
                if (json_is_number(x))
                    vec_push(out, json_number_value(x));
    }
}

static json_t *samples_json(const struct vec *x)
{
    json_t *a = json_array();
    for (size_t i = 0; i < x->n; i++)
        json_array_append_new(a, json_real(x->v[i]));
    return a;
}

struct scratch {
    struct vec a, b, wa, wb;
};

/* Phase 1 of the gate for every metric of a matched pair of buckets, in size order. */
static void compare_metrics(const struct cmp_opts *o, const struct rd_set *A, const struct rd_bucket *ba,
                            const struct rd_set *B, const struct rd_bucket *bb, struct cmp_rows *rs,
                            struct scratch *s)
{
    const struct rd_run *ra = &A->runs[ba->idx[0]];
    json_t *names = json_object();
    for (size_t k = 0; k < ba->n; k++) {
        const struct rd_run *r = &A->runs[ba->idx[k]];
        const char *mn;
        const json_t *m;
        if (r->ok)
            json_object_foreach(json_object_get(r->rec, "metrics"), mn, m)
                if (json_is_number(json_object_get(m, "value")))
                    json_object_set_new(names, mn, json_true());
    }
    size_t nn;
    const char **keys = metric_order_keys(names, &nn);
    for (size_t i = 0; i < nn; i++) {
        const char *mn = keys[i], *unit = "";
        int higher = 1;
        run_values(A, ba, mn, &s->a, &unit, &higher);
        run_values(B, bb, mn, &s->b, NULL, NULL);
        if (s->b.n == 0) {
            struct cmp_row *r = row_new(rs, ra, mn, CMP_MISSING);
            char label[512];
            run_label(ra, mn, label, sizeof label);
            gate_missing_result(label, o->allow_missing, &r->g);
            continue;
        }
        struct cmp_row *r = row_new(rs, ra, mn, CMP_GATE);
        r->unit = unit ? unit : "";
        r->higher = higher;
        r->ma = exa_median(s->a.v, s->a.n);
        r->mb = exa_median(s->b.v, s->b.n);
        within_values(A, ba, mn, &s->wa);
        within_values(B, bb, mn, &s->wb);
        r->wa = s->wa.n;
        r->wb = s->wb.n;
        char key[300];
        snprintf(key, sizeof key, "%s/%s", ra->benchmark, mn);
        struct gate_input in = {key, r->unit, higher, s->a.v, s->b.v, s->a.n, s->b.n,
                                s->wa.n ? s->wa.v : NULL, s->wb.n ? s->wb.v : NULL, s->wa.n, s->wb.n};
        gate_test_metric(&o->gate, &o->tol, &in, &r->g);
        if (o->json_path) {
            r->sa = samples_json(&s->a);
            r->sb = samples_json(&s->b);
        }
    }
    free(keys);
    json_decref(names);
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

/* A BASE bucket with no exact match in NEW: parameters changed (not comparable) or its benchmark,
 * test or scale is absent (missing). */
static void unmatched(const struct cmp_opts *o, const struct rd_set *B, const struct rd_index *lb,
                      const struct rd_run *ra, struct cmp_rows *rs)
{
    char buf[1024];
    struct rd_bucket *near = rd_index_find(lb, loose_key(ra, buf, sizeof buf));
    if (near) {
        struct cmp_row *r = row_new(rs, ra, NULL, CMP_NA);
        char diff[200];
        params_diff(ra, &B->runs[near->idx[0]], diff, sizeof diff);
        snprintf(r->reason, sizeof r->reason, "no matching run in NEW: parameters differ (%s)", diff);
        return;
    }
    struct cmp_row *r = row_new(rs, ra, NULL, CMP_MISSING);
    run_label(ra, NULL, buf, sizeof buf);
    gate_missing_result(buf, o->allow_missing, &r->g);
}

static void match_all(const struct cmp_opts *o, const struct rd_set *A, const struct rd_set *B, struct cmp_rows *rs)
{
    struct rd_index ia, ib, lb;
    rd_index_build(&ia, A, full_key);
    rd_index_build(&ib, B, full_key);
    rd_index_build(&lb, B, loose_key);
    struct scratch s = {{0}, {0}, {0}, {0}};
    for (size_t i = 0; i < ia.n; i++) {
        struct rd_bucket *ba = ia.order[i];
        const struct rd_run *ra = &A->runs[ba->idx[0]];
        struct rd_bucket *bb = rd_index_find(&ib, ba->key);
        if (!bb) {
            unmatched(o, B, &lb, ra, rs);
            continue;
        }
        bb->seen = 1;
        const struct rd_run *fa, *fb;
        size_t oka = count_ok(A, ba, &fa), okb = count_ok(B, bb, &fb);
        char why[200];
        if (oka == 0) {
            struct cmp_row *r = row_new(rs, ra, NULL, CMP_NA);
            snprintf(r->reason, sizeof r->reason, "no valid run in BASE (%s)", rd_failure(fa, why, sizeof why));
            continue;
        }
        if (fb) {
            struct cmp_row *r = row_new(rs, ra, NULL, CMP_FAILED);
            snprintf(r->reason, sizeof r->reason, "failed in NEW: %s (%zu of %zu runs valid)",
                     rd_failure(fb, why, sizeof why), okb, bb->n);
            if (okb == 0)
                continue;
        }
        compare_metrics(o, A, ba, B, bb, rs, &s);
    }
    for (size_t i = 0; i < ib.n; i++) {
        if (ib.order[i]->seen)
            continue;
        struct cmp_row *r = row_new(rs, &B->runs[ib.order[i]->idx[0]], NULL, CMP_NA);
        snprintf(r->reason, sizeof r->reason, "only in NEW: no matching run in BASE");
    }
    free(s.a.v);
    free(s.b.v);
    free(s.wa.v);
    free(s.wb.v);
    rd_index_free(&ia);
    rd_index_free(&ib);
    rd_index_free(&lb);
}

/* Phase 2: one family correction over the gate's rows. */
static void correct(const struct cmp_opts *o, struct cmp_rows *rs)
{
    struct gate_result *g = malloc((rs->n ? rs->n : 1) * sizeof *g);
    size_t m = 0;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].kind == CMP_GATE)
            g[m++] = rs->r[i].g;
    gate_correct_family(&o->gate, g, m);
    for (size_t i = 0, j = 0; i < rs->n; i++)
        if (rs->r[i].kind == CMP_GATE)
            rs->r[i].g = g[j++];
    free(g);
}

static void parse_options(int argc, char **argv, struct cmp_opts *o)
{
    static const struct option opts[] = {{"tolerance", required_argument, 0, 'T'},
                                         {"tol", required_argument, 0, 't'},
                                         {"allow-missing", no_argument, 0, 'M'},
                                         {"correction", required_argument, 0, 'C'},
                                         {"alpha", required_argument, 0, 'a'},
                                         {"json", required_argument, 0, 'j'},
                                         {"plot", required_argument, 0, 'p'},
                                         {"changes-only", no_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    char perr[EXA_ERR_LEN], err[4096];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'T':
            if (gate_tol_load(&o->tol, optarg, err, sizeof err) != 0)
                exa_input_error("--tolerance: %s", err);
            break;
        case 't':
            if (gate_tol_override(&o->tol, optarg, err, sizeof err) != 0)
                exa_usage_error("--tol %s", err);
            break;
        case 'M': o->allow_missing = 1; break;
        case 'C':
            if (!strcmp(optarg, "holm"))
                o->gate.correction = GATE_HOLM;
            else if (!strcmp(optarg, "bh"))
                o->gate.correction = GATE_BH;
            else
                exa_usage_error("--correction '%s': expected holm or bh", optarg);
            break;
        case 'a':
            if (exa_parse_double(optarg, 1e-12, 0.5, &o->gate.alpha, perr) != 0)
                exa_usage_error("--alpha '%s': %s", optarg, perr);
            break;
        case 'j': o->json_path = optarg; break;
        case 'p': o->plot = optarg; break;
        case 'c': o->changes_only = 1; break;
        case 'h': usage(); exit(EXA_EXIT_OK);
        default: exa_usage_error("compare: unknown option (see 'exabench compare --help')");
        }
    }
}

/* The kinds' default tolerances, as the first rules (files and --tol come after and win). */
static void kind_defaults(struct gate_tolerances *t)
{
    for (const struct kind *const *k = kind_all(); *k; k++)
        for (const struct kind_tolerance *d = (*k)->tolerances; d && d->metric; d++) {
            char glob[256], origin[128];
            snprintf(glob, sizeof glob, "%s/%s", (*k)->name, d->metric);
            snprintf(origin, sizeof origin, "default: %s %s", (*k)->name, d->metric);
            gate_tol_add(t, glob, d->fraction, origin);
        }
}

int cmd_compare(int argc, char **argv)
{
    struct cmp_opts o;
    memset(&o, 0, sizeof o);
    gate_options_default(&o.gate);
    gate_tol_init(&o.tol);
    kind_defaults(&o.tol);
    parse_options(argc, argv, &o);
    if (argc - optind != 2)
        exa_usage_error("compare: expected BASE and NEW results folders, got %d arguments", argc - optind);
    char err[4096];
    /* Static and not freed at the end: freeing two runs of 10 000 records costs more than the
     * exit that reclaims them, and static storage keeps them reachable for leak checkers. */
    static struct rd_set A, B;
    if (rd_load_two(argv[optind], &A, argv[optind + 1], &B, err, sizeof err) != 0)
        exa_input_error("%s", err);

    struct cmp_rows rs = {0};
    match_all(&o, &A, &B, &rs);
    correct(&o, &rs);
    json_t *pdiff = cmp_provenance_diff(&A, &B);
    FILE *tout = o.json_path && !strcmp(o.json_path, "-") ? stderr : stdout;
    cmp_print(tout, &o, &A, &B, &rs, pdiff);
    if (o.json_path && cmp_write_json(&o, &A, &B, &rs, pdiff) != 0)
        exa_input_error("cannot write '%s'", o.json_path);
    if (o.plot)
        cmp_write_plot(o.plot, &rs);

    int fails = 0;
    for (size_t i = 0; i < rs.n; i++) {
        const struct cmp_row *r = &rs.r[i];
        fails |= r->kind == CMP_FAILED || ((r->kind == CMP_GATE || r->kind == CMP_MISSING) && r->g.fails);
        json_decref(r->sa);
        json_decref(r->sb);
    }
    free(rs.r);
    json_decref(pdiff);
    gate_tol_free(&o.tol);
    return fails ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
