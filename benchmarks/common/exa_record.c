/* The result record: building it with jansson, checking its shape, writing it atomically. */
#include "exa_record.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "exa_attempt.h"
#include "exa_cli.h"
#include "exa_timer.h"

void exa_utc_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *build_facts(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "version", exa_version(), "git_commit",
                     EXA_BUILD_GIT_COMMIT, "cc", EXA_BUILD_CC, "cflags", EXA_BUILD_CFLAGS, "papi",
                     EXA_BUILD_PAPI, "cuda", EXA_BUILD_CUDA);
}

json_t *exa_record_new(const char *benchmark, const char *variant)
{
    char now[32];
    exa_utc_now(now, sizeof now);
    json_t *rec = json_object();
    json_object_set_new(rec, "schema", json_string(EXA_SCHEMA_NAME));
    json_object_set_new(rec, "schema_version", json_integer(EXA_SCHEMA_VERSION));
    json_object_set_new(rec, "benchmark", json_string(benchmark));
    json_object_set_new(rec, "variant", json_string(variant));
    json_object_set_new(rec, "test", json_null());
    json_object_set_new(rec, "exabench", build_facts());
    json_object_set_new(rec, "started", json_string(now));
    json_object_set_new(rec, "valid", json_true());
    json_object_set_new(rec, "compliance", json_pack("{s:b, s:[]}", "compliant", 1, "violations"));
    json_object_set_new(rec, "parameters", json_object());
    json_object_set_new(rec, "results", json_object());
    json_object_set_new(rec, "metrics", json_object());
    json_object_set_new(rec, "verification", json_null());
    json_object_set_new(rec, "timer", json_pack("{s:s, s:f}", "source", "CLOCK_MONOTONIC",
                                                "resolution_s", exa_timer_resolution()));
    return rec;
}

void exa_record_set_test(json_t *rec, const char *test)
{
    json_object_set_new(rec, "test", test ? json_string(test) : json_null());
}

json_t *exa_record_parameters(json_t *rec) { return json_object_get(rec, "parameters"); }
json_t *exa_record_results(json_t *rec) { return json_object_get(rec, "results"); }

/* JSON has no NaN or infinity: an unmeasurable figure is null, never a made-up number. */
static json_t *json_number_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *exa_json_samples(const double *samples, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_number_or_null(samples[i]));
    return a;
}

json_t *exa_json_stats(const struct exa_stats *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer((json_int_t)s->n));
    const struct {
        const char *name;
        double value;
    } fields[] = {{"min", s->min},       {"max", s->max},       {"mean", s->mean},
                  {"median", s->median}, {"stddev", s->stddev}, {"p01", s->p01},
                  {"p05", s->p05},       {"p25", s->p25},       {"p75", s->p75},
                  {"p95", s->p95},       {"p99", s->p99},       {"ci95_low", s->ci95_low},
                  {"ci95_high", s->ci95_high}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        json_object_set_new(o, fields[i].name, json_number_or_null(fields[i].value));
    return o;
}

void exa_record_add_metric(json_t *rec, const char *name, double value, const char *unit,
                           enum exa_direction direction, const double *samples, size_t n)
{
    json_t *m = json_object();
    json_object_set_new(m, "value", json_number_or_null(value));
    json_object_set_new(m, "unit", json_string(unit));
    json_object_set_new(m, "direction",
                        json_string(direction == EXA_HIGHER_IS_BETTER ? "higher" : "lower"));
    if (samples && n > 0)
        json_object_set_new(m, "samples", exa_json_samples(samples, n));
    json_object_set_new(json_object_get(rec, "metrics"), name, m);
}

void exa_record_set_expected(json_t *rec, const char *name, double expected, const char *basis)
{
    json_t *m = json_object_get(json_object_get(rec, "metrics"), name);
    if (!m || !(expected > 0))
        return;
    json_object_set_new(m, "expected", json_real(expected));
    json_object_set_new(m, "expected_basis", json_string(basis));
    json_t *v = json_object_get(m, "value");
    if (json_is_number(v))
        json_object_set_new(m, "efficiency", json_real(json_number_value(v) / expected));
}

void exa_record_set_verification(json_t *rec, int passed, const char *method, double value,
                                 double threshold, const char *comparison)
{
    json_object_set_new(rec, "verification",
                        json_pack("{s:b, s:s, s:o, s:o, s:s}", "passed", passed, "method", method,
                                  "value", json_number_or_null(value), "threshold",
                                  json_number_or_null(threshold), "comparison", comparison));
    if (!passed)
        json_object_set_new(rec, "valid", json_false());
}

void exa_record_add_violation(json_t *rec, const char *reason)
{
    json_t *c = json_object_get(rec, "compliance");
    json_object_set_new(c, "compliant", json_false());
    json_array_append_new(json_object_get(c, "violations"), json_string(reason));
}

static json_t *launch_command_from_env(void)
{
    const char *cmd = getenv("EXA_LAUNCH_COMMAND");
    if (!cmd)
        return NULL;
    json_t *parsed = json_loads(cmd, 0, NULL);
    if (json_is_array(parsed))
        return parsed;
    json_decref(parsed);
    return json_string(cmd);
}

static const char *guess_launcher(void)
{
    const char *named = getenv("EXA_LAUNCHER");
    if (named)
        return named;
    if (getenv("SLURM_STEP_ID") || getenv("SLURM_JOB_ID"))
        return getenv("OMPI_COMM_WORLD_SIZE") ? "mpirun (in Slurm job)" : "srun";
    if (getenv("OMPI_COMM_WORLD_SIZE"))
        return "mpirun";
    return "unknown (singleton)";
}

json_t *exa_record_launch(const struct exa_launch_facts *f, int argc, char **argv)
{
    json_t *launch = json_object();
    json_object_set_new(launch, "ranks", json_integer(f->ranks));
    json_object_set_new(launch, "nodes", json_integer(f->nodes));
    json_object_set_new(launch, "ranks_per_node", json_integer(f->ranks_per_node));
    json_object_set_new(launch, "threads_per_rank", json_integer(f->threads_per_rank));
    json_object_set_new(launch, "launcher", json_string(guess_launcher()));
    json_t *cmd = launch_command_from_env();
    json_object_set_new(launch, "command_line", cmd ? cmd : json_null());
    json_t *args = json_array();
    for (int i = 0; i < argc; i++)
        json_array_append_new(args, json_string(argv[i]));
    json_object_set_new(launch, "argv", args);
    json_t *host_list = json_array();
    for (int r = 0; r < f->ranks; r++)
        json_array_append_new(host_list, json_string(f->hosts + (size_t)r * f->host_len));
    json_object_set_new(launch, "hosts", host_list);
    return launch;
}

void exa_record_set_provenance(json_t *rec, json_t *provenance)
{
    if (provenance)
        json_object_set_new(rec, "provenance", provenance);
}

void exa_record_set_object(json_t *rec, const char *key, json_t *value)
{
    if (value)
        json_object_set_new(rec, key, value);
}

static int fsync_parent(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int exa_record_write(json_t *rec, const char *path, char err[EXA_ERR_LEN])
{
    char now[32];
    exa_utc_now(now, sizeof now);
    json_object_set_new(rec, "finished", json_string(now));
    const size_t flags = JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17);
    if (!strcmp(path, "-")) {
        if (json_dumpf(rec, stdout, flags) != 0) {
            snprintf(err, EXA_ERR_LEN, "cannot write the record to standard output");
            return -1;
        }
        fputc('\n', stdout);
        fflush(stdout);
        return 0;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, EXA_ERR_LEN, "cannot create '%s': %s", tmp, strerror(errno));
        return -1;
    }
    int bad = json_dumpf(rec, f, flags) != 0 || fputc('\n', f) == EOF || fflush(f) != 0 ||
              fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    /* Started by the harness: the record goes in place only while the harness still waits for this
     * attempt; an orphan of a killed or timed-out run writes nothing (exa_attempt.h). The shared
     * lock makes the check and the rename one step against the harness's marking. */
    int lock = -1;
    char why[512];
    if (!bad && exa_attempt_commit_begin(&lock, why, sizeof why) != 1) {
        unlink(tmp);
        snprintf(err, EXA_ERR_LEN, "record '%s' not written: %s", path, why);
        return -1;
    }
    if (bad || rename(tmp, path) != 0) {
        if (!bad)
            saved = errno;
        exa_attempt_commit_end(lock);
        unlink(tmp);
        snprintf(err, EXA_ERR_LEN, "cannot write the record '%s': %s", path, strerror(saved));
        return -1;
    }
    exa_attempt_commit_end(lock);
    fsync_parent(path);
    return 0;
}

/* Field path and the jansson type it must have; "number" accepts integer or real. */
struct required_field {
    const char *key;
    json_type type;
    int number;
};

static const struct required_field required[] = {
    {"schema", JSON_STRING, 0},     {"schema_version", JSON_INTEGER, 0},
    {"benchmark", JSON_STRING, 0},  {"variant", JSON_STRING, 0},
    {"exabench", JSON_OBJECT, 0},   {"started", JSON_STRING, 0},
    {"finished", JSON_STRING, 0},   {"compliance", JSON_OBJECT, 0},
    {"parameters", JSON_OBJECT, 0}, {"results", JSON_OBJECT, 0},
    {"metrics", JSON_OBJECT, 0},    {"verification", JSON_OBJECT, 0},
    {"launch", JSON_OBJECT, 0},     {"provenance", JSON_OBJECT, 0},
};

static int check_metric(const char *name, const json_t *m, char err[EXA_ERR_LEN])
{
    const json_t *dir = json_object_get(m, "direction");
    if (!json_is_object(m) || !json_is_string(json_object_get(m, "unit")) || !json_is_string(dir)) {
        snprintf(err, EXA_ERR_LEN, "metrics.%s: needs value, unit and direction", name);
        return -1;
    }
    const json_t *v = json_object_get(m, "value");
    if (!json_is_number(v) && !json_is_null(v)) {
        snprintf(err, EXA_ERR_LEN, "metrics.%s.value: not a number", name);
        return -1;
    }
    if (strcmp(json_string_value(dir), "higher") && strcmp(json_string_value(dir), "lower")) {
        snprintf(err, EXA_ERR_LEN, "metrics.%s.direction: '%s' is neither 'higher' nor 'lower'",
                 name, json_string_value(dir));
        return -1;
    }
    return 0;
}

int exa_record_validate(const json_t *rec, char err[EXA_ERR_LEN])
{
    if (!json_is_object(rec)) {
        snprintf(err, EXA_ERR_LEN, "the record is not a JSON object");
        return -1;
    }
    const json_t *schema = json_object_get(rec, "schema");
    if (!json_is_string(schema) || strcmp(json_string_value(schema), EXA_SCHEMA_NAME)) {
        snprintf(err, EXA_ERR_LEN, "schema: expected \"%s\"", EXA_SCHEMA_NAME);
        return -1;
    }
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const json_t *v = json_object_get(rec, required[i].key);
        if (!v || json_typeof(v) != required[i].type) {
            snprintf(err, EXA_ERR_LEN, "%s: %s", required[i].key, v ? "wrong type" : "missing");
            return -1;
        }
    }
    json_int_t version = json_integer_value(json_object_get(rec, "schema_version"));
    if (version != EXA_SCHEMA_VERSION) {
        snprintf(err, EXA_ERR_LEN, "schema_version: %lld is not supported (this exabench reads %d)",
                 (long long)version, EXA_SCHEMA_VERSION);
        return -1;
    }
    if (!json_is_boolean(json_object_get(rec, "valid")) ||
        !json_is_boolean(json_object_get(json_object_get(rec, "verification"), "passed"))) {
        snprintf(err, EXA_ERR_LEN, "valid / verification.passed: missing or not a boolean");
        return -1;
    }
    const char *name;
    const json_t *m;
    json_object_foreach((json_t *)json_object_get(rec, "metrics"), name, m)
        if (check_metric(name, m, err) != 0)
            return -1;
    const json_t *launch = json_object_get(rec, "launch");
    if (!json_is_integer(json_object_get(launch, "ranks")) ||
        !json_is_integer(json_object_get(launch, "nodes"))) {
        snprintf(err, EXA_ERR_LEN, "launch.ranks / launch.nodes: missing");
        return -1;
    }
    return 0;
}
