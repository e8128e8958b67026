/* exa-hpl: a distributed right-looking blocked LU with partial pivoting on a P x Q 2D block-cyclic
 * process grid, in the manner of netlib HPL. The files are named after HPL's phases:
 *
 *   hpl_grid.c       process grid (PMAP row/column-major) and block-cyclic index arithmetic
 *   hpl_generator.c  reproducible counter-based matrix generator (any element in O(1))
 *   hpl_panel.c      panel factorisation within the process column (recursive, max-loc pivoting)
 *   hpl_bcast.c      panel broadcast along the process rows (MPI_Ibcast, progressed while updating)
 *   hpl_swap.c       row interchanges across the process column and the U block row (DTRSM), in
 *                    pieces of columns whose exchange overlaps the update
 *   hpl_update.c     the pluggable update engine (GEMM/TRSM entry points) and the trailing update
 *   hpl_pdgesv.c     the LU driver loop with look-ahead of depth 0 or 1
 *   hpl_pdgesv_dev.c the same loop with the trailing matrix resident on a device (hpl_device.h;
 *                    hpl_swap_dev.c its row interchanges, hpl_device_emu.c the CPU engine)
 *   hpl_solve.c      distributed back substitution
 *   hpl_residual.c   the residual check on the regenerated A and b
 *   hpl_samples.c    within-run samples: the rate of groups of steps over their modelled flops
 *   hpl_dat.c        the HPL.dat reader
 *   hpl_options.c    the command line: usage, parsing, the table of HPL.dat overrides
 *   hpl_runs.c       the run list (HPL's cross product), N from memory, grid and memory checks
 *   hpl_run.c        one run: generate, factor and solve, check, gather per-rank facts
 *   hpl_main.c       hpl_main(): options, HPL.dat, the runs, their output and records (hpl_driver.h)
 *   hpl_output.c     HPL-style text output and the JSON record
 *   hpl_cpu_main.c   exa-hpl's main(): hpl_main() with the CBLAS engine
 *
 * The matrix is N x (N+1): b is global column N, so the elimination carries it along (as HPL does)
 * and the solve only needs U. Storage is column-major per rank, leading dimension ld >= local rows. */
#ifndef EXA_HPL_H
#define EXA_HPL_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- grid (hpl_grid.c) */
enum hpl_pmap { HPL_PMAP_ROW = 0, HPL_PMAP_COL = 1 };

struct hpl_grid {
    MPI_Comm comm;     /* the grid's P*Q ranks; MPI_COMM_NULL on idle ranks */
    MPI_Comm row_comm; /* my process row (Q ranks, rank = mycol) */
    MPI_Comm col_comm; /* my process column (P ranks, rank = myrow) */
    int p, q, pmap;
    int myrow, mycol;
    int active;        /* 1 when this rank is inside the grid */
};

/* Collective over world: world ranks 0..P*Q-1 form the grid (rank r sits at row r/Q, column r%Q
 * for PMAP row-major; row r%P, column r/P for column-major); the others are idle. */
void hpl_grid_create(struct hpl_grid *g, MPI_Comm world, int p, int q, int pmap);
void hpl_grid_free(struct hpl_grid *g);

/* Block-cyclic index arithmetic (block size nb over nprocs processes, first block on process 0). */
int hpl_numroc(int n, int nb, int iproc, int nprocs);            /* my local count of 0..n-1 */
int hpl_owner(int g, int nb, int nprocs);                        /* process holding index g */
int hpl_local_index(int g, int nb, int nprocs);                  /* g's index on its owner */
int hpl_local_start(int g, int nb, int iproc, int nprocs);       /* my local indices below g */
int hpl_global_index(int l, int nb, int iproc, int nprocs);      /* global index of my local l */

/* ---------------------------------------------------------------- matrix */
struct hpl_matrix {
    int n, nb;
    int mp;        /* local rows */
    int nq;        /* local columns of [A b] */
    int nq_a;      /* local columns of A alone; b is local column nq_a where this rank holds it */
    size_t ld;     /* leading dimension (>= mp, padded) */
    double *a;     /* ld x nq */
    double *x;     /* after the solve: x for my local columns (nq_a entries) */
    int info;      /* -1, or the first global column whose pivot was exactly zero */
};

/* Bytes of the local matrix for this rank (what hpl_matrix_alloc will allocate), and of the
 * workspace the factorisation and the solve add. */
size_t hpl_matrix_bytes(int n, int nb, int mp, int nq);   /* SIZE_MAX when it overflows */
/* The same in double, for the memory check: exact enough, and never wrapped. */
double hpl_matrix_bytes_estimate(int mp, int nq);
size_t hpl_workspace_bytes(int n, int nb, int p, int mp, int nq);
int hpl_matrix_alloc(struct hpl_matrix *m, const struct hpl_grid *g, int n, int nb, size_t align);
void hpl_matrix_free(struct hpl_matrix *m);
void *hpl_alloc(size_t bytes, size_t align); /* zero-filled, aligned; NULL on failure */

/* ---------------------------------------------------------------- generator (hpl_generator.c) */
enum hpl_gen_kind {
    HPL_GEN_RANDOM = 0,  /* uniform in [-0.5, 0.5) */
    HPL_GEN_PIVOT,       /* needs a row interchange at every elimination step (test matrix) */
    HPL_GEN_SINGULAR,    /* column N/2 of A is exactly zero: an exact zero pivot (test matrix) */
};
/* Element (i, j) of [A b] (j == n is b). Depends on seed, i, j only (and on n for the test
 * kinds), never on the grid. */
double hpl_gen_value(uint64_t seed, int kind, int n, int i, int j);
/* Fills the local part of [A b]. */
void hpl_gen_local(struct hpl_matrix *m, const struct hpl_grid *g, uint64_t seed, int kind);

/* ---------------------------------------------------------------- algorithm and timing */
struct hpl_algo {
    int nbmin, ndiv, depth;        /* honoured: recursion stop, pieces per level, look-ahead */
    int pfact, rfact;              /* honoured: HPL_FACT_* of the leaves and recursion levels */
    int bcast;                     /* honoured: HPL_BCAST_* */
    int swap, swap_threshold;      /* honoured: HPL_SWAP_*, and mix's column threshold */
    int l1, u, equil, align;       /* what HPL.dat asked for (L1, U and equil fold) */
    int swap_piece;                /* local columns per piece of the row interchanges (0: the
                                      default, EXA_HPL_SWAP_PIECE overrides it) */
};
#define HPL_SWAP_PIECE_DEFAULT 4096

enum hpl_phase { HPL_PH_PANEL, HPL_PH_BCAST, HPL_PH_SWAP, HPL_PH_UPDATE, HPL_PH_SOLVE,
                 HPL_PH_COUNT };
extern const char *const hpl_phase_names[HPL_PH_COUNT];
struct hpl_times {
    double phase[HPL_PH_COUNT];
};

/* ---------------------------------------------------------------- update engine (hpl_update.c) */
/* The operations the factorisation spends its time in, behind function pointers so that an
 * accelerator back end (exa-hpl-cuda) can replace them without touching the driver. */
struct hpl_engine {
    const char *name;
    /* C(m x n) -= A(m x k) * B(k x n), column-major */
    void (*gemm_sub)(int m, int n, int k, const double *a, int lda, const double *b, int ldb,
                     double *c, int ldc);
    /* B(m x n) := L^-1 B, L unit lower triangular m x m, column-major */
    void (*trsm_lunit)(int m, int n, const double *l, int ldl, double *b, int ldb);
};
extern const struct hpl_engine hpl_engine_blas;

/* ---------------------------------------------------------------- panel (hpl_panel.c) */
struct hpl_panel {
    int k;          /* block index */
    int j, jb;      /* first global column and width */
    int prow, pcol; /* process row of the diagonal block, process column of the panel */
    int ml;         /* my local rows with global index >= j + jb (my rows of L2) */
    int ii;         /* local row index of the first of them */
    double *buf;    /* W (jb x jb) | ipiv (jb) | info (1) | L2 (ml x jb): what is broadcast */
    double *w, *ipiv, *l;
    int count;      /* doubles broadcast */
    int root;       /* this rank factored it */
    /* the broadcast's state (hpl_bcast.c) */
    int bcast;      /* HPL_BCAST_* */
    MPI_Request req;   /* MPI_Ibcast's request */
    MPI_Request rreq;  /* my pending receive (rings and long) */
    MPI_Request *sreq; /* my pending sends: room for Q + 1, set once by the driver */
    int nsreq;
    int arrived;    /* the whole panel is in buf */
    int rel;        /* my position in the process row counted from the panel's column */
    int long_lo;    /* long: first position in the roll */
    int step;       /* long: steps of the roll done */
};

/* Size in doubles of one panel buffer. */
size_t hpl_panel_buffer_doubles(int nb, int mp);
void hpl_panel_setup(struct hpl_panel *pan, const struct hpl_matrix *m, const struct hpl_grid *g,
                     int k, double *buf);
/* Collective over the panel's process column: copies the panel out of A, factors it with
 * recursive LU (RFACT levels of NDIV pieces, down to PFACT leaves of NBMIN columns) and max-loc
 * pivoting (ties go to the lowest global row), writes L1\U1 back into A. */
void hpl_panel_factor(struct hpl_panel *pan, struct hpl_matrix *m, const struct hpl_grid *g,
                      const struct hpl_algo *algo);

/* ---------------------------------------------------------------- broadcast (hpl_bcast.c) */
/* HPL.dat's BCAST codes 0-5, and MPI_Ibcast (the default without an HPL.dat). */
enum { HPL_BCAST_1RG, HPL_BCAST_1RM, HPL_BCAST_2RG, HPL_BCAST_2RM, HPL_BCAST_LNG, HPL_BCAST_LNM,
       HPL_BCAST_IBCAST };
/* Starts my side of the panel's broadcast along my process row with topology kind. */
void hpl_bcast_start(struct hpl_panel *pan, const struct hpl_grid *g, int kind);
/* Until the whole panel is in my buffer (forwards are posted, maybe not finished). */
void hpl_bcast_wait(struct hpl_panel *pan, const struct hpl_grid *g);
/* Until my part is over, sends included: before the buffer is reused. */
void hpl_bcast_finish(struct hpl_panel *pan, const struct hpl_grid *g);
/* Completes what has completed and posts what follows, without waiting (pan may be NULL). */
void hpl_bcast_progress(struct hpl_panel *pan, const struct hpl_grid *g);
/* Whether anything of the broadcast is still to do on this rank. */
int hpl_bcast_pending(const struct hpl_panel *pan);

/* ---------------------------------------------------------------- swap (hpl_swap.c) */
/* The row interchanges of one panel on my columns, applied in pieces of columns (prepare once
 * per panel, then start and complete each piece in turn) so that the exchange of a piece can
 * travel while the previous one is updated. */
struct hpl_swap_ws {
    double *u;     /* jb x nq: the U block row for my columns (P > 1) */
    double *send;  /* packed rows this rank contributes to the piece in flight */
    double *recv;  /* all involved rows of its columns */
    int *counts, *displs, *rows; /* per process row: doubles and displacement, involved rows */
    int *plan;     /* the storage of the seven lists below, 2 nb each */
    int *inv, *cont, *owner, *slot; /* hpl_swap_plan's lists; the owning process row of each
                                       involved row and its place in that row's block */
    int *lr;       /* P > 1: local indices of my involved rows; P = 1: the pivots */
    int *at, *stride; /* involved row i, column col of the piece: recv[at[i] + col * stride[i]] */
    const struct hpl_panel *pan;    /* the panel being applied */
    int jq;        /* my first column right of it: U's column 0 */
    int nin, mine; /* involved rows, and how many of them are mine */
    int binexch;   /* the rows travel by binary exchange (else one MPI_Iallgatherv) */
    int c0, c1;    /* the piece started and not completed (c0 == c1: none) */
    MPI_Request req;
};
int hpl_swap_ws_alloc(struct hpl_swap_ws *ws, const struct hpl_grid *g, int nb, int nq);
void hpl_swap_ws_free(struct hpl_swap_ws *ws);
/* HPL.dat's SWAP codes: how the involved rows travel along the process column. */
enum { HPL_SWAP_BINEXCH = 0, HPL_SWAP_LONG = 1, HPL_SWAP_MIX = 2 };
/* The pieces the interchanges are made of, shared with the device version (hpl_swap_dev.c):
 * the involved rows (inv) and where each one's content ends (cont), returning their number; and
 * the exchange of the packed rows along the process column by SWAP's method. */
int hpl_swap_plan(const struct hpl_panel *pan, int *inv, int *cont);
void hpl_swap_exchange(const double *send, double *recv, const int *counts, const int *displs,
                       int mine, int nc, const struct hpl_grid *g, const struct hpl_algo *algo);
/* Panel pan is to be applied to my local columns jq..nq-1: its plan, once. */
void hpl_swap_prepare(struct hpl_swap_ws *ws, const struct hpl_panel *pan,
                      const struct hpl_matrix *m, const struct hpl_grid *g,
                      const struct hpl_algo *algo, int jq);
/* Starts the interchanges of columns c0..c1-1 (P > 1: packs my rows and posts the exchange).
 * Pieces are started in column order, each after the previous one is complete; collective over
 * the process column. */
void hpl_swap_start(struct hpl_swap_ws *ws, const struct hpl_matrix *m, const struct hpl_grid *g,
                    int c0, int c1, struct hpl_times *t);
/* Completes the started piece: the new rows in place and U := L1^-1 U on its columns. */
void hpl_swap_complete(struct hpl_swap_ws *ws, struct hpl_matrix *m, const struct hpl_grid *g,
                       const struct hpl_engine *eng, struct hpl_times *t);
/* Moves the started piece's exchange on without waiting; whether one is in flight. */
void hpl_swap_progress(struct hpl_swap_ws *ws);
int hpl_swap_pending(const struct hpl_swap_ws *ws);
/* The U block row of the prepared panel (column 0 is local column jq) and its leading dimension:
 * its columns are valid once their piece is complete. */
const double *hpl_swap_u(const struct hpl_swap_ws *ws, const struct hpl_matrix *m,
                         const struct hpl_grid *g, int *ldu);

/* ---------------------------------------------------------------- update (hpl_update.c) */
/* A(L2 rows, local columns c0..c1-1) -= L2 * U(:, c0-jq .. c1-jq-1), in column chunks, giving
 * pending broadcasts and a pending swap exchange (any may be NULL) a chance to move between
 * chunks. */
void hpl_update(const struct hpl_engine *eng, const struct hpl_panel *pan, const double *u,
                int ldu, struct hpl_matrix *m, int jq, int c0, int c1, const struct hpl_grid *g,
                struct hpl_panel *pend1, struct hpl_panel *pend2, struct hpl_swap_ws *swp);

/* ---------------------------------------------------------------- driver (hpl_pdgesv.c) */
/* Factors [A b] in place (b becomes L^-1 P b) and solves; x lands in m->x. Returns m->info. */
int hpl_pdgesv(struct hpl_matrix *m, const struct hpl_grid *g, const struct hpl_algo *algo,
               const struct hpl_engine *eng, struct hpl_times *t);

/* ---------------------------------------------------------------- samples (hpl_samples.c) */
/* The factorisation is cut into groups of whole panels by N and NB alone: each group is the
 * smallest run of panels holding at least 1/HPL_SAMPLE_GROUPS of the LU's modelled flops (the
 * last takes the rest). A group is a sample when the trailing matrix left after it has at least
 * HPL_SAMPLE_TRAILING_MIN * N rows; the tail is recorded but is no sample. */
#define HPL_SAMPLE_GROUPS 64
#define HPL_SAMPLE_TRAILING_MIN 0.25

/* Modelled flops of eliminating columns j0..j1-1 of an n x n LU (column i: m + 2 m^2 with
 * m = n - i - 1), and of the whole LU (2/3 n^3 - 1/2 n^2 - 1/6 n). */
double hpl_lu_flops_cols(int n, int j0, int j1);
double hpl_lu_flops(int n);
/* The groups: group g is panels first[g] .. first[g+1]-1; first needs HPL_SAMPLE_GROUPS + 1
 * entries. Returns the number of groups (0 for n or nb <= 0). */
int hpl_sample_groups(int n, int nb, int *first);
/* Whether the group ending before panel end_panel is a sample (the rule above). */
int hpl_sample_is_eligible(int n, int nb, int end_panel);

/* One rank's clock readings at the group boundaries, taken by the driver (hpl_pdgesv.c). */
struct hpl_sampler {
    int n, nb, ngroups;
    int first[HPL_SAMPLE_GROUPS + 1];
    double t[HPL_SAMPLE_GROUPS + 1];
    int next;   /* the next boundary to read */
};
/* Computes the groups and reads the clock: the start of group 0. */
void hpl_sampler_begin(struct hpl_sampler *s, int n, int nb);
/* At the top of iteration k of the driver (k = number of panels at the end): reads the clock
 * when k starts a group. No communication. */
static inline void hpl_sampler_mark(struct hpl_sampler *s, int k, double now)
{
    if (s->next <= s->ngroups && k == s->first[s->next])
        s->t[s->next++] = now;
}
/* Collective over the grid: the mean and the longest duration of each group over the ranks go to
 * grid rank 0, which keeps them with the groups' modelled work for hpl_samples_last(). */
void hpl_sampler_end(struct hpl_sampler *s, const struct hpl_grid *g);

/* The samples of this process's last factorisation, on grid rank 0 (NULL elsewhere, or before
 * any): what the record writer (hpl_output.c) reads. */
struct hpl_rate_samples {
    int n, nb, p, q, ngroups;
    int first[HPL_SAMPLE_GROUPS + 1];          /* as hpl_sample_groups */
    double flops[HPL_SAMPLE_GROUPS];           /* modelled flops of the group */
    double seconds[HPL_SAMPLE_GROUPS];         /* the mean of the ranks' durations */
    double seconds_max[HPL_SAMPLE_GROUPS];     /* the longest of them */
    double trailing_fraction[HPL_SAMPLE_GROUPS]; /* rows left after the group / N */
    int eligible[HPL_SAMPLE_GROUPS];           /* the group is a sample */
    int filled;
};
const struct hpl_rate_samples *hpl_samples_last(void);

/* ---------------------------------------------------------------- solve (hpl_solve.c) */
/* Back substitution U x = y on the grid; x for my local columns goes to m->x. */
void hpl_pdtrsv(struct hpl_matrix *m, const struct hpl_grid *g);

/* ---------------------------------------------------------------- residual (hpl_residual.c) */
struct hpl_residual {
    double resid;            /* ||Ax-b||_oo / (eps * (||A||_oo ||x||_oo + ||b||_oo) * N) */
    double norm_r, norm_a, norm_x, norm_b, eps;
};
/* Regenerates A and b into m->a (the factors are no longer needed) and computes the scaled
 * residual of m->x on every grid rank. */
void hpl_residual_check(struct hpl_matrix *m, const struct hpl_grid *g, uint64_t seed, int kind,
                        struct hpl_residual *res);

/* Gathers x on grid rank 0 (n doubles, caller frees; other ranks get NULL). For tests. */
double *hpl_gather_solution(const struct hpl_matrix *m, const struct hpl_grid *g);

/* ---------------------------------------------------------------- HPL.dat (hpl_dat.c) */
#define HPL_DAT_MAX 64
/* Input limits, the same for HPL.dat and the command line. Local indices are int and the matrix
 * has N + 1 columns (b beside A), so N + 1 must be an int; NB, NBMIN and NDIV beyond 2^20 have no
 * use (a panel of NB^2 doubles would be 8 TiB); P and Q beyond 2^24 can not be launched. */
#define HPL_N_MAX 2147483646L
#define HPL_NB_MAX (1L << 20)
#define HPL_GRID_MAX (1L << 24)
#define HPL_DAT_MAX_WARN 16
struct hpl_dat {
    char outfile[256];
    int device;                              /* 6 stdout, 7 stderr, other: outfile */
    int nn, ns[HPL_DAT_MAX];
    int nnb, nbs[HPL_DAT_MAX];
    int pmap;
    int ngrid, ps[HPL_DAT_MAX], qs[HPL_DAT_MAX];
    double threshold;
    int npfact, pfacts[HPL_DAT_MAX];
    int nnbmin, nbmins[HPL_DAT_MAX];
    int nndiv, ndivs[HPL_DAT_MAX];
    int nrfact, rfacts[HPL_DAT_MAX];
    int nbcast, bcasts[HPL_DAT_MAX];
    int ndepth, depths[HPL_DAT_MAX];
    int swap, swap_threshold, l1, u, equil, align;
    int nwarn;
    char warn[HPL_DAT_MAX_WARN][192];       /* "HPL.dat line 14: PFACT=Crout not implemented..." */
};
/* Parses the text of an HPL.dat (name is used in messages). Returns 0, or -1 with
 * "NAME:LINE: what was expected, what was found" in err. Unimplemented settings are kept (what
 * the file asked for) and described in dat->warn. */
int hpl_dat_parse(const char *text, const char *name, struct hpl_dat *dat, char *err, size_t errlen);
/* Fills dat with the defaults used without an HPL.dat. */
void hpl_dat_defaults(struct hpl_dat *dat);
/* Letters of the variant codes: PFACT/RFACT 0 L, 1 C, 2 R; BCAST 0..5 as in HPL, 'I' MPI_Ibcast */
enum { HPL_FACT_LEFT = 0, HPL_FACT_CROUT = 1, HPL_FACT_RIGHT = 2 };  /* HPL.dat's PFACT/RFACT codes */
extern const char *const hpl_fact_names[3];
extern const char *const hpl_bcast_names[7];
extern const char *const hpl_swap_names[3];

#endif
