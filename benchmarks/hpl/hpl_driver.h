/* exa-hpl: what the driver (hpl_main.c) and the output (hpl_output.c) share. */
#ifndef EXA_HPL_DRIVER_H
#define EXA_HPL_DRIVER_H

#include <jansson.h>
#include <mpi.h>
#include <stdio.h>

#include "exa_peak.h"
#include "hpl.h"
#include "hpl_device.h"

/* What a back end adds to the shared driver (exa-hpl-cuda's cuBLAS engine, for one): the record's
 * variant, a collective init after the command line is read (MPI_COMM_WORLD), a finalize before
 * MPI_Finalize, and an object describing the engine for each record ("engine" at the top level).
 * Any hook may be NULL. */
struct hpl_engine_hooks {
    const char *variant;            /* "cpu", "cuda" */
    void (*init)(void);
    void (*finalize)(void);
    json_t *(*describe)(void);
    /* The program's own device engine (hpl_device.h; exa-hpl-cuda's "cuda"), the default of
     * --engine when set; NULL: the host engine is the default. */
    const struct hpl_device *device;
};

/* The whole program: options, HPL.dat, runs, output, records, with the given update engine.
 * exa-hpl's main() is hpl_main(argc, argv, &hpl_engine_blas, NULL). Returns the exit status. */
int hpl_main(int argc, char **argv, const struct hpl_engine *engine,
             const struct hpl_engine_hooks *hooks);

/* One run of the cross product. */
struct hpl_run {
    int n, nb, p, q, pmap;
    struct hpl_algo algo;
};

/* Options and facts that hold for the whole invocation. */
struct exa_counters;

struct hpl_options {
    const char *dat_path;      /* NULL: command line only */
    const char *json_path;
    const char *papi;
    struct exa_counters *counters; /* opened once on every rank from papi (NULL: none) */
    const char *dump_path;     /* test option */
    double threshold;
    double mem_fraction;       /* 0: off */
    uint64_t seed;
    int matrix_kind;           /* test option */
    int perturb;               /* test option */
    int swap_piece;            /* EXA_HPL_SWAP_PIECE: columns per piece of the interchanges */
    int world_size;
    int threads;               /* BLAS threads per rank */
    struct exa_cpu_peak peak;
    double calibrated;         /* per-core dgemm Gflop/s, 0 unknown */
    FILE *out;                 /* text output (stdout, stderr or the HPL.dat output file) */
    const struct hpl_engine *engine;
    const struct hpl_engine_hooks *hooks;
    const char *engine_name;   /* --engine: host, emulated, or the hooks' device (NULL: default) */
    const struct hpl_device *device;  /* the device engine of --engine, NULL for the host engine */
};

struct hpl_result {
    double time, gflops;
    struct hpl_residual res;
    int info;                  /* -1, or the column of an exact zero pivot */
    int passed, checked;
    double *phases;            /* grid rank 0: P*Q x HPL_PH_COUNT per-rank phase times */
    double *rss;               /* grid rank 0: P*Q peak RSS in bytes */
    size_t matrix_bytes;       /* of grid rank 0 */
    json_t *counters;          /* grid rank 0: exa_counters_report, or NULL */
    time_t start, end;
    json_t *device;            /* grid rank 0, device engines: the engine and its traffic */
};

/* hpl_options.c: the command line. Options that replace HPL.dat values are held per row of its
 * override table (index HPL_OV_*), given[i] saying whether the option was on the command line. */
enum { HPL_OV_N, HPL_OV_NB, HPL_OV_P, HPL_OV_Q, HPL_OVERRIDES = 13 };
struct hpl_cli {
    long value[HPL_OVERRIDES];
    int given[HPL_OVERRIDES];
    int have_threshold;
};
/* Parses argv into o and cli; usage errors exit 2. Returns 1 when --help or --version was
 * handled (the caller exits 0), else 0. */
int hpl_options_parse(int argc, char **argv, struct hpl_options *o, struct hpl_cli *cli);
/* Replaces HPL.dat's values by the command line's, and sets the grid from -P/-Q, or the default
 * grid when neither an HPL.dat nor -P/-Q gives one. */
void hpl_options_apply(const struct hpl_cli *cli, struct hpl_dat *dat, int have_dat, int world_size);

/* hpl_runs.c: the run list (HPL's cross product) and the checks before anything runs. */
char *hpl_read_dat(const char *path);                       /* collective; exit 2 if unreadable */
struct hpl_run *hpl_run_list(const struct hpl_options *o, const struct hpl_dat *dat,
                             MPI_Comm node, int *nruns);     /* collective with --mem-fraction */
/* Every grid fits the job and every run fits the memory of every node: exit 2 otherwise. */
void hpl_check_runs(const struct hpl_run *runs, int nruns, int world_size, MPI_Comm node);
/* Bytes one world rank needs for a run (matrix and workspaces), in double: the truth even where
 * it is far beyond any memory (0 for ranks outside the grid). */
double hpl_run_bytes(const struct hpl_run *r, int rank);

/* hpl_run.c: one run: generate, factor and solve, check, gather the per-rank facts. */
void hpl_run_one(struct hpl_options *o, const struct hpl_run *run, struct hpl_result *r);

/* The T/V code: W, R|C (PMAP), DEPTH, I (MPI_Ibcast), R (RFACT), NDIV, R (PFACT), NBMIN. */
void hpl_tv_code(const struct hpl_run *run, char *buf, size_t len);

void hpl_print_banner(const struct hpl_options *o, const struct hpl_dat *dat,
                      const struct hpl_run *runs, int nruns);
void hpl_print_result(const struct hpl_options *o, const struct hpl_run *run,
                      const struct hpl_result *r);
void hpl_print_summary(const struct hpl_options *o, int nruns, int passed, int failed,
                       int skipped);
/* Builds the record on grid rank 0 (NULL elsewhere); collective parts are done by the caller. */
json_t *hpl_build_record(const struct hpl_options *o, const struct hpl_dat *dat,
                         const struct hpl_run *run, const struct hpl_result *r);

#endif
