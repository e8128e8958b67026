/* The suite file's YAML readers, shared by suite.c (the common keys) and each benchmark kind's
 * file (its own keys): every error names FILE:LINE:COLUMN, the key and the value. */
#ifndef EXA_HARNESS_SUITE_YAML_H
#define EXA_HARNESS_SUITE_YAML_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "suite.h"

/* The document being read and the file it came from (for messages). */
struct sy_ctx {
    const char *file;
    yaml_document_t doc;
};

/* One key of a mapping, checked known and not repeated by sy_map_pairs. */
struct sy_pair {
    const char *key;
    yaml_node_t *knode, *vnode;
};

struct mark sy_mark(const yaml_node_t *n);
/* Prints "FILE:LINE:COLUMN: error: ..." (n may be NULL) and returns -1. */
int sy_fail(struct sy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
yaml_node_t *sy_get(struct sy_ctx *c, int id);
const char *sy_kind_word(const yaml_node_t *n);
const char *sy_sval(const yaml_node_t *n);
int sy_want_scalar(struct sy_ctx *c, const yaml_node_t *n, const char *key, const char *what);

/* Typed values: 0, or -1 after sy_fail. */
int sy_string(struct sy_ctx *c, const yaml_node_t *n, const char *key, char **out);
/* A Slurm partition (list), account, qos or time limit (by key "launcher.KEY"), checked as Slurm
 * accepts it (slurm_values.h): no control characters, no shell or #SBATCH syntax. */
int sy_slurm_value(struct sy_ctx *c, const yaml_node_t *n, const char *key, char **out);
int sy_long(struct sy_ctx *c, const yaml_node_t *n, const char *key, long min, long max, long *out);
int sy_double(struct sy_ctx *c, const yaml_node_t *n, const char *key, double min, double max,
              double *out);
int sy_bool(struct sy_ctx *c, const yaml_node_t *n, const char *key, int *out);
/* Seconds: "90", "90s", "5m", "2h", "1.5m". */
int sy_duration(struct sy_ctx *c, const yaml_node_t *n, const char *key, double *out);
/* A scalar or a list of scalars. */
int sy_strlist(struct sy_ctx *c, const yaml_node_t *n, const char *key, struct strlist *out);
/* A range, a single value or a list of ranges and values, each value >= min. */
int sy_u64list(struct sy_ctx *c, const yaml_node_t *n, const char *key, uint64_t min,
               struct u64list *out);
int sy_env(struct sy_ctx *c, const yaml_node_t *n, const char *key, struct envlist *out);

/* Iterates a mapping, checking that keys are scalars, known (one of allowed[], NULL-ended) and not
 * repeated. */
int sy_map_pairs(struct sy_ctx *c, const yaml_node_t *n, const char *what,
                 const char *const *allowed, struct sy_pair *out, size_t cap, size_t *count);
yaml_node_t *sy_find(struct sy_pair *pairs, size_t n, const char *key);

/* path made absolute against dir (the suite file's folder). Caller frees. */
char *sy_path(const char *dir, const char *path);
int sy_executable(const char *path);
/* Finds the program next to the exabench binary, then on PATH. Caller frees; NULL if absent. */
char *sy_find_benchmark(const char *prog);

#endif
