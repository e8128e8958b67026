/* Tests of the result record (round trip, required fields, atomic write), provenance and peaks.
 * Runs as an MPI singleton: the record's launch and provenance sections are collective. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exa_peak.h"
#include "exa_provenance.h"
#include "exa_record.h"
#include "exa_mpi.h"

static json_t *complete_record(void)
{
    char *argv[] = {"exa-test", "--flag"};
    json_t *rec = exa_record_new("stream", "cpu");
    json_object_set_new(exa_record_parameters(rec), "size", json_integer(1000));
    const double samples[] = {10.0, 11.0, 12.0};
    exa_record_add_metric(rec, "triad_bandwidth", 12.0, "GB/s", EXA_HIGHER_IS_BETTER, samples, 3);
    exa_record_set_expected(rec, "triad_bandwidth", 24.0, "test peak");
    exa_record_set_verification(rec, 1, "checksum", 1e-13, 1e-8, "<");
    exa_record_set_launch(rec, MPI_COMM_WORLD, 1, 2, argv);
    exa_record_set_provenance(rec, exa_provenance_collect(MPI_COMM_WORLD));
    return rec;
}

static char *scratch_path(const char *name)
{
    static char dir[] = "/tmp/exa-record-XXXXXX";
    static int made = 0;
    if (!made) {
        assert_non_null(mkdtemp(dir));
        made = 1;
    }
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void test_round_trip(void **state)
{
    (void)state;
    json_t *rec = complete_record();
    char err[EXA_ERR_LEN];
    char *path = scratch_path("r.json");
    assert_int_equal(exa_record_write(rec, path, err), 0);
    json_error_t jerr;
    json_t *back = json_load_file(path, 0, &jerr);
    assert_non_null(back);
    if (exa_record_validate(back, err) != 0)
        fail_msg("read-back record invalid: %s", err);
    json_t *m = json_object_get(json_object_get(back, "metrics"), "triad_bandwidth");
    assert_float_equal(json_real_value(json_object_get(m, "value")), 12.0, 0);
    assert_float_equal(json_real_value(json_object_get(m, "efficiency")), 0.5, 1e-12);
    assert_int_equal(json_array_size(json_object_get(m, "samples")), 3);
    assert_true(json_is_true(json_object_get(back, "valid")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(back, "launch"), "ranks")), 1);
    /* No temporary file is left behind. */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_not_equal(access(tmp, F_OK), 0);
    json_decref(back);
    json_decref(rec);
    unlink(path);
    free(path);
}

static void test_required_fields(void **state)
{
    (void)state;
    static const char *required[] = {"schema", "schema_version", "benchmark", "variant", "exabench",
                                     "started", "finished", "compliance", "parameters", "results",
                                     "metrics", "verification", "launch", "provenance"};
    char err[EXA_ERR_LEN];
    json_t *rec = complete_record();
    json_object_set_new(rec, "finished", json_string("2026-01-01T00:00:00Z"));
    assert_int_equal(exa_record_validate(rec, err), 0);
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        json_t *copy = json_deep_copy(rec);
        json_object_del(copy, required[i]);
        if (exa_record_validate(copy, err) == 0)
            fail_msg("record without '%s' passed validation", required[i]);
        assert_non_null(strstr(err, required[i]));
        json_decref(copy);
    }
    json_t *copy = json_deep_copy(rec);
    json_object_set_new(copy, "schema_version", json_integer(99));
    assert_int_equal(exa_record_validate(copy, err), -1);
    assert_non_null(strstr(err, "99"));
    json_decref(copy);
    copy = json_deep_copy(rec);
    json_object_set_new(json_object_get(json_object_get(copy, "metrics"), "triad_bandwidth"),
                        "direction", json_string("sideways"));
    assert_int_equal(exa_record_validate(copy, err), -1);
    json_decref(copy);
    json_decref(rec);
}

static void test_failed_verification_marks_invalid(void **state)
{
    (void)state;
    json_t *rec = exa_record_new("hpl", "cpu");
    exa_record_set_verification(rec, 0, "scaled residual", 1e3, 16.0, "<");
    assert_true(json_is_false(json_object_get(rec, "valid")));
    exa_record_add_violation(rec, "threshold negative");
    json_t *c = json_object_get(rec, "compliance");
    assert_true(json_is_false(json_object_get(c, "compliant")));
    assert_int_equal(json_array_size(json_object_get(c, "violations")), 1);
    json_decref(rec);
}

static void test_unwritable_path(void **state)
{
    (void)state;
    json_t *rec = exa_record_new("stream", "cpu");
    char err[EXA_ERR_LEN];
    assert_int_equal(exa_record_write(rec, "/nonexistent-dir/x.json", err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x.json"));
    json_decref(rec);
}

static void test_provenance_non_empty(void **state)
{
    (void)state;
    json_t *node = exa_provenance_node();
    const char *host = json_string_value(json_object_get(node, "hostname"));
    assert_non_null(host);
    json_t *cpu = json_object_get(node, "cpu");
    assert_non_null(json_string_value(json_object_get(cpu, "model")));
    assert_true(json_integer_value(json_object_get(cpu, "cores")) >= 1);
    assert_true(json_array_size(json_object_get(cpu, "caches")) >= 1);
    assert_true(json_integer_value(json_object_get(json_object_get(node, "memory"), "total_bytes")) > 0);
    assert_non_null(json_string_value(json_object_get(json_object_get(node, "kernel"), "release")));
    assert_int_equal(strlen(json_string_value(json_object_get(node, "inventory_hash"))), 16);
    json_t *sw = exa_provenance_software();
    const char *mpi = json_string_value(json_object_get(json_object_get(sw, "mpi"), "library"));
    assert_non_null(mpi);
    assert_true(strlen(mpi) > 0);
    assert_non_null(json_object_get(sw, "build"));
    /* The inventory hash is stable between two reads of the same node. */
    json_t *again = exa_provenance_node();
    assert_string_equal(json_string_value(json_object_get(node, "inventory_hash")),
                        json_string_value(json_object_get(again, "inventory_hash")));
    json_decref(again);
    json_decref(node);
    json_decref(sw);
}

static void test_environment_filter(void **state)
{
    (void)state;
    setenv("OMP_PROC_BIND", "close", 1);
    setenv("UNRELATED_VARIABLE", "x", 1);
    json_t *env = exa_provenance_environment();
    assert_string_equal(json_string_value(json_object_get(env, "OMP_PROC_BIND")), "close");
    assert_null(json_object_get(env, "UNRELATED_VARIABLE"));
    json_decref(env);
}

static void test_peaks(void **state)
{
    (void)state;
    struct exa_cpu_peak peak;
    unsetenv("EXA_PEAK_GFLOPS_PER_CORE");
    exa_cpu_peak_detect(&peak);
    assert_true(peak.dp_flops_per_cycle >= 4);
    setenv("EXA_FLOPS_PER_CYCLE", "8", 1);
    setenv("EXA_CPU_GHZ", "2.0", 1);
    exa_cpu_peak_detect(&peak);
    assert_float_equal(peak.nominal_gflops_per_core, 16.0, 1e-12);
    assert_string_equal(peak.isa, "override");
    unsetenv("EXA_FLOPS_PER_CYCLE");
    unsetenv("EXA_CPU_GHZ");
    double measured = exa_calibrate_dgemm_gflops(300, 2);
    assert_true(measured > 0.1);
    json_t *j = exa_peak_json(&peak, measured);
    assert_non_null(json_object_get(j, "calibrated_gflops_per_core"));
    json_decref(j);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_required_fields),
        cmocka_unit_test(test_failed_verification_marks_invalid),
        cmocka_unit_test(test_unwritable_path),
        cmocka_unit_test(test_provenance_non_empty),
        cmocka_unit_test(test_environment_filter),
        cmocka_unit_test(test_peaks),
    };
    int failed = cmocka_run_group_tests_name("record", tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
