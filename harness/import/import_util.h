/* What the importers share: the text as numbered lines, strict number and token reading, error
 * messages that name the file and line, and the building of a standard record. Internal to
 * harness/import/. */
#ifndef EXA_IMPORT_UTIL_H
#define EXA_IMPORT_UTIL_H

#include <stdint.h>

#include "import.h"

/* The text as lines: line[i] is line i+1 of the file, without its '\n' or '\r'. */
struct imp_doc {
    const struct import_input *in;
    char **line;
    int n;
};

int imp_doc_split(const struct import_input *in, struct imp_doc *d, char err[IMPORT_ERR_LEN]);
void imp_doc_free(struct imp_doc *d);

/* err = "PATH:LINE: " + message (LINE is 1-based; 0 leaves it out). Always returns -1. */
int imp_fail(char err[IMPORT_ERR_LEN], const struct imp_doc *d, int lineno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "PATH:LINE: expected WHAT, found 'the line'" for d->line[idx], or "PATH:LINE: unexpected end
 * of file: expected WHAT (the output looks truncated)" when idx == d->n. Always returns -1. */
int imp_expected(char err[IMPORT_ERR_LEN], const struct imp_doc *d, int idx, const char *what);

/* Small text helpers. */
int imp_blank(const char *s);
int imp_starts(const char *s, const char *prefix);
const char *imp_skip_ws(const char *s);
/* Whitespace tokens of a copy of s (buf, len bytes); at most max. Returns the count. */
int imp_tokens(const char *s, char *buf, size_t len, char **tok, int max);
/* Whole-token numbers: no trailing garbage, finite. 0 or -1. */
int imp_number(const char *s, double *out);
int imp_integer(const char *s, long long *out);
/* The number s x 10^shift, read as one decimal literal so that "2.91" MB/s is exactly the double
 * nearest 0.00291 GB/s (no division rounding). 0 or -1. */
int imp_number_e(const char *s, int shift, double *out);
/* The value after "KEY" and optional spaces, ':' or '=' (e.g. "Array size = 800"), or NULL. */
const char *imp_after(const char *line, const char *key);
/* Lowercase snake_case of a label ("Raw Read B/W" -> "raw_read_b_w") into buf. */
void imp_snake(const char *label, char *buf, size_t len);
/* Message size name as exa-comm writes metric names: 8B, 1536B, 4K, 1M. */
void imp_size_name(uint64_t bytes, char *buf, size_t len);

/* A new record in the shape of docs/results.md, marked as imported:
 *   "source": "imported", "import": {importer, tool, tool_version, path, sha256, bytes, lines
 *   [first, last], imported_at, notes []}; benchmark = TOOL, benchmark_version = VERSION (null
 *   when the text does not say), variant, test null, started/finished "unknown", valid,
 *   compliant, empty parameters/results/metrics, verification {passed: false, method: "none"},
 *   launch unknown (ranks/nodes 0, listed in launch.unknown), provenance {machine: "unknown"}. */
json_t *imp_record_new(const struct imp_doc *d, const char *importer, const char *tool,
                       const char *version, const char *variant, int first_line, int last_line);
/* launch.ranks/nodes/threads_per_rank; a negative value stays unknown. */
void imp_set_launch(json_t *rec, long ranks, long nodes, long threads_per_rank);
/* provenance.stated[KEY] = value (steals); also sets provenance.machine "as stated by the output". */
void imp_set_stated(json_t *rec, const char *key, json_t *value);
void imp_add_metric(json_t *rec, const char *name, double value, const char *unit, int lower_is_better,
                    const double *samples, size_t n);
/* verification {passed, method, value, threshold, comparison}; NaN -> null. A failed check also
 * makes the record invalid. */
void imp_set_verification(json_t *rec, int passed, const char *method, double value, double threshold,
                          const char *comparison);
void imp_add_violation(json_t *rec, const char *reason);
void imp_note(json_t *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void imp_set_times(json_t *rec, const char *started, const char *finished);
/* JSON number, or null for NaN/inf. */
json_t *imp_num_json(double v);

/* The HPL reader over lines [first, last) of d, shared by the hpl and hpcc importers: appends
 * one record per run. TOOL/VERSION/VARIANT name what produced it when the caller knows (hpcc);
 * NULL lets the banner decide. */
int imp_hpl_section(const struct imp_doc *d, int first, int last, const char *importer, const char *tool,
                    const char *version, json_t *out, char err[IMPORT_ERR_LEN]);
/* hpcc's StarSTREAM section [first, last) as one record (import_stream.c). */
int imp_hpcc_stream(const struct imp_doc *d, int first, int last, const char *version, json_t *out,
                    char err[IMPORT_ERR_LEN]);
/* "Thu Dec  3 07:08:54 2026" (the C library's asctime form, local time of the run, zone not
 * stated) -> "2026-12-03T07:08:54" into buf; 0, or -1 when the text is not such a date. */
int imp_asctime_iso(const char *text, char *buf, size_t len);

#endif
