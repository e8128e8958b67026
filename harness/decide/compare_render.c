/* exabench compare's output: the provenance differences, the table with every verdict in words,
 * the summary line naming the family correction, the JSON (every verdict with its basis) and the
 * ratio plot. */
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "exa_cli.h"
#include "report.h"

static const char *const class_names[CC_N] = {"improved", "unchanged", "regressed", "cannot tell", "missing",
                                              "not comparable"};

const char *cmp_class_name(enum cmp_class c)
{
    return (unsigned)c < CC_N ? class_names[c] : "?";
}

enum cmp_class cmp_class_of(const struct cmp_row *r)
{
    switch (r->kind) {
    case CMP_NA: return CC_NA;
    case CMP_FAILED: return CC_REGRESSED;
    case CMP_MISSING: return CC_MISSING;
    case CMP_GATE: break;
    }
    switch (r->g.verdict) {
    case GATE_IMPROVED: return CC_IMPROVED;
    case GATE_UNCHANGED: return CC_UNCHANGED;
    case GATE_REGRESSED: return CC_REGRESSED;
    case GATE_MISSING: return CC_MISSING;
    case GATE_CANNOT_TELL: break;
    }
    return CC_CANNOT_TELL;
}

const char *cmp_text(const struct cmp_row *r)
{
    return r->kind == CMP_GATE || r->kind == CMP_MISSING ? r->g.text : r->reason;
}

size_t cmp_family_size(const struct cmp_rows *rs)
{
    size_t m = 0;
    for (size_t i = 0; i < rs->n; i++)
        m += rs->r[i].kind == CMP_GATE && !isnan(rs->r[i].g.p_adj);
    return m;
}

static const char *correction_text(enum gate_correction c)
{
    return c == GATE_HOLM ? "Holm" : "Benjamini-Hochberg";
}

json_t *cmp_provenance_diff(const struct rd_set *a, const struct rd_set *b)
{
    json_t *pa = rp_run_provenance(a), *pb = rp_run_provenance(b);
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
    json_decref(pa);
    json_decref(pb);
    return pdiff;
}

static void print_provenance(FILE *out, const json_t *pdiff)
{
    if (!json_array_size(pdiff)) {
        fprintf(out, "Provenance: no differences\n\n");
        return;
    }
    fprintf(out, "Provenance differences (%zu):\n", json_array_size(pdiff));
    size_t i;
    json_t *d;
    json_array_foreach(pdiff, i, d) {
        const char *keys[] = {"base", "new"};
        fprintf(out, "  %-11s %s:", json_string_value(json_object_get(d, "category")),
                json_string_value(json_object_get(d, "path")));
        for (int s = 0; s < 2; s++) {
            const char *v;
            json_t *x;
            int first = 1;
            fprintf(out, "%s", s ? " -> " : " ");
            json_object_foreach(json_object_get(d, keys[s]), v, x) {
                fprintf(out, "%s%s", first ? "" : " | ", v);
                first = 0;
            }
            if (first)
                fprintf(out, "(absent)");
        }
        fprintf(out, "\n");
    }
    fprintf(out, "\n");
}

static void print_row(FILE *out, const struct cmp_row *r, const char *params)
{
    char sc[64], n1[32], n2[32], ns[48], ch[32];
    snprintf(sc, sizeof sc, "%dn %dx%d", r->run->nodes, r->run->ranks, r->run->threads_per_rank);
    if (r->kind == CMP_GATE && r->g.method == GATE_M_WITHIN)
        snprintf(ns, sizeof ns, "%zu/%zu it", r->wa, r->wb);
    else if (r->kind == CMP_GATE)
        snprintf(ns, sizeof ns, "%zu/%zu", r->g.na, r->g.nb);
    else
        snprintf(ns, sizeof ns, "-");
    if (r->kind == CMP_GATE && isfinite(r->g.change))
        snprintf(ch, sizeof ch, "%+.1f%%", 100 * r->g.change);
    else
        snprintf(ch, sizeof ch, "-");
    enum cmp_class c = cmp_class_of(r);
    const char *text = cmp_text(r), *name = cmp_class_name(c);
    size_t nl = strlen(name);
    if (!strncmp(text, name, nl) && !strncmp(text + nl, ": ", 2))  /* the gate's text names it first */
        text += nl + 2;
    fprintf(out, "%-8s %-14s %-12s %-24.24s %-22.22s %12s %12s %8s %-18s %9s  %s: %s\n", r->run->benchmark,
            *r->run->test ? r->run->test : "-", sc, params, r->metric, rp_num(r->ma, n1), rp_num(r->mb, n2), ch,
            r->kind == CMP_GATE ? gate_method_name(r->g.method) : "-", ns,
            c == CC_REGRESSED ? "REGRESSED" : c == CC_MISSING ? "MISSING" : name, text);
}

void cmp_print(FILE *out, const struct cmp_opts *o, const struct rd_set *a, const struct rd_set *b,
               const struct cmp_rows *rs, const json_t *pdiff)
{
    size_t counts[CC_N] = {0};
    for (size_t i = 0; i < rs->n; i++)
        counts[cmp_class_of(&rs->r[i])]++;
    size_t m = cmp_family_size(rs);
    fprintf(out, "compare: BASE %s (%zu runs)  NEW %s (%zu runs)\n", a->run_id, a->n, b->run_id, b->n);
    fprintf(out, "gate: per-metric tolerance (kind defaults, --tolerance, --tol); 3+ runs a side: Welch t on logs;\n"
                 "one run a side: within-run samples where the record has them, else the tolerance alone;\n"
                 "family correction: %s over %zu tested metric%s, alpha %g, %g%% intervals; missing runs %s\n\n",
            correction_text(o->gate.correction), m, m == 1 ? "" : "s", o->gate.alpha, 100 * o->gate.confidence,
            o->allow_missing ? "allowed (--allow-missing)" : "fail");
    print_provenance(out, pdiff);
    fprintf(out, "%-8s %-14s %-12s %-24s %-22s %12s %12s %8s %-18s %9s  %s\n", "bench", "test", "scale", "parameters",
            "metric", "base", "new", "change", "method", "n", "verdict: basis");
    struct sbuf pt;
    const struct rd_run *pt_run = NULL;
    sb_init(&pt);
    for (size_t i = 0; i < rs->n; i++) {
        const struct cmp_row *r = &rs->r[i];
        if (o->changes_only && cmp_class_of(r) == CC_UNCHANGED)
            continue;
        if (r->run != pt_run) {  /* rows of one case are adjacent: format its parameters once */
            pt.len = 0;
            pt.s[0] = '\0';
            rp_params_text(r->run->params, &pt);
            pt_run = r->run;
        }
        print_row(out, r, pt.s);
    }
    sb_free(&pt);
    fprintf(out, "\n%zu improved, %zu unchanged, %zu regressed, %zu cannot tell, %zu missing, %zu not comparable"
                 " (%s correction over %zu tested metric%s)\n",
            counts[CC_IMPROVED], counts[CC_UNCHANGED], counts[CC_REGRESSED], counts[CC_CANNOT_TELL],
            counts[CC_MISSING], counts[CC_NA], correction_text(o->gate.correction), m, m == 1 ? "" : "s");
}

#define NUM(x) (isfinite(x) ? json_real(x) : json_null())

static json_t *basis_json(const struct cmp_opts *o, const struct cmp_row *r)
{
    const struct gate_result *g = &r->g;
    if (r->kind != CMP_GATE)
        return json_null();
    json_t *b = json_object();
    json_object_set_new(b, "method", json_string(gate_method_name(g->method)));
    json_object_set_new(b, "tolerance", NUM(g->tol));
    json_object_set_new(b, "tolerance_origin", json_string(g->tol_origin ? g->tol_origin : ""));
    json_object_set_new(b, "n_base", json_integer((json_int_t)g->na));
    json_object_set_new(b, "n_new", json_integer((json_int_t)g->nb));
    json_object_set_new(b, "within_base", json_integer((json_int_t)r->wa));
    json_object_set_new(b, "within_new", json_integer((json_int_t)r->wb));
    if (g->method == GATE_M_WITHIN)
        json_object_set_new(b, "batches", json_integer((json_int_t)g->batches));
    json_object_set_new(b, "p", NUM(g->p));
    json_object_set_new(b, "p_worse", NUM(g->p_worse));
    json_object_set_new(b, "p_better", NUM(g->p_better));
    json_object_set_new(b, "p_adjusted", NUM(g->p_adj));
    json_object_set_new(b, "p_better_adjusted", NUM(g->p_better_adj));
    json_object_set_new(b, "ci", json_pack("{s:o, s:o, s:f}", "low", NUM(g->ci_lo), "high", NUM(g->ci_hi), "level",
                                           o->gate.confidence));
    json_object_set_new(b, "correction", isnan(g->p_adj) ? json_null()
                                                         : json_string(o->gate.correction == GATE_HOLM ? "holm" : "bh"));
    return b;
}

static json_t *row_json(const struct cmp_opts *o, const struct cmp_row *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "benchmark", json_string(r->run->benchmark));
    json_object_set_new(j, "test", json_string(r->run->test));
    json_object_set_new(j, "scale", json_pack("{s:i, s:i, s:i, s:i}", "nodes", r->run->nodes, "ranks", r->run->ranks,
                                              "ranks_per_node", r->run->ranks_per_node, "threads_per_rank",
                                              r->run->threads_per_rank));
    json_object_set_new(j, "parameters", r->run->params ? json_deep_copy(r->run->params) : json_object());
    json_object_set_new(j, "metric", strcmp(r->metric, "-") ? json_string(r->metric) : json_null());
    json_object_set_new(j, "unit", json_string(r->unit));
    json_object_set_new(j, "direction", json_string(r->higher ? "higher" : "lower"));
    json_object_set_new(j, "base", json_pack("{s:o, s:o}", "median", NUM(r->ma), "samples",
                                             r->sa ? json_incref(r->sa) : json_array()));
    json_object_set_new(j, "new", json_pack("{s:o, s:o}", "median", NUM(r->mb), "samples",
                                            r->sb ? json_incref(r->sb) : json_array()));
    json_object_set_new(j, "change", r->kind == CMP_GATE ? NUM(r->g.change) : json_null());
    json_object_set_new(j, "verdict", json_string(cmp_class_name(cmp_class_of(r))));
    json_object_set_new(j, "fails", json_boolean(r->kind == CMP_FAILED || (r->kind != CMP_NA && r->g.fails)));
    json_object_set_new(j, "reason", json_string(cmp_text(r)));
    json_object_set_new(j, "basis", basis_json(o, r));
    return j;
}

int cmp_write_json(const struct cmp_opts *o, const struct rd_set *a, const struct rd_set *b,
                   const struct cmp_rows *rs, const json_t *pdiff)
{
    size_t counts[CC_N] = {0};
    for (size_t i = 0; i < rs->n; i++)
        counts[cmp_class_of(&rs->r[i])]++;
    json_t *out = json_object();
    json_object_set_new(out, "schema", json_string("exabench.compare"));
    json_object_set_new(out, "schema_version", json_integer(2));
    json_object_set_new(out, "base", json_pack("{s:s, s:s}", "run_id", a->run_id, "dir", a->dir));
    json_object_set_new(out, "new", json_pack("{s:s, s:s}", "run_id", b->run_id, "dir", b->dir));
    json_object_set_new(out, "alpha", json_real(o->gate.alpha));
    json_object_set_new(out, "confidence", json_real(o->gate.confidence));
    json_object_set_new(out, "correction", json_string(o->gate.correction == GATE_HOLM ? "holm" : "bh"));
    json_object_set_new(out, "family_size", json_integer((json_int_t)cmp_family_size(rs)));
    json_object_set_new(out, "allow_missing", json_boolean(o->allow_missing));
    json_t *sum = json_object();
    for (int c = 0; c < CC_N; c++) {
        char k[32];
        snprintf(k, sizeof k, "%s", class_names[c]);
        for (char *p = k; *p; p++)
            *p = *p == ' ' ? '_' : *p;
        json_object_set_new(sum, k, json_integer((json_int_t)counts[c]));
    }
    json_object_set_new(out, "summary", sum);
    json_object_set_new(out, "provenance_differences", json_deep_copy(pdiff));
    json_t *arr = json_array();
    for (size_t i = 0; i < rs->n; i++)
        json_array_append_new(arr, row_json(o, &rs->r[i]));
    json_object_set_new(out, "comparisons", arr);
    int std = !strcmp(o->json_path, "-");
    int rc = std ? json_dumpf(out, stdout, JSON_INDENT(1)) : json_dump_file(out, o->json_path, JSON_INDENT(1));
    if (std)
        printf("\n");
    json_decref(out);
    return rc;
}

#undef NUM

void cmp_write_plot(const char *prefix, const struct cmp_rows *rs)
{
    char *d1 = strdup(prefix), *d2 = strdup(prefix);
    const char *dir = dirname(d1), *base = basename(d2);
    char err[4096];
    struct rp_plot p;
    rp_plot_begin(&p, base, "compare: NEW / BASE ratio of the median of each metric");
    static const enum cmp_class shown[] = {CC_IMPROVED, CC_UNCHANGED, CC_REGRESSED, CC_CANNOT_TELL};
    size_t n = 0;
    for (int v = 0; v < 4; v++) {
        sb_printf(&p.dat, "# %s: position ratio label\n", class_names[shown[v]]);
        int any = 0;
        for (size_t i = 0, pos = 0; i < rs->n; i++) {
            const struct cmp_row *r = &rs->r[i];
            if (r->kind != CMP_GATE || !isfinite(r->mb / r->ma))
                continue;
            if (cmp_class_of(r) == shown[v]) {
                sb_printf(&p.dat, "%zu %.17g \"%s %s %s\"\n", pos, r->mb / r->ma, r->run->benchmark, r->run->test,
                          r->metric);
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
    const char *xt = n <= 40 ? ":xtic(3)" : "";
    sb_printf(&p.gp, "set ylabel 'NEW / BASE (median)'\nset xlabel 'compared metric'\nset style fill solid 0.7\n"
                     "set boxwidth 0.8\nset xrange [-1:%zu]\n%s",
              n, n <= 40 ? "set xtics rotate by -60 font ',7'\n" : "set xtics format ''\n");
    sb_printf(&p.gp, "plot '%s.dat' index 0 using 1:2%s with boxes lc rgb '#2a9d3a' title 'improved', \\\n"
                     "     '%s.dat' index 1 using 1:2%s with boxes lc rgb '#999999' title 'unchanged', \\\n"
                     "     '%s.dat' index 2 using 1:2%s with boxes lc rgb '#c62828' title 'regressed', \\\n"
                     "     '%s.dat' index 3 using 1:2%s with boxes lc rgb '#e0a030' title 'cannot tell', \\\n"
                     "     1 with lines lc rgb 'black' notitle\n",
              base, xt, base, xt, base, xt, base, xt);
    rp_plot_finish(&p);
    if (rp_mkdir_p(dir, err, sizeof err) != 0 || rp_plots_write(dir, &p, 1, 1, err, sizeof err) != 0)
        exa_warn("compare: the ratio plot failed: %s", err);
    rp_plot_free(&p);
    free(d1);
    free(d2);
}
