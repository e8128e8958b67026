/* Statistics for deciding from repetitions: the Mann-Whitney U test (exact distribution for small
 * samples without ties, normal approximation with tie and continuity corrections otherwise). */
#ifndef EXA_HARNESS_RSTATS_H
#define EXA_HARNESS_RSTATS_H

#include <stddef.h>

struct rs_mwu {
    double u;      /* U of the first sample: pairs (a > b) plus half the ties */
    double p;      /* two-sided p-value */
    double z;      /* normal deviate (0 for the exact test) */
    int exact;     /* 1: exact distribution, 0: normal approximation */
};

/* Two-sided Mann-Whitney U test of a[0..na-1] against b[0..nb-1]. Returns 0, or -1 when a sample
 * is empty. */
int rs_mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct rs_mwu *out);

/* The same, always with the normal approximation (for tests and large samples). */
int rs_mann_whitney_asymptotic(const double *a, size_t na, const double *b, size_t nb, struct rs_mwu *out);

/* The smallest two-sided p-value the test can reach with samples of these sizes (no ties):
 * 2 / C(na + nb, na), at most 1. With 3 against 3 it is 0.1, so a 5% test needs 4 or more each. */
double rs_mwu_min_p(size_t na, size_t nb);


#endif
