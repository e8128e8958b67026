/* HPL's arithmetic shared by exa-hpl and the harness (see exa_hplmodel.h). */
#include "exa_hplmodel.h"

#include <math.h>
#include <stdio.h>

double exa_hpl_flops(double n)
{
    return 2.0 / 3.0 * n * n * n + 1.5 * n * n;
}

double exa_hpl_gflops(double n, double seconds)
{
    return seconds > 0 ? exa_hpl_flops(n) / seconds / 1e9 : 0;
}

void exa_hpl_grid(long ranks, long *p, long *q)
{
    long best = 1;
    for (long i = 1; i * i <= ranks; i++)
        if (ranks % i == 0)
            best = i;
    *p = best;
    *q = ranks > 0 ? ranks / best : 1;
}

uint64_t exa_hpl_n_from_memory(double bytes, double fraction, uint64_t nb, uint64_t nmax)
{
    double x = bytes > 0 && fraction > 0 ? floor(sqrt(bytes * fraction / 8.0)) : 0;
    if (nmax > 0 && x > (double)nmax)
        x = (double)nmax;
    uint64_t n = (uint64_t)x;
    if (nb > 0) {
        n -= n % nb;
        if (n < nb)
            n = nb;
    }
    return n;
}

/* hpl_numroc in double: how many of the n indices 0..n-1, dealt in blocks of nb over nprocs, are
 * iproc's. */
static double numroc(double n, double nb, long iproc, long nprocs)
{
    double nblocks = floor(n / nb), count = floor(nblocks / (double)nprocs) * nb;
    double extra = nblocks - floor(nblocks / (double)nprocs) * (double)nprocs;
    if ((double)iproc < extra)
        count += nb;
    else if ((double)iproc == extra)
        count += n - nblocks * nb;
    return count;
}

double exa_hpl_rank_bytes(double n, double nb, long p, long q, long row, long col)
{
    if (n <= 0 || nb <= 0 || p <= 0 || q <= 0)
        return 0;
    if (nb > n)
        nb = n;
    double mp = numroc(n, nb, row, p), nq = numroc(n + 1, nb, col, q);
    /* leading dimension: rows rounded up to 8 doubles, kept off multiples of 512 (hpl_grid.c) */
    double ld = mp < 1 ? 1 : mp;
    ld = ceil(ld / 8) * 8;
    if (fmod(ld, 512) == 0)
        ld += 8;
    double matrix = ld * (nq < 1 ? 1 : nq);
    double work = 2 * (nb * nb + nb + 1 + mp * nb + 8);   /* two panels for look-ahead */
    if (p > 1)
        work += nb * nq * 5;                              /* U, send and receive rows */
    work += n * 2 + mp * 4 + nq;                          /* solve and residual vectors */
    return (matrix + work) * 8.0;
}

double exa_hpl_node_bytes(double n, double nb, long p, long q, long ranks_per_node)
{
    long ranks = p * q, per = ranks_per_node > 0 ? ranks_per_node : ranks;
    double worst = 0, node = 0;
    for (long r = 0; r < ranks; r++) {
        node += exa_hpl_rank_bytes(n, nb, p, q, r / q, r % q);
        if ((r + 1) % per == 0 || r + 1 == ranks) {
            worst = node > worst ? node : worst;
            node = 0;
        }
    }
    return worst;
}

int exa_meminfo(uint64_t *total, uint64_t *avail)
{
    uint64_t t = 0, a = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
                t = (uint64_t)kb * 1024;
            else if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
                a = (uint64_t)kb * 1024;
        }
        fclose(f);
    }
    if (total)
        *total = t;
    if (avail)
        *avail = a;
    return f && t > 0 ? 0 : -1;
}
