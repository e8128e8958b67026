/* The allpairs slow-pair detector (benchmarks/comm/slowpairs.c) on synthetic matrices: two hosts of
 * three ranks, one slow inter-node link, one slow intra-node direction, values on and near the
 * threshold, and classes judged separately. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "slowpairs.h"

#define P 6

/* ranks 0-2 on host A, 3-5 on host B */
static void classes(int *cls)
{
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++)
            cls[i * P + j] = (i / 3) == (j / 3) ? COMM_INTRA : COMM_INTER;
}

static void test_latency_symmetric(void **state)
{
    (void)state;
    int cls[P * P];
    double m[P * P], med[2];
    struct comm_slow_pair out[P * P];
    classes(cls);
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++)
            m[i * P + j] = i == j ? 0 : cls[i * P + j] == COMM_INTRA ? 1.0 : 2.0;
    /* inter-node pair 1-4 at 3.0 us: +50%, slow */
    m[1 * P + 4] = m[4 * P + 1] = 3.0;
    /* intra-node pair 3-5 at 1.1: +10%, not slow */
    m[3 * P + 5] = m[5 * P + 3] = 1.1;
    /* inter-node pair 0-3 at exactly +20%: not slow (strictly more than the threshold) */
    m[0 * P + 3] = m[3 * P + 0] = 2.4;
    /* intra-node pair 0-2 at 1.5: +50%, slow, but less than 1-4 */
    m[0 * P + 2] = m[2 * P + 0] = 1.5;

    size_t n = comm_find_slow_pairs(P, m, cls, 0, 1, 0.20, out, P * P, med);
    assert_int_equal(n, 2);
    assert_float_equal(med[COMM_INTRA], 1.0, 1e-12);
    assert_float_equal(med[COMM_INTER], 2.0, 1e-12);
    /* worst first; symmetric: each pair once, a < b */
    assert_int_equal(out[0].a, 0);
    assert_int_equal(out[0].b, 2);
    assert_int_equal(out[0].cls, COMM_INTRA);
    assert_float_equal(out[0].excess, 0.5, 1e-12);
    assert_int_equal(out[1].a, 1);
    assert_int_equal(out[1].b, 4);
    assert_int_equal(out[1].cls, COMM_INTER);
    assert_float_equal(out[1].value, 3.0, 1e-12);
    assert_float_equal(out[1].median, 2.0, 1e-12);
    assert_float_equal(out[1].excess, 0.5, 1e-12);

    /* a lower threshold catches the 10% and 20% pairs too */
    n = comm_find_slow_pairs(P, m, cls, 0, 1, 0.05, out, P * P, NULL);
    assert_int_equal(n, 4);
    /* cap: the count is still the total */
    n = comm_find_slow_pairs(P, m, cls, 0, 1, 0.05, out, 1, NULL);
    assert_int_equal(n, 4);
    assert_float_equal(out[0].excess, 0.5, 1e-12);
}

static void test_bandwidth_directed(void **state)
{
    (void)state;
    int cls[P * P];
    double m[P * P], med[2];
    struct comm_slow_pair out[P * P];
    classes(cls);
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++)
            m[i * P + j] = i == j ? 0 : cls[i * P + j] == COMM_INTRA ? 10.0 : 5.0;
    m[2 * P + 5] = 3.0; /* one direction of an inter-node link: -40%, slow */
    m[1 * P + 0] = 8.5; /* intra: -15%, not slow */
    m[4 * P + 3] = 20.0; /* faster than the median is never slow */
    size_t n = comm_find_slow_pairs(P, m, cls, 1, 0, 0.20, out, P * P, med);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].a, 2);
    assert_int_equal(out[0].b, 5);
    assert_int_equal(out[0].cls, COMM_INTER);
    assert_float_equal(out[0].excess, 0.4, 1e-12);
    assert_float_equal(med[COMM_INTRA], 10.0, 1e-12);
    assert_float_equal(med[COMM_INTER], 5.0, 1e-12);
    /* the reverse direction, 5 -> 2, is fine */
    for (size_t k = 0; k < n; k++)
        assert_false(out[k].a == 5 && out[k].b == 2);
}

static void test_one_class_only(void **state)
{
    (void)state;
    int cls[P * P];
    double m[P * P], med[2];
    struct comm_slow_pair out[P * P];
    for (int k = 0; k < P * P; k++) {
        cls[k] = COMM_INTRA;
        m[k] = 1.0;
    }
    assert_int_equal(comm_find_slow_pairs(P, m, cls, 0, 1, 0.2, out, P * P, med), 0);
    assert_float_equal(med[COMM_INTER], 0.0, 0);
    m[5] = m[5 * P] = 1.3; /* pair 0-5 */
    assert_int_equal(comm_find_slow_pairs(P, m, cls, 0, 1, 0.2, out, P * P, med), 1);
    assert_int_equal(out[0].a, 0);
    assert_int_equal(out[0].b, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_symmetric),
        cmocka_unit_test(test_bandwidth_directed),
        cmocka_unit_test(test_one_class_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
