/* The slow-pair detector of exa-comm allpairs: a pair is slow when its figure is worse than the
 * median of its class (intra-node or inter-node) by more than a threshold. Pure function. */
#ifndef EXA_COMM_SLOWPAIRS_H
#define EXA_COMM_SLOWPAIRS_H

#include <stddef.h>

enum { COMM_INTRA = 0, COMM_INTER = 1 };

struct comm_slow_pair {
    int a, b;          /* ranks (a < b for symmetric matrices, sender and receiver otherwise) */
    int cls;           /* COMM_INTRA or COMM_INTER */
    double value;      /* the pair's figure */
    double median;     /* the median of its class */
    double excess;     /* how much worse than the median, as a fraction (0.25 = 25% worse) */
};

/* m and cls are P x P row-major (the diagonal is ignored). higher_is_better: bandwidth (worse =
 * below the median: excess = (median - v) / median), else latency (excess = (v - median) / median).
 * symmetric: only pairs a < b are considered. A pair is slow when excess > threshold (a fraction).
 * medians[COMM_INTRA/COMM_INTER] receive each class's median (0 when the class is empty), when not
 * NULL. Returns the number of slow pairs, writing at most cap of them, worst first. */
size_t comm_find_slow_pairs(int nranks, const double *m, const int *cls, int higher_is_better,
                            int symmetric, double threshold, struct comm_slow_pair *out, size_t cap,
                            double medians[2]);

#endif
