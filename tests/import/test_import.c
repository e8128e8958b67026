/* The importers (harness/import/), data-driven from tests/data/import/:
 *   expect.tsv      record fields each fixture must import to (values compared exactly)
 *   bad/cases.tsv   mutated and truncated inputs: refused, naming the file, line and expectation
 * and over every fixture: each record passes exa_record_validate; a file cut after any line is
 * either refused or gives exactly the full file's records (never a silently partial result),
 * except for formats without an end marker (OSU, BabelStream: see README.md); deleting,
 * duplicating or garbling any single line never crashes and never yields a malformed record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exa_record.h"
#include "import.h"

static void enter_data_dir(void)
{
    const char *root = getenv("EXA_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/import", root ? root : ".");
    if (chdir(path) != 0)
        fail_msg("cannot enter %s (set EXA_ROOT to the repository)", path);
}

/* Tab-separated fields of the data line, comments and blank lines skipped. */
static int next_fields(FILE *f, char *line, size_t len, char **field, int max, int *lineno)
{
    while (fgets(line, (int)len, f)) {
        (*lineno)++;
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        int n = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, "\t", &save); t && n < max; t = strtok_r(NULL, "\t", &save))
            field[n++] = t;
        return n;
    }
    return -1;
}

/* RFC 6901 pointer into v (no escapes needed here). */
static json_t *pointer(json_t *v, const char *ptr)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", ptr);
    char *save = NULL;
    for (char *t = strtok_r(buf, "/", &save); t && v; t = strtok_r(NULL, "/", &save)) {
        if (json_is_array(v)) {
            char *end;
            long i = strtol(t, &end, 10);
            v = *end ? NULL : json_array_get(v, (size_t)i);
        } else {
            v = json_object_get(v, t);
        }
    }
    return v;
}

static json_t *import_or_fail(const char *path)
{
    char err[IMPORT_ERR_LEN];
    json_t *recs = import_file(path, NULL, NULL, err);
    if (!recs)
        fail_msg("%s: import failed: %s", path, err);
    return recs;
}

static void test_expectations(void **state)
{
    (void)state;
    enter_data_dir();
    FILE *f = fopen("expect.tsv", "r");
    assert_non_null(f);
    char line[2048], cached[512] = "";
    char *fld[4];
    int lineno = 0, n, checks = 0;
    json_t *recs = NULL;
    while ((n = next_fields(f, line, sizeof line, fld, 4, &lineno)) >= 0) {
        if (n != 4)
            fail_msg("expect.tsv:%d: needs 4 tab-separated fields", lineno);
        if (strcmp(cached, fld[0])) {
            json_decref(recs);
            recs = import_or_fail(fld[0]);
            snprintf(cached, sizeof cached, "%s", fld[0]);
        }
        json_error_t jerr;
        json_t *want = json_loads(fld[3], JSON_DECODE_ANY, &jerr);
        if (!want)
            fail_msg("expect.tsv:%d: bad JSON value '%s'", lineno, fld[3]);
        json_t *got = NULL;
        if (!strcmp(fld[2], "#count")) {
            got = json_integer((json_int_t)json_array_size(recs));
        } else if (!strcmp(fld[2], "#importer")) {
            struct import_input in;
            char err[IMPORT_ERR_LEN];
            assert_int_equal(import_read_file(fld[0], &in, err), 0);
            const struct importer *imp = import_recognise(in.text, in.len, NULL);
            got = json_string(imp ? imp->name : "none");
            import_input_free(&in);
        } else {
            got = json_incref(pointer(json_array_get(recs, (size_t)atoi(fld[1])), fld[2]));
        }
        int same = got && (json_is_number(want) && json_is_number(got)
                               ? json_number_value(want) == json_number_value(got)
                               : json_equal(want, got));
        if (!same) {
            char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : strdup("(absent)");
            fail_msg("expect.tsv:%d: %s record %s %s: expected %s, got %s", lineno, fld[0], fld[1], fld[2], fld[3], g);
        }
        json_decref(want);
        json_decref(got);
        checks++;
    }
    json_decref(recs);
    fclose(f);
    assert_true(checks > 100);
}

static void test_bad_cases(void **state)
{
    (void)state;
    enter_data_dir();
    FILE *f = fopen("bad/cases.tsv", "r");
    assert_non_null(f);
    char line[2048];
    char *fld[3];
    int lineno = 0, n, cases = 0;
    while ((n = next_fields(f, line, sizeof line, fld, 3, &lineno)) >= 0) {
        if (n != 3)
            fail_msg("bad/cases.tsv:%d: needs 3 tab-separated fields", lineno);
        char err[IMPORT_ERR_LEN] = "";
        json_t *recs = import_file(fld[0], NULL, NULL, err);
        if (recs) {
            json_decref(recs);
            fail_msg("bad/cases.tsv:%d: %s was imported; expected a refusal", lineno, fld[0]);
        }
        char prefix[600];
        if (strcmp(fld[1], "-"))
            snprintf(prefix, sizeof prefix, "%s:%s: ", fld[0], fld[1]);
        else
            snprintf(prefix, sizeof prefix, "%s: ", fld[0]);
        if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, fld[2]))
            fail_msg("bad/cases.tsv:%d: expected an error starting '%s' and saying '%s', got '%s'", lineno, prefix,
                     fld[2], err);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 25);
}

/* Every fixture under observed/, documented/ and derived/. */
static int fixtures(char paths[][256], int max)
{
    static const char *const dirs[] = {"observed", "documented", "derived"};
    int n = 0;
    for (size_t k = 0; k < 3; k++) {
        DIR *d = opendir(dirs[k]);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) && n < max)
            if (e->d_name[0] != '.')
                snprintf(paths[n++], 256, "%s/%s", dirs[k], e->d_name);
        closedir(d);
    }
    return n;
}

static void test_records_validate(void **state)
{
    (void)state;
    enter_data_dir();
    char paths[64][256];
    int n = fixtures(paths, 64);
    assert_true(n >= 20);
    for (int i = 0; i < n; i++) {
        json_t *recs = import_or_fail(paths[i]);
        size_t k;
        json_t *r;
        json_array_foreach(recs, k, r) {
            char err[EXA_ERR_LEN];
            if (exa_record_validate(r, err) != 0)
                fail_msg("%s record %zu: %s", paths[i], k, err);
            assert_string_equal(json_string_value(json_object_get(r, "source")), "imported");
            assert_int_equal(strlen(json_string_value(pointer(r, "/import/sha256"))), 64);
            /* an invalid record never passes as verified, and a failed check is never valid */
            assert_true(json_is_true(json_object_get(r, "valid")) == json_is_true(pointer(r, "/verification/passed")));
        }
        json_decref(recs);
    }
}

/* The records without their "import" object (path, hash, lines and notes change with a cut). */
static json_t *strip(json_t *recs)
{
    json_t *c = json_deep_copy(recs);
    size_t k;
    json_t *r;
    json_array_foreach(c, k, r) json_object_del(r, "import");
    return c;
}

static json_t *parse_bytes(const struct importer *imp, const char *path, const char *bytes, size_t len,
                           char err[IMPORT_ERR_LEN])
{
    struct import_input in;
    if (import_input_from_memory(path, bytes, len, &in, err) != 0)
        return NULL;
    json_t *out = json_array();
    if (imp->parse(&in, out, err) != 0 || json_array_size(out) == 0) {
        if (json_array_size(out) != 0)
            fail_msg("%s: parse failed but left %zu records in out", path, json_array_size(out));
        json_decref(out);
        out = NULL;
        if (!err[0])
            fail_msg("%s: refused without a message", path);
    }
    import_input_free(&in);
    return out;
}

static void test_truncation(void **state)
{
    (void)state;
    enter_data_dir();
    char paths[64][256];
    int n = fixtures(paths, 64), tried = 0;
    for (int i = 0; i < n; i++) {
        if (strstr(paths[i], "osu-") || strstr(paths[i], "babelstream-"))
            continue; /* no end marker: a cut between two rows reads as a shorter run (README.md) */
        struct import_input in;
        char err[IMPORT_ERR_LEN];
        assert_int_equal(import_read_file(paths[i], &in, err), 0);
        const struct importer *imp = import_recognise(in.text, in.len, NULL);
        assert_non_null(imp);
        json_t *full = parse_bytes(imp, paths[i], in.text, in.len, err);
        if (!full)
            fail_msg("%s: %s", paths[i], err);
        json_t *want = strip(full);
        for (size_t cut = 0; cut < in.len; cut++) {
            if (cut > 0 && in.text[cut - 1] != '\n')
                continue;
            err[0] = '\0';
            json_t *part = parse_bytes(imp, paths[i], in.text, cut, err);
            tried++;
            if (!part) {
                if (strncmp(err, paths[i], strlen(paths[i])))
                    fail_msg("%s cut at byte %zu: the message does not name the file: %s", paths[i], cut, err);
                continue;
            }
            json_t *got = strip(part);
            if (!json_equal(got, want))
                fail_msg("%s cut at byte %zu: imported %zu records that differ from the full file's: a silently "
                         "partial result",
                         paths[i], cut, json_array_size(part));
            json_decref(got);
            json_decref(part);
        }
        json_decref(want);
        json_decref(full);
        import_input_free(&in);
    }
    assert_true(tried > 1000);
}

/* Each line deleted, duplicated, or its first digit made an 'x': no crash, and either a refusal
 * naming the file or records that are well-formed. */
static void test_mutations(void **state)
{
    (void)state;
    enter_data_dir();
    char paths[64][256];
    int n = fixtures(paths, 64);
    for (int i = 0; i < n; i++) {
        struct import_input in;
        char err[IMPORT_ERR_LEN];
        assert_int_equal(import_read_file(paths[i], &in, err), 0);
        const struct importer *imp = import_recognise(in.text, in.len, NULL);
        char *buf = malloc(2 * in.len + 2);
        assert_non_null(buf);
        for (size_t start = 0; start < in.len;) {
            const char *nl = memchr(in.text + start, '\n', in.len - start);
            size_t end = nl ? (size_t)(nl - in.text) + 1 : in.len;
            for (int m = 0; m < 3; m++) {
                size_t len = 0;
                memcpy(buf, in.text, start);
                len = start;
                if (m == 1) { /* duplicate */
                    memcpy(buf + len, in.text + start, end - start);
                    len += end - start;
                }
                if (m >= 1) {
                    memcpy(buf + len, in.text + start, end - start);
                    if (m == 2) {
                        char *dig = NULL;
                        for (size_t k = len; k < len + end - start && !dig; k++)
                            if (buf[k] >= '0' && buf[k] <= '9')
                                dig = buf + k;
                        if (!dig)
                            continue;
                        *dig = 'x';
                    }
                    len += end - start;
                }
                memcpy(buf + len, in.text + end, in.len - end);
                len += in.len - end;
                err[0] = '\0';
                json_t *out = parse_bytes(imp, paths[i], buf, len, err);
                if (!out) {
                    if (strncmp(err, paths[i], strlen(paths[i])))
                        fail_msg("%s mutated: the message does not name the file: %s", paths[i], err);
                    continue;
                }
                size_t k;
                json_t *r;
                json_array_foreach(out, k, r) {
                    char verr[EXA_ERR_LEN];
                    if (exa_record_validate(r, verr) != 0)
                        fail_msg("%s mutated at byte %zu: malformed record: %s", paths[i], start, verr);
                }
                json_decref(out);
            }
            start = end;
        }
        free(buf);
        import_input_free(&in);
    }
}

static void test_registry(void **state)
{
    (void)state;
    for (int i = 0; import_registry[i]; i++) {
        assert_ptr_equal(import_find(import_registry[i]->name), import_registry[i]);
        assert_int_equal(import_registry[i]->recognise("", 0), 0);
    }
    assert_null(import_find("no-such-format"));
    char err[IMPORT_ERR_LEN];
    enter_data_dir();
    assert_null(import_file("observed/osu-5.3-bw.out", "no-such-format", NULL, err));
    assert_non_null(strstr(err, "unknown import format 'no-such-format'"));
    /* forcing the wrong importer is refused with that importer's expectation */
    assert_null(import_file("observed/osu-5.3-bw.out", "hpcg", NULL, err));
    assert_non_null(strstr(err, "observed/osu-5.3-bw.out:1: expected HPCG's report header"));
    assert_null(import_file("no/such/file", NULL, NULL, err));
    assert_non_null(strstr(err, "no/such/file: cannot open"));
    struct import_input in;
    assert_int_equal(import_input_from_memory("nul.bin", "a\nb\0c", 5, &in, err), -1);
    assert_non_null(strstr(err, "nul.bin:2: a NUL byte"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),         cmocka_unit_test(test_expectations),
        cmocka_unit_test(test_bad_cases),        cmocka_unit_test(test_records_validate),
        cmocka_unit_test(test_truncation),       cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
