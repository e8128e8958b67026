/* Reading results fast: a validating one-pass JSON parser that builds jansson values directly
 * (jansson's own lexer copies every token and asks the locale for every number), and for records
 * builds only what the reporting commands read. Large runs (10 000 records) are dominated by
 * parsing; records skip the per-size result tables (kept only for all-pairs matrices) and parse
 * each distinct provenance once per thread (records of one run carry the same bytes). */
#ifndef EXA_HARNESS_RUNDIR_SCAN_H
#define EXA_HARNESS_RUNDIR_SCAN_H

#include <jansson.h>
#include <stddef.h>

/* Parses text[0..len) as one JSON value, accepting what jansson's json_loadb accepts with
 * JSON_REJECT_DUPLICATES and building the same value. NULL with "PATH:LINE:COL: malformed JSON:
 * reason" in err. */
json_t *rd_parse_json(const char *text, size_t len, const char *path, char *err, size_t errlen);

/* Checks that text[0..len) is one well-formed JSON value (RFC 8259 grammar) and, when it is an
 * object, returns it with its members parsed except "results" (replaced by {} unless the record's
 * test is an all-pairs one or the member is not an object). NULL with "PATH:LINE:COL: malformed
 * JSON: reason" in err. */
json_t *rd_scan_record(const char *text, size_t len, const char *path, char *err, size_t errlen);
/* Drops the calling thread's cache of repeated record members (provenance and the like, shared
 * between the records one thread parses). Each thread that called rd_scan_record calls it when
 * its records are parsed: the cache lives in thread-local storage, which nothing frees when an
 * OpenMP worker ends (the records keep their own references). */
void rd_scan_cache_clear(void);

/* Gives jansson an arena allocator (see rundir_scan.c): from then on, free what jansson returns
 * (json_dumps) with rd_jfree, never with free(). Idempotent; rd_load calls it. */
void rd_arena_enable(void);
void rd_jfree(void *p);

#endif
