/* MPI helpers: node layout from host names, agreement on a flag across ranks. */
#include "exa_mpi.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void exa_mpi_node_layout(MPI_Comm comm, int *nodes, int *node_index, int *ranks_on_node,
                         char **all_hosts)
{
    int size, rank;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    char me[EXA_HOST_LEN] = {0};
    gethostname(me, sizeof me - 1);
    char *hosts = calloc((size_t)size, EXA_HOST_LEN);
    MPI_Allgather(me, EXA_HOST_LEN, MPI_CHAR, hosts, EXA_HOST_LEN, MPI_CHAR, comm);
    /* Node index = order of first appearance; O(P^2) string compares is fine at startup for the
     * rank counts a launch has, and keeps every rank's answer identical. */
    int distinct = 0, mine = 0, same = 0;
    int *first = malloc((size_t)size * sizeof *first);
    for (int r = 0; r < size; r++) {
        int idx = -1;
        for (int d = 0; d < distinct; d++)
            if (!strcmp(hosts + (size_t)first[d] * EXA_HOST_LEN, hosts + (size_t)r * EXA_HOST_LEN)) {
                idx = d;
                break;
            }
        if (idx < 0) {
            first[distinct] = r;
            idx = distinct++;
        }
        if (r == rank)
            mine = idx;
        if (!strcmp(hosts + (size_t)r * EXA_HOST_LEN, me))
            same++;
    }
    free(first);
    if (nodes)
        *nodes = distinct;
    if (node_index)
        *node_index = mine;
    if (ranks_on_node)
        *ranks_on_node = same;
    if (all_hosts)
        *all_hosts = hosts;
    else
        free(hosts);
}

int exa_mpi_any(MPI_Comm comm, int flag)
{
    int local = flag ? 1 : 0, global = 0;
    MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, comm);
    return global;
}
