/* exa-mxp: what the driver, the options and the output share. */
#ifndef EXA_MXP_DRIVER_H
#define EXA_MXP_DRIVER_H

#include <jansson.h>
#include <time.h>

#include "mxp.h"

#define MXP_MAX_N 64
#define MXP_N_LIMIT 2000000 /* N^2 elements stay far inside size_t and the generator's 2^32 */

struct mxp_options {
    int n[MXP_MAX_N], nn;
    int nb, p, q;
    uint64_t seed;
    double dominance;
    const struct mxp_precision *prec;
    struct mxp_refine_opts refine;
    const char *json_path;
    const char *dump_path;      /* test option: x, one value per line */
    const char *variant;        /* "cpu", "cuda" */
    int world_size, threads;
};

struct mxp_result {
    int n, info;                /* info: -1, or the first column with a zero pivot */
    double time, factor_time, refine_time, panel_time;
    double gflops, factor_gflops;
    struct mxp_refine_result ref;
    int passed;
    double rank_bytes;
    time_t start, end;
};

int mxp_options_parse(int argc, char **argv, struct mxp_options *o); /* 1: --help/--version done */
void mxp_options_grid(struct mxp_options *o, int world_size);

/* One run of order n: memory check, generation, the timed factorisation and refinement. Collective
 * over MPI_COMM_WORLD (ranks outside the grid wait). */
void mxp_run_one(const struct mxp_options *o, int n, struct mxp_result *r);

void mxp_print_banner(const struct mxp_options *o);
void mxp_print_result(const struct mxp_options *o, const struct mxp_result *r);
json_t *mxp_build_record(const struct mxp_options *o, const struct mxp_result *r);

/* The main of every exa-mxp build: options, runs, records. init (may be NULL) runs on every rank
 * after MPI_Init and before the options are read: a back end registers its precisions there; ready
 * (may be NULL) runs once the options are read and --help is handled: it selects the device. */
int mxp_main(int argc, char **argv, const char *variant, void (*init)(void), void (*ready)(void));

#endif
