/* The test table: adding a test is adding a descriptor in its family's file and a line here. */
#include "comm.h"

#include <string.h>
#include "build_info.h"
#if EXA_BUILD_CUDA
#include "cuda/comm_cuda.h" /* the copy tests of CUDA=1 builds (benchmarks/comm/cuda/) */
#endif

const struct comm_test *const comm_tests[] = {
    &comm_test_latency, &comm_test_bw, &comm_test_bibw, &comm_test_mbw_mr,
    &comm_test_allreduce, &comm_test_reduce, &comm_test_bcast, &comm_test_allgather,
    &comm_test_alltoall, &comm_test_reduce_scatter, &comm_test_barrier,
    &comm_test_allpairs,
#if EXA_BUILD_CUDA
    &comm_test_copy_d2d, &comm_test_copy_h2d, &comm_test_copy_d2h,
#endif
    NULL,
};

const struct comm_test *comm_test_find(const char *name)
{
    for (size_t i = 0; comm_tests[i]; i++)
        if (strcmp(comm_tests[i]->name, name) == 0)
            return comm_tests[i];
    return NULL;
}
