/* Writing a file atomically (temporary file + rename). */
#ifndef EXA_HARNESS_FILE_ATOMIC_H
#define EXA_HARNESS_FILE_ATOMIC_H

#include <stddef.h>

/* Writes len bytes of data to path through PATH.tmp.PID and rename; durable: fsync the file
 * before and its folder after the rename (the manifest, which --resume relies on). Returns 0, or
 * -1 with errno set (the temporary file removed). */
int rd_write_atomic(const char *path, const void *data, size_t len, int durable);

#endif
