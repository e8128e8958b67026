/* harness/run/loadcheck.c: a busy-loop child is seen as foreign load, named with its pid; the
 * same child is not foreign once it belongs to the run (by pid or by the run's EXA_RUN_TAG).
 * Other work on a shared machine may add foreign load, so no test expects "quiet". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loadcheck.h"
#include "proctrack.h"

static pid_t busy_child(const char *tag)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        alarm(30);  /* survives execve: a failed assertion before stop() leaves no spinner behind */
        if (tag) {
            char env[300];
            snprintf(env, sizeof env, "%s=%s", PROCTRACK_ENV, tag);
            char *envp[] = {env, NULL};
            char *argv[] = {"sh", "-c", "while :; do :; done", NULL};
            execve("/bin/sh", argv, envp);
            _exit(127);
        }
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    usleep(100 * 1000);  /* let it start spinning */
    return p;
}

static void stop(pid_t p)
{
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
}

static int in_top(const struct load_sample *s, pid_t p, double *cores)
{
    for (int k = 0; k < s->ntop; k++)
        if (s->top[k].pid == p) {
            if (cores)
                *cores = s->top[k].cores;
            return 1;
        }
    return 0;
}

static void test_busy_child_is_foreign(void **state)
{
    pid_t p = busy_child(NULL);
    struct load_sample s;
    struct load_options o = {.window_s = 0.5, .threshold = 0.2};
    assert_int_equal(load_sample_take(&s, &o), 0);
    stop(p);
    print_message("# %s\n", s.verdict);
    double c = 0;
    assert_true(in_top(&s, p, &c));
    assert_true(c >= 0.1);          /* one core, less what a shared, loaded machine takes from it */
    assert_true(s.foreign_cores >= c - 0.01);
    assert_true(s.foreign_load);
    assert_true(!strncmp(s.verdict, "foreign load:", 13));
    char pidtxt[32];
    snprintf(pidtxt, sizeof pidtxt, "pid %ld", (long)p);
    assert_non_null(strstr(s.verdict, pidtxt));
    assert_true(s.cores >= 1);
    assert_true(s.window_s >= 0.49 && s.window_s < 2);
    assert_true(s.busy_cores > 0.1);
    assert_true(s.foreign_busy >= 1);
    /* the verdict follows the numbers */
    assert_int_equal(s.foreign_load, s.foreign_cores > s.threshold * s.cores);
}

static void test_own_pid_is_not_foreign(void **state)
{
    pid_t p = busy_child(NULL);
    struct load_sample s;
    struct load_options o = {.window_s = 0.5, .threshold = 0.2, .own_pids = &p, .n_own_pids = 1};
    assert_int_equal(load_sample_take(&s, &o), 0);
    stop(p);
    print_message("# %s\n", s.verdict);
    assert_false(in_top(&s, p, NULL));
    assert_true(s.own_cores >= 0.1);
    assert_int_equal(s.foreign_load, s.foreign_cores > s.threshold * s.cores);
}

static void test_own_run_tag_is_not_foreign(void **state)
{
    char tag[64];
    snprintf(tag, sizeof tag, "load%ld:tok", (long)getpid());
    pid_t p = busy_child(tag);
    struct load_sample s;
    char run[64];
    snprintf(run, sizeof run, "load%ld", (long)getpid());
    struct load_options o = {.window_s = 0.5, .own_run_id = run};
    assert_int_equal(load_sample_take(&s, &o), 0);
    assert_false(in_top(&s, p, NULL));
    assert_true(s.own_cores >= 0.1);
    /* another run's processes are foreign */
    struct load_options other = {.window_s = 0.5, .own_run_id = "some-other-run"};
    assert_int_equal(load_sample_take(&s, &other), 0);
    stop(p);
    assert_true(in_top(&s, p, NULL));
    assert_true(s.foreign_load);
}

static void test_json(void **state)
{
    struct load_sample s;
    assert_int_equal(load_sample_take(&s, NULL), 0);
    assert_true(s.threshold == LOAD_DEFAULT_THRESHOLD);
    json_t *j = load_sample_json(&s);
    const char *keys[] = {"loadavg", "runnable", "cores", "window_s", "busy_cores", "own_cores", "foreign_cores",
                          "foreign_running", "top", "threshold", "foreign_load", "verdict"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_non_null(json_object_get(j, keys[i]));
    assert_int_equal(json_array_size(json_object_get(j, "loadavg")), 3);
    assert_true(json_is_boolean(json_object_get(j, "foreign_load")));
    assert_int_equal(json_integer_value(json_object_get(j, "cores")), s.cores);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busy_child_is_foreign),
        cmocka_unit_test(test_own_pid_is_not_foreign),
        cmocka_unit_test(test_own_run_tag_is_not_foreign),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
