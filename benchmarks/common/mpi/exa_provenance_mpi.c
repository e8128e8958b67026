/* The collective half of provenance: the running MPI library's own words, and each node's
 * inventory gathered to rank 0 (the inventories themselves are read by the MPI-free core). */
#include "exa_mpi.h"

#include <stdlib.h>
#include <string.h>

#include "exa_provenance.h"

static json_t *mpi_library_facts(void)
{
    char lib[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
    int len = 0, major = 0, minor = 0;
    MPI_Get_library_version(lib, &len);
    MPI_Get_version(&major, &minor);
    lib[strcspn(lib, "\n")] = '\0';
    json_t *mpi = json_pack("{s:s}", "library", lib);
    char standard[16];
    snprintf(standard, sizeof standard, "%d.%d", major, minor);
    json_object_set_new(mpi, "standard", json_string(standard));
    return mpi;
}

json_t *exa_provenance_software_mpi(void) { return exa_provenance_software_with(mpi_library_facts()); }

/* The first rank of each node describes its node; rank 0 gathers the descriptions. */
json_t *exa_provenance_collect(MPI_Comm comm)
{
    int rank, size, node_rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm node_comm;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node_comm);
    MPI_Comm_rank(node_comm, &node_rank);
    MPI_Comm_free(&node_comm);

    char *text = NULL;
    int len = 0;
    if (node_rank == 0) {
        json_t *node = exa_provenance_node();
        text = json_dumps(node, JSON_COMPACT);
        json_decref(node);
        len = text ? (int)strlen(text) + 1 : 0;
    }
    int *lens = rank == 0 ? calloc((size_t)size, sizeof *lens) : NULL;
    MPI_Gather(&len, 1, MPI_INT, lens, 1, MPI_INT, 0, comm);
    int *displs = NULL, total = 0;
    char *all = NULL;
    if (rank == 0) {
        displs = calloc((size_t)size, sizeof *displs);
        for (int r = 0; r < size; r++) {
            displs[r] = total;
            total += lens[r];
        }
        all = malloc((size_t)total + 1);
    }
    MPI_Gatherv(text, len, MPI_CHAR, all, lens, displs, MPI_CHAR, 0, comm);
    free(text);
    if (rank != 0)
        return NULL;

    json_t *nodes = json_array(), *hashes = json_object();
    for (int r = 0; r < size; r++) {
        if (lens[r] == 0)
            continue;
        json_t *node = json_loads(all + displs[r], 0, NULL);
        const char *host = json_string_value(json_object_get(node, "hostname"));
        if (node && host && !json_object_get(hashes, host)) {
            json_object_set(hashes, host, json_object_get(node, "inventory_hash"));
            json_array_append(nodes, node);
        }
        json_decref(node);
    }
    free(lens);
    free(displs);
    free(all);
    return json_pack("{s:o, s:o, s:o}", "nodes", nodes, "inventory_hashes", hashes, "software",
                     exa_provenance_software_mpi());
}
