/* exa-hpl: the P x Q process grid, the block-cyclic index arithmetic, and the local matrix. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hpl.h"

void hpl_grid_create(struct hpl_grid *g, MPI_Comm world, int p, int q, int pmap)
{
    int rank;
    MPI_Comm_rank(world, &rank);
    memset(g, 0, sizeof *g);
    g->p = p;
    g->q = q;
    g->pmap = pmap;
    g->comm = g->row_comm = g->col_comm = MPI_COMM_NULL;
    g->active = rank < p * q;
    MPI_Comm_split(world, g->active ? 0 : MPI_UNDEFINED, rank, &g->comm);
    if (!g->active) {
        g->myrow = g->mycol = -1;
        return;
    }
    if (pmap == HPL_PMAP_ROW) {
        g->myrow = rank / q;
        g->mycol = rank % q;
    } else {
        g->myrow = rank % p;
        g->mycol = rank / p;
    }
    MPI_Comm_split(g->comm, g->myrow, g->mycol, &g->row_comm);
    MPI_Comm_split(g->comm, g->mycol, g->myrow, &g->col_comm);
}

void hpl_grid_free(struct hpl_grid *g)
{
    if (g->row_comm != MPI_COMM_NULL)
        MPI_Comm_free(&g->row_comm);
    if (g->col_comm != MPI_COMM_NULL)
        MPI_Comm_free(&g->col_comm);
    if (g->comm != MPI_COMM_NULL)
        MPI_Comm_free(&g->comm);
}

int hpl_numroc(int n, int nb, int iproc, int nprocs)
{
    int nblocks = n / nb;             /* whole blocks */
    int count = (nblocks / nprocs) * nb;
    int extra = nblocks % nprocs;
    if (iproc < extra)
        count += nb;
    else if (iproc == extra)
        count += n % nb;
    return count;
}

int hpl_owner(int g, int nb, int nprocs)
{
    return (g / nb) % nprocs;
}

int hpl_local_index(int g, int nb, int nprocs)
{
    return (g / (nb * nprocs)) * nb + g % nb;
}

int hpl_local_start(int g, int nb, int iproc, int nprocs)
{
    long cycle = (long)nb * nprocs;
    long full = g / cycle;
    long l = full * nb;
    long rem = g - full * cycle; /* position inside the current cycle */
    long mine = (long)iproc * nb;
    if (rem >= mine + nb)
        l += nb;
    else if (rem > mine)
        l += rem - mine;
    return (int)l;
}

int hpl_global_index(int l, int nb, int iproc, int nprocs)
{
    return (l / nb) * nb * nprocs + iproc * nb + l % nb;
}

/* Large blocks (the matrix, the panels) are 2 MiB aligned and asked to be backed by huge pages
 * (transparent huge pages are often in "madvise" mode): fewer TLB misses in DGEMM and DLASWP. */
#define HUGE_PAGE ((size_t)2 << 20)

void *hpl_alloc(size_t bytes, size_t align)
{
    void *p = NULL;
    if (align < 64)
        align = 64;
    if (bytes == 0)
        bytes = align;
    int huge = bytes >= 2 * HUGE_PAGE;
    if (huge && align < HUGE_PAGE)
        align = HUGE_PAGE;
    if (posix_memalign(&p, align, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (huge)
        madvise(p, bytes & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

/* Leading dimension: local rows rounded up to a cache line, and kept off multiples of 4 KiB so
 * that the columns of a block do not all fall into the same cache sets. */
static size_t leading_dimension(int mp)
{
    size_t ld = mp < 1 ? 1 : (size_t)mp;
    ld = (ld + 7) & ~(size_t)7;
    if (ld % 512 == 0)
        ld += 8;
    return ld;
}

size_t hpl_matrix_bytes(int n, int nb, int mp, int nq)
{
    (void)n;
    (void)nb;
    size_t cells, bytes;
    /* SIZE_MAX when it does not fit: an allocation of it fails instead of getting a wrapped size */
    if (__builtin_mul_overflow(leading_dimension(mp), (size_t)(nq < 1 ? 1 : nq), &cells) ||
        __builtin_mul_overflow(cells, sizeof(double), &bytes))
        return SIZE_MAX;
    return bytes;
}

double hpl_matrix_bytes_estimate(int mp, int nq)
{
    return (double)leading_dimension(mp) * (double)(nq < 1 ? 1 : nq) * (double)sizeof(double);
}

size_t hpl_workspace_bytes(int n, int nb, int p, int mp, int nq)
{
    size_t d = 2 * hpl_panel_buffer_doubles(nb, mp);  /* two panels for look-ahead */
    if (p > 1)
        d += (size_t)nb * nq * 5;                     /* U, send and receive rows */
    d += (size_t)n * 2 + (size_t)mp * 4 + nq;         /* solve and residual vectors */
    return d * sizeof(double);
}

int hpl_matrix_alloc(struct hpl_matrix *m, const struct hpl_grid *g, int n, int nb, size_t align)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->nb = nb;
    m->mp = hpl_numroc(n, nb, g->myrow, g->p);
    m->nq = hpl_numroc(n + 1, nb, g->mycol, g->q);
    m->nq_a = hpl_numroc(n, nb, g->mycol, g->q);
    m->ld = leading_dimension(m->mp);
    m->info = -1;
    m->a = hpl_alloc(hpl_matrix_bytes(n, nb, m->mp, m->nq), align);
    m->x = hpl_alloc(sizeof(double) * (size_t)(m->nq + 1), align);
    return m->a && m->x ? 0 : -1;
}

void hpl_matrix_free(struct hpl_matrix *m)
{
    free(m->a);
    free(m->x);
    m->a = m->x = NULL;
}
