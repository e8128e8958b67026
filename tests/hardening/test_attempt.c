/* Attempt files: the harness's side (harness/run/attempt.c) and the benchmark's
 * (benchmarks/common/exa_attempt.c), together: an abandoned attempt writes no record. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attempt.h"
#include "exa_attempt.h"

static char dir[PATH_MAX];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/exa-attempt.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* What exa_record_write does once wired: the record lands only while the attempt is live. */
static int write_record(const char *path, char *why, size_t len)
{
    char tmp[PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fputs("{\"valid\": true}\n", f);
    fclose(f);
    int lock;
    if (exa_attempt_commit_begin(&lock, why, len) != 1) {
        unlink(tmp);
        return -1;
    }
    int rc = rename(tmp, path);
    exa_attempt_commit_end(lock);
    return rc;
}

static void test_standalone(void **state)
{
    char why[512];
    unsetenv(EXA_ATTEMPT_ENV);
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 1);
    int lock = 7;
    assert_int_equal(exa_attempt_commit_begin(&lock, why, sizeof why), 1);
    assert_int_equal(lock, -1);
    exa_attempt_commit_end(lock);
    setenv(EXA_ATTEMPT_ENV, "", 1);
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 1);
    unsetenv(EXA_ATTEMPT_ENV);
}

static void test_create(void **state)
{
    struct attempt a, b;
    char err[512];
    assert_int_equal(attempt_create(dir, "0001-hpl-n1000", &a, err, sizeof err), 0);
    assert_int_equal(attempt_create(dir, "0001-hpl-n1000", &b, err, sizeof err), 0);
    assert_string_not_equal(a.token, b.token);
    assert_true(!strncmp(a.token, "0001-hpl-n1000.", 15));
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s/attempts/%s", dir, a.token);
    assert_string_equal(a.path, want);
    char detail[256];
    assert_int_equal(attempt_state(a.path, detail, sizeof detail), ATTEMPT_LIVE);
    struct stat st;
    assert_int_equal(stat(a.path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* labels that are not file names */
    const char *bad[] = {"", "../x", "a/b", ".hidden", "-x", "a b", "a\nb"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(attempt_create(dir, bad[i], &a, err, sizeof err), -1);
    /* no temporary files left */
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s/attempts' | wc -l) -eq 2", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_attempts_dir_symlink(void **state)
{
    char other[PATH_MAX + 16], err[512];
    snprintf(other, sizeof other, "%s/sub", dir);
    assert_int_equal(mkdir(other, 0755), 0);
    char link[PATH_MAX + 32];
    snprintf(link, sizeof link, "%s/attempts", other);
    assert_int_equal(symlink("/tmp", link), 0);
    struct attempt a;
    assert_int_equal(attempt_create(other, "x", &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a folder"));
}

static void test_abandon_blocks_record(void **state)
{
    struct attempt a;
    char err[512], why[512], rec[PATH_MAX + 32];
    assert_int_equal(attempt_create(dir, "0002-stream", &a, err, sizeof err), 0);
    setenv(EXA_ATTEMPT_ENV, a.path, 1);
    snprintf(rec, sizeof rec, "%s/rec-live.json", dir);
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 1);
    assert_int_equal(write_record(rec, why, sizeof why), 0);
    assert_int_equal(access(rec, F_OK), 0);

    assert_int_equal(attempt_mark(a.path, ATTEMPT_ABANDONED, "timeout after 600 s\nsecond line", 1.0, err, sizeof err), 0);
    char detail[256];
    assert_int_equal(attempt_state(a.path, detail, sizeof detail), ATTEMPT_ABANDONED);
    assert_string_equal(detail, "timeout after 600 s second line");
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 0);
    assert_non_null(strstr(why, "abandoned"));
    assert_non_null(strstr(why, "timeout after 600 s"));
    snprintf(rec, sizeof rec, "%s/rec-orphan.json", dir);
    assert_int_equal(write_record(rec, why, sizeof why), -1);
    assert_int_equal(access(rec, F_OK), -1);
    char tmp[PATH_MAX + 48];
    snprintf(tmp, sizeof tmp, "%s.tmp", rec);
    assert_int_equal(access(tmp, F_OK), -1);

    /* finished is not live either */
    struct attempt f;
    assert_int_equal(attempt_create(dir, "0003", &f, err, sizeof err), 0);
    assert_int_equal(attempt_mark(f.path, ATTEMPT_FINISHED, NULL, 1.0, err, sizeof err), 0);
    assert_int_equal(attempt_state(f.path, detail, sizeof detail), ATTEMPT_FINISHED);
    setenv(EXA_ATTEMPT_ENV, f.path, 1);
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 0);
    /* a removed file: abandoned */
    unlink(f.path);
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 0);
    assert_non_null(strstr(why, "gone"));
    assert_int_equal(attempt_state(f.path, detail, sizeof detail), ATTEMPT_MISSING);
    assert_int_equal(attempt_mark(f.path, ATTEMPT_ABANDONED, "x", 0.1, err, sizeof err), 0);
    /* only abandoned and finished can be set */
    assert_int_equal(attempt_mark(a.path, ATTEMPT_LIVE, "x", 0.1, err, sizeof err), -1);
    unsetenv(EXA_ATTEMPT_ENV);
}

/* A benchmark in the middle of putting its record in place holds the shared lock: the harness's
 * mark waits for it (or reports that it could not mark yet), and once marked the next commit fails. */
static void test_lock_orders_commit_and_mark(void **state)
{
    struct attempt a;
    char err[512], why[512];
    assert_int_equal(attempt_create(dir, "0004-comm", &a, err, sizeof err), 0);
    setenv(EXA_ATTEMPT_ENV, a.path, 1);
    int go[2], done[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int lock;
        char w[256];
        int live = exa_attempt_commit_begin(&lock, w, sizeof w);
        if (write(go[1], "x", 1) != 1)
            _exit(3);
        char c;
        if (read(done[0], &c, 1) != 1)
            _exit(4);
        exa_attempt_commit_end(lock);
        _exit(live == 1 ? 0 : 1);
    }
    char c;
    assert_int_equal(read(go[0], &c, 1), 1);
    /* the benchmark holds the lock: a short wait can not mark */
    assert_int_equal(attempt_mark(a.path, ATTEMPT_ABANDONED, "killed", 0.2, err, sizeof err), 1);
    assert_int_equal(attempt_state(a.path, NULL, 0), ATTEMPT_LIVE);
    assert_int_equal(write(done[1], "x", 1), 1);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* released (the process is gone): now it marks */
    assert_int_equal(attempt_mark(a.path, ATTEMPT_ABANDONED, "killed", 0.2, err, sizeof err), 0);
    int lock;
    assert_int_equal(exa_attempt_commit_begin(&lock, why, sizeof why), 0);
    assert_int_equal(lock, -1);

    /* a mark waiting for a commit in progress succeeds as soon as the commit ends */
    struct attempt b;
    assert_int_equal(attempt_create(dir, "0005-comm", &b, err, sizeof err), 0);
    setenv(EXA_ATTEMPT_ENV, b.path, 1);
    pid = fork();
    if (pid == 0) {
        int l;
        char w[256];
        int live = exa_attempt_commit_begin(&l, w, sizeof w);
        if (write(go[1], "x", 1) != 1)
            _exit(3);
        usleep(200 * 1000);
        exa_attempt_commit_end(l);
        _exit(live == 1 ? 0 : 1);
    }
    assert_int_equal(read(go[0], &c, 1), 1);
    assert_int_equal(attempt_mark(b.path, ATTEMPT_ABANDONED, "killed", 5.0, err, sizeof err), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 0);
    unsetenv(EXA_ATTEMPT_ENV);
}

static void test_state_names(void **state)
{
    assert_string_equal(attempt_state_name(ATTEMPT_LIVE), "live");
    assert_string_equal(attempt_state_name(ATTEMPT_ABANDONED), "abandoned");
    assert_string_equal(attempt_state_name(ATTEMPT_FINISHED), "finished");
    assert_string_equal(attempt_state_name(ATTEMPT_MISSING), "missing");
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/odd", dir);
    FILE *f = fopen(p, "w");
    fputs("livestock\n", f);
    fclose(f);
    assert_int_equal(attempt_state(p, NULL, 0), ATTEMPT_UNKNOWN);
    setenv(EXA_ATTEMPT_ENV, p, 1);
    char why[256];
    assert_int_equal(exa_attempt_still_live(why, sizeof why), 0);
    unsetenv(EXA_ATTEMPT_ENV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standalone),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_attempts_dir_symlink),
        cmocka_unit_test(test_abandon_blocks_record),
        cmocka_unit_test(test_lock_orders_commit_and_mark),
        cmocka_unit_test(test_state_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
