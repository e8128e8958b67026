/* exa-mxp: the HPL-MxP mixed-precision benchmark on exa-hpl's 2D block-cyclic machinery (its grid,
 * block-cyclic arithmetic, allocator and matrix generator are linked from benchmarks/hpl).
 *
 *   mxp_precision.c  the factorisation precisions (fp64, fp32; fp16/bf16 in the CUDA build): one
 *                    table of BLAS entry points and conversions per precision
 *   mxp_matrix.c     the diagonally dominant HPL-MxP matrix, in FP64 and in the low precision
 *   mxp_lu.c         the right-looking blocked LU without pivoting, in the low precision
 *   mxp_precond.c    applying the low-precision factors: distributed L and U triangular solves
 *   mxp_gmres.c      GMRES-IR in FP64, right-preconditioned by the LU, restarted, to HPL's
 *                    scaled-residual criterion
 *   mxp_options.c    the command line
 *   mxp_output.c     the text output and the JSON record
 *   mxp_main.c       the driver: options, the run list, one run, its output
 *
 * Vectors of the refinement (length N) are replicated on every grid rank: the refinement does
 * O(N^2) work per iteration against the factorisation's O(N^3), and replication turns every
 * distributed vector operation into one allreduce. */
#ifndef EXA_MXP_H
#define EXA_MXP_H

#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "hpl.h"

/* ---------------------------------------------------------------- precisions */
/* The factorisation's arithmetic, behind one table so that the LU and the preconditioner are
 * written once. Matrices are column-major; element sizes differ, hence void pointers. */
struct mxp_precision {
    const char *name;          /* "fp64", "fp32", "fp16", "bf16" */
    size_t size;               /* bytes per element */
    double unit_roundoff;      /* of the storage format */
    double gemm_flop_ratio;    /* the rate one expects against dgemm (documentation only) */
    /* C(m x n) -= A(m x k) B(k x n) */
    void (*gemm_sub)(int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                     int ldc);
    /* B(m x n) := L^-1 B, L unit lower m x m */
    void (*trsm_left_lower_unit)(int m, int n, const void *l, int ldl, void *b, int ldb);
    /* B(m x n) := B U^-1, U upper (non-unit) n x n */
    void (*trsm_right_upper)(int m, int n, const void *u, int ldu, void *b, int ldb);
    /* y(m) -= A(m x n) x(n), in double: x and y are double, A in this precision */
    void (*gemv_sub)(int m, int n, const void *a, int lda, const double *x, double *y);
    /* x := T^-1 x for T (n x n) unit lower (lower = 1) or non-unit upper (lower = 0) */
    void (*trsv)(int lower, int n, const void *t, int ldt, double *x);
    /* dst[i] = (this precision) src[i], and back */
    void (*from_double)(const double *src, void *dst, size_t n);
    void (*to_double)(const void *src, double *dst, size_t n);
};

/* The precision called name (fp64, fp32 on every build; fp16 and bf16 where registered), or
 * NULL. Lists the known names into buf for messages. */
const struct mxp_precision *mxp_precision_find(const char *name);
void mxp_precision_names(char *buf, size_t len);
/* A back end (the CUDA build) may add or replace precisions before the options are read. */
void mxp_precision_register(const struct mxp_precision *p);

/* ---------------------------------------------------------------- matrix */
struct mxp_matrix {
    int n, nb;
    int mp, nq;          /* local rows and columns of A */
    size_t ld;           /* leading dimension of both copies */
    double *a64;         /* the FP64 matrix (the refinement's operator) */
    void *alo;           /* the low-precision copy, factored in place into L\U */
    double *b;           /* the right-hand side, replicated (n) */
    double norm_a;       /* ||A||_oo */
    double norm_b;       /* ||b||_oo */
    const struct mxp_precision *prec;
};

/* Allocates and generates the matrix: element (i, j) of exa-hpl's generator for j != i, and the
 * diagonal set to dominance x (the row's off-diagonal absolute sum + 1) (HPL-MxP's diagonally dominant
 * matrix, which needs no pivoting for dominance >= 1). Collective over the grid. 0, or -1 when out
 * of memory. */
int mxp_matrix_create(struct mxp_matrix *m, const struct hpl_grid *g, int n, int nb,
                      uint64_t seed, double dominance, const struct mxp_precision *prec);
void mxp_matrix_free(struct mxp_matrix *m);
/* Rounds the FP64 matrix into the low-precision copy (part of the timed factorisation). */
void mxp_matrix_demote(struct mxp_matrix *m);
/* Bytes one rank needs for a run of order n (both copies, replicated vectors, GMRES basis). */
double mxp_rank_bytes(int n, int nb, int p, int q, int restart, size_t low_size);

/* ---------------------------------------------------------------- LU (mxp_lu.c) */
/* Factors alo in place into L\U without pivoting. Returns -1, or the first global column whose
 * pivot was zero or not finite (the matrix is not dominant enough for this precision). */
int mxp_lu(struct mxp_matrix *m, const struct hpl_grid *g, double *panel_seconds);

/* ---------------------------------------------------------------- preconditioner */
/* v := U^-1 L^-1 v with the factors in alo; v replicated (n), the same on every grid rank after.
 * work (here and in mxp_matvec): MXP_WORK_DOUBLES(m) doubles. */
#define MXP_WORK_DOUBLES(m) ((size_t)(m)->nq + (size_t)(m)->mp + (size_t)(m)->nb)
void mxp_precond(const struct mxp_matrix *m, const struct hpl_grid *g, double *v, double *work);
/* y := A x with the FP64 matrix; x and y replicated (n). */
void mxp_matvec(const struct mxp_matrix *m, const struct hpl_grid *g, const double *x, double *y,
                double *work);

/* ---------------------------------------------------------------- refinement (mxp_gmres.c) */
struct mxp_refine_opts {
    int restart;             /* GMRES(m) */
    int max_iter;            /* GMRES iterations in all, preconditioner applications */
    double threshold;        /* HPL's scaled-residual threshold (16) */
};
struct mxp_refine_result {
    int iterations;          /* GMRES iterations (one preconditioner apply each) */
    int restarts;            /* GMRES cycles */
    int converged;
    double resid;            /* final scaled residual ||Ax-b||_oo / (eps (||A|| ||x|| + ||b||) N) */
    double norm_r, norm_x;
    double first_resid;      /* of the LU's own solution, before any refinement */
};
/* Solves A x = b to the criterion: x0 = (LU)^-1 b, then restarted GMRES. x: n, replicated.
 * Returns 0, or -1 when out of memory. */
int mxp_refine(const struct mxp_matrix *m, const struct hpl_grid *g,
               const struct mxp_refine_opts *o, double *x, struct mxp_refine_result *r);
/* The scaled residual of x (replicated), with ||r||_oo and ||x||_oo. */
double mxp_scaled_residual(const struct mxp_matrix *m, const struct hpl_grid *g, const double *x,
                           double *norm_r, double *norm_x, double *work);

#endif
