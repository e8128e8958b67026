/* Parsing of numbers, byte sizes ("4K", "1MiB", "2G") and size ranges ("8:4M:x2") given by users.
 * Every function returns 0 on success or -1 with a one-line reason in err (never exits), so that the
 * caller can name the option, file or line the value came from. */
#ifndef EXA_PARSE_H
#define EXA_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define EXA_ERR_LEN 256

/* Byte size: decimal integer with an optional suffix. K, M, G, T, KiB, MiB, GiB, TiB are binary
 * multiples (1K = 1024, as OSU and STREAM users expect); KB, MB, GB, TB are decimal (1KB = 1000).
 * A bare B is accepted. Case-insensitive. Negative, empty, fractional and overflowing values fail. */
int exa_parse_size(const char *text, uint64_t *out, char err[EXA_ERR_LEN]);

/* A count (plain or with the same suffixes as sizes), strictly between min and max inclusive. */
int exa_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out, char err[EXA_ERR_LEN]);

/* A signed integer in [min, max]. */
int exa_parse_long(const char *text, long min, long max, long *out, char err[EXA_ERR_LEN]);

/* A finite double in [min, max]. */
int exa_parse_double(const char *text, double min, double max, double *out, char err[EXA_ERR_LEN]);

/* A range MIN:MAX[:STEP] of sizes. STEP is "xK" (multiply by K >= 2, the default x2) or "+K"
 * (add K >= 1). A single value "N" is the range N:N. MIN must not exceed MAX. */
struct exa_range {
    uint64_t min, max;
    int multiply;      /* 1: geometric (step is the factor), 0: arithmetic (step is the increment) */
    uint64_t step;
};
int exa_parse_range(const char *text, struct exa_range *out, char err[EXA_ERR_LEN]);

/* The values of a range in increasing order, MAX always included even when the step skips it.
 * Returns how many there are; writes at most cap of them (call with cap 0 to count). */
size_t exa_range_values(const struct exa_range *range, uint64_t *values, size_t cap);

/* Formats a byte count as the shortest exact binary form ("4K", "1M", "1536"). */
void exa_format_size(uint64_t bytes, char *buf, size_t len);

/* The next line of a small text file (a tolerance file, a trust file) at *cursor, without its
 * newline and without a '#' comment, into buf (cap bytes); *cursor moves past it and *line counts
 * it. Returns 1 for a line, 0 at the end of the text, -1 when the line does not fit buf (the
 * cursor still moves past it, so the caller can name the line and stop). */
int exa_next_line(const char **cursor, char *buf, size_t cap, int *line);

#endif
