/* The kinds of records imported from other tools' output (harness/import/): one descriptor per
 * record `benchmark` name an importer writes. They have no binary and no suite keys (a suite runs
 * these tools through the *-external kinds); report, compare, accept, submit, rank and history
 * know them through their role, headline metric and plots as they know the native kinds. */
#include "kind.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

static const char *const no_keys[] = {NULL};
static const char *const hpl_plots[] = {"size_sweep", NULL};
static const char *const stream_plots[] = {"kernels", NULL};
static const char *const comm_plots[] = {"message_sizes", NULL};

/* n, nb, p, q: what netlib HPL, its vendor builds, hpcc's HPL and exa-hpl all print, so that an
 * imported HPL.out and an exa-hpl run of the same problem on the same grid are compared. */
int kind_hpl_family_key(const void *params, const char *test, char *buf, size_t len)
{
    const json_t *p = params;
    if (test && *test && strcmp(test, "HPL") != 0)
        return -1;  /* hpcc's StarSTREAM and SingleSTREAM records */
    const char *names[4] = {"n", "nb", "p", "q"};
    json_int_t v[4];
    for (int i = 0; i < 4; i++) {
        const json_t *x = json_object_get(p, names[i]);
        if (!json_is_integer(x))
            return -1;
        v[i] = json_integer_value(x);
    }
    snprintf(buf, len, "family=hpl|n=%lld nb=%lld p=%lld q=%lld", (long long)v[0], (long long)v[1],
             (long long)v[2], (long long)v[3]);
    return 0;
}

#define HPL_LIKE(NAME, IMPORTER)                                                                   \
    {.name = NAME, .keys = no_keys, .headline_metric = "gflops", .role = KIND_ROLE_RMAX,            \
     .plots = hpl_plots, .importer = IMPORTER, .family = "hpl", .compare_key = kind_hpl_family_key}

static const struct kind imported[] = {
    HPL_LIKE("netlib-hpl", "hpl"),
    HPL_LIKE("nvidia-hpl", "hpl"),
    HPL_LIKE("rochpl", "hpl"),
    HPL_LIKE("intel-hpl", "hpl"),
    HPL_LIKE("hpcc", "hpcc"),
    {.name = "hpcg", .keys = no_keys, .headline_metric = "gflops", .importer = "hpcg", .family = "hpcg"},
    {.name = "osu-micro-benchmarks", .keys = no_keys, .headline_metric = "latency_8B",
     .role = KIND_ROLE_NETWORK, .plots = comm_plots, .importer = "osu", .family = "comm"},
    {.name = "imb", .keys = no_keys, .headline_metric = "latency_8B", .role = KIND_ROLE_NETWORK,
     .plots = comm_plots, .importer = "imb", .family = "comm"},
    {.name = "mccalpin-stream", .keys = no_keys, .headline_metric = "triad_bandwidth",
     .role = KIND_ROLE_MEMORY, .plots = stream_plots, .importer = "stream", .family = "stream"},
    {.name = "babelstream", .keys = no_keys, .headline_metric = "triad_bandwidth",
     .role = KIND_ROLE_MEMORY, .plots = stream_plots, .importer = "babelstream", .family = "stream"},
    {.name = "nccl-tests", .keys = no_keys, .headline_metric = "avg_bus_bandwidth", .importer = "nccl",
     .family = "nccl"},
};

const struct kind *const kind_imported[] = {
    &imported[0], &imported[1], &imported[2], &imported[3], &imported[4], &imported[5],
    &imported[6], &imported[7], &imported[8], &imported[9], &imported[10], NULL};
