/* exa-mxp: one run. The memory check comes first (every rank, before anything is allocated), the
 * generation is untimed as in HPL, and the timed region is everything from the FP64 matrix to
 * the converged x: the rounding into the low precision, the LU and the refinement. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "mxp_driver.h"

static void check_memory(const struct mxp_options *o, int n)
{
    MPI_Comm node;
    int node_ranks;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_ranks);
    MPI_Comm_free(&node);
    uint64_t total = 0, avail = 0;
    if (exa_meminfo(&total, &avail) != 0 || total == 0)
        return;
    double need = mxp_rank_bytes(n, o->nb, o->p, o->q, o->refine.restart, o->prec->size) *
                  node_ranks;
    if (need > 0.95 * (double)total)
        exa_usage_error("N=%d needs %.1f GiB on this node (%d ranks x %.2f GiB: the FP64 matrix, "
                        "its %s copy, panels and GMRES vectors), over 95%% of its %.1f GiB",
                        n, need / 1073741824.0, node_ranks, need / node_ranks / 1073741824.0,
                        o->prec->name, (double)total / 1073741824.0);
}

static void dump_solution(const char *path, const double *x, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        exa_fatal(EXA_EXIT_USAGE, "cannot write --dump-solution file '%s'", path);
    for (int i = 0; i < n; i++)
        fprintf(f, "%.17g\n", x[i]);
    fclose(f);
}

static void timed_solve(const struct mxp_options *o, struct mxp_matrix *m,
                        const struct hpl_grid *g, struct mxp_result *r)
{
    double *x = malloc((size_t)m->n * sizeof(double));
    if (!x)
        exa_fatal(EXA_EXIT_USAGE, "out of memory for the solution vector");
    MPI_Barrier(g->comm);
    r->start = time(NULL);
    double t0 = MPI_Wtime();
    mxp_matrix_demote(m);
    r->info = mxp_lu(m, g, &r->panel_time);
    double t1 = MPI_Wtime();
    if (r->info == -2)
        exa_fatal(EXA_EXIT_USAGE, "out of memory for the LU's panels");
    if (r->info < 0 && mxp_refine(m, g, &o->refine, x, &r->ref) != 0)
        exa_fatal(EXA_EXIT_USAGE, "out of memory for the GMRES basis (restart %d)",
                  o->refine.restart);
    double t2 = MPI_Wtime();
    r->end = time(NULL);
    double span[2] = {t1 - t0, t2 - t0};
    MPI_Allreduce(MPI_IN_PLACE, span, 2, MPI_DOUBLE, MPI_MAX, g->comm);
    r->factor_time = span[0];
    r->time = span[1];
    r->refine_time = span[1] - span[0];
    int grank;
    MPI_Comm_rank(g->comm, &grank);
    if (o->dump_path && grank == 0 && r->info < 0)
        dump_solution(o->dump_path, x, m->n);
    free(x);
}

void mxp_run_one(const struct mxp_options *o, int n, struct mxp_result *r)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->info = -1;
    check_memory(o, n);
    struct hpl_grid g;
    hpl_grid_create(&g, MPI_COMM_WORLD, o->p, o->q, HPL_PMAP_ROW);
    if (g.active) {
        struct mxp_matrix m;
        int nb = o->nb < n ? o->nb : n;
        if (mxp_matrix_create(&m, &g, n, nb, o->seed, o->dominance, o->prec) != 0)
            exa_fatal(EXA_EXIT_USAGE, "out of memory allocating the N=%d matrices", n);
        timed_solve(o, &m, &g, r);
        r->rank_bytes = mxp_rank_bytes(n, nb, o->p, o->q, o->refine.restart, o->prec->size);
        mxp_matrix_free(&m);
        hpl_grid_free(&g);
    }
    /* the figures to every world rank (idle ranks included: they print nothing but exit alike) */
    double fig[4] = {r->time, r->factor_time, r->ref.resid, (double)r->ref.converged};
    MPI_Bcast(fig, 4, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Bcast(&r->info, 1, MPI_INT, 0, MPI_COMM_WORLD);
    r->ref.converged = fig[3] > 0;
    r->ref.resid = fig[2];
    r->time = fig[0];
    r->factor_time = fig[1];
    r->gflops = r->time > 0 ? exa_hpl_flops(n) / r->time / 1e9 : 0;
    r->factor_gflops = r->factor_time > 0 ? 2.0 / 3.0 * (double)n * n * n / r->factor_time / 1e9 : 0;
    r->passed = r->info < 0 && r->ref.converged;
}
