/* Reading a record fast: a validating scan of the JSON text that builds only what the reporting
 * commands read. Large runs (10 000 records of ~10 KB) are dominated by parsing; this skips the
 * per-size result tables (kept only for all-pairs matrices) and parses each distinct provenance
 * once per thread (records of one run carry the same bytes). */
#ifndef EXA_HARNESS_RUNDIR_SCAN_H
#define EXA_HARNESS_RUNDIR_SCAN_H

#include <jansson.h>
#include <stddef.h>

/* Checks that text[0..len) is one well-formed JSON value (RFC 8259 grammar) and, when it is an
 * object, returns it with its members parsed except "results" (replaced by {} unless the record's
 * test is an all-pairs one or the member is not an object). NULL with "PATH:LINE:COL: malformed
 * JSON: reason" in err. */
json_t *rd_scan_record(const char *text, size_t len, const char *path, char *err, size_t errlen);

/* Gives jansson an arena allocator (see rundir_scan.c): from then on, free what jansson returns
 * (json_dumps) with rd_jfree, never with free(). Idempotent; rd_load calls it. */
void rd_arena_enable(void);
void rd_jfree(void *p);

#endif
