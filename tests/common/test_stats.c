/* Tests of the summary statistics against values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "exa_stats.h"
#include "exa_timer.h"

static void test_basic(void **state)
{
    (void)state;
    const double x[] = {4, 1, 3, 2, 5};
    struct exa_stats s;
    assert_int_equal(exa_stats_compute(x, 5, &s), 0);
    assert_int_equal(s.n, 5);
    assert_float_equal(s.min, 1, 1e-12);
    assert_float_equal(s.max, 5, 1e-12);
    assert_float_equal(s.mean, 3, 1e-12);
    assert_float_equal(s.median, 3, 1e-12);
    assert_float_equal(s.stddev, sqrt(2.5), 1e-12);
    assert_float_equal(s.p25, 2, 1e-12);
    assert_float_equal(s.p75, 4, 1e-12);
    /* t(0.975, 4) = 2.776; half width = 2.776 * sqrt(2.5)/sqrt(5) */
    assert_float_equal(s.ci95_high - s.mean, 2.776 * sqrt(2.5) / sqrt(5.0), 1e-9);
    assert_float_equal(s.mean - s.ci95_low, s.ci95_high - s.mean, 1e-12);
    assert_float_equal(x[0], 4, 0); /* input untouched */
}

static void test_even_and_single(void **state)
{
    (void)state;
    const double x[] = {10, 20, 30, 40};
    struct exa_stats s;
    exa_stats_compute(x, 4, &s);
    assert_float_equal(s.median, 25, 1e-12);
    assert_float_equal(s.p99, 39.7, 1e-9);
    const double one[] = {7};
    exa_stats_compute(one, 1, &s);
    assert_float_equal(s.stddev, 0, 0);
    assert_float_equal(s.ci95_low, 7, 0);
    assert_float_equal(s.p01, 7, 0);
    assert_int_equal(exa_stats_compute(one, 0, &s), -1);
}

static void test_median_mad(void **state)
{
    (void)state;
    const double x[] = {1, 1, 2, 2, 4, 6, 9};
    assert_float_equal(exa_median(x, 7), 2, 1e-12);
    /* deviations 1,1,0,0,2,4,7 -> median 1 */
    assert_float_equal(exa_mad(x, 7), 1, 1e-12);
}

static void test_t_quantiles(void **state)
{
    (void)state;
    assert_float_equal(exa_t975(1), 12.706, 1e-9);
    assert_float_equal(exa_t975(10), 2.228, 1e-9);
    assert_float_equal(exa_t975(1000), 1.960, 1e-9);
    assert_true(isinf(exa_t975(0)));
}

static void test_timer(void **state)
{
    (void)state;
    double r = exa_timer_resolution();
    assert_true(r > 0 && r < 1e-3);
    double t0 = exa_now(), t1 = exa_now();
    assert_true(t1 >= t0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_even_and_single),
        cmocka_unit_test(test_median_mad),
        cmocka_unit_test(test_t_quantiles),
        cmocka_unit_test(test_timer),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
