/* Unit tests of the JSON parser and record scanner (harness/rundir_scan.c): they must accept
 * exactly the JSON that jansson accepts, report errors with line and column, and build the values
 * they keep as jansson would, including checking inside the members they skip ("results"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
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

/* rd_parse_json accepts what json_loadb (JSON_REJECT_DUPLICATES) accepts, and builds an equal value. */
static void agrees(const char *text, size_t len, const char *what)
{
    char err[512] = "";
    json_t *ours = rd_parse_json(text, len, "f.json", err, sizeof err);
    json_t *ref = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
    if (!ours != !ref || (ours && !json_equal(ours, ref)))
        print_error("%s: '%.*s': ours %s (%s), jansson %s\n", what, (int)(len < 200 ? len : 200), text,
                    ours ? "accepts" : "refuses", err, ref ? "accepts" : "refuses");
    assert_true(!ours == !ref);
    if (ours)
        assert_true(json_equal(ours, ref));
    else
        assert_non_null(strstr(err, "f.json:"));
    json_decref(ours);
    json_decref(ref);
    /* A record (an object) is checked the same way, whatever it skips. */
    json_t *rec = rd_scan_record(text, len, "f.json", err, sizeof err);
    assert_true(!rec == !ref || !ref);
    if (!ref)
        assert_null(rec);
    json_decref(rec);
}

static void test_agrees_with_jansson(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0", "-0", "1.5", "-0.0", "1e5", "1E+5", "2.5e-3", "123456789012345678", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "1e308", "1e309", "-1e309",
        "1e-400", "0.000000000000000000000000000001", "17976931348623157e292", "1.7976931348623157e309",
        "\"\"", "\"\\u00e9\\u20ac\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"",
        "\"\\ud83d\\u0041\"", "\"\\u0000\"", "\"a\\/b\\b\\f\\n\\r\\t\"", "\"\xc3\xa9\"", "\"\xe2\x82\xac\"",
        "\"\xf0\x9f\x98\x80\"", "\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
        "\"\xff\"", "\"\x80\"", "\"\xc3\"", "\"\xe2\x82\"", "{\"\xc3\xa9\": 1, \"\\u00e9x\": 2}",
        "{\"\\u00e9\": 1, \"\xc3\xa9\": 2}", "[1, [2, [3, {\"a\": [true, false, null]}]]]", "[]", "{}", " [ ] ",
        "[1,]", "[,1]", "{\"a\":}", "{,}", "nul", "truex", "[1 2]", "\"\t\"", "[\"a\" \"b\"]", "01", "1.", ".5",
        "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "{\"a\": 1, \"b\": {\"a\": 2, \"a\": 3}}",
        "{\"results\": 1, \"results\": 2}", "{\"results\": {}, \"r\\u0065sults\": 2}",
        "{\"provenance\": {\"x\": [1, 2]}, \"results\": {\"m\": [1e400]}}",
        "{\"results\": {\"m\": 99999999999999999999}}", "{\"results\": {\"s\": \"\xff\"}}",
        "{\"test\": \"allpairs\", \"results\": {\"m\": [[null, 2.5]]}}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        agrees(cases[i], strlen(cases[i]), "case");
    /* Deterministic mutations of a record: bytes replaced, inserted and removed. */
    const char *seed = "{\"schema\": \"exabench.record\", \"schema_version\": 1, \"test\": \"latency\",\n"
                       " \"metrics\": {\"gflops\": {\"value\": 29.260341128074707, \"samples\": [1.5e-3, -2, 0]}},\n"
                       " \"results\": {\"sizes\": [1, 2, 4], \"t\": [0.5, 1e2]}, \"ok\": true, \"no\": null,\n"
                       " \"provenance\": {\"host\": \"n\\u00e9\", \"k\": [\"a\\\"b\"]}, \"x\": \"\xc3\xa9\"}";
    static const char alphabet[] = "{}[]:,\"\\ \n0123456789.eE+-tfnaul\x80\xc3\xa9\xff";
    size_t n = strlen(seed);
    char *buf = malloc(n + 8);
    unsigned long long r = 88172645463325252ULL;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(buf, seed, n);
        size_t len = n;
        for (int k = 0; k < 1 + iter % 3; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            size_t at = (size_t)(r % len);
            char c = alphabet[(r >> 32) % (sizeof alphabet - 1)];
            switch ((r >> 40) % 3) {
            case 0: buf[at] = c; break;
            case 1: memmove(buf + at + 1, buf + at, len - at), buf[at] = c, len++; break;
            default: memmove(buf + at, buf + at + 1, len - at - 1), len--;
            }
        }
        agrees(buf, len, "mutant");
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_valid), cmocka_unit_test(test_malformed),
                                       cmocka_unit_test(test_agrees_with_jansson)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
