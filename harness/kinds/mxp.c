/* The exa-mxp kind (HPL-MxP): its suite keys (n, nb, p, q, precision, restart, max_iter), one run
 * per N at each scale step on a P x Q grid (given, or exa_hpl_grid's default), and its command
 * line. Parameters carry the names exa-mxp writes in its record (docs/man/exa-mxp.1.md). */
#include "kind.h"

#include <inttypes.h>
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
    .headline_metric = "gflops",
    .role = KIND_ROLE_NONE,
    .plots = mxp_plots,
};
