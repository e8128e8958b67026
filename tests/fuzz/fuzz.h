/* Shared helpers of the libFuzzer targets in tests/fuzz (see tests/fuzz/README.md).
 *
 * Every target that needs files works in a temporary folder of its own, made once per process
 * (fuzz_tmp), named by absolute paths, and removed at exit. Commands that end the process on bad
 * input (exa_input_error, exa_usage_error) are caught: the targets link with
 * -Wl,--wrap=exa_input_error,--wrap=exa_usage_error, and FUZZ_CATCH_EXIT returns to the target
 * instead; outside FUZZ_CATCH_EXIT such an exit aborts, which libFuzzer reports. */
#ifndef EXA_FUZZ_H
#define EXA_FUZZ_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

/* The target's own temporary folder (absolute, created on first use, removed at exit). */
const char *fuzz_tmp(void);
/* Absolute path of NAME inside fuzz_tmp() into buf. */
const char *fuzz_path(char *buf, size_t len, const char *name);
/* Writes data to the file at path (created or truncated); aborts on failure. */
void fuzz_write_file(const char *path, const uint8_t *data, size_t size);
/* A NUL-terminated copy of data (caller frees). */
char *fuzz_cstr(const uint8_t *data, size_t size);
/* tests/fuzz/data of the source tree: $EXA_FUZZ_DATA, else the path compiled in. */
const char *fuzz_data_dir(void);
/* Copies the file src to dst; aborts on failure. */
void fuzz_copy_file(const char *src, const char *dst);
/* stdout to /dev/null (the commands print tables), one thread for OpenMP. */
void fuzz_quiet(void);

/* A broken promise of the code under test: prints the message where the sanitizers report (also
 * when libFuzzer's -close_fd_mask closed stderr) and aborts, which libFuzzer records as a crash. */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Armed by FUZZ_CATCH_EXIT: where exa_input_error / exa_usage_error return to. */
extern jmp_buf *fuzz_exit_to;
/* Runs stmt; evaluates to 0 when it ran to its end, to the exit status when it tried to exit. */
#define FUZZ_CATCH_EXIT(stmt)                                                                   \
    __extension__({                                                                             \
        jmp_buf fuzz_jb_;                                                                       \
        int fuzz_rc_ = setjmp(fuzz_jb_);                                                        \
        if (fuzz_rc_ == 0) {                                                                    \
            fuzz_exit_to = &fuzz_jb_;                                                           \
            stmt;                                                                               \
        }                                                                                       \
        fuzz_exit_to = NULL;                                                                    \
        fuzz_rc_;                                                                               \
    })

#endif
