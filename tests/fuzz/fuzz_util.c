/* Shared helpers of the fuzz targets: the temporary folder, files, caught exits. See fuzz.h. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include <sanitizer/common_interface_defs.h>

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "tests/fuzz/data"
#endif

jmp_buf *fuzz_exit_to;
static char tmp_dir[4096];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void rm_tmp(void)
{
    if (tmp_dir[0])
        nftw(tmp_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_tmp(void)
{
    if (!tmp_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/exa-fuzz.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            fprintf(stderr, "fuzz: cannot create %s: %s\n", tmp_dir, strerror(errno));
            abort();
        }
        atexit(rm_tmp);
    }
    return tmp_dir;
}

const char *fuzz_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", fuzz_tmp(), name);
    return buf;
}

void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
            abort();
        }
        done += (size_t)w;
    }
    close(fd);
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

const char *fuzz_data_dir(void)
{
    const char *d = getenv("EXA_FUZZ_DATA");
    return d && *d ? d : FUZZ_DATA_DIR;
}

void fuzz_copy_file(const char *src, const char *dst)
{
    FILE *f = fopen(src, "rb");
    if (!f) {
        fprintf(stderr, "fuzz: cannot read %s: %s (set EXA_FUZZ_DATA to tests/fuzz/data)\n", src, strerror(errno));
        abort();
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[8192];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, r, m);
    fclose(f);
    fclose(m);
    fuzz_write_file(dst, (const uint8_t *)buf, len);
    free(buf);
}

void fuzz_quiet(void)
{
    setenv("OMP_NUM_THREADS", "1", 0);
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

_Noreturn void fuzz_fail(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", msg);
    __sanitizer_report_error_summary(msg);
    abort();
}

/* The exits of exabench's commands on bad input, caught (see fuzz.h). */
static _Noreturn void caught(int code, const char *fmt, va_list ap)
{
    if (fuzz_exit_to)
        longjmp(*fuzz_exit_to, code);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fuzz_fail("fuzz: exit(%d) outside FUZZ_CATCH_EXIT: %s", code, msg);
}

_Noreturn void __wrap_exa_input_error(const char *fmt, ...);
_Noreturn void __wrap_exa_input_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    caught(2, fmt, ap);
}

_Noreturn void __wrap_exa_usage_error(const char *fmt, ...);
_Noreturn void __wrap_exa_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    caught(2, fmt, ap);
}

/* rd_load turns on an arena for jansson that never gives memory back (the reporting commands are
 * short-lived): under a fuzzer it would grow without end and hide memory errors from ASan, so the
 * targets keep jansson on malloc. */
void __wrap_rd_arena_enable(void);
void __wrap_rd_arena_enable(void) {}
