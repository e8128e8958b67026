/* harness/run/slurm_values.c: every value that reaches a batch script, with newline, quote, $(),
 * backtick payloads, and the valid values of each format. Quoted words are checked by reading them
 * back: shell words through bash itself, #SBATCH words through sbatch's splitting rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "slurm_values.h"

static const char *payloads[] = {
    "gpu\nrm -rf ~",       "gpu\n#SBATCH --wrap=id", "a'b",   "a\"b",     "$(id)",  "`id`", "a;id",
    "a b",                 "a\rb",                   "a\tb",  "a\\b",     "a#b",    "a|b",  "${HOME}",
    "a&&b",                "-p",                     "",      "a\x7f",    "\xc3\xa9t\xc3\xa9",
};

typedef int (*check_fn)(const char *, const char *, char *, size_t);

static int time_check(const char *f, const char *v, char *e, size_t l) { return slurm_check_time(f, v, NULL, e, l); }

static void expect_all_rejected(check_fn fn, const char *field)
{
    char err[512];
    for (size_t i = 0; i < sizeof payloads / sizeof *payloads; i++) {
        err[0] = 0;
        if (fn(field, payloads[i], err, sizeof err) != -1)
            fail_msg("%s accepted payload %zu", field, i);
        /* the error names the field, and never carries a raw control character */
        assert_non_null(strstr(err, field));
        for (const char *p = err; *p; p++)
            assert_true((unsigned char)*p >= 32 && *p != 127);
    }
}

static void test_names(void **state)
{
    char err[512];
    const char *good[] = {"batch", "gpu-a100", "debug_1", "p.x", "A1"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(slurm_check_name("launcher.partition", good[i], err, sizeof err), 0);
        assert_int_equal(slurm_check_name("launcher.account", good[i], err, sizeof err), 0);
        assert_int_equal(slurm_check_name("launcher.qos", good[i], err, sizeof err), 0);
    }
    assert_int_equal(slurm_check_name("launcher.qos", "normal+", err, sizeof err), 0);
    assert_int_equal(slurm_check_name("launcher.account", "normal+", err, sizeof err), -1);
    expect_all_rejected(slurm_check_name, "launcher.partition");
    expect_all_rejected(slurm_check_name, "launcher.account");
    expect_all_rejected(slurm_check_name, "launcher.qos");
    expect_all_rejected(slurm_check_name, "launcher.reservation");
    /* the message escapes the newline and says what is wrong */
    assert_int_equal(slurm_check_name("launcher.partition", "gpu\nrm -rf ~", err, sizeof err), -1);
    assert_non_null(strstr(err, "launcher.partition: \"gpu\\nrm -rf ~\""));
    assert_non_null(strstr(err, "control character (\\n)"));
    char longname[SLURM_NAME_MAX + 2];
    memset(longname, 'p', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(slurm_check_name("launcher.partition", longname, err, sizeof err), -1);
    longname[SLURM_NAME_MAX] = 0;
    assert_int_equal(slurm_check_name("launcher.partition", longname, err, sizeof err), 0);
    /* lists */
    assert_int_equal(slurm_check_name_list("launcher.partition", "a,b,c-1", err, sizeof err), 0);
    assert_int_equal(slurm_check_name_list("launcher.partition", "a,,b", err, sizeof err), -1);
    assert_int_equal(slurm_check_name_list("launcher.partition", "a,b\nid", err, sizeof err), -1);
    expect_all_rejected(slurm_check_name_list, "launcher.partition");
}

static void test_time_limits(void **state)
{
    char err[512];
    struct { const char *v; long min; } good[] = {
        {"30", 30},          {"0:30", 1},       {"5:00", 5},          {"90:30", 91},      {"01:30:00", 90},
        {"2:00:01", 121},    {"1-0", 1440},     {"1-12", 2160},       {"2-03:04", 2 * 1440 + 184},
        {"0-00:00:30", 1},   {"3-23:59:59", 3 * 1440 + 23 * 60 + 60}, {"UNLIMITED", -1}, {"infinite", -1},
        {"100000", 100000},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        long m = 0;
        if (slurm_check_time("launcher.time_limit", good[i].v, &m, err, sizeof err) != 0)
            fail_msg("rejected %s: %s", good[i].v, err);
        if (m != good[i].min)
            fail_msg("%s: %ld minutes, expected %ld", good[i].v, m, good[i].min);
    }
    const char *bad[] = {"",       "0",     "1:60",    "1:2:60",   "1:60:00", "1-24",  "1-1:60",    "1-1:1:60",
                         "1:2:3:4", "1-",    "-1",      "1h",       "30m",     " 30",   "30 ",       "1--2",
                         "1-2-3",  "a:b",   "1:",      ":1",       "0:0",     "0-0",   "1234567890"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (slurm_check_time("launcher.time_limit", bad[i], NULL, err, sizeof err) != -1)
            fail_msg("accepted time limit \"%s\"", bad[i]);
    expect_all_rejected(time_check, "launcher.time_limit");
    assert_int_equal(slurm_check_time("launcher.time_limit", "10\n#SBATCH --wrap=id", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "\\n"));
}

static void test_nodes_and_job_names(void **state)
{
    char err[512];
    const char *good[] = {"1", "16", "2-4", "1000000", "3-3"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(slurm_check_nodes("nodes", good[i], err, sizeof err), 0);
    const char *bad[] = {"0", "4-2", "1000001", "1-", "-1", "1,2", "x", "1 "};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(slurm_check_nodes("nodes", bad[i], err, sizeof err), -1);
    expect_all_rejected(slurm_check_nodes, "nodes");
    assert_int_equal(slurm_check_job_name("job name", "exabench-20261125T110312Z-host-step1", err, sizeof err), 0);
    assert_int_equal(slurm_check_job_name("job name", "a,b=c:d.e", err, sizeof err), 0);
    const char *badnames[] = {"a b", "a'b", "a\"b", "$(id)", "`id`", "a#b", "a\nb", "a;b", "a\\b", ""};
    for (size_t i = 0; i < sizeof badnames / sizeof *badnames; i++)
        assert_int_equal(slurm_check_job_name("job name", badnames[i], err, sizeof err), -1);
    /* host lists */
    assert_int_equal(slurm_check_hostlist("excluded_nodes", "n[001-004,7],gpu-1", err, sizeof err), 0);
    assert_int_equal(slurm_check_hostlist("excluded_nodes", "n[1-2", err, sizeof err), -1);
    assert_int_equal(slurm_check_hostlist("excluded_nodes", "n1]", err, sizeof err), -1);
    assert_int_equal(slurm_check_hostlist("excluded_nodes", "n[[1]]", err, sizeof err), -1);
    expect_all_rejected(slurm_check_hostlist, "excluded_nodes");
    /* paths: spaces and quotes are fine (quoted later), control characters are not */
    assert_int_equal(slurm_check_path("--output", "/res/my run/slurm/step-1.out", err, sizeof err), 0);
    assert_int_equal(slurm_check_path("--output", "/res/it's \"here\"/x.out", err, sizeof err), 0);
    assert_int_equal(slurm_check_path("--output", "/res/a\nb", err, sizeof err), -1);
    assert_int_equal(slurm_check_path("--output", "", err, sizeof err), -1);
}

/* Runs bash -c 'printf %s WORD' and returns its output. */
static char *through_bash(const char *word)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    char script[8192];
    snprintf(script, sizeof script, "printf %%s %s", word);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execl("/bin/bash", "bash", "-c", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    static char out[8192];
    size_t n = 0;
    ssize_t r;
    while ((r = read(fds[0], out + n, sizeof out - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = 0;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return out;
}

static void test_shell_word(void **state)
{
    const char *values[] = {"plain", "a b", "it's", "''", "$(touch /tmp/exa-pwned)", "`touch /tmp/exa-pwned`",
                            "a\nb", "a;b|c&d", "${HOME}", "\\", "\"", "!x", "*", "~", "-n", "a'b'c'"};
    unlink("/tmp/exa-pwned");
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char w[512];
        size_t need = slurm_shell_word(w, sizeof w, values[i]);
        assert_int_equal(need, strlen(w));
        assert_string_equal(through_bash(w), values[i]);
    }
    assert_int_equal(access("/tmp/exa-pwned", F_OK), -1);
    char w[16];
    assert_int_equal(slurm_shell_word(w, sizeof w, ""), 2);
    assert_string_equal(w, "''");
    /* too small: never a cut-off word */
    assert_true(slurm_shell_word(w, 4, "abcdef") > 4);
    assert_string_equal(w, "");
}

struct words {
    char w[8][512];
    int n;
};

static void collect(void *ctx, const char *word)
{
    struct words *ws = ctx;
    if (ws->n < 8)
        snprintf(ws->w[ws->n++], sizeof ws->w[0], "%s", word);
}

static void test_sbatch_words(void **state)
{
    const char *values[] = {"/res/my run/slurm/step-1.out", "/res/it's/x", "/res/\"q\"/x", "/res/back\\slash",
                            "/res/#hash/x",                  "/res/$(id)/`id`", "plain", "a  b"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char line[1024], err[256];
        long n = slurm_sbatch_line(line, sizeof line, "output", values[i], 0, err, sizeof err);
        assert_true(n > 0);
        assert_int_equal((size_t)n, strlen(line));
        assert_int_equal(line[n - 1], '\n');
        assert_ptr_equal(strchr(line, '\n'), line + n - 1);
        assert_true(!strncmp(line, "#SBATCH ", 8));
        struct words ws = {.n = 0};
        assert_int_equal(slurm_sbatch_split(line + 8, collect, &ws), 1);
        char want[1024];
        snprintf(want, sizeof want, "--output=%s", values[i]);
        assert_string_equal(ws.w[0], want);
    }
    /* a filename pattern: % doubled when asked */
    char w[128];
    assert_true(slurm_sbatch_word(w, sizeof w, "/res/100%/x", 1) > 0);
    assert_string_equal(w, "\"/res/100%%/x\"");
    assert_true(slurm_sbatch_word(w, sizeof w, "/res/100%/x", 0) > 0);
    assert_string_equal(w, "\"/res/100%/x\"");
    assert_true(slurm_sbatch_word(w, sizeof w, "/res/a\\b%/x", 1) > 0);   /* no patterns with a backslash */
    assert_string_equal(w, "\"/res/a\\\\b%/x\"");
    /* control characters can not be carried by a line */
    char err[256];
    for (size_t i = 0; i < sizeof payloads / sizeof *payloads; i++) {
        char line[512];
        int has_control = 0;
        for (const char *p = payloads[i]; *p; p++)
            has_control |= (unsigned char)*p < 32 || *p == 127;
        long n = slurm_sbatch_line(line, sizeof line, "partition", payloads[i], 0, err, sizeof err);
        if (has_control) {
            assert_int_equal(n, -1);
            assert_string_equal(line, "");
            assert_non_null(strstr(err, "--partition"));
        } else {
            assert_true(n > 0);
            struct words ws = {.n = 0};
            assert_int_equal(slurm_sbatch_split(line + 8, collect, &ws), 1);
            char want[512];
            snprintf(want, sizeof want, "--partition=%s", payloads[i]);
            assert_string_equal(ws.w[0], want);
        }
    }
    /* option names are checked too */
    char line[128];
    assert_int_equal(slurm_sbatch_line(line, sizeof line, "output\n#SBATCH", "x", 0, err, sizeof err), -1);
    assert_int_equal(slurm_sbatch_line(line, sizeof line, "--output", "x", 0, err, sizeof err), -1);
    /* too small a buffer: the needed length, no partial line */
    assert_true(slurm_sbatch_line(line, 12, "output", "/a/long/path", 0, err, sizeof err) > 12);
    assert_string_equal(line, "");
    /* sbatch's splitting itself: comments, quotes, escapes */
    struct words ws = {.n = 0};
    assert_int_equal(slurm_sbatch_split(" --time=10 # a comment", collect, &ws), 1);
    assert_string_equal(ws.w[0], "--time=10");
    ws.n = 0;
    assert_int_equal(slurm_sbatch_split(" --output='a b' -J \"x\\\"y\"", collect, &ws), 3);
    assert_string_equal(ws.w[0], "--output=a b");
    assert_string_equal(ws.w[2], "x\"y");
}

static void test_env_names(void **state)
{
    char err[512];
    const char *good[] = {"OMP_NUM_THREADS", "_x", "a1", "UCX_TLS"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(slurm_check_env_name("env", good[i], err, sizeof err), 0);
    const char *bad[] = {"1A", "A-B", "A=B", "A B", "A;id", "$(id)", "A\nB", "", "A.B"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(slurm_check_env_name("env", bad[i], err, sizeof err), -1);
    expect_all_rejected(slurm_check_env_name, "env");
}

static void test_launcher(void **state)
{
    char err[512];
    struct slurm_launcher_values v = {.partition = "batch", .account = "proj1", .qos = "normal",
                                      .time_limit = "1-00:00", .job_name = "exabench-r-step1",
                                      .output = "/res/my run/slurm/step-1.out", .exclude = "n[1-2]"};
    assert_int_equal(slurm_check_launcher(&v, err, sizeof err), 0);
    v.qos = "normal\nrm -rf ~";
    assert_int_equal(slurm_check_launcher(&v, err, sizeof err), -1);
    assert_non_null(strstr(err, "launcher.qos"));
    v.qos = NULL;
    v.time_limit = "10`id`";
    assert_int_equal(slurm_check_launcher(&v, err, sizeof err), -1);
    assert_non_null(strstr(err, "launcher.time_limit"));
    v.time_limit = NULL;
    v.account = "$(id)";
    assert_int_equal(slurm_check_launcher(&v, err, sizeof err), -1);
    assert_non_null(strstr(err, "launcher.account: \"$(id)\""));
    struct slurm_launcher_values none = {0};
    assert_int_equal(slurm_check_launcher(&none, err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),         cmocka_unit_test(test_time_limits),
        cmocka_unit_test(test_nodes_and_job_names), cmocka_unit_test(test_shell_word),
        cmocka_unit_test(test_sbatch_words),  cmocka_unit_test(test_env_names),
        cmocka_unit_test(test_launcher),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
