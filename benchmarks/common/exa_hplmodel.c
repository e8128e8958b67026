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
