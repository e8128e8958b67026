/* Unit tests of the record scanner (harness/rundir_scan.c): it must accept exactly the JSON that
 * jansson accepts, report errors with line and column, and build the members it keeps as jansson
 * would, including inside the members it skips ("results"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rundir_scan.h"

static json_t *scan(const char *text, char *err)
{
    err[0] = '\0';
    return rd_scan_record(text, strlen(text), "f.json", err, 512);
}

static void test_valid(void **state)
{
    (void)state;
    char err[512];
    const char *t = "{\"schema\": \"exabench.record\", \"n\": -1.5e3, \"ok\": true, \"no\": null,\n"
                    " \"s\": \"a\\\"b\\u00e9\\n\", \"results\": {\"sizes\": [1, 2, {\"x\": []}]},\n"
                    " \"provenance\": {\"nodes\": [{\"hostname\": \"n01\"}]}, \"metrics\": {\"g\": {\"value\": 3}}}";
    json_t *r = scan(t, err);
    assert_non_null(r);
    json_t *ref = json_loads(t, 0, NULL);
    json_object_set_new(ref, "results", json_object());  /* skipped: an empty object stands in */
    assert_true(json_equal(r, ref));
    json_decref(ref);
    json_decref(r);
    /* An all-pairs record keeps its results. */
    r = scan("{\"test\": \"allpairs\", \"results\": {\"matrix\": [[null, 1], [1, null]]}}", err);
    assert_int_equal(json_array_size(json_object_get(json_object_get(r, "results"), "matrix")), 2);
    json_decref(r);
    /* Provenance parsed once is shared by equal texts. */
    json_t *a = scan("{\"provenance\": {\"k\": [1, 2]}}", err), *b = scan("{\"provenance\": {\"k\": [1, 2]}}", err);
    assert_ptr_equal(json_object_get(a, "provenance"), json_object_get(b, "provenance"));
    json_decref(a);
    json_decref(b);
    /* Member names with escapes or beyond ASCII are decoded, plain ones copied. */
    r = scan("{\"v\\u0061lid\": true, \"na\u00efve\": 1, \"t\\\"q\": 2, \"\": 3}", err);
    assert_non_null(r);
    assert_true(json_is_true(json_object_get(r, "valid")));
    assert_int_equal(json_integer_value(json_object_get(r, "na\u00efve")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "t\"q")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "")), 3);
    json_decref(r);
    /* A name that decodes like an earlier one is a duplicate. */
    r = scan("{\"valid\": true, \"v\\u0061lid\": false}", err);
    assert_null(r);
    assert_non_null(strstr(err, "duplicate object key"));
    /* Not an object: parsed whole. */
    r = scan(" [1, 2] ", err);
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
}

struct bad {
    const char *text, *where;
};

static void test_malformed(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"{\"a\": 1 \"b\": 2}", "f.json:1:9: malformed JSON"},
        {"{\"a\": 1,\n \"b\": [1, 2,]}", "f.json:2:13: malformed JSON"},
        {"{\"a\": 1}\n x", "f.json:2:2: malformed JSON: end of file expected"},
        {"{\"a\": \"\\q\"}", "f.json:1:9: malformed JSON: invalid escape"},
        {"{\"a\": \"abc", "f.json:1:11: malformed JSON: premature end"},
        {"{\"a\": 01}", "f.json:1:8: malformed JSON"},
        {"{\"a\": 1.}", "f.json:1:9: malformed JSON: invalid number"},
        {"{\"a\": -}", "f.json:1:8: malformed JSON: invalid number"},
        {"{\"a\": tru}", "f.json:1:7: malformed JSON: invalid token"},
        {"{\"a\": 1, \"a\": 2}", "f.json:1:10: malformed JSON: duplicate object key"},
        {"{\"results\": {\"x\": [1 2]}}", "f.json:1:22: malformed JSON"},
        {"{\"results\": {\"x\": \"\\u12\"}}", "f.json:1:21: malformed JSON: invalid \\u escape"},
        {"", "f.json:1:1: malformed JSON: premature end"},
        {"{\"a\"\n:\n1,}", "f.json:3:3: malformed JSON"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = scan(cases[i].text, err);
        if (r || !strstr(err, cases[i].where))
            print_error("case %zu: '%s' gave '%s', expected '%s'\n", i, cases[i].text, err, cases[i].where);
        assert_null(r);
        assert_non_null(strstr(err, cases[i].where));
        /* Whatever the scanner refuses, jansson refuses too. */
        json_t *j = json_loads(cases[i].text, JSON_REJECT_DUPLICATES, NULL);
        assert_null(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_valid), cmocka_unit_test(test_malformed)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
