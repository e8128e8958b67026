/* exa-hpl-cuda: exa-hpl (HPL.dat, options, output, record, residual check) with the cuBLAS update
 * engine. hpl_main() calls the hooks: init after the command line is read (collective: selects the
 * GPU, or the "no CUDA device" exit), describe for each record, finalize before MPI_Finalize. */
#include "../hpl_driver.h"
#include "hpl_cuda.h"

static const struct hpl_engine_hooks cuda_hooks = {
    .variant = "cuda",
    .init = hpl_cublas_init,
    .finalize = hpl_cublas_finalize,
    .describe = hpl_cublas_describe,
};

int main(int argc, char **argv)
{
    return hpl_main(argc, argv, &hpl_engine_cublas, &cuda_hooks);
}
