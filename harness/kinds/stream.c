/* The exa-stream kind: its suite keys (size, ntimes, papi), one run per array size at each scale
 * step, and its command line. Parameters carry the names exa-stream writes in its record. */
#include "kind.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "suite.h"
#include "suite_yaml.h"

struct stream_entry {
    struct u64list sizes;       /* elements per array per rank; none: the benchmark's default */
    long ntimes;                /* 0: default */
    char *papi;
};

static const char *const stream_keys[] = {"size", "ntimes", "papi", NULL};

static void *stream_new(void) { return calloc(1, sizeof(struct stream_entry)); }

static void stream_free(void *priv)
{
    struct stream_entry *st = priv;
    if (!st)
        return;
    free(st->sizes.v);
    free(st->papi);
    free(st);
}

static int stream_parse_key(struct sy_ctx *c, const struct suite *s, void *priv, const char *k,
                            yaml_node_t *v)
{
    struct stream_entry *se = priv;
    if (!strcmp(k, "size"))
        return sy_u64list(c, v, k, 1, &se->sizes);
    if (!strcmp(k, "ntimes"))
        return sy_long(c, v, k, 1, 1000000, &se->ntimes);
    return sy_string(c, v, k, &se->papi);
}

static int stream_expand(struct kind_step *st)
{
    const struct stream_entry *se = st->entry->priv;
    uint64_t none = 0;
    size_t n = se->sizes.n ? se->sizes.n : 1;
    for (size_t i = 0; i < n; i++)
        if (st->emit(st, se->sizes.n ? &se->sizes.v[i] : &none) != 0)
            return -1;
    return 0;
}

static void stream_fill(const struct kind_step *st, const void *variant, struct kind_run *out)
{
    const struct stream_entry *se = st->entry->priv;
    uint64_t size = *(const uint64_t *)variant;
    long ranks = st->ranks, tpr = st->entry->threads_per_rank;
    if (size) {
        strlist_push(out->argv, "--size");
        strlist_pushf(out->argv, "%" PRIu64, size);
        json_object_set_new(out->parameters, "array_size", json_integer((json_int_t)size));
    }
    if (se->ntimes) {
        strlist_push(out->argv, "--ntimes");
        strlist_pushf(out->argv, "%ld", se->ntimes);
        json_object_set_new(out->parameters, "ntimes", json_integer(se->ntimes));
    }
    strlist_push(out->argv, "--threads");
    strlist_pushf(out->argv, "%ld", tpr);
    if (se->papi) {
        strlist_push(out->argv, "--papi");
        strlist_push(out->argv, se->papi);
        json_object_set_new(out->parameters, "papi", json_string(se->papi));
    }
    if (size) {
        snprintf(out->slug, sizeof out->slug, "%s-s%" PRIu64 "-%ldr", st->entry->name, size, ranks);
        snprintf(out->label, sizeof out->label, "exa-stream size=%" PRIu64 " %ld rank%s", size, ranks,
                 ranks > 1 ? "s" : "");
    } else {
        snprintf(out->slug, sizeof out->slug, "%s-%ldr", st->entry->name, ranks);
        snprintf(out->label, sizeof out->label, "exa-stream %ld rank%s", ranks, ranks > 1 ? "s" : "");
    }
}

static int stream_screen_wanted(const struct screen_cfg *sc) { return sc->stream_size != NULL; }
static const char *stream_screen_metric(const struct screen_cfg *sc) { return sc->stream_metric; }

static void stream_screen_argv(const struct screen_cfg *sc, long ranks, long threads,
                               struct strlist *a)
{
    strlist_push(a, "--size");
    strlist_push(a, sc->stream_size);
    strlist_push(a, "--threads");
    strlist_pushf(a, "%ld", threads);
}

/* ---- plan's fit check ------------------------------------------------------------------- */

#define STREAM_DEFAULT_NTIMES 20        /* exa-stream's defaults (exa-stream(1)) */
#define STREAM_UNKNOWN_LLC_SIZE 10e6

/* Elements per array: the run's size, or exa-stream's default, 4x the node's last-level cache. */
static double stream_elements(const struct run *r, const struct kind_rates *rt)
{
    json_t *v = json_object_get(r->parameters, "array_size");
    if (json_is_integer(v))
        return (double)json_integer_value(v);
    return rt->llc_bytes > 0 ? ceil(4.0 * rt->llc_bytes / 8.0) : STREAM_UNKNOWN_LLC_SIZE;
}

/* Three arrays of doubles per rank, every rank of the node. */
static double stream_memory(const struct run *r, const struct kind_rates *rt)
{
    return 3.0 * 8.0 * stream_elements(r, rt) * (double)r->ranks_per_node;
}

/* Per iteration, Copy and Scale move 16 bytes an element, Add and Triad 24, Dot 16; plus the
 * check (about three more passes), at the bandwidth that the node's ranks reach together; and
 * the first touch of the arrays' pages. */
static double stream_duration(const struct run *r, const struct kind_rates *rt)
{
    json_t *v = json_object_get(r->parameters, "ntimes");
    double ntimes = json_is_integer(v) ? (double)json_integer_value(v) : STREAM_DEFAULT_NTIMES;
    double per_node = (double)(r->ranks_per_node * r->threads_per_rank);
    if (rt->parallel_cores > 0 && per_node > rt->parallel_cores)
        per_node = rt->parallel_cores;
    double bw = rt->memory_gbs_per_core * per_node;
    if (rt->memory_gbs_per_node > 0 && (bw <= 0 || bw > rt->memory_gbs_per_node))
        bw = rt->memory_gbs_per_node;
    if (bw <= 0)
        return 0;
    double bytes = 96.0 * stream_elements(r, rt) * (double)r->ranks_per_node * (ntimes + 3);
    double touch = rt->first_touch_gbs > 0 ? stream_memory(r, rt) / (rt->first_touch_gbs * 1e9 * per_node)
                                           : 0;
    return bytes / (bw * 1e9) + touch;
}

static const char *const stream_plots[] = {"kernels", NULL};

/* compare's default tolerances (gate.h). */
static const struct kind_tolerance stream_tolerances[] = {{"*_bandwidth", 0.03, NULL}, {NULL, 0, NULL}};

const struct kind kind_stream = {
    .name = "stream",
    .binary = "exa-stream",
    .keys = stream_keys,
    .entry_new = stream_new,
    .entry_free = stream_free,
    .parse_key = stream_parse_key,
    .expand = stream_expand,
    .fill = stream_fill,
    .memory_per_node = stream_memory,
    .duration_estimate = stream_duration,
    .screen = {KIND_SCREEN_MEMORY, stream_screen_wanted, stream_screen_metric, stream_screen_argv,
               "triad_bandwidth", "GB/s"},
    .headline_metric = "triad_bandwidth",
    .role = KIND_ROLE_MEMORY,
    .plots = stream_plots,
    .tolerances = stream_tolerances,
};
