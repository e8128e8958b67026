/* The exa-mxp kind (HPL-MxP): its suite keys (n, nb, p, q, precision, restart, max_iter), one run
 * per N at each scale step on a P x Q grid (given, or exa_hpl_grid's default), and its command
 * line. Parameters carry the names exa-mxp writes in its record (docs/man/exa-mxp.1.md). */
#include "kind.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "exa_hplmodel.h"
#include "suite.h"
#include "suite_yaml.h"

struct mxp_entry {
    struct u64list n;
    long nb, p, q, restart, max_iter;   /* 0: the benchmark's default */
    char *precision;                    /* NULL: fp32 */
    struct mark p_mark;
};

struct mxp_variant {
    uint64_t n;
    long p, q;
};

static const char *const mxp_keys[] = {"n", "nb", "p", "q", "precision", "restart", "max_iter",
                                       NULL};
static const char *const mxp_precisions[] = {"fp64", "fp32", "fp16", "bf16", NULL};

static void *mxp_new(void) { return calloc(1, sizeof(struct mxp_entry)); }

static void mxp_free(void *priv)
{
    struct mxp_entry *m = priv;
    if (!m)
        return;
    free(m->n.v);
    free(m->precision);
    free(m);
}

static int mxp_precision_key(struct sy_ctx *c, struct mxp_entry *m, yaml_node_t *v)
{
    if (sy_string(c, v, "precision", &m->precision) != 0)
        return -1;
    for (const char *const *p = mxp_precisions; *p; p++)
        if (!strcmp(*p, m->precision))
            return 0;
    return sy_fail(c, v, "precision: '%s' is not one of fp64, fp32, fp16, bf16", m->precision);
}

static int mxp_parse_key(struct sy_ctx *c, const struct suite *s, void *priv, const char *k,
                         yaml_node_t *v)
{
    struct mxp_entry *m = priv;
    if (!strcmp(k, "n"))
        return sy_u64list(c, v, k, 1, &m->n);
    if (!strcmp(k, "nb"))
        return sy_long(c, v, k, 1, 8192, &m->nb);
    if (!strcmp(k, "p")) {
        m->p_mark = sy_mark(v);
        return sy_long(c, v, k, 1, 10000000, &m->p);
    }
    if (!strcmp(k, "q"))
        return sy_long(c, v, k, 1, 10000000, &m->q);
    if (!strcmp(k, "restart"))
        return sy_long(c, v, k, 1, 1000, &m->restart);
    if (!strcmp(k, "max_iter"))
        return sy_long(c, v, k, 1, 100000, &m->max_iter);
    return mxp_precision_key(c, m, v);
}

static int mxp_check(struct sy_ctx *c, const yaml_node_t *n, const struct bench_entry *e)
{
    const struct mxp_entry *m = e->priv;
    if (m->n.n == 0)
        return sy_fail(c, n, "mxp entry '%s': give the sizes 'n'", e->name);
    if ((m->p > 0) != (m->q > 0))
        return sy_fail(c, n, "mxp entry '%s': give both 'p' and 'q' or neither", e->name);
    return 0;
}

static int mxp_expand(struct kind_step *st)
{
    const struct mxp_entry *m = st->entry->priv;
    struct mxp_variant v = {0};
    if (!m->p) {
        exa_hpl_grid(st->ranks, &v.p, &v.q);
    } else if (m->p * m->q != st->ranks) {
        return kind_fail(st, m->p_mark, "entry '%s': P x Q = %ld x %ld = %ld does not match the "
                         "%ld ranks of this scale step", st->entry->name, m->p, m->q, m->p * m->q,
                         st->ranks);
    } else {
        v.p = m->p;
        v.q = m->q;
    }
    for (size_t i = 0; i < m->n.n; i++) {
        v.n = m->n.v[i];
        if (st->emit(st, &v) != 0)
            return -1;
    }
    return 0;
}

static void push_long(struct strlist *a, json_t *par, const char *opt, const char *key, long v)
{
    if (!v)
        return;
    strlist_push(a, opt);
    strlist_pushf(a, "%ld", v);
    json_object_set_new(par, key, json_integer(v));
}

static void mxp_fill(const struct kind_step *st, const void *variant, struct kind_run *out)
{
    const struct mxp_entry *m = st->entry->priv;
    const struct mxp_variant *v = variant;
    json_t *par = out->parameters;
    strlist_push(out->argv, "-N");
    strlist_pushf(out->argv, "%" PRIu64, v->n);
    json_object_set_new(par, "n", json_integer((json_int_t)v->n));
    push_long(out->argv, par, "--nb", "nb", m->nb);
    push_long(out->argv, par, "-P", "p", v->p);
    push_long(out->argv, par, "-Q", "q", v->q);
    push_long(out->argv, par, "--restart", "restart", m->restart);
    push_long(out->argv, par, "--max-iter", "max_iter", m->max_iter);
    const char *prec = m->precision ? m->precision : "fp32";
    strlist_push(out->argv, "--precision");
    strlist_push(out->argv, prec);
    json_object_set_new(par, "precision", json_string(prec));
    snprintf(out->slug, sizeof out->slug, "%s-n%" PRIu64 "-%ldx%ld-%s", st->entry->name, v->n, v->p,
             v->q, prec);
    snprintf(out->label, sizeof out->label, "exa-mxp %s N=%" PRIu64 " %ldx%ld", prec, v->n, v->p,
             v->q);
}

/* ---- plan's fit check ------------------------------------------------------------------- */

#define MXP_DEFAULT_NB 256      /* exa-mxp's default block size (exa-mxp(1)) */
#define MXP_DEFAULT_RESTART 30

static double mxp_par(const struct run *r, const char *key, double dflt)
{
    json_t *v = json_object_get(r->parameters, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static double low_bytes(const struct run *r)
{
    const char *p = json_string_value(json_object_get(r->parameters, "precision"));
    return p && !strcmp(p, "fp64") ? 8.0 : 4.0;    /* fp16/bf16 keep FP32 storage */
}

/* A node's ranks, each with its block of the FP64 matrix and of its low-precision copy (rounded
 * up to whole blocks), two panels and the replicated GMRES vectors: exa-mxp's own check. */
static double mxp_memory(const struct run *r, const struct kind_rates *rt)
{
    (void)rt;
    double n = mxp_par(r, "n", 0), nb = mxp_par(r, "nb", MXP_DEFAULT_NB);
    double p = mxp_par(r, "p", 0), q = mxp_par(r, "q", 0);
    if (n <= 0 || p <= 0 || q <= 0)
        return 0;
    double rows = fmin(ceil(n / nb / p) * nb, n), cols = fmin(ceil(n / nb / q) * nb, n);
    double low = low_bytes(r);
    double rank = rows * cols * (8.0 + low) + (rows + cols) * nb * low * 2 +
                  n * 8.0 * (mxp_par(r, "restart", MXP_DEFAULT_RESTART) + 8);
    return rank * (double)r->ranks_per_node;
}

/* The factorisation at the dgemm rate x the precision's speed-up (2 for fp32 on CPUs: sgemm) x
 * HPL's efficiency, plus the generation and the refinement (a few O(N^2) passes per iteration, at
 * memory speed), plus start-up. */
static double mxp_duration(const struct run *r, const struct kind_rates *rt)
{
    double n = mxp_par(r, "n", 0), p = mxp_par(r, "p", 0), q = mxp_par(r, "q", 0);
    if (n <= 0 || p <= 0 || q <= 0 || rt->dgemm_gflops_per_core <= 0)
        return 0;
    double per_node = (double)(r->ranks_per_node * r->threads_per_rank);
    if (rt->parallel_cores > 0 && per_node > rt->parallel_cores)
        per_node = rt->parallel_cores;
    double cores = per_node * (double)r->nodes;
    double local = n / sqrt(p * q), eff = rt->hpl_efficiency > 0 ? rt->hpl_efficiency : 0.7;
    eff *= local / (local + 1000.0);
    double speedup = low_bytes(r) < 8 ? 2.0 : 1.0;
    double seconds = 2.0 / 3.0 * n * n * n / (rt->dgemm_gflops_per_core * 1e9 * speedup * cores * eff);
    double bw = rt->memory_gbs_per_node > 0 ? rt->memory_gbs_per_node : 5.0 * per_node;
    double passes = 8.0 + 4.0 * mxp_par(r, "max_iter", 5) / 5.0;  /* generation + a few iterations */
    seconds += passes * 12.0 * n * n / (double)r->nodes / (bw * 1e9);
    return seconds + 0.3;
}

/* compare's default tolerances (gate.h): rates as HPL's; the iteration count moves in whole steps. */
static const struct kind_tolerance mxp_tolerances[] = {
    {"gflops", 0.03, NULL}, {"factor_gflops", 0.03, NULL}, {"time", 0.03, NULL},
    {"iterations", 0.5, NULL}, {NULL, 0, NULL}};

static const char *const mxp_plots[] = {"size_sweep", NULL};

const struct kind kind_mxp = {
    .name = "mxp",
    .binary = "exa-mxp",
    .keys = mxp_keys,
    .entry_new = mxp_new,
    .entry_free = mxp_free,
    .parse_key = mxp_parse_key,
    .check = mxp_check,
    .expand = mxp_expand,
    .fill = mxp_fill,
    .uses_blas = 1,
    .memory_per_node = mxp_memory,
    .duration_estimate = mxp_duration,
    .headline_metric = "gflops",
    .role = KIND_ROLE_MXP,
    .plots = mxp_plots,
    .tolerances = mxp_tolerances,
};
