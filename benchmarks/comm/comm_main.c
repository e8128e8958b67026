/* exa-comm's driver entry, comm_main(), which each main calls with its back end (main_cpu.c,
 * cuda/main_cuda.c). Parses the command line (options.c), checks the job against the test,
 * starts the watchdog, runs the test (the shared sweep in driver.c, or the test's own run for
 * allpairs) and returns 0, 1 (validation failed) or 2 (bad usage or input). */
#include "comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_mpi.h"

static int env_int(const char *name, int fallback)
{
    const char *v = getenv(name);
    char *end;
    long x;
    if (!v || !*v)
        return fallback;
    x = strtol(v, &end, 10);
    return *end ? fallback : (int)x;
}

int comm_main(int argc, char **argv, const struct comm_backend *backend)
{
    struct comm_ctx c;
    int on_node, node_index, status;

    /* Plain MPI_Init (MPI_THREAD_SINGLE): with Open MPI 4.1, asking for MPI_THREAD_FUNNELED made
     * the 8-byte ping-pong about 20% slower on the development machine. The watchdog thread makes
     * no MPI call but MPI_Abort, when it ends the job (see watchdog.c). */
    MPI_Init(&argc, &argv);
    comm_set_backend(backend);
    exa_mpi_cli_init(argv[0]);
    memset(&c, 0, sizeof c);
    comm_options_parse(argc, argv, &c.opt, &c.test);
    c.comm = MPI_COMM_WORLD;
    MPI_Comm_rank(c.comm, &c.rank);
    MPI_Comm_size(c.comm, &c.nranks);
    c.mem = comm_mem_find(c.opt.device);
    c.out = c.opt.json && strcmp(c.opt.json, "-") == 0 ? stderr : stdout;
    comm_options_check(&c, argc, argv);

    exa_mpi_node_layout(c.comm, &c.nodes, &node_index, &on_node, &c.hosts);
    /* test-only hooks (tests/comm/): corrupt a message, or stop one rank */
    c.corrupt_hook = env_int("EXA_COMM_TEST_CORRUPT", 0) != 0;
    c.stall_rank = env_int("EXA_COMM_TEST_STALL_RANK", -1);
    c.samples = malloc(COMM_MAX_SAMPLES * sizeof *c.samples);
    if (exa_mpi_any(c.comm, c.samples == NULL))
        exa_input_error("out of memory");
    if (exa_mpi_any(c.comm, comm_watchdog_start(&c) != 0))
        exa_input_error("could not start the watchdog thread (--timeout 0 runs without it)");
    c.counters = exa_counters_open(c.opt.papi);
    exa_counters_set_threads(c.counters, 1); /* no OpenMP team beside the ranks being timed */
    comm_record_begin(&c, argc, argv);

    status = c.test->run ? c.test->run(&c, argc, argv) : comm_sweep(&c, argc, argv);

    comm_watchdog_stop();
    exa_counters_close(c.counters);
    free(c.samples);
    free(c.hosts);
    MPI_Finalize();
    return status;
}
