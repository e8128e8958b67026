/* Command-line conventions shared by every exabench binary: --help, --version, --json FILE|-,
 * and usage errors that name the option and value and exit 2.
 *
 * MPI programs parse their arguments on every rank (all ranks see the same argv), so a usage
 * error is found by all ranks at once: exa_usage_error prints on rank 0 only, finalizes MPI when
 * it is initialised and exits 2 everywhere, with no rank left waiting.
 *
 * This file is MPI-free (the harness links it without libmpi): what it needs from a parallel
 * runtime goes through struct exa_runtime, which the MPI layer installs (exa_mpi_cli_init in
 * mpi/exa_mpi.h). Without it the program behaves as a single serial process. */
#ifndef EXA_CLI_H
#define EXA_CLI_H

#include <stdio.h>
#include <stdnoreturn.h>

#define EXA_EXIT_OK 0
#define EXA_EXIT_FAILED 1   /* the run completed but its verification failed */
#define EXA_EXIT_USAGE 2    /* bad usage or bad input: nothing was measured */

/* The program name used in messages (set once from argv[0] by exa_cli_init). */
extern const char *exa_program_name;

void exa_cli_init(const char *argv0);

/* What the messages and exits need from the parallel runtime. */
struct exa_runtime {
    int (*rank)(void);                 /* this process's rank in the world, 0 when alone */
    void (*finish)(void);              /* orderly shutdown before a collective exit */
    void (*abort)(int code);           /* brings every process down; may return when alone */
    void (*agree)(int *values, int n); /* everyone takes rank 0's values */
};

/* Installs a runtime (NULL: back to serial). */
void exa_cli_set_runtime(const struct exa_runtime *rt);

/* Prints "NAME (exabench) VERSION (git COMMIT)" to stdout. */
void exa_print_version(void);

/* Version string of the suite, e.g. "0.1.0". */
const char *exa_version(void);

/* "PROG: error: MESSAGE\nTry 'PROG --help' for more information." on rank 0, then exit 2. */
noreturn void exa_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "PROG: error: MESSAGE" on rank 0, then exit 2 (bad input that is not about usage, e.g. a file). */
noreturn void exa_input_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "PROG: error: MESSAGE" from whichever rank found it, then MPI_Abort / exit with the code.
 * For faults a single rank detects (out of memory, a failed CUDA call). */
noreturn void exa_fatal(int exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "PROG: warning: MESSAGE" on rank 0. */
void exa_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Rank in MPI_COMM_WORLD, or 0 when MPI is not initialised (or not installed: the harness). */
int exa_world_rank(void);

/* Checks at startup that the --json destination can be written, so that a run of minutes does not
 * end in a lost record. "-" means stdout. Calls exa_usage_error naming --json on failure. */
void exa_check_json_path(const char *path);

#endif
