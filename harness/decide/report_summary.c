/* What a TOP500 sheet asks of a run (Rmax, Nmax, N1/2, Rpeak, efficiency) with STREAM Triad per
 * node, small-message latency and large-message bandwidth; per-size comm tables; provenance facts
 * flattened for comparison. Only valid runs count: a failed run never feeds a figure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exa_parse.h"
#include "kind.h"
#include "metric_order.h"
#include "report.h"

double rp_n_half(const double *x, const double *y, size_t n, int *upper)
{
    *upper = 0;
    if (n == 0)
        return NAN;
    double ymax = y[0];
    for (size_t i = 1; i < n; i++)
        if (y[i] > ymax)
            ymax = y[i];
    double half = ymax / 2.0;
    if (y[0] >= half) {
        *upper = 1;
        return x[0];
    }
    for (size_t i = 1; i < n; i++) {
        if (y[i] >= half) {
            double f = (half - y[i - 1]) / (y[i] - y[i - 1]);
            return x[i - 1] + f * (x[i] - x[i - 1]);
        }
    }
    return NAN;
}

double rp_metric_size(const char *metric)
{
    const char *us = strrchr(metric, '_');
    if (!us || !us[1] || us[1] < '0' || us[1] > '9')
        return -1;
    uint64_t v;
    char err[EXA_ERR_LEN];
    if (exa_parse_size(us + 1, &v, err) != 0)
        return -1;
    return (double)v;
}

/* Unit of a results table field from its name's suffix. */
static const char *field_unit(const char *f)
{
    size_t l = strlen(f);
#define ENDS(s) (l >= sizeof(s) - 1 && !strcmp(f + l - (sizeof(s) - 1), s))
    if (ENDS("_us"))
        return "us";
    if (ENDS("_gbs") || ENDS("_gb_s") || ENDS("_GBps") || ENDS("bandwidth"))
        return "GB/s";
    if (ENDS("_mmsgs") || ENDS("_mmsg_s") || ENDS("rate"))
        return "Mmsg/s";
    if (ENDS("_s"))
        return "s";
#undef ENDS
    return "";
}

static int is_size_key(const char *k)
{
    return !strcmp(k, "size") || !strcmp(k, "bytes") || !strcmp(k, "size_bytes") || !strcmp(k, "message_size");
}

/* Skips raw-sample style and bookkeeping fields in per-size rows. */
static int is_value_field(const char *k)
{
    static const char *skip[] = {"iterations", "warmup", "repetitions", "count", "n", "samples", "index"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (!strcmp(k, skip[i]))
            return 0;
    return 1;
}

void rp_comm_points(const struct rd_run *run, rp_point_fn fn, void *ctx)
{
    if (!run->rec)
        return;
    const char *test = run->test && *run->test ? run->test : run->benchmark;
    char series[256];
    int found = 0;
    /* The metrics named QUANTITY_SIZE ("latency_8B", "bandwidth_1M", "message_rate_4K"). */
    const json_t *metrics = json_object_get(run->rec, "metrics");
    size_t nk;
    const char **keys = metric_order_keys(metrics, &nk);  /* by message size, as everywhere */
    const char *key;
    for (size_t i = 0; i < nk; i++) {
        key = keys[i];
        const json_t *m = json_object_get(metrics, key);
        double size = rp_metric_size(key);
        const json_t *v = json_object_get(m, "value");
        if (size < 0 || !json_is_number(v))
            continue;
        int plen = (int)(strrchr(key, '_') - key);
        if ((int)strlen(test) == plen && !strncmp(test, key, (size_t)plen))
            snprintf(series, sizeof series, "%s", test);
        else
            snprintf(series, sizeof series, "%s %.*s", test, plen, key);
        const char *unit = json_string_value(json_object_get(m, "unit"));
        fn(ctx, series, size, json_number_value(v), unit ? unit : "");
        found = 1;
    }
    free(keys);
    if (found)
        return;
    /* Otherwise per-size tables in results: arrays of objects with a size field. */
    const json_t *tab;
    json_object_foreach(json_object_get(run->rec, "results"), key, tab) {
        if (!json_is_array(tab) || json_array_size(tab) == 0)
            continue;
        size_t i;
        const json_t *row;
        json_array_foreach(tab, i, row) {
            if (!json_is_object(row))
                break;
            const char *f;
            const json_t *v, *size = NULL;
            json_object_foreach((json_t *)row, f, v)
                if (is_size_key(f) && json_is_number(v))
                    size = v;
            if (!size)
                break;
            json_object_foreach((json_t *)row, f, v) {
                const char *unit = field_unit(f);
                if (is_size_key(f) || !json_is_number(v) || !is_value_field(f) || !*unit)
                    continue;
                snprintf(series, sizeof series, "%s %s", test, f);
                fn(ctx, series, json_number_value(size), json_number_value(v), unit);
            }
        }
    }
}

struct comm_best {
    double lat, lat_size, bw, bw_size;
    const struct rd_run *run;
};

/* Small-message latency from the latency test; large-message bandwidth from the unidirectional
 * bandwidth test (not bibw, not the message-rate test). */
static void comm_best_point(void *ctx, const char *series, double size, double value, const char *unit)
{
    struct comm_best *b = ctx;
    const char *test = b->run->test;
    (void)series;
    if (!strcmp(unit, "us") && (!strcmp(test, "latency") || strstr(test, "pingpong"))) {
        if (isnan(b->lat) || size < b->lat_size || (size == b->lat_size && value < b->lat)) {
            b->lat = value;
            b->lat_size = size;
        }
    } else if (!strcmp(unit, "GB/s") && (!strcmp(test, "bw") || !strcmp(test, "bandwidth"))) {
        if (isnan(b->bw) || size > b->bw_size || (size == b->bw_size && value > b->bw)) {
            b->bw = value;
            b->bw_size = size;
        }
    }
}

/* A number from the record's counters.energy (see docs/counters.md), NAN when absent. */
static double energy_field(const json_t *energy, const char *key)
{
    const json_t *v = json_object_get(energy, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

struct npoint {
    double n, g;
};

static int cmp_npoint(const void *a, const void *b)
{
    double x = ((const struct npoint *)a)->n, y = ((const struct npoint *)b)->n;
    return (x > y) - (x < y);
}

json_t *rp_record_rpeak(const struct rd_set *set, const struct rd_run *run)
{
    if (!run || !run->record_file)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", set->dir, run->record_file);
    json_t *rec = json_load_file(path, 0, NULL);
    json_t *rp = json_object_get(json_object_get(rec, "results"), "rpeak");
    json_incref(rp);
    json_decref(rec);
    return rp;
}

/* Rpeak is theoretical (the run's system, else the record's rpeak_theoretical, else an expected
 * peak that is not a dgemm measurement); the calibrated dgemm peak is a second, labelled figure. */
static void summary_peaks(const struct rd_set *set, const struct rd_run *top, struct rp_summary *s)
{
    const json_t *m = json_object_get(json_object_get(top->rec, "metrics"), "gflops");
    json_t *rp = rp_record_rpeak(set, top);
    const json_t *th = json_object_get(rp, "rpeak_theoretical_gflops"), *e = json_object_get(m, "expected");
    const char *eb = json_string_value(json_object_get(m, "expected_basis"));
    int e_is_dgemm = eb && strstr(eb, "dgemm");
    if (set->rpeak_per_node > 0) {
        s->rpeak = set->rpeak_per_node * top->nodes;
        s->rpeak_basis = "theoretical: system rpeak_per_node_gflops x nodes";
    } else if (json_is_number(th) && json_number_value(th) > 0) {
        s->rpeak = json_number_value(th);
        s->rpeak_basis = "theoretical: grid cores x nominal clock x flops/cycle (exa-hpl's rpeak_theoretical)";
    } else if (json_is_number(e) && json_number_value(e) > 0 && !e_is_dgemm) {
        s->rpeak = json_number_value(e);
        s->rpeak_basis = eb ? eb : "record's expected peak";
    }
    const json_t *dg = json_object_get(rp, "dgemm_peak_gflops");
    if (!json_is_number(dg))
        dg = json_object_get(rp, "rpeak_calibrated_gflops");
    if (json_is_number(dg) && json_number_value(dg) > 0)
        s->dgemm_peak = json_number_value(dg);
    else if (json_is_number(e) && json_number_value(e) > 0 && e_is_dgemm)
        s->dgemm_peak = json_number_value(e);
    if (!isnan(s->rpeak) && s->rpeak > 0)
        s->efficiency = s->rmax / s->rpeak;
    if (!isnan(s->dgemm_peak))
        s->efficiency_dgemm = s->rmax / s->dgemm_peak;
    json_decref(rp);
}

/* HPL-MxP's figure: only a compliant run counts (a weakened matrix or an fp64 factorisation is
 * no mixed-precision result). */
static void mxp_consider(struct rp_summary *s, const struct rd_run *r)
{
    double v;
    const json_t *comp = json_object_get(r->rec, "compliance");
    if (json_is_false(json_object_get(comp, "compliant")) || rd_metric(r, "gflops", &v, NULL, NULL) != 0)
        return;
    if (isnan(s->mxp_gflops) || v > s->mxp_gflops) {
        s->mxp_gflops = v;
        double n = rd_param(r, "n");
        s->mxp_n = isnan(n) ? 0 : (long)n;
        s->mxp_precision = json_string_value(json_object_get(json_object_get(r->rec, "parameters"), "precision"));
    }
}

void rp_summarize(const struct rd_set *set, struct rp_summary *s)
{
    memset(s, 0, sizeof *s);
    s->rmax = s->n_half = s->rpeak = s->efficiency = s->triad_per_node = NAN;
    s->latency_us = s->bandwidth_gbs = s->energy_j = s->power_w = NAN;
    s->dgemm_peak = s->efficiency_dgemm = s->mxp_gflops = NAN;
    s->rpeak_basis = "";
    struct comm_best cb = {NAN, 0, NAN, 0, NULL};
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!r->ok)
            continue;
        double v;
        if (kind_has_role(r->benchmark, KIND_ROLE_RMAX) && rd_metric(r, "gflops", &v, NULL, NULL) == 0) {
            if (isnan(s->rmax) || v > s->rmax) {
                s->rmax = v;
                s->rmax_run = r;
            }
        } else if (kind_has_role(r->benchmark, KIND_ROLE_MEMORY) && rd_metric(r, "triad_bandwidth", &v, NULL, NULL) == 0) {
            double pn = v / (r->nodes > 0 ? r->nodes : 1);
            if (isnan(s->triad_per_node) || pn > s->triad_per_node)
                s->triad_per_node = pn;
        } else if (kind_has_role(r->benchmark, KIND_ROLE_NETWORK)) {
            cb.run = r;
            rp_comm_points(r, comm_best_point, &cb);
        } else if (kind_has_role(r->benchmark, KIND_ROLE_MXP)) {
            mxp_consider(s, r);
        }
    }
    s->latency_us = cb.lat;
    s->latency_size = cb.lat_size;
    s->bandwidth_gbs = cb.bw;
    s->bandwidth_size = cb.bw_size;
    const struct rd_run *top = s->rmax_run;
    if (!top)
        return;
    double n = rd_param(top, "n");
    s->nmax = isnan(n) ? 0 : (long)n;
    s->rmax_nodes = top->nodes;
    s->rmax_cores = (long)top->ranks * top->threads_per_rank;
    /* N1/2 from the N sweep on the same grid and scale as the Rmax run. */
    double P = rd_param(top, "p"), Q = rd_param(top, "q");
    struct npoint *pts = malloc((set->n + 1) * sizeof *pts);
    size_t np = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        double g, rn = rd_param(r, "n");
        if (!r->ok || !kind_has_role(r->benchmark, KIND_ROLE_RMAX) || r->nodes != top->nodes || r->ranks != top->ranks ||
            isnan(rn) || rd_metric(r, "gflops", &g, NULL, NULL) != 0)
            continue;
        double rp = rd_param(r, "p"), rq = rd_param(r, "q");
        if ((!isnan(P) && rp != P) || (!isnan(Q) && rq != Q))
            continue;
        size_t k;
        for (k = 0; k < np; k++)
            if (pts[k].n == rn)
                break;
        if (k == np)
            pts[np++] = (struct npoint){rn, g};
        else if (g > pts[k].g)
            pts[k].g = g;
    }
    qsort(pts, np, sizeof *pts, cmp_npoint);
    double *xs = malloc((np + 1) * sizeof *xs), *ys = malloc((np + 1) * sizeof *ys);
    for (size_t k = 0; k < np; k++)
        xs[k] = pts[k].n, ys[k] = pts[k].g;
    s->n_half = rp_n_half(xs, ys, np, &s->n_half_upper);
    free(xs);
    free(ys);
    free(pts);
    summary_peaks(set, top, s);
    /* Energy is measured with the counters (--papi), and only where a source exists. */
    const json_t *energy = json_object_get(json_object_get(top->rec, "counters"), "energy");
    if (json_is_true(json_object_get(energy, "available"))) {
        s->energy_j = energy_field(energy, "joules");
        s->power_w = energy_field(energy, "average_watts");
    }
}

/* ---- provenance ---- */
static int volatile_key(const char *k)
{
    static const char *skip[] = {"hostname", "inventory_hash", "inventory_hashes", "uuid", "uptime",
                                 "load", "free_bytes", "available_bytes", "node_desc", "hosts",
                                 "shared_cpu_list", "bus", "mac", "address"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (!strcmp(k, skip[i]))
            return 1;
    return 0;
}

static void flat_add(json_t *flat, const char *path, const char *value)
{
    json_t *set = json_object_get(flat, path);
    if (!set) {
        set = json_object();
        json_object_set_new(flat, path, set);
    }
    if (!json_object_get(set, value))
        json_object_set_new(set, value, json_true());
}

static void flatten(const json_t *v, const char *path, json_t *flat, int depth)
{
    char sub[512], buf[64];
    if (depth > 8)
        return;
    if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            if (volatile_key(k))
                continue;
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            flatten(x, sub, flat, depth + 1);
        }
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x) {
            const char *name = json_string_value(json_object_get(x, "name"));
            if (!name)
                name = json_string_value(json_object_get(x, "bus"));
            if (name)
                snprintf(sub, sizeof sub, "%s.%s", path, name);
            else
                snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            flatten(x, sub, flat, depth + 1);
        }
    } else if (json_is_string(v)) {
        flat_add(flat, path, json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        flat_add(flat, path, buf);
    } else if (json_is_real(v)) {
        snprintf(buf, sizeof buf, "%g", json_real_value(v));
        flat_add(flat, path, buf);
    } else if (json_is_boolean(v)) {
        flat_add(flat, path, json_is_true(v) ? "true" : "false");
    }
}

void rp_provenance_flatten(const json_t *rec, json_t *flat)
{
    const json_t *prov = json_object_get(rec, "provenance");
    const json_t *nodes = json_object_get(prov, "nodes");
    size_t i;
    const json_t *node;
    json_array_foreach(nodes, i, node)
        flatten(node, "node", flat, 0);
    flatten(json_object_get(prov, "software"), "software", flat, 0);
    /* The build that produced the record. */
    const json_t *build = json_object_get(json_object_get(rec, "exabench"), "build");
    if (json_is_object(build) && !json_object_get(json_object_get(prov, "software"), "build"))
        flatten(build, "software.build", flat, 0);
}

const char *rp_provenance_category(const char *p)
{
    if (strstr(p, "bios"))
        return "BIOS";
    if (strstr(p, "firmware") || strstr(p, "fw_ver") || strstr(p, "vbios") || strstr(p, "microcode"))
        return "firmware";
    if (strstr(p, "driver"))
        return "driver";
    if (strstr(p, "kernel"))
        return "kernel";
    if (strstr(p, "environment"))
        return "environment";
    if (strstr(p, "mpi"))
        return "MPI";
    if (strstr(p, "blas"))
        return "BLAS";
    if (strstr(p, ".cc") || strstr(p, "cflags") || strstr(p, "compiler"))
        return "compiler";
    if (strstr(p, "node.cpu"))
        return "CPU";
    if (strstr(p, "node.memory"))
        return "memory";
    return "other";
}

json_t *rp_run_provenance(const struct rd_set *set)
{
    json_t *flat = json_object();
    const json_t *seen[32];
    size_t nseen = 0;
    for (size_t i = 0; i < set->n; i++) {
        const json_t *rec = set->runs[i].rec;
        if (!rec)
            continue;
        const json_t *prov = json_object_get(rec, "provenance");
        size_t k;
        for (k = 0; k < nseen; k++)
            if (json_equal(seen[k], prov))
                break;
        if (k < nseen)
            continue;
        if (nseen < sizeof seen / sizeof seen[0])
            seen[nseen++] = prov;
        rp_provenance_flatten(rec, flat);
    }
    return flat;
}
