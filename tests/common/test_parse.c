/* Data-driven tests of the size and range parsers (tests/data/common/{sizes,ranges}.tsv). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_parse.h"

static FILE *open_case_file(const char *name)
{
    char path[512];
    const char *root = getenv("EXA_ROOT");
    snprintf(path, sizeof path, "%s/tests/data/common/%s", root ? root : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (set EXA_ROOT to the repository)", path);
    return f;
}

/* Splits a tab-separated line in place into up to 3 fields. */
static int split_tabs(char *line, char *fields[3])
{
    line[strcspn(line, "\n")] = '\0';
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < 3; p++)
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    return n;
}

static void test_size_cases(void **state)
{
    (void)state;
    FILE *f = open_case_file("sizes.tsv");
    char line[512], err[EXA_ERR_LEN];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *fields[3];
        int n = split_tabs(line, fields);
        assert_true(n >= 2);
        uint64_t value = 0;
        int rc = exa_parse_size(fields[0], &value, err);
        if (!strcmp(fields[1], "error")) {
            if (rc == 0)
                fail_msg("'%s' parsed as %" PRIu64 ", expected an error", fields[0], value);
            if (!strstr(err, fields[2]))
                fail_msg("'%s': message '%s' lacks '%s'", fields[0], err, fields[2]);
        } else {
            if (rc != 0)
                fail_msg("'%s' failed: %s", fields[0], err);
            assert_int_equal(value, strtoull(fields[1], NULL, 10));
        }
        cases++;
    }
    fclose(f);
    assert_true(cases >= 15);
}

static void test_range_cases(void **state)
{
    (void)state;
    FILE *f = open_case_file("ranges.tsv");
    char line[512], err[EXA_ERR_LEN];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *fields[3];
        int n = split_tabs(line, fields);
        assert_true(n >= 2);
        struct exa_range r;
        int rc = exa_parse_range(fields[0], &r, err);
        if (!strcmp(fields[1], "error")) {
            if (rc == 0)
                fail_msg("'%s' parsed, expected an error", fields[0]);
            if (!strstr(err, fields[2]))
                fail_msg("'%s': message '%s' lacks '%s'", fields[0], err, fields[2]);
            cases++;
            continue;
        }
        if (rc != 0)
            fail_msg("'%s' failed: %s", fields[0], err);
        uint64_t values[64];
        size_t count = exa_range_values(&r, values, 64);
        if (!strncmp(fields[1], "count=", 6)) {
            assert_int_equal(count, strtoull(fields[1] + 6, NULL, 10));
        } else {
            char got[512] = "";
            for (size_t i = 0; i < count && i < 64; i++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%" PRIu64, i ? "," : "", values[i]);
            if (strcmp(got, fields[1]))
                fail_msg("'%s' expanded to %s, expected %s", fields[0], got, fields[1]);
        }
        cases++;
    }
    fclose(f);
    assert_true(cases >= 10);
}

static void test_numbers(void **state)
{
    (void)state;
    char err[EXA_ERR_LEN];
    long l;
    double d;
    uint64_t u;
    assert_int_equal(exa_parse_long("42", 0, 100, &l, err), 0);
    assert_int_equal(l, 42);
    assert_int_equal(exa_parse_long("0", 1, 100, &l, err), -1);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(exa_parse_long("4x", 0, 100, &l, err), -1);
    assert_int_equal(exa_parse_double("0.25", 0, 1, &d, err), 0);
    assert_true(d == 0.25);
    assert_int_equal(exa_parse_double("nan", 0, 1, &d, err), -1);
    assert_int_equal(exa_parse_double("1.5", 0, 1, &d, err), -1);
    assert_int_equal(exa_parse_count("2K", 1, 4096, &u, err), 0);
    assert_int_equal(u, 2048);
    assert_int_equal(exa_parse_count("0", 1, 10, &u, err), -1);
}

static void test_format_size(void **state)
{
    (void)state;
    char buf[32];
    exa_format_size(4096, buf, sizeof buf);
    assert_string_equal(buf, "4K");
    exa_format_size(1536, buf, sizeof buf);
    assert_string_equal(buf, "1536");
    exa_format_size(1ULL << 30, buf, sizeof buf);
    assert_string_equal(buf, "1G");
    exa_format_size(8, buf, sizeof buf);
    assert_string_equal(buf, "8");
}

/* exa_next_line: comments dropped, lines counted, the end, and a line too long named and passed. */
static void test_next_line(void **state)
{
    (void)state;
    const char *p = "a 1 # note\n\n# only a comment\n0123456789ABCDEFGHIJ\nlast";
    char buf[17];
    int line = 0;
    assert_int_equal(exa_next_line(&p, buf, sizeof buf, &line), 1);
    assert_string_equal(buf, "a 1 ");
    assert_int_equal(exa_next_line(&p, buf, sizeof buf, &line), 1);
    assert_string_equal(buf, "");
    assert_int_equal(exa_next_line(&p, buf, sizeof buf, &line), 1);
    assert_string_equal(buf, "");
    assert_int_equal(exa_next_line(&p, buf, sizeof buf, &line), -1);
    assert_int_equal(line, 4);
    assert_int_equal(exa_next_line(&p, buf, sizeof buf, &line), 1);
    assert_string_equal(buf, "last");
    assert_int_equal(line, 5);
    assert_int_equal(exa_next_line(&p, buf, sizeof buf, &line), 0);
    assert_int_equal(line, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_cases),
        cmocka_unit_test(test_range_cases),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_format_size),
        cmocka_unit_test(test_next_line),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
