/* Round-robin tournament schedule (circle method) for exa-comm allpairs: P ranks meet every other
 * rank exactly once in rounds of disjoint pairs, so that all pairs are measured in P-1 rounds
 * (P even) or P rounds (P odd, where one rank sits out each round). Pure functions. */
#ifndef EXA_COMM_TOURNAMENT_H
#define EXA_COMM_TOURNAMENT_H

/* Number of rounds for P ranks (P >= 2): P-1 when P is even, P when odd; 0 for P < 2. */
int comm_tournament_rounds(int nranks);

/* The partner of `rank` in round `round` (0 <= round < rounds), or -1 when it has a bye. */
int comm_tournament_partner(int nranks, int round, int rank);

#endif
