/* exa-stream's back-end interface, in the manner of BabelStream: one table of operations per
 * programming model (OpenMP on the CPU, CUDA in cuda/backend_cuda.cu), and one driver
 * (stream_driver.c and friends) that times, verifies, summarises and reports for all of them.
 *
 * The three arrays a, b, c hold n doubles each. Every kernel operation returns only when its work
 * is complete (a GPU back end synchronises before returning), so that the driver can time it from
 * the host with exa_now(). Adding a back end is adding a file that defines one
 * `const struct stream_backend` and a main that passes it to stream_main(). */
#ifndef STREAM_BACKEND_H
#define STREAM_BACKEND_H

#include <stddef.h>
#include "exa_parse.h"

/* Store instructions a back end may be asked to use for the arrays it writes. */
enum stream_stores {
    STREAM_STORES_TEMPORAL,     /* ordinary stores through the cache (write-allocate) */
    STREAM_STORES_NONTEMPORAL   /* streaming stores that bypass the cache (no read-for-ownership) */
};

struct stream_config {
    size_t n;                   /* elements per array (on this rank) */
    int threads;                /* OpenMP threads (CPU back ends); 0 = the runtime's default */
    enum stream_stores stores;
};

struct stream_backend {
    const char *name;           /* "cpu", "cuda": the record's variant */
    const char *model;          /* "OpenMP", "CUDA": shown in the text output */

    /* Allocates the three arrays and initialises them (a[i] = a0, b[i] = b0, c[i] = c0) in
     * parallel, with the same work split the kernels use, so that first touch places each page
     * where it will be used. Returns the back end's state, or NULL with a reason in err. */
    void *(*create)(const struct stream_config *cfg, double a0, double b0, double c0,
                    char err[EXA_ERR_LEN]);

    void (*copy)(void *state);                  /* c[i] = a[i] */
    void (*scale)(void *state, double scalar);  /* b[i] = scalar * c[i] */
    void (*add)(void *state);                   /* c[i] = a[i] + b[i] */
    void (*triad)(void *state, double scalar);  /* a[i] = b[i] + scalar * c[i] */
    double (*dot)(void *state);                 /* returns sum of a[i] * b[i] */
    /* c[i] = a[i] with the platform's library copy (memcpy, cudaMemcpy), for the bench script's
     * "kernel copy vs library copy" comparison. May be NULL when the back end has none. */
    void (*library_copy)(void *state);

    /* Host-readable views of the three arrays for verification. A CPU back end returns its own
     * arrays; a device back end copies them to host buffers that stay valid until destroy. */
    void (*read_arrays)(void *state, double **a, double **b, double **c);

    /* One line saying which store instructions the kernels really use (e.g. "non-temporal
     * (AVX-512 vmovntpd)"); stored in the record and printed. */
    const char *(*describe_stores)(void *state);

    /* Threads (or blocks x threads) the back end really runs with. */
    int (*threads)(void *state);

    void (*destroy)(void *state);
};

/* The back ends this build has. */
extern const struct stream_backend stream_backend_omp;

#endif
