/* exa-hpl's driver: hpl_main() reads the options and HPL.dat (hpl_options.c), builds and checks
 * the run list (hpl_runs.c), collects what holds for the whole invocation (provenance, peaks,
 * dgemm calibration), then runs each test (hpl_run.c), prints it and writes its record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_mpi.h"
#include "exa_peak.h"
#include "exa_provenance.h"
#include "exa_record.h"
#include "hpl.h"
#include "hpl_driver.h"

static int blas_threads(void)
{
    const char *e = getenv("OPENBLAS_NUM_THREADS");
    if (e && atoi(e) > 0)
        return atoi(e);
    return omp_get_max_threads();
}

static void json_path_for(const char *path, int index, int nruns, char *buf, size_t len)
{
    if (nruns == 1 || strcmp(path, "-") == 0) {
        snprintf(buf, len, "%s", path);
        return;
    }
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash + 1))
        snprintf(buf, len, "%.*s.%d%s", (int)(dot - path), path, index + 1, dot);
    else
        snprintf(buf, len, "%s.%d", path, index + 1);
}

/* HPL.dat, or its defaults when the command line gives everything; then the command line's
 * values over it. */
static void read_inputs(struct hpl_options *o, const struct hpl_cli *cli, struct hpl_dat *dat,
                        int size)
{
    /* xhpl's way: no problem size given, ./HPL.dat (exa-hpl as a drop-in for xhpl). */
    if (!o->dat_path && !cli->given[HPL_OV_N] && o->mem_fraction <= 0 && access("HPL.dat", R_OK) == 0)
        o->dat_path = "HPL.dat";
    if (o->dat_path) {
        char *text = hpl_read_dat(o->dat_path);
        char err[600];
        if (hpl_dat_parse(text, o->dat_path, dat, err, sizeof err) != 0)
            exa_input_error("%s", err);
        free(text);
        if (!cli->have_threshold)
            o->threshold = dat->threshold;
    } else {
        hpl_dat_defaults(dat);
        if (!cli->given[HPL_OV_N] && o->mem_fraction <= 0)
            exa_usage_error("give the problem size: -N N, --mem-fraction F or an HPL.dat file (there is "
                            "no ./HPL.dat to read)");
    }
    dat->threshold = o->threshold;
    for (int i = 0; i < dat->nwarn; i++)
        exa_warn("%s", dat->warn[i]);
    hpl_options_apply(cli, dat, o->dat_path != NULL, size);
}

/* Once per invocation: BLAS threads, the CPU's peak, the BLAS kernel check and the per-core dgemm
 * calibration (EXA_HPL_CALIBRATE_N, 0 skips it: the test suite). Collective. */
static void measure_node(struct hpl_options *o, int rank, int size)
{
    o->world_size = size;
    o->threads = blas_threads();
    exa_cpu_peak_detect(&o->peak);
    char blas_why[512];
    const char *blas_fix = rank == 0 ? exa_blas_kernel_check(blas_why, sizeof blas_why) : NULL;
    if (blas_fix)
        exa_warn("%s (e.g. mpirun -x OPENBLAS_CORETYPE=%s ...)", blas_why, blas_fix);
    MPI_Barrier(MPI_COMM_WORLD);
    const char *caln_env = getenv("EXA_HPL_CALIBRATE_N");
    int caln = caln_env ? atoi(caln_env) : 1000;
    double cal = caln > 0 ? exa_calibrate_dgemm_gflops(caln, 3) : 0, calsum = 0;
    MPI_Allreduce(&cal, &calsum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    o->calibrated = calsum / size;
}

/* Rank 0's text output: stdout, stderr or HPL.dat's output file (device out 6, 7, other). */
static FILE *open_output(const struct hpl_dat *dat, int rank)
{
    if (rank != 0 || dat->device == 6)
        return stdout;
    if (dat->device == 7)
        return stderr;
    FILE *f = fopen(dat->outfile, "w");
    if (!f)
        exa_warn("cannot write output file '%s', writing to stdout", dat->outfile);
    return f ? f : stdout;
}

/* Runs one test, prints it, writes its record; returns whether it passed (on every rank). */
static int run_and_record(struct hpl_options *o, const struct hpl_dat *dat,
                          const struct hpl_run *run, int index, int nruns, json_t *prov,
                          int argc, char **argv)
{
    int rank = exa_world_rank();
    struct hpl_result r;
    hpl_run_one(o, run, &r);
    MPI_Bcast(&r.passed, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0)
        hpl_print_result(o, run, &r);
    json_t *rec = hpl_build_record(o, dat, run, &r);
    exa_record_set_launch(rec, MPI_COMM_WORLD, o->threads, argc, argv);
    if (rank == 0 && o->json_path) {
        exa_record_set_provenance(rec, json_deep_copy(prov));
        char path[4096], err[EXA_ERR_LEN];
        json_path_for(o->json_path, index, nruns, path, sizeof path);
        if (exa_record_write(rec, path, err) != 0)
            exa_warn("cannot write the record to '%s': %s", path, err);
    }
    json_decref(rec);
    json_decref(r.counters);
    json_decref(r.device);
    free(r.phases);
    free(r.rss);
    return r.passed;
}

/* --engine: host, emulated, or the program's own device engine (its default when it has one). */
static void choose_engine(struct hpl_options *o)
{
    const struct hpl_device *own = o->hooks ? o->hooks->device : NULL;
    const char *name = o->engine_name ? o->engine_name : own ? own->name : "host";
    if (!strcmp(name, "host")) {
        o->device = NULL;
        return;
    }
    o->device = hpl_device_find(name, own);
    if (!o->device)
        exa_usage_error("--engine '%s': expected host, emulated%s%s", name, own ? " or " : "",
                        own ? own->name : "");
}

int hpl_main(int argc, char **argv, const struct hpl_engine *engine,
             const struct hpl_engine_hooks *hooks)
{
    MPI_Init(&argc, &argv);
    exa_mpi_cli_init(argv[0]);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct hpl_options o = {.threshold = 16.0, .seed = 42, .matrix_kind = HPL_GEN_RANDOM,
                            .engine = engine, .hooks = hooks};
    struct hpl_cli cli;
    if (hpl_options_parse(argc, argv, &o, &cli)) {   /* --help, --version */
        MPI_Finalize();
        return 0;
    }
    if (o.json_path)
        exa_check_json_path(o.json_path);
    choose_engine(&o);
    /* Opened on every rank before the grid is formed, so that an unknown event name is a usage
     * error all ranks see, idle ranks outside P x Q included. HPL has no OpenMP regions. */
    o.counters = exa_counters_open(o.papi);
    exa_counters_set_threads(o.counters, 1);

    struct hpl_dat dat;
    read_inputs(&o, &cli, &dat, size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    int nruns;
    struct hpl_run *runs = hpl_run_list(&o, &dat, node, &nruns);
    hpl_check_runs(runs, nruns, size, node);
    if (hooks && hooks->init)
        hooks->init();
    if (o.device)
        o.device->init();
    json_t *prov = exa_provenance_collect(MPI_COMM_WORLD);
    measure_node(&o, rank, size);
    o.out = open_output(&dat, rank);
    if (rank == 0)
        hpl_print_banner(&o, &dat, runs, nruns);

    int passed = 0;
    for (int i = 0; i < nruns; i++)
        passed += run_and_record(&o, &dat, &runs[i], i, nruns, prov, argc, argv) != 0;
    if (rank == 0) {
        hpl_print_summary(&o, nruns, passed, nruns - passed, 0);
        if (o.out != stdout && o.out != stderr)
            fclose(o.out);
    }
    exa_counters_close(o.counters);
    json_decref(prov);
    free(runs);
    MPI_Comm_free(&node);
    if (o.device)
        o.device->finalize();
    if (hooks && hooks->finalize)
        hooks->finalize();
    MPI_Finalize();
    return passed < nruns ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
