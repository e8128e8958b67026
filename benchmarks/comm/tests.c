/* The test table: adding a test is adding a descriptor in its family's file and a line here. */
#include "comm.h"

#include <string.h>

const struct comm_test *const comm_tests[] = {
    &comm_test_latency, &comm_test_bw, &comm_test_bibw, &comm_test_mbw_mr,
    &comm_test_allreduce, &comm_test_reduce, &comm_test_bcast, &comm_test_allgather,
    &comm_test_alltoall, &comm_test_reduce_scatter, &comm_test_barrier,
    &comm_test_allpairs,
    NULL,
};

static const struct comm_backend no_backend = {"cpu", NULL, NULL, NULL};
static const struct comm_backend *backend = &no_backend;

void comm_set_backend(const struct comm_backend *b) { backend = b ? b : &no_backend; }

const struct comm_backend *comm_get_backend(void) { return backend; }

const struct comm_test *comm_test_at(size_t i)
{
    size_t n = 0;
    while (comm_tests[n])
        n++;
    if (i < n)
        return comm_tests[i];
    for (size_t j = 0; backend->tests && backend->tests[j]; j++)
        if (j == i - n)
            return backend->tests[j];
    return NULL;
}

const struct comm_test *comm_test_find(const char *name)
{
    const struct comm_test *t;
    for (size_t i = 0; (t = comm_test_at(i)) != NULL; i++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}
