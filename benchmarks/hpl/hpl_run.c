/* exa-hpl's per-run test: generate the matrix, factor and solve it timed (counters around the
 * timed region), optionally dump or perturb x, check the residual, and gather the per-rank phase
 * times, peak RSS and counters to grid rank 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_hplmodel.h"
#include "exa_mpi.h"
#include "hpl.h"
#include "hpl_driver.h"
#include "hpl_device.h"

/* The device engine and what it copied, for the record: each traffic figure is the largest over
 * the grid's ranks (collective; the object on grid rank 0, NULL elsewhere). */
static json_t *hpl_device_describe(const struct hpl_device *d, const struct hpl_dev_traffic *tr,
                                   MPI_Comm comm)
{
    double v[8] = {tr->h2d_matrix, tr->d2h_matrix, tr->h2d_iter_max, tr->d2h_iter_max,
                   tr->h2d_iter_sum, tr->d2h_iter_sum, tr->model_iter_bytes, tr->trailing_bytes};
    double mx[8];
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Reduce(v, mx, 8, MPI_DOUBLE, MPI_MAX, 0, comm);
    if (rank != 0)
        return NULL;
    static const char *const names[8] = {"h2d_matrix", "d2h_matrix", "h2d_iter_max",
                                         "d2h_iter_max", "h2d_iter_sum", "d2h_iter_sum",
                                         "model_iter_bytes", "trailing_bytes"};
    json_t *t = json_object();
    for (int i = 0; i < 8; i++)
        json_object_set_new(t, names[i], json_real(mx[i]));
    json_object_set_new(t, "iterations", json_integer(tr->iterations));
    json_t *o = json_object();
    json_object_set_new(o, "engine", json_string(d->name));
    json_object_set_new(o, "data_movement",
                        json_string("trailing matrix resident on the device; per iteration the "
                                    "panel to the host and back, swapped rows when MPI is staged"));
    json_object_set_new(o, "mpi", json_string(d->mpi_device_pointers ? "cuda-aware" : "staged"));
    json_object_set_new(o, "mpi_method", json_string(d->mpi_method ? d->mpi_method : ""));
    json_object_set_new(o, "traffic", t);
    return o;
}

void hpl_run_one(struct hpl_options *o, const struct hpl_run *run, struct hpl_result *r)
{
    struct hpl_grid g;
    memset(r, 0, sizeof *r);
    r->info = -1;
    hpl_grid_create(&g, MPI_COMM_WORLD, run->p, run->q, run->pmap);
    if (!g.active)
        return;
    int grank;
    MPI_Comm_rank(g.comm, &grank);
    struct hpl_matrix m;
    int nb = run->nb < run->n ? run->nb : run->n; /* one block holds it all: same layout */
    if (hpl_matrix_alloc(&m, &g, run->n, nb, (size_t)run->algo.align * sizeof(double)) != 0)
        exa_fatal(EXA_EXIT_USAGE, "out of memory allocating the %d x %d local matrix", m.mp,
                  m.nq);
    hpl_gen_local(&m, &g, o->seed, o->matrix_kind);

    struct exa_counters *ctr = o->counters;
    exa_counters_reset(ctr);
    struct hpl_times t;
    memset(&t, 0, sizeof t);
    MPI_Barrier(g.comm);
    r->start = time(NULL);
    exa_counters_start(ctr);
    double t0 = MPI_Wtime();
    struct hpl_dev_traffic traffic;
    int info = o->device ? hpl_pdgesv_dev(&m, &g, &run->algo, o->device, &t, &traffic)
                         : hpl_pdgesv(&m, &g, &run->algo, o->engine, &t);
    double t1 = MPI_Wtime();
    exa_counters_stop(ctr);
    r->end = time(NULL);
    if (info == -2)
        exa_fatal(EXA_EXIT_USAGE, "out of %s memory allocating the matrix or the panel workspace",
                  o->device ? "device or pinned host" : "host");
    double mine = t1 - t0;
    MPI_Allreduce(&mine, &r->time, 1, MPI_DOUBLE, MPI_MAX, g.comm);
    r->gflops = exa_hpl_gflops(run->n, r->time);
    r->info = info;

    if (info < 0 && o->dump_path) {
        double *x = hpl_gather_solution(&m, &g);
        if (x) {
            FILE *f = fopen(o->dump_path, "w");
            if (!f)
                exa_fatal(EXA_EXIT_USAGE, "cannot write --dump-solution file '%s'", o->dump_path);
            for (int i = 0; i < run->n; i++)
                fprintf(f, "%.17g\n", x[i]);
            fclose(f);
            free(x);
        }
    }
    if (info < 0 && o->perturb && g.mycol == 0 && m.nq_a > 0)
        m.x[0] += 1e-6 * (1.0 + fabs(m.x[0]));
    if (info < 0) {
        hpl_residual_check(&m, &g, o->seed, o->matrix_kind, &r->res);
        r->checked = o->threshold >= 0;
        r->passed = r->checked && r->res.resid < o->threshold;
    }

    /* per-rank phases and peak RSS to grid rank 0 */
    int np = run->p * run->q;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss * 1024.0;
    if (grank == 0) {
        r->phases = calloc((size_t)np * HPL_PH_COUNT, sizeof(double));
        r->rss = calloc((size_t)np, sizeof(double));
    }
    MPI_Gather(t.phase, HPL_PH_COUNT, MPI_DOUBLE, r->phases, HPL_PH_COUNT, MPI_DOUBLE, 0, g.comm);
    MPI_Gather(&rss, 1, MPI_DOUBLE, r->rss, 1, MPI_DOUBLE, 0, g.comm);
    r->matrix_bytes = hpl_matrix_bytes(run->n, nb, m.mp, m.nq);
    exa_counters_set_model(ctr, "flops", exa_hpl_flops(run->n));
    exa_counters_energy_efficiency(ctr, r->gflops);
    json_t *counters = exa_counters_report(ctr, g.comm);
    if (o->device)
        r->device = hpl_device_describe(o->device, &traffic, g.comm);
    hpl_matrix_free(&m);
    hpl_grid_free(&g);
    if (grank == 0)
        r->counters = counters;
    else
        json_decref(counters);
}
