/* harness/run/proctrack.c: processes that escape their process group and their parent
 * (setsid, double fork) are still found by their run's tag (and by the run's cgroup where there
 * is one) and killed, including one that ignores SIGTERM and one that scrubs its environment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proctrack.h"

static char run_id[64];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum escaper { PLAIN, IGNORE_TERM, SCRUBBED_ENV, OWN_PGRP };

/* In a child already carrying the tag: setsid, fork, the middle process exits, the grandchild
 * (orphaned, in a session of its own) becomes `sleep 300`. */
static void spawn_escaper(enum escaper kind)
{
    pid_t p = fork();
    if (p != 0) {
        if (p > 0)
            waitpid(p, NULL, 0);
        return;
    }
    if (kind == OWN_PGRP)
        setpgid(0, 0);
    else
        setsid();
    if (fork() != 0)
        _exit(0);
    if (kind == IGNORE_TERM)
        signal(SIGTERM, SIG_IGN);
    char *argv[] = {"sleep", "300", NULL};
    if (kind == SCRUBBED_ENV) {
        char *envp[] = {NULL};
        execve("/bin/sleep", argv, envp);
    } else {
        execv("/bin/sleep", argv);
    }
    _exit(127);
}

/* A launcher process in the attempt (tag set; in the cgroup when pt has one) that starts the
 * escapers and exits, as a killed mpirun would leave its ranks. */
static void launch(const struct proctrack *pt, const enum escaper *kinds, size_t n)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        proctrack_child_enter(pt);
        setenv(PROCTRACK_ENV, pt->tag, 1);
        for (size_t i = 0; i < n; i++)
            spawn_escaper(kinds[i]);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(p, &status, 0), p);
}

/* Polls until the attempt has want members (or 3 s pass). */
static int wait_members(const struct proctrack *pt, int want, pid_t *pids, size_t cap)
{
    double t0 = now_s();
    int n;
    do {
        n = proctrack_members(pt, pids, cap);
        if (n == want)
            return n;
        usleep(20 * 1000);
    } while (now_s() - t0 < 3);
    return n;
}

static int gone(pid_t pid)
{
    if (kill(pid, 0) != 0)
        return errno == ESRCH;
    /* a zombie not yet reaped is gone too */
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = 0;
    char *rp = strrchr(buf, ')');
    return rp && (rp[2] == 'Z' || rp[2] == 'X');
}

static int setup(void **state)
{
    snprintf(run_id, sizeof run_id, "t%ld-%ld", (long)getpid(), (long)time(NULL));
    assert_int_equal(proctrack_harness_init(), 0);
    return 0;
}

static void test_begin_checks(void **state)
{
    struct proctrack pt;
    char err[256], why[256];
    assert_int_equal(proctrack_begin(&pt, "../x", "tok", 0, err, sizeof err, why, sizeof why), -1);
    assert_int_equal(proctrack_begin(&pt, "run", "a:b", 0, err, sizeof err, why, sizeof why), -1);
    assert_int_equal(proctrack_begin(&pt, "run", "", 0, err, sizeof err, why, sizeof why), -1);
    assert_int_equal(proctrack_begin(&pt, "run", "tok.1", 0, err, sizeof err, why, sizeof why), 0);
    assert_string_equal(pt.tag, "run:tok.1");
    assert_string_equal(pt.env_name, "EXA_RUN_TAG");
    assert_string_equal(pt.cgroup, "");
    assert_int_equal(proctrack_child_enter(&pt), -1);
    assert_int_equal(proctrack_end(&pt), 0);
    /* attach: tags as kept in a manifest; a cgroup path outside cgroupfs is ignored */
    assert_int_equal(proctrack_attach(&pt, "run:tok", "/tmp"), 0);
    assert_string_equal(pt.cgroup, "");
    assert_int_equal(proctrack_attach(&pt, "run:tok", "/sys/fs/cgroup/../../etc"), 0);
    assert_string_equal(pt.cgroup, "");
    assert_int_equal(proctrack_attach(&pt, "notag", NULL), -1);
    assert_int_equal(proctrack_attach(&pt, "../r:tok", NULL), -1);
}

static void escapers_found_and_killed(int use_cgroup)
{
    struct proctrack pt;
    char err[256], why[512];
    char token[64];
    snprintf(token, sizeof token, "a%d", use_cgroup);
    assert_int_equal(proctrack_begin(&pt, run_id, token, use_cgroup, err, sizeof err, why, sizeof why), 0);
    if (use_cgroup && !pt.cgroup[0])
        skip();  /* no writable cgroup v2 here (why says why); the marker path is tested below */
    enum escaper kinds[] = {PLAIN, PLAIN, IGNORE_TERM, OWN_PGRP, SCRUBBED_ENV};
    size_t nk = sizeof kinds / sizeof *kinds;
    /* without a cgroup the scrubbed one can not be found by the marker: leave it out */
    if (!pt.cgroup[0])
        nk--;
    launch(&pt, kinds, nk);
    pid_t pids[64];
    int n = wait_members(&pt, (int)nk, pids, 64);
    assert_int_equal(n, (int)nk);
    /* each escaped: its own session or group, not ours */
    for (int i = 0; i < n; i++) {
        assert_true(getpgid(pids[i]) != getpgrp());
        assert_true(pids[i] != getpid());
    }
    char d[256], want[256];
    snprintf(want, sizeof want, "(run %s)", pt.tag);
    int described = 0;
    for (int i = 0; i < n; i++)
        described += strstr(proctrack_describe(pids[i], d, sizeof d), want) != NULL;
    assert_true(described >= n - 1);   /* all but the one with a scrubbed environment */
    /* the list by run id finds the tagged ones too */
    pid_t listed[64];
    int nl = proctrack_list(run_id, NULL, listed, 64);
    assert_true(nl >= (int)(pt.cgroup[0] ? nk - 1 : nk));
    assert_int_equal(proctrack_list("no-such-run", NULL, listed, 64), 0);
    assert_true(proctrack_list(NULL, NULL, listed, 64) >= nl);

    double t0 = now_s();
    int left = proctrack_kill(&pt, 0.5, 5.0, NULL, 0);
    double took = now_s() - t0;
    assert_int_equal(left, 0);
    /* one ignored SIGTERM, so the grace had to pass; and then it was quick */
    assert_true(took >= 0.45);
    assert_true(took < 3.0);
    for (int i = 0; i < n; i++)
        assert_true(gone(pids[i]));
    assert_int_equal(proctrack_members(&pt, pids, 64), 0);
    if (pt.cgroup[0]) {
        char cg[sizeof pt.cgroup];
        snprintf(cg, sizeof cg, "%s", pt.cgroup);
        assert_int_equal(proctrack_end(&pt), 0);
        struct stat st;
        assert_int_equal(stat(cg, &st), -1);
    } else {
        assert_int_equal(proctrack_end(&pt), 0);
    }
}

static void test_escapers_marker(void **state) { escapers_found_and_killed(0); }
static void test_escapers_cgroup(void **state) { escapers_found_and_killed(1); }

/* Without the subreaper the orphans go to init; the marker still finds them (this is what
 * --resume sees after the harness itself was killed). */
static void test_orphans_of_a_dead_harness(void **state)
{
    struct proctrack pt;
    char err[256];
    assert_int_equal(proctrack_begin(&pt, run_id, "dead", 0, err, sizeof err, NULL, 0), 0);
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);  /* so the orphans go to init, as in the field */
    pid_t harness = fork();
    if (harness == 0) {
        /* a stand-in harness: not a subreaper; starts the run and is killed */
        enum escaper kinds[] = {PLAIN, PLAIN};
        setenv(PROCTRACK_ENV, pt.tag, 1);
        for (size_t i = 0; i < 2; i++)
            spawn_escaper(kinds[i]);
        pause();
        _exit(0);
    }
    pid_t pids[16];
    /* two sleeps; the stand-in harness (not exec'd) does not show the tag in its environ */
    assert_int_equal(wait_members(&pt, 2, pids, 16), 2);
    kill(harness, SIGKILL);
    waitpid(harness, NULL, 0);
    struct proctrack again;
    assert_int_equal(proctrack_attach(&again, pt.tag, NULL), 0);
    assert_int_equal(proctrack_members(&again, pids, 16), 2);
    assert_int_equal(proctrack_kill(&again, 1.0, 5.0, NULL, 0), 0);
    for (int i = 0; i < 2; i++)
        assert_true(gone(pids[i]));
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* By run folder: processes whose EXA_ATTEMPT_FILE lies in <folder>/attempts/, found through the
 * folder as given or through a symlink to it; another folder's are not listed. */
static void test_list_in_dir(void **state)
{
    char dir[64], other[64], link[80];
    snprintf(dir, sizeof dir, "/tmp/exa-pt.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(other, sizeof other, "%s-other", dir);
    snprintf(link, sizeof link, "%s-link", dir);
    assert_int_equal(mkdir(other, 0755), 0);
    assert_int_equal(symlink(dir, link), 0);
    pid_t kids[2];
    const char *dirs[2] = {dir, other};
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            char env[200];
            snprintf(env, sizeof env, "EXA_ATTEMPT_FILE=%s/attempts/0001-x.abc", dirs[i]);
            char *envp[] = {env, NULL};
            char *argv[] = {"sleep", "300", NULL};
            execve("/bin/sleep", argv, envp);
            _exit(127);
        }
    }
    pid_t pids[16];
    int n = 0;
    for (int t = 0; t < 150 && n != 1; t++) {
        n = proctrack_list_in_dir(dir, pids, 16);
        usleep(20 * 1000);
    }
    assert_int_equal(n, 1);
    assert_int_equal(pids[0], kids[0]);
    char d[256], want[64];
    snprintf(want, sizeof want, "pid %ld sleep", (long)kids[0]);
    assert_string_equal(proctrack_describe(kids[0], d, sizeof d), want);
    assert_int_equal(proctrack_list_in_dir(link, pids, 16), 1);
    char slash[100];
    snprintf(slash, sizeof slash, "%s/", dir);
    assert_int_equal(proctrack_list_in_dir(slash, pids, 16), 1);
    assert_int_equal(proctrack_list_in_dir(other, pids, 16), 1);
    assert_int_equal(pids[0], kids[1]);
    assert_int_equal(proctrack_list_in_dir("/nonexistent", pids, 16), 0);
    for (int i = 0; i < 2; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    unlink(link);
    rmdir(other);
    rmdir(dir);
}

static void test_reap_keeps(void **state)
{
    pid_t a = fork();
    if (a == 0)
        _exit(3);
    pid_t b = fork();
    if (b == 0)
        _exit(4);
    usleep(100 * 1000);
    pid_t keep[] = {a};
    assert_true(proctrack_reap(keep, 1) >= 1);
    int status;
    assert_int_equal(waitpid(b, &status, WNOHANG), -1);  /* b was reaped */
    assert_int_equal(errno, ECHILD);
    assert_int_equal(waitpid(a, &status, 0), a);          /* a was kept for its owner */
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

static void test_cgroup_detection(void **state)
{
    char base[4096], why[512] = "";
    int ok = proctrack_cgroup_available(base, sizeof base, why, sizeof why);
    if (ok)
        print_message("# cgroup v2 available under %s\n", base);
    else
        print_message("# no cgroup v2: %s\n", why);
    assert_true(ok ? base[0] == '/' : why[0] != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_begin_checks),
        cmocka_unit_test(test_cgroup_detection),
        cmocka_unit_test(test_escapers_marker),
        cmocka_unit_test(test_escapers_cgroup),
        cmocka_unit_test(test_orphans_of_a_dead_harness),
        cmocka_unit_test(test_list_in_dir),
        cmocka_unit_test(test_reap_keeps),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
