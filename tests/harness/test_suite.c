/* Unit tests of the suite helpers: ranges ("1..64 x2"), the near-square HPL grid, HPL sizing from
 * memory, and shell quoting of batch-script words. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "exa_hplmodel.h"
#include "launch.h"
#include "suite.h"

static void expect_values(const char *text, const uint64_t *want, size_t n)
{
    struct u64list l = {0};
    char err[256] = "";
    assert_int_equal(parse_range_list(text, &l, err, sizeof err), 0);
    assert_int_equal(l.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l.v[i], want[i]);
    free(l.v);
}

static void expect_error(const char *text, const char *fragment)
{
    struct u64list l = {0};
    char err[256] = "";
    assert_int_equal(parse_range_list(text, &l, err, sizeof err), -1);
    if (!strstr(err, fragment))
        fail_msg("'%s': error '%s' lacks '%s'", text, err, fragment);
    free(l.v);
}

static void test_ranges(void **state)
{
    (void)state;
    expect_values("4", (uint64_t[]){4}, 1);
    expect_values("1..64 x2", (uint64_t[]){1, 2, 4, 8, 16, 32, 64}, 7);
    expect_values("1..64x4", (uint64_t[]){1, 4, 16, 64}, 4);
    expect_values("1..10 x3", (uint64_t[]){1, 3, 9}, 3);
    expect_values("2000..6000 +2000", (uint64_t[]){2000, 4000, 6000}, 3);
    expect_values("1..4", (uint64_t[]){1, 2, 3, 4}, 4);
    expect_values(" 1K..4K x2 ", (uint64_t[]){1024, 2048, 4096}, 3);
    expect_values("5..5", (uint64_t[]){5}, 1);
    expect_error("8..4", "empty range");
    expect_error("1..64 x1", "step");
    expect_error("1..64 +0", "step");
    expect_error("0..64 x2", "geometric range can not start at 0");
    expect_error("..4", "expected MIN..MAX");
    expect_error("a..4", "range 'a..4'");
    expect_error("1..4 y2", "range");
    expect_error("-3", "not a size");
}

/* Issue 14: the array grows geometrically (it grew one element per realloc, quadratic in the
 * range's length), and a list whose capacity is not known (built elsewhere) still grows safely. */
static void test_range_growth(void **state)
{
    (void)state;
    struct u64list l = {0};
    char err[256] = "";
    assert_int_equal(parse_range_list("1..100000", &l, err, sizeof err), 0);
    assert_int_equal(l.n, 100000);
    assert_true(l.cap >= l.n && l.cap <= 2 * l.n);
    assert_int_equal(l.v[99999], 100000);
    size_t cap = l.cap;
    assert_int_equal(parse_range_list("7", &l, err, sizeof err), 0);
    assert_true(l.cap == cap || l.cap >= 2 * cap);
    assert_int_equal(l.v[100000], 7);
    free(l.v);
    struct u64list exact = {malloc(3 * sizeof(uint64_t)), 3, 0};
    exact.v[0] = 1, exact.v[1] = 2, exact.v[2] = 3;
    assert_int_equal(parse_range_list("4..6", &exact, err, sizeof err), 0);
    assert_int_equal(exact.n, 6);
    assert_true(exact.cap >= 6);
    assert_int_equal(exact.v[5], 6);
    free(exact.v);
}

static void test_grid(void **state)
{
    (void)state;
    long p, q;
    long cases[][3] = {{1, 1, 1}, {2, 1, 2}, {4, 2, 2}, {6, 2, 3}, {7, 1, 7}, {8, 2, 4},
                       {12, 3, 4}, {16, 4, 4}, {32, 4, 8}, {36, 6, 6}, {128, 8, 16}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        exa_hpl_grid(cases[i][0], &p, &q);
        assert_int_equal(p, cases[i][1]);
        assert_int_equal(q, cases[i][2]);
        assert_true(p <= q);
    }
}

static void test_hpl_memory(void **state)
{
    (void)state;
    /* 8 N^2 <= 0.5 x 16 GiB: N = 32768, rounded down to a multiple of 192 -> 32640. */
    assert_int_equal(exa_hpl_n_from_memory(16 * 1073741824.0 * 1, 0.5, 192, 0), 32640);
    assert_int_equal(exa_hpl_n_from_memory(16 * 1073741824.0 * 4, 0.5, 192, 0), 65472);
    assert_int_equal(exa_hpl_n_from_memory(16 * 1073741824.0 * 1, 0.5, 1, 0), 32768);
    /* Never below one block. */
    assert_int_equal(exa_hpl_n_from_memory(0.000001 * 1073741824.0 * 1, 0.1, 256, 0), 256);
}

static void test_shell_quote(void **state)
{
    (void)state;
    char buf[256];
    const char *cases[][2] = {
        {"plain-word_1.0", "plain-word_1.0"},
        {"--json=records/x.json", "--json=records/x.json"},
        {"two words", "'two words'"},
        {"it's", "'it'\\''s'"},
        {"$(rm -rf /)", "'$(rm -rf /)'"},
        {"a;b", "'a;b'"},
        {"", "''"},
        {"[\"srun\",\"x\"]", "'[\"srun\",\"x\"]'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf[0] = 0;
        shell_quote(buf, sizeof buf, cases[i][0]);
        assert_string_equal(buf, cases[i][1]);
    }
    json_t *argv = json_pack("[s, s, s]", "srun", "--comment=a b", "x'y");
    char *line = shell_join(argv);
    assert_string_equal(line, "srun '--comment=a b' 'x'\\''y'");
    free(line);
    json_decref(argv);
}

static void test_envlist(void **state)
{
    (void)state;
    struct envlist a = {0}, b = {0};
    envlist_set(&a, "X", "1");
    envlist_set(&a, "Y", "2");
    envlist_set(&b, "X", "3");
    envlist_merge(&a, &b);
    assert_string_equal(envlist_get(&a, "X"), "3");
    assert_string_equal(envlist_get(&a, "Y"), "2");
    assert_null(envlist_get(&a, "Z"));
    assert_int_equal(a.names.n, 2);
    envlist_free(&a);
    envlist_free(&b);
}

/* The suite file's checksum in the manifest: SHA-256 of the file as read in blocks. */
static void test_sha256_file(void **state)
{
    (void)state;
    char path[] = "/tmp/exa-digest-XXXXXX", h[65];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_int_equal(rd_sha256_file(path, h), 0);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    assert_int_equal(rd_sha256_file(path, h), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_range_growth),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_hpl_memory),
        cmocka_unit_test(test_shell_quote),
        cmocka_unit_test(test_envlist),
        cmocka_unit_test(test_sha256_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
