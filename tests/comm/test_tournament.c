/* The allpairs schedule (benchmarks/comm/tournament.c): for P = 2..64, odd and even, every pair of
 * ranks meets exactly once, no rank appears twice in a round, partners agree, and the number of
 * rounds and byes is what the circle method promises. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tournament.h"

#define PMAX 64

static void test_rounds_count(void **state)
{
    (void)state;
    assert_int_equal(comm_tournament_rounds(0), 0);
    assert_int_equal(comm_tournament_rounds(1), 0);
    assert_int_equal(comm_tournament_rounds(2), 1);
    assert_int_equal(comm_tournament_rounds(3), 3);
    assert_int_equal(comm_tournament_rounds(4), 3);
    assert_int_equal(comm_tournament_rounds(63), 63);
    assert_int_equal(comm_tournament_rounds(64), 63);
}

static void check_schedule(int P)
{
    static int met[PMAX][PMAX];
    int rounds = comm_tournament_rounds(P);
    int byes_total[PMAX];
    memset(met, 0, sizeof met);
    memset(byes_total, 0, sizeof byes_total);
    for (int r = 0; r < rounds; r++) {
        int used[PMAX] = {0}, byes = 0;
        for (int i = 0; i < P; i++) {
            int p = comm_tournament_partner(P, r, i);
            if (p < 0) {
                byes++;
                byes_total[i]++;
                continue;
            }
            if (p >= P || p == i)
                fail_msg("P=%d round %d: rank %d gets partner %d", P, r, i, p);
            if (comm_tournament_partner(P, r, p) != i)
                fail_msg("P=%d round %d: %d -> %d but %d -> %d", P, r, i, p, p,
                         comm_tournament_partner(P, r, p));
            if (i < p) {
                /* a pair occupies both of its ranks: neither may already be in a pair */
                if (used[i] || used[p])
                    fail_msg("P=%d round %d: rank %d or %d appears twice", P, r, i, p);
                used[i] = used[p] = 1;
                met[i][p]++;
            }
        }
        assert_int_equal(byes, P % 2); /* odd P: exactly one rank sits out each round */
    }
    for (int i = 0; i < P; i++) {
        assert_int_equal(byes_total[i], P % 2); /* ... and each rank sits out exactly once */
        for (int j = i + 1; j < P; j++)
            if (met[i][j] != 1)
                fail_msg("P=%d: pair %d,%d met %d times", P, i, j, met[i][j]);
    }
}

static void test_every_pair_once(void **state)
{
    (void)state;
    for (int P = 2; P <= PMAX; P++)
        check_schedule(P);
}

static void test_out_of_range(void **state)
{
    (void)state;
    assert_int_equal(comm_tournament_partner(4, -1, 0), -1);
    assert_int_equal(comm_tournament_partner(4, 3, 0), -1);
    assert_int_equal(comm_tournament_partner(4, 0, 4), -1);
    assert_int_equal(comm_tournament_partner(1, 0, 0), -1);
    /* P = 2: one round, 0 meets 1 */
    assert_int_equal(comm_tournament_partner(2, 0, 0), 1);
    assert_int_equal(comm_tournament_partner(2, 0, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounds_count),
        cmocka_unit_test(test_every_pair_once),
        cmocka_unit_test(test_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
