/* exa-mxp's driver: options, the grid, one run per N, text and records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "exa_cli.h"
#include "exa_mpi.h"
#include "exa_record.h"
#include "mxp_driver.h"

static void json_path_for(const char *path, int index, int nruns, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (nruns == 1 || !strcmp(path, "-"))
        snprintf(buf, len, "%s", path);
    else if (dot && (!slash || dot > slash + 1))
        snprintf(buf, len, "%.*s.%d%s", (int)(dot - path), path, index + 1, dot);
    else
        snprintf(buf, len, "%s.%d", path, index + 1);
}

static int run_and_record(const struct mxp_options *o, int index, json_t *prov, int argc,
                          char **argv)
{
    struct mxp_result r;
    mxp_run_one(o, o->n[index], &r);
    int rank = exa_world_rank();
    if (rank == 0)
        mxp_print_result(o, &r);
    json_t *rec = mxp_build_record(o, &r);
    exa_record_set_launch(rec, MPI_COMM_WORLD, o->threads, argc, argv);
    if (rank == 0 && o->json_path) {
        exa_record_set_provenance(rec, json_deep_copy(prov));
        char path[4096], err[EXA_ERR_LEN];
        json_path_for(o->json_path, index, o->nn, path, sizeof path);
        if (exa_record_write(rec, path, err) != 0)
            exa_warn("cannot write the record to '%s': %s", path, err);
    }
    json_decref(rec);
    return r.passed;
}

int mxp_main(int argc, char **argv, const char *variant, void (*init)(void), void (*ready)(void))
{
    MPI_Init(&argc, &argv);
    exa_mpi_cli_init(argv[0]);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct mxp_options o = {.nb = 256, .seed = 42, .dominance = 1.0, .variant = variant,
                            .refine = {.restart = 30, .max_iter = 50, .threshold = 16.0}};
    if (init)
        init();
    o.prec = mxp_precision_find("fp32");
    if (mxp_options_parse(argc, argv, &o)) {
        MPI_Finalize();
        return 0;
    }
    if (ready)
        ready();
    if (o.json_path)
        exa_check_json_path(o.json_path);
    mxp_options_grid(&o, size);
    o.world_size = size;
    const char *e = getenv("OPENBLAS_NUM_THREADS");
    o.threads = e && atoi(e) > 0 ? atoi(e) : omp_get_max_threads();
    json_t *prov = exa_provenance_collect(MPI_COMM_WORLD);
    if (rank == 0)
        mxp_print_banner(&o);
    int passed = 0;
    for (int i = 0; i < o.nn; i++)
        passed += run_and_record(&o, i, prov, argc, argv) != 0;
    if (rank == 0)
        printf("%d run(s): %d PASSED, %d FAILED\n", o.nn, passed, o.nn - passed);
    json_decref(prov);
    MPI_Finalize();
    return passed < o.nn ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
