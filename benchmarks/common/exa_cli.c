/* Messages, exit codes and the --version/--json conventions shared by every exabench binary. */
#include "exa_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_info.h"

#define EXA_VERSION "0.1.0"

const char *exa_program_name = "exabench";

void exa_cli_init(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    exa_program_name = slash ? slash + 1 : (argv0 ? argv0 : "exabench");
}

const char *exa_version(void) { return EXA_VERSION; }

void exa_print_version(void)
{
    printf("%s (exabench) %s (git %s)\n", exa_program_name, EXA_VERSION, EXA_BUILD_GIT_COMMIT);
}

/* Serial defaults: a program that never starts a parallel runtime (exabench itself) is rank 0,
 * exits plainly and has nobody to agree with. The MPI layer (mpi/exa_cli_mpi.c) replaces them. */
static int serial_rank(void) { return 0; }
static void serial_finish(void) {}
static void serial_abort(int code) { (void)code; }
static void serial_agree(int *values, int n) { (void)values, (void)n; }

static const struct exa_runtime serial_runtime = {serial_rank, serial_finish, serial_abort, serial_agree};
static const struct exa_runtime *runtime = &serial_runtime;

void exa_cli_set_runtime(const struct exa_runtime *rt) { runtime = rt ? rt : &serial_runtime; }

int exa_world_rank(void) { return runtime->rank(); }

static noreturn void finish_and_exit(int code)
{
    fflush(stdout);
    fflush(stderr);
    runtime->finish();
    exit(code);
}

/* One write per message: under mpirun, stderr and stdout are forwarded separately, and a message
 * written in pieces can be split by the other stream's lines. */
static void vmessage(const char *kind, const char *fmt, va_list ap)
{
    char line[4096];
    int n = snprintf(line, sizeof line, "%s: %s: ", exa_program_name, kind);
    if (n < 0 || (size_t)n >= sizeof line - 2)
        n = 0;
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    fwrite(line, 1, len, stderr);
}

void exa_usage_error(const char *fmt, ...)
{
    if (exa_world_rank() == 0) {
        va_list ap;
        va_start(ap, fmt);
        vmessage("error", fmt, ap);
        va_end(ap);
        fprintf(stderr, "Try '%s --help' for more information.\n", exa_program_name);
    }
    finish_and_exit(EXA_EXIT_USAGE);
}

void exa_input_error(const char *fmt, ...)
{
    if (exa_world_rank() == 0) {
        va_list ap;
        va_start(ap, fmt);
        vmessage("error", fmt, ap);
        va_end(ap);
    }
    finish_and_exit(EXA_EXIT_USAGE);
}

void exa_fatal(int exit_code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rank = exa_world_rank();
    fprintf(stderr, "%s: error (rank %d): ", exa_program_name, rank);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    runtime->abort(exit_code);
    exit(exit_code);
}

void exa_warn(const char *fmt, ...)
{
    if (exa_world_rank() != 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning", fmt, ap);
    va_end(ap);
}

void exa_check_json_path(const char *path)
{
    if (!path || !strcmp(path, "-"))
        return;
    if (!*path)
        exa_usage_error("--json: empty file name");
    /* Only rank 0 writes the record, but every rank reaches the same verdict from the same path
     * on a shared file system; on node-local paths rank 0's answer is the one that matters. */
    char *copy = strdup(path);
    const char *dir = copy ? dirname(copy) : ".";
    struct stat st;
    int bad = stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0;
    int saved = errno;
    int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    int agreed[2] = {bad, is_dir};
    runtime->agree(agreed, 2);
    if (agreed[0]) {
        const char *why = exa_world_rank() == 0 && bad ? strerror(saved ? saved : EACCES) : "not writable";
        char shown[1024];
        snprintf(shown, sizeof shown, "%s", dir);
        free(copy);
        exa_usage_error("--json '%s': cannot write in folder '%s': %s", path, shown, why);
    }
    free(copy);
    if (agreed[1])
        exa_usage_error("--json '%s' is a folder; give a file name", path);
}
