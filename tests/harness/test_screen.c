/* Unit tests of the screening rule: value < median - max(threshold x median, k x 1.4826 x MAD);
 * missing figures (NaN) are flagged and left out of the statistics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "screen_stats.h"

static void test_one_slow_node(void **state)
{
    (void)state;
    double v[] = {100, 98, 50, 101, 99};
    int flags[5];
    double med, mad, cut;
    assert_int_equal(screen_flag_low(v, 5, 0.1, 3, flags, &med, &mad, &cut), 1);
    assert_true(med == 99 && mad == 1);
    assert_true(fabs(cut - 89.1) < 1e-12);     /* 10% of 99 beats 3 x 1.4826 x 1 */
    int want[] = {0, 0, 1, 0, 0};
    assert_memory_equal(flags, want, sizeof want);
}

static void test_mad_dominates(void **state)
{
    (void)state;
    /* Noisy nodes: the MAD term (3 x 1.4826 x 10 = 44.5) is wider than 5% of the median. */
    double v[] = {100, 80, 120, 90, 110, 60, 40};
    int flags[7];
    double med, mad, cut;
    assert_int_equal(screen_flag_low(v, 7, 0.05, 3, flags, &med, &mad, &cut), 0);
    assert_true(med == 90 && mad == 20);
    assert_true(fabs(cut - (90 - 3 * 1.4826 * 20)) < 1e-9);
    double w[] = {100, 101, 99, 100, 98, 102, 70};
    assert_int_equal(screen_flag_low(w, 7, 0.05, 3, flags, &med, &mad, &cut), 1);
    assert_int_equal(flags[6], 1);
}

static void test_missing_and_high(void **state)
{
    (void)state;
    /* A node with no figure is flagged; a node far above the median is not (low side only). */
    double v[] = {100, NAN, 100, 300, 100};
    int flags[5];
    double med, mad, cut;
    assert_int_equal(screen_flag_low(v, 5, 0.05, 3, flags, &med, &mad, &cut), 1);
    assert_int_equal(flags[1], 1);
    assert_int_equal(flags[3], 0);
    assert_true(med == 100);
    double none[] = {NAN, NAN};
    assert_int_equal(screen_flag_low(none, 2, 0.05, 3, flags, &med, &mad, &cut), 2);
    assert_true(isnan(med));
    double one[] = {42};
    assert_int_equal(screen_flag_low(one, 1, 0.05, 3, flags, &med, &mad, &cut), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_slow_node),
        cmocka_unit_test(test_mad_dominates),
        cmocka_unit_test(test_missing_and_high),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
