/* exa-hpl: within-run samples of the factorisation rate.
 *
 * A site runs HPL once per step, so a before/after comparison has one run per side; one Gflop/s
 * figure per run gives a statistical test nothing to work with. The factorisation is a sequence
 * of similar steps, though, so one run can yield many comparable samples: the rate of each group
 * of consecutive steps, i.e. the group's modelled flops over its wall time.
 *
 * The model: eliminating column i of an N x N LU costs m divisions and m^2 multiply-adds
 * (2 m^2 flops), m = N - i - 1 being the rows below the diagonal; the blocked algorithm performs
 * the same operations (panel factorisation, DTRSM of U, DGEMM of the trailing matrix), so the
 * step of panel k (columns j .. j+jb-1) costs the sum of that over its columns, and the steps sum
 * to the LU's 2/3 N^3 - 1/2 N^2 - 1/6 N exactly. (HPL's credited 2/3 N^3 + 3/2 N^2 adds the
 * solve; b's column, carried along by the elimination, is left out of both.)
 *
 * The groups depend on N and NB alone, so both sides of a comparison cut their runs alike:
 * group g is the smallest run of whole panels, after group g-1, whose modelled work reaches
 * 1/HPL_SAMPLE_GROUPS of the total (the last group takes what is left). A sample is a group whose
 * trailing matrix after its last panel still has at least HPL_SAMPLE_TRAILING_MIN of N rows:
 * the tail, where the small trailing updates are dominated by latency and panel work, measures
 * something else and is recorded but is not a sample.
 *
 * The time: every rank reads its clock at the top of the driver's iteration that starts a group
 * (and at the end of the last), with no synchronisation; the group's time is the mean of the
 * ranks' durations, i.e. the time between the ranks' average arrivals at its two boundaries
 * (clock offsets between nodes cancel in each rank's duration). The mean and not the longest:
 * with look-ahead the ranks reach a boundary at staggered times, and the longest durations of
 * successive groups each pick up the stagger, so they can add up to more than the run (5-40%
 * more in runs of N=6000-8000 on 1 x 2 here); the means add up to the ranks' mean
 * factorisation time. The longest is kept beside. Two MPI_Reduce of HPL_SAMPLE_GROUPS doubles
 * after the factorisation and the solve are the only communication. */
#include <stdlib.h>
#include <string.h>

#include "exa_timer.h"
#include "hpl.h"

/* The flops of the last mm columns of an LU (column i has m = N - i - 1 rows below the diagonal):
 * the sum over m = 0 .. mm-1 of m + 2 m^2. Long double: exact far beyond 2^53 flops. */
static long double lu_tail_flops(long double mm)
{
    return mm * (mm - 1) * (4 * mm + 1) / 6;
}

double hpl_lu_flops_cols(int n, int j0, int j1)
{
    if (j0 < 0)
        j0 = 0;
    if (j1 > n)
        j1 = n;
    if (j1 <= j0)
        return 0;
    /* column i has m = n - i - 1: columns j0..j1-1 are m from n-j1 to n-j0-1 */
    return (double)(lu_tail_flops((long double)n - j0) - lu_tail_flops((long double)n - j1));
}

double hpl_lu_flops(int n)
{
    return hpl_lu_flops_cols(n, 0, n);
}

int hpl_sample_groups(int n, int nb, int *first)
{
    if (n <= 0 || nb <= 0)
        return 0;
    int nblk = (n + nb - 1) / nb;
    double share = hpl_lu_flops(n) / HPL_SAMPLE_GROUPS;
    int ng = 0;
    double acc = 0;
    first[0] = 0;
    for (int k = 0; k < nblk; k++) {
        int j = k * nb, jb = n - j < nb ? n - j : nb;
        acc += hpl_lu_flops_cols(n, j, j + jb);
        /* the group closes at this panel when it holds its share, and the group before the last
         * possible one leaves the rest to it (HPL_SAMPLE_GROUPS at most) */
        if ((acc >= share && ng < HPL_SAMPLE_GROUPS - 1) || k == nblk - 1) {
            first[++ng] = k + 1;
            acc = 0;
        }
    }
    return ng;
}

int hpl_sample_is_eligible(int n, int nb, int end_panel)
{
    long long end_col = (long long)end_panel * nb;
    long long trailing = end_col >= n ? 0 : n - end_col;
    return (double)trailing >= HPL_SAMPLE_TRAILING_MIN * n;
}

/* ------------------------------------------------------------------ the record of the last run */
static struct hpl_rate_samples last;

const struct hpl_rate_samples *hpl_samples_last(void)
{
    return last.filled ? &last : NULL;
}

void hpl_sampler_begin(struct hpl_sampler *s, int n, int nb)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->nb = nb;
    s->ngroups = hpl_sample_groups(n, nb, s->first);
    s->t[0] = exa_now();
    s->next = 1;
    last.filled = 0;
}

void hpl_sampler_end(struct hpl_sampler *s, const struct hpl_grid *g)
{
    double d[HPL_SAMPLE_GROUPS], sum[HPL_SAMPLE_GROUPS];
    int ng = s->ngroups, grank, np;
    for (int i = 0; i < ng; i++)
        d[i] = i + 1 < s->next ? s->t[i + 1] - s->t[i] : 0;
    MPI_Comm_rank(g->comm, &grank);
    MPI_Comm_size(g->comm, &np);
    memset(&last, 0, sizeof last);
    if (ng > 0) {
        MPI_Reduce(d, sum, ng, MPI_DOUBLE, MPI_SUM, 0, g->comm);
        MPI_Reduce(d, last.seconds_max, ng, MPI_DOUBLE, MPI_MAX, 0, g->comm);
    }
    if (grank != 0)
        return;
    last.n = s->n;
    last.nb = s->nb;
    last.p = g->p;
    last.q = g->q;
    last.ngroups = ng;
    memcpy(last.first, s->first, sizeof(int) * (size_t)(ng + 1));
    for (int i = 0; i < ng; i++) {
        int c0 = s->first[i] * s->nb, c1 = s->first[i + 1] * s->nb;
        last.seconds[i] = sum[i] / np;
        last.flops[i] = hpl_lu_flops_cols(s->n, c0, c1);
        last.eligible[i] = hpl_sample_is_eligible(s->n, s->nb, s->first[i + 1]);
        long long tr = (long long)s->n - c1;
        last.trailing_fraction[i] = tr > 0 ? (double)tr / s->n : 0;
    }
    last.filled = 1;
}
