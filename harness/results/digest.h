/* SHA-256, the one implementation the harness uses: the suite file's checksum in a manifest, and
 * the records' checksums and the seal of a submission. */
#ifndef EXA_HARNESS_DIGEST_H
#define EXA_HARNESS_DIGEST_H

#include <stddef.h>

/* The digest of len bytes as 64 lowercase hex digits and a NUL. */
void rd_sha256_hex(const void *data, size_t len, char out[65]);

/* The digest of a file's contents. Returns 0, or -1 when it can not be read. */
int rd_sha256_file(const char *path, char out[65]);

#endif
