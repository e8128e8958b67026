/* exa-hpl's run list: HPL.dat read on rank 0 and shared, the cross product of its lists in HPL's
 * order, N sized from memory, and the checks made before any run starts (each grid fits the
 * job, each run fits every node's memory). Sizes are computed in double: an N or NB at the input
 * limits asks for exabytes, which must be reported as such, not wrapped around. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "hpl.h"
#include "hpl_driver.h"

char *hpl_read_dat(const char *path)
{
    int rank = exa_world_rank();
    long len = -1;
    char *text = NULL;
    if (rank == 0) {
        FILE *f = fopen(path, "rb");
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < (1L << 24)) {
            rewind(f);
            text = malloc((size_t)len + 1);
            if (!text || fread(text, 1, (size_t)len, f) != (size_t)len)
                len = -1;
        } else {
            len = -1;
        }
        if (f)
            fclose(f);
    }
    MPI_Bcast(&len, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    if (len < 0)
        exa_input_error("cannot read HPL.dat file '%s'", path);
    if (rank != 0)
        text = malloc((size_t)len + 1);
    MPI_Bcast(text, (int)len, MPI_CHAR, 0, MPI_COMM_WORLD);
    text[len] = '\0';
    return text;
}

static void grid_coords(int rank, int p, int q, int pmap, int *row, int *col)
{
    if (pmap == HPL_PMAP_ROW) {
        *row = rank / q;
        *col = rank % q;
    } else {
        *row = rank % p;
        *col = rank / p;
    }
}

double hpl_run_bytes(const struct hpl_run *r, int rank)
{
    if (rank >= (long)r->p * r->q)
        return 0;
    int row, col;
    grid_coords(rank, r->p, r->q, r->pmap, &row, &col);
    /* the same model `exabench plan` checks suites with */
    return exa_hpl_rank_bytes(r->n, r->nb, r->p, r->q, row, col);
}

static void fmt_bytes(double b, char *buf, size_t len)
{
    static const char *const big[] = {"TiB", "PiB", "EiB", "ZiB"};
    double tib = 1024.0 * 1024 * 1024 * 1024;
    if (b >= tib) {
        int u = 0;
        for (b /= tib; b >= 1024 && u < 3; u++)
            b /= 1024;
        snprintf(buf, len, "%.1f %s", b, big[u]);
    } else if (b >= 1024.0 * 1024 * 1024) {
        snprintf(buf, len, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    } else {
        snprintf(buf, len, "%.1f MiB", b / (1024.0 * 1024));
    }
}

static double available_bytes(void)
{
    uint64_t avail = 0;
    exa_meminfo(NULL, &avail);
    return (double)avail;
}

/* Every run must fit in the memory available on every node; exit 2 (saying how much is needed)
 * otherwise. Collective over MPI_COMM_WORLD. */
static void check_memory(const struct hpl_run *runs, int nruns, MPI_Comm node)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double avail = available_bytes();
    for (int i = 0; i < nruns; i++) {
        double mine = hpl_run_bytes(&runs[i], rank), need;
        MPI_Allreduce(&mine, &need, 1, MPI_DOUBLE, MPI_SUM, node);
        struct { double ratio; int rank; } w = {avail > 0 ? need / avail : 0, rank}, worst;
        MPI_Allreduce(&w, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD);
        if (worst.ratio <= 1.0)
            continue;
        double v[3] = {need, avail, mine};
        MPI_Bcast(v, 3, MPI_DOUBLE, worst.rank, MPI_COMM_WORLD);
        char bn[32], ba[32], br[32];
        fmt_bytes(v[0], bn, sizeof bn);
        fmt_bytes(v[1], ba, sizeof ba);
        fmt_bytes(v[2], br, sizeof br);
        exa_input_error("N=%d NB=%d on a %d x %d grid needs %s on a node (%s for world rank %d) "
                        "but only %s is available there (MemAvailable); use a smaller N, more "
                        "nodes, or --mem-fraction",
                        runs[i].n, runs[i].nb, runs[i].p, runs[i].q, bn, br, worst.rank, ba);
    }
}

void hpl_check_runs(const struct hpl_run *runs, int nruns, int world_size, MPI_Comm node)
{
    for (int i = 0; i < nruns; i++) {
        long ranks = (long)runs[i].p * runs[i].q;
        if (ranks > world_size)
            exa_input_error("the %d x %d grid needs %ld ranks but only %d were launched",
                            runs[i].p, runs[i].q, ranks, world_size);
    }
    check_memory(runs, nruns, node);
}

/* The largest multiple of nb with 8 N^2 <= fraction x the memory of the job's nodes (MemTotal),
 * at most HPL_N_MAX; 0 when not even one block fits. Collective over MPI_COMM_WORLD. */
static int n_from_memory(double fraction, int nb, MPI_Comm node)
{
    int node_rank;
    MPI_Comm_rank(node, &node_rank);
    uint64_t total = 0;
    exa_meminfo(&total, NULL);
    double mine = node_rank == 0 ? (double)total : 0, mem = 0;
    MPI_Allreduce(&mine, &mem, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (exa_hpl_n_from_memory(mem, fraction, 0, 0) < (uint64_t)nb)
        return 0;
    return (int)exa_hpl_n_from_memory(mem, fraction, (uint64_t)nb, (uint64_t)HPL_N_MAX);
}

/* DEPTH values with the unimplemented ones (above 1) folded onto 1, each once. */
static int fold_depths(const struct hpl_dat *dat, int depths[2])
{
    int ndepth = 0;
    for (int i = 0; i < dat->ndepth; i++) {
        int d = dat->depths[i] > 1 ? 1 : dat->depths[i], seen = 0;
        for (int k = 0; k < ndepth; k++)
            seen |= depths[k] == d;
        if (!seen)
            depths[ndepth++] = d;
    }
    return ndepth;
}

/* The cross product in HPL's order: grids x N x NB x DEPTH x BCAST x RFACT x NDIV x PFACT x NBMIN,
 * NBMIN varying fastest (a mixed-radix count). */
struct hpl_run *hpl_run_list(const struct hpl_options *o, const struct hpl_dat *dat, MPI_Comm node,
                             int *nruns)
{
    int depths[2], ndepth = fold_depths(dat, depths);
    int nns = o->mem_fraction > 0 ? 1 : dat->nn;
    const int radix[9] = {dat->nnbmin, dat->npfact, dat->nndiv, dat->nrfact, dat->nbcast, ndepth,
                          dat->nnb, nns, dat->ngrid};
    size_t cap = 1;
    for (int k = 0; k < 9; k++)
        cap *= (size_t)radix[k];
    struct hpl_run *runs = calloc(cap ? cap : 1, sizeof *runs);
    if (!runs)
        exa_fatal(EXA_EXIT_USAGE, "out of memory for %zu runs", cap);
    for (size_t idx = 0; idx < cap; idx++) {
        int at[9];
        size_t x = idx;
        for (int k = 0; k < 9; k++) {
            at[k] = (int)(x % (size_t)radix[k]);
            x /= (size_t)radix[k];
        }
        struct hpl_run *r = &runs[idx];
        r->p = dat->ps[at[8]];
        r->q = dat->qs[at[8]];
        r->pmap = dat->pmap;
        r->nb = dat->nbs[at[6]];
        r->n = o->mem_fraction > 0 ? n_from_memory(o->mem_fraction, r->nb, node) : dat->ns[at[7]];
        r->algo = (struct hpl_algo){
            .nbmin = dat->nbmins[at[0]], .ndiv = dat->ndivs[at[2]], .depth = depths[at[5]],
            .pfact = dat->pfacts[at[1]], .rfact = dat->rfacts[at[3]], .bcast = dat->bcasts[at[4]],
            .swap = dat->swap, .swap_threshold = dat->swap_threshold, .l1 = 1, .u = 1, .equil = 0,
            .align = dat->align, .swap_piece = o->swap_piece,
        };
        if (r->n <= 0)
            exa_input_error("--mem-fraction %g leaves no room for one block of NB=%d", o->mem_fraction,
                            r->nb);
    }
    *nruns = (int)cap;
    return runs;
}
