/* Attempt tokens, the benchmark's side (issue 14, part 2): a benchmark started by the exabench
 * harness refuses to put its record in place when the harness has given its attempt up.
 *
 * The harness sets EXA_ATTEMPT_FILE=<run folder>/attempts/<token> before it launches an attempt.
 * The file's first line is its state: "live" while the harness waits for the attempt; "abandoned"
 * (with a reason) once the harness killed the attempt, timed it out or stopped waiting; "finished"
 * once it settled the attempt. A removed file counts as abandoned. An orphaned rank that outlived
 * its killed run therefore can not write a "valid" record into a run the manifest marks crashed.
 *
 * MPI-free, libc only. Without EXA_ATTEMPT_FILE (a benchmark run by hand) everything is live, so
 * standalone use is unchanged.
 *
 * Where it goes: exa_record_write (benchmarks/common/exa_record.c), between writing and fsyncing
 * the temporary file and renaming it over the record:
 *
 *     int lock = -1;
 *     if (exa_attempt_commit_begin(&lock, why, sizeof why) != 1) {
 *         unlink(tmp);
 *         snprintf(err, EXA_ERR_LEN, "record not written: %s", why);
 *         return -1;                 (the benchmark exits non-zero; nothing lands in records/)
 *     }
 *     rename(tmp, path) ...
 *     exa_attempt_commit_end(lock);
 *
 * The lock makes the check and the rename one step as far as the harness is concerned: the harness
 * marks an attempt abandoned under an exclusive lock of the same file, so either the record is in
 * place before the mark (the harness then sees it) or the benchmark sees the mark. */
#ifndef EXA_ATTEMPT_H
#define EXA_ATTEMPT_H

#include <stddef.h>

#define EXA_ATTEMPT_ENV "EXA_ATTEMPT_FILE"

/* 1 when the attempt is live (or no EXA_ATTEMPT_FILE is set), 0 when it was abandoned, finished
 * or its file is gone, with the reason in why. No lock is taken: for early checks (a long run may
 * look before starting its next phase). */
int exa_attempt_still_live(char *why, size_t len);

/* As exa_attempt_still_live, holding a shared lock on the attempt file when it returns 1 with an
 * attempt file (*lock_fd >= 0; -1 when there is none). Release with exa_attempt_commit_end after
 * the rename. Returns 0 (no lock held, reason in why) when the attempt is not live. */
int exa_attempt_commit_begin(int *lock_fd, char *why, size_t len);
void exa_attempt_commit_end(int lock_fd);

#endif
