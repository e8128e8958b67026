/* exa-comm in a CUDA=1 build: the driver with the CUDA back end, device message memory for
 * `-d cuda` (mem_cuda.c, staged by mpi_stage.c when MPI is not CUDA-aware) and the copy tests. */
#include <string.h>

#include "comm_cuda.h"

static json_t *describe(const struct comm_ctx *c, const char **key)
{
    if (strcmp(c->mem->name, comm_mem_cuda.name) != 0)
        return NULL;
    *key = "cuda";
    return comm_cuda_describe();
}

static const struct comm_mem *const cuda_mems[] = {&comm_mem_cuda, NULL};
static const struct comm_test *const cuda_tests[] = {&comm_test_copy_d2d, &comm_test_copy_h2d,
                                                     &comm_test_copy_d2h, NULL};
static const struct comm_backend comm_backend_cuda = {"cuda", cuda_mems, cuda_tests, describe};

int main(int argc, char **argv)
{
    return comm_main(argc, argv, &comm_backend_cuda);
}
