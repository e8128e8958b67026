/* Data-driven: the message sizes exa-comm runs for -m (tests/data/comm/sizes.tsv) and the loop
 * counts per size (tests/data/comm/loops.tsv), through the same functions exa-comm uses
 * (exa_parse_range, comm_sizes, comm_loop_counts, comm_batch). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"

static FILE *open_case_file(const char *name)
{
    char path[512];
    const char *root = getenv("EXA_ROOT");
    snprintf(path, sizeof path, "%s/tests/data/comm/%s", root ? root : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (set EXA_ROOT to the repository)", path);
    return f;
}

static int split_tabs(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

static void test_sizes_table(void **state)
{
    (void)state;
    FILE *f = open_case_file("sizes.tsv");
    char line[4096], *fld[3] = {0}, err[EXA_ERR_LEN], got[4096];
    int lineno = 0, cases = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (split_tabs(line, fld, 3) != 3)
            fail_msg("sizes.tsv:%d: expected 3 tab-separated fields", lineno);
        const struct comm_test *t = comm_test_find(fld[0]);
        struct exa_range r;
        if (!t)
            fail_msg("sizes.tsv:%d: unknown test %s", lineno, fld[0]);
        if (exa_parse_range(fld[1], &r, err)) {
            snprintf(got, sizeof got, "error");
        } else {
            size_t v[256], n = comm_sizes(t, &r, v, 256);
            got[0] = '\0';
            if (n == 0)
                snprintf(got, sizeof got, "none");
            for (size_t i = 0; i < n && i < 256; i++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%zu", i ? "," : "", v[i]);
        }
        if (strcmp(got, fld[2]) != 0)
            fail_msg("sizes.tsv:%d: %s -m %s: expected %s, got %s", lineno, fld[0], fld[1], fld[2], got);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 20);
}

static void test_loops_table(void **state)
{
    (void)state;
    FILE *f = open_case_file("loops.tsv");
    char line[512], *fld[7] = {0};
    int lineno = 0, cases = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (split_tabs(line, fld, 7) != 7)
            fail_msg("loops.tsv:%d: expected 7 tab-separated fields", lineno);
        const struct comm_test *t = comm_test_find(fld[0]);
        struct comm_opts o = {.iters = -1, .warmup = -1};
        long iters, warmup;
        if (!t)
            fail_msg("loops.tsv:%d: unknown test %s", lineno, fld[0]);
        if (strcmp(fld[2], "-"))
            o.iters = atol(fld[2]);
        if (strcmp(fld[3], "-"))
            o.warmup = atol(fld[3]);
        comm_loop_counts(t, &o, (size_t)atol(fld[1]), &iters, &warmup);
        if (iters != atol(fld[4]) || warmup != atol(fld[5]) || comm_batch(iters) != atol(fld[6]))
            fail_msg("loops.tsv:%d: %s %s B -i %s -x %s: expected %s/%s/%s, got %ld/%ld/%ld", lineno,
                     fld[0], fld[1], fld[2], fld[3], fld[4], fld[5], fld[6], iters, warmup,
                     comm_batch(iters));
        cases++;
    }
    fclose(f);
    assert_true(cases >= 15);
}

static void test_metric_names(void **state)
{
    (void)state;
    char b[64];
    comm_metric_name(b, sizeof b, "latency", 8);
    assert_string_equal(b, "latency_8B");
    comm_metric_name(b, sizeof b, "bandwidth", 4194304);
    assert_string_equal(b, "bandwidth_4M");
    comm_metric_name(b, sizeof b, "latency", 1536);
    assert_string_equal(b, "latency_1536B");
}

static void test_pattern(void **state)
{
    (void)state;
    /* the pattern changes with each of iteration, rank and byte index */
    int diff_iter = 0, diff_rank = 0, diff_index = 0;
    for (size_t i = 0; i < 256; i++) {
        diff_iter += comm_pattern_byte(3, 1, i) != comm_pattern_byte(4, 1, i);
        diff_rank += comm_pattern_byte(3, 1, i) != comm_pattern_byte(3, 2, i);
        diff_index += comm_pattern_byte(3, 1, i) != comm_pattern_byte(3, 1, i + 1);
    }
    assert_true(diff_iter > 200);
    assert_true(diff_rank > 200);
    assert_true(diff_index > 200);
    /* float patterns are small integers: sums over many ranks stay exact */
    for (size_t i = 0; i < 1000; i++) {
        float v = comm_pattern_float(7, 5, i);
        assert_true(v >= 0 && v < 251 && v == (float)(int)v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_table),
        cmocka_unit_test(test_loops_table),
        cmocka_unit_test(test_metric_names),
        cmocka_unit_test(test_pattern),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
