/* The exa-hpl kind: its suite keys (n, nb, p, q, mem_fraction, threshold, hpl_dat), the N x NB
 * sweep at each scale step on a P x Q grid (given, or exa_hpl_grid's default), N sized from memory,
 * and its command line. Parameters carry the names exa-hpl writes in its record (docs/results.md). */
#include "kind.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "exa_hplmodel.h"
#include "suite.h"
#include "suite_yaml.h"

struct hpl_entry {
    struct u64list n, nb;
    double mem_fraction;        /* > 0: N derived from memory per node at each scale */
    long p, q;                  /* 0: exa_hpl_grid's default */
    char *threshold;            /* NULL: the benchmark's default */
    char *hpl_dat;              /* an HPL.dat path (absolute), passed as the positional argument */
    struct mark p_mark;
};

struct hpl_variant {
    uint64_t n, nb;
    long p, q;
    int several_nb;
};

static const char *const hpl_keys[] = {"n", "nb", "p", "q", "mem_fraction", "threshold", "hpl_dat",
                                       NULL};

static void *hpl_new(void) { return calloc(1, sizeof(struct hpl_entry)); }

static void hpl_free(void *priv)
{
    struct hpl_entry *h = priv;
    if (!h)
        return;
    free(h->n.v);
    free(h->nb.v);
    free(h->threshold);
    free(h->hpl_dat);
    free(h);
}

static int hpl_dat_key(struct sy_ctx *c, const struct suite *s, struct hpl_entry *h, yaml_node_t *v)
{
    char *p = NULL;
    int rc = sy_string(c, v, "hpl_dat", &p);
    if (rc == 0) {
        h->hpl_dat = sy_path(s->dir, p);
        if (access(h->hpl_dat, R_OK) != 0)
            rc = sy_fail(c, v, "hpl_dat: can not read '%s': %s", h->hpl_dat, strerror(errno));
    }
    free(p);
    return rc;
}

static int hpl_parse_key(struct sy_ctx *c, const struct suite *s, void *priv, const char *k,
                         yaml_node_t *v)
{
    struct hpl_entry *h = priv;
    if (!strcmp(k, "n"))
        return sy_u64list(c, v, k, 1, &h->n);
    if (!strcmp(k, "nb"))
        return sy_u64list(c, v, k, 1, &h->nb);
    if (!strcmp(k, "p")) {
        h->p_mark = sy_mark(v);
        return sy_long(c, v, k, 1, 10000000, &h->p);
    }
    if (!strcmp(k, "q"))
        return sy_long(c, v, k, 1, 10000000, &h->q);
    if (!strcmp(k, "mem_fraction")) {
        if (sy_double(c, v, k, 0, 1, &h->mem_fraction) != 0)
            return -1;
        if (h->mem_fraction <= 0 || h->mem_fraction >= 1)
            return sy_fail(c, v, "mem_fraction must be between 0 and 1 (exclusive), not %s", sy_sval(v));
        return 0;
    }
    if (!strcmp(k, "threshold")) {
        double t;
        return sy_double(c, v, k, 0, 1e12, &t) ? -1 : sy_string(c, v, k, &h->threshold);
    }
    return hpl_dat_key(c, s, h, v);
}

static int hpl_check(struct sy_ctx *c, const yaml_node_t *n, const struct bench_entry *e)
{
    const struct hpl_entry *h = e->priv;
    int ways = (h->n.n > 0) + (h->mem_fraction > 0) + (h->hpl_dat != NULL);
    if (ways != 1)
        return sy_fail(c, n, "hpl entry '%s': give exactly one of 'n' (fixed sizes), 'mem_fraction' "
                       "(sized from memory per node) or 'hpl_dat'", e->name);
    if ((h->p > 0) != (h->q > 0))
        return sy_fail(c, n, "hpl entry '%s': give both 'p' and 'q' or neither", e->name);
    if (h->hpl_dat && (h->p || h->nb.n || h->threshold))
        return sy_fail(c, n, "hpl entry '%s': with hpl_dat the grid, NB and threshold come from the "
                       "HPL.dat file", e->name);
    return 0;
}

/* N for mem_fraction at this step: from the system's memory per node, or this node's. */
static int hpl_n_for_step(const struct kind_step *st, const struct hpl_entry *h, uint64_t nb,
                          uint64_t *n)
{
    double bytes = st->suite->system.memory_per_node_gib * 1073741824.0;
    uint64_t total = 0;
    if (bytes <= 0 && st->local && exa_meminfo(&total, NULL) == 0)
        bytes = (double)total;
    if (bytes <= 0)
        return kind_fail(st, st->entry->mark, "entry '%s': mem_fraction needs "
                         "system.memory_per_node_gib", st->entry->name);
    *n = exa_hpl_n_from_memory(bytes * (double)st->nodes, h->mem_fraction, nb ? nb : 128, 0);
    return 0;
}

static int hpl_grid_for_step(const struct kind_step *st, const struct hpl_entry *h,
                             struct hpl_variant *v)
{
    if (!h->p) {
        exa_hpl_grid(st->ranks, &v->p, &v->q);
        return 0;
    }
    if (h->p * h->q != st->ranks)
        return kind_fail(st, h->p_mark, "entry '%s': P x Q = %ld x %ld = %ld does not match the %ld "
                         "ranks of this scale step", st->entry->name, h->p, h->q, h->p * h->q,
                         st->ranks);
    v->p = h->p;
    v->q = h->q;
    return 0;
}

/* Sizes, then block sizes, at the step's grid; an HPL.dat entry is one run (the file's sweep). */
static int hpl_expand(struct kind_step *st)
{
    const struct hpl_entry *h = st->entry->priv;
    struct hpl_variant v = {0};
    if (h->hpl_dat)
        return st->emit(st, &v);
    if (hpl_grid_for_step(st, h, &v) != 0)
        return -1;
    size_t n_sizes = h->mem_fraction > 0 ? 1 : h->n.n, n_nb = h->nb.n ? h->nb.n : 1;
    v.several_nb = n_nb > 1;
    for (size_t zi = 0; zi < n_sizes; zi++)
        for (size_t bi = 0; bi < n_nb; bi++) {
            v.nb = h->nb.n ? h->nb.v[bi] : 0;
            if (h->mem_fraction > 0) {
                if (hpl_n_for_step(st, h, v.nb, &v.n) != 0)
                    return -1;
            } else {
                v.n = h->n.v[zi];
            }
            if (st->emit(st, &v) != 0)
                return -1;
        }
    return 0;
}

static void hpl_fill(const struct kind_step *st, const void *variant, struct kind_run *out)
{
    const struct hpl_entry *h = st->entry->priv;
    const struct hpl_variant *v = variant;
    json_t *par = out->parameters;
    if (h->hpl_dat) {
        strlist_push(out->argv, h->hpl_dat);
        json_object_set_new(par, "hpl_dat", json_string(h->hpl_dat));
        snprintf(out->slug, sizeof out->slug, "%s-dat-%ldr", st->entry->name, st->ranks);
        snprintf(out->label, sizeof out->label, "exa-hpl HPL.dat %ld ranks", st->ranks);
        return;
    }
    strlist_push(out->argv, "-N");
    strlist_pushf(out->argv, "%" PRIu64, v->n);
    if (v->nb) {
        strlist_push(out->argv, "--nb");
        strlist_pushf(out->argv, "%" PRIu64, v->nb);
    }
    strlist_push(out->argv, "-P");
    strlist_pushf(out->argv, "%ld", v->p);
    strlist_push(out->argv, "-Q");
    strlist_pushf(out->argv, "%ld", v->q);
    if (h->threshold) {
        strlist_push(out->argv, "--threshold");
        strlist_push(out->argv, h->threshold);
    }
    json_object_set_new(par, "n", json_integer((json_int_t)v->n));
    if (v->nb)
        json_object_set_new(par, "nb", json_integer((json_int_t)v->nb));
    json_object_set_new(par, "p", json_integer(v->p));
    json_object_set_new(par, "q", json_integer(v->q));
    if (h->mem_fraction > 0)
        json_object_set_new(par, "mem_fraction", json_real(h->mem_fraction));
    int l = snprintf(out->slug, sizeof out->slug, "%s-n%" PRIu64 "-%ldx%ld", st->entry->name, v->n,
                     v->p, v->q);
    int m = snprintf(out->label, sizeof out->label, "exa-hpl N=%" PRIu64 " %ldx%ld", v->n, v->p, v->q);
    if (v->several_nb) {
        snprintf(out->slug + l, sizeof out->slug - (size_t)l, "-nb%" PRIu64, v->nb);
        snprintf(out->label + m, sizeof out->label - (size_t)m, " NB=%" PRIu64, v->nb);
    }
}

static int hpl_screen_wanted(const struct screen_cfg *sc) { return sc->hpl_n > 0; }
static const char *hpl_screen_metric(const struct screen_cfg *sc) { return sc->hpl_metric; }

static void hpl_screen_argv(const struct screen_cfg *sc, long ranks, long threads,
                            struct strlist *a)
{
    long p, q;
    exa_hpl_grid(ranks, &p, &q);
    strlist_push(a, "-N");
    strlist_pushf(a, "%ld", sc->hpl_n);
    strlist_push(a, "--nb");
    strlist_pushf(a, "%ld", sc->hpl_nb);
    strlist_push(a, "-P");
    strlist_pushf(a, "%ld", p);
    strlist_push(a, "-Q");
    strlist_pushf(a, "%ld", q);
}

/* ---- plan's fit check ------------------------------------------------------------------- */

#define HPL_DEFAULT_NB 192      /* exa-hpl's default block size (exa-hpl(1)) */

static double hpl_par(const struct run *r, const char *key, double dflt)
{
    json_t *v = json_object_get(r->parameters, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* The worst node's share of the matrix and workspace; 0 (unknown) for an HPL.dat run. */
static double hpl_memory(const struct run *r, const struct kind_rates *rt)
{
    (void)rt;
    double n = hpl_par(r, "n", 0), nb = hpl_par(r, "nb", HPL_DEFAULT_NB);
    long p = (long)hpl_par(r, "p", 0), q = (long)hpl_par(r, "q", 0);
    if (n <= 0 || p <= 0 || q <= 0)
        return 0;
    return exa_hpl_node_bytes(n, nb, p, q, r->ranks_per_node);
}

/* HPL's flops at the dgemm rate of the cores it runs on times HPL's efficiency, which falls for
 * small local matrices (panel work and messages are not hidden behind the update); plus the
 * O(N^2) set-up, generation and residual check at memory speed, the first touch of the
 * matrix's pages, and exa-hpl's own dgemm calibration (about 0.3 s) at start. */
static double hpl_duration(const struct run *r, const struct kind_rates *rt)
{
    double n = hpl_par(r, "n", 0), p = hpl_par(r, "p", 0), q = hpl_par(r, "q", 0);
    if (n <= 0 || p <= 0 || q <= 0 || rt->dgemm_gflops_per_core <= 0)
        return 0;
    double per_node = (double)(r->ranks_per_node * r->threads_per_rank);
    if (rt->cores_per_node > 0 && per_node > rt->cores_per_node)
        per_node = rt->cores_per_node;
    if (rt->parallel_cores > 0 && per_node > rt->parallel_cores)
        per_node = rt->parallel_cores;
    double cores = per_node * (double)r->nodes;
    double local = n / sqrt(p * q), eff = rt->hpl_efficiency > 0 ? rt->hpl_efficiency : 0.7;
    eff *= local / (local + 1000.0);
    double seconds = exa_hpl_flops(n) / (rt->dgemm_gflops_per_core * 1e9 * cores * eff);
    double bw = rt->memory_gbs_per_core * per_node;   /* GB/s of the node; 5 per core if unknown */
    if (rt->memory_gbs_per_node > 0 && (bw <= 0 || bw > rt->memory_gbs_per_node))
        bw = rt->memory_gbs_per_node;
    if (bw <= 0)
        bw = 5.0 * per_node;
    seconds += 6.0 * 8.0 * n * n / (double)r->nodes / (bw * 1e9);
    if (rt->first_touch_gbs > 0)
        seconds += hpl_memory(r, rt) / (rt->first_touch_gbs * 1e9 * per_node);
    /* every step's panel broadcast and row swaps cost at least a latency per block column */
    if (p * q > 1 && rt->latency_us > 0)
        seconds += n / hpl_par(r, "nb", HPL_DEFAULT_NB) * (log2(p) + log2(q) + 2) * rt->latency_us
                   * 1e-6;
    return seconds + 0.3;
}

static const char *const hpl_plots[] = {"size_sweep", NULL};

/* compare's default tolerances (gate.h). */
static const struct kind_tolerance hpl_tolerances[] = {
    {"gflops", 0.03, NULL}, {"time", 0.03, NULL}, {"update_rate", 0.03, "update_rate"}, {NULL, 0, NULL}};

const struct kind kind_hpl = {
    .name = "hpl",
    .binary = "exa-hpl",
    .keys = hpl_keys,
    .entry_new = hpl_new,
    .entry_free = hpl_free,
    .parse_key = hpl_parse_key,
    .check = hpl_check,
    .expand = hpl_expand,
    .fill = hpl_fill,
    .uses_blas = 1,
    .memory_per_node = hpl_memory,
    .duration_estimate = hpl_duration,
    .screen = {KIND_SCREEN_COMPUTE, hpl_screen_wanted, hpl_screen_metric, hpl_screen_argv, "",
               "Gflop/s"},
    .headline_metric = "gflops",
    .role = KIND_ROLE_RMAX,
    .plots = hpl_plots,
    .tolerances = hpl_tolerances,
    .family = "hpl",
    .compare_key = kind_hpl_family_key,
};
