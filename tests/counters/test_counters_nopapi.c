/* Unit tests of benchmarks/common/exa_counters.c compiled as a PAPI=0 build compiles it
 * (EXA_HAVE_PAPI 0), whatever this build's PAPI setting: --papi is a usage error that says the
 * build has no PAPI, the inventory says PAPI is absent, and the NULL set stays a no-op. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#undef EXA_HAVE_PAPI
#define EXA_HAVE_PAPI 0
#include "counters_sources.h"
#include "exa_mpi.h"

static void test_empty_lists_open_nothing(void **state)
{
    (void)state;
    assert_null(exa_counters_open(NULL));
    assert_null(exa_counters_open(""));
    assert_null(exa_counters_open(" \t"));
    exa_counters_start(NULL);
    exa_counters_stop(NULL);
    exa_counters_set_model(NULL, "bytes", 1);
    exa_counters_energy_efficiency(NULL, 1);
    assert_null(exa_counters_report(NULL, MPI_COMM_WORLD));
    exa_counters_close(NULL);
    char buf[8] = "x";
    exa_counters_suggest("PAPI_TOT_CYC", 3, buf, sizeof buf);
    assert_string_equal(buf, "");
}

/* Runs exa_counters_open(list) in a child; returns its exit status, its stderr in err. */
static int open_in_child(const char *list, char *err, size_t len)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        exa_counters_open(list);
        _exit(0);    /* not reached: a usage error exits 2 */
    }
    close(fds[1]);
    size_t used = 0;
    ssize_t got;
    while (used + 1 < len && (got = read(fds[0], err + used, len - 1 - used)) > 0)
        used += (size_t)got;
    err[used] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_papi_list_is_usage_error(void **state)
{
    (void)state;
    char err[1024];
    exa_cli_init("exa-probe");
    assert_int_equal(open_in_child("PAPI_TOT_CYC", err, sizeof err), EXA_EXIT_USAGE);
    assert_non_null(strstr(err, "exa-probe: error: --papi 'PAPI_TOT_CYC': "
                                "this build has no PAPI support (built with PAPI=0)"));
    /* the energy pseudo-event too: nothing can be measured */
    assert_int_equal(open_in_child("energy", err, sizeof err), EXA_EXIT_USAGE);
    assert_non_null(strstr(err, "built with PAPI=0"));
}

static void test_inventory_says_absent(void **state)
{
    (void)state;
    json_t *inv = exa_counters_inventory();
    json_t *papi = json_object_get(inv, "papi");
    assert_true(json_is_false(json_object_get(papi, "available")));
    assert_string_equal(json_string_value(json_object_get(papi, "reason")),
                        "this build has no PAPI support (built with PAPI=0)");
    assert_int_equal(json_array_size(json_object_get(inv, "components")), 0);
    assert_int_equal(json_array_size(json_object_get(inv, "energy_sources")), 0);
    json_decref(inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_lists_open_nothing),
        cmocka_unit_test(test_papi_list_is_usage_error),
        cmocka_unit_test(test_inventory_says_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
