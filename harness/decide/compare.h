/* exabench compare's rows and options, shared by the matching and deciding part (compare.c) and the
 * output part (compare_render.c: table, JSON, plot). */
#ifndef EXA_COMPARE_H
#define EXA_COMPARE_H

#include <jansson.h>
#include <stddef.h>

#include "gate.h"
#include "rundir.h"

/* What a row is: a metric the gate decided, a pair that cannot be compared (parameters differ,
 * only in NEW, no valid BASE run), a run or metric of BASE missing in NEW, or a run that failed
 * in NEW (a regression). */
enum cmp_kind { CMP_GATE, CMP_NA, CMP_MISSING, CMP_FAILED };

struct cmp_row {
    const struct rd_run *run;   /* a representative run (BASE side, or NEW when only there) */
    char metric[128];           /* "-" for a row about a whole run */
    const char *unit;
    int higher;
    enum cmp_kind kind;
    double ma, mb;              /* medians of the repetition values, NaN when none */
    size_t wa, wb;              /* within-run samples offered to the gate */
    struct gate_result g;       /* CMP_GATE and CMP_MISSING; its text is the row's reason */
    char reason[GATE_TEXT_LEN]; /* CMP_NA and CMP_FAILED */
    json_t *sa, *sb;            /* --json: the repetition values of each side */
};

struct cmp_rows {
    struct cmp_row *r;
    size_t n, cap;
};

struct cmp_opts {
    struct gate_options gate;
    struct gate_tolerances tol;
    int allow_missing, changes_only;
    const char *json_path, *plot;
};

/* The counts of the summary line, by cmp_label. */
enum cmp_class { CC_IMPROVED, CC_UNCHANGED, CC_REGRESSED, CC_CANNOT_TELL, CC_MISSING, CC_NA, CC_N };

enum cmp_class cmp_class_of(const struct cmp_row *r);
const char *cmp_class_name(enum cmp_class c);
/* The row's reason in words. */
const char *cmp_text(const struct cmp_row *r);
/* How many metrics the family correction took together. */
size_t cmp_family_size(const struct cmp_rows *rs);

/* Provenance facts that differ between the two runs (a JSON array). */
json_t *cmp_provenance_diff(const struct rd_set *a, const struct rd_set *b);
void cmp_print(FILE *out, const struct cmp_opts *o, const struct rd_set *a, const struct rd_set *b,
               const struct cmp_rows *rs, const json_t *pdiff);
/* Writes --json; 0, or -1 when the file cannot be written. */
int cmp_write_json(const struct cmp_opts *o, const struct rd_set *a, const struct rd_set *b,
                   const struct cmp_rows *rs, const json_t *pdiff);
void cmp_write_plot(const char *prefix, const struct cmp_rows *rs);

#endif
