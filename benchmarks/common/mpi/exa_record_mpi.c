/* The collective half of the result record: where the ranks ran, gathered over MPI, turned into
 * the record's "launch" object by the MPI-free exa_record_launch. */
#include "exa_mpi.h"

#include <stdlib.h>

void exa_record_set_launch(json_t *rec, MPI_Comm comm, int threads_per_rank, int argc, char **argv)
{
    int size, rank, nodes, node_index, ranks_on_node;
    char *hosts = NULL;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    exa_mpi_node_layout(comm, &nodes, &node_index, &ranks_on_node, &hosts);
    int max_per_node = 0;
    MPI_Allreduce(&ranks_on_node, &max_per_node, 1, MPI_INT, MPI_MAX, comm);
    if (rank == 0) {
        struct exa_launch_facts f = {size, nodes, max_per_node, threads_per_rank, hosts, EXA_HOST_LEN};
        json_object_set_new(rec, "launch", exa_record_launch(&f, argc, argv));
    }
    free(hosts);
}
