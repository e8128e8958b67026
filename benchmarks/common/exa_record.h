/* The result record: one JSON object per benchmark run, built with jansson and written atomically.
 * Layout and field meanings: docs/results.md (schema "exabench.record", version EXA_SCHEMA_VERSION). */
#ifndef EXA_RECORD_H
#define EXA_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include "exa_parse.h"
#include "exa_stats.h"

#define EXA_SCHEMA_NAME "exabench.record"
#define EXA_SCHEMA_VERSION 1

enum exa_direction { EXA_HIGHER_IS_BETTER, EXA_LOWER_IS_BETTER };

/* A new record: schema, benchmark ("stream", "comm", "hpl"), variant ("cpu", "cuda"), exabench
 * version, git commit and build facts, start time, timer facts. Starts valid and compliant. */
json_t *exa_record_new(const char *benchmark, const char *variant);

/* The sub-test for benchmarks that have several (exa-comm's "latency", "allpairs", ...). */
void exa_record_set_test(json_t *rec, const char *test);

/* The "parameters" object, to fill with the run's inputs (borrowed reference). */
json_t *exa_record_parameters(json_t *rec);

/* The "results" object, for benchmark-specific detail: per-kernel or per-size tables with every
 * raw sample (borrowed reference). */
json_t *exa_record_results(json_t *rec);

/* Adds metrics.NAME = {value, unit, direction[, samples]}. samples may be NULL (n 0): they are the
 * per-repetition values the value summarises, which `exabench compare` tests statistically. */
void exa_record_add_metric(json_t *rec, const char *name, double value, const char *unit,
                           enum exa_direction direction, const double *samples, size_t n);

/* Adds to metrics.NAME the expected value (a peak), what it is based on ("calibrated dgemm",
 * "nominal ISA x frequency", ...) and efficiency = value / expected. No-op when expected <= 0. */
void exa_record_set_expected(json_t *rec, const char *name, double expected, const char *basis);

/* verification = {passed, method, value, threshold, comparison}. A failed verification also
 * marks the record invalid ("valid": false), which the harness and reports honour. */
void exa_record_set_verification(json_t *rec, int passed, const char *method, double value,
                                 double threshold, const char *comparison);

/* Marks the run non-compliant with the benchmark's run rules, appending the reason to
 * "compliance.violations". Non-compliant runs can not be submitted or ranked. */
void exa_record_add_violation(json_t *rec, const char *reason);

/* What the parallel runtime knows about a launch (exa_record_set_launch in mpi/exa_mpi.h gathers
 * it); hosts holds ranks names of host_len bytes each, in rank order. */
struct exa_launch_facts {
    int ranks, nodes, ranks_per_node, threads_per_rank;
    const char *hosts;
    size_t host_len;
};

/* launch = {ranks, nodes, ranks_per_node, threads_per_rank, launcher, command_line, argv, hosts}.
 * The launcher and its exact command line come from the harness through EXA_LAUNCHER and
 * EXA_LAUNCH_COMMAND (a JSON array) when set; otherwise they are inferred. New reference. */
json_t *exa_record_launch(const struct exa_launch_facts *facts, int argc, char **argv);

/* Attaches provenance (steals the reference; NULL is ignored). */
void exa_record_set_provenance(json_t *rec, json_t *provenance);

/* Attaches an object under KEY (steals the reference; NULL is ignored): "counters", "energy"... */
void exa_record_set_object(json_t *rec, const char *key, json_t *value);

/* Sets "finished" and writes the record: to stdout for "-", otherwise to PATH.tmp.PID, fsync,
 * rename onto PATH, fsync the directory. Returns 0, or -1 with the reason in err. */
int exa_record_write(json_t *rec, const char *path, char err[EXA_ERR_LEN]);

/* Checks that rec carries every required field with the right type and a known schema version.
 * Returns 0, or -1 naming the first missing or malformed field in err. */
int exa_record_validate(const json_t *rec, char err[EXA_ERR_LEN]);

/* JSON helpers for benchmark code. */
json_t *exa_json_samples(const double *samples, size_t n);
json_t *exa_json_stats(const struct exa_stats *stats);

/* ISO 8601 UTC time ("2026-11-25T10:58:25Z") into buf. */
void exa_utc_now(char *buf, size_t len);

#endif
