/* exa-hpl's device interface: what the device-resident LU (hpl_pdgesv_dev.c) asks of an
 * accelerator, as one table of operations, so that the same algorithm runs on a GPU (the `cuda`
 * engine, benchmarks/hpl/cuda/device_cuda.c) and on the CPU (the `emulated` engine,
 * hpl_device_emu.c, which proves the algorithm's logic and traffic without a GPU).
 *
 * Memory: device pointers come from alloc and may be used by the caller only for pointer
 * arithmetic and as arguments to these operations, never dereferenced (the emulated engine makes a
 * dereference fault). Host buffers that copies read or write asynchronously come from host_alloc
 * (pinned memory on a GPU). Matrices are column-major with a leading dimension, as in BLAS.
 *
 * Ordering: every operation takes a stream (HPL_DEV_MAIN or HPL_DEV_COPY); operations on one stream
 * run in order, operations on different streams may overlap. record/wait order them across streams
 * (event e is recorded on one stream, another stream waits for it); sync(s) blocks the host until
 * stream s is done. A copy to the host is usable by the host only after sync of its stream.
 *
 * Counters: every engine counts the bytes its copies move each way (index lists included), so the
 * traffic of a factorisation is known on any engine, and tests check it against the model. */
#ifndef EXA_HPL_DEVICE_H
#define EXA_HPL_DEVICE_H

#include <stddef.h>

enum { HPL_DEV_MAIN = 0, HPL_DEV_COPY = 1, HPL_DEV_STREAMS = 2 };
enum { HPL_DEV_EVENTS = 8 };
enum hpl_dev_dir { HPL_H2D = 0, HPL_D2H = 1, HPL_D2D = 2 };

struct hpl_dev_counters {
    double bytes_h2d, bytes_d2h, bytes_d2d;   /* copied, by direction */
    long copies, gemms, trsms, row_ops;       /* calls */
    double gemm_flops;
};

struct hpl_device {
    const char *name;                 /* "emulated", "cuda" */
    /* Collective over MPI_COMM_WORLD (selects the GPU); decides mpi_device_pointers. */
    void (*init)(void);
    void (*finalize)(void);
    /* 1: MPI may be given device pointers (CUDA-aware MPI); 0: stage through host buffers. Set by
     * init, the same on every rank. */
    int mpi_device_pointers;
    const char *mpi_method;           /* how that was decided (for the record) */

    void *(*alloc)(size_t bytes);     /* device memory; NULL when there is not enough */
    void (*free)(void *p);
    void *(*host_alloc)(size_t bytes);  /* pinned host memory, zero-filled; NULL on failure */
    void (*host_free)(void *p);

    /* rows x cols doubles from src (leading dimension lds) to dst (ldd), dir says which sides
     * are device memory. */
    void (*copy2d)(int stream, enum hpl_dev_dir dir, int rows, int cols, const double *src,
                   size_t lds, double *dst, size_t ldd);
    /* C(m x n) -= A(m x k) B(k x n), all device */
    void (*gemm_sub)(int stream, int m, int n, int k, const double *a, int lda, const double *b,
                     int ldb, double *c, int ldc);
    /* B(m x n) := L^-1 B, L unit lower triangular m x m, all device */
    void (*trsm_lunit)(int stream, int m, int n, const double *l, int ldl, double *b, int ldb);
    /* Row moves by index lists (host arrays, copied by the engine): gather packs rows idx[r] of
     * A (nc columns) as rows of buf, each contiguous: buf[r * nc + c] = A[idx[r] + c * lda].
     * scatter writes packed rows back: A[idx[r] + c * lda] = buf[from[r] * nc + c]. */
    void (*gather_rows)(int stream, int nr, int nc, const int *idx, const double *a, int lda,
                        double *buf);
    void (*scatter_rows)(int stream, int nr, int nc, const int *from, const double *buf,
                         const int *idx, double *a, int lda);
    void (*record)(int event, int stream);
    void (*wait)(int stream, int event);
    void (*sync)(int stream);
    int (*query)(int stream);         /* 1 when everything issued to the stream is done */

    void (*counters)(struct hpl_dev_counters *c);  /* totals since init */
};

extern struct hpl_device hpl_device_emulated;
/* The emulated engine's extras for tests: bytes of device memory now allocated. */
size_t hpl_emu_bytes_allocated(void);

/* The device engine by name ("emulated", or the program's own), NULL when unknown. */
const struct hpl_device *hpl_device_find(const char *name, const struct hpl_device *own);

/* What one factorisation moved (hpl_pdgesv_dev fills it; exa-hpl puts it in the record). */
struct hpl_dev_traffic {
    double h2d_matrix, d2h_matrix;    /* the one-off copies of the whole local [A b] */
    double h2d_iter_max, d2h_iter_max; /* the largest of one iteration, each way */
    double h2d_iter_sum, d2h_iter_sum; /* all iterations together */
    double model_iter_bytes;          /* the model's bound on one iteration (each way) */
    double trailing_bytes;            /* 8 mp nq: the local matrix */
    int iterations;
};

/* ---------------------------------------------------------------- the device-resident LU */
struct hpl_matrix;
struct hpl_grid;
struct hpl_algo;
struct hpl_panel;
struct hpl_times;

/* One factorisation's device state (hpl_pdgesv_dev.c allocates it, hpl_swap_dev.c uses it). */
struct hpl_dev_ctx {
    const struct hpl_device *d;
    double *a;                 /* device [A b], ld x nq, the same layout as the host matrix */
    size_t ld;
    double *w[2], *l[2];       /* device copies of the two panel buffers' W and L2 */
    double *u;                 /* device U block row, nb x nq (P > 1) */
    double *send, *recv;       /* device rows for the swap, 2 nb x nq each */
    double *hsend, *hrecv;     /* pinned host staging of send and recv (no CUDA-aware MPI) */
    int *counts, *displs;      /* the swap's gather layout, one per process row */
};

/* Row interchanges of the panel on my device columns jq..nq-1, then U := L1^-1 U on the device
 * (W of the panel already in dev->w[slot]). Returns the device U block row and *ldu. */
double *hpl_dev_swap_and_trsm(struct hpl_dev_ctx *x, const struct hpl_panel *pan, int slot,
                              const struct hpl_matrix *m, const struct hpl_grid *g,
                              const struct hpl_algo *algo, int jq, int *ldu, struct hpl_times *t);

/* The device-resident hpl_pdgesv: [A b] goes to the device once, the factorisation runs there
 * (panels factored on the host), the factors come back once, and the solve runs on the host as
 * in hpl_pdgesv. traffic (may be NULL) gets what the engine copied. Returns m->info (-2: out of
 * device or host memory). */
int hpl_pdgesv_dev(struct hpl_matrix *m, const struct hpl_grid *g, const struct hpl_algo *algo,
                   const struct hpl_device *d, struct hpl_times *t, struct hpl_dev_traffic *traffic);

#endif
