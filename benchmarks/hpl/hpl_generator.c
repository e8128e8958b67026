/* exa-hpl: the matrix generator.
 *
 * A counter-based generator: element (i, j) is the (i * 2^32 + j)-th output of a splitmix64
 * stream started at the seed, i.e. mix(seed' + (i * 2^32 + j) * gamma) with the golden-ratio
 * increment gamma and the splitmix64 finaliser mix. Jumping ahead to any element costs O(1), so
 * every rank generates exactly its own blocks, and the matrix depends on the seed alone, never on
 * the grid, NB or the number of ranks (and A of order n is the leading block of larger orders).
 * Values are the top 53 bits scaled to [0, 1), minus 0.5: uniform in [-0.5, 0.5). */
#include "hpl.h"

#define GAMMA 0x9e3779b97f4a7c15ULL

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline double uniform(uint64_t base, int i, int j)
{
    uint64_t counter = ((uint64_t)(uint32_t)i << 32) | (uint32_t)j;
    uint64_t z = mix64(base + counter * GAMMA);
    return (double)(z >> 11) * 0x1.0p-53 - 0.5;
}

static inline uint64_t stream_base(uint64_t seed)
{
    return mix64(seed ^ 0x5851f42d4c957f2dULL);
}

static inline double element(uint64_t base, int kind, int n, int i, int j)
{
    double v = uniform(base, i, j);
    if (j >= n)
        return v; /* b */
    switch (kind) {
    case HPL_GEN_PIVOT:
        /* A small random part plus ones on the cyclically shifted diagonal j = i+1 (mod n):
         * column k's largest entry is always in the row that the previous step moved to the
         * bottom, so partial pivoting exchanges rows k and n-1 at every step k < n-1. */
        return 0.1 * v + (j == (i + 1) % n ? 1.0 : 0.0);
    case HPL_GEN_SINGULAR:
        return j == n / 2 ? 0.0 : v;
    default:
        return v;
    }
}

double hpl_gen_value(uint64_t seed, int kind, int n, int i, int j)
{
    return element(stream_base(seed), kind, n, i, j);
}

void hpl_gen_local(struct hpl_matrix *m, const struct hpl_grid *g, uint64_t seed, int kind)
{
    uint64_t base = stream_base(seed);
    int nb = m->nb;
    for (int lj = 0; lj < m->nq; lj++) {
        int gj = hpl_global_index(lj, nb, g->mycol, g->q);
        double *col = m->a + (size_t)lj * m->ld;
        for (int li0 = 0; li0 < m->mp; li0 += nb) {
            int gi0 = hpl_global_index(li0, nb, g->myrow, g->p);
            int len = m->mp - li0 < nb ? m->mp - li0 : nb;
            if (kind == HPL_GEN_RANDOM) {
                for (int r = 0; r < len; r++)
                    col[li0 + r] = uniform(base, gi0 + r, gj);
            } else {
                for (int r = 0; r < len; r++)
                    col[li0 + r] = element(base, kind, m->n, gi0 + r, gj);
            }
        }
    }
}
