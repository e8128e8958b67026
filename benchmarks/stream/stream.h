/* exa-stream's driver, shared by every back end: options (stream_options.c), the timing loop and
 * run rules (stream_driver.c), verification against analytic values (stream_verify.c) and the
 * text table and JSON record (stream_report.c). */
#ifndef STREAM_H
#define STREAM_H

#include <jansson.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "stream_backend.h"

/* The kernels, in the order one iteration runs them (McCalpin's order, then Dot). */
enum stream_kernel_id { K_COPY, K_SCALE, K_ADD, K_TRIAD, K_DOT, K_MEMCPY, K_COUNT };

struct stream_kernel_info {
    const char *label;      /* "Copy" (table) */
    const char *key;        /* "copy" (record, metric "copy_bandwidth") */
    int arrays_moved;       /* arrays read + written per element: bytes = arrays_moved * 8 * n */
};
extern const struct stream_kernel_info stream_kernel_info[K_COUNT];

/* Array values: BabelStream's starting values and scalar, which shrink the arrays by 0.96 per
 * iteration instead of growing them, so that thousands of iterations stay far from overflow. */
#define STREAM_A0 0.1
#define STREAM_B0 0.2
#define STREAM_C0 0.0
#define STREAM_SCALAR 0.4
#define STREAM_MAX_NTIMES 10000
/* McCalpin's tolerance for the average relative error of each array (double precision). */
#define STREAM_ARRAY_EPSILON 1e-13

struct stream_options {
    uint64_t n;             /* elements per array per rank; 0 = from the last-level cache */
    int ntimes;             /* iterations, the first one not counted */
    int threads;            /* 0 = OpenMP default (OMP_NUM_THREADS or all cores) */
    const char *json;       /* NULL: no record; "-": stdout */
    const char *papi;       /* NULL: no counters */
    enum stream_stores stores;
    int library_copy;       /* --memcpy: time the library copy instead of the five kernels */
};

/* Parses argv (every rank does, all see the same arguments). Exits 0 after --help/--version and
 * 2 with a message naming the option on bad usage. Call after MPI_Init. */
void stream_parse_options(int argc, char **argv, const struct stream_backend *backend,
                          struct stream_options *opt);

/* Everything one run knows, filled by the driver and read by the report. */
struct stream_run {
    const struct stream_backend *backend;
    struct stream_options opt;
    int argc;
    char **argv;
    MPI_Comm comm;
    int rank, nranks, nodes;
    uint64_t llc_bytes;         /* one last-level cache, bytes; 0 when unknown */
    int llc_instances;          /* distinct last-level caches on this node */
    uint64_t n;                 /* elements per array per rank, after defaults */
    int threads;                /* threads per rank the back end runs */
    const char *stores;         /* the back end's description of its stores */
    int nk;                     /* kernels timed */
    int kernels[K_COUNT];
    double *times;              /* [nk][ntimes] seconds: the slowest rank's time of each run */
    double *rank_best;          /* rank 0: [nranks][nk] each rank's own best (min) time */
    double timer_resolution;
    /* Verification (max over ranks). */
    double expected[3];         /* analytic final values of a, b, c */
    double err[3];              /* average relative error of a, b, c */
    double dot_value, dot_expected, dot_err, dot_threshold;
    int dot_checked;
    int passed;
    /* Run rules: the reasons the run is not compliant. */
    int nviolations;
    char violations[4][256];
    json_t *counters;           /* rank 0: the PAPI report, or NULL */
};

/* The whole program for one back end: main() of exa-stream is stream_main(argc, argv, &backend). */
int stream_main(int argc, char **argv, const struct stream_backend *backend);

/* ---- verification and run rules (stream_verify.c; no MPI, unit-tested) ---- */

/* Final values of a, b, c (gold[0..2]) after ntimes iterations of the given kernels, starting from
 * a0, b0, c0; the dot product of the final arrays per element is gold[0] * gold[1]. */
void stream_gold_values(const int *kernels, int nk, int ntimes, double scalar, double a0, double b0,
                        double c0, double gold[3]);

/* Average of |x[i] - expected| / |expected| over n elements (absolute error when expected is 0). */
double stream_avg_rel_error(const double *x, size_t n, double expected);

/* Tolerance for a dot product of n terms summed in double precision: max(1e-8, n * DBL_EPSILON). */
double stream_dot_threshold(size_t n);

/* STREAM's run rules: each array at least 4x the last-level cache(s) (when known) and every
 * kernel's fastest counted time at least 20 timer ticks. Appends a reason to run->violations for
 * each broken rule. Reads n, llc_bytes, llc_instances, nk, kernels, times, opt.ntimes and
 * timer_resolution. */
void stream_check_run_rules(struct stream_run *run);

/* ---- output (stream_report.c) ---- */
void stream_print_header(const struct stream_run *run);
void stream_print_table(const struct stream_run *run);
json_t *stream_build_record(const struct stream_run *run);

/* Bytes one rank moves in one execution of kernel k over n elements. */
double stream_kernel_bytes(int k, uint64_t n);

#endif
