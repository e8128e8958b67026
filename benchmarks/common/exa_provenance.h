/* Provenance: what the numbers were measured on. Per node: host, CPU, caches, memory, kernel,
 * BIOS/board, NIC/HCA firmware, GPUs, and a short hash of that inventory; per run: MPI library,
 * BLAS, compiler and flags, git commit, and the environment variables that change results.
 * Anything that can not be read is left out ("absent"), never guessed. */
#ifndef EXA_PROVENANCE_H
#define EXA_PROVENANCE_H

#include <jansson.h>

/* This node's inventory (no MPI needed; `exabench sysinfo` uses it too). */
json_t *exa_provenance_node(void);

/* Run-wide facts that do not depend on the node: build, MPI library, BLAS, environment. The MPI
 * library here is the one the build compiled against (mpi.h); records carry the running one
 * (exa_provenance_collect in mpi/exa_mpi.h). */
json_t *exa_provenance_software(void);

/* The same with a given "mpi" object (stolen; NULL gives null). */
json_t *exa_provenance_software_with(json_t *mpi);

/* The environment variables that change results (OMP_*, OPENBLAS_*, UCX_*, OMPI_MCA_*, ...). */
json_t *exa_provenance_environment(void);

/* The BLAS library's own build/config string, or NULL when it has none. */
const char *exa_blas_config(void);

/* Short (16 hex digit) stable hash of a JSON value, keys sorted. */
void exa_json_hash(const json_t *value, char out[17]);

#endif
