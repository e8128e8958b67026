/* The collective half of the counters report: every rank's counts, availability, reasons, region
 * time and host gathered to rank 0, which builds the report (exa_counters_report.c). */
#include "exa_mpi.h"

#include <stdio.h>
#include <stdlib.h>

#include "exa_cli.h"
#include "exa_counters_impl.h"

static json_t *mismatch(int rank)
{
    if (rank != 0)
        return NULL;
    json_t *obj = json_object();
    json_object_set_new(obj, "error", json_string("ranks opened different event lists"));
    return obj;
}

static void alloc_gathered(struct gathered *g)
{
    size_t cells = (size_t)g->size * (size_t)(g->nevents ? g->nevents : 1);
    g->values = calloc(cells, sizeof *g->values);
    g->avail = calloc(cells, sizeof *g->avail);
    g->reasons = calloc(cells, REASON_LEN);
    g->seconds = calloc((size_t)g->size, sizeof *g->seconds);
    g->hosts = calloc((size_t)g->size, CTR_HOST_LEN);
    if (!g->values || !g->avail || !g->reasons || !g->seconds || !g->hosts)
        exa_fatal(1, "out of memory gathering counters");
}

static void free_gathered(struct gathered *g)
{
    free(g->values);
    free(g->avail);
    free(g->reasons);
    free(g->seconds);
    free(g->hosts);
}

json_t *exa_counters_report(struct exa_counters *set, MPI_Comm comm)
{
    if (!set)
        return NULL;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int n = exa_counters_nevents(set);
    /* every rank must have opened the same list */
    int mine[2] = {n, -n}, agreed[2];
    MPI_Allreduce(mine, agreed, 2, MPI_INT, MPI_MIN, comm);
    if (agreed[0] != -agreed[1])
        return mismatch(rank);

    long long values[MAX_EVENTS];
    int avail[MAX_EVENTS];
    static char reasons[MAX_EVENTS][REASON_LEN];
    double seconds = exa_counters_local(set, values, avail, &reasons[0][0]);
    char host[MPI_MAX_PROCESSOR_NAME > CTR_HOST_LEN ? MPI_MAX_PROCESSOR_NAME : CTR_HOST_LEN] = "";
    int hostlen = 0;
    MPI_Get_processor_name(host, &hostlen);
    host[CTR_HOST_LEN - 1] = '\0';

    struct gathered g = {.size = size, .nevents = n};
    if (rank == 0)
        alloc_gathered(&g);
    MPI_Gather(values, n, MPI_LONG_LONG, g.values, n, MPI_LONG_LONG, 0, comm);
    MPI_Gather(avail, n, MPI_INT, g.avail, n, MPI_INT, 0, comm);
    MPI_Gather(reasons, n * REASON_LEN, MPI_CHAR, g.reasons, n * REASON_LEN, MPI_CHAR, 0, comm);
    MPI_Gather(&seconds, 1, MPI_DOUBLE, g.seconds, 1, MPI_DOUBLE, 0, comm);
    MPI_Gather(host, CTR_HOST_LEN, MPI_CHAR, g.hosts, CTR_HOST_LEN, MPI_CHAR, 0, comm);
    if (rank != 0)
        return NULL;
    json_t *report = exa_counters_report_json(set, &g);
    free_gathered(&g);
    return report;
}
