/* exabench accept SPEC RUN: vendor acceptance. Each criterion of the spec (YAML or JSON; see
 * exabench-accept(1)) names a metric, the runs it applies to, a comparison and a threshold (absolute,
 * a fraction of Rpeak, or a fraction of another run's figure), optionally on every node's own
 * figure. Prints PASS or FAIL per criterion with the measured value and margin, and the nodes that
 * failed; a criterion whose runs are missing or failed is FAIL. Exit 1 on any FAIL. */
#include <fnmatch.h>
#include <stdarg.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "report.h"

static void usage(void)
{
    printf("Usage: exabench accept [OPTIONS] SPEC RUN\n\n"
           "Checks the results folder RUN against the acceptance criteria in SPEC (YAML or JSON):\n\n"
           "  schema: exabench.accept\n"
           "  rpeak_per_node_gflops: 3072        # optional; else the run's system, else the record\n"
           "  criteria:\n"
           "    - name: HPL reaches 70%% of Rpeak on 4 nodes\n"
           "      metric: gflops\n"
           "      runs: {benchmark: hpl, nodes: 4}      # also test, ranks, name (glob), parameters\n"
           "      compare: \">=\"                         # >=, >, <=, <\n"
           "      threshold: 0.70\n"
           "      of: rpeak                             # absent: an absolute value\n"
           "    - name: Triad on every node\n"
           "      metric: triad_bandwidth\n"
           "      runs: {benchmark: stream, nodes: 1}\n"
           "      every_node: true                      # each node's own figure must pass\n"
           "      compare: \">=\"\n"
           "      threshold: 0.95\n"
           "      of: {runs: {benchmark: stream, nodes: 1}, aggregate: median}\n\n"
           "The measured value aggregates the selected runs (aggregate: best (default), worst,\n"
           "median, mean, min, max; best follows the metric's direction). A criterion whose runs are\n"
           "missing, or any of whose runs failed (crashed, timed out, failed verification), is FAIL.\n\n"
           "Options:\n"
           "      --json FILE|-  write the verdicts as JSON (schema exabench.acceptance)\n"
           "  -h, --help         this text\n\n"
           "Exit status: 0 every criterion passed, 1 at least one FAIL, 2 bad input (malformed spec,\n"
           "unknown metric or key: the message names the file and line).\n");
}

static const char *spec_path;

static _Noreturn void spec_error(const json_t *obj, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void spec_error(const json_t *obj, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = rp_line(obj);
    if (line)
        exa_input_error("%s:%d: %s", spec_path, line, msg);
    exa_input_error("%s: %s", spec_path, msg);
}

static void check_keys(const json_t *obj, const char *const *allowed, const char *what)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        if (!strcmp(k, "__line"))
            continue;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, k))
                ok = 1;
        if (!ok)
            spec_error(obj, "unknown key '%s' in %s", k, what);
    }
}

static const char *const selector_keys[] = {"benchmark", "test", "nodes", "ranks", "ranks_per_node",
                                            "threads_per_rank", "name", "parameters", NULL};

static int sel_int(const json_t *sel, const char *key, int have)
{
    const json_t *v = json_object_get(sel, key);
    return !v || (json_is_number(v) && json_number_value(v) == (double)have);  /* no cast of 1e300 to int */
}

static int matches(const json_t *sel, const struct rd_run *r)
{
    const char *b = json_string_value(json_object_get(sel, "benchmark"));
    const char *t = json_string_value(json_object_get(sel, "test"));
    const char *n = json_string_value(json_object_get(sel, "name"));
    if ((b && strcmp(b, r->benchmark)) || (t && strcmp(t, r->test)) || (n && fnmatch(n, r->name, 0) != 0))
        return 0;
    if (!sel_int(sel, "nodes", r->nodes) || !sel_int(sel, "ranks", r->ranks) ||
        !sel_int(sel, "ranks_per_node", r->ranks_per_node) || !sel_int(sel, "threads_per_rank", r->threads_per_rank))
        return 0;
    const char *k;
    const json_t *v;
    json_object_foreach(json_object_get(sel, "parameters"), k, v) {
        if (!strcmp(k, "__line"))
            continue;
        const json_t *have = json_object_get(r->params, k);
        if (!have)
            have = json_object_get(json_object_get(r->rec, "parameters"), k);
        if (!have)
            return 0;
        if (json_is_number(v) && json_is_number(have)) {
            if (json_number_value(v) != json_number_value(have))
                return 0;
        } else if (!json_equal(v, have)) {
            return 0;
        }
    }
    return 1;
}

enum agg { AGG_BEST, AGG_WORST, AGG_MEDIAN, AGG_MEAN, AGG_MIN, AGG_MAX };
static const char *agg_names[] = {"best", "worst", "median", "mean", "min", "max", NULL};

static enum agg parse_agg(const json_t *obj)
{
    const json_t *a = json_object_get(obj, "aggregate");
    if (!a)
        return AGG_BEST;
    for (int i = 0; agg_names[i]; i++)
        if (json_is_string(a) && !strcmp(json_string_value(a), agg_names[i]))
            return (enum agg)i;
    spec_error(obj, "aggregate must be best, worst, median, mean, min or max");
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Aggregates v[0..n-1]; *which gets the index of the chosen value for best/worst/min/max, else -1. */
static double aggregate(double *v, size_t n, enum agg a, int higher, long *which)
{
    *which = -1;
    if (n == 0)
        return NAN;
    if (a == AGG_MEAN || a == AGG_MEDIAN) {
        if (a == AGG_MEAN) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += v[i];
            return s / (double)n;
        }
        double *c = malloc(n * sizeof *c);
        memcpy(c, v, n * sizeof *c);
        qsort(c, n, sizeof *c, cmp_d);
        double m = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
        free(c);
        return m;
    }
    int want_max = a == AGG_MAX || (a == AGG_BEST && higher) || (a == AGG_WORST && !higher);
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (want_max ? v[i] > v[k] : v[i] < v[k])
            k = i;
    *which = (long)k;
    return v[k];
}

struct selection {
    const struct rd_run **runs;
    size_t n, failed;
    char failed_text[512];
};

static void select_runs(const struct rd_set *set, const json_t *sel, struct selection *s)
{
    s->runs = calloc(set->n + 1, sizeof *s->runs);
    s->n = s->failed = 0;
    s->failed_text[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!matches(sel, r))
            continue;
        s->runs[s->n++] = r;
        if (!r->ok) {
            char why[200];
            int w = snprintf(s->failed_text + used, sizeof s->failed_text - used, "%s%s (%s)", s->failed ? ", " : "",
                             r->name, rd_failure(r, why, sizeof why));
            if (w > 0 && used + (size_t)w < sizeof s->failed_text)
                used += (size_t)w;
            s->failed++;
        }
    }
}

struct verdict {
    int pass;
    double measured, threshold, margin;
    const char *unit;
    char reason[512];
    json_t *failed_nodes;
};

static double rpeak_for(const struct rd_set *set, double spec_rpn, const struct rd_run *r)
{
    if (spec_rpn > 0)
        return spec_rpn * r->nodes;
    if (set->rpeak_per_node > 0)
        return set->rpeak_per_node * r->nodes;
    const json_t *e = json_object_get(json_object_get(json_object_get(r->rec, "metrics"), "gflops"), "expected");
    return json_is_number(e) ? json_number_value(e) : NAN;
}

static int holds(double v, const char *op, double t)
{
    if (!strcmp(op, ">="))
        return v >= t;
    if (!strcmp(op, ">"))
        return v > t;
    if (!strcmp(op, "<="))
        return v <= t;
    return v < t;
}

static double margin_of(double v, const char *op, double t)
{
    double d = op[0] == '>' ? v - t : t - v;
    return t != 0 ? d / fabs(t) : d;
}

/* The metric over a selection: fills v with one value per ok run. Returns -1 (reason set) when the
 * selection is empty, has failed runs, or a run lacks the metric. */
static int gather(const struct selection *s, const char *metric, double *v, int *higher, const char **unit,
                  char *reason, size_t rlen, const char *what)
{
    if (s->n == 0) {
        snprintf(reason, rlen, "%s: no run matches the selector", what);
        return -1;
    }
    if (s->failed) {
        snprintf(reason, rlen, "%s: %zu of %zu runs failed: %s", what, s->failed, s->n, s->failed_text);
        return -1;
    }
    for (size_t i = 0; i < s->n; i++)
        if (rd_metric(s->runs[i], metric, &v[i], unit, higher) != 0) {
            snprintf(reason, rlen, "%s: run %s has no metric '%s'", what, s->runs[i]->name, metric);
            return -1;
        }
    return 0;
}

/* The reference value of a relative threshold ("of": {runs, metric, aggregate}); NAN (reason set)
 * when it cannot be computed. */
static double reference_value(const struct rd_set *set, const json_t *of, const char *metric,
                              struct verdict *out)
{
    struct selection rs;
    select_runs(set, json_object_get(of, "runs"), &rs);
    const char *rmetric = json_string_value(json_object_get(of, "metric"));
    double *rv = calloc(rs.n + 1, sizeof *rv), ref = NAN;
    int rh = 1;
    const char *ru;
    long which;
    if (gather(&rs, rmetric ? rmetric : metric, rv, &rh, &ru, out->reason, sizeof out->reason,
               "reference runs") == 0)
        ref = aggregate(rv, rs.n, parse_agg(of), rh, &which);
    free(rv);
    free(rs.runs);
    return ref;
}

/* What one criterion compares against: a plain threshold, a fraction of a reference, or a
 * fraction of the Rpeak of the run that gave the figure. */
struct bound {
    const struct rd_set *set;
    double thr, ref, spec_rpn;
    int of_rpeak, of_ref;
};

/* The threshold for a figure that came from run r; NAN (reason set) when Rpeak is unknown. */
static double bound_for(const struct bound *b, const struct rd_run *r, struct verdict *out)
{
    if (b->of_rpeak) {
        double rp = rpeak_for(b->set, b->spec_rpn, r);
        if (isnan(rp) || rp <= 0) {
            snprintf(out->reason, sizeof out->reason, "Rpeak unknown (set rpeak_per_node_gflops in the spec)");
            return NAN;
        }
        return b->thr * rp;
    }
    return b->of_ref ? b->thr * b->ref : b->thr;
}

/* The selection's aggregate against the bound. */
static void evaluate_overall(const struct selection *s, const double *v, enum agg agg, int higher,
                             const char *op, const struct bound *b, struct verdict *out)
{
    long which;
    out->measured = aggregate((double *)v, s->n, agg, higher, &which);
    out->threshold = bound_for(b, s->runs[which >= 0 ? which : 0], out);
    if (isnan(out->threshold))
        return;
    out->pass = holds(out->measured, op, out->threshold);
    out->margin = margin_of(out->measured, op, out->threshold);
}

/* host -> [indices into the selection]; NULL (reason set) unless every run is single-node with a
 * known host. */
static json_t *runs_by_host(const struct selection *s, struct verdict *out)
{
    json_t *hosts = json_object();
    for (size_t i = 0; i < s->n; i++) {
        const struct rd_run *r = s->runs[i];
        if (r->nodes != 1 || !*r->host) {
            snprintf(out->reason, sizeof out->reason,
                     "every_node needs single-node runs with a known host; run %s has %d nodes%s", r->name,
                     r->nodes, *r->host ? "" : " and no host");
            json_decref(hosts);
            return NULL;
        }
        json_t *a = json_object_get(hosts, r->host);
        if (!a) {
            a = json_array();
            json_object_set_new(hosts, r->host, a);
        }
        json_array_append_new(a, json_integer((json_int_t)i));
    }
    return hosts;
}

/* Each host's own figure against the bound; the verdict shows the worst host. */
static void evaluate_every_node(const struct selection *s, const double *v, enum agg agg, int higher,
                                const char *op, const struct bound *b, struct verdict *out)
{
    json_t *hosts = runs_by_host(s, out), *idx;
    if (!hosts)
        return;
    double worst_margin = INFINITY, *hv = calloc(s->n + 1, sizeof *hv);
    const char *host;
    out->pass = 1;
    json_object_foreach(hosts, host, idx) {
        size_t k, m = 0;
        json_t *x;
        json_array_foreach(idx, k, x)
            hv[m++] = v[json_integer_value(x)];
        long which;
        double val = aggregate(hv, m, agg, higher, &which);
        double t = bound_for(b, s->runs[json_integer_value(json_array_get(idx, 0))], out);
        if (isnan(t)) {
            out->pass = 0;
            break;
        }
        double mg = margin_of(val, op, t);
        if (mg < worst_margin) {
            worst_margin = mg;
            out->measured = val;
            out->threshold = t;
            out->margin = mg;
        }
        if (!holds(val, op, t)) {
            out->pass = 0;
            json_array_append_new(out->failed_nodes, json_pack("{s:s, s:f, s:f}", "host", host, "value", val,
                                                               "threshold", t));
        }
    }
    free(hv);
    if (!out->reason[0])
        snprintf(out->reason, sizeof out->reason, "%zu node%s checked, %zu failed; the worst node is shown",
                 json_object_size(hosts), json_object_size(hosts) == 1 ? "" : "s",
                 json_array_size(out->failed_nodes));
    json_decref(hosts);
}

static void evaluate(const struct rd_set *set, const json_t *crit, double spec_rpn, struct verdict *out)
{
    memset(out, 0, sizeof *out);
    out->measured = out->threshold = out->margin = NAN;
    out->unit = "";
    out->failed_nodes = json_array();
    const char *metric = json_string_value(json_object_get(crit, "metric"));
    const char *op = json_string_value(json_object_get(crit, "compare"));
    const json_t *of = json_object_get(crit, "of");
    struct bound b = {set, json_number_value(json_object_get(crit, "threshold")), NAN, spec_rpn,
                      json_is_string(of) && !strcmp(json_string_value(of), "rpeak"), json_is_object(of)};

    struct selection s;
    select_runs(set, json_object_get(crit, "runs"), &s);
    double *v = calloc(s.n + 1, sizeof *v);
    int higher = 1;
    if (gather(&s, metric, v, &higher, &out->unit, out->reason, sizeof out->reason, "runs") == 0 &&
        (!b.of_ref || !isnan(b.ref = reference_value(set, of, metric, out)))) {
        if (json_is_true(json_object_get(crit, "every_node")))
            evaluate_every_node(&s, v, parse_agg(crit), higher, op, &b, out);
        else
            evaluate_overall(&s, v, parse_agg(crit), higher, op, &b, out);
    }
    free(v);
    free(s.runs);
}

static const char *const criterion_keys[] = {"name", "metric", "runs", "aggregate", "compare", "threshold",
                                             "of", "every_node", NULL};
static const char *const spec_keys[] = {"schema", "schema_version", "name", "description", "rpeak_per_node_gflops",
                                        "criteria", NULL};
static const char *const builtin_metrics[] = {"gflops", "copy_bandwidth", "scale_bandwidth", "add_bandwidth",
                                              "triad_bandwidth", "dot_bandwidth", NULL};

static void check_metric_known(const json_t *crit, const char *metric, const json_t *known)
{
    for (const char *const *b = builtin_metrics; *b; b++)
        if (!strcmp(*b, metric))
            return;
    if (json_object_get(known, metric))
        return;
    struct sbuf list;
    sb_init(&list);
    for (const char *const *b = builtin_metrics; *b; b++)
        sb_printf(&list, "%s%s", b == builtin_metrics ? "" : ", ", *b);
    const char *k;
    const json_t *x;
    size_t shown = 0;
    json_object_foreach((json_t *)known, k, x) {
        int builtin = 0;
        for (const char *const *b = builtin_metrics; *b; b++)
            builtin |= !strcmp(*b, k);
        if (!builtin && shown++ < 12)
            sb_printf(&list, ", %s", k);
    }
    spec_error(crit, "unknown metric '%s' (known: %s)", metric, list.s);
}

static void validate_selector(const json_t *crit, const json_t *sel, const char *what)
{
    if (!json_is_object(sel))
        spec_error(crit, "'%s' must be a mapping (a run selector)", what);
    check_keys(sel, selector_keys, "a run selector");
}

static void validate(const json_t *spec, const struct rd_set *set)
{
    if (!json_is_object(spec))
        spec_error(spec, "the spec must be a mapping with 'criteria'");
    check_keys(spec, spec_keys, "the spec");
    const char *schema = json_string_value(json_object_get(spec, "schema"));
    if (schema && strcmp(schema, "exabench.accept"))
        spec_error(spec, "schema '%s' is not exabench.accept", schema);
    const json_t *ver = json_object_get(spec, "schema_version");
    if (ver && (!json_is_integer(ver) || json_integer_value(ver) != 1))
        spec_error(spec, "schema_version must be 1");
    const json_t *crits = json_object_get(spec, "criteria");
    if (!json_is_array(crits) || json_array_size(crits) == 0)
        spec_error(spec, "'criteria' must be a non-empty list");
    json_t *known = json_object();
    for (size_t i = 0; i < set->n; i++) {
        const char *k;
        const json_t *m;
        json_object_foreach(json_object_get(set->runs[i].rec, "metrics"), k, m)
            json_object_set_new(known, k, json_true());
    }
    size_t i;
    const json_t *c;
    json_array_foreach(crits, i, c) {
        if (!json_is_object(c))
            spec_error(spec, "every criterion must be a mapping");
        check_keys(c, criterion_keys, "a criterion");
        const char *metric = json_string_value(json_object_get(c, "metric"));
        if (!metric)
            spec_error(c, "a criterion needs 'metric'");
        check_metric_known(c, metric, known);
        validate_selector(c, json_object_get(c, "runs"), "runs");
        const char *op = json_string_value(json_object_get(c, "compare"));
        if (!op || (strcmp(op, ">=") && strcmp(op, ">") && strcmp(op, "<=") && strcmp(op, "<")))
            spec_error(c, "'compare' must be one of >=, >, <=, < (got '%s')", op ? op : "nothing");
        if (!json_is_number(json_object_get(c, "threshold")))
            spec_error(c, "'threshold' must be a number");
        parse_agg(c);
        const json_t *of = json_object_get(c, "of");
        if (of && json_is_string(of) && strcmp(json_string_value(of), "rpeak"))
            spec_error(c, "'of' must be 'rpeak' or a mapping {runs, metric, aggregate} (got '%s')",
                       json_string_value(of));
        if (json_is_object(of)) {
            static const char *const of_keys[] = {"runs", "metric", "aggregate", NULL};
            check_keys(of, of_keys, "'of'");
            validate_selector(c, json_object_get(of, "runs"), "of.runs");
            const char *rm = json_string_value(json_object_get(of, "metric"));
            if (rm)
                check_metric_known(c, rm, known);
            parse_agg(of);
        } else if (of && !json_is_string(of)) {
            spec_error(c, "'of' must be 'rpeak' or a mapping {runs, metric, aggregate}");
        }
        const json_t *ev = json_object_get(c, "every_node");
        if (ev && !json_is_boolean(ev))
            spec_error(c, "'every_node' must be true or false");
    }
    json_decref(known);
}

int cmd_accept(int argc, char **argv)
{
    static const struct option opts[] = {{"json", required_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *json_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json_path = optarg; break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("accept: unknown option (see 'exabench accept --help')");
        }
    }
    if (argc - optind != 2)
        exa_usage_error("accept: expected SPEC and RUN, got %d arguments", argc - optind);
    spec_path = argv[optind];
    char err[4096];
    json_t *spec = rp_load_spec(spec_path, err, sizeof err);
    if (!spec)
        exa_input_error("%s", err);
    struct rd_set set;
    if (rd_load(argv[optind + 1], &set, err, sizeof err) != 0)
        exa_input_error("%s", err);
    validate(spec, &set);
    const json_t *rpn = json_object_get(spec, "rpeak_per_node_gflops");
    double spec_rpn = json_is_number(rpn) ? json_number_value(rpn) : 0;

    FILE *out = json_path && !strcmp(json_path, "-") ? stderr : stdout;
    const json_t *crits = json_object_get(spec, "criteria");
    json_t *results = json_array();
    size_t failed = 0, i;
    const json_t *crit;
    fprintf(out, "accept: %s against %s (%zu runs)\n\n", spec_path, set.run_id, set.n);
    fprintf(out, "%3s  %-40s %16s %2s %16s %9s  %s\n", "#", "criterion", "measured", "", "threshold", "margin", "result");
    json_array_foreach(crits, i, crit) {
        struct verdict v;
        evaluate(&set, crit, spec_rpn, &v);
        const char *name = json_string_value(json_object_get(crit, "name"));
        char nbuf[64], m[32], t[32], mg[32];
        if (!name) {
            snprintf(nbuf, sizeof nbuf, "%s (criterion %zu)", json_string_value(json_object_get(crit, "metric")), i + 1);
            name = nbuf;
        }
        if (!v.pass)
            failed++;
        const char *op = json_string_value(json_object_get(crit, "compare"));
        if (isnan(v.margin))
            snprintf(mg, sizeof mg, "-");
        else
            snprintf(mg, sizeof mg, "%+.1f%%", 100 * v.margin);
        char ms[48], ts[48];
        snprintf(ms, sizeof ms, "%s %s", rp_num(v.measured, m), isnan(v.measured) ? "" : v.unit);
        snprintf(ts, sizeof ts, "%s %s", rp_num(v.threshold, t), isnan(v.threshold) ? "" : v.unit);
        fprintf(out, "%3zu  %-40.40s %16s %2s %16s %9s  %s\n", i + 1, name, ms, op, ts, mg, v.pass ? "PASS" : "FAIL");
        if (v.reason[0] && (!v.pass || json_is_true(json_object_get(crit, "every_node"))))
            fprintf(out, "     %s\n", v.reason);
        if (json_array_size(v.failed_nodes)) {
            fprintf(out, "     nodes that failed:");
            size_t k;
            json_t *fnode;
            json_array_foreach(v.failed_nodes, k, fnode)
                fprintf(out, "%s %s (%s)", k ? "," : "", json_string_value(json_object_get(fnode, "host")),
                        rp_num(json_number_value(json_object_get(fnode, "value")), m));
            fprintf(out, "\n");
        }
#define NUM(x) (isfinite(x) ? json_real(x) : json_null())
        json_array_append_new(results,
                              json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:s}", "index",
                                        (json_int_t)(i + 1), "name", name, "metric",
                                        json_string_value(json_object_get(crit, "metric")), "compare", op, "measured",
                                        NUM(v.measured), "threshold", NUM(v.threshold), "margin", NUM(v.margin), "unit",
                                        v.unit, "result", v.pass ? "PASS" : "FAIL", "failed_nodes", v.failed_nodes,
                                        "reason", v.reason));
#undef NUM
    }
    size_t n = json_array_size(crits);
    fprintf(out, "\n%zu criteria: %zu passed, %zu failed: %s\n", n, n - failed, failed, failed ? "NOT ACCEPTED" : "ACCEPTED");
    if (json_path) {
        json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:b, s:I, s:o}", "schema", "exabench.acceptance", "schema_version", 1,
                              "spec", spec_path, "run_id", set.run_id, "accepted", failed == 0, "failed",
                              (json_int_t)failed, "criteria", results);
        int rc = !strcmp(json_path, "-") ? json_dumpf(o, stdout, JSON_INDENT(1)) : json_dump_file(o, json_path, JSON_INDENT(1));
        json_decref(o);
        if (rc != 0)
            exa_input_error("cannot write '%s'", json_path);
    } else {
        json_decref(results);
    }
    json_decref(spec);
    rd_free(&set);
    return failed ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
