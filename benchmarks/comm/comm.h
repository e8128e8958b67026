/* exa-comm: interconnect microbenchmarks (OSU-style point-to-point and collective tests, and an
 * all-pairs sweep that points at slow links).
 *
 * Shape (after nccl-tests): every test is a `struct comm_test` descriptor in a small file of its
 * family (pt2pt.c, collectives.c, allpairs.c); the shared driver is split by concern:
 *   options.c   command line, defaults, input checks (exit 2)
 *   driver.c    size sweep, warm-up, batched timing, result gathering
 *   output.c    OSU-style text columns and the JSON record
 *   buffer.c    message buffers (host memory now; a device back end plugs in here) and patterns
 *   watchdog.c  progress tracking and the --timeout watchdog
 *   tournament.c, slowpairs.c  pure functions (unit-tested) used by allpairs */
#ifndef EXA_COMM_H
#define EXA_COMM_H

#include <jansson.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "exa_parse.h"

struct exa_counters;

/* How the test's figures are formed and printed. */
enum comm_kind {
    COMM_LATENCY,    /* one pair, ping-pong: one-way latency (us) */
    COMM_BANDWIDTH,  /* one pair, windows of non-blocking sends: MB/s */
    COMM_MSGRATE,    /* P/2 pairs at once: aggregate MB/s and messages/s */
    COMM_COLLECTIVE, /* every rank: average, min and max latency across ranks (us) */
    COMM_MATRIX      /* allpairs: P x P latency and bandwidth matrices */
};

/* Sizes and loop counts, OSU's defaults: "large" messages are those above 8 KiB. */
#define COMM_LARGE_MESSAGE 8192
#define COMM_MAX_SAMPLES 200 /* at most this many timing samples per size (see driver.c) */

struct comm_opts {
    const char *test_name;
    struct exa_range range;
    int range_given;
    long iters, warmup;          /* for small messages; -1 = the test's default */
    long window;
    int window_given;
    int validate;
    int pair[2];
    int pair_given;
    double timeout;              /* seconds, 0 = off */
    double threshold;            /* percent */
    const char *json;
    const char *papi;
    const char *device;          /* "host" */
    const char *matrix_file;     /* allpairs: the full matrix's float32 side file, NULL = none */
    int json_matrix;             /* allpairs: dense JSON matrix and pairs: -1 auto (P <= 64), 0, 1 */
};

/* Message memory: one interface, one implementation per kind of memory (host today). Patterns are
 * written and checked on the host; a device back end copies through host staging buffers. */
struct comm_mem {
    const char *name;
    int host_accessible;
    void *(*alloc)(size_t bytes);
    void (*release)(void *p);
    void (*to_device)(void *dst, const void *src, size_t n);
    void (*to_host)(void *dst, const void *src, size_t n);
};

/* The run's state, shared by the driver and the tests. */
struct comm_ctx {
    const struct comm_test *test;
    struct comm_opts opt;
    MPI_Comm comm;
    int rank, nranks;
    char *hosts;                 /* nranks x EXA_HOST_LEN host names */
    int nodes;
    const struct comm_mem *mem;
    void *sbuf, *rbuf;           /* message buffers, sized for the largest size */
    size_t sbuf_bytes, rbuf_bytes;
    unsigned char *stage;        /* host staging for patterns when memory is not host-accessible */
    size_t stage_bytes;
    char ack[8], ack_r[8];       /* the bandwidth tests' small acknowledgement */
    MPI_Request *reqs;           /* 2 x window requests */
    double *samples;             /* preallocated COMM_MAX_SAMPLES timing samples */
    int corrupt_hook;            /* EXA_COMM_TEST_CORRUPT: flip one byte on a sender (tests only) */
    int stall_rank;              /* EXA_COMM_TEST_STALL_RANK: this rank stops (tests only); -1 off */
    struct exa_counters *counters;
    json_t *rec;                 /* the record (written by rank 0) */
    FILE *out;                   /* the text table: stdout, or stderr when --json - takes stdout */
    long errors;                 /* validation errors seen by this rank */
};

/* One size's job (filled by the driver) and its measurement (filled by the test). */
struct comm_size {
    size_t bytes;
    long iters, warmup, batch;
    /* results on the ranks that measure (measured = 1) */
    int measured;
    double elapsed;              /* seconds for all timed iterations (one-way for latency) */
    size_t nsamples;
    double *samples;             /* seconds per iteration, one per batch of `batch` iterations */
    double bytes_per_iter;       /* bandwidth tests: bytes moved by one iteration */
    double msgs_per_iter;        /* message-rate tests */
    long errors;
};

struct comm_test {
    const char *name;
    const char *description;
    enum comm_kind kind;
    int min_ranks;
    int even_ranks;              /* needs pairs for every rank (mbw_mr) */
    int uses_pair;               /* honours --pair A,B */
    int uses_window;
    int has_sizes;               /* barrier: no */
    int sync_each;               /* time each call alone, with an untimed barrier between calls */
    size_t elem;                 /* sizes are rounded down to a multiple of this (floats: 4) */
    const char *default_range;
    long iters_small, warmup_small, iters_large, warmup_large;
    /* Send and receive buffer bytes needed for a message size. */
    void (*buffer_bytes)(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv);
    /* One size: warm-up, timed iterations, validation (sweep tests). */
    int (*run_size)(struct comm_ctx *c, struct comm_size *s);
    /* Whole run for tests that are not a size sweep (allpairs). */
    int (*run)(struct comm_ctx *c, int argc, char **argv);
};

/* The test table (tests.c): the MPI tests, then the back end's. comm_test_at(i) is the i-th test,
 * NULL past the last. */
extern const struct comm_test *const comm_tests[];
const struct comm_test *comm_test_at(size_t i);
const struct comm_test *comm_test_find(const char *name);

/* What a build adds to the MPI tests and host memory: one table per back end, chosen by the main
 * that builds the program (main_cpu.c: nothing; cuda/main_cuda.c: device memory for -d cuda and
 * the copy tests), so the driver's files carry no #if per back end. */
struct comm_backend {
    const char *name;                      /* "cpu", "cuda" */
    const struct comm_mem *const *mems;    /* extra memory kinds for -d, NULL-terminated, or NULL */
    const struct comm_test *const *tests;  /* extra tests, NULL-terminated, or NULL */
    /* The record's "parameters" entry about the run's memory (rank 0, after allocation): its key
     * and a new object, or NULL when the back end has nothing to say about c->mem. */
    json_t *(*describe)(const struct comm_ctx *c, const char **key);
};
/* Installs the back end (NULL: none, the MPI tests on host memory only). */
void comm_set_backend(const struct comm_backend *b);
const struct comm_backend *comm_get_backend(void);

/* comm_main.c: exa-comm with a back end; what each main calls. */
int comm_main(int argc, char **argv, const struct comm_backend *backend);

/* Per-family descriptors */
extern const struct comm_test comm_test_latency, comm_test_bw, comm_test_bibw, comm_test_mbw_mr;
extern const struct comm_test comm_test_allreduce, comm_test_reduce, comm_test_bcast,
    comm_test_allgather, comm_test_alltoall, comm_test_reduce_scatter, comm_test_barrier;
extern const struct comm_test comm_test_allpairs;

/* options.c */
void comm_options_parse(int argc, char **argv, struct comm_opts *opt, const struct comm_test **test);
void comm_options_check(struct comm_ctx *c, int argc, char **argv);
/* The sizes a test runs for a range: rounded down to the test's element size, zero and duplicates
 * dropped. Returns the count; writes at most cap. */
size_t comm_sizes(const struct comm_test *t, const struct exa_range *r, size_t *out, size_t cap);
/* Iterations and warm-up for a size: the small values, scaled down for messages over 8 KiB by the
 * ratio of OSU's large to small defaults. */
void comm_loop_counts(const struct comm_test *t, const struct comm_opts *o, size_t bytes,
                      long *iters, long *warmup);
/* Number of iterations per timing sample: ceil(iters / COMM_MAX_SAMPLES). */
long comm_batch(long iters);

/* driver.c */
int comm_sweep(struct comm_ctx *c, int argc, char **argv);
/* A generic timed loop for tests whose iteration is a function call: warm-up iterations, then
 * iters timed in batches; fills s->elapsed, s->samples, s->nsamples. */
typedef void (*comm_iter_fn)(struct comm_ctx *c, struct comm_size *s, long it);
void comm_timed_loop(struct comm_ctx *c, struct comm_size *s, comm_iter_fn fn);

/* buffer.c */
extern const struct comm_mem comm_mem_host;
const struct comm_mem *comm_mem_find(const char *name);
int comm_buffers_alloc(struct comm_ctx *c, size_t send, size_t recv);
void comm_buffers_free(struct comm_ctx *c);
unsigned char comm_pattern_byte(long iter, int rank, size_t index);
float comm_pattern_float(long iter, int rank, size_t index);
/* Fills n bytes of buf (at byte offset `offset` of the pattern) with the pattern of (iter, rank). */
void comm_fill(struct comm_ctx *c, void *buf, size_t n, long iter, int rank, size_t offset);
/* Counts the bytes of buf that differ from the pattern of (iter, rank) starting at offset. */
long comm_check(struct comm_ctx *c, const void *buf, size_t n, long iter, int rank, size_t offset);
/* Floats: buf[i] = pattern_float(iter, rank, i), and the check against the sum over all ranks. */
void comm_fill_floats(struct comm_ctx *c, void *buf, size_t count, long iter, int rank, size_t first);
long comm_check_float_sum(struct comm_ctx *c, const void *buf, size_t count, long iter, int nranks,
                          size_t first);
/* The corruption hook: flips one byte of a just-filled send buffer on the chosen iteration. */
void comm_maybe_corrupt(struct comm_ctx *c, void *buf, size_t n, long iter);

/* watchdog.c */
enum { COMM_PEER_NONE = -1, COMM_PEER_ALL = -2 };
/* Says what this rank does now: `what` (a static string), the message size, and the peer it waits
 * on (a rank, COMM_PEER_ALL for a collective, COMM_PEER_NONE when not communicating). */
void comm_progress_set(const char *what, size_t bytes, int peer);
/* Marks progress (cheap: one relaxed atomic increment). */
void comm_progress_beat(void);
int comm_watchdog_start(struct comm_ctx *c);
void comm_watchdog_stop(void);
/* The stall hook: when this rank is EXA_COMM_TEST_STALL_RANK, stop forever (tests only). */
void comm_maybe_stall(struct comm_ctx *c);

/* One size's figures, gathered on rank 0 (output units: us, MB/s, messages/s). */
struct comm_row {
    size_t bytes;
    long iters, warmup, batch;
    double value;                /* latency (us; collectives: average over ranks) or MB/s */
    double rate;                 /* mbw_mr: messages/s */
    double rank_min, rank_max;   /* collectives: fastest and slowest rank's mean latency (us) */
    size_t nsamples;
    double *samples;             /* per batch: us (latency kinds) or MB/s (bandwidth kinds) */
    long errors;                 /* summed over ranks */
};

/* output.c */
void comm_print_header(const struct comm_ctx *c);
void comm_print_row(const struct comm_ctx *c, const struct comm_row *row);
/* The record on every rank (collective parts are filled at the end); rank 0 writes it. */
void comm_record_begin(struct comm_ctx *c, int argc, char **argv);
void comm_record_row(struct comm_ctx *c, const struct comm_row *row);
/* Collective: launch, provenance, counters, verification; writes the record on rank 0 when --json
 * was given. Returns the exit status (0, or 1 when validation found errors). */
int comm_record_finish(struct comm_ctx *c, int argc, char **argv, long errors);
/* "latency_8B", "bandwidth_4M": a metric name for a quantity at a size. */
void comm_metric_name(char *buf, size_t len, const char *quantity, size_t bytes);

#endif
