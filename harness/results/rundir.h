/* Loading a results folder written by `exabench run`: results/<run-id>/manifest.json, records/NAME.json,
 * logs/. A folder without a manifest is read from its records alone. Every record is checked
 * (JSON syntax with file:line:column, schema name and version, required fields). */
#ifndef EXA_HARNESS_RUNDIR_H
#define EXA_HARNESS_RUNDIR_H

#include <jansson.h>
#include <stddef.h>

struct rd_run {
    char *id;               /* the manifest's run id, or the record file's name */
    const char *name;       /* manifest name (or id) */
    const char *benchmark;  /* the record's kind name */
    const char *test;       /* sub-test ("latency"), "" when none */
    const char *status;     /* "valid", "failed", "verification-failed", "crashed", "missing-record"... */
    int ok;                 /* status valid, record present, valid and verification passed */
    int nodes, ranks, ranks_per_node, threads_per_rank;
    int repetition;
    const json_t *params;   /* borrowed: shown in tables: the planned parameters, else the record's */
    const json_t *run_params; /* borrowed: the record's parameters (NULL: no record); the key's */
    json_t *rec;            /* owned, NULL when there is no record */
    char *record_file;      /* relative to the run folder ("records/x.json"); NULL when none */
    char *key;              /* benchmark|test|parameters|scale: what compare matches on */
    const char *host;       /* first host of the run, "" when unknown */
    const json_t *mrun;     /* borrowed: the manifest's entry, NULL without a manifest */
};

struct rd_set {
    char *dir;
    char *run_id;
    json_t *manifest;       /* owned; an empty object when the folder has none */
    struct rd_run *runs;
    size_t n;
    double rpeak_per_node;  /* Gflop/s from the manifest's system, 0 when unknown */
    const char *system_name;
    const char *created;
};

/* The largest record or manifest rd_load reads (a larger one, or a device such as /dev/zero, is
 * refused with an error naming it). Records are a few hundred KiB. */
#define RD_RECORD_MAX ((size_t)64 << 20)

/* Loads DIR. Returns 0, or -1 with "FILE:LINE:COL: reason" (or another clear reason) in err.
 * Every path the manifest names is confined to DIR (relative, no "..", no symbolic link); a
 * manifest's run_id must be a valid run id (safe_run_id_check). When several records are bad,
 * each is named on stderr and err says how many. */
int rd_load(const char *dir, struct rd_set *set, char *err, size_t errlen);
/* rd_load of two folders at once (compare's BASE and NEW): their manifests and records are read
 * side by side on all cores. -1 with the first folder's error, else the second's, in err. */
int rd_load_two(const char *dir_a, struct rd_set *a, const char *dir_b, struct rd_set *b, char *err,
                size_t errlen);
void rd_free(struct rd_set *set);

/* A metric of a run's record: 0 and its value, unit and direction (1 higher is better), or -1. */
int rd_metric(const struct rd_run *run, const char *name, double *value, const char **unit, int *higher);
/* The metric's per-repetition samples (its value alone when it has none). Returns the count written
 * (at most cap) or 0 when the metric is absent. */
size_t rd_metric_samples(const struct rd_run *run, const char *name, double *out, size_t cap);
/* A numeric parameter by its exact name (the record's, as docs/results.md names them), or NaN. */
double rd_param(const struct rd_run *run, const char *name);
/* Why a run is not ok ("status crashed", "verification failed (residual 3.1 > 16)"...) into buf. */
const char *rd_failure(const struct rd_run *run, char *buf, size_t len);

/* obj[key] when it is a string, else dflt. */
const char *rd_jstr(const json_t *obj, const char *key, const char *dflt);

#endif
