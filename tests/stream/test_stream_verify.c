/* Unit tests of exa-stream's verification (analytic values, error measures) and of the OpenMP back
 * end's kernels against those values, over awkward sizes, thread counts and both store kinds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"

static const int all_kernels[] = {K_COPY, K_SCALE, K_ADD, K_TRIAD, K_DOT};

static void test_gold_one_iteration(void **state)
{
    (void)state;
    double g[3];
    stream_gold_values(all_kernels, 5, 1, 0.4, 0.1, 0.2, 0.0, g);
    /* c = a = 0.1; b = 0.4 c = 0.04; c = a + b = 0.14; a = b + 0.4 c = 0.096 */
    assert_true(fabs(g[0] - 0.096) < 1e-15);
    assert_true(fabs(g[1] - 0.04) < 1e-15);
    assert_true(fabs(g[2] - 0.14) < 1e-15);
}

static void test_gold_shrinks_without_underflow(void **state)
{
    (void)state;
    double g[3];
    stream_gold_values(all_kernels, 5, STREAM_MAX_NTIMES, STREAM_SCALAR, STREAM_A0, STREAM_B0,
                       STREAM_C0, g);
    for (int i = 0; i < 3; i++) {
        assert_true(isnormal(g[i]));
        assert_true(g[i] > 0 && g[i] < 1.0);
    }
}

static void test_gold_memcpy_only_copies(void **state)
{
    (void)state;
    int k = K_MEMCPY;
    double g[3];
    stream_gold_values(&k, 1, 7, 0.4, 0.1, 0.2, 0.0, g);
    assert_true(g[0] == 0.1 && g[1] == 0.2 && g[2] == 0.1);
}

static void test_avg_rel_error(void **state)
{
    (void)state;
    size_t n = 1u << 20;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = 0.25;
    assert_true(stream_avg_rel_error(x, n, 0.25) == 0.0);
    /* One spoiled element in a million is far above the tolerance. */
    x[n / 2] = 0.25 * 2.0 + 1.0;
    assert_true(stream_avg_rel_error(x, n, 0.25) > STREAM_ARRAY_EPSILON);
    x[n / 2] = NAN;
    assert_true(isinf(stream_avg_rel_error(x, n, 0.25)));
    /* Expected 0: absolute error. */
    for (size_t i = 0; i < 4; i++)
        x[i] = 0.0;
    x[3] = 4.0;
    assert_true(fabs(stream_avg_rel_error(x, 4, 0.0) - 1.0) < 1e-15);
    free(x);
}

static void test_dot_threshold(void **state)
{
    (void)state;
    assert_true(stream_dot_threshold(1000) == 1e-8);
    assert_true(fabs(stream_dot_threshold(1000000000) - 1e9 * DBL_EPSILON) < 1e-20);
}

/* Runs ntimes iterations on the OpenMP back end and checks the arrays and the dot product as the
 * driver does. */
static void check_backend(size_t n, int threads, enum stream_stores stores, int ntimes)
{
    struct stream_config cfg = {.n = n, .threads = threads, .stores = stores};
    char err[EXA_ERR_LEN];
    void *st = stream_backend_omp.create(&cfg, STREAM_A0, STREAM_B0, STREAM_C0, err);
    assert_non_null(st);
    assert_int_equal(stream_backend_omp.threads(st), threads);
    double dot = 0;
    for (int it = 0; it < ntimes; it++) {
        stream_backend_omp.copy(st);
        stream_backend_omp.scale(st, STREAM_SCALAR);
        stream_backend_omp.add(st);
        stream_backend_omp.triad(st, STREAM_SCALAR);
        dot = stream_backend_omp.dot(st);
    }
    double g[3], *arr[3];
    stream_gold_values(all_kernels, 5, ntimes, STREAM_SCALAR, STREAM_A0, STREAM_B0, STREAM_C0, g);
    stream_backend_omp.read_arrays(st, &arr[0], &arr[1], &arr[2]);
    for (int i = 0; i < 3; i++) {
        double e = stream_avg_rel_error(arr[i], n, g[i]);
        if (!(e <= STREAM_ARRAY_EPSILON))
            fail_msg("n=%zu threads=%d stores=%d array %d: error %g", n, threads, (int)stores, i,
                     e);
    }
    double want = (double)n * g[0] * g[1];
    assert_true(fabs(dot - want) / want <= stream_dot_threshold(n));

    /* The library copy copies a to c. */
    arr[2][0] = -1.0;
    stream_backend_omp.library_copy(st);
    assert_true(stream_avg_rel_error(arr[2], n, g[0]) <= STREAM_ARRAY_EPSILON);
    stream_backend_omp.destroy(st);
}

static void test_backend_sizes_threads_stores(void **state)
{
    (void)state;
    /* 1..17 cover vector remainders and threads with empty ranges; the others, whole lines. */
    const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 1000, 4099, 65536};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int threads = 1; threads <= 3; threads++) {
            check_backend(sizes[s], threads, STREAM_STORES_NONTEMPORAL, 3);
            check_backend(sizes[s], threads, STREAM_STORES_TEMPORAL, 3);
        }
}

static void test_backend_describes_stores(void **state)
{
    (void)state;
    char err[EXA_ERR_LEN];
    struct stream_config nt = {.n = 16, .threads = 1, .stores = STREAM_STORES_NONTEMPORAL};
    struct stream_config t = {.n = 16, .threads = 1, .stores = STREAM_STORES_TEMPORAL};
    void *a = stream_backend_omp.create(&nt, 1, 2, 3, err);
    void *b = stream_backend_omp.create(&t, 1, 2, 3, err);
    assert_non_null(strstr(stream_backend_omp.describe_stores(a), "non-temporal"));
    assert_null(strstr(stream_backend_omp.describe_stores(b), "non-temporal"));
    stream_backend_omp.destroy(a);
    stream_backend_omp.destroy(b);
}

/* A run of 3 counted iterations of Copy and Triad whose every time is t seconds. */
static void fake_run(struct stream_run *run, double times[2 * 4], uint64_t n, uint64_t llc,
                     double t)
{
    memset(run, 0, sizeof *run);
    run->n = n;
    run->llc_bytes = llc;
    run->llc_instances = 1;
    run->nk = 2;
    run->kernels[0] = K_COPY;
    run->kernels[1] = K_TRIAD;
    run->opt.ntimes = 4;
    run->timer_resolution = 1e-8;
    for (int i = 0; i < 8; i++)
        times[i] = t;
    run->times = times;
}

static void test_run_rules(void **state)
{
    (void)state;
    struct stream_run run;
    double times[8];
    /* Compliant: arrays exactly 4x a 1 MiB cache, times far above 20 ticks (2e-7 s). */
    fake_run(&run, times, 4 * (1u << 20) / 8, 1u << 20, 1e-3);
    stream_check_run_rules(&run);
    assert_int_equal(run.nviolations, 0);
    /* One element short of 4x. */
    fake_run(&run, times, 4 * (1u << 20) / 8 - 1, 1u << 20, 1e-3);
    stream_check_run_rules(&run);
    assert_int_equal(run.nviolations, 1);
    assert_non_null(strstr(run.violations[0], "smaller than 4x the last-level cache"));
    /* Two cache instances count double. */
    fake_run(&run, times, 4 * (1u << 20) / 8, 1u << 20, 1e-3);
    run.llc_instances = 2;
    stream_check_run_rules(&run);
    assert_int_equal(run.nviolations, 1);
    /* Unknown cache: the size rule can not be judged, so it is not reported. */
    fake_run(&run, times, 8, 0, 1e-3);
    stream_check_run_rules(&run);
    assert_int_equal(run.nviolations, 0);
    /* Triad's fastest counted time under 20 ticks; the warm-up (index 0) does not count. */
    fake_run(&run, times, 4 * (1u << 20) / 8, 1u << 20, 1e-3);
    times[4 + 2] = 1.9e-7;
    times[0] = 1e-9;
    stream_check_run_rules(&run);
    assert_int_equal(run.nviolations, 1);
    assert_non_null(strstr(run.violations[0], "Triad"));
    assert_non_null(strstr(run.violations[0], "20 ticks"));
}

static void test_kernel_bytes(void **state)
{
    (void)state;
    assert_true(stream_kernel_bytes(K_COPY, 1000) == 16000.0);
    assert_true(stream_kernel_bytes(K_SCALE, 1000) == 16000.0);
    assert_true(stream_kernel_bytes(K_ADD, 1000) == 24000.0);
    assert_true(stream_kernel_bytes(K_TRIAD, 1000) == 24000.0);
    assert_true(stream_kernel_bytes(K_DOT, 1000) == 16000.0);
    assert_true(stream_kernel_bytes(K_MEMCPY, 1000) == 16000.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gold_one_iteration),
        cmocka_unit_test(test_gold_shrinks_without_underflow),
        cmocka_unit_test(test_gold_memcpy_only_copies),
        cmocka_unit_test(test_avg_rel_error),
        cmocka_unit_test(test_dot_threshold),
        cmocka_unit_test(test_backend_sizes_threads_stores),
        cmocka_unit_test(test_backend_describes_stores),
        cmocka_unit_test(test_run_rules),
        cmocka_unit_test(test_kernel_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
