/* Tests of exa_hplmodel (HPL's flop count, default grid, N from memory, /proc/meminfo) against
 * values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "exa_hplmodel.h"

static void test_flops(void **state)
{
    (void)state;
    /* 2/3 1000^3 + 3/2 1000^2 */
    assert_float_equal(exa_hpl_flops(1000), 2.0e9 / 3.0 + 1.5e6, 1e-3);
    assert_float_equal(exa_hpl_flops(0), 0, 0);
    /* at exa-hpl's largest N the count is still finite and in double's range */
    assert_true(isfinite(exa_hpl_flops(2147483646.0)));
    assert_float_equal(exa_hpl_gflops(1000, 2.0), (2.0e9 / 3.0 + 1.5e6) / 2.0 / 1e9, 1e-12);
    assert_float_equal(exa_hpl_gflops(1000, 0), 0, 0);
    assert_float_equal(exa_hpl_gflops(1000, -1), 0, 0);
}

static void grid_is(long ranks, long p, long q)
{
    long gp = 0, gq = 0;
    exa_hpl_grid(ranks, &gp, &gq);
    assert_int_equal(gp, p);
    assert_int_equal(gq, q);
}

static void test_grid(void **state)
{
    (void)state;
    grid_is(1, 1, 1);
    grid_is(2, 1, 2);
    grid_is(4, 2, 2);
    grid_is(6, 2, 3);
    grid_is(7, 1, 7);     /* a prime: flat */
    grid_is(12, 3, 4);
    grid_is(16, 4, 4);
    grid_is(18, 3, 6);
}

static void test_n_from_memory(void **state)
{
    (void)state;
    double gib = 1024.0 * 1024 * 1024;
    /* 8 N^2 <= 0.5 x 16 GiB: N <= 32768 */
    assert_int_equal(exa_hpl_n_from_memory(16 * gib, 0.5, 0, 0), 32768);
    assert_int_equal(exa_hpl_n_from_memory(16 * gib, 0.5, 192, 0), 32640);   /* 170 x 192 */
    assert_int_equal(exa_hpl_n_from_memory(16 * gib, 0.5, 192, 10000), 9984); /* capped, rounded */
    assert_int_equal(exa_hpl_n_from_memory(100, 0.5, 192, 0), 192);          /* at least one block */
    assert_int_equal(exa_hpl_n_from_memory(0, 0.5, 0, 0), 0);
    assert_int_equal(exa_hpl_n_from_memory(16 * gib, 0, 0, 0), 0);
}

/* The bytes of one rank, by hand: N=1000, NB=100 on 1 x 1: local 1000 x 1001 at leading dimension
 * 1000, two panels of 100 x 100 + 100 + 1 + 1000 x 100 + 8, vectors 2N + 4 x 1000 + 1001. */
static void test_rank_bytes(void **state)
{
    (void)state;
    double by_hand = 8.0 * (1000.0 * 1001 + 2 * (10000 + 100 + 1 + 100000 + 8) + 2000 + 4000 + 1001);
    assert_true(exa_hpl_rank_bytes(1000, 100, 1, 1, 0, 0) == by_hand);
    /* NB above N counts as N */
    assert_true(exa_hpl_rank_bytes(1000, 5000, 1, 1, 0, 0) == exa_hpl_rank_bytes(1000, 1000, 1, 1, 0, 0));
    /* on a 2 x 2 grid each rank holds a quarter of 8 N^2 and under 2% of workspace (panels, U rows) */
    double q = exa_hpl_rank_bytes(200000, 192, 2, 2, 0, 0);
    assert_true(q > 8.0 * 200000 * 200000 / 4 && q < 1.02 * 8.0 * 200000 * 200000 / 4);
    assert_true(exa_hpl_rank_bytes(200000, 192, 2, 2, 1, 1) <= q);
    /* a node with all four ranks holds their sum; two per node: the worse pair */
    double all = 0, first = 0, second = 0;
    for (long r = 0; r < 4; r++) {
        double b = exa_hpl_rank_bytes(200000, 192, 2, 2, r / 2, r % 2);
        all += b;
        *(r < 2 ? &first : &second) += b;
    }
    assert_true(exa_hpl_node_bytes(200000, 192, 2, 2, 4) == all);
    assert_true(exa_hpl_node_bytes(200000, 192, 2, 2, 2) == (first > second ? first : second));
    /* sizes at the input limits come out huge, not wrapped around */
    assert_true(exa_hpl_rank_bytes(4e9, 192, 1, 1, 0, 0) > 1e20);
    assert_true(exa_hpl_rank_bytes(0, 192, 1, 1, 0, 0) == 0);
}

static void test_meminfo(void **state)
{
    (void)state;
    uint64_t total = 0, avail = 0;
    assert_int_equal(exa_meminfo(&total, &avail), 0);
    assert_true(total > 0);
    assert_true(avail <= total);
    assert_int_equal(exa_meminfo(NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flops),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_n_from_memory),
        cmocka_unit_test(test_rank_bytes),
        cmocka_unit_test(test_meminfo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
