/* Small MPI helpers shared by the benchmarks: node layout from host names, agreement on errors. */
#ifndef EXA_MPI_H
#define EXA_MPI_H

#include <mpi.h>

#define EXA_HOST_LEN 256

/* Collective: the number of distinct hosts, this rank's node index (0-based, in order of first
 * appearance by rank) and ranks on this rank's node. all_hosts, when not NULL, receives
 * size x EXA_HOST_LEN bytes: every rank's host name (caller frees). */
void exa_mpi_node_layout(MPI_Comm comm, int *nodes, int *node_index, int *ranks_on_node,
                         char **all_hosts);

/* Collective: true on every rank when flag is true on any rank. */
int exa_mpi_any(MPI_Comm comm, int flag);

#endif
