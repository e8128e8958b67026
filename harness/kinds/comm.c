/* The exa-comm kind: its suite keys (test, sizes, warmup, iterations, window, validate), one run
 * per test at each scale step, and its command line. The tests it knows are exa-comm's own
 * (benchmarks/comm/tests.c, as `exa-comm --help` lists them), so a misspelt test fails at plan time
 * and not hours later on the machine. Parameters carry the names exa-comm writes in its record. */
#include "kind.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "exa_cli.h"
#include "exa_parse.h"
#include "suite.h"
#include "suite_yaml.h"

/* exa-comm's tests; the copy_* tests exist in CUDA=1 builds only. */
static const char *const comm_known_tests[] = {
    "latency", "bw", "bibw", "mbw_mr", "allreduce", "reduce", "bcast", "allgather", "alltoall",
    "reduce_scatter", "barrier", "allpairs", "copy_d2d", "copy_h2d", "copy_d2h", NULL};

struct comm_entry {
    struct strlist tests;
    char *msg_sizes;            /* -m MIN:MAX[:STEP] */
    long warmup, iterations, window; /* -1: default */
    int validate;
    const yaml_node_t *test_node;   /* where the tests were named, for the check */
};

static const char *const comm_keys[] = {"test", "sizes", "warmup", "iterations", "window",
                                        "validate", NULL};

static void *comm_new(void)
{
    struct comm_entry *ce = calloc(1, sizeof *ce);
    ce->warmup = ce->iterations = ce->window = -1;
    return ce;
}

static void comm_free(void *priv)
{
    struct comm_entry *ce = priv;
    if (!ce)
        return;
    strlist_free(&ce->tests);
    free(ce->msg_sizes);
    free(ce);
}

static int comm_known(const char *test)
{
    for (const char *const *t = comm_known_tests; *t; t++)
        if (!strcmp(*t, test))
            return 1;
    return 0;
}

/* Every test named is one exa-comm has; otherwise the error names it and lists those it has. */
static int comm_check_tests(struct sy_ctx *c, const struct bench_entry *e, const struct comm_entry *ce)
{
    for (size_t i = 0; i < ce->tests.n; i++) {
        if (comm_known(ce->tests.v[i]))
            continue;
        char list[512] = "";
        for (const char *const *t = comm_known_tests; *t; t++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *t, t[1] ? ", " : "");
        return sy_fail(c, ce->test_node, "comm entry '%s': exa-comm has no test '%s' (its tests: %s)",
                       e->name, ce->tests.v[i], list);
    }
    return 0;
}

static int comm_parse_key(struct sy_ctx *c, const struct suite *s, void *priv, const char *k,
                          yaml_node_t *v)
{
    struct comm_entry *ce = priv;
    if (!strcmp(k, "test")) {
        ce->test_node = v;
        return sy_strlist(c, v, k, &ce->tests);
    }
    if (!strcmp(k, "sizes")) {
        struct exa_range r;
        char err[EXA_ERR_LEN];
        if (sy_string(c, v, k, &ce->msg_sizes) != 0)
            return -1;
        return exa_parse_range(ce->msg_sizes, &r, err) ? sy_fail(c, v, "sizes: %s", err) : 0;
    }
    if (!strcmp(k, "warmup"))
        return sy_long(c, v, k, 0, 100000000, &ce->warmup);
    if (!strcmp(k, "iterations"))
        return sy_long(c, v, k, 1, 100000000, &ce->iterations);
    if (!strcmp(k, "window"))
        return sy_long(c, v, k, 1, 100000000, &ce->window);
    return sy_bool(c, v, k, &ce->validate);
}

static int comm_check(struct sy_ctx *c, const yaml_node_t *n, const struct bench_entry *e)
{
    const struct comm_entry *ce = e->priv;
    if (!ce->tests.n)
        return sy_fail(c, n, "comm entry '%s': missing key 'test' (e.g. latency, bw, allpairs)",
                       e->name);
    return comm_check_tests(c, e, ce);
}

static int comm_expand(struct kind_step *st)
{
    const struct comm_entry *ce = st->entry->priv;
    for (size_t i = 0; i < ce->tests.n; i++)
        if (st->emit(st, ce->tests.v[i]) != 0)
            return -1;
    return 0;
}

/* sizes as the record says them: min_size, max_size and size_step ("x2", "+N"). */
static void comm_size_parameters(const char *sizes, json_t *par)
{
    struct exa_range r;
    char err[EXA_ERR_LEN];
    if (exa_parse_range(sizes, &r, err) != 0)
        return;
    json_object_set_new(par, "min_size", json_integer((json_int_t)r.min));
    json_object_set_new(par, "max_size", json_integer((json_int_t)r.max));
    json_object_set_new(par, "size_step", json_sprintf("%s%llu", r.multiply ? "x" : "+",
                                                       (unsigned long long)r.step));
}

/* An option and its value, in argv and in the parameters, when the suite gives it. */
static void comm_count(struct kind_run *out, const char *opt, const char *name, long value)
{
    if (value < 0)
        return;
    strlist_push(out->argv, opt);
    strlist_pushf(out->argv, "%ld", value);
    json_object_set_new(out->parameters, name, json_integer(value));
}

static void comm_fill(const struct kind_step *st, const void *variant, struct kind_run *out)
{
    const struct comm_entry *ce = st->entry->priv;
    const char *test = variant;
    long ranks = st->ranks;
    out->test = strdup(test);
    strlist_push(out->argv, test);
    json_object_set_new(out->parameters, "test", json_string(test));
    if (ce->msg_sizes) {
        strlist_push(out->argv, "-m");
        strlist_push(out->argv, ce->msg_sizes);
        comm_size_parameters(ce->msg_sizes, out->parameters);
    }
    comm_count(out, "-x", "warmup", ce->warmup);
    comm_count(out, "-i", "iterations", ce->iterations);
    comm_count(out, "--window", "window", ce->window);
    if (ce->validate) {
        strlist_push(out->argv, "--validate");
        json_object_set_new(out->parameters, "validate", json_true());
    }
    snprintf(out->slug, sizeof out->slug, "%s-%s-%ldr", st->entry->name, test, ranks);
    snprintf(out->label, sizeof out->label, "exa-comm %s %ld rank%s", test, ranks, ranks > 1 ? "s" : "");
}

/* ---- plan's fit check ------------------------------------------------------------------- */

/* exa-comm's loops as its test table sets them (benchmarks/comm/{pt2pt,collectives,allpairs}.c):
 * default sizes, iterations and warm-up for messages up to 8 KiB and above, and the shape of one
 * iteration for the model. */
enum comm_shape { CS_PINGPONG, CS_WINDOW, CS_TREE, CS_ALL, CS_PAIRS };
static const struct comm_loops {
    const char *test, *range;
    long iters_small, warmup_small, iters_large, warmup_large;
    enum comm_shape shape;
    int buffers;                /* message buffers of the largest size per rank: x1, or x ranks */
} comm_loops[] = {
    {"latency", "1:4M", 10000, 100, 1000, 10, CS_PINGPONG, 1},
    {"bw", "1:4M", 100, 10, 20, 2, CS_WINDOW, 1},
    {"bibw", "1:4M", 100, 10, 20, 2, CS_WINDOW, 1},
    {"mbw_mr", "1:4M", 100, 10, 20, 2, CS_WINDOW, 1},
    {"allreduce", "4:1M", 1000, 100, 100, 10, CS_TREE, 1},
    {"reduce", "4:1M", 1000, 100, 100, 10, CS_TREE, 1},
    {"bcast", "1:1M", 1000, 100, 100, 10, CS_TREE, 1},
    {"allgather", "1:1M", 1000, 100, 100, 10, CS_ALL, 0},
    {"alltoall", "1:1M", 1000, 100, 100, 10, CS_ALL, 0},
    {"reduce_scatter", "4:1M", 1000, 100, 100, 10, CS_TREE, 1},
    {"barrier", NULL, 1000, 100, 100, 10, CS_TREE, 1},
    {"allpairs", "8:1M", 1000, 10, 1000, 10, CS_PAIRS, 1},
};

static const struct comm_loops *comm_loops_of(const struct run *r)
{
    for (size_t i = 0; r->test && i < sizeof comm_loops / sizeof *comm_loops; i++)
        if (!strcmp(comm_loops[i].test, r->test))
            return &comm_loops[i];
    return NULL;
}

static int comm_range(const struct run *r, const struct comm_loops *l, struct exa_range *out)
{
    char err[EXA_ERR_LEN];
    const char *given = r->entry ? ((const struct comm_entry *)r->entry->priv)->msg_sizes : NULL;
    const char *text = given ? given : l->range;
    return text && exa_parse_range(text, out, err) == 0 ? 0 : -1;
}

static long comm_window(const struct run *r, const struct comm_loops *l)
{
    json_t *w = json_object_get(r->parameters, "window");
    return json_is_integer(w) ? (long)json_integer_value(w) : l->shape == CS_PAIRS ? 16 : 64;
}

/* Send and receive buffers of the largest size on every rank of the node (and a whole window
 * of them with --validate). */
static double comm_memory(const struct run *r, const struct kind_rates *rt)
{
    (void)rt;
    const struct comm_loops *l = comm_loops_of(r);
    struct exa_range rg;
    if (!l || comm_range(r, l, &rg) != 0)
        return 0;
    double per = (double)rg.max * (l->buffers ? 1.0 : (double)r->ranks);
    double recv = per;
    if (json_is_true(json_object_get(r->parameters, "validate")) &&
        (l->shape == CS_WINDOW || l->shape == CS_PAIRS))
        recv *= (double)comm_window(r, l);
    return (per + recv) * (double)r->ranks_per_node;
}

/* Seconds of one iteration at message size s. */
static double comm_iteration(const struct comm_loops *l, double s, double ranks, long window,
                             const struct kind_rates *rt)
{
    double lat = rt->latency_us * 1e-6, move = s / (rt->bandwidth_gbs * 1e9);
    double hops = ceil(log2(ranks > 2 ? ranks : 2));
    switch (l->shape) {
    case CS_PINGPONG: return 2 * (lat + move);
    case CS_WINDOW: return lat + (double)window * (move + 0.1 * lat);
    case CS_TREE: return hops * (lat + move);
    case CS_ALL: return hops * lat + (ranks - 1) * move;
    default: return 0;
    }
}

/* allpairs: P-1 rounds (P for odd P) of a latency ping-pong at the smallest size and a bandwidth
 * window at the largest in each direction. */
static double comm_pairs(const struct run *r, const struct comm_loops *l, const struct exa_range *rg,
                         long iters, const struct kind_rates *rt)
{
    double lat = rt->latency_us * 1e-6, bw = rt->bandwidth_gbs * 1e9;
    double rounds = (double)(r->ranks % 2 ? r->ranks : r->ranks - 1);
    long bw_iters = iters / 50 > 2 ? iters / 50 : 2;
    double one = (double)(iters + l->warmup_small) * 2 * (lat + (double)rg->min / bw)
                 + 2.0 * (double)bw_iters * (double)comm_window(r, l) * ((double)rg->max / bw);
    return rounds * one;
}

/* Every size of the sweep: (warm-up + iterations) x one iteration of the test's shape. */
static double comm_duration(const struct run *r, const struct kind_rates *rt)
{
    const struct comm_loops *l = comm_loops_of(r);
    struct exa_range rg = {.min = 0, .max = 0, .step = 2, .multiply = 1};
    if (!l || rt->latency_us <= 0 || rt->bandwidth_gbs <= 0 || (l->range && comm_range(r, l, &rg)))
        return 0;
    json_t *it = json_object_get(r->parameters, "iterations"), *wu = json_object_get(r->parameters, "warmup");
    long iters = json_is_integer(it) ? (long)json_integer_value(it) : l->iters_small;
    long warm = json_is_integer(wu) ? (long)json_integer_value(wu) : l->warmup_small;
    if (l->shape == CS_PAIRS)
        return comm_pairs(r, l, &rg, iters, rt);
    double total = 0;
    long window = comm_window(r, l);
    for (double s = (double)rg.min; s <= (double)rg.max;) {
        int large = s > 8192;
        double i = large ? fmax(1, floor((double)iters * l->iters_large / l->iters_small)) : iters;
        double w = large && l->warmup_small ? floor((double)warm * l->warmup_large / l->warmup_small)
                                            : warm;
        total += (i + w) * comm_iteration(l, s, (double)r->ranks, window, rt);
        if (!l->range)
            break;
        double next = rg.multiply ? s * (double)rg.step : s + (double)rg.step;
        s = next > s ? next : s + 1;
    }
    return total;
}

static const char *const comm_plots[] = {"message_sizes", "pair_matrix", NULL};

/* compare's default tolerances (gate.h). */
static const struct kind_tolerance comm_tolerances[] = {
    {"*latency*", 0.10, NULL}, {"*bandwidth*", 0.05, NULL}, {"message_rate_*", 0.05, NULL}, {NULL, 0, NULL}};

const struct kind kind_comm = {
    .name = "comm",
    .binary = "exa-comm",
    .keys = comm_keys,
    .entry_new = comm_new,
    .entry_free = comm_free,
    .parse_key = comm_parse_key,
    .check = comm_check,
    .expand = comm_expand,
    .fill = comm_fill,
    .memory_per_node = comm_memory,
    .duration_estimate = comm_duration,
    .headline_metric = "latency_8B",
    .role = KIND_ROLE_NETWORK,
    .plots = comm_plots,
    .tolerances = comm_tolerances,
};
