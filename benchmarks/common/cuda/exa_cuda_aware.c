/* Whether this MPI library is CUDA-aware (takes device pointers), asked at run time: Open MPI's
 * MPIX_Query_cuda_support() from <mpi-ext.h>; MPIs without that query are taken as not
 * CUDA-aware. An environment variable (0 or 1) overrides the answer. Shared by exa-comm's -d cuda
 * and exa-hpl-cuda. */
#include "exa_cuda_aware.h"

#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif
#include "exa_cli.h"

int exa_cuda_aware_detect(const char *env_name, const char **method)
{
    int aware = 0;
#if defined(OPEN_MPI) && OPEN_MPI && defined(MPIX_CUDA_AWARE_SUPPORT)
    aware = MPIX_Query_cuda_support() ? 1 : 0;
    *method = "MPIX_Query_cuda_support()";
#else
    *method = "this MPI has no run-time query (MPIX_Query_cuda_support); taken as not CUDA-aware";
#endif
    const char *env = getenv(env_name);
    if (env && (!strcmp(env, "0") || !strcmp(env, "1"))) {
        aware = env[0] == '1';
        *method = "environment variable";
    } else if (env && *env) {
        exa_input_error("%s='%s': expected 0 (stage through host memory) or 1 (pass device "
                        "pointers to MPI)", env_name, env);
    }
    MPI_Allreduce(MPI_IN_PLACE, &aware, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return aware;
}
