/* harness/results/safe_io.c: run ids that traverse, manifest paths that escape the run folder,
 * /dev/zero and fifos as records, planted symlinks at report outputs, umask 000. */
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
#include <unistd.h>

#include "safe_io.h"

static char root[PATH_MAX];   /* scratch: root/run is a run folder, root/outside a neighbour */

static void put(const char *rel, const char *text)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *at(const char *rel)
{
    static char p[4][PATH_MAX + 64];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

static int setup(void **state)
{
    snprintf(root, sizeof root, "/tmp/exa-safeio.XXXXXX");
    assert_non_null(mkdtemp(root));
    assert_int_equal(mkdir(at("run"), 0755), 0);
    assert_int_equal(mkdir(at("run/records"), 0755), 0);
    assert_int_equal(mkdir(at("outside"), 0755), 0);
    put("run/records/a.json", "{\"ok\": 1}\n");
    put("outside/secret.json", "{\"secret\": 1}\n");
    return 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- (a) run ids ---- */
static void test_run_ids(void **state)
{
    char err[512];
    const char *good[] = {"20261125T110312Z-myhost", "a", "run_1.2-3", "X9"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(safe_run_id_check(good[i], err, sizeof err), 0);
    const char *bad[] = {"", "../../x", "..", ".", ".hidden", "a/b", "/abs", "-rf", "a b", "a\nb", "a$b",
                         "a\\b", "caf\xc3\xa9", "a:b", "a*"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_int_equal(safe_run_id_check(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "run id"));
    }
    char longid[SAFE_RUN_ID_MAX + 2];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    assert_int_equal(safe_run_id_check(longid, err, sizeof err), -1);
    longid[SAFE_RUN_ID_MAX] = 0;
    assert_int_equal(safe_run_id_check(longid, err, sizeof err), 0);
    /* control characters are shown escaped, never raw */
    assert_int_equal(safe_run_id_check("x\ny", err, sizeof err), -1);
    assert_null(strchr(err, '\n'));
    assert_non_null(strstr(err, "x\\ny"));
}

/* ---- (b) confinement ---- */
static void test_rel_paths_lexical(void **state)
{
    char err[512];
    assert_int_equal(safe_rel_path_check("records/a.json", err, sizeof err), 0);
    assert_int_equal(safe_rel_path_check("records/./a.json", err, sizeof err), 0);
    assert_int_equal(safe_rel_path_check("a..b/c..", err, sizeof err), 0);
    const char *bad[] = {"", "/dev/zero", "/etc/passwd", "../outside/secret.json", "records/../../x", "..",
                         "records/..", "a/../b", "rec\nords/a.json"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(safe_rel_path_check(bad[i], err, sizeof err), -1);
    assert_int_equal(safe_rel_path_check("../x", err, sizeof err), -1);
    assert_non_null(strstr(err, ".."));
    assert_int_equal(safe_rel_path_check("/dev/zero", err, sizeof err), -1);
    assert_non_null(strstr(err, "absolute"));
}

static void test_confine_reads(void **state)
{
    char err[512];
    size_t len = 0;
    char *s = safe_read_in_dir(at("run"), "records/a.json", 0, &len, err, sizeof err);
    assert_non_null(s);
    assert_string_equal(s, "{\"ok\": 1}\n");
    assert_int_equal(len, 10);
    free(s);
    /* escapes */
    assert_null(safe_read_in_dir(at("run"), "../outside/secret.json", 0, &len, err, sizeof err));
    assert_null(safe_read_in_dir(at("run"), "/dev/zero", 0, &len, err, sizeof err));
    /* a symlink inside the run folder that leads out: refused, the target is not read */
    assert_int_equal(symlink("../../outside/secret.json", at("run/records/link.json")), 0);
    assert_null(safe_read_in_dir(at("run"), "records/link.json", 0, &len, err, sizeof err));
    assert_non_null(strstr(err, "symbolic link"));
    /* a symlinked folder on the way */
    assert_int_equal(symlink("../outside", at("run/evil")), 0);
    assert_null(safe_read_in_dir(at("run"), "evil/secret.json", 0, &len, err, sizeof err));
    assert_non_null(strstr(err, "symbolic link"));
    /* a symlink to /dev/zero */
    assert_int_equal(symlink("/dev/zero", at("run/records/zero.json")), 0);
    assert_null(safe_read_in_dir(at("run"), "records/zero.json", 0, &len, err, sizeof err));
    /* missing: ENOENT, so the caller can say "no record" */
    errno = 0;
    assert_null(safe_read_in_dir(at("run"), "records/none.json", 0, &len, err, sizeof err));
    assert_int_equal(errno, ENOENT);
    /* a file where a folder is expected */
    assert_null(safe_read_in_dir(at("run"), "records/a.json/x", 0, &len, err, sizeof err));
    /* the run folder itself may be reached through a symlink (results/latest) */
    assert_int_equal(symlink("run", at("latest")), 0);
    s = safe_read_in_dir(at("latest"), "records/a.json", 0, &len, err, sizeof err);
    assert_non_null(s);
    free(s);
}

/* ---- (c) capped reads of regular files ---- */
static void test_read_caps(void **state)
{
    char err[512];
    size_t len;
    assert_null(safe_read_file("/dev/zero", 0, &len, err, sizeof err));
    assert_non_null(strstr(err, "/dev/zero"));
    assert_non_null(strstr(err, "character device"));
    assert_null(safe_read_file(at("run"), 0, &len, err, sizeof err));
    assert_non_null(strstr(err, "folder"));
    /* a fifo with no writer: refused at once, the open does not block */
    assert_int_equal(mkfifo(at("run/records/fifo.json"), 0644), 0);
    assert_null(safe_read_file(at("run/records/fifo.json"), 0, &len, err, sizeof err));
    assert_non_null(strstr(err, "fifo"));
    assert_null(safe_read_in_dir(at("run"), "records/fifo.json", 0, &len, err, sizeof err));
    assert_non_null(strstr(err, "fifo"));
    /* over the cap */
    put("run/records/big.json", "0123456789abcdef");
    assert_null(safe_read_file(at("run/records/big.json"), 15, &len, err, sizeof err));
    assert_non_null(strstr(err, "limit"));
    char *s = safe_read_file(at("run/records/big.json"), 16, &len, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(len, 16);
    free(s);
    /* empty file */
    put("run/records/empty.json", "");
    s = safe_read_file(at("run/records/empty.json"), 0, &len, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(len, 0);
    assert_string_equal(s, "");
    free(s);
    assert_true(SAFE_READ_DEFAULT_CAP == 64u * 1024 * 1024);
}

/* ---- (d) atomic writes ---- */
static mode_t mode_of(const char *p)
{
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    return st.st_mode;
}

static void test_write_umask_and_replace(void **state)
{
    char err[512];
    assert_int_equal(mkdir(at("reports"), 0755), 0);
    assert_int_equal(mkdir(at("reports/r1"), 0755), 0);
    mode_t old = umask(0);
    assert_int_equal(safe_write_file(at("reports/r1/index.html"), "<p>1</p>", 8, 0644, at("reports"), err, sizeof err), 0);
    umask(old);
    assert_int_equal(mode_of(at("reports/r1/index.html")) & 07777, 0644);
    old = umask(077);
    assert_int_equal(safe_write_file(at("reports/r1/index.html"), "<p>2</p>", 8, 0644, NULL, err, sizeof err), 0);
    umask(old);
    assert_int_equal(mode_of(at("reports/r1/index.html")) & 07777, 0644);
    size_t len;
    char *s = safe_read_file(at("reports/r1/index.html"), 0, &len, err, sizeof err);
    assert_string_equal(s, "<p>2</p>");
    free(s);
    /* no temporary left behind */
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = index.html", at("reports/r1"));
    assert_int_equal(system(cmd), 0);
}

static void test_write_planted_symlink(void **state)
{
    char err[512];
    assert_int_equal(mkdir(at("rep"), 0755), 0);
    assert_int_equal(mkdir(at("rep/r"), 0755), 0);
    /* a link planted at the target, pointing at a file that must not change */
    assert_int_equal(symlink(at("outside/secret.json"), at("rep/r/report.md")), 0);
    assert_int_equal(safe_write_file(at("rep/r/report.md"), "# report\n", 9, 0644, at("rep"), err, sizeof err), 0);
    assert_true(S_ISREG(mode_of(at("rep/r/report.md"))));
    size_t len;
    char *s = safe_read_file(at("outside/secret.json"), 0, &len, err, sizeof err);
    assert_string_equal(s, "{\"secret\": 1}\n");
    free(s);
    s = safe_read_file(at("rep/r/report.md"), 0, &len, err, sizeof err);
    assert_string_equal(s, "# report\n");
    free(s);
    /* a dangling link planted at the target: its target is not created */
    assert_int_equal(symlink(at("outside/created.txt"), at("rep/r/x.csv")), 0);
    assert_int_equal(safe_write_file(at("rep/r/x.csv"), "a,b\n", 4, 0644, at("rep"), err, sizeof err), 0);
    assert_int_equal(access(at("outside/created.txt"), F_OK), -1);
}

static void test_write_symlinked_folder(void **state)
{
    char err[512];
    assert_int_equal(mkdir(at("reps"), 0755), 0);
    /* reports/<run-id> planted as a link to a folder outside reports/ */
    assert_int_equal(symlink(at("outside"), at("reps/evil")), 0);
    assert_int_equal(safe_write_file(at("reps/evil/index.html"), "x", 1, 0644, at("reps"), err, sizeof err), -1);
    assert_non_null(strstr(err, "outside"));
    assert_int_equal(access(at("outside/index.html"), F_OK), -1);
    /* a link that stays inside reports/ is fine */
    assert_int_equal(mkdir(at("reps/real"), 0755), 0);
    assert_int_equal(symlink("real", at("reps/alias")), 0);
    assert_int_equal(safe_write_file(at("reps/alias/index.html"), "y", 1, 0644, at("reps"), err, sizeof err), 0);
    assert_int_equal(access(at("reps/real/index.html"), F_OK), 0);
    /* bad names */
    assert_int_equal(safe_write_file(at("reps/real/"), "y", 1, 0644, NULL, err, sizeof err), -1);
    assert_int_equal(safe_write_file(at("reps/real/.."), "y", 1, 0644, NULL, err, sizeof err), -1);
    /* a missing folder: an error naming it, nothing created */
    assert_int_equal(safe_write_file(at("reps/none/index.html"), "y", 1, 0644, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "none"));
    /* the target is a folder: refused, and no temporary is left */
    assert_int_equal(mkdir(at("reps/real/dir.html"), 0755), 0);
    assert_int_equal(safe_write_file(at("reps/real/dir.html"), "y", 1, 0644, NULL, err, sizeof err), -1);
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | grep -c tmp) -eq 0", at("reps/real"));
    assert_int_equal(system(cmd), 0);
}

static void test_escape(void **state)
{
    char out[64];
    assert_string_equal(safe_escape("a\nb\tc\x01", 100, out, sizeof out), "a\\nb\\tc\\x01");
    assert_string_equal(safe_escape("abcdef", 3, out, sizeof out), "abc...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_ids),
        cmocka_unit_test(test_rel_paths_lexical),
        cmocka_unit_test(test_confine_reads),
        cmocka_unit_test(test_read_caps),
        cmocka_unit_test(test_write_umask_and_replace),
        cmocka_unit_test(test_write_planted_symlink),
        cmocka_unit_test(test_write_symlinked_folder),
        cmocka_unit_test(test_escape),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
