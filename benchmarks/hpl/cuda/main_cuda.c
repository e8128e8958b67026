/* exa-hpl-cuda: exa-hpl (HPL.dat, options, output, record, residual check) whose default engine
 * is the `cuda` device engine (device_cuda.c): the device-resident LU of hpl_pdgesv_dev.c with
 * the trailing matrix in GPU memory. --engine host|emulated still select exa-hpl's others. */
#include "../hpl_driver.h"
#include "hpl_cuda.h"

static const struct hpl_engine_hooks cuda_hooks = {
    .variant = "cuda",
    .device = &hpl_device_cuda,
};

int main(int argc, char **argv)
{
    return hpl_main(argc, argv, &hpl_engine_blas, &cuda_hooks);
}
