/* Unit tests of the reporting statistics: Mann-Whitney U p-values against known values (exact and
 * normal approximation), the smallest reachable p, N1/2 interpolation and message sizes in names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exa_stats.h"
#include "file_atomic.h"
#include "report.h"
#include "rstats.h"

#define NEAR(x, y, tol) assert_true(fabs((x) - (y)) <= (tol))

/* scipy.stats.mannwhitneyu documentation example: U = 17, exact p = 1/9, asymptotic 0.11134688653314041. */
static void test_mwu_scipy_example(void **state)
{
    (void)state;
    double males[] = {19, 22, 16, 29, 24}, females[] = {20, 11, 17, 12};
    struct rs_mwu t;
    assert_int_equal(rs_mann_whitney(males, 5, females, 4, &t), 0);
    NEAR(t.u, 17, 1e-12);
    assert_true(t.exact);
    NEAR(t.p, 1.0 / 9.0, 1e-12);
    assert_int_equal(rs_mann_whitney_asymptotic(males, 5, females, 4, &t), 0);
    assert_false(t.exact);
    NEAR(t.p, 0.11134688653314041, 1e-9);
}

/* Complete separation of 5 and 5: p = 2 / C(10, 5) = 2/252; of 3 and 3: 2/20. */
static void test_mwu_separated(void **state)
{
    (void)state;
    double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
    struct rs_mwu t;
    rs_mann_whitney(a, 5, b, 5, &t);
    NEAR(t.u, 0, 1e-12);
    NEAR(t.p, 2.0 / 252.0, 1e-12);
    rs_mann_whitney(b, 5, a, 5, &t);
    NEAR(t.u, 25, 1e-12);
    NEAR(t.p, 2.0 / 252.0, 1e-12);
    rs_mann_whitney(a, 3, b, 3, &t);
    NEAR(t.p, 0.1, 1e-12);
}

/* Interleaved 4 and 4: U = 6; the exact null distribution of U for (4, 4) has 24 of 70
 * arrangements with U <= 6, so p = 48/70. */
static void test_mwu_interleaved(void **state)
{
    (void)state;
    double a[] = {1, 3, 5, 7}, b[] = {2, 4, 6, 8};
    struct rs_mwu t;
    rs_mann_whitney(a, 4, b, 4, &t);
    NEAR(t.u, 6, 1e-12);
    NEAR(t.p, 48.0 / 70.0, 1e-12);
}

/* Identical samples: every value tied, p = 1. Ties force the normal approximation with the tie
 * correction: a = {1,2,2,3}, b = {2,3,3,4}: midranks give U = 3 (max 13), sum(t^3 - t) = 24 + 24
 * = 48, N = 8, var = 16/12 * (9 - 48/56) = 10.857142857; z = (13 - 8 - 0.5) / sqrt(var) = 1.365698;
 * p = erfc(z / sqrt 2) = 0.172034. */
static void test_mwu_ties(void **state)
{
    (void)state;
    double same[] = {5, 5, 5, 5};
    struct rs_mwu t;
    rs_mann_whitney(same, 4, same, 4, &t);
    NEAR(t.p, 1.0, 1e-12);
    double a[] = {1, 2, 2, 3}, b[] = {2, 3, 3, 4};
    rs_mann_whitney(a, 4, b, 4, &t);
    assert_false(t.exact);
    NEAR(t.u, 3, 1e-12);
    NEAR(t.z, 4.5 / sqrt(16.0 / 12.0 * (9.0 - 48.0 / 56.0)), 1e-9);
    NEAR(t.p, erfc(t.z / sqrt(2.0)), 1e-12);
    NEAR(t.p, 0.172034, 1e-5);
}

/* Large samples use the normal approximation: 0..24 against 10.5..34.5 (no ties): U = 105,
 * mu = 312.5, sigma = sqrt(625 * 51 / 12) = 51.5388; z = (520 - 312.5 - 0.5) / sigma = 4.016389,
 * p = 5.9096e-05. */
static void test_mwu_large(void **state)
{
    (void)state;
    double a[25], b[25];
    for (int i = 0; i < 25; i++)
        a[i] = i, b[i] = i + 10.5;
    struct rs_mwu t;
    rs_mann_whitney(a, 25, b, 25, &t);
    assert_false(t.exact);
    NEAR(t.u, 105, 1e-12);
    NEAR(t.z, 4.016389, 1e-5);
    NEAR(t.p, 5.9096e-05, 1e-8);
    assert_int_equal(rs_mann_whitney(a, 0, b, 25, &t), -1);
}

static void test_min_p(void **state)
{
    (void)state;
    NEAR(rs_mwu_min_p(3, 3), 0.1, 1e-12);
    NEAR(rs_mwu_min_p(4, 4), 2.0 / 70.0, 1e-12);
    NEAR(rs_mwu_min_p(1, 1), 1.0, 1e-12);
    NEAR(rs_mwu_min_p(10, 10), 2.0 / 184756.0, 1e-15);
}

static void test_median(void **state)
{
    (void)state;
    double v[] = {5, 1, 3}, w[] = {4, 1, 3, 2};
    NEAR(exa_median(v, 3), 3, 0);
    NEAR(exa_median(w, 4), 2.5, 0);
    assert_true(isnan(exa_median(v, 0)));
}

/* N1/2: the N at which half of the best rate is first reached, linear between sweep points. */
static void test_n_half(void **state)
{
    (void)state;
    int upper;
    double x[] = {1000, 2000, 4000}, y[] = {30, 50, 80};
    NEAR(rp_n_half(x, y, 3, &upper), 1500, 1e-9);
    assert_int_equal(upper, 0);
    double y2[] = {10, 20, 80};  /* half = 40: between 2000 (20) and 4000 (80): 2000 + 2000/3 */
    NEAR(rp_n_half(x, y2, 3, &upper), 2000 + 2000.0 / 3.0, 1e-9);
    double y3[] = {60, 70, 80};  /* already above half at the smallest N: a bound */
    NEAR(rp_n_half(x, y3, 3, &upper), 1000, 0);
    assert_int_equal(upper, 1);
    double y4[] = {10, 90, 80};  /* the maximum need not be the last point */
    NEAR(rp_n_half(x, y4, 3, &upper), 1000 + 1000 * 35.0 / 80.0, 1e-9);
    assert_true(isnan(rp_n_half(x, y, 0, &upper)));
}

static void test_metric_size(void **state)
{
    (void)state;
    NEAR(rp_metric_size("latency_8B"), 8, 0);
    NEAR(rp_metric_size("bandwidth_1M"), 1048576, 0);
    NEAR(rp_metric_size("message_rate_4K"), 4096, 0);
    NEAR(rp_metric_size("slow_pairs"), -1, 0);
    NEAR(rp_metric_size("gflops"), -1, 0);
    NEAR(rp_metric_size("latency_median_inter"), -1, 0);
}

static void test_base64_sha(void **state)
{
    (void)state;
    struct sbuf b;
    sb_init(&b);
    rp_base64(&b, (const unsigned char *)"hello!?", 7);
    assert_string_equal(b.s, "aGVsbG8hPw==");
    sb_free(&b);
    char h[65];
    rd_sha256_hex("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* The one atomic write: the new text replaces the old whole, and no temporary file stays. */
static void test_write_atomic(void **state)
{
    (void)state;
    char dir[] = "/tmp/exa-atomic-XXXXXX", path[64], buf[16] = "";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f.txt", dir);
    assert_int_equal(rd_write_atomic(path, "old text", 8, 0), 0);
    assert_int_equal(rd_write_atomic(path, "new", 3, 1), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 3);
    fclose(f);
    assert_string_equal(buf, "new");
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 1);
    snprintf(path, sizeof path, "%s/no/such/f.txt", dir);
    assert_int_equal(rd_write_atomic(path, "x", 1, 0), -1);
    snprintf(path, sizeof path, "%s/f.txt", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mwu_scipy_example), cmocka_unit_test(test_mwu_separated),
        cmocka_unit_test(test_mwu_interleaved),   cmocka_unit_test(test_mwu_ties),
        cmocka_unit_test(test_mwu_large),         cmocka_unit_test(test_min_p),
        cmocka_unit_test(test_median),            cmocka_unit_test(test_n_half),
        cmocka_unit_test(test_metric_size),       cmocka_unit_test(test_base64_sha),
        cmocka_unit_test(test_write_atomic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
