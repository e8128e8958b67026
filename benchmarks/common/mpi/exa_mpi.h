/* The MPI layer of benchmarks/common (libexampi.a; the core, libexacore.a, is MPI-free and is all
 * the harness links): MPI-aware messages and exits, node layout, agreement on errors, and the
 * collective parts of the record, provenance and counters. Benchmarks call exa_mpi_cli_init
 * right after MPI_Init. */
#ifndef EXA_MPI_H
#define EXA_MPI_H

#include <jansson.h>
#include <mpi.h>

#include "exa_counters.h"
#include "exa_record.h"

#define EXA_HOST_LEN 256

/* Collective: the number of distinct hosts, this rank's node index (0-based, in order of first
 * appearance by rank) and ranks on this rank's node. all_hosts, when not NULL, receives
 * size x EXA_HOST_LEN bytes: every rank's host name (caller frees). */
void exa_mpi_node_layout(MPI_Comm comm, int *nodes, int *node_index, int *ranks_on_node,
                         char **all_hosts);

/* Collective: true on every rank when flag is true on any rank. */
int exa_mpi_any(MPI_Comm comm, int flag);

/* exa_cli_init plus MPI behind the CLI's messages and exits (rank 0 prints, usage errors
 * finalize, fatal errors abort every rank). */
void exa_mpi_cli_init(const char *argv0);

/* launch = {ranks, nodes, ranks_per_node, threads_per_rank, launcher, command_line, argv, hosts}
 * on rank 0's record (see exa_record_launch). Collective over comm. */
void exa_record_set_launch(json_t *rec, MPI_Comm comm, int threads_per_rank, int argc, char **argv);

/* exa_provenance_software with the running MPI library's version (MPI_Get_library_version). */
json_t *exa_provenance_software_mpi(void);

/* Collective over comm: rank 0 returns {"nodes": [one inventory per distinct host],
 * "software": {...}, "inventory_hashes": {host: hash}}; other ranks return NULL. */
json_t *exa_provenance_collect(MPI_Comm comm);

/* Collective: rank 0 gets {"events": {NAME: {available, per_rank[], sum, min, max} or
 * {available: false, reason}}, "energy": {...}, "derived": {...}, ...}; other ranks NULL.
 * NULL everywhere for a NULL set (no --papi, or a PAPI=0 build). */
json_t *exa_counters_report(struct exa_counters *set, MPI_Comm comm);

#endif
