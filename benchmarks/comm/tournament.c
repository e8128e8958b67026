/* Circle method: with n = P rounded up to even (the extra slot, when P is odd, is the bye), slot
 * n-1 stays fixed and slots 0..n-2 rotate. In round r, the fixed slot meets r, and for k = 1..n/2-1
 * slot (r+k) mod (n-1) meets slot (r-k) mod (n-1). Every slot then meets every other exactly once
 * over n-1 rounds, and each round is a perfect matching. */
#include "tournament.h"

int comm_tournament_rounds(int nranks)
{
    if (nranks < 2)
        return 0;
    return nranks % 2 == 0 ? nranks - 1 : nranks;
}

int comm_tournament_partner(int nranks, int round, int rank)
{
    int n = nranks % 2 == 0 ? nranks : nranks + 1;
    int m = n - 1; /* rotating slots */
    int partner;
    if (nranks < 2 || rank < 0 || rank >= nranks || round < 0 || round >= m)
        return -1;
    if (rank == m)
        partner = round;
    else if (rank == round)
        partner = m;
    else
        /* rank = (round + k) mod m  pairs with (round - k) mod m, i.e. partner = 2*round - rank */
        partner = ((2 * round - rank) % m + m) % m;
    return partner >= nranks ? -1 : partner;
}
